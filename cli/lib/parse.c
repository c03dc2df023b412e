// SPDX-License-Identifier: GPL-2.0
#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* asprintf, strerrorname_np; CMake defines it too */
#endif
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"

int parse_u64(const char *what, const char *arg, uint64_t min, uint64_t max,
	      uint64_t *out, char *msg, size_t msglen)
{
	const char *p = arg;
	unsigned long long v;
	char *end;
	int base = 10;

	if (*p == '\0') {
		snprintf(msg, msglen, "%s: empty value: allowed %llu..%llu",
			 what, (unsigned long long)min, (unsigned long long)max);
		return -1;
	}
	if (*p == '-') {
		snprintf(msg, msglen,
			 "%s: '%s' is out of range (negative): allowed %llu..%llu",
			 what, arg, (unsigned long long)min,
			 (unsigned long long)max);
		return -1;
	}
	/* strtoull would skip blanks and take a sign: the caller did not. */
	if (!isdigit((unsigned char)*p)) {
		snprintf(msg, msglen,
			 "%s: '%s' is not a number: allowed %llu..%llu",
			 what, arg, (unsigned long long)min,
			 (unsigned long long)max);
		return -1;
	}
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
		if (!isxdigit((unsigned char)*p)) {
			snprintf(msg, msglen,
				 "%s: '%s' is not a number: allowed %llu..%llu",
				 what, arg, (unsigned long long)min,
				 (unsigned long long)max);
			return -1;
		}
	}
	errno = 0;
	v = strtoull(p, &end, base);
	if (*end != '\0') {
		snprintf(msg, msglen,
			 "%s: '%s' is not a number (junk '%s' after the digits): allowed %llu..%llu",
			 what, arg, end, (unsigned long long)min,
			 (unsigned long long)max);
		return -1;
	}
	if (errno == ERANGE || v < min || v > max) {
		snprintf(msg, msglen,
			 "%s: '%s' is out of range: allowed %llu..%llu",
			 what, arg, (unsigned long long)min,
			 (unsigned long long)max);
		return -1;
	}
	*out = v;
	return 0;
}
