/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Types shared by fault_trace.bpf.c and `kbufmapctl fault-trace`.
 *
 * Included by the BPF program after vmlinux.h and by user space after
 * <linux/types.h>: only __u32/__u64 and plain C here.
 */
#ifndef KBUFMAP_FAULT_TRACE_H
#define KBUFMAP_FAULT_TRACE_H

/*
 * Latency histogram: log2 slots of nanoseconds. Slot 0 counts 0 and 1 ns,
 * slot i >= 1 counts [2^i, 2^(i+1)) ns. 64 slots cover every u64: nothing
 * clips, and a power of two lets the BPF side mask the index, which every
 * verifier accepts as a bound.
 */
#define FT_HIST_SLOTS	64
#define FT_COMM_LEN	16

#define FT_MAX_STARTS	16384	/* calls in flight, keyed by (thread, function) */
#define FT_MAX_PROCS	4096	/* (process, function) pairs in the breakdown */
#define FT_MAX_CHILDREN	4096	/* descendants of a traced command */

/* x86-64: pages in one PMD mapping, and the page shift. */
#define FT_PMD_PAGES	512
#define FT_PAGE_SHIFT	12

/* The traced functions of the module; the order is the report's order. */
enum ft_func {
	FT_MMAP = 0,		/* kbufmap_mmap: f_op->mmap */
	FT_FAULT,		/* kbufmap_vm_fault: .fault, one page */
	FT_MAP_PAGES,		/* kbufmap_vm_map_pages: .map_pages, a window */
	FT_HUGE_FAULT,		/* kbufmap_vm_huge_fault: .huge_fault, one PMD */
	FT_POP_REMAP,		/* kbufmap_populate_*: the whole VMA at mmap */
	FT_POP_REMAP_UNCHECKED,
	FT_POP_INSERT,
	FT_POP_INSERT_BATCH,
	FT_POP_MAP_PAGES,
	FT_POP_VMALLOC_RANGE,
	FT_NR_FUNCS
};

/* Events the BPF side could not account for; all are reported. */
enum ft_drop {
	FT_DROP_START_FULL = 0,	/* no room to record a call's start: call lost */
	FT_DROP_UNMATCHED,	/* a return without its start (entry missed or
				 * the call began before tracing) */
	FT_DROP_PROC_FULL,	/* per-process table full: call in the totals
				 * but not in the per-process breakdown */
	FT_DROP_CHILD_FULL,	/* a descendant of the command could not be
				 * added to the filter: its calls are lost */
	FT_NR_DROPS
};

/* Per function, one copy per CPU (BPF_MAP_TYPE_PERCPU_ARRAY). */
struct ft_func_stats {
	__u64 calls;		/* returns matched with their entry */
	__u64 pages;		/* pages the calls mapped (see the report) */
	__u64 errors;		/* calls that returned an error */
	__u64 fallbacks;	/* .huge_fault: VM_FAULT_FALLBACK returned */
	__u64 total_ns;
	__u64 hist[FT_HIST_SLOTS];
};

struct ft_proc_key {
	__u32 tgid;
	__u32 func;		/* enum ft_func */
};

struct ft_proc_stats {
	__u64 calls;
	__u64 pages;
	__u64 errors;
	__u64 total_ns;
	char comm[FT_COMM_LEN];	/* of the thread that made the first call */
};

#endif /* KBUFMAP_FAULT_TRACE_H */
