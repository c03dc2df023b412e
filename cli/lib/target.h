/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Targets: whose mmap() a command exercises. kbufmap (the default), or a
 * real in-kernel driver that hands out a buffer through mmap(): a dma-buf
 * heap, udmabuf, a DRM dumb buffer, an fbdev framebuffer, a UIO map, or any
 * character device. A target says how to get a buffer (the fd and offset
 * to mmap, its size), who the driver is, and what its kernel-side view of
 * the data is, so map, phys, verify and bench all treat it alike.
 * Functions return 0 or -errno and print nothing; t->why says what failed.
 */
#ifndef KBM_TARGET_H
#define KBM_TARGET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

enum kbm_target_kind {
	KBM_TARGET_KBUFMAP,	/* /dev/kbufmap (the -d device) */
	KBM_TARGET_DMA_HEAP,	/* dma-heap[:NAME]: DMA_HEAP_IOCTL_ALLOC */
	KBM_TARGET_UDMABUF,	/* udmabuf: a sealed memfd made a dma-buf */
	KBM_TARGET_DRM_DUMB,	/* drm-dumb[:CARD]: CREATE_DUMB + MAP_DUMB */
	KBM_TARGET_FB,		/* fb[:/dev/fbN] */
	KBM_TARGET_UIO,		/* uio[:/dev/uioN], map 0 */
	KBM_TARGET_DEVICE,	/* device:PATH[:SIZE] */
	KBM_TARGET_COUNT
};

/* What --target accepts, for messages and help. */
#define KBM_TARGET_FORMS "kbufmap, dma-heap[:NAME], udmabuf, drm-dumb[:CARD], " \
	"fb[:/dev/fbN], uio[:/dev/uioN], device:PATH[:SIZE]"

/* The parsed --target text. */
struct kbm_target_spec {
	enum kbm_target_kind kind;
	char arg[256];		/* heap name, card path or driver name, node path; "" = default */
	uint64_t size;		/* device:PATH:SIZE in bytes; 0 = not given */
	/* kbufmap only: how to configure the buffer */
	const char *device;	/* path; NULL = /dev/kbufmap */
	unsigned int backend, strategy;
	int node;
};

/* How the kernel's side of the buffer can be reached besides the mapping. */
enum kbm_target_view {
	KBM_VIEW_NONE,		/* only through mmap() */
	KBM_VIEW_FD,		/* pread/pwrite on view_fd at view_offset + off */
	KBM_VIEW_ACCESS,	/* vm_ops->access: /proc/PID/mem at the mapping */
};

/* An opened target: what to mmap and what is known about it. */
struct kbm_target {
	struct kbm_target_spec spec;
	int fd;			/* the fd to mmap */
	off_t offset;		/* the mmap offset of the buffer's first byte */
	uint64_t size;		/* bytes the buffer has */
	bool fixed_size;	/* the driver's size, not the pages asked for */
	char path[256];		/* the node opened (/dev/dma_heap/system, ...) */
	char driver[64];	/* e.g. "system", "udmabuf", "vgem", "bochs-drm" */
	enum kbm_target_view view;
	int view_fd;		/* KBM_VIEW_FD: the memfd, or the device itself */
	uint64_t view_offset;
	bool dmabuf;		/* fd is a dma-buf: DMA_BUF_IOCTL_SYNC brackets CPU access */
	int dev_fd;		/* the allocator (heap, /dev/udmabuf, card); -1 */
	uint32_t handle;	/* DRM GEM handle; 0 = none */
	/*
	 * Device memory behind the buffer, for PAT's memtype list: fb the
	 * framebuffer (smem_start, or its PCI device's first memory BAR when
	 * the driver hides smem_start), uio map 0. 0: none known.
	 */
	uint64_t phys_addr, phys_size;
	char why[256];		/* after a failure: what was missing or refused */
};

/* kbm_touch()'s KBM_TOUCH_* for this kind: words for a register block. */
unsigned int kbm_target_touch(enum kbm_target_kind kind, bool write);

/*
 * Parse @text (see KBM_TARGET_FORMS). Returns 0, or -EINVAL with a message
 * in @why saying what was wrong and what is allowed (bufopt.c's buffer; a
 * struct kbm_err when bufopt.c next changes).
 */
int kbm_target_parse(const char *text, struct kbm_target_spec *spec,
		     char *why, size_t whylen);

/*
 * Call @emit with each --target value this machine offers: every kind, and
 * the kinds with the nodes that exist (dma-heap:system, drm-dumb:/dev/dri/card0,
 * fb:/dev/fb0, uio:/dev/uio0). For shell completion.
 */
void kbm_target_list(void (*emit)(const char *value, void *arg), void *arg);

/* "kbufmap", "dma-heap", ... */
const char *kbm_target_kind_name(enum kbm_target_kind kind);
/* The target's size is its own (fb, uio, device with SIZE): --pages does not apply. */
bool kbm_target_fixed_size(const struct kbm_target_spec *spec);
/* "memfd", "read/write", "access", "none": for reports. */
const char *kbm_target_view_name(const struct kbm_target *t);

/*
 * Allocate or open a buffer of @pages pages (fixed-size targets ignore it)
 * with @oflags (O_RDWR or O_RDONLY) for the fd to mmap. 0, or -errno with
 * t->why naming what is missing: -ENOENT/-ENODEV when the driver or node
 * is absent, -EACCES/-EPERM when not permitted.
 */
int kbm_target_open(const struct kbm_target_spec *spec, uint64_t pages,
		    int oflags, struct kbm_target *t);
/* DMA_BUF_IOCTL_SYNC start (@begin) or end, for reading or also @write; 0 when not a dma-buf. */
int kbm_target_sync(const struct kbm_target *t, bool begin, bool write);
/*
 * For a command: print "--target TEXT: t->why" as kbm_fail() does and
 * return the exit status for @err (3 absent, 5 not permitted, 6 other).
 */
int kbm_target_fail(const struct kbm_target *t, const char *text, int err);
/* Close every fd (a DRM handle goes with its fd); safe to call twice. */
void kbm_target_close(struct kbm_target *t);

#endif /* KBM_TARGET_H */
