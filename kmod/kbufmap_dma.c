// SPDX-License-Identifier: GPL-2.0
/*
 * kbufmap: the DMA-API backends (dma-coherent, dma-wc, dma-noncoherent), the
 * dma-mmap strategy's calls and KBUFMAP_IOC_DMA_SYNC.
 *
 * The DMA device is the misc device itself, given a 64-bit DMA mask at load
 * (it has none of its own), unless root names another, bound device with the
 * dma_device parameter. The misc device has no dma_map_ops, so every call
 * for it goes to dma-direct (unless the architecture installs an IOMMU's
 * ops): on x86 one buddy allocation, coherent, and dma_mmap_*() is
 * remap_pfn_range() of the whole VMA. On arm64 it is non-coherent (it has no
 * firmware node saying dma-coherent); a borrowed PCI device of a coherent
 * bus shows the other side.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/device.h>
#include <linux/dma-map-ops.h>
#include <linux/dma-mapping.h>
#include <linux/errno.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/platform_device.h>
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

/*
 * The device new DMA buffers are allocated for: the misc device (NULL until
 * its mask is set: then the DMA backends are off) or, once root named one,
 * a borrowed device, referenced until it is replaced. Each DMA buffer holds
 * its own reference to the device it came from (buf->dma_dev) and is synced,
 * mapped and freed through it, so switching changes new buffers only.
 */
#define KBUFMAP_DMA_SPEC_MAX	64
static DEFINE_MUTEX(kbufmap_dma_lock);
static struct device *kbufmap_dma_own;
static struct device *kbufmap_dma_borrowed;
static char kbufmap_dma_spec[KBUFMAP_DMA_SPEC_MAX] = "misc";
/*
 * Set at unload: the parameter's sysfs file outlives the module's exit
 * (it goes when the module is freed), and a write in between must not
 * take a reference nobody drops.
 */
static bool kbufmap_dma_closed;

/* A reference to the device for a new buffer, or NULL: no DMA backends. */
static struct device *kbufmap_dma_device_get(void)
{
	struct device *dev;

	mutex_lock(&kbufmap_dma_lock);
	dev = get_device(kbufmap_dma_borrowed ?: kbufmap_dma_own);
	mutex_unlock(&kbufmap_dma_lock);
	return dev;
}

/*
 * A failure only turns the DMA backends off (CONFIGURE: -EOPNOTSUPP) for
 * the misc device: the other backends need no DMA mask.
 */
void kbufmap_dma_init(struct device *dev)
{
	int err = dma_coerce_mask_and_coherent(dev, DMA_BIT_MASK(64));

	if (err) {
		pr_warn("no 64-bit DMA mask for the device (%d): DMA backends off\n",
			err);
		return;
	}
	mutex_lock(&kbufmap_dma_lock);
	kbufmap_dma_own = dev;
	mutex_unlock(&kbufmap_dma_lock);
}

/* At unload: no buffer is left (open files pin the module). */
void kbufmap_dma_exit(void)
{
	struct device *dev;

	mutex_lock(&kbufmap_dma_lock);
	kbufmap_dma_closed = true;
	dev = kbufmap_dma_borrowed;
	kbufmap_dma_borrowed = NULL;
	kbufmap_dma_own = NULL;
	mutex_unlock(&kbufmap_dma_lock);
	put_device(dev);
}

/* GET_INFO's KBUFMAP_INFO_DMA_COHERENT: always true on x86. */
bool kbufmap_dma_buffer_coherent(const struct kbufmap_buffer *buf)
{
	return buf->dma_dev && dev_is_dma_coherent(buf->dma_dev);
}

/* --- dma_device: which device new DMA buffers come from ------------------- */

/* "pci:0000:00:02.0" or "platform:NAME": the device, referenced. */
static struct device *kbufmap_dma_find(const char *spec)
{
	size_t len;

#ifdef CONFIG_PCI
	len = str_has_prefix(spec, "pci:");
	if (len)
		return bus_find_device_by_name(&pci_bus_type, NULL, spec + len);
#endif
	len = str_has_prefix(spec, "platform:");
	if (len)
		return bus_find_device_by_name(&platform_bus_type, NULL,
					       spec + len);
	return NULL;
}

/*
 * Only a device a driver has bound is configured for DMA: its bus set its
 * DMA ops and coherence at probe (arm64: from the firmware's dma-coherent),
 * and its driver its masks. The masks are the driver's: kbufmap keeps them.
 */
static int kbufmap_dma_usable(struct device *dev, const char *spec)
{
	if (!READ_ONCE(dev->driver)) {
		pr_info("dma_device=%s: no driver is bound to it, so its DMA is not set up\n",
			spec);
		return -ENXIO;
	}
	if (!dev->dma_mask || !dev->coherent_dma_mask) {
		pr_info("dma_device=%s: its driver gave it no DMA mask\n", spec);
		return -EINVAL;
	}
	return 0;
}

