/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * kbufmap: the ioctl ABI shared by the kbufmap module and kbufmapctl.
 *
 * Rules (Documentation/process/botching-up-ioctls.rst):
 *  - only fixed-width types, every struct a multiple of 8 bytes with explicit
 *    padding, so 32-bit and 64-bit callers see the same layout;
 *  - every reserved or padding field must be zero on input (the module returns
 *    -EINVAL otherwise) and is zeroed on output, so it can gain a meaning later;
 *  - user pointers travel as __u64;
 *  - KBUFMAP_IOC_VERSION tells the caller which ABI the module speaks; a caller
 *    that finds another major version must refuse to go on.
 */
#ifndef _UAPI_KBUFMAP_H
#define _UAPI_KBUFMAP_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define KBUFMAP_DEVICE_NAME	"kbufmap"
#define KBUFMAP_DEVICE_PATH	"/dev/kbufmap"

/*
 * 2.2: cache modes (struct kbufmap_config.cache, KBUFMAP_CONFIG_SET_MEMORY),
 * the DMA-API backends and the dma-mmap strategy, KBUFMAP_IOC_DMA_SYNC,
 * KBUFMAP_IOC_PGATTR (the page table's own answer), GET_INFO's cache,
 * config_flags and KBUFMAP_INFO_HUGE_PMD/_DMA_COHERENT, two DMA counters.
 * All taken from reserved fields: 2.1 callers, who pass zeros, see no change.
 * 2.1: each user's share of the memory cap (module parameter user_max_bytes);
 * without CAP_SYS_ADMIN, VERSION's bytes_in_use counts the caller's own
 * buffers and GET_COUNTERS of KBUFMAP_SCOPE_MODULE is -EPERM;
 * GET_COUNTERS checks the reserved fields of struct kbufmap_counters too;
 * CONFIGURE needs a file opened for writing (-EBADF otherwise), and
 * KBUFMAP_IOC_REOPEN_RDONLY gives a buffer a read-only file.
 * 2.0: a new ioctl magic (so every ioctl number changed: 1.x callers get
 * -ENOTTY); struct kbufmap_version reports the module-wide memory cap.
 * 1.1: struct kbufmap_stats has room for KBUFMAP_STATS_MAX_BACKENDS backends,
 * so KBUFMAP_IOC_GET_COUNTERS got a new number (1.0 callers get -ENOTTY).
 */
#define KBUFMAP_ABI_MAJOR	2
#define KBUFMAP_ABI_MINOR	2

/* Largest buffer one file may own: 1 GiB of 4 KiB pages. */
#define KBUFMAP_MAX_PAGES	(1ULL << 18)
/* Largest kmalloc buffer: the slab allocator's own limit (order 10). */
#define KBUFMAP_KMALLOC_MAX_PAGES	1024ULL
/* Most PFNs one KBUFMAP_IOC_GET_PFNS call returns. */
#define KBUFMAP_PFN_BATCH_MAX	(1ULL << 16)

/* Where a buffer's memory comes from. */
enum kbufmap_backend {
	KBUFMAP_BACKEND_VMALLOC = 0,	/* vmap(VM_USERMAP) of order-0 pages */
	KBUFMAP_BACKEND_PAGES = 1,	/* one alloc_pages_node() per page */
	KBUFMAP_BACKEND_CONTIG = 2,	/* high-order chunks, split to 4 KiB pages */
	KBUFMAP_BACKEND_KMALLOC = 3,	/* kmalloc_node(): slab or large kmalloc */
	/*
	 * The DMA API, on the misc device (64-bit DMA mask). One allocation of
	 * physically contiguous memory: at most one buddy block, 4 MiB with
	 * 4 KiB pages, unless a CMA area holds more (Debian's amd64 kernels
	 * have none: 7.2 has CMA, but no area); CONFIGURE is -E2BIG past
	 * what the kernel could give. Mapped only by the dma-mmap strategy.
	 */
	KBUFMAP_BACKEND_DMA_COHERENT = 4,	/* dma_alloc_coherent() */
	KBUFMAP_BACKEND_DMA_WC = 5,		/* dma_alloc_wc() */
	/* dma_alloc_pages(): cached memory whose owner syncs
	 * (KBUFMAP_IOC_DMA_SYNC); needs dma_mmap_pages(), 5.13 and later:
	 * -EOPNOTSUPP before.
	 */
	KBUFMAP_BACKEND_DMA_NONCOHERENT = 6,
	KBUFMAP_BACKEND_COUNT
};

