// SPDX-License-Identifier: GPL-2.0
/*
 * kbufmap: the DMA-API backends (dma-coherent, dma-wc, dma-noncoherent), the
 * dma-mmap strategy's calls and KBUFMAP_IOC_DMA_SYNC.
 *
 * The DMA device is the misc device itself, given a 64-bit DMA mask at load
 * (it has none of its own). It has no dma_map_ops, so every call here goes
 * to dma-direct (unless the architecture installs an IOMMU's ops): on x86
 * one buddy allocation, coherent, and dma_mmap_*() is remap_pfn_range() of
 * the whole VMA.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/device.h>
#include <linux/dma-map-ops.h>
#include <linux/dma-mapping.h>
#include <linux/errno.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "kbufmap_matrix.h"
#include "kbufmap.h"

/*
 * As KBUFMAP_GFP_MAYFAIL (kbufmap_buffer.c): charged to the caller's memory
 * cgroup (dma-direct hands the flags, zone bits aside, to alloc_pages_node()
 * or CMA), no allocation-failure report, no OOM killer. The pages are only
 * ever mapped by PFN (remap_pfn_range()), so a charged page is fine on 5.10
 * too. The DMA API zeroes what it returns.
 */
#define KBUFMAP_GFP_DMA	(GFP_KERNEL_ACCOUNT | __GFP_NOWARN | __GFP_NORETRY)

/* NULL until the DMA mask is set: then the DMA backends are off. */
static struct device *kbufmap_dma_dev;

static struct device *kbufmap_dma_device(void)
{
	/* pairs with kbufmap_dma_init(): a device seen has its mask */
	return smp_load_acquire(&kbufmap_dma_dev);
}

/*
 * A failure only turns the DMA backends off (CONFIGURE: -EOPNOTSUPP): the
 * other backends need no DMA mask. Called after misc_register(), so a
 * CONFIGURE may race with it: it sees no device until the mask is set.
 */
void kbufmap_dma_init(struct device *dev)
{
	int err = dma_coerce_mask_and_coherent(dev, DMA_BIT_MASK(64));

	if (err) {
		pr_warn("no 64-bit DMA mask for the device (%d): DMA backends off\n",
			err);
		return;
	}
	/* the mask before the device: see kbufmap_dma_device() */
	smp_store_release(&kbufmap_dma_dev, dev);
}

/* GET_INFO's KBUFMAP_INFO_DMA_COHERENT: always true on x86. */
bool kbufmap_dma_coherent(void)
{
	struct device *dev = kbufmap_dma_device();

	return dev && dev_is_dma_coherent(dev);
}

/*
 * The most pages one DMA buffer may have. Without CMA dma-direct makes one
 * buddy allocation of the size rounded up to a power of two, which cannot
 * exceed the largest order (4 MiB with 4 KiB pages): past it the allocator
 * would warn. With CMA a larger buffer may come from the CMA area, or fail
 * quietly (-ENOMEM).
 */
static unsigned long kbufmap_dma_max_pages(void)
{
	if (IS_ENABLED(CONFIG_DMA_CMA))
		return KBUFMAP_MAX_PAGES;
	return 1UL << KBUFMAP_MAX_ALLOC_ORDER;
}

/*
 * A failed DMA allocation: past one buddy block only CMA could have given
 * it, and CMA's area may be empty (Debian's 7.2 amd64 has CONFIG_DMA_CMA
 * with no default area): that is this kernel's limit, -E2BIG, as without
 * CMA. Within one block it is plain -ENOMEM.
 */
static int kbufmap_dma_alloc_failed(const struct kbufmap_buffer *buf)
{
	return buf->nr_pages > (1UL << KBUFMAP_MAX_ALLOC_ORDER) ? -E2BIG :
								  -ENOMEM;
}

/*
 * CONFIGURE's DMA part, after the matrix accepted the combination: 0 for
 * every other backend.
 */
int kbufmap_dma_config_check(const struct kbufmap_config *cfg)
{
	if (!kbufmap_backend_is_dma(cfg->backend))
		return 0;
	if (!kbufmap_dma_device())
		return -EOPNOTSUPP;
#ifndef KBUFMAP_HAVE_DMA_MMAP_PAGES
	/* dma_mmap_pages() came in 5.13: no way to map such a buffer. */
	if (cfg->backend == KBUFMAP_BACKEND_DMA_NONCOHERENT)
		return -EOPNOTSUPP;
#endif
	if (cfg->nr_pages > kbufmap_dma_max_pages())
		return -E2BIG;
	return 0;
}

