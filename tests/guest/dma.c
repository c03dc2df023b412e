// SPDX-License-Identifier: GPL-2.0
/*
 * dma: the DMA-API backends end to end. Each of dma-coherent, dma-wc and
 * dma-noncoherent configures with the dma-mmap strategy, maps shared, and
 * what is written through the mapping reads back through pread() and
 * through a second mapping at a page offset; GET_INFO and GET_PFNS describe
 * one contiguous run; DMA_SYNC works in both ops and all directions on
 * dma-noncoherent (counted), and is refused for anything else. Refused
 * configurations, every bad DMA_SYNC field, and the bytes back to zero after
 * close. The user mapping's attribute (PGATTR) follows the device's
 * coherence. Then the same on a borrowed device (the dma_device parameter:
 * a bound PCI device, coherent on arm64's virt machine too), with a buffer
 * of the module's own device kept across the switch, and every bad
 * dma_device value refused. The runner fails the run on any WARNING in the
 * kernel log (a size past one allocation must be refused before the
 * allocator warns).
 * TAP output (tests/lib/tap.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <dirent.h>
#include <unistd.h>

#include "uapi/kbufmap.h"
#include "../lib/tap.h"
#include "../lib/pages.h"

#define PS		page_size	/* read at run time: 4, 16 or 64 KiB */
#define NPAGES		8UL
#define SIZE		(NPAGES * PS)

/*
 * The largest buffer without CMA: one block of the buddy allocator's top
 * order, whose columns /proc/buddyinfo lists (order 10, 1024 pages, on
 * x86-64; arm64 with 16 KiB pages has order 11).
 */
static unsigned long max_dma_pages = 1024;

static void read_max_order(void)
{
	char line[512], *tok, *save;
	FILE *f = fopen("/proc/buddyinfo", "r");
	int cols = 0;

	if (f && fgets(line, sizeof(line), f)) {
		/* "Node 0, zone   DMA32   n0 n1 ... nMAX" */
		for (tok = strtok_r(line, " \n", &save); tok; tok = strtok_r(NULL, " \n", &save))
			cols++;
		if (cols > 5)
			max_dma_pages = 1UL << (cols - 5);
	}
	if (f)
		fclose(f);
}

/*
 * GET_INFO's coherence for the device now in use. x86 treats every device
 * as coherent; arm64 only one with a dma-coherent firmware property, which
 * the module's own misc device lacks (no firmware node at all).
 */
#ifdef __aarch64__
#define OWN_DEVICE_COHERENT	0u
#else
#define OWN_DEVICE_COHERENT	KBUFMAP_INFO_DMA_COHERENT
#endif
static uint32_t coherent = OWN_DEVICE_COHERENT;
/* Appended to each backend's name while a borrowed device is in use. */
static char device_label[80];

static const char *const names[KBUFMAP_BACKEND_COUNT] = {
	[KBUFMAP_BACKEND_DMA_COHERENT] = "dma-coherent",
	[KBUFMAP_BACKEND_DMA_WC] = "dma-wc",
	[KBUFMAP_BACKEND_DMA_NONCOHERENT] = "dma-noncoherent",
};

static int xioctl(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) ? -errno : 0;
}

static int configure(int fd, uint64_t pages, uint32_t backend, uint32_t strategy, int32_t node)
{
	struct kbufmap_config c = {
		.nr_pages = pages, .backend = backend, .strategy = strategy, .node = node,
	};

	return xioctl(fd, KBUFMAP_IOC_CONFIGURE, &c);
}

static void expect_what(int got, int want, const char *what)
{
	if (!tap_ok(got == -want, "%s", what))
		tap_diag("got %s, want %s", got ? strerror(-got) : "success",
			 want ? strerror(want) : "success");
}

/* expect(got, want, printf format, its arguments) */
#define expect(got, want, ...) do {					\
	char what_[320];						\
									\
	snprintf(what_, sizeof(what_), __VA_ARGS__);			\
	expect_what(got, want, what_);					\
} while (0)

