// SPDX-License-Identifier: GPL-2.0
/* parse_u64(): what it accepts, what it refuses, and what the message says. */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "parse.h"
#include "../lib/tap.h"

static struct kbm_err e;
static const char *const msg = e.msg;

/* Accepted: @arg in [@min, @max] parses to @want. */
static void accepts(const char *arg, uint64_t min, uint64_t max, uint64_t want)
{
	uint64_t v = ~want;
	int ret = parse_u64("--n", arg, min, max, &v, &e);

	if (tap_ok(ret == 0, "'%s' accepted in %llu..%llu", arg,
		   (unsigned long long)min, (unsigned long long)max))
		tap_is_u64(v, want, "'%s' is %llu", arg, (unsigned long long)want);
	else
		tap_diag("message: %s", msg);
}

/* Refused with a message that contains @why and the allowed range. */
static void refuses(const char *arg, uint64_t min, uint64_t max, const char *why)
{
	uint64_t v = 12345;
	char range[64];
	int ret;

	e.msg[0] = '\0';
	ret = parse_u64("--n", arg, min, max, &v, &e);
	snprintf(range, sizeof(range), "allowed %llu..%llu",
		 (unsigned long long)min, (unsigned long long)max);
	tap_ok((ret == -EINVAL || ret == -ERANGE) && v == 12345, "'%s' refused, output untouched", arg);
	if (!tap_ok(strstr(msg, why) && strstr(msg, range) && !strncmp(msg, "--n: ", 5),
		    "'%s': the message names the option, says '%s' and the range",
		    arg, why))
		tap_diag("message: %s", msg);
}

int main(void)
{
	accepts("0", 0, 10, 0);
	accepts("10", 0, 10, 10);			/* bounds are inclusive */
	accepts("1", 1, 1, 1);
	accepts("0x10", 0, 100, 16);
	accepts("0X1f", 0, 100, 31);
	accepts("007", 0, 10, 7);			/* decimal, not octal */
	accepts("18446744073709551615", 0, UINT64_MAX, UINT64_MAX);
	accepts("0xffffffffffffffff", 0, UINT64_MAX, UINT64_MAX);

	refuses("", 1, 10, "empty value");
	refuses("-1", 1, 10, "negative");
	refuses("-0", 0, 10, "negative");
	refuses("+1", 1, 10, "not a number");
	refuses(" 1", 1, 10, "not a number");
	refuses("\t1", 1, 10, "not a number");
	refuses("1 ", 1, 10, "junk ' '");
	refuses("1x", 1, 10, "junk 'x'");
	refuses("1.5", 1, 10, "junk '.5'");
	refuses("abc", 1, 10, "not a number");
	refuses("0x", 1, 10, "not a number");
	refuses("0xg", 1, 10, "not a number");
	refuses("0x-1", 1, 10, "not a number");
	refuses("0", 1, 10, "out of range");
	refuses("11", 1, 10, "out of range");
	refuses("0x0b", 1, 10, "out of range");
	refuses("18446744073709551616", 0, UINT64_MAX, "out of range");
	refuses("99999999999999999999999", 0, UINT64_MAX, "out of range");
	refuses("0x10000000000000000", 0, UINT64_MAX, "out of range");
	return tap_done();
}
