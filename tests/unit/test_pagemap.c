// SPDX-License-Identifier: GPL-2.0
/*
 * pagemap entry decoding (Documentation/admin-guide/mm/pagemap.rst) on
 * entries as /proc/self/pagemap gives them: bits 0-54 PFN, 55 soft-dirty,
 * 56 exclusive, 61 file/shared, 62 swapped, 63 present.
 */
#include <string.h>

#include "pagemap.h"
#include "../lib/tap.h"

static void describes(const char *desc, uint64_t e, const char *want)
{
	char buf[96];
	const char *got = pagemap_describe(e, buf, sizeof(buf));

	if (!tap_ok(got == buf && strcmp(got, want) == 0, "%s: \"%s\"", desc, want))
		tap_diag("entry 0x%016llx: got \"%s\"", (unsigned long long)e, got);
}

int main(void)
{
	/* A shared kbufmap page as root sees it: present, file/shared. */
	uint64_t shared = 0xa000000000012345ULL;
	/* A private anonymous copy, mapped once: present, exclusive, soft-dirty. */
	uint64_t cow = 0x818000000004321aULL;
	/* A swap entry: type and offset in the low bits, not a PFN. */
	uint64_t swapped = 0x4000000000000c21ULL;
	uint64_t soft_dirty_only = 0x0080000000000000ULL;

	tap_ok(pm_present(shared) && pm_file_shared(shared) && !pm_exclusive(shared),
	       "shared page: present, file/shared, not exclusive");
	tap_is_u64(pm_pfn(shared), 0x12345, "shared page: its PFN");
	describes("shared page", shared, "present pfn 0x12345 file/shared");

	tap_ok(pm_present(cow) && pm_exclusive(cow) && !pm_file_shared(cow),
	       "copy-on-write copy: present, exclusive, anonymous");
	tap_is_u64(pm_pfn(cow), 0x4321a, "copy-on-write copy: soft-dirty is not in the PFN");
	describes("copy-on-write copy", cow, "present pfn 0x4321a anon exclusive");

	tap_ok(!pm_present(swapped) && pm_swapped(swapped), "swapped: not present, swapped");
	describes("swapped", swapped, "swapped");

	tap_ok(!pm_present(soft_dirty_only) && !pm_swapped(soft_dirty_only),
	       "soft-dirty only: neither present nor swapped");
	describes("soft-dirty only", soft_dirty_only, "not present");
	describes("all zero (never touched)", 0, "not present");
	/* Without CAP_SYS_ADMIN the PFN reads as 0; the flags stay true. */
	describes("present, PFN hidden", 0x8000000000000000ULL, "present pfn 0x0 anon");
	describes("largest PFN", PM_PRESENT | PM_PFN_MASK, "present pfn 0x7fffffffffffff anon");
	return tap_done();
}
