/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The page size and the PMD size of the machine a test runs on, for the
 * tests that must not assume x86-64's 4 KiB pages and 2 MiB PMDs (arm64
 * with 16 KiB pages maps 32 MiB with one PMD). Call pages_init() at the
 * start of main(); the twin for shell tests is tests/lib/pages.sh.
 */
#ifndef KBM_TEST_PAGES_H
#define KBM_TEST_PAGES_H

#include <stdio.h>
#include <unistd.h>

/* The largest page size a fixed array must hold (arm64's 64 KiB). */
#define MAX_PAGE_SIZE	(64UL << 10)

static unsigned long page_size;	/* bytes of one page */
static unsigned long pmd_size;	/* bytes one PMD entry maps (a huge leaf) */
static unsigned long pmd_pages;	/* pages in one PMD */

/*
 * The kernel's hpage_pmd_size when it reads as one, else what the page
 * size implies: a page table is one page of 8-byte entries.
 */
static inline void pages_init(void)
{
	FILE *f = fopen("/sys/kernel/mm/transparent_hugepage/hpage_pmd_size", "r");
	unsigned long v;

	page_size = (unsigned long)sysconf(_SC_PAGESIZE);
	pmd_size = page_size * (page_size / 8);
	if (f) {
		if (fscanf(f, "%lu", &v) == 1 && v >= page_size && !(v & (v - 1)))
			pmd_size = v;
		fclose(f);
	}
	pmd_pages = pmd_size / page_size;
}

#endif /* KBM_TEST_PAGES_H */
