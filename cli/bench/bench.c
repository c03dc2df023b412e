// SPDX-License-Identifier: GPL-2.0
/*
 * kbufmapctl bench: what each way of mapping a driver's buffer costs per
 * page, phase by phase (bench_run.c), beside the user-space baselines
 * (bench_targets.c), with robust statistics (bench_stats.c), the context
 * (bench_context.c), and output for people and programs (bench_output.c,
 * bench_compare.c). Every option is checked before anything runs.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bench.h"
#include "bufopt.h"
#include "kbm_numa.h"
#include "cmd.h"
#include "kbm_dev.h"
#include "kbm_hints.h"
#include "kbufmap_matrix.h"
#include "names.h"
#include "out.h"
#include "parse.h"
#include "values.h"

#define DEFAULT_PAGES	4096
#define DEFAULT_WARMUP	1
#define DEFAULT_REPEAT	7
#define MAX_RUNS	10000

enum {
	OPT_WARMUP = 0x400, OPT_REPEAT, OPT_CPU, OPT_CSV, OPT_MARKDOWN,
	OPT_COMPARE, OPT_BASELINE, OPT_LIST_BASELINES, OPT_THREADS, OPT_CPU_NODE,
	OPT_TRACE, OPT_THRESHOLD, OPT_LIST_PHASES, OPT_LIST_VALUES, OPT_FROM,
};

/* Lists of sizes, backends, strategies and other drivers' buffers. */
static const struct kbm_bufopt_cfg bench_bufopt = {
	.offer = KBM_BUF_LISTS | KBM_BUF_TARGET | KBM_BUF_BACKEND | KBM_BUF_STRATEGY |
		 KBM_BUF_PAGES | KBM_BUF_NODE | KBM_BUF_SHARED | KBM_BUF_PRIVATE |
		 KBM_BUF_CACHE,
	.pages = DEFAULT_PAGES,
};

static const struct argp_option bench_options[] = {
	{ NULL, 0, NULL, 0, "What to measure:", 1 },
	{ "baseline", OPT_BASELINE, "LIST", 0, "Baselines: anon, anon-populate, "
	  "madv-populate-write, madv-populate-read, memfd, thp; all (default) or none", 1 },
	{ NULL, 0, NULL, 0, "How:", 2 },
	{ "warmup", OPT_WARMUP, "N", 0, "Unmeasured runs first (0..10000, default 1)", 2 },
	{ "repeat", OPT_REPEAT, "N", 0, "Measured runs (1..10000, default 7)", 2 },
	{ "cpu", OPT_CPU, "N", 0, "Pin to CPU N (an online CPU); what was applied is recorded", 2 },
	{ "cpu-node", OPT_CPU_NODE, "N", 0, "Run on the CPUs of NUMA node N (the first one, "
	  "or one per thread); with --node: local or remote memory", 2 },
	{ "threads", OPT_THREADS, "T", 0, "First touches by T threads at once, one per CPU, "
	  "each faulting its 1/T of one buffer (1..online CPUs, default 1)", 2 },
	{ "trace", OPT_TRACE, "MODE", 0, "Run the first touches of each kbufmap case "
	  "again with fault-trace's probes attached (fentry or kprobe; needs root "
	  "and a build with BPF) and show traced / untraced", 2 },
	{ NULL, 0, NULL, 0, "Output (-j for JSON):", 3 },
	{ "csv", OPT_CSV, NULL, 0, "CSV, one line per case and phase", 3 },
	{ "markdown", OPT_MARKDOWN, NULL, 0, "A Markdown table", 3 },
	{ "compare", OPT_COMPARE, "OLD.json", 0, "Print each median beside the one "
	  "saved in OLD.json (from bench -j), with the ratio and whether the "
	  "difference exceeds the noise (95 % CIs apart and more than --threshold)", 3 },
	{ "from", OPT_FROM, "NEW.json", 0, "With --compare: take the new figures from "
	  "NEW.json (another saved run) instead of measuring", 3 },
	{ "threshold", OPT_THRESHOLD, "PCT", 0, "With --compare: the smallest change "
	  "in percent that is flagged when the CIs are apart (0-1000; default "
	  KBM_STR(BENCH_THRESHOLD_NATIVE) ", under emulation "
	  KBM_STR(BENCH_THRESHOLD_EMULATED) "): a rerun differs by more than one "
	  "run's CI shows", 3 },
	{ "list-baselines", OPT_LIST_BASELINES, NULL, OPTION_HIDDEN, "List the baselines", 3 },
	{ "list-phases", OPT_LIST_PHASES, NULL, OPTION_HIDDEN, "List the phases, in their order", 3 },
	{ "list-values", OPT_LIST_VALUES, "OPTION", OPTION_HIDDEN,
	  "List the values OPTION takes, one a line (for completion)", 3 },
	{ 0 }
};

