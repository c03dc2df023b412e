// SPDX-License-Identifier: GPL-2.0
/*
 * The generic checks of `verify --target` on another driver's buffer: the
 * ones that need nothing of kbufmap (no ioctls, no counters). Each check
 * gets a freshly opened target (c->tgt) and maps t->fd at t->offset. The
 * kernel's side of the data is t->view: the memfd or the device's
 * read()/write() (KBM_VIEW_FD), vm_ops->access through /proc/self/mem
 * (KBM_VIEW_ACCESS), or none. CPU access of a dma-buf is bracketed with
 * DMA_BUF_IOCTL_SYNC. A driver behaviour that is legitimate but worth
 * knowing (MAP_PRIVATE refused, not pinnable) is a PASS that says so.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* strsignal */
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include <unistd.h>

#include "checks.h"
#include "kbm_dev.h"
#include "mapping.h"
#include "pagemap.h"
#include "names.h"
#include "procfs.h"
#include "target.h"

/* A mapping of the target's whole buffer, or MAP_FAILED (errno set). */
void *tmap(struct vctx *c, int prot, int flags)
{
	return vmap(c, c->tgt->fd, c->size, prot, flags, c->tgt->offset);
}

/* Fill the mapping with pattern @salt, in a dma-buf CPU-access bracket. */
void tfill(struct vctx *c, uint8_t *a, uint32_t salt)
{
	kbm_target_sync(c->tgt, true, true);
	pat_fill(a, c->size, 0, salt);
	kbm_target_sync(c->tgt, false, true);
}

/* The FAIL of a refused mapping of @what ("the buffer", "mapping A"). */
enum kbm_status tmap_failed(struct vctx *c, const char *what, int flags, int err)
{
	return vfail(c, "mmap of %s (%zu pages, %s) failed: %s (%s): %s refused a mapping "
		     "of its own buffer", what, c->pages, mapflags_str(flags), errno_name(err),
		     strerror(err), c->who);
}

/*
 * A shared read-write mapping of the buffer filled with @salt, for the checks
 * that need memory: SKIP for device registers, FAIL if the mapping is refused.
 */
enum kbm_status tmap_filled(struct vctx *c, uint32_t salt, uint8_t **a)
{
	if (c->registers)
		return vskip(c, "the buffer is device registers (a UIO map of a BAR), not "
			     "memory: test patterns are not written into registers");
	*a = tmap(c, PROT_READ | PROT_WRITE, MAP_SHARED);
	if (*a == MAP_FAILED)
		return tmap_failed(c, "the buffer", MAP_SHARED, errno);
	tfill(c, *a, salt);
	return KBM_PASS;
}

/* First offset where the mapping is not pattern @salt, or -1. */
static ssize_t tmismatch(struct vctx *c, const uint8_t *a, uint32_t salt)
{
	ssize_t bad;

	kbm_target_sync(c->tgt, true, false);
	bad = pat_find_mismatch(a, c->size, 0, salt);
	kbm_target_sync(c->tgt, false, false);
	return bad;
}

/*
 * Read or write @len bytes at buffer offset @off through the kernel's view;
 * @a is a mapping of the buffer (what /proc/self/mem reaches the driver's
 * vm_ops->access through). 0 or -errno; -ENOTSUP when there is no view.
 */
