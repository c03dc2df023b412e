// SPDX-License-Identifier: GPL-2.0
/*
 * The valid matrix (include/kbufmap_matrix.h) against the rules it encodes,
 * taken from what each kernel primitive accepts (see the module's comments).
 * The module enforces the same functions; this pins their answers down.
 * TAP output (tests/lib/tap.h).
 */
#include <errno.h>
#include <stdio.h>

#include "kbufmap_matrix.h"
#include "../lib/tap.h"

static void expect(const char *what, int got, int want)
{
	if (!tap_ok(got == want, "%s", what))
		tap_diag("got %d, want %d", got, want);
}

#define B(x) KBUFMAP_BACKEND_##x
#define S(x) KBUFMAP_STRATEGY_##x
#define ANY KBUFMAP_NODE_ANY

int main(void)
{
	const char *why = NULL;
	unsigned int b, s;
	int valid = 0;

	/* Slab memory has no page refcount of its own to hand out. */
	expect("kmalloc+fault", -kbufmap_combo_errno(B(KMALLOC), S(FAULT), ANY, &why), EOPNOTSUPP);
	expect("kmalloc+insert", -kbufmap_combo_errno(B(KMALLOC), S(INSERT), ANY, NULL), EOPNOTSUPP);
	expect("kmalloc+map-pages", -kbufmap_combo_errno(B(KMALLOC), S(MAP_PAGES), ANY, NULL), EOPNOTSUPP);
	expect("kmalloc+pfn", -kbufmap_combo_errno(B(KMALLOC), S(PFN), ANY, NULL), 0);
	expect("kmalloc+remap", -kbufmap_combo_errno(B(KMALLOC), S(REMAP), 0, NULL), 0);
	/* remap_vmalloc_range needs VM_USERMAP vmalloc memory. */
	expect("pages+vmalloc-range", -kbufmap_combo_errno(B(PAGES), S(VMALLOC_RANGE), ANY, NULL), EOPNOTSUPP);
	expect("vmalloc+vmalloc-range", -kbufmap_combo_errno(B(VMALLOC), S(VMALLOC_RANGE), ANY, NULL), 0);
	/* 2 MiB entries need contiguous memory. */
	expect("vmalloc+huge", -kbufmap_combo_errno(B(VMALLOC), S(HUGE), ANY, NULL), EOPNOTSUPP);
	expect("contig+huge", -kbufmap_combo_errno(B(CONTIG), S(HUGE), ANY, NULL), 0);
	/* NUMA placement where the allocator has a node form. */
	expect("vmalloc on node 0", -kbufmap_combo_errno(B(VMALLOC), S(FAULT), 0, NULL), EOPNOTSUPP);
	expect("pages on node 1", -kbufmap_combo_errno(B(PAGES), S(FAULT), 1, NULL), 0);
	/* DMA memory goes with the DMA API's own mmap helpers, and only them. */
	expect("dma-coherent+dma-mmap", -kbufmap_combo_errno(B(DMA_COHERENT), S(DMA_MMAP), ANY, NULL), 0);
	expect("dma-wc+dma-mmap", -kbufmap_combo_errno(B(DMA_WC), S(DMA_MMAP), ANY, NULL), 0);
	expect("dma-noncoherent+dma-mmap", -kbufmap_combo_errno(B(DMA_NONCOHERENT), S(DMA_MMAP), ANY, NULL), 0);
	expect("dma-coherent+remap", -kbufmap_combo_errno(B(DMA_COHERENT), S(REMAP), ANY, NULL), EOPNOTSUPP);
	expect("dma-noncoherent+fault", -kbufmap_combo_errno(B(DMA_NONCOHERENT), S(FAULT), ANY, NULL), EOPNOTSUPP);
	expect("pages+dma-mmap", -kbufmap_combo_errno(B(PAGES), S(DMA_MMAP), ANY, NULL), EOPNOTSUPP);
	expect("dma-wc on node 0", -kbufmap_combo_errno(B(DMA_WC), S(DMA_MMAP), 0, NULL), EOPNOTSUPP);
	/* One remap_pfn_range() of the whole VMA: copy-on-write is legal. */
	expect("dma-mmap private-rw",
	       -kbufmap_map_kind_errno(B(DMA_COHERENT), S(DMA_MMAP), KBUFMAP_MAP_PRIVATE_RW, 1, NULL), 0);
	expect("bad backend", -kbufmap_combo_errno(KBUFMAP_BACKEND_COUNT, S(FAULT), ANY, NULL), EINVAL);
	expect("bad strategy", -kbufmap_combo_errno(B(PAGES), KBUFMAP_STRATEGY_COUNT, ANY, NULL), EINVAL);

	/* Raw PFNs cannot be copied on write. */
	expect("pfn private-rw", -kbufmap_map_kind_errno(B(PAGES), S(PFN), KBUFMAP_MAP_PRIVATE_RW, 0, NULL), EINVAL);
	expect("pfn private-ro", -kbufmap_map_kind_errno(B(PAGES), S(PFN), KBUFMAP_MAP_PRIVATE_RO, 0, NULL), 0);
	expect("huge private-rw", -kbufmap_map_kind_errno(B(CONTIG), S(HUGE), KBUFMAP_MAP_PRIVATE_RW, 1, NULL), EINVAL);
	/* remap_pfn_range on a CoW mapping: one call over the whole VMA only. */
	expect("remap scattered private-rw",
	       -kbufmap_map_kind_errno(B(VMALLOC), S(REMAP), KBUFMAP_MAP_PRIVATE_RW, 0, NULL), EINVAL);
	expect("remap contiguous private-rw",
	       -kbufmap_map_kind_errno(B(CONTIG), S(REMAP), KBUFMAP_MAP_PRIVATE_RW, 1, NULL), 0);
	expect("remap kmalloc private-rw",
	       -kbufmap_map_kind_errno(B(KMALLOC), S(REMAP), KBUFMAP_MAP_PRIVATE_RW, 0, NULL), 0);
	expect("fault private-rw", -kbufmap_map_kind_errno(B(VMALLOC), S(FAULT), KBUFMAP_MAP_PRIVATE_RW, 0, NULL), 0);
	expect("anything shared", -kbufmap_map_kind_errno(B(PAGES), S(PFN), KBUFMAP_MAP_SHARED, 0, NULL), 0);

	/* The deliberate bug SIGBUSes under MAP_PRIVATE only. */
	expect("remap-unchecked private", kbufmap_combo_sigbus(S(REMAP_UNCHECKED), KBUFMAP_MAP_PRIVATE_RO, 4), 1);
	expect("remap-unchecked private, 1 page", kbufmap_combo_sigbus(S(REMAP_UNCHECKED), KBUFMAP_MAP_PRIVATE_RO, 1), 0);
	expect("remap-unchecked shared", kbufmap_combo_sigbus(S(REMAP_UNCHECKED), KBUFMAP_MAP_SHARED, 4), 0);

	/* Every refusal carries a reason; the size of the valid set is pinned. */
	for (b = 0; b < KBUFMAP_BACKEND_COUNT; b++) {
		for (s = 0; s < KBUFMAP_STRATEGY_COUNT; s++) {
			why = NULL;
			if (!kbufmap_combo_errno(b, s, ANY, &why))
				valid++;
			tap_ok(why != NULL && why[0] != '\0',
			       "backend %u x strategy %u: a reason is given", b, s);
		}
	}
	/*
	 * vmalloc 9 (not huge), pages 8, contig 9, kmalloc 3 (pfn, remap,
	 * remap-unchecked), each DMA backend 1 (dma-mmap)
	 */
	tap_is_u64(valid, 32, "valid combinations");
	return tap_done();
}
