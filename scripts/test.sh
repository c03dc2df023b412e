#!/usr/bin/env bash
# The whole test suite, from a fresh Debian 12 machine, as root:
# install what is needed, build the module for every guest kernel and the
# CLI (under ASan/UBSan), then run every host and guest test.
#
# Every kernel of scripts/kernels.list is tested, or the run fails saying
# which could not be prepared. KBUFMAP_KERNELS="6.1 6.12" tests fewer, by
# the user's explicit choice; the run says so at its start and its end.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf 'test.sh: %s\n' "$*"; }
listed=$(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' scripts/kernels.list | awk '{ print $1 }' | tr '\n' ' ')
listed=${listed% }
selection() {
	if [ -n "${KBUFMAP_KERNELS:-}" ]; then
		log "KBUFMAP_KERNELS=\"$KBUFMAP_KERNELS\": only these of scripts/kernels.list ($listed)"
	else
		log "every kernel of scripts/kernels.list: $listed"
	fi
}
selection

if ! ./scripts/setup-host.sh; then
	log "FAILED: the set-up could not prepare what the tests need (above): nothing was tested"
	selection
	exit 1
fi
start=$(date +%s)
status=0
log=build/ci/Testing/Temporary/LastTest.log
junit=build/ci/ctest-results.xml	# the ci test preset's outputJUnitFile
# The records of an earlier run must never pass for this one's.
rm -f "$log" "$(dirname "$log")/LastTestsFailed.log" "$junit"
cmake --workflow --preset ci || status=$?
log "whole suite took $(( $(date +%s) - start ))s"
# Whoever reads only the end of the log still sees what failed: the failing
# tests, and each failing (sub)test line of the suites with its diagnostics.
if [ "$status" != 0 ] && [ -s "$log" ]; then
	log "FAILED; the failing tests and subtests:"
	sed 's/^[0-9]*:/  failed test:/' "$(dirname "$log")/LastTestsFailed.log" 2>/dev/null || true
	awk '/^ *not ok [0-9]+ / { n = 8; print; next }
	     n > 0 && /^ *#/ && !/# Subtest:/ { n--; print; next }
	     { n = 0 }' "$log" | head -n 80
fi

# What ran, from ctest's own record, "name seconds status" per test (status
# run, fail or notrun, as JUnit has it): each kernel's suite with its time,
# and the time of every group of tests.
results() {
	sed -nE 's/^[[:space:]]*<testcase name="([^"]*)".* time="([^"]*)" status="([^"]*)".*/\1 \2 \3/p' "$junit" |
		sed -e 's/ run$/ passed/' -e 's/ fail$/ FAILED/' -e 's/ notrun$/ skipped/'
}
if [ ! -s "$junit" ]; then
	log "no test ran (the set-up, configure or build failed: see above)"
	status=1
else
	res=$(results)
	log "kernels tested (guest/<series>/suite):"
	for series in $listed; do
		if [ -n "${KBUFMAP_KERNELS:-}" ] &&
		   ! tr -s ', ' '\n' <<<"$KBUFMAP_KERNELS" | grep -qxF "$series"; then
			printf '  %-5s left out (KBUFMAP_KERNELS)\n' "$series"
			continue
		fi
		line=$(awk -v t="guest/$series/suite" '$1 == t' <<<"$res")
		if [ -z "$line" ]; then
			printf '  %-5s NOT TESTED: no guest/%s/suite ran\n' "$series" "$series"
			status=1
		else
			read -r _ secs result <<<"$line"
			printf '  %-5s %-7s suite %4.0fs\n' "$series" "$result" "$secs"
		fi
	done
	log "time per test group (all of its tests, as ctest ran them side by side):"
	awk '{ split($1, p, "/"); g = (p[1] == "guest") ? p[1] "/" p[2] : p[1]
	       n[g]++; s[g] += $2; c[g, $3]++ }
	     END { for (g in n) printf "  %-11s %3d tests %5.0fs%s%s\n", g, n[g], s[g],
	           c[g, "FAILED"] ? ", " c[g, "FAILED"] " FAILED" : "",
	           c[g, "skipped"] ? ", " c[g, "skipped"] " skipped" : "" }' <<<"$res" | sort -V
fi
selection
exit "$status"
