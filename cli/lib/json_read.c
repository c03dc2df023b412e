// SPDX-License-Identifier: GPL-2.0
/*
 * json_read.h: a recursive descent over the text, its depth bounded, each
 * byte looked at a fixed number of times (a string twice: once for its
 * end, once to decode it into a buffer of that size).
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_read.h"

struct reader {
	const char *text;
	size_t len, pos;
	unsigned int depth;
	struct kbm_err *e;
};

static int parse_value(struct reader *r, struct json_value *v);

/* The byte at @at, or -1 past the end. */
static int byte_at(const struct reader *r, size_t at)
{
	return at < r->len ? (unsigned char)r->text[at] : -1;
}

/* What is at @at, for a message: a character, a byte, or the end. */
static const char *found(const struct reader *r, size_t at, char *buf, size_t len)
{
	int c = byte_at(r, at);

	if (c < 0)
		return "end of input";
	if (c > ' ' && c < 0x7f)
		snprintf(buf, len, "'%c'", c);
	else
		snprintf(buf, len, "0x%02x", c);
	return buf;
}

static int fail(const struct reader *r, size_t at, const char *what)
{
	return kbm_err_set(r->e, KBM_ERR_INPUT, EINVAL, "byte %zu: %s", at, what);
}

static int expected_at(const struct reader *r, size_t at, const char *what)
{
	char buf[16];

	return kbm_err_set(r->e, KBM_ERR_INPUT, EINVAL, "byte %zu: expected %s, found %s",
			   at, what, found(r, at, buf, sizeof(buf)));
}

static int expected(const struct reader *r, const char *what)
{
	return expected_at(r, r->pos, what);
}

static int out_of_memory(const struct reader *r)
{
	return kbm_err_set(r->e, KBM_ERR_ERRNO, ENOMEM, "out of memory");
}

static void skip_space(struct reader *r)
{
	int c;

	while ((c = byte_at(r, r->pos)) == ' ' || c == '\t' || c == '\n' || c == '\r')
		r->pos++;
}

/* Skip white space, then @c if it comes next: whether it did. */
static bool take(struct reader *r, char c)
{
	skip_space(r);
	if (byte_at(r, r->pos) != c)
		return false;
	r->pos++;
	return true;
}

/* @items, with room for one more than @len (grown by doubling), or NULL. */
static void *room_for_one(void *items, size_t len, size_t *cap, size_t size)
{
	size_t n;

	if (len < *cap)
		return items;
	n = *cap ? *cap * 2 : 4;
	if (n > SIZE_MAX / size)
		return NULL;
	items = realloc(items, n * size);
	if (items)
		*cap = n;
	return items;
}

static int parse_word(struct reader *r, const char *word)
{
	char what[8];

	for (; *word; word++, r->pos++)
		if (byte_at(r, r->pos) != *word) {
			snprintf(what, sizeof(what), "'%c'", *word);
			return expected(r, what);
		}
	return 0;
}

static size_t digits(const struct reader *r, size_t at)
{
	size_t n = 0;
	int c;

	while ((c = byte_at(r, at + n)) >= '0' && c <= '9')
		n++;
	return n;
}

/* Where the number at r->pos ends, by JSON's grammar: 0 or a message. */
static int number_end(const struct reader *r, size_t *end)
{
	size_t p = r->pos + (byte_at(r, r->pos) == '-');
	size_t n = digits(r, p);

	if (!n)
		return expected_at(r, p, "a digit");
	p += byte_at(r, p) == '0' ? 1 : n;	/* no leading zeros */
	if (byte_at(r, p) == '.') {
		n = digits(r, ++p);
		if (!n)
			return expected_at(r, p, "a digit after the decimal point");
		p += n;
	}
	if (byte_at(r, p) == 'e' || byte_at(r, p) == 'E') {
		p += byte_at(r, p + 1) == '+' || byte_at(r, p + 1) == '-' ? 2 : 1;
		n = digits(r, p);
		if (!n)
			return expected_at(r, p, "a digit in the exponent");
		p += n;
	}
	*end = p;
	return 0;
}

/* strtod() of a copy, the text having no NUL after the number; the CLI
 * keeps the C locale, whose decimal point is JSON's. */
