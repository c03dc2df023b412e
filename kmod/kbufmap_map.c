// SPDX-License-Identifier: GPL-2.0
/*
 * kbufmap: the mapping strategies.
 *
 * Each strategy is one entry of kbufmap_strategies[]: its vm_operations, the
 * VMA flags it needs, and for the strategies that map everything inside
 * mmap() a populate function. The functions that tracing tools attach to
 * (kbufmap_mmap, kbufmap_vm_fault, kbufmap_vm_map_pages,
 * kbufmap_vm_huge_fault, kbufmap_populate_*) are noinline and only ever
 * called through function pointers, so they keep their exact symbols.
 *
 * Which buffer page a user address shows: the fault handlers use vmf->pgoff,
 * the file page offset core mm computes from vm_pgoff. Core mm keeps vm_pgoff
 * right across VMA splits (partial munmap, mprotect) and mremap() moves, and
 * only remap_pfn_range() overwrites it (on CoW mappings), which the
 * fault-driven strategies never call. The populate functions read vm_pgoff
 * inside mmap(), before anything can change it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/errno.h>
#include <linux/fs.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "kbufmap_matrix.h"
#include "kbufmap.h"

/*
 * Pages mapped between two cond_resched() calls by the per-page populate
 * loops, and per vm_insert_pages() call. A buffer may have 2^18 pages, and
 * mmap() runs them all in one go: the populate functions run in process
 * context under mmap_lock and the file's mutex, both sleeping locks, so they
 * may reschedule. (The fault handlers need not: .fault maps at most a
 * fault-around window, .huge_fault one PMD.)
 */
#define KBUFMAP_POPULATE_BATCH	4096UL

#define KBUFMAP_PMD_PAGES	(PMD_SIZE >> PAGE_SHIFT)

/*
 * The buffer page shown at buffer position @idx (< nr_pages): @idx itself,
 * but the next one under the wrong_page injection.
 */
static unsigned long kbufmap_src(const struct kbufmap_buffer *buf,
				 unsigned long idx)
{
	if (kbufmap_injected(buf, KBUFMAP_INJECT_WRONG_PAGE))
		return (idx + 1) % buf->nr_pages;
	return idx;
}

static unsigned long kbufmap_src_pfn(const struct kbufmap_buffer *buf,
				     unsigned long idx)
{
	return kbufmap_buffer_pfn(buf, kbufmap_src(buf, idx));
}

static struct page *kbufmap_src_page(const struct kbufmap_buffer *buf,
				     unsigned long idx)
{
	return kbufmap_buffer_page(buf, kbufmap_src(buf, idx));
}

/*
 * The ignore_remap_error injection. remap_pfn_range() cannot fail here unless
 * mmap() lets it: so besides ignoring the error, the injected remap strategy
 * keeps VM_MAYWRITE on read-only private mappings and maps page by page, as
 * the Bus error's driver did; on the CoW mapping every call then fails
 * (whether or not the memory happens to be contiguous) and the first access
 * gets SIGBUS.
 */
#ifdef KBUFMAP_FAULT_INJECT
static bool kbufmap_remap_error_injected(const struct kbufmap_buffer *buf)
{
	return buf->strategy == KBUFMAP_STRATEGY_REMAP &&
	       kbufmap_injected(buf, KBUFMAP_INJECT_IGNORE_REMAP_ERROR);
}
#else
#define kbufmap_remap_error_injected(buf)	(!sizeof(buf))
#endif

/*
 * The buffer pages [*first, *first + *count) a VMA maps, read inside mmap().
 * mmap() checked that they exist; only the no_bounds injection gets here with
 * a range past the end, and then maps only what exists.
 */
static void kbufmap_vma_range(const struct kbufmap_buffer *buf,
			      struct vm_area_struct *vma,
			      unsigned long *first, unsigned long *count)
{
	unsigned long off = vma->vm_pgoff;

	*first = off;
	*count = off < buf->nr_pages ?
		 min(vma_pages(vma), buf->nr_pages - off) : 0;
}

/* --- vm_operations shared by every strategy: the buffer's VMA reference --- */

/* Every VMA holds a buffer reference: taken by mmap() or by ->open(). */
static void kbufmap_vma_get(struct vm_area_struct *vma)
{
	struct kbufmap_buffer *buf = vma->vm_private_data;

	kbufmap_buffer_get(buf);
	atomic_inc(&buf->live_vmas);
}

/* Core mm copied a VMA (split, fork, mremap() move): not called for mmap(). */
static void kbufmap_vm_open(struct vm_area_struct *vma)
{
	struct kbufmap_buffer *buf = vma->vm_private_data;

	kbufmap_count(buf, KBUFMAP_CNT_VMA_OPENS, 1);
	kbufmap_vma_get(vma);
}

static void kbufmap_vm_close(struct vm_area_struct *vma)
{
	struct kbufmap_buffer *buf = vma->vm_private_data;

	kbufmap_count(buf, KBUFMAP_CNT_VMA_CLOSES, 1);
	atomic_dec(&buf->live_vmas);
	kbufmap_buffer_put(buf);
}

