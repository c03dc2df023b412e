/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kbufmapctl: what every command shares: the global options, the command
 * descriptor and the argp helpers. Exit statuses: lib/status.h.
 */
#ifndef KBUFMAPCTL_H
#define KBUFMAPCTL_H

#include <argp.h>
#include <stdbool.h>

#include "status.h"

#ifndef KBUFMAP_VERSION
#define KBUFMAP_VERSION "0.1.0"
#endif

#define KBM_PROG "kbufmapctl"

/* The highest NUMA node an option accepts (MAX_NUMNODES is at most 1024). */
#define KBM_MAX_NODE	1023

/* A number's digits, for help texts that name a limit (KBM_STR(KBM_MAX_NODE)). */
#define KBM_STR_(x)	#x
#define KBM_STR(x)	KBM_STR_(x)

/*
 * argp help_filter for option texts that name limits the uapi header sets
 * as expressions: {MAX_PAGES}, {KMALLOC_MAX_PAGES} are filled in from
 * KBUFMAP_MAX_PAGES and KBUFMAP_KMALLOC_MAX_PAGES, so help never copies them.
 */
char *kbm_help_filter(int key, const char *text, void *input);

/* Options every command accepts (see common_argp in main.c). */
struct kbm_global {
	bool json;
	bool pretty;
	bool quiet;
	const char *device;
};
extern struct kbm_global g_opt;

/* What a command needs before it can run; main.c checks each once. */
enum kbm_needs {
	KBM_NEEDS_DEVICE = 1u << 0,	/* the kbufmap device must exist */
	KBM_NEEDS_ROOT = 1u << 1,	/* effective uid 0 */
	KBM_NEEDS_BPF = 1u << 2,	/* CAP_BPF+CAP_PERFMON or CAP_SYS_ADMIN */
};

/*
 * A command, as its folder exports it: main.c's table is a list of these,
 * bpftool style. @run receives argv[0] = "kbufmapctl <name>" and parses the
 * rest with kbm_cmd_parse(), which uses @argp and then checks @needs.
 */
struct kbm_cmd {
	const char *name;
	const char *summary;
	const struct argp *argp;
	int (*run)(int argc, char **argv);
	unsigned int needs;	/* enum kbm_needs */
};

/*
 * The argp child that carries the global options (-j, -p, -q, -d and the
 * hidden --list-opts); every command's parser lists it among its children.
 */
extern const struct argp kbm_common_argp;

/*
 * argp_parse() wrapper: in JSON mode an argp error message (unknown option,
 * our own argp_error()) is turned into {"error": "..."} on stdout so stdout
 * stays valid JSON; exits KBM_EXIT_USAGE on errors, 0 after --help.
 */
void kbm_argp_parse(const struct argp *argp, int argc, char **argv,
		    unsigned int flags, int *arg_index, void *input);

/*
 * Parse the running command's options with its own argp, then check what
 * it needs (enum kbm_needs). Exits on a usage error or an unmet need, with
 * the message and the exit status for it; returns only when the command
 * may go on. Options that only list or print (--list-*, --help) exit from
 * inside the parser, before the checks.
 */
void kbm_cmd_parse(int argc, char **argv, unsigned int flags, int *arg_index,
		   void *input);

/*
 * For an option that needs BPF (the command's needs do not say so): 0, or
 * print "@what: BPF needs root ..." and return KBM_EXIT_ACCESS.
 */
int kbm_check_bpf(const char *what);

/* Report a failed kbm_dev_open() of @path; returns the exit status. */
int kbm_dev_fail(const char *path, int err);

/* The commands, one descriptor per folder (cli/cmd/, cli/verify/, ...). */
extern const struct kbm_cmd kbm_cmd_version;
extern const struct kbm_cmd kbm_cmd_matrix;
extern const struct kbm_cmd kbm_cmd_verify;
extern const struct kbm_cmd kbm_cmd_phys;
extern const struct kbm_cmd kbm_cmd_map;
extern const struct kbm_cmd kbm_cmd_bench;
extern const struct kbm_cmd kbm_cmd_fault_trace;	/* KBUFMAP_HAVE_FAULT_TRACE */

#endif /* KBUFMAPCTL_H */