static int parse_number(struct reader *r, struct json_value *v)
{
	char small[64], *copy = small;
	size_t end = 0, n;
	int err = number_end(r, &end);

	if (err)
		return err;
	n = end - r->pos;
	if (n >= sizeof(small) && !(copy = malloc(n + 1)))
		return out_of_memory(r);
	memcpy(copy, r->text + r->pos, n);
	copy[n] = '\0';
	v->type = JSON_NUMBER;
	v->number = strtod(copy, NULL);
	if (copy != small)
		free(copy);
	if (isinf(v->number))
		return fail(r, r->pos, "a number too large for a double");
	r->pos = end;
	return 0;
}

/* The closing quote of the string that opens at r->pos. */
static int string_end(struct reader *r, size_t *end)
{
	for (size_t p = r->pos + 1; p < r->len; p++) {
		if (r->text[p] == '"') {
			*end = p;
			return 0;
		}
		if (r->text[p] == '\\')
			p++;
	}
	return expected_at(r, r->len, "'\"' closing the string");
}

/* The length of the valid UTF-8 sequence at @p, at most @room bytes
 * long; 0 for an invalid one (overlong, a surrogate, past U+10FFFF). */
static size_t utf8_len(const unsigned char *p, size_t room)
{
	unsigned int cp, n;

	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 2, cp = p[0] & 0x1f;
	else if ((p[0] & 0xf0) == 0xe0)
		n = 3, cp = p[0] & 0x0f;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		n = 4, cp = p[0] & 0x07;
	else
		return 0;
	if (n > room)
		return 0;
	for (unsigned int i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

static size_t utf8_put(char *out, unsigned int cp)
{
	if (cp < 0x80) {
		out[0] = cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = 0xc0 | cp >> 6;
		out[1] = 0x80 | (cp & 0x3f);
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = 0xe0 | cp >> 12;
		out[1] = 0x80 | (cp >> 6 & 0x3f);
		out[2] = 0x80 | (cp & 0x3f);
		return 3;
	}
	out[0] = 0xf0 | cp >> 18;
	out[1] = 0x80 | (cp >> 12 & 0x3f);
	out[2] = 0x80 | (cp >> 6 & 0x3f);
	out[3] = 0x80 | (cp & 0x3f);
	return 4;
}

static int hex_digit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
		return (c | 0x20) - 'a' + 10;
	return -1;
}

/* The four hex digits at @at (before @end) into *@cp: how many were. */
static size_t hex4(const struct reader *r, size_t at, size_t end, unsigned int *cp)
{
	size_t i;
	int d;

	*cp = 0;
	for (i = 0; i < 4 && at + i < end && (d = hex_digit(r->text[at + i])) >= 0; i++)
		*cp = *cp << 4 | d;
	return i;
}

/* A "\uXXXX" at r->pos (a surrogate pair takes two) into @s. */
static int string_unicode(struct reader *r, struct json_string *s, size_t end)
{
	unsigned int cp, low;
	size_t at = r->pos, n = hex4(r, at + 2, end, &cp);

	if (n < 4)
		return expected_at(r, at + 2 + n, "a hex digit (\\uXXXX)");
	r->pos += 6;
	if (cp >= 0xdc00 && cp <= 0xdfff)
		return fail(r, at, "a low surrogate (\\uDC00-\\uDFFF) without a high one before it");
	if (cp >= 0xd800 && cp <= 0xdbff) {
		if (byte_at(r, r->pos) != '\\' || byte_at(r, r->pos + 1) != 'u' ||
		    hex4(r, r->pos + 2, end, &low) < 4 || low < 0xdc00 || low > 0xdfff)
			return fail(r, at, "a high surrogate (\\uD800-\\uDBFF) without a low one after it");
		cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
		r->pos += 6;
	}
	s->len += utf8_put(s->chars + s->len, cp);
	return 0;
}

/* The escape at r->pos into @s; the string's end keeps a '\\' from
 * being its last byte. */
static int string_escape(struct reader *r, struct json_string *s, size_t end)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	char c = r->text[r->pos + 1];
	const char *hit = c ? strchr(from, c) : NULL;

	if (c == 'u')
		return string_unicode(r, s, end);
	if (!hit)
		return expected_at(r, r->pos + 1, "an escape (\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)");
	s->chars[s->len++] = to[hit - from];
	r->pos += 2;
	return 0;
}

