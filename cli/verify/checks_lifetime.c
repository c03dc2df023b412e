// SPDX-License-Identifier: GPL-2.0
/*
 * Lifetime, fork, the module's own accounting, and huge mappings: the
 * buffer lives exactly as long as its last file or mapping, a child shares a
 * shared mapping, each strategy faults the way it says it does, and the huge
 * strategy maps a PMD (2 MiB with 4 KiB pages) at a time where the kernel
 * lets it.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* CMake defines it too */
#endif
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "checks.h"
#include "kbm_dev.h"
#include "names.h"
#include "procfs.h"

enum kbm_status check_buffer_released(struct vctx *c)
{
	struct kbufmap_stats s0, s1, s2, s3;
	const unsigned int b = c->backend;
	uint8_t *a;
	int fd2, err;

	err = kbm_get_counters(c->fd, KBUFMAP_SCOPE_MODULE, &s0);
	if (err == -EPERM)
		return vskip(c, "the module-wide counters (every user's buffers) need CAP_SYS_ADMIN");
	if (err)
		return vfail(c, "GET_COUNTERS (module scope): %s", strerror(-err));
	fd2 = vopen_buffer(c, O_RDWR, c->pages);
	if (fd2 < 0)
		return vfail(c, "open() and CONFIGURE of a second buffer: %s", strerror(-fd2));
	a = vmap(c, fd2, c->size, PROT_READ | PROT_WRITE, MAP_SHARED, 0);
	if (a == MAP_FAILED)
		return vfail_mmap(c, "the buffer", c->size, PROT_READ | PROT_WRITE,
				  MAP_SHARED, errno);
	vtouch(c, a, c->size);
	err = kbm_get_counters(c->fd, KBUFMAP_SCOPE_MODULE, &s1);
	if (err)
		return vfail(c, "GET_COUNTERS: %s", strerror(-err));
	if (s1.live_buffers != s0.live_buffers + 1 ||
	    s1.bytes_allocated[b] < s0.bytes_allocated[b] + c->size)
		return vfail(c, "a new %zu-byte %s buffer moved live_buffers %llu -> %llu and "
			     "bytes_allocated[%s] %llu -> %llu: the module's accounting is off",
			     c->size, backend_name(b),
			     (unsigned long long)s0.live_buffers,
			     (unsigned long long)s1.live_buffers, backend_name(b),
			     (unsigned long long)s0.bytes_allocated[b],
			     (unsigned long long)s1.bytes_allocated[b]);
	vclose(c, fd2);
	err = kbm_get_counters(c->fd, KBUFMAP_SCOPE_MODULE, &s2);
	if (err)
		return vfail(c, "GET_COUNTERS: %s", strerror(-err));
	if (s2.live_buffers != s1.live_buffers ||
	    s2.bytes_allocated[b] != s1.bytes_allocated[b])
		return vfail(c, "close() of the last descriptor freed the buffer while it is still "
			     "mapped (live_buffers %llu -> %llu): a use after free",
			     (unsigned long long)s1.live_buffers,
			     (unsigned long long)s2.live_buffers);
	vunmap(c, a, c->size);
	err = kbm_get_counters(c->fd, KBUFMAP_SCOPE_MODULE, &s3);
	if (err)
		return vfail(c, "GET_COUNTERS: %s", strerror(-err));
	if (s3.live_buffers != s0.live_buffers ||
	    s3.bytes_allocated[b] != s0.bytes_allocated[b])
		return vfail(c, "after the last munmap live_buffers is %llu (was %llu) and "
			     "bytes_allocated[%s] %llu (was %llu): the buffer leaked",
			     (unsigned long long)s3.live_buffers,
			     (unsigned long long)s0.live_buffers, backend_name(b),
			     (unsigned long long)s3.bytes_allocated[b],
			     (unsigned long long)s0.bytes_allocated[b]);
	return vpass(c, "live_buffers %llu -> %llu mapped -> %llu after close() -> %llu after "
		     "munmap(); bytes_allocated[%s] back to %llu",
		     (unsigned long long)s0.live_buffers,
		     (unsigned long long)s1.live_buffers,
		     (unsigned long long)s2.live_buffers,
		     (unsigned long long)s3.live_buffers, backend_name(b),
		     (unsigned long long)s3.bytes_allocated[b]);
}