static const char *trace_value(unsigned int i)
{
	return i <= BENCH_TRACE_KPROBE - BENCH_TRACE_FENTRY ?
	       bench_trace_name(BENCH_TRACE_FENTRY + i) : NULL;
}

/* The fixed values of bench's options, for --list-values (the completions). */
static const struct kbm_values bench_values[] = {
	{ 0, "trace", NULL, trace_value },
	{ 0 }
};

static const struct argp_child bench_children[] = {
	{ &kbm_bufopt_argp, 0, NULL, 1 },
	{ &kbm_common_argp, 0, "Common options:", 4 },
	{ 0 }
};

/* bench_targets[] rows past the first (the module) are the baselines. */
static int baseline_from_name(const char *name)
{
	const struct bench_target *t = bench_target_by_name(name);

	if (!strcmp(name, "none"))
		return -3;
	return t && t != &bench_targets[0] ? (int)(t - bench_targets) : -1;
}

static void parse_baselines(struct argp_state *state, char *arg, struct bench_opts *o)
{
	char msg[512];

	if (!strcmp(arg, "none")) {
		memset(o->baselines, 0, bench_nr_targets * sizeof(bool));
		return;
	}

	if (parse_name_set("--baseline", arg, o->baselines, bench_nr_targets,
			   baseline_from_name, "anon, anon-populate, madv-populate-write, "
			   "madv-populate-read, memfd, thp", msg, sizeof(msg)))
		argp_error(state, "%s", msg);
	o->baselines[0] = false;
}

/* The CPUs the threads run on: node @node's (--cpu-node), or every
 * online CPU; -1 with a message when there are too few for @o->threads. */
static int pick_cpus(struct bench_opts *o, char *msg, size_t len)
{
	long online = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned int n = 0;
	cpu_set_t cpus;

	if (o->cpu_node >= 0 && (o->cpu_node > kbm_numa_max_node() ||
				 kbm_numa_node_cpus(o->cpu_node, &cpus))) {
		snprintf(msg, len, "--cpu-node %d: no such NUMA node (allowed 0..%d)",
			 o->cpu_node, kbm_numa_max_node());
		return -1;
	}
	for (int cpu = 0; cpu < CPU_SETSIZE && n < o->threads; cpu++) {
		bool on_node = o->cpu_node < 0 || CPU_ISSET(cpu, &cpus);

		if (cpu < online && on_node)
			o->thread_cpus[n++] = cpu;
	}
	if (n < o->threads)
		snprintf(msg, len, "--threads %u: beyond the %u online CPUs%s%.0d (one thread "
			 "per CPU)", o->threads, n, o->cpu_node >= 0 ? " of node " : "",
			 o->cpu_node >= 0 ? o->cpu_node : 0);
	return n < o->threads ? -1 : 0;
}

