// SPDX-License-Identifier: GPL-2.0
/*
 * Bad input to every kbufmap ioctl gets a specific errno and changes nothing.
 *
 * Runs in the guest as root with the module loaded. Each case names the
 * field it abuses; after every refused CONFIGURE the buffer's info must be
 * exactly what it was before. TAP output (tests/lib/tap.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "uapi/kbufmap.h"
#include "../lib/tap.h"
#include "../lib/pages.h"

static void expect_errno(const char *what, int ret, int want)
{
	int got = ret < 0 ? errno : 0;

	if (!tap_ok(got == want, "%s: %s", what, want ? strerror(want) : "accepted"))
		tap_diag("got %s (%d), want %s (%d)", got ? strerror(got) : "success",
			 got, want ? strerror(want) : "success", want);
}

static struct kbufmap_config cfg(uint64_t pages, uint32_t backend, uint32_t strategy)
{
	struct kbufmap_config c;

	memset(&c, 0, sizeof(c));
	c.nr_pages = pages;
	c.backend = backend;
	c.strategy = strategy;
	c.node = KBUFMAP_NODE_ANY;
	return c;
}

/* A refused CONFIGURE must leave the file's buffer exactly as it was. */
static void expect_refused_unchanged(int fd, const char *what, struct kbufmap_config c, int want)
{
	struct kbufmap_info before, after;

	if (!tap_ok(ioctl(fd, KBUFMAP_IOC_GET_INFO, &before) == 0,
		    "%s: GET_INFO before", what)) {
		tap_diag("GET_INFO: %s", strerror(errno));
		return;
	}
	expect_errno(what, ioctl(fd, KBUFMAP_IOC_CONFIGURE, &c), want);
	tap_ok(ioctl(fd, KBUFMAP_IOC_GET_INFO, &after) == 0 &&
	       memcmp(&before, &after, sizeof(before)) == 0,
	       "%s: the refused call left the buffer unchanged", what);
}

/* Cache modes and KBUFMAP_CONFIG_SET_MEMORY (ABI 2.2). */
static void cache_cases(int fd)
{
	struct kbufmap_config c;

	c = cfg(1, KBUFMAP_BACKEND_PAGES, KBUFMAP_STRATEGY_INSERT);
	c.cache = KBUFMAP_CACHE_COUNT;
	expect_refused_unchanged(fd, "unknown cache mode", c, EINVAL);
	c.cache = UINT32_MAX;
	expect_refused_unchanged(fd, "cache = 2^32 - 1", c, EINVAL);
	c.cache = KBUFMAP_CACHE_WB;
	c.flags = KBUFMAP_CONFIG_SET_MEMORY;
	expect_refused_unchanged(fd, "SET_MEMORY with cache wb", c, EINVAL);
	c = cfg(1, KBUFMAP_BACKEND_VMALLOC, KBUFMAP_STRATEGY_FAULT);
	c.cache = KBUFMAP_CACHE_WC;
	c.flags = KBUFMAP_CONFIG_SET_MEMORY;
	expect_refused_unchanged(fd, "SET_MEMORY on vmalloc", c, EOPNOTSUPP);
	c = cfg(1, KBUFMAP_BACKEND_KMALLOC, KBUFMAP_STRATEGY_PFN);
	c.cache = KBUFMAP_CACHE_UC;
	c.flags = KBUFMAP_CONFIG_SET_MEMORY;
	expect_refused_unchanged(fd, "SET_MEMORY on kmalloc", c, EOPNOTSUPP);
	c = cfg(1, KBUFMAP_BACKEND_PAGES, KBUFMAP_STRATEGY_FAULT);
	c.cache = KBUFMAP_CACHE_WC;
	c.flags = KBUFMAP_CONFIG_SET_MEMORY | (1U << 1);
	expect_refused_unchanged(fd, "SET_MEMORY with an unknown flag", c, EINVAL);
}

