// SPDX-License-Identifier: GPL-2.0
/*
 * KBUFMAP_IOC_PGATTR against what the kernel's code says the page table
 * holds. On both architectures:
 *  - anonymous memory: present, write-back RAM, not special;
 *  - a hole between two mappings: NO_VMA;
 *  - a remap buffer: special (no page reference);
 *  - insert with cache wc: the PTE is write-combining (arm64: Normal-NC)
 *    while the kernel's direct map stays write-back (a memory-type alias);
 *    fault with uc: UC- on x86 (pgprot_noncached()), Device-nGnRnE on arm64;
 *  - huge: PMD leaves where GET_INFO says the kernel maps them.
 * On x86 with PAT (the guests' qemu64 CPU has it):
 *  - with SET_MEMORY the direct map takes the attribute too (WC, UC-);
 *  - remap of the whole VMA with wc: PAT forces write-back and says so in
 *    the kernel log ("x86/PAT: ... map pfn RAM range req write-combining
 *    ..., got write-back"); pfn: forced silently; pfn with SET_MEMORY: WC;
 *    huge with wc: forced write-back.
 * On arm64, with no PAT and no set_memory_wc(): every PFN strategy keeps the
 *    attribute asked for (read through MAIR_EL1), and SET_MEMORY is refused.
 * After every buffer is closed the module holds no bytes.
 * Runs in the guest as root with the module loaded. TAP (tests/lib/tap.h).
 *
 * pgattr --wrong-cache: against the fault-injection build, the wrong_cache
 * bug (the mappings get another attribute than asked) must show here.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "uapi/kbufmap.h"
#include "../lib/tap.h"
#include "../lib/pages.h"

#define PG	page_size	/* read at run time: 4, 16 or 64 KiB */

static const char *device = KBUFMAP_DEVICE_PATH;

static const char *const attr_names[KBUFMAP_ATTR_COUNT] = {
	"none", "wb", "wc", "uc-", "uc", "wt", "wp", "device-ngnrne",
	"device-ngnre", "other",
};

static const char *attr_name(uint32_t a)
{
	return a < KBUFMAP_ATTR_COUNT ? attr_names[a] : "?";
}

/* The runs for [addr, addr + pages), or -errno. */
static int pgattr(const void *addr, uint64_t pages, struct kbufmap_pgattr_run *runs,
		  uint32_t max, uint64_t *done)
{
	struct kbufmap_pgattr req;
	int fd = open(device, O_RDONLY | O_CLOEXEC);
	int ret;

	if (fd < 0)
		return -errno;
	memset(&req, 0, sizeof(req));
	req.addr = (uintptr_t)addr;
	req.nr_pages = pages;
	req.runs = (uintptr_t)runs;
	req.max_runs = max;
	ret = ioctl(fd, KBUFMAP_IOC_PGATTR, &req) ? -errno : (int)req.nr_runs;
	if (done)
		*done = req.pages_done;
	close(fd);
	return ret;
}

static void show_run(const struct kbufmap_pgattr_run *r)
{
	tap_diag("run %#llx +%llu pages: flags %#x attr %s kernel %s raw %#llx",
		 (unsigned long long)r->addr, (unsigned long long)r->nr_pages, r->flags,
		 attr_name(r->attr), attr_name(r->kernel_attr), (unsigned long long)r->raw_bits);
}

/* Is [addr, addr + pages) one run of exactly @flags, @attr, @kattr? */
static bool expect_run(const char *what, const void *addr, uint64_t pages, uint32_t flags,
		       uint32_t attr, uint32_t kattr)
{
	struct kbufmap_pgattr_run runs[8];
	uint64_t done = 0;
	int n = pgattr(addr, pages, runs, 8, &done);
	bool ok = n == 1 && done == pages && runs[0].addr == (uintptr_t)addr &&
		  runs[0].nr_pages == pages && runs[0].flags == flags &&
		  runs[0].attr == attr && runs[0].kernel_attr == kattr && !runs[0].pad;

	if (!tap_ok(ok, "%s: one run, flags %#x, attr %s, kernel %s", what, flags,
		    attr_name(attr), attr_name(kattr))) {
		tap_diag("PGATTR: %d runs (%s), %llu pages done", n, n < 0 ? strerror(-n) : "",
			 (unsigned long long)done);
		for (int i = 0; i < n && i < 8; i++)
			show_run(&runs[i]);
	}
	return ok;
}

