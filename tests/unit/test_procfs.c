// SPDX-License-Identifier: GPL-2.0
/*
 * The smaps parser on a fixture in the kernel's /proc/PID/smaps format
 * (fixtures/smaps.txt: a file mapping, a huge PFN mapping of /dev/kbufmap,
 * a small one, an anonymous THP), the iterator over all of them,
 * vma_has_flag(), the first-line and bracketed-choice readers on
 * fixtures/thp_enabled, and the PMD size on fixtures/hpage_pmd_size.
 */
#include <errno.h>
#include <libgen.h>
#include <stdlib.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "procfs.h"
#include "../lib/tap.h"

static const char *fixture;

/* Parse the fixture for @addr; returns smaps_parse()'s result. */
static int parse_at(uintptr_t addr, struct vma_info *vi)
{
	FILE *f = fopen(fixture, "re");
	int ret;

	if (!f)
		return -errno;
	ret = smaps_parse(f, (const void *)addr, vi);
	fclose(f);
	return ret;
}

static void huge_device_vma(void)
{
	struct vma_info vi;

	tap_is_u64(parse_at(0x7f2a4c123000, &vi), 0, "an address inside the huge device VMA is found");
	tap_is_u64(vi.start, 0x7f2a4c000000, "its start");
	tap_is_u64(vi.end, 0x7f2a4c400000, "its end");
	tap_is_u64(vi.size_kb, 4096, "Size");
	tap_is_u64(vi.rss_kb, 4096, "Rss");
	tap_is_u64(vi.file_pmd_kb, 4096, "FilePmdMapped (not ShmemPmdMapped before it)");
	tap_is_u64(vi.anon_kb, 0, "Anonymous");
	if (!tap_ok(strcmp(vi.vmflags, "rd wr sh mr mw me ms pf io de dd") == 0,
		    "VmFlags without the kernel's trailing blank"))
		tap_diag("got '%s'", vi.vmflags);
	tap_ok(vma_has_flag(&vi, "pf"), "has pf (VM_PFNMAP)");
	tap_ok(vma_has_flag(&vi, "rd") && vma_has_flag(&vi, "dd"), "first and last flags found");
	tap_ok(!vma_has_flag(&vi, "ac"), "ac is not there");
	tap_ok(!vma_has_flag(&vi, "d") && !vma_has_flag(&vi, "r"), "part of a flag is not a flag");
}

static void boundaries(void)
{
	struct vma_info vi;

	tap_is_u64(parse_at(0x7f2a4c600000, &vi), 0, "the first byte of a VMA is in it");
	tap_is_u64(vi.start, 0x7f2a4c600000, "... the right VMA");
	tap_is_u64(vi.rss_kb, 16, "... with its own Rss, not the previous VMA's");
	tap_is_u64(vi.pss_kb, 8, "... Pss (not SwapPss after it)");
	tap_is_u64(vi.locked_kb, 12, "... Locked");
	tap_ok(!vma_has_flag(&vi, "de"), "... and its own VmFlags");
	tap_is_u64(parse_at(0x7f2a4c60ffff, &vi), 0, "the last byte of a VMA is in it");
	tap_is_u64(vi.end, 0x7f2a4c610000, "... the right VMA");
	tap_is_u64(-parse_at(0x7f2a4c610000, &vi), ENOENT, "the end address is not (a gap): -ENOENT");
	tap_is_u64(vi.start, 0, "... and the result is zeroed");
	tap_is_u64(-parse_at(0x1000, &vi), ENOENT, "below every VMA: -ENOENT");
}

static void last_and_first(void)
{
	struct vma_info vi;

	tap_is_u64(parse_at(0x7f2a4c9fffff, &vi), 0, "the last VMA of the file (no header after it)");
	tap_is_u64(vi.anon_kb, 2048, "Anonymous");
	tap_is_u64(vi.anon_huge_kb, 2048, "AnonHugePages");
	tap_is_u64(vi.locked_kb, 2048, "Locked");
	tap_ok(vma_has_flag(&vi, "hg"), "VmFlags of the last VMA");
	tap_is_u64(parse_at(0x55961d1c6000, &vi), 0, "the first VMA (a file mapping with a path)");
	tap_is_u64(vi.size_kb, 8, "its Size");
}

