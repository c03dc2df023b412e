// SPDX-License-Identifier: GPL-2.0
/*
 * The pinning battery: can the kernel take page references (GUP) on each
 * valid backend x strategy x mapping kind? At the first, a middle and the
 * last page (and, for huge, a page inside the PMD), six GUP users try:
 *  - vmsplice() into a pipe, then the pipe is read and compared;
 *  - a shared futex (FUTEX_WAKE on the address): a driver's page has no
 *    futex key (EFAULT) unless a private writable mapping copied it;
 *  - process_vm_readv() of the page from a child;
 *  - an O_DIRECT write from the mapping and, where it is writable, an
 *    O_DIRECT read into it, both against a file on the guest's ext4;
 *  - io_uring registered buffers (IORING_REGISTER_BUFFERS, then a
 *    WRITE_FIXED from the buffer to the file).
 * Page-backed strategies must pin and move the right data; raw-PFN ones
 * (VM_PFNMAP) must refuse with EFAULT. Each user runs in a child under a
 * timeout, so a call that never returns fails its case as "hung". Page 0's
 * answers must also match what `kbufmapctl -j map` reports for the same
 * mapping (its "pin" section). TAP output (tests/lib/tap.h).
 *
 * Usage: pinning KBUFMAPCTL [DIRECT-DIR]   (DIRECT-DIR default /var/tmp)
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <linux/io_uring.h>
#include <poll.h>
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
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kbufmap_matrix.h"
#include "../lib/tap.h"
#include "../lib/pages.h"

#define PAGE		page_size	/* read at run time: 4, 16 or 64 KiB */
#define PAGES		16		/* every buffer but huge's */
#define HUGE_PAGES	pmd_pages	/* one PMD: 2 MiB with 4 KiB pages */
#define CASE_SECS	5		/* one GUP user over every page */
#define EXT4_MAGIC	0xEF53
#define MAX_TESTED	4

enum method {
	M_VMSPLICE, M_FUTEX, M_PVR, M_DIO_WRITE, M_DIO_READ, M_URING, M_COUNT
};
static const char *const method_names[M_COUNT] = {
	"vmsplice", "shared futex", "process_vm_readv", "O_DIRECT write from it",
	"O_DIRECT read into it", "io_uring registered buffer",
};

static const char *const backend_names[] = { KBUFMAP_BACKENDS(KBUFMAP_X_BACKEND_NAME) };
static const char *const strategy_names[] = { KBUFMAP_STRATEGIES(KBUFMAP_X_STRATEGY_NAME) };
static const char *const kind_names[] = { KBUFMAP_MAP_KINDS(KBUFMAP_X_MAP_KIND_NAME) };

struct mapping {
	uint32_t backend, strategy, kind;
	uint8_t *addr;
	size_t pages;
	size_t tested[MAX_TESTED];	/* page indexes the users try */
	int ntested;
	int raw;			/* VM_PFNMAP: no struct page */
	int sigbus;			/* the broken strategy: a touch SIGBUSes */
	int writable;
	char name[64];
};

/* One page's answer, sent by the child: 0 or an errno, and the data check. */
struct answer {
	int32_t page;
	int32_t err;
	int32_t data_ok;
};

static const char *ctl;
static int dio_fd = -1;			/* O_DIRECT scratch file on ext4 */
static const char *dio_skip;		/* why O_DIRECT cannot run */
static const char *uring_skip;		/* why io_uring cannot run */
static int uring_refuses_files;		/* < 6.5: file-backed memory refused */
static int kernel_maps_pmds;

/* ---- data ---------------------------------------------------------------- */

static uint64_t word(size_t page, size_t i, int alt)
{
	/* i < PAGE / 8: 9 bits with 4 KiB pages, 13 with 64 KiB */
	uint64_t v = 0x6b62756600000000ULL | (uint64_t)page << 16 | i;

	return alt ? ~v : v;
}

static void fill_page(void *p, size_t page, int alt)
{
	for (size_t i = 0; i < PAGE / 8; i++)
		((uint64_t *)p)[i] = word(page, i, alt);
}

