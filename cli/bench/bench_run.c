// SPDX-License-Identifier: GPL-2.0
/*
 * One case: warm-up runs, then the measured repeats. Each repeat maps the
 * buffer twice (a read run: mmap, first read touch, second touch, a
 * bandwidth pass, munmap; a write run: mmap, first write touch, munmap) and
 * preads it once. Each phase is timed alone; the module's counters and the
 * thread's minor faults are read around it, outside the clock.
 *
 * With --threads T the first touches are split will-it-scale style: T
 * threads, one per CPU, each touch a contiguous 1/T of the same buffer,
 * released together by a barrier; each times its own slice, and the phase's
 * wall clock (thread start-up included) is the total. Minor faults are then
 * the process's.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <time.h>

#include "bench.h"
#include "clock.h"
#include "kbm_dev.h"
#include "kbufmap_names.h"
#include "mapping.h"

/* What is read around a phase. */
struct probe {
	uint64_t t, minflt;
	struct kbufmap_counters k;
};

static void probe_read(const struct bench_case *c, struct probe *p)
{
	struct rusage ru;
	struct kbufmap_stats st = { .scope = KBUFMAP_SCOPE_BUFFER };

	getrusage(c->threads > 1 ? RUSAGE_SELF : RUSAGE_THREAD, &ru);
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
#define COUNTER_DELTA(id, field, key) s->k.field = b.k.field - a->k.field;
	KBUFMAP_COUNTERS(COUNTER_DELTA)
#undef COUNTER_DELTA
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

/* Write every 8-byte word: the write bandwidth of the memory type. */
static void write_all(void *addr, size_t len)
{
	volatile uint64_t *w = addr;

	for (size_t i = 0; i < len / sizeof(*w); i++)
		w[i] = i;
}

/* Releases the threads of a threaded touch together, or sends them home. */
struct gate {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	enum { GATE_WAIT, GATE_GO, GATE_ABORT } state;
};

static void gate_set(struct gate *g, int state)
{
	pthread_mutex_lock(&g->lock);
	g->state = state;
	pthread_cond_broadcast(&g->cond);
	pthread_mutex_unlock(&g->lock);
}

/* One thread of a threaded first touch. */
struct toucher {
	pthread_t tid;
	struct gate *gate;
	volatile uint8_t *addr;
	size_t len, ps;
	int cpu;
	bool write;
	uint64_t ns;
};

/*
 * A plain loop: kbm_touch()'s SIGBUS guard is per process, not per thread.
 * bench only runs the combinations the matrix allows, which do not fault.
 */
static void *toucher_run(void *arg)
{
	struct toucher *t = arg;
	cpu_set_t set;
	uint64_t t0;
	int state;

	CPU_ZERO(&set);
	CPU_SET(t->cpu, &set);
	pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
	pthread_mutex_lock(&t->gate->lock);
	while (t->gate->state == GATE_WAIT)
		pthread_cond_wait(&t->gate->cond, &t->gate->lock);
	state = t->gate->state;
	pthread_mutex_unlock(&t->gate->lock);
	if (state != GATE_GO)
		return NULL;
	t0 = now_ns();
	for (size_t off = 0; off < t->len; off += t->ps) {
		if (t->write)
			t->addr[off] = (uint8_t)off;
		else
			(void)t->addr[off];
	}
	t->ns = now_ns() - t0;
	return NULL;
}

/* Split the buffer in c->threads slices of whole pages, touched at once;
 * this thread is the last toucher. */
static int touch_threads(struct bench_case *c, uint8_t *addr, bool write, uint64_t *ns)
{
	struct gate gate = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, GATE_WAIT };
	struct toucher t[BENCH_MAX_THREADS];
	cpu_set_t mine;
	uint64_t done = 0;
	unsigned int i, last = c->threads - 1, started = 0;
	int err = 0;

	for (i = 0; i < c->threads; i++) {
		uint64_t pages = bench_slice_pages(c, i);

		t[i] = (struct toucher){ .gate = &gate, .addr = addr + done * c->ps,
			.len = pages * c->ps, .ps = c->ps, .cpu = c->thread_cpus[i],
			.write = write };
		done += pages;
	}
	sched_getaffinity(0, sizeof(mine), &mine);	/* toucher_run() moves us */
	for (i = 0; i < last && !err; i++, started += !err)
		err = -pthread_create(&t[i].tid, NULL, toucher_run, &t[i]);
	gate_set(&gate, err ? GATE_ABORT : GATE_GO);
	if (!err)
		toucher_run(&t[last]);
	for (i = 0; i < started; i++)
		pthread_join(t[i].tid, NULL);
	sched_setaffinity(0, sizeof(mine), &mine);
	for (i = 0; i < c->threads; i++)
		ns[i] = t[i].ns;
	return err;
}

