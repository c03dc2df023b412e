// SPDX-License-Identifier: GPL-2.0
/*
 * touch_pages: give /dev/kbufmap a buffer, map it with one strategy, touch
 * every page once, and print what the module counted for this buffer.
 *
 *   touch_pages [-o FILE] [-b BACKEND] [-a read|write] [-w] [-r REPEAT]
 *               STRATEGY PAGES
 *
 * -o FILE    write the result there instead of stdout (so that it does not
 *            mix with the output of a tracer that runs this program)
 * -b         backend (default: contig for huge, vmalloc otherwise)
 * -a         how to touch: read (default; fault-around only serves read
 *            faults) or write
 * -w         wait for SIGUSR1 after mmap() and before touching (lets a
 *            tracer attach to this pid first); "ready PID" on stderr
 * -r REPEAT  map, touch and unmap REPEAT times (default 1), one buffer
 *
 * Output, one JSON line: strategy, backend, pages, the time of mmap() and
 * of the first-touch loop (ns, summed over repeats) and the module's
 * counters for the buffer (KBUFMAP_IOC_GET_COUNTERS, buffer scope).
 * Exit status: 0, 1 on any failure (message on stderr), 2 usage.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "names.h"	/* the CLI's own name tables */
#include "uapi/kbufmap.h"

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void usage(void)
{
	fprintf(stderr, "usage: touch_pages [-o FILE] [-b BACKEND] [-a read|write] [-w] [-r REPEAT] STRATEGY PAGES\n");
	exit(2);
}

static unsigned long parse_num(const char *s, unsigned long max)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || s[0] == '-' || v == 0 || v > max) {
		fprintf(stderr, "touch_pages: '%s': expected 1..%lu\n", s, max);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	struct kbufmap_config cfg = { .node = KBUFMAP_NODE_ANY };
	struct kbufmap_stats st = { .scope = KBUFMAP_SCOPE_BUFFER };
	struct kbufmap_version ver = { 0 };
	const char *out_path = NULL;
	int backend = -1, strategy, fd, opt, wait_sig = 0, write_access = 0;
	unsigned long pages, repeat = 1, sum = 0;
	uint64_t mmap_ns = 0, touch_ns = 0, t0;
	size_t len;
	FILE *out = stdout;

	while ((opt = getopt(argc, argv, "o:b:a:wr:")) != -1) {
		switch (opt) {
		case 'o':
			out_path = optarg;
			break;
		case 'b':
			backend = backend_from_name(optarg);
			if (backend < 0)
				usage();
			break;
		case 'a':
			if (strcmp(optarg, "read") && strcmp(optarg, "write"))
				usage();
			write_access = !strcmp(optarg, "write");
			break;
		case 'w':
			wait_sig = 1;
			break;
		case 'r':
			repeat = parse_num(optarg, 1000000);
			break;
		default:
			usage();
		}
	}
	if (argc - optind != 2)
		usage();
	strategy = strategy_from_name(argv[optind]);
	if (strategy < 0)
		usage();
	pages = parse_num(argv[optind + 1], KBUFMAP_MAX_PAGES);
	if (backend < 0)
		backend = strategy == KBUFMAP_STRATEGY_HUGE ? KBUFMAP_BACKEND_CONTIG :
			  KBUFMAP_BACKEND_VMALLOC;
	len = pages * 4096UL;

	fd = open(KBUFMAP_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "touch_pages: open %s: %s\n", KBUFMAP_DEVICE_PATH, strerror(errno));
		return 1;
	}
	if (ioctl(fd, KBUFMAP_IOC_VERSION, &ver) || ver.major != KBUFMAP_ABI_MAJOR) {
		fprintf(stderr, "touch_pages: module ABI %u, want %u\n", ver.major, KBUFMAP_ABI_MAJOR);
		return 1;
	}
	cfg.nr_pages = pages;
	cfg.backend = (unsigned int)backend;
	cfg.strategy = (unsigned int)strategy;
	if (ioctl(fd, KBUFMAP_IOC_CONFIGURE, &cfg)) {
		fprintf(stderr, "touch_pages: configure %s/%s, %lu pages: %s\n",
			backend_name(backend), strategy_name(strategy), pages, strerror(errno));
		return 1;
	}

	for (unsigned long r = 0; r < repeat; r++) {
		volatile unsigned char *p;

		t0 = now_ns();
		p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		mmap_ns += now_ns() - t0;
		if (p == MAP_FAILED) {
			fprintf(stderr, "touch_pages: mmap: %s\n", strerror(errno));
			return 1;
		}
		if (wait_sig && r == 0) {
			sigset_t set;
			int sig;

			sigemptyset(&set);
			sigaddset(&set, SIGUSR1);
			sigprocmask(SIG_BLOCK, &set, NULL);
			fprintf(stderr, "ready %d\n", (int)getpid());
			if (sigwait(&set, &sig))
				return 1;
		}
		t0 = now_ns();
		for (unsigned long i = 0; i < pages; i++) {
			if (write_access)
				p[i * 4096] = (unsigned char)i;
			else
				sum += p[i * 4096];
		}
		touch_ns += now_ns() - t0;
		if (munmap((void *)p, len)) {
			fprintf(stderr, "touch_pages: munmap: %s\n", strerror(errno));
			return 1;
		}
	}

	if (ioctl(fd, KBUFMAP_IOC_GET_COUNTERS, &st)) {
		fprintf(stderr, "touch_pages: get counters: %s\n", strerror(errno));
		return 1;
	}
	close(fd);

	if (out_path) {
		out = fopen(out_path, "w");
		if (!out) {
			fprintf(stderr, "touch_pages: %s: %s\n", out_path, strerror(errno));
			return 1;
		}
	}
	fprintf(out, "{\"strategy\":\"%s\",\"backend\":\"%s\",\"pages\":%lu,\"repeat\":%lu,"
		"\"access\":\"%s\",\"pid\":%d,\"mmap_ns\":%llu,\"touch_ns\":%llu,\"sum\":%lu,"
		"\"counters\":{",
		strategy_name(strategy), backend_name(backend), pages, repeat,
		write_access ? "write" : "read", (int)getpid(),
		(unsigned long long)mmap_ns, (unsigned long long)touch_ns, sum);
	/* Every counter, under the key the module's debugfs gives it. */
	for (size_t i = 0; i < counter_count(); i++)
		fprintf(out, "%s\"%s\":%llu", i ? "," : "", counter_key(i),
			(unsigned long long)counter_value(&st.counters, i));
	fputs("}}\n", out);
	if (fflush(out) || ferror(out) || (out != stdout && fclose(out))) {
		fprintf(stderr, "touch_pages: write: %s\n", strerror(errno));
		return 1;
	}
	return 0;
}
