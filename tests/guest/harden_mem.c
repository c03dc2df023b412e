// SPDX-License-Identifier: GPL-2.0
/*
 * No request from user space can exhaust the machine: the module's memory
 * cap (parameter max_bytes) answers ENOMEM past it, and past the RAM too
 * (cap raised above it) every backend fails with ENOMEM without waking the
 * OOM killer. Runs in the guest as root; TAP (tests/lib/tap.h). The caller
 * (harden_mem.sh) checks the kernel log and that the machine still works.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "uapi/kbufmap.h"
#include "../lib/tap.h"
#include "../lib/pages.h"

#define PARAM		"/sys/module/kbufmap/parameters/max_bytes"
#define MAX_FILES	16

static uint64_t read_u64(const char *path, const char *key)
{
	unsigned long long v = 0;
	char line[256];
	FILE *f = fopen(path, "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		size_t n = key ? strlen(key) : 0;

		if (!key && sscanf(line, "%llu", &v) == 1)
			break;
		if (key && !strncmp(line, key, n) && line[n] == ' ' &&
		    sscanf(line + n, "%llu", &v) == 1)
			break;
	}
	fclose(f);
	return v;
}

static int write_param(uint64_t bytes)
{
	FILE *f = fopen(PARAM, "w");
	int err;

	if (!f)
		return -errno;
	fprintf(f, "%llu\n", (unsigned long long)bytes);
	err = fclose(f) ? -errno : 0;
	return err;
}

static int get_version(struct kbufmap_version *v)
{
	int fd = open(KBUFMAP_DEVICE_PATH, O_RDWR);
	int ret;

	if (fd < 0)
		return -errno;
	memset(v, 0, sizeof(*v));
	ret = ioctl(fd, KBUFMAP_IOC_VERSION, v) ? -errno : 0;
	close(fd);
	return ret;
}

/* A new file with a buffer of @pages, or -errno of CONFIGURE (file closed). */
static int open_buffer(uint64_t pages, uint32_t backend)
{
	struct kbufmap_config c;
	int fd = open(KBUFMAP_DEVICE_PATH, O_RDWR);
	int err;

	if (fd < 0)
		return -errno;
	memset(&c, 0, sizeof(c));
	c.nr_pages = pages;
	c.backend = backend;
	c.strategy = KBUFMAP_STRATEGY_FAULT;
	c.node = KBUFMAP_NODE_ANY;
	if (!ioctl(fd, KBUFMAP_IOC_CONFIGURE, &c))
		return fd;
	err = errno;
	close(fd);
	return -err;
}

static void close_all(int *fds, int n)
{
	while (n--)
		close(fds[n]);
}

/* The default cap is a quarter of MemTotal, shown by sysfs and VERSION. */
static uint64_t check_default_cap(void)
{
	uint64_t cap = read_u64(PARAM, NULL);
	uint64_t ram = read_u64("/proc/meminfo", "MemTotal:") << 10;
	struct kbufmap_version v = { 0 };

	tap_ok(cap > 0, "max_bytes is readable in sysfs: %llu", (unsigned long long)cap);
	tap_ok(cap >= ram / 4 - page_size && cap <= ram / 4 + page_size,
	       "default cap %llu is a quarter of MemTotal %llu", (unsigned long long)cap,
	       (unsigned long long)ram);
	if (tap_ok(!get_version(&v), "VERSION ioctl"))
		tap_is_u64(v.max_bytes, cap, "VERSION reports the cap");
	tap_is_u64(v.bytes_in_use, 0, "VERSION: no bytes in use at the start");
	return cap;
}

/* Files asking for the per-file maximum: each one is past the cap. */
static void check_max_requests(uint64_t cap)
{
	uint64_t max_mib = KBUFMAP_MAX_PAGES * page_size >> 20;	/* 1 GiB of 4 KiB pages */
	int i, refused = 0;

	if (cap >= KBUFMAP_MAX_PAGES * page_size) {
		tap_skip("requests of the per-file maximum past the cap",
			 "the cap %llu is above %llu MiB", (unsigned long long)cap,
			 (unsigned long long)max_mib);
		return;
	}
	for (i = 0; i < MAX_FILES; i++) {
		int fd = open_buffer(KBUFMAP_MAX_PAGES, i % 3);

		if (fd >= 0)
			close(fd);
		refused += fd == -ENOMEM;
	}
	tap_is_u64(refused, MAX_FILES, "%d files asking for %llu MiB each: all ENOMEM", MAX_FILES,
		   (unsigned long long)max_mib);
}

/* Quarters of the cap: four fit, the fifth is refused, closing frees all. */
static void check_cap_fills(uint64_t cap)
{
	uint64_t pages = cap / 4 / page_size;
	struct kbufmap_version v;
	int fds[5], n = 0, err = 0, i;

	for (i = 0; i < 5; i++) {
		int fd = open_buffer(pages, KBUFMAP_BACKEND_PAGES);

		if (fd < 0) {
			err = -fd;
			break;
		}
		fds[n++] = fd;
	}
	tap_is_u64(n, 4, "buffers of a quarter of the cap: four fit");
	tap_ok(err == ENOMEM, "the fifth gets ENOMEM (got %s)", err ? strerror(err) : "success");
	if (!get_version(&v))
		tap_is_u64(v.bytes_in_use, 4 * pages * page_size, "VERSION: bytes in use");
	close_all(fds, n);
	if (!get_version(&v))
		tap_is_u64(v.bytes_in_use, 0, "closing the files frees the bytes");
}

/*
 * The cap above the RAM: now the allocator says no. Each backend fails with
 * ENOMEM, nothing else, and the OOM killer never runs (/proc/vmstat).
 */
static void check_past_ram(void)
{
	static const char *const names[] = { "vmalloc", "pages", "contig" };
	uint64_t kills = read_u64("/proc/vmstat", "oom_kill");
	int b;

	if (!tap_ok(!write_param(64ULL << 30), "root raises the cap to 64 GiB"))
		return;
	for (b = 0; b < 3; b++) {
		int fds[MAX_FILES], n = 0, err = 0;

		while (n < MAX_FILES) {
			int fd = open_buffer(KBUFMAP_MAX_PAGES, b);

			if (fd < 0) {
				err = -fd;
				break;
			}
			fds[n++] = fd;
		}
		tap_ok(err == ENOMEM, "%s: %llu MiB files past the RAM: ENOMEM after %d (got %s)",
		       names[b], KBUFMAP_MAX_PAGES * page_size >> 20, n,
		       err ? strerror(err) : "no refusal");
		close_all(fds, n);
	}
	tap_is_u64(read_u64("/proc/vmstat", "oom_kill") - kills, 0,
		   "the OOM killer never ran (/proc/vmstat oom_kill)");
}

int main(void)
{
	uint64_t cap;

	pages_init();
	cap = check_default_cap();

	check_max_requests(cap);
	check_cap_fills(cap);
	check_past_ram();
	tap_ok(!write_param(cap), "the cap is restored");
	tap_ok(write_param(0) == -EINVAL, "a cap of 0 is refused (EINVAL)");
	return tap_done();
}