/* dma_mmap_pages() came in 5.13: the module refuses dma-noncoherent before. */
static int has_dma_mmap_pages(void)
{
	struct utsname u;
	int ma = 0, mi = 0;

	if (uname(&u) || sscanf(u.release, "%d.%d", &ma, &mi) != 2)
		return 1;
	return ma > 5 || (ma == 5 && mi >= 13);
}

static int counters(int fd, uint32_t scope, struct kbufmap_stats *st)
{
	memset(st, 0, sizeof(*st));
	st->scope = scope;
	return xioctl(fd, KBUFMAP_IOC_GET_COUNTERS, st);
}

static int sync_range(int fd, uint64_t off, uint64_t len, uint32_t dir, uint32_t op)
{
	struct kbufmap_dma_sync s = { .offset = off, .length = len, .direction = dir, .op = op };

	return xioctl(fd, KBUFMAP_IOC_DMA_SYNC, &s);
}

/* The page table's attribute for the first page mapped at addr. */
static uint32_t mapped_attr(int fd, const void *addr)
{
	struct kbufmap_pgattr_run run = { 0 };
	struct kbufmap_pgattr req = {
		.addr = (uintptr_t)addr, .nr_pages = 1, .runs = (uintptr_t)&run, .max_runs = 1,
	};

	if (xioctl(fd, KBUFMAP_IOC_PGATTR, &req) || req.nr_runs != 1 ||
	    !(run.flags & KBUFMAP_PGATTR_PRESENT))
		return KBUFMAP_ATTR_NONE;
	return run.attr;
}

/*
 * dma_mmap_coherent() and dma_mmap_wc() map a non-coherent device's memory
 * Normal-NC (dma_pgprot()); a coherent device's stays write-back (x86
 * ignores WC there), and dma_mmap_pages() never changes it.
 */
static void check_attr(int fd, const void *addr, uint32_t backend, const char *name)
{
	uint32_t want = coherent || backend == KBUFMAP_BACKEND_DMA_NONCOHERENT ?
			KBUFMAP_ATTR_WB : KBUFMAP_ATTR_WC;
	uint32_t got = mapped_attr(fd, addr);

	if (!tap_ok(got == want, "%s: the user mapping is %s, on a DMA-%scoherent device", name,
		    want == KBUFMAP_ATTR_WB ? "write-back" : "write-combining (arm64: Normal-NC)",
		    coherent ? "" : "non-"))
		tap_diag("PGATTR says attribute %u, want %u", got, want);
}

/* Written through one mapping: seen by pread() and by a mapping at page 2. */
static void check_data(int fd, uint32_t backend, const char *name)
{
	uint8_t *a, *b, *got = malloc(SIZE);
	size_t i, bad = SIZE;

	a = mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	b = mmap(NULL, 4 * PS, PROT_READ, MAP_SHARED, fd, 2 * PS);
	if (!tap_ok(a != MAP_FAILED && b != MAP_FAILED && got, "%s: two shared dma-mmap mappings",
		    name)) {
		tap_diag("mmap: %s", strerror(errno));
		return;
	}
	for (i = 0; i < SIZE; i++)
		if (a[i]) {
			bad = i;
			break;
		}
	tap_ok(bad == SIZE, "%s: the fresh buffer reads as zero", name);
	check_attr(fd, a, backend, name);
	for (i = 0; i < SIZE; i++)
		a[i] = (uint8_t)(i * 7 + i / PS);
	tap_ok(pread(fd, got, SIZE, 0) == (ssize_t)SIZE && !memcmp(got, a, SIZE),
	       "%s: all %lu bytes written through the mapping read back by pread()", name, SIZE);
	tap_ok(!memcmp(b, a + 2 * PS, 4 * PS),
	       "%s: a mapping at page offset 2 shows pages 2..5 (vm_pgoff honoured)", name);
	munmap(a, SIZE);
	munmap(b, 4 * PS);
	free(got);
}

