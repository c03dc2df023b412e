// SPDX-License-Identifier: GPL-2.0
/*
 * The foundation checks: the question this project grew from (does a
 * .fault-mapped buffer, mapped twice, alias the same pages?), made rigorous.
 * Map the buffer twice and prove both mappings are the buffer: distinct
 * addresses, same PFNs (pagemap and the kernel's own list), writes visible
 * across mappings and to/from the kernel's read()/write(), zeroed memory,
 * and no mapping past the end.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* asprintf, strerrorname_np; CMake defines it too */
#endif
#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include "checks.h"
#include "kbm_dev.h"
#include "names.h"
#include "pagemap.h"
#include "procfs.h"

/* Per-page marker bytes: distinct for up to 256 pages (37 is odd). */
static uint8_t first_byte(size_t page, uint8_t salt)
{
	return (uint8_t)(salt + page * 37);
}

static uint8_t last_byte(size_t page, uint8_t salt)
{
	return (uint8_t)(salt + 0x80 + page * 37);
}

/* The page whose marker @v is (inverse of *37 mod 256 is 173). */
static size_t marker_page(uint8_t v, uint8_t base)
{
	return (size_t)(uint8_t)((uint8_t)(v - base) * 173);
}

enum kbm_status check_distinct_addresses(struct vctx *c)
{
	int prot = vmode_prot(c), flags = vmode_flags(c);
	uint8_t *a, *b;
	enum kbm_status st;

	st = vmap_pair(c, prot, flags, &a, &b);
	if (st != KBM_PASS)
		return st;
	if (a == b)
		return vfail(c, "both mmap() calls returned %p: two mappings of one buffer must be two VMAs",
			     (void *)a);
	if (a < b + c->size && b < a + c->size)
		return vfail(c, "mapping A [%p, +%zu) and mapping B [%p, +%zu) overlap",
			     (void *)a, c->size, (void *)b, c->size);
	return vpass(c, "mapping A at %p and mapping B at %p (%zu bytes each) do not overlap",
		     (void *)a, (void *)b, c->size);
}

/* Compare the PFNs of mappings A (@ea) and B (@eb) with the kernel's (@kp). */
static enum kbm_status compare_pfns(struct vctx *c, const uint64_t *ea,
				    const uint64_t *eb, const uint64_t *kp,
				    size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (pm_pfn(ea[i]) != pm_pfn(eb[i]))
			return vfail(c, "page %zu: mapping A pfn 0x%llx != mapping B pfn 0x%llx: "
				     "the two mappings do not alias; the driver gives a different "
				     "page for the same offset",
				     i, (unsigned long long)pm_pfn(ea[i]),
				     (unsigned long long)pm_pfn(eb[i]));
	}
	for (size_t i = 0; i < n; i++) {
		if (pm_pfn(ea[i]) != kp[i])
			return vfail(c, "page %zu: mapped pfn 0x%llx but the buffer's page is pfn 0x%llx "
				     "(GET_PFNS): user space sees another page than the kernel uses",
				     i, (unsigned long long)pm_pfn(ea[i]),
				     (unsigned long long)kp[i]);
	}
	return vpass(c, "%zu pages: mapping A, mapping B and GET_PFNS agree on every PFN (page 0: pfn 0x%llx)",
		     n, (unsigned long long)kp[0]);
}

/*
 * Every page of both mappings present; PASS when pagemap shows PFNs,
 * SKIP when they are hidden (no CAP_SYS_ADMIN), else the FAIL.
 */
static enum kbm_status pfns_visible(struct vctx *c, const uint64_t *ea,
				    const uint64_t *eb, size_t n, int kerr)
{
	bool hidden = true;

	for (size_t i = 0; i < n; i++) {
		if (!pm_present(ea[i]) || !pm_present(eb[i]))
			return vfail(c, "page %zu of mapping %c is not present after it was read: "
				     "the fault was resolved without installing a PTE",
				     i, pm_present(ea[i]) ? 'B' : 'A');
		if (pm_pfn(ea[i]) || pm_pfn(eb[i]))
			hidden = false;
	}
	if (hidden)
		return vskip(c, "PFNs need CAP_SYS_ADMIN: /proc/self/pagemap shows PFN 0%s",
			     kerr == -EPERM ? " and GET_PFNS returns EPERM" : "");
	if (kerr == -EPERM)
		return vskip(c, "GET_PFNS returns EPERM (it needs CAP_SYS_ADMIN): the kernel's list cannot be compared");
	if (kerr)
		return vfail(c, "GET_PFNS failed: %s (%s)", errno_name(-kerr),
			     strerror(-kerr));
	return KBM_PASS;
}

