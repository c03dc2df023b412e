// SPDX-License-Identifier: GPL-2.0
#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* memfd_create, F_ADD_SEALS */
#endif
/*
 * The target layer (target.h). What each target does follows the kernel's
 * drivers/dma-buf/{dma-heap,udmabuf}.c, drivers/gpu/drm/drm_dumb_buffers.c,
 * drivers/video/fbdev/core/fbmem.c and drivers/uio/uio.c (uio_find_mem_index:
 * the mmap offset picks the map), and the uapi headers included below.
 */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <drm/drm.h>
#include <drm/drm_mode.h>
#include <linux/dma-buf.h>
#include <linux/dma-heap.h>
#include <linux/fb.h>
#include <linux/udmabuf.h>

#include "kbm_dev.h"
#include "mapping.h"
#include "out.h"
#include "parse.h"
#include "procfs.h"
#include "target.h"

static const char *const kind_names[KBM_TARGET_COUNT] = {
	[KBM_TARGET_KBUFMAP] = "kbufmap",	[KBM_TARGET_DMA_HEAP] = "dma-heap",
	[KBM_TARGET_UDMABUF] = "udmabuf",	[KBM_TARGET_DRM_DUMB] = "drm-dumb",
	[KBM_TARGET_FB] = "fb",			[KBM_TARGET_UIO] = "uio",
	[KBM_TARGET_DEVICE] = "device",
};

const char *kbm_target_kind_name(enum kbm_target_kind kind)
{
	return kind < KBM_TARGET_COUNT ? kind_names[kind] : "?";
}

unsigned int kbm_target_touch(enum kbm_target_kind kind, bool write)
{
	unsigned int how = write ? KBM_TOUCH_WRITES : 0;

	if (kind == KBM_TARGET_UIO || kind == KBM_TARGET_DEVICE)
		how |= KBM_TOUCH_WORDS;
	return how;
}

bool kbm_target_fixed_size(const struct kbm_target_spec *spec)
{
	return spec->kind == KBM_TARGET_FB || spec->kind == KBM_TARGET_UIO ||
	       (spec->kind == KBM_TARGET_DEVICE && spec->size);
}

const char *kbm_target_view_name(const struct kbm_target *t)
{
	if (t->view == KBM_VIEW_ACCESS)
		return "access";
	if (t->view == KBM_VIEW_NONE)
		return "none";
	return t->spec.kind == KBM_TARGET_UDMABUF ? "memfd" : "read/write";
}

/* Each name in @dir starting with @prefix, as "KIND:PATH" (or "KIND:NAME"). */
static void list_nodes(const char *kind, const char *dir, const char *prefix, bool full,
		       void (*emit)(const char *, void *), void *arg)
{
	char value[300];
	struct dirent *d;
	DIR *dp = opendir(dir);

	while (dp && (d = readdir(dp)))
		if (d->d_name[0] != '.' && !strncmp(d->d_name, prefix, strlen(prefix))) {
			snprintf(value, sizeof(value), "%s:%s%s%.200s", kind, full ? dir : "",
				 full ? "/" : "", d->d_name);
			emit(value, arg);
		}
	if (dp)
		closedir(dp);
}

void kbm_target_list(void (*emit)(const char *value, void *arg), void *arg)
{
	for (int k = 0; k < KBM_TARGET_COUNT; k++)
		emit(k == KBM_TARGET_DEVICE ? "device:" : kind_names[k], arg);
	list_nodes("dma-heap", "/dev/dma_heap", "", false, emit, arg);
	list_nodes("drm-dumb", "/dev/dri", "card", true, emit, arg);
	list_nodes("fb", "/dev", "fb", true, emit, arg);
	list_nodes("uio", "/dev", "uio", true, emit, arg);
}

/* ---- parsing -------------------------------------------------------------- */

/* device:PATH[:SIZE]: the last ':' starts a SIZE only if it parses as one. */
static int parse_device(const char *rest, struct kbm_target_spec *spec,
			char *why, size_t whylen)
{
	const char *colon = strrchr(rest, ':');
	uint64_t ps = (uint64_t)sysconf(_SC_PAGESIZE);
	size_t n = colon ? (size_t)(colon - rest) : strlen(rest);
	struct kbm_err e;
	int err = colon ? parse_size("--target device SIZE", colon + 1, ps, 1,
				     1ULL << 40, &spec->size, &e) : 0;

	if (err) {
		snprintf(why, whylen, "%s", e.msg);
		return err;
	}
	if (n == 0 || n >= sizeof(spec->arg)) {
		snprintf(why, whylen, "--target device:PATH[:SIZE]: %s path", n ? "too long a" : "no");
		return -EINVAL;
	}
	memcpy(spec->arg, rest, n);
	spec->arg[n] = '\0';
	return 0;
}

