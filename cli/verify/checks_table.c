// SPDX-License-Identifier: GPL-2.0
/*
 * The checks of `kbufmapctl verify`, in the order they run. A new check is
 * a function (checks_*.c) and one row here. Every check gets a fresh buffer.
 *
 * modes: SH runs with MAP_SHARED, PR with MAP_PRIVATE (read-only unless
 * VCHK_PRIVATE_RW, which needs the matrix to allow private-rw).
 * VCHK_NO_TOUCH: never touches the mapping, so it also runs where a touch
 * SIGBUSes by design (remap-unchecked, private); VCHK_SIGBUS: runs only there.
 */
#include "checks.h"

#define SH VMODE_SHARED
#define PR VMODE_PRIVATE
#define RW VCHK_PRIVATE_RW
#define NT VCHK_NO_TOUCH

const struct vcheck verify_checks[] = {
	/* name, group, modes, flags, applies, fn, doc */

	/* the foundation (the first seed question's program, made rigorous) */
	{ "distinct-addresses", "aliasing", SH | PR, NT, NULL,
	  check_distinct_addresses,
	  "two mappings of the buffer are at distinct, non-overlapping addresses" },
	{ "pagemap-alias", "aliasing", SH | PR, 0, NULL, check_pagemap_alias,
	  "both mappings show the same PFN per page in /proc/self/pagemap, and GET_PFNS agrees" },
	{ "cross-mapping-write", "coherence", SH, 0, NULL,
	  check_cross_mapping_write,
	  "a write through one mapping is seen through the other, at every page's first and last byte" },
	{ "user-write-kernel-read", "coherence", SH, 0, NULL,
	  check_user_write_kernel_read,
	  "what user space writes, the kernel's read() returns, at the same offsets" },
	{ "kernel-write-user-read", "coherence", SH | PR, 0, NULL,
	  check_kernel_write_user_read,
	  "what the kernel's write() stores, both mappings show" },
	{ "zeroed", "zeroed", SH | PR, 0, NULL, check_zeroed,
	  "a fresh buffer reads as zero through the mapping" },
	{ "numa-placement", "numa", SH | PR, 0, applies_numa,
	  check_numa_placement,
	  "with --node N, the kernel's PFNs and move_pages() put every page on node N" },
	{ "mmap-past-end-refused", "bounds", SH | PR, NT, NULL,
	  check_mmap_past_end,
	  "mappings reaching past the end of the buffer fail with EINVAL" },

	/* aliasing and coherence */
	{ "dup-fd-alias", "aliasing", SH, 0, NULL, check_dup_fd_alias,
	  "mappings through a descriptor and its dup() show the same buffer" },
	{ "separate-opens", "aliasing", SH, 0, NULL, check_separate_opens,
	  "two open() calls get two buffers" },
	{ "page-boundaries", "coherence", SH, 0, NULL, check_page_boundaries,
	  "writes across each page boundary are seen through the other mapping and read()" },
	{ "whole-buffer", "coherence", SH, 0, NULL, check_whole_buffer,
	  "every byte written through one mapping reads back through the other" },

	/* bounds and permissions */
	{ "mmap-unaligned-offset", "bounds", SH, NT, NULL,
	  check_mmap_unaligned_offset, "a page-unaligned offset fails with EINVAL" },
	{ "mmap-zero-length", "bounds", SH, NT, NULL, check_mmap_zero_length,
	  "a zero-length mapping fails with EINVAL" },
	{ "mremap-grow-refused", "bounds", SH | PR, NT, NULL, check_mremap_grow,
	  "mremap() cannot grow the mapping (EFAULT: VM_DONTEXPAND)" },
	{ "partial-munmap", "bounds", SH | PR, 0, NULL, check_partial_munmap,
	  "unmapping one page leaves the rest right, and the buffer counts its VMAs" },
	{ "rdonly-no-shared-write", "permissions", SH, NT, NULL,
	  check_rdonly_no_shared_write,
	  "an O_RDONLY file gives no writable MAP_SHARED mapping (EACCES)" },
	{ "rdonly-no-mprotect-write", "permissions", SH, 0, NULL,
	  check_rdonly_no_mprotect_write,
	  "mprotect() cannot make a shared mapping of an O_RDONLY file writable (EACCES)" },
	{ "prot-exec-refused", "permissions", SH | PR, NT, NULL,
	  check_prot_exec_refused,
	  "PROT_EXEC is refused at mmap() (EPERM) and at mprotect() (EACCES)" },

	/* persistence, lifetime, accounting, fork, huge */
	{ "madv-dontneed-persists", "persistence", SH, 0, NULL,
	  check_dontneed_persists,
	  "after MADV_DONTNEED a shared mapping re-faults the buffer's data" },
	{ "mapping-survives-close", "lifetime", SH | PR, 0, NULL,
	  check_survives_close,
	  "the mapping works after close() of the only descriptor" },
	{ "buffer-released", "lifetime", SH, 0, NULL, check_buffer_released,
	  "module counters: the buffer lives until the last munmap, then is freed" },
	{ "fault-accounting", "accounting", SH, 0, applies_not_huge,
	  check_fault_accounting,
	  "the module's counters show the strategy's own way of faulting" },
	{ "huge-pmd", "huge", SH, 0, applies_huge, check_huge_pmd,
	  "the huge strategy maps 2 MiB per fault where the kernel calls .huge_fault" },
	{ "fork-shared", "fork", SH, 0, NULL, check_fork_shared,
	  "a child shares a MAP_SHARED mapping both ways" },

	/* MAP_PRIVATE and copy-on-write */
	{ "private-rw-refused", "cow", PR, NT, applies_rw_refused,
	  check_private_rw_refused,
	  "where the matrix refuses private-rw, mmap() fails with its errno" },
	{ "private-ro-stays-readonly", "cow", PR, NT, applies_rw_refused,
	  check_private_ro_stays_ro,
	  "where private-rw is refused, a read-only private mapping cannot become writable" },
	{ "private-reads-kernel-data", "cow", PR, 0, NULL,
	  check_private_reads_kernel_data,
	  "a private mapping shows the buffer and later kernel writes" },
	{ "cow-first-write-copies", "cow", PR, RW, NULL, check_cow_first_write,
	  "the first write gives the process its own page: new PFN, exclusive, anonymous" },
	{ "cow-invisible-to-kernel", "cow", PR, RW, NULL,
	  check_cow_invisible_to_kernel,
	  "private writes never reach the kernel's buffer" },
	{ "cow-invisible-to-other-mappings", "cow", PR, RW, NULL,
	  check_cow_invisible_to_others,
	  "private writes are not seen by shared or other private mappings" },
	{ "cow-kernel-writes-show-through", "cow", PR, RW, NULL,
	  check_cow_show_through,
	  "kernel writes still show in pages not yet copied, not in copied ones" },
	{ "private-dontneed-drops-copy", "cow", PR, RW, NULL,
	  check_private_dontneed,
	  "MADV_DONTNEED drops the private copy; the page re-reads the buffer" },
	{ "fork-private-cow", "fork", PR, RW, NULL, check_fork_private,
	  "after fork() parent and child have independent private copies" },

	/* the second seed question */
	{ "remap-unchecked-sigbus", "pitfall", PR, VCHK_SIGBUS, NULL,
	  check_remap_unchecked_sigbus,
	  "per-page remap_pfn_range() on MAP_PRIVATE: mmap() succeeds, the first touch SIGBUSes" },
};

const size_t verify_nr_checks = sizeof(verify_checks) / sizeof(verify_checks[0]);
