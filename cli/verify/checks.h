/* SPDX-License-Identifier: GPL-2.0 */
/* The check functions of verify; the table is checks_table.c. */
#ifndef KBM_CHECKS_H
#define KBM_CHECKS_H

#include "verify.h"

/* checks_basic.c: the foundation */
enum kbm_status check_distinct_addresses(struct vctx *c);
enum kbm_status check_pagemap_alias(struct vctx *c);
enum kbm_status check_cross_mapping_write(struct vctx *c);
enum kbm_status check_user_write_kernel_read(struct vctx *c);
enum kbm_status check_kernel_write_user_read(struct vctx *c);
enum kbm_status check_zeroed(struct vctx *c);
enum kbm_status check_mmap_past_end(struct vctx *c);

/* checks_coherence.c */
enum kbm_status check_dup_fd_alias(struct vctx *c);
enum kbm_status check_separate_opens(struct vctx *c);
enum kbm_status check_page_boundaries(struct vctx *c);
enum kbm_status check_whole_buffer(struct vctx *c);
enum kbm_status check_dontneed_persists(struct vctx *c);
enum kbm_status check_survives_close(struct vctx *c);

/* A read of every page after MADV_DONTNEED: FAIL with the why, or PASS. */
enum kbm_status vrefault_after_dontneed(struct vctx *c, void *p, size_t len);

/* checks_bounds.c: bounds and permissions */
enum kbm_status check_mmap_unaligned_offset(struct vctx *c);
enum kbm_status check_mmap_zero_length(struct vctx *c);
enum kbm_status check_mremap_grow(struct vctx *c);
enum kbm_status check_partial_munmap(struct vctx *c);
enum kbm_status check_rdonly_no_shared_write(struct vctx *c);
enum kbm_status check_rdonly_no_mprotect_write(struct vctx *c);
enum kbm_status check_prot_exec_refused(struct vctx *c);

/* checks_lifetime.c: lifetime, fork, accounting, huge */
enum kbm_status check_buffer_released(struct vctx *c);
enum kbm_status check_fork_shared(struct vctx *c);
enum kbm_status check_fault_accounting(struct vctx *c);
enum kbm_status check_huge_pmd(struct vctx *c);
bool applies_not_huge(const struct vctx *c, const char **why);
bool applies_huge(const struct vctx *c, const char **why);

/* checks_numa.c: placement on the --node */
enum kbm_status check_numa_placement(struct vctx *c);
bool applies_numa(const struct vctx *c, const char **why);

/* checks_cow.c: MAP_PRIVATE and the pitfall */
enum kbm_status check_private_rw_refused(struct vctx *c);
enum kbm_status check_private_ro_stays_ro(struct vctx *c);
enum kbm_status check_private_reads_kernel_data(struct vctx *c);
enum kbm_status check_cow_first_write(struct vctx *c);
enum kbm_status check_cow_invisible_to_kernel(struct vctx *c);
enum kbm_status check_cow_invisible_to_others(struct vctx *c);
enum kbm_status check_cow_show_through(struct vctx *c);
enum kbm_status check_private_dontneed(struct vctx *c);
enum kbm_status check_fork_private(struct vctx *c);
enum kbm_status check_remap_unchecked_sigbus(struct vctx *c);
bool applies_rw_refused(const struct vctx *c, const char **why);

/* checks_cache.c: the cache attribute the page table holds */
enum kbm_status check_cache_attribute(struct vctx *c);
enum kbm_status check_cache_no_alias(struct vctx *c);
bool applies_cache(const struct vctx *c, const char **why);

/* checks_target*.c: the generic checks on another driver's buffer (--target) */
enum kbm_status tcheck_cross_write(struct vctx *c);
enum kbm_status tcheck_pagemap_alias(struct vctx *c);
enum kbm_status tcheck_user_write_kernel_read(struct vctx *c);
enum kbm_status tcheck_kernel_write_user_read(struct vctx *c);
enum kbm_status tcheck_past_end(struct vctx *c);
enum kbm_status tcheck_first_touch(struct vctx *c);
enum kbm_status tcheck_fork_shared(struct vctx *c);
enum kbm_status tcheck_dontneed(struct vctx *c);
enum kbm_status tcheck_pinnable(struct vctx *c);
enum kbm_status tcheck_vma_flags(struct vctx *c);
enum kbm_status tcheck_private_cow(struct vctx *c);
enum kbm_status tcheck_private_writes_lost(struct vctx *c);
/* checks_target.c: mapping the target's buffer, for the checks above */
void *tmap(struct vctx *c, int prot, int flags);
void tfill(struct vctx *c, uint8_t *a, uint32_t salt);
enum kbm_status tmap_failed(struct vctx *c, const char *what, int flags, int err);
enum kbm_status tmap_filled(struct vctx *c, uint32_t salt, uint8_t **a);

#endif /* KBM_CHECKS_H */
