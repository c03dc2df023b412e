// SPDX-License-Identifier: GPL-2.0
/*
 * MAP_PRIVATE: reads see the buffer, the first write gives the process its
 * own copy (new PFN, exclusive, anonymous) that neither the kernel nor other
 * mappings see, pages not yet copied keep showing the kernel's writes, a
 * child has its own copies; combinations that cannot copy-on-write refuse
 * writable private mappings and stay read-only. And the "Bus error"
 * of a driver that calls remap_pfn_range() per page, reproduced on purpose.
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
#include "mapping.h"
#include "names.h"
#include "pagemap.h"
#include "procfs.h"

bool applies_rw_refused(const struct vctx *c, const char **why)
{
	if (c->rw_errno)
		return true;
	*why = "private-rw mappings are valid for this combination";
	return false;
}

enum kbm_status check_private_rw_refused(struct vctx *c)
{
	const int prot = PROT_READ | PROT_WRITE;
	void *p = vmap(c, c->fd, c->size, prot, MAP_PRIVATE, 0);
	int err = errno;

	if (p != MAP_FAILED) {
		vunmap(c, p, c->size);
		return vfail(c, "mmap(PROT_READ|PROT_WRITE, MAP_PRIVATE) succeeded, but %s/%s cannot "
			     "copy-on-write (%s)", backend_name(c->backend),
			     strategy_name(c->strategy), c->rw_why);
	}
	if (err != c->rw_errno)
		return vfail(c, "mmap(PROT_READ|PROT_WRITE, MAP_PRIVATE) failed with %s, the matrix "
			     "says %s (%s)", errno_name(err), errno_name(c->rw_errno),
			     c->rw_why);
	return vpass(c, "mmap(PROT_READ|PROT_WRITE, MAP_PRIVATE) refused with %s, as the matrix "
		     "says: %s", errno_name(err), c->rw_why);
}

enum kbm_status check_private_ro_stays_ro(struct vctx *c)
{
	uint8_t *p = vmap(c, c->fd, c->size, PROT_READ, MAP_PRIVATE, 0);
	int err;

	if (p == MAP_FAILED)
		return vfail_mmap(c, "the buffer", c->size, PROT_READ, MAP_PRIVATE, errno);
	if (mprotect(p, c->size, PROT_READ | PROT_WRITE) == 0) {
		mprotect(p, c->size, PROT_READ);	/* and never touch it */
		return vfail(c, "mprotect(PROT_WRITE) made a read-only MAP_PRIVATE mapping of %s/%s "
			     "writable: a write fault would copy-on-write a raw PFN",
			     backend_name(c->backend), strategy_name(c->strategy));
	}
	err = errno;
	if (err != EACCES)
		return vfail(c, "mprotect(PROT_WRITE) failed with %s, expected EACCES",
			     errno_name(err));
	return vpass(c, "a read-only MAP_PRIVATE mapping cannot become writable (mprotect: EACCES): "
		     "VM_MAYWRITE is cleared, so the VMA is not copy-on-write");
}

/* Write @salt's pattern to the whole buffer with the kernel's write(). */
static int kwrite_pattern(struct vctx *c, uint8_t *buf, uint32_t salt)
{
	pat_fill(buf, c->size, 0, salt);
	return kbm_pwrite_all(c->fd, buf, c->size, 0);
}

enum kbm_status check_private_reads_kernel_data(struct vctx *c)
{
	enum kbm_status st;
	uint8_t *a, *buf;
	char where[64];
	ssize_t bad;
	int err;

	a = vmap_patterned(c, 0x71, PROT_READ, MAP_PRIVATE, &buf, &st);
	if (!a)
		return st;
	bad = pat_find_mismatch(a, c->size, 0, 0x71);
	if (bad >= 0)
		return vfail(c, "the private mapping reads 0x%02x at %s, the buffer holds 0x%02x",
			     a[bad], vwhere(c, (uint64_t)bad, where, sizeof(where)),
			     pat_byte((uint64_t)bad, 0x71));
	err = kwrite_pattern(c, buf, 0x72);
	if (err)
		return vfail(c, "pwrite(): %s", strerror(-err));
	bad = pat_find_mismatch(a, c->size, 0, 0x72);
	if (bad >= 0)
		return vfail(c, "after a kernel write the private mapping still reads 0x%02x at %s, "
			     "expected 0x%02x: a page never written privately stopped showing "
			     "the buffer",
			     a[bad], vwhere(c, (uint64_t)bad, where, sizeof(where)),
			     pat_byte((uint64_t)bad, 0x72));
	return vpass(c, "a read-only MAP_PRIVATE mapping shows the buffer, and later kernel writes");
}

