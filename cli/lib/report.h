/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The result list of a run of checks and its three renderings.
 *
 * Text (default): a header line, a table "check mode result reason" (one
 * section per backend/strategy with --all) and a summary line
 * "N passed, N failed, N skipped"; a FAIL row is followed by its
 * explanation, indented. --quiet prints only failures and the summary.
 *
 * JSON (--json; --pretty indents), one document on stdout:
 *   {
 *     "tool": "kbufmapctl",
 *     "version": "0.1.0",
 *     "kernel": "6.1.0-28-amd64",             (uname -r)
 *     "config": {
 *       "backend": "vmalloc",                  ("all" with --all)
 *       "strategy": "fault",                   ("all" with --all)
 *       "pages": 4,
 *       "mode": "shared"                       (shared | private | all)
 *     },                                       (verify --target: "target" and
 *                                               "driver" instead of backend and
 *                                               strategy; rows carry them as
 *                                               backend and strategy)
 *     "checks": [
 *       {
 *         "name": "pagemap-alias",
 *         "mode": "shared",                    (shared | private | any)
 *         "backend": "vmalloc",
 *         "strategy": "fault",
 *         "status": "pass",                    (pass | fail | skip)
 *         "reason": "one line: what was seen (and expected)",
 *         "detail": "several lines"            (optional: explanations)
 *         "explain": "what a FAIL means"       (on FAIL, when the check has one)
 *       }
 *     ],
 *     "summary": { "passed": 7, "failed": 0, "skipped": 0 }
 *   }
 * Strings are escaped per RFC 8259 (invalid UTF-8 becomes U+FFFD). On an
 * error the whole document is {"error": "message"} instead.
 *
 * TAP (--tap): TAP version 13 / KTAP style, for kselftest-like harnesses:
 *   TAP version 13
 *   1..7
 *   # kbufmapctl 0.1.0 kernel ... backend vmalloc strategy fault pages 4
 *   ok 1 - distinct-addresses [vmalloc/fault shared]
 *   # <reason>
 *   not ok 2 - pagemap-alias [vmalloc/fault shared]
 *   # <reason>
 *   #   <explanation, wrapped>
 *   ok 3 - zeroed [vmalloc/fault shared] # SKIP <reason>
 *   # 5 passed, 1 failed, 1 skipped
 */
#ifndef KBM_REPORT_H
#define KBM_REPORT_H

#include <stdbool.h>
#include <stddef.h>

enum kbm_status {
	KBM_PASS,
	KBM_FAIL,
	KBM_SKIP,
};

struct kbm_result {
	char *name;
	char *mode;
	char *backend;
	char *strategy;
	enum kbm_status status;
	char *reason;		/* one line */
	char *detail;		/* NULL or several lines */
	char *explain;		/* NULL, or what a FAIL means (shown on FAIL) */
};

struct kbm_report {
	/* config, as printed in the header */
	const char *backend;
	const char *strategy;
	const char *mode;
	unsigned long long pages;
	bool all;		/* sections per backend/strategy */
	/* verify --target: the target and its driver, shown instead of backend/strategy */
	const char *target, *driver;

	struct kbm_result *v;
	size_t n, cap;
};

enum report_format {
	REPORT_TEXT,
	REPORT_JSON,
	REPORT_TAP,
};

/* Copy the strings in; returns 0 or -ENOMEM. */
int report_add(struct kbm_report *r, const char *name, const char *mode,
	       const char *backend, const char *strategy,
	       enum kbm_status status, const char *reason, const char *detail);
/*
 * Give the last row added its explanation: what a FAIL means and where the
 * usual driver mistake is. Rendered only when that row FAILed. 0 or -ENOMEM.
 */
int report_explain_last(struct kbm_report *r, const char *explain);
void report_free(struct kbm_report *r);

void report_count(const struct kbm_report *r, size_t *passed, size_t *failed,
		  size_t *skipped);
/* 0 all passed (something ran), 1 a failure, 4 nothing ran. */
int report_exit_code(const struct kbm_report *r);

const char *status_text(enum kbm_status s);	/* "PASS" */
const char *status_json(enum kbm_status s);	/* "pass" */

/* Text output: @text wrapped to about 76 columns, each line after @indent. */
void report_print_wrapped(const char *indent, const char *text);

void report_render(const struct kbm_report *r, enum report_format fmt,
		   bool quiet);

#endif /* KBM_REPORT_H */
