/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kbufmap: kernel API drift between the kernels the module supports (Debian's
 * 5.10, 6.1, 6.12 and 7.2, scripts/kernels.list), kept in one place.
 *
 * Kbuild probes the headers it builds against and defines KBUFMAP_HAVE_* for
 * what it finds: feature tests, not version numbers, since distributions
 * backport API changes. No probe hit means the newer API.
 */
#ifndef KBUFMAP_COMPAT_H
#define KBUFMAP_COMPAT_H

#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#ifdef KBUFMAP_HAVE_PFN_T
#include <linux/pfn_t.h>
#endif

/*
 * vm_flags_set()/vm_flags_clear() became mandatory in 6.3 (vm_flags turned
 * read-only); older kernels write the field directly.
 */
#ifdef KBUFMAP_HAVE_VM_FLAGS_SET
static inline void kbufmap_vm_flags_set(struct vm_area_struct *vma,
					unsigned long flags)
{
	vm_flags_set(vma, flags);
}

static inline void kbufmap_vm_flags_clear(struct vm_area_struct *vma,
					  unsigned long flags)
{
	vm_flags_clear(vma, flags);
}
#else
static inline void kbufmap_vm_flags_set(struct vm_area_struct *vma,
					unsigned long flags)
{
	vma->vm_flags |= flags;
}

static inline void kbufmap_vm_flags_clear(struct vm_area_struct *vma,
					  unsigned long flags)
{
	vma->vm_flags &= ~flags;
}
#endif

/*
 * ->huge_fault() took an enum page_entry_size until 6.6 and takes the order
 * of the mapping since: KBUFMAP_HAVE_PAGE_ENTRY_SIZE selects which of the two
 * kbufmap_vm_huge_fault() prototypes (kbufmap.h) is compiled.
 */

/*
 * The largest order the page allocator hands out. MAX_ORDER changed meaning
 * in 6.4 (exclusive, then inclusive) and became MAX_PAGE_ORDER in 6.8, but
 * MAX_ORDER_NR_PAGES has always been the size of that largest block.
 */
#define KBUFMAP_MAX_ALLOC_ORDER	ilog2(MAX_ORDER_NR_PAGES)

/*
 * The address-space layout's own get_unmapped_area(), for files that do not
 * want a special alignment: a method of mm_struct until 6.9,
 * mm_get_unmapped_area() since 6.10.
 */
#if defined(KBUFMAP_HAVE_MM_GET_UNMAPPED_AREA_MM)
static inline unsigned long
kbufmap_default_get_unmapped_area(struct file *file, unsigned long addr,
				  unsigned long len, unsigned long pgoff,
				  unsigned long flags)
{
	return mm_get_unmapped_area(current->mm, file, addr, len, pgoff, flags);
}
#elif defined(KBUFMAP_HAVE_MM_GET_UNMAPPED_AREA)
/* Later kernels dropped the mm argument: it was always current->mm. */
static inline unsigned long
kbufmap_default_get_unmapped_area(struct file *file, unsigned long addr,
				  unsigned long len, unsigned long pgoff,
				  unsigned long flags)
{
	return mm_get_unmapped_area(file, addr, len, pgoff, flags);
}
#else
static inline unsigned long
kbufmap_default_get_unmapped_area(struct file *file, unsigned long addr,
				  unsigned long len, unsigned long pgoff,
				  unsigned long flags)
{
	return current->mm->get_unmapped_area(file, addr, len, pgoff, flags);
}
#endif

/*
 * A driver may map huge PFN-map PMDs only where the kernel marks them
 * special (pmd_special(), 6.12 on x86): before, vmf_insert_pfn_pmd() makes a
 * plain huge PMD, which GUP-fast takes for a THP. It references the PMD's
 * first page and the caller later puts the sub-page it asked for, freeing a
 * page that is still mapped (a shared futex or vmsplice() on 5.10).
 */
#if defined(CONFIG_TRANSPARENT_HUGEPAGE) && defined(KBUFMAP_HAVE_PMD_SPECIAL)
#define KBUFMAP_HUGE_PMDS
#endif

/*
 * pfn_t and <linux/pfn_t.h> were removed after 6.16 (nobody used its flags
 * any more); vmf_insert_pfn_pmd() takes a plain PFN since. The wrapper has
 * the new prototype.
 */
#ifdef KBUFMAP_HUGE_PMDS
static inline vm_fault_t kbufmap_vmf_insert_pfn_pmd(struct vm_fault *vmf,
						    unsigned long pfn,
						    bool write)
{
#ifdef KBUFMAP_HAVE_PFN_T
	return vmf_insert_pfn_pmd(vmf, pfn_to_pfn_t(pfn), write);
#else
	return vmf_insert_pfn_pmd(vmf, pfn, write);
#endif
}
#endif

/*
 * nth_page() was removed (7.x) once the memmap of any page range the
 * allocator hands out became contiguous: page + n is then always right, and
 * is what nth_page() did on x86-64 (SPARSEMEM_VMEMMAP) all along.
 */
#ifndef KBUFMAP_HAVE_NTH_PAGE
#define nth_page(page, n)	((page) + (n))
#endif

#endif /* KBUFMAP_COMPAT_H */
