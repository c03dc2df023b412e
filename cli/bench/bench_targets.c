// SPDX-License-Identifier: GPL-2.0
/*
 * The targets of `bench`, one row each (perf's {name, summary, fn}): the
 * kbufmap module (one case per valid backend x strategy), then the
 * baselines people compare a driver's mapping with. The module target maps
 * through cli/lib/mapping.c, as `map` does.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "bench.h"
#include "kbm_dev.h"
#include "kbm_hints.h"
#include "mapping.h"
#include "procfs.h"

#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ	22
#define MADV_POPULATE_WRITE	23
#endif

/* ---- the kbufmap device ------------------------------------------------- */

/* CONFIGURE with the cache mode and --set-memory of the case. */
static int kbufmap_setup(struct bench_case *c, const char **why)
{
	struct kbm_map_req req = {
		.device = c->device,
		.config = { .nr_pages = c->pages, .backend = c->backend,
			    .strategy = c->strategy, .node = c->node,
			    .cache = c->cache,
			    .flags = c->set_memory ? KBUFMAP_CONFIG_SET_MEMORY : 0 },
	};
	struct kbm_mapping m;
	enum kbm_map_stage stage;
	int err = kbm_map_setup(&req, &m, &stage);

	if (err) {
		*why = stage == KBM_STAGE_OPEN ? "cannot open the device" :
		       kbm_configure_limit(c->backend, err) ?:
		       c->cache || c->set_memory ?
		       "CONFIGURE refused this size or cache mode" :
		       "CONFIGURE refused this size";
		return err;
	}
	c->fd = m.fd;
	return 0;
}

static void *kbufmap_map(struct bench_case *c, bool for_write)
{
	struct kbm_map_req req = {
		.config.nr_pages = c->pages, .private_map = c->private_map,
		.writable = true, .length = c->pages,
	};
	struct kbm_mapping m = { .fd = c->fd, .ps = c->ps };
	int err = kbm_map_mmap(&req, &m);

	(void)for_write;
	if (err) {
		errno = -err;
		return NULL;
	}
	return m.addr;
}

static int fd_pread(struct bench_case *c, void *dst)
{
	return kbm_pread_all(c->fd, dst, c->len, 0);
}

static void fd_teardown(struct bench_case *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
}

/*
 * A dma-noncoherent buffer is the device's between the CPU's accesses: the
 * CPU takes it before touching (DMA_SYNC for_cpu) and hands it back after
 * (for_device), as a driver must, outside the clock like a dma-buf's sync.
 * On arm64's non-coherent devices these are the cache maintenance calls
 * (arch_sync_dma_for_cpu()/_for_device()); on a coherent device, no-ops.
 */
static void kbufmap_sync(struct bench_case *c, bool begin, bool write)
{
	(void)write;	/* a buffer both sides read and write: bidirectional */
	if (c->backend == KBUFMAP_BACKEND_DMA_NONCOHERENT)
		kbm_dma_sync(c->fd, begin ? KBUFMAP_DMA_SYNC_FOR_CPU : KBUFMAP_DMA_SYNC_FOR_DEVICE,
			     KBUFMAP_DMA_BIDIRECTIONAL, 0, c->len);
}

/* ---- anonymous memory --------------------------------------------------- */

static int no_setup(struct bench_case *c, const char **why)
{
	(void)c, (void)why;
	return 0;
}

static void no_teardown(struct bench_case *c)
{
	(void)c;
}

static int anon_flags(const struct bench_case *c)
{
	return (c->private_map ? MAP_PRIVATE : MAP_SHARED) | MAP_ANONYMOUS;
}

/* Anonymous 4 KiB pages: THP is refused for the mapping, so that it stays
 * the 4 KiB baseline whatever the system's THP mode. */
static void *anon_map(struct bench_case *c, bool for_write)
{
	void *p = mmap(NULL, c->len, PROT_READ | PROT_WRITE, anon_flags(c), -1, 0);

	(void)for_write;
	if (p == MAP_FAILED)
		return NULL;
	madvise(p, c->len, MADV_NOHUGEPAGE);
	return p;
}

static void *anon_populate_map(struct bench_case *c, bool for_write)
{
	void *p = mmap(NULL, c->len, PROT_READ | PROT_WRITE,
		       anon_flags(c) | MAP_POPULATE, -1, 0);

	(void)for_write;
	return p == MAP_FAILED ? NULL : p;
}

static void *madv_map(struct bench_case *c, int advice)
{
	void *p = anon_map(c, false);

	if (p && madvise(p, c->len, advice)) {
		int err = errno;

		munmap(p, c->len);
		errno = err;
		return NULL;
	}
	return p;
}

