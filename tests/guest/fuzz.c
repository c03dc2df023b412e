// SPDX-License-Identifier: GPL-2.0
/*
 * A seeded fuzzer of /dev/kbufmap: every ioctl with random and boundary
 * values, mmap with random offsets, lengths, protections and flags, touches,
 * munmap (whole and partial), mremap, mprotect, madvise (every advice),
 * pread/pwrite, fork and close/reopen, and the kernel's page pinners on the
 * mappings (vmsplice, shared futexes, process_vm_readv/writev, O_DIRECT to a
 * file on ext4), in several processes that each run a second, racing thread
 * over the same files and mappings. A pinning call that does not return
 * within PIN_SECS kills its worker (a per-thread timer), and the run names
 * the call.
 *
 * Every operation has a list of errnos that are an answer (the module or core
 * mm refusing the request); any other errno, an unexpected SIGBUS, or a crash
 * of a worker fails the run. Kernel splats and leaks are the guest runner's
 * and no_leaks.sh's to catch. The seed is printed; --seed replays each
 * thread's sequence of operations (the interleaving of the racing threads is
 * the scheduler's). TAP output (tests/lib/tap.h).
 *
 * Usage: fuzz [--seed S] [--ops N] [--seconds T] [--procs P]
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <linux/futex.h>
#include <sys/mman.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "uapi/kbufmap.h"
#include "../lib/tap.h"
#include "../lib/pages.h"

/* Entries of a reserved[] array: its index never outgrows the ABI's. */
#define RESERVED_COUNT(a)	(sizeof(a) / sizeof((a)[0]))

#define PAGE		page_size	/* read at run time: 4, 16 or 64 KiB */
#define HPAGE		pmd_size	/* 2 MiB with 4 KiB pages, 32 MiB with 16 KiB */
#define NR_FDS		4
#define NR_MAPS		16
#define ARENA_SIZE	(16 * HPAGE)	/* where MAP_FIXED and moves land */
#define MAX_ERRNO	134
#define MAX_REPORTS	20		/* failure lines printed per run */
#define ERR_SIGSEGV	(MAX_ERRNO + 1)	/* outcome slots after the errnos */
#define ERR_SIGBUS	(MAX_ERRNO + 2)
#define NR_OUTCOMES	(MAX_ERRNO + 3)
#define PIN_SECS	10		/* a pinning call hung past this */
#define PIN_MAX_PAGES	16		/* the most one pinning call takes */
#define MAX_PROCS	64

#define OPS(X)							\
	X(VERSION, 2) X(CONFIGURE, 8) X(GET_INFO, 3) X(GET_PFNS, 3)	\
	X(GET_COUNTERS, 3) X(BAD_IOCTL, 2) X(MMAP, 14) X(TOUCH, 30)	\
	X(MUNMAP, 5) X(MREMAP, 4) X(MPROTECT, 4) X(MADVISE, 10)		\
	X(RW, 4) X(FORK, 1) X(REOPEN, 2) X(VMSPLICE, 2) X(FUTEX, 2)	\
	X(PROCESS_VM, 2) X(DIRECT_IO, 2) X(DMA_SYNC, 3)
#define OP_ENUM(name, w) OP_##name,
#define OP_NAME(name, w) #name,
#define OP_WEIGHT(name, w) w,
enum op_kind { OPS(OP_ENUM) OP_COUNT };
static const char *const op_names[] = { OPS(OP_NAME) };
static const unsigned int op_weights[] = { OPS(OP_WEIGHT) };

/* Shared by all workers (MAP_SHARED before fork): the summary and budget. */
struct fuzz_shared {
	uint64_t outcomes[OP_COUNT][NR_OUTCOMES];
	uint64_t ops_claimed;
	uint64_t ops_done;
	uint64_t failures;
	/* Each thread's operation under way, for a worker a timer killed. */
	struct { int op; uint64_t nth; } inflight[MAX_PROCS][2];
};

struct map_rec {
	uintptr_t addr;
	size_t len;
	int live;
};

/* One worker process: its files and mappings, shared by its two threads. */
static struct {
	int fds[NR_FDS];
	struct map_rec maps[NR_MAPS];
	pthread_mutex_t lock;		/* guards maps[] */
	uintptr_t arena;
	void *guard;			/* PROT_NONE page, never mapped over */
	void *rdonly;			/* read-only zero page */
	int sigbus_ok;			/* this worker maps remap-unchecked */
	uint64_t nr_pages[NR_FDS];	/* what each file was last given (a hint) */
	int proc;
	int pipes[2][2];		/* one per thread, for vmsplice */
	int direct_fd;			/* O_DIRECT file on ext4, or -1 */
} st = { .lock = PTHREAD_MUTEX_INITIALIZER };

static struct fuzz_shared *shared;
static uint64_t max_ops;
static struct timespec deadline;
static int in_child;			/* a FORK op's child: no lock, no stdio */

struct worker {
	uint64_t rng;
	int thread;
	uint64_t nth;			/* this thread's operation count */
	timer_t watchdog;		/* SIGALRM to this thread: kills the worker */
};

static __thread sigjmp_buf touch_jb;
static __thread volatile sig_atomic_t in_touch;

/* ---- randomness ---------------------------------------------------------- */

