// SPDX-License-Identifier: GPL-2.0
/*
 * hold_anon: map PAGES pages of private anonymous memory (PMD aligned, so
 * that THP can back it), write every page, print where it is, and hold it
 * until killed: a process for phys --pid and page-types -p to walk.
 *
 *   hold_anon PAGES [huge|nohuge|default]
 *
 * huge/nohuge: madvise(MADV_HUGEPAGE / MADV_NOHUGEPAGE) before touching;
 * default: whatever /sys/kernel/mm/transparent_hugepage/enabled says.
 * Output, one line once touched: "PID START_PAGE PAGES" (START_PAGE the
 * first virtual page number, as phys --range and page-types -a take it).
 * Exit status: 1 on failure (message on stderr), 2 usage.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../lib/pages.h"

static void usage(void)
{
	fprintf(stderr, "usage: hold_anon PAGES [huge|nohuge|default]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	size_t ps = (size_t)sysconf(_SC_PAGESIZE), len;
	unsigned long long pages;
	const char *how = argc > 2 ? argv[2] : "default";
	char *end, *map, *start;

	pages_init();
	if (argc < 2 || argc > 3)
		usage();
	errno = 0;
	pages = strtoull(argv[1], &end, 0);
	if (errno || *end || pages == 0 || pages > (1ULL << 28))
		usage();
	len = (size_t)pages * ps;
	map = mmap(NULL, len + pmd_size, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (map == MAP_FAILED) {
		perror("hold_anon: mmap");
		return 1;
	}
	start = (char *)(((uintptr_t)map + pmd_size - 1) & ~(pmd_size - 1));
	if (!strcmp(how, "huge"))
		madvise(start, len, MADV_HUGEPAGE);
	else if (!strcmp(how, "nohuge"))
		madvise(start, len, MADV_NOHUGEPAGE);
	else if (strcmp(how, "default"))
		usage();
	for (size_t off = 0; off < len; off += ps)
		start[off] = (char)(off / ps);
	printf("%d %llu %llu\n", (int)getpid(),
	       (unsigned long long)((uintptr_t)start / ps), pages);
	fflush(stdout);
	for (;;)
		pause();
}