enum kbm_status check_fork_shared(struct vctx *c)
{
	const int prot = PROT_READ | PROT_WRITE;
	const uint32_t salt = 0xf0;
	size_t ps = c->ps;
	uint8_t *a, got;
	pid_t pid;
	int rc, err;

	a = vmap(c, c->fd, c->size, prot, MAP_SHARED, 0);
	if (a == MAP_FAILED)
		return vfail_mmap(c, "the buffer", c->size, prot, MAP_SHARED, errno);
	a[0] = 0xa5;	/* the parent's write, before fork() */
	pid = vfork_child();
	if (pid < 0)
		return vfail(c, "fork(): %s", strerror(errno));
	if (pid == 0) {
		if (a[0] != 0xa5)
			_exit(10);
		for (size_t i = 0; i < c->pages; i++)
			a[i * ps + 1] = pat_byte(i * ps + 1, salt);
		_exit(0);
	}
	rc = vwait(pid);
	if (rc == 10)
		return vfail(c, "the child does not see what the parent wrote before fork()");
	if (rc != 0)
		return vfail(c, "the child %s %d", rc > 128 ? "died of signal" : "exited with",
			     rc > 128 ? rc - 128 : rc);
	for (size_t i = 0; i < c->pages; i++) {
		uint8_t want = pat_byte(i * ps + 1, salt);

		if (a[i * ps + 1] != want)
			return vfail(c, "page %zu: the child wrote 0x%02x through the inherited shared "
				     "mapping, the parent reads 0x%02x: the child got a private copy",
				     i, want,
				     a[i * ps + 1]);
		err = kbm_pread_all(c->fd, &got, 1, i * ps + 1);
		if (err)
			return vfail(c, "pread(): %s", strerror(-err));
		if (got != want)
			return vfail(c, "page %zu: the child's write is not in the buffer (read 0x%02x)",
				     i, got);
	}
	return vpass(c, "the child saw the parent's write and its writes to all %llu pages reached "
		     "the parent and the kernel", (unsigned long long)c->pages);
}

bool applies_not_huge(const struct vctx *c, const char **why)
{
	if (c->strategy != KBUFMAP_STRATEGY_HUGE)
		return true;
	*why = "the huge strategy has its own check (huge-pmd)";
	return false;
}

static unsigned long long delta(const struct kbufmap_counters *a,
				const struct kbufmap_counters *b, size_t off)
{
	uint64_t x, y;

	memcpy(&x, (const char *)a + off, sizeof(x));
	memcpy(&y, (const char *)b + off, sizeof(y));
	return (unsigned long long)(y - x);
}

#define D(field) delta(&s0.counters, &s1.counters, \
		       offsetof(struct kbufmap_counters, field))

/* What one mmap() and a first read of every page moved. */
struct touch_counts {
	unsigned long long faults, fa_calls, fa_pages, inserted, remaps, mmaps;
};

/* Did the strategy fault its own way? FAIL with the why, or PASS (no reason). */
static enum kbm_status judge_first_touch(struct vctx *c,
					 const struct touch_counts *t)
{
	const unsigned long long n = c->pages;

	if (t->mmaps != 1)
		return vfail(c, "the mmaps counter moved by %llu for one mmap()", t->mmaps);
	if (kbufmap_strategy_prefaults(c->strategy)) {
		if (t->faults)
			return vfail(c, "%llu .fault calls on first touch, though %s maps everything "
				     "inside mmap(): the populate step left holes", t->faults,
				     strategy_name(c->strategy));
		if (!t->inserted && !t->remaps)
			return vfail(c, "neither pages_inserted nor remap_calls moved in mmap(), "
				     "yet the pages are mapped");
	} else if (c->strategy == KBUFMAP_STRATEGY_FAULT_AROUND) {
		if (n > 1 && (!t->fa_calls || t->faults >= n))
			return vfail(c, "%llu .fault calls for %llu pages and %llu .map_pages calls: "
				     "fault-around did not map ahead (is fault_around_bytes one page?)",
				     t->faults, n, t->fa_calls);
		if (t->faults + t->fa_pages < n)
			return vfail(c, "%llu .fault calls + %llu pages by .map_pages < %llu pages "
				     "touched", t->faults, t->fa_pages, n);
	} else if (t->faults != n) {
		return vfail(c, "%llu .fault calls for a first read of %llu pages, expected one per "
			     "page: %s", t->faults, n, t->faults > n ? "faults repeat" :
			     "pages were mapped without a fault");
	}
	return KBM_PASS;
}