static uint64_t splitmix(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t rnd(struct worker *w)
{
	return splitmix(&w->rng);
}

static uint64_t below(struct worker *w, uint64_t n)
{
	return n ? rnd(w) % n : 0;
}

static int chance(struct worker *w, unsigned int percent)
{
	return below(w, 100) < percent;
}

#define PICK(w, arr) ((arr)[below((w), sizeof(arr) / sizeof((arr)[0]))])

/* A value at or near an edge of a 64-bit field, or a random one. */
static uint64_t boundary_u64(struct worker *w)
{
	static const uint64_t edges[] = {
		0, 1, 2, 0x7f, 0x80, 0xff, 0x7fffffff, 0x80000000, 0xffffffff,
		0x100000000ULL, INT64_MAX, (uint64_t)INT64_MIN, UINT64_MAX,
	};

	return chance(w, 80) ? PICK(w, edges) : rnd(w);
}

/* A buffer size the module accepts (small: the point is the sequences). */
static uint64_t small_pages(struct worker *w)
{
	static const uint64_t sizes[] = { 1, 2, 3, 4, 8, 16, 64, 512, 1024 };

	return chance(w, 70) ? PICK(w, sizes) : 1 + below(w, 64);
}

/* A size the module must refuse before allocating anything. */
static uint64_t refused_pages(struct worker *w)
{
	const uint64_t sizes[] = {
		0, KBUFMAP_MAX_PAGES + 1, KBUFMAP_MAX_PAGES << 1, 1ULL << 52,
		1ULL << 32, UINT64_MAX, UINT64_MAX / PAGE,
	};

	return PICK(w, sizes);
}

/* A pointer the kernel must not be able to use (or may only read). */
static void *bad_pointer(struct worker *w)
{
	void *const ptrs[] = {
		NULL, (void *)1, (void *)(uintptr_t)0xffff888000000000ULL,
		(void *)(uintptr_t)-PAGE, st.guard, st.rdonly,
		(char *)st.guard + PAGE - 8,
	};

	return PICK(w, ptrs);
}

/* ---- outcomes ------------------------------------------------------------ */

/* Is @err in the zero-terminated @list? */
static int listed(const int *list, int err)
{
	for (; *list; list++)
		if (*list == err)
			return 1;
	return 0;
}

static void report(struct worker *w, enum op_kind op, int outcome, const char *what)
{
	char line[256];
	int n;

	if (__atomic_fetch_add(&shared->failures, 1, __ATOMIC_RELAXED) >= MAX_REPORTS)
		return;
	n = snprintf(line, sizeof(line),
		     "# UNEXPECTED: proc %d%s thread %d op %llu %s (%s): %s\n",
		     st.proc, in_child ? " (forked child)" : "", w->thread,
		     (unsigned long long)w->nth, op_names[op], what,
		     outcome == ERR_SIGBUS ? "SIGBUS" :
		     outcome == ERR_SIGSEGV ? "SIGSEGV" : strerror(outcome));
	if (write(STDOUT_FILENO, line, n) < 0)
		return;
}

/*
 * Count the outcome of one operation: @ret < 0 means it failed with errno.
 * An errno outside @allowed (and EFAULT when @bad_ptr is false) is a failure.
 */
static void outcome(struct worker *w, enum op_kind op, long ret,
		    const int *allowed, int bad_ptr, const char *what)
{
	int err = ret < 0 ? errno : 0;

	if (err > MAX_ERRNO)
		err = MAX_ERRNO;
	__atomic_fetch_add(&shared->outcomes[op][err], 1, __ATOMIC_RELAXED);
	if (!err || listed(allowed, err) || (bad_ptr && err == EFAULT))
		return;
	report(w, op, err, what);
}

static const int ioctl_ok[] = { EBADF, 0 };
static const int configure_ok[] = {
	EBADF, EINVAL, E2BIG, EOPNOTSUPP, EBUSY, ENOMEM, 0
};
static const int query_ok[] = { EBADF, EINVAL, ENXIO, E2BIG, 0 };
/* EINVAL for any buffer but dma-noncoherent; EBADF for_device read-only */
static const int dma_sync_ok[] = { EBADF, EINVAL, ENXIO, 0 };
static const int unknown_ioctl_ok[] = { EBADF, ENOTTY, 0 };
static const int mmap_ok[] = {
	EBADF, EINVAL, ENXIO, ENOMEM, EACCES, EPERM, EOVERFLOW, ENODEV,
	EAGAIN, EEXIST, EOPNOTSUPP, 0
};
static const int munmap_ok[] = { EINVAL, 0 };
/* mremap() answers EFAULT for growing a VM_DONTEXPAND or absent mapping. */
static const int mremap_ok[] = { EINVAL, ENOMEM, EFAULT, EAGAIN, 0 };
static const int mprotect_ok[] = { EACCES, ENOMEM, EINVAL, 0 };
static const int madvise_ok[] = { EINVAL, ENOMEM, EAGAIN, 0 };
/* MADV_REMOVE: needs a shared writable mapping of a file that can punch. */
static const int madvise_remove_ok[] = {
	EINVAL, ENOMEM, EAGAIN, EACCES, ENODEV, EOPNOTSUPP, 0
};
static const int rw_ok[] = { EBADF, EINVAL, ENXIO, ENOSPC, 0 };
/* remap on a CoW mapping tracks the PFN range (VM_PAT): fork() may fail. */
static const int fork_ok[] = { ENOMEM, EAGAIN, EINVAL, 0 };
static const int open_ok[] = { ENOMEM, EMFILE, ENFILE, 0 };

/* ---- the files and mappings of this worker ------------------------------- */

/* Mostly an open file (the first open slot from a random one). */
static int pick_fd_slot(struct worker *w, int *slot)
{
	int i = below(w, NR_FDS), n, fd = -1;

	*slot = i;
	if (chance(w, 2))
		return chance(w, 50) ? -1 : 1000;
	for (n = 0; n < NR_FDS && fd < 0; n++, i = (i + 1) % NR_FDS) {
		fd = __atomic_load_n(&st.fds[i], __ATOMIC_RELAXED);
		*slot = i;
	}
	return fd;
}

static int pick_fd(struct worker *w)
{
	int slot;

	return pick_fd_slot(w, &slot);
}

/* A snapshot of a live mapping record; its pages may be gone by now. */
static int pick_map(struct worker *w, struct map_rec *out, int *slot)
{
	int i = below(w, NR_MAPS), n;

	pthread_mutex_lock(&st.lock);
	for (n = 0; n < NR_MAPS && !st.maps[i].live; n++)
		i = (i + 1) % NR_MAPS;
	*out = st.maps[i];
	pthread_mutex_unlock(&st.lock);
	if (slot)
		*slot = i;
	return out->live;
}

/* Remember a new mapping, unmapping the record it displaces. */
static void remember_map(struct worker *w, uintptr_t addr, size_t len)
{
	int i = below(w, NR_MAPS);
	struct map_rec old;

	pthread_mutex_lock(&st.lock);
	old = st.maps[i];
	st.maps[i] = (struct map_rec){ addr, len, 1 };
	pthread_mutex_unlock(&st.lock);
	if (old.live && old.addr != addr)
		outcome(w, OP_MUNMAP, munmap((void *)old.addr, old.len),
			munmap_ok, 0, "displaced record");
}

static void update_map(int slot, struct map_rec old, uintptr_t addr, size_t len)
{
	pthread_mutex_lock(&st.lock);
	if (st.maps[slot].addr == old.addr && st.maps[slot].len == old.len)
		st.maps[slot] = (struct map_rec){ addr, len, len != 0 };
	pthread_mutex_unlock(&st.lock);
}

/*
 * A range of @rec: whole, a head, a tail or a middle part, page-aligned but
 * for a few with an unaligned start (EINVAL for the VM calls). It never ends
 * past @rec: process_vm_writev() writes wherever it is pointed, and the page
 * above a mapping may be the process's own (its TLS, below libc).
 */
static void sub_range(struct worker *w, const struct map_rec *rec,
		      uintptr_t *addr, size_t *len)
{
	size_t pages = rec->len / PAGE, first, n, skew;

	if (pages <= 1 || chance(w, 40)) {
		*addr = rec->addr;
		*len = rec->len;
	} else {
		first = below(w, pages);
		n = 1 + below(w, pages - first);
		*addr = rec->addr + first * PAGE;
		*len = n * PAGE;
	}
	if (chance(w, 3)) {
		skew = 1 + below(w, PAGE - 1);
		*addr += skew;
		*len -= skew;
	}
	if (*addr < rec->addr || *addr + *len > rec->addr + rec->len) {
		fprintf(stderr, "fuzz: sub_range left its record\n");
		abort();
	}
}

/* An address in the arena for @len bytes, sometimes next to or over a map. */
static uintptr_t arena_target(struct worker *w, size_t len)
{
	struct map_rec rec;
	uintptr_t a;

	if (len >= ARENA_SIZE)
		return st.arena;
	if (chance(w, 40) && pick_map(w, &rec, NULL) && rec.addr >= st.arena &&
	    rec.addr + rec.len <= st.arena + ARENA_SIZE) {
		static const int where[] = { -1, 0, 1, 2 };

		switch (PICK(w, where)) {
		case -1: a = rec.addr - len; break;	/* adjacent below */
		case 0: a = rec.addr; break;		/* exactly over */
		case 1: a = rec.addr + rec.len; break;	/* adjacent above */
		default: a = rec.addr + PAGE * below(w, rec.len / PAGE); break;
		}
		if (a >= st.arena && a + len <= st.arena + ARENA_SIZE)
			return a;
	}
	if (chance(w, 20))
		a = st.arena + HPAGE * below(w, (ARENA_SIZE - len) / HPAGE);
	else
		a = st.arena + PAGE * below(w, (ARENA_SIZE - len) / PAGE);
	return a;
}

/* ---- the ioctls ---------------------------------------------------------- */

static void op_version(struct worker *w)
{
	struct kbufmap_version v;
	int bad = chance(w, 10);

	outcome(w, OP_VERSION, ioctl(pick_fd(w), KBUFMAP_IOC_VERSION, bad ? bad_pointer(w) : &v),
		ioctl_ok, bad, bad ? "bad pointer" : "valid");
}

static uint32_t fuzz_strategy(struct worker *w)
{
	uint32_t s;

	if (chance(w, 5))
		return boundary_u64(w);
	s = below(w, KBUFMAP_STRATEGY_COUNT);
	/* The deliberately broken strategy SIGBUSes: only where that is expected. */
	if (s == KBUFMAP_STRATEGY_REMAP_UNCHECKED && !st.sigbus_ok)
		s = KBUFMAP_STRATEGY_REMAP;
	return s;
}

static void op_configure(struct worker *w)
{
	static const int32_t nodes[] = { 0, 1, -2, 63, 64, 1 << 20, INT32_MIN, INT32_MAX };
	struct kbufmap_config c;
	int bad = chance(w, 3), fd, slot, ret;
	size_t i;

	memset(&c, 0, sizeof(c));
	c.nr_pages = chance(w, 85) ? small_pages(w) : refused_pages(w);
	c.backend = chance(w, 95) ? below(w, KBUFMAP_BACKEND_COUNT) : boundary_u64(w);
	c.strategy = fuzz_strategy(w);
	/* DMA memory maps only with dma-mmap: often enough to reach it */
	if (c.backend >= KBUFMAP_BACKEND_DMA_COHERENT &&
	    c.backend <= KBUFMAP_BACKEND_DMA_NONCOHERENT && chance(w, 60))
		c.strategy = KBUFMAP_STRATEGY_DMA_MMAP;
	c.node = chance(w, 85) ? KBUFMAP_NODE_ANY : PICK(w, nodes);
	c.flags = chance(w, 95) ? 0 : boundary_u64(w) | 1;
	for (i = 0; i < sizeof(c.reserved) / sizeof(c.reserved[0]); i++)
		c.reserved[i] = chance(w, 97) ? 0 : boundary_u64(w) | 1;
	fd = pick_fd_slot(w, &slot);
	ret = ioctl(fd, KBUFMAP_IOC_CONFIGURE, bad ? bad_pointer(w) : &c);
	outcome(w, OP_CONFIGURE, ret, configure_ok, bad, bad ? "bad pointer" : "random config");
	if (!ret && !bad)
		__atomic_store_n(&st.nr_pages[slot], c.nr_pages, __ATOMIC_RELAXED);
}

static void op_get_info(struct worker *w)
{
	struct kbufmap_info info;
	int bad = chance(w, 10);

	outcome(w, OP_GET_INFO, ioctl(pick_fd(w), KBUFMAP_IOC_GET_INFO, bad ? bad_pointer(w) : &info),
		query_ok, bad, bad ? "bad pointer" : "valid");
}

static void op_get_pfns(struct worker *w)
{
	/* Buffers here are at most 1024 pages, so the module writes no more. */
	static __thread uint64_t pfns[KBUFMAP_KMALLOC_MAX_PAGES];
	static const uint64_t firsts[] = { 0, 1, 3, 511, 512, 1023, 1024 };
	static const uint64_t counts[] = {
		0, 1, 2, 16, 512, 1024, KBUFMAP_PFN_BATCH_MAX, KBUFMAP_PFN_BATCH_MAX + 1,
	};
	struct kbufmap_pfns req;
	int bad_arg = chance(w, 3), bad_out = chance(w, 5);

	memset(&req, 0, sizeof(req));
	req.first = chance(w, 80) ? PICK(w, firsts) : boundary_u64(w);
	req.count = chance(w, 80) ? PICK(w, counts) : boundary_u64(w);
	req.pfns = (uintptr_t)(bad_out ? bad_pointer(w) : pfns);
	if (chance(w, 3))
		req.reserved[below(w, RESERVED_COUNT(req.reserved))] = boundary_u64(w) | 1;
	outcome(w, OP_GET_PFNS, ioctl(pick_fd(w), KBUFMAP_IOC_GET_PFNS, bad_arg ? bad_pointer(w) : &req),
		query_ok, bad_arg || bad_out, "random range");
}

static void op_get_counters(struct worker *w)
{
	struct kbufmap_stats s;
	int bad = chance(w, 5);

	memset(&s, 0, sizeof(s));
	s.scope = chance(w, 85) ? below(w, 2) : boundary_u64(w);
	if (chance(w, 5))
		s.pad = boundary_u64(w);
	if (chance(w, 5))
		s.reserved[below(w, RESERVED_COUNT(s.reserved))] = boundary_u64(w);
	if (chance(w, 5))
		s.counters.reserved[below(w, RESERVED_COUNT(s.counters.reserved))] =
			boundary_u64(w);
	outcome(w, OP_GET_COUNTERS, ioctl(pick_fd(w), KBUFMAP_IOC_GET_COUNTERS, bad ? bad_pointer(w) : &s),
		query_ok, bad, "random scope");
}

/* A hand-over of a random range, op and direction, mostly well formed. */
static void op_dma_sync(struct worker *w)
{
	const uint64_t offsets[] = { 0, 1, PAGE - 1, PAGE, 3 * PAGE, 1024 * PAGE };
	const uint64_t lengths[] = { 0, 1, 64, PAGE, 2 * PAGE, 1024 * PAGE };
	struct kbufmap_dma_sync req;
	int bad = chance(w, 5);

	memset(&req, 0, sizeof(req));
	req.offset = chance(w, 85) ? PICK(w, offsets) : boundary_u64(w);
	req.length = chance(w, 85) ? PICK(w, lengths) : boundary_u64(w);
	req.direction = chance(w, 90) ? below(w, KBUFMAP_DMA_DIR_COUNT) : boundary_u64(w);
	req.op = chance(w, 90) ? below(w, KBUFMAP_DMA_SYNC_OP_COUNT) : boundary_u64(w);
	if (chance(w, 3))
		req.reserved[below(w, RESERVED_COUNT(req.reserved))] = boundary_u64(w) | 1;
	outcome(w, OP_DMA_SYNC, ioctl(pick_fd(w), KBUFMAP_IOC_DMA_SYNC, bad ? bad_pointer(w) : &req),
		dma_sync_ok, bad, "random range");
}

/* A command next to the real ones: another number, size or direction. */
static void op_bad_ioctl(struct worker *w)
{
	static const unsigned long real[] = {
		KBUFMAP_IOC_VERSION, KBUFMAP_IOC_CONFIGURE, KBUFMAP_IOC_GET_INFO,
		KBUFMAP_IOC_GET_PFNS, KBUFMAP_IOC_GET_COUNTERS,
		KBUFMAP_IOC_REOPEN_RDONLY, KBUFMAP_IOC_DMA_SYNC, KBUFMAP_IOC_PGATTR,
	};
	unsigned long base = PICK(w, real), cmd;
	unsigned int dir = _IOC_DIR(base), nr = _IOC_NR(base), size = _IOC_SIZE(base);
	char arg[512] = { 0 };
	size_t i;

	switch (below(w, 4)) {
	case 0: nr = below(w, 256); break;
	case 1: size = below(w, sizeof(arg)); break;
	case 2: dir = below(w, 4); break;
	default: nr = below(w, 256); size = below(w, sizeof(arg)); dir = below(w, 4); break;
	}
	cmd = _IOC(dir, _IOC_TYPE(base), nr, size);
	for (i = 0; i < sizeof(real) / sizeof(real[0]); i++)
		if (cmd == real[i])
			return;
	outcome(w, OP_BAD_IOCTL, ioctl(pick_fd(w), cmd, arg), unknown_ioctl_ok, 0, "unknown command");
}

/* ---- mappings ------------------------------------------------------------ */

static int fuzz_prot(struct worker *w)
{
	static const int prots[] = {
		PROT_READ, PROT_READ | PROT_WRITE, PROT_READ | PROT_WRITE,
		PROT_WRITE, PROT_NONE, PROT_READ | PROT_EXEC,
	};

	return PICK(w, prots);
}

static int fuzz_map_flags(struct worker *w)
{
	static const int extra[] = {
		0, 0, 0, MAP_POPULATE, MAP_NORESERVE, MAP_LOCKED, MAP_FIXED,
		MAP_FIXED, MAP_FIXED, MAP_FIXED_NOREPLACE,
	};
	int flags = chance(w, 55) ? MAP_SHARED : MAP_PRIVATE;

	if (chance(w, 5))
		flags = MAP_SHARED_VALIDATE | (chance(w, 50) ? 0 : 0x40000000);
	return flags | PICK(w, extra);
}

static off_t fuzz_offset(struct worker *w)
{
	static const uint64_t pages[] = { 0, 0, 0, 1, 2, 3, 511, 512, 1023, 1024 };

	if (chance(w, 3))
		return chance(w, 50) ? (off_t)(1 + below(w, PAGE - 1)) : (off_t)(boundary_u64(w) & ~(PAGE - 1));
	return chance(w, 80) ? PICK(w, pages) * PAGE : below(w, 64) * PAGE;
}

static void op_mmap(struct worker *w)
{
	static const size_t pages[] = { 1, 1, 2, 3, 4, 8, 16, 512, 1024, 1025 };
	size_t len = (chance(w, 80) ? PICK(w, pages) : 1 + below(w, 64)) * PAGE;
	int flags = fuzz_map_flags(w), slot, fd = pick_fd_slot(w, &slot);
	uint64_t nr = __atomic_load_n(&st.nr_pages[slot], __ATOMIC_RELAXED);
	off_t off = fuzz_offset(w);
	uintptr_t hint = 0;
	void *p;

	if (nr && chance(w, 70)) {	/* within the buffer, as far as we know */
		off = below(w, nr) * PAGE;
		len = (1 + below(w, nr - off / PAGE)) * PAGE;
	}
	if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE))
		hint = arena_target(w, len);
	else if (chance(w, 10))
		hint = arena_target(w, len);	/* only a hint */
	p = mmap((void *)hint, len, fuzz_prot(w), flags, fd, off);
	outcome(w, OP_MMAP, p == MAP_FAILED ? -1 : 0, mmap_ok, 0, "random mapping");
	if (p != MAP_FAILED)
		remember_map(w, (uintptr_t)p, len);
}

