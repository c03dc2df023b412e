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
	/* name, group, modes, flags, applies, fn, doc (PASS), explain (FAIL) */

	/* the foundation: a .fault-mapped buffer, mapped twice, aliases its pages */
	{ "distinct-addresses", "aliasing", SH | PR, NT, NULL,
	  check_distinct_addresses,
	  "two mappings of the buffer are at distinct, non-overlapping addresses",
	  "Two mmap() calls of one buffer must give two VMAs. The same "
	  "address twice means the driver's .mmap or get_unmapped_area "
	  "hands back an existing mapping instead of letting core mm "
	  "place a new one." },
	{ "pagemap-alias", "aliasing", SH | PR, 0, NULL, check_pagemap_alias,
	  "both mappings show the same PFN per page in /proc/self/pagemap, and GET_PFNS agrees",
	  "User space sees another page than the kernel uses for that "
	  "offset. The usual mistake is in the page lookup: how vm_pgoff "
	  "and the fault address become a buffer page index, or the wrong "
	  "helper for the backend (vmalloc_to_page() for vmalloc memory, "
	  "virt_to_page() only for the linear map)." },
	{ "cross-mapping-write", "coherence", SH, 0, NULL,
	  check_cross_mapping_write,
	  "a write through one mapping is seen through the other, at every page's first and last byte",
	  "Two shared mappings of one buffer must map the same pages. A "
	  "mismatch means a mapping got its own copy or another page for "
	  "the offset: vm_pgoff or the page index is mishandled, or the "
	  "fault handler returns a fresh page instead of the buffer's." },
	{ "user-write-kernel-read", "coherence", SH, 0, NULL,
	  check_user_write_kernel_read,
	  "what user space writes, the kernel's read() returns, at the same offsets",
	  "What user space writes through the mapping must be what the "
	  "kernel reads at that offset. The mapped page is not the "
	  "buffer's page: check how the page lookup uses vm_pgoff and the "
	  "fault's pgoff." },
	{ "kernel-write-user-read", "coherence", SH | PR, 0, NULL,
	  check_kernel_write_user_read,
	  "what the kernel's write() stores, both mappings show",
	  "What the kernel stores must show through every mapping at the "
	  "same offset. A stale copy or another page for the offset is "
	  "mapped: check the page lookup (vm_pgoff, the fault's pgoff) "
	  "and that no private copy was made." },
	{ "zeroed", "zeroed", SH | PR, 0, NULL, check_zeroed,
	  "a fresh buffer reads as zero through the mapping",
	  "A fresh buffer must read as zero, or old kernel memory leaks "
	  "to user space. The usual mistake is allocating without "
	  "__GFP_ZERO (alloc_pages(), kmalloc()) or reusing a buffer "
	  "without clearing it." },
	{ "numa-placement", "numa", SH | PR, 0, applies_numa,
	  check_numa_placement,
	  "with --node N, the kernel's PFNs and move_pages() put every page on node N",
	  "With --node N every page must come from node N. The usual "
	  "mistake is an allocator that ignores the node (alloc_pages() "
	  "instead of alloc_pages_node(), kmalloc() instead of "
	  "kmalloc_node()), or a node without free memory that silently "
	  "fell back." },
	{ "mmap-past-end-refused", "bounds", SH | PR, NT, NULL,
	  check_mmap_past_end,
	  "mappings reaching past the end of the buffer fail with EINVAL",
	  ".mmap must refuse any mapping with vm_pgoff + vma_pages(vma) "
	  "past the end of the buffer (EINVAL); otherwise a fault past "
	  "the end reaches memory that is not the buffer's." },

	/* aliasing and coherence */
	{ "dup-fd-alias", "aliasing", SH, 0, NULL, check_dup_fd_alias,
	  "mappings through a descriptor and its dup() show the same buffer",
	  "One open file is one buffer, whatever descriptor maps it. Keep "
	  "the buffer in file->private_data, not in per-descriptor or "
	  "per-mapping state." },
	{ "separate-opens", "aliasing", SH, 0, NULL, check_separate_opens,
	  "two open() calls get two buffers",
	  "Each open() must get its own buffer. Writes that show in "
	  "another open file mean the driver keeps the buffer in a global "
	  "instead of file->private_data, or hands out memory that is not "
	  "zeroed." },
	{ "page-boundaries", "coherence", SH, 0, NULL, check_page_boundaries,
	  "writes across each page boundary are seen through the other mapping and read()",
	  "Bytes on either side of a page boundary must land in "
	  "neighbouring buffer pages. A mismatch means the page index is "
	  "off by one or the pages are mapped out of order." },
	{ "whole-buffer", "coherence", SH, 0, NULL, check_whole_buffer,
	  "every byte written through one mapping reads back through the other",
	  "Every byte written through one shared mapping must read back "
	  "through the other. A mismatch means a mapping shows a fresh or "
	  "wrong page for some offset instead of the buffer's." },

	/* bounds and permissions */
	{ "mmap-unaligned-offset", "bounds", SH, NT, NULL,
	  check_mmap_unaligned_offset, "a page-unaligned offset fails with EINVAL",
	  "The kernel refuses a page-unaligned offset before the driver "
	  "runs; a FAIL here means the kernel or the test setup is not "
	  "what kbufmap assumes." },
	{ "mmap-zero-length", "bounds", SH, NT, NULL, check_mmap_zero_length,
	  "a zero-length mapping fails with EINVAL",
	  "The kernel refuses a zero-length mmap() before the driver "
	  "runs; a FAIL here means the kernel or the test setup is not "
	  "what kbufmap assumes." },
	{ "mremap-grow-refused", "bounds", SH | PR, NT, NULL, check_mremap_grow,
	  "mremap() cannot grow the mapping (EFAULT: VM_DONTEXPAND)",
	  ".mmap must set VM_DONTEXPAND so mremap() cannot grow the "
	  "mapping past the buffer. remap_pfn_range() sets it; "
	  "fault-driven and vm_insert_page() drivers must set it "
	  "themselves, or a touch of the new page reaches the driver with "
	  "an offset past the end." },
	{ "partial-munmap", "bounds", SH | PR, 0, NULL, check_partial_munmap,
	  "unmapping one page leaves the rest right, and the buffer counts its VMAs",
	  "Unmapping part of a mapping splits the VMA: vm_ops->open must "
	  "take a buffer reference for the VMA a split creates and "
	  "vm_ops->close drop it, and the pages left must keep their "
	  "offsets (the lookup must use the split VMA's vm_pgoff)." },
	{ "rdonly-no-shared-write", "permissions", SH, NT, NULL,
	  check_rdonly_no_shared_write,
	  "an O_RDONLY file gives no writable MAP_SHARED mapping (EACCES)",
	  "core mm refuses a writable shared mapping of an O_RDONLY file; "
	  "a FAIL means the driver changed the file mode or VMA flags it "
	  "should leave alone." },
	{ "rdonly-no-mprotect-write", "permissions", SH, 0, NULL,
	  check_rdonly_no_mprotect_write,
	  "mprotect() cannot make a shared mapping of an O_RDONLY file writable (EACCES)",
	  "A shared mapping of an O_RDONLY file must not become writable. "
	  "The usual mistake is a driver that sets VM_MAYWRITE (or "
	  "VM_WRITE) itself in .mmap; leave them to core mm." },
	{ "prot-exec-refused", "permissions", SH | PR, NT, NULL,
	  check_prot_exec_refused,
	  "PROT_EXEC is refused at mmap() (EPERM) and at mprotect() (EACCES)",
	  "A data buffer must never be executable. Refuse VM_EXEC in "
	  ".mmap and clear VM_MAYEXEC so mprotect(PROT_EXEC) fails too." },

	/* persistence, lifetime, accounting, fork, huge */
	{ "madv-dontneed-persists", "persistence", SH, 0, NULL,
	  check_dontneed_persists,
	  "after MADV_DONTNEED a shared mapping re-faults the buffer's data",
	  "MADV_DONTNEED (and any other zap) removes the PTEs; the next "
	  "touch must fault the buffer's page back. A driver that maps "
	  "everything in mmap() still needs a .fault that maps the page "
	  "again, and that fault must return the buffer's page, not a "
	  "zero or anonymous page." },
	{ "mapping-survives-close", "lifetime", SH | PR, 0, NULL,
	  check_survives_close,
	  "the mapping works after close() of the only descriptor",
	  "A mapping must keep its buffer alive after the last close(): "
	  "take a buffer reference per VMA (vm_ops->open/close), not only "
	  "per file." },
	{ "buffer-released", "lifetime", SH, 0, NULL, check_buffer_released,
	  "module counters: the buffer lives until the last munmap, then is freed",
	  "The buffer must live exactly as long as its last user: each "
	  "VMA holds a reference (vm_ops->open/close) so close() cannot "
	  "free it while mapped, and the last munmap must drop the last "
	  "reference, or it leaks." },
	{ "fault-accounting", "accounting", SH, 0, applies_not_huge,
	  check_fault_accounting,
	  "the module's counters show the strategy's own way of faulting",
	  "Each strategy faults in its own way: one .fault per page, "
	  "fault-around mapping ahead, or everything at mmap(). Other "
	  "counts mean a handler returns without mapping the page (faults "
	  "repeat), the populate step left holes, or vm_ops->close is not "
	  "called once per VMA." },
	{ "huge-pmd", "huge", SH, 0, applies_huge, check_huge_pmd,
	  "the huge strategy maps 2 MiB per fault where the kernel calls .huge_fault",
	  "The huge strategy must map 2 MiB with one PMD fault. It needs "
	  "a 2 MiB aligned address (a get_unmapped_area hook such as "
	  "thp_get_unmapped_area()), physical runs aligned to 2 MiB, and "
	  "a kernel that calls .huge_fault for the VMA." },
	{ "fork-shared", "fork", SH, 0, NULL, check_fork_shared,
	  "a child shares a MAP_SHARED mapping both ways",
	  "A child inherits MAP_SHARED mappings and shares the pages both "
	  "ways. A private copy in the child means the VMA is VM_DONTCOPY "
	  "(or MADV_DONTFORK semantics) or vm_ops->open does not keep the "
	  "buffer for the child." },

	/* the cache attribute: the page table against matrix --cache */
	{ "cache-attribute", "cache", SH | PR, NT, applies_cache,
	  check_cache_attribute,
	  "the page table holds the cache attribute matrix --cache gives (user PTE and kernel mapping), "
	  "with the x86/PAT log line exactly where it says; MAP_PRIVATE with a cache other than wb is refused (EINVAL)",
	  "The page table must hold what the kernel's code gives the mapping "
	  "primitive (matrix --cache shows it and why): vm_insert_page(), "
	  "vm_map_pages(), remap_vmalloc_range() and .fault install "
	  "vma->vm_page_prot as is; x86 PAT replaces a WC/UC prot on RAM with "
	  "the RAM's memtype (WB unless set_memory_wc()/_uc() registered "
	  "another) for remap_pfn_range(), vmf_insert_pfn() and huge PMDs, "
	  "logging it for a remap_pfn_range() over the whole VMA; "
	  "dma_mmap_coherent()/dma_mmap_wc() on x86 keep the VMA's prot. "
	  "Another attribute means the driver set another vm_page_prot than "
	  "it meant (pgprot_writecombine()/pgprot_noncached() forgotten, "
	  "misplaced, or applied after the mapping was populated), or this "
	  "kernel's rule differs from the model in cli/lib/cache_expect.c." },
	{ "cache-no-alias", "cache", SH, 0, applies_cache, check_cache_no_alias,
	  "the user PTE and the kernel's own mapping give the RAM the same cache attribute (no memory-type alias)",
	  "The user mapping and the kernel's direct mapping give the same RAM "
	  "different cache attributes: a memory-type alias, which the kernel's "
	  "PAT documentation (Documentation/x86/pat.rst) tells drivers to "
	  "avoid, as accesses through the write-back alias can leave cache "
	  "lines that the uncached or write-combining mapping does not see. "
	  "Register the attribute on the kernel's mapping first with "
	  "set_memory_wc()/set_memory_uc() (and set_memory_wb() before "
	  "freeing), as ALSA does; kbufmap's --set-memory does that. Or map "
	  "with a PFN primitive and accept PAT's write-back." },

	/* MAP_PRIVATE and copy-on-write */
	{ "private-rw-refused", "cow", PR, NT, applies_rw_refused,
	  check_private_rw_refused,
	  "where the matrix refuses private-rw, mmap() fails with its errno",
	  "Where the buffer cannot be copied on write (raw PFNs: "
	  "vmf_insert_pfn() BUG_ONs, remap_pfn_range() returns -EINVAL on "
	  "a CoW mapping), .mmap must refuse a writable MAP_PRIVATE "
	  "mapping with the errno kbufmap_matrix.h gives." },
	{ "private-ro-stays-readonly", "cow", PR, NT, applies_rw_refused,
	  check_private_ro_stays_ro,
	  "where private-rw is refused, a read-only private mapping cannot become writable",
	  "A read-only MAP_PRIVATE mapping the driver cannot copy on "
	  "write must not become writable: .mmap must clear VM_MAYWRITE "
	  "so mprotect(PROT_WRITE) fails with EACCES." },
	{ "private-reads-kernel-data", "cow", PR, 0, NULL,
	  check_private_reads_kernel_data,
	  "a private mapping shows the buffer and later kernel writes",
	  "A private mapping shows the buffer until the process writes a "
	  "page. A page that misses later kernel writes was copied too "
	  "early (at mmap() or at the read fault) or is not the buffer's "
	  "page." },
	{ "cow-first-write-copies", "cow", PR, RW, NULL, check_cow_first_write,
	  "the first write gives the process its own page: new PFN, exclusive, anonymous",
	  "The first write to a private mapping must give the process its "
	  "own anonymous copy of the buffer's page. A write that reaches "
	  "the buffer means the page was mapped writable in a private VMA "
	  "(a shared pgprot, or VM_SHARED semantics)." },
	{ "cow-invisible-to-kernel", "cow", PR, RW, NULL,
	  check_cow_invisible_to_kernel,
	  "private writes never reach the kernel's buffer",
	  "Private writes must never reach the kernel's buffer. If they "
	  "do, the driver maps the buffer writable in a private VMA "
	  "instead of letting the write fault copy it." },
	{ "cow-invisible-to-other-mappings", "cow", PR, RW, NULL,
	  check_cow_invisible_to_others,
	  "private writes are not seen by shared or other private mappings",
	  "Private writes must stay in the writing mapping. If another "
	  "mapping sees them, the buffer page itself was written: the "
	  "driver maps it writable in a private VMA." },
	{ "cow-kernel-writes-show-through", "cow", PR, RW, NULL,
	  check_cow_show_through,
	  "kernel writes still show in pages not yet copied, not in copied ones",
	  "Pages not yet written privately must keep showing the buffer, "
	  "including later kernel writes; copied pages must not. A stale "
	  "page means the driver copied at mmap() or the read fault; a "
	  "changed copy means the copy is the buffer's page." },
	{ "private-dontneed-drops-copy", "cow", PR, RW, NULL,
	  check_private_dontneed,
	  "MADV_DONTNEED drops the private copy; the page re-reads the buffer",
	  "MADV_DONTNEED on a private mapping drops the private copy; the "
	  "next read must fault the buffer's page back, so the driver "
	  "needs a .fault that maps it again." },
	{ "fork-private-cow", "fork", PR, RW, NULL, check_fork_private,
	  "after fork() parent and child have independent private copies",
	  "After fork() parent and child must have independent private "
	  "copies. A write that crosses means the page is shared writable "
	  "(not copy-on-write) or the child lost the mapping "
	  "(VM_DONTCOPY)." },

	/* the Bus error under MAP_PRIVATE of a per-page remap_pfn_range() */
	{ "remap-unchecked-sigbus", "pitfall", PR, VCHK_SIGBUS, NULL,
	  check_remap_unchecked_sigbus,
	  "per-page remap_pfn_range() on MAP_PRIVATE: mmap() succeeds, the first touch SIGBUSes",
	  "The Bus error under MAP_PRIVATE: per-page remap_pfn_range() on a "
	  "copy-on-write (MAP_PRIVATE) mapping returns -EINVAL for every "
	  "page; a driver that ignores the error lets mmap() succeed and "
	  "the first touch SIGBUSes. Remap the whole VMA in one call, "
	  "refuse or clear VM_MAYWRITE for private mappings, and always "
	  "check remap_pfn_range()'s return." },
};

const size_t verify_nr_checks = sizeof(verify_checks) / sizeof(verify_checks[0]);
