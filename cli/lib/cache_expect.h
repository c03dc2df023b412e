/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Which cache attribute a kbufmap mapping gets: the model, one table per
 * architecture, that `matrix --cache` prints and verify's cache family
 * asserts against the page table (KBUFMAP_IOC_PGATTR).
 *
 * Per backend x strategy x cache mode x --set-memory, for a MAP_SHARED
 * mapping of more than one page of RAM: the attribute of the user's PTE, that
 * of the kernel's direct mapping of the same pages, whether PAT replaced
 * the asked attribute and whether it said so in the kernel log, and the
 * kernel code that decides. A cache mode other than wb is refused for
 * MAP_PRIVATE (kbufmap_cache_kind_errno()), so private mappings have no row.
 */
#ifndef KBM_CACHE_EXPECT_H
#define KBM_CACHE_EXPECT_H

#include <errno.h>	/* kbufmap_matrix.h wants the errno constants */
#include <stdbool.h>

#include "kbufmap_matrix.h"

enum kbm_arch {
	KBM_ARCH_X86_64,
	KBM_ARCH_ARM64,		/* MAIR attributes; the device's coherence */
	KBM_ARCH_OTHER,
};

/* The running kernel, as far as the model needs to know it. */
struct kbm_cache_kernel {
	unsigned int major, minor;
	/*
	 * The PFN-mapping PAT hooks are pfnmap_track() and
	 * pfnmap_setup_cachemode() (from 6.16), not track_pfn_remap() and
	 * track_pfn_insert(). Changes the names in the reasons only: the RAM
	 * rule behind them (reserve_pfn_range(), lookup_memtype()) stayed.
	 */
	bool pfnmap_track;
	/* dma_mmap_pages() exists (5.13): the dma-noncoherent backend works. */
	bool dma_mmap_pages;
	/*
	 * The module's device is DMA-coherent (KBUFMAP_INFO_DMA_COHERENT):
	 * every device on x86; on arm64 only one with a dma-coherent firmware
	 * property, which the module's own misc device has not.
	 */
	bool dma_coherent;
};

/* Does the kernel log the override? */
enum kbm_expect_log {
	KBM_EXPECT_LOG_NO,
	KBM_EXPECT_LOG_YES,
	/*
	 * remap: one remap_pfn_range() per physical run; the line only when
	 * one run covers the whole VMA (kmalloc, contig within a chunk, or
	 * scattered pages that happen to be adjacent).
	 */
	KBM_EXPECT_LOG_IF_ONE_RUN,
};

struct kbm_cache_expect {
	unsigned int asked;		/* enum kbufmap_mem_attr the VMA asks */
	unsigned int user;		/* what the user PTE holds */
	unsigned int kernel;		/* the kernel's direct mapping of the RAM */
	bool alias;			/* user != kernel: a memory-type alias */
	bool pat_override;		/* user != asked, done by x86 PAT */
	enum kbm_expect_log pat_log;
	const char *path;		/* the primitive, short */
	const char *reason;		/* why, naming the kernel code */
	/* Refused by this kernel (not by the matrix): why, else NULL. */
	const char *kernel_refuses;
};

/* The architecture kbufmapctl was built for. */
enum kbm_arch kbm_cache_arch(void);
const char *kbm_arch_name(enum kbm_arch arch);

/*
 * The running kernel: uname(2) for the version, /proc/kallsyms for the
 * features (the version where kallsyms cannot be read).
 */
void kbm_cache_kernel_detect(struct kbm_cache_kernel *k);
/* A kernel known only by its version (tests, other kernels). */
void kbm_cache_kernel_from_version(struct kbm_cache_kernel *k,
				   unsigned int major, unsigned int minor);

/*
 * The expected attributes of @backend x @strategy with @cache (enum
 * kbufmap_cache) and @set_memory. Returns 0, -EOPNOTSUPP when there is no
 * model for @arch (*why says so), or the matrix's -errno when the
 * combination is invalid (kbufmap_combo_errno(), kbufmap_cache_errno();
 * *why is its reason). @why may be NULL.
 */
int kbm_cache_expect(enum kbm_arch arch, const struct kbm_cache_kernel *k,
		     unsigned int backend, unsigned int strategy,
		     unsigned int cache, bool set_memory,
		     struct kbm_cache_expect *e, const char **why);

/* "no", "yes", "if one run" */
const char *kbm_expect_log_name(enum kbm_expect_log log);

#endif /* KBM_CACHE_EXPECT_H */