static int kbufmap_dma_device_set(const char *val, const struct kernel_param *kp)
{
	size_t len = strcspn(val, "\n");
	char spec[KBUFMAP_DMA_SPEC_MAX];
	struct device *dev = NULL;
	int err;

	if (len >= sizeof(spec))
		return -EINVAL;
	memcpy(spec, val, len);
	spec[len] = '\0';
	if (strcmp(spec, "misc")) {
		dev = kbufmap_dma_find(spec);
		if (!dev) {
			pr_info("dma_device=%s: no such device (misc, pci:DOMAIN:BUS:SLOT.FN or platform:NAME)\n",
				spec);
			return -ENODEV;
		}
		err = kbufmap_dma_usable(dev, spec);
		if (err) {
			put_device(dev);
			return err;
		}
	}
	mutex_lock(&kbufmap_dma_lock);
	if (kbufmap_dma_closed) {
		mutex_unlock(&kbufmap_dma_lock);
		put_device(dev);
		return -ENODEV;
	}
	swap(dev, kbufmap_dma_borrowed);
	strscpy(kbufmap_dma_spec, spec, sizeof(kbufmap_dma_spec));
	mutex_unlock(&kbufmap_dma_lock);
	put_device(dev);	/* the one replaced */
	pr_info("new DMA buffers come from %s\n", spec);
	return 0;
}

static int kbufmap_dma_device_show(char *buffer, const struct kernel_param *kp)
{
	int len;

	mutex_lock(&kbufmap_dma_lock);
	len = sysfs_emit(buffer, "%s\n", kbufmap_dma_spec);
	mutex_unlock(&kbufmap_dma_lock);
	return len;
}

static const struct kernel_param_ops kbufmap_dma_device_ops = {
	.set = kbufmap_dma_device_set,
	.get = kbufmap_dma_device_show,
};

module_param_cb(dma_device, &kbufmap_dma_device_ops, NULL, 0644);
MODULE_PARM_DESC(dma_device,
		 "The device new DMA buffers are allocated for: misc (kbufmap's own, the default), or a bound device, pci:DOMAIN:BUS:SLOT.FN or platform:NAME, to see its coherence");

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
	struct device *dev;

	if (!kbufmap_backend_is_dma(cfg->backend))
		return 0;
	dev = kbufmap_dma_device_get();
	if (!dev)
		return -EOPNOTSUPP;
	put_device(dev);
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

	err = dma_get_sgtable(buf->dma_dev, &sgt, buf->vaddr,
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
	struct device *dev = buf->dma_dev;

	if (buf->backend == KBUFMAP_BACKEND_DMA_WC)
		dma_free_wc(dev, bytes, buf->vaddr, buf->dma_handle);
	else
		dma_free_coherent(dev, bytes, buf->vaddr, buf->dma_handle);
	buf->vaddr = NULL;
}

/* Each DMA buffer keeps the device it came from: see kbufmap_dma_borrowed. */
static int kbufmap_dma_hold_device(struct kbufmap_buffer *buf)
{
	buf->dma_dev = kbufmap_dma_device_get();
	return buf->dma_dev ? 0 : -EOPNOTSUPP;
}

static void kbufmap_dma_drop_device(struct kbufmap_buffer *buf)
{
	put_device(buf->dma_dev);
	buf->dma_dev = NULL;
}

int kbufmap_dma_coherent_alloc(struct kbufmap_buffer *buf, size_t bytes)
{
	struct device *dev;
	int err;

	err = kbufmap_dma_hold_device(buf);
	if (err)
		return err;
	dev = buf->dma_dev;
	if (buf->backend == KBUFMAP_BACKEND_DMA_WC)
		buf->vaddr = dma_alloc_wc(dev, bytes, &buf->dma_handle,
					  KBUFMAP_GFP_DMA);
	else
		buf->vaddr = dma_alloc_coherent(dev, bytes, &buf->dma_handle,
						KBUFMAP_GFP_DMA);
	if (!buf->vaddr) {
		kbufmap_dma_drop_device(buf);
		return kbufmap_dma_alloc_failed(buf);
	}
	err = kbufmap_dma_coherent_pages(buf, bytes);
	if (err) {
		kbufmap_dma_coherent_release(buf, bytes);
		kbufmap_dma_drop_device(buf);
	}
	return err;
}

void kbufmap_dma_coherent_free(struct kbufmap_buffer *buf)
{
	kbufmap_dma_coherent_release(buf, buf->nr_pages << PAGE_SHIFT);
	kbufmap_dma_drop_device(buf);
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

	if (kbufmap_dma_hold_device(buf))
		return -EOPNOTSUPP;
	if (kbufmap_dma_page_array(buf)) {
		kbufmap_dma_drop_device(buf);
		return -ENOMEM;
	}
	page = dma_alloc_pages(buf->dma_dev, bytes, &buf->dma_handle,
			       DMA_BIDIRECTIONAL, KBUFMAP_GFP_DMA);
	if (!page) {
		kvfree(buf->pages);
		buf->pages = NULL;
		kbufmap_dma_drop_device(buf);
		return kbufmap_dma_alloc_failed(buf);
	}
	for (i = 0; i < buf->nr_pages; i++)
		buf->pages[i] = nth_page(page, i);
	return 0;
}

void kbufmap_dma_noncoherent_free(struct kbufmap_buffer *buf)
{
	dma_free_pages(buf->dma_dev, buf->nr_pages << PAGE_SHIFT,
		       buf->pages[0], buf->dma_handle, DMA_BIDIRECTIONAL);
	kbufmap_dma_drop_device(buf);
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
	struct device *dev = buf->dma_dev;
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
	struct device *dev = buf->dma_dev;

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
