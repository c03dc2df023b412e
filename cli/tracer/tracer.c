// SPDX-License-Identifier: GPL-2.0
/*
 * The tracer: load probes/fault_trace.bpf.c and attach it to the module.
 *
 * Two modes, one BPF object (CO-RE, one skeleton for every kernel):
 *  - fentry/fexit, when the running kernel has the module's BTF
 *    (/sys/kernel/btf/kbufmap) and that BTF describes the traced functions
 *    as expected. A module whose BTF was generated against another kernel's
 *    vmlinux loads anyway (the kernel drops the BTF, or keeps garbage): both
 *    are detected here, before libbpf is asked to attach.
 *  - kprobe/kretprobe otherwise (or on request). The probes are created as
 *    trace events through tracefs' kprobe_events, not through the perf
 *    kprobe PMU that libbpf 1.1 uses, because only trace events show their
 *    missed count (kprobe_profile): a kretprobe silently drops the calls
 *    beyond its maxactive instances in flight, and that must be reported.
 *    Without tracefs the PMU is used and the missed count is "unknown".
 * Runs of the BPF programs that the kernel skips (recursion protection):
 * fentry/fexit count them in bpf_prog_info.recursion_misses (since 5.12);
 * kprobe programs only since 6.7, so in kprobe mode they are derived on
 * every kernel as the probes' hits (kprobe_profile) minus the programs' own
 * run counts.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/perf_event.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "clock.h"
#include "fault_trace.skel.h"
#include "out.h"
#include "procfs.h"
#include "status.h"
#include "tracer_priv.h"

#define MODULE_NAME	"kbufmap"
#define EVENT_GROUP	"kbufmapctl"
/*
 * kretprobe instances per probe: calls in flight at once beyond this are
 * missed (and counted). The kernel's default is max(10, 2 * CPUs).
 */
#define KRETPROBE_MAXACTIVE	64

enum { ENTRY = 0, RETURN = 1 };

/* Per traced function and end (entry, return). */
struct probe_counts {
	__u64 hits[FT_NR_SLOTS][2];	/* kprobe_profile: handler runs */
	__u64 missed[FT_NR_SLOTS][2];	/* kprobe_profile: probe misses */
	__u64 runs[FT_NR_SLOTS][2];	/* our BPF programs' runs */
};

struct ft_tracer {
	struct fault_trace_bpf *skel;
	struct ft_tracer_opts opts;
	enum ft_mode mode;
	char reason[320];
	int ncpus;
	bool kprobe_recursion_counted;	/* kernel >= 6.7 */

	/* The traced slots, in report order, and what each one is. */
	unsigned int slots[FT_NR_SLOTS];
	unsigned int nslots;
	struct ft_func_desc desc[FT_NR_SLOTS];
	struct ft_user_func user[FT_MAX_USER_FUNCS];	/* --function */
	char user_prog[FT_MAX_USER_FUNCS][12];		/* "u0" ... */

	/* Programs in use and their links, per slot and end. */
	struct bpf_program *progs[FT_NR_SLOTS][2];
	struct bpf_link *links[FT_NR_SLOTS][2];
	struct bpf_link *fork_link;
	struct bpf_link *exit_link;
	struct ft_btf_targets targets;	/* fentry: the module's functions */

	/*
	 * The modules of the traced functions, each watched through an open
	 * sysfs file of it: once the module is unloaded, reading the file
	 * fails with ENODEV, even if the module was loaded again meanwhile.
	 */
	struct {
		const char *name;
		int fd;			/* /sys/module/NAME/initstate; -1: none */
		bool gone;
	} mods[FT_MAX_MODULES];
	unsigned int nmods;

	/* kprobe mode through tracefs */
	const char *tracefs;		/* NULL: PMU kprobes */
	char events[FT_NR_SLOTS][2][64];
	bool created[FT_NR_SLOTS][2];

	/* kprobe_profile and BPF run counts when attached, and at detach. */
	struct probe_counts base;
	bool have_base;
	struct probe_counts final;
	bool have_final;

	bool detached;
	/*
	 * Why loading or attaching failed. In an attempt that may still fall
	 * back (soft_errors) it is kept for the warning, not returned.
	 */
	struct kbm_err e;
	bool soft_errors;
};

/*
 * A failure of loading or attaching, with its errno (0: none): kept in
 * t->e, -errno returned. Most are KBM_ERR_NOT_DEVICE: a symbol the kernel
 * cannot find is no missing module.
 */
#define tracer_err(t, kind, err, ...)	kbm_err_set(&(t)->e, (kind), (err), __VA_ARGS__)
#define ft_fail(t, err, ...)		tracer_err((t), KBM_ERR_NOT_DEVICE, (err), __VA_ARGS__)

/* --- libbpf's messages: kept, shown on failure or with --verbose ------- */

static char libbpf_log[32768];
static size_t libbpf_log_len;
static bool libbpf_verbose;
static bool libbpf_quiet;	/* an attempt that may fall back */
static bool libbpf_log_due;	/* ft_tracer_fail() shows it */

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	char *msg = NULL;
	size_t n;
	int len;

	if (libbpf_verbose)
		return vfprintf(stderr, fmt, ap);
	if (level == LIBBPF_DEBUG)
		return 0;
	len = vasprintf(&msg, fmt, ap);
	if (len < 0)
		return 0;
	/* Keep the newest messages; a verifier log comes in one piece. */
	n = (size_t)len;
	if (n >= sizeof(libbpf_log)) {
		memcpy(libbpf_log, msg + n - (sizeof(libbpf_log) - 1), sizeof(libbpf_log) - 1);
		libbpf_log_len = sizeof(libbpf_log) - 1;
	} else {
		if (libbpf_log_len + n >= sizeof(libbpf_log))
			libbpf_log_len = 0;
		memcpy(libbpf_log + libbpf_log_len, msg, n);
		libbpf_log_len += n;
	}
	libbpf_log[libbpf_log_len] = '\0';
	free(msg);
	return len;
}

/* What libbpf said about a failure: shown after it, by ft_tracer_fail(). */
static void dump_libbpf_log(void)
{
	libbpf_log_due = libbpf_log_len && !libbpf_quiet;
}

