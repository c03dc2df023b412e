// SPDX-License-Identifier: GPL-2.0
#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* asprintf, strerrorname_np; CMake defines it too */
#endif
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "names.h"
#include "out.h"
#include "prog.h"
#include "status.h"

/* The text formats come from the callers, one per field, by design. */
#pragma GCC diagnostic ignored "-Wformat-nonliteral"

#define JSON_MAX_DEPTH 32

static struct {
	bool json;
	bool pretty;
	int depth;
	bool first[JSON_MAX_DEPTH];	/* nothing written yet at this level */
	bool is_array[JSON_MAX_DEPTH];
	FILE *text;			/* text mode's stream; NULL: stdout */
} out;

void out_set_text_stream(FILE *f)
{
	out.text = f;
}

static FILE *text_fp(void)
{
	return out.text ? out.text : stdout;
}

void out_set_json(bool json, bool pretty)
{
	out.json = json || pretty;
	out.pretty = pretty;
}

bool out_is_json(void)
{
	return out.json;
}

int json_depth(void)
{
	return out.depth;
}

static void json_indent(void)
{
	if (!out.pretty)
		return;
	putchar('\n');
	for (int i = 0; i < out.depth; i++)
		fputs("  ", stdout);
}

/* Separator, indentation and "key": before a value at the current level. */
static void json_begin_value(const char *key)
{
	if (out.depth > 0) {
		if (!out.first[out.depth - 1])
			putchar(',');
		out.first[out.depth - 1] = false;
		json_indent();
		if (!out.is_array[out.depth - 1]) {
			json_write_string(stdout, key ? key : "");
			fputs(out.pretty ? ": " : ":", stdout);
		}
	}
}

static void json_open(const char *key, bool array)
{
	json_begin_value(key);
	putchar(array ? '[' : '{');
	if (out.depth >= JSON_MAX_DEPTH)
		abort();	/* a programming error, not a user error */
	out.first[out.depth] = true;
	out.is_array[out.depth] = array;
	out.depth++;
}

static void json_close(bool array)
{
	if (out.depth == 0 || out.is_array[out.depth - 1] != array)
		abort();	/* unbalanced: a programming error */
	out.depth--;
	if (!out.first[out.depth])
		json_indent();
	putchar(array ? ']' : '}');
	if (out.depth == 0)
		putchar('\n');
}

void open_json_object(const char *key)
{
	if (out.json)
		json_open(key, false);
}

void close_json_object(void)
{
	if (out.json)
		json_close(false);
}

void open_json_array(const char *key)
{
	if (out.json)
		json_open(key, true);
}

void close_json_array(void)
{
	if (out.json)
		json_close(true);
}

/* Length of a valid UTF-8 sequence at @s, 0 if invalid. */
static size_t utf8_len(const unsigned char *s)
{
	size_t n;
	uint32_t cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2;
		cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

void json_write_string(FILE *f, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;

	fputc('"', f);
	while (*s) {
		size_t n;

		switch (*s) {
		case '"':  fputs("\\\"", f); s++; continue;
		case '\\': fputs("\\\\", f); s++; continue;
		case '\n': fputs("\\n", f); s++; continue;
		case '\r': fputs("\\r", f); s++; continue;
		case '\t': fputs("\\t", f); s++; continue;
		case '\b': fputs("\\b", f); s++; continue;
		case '\f': fputs("\\f", f); s++; continue;
		default:
			break;
		}
		if (*s < 0x20) {
			fprintf(f, "\\u%04x", *s);
			s++;
			continue;
		}
		n = utf8_len(s);
		if (n == 0) {
			fputs("\\ufffd", f);
			s++;
			continue;
		}
		fwrite(s, 1, n, f);
		s += n;
	}
	fputc('"', f);
}

/*
 * One JSON writer and one text writer per printer type; KBM_PRINT_TYPES
 * (out.h) generates the print_NAME() functions from them.
 */
static void json_put_string(const char *v)
{
	if (v)
		json_write_string(stdout, v);
	else
		fputs("null", stdout);
}

static void text_put_string(const char *fmt, const char *v)
{
	fprintf(text_fp(), fmt, v ? v : "");
}

static void json_put_uint(unsigned long long v) { printf("%llu", v); }
static void text_put_uint(const char *fmt, unsigned long long v) { fprintf(text_fp(), fmt, v); }
static void json_put_int(long long v) { printf("%lld", v); }
static void text_put_int(const char *fmt, long long v) { fprintf(text_fp(), fmt, v); }
static void json_put_u64(uint64_t v) { printf("%" PRIu64, v); }
static void text_put_u64(const char *fmt, uint64_t v) { fprintf(text_fp(), fmt, v); }
static void json_put_s64(int64_t v) { printf("%" PRId64, v); }
static void text_put_s64(const char *fmt, int64_t v) { fprintf(text_fp(), fmt, v); }
static void json_put_bool(bool v) { fputs(v ? "true" : "false", stdout); }
static void text_put_bool(const char *fmt, bool v) { fprintf(text_fp(), fmt, v ? "yes" : "no"); }
/* Addresses and frame numbers: "0x..." strings, as in the text (and exact
 * past 2^53, where a JSON number read as a double is not). */
static void json_put_hex(uint64_t v) { printf("\"0x%" PRIx64 "\"", v); }
static void json_put_null(const char *v) { (void)v; fputs("null", stdout); }
static void text_put_null(const char *fmt, const char *v) { fprintf(text_fp(), fmt, v ? v : ""); }
static void text_put_float(const char *fmt, double v) { fprintf(text_fp(), fmt, v); }

static void text_put_hex(const char *fmt, uint64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "0x%" PRIx64, v);
	fprintf(text_fp(), fmt, buf);
}

