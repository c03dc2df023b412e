// SPDX-License-Identifier: GPL-2.0
/*
 * The cache family: which cache attribute the mapping really got.
 *
 * cache-attribute asks the page table (KBUFMAP_IOC_PGATTR, root only) for
 * every page of a touched mapping and holds the user PTE's attribute and
 * the kernel mapping's against the model (cli/lib/cache_expect.c, what
 * `matrix --cache` prints), and the kernel log against the model's PAT
 * line: present where it says the kernel prints one, absent elsewhere
 * (/dev/kmsg from a position taken before mmap(), read by cacheview.c). In private
 * mode a cache mode other than wb must be refused.
 *
 * cache-no-alias fails on a memory-type alias: a user PTE whose attribute
 * is not the one the kernel's own mapping of the RAM has. It fails whenever
 * the model's row says alias, which --set-memory is the cure for. On arm64,
 * where the kernel itself keeps such aliases and no call removes them, it
 * skips, saying so.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cache_expect.h"
#include "cacheview.h"
#include "checks.h"
#include "kbm_dev.h"
#include "kbufmap_matrix.h"
#include "names.h"

#define CACHE_MAX_RUNS	256

/* The running kernel, looked up once (/proc/kallsyms is long). */
static const struct kbm_cache_kernel *cache_kernel(void)
{
	static struct kbm_cache_kernel k;
	static bool known;

	if (!known)
		kbm_cache_kernel_detect(&k);
	known = true;
	return &k;
}

/*
 * The model for this check's buffer: a DMA buffer's device is the one the
 * module says (GET_INFO), which root may have borrowed (dma_device=), not
 * necessarily the module's own.
 */
static const struct kbm_cache_kernel *buffer_kernel(const struct vctx *c,
						    struct kbm_cache_kernel *k)
{
	struct kbufmap_info info;

	*k = *cache_kernel();
	if (kbufmap_backend_is_dma(c->backend) && !kbm_get_info(c->fd, &info))
		k->dma_coherent = info.flags & KBUFMAP_INFO_DMA_COHERENT;
	return k;
}

bool applies_cache(const struct vctx *c, const char **why)
{
	struct kbm_cache_expect e;

	if (kbm_cache_expect(kbm_cache_arch(), cache_kernel(), c->backend,
			     c->strategy, c->cache, c->set_memory, &e, why) == -EOPNOTSUPP)
		return false;
	if (c->mode == VMODE_PRIVATE && c->sigbus && c->cache == KBUFMAP_CACHE_WB) {
		*why = "private mappings of this strategy SIGBUS at first touch by design (see remap-unchecked-sigbus)";
		return false;
	}
	return true;
}

/* ---- the kernel log (cacheview.c reads it) ------------------------------ */

/* /dev/kmsg at its end, kept for the runner to close; fd or -errno. */
static int kmsg_mark(struct vctx *c)
{
	return vtrack_fd(c, kbm_kmsg_open());
}

/* The kernel's own name of an attribute in PAT messages (cattr_name()). */
static const char *pat_cattr_name(unsigned int attr)
{
	switch (attr) {
	case KBUFMAP_ATTR_WB:
		return "write-back";
	case KBUFMAP_ATTR_WC:
		return "write-combining";
	case KBUFMAP_ATTR_UC_MINUS:
		return "uncached-minus";
	case KBUFMAP_ATTR_UC:
		return "uncached";
	default:
		return "?";
	}
}

/* ---- the page table ---------------------------------------------------- */

struct cache_view {
	struct kbufmap_pgattr_run *runs;
	unsigned int n;
};

/* PGATTR over the whole mapping at @p: 0 or -errno (-EPERM unprivileged). */
static int read_view(struct vctx *c, const uint8_t *p, struct cache_view *v)
{
	uint64_t done = 0;

	v->n = 0;
	v->runs = vzalloc(c, CACHE_MAX_RUNS * sizeof(*v->runs));
	if (!v->runs)
		return -ENOMEM;
	while (done < c->pages && v->n < CACHE_MAX_RUNS) {
		uint64_t got = 0;
		int n = kbm_pgattr(c->fd, (uintptr_t)(p + done * c->ps), c->pages - done,
				   v->runs + v->n, CACHE_MAX_RUNS - v->n, &got);

		if (n < 0)
			return n;
		if (!got)
			return -EIO;
		v->n += (unsigned int)n;
		done += got;
	}
	return done < c->pages ? -E2BIG : 0;
}