int ft_tracer_fail(const struct kbm_err *e)
{
	int status = kbm_fail_err(e);

	if (libbpf_log_due) {
		fprintf(stderr, "libbpf said:\n%s", libbpf_log);
		libbpf_log_len = 0;
		libbpf_log_due = false;
	}
	return status;
}

/* --- the module's symbols -------------------------------------------- */

/*
 * Every traced function must be in /proc/kallsyms under [kbufmap]. A
 * compiler clone (.isra, .constprop) instead of the symbol is named.
 */
static int check_kallsyms(struct kbm_err *e)
{
	bool found[FT_NR_FUNCS] = { false };
	char clone[FT_NR_FUNCS][256] = { { 0 } };
	char line[512], name[256], mod[128];
	FILE *f;
	int i;

	f = fopen("/proc/kallsyms", "re");
	if (!f)
		return kbm_err_set(e, KBM_ERR_RUNTIME, errno, "cannot read /proc/kallsyms: %s",
				   strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		char type;

		if (!strstr(line, "[" MODULE_NAME "]"))
			continue;
		if (sscanf(line, "%*s %c %255s %127s", &type, name, mod) != 3)
			continue;
		if (strcmp(mod, "[" MODULE_NAME "]") != 0)
			continue;
		for (i = 0; i < FT_NR_FUNCS; i++) {
			size_t n = strlen(ft_funcs[i].symbol);

			if (strcmp(name, ft_funcs[i].symbol) == 0)
				found[i] = true;
			else if (strncmp(name, ft_funcs[i].symbol, n) == 0 && name[n] == '.')
				snprintf(clone[i], sizeof(clone[i]), "%s", name);
		}
	}
	fclose(f);

	if (!found[FT_FAULT]) {
		kbm_err_set(e, KBM_ERR_NO_MODULE, 0, "kbufmap module not loaded: no %s in /proc/kallsyms",
			    ft_funcs[FT_FAULT].symbol);
		return -ENODEV;
	}
	for (i = 0; i < FT_NR_FUNCS; i++) {
		if (found[i])
			continue;
		if (clone[i][0])
			kbm_err_set(e, KBM_ERR_RUNTIME, 0, "cannot attach to %s: the module has only the compiler clone %s (the function must be noinline)",
				    ft_funcs[i].symbol, clone[i]);
		else
			kbm_err_set(e, KBM_ERR_RUNTIME, 0, "cannot attach to %s: not in /proc/kallsyms (module too old?)",
				    ft_funcs[i].symbol);
		return -ENOENT;
	}
	return 0;
}

/*
 * Why the module's functions could not be traced, if /proc/kallsyms tells:
 * -errno with t->e replaced, or 0. Read only after a failure (7.7 MB on
 * 6.12, 0.3 to 0.6 s under emulation): a function missing there fails the
 * attach in both modes (fentry: the kernel finds no address for its BTF
 * ID; kprobe: no symbol), and this says why, as a check before would have.
 */
static int kallsyms_diagnosis(struct ft_tracer *t)
{
	struct kbm_err e = { 0 };
	int rc;

	if (t->opts.nfunctions || t->opts.mapping)
		return 0;
	rc = check_kallsyms(&e);
	if (!rc)
		return 0;
	t->e = e;
	libbpf_log_due = false;
	return rc;
}

/* --- fentry possible? ------------------------------------------------- */

/* The struct a parameter points to, through typedefs and modifiers. */
static const char *param_struct(const struct btf *btf, __u32 type_id)
{
	const struct btf_type *t = btf__type_by_id(btf, type_id);

	while (t && (btf_is_typedef(t) || btf_is_mod(t)))
		t = btf__type_by_id(btf, t->type);
	if (!t || !btf_is_ptr(t))
		return NULL;
	t = btf__type_by_id(btf, t->type);
	while (t && (btf_is_typedef(t) || btf_is_mod(t)))
		t = btf__type_by_id(btf, t->type);
	if (!t || !btf_is_struct(t))
		return NULL;
	return btf__name_by_offset(btf, t->name_off);
}

/*
 * Does the module's BTF describe traced function @i with the parameter the
 * programs read (ft_funcs[i].btf_arg, a struct btf_struct pointer)? A BTF
 * generated against another kernel's vmlinux points its parameters at
 * unrelated base types: this catches it.
 */
static bool func_btf_usable(const struct btf *mod, __s32 id, int i, char *why, size_t len)
{
	const struct ft_func_desc *d = &ft_funcs[i];
	const struct btf_type *fn, *proto;
	const char *got;

	if (!id) {
		snprintf(why, len, "module BTF has no function %s", d->symbol);
		return false;
	}
	fn = btf__type_by_id(mod, id);
	proto = fn ? btf__type_by_id(mod, fn->type) : NULL;
	if (!proto || !btf_is_func_proto(proto) || btf_vlen(proto) <= d->btf_arg) {
		snprintf(why, len, "module BTF: %s has an unexpected prototype", d->symbol);
		return false;
	}
	got = param_struct(mod, btf_params(proto)[d->btf_arg].type);
	if (!got || strcmp(got, d->btf_struct) != 0) {
		snprintf(why, len,
			 "module BTF does not match this kernel: argument %u of %s is not a struct %s pointer (BTF generated against another kernel's vmlinux?)",
			 d->btf_arg + 1, d->symbol, d->btf_struct);
		return false;
	}
	return true;
}

/*
 * Can fentry/fexit attach: does the module's BTF describe every traced
 * function as the programs expect? Returns true, or false with the reason
 * in @why. The functions' BTF IDs, the attach targets, go to @tg.
 */