/* --- fault-driven strategies: fault, fault-around, pfn, huge -------------- */

static void kbufmap_fault_around(struct vm_fault *vmf);

/*
 * One page per trap. Refcounted pages (fault, fault-around, and the
 * vm_insert_page() family after a zap) go back to core mm in vmf->page with a
 * reference for the page table; VM_PFNMAP mappings (pfn, huge) get a raw PFN
 * inserted here.
 */
noinline vm_fault_t kbufmap_vm_fault(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct kbufmap_buffer *buf = vma->vm_private_data;
	unsigned long idx = vmf->pgoff;
	struct page *page;

	if (!kbufmap_injected(buf, KBUFMAP_INJECT_NO_FAULT_COUNT))
		kbufmap_count(buf, KBUFMAP_CNT_FAULTS, 1);
	if (idx >= buf->nr_pages)
		return VM_FAULT_SIGBUS;

	if (vma->vm_flags & VM_PFNMAP)
		return vmf_insert_pfn(vma, vmf->address,
				      kbufmap_src_pfn(buf, idx));

	if (kbufmap_injected(buf, KBUFMAP_INJECT_FRESH_PAGE)) {
		/* The bug: a new zeroed page per fault, owned by the PTE alone. */
		page = alloc_page(GFP_KERNEL | __GFP_ZERO);
		if (!page)
			return VM_FAULT_OOM;
		vmf->page = page;
		return 0;
	}
	if (buf->ops->map_window)
		kbufmap_fault_around(vmf);
	page = kbufmap_src_page(buf, idx);
	get_page(page);
	vmf->page = page;
	return 0;
}

/*
 * Fault-around, done by .fault itself: on a read fault, the pages of the
 * aligned KBUFMAP_FAULT_AROUND_PAGES window around the faulting one (within
 * the VMA and the buffer) go in with vm_insert_page(), and .fault returns
 * the faulting page as usual.
 *
 * Why not core mm's ->map_pages() hook: it runs under rcu_read_lock() (6.12)
 * and must not block, and the only exported way to map a page,
 * vm_insert_page(), allocates a page table when the PMD has none. Core mm
 * guarantees nothing that keeps a page table there between a check and the
 * insert (kernels with CONFIG_PT_RECLAIM free empty ones on MADV_DONTNEED),
 * and its own helpers (set_pte_range(), filemap_map_pages()) are not
 * exported. .fault may sleep, and core mm calls a .fault without
 * ->map_pages() only under mmap_lock (6.12 retries a per-VMA-lock fault
 * under mmap_lock: vmf_can_call_fault()); vm_insert_page() documents the
 * page-fault handler of a VM_MIXEDMAP VMA as a place it may be called from.
 * Pages already mapped are skipped (-EBUSY); the pages are refcounted and
 * rmapped just as .fault's are.
 *
 * Keeps the name and arguments of the ->map_pages() hook it replaced, so
 * that the tracing tools (probes/) count its windows as before.
 */
#define KBUFMAP_FAULT_AROUND_PAGES	16UL

noinline vm_fault_t kbufmap_vm_map_pages(struct vm_fault *vmf,
					 pgoff_t start_pgoff,
					 pgoff_t end_pgoff)
{
	struct vm_area_struct *vma = vmf->vma;
	struct kbufmap_buffer *buf = vma->vm_private_data;
	unsigned long mapped = 0;
	pgoff_t pgoff;

	kbufmap_count(buf, KBUFMAP_CNT_FAULT_AROUND_CALLS, 1);
	for (pgoff = start_pgoff; pgoff <= end_pgoff; pgoff++) {
		unsigned long addr = vma->vm_start +
				     ((pgoff - vma->vm_pgoff) << PAGE_SHIFT);
		int err;

		if (pgoff == vmf->pgoff)	/* .fault returns that one */
			continue;
		err = vm_insert_page(vma, addr, kbufmap_src_page(buf, pgoff));
		if (err == -EBUSY)	/* already mapped */
			continue;
		if (err)
			break;
		mapped++;
	}
	kbufmap_count(buf, KBUFMAP_CNT_FAULT_AROUND_PAGES, mapped);
	return 0;
}

/* The window around a read fault, clamped to the VMA and the buffer. */
static void kbufmap_fault_around(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct kbufmap_buffer *buf = vma->vm_private_data;
	pgoff_t first = vma->vm_pgoff;
	pgoff_t last = min(first + vma_pages(vma), buf->nr_pages) - 1;
	pgoff_t start, end;

	if (vmf->flags & FAULT_FLAG_WRITE)
		return;
	start = max(round_down(vmf->pgoff, KBUFMAP_FAULT_AROUND_PAGES), first);
	end = min(start + KBUFMAP_FAULT_AROUND_PAGES - 1, last);
	if (end > start)
		buf->ops->map_window(vmf, start, end);
}