enum kbm_status check_fault_accounting(struct vctx *c)
{
	struct kbufmap_stats s0, s1;
	struct touch_counts t;
	enum kbm_status st;
	uint8_t *a;
	int err;

	err = kbm_get_counters(c->fd, KBUFMAP_SCOPE_BUFFER, &s0);
	if (err)
		return vfail(c, "GET_COUNTERS: %s", strerror(-err));
	a = vmap(c, c->fd, c->size, PROT_READ | PROT_WRITE, MAP_SHARED, 0);
	if (a == MAP_FAILED)
		return vfail_mmap(c, "the buffer", c->size, PROT_READ | PROT_WRITE,
				  MAP_SHARED, errno);
	vtouch(c, a, c->size);
	err = kbm_get_counters(c->fd, KBUFMAP_SCOPE_BUFFER, &s1);
	if (err)
		return vfail(c, "GET_COUNTERS: %s", strerror(-err));
	t = (struct touch_counts){
		.faults = D(faults), .fa_calls = D(fault_around_calls),
		.fa_pages = D(fault_around_pages), .inserted = D(pages_inserted),
		.remaps = D(remap_calls), .mmaps = D(mmaps),
	};
	st = judge_first_touch(c, &t);
	if (st != KBM_PASS)
		return st;

	vunmap(c, a, c->size);
	err = kbm_get_counters(c->fd, KBUFMAP_SCOPE_BUFFER, &s1);
	if (err)
		return vfail(c, "GET_COUNTERS: %s", strerror(-err));
	if (D(vma_closes) != 1)
		return vfail(c, "the vma_closes counter moved by %llu for one munmap()",
			     D(vma_closes));
	if (D(vma_opens) != 0)
		return vfail(c, "the vma_opens counter moved by %llu for one mmap() and munmap(), which copy no VMA",
			     D(vma_opens));
	return vpass(c, "first read of %llu pages: %llu .fault, %llu .map_pages (%llu pages), "
		     "%llu inserted, %llu remap calls; 1 mmap, 1 VMA closed",
		     (unsigned long long)c->pages, t.faults, t.fa_calls, t.fa_pages,
		     t.inserted, t.remaps);
}

bool applies_huge(const struct vctx *c, const char **why)
{
	if (c->strategy == KBUFMAP_STRATEGY_HUGE)
		return true;
	*why = "only for --strategy huge";
	return false;
}

/*
 * A @pages buffer holding the pattern of @salt, mapped shared: the mapping
 * (and its descriptor in *fd), or NULL with *st set to the check's result.
 */
static uint8_t *huge_map_patterned(struct vctx *c, uint64_t pages,
				   uint32_t salt, int *fd, enum kbm_status *st)
{
	const int prot = PROT_READ | PROT_WRITE;
	size_t size = (size_t)pages * c->ps;
	uint8_t *a, *buf;
	int err;

	*fd = vopen_buffer(c, O_RDWR, pages);
	if (*fd == -ENOMEM) {
		*st = vskip(c, "no %zu MiB of %zu MiB aligned contiguous memory to test with (ENOMEM)",
			    size >> 20, pmd_size() >> 20);
		return NULL;
	}
	if (*fd < 0) {
		*st = vfail(c, "a %llu-page buffer: %s", (unsigned long long)pages,
			    strerror(-*fd));
		return NULL;
	}
	buf = vzalloc(c, size);
	if (!buf) {
		*st = vfail(c, "out of memory");
		return NULL;
	}
	pat_fill(buf, size, 0, salt);
	err = kbm_pwrite_all(*fd, buf, size, 0);
	if (err) {
		*st = vfail(c, "pwrite(): %s", strerror(-err));
		return NULL;
	}
	a = vmap(c, *fd, size, prot, MAP_SHARED, 0);
	if (a == MAP_FAILED) {
		*st = vfail_mmap(c, "the buffer", size, prot, MAP_SHARED, errno);
		return NULL;
	}
	return a;
}