static bool module_btf_usable(struct ft_btf_targets *tg, char *why, size_t len)
{
	struct btf *vmlinux, *mod;
	bool ok = true;

	vmlinux = btf__load_vmlinux_btf();
	if (!vmlinux) {
		snprintf(why, len, "the kernel has no BTF (/sys/kernel/btf/vmlinux): %s",
			 strerror(errno));
		return false;
	}
	mod = btf__load_module_btf(MODULE_NAME, vmlinux);
	if (!mod) {
		if (errno == ENOENT)
			snprintf(why, len, "no module BTF (/sys/kernel/btf/" MODULE_NAME
				 " missing: the module was built without BTF, or its BTF did not match this kernel and was dropped at load)");
		else
			snprintf(why, len, "cannot read /sys/kernel/btf/" MODULE_NAME ": %s",
				 strerror(errno));
		btf__free(vmlinux);
		return false;
	}
	ft_btf_find_funcs(vmlinux, mod, tg);
	for (int i = 0; ok && i < FT_NR_FUNCS; i++)
		ok = func_btf_usable(mod, tg->id[i], i, why, len);
	if (ok)
		snprintf(why, len, "module BTF found");
	btf__free(mod);
	btf__free(vmlinux);
	return ok;
}

/* --- tracefs kprobe events --------------------------------------------- */

static const char *find_tracefs(void)
{
	static const char *const dirs[] = {
		"/sys/kernel/tracing", "/sys/kernel/debug/tracing",
	};
	char path[128];

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(path, sizeof(path), "%s/kprobe_events", dirs[i]);
		if (access(path, F_OK) == 0)
			return dirs[i];
	}
	return NULL;
}

/* Append one command to kprobe_events; -errno on failure. */
static int kprobe_events_write(const char *tracefs, const char *cmd)
{
	char path[128];
	int fd, err = 0;
	size_t n = strlen(cmd);

	snprintf(path, sizeof(path), "%s/kprobe_events", tracefs);
	fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, cmd, n) != (ssize_t)n)
		err = -errno;
	close(fd);
	return err;
}

/*
 * Remove the events a killed kbufmapctl left behind: names carry the pid
 * ("kbm<pid>_..."), removed when that process is gone.
 */
static void remove_stale_events(const char *tracefs)
{
	char path[128], line[512], cmd[192];
	FILE *f;

	snprintf(path, sizeof(path), "%s/kprobe_events", tracefs);
	f = fopen(path, "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *ev = strstr(line, ":" EVENT_GROUP "/kbm"), *end;
		long pid;

		if (!ev)
			continue;
		ev += strlen(":" EVENT_GROUP "/");
		end = strchr(ev, ' ');
		if (!end)
			continue;
		*end = '\0';
		pid = strtol(ev + 3, NULL, 10);
		if (pid <= 0 || (kill((pid_t)pid, 0) != 0 && errno == ESRCH)) {
			snprintf(cmd, sizeof(cmd), "-:" EVENT_GROUP "/%s\n", ev);
			kprobe_events_write(tracefs, cmd);
		}
	}
	fclose(f);
}

static int read_event_id(const char *tracefs, const char *event, long *id)
{
	char path[256], buf[32];
	int fd;
	ssize_t n;

	snprintf(path, sizeof(path), "%s/events/" EVENT_GROUP "/%s/id", tracefs, event);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -EIO;
	buf[n] = '\0';
	*id = strtol(buf, NULL, 10);
	return 0;
}

static int attach_kprobe_event(struct ft_tracer *t, int func, int end)
{
	struct perf_event_attr attr = { 0 };
	const struct ft_func_desc *d = &t->desc[func];
	const char *sym = d->symbol;
	char *ev = t->events[func][end], cmd[384], target[256];
	long id = 0;
	int err, pfd;

	/* A module's function as MODULE:NAME: the probe follows the module. */
	snprintf(target, sizeof(target), "%s%s%s", d->module ? d->module : "",
		 d->module ? ":" : "", sym);
	snprintf(ev, sizeof(t->events[func][end]), "kbm%d_%s%s", (int)getpid(),
		 d->prog, end == RETURN ? "_ret" : "");
	if (end == ENTRY)
		snprintf(cmd, sizeof(cmd), "p:" EVENT_GROUP "/%s %s\n", ev, target);
	else
		snprintf(cmd, sizeof(cmd), "r%d:" EVENT_GROUP "/%s %s\n",
			 KRETPROBE_MAXACTIVE, ev, target);
	err = kprobe_events_write(t->tracefs, cmd);
	if (err == -EPERM || err == -EACCES)
		return ft_fail(t, err, "cannot create a kprobe on %s: %s: BPF needs root (CAP_BPF/CAP_PERFMON)",
			       sym, strerror(-err));
	if (err)
		return ft_fail(t, err, "cannot attach a %s to %s: writing %s/kprobe_events: %s",
			       end == ENTRY ? "kprobe" : "kretprobe", sym, t->tracefs,
			       strerror(-err));
	t->created[func][end] = true;

	err = read_event_id(t->tracefs, ev, &id);
	if (err)
		return ft_fail(t, err, "cannot attach to %s: no id for trace event %s: %s",
			       sym, ev, strerror(-err));
	attr.size = sizeof(attr);
	attr.type = PERF_TYPE_TRACEPOINT;
	attr.config = (__u64)id;
	/* The BPF program runs for every CPU; the event itself lives on CPU 0. */
	pfd = (int)syscall(__NR_perf_event_open, &attr, -1, 0, -1, PERF_FLAG_FD_CLOEXEC);
	if (pfd < 0) {
		err = -errno;
		return ft_fail(t, err, "cannot attach to %s: perf_event_open(%s): %s%s", sym, ev,
			       strerror(-err), err == -EACCES || err == -EPERM ?
			       ": BPF needs root (CAP_BPF/CAP_PERFMON)" : "");
	}
	t->links[func][end] = bpf_program__attach_perf_event(t->progs[func][end], pfd);
	if (!t->links[func][end]) {
		err = -errno;
		close(pfd);
		ft_fail(t, err, "cannot attach BPF to the %s of %s: %s",
			end == ENTRY ? "kprobe" : "kretprobe", sym, strerror(-err));
		dump_libbpf_log();
		return err;
	}
	return 0;
}

