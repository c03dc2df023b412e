#!/usr/bin/env bash
# The guest runner's own tests: it must pass a command's exit status through,
# and fail the run on a kernel splat or a module that cannot be unloaded,
# whatever the command itself said. TAP output (tests/lib/tap.sh).
# usage: test_guest_run.sh GUEST_RUN KERNEL KO
set -u
. "$(dirname "$0")/../lib/tap.sh"
guest_run=$1 kernel=$2 ko=$3

expect_rc() {	# $1 = description, $2 = wanted status, rest = guest-run args
	local what=$1 want=$2 got out
	shift 2
	out=$("$guest_run" --kernel "$kernel" "$@" 2>&1)
	got=$?
	if [ "$got" = "$want" ]; then
		tap_result 0 "$what (exit $got)"
	else
		tap_result 1 "$what" "exit $got, want $want" "$(tail -n 20 <<<"$out")"
	fi
	LAST_OUT=$out
}

expect_rc "a passing command passes" 0 -- true
expect_rc "a failing command fails" 1 -- false
expect_rc "the exit status is passed through" 7 -- sh -c 'exit 7'
expect_rc "the command's output comes back" 0 -- sh -c 'echo kbufmap-output-token'
# (grep works per line: the token must be a line of its own)
tap_like "the output line is seen" "$LAST_OUT" '^kbufmap-output-token$'
# A checkout or build tree may live under the host's /tmp: the guest's
# writable /tmp must still show it.
token=$(mktemp /tmp/guest-run-test.XXXXXX)
echo "host-tmp-token" >"$token"
expect_rc "the host's /tmp is visible and /tmp writable" 0 -- \
	sh -c "grep -q host-tmp-token $token && echo w >/tmp/guest-run-write-test"
rm -f "$token"
expect_rc "a WARNING in the kernel log fails the run" 121 -- \
	sh -c 'echo "WARNING: CPU: 0 PID: 1 at fake.c:1 injected by the runner test" >/dev/kmsg'
expect_rc "a BUG in the kernel log fails even a passing command" 121 -- \
	sh -c 'echo "BUG: Bad page state in process test" >/dev/kmsg; exit 0'
expect_rc "the module is loaded for the command" 0 --module "$ko" -- test -c /dev/kbufmap
expect_rc "a module still in use fails the unload check" 123 --module "$ko" -- \
	sh -c 'sleep 300 </dev/kbufmap >/dev/null 2>&1 & sleep 1'
expect_rc "a failing post-check fails a passing command" 125 --post-check 'echo leak; exit 1' -- true
expect_rc "a passing post-check keeps the command's status" 3 --post-check 'true' -- sh -c 'exit 3'
expect_rc "an unknown kernel is a usage error" 124 --kernel 0.0 -- true

tap_done