int kbm_target_parse(const char *text, struct kbm_target_spec *spec,
		     char *why, size_t whylen)
{
	const char *colon = strchr(text, ':');
	size_t klen = colon ? (size_t)(colon - text) : strlen(text);
	int kind = -1;

	*spec = (struct kbm_target_spec){ .node = -1 };
	for (int k = 0; k < KBM_TARGET_COUNT; k++)
		if (strlen(kind_names[k]) == klen && !strncmp(text, kind_names[k], klen))
			kind = k;
	if (kind < 0) {
		snprintf(why, whylen, "--target: unknown target '%s': allowed " KBM_TARGET_FORMS, text);
		return -EINVAL;
	}
	spec->kind = (enum kbm_target_kind)kind;
	if (kind == KBM_TARGET_DEVICE)
		return colon ? parse_device(colon + 1, spec, why, whylen) :
			       (snprintf(why, whylen, "--target device needs a path: device:PATH[:SIZE]"), -EINVAL);
	if (colon && (kind == KBM_TARGET_KBUFMAP || kind == KBM_TARGET_UDMABUF)) {
		snprintf(why, whylen, "--target %s takes no argument (the kbufmap device is -d PATH)",
			 kind_names[kind]);
		return -EINVAL;
	}
	if (colon && (!colon[1] || strlen(colon + 1) >= sizeof(spec->arg))) {
		snprintf(why, whylen, "--target '%s': %s argument after '%s:'", text,
			 colon[1] ? "too long an" : "an empty", kind_names[kind]);
		return -EINVAL;
	}
	if (colon)
		snprintf(spec->arg, sizeof(spec->arg), "%s", colon + 1);
	return 0;
}

/* ---- helpers ---------------------------------------------------------------- */

/* t->why = the message, ": ", strerror(@err); returns -@err. */
__attribute__((format(printf, 3, 4)))
static int fail(struct kbm_target *t, int err, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	vsnprintf(t->why, sizeof(t->why), fmt, ap);
	va_end(ap);
	n = strlen(t->why);
	snprintf(t->why + n, sizeof(t->why) - n, ": %s", strerror(err));
	return -err;
}

/* Open @path; an absent node explains itself with @missing. */
static int open_node(struct kbm_target *t, const char *path, int oflags,
		     const char *missing)
{
	int fd = open(path, oflags | O_CLOEXEC);

	snprintf(t->path, sizeof(t->path), "%s", path);
	if (fd >= 0)
		return fd;
	if (errno == ENOENT || errno == ENODEV || errno == ENXIO) {
		snprintf(t->why, sizeof(t->why), "%s: %s (%s)", path, strerror(errno), missing);
		return -errno;
	}
	return fail(t, errno, "%s", path);
}

/* The /proc/devices name of a character device's major: its driver. */
static void chrdev_driver(int fd, char *out, size_t len)
{
	char line[128], name[64];
	struct stat st;
	unsigned int major;
	FILE *f;

	snprintf(out, len, "?");
	if (fstat(fd, &st) || !S_ISCHR(st.st_mode) || !(f = fopen("/proc/devices", "re")))
		return;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%u %63s", &major, name) == 2 && major == major(st.st_rdev)) {
			snprintf(out, len, "%s", name);
			break;
		}
	fclose(f);
}

/* A dma-buf's exporter name from /proc/self/fdinfo ("exp_name:\tsystem"). */
static void dmabuf_exporter(int fd, char *out, size_t len)
{
	char path[64], line[128];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	if (!(f = fopen(path, "re")))
		return;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "exp_name: %63s", out) == 1)
			break;
	fclose(f);
	out[len - 1] = '\0';
}

/* ---- the targets ------------------------------------------------------------ */