/* A real crash: the address space, so the record that hit libc shows. */
static void dump_crash(int sig)
{
	char line[160], buf[4096];
	ssize_t n;
	int fd, len;

	len = snprintf(line, sizeof(line), "# CRASH: signal %d in proc %d tid %d (pid %d)%s arena %#lx\n",
		       sig, st.proc, (int)gettid(), (int)getpid(), in_child ? " child" : "",
		       (unsigned long)st.arena);
	if (write(STDERR_FILENO, line, len) < 0)
		return;
	fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
	while (fd >= 0 && (n = read(fd, buf, sizeof(buf))) > 0)
		if (write(STDERR_FILENO, buf, n) < 0)
			break;
	if (fd >= 0)
		close(fd);
}

static void touch_signal(int sig)
{
	if (!in_touch) {	/* a real crash: die of it */
		dump_crash(sig);
		signal(sig, SIG_DFL);
		return;
	}
	siglongjmp(touch_jb, sig);
}

/* Read or write one word of a mapping; SIGSEGV is an answer, SIGBUS is not
 * (except where the deliberately broken strategy may be mapped).
 */
static void op_touch(struct worker *w)
{
	struct map_rec rec;
	volatile uint64_t *p;
	int write = chance(w, 50), sig;

	if (!pick_map(w, &rec, NULL))
		return;
	p = (volatile uint64_t *)(rec.addr + PAGE * below(w, rec.len / PAGE) +
				  8 * below(w, PAGE / 8));
	sig = sigsetjmp(touch_jb, 1);
	if (!sig) {
		in_touch = 1;
		if (write)
			*p = w->nth;
		else
			(void)*p;
		in_touch = 0;
		__atomic_fetch_add(&shared->outcomes[OP_TOUCH][0], 1, __ATOMIC_RELAXED);
		return;
	}
	in_touch = 0;
	sig = sig == SIGBUS ? ERR_SIGBUS : ERR_SIGSEGV;
	__atomic_fetch_add(&shared->outcomes[OP_TOUCH][sig], 1, __ATOMIC_RELAXED);
	if (sig == ERR_SIGBUS && !st.sigbus_ok)
		report(w, OP_TOUCH, sig, write ? "write" : "read");
}

