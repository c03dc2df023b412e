// SPDX-License-Identifier: GPL-2.0
/*
 * kbufmapctl fault-trace: count the module's mmap, fault and populate calls
 * with BPF, the pages they map and a log2 histogram of their latency, per
 * function and per process.
 *
 * With `-- COMMAND [ARGS]` the command is forked but held on a pipe until
 * every probe is attached, so its first fault is seen; only it and its
 * descendants are traced, and tracing stops when it exits. The exit status
 * of kbufmapctl then says whether tracing worked (0), not how the command
 * ended: that is printed in the report ("command" in JSON), because the
 * tool's own statuses (3 module missing, 5 access denied...) would
 * otherwise be indistinguishable from the command's.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clock.h"
#include "fault_trace_priv.h"
#include "cmd.h"
#include "out.h"
#include "parse.h"
#include "procfs.h"
#include "values.h"

#define PID_MAX		4194304ULL	/* PID_MAX_LIMIT on 64-bit */
#define DURATION_MAX	604800	/* a week */
#define INTERVAL_MAX	86400
/* After the command is told to stop, how long before SIGKILL. */
#define KILL_GRACE_MS	5000
#define NS_PER_S	1000000000ULL

enum {
	OPT_PID = 0x100,
	OPT_DURATION,
	OPT_INTERVAL,
	OPT_MODE,
	OPT_LIST_FUNCTIONS,
	OPT_FUNCTION,
	OPT_MAPPING,
	OPT_LIST_VALUES,
};

struct ft_args {
	pid_t pid;
	uint64_t duration_s;	/* 0: until Ctrl-C / the command ends */
	uint64_t interval_s;	/* 0: no periodic output */
	enum ft_mode mode;
	bool verbose;
	char **command;		/* NULL-terminated, or NULL */
	const char *functions[FT_MAX_USER_FUNCS];	/* --function */
	unsigned int nfunctions;
	const char *mapping;	/* --mapping PATH */
	__u64 map_dev, map_ino;
};

static const struct argp_option options[] = {
	{ "pid", OPT_PID, "PID", 0, "Trace only this process (not its children)", 0 },
	{ "duration", OPT_DURATION, "SECONDS", 0,
	  "Stop after SECONDS (1.." KBM_STR(DURATION_MAX) "); default: at Ctrl-C, or when COMMAND ends", 0 },
	{ "interval", OPT_INTERVAL, "SECONDS", 0,
	  "Also print what happened in each interval of SECONDS (1.." KBM_STR(INTERVAL_MAX) ")", 0 },
	{ "mode", OPT_MODE, "MODE", 0,
	  "auto (default): fentry/fexit when the module has usable BTF, else kprobes; "
	  "fentry: fail without module BTF; kprobe: kprobe/kretprobe", 0 },
	{ "function", OPT_FUNCTION, "NAME", 0,
	  "Trace the kernel function NAME instead of the module's functions (calls, "
	  "errors when its return type tells, latency); repeat it for up to "
	  KBM_STR(FT_MAX_USER_FUNCS) " functions", 0 },
	{ "mapping", OPT_MAPPING, "PATH", 0,
	  "Time whole page faults (handle_mm_fault) of the traced process on its "
	  "mappings of the file PATH (e.g. /dev/fb0); needs a COMMAND or --pid", 0 },
	{ "verbose", 'v', NULL, 0, "Show libbpf's messages", 0 },
	{ "list-functions", OPT_LIST_FUNCTIONS, NULL, OPTION_HIDDEN,
	  "List the traced functions, one a line (for scripts and completion)", 0 },
	{ "list-values", OPT_LIST_VALUES, "OPTION", OPTION_HIDDEN,
	  "List the values OPTION takes, one a line (for completion)", 0 },
	{ 0 }
};

static const char *mode_value(unsigned int i)
{
	return ft_mode_name((enum ft_mode)i);
}

/* The fixed values of fault-trace's options, for --list-values (the completions). */
static const struct kbm_values fault_trace_values[] = {
	{ 0, "mode", NULL, mode_value },
	{ 0 }
};

