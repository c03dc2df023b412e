/* SPDX-License-Identifier: GPL-2.0 */
/* Names <-> enums for backends, strategies, map kinds; errno names. */
#ifndef KBM_NAMES_H
#define KBM_NAMES_H

#include <stddef.h>
#include <stdint.h>

const char *backend_name(unsigned int backend);
const char *strategy_name(unsigned int strategy);
const char *map_kind_name(unsigned int kind);	/* enum kbufmap_map_kind */

/* Return the enum value, or -1 for an unknown name. */
int backend_from_name(const char *name);
int strategy_from_name(const char *name);

/* "vmalloc, pages, contig, kmalloc" (static storage). */
const char *backend_names_list(void);
const char *strategy_names_list(void);

/* Largest buffer (in pages) a backend can give, per the ABI header. */
uint64_t backend_max_pages(unsigned int backend);

/* "EINVAL", "EOPNOTSUPP"..., or "errno 123". Static or thread storage. */
const char *errno_name(int err);

#endif /* KBM_NAMES_H */