static void check_info(int fd, const char *name)
{
	uint32_t want = KBUFMAP_INFO_CONFIGURED | KBUFMAP_INFO_CONTIGUOUS | coherent;
	struct kbufmap_info info;
	uint64_t pfns[NPAGES];
	struct kbufmap_pfns req = { .first = 0, .count = NPAGES, .pfns = (uintptr_t)pfns };
	size_t i;
	int run = 1;

	if (!tap_ok(!xioctl(fd, KBUFMAP_IOC_GET_INFO, &info), "%s: GET_INFO", name))
		return;
	if (!tap_ok((info.flags & (want | KBUFMAP_INFO_DMA_COHERENT)) == want && info.nr_chunks == 1,
		    "%s: GET_INFO says one contiguous run, on a DMA-%scoherent device", name,
		    coherent ? "" : "non-"))
		tap_diag("flags 0x%x, nr_chunks %u", info.flags, info.nr_chunks);
	if (!tap_ok(!xioctl(fd, KBUFMAP_IOC_GET_PFNS, &req), "%s: GET_PFNS", name))
		return;
	for (i = 1; i < NPAGES; i++)
		run &= pfns[i] == pfns[0] + i;
	tap_ok(run && pfns[0], "%s: GET_PFNS gives %lu consecutive PFNs from 0x%llx", name,
	       NPAGES, (unsigned long long)pfns[0]);
}

/* Every op and direction counted; a read-only file may take it for the CPU. */
static void check_sync(int fd, const char *name)
{
	struct kbufmap_stats s0, s1;
	int ok = 1, ro;
	uint32_t d, op;

	counters(fd, KBUFMAP_SCOPE_BUFFER, &s0);
	for (op = 0; op < KBUFMAP_DMA_SYNC_OP_COUNT; op++)
		for (d = 0; d < KBUFMAP_DMA_DIR_COUNT; d++)
			ok &= !sync_range(fd, PS, 2 * PS, d, op);
	ok &= !sync_range(fd, 0, SIZE, KBUFMAP_DMA_BIDIRECTIONAL, KBUFMAP_DMA_SYNC_FOR_CPU);
	ok &= !sync_range(fd, SIZE - 1, 1, KBUFMAP_DMA_FROM_DEVICE, KBUFMAP_DMA_SYNC_FOR_CPU);
	tap_ok(ok, "%s: DMA_SYNC for_cpu and for_device in every direction, whole buffer, last byte",
	       name);
	counters(fd, KBUFMAP_SCOPE_BUFFER, &s1);
	if (!tap_ok(s1.counters.dma_syncs_for_cpu - s0.counters.dma_syncs_for_cpu == 5 &&
		    s1.counters.dma_syncs_for_device - s0.counters.dma_syncs_for_device == 3,
		    "%s: counted: 5 dma_syncs_for_cpu, 3 dma_syncs_for_device", name))
		tap_diag("for_cpu +%llu, for_device +%llu",
			 (unsigned long long)(s1.counters.dma_syncs_for_cpu - s0.counters.dma_syncs_for_cpu),
			 (unsigned long long)(s1.counters.dma_syncs_for_device -
					      s0.counters.dma_syncs_for_device));

	ro = ioctl(fd, KBUFMAP_IOC_REOPEN_RDONLY);
	if (!tap_ok(ro >= 0, "%s: a read-only file of the buffer", name))
		return;
	expect(sync_range(ro, 0, PS, KBUFMAP_DMA_FROM_DEVICE, KBUFMAP_DMA_SYNC_FOR_CPU), 0,
	       "%s: a read-only file may take the buffer for the CPU", name);
	expect(sync_range(ro, 0, PS, KBUFMAP_DMA_TO_DEVICE, KBUFMAP_DMA_SYNC_FOR_DEVICE), EBADF,
	       "%s: a read-only file may not give it to the device (EBADF)", name);
	close(ro);
}

