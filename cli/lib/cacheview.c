// SPDX-License-Identifier: GPL-2.0
/*
 * The cache attribute of a mapping from the page table, PAT's memtype
 * list, PAT's log line and kpageflags (cacheview.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "cacheview.h"
#include "kbm_dev.h"
#include "kpageflags.h"
#include "names.h"

#define DEBUGFS_MAGIC	0x64626720

/* ---- the page table -------------------------------------------------------- */

static bool runs_agree(const struct kbufmap_pgattr_run *a,
		       const struct kbufmap_pgattr_run *b, size_t ps)
{
	return a->addr + a->nr_pages * ps == b->addr && a->flags == b->flags &&
	       a->attr == b->attr && a->kernel_attr == b->kernel_attr &&
	       a->raw_bits == b->raw_bits;
}

size_t kbm_pgattr_merge(struct kbufmap_pgattr_run *runs, size_t n)
{
	size_t ps = (size_t)sysconf(_SC_PAGESIZE), out = 0;

	for (size_t i = 0; i < n; i++) {
		if (out && runs_agree(&runs[out - 1], &runs[i], ps))
			runs[out - 1].nr_pages += runs[i].nr_pages;
		else
			runs[out++] = runs[i];
	}
	return out;
}

/* Runs asked per call: a few pages of them, grown as needed. */
#define PGATTR_BATCH	256

int kbm_pgattr_range(int fd, uint64_t addr, uint64_t npages,
		     struct kbufmap_pgattr_run **runs)
{
	size_t ps = (size_t)sysconf(_SC_PAGESIZE), n = 0, cap = 0;
	struct kbufmap_pgattr_run *r = NULL;

	while (npages) {
		uint64_t ask = npages < KBUFMAP_PGATTR_MAX_PAGES ? npages :
			       KBUFMAP_PGATTR_MAX_PAGES, done = 0;
		int got;

		if (cap - n < PGATTR_BATCH) {
			void *p = realloc(r, (cap + PGATTR_BATCH) * sizeof(*r));

			if (!p) {
				free(r);
				return -ENOMEM;
			}
			r = p;
			cap += PGATTR_BATCH;
		}
		got = kbm_pgattr(fd, addr, ask, r + n, PGATTR_BATCH, &done);
		if (got < 0 || (got > 0 && !done) || done > ask) {
			free(r);
			return got < 0 ? got : -EIO;	/* a module that made no progress */
		}
		n = kbm_pgattr_merge(r, n + (size_t)got);
		addr += done * ps;
		npages -= done;
		if (!got)
			break;
	}
	*runs = r;
	return (int)n;
}

void kbm_attr_summarize(const struct kbufmap_pgattr_run *runs, size_t n,
			struct kbm_attr_summary *s)
{
	*s = (struct kbm_attr_summary){ .pte_attr = KBUFMAP_ATTR_NONE,
					.kernel_attr = KBUFMAP_ATTR_NONE };
	for (size_t i = 0; i < n; i++) {
		const struct kbufmap_pgattr_run *r = &runs[i];

		if (!(r->flags & KBUFMAP_PGATTR_PRESENT))
			continue;
		if (s->present && r->attr != s->pte_attr)
			s->pte_mixed = true;
		if (!s->present)
			s->pte_attr = r->attr;
		s->present += r->nr_pages;
		s->special |= !!(r->flags & KBUFMAP_PGATTR_SPECIAL);
		s->pmd |= !!(r->flags & KBUFMAP_PGATTR_PMD);
		if (!(r->flags & KBUFMAP_PGATTR_RAM))
			continue;
		if (s->ram && r->kernel_attr != s->kernel_attr)
			s->kernel_mixed = true;
		if (!s->ram)
			s->kernel_attr = r->kernel_attr;
		s->ram = true;
	}
}

/* ---- PAT's memtype list ---------------------------------------------------- */

/* PAT's cattr_name() words. */
static const struct { const char *name; unsigned int attr; } pat_names[] = {
	{ "write-back", KBUFMAP_ATTR_WB },
	{ "write-combining", KBUFMAP_ATTR_WC },
	{ "uncached-minus", KBUFMAP_ATTR_UC_MINUS },
	{ "uncached", KBUFMAP_ATTR_UC },
	{ "write-through", KBUFMAP_ATTR_WT },
	{ "write-protected", KBUFMAP_ATTR_WP },
};