static void op_munmap(struct worker *w)
{
	struct map_rec rec;
	uintptr_t addr;
	size_t len;
	int slot;

	if (!pick_map(w, &rec, &slot))
		return;
	sub_range(w, &rec, &addr, &len);
	outcome(w, OP_MUNMAP, munmap((void *)addr, len), munmap_ok, 0,
		len == rec.len ? "whole" : "partial");
	if (addr == rec.addr && len == rec.len)
		update_map(slot, rec, 0, 0);
}

/* Shrink, grow in place, grow by moving, or move to the arena. */
static void op_mremap(struct worker *w)
{
	struct map_rec rec;
	size_t new_len;
	void *p = MAP_FAILED;
	int slot;

	if (!pick_map(w, &rec, &slot))
		return;
	switch (below(w, 4)) {
	case 0:
		new_len = rec.len > PAGE ? PAGE * (1 + below(w, rec.len / PAGE - 1)) : rec.len;
		p = mremap((void *)rec.addr, rec.len, new_len, 0);
		break;
	case 1:
		new_len = rec.len + PAGE * (1 + below(w, 4));
		p = mremap((void *)rec.addr, rec.len, new_len, 0);
		break;
	case 2:
		new_len = rec.len + PAGE * (1 + below(w, 4));
		p = mremap((void *)rec.addr, rec.len, new_len, MREMAP_MAYMOVE);
		break;
	default:
		new_len = rec.len;
		p = mremap((void *)rec.addr, rec.len, new_len, MREMAP_MAYMOVE | MREMAP_FIXED,
			   (void *)arena_target(w, new_len));
		break;
	}
	outcome(w, OP_MREMAP, p == MAP_FAILED ? -1 : 0, mremap_ok, 0, "resize or move");
	if (p != MAP_FAILED)
		update_map(slot, rec, (uintptr_t)p, new_len);
}

