// SPDX-License-Identifier: GPL-2.0
/*
 * fault_trace: count the kbufmap module's mmap, fault and populate calls,
 * the pages they map and their latency, aggregated in the kernel.
 *
 * Every traced function has two pairs of programs: fentry/fexit (needs the
 * module's BTF in the running kernel) and kprobe/kretprobe (needs only the
 * symbol). User space loads one pair per function and leaves the other
 * unloaded. An entry program records the start time (and the pages the call
 * will map, when only the arguments tell) keyed by (thread, function); the
 * return program takes it out, and accounts the call once it knows the
 * return value. So a call is counted on return, and the histogram of a
 * function always sums to its call count. The starts live in task-local
 * storage where the kernel lets tracing programs use it, else in a hash
 * map (see struct start_val).
 *
 * CO-RE: the kernel structures read (vm_area_struct, vm_fault, file, inode,
 * task_struct, signal_struct) are relocated at load time; one object serves
 * every listed kernel: 5.10 (kprobes only: it has no module BTF), 6.1, 6.12
 * and 7.2.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "fault_trace.h"

char LICENSE[] SEC("license") = "GPL";

/* Settings, fixed before load so the verifier prunes what is unused. */
const volatile __u32 targ_tgid = 0;		/* 0: every process */
const volatile bool targ_children = false;	/* and its descendants */
/*
 * kprobe mode through tracefs: count every run of every program, so that
 * user space can compare with the probes' hit counts (kprobe_profile). The
 * difference is the runs the kernel skipped for recursion, which kernels
 * before 6.7 do not count for kprobe programs.
 */
const volatile bool count_runs = false;
/*
 * --function: per user slot, how to read the return value. fexit finds it
 * in its context after the arguments: ctx[user_nargs[k]] (8-byte slots);
 * user_ret[k] is an enum ft_ret_kind.
 */
const volatile __u32 user_nargs[FT_MAX_USER_FUNCS] = {};
const volatile __u32 user_ret[FT_MAX_USER_FUNCS] = {};
/*
 * Keep the starts in task-local storage (task_starts) rather than the hash
 * map (starts): user space sets it in fentry mode on 5.13 and later, the
 * kernels whose tracing programs may call bpf_task_storage_get().
 */
const volatile bool use_task_storage = false;
/*
 * Calibration for bench/trace-overhead.sh (KBUFMAP_TRACE_EMPTY=1): every
 * traced call's programs return at once, so a run costs what the
 * trampolines or kprobes cost alone, the floor under any program.
 */
const volatile bool empty_programs = false;
/*
 * The page shift and the pages one PMD maps, which BTF does not carry:
 * user space sets this kernel's (x86-64's are the defaults; arm64 has 16
 * and 64 KiB pages too).
 */
const volatile __u32 page_shift = 12;
const volatile __u32 pmd_pages = 512;
/* --mapping: the mapped file, as its inode's i_sb->s_dev and i_ino. */
const volatile __u64 map_dev = 0;
const volatile __u64 map_ino = 0;
/* --mapping: the last VMA of that file a traced fault hit. */
__u64 map_vm_start;
__u64 map_vm_end;

/*
 * Start of each call in flight, one per (thread, function), in one of two
 * stores. Task-local storage holds a thread's starts in one value found
 * through the task itself: no hashing, no bucket lock, nothing to delete
 * (ts 0 marks a free slot). Per call that is half of the map work the hash
 * map costs, an update at entry and a lookup and a delete at return,
 * which is most of what tracing adds to a fault (bench/README.md). The
 * hash map serves kprobe mode and the kernels before 5.13. User space
 * shrinks the store it does not use to almost nothing.
 */
struct start_key {
	__u32 tid;
	__u32 func;
};

struct start_val {
	__u64 ts;
	__u64 pages;	/* pages the call maps if it succeeds, from its args */
	__u64 addr;	/* --mapping: the fault's address */
	__u64 retry_ts;	/* --mapping: when a try returned VM_FAULT_RETRY, 0: none */
	__u32 flags;	/* FT_START_* */
};

