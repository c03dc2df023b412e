// SPDX-License-Identifier: GPL-2.0
/*
 * The cache-attribute model (cli/lib/cache_expect.c): a row for exactly the
 * combinations the matrix calls valid, rows consistent in themselves, and
 * the cells the kernels' code decides pinned down one by one.
 */
#include <string.h>

#include "cache_expect.h"
#include "names.h"
#include "../lib/tap.h"

#define B(x) KBUFMAP_BACKEND_##x
#define S(x) KBUFMAP_STRATEGY_##x
#define C(x) KBUFMAP_CACHE_##x
#define A(x) KBUFMAP_ATTR_##x

static struct kbm_cache_kernel k612, k510, k72;

/* The model answers a row exactly where the matrix says valid. */
static void rows_match_matrix(void)
{
	unsigned int rows = 0, bad = 0;

	for (unsigned int b = 0; b < KBUFMAP_BACKEND_COUNT; b++)
		for (unsigned int s = 0; s < KBUFMAP_STRATEGY_COUNT; s++)
			for (unsigned int c = 0; c < KBUFMAP_CACHE_COUNT; c++)
				for (int sm = 0; sm < 2; sm++) {
					struct kbm_cache_expect e;
					int valid = !kbufmap_combo_errno(b, s, KBUFMAP_NODE_ANY, NULL) &&
						!kbufmap_cache_errno(b, c, sm ? KBUFMAP_CONFIG_SET_MEMORY : 0, NULL);
					int got = kbm_cache_expect(KBM_ARCH_X86_64, &k612, b, s, c, sm, &e, NULL);

					if ((got == 0) != valid) {
						bad++;
						tap_diag("%s/%s/%s%s: model %d, matrix %s",
							 backend_name(b), strategy_name(s), cache_name(c),
							 sm ? "/set-memory" : "", got, valid ? "valid" : "invalid");
					}
					rows += !got;
				}
	tap_ok(bad == 0, "a model row for every valid combination and none for an invalid one (%u rows)", rows);
}

/* Every row agrees with itself: alias, override and log follow from the attributes. */
static void rows_consistent(void)
{
	unsigned int bad = 0;

	for (unsigned int b = 0; b < KBUFMAP_BACKEND_COUNT; b++)
		for (unsigned int s = 0; s < KBUFMAP_STRATEGY_COUNT; s++)
			for (unsigned int c = 0; c < KBUFMAP_CACHE_COUNT; c++)
				for (int sm = 0; sm < 2; sm++) {
					struct kbm_cache_expect e;

					if (kbm_cache_expect(KBM_ARCH_X86_64, &k612, b, s, c, sm, &e, NULL))
						continue;
					if (e.alias != (e.user != e.kernel) ||
					    e.pat_override != (e.user != e.asked) ||
					    (e.pat_log != KBM_EXPECT_LOG_NO && !e.pat_override) ||
					    (sm && (e.alias || e.pat_override)) ||
					    (c == C(WB) && (e.alias || e.pat_override)) ||
					    !e.path || !e.reason || !strstr(e.reason, ".c ")) {
						bad++;
						tap_diag("%s/%s/%s%s inconsistent", backend_name(b),
							 strategy_name(s), cache_name(c), sm ? "/set-memory" : "");
					}
				}
	tap_ok(bad == 0, "rows consistent: alias = user != kernel, override = user != asked, "
	       "a log line only with an override, none with wb or --set-memory, a reason naming a file");
}

static void cell(const char *what, const struct kbm_cache_kernel *k, unsigned int b,
		 unsigned int s, unsigned int c, bool sm, unsigned int user,
		 unsigned int kernel, enum kbm_expect_log log)
{
	struct kbm_cache_expect e;
	int err = kbm_cache_expect(KBM_ARCH_X86_64, k, b, s, c, sm, &e, NULL);

	if (!tap_ok(!err && e.user == user && e.kernel == kernel && e.pat_log == log,
		    "%s: user %s, kernel %s, log %s", what, mem_attr_name(user),
		    mem_attr_name(kernel), kbm_expect_log_name(log)))
		tap_diag("got err %d, user %s, kernel %s, log %s", err, mem_attr_name(e.user),
			 mem_attr_name(e.kernel), kbm_expect_log_name(e.pat_log));
}