/* A VM_PFNMAP private mapping after its first write: pagemap cannot see it. */
static enum kbm_status cow_pfnmap_verdict(struct vctx *c)
{
	uint8_t v;
	int err;

	err = kbm_pread_all(c->fd, &v, 1, 1);
	if (err)
		return vfail(c, "pread(): %s", strerror(-err));
	if (v != pat_byte(1, 0x81))
		return vfail(c, "the first private write reached the buffer (the kernel reads "
			     "0x%02x at offset 1, it held 0x%02x): the page was mapped "
			     "writable", v, pat_byte(1, 0x81));
	return vpass(c, "the first write copied page 0 (the buffer kept its data, the copy "
		     "holds the rest of it); pagemap cannot see this VM_PFNMAP mapping, "
		     "so PFNs are not compared");
}

/*
 * Page 0's pagemap entry before (@e0) and after (@e1) the first write, and
 * the buffer's own PFN (@kpfn, when @kerr is 0): was it copied?
 */
static enum kbm_status cow_copy_verdict(struct vctx *c, uint64_t e0,
					uint64_t e1, int kerr, uint64_t kpfn)
{
	if (!pm_present(e1))
		return vfail(c, "page 0 is not present right after a write to it");
	if (pm_pfn(e0) && pm_pfn(e0) == pm_pfn(e1))
		return vfail(c, "the first write did not copy: page 0 still maps pfn 0x%llx%s; a "
			     "MAP_PRIVATE write went to the kernel's buffer",
			     (unsigned long long)pm_pfn(e1),
			     !kerr && kpfn == pm_pfn(e1) ? ", the buffer's own page" : "");
	if (pm_pfn(e0) && !kerr && pm_pfn(e0) != kpfn)
		return vfail(c, "before the write page 0 mapped pfn 0x%llx, not the buffer's page "
			     "0x%llx", (unsigned long long)pm_pfn(e0),
			     (unsigned long long)kpfn);
	if (!pm_exclusive(e1))
		return vfail(c, "after the write pagemap does not show page 0 as exclusively mapped "
			     "(0x%016llx): not the process's own copy", (unsigned long long)e1);
	if (pm_file_shared(e1))
		return vfail(c, "after the write pagemap shows page 0 as a file/shared page "
			     "(0x%016llx): still the buffer's page, not an anonymous copy",
			     (unsigned long long)e1);
	if (!pm_pfn(e0))
		return vpass(c, "the first write made page 0 exclusive and anonymous, holding the "
			     "buffer's data (PFNs hidden without CAP_SYS_ADMIN: not compared)");
	return vpass(c, "the first write moved page 0 from pfn 0x%llx (the buffer's) to 0x%llx, "
		     "exclusive and anonymous, holding the buffer's data",
		     (unsigned long long)pm_pfn(e0), (unsigned long long)pm_pfn(e1));
}

enum kbm_status check_cow_first_write(struct vctx *c)
{
	enum kbm_status st;
	const int prot = PROT_READ | PROT_WRITE;
	uint64_t e0, e1, kpfn = 0;
	uint8_t *a, *buf, v;
	int err, kerr;

	a = vmap_patterned(c, 0x81, prot, MAP_PRIVATE, &buf, &st);
	if (!a)
		return st;
	vtouch(c, a, c->ps);
	err = pagemap_read(a, 1, &e0);
	if (err)
		return vfail(c, "reading /proc/self/pagemap: %s", strerror(-err));
	kerr = kbm_get_pfns(c->fd, 0, 1, &kpfn);

	v = (uint8_t)~a[1];
	a[1] = v;
	err = pagemap_read(a, 1, &e1);
	if (err)
		return vfail(c, "reading /proc/self/pagemap: %s", strerror(-err));

