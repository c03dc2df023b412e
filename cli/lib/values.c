// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "bufopt.h"
#include "values.h"

static bool names_row(const struct kbm_values *v, const char *option)
{
	if (!strncmp(option, "--", 2))
		return !strcmp(option + 2, v->name);
	return option[0] == '-' && v->key && option[1] == v->key && !option[2];
}

static int print_from(const struct kbm_values *table, const char *option)
{
	for (const struct kbm_values *v = table; v->name; v++) {
		const char *word;

		if (!names_row(v, option))
			continue;
		for (unsigned int i = 0; (word = v->words ? v->words[i] : v->value(i)); i++)
			printf("%s\n", word);
		return 0;
	}
	return -ENOENT;
}

int kbm_print_values(const struct kbm_values *table, const char *option)
{
	if (!print_from(table, option))
		return 0;
	return print_from(kbm_bufopt_values, option);
}
