// SPDX-License-Identifier: GPL-2.0
#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* asprintf, strerrorname_np; CMake defines it too */
#endif
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "kbm_dev.h"

int kbm_dev_open_quiet(const char *path, int oflags)
{
	int fd = open(path, oflags | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

const char *kbm_dev_strerror(int err)
{
	switch (err < 0 ? -err : err) {
	case ENOENT:
		return "not found: is the kbufmap module loaded?";
	case ENXIO:
	case ENODEV:
		return "has no driver behind it: is the kbufmap module loaded?";
	case EACCES:
	case EPERM:
		return "permission denied: run as root, or be in the device's group";
	case ENOTTY:
	case EINVAL:
		return "is not a kbufmap device (the VERSION ioctl is unknown to it)";
	case EPROTO:
		return "speaks another or an older version of the kbufmap ABI: build the module and kbufmapctl from the same tree";
	default:
		return strerror(err < 0 ? -err : err);
	}
}

/* A variable, not the macro: "minor < 0" would warn while the minor is 0. */
static const unsigned int kbm_abi_minor = KBUFMAP_ABI_MINOR;

int kbm_dev_open(const char *path, int oflags, struct kbufmap_version *verp)
{
	struct kbufmap_version ver;
	int fd, err;

	fd = kbm_dev_open_quiet(path, oflags);
	if (fd < 0)
		return fd;
	err = kbm_get_version(fd, &ver);
	/* Another major is incompatible; an older minor lacks what we use. */
	if (!err && (ver.major != KBUFMAP_ABI_MAJOR ||
		     ver.minor < kbm_abi_minor))
		err = -EPROTO;
	if (verp)
		*verp = ver;
	if (err) {
		close(fd);
		return err;
	}
	return fd;
}

static int xioctl(int fd, unsigned long req, void *arg)
{
	int r;

	do {
		r = ioctl(fd, req, arg);
	} while (r < 0 && errno == EINTR);
	return r < 0 ? -errno : 0;
}

int kbm_get_version(int fd, struct kbufmap_version *ver)
{
	memset(ver, 0, sizeof(*ver));
	return xioctl(fd, KBUFMAP_IOC_VERSION, ver);
}

int kbm_configure(int fd, uint64_t nr_pages, unsigned int backend,
		  unsigned int strategy, int node)
{
	struct kbufmap_config cfg;

	memset(&cfg, 0, sizeof(cfg));
	cfg.nr_pages = nr_pages;
	cfg.backend = backend;
	cfg.strategy = strategy;
	cfg.node = node;
	return xioctl(fd, KBUFMAP_IOC_CONFIGURE, &cfg);
}

int kbm_configure_cfg(int fd, const struct kbufmap_config *cfg)
{
	struct kbufmap_config copy = *cfg;

	return xioctl(fd, KBUFMAP_IOC_CONFIGURE, &copy);
}

int kbm_dma_sync(int fd, unsigned int op, unsigned int direction,
		 uint64_t offset, uint64_t length)
{
	struct kbufmap_dma_sync req;

	memset(&req, 0, sizeof(req));
	req.offset = offset;
	req.length = length;
	req.direction = direction;
	req.op = op;
	return xioctl(fd, KBUFMAP_IOC_DMA_SYNC, &req);
}

int kbm_pgattr(int fd, uint64_t addr, uint64_t nr_pages,
	       struct kbufmap_pgattr_run *runs, unsigned int max_runs,
	       uint64_t *pages_done)
{
	struct kbufmap_pgattr req;
	int err;

	memset(&req, 0, sizeof(req));
	req.addr = addr;
	req.nr_pages = nr_pages;
	req.runs = (uintptr_t)runs;
	req.max_runs = max_runs;
	err = xioctl(fd, KBUFMAP_IOC_PGATTR, &req);
	if (err)
		return err;
	if (pages_done)
		*pages_done = req.pages_done;
	return (int)req.nr_runs;
}

int kbm_reopen_rdonly(int fd)
{
	int ro = ioctl(fd, KBUFMAP_IOC_REOPEN_RDONLY);

	return ro < 0 ? -errno : ro;
}

int kbm_get_info(int fd, struct kbufmap_info *info)
{
	memset(info, 0, sizeof(*info));
	return xioctl(fd, KBUFMAP_IOC_GET_INFO, info);
}

int kbm_get_pfns(int fd, uint64_t first, uint64_t count, uint64_t *pfns)
{
	while (count) {
		struct kbufmap_pfns req;
		uint64_t n = count < KBUFMAP_PFN_BATCH_MAX ?
			count : KBUFMAP_PFN_BATCH_MAX;
		int err;

		memset(&req, 0, sizeof(req));
		req.first = first;
		req.count = n;
		req.pfns = (uint64_t)(uintptr_t)pfns;
		err = xioctl(fd, KBUFMAP_IOC_GET_PFNS, &req);
		if (err)
			return err;
		first += n;
		pfns += n;
		count -= n;
	}
	return 0;
}

int kbm_get_counters(int fd, unsigned int scope, struct kbufmap_stats *st)
{
	memset(st, 0, sizeof(*st));
	st->scope = scope;
	return xioctl(fd, KBUFMAP_IOC_GET_COUNTERS, st);
}

int kbm_pread_all(int fd, void *buf, size_t len, uint64_t off)
{
	char *p = buf;

	while (len) {
		ssize_t n = pread(fd, p, len, (off_t)off);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			return -ENODATA;	/* end of buffer before @len */
		p += n;
		off += (uint64_t)n;
		len -= (size_t)n;
	}
	return 0;
}

int kbm_pwrite_all(int fd, const void *buf, size_t len, uint64_t off)
{
	const char *p = buf;

	while (len) {
		ssize_t n = pwrite(fd, p, len, (off_t)off);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			return -ENOSPC;
		p += n;
		off += (uint64_t)n;
		len -= (size_t)n;
	}
	return 0;
}
