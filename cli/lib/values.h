/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The fixed values of a command's options, for its hidden
 * `--list-values OPTION`: the completions ask the tool for them instead of
 * writing them down. Each command keeps its table beside its parser.
 */
#ifndef KBM_VALUES_H
#define KBM_VALUES_H

struct kbm_values {
	int key;				/* the short option, or 0 */
	const char *name;			/* the long option, without "--" */
	const char *const *words;		/* NULL-terminated; or NULL and: */
	const char *(*value)(unsigned int i);	/* the i-th value, NULL after the last */
};

/*
 * Print the values of @option ("--touch", "-m") from @table, ended by a
 * row with no name, one a line. 0, or -ENOENT: no such option, or it takes
 * no fixed values.
 */
int kbm_print_values(const struct kbm_values *table, const char *option);

#endif /* KBM_VALUES_H */
