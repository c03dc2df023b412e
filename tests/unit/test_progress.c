// SPDX-License-Identifier: GPL-2.0
/*
 * The progress line's decisions: never unless standard error is a
 * terminal (nor with -q, nor while rows stream to the same terminal),
 * nothing in the first second, then at most one line a second, and the
 * line wiped at the end only if one was shown. Time is passed in, so this
 * needs no terminal and no waiting.
 */
#include <stdlib.h>
#include <string.h>

#include "progress.h"
#include "../lib/tap.h"

#define SEC	PROGRESS_INTERVAL_NS

static void test_wanted(void)
{
	tap_ok(progress_wanted(true, false, true, false), "stderr a terminal, stdout a file: on");
	tap_ok(progress_wanted(true, true, false, false), "both terminals, a summary only: on");
	tap_ok(!progress_wanted(false, false, false, false), "stderr not a terminal: off");
	tap_ok(!progress_wanted(false, true, false, false), "stderr a pipe, stdout a terminal: off");
	tap_ok(!progress_wanted(true, true, true, false), "rows streaming to the same terminal: off");
	tap_ok(!progress_wanted(true, false, false, true), "-q: off");
}

static void test_lines(void)
{
	struct kbm_progress p;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	progress_init(&p, f, true, "phys", 1000, 0);
	tap_ok(!progress_step(&p, 100, SEC / 2), "nothing in the first second");
	tap_ok(progress_step(&p, 100, SEC + 1), "a line after a second");
	tap_ok(!progress_step(&p, 100, SEC + SEC / 2), "not again within the second");
	tap_ok(progress_step(&p, 200, 2 * SEC + 2), "again a second later");
	progress_end(&p);
	fclose(f);
	tap_ok(strstr(buf, "\rphys: 200/1000 pages (20%)") != NULL, "first line: done/total and percent");
	tap_ok(strstr(buf, "\rphys: 500/1000 pages (50%)") != NULL, "second line rewrites it in place");
	tap_ok(len >= 4 && !strcmp(buf + len - 4, "\r\033[K"), "the end wipes the line");
	free(buf);

	buf = NULL;
	f = open_memstream(&buf, &len);
	progress_init(&p, f, false, "phys", 1000, 0);
	tap_ok(!progress_step(&p, 500, 10 * SEC), "off: no line, however long");
	progress_end(&p);
	fclose(f);
	tap_is_u64(len, 0, "off: nothing written, not even the wipe");
	tap_is_u64(p.done, 500, "off: pages still counted");
	free(buf);

	buf = NULL;
	f = open_memstream(&buf, &len);
	progress_init(&p, f, true, "phys", 1000, 0);
	progress_step(&p, 10, SEC / 4);
	progress_end(&p);
	fclose(f);
	tap_is_u64(len, 0, "a short job: nothing written");
	free(buf);
}

int main(void)
{
	test_wanted();
	test_lines();
	return tap_done();
}
