// SPDX-License-Identifier: GPL-2.0
/*
 * Regression tests for the findings of the kernel review (issue 12), each
 * written to fail when its fix is reverted. Runs in the guest as root with
 * the module loaded; TAP (tests/lib/tap.h).
 *
 *   harden_regress all     fault-around, private remap offset, huge_faults,
 *                          huge futex, memoryless node, node promise,
 *                          killed allocation, user share, read-only
 *                          CONFIGURE, memory cgroup
 *   harden_regress merge   (fault-injection build) no_dontexpand on 6.12
 */
#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <libgen.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/futex.h>

#include "uapi/kbufmap.h"
#include "kbufmap_matrix.h"
#include "../lib/tap.h"
#include "../lib/pages.h"

#define PS	page_size	/* read at run time: 4, 16 or 64 KiB */
#define PMD	pmd_size	/* 2 MiB with 4 KiB pages, 32 MiB with 16 KiB */

static int open_buffer(uint64_t pages, uint32_t backend, uint32_t strategy)
{
	struct kbufmap_config c;
	int fd = open(KBUFMAP_DEVICE_PATH, O_RDWR);

	if (fd < 0)
		return -errno;
	memset(&c, 0, sizeof(c));
	c.nr_pages = pages;
	c.backend = backend;
	c.strategy = strategy;
	c.node = KBUFMAP_NODE_ANY;
	if (ioctl(fd, KBUFMAP_IOC_CONFIGURE, &c)) {
		int err = errno;

		close(fd);
		return -err;
	}
	return fd;
}

static struct kbufmap_counters counters(int fd)
{
	struct kbufmap_stats st;

	memset(&st, 0, sizeof(st));
	st.scope = KBUFMAP_SCOPE_BUFFER;
	if (ioctl(fd, KBUFMAP_IOC_GET_COUNTERS, &st))
		memset(&st, 0xff, sizeof(st));
	return st.counters;
}

static uint32_t live_vmas(int fd)
{
	struct kbufmap_info info;

	memset(&info, 0, sizeof(info));
	if (ioctl(fd, KBUFMAP_IOC_GET_INFO, &info))
		return UINT32_MAX;
	return info.live_vmas;
}

