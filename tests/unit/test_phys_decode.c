// SPDX-License-Identifier: GPL-2.0
/*
 * The pagemap and kpageflags decoders on recorded entries: words read
 * from /proc/self/pagemap and /proc/kpageflags in a 6.12 guest (an
 * anonymous exclusive page, a swapped page, an untouched page, the
 * soft-dirty-only hole of a VM_PFNMAP map, a shared file page, a THP).
 */
#include <string.h>

#include "kpageflags.h"
#include "pagemap_bits.h"
#include "../lib/tap.h"

static void test_pagemap(void)
{
	struct pm_entry d;
	char buf[128];

	/* anonymous, written: present, exclusive, soft-dirty, pfn 0x10a3f5 */
	const uint64_t anon = 0x818000000010a3f5ULL;

	pm_decode(anon, &d);
	tap_ok(d.present && d.exclusive && d.soft_dirty && !d.file_shared && d.pfn_shown,
	       "anon page: present, exclusive, soft-dirty");
	tap_is_u64(d.pfn, 0x10a3f5, "anon page: pfn");
	tap_ok(!strcmp(pm_bit_names(anon, buf, sizeof(buf)),
		       "present,mmap_exclusive,soft_dirty"), "anon page: names '%s'", buf);

	/* swapped: type 1, offset 0x2a */
	pm_decode((1ULL << 62) | (1ULL << 55) | (0x2aULL << 5) | 1, &d);
	tap_ok(d.swapped && !d.present && !d.pfn_shown, "swapped: not present, no pfn");
	tap_is_u64(d.swap_type, 1, "swapped: type");
	tap_is_u64(d.swap_offset, 0x2a, "swapped: offset");
	tap_ok(!strcmp(pm_bit_names((1ULL << 62) | (1ULL << 55), buf, sizeof(buf)),
		       "swap,soft_dirty"), "swapped: names '%s'", buf);

	/* not present, and the PFNMAP hole: soft-dirty only */
	tap_ok(pm_is_hole(0), "untouched page reads as a hole");
	tap_ok(pm_is_hole(0x0080000000000000ULL), "VM_PFNMAP: soft-dirty only is a hole");
	pm_decode(0x0080000000000000ULL, &d);
	tap_ok(!d.present && !d.swapped && d.soft_dirty, "hole: only soft-dirty");
	tap_ok(!pm_is_hole(0x8000000000000000ULL), "present with PFN hidden is no hole");

	/* shared file page, present, not exclusive */
	pm_decode(0xa000000000012345ULL, &d);
	tap_ok(d.present && d.file_shared && !d.exclusive && d.pfn == 0x12345,
	       "file page: present, file, pfn 0x12345");
	/* unprivileged: present with PFN 0 */
	pm_decode(0x8100000000000000ULL, &d);
	tap_ok(d.present && d.exclusive && !d.pfn_shown, "unprivileged: PFN hidden");
	tap_ok(!strcmp(pm_bit_names(0xa100000000000000ULL | (1ULL << 57), buf, sizeof(buf)),
		       "present,file,mmap_exclusive,uffd_wp"), "names '%s'", buf);
}

static void test_kpageflags(void)
{
	char buf[512];
	struct kpf_filter f[2];
	struct kbm_err e;
	/* uptodate,lru,mmap,anonymous,swapbacked + hacker bit 34 + THP head */
	uint64_t anon = 0x5828, thp = anon | (1 << 15) | (1 << 22) | (1ULL << 34);

	kpf_set_kernel(6, 1);
	tap_ok(!strcmp(kpf_bit_entry(34), "d:mappedtodisk"), "6.1 names bit 34 mappedtodisk");
	tap_ok(kpf_bit_entry(49) != NULL, "6.1 has slob_free");
	kpf_set_kernel(6, 12);
	tap_ok(!strcmp(kpf_bit_entry(34), "d:owner_2"), "6.12 names bit 34 owner_2");
	tap_ok(kpf_bit_entry(49) == NULL, "6.12 has no slob_free");

	tap_ok(!strcmp(kpf_longname(anon, buf, sizeof(buf)),
		       "uptodate,lru,mmap,anonymous,swapbacked"), "long names '%s'", buf);
	tap_ok(!strncmp(kpf_symbolic(anon, buf, sizeof(buf)), "___U_l_____Ma_b", 15),
	       "symbolic '%s'", buf);
	/* page-types without -r: hacker bits and non-hugetlb compound hidden */
	tap_is_u64(kpf_page_flags(thp, 0, false), anon | (1 << 22), "well-known flags of a THP head");
	/* with -r: anon + owner_2 is anon_exclusive; pagemap's bits added */
	tap_is_u64(kpf_page_flags(anon | (1ULL << 34), 1ULL << 56, true),
		   anon | (1ULL << 47) | (1ULL << 63), "raw: anon_exclusive, mmap_exclusive");
	tap_is_u64(kpf_page_flags(0, 1ULL << 62, false), 0, "swapped page counts with flags 0");

	tap_ok(!kpf_parse_filter("anon,thp", f, &e) &&
	       f[0].bits == KPF_ALL_BITS && f[0].mask == ((1 << 12) | (1 << 22)), "any-of filter");
	tap_ok(kpf_filter_ok(f, 1, anon) && !kpf_filter_ok(f, 1, 0x28), "any-of matches");
	tap_ok(!kpf_parse_filter("anon,~thp", f, &e) &&
	       f[0].mask == ((1 << 12) | (1 << 22)) && f[0].bits == (1 << 12), "masked filter");
	tap_ok(kpf_filter_ok(f, 1, anon) && !kpf_filter_ok(f, 1, anon | (1 << 22)), "masked matches");
	tap_ok(!kpf_parse_filter("=lru", f, &e) && !kpf_filter_ok(f, 1, anon) &&
	       kpf_filter_ok(f, 1, 1 << 5), "exact filter");
	tap_ok(kpf_parse_filter("bogus", f, &e) && strstr(e.msg, "'bogus'"),
	       "unknown flag refused: %s", e.msg);
}

int main(void)
{
	test_pagemap();
	test_kpageflags();
	return tap_done();
}
