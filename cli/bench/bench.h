/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kbufmapctl bench: shared types. A "case" is one target (the kbufmap
 * module with a backend and a strategy, or a user-space baseline) at one
 * size; each repeat of a case times every phase once.
 */
#ifndef KBM_BENCH_H
#define KBM_BENCH_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bufopt.h"
#include "target.h"
#include "uapi/kbufmap.h"

/* The phases, each timed on its own with CLOCK_MONOTONIC. */
#define BENCH_PHASES(X)							\
	X(MMAP, "mmap", "mmap() (and populate, for the populating baselines)") \
	X(FIRST_READ, "first-read", "first touch, one byte read per page")	\
	X(FIRST_WRITE, "first-write", "first touch, one byte written per page (its own mapping)") \
	X(SECOND, "second-touch", "a second read pass over the read mapping") \
	X(BANDWIDTH, "bandwidth", "read every 8-byte word of the buffer")	\
	X(WRITE_BANDWIDTH, "write-bandwidth", "write every 8-byte word of the buffer (its own mapping; not uio or device targets: their words may be registers)") \
	X(MUNMAP, "munmap", "munmap() of the read mapping")		\
	X(PREAD, "pread", "pread() of the whole buffer instead of mapping it")

#define BENCH_X_ENUM(id, name, desc) PH_##id,
enum bench_phase { BENCH_PHASES(BENCH_X_ENUM) PH_COUNT };
#undef BENCH_X_ENUM

const char *bench_phase_name(unsigned int ph);

/* --threads: at most this many, one per CPU. */
#define BENCH_MAX_THREADS 64

/* One phase of one repeat. */
struct bench_sample {
	bool valid;			/* the phase exists for this target */
	uint64_t ns;			/* wall clock of the whole phase */
	uint64_t thread_ns[BENCH_MAX_THREADS];	/* --threads: each one's slice */
	uint64_t minflt;		/* getrusage(RUSAGE_THREAD) delta */
	bool have_k;			/* module counters (kbufmap targets) */
	struct kbufmap_counters k;	/* what the phase changed (buffer scope) */
};

struct bench_case;

/* --trace: which of fault-trace's probe kinds the fault phases run under. */
enum bench_trace { BENCH_TRACE_NONE = 0, BENCH_TRACE_FENTRY, BENCH_TRACE_KPROBE };

/* A benchmark or baseline, perf style: one row of bench_targets[]. */
struct bench_target {
	const char *name;
	const char *summary;
	/* Prepare the case (open, configure); 0, or -errno with *why set. */
	int (*setup)(struct bench_case *c, const char **why);
	/* map the buffer (timed by the caller); NULL with errno on failure */
	void *(*map)(struct bench_case *c, bool for_write);
	int (*pread)(struct bench_case *c, void *dst);	/* NULL: no pread phase */
	void (*teardown)(struct bench_case *c);
	/* NULL, or DMA_BUF_IOCTL_SYNC/DMA_SYNC around the CPU's access (not timed) */
	void (*sync)(struct bench_case *c, bool begin, bool write);
	bool module;			/* the kbufmap device; counters available */
};

extern const struct bench_target bench_targets[];
extern const size_t bench_nr_targets;
const struct bench_target *bench_target_by_name(const char *name);
/* --target: another driver's buffer (target.h), one case per size, or one
 * at the driver's own size; no module counters, minor faults kept. */
extern const struct bench_target bench_foreign;

/* Robust statistics of one phase (ns per page). */
struct bench_stats {
	size_t n;
	double min, median, p90, max, mean, sd;
	double ci_lo, ci_hi;		/* 95 % CI of the median (order statistics) */
	size_t outliers;		/* modified z-score > 3.5 */
};
void bench_stats_compute(const double *v, size_t n, struct bench_stats *st);
uint64_t bench_median_u64(const uint64_t *v, size_t n);

/*
 * --trace: the first touches of a module case run again, warm-up and
 * repeats alike, with fault-trace's probes attached (bench_trace.c).
 */
struct bench_traced {
	const char *mode;		/* "fentry" or "kprobe", as attached */
	char why[160];			/* the tracer's reason for the mode */
	size_t nsamples;
	struct bench_sample (*s)[PH_COUNT];	/* [repeat][phase] */
	struct bench_stats st[PH_COUNT];	/* first touches only */
	uint64_t minflt[PH_COUNT];
	struct kbufmap_counters k[PH_COUNT];
	uint64_t probe_faults;		/* .fault calls the probes counted ... */
	uint64_t module_faults;		/* ... and the module, over the same runs */
};

struct bench_case {
	const struct bench_target *t;
	unsigned int backend, strategy;	/* module targets */
	unsigned int cache;		/* module targets: enum kbufmap_cache */
	bool set_memory;		/* module targets: --set-memory */
	uint64_t pages;
	size_t ps, len;
	bool private_map;
	int node;
	const char *device;		/* module targets: the kbufmap device */
	const struct kbm_target_spec *spec;	/* bench_foreign: which target */
	struct kbm_target *fx;		/* bench_foreign: the open buffer; NULL */
	unsigned int threads;		/* first touches by this many threads */
	const int *thread_cpus;		/* thread i runs on thread_cpus[i] */
	/* state while running */
	int fd;
	void *addr;
	int skip_err;			/* setup failed: -errno, why in skip_why */
	const char *skip_why;
	/* results */
	size_t nsamples;
	struct bench_sample (*s)[PH_COUNT];	/* [repeat][phase] */
	struct bench_stats st[PH_COUNT];
	uint64_t minflt[PH_COUNT];	/* medians over the repeats */
	struct kbufmap_counters k[PH_COUNT];
	bool have_k;
	/* --threads: median over the repeats of each thread's ns per page */
	double thread_median[PH_COUNT][BENCH_MAX_THREADS];
	struct bench_traced *tr;	/* --trace, module targets; else NULL */
};