/* One line of the help text per traced function, from FT_FUNCS. */
#define FT_HELP_LINE(id, fn, handler, strategies, pages_rule, shape)	\
	"  " FT_SYMBOL_PREFIX #fn " (" handler "): " strategies "\n"

static const char doc[] =
	"Trace the kbufmap module's mmap, fault and populate calls with BPF: calls, "
	"pages mapped, a log2 latency histogram (ns) per function, and the same per "
	"process. Missed events are counted and reported. Needs root.\n"
	"\v"
	"Functions traced, with the strategies whose calls land there:\n"
	FT_FUNCS(FT_HELP_LINE)
	"\n"
	"With --function or --mapping only those are traced, not the module's "
	"functions, and the module need not be loaded: any driver's handlers and "
	"faults can be measured. --function uses fentry when the kernel's or its "
	"module's BTF describes the function, else kprobes; a name that is not in "
	"available_filter_functions is refused (exit 2).\n\n"
	"With -- COMMAND [ARG...], COMMAND is started once tracing is attached and "
	"only it and its children are traced; tracing stops when it exits. The "
	"exit status is 0 when tracing worked, whatever the command's: its status "
	"is in the report.\n\n"
	"Examples:\n"
	"  kbufmapctl fault-trace --duration 10\n"
	"  kbufmapctl fault-trace --interval 1 --pid 1234\n"
	"  kbufmapctl fault-trace --function udmabuf_vm_fault -- ./mytest\n"
	"  kbufmapctl fault-trace --mapping /dev/fb0 --pid 1234 --duration 10\n"
	"  kbufmapctl -j fault-trace -- kbufmapctl -j map --pages 512 -o map.json\n\n"
	"Exit status: 0 tracing worked, 2 usage error, 3 module not loaded, "
	"5 not permitted (needs root), 6 other runtime error (e.g. a function "
	"that cannot be attached), 127 COMMAND cannot be run (not found, not "
	"executable).";

/* --list-functions: in text one a line, in JSON an array of names. */
static void list_functions(void)
{
	open_json_array(NULL);
	for (int i = 0; i < FT_NR_FUNCS; i++)
		print_string(PRINT_ANY, NULL, "%s\n", ft_funcs[i].symbol);
	close_json_array();
	exit(kbm_finish(KBM_EXIT_OK));
}

static enum ft_mode mode_from_name(struct argp_state *state, const char *arg)
{
	for (enum ft_mode m = 0; m < FT_NR_MODES; m++)
		if (strcmp(arg, ft_mode_name(m)) == 0)
			return m;
	argp_error(state, "--mode: '%s' is not one of auto, fentry, kprobe", arg);
	return FT_MODE_AUTO;	/* not reached: argp_error() exits */
}

static void parse_seconds(struct argp_state *state, const char *opt, const char *arg,
			  uint64_t max, uint64_t *out)
{
	struct kbm_err e;

	if (parse_u64(opt, arg, 1, max, out, &e))
		argp_error(state, "%s", e.msg);
}

static void parse_pid(struct argp_state *state, const char *arg, pid_t *out)
{
	struct kbm_err e;
	uint64_t v;

	if (parse_u64("--pid", arg, 1, PID_MAX, &v, &e))
		argp_error(state, "%s", e.msg);
	if (kill((pid_t)v, 0) != 0 && errno == ESRCH)
		argp_error(state, "--pid: no process %llu", (unsigned long long)v);
	*out = (pid_t)v;
}

/* --function NAME: a symbol's characters, at most FT_MAX_USER_FUNCS names. */
static void add_function(struct argp_state *state, struct ft_args *a, const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n > FT_FUNC_NAME_MAX ||
	    strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.") != n ||
	    (name[0] >= '0' && name[0] <= '9'))
		argp_error(state, "--function: '%s' is not a kernel function name (1.." KBM_STR(FT_FUNC_NAME_MAX) " of A-Z a-z 0-9 _ ., not starting with a digit)",
			   name);
	for (unsigned int i = 0; i < a->nfunctions; i++)
		if (strcmp(a->functions[i], name) == 0)
			argp_error(state, "--function %s: given twice", name);
	if (a->nfunctions == FT_MAX_USER_FUNCS)
		argp_error(state, "--function: at most " KBM_STR(FT_MAX_USER_FUNCS) " functions");
	a->functions[a->nfunctions++] = name;
}

