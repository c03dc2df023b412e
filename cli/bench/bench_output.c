// SPDX-License-Identifier: GPL-2.0
/*
 * The results: a table for people (-q: without the context lines), CSV,
 * Markdown, or JSON (-j). Times are ns per page of the buffer; GiB/s is the
 * buffer's size over the median time of the phase.
 *
 * The JSON shape ("shape": "kbufmapctl-bench/1"), tested by
 * tests/guest/bench.sh and read back by --compare:
 *
 *   { "shape": "kbufmapctl-bench/1",
 *     "context": { "tool", "module", "kernel", "cpu_model", "hypervisor",
 *                  "emulated", "thp", "fault_around_bytes" (null: unknown),
 *                  "aslr", "governor", "cpu_asked" (null), "cpus_applied",
 *                  "pinned", "numa_nodes", "buffer_node" (null: any),
 *                  "threads", "cpu_node" (null), "running_node",
 *                  "trace" (null, or --trace's "fentry"|"kprobe"),
 *                  "command_line" },
 *     "config": { "warmup", "repeat", "map": "shared"|"private",
 *                 "ci": "order-statistics-95", "outliers": "modified-z>3.5" },
 *     "results": [ { "id": "TARGET[/BACKEND/STRATEGY]/MAP/PAGES", or for
 *                    a --target driver "KIND/DRIVER/MAP/PAGES",
 *                    "target" ("kbufmap", a baseline's name, or a --target
 *                      kind: "dma-heap", "udmabuf", "drm-dumb", "fb",
 *                      "uio", "device"),
 *                    "driver" ("kbufmap", the --target driver as it
 *                      names itself: "system", "udmabuf", "vgem",
 *                      "bochs-drm", fb's id, uio's name; null for a
 *                      baseline),
 *                    "backend" (null), "strategy" (null),
 *                    "cache" ("wb", "wc", "uc"; null), "set_memory",
 *                    "map", "pages", "page_size",
 *                    "skipped": null | { "errno": "ENAME", "why": "..." },
 *                    "trace": { "mode", "why", "probe_faults",
 *                               "module_faults" }  (--trace, kbufmap
 *                      targets: the .fault calls the probes and the
 *                      module counted over the traced runs),
 *                    "phases": [ { "id": "<result id>/<phase>", "phase",
 *                                  "samples_ns": [ per repeat, whole phase ],
 *                                  "min", "median", "p90", "max", "mean",
 *                                  "sd", "ci_low", "ci_high" (ns/page),
 *                                  "outliers", "gib_per_s",
 *                                  "minflt" (median per repeat),
 *                                  "module": null | { one key per
 *                                    counter of KBUFMAP_COUNTERS
 *                                    (kbufmap_names.h), in its order:
 *                                    "faults", "fault_around_calls",
 *                                    "fault_around_pages", "huge_faults",
 *                                    "pages_inserted", "remap_calls",
 *                                    "mmaps", "vma_closes", "vma_opens";
 *                                    what the phase changed },
 *                                  "per_thread": [ { "cpu", "pages",
 *                                    "median" (ns/page of its slice) } ]
 *                                    (only first touches, --threads > 1;
 *                                    the phase's own figures are then the
 *                                    total: wall clock over the buffer),
 *                                  "traced": { "mode", "samples_ns", "min",
 *                                    ... "outliers" (as above), "minflt",
 *                                    "module", "ratio" (traced median /
 *                                    untraced median) }  (--trace, first
 *                                    touches of kbufmap targets) } ] } ],
 *     "compare": [ { "id", "old_median" (null: not saved), "new_median",
 *                    "ratio", "exceeds_noise", "verdict" } ]  (--compare)
 *     "compare_flagged": N  (--compare; N > 0 makes the exit status 1)
 *     "warnings": [ "..." ] }
 *
 * A phase a target does not have (pread of anonymous memory, or of a
 * --target buffer without a file view) is left out; a --target case has
 * "module": null in every phase (its counters are kbufmap's only).
 */
#include <stdio.h>
#include <string.h>

#include "bench.h"
#include "cmd.h"
#include "kbufmap_names.h"
#include "names.h"
#include "out.h"

#define BENCH_X_NAME(id, name, desc) [PH_##id] = name,
static const char *const phase_names[PH_COUNT] = { BENCH_PHASES(BENCH_X_NAME) };
#undef BENCH_X_NAME

