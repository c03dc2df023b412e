// SPDX-License-Identifier: GPL-2.0
/*
 * kbufmapctl phys output: --list-each (a line per page), --list (runs of
 * pages with equal flags, as page-types -l), and the summary, whose flag
 * table has page-types' exact shape so the two compare line by line.
 * Each as a table, JSON (-j) or CSV (--csv).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cacheview.h"
#include "clock.h"
#include "kbm_dev.h"
#include "names.h"
#include "out.h"
#include "pagemap_bits.h"
#include "pagemap.h"
#include "phys.h"
#include "procfs.h"

/* JSON "0x..."; text: @text_style 16 (zero-padded), 'x' (0x, 16 digits)
 * or 0 (nothing). */
static void print_hex_str(const char *key, int text_style, uint64_t v)
{
	print_hex(PRINT_JSON, key, NULL, v);
	if (text_style == 16)
		print_text("%016" PRIx64, v);
	else if (text_style == 'x')
		print_text("0x%016" PRIx64, v);
}

static bool pfn_known(const struct phys_page *p)
{
	return pm_present(p->pme) && pm_pfn(p->pme);
}

/*
 * The PFN column: text @pfn as page-types prints it (hex, or "-"); JSON
 * "0x..." or null, and a swapped page's swap type and offset.
 */
static void print_pfn(const struct phys_page *p, const char *pfn)
{
	uint64_t f = pm_pfn(p->pme);

	print_text(" %12s", pfn);
	if (pfn_known(p)) {
		print_hex(PRINT_JSON, "pfn", NULL, f);
		return;
	}
	print_null(PRINT_JSON, "pfn", NULL, NULL);
	if (pm_swapped(p->pme)) {
		print_uint(PRINT_JSON, "swap_type", NULL, f & 31);
		print_hex(PRINT_JSON, "swap_offset", NULL, f >> 5);
	}
}

/* One CSV field (RFC 4180): quoted when it holds a comma, quote or newline. */
static void csv_field(const char *v, bool last)
{
	if (strpbrk(v, ",\"\r\n")) {
		putchar('"');
		for (; *v; v++) {
			if (*v == '"')
				putchar('"');
			putchar(*v);
		}
		putchar('"');
	} else {
		fputs(v, stdout);
	}
	putchar(last ? '\n' : ',');
}

/* A CSV number is a number: the PFN in decimal, empty when not known. */
static void csv_pfn(const struct phys_page *p)
{
	if (pfn_known(p))
		printf("%" PRIu64, pm_pfn(p->pme));
	putchar(',');
}

/* Where the rows' PFNs come from: the driver's own list for a raw-PFN
 * buffer (pagemap cannot see it), the frames of --pfn, or pagemap. */
static const char *row_view(const struct phys_out *po)
{
	return po->kernel_view ? "kernel" : po->o->pfn ? "frame" : "pagemap";
}

/* The PTE attribute at @vaddr from the PGATTR runs: NONE when unknown. */
static unsigned int pte_attr_at(const struct phys_out *po, uint64_t vaddr)
{
	uint64_t ps = (uint64_t)po->src->ps;

	for (size_t i = 0; vaddr && i < po->nruns; i++) {
		const struct kbufmap_pgattr_run *r = &po->runs[i];

		if (vaddr >= r->addr && vaddr < r->addr + r->nr_pages * ps)
			return r->flags & KBUFMAP_PGATTR_PRESENT ? r->attr : KBUFMAP_ATTR_NONE;
	}
	return KBUFMAP_ATTR_NONE;
}

/* The memtype PAT recorded for the page (kpageflags): NONE when unknown. */
static unsigned int memtype_of(const struct phys_page *p)
{
	return p->have_kpf && !p->beyond_ram && pm_present(p->pme) ?
	       kpf_memtype(p->kpf) : KBUFMAP_ATTR_NONE;
}

/* "WC", or "-" (JSON null) when unknown. */
static const char *attr_or_dash(unsigned int a)
{
	return a == KBUFMAP_ATTR_NONE ? "-" : mem_attr_name(a);
}

