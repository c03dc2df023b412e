// SPDX-License-Identifier: GPL-2.0
/*
 * Bounds and permissions: what mmap(), mremap(), munmap() and mprotect()
 * must refuse, and what a partial munmap must leave working.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* mremap; CMake defines it too */
#endif
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/statvfs.h>

#include "checks.h"
#include "kbm_dev.h"
#include "names.h"

enum kbm_status check_mmap_unaligned_offset(struct vctx *c)
{
	const off_t offs[] = { 1, (off_t)c->ps / 2, (off_t)c->ps - 1 };

	for (size_t i = 0; i < sizeof(offs) / sizeof(offs[0]); i++) {
		void *p = vmap(c, c->fd, c->ps, PROT_READ, MAP_SHARED, offs[i]);
		int err = errno;

		if (p != MAP_FAILED) {
			vunmap(c, p, c->ps);
			return vfail(c, "mmap at offset 0x%llx (not page aligned) succeeded",
				     (unsigned long long)offs[i]);
		}
		if (err != EINVAL)
			return vfail(c, "mmap at offset 0x%llx failed with %s, expected EINVAL",
				     (unsigned long long)offs[i], errno_name(err));
	}
	return vpass(c, "offsets 0x1, half a page and a page minus one refused with EINVAL "
		     "(the kernel checks this before the driver)");
}

enum kbm_status check_mmap_zero_length(struct vctx *c)
{
	void *p = vmap(c, c->fd, 0, PROT_READ, MAP_SHARED, 0);
	int err = errno;

	if (p != MAP_FAILED)
		return vfail(c, "mmap of length 0 succeeded");
	if (err != EINVAL)
		return vfail(c, "mmap of length 0 failed with %s, expected EINVAL",
			     errno_name(err));
	return vpass(c, "mmap of length 0 refused with EINVAL");
}

enum kbm_status check_mremap_grow(struct vctx *c)
{
	int prot = vmode_prot(c), flags = vmode_flags(c);
	uint8_t *a, *g;
	int err;

	a = vmap(c, c->fd, c->size, prot, flags, 0);
	if (a == MAP_FAILED)
		return vfail_mmap(c, "the buffer", c->size, prot, flags, errno);
	g = vremap(c, a, c->size, c->size + c->ps, MREMAP_MAYMOVE);
	err = errno;
	if (g != MAP_FAILED)
		return vfail(c, "mremap() grew the mapping to %llu pages, past the %llu-page buffer",
			     (unsigned long long)c->pages + 1, (unsigned long long)c->pages);
	if (err != EFAULT)
		return vfail(c, "mremap() growth failed with %s, expected EFAULT (what the kernel "
			     "returns for VM_DONTEXPAND or VM_PFNMAP mappings)", errno_name(err));
	return vpass(c, "growing the mapping by one page with mremap(MREMAP_MAYMOVE) refused with EFAULT");
}

/* After page @hole of @a was unmapped: do the other pages still show the buffer? */
static enum kbm_status rest_intact(struct vctx *c, uint8_t *a, size_t hole,
				   uint32_t salt)
{
	size_t n = c->pages, ps = c->ps, last = hole == n - 1 ? 0 : n - 1;
	uint8_t v = (uint8_t)~pat_byte(last * ps, salt), got = 0;
	char where[64];
	int err;

	for (size_t i = 0; i < n; i++) {
		ssize_t bad = i == hole ? -1 : pat_find_mismatch(a + i * ps, ps, i * ps, salt);

		if (bad >= 0)
			return vfail(c, "after unmapping page %zu, page %zu reads 0x%02x at %s, "
				     "the buffer holds 0x%02x: the pages left do not show the "
				     "buffer at their offsets",
				     hole, i, a[i * ps + (size_t)bad],
				     vwhere(c, i * ps + (size_t)bad, where, sizeof(where)),
				     pat_byte(i * ps + (uint64_t)bad, salt));
	}
	if (c->mode != VMODE_SHARED)
		return KBM_PASS;
	a[last * ps] = v;
	err = kbm_pread_all(c->fd, &got, 1, last * ps);
	if (err)
		return vfail(c, "pread(): %s", strerror(-err));
	if (got != v)
		return vfail(c, "after the partial munmap a write to page %zu is not seen by the "
			     "kernel (read 0x%02x, wrote 0x%02x)", last, got, v);
	return KBM_PASS;
}

