/* SPDX-License-Identifier: GPL-2.0 */
/*
 * TAP 13 for C tests, the twin of tests/lib/tap.sh: tap_ok() per case,
 * tap_skip() with a reason, return tap_done() from main(). Exit status:
 * 0 all passed, 1 a case failed, 4 nothing ran (kselftest's skip).
 */
#ifndef KBM_TEST_TAP_H
#define KBM_TEST_TAP_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

static int tap_n, tap_pass, tap_fail, tap_skipped;

static inline void tap_vline(const char *what, const char *fmt, va_list ap)
{
	printf("%s %d - ", what, tap_n);
	vprintf(fmt, ap);
}

/* One case: ok when @cond holds. Returns @cond. */
__attribute__((format(printf, 2, 3)))
static inline bool tap_ok(bool cond, const char *fmt, ...)
{
	va_list ap;

	if (tap_n == 0 && tap_skipped == 0)
		printf("TAP version 13\n");
	tap_n++;
	cond ? tap_pass++ : tap_fail++;
	va_start(ap, fmt);
	tap_vline(cond ? "ok" : "not ok", fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	return cond;
}

/* Equality of two numbers, with both shown on failure. */
#define tap_is_u64(got, want, ...) ({					\
	uint64_t g_ = (got), w_ = (want);				\
	bool r_ = tap_ok(g_ == w_, __VA_ARGS__);			\
	if (!r_)							\
		printf("#   got %llu (0x%llx), want %llu (0x%llx)\n",	\
		       (unsigned long long)g_, (unsigned long long)g_,	\
		       (unsigned long long)w_, (unsigned long long)w_);	\
	r_;								\
})

/* A case that cannot run here; @fmt says why. */
__attribute__((format(printf, 2, 3)))
static inline void tap_skip(const char *desc, const char *fmt, ...)
{
	va_list ap;

	if (tap_n == 0 && tap_skipped == 0)
		printf("TAP version 13\n");
	tap_n++;
	tap_skipped++;
	printf("ok %d - %s # SKIP ", tap_n, desc);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

__attribute__((format(printf, 1, 2)))
static inline void tap_diag(const char *fmt, ...)
{
	va_list ap;

	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

/* The plan, the counts and the exit status for main() to return. */
static inline int tap_done(void)
{
	if (tap_n == 0)
		printf("TAP version 13\n");
	printf("1..%d\n%d passed, %d failed, %d skipped\n", tap_n, tap_pass,
	       tap_fail, tap_skipped);
	if (tap_fail)
		return 1;
	if (!tap_pass) {
		printf("# nothing ran\n");
		return 4;
	}
	return 0;
}

#endif /* KBM_TEST_TAP_H */
