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
 * function always sums to its call count.
 *
 * CO-RE: the only kernel structures read are vm_area_struct (vm_start,
 * vm_end) and task_struct (tgid), relocated at load time; one object serves
 * both the 6.1 and 6.12 guests.
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

/* Start of each call in flight. */
struct start_key {
	__u32 tid;
	__u32 func;
};

struct start_val {
	__u64 ts;
	__u64 pages;	/* pages the call maps if it succeeds, from its args */
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, FT_MAX_STARTS);
	__type(key, struct start_key);
	__type(value, struct start_val);
} starts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, FT_NR_FUNCS);
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
	__uint(max_entries, FT_NR_FUNCS * 2);
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
	return (BPF_CORE_READ(vma, vm_end) - BPF_CORE_READ(vma, vm_start)) >> FT_PAGE_SHIFT;
}

static __always_inline int on_entry(__u32 func, __u64 pages)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct start_key key = { .tid = (__u32)id, .func = func };
	struct start_val val = { .pages = pages };

	count_run(func, 0);
	if (!tgid_traced(id >> 32))
		return 0;
	val.ts = bpf_ktime_get_ns();
	if (bpf_map_update_elem(&starts, &key, &val, BPF_ANY))
		__sync_fetch_and_add(&drops[FT_DROP_START_FULL], 1);
	return 0;
}

/*
 * @pages: what the call mapped if it succeeded; @failed: it returned an
 * error; @fallback: .huge_fault declined (VM_FAULT_FALLBACK).
 */
static __always_inline void account(__u32 func, __u32 tgid, __u64 delta,
				    __u64 pages, bool failed, bool fallback)
{
	struct ft_proc_key pkey = { .tgid = tgid, .func = func };
	struct ft_func_stats *fs;
	struct ft_proc_stats *ps;
	__u32 slot;

	if (failed || fallback)
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
		fs->fallbacks += fallback;
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

/* What a return value says, by return type. */
#define FT_FAILED_INT(ret)	((int)(ret) != 0)	/* 0 or -errno */
#define FT_FAILED_VMF(ret)	(((__u32)(ret) & FT_VM_FAULT_ERR) != 0)
#define FT_FALLBACK_VMF(ret)	(((__u32)(ret) & VM_FAULT_FALLBACK) != 0)

/* @failed: the call returned an error; @fallback: .huge_fault declined. */
static __always_inline int on_return(__u32 func, bool failed, bool fallback)
{
	__u64 now = bpf_ktime_get_ns();
	__u64 id = bpf_get_current_pid_tgid();
	struct start_key key = { .tid = (__u32)id, .func = func };
	struct start_val *start;
	__u64 delta, pages;

	count_run(func, 1);
	if (!tgid_traced(id >> 32))
		return 0;
	start = bpf_map_lookup_elem(&starts, &key);
	if (!start) {
		__sync_fetch_and_add(&drops[FT_DROP_UNMATCHED], 1);
		return 0;
	}
	delta = now - start->ts;
	pages = start->pages;
	bpf_map_delete_elem(&starts, &key);
	account(func, id >> 32, delta, pages, failed, fallback);
	return 0;
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
	return on_return(FT_##id, FT_FAILED_INT(ret), false);		\
}									\
FT_SEC(kprobe, fn)							\
int BPF_KPROBE(kprobe_##fn)						\
{									\
	return on_entry(FT_##id, 0);					\
}									\
FT_SEC(kretprobe, fn)							\
int BPF_KRETPROBE(kretprobe_##fn, int ret)				\
{									\
	return on_return(FT_##id, FT_FAILED_INT(ret), false);		\
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
	return on_return(FT_##id, FT_FAILED_VMF(ret), false);		\
}									\
FT_SEC(kprobe, fn)							\
int BPF_KPROBE(kprobe_##fn)						\
{									\
	return on_entry(FT_##id, 1);					\
}									\
FT_SEC(kretprobe, fn)							\
int BPF_KRETPROBE(kretprobe_##fn, vm_fault_t ret)			\
{									\
	return on_return(FT_##id, FT_FAILED_VMF(ret), false);		\
}

/* .map_pages: the fault-around window, end - start + 1 pages (pgoff_t). */
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
	return on_return(FT_##id, FT_FAILED_VMF(ret), false);		\
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
	return on_return(FT_##id, FT_FAILED_VMF(ret), false);		\
}

/*
 * .huge_fault: a PMD unless it falls back. Its second argument differs
 * between kernels (enum page_entry_size on 6.1, unsigned int order on
 * 6.12); both fill one 64-bit slot and it is not read.
 */
#define FT_PROGS_HUGE_FAULT(id, fn)					\
FT_SEC(fentry, fn)							\
int BPF_PROG(fentry_##fn, struct vm_fault *vmf)				\
{									\
	return on_entry(FT_##id, FT_PMD_PAGES);				\
}									\
FT_SEC(fexit, fn)							\
int BPF_PROG(fexit_##fn, struct vm_fault *vmf,				\
	     unsigned int order_or_pe_size, vm_fault_t ret)		\
{									\
	return on_return(FT_##id, FT_FAILED_VMF(ret), FT_FALLBACK_VMF(ret)); \
}									\
FT_SEC(kprobe, fn)							\
int BPF_KPROBE(kprobe_##fn)						\
{									\
	return on_entry(FT_##id, FT_PMD_PAGES);				\
}									\
FT_SEC(kretprobe, fn)							\
int BPF_KRETPROBE(kretprobe_##fn, vm_fault_t ret)			\
{									\
	return on_return(FT_##id, FT_FAILED_VMF(ret), FT_FALLBACK_VMF(ret)); \
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
	return on_return(FT_##id, FT_FAILED_INT(ret), false);		\
}									\
FT_SEC(kprobe, fn)							\
int BPF_KPROBE(kprobe_##fn, void *buf, struct vm_area_struct *vma)	\
{									\
	return on_entry(FT_##id, vma_pages(vma));			\
}									\
FT_SEC(kretprobe, fn)							\
int BPF_KRETPROBE(kretprobe_##fn, int ret)				\
{									\
	return on_return(FT_##id, FT_FAILED_INT(ret), false);		\
}

#define FT_PROGS(id, fn, handler, strategies, pages_rule, shape)	\
	FT_PROGS_##shape(id, fn)
FT_FUNCS(FT_PROGS)

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
