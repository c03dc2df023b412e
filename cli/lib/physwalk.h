/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Where pages live: a walker over a process's virtual range or over
 * physical frames that reads /proc/PID/pagemap, /proc/kpageflags,
 * /proc/kpagecount and the NUMA node in batches (bounded memory for any
 * range), and a summary of what it saw (present/swapped pages, PFN runs,
 * pages per node, page-types' flag combinations).
 *
 * For other commands (kbufmapctl map): phys_summary_of_range().
 */
#ifndef KBM_PHYSWALK_H
#define KBM_PHYSWALK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "kpageflags.h"

#define PHYS_BATCH	16384	/* pages per batch: 5 x 128 KiB of buffers */
#define PHYS_MAX_NODES	64
#define PHYS_NO_NODE	(-1)

struct phys_page {
	uint64_t vaddr;		/* virtual address; PFN walks: 0 */
	uint64_t pme;		/* pagemap entry; PFN walks: PM_PRESENT | pfn */
	uint64_t kpf;		/* raw /proc/kpageflags word, if have_kpf */
	uint64_t mapcount;	/* /proc/kpagecount, if have_kpf and wanted */
	int node;		/* PHYS_NO_NODE when unknown */
	bool have_kpf;
	bool beyond_ram;	/* PFN past kpageflags' end: no struct page */
};

struct phys_src {
	pid_t pid;		/* whose pagemap; 0 for PFN walks */
	int pagemap_fd, kpf_fd, kpc_fd;
	int kpf_errno;		/* why kpageflags could not be opened */
	bool pfns_hidden;	/* no CAP_SYS_ADMIN: pagemap's PFNs read 0 */
	bool want_mapcount;	/* read /proc/kpagecount (default true): a
				 * summary has no use for it, and it costs the
				 * kernel as much as kpageflags does */
	int nr_nodes;		/* nodes with memory (numa_max_node() + 1) */
	uint64_t block_pages;	/* memory block size, pages (PFN -> node) */
	signed char *block_node;	/* node of each memory block */
	size_t nr_blocks;
	size_t ps;
};

/* Open pagemap of @pid (0: none), kpageflags and kpagecount. 0 or -errno
 * (-ESRCH: no such process; -EACCES: its pagemap is not ours to read). */
int phys_src_open(struct phys_src *s, pid_t pid);
void phys_src_close(struct phys_src *s);

/* Called per batch of consecutive pages; a non-zero return stops the walk
 * and is returned. */
typedef int (*phys_batch_fn)(const struct phys_page *p, size_t n, void *arg);

/* Pages [@start, @start + @npages * ps) of s->pid. 0 or -errno. */
int phys_walk_vrange(struct phys_src *s, uint64_t start, uint64_t npages,
		     phys_batch_fn fn, void *arg);
/* Frames [@pfn, @pfn + @count), as page-types -a does without -p. */
int phys_walk_pfn_range(struct phys_src *s, uint64_t pfn, uint64_t count,
			phys_batch_fn fn, void *arg);
/* A list of frames (a driver's own view), page i at @vaddr + i * ps. */
int phys_walk_pfn_list(struct phys_src *s, const uint64_t *pfns, size_t n,
		       uint64_t vaddr, phys_batch_fn fn, void *arg);

/* The node of frame @pfn from sysfs memory blocks, or PHYS_NO_NODE. */
int phys_pfn_node(const struct phys_src *s, uint64_t pfn);

struct phys_flagcount {
	uint64_t flags, pages;
};

struct phys_summary {
	bool raw;			/* page-types -r flags */
	uint64_t pages, present, not_present, swapped;
	uint64_t pfn_hidden;		/* present, PFN read as 0 (not root) */
	uint64_t beyond_ram;		/* PFN with no struct page */
	uint64_t thp, hugetlb;		/* pages with KPF_THP / KPF_HUGE */
	uint64_t runs, longest_run, run_hist[64];	/* log2 of run length */
	uint64_t node_pages[PHYS_MAX_NODES], node_unknown;
	struct phys_flagcount *flags;	/* after finish: by flags value */
	size_t nflags, cap;
	struct phys_flagcount *last;	/* the entry counted last */
	/* the run being built */
	uint64_t run_len, last_pfn, last_vaddr;
};

void phys_summary_init(struct phys_summary *s, bool raw);
/* 0 or -ENOMEM. */
int phys_summary_add(struct phys_summary *s, const struct phys_page *p,
		     size_t n);
void phys_summary_finish(struct phys_summary *s);
void phys_summary_free(struct phys_summary *s);

/* The flags page-types would count @p under, and whether it counts it. */
bool phys_page_flags(const struct phys_page *p, bool raw, uint64_t *flags);

/*
 * The phys-style summary of @npages pages from @start in process @pid
 * (0: this process): present/swapped pages, PFN runs and nodes. Free
 * with phys_summary_free(). 0 or -errno.
 */
int phys_summary_of_range(pid_t pid, uint64_t start, uint64_t npages,
			  struct phys_summary *out);

#endif /* KBM_PHYSWALK_H */