const char *bench_phase_name(unsigned int ph)
{
	return ph < PH_COUNT ? phase_names[ph] : "?";
}

/* A foreign case's driver: as the open buffer names it, else what was asked. */
static const char *foreign_driver(const struct bench_case *c)
{
	if (c->fx && c->fx->driver[0])
		return c->fx->driver;
	return c->spec->arg[0] ? c->spec->arg : "-";
}

/* bench_foreign: the target's kind; else the bench_targets[] row's name. */
static const char *case_target(const struct bench_case *c)
{
	return c->spec ? kbm_target_kind_name(c->spec->kind) : c->t->name;
}

/* The driver: kbufmap for the module, the foreign driver's name, or NULL. */
static const char *case_driver(const struct bench_case *c)
{
	return c->spec ? foreign_driver(c) : c->t->module ? "kbufmap" : NULL;
}

void bench_case_id(const struct bench_case *c, char *buf, size_t len)
{
	const char *map = c->private_map ? "private" : "shared";

	if (c->spec)	/* a driver name may hold a '/' (a node path): not in an id */
		snprintf(buf, len, "%s/%.*s/%s/%llu", case_target(c),
			 (int)strcspn(foreign_driver(c), "/ "), foreign_driver(c), map,
			 (unsigned long long)c->pages);
	else if (c->t->module)	/* wb alone keeps the ids of older runs */
		snprintf(buf, len, "%s/%s/%s%s%s%s/%s/%llu", c->t->name,
			 backend_name(c->backend), strategy_name(c->strategy),
			 c->cache || c->set_memory ? "+" : "",
			 c->cache || c->set_memory ? cache_name(c->cache) : "",
			 c->set_memory ? "+set-memory" : "", map,
			 (unsigned long long)c->pages);
	else
		snprintf(buf, len, "%s/%s/%llu", c->t->name, map,
			 (unsigned long long)c->pages);
}

static double gib_at(const struct bench_case *c, double median)
{
	double ns = median * (double)c->pages;

	return ns > 0 ? (double)c->len / ns * 1e9 / (double)(1ULL << 30) : 0;
}

static double gib_per_s(const struct bench_case *c, unsigned int ph)
{
	return gib_at(c, c->st[ph].median);
}

static bool has_threads(const struct bench_case *c, unsigned int ph)
{
	return c->threads > 1 && bench_phase_threaded(ph);
}

static void json_threads(const struct bench_case *c, unsigned int ph)
{
	open_json_array("per_thread");
	for (unsigned int t = 0; t < c->threads; t++) {
		open_json_object(NULL);
		print_int(PRINT_JSON, "cpu", NULL, c->thread_cpus[t]);
		print_u64(PRINT_JSON, "pages", NULL, bench_slice_pages(c, t));
		print_float(PRINT_JSON, "median", NULL, c->thread_median[ph][t]);
		close_json_object();
	}
	close_json_array();
}

/* Text: one line under a threaded phase, will-it-scale's per-task figures. */
static void text_threads(const struct bench_case *c, unsigned int ph)
{
	printf("    per thread (ns/page of its slice):");
	for (unsigned int t = 0; t < c->threads; t++)
		printf(" cpu%d %.1f", c->thread_cpus[t], c->thread_median[ph][t]);
	printf("\n");
}

/* The module's counters: keys and order from the one list (kbufmap_names.h). */
static void json_counters(const struct kbufmap_counters *k)
{
	open_json_object("module");
#define JSON_COUNTER(id, field, key) print_u64(PRINT_JSON, key, NULL, k->field);
	KBUFMAP_COUNTERS(JSON_COUNTER)
#undef JSON_COUNTER
	close_json_object();
}

static void json_samples(struct bench_sample (*s)[PH_COUNT], size_t n, unsigned int ph)
{
	open_json_array("samples_ns");
	for (size_t i = 0; i < n; i++)
		print_u64(PRINT_JSON, NULL, NULL, s[i][ph].ns);
	close_json_array();
}

