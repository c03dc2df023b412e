/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The valid backend x strategy x mapping-kind matrix, in one place.
 *
 * Compiled into both the module (which enforces it) and kbufmapctl (which
 * prints it, walks it in `verify --all`, and explains refusals), so the two
 * can never disagree. The includer provides the errno constants
 * (<linux/errno.h> in the kernel, <errno.h> in user space).
 */
#ifndef KBUFMAP_MATRIX_H
#define KBUFMAP_MATRIX_H

#include "uapi/kbufmap.h"
#include "kbufmap_names.h"

/* Named in kbufmap_names.h (KBUFMAP_MAP_KINDS). */
enum kbufmap_map_kind {
	KBUFMAP_MAP_SHARED = 0,		/* MAP_SHARED */
	KBUFMAP_MAP_PRIVATE_RO = 1,	/* MAP_PRIVATE, never writable */
	KBUFMAP_MAP_PRIVATE_RW = 2,	/* MAP_PRIVATE, writable: copy-on-write */
	KBUFMAP_MAP_KIND_COUNT
};

_Static_assert(KBUFMAP_X_COUNT(KBUFMAP_MAP_KINDS) == KBUFMAP_MAP_KIND_COUNT,
	       "KBUFMAP_MAP_KINDS and enum kbufmap_map_kind differ");

/* Does the strategy take a struct page reference (so slab memory is out)? */
static inline int kbufmap_strategy_needs_page_refs(unsigned int strategy)
{
	switch (strategy) {
	case KBUFMAP_STRATEGY_FAULT:
	case KBUFMAP_STRATEGY_FAULT_AROUND:
	case KBUFMAP_STRATEGY_INSERT:
	case KBUFMAP_STRATEGY_INSERT_BATCH:
	case KBUFMAP_STRATEGY_MAP_PAGES:
	case KBUFMAP_STRATEGY_VMALLOC_RANGE:
		return 1;
	default:
		return 0;
	}
}

/* Does the strategy populate the whole mapping inside mmap()? */
static inline int kbufmap_strategy_prefaults(unsigned int strategy)
{
	switch (strategy) {
	case KBUFMAP_STRATEGY_REMAP:
	case KBUFMAP_STRATEGY_INSERT:
	case KBUFMAP_STRATEGY_INSERT_BATCH:
	case KBUFMAP_STRATEGY_MAP_PAGES:
	case KBUFMAP_STRATEGY_VMALLOC_RANGE:
	case KBUFMAP_STRATEGY_REMAP_UNCHECKED:
	case KBUFMAP_STRATEGY_DMA_MMAP:
		return 1;
	default:
		return 0;
	}
}

/* Does the backend come from the DMA API? */
static inline int kbufmap_backend_is_dma(unsigned int backend)
{
	return backend == KBUFMAP_BACKEND_DMA_COHERENT ||
	       backend == KBUFMAP_BACKEND_DMA_WC ||
	       backend == KBUFMAP_BACKEND_DMA_NONCOHERENT;
}

/* DMA memory and the DMA API's own mmap helpers go together, or not at all. */
static inline int kbufmap_dma_combo_errno(unsigned int backend,
					  unsigned int strategy, int node,
					  const char **why)
{
	int dma = kbufmap_backend_is_dma(backend);

	if (strategy == KBUFMAP_STRATEGY_DMA_MMAP && !dma) {
		*why = "dma_mmap_*() maps only memory from the DMA API's allocators (dma-coherent, dma-wc, dma-noncoherent)";
		return -EOPNOTSUPP;
	}
	if (dma && strategy != KBUFMAP_STRATEGY_DMA_MMAP) {
		*why = "DMA memory is mapped by dma_mmap_*(): the CPU address of DMA memory may be a remapped alias with no struct page (virt_to_page() on it is wrong), and the attribute is the DMA API's to choose";
		return -EOPNOTSUPP;
	}
	if (dma && node != KBUFMAP_NODE_ANY) {
		*why = "the DMA API allocates on its device's node: no node to choose";
		return -EOPNOTSUPP;
	}
	return 0;
}

/*
 * May a buffer of @backend on @node be mapped with @strategy at all?
 * Returns 0 or a negative errno; *why (if not NULL) gets a one-line reason.
 * This is what KBUFMAP_IOC_CONFIGURE enforces.
 */