static void remove_kprobe_events(struct ft_tracer *t)
{
	char cmd[128];

	for (int i = 0; i < FT_NR_SLOTS; i++) {
		for (int e = ENTRY; e <= RETURN; e++) {
			if (!t->created[i][e])
				continue;
			snprintf(cmd, sizeof(cmd), "-:" EVENT_GROUP "/%s\n", t->events[i][e]);
			/* The perf event may still be on its way out: retry a little. */
			for (int tries = 0; tries < 50; tries++) {
				int err = kprobe_events_write(t->tracefs, cmd);

				if (err != -EBUSY)
					break;
				usleep(20000);
			}
			t->created[i][e] = false;
		}
	}
}

/* Our programs' runs per (slot, end), summed over the CPUs. */
static int read_runs(const struct ft_tracer *t, __u64 runs[FT_NR_SLOTS][2])
{
	int fd = bpf_map__fd(t->skel->maps.runs);
	__u64 *percpu = calloc((size_t)t->ncpus, sizeof(*percpu));

	if (!percpu)
		return -ENOMEM;
	for (int i = 0; i < FT_NR_SLOTS; i++) {
		for (int e = ENTRY; e <= RETURN; e++) {
			__u32 key = (__u32)(i * 2 + e);

			runs[i][e] = 0;
			if (bpf_map_lookup_elem(fd, &key, percpu) != 0) {
				int err = -errno;

				free(percpu);
				return err;
			}
			for (int c = 0; c < t->ncpus; c++)
				runs[i][e] += percpu[c];
		}
	}
	free(percpu);
	return 0;
}

/*
 * kprobe_profile: "  <event> <hits> <missed>", missed = the kprobe's own
 * misses plus, for a kretprobe, the calls it had no instance for.
 */
static int read_profile(const struct ft_tracer *t, struct probe_counts *pc)
{
	char path[128], line[512], name[256];
	unsigned long long hits, miss;
	FILE *f;

	snprintf(path, sizeof(path), "%s/kprobe_profile", t->tracefs);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%255s %llu %llu", name, &hits, &miss) != 3)
			continue;
		for (int i = 0; i < FT_NR_SLOTS; i++) {
			for (int e = ENTRY; e <= RETURN; e++) {
				if (t->events[i][e][0] && strcmp(name, t->events[i][e]) == 0) {
					pc->hits[i][e] = hits;
					pc->missed[i][e] = miss;
				}
			}
		}
	}
	fclose(f);
	return 0;
}

/*
 * The probes' hits and misses and our programs' runs, as one reading:
 * hits - runs = runs the kernel skipped for recursion. A traced function
 * that is hot system-wide (handle_mm_fault) fires between the reads, and
 * would show up as a hit without its run: the runs are read before and
 * after the profile until no run happened in between (a skipped run moves
 * only the hits, as it should). If the function never rests, the last
 * reading stands; runs read first err towards hits.
 */
#define PROBE_READ_TRIES	20

static int read_probe_counts(const struct ft_tracer *t, struct probe_counts *pc)
{
	__u64 after[FT_NR_SLOTS][2];
	int err;

	memset(pc, 0, sizeof(*pc));
	err = read_runs(t, pc->runs);
	for (int try = 0; !err && try < PROBE_READ_TRIES; try++) {
		err = read_profile(t, pc);
		if (!err)
			err = read_runs(t, after);
		if (err || memcmp(after, pc->runs, sizeof(after)) == 0)
			break;
		memcpy(pc->runs, after, sizeof(after));
	}
	return err;
}

static __u64 sat_sub(__u64 a, __u64 b)
{
	return a > b ? a - b : 0;
}

/* --- load and attach --------------------------------------------------- */

static struct bpf_program *prog_by_name(struct fault_trace_bpf *skel,
					const char *kind, const char *suffix)
{
	char name[128];

	snprintf(name, sizeof(name), "%s_%s", kind, suffix);
	return bpf_object__find_program_by_name(skel->obj, name);
}

static bool kernel_at_least(int major, int minor)
{
	int ma, mi;

	if (kernel_version(&ma, &mi))
		return false;
	return ma > major || (ma == major && mi >= minor);
}

static void tracer_unload(struct ft_tracer *t)
{
	ft_tracer_detach(t);
	fault_trace_bpf__destroy(t->skel);
	t->skel = NULL;
	memset(t->progs, 0, sizeof(t->progs));
	t->detached = false;
	t->have_base = t->have_final = false;
	t->tracefs = NULL;
	memset(t->events, 0, sizeof(t->events));
}

/* The settings the BPF side reads as constants. */
static void set_rodata(struct ft_tracer *t, enum ft_mode mode)
{
	struct fault_trace_bpf__rodata *ro = t->skel->rodata;

	ro->targ_tgid = (__u32)t->opts.tgid;
	ro->targ_children = t->opts.children;
	ro->count_runs = mode == FT_MODE_KPROBE && find_tracefs();
	for (unsigned int k = 0; k < t->opts.nfunctions; k++) {
		ro->user_nargs[k] = t->user[k].nargs;
		ro->user_ret[k] = t->user[k].ret;
	}
	ro->map_dev = t->opts.map_dev;
	ro->map_ino = t->opts.map_ino;
	ro->page_shift = (__u32)__builtin_ctzl((unsigned long)sysconf(_SC_PAGESIZE));
	ro->pmd_pages = (__u32)(pmd_size() >> ro->page_shift);
	ro->empty_programs = getenv("KBUFMAP_TRACE_EMPTY") != NULL;
	if (ro->empty_programs)
		kbm_warn("KBUFMAP_TRACE_EMPTY is set: the probes return at once and count nothing (a calibration for bench/trace-overhead.sh)");
}

/*
 * The store of the calls' starts (probes/fault_trace.bpf.c): task-local
 * storage where fentry programs may use it (5.13 and later: task storage
 * came in 5.11 for BPF LSM programs only); the hash map in kprobe mode and
 * before. The programs reference both, so libbpf 1.1 must create both: the
 * unused one is made as small as its type allows, and task storage, which
 * 5.10 lacks, becomes a one-slot array there.
 */
static void choose_start_store(struct ft_tracer *t, enum ft_mode mode)
{
	bool task = mode == FT_MODE_FENTRY && kernel_at_least(5, 13);
	struct bpf_map *unused = task ? t->skel->maps.starts : t->skel->maps.task_starts;

	t->skel->rodata->use_task_storage = task;
	bpf_map__set_max_entries(unused, 1);
	if (!task) {
		bpf_map__set_type(unused, BPF_MAP_TYPE_ARRAY);
		bpf_map__set_map_flags(unused, 0);
	}
}

