/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Progress of a long job on a terminal: "phys: 123456/262144 pages (47%)"
 * rewritten in place at most once per interval, and wiped at the end. Off
 * unless the stream is a terminal, so logs and pipes never see it.
 */
#ifndef KBM_PROGRESS_H
#define KBM_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define PROGRESS_INTERVAL_NS	1000000000ULL	/* about once a second */

struct kbm_progress {
	FILE *f;		/* NULL: off */
	const char *what;	/* "phys" */
	uint64_t total, done;	/* pages */
	uint64_t next_ns;	/* no line before this time */
	bool shown;		/* a line is on the terminal */
};

/*
 * Start: progress goes to @f only when @on (the caller's decision, e.g.
 * progress_wanted()); the first line comes an interval after @now_ns, so
 * short jobs print nothing.
 */
void progress_init(struct kbm_progress *p, FILE *f, bool on, const char *what,
		   uint64_t total, uint64_t now_ns);
/* @n more pages done at @now_ns; true when a line was printed. */
bool progress_step(struct kbm_progress *p, uint64_t n, uint64_t now_ns);
/* Wipe the line, if one was printed. */
void progress_end(struct kbm_progress *p);

/*
 * Is progress wanted? Only when standard error is a terminal and the user
 * did not ask for quiet; and not when rows stream to the same terminal on
 * standard output during the job (the line would be torn by them).
 */
bool progress_wanted(bool stderr_tty, bool stdout_tty, bool streams_rows,
		     bool quiet);

#endif /* KBM_PROGRESS_H */
