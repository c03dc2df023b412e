// SPDX-License-Identifier: GPL-2.0
#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* asprintf, strerrorname_np; CMake defines it too */
#endif
/*
 * kbufmapctl: the user-space side of kbufmap.
 *
 * Two argp levels, bpftool style: the root parser (ARGP_IN_ORDER) takes the
 * global options and stops at the command name; the command then parses
 * the rest with its own argp and argv[0] = "kbufmapctl <command>", so
 * --help always describes the level the user is at. A new command is one
 * more line in commands[].
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/capability.h>

#include "kbufmap_matrix.h"
#include "kbufmapctl.h"
#include "kbm_dev.h"
#include "names.h"
#include "out.h"
#include "target.h"

struct kbm_global g_opt = {
	.device = KBUFMAP_DEVICE_PATH,
};

const char *argp_program_version = KBM_PROG " " KBUFMAP_VERSION;

static int help_run(int argc, char **argv);
static const struct argp help_argp;

static const struct kbm_cmd kbm_cmd_help = {
	.name = "help",
	.summary = "print this help, or a command's: help COMMAND",
	.argp = &help_argp,
	.run = help_run,
};

/* The command table: a new command is its descriptor and one line here. */
static const struct kbm_cmd *const commands[] = {
	&kbm_cmd_verify,
	&kbm_cmd_map,
	&kbm_cmd_bench,
	&kbm_cmd_phys,
	&kbm_cmd_matrix,
	&kbm_cmd_version,
#ifdef KBUFMAP_HAVE_FAULT_TRACE
	&kbm_cmd_fault_trace,
#endif
	&kbm_cmd_help,
};
#define NR_COMMANDS (sizeof(commands) / sizeof(commands[0]))

/* The command being run, for kbm_cmd_parse(). */
static const struct kbm_cmd *current_cmd;

/* ------------------------------------------------------------------ */
/* JSON-safe argp errors                                              */

/*
 * argp writes its errors ("unrecognized option", our argp_error()s, "Try
 * ...--help") to state->err_stream. The common options' parser, a child of
 * every level, points that stream at this memstream at ARGP_KEY_INIT;
 * once argp is done (or exits), the text goes to stderr, or in JSON mode
 * becomes {"error": ...} on stdout. Help and --version use out_stream
 * (stdout), untouched, so `--json COMMAND --help` prints the help text.
 * The decision is taken after parsing, so a --json anywhere counts.
 */
static struct {
	bool active;
	FILE *mem;
	char *buf;
	size_t len;
} cap;

/* Stop capturing argp's messages; @failed: argp is exiting on an error. */
static void capture_end(bool failed)
{
	if (!cap.active)
		return;
	cap.active = false;
	fclose(cap.mem);
	cap.mem = NULL;
	if (cap.len) {
		if (failed && out_is_json()) {
			/* First line: "kbufmapctl verify: --pages: ..." */
			cap.buf[strcspn(cap.buf, "\n")] = '\0';
			kbm_err("%s", cap.buf);
		} else {
			fputs(cap.buf, stderr);
		}
	}
	free(cap.buf);
	cap.buf = NULL;
	cap.len = 0;
}

static void at_exit(void)
{
	/* Only argp exits while capturing: on an error or after --help. */
	capture_end(true);
	/* argp's own exit(0) after --help: check stdout all the same. */
	if (!kbm_finished() && kbm_finish(KBM_EXIT_OK) != KBM_EXIT_OK)
		_exit(KBM_EXIT_RUNTIME);
}

void kbm_argp_parse(const struct argp *argp, int argc, char **argv,
		    unsigned int flags, int *arg_index, void *input)
{
	error_t err;

	/* Without the memstream argp just writes to stderr: still usable. */
	cap.mem = open_memstream(&cap.buf, &cap.len);
	cap.active = cap.mem != NULL;
	err = argp_parse(argp, argc, argv, flags, arg_index, input);
	capture_end(err != 0);
	if (err) {
		if (err == ENOMEM)
			kbm_err("out of memory");
		exit(err == ENOMEM ? KBM_EXIT_RUNTIME : KBM_EXIT_USAGE);
	}
}

/* ------------------------------------------------------------------ */
/* What a command needs, checked once                                 */

#ifndef CAP_PERFMON
#define CAP_PERFMON 38
#endif
#ifndef CAP_BPF
#define CAP_BPF 39
#endif