/*
 * --mapping PATH: the file, as the kernel names it in its inode (device in
 * the kernel's encoding, MAJOR << 20 | MINOR, and inode number), so that
 * the BPF side knows its VMAs from the first fault on.
 */
static void set_mapping(struct argp_state *state, struct ft_args *a, const char *path)
{
	struct stat st;

	if (a->mapping)
		argp_error(state, "--mapping: given twice (one file per run)");
	if (stat(path, &st) != 0)
		argp_error(state, "--mapping %s: %s (a file the traced process maps, as /proc/PID/maps names it)",
			   path, strerror(errno));
	a->mapping = path;
	a->map_dev = ((__u64)major(st.st_dev) << 20) | minor(st.st_dev);
	a->map_ino = st.st_ino;
}

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct ft_args *a = state->input;

	switch (key) {
	case OPT_PID:
		parse_pid(state, arg, &a->pid);
		break;
	case OPT_DURATION:
		parse_seconds(state, "--duration", arg, DURATION_MAX, &a->duration_s);
		break;
	case OPT_INTERVAL:
		parse_seconds(state, "--interval", arg, INTERVAL_MAX, &a->interval_s);
		break;
	case OPT_MODE:
		a->mode = mode_from_name(state, arg);
		break;
	case OPT_LIST_FUNCTIONS:
		list_functions();
		break;
	case OPT_LIST_VALUES:
		if (kbm_print_values(fault_trace_values, arg))
			argp_error(state, "--list-values: %s takes no fixed values", arg);
		exit(kbm_finish(KBM_EXIT_OK));
	case OPT_FUNCTION:
		add_function(state, a, arg);
		break;
	case OPT_MAPPING:
		set_mapping(state, a, arg);
		break;
	case 'v':
		a->verbose = true;
		break;
	case ARGP_KEY_ARG:
		/* The command: this and everything after it. */
		a->command = &state->argv[state->next - 1];
		state->next = state->argc;
		break;
	case ARGP_KEY_END:
		if (a->command && a->pid)
			argp_error(state, "--pid and a COMMAND exclude each other");
		if (a->command && a->duration_s)
			argp_error(state, "--duration and a COMMAND exclude each other (tracing stops when the command exits)");
		if (a->mapping && !a->command && !a->pid)
			argp_error(state, "--mapping needs a process to trace: a COMMAND or --pid");
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const struct argp argp = {
	options, parse_opt, "[-- COMMAND [ARG...]]", doc, kbm_common_children, NULL, NULL,
};

static int pidfd_open_(pid_t pid)
{
	return (int)syscall(SYS_pidfd_open, pid, 0);
}

/*
 * Fork the command, held until go_fd is written to (or closed: then it
 * exits 127 without running). A failed exec writes its errno to err_fd.
 */
static pid_t spawn_held(char **argv, const sigset_t *child_mask, int *go_w, int *err_r)
{
	int go[2], err[2];
	pid_t pid;

	if (pipe2(go, O_CLOEXEC) != 0)
		return -errno;
	if (pipe2(err, O_CLOEXEC) != 0) {
		pid = -errno;
		close(go[0]);
		close(go[1]);
		return pid;
	}
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		pid = -errno;
		close(go[0]);
		close(go[1]);
		close(err[0]);
		close(err[1]);
		return pid;
	}
	if (pid == 0) {
		char c;
		int e;

		sigprocmask(SIG_SETMASK, child_mask, NULL);
		signal(SIGPIPE, SIG_DFL);	/* ignored by kbufmapctl only */
		close(go[1]);
		close(err[0]);
		if (read(go[0], &c, 1) != 1)
			_exit(127);
		execvp(argv[0], argv);
		e = errno;
		if (write(err[1], &e, sizeof(e)) < 0)
			_exit(127);
		_exit(127);
	}
	close(go[0]);
	close(err[1]);
	*go_w = go[1];
	*err_r = err[0];
	return pid;
}

/*
 * Whether execvp() would find @cmd and may run it: 0 or the errno it
 * would fail with. Checked before the probes are loaded, which takes
 * seconds; the exec itself still reports what this cannot foresee.
 */