/* .huge_fault found its PMD already mapped: it maps nothing (see there). */
#define FT_START_PMD_PRESENT	1

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, FT_MAX_STARTS);
	__type(key, struct start_key);
	__type(value, struct start_val);
} starts SEC(".maps");

struct task_starts {
	struct start_val slot[FT_NR_SLOTS];
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct task_starts);
} task_starts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, FT_NR_SLOTS);
	__type(key, __u32);
	__type(value, struct ft_func_stats);
} func_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, FT_MAX_PROCS);
	__type(key, struct ft_proc_key);
	__type(value, struct ft_proc_stats);
} proc_stats SEC(".maps");

/* Descendants of targ_tgid (when targ_children). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, FT_MAX_CHILDREN);
	__type(key, __u32);
	__type(value, __u8);
} children SEC(".maps");

/* Runs per (function, end): key func * 2 + (0 entry, 1 return). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, FT_NR_SLOTS * 2);
	__type(key, __u32);
	__type(value, __u64);
} runs SEC(".maps");

__u64 drops[FT_NR_DROPS];

static __always_inline void count_run(__u32 func, __u32 end)
{
	__u32 key = func * 2 + end;
	__u64 *n;

	if (!count_runs)
		return;
	n = bpf_map_lookup_elem(&runs, &key);
	if (n)
		(*n)++;
}

static __always_inline bool tgid_traced(__u32 tgid)
{
	if (!targ_tgid || tgid == targ_tgid)
		return true;
	return targ_children && bpf_map_lookup_elem(&children, &tgid);
}

/* floor(log2(v)) for v > 0, 0 for 0. */
static __always_inline __u32 log2_u64(__u64 v)
{
	__u32 r = 0, s;

	s = (v > 0xffffffffULL) << 5; v >>= s; r |= s;
	s = (v > 0xffff) << 4; v >>= s; r |= s;
	s = (v > 0xff) << 3; v >>= s; r |= s;
	s = (v > 0xf) << 2; v >>= s; r |= s;
	s = (v > 0x3) << 1; v >>= s; r |= s;
	r |= (v >> 1);
	return r;
}

static __always_inline __u64 vma_pages(struct vm_area_struct *vma)
{
	return (BPF_CORE_READ(vma, vm_end) - BPF_CORE_READ(vma, vm_start)) >> page_shift;
}

/*
 * A thread's start for @func that is still there when the thread enters
 * @func again is stale: its return was never seen (a kretprobe or a
 * recursion miss, or a fault abandoned after VM_FAULT_RETRY). It is
 * replaced, never matched with a later return, which would turn the gap
 * into one huge latency; and counted, so the report shows it.
 */
static __always_inline void record_start(__u32 func, __u32 tid, __u64 pages,
					 __u64 addr, __u32 flags)
{
	struct start_key key = { .tid = tid, .func = func };
	struct start_val val = { .pages = pages, .addr = addr, .flags = flags };
	struct task_starts *ts;

	if (use_task_storage) {
		if (func >= FT_NR_SLOTS)
			return;
		ts = bpf_task_storage_get(&task_starts, bpf_get_current_task_btf(), 0,
					  BPF_LOCAL_STORAGE_GET_F_CREATE);
		if (!ts) {	/* out of memory, or the storage busy (recursion) */
			__sync_fetch_and_add(&drops[FT_DROP_START_FULL], 1);
			return;
		}
		if (ts->slot[func].ts)
			__sync_fetch_and_add(&drops[FT_DROP_STALE_START], 1);
		val.ts = bpf_ktime_get_ns();
		ts->slot[func] = val;
		return;
	}
	if (bpf_map_lookup_elem(&starts, &key))
		__sync_fetch_and_add(&drops[FT_DROP_STALE_START], 1);
	val.ts = bpf_ktime_get_ns();
	if (bpf_map_update_elem(&starts, &key, &val, BPF_ANY))
		__sync_fetch_and_add(&drops[FT_DROP_START_FULL], 1);
}