/* An address range of @len at @align no other mapping shares a PMD with. */
static uint8_t *reserve(size_t len, size_t align)
{
	uint8_t *p = mmap(NULL, len + 2 * align, PROT_NONE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	return (uint8_t *)(((uintptr_t)p + align + align - 1) & ~(align - 1));
}

/* --- R2: fault-around maps its window from .fault ------------------------- */

struct race {
	volatile uint8_t *p;
	size_t len;
	atomic_int stop;
};

static void *dontneed_loop(void *arg)
{
	struct race *r = arg;

	while (!atomic_load(&r->stop))
		madvise((void *)r->p, r->len, MADV_DONTNEED);
	return NULL;
}

/*
 * The first read fault in a fresh PMD region maps a whole window: the old
 * ->map_pages() found no page table there and mapped nothing. Then one
 * thread reads pages while another zaps them with MADV_DONTNEED.
 */
static void test_fault_around(void)
{
	int fd = open_buffer(64, KBUFMAP_BACKEND_PAGES, KBUFMAP_STRATEGY_FAULT_AROUND);
	uint8_t *at = reserve(64 * PS, PMD);
	/* the module's own window, KBUFMAP_FAULT_AROUND_PAGES in kmod/kbufmap_map.c:
	 * 16 pages whatever their size (not the kernel's fault_around_bytes)
	 */
	unsigned long window = 16;
	struct kbufmap_counters c;
	struct race r = { 0 };
	pthread_t t;
	volatile uint8_t *p;
	unsigned long sum = 0, i;
	time_t end;

	if (!tap_ok(fd >= 0 && at, "fault-around: a 64-page buffer and a fresh PMD"))
		return;
	p = mmap(at, 64 * PS, PROT_READ, MAP_SHARED | MAP_FIXED, fd, 0);
	if (!tap_ok(p != MAP_FAILED, "fault-around: mmap"))
		return;
	sum += p[0];
	c = counters(fd);
	tap_is_u64(c.faults, 1, "fault-around: one .fault for the first read");
	tap_is_u64(c.fault_around_pages, window - 1,
		   "fault-around: the first read in a fresh %lu MiB region maps the other %lu pages "
		   "of its window", PMD >> 20, window - 1);
	for (i = 1; i < window; i++)
		sum += p[i * PS];
	tap_is_u64(counters(fd).faults, 1, "fault-around: reading the window takes no more faults");

	r.p = p;
	r.len = 64 * PS;
	if (pthread_create(&t, NULL, dontneed_loop, &r) == 0) {
		end = time(NULL) + 3;
		while (time(NULL) < end)
			for (i = 0; i < 64; i++)
				sum += p[i * PS];
		atomic_store(&r.stop, 1);
		pthread_join(t, NULL);
	}
	tap_is_u64(sum, 0, "fault-around: reads racing MADV_DONTNEED see zeroes only");
	munmap((void *)p, 64 * PS);
	close(fd);
}

/* --- R4: private remap does not show the PFN ------------------------------- */

/* The offset /proc/self/maps shows for the mapping at @p, or -1. */
static long long maps_offset(const void *p)
{
	unsigned long start, end;
	unsigned long long off = 0;
	char line[512];
	long long found = -1;
	FILE *f = fopen("/proc/self/maps", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%lx-%lx %*s %llx", &start, &end, &off) == 3 &&
		    start == (uintptr_t)p) {
			found = (long long)off;
			break;
		}
	fclose(f);
	return found;
}

/* In a child that dropped root: what the holder of the fd sees. */
static int remap_child(int fd)
{
	void *ro, *rw;

	if (setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534))
		return 10;
	ro = mmap(NULL, PS, PROT_READ, MAP_PRIVATE, fd, 0);
	if (ro == MAP_FAILED)
		return 11;
	if (maps_offset(ro) != 0) {
		printf("# offset shown: %#llx\n", maps_offset(ro));
		fflush(stdout);
		return 12;
	}
	if (mprotect(ro, PS, PROT_READ | PROT_WRITE) == 0)
		return 13;	/* it would become CoW */
	rw = mmap(NULL, PS, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	if (rw != MAP_FAILED)
		return 14;
	return errno == EPERM ? 0 : 15;
}

/*
 * remap-unchecked keeps VM_MAYWRITE (its bug needs a CoW mapping), and a
 * 1-page CoW remap succeeds and stores the PFN in vm_pgoff. Unprivileged:
 * refused (EPERM) or shown at offset 0, never the PFN; MAP_SHARED works.
 */
static int remap_unchecked_child(int fd)
{
	void *ro, *sh;

	if (setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534))
		return 10;
	ro = mmap(NULL, PS, PROT_READ, MAP_PRIVATE, fd, 0);
	if (ro == MAP_FAILED && errno != EPERM)
		return 11;
	if (ro != MAP_FAILED && maps_offset(ro) != 0) {
		printf("# offset shown: %#llx\n", maps_offset(ro));
		fflush(stdout);
		return 12;
	}
	if (mmap(NULL, PS, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0) != MAP_FAILED ||
	    errno != EPERM)
		return 14;
	sh = mmap(NULL, PS, PROT_READ, MAP_SHARED, fd, 0);
	if (sh == MAP_FAILED || maps_offset(sh) != 0)
		return 16;
	return 0;
}

static void test_private_remap_unchecked(void)
{
	int fd = open_buffer(1, KBUFMAP_BACKEND_PAGES, KBUFMAP_STRATEGY_REMAP_UNCHECKED);
	int st = -1;
	pid_t pid;

	if (!tap_ok(fd >= 0, "private remap-unchecked: configure"))
		return;
	pid = fork();
	if (pid == 0)
		_exit(remap_unchecked_child(fd));
	if (pid > 0)
		waitpid(pid, &st, 0);
	if (!tap_ok(WIFEXITED(st) && WEXITSTATUS(st) == 0,
		    "private remap-unchecked, unprivileged: a 1-page MAP_PRIVATE mapping is "
		    "EPERM or shows offset 0, never the PFN; MAP_SHARED maps at offset 0"))
		tap_diag("child status %#x (10 setresuid, 11 ro errno, 12 offset, "
			 "14 rw not EPERM, 16 shared)", st);
	close(fd);
}

static void test_private_remap(void)
{
	static const uint32_t backends[] = { KBUFMAP_BACKEND_KMALLOC, KBUFMAP_BACKEND_CONTIG };
	unsigned int b;

	for (b = 0; b < 2; b++) {
		int fd = open_buffer(1, backends[b], KBUFMAP_STRATEGY_REMAP);
		int st = -1;
		pid_t pid;

		if (!tap_ok(fd >= 0, "private remap: configure backend %u", backends[b]))
			continue;
		pid = fork();
		if (pid == 0)
			_exit(remap_child(fd));
		if (pid > 0)
			waitpid(pid, &st, 0);
		if (!tap_ok(WIFEXITED(st) && WEXITSTATUS(st) == 0,
			    "private remap (backend %u), unprivileged: a read-only MAP_PRIVATE "
			    "mapping shows offset 0 in /proc/self/maps and cannot become "
			    "writable; a writable one is EPERM", backends[b]))
			tap_diag("child status %#x (10 setresuid, 11 mmap, 12 offset, "
				 "13 mprotect, 14 rw mapped, 15 rw errno)", st);
		close(fd);
	}
}

/* --- R8: huge_faults counts PMDs, not write upgrades ------------------------ */