static int command_runnable(const char *cmd)
{
	const char *path = getenv("PATH");
	char file[PATH_MAX];
	int err = ENOENT;

	if (strchr(cmd, '/'))
		return access(cmd, X_OK) == 0 ? 0 : errno;
	if (!path || !*path)
		path = "/bin:/usr/bin";
	while (*path) {
		size_t len = strcspn(path, ":");
		struct stat st;

		if (snprintf(file, sizeof(file), "%.*s%s%s", (int)len, path,
			     len ? "/" : "", cmd) < (int)sizeof(file) &&
		    stat(file, &st) == 0 && S_ISREG(st.st_mode)) {
			if (access(file, X_OK) == 0)
				return 0;
			err = EACCES;
		}
		path += len + (path[len] == ':');
	}
	return err;
}

/* Wait for @pid, SIGTERM then SIGKILL after a grace period. */
static void stop_child(pid_t pid, int pidfd, int *status)
{
	struct pollfd p = { .fd = pidfd, .events = POLLIN };

	if (waitpid(pid, status, WNOHANG) == pid)
		return;
	kill(pid, SIGTERM);
	if (pidfd < 0 || poll(&p, 1, KILL_GRACE_MS) <= 0)
		kill(pid, SIGKILL);
	while (waitpid(pid, status, 0) < 0 && errno == EINTR)
		;
}

/* One run of fault-trace: what the steps below share. */
struct ft_session {
	struct ft_args a;
	struct ft_tracer *tracer;
	struct ft_command cmd;		/* cmd.argv NULL: no command */
	struct ft_snapshot prev;	/* the last interval's end */
	sigset_t oldmask;		/* the signal mask to restore */
	int sfd, pidfd, go_w, err_r;
	bool released;			/* the held command was let go */
	__u64 start;
	unsigned int seq;		/* interval reports printed */
	bool quiet;			/* -q: no progress on stderr */
};

/*
 * SIGINT, SIGTERM and SIGHUP arrive through a signalfd; the command gets
 * the mask we started with.
 */
static int block_signals(struct ft_session *s)
{
	sigset_t mask;

	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGHUP);
	sigprocmask(SIG_BLOCK, &mask, &s->oldmask);
	s->sfd = signalfd(-1, &mask, SFD_CLOEXEC);
	if (s->sfd < 0) {
		kbm_fail(errno, "signalfd: %s", strerror(errno));
		return KBM_EXIT_RUNTIME;
	}
	return KBM_EXIT_OK;
}

/* Fork the command held, and attach the tracer to it or to --pid. */
static int start_tracing(struct ft_session *s)
{
	struct ft_tracer_opts topts = {
		.mode = s->a.mode, .tgid = s->a.pid, .verbose = s->a.verbose,
	};
	struct kbm_err why;
	int rc;

	memcpy(topts.functions, s->a.functions, sizeof(topts.functions));
	topts.nfunctions = s->a.nfunctions;
	topts.mapping = s->a.mapping;
	topts.map_dev = s->a.map_dev;
	topts.map_ino = s->a.map_ino;
	if (s->a.command) {
		int e = command_runnable(s->a.command[0]);

		if (e) {
			kbm_fail(e, "cannot run '%s': %s", s->a.command[0], strerror(e));
			return KBM_EXIT_NOEXEC;
		}
		s->cmd.argv = s->a.command;
		s->cmd.pid = spawn_held(s->a.command, &s->oldmask, &s->go_w, &s->err_r);
		if (s->cmd.pid < 0) {
			kbm_fail(-s->cmd.pid, "cannot start %s: %s", s->a.command[0],
				 strerror(-s->cmd.pid));
			return KBM_EXIT_RUNTIME;
		}
		topts.tgid = s->cmd.pid;
		topts.children = true;
	}
	rc = ft_tracer_start(&topts, &s->tracer, &why);
	if (rc)
		return ft_tracer_fail(&why);	/* the held command exits 127 when go_w closes */
	if (!s->quiet)
		fprintf(stderr, KBM_PROG " fault-trace: mode %s (%s); %s\n",
			ft_mode_name(ft_tracer_mode(s->tracer)),
			ft_tracer_mode_reason(s->tracer),
			s->a.command ? "running the command" :
			s->a.duration_s ? "tracing for the given duration" :
			"tracing until Ctrl-C");
	return KBM_EXIT_OK;
}