/* The pages thread @t of a threaded touch takes (the last, the rest). */
static inline uint64_t bench_slice_pages(const struct bench_case *c, unsigned int t)
{
	uint64_t per = c->pages / c->threads;

	return t == c->threads - 1 ? c->pages - per * t : per;
}

/* The phases --threads splits between the threads. */
static inline bool bench_phase_threaded(unsigned int ph)
{
	return ph == PH_FIRST_READ || ph == PH_FIRST_WRITE;
}

/* Options, as parsed. */
/* --compare's threshold in percent (bench_output.c picks the default). */
#define BENCH_THRESHOLD_DEFAULT		UINT_MAX
#define BENCH_THRESHOLD_NATIVE		10
#define BENCH_THRESHOLD_EMULATED	25

struct bench_opts {
	const struct kbm_ctx *ctx;
	struct kbm_bufopt buf;		/* sizes, backends, strategies, --target, ... */
	bool *baselines;		/* per bench_targets[] row */
	uint64_t warmup, repeat;
	int cpu;			/* -1: not pinned */
	int cpu_node;			/* --cpu-node, -1: none */
	unsigned int threads;		/* --threads */
	int thread_cpus[BENCH_MAX_THREADS];
	enum { OUT_TABLE, OUT_CSV, OUT_MARKDOWN } format;
	const char *compare;
	const char *from;		/* --from NEW.json: compare, do not measure */
	struct bench_saved *old_run;	/* --compare's file, read once */
	struct bench_saved *new_run;	/* --from's */
	unsigned int threshold_pct;	/* --threshold, or BENCH_THRESHOLD_DEFAULT */
	char *cmdline;
	enum bench_trace trace;		/* --trace */
};

/* Run one case: warmup + repeat; fills samples and statistics. */
int bench_run_case(struct bench_case *c, const struct bench_opts *o);
/* The first touches of a set-up case again (warmup + repeat), into c->tr. */
int bench_run_first_touches(struct bench_case *c, const struct bench_opts *o);

/*
 * --trace (bench_trace.c). bench_trace_parse: the mode for @arg, or
 * BENCH_TRACE_NONE with *why set (unknown name, or a build without BPF).
 * bench_trace_case: bench_run_first_touches() with the probes attached
 * to this process; KBM_EXIT_OK, or the tracer's exit status after its
 * message (no module, no privilege, a probe that cannot attach).
 */
enum bench_trace bench_trace_parse(const char *arg, const char **why);
const char *bench_trace_name(enum bench_trace mode);
int bench_trace_case(struct bench_case *c, const struct bench_opts *o);

/* Context block (JSON) and the warnings, hyperfine style. */
struct bench_env {
	char kernel[160], cpu_model[128], hypervisor[64], thp[32], governor[32];
	char module_version[32];
	long fault_around_bytes;	/* -1: unknown */
	int aslr;			/* randomize_va_space, -1 unknown */
	bool emulated;			/* TCG: no hardware virtualisation */
	int cpu_asked;			/* --cpu, -1 none */
	char cpus_applied[64];		/* sched_getaffinity after pinning */
	bool pinned;
	int nodes;
	int cpu_node;			/* --cpu-node, -1 none */
	int cpus_node;			/* the node of the CPU running, -1 unknown */
};
void bench_env_read(struct bench_env *e, int cpu_asked, int cpu_node);
void bench_env_print(const struct bench_env *e, const struct bench_opts *o);
/* Collect warnings about @e and the results; prints them (stderr, JSON). */
void bench_warnings(const struct bench_env *e, struct bench_case *cases, size_t n);

/* The results; returns --compare's status (KBM_EXIT_OK without it). */
int bench_output(const struct bench_opts *o, const struct bench_env *e,
		 struct bench_case *cases, size_t n);
/*
 * A saved run (bench -j) for --compare and --from, read and checked once,
 * as the options are (a pipe, --compare <(jq -S . old.json), can be read
 * only once): the run, or NULL with a message naming @opt in @msg.
 */
struct bench_saved;
struct bench_saved *bench_saved_read(const char *opt, const char *path, char *msg, size_t len);
void bench_saved_free(struct bench_saved *run);
/* --compare: KBM_EXIT_OK, or KBM_EXIT_FAIL when a figure differs beyond
 * the noise. */
int bench_compare(const struct bench_saved *old, unsigned int threshold_pct,
		  struct bench_case *cases, size_t n);
/* --compare OLD --from NEW: two saved runs, nothing measured; KBM_EXIT_OK,
 * KBM_EXIT_FAIL when a figure differs beyond the noise, or an error. */
int bench_compare_saved(const struct bench_saved *old, const struct bench_saved *new,
			unsigned int threshold_pct);

/* The identifier of a case and of one of its phases, as in the JSON. */
void bench_case_id(const struct bench_case *c, char *buf, size_t len);

#define BENCH_JSON_SHAPE "kbufmapctl-bench/1"

#endif /* KBM_BENCH_H */
