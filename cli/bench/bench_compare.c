// SPDX-License-Identifier: GPL-2.0
/*
 * --compare OLD.json: each phase's median beside the saved one, the ratio
 * new/old, and whether the difference exceeds the noise: it does when the
 * two 95 % confidence intervals of the median do not overlap.
 *
 * The saved file is read as bench writes it (shape kbufmapctl-bench/1,
 * compact or --pretty): a phase is found by its quoted "id" value, and its
 * "median", "ci_low" and "ci_high" are the first such keys after it. This
 * is a reader of our own shape, not a general JSON parser; a file without
 * the shape marker is refused. A difference beyond the noise, either way,
 * makes the exit status 1 (a regression gate for scripts).
 *
 * --compare OLD.json --from NEW.json compares two saved runs without
 * measuring (two kernels, two machines, before and after a change): every
 * phase of NEW beside its figure in OLD, with the same verdicts.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "out.h"
#include "status.h"

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t len = 0;

	if (!f)
		return NULL;
	if (getdelim(&buf, &len, '\0', f) < 0) {
		free(buf);
		buf = NULL;
		errno = EINVAL;
	}
	fclose(f);
	return buf;
}

/* The value of the first "@key" in @text (past the colon); NULL if none. */
static const char *value_of(const char *text, const char *key)
{
	char k[32];
	const char *p;

	snprintf(k, sizeof(k), "\"%s\"", key);
	p = strstr(text, k);
	if (!p)
		return NULL;
	p += strlen(k);
	return p + strspn(p, " \t\n:");
}

static bool has_shape(const char *text)
{
	const char *v = value_of(text, "shape");

	return v && !strncmp(v, "\"" BENCH_JSON_SHAPE "\"", strlen(BENCH_JSON_SHAPE) + 2);
}

int bench_compare_check(const char *path, char *msg, size_t len)
{
	char *text = slurp(path);
	bool ok = text && has_shape(text);

	if (!text)
		snprintf(msg, len, "--compare: cannot read '%s': %s", path, strerror(errno));
	else if (!ok)
		snprintf(msg, len, "--compare: '%s' is not a bench result of shape %s "
			 "(save one with kbufmapctl bench -j)", path, BENCH_JSON_SHAPE);
	free(text);
	return ok ? 0 : -1;
}

/* The number after "@key": at or after @from, before @end. */
static bool number_after(const char *from, const char *end, const char *key, double *v)
{
	const char *p = value_of(from, key);
	char *e;

	if (!p || (end && p > end))
		return false;
	*v = strtod(p, &e);
	return e != p;
}

struct saved { double median, lo, hi; };