/* fentry/fexit of a --function: the attach target, set before load. */
static int set_user_target(struct ft_tracer *t, unsigned int slot)
{
	for (int e = ENTRY; e <= RETURN; e++) {
		int err = bpf_program__set_attach_target(t->progs[slot][e], 0,
							 t->desc[slot].symbol);

		if (err) {
			ft_fail(t, err, "cannot set %s as the attach target of %s: %s",
				t->desc[slot].symbol, e == ENTRY ? "fentry" : "fexit",
				strerror(-err));
			dump_libbpf_log();
			return err;
		}
	}
	return 0;
}

/* Open, configure and load the object for @mode. */
static int tracer_load(struct ft_tracer *t, enum ft_mode mode)
{
	bool fentry = mode == FT_MODE_FENTRY;
	struct bpf_program *p;
	int err;

	err = ft_btf_register_sections();
	if (err)
		return ft_fail(t, err, "cannot register the BPF section handlers: %s",
			       strerror(-err));
	if (fentry && t->nslots && t->slots[0] < FT_SLOT_USER0)
		ft_btf_targets_open(&t->targets, MODULE_NAME);
	t->skel = fault_trace_bpf__open();
	if (!t->skel) {
		err = -errno;
		ft_fail(t, err, "cannot open the BPF object: %s", strerror(-err));
		dump_libbpf_log();
		return err;
	}
	set_rodata(t, mode);
	choose_start_store(t, mode);
	bpf_object__for_each_program(p, t->skel->obj)
		bpf_program__set_autoload(p, false);
	for (unsigned int n = 0; n < t->nslots; n++) {
		unsigned int i = t->slots[n];

		t->progs[i][ENTRY] = prog_by_name(t->skel, fentry ? "fentry" : "kprobe",
						  t->desc[i].prog);
		t->progs[i][RETURN] = prog_by_name(t->skel, fentry ? "fexit" : "kretprobe",
						   t->desc[i].prog);
		if (!t->progs[i][ENTRY] || !t->progs[i][RETURN]) {
			return tracer_err(t, KBM_ERR_RUNTIME, 0,
					  "internal error: no BPF program for %s", t->desc[i].symbol);
		}
		bpf_program__set_autoload(t->progs[i][ENTRY], true);
		bpf_program__set_autoload(t->progs[i][RETURN], true);
		if (fentry && i >= FT_SLOT_USER0 && i < FT_SLOT_MAPPING) {
			err = set_user_target(t, i);
			if (err)
				return err;
		}
	}
	if (t->opts.children) {
		bpf_program__set_autoload(t->skel->progs.follow_fork, true);
		bpf_program__set_autoload(t->skel->progs.forget_exit, true);
	}

	err = fault_trace_bpf__load(t->skel);
	if (err) {
		/* EACCES here is the verifier refusing a program, not privilege. */
		if (err == -EPERM)
			return ft_fail(t, err, "cannot load BPF programs: %s: BPF needs root (CAP_BPF/CAP_PERFMON)",
				       strerror(-err));
		tracer_err(t, KBM_ERR_RUNTIME, err, "cannot load the BPF programs (%s mode): %s%s",
			   ft_mode_name(mode), strerror(-err),
			   err == -EACCES ? " (rejected by the verifier)" : "");
		dump_libbpf_log();
		return err;
	}
	return 0;
}

/* Attach the program of function @i's end @e, through libbpf. */
static int attach_prog(struct ft_tracer *t, int i, int e)
{
	const char *what;
	int err;

	if (t->mode == FT_MODE_KPROBE) {
		what = e == ENTRY ? "kprobe" : "kretprobe";
		t->links[i][e] = bpf_program__attach_kprobe(t->progs[i][e], e == RETURN,
							    t->desc[i].symbol);
	} else {
		what = e == ENTRY ? "fentry" : "fexit";
		t->links[i][e] = bpf_program__attach(t->progs[i][e]);
	}
	if (t->links[i][e])
		return 0;
	err = -errno;
	ft_fail(t, err, "cannot attach %s to %s: %s%s", what,
		t->desc[i].symbol, strerror(-err),
		err == -EPERM || err == -EACCES ?
		": BPF needs root (CAP_BPF/CAP_PERFMON)" : "");
	dump_libbpf_log();
	return err;
}

/* Attach @p to tracepoint @tp, which the tracer needs @what for. */
static int attach_tracepoint(struct ft_tracer *t, struct bpf_program *p,
			     struct bpf_link **link, const char *tp, const char *what)
{
	int err;

	*link = bpf_program__attach(p);
	if (*link)
		return 0;
	err = -errno;
	ft_fail(t, err, "cannot attach to the %s tracepoint (%s): %s", tp, what,
		strerror(-err));
	dump_libbpf_log();
	return err;
}

static int tracer_attach(struct ft_tracer *t)
{
	int rc;

	if (t->mode == FT_MODE_KPROBE) {
		t->tracefs = find_tracefs();
		if (t->tracefs)
			remove_stale_events(t->tracefs);
	}
	for (unsigned int n = 0; n < t->nslots; n++) {
		int i = (int)t->slots[n];

		for (int e = ENTRY; e <= RETURN; e++) {
			if (t->mode == FT_MODE_KPROBE && t->tracefs)
				rc = attach_kprobe_event(t, i, e);
			else
				rc = attach_prog(t, i, e);
			if (rc)
				return rc;
		}
	}
	if (t->opts.children) {
		rc = attach_tracepoint(t, t->skel->progs.follow_fork, &t->fork_link,
				       "sched_process_fork", "to follow the command's children");
		if (!rc)
			rc = attach_tracepoint(t, t->skel->progs.forget_exit, &t->exit_link,
					       "sched_process_exit",
					       "to forget the command's children that exited");
		if (rc)
			return rc;
	}
	/*
	 * The hits a probe got between its creation and its program's
	 * attachment are no misses: count from here.
	 */
	if (t->mode == FT_MODE_KPROBE && t->tracefs)
		t->have_base = read_probe_counts(t, &t->base) == 0;
	return 0;
}