static int kbufmap_dma_page_array(struct kbufmap_buffer *buf)
{
	buf->pages = kvcalloc(buf->nr_pages, sizeof(*buf->pages),
			      GFP_KERNEL_ACCOUNT | __GFP_NOWARN |
			      __GFP_RETRY_MAYFAIL);
	return buf->pages ? 0 : -ENOMEM;
}

/*
 * --- dma-coherent, dma-wc ---------------------------------------------------
 *
 * The CPU address these return is the kernel's address for the CPU's own
 * accesses (read(), write()), but not necessarily in the direct map: on a
 * non-coherent arm64 device it is an uncached vmap alias, where
 * virt_to_page() gives garbage. The pages behind it come from the DMA API
 * itself, dma_get_sgtable(), which dma-direct derives from the DMA handle.
 * They give GET_PFNS and the page runs; nothing maps them by reference.
 */
static int kbufmap_dma_coherent_pages(struct kbufmap_buffer *buf,
				      size_t bytes)
{
	struct sg_page_iter iter;
	struct sg_table sgt;
	unsigned long i = 0;
	int err;

	err = dma_get_sgtable(kbufmap_dma_device(), &sgt, buf->vaddr,
			      buf->dma_handle, bytes);
	if (err)
		return err;
	err = kbufmap_dma_page_array(buf);
	if (!err) {
		for_each_sgtable_page(&sgt, &iter, 0) {
			if (i == buf->nr_pages)
				break;
			buf->pages[i++] = sg_page_iter_page(&iter);
		}
		if (i != buf->nr_pages) {
			kvfree(buf->pages);
			buf->pages = NULL;
			err = -ENXIO;
		}
	}
	sg_free_table(&sgt);
	return err;
}

static void kbufmap_dma_coherent_release(struct kbufmap_buffer *buf,
					 size_t bytes)
{
	struct device *dev = kbufmap_dma_device();

	if (buf->backend == KBUFMAP_BACKEND_DMA_WC)
		dma_free_wc(dev, bytes, buf->vaddr, buf->dma_handle);
	else
		dma_free_coherent(dev, bytes, buf->vaddr, buf->dma_handle);
	buf->vaddr = NULL;
}

int kbufmap_dma_coherent_alloc(struct kbufmap_buffer *buf, size_t bytes)
{
	struct device *dev = kbufmap_dma_device();
	int err;

	if (buf->backend == KBUFMAP_BACKEND_DMA_WC)
		buf->vaddr = dma_alloc_wc(dev, bytes, &buf->dma_handle,
					  KBUFMAP_GFP_DMA);
	else
		buf->vaddr = dma_alloc_coherent(dev, bytes, &buf->dma_handle,
						KBUFMAP_GFP_DMA);
	if (!buf->vaddr)
		return kbufmap_dma_alloc_failed(buf);
	err = kbufmap_dma_coherent_pages(buf, bytes);
	if (err)
		kbufmap_dma_coherent_release(buf, bytes);
	return err;
}

void kbufmap_dma_coherent_free(struct kbufmap_buffer *buf)
{
	kbufmap_dma_coherent_release(buf, buf->nr_pages << PAGE_SHIFT);
	kvfree(buf->pages);
	buf->pages = NULL;
}

/*
 * --- dma-noncoherent: cached pages of the direct map, synced by the owner ---
 *
 * Allocated for both directions, so that DMA_SYNC may name any of them.
 */
#ifdef KBUFMAP_HAVE_DMA_MMAP_PAGES
int kbufmap_dma_noncoherent_alloc(struct kbufmap_buffer *buf, size_t bytes)
{
	struct page *page;
	unsigned long i;

	if (kbufmap_dma_page_array(buf))
		return -ENOMEM;
	page = dma_alloc_pages(kbufmap_dma_device(), bytes, &buf->dma_handle,
			       DMA_BIDIRECTIONAL, KBUFMAP_GFP_DMA);
	if (!page) {
		kvfree(buf->pages);
		buf->pages = NULL;
		return kbufmap_dma_alloc_failed(buf);
	}
	for (i = 0; i < buf->nr_pages; i++)
		buf->pages[i] = nth_page(page, i);
	return 0;
}

