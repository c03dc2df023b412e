/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kbufmap: types shared by the module's files.
 */
#ifndef KBUFMAP_INTERNAL_H
#define KBUFMAP_INTERNAL_H

#include <linux/atomic.h>
#include <linux/kref.h>
#include <linux/mm_types.h>
#include <linux/mutex.h>
#include <linux/types.h>

#include "uapi/kbufmap.h"
#include "kbufmap_compat.h"
#include "kbufmap_names.h"

/* Event counters: KBUFMAP_CNT_FAULTS... in the order of kbufmap_names.h. */
#define KBUFMAP_X_CNT_ENUM(id, field, key)	KBUFMAP_CNT_##id,
enum kbufmap_counter {
	KBUFMAP_COUNTERS(KBUFMAP_X_CNT_ENUM)
	KBUFMAP_CNT_NR
};

/*
 * Per CPU, summed when read: the fault paths of many threads each add to
 * their own cache line, not to one shared by every CPU.
 */
struct kbufmap_counter_set {
	u64 v[KBUFMAP_CNT_NR];
};

#ifdef KBUFMAP_FAULT_INJECT
/*
 * Deliberate bugs of the test-only build (make KBUFMAP_FAULT_INJECT=1), so
 * that the user-space checks can be shown to catch each one. A buffer keeps
 * the mode that was selected when it was configured. None of this exists in
 * a normal build.
 */
enum kbufmap_inject {
	KBUFMAP_INJECT_NONE,
	KBUFMAP_INJECT_WRONG_PAGE,		/* map page idx + 1 */
	KBUFMAP_INJECT_NO_BOUNDS,		/* mmap skips its range check */
	KBUFMAP_INJECT_NO_DONTEXPAND,		/* mmap omits VM_DONTEXPAND */
	KBUFMAP_INJECT_UNZEROED,		/* buffers filled with 0xA5 */
	KBUFMAP_INJECT_PRIVATE_WRITETHROUGH,	/* writable pgprot for CoW */
	KBUFMAP_INJECT_IGNORE_REMAP_ERROR,	/* remap ignores its error */
	KBUFMAP_INJECT_WRONG_NODE,		/* allocate on another node */
	KBUFMAP_INJECT_ALLOW_EXEC,		/* PROT_EXEC accepted */
	KBUFMAP_INJECT_SET_MAYWRITE,		/* VM_MAYWRITE on read-only shares */
	KBUFMAP_INJECT_DONTCOPY,		/* VM_DONTCOPY: no mapping in a child */
	KBUFMAP_INJECT_NO_REFAULT,		/* prefaulted pages have no .fault */
	KBUFMAP_INJECT_NO_FAULT_COUNT,		/* .fault not counted */
	KBUFMAP_INJECT_NO_HUGE,			/* .huge_fault always falls back */
	KBUFMAP_INJECT_FRESH_PAGE,		/* .fault allocates, not looks up */
	/*
	 * wrong_cache: the mappings get another attribute than the buffer's
	 * cache mode asks (UC when WB was asked, WB when WC or UC was), so
	 * that verify's cache checks can be shown to catch it. PFN strategies
	 * on RAM stay as PAT decides (the tracked memtype wins over any prot).
	 */
	KBUFMAP_INJECT_WRONG_CACHE,
	KBUFMAP_INJECT_NR
};
#endif

struct device;
struct kbufmap_user;

/*
 * A buffer: one per configured file, shared by every mapping made from it.
 * Reference counted: one reference for the file, one per VMA. Immutable after
 * kbufmap_buffer_alloc() but for the counters and live_vmas.
 */
