// SPDX-License-Identifier: GPL-2.0
/*
 * The cache-attribute model (cache_expect.h). x86_64 is read from the
 * kernels' code (Debian 6.1 and 6.12 sources, 7.2 headers), arm64 from the
 * 6.1 and 6.12 sources, and both are checked in the guests by verify's
 * cache family.
 */
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

#include "cache_expect.h"

enum kbm_arch kbm_cache_arch(void)
{
#if defined(__x86_64__)
	return KBM_ARCH_X86_64;
#elif defined(__aarch64__)
	return KBM_ARCH_ARM64;
#else
	return KBM_ARCH_OTHER;
#endif
}

const char *kbm_arch_name(enum kbm_arch arch)
{
	switch (arch) {
	case KBM_ARCH_X86_64:
		return "x86_64";
	case KBM_ARCH_ARM64:
		return "arm64";
	default:
		return "other";
	}
}

const char *kbm_expect_log_name(enum kbm_expect_log log)
{
	switch (log) {
	case KBM_EXPECT_LOG_YES:
		return "yes";
	case KBM_EXPECT_LOG_IF_ONE_RUN:
		return "if one run";
	default:
		return "no";
	}
}

static bool version_at_least(const struct kbm_cache_kernel *k,
			     unsigned int major, unsigned int minor)
{
	return k->major > major || (k->major == major && k->minor >= minor);
}

void kbm_cache_kernel_from_version(struct kbm_cache_kernel *k,
				   unsigned int major, unsigned int minor)
{
	*k = (struct kbm_cache_kernel){ .major = major, .minor = minor };
	k->pfnmap_track = version_at_least(k, 6, 16);
	k->dma_mmap_pages = version_at_least(k, 5, 13);
	k->dma_coherent = kbm_cache_arch() != KBM_ARCH_ARM64;
}

/*
 * Which of @names (NULL-terminated) /proc/kallsyms lists, as bits of
 * *found; false when the file cannot be read.
 */
static bool kallsyms_has(const char *const *names, unsigned int *found)
{
	FILE *f = fopen("/proc/kallsyms", "re");
	char line[512], sym[256];

	*found = 0;
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%*s %*s %255s", sym) != 1)
			continue;
		for (unsigned int i = 0; names[i]; i++)
			if (!strcmp(sym, names[i]))
				*found |= 1u << i;
	}
	fclose(f);
	return true;
}

void kbm_cache_kernel_detect(struct kbm_cache_kernel *k)
{
	static const char *const names[] = { "pfnmap_track", "dma_mmap_pages", NULL };
	unsigned int major = 0, minor = 0, found;
	struct utsname u;

	if (!uname(&u))
		sscanf(u.release, "%u.%u", &major, &minor);
	kbm_cache_kernel_from_version(k, major, minor);
	if (!kallsyms_has(names, &found) || !found)
		return;	/* unreadable, or no symbols at all: the version decides */
	k->pfnmap_track = found & 1u;
	k->dma_mmap_pages = found & 2u;
}

/* ---- x86_64 ---------------------------------------------------------------- */

/* What pgprot_writecombine()/pgprot_noncached() put in the PTE on x86. */
static unsigned int x86_asked(unsigned int cache)
{
	switch (cache) {
	case KBUFMAP_CACHE_WC:
		return KBUFMAP_ATTR_WC;
	case KBUFMAP_CACHE_UC:
		return KBUFMAP_ATTR_UC_MINUS;	/* pgprot_noncached(): UC- */
	default:
		return KBUFMAP_ATTR_WB;
	}
}

/* How the strategy's primitive treats the VMA's attribute on x86. */
enum x86_rule {
	X86_AS_ASKED,		/* installed as asked: no PAT lookup */
	X86_PAT_SILENT,		/* replaced by the RAM's memtype, no word */
	X86_PAT_LOGGED,		/* replaced, with the log line */
	X86_PAT_LOGGED_ONE_RUN,	/* logged when one call covers the VMA */
};

struct x86_path {
	enum x86_rule rule;
	const char *path;
	const char *reason;
};

