#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# guest-run's kernel-log scan (guest-run --scan), on the host: every class of
# kernel report fails a run, in the words the kernels print it (6.1 and
# 6.12); what user space writes to /dev/kmsg never does, nor does a clean
# boot's chatter. The classes a guest can be made to produce for real are
# also proven in a guest by test_guest_run.sh. TAP output (tests/lib/tap.sh).
# usage: test_scan.sh GUEST_RUN
set -u
. "$(dirname "$0")/../lib/tap.sh"
guest_run=$1
tap_scratch

caught() {	# $1 = description, $2 = one raw log line
	printf '<6>[    1.000000] kbufmap: loaded\n%s\n' "$2" >"$tmp/log"
	out=$("$guest_run" --scan "$tmp/log" 2>&1)
	rc=$?
	if [ "$rc" = 121 ] && [ -n "$out" ]; then
		tap_result 0 "caught: $1"
	else
		tap_result 1 "caught: $1" "exit $rc, want 121; output: $out"
	fi
}
clean() {	# $1 = description, $2 = raw log lines
	printf '%s\n' "$2" >"$tmp/log"
	out=$("$guest_run" --scan "$tmp/log" 2>&1)
	tap_is "not a splat: $1" "$?:$out" "0:"
}

caught "WARNING" '<4>[   12.345678] WARNING: CPU: 1 PID: 42 at kmod/kbufmap_map.c:10 kbufmap_fault+0x1/0x2 [kbufmap]'
caught "BUG" '<1>[   12.3] BUG: kernel NULL pointer dereference, address: 0000000000000008'
caught "Oops" '<4>[   12.3] Oops: 0002 [#1] PREEMPT SMP NOPTI'
caught "general protection fault" '<4>[   12.3] general protection fault, probably for non-canonical address 0xdead000000000100: 0000 [#1] SMP NOPTI'
caught "bad page state" '<1>[   12.3] BUG: Bad page state in process kbufmapctl  pfn:12345'
caught "bad page map" '<1>[   12.3] BUG: Bad page map in process kbufmapctl  pte:8000000012345025 pmd:1234067'
caught "Bad rss-counter" '<1>[   12.3] BUG: Bad rss-counter state mm:00000000deadbeef type:MM_FILEPAGES val:-1'
caught "refcount" '<4>[   12.3] refcount_t: underflow; use-after-free.'
caught "list corruption" '<4>[   12.3] list_del corruption, ffff888001234560->next is LIST_POISON1 (dead000000000100)'
caught "UBSAN" '<3>[   12.3] UBSAN: shift-out-of-bounds in kmod/kbufmap_buffer.c:10:5'
caught "OOM killer invoked" '<4>[   12.3] tail invoked oom-killer: gfp_mask=0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), order=0, oom_score_adj=0'
caught "OOM kill" '<3>[   12.3] Out of memory: Killed process 123 (tail) total-vm:262144kB, anon-rss:200000kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:500kB oom_score_adj:0'
caught "memory cgroup OOM kill" '<3>[   12.3] Memory cgroup out of memory: Killed process 123 (tail) total-vm:1kB'
caught "page allocation failure" '<4>[   12.3] kbufmapctl: page allocation failure: order:10, mode:0x40dc0(GFP_KERNEL|__GFP_COMP|__GFP_ZERO), nodemask=(null)'
caught "soft lockup" '<0>[   12.3] watchdog: BUG: soft lockup - CPU#0 stuck for 22s! [insmod:123]'
caught "hard lockup" '<0>[   12.3] watchdog: Watchdog detected hard LOCKUP on cpu 1'
caught "RCU stall (self-detected)" '<3>[   12.3] rcu: INFO: rcu_preempt self-detected stall on CPU'
caught "RCU stall (detected)" '<3>[   12.3] rcu: INFO: rcu_preempt detected stalls on CPUs/tasks:'
caught "hung task" '<3>[   12.3] INFO: task insmod:123 blocked for more than 2 seconds.'
caught "panic" '<0>[   12.3] Kernel panic - not syncing: Fatal exception'
caught "a stack trace" '<4>[   12.3] Call Trace:'

clean "a clean boot's lines" '<6>[    0.1] NMI watchdog: Perf NMI watchdog permanently disabled
<6>[    0.2] mem auto-init: stack:all(zero), heap alloc:off, heap free:off
<4>[    0.3] kbufmap: loading out-of-tree module taints kernel.
<5>[    0.4] random: crng init done'
clean "user space writing to /dev/kmsg (facility user)" '<12>[   12.3] WARNING: CPU: 0 PID: 1 at fake.c:1 written by a test
<14>[   12.3] BUG: Bad page state (from user space)
<12>[   12.3] Out of memory: Killed process 1 (fake)'
clean "an empty log" ''

"$guest_run" --scan "$tmp/nonexistent" >/dev/null 2>&1
tap_is "an unreadable log is a usage error" "$?" 124
tap_done
