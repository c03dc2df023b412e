// SPDX-License-Identifier: GPL-2.0
#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* asprintf, strerrorname_np; CMake defines it too */
#endif
#include <ctype.h>
#include <stdbool.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "parse.h"

/* A refusal of @what's value: a usage error, with the range allowed. */
#define refuse(e, err, what, min, max, fmt, ...)			\
	kbm_err_set((e), KBM_ERR_INPUT, (err), "%s: " fmt ": allowed %llu..%llu", \
		    (what), ##__VA_ARGS__, (unsigned long long)(min),	\
		    (unsigned long long)(max))

int parse_u64(const char *what, const char *arg, uint64_t min, uint64_t max,
	      uint64_t *out, struct kbm_err *e)
{
	const char *p = arg;
	unsigned long long v;
	char *end;
	int base = 10;

	if (*p == '\0')
		return refuse(e, EINVAL, what, min, max, "empty value");
	if (*p == '-')
		return refuse(e, ERANGE, what, min, max,
			      "'%s' is out of range (negative)", arg);
	/* strtoull would skip blanks and take a sign: the caller did not. */
	if (!isdigit((unsigned char)*p))
		return refuse(e, EINVAL, what, min, max, "'%s' is not a number", arg);
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
		if (!isxdigit((unsigned char)*p))
			return refuse(e, EINVAL, what, min, max, "'%s' is not a number", arg);
	}
	errno = 0;
	v = strtoull(p, &end, base);
	if (*end != '\0')
		return refuse(e, EINVAL, what, min, max,
			      "'%s' is not a number (junk '%s' after the digits)", arg, end);
	if (errno == ERANGE || v < min || v > max)
		return refuse(e, ERANGE, what, min, max, "'%s' is out of range", arg);
	*out = v;
	return 0;
}

/* The unit of a size suffix, in bytes; 0 if unknown. */
static uint64_t size_unit(const char *suffix, uint64_t ps)
{
	static const struct { const char *name; uint64_t shift; } units[] = {
		{ "", 0 }, { "K", 10 }, { "KiB", 10 }, { "M", 20 }, { "MiB", 20 },
		{ "G", 30 }, { "GiB", 30 },
	};

	if (!strcmp(suffix, "p") || !strcmp(suffix, "pages"))
		return ps;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (!strcmp(suffix, units[i].name))
			return 1ULL << units[i].shift;
	return 0;
}

int parse_size(const char *what, const char *arg, uint64_t ps, uint64_t min,
	       uint64_t max, uint64_t *bytes, struct kbm_err *e)
{
	bool hex = arg[0] == '0' && (arg[1] == 'x' || arg[1] == 'X');
	size_t n = hex ? 2 + strspn(arg + 2, "0123456789abcdefABCDEF") :
			 strspn(arg, "0123456789");
	char num[32];
	uint64_t v, unit = size_unit(arg + n, ps);
	int err;

	if (n >= sizeof(num) || !unit)
		return kbm_err_set(e, KBM_ERR_INPUT, EINVAL,
				   "%s: '%s' is not a size: allowed N bytes, NK, NM, NG "
				   "(KiB, MiB, GiB) or Np (pages of %llu bytes), %llu..%llu bytes",
				   what, arg, (unsigned long long)ps, (unsigned long long)min,
				   (unsigned long long)max);
	memcpy(num, arg, n);
	num[n] = '\0';
	err = parse_u64(what, num, 0, max / unit, &v, e);
	if (err)
		return err;
	if (v * unit < min)
		return kbm_err_set(e, KBM_ERR_INPUT, ERANGE,
				   "%s: '%s' is out of range: allowed %llu..%llu bytes", what,
				   arg, (unsigned long long)min, (unsigned long long)max);
	*bytes = v * unit;
	return 0;
}

int parse_name_set(const char *what, char *arg, bool *set, size_t count,
		   int (*lookup)(const char *), const char *allowed,
		   char *msg, size_t msglen)
{
	char *save = NULL;

	memset(set, 0, count * sizeof(*set));
	for (char *t = strtok_r(arg, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		int v = strcmp(t, "all") ? lookup(t) : -2;

		if (!strcmp(t, "none")) {
			continue;	/* nothing of this kind (bench --target alone) */
		} else if (v == -2) {
			for (size_t i = 0; i < count; i++)
				set[i] = true;
		} else if (v < 0 || (size_t)v >= count) {
			snprintf(msg, msglen, "%s: unknown name '%s': allowed all, %s, none",
				 what, t, allowed);
			return -EINVAL;
		} else {
			set[v] = true;
		}
	}
	return 0;
}
