/* SPDX-License-Identifier: GPL-2.0 */
/*
 * /dev/kbufmap: open it (with the ABI version check) and wrap its ioctls.
 * Every function returns 0 (or an fd) or a negative errno and prints
 * nothing; kbm_dev_strerror() says what an open error means.
 */
#ifndef KBM_DEV_H
#define KBM_DEV_H

#include <stdint.h>

#include "uapi/kbufmap.h"

/*
 * Open @path with @oflags (O_RDWR or O_RDONLY; O_CLOEXEC is added) and
 * check the module's ABI version. Returns the fd, or -errno: -ENOENT, -ENXIO,
 * -ENODEV (module not loaded), -EACCES/-EPERM, -ENOTTY/-EINVAL (not a
 * kbufmap device), -EPROTO (another ABI major, or an older minor: *@ver says which).
 * @ver may be NULL.
 */
int kbm_dev_open(const char *path, int oflags, struct kbufmap_version *ver);

/* Open without the version check: -errno or fd. */
int kbm_dev_open_quiet(const char *path, int oflags);

/* What a kbm_dev_open() error means, to follow "<path> " in a message. */
const char *kbm_dev_strerror(int err);

int kbm_get_version(int fd, struct kbufmap_version *ver);
int kbm_configure(int fd, uint64_t nr_pages, unsigned int backend,
		  unsigned int strategy, int node);
/* CONFIGURE with every field of @cfg (cache mode, flags): 0 or -errno. */
int kbm_configure_cfg(int fd, const struct kbufmap_config *cfg);
int kbm_get_info(int fd, struct kbufmap_info *info);
/* A new O_RDONLY descriptor holding @fd's buffer (CONFIGURE needs O_RDWR). */
int kbm_reopen_rdonly(int fd);
/* The kernel's PFNs of pages [first, first + count), batched as needed. */
int kbm_get_pfns(int fd, uint64_t first, uint64_t count, uint64_t *pfns);
int kbm_get_counters(int fd, unsigned int scope, struct kbufmap_stats *st);

/* Hand [offset, offset + length) of a dma-noncoherent buffer over. */
int kbm_dma_sync(int fd, unsigned int op, unsigned int direction,
		 uint64_t offset, uint64_t length);
/*
 * The page table's own answer for @nr_pages pages of the caller's address
 * space from @addr, as at most @max_runs runs (KBUFMAP_IOC_PGATTR, root
 * only). Returns the number of runs written, or -errno; *@pages_done (may be
 * NULL) gets the pages they cover, less than @nr_pages when runs ran out.
 */
int kbm_pgattr(int fd, uint64_t addr, uint64_t nr_pages,
	       struct kbufmap_pgattr_run *runs, unsigned int max_runs,
	       uint64_t *pages_done);

/* pread/pwrite the whole range (looping on short transfers); 0 or -errno. */
int kbm_pread_all(int fd, void *buf, size_t len, uint64_t off);
int kbm_pwrite_all(int fd, const void *buf, size_t len, uint64_t off);

#endif /* KBM_DEV_H */