struct kbufmap_buffer {
	struct kref ref;
	unsigned long nr_pages;
	unsigned int backend;		/* enum kbufmap_backend */
	unsigned int strategy;		/* enum kbufmap_strategy */
	int node;			/* requested node or KBUFMAP_NODE_ANY */
	unsigned int cache;		/* enum kbufmap_cache */
	unsigned int config_flags;	/* KBUFMAP_CONFIG_* */
	bool memtype_set;		/* set_memory_*() applied: restore */
	unsigned int nr_chunks;		/* physically contiguous runs */
	atomic_t live_vmas;		/* VMAs that reference the buffer */
#ifdef KBUFMAP_FAULT_INJECT
	enum kbufmap_inject inject;
#endif

	/*
	 * vmalloc, kmalloc, dma-coherent and dma-wc: the kernel address of the
	 * whole buffer.
	 */
	void *vaddr;
	/*
	 * One entry per page, for every backend but kmalloc (NULL). The DMA
	 * backends' pages give PFNs; they are never mapped by reference.
	 */
	struct page **pages;
	dma_addr_t dma_handle;		/* the DMA backends' DMA address */
	struct device *dma_dev;		/* and their device, referenced */

	const struct kbufmap_strategy_ops *ops;
	struct kbufmap_counter_set __percpu *counters;
	struct kbufmap_user *user;	/* whose share it counts in */
};

/* Per open file of /dev/kbufmap. */
struct kbufmap_file {
	struct mutex lock;		/* protects buf (the pointer) */
	struct kbufmap_buffer *buf;	/* NULL until configured */
};

/*
 * How one strategy maps a buffer: called through this table, so that the
 * traced functions keep their own symbols (no .isra/.constprop clones).
 */
struct kbufmap_strategy_ops {
	const struct vm_operations_struct *vm_ops;
	/* maps all vma_pages(vma) pages inside mmap(); NULL: mapped by faults */
	int (*populate)(struct kbufmap_buffer *buf, struct vm_area_struct *vma);
	/* .fault also maps the buffer pages [start, end] around a read fault */
	vm_fault_t (*map_window)(struct vm_fault *vmf, pgoff_t start,
				 pgoff_t end);
	unsigned long vm_flags;		/* VM_PFNMAP / VM_MIXEDMAP to set */
	bool remaps_pfns;		/* populate calls remap_pfn_range() */
};

/* kbufmap_buffer.c */
u64 kbufmap_bytes_in_use(void);
u64 kbufmap_user_bytes_in_use(void);
struct kbufmap_buffer *kbufmap_buffer_alloc(const struct kbufmap_config *cfg);
void kbufmap_buffer_get(struct kbufmap_buffer *buf);
void kbufmap_buffer_put(struct kbufmap_buffer *buf);
unsigned long kbufmap_buffer_pfn(const struct kbufmap_buffer *buf,
				 unsigned long idx);
struct page *kbufmap_buffer_page(const struct kbufmap_buffer *buf,
				 unsigned long idx);
void *kbufmap_buffer_kaddr(const struct kbufmap_buffer *buf, unsigned long idx);
bool kbufmap_buffer_range_contiguous(const struct kbufmap_buffer *buf,
				     unsigned long first, unsigned long count);

/* kbufmap_memtype.c: the kernel's own mapping of the buffer (SET_MEMORY) */
int kbufmap_memtype_check(unsigned int cache, unsigned int flags);
int kbufmap_memtype_set(struct kbufmap_buffer *buf);
void kbufmap_memtype_restore(struct kbufmap_buffer *buf);

/* kbufmap_pgattr.c: KBUFMAP_IOC_PGATTR */
long kbufmap_ioc_pgattr(void __user *uarg);
void kbufmap_pgattr_init(void);

/* kbufmap_map.c */
extern const struct kbufmap_strategy_ops *const
	kbufmap_strategies[KBUFMAP_STRATEGY_COUNT];
int kbufmap_mmap(struct file *file, struct vm_area_struct *vma);
unsigned long kbufmap_get_unmapped_area(struct file *file, unsigned long addr,
					unsigned long len, unsigned long pgoff,
					unsigned long flags);