static struct x86_path x86_page_path(unsigned int strategy)
{
	switch (strategy) {
	case KBUFMAP_STRATEGY_FAULT:
		return (struct x86_path){ X86_AS_ASKED, ".fault returns the page",
			"mm/memory.c finish_fault(): mk_pte(page, vma->vm_page_prot), no PAT lookup" };
	case KBUFMAP_STRATEGY_FAULT_AROUND:
		return (struct x86_path){ X86_AS_ASKED, ".fault + vm_insert_page()",
			"mm/memory.c finish_fault() and insert_page(): the VMA's prot as is, no PAT lookup" };
	case KBUFMAP_STRATEGY_INSERT:
		return (struct x86_path){ X86_AS_ASKED, "vm_insert_page()",
			"mm/memory.c vm_insert_page() -> insert_page(): mk_pte(page, vma->vm_page_prot), no PAT lookup" };
	case KBUFMAP_STRATEGY_INSERT_BATCH:
		return (struct x86_path){ X86_AS_ASKED, "vm_insert_pages()",
			"mm/memory.c vm_insert_pages() -> insert_pages(): the VMA's prot as is, no PAT lookup" };
	case KBUFMAP_STRATEGY_MAP_PAGES:
		return (struct x86_path){ X86_AS_ASKED, "vm_map_pages()",
			"mm/memory.c vm_map_pages() -> vm_insert_page() per page: the VMA's prot as is, no PAT lookup" };
	default:	/* KBUFMAP_STRATEGY_VMALLOC_RANGE */
		return (struct x86_path){ X86_AS_ASKED, "remap_vmalloc_range()",
			"mm/vmalloc.c remap_vmalloc_range_partial() -> vm_insert_page(): the VMA's prot as is, no PAT lookup" };
	}
}

static struct x86_path x86_pfn_path(const struct kbm_cache_kernel *k,
				    unsigned int strategy)
{
	bool nt = k->pfnmap_track;

	switch (strategy) {
	case KBUFMAP_STRATEGY_PFN:
		return (struct x86_path){ X86_PAT_SILENT, "vmf_insert_pfn()", nt ?
			"mm/memory.c vmf_insert_pfn_prot() -> pfnmap_setup_cachemode_pfn(): arch/x86/mm/pat/memtype.c lookup_memtype() replaces the prot, silently" :
			"mm/memory.c vmf_insert_pfn_prot() -> track_pfn_insert(): arch/x86/mm/pat/memtype.c lookup_memtype() replaces the prot, silently" };
	case KBUFMAP_STRATEGY_HUGE:
		return (struct x86_path){ X86_PAT_SILENT, "vmf_insert_pfn_pmd()", nt ?
			"mm/huge_memory.c vmf_insert_pfn_pmd() -> pfnmap_setup_cachemode_pfn(): lookup_memtype() replaces the prot, silently (PTE fallback: as pfn)" :
			"mm/huge_memory.c vmf_insert_pfn_pmd() -> track_pfn_insert(): lookup_memtype() replaces the prot, silently (PTE fallback: as pfn)" };
	case KBUFMAP_STRATEGY_REMAP:
		return (struct x86_path){ X86_PAT_LOGGED_ONE_RUN, "remap_pfn_range() per run", nt ?
			"mm/memory.c remap_pfn_range(): a call over the whole VMA -> pfnmap_track() -> arch/x86/mm/pat/memtype.c reserve_pfn_range(): RAM, pr_warn \"map pfn RAM range req ..., got ...\" and the prot rewritten; a call over part of it -> pfnmap_setup_cachemode(): rewritten silently" :
			"mm/memory.c remap_pfn_range() -> track_pfn_remap(): a call over the whole VMA -> arch/x86/mm/pat/memtype.c reserve_pfn_range(): RAM, pr_warn \"map pfn RAM range req ..., got ...\" and the prot rewritten; a call over part of it: lookup_memtype(), rewritten silently" };
	default:	/* KBUFMAP_STRATEGY_REMAP_UNCHECKED */
		return (struct x86_path){ X86_PAT_SILENT, "remap_pfn_range() per page", nt ?
			"mm/memory.c remap_pfn_range() per page: part of the VMA -> pfnmap_setup_cachemode(): lookup_memtype() rewrites the prot silently" :
			"mm/memory.c remap_pfn_range() per page -> track_pfn_remap(): part of the VMA, lookup_memtype() rewrites the prot silently" };
	}
}

/* The same text naming the 6.16+ or the older PAT hook. */
#define X86_TRACK(nt, before, after) \
	((nt) ? before "pfnmap_track()" after : before "track_pfn_remap()" after)