static int open_kbufmap(struct kbm_target *t, uint64_t pages, int oflags)
{
	const char *path = t->spec.device ? t->spec.device : "/dev/kbufmap";
	int err;

	snprintf(t->path, sizeof(t->path), "%s", path);
	/* CONFIGURE needs O_RDWR; a read-only file is reopened after it. */
	t->fd = kbm_dev_open(path, (oflags & ~O_ACCMODE) | O_RDWR, NULL);
	if (t->fd < 0) {
		snprintf(t->why, sizeof(t->why), "%s %s", path, kbm_dev_strerror(t->fd));
		return t->fd;
	}
	err = kbm_configure(t->fd, pages, t->spec.backend, t->spec.strategy,
			    t->spec.node < 0 ? KBUFMAP_NODE_ANY : t->spec.node);
	if (err)
		return fail(t, -err, "%s: CONFIGURE", path);
	if ((oflags & O_ACCMODE) == O_RDONLY) {
		int ro = kbm_reopen_rdonly(t->fd);

		if (ro < 0)
			return fail(t, -ro, "%s: REOPEN_RDONLY", path);
		close(t->fd);
		t->fd = ro;
	}
	snprintf(t->driver, sizeof(t->driver), "kbufmap");
	t->view = KBM_VIEW_FD;
	t->view_fd = t->fd;
	return 0;
}

static int open_dma_heap(struct kbm_target *t, int oflags)
{
	struct dma_heap_allocation_data a = {
		.len = t->size, .fd_flags = (__u32)(oflags & O_ACCMODE) | O_CLOEXEC,
	};
	char path[300];

	snprintf(path, sizeof(path), "/dev/dma_heap/%s", t->spec.arg[0] ? t->spec.arg : "system");
	t->dev_fd = open_node(t, path, O_RDONLY, "no such dma-buf heap: this kernel has "
			      "CONFIG_DMABUF_HEAPS off, or not this heap; see ls /dev/dma_heap");
	if (t->dev_fd < 0)
		return t->dev_fd;
	if (ioctl(t->dev_fd, DMA_HEAP_IOCTL_ALLOC, &a))
		return fail(t, errno, "%s: DMA_HEAP_IOCTL_ALLOC", path);
	t->fd = (int)a.fd;
	t->dmabuf = true;
	snprintf(t->driver, sizeof(t->driver), "%.63s", t->spec.arg[0] ? t->spec.arg : "system");
	dmabuf_exporter(t->fd, t->driver, sizeof(t->driver));
	return 0;
}

/* A sealed memfd of t->size bytes, then UDMABUF_CREATE over all of it. */
static int open_udmabuf(struct kbm_target *t)
{
	struct udmabuf_create c = { .flags = UDMABUF_FLAGS_CLOEXEC, .size = t->size };

	t->dev_fd = open_node(t, "/dev/udmabuf", O_RDWR, "no udmabuf driver: "
			      "this kernel has CONFIG_UDMABUF off");
	if (t->dev_fd < 0)
		return t->dev_fd;
	t->view_fd = memfd_create("kbufmap-udmabuf", MFD_ALLOW_SEALING | MFD_CLOEXEC);
	if (t->view_fd < 0)
		return fail(t, errno, "%s", "memfd_create");
	if (ftruncate(t->view_fd, (off_t)t->size))
		return fail(t, errno, "%s", "ftruncate of the memfd");
	/* udmabuf wants F_SEAL_SHRINK and refuses F_SEAL_WRITE. */
	if (fcntl(t->view_fd, F_ADD_SEALS, F_SEAL_SHRINK))
		return fail(t, errno, "%s", "F_ADD_SEALS F_SEAL_SHRINK");
	c.memfd = (__u32)t->view_fd;
	t->fd = ioctl(t->dev_fd, UDMABUF_CREATE, &c);
	if (t->fd < 0)
		return fail(t, errno, "%s", "/dev/udmabuf: UDMABUF_CREATE");
	t->view = KBM_VIEW_FD;
	t->dmabuf = true;
	snprintf(t->driver, sizeof(t->driver), "udmabuf");
	return 0;
}

/* The DRM driver's name (DRM_IOCTL_VERSION); 0 or -errno. */
static int drm_name(int fd, char *name, size_t len)
{
	struct drm_version v = { .name = name, .name_len = len - 1 };

	memset(name, 0, len);
	return ioctl(fd, DRM_IOCTL_VERSION, &v) ? -errno : 0;
}

/* Driver @name answers to @want: "" (any), the name, or its first word ("bochs" for bochs-drm). */
static bool card_is(const char *name, const char *want)
{
	size_t n = strlen(want);

	return !n || !strcmp(name, want) || (!strncmp(name, want, n) && name[n] == '-');
}

