// SPDX-License-Identifier: GPL-2.0
#include <inttypes.h>

#include "progress.h"

void progress_init(struct kbm_progress *p, FILE *f, bool on, const char *what,
		   uint64_t total, uint64_t now_ns)
{
	*p = (struct kbm_progress){ .f = on ? f : NULL, .what = what,
				    .total = total,
				    .next_ns = now_ns + PROGRESS_INTERVAL_NS };
}

bool progress_step(struct kbm_progress *p, uint64_t n, uint64_t now_ns)
{
	p->done += n;
	if (!p->f || now_ns < p->next_ns)
		return false;
	p->next_ns = now_ns + PROGRESS_INTERVAL_NS;
	/* \r and erase-to-end: one line, rewritten in place */
	if (p->total)
		fprintf(p->f, "\r%s: %" PRIu64 "/%" PRIu64 " pages (%" PRIu64 "%%)\033[K",
			p->what, p->done, p->total,
			p->done >= p->total ? 100 : p->done * 100 / p->total);
	else
		fprintf(p->f, "\r%s: %" PRIu64 " pages\033[K", p->what, p->done);
	fflush(p->f);
	p->shown = true;
	return true;
}

void progress_end(struct kbm_progress *p)
{
	if (p->f && p->shown) {
		fputs("\r\033[K", p->f);
		fflush(p->f);
	}
	p->shown = false;
}

bool progress_wanted(bool stderr_tty, bool stdout_tty, bool streams_rows,
		     bool quiet)
{
	return stderr_tty && !quiet && !(stdout_tty && streams_rows);
}