#ifdef KBUFMAP_HUGE_PMDS
/*
 * A 2 MiB PMD when the 2 MiB aligned user range around the fault lies in the
 * VMA and shows a 2 MiB aligned, physically contiguous run of the buffer;
 * otherwise VM_FAULT_FALLBACK and core mm retries with .fault at 4 KiB.
 *
 * Only where huge PFN-map PMDs are special (KBUFMAP_HUGE_PMDS): 5.10 calls
 * this too, but would make a PMD that GUP-fast mistakes for a THP, so there
 * it always falls back. 6.1 never calls this: hugepage_vma_check() refuses
 * VM_SPECIAL VMAs (VM_PFNMAP, VM_DONTEXPAND) and, in the fault path, every
 * file VMA that is not DAX; there the strategy always runs on 4 KiB pages.
 * 6.12 trusts
 * ->huge_fault() in the fault path, under the THP sysfs policy in 6.12.95
 * (enabled=always, or madvise plus MADV_HUGEPAGE); later 6.12 stable kernels
 * skip that policy for VM_PFNMAP mappings.
 *
 * Splits need no refusal (.may_split): when a split or mprotect() cuts a
 * PMD, or mremap() moves it off 2 MiB alignment, core mm zaps that PMD
 * (a special huge PMD has nothing to split into) and the range faults in
 * again, at 4 KiB where a PMD no longer fits.
 */
/* Is @pmd a huge PMD that maps @pfn? */
static bool kbufmap_pmd_maps(pmd_t pmd, unsigned long pfn)
{
	return pmd_trans_huge(pmd) && pmd_pfn(pmd) == pfn;
}

static vm_fault_t kbufmap_huge_pmd(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct kbufmap_buffer *buf = vma->vm_private_data;
	unsigned long haddr = vmf->address & PMD_MASK;
	unsigned long idx, pfn;
	vm_fault_t ret;
	bool was_none;

	if (kbufmap_injected(buf, KBUFMAP_INJECT_WRONG_PAGE) ||
	    kbufmap_injected(buf, KBUFMAP_INJECT_NO_HUGE))
		return VM_FAULT_FALLBACK;	/* let .fault map 4 KiB pages */
	if (haddr < vma->vm_start || haddr + PMD_SIZE > vma->vm_end)
		return VM_FAULT_FALLBACK;
	idx = vmf->pgoff - ((vmf->address - haddr) >> PAGE_SHIFT);
	if (idx >= buf->nr_pages || buf->nr_pages - idx < KBUFMAP_PMD_PAGES)
		return VM_FAULT_FALLBACK;
	pfn = kbufmap_buffer_pfn(buf, idx);
	if (!IS_ALIGNED(pfn, KBUFMAP_PMD_PAGES) ||
	    !kbufmap_buffer_range_contiguous(buf, idx, KBUFMAP_PMD_PAGES))
		return VM_FAULT_FALLBACK;

	/*
	 * vmf_insert_pfn_pmd() also answers NOPAGE for a PMD that is already
	 * there (a write upgrade: wp_huge_pmd()), or when a racing 4 KiB fault
	 * put a page table there first. Count a fault that found the PMD empty
	 * and left our huge PMD in it. Lock-free, so not quite exact: threads
	 * of one process that fault the same empty PMD at the same moment may
	 * each count it.
	 */
	was_none = pmd_none(READ_ONCE(*vmf->pmd));
	ret = kbufmap_vmf_insert_pfn_pmd(vmf, pfn,
					 vmf->flags & FAULT_FLAG_WRITE);
	if (ret == VM_FAULT_NOPAGE && was_none &&
	    kbufmap_pmd_maps(READ_ONCE(*vmf->pmd), pfn))
		kbufmap_count(buf, KBUFMAP_CNT_HUGE_FAULTS, 1);
	return ret;
}
#else
/* No THP, or no pmd_special() (before 6.12): 4 KiB pages from .fault. */
static vm_fault_t kbufmap_huge_pmd(struct vm_fault *vmf)
{
	return VM_FAULT_FALLBACK;
}
#endif

/* Only PMDs: 6.12 also offers PUDs, which no buffer here could fill. */
#ifdef KBUFMAP_HAVE_PAGE_ENTRY_SIZE
noinline vm_fault_t kbufmap_vm_huge_fault(struct vm_fault *vmf,
					  enum page_entry_size pe_size)
{
	if (pe_size != PE_SIZE_PMD)
		return VM_FAULT_FALLBACK;
	return kbufmap_huge_pmd(vmf);
}
#else
noinline vm_fault_t kbufmap_vm_huge_fault(struct vm_fault *vmf,
					  unsigned int order)
{
	if (order != PMD_ORDER)
		return VM_FAULT_FALLBACK;
	return kbufmap_huge_pmd(vmf);
}
#endif

/* --- strategies that populate the whole VMA inside mmap() ----------------- */

/* Pages from @idx on that are physically contiguous in the order shown. */
static unsigned long kbufmap_src_run(const struct kbufmap_buffer *buf,
				     unsigned long idx, unsigned long max)
{
	unsigned long pfn = kbufmap_src_pfn(buf, idx), n;

	for (n = 1; n < max; n++)
		if (kbufmap_src_pfn(buf, idx + n) != pfn + n)
			break;
	return n;
}