static int page_is(const void *p, size_t page, int alt)
{
	for (size_t i = 0; i < PAGE / 8; i++)
		if (((const uint64_t *)p)[i] != word(page, i, alt))
			return 0;
	return 1;
}

/* ---- the GUP users (run in a child) ------------------------------------- */

static int try_vmsplice(uint8_t *p, size_t page, int *data_ok)
{
	static uint64_t buf[MAX_PAGE_SIZE / 8];
	struct iovec iov = { p, PAGE };
	int fds[2], err = 0;

	if (pipe2(fds, O_NONBLOCK))
		return errno;
	if (vmsplice(fds[1], &iov, 1, SPLICE_F_NONBLOCK) != (ssize_t)PAGE)
		err = errno ? errno : EIO;
	else
		*data_ok = read(fds[0], buf, PAGE) == (ssize_t)PAGE && page_is(buf, page, 0);
	close(fds[0]);
	close(fds[1]);
	return err;
}

static int try_futex(uint8_t *p, size_t page, int *data_ok)
{
	/* No FUTEX_PRIVATE_FLAG: the key comes from the page (GUP). */
	if (syscall(SYS_futex, p, FUTEX_WAKE, 1, NULL, NULL, 0) < 0)
		return errno;
	*data_ok = page_is(p, page, 0);
	return 0;
}

static int try_pvr(uint8_t *p, size_t page, int *data_ok)
{
	static uint64_t buf[MAX_PAGE_SIZE / 8];
	struct iovec local = { buf, PAGE }, remote = { p, PAGE };

	/* The parent's mapping, through pin_user_pages_remote(). */
	if (process_vm_readv(getppid(), &local, 1, &remote, 1, 0) != (ssize_t)PAGE)
		return errno ? errno : EIO;
	*data_ok = page_is(buf, page, 0);
	return 0;
}

static uint8_t *aligned_page(void)
{
	static uint8_t *buf;

	if (!buf && posix_memalign((void **)&buf, PAGE, PAGE))
		buf = NULL;
	return buf;
}

static int file_page_is(size_t page, int alt)
{
	uint8_t *buf = aligned_page();

	return buf && pread(dio_fd, buf, PAGE, 0) == (ssize_t)PAGE && page_is(buf, page, alt);
}

static int try_dio_write(uint8_t *p, size_t page, int *data_ok)
{
	uint8_t *buf = aligned_page();

	if (!buf)
		return ENOMEM;
	memset(buf, 0, PAGE);
	if (pwrite(dio_fd, buf, PAGE, 0) != (ssize_t)PAGE)
		return errno ? errno : EIO;
	if (pwrite(dio_fd, p, PAGE, 0) != (ssize_t)PAGE)
		return errno ? errno : EIO;
	*data_ok = file_page_is(page, 0);
	return 0;
}

static int try_dio_read(uint8_t *p, size_t page, int *data_ok)
{
	uint8_t *buf = aligned_page();

	if (!buf)
		return ENOMEM;
	fill_page(buf, page, 1);
	if (pwrite(dio_fd, buf, PAGE, 0) != (ssize_t)PAGE)
		return errno ? errno : EIO;
	if (pread(dio_fd, p, PAGE, 0) != (ssize_t)PAGE)
		return errno ? errno : EIO;
	*data_ok = page_is(p, page, 1);
	fill_page(p, page, 0);	/* the next user sees the buffer as before */
	return 0;
}

/* io_uring without liburing: a one-entry ring, raw syscalls. */
struct ring {
	int fd;
	struct io_uring_params p;
	uint8_t *sq, *cq;
	struct io_uring_sqe *sqes;
};

static int ring_setup(struct ring *r)
{
	memset(r, 0, sizeof(*r));
	r->fd = syscall(SYS_io_uring_setup, 1, &r->p);
	if (r->fd < 0)
		return errno;
	r->sq = mmap(NULL, r->p.sq_off.array + r->p.sq_entries * sizeof(uint32_t),
		     PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, r->fd, IORING_OFF_SQ_RING);
	r->cq = mmap(NULL, r->p.cq_off.cqes + r->p.cq_entries * sizeof(struct io_uring_cqe),
		     PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, r->fd, IORING_OFF_CQ_RING);
	r->sqes = mmap(NULL, r->p.sq_entries * sizeof(struct io_uring_sqe),
		       PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, r->fd, IORING_OFF_SQES);
	if (r->sq == MAP_FAILED || r->cq == MAP_FAILED || r->sqes == MAP_FAILED)
		return errno;
	return 0;
}

