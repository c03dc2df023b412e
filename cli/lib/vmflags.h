/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The two-letter VmFlags of /proc/PID/smaps, decoded: the kernel flag each
 * stands for and what it means to a driver author. The table is the union
 * of show_smap_vma_flags() in fs/proc/task_mmu.c of Linux 6.1 and 6.12;
 * letters only 6.12 prints say so. A letter not in the table is kept, with
 * a NULL name, rather than dropped.
 */
#ifndef KBM_VMFLAGS_H
#define KBM_VMFLAGS_H

#include <stddef.h>

struct vmflag_info {
	char letters[3];	/* "pf" */
	const char *name;	/* "VM_PFNMAP", or NULL when unknown */
	const char *meaning;	/* one line, or NULL when unknown */
	const char *since;	/* first kernel here that prints it: "6.1", "6.12" */
};

/* The table entry for @letters (two characters), or NULL. */
const struct vmflag_info *vmflag_lookup(const char *letters);

/*
 * Split a VmFlags value ("rd wr sh mr ...") into @out (at most @max
 * entries); unknown letters get name and meaning NULL. Returns the number
 * of flags found (may exceed @max: only @max are stored).
 */
size_t vmflags_decode(const char *vmflags, struct vmflag_info *out,
		      size_t max);

#endif /* KBM_VMFLAGS_H */
