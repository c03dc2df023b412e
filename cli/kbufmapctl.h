/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kbufmapctl: what every part of the tool shares: exit codes, the global
 * options, the command table type and the argp helpers.
 */
#ifndef KBUFMAPCTL_H
#define KBUFMAPCTL_H

#include <argp.h>
#include <stdbool.h>

#ifndef KBUFMAP_VERSION
#define KBUFMAP_VERSION "0.1.0"
#endif

#define KBM_PROG "kbufmapctl"

/* Exit status of the whole tool (documented in `kbufmapctl --help`). */
enum kbm_exit {
	KBM_EXIT_OK = 0,	/* every check passed */
	KBM_EXIT_FAIL = 1,	/* a check failed */
	KBM_EXIT_USAGE = 2,	/* bad option/value, unknown command */
	KBM_EXIT_NODEV = 3,	/* device missing: module not loaded */
	KBM_EXIT_SKIPPED = 4,	/* every check skipped: nothing ran */
	KBM_EXIT_ACCESS = 5,	/* access denied */
	KBM_EXIT_RUNTIME = 6,	/* any other runtime error */
};

/* Options every command accepts (see common_argp in main.c). */
struct kbm_global {
	bool json;
	bool pretty;
	bool quiet;
	const char *device;
};
extern struct kbm_global g_opt;

/* One line of a command table: later commands are one more line. */
struct kbm_cmd {
	const char *name;
	int (*handler)(int argc, char **argv);	/* argv[0] = "kbufmapctl <name>" */
	const char *doc;
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

/* Commands. */
int cmd_version(int argc, char **argv);
int cmd_matrix(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_fault_trace(int argc, char **argv);	/* KBUFMAP_HAVE_FAULT_TRACE */

#endif /* KBUFMAPCTL_H */
