// SPDX-License-Identifier: GPL-2.0
/*
 * The race battery: each race runs a few seconds in the guest, checks the
 * data wherever there is data, and leaves the kernel log to the runner's
 * splat scan and the module's counters to no_leaks.sh.
 *  - CONFIGURE against mmap (0 or EBUSY; every mapping holds what was written);
 *  - faults against munmap, MAP_FIXED remaps and close;
 *  - fork storms during faults (children see the parent's data);
 *  - vmsplice pins outliving the mapping, the file and the buffer;
 *  - O_DIRECT reads and writes (on the guest's ext4) racing munmap;
 *  - huge mappings split by mprotect/munmap while threads read them;
 *  - module unload refused while files and mappings live.
 * TAP output (tests/lib/tap.h). Usage: races [SECONDS-PER-RACE]
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
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

#define PAGE	page_size	/* read at run time: 4, 16 or 64 KiB */
#define HPAGE	pmd_size	/* 2 MiB with 4 KiB pages, 32 MiB with 16 KiB */

static int race_secs = 2;
static volatile int stop;
static uint64_t bad_events;	/* wrong errno, wrong data or SIGBUS, any thread */

static __thread sigjmp_buf jb;
static __thread volatile sig_atomic_t guarded;

static void on_fault(int sig)
{
	if (!guarded) {
		signal(sig, SIG_DFL);
		return;
	}
	siglongjmp(jb, sig);
}

/* Count a wrong answer; the first few are described. */
static void bad(const char *race, const char *what, long v)
{
	if (__atomic_fetch_add(&bad_events, 1, __ATOMIC_RELAXED) < 10)
		tap_diag("%s: %s %ld", race, what, v);
}

static int dev_open(void)
{
	return open(KBUFMAP_DEVICE_PATH, O_RDWR | O_CLOEXEC);
}

static int configure(int fd, uint64_t pages, uint32_t backend, uint32_t strategy)
{
	struct kbufmap_config c = { .nr_pages = pages, .backend = backend,
				    .strategy = strategy, .node = KBUFMAP_NODE_ANY };

	return ioctl(fd, KBUFMAP_IOC_CONFIGURE, &c) ? -errno : 0;
}

/* Run @fn in @n threads for race_secs (the threads poll stop). */
static void run_threads(void *(*fn)(void *), void *arg, int n)
{
	pthread_t t[8];
	int i;

	stop = 0;
	for (i = 0; i < n; i++)
		pthread_create(&t[i], NULL, fn, arg);
	sleep(race_secs);
	stop = 1;
	for (i = 0; i < n; i++)
		pthread_join(t[i], NULL);
}

/* A guarded read of one word: 0 and the value, or the signal number. */
static int guarded_read(volatile uint64_t *p, uint64_t *v)
{
	int sig = sigsetjmp(jb, 1);

	if (!sig) {
		guarded = 1;
		*v = *p;
	}
	guarded = 0;
	return sig;
}

/* ---- 1. CONFIGURE against mmap ------------------------------------------ */

static void *configure_loop(void *arg)
{
	int fd = *(int *)arg, i, err;

	for (i = 0; !stop; i++) {
		err = configure(fd, i & 1 ? 8 : 4, KBUFMAP_BACKEND_PAGES,
				i & 2 ? KBUFMAP_STRATEGY_INSERT : KBUFMAP_STRATEGY_FAULT);
		if (err && err != -EBUSY)
			bad("configure racing mmap", "configure errno", -err);
	}
	return NULL;
}

static void race_configure_mmap(void)
{
	int fd = dev_open(), maps = 0;
	uint64_t before = bad_events;
	pthread_t t;
	time_t end = time(NULL) + race_secs;

	configure(fd, 4, KBUFMAP_BACKEND_PAGES, KBUFMAP_STRATEGY_FAULT);
	stop = 0;
	pthread_create(&t, NULL, configure_loop, &fd);
	while (time(NULL) < end) {
		uint64_t *p = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		size_t i;

		if (p == MAP_FAILED) {
			bad("configure racing mmap", "mmap errno", errno);
			continue;
		}
		for (i = 0; i < 4; i++)
			p[i * PAGE / 8] = 0x1000 + maps + i;
		for (i = 0; i < 4; i++)
			if (p[i * PAGE / 8] != 0x1000 + maps + i)
				bad("configure racing mmap", "data lost at page", i);
		munmap(p, 4 * PAGE);
		maps++;
	}
	stop = 1;
	pthread_join(t, NULL);
	close(fd);
	tap_ok(maps > 0 && bad_events == before,
	       "configure racing mmap: %d mappings, configure gave only 0 or EBUSY, each mapping kept its data",
	       maps);
}

