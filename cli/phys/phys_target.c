// SPDX-License-Identifier: GPL-2.0
/*
 * phys of another driver's buffer (--target): open it through the target
 * layer, map it, touch it (inside DMA_BUF_IOCTL_SYNC for a dma-buf), and
 * walk the mapping with pagemap. There is no driver-side PFN list to
 * compare with: only kbufmap has GET_PFNS. A raw-PFN mapping (VM_PFNMAP)
 * is a hole to pagemap, and the report says so instead of inventing PFNs.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "mapping.h"
#include "out.h"
#include "phys.h"
#include "procfs.h"
#include "status.h"
#include "target.h"

int phys_run_target(const struct phys_opts *o);

static void print_target(const struct phys_opts *o, const struct kbm_target *t,
			 uint64_t pages, const void *map, const struct vma_info *vi)
{
	open_json_object("target");
	print_string(PRINT_ANY, "kind", "target       %s", kbm_target_kind_name(t->spec.kind));
	print_string(PRINT_ANY, "path", " %s", t->path);
	print_string(PRINT_ANY, "driver", " (driver %s)", t->driver);
	print_uint(PRINT_ANY, "size", ", %llu bytes", t->size);
	print_uint(PRINT_ANY, "pages", ", %llu pages", pages);
	phys_print_mapping(o, map, vi);
	close_json_object();
}

/* Touch every page as --touch says, faults caught; 0 or the exit status. */
static int touch_target(const struct phys_opts *o, const struct kbm_target *t,
			uint8_t *map, size_t len, size_t ps)
{
	bool write = o->buf.touch == KBM_TOUCH_WRITE;
	struct kbm_fault f = { 0 };
	size_t touched = 0;

	if (o->buf.touch == KBM_TOUCH_NONE)
		return 0;
	kbm_target_sync(t, true, write);
	kbm_touch(map, len, ps, 1, kbm_target_touch(t->spec.kind, write), &touched, &f);
	kbm_target_sync(t, false, write);
	if (!f.sig)
		return 0;
	kbm_err("--target %s: touching page %zu of the mapping raised %s (%s)",
		kbm_target_kind_name(t->spec.kind), touched, f.sig == SIGBUS ? "SIGBUS" : "SIGSEGV",
		kbm_sigcode_name(f.sig, f.code));
	return KBM_EXIT_FAIL;
}

/* The walk of the mapping, between the header and the summary. */
static int walk_mapping(const struct phys_opts *o, const struct vma_info *vi,
			uint8_t *map, uint64_t pages)
{
	struct kbufmap_pgattr_run *runs = NULL;
	struct phys_src src;
	struct phys_out po;
	int err = phys_src_open(&src, getpid());
	size_t nruns;

	if (err)
		return kbm_fail(err, "/proc/self/pagemap: %s", strerror(-err));
	src.want_mapcount = o->shape != SHAPE_SUMMARY;
	phys_note_privileges(&src);
	if (vma_has_flag(vi, "pf"))
		print_string(PRINT_ANY, "view", "view         %s\n",
			     "raw-PFN mapping (VM_PFNMAP): pagemap cannot see it, every page "
			     "reads as not present; only kbufmap can list its PFNs (GET_PFNS)");
	else
		print_string(PRINT_ANY, "view", "view         %s\n", "pagemap");
	nruns = phys_pgattr_load(o, -1, map, pages, &runs);
	phys_out_begin(&po, o, &src, false, pages);
	po.runs = runs;
	po.nruns = nruns;
	phys_out_smaps(&po, vi->anon_huge_kb, vi->file_pmd_kb);
	err = phys_walk_vrange(&src, (uint64_t)(uintptr_t)map, pages, phys_out_batch, &po);
	progress_end(&po.progress);
	if (!err)
		phys_out_end(&po);
	phys_summary_free(&po.sum);
	phys_src_close(&src);
	free(runs);
	return err ? kbm_fail(err, "walk: %s", strerror(-err)) : KBM_EXIT_OK;
}

static int map_and_walk(const struct phys_opts *o, const struct kbm_target *t)
{
	size_t ps = (size_t)sysconf(_SC_PAGESIZE);
	uint64_t pages = (t->size + ps - 1) / ps;
	size_t len = (size_t)pages * ps;
	int prot = PROT_READ | (o->buf.touch == KBM_TOUCH_WRITE ? PROT_WRITE : 0);
	struct vma_info vi;
	uint8_t *map;
	int ret;

	map = mmap(NULL, len, prot, o->buf.private_map ? MAP_PRIVATE : MAP_SHARED, t->fd, t->offset);
	if (map == MAP_FAILED)
		return kbm_fail(errno, "mmap of --target %s (%s, driver %s): %s",
				kbm_target_kind_name(t->spec.kind), t->path, t->driver,
				strerror(errno));
	ret = touch_target(o, t, map, len, ps);
	if (!ret && smaps_find(map, &vi))
		ret = kbm_fail(ENOENT, "/proc/self/smaps: the mapping at %p is not there", map);
	if (!ret) {
		print_target(o, t, pages, map, &vi);
		ret = walk_mapping(o, &vi, map, pages);
	}
	munmap(map, len);
	return ret;
}

int phys_run_target(const struct phys_opts *o)
{
	struct kbm_target t;
	int err, ret;

	err = kbm_target_open(&o->buf.target, o->buf.pages, O_RDWR, &t);
	if (err)
		return kbm_target_fail(&t, o->buf.target_text, err);
	open_json_object(NULL);
	ret = map_and_walk(o, &t);
	close_json_object();
	kbm_target_close(&t);
	return ret;
}
