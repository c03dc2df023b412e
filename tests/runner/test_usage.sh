#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# guest-run's usage errors are its own status (124), never a command's;
# a suite in which nothing runs exits 4.
# TAP output (tests/lib/tap.sh).
# usage: test_usage.sh GUEST_RUN
set -u
. "$(dirname "$0")/../lib/tap.sh"
guest_run=$1
check() {	# $1 = description, rest = guest-run args
	local what=$1
	shift
	"$guest_run" "$@" >/dev/null 2>&1
	tap_is "$what: exit 124" "$?" 124
}
check "no command" --kernel 6.1
check "unknown kernel" --kernel 0.0 -- true
check "unknown option" --frobnicate -- true
check "missing module file" --module /nonexistent/kbufmap.ko -- true
check "timeout not a number" --timeout soon -- true
check "--module-args without --module" --module-args "x=1" -- true
check "memory not a size" --mem lots -- true
check "unreadable suite file" --suite /nonexistent/suite.tsv
check "--suite and a command" --suite /dev/null -- true
# A suite in which nothing runs is not a pass (and boots nothing).
suite=$(mktemp)
printf 'only-test\t--\ttrue\n' >"$suite"
out=$("$guest_run" --suite "$suite" --only no-such-test 2>&1)
tap_is "a suite where no test matches --only: exit 4" "$?" 4
tap_like "and it says nothing ran" "$out" "nothing ran"
printf 'bad-test\t--frobnicate\t--\ttrue\n' >"$suite"
check "a suite line with an unknown option" --suite "$suite"
rm -f "$suite"
tap_done
