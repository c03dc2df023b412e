// SPDX-License-Identifier: GPL-2.0
/*
 * ft_faults: faults that `kbufmapctl map` cannot make, for
 * tests/guest/fault_trace.sh to trace.
 *
 *   ft_faults pmd-read-write DEVICE OUT.json
 *	A `huge` buffer of one PMD (contig, 512 pages of 4 KiB), mapped shared: read
 *	one byte, then write it, with soft-dirty tracking on (as CRIU turns
 *	it on: "4" to /proc/self/clear_refs). A shared writable PFN map is
 *	otherwise mapped writable at the first read; tracked, its PMD is
 *	mapped read-only, and where the kernel maps the PMD the write comes
 *	back to .huge_fault (wp_huge_pmd()) as an upgrade that maps nothing
 *	new. OUT.json: the pid, the module's huge_faults after the read, and
 *	the buffer's counters at the end (the keys of `kbufmapctl -j map`'s
 *	"counters").
 *
 *   ft_faults abandon-retry
 *	A fault that returns VM_FAULT_RETRY and is never retried, then another
 *	fault of the same thread at another address. Page 0 of a 2-page memfd
 *	is registered with userfaultfd, which nobody serves: the read of it
 *	blocks until SIGALRM, 300 ms on, makes the kernel give the fault up
 *	(VM_FAULT_RETRY, signal pending); the handler jumps away and page 1 is
 *	read, a fault of microseconds. Prints "pid PID fd FD" on stderr once
 *	set up (fault-trace --mapping /proc/PID/fd/FD), faults on SIGUSR1.
 *
 * Exit status: 0 done, 1 a step failed, 2 usage, 4 cannot run here (no
 * userfaultfd on shmem).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <unistd.h>

#include "uapi/kbufmap.h"
#include "kbufmap_names.h"
#include "../lib/pages.h"

#define ABANDON_MS	300

static int fail(const char *what)
{
	fprintf(stderr, "ft_faults: %s: %s\n", what, strerror(errno));
	return 1;
}

static int buffer_counters(int fd, struct kbufmap_counters *c)
{
	struct kbufmap_stats st = { .scope = KBUFMAP_SCOPE_BUFFER };

	if (ioctl(fd, KBUFMAP_IOC_GET_COUNTERS, &st))
		return -1;
	*c = st.counters;
	return 0;
}

static void print_counters(FILE *f, const struct kbufmap_counters *c)
{
	const char *sep = "";

#define PRINT_COUNTER(id, field, key)					\
	fprintf(f, "%s\"%s\": %llu", sep, key, (unsigned long long)c->field); \
	sep = ", ";
	KBUFMAP_COUNTERS(PRINT_COUNTER)
#undef PRINT_COUNTER
}

/* Soft-dirty tracking: the VMAs lose VM_SOFTDIRTY and write-protect. */
static int clear_soft_dirty(void)
{
	int fd = open("/proc/self/clear_refs", O_WRONLY | O_CLOEXEC);
	int ok = fd >= 0 && write(fd, "4", 1) == 1;

	if (fd >= 0)
		close(fd);
	return ok ? 0 : -1;
}

static int pmd_read_write(const char *device, const char *out)
{
	struct kbufmap_config cfg = {
		.backend = KBUFMAP_BACKEND_CONTIG, .strategy = KBUFMAP_STRATEGY_HUGE,
		.nr_pages = pmd_pages, .node = KBUFMAP_NODE_ANY,
	};
	size_t len = pmd_size;
	struct kbufmap_counters after_read, end;
	volatile uint8_t *p;
	FILE *f;
	int fd;

	fd = open(device, O_RDWR | O_CLOEXEC);
	if (fd < 0 || ioctl(fd, KBUFMAP_IOC_CONFIGURE, &cfg))
		return fail("open/CONFIGURE");
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		return fail("mmap");
	madvise((void *)p, len, MADV_HUGEPAGE);	/* 6.12's THP policy may ask */
	if (clear_soft_dirty())
		return fail("/proc/self/clear_refs");
	(void)p[0];
	if (buffer_counters(fd, &after_read))
		return fail("GET_COUNTERS");
	p[0] = 1;
	munmap((void *)p, len);
	if (buffer_counters(fd, &end))
		return fail("GET_COUNTERS");
	f = fopen(out, "w");
	if (!f)
		return fail(out);
	fprintf(f, "{\"pid\": %d, \"huge_faults_after_read\": %llu, \"counters\": {",
		(int)getpid(), (unsigned long long)after_read.huge_faults);
	print_counters(f, &end);
	fprintf(f, "}}\n");
	return fclose(f) ? fail(out) : 0;
}

static sigjmp_buf abandoned;

static void on_alarm(int sig)
{
	(void)sig;
	siglongjmp(abandoned, 1);
}

/* Page 0 of a 2-page memfd under userfaultfd, served by nobody. */
static volatile uint8_t *uffd_memfd(int *memfd)
{
	size_t ps = (size_t)sysconf(_SC_PAGESIZE);
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg = { .mode = UFFDIO_REGISTER_MODE_MISSING };
	void *p;
	int uffd;

	*memfd = memfd_create("ft_faults", MFD_CLOEXEC);
	if (*memfd < 0 || ftruncate(*memfd, 2 * (off_t)ps))
		return NULL;
	p = mmap(NULL, 2 * ps, PROT_READ | PROT_WRITE, MAP_SHARED, *memfd, 0);
	if (p == MAP_FAILED)
		return NULL;
	uffd = (int)syscall(SYS_userfaultfd, O_CLOEXEC);
	if (uffd < 0 || ioctl(uffd, UFFDIO_API, &api))
		return NULL;
	reg.range.start = (unsigned long)p;
	reg.range.len = ps;
	if (ioctl(uffd, UFFDIO_REGISTER, &reg))
		return NULL;
	return p;
}

static int abandon_retry(void)
{
	struct itimerval it = { .it_value = { .tv_usec = ABANDON_MS * 1000 } };
	struct sigaction sa = { .sa_handler = on_alarm };
	size_t ps = (size_t)sysconf(_SC_PAGESIZE);
	volatile uint8_t *p;
	sigset_t usr1;
	int memfd, sig;

	p = uffd_memfd(&memfd);
	if (!p) {
		fprintf(stderr, "ft_faults: no userfaultfd on a memfd here: %s\n",
			strerror(errno));
		return 4;
	}
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigprocmask(SIG_BLOCK, &usr1, NULL);
	fprintf(stderr, "pid %d fd %d\n", (int)getpid(), memfd);
	if (sigwait(&usr1, &sig))
		return fail("sigwait");
	if (sigaction(SIGALRM, &sa, NULL) || setitimer(ITIMER_REAL, &it, NULL))
		return fail("SIGALRM");
	if (!sigsetjmp(abandoned, 1))
		(void)p[0];	/* blocks until SIGALRM abandons the fault */
	(void)p[ps];
	return 0;
}

int main(int argc, char **argv)
{
	pages_init();
	if (argc == 4 && strcmp(argv[1], "pmd-read-write") == 0)
		return pmd_read_write(argv[2], argv[3]);
	if (argc == 2 && strcmp(argv[1], "abandon-retry") == 0)
		return abandon_retry();
	fprintf(stderr, "usage: %s pmd-read-write DEVICE OUT.json | abandon-retry\n", argv[0]);
	return 2;
}
