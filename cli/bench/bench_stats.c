// SPDX-License-Identifier: GPL-2.0
/*
 * Statistics of the repeats: min, median, p90, max, mean and standard
 * deviation; a 95 % confidence interval of the median from order
 * statistics (distribution-free: the ranks n/2 -+ 1.96 sqrt(n)/2, the
 * normal approximation of the binomial, clamped to the sample, so with few
 * runs it widens to min..max); outliers by the modified z-score
 * (Iglewicz and Hoaglin: 0.6745 |x - median| / MAD > 3.5).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

/*
 * floor() and ceil() of a rank here, and __builtin_sqrt() compiled inline
 * (-fno-math-errno, cli/bench/CMakeLists.txt): the tool links no libm,
 * whose loading every command paid at start-up.
 */
static long floor_long(double x)
{
	long i = (long)x;

	return (double)i > x ? i - 1 : i;
}

static long ceil_long(double x)
{
	long i = (long)x;

	return (double)i < x ? i + 1 : i;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

uint64_t bench_median_u64(const uint64_t *v, size_t n)
{
	uint64_t *s = malloc(n * sizeof(*s));
	uint64_t m;

	if (!s || !n) {
		free(s);
		return 0;
	}
	memcpy(s, v, n * sizeof(*s));
	qsort(s, n, sizeof(*s), cmp_u64);
	m = n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
	free(s);
	return m;
}

/* The @q quantile of sorted @s, linear interpolation between ranks. */
static double quantile(const double *s, size_t n, double q)
{
	double r = q * (double)(n - 1);
	size_t i = (size_t)r;

	if (i + 1 >= n)
		return s[n - 1];
	return s[i] + (r - (double)i) * (s[i + 1] - s[i]);
}

static size_t count_outliers(const double *s, size_t n, double median)
{
	double *dev = malloc(n * sizeof(*dev));
	double mad;
	size_t out = 0;

	if (!dev)
		return 0;
	for (size_t i = 0; i < n; i++)
		dev[i] = fabs(s[i] - median);
	qsort(dev, n, sizeof(*dev), cmp_double);
	mad = quantile(dev, n, 0.5);
	for (size_t i = 0; mad > 0 && i < n; i++)
		if (0.6745 * fabs(s[i] - median) / mad > 3.5)
			out++;
	free(dev);
	return out;
}

void bench_stats_compute(const double *v, size_t n, struct bench_stats *st)
{
	double *s = malloc(n * sizeof(*s));
	double sum = 0, sq = 0, half;
	long lo, hi;

	memset(st, 0, sizeof(*st));
	if (!s || !n) {
		free(s);
		return;
	}
	memcpy(s, v, n * sizeof(*s));
	qsort(s, n, sizeof(*s), cmp_double);
	for (size_t i = 0; i < n; i++)
		sum += s[i];
	st->n = n;
	st->mean = sum / (double)n;
	for (size_t i = 0; i < n; i++)
		sq += (s[i] - st->mean) * (s[i] - st->mean);
	st->sd = n > 1 ? __builtin_sqrt(sq / (double)(n - 1)) : 0;
	st->min = s[0];
	st->max = s[n - 1];
	st->median = quantile(s, n, 0.5);
	st->p90 = quantile(s, n, 0.9);
	/* 1-based ranks of the CI's ends, then 0-based indexes */
	half = 1.96 * __builtin_sqrt((double)n) / 2;
	lo = floor_long((double)n / 2 - half);
	hi = ceil_long((double)n / 2 + half) + 1;
	lo = lo < 1 ? 1 : lo;
	hi = hi > (long)n ? (long)n : hi;
	st->ci_lo = s[lo - 1];
	st->ci_hi = s[hi - 1];
	st->outliers = count_outliers(s, n, st->median);
	free(s);
}