static void finish_opts(struct argp_state *state, struct bench_opts *o)
{
	char msg[512];

	if (o->cpu >= 0 && (o->threads > 1 || o->cpu_node >= 0))
		argp_error(state, "--cpu pins one thread to one CPU: use --cpu-node or "
			   "--threads instead, not both");
	if (pick_cpus(o, msg, sizeof(msg)))
		argp_error(state, "%s", msg);
	kbm_bufopt_finish(&o->buf, state);
	if (o->compare && !(o->old_run = bench_saved_read("--compare", o->compare, msg, sizeof(msg))))
		argp_error(state, "%s", msg);
	if (o->from && !o->compare)
		argp_error(state, "--from NEW.json gives the new side of --compare OLD.json: "
			   "give --compare too");
	if (o->from && !(o->new_run = bench_saved_read("--from", o->from, msg, sizeof(msg))))
		argp_error(state, "%s", msg);
}

/* The options that take one number; ARGP_ERR_UNKNOWN for any other key. */
static error_t parse_number_opt(int key, char *arg, struct argp_state *state,
				struct bench_opts *o)
{
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	uint64_t v;

	switch (key) {
	case OPT_WARMUP: kbm_argp_u64(state, "--warmup", arg, 0, MAX_RUNS, &o->warmup); return 0;
	case OPT_REPEAT: kbm_argp_u64(state, "--repeat", arg, 1, MAX_RUNS, &o->repeat); return 0;
	case OPT_CPU:
		kbm_argp_u64(state, "--cpu", arg, 0, ncpu > 0 ? (uint64_t)ncpu - 1 : 0, &v);
		o->cpu = (int)v;
		return 0;
	case OPT_THREADS:
		kbm_argp_u64(state, "--threads", arg, 1, BENCH_MAX_THREADS, &v);
		o->threads = (unsigned int)v;
		return 0;
	case OPT_CPU_NODE:
		kbm_argp_u64(state, "--cpu-node", arg, 0, KBM_MAX_NODE, &v);
		o->cpu_node = (int)v;
		return 0;
	case OPT_THRESHOLD:
		kbm_argp_u64(state, "--threshold", arg, 0, 1000, &v);
		o->threshold_pct = (unsigned int)v;
		return 0;
	}
	return ARGP_ERR_UNKNOWN;
}

static error_t bench_parse(int key, char *arg, struct argp_state *state)
{
	struct bench_opts *o = state->input;

	switch (key) {
	case ARGP_KEY_INIT:
		state->child_inputs[0] = &o->buf;
		return 0;
	case OPT_BASELINE: parse_baselines(state, arg, o); return 0;
	case OPT_TRACE: {
		const char *why = NULL;

		o->trace = bench_trace_parse(arg, &why);
		if (o->trace == BENCH_TRACE_NONE)
			argp_error(state, "--trace %s: %s", arg, why);
		return 0;
	}
	case OPT_CSV: o->format = OUT_CSV; return 0;
	case OPT_MARKDOWN: o->format = OUT_MARKDOWN; return 0;
	case OPT_COMPARE: o->compare = arg; return 0;
	case OPT_FROM: o->from = arg; return 0;
	case OPT_LIST_BASELINES:
		for (size_t i = 1; i < bench_nr_targets; i++)
			printf("%s\n", bench_targets[i].name);
		exit(kbm_finish(KBM_EXIT_OK));
	case OPT_LIST_PHASES:
		for (unsigned int ph = 0; ph < PH_COUNT; ph++)
			printf("%s\n", bench_phase_name(ph));
		exit(kbm_finish(KBM_EXIT_OK));
	case OPT_LIST_VALUES:
		if (kbm_print_values(bench_values, arg))
			argp_error(state, "--list-values: %s takes no fixed values", arg);
		exit(kbm_finish(KBM_EXIT_OK));
	case ARGP_KEY_ARG:
		argp_error(state, "unexpected argument '%s'", arg);
		return 0;
	case ARGP_KEY_END:
		finish_opts(state, o);
		return 0;
	}
	return parse_number_opt(key, arg, state, o);
}

