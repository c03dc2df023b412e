// SPDX-License-Identifier: GPL-2.0
/*
 * kbufmap: KBUFMAP_CONFIG_SET_MEMORY, the kernel's own mapping of a buffer.
 *
 * x86's PAT documentation asks a driver that maps RAM write-combining or
 * uncached to user space to give the kernel's direct mapping of those pages
 * the same type first (set_memory_wc() and friends), so that no two mappings
 * of one page disagree, and to restore write-back before the pages go back
 * to the allocator. The page-array forms take the buffer's pages wherever
 * they are, so every backend that fills buf->pages gets it the same way.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/sched.h>
#ifdef CONFIG_X86
#include <asm/set_memory.h>
#endif

#include "kbufmap.h"

/*
 * Pages per set_pages_array_*() call: each call flushes the TLB and the
 * caches of its pages, and a buffer may have 2^18 pages; between two calls
 * the caller may reschedule.
 */
#define KBUFMAP_MEMTYPE_BATCH	512UL

#ifdef CONFIG_X86
/* What this architecture can do: set_memory_*() exists on x86 only. */
int kbufmap_memtype_check(unsigned int cache, unsigned int flags)
{
	return 0;
}

static int kbufmap_memtype_apply(struct page **pages, unsigned long n,
				 unsigned int cache)
{
	switch (cache) {
	case KBUFMAP_CACHE_WC:
		return set_pages_array_wc(pages, n);
	case KBUFMAP_CACHE_UC:
		return set_pages_array_uc(pages, n);
	default:
		return set_pages_array_wb(pages, n);
	}
}

/* Back to write-back, pages [0, count), batch by batch. */
static void kbufmap_memtype_reset(struct kbufmap_buffer *buf,
				  unsigned long count)
{
	unsigned long done, n;

	for (done = 0; done < count; done += n) {
		n = min(count - done, KBUFMAP_MEMTYPE_BATCH);
		if (kbufmap_memtype_apply(buf->pages + done, n,
					  KBUFMAP_CACHE_WB))
			pr_err("write-back not restored on %lu pages\n", n);
		cond_resched();
	}
}

/*
 * After allocation, before any mapping: the asked type for every page, or
 * an error with every page back to write-back.
 */
int kbufmap_memtype_set(struct kbufmap_buffer *buf)
{
	unsigned long done, n;
	int err;

	if (!(buf->config_flags & KBUFMAP_CONFIG_SET_MEMORY))
		return 0;
	if (!buf->pages)
		return -EOPNOTSUPP;
	for (done = 0; done < buf->nr_pages; done += n) {
		n = min(buf->nr_pages - done, KBUFMAP_MEMTYPE_BATCH);
		err = kbufmap_memtype_apply(buf->pages + done, n, buf->cache);
		if (!err && fatal_signal_pending(current))
			err = -EINTR;
		if (err) {
			kbufmap_memtype_reset(buf, done + (err == -EINTR ? n : 0));
			return err;
		}
		cond_resched();
	}
	buf->memtype_set = true;
	return 0;
}

/* Before the pages are freed: the last mapping of them is gone. */
void kbufmap_memtype_restore(struct kbufmap_buffer *buf)
{
	if (!buf->memtype_set)
		return;
	kbufmap_memtype_reset(buf, buf->nr_pages);
	buf->memtype_set = false;
}
#else
int kbufmap_memtype_check(unsigned int cache, unsigned int flags)
{
	return flags & KBUFMAP_CONFIG_SET_MEMORY ? -EOPNOTSUPP : 0;
}

int kbufmap_memtype_set(struct kbufmap_buffer *buf)
{
	return 0;
}

void kbufmap_memtype_restore(struct kbufmap_buffer *buf)
{
}
#endif
