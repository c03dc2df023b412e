// SPDX-License-Identifier: GPL-2.0
#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* asprintf, strerrorname_np; CMake defines it too */
#endif
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kbufmapctl.h"
#include "names.h"
#include "out.h"

/* The text formats come from the callers, one per field, by design. */
#pragma GCC diagnostic ignored "-Wformat-nonliteral"

#define JSON_MAX_DEPTH 32

static struct {
	bool json;
	bool pretty;
	int depth;
	bool first[JSON_MAX_DEPTH];	/* nothing written yet at this level */
	bool is_array[JSON_MAX_DEPTH];
} out;

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

void print_string(enum print_type t, const char *key, const char *fmt,
		  const char *value)
{
	if (out.json) {
		if (!(t & PRINT_JSON))
			return;
		json_begin_value(key);
		if (value)
			json_write_string(stdout, value);
		else
			fputs("null", stdout);
	} else if (t & PRINT_FP) {
		printf(fmt, value ? value : "");
	}
}

void print_uint(enum print_type t, const char *key, const char *fmt,
		unsigned long long value)
{
	if (out.json) {
		if (!(t & PRINT_JSON))
			return;
		json_begin_value(key);
		printf("%llu", value);
	} else if (t & PRINT_FP) {
		printf(fmt, value);
	}
}

void print_int(enum print_type t, const char *key, const char *fmt,
	       long long value)
{
	if (out.json) {
		if (!(t & PRINT_JSON))
			return;
		json_begin_value(key);
		printf("%lld", value);
	} else if (t & PRINT_FP) {
		printf(fmt, value);
	}
}

void print_bool(enum print_type t, const char *key, const char *fmt,
		bool value)
{
	if (out.json) {
		if (!(t & PRINT_JSON))
			return;
		json_begin_value(key);
		fputs(value ? "true" : "false", stdout);
	} else if (t & PRINT_FP) {
		printf(fmt, value ? "yes" : "no");
	}
}

void print_text(const char *fmt, ...)
{
	va_list ap;

	if (out.json)
		return;
	va_start(ap, fmt);
	vprintf(fmt, ap);
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

int kbm_exit_for_errno(int err)
{
	switch (err < 0 ? -err : err) {
	case EPERM:
	case EACCES:
		return KBM_EXIT_ACCESS;
	case ENOENT:
	case ENXIO:
	case ENODEV:
		return KBM_EXIT_NODEV;
	default:
		return KBM_EXIT_RUNTIME;
	}
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