/*
 * remap_pfn_range() once per physical run: one call for the whole VMA when the
 * range is one run, which a CoW mapping requires (remap_pfn_range() then
 * records the PFN in vm_pgoff). mmap() refused CoW for scattered ranges and
 * took VM_MAYWRITE from read-only private ones, so here every call is legal.
 */
noinline int kbufmap_populate_remap(struct kbufmap_buffer *buf,
				    struct vm_area_struct *vma)
{
	unsigned long first, count, done = 0;
	pgprot_t prot = vma->vm_page_prot;
	int err = 0;

	kbufmap_vma_range(buf, vma, &first, &count);
	/* Injected bug: private writes would land in the kernel's pages. */
	if (kbufmap_injected(buf, KBUFMAP_INJECT_PRIVATE_WRITETHROUGH) &&
	    (vma->vm_flags & (VM_SHARED | VM_WRITE)) == VM_WRITE)
		prot = vm_get_page_prot(vma->vm_flags | VM_SHARED);

	while (done < count) {
		/* The injected driver maps page by page, as that one did. */
		unsigned long n = kbufmap_remap_error_injected(buf) ? 1 :
			kbufmap_src_run(buf, first + done, count - done);

		err = remap_pfn_range(vma, vma->vm_start + (done << PAGE_SHIFT),
				      kbufmap_src_pfn(buf, first + done),
				      n << PAGE_SHIFT, prot);
		kbufmap_count(buf, KBUFMAP_CNT_REMAP_CALLS, 1);
		if (err && !kbufmap_remap_error_injected(buf))
			return err;
		done += n;
		/* Scattered memory: one page per call, up to 2^18 calls. */
		if (fatal_signal_pending(current))
			return -EINTR;
		cond_resched();
	}
	return 0;
}

/*
 * INTENTIONALLY BROKEN: the driver behind the Bus error question, kept as a
 * strategy so that `verify` can show what its bug does. It remaps page by
 * page, ignores remap_pfn_range()'s result and leaves VM_MAYWRITE alone. On a
 * MAP_PRIVATE mapping of more than one page every call fails (-EINVAL: a CoW
 * mapping must be remapped whole in one call), mmap() still succeeds, nothing
 * is mapped, and as there is no .fault the first access gets SIGBUS.
 */
noinline int kbufmap_populate_remap_unchecked(struct kbufmap_buffer *buf,
					      struct vm_area_struct *vma)
{
	unsigned long first, count, i;

	kbufmap_vma_range(buf, vma, &first, &count);
	for (i = 0; i < count; i++) {
		/* The bug: the result is ignored on purpose. */
		remap_pfn_range(vma, vma->vm_start + (i << PAGE_SHIFT),
				kbufmap_src_pfn(buf, first + i), PAGE_SIZE,
				vma->vm_page_prot);
		kbufmap_count(buf, KBUFMAP_CNT_REMAP_CALLS, 1);
		if (!((i + 1) % KBUFMAP_POPULATE_BATCH)) {
			if (fatal_signal_pending(current))
				return -EINTR;
			cond_resched();
		}
	}
	return 0;
}

/* vm_insert_page() for each page of [first, first + count) from vm_start. */
static int kbufmap_insert_each(struct kbufmap_buffer *buf,
			       struct vm_area_struct *vma,
			       unsigned long first, unsigned long count)
{
	unsigned long i;
	int err = 0;

	for (i = 0; i < count; i++) {
		err = vm_insert_page(vma, vma->vm_start + (i << PAGE_SHIFT),
				     kbufmap_src_page(buf, first + i));
		if (err)
			break;
		if (!((i + 1) % KBUFMAP_POPULATE_BATCH)) {
			err = fatal_signal_pending(current) ? -EINTR : 0;
			if (err)
				break;
			cond_resched();
		}
	}
	if (!err)	/* as vm_map_pages(): a failed mmap() maps nothing */
		kbufmap_count(buf, KBUFMAP_CNT_PAGES_INSERTED, count);
	return err;
}

noinline int kbufmap_populate_insert(struct kbufmap_buffer *buf,
				     struct vm_area_struct *vma)
{
	unsigned long first, count;

	kbufmap_vma_range(buf, vma, &first, &count);
	return kbufmap_insert_each(buf, vma, first, count);
}

/*
 * The page array for positions [first, first + count): the buffer's own, or
 * under the wrong_page injection a shifted copy (*copy, to be kvfree()d).
 */
static struct page **kbufmap_src_pages(struct kbufmap_buffer *buf,
				       unsigned long first, unsigned long count,
				       struct page ***copy)
{
	unsigned long i;

	*copy = NULL;
	if (!kbufmap_injected(buf, KBUFMAP_INJECT_WRONG_PAGE))
		return buf->pages + first;
	*copy = kvmalloc_array(count ? count : 1, sizeof(**copy), GFP_KERNEL);
	if (!*copy)
		return NULL;
	for (i = 0; i < count; i++)
		(*copy)[i] = kbufmap_src_page(buf, first + i);
	return *copy;
}

/*
 * vm_insert_pages(): one PTE lock per page table instead of per page. On
 * error it reports in *num how many pages it did not insert; those it did
 * stay mapped until core mm tears the failed mapping down.
 */