static void op_mprotect(struct worker *w)
{
	struct map_rec rec;
	uintptr_t addr;
	size_t len;

	if (!pick_map(w, &rec, NULL))
		return;
	sub_range(w, &rec, &addr, &len);
	outcome(w, OP_MPROTECT, mprotect((void *)addr, len, fuzz_prot(w)), mprotect_ok, 0,
		"random protection");
}

#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE 25
#endif

/* Every advice but the page-poisoning ones (they would poison real memory). */
static const int advices[] = {
	MADV_NORMAL, MADV_RANDOM, MADV_SEQUENTIAL, MADV_WILLNEED, MADV_DONTNEED,
	MADV_FREE, MADV_REMOVE, MADV_DONTFORK, MADV_DOFORK, MADV_MERGEABLE,
	MADV_UNMERGEABLE, MADV_HUGEPAGE, MADV_NOHUGEPAGE, MADV_DONTDUMP,
	MADV_DODUMP, MADV_WIPEONFORK, MADV_KEEPONFORK, MADV_COLD, MADV_PAGEOUT,
	MADV_POPULATE_READ, MADV_POPULATE_WRITE, MADV_DONTNEED_LOCKED,
	MADV_COLLAPSE, 1000 /* unknown: EINVAL */,
};

static void op_madvise(struct worker *w)
{
	struct map_rec rec;
	uintptr_t addr;
	size_t len;
	int advice = PICK(w, advices), populate;
	char what[32];

	if (!pick_map(w, &rec, NULL))
		return;
	sub_range(w, &rec, &addr, &len);
	populate = advice == MADV_POPULATE_READ || advice == MADV_POPULATE_WRITE;
	snprintf(what, sizeof(what), "advice %d", advice);
	/* Populating fails with EFAULT where a fault SIGBUSes. */
	outcome(w, OP_MADVISE, madvise((void *)addr, len, advice),
		advice == MADV_REMOVE ? madvise_remove_ok : madvise_ok,
		populate && st.sigbus_ok, what);
}

/* pread/pwrite at edges; sometimes to or from a mapping of the device. */
static void op_rw(struct worker *w)
{
	const int64_t offsets[] = { 0, 1, PAGE - 1, PAGE, 3 * PAGE, 1024 * PAGE - 1, 1024 * PAGE, -1 };
	const size_t lens[] = { 0, 1, 8, PAGE, 2 * PAGE };
	char buf[2 * MAX_PAGE_SIZE];
	struct map_rec rec;
	char *p = buf;
	size_t len = PICK(w, lens);
	off_t off = chance(w, 90) ? PICK(w, offsets) : (off_t)boundary_u64(w);
	int self = chance(w, 20) && pick_map(w, &rec, NULL);
	ssize_t ret;

	if (self) {		/* the mapping may be gone: EFAULT is an answer */
		p = (char *)rec.addr;
		len = len < rec.len ? len : rec.len;
	}
	if (chance(w, 50))
		ret = pread(pick_fd(w), p, len, off);
	else
		ret = pwrite(pick_fd(w), p, len, off);
	outcome(w, OP_RW, ret, rw_ok, self, self ? "through a mapping" : "stack buffer");
}

/* ---- the page pinners ------------------------------------------------------ */

/*
 * A part of a mapping (at most PIN_MAX_PAGES) for a pinning call. Its pages
 * may be gone or moved by the racing thread: EFAULT is always an answer.
 */