/*
 * With every mapping of the buffer gone, each VMA that mmap() or a copy
 * (vm_ops->open) made must have been closed; a split made at least one copy.
 */
static enum kbm_status check_vma_counters(struct vctx *c)
{
	struct kbufmap_stats s;
	unsigned long long made, closed;
	int err;

	err = kbm_get_counters(c->fd, KBUFMAP_SCOPE_BUFFER, &s);
	if (err)
		return vfail(c, "GET_COUNTERS: %s", strerror(-err));
	made = (unsigned long long)(s.counters.mmaps + s.counters.vma_opens);
	closed = (unsigned long long)s.counters.vma_closes;
	if (!s.counters.vma_opens)
		return vfail(c, "the vma_opens counter is 0 after a split: vm_ops->open was not "
			     "called, or not counted");
	if (made != closed)
		return vfail(c, "mmaps + vma_opens = %llu VMAs made, vma_closes = %llu, with none "
			     "left mapped", made, closed);
	return KBM_PASS;
}

/*
 * Unmap a page out of the mapping (the middle one when there are 3 or more,
 * so one VMA becomes two) and prove the rest still shows the right pages,
 * and that the buffer counts its VMAs right (vm_ops->open on the split).
 */
enum kbm_status check_partial_munmap(struct vctx *c)
{
	enum kbm_status st;
	int prot = vmode_prot(c), flags = vmode_flags(c);
	size_t n = c->pages, hole = n >= 3 ? n / 2 : 0, ps = c->ps;
	unsigned int want_vmas = n >= 3 ? 2 : 1;
	const uint32_t salt = 0x77;
	struct kbufmap_info info;
	uint8_t *a, *buf;
	int err;

	if (n < 2)
		return vskip(c, "needs at least 2 pages (--pages)");
	a = vmap_patterned(c, salt, prot, flags, &buf, &st);
	if (!a)
		return st;
	vtouch(c, a, c->size);
	err = vunmap(c, a + hole * ps, ps);
	if (err)
		return vfail(c, "munmap() of page %zu alone failed: %s%s", hole,
			     errno_name(-err), err == -EINVAL ?
			     " (a .may_split that refuses partial unmaps?)" : "");
	st = rest_intact(c, a, hole, salt);
	if (st != KBM_PASS)
		return st;

	err = kbm_get_info(c->fd, &info);
	if (err)
		return vfail(c, "GET_INFO: %s", strerror(-err));
	if (info.live_vmas != want_vmas)
		return vfail(c, "GET_INFO says %u live VMAs after the mapping became %u",
			     info.live_vmas, want_vmas);
	if (hole)
		vunmap(c, a, hole * ps);
	vunmap(c, a + (hole + 1) * ps, (n - hole - 1) * ps);
	err = kbm_get_info(c->fd, &info);
	if (err)
		return vfail(c, "GET_INFO: %s", strerror(-err));
	if (info.live_vmas != 0)
		return vfail(c, "GET_INFO says %u live VMAs after everything was unmapped, "
			     "expected 0: vm_ops->close does not drop what vm_ops->open took",
			     info.live_vmas);
	st = check_vma_counters(c);
	if (st != KBM_PASS)
		return st;
	return vpass(c, "unmapping page %zu of %zu left %u VMA%s showing the right pages; "
		     "live VMAs %u, then 0 after the last munmap, as the VMA counters say",
		     hole, n, want_vmas, want_vmas > 1 ? "s" : "", want_vmas);
}

