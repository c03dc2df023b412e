// SPDX-License-Identifier: GPL-2.0
/*
 * The pure parts of cacheview.c and kpf_memtype(): PAT's memtype list
 * (fixtures/pat_memtype_list, both line formats), PAT's log line in
 * /dev/kmsg records (fixtures/kmsg), the merging of PGATTR runs, and the
 * verdict for each case the map report names.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cacheview.h"
#include "kpageflags.h"
#include "../lib/tap.h"

static const char *dir;

static FILE *fixture(const char *name)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return fopen(path, "re");
}

static void memtype_list(void)
{
	struct kbm_pat_entry e[8];
	FILE *f = fixture("pat_memtype_list");
	int n;

	if (!tap_ok(f != NULL, "fixtures/pat_memtype_list opens"))
		return;
	/* the bochs framebuffer BAR, mapped twice: two entries */
	n = kbm_pat_list_scan(f, 0xfd100000, 0xfd101000, e, 8);
	tap_is_u64(n, 2, "a range inside the framebuffer BAR: its two entries");
	tap_is_u64(e[0].start, 0xfd000000, "start");
	tap_is_u64(e[0].end, 0xfe000000, "end, exclusive");
	tap_is_u64(e[0].attr, KBUFMAP_ATTR_WC, "write-combining");
	rewind(f);
	n = kbm_pat_list_scan(f, 0xfe000000, 0xfe001000, e, 8);
	tap_is_u64(n, 0, "the page after the BAR overlaps nothing (end exclusive)");
	rewind(f);
	n = kbm_pat_list_scan(f, 0xfebf0000, 0xfebf2000, e, 8);
	tap_is_u64(n, 2, "the new format and the pre-5.5 'type @ a-b' one");
	tap_is_u64(e[1].start, 0xfebf1000, "the old form's start");
	tap_is_u64(e[1].attr, KBUFMAP_ATTR_UC_MINUS, "uncached-minus");
	rewind(f);
	n = kbm_pat_list_scan(f, 0xfee00000, 0x100000000ULL, e, 8);
	tap_is_u64(n, 1, "an unknown type ('broken') is not an entry");
	tap_is_u64(e[0].attr, KBUFMAP_ATTR_UC, "uncached is not uncached-minus");
	rewind(f);
	n = kbm_pat_list_scan(f, 0, ~0ULL, e, 3);
	tap_is_u64(n, 3, "at most max entries");
	fclose(f);
	tap_ok(kbm_pat_entry_parse("PAT memtype list:\n", e) == -EINVAL, "the header is no entry");
	tap_ok(kbm_pat_entry_parse("PAT: [mem 0x2000-0x1000] write-back", e) == -EINVAL,
	       "an empty range is refused");
}

/* The first record of the fixture that is process @pid's PAT line. */
static bool find_in_fixture(int pid, struct kbm_pat_log *out)
{
	FILE *f = fixture("kmsg");
	char rec[512];
	bool found = false;

	while (f && !found && fgets(rec, sizeof(rec), f))
		found = kbm_kmsg_record_pat(rec, pid, out);
	if (f)
		fclose(f);
	return found;
}

static void log_line(void)
{
	struct kbm_pat_log l;

	tap_ok(find_in_fixture(412, &l), "process 412's PAT line is found among others");
	tap_ok(l.ram, "... a RAM override");
	tap_ok(!strcmp(l.comm, "kbufmapctl"), "comm");
	tap_is_u64(l.req, KBUFMAP_ATTR_WC, "asked write-combining");
	tap_is_u64(l.got, KBUFMAP_ATTR_WB, "got write-back");
	tap_is_u64(l.start, 0x3a40000, "range start");
	tap_is_u64(l.end, 0x3a43fff, "range end, inclusive as printed");
	tap_ok(!strcmp(l.line, "x86/PAT: kbufmapctl:412 map pfn RAM range req write-combining "
		       "for [mem 0x03a40000-0x03a43fff], got write-back"),
	       "the line quoted as printed, without the newline");
	tap_ok(find_in_fixture(1, &l), "a comm with a colon: the pid is after the last one");
	if (!tap_ok(!strcmp(l.comm, "Xorg:9") && l.pid == 1, "... comm 'Xorg:9', pid 1"))
		tap_diag("comm '%s' pid %d", l.comm, l.pid);
	tap_ok(!l.ram && l.req == KBUFMAP_ATTR_UC_MINUS && l.got == KBUFMAP_ATTR_WC,
	       "the non-RAM form: not a RAM override, its two types");
	tap_ok(!find_in_fixture(413, &l), "no line for another pid");
	tap_ok(kbm_pat_log_parse("x86/PAT: a:1 map pfn RAM range req bogus for [mem 0x0-0xfff], "
				 "got write-back", &l) == -EINVAL, "an unknown type is refused");
	tap_ok(kbm_pat_log_parse("x86/PAT: Configuration [0-7]: WB  WC  UC- UC  WB  WP  UC- WT",
				 &l) == -EINVAL, "other PAT lines are not overrides");
}

