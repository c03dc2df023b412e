// SPDX-License-Identifier: GPL-2.0
/*
 * kbufmap: buffers and the allocators behind them ("backends").
 *
 * Every backend hands out zeroed memory, and every buffer answers the same
 * three questions for any of its pages: which struct page (NULL for kmalloc,
 * whose slab memory must never be mapped by page reference), which PFN, and
 * which kernel address.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/err.h>
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/log2.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

#include "kbufmap.h"

/*
 * Pages handled between two cond_resched() calls by the per-page loops of
 * allocation and release. Both run in process context without spinlocks:
 * the CONFIGURE ioctl allocates outside the file's mutex, and the last
 * reference goes in close(), munmap() or exit.
 */
#define KBUFMAP_ALLOC_BATCH	512

struct kbufmap_backend_ops {
	int (*alloc)(struct kbufmap_buffer *buf, size_t bytes);
	void (*free)(struct kbufmap_buffer *buf);
};

static int kbufmap_nid(const struct kbufmap_buffer *buf)
{
	int nid;

	if (buf->node == KBUFMAP_NODE_ANY)
		return NUMA_NO_NODE;
	if (!kbufmap_injected(buf, KBUFMAP_INJECT_WRONG_NODE))
		return buf->node;
	/* The wrong_node injection: the next online node, wrapping around. */
	nid = next_online_node(buf->node);
	return nid < MAX_NUMNODES ? nid : first_online_node;
}

static int kbufmap_alloc_page_array(struct kbufmap_buffer *buf)
{
	buf->pages = kvcalloc(buf->nr_pages, sizeof(*buf->pages), GFP_KERNEL);
	return buf->pages ? 0 : -ENOMEM;
}

/* Free pages [0, count) one by one: also right for split high-order chunks. */
static void kbufmap_free_pages(struct kbufmap_buffer *buf, unsigned long count)
{
	unsigned long i;

	for (i = 0; i < count; i++) {
		__free_page(buf->pages[i]);
		if (!((i + 1) % KBUFMAP_ALLOC_BATCH))
			cond_resched();
	}
	kvfree(buf->pages);
	buf->pages = NULL;
}

/* --- vmalloc: vmalloc_user() memory, zeroed and marked VM_USERMAP ------- */

static int kbufmap_vmalloc_alloc(struct kbufmap_buffer *buf, size_t bytes)
{
	unsigned long i;

	buf->vaddr = vmalloc_user(bytes);
	if (!buf->vaddr)
		return -ENOMEM;
	if (kbufmap_alloc_page_array(buf)) {
		vfree(buf->vaddr);
		buf->vaddr = NULL;
		return -ENOMEM;
	}
	for (i = 0; i < buf->nr_pages; i++) {
		buf->pages[i] = vmalloc_to_page(buf->vaddr + (i << PAGE_SHIFT));
		if (!((i + 1) % KBUFMAP_ALLOC_BATCH))
			cond_resched();
	}
	return 0;
}

static void kbufmap_vmalloc_free(struct kbufmap_buffer *buf)
{
	kvfree(buf->pages);
	vfree(buf->vaddr);
}

/* --- pages: one order-0 page at a time ----------------------------------- */

static int kbufmap_pages_alloc(struct kbufmap_buffer *buf, size_t bytes)
{
	/*
	 * A request user space made fails with -ENOMEM, quietly, and never
	 * sends the OOM killer after other processes.
	 */
	const gfp_t gfp = GFP_KERNEL | __GFP_ZERO | __GFP_NOWARN |
			  __GFP_RETRY_MAYFAIL;
	unsigned long i;

	if (kbufmap_alloc_page_array(buf))
		return -ENOMEM;
	for (i = 0; i < buf->nr_pages; i++) {
		buf->pages[i] = alloc_pages_node(kbufmap_nid(buf), gfp, 0);
		if (!buf->pages[i]) {
			kbufmap_free_pages(buf, i);
			return -ENOMEM;
		}
		if (!((i + 1) % KBUFMAP_ALLOC_BATCH))
			cond_resched();
	}
	return 0;
}

static void kbufmap_pages_free(struct kbufmap_buffer *buf)
{
	kbufmap_free_pages(buf, buf->nr_pages);
}

/* --- contig: high-order chunks, largest first, split into 4 KiB pages ---- */