/* A tracer not yet loaded, or NULL with @e saying why. */
static struct ft_tracer *tracer_new(const struct ft_tracer_opts *opts, struct kbm_err *e)
{
	struct ft_tracer *t = calloc(1, sizeof(*t));

	if (!t) {
		kbm_err_set(e, KBM_ERR_RUNTIME, ENOMEM, "out of memory");
		return NULL;
	}
	t->opts = *opts;
	ft_btf_targets_init(&t->targets);
	t->ncpus = libbpf_num_possible_cpus();
	if (t->ncpus <= 0) {
		kbm_err_set(e, KBM_ERR_RUNTIME, t->ncpus, "cannot count the possible CPUs: %s",
			    strerror(-t->ncpus));
		free(t);
		return NULL;
	}
	t->kprobe_recursion_counted = kernel_at_least(6, 7);
	return t;
}

/*
 * The traced slots: the module's functions, or else the --function ones
 * (resolved: a name that is not traceable is a usage error) and --mapping.
 */
static int setup_slots(struct ft_tracer *t)
{
	const struct ft_tracer_opts *o = &t->opts;
	struct btf *vmlinux;
	int rc = 0;

	if (!o->nfunctions && !o->mapping) {
		for (unsigned int i = 0; i < FT_NR_FUNCS; i++) {
			t->desc[i] = ft_funcs[i];
			t->slots[t->nslots++] = i;
		}
		return 0;
	}
	vmlinux = btf__load_vmlinux_btf();	/* NULL: resolved without BTF */
	for (unsigned int k = 0; k < o->nfunctions && !rc; k++) {
		struct ft_func_desc *d = &t->desc[FT_SLOT_USER0 + k];

		rc = ft_resolve_function(o->functions[k], vmlinux, &t->user[k], &t->e);
		snprintf(t->user_prog[k], sizeof(t->user_prog[k]), "u%u", k);
		d->symbol = o->functions[k];
		d->prog = t->user_prog[k];
		d->module = t->user[k].module[0] ? t->user[k].module : NULL;
		d->handler = d->module ? d->module : "vmlinux";
		d->ret = t->user[k].ret;
		t->slots[t->nslots++] = FT_SLOT_USER0 + k;
	}
	btf__free(vmlinux);
	if (o->mapping) {
		t->desc[FT_SLOT_MAPPING] = (struct ft_func_desc) {
			.symbol = "handle_mm_fault", .prog = "mapping",
			.handler = "page fault", .ret = FT_RET_VM_FAULT,
		};
		t->slots[t->nslots++] = FT_SLOT_MAPPING;
	}
	return rc;
}

/*
 * fentry for --function needs every function's BTF, with at most 6
 * argument slots (what x86-64 trampolines take before 6.5). --mapping's
 * handle_mm_fault is in vmlinux's BTF on every kernel with BTF.
 */
static bool user_btf_usable(const struct ft_tracer *t, char *why, size_t len)
{
	for (unsigned int k = 0; k < t->opts.nfunctions; k++) {
		const struct ft_user_func *u = &t->user[k];

		if (!u->has_btf) {
			snprintf(why, len, "%s", u->why);
			return false;
		}
		if (u->nargs > 6) {
			snprintf(why, len, "%s takes %u argument slots, fentry at most 6",
				 t->opts.functions[k], u->nargs);
			return false;
		}
	}
	if (t->opts.mapping && access("/sys/kernel/btf/vmlinux", F_OK) != 0) {
		snprintf(why, len, "the kernel has no BTF (/sys/kernel/btf/vmlinux)");
		return false;
	}
	snprintf(why, len, "BTF found for every function");
	return true;
}

/*
 * Pick fentry or kprobe mode, and say why in t->reason. Returns 0, or
 * -EOPNOTSUPP (t->e) when fentry was requested but the BTF does not allow it.
 */
static int choose_mode(struct ft_tracer *t)
{
	char why[sizeof(t->reason) - 64];
	bool usable;

	t->mode = t->opts.mode;
	if (t->opts.mode == FT_MODE_KPROBE) {
		snprintf(t->reason, sizeof(t->reason), "requested");
		return 0;
	}
	if (t->nslots && t->slots[0] >= FT_SLOT_USER0)
		usable = user_btf_usable(t, why, sizeof(why));
	else
		usable = module_btf_usable(&t->targets, why, sizeof(why));
	if (!usable && t->opts.mode == FT_MODE_FENTRY) {
		tracer_err(t, KBM_ERR_RUNTIME, 0, "fentry mode is not available: %s", why);
		return -EOPNOTSUPP;
	}
	t->mode = usable ? FT_MODE_FENTRY : FT_MODE_KPROBE;
	snprintf(t->reason, sizeof(t->reason), "%s", why);
	return 0;
}

static int tracer_load_attach(struct ft_tracer *t)
{
	int rc = tracer_load(t, t->mode);

	return rc ? rc : tracer_attach(t);
}

/*
 * Load and attach in the chosen mode. In auto mode a failed fentry
 * attempt falls back to kprobes with a warning, unless it failed for want
 * of privilege.
 */
static int tracer_load_attach_fallback(struct ft_tracer *t)
{
	int rc;

	t->soft_errors = libbpf_quiet =
		t->opts.mode == FT_MODE_AUTO && t->mode == FT_MODE_FENTRY;
	rc = tracer_load_attach(t);
	if (rc && t->soft_errors) {
		int why = kallsyms_diagnosis(t);

		if (why) {
			t->soft_errors = libbpf_quiet = false;
			return why;
		}
	}
	/* no privilege: no fallback */
	if (rc && t->soft_errors && kbm_exit_for_err(&t->e) != KBM_EXIT_ACCESS) {
		/* The one thing the tracer prints: a warning, as it happens. */
		kbm_warn("fentry failed (%.255s), falling back to kprobes", t->e.msg);
		tracer_unload(t);
		t->soft_errors = libbpf_quiet = false;
		libbpf_log_len = 0;
		t->mode = FT_MODE_KPROBE;
		snprintf(t->reason, sizeof(t->reason), "fentry failed: %.200s", t->e.msg);
		rc = tracer_load_attach(t);
	}
	t->soft_errors = libbpf_quiet = false;
	return rc;
}

