/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The tracer: probes/fault_trace.bpf.c loaded and attached to the module's
 * functions (or to --function's, or to the faults on a --mapping), in
 * fentry or kprobe mode, and its counters read as snapshots. `fault-trace`
 * reports them; `bench --trace` times a workload under them.
 *
 *   tracer.c        load the BPF object, pick fentry or kprobe mode,
 *                   attach, read the counters and the missed events
 *   tracer_funcs.c  --function: is a name traceable, and what its BTF says
 *   snapshot.c      the difference of two snapshots, histogram slots
 *
 * Failures are returned as -errno with a struct kbm_err (lib/err.h), and
 * printed by the command (ft_tracer_fail() for ft_tracer_start()). The BPF
 * side and the types it shares with user space are in probes/.
 */
#ifndef KBM_TRACER_H
#define KBM_TRACER_H

#include <linux/types.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "err.h"
#include "fault_trace.h"	/* probes/: enum ft_func, struct ft_*_stats */

enum ft_mode {
	FT_MODE_AUTO = 0,	/* fentry when the module's BTF allows it */
	FT_MODE_FENTRY,
	FT_MODE_KPROBE,
	FT_NR_MODES
};

/*
 * One traced function: its name, what the report says about it and what
 * its BTF must show. For the module's functions generated from FT_FUNCS
 * (probes/fault_trace.h); for --function and --mapping filled in by the
 * tracer (strategies and pages_rule NULL: not known).
 */
struct ft_func_desc {
	const char *symbol;	/* kbufmap_vm_fault */
	const char *prog;	/* BPF program suffix: fentry_<prog> ... */
	const char *handler;	/* ".fault" */
	const char *strategies;	/* the strategies whose calls land here */
	const char *pages_rule;	/* how "pages" is counted */
	unsigned int btf_arg;	/* the argument that points to ... */
	const char *btf_struct;	/* ... this struct */
	enum ft_ret_kind ret;	/* --function: what its return value says */
	const char *module;	/* the module it is in, NULL: vmlinux */
};

extern const struct ft_func_desc ft_funcs[FT_NR_FUNCS];

/* The longest --function NAME (KSYM_NAME_LEN is 512 since 6.1). */
#define FT_FUNC_NAME_MAX	127

struct ft_tracer;

struct ft_tracer_opts {
	enum ft_mode mode;
	pid_t tgid;		/* 0: every process */
	bool children;		/* and the processes it forks */
	bool verbose;		/* libbpf's messages on stderr */
	/*
	 * --function and --mapping: with either, only these are traced, not
	 * the module's functions.
	 */
	const char *functions[FT_MAX_USER_FUNCS];
	unsigned int nfunctions;
	const char *mapping;	/* a file's path, NULL: no --mapping */
	__u64 map_dev, map_ino;	/* its device (kernel encoding) and inode */
};

/*
 * Load and attach. Returns 0 and *out, or -errno with @e saying why (kinds:
 * the module missing, a --function that is no function, no privilege, a
 * function that cannot be attached).
 */
int ft_tracer_start(const struct ft_tracer_opts *opts, struct ft_tracer **out,
		    struct kbm_err *e);
/*
 * Print ft_tracer_start()'s failure @e, then what libbpf said about it;
 * returns the exit status (kbm_fail_err()).
 */
int ft_tracer_fail(const struct kbm_err *e);
/* Detach every program; the counters stay readable. Idempotent. */
void ft_tracer_detach(struct ft_tracer *t);
void ft_tracer_destroy(struct ft_tracer *t);

enum ft_mode ft_tracer_mode(const struct ft_tracer *t);
/* "auto", "fentry", "kprobe"; NULL past FT_NR_MODES. */
const char *ft_mode_name(enum ft_mode mode);
/* Why this mode: "module BTF found", "no module BTF: ..." */
const char *ft_tracer_mode_reason(const struct ft_tracer *t);

/* The traced slots (enum ft_func, then --function, then --mapping). */
unsigned int ft_tracer_nslots(const struct ft_tracer *t);
unsigned int ft_tracer_slot(const struct ft_tracer *t, unsigned int i);
const struct ft_func_desc *ft_tracer_desc(const struct ft_tracer *t, unsigned int slot);
const struct ft_tracer_opts *ft_tracer_opts(const struct ft_tracer *t);
/* --mapping: the last VMA a traced fault hit; false when none yet. */
bool ft_tracer_mapping_range(const struct ft_tracer *t, __u64 *start, __u64 *end);

/* Missed events per function, as the kernel counts them. */
struct ft_missed {
	/* kprobe mode: kprobe + kretprobe misses from kprobe_profile. */
	bool probe_known;
	__u64 probe[FT_NR_SLOTS];
	/* recursion_misses of the function's BPF programs (bpf_prog_info). */
	bool recursion_known;
	__u64 recursion[FT_NR_SLOTS];
	const char *unknown_why;	/* when one of the above is not known */
};

struct ft_proc_entry {
	struct ft_proc_key key;
	struct ft_proc_stats st;
};

/*
 * Modules the traced functions are in (kbufmap, and those of --function):
 * the module, and a --function's module, plus none for vmlinux.
 */
#define FT_MAX_MODULES	(1 + FT_MAX_USER_FUNCS)

/*
 * A module that was unloaded while traced. fentry pins a module; kprobes do
 * not: tracefs kprobes are re-armed when it is loaded again, perf kprobes
 * are gone for good.
 */
struct ft_unloaded {
	const char *module;
	bool loaded_now;	/* loaded again since */
	bool probes_back;	/* its probes fire again once it is */
};

/* Everything the report shows, at one instant. */
struct ft_snapshot {
	__u64 mono_ns;			/* CLOCK_MONOTONIC when taken */
	struct ft_func_stats funcs[FT_NR_SLOTS];	/* summed over CPUs */
	__u64 drops[FT_NR_DROPS];
	struct ft_missed missed;
	struct ft_proc_entry *procs;	/* sorted by (tgid, func) */
	size_t nprocs;
	struct ft_unloaded unloaded[FT_MAX_MODULES];	/* since tracing began */
	unsigned int nunloaded;
};

/* Read the counters now. Returns 0, or -errno with @e saying why. */
int ft_tracer_snapshot(struct ft_tracer *t, struct ft_snapshot *s, struct kbm_err *e);
void ft_snapshot_free(struct ft_snapshot *s);
/* @out = @cur - @prev (procs absent from @prev count from zero); 0 or -ENOMEM. */
int ft_snapshot_diff(const struct ft_snapshot *cur, const struct ft_snapshot *prev,
		     struct ft_snapshot *out);

/* The slot's bounds in ns: [lo, hi]. */
void ft_hist_slot_range(unsigned int slot, __u64 *lo, __u64 *hi);

#endif /* KBM_TRACER_H */