static void cells(void)
{
	/* vm_insert_page() and .fault: the asked attribute, an alias */
	cell("vmalloc/fault wc", &k612, B(VMALLOC), S(FAULT), C(WC), 0, A(WC), A(WB), KBM_EXPECT_LOG_NO);
	cell("pages/insert uc", &k612, B(PAGES), S(INSERT), C(UC), 0, A(UC_MINUS), A(WB), KBM_EXPECT_LOG_NO);
	cell("vmalloc/vmalloc-range wc", &k612, B(VMALLOC), S(VMALLOC_RANGE), C(WC), 0, A(WC), A(WB), KBM_EXPECT_LOG_NO);
	/* the PFN paths: PAT's WB */
	cell("contig/remap wc", &k612, B(CONTIG), S(REMAP), C(WC), 0, A(WB), A(WB), KBM_EXPECT_LOG_IF_ONE_RUN);
	cell("pages/pfn uc", &k612, B(PAGES), S(PFN), C(UC), 0, A(WB), A(WB), KBM_EXPECT_LOG_NO);
	cell("contig/huge wc", &k612, B(CONTIG), S(HUGE), C(WC), 0, A(WB), A(WB), KBM_EXPECT_LOG_NO);
	cell("pages/remap-unchecked wc", &k612, B(PAGES), S(REMAP_UNCHECKED), C(WC), 0, A(WB), A(WB), KBM_EXPECT_LOG_NO);
	/* the DMA API on x86 */
	cell("dma-wc/dma-mmap wb", &k612, B(DMA_WC), S(DMA_MMAP), C(WB), 0, A(WB), A(WB), KBM_EXPECT_LOG_NO);
	cell("dma-coherent/dma-mmap wc", &k612, B(DMA_COHERENT), S(DMA_MMAP), C(WC), 0, A(WB), A(WB), KBM_EXPECT_LOG_YES);
	cell("dma-noncoherent/dma-mmap uc", &k612, B(DMA_NONCOHERENT), S(DMA_MMAP), C(UC), 0, A(WB), A(WB), KBM_EXPECT_LOG_YES);
	/* --set-memory: the registered memtype everywhere */
	cell("pages/pfn wc set-memory", &k612, B(PAGES), S(PFN), C(WC), 1, A(WC), A(WC), KBM_EXPECT_LOG_NO);
	cell("contig/insert uc set-memory", &k612, B(CONTIG), S(INSERT), C(UC), 1, A(UC_MINUS), A(UC_MINUS), KBM_EXPECT_LOG_NO);
	cell("dma-noncoherent/dma-mmap wc set-memory", &k612, B(DMA_NONCOHERENT), S(DMA_MMAP), C(WC), 1, A(WC), A(WC), KBM_EXPECT_LOG_NO);
}

static void kernels(void)
{
	struct kbm_cache_expect e;
	const char *why;

	kbm_cache_expect(KBM_ARCH_X86_64, &k510, B(DMA_NONCOHERENT), S(DMA_MMAP), C(WB), 0, &e, NULL);
	tap_ok(e.kernel_refuses != NULL, "5.10: dma-noncoherent refused by the kernel (no dma_mmap_pages())");
	kbm_cache_expect(KBM_ARCH_X86_64, &k612, B(DMA_NONCOHERENT), S(DMA_MMAP), C(WB), 0, &e, NULL);
	tap_ok(e.kernel_refuses == NULL, "6.12: dma-noncoherent maps");
	kbm_cache_expect(KBM_ARCH_X86_64, &k72, B(PAGES), S(REMAP), C(WC), 0, &e, NULL);
	tap_ok(strstr(e.reason, "pfnmap_track()") != NULL, "7.2: the reason names pfnmap_track()");
	kbm_cache_expect(KBM_ARCH_X86_64, &k612, B(PAGES), S(REMAP), C(WC), 0, &e, NULL);
	tap_ok(strstr(e.reason, "track_pfn_remap()") != NULL, "6.12: the reason names track_pfn_remap()");
	tap_ok(kbm_cache_expect(KBM_ARCH_OTHER, &k612, B(PAGES), S(FAULT), C(WC), 0, &e, &why) == -EOPNOTSUPP &&
	       strstr(why, "architecture"), "another architecture: no model, and it says so");
	tap_ok(kbm_cache_expect(KBM_ARCH_X86_64, &k612, B(VMALLOC), S(FAULT), C(WC), 1, &e, &why) == -EOPNOTSUPP,
	       "vmalloc --set-memory: the matrix's refusal");
}