static void test_huge_faults(void)
{
	int fd = open_buffer(2 * pmd_pages, KBUFMAP_BACKEND_CONTIG, KBUFMAP_STRATEGY_HUGE);
	volatile uint8_t *p;
	unsigned long i, sum = 0;
	uint64_t hf;

	if (!tap_ok(fd >= 0, "huge: a %lu MiB contig buffer", 2 * PMD >> 20))
		return;
	p = mmap(NULL, 2 * PMD, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (!tap_ok(p != MAP_FAILED, "huge: mmap")) {
		close(fd);
		return;
	}
	for (i = 0; i < 2; i++)
		sum += p[i * PMD];	/* read faults map read-only PMDs */
	for (i = 0; i < 2; i++)
		p[i * PMD + 8] = 1;	/* write upgrades go to .huge_fault */
	hf = counters(fd).huge_faults;
	if (hf == 0)
		tap_skip("huge: huge_faults counts PMDs mapped",
			 "no PMD on this kernel: the module maps huge with PTEs before 6.12 "
			 "(no pmd_special()), and 6.1 never calls .huge_fault");
	else
		tap_is_u64(hf, 2, "huge: two PMDs read then written count two huge faults");
	munmap((void *)p, 2 * PMD);
	close(fd);
	(void)sum;
}

/* --- D1: GUP-fast on a huge mapping (a shared futex) ----------------------- */

/*
 * A shared futex looks its page up with GUP-fast. 5.10 took a plain huge
 * PFN-map PMD for a THP: it referenced the PMD's first page and put page 1,
 * freeing a page still mapped (an oops in get_futex_key(), then "Bad page
 * state"). Now the wake finds no waiter (0) or no pinnable page (EFAULT),
 * and the data stays.
 */
static void test_huge_futex(void)
{
	int fd = open_buffer(pmd_pages, KBUFMAP_BACKEND_CONTIG, KBUFMAP_STRATEGY_HUGE);
	volatile uint32_t *p;
	long ret;
	int err;

	if (!tap_ok(fd >= 0, "huge futex: a %lu MiB contig buffer", PMD >> 20))
		return;
	p = mmap(NULL, PMD, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (!tap_ok(p != MAP_FAILED, "huge futex: mmap")) {
		close(fd);
		return;
	}
	p[0] = 0x11111111;
	p[PS / 4] = 0x22222222;
	ret = syscall(SYS_futex, p + PS / 4, FUTEX_WAKE, 1, NULL, NULL, 0);
	err = errno;
	tap_diag("huge futex: %llu PMD(s) mapped, FUTEX_WAKE returned %ld (%s)",
		 (unsigned long long)counters(fd).huge_faults, ret,
		 ret ? strerror(err) : "no waiter");
	tap_ok(ret == 0 || (ret == -1 && err == EFAULT),
	       "huge futex: a shared FUTEX_WAKE on page 1 wakes nobody or is EFAULT");
	tap_ok(p[0] == 0x11111111 && p[PS / 4] == 0x22222222,
	       "huge futex: pages 0 and 1 still hold what was written");
	munmap((void *)p, PMD);
	close(fd);
}

/* --- R7: a node without memory is refused ----------------------------------- */

static void test_memoryless_node(void)
{
	char path[128], line[256];
	int node;

	for (node = 0; node < 64; node++) {
		unsigned long long kb = 1;
		FILE *f;

		snprintf(path, sizeof(path), "/sys/devices/system/node/node%d/meminfo", node);
		f = fopen(path, "r");
		if (!f)
			continue;
		while (fgets(line, sizeof(line), f))
			if (strstr(line, "MemTotal:"))
				sscanf(strstr(line, "MemTotal:") + 9, "%llu", &kb);
		fclose(f);
		if (!kb) {
			struct kbufmap_config c = { .nr_pages = 1, .node = node,
				.backend = KBUFMAP_BACKEND_PAGES };
			int fd = open(KBUFMAP_DEVICE_PATH, O_RDWR);
			int ret = ioctl(fd, KBUFMAP_IOC_CONFIGURE, &c);

			tap_ok(ret && errno == EINVAL, "node %d has no memory: CONFIGURE is EINVAL",
			       node);
			close(fd);
			return;
		}
	}
	tap_skip("a memoryless node is refused", "this guest has no online node without memory");
}

/* --- R5: a requested node is a promise (__GFP_THISNODE) ------------------- */

/* A "Key: N kB" field of a meminfo file, in bytes; 0 when missing. */
static unsigned long long meminfo_bytes(const char *path, const char *key)
{
	char line[256];
	unsigned long long kb = 0;
	FILE *f = fopen(path, "r");
	char *at;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		at = strstr(line, key);
		if (at && at[strlen(key)] == ':')
			sscanf(at + strlen(key) + 1, "%llu", &kb);
	}
	fclose(f);
	return kb * 1024;
}

/* Write @val to a module parameter; returns 0 or -1. */
static int set_param(const char *name, unsigned long long val)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "/sys/module/kbufmap/parameters/%s", name);
	f = fopen(path, "w");
	if (!f)
		return -1;
	fprintf(f, "%llu\n", val);
	return fclose(f) ? -1 : 0;
}

