/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The command framework: the command descriptor, the context every command
 * gets (the common options), the argp helpers and the checks of what a
 * command needs. main.c holds the root level and the table of commands;
 * each command includes this header, never main.c's. Exit statuses:
 * status.h.
 */
#ifndef KBM_CMD_H
#define KBM_CMD_H

#include <argp.h>
#include <stdbool.h>
#include <stdint.h>

#include "prog.h"
#include "status.h"

/* What a command needs before it can run; kbm_cmd_parse() checks each once. */
enum kbm_needs {
	KBM_NEEDS_DEVICE = 1u << 0,	/* the kbufmap device must exist */
	KBM_NEEDS_ROOT = 1u << 1,	/* effective uid 0 */
	KBM_NEEDS_BPF = 1u << 2,	/* CAP_BPF+CAP_PERFMON or CAP_SYS_ADMIN */
};

struct kbm_cmd;
struct kbm_bufopt_cfg;

/*
 * The run's context: the command and the options every level accepts
 * (kbm_common_argp fills them in while a level parses).
 */
struct kbm_ctx {
	const struct kbm_cmd *cmd;	/* the command running */
	bool json;
	bool pretty;
	bool quiet;
	const char *device;
};

/*
 * A command, as its folder exports it: main.c's table is a list of these,
 * bpftool style. @main receives the context and argv[0] = "kbufmapctl
 * <name>", and parses the rest with kbm_cmd_parse(), which uses @argp and
 * then checks @needs.
 */
struct kbm_cmd {
	const char *name;
	const char *summary;
	const struct argp *argp;
	int (*main)(struct kbm_ctx *ctx, int argc, char **argv);
	unsigned int needs;	/* enum kbm_needs */
	const struct kbm_bufopt_cfg *bufopt;	/* its buffer options, or NULL */
};

/*
 * The argp child that carries the common options (-j, -p, -q, -d and the
 * hidden --list-opts); every level's parser lists it among its children.
 */
extern const struct argp kbm_common_argp;

/* The children of a level with no options of its own: the common ones. */
extern const struct argp_child kbm_common_children[];

/* The parser of such a level: any argument is a usage error. */
error_t kbm_parse_no_args(int key, char *arg, struct argp_state *state);

/*
 * Before any parsing: usage errors exit KBM_EXIT_USAGE, and at exit argp's
 * captured messages are flushed and stdout is checked.
 */
void kbm_cmd_init(void);

/*
 * argp_parse() wrapper: the common options go to @ctx; in JSON mode an argp
 * error message (unknown option, our own argp_error()) is turned into
 * {"error": "..."} on stdout so stdout stays valid JSON; exits
 * KBM_EXIT_USAGE on errors, 0 after --help.
 */
void kbm_argp_parse(struct kbm_ctx *ctx, const struct argp *argp, int argc,
		    char **argv, unsigned int flags, int *arg_index, void *input);

/*
 * Parse the running command's (@ctx->cmd) options with its own argp, then
 * check what it needs (enum kbm_needs). Exits on a usage error or an unmet
 * need, with the message and the exit status for it; returns only when
 * the command may go on. Options that only list or print (--list-*,
 * --help) exit from inside the parser, before the checks.
 */
void kbm_cmd_parse(struct kbm_ctx *ctx, int argc, char **argv,
		   unsigned int flags, int *arg_index, void *input);

/* Offer @cmd's buffer options (bufopt.h); before parsing or scanning its level. */
void kbm_cmd_offer(const struct kbm_cmd *cmd);

/* Run @cmd with argv[0] = "kbufmapctl <name>"; its exit status. */
int kbm_cmd_run(struct kbm_ctx *ctx, const struct kbm_cmd *cmd, int argc,
		char **argv);

/*
 * Scan the options of one level, @argp's, from argv[@i] as getopt would,
 * up to the first non-option or "--", noting -j and -p in *@json and
 * *@pretty. Returns the index of that word (argc if none). For deciding on
 * JSON before argp runs, so that its first error is JSON already.
 */
int kbm_scan_level(const struct argp *argp, int argc, char **argv, int i,
		   bool *json, bool *pretty);

/* An option's number in [@min, @max] into *@v, or argp_error() saying why. */
void kbm_argp_u64(struct argp_state *state, const char *what, const char *arg,
		  uint64_t min, uint64_t max, uint64_t *v);

/*
 * For an option that needs BPF (the command's needs do not say so): 0, or
 * print "@what: BPF needs root ..." and return KBM_EXIT_ACCESS.
 */
int kbm_check_bpf(const char *what);

/* Report a failed kbm_dev_open() of @path; returns the exit status. */
int kbm_dev_fail(const char *path, int err);

/*
 * argp help_filter for option texts that name limits and lists the headers
 * set: {MAX_PAGES}, {KMALLOC_MAX_PAGES} are filled in from KBUFMAP_MAX_PAGES
 * and KBUFMAP_KMALLOC_MAX_PAGES, {BACKENDS} and {STRATEGIES} from the name
 * tables, so help never copies them.
 */
char *kbm_help_filter(int key, const char *text, void *input);

#endif /* KBM_CMD_H */