static struct x86_path x86_dma_path(const struct kbm_cache_kernel *k,
				    unsigned int backend)
{
	bool nt = k->pfnmap_track;

	switch (backend) {
	case KBUFMAP_BACKEND_DMA_COHERENT:
		return (struct x86_path){ X86_PAT_LOGGED, "dma_mmap_coherent()", X86_TRACK(nt,
			"kernel/dma/direct.c dma_direct_mmap(): dma_pgprot() (kernel/dma/mapping.c) keeps the VMA's prot on a coherent device (x86: every one), then remap_pfn_range() over the whole VMA -> ",
			": a preset WC/UC is rewritten, with the log line") };
	case KBUFMAP_BACKEND_DMA_WC:
		return (struct x86_path){ X86_PAT_LOGGED, "dma_mmap_wc()", X86_TRACK(nt,
			"kernel/dma/mapping.c dma_mmap_wc() -> dma_pgprot(): DMA_ATTR_WRITE_COMBINE is dropped on a coherent device (x86: every one), so WB; then remap_pfn_range() over the whole VMA -> ",
			": a preset WC/UC is rewritten, with the log line") };
	default:	/* KBUFMAP_BACKEND_DMA_NONCOHERENT */
		return (struct x86_path){ X86_PAT_LOGGED, "dma_mmap_pages()", X86_TRACK(nt,
			"kernel/dma/mapping.c dma_mmap_pages(): remap_pfn_range() over the whole VMA with the VMA's prot (no dma_pgprot()) -> ",
			": a WC/UC prot is rewritten, with the log line") };
	}
}

static struct x86_path x86_path(const struct kbm_cache_kernel *k,
				unsigned int backend, unsigned int strategy)
{
	if (strategy == KBUFMAP_STRATEGY_DMA_MMAP)
		return x86_dma_path(k, backend);
	if (kbufmap_strategy_needs_page_refs(strategy))
		return x86_page_path(strategy);
	return x86_pfn_path(k, strategy);
}

static const char x86_set_memory_reason[] =
	"--set-memory: arch/x86/mm/pat/set_memory.c set_memory_wc()/_uc() -> memtype_reserve() "
	"records the memtype in the page flags and changes the direct map, so "
	"lookup_memtype() finds what is asked and every path agrees: no override, no alias";

static int x86_expect(const struct kbm_cache_kernel *k, unsigned int backend,
		      unsigned int strategy, unsigned int cache,
		      bool set_memory, struct kbm_cache_expect *e)
{
	struct x86_path p = x86_path(k, backend, strategy);

	e->asked = x86_asked(cache);
	e->kernel = set_memory ? e->asked : KBUFMAP_ATTR_WB;
	e->path = p.path;
	e->reason = set_memory ? x86_set_memory_reason : p.reason;
	if (set_memory || p.rule == X86_AS_ASKED) {
		e->user = e->asked;
		e->pat_log = KBM_EXPECT_LOG_NO;
	} else {
		e->user = e->kernel;	/* lookup_memtype(): WB RAM */
		if (e->user == e->asked || p.rule == X86_PAT_SILENT)
			e->pat_log = KBM_EXPECT_LOG_NO;
		else if (p.rule == X86_PAT_LOGGED)
			e->pat_log = KBM_EXPECT_LOG_YES;
		else
			e->pat_log = KBM_EXPECT_LOG_IF_ONE_RUN;
	}
	e->pat_override = e->user != e->asked;
	e->alias = e->user != e->kernel;
	if (backend == KBUFMAP_BACKEND_DMA_NONCOHERENT && !k->dma_mmap_pages)
		e->kernel_refuses = "no dma_mmap_pages() before 5.13: the module refuses dma-noncoherent (EOPNOTSUPP)";
	return 0;
}

/* ---- arm64 ------------------------------------------------------------------ */

/*
 * arm64 has no PAT: every primitive installs the AttrIndx of the VMA's prot,
 * which MAIR turns into the attribute. The linear map of RAM stays Normal
 * (write-back), so a WC or UC user mapping is an alias, and nothing can
 * register another attribute for the linear map (no set_memory_wc()).
 */
static unsigned int arm64_asked(unsigned int cache)
{
	switch (cache) {
	case KBUFMAP_CACHE_WC:
		return KBUFMAP_ATTR_WC;	/* pgprot_writecombine(): Normal-NC */
	case KBUFMAP_CACHE_UC:
		return KBUFMAP_ATTR_DEVICE_nGnRnE;	/* pgprot_noncached() */
	default:
		return KBUFMAP_ATTR_WB;
	}
}