static unsigned long long get_param(const char *name)
{
	char path[128];
	unsigned long long val = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/module/kbufmap/parameters/%s", name);
	f = fopen(path, "r");
	if (!f)
		return 0;
	if (fscanf(f, "%llu", &val) != 1)
		val = 0;
	fclose(f);
	return val;
}

/* Pages of [p, p + pages) that move_pages() places on another node than @node. */
static long pages_off_node(uint8_t *p, unsigned long pages, int node)
{
	enum { CHUNK = 4096 };
	void *addr[CHUNK];
	int status[CHUNK];
	unsigned long i, n;
	long off = 0;

	for (i = 0; i < pages; i += n) {
		n = pages - i < CHUNK ? pages - i : CHUNK;
		for (unsigned long j = 0; j < n; j++)
			addr[j] = p + (i + j) * PS;
		if (syscall(SYS_move_pages, 0, n, addr, NULL, status, 0))
			return -1;
		for (unsigned long j = 0; j < n; j++)
			off += status[j] != node;
	}
	return off;
}

/*
 * Ask node 1 for more than it has free: the answer is ENOMEM, or (if reclaim
 * found the room) pages that all lie on node 1, never pages of node 0.
 */
static void test_node_promise(void)
{
	const char *node1 = "/sys/devices/system/node/node1/meminfo";
	unsigned long long free1 = meminfo_bytes(node1, "MemFree");
	unsigned long long cap = get_param("max_bytes"), want;
	struct kbufmap_config c;
	uint8_t *p;
	long off;
	int fd;

	if (!free1 || !cap) {
		tap_skip("a node is a promise", "needs a second NUMA node (guest-run --numa)");
		return;
	}
	want = (free1 + (64ULL << 20)) / PS;
	if (want > KBUFMAP_MAX_PAGES) {
		tap_skip("a node is a promise", "node 1 has more free memory than one buffer may hold");
		return;
	}
	if (!tap_ok(!set_param("max_bytes", want * PS), "node promise: cap raised to %llu MiB",
		    want * PS >> 20))
		return;
	fd = open(KBUFMAP_DEVICE_PATH, O_RDWR);
	memset(&c, 0, sizeof(c));
	c.nr_pages = want;
	c.backend = KBUFMAP_BACKEND_PAGES;
	c.strategy = KBUFMAP_STRATEGY_INSERT;
	c.node = 1;
	if (ioctl(fd, KBUFMAP_IOC_CONFIGURE, &c)) {
		tap_ok(errno == ENOMEM, "node 1 asked for %llu MiB with %llu MiB free: ENOMEM (%s)",
		       want * PS >> 20, free1 >> 20, strerror(errno));
	} else {
		p = mmap(NULL, want * PS, PROT_READ, MAP_SHARED, fd, 0);
		off = p == MAP_FAILED ? -1 : pages_off_node(p, want, 1);
		tap_is_u64(off, 0, "node 1 asked for more than it had free: no page from another node");
		if (p != MAP_FAILED)
			munmap(p, want * PS);
	}
	close(fd);
	set_param("max_bytes", cap);
}

/* --- R4: a killed caller stops allocating (fatal_signal_pending) ---------- */

/*
 * A child configures a buffer of most of the cap; once memory starts to go,
 * it is killed. Free memory, sampled meanwhile, must stop falling soon after
 * the kill: a loop that ignores the kill allocates all that was left. What
 * counts is what went after the kill, not where the kill came: the guest's
 * two vCPUs share one host thread, so on a busy host the child can run on
 * for a while before the parent gets to kill it (257 of 370 MiB once).
 */