/* The two memtype columns, after the others: text, JSON or CSV. */
static void print_memtypes(const struct phys_out *po, unsigned int pte, unsigned int mt)
{
	if (po->o->csv) {
		printf("%s,%s", attr_or_dash(pte), attr_or_dash(mt));
		return;
	}
	if (pte == KBUFMAP_ATTR_NONE)
		print_null(PRINT_ANY, "pte", "  pte %s", "-");
	else
		print_string(PRINT_ANY, "pte", "  pte %s", mem_attr_name(pte));
	if (mt == KBUFMAP_ATTR_NONE)
		print_null(PRINT_ANY, "memtype", " memtype %s", "-");
	else
		print_string(PRINT_ANY, "memtype", " memtype %s", mem_attr_name(mt));
}

size_t phys_pgattr_load(const struct phys_opts *o, int fd, const void *map,
			uint64_t pages, struct kbufmap_pgattr_run **runs)
{
	int own, n;

	*runs = NULL;
	if (o->shape == SHAPE_SUMMARY)	/* no rows to put the column in */
		return 0;
	own = fd < 0 ? kbm_dev_open_quiet(o->ctx->device, O_RDONLY) : -1;
	n = own < 0 && fd < 0 ? own :
	    kbm_pgattr_range(fd < 0 ? own : fd, (uintptr_t)map, pages, runs);
	if (own >= 0)
		close(own);
	if (n >= 0)
		return (size_t)n;
	*runs = NULL;
	print_string(PRINT_ANY, "pte_note", "pte          %s\n",
		     n == -EPERM || n == -EACCES ?
		     "unknown: the page table's attribute (KBUFMAP_IOC_PGATTR) needs CAP_SYS_ADMIN" :
		     n == -ENOENT || n == -ENODEV || n == -ENXIO ?
		     "unknown: no /dev/kbufmap to read the page table with" :
		     "unknown: this module has no KBUFMAP_IOC_PGATTR");
	return 0;
}

static void print_page(const struct phys_out *po, const struct phys_page *p,
		       uint64_t flags, bool counted)
{
	char pm[96], longname[512] = "", pfn[24] = "-";
	uint64_t f = pm_pfn(p->pme);

	pm_bit_names(p->pme, pm, sizeof(pm));
	if (counted)
		kpf_longname(flags, longname, sizeof(longname));
	if (pfn_known(p))
		snprintf(pfn, sizeof(pfn), "%" PRIx64, f);
	else if (pm_swapped(p->pme))	/* type:offset, as the kernel encodes it */
		snprintf(pfn, sizeof(pfn), "swap%" PRIu64 ":%" PRIx64, f & 31, f >> 5);
	if (po->o->csv) {
		printf("0x%" PRIx64 ",", p->vaddr);
		csv_pfn(p);
		printf("%s,%d,%" PRIu64 ",", row_view(po), p->node, p->mapcount);
		csv_field(pm, false);
		printf("0x%" PRIx64 ",", flags);
		csv_field(longname, false);
		print_memtypes(po, pte_attr_at(po, p->vaddr), memtype_of(p));
		putchar('\n');
		return;
	}
	open_json_object(NULL);
	print_hex_str("vaddr", 16, p->vaddr);
	print_pfn(p, pfn);
	print_string(PRINT_ANY, "view", " %-7s", row_view(po));
	print_int(PRINT_ANY, "node", " %4lld", p->node);
	print_uint(PRINT_ANY, "mapcount", " %6llu", p->mapcount);
	print_string(PRINT_ANY, "pagemap", "  %-34s", pm[0] ? pm : "-");
	print_hex_str("flags", 0, flags);
	print_string(PRINT_ANY, "flag_names", " %s", longname);
	print_memtypes(po, pte_attr_at(po, p->vaddr), memtype_of(p));
	print_text("\n");
	close_json_object();
}