int kbm_pat_attr_from_name(const char *name, size_t len)
{
	for (size_t i = 0; i < sizeof(pat_names) / sizeof(pat_names[0]); i++)
		if (strlen(pat_names[i].name) == len && !strncmp(name, pat_names[i].name, len))
			return (int)pat_names[i].attr;
	return -1;
}

/* A PAT type word at @s (up to a blank, ',' or the end): its attr, or -1. */
static int attr_word(const char *s, const char **end)
{
	size_t len = strcspn(s, " ,\n");

	*end = s + len;
	return kbm_pat_attr_from_name(s, len);
}

int kbm_pat_entry_parse(const char *line, struct kbm_pat_entry *e)
{
	unsigned long long a, b;
	const char *end;
	char word[32];
	int n = 0, attr;

	if (sscanf(line, "PAT: [mem %llx-%llx] %n", &a, &b, &n) == 2 && n) {
		attr = attr_word(line + n, &end);
	} else if (sscanf(line, "%31s @ %llx-%llx", word, &a, &b) == 3) {
		attr = kbm_pat_attr_from_name(word, strlen(word));	/* before 5.5 */
	} else {
		return -EINVAL;
	}
	if (attr < 0 || b <= a)
		return -EINVAL;
	*e = (struct kbm_pat_entry){ .start = a, .end = b, .attr = (unsigned int)attr };
	return 0;
}

int kbm_pat_list_scan(FILE *f, uint64_t start, uint64_t end,
		      struct kbm_pat_entry *out, size_t max)
{
	char line[256];
	size_t n = 0;

	while (n < max && fgets(line, sizeof(line), f)) {
		struct kbm_pat_entry e;

		if (kbm_pat_entry_parse(line, &e) == 0 && e.start < end && e.end > start)
			out[n++] = e;
	}
	return (int)n;
}

int kbm_pat_list_find(uint64_t start, uint64_t end,
		      struct kbm_pat_entry *out, size_t max)
{
	struct statfs sfs;
	FILE *f;
	int n;

	if (statfs("/sys/kernel/debug", &sfs) || sfs.f_type != DEBUGFS_MAGIC)
		return -ENODEV;
	f = fopen(KBM_PAT_MEMTYPE_LIST, "re");
	if (!f)
		return -errno;
	n = kbm_pat_list_scan(f, start, end, out, max);
	fclose(f);
	return n;
}

/* ---- PAT's log line --------------------------------------------------------- */

/* "[mem A-B], got TYPE" at @s into @out. */
static int parse_range_got(const char *s, struct kbm_pat_log *out)
{
	unsigned long long a, b;
	const char *end;
	int n = 0, got;

	if (sscanf(s, "[mem %llx-%llx], got %n", &a, &b, &n) != 2 || !n)
		return -EINVAL;
	got = attr_word(s + n, &end);
	if (got < 0)
		return -EINVAL;
	out->start = a;
	out->end = b;
	out->got = (unsigned int)got;
	return 0;
}

int kbm_pat_log_parse(const char *msg, struct kbm_pat_log *out)
{
	static const char prefix[] = "x86/PAT: ", ram[] = " map pfn RAM range req ",
			  io[] = " map pfn expected mapping type ";
	const char *p, *colon, *rest, *end;
	int req;

	if (strncmp(msg, prefix, sizeof(prefix) - 1))
		return -EINVAL;
	p = msg + sizeof(prefix) - 1;
	memset(out, 0, sizeof(*out));
	rest = strstr(p, ram);
	out->ram = rest != NULL;
	if (!rest)
		rest = strstr(p, io);
	if (!rest)
		return -EINVAL;
	/* comm may hold ':' itself: the pid follows the last one */
	for (colon = rest; colon > p && *colon != ':'; colon--)
		;
	if (colon == p || (size_t)(colon - p) >= sizeof(out->comm) ||
	    sscanf(colon + 1, "%d", &out->pid) != 1)
		return -EINVAL;
	memcpy(out->comm, p, (size_t)(colon - p));
	rest += out->ram ? sizeof(ram) - 1 : sizeof(io) - 1;
	req = attr_word(rest, &end);
	if (req < 0 || strncmp(end, " for ", 5) || parse_range_got(end + 5, out))
		return -EINVAL;
	out->req = (unsigned int)req;
	snprintf(out->line, sizeof(out->line), "%.*s", (int)strcspn(msg, "\n"), msg);
	return 0;
}