/* A pidfd tells the loop when the command or the --pid process exits. */
static int open_pidfd(struct ft_session *s)
{
	int err;

	if (!s->a.command && !s->a.pid)
		return KBM_EXIT_OK;
	s->pidfd = pidfd_open_(s->a.command ? s->cmd.pid : s->a.pid);
	if (s->pidfd >= 0 || s->a.command)
		return KBM_EXIT_OK;	/* the command: stop_child() copes */
	err = errno;
	kbm_fail(err, "--pid %d: %s", (int)s->a.pid, strerror(err));
	return err == ESRCH ? KBM_EXIT_USAGE : KBM_EXIT_RUNTIME;
}

/*
 * Let the held command go, and learn whether it could be executed: the
 * error pipe closes on a successful exec, or carries execvp()'s errno.
 * A command that cannot be run exits 127, as in a shell.
 */
static int release_command(struct ft_session *s)
{
	ssize_t n;
	int e;

	if (write(s->go_w, "g", 1) != 1) {
		kbm_fail(errno, "cannot start %s: %s", s->a.command[0], strerror(errno));
		return KBM_EXIT_RUNTIME;
	}
	close(s->go_w);
	s->go_w = -1;
	s->released = true;
	n = read(s->err_r, &e, sizeof(e));	/* EOF: exec succeeded */
	close(s->err_r);
	s->err_r = -1;
	if (n != (ssize_t)sizeof(e))
		return KBM_EXIT_OK;
	waitpid(s->cmd.pid, &s->cmd.status, 0);
	s->cmd.pid = 0;
	kbm_fail(e, "cannot run '%s': %s", s->a.command[0], strerror(e));
	return KBM_EXIT_NOEXEC;
}

static void report(struct ft_session *s, const struct ft_snapshot *snap,
		   __u64 elapsed_ns, bool final)
{
	struct ft_report_ctx rctx = {
		.tracer = s->tracer,
		.kernel = kernel_release(),
		.filter_pid = s->a.pid,
		.cmd = s->a.command ? &s->cmd : NULL,
	};

	ft_report(&rctx, snap, elapsed_ns, final, final ? s->seq : ++s->seq);
}

/* --interval: what happened since the last one (a failed read skips it). */
static void interval_report(struct ft_session *s)
{
	struct ft_snapshot cur, delta;
	struct kbm_err e;

	if (ft_tracer_snapshot(s->tracer, &cur, &e) != 0) {
		kbm_fail_err(&e);
		return;
	}
	if (ft_snapshot_diff(&cur, &s->prev, &delta) == 0) {
		report(s, &delta, cur.mono_ns - s->prev.mono_ns, false);
		ft_snapshot_free(&delta);
	}
	ft_snapshot_free(&s->prev);
	s->prev = cur;
}

/* Milliseconds until the next deadline or tick, -1 when there is none. */
static int poll_timeout(__u64 now, __u64 deadline, __u64 next_tick)
{
	__u64 wake = deadline;

	if (next_tick && (!wake || next_tick < wake))
		wake = next_tick;
	return wake ? (int)((wake - now + 999999) / 1000000) : -1;
}

/*
 * Wait for the end (duration over, a signal, the command or --pid process
 * gone), printing the interval reports on the way.
 */