/* ---- 2. faults against munmap, MAP_FIXED and close ---------------------- */

struct shared_map {
	uintptr_t addr;
	size_t len;
};

/* Read every page: its first word is its index + 1, or the page is gone. */
static void *reader(void *arg)
{
	struct shared_map *m = arg;
	uint64_t i = 0, v;

	while (!stop) {
		size_t page = i++ % (m->len / PAGE);
		int sig = guarded_read((volatile uint64_t *)(m->addr + page * PAGE), &v);

		if (sig == SIGBUS)
			bad("reader", "SIGBUS at page", page);
		else if (!sig && v && v != page + 1)
			bad("reader", "wrong data at page", page);
	}
	return NULL;
}

/* A shared read-write mapping of the whole buffer, or 0 (errno set). */
static uintptr_t map_shared(int fd, size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

	return p == MAP_FAILED ? 0 : (uintptr_t)p;
}

static void fill(uintptr_t addr, size_t len)
{
	size_t i;

	for (i = 0; i < len / PAGE; i++)
		*(uint64_t *)(addr + i * PAGE) = i + 1;
}

/*
 * Unmap the device's mapping by mapping PROT_NONE anonymous memory over it
 * (the same unmap path in the kernel), then map the device there again. A
 * plain munmap() would leave a hole in which another thread's mmap (a new
 * thread's stack) could land, only to be overwritten by our MAP_FIXED.
 */
static void *remapper(void *arg)
{
	struct shared_map *m = arg;
	int fd = dev_open();

	configure(fd, m->len / PAGE, KBUFMAP_BACKEND_VMALLOC, KBUFMAP_STRATEGY_FAULT_AROUND);
	while (!stop) {
		void *p;

		if (mmap((void *)m->addr, m->len, PROT_NONE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED) {
			bad("remapper", "unmapping mmap errno", errno);
			break;
		}
		p = mmap((void *)m->addr, m->len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd, 0);
		if (p == MAP_FAILED) {
			bad("remapper", "mmap errno", errno);
			break;
		}
		fill(m->addr, m->len);
		madvise(p, m->len, MADV_DONTNEED);	/* fault-around again */
		close(fd);			/* the mapping keeps the buffer */
		fd = dev_open();
		configure(fd, m->len / PAGE, KBUFMAP_BACKEND_VMALLOC, KBUFMAP_STRATEGY_FAULT_AROUND);
	}
	close(fd);
	return NULL;
}

static void race_fault_unmap(void)
{
	struct shared_map m = { .len = 64 * PAGE };
	uint64_t before = bad_events;
	pthread_t t;

	m.addr = (uintptr_t)mmap(NULL, m.len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	stop = 0;
	pthread_create(&t, NULL, remapper, &m);
	run_threads(reader, &m, 2);
	pthread_join(t, NULL);
	munmap((void *)m.addr, m.len);
	tap_ok(bad_events == before, "faults racing munmap, MAP_FIXED, MADV_DONTNEED and close: no SIGBUS, no wrong data");
}

/* ---- 3. fork storm during faults ---------------------------------------- */

static void race_fork_storm(void)
{
	struct shared_map m = { .len = 32 * PAGE };
	uint64_t before = bad_events;
	int fd = dev_open(), forks = 0, failed = 0;
	time_t end = time(NULL) + race_secs;
	pthread_t t[2];

	configure(fd, 32, KBUFMAP_BACKEND_PAGES, KBUFMAP_STRATEGY_FAULT);
	m.addr = map_shared(fd, m.len);
	if (!m.addr) {
		tap_ok(0, "fork storm: set-up: mmap: %s", strerror(errno));
		close(fd);
		return;
	}
	fill(m.addr, m.len);
	stop = 0;
	pthread_create(&t[0], NULL, reader, &m);
	pthread_create(&t[1], NULL, reader, &m);
	while (time(NULL) < end) {
		pid_t pid;
		int st;

		madvise((void *)m.addr, m.len, MADV_DONTNEED);	/* so children fault */
		pid = fork();
		if (pid == 0) {
			size_t i;

			for (i = 0; i < m.len / PAGE; i++)
				if (*(uint64_t *)(m.addr + i * PAGE) != i + 1)
					_exit(1);
			_exit(0);
		}
		if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st))
			failed++;
		forks++;
	}
	stop = 1;
	pthread_join(t[0], NULL);
	pthread_join(t[1], NULL);
	munmap((void *)m.addr, m.len);
	close(fd);
	tap_ok(!failed && bad_events == before,
	       "fork storm during faults: %d children, %d saw wrong data or died", forks, failed);
}

