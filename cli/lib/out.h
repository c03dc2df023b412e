/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Output: iproute2-style "one print call per field" for text and JSON, a
 * small JSON writer (proper string escaping, optional pretty printing), and
 * error reporting that keeps stdout valid JSON in JSON mode.
 *
 *   print_uint(PRINT_ANY, "pages", "pages %llu\n", n);
 *
 * prints "pages 4\n" in text mode and "pages": 4 in JSON mode, so the two
 * outputs cannot drift apart. PRINT_FP prints in text mode only, PRINT_JSON
 * in JSON mode only. In JSON mode the key is ignored inside arrays.
 */
#ifndef KBM_OUT_H
#define KBM_OUT_H

#include <stdbool.h>
#include <stdio.h>

enum print_type {
	PRINT_FP = 1,
	PRINT_JSON = 2,
	PRINT_ANY = PRINT_FP | PRINT_JSON,
};

void out_set_json(bool json, bool pretty);
bool out_is_json(void);

/* JSON structure; these print nothing in text mode. */
void open_json_object(const char *key);
void close_json_object(void);
void open_json_array(const char *key);
void close_json_array(void);
/* Open containers; 0 when no JSON document is being written. */
int json_depth(void);

void print_string(enum print_type t, const char *key, const char *fmt,
		  const char *value);
void print_uint(enum print_type t, const char *key, const char *fmt,
		unsigned long long value);
void print_int(enum print_type t, const char *key, const char *fmt,
	       long long value);
void print_bool(enum print_type t, const char *key, const char *fmt,
		bool value);
/* Text mode only, free form. */
void print_text(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Write @s as a JSON string (with quotes) to @f; invalid UTF-8 -> U+FFFD. */
void json_write_string(FILE *f, const char *s);

/*
 * An error for the user. Text mode: "kbufmapctl: <msg>" on stderr. JSON
 * mode: {"error": "<msg>"} on stdout (or on stderr when a JSON document
 * is already open, so the document stays well formed).
 */
void kbm_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/*
 * The one way a command reports a failure with errno @err (positive or
 * negative): the message as kbm_err() prints it, plus "errno": "ENAME" in
 * JSON. Returns the exit status for @err (kbm_exit_for_errno()). The
 * message should say what failed and why, e.g. "%s: %s", what, strerror().
 */
int kbm_fail(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A warning: always stderr. */
void kbm_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Flush stdout and check it: a failed write (full disk, closed pipe) turns
 * a successful @code into KBM_EXIT_RUNTIME with a message on stderr.
 */
int kbm_finish(int code);
/* Has kbm_finish() run? */
bool kbm_finished(void);

#endif /* KBM_OUT_H */