static bool find_saved(const char *text, const char *id, struct saved *s)
{
	char q[220];
	const char *p, *next;

	snprintf(q, sizeof(q), "\"%s\"", id);
	p = strstr(text, q);
	if (!p)
		return false;
	next = strstr(p + strlen(q), "\"id\"");
	return number_after(p, next, "median", &s->median) &&
	       number_after(p, next, "ci_low", &s->lo) &&
	       number_after(p, next, "ci_high", &s->hi);
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

/* One row: phase @id now (@now) beside the saved run (@text); true when
 * it is flagged. */
static bool compare_row(const char *text, const char *id, const struct saved *now,
			unsigned int threshold_pct)
{
	const char *verdict;
	struct saved s;
	bool flag;
	double ratio;

	open_json_object(NULL);
	print_string(PRINT_ANY, "id", "%-58s", id);
	if (!find_saved(text, id, &s)) {
		print_null(PRINT_ANY, "old_median", " %10s", "-");
		print_float(PRINT_ANY, "new_median", " %10.1f", now->median);
		print_string(PRINT_ANY, "verdict", "        -  %s\n", "not in the saved run");
		close_json_object();
		return false;
	}
	ratio = s.median > 0 ? now->median / s.median : 0;
	verdict = phase_verdict(now, &s, ratio, threshold_pct, &flag);
	print_float(PRINT_ANY, "old_median", " %10.1f", s.median);
	print_float(PRINT_ANY, "new_median", " %10.1f", now->median);
	print_float(PRINT_ANY, "ratio", " %7.2fx", ratio);
	print_bool(PRINT_JSON, "cis_apart", NULL, now->hi < s.lo || now->lo > s.hi);
	print_bool(PRINT_JSON, "exceeds_noise", NULL, flag);
	print_string(PRINT_ANY, "verdict", "  %s\n", verdict);
	close_json_object();
	return flag;
}

/* One measured phase beside its saved figure; true when it is flagged. */
static bool compare_phase(const char *text, const struct bench_case *c, unsigned int ph,
			  unsigned int threshold_pct)
{
	const struct bench_stats *st = &c->st[ph];
	struct saved now = { st->median, st->ci_lo, st->ci_hi };
	char cid[160], id[200];

	bench_case_id(c, cid, sizeof(cid));
	snprintf(id, sizeof(id), "%s/%s", cid, bench_phase_name(ph));
	return compare_row(text, id, &now, threshold_pct);
}

int bench_compare(const char *path, unsigned int threshold_pct, struct bench_case *cases, size_t n)
{
	char *text = slurp(path);
	size_t flagged = 0;

	if (!text)
		return kbm_fail(errno, "--compare: cannot read '%s': %s", path, strerror(errno));
	print_text("\ncompared with %s (ns per page, medians; new/old; flagged: CIs apart and %u %% or more)\n",
		   path, threshold_pct);
	print_uint(PRINT_JSON, "compare_threshold_pct", NULL, threshold_pct);
	open_json_array("compare");
	for (size_t i = 0; i < n; i++)
		for (unsigned int ph = 0; ph < PH_COUNT && !cases[i].skip_err; ph++)
			if (cases[i].st[ph].n)
				flagged += compare_phase(text, &cases[i], ph, threshold_pct);
	close_json_array();
	print_uint(PRINT_ANY, "compare_flagged", "%llu figure(s) differ beyond the noise\n",
		   (unsigned long long)flagged);
	free(text);
	return flagged ? KBM_EXIT_FAIL : KBM_EXIT_OK;
}

/*
 * The next phase of a saved run at or after @p: its id (copied to @id) and
 * figures. A phase object is the "id" directly followed by "phase" (a case
 * has "target" there, a --compare row "old_median"). NULL after the last.
 */
static const char *next_saved_phase(const char *p, char *id, size_t len, struct saved *s)
{
	while ((p = strstr(p, "\"id\""))) {
		const char *v = p + strlen("\"id\""), *end;

		v += strspn(v, " \t\n:");
		p = v;
		if (*v != '"' || !(end = strchr(v + 1, '"')))
			continue;
		p = end + 1;
		if (strncmp(p + strspn(p, " \t\n,"), "\"phase\"", strlen("\"phase\"")))
			continue;
		snprintf(id, len, "%.*s", (int)(end - v - 1), v + 1);
		if (find_saved(v, id, s))
			return p;
	}
	return NULL;
}

/* Whether the saved run says it ran under emulation ("emulated": true). */
static bool saved_emulated(const char *text)
{
	const char *v = value_of(text, "emulated");

	return v && !strncmp(v, "true", 4);
}

int bench_compare_saved(const char *old_path, const char *new_path, unsigned int threshold_pct)
{
	char *old_text = slurp(old_path), *new_text = slurp(new_path), id[200];
	const char *p, *stop;
	size_t flagged = 0, rows = 0;
	struct saved now;
	int ret;

	if (!old_text || !new_text) {
		ret = kbm_fail(errno, "--compare: cannot read '%s': %s",
			       old_text ? new_path : old_path, strerror(errno));
		goto out;
	}
	if (threshold_pct == BENCH_THRESHOLD_DEFAULT)
		threshold_pct = saved_emulated(new_text) ? BENCH_THRESHOLD_EMULATED
							 : BENCH_THRESHOLD_NATIVE;
	/* NEW's own --compare rows, if it has any, are not phases of NEW */
	stop = strstr(new_text, "\"compare\"");
	open_json_object(NULL);
	print_string(PRINT_JSON, "old", NULL, old_path);
	print_string(PRINT_JSON, "new", NULL, new_path);
	print_text("%s compared with %s (ns per page, medians; new/old; flagged: CIs apart and %u %% or more)\n",
		   new_path, old_path, threshold_pct);
	print_uint(PRINT_JSON, "compare_threshold_pct", NULL, threshold_pct);
	open_json_array("compare");
	for (p = new_text; (p = next_saved_phase(p, id, sizeof(id), &now)) && (!stop || p < stop); rows++)
		flagged += compare_row(old_text, id, &now, threshold_pct);
	close_json_array();
	print_uint(PRINT_ANY, "compare_flagged", "%llu figure(s) differ beyond the noise\n",
		   (unsigned long long)flagged);
	close_json_object();
	if (!rows)
		ret = kbm_fail(EINVAL, "--from: '%s' has no measured phase to compare", new_path);
	else
		ret = flagged ? KBM_EXIT_FAIL : KBM_EXIT_OK;
out:
	free(old_text);
	free(new_text);
	return ret;
}