/* How a buffer's pages reach the page tables of a process. */
enum kbufmap_strategy {
	KBUFMAP_STRATEGY_FAULT = 0,		/* .fault returns the page */
	KBUFMAP_STRATEGY_FAULT_AROUND = 1,	/* .fault maps a window */
	KBUFMAP_STRATEGY_PFN = 2,		/* vmf_insert_pfn() in .fault */
	KBUFMAP_STRATEGY_REMAP = 3,		/* remap_pfn_range() at mmap */
	KBUFMAP_STRATEGY_INSERT = 4,		/* vm_insert_page() loop at mmap */
	KBUFMAP_STRATEGY_INSERT_BATCH = 5,	/* vm_insert_pages() at mmap */
	KBUFMAP_STRATEGY_MAP_PAGES = 6,		/* vm_map_pages() at mmap */
	KBUFMAP_STRATEGY_VMALLOC_RANGE = 7,	/* remap_vmalloc_range() at mmap */
	KBUFMAP_STRATEGY_HUGE = 8,		/* .huge_fault, 2 MiB PMDs */
	/* The Bus error under MAP_PRIVATE, on purpose: per-page
	 * remap_pfn_range() whose error is ignored. Opt-in, for `verify`.
	 * Its MAP_PRIVATE mappings are copy-on-write, so (as for a writable
	 * private remap) they need CAP_SYS_ADMIN: mmap() is -EPERM otherwise.
	 */
	KBUFMAP_STRATEGY_REMAP_UNCHECKED = 9,
	/* the DMA API's own: dma_mmap_coherent(), dma_mmap_wc() or
	 * dma_mmap_pages(), as the DMA backend asks; DMA backends only
	 */
	KBUFMAP_STRATEGY_DMA_MMAP = 10,
	KBUFMAP_STRATEGY_COUNT
};

/*
 * The cache attribute a buffer's mappings ask for (struct kbufmap_config):
 * what the driver puts into vma->vm_page_prot before mapping. What the page
 * table then holds may differ (x86 PAT overrides PFN mappings of RAM):
 * KBUFMAP_IOC_PGATTR reports that.
 */
enum kbufmap_cache {
	KBUFMAP_CACHE_WB = 0,	/* the VMA's prot as mmap() made it */
	KBUFMAP_CACHE_WC = 1,	/* pgprot_writecombine() */
	KBUFMAP_CACHE_UC = 2,	/* pgprot_noncached() */
	KBUFMAP_CACHE_COUNT
};

#define KBUFMAP_NODE_ANY	(-1)	/* the allocator's default policy */

/* KBUFMAP_IOC_VERSION */
struct kbufmap_version {
	__u32 major;		/* out: KBUFMAP_ABI_MAJOR */
	__u32 minor;		/* out: KBUFMAP_ABI_MINOR */
	__u64 max_pages;	/* out: KBUFMAP_MAX_PAGES */
	/*
	 * out: the bytes all buffers together may hold (module parameter
	 * max_bytes; CONFIGURE fails with -ENOMEM past it, or past one
	 * user's share, user_max_bytes, for callers without CAP_SYS_ADMIN),
	 * and the bytes they hold now: all buffers' for CAP_SYS_ADMIN, the
	 * caller's effective uid's for anyone else.
	 */
	__u64 max_bytes;
	__u64 bytes_in_use;
};

/*
 * KBUFMAP_IOC_CONFIGURE: give the file a buffer (replacing an unmapped one).
 * The file must be open for writing (-EBADF otherwise).
 */
