// SPDX-License-Identifier: GPL-2.0
/*
 * VmFlags letters, from show_smap_vma_flags() (fs/proc/task_mmu.c) of Linux
 * 6.1 and 6.12. 6.12 adds lf (VM_LOCKONFAULT), ss (VM_SHADOW_STACK), dp
 * (VM_DROPPABLE) and sl (VM_SEALED); "ar" is VM_ARCH_1, which x86 uses as
 * VM_PAT.
 */
#include <stdio.h>
#include <string.h>

#include "vmflags.h"

static const struct vmflag_info vmflag_table[] = {
	{ "rd", "VM_READ", "readable", "6.1" },
	{ "wr", "VM_WRITE", "writable", "6.1" },
	{ "ex", "VM_EXEC", "executable", "6.1" },
	{ "sh", "VM_SHARED", "shared and writable: writes reach the buffer", "6.1" },
	{ "mr", "VM_MAYREAD", "mprotect() may add read", "6.1" },
	{ "mw", "VM_MAYWRITE", "mprotect() may add write (with !sh: a copy-on-write mapping)", "6.1" },
	{ "me", "VM_MAYEXEC", "mprotect() may add exec", "6.1" },
	{ "ms", "VM_MAYSHARE", "MAP_SHARED was asked for", "6.1" },
	{ "gd", "VM_GROWSDOWN", "stack that grows down", "6.1" },
	{ "pf", "VM_PFNMAP", "raw page frames, no struct page behind the PTEs: not in RSS, not pinnable (GUP), invisible to pagemap", "6.1" },
	{ "lo", "VM_LOCKED", "mlock()ed", "6.1" },
	{ "io", "VM_IO", "device I/O memory: not dumped, not pinnable, no access from ptrace without .access", "6.1" },
	{ "sr", "VM_SEQ_READ", "MADV_SEQUENTIAL", "6.1" },
	{ "rr", "VM_RAND_READ", "MADV_RANDOM", "6.1" },
	{ "dc", "VM_DONTCOPY", "not inherited by fork() (MADV_DONTFORK)", "6.1" },
	{ "de", "VM_DONTEXPAND", "mremap() cannot grow it past the buffer", "6.1" },
	{ "ac", "VM_ACCOUNT", "counted against overcommit", "6.1" },
	{ "nr", "VM_NORESERVE", "no swap space reserved", "6.1" },
	{ "ht", "VM_HUGETLB", "hugetlbfs mapping", "6.1" },
	{ "sf", "VM_SYNC", "synchronous page faults (MAP_SYNC, DAX)", "6.1" },
	{ "ar", "VM_ARCH_1", "architecture flag; on x86 VM_PAT: the memory type of a whole-VMA remap_pfn_range() is tracked", "6.1" },
	{ "wf", "VM_WIPEONFORK", "a fork() child sees zeroes (MADV_WIPEONFORK)", "6.1" },
	{ "dd", "VM_DONTDUMP", "left out of core dumps", "6.1" },
	{ "bt", "VM_ARM64_BTI", "arm64 branch target identification", "6.1" },
	{ "sd", "VM_SOFTDIRTY", "soft-dirty tracking: written since the bits were cleared", "6.1" },
	{ "mm", "VM_MIXEDMAP", "pages inserted by vm_insert_page(s) or vmf_insert_mixed(): struct pages, may mix with raw PFNs", "6.1" },
	{ "hg", "VM_HUGEPAGE", "MADV_HUGEPAGE", "6.1" },
	{ "nh", "VM_NOHUGEPAGE", "MADV_NOHUGEPAGE", "6.1" },
	{ "mg", "VM_MERGEABLE", "KSM may merge it (MADV_MERGEABLE)", "6.1" },
	{ "um", "VM_UFFD_MISSING", "userfaultfd: missing-page tracking", "6.1" },
	{ "uw", "VM_UFFD_WP", "userfaultfd: write-protect tracking", "6.1" },
	{ "mt", "VM_MTE", "arm64 memory tagging", "6.1" },
	{ "ui", "VM_UFFD_MINOR", "userfaultfd: minor-fault tracking", "6.1" },
	{ "lf", "VM_LOCKONFAULT", "locked as pages are faulted in (mlock2 MLOCK_ONFAULT)", "6.12" },
	{ "ss", "VM_SHADOW_STACK", "x86 user shadow stack", "6.12" },
	{ "dp", "VM_DROPPABLE", "the kernel may drop its pages under pressure", "6.12" },
	{ "sl", "VM_SEALED", "sealed by mseal(): cannot be unmapped or changed", "6.12" },
};

const struct vmflag_info *vmflag_lookup(const char *letters)
{
	for (size_t i = 0; i < sizeof(vmflag_table) / sizeof(vmflag_table[0]); i++)
		if (!strncmp(vmflag_table[i].letters, letters, 2))
			return &vmflag_table[i];
	return NULL;
}

size_t vmflags_decode(const char *vmflags, struct vmflag_info *out,
		      size_t max)
{
	size_t n = 0;
	const char *p = vmflags;

	while (*p) {
		size_t len;

		p += strspn(p, " \t\n");
		len = strcspn(p, " \t\n");
		if (!len)
			break;
		if (n < max) {
			const struct vmflag_info *f = len == 2 ? vmflag_lookup(p) : NULL;

			if (f) {
				out[n] = *f;
			} else {
				memset(&out[n], 0, sizeof(out[n]));
				snprintf(out[n].letters, sizeof(out[n].letters), "%.*s",
					 (int)(len < 2 ? len : 2), p);
			}
		}
		n++;
		p += len;
	}
	return n;
}