noinline int kbufmap_populate_insert_batch(struct kbufmap_buffer *buf,
					   struct vm_area_struct *vma)
{
	unsigned long first, count, done = 0;
	struct page **pages, **copy;
	int err = 0;

	kbufmap_vma_range(buf, vma, &first, &count);
	pages = kbufmap_src_pages(buf, first, count, &copy);
	if (!pages)
		return -ENOMEM;

	while (done < count) {
		unsigned long want = min(count - done, KBUFMAP_POPULATE_BATCH);
		unsigned long left = want;

		err = vm_insert_pages(vma, vma->vm_start + (done << PAGE_SHIFT),
				      pages + done, &left);
		done += want - left;
		if (!err && left)	/* no error, no progress: never loop */
			err = -EFAULT;
		if (!err && fatal_signal_pending(current))
			err = -EINTR;
		if (err)
			break;
		cond_resched();
	}
	if (!err)
		kbufmap_count(buf, KBUFMAP_CNT_PAGES_INSERTED, done);
	kvfree(copy);
	return err;
}

/*
 * vm_map_pages() is given the whole buffer and maps vma_pages(vma) pages of
 * it starting at vm_pgoff itself, refusing (-ENXIO) a range past the end.
 * Its page loop, like remap_vmalloc_range()'s, never reschedules; the two
 * strategies show what those calls do, so they are not cut into pieces.
 */
noinline int kbufmap_populate_map_pages(struct kbufmap_buffer *buf,
					struct vm_area_struct *vma)
{
	struct page **pages, **copy;
	int err;

	pages = kbufmap_src_pages(buf, 0, buf->nr_pages, &copy);
	if (!pages)
		return -ENOMEM;
	err = vm_map_pages(vma, pages, buf->nr_pages);
	if (!err)
		kbufmap_count(buf, KBUFMAP_CNT_PAGES_INSERTED, vma_pages(vma));
	kvfree(copy);
	return err;
}

/*
 * remap_vmalloc_range() needs a VM_USERMAP area (what vmalloc_user() gives;
 * here vmap(VM_USERMAP)), checks the range against the vmalloc area itself
 * and looks every page up again.
 */
noinline int kbufmap_populate_vmalloc_range(struct kbufmap_buffer *buf,
					    struct vm_area_struct *vma)
{
	unsigned long first, count;

	/* It cannot show the wrong pages by itself: insert them one by one. */
	if (kbufmap_injected(buf, KBUFMAP_INJECT_WRONG_PAGE)) {
		kbufmap_vma_range(buf, vma, &first, &count);
		return kbufmap_insert_each(buf, vma, first, count);
	}
	kbufmap_count(buf, KBUFMAP_CNT_REMAP_CALLS, 1);
	return remap_vmalloc_range(vma, buf->vaddr, vma->vm_pgoff);
}

/*
 * The DMA API's own mapping call for the buffer's allocator:
 * dma_mmap_coherent(), dma_mmap_wc() or dma_mmap_pages(). On dma-direct each
 * is one remap_pfn_range() of the whole VMA from vm_pgoff; dma_mmap_coherent()
 * and dma_mmap_wc() first set vm_page_prot to what the DMA API wants for the
 * device (unchanged on a coherent one, so x86 maps WB).
 */
noinline int kbufmap_populate_dma_mmap(struct kbufmap_buffer *buf,
				       struct vm_area_struct *vma)
{
	kbufmap_count(buf, KBUFMAP_CNT_REMAP_CALLS, 1);
	return kbufmap_dma_mmap(buf, vma);
}

/* --- the strategy table ------------------------------------------------------ */

static const struct vm_operations_struct kbufmap_vm_ops_fault = {
	.open = kbufmap_vm_open,
	.close = kbufmap_vm_close,
	.fault = kbufmap_vm_fault,
};

static const struct vm_operations_struct kbufmap_vm_ops_huge = {
	.open = kbufmap_vm_open,
	.close = kbufmap_vm_close,
	.fault = kbufmap_vm_fault,
	.huge_fault = kbufmap_vm_huge_fault,
};

/*
 * Refcounted pages mapped inside mmap() still need .fault: MADV_DONTNEED (or
 * any other zap) may remove them, and a private mapping's CoW copy must fall
 * back to the buffer's page. After mmap() it is never called otherwise.
 */
static const struct vm_operations_struct kbufmap_vm_ops_prefaulted_pages = {
	.open = kbufmap_vm_open,
	.close = kbufmap_vm_close,
	.fault = kbufmap_vm_fault,
};

/*
 * remap_pfn_range() mappings have no .fault: VM_PFNMAP refuses MADV_DONTNEED,
 * so nothing but munmap() removes their PTEs, and on a CoW mapping vm_pgoff
 * holds a PFN, not the buffer offset .fault would need. A hole in them, as
 * remap-unchecked leaves on purpose, gets SIGBUS.
 */
static const struct vm_operations_struct kbufmap_vm_ops_remapped = {
	.open = kbufmap_vm_open,
	.close = kbufmap_vm_close,
};