/* WRITE_FIXED of registered buffer 0 to the scratch file: its result. */
static int ring_write_fixed(struct ring *r, void *addr)
{
	uint32_t *tail = (uint32_t *)(r->sq + r->p.sq_off.tail);
	uint32_t *array = (uint32_t *)(r->sq + r->p.sq_off.array);
	uint32_t mask = *(uint32_t *)(r->sq + r->p.sq_off.ring_mask);
	uint32_t *chead = (uint32_t *)(r->cq + r->p.cq_off.head);
	struct io_uring_cqe *cqes = (struct io_uring_cqe *)(r->cq + r->p.cq_off.cqes);
	uint32_t t = *tail, cmask = *(uint32_t *)(r->cq + r->p.cq_off.ring_mask);
	struct io_uring_sqe *sqe = &r->sqes[t & mask];
	int res;

	memset(sqe, 0, sizeof(*sqe));
	sqe->opcode = IORING_OP_WRITE_FIXED;
	sqe->fd = dio_fd;
	sqe->addr = (uintptr_t)addr;
	sqe->len = PAGE;
	sqe->buf_index = 0;
	array[t & mask] = t & mask;
	__atomic_store_n(tail, t + 1, __ATOMIC_RELEASE);
	if (syscall(SYS_io_uring_enter, r->fd, 1, 1, IORING_ENTER_GETEVENTS, NULL, 0) < 0)
		return -errno;
	res = cqes[*chead & cmask].res;
	__atomic_store_n(chead, *chead + 1, __ATOMIC_RELEASE);
	return res;
}

static int try_uring(uint8_t *p, size_t page, int *data_ok)
{
	struct iovec iov = { p, PAGE };
	struct ring r;
	int err = ring_setup(&r), res;

	if (err)
		return err;
	if (syscall(SYS_io_uring_register, r.fd, IORING_REGISTER_BUFFERS, &iov, 1) < 0)
		return errno;
	res = ring_write_fixed(&r, p);
	*data_ok = res == (int)PAGE && file_page_is(page, 0);
	close(r.fd);	/* unpins once the last reference goes */
	return 0;
}

static int try_method(enum method m, uint8_t *p, size_t page, int *data_ok)
{
	switch (m) {
	case M_VMSPLICE: return try_vmsplice(p, page, data_ok);
	case M_FUTEX: return try_futex(p, page, data_ok);
	case M_PVR: return try_pvr(p, page, data_ok);
	case M_DIO_WRITE: return try_dio_write(p, page, data_ok);
	case M_DIO_READ: return try_dio_read(p, page, data_ok);
	default: return try_uring(p, page, data_ok);
	}
}

/* ---- the child and its timeout ------------------------------------------ */

