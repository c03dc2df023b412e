#!/usr/bin/env bash
# guest-run's usage errors are its own status (124), never a command's.
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
tap_done
