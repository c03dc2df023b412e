/* SPDX-License-Identifier: GPL-2.0 */
/*
 * verify: the check table and the context every check runs in.
 *
 * A check is one row of verify_checks[] (checks_table.c): a name, the
 * modes it runs in, optional applicability rules and a function that
 * returns PASS/FAIL/SKIP with a one-line reason. Each check runs on a fresh
 * buffer (c->fd, configured with the run's backend/strategy/pages) and
 * allocates everything else through the v*() helpers below, so the runner
 * can release it all even when the check dies of SIGBUS/SIGSEGV (which the
 * runner catches and reports as FAIL).
 */
#ifndef KBM_VERIFY_H
#define KBM_VERIFY_H

#include <errno.h>	/* kbufmap_matrix.h wants the errno constants */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "kbufmap_matrix.h"
#include "report.h"

enum vmode {
	VMODE_SHARED = 1 << 0,	/* MAP_SHARED */
	VMODE_PRIVATE = 1 << 1,	/* MAP_PRIVATE (private-ro, private-rw) */
};

/* vcheck.flags */
#define VCHK_PRIVATE_RW	(1U << 0)	/* needs a valid private-rw mapping */
#define VCHK_NO_TOUCH	(1U << 1)	/* safe where a touch SIGBUSes */
#define VCHK_SIGBUS	(1U << 2)	/* only where a touch SIGBUSes */

#define VCTX_MAX_FDS	8
#define VCTX_MAX_MAPS	16
#define VCTX_MAX_HEAP	8

struct kbm_target;

struct vmap {
	uint8_t *addr;
	size_t len;
};

struct vctx {
	/* the run */
	const char *dev;
	size_t ps;			/* page size */
	uint64_t pages;
	size_t size;			/* pages * ps */
	unsigned int backend, strategy;
	int node;			/* KBUFMAP_NODE_ANY or the --node */
	unsigned int cache;		/* enum kbufmap_cache: --cache, wb by default */
	bool set_memory;		/* --set-memory */
	enum vmode mode;
	const char *mode_name;		/* "shared", "private" */

	/* this combination, from a probe buffer and kbufmap_matrix.h */
	bool contiguous;		/* KBUFMAP_INFO_CONTIGUOUS */
	int rw_errno;			/* private-rw: 0 or the refusal errno */
	const char *rw_why;
	bool sigbus;			/* private mappings SIGBUS at first touch */

	/* --target other than kbufmap: the opened target and "driver X (kernel Y)" */
	struct kbm_target *tgt;		/* NULL for kbufmap */
	const char *who;
	bool registers;			/* the buffer is device registers (uio): no patterns */

	/* resources of the running check; the runner releases them */
	int fd;				/* fresh buffer, O_RDWR, configured */
	int fds[VCTX_MAX_FDS];
	int nfds;
	struct vmap maps[VCTX_MAX_MAPS];
	int nmaps;
	void *heap[VCTX_MAX_HEAP];
	int nheap;

	/* the result */
	char reason[1024];
	const char *detail;		/* static text or NULL */
};

struct vcheck {
	const char *name;
	const char *group;
	unsigned int modes;		/* VMODE_* */
	unsigned int flags;		/* VCHK_* */
	/*
	 * NULL, or false (with *why) when the check does not apply to this
	 * combination: the row is left out, or SKIPped when --check named it.
	 */
	bool (*applies)(const struct vctx *c, const char **why);
	enum kbm_status (*fn)(struct vctx *c);
	const char *doc;		/* what a PASS proves */
	/*
	 * What a FAIL means and where the usual driver mistake is: the
	 * report appends it to a FAIL, so a check's reason says only what it saw.
	 */
	const char *explain;
};

extern const struct vcheck verify_checks[];
extern const size_t verify_nr_checks;