static struct page *kbufmap_contig_chunk(int nid, unsigned int order)
{
	gfp_t gfp = GFP_KERNEL | __GFP_ZERO | __GFP_NOWARN;

	/*
	 * A failed high order is no emergency: try a smaller one instead.
	 * Order 0 tries hard, but like the pages backend never OOM-kills.
	 */
	if (order)
		gfp |= __GFP_NORETRY;
	else
		gfp |= __GFP_RETRY_MAYFAIL;
	return alloc_pages_node(nid, gfp, order);
}

/*
 * Chunks are naturally aligned and taken largest first, so every chunk of
 * order >= 9 starts at a 2 MiB aligned PFN and buffer index: what the huge
 * strategy needs. After a failed order, only smaller ones are tried: memory
 * that could not give 4 MiB a moment ago will not give it now either.
 */
static int kbufmap_contig_alloc(struct kbufmap_buffer *buf, size_t bytes)
{
	unsigned int max_order = KBUFMAP_MAX_ALLOC_ORDER;
	unsigned long done = 0, i;

	if (kbufmap_alloc_page_array(buf))
		return -ENOMEM;
	while (done < buf->nr_pages) {
		unsigned int order = min_t(unsigned int,
					   ilog2(buf->nr_pages - done), max_order);
		struct page *page = kbufmap_contig_chunk(kbufmap_nid(buf), order);

		if (!page) {
			if (!order) {
				kbufmap_free_pages(buf, done);
				return -ENOMEM;
			}
			max_order = order - 1;
			continue;
		}
		/*
		 * No __GFP_COMP: split the chunk so that each 4 KiB page has
		 * its own refcount and is freed on its own. A compound order-9
		 * chunk handed out by .fault would be PMD-mapped by core mm's
		 * do_set_pmd() behind the driver's back, and vm_insert_page()
		 * takes references on single pages, which for a high-order
		 * allocation needs either compound or split pages.
		 */
		split_page(page, order);
		for (i = 0; i < (1UL << order); i++)
			buf->pages[done + i] = nth_page(page, i);
		done += 1UL << order;
		cond_resched();
	}
	return 0;
}

/* --- kmalloc: slab or large kmalloc, physically contiguous --------------- */

static int kbufmap_kmalloc_alloc(struct kbufmap_buffer *buf, size_t bytes)
{
	const gfp_t gfp = GFP_KERNEL | __GFP_ZERO | __GFP_NOWARN;

	buf->vaddr = kmalloc_node(bytes, gfp, kbufmap_nid(buf));
	if (!buf->vaddr)
		return -ENOMEM;
	/*
	 * kmalloc() aligns power-of-two sizes naturally and serves sizes above
	 * two pages from the page allocator, so a page multiple always comes
	 * back page aligned. Should that ever change, refuse rather than map
	 * the neighbouring object's bytes to user space.
	 */
	if (!PAGE_ALIGNED(buf->vaddr)) {
		kfree(buf->vaddr);
		buf->vaddr = NULL;
		return -ENOMEM;
	}
	return 0;
}

static void kbufmap_kmalloc_free(struct kbufmap_buffer *buf)
{
	kfree(buf->vaddr);
}

static const struct kbufmap_backend_ops kbufmap_backends[KBUFMAP_BACKEND_COUNT] = {
	[KBUFMAP_BACKEND_VMALLOC] = {
		.alloc = kbufmap_vmalloc_alloc,
		.free = kbufmap_vmalloc_free,
	},
	[KBUFMAP_BACKEND_PAGES] = {
		.alloc = kbufmap_pages_alloc,
		.free = kbufmap_pages_free,
	},
	[KBUFMAP_BACKEND_CONTIG] = {
		.alloc = kbufmap_contig_alloc,
		.free = kbufmap_pages_free,
	},
	[KBUFMAP_BACKEND_KMALLOC] = {
		.alloc = kbufmap_kmalloc_alloc,
		.free = kbufmap_kmalloc_free,
	},
};

/* --- lookups -------------------------------------------------------------- */

struct page *kbufmap_buffer_page(const struct kbufmap_buffer *buf,
				 unsigned long idx)
{
	return buf->pages ? buf->pages[idx] : NULL;
}