/* Is capability @nr in this process's effective set? */
static bool cap_effective(unsigned int nr)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2] = { 0 };

	if (syscall(SYS_capget, &hdr, data) != 0 || nr >= 64)
		return false;
	return data[nr / 32].effective & (1u << (nr % 32));
}

int kbm_check_bpf(const char *what)
{
	if (cap_effective(CAP_SYS_ADMIN) ||
	    (cap_effective(CAP_BPF) && cap_effective(CAP_PERFMON)))
		return KBM_EXIT_OK;
	kbm_err("%s: BPF needs root (CAP_BPF/CAP_PERFMON, or CAP_SYS_ADMIN)", what);
	return KBM_EXIT_ACCESS;
}

/* 0 when @cmd may run, or print why not and return the exit status. */
static int check_needs(const struct kbm_cmd *cmd)
{
	struct stat st;

	if ((cmd->needs & KBM_NEEDS_ROOT) && geteuid() != 0) {
		kbm_err("%s needs root", cmd->name);
		return KBM_EXIT_ACCESS;
	}
	if (cmd->needs & KBM_NEEDS_BPF) {
		int ret = kbm_check_bpf(cmd->name);

		if (ret)
			return ret;
	}
	if ((cmd->needs & KBM_NEEDS_DEVICE) && stat(g_opt.device, &st) != 0)
		return kbm_dev_fail(g_opt.device, errno);
	return KBM_EXIT_OK;
}

int kbm_dev_fail(const char *path, int err)
{
	return kbm_fail(err, "%s %s", path, kbm_dev_strerror(err));
}

void kbm_cmd_parse(int argc, char **argv, unsigned int flags, int *arg_index,
		   void *input)
{
	int ret;

	kbm_argp_parse(current_cmd->argp, argc, argv, flags, arg_index, input);
	ret = check_needs(current_cmd);
	if (ret)
		exit(kbm_finish(ret));
}

/* ------------------------------------------------------------------ */
/* Limits in help texts, from the constants                           */

char *kbm_help_filter(int key, const char *text, void *input)
{
	static const struct { const char *token; unsigned long long value; } limits[] = {
		{ "{MAX_PAGES}", KBUFMAP_MAX_PAGES },
		{ "{KMALLOC_MAX_PAGES}", KBUFMAP_KMALLOC_MAX_PAGES },
	};
	char *out = NULL, *tmp;
	const char *t;
	size_t len;

	(void)key;
	(void)input;
	if (!text || !strchr(text, '{'))
		return (char *)text;
	out = strdup(text);
	for (size_t i = 0; out && i < sizeof(limits) / sizeof(limits[0]); i++) {
		while (out && (t = strstr(out, limits[i].token))) {
			len = strlen(limits[i].token);
			if (asprintf(&tmp, "%.*s%llu%s", (int)(t - out), out,
				     limits[i].value, t + len) < 0)
				tmp = NULL;
			free(out);
			out = tmp;
		}
	}
	return out ? out : (char *)text;
}

/* ------------------------------------------------------------------ */
/* Options every level accepts                                        */

enum {
	OPT_LIST_OPTS = 0x100,
	OPT_LIST_CMDS,
	OPT_LIST_BACKENDS,
	OPT_LIST_STRATEGIES,
	OPT_LIST_TARGETS,
	OPT_LIST_KINDS,
};

static const struct argp_option common_options[] = {
	{ "json", 'j', NULL, 0,
	  "Print JSON on stdout (errors too, as {\"error\": ...})", 0 },
	{ "pretty", 'p', NULL, 0, "Print indented JSON (implies --json)", 0 },
	{ "quiet", 'q', NULL, 0,
	  "Print only failures and the summary (text output)", 0 },
	{ "device", 'd', "PATH", 0,
	  "The kbufmap device (default " KBUFMAP_DEVICE_PATH ")", 0 },
	{ "list-opts", OPT_LIST_OPTS, NULL, OPTION_HIDDEN,
	  "List this level's long options, one a line (for completion)", 0 },
	{ 0 }
};

static void list_opts(const struct argp *argp)
{
	const struct argp_option *o;

	for (o = argp->options; o && (o->name || o->key || o->doc); o++) {
		if (!o->name || (o->flags & (OPTION_HIDDEN | OPTION_DOC)))
			continue;
		printf("--%s\n", o->name);
	}
	for (const struct argp_child *c = argp->children; c && c->argp; c++)
		list_opts(c->argp);
}

