// SPDX-License-Identifier: GPL-2.0
/*
 * kbufmapctl map: which cache attribute the mapping got. The page table's
 * own answer (KBUFMAP_IOC_PGATTR, root), the memtype PAT keeps for the RAM
 * (kpageflags) or the device memory (pat_memtype_list), the line PAT logs
 * when it overrides a request, and one verdict line.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kbm_dev.h"
#include "kbufmap_matrix.h"
#include "kpageflags.h"
#include "map.h"
#include "names.h"
#include "out.h"
#include "pagemap.h"

/* Runs shown in text; JSON has them all. */
#define TEXT_RUNS	8

void map_cache_begin(struct map_result *r)
{
	r->cache.kmsg_fd = kbm_kmsg_open();
	r->cache.nruns = -ENODATA;
	r->cache.npat = -ENODATA;
	r->cache.kpf_err = -ENODATA;
}

/* The frames behind the mapping: the driver's list, or pagemap's. */
static int mapping_pfns(const struct map_opts *o, const struct kbm_mapping *m,
			const struct map_result *r, uint64_t *pfns, size_t *n)
{
	size_t npages = m->len / m->ps, k = 0;
	uint64_t *pm;
	int err;

	if (!r->foreign) {
		*n = npages;
		return kbm_get_pfns(m->fd, o->req.offset, npages, pfns);
	}
	pm = calloc(npages, sizeof(*pm));
	if (!pm)
		return -ENOMEM;
	err = pagemap_read(m->addr, npages, pm);
	for (size_t i = 0; !err && i < npages; i++)
		if (pm_present(pm[i]) && pm_pfn(pm[i]))
			pfns[k++] = pm_pfn(pm[i]);
	free(pm);
	*n = k;
	return err ? err : k ? 0 : -ENODATA;
}

/* The RAM pages' memtype from kpageflags. */
static void read_kpf(const struct map_opts *o, const struct kbm_mapping *m,
		     struct map_result *r)
{
	struct map_cache *c = &r->cache;
	uint64_t *pfns = calloc(m->len / m->ps, sizeof(*pfns));
	size_t n = 0;

	c->kpf_err = pfns ? mapping_pfns(o, m, r, pfns, &n) : -ENOMEM;
	if (!c->kpf_err)
		c->kpf_err = kbm_kpf_memtype_of(pfns, n, &c->kpf_attr, &c->kpf_mixed);
	free(pfns);
}

/* PGATTR on the buffer's fd, or on one opened for the query. */
static void read_pgattr(const struct map_opts *o, const struct kbm_mapping *m,
			struct map_result *r)
{
	struct map_cache *c = &r->cache;
	int fd = r->foreign ? kbm_dev_open_quiet(o->req.device, O_RDONLY) : m->fd;

	c->nruns = fd < 0 ? fd : kbm_pgattr_range(fd, (uintptr_t)m->addr, m->len / m->ps,
						 &c->runs);
	if (r->foreign && fd >= 0)
		close(fd);
	if (c->nruns > 0)
		kbm_attr_summarize(c->runs, (size_t)c->nruns, &c->attrs);
}

void map_cache_inspect(const struct map_opts *o, const struct kbm_mapping *m,
		       struct map_result *r)
{
	struct map_cache *c = &r->cache;
	const struct kbm_target *t = &r->target;
	struct kbm_cache_facts f = {
		.asked = r->foreign ? -1 : (int)o->req.config.cache,
		.set_memory = !!(o->req.config.flags & KBUFMAP_CONFIG_SET_MEMORY),
		.dma = !r->foreign && kbufmap_backend_is_dma(o->req.config.backend),
		.dma_wc = !r->foreign && o->req.config.backend == KBUFMAP_BACKEND_DMA_WC,
		.dma_coherent = !!(m->info.flags & KBUFMAP_INFO_DMA_COHERENT),
	};