/* A configured buffer of the device, or -1 (reported). */
static int buffer(const char *what, uint64_t pages, uint32_t backend, uint32_t strategy,
		  uint32_t cache, uint32_t flags)
{
	struct kbufmap_config c = {
		.nr_pages = pages, .backend = backend, .strategy = strategy,
		.node = KBUFMAP_NODE_ANY, .cache = cache, .flags = flags,
	};
	struct kbufmap_info info;
	int fd = open(device, O_RDWR | O_CLOEXEC);

	if (fd < 0 || ioctl(fd, KBUFMAP_IOC_CONFIGURE, &c)) {
		tap_ok(false, "%s: configure", what);
		tap_diag("%s", strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	memset(&info, 0, sizeof(info));
	if (!tap_ok(ioctl(fd, KBUFMAP_IOC_GET_INFO, &info) == 0 && info.cache == cache &&
		    info.config_flags == flags, "%s: GET_INFO reports cache %u, flags %#x",
		    what, cache, flags))
		tap_diag("GET_INFO: cache %u, config_flags %#x", info.cache, info.config_flags);
	return fd;
}

/* Map a buffer shared and touch every page for writing. */
static void *map_touched(int fd, uint64_t pages)
{
	uint8_t *p = mmap(NULL, pages * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

	if (p == MAP_FAILED)
		return NULL;
	madvise(p, pages * PG, MADV_HUGEPAGE);	/* 6.12's THP policy may ask */
	for (uint64_t i = 0; i < pages; i++)
		p[i * PG] = 1;
	return p;
}

#define RAM_RW	(KBUFMAP_PGATTR_PRESENT | KBUFMAP_PGATTR_RAM | KBUFMAP_PGATTR_WRITE)

/* What pgprot_noncached() puts in a PTE; whether PAT overrides PFN mappings. */
#ifdef __aarch64__
#define ATTR_NONCACHED	KBUFMAP_ATTR_DEVICE_nGnRnE
#define HAVE_PAT	false
#else
#define ATTR_NONCACHED	KBUFMAP_ATTR_UC_MINUS
#define HAVE_PAT	true
#endif

/* A kbufmap buffer mapped and touched; the PGATTR run it must give. */
static void buffer_case(const char *what, uint64_t pages, uint32_t backend, uint32_t strategy,
			uint32_t cache, uint32_t flags, uint32_t want_flags, uint32_t attr,
			uint32_t kattr)
{
	int fd = buffer(what, pages, backend, strategy, cache, flags);
	void *p;

	if (fd < 0)
		return;
	p = map_touched(fd, pages);
	if (tap_ok(p != NULL, "%s: mmap", what)) {
		expect_run(what, p, pages, want_flags, attr, kattr);
		munmap(p, pages * PG);
	} else {
		tap_diag("mmap: %s", strerror(errno));
	}
	close(fd);
}

static void anon_and_hole_cases(void)
{
	uint8_t *p = mmap(NULL, 3 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			  -1, 0);
	struct kbufmap_pgattr_run runs[4];
	int n;

	if (!tap_ok(p != MAP_FAILED, "anonymous mmap"))
		return;
	p[0] = 1;
	p[2 * PG] = 1;
	expect_run("anonymous, written", p, 1, RAM_RW, KBUFMAP_ATTR_WB, KBUFMAP_ATTR_WB);
	munmap(p + PG, PG);
	n = pgattr(p, 3, runs, 4, NULL);
	if (!tap_ok(n == 3 && runs[1].flags == KBUFMAP_PGATTR_NO_VMA && runs[1].nr_pages == 1 &&
		    runs[1].attr == KBUFMAP_ATTR_NONE && runs[1].kernel_attr == KBUFMAP_ATTR_NONE &&
		    runs[0].flags == RAM_RW && runs[2].flags == RAM_RW,
		    "a hole between two anonymous pages: three runs, the middle one NO_VMA"))
		for (int i = 0; i < n && i < 4; i++)
			show_run(&runs[i]);
	/* max_runs 1: the first run only, and pages_done says where to go on */
	uint64_t done = 0;

	n = pgattr(p, 3, runs, 1, &done);
	tap_ok(n == 1 && done == 1, "max_runs 1 over three runs: one run, pages_done 1");
	munmap(p, 3 * PG);
}

/* The largest request: 1 GiB reserved (4 KiB pages), nothing mapped: one run, quickly. */
static void largest_case(void)
{
	uint64_t pages = KBUFMAP_PGATTR_MAX_PAGES, done = 0;
	void *p = mmap(NULL, pages * PG, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
		       -1, 0);
	struct kbufmap_pgattr_run run;
	int n;

	if (!tap_ok(p != MAP_FAILED, "%llu MiB PROT_NONE reservation",
		    (unsigned long long)(pages * PG >> 20)))
		return;
	n = pgattr(p, pages, &run, 1, &done);
	if (!tap_ok(n == 1 && done == pages && run.flags == 0 && run.attr == KBUFMAP_ATTR_NONE,
		    "PGATTR of 2^18 untouched pages: one run, not present"))
		tap_diag("%d runs, %llu pages done", n, (unsigned long long)done);
	munmap(p, pages * PG);
}

/* The kernel log written since @kmsg was opened, as one string (or NULL). */
static char *kmsg_since(int kmsg)
{
	size_t len = 0, cap = 1 << 16;
	char *all = calloc(1, cap + 1);
	ssize_t r;

	if (!all)
		return NULL;
	while (len + 8192 < cap && (r = read(kmsg, all + len, 8192)) != 0) {
		if (r < 0 && errno == EPIPE)	/* overwritten records */
			continue;
		if (r < 0)
			break;
		len += r;
	}
	all[len] = 0;
	return all;
}

/* Whole-VMA remap of contiguous RAM with wc: forced WB, and said so. */
static void pat_override_case(void)
{
	int kmsg = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	const uint32_t special = RAM_RW | KBUFMAP_PGATTR_SPECIAL;
	char *log;

	if (kmsg >= 0)
		lseek(kmsg, 0, SEEK_END);
	buffer_case("contig/remap wc (whole VMA): PAT forces WB", 4, KBUFMAP_BACKEND_CONTIG,
		    KBUFMAP_STRATEGY_REMAP, KBUFMAP_CACHE_WC, 0, special, KBUFMAP_ATTR_WB,
		    KBUFMAP_ATTR_WB);
	log = kmsg >= 0 ? kmsg_since(kmsg) : NULL;
	if (!tap_ok(log && strstr(log, "x86/PAT: ") &&
		    strstr(log, "map pfn RAM range req write-combining") &&
		    strstr(log, "got write-back"),
		    "the kernel log says: x86/PAT: ... map pfn RAM range req write-combining ..., got write-back"))
		tap_diag("kernel log since the mmap: %s", log ? log : "(unreadable)");
	free(log);
	if (kmsg >= 0)
		close(kmsg);
}

/* A PFN mapping of RAM with wc: x86's PAT forces write-back; arm64 keeps WC. */
static const uint32_t pfn_wc = HAVE_PAT ? KBUFMAP_ATTR_WB : KBUFMAP_ATTR_WC;

static void huge_case(void)
{
	const char *what = "contig/huge wc";
	int fd = buffer(what, pmd_pages, KBUFMAP_BACKEND_CONTIG, KBUFMAP_STRATEGY_HUGE,
			KBUFMAP_CACHE_WC, 0);
	struct kbufmap_info info;
	uint32_t flags = RAM_RW | KBUFMAP_PGATTR_SPECIAL;
	void *p;

	if (fd < 0)
		return;
	memset(&info, 0, sizeof(info));
	ioctl(fd, KBUFMAP_IOC_GET_INFO, &info);
	/* pmd_special() and PMD mappings come together (6.12 and later) */
	if (info.flags & KBUFMAP_INFO_HUGE_PMD)
		flags |= KBUFMAP_PGATTR_PMD;
	tap_diag("GET_INFO: %s", info.flags & KBUFMAP_INFO_HUGE_PMD ?
		 "HUGE_PMD: the huge strategy maps PMDs here" :
		 "no HUGE_PMD: the huge strategy maps PTEs here");
	p = map_touched(fd, pmd_pages);
	if (tap_ok(p != NULL, "%s: mmap", what)) {
		expect_run(HAVE_PAT ? "contig/huge wc: PAT forces WB; PMD leaf iff HUGE_PMD" :
			   "contig/huge wc: WC as asked; PMD leaf iff HUGE_PMD", p, pmd_pages,
			   flags, pfn_wc, KBUFMAP_ATTR_WB);
		munmap(p, pmd_pages * PG);
	}
	close(fd);
}

/* SET_MEMORY needs set_memory_wc()/_uc(), which only x86 has. */
static void set_memory_refused(void)
{
	struct kbufmap_config c = {
		.nr_pages = 4, .backend = KBUFMAP_BACKEND_PAGES,
		.strategy = KBUFMAP_STRATEGY_INSERT, .node = KBUFMAP_NODE_ANY,
		.cache = KBUFMAP_CACHE_WC, .flags = KBUFMAP_CONFIG_SET_MEMORY,
	};
	int fd = open(device, O_RDWR | O_CLOEXEC);
	int err = fd >= 0 && ioctl(fd, KBUFMAP_IOC_CONFIGURE, &c) ? errno : 0;

	if (!tap_ok(err == EOPNOTSUPP, "pages/insert wc + set-memory: refused, EOPNOTSUPP "
		    "(no set_memory_wc() off x86)"))
		tap_diag("CONFIGURE: %s", err ? strerror(err) : "accepted");
	if (fd >= 0)
		close(fd);
}

/* Where PAT decides: SET_MEMORY, and its override of PFN mappings of RAM. */
static void pat_cases(void)
{
	const uint32_t special = RAM_RW | KBUFMAP_PGATTR_SPECIAL;
	const uint32_t setmem = KBUFMAP_CONFIG_SET_MEMORY;

	buffer_case("pages/insert wc + set-memory: WC/WC", 4, KBUFMAP_BACKEND_PAGES,
		    KBUFMAP_STRATEGY_INSERT, KBUFMAP_CACHE_WC, setmem, RAM_RW, KBUFMAP_ATTR_WC,
		    KBUFMAP_ATTR_WC);
	buffer_case("contig/fault uc + set-memory: UC-/UC-", 4, KBUFMAP_BACKEND_CONTIG,
		    KBUFMAP_STRATEGY_FAULT, KBUFMAP_CACHE_UC, setmem, RAM_RW,
		    KBUFMAP_ATTR_UC_MINUS, KBUFMAP_ATTR_UC_MINUS);
	buffer_case("pages/pfn wc: PAT forces WB silently", 4, KBUFMAP_BACKEND_PAGES,
		    KBUFMAP_STRATEGY_PFN, KBUFMAP_CACHE_WC, 0, special, KBUFMAP_ATTR_WB,
		    KBUFMAP_ATTR_WB);
	buffer_case("pages/pfn wc + set-memory: PAT gives the page's WC", 4,
		    KBUFMAP_BACKEND_PAGES, KBUFMAP_STRATEGY_PFN, KBUFMAP_CACHE_WC, setmem,
		    special, KBUFMAP_ATTR_WC, KBUFMAP_ATTR_WC);
	pat_override_case();
}

/* arm64: the PFN strategies keep what was asked, and nothing is logged. */
static void no_pat_cases(void)
{
	const uint32_t special = RAM_RW | KBUFMAP_PGATTR_SPECIAL;

	set_memory_refused();
	buffer_case("pages/pfn wc: WC as asked (no PAT)", 4, KBUFMAP_BACKEND_PAGES,
		    KBUFMAP_STRATEGY_PFN, KBUFMAP_CACHE_WC, 0, special, KBUFMAP_ATTR_WC,
		    KBUFMAP_ATTR_WB);
	buffer_case("contig/remap wc (whole VMA): WC as asked (no PAT)", 4,
		    KBUFMAP_BACKEND_CONTIG, KBUFMAP_STRATEGY_REMAP, KBUFMAP_CACHE_WC, 0, special,
		    KBUFMAP_ATTR_WC, KBUFMAP_ATTR_WB);
	buffer_case("contig/remap uc (whole VMA): Device-nGnRnE as asked", 4,
		    KBUFMAP_BACKEND_CONTIG, KBUFMAP_STRATEGY_REMAP, KBUFMAP_CACHE_UC, 0, special,
		    KBUFMAP_ATTR_DEVICE_nGnRnE, KBUFMAP_ATTR_WB);
}

static void buffer_cases(void)
{
	const uint32_t special = RAM_RW | KBUFMAP_PGATTR_SPECIAL;

	buffer_case("pages/remap wb: special", 4, KBUFMAP_BACKEND_PAGES, KBUFMAP_STRATEGY_REMAP,
		    KBUFMAP_CACHE_WB, 0, special, KBUFMAP_ATTR_WB, KBUFMAP_ATTR_WB);
	buffer_case("pages/insert wc: PTE WC, kernel WB (alias)", 4, KBUFMAP_BACKEND_PAGES,
		    KBUFMAP_STRATEGY_INSERT, KBUFMAP_CACHE_WC, 0, RAM_RW, KBUFMAP_ATTR_WC,
		    KBUFMAP_ATTR_WB);
	buffer_case(HAVE_PAT ? "contig/fault uc: PTE UC-, kernel WB (alias)" :
		    "contig/fault uc: PTE Device-nGnRnE, kernel WB (alias)", 4,
		    KBUFMAP_BACKEND_CONTIG, KBUFMAP_STRATEGY_FAULT, KBUFMAP_CACHE_UC, 0, RAM_RW,
		    ATTR_NONCACHED, KBUFMAP_ATTR_WB);
	buffer_case("vmalloc/vmalloc-range wc: PTE WC, kernel WB", 4, KBUFMAP_BACKEND_VMALLOC,
		    KBUFMAP_STRATEGY_VMALLOC_RANGE, KBUFMAP_CACHE_WC, 0, RAM_RW,
		    KBUFMAP_ATTR_WC, KBUFMAP_ATTR_WB);
	if (HAVE_PAT)
		pat_cases();
	else
		no_pat_cases();
	huge_case();
}

/* No buffer left: the module's bytes are back to zero. */
static void bytes_back_to_zero(void)
{
	struct kbufmap_version v;
	int fd = open(device, O_RDONLY | O_CLOEXEC);

	memset(&v, 0, sizeof(v));
	if (fd < 0 || ioctl(fd, KBUFMAP_IOC_VERSION, &v))
		tap_ok(false, "VERSION");
	else
		tap_is_u64(v.bytes_in_use, 0, "every buffer closed: the module holds 0 bytes");
	if (fd >= 0)
		close(fd);
}

/* Select an injected bug for the buffers configured from now on. */
static bool inject(const char *mode)
{
	FILE *f = fopen("/sys/module/kbufmap/parameters/inject", "w");
	bool ok = f && fputs(mode, f) >= 0;

	if (f && fclose(f))
		ok = false;
	return ok;
}

/* The test-only build's wrong_cache: page-backed mappings show it. */
static int wrong_cache_cases(void)
{
	if (!inject("wrong_cache")) {
		tap_skip("wrong_cache", "not the fault-injection build (no inject parameter)");
		return tap_done();
	}
	buffer_case("wrong_cache: pages/insert wb maps uncached", 4, KBUFMAP_BACKEND_PAGES,
		    KBUFMAP_STRATEGY_INSERT, KBUFMAP_CACHE_WB, 0, RAM_RW, ATTR_NONCACHED,
		    KBUFMAP_ATTR_WB);
	buffer_case("wrong_cache: pages/insert wc maps WB", 4, KBUFMAP_BACKEND_PAGES,
		    KBUFMAP_STRATEGY_INSERT, KBUFMAP_CACHE_WC, 0, RAM_RW, KBUFMAP_ATTR_WB,
		    KBUFMAP_ATTR_WB);
	tap_ok(inject("none"), "inject back to none");
	bytes_back_to_zero();
	return tap_done();
}

int main(int argc, char **argv)
{
	bool wrong_cache = argc > 1 && !strcmp(argv[1], "--wrong-cache");

	pages_init();
	if (argc > 1 + wrong_cache)
		device = argv[1 + wrong_cache];
	if (wrong_cache)
		return wrong_cache_cases();
	anon_and_hole_cases();
	largest_case();
	buffer_cases();
	bytes_back_to_zero();
	return tap_done();
}