static const struct argp bench_argp = {
	.help_filter = kbm_help_filter,
	.options = bench_options,
	.parser = bench_parse,
	.doc = "Measure what each valid backend x strategy costs per page, phase by "
	       "phase (mmap, first touch read and write, second touch, a bandwidth "
	       "pass, munmap, pread of the buffer), beside user-space baselines and "
	       "other drivers' buffers (--target), with "
	       "the minor faults and the module's counters of each phase, robust "
	       "statistics (min, median, p90, max, mean ± σ, a 95 % CI of the median "
	       "by order statistics) and the context of the run."
	       "\vExamples:\n"
	       "  kbufmapctl bench --pages 4096\n"
	       "  kbufmapctl bench -s fault,insert-batch,remap,huge -b contig --cpu 0\n"
	       "  kbufmapctl bench -s fault --baseline none --pages 1-65536x16 -j > sweep.json\n"
	       "  kbufmapctl bench -s fault --compare sweep.json\n"
	       "  kbufmapctl bench --compare 6.1.json --from 6.12.json\n"
	       "  kbufmapctl bench -s fault -b vmalloc --threads 2\n"
	       "  kbufmapctl bench -s fault -b pages --baseline anon --target udmabuf,fb\n"
	       "  kbufmapctl bench -s fault -b vmalloc --baseline none --trace fentry\n"
	       "  kbufmapctl bench -s fault -b pages --cpu-node 0 --node 1   # remote memory\n\n"
	       "Exit status: 0 measured; 1 a case failed, or --compare found a figure "
	       "that differs beyond the noise; 2 usage error (or --trace in a build "
	       "without BPF); 3 module not loaded, or a --target absent; 5 --trace or a "
	       "--target without the privilege it needs; 6 other error.",
	.children = bench_children,
};

/* The cases of backend @b x strategy @s, one per --cache mode it takes. */
static size_t module_cases(const struct bench_opts *o, unsigned int b,
			   unsigned int s, struct bench_case *cases)
{
	unsigned int flags = o->buf.set_memory ? KBUFMAP_CONFIG_SET_MEMORY : 0;
	unsigned int kind = o->buf.private_map ? KBUFMAP_MAP_PRIVATE_RW : KBUFMAP_MAP_SHARED;
	size_t n = 0;

	if (!o->buf.backends[b] || !o->buf.strategies[s] ||
	    kbufmap_combo_errno(b, s, o->buf.node, NULL))
		return 0;
	for (unsigned int c = 0; c < KBUFMAP_CACHE_COUNT; c++) {
		if (!o->buf.caches[c] || kbufmap_cache_errno(b, c, flags, NULL) ||
		    kbufmap_cache_kind_errno(c, kind, NULL))
			continue;
		cases[n++] = (struct bench_case){ .t = &bench_targets[0],
			.backend = b, .strategy = s, .cache = c,
			.set_memory = o->buf.set_memory };
	}
	return n;
}

/* Append one case per size of the module's valid combinations, then the
 * baselines, then the --target drivers; returns the number of cases. */
static size_t build_cases(const struct bench_opts *o, struct bench_case *cases)
{
	size_t n = 0, ps = (size_t)sysconf(_SC_PAGESIZE);

	for (size_t z = 0; z < o->buf.nsizes; z++) {
		for (unsigned int b = 0; b < KBUFMAP_BACKEND_COUNT; b++)
			for (unsigned int s = 0; s < KBUFMAP_STRATEGY_COUNT; s++)
				n += module_cases(o, b, s, cases + n);
		for (size_t t = 1; t < bench_nr_targets; t++)
			if (o->baselines[t])
				cases[n++] = (struct bench_case){ .t = &bench_targets[t] };
		/* a framebuffer or UIO map has one size, its own: one case */
		for (size_t t = 0; t < o->buf.ntargets; t++)
			if (z == 0 || !kbm_target_fixed_size(&o->buf.targets[t]))
				cases[n++] = (struct bench_case){ .t = &bench_foreign,
								  .spec = &o->buf.targets[t] };
		for (size_t i = n; i-- > 0 && !cases[i].pages;) {
			cases[i].pages = o->buf.sizes[z];
			cases[i].ps = ps;
			cases[i].len = (size_t)o->buf.sizes[z] * ps;
			cases[i].private_map = o->buf.private_map;
			cases[i].node = o->buf.node;
			cases[i].device = o->ctx->device;
			cases[i].threads = o->threads;
			cases[i].thread_cpus = o->thread_cpus;
			cases[i].fd = -1;
		}
	}
	return n;
}

