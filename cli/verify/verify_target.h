/* SPDX-License-Identifier: GPL-2.0 */
/* verify --target with another driver than kbufmap (verify_target.c). */
#ifndef KBM_VERIFY_TARGET_H
#define KBM_VERIFY_TARGET_H

#include <stdbool.h>
#include <stdint.h>

#include "report.h"
#include "target.h"

struct vtarget_opts {
	struct kbm_target_spec spec;
	const char *text;		/* the --target text, for messages */
	uint64_t pages;			/* ignored by targets of a fixed size */
	unsigned int modes;		/* VMODE_* */
	const bool *selected;		/* [verify_nr_target_checks] */
	bool any_selected;
	enum report_format format;
	bool quiet;
};

/* Run the generic checks and render the report: the exit status. */
int verify_target_run(const struct vtarget_opts *o);

#endif /* KBM_VERIFY_TARGET_H */
