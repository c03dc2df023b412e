/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Names <-> enums for backends, strategies, map kinds; the event counters by
 * key; errno names. The names come from include/kbufmap_names.h, which the
 * module's debugfs uses too.
 */
#ifndef KBM_NAMES_H
#define KBM_NAMES_H

#include <stddef.h>
#include <stdint.h>

const char *backend_name(unsigned int backend);
const char *strategy_name(unsigned int strategy);
const char *map_kind_name(unsigned int kind);	/* enum kbufmap_map_kind */

const char *cache_name(unsigned int cache);	/* enum kbufmap_cache: "wc" */
const char *mem_attr_name(unsigned int attr);	/* enum kbufmap_mem_attr: "UC-" */
const char *dma_dir_name(unsigned int dir);	/* enum kbufmap_dma_dir */

/* Return the enum value, or -1 for an unknown name. */
int backend_from_name(const char *name);
int strategy_from_name(const char *name);
int cache_from_name(const char *name);
int dma_dir_from_name(const char *name);

/* "vmalloc, pages, contig, kmalloc" (static storage). */
const char *backend_names_list(void);
const char *strategy_names_list(void);
const char *cache_names_list(void);
const char *dma_dir_names_list(void);

/*
 * The event counters of struct kbufmap_counters, in struct order: how many,
 * the i-th one's key ("faults", ...; "?" past the end) and value.
 */
struct kbufmap_counters;
size_t counter_count(void);
const char *counter_key(size_t i);
uint64_t counter_value(const struct kbufmap_counters *c, size_t i);

/* Largest buffer (in pages) a backend can give, per the ABI header. */
uint64_t backend_max_pages(unsigned int backend);

/* "EINVAL", "EOPNOTSUPP"..., or "errno 123". Static or thread storage. */
const char *errno_name(int err);

#endif /* KBM_NAMES_H */
