// SPDX-License-Identifier: GPL-2.0
/*
 * The check report's TAP rendering (report.h's public API only): the
 * version line, the plan before the results, one numbered line per check
 * with its reason as a diagnostic, SKIP directives, the summary, and the
 * exit code that goes with it.
 */
#include <stdlib.h>
#include <string.h>

#include "out.h"
#include "report.h"
#include "capture.h"
#include "../lib/tap.h"

static void render_tap(void *r)
{
	report_render(r, REPORT_TAP, false);
}

/* Does @text have the line @line? */
static bool has_line(const char *text, const char *line)
{
	size_t n = strlen(line);

	for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		if (strncmp(p, line, n) == 0 && (p[n] == '\n' || p[n] == '\0'))
			return true;
	return false;
}

static void expect_line(const char *text, const char *line)
{
	if (!tap_ok(has_line(text, line), "TAP line: %s", line))
		tap_diag("in:\n%s", text);
}

int main(void)
{
	struct kbm_report r = {
		.backend = "vmalloc", .strategy = "fault", .mode = "shared", .pages = 4,
	};
	char *out;
	const char *plan, *first;

	out_set_json(false, false);
	tap_is_u64(report_add(&r, "distinct-addresses", "shared", "vmalloc", "fault",
			      KBM_PASS, "two addresses", NULL), 0, "report_add pass");
	tap_is_u64(report_add(&r, "pagemap-alias", "shared", "vmalloc", "fault",
			      KBM_FAIL, "PFN 0x10 != 0x11", "line one\nline two"), 0,
		   "report_add fail");
	tap_is_u64(report_add(&r, "numa-placement", "shared", "vmalloc", "fault",
			      KBM_SKIP, "one node", NULL), 0, "report_add skip");
	tap_is_u64(report_exit_code(&r), 1, "a failure: exit code 1");

	out = capture_stdout(render_tap, &r);
	tap_ok(strncmp(out, "TAP version 13\n", 15) == 0, "starts with the TAP version");
	plan = strstr(out, "\n1..3\n");
	first = strstr(out, "\nok 1 ");
	tap_ok(plan && first && plan < first, "the plan 1..3 comes before the results");
	expect_line(out, "ok 1 - distinct-addresses [vmalloc/fault shared]");
	expect_line(out, "not ok 2 - pagemap-alias [vmalloc/fault shared]");
	expect_line(out, "# PFN 0x10 != 0x11");
	expect_line(out, "ok 3 - numa-placement [vmalloc/fault shared] # SKIP one node");
	expect_line(out, "# 1 passed, 1 failed, 1 skipped");
	tap_ok(!strstr(out, "ok 4"), "no fourth result");
	free(out);
	report_free(&r);

	memset(&r, 0, sizeof(r));
	r.backend = "contig";
	r.strategy = "remap";
	r.mode = "all";
	tap_is_u64(report_add(&r, "zeroed", "private", "contig", "remap", KBM_SKIP,
			      "not here", NULL), 0, "report_add skip");
	tap_is_u64(report_exit_code(&r), 4, "every check skipped: exit code 4");
	out = capture_stdout(render_tap, &r);
	expect_line(out, "1..1");
	expect_line(out, "ok 1 - zeroed [contig/remap private] # SKIP not here");
	free(out);
	report_free(&r);
	return tap_done();
}