/* Map the buffer in the check's mode, touch it, and read its page table. */
static enum kbm_status map_and_view(struct vctx *c, struct cache_view *v,
				    uint8_t **pp)
{
	int prot = vmode_prot(c), flags = vmode_flags(c), err;
	uint8_t *p = vmap(c, c->fd, c->size, prot, flags, 0);

	if (p == MAP_FAILED)
		return vfail_mmap(c, "the buffer", c->size, prot, flags, errno);
	vtouch(c, p, c->size);
	err = read_view(c, p, v);
	if (err == -EPERM || err == -EACCES)
		return vskip(c, "KBUFMAP_IOC_PGATTR needs CAP_SYS_ADMIN: run verify as root for the cache family");
	if (err)
		return vfail(c, "KBUFMAP_IOC_PGATTR over %llu pages: %s",
			     (unsigned long long)c->pages, strerror(-err));
	*pp = p;
	return KBM_PASS;
}

/* The page index of run @r of the mapping at @p. */
static unsigned long long run_page(const struct vctx *c, const uint8_t *p,
				   const struct kbufmap_pgattr_run *r)
{
	return (unsigned long long)((r->addr - (uintptr_t)p) / c->ps);
}

/* Every run present, with the model's attributes; FAIL on the first that is not. */
static enum kbm_status view_matches(struct vctx *c, const uint8_t *p,
				    const struct cache_view *v,
				    const struct kbm_cache_expect *e)
{
	for (unsigned int i = 0; i < v->n; i++) {
		const struct kbufmap_pgattr_run *r = &v->runs[i];

		if (!(r->flags & KBUFMAP_PGATTR_PRESENT))
			return vfail(c, "page %llu (%llu pages) not present after a touch",
				     run_page(c, p, r), (unsigned long long)r->nr_pages);
		if (r->attr != e->user)
			return vfail(c, "page %llu: the PTE is %s (raw bits 0x%llx), the model says %s "
				     "(asked %s; %s)", run_page(c, p, r), mem_attr_name(r->attr),
				     (unsigned long long)r->raw_bits, mem_attr_name(e->user),
				     mem_attr_name(e->asked), e->path);
		if ((r->flags & KBUFMAP_PGATTR_RAM) && r->kernel_attr != e->kernel)
			return vfail(c, "page %llu: the kernel maps the RAM %s, the model says %s",
				     run_page(c, p, r), mem_attr_name(r->kernel_attr),
				     mem_attr_name(e->kernel));
	}
	return KBM_PASS;
}

/* The PAT line where the model says the kernel prints one, none elsewhere. */
static enum kbm_status pat_line_matches(struct vctx *c, int kmsg,
					const struct kbm_cache_expect *e,
					const char **said)
{
	bool want = e->pat_log == KBM_EXPECT_LOG_YES ||
		    (e->pat_log == KBM_EXPECT_LOG_IF_ONE_RUN && c->contiguous);
	struct kbm_pat_log log;
	int found = kbm_kmsg_find_pat(kmsg, (int)getpid(), &log);

	if (found < 0)
		return vfail(c, "reading /dev/kmsg: %s", strerror(-found));
	if (!found && !want) {
		*said = "no PAT line, as the model says";
		return KBM_PASS;
	}
	if (!found)
		return vfail(c, "no \"x86/PAT: ... map pfn RAM range req %s ..., got %s\" line, "
			     "though the model says the kernel prints one%s",
			     pat_cattr_name(e->asked), pat_cattr_name(e->user),
			     e->pat_log == KBM_EXPECT_LOG_IF_ONE_RUN ? " (one physical run)" : "");
	if (!want)
		return vfail(c, "the kernel logged \"%s\", though the model says it stays silent%s",
			     log.line, e->pat_log == KBM_EXPECT_LOG_IF_ONE_RUN ?
			     " (the buffer is not one physical run)" : "");
	if (!log.ram || log.req != e->asked || log.got != e->user)
		return vfail(c, "the PAT line \"%s\" does not say RAM, req %s, got %s",
			     log.line, pat_cattr_name(e->asked), pat_cattr_name(e->user));
	*said = "the PAT line as the model says";
	return KBM_PASS;
}