static int view_rw(struct vctx *c, uint8_t *a, void *buf, size_t len,
		   uint64_t off, bool write)
{
	const struct kbm_target *t = c->tgt;
	int fd, err;

	if (t->view == KBM_VIEW_FD)
		return write ? kbm_pwrite_all(t->view_fd, buf, len, t->view_offset + off) :
			       kbm_pread_all(t->view_fd, buf, len, t->view_offset + off);
	if (t->view != KBM_VIEW_ACCESS)
		return -ENOTSUP;
	fd = open("/proc/self/mem", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	err = write ? kbm_pwrite_all(fd, buf, len, (uintptr_t)a + off) :
		      kbm_pread_all(fd, buf, len, (uintptr_t)a + off);
	close(fd);
	return err;
}

/* The result of a failed view access: SKIP for vm_ops->access refusing, else FAIL. */
static enum kbm_status view_failed(struct vctx *c, bool write, int err)
{
	if (c->tgt->view == KBM_VIEW_ACCESS)
		return vskip(c, "the kernel-side view, vm_ops->access through /proc/self/mem, "
			     "refused the %s: %s (%s) for %s", write ? "write" : "read",
			     errno_name(-err), strerror(-err), c->who);
	return vfail(c, "%s() on %s (the kernel-side view of %s) failed: %s",
		     write ? "pwrite" : "pread", kbm_target_view_name(c->tgt), c->who,
		     strerror(-err));
}

/* SKIP reasons shared by several checks; NULL when the check can go on. */
static const char *no_patterns(const struct vctx *c)
{
	if (c->registers)
		return "the buffer is device registers (a UIO map of a BAR), not memory: "
		       "test patterns are not written into registers, and need not read back";
	return NULL;
}

/* Two shared mappings of the target's buffer, A and B; as vmap_pair(). */
static enum kbm_status tmap_pair(struct vctx *c, int prot, uint8_t **a, uint8_t **b)
{
	*a = tmap(c, prot, MAP_SHARED);
	if (*a == MAP_FAILED)
		return tmap_failed(c, "mapping A", MAP_SHARED, errno);
	*b = tmap(c, prot, MAP_SHARED);
	if (*b == MAP_FAILED)
		return tmap_failed(c, "mapping B", MAP_SHARED, errno);
	return KBM_PASS;
}

enum kbm_status tcheck_cross_write(struct vctx *c)
{
	const int prot = PROT_READ | PROT_WRITE;
	enum kbm_status st;
	uint8_t *a, *b;
	char where[64];
	ssize_t bad;

	if (no_patterns(c))
		return vskip(c, "%s", no_patterns(c));
	st = tmap_pair(c, prot, &a, &b);
	if (st != KBM_PASS)
		return st;
	tfill(c, a, 0x31);
	bad = tmismatch(c, b, 0x31);
	if (bad < 0) {
		tfill(c, b, 0x32);
		bad = tmismatch(c, a, 0x32);
	}
	if (bad >= 0)
		return vfail(c, "two MAP_SHARED mappings of one %s buffer differ at %s: "
			     "a write through one is not seen through the other", c->who,
			     vwhere(c, (uint64_t)bad, where, sizeof(where)));
	return vpass(c, "every byte written through either of two MAP_SHARED mappings "
		     "reads back through the other (%zu pages)", c->pages);
}

/* Both mappings' pagemap entries: same PFN, present, page by page. */
static enum kbm_status compare_entries(struct vctx *c, const uint64_t *ea,
				       const uint64_t *eb)
{
	for (size_t i = 0; i < c->pages; i++) {
		if (!pm_present(ea[i]) || !pm_present(eb[i]))
			return vskip(c, "pagemap shows page %zu not present after a touch "
				     "(entries 0x%llx, 0x%llx): no PFNs to compare", i,
				     (unsigned long long)ea[i], (unsigned long long)eb[i]);
		if (pm_pfn(ea[i]) != pm_pfn(eb[i]))
			return vfail(c, "page %zu: mapping A has PFN 0x%llx, mapping B 0x%llx: "
				     "%s maps different memory for one offset", i,
				     (unsigned long long)pm_pfn(ea[i]),
				     (unsigned long long)pm_pfn(eb[i]), c->who);
	}
	return vpass(c, "both mappings show the same PFN for each of %zu pages "
		     "(the module's GET_PFNS side is kbufmap's only)", c->pages);
}

enum kbm_status tcheck_pagemap_alias(struct vctx *c)
{
	uint64_t *ea = vzalloc(c, c->pages * sizeof(*ea));
	uint64_t *eb = vzalloc(c, c->pages * sizeof(*eb));
	enum kbm_status st;
	uint8_t *a, *b;
	int err;

	if (!ea || !eb)
		return vfail(c, "out of memory");
	st = tmap_pair(c, PROT_READ, &a, &b);
	if (st != KBM_PASS)
		return st;
	vtouch(c, a, c->size);
	vtouch(c, b, c->size);
	if (vmap_is_pfnmap(a))
		return vskip(c, "%s maps raw PFNs (VM_PFNMAP): the kernel's page walker shows "
			     "those VMAs to pagemap as holes (cross-mapping-write proves the "
			     "aliasing by data instead)", c->who);
	err = pagemap_read(a, c->pages, ea);
	if (!err)
		err = pagemap_read(b, c->pages, eb);
	if (err)
		return vfail(c, "reading /proc/self/pagemap: %s", strerror(-err));
	return compare_entries(c, ea, eb);
}

/* The start of both view checks: the reason to SKIP, or NULL. */
static const char *view_skip(const struct vctx *c, char *buf, size_t len)
{
	if (no_patterns(c))
		return no_patterns(c);
	if (c->tgt->view != KBM_VIEW_NONE)
		return NULL;
	snprintf(buf, len, "%s has no kernel-side view of the buffer besides the mapping "
		 "(no read()/write(), no vm_ops->access; kernel view: %s)", c->who,
		 kbm_target_view_name(c->tgt));
	return buf;
}

/*
 * What both coherence checks start with: a reason to skip, a scratch buffer
 * of the buffer's size and a shared read-write mapping. Returns
 * KBM_PASS when all is there, else the check's result.
 */
static enum kbm_status coherence_setup(struct vctx *c, uint8_t **scratch, uint8_t **map)
{
	char why[256];
	const char *skip = view_skip(c, why, sizeof(why));

	if (skip)
		return vskip(c, "%s", skip);
	*scratch = vzalloc(c, c->size);
	if (!*scratch)
		return vfail(c, "out of memory");
	*map = tmap(c, PROT_READ | PROT_WRITE, MAP_SHARED);
	if (*map == MAP_FAILED)
		return tmap_failed(c, "the buffer", MAP_SHARED, errno);
	return KBM_PASS;
}

enum kbm_status tcheck_user_write_kernel_read(struct vctx *c)
{
	uint8_t *a, *got;
	enum kbm_status st = coherence_setup(c, &got, &a);
	char where[64];
	ssize_t bad;
	int err;

	if (st != KBM_PASS)
		return st;
	tfill(c, a, 0x41);
	err = view_rw(c, a, got, c->size, 0, false);
	if (err)
		return view_failed(c, false, err);
	bad = pat_find_mismatch(got, c->size, 0, 0x41);
	if (bad >= 0)
		return vfail(c, "the kernel-side view (%s) reads 0x%02x at %s where the mapping "
			     "wrote 0x%02x: %s maps other memory than its buffer, or caches it",
			     kbm_target_view_name(c->tgt), got[bad],
			     vwhere(c, (uint64_t)bad, where, sizeof(where)),
			     pat_byte((uint64_t)bad, 0x41), c->who);
	return vpass(c, "what the mapping wrote, the kernel-side view (%s) reads, %zu pages",
		     kbm_target_view_name(c->tgt), c->pages);
}

enum kbm_status tcheck_kernel_write_user_read(struct vctx *c)
{
	uint8_t *a, *buf;
	enum kbm_status st = coherence_setup(c, &buf, &a);
	char where[64];
	ssize_t bad;
	int err;

	if (st != KBM_PASS)
		return st;
	vtouch(c, a, c->size);	/* mapped before the write: no stale PTE may survive it */
	pat_fill(buf, c->size, 0, 0x42);
	err = view_rw(c, a, buf, c->size, 0, true);
	if (err)
		return view_failed(c, true, err);
	bad = tmismatch(c, a, 0x42);
	if (bad >= 0)
		return vfail(c, "after a write through the kernel-side view (%s) the mapping reads "
			     "0x%02x at %s, not 0x%02x: %s's mapping shows other memory or a stale copy",
			     kbm_target_view_name(c->tgt), a[bad],
			     vwhere(c, (uint64_t)bad, where, sizeof(where)),
			     pat_byte((uint64_t)bad, 0x42), c->who);
	return vpass(c, "what the kernel-side view (%s) wrote, the mapping shows, %zu pages",
		     kbm_target_view_name(c->tgt), c->pages);
}

/* Try one mapping past the end: NULL when refused, else what was accepted. */
static const char *past_end_accepted(struct vctx *c, size_t len, off_t off)
{
	void *p = mmap(NULL, len, PROT_READ, MAP_SHARED, c->tgt->fd, off);

	if (p == MAP_FAILED)
		return NULL;
	munmap(p, len);		/* never touched: past the end may be anything */
	return len > c->size ? "one page longer than the buffer" :
			       "one page starting at the buffer's end";
}

enum kbm_status tcheck_past_end(struct vctx *c)
{
	const struct kbm_target *t = c->tgt;
	const char *what;

	if (t->spec.kind == KBM_TARGET_DEVICE && !t->spec.size)
		return vskip(c, "device:PATH without :SIZE has no known end: give the size");
	what = past_end_accepted(c, c->size + c->ps, t->offset);
	if (!what)
		what = past_end_accepted(c, c->ps, t->offset + (off_t)c->size);
	if (what)
		return vfail(c, "%s accepted a mapping %s (%zu bytes): its .mmap does not "
			     "check vm_pgoff + vma_pages() against the buffer", c->who, what,
			     c->size);
	return vpass(c, "a mapping one page longer than the buffer, and one page at its end, "
		     "are both refused");
}

enum kbm_status tcheck_first_touch(struct vctx *c)
{
	void *a, *addr = NULL;
	int code = 0, sig;
	bool write = !c->registers;

	a = tmap(c, PROT_READ | PROT_WRITE, MAP_SHARED);
	if (a == MAP_FAILED)
		return tmap_failed(c, "the buffer", MAP_SHARED, errno);
	sig = vtry_touch(c, a, c->size, false, &addr, &code);
	if (!sig && write) {
		kbm_target_sync(c->tgt, true, true);
		sig = vtry_touch(c, a, c->size, true, &addr, &code);
		kbm_target_sync(c->tgt, false, true);
	}
	if (sig)
		return vfail(c, "%s (%s) at page %zu of %zu: %s could not resolve a fault "
			     "inside its own buffer", strsignal(sig), kbm_sigcode_name(sig, code),
			     (size_t)((uint8_t *)addr - (uint8_t *)a) / c->ps, c->pages, c->who);
	return vpass(c, "every one of %zu pages %s without a signal", c->pages,
		     write ? "read, then written," : "read (registers: not written)");
}