static void progress(const struct bench_opts *o, size_t i, size_t n,
		     const struct bench_case *c)
{
	char id[160];

	if (o->ctx->quiet || !isatty(STDERR_FILENO))
		return;
	if (i == n) {
		fprintf(stderr, "\r%-79s\r", "");
		return;
	}
	bench_case_id(c, id, sizeof(id));
	fprintf(stderr, "\r[%zu/%zu] %-66.66s", i + 1, n, id);
}

/* Set up, run and tear down one case; a failure skips it with the reason.
 * --trace: then the traced first touches; a tracer that cannot run
 * (*trace_rc, its message printed) ends the whole run. */
static bool run_one(struct bench_case *c, const struct bench_opts *o, int *trace_rc)
{
	int err;

	if (c->t->module && c->pages > backend_max_pages(c->backend)) {
		c->skip_err = -EINVAL;
		c->skip_why = "larger than this backend can allocate";
		return true;
	}
	err = c->t->setup(c, &c->skip_why);
	if (err) {
		c->skip_err = err;
		/* E2BIG past one DMA allocation: this kernel's limit, a skip */
		return err == -EOPNOTSUPP || err == -EINVAL ||
		       (c->t->module && kbm_configure_limit(c->backend, err));
	}
	err = bench_run_case(c, o);
	if (!err && o->trace && c->t->module) {
		*trace_rc = bench_trace_case(c, o);
		if (*trace_rc) {
			c->t->teardown(c);
			return false;
		}
	}
	c->t->teardown(c);
	if (err) {
		c->skip_err = err;
		c->skip_why = "mapping, touching or pread failed";
	}
	return !err;
}

/*
 * Before anything runs: the kbufmap device when a module case is to run,
 * and each --target opened once with one page, so that an absent driver
 * or node fails at once with its reason (exit 3, 5 not permitted).
 */
static int check_targets(const struct bench_opts *o, const struct bench_case *cases, size_t n)
{
	char text[300], seen[KBM_BUF_MAX_TARGETS][80];
	struct stat st;

	for (size_t i = 0; i < n; i++)
		if (cases[i].t->module && stat(o->ctx->device, &st))
			return kbm_dev_fail(o->ctx->device, errno);
	for (size_t i = 0; i < o->buf.ntargets; i++) {
		struct kbm_target t;
		int err = kbm_target_open(&o->buf.targets[i], 1, O_RDWR, &t);

		if (err) {
			snprintf(text, sizeof(text), "%s%s%s",
				 kbm_target_kind_name(o->buf.targets[i].kind),
				 o->buf.targets[i].arg[0] ? ":" : "", o->buf.targets[i].arg);
			return kbm_target_fail(&t, text, err);
		}
		kbm_target_close(&t);
		/* the case ids (KIND/DRIVER/MAP/PAGES) must be unique for --compare */
		snprintf(seen[i], sizeof(seen[i]), "%s/%s/%llu", kbm_target_kind_name(t.spec.kind),
			 t.driver, (unsigned long long)t.spec.size);
		for (size_t j = 0; j < i; j++)
			if (!strcmp(seen[i], seen[j])) {
				kbm_err("--target: two targets name the same buffer kind and driver "
					"(%s): give each driver once", seen[i]);
				return KBM_EXIT_USAGE;
			}
	}
	return KBM_EXIT_OK;
}

static void free_cases(struct bench_case *cases, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (cases[i].tr)
			free(cases[i].tr->s);
		free(cases[i].tr);
		free(cases[i].s);
		free(cases[i].fx);
	}
	free(cases);
}