static const struct kbufmap_strategy_ops kbufmap_strategy_fault = {
	.vm_ops = &kbufmap_vm_ops_fault,
};

/* VM_MIXEDMAP lets .fault use vm_insert_page() outside mmap(). */
static const struct kbufmap_strategy_ops kbufmap_strategy_fault_around = {
	.vm_ops = &kbufmap_vm_ops_fault,
	.map_window = kbufmap_vm_map_pages,
	.vm_flags = VM_MIXEDMAP,
};

static const struct kbufmap_strategy_ops kbufmap_strategy_pfn = {
	.vm_ops = &kbufmap_vm_ops_fault,
	.vm_flags = VM_PFNMAP,
};

static const struct kbufmap_strategy_ops kbufmap_strategy_remap = {
	.vm_ops = &kbufmap_vm_ops_remapped,
	.populate = kbufmap_populate_remap,
	.remaps_pfns = true,
};

static const struct kbufmap_strategy_ops kbufmap_strategy_insert = {
	.vm_ops = &kbufmap_vm_ops_prefaulted_pages,
	.populate = kbufmap_populate_insert,
	.vm_flags = VM_MIXEDMAP,
};

static const struct kbufmap_strategy_ops kbufmap_strategy_insert_batch = {
	.vm_ops = &kbufmap_vm_ops_prefaulted_pages,
	.populate = kbufmap_populate_insert_batch,
	.vm_flags = VM_MIXEDMAP,
};

static const struct kbufmap_strategy_ops kbufmap_strategy_map_pages = {
	.vm_ops = &kbufmap_vm_ops_prefaulted_pages,
	.populate = kbufmap_populate_map_pages,
	.vm_flags = VM_MIXEDMAP,
};

static const struct kbufmap_strategy_ops kbufmap_strategy_vmalloc_range = {
	.vm_ops = &kbufmap_vm_ops_prefaulted_pages,
	.populate = kbufmap_populate_vmalloc_range,
	.vm_flags = VM_MIXEDMAP,
};

static const struct kbufmap_strategy_ops kbufmap_strategy_huge = {
	.vm_ops = &kbufmap_vm_ops_huge,
	.vm_flags = VM_PFNMAP,
};

static const struct kbufmap_strategy_ops kbufmap_strategy_remap_unchecked = {
	.vm_ops = &kbufmap_vm_ops_remapped,
	.populate = kbufmap_populate_remap_unchecked,
	.remaps_pfns = true,
};

static const struct kbufmap_strategy_ops kbufmap_strategy_dma_mmap = {
	.vm_ops = &kbufmap_vm_ops_remapped,
	.populate = kbufmap_populate_dma_mmap,
	.remaps_pfns = true,
};

const struct kbufmap_strategy_ops *const
kbufmap_strategies[KBUFMAP_STRATEGY_COUNT] = {
	[KBUFMAP_STRATEGY_FAULT] = &kbufmap_strategy_fault,
	[KBUFMAP_STRATEGY_FAULT_AROUND] = &kbufmap_strategy_fault_around,
	[KBUFMAP_STRATEGY_PFN] = &kbufmap_strategy_pfn,
	[KBUFMAP_STRATEGY_REMAP] = &kbufmap_strategy_remap,
	[KBUFMAP_STRATEGY_INSERT] = &kbufmap_strategy_insert,
	[KBUFMAP_STRATEGY_INSERT_BATCH] = &kbufmap_strategy_insert_batch,
	[KBUFMAP_STRATEGY_MAP_PAGES] = &kbufmap_strategy_map_pages,
	[KBUFMAP_STRATEGY_VMALLOC_RANGE] = &kbufmap_strategy_vmalloc_range,
	[KBUFMAP_STRATEGY_HUGE] = &kbufmap_strategy_huge,
	[KBUFMAP_STRATEGY_REMAP_UNCHECKED] = &kbufmap_strategy_remap_unchecked,
	[KBUFMAP_STRATEGY_DMA_MMAP] = &kbufmap_strategy_dma_mmap,
};

/* --- mmap ------------------------------------------------------------------ */

static unsigned int kbufmap_map_kind(const struct vm_area_struct *vma)
{
	if (vma->vm_flags & VM_SHARED)
		return KBUFMAP_MAP_SHARED;
	if (vma->vm_flags & VM_WRITE)
		return KBUFMAP_MAP_PRIVATE_RW;
	return KBUFMAP_MAP_PRIVATE_RO;
}

/*
 * VMA flags for a mapping the matrix accepted. A read-only private mapping
 * that the matrix would not have accepted writable (raw PFNs, or remap of
 * scattered memory) loses VM_MAYWRITE: it is then no CoW mapping, so
 * vmf_insert_pfn() and per-run remap_pfn_range() are legal, and a later
 * mprotect(PROT_WRITE) fails with EACCES instead of reaching a BUG_ON. Every
 * read-only private remap loses it too: on a CoW mapping remap_pfn_range()
 * stores the PFN in vm_pgoff, which /proc/PID/maps shows as the offset; so
 * does every read-only private dma-mmap (dma_mmap_*() is a remap).
 */