static error_t common_parse(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case ARGP_KEY_INIT:
		if (cap.active)
			state->err_stream = cap.mem;
		return ARGP_ERR_UNKNOWN;	/* nothing else to do here */
	case 'j':
		g_opt.json = true;
		out_set_json(true, g_opt.pretty);
		break;
	case 'p':
		g_opt.pretty = true;
		g_opt.json = true;
		out_set_json(true, true);
		break;
	case 'q':
		g_opt.quiet = true;
		break;
	case 'd':
		if (!*arg)
			argp_error(state, "--device: empty path");
		g_opt.device = arg;
		break;
	case OPT_LIST_OPTS:
		/* argp's root holds --help, --usage, --version as children. */
		list_opts(state->root_argp);
		exit(kbm_finish(KBM_EXIT_OK));
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

const struct argp kbm_common_argp = {
	.options = common_options,
	.parser = common_parse,
};

/* ------------------------------------------------------------------ */
/* The root level                                                     */

static const struct argp_option root_options[] = {
	{ "list-cmds", OPT_LIST_CMDS, NULL, OPTION_HIDDEN,
	  "List the commands, one a line (for completion)", 0 },
	{ "list-backends", OPT_LIST_BACKENDS, NULL, OPTION_HIDDEN,
	  "List the backends, one a line (for scripts and completion)", 0 },
	{ "list-strategies", OPT_LIST_STRATEGIES, NULL, OPTION_HIDDEN,
	  "List the mapping strategies, one a line", 0 },
	{ "list-kinds", OPT_LIST_KINDS, NULL, OPTION_HIDDEN,
	  "List the mapping kinds (shared, private-ro, private-rw), one a line", 0 },
	{ "list-targets", OPT_LIST_TARGETS, NULL, OPTION_HIDDEN,
	  "List the --target values this machine offers, one a line", 0 },
	{ 0 }
};

static const struct argp_child root_children[] = {
	{ &kbm_common_argp, 0, NULL, 0 },
	{ 0 }
};

/* Print @name(0..@count-1), one a line, and exit: the --list-* options. */
static void __attribute__((noreturn))
list_names(const char *(*name)(unsigned int), unsigned int count)
{
	for (unsigned int i = 0; i < count; i++)
		printf("%s\n", name(i));
	exit(kbm_finish(KBM_EXIT_OK));
}

static void print_line(const char *value, void *arg)
{
	(void)arg;
	printf("%s\n", value);
}

static const char *cmd_name(unsigned int i)
{
	return commands[i]->name;
}

static error_t root_parse(int key, char *arg, struct argp_state *state)
{
	int *cmd_index = state->input;

	(void)arg;
	switch (key) {
	case OPT_LIST_CMDS:
		list_names(cmd_name, NR_COMMANDS);
	case OPT_LIST_BACKENDS:
		list_names(backend_name, KBUFMAP_BACKEND_COUNT);
	case OPT_LIST_STRATEGIES:
		list_names(strategy_name, KBUFMAP_STRATEGY_COUNT);
	case OPT_LIST_KINDS:
		list_names(map_kind_name, KBUFMAP_MAP_KIND_COUNT);
	case OPT_LIST_TARGETS:
		kbm_target_list(print_line, NULL);
		exit(kbm_finish(KBM_EXIT_OK));
	case ARGP_KEY_ARG:
		/* The command name: stop here, the command parses the rest. */
		*cmd_index = state->next - 1;
		state->next = state->argc;
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static char *root_help_filter(int key, const char *text, void *input)
{
	char *s = NULL, *cmds = NULL;
	size_t len = 0;
	FILE *f;

	(void)input;
	if (key != ARGP_KEY_HELP_POST_DOC)
		return (char *)text;
	f = open_memstream(&cmds, &len);
	if (!f)
		return (char *)text;
	fputs("Commands:\n", f);
	for (size_t i = 0; i < NR_COMMANDS; i++)
		fprintf(f, "  %-12s %s\n", commands[i]->name, commands[i]->summary);
	fputs("\n'" KBM_PROG " COMMAND --help' describes a command's options.\n\n"
	      "Exit status:\n", f);
#define KBM_EXIT_HELP(name, value, doc) fprintf(f, "  %3d  %s\n", value, doc);
	KBM_EXIT_STATUSES(KBM_EXIT_HELP)
#undef KBM_EXIT_HELP
	if (fclose(f) != 0) {
		free(cmds);
		return (char *)text;
	}
	s = cmds;
	return s;
}

static const struct argp root_argp = {
	.options = root_options,
	.parser = root_parse,
	.args_doc = "COMMAND [ARG...]",
	.doc = "Show kernel developers how a kernel buffer reaches user space "
	       "through mmap, and prove the mapping right.\v",
	.children = root_children,
	.help_filter = root_help_filter,
};

static const struct kbm_cmd *find_cmd(const char *name)
{
	for (size_t i = 0; i < NR_COMMANDS; i++)
		if (strcmp(commands[i]->name, name) == 0)
			return commands[i];
	return NULL;
}

static const char *cmd_names(void)
{
	static char buf[256];
	size_t off = 0;

	for (size_t i = 0; i < NR_COMMANDS && off < sizeof(buf); i++)
		off += (size_t)snprintf(buf + off, sizeof(buf) - off, "%s%s",
					i ? ", " : "", commands[i]->name);
	return buf;
}

static char *sub_argv0;

static int run_cmd(const struct kbm_cmd *cmd, int argc, char **argv)
{
	char *saved = argv[0];
	int ret;

	free(sub_argv0);
	if (asprintf(&sub_argv0, KBM_PROG " %s", cmd->name) < 0) {
		sub_argv0 = NULL;
		kbm_err("out of memory");
		return KBM_EXIT_RUNTIME;
	}
	argv[0] = sub_argv0;
	current_cmd = cmd;
	ret = cmd->run(argc, argv);
	argv[0] = saved;
	return ret;
}

/* help [COMMAND]: its own argp, so that "help --help" describes help. */
static error_t help_parse(int key, char *arg, struct argp_state *state)
{
	const char **name = state->input;

	if (key != ARGP_KEY_ARG)
		return ARGP_ERR_UNKNOWN;
	if (*name)
		argp_error(state, "one command at most");
	*name = arg;
	return 0;
}

static const struct argp_child help_children[] = {
	{ &kbm_common_argp, 0, "Common options:", 1 },
	{ 0 }
};

static const struct argp help_argp = {
	.parser = help_parse,
	.args_doc = "[COMMAND]",
	.doc = "Print " KBM_PROG "'s help, or a command's (as '" KBM_PROG
	       " COMMAND --help').",
	.children = help_children,
};

static int help_run(int argc, char **argv)
{
	char *help_argv[] = { NULL, "--help", NULL };
	const struct kbm_cmd *cmd;
	const char *name = NULL;

	kbm_cmd_parse(argc, argv, 0, NULL, &name);
	if (!name) {
		argp_help(&root_argp, stdout, ARGP_HELP_STD_HELP, KBM_PROG);
		return KBM_EXIT_OK;
	}
	cmd = find_cmd(name);
	if (!cmd) {
		kbm_err("help: unknown command '%s': commands are %s", name,
			cmd_names());
		return KBM_EXIT_USAGE;
	}
	if (cmd == &kbm_cmd_help) {
		argp_help(&help_argp, stdout, ARGP_HELP_STD_HELP, argv[0]);
		return KBM_EXIT_OK;
	}
	help_argv[0] = (char *)name;
	return run_cmd(cmd, 2, help_argv);
}

/* ------------------------------------------------------------------ */
/* JSON before parsing                                                */

/* Long options of @argp and its children that @name (@len chars) names. */
struct opt_match {
	const struct argp_option *exact, *prefix;
	int prefixes;	/* options @name abbreviates */
};

/* An alias (OPTION_ALIAS) stands for the option before it. */
static void match_long(const struct argp *argp, const char *name, size_t len,
		       struct opt_match *m)
{
	const struct argp_option *o, *real = NULL;

	for (o = argp->options; o && (o->name || o->key || o->doc); o++) {
		if (!(o->flags & OPTION_ALIAS))
			real = o;
		if (!real || !o->name || (o->flags & OPTION_DOC) ||
		    strncmp(o->name, name, len) != 0)
			continue;
		if (o->name[len] == '\0') {
			m->exact = real;
		} else if (m->prefix != real) {
			m->prefix = real;
			m->prefixes++;
		}
	}
	for (const struct argp_child *c = argp->children; c && c->argp; c++)
		match_long(c->argp, name, len, m);
}

/* "--name" or, as getopt_long takes it, an unambiguous abbreviation. */
static const struct argp_option *find_long(const struct argp *argp,
					   const char *name, size_t len)
{
	struct opt_match m = { 0 };

	match_long(argp, name, len, &m);
	if (m.exact)
		return m.exact;
	return m.prefixes == 1 ? m.prefix : NULL;
}

static const struct argp_option *find_short(const struct argp *argp, int key)
{
	const struct argp_option *o, *real = NULL, *r;

	for (o = argp->options; o && (o->name || o->key || o->doc); o++) {
		if (!(o->flags & OPTION_ALIAS))
			real = o;
		if (real && o->key == key && !(o->flags & OPTION_DOC))
			return real;
	}
	for (const struct argp_child *c = argp->children; c && c->argp; c++)
		if ((r = find_short(c->argp, key)) != NULL)
			return r;
	return NULL;
}

/* Is @o -j or -p? Does it take the next word as its value? */
static bool note_option(const struct argp_option *o, bool *json, bool *pretty)
{
	if (!o)
		return false;	/* unknown (or --help, --usage): no value */
	if (o->key == 'j')
		*json = true;
	if (o->key == 'p')
		*json = *pretty = true;
	return o->arg && !(o->flags & OPTION_ARG_OPTIONAL);
}

/*
 * Scan the options of one level, @argp's, from argv[@i] as getopt would
 * (combined short options "-jq", values "-dPATH", "-d PATH", "--device=P",
 * "--device P", abbreviations), up to the first non-option or "--".
 * Returns the index of that word (argc if none).
 */
static int scan_level(const struct argp *argp, int argc, char **argv, int i,
		      bool *json, bool *pretty)
{
	for (; i < argc; i++) {
		const char *a = argv[i];

		if (a[0] != '-' || a[1] == '\0' || strcmp(a, "--") == 0)
			return i;
		if (a[1] == '-') {
			size_t len = strcspn(a + 2, "=");
			const struct argp_option *o = find_long(argp, a + 2, len);

			if (note_option(o, json, pretty) && a[2 + len] != '=')
				i++;
			continue;
		}
		for (const char *p = a + 1; *p; p++) {
			const struct argp_option *o =
				find_short(argp, (unsigned char)*p);

			if (note_option(o, json, pretty)) {
				if (p[1] == '\0')
					i++;	/* "-d PATH" */
				break;		/* "-dPATH": the rest is the value */
			}
		}
	}
	return i;
}

/*
 * Is JSON asked for? Decided before argp runs, so that an error argp finds
 * before reaching --json still comes out as JSON. The root's options come
 * before the command name (ARGP_IN_ORDER); the command's options follow
 * it, where only the global ones (-j, -p) matter, but every option that
 * takes a value must be known to skip it: "verify --check -p" is not -p.
 */
static bool json_wanted(int argc, char **argv, bool *pretty)
{
	bool json = false;
	int i = scan_level(&root_argp, argc, argv, 1, &json, pretty);
	const struct kbm_cmd *cmd;

	if (i >= argc || argv[i][0] == '-')
		return json;
	cmd = find_cmd(argv[i]);
	if (cmd && cmd->argp)
		scan_level(cmd->argp, argc, argv, i + 1, &json, pretty);
	return json;
}

int main(int argc, char **argv)
{
	const struct kbm_cmd *cmd;
	int cmd_index = -1, ret;
	bool pretty = false;

	argp_err_exit_status = KBM_EXIT_USAGE;
	/* Messages and help say "kbufmapctl", whatever the binary is called. */
	if (argc > 0)
		argv[0] = (char *)KBM_PROG;
	atexit(at_exit);
	if (json_wanted(argc, argv, &pretty))
		out_set_json(true, pretty);

	kbm_argp_parse(&root_argp, argc, argv, ARGP_IN_ORDER, NULL, &cmd_index);
	if (cmd_index < 0) {
		kbm_err("missing command: commands are %s; see '" KBM_PROG " --help'",
			cmd_names());
		ret = KBM_EXIT_USAGE;
		goto out;
	}
	cmd = find_cmd(argv[cmd_index]);
	if (!cmd) {
		kbm_err("unknown command '%s': commands are %s; see '" KBM_PROG " --help'",
			argv[cmd_index], cmd_names());
		ret = KBM_EXIT_USAGE;
		goto out;
	}
	ret = run_cmd(cmd, argc - cmd_index, argv + cmd_index);
out:
	free(sub_argv0);
	sub_argv0 = NULL;
	return kbm_finish(ret);
}