/* The thread's start for @func, or NULL: none recorded. */
static __always_inline struct start_val *find_start(__u32 func, __u32 tid)
{
	struct start_key key = { .tid = tid, .func = func };
	struct task_starts *ts;

	if (!use_task_storage)
		return bpf_map_lookup_elem(&starts, &key);
	if (func >= FT_NR_SLOTS)
		return NULL;
	ts = bpf_task_storage_get(&task_starts, bpf_get_current_task_btf(), 0, 0);
	if (!ts || !ts->slot[func].ts)
		return NULL;
	return &ts->slot[func];
}

/* Free @start, found by find_start(@func, @tid). */
static __always_inline void drop_start(__u32 func, __u32 tid, struct start_val *start)
{
	struct start_key key = { .tid = tid, .func = func };

	if (use_task_storage)
		start->ts = 0;
	else
		bpf_map_delete_elem(&starts, &key);
}

static __always_inline int on_entry_flags(__u32 func, __u64 pages, __u32 flags)
{
	__u64 id;

	if (empty_programs)
		return 0;
	id = bpf_get_current_pid_tgid();
	count_run(func, 0);
	if (tgid_traced(id >> 32))
		record_start(func, (__u32)id, pages, 0, flags);
	return 0;
}

static __always_inline int on_entry(__u32 func, __u64 pages)
{
	return on_entry_flags(func, pages, 0);
}

/* What a return said, as FT_OUT_* bits. */
#define FT_OUT_FAILED		1	/* an error */
#define FT_OUT_FALLBACK		2	/* .huge_fault declined: VM_FAULT_FALLBACK */
#define FT_OUT_RETRY		4	/* vm_fault_t: VM_FAULT_RETRY */

/*
 * @pages: what the call mapped if it succeeded; @out: FT_OUT_* bits;
 * @start_flags: FT_START_* of its entry.
 */
static __always_inline void account(__u32 func, __u32 tgid, __u64 delta,
				    __u64 pages, __u32 out, __u32 start_flags)
{
	struct ft_proc_key pkey = { .tgid = tgid, .func = func };
	bool failed = out & FT_OUT_FAILED;
	struct ft_func_stats *fs;
	struct ft_proc_stats *ps;
	__u32 slot;

	if (out & (FT_OUT_FAILED | FT_OUT_FALLBACK) ||
	    start_flags & FT_START_PMD_PRESENT)
		pages = 0;

	fs = bpf_map_lookup_elem(&func_stats, &func);
	if (fs) {	/* per-CPU: no other writer on this CPU meanwhile */
		_Static_assert((FT_HIST_SLOTS & (FT_HIST_SLOTS - 1)) == 0 &&
			       FT_HIST_SLOTS >= 64, "log2 of a u64 must fit");
		slot = log2_u64(delta);
		/* Mask the very register used to index (older verifiers). */
		barrier_var(slot);
		slot &= FT_HIST_SLOTS - 1;
		fs->calls++;
		fs->pages += pages;
		fs->errors += failed;
		fs->fallbacks += !!(out & FT_OUT_FALLBACK);
		fs->retries += !!(out & FT_OUT_RETRY);
		fs->already_mapped += !(out & (FT_OUT_FAILED | FT_OUT_FALLBACK)) &&
				      (start_flags & FT_START_PMD_PRESENT);
		fs->total_ns += delta;
		fs->hist[slot]++;
	}

	ps = bpf_map_lookup_elem(&proc_stats, &pkey);
	if (!ps) {
		/* First call of this process here: the comm, once. */
		struct ft_proc_stats init = {};

		bpf_get_current_comm(init.comm, sizeof(init.comm));
		bpf_map_update_elem(&proc_stats, &pkey, &init, BPF_NOEXIST);
		ps = bpf_map_lookup_elem(&proc_stats, &pkey);
		if (!ps) {
			__sync_fetch_and_add(&drops[FT_DROP_PROC_FULL], 1);
			return;
		}
	}
	__sync_fetch_and_add(&ps->calls, 1);
	__sync_fetch_and_add(&ps->pages, pages);
	__sync_fetch_and_add(&ps->errors, (__u64)failed);
	__sync_fetch_and_add(&ps->total_ns, delta);
}