static void child_run(const struct mapping *m, enum method meth, int out)
{
	for (int i = 0; i < m->ntested; i++) {
		struct answer a = { .page = (int32_t)m->tested[i] };
		int ok = 0;

		/* Mapped first, as a user of the buffer would have it (a PMD). */
		if (!m->sigbus)
			(void)*(volatile uint64_t *)(m->addr + m->tested[i] * PAGE);
		errno = 0;
		a.err = try_method(meth, m->addr + m->tested[i] * PAGE, m->tested[i], &ok);
		a.data_ok = ok;
		if (write(out, &a, sizeof(a)) != sizeof(a))
			_exit(3);
	}
	_exit(0);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Read the child's answers until it is done or CASE_SECS pass. */
static int collect(int in, struct answer *got, int max, double deadline)
{
	struct pollfd pfd = { .fd = in, .events = POLLIN };
	int n = 0;

	while (n < max) {
		int left = (int)((deadline - now()) * 1000);

		if (left <= 0 || poll(&pfd, 1, left) <= 0)
			break;
		if (read(in, &got[n], sizeof(got[n])) != sizeof(got[n]))
			break;
		n++;
	}
	return n;
}

/* A child that did not answer in time: 0 it ended, 1 killed, 2 unkillable. */
static int reap_late(pid_t pid, int *status)
{
	for (int i = 0; i < 20; i++, usleep(10000))
		if (waitpid(pid, status, WNOHANG) == pid)
			return 0;
	kill(pid, SIGKILL);
	for (int i = 0; i < 200; i++, usleep(10000))
		if (waitpid(pid, status, WNOHANG) == pid)
			return 1;
	return 2;
}

/*
 * Run one GUP user over the tested pages in a child. Returns how many pages
 * answered (-1: no child); *hung is set when the child had to be killed (2:
 * even SIGKILL did not end it), *status is how it ended otherwise.
 */
static int run_method(const struct mapping *m, enum method meth, struct answer *got,
		      int *hung, int *status)
{
	int fds[2], n;
	pid_t pid;

	*hung = 0;
	*status = 0;
	if (pipe(fds))
		return -1;
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		close(fds[0]);
		child_run(m, meth, fds[1]);
	}
	close(fds[1]);
	if (pid < 0) {
		close(fds[0]);
		return -1;
	}
	n = collect(fds[0], got, m->ntested, now() + CASE_SECS);
	close(fds[0]);
	if (n < m->ntested)
		*hung = reap_late(pid, status);
	else
		waitpid(pid, status, 0);
	return n;
}

/* ---- expectations -------------------------------------------------------- */

/* What the kernel must answer: 0 (pinned) or the errno. */
static int expected(const struct mapping *m, enum method meth)
{
	if (m->raw)
		return EFAULT;		/* VM_PFNMAP: GUP refuses the VMA */
	/*
	 * A driver's page is neither anonymous nor in a file's page cache
	 * (no ->mapping): no shared futex key. A writable private mapping
	 * gets an anonymous copy first (the key is taken for writing).
	 */
	if (meth == M_FUTEX)
		return m->kind == KBUFMAP_MAP_PRIVATE_RW ? 0 : EFAULT;
	/* A long-term pin for writing: a read-only VMA refuses it. */
	if (meth == M_URING && m->kind == KBUFMAP_MAP_PRIVATE_RO)
		return EFAULT;
	/* Before 6.5 io_uring refused every file-backed VMA itself. */
	if (meth == M_URING && uring_refuses_files)
		return EOPNOTSUPP;
	return 0;
}

static const char *err_name(int err)
{
	const char *n = err ? strerrorname_np(err) : "pinned";

	return n ? n : "E?";
}

