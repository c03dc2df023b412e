/* SPDX-License-Identifier: GPL-2.0 */
/*
 * /proc/self/pagemap: 8 bytes per virtual page (Documentation/admin-guide/
 * mm/pagemap.rst). Read in one batch per range, never one call per page.
 * PFNs read as 0 without CAP_SYS_ADMIN; the flag bits are always real.
 */
#ifndef KBM_PAGEMAP_H
#define KBM_PAGEMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PM_PFN_MASK	((1ULL << 55) - 1)	/* bits 0-54 */
#define PM_SOFT_DIRTY	(1ULL << 55)
#define PM_EXCLUSIVE	(1ULL << 56)		/* page mapped exactly once */
#define PM_FILE_SHARED	(1ULL << 61)		/* file page or shared anon */
#define PM_SWAPPED	(1ULL << 62)
#define PM_PRESENT	(1ULL << 63)

static inline uint64_t pm_pfn(uint64_t e) { return e & PM_PFN_MASK; }
static inline bool pm_present(uint64_t e) { return e & PM_PRESENT; }
static inline bool pm_swapped(uint64_t e) { return e & PM_SWAPPED; }
static inline bool pm_file_shared(uint64_t e) { return e & PM_FILE_SHARED; }
static inline bool pm_exclusive(uint64_t e) { return e & PM_EXCLUSIVE; }

/*
 * Read the entries of @npages pages starting at page-aligned @addr into
 * @out (npages entries) with one pread(). Returns 0 or -errno.
 */
int pagemap_read(const void *addr, size_t npages, uint64_t *out);

/* "present pfn 0x1234 file/shared exclusive" for messages. */
const char *pagemap_describe(uint64_t e, char *buf, size_t len);

#endif /* KBM_PAGEMAP_H */