static int pin_range(struct worker *w, uintptr_t *addr, size_t *len)
{
	struct map_rec rec;

	if (!pick_map(w, &rec, NULL))
		return 0;
	sub_range(w, &rec, addr, len);
	if (*len > PIN_MAX_PAGES * PAGE)
		*len = PIN_MAX_PAGES * PAGE;
	return 1;
}

/* The watchdog: armed around each pinning call, so a hang is bounded. */
static void pin_begin(struct worker *w, enum op_kind op)
{
	struct itimerspec its = { .it_value = { .tv_sec = PIN_SECS } };

	shared->inflight[st.proc][w->thread].op = op;
	shared->inflight[st.proc][w->thread].nth = w->nth;
	timer_settime(w->watchdog, 0, &its, NULL);
}

static void pin_end(struct worker *w)
{
	struct itimerspec off = { 0 };

	timer_settime(w->watchdog, 0, &off, NULL);
	shared->inflight[st.proc][w->thread].op = 0;	/* no pinner is OP_VERSION */
}

static const int vmsplice_ok[] = { EAGAIN, EINVAL, ENOMEM, 0 };
static const int futex_ok[] = { EAGAIN, EINVAL, ETIMEDOUT, EINTR, 0 };
static const int process_vm_ok[] = { ENOMEM, 0 };
static const int direct_ok[] = { EINVAL, 0 };

/* vmsplice() the range into this thread's pipe (GUP), then drain the pipe. */
static void op_vmsplice(struct worker *w)
{
	int *p = st.pipes[w->thread];
	char buf[4096];		/* drains the pipe: any size will do */
	struct iovec iov;
	size_t len;
	uintptr_t addr;
	long ret;

	if (!pin_range(w, &addr, &len))
		return;
	iov = (struct iovec){ (void *)addr, len };
	pin_begin(w, OP_VMSPLICE);
	ret = vmsplice(p[1], &iov, 1, SPLICE_F_NONBLOCK);
	outcome(w, OP_VMSPLICE, ret, vmsplice_ok, 1, "into a pipe");
	while (read(p[0], buf, sizeof(buf)) > 0)
		;
	pin_end(w);
}

/* A shared futex on a word of the range: its key comes from the page. */
static void op_futex(struct worker *w)
{
	struct timespec ts = { 0, 1000 };	/* a wait ends by itself */
	uintptr_t addr;
	size_t len;
	int wait = chance(w, 30), flags = chance(w, 10) ? FUTEX_PRIVATE_FLAG : 0;
	long ret;

	if (!pin_range(w, &addr, &len))
		return;
	/* an aligned word of the range, or now and then a misaligned one */
	addr += len < 8 ? 0 : chance(w, 5) ? below(w, len - 4) : 4 * below(w, len / 4 - 1);
	pin_begin(w, OP_FUTEX);
	ret = syscall(SYS_futex, (void *)addr, (wait ? FUTEX_WAIT : FUTEX_WAKE) | flags,
		      wait ? (uint32_t)rnd(w) : 1, wait ? &ts : NULL, NULL, 0);
	outcome(w, OP_FUTEX, ret, futex_ok, 1, wait ? "wait" : "wake");
	pin_end(w);
}

/* process_vm_readv/writev of the range on this very process (remote GUP). */
static void op_process_vm(struct worker *w)
{
	static __thread char buf[2 * MAX_PAGE_SIZE];
	struct iovec local = { buf, 2 * PAGE }, remote;
	int write = chance(w, 30);
	uintptr_t addr;
	size_t len;
	long ret;

	if (!pin_range(w, &addr, &len))
		return;
	remote = (struct iovec){ (void *)addr, len < local.iov_len ? len : local.iov_len };
	if (write)
		memset(buf, (int)w->nth, local.iov_len);
	pin_begin(w, OP_PROCESS_VM);
	ret = write ? process_vm_writev(getpid(), &local, 1, &remote, 1, 0) :
		      process_vm_readv(getpid(), &local, 1, &remote, 1, 0);
	outcome(w, OP_PROCESS_VM, ret, process_vm_ok, 1, write ? "writev" : "readv");
	pin_end(w);
}

/* O_DIRECT between the range and the worker's file on ext4 (GUP both ways). */
static void op_direct_io(struct worker *w)
{
	int read_into = chance(w, 50);
	off_t off = PAGE * below(w, PIN_MAX_PAGES);
	uintptr_t addr;
	size_t len;
	long ret;

	if (!pin_range(w, &addr, &len) || st.direct_fd < 0)
		return;
	pin_begin(w, OP_DIRECT_IO);
	ret = read_into ? pread(st.direct_fd, (void *)addr, len, off) :
			  pwrite(st.direct_fd, (void *)addr, len, off);
	outcome(w, OP_DIRECT_IO, ret, direct_ok, 1, read_into ? "read into" : "write from");
	pin_end(w);
}

/* The forked child: touch and unmap what the parent had, then exit. */
static void fork_child(struct worker *w, const struct map_rec *maps)
{
	int i, n = 1 + below(w, 4);

	in_child = 1;
	for (i = 0; i < n; i++) {
		const struct map_rec *m = &maps[below(w, NR_MAPS)];
		volatile char *p = (volatile char *)(m->addr + PAGE * below(w, m->len / PAGE));
		int sig;

		if (!m->live)
			continue;
		sig = sigsetjmp(touch_jb, 1);
		if (!sig) {
			in_touch = 1;
			*p = (char)i;
		}
		in_touch = 0;
		if (sig == SIGBUS && !st.sigbus_ok) {
			report(w, OP_FORK, ERR_SIGBUS, "child's write");
			_exit(3);
		}
		if (chance(w, 30) && munmap((void *)m->addr, m->len))
			_exit(4);
	}
	_exit(0);
}

static void op_fork(struct worker *w)
{
	struct map_rec maps[NR_MAPS];
	int status;
	pid_t pid;

	pthread_mutex_lock(&st.lock);
	memcpy(maps, st.maps, sizeof(maps));
	pthread_mutex_unlock(&st.lock);
	pid = fork();
	if (pid == 0)
		fork_child(w, maps);
	outcome(w, OP_FORK, pid < 0 ? -1 : 0, fork_ok, 0, "fork");
	if (pid < 0)
		return;
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status)) {
		char what[48];

		snprintf(what, sizeof(what), "child status 0x%x", status);
		errno = ECHILD;
		outcome(w, OP_FORK, -1, fork_ok, 0, what);
	}
}

