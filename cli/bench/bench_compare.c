// SPDX-License-Identifier: GPL-2.0
/*
 * --compare OLD.json: each phase's median beside the saved one, the ratio
 * new/old, and whether the difference exceeds the noise: it does when the
 * two 95 % confidence intervals of the median do not overlap.
 *
 * The saved file is parsed as JSON (json_read.h), so that neither key
 * order nor layout matters (jq -S, jq --tab): it must have the top-level
 * "shape" kbufmapctl-bench/1; its phases are the objects of
 * .results[].phases[] with a string "id" and "phase" and numbers
 * "median", "ci_low" and "ci_high". A difference beyond the noise, either
 * way, makes the exit status 1 (a regression gate for scripts).
 *
 * --compare OLD.json --from NEW.json compares two saved runs without
 * measuring (two kernels, two machines, before and after a change): every
 * phase of NEW beside its figure in OLD, with the same verdicts, the
 * default threshold from NEW's .context.emulated. Only .results is read,
 * so NEW's own "compare" rows are never phases.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "json_read.h"
#include "out.h"
#include "status.h"

struct saved { double median, lo, hi; };

struct saved_phase {
	const char *id;			/* in the run's tree */
	struct saved fig;
};

/* A saved run: its tree and its phases, in file order and by id. */
struct bench_saved {
	const char *path;
	struct json_value *root;
	struct saved_phase *phases;
	const struct saved_phase **by_id;
	size_t n;
};

/* All of @f into *@text (*@len bytes, NUL bytes kept): 0 or -errno. */
static int read_whole(FILE *f, char **text, size_t *len)
{
	size_t cap = 1 << 16;
	char *buf = malloc(cap), *more;

	*len = 0;
	while (buf) {
		*len += fread(buf + *len, 1, cap - *len, f);
		if (*len < cap)
			break;
		more = realloc(buf, cap *= 2);
		if (!more)
			free(buf);
		buf = more;
	}
	if (!buf)
		return -ENOMEM;
	if (ferror(f)) {
		free(buf);
		return errno ? -errno : -EIO;
	}
	*text = buf;
	return 0;
}

/* @path parsed into *@root: 0, or -errno with a message after "@opt: ". */
static int parse_file(const char *opt, const char *path, struct json_value **root,
		      char *msg, size_t len)
{
	FILE *f = fopen(path, "r");
	struct kbm_err e;
	char *text = NULL;
	size_t n = 0;
	int err = f ? read_whole(f, &text, &n) : -errno;

	if (f)
		fclose(f);
	if (!err) {
		err = json_parse(text, n, root, &e);
		free(text);
		if (err == -EINVAL) {
			snprintf(msg, len, "%s: '%s' is not valid JSON: %s", opt, path, e.msg);
			return err;
		}
	}
	if (err)
		snprintf(msg, len, "%s: cannot read '%s': %s", opt, path, strerror(-err));
	return err;
}

/* @v is a phase of a saved run: *@p has its id and figures. */
static bool read_phase(const struct json_value *v, struct saved_phase *p)
{
	p->id = json_string(json_get(v, "id"));
	return p->id && json_string(json_get(v, "phase")) &&
	       json_number(json_get(v, "median"), &p->fig.median) &&
	       json_number(json_get(v, "ci_low"), &p->fig.lo) &&
	       json_number(json_get(v, "ci_high"), &p->fig.hi);
}

/* Every phase of .results[].phases[], in file order: 0 or -ENOMEM. */
static int collect_phases(struct bench_saved *run)
{
	const struct json_value *results = json_get(run->root, "results"), *phases;
	size_t most = 1;

	for (size_t i = 0; i < json_len(results); i++)
		most += json_len(json_get(json_at(results, i), "phases"));
	run->phases = calloc(most, sizeof(*run->phases));
	if (!run->phases)
		return -ENOMEM;
	for (size_t i = 0; i < json_len(results); i++) {
		phases = json_get(json_at(results, i), "phases");
		for (size_t j = 0; j < json_len(phases); j++)
			if (read_phase(json_at(phases, j), &run->phases[run->n]))
				run->n++;
	}
	return 0;
}