/* Print the --list range being merged. */
static void flush_range(struct phys_out *po)
{
	const struct phys_page *p = &po->first;
	char longname[512], sym[80], pfn[24] = "-";

	if (!po->len)
		return;
	if (pfn_known(p))
		snprintf(pfn, sizeof(pfn), "%" PRIx64, pm_pfn(p->pme));
	kpf_longname(po->flags, longname, sizeof(longname));
	kpf_symbolic(po->flags, sym, sizeof(sym));
	if (po->o->csv) {
		printf("0x%" PRIx64 ",", p->vaddr);
		csv_pfn(p);
		printf("%s,%" PRIu64 ",%d,%" PRIu64 ",0x%" PRIx64 ",",
		       row_view(po), po->len, p->node, p->mapcount, po->flags);
		csv_field(longname, false);
		print_memtypes(po, po->first_pte, po->first_memtype);
		putchar('\n');
	} else {
		open_json_object(NULL);
		print_hex_str("vaddr", 16, p->vaddr);
		print_pfn(p, pfn);
		print_string(PRINT_ANY, "view", " %-7s", row_view(po));
		print_uint(PRINT_ANY, "pages", " %8llu", po->len);
		print_int(PRINT_ANY, "node", " %4lld", p->node);
		print_uint(PRINT_ANY, "mapcount", " %6llu", p->mapcount);
		print_hex_str("flags", 0, po->flags);
		print_string(PRINT_FP, NULL, "  %s", sym);
		print_string(PRINT_ANY, "flag_names", " %s", longname);
		print_memtypes(po, po->first_pte, po->first_memtype);
		print_text("\n");
		close_json_object();
	}
	po->len = 0;
}

/* Does @p extend the range being merged (next frame, same everything)? */
static bool extends(const struct phys_out *po, const struct phys_page *p,
		    uint64_t flags)
{
	const struct phys_page *f = &po->first;
	uint64_t ps = (uint64_t)po->src->ps;

	return po->len && flags == po->flags && p->node == f->node &&
	       pte_attr_at(po, p->vaddr) == po->first_pte && memtype_of(p) == po->first_memtype &&
	       p->mapcount == f->mapcount && pfn_known(p) == pfn_known(f) &&
	       (!pfn_known(p) || pm_pfn(p->pme) == pm_pfn(f->pme) + po->len) &&
	       (!f->vaddr || p->vaddr == f->vaddr + po->len * ps);
}

static void list_range(struct phys_out *po, const struct phys_page *p,
		       uint64_t flags)
{
	if (extends(po, p, flags)) {
		po->len++;
		return;
	}
	flush_range(po);
	po->first = *p;
	po->flags = flags;
	po->first_pte = pte_attr_at(po, p->vaddr);
	po->first_memtype = memtype_of(p);
	po->len = 1;
}

/*
 * Is @p a row of --list/--list-each? As page-types -l/-L: the pages it
 * counts (flags read, or swapped), not the holes, not the frames past the
 * end of RAM; without root also the present pages (pagemap hides their
 * PFN: what may be seen). --all-pages: every page.
 */
static bool listed(const struct phys_out *po, const struct phys_page *p,
		   bool counted)
{
	return counted || po->o->all_pages ||
	       (po->src->pfns_hidden && pm_present(p->pme));
}

int phys_out_batch(const struct phys_page *p, size_t n, void *arg)
{
	struct phys_out *po = arg;
	const struct phys_opts *o = po->o;

	progress_step(&po->progress, n, now_ns());
	if (o->shape == SHAPE_SUMMARY && !o->nfilter)	/* the common, big case */
		return phys_summary_add(&po->sum, p, n);
	for (size_t i = 0; i < n; i++) {
		uint64_t flags = 0;
		bool counted = phys_page_flags(&p[i], o->raw, &flags);

		if (o->nfilter && !(counted &&
				    kpf_filter_ok(o->filter, o->nfilter, flags)))
			continue;
		if (phys_summary_add(&po->sum, &p[i], 1))
			return -ENOMEM;
		if (!listed(po, &p[i], counted))
			continue;
		if (o->shape == SHAPE_EACH)
			print_page(po, &p[i], flags, counted);
		else if (o->shape == SHAPE_LIST)
			list_range(po, &p[i], flags);
	}
	return 0;
}

void phys_out_begin(struct phys_out *po, const struct phys_opts *o,
		    struct phys_src *src, bool kernel_view, uint64_t total)
{
	bool rows = o->shape != SHAPE_SUMMARY;