static void kbufmap_mmap_flags(const struct kbufmap_buffer *buf,
			       struct vm_area_struct *vma, unsigned int kind,
			       bool contiguous)
{
	unsigned long set = VM_DONTEXPAND | VM_DONTDUMP | buf->ops->vm_flags;
	unsigned long clear = VM_MAYEXEC;

	if (kind == KBUFMAP_MAP_PRIVATE_RO &&
	    (kbufmap_map_kind_errno(buf->backend, buf->strategy,
				    KBUFMAP_MAP_PRIVATE_RW, contiguous, NULL) ||
	     buf->strategy == KBUFMAP_STRATEGY_REMAP ||
	     buf->strategy == KBUFMAP_STRATEGY_DMA_MMAP) &&
	    !kbufmap_remap_error_injected(buf))
		clear |= VM_MAYWRITE;
	/*
	 * The bug: mremap() may grow the mapping. Another VM_SPECIAL bit
	 * stays, see kbufmap_mmap_buffer().
	 */
	if (kbufmap_injected(buf, KBUFMAP_INJECT_NO_DONTEXPAND)) {
		set &= ~VM_DONTEXPAND;
		if (!(set & VM_SPECIAL))
			set |= VM_MIXEDMAP;
	}
	if (kbufmap_injected(buf, KBUFMAP_INJECT_ALLOW_EXEC))
		clear &= ~VM_MAYEXEC;
	/*
	 * The bug: VM_MAYWRITE handed back to a read-only file's shared
	 * mapping (core mm cleared it and VM_SHARED, leaving VM_MAYSHARE), so
	 * mprotect() can make it writable. Only where copy-on-write is legal.
	 */
	if (kbufmap_injected(buf, KBUFMAP_INJECT_SET_MAYWRITE) &&
	    (vma->vm_flags & VM_MAYSHARE) &&
	    kbufmap_strategy_needs_page_refs(buf->strategy))
		set |= VM_MAYWRITE;
	if (kbufmap_injected(buf, KBUFMAP_INJECT_DONTCOPY))
		set |= VM_DONTCOPY;
	kbufmap_vm_flags_clear(vma, clear);
	kbufmap_vm_flags_set(vma, set);
}

/* Copy-on-write: private, and may become writable (is_cow_mapping()). */
static bool kbufmap_vma_is_cow(const struct vm_area_struct *vma)
{
	return (vma->vm_flags & (VM_SHARED | VM_MAYWRITE)) == VM_MAYWRITE;
}

/*
 * On a copy-on-write mapping remap_pfn_range() stores the PFN in vm_pgoff,
 * for /proc/PID/maps to show as the offset. Physical addresses are for
 * CAP_SYS_ADMIN only, as in KBUFMAP_IOC_GET_PFNS: whatever the strategy,
 * decided on the VMA flags the mapping will have.
 */
static int kbufmap_remap_pfn_check(const struct kbufmap_buffer *buf,
				   const struct vm_area_struct *vma)
{
	if (buf->ops->remaps_pfns && kbufmap_vma_is_cow(vma) &&
	    !capable(CAP_SYS_ADMIN))
		return -EPERM;
	return 0;
}

/*
 * The cache mode the mappings get: the buffer's, but another one under the
 * wrong_cache injection (UC for WB, WB for WC and UC).
 */
static unsigned int kbufmap_mapped_cache(const struct kbufmap_buffer *buf)
{
	if (!kbufmap_injected(buf, KBUFMAP_INJECT_WRONG_CACHE))
		return buf->cache;
	return buf->cache == KBUFMAP_CACHE_WB ? KBUFMAP_CACHE_UC :
						KBUFMAP_CACHE_WB;
}

/*
 * The attribute every strategy maps with, set before anything is mapped:
 * the populate functions, .fault and .huge_fault all take vm_page_prot.
 * What the page table then holds is the kernel's decision (x86 PAT gives PFN
 * mappings of RAM the page's tracked memtype): KBUFMAP_IOC_PGATTR shows it.
 */
static void kbufmap_mmap_cache(const struct kbufmap_buffer *buf,
			       struct vm_area_struct *vma)
{
	switch (kbufmap_mapped_cache(buf)) {
	case KBUFMAP_CACHE_WC:
		vma->vm_page_prot = pgprot_writecombine(vma->vm_page_prot);
		break;
	case KBUFMAP_CACHE_UC:
		vma->vm_page_prot = pgprot_noncached(vma->vm_page_prot);
		break;
	default:
		break;
	}
}

static int kbufmap_mmap_buffer(struct kbufmap_buffer *buf,
			       struct vm_area_struct *vma)
{
	unsigned long off = vma->vm_pgoff, npages = vma_pages(vma);
	unsigned long first, count;
	bool contiguous;
	unsigned int kind;
	int err;

	if (!kbufmap_injected(buf, KBUFMAP_INJECT_NO_BOUNDS) &&
	    (off >= buf->nr_pages || npages > buf->nr_pages - off))
		return -EINVAL;
	if ((vma->vm_flags & VM_EXEC) &&
	    !kbufmap_injected(buf, KBUFMAP_INJECT_ALLOW_EXEC))
		return -EPERM;