static void test_killed_allocation(void)
{
	unsigned long long cap = get_param("max_bytes");
	unsigned long long pages = cap / PS * 3 / 4, free0, lowest, now;
	unsigned long long at_kill, used, left, after;
	pid_t child;
	int st;

	if (pages > KBUFMAP_MAX_PAGES)
		pages = KBUFMAP_MAX_PAGES;
	free0 = lowest = meminfo_bytes("/proc/meminfo", "MemFree");
	child = fork();
	if (child == 0) {
		int fd = open_buffer(pages, KBUFMAP_BACKEND_PAGES, KBUFMAP_STRATEGY_INSERT);

		_exit(fd >= 0 ? 0 : 1);
	}
	for (;;) {
		now = meminfo_bytes("/proc/meminfo", "MemFree");
		if (now < lowest)
			lowest = now;
		if (free0 > lowest && free0 - lowest > pages * PS / 10)
			break;
		if (waitpid(child, &st, WNOHANG) == child) {
			tap_skip("a killed CONFIGURE stops allocating",
				 "the child finished before it could be killed");
			return;
		}
		usleep(500);
	}
	kill(child, SIGKILL);
	now = meminfo_bytes("/proc/meminfo", "MemFree");
	at_kill = lowest = now < lowest ? now : lowest;
	while (waitpid(child, &st, WNOHANG) == 0) {
		now = meminfo_bytes("/proc/meminfo", "MemFree");
		if (now < lowest)
			lowest = now;
		usleep(500);
	}
	tap_ok(WIFSIGNALED(st), "killed CONFIGURE: the child died of the kill");
	used = free0 - at_kill;
	left = used < pages * PS ? pages * PS - used : 0;
	after = at_kill - lowest;
	if (left < pages * PS / 10) {
		tap_skip("a killed CONFIGURE stops allocating",
			 "the kill came after %llu of %llu MiB: too late to tell", used >> 20,
			 pages * PS >> 20);
		return;
	}
	tap_ok(after < left / 2,
	       "killed CONFIGURE of %llu MiB at %llu MiB: %llu MiB more went after the kill, of %llu MiB left",
	       pages * PS >> 20, used >> 20, after >> 20, left >> 20);
}

/* --- D4: each user's share of the cap ------------------------------------- */

/*
 * As uid @uid, with @fd opened by root: @pages go in, one page more on
 * @fd2 is past the share (ENOMEM), VERSION shows this user's bytes only
 * and the module-wide counters are EPERM. Then holds until @hold reads.
 */
static int share_child(uid_t uid, int fd, int fd2, uint64_t pages, int hold)
{
	struct kbufmap_config c = { .nr_pages = pages, .backend = KBUFMAP_BACKEND_PAGES,
		.node = KBUFMAP_NODE_ANY };
	struct kbufmap_version v = { 0 };
	struct kbufmap_stats st;
	char byte;

	if (setresgid(uid, uid, uid) || setresuid(uid, uid, uid))
		return 10;
	if (ioctl(fd, KBUFMAP_IOC_CONFIGURE, &c))
		return 11;
	c.nr_pages = 1;
	if (!ioctl(fd2, KBUFMAP_IOC_CONFIGURE, &c) || errno != ENOMEM)
		return 12;
	if (ioctl(fd, KBUFMAP_IOC_VERSION, &v) || v.bytes_in_use != pages * PS)
		return 13;
	memset(&st, 0, sizeof(st));
	st.scope = KBUFMAP_SCOPE_MODULE;
	if (!ioctl(fd, KBUFMAP_IOC_GET_COUNTERS, &st) || errno != EPERM)
		return 14;
	printf("ok\n");
	fflush(stdout);
	return read(hold, &byte, 1) < 0 ? 15 : 0;
}

static pid_t start_share_child(uid_t uid, uint64_t pages, const int hold[2], int *ready)
{
	int fd = open(KBUFMAP_DEVICE_PATH, O_RDWR), fd2 = open(KBUFMAP_DEVICE_PATH, O_RDWR);
	int out[2];
	pid_t pid;
	char line[8] = "";

	if (fd < 0 || fd2 < 0 || pipe(out))
		return -1;
	pid = fork();
	if (pid == 0) {
		close(hold[1]);		/* EOF on hold[0] once the parent closes it */
		dup2(out[1], STDOUT_FILENO);
		_exit(share_child(uid, fd, fd2, pages, hold[0]));
	}
	close(out[1]);
	close(fd);
	close(fd2);
	*ready = read(out[0], line, sizeof(line) - 1) > 0 && !strncmp(line, "ok", 2);
	close(out[0]);
	return pid;
}

/* A user holding its whole share leaves the rest for another. */
static void test_user_share(void)
{
	unsigned long long share0 = get_param("user_max_bytes");
	const uint64_t pages = (8ULL << 20) / PS;	/* 8 MiB */
	int hold[2], ready1 = 0, ready2 = 0, st1 = -1, st2 = -1;
	pid_t a, b;

	if (!tap_ok(share0 > 0 && share0 == get_param("max_bytes") / 2,
		    "user share: user_max_bytes defaults to half of max_bytes (%llu)", share0))
		return;
	if (!tap_ok(!set_param("user_max_bytes", pages * PS) && !pipe(hold),
		    "user share: set to 8 MiB"))
		return;
	a = start_share_child(65534, pages, hold, &ready1);
	b = ready1 ? start_share_child(65533, pages, hold, &ready2) : -1;
	close(hold[1]);	/* both children may go */
	close(hold[0]);
	if (a > 0)
		waitpid(a, &st1, 0);
	if (b > 0)
		waitpid(b, &st2, 0);
	tap_ok(ready1 && WIFEXITED(st1) && WEXITSTATUS(st1) == 0,
	       "user share: uid 65534 gets its 8 MiB share, one page more is ENOMEM, VERSION "
	       "shows its own bytes, the module counters are EPERM");
	tap_ok(ready2 && WIFEXITED(st2) && WEXITSTATUS(st2) == 0,
	       "user share: uid 65533 still gets its 8 MiB while uid 65534 holds its share");
	if (!ready1 || !ready2)
		tap_diag("child exit codes %d %d (10 setresuid, 11 configure, 12 past share, "
			 "13 VERSION, 14 module counters)", WEXITSTATUS(st1), WEXITSTATUS(st2));
	set_param("user_max_bytes", 0);
}