	if (a[1] != v)
		return vfail(c, "a write to the private mapping does not read back");
	for (size_t i = 0; i < c->ps; i++) {
		if (i != 1 && a[i] != pat_byte(i, 0x81))
			return vfail(c, "after the first write page 0 reads 0x%02x at +0x%zx, the "
				     "buffer holds 0x%02x: the private copy is not a copy of the "
				     "buffer's page", a[i], i, pat_byte(i, 0x81));
	}
	if (vmap_is_pfnmap(a))
		return cow_pfnmap_verdict(c);
	return cow_copy_verdict(c, e0, e1, kerr, kpfn);
}

enum kbm_status check_cow_invisible_to_kernel(struct vctx *c)
{
	enum kbm_status st;
	const int prot = PROT_READ | PROT_WRITE;
	uint8_t *a, *buf;
	char where[64];
	ssize_t bad;
	int err;

	a = vmap_patterned(c, 0x91, prot, MAP_PRIVATE, &buf, &st);
	if (!a)
		return st;
	pat_fill(a, c->size, 0, 0x92);
	err = kbm_pread_all(c->fd, buf, c->size, 0);
	if (err)
		return vfail(c, "pread(): %s", strerror(-err));
	bad = pat_find_mismatch(buf, c->size, 0, 0x91);
	if (bad >= 0)
		return vfail(c, "the kernel's read() returns 0x%02x at %s after writes to a MAP_PRIVATE "
			     "mapping, the buffer held 0x%02x: private writes reach the buffer",
			     buf[bad],
			     vwhere(c, (uint64_t)bad, where, sizeof(where)),
			     pat_byte((uint64_t)bad, 0x91));
	bad = pat_find_mismatch(a, c->size, 0, 0x92);
	if (bad >= 0)
		return vfail(c, "the private mapping does not read back its own writes at %s",
			     vwhere(c, (uint64_t)bad, where, sizeof(where)));
	return vpass(c, "writes to all %zu bytes of a MAP_PRIVATE mapping stay out of the buffer",
		     c->size);
}

enum kbm_status check_cow_invisible_to_others(struct vctx *c)
{
	enum kbm_status st;
	const int prot = PROT_READ | PROT_WRITE;
	uint8_t *a, *s, *p2, *buf;
	char where[64];
	ssize_t bad;

	a = vmap_patterned(c, 0xa1, prot, MAP_PRIVATE, &buf, &st);
	if (!a)
		return st;
	s = vmap(c, c->fd, c->size, prot, MAP_SHARED, 0);
	if (s == MAP_FAILED)
		return vfail_mmap(c, "a shared mapping", c->size, prot, MAP_SHARED, errno);
	p2 = vmap(c, c->fd, c->size, PROT_READ, MAP_PRIVATE, 0);
	if (p2 == MAP_FAILED)
		return vfail_mmap(c, "a second private mapping", c->size, PROT_READ,
				  MAP_PRIVATE, errno);
	vtouch(c, s, c->size);
	vtouch(c, p2, c->size);
	pat_fill(a, c->size, 0, 0xa2);
	bad = pat_find_mismatch(s, c->size, 0, 0xa1);
	if (bad >= 0)
		return vfail(c, "a MAP_SHARED mapping reads 0x%02x at %s after writes to a MAP_PRIVATE "
			     "one, the buffer held 0x%02x: private writes reach the buffer", s[bad],
			     vwhere(c, (uint64_t)bad, where, sizeof(where)),
			     pat_byte((uint64_t)bad, 0xa1));
	bad = pat_find_mismatch(p2, c->size, 0, 0xa1);
	if (bad >= 0)
		return vfail(c, "a second MAP_PRIVATE mapping reads 0x%02x at %s after writes to the "
			     "first, the buffer held 0x%02x: the copy is shared between mappings",
			     p2[bad], vwhere(c, (uint64_t)bad, where, sizeof(where)),
			     pat_byte((uint64_t)bad, 0xa1));
	return vpass(c, "writes to a MAP_PRIVATE mapping are seen neither by a MAP_SHARED mapping "
		     "nor by another MAP_PRIVATE mapping");
}