/* A read-only file with its own buffer (KBUFMAP_IOC_REOPEN_RDONLY); -errno. */
static int open_rdonly(struct vctx *c, enum kbm_status *st)
{
	int fd = vopen_buffer(c, O_RDONLY, c->pages);

	if (fd < 0)
		*st = vfail(c, "a read-only file with a buffer (CONFIGURE on O_RDWR, then "
			    "REOPEN_RDONLY): %s", strerror(-fd));
	return fd;
}

enum kbm_status check_rdonly_no_shared_write(struct vctx *c)
{
	enum kbm_status st = KBM_FAIL;
	int fd = open_rdonly(c, &st), err;
	void *p;

	if (fd < 0)
		return st;
	p = vmap(c, fd, c->size, PROT_READ | PROT_WRITE, MAP_SHARED, 0);
	err = errno;
	if (p != MAP_FAILED)
		return vfail(c, "a file opened O_RDONLY gave a writable MAP_SHARED mapping: "
			     "user space could write a buffer it may only read");
	if (err != EACCES)
		return vfail(c, "mmap(PROT_WRITE, MAP_SHARED) of an O_RDONLY file failed with %s, "
			     "expected EACCES", errno_name(err));
	return vpass(c, "mmap(PROT_READ|PROT_WRITE, MAP_SHARED) of an O_RDONLY file refused with EACCES");
}

enum kbm_status check_rdonly_no_mprotect_write(struct vctx *c)
{
	enum kbm_status st = KBM_FAIL;
	int fd = open_rdonly(c, &st), err;
	uint8_t *p;
	ssize_t bad;

	if (fd < 0)
		return st;
	p = vmap(c, fd, c->size, PROT_READ, MAP_SHARED, 0);
	if (p == MAP_FAILED)
		return vfail_mmap(c, "an O_RDONLY file", c->size, PROT_READ,
				  MAP_SHARED, errno);
	bad = find_nonzero(p, c->size);
	if (bad >= 0)
		return vfail(c, "the read-only mapping of a fresh buffer reads 0x%02x at offset 0x%zx",
			     p[bad], (size_t)bad);
	if (mprotect(p, c->size, PROT_READ | PROT_WRITE) == 0)
		return vfail(c, "mprotect() made a shared mapping of an O_RDONLY file writable");
	err = errno;
	if (err != EACCES)
		return vfail(c, "mprotect(PROT_WRITE) failed with %s, expected EACCES",
			     errno_name(err));
	return vpass(c, "a read-only shared mapping of an O_RDONLY file reads; mprotect(PROT_WRITE) "
		     "refused with EACCES");
}

enum kbm_status check_prot_exec_refused(struct vctx *c)
{
	int flags = vmode_flags(c), err;
	struct statvfs sv;
	uint8_t *p;

	if (statvfs(c->dev, &sv) == 0 && (sv.f_flag & ST_NOEXEC))
		return vskip(c, "%s is on a noexec file system: the kernel refuses PROT_EXEC "
			     "before the driver sees it, so the driver's own refusal cannot be seen",
			     c->dev);
	p = vmap(c, c->fd, c->size, PROT_READ | PROT_EXEC, flags, 0);
	err = errno;
	if (p != MAP_FAILED)
		return vfail(c, "mmap(PROT_READ|PROT_EXEC) succeeded: buffer contents could run as "
			     "code");
	if (err != EPERM && err != EACCES)
		return vfail(c, "mmap(PROT_READ|PROT_EXEC) failed with %s, expected EPERM",
			     errno_name(err));
	p = vmap(c, c->fd, c->size, PROT_READ, flags, 0);
	if (p == MAP_FAILED)
		return vfail_mmap(c, "the buffer", c->size, PROT_READ, flags, errno);
	if (mprotect(p, c->size, PROT_READ | PROT_EXEC) == 0)
		return vfail(c, "mprotect(PROT_EXEC) made the mapping executable, though mmap() "
			     "refused PROT_EXEC");
	if (errno != EACCES)
		return vfail(c, "mprotect(PROT_EXEC) failed with %s, expected EACCES",
			     errno_name(errno));
	return vpass(c, "mmap(PROT_EXEC) refused with %s, mprotect(PROT_EXEC) with EACCES",
		     errno_name(err));
}
