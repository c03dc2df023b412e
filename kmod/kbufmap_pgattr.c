// SPDX-License-Identifier: GPL-2.0
/*
 * kbufmap: KBUFMAP_IOC_PGATTR, the page table's own answer.
 *
 * For a range of the caller's own address space, whatever maps it, what the
 * page table holds per page: present or not, special (no page reference) or
 * page-backed, RAM or not, PTE or PMD leaf, and the cache attribute decoded
 * the kernel's way; for RAM also the attribute of the kernel's own direct
 * mapping of the page. Adjacent pages that agree in all of it form a run.
 *
 * The walk is the module's own (pgd ... pmd, then the PTE table): the
 * kernel's walkers are either not exported (walk_page_range(),
 * pte_offset_map() since 6.5), refuse PMD leaves
 * (apply_to_existing_page_range()) or refuse anything but PFN maps
 * (follow_pfnmap_start()). Under mmap_read_lock no VMA goes away and no
 * upper-level table is freed; a PTE table still may be (khugepaged's
 * collapse since 6.5, empty-table reclaim), but only after an RCU grace
 * period: so the PTEs are read from a snapshot of the PMD inside
 * rcu_read_lock(), each with one READ_ONCE() (ptep_get()), never written.
 * Runs are collected in a kernel buffer and copied out after mmap_lock is
 * dropped, as a copy_to_user() may fault.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/mmap_lock.h>
#include <linux/pgtable.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "kbufmap.h"

/* What the page table says about one page. */
struct kbufmap_pgattr_page {
	u32 flags;		/* KBUFMAP_PGATTR_* */
	u32 attr;		/* enum kbufmap_mem_attr */
	u32 kernel_attr;	/* enum kbufmap_mem_attr */
	u64 raw_bits;
};

/* A present leaf entry (PTE, PMD or PUD) as read once. */
struct kbufmap_pgattr_leaf {
	u64 val;		/* the raw entry */
	unsigned long pfn;	/* of the leaf's first page */
	bool special;
	bool write;
	bool huge;		/* PMD or PUD: the large-page bit layout */
};

struct kbufmap_pgattr_walk {
	struct kbufmap_pgattr_run *runs;
	u32 max_runs;
	u32 nr_runs;
	u64 pages_done;
	bool full;		/* a run was needed past max_runs */
};

/* --- the architecture's attribute encoding --------------------------------- */

#ifdef CONFIG_X86
/*
 * The memtype of each of the 8 PAT indices (PWT, PCD, PAT), by inverting
 * the exported cachemode2protval(): pgprot2cachemode() is not exported.
 * The kernel writes only these encodings; an index none of them uses
 * (Linux's PAT has WB and UC- twice) decodes as KBUFMAP_ATTR_OTHER. UC-
 * is tried before WC, WT and WP: without PAT those share UC-'s encoding.
 */
static u8 kbufmap_pat_attr[8];

static const struct {
	enum page_cache_mode pcm;
	u8 attr;
} kbufmap_pcm_attrs[] = {
	{ _PAGE_CACHE_MODE_WB, KBUFMAP_ATTR_WB },
	{ _PAGE_CACHE_MODE_UC_MINUS, KBUFMAP_ATTR_UC_MINUS },
	{ _PAGE_CACHE_MODE_UC, KBUFMAP_ATTR_UC },
	{ _PAGE_CACHE_MODE_WC, KBUFMAP_ATTR_WC },
	{ _PAGE_CACHE_MODE_WT, KBUFMAP_ATTR_WT },
	{ _PAGE_CACHE_MODE_WP, KBUFMAP_ATTR_WP },
};

static unsigned long kbufmap_pat_idx_bits(unsigned int idx)
{
	return (idx & 1 ? _PAGE_PWT : 0) | (idx & 2 ? _PAGE_PCD : 0) |
	       (idx & 4 ? _PAGE_PAT : 0);
}

