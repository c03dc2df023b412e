// SPDX-License-Identifier: GPL-2.0
/*
 * numa-placement: a buffer asked for on node N really lives on node N.
 *
 * Two views must agree with the request:
 *  - the kernel's: its own PFN list (GET_PFNS, root only), each PFN placed
 *    through sysfs, /sys/devices/system/node/nodeN/memoryB being the memory
 *    blocks of node N; this works for raw PFN mappings too;
 *  - the process's: move_pages(2) with no target nodes reports the node of
 *    each mapped page. It needs struct pages behind the PTEs, so raw PFN
 *    mappings (VM_PFNMAP) have only the kernel's view.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "checks.h"
#include "kbm_dev.h"
#include "kbm_numa.h"
#include "names.h"

bool applies_numa(const struct vctx *c, const char **why)
{
	if (c->node != KBUFMAP_NODE_ANY)
		return true;
	*why = "no --node given: nothing to place";
	return false;
}

/* Bytes per memory block, from sysfs (hex); 0 if unknown. */
static unsigned long long memory_block_bytes(void)
{
	unsigned long long v = 0;
	FILE *f = fopen("/sys/devices/system/memory/block_size_bytes", "r");

	if (!f)
		return 0;
	if (fscanf(f, "%llx", &v) != 1)
		v = 0;
	fclose(f);
	return v;
}

/* Is the memory block of @pfn one of @node's? */
static bool pfn_on_node(uint64_t pfn, size_t ps, unsigned long long block, int node)
{
	char path[96];

	snprintf(path, sizeof(path), "/sys/devices/system/node/node%d/memory%llu",
		 node, (unsigned long long)(pfn * ps / block));
	return access(path, F_OK) == 0;
}

static enum kbm_status kernel_view(struct vctx *c, const char **view)
{
	unsigned long long block = memory_block_bytes();
	uint64_t *pfns, i;
	int err;

	if (!block) {
		*view = "kernel view unavailable (no sysfs memory blocks)";
		return KBM_SKIP;
	}
	pfns = vzalloc(c, c->pages * sizeof(*pfns));
	if (!pfns)
		return vfail(c, "out of memory");
	err = kbm_get_pfns(c->fd, 0, c->pages, pfns);
	if (err == -EPERM) {
		*view = "kernel view needs CAP_SYS_ADMIN (GET_PFNS refused)";
		return KBM_SKIP;
	}
	if (err)
		return vfail(c, "GET_PFNS: %s", strerror(-err));
	for (i = 0; i < c->pages; i++)
		if (!pfn_on_node(pfns[i], c->ps, block, c->node))
			return vfail(c, "page %llu (pfn 0x%llx) is not in node %d's memory: the "
				     "allocation ignored the node",
				     (unsigned long long)i, (unsigned long long)pfns[i], c->node);
	*view = "the kernel's PFNs all lie in the node's memory blocks";
	return KBM_PASS;
}

static enum kbm_status process_view(struct vctx *c, uint8_t *a, const char **view)
{
	void **addrs;
	int *status;
	uint64_t i;

	if (vmap_is_pfnmap(a)) {
		*view = "move_pages() cannot see raw PFN mappings";
		return KBM_SKIP;
	}
	addrs = vzalloc(c, c->pages * sizeof(*addrs));
	status = vzalloc(c, c->pages * sizeof(*status));
	if (!addrs || !status)
		return vfail(c, "out of memory");
	for (i = 0; i < c->pages; i++)
		addrs[i] = a + i * c->ps;
	if (kbm_move_pages(0, c->pages, addrs, NULL, status, 0) < 0)
		return vfail(c, "move_pages(): %s", strerror(errno));
	for (i = 0; i < c->pages; i++)
		if (status[i] != c->node)
			return vfail(c, "move_pages() places page %llu of the mapping on %s%d, not "
				     "node %d", (unsigned long long)i, status[i] < 0 ? "error " : "node ",
				     status[i] < 0 ? -status[i] : status[i], c->node);
	*view = "move_pages() places every mapped page on the node";
	return KBM_PASS;
}

enum kbm_status check_numa_placement(struct vctx *c)
{
	const char *kview = "", *pview = "";
	enum kbm_status k, p;
	uint8_t *a;

	a = vmap_mode(c, c->fd, PROT_READ);
	if (a == MAP_FAILED)
		return vfail_mmap(c, "the buffer", c->size, PROT_READ, vmode_flags(c), errno);
	vtouch(c, a, c->size);
	k = kernel_view(c, &kview);
	if (k == KBM_FAIL)
		return k;
	p = process_view(c, a, &pview);
	if (p == KBM_FAIL)
		return p;
	if (k == KBM_SKIP && p == KBM_SKIP)
		return vskip(c, "neither view is available: %s; %s", kview, pview);
	return vpass(c, "%llu pages asked for on node %d: %s; %s",
		     (unsigned long long)c->pages, c->node, kview, pview);
}