/* Private mode, cache other than wb: mmap() refused as the matrix says. */
static enum kbm_status private_refused(struct vctx *c)
{
	const char *why;
	int e = -kbufmap_cache_kind_errno(c->cache, KBUFMAP_MAP_PRIVATE_RO, &why);
	void *p = vmap(c, c->fd, c->size, PROT_READ, MAP_PRIVATE, 0);

	if (p != MAP_FAILED)
		return vfail(c, "a MAP_PRIVATE mapping with cache %s succeeded; the matrix "
			     "says %s: %s", cache_name(c->cache), errno_name(e), why);
	if (errno != e)
		return vfail(c, "a MAP_PRIVATE mapping with cache %s failed with %s, the "
			     "matrix says %s", cache_name(c->cache), errno_name(errno),
			     errno_name(e));
	return vpass(c, "MAP_PRIVATE with cache %s refused with %s: %s",
		     cache_name(c->cache), errno_name(e), why);
}

enum kbm_status check_cache_attribute(struct vctx *c)
{
	const char *why, *said = "";
	struct kbm_cache_kernel k;
	struct kbm_cache_expect e;
	struct cache_view v;
	enum kbm_status st;
	uint8_t *p = NULL;
	int kmsg;

	if (c->mode == VMODE_PRIVATE && c->cache != KBUFMAP_CACHE_WB)
		return private_refused(c);
	if (kbm_cache_expect(kbm_cache_arch(), buffer_kernel(c, &k), c->backend,
			     c->strategy, c->cache, c->set_memory, &e, &why))
		return vskip(c, "%s", why);
	kmsg = kmsg_mark(c);	/* before mmap(): remap_pfn_range() logs there */
	st = map_and_view(c, &v, &p);
	if (st != KBM_PASS)
		return st;
	if (kmsg < 0)
		return vfail(c, "/dev/kmsg: %s (needed for the PAT line)", strerror(-kmsg));
	st = view_matches(c, p, &v, &e);
	if (st != KBM_PASS)
		return st;
	st = pat_line_matches(c, kmsg, &e, &said);
	if (st != KBM_PASS)
		return st;
	return vpass(c, "cache %s%s: PTE %s, kernel mapping %s%s%s, as the model says "
		     "(%s); %s", cache_name(c->cache), c->set_memory ? " --set-memory" : "",
		     mem_attr_name(e.user), mem_attr_name(e.kernel),
		     e.alias ? ", an alias" : "", e.pat_override ? ", PAT override" : "",
		     e.path, said);
}

enum kbm_status check_cache_no_alias(struct vctx *c)
{
	struct cache_view v;
	enum kbm_status st;
	uint8_t *p = NULL;
	unsigned int attr = KBUFMAP_ATTR_NONE;

	if (kbm_cache_arch() == KBM_ARCH_ARM64)
		return vskip(c, "arm64 keeps the linear map of RAM Normal (write-back) under every "
			     "mapping: the DMA API and pgprot_writecombine() users live with that alias "
			     "by cleaning the cache (arch_dma_prep_coherent()), and there is no "
			     "set_memory_wc() to remove it; cache-attribute shows both attributes");
	st = map_and_view(c, &v, &p);
	if (st != KBM_PASS)
		return st;
	for (unsigned int i = 0; i < v.n; i++) {
		const struct kbufmap_pgattr_run *r = &v.runs[i];

		if (!(r->flags & KBUFMAP_PGATTR_RAM))
			continue;
		if (r->attr != r->kernel_attr)
			return vfail(c, "page %llu: PTE %s while the kernel maps the page %s: "
				     "a memory-type alias%s", run_page(c, p, r),
				     mem_attr_name(r->attr), mem_attr_name(r->kernel_attr),
				     c->set_memory ? ", despite --set-memory" :
				     " (--set-memory registers the attribute first)");
		attr = r->attr;
	}
	if (attr == KBUFMAP_ATTR_NONE)
		return vskip(c, "no page of the mapping is RAM with a struct page: no kernel mapping to compare");
	return vpass(c, "PTE and the kernel's mapping agree: %s%s", mem_attr_name(attr),
		     c->set_memory ? " (--set-memory)" : "");
}
