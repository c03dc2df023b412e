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

static __always_inline int on_return(__u32 func, __u64 ret)
{
	__u64 now = bpf_ktime_get_ns();
	__u64 id = bpf_get_current_pid_tgid();
	struct start_key key = { .tid = (__u32)id, .func = func };
	struct start_val *start;
	__u64 delta, pages;
	bool failed, fallback = false;

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

	switch (func) {
	case FT_FAULT:		/* vm_fault_t */
	case FT_MAP_PAGES:
		failed = (__u32)ret & FT_VM_FAULT_ERR;
		break;
	case FT_HUGE_FAULT:
		failed = (__u32)ret & FT_VM_FAULT_ERR;
		fallback = (__u32)ret & VM_FAULT_FALLBACK;
		break;
	default:		/* int: 0 or -errno */
		failed = (int)ret != 0;
		break;
	}
	account(func, id >> 32, delta, pages, failed, fallback);
	return 0;
}

/*
 * The programs. fentry/fexit read their arguments from the trampoline's
 * context, kprobes from pt_regs; both end in on_entry()/on_return().
 * kbufmap_vm_huge_fault's second argument differs between kernels
 * (enum page_entry_size on 6.1, unsigned int order on 6.12); both fill one
 * 64-bit slot and it is not read.
 */

/* f_op->mmap: pages are accounted by the populate function it calls. */
SEC("fentry/kbufmap_mmap")
int BPF_PROG(fentry_mmap, struct file *file, struct vm_area_struct *vma)
{
	return on_entry(FT_MMAP, 0);
}

SEC("fexit/kbufmap_mmap")
int BPF_PROG(fexit_mmap, struct file *file, struct vm_area_struct *vma, int ret)
{
	return on_return(FT_MMAP, ret);
}

SEC("kprobe/kbufmap_mmap")
int BPF_KPROBE(kprobe_mmap)
{
	return on_entry(FT_MMAP, 0);
}

SEC("kretprobe/kbufmap_mmap")
int BPF_KRETPROBE(kretprobe_mmap, int ret)
{
	return on_return(FT_MMAP, ret);
}

/* .fault: one page per successful call. */
SEC("fentry/kbufmap_vm_fault")
int BPF_PROG(fentry_fault, struct vm_fault *vmf)
{
	return on_entry(FT_FAULT, 1);
}

SEC("fexit/kbufmap_vm_fault")
int BPF_PROG(fexit_fault, struct vm_fault *vmf, vm_fault_t ret)
{
	return on_return(FT_FAULT, ret);
}

SEC("kprobe/kbufmap_vm_fault")
int BPF_KPROBE(kprobe_fault)
{
	return on_entry(FT_FAULT, 1);
}

SEC("kretprobe/kbufmap_vm_fault")
int BPF_KRETPROBE(kretprobe_fault, vm_fault_t ret)
{
	return on_return(FT_FAULT, ret);
}

/* .map_pages: the fault-around window, end - start + 1 pages (pgoff_t). */
SEC("fentry/kbufmap_vm_map_pages")
int BPF_PROG(fentry_map_pages, struct vm_fault *vmf, unsigned long start, unsigned long end)
{
	return on_entry(FT_MAP_PAGES, end - start + 1);
}

SEC("fexit/kbufmap_vm_map_pages")
int BPF_PROG(fexit_map_pages, struct vm_fault *vmf, unsigned long start, unsigned long end,
	     vm_fault_t ret)
{
	return on_return(FT_MAP_PAGES, ret);
}

SEC("kprobe/kbufmap_vm_map_pages")
int BPF_KPROBE(kprobe_map_pages, struct vm_fault *vmf, unsigned long start, unsigned long end)
{
	return on_entry(FT_MAP_PAGES, end - start + 1);
}

SEC("kretprobe/kbufmap_vm_map_pages")
int BPF_KRETPROBE(kretprobe_map_pages, vm_fault_t ret)
{
	return on_return(FT_MAP_PAGES, ret);
}

/* .huge_fault: a PMD unless it falls back. */
SEC("fentry/kbufmap_vm_huge_fault")
int BPF_PROG(fentry_huge_fault, struct vm_fault *vmf)
{
	return on_entry(FT_HUGE_FAULT, FT_PMD_PAGES);
}

SEC("fexit/kbufmap_vm_huge_fault")
int BPF_PROG(fexit_huge_fault, struct vm_fault *vmf, unsigned int order_or_pe_size,
	     vm_fault_t ret)
{
	return on_return(FT_HUGE_FAULT, ret);
}

SEC("kprobe/kbufmap_vm_huge_fault")
int BPF_KPROBE(kprobe_huge_fault)
{
	return on_entry(FT_HUGE_FAULT, FT_PMD_PAGES);
}

SEC("kretprobe/kbufmap_vm_huge_fault")
int BPF_KRETPROBE(kretprobe_huge_fault, vm_fault_t ret)
{
	return on_return(FT_HUGE_FAULT, ret);
}

/* kbufmap_populate_*(buf, vma): the whole VMA when they return 0. */
#define FT_POPULATE(name, func)						\
SEC("fentry/kbufmap_populate_" #name)					\
int BPF_PROG(fentry_populate_##name, void *buf,				\
	     struct vm_area_struct *vma)				\
{									\
	return on_entry(func, vma_pages(vma));				\
}									\
									\
SEC("fexit/kbufmap_populate_" #name)					\
int BPF_PROG(fexit_populate_##name, void *buf,				\
	     struct vm_area_struct *vma, int ret)			\
{									\
	return on_return(func, ret);					\
}									\
									\
SEC("kprobe/kbufmap_populate_" #name)					\
int BPF_KPROBE(kprobe_populate_##name, void *buf,			\
	       struct vm_area_struct *vma)				\
{									\
	return on_entry(func, vma_pages(vma));				\
}									\
									\
SEC("kretprobe/kbufmap_populate_" #name)				\
int BPF_KRETPROBE(kretprobe_populate_##name, int ret)			\
{									\
	return on_return(func, ret);					\
}

FT_POPULATE(remap, FT_POP_REMAP)
FT_POPULATE(remap_unchecked, FT_POP_REMAP_UNCHECKED)
FT_POPULATE(insert, FT_POP_INSERT)
FT_POPULATE(insert_batch, FT_POP_INSERT_BATCH)
FT_POPULATE(map_pages, FT_POP_MAP_PAGES)
FT_POPULATE(vmalloc_range, FT_POP_VMALLOC_RANGE)

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