/* Each bad field alone: EINVAL, and nothing counted. */
static void check_sync_refused(int fd, const char *name)
{
	const struct { uint64_t off, len; uint32_t dir, op, res; const char *what; } bad[] = {
		{ 0, 0, 0, 0, 0, "length 0" },
		{ SIZE, 1, 0, 0, 0, "offset at the end" },
		{ SIZE - PS, 2 * PS, 0, 0, 0, "range past the end" },
		{ PS, UINT64_MAX, 0, 0, 0, "offset + length overflows" },
		{ UINT64_MAX, 2, 0, 0, 0, "offset UINT64_MAX" },
		{ 0, PS, KBUFMAP_DMA_DIR_COUNT, 0, 0, "unknown direction" },
		{ 0, PS, UINT32_MAX, 0, 0, "direction UINT32_MAX" },
		{ 0, PS, 0, KBUFMAP_DMA_SYNC_OP_COUNT, 0, "unknown op" },
		{ 0, PS, 0, 0, 1, "reserved[0] != 0" },
		{ 0, PS, 0, 0, 2, "reserved[1] != 0" },
	};
	struct kbufmap_stats s0, s1;
	char what[200];
	size_t i;

	counters(fd, KBUFMAP_SCOPE_BUFFER, &s0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct kbufmap_dma_sync s = {
			.offset = bad[i].off, .length = bad[i].len,
			.direction = bad[i].dir, .op = bad[i].op,
		};

		if (bad[i].res)
			s.reserved[bad[i].res - 1] = 1;
		snprintf(what, sizeof(what), "%s: DMA_SYNC %s refused with EINVAL", name,
			 bad[i].what);
		expect(xioctl(fd, KBUFMAP_IOC_DMA_SYNC, &s), EINVAL, "%s", what);
	}
	counters(fd, KBUFMAP_SCOPE_BUFFER, &s1);
	tap_ok(s1.counters.dma_syncs_for_cpu == s0.counters.dma_syncs_for_cpu &&
	       s1.counters.dma_syncs_for_device == s0.counters.dma_syncs_for_device,
	       "%s: refused syncs are not counted", name);
}

static void check_backend(const char *dev, uint32_t b)
{
	struct kbufmap_stats st;
	int fd = open(dev, O_RDWR), err;
	char name[112];

	snprintf(name, sizeof(name), "%s%s", names[b], device_label);

	if (!tap_ok(fd >= 0, "%s: open", name))
		return;
	err = configure(fd, NPAGES, b, KBUFMAP_STRATEGY_DMA_MMAP, KBUFMAP_NODE_ANY);
	if (b == KBUFMAP_BACKEND_DMA_NONCOHERENT && !has_dma_mmap_pages()) {
		expect(err, EOPNOTSUPP, "%s: refused with EOPNOTSUPP: this kernel has no "
		       "dma_mmap_pages() (5.13 and later) to map it", name);
		close(fd);
		return;
	}
	if (!tap_ok(!err, "%s: CONFIGURE %lu pages with dma-mmap", name, NPAGES)) {
		tap_diag("CONFIGURE: %s", strerror(-err));
		close(fd);
		return;
	}
	check_info(fd, name);
	check_data(fd, b, name);
	counters(fd, KBUFMAP_SCOPE_BUFFER, &st);
	if (!tap_ok(st.counters.mmaps == 2 && st.counters.remap_calls == 2 &&
		    st.counters.faults == 0, "%s: two mmaps, one remap each, no fault", name))
		tap_diag("mmaps %llu, remap_calls %llu, faults %llu",
			 (unsigned long long)st.counters.mmaps,
			 (unsigned long long)st.counters.remap_calls,
			 (unsigned long long)st.counters.faults);
	if (b == KBUFMAP_BACKEND_DMA_NONCOHERENT) {
		check_sync(fd, name);
		check_sync_refused(fd, name);
	} else {
		expect(sync_range(fd, 0, PS, 0, 0), EINVAL,
		       "%s: DMA_SYNC refused with EINVAL: coherent memory has no owner to hand over",
		       name);
	}
	close(fd);
}