/* arm64: no PAT, MAIR's Normal-NC and Device; DMA by the device's coherence. */
static void arm64(void)
{
	struct kbm_cache_kernel nc = k612, coh = k612;
	struct kbm_cache_expect e;

	nc.dma_coherent = false;
	coh.dma_coherent = true;
	kbm_cache_expect(KBM_ARCH_ARM64, &nc, B(PAGES), S(REMAP), C(WC), 0, &e, NULL);
	tap_ok(e.user == A(WC) && e.kernel == A(WB) && e.alias && !e.pat_override &&
	       e.pat_log == KBM_EXPECT_LOG_NO, "arm64 pages/remap wc: Normal-NC as asked, an alias, no PAT");
	kbm_cache_expect(KBM_ARCH_ARM64, &nc, B(VMALLOC), S(FAULT), C(UC), 0, &e, NULL);
	tap_ok(e.user == A(DEVICE_nGnRnE) && e.alias, "arm64 vmalloc/fault uc: Device-nGnRnE");
	kbm_cache_expect(KBM_ARCH_ARM64, &nc, B(CONTIG), S(INSERT), C(WB), 0, &e, NULL);
	tap_ok(e.user == A(WB) && !e.alias, "arm64 contig/insert wb: write-back, no alias");
	kbm_cache_expect(KBM_ARCH_ARM64, &nc, B(DMA_COHERENT), S(DMA_MMAP), C(WB), 0, &e, NULL);
	tap_ok(e.user == A(WC) && e.alias, "arm64 dma-coherent on a non-coherent device: Normal-NC even for wb");
	kbm_cache_expect(KBM_ARCH_ARM64, &coh, B(DMA_COHERENT), S(DMA_MMAP), C(WB), 0, &e, NULL);
	tap_ok(e.user == A(WB) && !e.alias, "arm64 dma-coherent on a coherent device: write-back");
	kbm_cache_expect(KBM_ARCH_ARM64, &nc, B(DMA_WC), S(DMA_MMAP), C(WB), 0, &e, NULL);
	tap_ok(e.user == A(WC), "arm64 dma-wc on a non-coherent device: Normal-NC");
	kbm_cache_expect(KBM_ARCH_ARM64, &nc, B(DMA_NONCOHERENT), S(DMA_MMAP), C(UC), 0, &e, NULL);
	tap_ok(e.user == A(DEVICE_nGnRnE), "arm64 dma-noncoherent uc: the VMA's prot, Device-nGnRnE");
	kbm_cache_expect(KBM_ARCH_ARM64, &nc, B(PAGES), S(PFN), C(WC), 1, &e, NULL);
	tap_ok(e.kernel_refuses && strstr(e.kernel_refuses, "x86"), "arm64 --set-memory: refused by the kernel");
}

int main(void)
{
	kbm_cache_kernel_from_version(&k510, 5, 10);
	kbm_cache_kernel_from_version(&k612, 6, 12);
	kbm_cache_kernel_from_version(&k72, 7, 2);
	rows_match_matrix();
	rows_consistent();
	cells();
	kernels();
	arm64();
	return tap_done();
}
