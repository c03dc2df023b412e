/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One /proc/PID/pagemap entry decoded, with the kernel's names for its
 * bits (fs/proc/task_mmu.c: PM_PRESENT, PM_SWAP, PM_FILE, PM_MMAP_EXCLUSIVE,
 * PM_UFFD_WP, PM_SOFT_DIRTY; Documentation/admin-guide/mm/pagemap.rst).
 */
#ifndef KBM_PAGEMAP_BITS_H
#define KBM_PAGEMAP_BITS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pagemap.h"

#define PM_UFFD_WP		(1ULL << 57)
#define PM_SWAP_TYPE_BITS	5	/* MAX_SWAPFILES_SHIFT */

struct pm_entry {
	bool present, swapped, soft_dirty, exclusive, file_shared, uffd_wp;
	bool pfn_shown;		/* present with a PFN (not hidden: needs root) */
	uint64_t pfn;		/* if pfn_shown */
	unsigned int swap_type;	/* if swapped */
	uint64_t swap_offset;
};

void pm_decode(uint64_t e, struct pm_entry *d);

/* "present,soft_dirty,mmap_exclusive" (the kernel's names less "PM_"). */
const char *pm_bit_names(uint64_t e, char *buf, size_t len);

/*
 * What a VM_PFNMAP VMA reads as: not present, not swapped, no frame, at
 * most soft-dirty. An untouched page of an ordinary VMA reads the same,
 * so only the VMA's flags ("pf") can tell the two apart.
 */
bool pm_is_hole(uint64_t e);

#endif /* KBM_PAGEMAP_BITS_H */