	*po = (struct phys_out){ .o = o, .src = src, .kernel_view = kernel_view };
	phys_summary_init(&po->sum, o->raw);
	progress_init(&po->progress, stderr,
		      progress_wanted(isatty(STDERR_FILENO), isatty(STDOUT_FILENO),
				      rows, o->ctx->quiet),
		      "phys", total, now_ns());
	if (!rows)
		return;
	if (o->csv) {
		puts(o->shape == SHAPE_EACH ?
		     "vaddr,pfn,view,node,mapcount,pagemap,flags,flag_names,pte,memtype" :
		     "vaddr,pfn,view,pages,node,mapcount,flags,flag_names,pte,memtype");
		return;
	}
	open_json_array(o->shape == SHAPE_EACH ? "pages" : "ranges");
	if (!out_is_json())
		printf("%-16s %12s %-7s %s%4s %6s  %s\n", "vaddr", "pfn", "view",
		       o->shape == SHAPE_EACH ? "" : "   pages ", "node",
		       "mapcnt", o->shape == SHAPE_EACH ?
		       "pagemap                             flags  (pte, memtype)" :
		       "flags  (pte, memtype)");
}

static void print_runs(const struct phys_summary *s)
{
	open_json_object("pfn_runs");
	print_uint(PRINT_ANY, "count", "pfn runs     %llu", s->runs);
	print_uint(PRINT_ANY, "longest", ", longest %llu pages", s->longest_run);
	print_text("; lengths:");
	open_json_array("histogram");
	for (unsigned int i = 0; i < 64; i++) {
		if (!s->run_hist[i])
			continue;
		open_json_object(NULL);
		print_uint(PRINT_ANY, "min_pages", " %llu", 1ULL << i);
		print_uint(PRINT_ANY, "max_pages", "-%llu", (2ULL << i) - 1);
		print_uint(PRINT_ANY, "runs", ":%llu", s->run_hist[i]);
		close_json_object();
	}
	close_json_array();
	print_text("\n");
	close_json_object();
}

static void print_nodes(const struct phys_summary *s)
{
	print_text("nodes       ");
	open_json_array("nodes");
	for (int i = 0; i < PHYS_MAX_NODES; i++) {
		if (!s->node_pages[i])
			continue;
		open_json_object(NULL);
		print_int(PRINT_ANY, "node", " node %lld:", i);
		print_uint(PRINT_ANY, "pages", " %llu", s->node_pages[i]);
		close_json_object();
	}
	close_json_array();
	print_uint(PRINT_JSON, "node_unknown", NULL, s->node_unknown);
	if (s->node_unknown)
		print_text(" unknown: %llu", (unsigned long long)s->node_unknown);
	print_text("\n");
}

static uint64_t pages_mb(uint64_t pages)
{
	return pages * (uint64_t)sysconf(_SC_PAGESIZE) >> 20;
}

/* page-types' show_summary(), line for line. */
static void print_flag_table(const struct phys_summary *s, bool csv)
{
	char sym[80], longname[512];
	uint64_t total = 0;

	if (csv)
		puts("flags,page_count,mb,symbolic_flags,long_symbolic_flags");
	else
		print_text("             flags\tpage-count       MB  symbolic-flags\t\t\tlong-symbolic-flags\n");
	open_json_array("flags");
	for (size_t i = 0; i < s->nflags; i++) {
		const struct phys_flagcount *f = &s->flags[i];

		kpf_symbolic(f->flags, sym, sizeof(sym));
		kpf_longname(f->flags, longname, sizeof(longname));
		total += f->pages;
		if (csv) {
			printf("0x%016" PRIx64 ",%" PRIu64 ",%" PRIu64 ",",
			       f->flags, f->pages, pages_mb(f->pages));
			csv_field(sym, false);
			csv_field(longname, true);
			continue;
		}
		open_json_object(NULL);
		print_hex_str("flags", 'x', f->flags);
		print_uint(PRINT_ANY, "pages", "\t%10llu", f->pages);
		print_uint(PRINT_ANY, "mb", " %8llu", pages_mb(f->pages));
		print_string(PRINT_ANY, "symbolic", "  %s", sym);
		print_string(PRINT_ANY, "long", "\t%s\n", longname);
		close_json_object();
	}
	close_json_array();
	if (!csv)
		print_text("             total\t%10llu %8llu\n",
			   (unsigned long long)total,
			   (unsigned long long)pages_mb(total));
}

