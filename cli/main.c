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
#include <errno.h>	/* kbufmap_matrix.h wants the errno constants */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kbufmap_matrix.h"
#include "kbufmapctl.h"
#include "names.h"
#include "out.h"
#include "target.h"

/* The run's context: the common options, passed to the command. */
static struct kbm_ctx run_ctx = {
	.device = KBUFMAP_DEVICE_PATH,
};

const char *argp_program_version = KBM_PROG " " KBUFMAP_VERSION;

static int help_run(struct kbm_ctx *ctx, int argc, char **argv);
static const struct argp help_argp;

static const struct kbm_cmd kbm_cmd_help = {
	.name = "help",
	.summary = "print this help, or a command's: help COMMAND",
	.argp = &help_argp,
	.main = help_run,
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

/* ------------------------------------------------------------------ */
/* The root level                                                     */

/* 0x100 is the common options' --list-opts. */
enum {
	OPT_LIST_CMDS = 0x101,
	OPT_LIST_BACKENDS,
	OPT_LIST_STRATEGIES,
	OPT_LIST_TARGETS,
	OPT_LIST_KINDS,
};

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
	       " COMMAND --help').\v"
	       "Examples:\n"
	       "  " KBM_PROG " help\n"
	       "  " KBM_PROG " help map\n\n"
	       "Exit status: 0 printed, 2 usage error (an unknown COMMAND).",
	.children = help_children,
};

static int help_run(struct kbm_ctx *ctx, int argc, char **argv)
{
	char *help_argv[] = { NULL, "--help", NULL };
	const struct kbm_cmd *cmd;
	const char *name = NULL;

	kbm_cmd_parse(ctx, argc, argv, 0, NULL, &name);
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
	return kbm_cmd_run(ctx, cmd, 2, help_argv);
}

/* ------------------------------------------------------------------ */
/* JSON before parsing                                                */

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
	int i = kbm_scan_level(&root_argp, argc, argv, 1, &json, pretty);
	const struct kbm_cmd *cmd;

	if (i >= argc || argv[i][0] == '-')
		return json;
	cmd = find_cmd(argv[i]);
	if (!cmd || !cmd->argp)
		return json;
	kbm_cmd_offer(cmd);
	kbm_scan_level(cmd->argp, argc, argv, i + 1, &json, pretty);
	return json;
}

int main(int argc, char **argv)
{
	const struct kbm_cmd *cmd;
	int cmd_index = -1, ret;
	bool pretty = false;

	kbm_cmd_init();
	/* Messages and help say "kbufmapctl", whatever the binary is called. */
	if (argc > 0)
		argv[0] = (char *)KBM_PROG;
	if (json_wanted(argc, argv, &pretty))
		out_set_json(true, pretty);

	kbm_argp_parse(&run_ctx, &root_argp, argc, argv, ARGP_IN_ORDER, NULL, &cmd_index);
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
	ret = kbm_cmd_run(&run_ctx, cmd, argc - cmd_index, argv + cmd_index);
out:
	return kbm_finish(ret);
}