/* ---- results ---------------------------------------------------------- */
enum kbm_status vpass(struct vctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
enum kbm_status vfail(struct vctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
enum kbm_status vskip(struct vctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* ---- resources (released by the runner) ------------------------------- */
/* Open the device: fd or -errno. */
int vopen(struct vctx *c, int oflags);
/*
 * Open and configure a buffer of @pages with the run's backend/strategy,
 * cache mode and --set-memory.
 */
int vopen_buffer(struct vctx *c, int oflags, uint64_t pages);
/* The CONFIGURE request vopen_buffer() makes. */
void vconfig(const struct vctx *c, uint64_t pages, struct kbufmap_config *cfg);
/* Keep @fd (or pass a -errno through) for the runner to close. */
int vtrack_fd(struct vctx *c, int fd);
int vdup(struct vctx *c, int fd);
void vclose(struct vctx *c, int fd);
/* mmap(): the address or MAP_FAILED with errno set. */
void *vmap(struct vctx *c, int fd, size_t len, int prot, int flags,
	   off_t off);
/* Map the whole buffer of @fd in the check's mode (MAP_SHARED/PRIVATE). */
void *vmap_mode(struct vctx *c, int fd, int prot);
int vunmap(struct vctx *c, void *addr, size_t len);
/* mremap(): tracks the move. MAP_FAILED with errno on failure. */
void *vremap(struct vctx *c, void *addr, size_t old_len, size_t new_len,
	     int flags);
void *vzalloc(struct vctx *c, size_t len);	/* zeroed; NULL = out of memory */
void vctx_release(struct vctx *c);

/* MAP_SHARED or MAP_PRIVATE for the check's mode */
int vmode_flags(const struct vctx *c);
/* PROT_READ|PROT_WRITE in shared mode, PROT_READ in private mode */
int vmode_prot(const struct vctx *c);

/*
 * The usual start of a data check: @kbuf (if not NULL) gets a host copy of
 * the buffer filled with the pattern of @salt, which the kernel's write()
 * stores in the buffer; then the buffer is mapped with @prot and @flags.
 * Returns the mapping, or NULL with *st set to the check's FAIL.
 */
uint8_t *vmap_patterned(struct vctx *c, uint32_t salt, int prot, int flags,
			uint8_t **kbuf, enum kbm_status *st);

/*
 * Two mappings of the whole buffer, A and B, for the checks that compare
 * them. KBM_PASS, or the check's FAIL naming the one the driver refused.
 */
enum kbm_status vmap_pair(struct vctx *c, int prot, int flags, uint8_t **a, uint8_t **b);

/* Is the VMA at @addr VM_PFNMAP ("pf" in smaps)? pagemap cannot see those. */
bool vmap_is_pfnmap(const void *addr);

/* FAIL for an mmap() that should have worked: says what and why it matters. */
enum kbm_status vfail_mmap(struct vctx *c, const char *what, size_t len,
			   int prot, int flags, int err);
/* "PROT_READ|PROT_WRITE", "MAP_SHARED" */
const char *prot_str(int prot);
const char *mapflags_str(int flags);

/* ---- touching memory -------------------------------------------------- */
/*
 * Read the first byte of every page (faults them in); of device registers
 * (c->registers) the first aligned 32-bit word, which devices accept where
 * a byte access may abort (arm64).
 */
void vtouch(const struct vctx *c, const void *p, size_t len);
/*
 * Touch every page of [p, p+len) as vtouch() does (write: store back what
 * was read, else load) and catch SIGBUS/SIGSEGV. Returns 0, or the signal
 * with *fault_addr and *code set.
 */
int vtry_touch(struct vctx *c, void *p, size_t len, bool write,
	       void **fault_addr, int *code);

/* ---- fork ------------------------------------------------------------- */
/* fork() whose child has default SIGBUS/SIGSEGV and no core dump. */
pid_t vfork_child(void);
/* Wait for @pid: its exit status, or 128 + signal. -1 on error. */
int vwait(pid_t pid);

/* ---- data patterns ---------------------------------------------------- */
/* Byte at buffer offset @off in pattern @salt: differs page to page. */
uint8_t pat_byte(uint64_t off, uint32_t salt);
void pat_fill(void *dst, size_t len, uint64_t off, uint32_t salt);
/* First offset (relative to @p) where @p differs from the pattern, or -1. */
ssize_t pat_find_mismatch(const void *p, size_t len, uint64_t off,
			  uint32_t salt);
/*
 * Which buffer page's pattern does the page at @p hold in full? The index,
 * or -1 (checked for the first @npages pages, at most 4096).
 */
ssize_t pat_which_page(const void *p, size_t ps, uint64_t npages,
		       uint32_t salt);
/* First offset where @p is not zero, or -1. */
ssize_t find_nonzero(const void *p, size_t len);
/* "page 2 + 0x10" */
const char *vwhere(const struct vctx *c, uint64_t off, char *buf, size_t len);

/* ---- foreign targets (verify_target.c, checks_target.c) ---------------- */
extern const struct vcheck verify_target_checks[];
extern const size_t verify_nr_target_checks;

/* ---- the runner ------------------------------------------------------- */
/*
 * Run @fn(c) with SIGBUS/SIGSEGV caught: a fault becomes FAIL with the
 * address and which mapping it hit. Releases the check's resources.
 */
enum kbm_status vguard_run(struct vctx *c, enum kbm_status (*fn)(struct vctx *));

#endif /* KBM_VERIFY_H */
