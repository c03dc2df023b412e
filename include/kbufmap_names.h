/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The names of the backends, strategies, mapping kinds and event counters,
 * each list written once.
 *
 * Compiled into both the module (debugfs keys, the GET_COUNTERS reply) and
 * kbufmapctl (cli/lib/names.c), so that the two spell every name alike and a
 * new counter or backend is one line here. The enums stay explicit where
 * they are (uapi/kbufmap.h must stand alone; kbufmap_matrix.h), and the
 * static asserts below and in kbufmap_matrix.h fail the build of both sides
 * when a list and its enum differ in length.
 *
 * Each list is an X-macro: it calls X once per entry, in enum order.
 */
#ifndef KBUFMAP_NAMES_H
#define KBUFMAP_NAMES_H

#ifdef __KERNEL__
#include <linux/stddef.h>
#else
#include <stddef.h>
#endif

#include "uapi/kbufmap.h"

/* X(ID, name): enum kbufmap_backend KBUFMAP_BACKEND_ID */
#define KBUFMAP_BACKENDS(X)				\
	X(VMALLOC, "vmalloc")				\
	X(PAGES, "pages")				\
	X(CONTIG, "contig")				\
	X(KMALLOC, "kmalloc")				\
	X(DMA_COHERENT, "dma-coherent")			\
	X(DMA_WC, "dma-wc")				\
	X(DMA_NONCOHERENT, "dma-noncoherent")

/* X(ID, name): enum kbufmap_strategy KBUFMAP_STRATEGY_ID */
#define KBUFMAP_STRATEGIES(X)				\
	X(FAULT, "fault")				\
	X(FAULT_AROUND, "fault-around")			\
	X(PFN, "pfn")					\
	X(REMAP, "remap")				\
	X(INSERT, "insert")				\
	X(INSERT_BATCH, "insert-batch")			\
	X(MAP_PAGES, "map-pages")			\
	X(VMALLOC_RANGE, "vmalloc-range")		\
	X(HUGE, "huge")					\
	X(REMAP_UNCHECKED, "remap-unchecked")		\
	X(DMA_MMAP, "dma-mmap")

/* X(ID, name): enum kbufmap_map_kind KBUFMAP_MAP_ID (kbufmap_matrix.h) */
#define KBUFMAP_MAP_KINDS(X)				\
	X(SHARED, "shared")				\
	X(PRIVATE_RO, "private-ro")			\
	X(PRIVATE_RW, "private-rw")

/*
 * X(ID, field, key): the field of struct kbufmap_counters (what each counts
 * is documented there), the module's KBUFMAP_CNT_ID, and the key under which
 * debugfs and kbufmapctl show it. In struct order.
 */
#define KBUFMAP_COUNTERS(X)						\
	X(FAULTS, faults, "faults")					\
	X(FAULT_AROUND_CALLS, fault_around_calls, "fault_around_calls")	\
	X(FAULT_AROUND_PAGES, fault_around_pages, "fault_around_pages")	\
	X(HUGE_FAULTS, huge_faults, "huge_faults")			\
	X(PAGES_INSERTED, pages_inserted, "pages_inserted")		\
	X(REMAP_CALLS, remap_calls, "remap_calls")			\
	X(MMAPS, mmaps, "mmaps")					\
	X(VMA_CLOSES, vma_closes, "vma_closes")				\
	X(VMA_OPENS, vma_opens, "vma_opens")				\
	X(DMA_SYNCS_FOR_CPU, dma_syncs_for_cpu, "dma_syncs_for_cpu")	\
	X(DMA_SYNCS_FOR_DEVICE, dma_syncs_for_device, "dma_syncs_for_device")

/* X(ID, name): enum kbufmap_cache KBUFMAP_CACHE_ID */
#define KBUFMAP_CACHE_MODES(X)				\
	X(WB, "wb")					\
	X(WC, "wc")					\
	X(UC, "uc")

/* X(ID, name): enum kbufmap_mem_attr KBUFMAP_ATTR_ID, the names users read */
#define KBUFMAP_MEM_ATTRS(X)				\
	X(NONE, "none")					\
	X(WB, "WB")					\
	X(WC, "WC")					\
	X(UC_MINUS, "UC-")				\
	X(UC, "UC")					\
	X(WT, "WT")					\
	X(WP, "WP")					\
	X(DEVICE_nGnRnE, "Device-nGnRnE")		\
	X(DEVICE_nGnRE, "Device-nGnRE")			\
	X(OTHER, "other")

/* X(ID, name): enum kbufmap_dma_dir KBUFMAP_DMA_ID */
#define KBUFMAP_DMA_DIRS(X)				\
	X(BIDIRECTIONAL, "bidirectional")		\
	X(TO_DEVICE, "to-device")			\
	X(FROM_DEVICE, "from-device")

/* The number of entries of one of the lists above, a constant expression. */
#define KBUFMAP_X_ONE(...)		1,
#define KBUFMAP_X_COUNT(list)		sizeof((char[]){ list(KBUFMAP_X_ONE) })

/*
 * List entry -> initializer of a name table indexed by the enum: designated,
 * so that a list out of the enum's order still names every value right.
 */
#define KBUFMAP_X_BACKEND_NAME(id, name)		\
	[KBUFMAP_BACKEND_##id] = name,
#define KBUFMAP_X_STRATEGY_NAME(id, name)		\
	[KBUFMAP_STRATEGY_##id] = name,
#define KBUFMAP_X_MAP_KIND_NAME(id, name)		\
	[KBUFMAP_MAP_##id] = name,
#define KBUFMAP_X_CACHE_NAME(id, name)			\
	[KBUFMAP_CACHE_##id] = name,
#define KBUFMAP_X_MEM_ATTR_NAME(id, name)		\
	[KBUFMAP_ATTR_##id] = name,
#define KBUFMAP_X_DMA_DIR_NAME(id, name)		\
	[KBUFMAP_DMA_##id] = name,
/* Counter keys in struct order. */
#define KBUFMAP_X_COUNTER_KEY(id, field, key)	key,

_Static_assert(KBUFMAP_X_COUNT(KBUFMAP_BACKENDS) == KBUFMAP_BACKEND_COUNT,
	       "KBUFMAP_BACKENDS and enum kbufmap_backend differ");
_Static_assert(KBUFMAP_X_COUNT(KBUFMAP_STRATEGIES) == KBUFMAP_STRATEGY_COUNT,
	       "KBUFMAP_STRATEGIES and enum kbufmap_strategy differ");
_Static_assert(KBUFMAP_X_COUNT(KBUFMAP_CACHE_MODES) == KBUFMAP_CACHE_COUNT,
	       "KBUFMAP_CACHE_MODES and enum kbufmap_cache differ");
_Static_assert(KBUFMAP_X_COUNT(KBUFMAP_MEM_ATTRS) == KBUFMAP_ATTR_COUNT,
	       "KBUFMAP_MEM_ATTRS and enum kbufmap_mem_attr differ");
_Static_assert(KBUFMAP_X_COUNT(KBUFMAP_DMA_DIRS) == KBUFMAP_DMA_DIR_COUNT,
	       "KBUFMAP_DMA_DIRS and enum kbufmap_dma_dir differ");
/* Every counter field is listed: they all come before reserved[]. */
_Static_assert(offsetof(struct kbufmap_counters, reserved) ==
	       KBUFMAP_X_COUNT(KBUFMAP_COUNTERS) * sizeof(__u64),
	       "KBUFMAP_COUNTERS and struct kbufmap_counters differ");

#endif /* KBUFMAP_NAMES_H */
