/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What /proc and /sys say about a process and this kernel: the one smaps
 * parser (one VMA struct, an iterator), the first line of a sysfs file,
 * the THP mode and the kernel's release. 0 or -errno, nothing printed.
 */
#ifndef KBM_PROCFS_H
#define KBM_PROCFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

/* One VMA as /proc/PID/smaps shows it. Sizes in KiB. */
struct vma_info {
	unsigned long start, end;
	char perms[8];			/* "rw-s" */
	char path[256];			/* "" for anonymous, "[heap]", "/dev/kbufmap" */
	char maps_line[256];		/* the header: the /proc/PID/maps line */
	unsigned long size_kb, rss_kb, pss_kb, referenced_kb, locked_kb;
	unsigned long anon_kb, anon_huge_kb, file_pmd_kb, shmem_pmd_kb;
	char vmflags[160];		/* "rd wr sh mr mw me ms pf io de dd" */
};

/* Walks the VMAs of one smaps text, in address order. */
struct smaps_iter {
	FILE *f;
	bool own_file;			/* opened by smaps_open(): closed by smaps_close() */
	bool pending;			/* line holds the next VMA's header */
	char *line;
	size_t cap;
	char *buf;			/* the stream's buffer, when ours */
};

/* /proc/@pid/smaps (@pid 0: this process). 0 or -errno (-ESRCH: no process). */
int smaps_open(struct smaps_iter *it, pid_t pid);
/* Any smaps text read from @f (a recorded one in the unit tests). */
void smaps_from(struct smaps_iter *it, FILE *f);
/* The next VMA into @vi: 1, or 0 at the end. */
int smaps_next(struct smaps_iter *it, struct vma_info *vi);
void smaps_close(struct smaps_iter *it);

/* The VMA of this process that contains @addr. 0 or -errno (-ENOENT: none). */
int smaps_find(const void *addr, struct vma_info *vi);
/* The same in the smaps text of @f; @vi zeroed when not found. */
int smaps_parse(FILE *f, const void *addr, struct vma_info *vi);
/* All VMAs of @pid (malloc'd, free()). 0 or -errno (-ESRCH). */
int pid_vmas(pid_t pid, struct vma_info **out, size_t *n);

/* Has the VMA flag @flag (two letters, e.g. "pf") in @vi->vmflags? */
bool vma_has_flag(const struct vma_info *vi, const char *flag);

/* The first line of @path, trailing blanks cut; 0 or -errno ("" then). */
int read_first_line(const char *path, char *buf, size_t len);
/*
 * The bracketed choice of a sysfs mode file ("always [madvise] never")
 * into @buf, or NULL if unreadable.
 */
const char *sysfs_choice(const char *path, char *buf, size_t len);
/*
 * The selected word of /sys/kernel/mm/transparent_hugepage/enabled
 * ("always", "madvise", "never") or NULL if unknown.
 */
const char *thp_enabled(char *buf, size_t len);
/*
 * Bytes one PMD entry maps (a "huge" mapping): @path's figure (the
 * kernel's hpage_pmd_size) when it reads as one, else what @page_size
 * implies: a page table fills one page with 8-byte entries, so 2 MiB with
 * 4 KiB pages, 32 MiB with 16 KiB, 512 MiB with 64 KiB.
 */
size_t pmd_size_from(const char *path, size_t page_size);
/* This machine's: pmd_size_from(hpage_pmd_size, the page size), cached. */
size_t pmd_size(void);

/* uname -r and uname -m (static storage). */
const char *kernel_release(void);
const char *kernel_machine(void);
/* Kernel major/minor from uname -r; 0 on success. */
int kernel_version(int *major, int *minor);

#endif /* KBM_PROCFS_H */
