// SPDX-License-Identifier: GPL-2.0
/*
 * More aliasing and coherence: a dup()ed descriptor maps the same buffer, a
 * second open() has its own, writes across page boundaries and over the
 * whole buffer are seen everywhere, the data survives MADV_DONTNEED and the
 * mapping survives close().
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* CMake defines it too */
#endif
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>

#include "checks.h"
#include "kbm_dev.h"
#include "mapping.h"
#include "names.h"
#include "pagemap.h"
#include "procfs.h"

/*
 * Map the whole of what @fd_a and @fd_b open, shared and read-write, at *@a
 * and *@b (both unmapped when the check ends). KBM_PASS, or the failure,
 * naming the file as @what_a or @what_b.
 */
static enum kbm_status map_both(struct vctx *c, int fd_a, const char *what_a,
				uint8_t **a, int fd_b, const char *what_b,
				uint8_t **b)
{
	const int prot = PROT_READ | PROT_WRITE;

	*a = vmap(c, fd_a, c->size, prot, MAP_SHARED, 0);
	if (*a == MAP_FAILED)
		return vfail_mmap(c, what_a, c->size, prot, MAP_SHARED, errno);
	*b = vmap(c, fd_b, c->size, prot, MAP_SHARED, 0);
	if (*b == MAP_FAILED)
		return vfail_mmap(c, what_b, c->size, prot, MAP_SHARED, errno);
	return KBM_PASS;
}

enum kbm_status check_dup_fd_alias(struct vctx *c)
{
	const uint32_t salt = 0xd0;
	enum kbm_status st;
	uint8_t *a, *b;
	uint64_t ea, eb;
	char where[64];
	ssize_t bad;
	int d;

	d = vdup(c, c->fd);
	if (d < 0)
		return vfail(c, "dup(): %s", strerror(-d));
	st = map_both(c, c->fd, "the original descriptor", &a,
		      d, "the dup()ed descriptor", &b);
	if (st != KBM_PASS)
		return st;
	pat_fill(a, c->size, 0, salt);
	bad = pat_find_mismatch(b, c->size, 0, salt);
	if (bad >= 0)
		return vfail(c, "at %s the mapping of the dup()ed descriptor reads 0x%02x, the "
			     "original's 0x%02x: one open file shows two buffers",
			     vwhere(c, (uint64_t)bad, where, sizeof(where)), b[bad],
			     a[bad]);
	if (!pagemap_read(a, 1, &ea) && !pagemap_read(b, 1, &eb) &&
	    pm_pfn(ea) && pm_pfn(ea) != pm_pfn(eb))
		return vfail(c, "page 0: pfn 0x%llx through the original descriptor, 0x%llx "
			     "through the dup()ed one",
			     (unsigned long long)pm_pfn(ea),
			     (unsigned long long)pm_pfn(eb));
	return vpass(c, "mappings through a descriptor and its dup() show the same %zu bytes",
		     c->size);
}

enum kbm_status check_separate_opens(struct vctx *c)
{
	enum kbm_status st;
	uint8_t *a, *b, *buf;
	char where[64];
	ssize_t bad;
	int fd2, err;

	fd2 = vopen_buffer(c, O_RDWR, c->pages);
	if (fd2 < 0)
		return vfail(c, "a second open() with its own buffer: %s", strerror(-fd2));
	st = map_both(c, c->fd, "the first file's buffer", &a,
		      fd2, "the second file's buffer", &b);
	if (st != KBM_PASS)
		return st;
	buf = vzalloc(c, c->size);
	if (!buf)
		return vfail(c, "out of memory");
	memset(a, 0xee, c->size);
	bad = find_nonzero(b, c->size);
	if (bad >= 0)
		return vfail(c, "writes through the first file's mapping show in the second file's "
			     "mapping (0x%02x at %s): the open files share one buffer",
			     b[bad], vwhere(c, (uint64_t)bad, where, sizeof(where)));
	err = kbm_pread_all(fd2, buf, c->size, 0);
	if (err)
		return vfail(c, "pread() of the second file: %s", strerror(-err));
	bad = find_nonzero(buf, c->size);
	if (bad >= 0)
		return vfail(c, "the second file's read() returns 0x%02x at %s after writes to the "
			     "first file's mapping: the open files share one buffer",
			     buf[bad], vwhere(c, (uint64_t)bad, where, sizeof(where)));
	return vpass(c, "two open() calls have two buffers: writes to one stay out of the other");
}

