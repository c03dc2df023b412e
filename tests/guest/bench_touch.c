// SPDX-License-Identifier: GPL-2.0
/*
 * bench_touch: the independent timing `kbufmapctl bench` is checked
 * against. It configures a buffer, then REPEAT times maps it MAP_SHARED,
 * times one read of one byte per page with CLOCK_MONOTONIC and nothing else
 * inside the clock, and unmaps it; it prints the median ns per page.
 * It shares no code with bench (only the uapi header).
 *
 *   bench_touch DEVICE BACKEND STRATEGY PAGES REPEAT
 *   (backend and strategy as enum numbers of uapi/kbufmap.h)
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "uapi/kbufmap.h"

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	struct kbufmap_config cfg = { 0 };
	size_t ps = (size_t)sysconf(_SC_PAGESIZE), len;
	uint64_t *t;
	int fd, reps;

	if (argc != 6) {
		fprintf(stderr, "usage: %s DEVICE BACKEND STRATEGY PAGES REPEAT\n", argv[0]);
		return 2;
	}
	cfg.backend = (uint32_t)atoi(argv[2]);
	cfg.strategy = (uint32_t)atoi(argv[3]);
	cfg.nr_pages = strtoull(argv[4], NULL, 0);
	cfg.node = KBUFMAP_NODE_ANY;
	reps = atoi(argv[5]);
	len = cfg.nr_pages * ps;
	fd = open(argv[1], O_RDWR);
	t = calloc((size_t)reps, sizeof(*t));
	if (fd < 0 || !t || reps < 1 || ioctl(fd, KBUFMAP_IOC_CONFIGURE, &cfg)) {
		perror("bench_touch: open/configure");
		return 1;
	}
	for (int r = 0; r < reps; r++) {
		volatile uint8_t *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		uint64_t t0;

		if (p == MAP_FAILED) {
			perror("bench_touch: mmap");
			return 1;
		}
		t0 = now_ns();
		for (size_t off = 0; off < len; off += ps)
			(void)p[off];
		t[r] = now_ns() - t0;
		munmap((void *)p, len);
	}
	qsort(t, (size_t)reps, sizeof(*t), cmp);
	printf("%.1f\n", (double)t[reps / 2] / (double)cfg.nr_pages);
	free(t);
	close(fd);
	return 0;
}
