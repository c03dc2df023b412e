// SPDX-License-Identifier: GPL-2.0
/*
 * The checks of `verify --target` on another driver's buffer, in the order
 * they run; each gets a freshly opened target. Names shared with
 * verify_checks[] mean the same proof. The last rows are kbufmap's own
 * checks that a foreign driver cannot have: they SKIP with the reason.
 */
#include "checks.h"

#define SH VMODE_SHARED
#define PR VMODE_PRIVATE

static enum kbm_status tcheck_zeroed(struct vctx *c)
{
	return vskip(c, "only kbufmap: zeroing at allocation is proven through the module's "
		     "own fresh buffer; %s allocates its own way", c->who);
}

static enum kbm_status tcheck_buffer_released(struct vctx *c)
{
	return vskip(c, "only kbufmap: the buffer's lifetime is read from the module's "
		     "counters, which %s does not have", c->who);
}

static enum kbm_status tcheck_fault_accounting(struct vctx *c)
{
	return vskip(c, "only kbufmap: fault counts come from the module's counters "
		     "(fault-trace --function counts another driver's handler)");
}

static const char explain_driver[] =
	"The driver's .mmap or fault path is where this goes wrong: it maps other "
	"memory than its buffer for an offset, or a stale copy of it.";

const struct vcheck verify_target_checks[] = {
	/* name, group, modes, flags, applies, fn, doc (PASS), explain (FAIL) */
	{ "cross-mapping-write", "aliasing", SH, 0, NULL, tcheck_cross_write,
	  "two MAP_SHARED mappings show the same data, every byte both ways", explain_driver },
	{ "pagemap-alias", "aliasing", SH, 0, NULL, tcheck_pagemap_alias,
	  "both mappings show the same PFN per page in /proc/self/pagemap (SKIP on VM_PFNMAP)",
	  explain_driver },
	{ "user-write-kernel-read", "coherence", SH, 0, NULL, tcheck_user_write_kernel_read,
	  "what the mapping writes, the kernel-side view (memfd, read(), vm_ops->access) reads",
	  explain_driver },
	{ "kernel-write-user-read", "coherence", SH, 0, NULL, tcheck_kernel_write_user_read,
	  "what the kernel-side view writes, the mapping shows", explain_driver },
	{ "mmap-past-end-refused", "bounds", SH, VCHK_NO_TOUCH, NULL, tcheck_past_end,
	  "a mapping longer than the buffer, or starting at its end, is refused",
	  ".mmap must refuse vm_pgoff + vma_pages() past the end of the buffer (EINVAL); "
	  "otherwise a touch past the end SIGBUSes at best and reaches memory that is not "
	  "the buffer's at worst." },
	{ "first-touch-no-sigbus", "faults", SH, 0, NULL, tcheck_first_touch,
	  "the first read and write of every page succeeds",
	  "Every page of the buffer must fault in: a SIGBUS means the fault handler "
	  "refused an offset inside the buffer, or a prefaulting mmap left a hole." },
	{ "fork-shared", "fork", SH, 0, NULL, tcheck_fork_shared,
	  "a child shares a MAP_SHARED mapping both ways",
	  "A child inherits MAP_SHARED mappings (unless VM_DONTCOPY) and must see the "
	  "same memory as the parent." },
	{ "madv-dontneed-persists", "persistence", SH, 0, NULL, tcheck_dontneed,
	  "after MADV_DONTNEED a shared mapping re-faults the buffer's data (or is never zapped)",
	  "After a zap the next touch must fault the buffer's page back: a driver that maps "
	  "everything at mmap() still needs a .fault." },
	{ "pinnable", "pinning", SH, 0, NULL, tcheck_pinnable,
	  "vmsplice() can pin a page of the mapping, or fails with EFAULT on VM_PFNMAP/VM_IO",
	  "get_user_pages() works on VMAs without VM_PFNMAP/VM_IO: another error means "
	  "the pages are not what core mm expects." },
	{ "vma-flags", "report", SH | PR, 0, NULL, tcheck_vma_flags,
	  "the mapping's VmFlags, with the notable ones named", NULL },
	{ "private-cow", "cow", PR, 0, NULL, tcheck_private_cow,
	  "MAP_PRIVATE is refused (EINVAL), or is correct copy-on-write",
	  "A private mapping's writes must stay in the process: a driver that maps its "
	  "buffer writable in a private VMA lets them reach everyone." },
	{ "private-writes-reach-device", "cow", PR, 0, NULL, tcheck_private_writes_lost,
	  "a device buffer (framebuffer, UIO BAR) refuses MAP_PRIVATE",
	  "A device whose buffer is what it shows or does (a framebuffer's screen, a BAR) "
	  "should refuse MAP_PRIVATE (-EINVAL without VM_SHARED in .mmap): copy-on-write "
	  "puts every write into the process's own anonymous copy, so the device never "
	  "sees it, silently." },
	{ "zeroed", "zeroed", SH, VCHK_NO_TOUCH, NULL, tcheck_zeroed,
	  "kbufmap only", NULL },
	{ "buffer-released", "lifetime", SH, VCHK_NO_TOUCH, NULL, tcheck_buffer_released,
	  "kbufmap only", NULL },
	{ "fault-accounting", "accounting", SH, VCHK_NO_TOUCH, NULL, tcheck_fault_accounting,
	  "kbufmap only", NULL },
};

const size_t verify_nr_target_checks =
	sizeof(verify_target_checks) / sizeof(verify_target_checks[0]);