int kbm_kmsg_open(void)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	if (lseek(fd, 0, SEEK_END) < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

bool kbm_kmsg_record_pat(const char *rec, int pid, struct kbm_pat_log *out)
{
	const char *msg = strchr(rec, ';');

	return msg && kbm_pat_log_parse(msg + 1, out) == 0 && out->pid == pid;
}

int kbm_kmsg_find_pat(int fd, int pid, struct kbm_pat_log *out)
{
	char rec[8192];

	for (;;) {
		ssize_t n = read(fd, rec, sizeof(rec) - 1);

		if (n < 0 && errno == EPIPE)	/* overwritten records: go on */
			continue;
		if (n < 0)
			return errno == EAGAIN ? 0 : -errno;
		rec[n] = '\0';
		if (kbm_kmsg_record_pat(rec, pid, out))
			return 1;
	}
}

/* ---- RAM pages' memtype ------------------------------------------------------ */

int kbm_kpf_memtype_of(const uint64_t *pfns, size_t n, unsigned int *attr,
		       bool *mixed)
{
	int fd, err = 0;

	*attr = KBUFMAP_ATTR_NONE;
#ifndef __x86_64__
	/* only x86's PAT records a memtype per page (kpf_memtype()) */
	(void)pfns;
	(void)n;
	*mixed = false;
	return -ENODATA;
#endif
	fd = open("/proc/kpageflags", O_RDONLY | O_CLOEXEC);
	*mixed = false;
	if (fd < 0)
		return -errno;
	for (size_t i = 0; i < n && !err; i++) {
		uint64_t kpf;
		ssize_t got = pread(fd, &kpf, sizeof(kpf), (off_t)(pfns[i] * sizeof(kpf)));
		unsigned int a;

		if (got != (ssize_t)sizeof(kpf)) {
			err = got < 0 ? -errno : -ENOENT;
			break;
		}
		a = kpf_memtype(kpf);
		if (i && a != *attr)
			*mixed = true;
		if (!i)
			*attr = a;
	}
	close(fd);
	return err;
}

/* ---- the verdict ------------------------------------------------------------- */

bool kbm_cache_matches(unsigned int cache, unsigned int attr)
{
	switch (cache) {
	case KBUFMAP_CACHE_WB:
		return attr == KBUFMAP_ATTR_WB;
	case KBUFMAP_CACHE_WC:
		return attr == KBUFMAP_ATTR_WC;
	case KBUFMAP_CACHE_UC:	/* pgprot_noncached(): UC- on x86, Device on arm64 */
		return attr == KBUFMAP_ATTR_UC_MINUS || attr == KBUFMAP_ATTR_UC ||
		       attr == KBUFMAP_ATTR_DEVICE_nGnRnE;
	}
	return false;
}

/* "WC" for cache mode wc. */
static const char *asked_name(int cache)
{
	static const char *const up[] = { "WB", "WC", "UC" };

	return cache >= 0 && cache < KBUFMAP_CACHE_COUNT ? up[cache] : "?";
}

/* Another driver's mapping: what it got, and an alias if there is one. */
static const char *verdict_foreign(const struct kbm_attr_summary *s, bool *alias,
				   char *buf, size_t len)
{
	const char *pte = mem_attr_name(s->pte_attr);

	if (*alias)
		snprintf(buf, len, "PTE %s while the kernel maps it %s: memory-type alias",
			 pte, mem_attr_name(s->kernel_attr));
	else
		snprintf(buf, len, "PTE %s: the driver's choice%s", pte,
			 s->ram ? ", the kernel's mapping alike" : " (not RAM)");
	return buf;
}

/*
 * PAT's silent override: raw-PFN PTEs (vmf_insert_pfn(), a per-page
 * remap_pfn_range()) of RAM get the memtype PAT tracks for the page, which
 * is the kernel mapping's. Page-backed PTEs never pass through PAT.
 */
static bool pat_silent_override(const struct kbm_attr_summary *s)
{
	return s->ram && s->special && !s->kernel_mixed && s->kernel_attr == s->pte_attr;
}

/*
 * The PTE is not what was asked. PAT's log line names the override first:
 * dma_mmap_*() on a DMA-coherent device passes the asked attribute on to
 * remap_pfn_range(), where PAT overrides it as for any whole-VMA remap.
 */
static const char *verdict_override(const struct kbm_cache_facts *f,
				    char *buf, size_t len)
{
	const char *asked = asked_name(f->asked), *got = mem_attr_name(f->pte->pte_attr);

	if (f->log && f->log->ram)
		snprintf(buf, len, "asked %s, got %s: PAT override (%s)", asked, got,
			 f->log->line);
	else if (f->dma && !f->dma_coherent)
		snprintf(buf, len, "asked %s, got %s: the DMA API chose it (a device that "
			 "is not DMA-coherent: dma_mmap_*() maps with dma_pgprot())", asked, got);
	else if (pat_silent_override(f->pte))
		snprintf(buf, len, "asked %s, got %s: PAT override, silent (the kernel logs "
			 "only a whole-VMA remap_pfn_range() of RAM)", asked, got);
	else if (f->pte->ram && !f->pte->special)
		snprintf(buf, len, "asked %s, got %s: not PAT's doing (page-backed PTEs take "
			 "the mapping's attribute as it is): the driver set another one", asked, got);
	else if (f->pte->ram)
		snprintf(buf, len, "asked %s, got %s: not PAT's doing (PAT gives the page's "
			 "memtype, %s): the driver set another one", asked, got,
			 mem_attr_name(f->pte->kernel_attr));
	else
		snprintf(buf, len, "asked %s, got %s", asked, got);
	return buf;
}

/* An override can leave an alias too (--set-memory, then another attribute). */
static void verdict_override_alias(const struct kbm_cache_facts *f, bool alias,
				   char *buf, size_t len)
{
	size_t n = strlen(verdict_override(f, buf, len));

	if (alias && n < len)
		snprintf(buf + n, len - n, "; a memory-type alias too: the kernel maps it %s",
			 mem_attr_name(f->pte->kernel_attr));
}

/* What was asked is what the PTEs hold: say what else is worth knowing. */
static const char *verdict_match(const struct kbm_cache_facts *f, bool alias,
				 char *buf, size_t len)
{
	const struct kbm_attr_summary *s = f->pte;
	const char *pte = mem_attr_name(s->pte_attr);

	if (alias)
		snprintf(buf, len, "PTE %s while the kernel maps it %s: memory-type alias",
			 pte, mem_attr_name(s->kernel_attr));
	else if (s->ram && s->kernel_attr == s->pte_attr && s->pte_attr != KBUFMAP_ATTR_WB)
		snprintf(buf, len, "asked %s, got %s (the kernel's mapping %s too%s)",
			 asked_name(f->asked), pte, mem_attr_name(s->kernel_attr),
			 f->set_memory ? ": --set-memory" : "");
	else if (f->dma_wc && f->dma_coherent && s->pte_attr == KBUFMAP_ATTR_WB)
		snprintf(buf, len, "asked %s, got %s (dma_mmap_wc() dropped write-combining: "
			 "a DMA-coherent device keeps the VMA's attribute)", asked_name(f->asked), pte);
	else
		snprintf(buf, len, "asked %s, got %s", asked_name(f->asked), pte);
	return buf;
}

const char *kbm_cache_verdict(const struct kbm_cache_facts *f, bool *alias,
			      char *buf, size_t len)
{
	const struct kbm_attr_summary *s = f->pte;
	bool is_alias;

	if (!s) {
		snprintf(buf, len, "unknown: the page table was not read");
		is_alias = false;
		goto out;
	}
	is_alias = s->present && s->ram && !s->kernel_mixed &&
		   s->kernel_attr != KBUFMAP_ATTR_NONE && s->kernel_attr != s->pte_attr;
	if (!s->present)
		snprintf(buf, len, "nothing mapped yet: no page-table entry to read");
	else if (s->pte_mixed)
		snprintf(buf, len, "the page-table entries disagree: see the runs");
	else if (f->asked < 0)
		verdict_foreign(s, &is_alias, buf, len);
	else if (!kbm_cache_matches((unsigned int)f->asked, s->pte_attr))
		verdict_override_alias(f, is_alias, buf, len);
	else
		verdict_match(f, is_alias, buf, len);
out:
	if (alias)
		*alias = is_alias;
	return buf;
}
