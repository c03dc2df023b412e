// SPDX-License-Identifier: GPL-2.0
/* verify: what every check uses (resources, touching, fork, patterns). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* asprintf, strerrorname_np; CMake defines it too */
#endif
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "guard.h"
#include "kbm_dev.h"
#include "names.h"
#include "procfs.h"
#include "mapping.h"
#include "verify.h"

/* ---- results ------------------------------------------------------------ */

static enum kbm_status vresult(struct vctx *c, enum kbm_status st,
			       const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

static enum kbm_status vresult(struct vctx *c, enum kbm_status st,
			       const char *fmt, va_list ap)
{
	vsnprintf(c->reason, sizeof(c->reason), fmt, ap);
	return st;
}

enum kbm_status vpass(struct vctx *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vresult(c, KBM_PASS, fmt, ap);
	va_end(ap);
	return KBM_PASS;
}

enum kbm_status vfail(struct vctx *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vresult(c, KBM_FAIL, fmt, ap);
	va_end(ap);
	return KBM_FAIL;
}

enum kbm_status vskip(struct vctx *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vresult(c, KBM_SKIP, fmt, ap);
	va_end(ap);
	return KBM_SKIP;
}

/* ---- resources ---------------------------------------------------------- */

static int track_fd(struct vctx *c, int fd)
{
	if (fd < 0)
		return fd;
	if (c->nfds == VCTX_MAX_FDS) {
		close(fd);
		return -EMFILE;
	}
	c->fds[c->nfds++] = fd;
	return fd;
}

int vtrack_fd(struct vctx *c, int fd)
{
	return track_fd(c, fd);
}

int vopen(struct vctx *c, int oflags)
{
	return track_fd(c, kbm_dev_open_quiet(c->dev, oflags));
}

/*
 * CONFIGURE needs a file open for writing: an O_RDONLY buffer is configured
 * on a read-write file, then reopened read-only.
 */
void vconfig(const struct vctx *c, uint64_t pages, struct kbufmap_config *cfg)
{
	*cfg = (struct kbufmap_config){
		.nr_pages = pages, .backend = c->backend, .strategy = c->strategy,
		.node = c->node, .cache = c->cache,
		.flags = c->set_memory ? KBUFMAP_CONFIG_SET_MEMORY : 0,
	};
}

int vopen_buffer(struct vctx *c, int oflags, uint64_t pages)
{
	struct kbufmap_config cfg;
	int rdonly = (oflags & O_ACCMODE) == O_RDONLY;
	int fd = vopen(c, rdonly ? (oflags & ~O_ACCMODE) | O_RDWR : oflags), ro, err;

	if (fd < 0)
		return fd;
	vconfig(c, pages, &cfg);
	err = kbm_configure_cfg(fd, &cfg);
	if (err) {
		vclose(c, fd);
		return err;
	}
	if (!rdonly)
		return fd;
	ro = track_fd(c, kbm_reopen_rdonly(fd));
	vclose(c, fd);
	return ro;
}

int vdup(struct vctx *c, int fd)
{
	int d = fcntl(fd, F_DUPFD_CLOEXEC, 0);

	return track_fd(c, d < 0 ? -errno : d);
}

void vclose(struct vctx *c, int fd)
{
	for (int i = 0; i < c->nfds; i++) {
		if (c->fds[i] == fd) {
			close(fd);
			c->fds[i] = c->fds[--c->nfds];
			if (c->fd == fd)
				c->fd = -1;
			return;
		}
	}
}

static void track_map(struct vctx *c, void *addr, size_t len)
{
	if (c->nmaps == VCTX_MAX_MAPS) {
		/* Cannot track it: do not leave it behind. */
		munmap(addr, len);
		abort();	/* a check maps too much: a programming error */
	}
	c->maps[c->nmaps].addr = addr;
	c->maps[c->nmaps].len = len;
	c->nmaps++;
}

void *vmap(struct vctx *c, int fd, size_t len, int prot, int flags, off_t off)
{
	void *p = mmap(NULL, len, prot, flags, fd, off);

	if (p != MAP_FAILED)
		track_map(c, p, len);
	return p;
}

int vmode_flags(const struct vctx *c)
{
	return c->mode == VMODE_SHARED ? MAP_SHARED : MAP_PRIVATE;
}

int vmode_prot(const struct vctx *c)
{
	return c->mode == VMODE_SHARED ? PROT_READ | PROT_WRITE : PROT_READ;
}

void *vmap_mode(struct vctx *c, int fd, int prot)
{
	return vmap(c, fd, c->size, prot, vmode_flags(c), 0);
}

/* Forget [a, a+len) in the tracked mappings, splitting as needed. */
static void untrack_range(struct vctx *c, uint8_t *a, size_t len)
{
	uint8_t *e = a + len;

	for (int i = 0; i < c->nmaps; i++) {
		uint8_t *ms = c->maps[i].addr, *me = ms + c->maps[i].len;

		if (e <= ms || a >= me)
			continue;
		if (a > ms && e < me) {		/* a hole in the middle */
			c->maps[i].len = (size_t)(a - ms);
			track_map(c, e, (size_t)(me - e));
		} else if (a > ms) {		/* the tail */
			c->maps[i].len = (size_t)(a - ms);
		} else if (e < me) {		/* the head */
			c->maps[i].addr = e;
			c->maps[i].len = (size_t)(me - e);
		} else {			/* all of it */
			c->maps[i] = c->maps[--c->nmaps];
			i--;
		}
	}
}

int vunmap(struct vctx *c, void *addr, size_t len)
{
	if (munmap(addr, len) != 0)
		return -errno;
	untrack_range(c, addr, len);
	return 0;
}

void *vremap(struct vctx *c, void *addr, size_t old_len, size_t new_len,
	     int flags)
{
	void *p = mremap(addr, old_len, new_len, flags);

	if (p == MAP_FAILED)
		return p;
	untrack_range(c, addr, old_len);
	track_map(c, p, new_len);
	return p;
}

void *vzalloc(struct vctx *c, size_t len)
{
	void *p;

	if (c->nheap == VCTX_MAX_HEAP)
		abort();	/* a programming error */
	p = calloc(1, len ? len : 1);
	if (p)
		c->heap[c->nheap++] = p;
	return p;
}

void vctx_release(struct vctx *c)
{
	while (c->nmaps > 0) {
		c->nmaps--;
		munmap(c->maps[c->nmaps].addr, c->maps[c->nmaps].len);
	}
	while (c->nfds > 0)
		close(c->fds[--c->nfds]);
	while (c->nheap > 0)
		free(c->heap[--c->nheap]);
	c->fd = -1;
}

bool vmap_is_pfnmap(const void *addr)
{
	struct vma_info vi;

	return !smaps_find(addr, &vi) && vma_has_flag(&vi, "pf");
}

const char *prot_str(int prot)
{
	if (prot == (PROT_READ | PROT_WRITE))
		return "PROT_READ|PROT_WRITE";
	if (prot == PROT_READ)
		return "PROT_READ";
	if (prot == (PROT_READ | PROT_EXEC))
		return "PROT_READ|PROT_EXEC";
	if (prot == PROT_NONE)
		return "PROT_NONE";
	return "PROT_?";
}

const char *mapflags_str(int flags)
{
	return (flags & MAP_TYPE) == MAP_SHARED ? "MAP_SHARED" : "MAP_PRIVATE";
}

enum kbm_status vmap_pair(struct vctx *c, int prot, int flags, uint8_t **a, uint8_t **b)
{
	*a = vmap(c, c->fd, c->size, prot, flags, 0);
	if (*a == MAP_FAILED)
		return vfail_mmap(c, "mapping A", c->size, prot, flags, errno);
	*b = vmap(c, c->fd, c->size, prot, flags, 0);
	if (*b == MAP_FAILED)
		return vfail_mmap(c, "mapping B", c->size, prot, flags, errno);
	return KBM_PASS;
}

enum kbm_status vfail_mmap(struct vctx *c, const char *what, size_t len,
			   int prot, int flags, int err)
{
	return vfail(c, "mmap of %s (%zu pages, %s, %s) failed: %s (%s): the "
		     "driver's .mmap refused a request that should work",
		     what, len / c->ps, prot_str(prot), mapflags_str(flags),
		     errno_name(err), strerror(err));
}

/* ---- the signal guard --------------------------------------------------- */

/* Which tracked mapping holds @a: "mapping #1 (4 pages at 0x...) page 2". */
static void describe_addr(const struct vctx *c, const void *a, char *buf,
			  size_t len)
{
	const uint8_t *p = a;

	for (int i = 0; i < c->nmaps; i++) {
		const struct vmap *m = &c->maps[i];

		if (p >= m->addr && p < m->addr + m->len) {
			snprintf(buf, len, "page %zu of a %zu-page mapping",
				 (size_t)(p - m->addr) / c->ps, m->len / c->ps);
			return;
		}
	}
	snprintf(buf, len, "an address outside every mapping of the check");
}

struct vguard_job {
	struct vctx *c;
	enum kbm_status (*fn)(struct vctx *);
	volatile enum kbm_status st;
};

static void run_check(void *arg)
{
	struct vguard_job *j = arg;

	j->st = j->fn(j->c);
}

enum kbm_status vguard_run(struct vctx *c, enum kbm_status (*fn)(struct vctx *))
{
	struct vguard_job j = { .c = c, .fn = fn, .st = KBM_FAIL };
	struct kbm_fault f;

	if (kbm_guard(run_check, &j, &f)) {
		char where[96];

		describe_addr(c, f.addr, where, sizeof(where));
		j.st = vfail(c, "%s (%s) at %p, %s, while the check ran: "
			     "the kernel could not resolve a fault in the mapping "
			     "(a fault handler returning VM_FAULT_SIGBUS, or a "
			     "prefaulting mmap that mapped nothing and has no .fault)",
			     f.sig == SIGBUS ? "SIGBUS" : "SIGSEGV",
			     kbm_sigcode_name(f.sig, f.code), f.addr, where);
	}
	vctx_release(c);
	return j.st;
}

/* ---- touching memory ---------------------------------------------------- */

struct vtouch_job {
	volatile uint8_t *p;
	size_t len, ps;
	bool write, words;
};

/* Every page of the job, read or written back with what it holds. */
static void touch_pages(void *arg)
{
	struct vtouch_job *j = arg;

	for (size_t off = 0; off < j->len; off += j->ps) {
		if (j->words) {
			volatile uint32_t *w = (volatile uint32_t *)(j->p + off);

			if (j->write)
				*w = *w;
			else
				(void)*w;
		} else if (j->write) {
			j->p[off] = j->p[off];
		} else {
			(void)j->p[off];
		}
	}
}

void vtouch(const struct vctx *c, const void *p, size_t len)
{
	struct vtouch_job j = {
		.p = (volatile uint8_t *)p, .len = len, .ps = c->ps, .words = c->registers,
	};

	touch_pages(&j);
}

int vtry_touch(struct vctx *c, void *p, size_t len, bool write,
	       void **fault_addr, int *code)
{
	struct vtouch_job j = {
		.p = p, .len = len, .ps = c->ps, .write = write, .words = c->registers,
	};
	struct kbm_fault f;

	if (kbm_guard(touch_pages, &j, &f)) {
		*fault_addr = f.addr;
		*code = f.code;
	}
	return f.sig;
}

/* ---- fork ----------------------------------------------------------------- */

pid_t vfork_child(void)
{
	pid_t pid;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid == 0) {
		struct rlimit rl = { 0, 0 };

		kbm_guard_forget();
		signal(SIGBUS, SIG_DFL);
		signal(SIGSEGV, SIG_DFL);
		setrlimit(RLIMIT_CORE, &rl);
	}
	return pid;
}