/* A cache mode other than wb refuses MAP_PRIVATE, and the refusal leaves no VMA. */
static void private_cache_case(const char *dev)
{
	struct kbufmap_config c = cfg(2, KBUFMAP_BACKEND_PAGES, KBUFMAP_STRATEGY_FAULT);
	struct kbufmap_info info;
	int fd = open(dev, O_RDWR);
	void *p;

	c.cache = KBUFMAP_CACHE_WC;
	if (!tap_ok(fd >= 0 && ioctl(fd, KBUFMAP_IOC_CONFIGURE, &c) == 0,
		    "configure pages/fault with cache wc")) {
		tap_diag("open/CONFIGURE: %s", strerror(errno));
		if (fd >= 0)
			close(fd);
		return;
	}
	p = mmap(NULL, 2 * page_size, PROT_READ, MAP_PRIVATE, fd, 0);
	expect_errno("MAP_PRIVATE of a wc buffer", p == MAP_FAILED ? -1 : 0, EINVAL);
	if (p != MAP_FAILED)
		munmap(p, 2 * page_size);
	memset(&info, 0, sizeof(info));
	tap_ok(ioctl(fd, KBUFMAP_IOC_GET_INFO, &info) == 0 && info.live_vmas == 0 &&
	       info.cache == KBUFMAP_CACHE_WC && info.config_flags == 0,
	       "the refused mmap left no mapping; GET_INFO reports cache wc, no flags");
	p = mmap(NULL, 2 * page_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	expect_errno("MAP_SHARED of a wc buffer", p == MAP_FAILED ? -1 : 0, 0);
	if (p != MAP_FAILED)
		munmap(p, 2 * page_size);
	close(fd);
}

static struct kbufmap_pgattr pgattr_req(void *addr, uint64_t pages,
					struct kbufmap_pgattr_run *runs, uint32_t max)
{
	struct kbufmap_pgattr r;

	memset(&r, 0, sizeof(r));
	r.addr = (uintptr_t)addr;
	r.nr_pages = pages;
	r.runs = (uintptr_t)runs;
	r.max_runs = max;
	return r;
}

/* A refused PGATTR writes neither the runs nor the request's out fields. */
/*
 * The top of user space (TASK_SIZE): the highest of 2^56, 2^52, 2^48 and
 * 2^47 with a mappable page just below (x86-64: 47 bits, 56 with 5-level
 * paging; arm64: 48, or 52 with large VAs).
 */
static uint64_t user_space_top(void)
{
	static const unsigned int bits[] = { 56, 52, 48, 47 };
	size_t i;

	for (i = 0; i < sizeof(bits) / sizeof(bits[0]); i++) {
		void *want = (void *)(uintptr_t)((1ULL << bits[i]) - page_size);
		void *p = mmap(want, page_size, PROT_NONE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);

		if (p != MAP_FAILED)
			munmap(p, page_size);
		if (p == want)
			return 1ULL << bits[i];
	}
	return 1ULL << 47;
}

static void expect_pgattr_refused(int fd, const char *what, struct kbufmap_pgattr r, int want)
{
	struct kbufmap_pgattr_run runs[2];
	struct kbufmap_pgattr before;

	if (r.runs == 1)	/* the caller's marker: point at the local runs */
		r.runs = (uintptr_t)runs;
	memset(runs, 0xa5, sizeof(runs));
	r.nr_runs = 0x5a5a;
	before = r;
	expect_errno(what, ioctl(fd, KBUFMAP_IOC_PGATTR, &r), want);
	tap_ok(memcmp(&before, &r, sizeof(r)) == 0 && runs[0].addr == 0xa5a5a5a5a5a5a5a5ULL,
	       "%s: nothing written", what);
}

static void pgattr_cases(int fd)
{
	struct kbufmap_pgattr_run runs[2];
	struct kbufmap_pgattr r;
	char *page = mmap(NULL, page_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (!tap_ok(page != MAP_FAILED, "an anonymous page for PGATTR"))
		return;
	page[0] = 1;
	r = pgattr_req(page, 1, runs, 2);
	expect_errno("PGATTR of one anonymous page", ioctl(fd, KBUFMAP_IOC_PGATTR, &r), 0);
	tap_ok(r.nr_runs == 1 && r.pages_done == 1 && runs[0].pad == 0 &&
	       (runs[0].flags & KBUFMAP_PGATTR_PRESENT), "PGATTR: one present run");

	expect_pgattr_refused(fd, "PGATTR addr not page-aligned", pgattr_req(page + 1, 1, (void *)1, 2), EINVAL);
	expect_pgattr_refused(fd, "PGATTR nr_pages 0", pgattr_req(page, 0, (void *)1, 2), EINVAL);
	expect_pgattr_refused(fd, "PGATTR nr_pages over the limit",
			      pgattr_req(page, KBUFMAP_PGATTR_MAX_PAGES + 1, (void *)1, 2), EINVAL);
	expect_pgattr_refused(fd, "PGATTR nr_pages 2^64 - 1", pgattr_req(page, UINT64_MAX, (void *)1, 2), EINVAL);
	expect_pgattr_refused(fd, "PGATTR range wraps past 2^64",
			      pgattr_req((void *)(uintptr_t)-page_size, 2, (void *)1, 2), EINVAL);
	expect_pgattr_refused(fd, "PGATTR addr in the kernel's half",
			      pgattr_req((void *)0xffff888000000000ULL, 1, (void *)1, 2), EINVAL);
	expect_pgattr_refused(fd, "PGATTR range crosses the top of user space",
			      pgattr_req((void *)(uintptr_t)(user_space_top() - page_size), 2, (void *)1, 2), EINVAL);
	expect_pgattr_refused(fd, "PGATTR max_runs 0", pgattr_req(page, 1, (void *)1, 0), EINVAL);
	expect_pgattr_refused(fd, "PGATTR max_runs over the limit",
			      pgattr_req(page, 1, (void *)1, KBUFMAP_PGATTR_MAX_RUNS + 1), EINVAL);
	r = pgattr_req(page, 1, (void *)1, 2);
	r.reserved[1] = 1;
	expect_pgattr_refused(fd, "PGATTR reserved[1] != 0", r, EINVAL);
	r = pgattr_req(page, 1, (void *)8, 2);	/* runs not writable */
	expect_errno("PGATTR bad runs pointer", ioctl(fd, KBUFMAP_IOC_PGATTR, &r), EFAULT);
	munmap(page, page_size);
}

static void configure_cases(int fd)
{
	struct kbufmap_config c;

	c = cfg(4, KBUFMAP_BACKEND_VMALLOC, KBUFMAP_STRATEGY_FAULT);
	expect_errno("configure 4 pages vmalloc/fault", ioctl(fd, KBUFMAP_IOC_CONFIGURE, &c), 0);

	expect_refused_unchanged(fd, "nr_pages = 0", cfg(0, 0, 0), EINVAL);
	expect_refused_unchanged(fd, "nr_pages = max + 1", cfg(KBUFMAP_MAX_PAGES + 1, 0, 0), E2BIG);
	expect_refused_unchanged(fd, "nr_pages = 2^64 - 1", cfg(UINT64_MAX, 0, 0), E2BIG);
	expect_refused_unchanged(fd, "nr_pages = 2^52 (bytes overflow)", cfg(1ULL << 52, 0, 0), E2BIG);
	expect_refused_unchanged(fd, "kmalloc over its limit",
				 cfg(KBUFMAP_KMALLOC_MAX_PAGES + 1, KBUFMAP_BACKEND_KMALLOC, KBUFMAP_STRATEGY_PFN), E2BIG);
	expect_refused_unchanged(fd, "backend out of range", cfg(1, KBUFMAP_BACKEND_COUNT, 0), EINVAL);
	expect_refused_unchanged(fd, "backend = 2^32 - 1", cfg(1, UINT32_MAX, 0), EINVAL);
	expect_refused_unchanged(fd, "strategy out of range", cfg(1, 0, KBUFMAP_STRATEGY_COUNT), EINVAL);
	expect_refused_unchanged(fd, "kmalloc + insert (slab pages)",
				 cfg(1, KBUFMAP_BACKEND_KMALLOC, KBUFMAP_STRATEGY_INSERT), EOPNOTSUPP);
	expect_refused_unchanged(fd, "pages + vmalloc-range",
				 cfg(1, KBUFMAP_BACKEND_PAGES, KBUFMAP_STRATEGY_VMALLOC_RANGE), EOPNOTSUPP);
	expect_refused_unchanged(fd, "vmalloc + huge",
				 cfg(1, KBUFMAP_BACKEND_VMALLOC, KBUFMAP_STRATEGY_HUGE), EOPNOTSUPP);

	c = cfg(1, KBUFMAP_BACKEND_PAGES, KBUFMAP_STRATEGY_FAULT);
	c.node = 4096;
	expect_refused_unchanged(fd, "node 4096", c, EINVAL);
	c.node = -2;
	expect_refused_unchanged(fd, "node -2", c, EINVAL);
	c = cfg(1, KBUFMAP_BACKEND_VMALLOC, KBUFMAP_STRATEGY_FAULT);
	c.node = 0;
	expect_refused_unchanged(fd, "vmalloc on a node", c, EOPNOTSUPP);
	c = cfg(1, 0, 0);
	c.flags = 1U << 31;
	expect_refused_unchanged(fd, "unknown flag", c, EINVAL);
	c = cfg(1, 0, 0);
	c.pad = 1;
	expect_refused_unchanged(fd, "pad != 0", c, EINVAL);
	c = cfg(1, 0, 0);
	c.reserved[2] = 1;
	expect_refused_unchanged(fd, "reserved[2] != 0", c, EINVAL);
	cache_cases(fd);
}

static void pfn_cases(int fd)
{
	uint64_t pfns[8];
	struct kbufmap_pfns p;

	memset(&p, 0, sizeof(p));
	p.pfns = (uintptr_t)pfns;
	p.first = 0;
	p.count = 4;
	expect_errno("GET_PFNS whole buffer", ioctl(fd, KBUFMAP_IOC_GET_PFNS, &p), 0);
	p.count = 0;
	expect_errno("GET_PFNS count 0", ioctl(fd, KBUFMAP_IOC_GET_PFNS, &p), EINVAL);
	p.count = 5;
	expect_errno("GET_PFNS past the end", ioctl(fd, KBUFMAP_IOC_GET_PFNS, &p), EINVAL);
	p.first = 4;
	p.count = 1;
	expect_errno("GET_PFNS first = nr_pages", ioctl(fd, KBUFMAP_IOC_GET_PFNS, &p), EINVAL);
	p.first = UINT64_MAX;
	p.count = 2;
	expect_errno("GET_PFNS first + count overflows", ioctl(fd, KBUFMAP_IOC_GET_PFNS, &p), EINVAL);
	p.first = 0;
	p.count = KBUFMAP_PFN_BATCH_MAX + 1;
	expect_errno("GET_PFNS count over the batch limit", ioctl(fd, KBUFMAP_IOC_GET_PFNS, &p), EINVAL);
	p.count = 1;
	p.reserved[1] = 1;
	expect_errno("GET_PFNS reserved != 0", ioctl(fd, KBUFMAP_IOC_GET_PFNS, &p), EINVAL);
	p.reserved[1] = 0;
	p.pfns = 8;	/* not a user address that can be written */
	expect_errno("GET_PFNS bad user pointer", ioctl(fd, KBUFMAP_IOC_GET_PFNS, &p), EFAULT);
}

static void counter_cases(int fd)
{
	struct kbufmap_stats st;

	memset(&st, 0, sizeof(st));
	st.scope = KBUFMAP_SCOPE_MODULE;
	expect_errno("GET_COUNTERS module", ioctl(fd, KBUFMAP_IOC_GET_COUNTERS, &st), 0);
	st.scope = 7;
	expect_errno("GET_COUNTERS unknown scope", ioctl(fd, KBUFMAP_IOC_GET_COUNTERS, &st), EINVAL);
	memset(&st, 0, sizeof(st));
	st.pad = 1;
	expect_errno("GET_COUNTERS pad != 0", ioctl(fd, KBUFMAP_IOC_GET_COUNTERS, &st), EINVAL);
	memset(&st, 0, sizeof(st));
	st.counters.reserved[4] = 1;
	expect_errno("GET_COUNTERS counters.reserved != 0", ioctl(fd, KBUFMAP_IOC_GET_COUNTERS, &st),
		     EINVAL);
	expect_errno("unknown ioctl", ioctl(fd, _IO(KBUFMAP_IOC_MAGIC, 0x7f)), ENOTTY);
	expect_errno("ioctl of another driver's magic", ioctl(fd, _IO('T', 0x01)), ENOTTY);
}

/* An unconfigured file: no buffer to map, read or count. */
static void unconfigured_cases(const char *dev)
{
	struct kbufmap_stats st;
	struct kbufmap_info info;
	char byte;
	void *p;
	int fd = open(dev, O_RDWR);

	if (!tap_ok(fd >= 0, "open %s a second time", dev)) {
		tap_diag("open: %s", strerror(errno));
		return;
	}
	p = mmap(NULL, page_size, PROT_READ, MAP_SHARED, fd, 0);
	expect_errno("mmap before configure", p == MAP_FAILED ? -1 : 0, ENXIO);
	if (p != MAP_FAILED)
		munmap(p, page_size);
	expect_errno("read before configure", read(fd, &byte, 1) < 0 ? -1 : 0, ENXIO);
	memset(&st, 0, sizeof(st));
	expect_errno("buffer counters before configure", ioctl(fd, KBUFMAP_IOC_GET_COUNTERS, &st), ENXIO);
	memset(&info, 0, sizeof(info));
	expect_errno("GET_INFO before configure", ioctl(fd, KBUFMAP_IOC_GET_INFO, &info), 0);
	{
		struct kbufmap_dma_sync sync = { .length = 1 };

		expect_errno("DMA_SYNC before configure", ioctl(fd, KBUFMAP_IOC_DMA_SYNC, &sync),
			     ENXIO);
	}
	tap_ok(!(info.flags & KBUFMAP_INFO_CONFIGURED),
	       "GET_INFO before configure says not configured");
	close(fd);
}

/* Physical addresses are for privileged callers only. */
static void unprivileged_pfn_case(int fd)
{
	struct kbufmap_pfns p;
	uint64_t pfn;
	pid_t pid = fork();
	int status;

	if (pid == 0) {
		if (setresuid(65534, 65534, 65534) < 0)
			_exit(100);
		memset(&p, 0, sizeof(p));
		p.count = 1;
		p.pfns = (uintptr_t)&pfn;
		_exit(ioctl(fd, KBUFMAP_IOC_GET_PFNS, &p) < 0 && errno == EPERM ? 0 : 1);
	}
	if (!tap_ok(pid >= 0 && waitpid(pid, &status, 0) == pid,
		    "fork for the unprivileged case")) {
		tap_diag("fork/waitpid: %s", strerror(errno));
		return;
	}
	if (!tap_ok(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		    "GET_PFNS without CAP_SYS_ADMIN: %s", strerror(EPERM)))
		tap_diag("not refused with EPERM (child status %#x; 100: setresuid failed)",
			 status);
}

/* The page tables show PFNs' facts: PGATTR is for privileged callers only. */
static void unprivileged_pgattr_case(int fd)
{
	struct kbufmap_pgattr_run run;
	struct kbufmap_pgattr r;
	pid_t pid = fork();
	int status;

	if (pid == 0) {
		if (setresuid(65534, 65534, 65534) < 0)
			_exit(100);
		memset(&r, 0, sizeof(r));
		r.addr = (uintptr_t)&run & ~4095ULL;
		r.nr_pages = 1;
		r.runs = (uintptr_t)&run;
		r.max_runs = 1;
		_exit(ioctl(fd, KBUFMAP_IOC_PGATTR, &r) < 0 && errno == EPERM &&
		      r.nr_runs == 0 ? 0 : 1);
	}
	if (!tap_ok(pid >= 0 && waitpid(pid, &status, 0) == pid,
		    "fork for the unprivileged PGATTR case")) {
		tap_diag("fork/waitpid: %s", strerror(errno));
		return;
	}
	if (!tap_ok(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		    "PGATTR without CAP_SYS_ADMIN: %s", strerror(EPERM)))
		tap_diag("not refused with EPERM (child status %#x; 100: setresuid failed)",
			 status);
}

int main(int argc, char **argv)
{
	const char *dev = argc > 1 ? argv[1] : KBUFMAP_DEVICE_PATH;
	int fd = open(dev, O_RDWR);

	pages_init();
	if (!tap_ok(fd >= 0, "open %s", dev)) {
		tap_diag("open: %s", strerror(errno));
		return tap_done();
	}
	unconfigured_cases(dev);
	configure_cases(fd);
	pfn_cases(fd);
	counter_cases(fd);
	unprivileged_pfn_case(fd);
	private_cache_case(dev);
	pgattr_cases(fd);
	unprivileged_pgattr_case(fd);
	close(fd);
	return tap_done();
}
