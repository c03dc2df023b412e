#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# guest-run's usage errors are its own status (124), never a command's;
# a suite in which nothing runs exits 4.
# TAP output (tests/lib/tap.sh).
# usage: test_usage.sh GUEST_RUN
set -u
. "$(dirname "$0")/../lib/tap.sh"
guest_run=$1
tap_scratch
tap_expect "no command: exit 124" 124 "" "$guest_run" --kernel 6.1
tap_expect "unknown kernel: exit 124" 124 "" "$guest_run" --kernel 0.0 -- true
tap_expect "unknown option: exit 124" 124 "" "$guest_run" --frobnicate -- true
tap_expect "missing module file: exit 124" 124 "" "$guest_run" --module /nonexistent/kbufmap.ko -- true
tap_expect "timeout not a number: exit 124" 124 "" "$guest_run" --timeout soon -- true
tap_expect "--module-args without --module: exit 124" 124 "" "$guest_run" --module-args "x=1" -- true
tap_expect "memory not a size: exit 124" 124 "" "$guest_run" --mem lots -- true
tap_expect "unreadable suite file: exit 124" 124 "" "$guest_run" --suite /nonexistent/suite.tsv
tap_expect "--suite and a command: exit 124" 124 "" "$guest_run" --suite /dev/null -- true
# --system ROOT [--share DIR]: a whole system boots its own kernel.
mkdir -p "$tmp/sys/usr/bin" "$tmp/notroot"
tap_expect "--system with --kernel: exit 124" 124 "own kernel: no --kernel" \
	"$guest_run" --system "$tmp/sys" --kernel 6.1 -- true
tap_expect "--system that is not a root file system: exit 124" 124 "is not a root file system" \
	"$guest_run" --system "$tmp/notroot" -- true
tap_expect "--system without a kernel in it: exit 124" 124 "no kernel in" \
	"$guest_run" --system "$tmp/sys" -- true
tap_expect "--share without --system: exit 124" 124 "needs --system" \
	"$guest_run" --share "$tmp" -- true
tap_expect "--share that is not a directory: exit 124" 124 "is not a directory" \
	"$guest_run" --system "$tmp/sys" --share "$tmp/none" -- true
# A suite in which nothing runs is not a pass (and boots nothing).
suite=$tmp/suite.tsv
printf 'only-test\t--\ttrue\n' >"$suite"
tap_run -2 "$guest_run" --suite "$suite" --only no-such-test
tap_is "a suite where no test matches --only: exit 4" "$rc" 4
tap_like "and it says nothing ran" "$out" "nothing ran"
printf 'bad-test\t--frobnicate\t--\ttrue\n' >"$suite"
tap_expect "a suite line with an unknown option: exit 124" 124 "" "$guest_run" --suite "$suite"
tap_done
