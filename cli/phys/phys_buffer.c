// SPDX-License-Identifier: GPL-2.0
/*
 * phys of a kbufmap buffer: configure, map, touch, then walk the mapping
 * and compare every page with the driver's own PFN list (GET_PFNS), the
 * requested node, and GET_INFO's chunk count. A raw-PFN mapping is a hole
 * to pagemap, so the driver's PFNs are shown in its place, labelled.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cmd.h"
#include "kbm_dev.h"
#include "kbm_hints.h"
#include "names.h"
#include "out.h"
#include "pagemap.h"
#include "phys.h"
#include "procfs.h"

int phys_run_buffer(const struct phys_opts *o);

struct xcheck {
	struct phys_out *po;
	const uint64_t *kpfns;		/* the driver's PFN of every page */
	uint64_t base, ps;
	int want_node;
	uint64_t pfn_bad, node_bad, checked;
	uint64_t bad_page[PHYS_MAX_MISMATCHES], bad_user[PHYS_MAX_MISMATCHES];
	size_t nbad;
};

static int xcheck_batch(const struct phys_page *p, size_t n, void *arg)
{
	struct xcheck *x = arg;

	for (size_t i = 0; i < n; i++) {
		uint64_t idx = (p[i].vaddr - x->base) / x->ps;
		uint64_t pfn = pm_pfn(p[i].pme);

		if (p[i].node >= 0 && x->want_node >= 0 && p[i].node != x->want_node)
			x->node_bad++;
		if (!pm_present(p[i].pme) || !pfn)
			continue;	/* untouched or hidden: nothing to compare */
		x->checked++;
		if (pfn == x->kpfns[idx])
			continue;
		if (x->nbad < PHYS_MAX_MISMATCHES) {
			x->bad_page[x->nbad] = idx;
			x->bad_user[x->nbad++] = pfn;
		}
		x->pfn_bad++;
	}
	return phys_out_batch(p, n, x->po);
}

/* Physically contiguous runs in the driver's list. */
static uint64_t kernel_runs(const uint64_t *k, uint64_t n)
{
	uint64_t runs = n ? 1 : 0;

	for (uint64_t i = 1; i < n; i++)
		runs += k[i] != k[i - 1] + 1;
	return runs;
}

static void touch(void *map, size_t len, size_t ps, enum kbm_touch how)
{
	volatile unsigned char *c = map;
	unsigned char sum = 0;

	for (size_t off = 0; off < len && how != KBM_TOUCH_NONE; off += ps) {
		if (how == KBM_TOUCH_WRITE)
			c[off] = (unsigned char)(off / ps);
		else
			sum += c[off];
	}
	(void)sum;
}

/* Print the cross-check; returns the exit status it implies. */
static int report(const struct xcheck *x, const struct kbufmap_info *info,
		  uint64_t kruns, uint64_t uruns, bool invisible)
{
	bool ok = !x->pfn_bad && !x->node_bad && kruns <= info->nr_chunks;

	open_json_object("kernel_view");
	print_uint(PRINT_ANY, "chunks", "kernel view  %llu chunks", info->nr_chunks);
	print_uint(PRINT_ANY, "kernel_pfn_runs", ", %llu PFN runs in GET_PFNS", kruns);
	if (!invisible) {
		print_uint(PRINT_ANY, "user_pfn_runs", ", %llu in pagemap", uruns);
		print_uint(PRINT_ANY, "pages_compared", "; %llu pages compared", x->checked);
	}
	print_uint(PRINT_ANY, "pfn_mismatches", ", %llu PFN mismatches", x->pfn_bad);
	print_uint(PRINT_ANY, "node_mismatches", ", %llu pages off the requested node", x->node_bad);
	print_bool(PRINT_ANY, "agree", ": %s\n", ok);
	open_json_array("mismatches");
	for (size_t i = 0; i < x->nbad; i++) {
		open_json_object(NULL);
		print_uint(PRINT_ANY, "page", "MISMATCH     page %llu", x->bad_page[i]);
		print_hex(PRINT_ANY, "pagemap_pfn", ": pagemap pfn %s", x->bad_user[i]);
		print_hex(PRINT_ANY, "kernel_pfn", ", kernel pfn %s\n", x->kpfns[x->bad_page[i]]);
		close_json_object();
	}
	close_json_array();
	if (kruns > info->nr_chunks)
		print_text("MISMATCH     the driver's PFNs form more runs than its %u chunks\n",
			   info->nr_chunks);
	close_json_object();
	return ok ? KBM_EXIT_OK : KBM_EXIT_FAIL;
}

static void print_buffer(const struct phys_opts *o, const struct kbufmap_info *info,
			 const void *map, const struct vma_info *vi)
{
	open_json_object("buffer");
	print_string(PRINT_ANY, "backend", "buffer       %s", backend_name(info->backend));
	print_string(PRINT_ANY, "strategy", "/%s", strategy_name(info->strategy));
	print_uint(PRINT_ANY, "pages", ", %llu pages", info->nr_pages);
	print_int(PRINT_ANY, "node", ", node %lld", o->buf.node);
	phys_print_mapping(o, map, vi);
	close_json_object();
}

