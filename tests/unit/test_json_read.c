// SPDX-License-Identifier: GPL-2.0
/*
 * json_parse(): every kind of value, nesting, escapes, key order and
 * layout not mattering, and malformed texts refused with the byte offset
 * of the fault (every prefix of a text, trailing bytes, bad escapes and
 * UTF-8, a depth bomb). Large texts too; ASan (ci preset) checks that
 * everything, refused texts' partial trees included, is freed.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_read.h"
#include "../lib/tap.h"

static struct kbm_err e;

/* @text (of @len bytes) parsed, or NULL with the message shown. */
static struct json_value *parse_len(const char *text, size_t len)
{
	struct json_value *v;

	e.msg[0] = '\0';
	if (json_parse(text, len, &v, &e))
		tap_diag("refused: %s", e.msg);
	return v;
}

static struct json_value *parse(const char *text)
{
	return parse_len(text, strlen(text));
}

/* The offset a refusal names, or -1 when the message names none. */
static long refusal_offset(void)
{
	size_t at;

	return sscanf(e.msg, "byte %zu: ", &at) == 1 ? (long)at : -1;
}

/* @len bytes of @text refused at byte @at, the message saying @why. */
static void refuses_len(const char *name, const char *text, size_t len, long at,
			const char *why)
{
	static struct json_value untouched;
	struct json_value *v = &untouched;
	int ret;

	e = (struct kbm_err){ 0 };
	ret = json_parse(text, len, &v, &e);
	tap_ok(ret == -EINVAL && !v && e.kind == KBM_ERR_INPUT, "%s: refused, no tree", name);
	if (!tap_ok(refusal_offset() == at && strstr(e.msg, why),
		    "%s: at byte %ld, saying '%s'", name, at, why))
		tap_diag("message: %s", e.msg);
}

static void refuses(const char *name, const char *text, long at, const char *why)
{
	refuses_len(name, text, strlen(text), at, why);
}

static bool is_number(const struct json_value *v, double want)
{
	double got = NAN;

	return json_number(v, &got) && got == want;
}

static void test_scalars(void)
{
	struct json_value *v = parse("{\"n\": null, \"t\": true, \"f\": false, \"i\": -12, "
				     "\"x\": 1.5e3, \"z\": -0, \"e\": 2E-2, \"p\": 1e+2, "
				     "\"s\": \"text\", \"empty\": \"\"}");

	if (!tap_ok(v && v->type == JSON_OBJECT && json_len(v) == 10, "an object of every scalar"))
		return;
	tap_ok(json_get(v, "n")->type == JSON_NULL, "null");
	tap_ok(json_is_true(json_get(v, "t")), "true");
	tap_ok(json_get(v, "f")->type == JSON_BOOL && !json_is_true(json_get(v, "f")), "false");
	tap_ok(is_number(json_get(v, "i"), -12), "a negative integer");
	tap_ok(is_number(json_get(v, "x"), 1500), "a fraction with an exponent");
	tap_ok(is_number(json_get(v, "z"), 0) && signbit(json_get(v, "z")->number), "-0");
	tap_ok(is_number(json_get(v, "e"), 2e-2) && is_number(json_get(v, "p"), 100),
	       "E, exponents with signs");
	tap_ok(!strcmp(json_string(json_get(v, "s")), "text"), "a string");
	tap_ok(json_get(v, "empty")->string.len == 0, "an empty string");
	tap_ok(!json_get(v, "missing") && !json_get(v, "N"), "no such key (keys are exact)");
	json_free(v);
}

static void test_numbers(void)
{
	static const char long_number[] =
		"0.000000000000000000000000000000000000000000000000000000000000000000000001";
	struct json_value *v = parse(long_number);

	tap_ok(is_number(v, 1e-72), "a number longer than the reader's small buffer");
	json_free(v);
	v = parse("[1e-400, 12345678901234567890, 9007199254740993]");
	tap_ok(v && is_number(json_at(v, 0), 0), "an underflow is 0");
	tap_ok(v && is_number(json_at(v, 1), 12345678901234567890.0), "an integer past 64 bits");
	tap_ok(v && is_number(json_at(v, 2), 9007199254740992.0), "rounded to a double");
	json_free(v);
}

static void test_escapes(void)
{
	static const char text[] = "[\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\", \"\\u00e9\\u20AC\\ud83d\\ude00\", "
				   "\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\", \"x\\u0000y\"]";
	struct json_value *v = parse(text);
	const struct json_value *nul;

	if (!tap_ok(v && json_len(v) == 4, "an array of escaped strings"))
		return;
	tap_ok(!strcmp(json_string(json_at(v, 0)), "a\"b\\c/d\b\f\n\r\t"), "the short escapes");
	tap_ok(!strcmp(json_string(json_at(v, 1)), "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"),
	       "\\u escapes to UTF-8, a surrogate pair to one character");
	tap_ok(!strcmp(json_string(json_at(v, 2)), json_string(json_at(v, 1))),
	       "raw UTF-8 kept as it is");
	nul = json_at(v, 3);
	tap_ok(nul->string.len == 3 && !memcmp(nul->string.chars, "x\0y", 4),
	       "\\u0000 inside: the length counts it");
	json_free(v);
}

