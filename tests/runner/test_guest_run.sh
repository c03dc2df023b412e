#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The guest runner's own tests: it passes a command's exit status through
# (statuses of 119 and more come back as 119, so a command cannot fake the
# runner's verdicts), nothing a command prints changes a verdict, and a real
# kernel report of each class a guest can be made to produce fails the run,
# blamed on the test that caused it, whatever the command itself said.
# kbufmap_splat.ko (tests/runner/splat) makes the kernel report for real.
# TAP output (tests/lib/tap.sh).
# usage: test_guest_run.sh GUEST_RUN KERNEL KO SPLAT_KO [--suite-only]
# --suite-only leaves out the one-boot-per-command checks of the exit
# statuses (the host side decides them, the same on every kernel): one boot.
set -u
. "$(dirname "$0")/../lib/tap.sh"
guest_run=$1 kernel=$2 ko=$3 splat_ko=$4 suite_only=${5:-}
tap_scratch
# One command per boot, in a small guest: small guests boot faster
# (page_poison=1 poisons all memory at boot).
small=("$guest_run" --kernel "$kernel" --mem 256M)

# --- one command per boot: the exit statuses --------------------------------
# (one line: a suite file holds a test per line)
fake='echo "WARNING: CPU: 0 PID: 1 at fake.c:1 printed by the command"; '\
'echo "BUG: soft lockup - CPU#0 stuck for 22s! (printed)"; '\
'echo "==KBUFMAP-GUEST-RESULT rc=0 insmod=0 rmmod=0 post=0=="; '\
'echo "WARNING: CPU: 0 PID: 1 at fake.c:1 written to /dev/kmsg" >/dev/kmsg; '\
'echo kbufmap-output-token; exit 7'
if [ "$suite_only" != --suite-only ]; then
	tap_expect "fake splat and verdict lines, printed and written to /dev/kmsg, change nothing: exit 7" 7 "" \
		-2 "${small[@]}" -- sh -c "$fake"
	tap_like "the command's output comes back" "$out" '^kbufmap-output-token$'
	tap_expect "a command exiting 121 does not read as a splat: exit 119" 119 "" \
		-2 "${small[@]}" -- sh -c 'exit 121'
	tap_like "and its status is named" "$out" 'command exited 121, reported as 119'
	tap_expect "a command exiting 124 does not read as a usage error: exit 119" 119 "" \
		-2 "${small[@]}" -- sh -c 'exit 124'
	tap_expect "a real WARNING fails a passing command: exit 121" 121 "" \
		-2 "${small[@]}" --module "$splat_ko" --module-args what=warn -- true
	tap_like "and the report names it" "$out" 'WARNING: .*splat'
	# 256 MiB and no swap: dd's 200 MiB buffer is filled inside one read(),
	# so the OOM killer comes at once. (A hog that runs its own code while
	# memory runs out, such as `tail /dev/zero`, can livelock refaulting its
	# text from the 9p root: seen once on 7.2, until the timeout.)
	tap_expect "an OOM kill in a small guest fails the run: exit 121" 121 "" \
		-2 "${small[@]}" --mem 256M --timeout 120 \
		-- sh -c 'dd if=/dev/zero of=/dev/null bs=200M count=1; exit 0'
	tap_like "and the report shows the OOM killer" "$out" 'invoked oom-killer|Out of memory'
	# A runner whose init forgets to move the command into its cgroup (the
	# one line that does it, mutated): the verdict must fail the command.
	mkdir "$tmp/scripts"
	cp -r "$(dirname "$guest_run")"/{guest-run,kernel-root,kernels.list,lib} "$tmp/scripts/"
	sed -i 's|echo 0 >"$scope/main/cgroup.procs"|true|' "$tmp/scripts/guest-run"
	tap_ok "the mutant runner differs from the real one" \
		sh -c "! cmp -s '$guest_run' '$tmp/scripts/guest-run'"
	tap_expect "a command left in the root cgroup fails the run: exit 126" 126 "" \
		-2 "$tmp/scripts/guest-run" "${small[@]:1}" -- true
	tap_like "and the report says where it ran" "$out" \
		'FAIL: the command did not run in a memory cgroup of its own \(cgroup / '
fi