void kbufmap_dma_noncoherent_free(struct kbufmap_buffer *buf)
{
	dma_free_pages(kbufmap_dma_device(), buf->nr_pages << PAGE_SHIFT,
		       buf->pages[0], buf->dma_handle, DMA_BIDIRECTIONAL);
	kvfree(buf->pages);
	buf->pages = NULL;
}
#else
/* Never called: CONFIGURE refused the backend (kbufmap_dma_config_check). */
int kbufmap_dma_noncoherent_alloc(struct kbufmap_buffer *buf, size_t bytes)
{
	return -EOPNOTSUPP;
}

void kbufmap_dma_noncoherent_free(struct kbufmap_buffer *buf)
{
}
#endif

/*
 * --- dma-mmap ----------------------------------------------------------------
 *
 * The DMA API maps vma_pages(vma) pages from page vm_pgoff of the whole
 * buffer and refuses (-ENXIO) a range past its end, as the other populate
 * functions map the VMA's own range.
 */
int kbufmap_dma_mmap(struct kbufmap_buffer *buf, struct vm_area_struct *vma)
{
	struct device *dev = kbufmap_dma_device();
	size_t bytes = buf->nr_pages << PAGE_SHIFT;

	switch (buf->backend) {
	case KBUFMAP_BACKEND_DMA_COHERENT:
		return dma_mmap_coherent(dev, vma, buf->vaddr, buf->dma_handle,
					 bytes);
	case KBUFMAP_BACKEND_DMA_WC:
		return dma_mmap_wc(dev, vma, buf->vaddr, buf->dma_handle,
				   bytes);
#ifdef KBUFMAP_HAVE_DMA_MMAP_PAGES
	case KBUFMAP_BACKEND_DMA_NONCOHERENT:
		return dma_mmap_pages(dev, vma, bytes, buf->pages[0]);
#endif
	default:	/* the matrix keeps other backends away */
		return -EINVAL;
	}
}

/* --- KBUFMAP_IOC_DMA_SYNC ---------------------------------------------------- */

static const enum dma_data_direction kbufmap_dma_dirs[KBUFMAP_DMA_DIR_COUNT] = {
	[KBUFMAP_DMA_BIDIRECTIONAL] = DMA_BIDIRECTIONAL,
	[KBUFMAP_DMA_TO_DEVICE] = DMA_TO_DEVICE,
	[KBUFMAP_DMA_FROM_DEVICE] = DMA_FROM_DEVICE,
};

/* The request's own fields, before any buffer is looked at. */
int kbufmap_dma_sync_check(const struct kbufmap_dma_sync *req)
{
	if (memchr_inv(req->reserved, 0, sizeof(req->reserved)))
		return -EINVAL;
	if (req->direction >= KBUFMAP_DMA_DIR_COUNT ||
	    req->op >= KBUFMAP_DMA_SYNC_OP_COUNT)
		return -EINVAL;
	return 0;
}

/*
 * Only dma-noncoherent memory has an owner to hand over (the DMA API keeps
 * the sync calls for it and for streaming mappings), and only its own bytes.
 */
int kbufmap_dma_sync(struct kbufmap_buffer *buf,
		     const struct kbufmap_dma_sync *req)
{
	u64 size = (u64)buf->nr_pages << PAGE_SHIFT;
	enum dma_data_direction dir = kbufmap_dma_dirs[req->direction];
	dma_addr_t addr = buf->dma_handle + req->offset;
	struct device *dev = kbufmap_dma_device();

	if (buf->backend != KBUFMAP_BACKEND_DMA_NONCOHERENT)
		return -EINVAL;
	if (!req->length || req->offset >= size ||
	    req->length > size - req->offset)
		return -EINVAL;
	if (req->op == KBUFMAP_DMA_SYNC_FOR_CPU) {
		dma_sync_single_for_cpu(dev, addr, req->length, dir);
		kbufmap_count(buf, KBUFMAP_CNT_DMA_SYNCS_FOR_CPU, 1);
	} else {
		dma_sync_single_for_device(dev, addr, req->length, dir);
		kbufmap_count(buf, KBUFMAP_CNT_DMA_SYNCS_FOR_DEVICE, 1);
	}
	return 0;
}
