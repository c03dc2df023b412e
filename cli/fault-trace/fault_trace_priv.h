/* SPDX-License-Identifier: GPL-2.0 */
/*
 * `kbufmapctl fault-trace`: the command (fault_trace.c) and its report
 * (fault_trace_report.c), over the tracer library (cli/tracer/).
 */
#ifndef KBM_FAULT_TRACE_PRIV_H
#define KBM_FAULT_TRACE_PRIV_H

#include <stdbool.h>
#include <sys/types.h>

#include "tracer.h"

/* What the traced command did, for the report. */
struct ft_command {
	char **argv;		/* NULL: no command */
	pid_t pid;
	bool exited;
	int status;		/* wait status */
};

struct ft_report_ctx {
	const struct ft_tracer *tracer;
	const char *kernel;	/* uname release */
	pid_t filter_pid;	/* --pid, 0 if none */
	const struct ft_command *cmd;
};

/*
 * Print one report: @final selects the totals (with the command's status),
 * otherwise an interval of @elapsed_ns numbered @seq.
 */
void ft_report(const struct ft_report_ctx *ctx, const struct ft_snapshot *s,
	       __u64 elapsed_ns, bool final, unsigned int seq);

#endif /* KBM_FAULT_TRACE_PRIV_H */
