// SPDX-License-Identifier: GPL-2.0
/*
 * One case: warm-up runs, then the measured repeats. Each repeat maps the
 * buffer twice (a read run: mmap, first read touch, second touch, a
 * bandwidth pass, munmap; a write run: mmap, first write touch, munmap) and
 * preads it once. Each phase is timed alone; the module's counters and the
 * thread's minor faults are read around it, outside the clock.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <time.h>

#include "bench.h"
#include "kbm_dev.h"
#include "mapping.h"

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* What is read around a phase. */
struct probe {
	uint64_t t, minflt;
	struct kbufmap_counters k;
};

static void probe_read(const struct bench_case *c, struct probe *p)
{
	struct rusage ru;
	struct kbufmap_stats st = { .scope = KBUFMAP_SCOPE_BUFFER };

	getrusage(RUSAGE_THREAD, &ru);
	p->minflt = (uint64_t)ru.ru_minflt;
	memset(&p->k, 0, sizeof(p->k));
	if (c->t->module && !kbm_get_counters(c->fd, KBUFMAP_SCOPE_BUFFER, &st))
		p->k = st.counters;
	p->t = now_ns();	/* last: the clock starts right before the phase */
}

static void probe_end(const struct bench_case *c, const struct probe *a,
		      struct bench_sample *s)
{
	uint64_t t = now_ns();	/* first: the clock stops right after it */
	struct probe b;

	probe_read(c, &b);
	s->valid = true;
	s->ns = t - a->t;
	s->minflt = b.minflt - a->minflt;
	s->have_k = c->t->module;
	s->k.faults = b.k.faults - a->k.faults;
	s->k.around_pages = b.k.fault_around_pages - a->k.fault_around_pages;
	s->k.huge_faults = b.k.huge_faults - a->k.huge_faults;
	s->k.inserted = b.k.pages_inserted - a->k.pages_inserted;
	s->k.remap_calls = b.k.remap_calls - a->k.remap_calls;
}

/* Read every 8-byte word: the bandwidth the mapping's memory type gives. */
static uint64_t read_all(const void *addr, size_t len)
{
	const volatile uint64_t *w = addr;
	uint64_t sum = 0;

	for (size_t i = 0; i < len / sizeof(*w); i++)
		sum += w[i];
	return sum;
}

static int touch(struct bench_case *c, void *addr, bool write)
{
	struct kbm_fault f;
	size_t done;

	return kbm_touch(addr, c->len, c->ps, 1, write, &done, &f) ? -EFAULT : 0;
}

static int read_run(struct bench_case *c, struct bench_sample *s)
{
	struct probe p;
	void *a;
	int err = 0;

	probe_read(c, &p);
	a = c->t->map(c, false);
	if (!a)
		return -errno;
	probe_end(c, &p, &s[PH_MMAP]);
	probe_read(c, &p);
	err = touch(c, a, false);
	probe_end(c, &p, &s[PH_FIRST_READ]);
	probe_read(c, &p);
	err = err ?: touch(c, a, false);
	probe_end(c, &p, &s[PH_SECOND]);
	probe_read(c, &p);
	if (!err)
		read_all(a, c->len);
	probe_end(c, &p, &s[PH_BANDWIDTH]);
	probe_read(c, &p);
	munmap(a, c->len);
	probe_end(c, &p, &s[PH_MUNMAP]);
	return err;
}

static int write_run(struct bench_case *c, struct bench_sample *s)
{
	struct probe p;
	void *a = c->t->map(c, true);
	int err;

	if (!a)
		return -errno;
	probe_read(c, &p);
	err = touch(c, a, true);
	probe_end(c, &p, &s[PH_FIRST_WRITE]);
	munmap(a, c->len);
	return err;
}

static int pread_run(struct bench_case *c, void *dst, struct bench_sample *s)
{
	struct probe p;
	int err;

	if (!c->t->pread)
		return 0;
	probe_read(c, &p);
	err = c->t->pread(c, dst);
	probe_end(c, &p, &s[PH_PREAD]);
	return err;
}

static int one_repeat(struct bench_case *c, void *dst, struct bench_sample *s)
{
	int err;

	memset(s, 0, sizeof(*s) * PH_COUNT);
	err = read_run(c, s);
	err = err ?: write_run(c, s);
	return err ?: pread_run(c, dst, s);
}

static void case_stats(struct bench_case *c)
{
	double *v = calloc(c->nsamples, sizeof(*v));
	uint64_t *u = calloc(c->nsamples, sizeof(*u));

	for (unsigned int ph = 0; v && u && ph < PH_COUNT; ph++) {
		if (!c->s[0][ph].valid)
			continue;
		for (size_t i = 0; i < c->nsamples; i++)
			v[i] = (double)c->s[i][ph].ns / (double)c->pages;
		bench_stats_compute(v, c->nsamples, &c->st[ph]);
#define MED(field, dst) do {						\
		for (size_t i = 0; i < c->nsamples; i++)		\
			u[i] = c->s[i][ph].field;			\
		dst = bench_median_u64(u, c->nsamples);			\
	} while (0)
		MED(minflt, c->minflt[ph]);
		MED(k.faults, c->k[ph].faults);
		MED(k.around_pages, c->k[ph].around_pages);
		MED(k.huge_faults, c->k[ph].huge_faults);
		MED(k.inserted, c->k[ph].inserted);
		MED(k.remap_calls, c->k[ph].remap_calls);
#undef MED
	}
	c->have_k = c->t->module;
	free(v);
	free(u);
}

int bench_run_case(struct bench_case *c, const struct bench_opts *o)
{
	struct bench_sample scratch[PH_COUNT];
	void *dst = malloc(c->len);
	int err = 0;

	c->s = calloc(o->repeat, sizeof(*c->s));
	if (!dst || !c->s) {
		free(dst);
		return -ENOMEM;
	}
	memset(dst, 0, c->len);	/* pread's destination is resident */
	for (uint64_t i = 0; i < o->warmup && !err; i++)
		err = one_repeat(c, dst, scratch);
	for (uint64_t i = 0; i < o->repeat && !err; i++)
		err = one_repeat(c, dst, c->s[i]);
	free(dst);
	if (err)
		return err;
	c->nsamples = o->repeat;
	case_stats(c);
	return 0;
}