/* Every VMA in order, with its header's fields. */
static void iterate(void)
{
	static const struct { unsigned long start; const char *perms, *path; } want[] = {
		{ 0x55961d1c6000, "r--p", "/usr/bin/kbufmapctl" },
		{ 0x7f2a4c000000, "rw-s", "/dev/kbufmap" },
		{ 0x7f2a4c600000, "rw-s", "/dev/kbufmap" },
		{ 0x7f2a4c800000, "rw-p", "" },
	};
	FILE *f = fopen(fixture, "re");
	struct smaps_iter it;
	struct vma_info vi;
	size_t n = 0;

	smaps_from(&it, f);
	while (smaps_next(&it, &vi) > 0) {
		if (n < 4) {
			tap_is_u64(vi.start, want[n].start, "VMA %zu: start", n);
			tap_ok(!strcmp(vi.perms, want[n].perms), "VMA %zu: perms %s", n, vi.perms);
			tap_ok(!strcmp(vi.path, want[n].path), "VMA %zu: path '%s'", n, vi.path);
		}
		if (n == 0)
			tap_ok(!strncmp(vi.maps_line, "55961d1c6000-55961d1c8000 r--p", 30) &&
			       !strchr(vi.maps_line, '\n'), "the maps line, without its newline");
		n++;
	}
	tap_is_u64(n, 4, "four VMAs, the last one without a header after it");
	tap_is_u64(smaps_next(&it, &vi), 0, "the end stays the end");
	smaps_close(&it);
	fclose(f);
}

/* fixtures/thp_enabled beside the smaps fixture. */
static void sysfs_readers(void)
{
	char *dir = strdup(fixture), path[4096], buf[64];

	snprintf(path, sizeof(path), "%s/thp_enabled", dirname(dir));
	free(dir);
	tap_is_u64(read_first_line(path, buf, sizeof(buf)), 0, "read_first_line() reads it");
	tap_ok(!strcmp(buf, "always [madvise] never"), "without the newline: '%s'", buf);
	tap_ok(sysfs_choice(path, buf, sizeof(buf)) && !strcmp(buf, "madvise"),
	       "sysfs_choice(): the bracketed word");
	tap_ok(read_first_line("/nonexistent/file", buf, sizeof(buf)) == -ENOENT && !buf[0],
	       "a missing file: -ENOENT and an empty line");
	tap_ok(!sysfs_choice(fixture, buf, sizeof(buf)), "no brackets: NULL");
}

/*
 * The PMD size: fixtures/hpage_pmd_size holds 16 KiB pages' 32 MiB, which
 * must be read, not computed from the page size it is given; without a
 * readable figure, each page size's own.
 */
static void pmd_sizes(void)
{
	char *copy = strdup(fixture), *dir = dirname(copy), path[4096];

	snprintf(path, sizeof(path), "%s/hpage_pmd_size", dir);
	tap_is_u64(pmd_size_from(path, 4096), 32UL << 20, "hpage_pmd_size is read as it is");
	snprintf(path, sizeof(path), "%s/thp_enabled", dir);
	free(copy);
	tap_is_u64(pmd_size_from(path, 4096), 2UL << 20, "not a number: 4 KiB pages, 2 MiB");
	tap_is_u64(pmd_size_from("/nonexistent/file", 16384), 32UL << 20,
		   "no file: 16 KiB pages, 32 MiB");
	tap_is_u64(pmd_size_from(NULL, 65536), 512UL << 20, "no path: 64 KiB pages, 512 MiB");
	tap_ok(pmd_size() >= 4096 && !(pmd_size() & (pmd_size() - 1)),
	       "this machine's: a power of two, at least a page (%zu)", pmd_size());
}

int main(int argc, char **argv)
{
	FILE *f;

	if (argc != 2) {
		fprintf(stderr, "usage: %s fixtures/smaps.txt\n", argv[0]);
		return 2;
	}
	fixture = argv[1];
	f = fopen(fixture, "re");
	if (!tap_ok(f != NULL, "the fixture %s opens", fixture))
		return tap_done();
	fclose(f);
	huge_device_vma();
	boundaries();
	last_and_first();
	iterate();
	sysfs_readers();
	pmd_sizes();
	return tap_done();
}