enum kbm_status check_cow_show_through(struct vctx *c)
{
	enum kbm_status st;
	const int prot = PROT_READ | PROT_WRITE;
	size_t ps = c->ps;
	uint8_t *a, *buf;
	char where[64];
	ssize_t bad;
	int err;

	if (c->pages < 2)
		return vskip(c, "needs at least 2 pages (--pages)");
	a = vmap_patterned(c, 0xb1, prot, MAP_PRIVATE, &buf, &st);
	if (!a)
		return st;
	vtouch(c, a, c->size);
	pat_fill(a, ps, 0, 0xb2);		/* page 0 becomes the process's own */
	err = kwrite_pattern(c, buf, 0xb3);	/* then the kernel rewrites it all */
	if (err)
		return vfail(c, "pwrite(): %s", strerror(-err));
	bad = pat_find_mismatch(a, ps, 0, 0xb2);
	if (bad >= 0)
		return vfail(c, "page 0, copied by a private write, reads 0x%02x at +0x%zx after a "
			     "kernel write, expected the process's own 0x%02x: the kernel's write "
			     "reached the private copy", a[bad], (size_t)bad,
			     pat_byte((uint64_t)bad, 0xb2));
	bad = pat_find_mismatch(a + ps, c->size - ps, ps, 0xb3);
	if (bad >= 0)
		return vfail(c, "at %s, a page never written privately, the mapping reads 0x%02x "
			     "after the kernel wrote 0x%02x: pages not yet copied must keep "
			     "showing the buffer (copied too early?)",
			     vwhere(c, ps + (uint64_t)bad, where, sizeof(where)), a[ps + bad],
			     pat_byte(ps + (uint64_t)bad, 0xb3));
	return vpass(c, "after a private write to page 0 and a kernel write to all pages, page 0 "
		     "keeps the process's data and pages 1..%llu show the kernel's",
		     (unsigned long long)c->pages - 1);
}

enum kbm_status check_private_dontneed(struct vctx *c)
{
	enum kbm_status st;
	const int prot = PROT_READ | PROT_WRITE;
	uint8_t *a, *buf;
	struct vma_info vi;
	ssize_t bad;
	int err;

	a = vmap_patterned(c, 0xc1, prot, MAP_PRIVATE, &buf, &st);
	if (!a)
		return st;
	memset(a, 0xee, c->ps);
	if (madvise(a, c->size, MADV_DONTNEED) != 0) {
		err = errno;
		if (err == EINVAL && !smaps_find(a, &vi) && vma_has_flag(&vi, "pf"))
			return vskip(c, "MADV_DONTNEED refused with EINVAL: raw PFN mappings "
				     "(VM_PFNMAP) cannot be zapped by madvise()");
		return vfail(c, "madvise(MADV_DONTNEED): %s", errno_name(err));
	}
	if (vrefault_after_dontneed(c, a, c->size) != KBM_PASS)
		return KBM_FAIL;
	bad = pat_find_mismatch(a, c->size, 0, 0xc1);
	if (bad >= 0)
		return vfail(c, "after MADV_DONTNEED the private mapping reads 0x%02x at +0x%zx, the "
			     "buffer holds 0x%02x: the private copy should be gone and the page "
			     "re-read from the buffer", a[bad], (size_t)bad,
			     pat_byte((uint64_t)bad, 0xc1));
	return vpass(c, "MADV_DONTNEED dropped the private copy of page 0; it re-reads the buffer");
}

/* The child of fork-private-cow: checks what it inherited, writes its own. */
static void __attribute__((noreturn))
fork_private_child(const struct vctx *c, uint8_t *a, uint8_t mine, uint8_t k1)
{
	size_t ps = c->ps;

	if (a[0] != mine)
		_exit(10);
	if (c->pages > 1 && a[ps] != k1)
		_exit(11);
	a[0] = (uint8_t)(mine ^ 0x55);
	if (c->pages > 1)
		a[ps] = (uint8_t)~k1;
	_exit(a[0] == (uint8_t)(mine ^ 0x55) ? 0 : 12);
}

