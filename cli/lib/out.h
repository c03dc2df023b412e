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
 *
 * One JSON document per run, except for streams (fault-trace --interval
 * prints one document per interval): a stream is NDJSON, one compact
 * document per line (each ends with the newline that closes its top-level
 * container), which `jq -c`, Python's json per line and log tools read.
 * --pretty indents each document over several lines: still one after the
 * other, but no longer NDJSON; use it for people, not for pipes.
 */
#ifndef KBM_OUT_H
#define KBM_OUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "err.h"

enum print_type {
	PRINT_FP = 1,
	PRINT_JSON = 2,
	PRINT_ANY = PRINT_FP | PRINT_JSON,
};

void out_set_json(bool json, bool pretty);
bool out_is_json(void);
/*
 * Where text mode's print_*() and print_text() write (NULL: stdout): a
 * command whose stdout is a data stream (CSV) sends its notes to stderr.
 */
void out_set_text_stream(FILE *f);

/* JSON structure; these print nothing in text mode. */
void open_json_object(const char *key);
void close_json_object(void);
void open_json_array(const char *key);
void close_json_array(void);
/* Open containers; 0 when no JSON document is being written. */
int json_depth(void);

/*
 * The typed printers, all generated from one list (iproute2's _PRINT_FUNC):
 *
 *   void print_NAME(enum print_type t, const char *key, const char *fmt, TYPE v);
 *
 * JSON mode writes "key": v (the key is ignored inside arrays); text mode
 * printf()s @fmt with the argument given below. @fmt is not used in JSON.
 *
 *   NAME    TYPE                JSON             text: @fmt gets
 *   string  const char *        "escaped" / null v ("" for NULL)
 *   uint    unsigned long long  number           v (%llu)
 *   int     long long           number           v (%lld)
 *   u64     uint64_t            number           v (PRIu64)
 *   s64     int64_t             number           v (PRId64)
 *   bool    bool                true / false     "yes" / "no" (%s)
 *   float   double              number; NaN and  v (%f, %g, %.1f...)
 *                               +-Inf as null
 *   hex     uint64_t            "0x1f"           "0x1f" (%s): for addresses
 *                                                and frame numbers
 *   null    const char *        null             v (%s, e.g. "-")
 */
#define KBM_PRINT_TYPES(X)			\
	X(string, const char *)			\
	X(uint, unsigned long long)		\
	X(int, long long)			\
	X(u64, uint64_t)			\
	X(s64, int64_t)				\
	X(bool, bool)				\
	X(float, double)			\
	X(hex, uint64_t)			\
	X(null, const char *)

#define KBM_PRINT_DECLARE(name, type)					\
	void print_##name(enum print_type t, const char *key,		\
			  const char *fmt, type value);
KBM_PRINT_TYPES(KBM_PRINT_DECLARE)
#undef KBM_PRINT_DECLARE

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
/* kbm_fail() for a helper's struct kbm_err (err.h): its message and status. */
int kbm_fail_err(const struct kbm_err *e);

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