static void test_nesting(void)
{
	struct json_value *v = parse("{\"a\": [1, [2, []], {}], \"o\": {\"k\": {\"k\": \"deep\"}}}");
	const struct json_value *a;

	if (!tap_ok(v != NULL, "nested arrays and objects"))
		return;
	a = json_get(v, "a");
	tap_ok(json_len(a) == 3 && is_number(json_at(a, 0), 1), "an array's items");
	tap_ok(json_len(json_at(json_at(a, 1), 1)) == 0 && json_at(json_at(a, 1), 1)->type == JSON_ARRAY,
	       "an empty array in an array");
	tap_ok(json_at(a, 2)->type == JSON_OBJECT && json_len(json_at(a, 2)) == 0, "an empty object");
	tap_ok(!strcmp(json_string(json_get(json_get(json_get(v, "o"), "k"), "k")), "deep"),
	       "the same key at each level");
	tap_ok(!json_at(a, 3) && !json_at(v, 0) && !json_get(a, "a"),
	       "out of range, or the wrong kind of container: NULL");
	tap_ok(!json_string(json_at(a, 0)) && !json_number(json_get(v, "o"), &(double){ 0 }) &&
	       !json_is_true(NULL) && json_len(json_at(a, 0)) == 0, "a value of another kind: none");
	json_free(v);
}

static void test_layout(void)
{
	struct json_value *a = parse("{\"id\":\"x\",\"median\":2,\"list\":[1,2]}");
	struct json_value *b = parse(" \t\r\n{ \"list\" :\n\t[ 1 ,\r\n2 ] ,\"median\": 2,\n  \"id\" : \"x\" }\n");

	tap_ok(a && b, "compact, and spread with every kind of white space");
	if (a && b) {
		tap_ok(a->object.members[0].at == 1 && b->object.members[0].at == 6,
		       "each key knows its offset");
		tap_ok(!strcmp(json_string(json_get(a, "id")), json_string(json_get(b, "id"))) &&
		       json_get(a, "median")->number == json_get(b, "median")->number &&
		       json_len(json_get(a, "list")) == json_len(json_get(b, "list")),
		       "key order and layout do not matter");
	}
	json_free(a);
	json_free(b);
}

static void test_refused(void)
{
	refuses("empty", "", 0, "expected a value, found end of input");
	refuses("white space only", " \n ", 3, "expected a value");
	refuses("an unclosed object", "{\"a\":1", 6, "expected ',' or '}'");
	refuses("an unclosed array", "[1,2", 4, "expected ',' or ']'");
	refuses("an unclosed string", "\"ab", 3, "closing the string");
	refuses("a key without a value", "{\"a\":", 5, "expected a value");
	refuses("trailing garbage", "{\"a\":1}x", 7, "expected the end of the text after its value, found 'x'");
	refuses("two values", "{} {}", 3, "expected the end");
	refuses("a trailing comma in an array", "[1,]", 3, "expected a value, found ']'");
	refuses("a trailing comma in an object", "{\"a\":1,}", 7, "opening a key");
	refuses("a bare key", "{a:1}", 1, "opening a key, found 'a'");
	refuses("no colon", "{\"a\" 1}", 5, "expected ':'");
	refuses("no comma", "[1 2]", 3, "expected ',' or ']'");
	refuses("a single quote", "['a']", 1, "expected a value, found '''");
	refuses("a bad escape", "\"a\\qb\"", 3, "expected an escape");
	refuses("a short \\u", "\"\\u12g4\"", 5, "expected a hex digit");
	refuses("a lone high surrogate", "\"\\ud800\"", 1, "high surrogate");
	refuses("a high surrogate before another escape", "\"\\ud800\\u0041\"", 1, "high surrogate");
	refuses("a lone low surrogate", "\"\\udc00\"", 1, "low surrogate");
	refuses("a raw control character", "\"a\x01\"", 2, "control character");
	refuses("a raw newline in a string", "\"a\nb\"", 2, "control character");
	refuses("truncated UTF-8", "\"\xc3\"", 1, "invalid UTF-8");
	refuses("overlong UTF-8", "\"\xc0\xaf\"", 1, "invalid UTF-8");
	refuses("a UTF-8 surrogate", "\"\xed\xa0\x80\"", 1, "invalid UTF-8");
	refuses("past U+10FFFF", "\"\xf4\x90\x80\x80\"", 1, "invalid UTF-8");
	refuses("a leading zero", "01", 1, "expected the end");
	refuses("a minus alone", "-", 1, "expected a digit");
	refuses("no digit after the point", "1.", 2, "after the decimal point");
	refuses("no digit in the exponent", "1e+", 3, "in the exponent");
	refuses("a leading point", ".5", 0, "expected a value");
	refuses("a plus sign", "+1", 0, "expected a value");
	refuses("NaN", "NaN", 0, "expected a value");
	refuses("Infinity", "[-Infinity]", 2, "expected a digit");
	refuses("a number past a double", "[1e999]", 1, "too large");
	refuses("a truncated true", "tru", 3, "expected 'e', found end of input");
	refuses("a misspelt false", "falsy", 4, "expected 'e', found 'y'");
	refuses("a capital null", "Null", 0, "expected a value");
	refuses("a comment", "// c\n1", 0, "expected a value, found '/'");
	refuses("a byte order mark", "\xef\xbb\xbf{}", 0, "found 0xef");
	refuses_len("a NUL after the value", "[1]\0", 4, 3, "found 0x00");
	refuses("a key twice", "{\"a\":1,\"b\":{\"a\":2},\"a\":3}", 19, "key \"a\" twice");
}