/* One character of a string at r->pos (before @end) into @s. */
static int string_char(struct reader *r, struct json_string *s, size_t end)
{
	const unsigned char *p = (const unsigned char *)r->text + r->pos;
	size_t n;

	if (*p == '\\')
		return string_escape(r, s, end);
	if (*p < 0x20)
		return fail(r, r->pos, "a control character in a string (escape it)");
	n = *p < 0x80 ? 1 : utf8_len(p, end - r->pos);
	if (!n)
		return fail(r, r->pos, "invalid UTF-8 in a string");
	memcpy(s->chars + s->len, p, n);
	s->len += n;
	r->pos += n;
	return 0;
}

/* The string at r->pos; decoded, it is never longer than its text. */
static int parse_string(struct reader *r, struct json_string *s)
{
	size_t end = 0;
	int err;

	*s = (struct json_string){ NULL, 0 };
	err = string_end(r, &end);
	if (err)
		return err;
	s->chars = malloc(end - r->pos);
	if (!s->chars)
		return out_of_memory(r);
	for (r->pos++; r->pos < end; )
		if ((err = string_char(r, s, end)))
			return err;
	s->chars[s->len] = '\0';
	r->pos = end + 1;
	return 0;
}

/* Into an array or an object at r->pos: its opening byte taken. */
static int enter(struct reader *r)
{
	if (++r->depth > JSON_MAX_DEPTH)
		return kbm_err_set(r->e, KBM_ERR_INPUT, EINVAL,
				   "byte %zu: arrays and objects nested more than %d deep",
				   r->pos, JSON_MAX_DEPTH);
	r->pos++;
	return 0;
}

/*
 * The items of an array or the members of an object at r->pos: @one for
 * each, separated by commas, until @close (@what names what may follow one).
 */
static int parse_items(struct reader *r, struct json_value *v, char close, const char *what,
		       int (*one)(struct reader *r, struct json_value *v))
{
	int err;

	if ((err = enter(r)) || take(r, close))
		goto out;
	do {
		if ((err = one(r, v)))
			return err;
	} while (take(r, ','));
	if (!take(r, close))
		return expected(r, what);
out:
	r->depth--;
	return err;
}

static int next_item(struct reader *r, struct json_value *v)
{
	struct json_value *items = room_for_one(v->array.items, v->array.len, &v->array.cap,
						sizeof(*items));

	if (!items)
		return out_of_memory(r);
	v->array.items = items;
	items[v->array.len] = (struct json_value){ .type = JSON_NULL };
	return parse_value(r, &items[v->array.len++]);
}

static int parse_array(struct reader *r, struct json_value *v)
{
	v->type = JSON_ARRAY;
	v->array.items = NULL;
	v->array.len = v->array.cap = 0;
	return parse_items(r, v, ']', "',' or ']' after an array item", next_item);
}

static int parse_member(struct reader *r, struct json_member *m)
{
	int err;

	skip_space(r);
	if (byte_at(r, r->pos) != '"')
		return expected(r, "'\"' opening a key");
	m->at = r->pos;
	if ((err = parse_string(r, &m->key)))
		return err;
	if (!take(r, ':'))
		return expected(r, "':' after a key");
	return parse_value(r, &m->value);
}

static int key_order(const void *a, const void *b)
{
	const struct json_member *x = *(const struct json_member *const *)a;
	const struct json_member *y = *(const struct json_member *const *)b;
	int c = memcmp(x->key.chars, y->key.chars,
		       x->key.len < y->key.len ? x->key.len : y->key.len);

	if (c)
		return c;
	if (x->key.len != y->key.len)
		return x->key.len < y->key.len ? -1 : 1;
	return x->at < y->at ? -1 : 1;
}

static bool same_key(const struct json_member *x, const struct json_member *y)
{
	return x->key.len == y->key.len && !memcmp(x->key.chars, y->key.chars, x->key.len);
}

/* No key twice in @v: its members sorted by key (a copy of the
 * pointers), so that an object of many keys costs n log n. */
static int unique_keys(const struct reader *r, const struct json_value *v)
{
	const struct json_member **m, *dup = NULL;
	size_t n = v->object.len;

	if (n < 2)
		return 0;
	m = malloc(n * sizeof(*m));
	if (!m)
		return out_of_memory(r);
	for (size_t i = 0; i < n; i++)
		m[i] = &v->object.members[i];
	qsort(m, n, sizeof(*m), key_order);
	for (size_t i = 1; i < n; i++)
		if (same_key(m[i - 1], m[i]) && (!dup || m[i]->at < dup->at))
			dup = m[i];
	free(m);
	if (!dup)
		return 0;
	return kbm_err_set(r->e, KBM_ERR_INPUT, EINVAL, "byte %zu: key \"%.*s\" twice in one object",
			   dup->at, (int)(dup->key.len < 40 ? dup->key.len : 40), dup->key.chars);
}