/* smaps' own count of huge mappings, beside kpageflags' THP pages. */
static void print_smaps(const struct phys_out *po)
{
	if (!po->have_smaps)
		return;
	open_json_object("smaps");
	print_u64(PRINT_ANY, "anon_huge_kb", "smaps        AnonHugePages %" PRIu64 " kB",
		  po->anon_huge_kb);
	print_u64(PRINT_ANY, "file_pmd_kb", ", FilePmdMapped %" PRIu64 " kB", po->file_pmd_kb);
	print_u64(PRINT_ANY, "mappings", " (%" PRIu64 " mappings)\n", po->smaps_vmas);
	close_json_object();
}

void phys_out_smaps(struct phys_out *po, uint64_t anon_huge_kb,
		    uint64_t file_pmd_kb)
{
	po->have_smaps = true;
	po->anon_huge_kb += anon_huge_kb;
	po->file_pmd_kb += file_pmd_kb;
	po->smaps_vmas++;
}

static void print_summary(const struct phys_out *po, bool csv)
{
	const struct phys_summary *s = &po->sum;

	if (csv) {
		print_flag_table(s, true);
		return;
	}
	open_json_object("summary");
	print_uint(PRINT_ANY, "pages", "pages        %llu", s->pages);
	print_uint(PRINT_ANY, "present", " (present %llu", s->present);
	print_uint(PRINT_ANY, "not_present", ", not present %llu", s->not_present);
	print_uint(PRINT_ANY, "swapped", ", swapped %llu)\n", s->swapped);
	print_uint(PRINT_JSON, "pfn_hidden", NULL, s->pfn_hidden);
	print_uint(PRINT_JSON, "beyond_ram", NULL, s->beyond_ram);
	if (s->beyond_ram)
		print_text("beyond RAM   %llu frames past the end of RAM (device memory): kpageflags has no entry for them\n",
			   (unsigned long long)s->beyond_ram);
	print_runs(s);
	print_nodes(s);
	print_uint(PRINT_ANY, "thp_pages", "huge         thp %llu pages", s->thp);
	print_uint(PRINT_ANY, "hugetlb_pages", ", hugetlb %llu pages\n", s->hugetlb);
	print_smaps(po);
	print_flag_table(s, false);
	close_json_object();
}

void phys_out_end(struct phys_out *po)
{
	progress_end(&po->progress);
	if (po->o->shape == SHAPE_LIST)
		flush_range(po);
	if (po->o->shape != SHAPE_SUMMARY && !po->o->csv) {
		close_json_array();
		print_text("\n");
	}
	phys_summary_finish(&po->sum);
	/* CSV: one table per run; the list replaces the summary. */
	if (!po->o->csv || po->o->shape == SHAPE_SUMMARY)
		print_summary(po, po->o->csv);
}

bool phys_note_privileges(const struct phys_src *src)
{
	if (!src->pfns_hidden && src->kpf_fd >= 0)
		return false;
	print_string(PRINT_ANY, "note", "note: %s\n",
		     "PFNs, page flags, map counts and nodes need root (CAP_SYS_ADMIN); "
		     "shown: what pagemap tells everyone (present, swapped, soft-dirty, exclusive)");
	return true;
}

void phys_print_mapping(const struct phys_opts *o, const void *map,
			const struct vma_info *vi)
{
	char addr[24];

	snprintf(addr, sizeof(addr), "%p", map);
	print_string(PRINT_ANY, "map", ", MAP_%s", o->buf.private_map ? "PRIVATE" : "SHARED");
	print_string(PRINT_ANY, "address", " at %s", addr);
	print_string(PRINT_ANY, "vmflags", " [%s]\n", vi->vmflags);
	/* the summary's smaps line shows them */
	print_uint(PRINT_JSON, "anon_huge_kb", NULL, vi->anon_huge_kb);
	print_uint(PRINT_JSON, "file_pmd_kb", NULL, vi->file_pmd_kb);
}