enum kbm_status check_page_boundaries(struct vctx *c)
{
	const int prot = PROT_READ | PROT_WRITE;
	const uint32_t salt = 0xb0;
	size_t ps = c->ps;
	uint8_t *a, *b, got[16];
	enum kbm_status st;
	int err;

	if (c->pages < 2)
		return vskip(c, "a 1-page buffer has no page boundary (--pages 2 or more)");
	st = vmap_pair(c, prot, MAP_SHARED, &a, &b);
	if (st != KBM_PASS)
		return st;
	/* 16 bytes across each boundary, in one copy: 8 on each side. */
	for (size_t i = 1; i < c->pages; i++) {
		uint8_t src[16];

		pat_fill(src, sizeof(src), i * ps - 8, salt);
		memcpy(a + i * ps - 8, src, sizeof(src));
	}
	for (size_t i = 1; i < c->pages; i++) {
		uint64_t off = i * ps - 8;
		ssize_t bad = pat_find_mismatch(b + off, 16, off, salt);

		if (bad >= 0)
			return vfail(c, "a 16-byte write across the boundary of pages %zu and %zu "
				     "through mapping A reads back wrong through mapping B at byte %zd "
				     "(page %zu): the pages on either side are not the buffer's "
				     "neighbours", i - 1, i, bad, bad < 8 ? i - 1 : i);
		err = kbm_pread_all(c->fd, got, sizeof(got), off);
		if (err)
			return vfail(c, "pread(): %s", strerror(-err));
		bad = pat_find_mismatch(got, 16, off, salt);
		if (bad >= 0)
			return vfail(c, "a 16-byte write across the boundary of pages %zu and %zu "
				     "reads back wrong through the kernel's read() at byte %zd",
				     i - 1, i, bad);
	}
	return vpass(c, "16-byte writes across all %llu page boundaries seen through the other "
		     "mapping and the kernel's read()", (unsigned long long)c->pages - 1);
}

enum kbm_status check_whole_buffer(struct vctx *c)
{
	const int prot = PROT_READ | PROT_WRITE;
	const uint32_t salt = 0x3c3c;
	uint8_t *a, *b;
	enum kbm_status st;
	char where[64];
	ssize_t bad;

	st = vmap_pair(c, prot, MAP_SHARED, &a, &b);
	if (st != KBM_PASS)
		return st;
	pat_fill(a, c->size, 0, salt);
	bad = pat_find_mismatch(b, c->size, 0, salt);
	if (bad >= 0)
		return vfail(c, "at %s mapping B reads 0x%02x, mapping A wrote 0x%02x",
			     vwhere(c, (uint64_t)bad, where, sizeof(where)), b[bad],
			     pat_byte((uint64_t)bad, salt));
	return vpass(c, "every byte of %zu written through mapping A read back through mapping B",
		     c->size);
}

/* MADV_DONTNEED on a raw PFN mapping: EINVAL by design; say so. */
static enum kbm_status dontneed_refused(struct vctx *c, void *p, int err)
{
	struct vma_info vi;

	if (err == EINVAL && !smaps_find(p, &vi) && vma_has_flag(&vi, "pf"))
		return vskip(c, "MADV_DONTNEED refused with EINVAL: raw PFN mappings (VM_PFNMAP) "
			     "cannot be zapped by madvise(), so there is nothing to re-fault");
	return vfail(c, "madvise(MADV_DONTNEED) failed: %s", errno_name(err));
}

enum kbm_status vrefault_after_dontneed(struct vctx *c, void *p, size_t len)
{
	void *addr = NULL;
	int code = 0, sig;