struct kbufmap_config {
	__u64 nr_pages;		/* in: 1..KBUFMAP_MAX_PAGES */
	__u32 backend;		/* in: enum kbufmap_backend */
	__u32 strategy;		/* in: enum kbufmap_strategy */
	/*
	 * in: a NUMA node with memory (the pages come from it or CONFIGURE
	 * fails with -ENOMEM), or KBUFMAP_NODE_ANY
	 */
	__s32 node;
	__u32 flags;		/* in: KBUFMAP_CONFIG_* */
	/*
	 * in: enum kbufmap_cache. Not WB: MAP_PRIVATE mappings of the buffer
	 * fail with -EINVAL (their copy-on-write copies would be anonymous
	 * pages mapped with it).
	 */
	__u32 cache;
	__u32 pad;		/* in: must be zero */
	__u64 reserved[3];	/* in: must be zero */
};

/*
 * Give the kernel's own mapping of the buffer the asked cache attribute
 * (set_memory_wc()/_uc() or their page-array forms) before any mapping, and
 * restore write-back before freeing: the way x86's PAT documentation asks
 * for, with no memory-type alias. Needs cache WC or UC and a backend whose
 * memory is the kernel's direct map (pages, contig, dma-noncoherent);
 * -EOPNOTSUPP otherwise, and on architectures without set_memory_wc().
 */
#define KBUFMAP_CONFIG_SET_MEMORY	(1U << 0)
#define KBUFMAP_CONFIG_FLAGS_ALL	KBUFMAP_CONFIG_SET_MEMORY

/* Buffer-level facts, KBUFMAP_IOC_GET_INFO. */
#define KBUFMAP_INFO_CONFIGURED		(1U << 0)
#define KBUFMAP_INFO_CONTIGUOUS		(1U << 1)	/* one physical run */
/* The huge strategy maps PMDs on this kernel (it falls back to PTEs where
 * huge PFN PMDs are not marked special: before 6.12 on x86).
 */
#define KBUFMAP_INFO_HUGE_PMD		(1U << 2)
/* A DMA backend, on a device the DMA API treats as cache-coherent. */
#define KBUFMAP_INFO_DMA_COHERENT	(1U << 3)

struct kbufmap_info {
	__u64 nr_pages;		/* out */
	__u32 backend;		/* out */
	__u32 strategy;		/* out */
	__s32 node;		/* out: requested node or KBUFMAP_NODE_ANY */
	__u32 flags;		/* out: KBUFMAP_INFO_* */
	__u32 nr_chunks;	/* out: physically contiguous runs */
	__u32 live_vmas;	/* out: mappings that still reference it */
	__u32 cache;		/* out: enum kbufmap_cache, as configured */
	__u32 config_flags;	/* out: KBUFMAP_CONFIG_*, as configured */
	__u64 reserved[3];	/* out: zero */
};

/*
 * KBUFMAP_IOC_GET_PFNS: the kernel's own view of the buffer's page frame
 * numbers, for pages [first, first + count). CAP_SYS_ADMIN only: physical
 * addresses are not for unprivileged eyes.
 */
struct kbufmap_pfns {
	__u64 first;		/* in: first page index */
	__u64 count;		/* in: 1..KBUFMAP_PFN_BATCH_MAX, within the buffer */
	__u64 pfns;		/* in: user pointer to count __u64 */
	__u64 reserved[2];	/* in: must be zero */
};

/* Event counters, per buffer and summed for the module. */
struct kbufmap_counters {
	__u64 faults;			/* .fault calls */
	__u64 fault_around_calls;	/* fault-around windows mapped by .fault */
	__u64 fault_around_pages;	/* pages they mapped besides the faulting one */
	__u64 huge_faults;		/* PMDs .huge_fault found empty and mapped */
	__u64 pages_inserted;		/* pages vm_insert_page(s)/vm_map_pages
					 * mapped in a successful mmap()
					 */
	__u64 remap_calls;		/* remap_pfn_range/remap_vmalloc_range calls */
	__u64 mmaps;			/* successful mmap() */
	/*
	 * vm_ops->close: a VMA went away. Not one per mmap(): a split
	 * (partial munmap, mprotect), a fork or an mremap() move adds VMAs,
	 * each closed in turn.
	 */
	__u64 vma_closes;
	/*
	 * vm_ops->open: core mm made a VMA by copying one (split, fork,
	 * mremap() move); not called for mmap(). So the buffer's live VMAs
	 * are mmaps + vma_opens - vma_closes.
	 */
	__u64 vma_opens;
	/* KBUFMAP_IOC_DMA_SYNC calls, by op */
	__u64 dma_syncs_for_cpu;
	__u64 dma_syncs_for_device;
	__u64 reserved[5];
};