static void json_stats(const struct bench_stats *st)
{
	print_float(PRINT_JSON, "min", NULL, st->min);
	print_float(PRINT_JSON, "median", NULL, st->median);
	print_float(PRINT_JSON, "p90", NULL, st->p90);
	print_float(PRINT_JSON, "max", NULL, st->max);
	print_float(PRINT_JSON, "mean", NULL, st->mean);
	print_float(PRINT_JSON, "sd", NULL, st->sd);
	print_float(PRINT_JSON, "ci_low", NULL, st->ci_lo);
	print_float(PRINT_JSON, "ci_high", NULL, st->ci_hi);
	print_u64(PRINT_JSON, "outliers", NULL, st->outliers);
}

/* --trace: does phase @ph have a traced twin, and traced / untraced. */
static bool has_traced(const struct bench_case *c, unsigned int ph)
{
	return c->tr && c->tr->st[ph].n && c->st[ph].n;
}

static double traced_ratio(const struct bench_case *c, unsigned int ph)
{
	return c->st[ph].median > 0 ? c->tr->st[ph].median / c->st[ph].median : 0;
}

static void json_traced(const struct bench_case *c, unsigned int ph)
{
	struct bench_traced *tr = c->tr;

	open_json_object("traced");
	print_string(PRINT_JSON, "mode", NULL, tr->mode);
	json_samples(tr->s, tr->nsamples, ph);
	json_stats(&tr->st[ph]);
	print_u64(PRINT_JSON, "minflt", NULL, tr->minflt[ph]);
	json_counters(&tr->k[ph]);
	print_float(PRINT_JSON, "ratio", NULL, traced_ratio(c, ph));
	close_json_object();
}

static void json_phase(const struct bench_case *c, unsigned int ph, const char *cid)
{
	char id[200];

	snprintf(id, sizeof(id), "%s/%s", cid, phase_names[ph]);
	open_json_object(NULL);
	print_string(PRINT_JSON, "id", NULL, id);
	print_string(PRINT_JSON, "phase", NULL, phase_names[ph]);
	json_samples(c->s, c->nsamples, ph);
	json_stats(&c->st[ph]);
	print_float(PRINT_JSON, "gib_per_s", NULL, gib_per_s(c, ph));
	print_u64(PRINT_JSON, "minflt", NULL, c->minflt[ph]);
	if (c->have_k)
		json_counters(&c->k[ph]);
	else
		print_null(PRINT_JSON, "module", NULL, NULL);
	if (has_threads(c, ph))
		json_threads(c, ph);
	if (has_traced(c, ph))
		json_traced(c, ph);
	close_json_object();
}

static void json_case(const struct bench_case *c)
{
	char id[160];

	bench_case_id(c, id, sizeof(id));
	open_json_object(NULL);
	print_string(PRINT_JSON, "id", NULL, id);
	print_string(PRINT_JSON, "target", NULL, case_target(c));
	print_string(PRINT_JSON, "driver", NULL, case_driver(c));
	print_string(PRINT_JSON, "backend", NULL, c->t->module ? backend_name(c->backend) : NULL);
	print_string(PRINT_JSON, "strategy", NULL, c->t->module ? strategy_name(c->strategy) : NULL);
	print_string(PRINT_JSON, "cache", NULL, c->t->module ? cache_name(c->cache) : NULL);
	print_bool(PRINT_JSON, "set_memory", NULL, c->t->module && c->set_memory);
	print_string(PRINT_JSON, "map", NULL, c->private_map ? "private" : "shared");
	print_u64(PRINT_JSON, "pages", NULL, c->pages);
	print_u64(PRINT_JSON, "page_size", NULL, c->ps);
	if (c->skip_err) {
		open_json_object("skipped");
		print_string(PRINT_JSON, "errno", NULL, errno_name(-c->skip_err));
		print_string(PRINT_JSON, "why", NULL, c->skip_why);
		close_json_object();
	} else {
		print_null(PRINT_JSON, "skipped", NULL, NULL);
	}
	if (c->tr) {
		open_json_object("trace");
		print_string(PRINT_JSON, "mode", NULL, c->tr->mode);
		print_string(PRINT_JSON, "why", NULL, c->tr->why);
		print_u64(PRINT_JSON, "probe_faults", NULL, c->tr->probe_faults);
		print_u64(PRINT_JSON, "module_faults", NULL, c->tr->module_faults);
		close_json_object();
	}
	open_json_array("phases");
	for (unsigned int ph = 0; ph < PH_COUNT && !c->skip_err; ph++)
		if (c->st[ph].n)
			json_phase(c, ph, id);
	close_json_array();
	close_json_object();
}