int vwait(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return -1;
}

/* ---- patterns ------------------------------------------------------------- */

uint8_t pat_byte(uint64_t off, uint32_t salt)
{
	uint64_t x = (off ^ ((uint64_t)salt << 40)) + 0x9e3779b97f4a7c15ULL;

	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	x ^= x >> 31;
	return (uint8_t)x;
}

void pat_fill(void *dst, size_t len, uint64_t off, uint32_t salt)
{
	uint8_t *d = dst;

	for (size_t i = 0; i < len; i++)
		d[i] = pat_byte(off + i, salt);
}

ssize_t pat_find_mismatch(const void *p, size_t len, uint64_t off,
			  uint32_t salt)
{
	const uint8_t *s = p;

	for (size_t i = 0; i < len; i++)
		if (s[i] != pat_byte(off + i, salt))
			return (ssize_t)i;
	return -1;
}

ssize_t pat_which_page(const void *p, size_t ps, uint64_t npages,
		       uint32_t salt)
{
	for (uint64_t j = 0; j < npages && j < 4096; j++)
		if (pat_find_mismatch(p, ps, j * ps, salt) < 0)
			return (ssize_t)j;
	return -1;
}

ssize_t find_nonzero(const void *p, size_t len)
{
	const uint8_t *s = p;
	size_t i = 0;

	for (; i + 8 <= len; i += 8) {
		uint64_t w;

		memcpy(&w, s + i, 8);
		if (w)
			break;
	}
	for (; i < len; i++)
		if (s[i])
			return (ssize_t)i;
	return -1;
}

const char *vwhere(const struct vctx *c, uint64_t off, char *buf, size_t len)
{
	snprintf(buf, len, "page %llu + 0x%llx",
		 (unsigned long long)(off / c->ps),
		 (unsigned long long)(off % c->ps));
	return buf;
}

uint8_t *vmap_patterned(struct vctx *c, uint32_t salt, int prot, int flags,
			uint8_t **kbuf, enum kbm_status *st)
{
	uint8_t *buf, *a;
	int err;

	buf = vzalloc(c, c->size);
	if (!buf) {
		*st = vfail(c, "out of memory");
		return NULL;
	}
	pat_fill(buf, c->size, 0, salt);
	err = kbm_pwrite_all(c->fd, buf, c->size, 0);
	if (err) {
		*st = vfail(c, "pwrite(): %s", strerror(-err));
		return NULL;
	}
	a = vmap(c, c->fd, c->size, prot, flags, 0);
	if (a == MAP_FAILED) {
		*st = vfail_mmap(c, "the buffer", c->size, prot, flags, errno);
		return NULL;
	}
	if (kbuf)
		*kbuf = buf;
	return a;
}
