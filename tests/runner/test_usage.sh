#!/usr/bin/env bash
# guest-run's usage errors are its own status (124), never a command's.
# usage: test_usage.sh GUEST_RUN
set -u
guest_run=$1 passed=0 failed=0
check() {	# $1 = description, rest = guest-run args
	local what=$1 rc
	shift
	"$guest_run" "$@" >/dev/null 2>&1
	rc=$?
	if [ "$rc" = 124 ]; then passed=$((passed + 1)); echo "ok: $what"
	else failed=$((failed + 1)); echo "FAIL: $what: exit $rc, want 124"; fi
}
check "no command" --kernel 6.1
check "unknown kernel" --kernel 0.0 -- true
check "unknown option" --frobnicate -- true
check "missing module file" --module /nonexistent/kbufmap.ko -- true
check "timeout not a number" --timeout soon -- true
check "--module-args without --module" --module-args "x=1" -- true
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