/* What a row shows: a phase's figures, untraced or traced. */
struct row_src {
	const char *phase;
	const struct bench_stats *st;
	double gib;
	uint64_t minflt;
	const struct kbufmap_counters *k;	/* NULL: not a module target */
};

/* Text, Markdown and CSV rows: one per case and phase. */
static void row_stats(const struct bench_opts *o, const struct row_src *r, const char *id)
{
	const struct bench_stats *s = r->st;
	unsigned long long minflt = r->minflt;

	if (o->format == OUT_CSV)
		printf("%s,%s,%zu,%.1f,%.1f,%.1f,%.1f,%.1f,%.1f,%.1f,%.1f,%zu,%.3f,%llu",
		       id, r->phase, s->n, s->median, s->min, s->p90, s->max,
		       s->mean, s->sd, s->ci_lo, s->ci_hi, s->outliers, r->gib, minflt);
	else if (o->format == OUT_MARKDOWN)
		printf("| %s | %s | %zu | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | "
		       "[%.1f, %.1f] | %zu | %.3f | %llu", id, r->phase, s->n,
		       s->median, s->min, s->p90, s->max, s->mean, s->sd, s->ci_lo,
		       s->ci_hi, s->outliers, r->gib, minflt);
	else
		printf("  %-13s %3zu %9.1f %9.1f %9.1f %9.1f %9.1f ±%7.1f [%8.1f %8.1f] "
		       "%2zu %8.3f %7llu", r->phase, s->n, s->median, s->min,
		       s->p90, s->max, s->mean, s->sd, s->ci_lo, s->ci_hi, s->outliers,
		       r->gib, minflt);
}

static void row(const struct bench_opts *o, const struct row_src *r, const char *id)
{
	const struct kbufmap_counters *k = r->k;

	row_stats(o, r, id);
	if (!k)
		printf("%s\n", o->format == OUT_CSV ? ",,,,," : o->format == OUT_MARKDOWN ?
		       " | - | - | - | - | - |" : "       -      -     -      -     -");
	else if (o->format == OUT_CSV)
		printf(",%llu,%llu,%llu,%llu,%llu\n", (unsigned long long)k->faults,
		       (unsigned long long)k->fault_around_pages, (unsigned long long)k->huge_faults,
		       (unsigned long long)k->pages_inserted, (unsigned long long)k->remap_calls);
	else if (o->format == OUT_MARKDOWN)
		printf(" | %llu | %llu | %llu | %llu | %llu |\n", (unsigned long long)k->faults,
		       (unsigned long long)k->fault_around_pages, (unsigned long long)k->huge_faults,
		       (unsigned long long)k->pages_inserted, (unsigned long long)k->remap_calls);
	else
		printf(" %7llu %6llu %5llu %6llu %5llu\n", (unsigned long long)k->faults,
		       (unsigned long long)k->fault_around_pages, (unsigned long long)k->huge_faults,
		       (unsigned long long)k->pages_inserted, (unsigned long long)k->remap_calls);
}

/*
 * --trace: the traced twin of a first touch. The table shows it as an
 * indented line with the ratio; CSV and Markdown as a row of its own whose
 * phase is PHASE+MODE (first-read+fentry).
 */
static void traced_row(const struct bench_opts *o, const struct bench_case *c,
		       unsigned int ph, const char *id)
{
	const struct bench_traced *tr = c->tr;
	const struct bench_stats *st = &tr->st[ph];
	char phase[64];
	struct row_src r = { phase, st, gib_at(c, st->median), tr->minflt[ph], &tr->k[ph] };

	if (o->format != OUT_TABLE) {
		snprintf(phase, sizeof(phase), "%s+%s", phase_names[ph], tr->mode);
		row(o, &r, id);
		return;
	}
	printf("    traced (%s): median %.1f ns/page [95%% CI %.1f %.1f], %.2fx untraced; "
	       "%llu .fault, %llu minflt\n", tr->mode, st->median, st->ci_lo, st->ci_hi,
	       traced_ratio(c, ph), (unsigned long long)tr->k[ph].faults,
	       (unsigned long long)tr->minflt[ph]);
}