static inline int kbufmap_combo_errno(unsigned int backend,
				      unsigned int strategy, int node,
				      const char **why)
{
	const char *unused;

	if (!why)
		why = &unused;
	*why = "valid";
	if (backend >= KBUFMAP_BACKEND_COUNT) {
		*why = "unknown backend";
		return -EINVAL;
	}
	if (strategy >= KBUFMAP_STRATEGY_COUNT) {
		*why = "unknown strategy";
		return -EINVAL;
	}
	if (kbufmap_dma_combo_errno(backend, strategy, node, why))
		return -EOPNOTSUPP;
	if (backend == KBUFMAP_BACKEND_VMALLOC && node != KBUFMAP_NODE_ANY) {
		*why = "the vmalloc backend does not take a node";
		return -EOPNOTSUPP;
	}
	if (backend == KBUFMAP_BACKEND_KMALLOC &&
	    kbufmap_strategy_needs_page_refs(strategy)) {
		*why = "kmalloc memory is slab memory: no page refcount to map; use pfn or remap";
		return -EOPNOTSUPP;
	}
	if (strategy == KBUFMAP_STRATEGY_VMALLOC_RANGE &&
	    backend != KBUFMAP_BACKEND_VMALLOC) {
		*why = "remap_vmalloc_range() needs a VM_USERMAP vmalloc area (the vmalloc backend)";
		return -EOPNOTSUPP;
	}
	if (strategy == KBUFMAP_STRATEGY_HUGE &&
	    backend != KBUFMAP_BACKEND_CONTIG) {
		*why = "2 MiB mappings need 2 MiB aligned contiguous memory (contig)";
		return -EOPNOTSUPP;
	}
	return 0;
}

/*
 * May a valid combination be mapped as @kind? Returns 0 or a negative errno
 * (what mmap() fails with). @contiguous: the mapped range is one physical run.
 */
static inline int kbufmap_map_kind_errno(unsigned int backend,
					 unsigned int strategy,
					 unsigned int kind, int contiguous,
					 const char **why)
{
	const char *unused;

	if (!why)
		why = &unused;
	*why = "valid";
	if (kind != KBUFMAP_MAP_PRIVATE_RW)
		return 0;

	switch (strategy) {
	case KBUFMAP_STRATEGY_PFN:
	case KBUFMAP_STRATEGY_HUGE:
		*why = "raw PFN mappings cannot copy-on-write; use MAP_SHARED or a read-only MAP_PRIVATE";
		return -EINVAL;
	case KBUFMAP_STRATEGY_REMAP:
		if (backend == KBUFMAP_BACKEND_KMALLOC || contiguous)
			return 0;
		*why = "remap_pfn_range() on a CoW mapping must cover the whole VMA in one call, and this memory is scattered";
		return -EINVAL;
	default:
		return 0;
	}
}

/*
 * May a valid combination ask for cache mode @cache with config @flags
 * (KBUFMAP_CONFIG_*)? Returns 0 or a negative errno. What the architecture
 * cannot do (set_memory_wc() exists only on x86) the module adds itself.
 */
static inline int kbufmap_cache_errno(unsigned int backend, unsigned int cache,
				      unsigned int flags, const char **why)
{
	const char *unused;

	if (!why)
		why = &unused;
	*why = "valid";
	if (cache >= KBUFMAP_CACHE_COUNT) {
		*why = "unknown cache mode";
		return -EINVAL;
	}
	if (flags & ~KBUFMAP_CONFIG_FLAGS_ALL) {
		*why = "unknown config flag";
		return -EINVAL;
	}
	if (!(flags & KBUFMAP_CONFIG_SET_MEMORY))
		return 0;
	if (cache == KBUFMAP_CACHE_WB) {
		*why = "set_memory_*() is for asking WC or UC: the kernel's mapping is write-back already";
		return -EINVAL;
	}
	switch (backend) {
	case KBUFMAP_BACKEND_PAGES:
	case KBUFMAP_BACKEND_CONTIG:
	case KBUFMAP_BACKEND_DMA_NONCOHERENT:
		return 0;
	case KBUFMAP_BACKEND_VMALLOC:
		*why = "set_memory_*() changes the direct map; the buffer's vmalloc alias would stay write-back";
		return -EOPNOTSUPP;
	case KBUFMAP_BACKEND_KMALLOC:
		*why = "kmalloc memory shares its pages with other kernel objects: their attribute is not this buffer's to change";
		return -EOPNOTSUPP;
	default:
		*why = "the DMA API owns this memory's kernel mapping (dma_alloc_wc() chooses it)";
		return -EOPNOTSUPP;
	}
}

/*
 * A cache mode other than WB and MAP_PRIVATE: mmap() fails with -EINVAL, as
 * the copies that copy-on-write makes would be anonymous pages mapped with it.
 */
static inline int kbufmap_cache_kind_errno(unsigned int cache,
					   unsigned int kind, const char **why)
{
	const char *unused;

	if (!why)
		why = &unused;
	*why = "valid";
	if (cache == KBUFMAP_CACHE_WB || kind == KBUFMAP_MAP_SHARED)
		return 0;
	*why = "a cache mode other than wb needs MAP_SHARED: copy-on-write copies would be anonymous pages mapped with it";
	return -EINVAL;
}

/*
 * The deliberately broken strategy: mmap() succeeds, first touch SIGBUSes.
 * Only for mappings of more than one page: a single per-page call covers the
 * whole VMA, which is what remap_pfn_range() demands of a CoW mapping.
 */
static inline int kbufmap_combo_sigbus(unsigned int strategy, unsigned int kind,
				       unsigned long long map_pages)
{
	return strategy == KBUFMAP_STRATEGY_REMAP_UNCHECKED &&
	       kind != KBUFMAP_MAP_SHARED && map_pages > 1;
}

#endif /* KBUFMAP_MATRIX_H */
