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

#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/err.h>
#include <linux/gfp.h>
#include <linux/hashtable.h>
#include <linux/io.h>
#include <linux/log2.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/user_namespace.h>
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

/*
 * The bytes all buffers may hold together (module parameter max_bytes, set in
 * kbufmap_main.c), and the bytes they hold: reserved before allocating, so
 * that concurrent CONFIGUREs cannot overshoot the cap together.
 */
static atomic64_t kbufmap_bytes_reserved = ATOMIC64_INIT(0);

struct kbufmap_backend_ops {
	int (*alloc)(struct kbufmap_buffer *buf, size_t bytes);
	void (*free)(struct kbufmap_buffer *buf);
};

/*
 * Every allocation a request from user space makes is charged to the
 * caller's memory cgroup, and may fail: with -ENOMEM, quietly (no
 * allocation-failure report), and never by sending the OOM killer after
 * other processes. __GFP_NORETRY gives up after one round of reclaim, before
 * the OOM killer, both in the page allocator and in the memcg charge.
 * kvmalloc() does not support __GFP_NORETRY; __GFP_RETRY_MAYFAIL (retry
 * harder, then fail, never OOM) is its way to say the same.
 */
#define KBUFMAP_GFP_MAYFAIL	(GFP_KERNEL_ACCOUNT | __GFP_NOWARN | \
				 __GFP_NORETRY)
#define KBUFMAP_GFP_KVMALLOC	(GFP_KERNEL_ACCOUNT | __GFP_NOWARN | \
				 __GFP_RETRY_MAYFAIL)

/*
 * The pages user space maps. Before 5.11 a charged page carries the Kmemcg
 * page type in _mapcount: vm_insert_page() refuses it (-EINVAL) and a
 * .fault mapping corrupts it ("Bad page map" at munmap). There the data is
 * not charged to the memory cgroup; the module's cap (max_bytes) still
 * bounds it.
 */
#ifdef KBUFMAP_HAVE_PAGE_KMEMCG
#define KBUFMAP_GFP_DATA	((KBUFMAP_GFP_MAYFAIL & ~__GFP_ACCOUNT) | \
				 __GFP_ZERO)
#else
#define KBUFMAP_GFP_DATA	(KBUFMAP_GFP_MAYFAIL | __GFP_ZERO)
#endif

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

/* A requested node is a promise: its pages, or -ENOMEM. */
static gfp_t kbufmap_gfp_data(const struct kbufmap_buffer *buf)
{
	if (buf->node == KBUFMAP_NODE_ANY)
		return KBUFMAP_GFP_DATA;
	return KBUFMAP_GFP_DATA | __GFP_THISNODE;
}

static int kbufmap_alloc_page_array(struct kbufmap_buffer *buf)
{
	buf->pages = kvcalloc(buf->nr_pages, sizeof(*buf->pages),
			      KBUFMAP_GFP_KVMALLOC);
	return buf->pages ? 0 : -ENOMEM;
}

/*
 * Between two batches of a long allocation loop: yield, and stop if the
 * caller is being killed (by the OOM killer too: then it should exit, not
 * drain the reserves it was given for exiting).
 */