void kbufmap_pgattr_init(void)
{
	unsigned int idx, i;

	for (idx = 0; idx < ARRAY_SIZE(kbufmap_pat_attr); idx++) {
		kbufmap_pat_attr[idx] = KBUFMAP_ATTR_OTHER;
		for (i = 0; i < ARRAY_SIZE(kbufmap_pcm_attrs); i++) {
			if (cachemode2protval(kbufmap_pcm_attrs[i].pcm) ==
			    kbufmap_pat_idx_bits(idx)) {
				kbufmap_pat_attr[idx] = kbufmap_pcm_attrs[i].attr;
				break;
			}
		}
	}
}

/*
 * The attribute of a present entry, and its raw cache bits (PWT|PCD|PAT,
 * PAT in bit 12 on a large leaf, as the entry holds it).
 */
static u32 kbufmap_pgattr_decode(u64 val, bool huge, u64 *raw)
{
	unsigned long bits;
	unsigned int idx;

	if (huge) {
		*raw = val & _PAGE_LARGE_CACHE_MASK;
		bits = protval_large_2_4k(val) & _PAGE_CACHE_MASK;
	} else {
		*raw = val & _PAGE_CACHE_MASK;
		bits = val & _PAGE_CACHE_MASK;
	}
	idx = (bits & _PAGE_PWT ? 1 : 0) | (bits & _PAGE_PCD ? 2 : 0) |
	      (bits & _PAGE_PAT ? 4 : 0);
	return kbufmap_pat_attr[idx];
}

/* The kernel's direct mapping of a RAM page: how the kernel itself sees it. */
static u32 kbufmap_pgattr_kernel_attr(unsigned long pfn)
{
	unsigned int level;
	pte_t *kpte, kval;
	u64 raw;

	kpte = lookup_address((unsigned long)page_address(pfn_to_page(pfn)),
			      &level);
	if (!kpte)
		return KBUFMAP_ATTR_NONE;
	kval = READ_ONCE(*kpte);
	if (!pte_present(kval))
		return KBUFMAP_ATTR_NONE;
	return kbufmap_pgattr_decode(pte_val(kval), level != PG_LEVEL_4K, &raw);
}
#elif defined(CONFIG_ARM64)
/*
 * A leaf's AttrIndx (bits 4:2) selects one of the eight attribute bytes of
 * MAIR_EL1, which the kernel programs at boot. The indices moved between
 * kernels (Device-nGnRnE was index 4 in 5.x, 3 since 6.x), so the byte is
 * read from MAIR and decoded, and the index is never trusted alone.
 */
static u64 kbufmap_mair;

void kbufmap_pgattr_init(void)
{
	kbufmap_mair = read_sysreg(mair_el1);
}

/* The attribute bytes the kernel writes (asm/memory.h, MAIR_ATTR_*). */
static u32 kbufmap_mair_attr(u8 attr)
{
	switch (attr) {
	case 0xff:	/* Normal, inner and outer write-back */
	case 0xf0:	/* the same, tagged (MTE) */
		return KBUFMAP_ATTR_WB;
	case 0x44:	/* Normal non-cacheable */
		return KBUFMAP_ATTR_WC;
	case 0xbb:	/* Normal write-through */
		return KBUFMAP_ATTR_WT;
	case 0x00:
		return KBUFMAP_ATTR_DEVICE_nGnRnE;
	case 0x04:
		return KBUFMAP_ATTR_DEVICE_nGnRE;
	default:
		return KBUFMAP_ATTR_OTHER;
	}
}

/* The attribute of a present entry, and its AttrIndx. */
static u32 kbufmap_pgattr_decode(u64 val, bool huge, u64 *raw)
{
	unsigned int idx = (val & PTE_ATTRINDX_MASK) >> 2;

	*raw = idx;
	return kbufmap_mair_attr((kbufmap_mair >> (8 * idx)) & 0xff);
}

/*
 * The kernel's linear mapping of a RAM page. arm64 builds it with
 * PAGE_KERNEL's attribute and has no call that changes a RAM page's
 * cacheability there (set_memory_*() change permissions only), and a module
 * cannot walk it: init_mm and swapper_pg_dir are not exported. So this is
 * PAGE_KERNEL's AttrIndx, decoded through MAIR like any entry.
 */
