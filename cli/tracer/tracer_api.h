/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The boundary between kbufmapctl and its tracer library
 * (kbufmap-tracer.so: tracer.c and tracer_funcs.c with libbpf, libelf and
 * zlib behind them). kbufmapctl loads the library only when a command
 * traces (tracer_load.c), so that every other command starts without
 * that stack. The library exports one symbol, KBM_TRACER_API_SYMBOL, a
 * table of the tracer.h functions that need it; the tool exports what the
 * library calls back (the output layer, procfs helpers, ft_funcs, the
 * snapshot helpers), so both share one copy of the output state.
 */
#ifndef KBM_TRACER_API_H
#define KBM_TRACER_API_H

#include "tracer.h"

#define KBM_TRACER_API_SYMBOL	"kbm_tracer_api"

struct kbm_tracer_api {
	/* The tool and the library must come from one build. */
	const char *version;		/* KBUFMAP_VERSION */
	size_t size;			/* sizeof(struct kbm_tracer_api) */

	int (*start)(const struct ft_tracer_opts *opts, struct ft_tracer **out,
		     struct kbm_err *e);
	int (*fail)(const struct kbm_err *e);
	void (*detach)(struct ft_tracer *t);
	void (*destroy)(struct ft_tracer *t);
	enum ft_mode (*mode)(const struct ft_tracer *t);
	const char *(*mode_reason)(const struct ft_tracer *t);
	unsigned int (*nslots)(const struct ft_tracer *t);
	unsigned int (*slot)(const struct ft_tracer *t, unsigned int i);
	const struct ft_func_desc *(*desc)(const struct ft_tracer *t, unsigned int slot);
	const struct ft_tracer_opts *(*opts)(const struct ft_tracer *t);
	bool (*mapping_range)(const struct ft_tracer *t, __u64 *start, __u64 *end);
	int (*snapshot)(struct ft_tracer *t, struct ft_snapshot *s, struct kbm_err *e);
};

#endif /* KBM_TRACER_API_H */