static int kbufmap_alloc_pause(unsigned long done)
{
	if (done % KBUFMAP_ALLOC_BATCH)
		return 0;
	if (fatal_signal_pending(current))
		return -EINTR;
	cond_resched();
	return 0;
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

/* --- pages: one order-0 page at a time ----------------------------------- */

static int kbufmap_pages_alloc(struct kbufmap_buffer *buf, size_t bytes)
{
	gfp_t gfp = kbufmap_gfp_data(buf);
	unsigned long i;
	int err;

	if (kbufmap_alloc_page_array(buf))
		return -ENOMEM;
	for (i = 0; i < buf->nr_pages; i++) {
		buf->pages[i] = alloc_pages_node(kbufmap_nid(buf), gfp, 0);
		err = buf->pages[i] ? kbufmap_alloc_pause(i + 1) : -ENOMEM;
		if (err) {
			kbufmap_free_pages(buf, buf->pages[i] ? i + 1 : i);
			return err;
		}
	}
	return 0;
}

static void kbufmap_pages_free(struct kbufmap_buffer *buf)
{
	kbufmap_free_pages(buf, buf->nr_pages);
}

/*
 * --- vmalloc: order-0 pages in one virtually contiguous VM_USERMAP area ---
 *
 * What vmalloc_user() gives, built from exported parts: vmalloc_user() is
 * hard-wired to GFP_KERNEL (OOM killer, allocation-failure splat, no memcg
 * charge) and __vmalloc_node_range(), which takes flags, is not exported.
 * VM_USERMAP lets remap_vmalloc_range() map the area.
 */
static int kbufmap_vmalloc_alloc(struct kbufmap_buffer *buf, size_t bytes)
{
	int err = kbufmap_pages_alloc(buf, bytes);

	if (err)
		return err;
	buf->vaddr = vmap(buf->pages, buf->nr_pages, VM_USERMAP, PAGE_KERNEL);
	if (!buf->vaddr) {
		kbufmap_free_pages(buf, buf->nr_pages);
		return -ENOMEM;
	}
	return 0;
}

static void kbufmap_vmalloc_free(struct kbufmap_buffer *buf)
{
	vunmap(buf->vaddr);
	kbufmap_free_pages(buf, buf->nr_pages);
}

/* --- contig: high-order chunks, largest first, split into 4 KiB pages ---- */

/* A failed high order is no emergency: the caller tries a smaller one. */
static struct page *kbufmap_contig_chunk(const struct kbufmap_buffer *buf,
					 unsigned int order)
{
	return alloc_pages_node(kbufmap_nid(buf), kbufmap_gfp_data(buf), order);
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
		struct page *page;

		if (fatal_signal_pending(current)) {
			kbufmap_free_pages(buf, done);
			return -EINTR;
		}
		page = kbufmap_contig_chunk(buf, order);

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
	buf->vaddr = kmalloc_node(bytes, kbufmap_gfp_data(buf),
				  kbufmap_nid(buf));
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
	/* kbufmap_dma.c */
	[KBUFMAP_BACKEND_DMA_COHERENT] = {
		.alloc = kbufmap_dma_coherent_alloc,
		.free = kbufmap_dma_coherent_free,
	},
	[KBUFMAP_BACKEND_DMA_WC] = {
		.alloc = kbufmap_dma_coherent_alloc,
		.free = kbufmap_dma_coherent_free,
	},
	[KBUFMAP_BACKEND_DMA_NONCOHERENT] = {
		.alloc = kbufmap_dma_noncoherent_alloc,
		.free = kbufmap_dma_noncoherent_free,
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

/* --- the caps: module-wide, and each user's share -------------------------- */

/* Room for @bytes more under the module's cap, or -ENOMEM. */
static int kbufmap_reserve(u64 bytes)
{
	if (atomic64_add_return(bytes, &kbufmap_bytes_reserved) >
	    kbufmap_max_bytes()) {
		atomic64_sub(bytes, &kbufmap_bytes_reserved);
		return -ENOMEM;
	}
	return 0;
}

static void kbufmap_unreserve(u64 bytes)
{
	atomic64_sub(bytes, &kbufmap_bytes_reserved);
}

/*
 * The bytes each user's buffers hold, so that no one user can take the
 * whole cap: an entry per effective uid with buffers, freed with its last.
 */
struct kbufmap_user {
	struct hlist_node node;
	kuid_t uid;
	u64 bytes;
};

static DEFINE_HASHTABLE(kbufmap_users, 6);
static DEFINE_SPINLOCK(kbufmap_users_lock);

static struct kbufmap_user *kbufmap_user_find(kuid_t uid)
{
	struct kbufmap_user *u;

	hash_for_each_possible(kbufmap_users, u, node, __kuid_val(uid))
		if (uid_eq(u->uid, uid))
			return u;
	return NULL;
}

/* Under kbufmap_users_lock: the user's entry, @fresh put in if none. */
static struct kbufmap_user *kbufmap_user_get(kuid_t uid,
					     struct kbufmap_user **fresh)
{
	struct kbufmap_user *u = kbufmap_user_find(uid);

	if (u)
		return u;
	u = *fresh;
	*fresh = NULL;
	u->uid = uid;
	hash_add(kbufmap_users, &u->node, __kuid_val(uid));
	return u;
}

/* Under kbufmap_users_lock: take @bytes back; true when @u is to be freed. */
static bool kbufmap_user_sub(struct kbufmap_user *u, u64 bytes)
{
	u->bytes -= bytes;
	if (u->bytes)
		return false;
	hash_del(&u->node);
	return true;
}

/*
 * Room for @bytes more in the caller's share (user_max_bytes), or -ENOMEM.
 * CAP_SYS_ADMIN is bounded by the module's cap only, but still counted.
 * Not having it is no denial to audit.
 */
static struct kbufmap_user *kbufmap_user_reserve(u64 bytes)
{
	bool bounded = !ns_capable_noaudit(&init_user_ns, CAP_SYS_ADMIN);
	struct kbufmap_user *fresh, *u;
	bool refused;

	fresh = kzalloc(sizeof(*fresh), KBUFMAP_GFP_MAYFAIL);
	if (!fresh)
		return ERR_PTR(-ENOMEM);
	spin_lock(&kbufmap_users_lock);
	u = kbufmap_user_get(current_euid(), &fresh);
	u->bytes += bytes;
	refused = bounded && u->bytes > kbufmap_user_max_bytes();
	if (refused && kbufmap_user_sub(u, bytes))
		fresh = u;
	spin_unlock(&kbufmap_users_lock);
	kfree(fresh);
	return refused ? ERR_PTR(-ENOMEM) : u;
}

static void kbufmap_user_unreserve(struct kbufmap_user *u, u64 bytes)
{
	bool last;

	spin_lock(&kbufmap_users_lock);
	last = kbufmap_user_sub(u, bytes);
	spin_unlock(&kbufmap_users_lock);
	if (last)
		kfree(u);
}

/* The bytes the caller's effective uid holds. */
u64 kbufmap_user_bytes_in_use(void)
{
	struct kbufmap_user *u;
	u64 bytes;

	spin_lock(&kbufmap_users_lock);
	u = kbufmap_user_find(current_euid());
	bytes = u ? u->bytes : 0;
	spin_unlock(&kbufmap_users_lock);
	return bytes;
}

/* --- life cycle ----------------------------------------------------------- */

u64 kbufmap_bytes_in_use(void)
{
	return atomic64_read(&kbufmap_bytes_reserved);
}

/*
 * Everything but the memory itself: the struct and its per-CPU counters.
 * Returns a buffer holding one reference (the caller's), or NULL.
 */
static struct kbufmap_buffer *
kbufmap_buffer_new(const struct kbufmap_config *cfg)
{
	struct kbufmap_buffer *buf;

	buf = kzalloc(sizeof(*buf), KBUFMAP_GFP_MAYFAIL);
	if (!buf)
		return NULL;
	buf->counters = kbufmap_counters_alloc(KBUFMAP_GFP_MAYFAIL);
	if (!buf->counters) {
		kfree(buf);
		return NULL;
	}
	kref_init(&buf->ref);
	atomic_set(&buf->live_vmas, 0);
	buf->nr_pages = cfg->nr_pages;
	buf->backend = cfg->backend;
	buf->strategy = cfg->strategy;
	buf->node = cfg->node;
	buf->cache = cfg->cache;
	buf->config_flags = cfg->flags;
#ifdef KBUFMAP_FAULT_INJECT
	buf->inject = kbufmap_inject_mode();
#endif
	buf->ops = kbufmap_strategies[cfg->strategy];
	return buf;
}

static void kbufmap_buffer_delete(struct kbufmap_buffer *buf)
{
	kbufmap_counters_free(buf->counters);
	kfree(buf);
}

/*
 * @cfg passed the CONFIGURE checks: backend and strategy index the tables,
 * and 1 <= nr_pages <= KBUFMAP_MAX_PAGES (1 GiB, so bytes fits in size_t).
 * Returns a buffer holding one reference (the caller's), or an ERR_PTR:
 * -ENOMEM past the module's cap or when memory runs short, -EINTR when the
 * caller was killed meanwhile.
 */
struct kbufmap_buffer *kbufmap_buffer_alloc(const struct kbufmap_config *cfg)
{
	size_t bytes = (size_t)cfg->nr_pages << PAGE_SHIFT;
	struct kbufmap_buffer *buf;
	struct kbufmap_user *user;
	int err;

	err = kbufmap_reserve(bytes);
	if (err)
		return ERR_PTR(err);
	user = kbufmap_user_reserve(bytes);
	if (IS_ERR(user)) {
		kbufmap_unreserve(bytes);
		return ERR_CAST(user);
	}
	buf = kbufmap_buffer_new(cfg);
	if (!buf) {
		err = -ENOMEM;
		goto unreserve;
	}
	buf->user = user;
	err = kbufmap_backends[buf->backend].alloc(buf, bytes);
	if (err) {
		kbufmap_buffer_delete(buf);
		goto unreserve;
	}
	err = kbufmap_memtype_set(buf);
	if (err) {
		kbufmap_backends[buf->backend].free(buf);
		kbufmap_buffer_delete(buf);
		goto unreserve;
	}
	if (kbufmap_injected(buf, KBUFMAP_INJECT_UNZEROED))
		kbufmap_buffer_poison(buf);
	buf->nr_chunks = kbufmap_count_runs(buf);
	kbufmap_stats_buffer_alloc(buf->backend, bytes);
	return buf;

unreserve:
	kbufmap_user_unreserve(user, bytes);
	kbufmap_unreserve(bytes);
	return ERR_PTR(err);
}

static void kbufmap_buffer_release(struct kref *ref)
{
	struct kbufmap_buffer *buf = container_of(ref, struct kbufmap_buffer,
						  ref);

	u64 bytes = (u64)buf->nr_pages << PAGE_SHIFT;

	/* Every VMA held a reference: no user mapping is left. */
	kbufmap_memtype_restore(buf);
	kbufmap_backends[buf->backend].free(buf);
	kbufmap_stats_buffer_free(buf->backend, bytes);
	kbufmap_user_unreserve(buf->user, bytes);
	kbufmap_buffer_delete(buf);
	kbufmap_unreserve(bytes);
}

void kbufmap_buffer_get(struct kbufmap_buffer *buf)
{
	kref_get(&buf->ref);
}

void kbufmap_buffer_put(struct kbufmap_buffer *buf)
{
	kref_put(&buf->ref, kbufmap_buffer_release);
}