/*
 * CmaTotal, in KiB, is in /proc/meminfo only where the kernel has CMA; 0
 * without it. A buffer past one buddy block that the CMA area cannot hold
 * either is this kernel's limit: E2BIG (Debian's 7.2 has CMA, no area).
 */
static long cma_total_kib(void)
{
	char line[256];
	FILE *f = fopen("/proc/meminfo", "r");
	long kib = 0;

	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "CmaTotal:", 9))
			kib = strtol(line + 9, NULL, 10);
	if (f)
		fclose(f);
	return kib;
}

static void check_refused(const char *dev)
{
	int fd = open(dev, O_RDWR), err;
	unsigned long big_pages;

	if (!tap_ok(fd >= 0, "open for the refusals"))
		return;
	expect(configure(fd, 4, KBUFMAP_BACKEND_DMA_COHERENT, KBUFMAP_STRATEGY_REMAP,
			 KBUFMAP_NODE_ANY), EOPNOTSUPP, "%s", "dma-coherent with remap: EOPNOTSUPP");
	expect(configure(fd, 4, KBUFMAP_BACKEND_DMA_WC, KBUFMAP_STRATEGY_FAULT, KBUFMAP_NODE_ANY),
	       EOPNOTSUPP, "%s", "dma-wc with fault: EOPNOTSUPP");
	expect(configure(fd, 4, KBUFMAP_BACKEND_PAGES, KBUFMAP_STRATEGY_DMA_MMAP, KBUFMAP_NODE_ANY),
	       EOPNOTSUPP, "%s", "dma-mmap on the pages backend: EOPNOTSUPP");
	expect(configure(fd, 4, KBUFMAP_BACKEND_DMA_COHERENT, KBUFMAP_STRATEGY_DMA_MMAP, 0),
	       EOPNOTSUPP, "%s", "dma-coherent on node 0: EOPNOTSUPP");
	/* past one buddy block: E2BIG unless the CMA area could hold it */
	if (cma_total_kib() > (long)((max_dma_pages + 1) * (PS >> 10)))
		tap_skip("dma-coherent of one page past a block", "this kernel's CMA area could hold it");
	else
		expect(configure(fd, max_dma_pages + 1, KBUFMAP_BACKEND_DMA_COHERENT,
				 KBUFMAP_STRATEGY_DMA_MMAP, KBUFMAP_NODE_ANY), E2BIG,
		       "dma-coherent of %lu pages (past one %lu MiB block; CMA area %ld KiB): E2BIG",
		       max_dma_pages + 1, max_dma_pages * PS >> 20, cma_total_kib());
	/*
	 * 256 MiB (64 blocks of 4 KiB pages): past any block, yet within the
	 * module's memory cap, which refuses larger buffers with ENOMEM first
	 * (64 blocks of 16 KiB pages would be 2 GiB).
	 */
	big_pages = (256UL << 20) / PS;
	if (big_pages < 2 * max_dma_pages)
		big_pages = 2 * max_dma_pages;
	if (cma_total_kib() >= (long)(big_pages * (PS >> 10)))
		tap_skip("dma-wc of 256 MiB", "this kernel's CMA area could hold it");
	else
		expect(configure(fd, big_pages, KBUFMAP_BACKEND_DMA_WC,
				 KBUFMAP_STRATEGY_DMA_MMAP, KBUFMAP_NODE_ANY), E2BIG,
		       "dma-wc of %lu MiB: E2BIG", big_pages * PS >> 20);
	err = configure(fd, max_dma_pages, KBUFMAP_BACKEND_DMA_COHERENT, KBUFMAP_STRATEGY_DMA_MMAP,
			KBUFMAP_NODE_ANY);
	expect(err, 0, "dma-coherent of %lu pages (%lu MiB, the largest) configures",
	       max_dma_pages, max_dma_pages * PS >> 20);
	/* a non-DMA buffer has nothing to sync */
	expect(configure(fd, 4, KBUFMAP_BACKEND_VMALLOC, KBUFMAP_STRATEGY_FAULT, KBUFMAP_NODE_ANY),
	       0, "%s", "vmalloc/fault configures");
	expect(sync_range(fd, 0, PS, 0, 0), EINVAL, "%s", "DMA_SYNC on a vmalloc buffer: EINVAL");
	close(fd);
}