static u32 kbufmap_pgattr_kernel_attr(unsigned long pfn)
{
	u64 raw;

	return kbufmap_pgattr_decode(pgprot_val(PAGE_KERNEL), false, &raw);
}
#else
/* Other architectures: no decoder yet. */
void kbufmap_pgattr_init(void)
{
}

static u32 kbufmap_pgattr_decode(u64 val, bool huge, u64 *raw)
{
	*raw = 0;
	return KBUFMAP_ATTR_OTHER;
}

static u32 kbufmap_pgattr_kernel_attr(unsigned long pfn)
{
	return KBUFMAP_ATTR_OTHER;
}
#endif

/* --- runs ------------------------------------------------------------------ */

static bool kbufmap_pgattr_same(const struct kbufmap_pgattr_run *run,
				const struct kbufmap_pgattr_page *pg)
{
	return run->flags == pg->flags && run->attr == pg->attr &&
	       run->kernel_attr == pg->kernel_attr &&
	       run->raw_bits == pg->raw_bits;
}

/*
 * @n pages from @addr that agree in @pg: onto the last run, or a new one.
 * False once max_runs is used up: then they are not counted.
 */
static bool kbufmap_pgattr_add(struct kbufmap_pgattr_walk *w,
			       unsigned long addr, unsigned long n,
			       const struct kbufmap_pgattr_page *pg)
{
	struct kbufmap_pgattr_run *run = w->nr_runs ?
					 &w->runs[w->nr_runs - 1] : NULL;

	if (run && kbufmap_pgattr_same(run, pg) &&
	    run->addr + (run->nr_pages << PAGE_SHIFT) == addr) {
		run->nr_pages += n;
	} else if (w->nr_runs < w->max_runs) {
		w->runs[w->nr_runs++] = (struct kbufmap_pgattr_run) {
			.addr = addr,
			.nr_pages = n,
			.flags = pg->flags,
			.attr = pg->attr,
			.kernel_attr = pg->kernel_attr,
			.raw_bits = pg->raw_bits,
		};
	} else {
		w->full = true;
		return false;
	}
	w->pages_done += n;
	return true;
}

/* @n pages with no entry (in a VMA), or no VMA at all. */
static bool kbufmap_pgattr_add_empty(struct kbufmap_pgattr_walk *w,
				     unsigned long addr, unsigned long n,
				     u32 flags)
{
	struct kbufmap_pgattr_page pg = { .flags = flags };

	return kbufmap_pgattr_add(w, addr, n, &pg);
}

/* Page @i of a present leaf. */
static void kbufmap_pgattr_leaf_page(const struct kbufmap_pgattr_leaf *leaf,
				     unsigned long i,
				     struct kbufmap_pgattr_page *pg)
{
	unsigned long pfn = leaf->pfn + i;

	pg->flags = KBUFMAP_PGATTR_PRESENT;
	if (leaf->special)
		pg->flags |= KBUFMAP_PGATTR_SPECIAL;
	if (leaf->write)
		pg->flags |= KBUFMAP_PGATTR_WRITE;
	if (leaf->huge)
		pg->flags |= KBUFMAP_PGATTR_PMD;
	pg->attr = kbufmap_pgattr_decode(leaf->val, leaf->huge, &pg->raw_bits);
	pg->kernel_attr = KBUFMAP_ATTR_NONE;
	if (pfn_valid(pfn)) {
		pg->flags |= KBUFMAP_PGATTR_RAM;
		pg->kernel_attr = kbufmap_pgattr_kernel_attr(pfn);
	}
}

/* [addr, end) inside a huge leaf that starts at @base. */
static void kbufmap_pgattr_add_leaf(struct kbufmap_pgattr_walk *w,
				    const struct kbufmap_pgattr_leaf *leaf,
				    unsigned long base, unsigned long addr,
				    unsigned long end)
{
	struct kbufmap_pgattr_page pg;

	for (; addr < end; addr += PAGE_SIZE) {
		kbufmap_pgattr_leaf_page(leaf, (addr - base) >> PAGE_SHIFT, &pg);
		if (!kbufmap_pgattr_add(w, addr, 1, &pg))
			return;
	}
}

/* --- the walk ---------------------------------------------------------------- */