/* MADV_POPULATE_READ/WRITE arrived in 5.14: ask the kernel once, on a page. */
static int madv_populate_setup(struct bench_case *c, const char **why)
{
	long ps = sysconf(_SC_PAGESIZE);
	void *p = mmap(NULL, (size_t)ps, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int ret = 0;

	(void)c;
	if (p == MAP_FAILED)
		return -errno;
	if (madvise(p, (size_t)ps, MADV_POPULATE_WRITE) && errno == EINVAL) {
		*why = "this kernel has no MADV_POPULATE_READ/WRITE (Linux 5.14+)";
		ret = -EOPNOTSUPP;
	}
	munmap(p, (size_t)ps);
	return ret;
}

static void *madv_write_map(struct bench_case *c, bool for_write)
{
	(void)for_write;
	return madv_map(c, MADV_POPULATE_WRITE);
}

static void *madv_read_map(struct bench_case *c, bool for_write)
{
	(void)for_write;
	return madv_map(c, MADV_POPULATE_READ);
}

/* THP: a PMD-aligned anonymous range with MADV_HUGEPAGE. The extra
 * alignment slack is unmapped again inside the timed mmap phase. */
static int thp_setup(struct bench_case *c, const char **why)
{
	char buf[32];
	const char *mode = thp_enabled(buf, sizeof(buf));

	if (!mode || (strcmp(mode, "always") && strcmp(mode, "madvise"))) {
		*why = "transparent huge pages are not enabled (always or madvise)";
		return -EOPNOTSUPP;
	}
	(void)c;
	return 0;
}

static void *thp_map(struct bench_case *c, bool for_write)
{
	const size_t pmd = pmd_size();
	size_t span = c->len + pmd;
	uint8_t *p = mmap(NULL, span, PROT_READ | PROT_WRITE, anon_flags(c), -1, 0);
	uint8_t *a;

	(void)for_write;
	if (p == MAP_FAILED)
		return NULL;
	a = (uint8_t *)(((uintptr_t)p + pmd - 1) & ~(uintptr_t)(pmd - 1));
	if (a > p)
		munmap(p, (size_t)(a - p));
	if (a + c->len < p + span)
		munmap(a + c->len, (size_t)(p + span - (a + c->len)));
	madvise(a, c->len, MADV_HUGEPAGE);
	return a;
}

/* ---- a shared memfd ----------------------------------------------------- */

static int memfd_setup(struct bench_case *c, const char **why)
{
	c->fd = memfd_create("kbufmap-bench", MFD_CLOEXEC);
	if (c->fd < 0 || ftruncate(c->fd, (off_t)c->len)) {
		int err = -errno;

		*why = "memfd_create/ftruncate failed";
		fd_teardown(c);
		return err;
	}
	return 0;
}

static void *memfd_map(struct bench_case *c, bool for_write)
{
	void *p = mmap(NULL, c->len, PROT_READ | PROT_WRITE,
		       c->private_map ? MAP_PRIVATE : MAP_SHARED, c->fd, 0);

	(void)for_write;
	return p == MAP_FAILED ? NULL : p;
}

/* ---- another driver's buffer (--target) -------------------------------- */

/*
 * Allocate the buffer for this case's size (a framebuffer or UIO map has a
 * size of its own: the case takes it). c->fx stays until the run ends, so
 * that a failure's reason (c->fx->why) can be reported.
 */
static int foreign_setup(struct bench_case *c, const char **why)
{
	struct kbm_target *t = calloc(1, sizeof(*t));
	int err;

	if (!t)
		return -ENOMEM;
	c->fx = t;
	err = kbm_target_open(c->spec, c->pages, O_RDWR, t);
	if (err) {
		*why = t->why;
		return err;
	}
	if (t->fixed_size) {
		c->pages = t->size / c->ps;
		c->len = (size_t)c->pages * c->ps;
	}
	if (!c->pages || t->size < c->len) {
		*why = "the driver's buffer is smaller than a page or than asked";
		kbm_target_close(t);
		return -EINVAL;
	}
	c->fd = t->fd;
	return 0;
}

static void *foreign_map(struct bench_case *c, bool for_write)
{
	void *p = mmap(NULL, c->len, PROT_READ | PROT_WRITE,
		       c->private_map ? MAP_PRIVATE : MAP_SHARED, c->fx->fd, c->fx->offset);

	(void)for_write;
	return p == MAP_FAILED ? NULL : p;
}

/* The kernel-side view where it is a file: udmabuf's memfd, fb's read(). */
static int foreign_pread(struct bench_case *c, void *dst)
{
	if (c->fx->view != KBM_VIEW_FD)
		return -EOPNOTSUPP;
	return kbm_pread_all(c->fx->view_fd, dst, c->len, c->fx->view_offset);
}

static void foreign_sync(struct bench_case *c, bool begin, bool write)
{
	kbm_target_sync(c->fx, begin, write);
}

static void foreign_teardown(struct bench_case *c)
{
	if (c->fx)
		kbm_target_close(c->fx);
	c->fd = -1;
}

const struct bench_target bench_foreign = {
	"foreign", "another driver's buffer (--target)", foreign_setup, foreign_map,
	foreign_pread, foreign_teardown, foreign_sync, false,
};

const struct bench_target bench_targets[] = {
	{ "kbufmap", "the module: one case per valid backend x strategy",
	  kbufmap_setup, kbufmap_map, fd_pread, fd_teardown, kbufmap_sync, true },
	{ "anon", "anonymous mmap + touch (4 KiB pages, THP refused)",
	  no_setup, anon_map, NULL, no_teardown, NULL, false },
	{ "anon-populate", "anonymous mmap with MAP_POPULATE",
	  no_setup, anon_populate_map, NULL, no_teardown, NULL, false },
	{ "madv-populate-write", "anonymous mmap + MADV_POPULATE_WRITE",
	  madv_populate_setup, madv_write_map, NULL, no_teardown, NULL, false },
	{ "madv-populate-read", "anonymous mmap + MADV_POPULATE_READ",
	  madv_populate_setup, madv_read_map, NULL, no_teardown, NULL, false },
	{ "memfd", "a memfd (shmem) mapped and touched; pread of it",
	  memfd_setup, memfd_map, fd_pread, fd_teardown, NULL, false },
	{ "thp", "anonymous, PMD-aligned, MADV_HUGEPAGE (where THP is enabled)",
	  thp_setup, thp_map, NULL, no_teardown, NULL, false },
};
const size_t bench_nr_targets = sizeof(bench_targets) / sizeof(bench_targets[0]);

const struct bench_target *bench_target_by_name(const char *name)
{
	for (size_t i = 0; i < bench_nr_targets; i++)
		if (!strcmp(bench_targets[i].name, name))
			return &bench_targets[i];
	return NULL;
}
