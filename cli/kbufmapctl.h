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

#endif /* KBUFMAPCTL_H */