/* VM_FAULT_* errors; VM_FAULT_FALLBACK is not one of them here. */
#define FT_VM_FAULT_ERR (VM_FAULT_OOM | VM_FAULT_SIGBUS | VM_FAULT_SIGSEGV | \
			 VM_FAULT_HWPOISON | VM_FAULT_HWPOISON_LARGE)

/* What a return value says, by return type, as FT_OUT_* bits. */
#define FT_OUT_INT(ret)		((int)(ret) != 0 ? FT_OUT_FAILED : 0)	/* 0 or -errno */
#define FT_OUT_VMF(ret)							\
	((((__u32)(ret) & FT_VM_FAULT_ERR) ? FT_OUT_FAILED : 0) |	\
	 (((__u32)(ret) & VM_FAULT_FALLBACK) ? FT_OUT_FALLBACK : 0) |	\
	 (((__u32)(ret) & VM_FAULT_RETRY) ? FT_OUT_RETRY : 0))

/*
 * @out: FT_OUT_* bits. @filtered: the entry program chose which calls to
 * time (--mapping), so a return without its start is no loss.
 */
static __always_inline int finish_call(__u32 func, __u32 out, bool filtered)
{
	struct start_val *start;
	__u64 now, id, delta, pages;
	__u32 flags;

	if (empty_programs)
		return 0;
	now = bpf_ktime_get_ns();
	id = bpf_get_current_pid_tgid();
	count_run(func, 1);
	if (!tgid_traced(id >> 32))
		return 0;
	start = find_start(func, (__u32)id);
	if (!start) {
		if (!filtered)
			__sync_fetch_and_add(&drops[FT_DROP_UNMATCHED], 1);
		return 0;
	}
	delta = now - start->ts;
	pages = start->pages;
	flags = start->flags;
	drop_start(func, (__u32)id, start);
	account(func, id >> 32, delta, pages, out, flags);
	return 0;
}

static __always_inline int on_return(__u32 func, __u32 out)
{
	return finish_call(func, out, false);
}

/* -4095..-1: an -errno, as the kernel's IS_ERR_VALUE(). */
#define FT_MAX_ERRNO	4095

/* A return value of the kind user space read from the BTF. */
static __always_inline int on_return_kind(__u32 func, __u32 kind, __u64 ret,
					  bool filtered)
{
	bool failed = false;
	__u32 out = 0;

	if (kind == FT_RET_VM_FAULT)
		out = FT_OUT_VMF(ret) & (FT_OUT_FAILED | FT_OUT_RETRY);
	else if (kind == FT_RET_ERRNO_INT)
		failed = (int)ret < 0 && (int)ret >= -FT_MAX_ERRNO;
	else if (kind == FT_RET_ERRNO_LONG)
		failed = (__s64)ret < 0 && (__s64)ret >= -FT_MAX_ERRNO;
	else if (kind == FT_RET_ERR_PTR)
		failed = ret >= (__u64)-FT_MAX_ERRNO;
	if (failed)
		out |= FT_OUT_FAILED;
	return finish_call(func, out, filtered);
}

/*
 * The programs: four per traced function, generated from FT_FUNCS by the
 * function's prototype shape (probes/fault_trace.h). fentry/fexit read
 * their arguments from the trampoline's context, kprobes from pt_regs;
 * both end in on_entry()/on_return(). User space finds them by name:
 * fentry_<fn>, fexit_<fn>, kprobe_<fn>, kretprobe_<fn>.
 */
