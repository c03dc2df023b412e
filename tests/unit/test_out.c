// SPDX-License-Identifier: GPL-2.0
/*
 * The output layer: JSON string escaping (RFC 8259; invalid UTF-8 becomes
 * U+FFFD, valid multibyte text is kept) and every print_* in text and in
 * JSON mode, read back from a captured stdout.
 */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "out.h"
#include "capture.h"
#include "../lib/tap.h"

/* @in written by json_write_string() must be exactly @want. */
static void escapes(const char *desc, const char *in, const char *want)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		abort();
	json_write_string(f, in);
	fclose(f);
	if (!tap_ok(strcmp(buf, want) == 0, "escape: %s", desc))
		tap_diag("got %s, want %s", buf, want);
	free(buf);
}

static void escaping(void)
{
	escapes("plain ASCII", "abc", "\"abc\"");
	escapes("empty", "", "\"\"");
	escapes("quote and backslash", "a\"b\\c", "\"a\\\"b\\\\c\"");
	escapes("short escapes", "\n\r\t\b\f", "\"\\n\\r\\t\\b\\f\"");
	escapes("other control characters as \\u00XX", "\x01\x1f", "\"\\u0001\\u001f\"");
	escapes("DEL is not a control character in JSON", "\x7f", "\"\x7f\"");
	escapes("2-byte UTF-8 kept", "caf\xc3\xa9", "\"caf\xc3\xa9\"");
	escapes("3-byte UTF-8 kept", "\xe2\x82\xac", "\"\xe2\x82\xac\"");
	escapes("4-byte UTF-8 kept", "\xf0\x9f\x98\x80", "\"\xf0\x9f\x98\x80\"");
	escapes("stray continuation byte", "a\x80z", "\"a\\ufffdz\"");
	escapes("truncated sequence", "\xc3", "\"\\ufffd\"");
	escapes("overlong encoding of '/'", "\xc0\xaf", "\"\\ufffd\\ufffd\"");
	escapes("overlong 3-byte", "\xe0\x80\xaf", "\"\\ufffd\\ufffd\\ufffd\"");
	escapes("UTF-16 surrogate", "\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\"");
	escapes("beyond U+10FFFF", "\xf4\x90\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");
	escapes("byte 0xff", "\xff", "\"\\ufffd\"");
}

/* One object holding one of each printer, in the mode set before. */
static void print_all(void *arg)
{
	(void)arg;
	open_json_object(NULL);
	print_string(PRINT_ANY, "s", "s=%s ", "a\"b");
	print_string(PRINT_ANY, "snull", "snull=[%s] ", NULL);
	print_uint(PRINT_ANY, "u", "u=%llu ", 18446744073709551615ULL);
	print_int(PRINT_ANY, "i", "i=%lld ", -9223372036854775807LL - 1);
	print_u64(PRINT_ANY, "u64", "u64=%" PRIu64 " ", UINT64_MAX);
	print_s64(PRINT_ANY, "s64", "s64=%" PRId64 " ", INT64_MIN);
	print_bool(PRINT_ANY, "t", "t=%s ", true);
	print_bool(PRINT_ANY, "f", "f=%s ", false);
	print_float(PRINT_ANY, "x", "x=%.2f ", 0.1);
	print_float(PRINT_ANY, "big", "big=%g ", 1e300);
	print_float(PRINT_ANY, "nan", "nan=%f ", NAN);
	print_float(PRINT_ANY, "inf", "inf=%f ", -INFINITY);
	print_hex(PRINT_ANY, "h", "h=%s ", 0x1f);
	print_null(PRINT_ANY, "n", "n=%s ", "-");
	print_uint(PRINT_FP, "textonly", "fp ", 1);
	print_uint(PRINT_JSON, "jsononly", "json ", 2);
	open_json_array("a");
	print_uint(PRINT_ANY, "ignored", "", 1);
	print_string(PRINT_ANY, NULL, "", "x");
	close_json_array();
	print_text("end\n");
	close_json_object();
}

static void print_pretty(void *arg)
{
	(void)arg;
	open_json_object(NULL);
	print_string(PRINT_ANY, "s", "", "x");
	open_json_array("a");
	print_uint(PRINT_ANY, NULL, "", 1);
	close_json_array();
	open_json_object("e");
	close_json_object();
	close_json_object();
}

static void print_one_float(void *arg)
{
	print_float(PRINT_ANY, NULL, "%g", *(double *)arg);
}

/* A double in JSON: the shortest text that reads back as the same value. */
static void float_json(double v, const char *want)
{
	char *got;

	got = capture_stdout(print_one_float, &v);
	if (!tap_ok(strcmp(got, want) == 0, "print_float JSON: %s", want))
		tap_diag("got %s", got);
	if (isfinite(v))
		tap_ok(strtod(got, NULL) == v, "print_float JSON: %s reads back exactly", want);
	free(got);
}

static void floats(void)
{
	out_set_json(true, false);
	float_json(0.0, "0");
	float_json(-0.5, "-0.5");
	float_json(100.0, "100");
	float_json(1.0 / 3.0, "0.33333333333333331");
	float_json(5e-324, "4.94065645841247e-324");	/* 15 digits suffice */
	float_json(NAN, "null");
	float_json(INFINITY, "null");
	out_set_json(false, false);
}

static void printers(void)
{
	const char *text_want =
		"s=a\"b snull=[] u=18446744073709551615 i=-9223372036854775808 "
		"u64=18446744073709551615 s64=-9223372036854775808 t=yes f=no "
		"x=0.10 big=1e+300 nan=nan inf=-inf h=0x1f n=- fp end\n";
	const char *json_want =
		"{\"s\":\"a\\\"b\",\"snull\":null,\"u\":18446744073709551615,"
		"\"i\":-9223372036854775808,\"u64\":18446744073709551615,"
		"\"s64\":-9223372036854775808,\"t\":true,\"f\":false,\"x\":0.1,"
		"\"big\":1e+300,\"nan\":null,\"inf\":null,\"h\":\"0x1f\",\"n\":null,"
		"\"jsononly\":2,\"a\":[1,\"x\"]}\n";
	const char *pretty_want =
		"{\n  \"s\": \"x\",\n  \"a\": [\n    1\n  ],\n  \"e\": {}\n}\n";
	char *got;

	out_set_json(false, false);
	got = capture_stdout(print_all, NULL);
	if (!tap_ok(strcmp(got, text_want) == 0, "print_*: text mode, each with its format"))
		tap_diag("got:  %s# want: %s", got, text_want);
	free(got);

	out_set_json(true, false);
	got = capture_stdout(print_all, NULL);
	if (!tap_ok(strcmp(got, json_want) == 0,
		    "print_*: JSON mode, one compact line; NaN and Inf are null"))
		tap_diag("got:  %s# want: %s", got, json_want);
	tap_is_u64(json_depth(), 0, "JSON: every container closed");
	free(got);

	out_set_json(true, true);
	got = capture_stdout(print_pretty, NULL);
	if (!tap_ok(strcmp(got, pretty_want) == 0, "--pretty: indented by two"))
		tap_diag("got:  %s# want: %s", got, pretty_want);
	free(got);
	out_set_json(false, false);
}

int main(void)
{
	escaping();
	printers();
	floats();
	return tap_done();
}