#ifdef KBUFMAP_HAVE_PMD_SPECIAL
#define kbufmap_pmd_special(pmd)	pmd_special(pmd)
#define kbufmap_pud_special(pud)	pud_special(pud)
#else
/* Before 6.12 a huge PFN map leaf is not marked: none is special. */
#define kbufmap_pmd_special(pmd)	false
#define kbufmap_pud_special(pud)	false
#endif

static bool kbufmap_pte_special(pte_t pte)
{
#ifdef CONFIG_ARCH_HAS_PTE_SPECIAL
	return pte_special(pte);
#else
	return false;
#endif
}

/* The PTE table under @pmd (a snapshot), for [addr, end) within one PMD. */
static void kbufmap_pgattr_ptes(struct kbufmap_pgattr_walk *w, pmd_t *pmd,
				unsigned long addr, unsigned long end)
{
	struct kbufmap_pgattr_page pg;
	struct kbufmap_pgattr_leaf leaf = {};
	pte_t *ptep, pte;

	rcu_read_lock();
	ptep = pte_offset_kernel(pmd, addr);
	for (; addr < end; addr += PAGE_SIZE, ptep++) {
		pte = ptep_get(ptep);
		memset(&pg, 0, sizeof(pg));
		if (pte_present(pte)) {
			leaf.val = pte_val(pte);
			leaf.pfn = pte_pfn(pte);
			leaf.special = kbufmap_pte_special(pte);
			leaf.write = pte_write(pte);
			kbufmap_pgattr_leaf_page(&leaf, 0, &pg);
		}
		if (!kbufmap_pgattr_add(w, addr, 1, &pg))
			break;
	}
	rcu_read_unlock();
}

/* [addr, end) within one PMD of the pud snapshot @pud. */
static void kbufmap_pgattr_pmd(struct kbufmap_pgattr_walk *w, pud_t *pud,
			       unsigned long addr, unsigned long end)
{
	pmd_t pmd = READ_ONCE(*pmd_offset(pud, addr));
	struct kbufmap_pgattr_leaf leaf = { .huge = true };

	if (pmd_none(pmd) || !pmd_present(pmd)) {
		kbufmap_pgattr_add_empty(w, addr, (end - addr) >> PAGE_SHIFT, 0);
	} else if (pmd_leaf(pmd)) {
		leaf.val = pmd_val(pmd);
		leaf.pfn = pmd_pfn(pmd);
		leaf.special = kbufmap_pmd_special(pmd);
		leaf.write = pmd_write(pmd);
		kbufmap_pgattr_add_leaf(w, &leaf, addr & PMD_MASK, addr, end);
	} else if (pmd_bad(pmd)) {
		kbufmap_pgattr_add_empty(w, addr, (end - addr) >> PAGE_SHIFT, 0);
	} else {
		kbufmap_pgattr_ptes(w, &pmd, addr, end);
	}
}

/* [addr, end) within one PMD's span: from the top, down to its leaf. */
static void kbufmap_pgattr_span(struct kbufmap_pgattr_walk *w,
				struct mm_struct *mm, unsigned long addr,
				unsigned long end)
{
	struct kbufmap_pgattr_leaf leaf = { .huge = true };
	unsigned long n = (end - addr) >> PAGE_SHIFT;
	pgd_t *pgd = pgd_offset(mm, addr);
	p4d_t *p4d;
	pud_t pud;

	if (pgd_none(READ_ONCE(*pgd)) || pgd_bad(READ_ONCE(*pgd)))
		goto empty;
	p4d = p4d_offset(pgd, addr);
	if (p4d_none(READ_ONCE(*p4d)) || p4d_bad(READ_ONCE(*p4d)))
		goto empty;
	pud = READ_ONCE(*pud_offset(p4d, addr));
	if (pud_none(pud) || !pud_present(pud))
		goto empty;
	if (pud_leaf(pud)) {	/* a 1 GiB leaf: no PMD table to read */
		leaf.val = pud_val(pud);
		leaf.pfn = pud_pfn(pud);
		leaf.special = kbufmap_pud_special(pud);
		leaf.write = pud_write(pud);
		kbufmap_pgattr_add_leaf(w, &leaf, addr & PUD_MASK, addr, end);
		return;
	}
	if (pud_bad(pud))
		goto empty;
	kbufmap_pgattr_pmd(w, &pud, addr, end);
	return;
empty:
	kbufmap_pgattr_add_empty(w, addr, n, 0);
}