static struct kbufmap_pgattr_run run(uint64_t addr, uint64_t n, unsigned int flags,
				     unsigned int attr, unsigned int kattr)
{
	return (struct kbufmap_pgattr_run){ .addr = addr, .nr_pages = n, .flags = flags,
					    .attr = attr, .kernel_attr = kattr };
}

#define P	KBUFMAP_PGATTR_PRESENT
#define RAM	KBUFMAP_PGATTR_RAM

static void merging(void)
{
	uint64_t ps = (uint64_t)sysconf(_SC_PAGESIZE);
	struct kbufmap_pgattr_run r[] = {
		run(0x10000, 2, P | RAM, KBUFMAP_ATTR_WC, KBUFMAP_ATTR_WB),
		run(0x10000 + 2 * ps, 3, P | RAM, KBUFMAP_ATTR_WC, KBUFMAP_ATTR_WB),
		run(0x10000 + 5 * ps, 1, 0, KBUFMAP_ATTR_NONE, KBUFMAP_ATTR_NONE),
		run(0x10000 + 6 * ps, 1, P | RAM, KBUFMAP_ATTR_WC, KBUFMAP_ATTR_WB),
		run(0x10000 + 8 * ps, 1, P | RAM, KBUFMAP_ATTR_WC, KBUFMAP_ATTR_WB),
	};
	struct kbm_attr_summary s;
	size_t n = kbm_pgattr_merge(r, 5);

	tap_is_u64(n, 4, "a split run joins; a hole and a gap in addresses do not");
	tap_is_u64(r[0].nr_pages, 5, "the joined run's length");
	kbm_attr_summarize(r, n, &s);
	tap_is_u64(s.present, 7, "present pages");
	tap_ok(s.pte_attr == KBUFMAP_ATTR_WC && !s.pte_mixed, "the PTEs agree: WC");
	tap_ok(s.ram && s.kernel_attr == KBUFMAP_ATTR_WB, "the kernel maps the RAM WB");
	r[3].attr = KBUFMAP_ATTR_WB;
	kbm_attr_summarize(r, n, &s);
	tap_ok(s.pte_mixed, "one run WB among WC ones: mixed");
}

static const char *verdict(int asked, bool setmem, const struct kbm_attr_summary *s,
			   const struct kbm_pat_log *log, bool dma, bool *alias)
{
	static char buf[512];
	struct kbm_cache_facts f = { .asked = asked, .set_memory = setmem, .pte = s,
				     .log = log, .dma = dma, .dma_coherent = dma };

	return kbm_cache_verdict(&f, alias, buf, sizeof(buf));
}

static void is_verdict(const char *got, const char *want, const char *what)
{
	if (!tap_ok(!strcmp(got, want), "%s", what))
		tap_diag("got '%s', want '%s'", got, want);
}

/* The DMA backends: dma_mmap_wc() on a coherent device, and a non-coherent one. */
static void dma_wc_verdicts(const struct kbm_attr_summary *s)
{
	static char buf[512];
	struct kbm_cache_facts f = { .asked = KBUFMAP_CACHE_WB, .pte = s, .dma = true,
				     .dma_wc = true, .dma_coherent = true };

	is_verdict(kbm_cache_verdict(&f, NULL, buf, sizeof(buf)),
		   "asked WB, got WB (dma_mmap_wc() dropped write-combining: a DMA-coherent "
		   "device keeps the VMA's attribute)", "dma-wc on x86: the WC attribute dropped");
	f.asked = KBUFMAP_CACHE_WC;
	f.dma_coherent = false;
	is_verdict(kbm_cache_verdict(&f, NULL, buf, sizeof(buf)),
		   "asked WC, got WB: the DMA API chose it (a device that is not DMA-coherent: "
		   "dma_mmap_*() maps with dma_pgprot())", "a non-coherent device: the DMA API's choice");
}