static int next_member(struct reader *r, struct json_value *v)
{
	struct json_member *members = room_for_one(v->object.members, v->object.len,
						   &v->object.cap, sizeof(*members));

	if (!members)
		return out_of_memory(r);
	v->object.members = members;
	members[v->object.len] = (struct json_member){ .at = 0 };
	return parse_member(r, &members[v->object.len++]);
}

static int parse_object(struct reader *r, struct json_value *v)
{
	int err;

	v->type = JSON_OBJECT;
	v->object.members = NULL;
	v->object.len = v->object.cap = 0;
	err = parse_items(r, v, '}', "',' or '}' after a member", next_member);
	return err ? err : unique_keys(r, v);
}

static int parse_value(struct reader *r, struct json_value *v)
{
	int c;

	skip_space(r);
	c = byte_at(r, r->pos);
	if (c == '{')
		return parse_object(r, v);
	if (c == '[')
		return parse_array(r, v);
	if (c == '"') {
		v->type = JSON_STRING;
		return parse_string(r, &v->string);
	}
	if (c == 't' || c == 'f') {
		*v = (struct json_value){ .type = JSON_BOOL, .boolean = c == 't' };
		return parse_word(r, c == 't' ? "true" : "false");
	}
	if (c == 'n') {
		v->type = JSON_NULL;
		return parse_word(r, "null");
	}
	if (c == '-' || (c >= '0' && c <= '9'))
		return parse_number(r, v);
	return expected(r, "a value");
}

int json_parse(const char *text, size_t len, struct json_value **root, struct kbm_err *e)
{
	struct reader r = { .text = text, .len = len, .e = e };
	struct json_value *v = calloc(1, sizeof(*v));
	int err;

	*root = NULL;
	if (!v)
		return out_of_memory(&r);
	err = parse_value(&r, v);
	if (!err) {
		skip_space(&r);
		if (r.pos < r.len)
			err = expected(&r, "the end of the text after its value");
	}
	if (err) {
		json_free(v);
		return err;
	}
	*root = v;
	return 0;
}

static void free_contents(struct json_value *v)
{
	switch (v->type) {
	case JSON_STRING:
		free(v->string.chars);
		break;
	case JSON_ARRAY:
		for (size_t i = 0; i < v->array.len; i++)
			free_contents(&v->array.items[i]);
		free(v->array.items);
		break;
	case JSON_OBJECT:
		for (size_t i = 0; i < v->object.len; i++) {
			free(v->object.members[i].key.chars);
			free_contents(&v->object.members[i].value);
		}
		free(v->object.members);
		break;
	default:
		break;
	}
}

void json_free(struct json_value *root)
{
	if (root)
		free_contents(root);
	free(root);
}

const struct json_value *json_get(const struct json_value *obj, const char *key)
{
	size_t n = strlen(key);

	if (!obj || obj->type != JSON_OBJECT)
		return NULL;
	for (size_t i = 0; i < obj->object.len; i++) {
		const struct json_member *m = &obj->object.members[i];

		if (m->key.len == n && !memcmp(m->key.chars, key, n))
			return &m->value;
	}
	return NULL;
}

size_t json_len(const struct json_value *v)
{
	if (v && v->type == JSON_ARRAY)
		return v->array.len;
	if (v && v->type == JSON_OBJECT)
		return v->object.len;
	return 0;
}

const struct json_value *json_at(const struct json_value *v, size_t i)
{
	if (!v || v->type != JSON_ARRAY || i >= v->array.len)
		return NULL;
	return &v->array.items[i];
}

const char *json_string(const struct json_value *v)
{
	return v && v->type == JSON_STRING ? v->string.chars : NULL;
}

bool json_number(const struct json_value *v, double *out)
{
	if (!v || v->type != JSON_NUMBER)
		return false;
	*out = v->number;
	return true;
}

bool json_is_true(const struct json_value *v)
{
	return v && v->type == JSON_BOOL && v->boolean;
}