	if (c->kmsg_fd >= 0) {
		c->log_found = kbm_kmsg_find_pat(c->kmsg_fd, (int)getpid(), &c->log);
		close(c->kmsg_fd);
		c->kmsg_fd = -1;
	} else {
		c->log_found = c->kmsg_fd;	/* why it was not read */
	}
	read_pgattr(o, m, r);
	read_kpf(o, m, r);
	if (r->foreign && t->phys_size)
		c->npat = kbm_pat_list_find(t->phys_addr, t->phys_addr + t->phys_size,
					    c->pat, sizeof(c->pat) / sizeof(c->pat[0]));
	f.pte = c->nruns > 0 ? &c->attrs : NULL;
	f.log = c->log_found == 1 ? &c->log : NULL;
	kbm_cache_verdict(&f, &c->alias, c->verdict, sizeof(c->verdict));
}

void map_cache_free(struct map_result *r)
{
	if (r->cache.kmsg_fd >= 0)
		close(r->cache.kmsg_fd);
	r->cache.kmsg_fd = -1;
	free(r->cache.runs);
	r->cache.runs = NULL;
}

/* Why a source said nothing, for the reader. */
static const char *pgattr_why(int err)
{
	switch (-err) {
	case EPERM:
	case EACCES:
		return "KBUFMAP_IOC_PGATTR needs CAP_SYS_ADMIN";
	case ENOENT:
	case ENODEV:
	case ENXIO:
		return "no /dev/kbufmap: load the module to read the page table";
	case ENOTTY:
	case EINVAL:
	case EOPNOTSUPP:
		return "this module has no KBUFMAP_IOC_PGATTR (ABI before 2.2)";
	}
	return strerror(-err);
}

static void report_run(const struct kbufmap_pgattr_run *run, bool text)
{
	enum print_type pt = text ? PRINT_ANY : PRINT_JSON;
	bool present = run->flags & KBUFMAP_PGATTR_PRESENT;

	open_json_object(NULL);
	print_hex(pt, "addr", "           PTE  %s", run->addr);
	print_uint(pt, "pages", " +%llu", run->nr_pages);
	print_bool(PRINT_JSON, "present", NULL, present);
	print_bool(PRINT_JSON, "special", NULL, run->flags & KBUFMAP_PGATTR_SPECIAL);
	print_bool(PRINT_JSON, "ram", NULL, run->flags & KBUFMAP_PGATTR_RAM);
	print_bool(PRINT_JSON, "pmd", NULL, run->flags & KBUFMAP_PGATTR_PMD);
	print_bool(PRINT_JSON, "no_vma", NULL, run->flags & KBUFMAP_PGATTR_NO_VMA);
	print_bool(PRINT_JSON, "write", NULL, run->flags & KBUFMAP_PGATTR_WRITE);
	if (text)
		print_text(": %s%s%s%s", present ? "present" : "not present",
			   run->flags & KBUFMAP_PGATTR_PMD ? ", PMD" : "",
			   run->flags & KBUFMAP_PGATTR_SPECIAL ? ", special" : "",
			   run->flags & KBUFMAP_PGATTR_RAM ? ", RAM" : ", not RAM");
	print_string(pt, "attr", ", %s", mem_attr_name(run->attr));
	print_hex(pt, "raw_bits", " (bits %s)", run->raw_bits);
	print_string(pt, "kernel_attr", ", kernel %s", mem_attr_name(run->kernel_attr));
	if (text)	/* the write bit splits runs too: show it */
		print_text("%s\n", present && !(run->flags & KBUFMAP_PGATTR_WRITE) ?
			   ", read-only" : "");
	close_json_object();
}

static void report_pte(const struct map_cache *c)
{
	if (c->nruns < 0) {
		print_null(PRINT_JSON, "pte", NULL, NULL);
		print_string(PRINT_ANY, "pte_error", "           PTE  unknown: %s\n",
			     pgattr_why(c->nruns));
		return;
	}
	print_string(PRINT_JSON, "pte", NULL, c->attrs.present ?
		     (c->attrs.pte_mixed ? "mixed" : mem_attr_name(c->attrs.pte_attr)) : NULL);
	print_string(PRINT_JSON, "kernel", NULL, c->attrs.ram && !c->attrs.kernel_mixed ?
		     mem_attr_name(c->attrs.kernel_attr) : NULL);
	open_json_array("runs");
	for (int i = 0; i < c->nruns; i++)
		report_run(&c->runs[i], i < TEXT_RUNS);
	close_json_array();
	if (c->nruns > TEXT_RUNS)
		print_text("           PTE  ... %d runs in all (--json lists them)\n", c->nruns);
}

