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


/*
 * The traced functions of the module, written once; the order is the
 * report's order. Everything else is generated from this list: the enum
 * below, the BPF programs (one fentry/fexit and one kprobe/kretprobe pair
 * per entry, probes/fault_trace.bpf.c), the loader's and the report's
 * tables, the help text and `fault-trace --list-functions`.
 *
 * X(ID, fn, handler, strategies, pages_rule, SHAPE)
 *   ID          enum ft_func value FT_<ID>
 *   fn          the symbol without "kbufmap_": kbufmap_<fn> is traced, the
 *               BPF programs are fentry_<fn>, fexit_<fn>, kprobe_<fn>...
 *   handler     what the kernel calls it as ("in .fault": .fault calls it
 *               for fault-around; it is no ->map_pages hook any more)
 *   strategies  the strategies whose calls land here
 *   pages_rule  how "pages" is counted
 *   SHAPE       the prototype, see FT_SHAPE_* below
 */
#define FT_FUNCS(X)							\
	X(MMAP, mmap, "f_op->mmap", "all",				\
	  "0 (its populate call counts the pages)", MMAP)		\
	X(FAULT, vm_fault, ".fault",					\
	  "fault, fault-around, pfn (and huge after a fallback)",	\
	  "1 per call that did not fail", FAULT)				\
	X(MAP_PAGES, vm_map_pages, "in .fault", "fault-around",	\
	  "the window offered, end - start + 1", MAP_PAGES)		\
	X(HUGE_FAULT, vm_huge_fault, ".huge_fault", "huge",		\
	  "a PMD's pages (512 of 4 KiB) per PMD found empty and "	\
	  "mapped (fallbacks and PMDs already mapped map none)",	\
	  HUGE_FAULT)							\
	X(POP_REMAP, populate_remap, "populate", "remap",		\
	  "the whole VMA on success", POPULATE)			\
	X(POP_REMAP_UNCHECKED, populate_remap_unchecked, "populate",	\
	  "remap-unchecked", "the whole VMA on success", POPULATE)	\
	X(POP_INSERT, populate_insert, "populate", "insert",		\
	  "the whole VMA on success", POPULATE)			\
	X(POP_INSERT_BATCH, populate_insert_batch, "populate",		\
	  "insert-batch", "the whole VMA on success", POPULATE)	\
	X(POP_MAP_PAGES, populate_map_pages, "populate", "map-pages",	\
	  "the whole VMA on success", POPULATE)			\
	X(POP_VMALLOC_RANGE, populate_vmalloc_range, "populate",	\
	  "vmalloc-range", "the whole VMA on success", POPULATE)	\
	X(POP_DMA_MMAP, populate_dma_mmap, "populate", "dma-mmap",	\
	  "the whole VMA on success", POPULATE)

#define FT_SYMBOL_PREFIX	"kbufmap_"

/*
 * Prototype shapes: which argument points to the struct the programs read
 * (the loader checks it in the module's BTF before choosing fentry), and
 * what the function returns.
 *   MMAP        int kbufmap_mmap(struct file *, struct vm_area_struct *)
 *   FAULT       vm_fault_t (struct vm_fault *)
 *   MAP_PAGES   vm_fault_t (struct vm_fault *, pgoff_t start, pgoff_t end)
 *   HUGE_FAULT  vm_fault_t (struct vm_fault *, order or pe_size)
 *   POPULATE    int (struct kbufmap_buffer *, struct vm_area_struct *)
 */
#define FT_SHAPE_ARG_MMAP		1
#define FT_SHAPE_ARG_FAULT		0
#define FT_SHAPE_ARG_MAP_PAGES		0
#define FT_SHAPE_ARG_HUGE_FAULT		0
#define FT_SHAPE_ARG_POPULATE		1
#define FT_SHAPE_STRUCT_MMAP		"vm_area_struct"
#define FT_SHAPE_STRUCT_FAULT		"vm_fault"
#define FT_SHAPE_STRUCT_MAP_PAGES	"vm_fault"
#define FT_SHAPE_STRUCT_HUGE_FAULT	"vm_fault"
#define FT_SHAPE_STRUCT_POPULATE	"vm_area_struct"

enum ft_func {
#define FT_FUNC_ENUM(id, fn, handler, strategies, pages_rule, shape) FT_##id,
	FT_FUNCS(FT_FUNC_ENUM)
#undef FT_FUNC_ENUM
	FT_NR_FUNCS
};

/*
 * Slots: the index of the counters in the maps. The module's functions
 * first (enum ft_func), then the functions named with `--function` (any
 * kernel function; generic programs fentry_u<k> ... whose attach target is
 * set at load time), then `--mapping` (handle_mm_fault, filtered by the
 * mapped file).
 */
#define FT_MAX_USER_FUNCS	8
#define FT_SLOT_USER0		FT_NR_FUNCS
#define FT_SLOT_MAPPING		(FT_SLOT_USER0 + FT_MAX_USER_FUNCS)
#define FT_NR_SLOTS		(FT_SLOT_MAPPING + 1)

/*
 * What the return value of a --function says, from its BTF return type:
 * how the BPF side tells an error (and, for vm_fault_t, a retry).
 */
enum ft_ret_kind {
	FT_RET_UNKNOWN = 0,	/* no BTF, or a type that says nothing */
	FT_RET_VOID,		/* cannot fail through its return value */
	FT_RET_VM_FAULT,	/* vm_fault_t: VM_FAULT_ERROR bits */
	FT_RET_ERRNO_INT,	/* int: -4095..-1 is an -errno */
	FT_RET_ERRNO_LONG,	/* long: the same, 64 bits */
	FT_RET_ERR_PTR,		/* a pointer: IS_ERR() */
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
	FT_DROP_STALE_START,	/* a start whose return never came (a missed
				 * return, or a fault abandoned after
				 * VM_FAULT_RETRY), dropped at the thread's
				 * next entry rather than timed with it */
	FT_NR_DROPS
};

/* Per function, one copy per CPU (BPF_MAP_TYPE_PERCPU_ARRAY). */
struct ft_func_stats {
	__u64 calls;		/* returns matched with their entry */
	__u64 pages;		/* pages the calls mapped (see the report) */
	__u64 errors;		/* calls that returned an error */
	__u64 fallbacks;	/* .huge_fault: VM_FAULT_FALLBACK returned */
	__u64 retries;		/* vm_fault_t: VM_FAULT_RETRY returned */
	__u64 already_mapped;	/* .huge_fault: the PMD was mapped at entry
				 * (a write upgrade, or another thread's
				 * fault first): no PMD mapped */
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
