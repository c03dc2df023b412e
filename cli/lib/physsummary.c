// SPDX-License-Identifier: GPL-2.0
/* The phys summary: page counts, PFN runs, nodes, flag combinations. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pagemap.h"
#include "physwalk.h"

void phys_summary_init(struct phys_summary *s, bool raw)
{
	*s = (struct phys_summary){ .raw = raw };
}

void phys_summary_free(struct phys_summary *s)
{
	free(s->flags);
	s->flags = NULL;
	s->nflags = s->cap = 0;
}

bool phys_page_flags(const struct phys_page *p, bool raw, uint64_t *flags)
{
	/* As page-types counts: frames it could read, and swap entries. */
	if (pm_present(p->pme) && p->have_kpf) {
		*flags = kpf_page_flags(p->kpf, p->pme, raw);
		return true;
	}
	if (!pm_present(p->pme) && pm_swapped(p->pme)) {
		*flags = kpf_page_flags(0, p->pme, raw);
		return true;
	}
	return false;
}

/* Open addressing on flags + 1 (0 marks a free slot); cap a power of 2. */
static struct phys_flagcount *slot(struct phys_flagcount *t, size_t cap,
				   uint64_t flags)
{
	size_t i = (size_t)((flags * 0x9e3779b97f4a7c15ULL) >> 20) & (cap - 1);

	while (t[i].flags && t[i].flags != flags + 1)
		i = (i + 1) & (cap - 1);
	return &t[i];
}

static int count_flags(struct phys_summary *s, uint64_t flags)
{
	struct phys_flagcount *e;

	if (2 * (s->nflags + 1) > s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 64;
		struct phys_flagcount *t = calloc(cap, sizeof(*t));

		if (!t)
			return -ENOMEM;
		for (size_t i = 0; i < s->cap; i++)
			if (s->flags[i].flags)
				*slot(t, cap, s->flags[i].flags - 1) = s->flags[i];
		free(s->flags);
		s->flags = t;
		s->cap = cap;
		s->last = NULL;
	}
	e = slot(s->flags, s->cap, flags);
	if (!e->flags) {
		e->flags = flags + 1;
		s->nflags++;
	}
	e->pages++;
	s->last = e;
	return 0;
}

static void end_run(struct phys_summary *s)
{
	unsigned int log2 = 0;

	if (!s->run_len)
		return;
	while ((s->run_len >> (log2 + 1)) != 0)
		log2++;
	s->runs++;
	s->run_hist[log2]++;
	if (s->run_len > s->longest_run)
		s->longest_run = s->run_len;
	s->run_len = 0;
}

static void count_run(struct phys_summary *s, const struct phys_page *p)
{
	static long ps;
	uint64_t pfn = pm_pfn(p->pme);

	if (!ps)
		ps = sysconf(_SC_PAGESIZE);

	if (!pm_present(p->pme) || !pfn) {
		end_run(s);
		return;
	}
	if (s->run_len && pfn == s->last_pfn + 1 &&
	    p->vaddr == s->last_vaddr + (p->vaddr ? (uint64_t)ps : 0)) {
		s->run_len++;
	} else {
		end_run(s);
		s->run_len = 1;
	}
	s->last_pfn = pfn;
	s->last_vaddr = p->vaddr;
}

static void count_page(struct phys_summary *s, const struct phys_page *p)
{
	uint64_t e = p->pme;

	s->pages++;
	if (pm_present(e)) {
		s->present++;
		if (!pm_pfn(e))
			s->pfn_hidden++;
	} else if (pm_swapped(e)) {
		s->swapped++;
	} else {
		s->not_present++;
	}
	if (p->beyond_ram)
		s->beyond_ram++;
	if (p->have_kpf && (p->kpf & (1ULL << KPFB_THP)))
		s->thp++;
	if (p->have_kpf && (p->kpf & (1ULL << KPFB_HUGE)))
		s->hugetlb++;
	if (pm_present(e)) {
		if (p->node >= 0 && p->node < PHYS_MAX_NODES)
			s->node_pages[p->node]++;
		else
			s->node_unknown++;
	}
	count_run(s, p);
}

int phys_summary_add(struct phys_summary *s, const struct phys_page *p,
		     size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint64_t flags;

		count_page(s, &p[i]);
		if (!phys_page_flags(&p[i], s->raw, &flags))
			continue;
		/* Neighbours mostly share flags: skip the hash for them. */
		if (s->last && s->last->flags == flags + 1)
			s->last->pages++;
		else if (count_flags(s, flags))
			return -ENOMEM;
	}
	return 0;
}

static int cmp_flags(const void *a, const void *b)
{
	const struct phys_flagcount *x = a, *y = b;

	return x->flags < y->flags ? -1 : x->flags > y->flags;
}

void phys_summary_finish(struct phys_summary *s)
{
	size_t n = 0;

	end_run(s);
	s->last = NULL;
	/* Compact the table into a sorted list of real flag values. */
	for (size_t i = 0; i < s->cap; i++)
		if (s->flags[i].flags) {
			s->flags[n] = s->flags[i];
			s->flags[n++].flags--;
		}
	if (n)
		qsort(s->flags, n, sizeof(s->flags[0]), cmp_flags);
	s->cap = n;	/* no more adds */
}

static int add_cb(const struct phys_page *p, size_t n, void *arg)
{
	return phys_summary_add(arg, p, n);
}

int phys_summary_of_range(pid_t pid, uint64_t start, uint64_t npages,
			  struct phys_summary *out)
{
	struct phys_src src;
	int err = phys_src_open(&src, pid ? pid : getpid());

	phys_summary_init(out, false);
	if (err)
		return err;
	src.want_mapcount = false;
	err = phys_walk_vrange(&src, start, npages, add_cb, out);
	phys_src_close(&src);
	phys_summary_finish(out);
	if (err)
		phys_summary_free(out);
	return err;
}