/* --- dma_device: a borrowed device ---------------------------------------- */

#define DMA_DEVICE_PARAM	"/sys/module/kbufmap/parameters/dma_device"

/* 0, or the errno with which the kernel refused the value. */
static int set_dma_device(const char *spec)
{
	int fd = open(DMA_DEVICE_PARAM, O_WRONLY), err = 0;

	if (fd < 0)
		return errno;
	if (write(fd, spec, strlen(spec)) < 0)
		err = errno;
	close(fd);
	return err;
}

static int dma_device_is(const char *spec)
{
	char got[128] = "";
	FILE *f = fopen(DMA_DEVICE_PARAM, "r");

	if (f && !fgets(got, sizeof(got), f))
		got[0] = '\0';
	if (f)
		fclose(f);
	got[strcspn(got, "\n")] = '\0';
	if (strcmp(got, spec))
		tap_diag("dma_device reads '%s', want '%s'", got, spec);
	return !strcmp(got, spec);
}

/*
 * A PCI device bound to a driver (one of virtio-pci's first: every guest
 * has them) or, with bound 0, one without: its dma_device value.
 */
static int find_pci(int bound, char *spec, size_t len)
{
	DIR *d = opendir("/sys/bus/pci/devices");
	char link[512], target[512];
	struct dirent *e;
	int found = 0;
	ssize_t n;

	while (d && (e = readdir(d)) && found < 2) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(link, sizeof(link), "/sys/bus/pci/devices/%s/driver", e->d_name);
		n = readlink(link, target, sizeof(target) - 1);
		if ((n > 0) != bound)
			continue;
		target[n > 0 ? n : 0] = '\0';
		if (!found || (bound && strstr(target, "/virtio-pci"))) {
			snprintf(spec, len, "pci:%.48s", e->d_name);
			found = bound && strstr(target, "/virtio-pci") ? 2 : 1;
		}
	}
	if (d)
		closedir(d);
	return found;
}

/* Every bad value refused with its errno, and nothing changed. */
static void check_dma_device_refused(void)
{
	static const struct {
		const char *spec;
		int err;
		const char *why;
	} bad[] = {
		{ "bogus", ENODEV, "no bus prefix" },
		{ "pci:", ENODEV, "no device name" },
		{ "pci:ffff:ff:1f.7", ENODEV, "no such PCI device" },
		{ "platform:kbufmap-no-such-device", ENODEV, "no such platform device" },
		{ "Misc", ENODEV, "names are case-sensitive" },
		{ "pci:0000:00:00.0-and-then-some-more-text-to-be-longer-than-64-bytes", EINVAL,
		  "longer than 63 bytes" },
	};
	char unbound[64];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		expect(-set_dma_device(bad[i].spec), bad[i].err, "dma_device=%.40s refused (%s)",
		       bad[i].spec, bad[i].why);
		tap_ok(dma_device_is("misc"), "dma_device still misc after '%.40s'", bad[i].spec);
	}
	if (find_pci(0, unbound, sizeof(unbound))) {
		expect(-set_dma_device(unbound), ENXIO,
		       "dma_device=%s refused: no driver bound, so its DMA is not set up", unbound);
		tap_ok(dma_device_is("misc"), "dma_device still misc");
	} else {
		tap_skip("dma_device of an unbound PCI device", "every PCI device of this guest is bound");
	}
}

/*
 * A buffer of the module's own device, mapped before the switch, keeps its
 * device, attribute and data: each buffer holds the device it came from.
 */
