// SPDX-License-Identifier: GPL-2.0
/*
 * The tracer's snapshots: freeing one, the difference of two (what an
 * interval saw), and the bounds of a histogram slot.
 */
#include <stdint.h>
#include <errno.h>
#include <stdlib.h>

#include "tracer.h"

void ft_snapshot_free(struct ft_snapshot *s)
{
	free(s->procs);
	s->procs = NULL;
	s->nprocs = 0;
}

void ft_hist_slot_range(unsigned int slot, __u64 *lo, __u64 *hi)
{
	*lo = slot ? 1ULL << slot : 0;
	*hi = slot + 1 < FT_HIST_SLOTS ? (2ULL << slot) - 1 : UINT64_MAX;
}

static void func_sub(struct ft_func_stats *o, const struct ft_func_stats *a,
		     const struct ft_func_stats *b)
{
	o->calls = a->calls - b->calls;
	o->pages = a->pages - b->pages;
	o->errors = a->errors - b->errors;
	o->fallbacks = a->fallbacks - b->fallbacks;
	o->retries = a->retries - b->retries;
	o->already_mapped = a->already_mapped - b->already_mapped;
	o->total_ns = a->total_ns - b->total_ns;
	for (int k = 0; k < FT_HIST_SLOTS; k++)
		o->hist[k] = a->hist[k] - b->hist[k];
}

static const struct ft_proc_entry *find_proc(const struct ft_snapshot *s,
					     const struct ft_proc_key *key)
{
	size_t lo = 0, hi = s->nprocs;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		const struct ft_proc_key *k = &s->procs[mid].key;

		if (k->tgid == key->tgid && k->func == key->func)
			return &s->procs[mid];
		if (k->tgid < key->tgid || (k->tgid == key->tgid && k->func < key->func))
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

int ft_snapshot_diff(const struct ft_snapshot *cur, const struct ft_snapshot *prev,
		     struct ft_snapshot *out)
{
	*out = *cur;
	out->procs = NULL;
	out->nprocs = 0;
	for (int i = 0; i < FT_NR_SLOTS; i++) {
		func_sub(&out->funcs[i], &cur->funcs[i], &prev->funcs[i]);
		out->missed.probe[i] = cur->missed.probe[i] - prev->missed.probe[i];
		out->missed.recursion[i] = cur->missed.recursion[i] - prev->missed.recursion[i];
	}
	for (int i = 0; i < FT_NR_DROPS; i++)
		out->drops[i] = cur->drops[i] - prev->drops[i];
	if (cur->nprocs) {
		out->procs = calloc(cur->nprocs, sizeof(*out->procs));
		if (!out->procs)
			return -ENOMEM;
	}
	for (size_t i = 0; i < cur->nprocs; i++) {
		const struct ft_proc_entry *p = find_proc(prev, &cur->procs[i].key);
		struct ft_proc_entry *o = &out->procs[out->nprocs];

		*o = cur->procs[i];
		if (p) {
			o->st.calls -= p->st.calls;
			o->st.pages -= p->st.pages;
			o->st.errors -= p->st.errors;
			o->st.total_ns -= p->st.total_ns;
		}
		if (o->st.calls)	/* quiet in this interval: left out */
			out->nprocs++;
	}
	return 0;
}