/* No .huge_fault at all for the aligned mapping @a: SKIP where expected. */
static enum kbm_status huge_none(struct vctx *c, const uint8_t *a,
				 unsigned long long faults)
{
	int maj = 0, min = 0;
	char thp_buf[32];
	const char *thp;

	if ((uintptr_t)a & (pmd_size() - 1))
		return vfail(c, "the mapping at %p is not %zu MiB aligned, so no PMD can map it",
			     (const void *)a, pmd_size() >> 20);
	thp = thp_enabled(thp_buf, sizeof(thp_buf));
	if (thp && !strcmp(thp, "never"))
		return vskip(c, "THP is disabled (transparent_hugepage/enabled = never), so the "
			     "kernel never calls .huge_fault: %llu page faults instead", faults);
	/*
	 * Before 6.12 no huge PFN-map PMD is special (pmd_special()), and
	 * GUP-fast would take one for a THP: the module falls back to pages.
	 * 6.1 does not even call .huge_fault (hugepage_vma_check()).
	 */
	if (!kernel_version(&maj, &min) && (maj < 6 || (maj == 6 && min < 12)))
		return vskip(c, "kernel %s has no special huge PFN-map PMDs (pmd_special() came "
			     "in 6.12; GUP-fast would take a plain one for a THP), so the module "
			     "maps huge page by page: %llu page faults, as expected", kernel_release(),
			     faults);
	return vfail(c, "no .huge_fault call on kernel %s (THP %s, MADV_HUGEPAGE given) for a "
		     "%zu MiB aligned mapping: fell back to %llu page faults", kernel_release(),
		     thp ? thp : "unknown", pmd_size() >> 20, faults);
}

enum kbm_status check_huge_pmd(struct vctx *c)
{
	const uint64_t pmd_pages = pmd_size() / c->ps;
	uint64_t pages = (c->pages + pmd_pages - 1) / pmd_pages * pmd_pages;
	struct kbufmap_stats s0, s1;
	unsigned long long huge, faults, regions;
	const uint32_t salt = 0x2b;
	enum kbm_status st = KBM_FAIL;
	char where[64];
	int fd, err;
	uint8_t *a;
	size_t size;
	ssize_t bad;

	if (pages > backend_max_pages(c->backend))
		return vskip(c, "%llu pages (whole PMDs of %zu MiB) exceed the backend's limit",
			     (unsigned long long)pages, pmd_size() >> 20);
	size = (size_t)pages * c->ps;
	regions = size / pmd_size();
	a = huge_map_patterned(c, pages, salt, &fd, &st);
	if (!a)
		return st;
	/* 6.12 calls .huge_fault with THP "always", or "madvise" and this. */
	(void)madvise(a, size, MADV_HUGEPAGE);

	err = kbm_get_counters(fd, KBUFMAP_SCOPE_BUFFER, &s0);
	if (err)
		return vfail(c, "GET_COUNTERS: %s", strerror(-err));
	bad = pat_find_mismatch(a, size, 0, salt);
	err = kbm_get_counters(fd, KBUFMAP_SCOPE_BUFFER, &s1);
	if (err)
		return vfail(c, "GET_COUNTERS: %s", strerror(-err));
	if (bad >= 0)
		return vfail(c, "the huge mapping reads 0x%02x at %s, the buffer holds 0x%02x",
			     a[bad], vwhere(c, (uint64_t)bad, where, sizeof(where)),
			     pat_byte((uint64_t)bad, salt));
	huge = D(huge_faults);
	faults = D(faults);
	if (huge == regions)
		return vpass(c, "%llu PMD fault%s mapped %zu MiB at %p (%llu page faults); the data "
			     "reads right", huge, huge == 1 ? "" : "s", size >> 20,
			     (void *)a, faults);
	if (huge)
		return vfail(c, "%llu PMD faults for %llu %zu MiB regions (%llu page faults): some "
			     "regions fell back", huge, regions, pmd_size() >> 20, faults);
	return huge_none(c, a, faults);
}