unsigned long kbufmap_buffer_pfn(const struct kbufmap_buffer *buf,
				 unsigned long idx)
{
	if (buf->pages)
		return page_to_pfn(buf->pages[idx]);
	return PHYS_PFN(virt_to_phys(buf->vaddr + (idx << PAGE_SHIFT)));
}

/* vmalloc/kmalloc: base + offset; pages/contig: never highmem on x86_64. */
void *kbufmap_buffer_kaddr(const struct kbufmap_buffer *buf, unsigned long idx)
{
	if (buf->vaddr)
		return buf->vaddr + (idx << PAGE_SHIFT);
	return page_address(buf->pages[idx]);
}

/*
 * Length of the physically contiguous run that starts at page @first, at most
 * @max pages (1 <= max <= nr_pages - first).
 */
static unsigned long kbufmap_buffer_run(const struct kbufmap_buffer *buf,
					unsigned long first, unsigned long max)
{
	unsigned long pfn, n;

	if (!buf->pages)	/* kmalloc: one run */
		return max;
	pfn = page_to_pfn(buf->pages[first]);
	for (n = 1; n < max; n++)
		if (page_to_pfn(buf->pages[first + n]) != pfn + n)
			break;
	return n;
}

bool kbufmap_buffer_range_contiguous(const struct kbufmap_buffer *buf,
				     unsigned long first, unsigned long count)
{
	return count && kbufmap_buffer_run(buf, first, count) == count;
}

static unsigned int kbufmap_count_runs(const struct kbufmap_buffer *buf)
{
	unsigned long idx = 0;
	unsigned int runs = 0;

	while (idx < buf->nr_pages) {
		idx += kbufmap_buffer_run(buf, idx, buf->nr_pages - idx);
		runs++;
	}
	return runs;
}

/* The unzeroed injection: old data left for user space to find. */
static void kbufmap_buffer_poison(struct kbufmap_buffer *buf)
{
	unsigned long i;

	for (i = 0; i < buf->nr_pages; i++) {
		memset(kbufmap_buffer_kaddr(buf, i), 0xa5, PAGE_SIZE);
		cond_resched();	/* up to 1 GiB of memset */
	}
}

/* --- life cycle ----------------------------------------------------------- */

/*
 * @cfg passed the CONFIGURE checks: backend and strategy index the tables,
 * and 1 <= nr_pages <= KBUFMAP_MAX_PAGES (1 GiB, so bytes fits in size_t).
 * Returns a buffer holding one reference (the caller's), or an ERR_PTR.
 */
struct kbufmap_buffer *kbufmap_buffer_alloc(const struct kbufmap_config *cfg)
{
	size_t bytes = (size_t)cfg->nr_pages << PAGE_SHIFT;
	struct kbufmap_buffer *buf;
	int err;

	buf = kzalloc(sizeof(*buf), GFP_KERNEL);
	if (!buf)
		return ERR_PTR(-ENOMEM);
	kref_init(&buf->ref);
	atomic_set(&buf->live_vmas, 0);
	buf->nr_pages = cfg->nr_pages;
	buf->backend = cfg->backend;
	buf->strategy = cfg->strategy;
	buf->node = cfg->node;
#ifdef KBUFMAP_FAULT_INJECT
	buf->inject = kbufmap_inject_mode();
#endif
	buf->ops = kbufmap_strategies[cfg->strategy];

	err = kbufmap_backends[buf->backend].alloc(buf, bytes);
	if (err) {
		kfree(buf);
		return ERR_PTR(err);
	}
	if (kbufmap_injected(buf, KBUFMAP_INJECT_UNZEROED))
		kbufmap_buffer_poison(buf);
	buf->nr_chunks = kbufmap_count_runs(buf);
	kbufmap_stats_buffer_alloc(buf->backend, bytes);
	return buf;
}

static void kbufmap_buffer_release(struct kref *ref)
{
	struct kbufmap_buffer *buf = container_of(ref, struct kbufmap_buffer,
						  ref);

	kbufmap_backends[buf->backend].free(buf);
	kbufmap_stats_buffer_free(buf->backend,
				  (u64)buf->nr_pages << PAGE_SHIFT);
	kfree(buf);
}

void kbufmap_buffer_get(struct kbufmap_buffer *buf)
{
	kref_get(&buf->ref);
}

void kbufmap_buffer_put(struct kbufmap_buffer *buf)
{
	kref_put(&buf->ref, kbufmap_buffer_release);
}