/* --- the traced modules, watched for an unload ------------------------- */

/*
 * Open a sysfs file of every module a traced function is in. A module
 * built into the kernel has no initstate and cannot go: not watched.
 */
static void watch_modules(struct ft_tracer *t)
{
	char path[FT_MODULE_LEN + 32];

	for (unsigned int n = 0; n < t->nslots; n++) {
		const char *mod = t->desc[t->slots[n]].module;
		unsigned int k;

		for (k = 0; mod && k < t->nmods; k++)
			if (strcmp(t->mods[k].name, mod) == 0)
				break;
		if (!mod || k < t->nmods || t->nmods == FT_MAX_MODULES)
			continue;
		snprintf(path, sizeof(path), "/sys/module/%s/initstate", mod);
		t->mods[t->nmods].name = mod;
		t->mods[t->nmods].fd = open(path, O_RDONLY | O_CLOEXEC);
		t->nmods++;
	}
}

/* Was module @k unloaded since tracing began? Once gone, always gone. */
static bool module_unloaded(struct ft_tracer *t, unsigned int k)
{
	char c;

	if (!t->mods[k].gone && t->mods[k].fd >= 0 &&
	    pread(t->mods[k].fd, &c, 1, 0) < 0 && errno == ENODEV)
		t->mods[k].gone = true;
	return t->mods[k].gone;
}

static void read_unloaded(struct ft_tracer *t, struct ft_snapshot *s)
{
	char path[FT_MODULE_LEN + 32];

	for (unsigned int k = 0; k < t->nmods; k++) {
		struct ft_unloaded *u = &s->unloaded[s->nunloaded];

		if (!module_unloaded(t, k))
			continue;
		snprintf(path, sizeof(path), "/sys/module/%s/initstate", t->mods[k].name);
		u->module = t->mods[k].name;
		u->loaded_now = access(path, F_OK) == 0;
		/* tracefs kprobes come back with the module; perf PMU ones do not. */
		u->probes_back = t->mode == FT_MODE_KPROBE && t->tracefs;
		s->nunloaded++;
	}
}

int ft_tracer_start(const struct ft_tracer_opts *opts, struct ft_tracer **out,
		    struct kbm_err *e)
{
	struct ft_tracer *t;
	int rc;

	libbpf_verbose = opts->verbose;
	libbpf_set_print(libbpf_print);
	libbpf_log_due = false;

	/*
	 * Without the module, say so at once: a tracefs kprobe on a module
	 * not loaded waits for it instead of failing.
	 */
	if (!opts->nfunctions && !opts->mapping &&
	    access("/sys/module/" MODULE_NAME, F_OK) != 0) {
		rc = check_kallsyms(e);
		if (rc)
			return rc;
	}
	t = tracer_new(opts, e);
	if (!t)
		return -ENOMEM;
	rc = setup_slots(t);
	if (!rc)
		rc = choose_mode(t);
	if (!rc)
		rc = tracer_load_attach_fallback(t);
	if (rc) {
		int why = kallsyms_diagnosis(t);

		rc = why ? why : rc;
		*e = t->e;
		ft_tracer_destroy(t);
		return rc;
	}
	watch_modules(t);
	if (t->mode == FT_MODE_KPROBE && !t->tracefs) {
		size_t n = strlen(t->reason);

		snprintf(t->reason + n, sizeof(t->reason) - n,
			 "; tracefs not mounted: perf kprobes, missed count unknown");
	}
	*out = t;
	return 0;
}

void ft_tracer_detach(struct ft_tracer *t)
{
	if (!t || t->detached)
		return;
	/*
	 * The final counts come before the links go: a program detached
	 * while its probe still fires would turn every hit in between into
	 * a miss.
	 */
	if (t->tracefs)
		t->have_final = read_probe_counts(t, &t->final) == 0;
	for (int i = 0; i < FT_NR_SLOTS; i++) {
		for (int e = ENTRY; e <= RETURN; e++) {
			bpf_link__destroy(t->links[i][e]);
			t->links[i][e] = NULL;
		}
	}
	bpf_link__destroy(t->fork_link);
	t->fork_link = NULL;
	bpf_link__destroy(t->exit_link);
	t->exit_link = NULL;
	if (t->tracefs)
		remove_kprobe_events(t);
	t->detached = true;
}

void ft_tracer_destroy(struct ft_tracer *t)
{
	if (!t)
		return;
	ft_tracer_detach(t);
	fault_trace_bpf__destroy(t->skel);
	ft_btf_targets_release(&t->targets);
	for (unsigned int k = 0; k < t->nmods; k++)
		if (t->mods[k].fd >= 0)
			close(t->mods[k].fd);
	free(t);
}

enum ft_mode ft_tracer_mode(const struct ft_tracer *t)
{
	return t->mode;
}

const char *ft_tracer_mode_reason(const struct ft_tracer *t)
{
	return t->reason;
}

unsigned int ft_tracer_nslots(const struct ft_tracer *t)
{
	return t->nslots;
}

unsigned int ft_tracer_slot(const struct ft_tracer *t, unsigned int i)
{
	return t->slots[i];
}

const struct ft_func_desc *ft_tracer_desc(const struct ft_tracer *t, unsigned int slot)
{
	return &t->desc[slot];
}

const struct ft_tracer_opts *ft_tracer_opts(const struct ft_tracer *t)
{
	return &t->opts;
}

bool ft_tracer_mapping_range(const struct ft_tracer *t, __u64 *start, __u64 *end)
{
	*start = __atomic_load_n(&t->skel->bss->map_vm_start, __ATOMIC_RELAXED);
	*end = __atomic_load_n(&t->skel->bss->map_vm_end, __ATOMIC_RELAXED);
	return *end != 0;
}

/* --- reading ------------------------------------------------------------ */

