// SPDX-License-Identifier: GPL-2.0
/*
 * The ioctl ABI must not change by accident: every struct has a fixed size,
 * a multiple of 8 (no implicit tail padding differing between 32- and 64-bit
 * callers), and its fields at fixed offsets. The numbers below are literals
 * on purpose: an expression over the same header would move along with it.
 * A deliberate change updates them and KBUFMAP_ABI_MINOR (or MAJOR). This
 * file includes only the uapi header, so it also proves the header stands on
 * its own in user space.
 */
#include "uapi/kbufmap.h"

#include <stddef.h>
#include <stdio.h>

/*
 * Every fact is a _Static_assert: a broken one stops the build, so at run
 * time there is nothing left to fail. Each also takes a number from
 * __COUNTER__, so the report can say how many facts the compiler checked.
 */
#define COUNT_FACT(n)	enum { fact_##n = n }
#define COUNTED(n)	COUNT_FACT(n)
#define CHECK_SIZE(type, size) \
	_Static_assert(sizeof(type) == (size), #type " changed size"); \
	_Static_assert(sizeof(type) % 8 == 0, #type " is not a multiple of 8 bytes"); \
	COUNTED(__COUNTER__)
#define CHECK_OFF(type, field, off) \
	_Static_assert(offsetof(type, field) == (off), #type "." #field " moved"); \
	COUNTED(__COUNTER__)
#define CHECK_VAL(expr, val) \
	_Static_assert((expr) == (val), #expr " changed"); \
	COUNTED(__COUNTER__)

CHECK_VAL(KBUFMAP_ABI_MAJOR, 2);
CHECK_VAL(KBUFMAP_ABI_MINOR, 2);

CHECK_SIZE(struct kbufmap_version, 32);
CHECK_OFF(struct kbufmap_version, major, 0);
CHECK_OFF(struct kbufmap_version, minor, 4);
CHECK_OFF(struct kbufmap_version, max_pages, 8);
CHECK_OFF(struct kbufmap_version, max_bytes, 16);
CHECK_OFF(struct kbufmap_version, bytes_in_use, 24);

CHECK_SIZE(struct kbufmap_config, 56);
CHECK_OFF(struct kbufmap_config, nr_pages, 0);
CHECK_OFF(struct kbufmap_config, backend, 8);
CHECK_OFF(struct kbufmap_config, strategy, 12);
CHECK_OFF(struct kbufmap_config, node, 16);
CHECK_OFF(struct kbufmap_config, flags, 20);
CHECK_OFF(struct kbufmap_config, cache, 24);
CHECK_OFF(struct kbufmap_config, pad, 28);
CHECK_OFF(struct kbufmap_config, reserved, 32);

CHECK_SIZE(struct kbufmap_info, 64);
CHECK_OFF(struct kbufmap_info, nr_pages, 0);
CHECK_OFF(struct kbufmap_info, backend, 8);
CHECK_OFF(struct kbufmap_info, strategy, 12);
CHECK_OFF(struct kbufmap_info, node, 16);
CHECK_OFF(struct kbufmap_info, flags, 20);
CHECK_OFF(struct kbufmap_info, nr_chunks, 24);
CHECK_OFF(struct kbufmap_info, live_vmas, 28);
CHECK_OFF(struct kbufmap_info, cache, 32);
CHECK_OFF(struct kbufmap_info, config_flags, 36);
CHECK_OFF(struct kbufmap_info, reserved, 40);

CHECK_SIZE(struct kbufmap_pfns, 40);
CHECK_OFF(struct kbufmap_pfns, first, 0);
CHECK_OFF(struct kbufmap_pfns, count, 8);
CHECK_OFF(struct kbufmap_pfns, pfns, 16);
CHECK_OFF(struct kbufmap_pfns, reserved, 24);

CHECK_SIZE(struct kbufmap_counters, 128);
CHECK_OFF(struct kbufmap_counters, faults, 0);
CHECK_OFF(struct kbufmap_counters, fault_around_calls, 8);
CHECK_OFF(struct kbufmap_counters, fault_around_pages, 16);
CHECK_OFF(struct kbufmap_counters, huge_faults, 24);
CHECK_OFF(struct kbufmap_counters, pages_inserted, 32);
CHECK_OFF(struct kbufmap_counters, remap_calls, 40);
CHECK_OFF(struct kbufmap_counters, mmaps, 48);
CHECK_OFF(struct kbufmap_counters, vma_closes, 56);
CHECK_OFF(struct kbufmap_counters, vma_opens, 64);
CHECK_OFF(struct kbufmap_counters, dma_syncs_for_cpu, 72);
CHECK_OFF(struct kbufmap_counters, dma_syncs_for_device, 80);
CHECK_OFF(struct kbufmap_counters, reserved, 88);

CHECK_SIZE(struct kbufmap_dma_sync, 40);
CHECK_OFF(struct kbufmap_dma_sync, offset, 0);
CHECK_OFF(struct kbufmap_dma_sync, length, 8);
CHECK_OFF(struct kbufmap_dma_sync, direction, 16);
CHECK_OFF(struct kbufmap_dma_sync, op, 20);
CHECK_OFF(struct kbufmap_dma_sync, reserved, 24);

CHECK_SIZE(struct kbufmap_pgattr_run, 40);
CHECK_OFF(struct kbufmap_pgattr_run, addr, 0);
CHECK_OFF(struct kbufmap_pgattr_run, nr_pages, 8);
CHECK_OFF(struct kbufmap_pgattr_run, flags, 16);
CHECK_OFF(struct kbufmap_pgattr_run, attr, 20);
CHECK_OFF(struct kbufmap_pgattr_run, kernel_attr, 24);
CHECK_OFF(struct kbufmap_pgattr_run, pad, 28);
CHECK_OFF(struct kbufmap_pgattr_run, raw_bits, 32);

CHECK_SIZE(struct kbufmap_pgattr, 56);
CHECK_OFF(struct kbufmap_pgattr, addr, 0);
CHECK_OFF(struct kbufmap_pgattr, nr_pages, 8);
CHECK_OFF(struct kbufmap_pgattr, runs, 16);
CHECK_OFF(struct kbufmap_pgattr, max_runs, 24);
CHECK_OFF(struct kbufmap_pgattr, nr_runs, 28);
CHECK_OFF(struct kbufmap_pgattr, pages_done, 32);
CHECK_OFF(struct kbufmap_pgattr, reserved, 40);

/* bytes_allocated[] has room for 8 backends, whatever their number. */
CHECK_VAL(KBUFMAP_STATS_MAX_BACKENDS, 8);
_Static_assert(KBUFMAP_BACKEND_COUNT <= KBUFMAP_STATS_MAX_BACKENDS,
	       "more backends than struct kbufmap_stats has room for");
CHECK_SIZE(struct kbufmap_stats, 232);
CHECK_OFF(struct kbufmap_stats, scope, 0);
CHECK_OFF(struct kbufmap_stats, pad, 4);
CHECK_OFF(struct kbufmap_stats, counters, 8);
CHECK_OFF(struct kbufmap_stats, bytes_allocated, 136);
CHECK_OFF(struct kbufmap_stats, live_buffers, 200);
CHECK_OFF(struct kbufmap_stats, reserved, 208);

/*
 * The request numbers themselves: magic, number, direction and size. The
 * magic 0xB9 is free in the kernel's registry (ABI 2.0; 1.x had 0xB7).
 */
CHECK_VAL(KBUFMAP_IOC_VERSION, 0x8020b900u);
CHECK_VAL(KBUFMAP_IOC_CONFIGURE, 0x4038b901u);
CHECK_VAL(KBUFMAP_IOC_GET_INFO, 0x8040b902u);
CHECK_VAL(KBUFMAP_IOC_GET_PFNS, 0x4028b903u);
CHECK_VAL(KBUFMAP_IOC_GET_COUNTERS, 0xc0e8b904u);
CHECK_VAL(KBUFMAP_IOC_REOPEN_RDONLY, 0xb905u);	/* 2.1 */
CHECK_VAL(KBUFMAP_IOC_DMA_SYNC, 0x4028b906u);	/* 2.2 */
CHECK_VAL(KBUFMAP_IOC_PGATTR, 0xc038b907u);	/* 2.2 */

enum { NR_FACTS = __COUNTER__ };

int main(void)
{
	/* The ioctl numbers encode the struct sizes: print them for the log. */
	printf("TAP version 13\n1..1\n");
	printf("# VERSION=%#lx CONFIGURE=%#lx GET_INFO=%#lx GET_PFNS=%#lx GET_COUNTERS=%#lx\n",
	       (unsigned long)KBUFMAP_IOC_VERSION, (unsigned long)KBUFMAP_IOC_CONFIGURE,
	       (unsigned long)KBUFMAP_IOC_GET_INFO, (unsigned long)KBUFMAP_IOC_GET_PFNS,
	       (unsigned long)KBUFMAP_IOC_GET_COUNTERS);
	printf("ok 1 - %d layout and ioctl-number facts held at compile time "
	       "(each a _Static_assert: a broken one fails the build, not this run)\n",
	       NR_FACTS);
	puts("1 passed, 0 failed");
	return 0;
}