/* [addr, end) inside one VMA, a PMD's span at a time. */
static int kbufmap_pgattr_vma(struct kbufmap_pgattr_walk *w,
			      struct mm_struct *mm, unsigned long addr,
			      unsigned long end)
{
	unsigned long next;

	for (; addr < end && !w->full; addr = next) {
		next = pmd_addr_end(addr, end);
		kbufmap_pgattr_span(w, mm, addr, next);
		if (fatal_signal_pending(current))
			return -EINTR;
		cond_resched();
	}
	return 0;
}

/* Under mmap_read_lock: [addr, end), VMA by VMA, holes between them. */
static int kbufmap_pgattr_walk(struct kbufmap_pgattr_walk *w,
			       struct mm_struct *mm, unsigned long addr,
			       unsigned long end)
{
	struct vm_area_struct *vma;
	unsigned long next;
	int err = 0;

	for (; addr < end && !w->full && !err; addr = next) {
		vma = find_vma(mm, addr);
		if (!vma || vma->vm_start > addr) {
			next = vma ? min(vma->vm_start, end) : end;
			kbufmap_pgattr_add_empty(w, addr,
						 (next - addr) >> PAGE_SHIFT,
						 KBUFMAP_PGATTR_NO_VMA);
			continue;
		}
		next = min(vma->vm_end, end);
		err = kbufmap_pgattr_vma(w, mm, addr, next);
	}
	return err;
}

/* --- the ioctl ------------------------------------------------------------- */

static int kbufmap_pgattr_check(const struct kbufmap_pgattr *req)
{
	u64 bytes;

	if (memchr_inv(req->reserved, 0, sizeof(req->reserved)))
		return -EINVAL;
	if (!PAGE_ALIGNED(req->addr))
		return -EINVAL;
	if (!req->nr_pages || req->nr_pages > KBUFMAP_PGATTR_MAX_PAGES)
		return -EINVAL;
	if (!req->max_runs || req->max_runs > KBUFMAP_PGATTR_MAX_RUNS)
		return -EINVAL;
	bytes = req->nr_pages << PAGE_SHIFT;	/* at most 2^30: no overflow */
	if (req->addr >= TASK_SIZE || bytes > TASK_SIZE - req->addr)
		return -EINVAL;
	return 0;
}

static int kbufmap_pgattr_run_walk(struct kbufmap_pgattr *req,
				   struct kbufmap_pgattr_walk *w)
{
	struct mm_struct *mm = current->mm;
	int err;

	if (!mm)
		return -EINVAL;
	if (mmap_read_lock_killable(mm))
		return -EINTR;
	err = kbufmap_pgattr_walk(w, mm, req->addr,
				  req->addr + (req->nr_pages << PAGE_SHIFT));
	mmap_read_unlock(mm);
	return err;
}

/* The caller's own page tables: CAP_SYS_ADMIN, as they show PFN facts. */
long kbufmap_ioc_pgattr(void __user *uarg)
{
	struct kbufmap_pgattr_walk w = {};
	struct kbufmap_pgattr req;
	int err;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	if (copy_from_user(&req, uarg, sizeof(req)))
		return -EFAULT;
	err = kbufmap_pgattr_check(&req);
	if (err)
		return err;
	w.max_runs = req.max_runs;
	w.runs = kvmalloc_array(w.max_runs, sizeof(*w.runs),
				GFP_KERNEL_ACCOUNT);
	if (!w.runs)
		return -ENOMEM;
	err = kbufmap_pgattr_run_walk(&req, &w);
	if (!err && copy_to_user(u64_to_user_ptr(req.runs), w.runs,
				 w.nr_runs * sizeof(*w.runs)))
		err = -EFAULT;
	kvfree(w.runs);
	if (err)
		return err;
	req.nr_runs = w.nr_runs;
	req.pages_done = w.pages_done;
	return copy_to_user(uarg, &req, sizeof(req)) ? -EFAULT : 0;
}