/* After the child (exit status @rc): did each side keep its own copies? */
static enum kbm_status fork_private_verdict(struct vctx *c, const uint8_t *a,
					    uint8_t *buf, int rc, uint8_t mine,
					    uint8_t k1)
{
	char where[64];
	ssize_t bad;
	int err;

	if (rc == 10)
		return vfail(c, "the child does not see the parent's private copy of page 0");
	if (rc == 11)
		return vfail(c, "the child does not see the buffer in page 1, which nobody wrote");
	if (rc != 0)
		return vfail(c, "the child %s %d", rc > 128 ? "died of signal" : "exited with",
			     rc > 128 ? rc - 128 : rc);
	if (a[0] != mine)
		return vfail(c, "the child's write to its copy of page 0 shows in the parent "
			     "(0x%02x, expected 0x%02x): parent and child share a private page",
			     a[0], mine);
	if (c->pages > 1 && a[c->ps] != k1)
		return vfail(c, "the child's first write to page 1 shows in the parent (0x%02x, "
			     "expected 0x%02x): the child wrote into a shared page", a[c->ps], k1);
	err = kbm_pread_all(c->fd, buf, c->size, 0);
	if (err)
		return vfail(c, "pread(): %s", strerror(-err));
	bad = pat_find_mismatch(buf, c->size, 0, 0xd1);
	if (bad >= 0)
		return vfail(c, "after private writes by parent and child the kernel reads 0x%02x at "
			     "%s, expected the untouched 0x%02x", buf[bad],
			     vwhere(c, (uint64_t)bad, where, sizeof(where)),
			     pat_byte((uint64_t)bad, 0xd1));
	return vpass(c, "parent and child each keep their own copies after fork(); the buffer "
		     "never sees them");
}

enum kbm_status check_fork_private(struct vctx *c)
{
	const int prot = PROT_READ | PROT_WRITE;
	size_t ps = c->ps;
	uint8_t *a, *buf, k0, k1, mine;
	pid_t pid;
	int err;

	buf = vzalloc(c, c->size);
	if (!buf)
		return vfail(c, "out of memory");
	err = kwrite_pattern(c, buf, 0xd1);
	if (err)
		return vfail(c, "pwrite(): %s", strerror(-err));
	k0 = pat_byte(0, 0xd1);
	k1 = c->pages > 1 ? pat_byte(ps, 0xd1) : 0;
	a = vmap(c, c->fd, c->size, prot, MAP_PRIVATE, 0);
	if (a == MAP_FAILED)
		return vfail_mmap(c, "the buffer", c->size, prot, MAP_PRIVATE, errno);
	vtouch(c, a, c->size);
	mine = (uint8_t)~k0;
	a[0] = mine;		/* the parent's own copy of page 0 */

	pid = vfork_child();
	if (pid < 0 && errno == ENOMEM && vmap_is_pfnmap(a))
		return vskip(c, "known kernel limitation, not a driver bug: "
			     "fork() failed with ENOMEM once page 0 of this private remap_pfn_range() "
			     "mapping was copied: on x86, fork() copies the mapping's PAT memory type "
			     "from the PTE at vm_start (track_pfn_copy()), which the private write "
			     "replaced with an anonymous page, so copying the mapping fails (a write "
			     "to any other page leaves fork() working); a kernel limitation of "
			     "writable private PFN mappings: prefer MAP_SHARED or vm_insert_page()");
	if (pid < 0)
		return vfail(c, "fork(): %s", strerror(errno));
	if (pid == 0)
		fork_private_child(c, a, mine, k1);
	return fork_private_verdict(c, a, buf, vwait(pid), mine, k1);
}

static const char sigbus_explanation[] =
	"Why: remap_pfn_range() on a copy-on-write mapping (MAP_PRIVATE keeps VM_MAYWRITE,\n"
	"even on a file opened O_RDONLY) must cover the whole VMA in one call, because it\n"
	"records the first PFN in vm_pgoff for vm_normal_page(). Called once per page it\n"
	"returns -EINVAL for every page; the driver ignores the error, mmap() succeeds\n"
	"with nothing mapped, and the first access finds no PTE and no .fault: SIGBUS.\n"
	"Ways out: (1) map with MAP_SHARED; (2) map the whole range with one\n"
	"remap_pfn_range() call, which needs physically contiguous memory (strategy remap\n"
	"with the contig or kmalloc backend); (3) for read-only private mappings, clear\n"
	"VM_MAYWRITE in .mmap so the VMA is not copy-on-write. And always check what\n"
	"remap_pfn_range() returns.";