	sig = vtry_touch(c, p, len, false, &addr, &code);
	if (!sig)
		return KBM_PASS;
	if (kbufmap_strategy_prefaults(c->strategy))
		return vfail(c, "after MADV_DONTNEED the first read of page %zu got %s (%s): %s maps "
			     "every page inside mmap() and has no .fault handler, so pages that "
			     "MADV_DONTNEED removed can never come back",
			     (size_t)((uint8_t *)addr - (uint8_t *)p) / c->ps,
			     strsignal(sig), kbm_sigcode_name(sig, code),
			     strategy_name(c->strategy));
	return vfail(c, "after MADV_DONTNEED the first read of page %zu got %s (%s): the .fault "
		     "handler refused to map the page again",
		     (size_t)((uint8_t *)addr - (uint8_t *)p) / c->ps, strsignal(sig),
		     kbm_sigcode_name(sig, code));
}

enum kbm_status check_dontneed_persists(struct vctx *c)
{
	enum kbm_status st;
	const int prot = PROT_READ | PROT_WRITE;
	const uint32_t salt = 0x99;
	uint8_t *a, *buf, v, got;
	char where[64];
	ssize_t bad;
	int err;

	a = vmap_patterned(c, salt, prot, MAP_SHARED, &buf, &st);
	if (!a)
		return st;
	vtouch(c, a, c->size);
	if (madvise(a, c->size, MADV_DONTNEED) != 0)
		return dontneed_refused(c, a, errno);
	if (vrefault_after_dontneed(c, a, c->size) != KBM_PASS)
		return KBM_FAIL;
	bad = pat_find_mismatch(a, c->size, 0, salt);
	if (bad >= 0)
		return vfail(c, "after MADV_DONTNEED the mapping reads 0x%02x at %s, the buffer holds "
			     "0x%02x: the re-fault did not bring the buffer's page back (zero "
			     "page, or anonymous memory?)", a[bad],
			     vwhere(c, (uint64_t)bad, where, sizeof(where)),
			     pat_byte((uint64_t)bad, salt));
	v = (uint8_t)~a[c->size - 1];
	a[c->size - 1] = v;
	err = kbm_pread_all(c->fd, &got, 1, c->size - 1);
	if (err)
		return vfail(c, "pread(): %s", strerror(-err));
	if (got != v)
		return vfail(c, "after MADV_DONTNEED, a write through the re-faulted mapping is not "
			     "seen by the kernel (0x%02x, wrote 0x%02x)", got, v);
	return vpass(c, "after MADV_DONTNEED all %zu bytes re-fault with the buffer's data, and "
		     "writes still reach the kernel", c->size);
}

enum kbm_status check_survives_close(struct vctx *c)
{
	enum kbm_status st;
	int prot = vmode_prot(c), flags = vmode_flags(c);
	const uint32_t salt = 0xc1;
	char where[64];
	uint8_t *a, *buf;
	ssize_t bad;

	a = vmap_patterned(c, salt, prot, flags, &buf, &st);
	if (!a)
		return st;
	vclose(c, c->fd);
	/* Nothing touched yet: fault-driven strategies fault after close(). */
	bad = pat_find_mismatch(a, c->size, 0, salt);
	if (bad >= 0)
		return vfail(c, "after close() the mapping reads 0x%02x at %s, the buffer held 0x%02x: "
			     "the buffer did not outlive its file", a[bad],
			     vwhere(c, (uint64_t)bad, where, sizeof(where)),
			     pat_byte((uint64_t)bad, salt));
	if (c->mode == VMODE_SHARED) {
		memset(a, 0x5a, c->size);
		bad = -1;
		for (size_t i = 0; i < c->size && bad < 0; i++)
			if (a[i] != 0x5a)
				bad = (ssize_t)i;
		if (bad >= 0)
			return vfail(c, "after close() a write through the mapping does not read back at %s",
				     vwhere(c, (uint64_t)bad, where, sizeof(where)));
	}
	return vpass(c, "after close() of the only descriptor the mapping still shows the buffer%s",
		     c->mode == VMODE_SHARED ? " and takes writes" : "");
}
