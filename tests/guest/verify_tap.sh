#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# verify --tap must be well-formed TAP 13 that a CI harness can read: the
# version line, a plan that matches the number of test lines, numbers in
# order, a reason on every SKIP, and no "not ok".
# usage: verify_tap.sh KBUFMAPCTL [verify options]
set -u
cli=$1
shift
. "$(dirname "$0")/../lib/tap.sh"
out=$("$cli" verify --tap "$@")
rc=$?
printf '%s\n' "$out" | head -n 5 | sed 's/^/# /'

tests=$(printf '%s\n' "$out" | grep -E '^(not )?ok [0-9]+ ')
ntests=$(printf '%s' "$tests" | grep -c '')
tap_is "first line is the TAP version" "$(printf '%s\n' "$out" | sed -n 1p)" "TAP version 13"
tap_like "line 2 is the plan" "$(printf '%s\n' "$out" | sed -n 2p)" '^1\.\.[0-9]+$'
tap_is "the plan matches the number of test lines" \
	"$(printf '%s\n' "$out" | sed -n '2s/^1\.\.//p')" "$ntests"
tap_ok "there are test lines" test "$ntests" -gt 0
tap_is "tests are numbered 1..N in order" \
	"$(printf '%s\n' "$tests" | awk '{ n = $1 == "not" ? $3 : $2; if (n != NR) print NR ": " $0 }')" ""
tap_is "no test is not ok" "$(printf '%s\n' "$tests" | grep '^not ok')" ""
tap_is "every SKIP has a reason" \
	"$(printf '%s\n' "$tests" | grep -E '# SKIP[[:space:]]*$')" ""
tap_is "exit status with every test ok" "$rc" 0
tap_done