/* Close a file (its mappings live on) and maybe open a new one in its slot. */
static void op_reopen(struct worker *w)
{
	int slot = below(w, NR_FDS);
	int fd = __atomic_exchange_n(&st.fds[slot], -1, __ATOMIC_RELAXED);

	if (fd >= 0)
		outcome(w, OP_REOPEN, close(fd), open_ok, 0, "close");
	if (chance(w, 5))
		return;
	fd = open(KBUFMAP_DEVICE_PATH, (chance(w, 90) ? O_RDWR : O_RDONLY) | O_CLOEXEC);
	outcome(w, OP_REOPEN, fd, open_ok, 0, "open");
	if (fd < 0)
		return;
	__atomic_store_n(&st.nr_pages[slot], 0, __ATOMIC_RELAXED);
	fd = __atomic_exchange_n(&st.fds[slot], fd, __ATOMIC_RELAXED);
	if (fd >= 0)
		close(fd);
}

/* ---- the loop ------------------------------------------------------------ */

typedef void (*op_fn)(struct worker *w);
static const op_fn op_fns[OP_COUNT] = {
	op_version, op_configure, op_get_info, op_get_pfns, op_get_counters,
	op_bad_ioctl, op_mmap, op_touch, op_munmap, op_mremap, op_mprotect,
	op_madvise, op_rw, op_fork, op_reopen, op_vmsplice, op_futex,
	op_process_vm, op_direct_io, op_dma_sync,
};

static enum op_kind pick_op(struct worker *w)
{
	unsigned int total = 0, r, i;

	for (i = 0; i < OP_COUNT; i++)
		total += op_weights[i];
	r = below(w, total);
	for (i = 0; r >= op_weights[i]; i++)
		r -= op_weights[i];
	return i;
}

static int out_of_time(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec > deadline.tv_sec ||
	       (now.tv_sec == deadline.tv_sec && now.tv_nsec >= deadline.tv_nsec);
}