vm_fault_t kbufmap_vm_fault(struct vm_fault *vmf);
vm_fault_t kbufmap_vm_map_pages(struct vm_fault *vmf, pgoff_t start_pgoff,
				pgoff_t end_pgoff);
#ifdef KBUFMAP_HAVE_PAGE_ENTRY_SIZE
vm_fault_t kbufmap_vm_huge_fault(struct vm_fault *vmf,
				 enum page_entry_size pe_size);
#else
vm_fault_t kbufmap_vm_huge_fault(struct vm_fault *vmf, unsigned int order);
#endif
int kbufmap_populate_remap(struct kbufmap_buffer *buf,
			   struct vm_area_struct *vma);
int kbufmap_populate_remap_unchecked(struct kbufmap_buffer *buf,
				     struct vm_area_struct *vma);
int kbufmap_populate_insert(struct kbufmap_buffer *buf,
			    struct vm_area_struct *vma);
int kbufmap_populate_insert_batch(struct kbufmap_buffer *buf,
				  struct vm_area_struct *vma);
int kbufmap_populate_map_pages(struct kbufmap_buffer *buf,
			       struct vm_area_struct *vma);
int kbufmap_populate_vmalloc_range(struct kbufmap_buffer *buf,
				   struct vm_area_struct *vma);
int kbufmap_populate_dma_mmap(struct kbufmap_buffer *buf,
			      struct vm_area_struct *vma);

/* kbufmap_dma.c */
void kbufmap_dma_init(struct device *dev);
void kbufmap_dma_exit(void);
bool kbufmap_dma_buffer_coherent(const struct kbufmap_buffer *buf);
int kbufmap_dma_config_check(const struct kbufmap_config *cfg);
int kbufmap_dma_coherent_alloc(struct kbufmap_buffer *buf, size_t bytes);
void kbufmap_dma_coherent_free(struct kbufmap_buffer *buf);
int kbufmap_dma_noncoherent_alloc(struct kbufmap_buffer *buf, size_t bytes);
void kbufmap_dma_noncoherent_free(struct kbufmap_buffer *buf);
int kbufmap_dma_mmap(struct kbufmap_buffer *buf, struct vm_area_struct *vma);
int kbufmap_dma_sync_check(const struct kbufmap_dma_sync *req);
int kbufmap_dma_sync(struct kbufmap_buffer *buf,
		     const struct kbufmap_dma_sync *req);

/* kbufmap_stats.c */
struct kbufmap_counter_set __percpu *kbufmap_counters_alloc(gfp_t gfp);
void kbufmap_counters_free(struct kbufmap_counter_set __percpu *set);
void kbufmap_count(struct kbufmap_buffer *buf, enum kbufmap_counter c,
		   u64 n);
void kbufmap_stats_buffer_alloc(unsigned int backend, u64 bytes);
void kbufmap_stats_buffer_free(unsigned int backend, u64 bytes);
void kbufmap_stats_fill_buffer(const struct kbufmap_buffer *buf,
			       struct kbufmap_stats *out);
void kbufmap_stats_fill_module(struct kbufmap_stats *out);
u64 kbufmap_stats_live_buffers(void);
void kbufmap_stats_init(void);
void kbufmap_stats_exit(void);

/* kbufmap_main.c */
u64 kbufmap_max_bytes(void);
u64 kbufmap_user_max_bytes(void);

/* kbufmap_main.c: the test-only fault injection. */
#ifdef KBUFMAP_FAULT_INJECT
enum kbufmap_inject kbufmap_inject_mode(void);

static inline bool kbufmap_injected(const struct kbufmap_buffer *buf,
				    enum kbufmap_inject what)
{
	return buf->inject == what;
}
#else
/*
 * Constant false, and the bug's name only stringified inside sizeof: the
 * injected code and every trace of its names compile away.
 */
#define kbufmap_injected(buf, what)	(!sizeof(buf) && !sizeof(#what))
#endif

#endif /* KBUFMAP_INTERNAL_H */