/*
 * Backends struct kbufmap_stats has room for: a fixed number, so that a new
 * backend changes neither the struct's size nor the ioctl number.
 */
#define KBUFMAP_STATS_MAX_BACKENDS	8

enum kbufmap_scope {
	KBUFMAP_SCOPE_BUFFER = 0,	/* this file's buffer */
	KBUFMAP_SCOPE_MODULE = 1,	/* the whole module since load;
					 * CAP_SYS_ADMIN only (every user's
					 * activity), -EPERM otherwise
					 */
};

/* KBUFMAP_IOC_GET_COUNTERS */
struct kbufmap_stats {
	__u32 scope;			/* in: enum kbufmap_scope */
	__u32 pad;			/* in: must be zero */
	struct kbufmap_counters counters;	/* out */
	/*
	 * out, module scope only: bytes allocated now, per enum
	 * kbufmap_backend; zero past KBUFMAP_BACKEND_COUNT.
	 */
	__u64 bytes_allocated[KBUFMAP_STATS_MAX_BACKENDS];
	__u64 live_buffers;		/* out, module scope only */
	__u64 reserved[3];
};

/* KBUFMAP_IOC_DMA_SYNC: hand a dma-noncoherent buffer's range over. */
enum kbufmap_dma_dir {
	KBUFMAP_DMA_BIDIRECTIONAL = 0,
	KBUFMAP_DMA_TO_DEVICE = 1,
	KBUFMAP_DMA_FROM_DEVICE = 2,
	KBUFMAP_DMA_DIR_COUNT
};

enum kbufmap_dma_sync_op {
	KBUFMAP_DMA_SYNC_FOR_CPU = 0,	/* dma_sync_single_for_cpu() */
	KBUFMAP_DMA_SYNC_FOR_DEVICE = 1,	/* dma_sync_single_for_device() */
	KBUFMAP_DMA_SYNC_OP_COUNT
};

/*
 * Only for dma-noncoherent buffers (-EINVAL otherwise: coherent memory has
 * no owner to hand over; the DMA API reserves the sync calls for streaming
 * and non-coherent memory).
 */
struct kbufmap_dma_sync {
	__u64 offset;		/* in: bytes into the buffer */
	__u64 length;		/* in: 1.. bytes, within the buffer */
	__u32 direction;	/* in: enum kbufmap_dma_dir */
	__u32 op;		/* in: enum kbufmap_dma_sync_op */
	__u64 reserved[2];	/* in: must be zero */
};

/*
 * KBUFMAP_IOC_PGATTR: what the page table of the caller's own address space
 * holds for [addr, addr + nr_pages pages), any mapping (kbufmap's or another
 * driver's), as runs of pages that agree in everything below. CAP_SYS_ADMIN
 * only. The attributes are decoded the kernel's way: through the PAT on x86
 * (pgprot2cachemode()), through MAIR on arm64.
 */
enum kbufmap_mem_attr {
	KBUFMAP_ATTR_NONE = 0,		/* no entry, or no kernel mapping */
	KBUFMAP_ATTR_WB = 1,		/* write-back (arm64: Normal) */
	KBUFMAP_ATTR_WC = 2,		/* write-combining (arm64: Normal-NC) */
	KBUFMAP_ATTR_UC_MINUS = 3,	/* x86 UC- */
	KBUFMAP_ATTR_UC = 4,		/* x86 UC */
	KBUFMAP_ATTR_WT = 5,		/* write-through */
	KBUFMAP_ATTR_WP = 6,		/* x86 write-protected */
	KBUFMAP_ATTR_DEVICE_nGnRnE = 7,	/* arm64 Device-nGnRnE */
	KBUFMAP_ATTR_DEVICE_nGnRE = 8,	/* arm64 Device-nGnRE */
	KBUFMAP_ATTR_OTHER = 9,		/* an encoding not listed here */
	KBUFMAP_ATTR_COUNT
};