	kind = kbufmap_map_kind(vma);
	kbufmap_vma_range(buf, vma, &first, &count);
	contiguous = kbufmap_buffer_range_contiguous(buf, first, count);
	err = kbufmap_map_kind_errno(buf->backend, buf->strategy, kind,
				     contiguous, NULL);
	if (!err)
		err = kbufmap_cache_kind_errno(buf->cache, kind, NULL);
	if (err)
		return err;

	kbufmap_mmap_flags(buf, vma, kind, contiguous);
	err = kbufmap_remap_pfn_check(buf, vma);
	if (err)
		return err;
	kbufmap_mmap_cache(buf, vma);
	/*
	 * On failure core mm unmaps whatever was populated and frees the VMA
	 * without calling ->close(): take the VMA's reference only after.
	 */
	if (buf->ops->populate) {
		err = buf->ops->populate(buf, vma);
		if (err)
			return err;
	}
	vma->vm_ops = buf->ops->vm_ops;
	if (kbufmap_injected(buf, KBUFMAP_INJECT_NO_REFAULT) &&
	    vma->vm_ops == &kbufmap_vm_ops_prefaulted_pages)
		vma->vm_ops = &kbufmap_vm_ops_remapped;	/* no .fault */
	vma->vm_private_data = buf;
	/*
	 * The VMA's reference is taken here, so this VMA must never be merged
	 * into a neighbour after ->mmap(): 6.12 frees a merged-away new VMA
	 * without ->close(). Only VM_SPECIAL rules that merge out.
	 */
	WARN_ON_ONCE(!(vma->vm_flags & VM_SPECIAL));
	kbufmap_vma_get(vma);
	kbufmap_count(buf, KBUFMAP_CNT_MMAPS, 1);
	return 0;
}

/*
 * The lock makes the new VMA's reference visible to KBUFMAP_IOC_CONFIGURE
 * atomically with the mapping (reconfiguring a mapped buffer is -EBUSY).
 */
noinline int kbufmap_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct kbufmap_file *kf = file->private_data;
	int err = -ENXIO;

	mutex_lock(&kf->lock);
	if (kf->buf)
		err = kbufmap_mmap_buffer(kf->buf, vma);
	mutex_unlock(&kf->lock);
	return err;
}

/*
 * Is @addr, for a mapping of @len bytes at file page @pgoff, placed so that
 * 2 MiB of the file can sit in one PMD? (Only worth asking when it can.)
 */
static bool __maybe_unused
kbufmap_pmd_misaligned(unsigned long addr, unsigned long len,
		       unsigned long pgoff, unsigned long flags)
{
	if ((flags & MAP_FIXED) || len < PMD_SIZE)
		return false;
	return ((addr - (pgoff << PAGE_SHIFT)) & (PMD_SIZE - 1)) != 0;
}

/*
 * Search a range one PMD longer than asked and take the first address in
 * it with the file offset's 2 MiB alignment, as thp_get_unmapped_area()
 * does for the files it handles.
 */
static unsigned long __maybe_unused
kbufmap_pmd_aligned_area(struct file *file, unsigned long addr,
			 unsigned long len, unsigned long pgoff,
			 unsigned long flags)
{
	unsigned long off = (pgoff << PAGE_SHIFT) & (PMD_SIZE - 1);
	unsigned long padded = len + PMD_SIZE;
	unsigned long ret;

	if (padded < len)
		return -ENOMEM;
	ret = kbufmap_default_get_unmapped_area(file, addr, padded, 0, flags);
	if (IS_ERR_VALUE(ret))
		return ret;
	return ret + ((off - ret) & (PMD_SIZE - 1));
}

/*
 * The huge strategy wants its user addresses 2 MiB aligned relative to the
 * file offset. thp_get_unmapped_area() does that for any file since 5.18,
 * but for DAX files only before; when its answer is misaligned, align it
 * here. Also where the module maps no PMD (no pmd_special(), before 6.12):
 * the placement does not depend on the kernel. Every other strategy gets the
 * default placement.
 */
unsigned long kbufmap_get_unmapped_area(struct file *file, unsigned long addr,
					unsigned long len, unsigned long pgoff,
					unsigned long flags)
{
	struct kbufmap_file *kf = file->private_data;
	unsigned long __maybe_unused ret;
	bool huge;

	mutex_lock(&kf->lock);
	huge = kf->buf && kf->buf->strategy == KBUFMAP_STRATEGY_HUGE;
	mutex_unlock(&kf->lock);

#ifdef CONFIG_TRANSPARENT_HUGEPAGE
	if (huge) {
		ret = thp_get_unmapped_area(file, addr, len, pgoff, flags);
		if (IS_ERR_VALUE(ret) ||
		    !kbufmap_pmd_misaligned(ret, len, pgoff, flags))
			return ret;
		return kbufmap_pmd_aligned_area(file, addr, len, pgoff, flags);
	}
#endif
	return kbufmap_default_get_unmapped_area(file, addr, len, pgoff, flags);
}