#define FT_SEC(kind, fn)	SEC(#kind "/" FT_SYMBOL_PREFIX #fn)

/* f_op->mmap: pages are accounted by the populate function it calls. */
#define FT_PROGS_MMAP(id, fn)						\
FT_SEC(fentry, fn)							\
int BPF_PROG(fentry_##fn, struct file *file, struct vm_area_struct *vma) \
{									\
	return on_entry(FT_##id, 0);					\
}									\
FT_SEC(fexit, fn)							\
int BPF_PROG(fexit_##fn, struct file *file, struct vm_area_struct *vma,	\
	     int ret)							\
{									\
	return on_return(FT_##id, FT_OUT_INT(ret));			\
}									\
FT_SEC(kprobe, fn)							\
int BPF_KPROBE(kprobe_##fn)						\
{									\
	return on_entry(FT_##id, 0);					\
}									\
FT_SEC(kretprobe, fn)							\
int BPF_KRETPROBE(kretprobe_##fn, int ret)				\
{									\
	return on_return(FT_##id, FT_OUT_INT(ret));			\
}

/* .fault: one page per successful call. */
#define FT_PROGS_FAULT(id, fn)						\
FT_SEC(fentry, fn)							\
int BPF_PROG(fentry_##fn, struct vm_fault *vmf)				\
{									\
	return on_entry(FT_##id, 1);					\
}									\
FT_SEC(fexit, fn)							\
int BPF_PROG(fexit_##fn, struct vm_fault *vmf, vm_fault_t ret)		\
{									\
	return on_return(FT_##id, FT_OUT_VMF(ret) & FT_OUT_FAILED);	\
}									\
FT_SEC(kprobe, fn)							\
int BPF_KPROBE(kprobe_##fn)						\
{									\
	return on_entry(FT_##id, 1);					\
}									\
FT_SEC(kretprobe, fn)							\
int BPF_KRETPROBE(kretprobe_##fn, vm_fault_t ret)			\
{									\
	return on_return(FT_##id, FT_OUT_VMF(ret) & FT_OUT_FAILED);	\
}

/*
 * kbufmap_vm_map_pages: the fault-around window .fault maps around a read
 * fault, end - start + 1 pages (pgoff_t). It runs nested inside .fault
 * (no longer as a ->map_pages hook), so .fault's latency includes it.
 */
#define FT_PROGS_MAP_PAGES(id, fn)					\
FT_SEC(fentry, fn)							\
int BPF_PROG(fentry_##fn, struct vm_fault *vmf, unsigned long start,	\
	     unsigned long end)						\
{									\
	return on_entry(FT_##id, end - start + 1);			\
}									\
FT_SEC(fexit, fn)							\
int BPF_PROG(fexit_##fn, struct vm_fault *vmf, unsigned long start,	\
	     unsigned long end, vm_fault_t ret)				\
{									\
	return on_return(FT_##id, FT_OUT_VMF(ret) & FT_OUT_FAILED);	\
}									\
FT_SEC(kprobe, fn)							\
int BPF_KPROBE(kprobe_##fn, struct vm_fault *vmf, unsigned long start,	\
	       unsigned long end)					\
{									\
	return on_entry(FT_##id, end - start + 1);			\
}									\
FT_SEC(kretprobe, fn)							\
int BPF_KRETPROBE(kretprobe_##fn, vm_fault_t ret)			\
{									\
	return on_return(FT_##id, FT_OUT_VMF(ret) & FT_OUT_FAILED);	\
}

/*
 * .huge_fault maps a PMD when it finds the PMD empty. It is also called
 * on a PMD already mapped: a write to a PMD a read mapped read-only
 * (wp_huge_pmd()), or a fault that another thread's fault beat to it. Such
 * a call returns VM_FAULT_NOPAGE too, but maps nothing, and the module's
 * huge_faults does not count it; so the PMD is read here, at entry: a call
 * that finds it mapped counts as "already mapped", with no pages. (Two
 * threads that both find it empty both count, where the module's lock
 * lets one count: only a race of first faults on one PMD differs.)
 * x86-64 pmd_none(): nothing but the Accessed and Dirty bits set.
 */
#define FT_PMD_NONE_IGNORED	0x60ULL	/* _PAGE_KNL_ERRATUM_MASK */

static __always_inline __u32 huge_entry_flags(struct vm_fault *vmf)
{
	pmd_t *pmdp = BPF_CORE_READ(vmf, pmd);
	__u64 val = 0;

	if (pmdp && !bpf_probe_read_kernel(&val, sizeof(val), pmdp) &&
	    (val & ~FT_PMD_NONE_IGNORED))
		return FT_START_PMD_PRESENT;
	return 0;
}

/*
 * Its second argument differs between kernels (enum page_entry_size on 6.1,
 * unsigned int order on 6.12); both fill one 64-bit slot and it is not read.
 */
#define FT_PROGS_HUGE_FAULT(id, fn)					\
FT_SEC(fentry, fn)							\
int BPF_PROG(fentry_##fn, struct vm_fault *vmf)				\
{									\
	return on_entry_flags(FT_##id, pmd_pages,			\
			      huge_entry_flags(vmf));			\
}									\
FT_SEC(fexit, fn)							\
int BPF_PROG(fexit_##fn, struct vm_fault *vmf,				\
	     unsigned int order_or_pe_size, vm_fault_t ret)		\
{									\
	return on_return(FT_##id, FT_OUT_VMF(ret) &			\
			 (FT_OUT_FAILED | FT_OUT_FALLBACK));		\
}									\
FT_SEC(kprobe, fn)							\
int BPF_KPROBE(kprobe_##fn, struct vm_fault *vmf)			\
{									\
	return on_entry_flags(FT_##id, pmd_pages,			\
			      huge_entry_flags(vmf));			\
}									\
FT_SEC(kretprobe, fn)							\
int BPF_KRETPROBE(kretprobe_##fn, vm_fault_t ret)			\
{									\
	return on_return(FT_##id, FT_OUT_VMF(ret) &			\
			 (FT_OUT_FAILED | FT_OUT_FALLBACK));		\
}

/* kbufmap_populate_*(buf, vma): the whole VMA when they return 0. */
#define FT_PROGS_POPULATE(id, fn)					\
FT_SEC(fentry, fn)							\
int BPF_PROG(fentry_##fn, void *buf, struct vm_area_struct *vma)	\
{									\
	return on_entry(FT_##id, vma_pages(vma));			\
}									\
FT_SEC(fexit, fn)							\
int BPF_PROG(fexit_##fn, void *buf, struct vm_area_struct *vma, int ret) \
{									\
	return on_return(FT_##id, FT_OUT_INT(ret));			\
}									\
FT_SEC(kprobe, fn)							\
int BPF_KPROBE(kprobe_##fn, void *buf, struct vm_area_struct *vma)	\
{									\
	return on_entry(FT_##id, vma_pages(vma));			\
}									\
FT_SEC(kretprobe, fn)							\
int BPF_KRETPROBE(kretprobe_##fn, int ret)				\
{									\
	return on_return(FT_##id, FT_OUT_INT(ret));			\
}

#define FT_PROGS(id, fn, handler, strategies, pages_rule, shape)	\
	FT_PROGS_##shape(id, fn)
FT_FUNCS(FT_PROGS)

/*
 * --function: FT_MAX_USER_FUNCS sets of generic programs. User space sets
 * the fentry/fexit attach target at load time (bpf_program__set_attach_target)
 * or names the function to the kprobes. No argument is read; fexit finds
 * the return value after the arguments, at the slot user space computed from
 * the BTF prototype: a constant in .rodata, so the verifier sees only the
 * one context access the switch leaves (x86-64 trampolines take at most
 * 6 argument slots on the kernels before 6.5: user space keeps to those).
 */
static __always_inline __u64 fexit_ret(__u64 *ctx, __u32 nargs)
{
	__u64 ret;

	/*
	 * The barrier keeps each load in its own branch: merged, the loads
	 * would become one through a computed ctx pointer, which the
	 * verifier refuses.
	 */
	switch (nargs) {
	case 0: ret = ctx[0]; barrier_var(ret); break;
	case 1: ret = ctx[1]; barrier_var(ret); break;
	case 2: ret = ctx[2]; barrier_var(ret); break;
	case 3: ret = ctx[3]; barrier_var(ret); break;
	case 4: ret = ctx[4]; barrier_var(ret); break;
	case 5: ret = ctx[5]; barrier_var(ret); break;
	default: ret = ctx[6]; barrier_var(ret); break;
	}
	return ret;
}

#define FT_USER_PROGS(k)						\
SEC("fentry")								\
int fentry_u##k(__u64 *ctx)						\
{									\
	return on_entry(FT_SLOT_USER0 + k, 0);				\
}									\
SEC("fexit")								\
int fexit_u##k(__u64 *ctx)						\
{									\
	__u64 ret = 0;	/* void has no return slot to read */		\
									\
	if (user_ret[k] != FT_RET_VOID && user_ret[k] != FT_RET_UNKNOWN) \
		ret = fexit_ret(ctx, user_nargs[k]);			\
	return on_return_kind(FT_SLOT_USER0 + k, user_ret[k], ret, false); \
}									\
SEC("kprobe")								\
int kprobe_u##k(struct pt_regs *ctx)					\
{									\
	return on_entry(FT_SLOT_USER0 + k, 0);				\
}									\
SEC("kretprobe")							\
int kretprobe_u##k(struct pt_regs *ctx)					\
{									\
	return on_return_kind(FT_SLOT_USER0 + k, user_ret[k],		\
			      PT_REGS_RC(ctx), false);			\
}

_Static_assert(FT_MAX_USER_FUNCS == 8, "one FT_USER_PROGS() per user slot");
FT_USER_PROGS(0)
FT_USER_PROGS(1)
FT_USER_PROGS(2)
FT_USER_PROGS(3)
FT_USER_PROGS(4)
FT_USER_PROGS(5)
FT_USER_PROGS(6)
FT_USER_PROGS(7)

/*
 * --mapping: whole page faults, handle_mm_fault() entry to return, of the
 * traced processes on a VMA that maps the given file (matched by device
 * and inode, so the filter holds from the first fault on, without waiting
 * for user space to find the range in /proc/PID/maps).
 */
static __always_inline bool vma_maps_target(struct vm_area_struct *vma)
{
	struct file *file = BPF_CORE_READ(vma, vm_file);
	struct inode *inode;

	if (!file)
		return false;
	inode = BPF_CORE_READ(file, f_inode);
	if (!inode || BPF_CORE_READ(inode, i_ino) != map_ino ||
	    BPF_CORE_READ(inode, i_sb, s_dev) != map_dev)
		return false;
	map_vm_start = BPF_CORE_READ(vma, vm_start);
	map_vm_end = BPF_CORE_READ(vma, vm_end);
	return true;
}

/*
 * A fault that returns VM_FAULT_RETRY is taken again at once (on 6.12: the
 * first try under the per-VMA lock retries under mmap_lock whenever the
 * driver has no .map_pages). One page fault is one call: timed from its
 * first try's entry to its last try's return, its retries counted apart.
 *
 * A try is a retry only when the thread's start saw a VM_FAULT_RETRY
 * return, at the same address, less than FT_RETRY_GAP_NS ago. A fault
 * whose retry never comes (a signal: the fault is abandoned, and the
 * instruction may never run again) or whose return was missed leaves a
 * start behind; timed with the thread's next fault, it would report the
 * whole gap as one latency. record_start() drops it and counts it.
 */
#define FT_RETRY_GAP_NS	1000000000ULL	/* a retry follows within microseconds */

static __always_inline bool is_retry(const struct start_val *start, __u64 address)
{
	return start->retry_ts && start->addr == address &&
	       bpf_ktime_get_ns() - start->retry_ts < FT_RETRY_GAP_NS;
}

static __always_inline int mapping_entry(struct vm_area_struct *vma, __u64 address)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct start_val *start;

	count_run(FT_SLOT_MAPPING, 0);
	if (!tgid_traced(id >> 32) || !vma_maps_target(vma))
		return 0;
	start = find_start(FT_SLOT_MAPPING, (__u32)id);
	if (!start || !is_retry(start, address))
		record_start(FT_SLOT_MAPPING, (__u32)id, 0, address, 0);
	return 0;
}

static __always_inline int mapping_return(vm_fault_t ret)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 slot = FT_SLOT_MAPPING;
	struct ft_func_stats *fs;
	struct start_val *start;

	if (!(FT_OUT_VMF(ret) & FT_OUT_RETRY))
		return on_return_kind(FT_SLOT_MAPPING, FT_RET_VM_FAULT, ret, true);
	count_run(FT_SLOT_MAPPING, 1);
	if (!tgid_traced(id >> 32))
		return 0;
	start = find_start(FT_SLOT_MAPPING, (__u32)id);
	if (!start)
		return 0;
	start->retry_ts = bpf_ktime_get_ns();
	fs = bpf_map_lookup_elem(&func_stats, &slot);
	if (fs)
		fs->retries++;
	return 0;
}

SEC("fentry/handle_mm_fault")
int BPF_PROG(fentry_mapping, struct vm_area_struct *vma, unsigned long address)
{
	return mapping_entry(vma, address);
}

SEC("fexit/handle_mm_fault")
int BPF_PROG(fexit_mapping, struct vm_area_struct *vma, unsigned long address,
	     unsigned int flags, struct pt_regs *regs, vm_fault_t ret)
{
	return mapping_return(ret);
}

SEC("kprobe/handle_mm_fault")
int BPF_KPROBE(kprobe_mapping, struct vm_area_struct *vma, unsigned long address)
{
	return mapping_entry(vma, address);
}

SEC("kretprobe/handle_mm_fault")
int BPF_KRETPROBE(kretprobe_mapping, vm_fault_t ret)
{
	return mapping_return(ret);
}

/*
 * Follow the traced command's descendants (loaded only with targ_children).
 * A new thread shares its parent's tgid and needs no entry.
 */
SEC("raw_tp/sched_process_fork")
int BPF_PROG(follow_fork, struct task_struct *parent, struct task_struct *child)
{
	__u32 ptgid = BPF_CORE_READ(parent, tgid);
	__u32 ctgid = BPF_CORE_READ(child, tgid);
	__u8 one = 1;
	long err;

	if (ctgid == ptgid || !tgid_traced(ptgid))
		return 0;
	err = bpf_map_update_elem(&children, &ctgid, &one, BPF_NOEXIST);
	if (err && err != -17 /* EEXIST */)
		__sync_fetch_and_add(&drops[FT_DROP_CHILD_FULL], 1);
	return 0;
}

/*
 * Forget a descendant when its last thread exits (loaded with follow_fork):
 * its pid may be reused by an unrelated process, which must not be traced.
 * signal->live drops to 0 before this tracepoint when the group is dead.
 */
SEC("raw_tp/sched_process_exit")
int BPF_PROG(forget_exit, struct task_struct *p)
{
	__u32 tgid = BPF_CORE_READ(p, tgid);

	if (BPF_CORE_READ(p, signal, live.counter) == 0)
		bpf_map_delete_elem(&children, &tgid);
	return 0;
}