enum kbm_status check_pagemap_alias(struct vctx *c)
{
	int prot = vmode_prot(c), flags = vmode_flags(c);
	size_t n = c->pages;
	uint64_t *ea, *eb, *kp;
	enum kbm_status st;
	uint8_t *a, *b;
	int err;

	st = vmap_pair(c, prot, flags, &a, &b);
	if (st != KBM_PASS)
		return st;
	ea = vzalloc(c, n * sizeof(*ea));
	eb = vzalloc(c, n * sizeof(*eb));
	kp = vzalloc(c, n * sizeof(*kp));
	if (!ea || !eb || !kp)
		return vfail(c, "out of memory");

	vtouch(c, a, c->size);
	vtouch(c, b, c->size);
	err = pagemap_read(a, n, ea);
	if (!err)
		err = pagemap_read(b, n, eb);
	if (err)
		return vfail(c, "reading /proc/self/pagemap: %s", strerror(-err));
	if (vmap_is_pfnmap(a))
		return vskip(c, "pagemap cannot see raw PFN mappings: the kernel's page walker "
			     "treats VM_PFNMAP VMAs as holes, so user space has no PFN to compare "
			     "(the coherence checks prove the aliasing instead)");
	st = pfns_visible(c, ea, eb, n, kbm_get_pfns(c->fd, 0, n, kp));
	if (st != KBM_PASS)
		return st;
	return compare_pfns(c, ea, eb, kp, n);
}

static enum kbm_status cross_write(struct vctx *c, uint8_t *w, uint8_t *r,
				   char wn, char rn, uint8_t salt)
{
	size_t ps = c->ps;

	for (size_t i = 0; i < c->pages; i++) {
		w[i * ps] = first_byte(i, salt);
		w[i * ps + ps - 1] = last_byte(i, salt);
	}
	for (size_t i = 0; i < c->pages; i++) {
		uint8_t want[2] = { first_byte(i, salt), last_byte(i, salt) };
		uint8_t got[2] = { r[i * ps], r[i * ps + ps - 1] };

		for (int k = 0; k < 2; k++) {
			size_t other;

			if (got[k] == want[k])
				continue;
			other = marker_page(got[k], k ? (uint8_t)(salt + 0x80) : salt);
			if (other < c->pages && other != i && c->pages <= 256)
				return vfail(c, "page %zu %s byte: wrote 0x%02x through mapping %c, "
					     "mapping %c reads 0x%02x, the value written to page %zu: "
					     "the mappings put pages at different offsets",
					     i, k ? "last" : "first", want[k], wn, rn,
					     got[k], other);
			return vfail(c, "page %zu %s byte: wrote 0x%02x through mapping %c, "
				     "mapping %c reads 0x%02x: the two mappings do not share "
				     "this page (a private copy, or another page for this offset)",
				     i, k ? "last" : "first", want[k], wn, rn, got[k]);
		}
	}
	return KBM_PASS;
}

enum kbm_status check_cross_mapping_write(struct vctx *c)
{
	int prot = PROT_READ | PROT_WRITE;
	uint8_t *a, *b;
	enum kbm_status st;

	st = vmap_pair(c, prot, MAP_SHARED, &a, &b);
	if (st != KBM_PASS)
		return st;
	if (cross_write(c, a, b, 'A', 'B', 0x11) != KBM_PASS ||
	    cross_write(c, b, a, 'B', 'A', 0x5c) != KBM_PASS)
		return KBM_FAIL;
	return vpass(c, "first and last byte of each of %llu pages, a distinct value per page, "
		     "written through one mapping and read through the other, both ways",
		     (unsigned long long)c->pages);
}

enum kbm_status check_user_write_kernel_read(struct vctx *c)
{
	int prot = PROT_READ | PROT_WRITE;
	const uint32_t salt = 0x1234;
	uint8_t *a, *buf;
	char where[64];
	ssize_t bad;
	int err;

	a = vmap(c, c->fd, c->size, prot, MAP_SHARED, 0);
	if (a == MAP_FAILED)
		return vfail_mmap(c, "the buffer", c->size, prot, MAP_SHARED, errno);
	buf = vzalloc(c, c->size);
	if (!buf)
		return vfail(c, "out of memory");
	pat_fill(a, c->size, 0, salt);
	err = kbm_pread_all(c->fd, buf, c->size, 0);
	if (err)
		return vfail(c, "pread() of the whole buffer: %s", strerror(-err));
	bad = pat_find_mismatch(buf, c->size, 0, salt);
	if (bad >= 0) {
		size_t page = (size_t)bad / c->ps;
		ssize_t from = pat_which_page(buf + page * c->ps, c->ps, c->pages, salt);

		if (from >= 0)
			return vfail(c, "buffer page %zu holds what user space wrote to page %zd of "
				     "the mapping: the mapping shows the buffer's pages at the wrong "
				     "offsets", page, from);
		return vfail(c, "at %s the kernel's read() returns 0x%02x but user space wrote "
			     "0x%02x there through the mapping: user writes do not land in the "
			     "buffer at that offset (the mapped page is not the buffer's page)",
			     vwhere(c, (uint64_t)bad, where, sizeof(where)), buf[bad],
			     pat_byte((uint64_t)bad, salt));
	}
	return vpass(c, "all %zu bytes written through the mapping read back by the kernel's read()",
		     c->size);
}