/* --- D9: CONFIGURE needs a file open for writing ------------------------- */

/*
 * A read-only file cannot allocate (EBADF); a buffer gets a read-only file
 * from KBUFMAP_IOC_REOPEN_RDONLY, which reads the same bytes and cannot
 * write them.
 */
static void test_rdonly_configure(void)
{
	struct kbufmap_config c = { .nr_pages = 2, .backend = KBUFMAP_BACKEND_PAGES,
		.node = KBUFMAP_NODE_ANY };
	int fd = open(KBUFMAP_DEVICE_PATH, O_RDONLY), rw, ro;
	char got[4] = "", byte = 'x';
	void *p;

	tap_ok(fd >= 0 && ioctl(fd, KBUFMAP_IOC_CONFIGURE, &c) && errno == EBADF,
	       "O_RDONLY: CONFIGURE is EBADF");
	tap_ok(ioctl(fd, KBUFMAP_IOC_REOPEN_RDONLY) < 0 && errno == ENXIO,
	       "REOPEN_RDONLY before CONFIGURE is ENXIO");
	close(fd);
	rw = open_buffer(2, KBUFMAP_BACKEND_PAGES, KBUFMAP_STRATEGY_FAULT);
	if (!tap_ok(rw >= 0 && pwrite(rw, "abc", 3, PS) == 3, "O_RDWR: configured and written"))
		return;
	ro = ioctl(rw, KBUFMAP_IOC_REOPEN_RDONLY);
	close(rw);
	if (!tap_ok(ro >= 0, "REOPEN_RDONLY gives a descriptor (%s)", ro < 0 ? strerror(errno) : "ok"))
		return;
	tap_ok((fcntl(ro, F_GETFL) & O_ACCMODE) == O_RDONLY && (fcntl(ro, F_GETFD) & FD_CLOEXEC),
	       "REOPEN_RDONLY: O_RDONLY and close-on-exec");
	tap_ok(pread(ro, got, 3, PS) == 3 && !memcmp(got, "abc", 3),
	       "REOPEN_RDONLY: reads what the read-write file wrote, after it closed");
	tap_ok(pwrite(ro, &byte, 1, 0) < 0 && errno == EBADF, "REOPEN_RDONLY: write() is EBADF");
	p = mmap(NULL, 2 * PS, PROT_READ | PROT_WRITE, MAP_SHARED, ro, 0);
	tap_ok(p == MAP_FAILED && errno == EACCES, "REOPEN_RDONLY: a writable MAP_SHARED is EACCES");
	tap_ok(ioctl(ro, KBUFMAP_IOC_CONFIGURE, &c) && errno == EBADF,
	       "REOPEN_RDONLY: CONFIGURE is EBADF");
	close(ro);
}

/* --- R3: no_dontexpand must not let 6.12 merge a VMA away without ->close --- */

static int count_device_vmas(void)
{
	char line[512];
	int n = 0;
	FILE *f = fopen("/proc/self/maps", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		n += strstr(line, KBUFMAP_DEVICE_PATH) != NULL;
	fclose(f);
	return n;
}

static void test_merge(void)
{
	const char *param = "/sys/module/kbufmap/parameters/inject";
	FILE *f = fopen(param, "w");
	uint8_t *r;
	int fd;

	if (!f) {
		tap_skip("no_dontexpand merge", "%s: not the fault-injection build", param);
		return;
	}
	fputs("no_dontexpand\n", f);
	if (!tap_ok(!fclose(f), "inject=no_dontexpand"))
		return;
	fd = open_buffer(2, KBUFMAP_BACKEND_VMALLOC, KBUFMAP_STRATEGY_FAULT);
	r = mmap(NULL, 2 * PS, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!tap_ok(fd >= 0 && r != MAP_FAILED, "merge: a 2-page buffer and a 2-page hole"))
		return;
	mmap(r, PS, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd, 0);
	mmap(r + PS, PS, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd, PS);
	tap_is_u64(live_vmas(fd), count_device_vmas(),
		   "merge: live_vmas equals the kbufmap VMAs in /proc/self/maps");
	munmap(r, 2 * PS);
	tap_is_u64(live_vmas(fd), 0, "merge: after munmap no VMA holds the buffer");
	close(fd);
	f = fopen(param, "w");
	if (f) {
		fputs("none\n", f);
		fclose(f);
	}
}

/* --- D2: every strategy inside a memory cgroup; the charge and its limit -- */

#define CG_MOUNT	"/sys/fs/cgroup"

struct memcg {
	char home[512];		/* the cgroup this process came from */
	char dir[1024];		/* the child cgroup made for the test */
};

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, text, strlen(text));
	close(fd);
	return n == (ssize_t)strlen(text) ? 0 : -1;
}