/* Map, touch and walk; *kpfns must hold the driver's list. */
static int walk_buffer(const struct phys_opts *o, int fd,
		       const struct kbufmap_info *info, const uint64_t *kpfns)
{
	size_t ps = (size_t)sysconf(_SC_PAGESIZE), len = info->nr_pages * ps;
	int prot = PROT_READ | (o->buf.touch == KBM_TOUCH_WRITE ? PROT_WRITE : 0);
	struct xcheck x = { .kpfns = kpfns, .ps = ps, .want_node = o->buf.node };
	uint64_t kruns = kernel_runs(kpfns, info->nr_pages);
	struct vma_info vi;
	struct phys_src src;
	struct phys_out po;
	struct kbufmap_pgattr_run *runs;
	size_t nruns;
	bool invisible;
	void *map;
	int err, ret;

	map = mmap(NULL, len, prot, o->buf.private_map ? MAP_PRIVATE : MAP_SHARED, fd, 0);
	if (map == MAP_FAILED)
		return kbm_fail(errno, "mmap of the %s/%s buffer: %s", backend_name(info->backend),
				strategy_name(info->strategy), strerror(errno));
	touch(map, len, ps, o->buf.touch);
	err = smaps_find(map, &vi);
	if (!err)
		err = phys_src_open(&src, getpid());
	if (err) {
		munmap(map, len);
		return kbm_fail(err, "/proc/self: %s", strerror(-err));
	}
	src.want_mapcount = o->shape != SHAPE_SUMMARY;
	invisible = vma_has_flag(&vi, "pf");
	print_buffer(o, info, map, &vi);
	phys_note_privileges(&src);
	if (invisible)
		print_string(PRINT_ANY, "view", "view         %s\n",
			     "raw-PFN mapping (VM_PFNMAP): pagemap cannot see it; "
			     "below: the kernel's PFN list (GET_PFNS)");
	else
		print_string(PRINT_ANY, "view", "view         %s\n", "pagemap");
	nruns = phys_pgattr_load(o, fd, map, info->nr_pages, &runs);
	phys_out_begin(&po, o, &src, invisible, info->nr_pages);
	po.runs = runs;
	po.nruns = nruns;
	phys_out_smaps(&po, vi.anon_huge_kb, vi.file_pmd_kb);
	x.po = &po;
	x.base = (uint64_t)(uintptr_t)map;
	if (invisible)
		err = phys_walk_pfn_list(&src, kpfns, info->nr_pages, x.base, xcheck_batch, &x);
	else
		err = phys_walk_vrange(&src, x.base, info->nr_pages, xcheck_batch, &x);
	progress_end(&po.progress);
	if (!err)
		phys_out_end(&po);
	ret = err ? kbm_fail(err, "walk: %s", strerror(-err)) :
		report(&x, info, kruns, po.sum.runs, invisible);
	phys_summary_free(&po.sum);
	phys_src_close(&src);
	free(runs);
	munmap(map, len);
	return ret;
}

int phys_run_buffer(const struct phys_opts *o)
{
	struct kbufmap_config cfg;
	struct kbufmap_info info;
	uint64_t *kpfns = NULL;
	int fd, err, ret;

	fd = kbm_dev_open(o->ctx->device, O_RDWR, NULL);
	if (fd < 0)
		return kbm_dev_fail(o->ctx->device, fd);
	kbm_bufopt_config(&o->buf, &cfg);
	err = kbm_configure_cfg(fd, &cfg);
	if (!err)
		err = kbm_get_info(fd, &info);
	if (!err && !(kpfns = malloc(info.nr_pages * sizeof(*kpfns))))
		err = -ENOMEM;
	if (!err)
		err = kbm_get_pfns(fd, 0, info.nr_pages, kpfns);
	if (err) {
		ret = kbm_fail(err, "%s: configure %s/%s, %llu pages: %s%s%s", o->ctx->device,
			       backend_name((unsigned int)o->buf.backend),
			       strategy_name((unsigned int)o->buf.strategy),
			       (unsigned long long)o->buf.pages, strerror(-err),
			       kbm_configure_hint((unsigned int)o->buf.backend, err) ? ". " : "",
			       kbm_configure_hint((unsigned int)o->buf.backend, err) ?: "");
		if (err == -EPERM || err == -EACCES)
			kbm_err("the driver's PFN list (GET_PFNS) needs CAP_SYS_ADMIN");
	} else {
		open_json_object(NULL);
		ret = walk_buffer(o, fd, &info, kpfns);
		close_json_object();
	}
	free(kpfns);
	close(fd);
	return ret;
}