static __u64 prog_recursion_misses(const struct bpf_program *p)
{
	struct bpf_prog_info info;
	__u32 len = sizeof(info);
	int fd = p ? bpf_program__fd(p) : -1;

	if (fd < 0)
		return 0;
	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(fd, &info, &len) != 0)
		return 0;
	return info.recursion_misses;
}

static int cmp_proc(const void *a, const void *b)
{
	const struct ft_proc_entry *x = a, *y = b;

	if (x->key.tgid != y->key.tgid)
		return x->key.tgid < y->key.tgid ? -1 : 1;
	return x->key.func < y->key.func ? -1 : x->key.func > y->key.func;
}

static int read_procs(struct ft_tracer *t, struct ft_snapshot *s)
{
	int fd = bpf_map__fd(t->skel->maps.proc_stats);
	struct ft_proc_key key, next;
	size_t cap = 0;
	void *prev = NULL;

	s->procs = NULL;
	s->nprocs = 0;
	while (bpf_map_get_next_key(fd, prev, &next) == 0) {
		struct ft_proc_entry *e;

		key = next;
		prev = &key;
		if (s->nprocs == cap) {
			size_t ncap = cap ? cap * 2 : 64;
			void *p = realloc(s->procs, ncap * sizeof(*s->procs));

			if (!p)
				return -ENOMEM;
			s->procs = p;
			cap = ncap;
		}
		e = &s->procs[s->nprocs];
		e->key = key;
		if (bpf_map_lookup_elem(fd, &key, &e->st) != 0)
			continue;	/* raced with nothing: entries are never deleted */
		e->st.comm[FT_COMM_LEN - 1] = '\0';
		s->nprocs++;
	}
	if (s->nprocs)
		qsort(s->procs, s->nprocs, sizeof(*s->procs), cmp_proc);
	return 0;
}

/* Each function's counters, summed over the CPUs. Returns 0 or -errno. */
static int read_func_stats(struct ft_tracer *t, struct ft_snapshot *s)
{
	int fd = bpf_map__fd(t->skel->maps.func_stats);
	struct ft_func_stats *percpu;
	int err = 0;

	percpu = calloc((size_t)t->ncpus, sizeof(*percpu));
	if (!percpu)
		return -ENOMEM;
	for (__u32 i = 0; i < FT_NR_SLOTS && !err; i++) {
		struct ft_func_stats *sum = &s->funcs[i];

		if (bpf_map_lookup_elem(fd, &i, percpu) != 0) {
			err = -errno;
			break;
		}
		for (int c = 0; c < t->ncpus; c++) {
			sum->calls += percpu[c].calls;
			sum->pages += percpu[c].pages;
			sum->errors += percpu[c].errors;
			sum->fallbacks += percpu[c].fallbacks;
			sum->retries += percpu[c].retries;
			sum->already_mapped += percpu[c].already_mapped;
			sum->total_ns += percpu[c].total_ns;
			for (int k = 0; k < FT_HIST_SLOTS; k++)
				sum->hist[k] += percpu[c].hist[k];
		}
	}
	free(percpu);
	return err;
}

/*
 * kprobe mode through tracefs: the probes' own misses, and hits minus
 * runs for the runs the kernel skipped (recursion), counted from attach.
 */
static void read_missed_tracefs(struct ft_tracer *t, struct ft_missed *m)
{
	struct probe_counts now;
	const struct probe_counts *pc = &now;
	bool known = t->have_base;

	if (t->detached) {
		pc = &t->final;
		known = known && t->have_final;
	} else {
		known = known && read_probe_counts(t, &now) == 0;
	}
	m->probe_known = m->recursion_known = known;
	if (!known) {
		m->unknown_why = "kprobe_profile or the run counts unreadable";
		return;
	}
	for (int i = 0; i < FT_NR_SLOTS; i++) {
		for (int e = ENTRY; e <= RETURN; e++) {
			m->probe[i] += sat_sub(pc->missed[i][e], t->base.missed[i][e]);
			m->recursion[i] += sat_sub(sat_sub(pc->hits[i][e], t->base.hits[i][e]),
						   sat_sub(pc->runs[i][e], t->base.runs[i][e]));
		}
	}
}

/*
 * Missed events. fentry: the trampolines count the skipped runs in
 * recursion_misses, and there is no probe of its own to miss. kprobe mode
 * through the perf PMU: recursion_misses from 6.7 on, probe misses not at
 * all. Through tracefs: read_missed_tracefs().
 */
static void read_missed(struct ft_tracer *t, struct ft_missed *m)
{
	if (t->mode == FT_MODE_KPROBE && t->tracefs) {
		read_missed_tracefs(t, m);
		return;
	}
	if (t->mode == FT_MODE_KPROBE) {
		m->recursion_known = t->kprobe_recursion_counted;
		m->unknown_why = t->kprobe_recursion_counted ?
			"tracefs not mounted: kprobe misses not readable" :
			"tracefs not mounted: kprobe misses not readable, and kernels before 6.7 do not count kprobe program recursion";
	} else {
		m->probe_known = true;
		m->recursion_known = true;
	}
	for (int i = 0; i < FT_NR_SLOTS; i++)
		m->recursion[i] = prog_recursion_misses(t->progs[i][ENTRY]) +
				  prog_recursion_misses(t->progs[i][RETURN]);
}

int ft_tracer_snapshot(struct ft_tracer *t, struct ft_snapshot *s, struct kbm_err *e)
{
	int err;

	memset(s, 0, sizeof(*s));
	s->mono_ns = now_ns();

	err = read_func_stats(t, s);
	if (err)
		return kbm_err_set(e, KBM_ERR_RUNTIME, err, "cannot read the BPF counters: %s",
				   strerror(-err));
	for (int i = 0; i < FT_NR_DROPS; i++)
		s->drops[i] = __atomic_load_n(&t->skel->bss->drops[i], __ATOMIC_RELAXED);
	read_missed(t, &s->missed);
	read_unloaded(t, s);
	err = read_procs(t, s);
	if (err) {
		ft_snapshot_free(s);
		return kbm_err_set(e, KBM_ERR_RUNTIME, err, "cannot read the per-process counters: %s",
				   strerror(-err));
	}
	return 0;
}