static void check_borrowed(const char *dev)
{
	char spec[64];
	struct kbufmap_info info;
	uint8_t *own = MAP_FAILED;
	uint32_t b;
	int fd = open(dev, O_RDWR);

	if (!tap_ok(dma_device_is("misc"), "dma_device is misc at load"))
		return;
	check_dma_device_refused();
	if (!tap_ok(fd >= 0 && !configure(fd, NPAGES, KBUFMAP_BACKEND_DMA_COHERENT,
					   KBUFMAP_STRATEGY_DMA_MMAP, KBUFMAP_NODE_ANY),
		    "a dma-coherent buffer of the module's own device"))
		goto out;
	own = mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (!tap_ok(own != MAP_FAILED, "mapped"))
		goto out;
	memset(own, 0xa5, SIZE);
	if (!tap_ok(find_pci(1, spec, sizeof(spec)), "a PCI device bound to a driver in this guest"))
		goto out;
	if (!tap_ok(!set_dma_device(spec) && dma_device_is(spec), "dma_device=%s", spec))
		goto out;
	/* x86: every device; arm64: the virt machine's PCIe host is dma-coherent */
	coherent = KBUFMAP_INFO_DMA_COHERENT;
	snprintf(device_label, sizeof(device_label), " (%s)", spec);
	for (b = KBUFMAP_BACKEND_DMA_COHERENT; b <= KBUFMAP_BACKEND_DMA_NONCOHERENT; b++)
		check_backend(dev, b);
	device_label[0] = '\0';
	coherent = OWN_DEVICE_COHERENT;
	tap_ok(!xioctl(fd, KBUFMAP_IOC_GET_INFO, &info) &&
	       (info.flags & KBUFMAP_INFO_DMA_COHERENT) == OWN_DEVICE_COHERENT,
	       "the buffer made before the switch still reports its own device's coherence");
	check_attr(fd, own, KBUFMAP_BACKEND_DMA_COHERENT, "the buffer made before the switch");
	tap_ok(own[0] == 0xa5 && own[SIZE - 1] == 0xa5 && !memcmp(own, own + PS, SIZE - PS),
	       "the buffer made before the switch keeps its data");
	expect(-set_dma_device("misc\n"), 0, "%s", "dma_device=misc again");
	tap_ok(dma_device_is("misc"), "dma_device reads misc");
out:
	if (own != MAP_FAILED)
		munmap(own, SIZE);
	if (fd >= 0)
		close(fd);
	set_dma_device("misc");
}

int main(int argc, char **argv)
{
	const char *dev = argc > 1 ? argv[1] : KBUFMAP_DEVICE_PATH;
	struct kbufmap_version v0, v1;
	struct kbufmap_stats st;
	int fd = open(dev, O_RDWR), ok = 1;
	uint32_t b;

	pages_init();
	read_max_order();
	if (fd < 0) {
		tap_skip("dma", "%s: %s (is the module loaded?)", dev, strerror(errno));
		return tap_done();
	}
	tap_ok(!xioctl(fd, KBUFMAP_IOC_VERSION, &v0), "VERSION");
	for (b = KBUFMAP_BACKEND_DMA_COHERENT; b <= KBUFMAP_BACKEND_DMA_NONCOHERENT; b++)
		check_backend(dev, b);
	check_refused(dev);
	check_borrowed(dev);

	tap_ok(!xioctl(fd, KBUFMAP_IOC_VERSION, &v1) && v1.bytes_in_use == v0.bytes_in_use,
	       "bytes_in_use back to %llu after close", (unsigned long long)v0.bytes_in_use);
	if (!counters(fd, KBUFMAP_SCOPE_MODULE, &st))
		for (b = KBUFMAP_BACKEND_DMA_COHERENT; b <= KBUFMAP_BACKEND_DMA_NONCOHERENT; b++)
			ok &= st.bytes_allocated[b] == 0;
	tap_ok(ok, "bytes_allocated of every DMA backend back to 0");
	close(fd);
	return tap_done();
}