static const char arm64_as_asked[] =
	"no PAT on arm64: the PTE holds the VMA's prot (its AttrIndx) as is";

/*
 * dma_mmap_*(): kernel/dma/mapping.c dma_pgprot() decides by coherence:
 * a coherent device keeps the VMA's prot, a non-coherent one gets Normal-NC
 * from dma_mmap_coherent() and dma_mmap_wc(); dma_mmap_pages() never asks.
 */
static void arm64_dma(const struct kbm_cache_kernel *k, unsigned int backend,
		      struct kbm_cache_expect *e)
{
	const char *noncoherent;

	switch (backend) {
	case KBUFMAP_BACKEND_DMA_COHERENT:
		e->path = "dma_mmap_coherent()";
		e->reason = "kernel/dma/direct.c dma_direct_mmap() -> dma_pgprot(): a coherent device keeps the VMA's prot";
		noncoherent = "kernel/dma/direct.c dma_direct_mmap() -> dma_pgprot(): a non-coherent device (no dma-coherent property, as the module's own) gets pgprot_dmacoherent(), Normal-NC, whatever the VMA asked";
		break;
	case KBUFMAP_BACKEND_DMA_WC:
		e->path = "dma_mmap_wc()";
		e->reason = "kernel/dma/mapping.c dma_pgprot(): a coherent device keeps the VMA's prot (DMA_ATTR_WRITE_COMBINE dropped)";
		noncoherent = "kernel/dma/mapping.c dma_pgprot(): a non-coherent device with DMA_ATTR_WRITE_COMBINE gets pgprot_writecombine(), Normal-NC, whatever the VMA asked";
		break;
	default:	/* KBUFMAP_BACKEND_DMA_NONCOHERENT */
		e->path = "dma_mmap_pages()";
		e->reason = "kernel/dma/mapping.c dma_mmap_pages(): remap_pfn_range() with the VMA's prot (no dma_pgprot()); the owner syncs";
		return;
	}
	if (!k->dma_coherent) {
		e->user = KBUFMAP_ATTR_WC;
		e->reason = noncoherent;
	}
}

static int arm64_expect(const struct kbm_cache_kernel *k, unsigned int backend,
			unsigned int strategy, unsigned int cache,
			bool set_memory, struct kbm_cache_expect *e)
{
	e->asked = arm64_asked(cache);
	e->user = e->asked;
	e->kernel = KBUFMAP_ATTR_WB;
	e->pat_log = KBM_EXPECT_LOG_NO;
	if (strategy == KBUFMAP_STRATEGY_DMA_MMAP) {
		arm64_dma(k, backend, e);
	} else {
		e->path = kbufmap_strategy_needs_page_refs(strategy) ?
			  x86_page_path(strategy).path : x86_pfn_path(k, strategy).path;
		e->reason = arm64_as_asked;
	}
	e->alias = e->user != e->kernel;
	if (set_memory)
		e->kernel_refuses = "--set-memory: set_memory_wc()/_uc() are x86's; arm64 cannot give the linear map another attribute, so the module refuses it (EOPNOTSUPP)";
	else if (backend == KBUFMAP_BACKEND_DMA_NONCOHERENT && !k->dma_mmap_pages)
		e->kernel_refuses = "no dma_mmap_pages() before 5.13: the module refuses dma-noncoherent (EOPNOTSUPP)";
	return 0;
}

/* ---- all architectures ----------------------------------------------------- */

int kbm_cache_expect(enum kbm_arch arch, const struct kbm_cache_kernel *k,
		     unsigned int backend, unsigned int strategy,
		     unsigned int cache, bool set_memory,
		     struct kbm_cache_expect *e, const char **why)
{
	unsigned int flags = set_memory ? KBUFMAP_CONFIG_SET_MEMORY : 0;
	const char *unused;
	int err;

	if (!why)
		why = &unused;
	memset(e, 0, sizeof(*e));
	err = kbufmap_combo_errno(backend, strategy, KBUFMAP_NODE_ANY, why);
	if (!err)
		err = kbufmap_cache_errno(backend, cache, flags, why);
	if (err)
		return err;
	*why = "valid";
	switch (arch) {
	case KBM_ARCH_X86_64:
		return x86_expect(k, backend, strategy, cache, set_memory, e);
	case KBM_ARCH_ARM64:
		return arm64_expect(k, backend, strategy, cache, set_memory, e);
	default:
		*why = "no cache model for this architecture";
		return -EOPNOTSUPP;
	}
}