static char *join_args(int argc, char **argv)
{
	size_t len = 1;
	char *s;

	for (int i = 0; i < argc; i++)
		len += strlen(argv[i]) + 1;
	s = calloc(1, len);
	for (int i = 0; s && i < argc; i++)
		strcat(strcat(s, i ? " " : ""), argv[i]);
	return s;
}

/* --cpu N: that CPU; --cpu-node: the CPUs the threads use (the first one
 * alone without --threads), so that the single-thread phases stay there. */
static int pin(const struct bench_opts *o)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	if (o->cpu >= 0)
		CPU_SET(o->cpu, &set);
	else if (o->cpu_node >= 0)
		for (unsigned int i = 0; i < o->threads; i++)
			CPU_SET(o->thread_cpus[i], &set);
	else
		return 0;
	return sched_setaffinity(0, sizeof(set), &set) ? -errno : 0;
}

/* Every case measured and shown (with --compare, beside OLD's). */
static int measure(struct bench_opts *o)
{
	struct bench_case *cases;
	struct bench_env env;
	size_t n;
	int err, ret = KBM_EXIT_OK, trace_rc = KBM_EXIT_OK;

	if (o->trace && (err = kbm_check_bpf("bench --trace")))
		return err;
	err = pin(o);
	if (err)
		return kbm_fail(err, "pinning: sched_setaffinity: %s", strerror(-err));
	bench_env_read(&env, o->cpu, o->cpu_node);
	cases = calloc(o->buf.nsizes * (KBUFMAP_BACKEND_COUNT * KBUFMAP_STRATEGY_COUNT *
				    KBUFMAP_CACHE_COUNT +
				    bench_nr_targets + o->buf.ntargets), sizeof(*cases));
	if (!cases)
		return kbm_fail(ENOMEM, "out of memory");
	n = build_cases(o, cases);
	err = check_targets(o, cases, n);
	if (err) {
		free_cases(cases, n);
		return err;
	}
	for (size_t i = 0; i < n && !trace_rc; i++) {
		progress(o, i, n, &cases[i]);
		if (!run_one(&cases[i], o, &trace_rc))
			ret = KBM_EXIT_FAIL;
	}
	progress(o, n, n, NULL);
	err = trace_rc ?: bench_output(o, &env, cases, n);
	if (ret == KBM_EXIT_OK || trace_rc)
		ret = err;
	free_cases(cases, n);
	return ret;
}

static int bench_run(struct kbm_ctx *ctx, int argc, char **argv)
{
	static bool baselines[16];
	struct bench_opts o = { .ctx = ctx, .warmup = DEFAULT_WARMUP,
				.repeat = DEFAULT_REPEAT, .cpu = -1, .cpu_node = -1,
				.threshold_pct = BENCH_THRESHOLD_DEFAULT,
				.threads = 1, .baselines = baselines };
	int ret;

	_Static_assert(sizeof(baselines) / sizeof(baselines[0]) >= 7, "baselines[]");
	kbm_bufopt_init(&o.buf, &bench_bufopt);
	memset(baselines, 1, sizeof(baselines));
	baselines[0] = false;
	o.cmdline = join_args(argc, argv);
	kbm_cmd_parse(ctx, argc, argv, 0, NULL, &o);
	if (o.new_run)
		ret = bench_compare_saved(o.old_run, o.new_run, o.threshold_pct);
	else
		ret = measure(&o);
	bench_saved_free(o.old_run);
	bench_saved_free(o.new_run);
	free(o.cmdline);
	return ret;
}

const struct kbm_cmd kbm_cmd_bench = {
	.name = "bench",
	.summary = "what each mapping strategy costs per page, beside the baselines",
	.argp = &bench_argp,
	.main = bench_run,
	.bufopt = &bench_bufopt,
	/* No KBM_NEEDS_DEVICE: --target drivers alone need no kbufmap;
	 * check_targets() asks for the device when a module case runs. */
};