static void *run_thread(void *arg)
{
	struct worker *w = arg;
	struct sigevent sev = { .sigev_notify = SIGEV_THREAD_ID, .sigev_signo = SIGALRM };

	sev._sigev_un._tid = gettid();
	if (timer_create(CLOCK_MONOTONIC, &sev, &w->watchdog)) {
		perror("fuzz: timer_create");
		_exit(2);
	}

	for (;;) {
		if (max_ops && __atomic_fetch_add(&shared->ops_claimed, 1, __ATOMIC_RELAXED) >= max_ops)
			break;
		if ((w->nth & 63) == 0 && out_of_time())
			break;
		op_fns[pick_op(w)](w);
		w->nth++;
		__atomic_fetch_add(&shared->ops_done, 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

/*
 * A file on ext4 in /var/tmp (the guest's scratch disk) for O_DIRECT: -1,
 * and the DIRECT_IO operations do nothing, where there is none.
 */
static int direct_file(void)
{
	char path[] = "/var/tmp/kbufmap-fuzz-XXXXXX";
	struct statfs sfs;
	int fd = mkstemp(path), dfd = -1;

	if (fd < 0)
		return -1;
	if (!fstatfs(fd, &sfs) && sfs.f_type == 0xEF53 &&
	    !ftruncate(fd, (off_t)(2 * PIN_MAX_PAGES * PAGE)))
		dfd = open(path, O_RDWR | O_DIRECT | O_CLOEXEC);
	unlink(path);
	close(fd);
	return dfd;
}

/* The worker's files, arena and guard pages, before any thread starts. */
static void setup_worker(int proc)
{
	int i;

	st.proc = proc;
	st.sigbus_ok = proc % 3 == 2;
	for (i = 0; i < NR_FDS; i++)
		st.fds[i] = open(KBUFMAP_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	for (i = 0; i < 2; i++)
		if (pipe2(st.pipes[i], O_NONBLOCK | O_CLOEXEC)) {
			perror("fuzz: pipe2");
			_exit(2);
		}
	st.direct_fd = direct_file();
	st.guard = mmap(NULL, PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	st.rdonly = mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	/* PMD aligned, so the huge strategy can get PMD-sized pieces. */
	st.arena = (uintptr_t)mmap(NULL, ARENA_SIZE + HPAGE, PROT_NONE,
				   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (st.fds[0] < 0 || st.guard == MAP_FAILED || st.rdonly == MAP_FAILED ||
	    st.arena == (uintptr_t)MAP_FAILED) {
		perror("fuzz: worker setup");
		_exit(2);
	}
	st.arena = (st.arena + HPAGE - 1) & ~(HPAGE - 1);
}

/* One worker process: a main and a racing thread, then exit. */
static void run_worker(int proc, uint64_t seed)
{
	struct worker w[2];
	struct sigaction sa;
	pthread_t racer;
	int i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = touch_signal;
	sa.sa_flags = SA_NODEFER;
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
	setup_worker(proc);
	for (i = 0; i < 2; i++)
		w[i] = (struct worker){ .rng = seed ^ (0x100000001b3ULL * (2 * proc + i + 1)),
					.thread = i };
	/*
	 * The racer exists before the first operation, and no operation
	 * creates a thread or calls malloc(): a MAP_FIXED into the arena
	 * can then never land on the process's own memory (a new thread's
	 * stack placed in a hole the other thread just unmapped).
	 */
	if (pthread_create(&racer, NULL, run_thread, &w[1])) {
		fprintf(stderr, "fuzz: pthread_create failed\n");
		_exit(2);
	}
	run_thread(&w[0]);
	pthread_join(racer, NULL);
	_exit(0);
}

struct options {
	uint64_t seed;
	uint64_t ops;
	unsigned long seconds;
	unsigned long procs;
};

static int parse_u64(const char *name, const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s || *end || *s == '-' || v < min || v > max) {
		fprintf(stderr, "fuzz: --%s: '%s' is not a number in %llu..%llu\n", name, s,
			(unsigned long long)min, (unsigned long long)max);
		return -1;
	}
	*out = v;
	return 0;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: fuzz [--seed S] [--ops N] [--seconds T] [--procs P]\n"
		"  --seed S     replay the run that printed seed S (default: from the clock)\n"
		"  --ops N      stop after N operations over all workers (default 100000; 0: no bound)\n"
		"  --seconds T  stop after T seconds (default 300; 1..86400)\n"
		"  --procs P    worker processes, each with a racing thread (default 3; 1..64)\n");
}

static int parse_args(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "seed", required_argument, NULL, 's' },
		{ "ops", required_argument, NULL, 'n' },
		{ "seconds", required_argument, NULL, 't' },
		{ "procs", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	uint64_t v;
	int c;

	*o = (struct options){ .ops = 100000, .seconds = 300, .procs = 3,
			       .seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32) };
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 's': if (parse_u64("seed", optarg, 0, UINT64_MAX, &o->seed)) return -1; break;
		case 'n': if (parse_u64("ops", optarg, 0, UINT64_MAX, &o->ops)) return -1; break;
		case 't': if (parse_u64("seconds", optarg, 1, 86400, &v)) return -1; o->seconds = v; break;
		case 'p': if (parse_u64("procs", optarg, 1, MAX_PROCS, &v)) return -1; o->procs = v; break;
		case 'h': usage(stdout); exit(0);
		default: usage(stderr); return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "fuzz: unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		return -1;
	}
	return 0;
}

static const char *outcome_name(int i)
{
	if (i == 0)
		return "ok";
	if (i == ERR_SIGSEGV)
		return "SIGSEGV";
	if (i == ERR_SIGBUS)
		return "SIGBUS";
	return strerrorname_np(i) ? strerrorname_np(i) : "E?";
}

/* One line per kind of operation: how many, and how each ended. */
static void print_summary(double secs)
{
	int op, i;

	for (op = 0; op < OP_COUNT; op++) {
		char line[1024];
		size_t n = 0;
		uint64_t total = 0;

		for (i = 0; i < NR_OUTCOMES; i++) {
			uint64_t c = shared->outcomes[op][i];

			if (!c)
				continue;
			total += c;
			n += snprintf(line + n, sizeof(line) - n, " %s=%llu", outcome_name(i),
				      (unsigned long long)c);
			if (n >= sizeof(line))
				n = sizeof(line) - 1;
		}
		tap_diag("%-12s %8llu:%s", op_names[op], (unsigned long long)total, n ? line : " -");
	}
	tap_diag("%llu operations in %.1f s: %.0f per second",
		 (unsigned long long)shared->ops_done, secs, secs > 0 ? shared->ops_done / secs : 0);
}

/* In the guest the runner provides an ext4: the O_DIRECT operations ran. */
static void check_direct_ran(void)
{
	uint64_t ran = 0;

	for (int i = 0; i < NR_OUTCOMES; i++)
		ran += shared->outcomes[OP_DIRECT_IO][i];
	if (getenv("KBUFMAP_IN_GUEST"))
		tap_ok(ran > 0, "O_DIRECT operations ran on the ext4 at /var/tmp: %llu",
		       (unsigned long long)ran);
}

/* After every worker is gone, the module must hold no buffer. */
static void check_module_idle(void)
{
	struct kbufmap_stats s;
	int fd = open(KBUFMAP_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	int i;
	uint64_t bytes = 0;

	memset(&s, 0, sizeof(s));
	s.scope = KBUFMAP_SCOPE_MODULE;
	if (!tap_ok(fd >= 0 && ioctl(fd, KBUFMAP_IOC_GET_COUNTERS, &s) == 0,
		    "module counters readable after the run")) {
		tap_diag("%s", strerror(errno));
		if (fd >= 0)
			close(fd);
		return;
	}
	close(fd);
	for (i = 0; i < KBUFMAP_STATS_MAX_BACKENDS; i++)
		bytes += s.bytes_allocated[i];
	tap_is_u64(s.live_buffers, 0, "no buffer left once every worker exited");
	tap_is_u64(bytes, 0, "no byte left allocated once every worker exited");
}

/* A worker its watchdog killed: which pinning call hung. */
static void report_hung(unsigned long proc)
{
	for (int t = 0; t < 2; t++) {
		int op = shared->inflight[proc][t].op;

		if (op)
			tap_diag("worker %lu thread %d: a pinning call did not return within %d s: "
				 "op %llu %s", proc, t, PIN_SECS,
				 (unsigned long long)shared->inflight[proc][t].nth, op_names[op]);
	}
}

static int wait_workers(const pid_t *pids, unsigned long procs)
{
	unsigned long i;
	int crashed = 0;

	for (i = 0; i < procs; i++) {
		int status = 0;

		if (waitpid(pids[i], &status, 0) != pids[i] || !WIFEXITED(status) ||
		    WEXITSTATUS(status)) {
			crashed++;
			if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM)
				report_hung(i);
			else if (WIFSIGNALED(status))
				tap_diag("worker %lu died of signal %d (%s)", i, WTERMSIG(status),
					 strsignal(WTERMSIG(status)));
			else
				tap_diag("worker %lu exited with status %d", i, WEXITSTATUS(status));
		}
	}
	return crashed;
}

int main(int argc, char **argv)
{
	struct timespec start, end;
	struct options o;
	pid_t pids[64];
	unsigned long i;
	int crashed;
	double secs;

	if (parse_args(argc, argv, &o))
		return 2;
	pages_init();
	if (access(KBUFMAP_DEVICE_PATH, R_OK | W_OK)) {
		tap_skip("fuzz", "%s: %s (is the module loaded?)", KBUFMAP_DEVICE_PATH, strerror(errno));
		return tap_done();
	}
	tap_ok(1, "%s is open to read and write", KBUFMAP_DEVICE_PATH);
	shared = mmap(NULL, sizeof(*shared), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (shared == MAP_FAILED) {
		perror("fuzz: mmap");
		return 1;
	}
	max_ops = o.ops;
	tap_diag("seed %llu (replay: --seed %llu --ops %llu --procs %lu)",
		 (unsigned long long)o.seed, (unsigned long long)o.seed,
		 (unsigned long long)o.ops, o.procs);
	fflush(stdout);
	clock_gettime(CLOCK_MONOTONIC, &start);
	deadline = start;
	deadline.tv_sec += o.seconds;
	for (i = 0; i < o.procs; i++) {
		pids[i] = fork();
		if (pids[i] == 0)
			run_worker(i, o.seed);
		if (pids[i] < 0) {
			perror("fuzz: fork");
			return 1;
		}
	}
	crashed = wait_workers(pids, o.procs);
	clock_gettime(CLOCK_MONOTONIC, &end);
	secs = (end.tv_sec - start.tv_sec) + (end.tv_nsec - start.tv_nsec) / 1e9;
	print_summary(secs);
	tap_ok(!crashed, "all %lu workers exited cleanly (no crash, no unexpected signal)", o.procs);
	tap_is_u64(shared->failures, 0, "no unexpected errno or SIGBUS (seed %llu)",
		   (unsigned long long)o.seed);
	if (o.ops)
		tap_ok(shared->ops_done >= o.ops, "ran %llu of %llu operations within %lu s",
		       (unsigned long long)shared->ops_done, (unsigned long long)o.ops, o.seconds);
	check_direct_ran();
	check_module_idle();
	return tap_done();
}
