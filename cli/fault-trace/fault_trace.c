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
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fault_trace_priv.h"
#include "kbufmapctl.h"
#include "out.h"
#include "parse.h"

#define PID_MAX		4194304ULL	/* PID_MAX_LIMIT on 64-bit */
#define DURATION_MAX	604800ULL	/* a week */
#define INTERVAL_MAX	86400ULL
/* After the command is told to stop, how long before SIGKILL. */
#define KILL_GRACE_MS	5000

enum {
	OPT_PID = 0x100,
	OPT_DURATION,
	OPT_INTERVAL,
	OPT_MODE,
};

struct ft_args {
	pid_t pid;
	__u64 duration_s;	/* 0: until Ctrl-C / the command ends */
	__u64 interval_s;	/* 0: no periodic output */
	enum ft_mode mode;
	bool verbose;
	char **command;		/* NULL-terminated, or NULL */
};

static const struct argp_option options[] = {
	{ "pid", OPT_PID, "PID", 0, "Trace only this process (not its children)", 0 },
	{ "duration", OPT_DURATION, "SECONDS", 0,
	  "Stop after SECONDS (1..604800); default: at Ctrl-C, or when COMMAND ends", 0 },
	{ "interval", OPT_INTERVAL, "SECONDS", 0,
	  "Also print what happened in each interval of SECONDS (1..86400)", 0 },
	{ "mode", OPT_MODE, "MODE", 0,
	  "auto (default): fentry/fexit when the module has usable BTF, else kprobes; "
	  "fentry: fail without module BTF; kprobe: kprobe/kretprobe", 0 },
	{ "verbose", 'v', NULL, 0, "Show libbpf's messages", 0 },
	{ 0 }
};

static const char doc[] =
	"Trace the kbufmap module's mmap, fault and populate calls with BPF: calls, "
	"pages mapped, a log2 latency histogram (ns) per function, and the same per "
	"process. Missed events are counted and reported. Needs root.\n"
	"\v"
	"Functions: kbufmap_mmap, kbufmap_vm_fault (.fault: the fault, fault-around "
	"and pfn strategies), kbufmap_vm_map_pages (.map_pages: fault-around), "
	"kbufmap_vm_huge_fault (.huge_fault: huge), kbufmap_populate_* (the "
	"strategies that map the whole VMA at mmap time).\n\n"
	"With -- COMMAND [ARGS], COMMAND is started once tracing is attached and "
	"only it and its children are traced; tracing stops when it exits. The "
	"exit status is 0 when tracing worked, whatever the command's: its status "
	"is in the report.\n\n"
	"Examples:\n"
	"  kbufmapctl fault-trace --duration 10\n"
	"  kbufmapctl fault-trace --interval 1 --pid 1234\n"
	"  kbufmapctl --json fault-trace -- kbufmapctl -j map --strategy fault --pages 512 -o map.json\n\n"
	"Exit status: 0 tracing worked, 2 usage error (or COMMAND cannot be run), "
	"3 module not loaded, 5 not permitted (needs root), 6 other runtime error "
	"(e.g. a function that cannot be attached).";

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct ft_args *a = state->input;
	char msg[256];
	__u64 v;

	switch (key) {
	case OPT_PID:
		if (parse_u64("--pid", arg, 1, PID_MAX, (uint64_t *)&v, msg, sizeof(msg)))
			argp_error(state, "%s", msg);
		if (kill((pid_t)v, 0) != 0 && errno == ESRCH)
			argp_error(state, "--pid: no process %llu", (unsigned long long)v);
		a->pid = (pid_t)v;
		break;
	case OPT_DURATION:
		if (parse_u64("--duration", arg, 1, DURATION_MAX, (uint64_t *)&a->duration_s,
			      msg, sizeof(msg)))
			argp_error(state, "%s", msg);
		break;
	case OPT_INTERVAL:
		if (parse_u64("--interval", arg, 1, INTERVAL_MAX, (uint64_t *)&a->interval_s,
			      msg, sizeof(msg)))
			argp_error(state, "%s", msg);
		break;
	case OPT_MODE:
		if (strcmp(arg, "auto") == 0)
			a->mode = FT_MODE_AUTO;
		else if (strcmp(arg, "fentry") == 0)
			a->mode = FT_MODE_FENTRY;
		else if (strcmp(arg, "kprobe") == 0)
			a->mode = FT_MODE_KPROBE;
		else
			argp_error(state, "--mode: '%s' is not one of auto, fentry, kprobe", arg);
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
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const struct argp_child children[] = {
	{ &kbm_common_argp, 0, NULL, 0 },
	{ 0 }
};

static const struct argp argp = {
	options, parse_opt, "[-- COMMAND [ARGS...]]", doc, children, NULL, NULL,
};

static __u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * 1000000000ULL + (__u64)ts.tv_nsec;
}

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
		return -1;
	if (pipe2(err, O_CLOEXEC) != 0) {
		close(go[0]);
		close(go[1]);
		return -1;
	}
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		close(go[0]);
		close(go[1]);
		close(err[0]);
		close(err[1]);
		return -1;
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