/* Open card @path if its driver is @want ("" = any); fd or -errno. */
static int try_card(const char *path, const char *want, int oflags,
		    char *seen, size_t seenlen)
{
	char name[64];
	int fd = open(path, oflags | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	if (drm_name(fd, name, sizeof(name)) == 0 && card_is(name, want))
		return fd;
	snprintf(seen + strlen(seen), seenlen - strlen(seen), " %s", name);
	close(fd);
	return -ENOENT;
}

/* The first /dev/dri/cardN whose driver is @want ("" = any); fd or -errno. */
static int find_card(struct kbm_target *t, const char *want, int oflags)
{
	char path[64], seen[160] = "";
	int fd = -ENOENT;

	for (int n = 0; n < 64 && fd < 0; n++) {
		snprintf(path, sizeof(path), "/dev/dri/card%d", n);
		fd = try_card(path, want, oflags, seen, sizeof(seen));
	}
	if (fd < 0) {
		snprintf(t->why, sizeof(t->why), "no DRM card%s%.60s in /dev/dri (found:%.100s); "
			 "load its driver, e.g. modprobe vgem", *want ? " of driver " : "", want,
			 *seen ? seen : " none");
		return -ENOENT;
	}
	snprintf(t->path, sizeof(t->path), "%s", path);
	return fd;
}

/* One dumb buffer of t->size bytes: one page a row at 32 bpp. */
static int open_drm_dumb(struct kbm_target *t, int oflags)
{
	size_t ps = (size_t)sysconf(_SC_PAGESIZE);
	struct drm_mode_create_dumb c = {
		.width = (__u32)(ps / 4), .height = (__u32)(t->size / ps), .bpp = 32,
	};
	struct drm_mode_map_dumb m = { 0 };

	if (t->spec.arg[0] == '/')
		t->dev_fd = open_node(t, t->spec.arg, oflags, "no such DRM card");
	else
		t->dev_fd = find_card(t, t->spec.arg, oflags);
	if (t->dev_fd < 0)
		return t->dev_fd;
	drm_name(t->dev_fd, t->driver, sizeof(t->driver));
	if (ioctl(t->dev_fd, DRM_IOCTL_MODE_CREATE_DUMB, &c))
		return fail(t, errno, "%s: DRM_IOCTL_MODE_CREATE_DUMB", t->path);
	t->handle = c.handle;
	t->size = c.size;
	m.handle = c.handle;
	if (ioctl(t->dev_fd, DRM_IOCTL_MODE_MAP_DUMB, &m))
		return fail(t, errno, "%s: DRM_IOCTL_MODE_MAP_DUMB", t->path);
	t->fd = t->dev_fd;
	t->offset = (off_t)m.offset;	/* the fake offset that names the object */
	/* TTM (bochs, qxl, vmwgfx) gives the mapping .access; shmem GEM does not. */
	t->view = strcmp(t->driver, "vgem") ? KBM_VIEW_ACCESS : KBM_VIEW_NONE;
	return 0;
}

/* The first memory BAR in a PCI device's sysfs "resource" file. */
static void first_mem_bar(const char *resource, struct kbm_target *t)
{
	unsigned long long start, end, flags;
	FILE *f = fopen(resource, "re");

	while (f && fscanf(f, "%llx %llx %llx", &start, &end, &flags) == 3) {
		if ((flags & 0x200) && end > start) {	/* IORESOURCE_MEM */
			t->phys_addr = start;
			t->phys_size = end - start + 1;
			break;
		}
	}
	if (f)
		fclose(f);
}

/* Where the framebuffer's memory is (DRM's fbdev hides smem_start). */
static void fb_phys(struct kbm_target *t, const struct fb_fix_screeninfo *fix)
{
	const char *base = strrchr(t->path, '/') ? strrchr(t->path, '/') + 1 : t->path;
	char sys[400];

	if (fix->smem_start) {
		t->phys_addr = fix->smem_start;
		t->phys_size = fix->smem_len;
		return;
	}
	snprintf(sys, sizeof(sys), "/sys/class/graphics/%s/device/resource", base);
	first_mem_bar(sys, t);
}

static int open_fb(struct kbm_target *t, int oflags)
{
	struct fb_fix_screeninfo fix;

	t->fd = open_node(t, t->spec.arg[0] ? t->spec.arg : "/dev/fb0", oflags,
			  "no framebuffer: a display and its DRM driver (e.g. bochs) or an fbdev driver");
	if (t->fd < 0)
		return t->fd;
	if (ioctl(t->fd, FBIOGET_FSCREENINFO, &fix))
		return fail(t, errno, "%s: FBIOGET_FSCREENINFO", t->path);
	memcpy(t->driver, fix.id, sizeof(fix.id));
	t->driver[sizeof(fix.id)] = '\0';
	t->size = fix.smem_len;
	t->fixed_size = true;
	t->view = KBM_VIEW_FD;	/* fb_read/fb_write: the same screen memory */
	t->view_fd = t->fd;
	fb_phys(t, &fix);
	return 0;
}

/* uio map 0: its size from sysfs; the mmap offset 0 selects it. */
static int open_uio(struct kbm_target *t, int oflags)
{
	const char *path = t->spec.arg[0] ? t->spec.arg : "/dev/uio0";
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	char sys[400], val[64];
	int err;

	t->fd = open_node(t, path, oflags, "no UIO device: bind one to a UIO driver, "
			  "e.g. uio_pci_generic through its new_id");
	if (t->fd < 0)
		return t->fd;
	snprintf(sys, sizeof(sys), "/sys/class/uio/%s/name", base);
	if (read_first_line(sys, t->driver, sizeof(t->driver)))
		snprintf(t->driver, sizeof(t->driver), "?");
	snprintf(sys, sizeof(sys), "/sys/class/uio/%s/maps/map0/size", base);
	err = read_first_line(sys, val, sizeof(val));
	if (err)
		return fail(t, -err == ENOENT ? ENODEV : -err, "%s (the device has no memory map 0)", sys);
	t->size = strtoull(val, NULL, 0);
	t->fixed_size = true;
	t->offset = 0;		/* map N is at N * page size */
	snprintf(sys, sizeof(sys), "/sys/class/uio/%s/maps/map0/addr", base);
	if (!read_first_line(sys, val, sizeof(val))) {
		t->phys_addr = strtoull(val, NULL, 0);
		t->phys_size = t->size;
	}
	t->view = KBM_VIEW_ACCESS;	/* generic_access_phys for UIO_MEM_PHYS */
	return 0;
}

static int open_device(struct kbm_target *t, int oflags)
{
	t->fd = open_node(t, t->spec.arg, oflags, "no such device");
	if (t->fd < 0)
		return t->fd;
	chrdev_driver(t->fd, t->driver, sizeof(t->driver));
	t->fixed_size = t->spec.size != 0;
	t->view = KBM_VIEW_FD;	/* if the driver has read/write at all */
	t->view_fd = t->fd;
	return 0;
}

int kbm_target_open(const struct kbm_target_spec *spec, uint64_t pages,
		    int oflags, struct kbm_target *t)
{
	int err;

	*t = (struct kbm_target){ .spec = *spec, .fd = -1, .view_fd = -1, .dev_fd = -1 };
	t->size = spec->kind == KBM_TARGET_DEVICE && spec->size ? spec->size :
		  pages * (uint64_t)sysconf(_SC_PAGESIZE);
	switch (spec->kind) {
	case KBM_TARGET_KBUFMAP: err = open_kbufmap(t, pages, oflags); break;
	case KBM_TARGET_DMA_HEAP: err = open_dma_heap(t, oflags); break;
	case KBM_TARGET_UDMABUF: err = open_udmabuf(t); break;
	case KBM_TARGET_DRM_DUMB: err = open_drm_dumb(t, oflags); break;
	case KBM_TARGET_FB: err = open_fb(t, oflags); break;
	case KBM_TARGET_UIO: err = open_uio(t, oflags); break;
	case KBM_TARGET_DEVICE: err = open_device(t, oflags); break;
	default: err = -EINVAL; break;
	}
	if (err)
		kbm_target_close(t);
	return err;
}

int kbm_target_sync(const struct kbm_target *t, bool begin, bool write)
{
	struct dma_buf_sync s = {
		.flags = (begin ? DMA_BUF_SYNC_START : DMA_BUF_SYNC_END) |
			 (write ? DMA_BUF_SYNC_RW : DMA_BUF_SYNC_READ),
	};

	if (!t->dmabuf)
		return 0;
	return ioctl(t->fd, DMA_BUF_IOCTL_SYNC, &s) ? -errno : 0;
}

int kbm_target_fail(const struct kbm_target *t, const char *text, int err)
{
	return kbm_fail(err, "--target %s: %s", text,
			t->why[0] ? t->why : strerror(err < 0 ? -err : err));
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

void kbm_target_close(struct kbm_target *t)
{
	if (t->view_fd == t->fd || t->view_fd == t->dev_fd)
		t->view_fd = -1;
	if (t->fd == t->dev_fd)
		t->fd = -1;
	close_fd(&t->view_fd);
	close_fd(&t->fd);
	close_fd(&t->dev_fd);
	t->handle = 0;
}
