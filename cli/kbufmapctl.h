/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kbufmapctl: the commands main.c's table lists, one descriptor per folder
 * (cli/cmd/, cli/verify/, ...). The framework they share is lib/cmd.h.
 */
#ifndef KBUFMAPCTL_H
#define KBUFMAPCTL_H

#include "cmd.h"

extern const struct kbm_cmd kbm_cmd_version;
extern const struct kbm_cmd kbm_cmd_matrix;
extern const struct kbm_cmd kbm_cmd_verify;
extern const struct kbm_cmd kbm_cmd_phys;
extern const struct kbm_cmd kbm_cmd_map;
extern const struct kbm_cmd kbm_cmd_bench;
extern const struct kbm_cmd kbm_cmd_fault_trace;	/* KBUFMAP_HAVE_FAULT_TRACE */

/*
 * Transitional, until fault-trace takes the context like the other
 * commands: its files read the common options from g_opt (main.c's
 * context) and call kbm_cmd_parse() without a context.
 */
extern struct kbm_ctx g_opt;

static inline void kbm_cmd_parse_argv(int argc, char **argv, unsigned int flags,
				      int *arg_index, void *input)
{
	kbm_cmd_parse(&g_opt, argc, argv, flags, arg_index, input);
}

/* kbm_cmd_parse(ctx, 5 more) as declared, or the five of the transition. */
#define KBM_PARSE_PICK(a1, a2, a3, a4, a5, a6, name, ...) name
#define kbm_cmd_parse(...) \
	KBM_PARSE_PICK(__VA_ARGS__, kbm_cmd_parse, kbm_cmd_parse_argv, )(__VA_ARGS__)

#endif /* KBUFMAPCTL_H */