/* @n opening brackets (or objects' "k": ), then as many closing ones. */
static char *nested(unsigned int n, bool objects, bool closed)
{
	const char *open = objects ? "{\"k\":" : "[", *close = objects ? "}" : "]";
	char *s = calloc(n, strlen(open) + strlen(close) + 1), *p = s;

	for (unsigned int i = 0; s && i < n; i++)
		p = stpcpy(p, open);
	for (unsigned int i = 0; s && closed && i < n; i++)
		p = stpcpy(p, close);
	return s;
}

static void test_depth(void)
{
	char *ok = nested(JSON_MAX_DEPTH, false, true), *deep = nested(JSON_MAX_DEPTH + 1, false, true);
	char *bomb = nested(1000000, false, false), *objs = nested(JSON_MAX_DEPTH + 1, true, true);
	struct json_value *v = parse(ok);

	tap_ok(v != NULL, "%d nested arrays accepted", JSON_MAX_DEPTH);
	json_free(v);
	refuses("one level more", deep, JSON_MAX_DEPTH, "nested more than 64 deep");
	refuses("a million opening brackets", bomb, JSON_MAX_DEPTH, "nested more than 64 deep");
	refuses("objects nested too deep", objs, 5 * JSON_MAX_DEPTH, "nested more than 64 deep");
	free(ok);
	free(deep);
	free(bomb);
	free(objs);
}

/* Every proper prefix of an object's text is refused, at or before its end. */
static void test_truncated(void)
{
	static const char text[] = "{\"shape\": \"kbufmapctl-bench/1\", \"results\": [{\"id\": "
				   "\"a/b\", \"phases\": [{\"median\": -1.5e-3, \"ok\": true, "
				   "\"x\": null, \"s\": \"\\u00e9\\ud83d\\ude00\\n\"}]}], \"f\": false}";
	struct json_value *v;
	size_t bad = 0;

	for (size_t len = 0; len < sizeof(text) - 1; len++) {
		e = (struct kbm_err){ 0 };
		if (!json_parse(text, len, &v, &e) || v || refusal_offset() < 0 ||
		    (size_t)refusal_offset() > len) {
			tap_diag("prefix of %zu bytes: %s", len, e.msg);
			json_free(v);
			bad++;
		}
	}
	tap_ok(!bad, "each of the %zu prefixes of a text refused, naming a byte within it",
	       sizeof(text) - 1);
	v = parse(text);
	tap_ok(v != NULL, "the whole text accepted");
	json_free(v);
}

/* Large texts: a quadratic reader would not finish within the test's time. */
static void test_large(void)
{
	size_t n = 1000000, len = 0;
	char *text = malloc(n * 24 + 16), *big;
	struct json_value *v;
	bool all = true;

	len += sprintf(text, "[");
	for (size_t i = 0; i < n; i++)
		len += sprintf(text + len, "%s%zu", i ? "," : "", i);
	text[len++] = ']';
	v = parse_len(text, len);
	for (size_t i = 0; v && i < n && all; i += 9973)
		all = is_number(json_at(v, i), i);
	tap_ok(v && json_len(v) == n && all, "an array of a million numbers");
	json_free(v);
	len = sprintf(text, "{");
	for (size_t i = 0; i < n / 4; i++)
		len += sprintf(text + len, "%s\"k%zu\":%zu", i ? "," : "", i, i);
	text[len++] = '}';
	v = parse_len(text, len);
	tap_ok(v && json_len(v) == n / 4 && is_number(json_get(v, "k77777"), 77777),
	       "an object of %zu keys", n / 4);
	json_free(v);
	big = malloc(n * 8 + 3);
	big[0] = '"';
	memset(big + 1, 'x', n * 8);
	big[n * 8 + 1] = '"';
	v = parse_len(big, n * 8 + 2);
	tap_ok(v && v->string.len == n * 8, "a string of %zu bytes", n * 8);
	json_free(v);
	free(big);
	free(text);
}

int main(void)
{
	test_scalars();
	test_numbers();
	test_escapes();
	test_nesting();
	test_layout();
	test_refused();
	test_depth();
	test_truncated();
	test_large();
	return tap_done();
}
