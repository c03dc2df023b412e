/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small, strict JSON reader (RFC 8259): the whole text into a tree, so
 * that what is read does not depend on key order or layout. Strict: one
 * value with white space around it and nothing else; strings valid UTF-8
 * without raw control characters; no NaN, no comments, no trailing
 * commas; no duplicate key in an object (which of two "median"s would be
 * meant?); at most JSON_MAX_DEPTH nested arrays and objects. Linear in the
 * text's length but for sorting each object's keys (n log n) to find a
 * duplicate. The tree is read-only for callers: use the lookups.
 */
#ifndef KBM_JSON_READ_H
#define KBM_JSON_READ_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"

#define JSON_MAX_DEPTH 64

enum json_type { JSON_NULL, JSON_BOOL, JSON_NUMBER, JSON_STRING, JSON_ARRAY, JSON_OBJECT };

/* NUL-terminated; len counts the bytes, a "\u0000" inside included. */
struct json_string {
	char *chars;
	size_t len;
};

struct json_member;

struct json_value {
	enum json_type type;
	union {
		bool boolean;
		double number;
		struct json_string string;
		struct { struct json_value *items; size_t len, cap; } array;
		struct { struct json_member *members; size_t len, cap; } object;
	};
};

/* One "key": value of an object, in the order of the text. */
struct json_member {
	struct json_string key;
	size_t at;		/* the byte offset of the key in the text */
	struct json_value value;
};

/*
 * Parse @len bytes of @text. 0 with *@root set (free it with json_free());
 * -EINVAL with @e's message "byte N: expected ..., found ..." (N counted
 * from 0), or -ENOMEM; *@root is then NULL.
 */
int json_parse(const char *text, size_t len, struct json_value **root, struct kbm_err *e);
void json_free(struct json_value *root);

/* @obj's member @key, or NULL (no such member, or @obj is no object). */
const struct json_value *json_get(const struct json_value *obj, const char *key);
/* The items of an array or the members of an object; 0 for the others. */
size_t json_len(const struct json_value *v);
/* Item @i of an array, or NULL (out of range, or @v is no array). */
const struct json_value *json_at(const struct json_value *v, size_t i);
/* A string's characters, or NULL when @v is no string (or NULL). */
const char *json_string(const struct json_value *v);
/* A number into *@out: false, *@out untouched, when @v is no number. */
bool json_number(const struct json_value *v, double *out);
/* Whether @v is the literal true (false for NULL, false and the rest). */
bool json_is_true(const struct json_value *v);

#endif /* KBM_JSON_READ_H */