/* Ids in order; of two phases with one id, the first in the file first. */
static int by_id(const void *a, const void *b)
{
	const struct saved_phase *x = *(const struct saved_phase *const *)a;
	const struct saved_phase *y = *(const struct saved_phase *const *)b;
	int c = strcmp(x->id, y->id);

	return c ? c : (x > y) - (x < y);
}

/* The phases sorted by id, for saved_figures(): 0 or -ENOMEM. */
static int index_phases(struct bench_saved *run)
{
	run->by_id = calloc(run->n + 1, sizeof(*run->by_id));
	if (!run->by_id)
		return -ENOMEM;
	for (size_t i = 0; i < run->n; i++)
		run->by_id[i] = &run->phases[i];
	qsort(run->by_id, run->n, sizeof(*run->by_id), by_id);
	return 0;
}

/* The figures of phase @id in @old (the first in the file, if twice). */
static const struct saved *saved_figures(const struct bench_saved *old, const char *id)
{
	size_t lo = 0, hi = old->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (strcmp(old->by_id[mid]->id, id) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < old->n && !strcmp(old->by_id[lo]->id, id) ? &old->by_id[lo]->fig : NULL;
}

/* @run's file read and indexed: 0, or -errno with a message naming @opt. */
static int load_run(const char *opt, struct bench_saved *run, char *msg, size_t len)
{
	int err = parse_file(opt, run->path, &run->root, msg, len);

	if (err)
		return err;
	if (strcmp(json_string(json_get(run->root, "shape")) ?: "", BENCH_JSON_SHAPE)) {
		snprintf(msg, len, "%s: '%s' is not a bench result of shape %s "
			 "(save one with kbufmapctl bench -j)", opt, run->path, BENCH_JSON_SHAPE);
		return -EINVAL;
	}
	err = collect_phases(run);
	if (!err)
		err = index_phases(run);
	if (err)
		snprintf(msg, len, "%s: cannot read '%s': %s", opt, run->path, strerror(-err));
	return err;
}

struct bench_saved *bench_saved_read(const char *opt, const char *path, char *msg, size_t len)
{
	struct bench_saved *run = calloc(1, sizeof(*run));

	if (!run) {
		snprintf(msg, len, "%s: cannot read '%s': %s", opt, path, strerror(ENOMEM));
		return NULL;
	}
	run->path = path;
	if (load_run(opt, run, msg, len)) {
		bench_saved_free(run);
		return NULL;
	}
	return run;
}

void bench_saved_free(struct bench_saved *run)
{
	if (!run)
		return;
	json_free(run->root);
	free(run->phases);
	free(run->by_id);
	free(run);
}

/*
 * A phase's verdict against its saved figure. The 95 % CIs of one run show
 * the noise within it; a rerun (another address layout, other physical
 * pages) differs by a few percent more, so a change is flagged only when
 * the CIs are apart and it is at least the threshold.
 */
static const char *phase_verdict(const struct saved *now, const struct saved *s,
				 double ratio, unsigned int threshold_pct, bool *flag)
{
	bool apart = now->hi < s->lo || now->lo > s->hi;
	double change = fabs(ratio - 1) * 100;

	*flag = apart && change >= threshold_pct;
	if (!apart)
		return "within noise (CIs overlap)";
	if (!*flag)
		return "within threshold (CIs apart)";
	return ratio > 1 ? "SLOWER (CIs apart)" : "FASTER (CIs apart)";
}

/* One row: phase @id now (@now) beside the saved run @old; true when it
 * is flagged. */
static bool compare_row(const struct bench_saved *old, const char *id, const struct saved *now,
			unsigned int threshold_pct)
{
	const struct saved *s = saved_figures(old, id);
	const char *verdict;
	bool flag;
	double ratio;

	open_json_object(NULL);
	print_string(PRINT_ANY, "id", "%-58s", id);
	if (!s) {
		print_null(PRINT_ANY, "old_median", " %10s", "-");
		print_float(PRINT_ANY, "new_median", " %10.1f", now->median);
		print_string(PRINT_ANY, "verdict", "        -  %s\n", "not in the saved run");
		close_json_object();
		return false;
	}
	ratio = s->median > 0 ? now->median / s->median : 0;
	verdict = phase_verdict(now, s, ratio, threshold_pct, &flag);
	print_float(PRINT_ANY, "old_median", " %10.1f", s->median);
	print_float(PRINT_ANY, "new_median", " %10.1f", now->median);
	print_float(PRINT_ANY, "ratio", " %7.2fx", ratio);
	print_bool(PRINT_JSON, "cis_apart", NULL, now->hi < s->lo || now->lo > s->hi);
	print_bool(PRINT_JSON, "exceeds_noise", NULL, flag);
	print_string(PRINT_ANY, "verdict", "  %s\n", verdict);
	close_json_object();
	return flag;
}

/* One measured phase beside its saved figure; true when it is flagged. */
static bool compare_phase(const struct bench_saved *old, const struct bench_case *c,
			  unsigned int ph, unsigned int threshold_pct)
{
	const struct bench_stats *st = &c->st[ph];
	struct saved now = { st->median, st->ci_lo, st->ci_hi };
	char cid[160], id[200];

	bench_case_id(c, cid, sizeof(cid));
	snprintf(id, sizeof(id), "%s/%s", cid, bench_phase_name(ph));
	return compare_row(old, id, &now, threshold_pct);
}

int bench_compare(const struct bench_saved *old, unsigned int threshold_pct,
		  struct bench_case *cases, size_t n)
{
	size_t flagged = 0;

	print_text("\ncompared with %s (ns per page, medians; new/old; flagged: CIs apart and %u %% or more)\n",
		   old->path, threshold_pct);
	print_uint(PRINT_JSON, "compare_threshold_pct", NULL, threshold_pct);
	open_json_array("compare");
	for (size_t i = 0; i < n; i++)
		for (unsigned int ph = 0; ph < PH_COUNT && !cases[i].skip_err; ph++)
			if (cases[i].st[ph].n)
				flagged += compare_phase(old, &cases[i], ph, threshold_pct);
	close_json_array();
	print_uint(PRINT_ANY, "compare_flagged", "%llu figure(s) differ beyond the noise\n",
		   (unsigned long long)flagged);
	return flagged ? KBM_EXIT_FAIL : KBM_EXIT_OK;
}

/* Whether the saved run says it ran under emulation (bench_context.c). */
static bool saved_emulated(const struct bench_saved *run)
{
	return json_is_true(json_get(json_get(run->root, "context"), "emulated"));
}

int bench_compare_saved(const struct bench_saved *old, const struct bench_saved *new,
			unsigned int threshold_pct)
{
	size_t flagged = 0;

	if (threshold_pct == BENCH_THRESHOLD_DEFAULT)
		threshold_pct = saved_emulated(new) ? BENCH_THRESHOLD_EMULATED
						    : BENCH_THRESHOLD_NATIVE;
	open_json_object(NULL);
	print_string(PRINT_JSON, "old", NULL, old->path);
	print_string(PRINT_JSON, "new", NULL, new->path);
	print_text("%s compared with %s (ns per page, medians; new/old; flagged: CIs apart and %u %% or more)\n",
		   new->path, old->path, threshold_pct);
	print_uint(PRINT_JSON, "compare_threshold_pct", NULL, threshold_pct);
	open_json_array("compare");
	for (size_t i = 0; i < new->n; i++)
		flagged += compare_row(old, new->phases[i].id, &new->phases[i].fig, threshold_pct);
	close_json_array();
	print_uint(PRINT_ANY, "compare_flagged", "%llu figure(s) differ beyond the noise\n",
		   (unsigned long long)flagged);
	close_json_object();
	if (!new->n)
		return kbm_fail(EINVAL, "--from: '%s' has no measured phase to compare", new->path);
	return flagged ? KBM_EXIT_FAIL : KBM_EXIT_OK;
}