/* JSON has no NaN or infinity: null. Shortest of %.15g/%.17g that reads
 * back as the same double, so 0.1 stays "0.1". */
static void json_put_float(double v)
{
	char buf[32];

	if (!isfinite(v)) {
		fputs("null", stdout);
		return;
	}
	snprintf(buf, sizeof(buf), "%.15g", v);
	if (strtod(buf, NULL) != v)
		snprintf(buf, sizeof(buf), "%.17g", v);
	fputs(buf, stdout);
}

#define KBM_PRINT_DEFINE(name, type)					\
	void print_##name(enum print_type t, const char *key,		\
			  const char *fmt, type value)			\
	{								\
		if (out.json) {						\
			if (!(t & PRINT_JSON))				\
				return;					\
			json_begin_value(key);				\
			json_put_##name(value);				\
		} else if ((t & PRINT_FP) && fmt) {			\
			text_put_##name(fmt, value);			\
		}							\
	}
KBM_PRINT_TYPES(KBM_PRINT_DEFINE)
#undef KBM_PRINT_DEFINE

void print_text(const char *fmt, ...)
{
	va_list ap;

	if (out.json)
		return;
	va_start(ap, fmt);
	vfprintf(text_fp(), fmt, ap);
	va_end(ap);
}

/* Print @msg as the user's error; @err (> 0) adds "errno" in JSON. */
static void report_error(const char *msg, int err)
{
	if (!msg)
		msg = "out of memory";
	if (out.json && out.depth == 0) {
		fputs(out.pretty ? "{\n  \"error\": " : "{\"error\":", stdout);
		json_write_string(stdout, msg);
		if (err > 0) {
			fputs(out.pretty ? ",\n  \"errno\": " : ",\"errno\":", stdout);
			json_write_string(stdout, errno_name(err));
		}
		fputs(out.pretty ? "\n}\n" : "}\n", stdout);
	} else {
		fprintf(stderr, KBM_PROG ": %s\n", msg);
	}
}

void kbm_err(const char *fmt, ...)
{
	char *msg = NULL;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	report_error(msg, 0);
	free(msg);
}

int kbm_fail(int err, const char *fmt, ...)
{
	char *msg = NULL;
	va_list ap;

	if (err < 0)
		err = -err;
	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	report_error(msg, err);
	free(msg);
	return kbm_exit_for_errno(err);
}

int kbm_fail_err(const struct kbm_err *e)
{
	report_error(e->msg, e->err);
	return kbm_exit_for_err(e);
}

void kbm_warn(const char *fmt, ...)
{
	va_list ap;

	fputs(KBM_PROG ": warning: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static bool finished;

bool kbm_finished(void)
{
	return finished;
}

int kbm_finish(int code)
{
	int err = 0;

	finished = true;
	if (fflush(stdout) != 0)
		err = errno;
	else if (ferror(stdout))
		err = EIO;
	if (err) {
		fprintf(stderr, KBM_PROG ": error writing standard output: %s\n",
			strerror(err));
		return code == KBM_EXIT_OK || code == KBM_EXIT_SKIPPED ?
			KBM_EXIT_RUNTIME : code;
	}
	return code;
}