#define KBUFMAP_PGATTR_PRESENT	(1U << 0)	/* a present entry */
#define KBUFMAP_PGATTR_SPECIAL	(1U << 1)	/* pte/pmd_special(): no page ref */
#define KBUFMAP_PGATTR_RAM	(1U << 2)	/* the PFN has a struct page */
#define KBUFMAP_PGATTR_PMD	(1U << 3)	/* a huge leaf (PMD, or PUD) maps it */
#define KBUFMAP_PGATTR_WRITE	(1U << 4)	/* writable entry */
#define KBUFMAP_PGATTR_NO_VMA	(1U << 5)	/* no VMA covers it */

struct kbufmap_pgattr_run {
	__u64 addr;		/* out: first address of the run */
	__u64 nr_pages;		/* out: pages in the run */
	__u32 flags;		/* out: KBUFMAP_PGATTR_* */
	__u32 attr;		/* out: enum kbufmap_mem_attr of the entry */
	/* out: enum kbufmap_mem_attr of the kernel's own (direct) mapping of
	 * the same RAM; KBUFMAP_ATTR_NONE for non-RAM or no entry
	 */
	__u32 kernel_attr;
	__u32 pad;		/* out: zero */
	/* out: the entry's raw cache bits (x86: PWT|PCD|PAT; arm64: AttrIndx) */
	__u64 raw_bits;
};

#define KBUFMAP_PGATTR_MAX_PAGES	(1ULL << 18)
#define KBUFMAP_PGATTR_MAX_RUNS		(1ULL << 12)

struct kbufmap_pgattr {
	__u64 addr;		/* in: page-aligned start */
	__u64 nr_pages;		/* in: 1..KBUFMAP_PGATTR_MAX_PAGES */
	__u64 runs;		/* in: user pointer to max_runs struct
				 * kbufmap_pgattr_run
				 */
	__u32 max_runs;		/* in: 1..KBUFMAP_PGATTR_MAX_RUNS */
	__u32 nr_runs;		/* out: runs written */
	/* out: pages the runs cover; less than nr_pages when max_runs ran
	 * out (ask again from addr + pages_done pages)
	 */
	__u64 pages_done;
	__u64 reserved[2];	/* in: must be zero */
};

/*
 * Free in the kernel's registry (Documentation/userspace-api/ioctl/
 * ioctl-number.rst) from 6.1 to at least 6.15: 0xB7 is nsfs and remoteproc,
 * 0xB8 Marvell's DPI driver.
 */
#define KBUFMAP_IOC_MAGIC	0xB9

#define KBUFMAP_IOC_VERSION	_IOR(KBUFMAP_IOC_MAGIC, 0x00, struct kbufmap_version)
#define KBUFMAP_IOC_CONFIGURE	_IOW(KBUFMAP_IOC_MAGIC, 0x01, struct kbufmap_config)
#define KBUFMAP_IOC_GET_INFO	_IOR(KBUFMAP_IOC_MAGIC, 0x02, struct kbufmap_info)
#define KBUFMAP_IOC_GET_PFNS	_IOW(KBUFMAP_IOC_MAGIC, 0x03, struct kbufmap_pfns)
#define KBUFMAP_IOC_GET_COUNTERS _IOWR(KBUFMAP_IOC_MAGIC, 0x04, struct kbufmap_stats)
/*
 * Returns a new file descriptor (O_RDONLY, close-on-exec) of the device
 * that holds this file's buffer, or -ENXIO before CONFIGURE.
 */
#define KBUFMAP_IOC_REOPEN_RDONLY _IO(KBUFMAP_IOC_MAGIC, 0x05)
#define KBUFMAP_IOC_DMA_SYNC	_IOW(KBUFMAP_IOC_MAGIC, 0x06, struct kbufmap_dma_sync)
#define KBUFMAP_IOC_PGATTR	_IOWR(KBUFMAP_IOC_MAGIC, 0x07, struct kbufmap_pgattr)

#endif /* _UAPI_KBUFMAP_H */