static void verdicts(void)
{
	struct kbm_attr_summary s = { .present = 4, .ram = true, .pte_attr = KBUFMAP_ATTR_WC,
				      .kernel_attr = KBUFMAP_ATTR_WB };
	struct kbm_pat_log log;
	bool alias;

	is_verdict(verdict(KBUFMAP_CACHE_WC, false, &s, NULL, false, &alias),
		   "PTE WC while the kernel maps it WB: memory-type alias", "insert: the alias");
	tap_ok(alias, "... flagged");
	s.kernel_attr = KBUFMAP_ATTR_WC;
	is_verdict(verdict(KBUFMAP_CACHE_WC, true, &s, NULL, false, &alias),
		   "asked WC, got WC (the kernel's mapping WC too: --set-memory)",
		   "--set-memory: no alias");
	tap_ok(!alias, "... not flagged");
	s.pte_attr = s.kernel_attr = KBUFMAP_ATTR_WB;
	find_in_fixture(412, &log);
	is_verdict(verdict(KBUFMAP_CACHE_WC, false, &s, &log, false, &alias),
		   "asked WC, got WB: PAT override (x86/PAT: kbufmapctl:412 map pfn RAM range req "
		   "write-combining for [mem 0x03a40000-0x03a43fff], got write-back)",
		   "remap: the override, with the log line");
	tap_ok(!alias, "... no alias");
	is_verdict(verdict(KBUFMAP_CACHE_UC, false, &s, NULL, false, NULL),
		   "asked UC, got WB: not PAT's doing (page-backed PTEs take the mapping's "
		   "attribute as it is): the driver set another one",
		   "insert mapped WB when UC was asked: the driver, not PAT");
	s.kernel_attr = KBUFMAP_ATTR_WC;
	is_verdict(verdict(KBUFMAP_CACHE_WC, true, &s, NULL, false, &alias),
		   "asked WC, got WB: not PAT's doing (page-backed PTEs take the mapping's "
		   "attribute as it is): the driver set another one; a memory-type alias too: "
		   "the kernel maps it WC", "--set-memory WC, PTE WB: the driver, and the alias");
	tap_ok(alias, "... flagged");
	s.kernel_attr = KBUFMAP_ATTR_WB;
	s.special = true;
	is_verdict(verdict(KBUFMAP_CACHE_UC, false, &s, NULL, false, NULL),
		   "asked UC, got WB: PAT override, silent (the kernel logs only a whole-VMA "
		   "remap_pfn_range() of RAM)", "pfn: the silent override");
	s.pte_attr = KBUFMAP_ATTR_UC_MINUS;
	is_verdict(verdict(KBUFMAP_CACHE_WB, false, &s, NULL, false, NULL),
		   "asked WB, got UC-: not PAT's doing (PAT gives the page's memtype, WB): "
		   "the driver set another one; a memory-type alias too: the kernel maps it WB",
		   "pfn mapped UC- over WB RAM: the driver, not PAT, and an alias");
	s.pte_attr = KBUFMAP_ATTR_WB;
	is_verdict(verdict(KBUFMAP_CACHE_WC, false, &s, &log, true, NULL),
		   "asked WC, got WB: PAT override (x86/PAT: kbufmapctl:412 map pfn RAM range req "
		   "write-combining for [mem 0x03a40000-0x03a43fff], got write-back)",
		   "dma-mmap on x86: dma_mmap_*() passes WC on, PAT overrides it with its line");
	dma_wc_verdicts(&s);
	s.pte_attr = KBUFMAP_ATTR_UC_MINUS;
	s.kernel_attr = KBUFMAP_ATTR_UC_MINUS;
	is_verdict(verdict(KBUFMAP_CACHE_UC, true, &s, NULL, false, NULL),
		   "asked UC, got UC- (the kernel's mapping UC- too: --set-memory)",
		   "pgprot_noncached() is UC- on x86: a match");
	s = (struct kbm_attr_summary){ .present = 1, .pte_attr = KBUFMAP_ATTR_WC };
	is_verdict(verdict(-1, false, &s, NULL, false, &alias),
		   "PTE WC: the driver's choice (not RAM)", "another driver's BAR");
	s.present = 0;
	is_verdict(verdict(KBUFMAP_CACHE_WB, false, &s, NULL, false, NULL),
		   "nothing mapped yet: no page-table entry to read", "nothing present");
	is_verdict(verdict(KBUFMAP_CACHE_WB, false, NULL, NULL, false, NULL),
		   "unknown: the page table was not read", "no PGATTR");
}

static void kpf_bits(void)
{
	kpf_set_memtype_kernel(6, 1);
	tap_is_u64(kpf_memtype_uc_bit(), 39, "6.1: the UC- bit is KPF_UNCACHED (39)");
	tap_is_u64(kpf_memtype(1ULL << 38), KBUFMAP_ATTR_WC, "6.1: bit 38 is WC");
	tap_is_u64(kpf_memtype(1ULL << 39), KBUFMAP_ATTR_UC_MINUS, "6.1: bit 39 is UC-");
	tap_is_u64(kpf_memtype(1ULL << 41), KBUFMAP_ATTR_WB, "6.1: bit 41 is not a memtype");
	kpf_set_memtype_kernel(6, 12);
	tap_is_u64(kpf_memtype_uc_bit(), 41, "6.12: the UC- bit is KPF_ARCH_2 (41)");
	tap_is_u64(kpf_memtype(1ULL << 41), KBUFMAP_ATTR_UC_MINUS, "6.12: bit 41 is UC-");
	tap_is_u64(kpf_memtype(3ULL << 38 & ~(1ULL << 39)), KBUFMAP_ATTR_WC, "6.12: 38 alone WC");
	tap_is_u64(kpf_memtype((1ULL << 38) | (1ULL << 41)), KBUFMAP_ATTR_WT, "both: WT");
	tap_is_u64(kpf_memtype(0x2c), KBUFMAP_ATTR_WB, "neither: WB");
	kpf_set_memtype_kernel(7, 2);
	tap_is_u64(kpf_memtype_uc_bit(), 41, "7.2: 41 too");
	kpf_set_memtype_kernel(5, 10);
	tap_is_u64(kpf_memtype_uc_bit(), 39, "5.10: 39");
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s FIXTURE-DIR\n", argv[0]);
		return 2;
	}
	dir = argv[1];
	memtype_list();
	log_line();
	merging();
	verdicts();
	kpf_bits();
	return tap_done();
}