static int fault_trace_run(int argc, char **argv)
{
	struct ft_args a = { 0 };
	struct ft_tracer_opts topts = { 0 };
	struct ft_tracer *tracer = NULL;
	struct ft_command cmd = { 0 };
	struct ft_snapshot prev = { 0 }, cur, delta;
	struct ft_report_ctx rctx = { 0 };
	sigset_t mask, oldmask;
	struct utsname uts;
	int sfd = -1, pidfd = -1, go_w = -1, err_r = -1;
	bool released = false;	/* the held command was let go */
	__u64 start, deadline = 0, next_tick = 0;
	unsigned int seq = 0;
	int rc = KBM_EXIT_OK, e;

	kbm_cmd_parse(argc, argv, ARGP_IN_ORDER, NULL, &a);
	out_set_json(g_opt.json, g_opt.pretty);
	/* A closed stdout must end in the report of a write error and a
	 * clean detach (kprobe events removed), not in death by SIGPIPE.
	 */
	signal(SIGPIPE, SIG_IGN);

	/* Signals arrive through a signalfd; the command gets the old mask. */
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGHUP);
	sigprocmask(SIG_BLOCK, &mask, &oldmask);
	sfd = signalfd(-1, &mask, SFD_CLOEXEC);
	if (sfd < 0) {
		kbm_err("signalfd: %s", strerror(errno));
		rc = KBM_EXIT_RUNTIME;
		goto out;
	}

	if (a.command) {
		cmd.argv = a.command;
		cmd.pid = spawn_held(a.command, &oldmask, &go_w, &err_r);
		if (cmd.pid < 0) {
			kbm_err("cannot start %s: %s", a.command[0], strerror(errno));
			rc = KBM_EXIT_RUNTIME;
			goto out;
		}
		topts.tgid = cmd.pid;
		topts.children = true;
	} else {
		topts.tgid = a.pid;
	}
	topts.mode = a.mode;
	topts.verbose = a.verbose;

	rc = ft_tracer_start(&topts, &tracer);
	if (rc)
		goto out;	/* the held command exits 127 when go_w closes */

	if (!g_opt.quiet)
		fprintf(stderr, KBM_PROG " fault-trace: mode %s (%s); %s\n",
			ft_mode_name(ft_tracer_mode(tracer)), ft_tracer_mode_reason(tracer),
			a.command ? "running the command" :
			a.duration_s ? "tracing for the given duration" :
			"tracing until Ctrl-C");

	if (a.command || a.pid) {
		pidfd = pidfd_open_(a.command ? cmd.pid : a.pid);
		if (pidfd < 0 && !a.command) {
			kbm_err("--pid %d: %s", (int)a.pid, strerror(errno));
			rc = errno == ESRCH ? KBM_EXIT_USAGE : KBM_EXIT_RUNTIME;
			goto out;
		}
	}

	rc = ft_tracer_snapshot(tracer, &prev) ? KBM_EXIT_RUNTIME : KBM_EXIT_OK;
	if (rc)
		goto out;
	start = now_ns();
	if (a.command) {
		ssize_t n;

		if (write(go_w, "g", 1) != 1) {
			kbm_err("cannot start %s: %s", a.command[0], strerror(errno));
			rc = KBM_EXIT_RUNTIME;
			goto out;
		}
		close(go_w);
		go_w = -1;
		released = true;
		n = read(err_r, &e, sizeof(e));	/* EOF: exec succeeded */
		close(err_r);
		err_r = -1;
		if (n == (ssize_t)sizeof(e)) {
			waitpid(cmd.pid, &cmd.status, 0);
			cmd.pid = 0;
			kbm_err("cannot run '%s': %s", a.command[0], strerror(e));
			rc = KBM_EXIT_USAGE;
			goto out;
		}
	}
	if (a.duration_s)
		deadline = start + a.duration_s * 1000000000ULL;
	if (a.interval_s)
		next_tick = start + a.interval_s * 1000000000ULL;

	for (;;) {
		struct pollfd pfds[2] = {
			{ .fd = sfd, .events = POLLIN },
			{ .fd = pidfd, .events = POLLIN },
		};
		__u64 now = now_ns(), wake = 0;
		int timeout = -1, n;

		if (deadline && now >= deadline)
			break;
		if (next_tick && now >= next_tick) {
			if (ft_tracer_snapshot(tracer, &cur) == 0) {
				if (ft_snapshot_diff(&cur, &prev, &delta) == 0) {
					rctx.tracer = tracer;
					rctx.kernel = uname(&uts) == 0 ? uts.release : "?";
					rctx.filter_pid = a.pid;
					rctx.cmd = a.command ? &cmd : NULL;
					ft_report(&rctx, &delta, cur.mono_ns - prev.mono_ns,
						  false, ++seq);
					ft_snapshot_free(&delta);
				}
				ft_snapshot_free(&prev);
				prev = cur;
			}
			next_tick += a.interval_s * 1000000000ULL;
			continue;
		}
		if (deadline)
			wake = deadline;
		if (next_tick && (!wake || next_tick < wake))
			wake = next_tick;
		if (wake)
			timeout = (int)((wake - now + 999999) / 1000000);
		n = poll(pfds, pidfd >= 0 ? 2 : 1, timeout);
		if (n < 0 && errno != EINTR) {
			kbm_err("poll: %s", strerror(errno));
			rc = KBM_EXIT_RUNTIME;
			break;
		}
		if (n > 0 && (pfds[0].revents & POLLIN)) {
			struct signalfd_siginfo si;

			if (read(sfd, &si, sizeof(si)) < 0)
				break;
			break;	/* Ctrl-C, SIGTERM, SIGHUP: stop and report */
		}
		if (n > 0 && pidfd >= 0 && pfds[1].revents)
			break;	/* the command or --pid process exited */
	}

	if (a.command && cmd.pid > 0) {
		stop_child(cmd.pid, pidfd, &cmd.status);
		cmd.exited = true;
	}
	/* Every probe off before the final read: the totals are then exact. */
	ft_tracer_detach(tracer);
	if (rc == KBM_EXIT_OK) {
		if (ft_tracer_snapshot(tracer, &cur) != 0) {
			rc = KBM_EXIT_RUNTIME;
		} else {
			rctx.tracer = tracer;
			rctx.kernel = uname(&uts) == 0 ? uts.release : "?";
			rctx.filter_pid = a.pid;
			rctx.cmd = a.command ? &cmd : NULL;
			ft_report(&rctx, &cur, now_ns() - start, true, seq);
			ft_snapshot_free(&cur);
		}
	}
out:
	ft_snapshot_free(&prev);
	if (err_r >= 0)
		close(err_r);
	if (a.command && cmd.pid > 0 && !released) {
		close(go_w);	/* the held command exits 127 without running */
		go_w = -1;
		while (waitpid(cmd.pid, &cmd.status, 0) < 0 && errno == EINTR)
			;
	} else if (a.command && cmd.pid > 0 && !cmd.exited) {
		stop_child(cmd.pid, pidfd, &cmd.status);
	}
	if (go_w >= 0)
		close(go_w);
	if (pidfd >= 0)
		close(pidfd);
	if (sfd >= 0)
		close(sfd);
	ft_tracer_destroy(tracer);
	sigprocmask(SIG_SETMASK, &oldmask, NULL);
	return kbm_finish(rc);
}

const struct kbm_cmd kbm_cmd_fault_trace = {
	.name = "fault-trace",
	.summary = "count the module's mmap and fault calls with BPF",
	.argp = &argp,
	.run = fault_trace_run,
	.needs = KBM_NEEDS_BPF,
};