static int read_file(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = 0;
	return 0;
}

/* A number in a cgroup file: the whole file, or the value after "key ". */
static long long cg_value(const struct memcg *m, const char *file, const char *key)
{
	char path[1200], text[4096], *at = text;

	snprintf(path, sizeof(path), "%s/%s", m->dir, file);
	if (read_file(path, text, sizeof(text)))
		return -1;
	if (key) {
		at = strstr(text, key);
		if (!at)
			return -1;
		at += strlen(key);
	}
	return strtoll(at, NULL, 10);
}

static int move_self(const char *cgroup)
{
	char path[1200], pid[32];

	snprintf(path, sizeof(path), CG_MOUNT "%s/cgroup.procs", cgroup);
	snprintf(pid, sizeof(pid), "%d\n", getpid());
	return write_file(path, pid);
}

/*
 * Enter a new child memory cgroup: of the root when this process is in the
 * root, else a sibling of its own cgroup (whose parent has memory enabled
 * for its children; a cgroup with processes may not enable controllers for
 * its children). Returns 0, or -1 with *why set.
 */
static int memcg_enter(struct memcg *m, const char **why)
{
	char text[4096], parent[512], path[1200];
	struct stat st;

	if (stat(CG_MOUNT "/cgroup.controllers", &st) &&
	    mount("none", CG_MOUNT, "cgroup2", 0, NULL)) {
		*why = "cannot mount cgroup2 at " CG_MOUNT;
		return -1;
	}
	if (read_file("/proc/self/cgroup", text, sizeof(text)) || !strstr(text, "0::")) {
		*why = "no cgroup2 line in /proc/self/cgroup";
		return -1;
	}
	sscanf(strstr(text, "0::") + 3, "%511[^\n]", m->home);
	snprintf(path, sizeof(path), "%s", m->home);
	snprintf(parent, sizeof(parent), "%s", dirname(path));
	if (!strcmp(parent, "/"))
		parent[0] = 0;
	snprintf(path, sizeof(path), CG_MOUNT "%s/cgroup.subtree_control", parent);
	write_file(path, "+memory");	/* fails if already on, or not allowed */
	snprintf(m->dir, sizeof(m->dir), CG_MOUNT "%s/kbufmap-regress.%d", parent, getpid());
	if (mkdir(m->dir, 0755)) {
		*why = "cannot create a child cgroup";
		return -1;
	}
	snprintf(path, sizeof(path), "%s/cgroup.controllers", m->dir);
	if (read_file(path, text, sizeof(text)) || !strstr(text, "memory")) {
		rmdir(m->dir);
		*why = "the memory controller is not enabled for the new cgroup's parent";
		return -1;
	}
	if (move_self(m->dir + strlen(CG_MOUNT))) {
		rmdir(m->dir);
		*why = "cannot move into the new cgroup";
		return -1;
	}
	return 0;
}

static void memcg_leave(struct memcg *m)
{
	move_self(strcmp(m->home, "/") ? m->home : "");
	rmdir(m->dir);
}

/* Map @len bytes as @kind, touch every page, unmap; 0 or an errno. */
static int map_touch(int fd, size_t len, int kind)
{
	int flags = kind == KBUFMAP_MAP_SHARED ? MAP_SHARED : MAP_PRIVATE;
	volatile uint8_t *p = mmap(NULL, len, PROT_READ | PROT_WRITE, flags, fd, 0);
	size_t off;
	int bad = 0;

	if (p == MAP_FAILED)
		return errno;
	for (off = 0; off < len; off += PS) {
		p[off] = (uint8_t)(off / PS + 1);
		bad |= p[off] != (uint8_t)(off / PS + 1);
	}
	munmap((void *)p, len);
	return bad ? EIO : 0;
}

/*
 * Every valid strategy over the pages and vmalloc backends, MAP_SHARED and
 * (where the strategy maps page references, so copy-on-write) writable
 * MAP_PRIVATE, mapped from inside a memory cgroup. On 5.10 a charged page
 * could not be mapped: vm_insert_page() said EINVAL, .fault left "Bad page
 * map" at munmap (the runner fails on it).
 */
