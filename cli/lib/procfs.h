/* SPDX-License-Identifier: GPL-2.0 */
/* What /proc and /sys say about this process and this kernel. */
#ifndef KBM_PROCFS_H
#define KBM_PROCFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* One VMA as /proc/self/smaps shows it. Sizes in KiB. */
struct vma_info {
	unsigned long start, end;
	unsigned long size_kb, rss_kb, anon_kb, anon_huge_kb, file_pmd_kb;
	char vmflags[128];	/* "rd wr sh mr mw me ms pf io de dd" */
};

/* Find the VMA that contains @addr. 0 or -errno (-ENOENT: no such VMA). */
int smaps_find(const void *addr, struct vma_info *vi);
/*
 * The same on any smaps text read from @f (a recorded one in the unit
 * tests): fills @vi from the VMA that contains @addr; 0 or -ENOENT.
 */
int smaps_parse(FILE *f, const void *addr, struct vma_info *vi);

/* Has the VMA flag @flag (two letters, e.g. "pf") in @vi->vmflags? */
bool vma_has_flag(const struct vma_info *vi, const char *flag);

/* uname -r (static storage). */
const char *kernel_release(void);
/* Kernel major/minor from uname -r; 0 on success. */
int kernel_version(int *major, int *minor);

/*
 * The selected word of /sys/kernel/mm/transparent_hugepage/enabled
 * ("always", "madvise", "never") or NULL if unknown.
 */
const char *thp_enabled(char *buf, size_t len);

#endif /* KBM_PROCFS_H */
