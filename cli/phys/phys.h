/* SPDX-License-Identifier: GPL-2.0 */
/* kbufmapctl phys: shared between the command (phys.c) and its output. */
#ifndef KBM_PHYS_H
#define KBM_PHYS_H

#include <stdbool.h>
#include <stdint.h>

#include "bufopt.h"
#include "cmd.h"
#include "physwalk.h"
#include "progress.h"
#include "target.h"

enum phys_shape { SHAPE_SUMMARY, SHAPE_LIST, SHAPE_EACH };

#define PHYS_MAX_FILTERS	64
#define PHYS_MAX_MISMATCHES	16

struct phys_opts {
	const struct kbm_ctx *ctx;
	/* the buffer (no --pid, no --pfn): kbufmap's, or --target's */
	struct kbm_bufopt buf;
	/* other targets */
	pid_t pid;
	const char *range, *mapping, *pfn;
	/* output */
	enum phys_shape shape;
	bool csv, raw;
	bool all_pages;		/* list pages page-types leaves out too */
	struct kpf_filter filter[PHYS_MAX_FILTERS];
	size_t nfilter;
};

/* One walk's output state: the summary and the list being printed. */
struct phys_out {
	const struct phys_opts *o;
	struct phys_src *src;
	struct phys_summary sum;
	/* the --list range being merged */
	struct phys_page first;
	uint64_t flags, len;
	bool kernel_view;	/* the pages are the driver's PFN list */
	/* smaps of the mappings walked (not for --pfn) */
	bool have_smaps;
	uint64_t anon_huge_kb, file_pmd_kb, smaps_vmas;
	struct kbm_progress progress;
	int err;
	/* the page table's runs of this process's mapping (PGATTR), or none */
	const struct kbufmap_pgattr_run *runs;
	size_t nruns;
	unsigned int first_pte, first_memtype;	/* of the --list range */
};

/* Start a walk of @total pages (0: unknown) with output options @o. */
void phys_out_begin(struct phys_out *po, const struct phys_opts *o,
		    struct phys_src *src, bool kernel_view, uint64_t total);
/* Add one mapping's smaps huge-page counts to the summary. */
void phys_out_smaps(struct phys_out *po, uint64_t anon_huge_kb,
		    uint64_t file_pmd_kb);
/* phys_batch_fn for the walkers. */
int phys_out_batch(const struct phys_page *p, size_t n, void *arg);
/* Close the list, print the summary fields (inside the caller's object). */
void phys_out_end(struct phys_out *po);
/*
 * The mapping's part of the buffer or target line: MAP_SHARED/PRIVATE, its
 * address and VmFlags (and, in JSON, the smaps huge-page counts).
 */
struct vma_info;
void phys_print_mapping(const struct phys_opts *o, const void *map,
			const struct vma_info *vi);
/*
 * The page table's runs for @pages pages at @map (KBUFMAP_IOC_PGATTR on
 * @fd, or on /dev/kbufmap opened for it when @fd < 0); a note when it
 * cannot be read. Returns the run count (0: none), *@runs to free().
 */
struct kbufmap_pgattr_run;
size_t phys_pgattr_load(const struct phys_opts *o, int fd, const void *map,
			uint64_t pages, struct kbufmap_pgattr_run **runs);

/* The plain note for runs without CAP_SYS_ADMIN; true if printed. */
bool phys_note_privileges(const struct phys_src *src);

#endif /* KBM_PHYS_H */