static void traced_summary(const struct bench_case *c)
{
	printf("  trace %s (%s): over the traced runs the probes counted %llu .fault "
	       "calls, the module %llu\n", c->tr->mode, c->tr->why,
	       (unsigned long long)c->tr->probe_faults, (unsigned long long)c->tr->module_faults);
}

static void header(const struct bench_opts *o)
{
	if (o->format == OUT_CSV)
		printf("id,phase,n,median,min,p90,max,mean,sd,ci_low,ci_high,outliers,"
		       "gib_per_s,minflt,faults,fault_around_pages,huge_faults,"
		       "pages_inserted,remap_calls\n");
	else if (o->format == OUT_MARKDOWN)
		printf("| case | phase | n | median ns/page | min | p90 | max | mean | σ | "
		       "95 %% CI of median | outliers | GiB/s | minflt | .fault | around | "
		       "huge | inserted | remaps |\n"
		       "|---|---|--:|--:|--:|--:|--:|--:|--:|---|--:|--:|--:|--:|--:|--:|--:|--:|\n");
	else
		printf("  ns per page:  n    median       min       p90       max      "
		       "mean ±      σ   [95%% CI median]  out  GiB/s  minflt  .fault around "
		       " huge insert remap\n");
}

static void text_results(const struct bench_opts *o, struct bench_case *cases, size_t n)
{
	header(o);
	for (size_t i = 0; i < n; i++) {
		const struct bench_case *c = &cases[i];
		char id[160];

		bench_case_id(c, id, sizeof(id));
		if (o->format == OUT_TABLE)
			printf("%s%s%s\n", id, c->skip_err ? ": skipped, " : "",
			       c->skip_err ? c->skip_why : "");
		for (unsigned int ph = 0; ph < PH_COUNT && !c->skip_err; ph++) {
			struct row_src r = { phase_names[ph], &c->st[ph], gib_per_s(c, ph),
					     c->minflt[ph], c->have_k ? &c->k[ph] : NULL };

			if (!c->st[ph].n)
				continue;
			row(o, &r, id);
			if (o->format == OUT_TABLE && has_threads(c, ph))
				text_threads(c, ph);
			if (has_traced(c, ph))
				traced_row(o, c, ph, id);
		}
		if (o->format == OUT_TABLE && c->tr && !c->skip_err)
			traced_summary(c);
	}
}

/*
 * --compare's threshold: as given, or by default 10 % natively and 25 %
 * under emulation, where reruns of the same case moved medians by up to
 * 6 % on a quiet guest (TCG translates code anew, timing it as it goes;
 * 18-30 % when every exec read its program over uncached 9p).
 */
static unsigned int bench_threshold(const struct bench_opts *o, const struct bench_env *e)
{
	if (o->threshold_pct != BENCH_THRESHOLD_DEFAULT)
		return o->threshold_pct;
	return e->emulated ? BENCH_THRESHOLD_EMULATED : BENCH_THRESHOLD_NATIVE;
}

int bench_output(const struct bench_opts *o, const struct bench_env *e,
		 struct bench_case *cases, size_t n)
{
	int ret = KBM_EXIT_OK;

	if (out_is_json()) {
		open_json_object(NULL);
		print_string(PRINT_JSON, "shape", NULL, BENCH_JSON_SHAPE);
		bench_env_print(e, o);
		open_json_object("config");
		print_u64(PRINT_JSON, "warmup", NULL, o->warmup);
		print_u64(PRINT_JSON, "repeat", NULL, o->repeat);
		print_string(PRINT_JSON, "map", NULL, o->buf.private_map ? "private" : "shared");
		print_string(PRINT_JSON, "ci", NULL, "order-statistics-95");
		print_string(PRINT_JSON, "outliers", NULL, "modified-z>3.5");
		close_json_object();
		open_json_array("results");
		for (size_t i = 0; i < n; i++)
			json_case(&cases[i]);
		close_json_array();
		if (o->old_run)
			ret = bench_compare(o->old_run, bench_threshold(o, e), cases, n);
		bench_warnings(e, cases, n);
		close_json_object();
		return ret;
	}
	if (o->format == OUT_TABLE && !o->ctx->quiet)
		bench_env_print(e, o);
	text_results(o, cases, n);
	if (o->old_run)
		ret = bench_compare(o->old_run, bench_threshold(o, e), cases, n);
	bench_warnings(e, cases, n);
	return ret;
}
