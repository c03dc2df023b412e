/* SPDX-License-Identifier: GPL-2.0 */
/*
 * /dev/kbufmap: open it (with the ABI version check) and wrap its ioctls.
 * The wrappers return 0 or a negative errno and print nothing; the open
 * helper prints the user-facing message and returns an exit code.
 */
#ifndef KBM_DEV_H
#define KBM_DEV_H

#include <stdint.h>

#include "uapi/kbufmap.h"

/*
 * Open @path with @oflags (O_RDWR or O_RDONLY; O_CLOEXEC is added) and
 * check the module's ABI major. Returns KBM_EXIT_OK and *fd, or prints why
 * not and returns the exit code: KBM_EXIT_NODEV (not found / no driver:
 * module not loaded), KBM_EXIT_ACCESS (permission denied), KBM_EXIT_RUNTIME
 * (anything else, including a different ABI major).
 * @ver may be NULL.
 */
int kbm_dev_open(const char *path, int oflags, int *fd,
		 struct kbufmap_version *ver);

/* Open without the version check and without messages: -errno or fd. */
int kbm_dev_open_quiet(const char *path, int oflags);

/* Exit code and message for a failed open(@path) with @err. */
int kbm_dev_open_error(const char *path, int err);

int kbm_get_version(int fd, struct kbufmap_version *ver);
int kbm_configure(int fd, uint64_t nr_pages, unsigned int backend,
		  unsigned int strategy, int node);
int kbm_get_info(int fd, struct kbufmap_info *info);
/* The kernel's PFNs of pages [first, first + count), batched as needed. */
int kbm_get_pfns(int fd, uint64_t first, uint64_t count, uint64_t *pfns);
int kbm_get_counters(int fd, unsigned int scope, struct kbufmap_stats *st);

/* pread/pwrite the whole range (looping on short transfers); 0 or -errno. */
int kbm_pread_all(int fd, void *buf, size_t len, uint64_t off);
int kbm_pwrite_all(int fd, const void *buf, size_t len, uint64_t off);

#endif /* KBM_DEV_H */
