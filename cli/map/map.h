/* SPDX-License-Identifier: GPL-2.0 */
/* kbufmapctl map: the options, the results, and the report (map_report.c). */
#ifndef KBM_MAP_H
#define KBM_MAP_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/resource.h>

#include "bufopt.h"
#include "cacheview.h"
#include "mapping.h"
#include "procfs.h"
#include "target.h"

struct map_opts {
	struct kbm_bufopt buf;		/* --target, --backend, ..., --touch */
	struct kbm_map_req req;		/* the buffer's part filled from @buf */
	bool length_set, prot_set;
	int madvise;			/* -1: none */
	const char *madvise_name;
	uint64_t stride;
	uint64_t dump;			/* bytes of the first and last page */
	uint8_t fill[64];
	bool hold, hold_before_touch, no_pin;
	uint64_t hold_seconds;		/* 0: until a signal */
	const char *output;
	const char *direct_dir;
	char **command;			/* -- COMMAND ARGS..., or NULL */
};

/* The cache attribute, from every place that says (cacheview.h). */
struct map_cache {
	int kmsg_fd;			/* /dev/kmsg from before mmap(), or -errno */
	int log_found;			/* 1, 0, or -errno reading /dev/kmsg */
	struct kbm_pat_log log;
	int nruns;			/* PGATTR runs, or -errno */
	struct kbufmap_pgattr_run *runs;
	struct kbm_attr_summary attrs;
	int kpf_err;			/* kpageflags' memtype: 0 or -errno */
	unsigned int kpf_attr;
	bool kpf_mixed;
	int npat;			/* memtype list entries, or -errno */
	struct kbm_pat_entry pat[4];
	bool alias;
	char verdict[512];
};

/* The module's counters at each step, and what the run saw. */
struct map_result {
	struct kbm_target target;	/* a foreign target's buffer (not kbufmap) */
	bool foreign;
	int mmap_err;			/* 0 or positive errno */
	const char *mmap_reason;
	int madvise_err;		/* 0 or positive errno */
	struct kbufmap_counters c_start, c_mmap, c_madvise, c_touch, c_end;
	bool have_counters;
	struct rusage ru_before, ru_after;
	uint64_t touch_ns;
	size_t touched;
	struct kbm_fault fault;
	const char *fault_why;
	uint8_t dump_first[4096], dump_last[4096];
	struct kbm_fault dump_fault;
	bool have_smaps;
	struct vma_info smaps;
	bool have_residency;
	struct kbm_residency res;
	int kernel_runs_err;
	size_t kernel_runs;
	bool pin_tried;
	struct kbm_pin_result pin[KBM_PIN_COUNT];
	struct map_cache cache;
};

/* A driver other than kbufmap: no counters, no GET_PFNS, no backend. */
static inline bool map_foreign(const struct map_opts *o)
{
	return kbm_bufopt_foreign(&o->buf);
}

void map_report(const struct map_opts *o, const struct kbm_mapping *m,
		const struct map_result *r);

/* map_cache.c: /dev/kmsg's position just before mmap() */
void map_cache_begin(struct map_result *r);
/* After the touch: the page table, kpageflags, PAT's list and log line. */
void map_cache_inspect(const struct map_opts *o, const struct kbm_mapping *m,
		       struct map_result *r);
void map_cache_report(const struct map_opts *o, const struct map_result *r);
void map_cache_free(struct map_result *r);

#endif /* KBM_MAP_H */