# --- a suite: many tests in one boot, each with its own verdict ---------------
T=$'\t'
line() { local IFS=$T; echo "$*"; }
splat() {	# $1 = what, $2 = secs: load kbufmap_splat from the command
	echo "insmod $splat_ko what=$1 secs=$2 && rmmod kbufmap_splat"
}
# An x86 guest sees the host's /tmp (a build tree may live there); an arm64
# guest sees the source tree only, where its token goes, beside the module.
case $kernel in
*-arm64|*-arm64-16k) token=$(mktemp "$(dirname "$ko")/guest-run-test.XXXXXX") ;;
*) token=$(mktemp /tmp/guest-run-test.XXXXXX) ;;
esac
echo "host-tmp-token" >"$token"
{
	line pass -- true
	line exit-status -- sh -c 'exit 3'
	line output -- sh -c "$fake"
	line host-tmp -- sh -c "grep -q host-tmp-token $token && echo w >/tmp/guest-run-write-test"
	line fresh-tmp -- sh -c 'test ! -e /tmp/guest-run-write-test'
	line warn --module "$splat_ko" --module-args what=warn -- true
	line after-warn -- true
	line taint -- sh -c 'echo 64 >/proc/sys/kernel/tainted'
	line softlockup -- sh -c "t=\$(cat /proc/sys/kernel/watchdog_thresh); echo 1 >/proc/sys/kernel/watchdog_thresh; $(splat softlockup 6); r=\$?; echo \$t >/proc/sys/kernel/watchdog_thresh; exit \$r"
	line hung-task -- sh -c "echo 2 >/proc/sys/kernel/hung_task_timeout_secs; $(splat hung 10); r=\$?; echo 120 >/proc/sys/kernel/hung_task_timeout_secs; exit \$r"
	line rcu-stall -- sh -c "t=\$(cat /sys/module/rcupdate/parameters/rcu_cpu_stall_timeout); echo 3 >/sys/module/rcupdate/parameters/rcu_cpu_stall_timeout; $(splat rcustall 10); r=\$?; echo \$t >/sys/module/rcupdate/parameters/rcu_cpu_stall_timeout; exit \$r"
	line cgroup -- sh -c 'grep -qx "0::/kbufmap.slice/test-[0-9]*.scope/main" /proc/self/cgroup && test "$(cat $KBUFMAP_CGROUP/memory.max)" -gt 0 && mkdir $KBUFMAP_CGROUP/other && test -e $KBUFMAP_CGROUP/other/memory.max'
	# A sibling of the test's main/ cgroup with a small limit of its own.
	line memcg-oom -- sh -c 'h=$KBUFMAP_CGROUP/hog; mkdir $h && echo 16M >$h/memory.max && { echo 0 >$h/memory.swap.max 2>/dev/null; true; } && sh -c "echo \$\$ >$h/cgroup.procs; exec tail /dev/zero"; exit 0'
	line timeout --timeout 10 -- sleep 600
	line in-use --module "$ko" -- sh -c 'sleep 300 </dev/kbufmap >/dev/null 2>&1 & sleep 1'
	line reload-after-in-use --module "$ko" -- test -c /dev/kbufmap
	# Out of the test's session, but not out of its cgroup: killed after it.
	line escaped-in-use --module "$ko" -- sh -c 'setsid sleep 300 </dev/kbufmap >/dev/null 2>&1 & sleep 1'
	line reload-after-escape --module "$ko" -- test -c /dev/kbufmap
	line post-check --post-check 'echo leak; exit 1' -- true
	line post-check-passes --post-check true -- sh -c 'exit 0'
	line cmdline -- sh -c 'grep -qw init_on_alloc=0 /proc/cmdline && grep -qw page_poison=1 /proc/cmdline && test $(cat /proc/sys/kernel/watchdog_thresh) = 60 && test $(cat /sys/module/rcupdate/parameters/rcu_cpu_stall_timeout) = 120'
} >"$tmp/suite.tsv"
out=$("$guest_run" --kernel "$kernel" --mem 512M --suite "$tmp/suite.tsv" --log "$tmp/log" 2>&1)
rc=$?
rm -f "$token"
tap_is "a suite with failing tests exits 1" "$rc" 1
verdict() { grep -E "^(not )?ok [0-9]+ - $1( |:|$)" <<<"$out" | head -n 1; }
passes() { tap_like "suite: $1 passes" "$(verdict "$1")" "^ok "; }
fails() {	# $1 = test, $2 = regex of its reason
	tap_like "suite: $1 fails: $2" "$(verdict "$1")" "^not ok .*$2"
}
reported() {	# $1 = test, $2 = regex: the kernel's report is quoted under it
	tap_like "suite: $1's report is quoted under it" \
		"$(grep -A20 -E "^not ok [0-9]+ - $1:" <<<"$out" | grep '^#')" "$2"
}
passes pass
fails exit-status 'the command exited 3'
fails output 'the command exited 7'
tap_like "suite: the output of a test comes back, indented" "$out" '^    kbufmap-output-token$'
passes host-tmp
passes fresh-tmp
fails warn 'splat'
reported warn 'WARNING: .*splat'
passes after-warn
fails taint 'new taint: U'
fails softlockup 'soft lockup|splat'
reported softlockup 'BUG: soft lockup'
fails hung-task 'splat'
reported hung-task 'INFO: task insmod:[0-9]+ blocked for more than'
fails rcu-stall 'splat'
reported rcu-stall 'rcu: INFO: .*stall'
fails memcg-oom 'splat'
reported memcg-oom 'invoked oom-killer|out of memory'
fails timeout 'timed out after 10s'
fails in-use 'could not be unloaded'
passes reload-after-in-use
fails escaped-in-use 'could not be unloaded'
passes reload-after-escape
fails post-check 'the post-check failed'
passes post-check-passes
passes cmdline
passes cgroup
n_tests=$(wc -l <"$tmp/suite.tsv")
tap_is "suite: every test's diagnostics show it ran in a memory cgroup of its own" \
	"$(grep -cE '^    # guest-run: ran in cgroup /kbufmap\.slice/test-[0-9]+\.scope/main \(memory\.max [0-9.]+[KMG]\)$' <<<"$out")" \
	"$n_tests"
tap_like "suite: the boot says heap memory is not zeroed on allocation" "$(cat "$tmp/log")" 'heap alloc:off'
tap_like "suite: the summary counts" "$out" '^9 passed, 12 failed, 0 skipped'
[ "$TAP_FAIL" -eq 0 ] || { echo "# the suite's output:"; sed 's/^/# /' <<<"$out" | tail -n 150; }
tap_done