static int touch(struct bench_case *c, void *addr, bool write, uint64_t *thread_ns)
{
	struct kbm_fault f;
	size_t done;

	if (thread_ns && c->threads > 1)
		return touch_threads(c, addr, write, thread_ns);
	return kbm_touch(addr, c->len, c->ps, 1,
			 kbm_target_touch(c->spec ? c->spec->kind : KBM_TARGET_KBUFMAP, write),
			 &done, &f) ? -EFAULT : 0;
}

/* A dma-buf's or a dma-noncoherent buffer's CPU access is bracketed by its sync, outside the clock. */
static void sync_access(struct bench_case *c, bool begin, bool write)
{
	if (c->t->sync)
		c->t->sync(c, begin, write);
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
	sync_access(c, true, false);
	probe_read(c, &p);
	err = touch(c, a, false, s[PH_FIRST_READ].thread_ns);
	probe_end(c, &p, &s[PH_FIRST_READ]);
	probe_read(c, &p);
	err = err ?: touch(c, a, false, NULL);
	probe_end(c, &p, &s[PH_SECOND]);
	probe_read(c, &p);
	if (!err)
		read_all(a, c->len);
	probe_end(c, &p, &s[PH_BANDWIDTH]);
	sync_access(c, false, false);
	probe_read(c, &p);
	munmap(a, c->len);
	probe_end(c, &p, &s[PH_MUNMAP]);
	return err;
}

/*
 * Writing every word is for memory, not for a device's registers: a UIO
 * map or a device node may be a register block whose words start the device
 * (QEMU's edu device aborts on the DMA it is then told to do).
 */
static bool may_write_all(const struct bench_case *c)
{
	return !c->spec || (c->spec->kind != KBM_TARGET_UIO &&
			    c->spec->kind != KBM_TARGET_DEVICE);
}

static int write_run(struct bench_case *c, struct bench_sample *s)
{
	struct probe p;
	void *a = c->t->map(c, true);
	int err;

	if (!a)
		return -errno;
	sync_access(c, true, true);
	probe_read(c, &p);
	err = touch(c, a, true, s[PH_FIRST_WRITE].thread_ns);
	probe_end(c, &p, &s[PH_FIRST_WRITE]);
	if (!err && may_write_all(c)) {
		probe_read(c, &p);
		write_all(a, c->len);
		probe_end(c, &p, &s[PH_WRITE_BANDWIDTH]);
	}
	sync_access(c, false, true);
	munmap(a, c->len);
	return err;
}

static int pread_run(struct bench_case *c, void *dst, struct bench_sample *s)
{
	struct probe p;
	int err;

	if (!c->t->pread || (c->fx && c->fx->view != KBM_VIEW_FD))
		return 0;	/* no file view of the buffer: no pread phase */
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
	return dst ? err ?: pread_run(c, dst, s) : err;
}

/* --trace: both runs (their first touches are the point), no pread; only
 * the first touches are kept. */
static int first_touches(struct bench_case *c, void *dst, struct bench_sample *s)
{
	int err = one_repeat(c, dst, s);

	for (unsigned int ph = 0; ph < PH_COUNT; ph++)
		if (ph != PH_FIRST_READ && ph != PH_FIRST_WRITE)
			s[ph].valid = false;
	return err;
}