enum kbm_status check_kernel_write_user_read(struct vctx *c)
{
	int prot = vmode_prot(c), flags = vmode_flags(c);
	const uint32_t salt = 0x4321;
	uint8_t *m[2], *buf;
	char where[64];
	int err;

	for (int k = 0; k < 2; k++) {
		m[k] = vmap(c, c->fd, c->size, prot, flags, 0);
		if (m[k] == MAP_FAILED)
			return vfail_mmap(c, k ? "mapping B" : "mapping A",
					  c->size, prot, flags, errno);
		/* Fault it in first: the kernel's write must reach mapped pages. */
		vtouch(c, m[k], c->size);
	}
	buf = vzalloc(c, c->size);
	if (!buf)
		return vfail(c, "out of memory");
	pat_fill(buf, c->size, 0, salt);
	err = kbm_pwrite_all(c->fd, buf, c->size, 0);
	if (err)
		return vfail(c, "pwrite() of the whole buffer: %s", strerror(-err));
	for (int k = 0; k < 2; k++) {
		ssize_t bad = pat_find_mismatch(m[k], c->size, 0, salt);

		if (bad >= 0) {
			size_t page = (size_t)bad / c->ps;
			ssize_t from = pat_which_page(m[k] + page * c->ps, c->ps,
						      c->pages, salt);

			if (from >= 0)
				return vfail(c, "page %zu of mapping %c shows buffer page %zd: the "
					     "mapping puts the buffer's pages at the wrong offsets",
					     page, 'A' + k, from);
			return vfail(c, "at %s mapping %c reads 0x%02x after the kernel wrote 0x%02x "
				     "with write(): the mapping does not show the buffer's page "
				     "(a stale copy, or another page for this offset)",
				     vwhere(c, (uint64_t)bad, where, sizeof(where)),
				     'A' + k, m[k][bad], pat_byte((uint64_t)bad, salt));
		}
	}
	return vpass(c, "all %zu bytes written by the kernel's write() seen in both (already faulted-in) mappings",
		     c->size);
}

enum kbm_status check_zeroed(struct vctx *c)
{
	int prot = vmode_prot(c), flags = vmode_flags(c);
	char where[64];
	uint8_t *a;
	ssize_t bad;

	a = vmap(c, c->fd, c->size, prot, flags, 0);
	if (a == MAP_FAILED)
		return vfail_mmap(c, "the buffer", c->size, prot, flags, errno);
	bad = find_nonzero(a, c->size);
	if (bad >= 0)
		return vfail(c, "a fresh buffer reads 0x%02x at %s, expected 0: the buffer is "
			     "not zeroed at allocation",
			     a[bad], vwhere(c, (uint64_t)bad, where, sizeof(where)));
	return vpass(c, "all %zu bytes of a fresh buffer read as zero through the mapping",
		     c->size);
}

enum kbm_status check_mmap_past_end(struct vctx *c)
{
	int prot = vmode_prot(c), flags = vmode_flags(c);
	size_t ps = c->ps, n = c->pages;
	const struct {
		off_t off;
		size_t len;
		const char *what;
	} cases[] = {
		{ 0, c->size + ps, "offset 0, one page longer than the buffer" },
		{ (off_t)((n - 1) * ps), 2 * ps, "the last page's offset, two pages long" },
		{ (off_t)c->size, ps, "offset at the end of the buffer" },
		{ (off_t)(c->size + 16 * ps), ps, "offset 16 pages past the end" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		void *p = vmap(c, c->fd, cases[i].len, prot, flags, cases[i].off);
		int err = errno;

		if (p != MAP_FAILED) {
			vunmap(c, p, cases[i].len);
			return vfail(c, "mmap(%s: offset 0x%llx, length 0x%zx) of a %zu-page buffer "
				     "succeeded, reaching past the end of the buffer",
				     cases[i].what, (unsigned long long)cases[i].off,
				     cases[i].len, n);
		}
		if (err != EINVAL)
			return vfail(c, "mmap(%s) failed with %s, expected EINVAL",
				     cases[i].what, errno_name(err));
	}
	return vpass(c, "4 mappings reaching past the end of the %zu-page buffer (length past "
		     "the end, offset at and past the end) refused with EINVAL", n);
}