static void memcg_map_matrix(void)
{
	static const uint32_t backends[] = { KBUFMAP_BACKEND_PAGES, KBUFMAP_BACKEND_VMALLOC };
	static const int kinds[] = { KBUFMAP_MAP_SHARED, KBUFMAP_MAP_PRIVATE_RW };
	unsigned int b, s, k, runs = 0, failed = 0;

	for (b = 0; b < 2; b++)
		for (s = 0; s < KBUFMAP_STRATEGY_COUNT; s++) {
			int fd, err;

			if (kbufmap_combo_errno(backends[b], s, KBUFMAP_NODE_ANY, NULL))
				continue;
			fd = open_buffer(16, backends[b], s);
			if (fd < 0) {
				tap_diag("memcg: backend %u strategy %u: CONFIGURE %s",
					 backends[b], s, strerror(-fd));
				failed++;
				continue;
			}
			for (k = 0; k < 2; k++) {
				if (kinds[k] == KBUFMAP_MAP_PRIVATE_RW &&
				    !kbufmap_strategy_needs_page_refs(s))
					continue;
				err = map_touch(fd, 16 * PS, kinds[k]);
				runs++;
				if (err) {
					tap_diag("memcg: backend %u strategy %u kind %d: %s",
						 backends[b], s, kinds[k], strerror(err));
					failed++;
				}
			}
			close(fd);
		}
	tap_ok(runs > 10 && !failed,
	       "memcg: %u mappings of every pages/vmalloc strategy mapped, touched and "
	       "unmapped inside a memory cgroup (%u failed)", runs, failed);
}

static int kernel_before_5_11(void)
{
	struct utsname u;
	int major = 0, minor = 0;

	uname(&u);
	sscanf(u.release, "%d.%d", &major, &minor);
	return major < 5 || (major == 5 && minor < 11);
}

/* The buffer is charged to the cgroup, and a limit below it is ENOMEM. */
static void memcg_charge(struct memcg *m)
{
	const uint64_t pages = (32ULL << 20) / PS;	/* 32 MiB */
	const long long size = pages * PS;
	long long before, after;
	char path[1200], limit[64];
	int fd;

	if (kernel_before_5_11()) {
		tap_skip("memcg: the buffer is charged, a lower memory.max gives ENOMEM",
			 "before 5.11 a charged page cannot be mapped (Kmemcg page type): the "
			 "module charges no data page there, only max_bytes bounds it");
		return;
	}
	before = cg_value(m, "memory.current", NULL);
	fd = open_buffer(pages, KBUFMAP_BACKEND_PAGES, KBUFMAP_STRATEGY_INSERT);
	after = cg_value(m, "memory.current", NULL);
	tap_ok(fd >= 0 && after - before >= size * 9 / 10 && after - before <= size * 3 / 2,
	       "memcg: a 32 MiB buffer adds %lld KiB to memory.current", (after - before) >> 10);
	if (fd >= 0)
		close(fd);

	snprintf(path, sizeof(path), "%s/memory.max", m->dir);
	snprintf(limit, sizeof(limit), "%lld\n", cg_value(m, "memory.current", NULL) + size / 4);
	if (!tap_ok(!write_file(path, limit), "memcg: memory.max set 8 MiB above the usage"))
		return;
	fd = open_buffer(pages, KBUFMAP_BACKEND_PAGES, KBUFMAP_STRATEGY_INSERT);
	tap_ok(fd == -ENOMEM, "memcg: 32 MiB asked under a limit 8 MiB away: ENOMEM (%s)",
	       fd < 0 ? strerror(-fd) : "configured");
	if (fd >= 0)
		close(fd);
	tap_is_u64(cg_value(m, "memory.events", "oom_kill "), 0,
		   "memcg: no OOM kill in the cgroup");
	tap_is_u64(cg_value(m, "memory.events", "\noom "), 0,
		   "memcg: not even an OOM event");
	write_file(path, "max\n");
}

static void test_memcg(void)
{
	struct memcg m;
	const char *why = "";

	memset(&m, 0, sizeof(m));
	if (memcg_enter(&m, &why)) {
		tap_skip("memory cgroup", "%s", why);
		return;
	}
	memcg_map_matrix();
	memcg_charge(&m);
	memcg_leave(&m);
}

int main(int argc, char **argv)
{
	const char *what = argc > 1 ? argv[1] : "all";

	pages_init();
	if (!strcmp(what, "merge")) {
		test_merge();
		return tap_done();
	}
	if (strcmp(what, "all")) {
		fprintf(stderr, "usage: %s [all|merge]\n", argv[0]);
		return 2;
	}
	test_fault_around();
	test_private_remap();
	test_private_remap_unchecked();
	test_huge_faults();
	test_huge_futex();
	test_memoryless_node();
	test_node_promise();
	test_killed_allocation();
	test_user_share();
	test_rdonly_configure();
	test_memcg();
	return tap_done();
}
