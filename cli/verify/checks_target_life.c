// SPDX-License-Identifier: GPL-2.0
/*
 * `verify --target`, part two: fork, MADV_DONTNEED, pinning, the VMA flags
 * and MAP_PRIVATE on another driver's buffer (see checks_target.c).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* vmsplice */
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <unistd.h>

#include "checks.h"
#include "kbm_dev.h"
#include "names.h"
#include "procfs.h"
#include "target.h"
#include "vmflags.h"

/* The VmFlags of the VMA at @a, or "?" */
static const char *flags_of(const void *a, struct vma_info *vi)
{
	if (smaps_find(a, vi))
		snprintf(vi->vmflags, sizeof(vi->vmflags), "?");
	return vi->vmflags;
}

/* Child: sees the parent's pattern 0x51, then writes 0x52 for the parent. */
static int fork_child(struct vctx *c, uint8_t *a)
{
	if (pat_find_mismatch(a, c->size, 0, 0x51) >= 0)
		return 1;
	tfill(c, a, 0x52);
	return 0;
}

enum kbm_status tcheck_fork_shared(struct vctx *c)
{
	enum kbm_status st;
	uint8_t *a;
	pid_t pid;
	int rc;

	st = tmap_filled(c, 0x51, &a);
	if (st != KBM_PASS)
		return st;
	pid = vfork_child();
	if (pid < 0)
		return vfail(c, "fork(): %s", strerror(errno));
	if (pid == 0)
		_exit(fork_child(c, a));
	rc = vwait(pid);
	if (rc == 1)
		return vfail(c, "the child does not see the parent's data in the inherited "
			     "MAP_SHARED mapping of %s", c->who);
	if (rc != 0)
		return vfail(c, "the child died (status %d) touching the inherited mapping "
			     "of %s (128+N is signal N)", rc, c->who);
	if (pat_find_mismatch(a, c->size, 0, 0x52) >= 0)
		return vfail(c, "the child's writes to the inherited MAP_SHARED mapping of %s "
			     "do not show in the parent", c->who);
	return vpass(c, "a child sees the parent's data and the parent the child's, %zu pages",
		     c->pages);
}

enum kbm_status tcheck_dontneed(struct vctx *c)
{
	struct vma_info vi;
	enum kbm_status st;
	uint8_t *a;

	st = tmap_filled(c, 0x61, &a);
	if (st != KBM_PASS)
		return st;
	if (madvise(a, c->size, MADV_DONTNEED) != 0) {
		int err = errno;

		if (err == EINVAL && vmap_is_pfnmap(a))
			return vpass(c, "MADV_DONTNEED refused with EINVAL: a finding, not a fault: "
				     "%s maps raw PFNs (VmFlags %s; VM_PFNMAP), which core mm "
				     "never zaps on request, so the data cannot be dropped",
				     c->who, flags_of(a, &vi));
		return vfail(c, "MADV_DONTNEED: %s (%s) on a MAP_SHARED mapping of %s",
			     errno_name(err), strerror(err), c->who);
	}
	if (vrefault_after_dontneed(c, a, c->size) != KBM_PASS)
		return KBM_FAIL;
	if (pat_find_mismatch(a, c->size, 0, 0x61) >= 0)
		return vfail(c, "after MADV_DONTNEED the mapping of %s no longer shows the data "
			     "written before: the re-fault brought another page than the buffer's",
			     c->who);
	return vpass(c, "after MADV_DONTNEED every page re-faults with the buffer's data");
}

/* vmsplice() page 0 of @a into a pipe: the bytes spliced, or -errno. */
static ssize_t splice_page(struct vctx *c, uint8_t *a, uint8_t *back)
{
	struct iovec iov = { .iov_base = a, .iov_len = c->ps };
	int p[2];
	ssize_t n;

	if (pipe2(p, O_CLOEXEC) != 0)
		return -errno;
	n = vmsplice(p[1], &iov, 1, 0);
	if (n < 0)
		n = -errno;
	else if (read(p[0], back, (size_t)n) != n)
		n = -EIO;
	close(p[0]);
	close(p[1]);
	return n;
}

enum kbm_status tcheck_pinnable(struct vctx *c)
{
	uint8_t *a, *back = vzalloc(c, c->ps);
	struct vma_info vi;
	ssize_t n;

	if (!back)
		return vfail(c, "out of memory");
	a = tmap(c, PROT_READ | PROT_WRITE, MAP_SHARED);
	if (a == MAP_FAILED)
		return tmap_failed(c, "the buffer", MAP_SHARED, errno);
	vtouch(c, a, c->size);
	kbm_target_sync(c->tgt, true, false);
	n = splice_page(c, a, back);
	kbm_target_sync(c->tgt, false, false);
	flags_of(a, &vi);
	if (n == -EFAULT && (vma_has_flag(&vi, "pf") || vma_has_flag(&vi, "io")))
		return vpass(c, "not pinnable: a finding, not a fault: vmsplice() gets EFAULT, as "
			     "get_user_pages() does for VM_PFNMAP/VM_IO (VmFlags %s): %s's buffer "
			     "cannot take zero-copy I/O (O_DIRECT, vmsplice, RDMA)", vi.vmflags,
			     c->who);
	if (n < 0)
		return vfail(c, "vmsplice() of page 0: %s (%s), on a VMA without pf/io (VmFlags "
			     "%s) of %s", errno_name((int)-n), strerror((int)-n), vi.vmflags, c->who);
	if ((size_t)n != c->ps || memcmp(back, a, c->ps))
		return vfail(c, "vmsplice() of page 0 gave %zd bytes that are not the mapping's", n);
	return vpass(c, "pinnable: vmsplice() pinned page 0 and the pipe holds its data "
		     "(VmFlags %s)", vi.vmflags);
}

/* The notable flags of @vi as "VM_PFNMAP VM_IO ..." for the report. */
static void notable_flags(const struct vma_info *vi, char *buf, size_t len)
{
	static const char *const letters[] = { "pf", "io", "mw", "de", "dd", "dc", "mm", "hg", "nh" };
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(letters) / sizeof(letters[0]); i++) {
		const struct vmflag_info *f = vmflag_lookup(letters[i]);

		if (vma_has_flag(vi, letters[i]) && f && f->name && used < len)
			used += (size_t)snprintf(buf + used, len - used, "%s%s",
						 used ? " " : "", f->name);
	}
}

enum kbm_status tcheck_vma_flags(struct vctx *c)
{
	int flags = vmode_flags(c);
	char names[160];
	struct vma_info vi;
	uint8_t *a;

	a = tmap(c, PROT_READ, flags);
	if (a == MAP_FAILED) {
		if (flags == MAP_PRIVATE && errno == EINVAL)
			return vskip(c, "%s refuses MAP_PRIVATE (see private-cow)", c->who);
		return tmap_failed(c, "the buffer", flags, errno);
	}
	vtouch(c, a, c->ps);
	if (smaps_find(a, &vi))
		return vfail(c, "the mapping is not in /proc/self/smaps");
	notable_flags(&vi, names, sizeof(names));
	return vpass(c, "VmFlags %s (%s), Rss %lu kB after one touch", vi.vmflags,
		     names[0] ? names : "nothing special", vi.rss_kb);
}
