// SPDX-License-Identifier: GPL-2.0
/*
 * bench --trace fentry|kprobe: what fault-trace's probes cost. After a
 * module case's untraced repeats, its first touches run again (warm-up and
 * repeats alike) with the probes attached to this process through the
 * tracer library (cli/tracer/); the output shows each traced median beside
 * the untraced one as a ratio. The tracer is loaded per case, so the two
 * series of a case run back to back and a drift of the host's load between
 * cases does not land on the ratio.
 *
 * A build without the BPF part (no probes/, so no fault-trace) has no
 * tracer: --trace is then refused when the options are parsed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"
#include "kbm_dev.h"
#include "status.h"
#include "out.h"

#ifdef KBUFMAP_HAVE_TRACER
#include "tracer.h"
#endif

static const char *const trace_names[] = {
	[BENCH_TRACE_NONE] = "none",
	[BENCH_TRACE_FENTRY] = "fentry",
	[BENCH_TRACE_KPROBE] = "kprobe",
};

const char *bench_trace_name(enum bench_trace mode)
{
	return trace_names[mode];
}

enum bench_trace bench_trace_parse(const char *arg, const char **why)
{
#ifndef KBUFMAP_HAVE_TRACER
	(void)arg;
	*why = "this kbufmapctl was built without BPF (no fault-trace), so it cannot trace";
	return BENCH_TRACE_NONE;
#else
	for (unsigned int m = BENCH_TRACE_FENTRY; m <= BENCH_TRACE_KPROBE; m++)
		if (!strcmp(arg, trace_names[m]))
			return m;
	*why = "allowed fentry, kprobe";
	return BENCH_TRACE_NONE;
#endif
}

#ifdef KBUFMAP_HAVE_TRACER
/* The module's .fault count of the case's buffer; 0 when unreadable. */
static uint64_t module_faults(const struct bench_case *c)
{
	struct kbufmap_stats st = { .scope = KBUFMAP_SCOPE_BUFFER };

	return kbm_get_counters(c->fd, KBUFMAP_SCOPE_BUFFER, &st) ? 0 : st.counters.faults;
}

/* The probes' count of returns from kbufmap_vm_fault; -1 on failure. */
static int64_t probe_faults(struct ft_tracer *t)
{
	struct ft_snapshot snap;
	struct kbm_err e;
	int64_t calls;

	if (ft_tracer_snapshot(t, &snap, &e)) {
		kbm_fail_err(&e);
		return -1;
	}
	calls = (int64_t)snap.funcs[FT_FAULT].calls;
	ft_snapshot_free(&snap);
	return calls;
}

int bench_trace_case(struct bench_case *c, const struct bench_opts *o)
{
	struct ft_tracer_opts topts = {
		.mode = o->trace == BENCH_TRACE_FENTRY ? FT_MODE_FENTRY : FT_MODE_KPROBE,
		.tgid = getpid(),
	};
	struct ft_tracer *t;
	struct kbm_err e;
	uint64_t k0;
	int64_t p0, p1;
	int rc;

	c->tr = calloc(1, sizeof(*c->tr));
	if (!c->tr)
		return kbm_fail(ENOMEM, "out of memory");
	rc = ft_tracer_start(&topts, &t, &e);
	if (rc)
		return ft_tracer_fail(&e);
	c->tr->mode = ft_mode_name(ft_tracer_mode(t));
	snprintf(c->tr->why, sizeof(c->tr->why), "%s", ft_tracer_mode_reason(t));
	k0 = module_faults(c);
	p0 = probe_faults(t);
	rc = bench_run_first_touches(c, o);
	p1 = probe_faults(t);
	c->tr->module_faults = module_faults(c) - k0;
	ft_tracer_destroy(t);
	if (rc)
		return kbm_fail(-rc, "%s: the traced first touches failed: %s",
				c->t->name, strerror(-rc));
	if (p0 < 0 || p1 < 0)
		return KBM_EXIT_RUNTIME;	/* the snapshot said why */
	c->tr->probe_faults = (uint64_t)(p1 - p0);
	return KBM_EXIT_OK;
}
#else
int bench_trace_case(struct bench_case *c, const struct bench_opts *o)
{
	(void)c;
	(void)o;
	return kbm_fail(ENOSYS, "bench --trace: this kbufmapctl was built without BPF");
}
#endif