/* Medians over @n repeats of one phase's counts. */
static void phase_counts(struct bench_sample (*s)[PH_COUNT], size_t n,
			 unsigned int ph, uint64_t *u, uint64_t *minflt,
			 struct kbufmap_counters *k)
{
#define MED(field, dst) do {						\
		for (size_t i = 0; i < n; i++)				\
			u[i] = s[i][ph].field;				\
		dst = bench_median_u64(u, n);				\
	} while (0)
	MED(minflt, *minflt);
#define COUNTER_MED(id, field, key) MED(k.field, k->field);
	KBUFMAP_COUNTERS(COUNTER_MED)
#undef COUNTER_MED
#undef MED
}

/* Statistics of every phase @s has; -ENOMEM. */
static int series_stats(const struct bench_case *c, struct bench_sample (*s)[PH_COUNT],
			size_t n, struct bench_stats *st, uint64_t *minflt,
			struct kbufmap_counters *k)
{
	double *v = calloc(n, sizeof(*v));
	uint64_t *u = calloc(n, sizeof(*u));

	for (unsigned int ph = 0; v && u && ph < PH_COUNT; ph++) {
		if (!s[0][ph].valid)
			continue;
		for (size_t i = 0; i < n; i++)
			v[i] = (double)s[i][ph].ns / (double)c->pages;
		bench_stats_compute(v, n, &st[ph]);
		phase_counts(s, n, ph, u, &minflt[ph], &k[ph]);
	}
	free(v);
	free(u);
	return v && u ? 0 : -ENOMEM;
}

/* --threads: each thread's median ns per page of its slice. */
static void thread_stats(struct bench_case *c)
{
	uint64_t *w = calloc(c->nsamples, sizeof(*w));

	for (unsigned int ph = 0; w && ph < PH_COUNT; ph++) {
		if (!c->s[0][ph].valid || c->threads < 2 || !bench_phase_threaded(ph))
			continue;
		for (unsigned int t = 0; t < c->threads; t++) {
			for (size_t i = 0; i < c->nsamples; i++)
				w[i] = c->s[i][ph].thread_ns[t];
			c->thread_median[ph][t] = (double)bench_median_u64(w, c->nsamples) /
						  (double)bench_slice_pages(c, t);
		}
	}
	free(w);
}

/* Warm-up, then the measured repeats into @s; @dst NULL: no pread. */
static int repeats(struct bench_case *c, const struct bench_opts *o, void *dst,
		   int (*one)(struct bench_case *, void *, struct bench_sample *),
		   struct bench_sample (*s)[PH_COUNT])
{
	struct bench_sample scratch[PH_COUNT];
	int err = 0;

	for (uint64_t i = 0; i < o->warmup && !err; i++)
		err = one(c, dst, scratch);
	for (uint64_t i = 0; i < o->repeat && !err; i++)
		err = one(c, dst, s[i]);
	return err;
}

int bench_run_case(struct bench_case *c, const struct bench_opts *o)
{
	void *dst = malloc(c->len);
	int err;

	c->s = calloc(o->repeat, sizeof(*c->s));
	if (!dst || !c->s) {
		free(dst);
		return -ENOMEM;
	}
	memset(dst, 0, c->len);	/* pread's destination is resident */
	err = repeats(c, o, dst, one_repeat, c->s);
	free(dst);
	if (err)
		return err;
	c->nsamples = o->repeat;
	c->have_k = c->t->module;
	thread_stats(c);
	return series_stats(c, c->s, c->nsamples, c->st, c->minflt, c->k);
}

int bench_run_first_touches(struct bench_case *c, const struct bench_opts *o)
{
	struct bench_traced *tr = c->tr;
	int err;

	tr->s = calloc(o->repeat, sizeof(*tr->s));
	if (!tr->s)
		return -ENOMEM;
	err = repeats(c, o, NULL, first_touches, tr->s);
	if (err)
		return err;
	tr->nsamples = o->repeat;
	return series_stats(c, tr->s, tr->nsamples, tr->st, tr->minflt, tr->k);
}