/* Why the child gave no answer for its page number @n (or gave none at all). */
static void describe_missing(const struct mapping *m, int n, int hung, int status,
			     char *buf, size_t len)
{
	const char *sep = n > 0 ? "," : "";

	if (n < 0)
		snprintf(buf, len, "no child: %s", strerror(errno));
	else if (hung)
		snprintf(buf, len, "%s page %zu: hung (no answer in %d s; %s)", sep, m->tested[n],
			 CASE_SECS, hung == 2 ? "SIGKILL did not end it" : "killed");
	else
		snprintf(buf, len, "%s page %zu: the child %s %d", sep, m->tested[n],
			 WIFSIGNALED(status) ? "died of signal" : "exited",
			 WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
}

/* One TAP line per mapping x GUP user: every tested page as expected. */
static void check_method(const struct mapping *m, enum method meth, int results[M_COUNT])
{
	struct answer got[MAX_TESTED];
	int want, hung, status, n, bad = 0;
	char detail[512] = "";
	size_t len = 0;

	results[meth] = -1;
	if ((meth == M_DIO_WRITE || meth == M_DIO_READ) && dio_skip) {
		tap_skip(m->name, "%s: %s", method_names[meth], dio_skip);
		return;
	}
	if (meth == M_URING && uring_skip) {
		tap_skip(m->name, "%s: %s", method_names[meth], uring_skip);
		return;
	}
	want = expected(m, meth);
	n = run_method(m, meth, got, &hung, &status);
	for (int i = 0; i < n; i++) {
		bad += got[i].err != want || (!got[i].err && !got[i].data_ok);
		len += snprintf(detail + len, sizeof(detail) - len, "%s page %d %s%s",
				i ? "," : "", got[i].page, err_name(got[i].err),
				got[i].err ? "" : got[i].data_ok ? " data ok" : " DATA WRONG");
		if (len >= sizeof(detail))
			len = sizeof(detail) - 1;
		if (got[i].page == 0)
			results[meth] = got[i].err;
	}
	if (n < m->ntested) {
		bad++;
		describe_missing(m, n, hung, status, detail + len, sizeof(detail) - len);
	}
	if (!tap_ok(!bad, "%s %s: %s", m->name, method_names[meth], detail))
		tap_diag("want %s", err_name(want));
}

/* ---- `kbufmapctl -j map` on the same mapping ------------------------------ */

/* In map's JSON, the errno name of @method's probe: "" when it pinned. */
static int map_pin_answer(const char *json, const char *method, char *err, size_t len)
{
	char key[64];
	const char *p, *end, *e;

	snprintf(key, sizeof(key), "\"method\":\"%s\"", method);
	p = strstr(json, key);
	if (!p)
		return -1;
	end = strchr(p, '}');
	if (!end || !strstr(p, "\"tried\":true") || strstr(p, "\"tried\":true") > end)
		return -1;		/* not tried */
	e = strstr(p, "\"errno\":\"");
	err[0] = 0;
	if (e && e < end) {
		e += strlen("\"errno\":\"");
		snprintf(err, len, "%.*s", (int)strcspn(e, "\""), e);
	}
	return 0;
}

static void compare_with_map(const struct mapping *m, const int results[M_COUNT],
			     int refused_if)
{
	static const char *const kind_flags[] = {
		"--shared", "--private --prot r", "--private --prot rw",
	};
	static char json[1 << 16];
	const struct { const char *name; enum method meth; } probes[] = {
		{ "vmsplice", M_VMSPLICE },
		{ "process_vm_readv", M_PVR },
		/* map reads into a writable mapping, else writes from it. */
		{ "o_direct", m->writable ? M_DIO_READ : M_DIO_WRITE },
	};
	char cmd[512], err[32];
	size_t n;
	FILE *f;

	snprintf(cmd, sizeof(cmd), "'%s' -j map --backend %s --strategy %s --pages %zu %s 2>/dev/null",
		 ctl, backend_names[m->backend], strategy_names[m->strategy], m->pages,
		 kind_flags[m->kind]);
	f = popen(cmd, "r");
	n = f ? fread(json, 1, sizeof(json) - 1, f) : 0;
	json[n] = 0;
	if (f)
		pclose(f);
	/*
	 * map configures a buffer of its own: for the combinations mmap()
	 * refuses unless the pages form one physical run, its buffer may not
	 * while ours did (or the other way round).
	 */
	if (refused_if && strstr(json, "\"mmap\":{\"ok\":false")) {
		tap_skip(m->name, "map's own buffer is not one physical run: its mmap was refused, nothing to compare");
		return;
	}
	for (size_t i = 0; i < sizeof(probes) / sizeof(probes[0]); i++) {
		int ours = results[probes[i].meth];
		const char *want = ours > 0 ? err_name(ours) : "";

		if (ours < 0)
			continue;	/* we did not try it (skipped) */
		if (map_pin_answer(json, probes[i].name, err, sizeof(err))) {
			tap_ok(0, "%s: map reports its %s probe as tried", m->name, probes[i].name);
			continue;
		}
		tap_ok(!strcmp(err, want), "%s: map's %s probe agrees: %s (here %s)", m->name,
		       probes[i].name, err[0] ? err : "pinned", want[0] ? want : "pinned");
	}
}

/* ---- set-up -------------------------------------------------------------- */

static int configure(int fd, size_t pages, uint32_t backend, uint32_t strategy)
{
	struct kbufmap_config c = { .nr_pages = pages, .backend = backend,
				    .strategy = strategy, .node = KBUFMAP_NODE_ANY };

	return ioctl(fd, KBUFMAP_IOC_CONFIGURE, &c) ? errno : 0;
}

static uint64_t huge_faults(int fd)
{
	struct kbufmap_stats s = { .scope = KBUFMAP_SCOPE_BUFFER };

	return ioctl(fd, KBUFMAP_IOC_GET_COUNTERS, &s) ? 0 : s.counters.huge_faults;
}

/* Read the tested pages; for huge, the kernel must have mapped a PMD. */
static void touch_tested(int fd, const struct mapping *m)
{
	uint64_t before = huge_faults(fd);

	if (m->sigbus)
		return;
	for (int i = 0; i < m->ntested; i++)
		(void)*(volatile uint64_t *)(m->addr + m->tested[i] * PAGE);
	if (m->strategy == KBUFMAP_STRATEGY_HUGE && kernel_maps_pmds)
		tap_ok(huge_faults(fd) > before, "%s: touched, it is mapped by a PMD (huge_faults %llu -> %llu)",
		       m->name, (unsigned long long)before, (unsigned long long)huge_faults(fd));
}

/* @refused_if: mmap() may refuse with that errno (memory not contiguous). */
static void test_kind(int fd, struct mapping *m, uint32_t kind, int refused_if)
{
	int prot = kind == KBUFMAP_MAP_PRIVATE_RO ? PROT_READ : PROT_READ | PROT_WRITE;
	int flags = kind == KBUFMAP_MAP_SHARED ? MAP_SHARED : MAP_PRIVATE;
	int results[M_COUNT];

	m->kind = kind;
	m->writable = prot & PROT_WRITE;
	snprintf(m->name, sizeof(m->name), "%s/%s/%s", backend_names[m->backend],
		 strategy_names[m->strategy], kind_names[kind]);
	m->addr = mmap(NULL, m->pages * PAGE, prot, flags, fd, 0);
	if (m->addr == MAP_FAILED && refused_if && errno == refused_if) {
		tap_skip(m->name, "mmap refused: the buffer is not one physical run");
		return;
	}
	if (m->addr == MAP_FAILED) {
		tap_ok(0, "%s: mmap: %s", m->name, strerror(errno));
		return;
	}
	m->sigbus = kbufmap_combo_sigbus(m->strategy, kind, m->pages);
	touch_tested(fd, m);
	for (int meth = 0; meth < M_COUNT; meth++) {
		if (meth == M_DIO_READ && !m->writable)
			results[meth] = -1;
		else
			check_method(m, meth, results);
	}
	compare_with_map(m, results, refused_if);
	munmap(m->addr, m->pages * PAGE);
}

/* One buffer per backend x strategy, filled through a shared mapping. */
/* dma_mmap_pages() came in 5.13: the module refuses dma-noncoherent before. */
static int no_dma_mmap_pages(uint32_t backend, int err)
{
	struct utsname u;
	int ma = 0, mi = 0;

	if (backend != KBUFMAP_BACKEND_DMA_NONCOHERENT || err != EOPNOTSUPP ||
	    uname(&u) || sscanf(u.release, "%d.%d", &ma, &mi) != 2)
		return 0;
	return ma < 5 || (ma == 5 && mi < 13);
}

static void test_combo(uint32_t backend, uint32_t strategy)
{
	struct mapping m = { .backend = backend, .strategy = strategy };
	int huge = strategy == KBUFMAP_STRATEGY_HUGE;
	int fd = open(KBUFMAP_DEVICE_PATH, O_RDWR | O_CLOEXEC), err;
	uint8_t *p;

	m.pages = huge ? HUGE_PAGES : PAGES;
	m.raw = !kbufmap_strategy_needs_page_refs(strategy);
	m.tested[m.ntested++] = 0;
	if (huge)
		m.tested[m.ntested++] = 1;	/* page 1: inside the PMD */
	m.tested[m.ntested++] = m.pages / 2;
	m.tested[m.ntested++] = m.pages - 1;
	err = configure(fd, m.pages, backend, strategy);
	if (no_dma_mmap_pages(backend, err)) {
		tap_skip(backend_names[backend], "this kernel has no dma_mmap_pages() (5.13 and "
			 "later): the module refuses the backend (EOPNOTSUPP)");
		close(fd);
		return;
	}
	p = err ? MAP_FAILED : mmap(NULL, m.pages * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		tap_ok(0, "%s/%s: set-up: %s", backend_names[backend], strategy_names[strategy],
		       strerror(err ? err : errno));
		close(fd);
		return;
	}
	for (size_t i = 0; i < m.pages; i++)
		fill_page(p + i * PAGE, i, 0);
	munmap(p, m.pages * PAGE);
	for (uint32_t kind = 0; kind < KBUFMAP_MAP_KIND_COUNT; kind++) {
		int contiguous = kbufmap_map_kind_errno(backend, strategy, kind, 1, NULL);
		int scattered = kbufmap_map_kind_errno(backend, strategy, kind, 0, NULL);

		if (!contiguous)
			test_kind(fd, &m, kind, -scattered);
	}
	close(fd);
}

static void setup_direct(const char *dir)
{
	char path[4096];
	struct statfs sfs;
	int fd;

	snprintf(path, sizeof(path), "%s/kbufmap-pinning-XXXXXX", dir);
	fd = mkstemp(path);
	if (fd < 0 || fstatfs(fd, &sfs) || sfs.f_type != EXT4_MAGIC) {
		dio_skip = "no ext4 at the O_DIRECT directory (the guest runner mounts one at /var/tmp)";
		if (fd >= 0) {
			unlink(path);
			close(fd);
		}
		return;
	}
	dio_fd = open(path, O_RDWR | O_DIRECT | O_CLOEXEC);
	unlink(path);
	close(fd);
	if (dio_fd < 0 || ftruncate(dio_fd, PAGE))
		dio_skip = "O_DIRECT refused on the ext4";
}

static void setup_kernel(void)
{
	struct io_uring_params p = { 0 };
	struct utsname u;
	char thp[128] = "";
	FILE *f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r");
	int fd, maj = 0, min = 0;

	if (f) {
		if (!fgets(thp, sizeof(thp), f))
			thp[0] = 0;
		fclose(f);
	}
	uname(&u);
	sscanf(u.release, "%d.%d", &maj, &min);
	/*
	 * The module maps huge PFN PMDs only where the kernel marks them
	 * special (pmd_special(), 6.12 on); 5.10 and 6.1 get PTEs.
	 */
	kernel_maps_pmds = (maj > 6 || (maj == 6 && min >= 12)) && !strstr(thp, "[never]");
	uring_refuses_files = maj < 6 || (maj == 6 && min < 5);
	fd = syscall(SYS_io_uring_setup, 1, &p);
	if (fd >= 0)
		close(fd);
	else if (errno == ENOSYS)
		uring_skip = "this kernel has no io_uring";
	else if (errno == EPERM)
		uring_skip = "io_uring is disabled here (kernel.io_uring_disabled)";
	else
		uring_skip = "io_uring_setup() fails";
	tap_diag("kernel %s, THP %s", u.release, thp[0] ? thp : "?\n");
}

int main(int argc, char **argv)
{
	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: pinning KBUFMAPCTL [DIRECT-DIR]\n");
		return 2;
	}
	ctl = argv[1];
	pages_init();
	if (access(KBUFMAP_DEVICE_PATH, R_OK | W_OK)) {
		tap_skip("pinning", "%s: %s (is the module loaded?)", KBUFMAP_DEVICE_PATH,
			 strerror(errno));
		return tap_done();
	}
	signal(SIGPIPE, SIG_IGN);
	setup_kernel();
	setup_direct(argc > 2 ? argv[2] : "/var/tmp");
	/* In the guest the runner provides the ext4: its absence is a failure. */
	if (dio_skip && getenv("KBUFMAP_IN_GUEST"))
		tap_ok(0, "O_DIRECT scratch file: %s", dio_skip);
	for (uint32_t b = 0; b < KBUFMAP_BACKEND_COUNT; b++)
		for (uint32_t s = 0; s < KBUFMAP_STRATEGY_COUNT; s++)
			if (!kbufmap_combo_errno(b, s, KBUFMAP_NODE_ANY, NULL))
				test_combo(b, s);
	return tap_done();
}