/* ---- 4. GUP pins outliving the mapping ---------------------------------- */

/*
 * O_DIRECT pins the pages only for the call, so the race is the unmap
 * during the I/O: two threads read the file into the mapping and write it
 * back from it while the main thread unmaps and maps the buffer again. The
 * file and the buffer hold the same data, so whatever lands where, page i
 * must still start with i + 1 in both; a call may fail with EFAULT (the
 * range was unmapped) or be short, nothing else.
 */
struct dio_race {
	uintptr_t addr;
	size_t len;
	int dfd;
	uint64_t calls, faults;
};

static void *dio_loop(void *arg)
{
	struct dio_race *r = arg;
	uint64_t i;

	for (i = 0; !stop; i++) {
		ssize_t n = i & 1 ? pread(r->dfd, (void *)r->addr, r->len, 0) :
				    pwrite(r->dfd, (void *)r->addr, r->len, 0);

		if (n < 0 && errno != EFAULT)
			bad("O_DIRECT racing munmap", "errno", errno);
		else if (n >= 0 && n % PAGE)
			bad("O_DIRECT racing munmap", "not whole pages: bytes", n);
		__atomic_fetch_add(&r->calls, 1, __ATOMIC_RELAXED);
		if (n < 0)
			__atomic_fetch_add(&r->faults, 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

/* A file on ext4 in /var/tmp (the guest's scratch disk), opened O_DIRECT. */
static int direct_file(size_t len, const char **why)
{
	char path[] = "/var/tmp/kbufmap-races-XXXXXX";
	struct statfs sfs;
	int fd = mkstemp(path), dfd = -1;

	*why = "no ext4 at /var/tmp (the guest runner mounts one there)";
	if (fd < 0)
		return -1;
	if (!fstatfs(fd, &sfs) && sfs.f_type == 0xEF53 && !ftruncate(fd, (off_t)len)) {
		dfd = open(path, O_RDWR | O_DIRECT | O_CLOEXEC);
		*why = "O_DIRECT refused on the ext4";
	}
	unlink(path);
	close(fd);
	return dfd;
}

static int pages_start_right(const uint64_t *words, size_t len)
{
	size_t i;

	for (i = 0; i < len / PAGE; i++)
		if (words[i * PAGE / 8] != i + 1)
			return 0;
	return 1;
}

static void race_direct_io(void)
{
	struct dio_race r = { .len = 16 * PAGE };
	uint64_t before = bad_events;
	int fd = dev_open(), remaps = 0, errs = 0, file_ok = 0;
	const char *why;
	void *check = NULL;
	pthread_t t[2];
	time_t end;

	r.dfd = direct_file(r.len, &why);
	if (r.dfd < 0) {
		if (getenv("KBUFMAP_IN_GUEST"))
			tap_ok(0, "O_DIRECT racing munmap: %s", why);
		else
			tap_skip("O_DIRECT racing munmap", "%s", why);
		close(fd);
		return;
	}
	configure(fd, r.len / PAGE, KBUFMAP_BACKEND_VMALLOC, KBUFMAP_STRATEGY_FAULT);
	r.addr = map_shared(fd, r.len);
	if (!r.addr || posix_memalign(&check, PAGE, r.len)) {
		tap_ok(0, "O_DIRECT racing munmap: set-up: %s", strerror(errno));
		goto out;
	}
	fill(r.addr, r.len);
	errs += pwrite(r.dfd, (void *)r.addr, r.len, 0) != (ssize_t)r.len;
	stop = 0;
	pthread_create(&t[0], NULL, dio_loop, &r);
	pthread_create(&t[1], NULL, dio_loop, &r);
	for (end = time(NULL) + race_secs; time(NULL) < end; remaps++) {
		/* Unmap by mapping over (no hole another mmap could take). */
		errs += mmap((void *)r.addr, r.len, PROT_NONE,
			     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED;
		errs += mmap((void *)r.addr, r.len, PROT_READ | PROT_WRITE,
			     MAP_SHARED | MAP_FIXED, fd, 0) == MAP_FAILED;
		usleep(1000);
	}
	stop = 1;
	pthread_join(t[0], NULL);
	pthread_join(t[1], NULL);
	file_ok = pread(r.dfd, check, r.len, 0) == (ssize_t)r.len && pages_start_right(check, r.len);
	tap_diag("O_DIRECT racing munmap: %llu calls, %llu EFAULT, %d remaps",
		 (unsigned long long)r.calls, (unsigned long long)r.faults, remaps);
	tap_ok(!errs && bad_events == before && r.calls > r.faults && file_ok &&
	       pages_start_right((const uint64_t *)r.addr, r.len),
	       "O_DIRECT reads and writes of vmalloc/fault racing munmap: %d failed calls, "
	       "file %s, buffer %s", errs, file_ok ? "intact" : "WRONG",
	       pages_start_right((const uint64_t *)r.addr, r.len) ? "intact" : "WRONG");
out:
	free(check);
	if (r.addr)
		munmap((void *)r.addr, r.len);
	close(r.dfd);
	close(fd);
}

/*
 * vmsplice() pins the mapping's pages in a pipe; then munmap, close, and a
 * new buffer on a new file (which may reuse the memory). The pipe must still
 * give the old data. Strategies without struct pages (pfn) refuse the pin.
 */
static void pin_outlives(uint32_t backend, uint32_t strategy, const char *name)
{
	const size_t len = 8 * PAGE;
	int fd = dev_open(), fd2, pipefd[2], ok = 1;
	struct iovec iov = { .iov_len = len };
	static char got[8 * MAX_PAGE_SIZE];
	ssize_t n, total = 0;
	size_t i;

	if (configure(fd, 8, backend, strategy) || pipe(pipefd) ||
	    fcntl(pipefd[1], F_SETPIPE_SZ, (int)(2 * len)) < 0) {
		tap_ok(0, "vmsplice pin (%s): set-up: %s", name, strerror(errno));
		return;
	}
	iov.iov_base = (void *)map_shared(fd, len);
	if (!iov.iov_base) {
		tap_ok(0, "vmsplice pin (%s): set-up: mmap: %s", name, strerror(errno));
		goto out;
	}
	fill((uintptr_t)iov.iov_base, len);
	n = vmsplice(pipefd[1], &iov, 1, 0);
	if (strategy == KBUFMAP_STRATEGY_PFN) {
		tap_ok(n < 0 && errno == EFAULT, "vmsplice of a pfn mapping (%s) refused with EFAULT", name);
		goto out;
	}
	munmap(iov.iov_base, len);
	close(fd);
	fd = -1;
	fd2 = dev_open();	/* new memory, maybe the old pages */
	configure(fd2, 8, backend, strategy);
	close(fd2);
	while (n > 0 && total < n && (i = read(pipefd[0], got + total, n - total)) > 0)
		total += i;
	for (i = 0; i < len / PAGE && ok; i++)
		ok = *(uint64_t *)(got + i * PAGE) == i + 1;
	tap_ok(n == (ssize_t)len && total == n && ok,
	       "vmsplice pin (%s) outlives munmap, close and a new buffer: %zd of %zu bytes, data %s",
	       name, total, len, ok ? "intact" : "WRONG");
out:
	if (fd >= 0) {
		if (iov.iov_base)
			munmap(iov.iov_base, len);
		close(fd);
	}
	close(pipefd[0]);
	close(pipefd[1]);
}

static void race_gup_pins(void)
{
	pin_outlives(KBUFMAP_BACKEND_VMALLOC, KBUFMAP_STRATEGY_FAULT, "vmalloc/fault");
	pin_outlives(KBUFMAP_BACKEND_PAGES, KBUFMAP_STRATEGY_INSERT, "pages/insert");
	pin_outlives(KBUFMAP_BACKEND_PAGES, KBUFMAP_STRATEGY_MAP_PAGES, "pages/map-pages");
	pin_outlives(KBUFMAP_BACKEND_CONTIG, KBUFMAP_STRATEGY_PFN, "contig/pfn");
	race_direct_io();
}

/* ---- 5. huge-page splits under concurrent reads -------------------------- */

static void race_huge_split(void)
{
	struct shared_map m = { .len = 2 * HPAGE };
	uint64_t before = bad_events;
	int fd = dev_open(), i, errs = 0;
	pthread_t t[2];
	time_t end;

	if (configure(fd, m.len / PAGE, KBUFMAP_BACKEND_CONTIG, KBUFMAP_STRATEGY_HUGE)) {
		tap_skip("huge split race", "no %zu MiB contig buffer: %s", m.len >> 20,
			 strerror(errno));
		close(fd);
		return;
	}
	m.addr = map_shared(fd, m.len);
	if (!m.addr) {
		tap_ok(0, "huge split race: set-up: mmap: %s", strerror(errno));
		close(fd);
		return;
	}
	fill(m.addr, m.len);
	stop = 0;
	for (i = 0; i < 2; i++)
		pthread_create(&t[i], NULL, reader, &m);
	for (end = time(NULL) + race_secs; time(NULL) < end;) {
		uintptr_t half = m.addr + HPAGE / 2;	/* half a PMD */

		errs += !!mprotect((void *)half, HPAGE / 2, PROT_READ);
		errs += !!mprotect((void *)half, HPAGE / 2, PROT_READ | PROT_WRITE);
		errs += !!munmap((void *)half, PAGE);
		errs += mmap((void *)half, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd,
			     HPAGE / 2) == MAP_FAILED;
		/* A fresh mapping of the same buffer: huge faults again. */
		errs += mmap((void *)m.addr, m.len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED,
			     fd, 0) == MAP_FAILED;
	}
	stop = 1;
	for (i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	struct kbufmap_stats s = { .scope = KBUFMAP_SCOPE_BUFFER };
	if (!ioctl(fd, KBUFMAP_IOC_GET_COUNTERS, &s))	/* 6.1 never maps PMDs here */
		tap_diag("huge split race: %llu huge faults, %llu page faults",
			 (unsigned long long)s.counters.huge_faults,
			 (unsigned long long)s.counters.faults);
	munmap((void *)m.addr, m.len);
	close(fd);
	tap_ok(!errs && bad_events == before,
	       "huge mapping split by mprotect/munmap of half a PMD under reads: %d failed calls, data intact",
	       errs);
}

/* ---- 6. module unload while files and mappings live --------------------- */

static int try_unload(void)
{
	return syscall(SYS_delete_module, "kbufmap", O_NONBLOCK) ? errno : 0;
}

static void unload_refused(const char *while_what)
{
	int err = try_unload();

	tap_ok(err == EBUSY || err == EAGAIN, "unloading kbufmap while %s: refused (%s)",
	       while_what, err ? strerror(err) : "it UNLOADED");
}

static void race_unload(void)
{
	int fd = dev_open();
	void *p;

	configure(fd, 4, KBUFMAP_BACKEND_VMALLOC, KBUFMAP_STRATEGY_FAULT);
	unload_refused("a file is open");
	p = (void *)map_shared(fd, 4 * PAGE);
	if (!p) {
		tap_ok(0, "unload race: set-up: mmap: %s", strerror(errno));
		close(fd);
		return;
	}
	fill((uintptr_t)p, 4 * PAGE);
	unload_refused("a file is open and mapped");
	close(fd);
	unload_refused("only a mapping is left");
	tap_ok(*(uint64_t *)((char *)p + 3 * PAGE) == 4,
	       "the mapping still reads its data after the refused unloads");
	munmap(p, 4 * PAGE);
}

int main(int argc, char **argv)
{
	struct sigaction sa;

	if (argc > 1) {
		char *end;
		long v = strtol(argv[1], &end, 10);

		if (*end || v < 1 || v > 600) {
			fprintf(stderr, "races: SECONDS-PER-RACE '%s' is not in 1..600\n", argv[1]);
			return 2;
		}
		race_secs = v;
	}
	if (access(KBUFMAP_DEVICE_PATH, R_OK | W_OK)) {
		tap_skip("race battery", "%s: %s (is the module loaded?)", KBUFMAP_DEVICE_PATH,
			 strerror(errno));
		return tap_done();
	}
	pages_init();
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_fault;
	sa.sa_flags = SA_NODEFER;
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
	race_configure_mmap();
	race_fault_unmap();
	race_fork_storm();
	race_gup_pins();
	race_huge_split();
	race_unload();
	return tap_done();
}