static void report_kpf(const struct map_cache *c)
{
	if (c->kpf_err) {
		print_null(PRINT_JSON, "kpageflags", NULL, NULL);
		if (c->kpf_err != -ENODATA)
			print_text("           kpageflags memtype unknown: %s\n",
				   c->kpf_err == -EPERM || c->kpf_err == -EACCES ?
				   "PFNs and /proc/kpageflags need CAP_SYS_ADMIN" :
				   strerror(-c->kpf_err));
		return;
	}
	print_string(PRINT_ANY, "kpageflags", "           kpageflags memtype %s",
		     c->kpf_mixed ? "mixed" : mem_attr_name(c->kpf_attr));
	print_text(" (PAT's record for the RAM: bits 38 and %u)\n", kpf_memtype_uc_bit());
}

static void report_log(const struct map_cache *c)
{
	if (c->log_found == 1)
		print_string(PRINT_ANY, "pat_log", "           log  %s\n", c->log.line);
	else
		print_null(PRINT_JSON, "pat_log", NULL, NULL);
	if (c->log_found < 0)
		print_string(PRINT_ANY, "pat_log_error", "           log  unread: /dev/kmsg: %s\n",
			     c->log_found == -EPERM ? "dmesg is restricted (CAP_SYSLOG)" :
			     strerror(-c->log_found));
}

static void report_pat_list(const struct map_result *r)
{
	const struct map_cache *c = &r->cache;
	bool ram_ptes = c->nruns > 0 && c->attrs.ram;

	if (!r->foreign || !r->target.phys_size)
		return;
	open_json_object("device_memory");
	print_hex(PRINT_ANY, "start", "           device memory %s", r->target.phys_addr);
	print_hex(PRINT_ANY, "end", "-%s", r->target.phys_addr + r->target.phys_size);
	/* fbdev emulation over a shadow buffer: the PTEs map RAM, not the BAR */
	print_bool(PRINT_JSON, "behind_ptes", NULL, !ram_ptes);
	if (ram_ptes)
		print_text(" (not behind these PTEs: they map RAM, which the driver copies to it)");
	if (c->npat < 0) {
		print_null(PRINT_JSON, "pat_memtype_list", NULL, NULL);
		print_string(PRINT_ANY, "pat_memtype_list_error", ": pat_memtype_list unread: %s\n",
			     c->npat == -ENODEV ? "debugfs is not mounted on /sys/kernel/debug" :
			     c->npat == -ENOENT ? "no " KBM_PAT_MEMTYPE_LIST " (PAT disabled?)" :
			     c->npat == -EACCES ? "root only" : strerror(-c->npat));
		close_json_object();
		return;
	}
	print_text(c->npat ? "\n" : ": not in pat_memtype_list\n");
	open_json_array("pat_memtype_list");
	for (int i = 0; i < c->npat; i++) {
		open_json_object(NULL);
		print_hex(PRINT_ANY, "start", "           pat_memtype_list [mem %s", c->pat[i].start);
		print_hex(PRINT_ANY, "end", "-%s]", c->pat[i].end);
		print_string(PRINT_ANY, "attr", " %s\n", mem_attr_name(c->pat[i].attr));
		close_json_object();
	}
	close_json_array();
	close_json_object();
}

void map_cache_report(const struct map_opts *o, const struct map_result *r)
{
	const struct map_cache *c = &r->cache;

	open_json_object("cache");
	if (r->foreign) {
		print_null(PRINT_JSON, "asked", NULL, NULL);
		print_text("cache      the driver's choice\n");
	} else {
		print_string(PRINT_ANY, "asked", "cache      asked %s", cache_name(o->req.config.cache));
		print_bool(PRINT_JSON, "set_memory", NULL,
			   o->req.config.flags & KBUFMAP_CONFIG_SET_MEMORY);
		print_text("%s\n", o->req.config.flags & KBUFMAP_CONFIG_SET_MEMORY ?
			   " --set-memory" : "");
	}
	report_pte(c);
	report_kpf(c);
	report_log(c);
	report_pat_list(r);
	print_bool(PRINT_JSON, "alias", NULL, c->alias);
	print_string(PRINT_ANY, "verdict", "verdict    %s\n", c->verdict);
	close_json_object();
}