/* The driver that question came from was opened O_RDONLY: SIGBUS too? */
static bool rdonly_open_sigbuses(struct vctx *c)
{
	int fdro = vopen_buffer(c, O_RDONLY, c->pages), code = 0;
	void *r, *addr = NULL;

	if (fdro < 0)
		return false;
	r = vmap(c, fdro, c->size, PROT_READ, MAP_PRIVATE, 0);
	return r != MAP_FAILED &&
	       vtry_touch(c, r, c->ps, false, &addr, &code) == SIGBUS;
}

/* Way out (1): the same buffer, MAP_SHARED, reads fine. PASS or the FAIL. */
static enum kbm_status shared_reads(struct vctx *c)
{
	void *s = vmap(c, c->fd, c->size, PROT_READ, MAP_SHARED, 0), *addr = NULL;
	int code = 0;

	if (s == MAP_FAILED)
		return vfail_mmap(c, "the buffer", c->size, PROT_READ, MAP_SHARED, errno);
	if (vtry_touch(c, s, c->size, false, &addr, &code))
		return vfail(c, "the MAP_SHARED mapping of the same buffer faults too (at %p): "
			     "the per-page remap should work on a shared mapping", addr);
	return KBM_PASS;
}

enum kbm_status check_remap_unchecked_sigbus(struct vctx *c)
{
	struct kbufmap_stats s0, s1;
	unsigned long long remaps;
	void *addr = NULL;
	int sig, code = 0, err;
	enum kbm_status st;
	bool ro_sigbus;
	uint8_t *a;

	if (c->pages < 2)
		return vskip(c, "needs at least 2 pages: with one page the per-page call covers the "
			     "whole VMA and succeeds");
	err = kbm_get_counters(c->fd, KBUFMAP_SCOPE_BUFFER, &s0);
	if (err)
		return vfail(c, "GET_COUNTERS: %s", strerror(-err));
	a = vmap(c, c->fd, c->size, PROT_READ, MAP_PRIVATE, 0);
	if (a == MAP_FAILED && errno == EPERM && geteuid() != 0)
		return vskip(c, "needs CAP_SYS_ADMIN: this copy-on-write remap_pfn_range() mapping "
			     "would show a physical address as its offset in /proc/PID/maps");
	if (a == MAP_FAILED)
		return vfail(c, "mmap(PROT_READ, MAP_PRIVATE) failed (%s): the matrix says mmap() "
			     "succeeds and the first touch gets SIGBUS", errno_name(errno));
	err = kbm_get_counters(c->fd, KBUFMAP_SCOPE_BUFFER, &s1);
	if (err)
		return vfail(c, "GET_COUNTERS: %s", strerror(-err));
	remaps = (unsigned long long)(s1.counters.remap_calls - s0.counters.remap_calls);

	sig = vtry_touch(c, a, c->size, false, &addr, &code);
	if (sig == 0)
		return vfail(c, "no SIGBUS: every page of the MAP_PRIVATE mapping reads, though "
			     "per-page remap_pfn_range() on a CoW mapping must fail");
	if (sig != SIGBUS)
		return vfail(c, "%s at %p instead of SIGBUS", strsignal(sig), addr);

	ro_sigbus = rdonly_open_sigbuses(c);
	st = shared_reads(c);
	if (st != KBM_PASS)
		return st;
	c->detail = sigbus_explanation;
	return vpass(c, "reproduced the \"Bus error\": mmap(MAP_PRIVATE) succeeded after %llu "
		     "ignored remap_pfn_range() calls, the first read of page %zu got SIGBUS "
		     "(%s)%s; MAP_SHARED of the same buffer reads fine", remaps,
		     (size_t)((uint8_t *)addr - a) / c->ps, kbm_sigcode_name(SIGBUS, code),
		     ro_sigbus ? "; an O_RDONLY open does the same" : "");
}