static int trace_loop(struct ft_session *s)
{
	__u64 deadline = 0, next_tick = 0;

	if (s->a.duration_s)
		deadline = s->start + s->a.duration_s * NS_PER_S;
	if (s->a.interval_s)
		next_tick = s->start + s->a.interval_s * NS_PER_S;
	for (;;) {
		struct pollfd pfds[2] = {
			{ .fd = s->sfd, .events = POLLIN },
			{ .fd = s->pidfd, .events = POLLIN },
		};
		__u64 now = now_ns();
		int n;

		if (deadline && now >= deadline)
			return KBM_EXIT_OK;
		if (next_tick && now >= next_tick) {
			interval_report(s);
			next_tick += s->a.interval_s * NS_PER_S;
			continue;
		}
		n = poll(pfds, s->pidfd >= 0 ? 2 : 1, poll_timeout(now, deadline, next_tick));
		if (n < 0 && errno != EINTR) {
			kbm_fail(errno, "poll: %s", strerror(errno));
			return KBM_EXIT_RUNTIME;
		}
		if (n > 0 && (pfds[0].revents & POLLIN))
			return KBM_EXIT_OK;	/* Ctrl-C, SIGTERM, SIGHUP: stop and report */
		if (n > 0 && s->pidfd >= 0 && pfds[1].revents)
			return KBM_EXIT_OK;	/* the command or --pid process exited */
	}
}

/* Stop the command, detach, and print the totals of a run that worked. */
static int finish_tracing(struct ft_session *s, int rc)
{
	struct ft_snapshot cur;
	struct kbm_err e;

	if (s->a.command && s->cmd.pid > 0) {
		stop_child(s->cmd.pid, s->pidfd, &s->cmd.status);
		s->cmd.exited = true;
	}
	/* Every probe off before the final read: the totals are then exact. */
	ft_tracer_detach(s->tracer);
	if (rc != KBM_EXIT_OK)
		return rc;
	if (ft_tracer_snapshot(s->tracer, &cur, &e) != 0)
		return kbm_fail_err(&e);
	report(s, &cur, now_ns() - s->start, true);
	ft_snapshot_free(&cur);
	return KBM_EXIT_OK;
}

/* Whatever the run got to: the command reaped, every fd closed. */
static void session_cleanup(struct ft_session *s)
{
	ft_snapshot_free(&s->prev);
	if (s->err_r >= 0)
		close(s->err_r);
	if (s->a.command && s->cmd.pid > 0 && !s->released) {
		close(s->go_w);	/* the held command exits 127 without running */
		s->go_w = -1;
		while (waitpid(s->cmd.pid, &s->cmd.status, 0) < 0 && errno == EINTR)
			;
	} else if (s->a.command && s->cmd.pid > 0 && !s->cmd.exited) {
		stop_child(s->cmd.pid, s->pidfd, &s->cmd.status);
	}
	if (s->go_w >= 0)
		close(s->go_w);
	if (s->pidfd >= 0)
		close(s->pidfd);
	if (s->sfd >= 0)
		close(s->sfd);
	ft_tracer_destroy(s->tracer);
	sigprocmask(SIG_SETMASK, &s->oldmask, NULL);
}

/* Set up, start the command, trace until the end, report. */
static int trace(struct ft_session *s)
{
	struct kbm_err e;
	int rc;

	rc = block_signals(s);
	if (!rc)
		rc = start_tracing(s);
	if (!rc)
		rc = open_pidfd(s);
	if (rc)
		return rc;
	if (ft_tracer_snapshot(s->tracer, &s->prev, &e) != 0)
		return kbm_fail_err(&e);
	s->start = now_ns();
	if (s->a.command) {
		rc = release_command(s);
		if (rc)
			return rc;
	}
	return finish_tracing(s, trace_loop(s));
}

static int fault_trace_run(struct kbm_ctx *ctx, int argc, char **argv)
{
	struct ft_session s = { .sfd = -1, .pidfd = -1, .go_w = -1, .err_r = -1 };
	int rc;

	sigprocmask(SIG_SETMASK, NULL, &s.oldmask);
	kbm_cmd_parse(ctx, argc, argv, ARGP_IN_ORDER, NULL, &s.a);
	out_set_json(ctx->json, ctx->pretty);
	s.quiet = ctx->quiet;
	/* A closed stdout must end in the report of a write error and a
	 * clean detach (kprobe events removed), not in death by SIGPIPE.
	 */
	signal(SIGPIPE, SIG_IGN);
	rc = trace(&s);
	session_cleanup(&s);
	return kbm_finish(rc);
}

const struct kbm_cmd kbm_cmd_fault_trace = {
	.name = "fault-trace",
	.summary = "count the module's mmap and fault calls with BPF",
	.argp = &argp,
	.main = fault_trace_run,
	.needs = KBM_NEEDS_BPF,
};
