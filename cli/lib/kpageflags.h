/* SPDX-License-Identifier: GPL-2.0 */
/*
 * /proc/kpageflags decoded as the kernel's own tools/mm/page-types.c does:
 * one "c:name" per bit (the character for the summary's symbolic column,
 * the name for the long one), bits 0-26 from <linux/kernel-page-flags.h>'s
 * uapi part, the "kernel hacking" bits 32-41, the overloaded bits 47-51 and
 * the pagemap bits 61-63. Bit 34 is "mappedtodisk" before 6.10 and
 * "owner_2" since (mainline's PG_mappedtodisk -> PG_owner_2 rename; Debian's
 * 6.1 and 6.12 headers differ exactly there): kpf_set_kernel() decides.
 */
#ifndef KBM_KPAGEFLAGS_H
#define KBM_KPAGEFLAGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define KPF_NR_BITS	64

/* Bits page-types uses beyond the uapi header (its own numbering). */
#define KPFB_COMPOUND_HEAD	15
#define KPFB_COMPOUND_TAIL	16
#define KPFB_HUGE		17
#define KPFB_NOPAGE		20
#define KPFB_THP		22
#define KPFB_ANON		12
#define KPFB_SLAB		7
#define KPFB_ACTIVE		6
#define KPFB_ERROR		1
#define KPFB_RECLAIM		9
#define KPFB_WRITEBACK		8
#define KPFB_OWNER_2		34	/* mappedtodisk before 6.10 */
#define KPFB_PRIVATE		35
#define KPFB_SOFTDIRTY		40
#define KPFB_ANON_EXCLUSIVE	47
#define KPFB_READAHEAD		48
#define KPFB_SLOB_FREE		49
#define KPFB_SLUB_FROZEN	50
#define KPFB_SLUB_DEBUG		51
#define KPFB_FILE		61
#define KPFB_SWAP		62
#define KPFB_MMAP_EXCLUSIVE	63

#define KPF_HACKERS_BITS	(0xffffULL << 32)
#define KPF_ALL_BITS		(~0ULL)

/* Name the bits as kernel @major.@minor does (0.0: the running kernel). */
void kpf_set_kernel(int major, int minor);

/* "L:locked" for bit @bit, or NULL for a bit no kernel names. */
const char *kpf_bit_entry(unsigned int bit);

/*
 * The flags page-types counts for a page: @raw (page-types -r) keeps the
 * hacker bits, expands the overloaded ones and adds pagemap's bits 55/56/
 * 61/62 from @pme; otherwise the "well known" flags (hacker bits hidden,
 * compound bits hidden unless hugetlb). Swapped pages have @kpf 0.
 */
uint64_t kpf_page_flags(uint64_t kpf, uint64_t pme, bool raw);

/* One character per named bit, '_' where clear ("___U_lA____Ma_b___..."). */
const char *kpf_symbolic(uint64_t flags, char *buf, size_t len);
/* "uptodate,lru,active,mmap,anonymous,swapbacked" */
const char *kpf_longname(uint64_t flags, char *buf, size_t len);

/* A -b filter: a page passes when (flags & mask) == bits, or when
 * bits == KPF_ALL_BITS and (flags & mask) != 0 (any of). */
struct kpf_filter {
	uint64_t mask, bits;
};

/*
 * Parse a page-types bits spec: "a,b" (any of), "a,b=a" or "a,~b" (masked),
 * "=a,b" (exact). Names may be prefixes; "compound" is head|tail; numbers
 * are bit masks. Returns 0, or -EINVAL with @e naming what was wrong.
 */
int kpf_parse_filter(const char *spec, struct kpf_filter *f, struct kbm_err *e);
/*
 * The @i-th flag name a filter accepts (the running kernel's names, then
 * "compound"), for listing and completion; NULL past the last.
 */
const char *kpf_filter_name(unsigned int i);
bool kpf_filter_ok(const struct kpf_filter *f, size_t n, uint64_t flags);

/*
 * The memtype x86 PAT records for a RAM page in its page flags, which
 * /proc/kpageflags exports: PG_arch_1 (KPF_ARCH, bit 38) is the WC bit;
 * the UC- bit is PG_uncached (KPF_UNCACHED, bit 39) before 6.12 and
 * PG_arch_2 (KPF_ARCH_2, bit 41) since ("x86: Remove PG_uncached"); both
 * set: WT; neither: WB (the default). Returns an enum kbufmap_mem_attr:
 * KBUFMAP_ATTR_WB, _WC, _UC_MINUS or _WT; KBUFMAP_ATTR_NONE on any other
 * architecture, which records no memtype per page.
 */
unsigned int kpf_memtype(uint64_t kpf);
/*
 * The kpageflags bit of the UC- half, 39 or 41: from the running kernel's
 * configuration (CONFIG_ARCH_USES_PG_UNCACHED or CONFIG_ARCH_USES_PG_ARCH_2
 * in /boot/config-RELEASE), else from its version (6.12 and later: 41).
 */
unsigned int kpf_memtype_uc_bit(void);
/* Decide the UC- bit for kernel @major.@minor (0.0: probe, as above). */
void kpf_set_memtype_kernel(int major, int minor);

#endif /* KBM_KPAGEFLAGS_H */
