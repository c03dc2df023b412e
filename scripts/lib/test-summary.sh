# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# test_summary JUNIT "SERIES...": what a test run tested, from ctest's own
# JUnit record (JUNIT): each listed series' guest/<series>/suite (a
# system's: guest/<series>/native-quick-start) with its
# result and time ("left out" when KBUFMAP_KERNELS leaves the series out,
# NOT TESTED when its suite never ran), then the time of each group of tests
# (host, guest/<series>). Returns 1 when a kernel that should have been
# tested was not, or when there is no record at all.
test_summary() {
	local junit=$1 listed=$2 res series line secs result rc=0
	if [ ! -s "$junit" ]; then
		echo "test.sh: no test ran (the set-up, configure or build failed: see above)"
		return 1
	fi
	# "name seconds status" per test; JUnit's run, fail, notrun renamed.
	res=$(sed -nE 's/^[[:space:]]*<testcase name="([^"]*)".* time="([^"]*)" status="([^"]*)".*/\1 \2 \3/p' "$junit" |
		sed -e 's/ run$/ passed/' -e 's/ fail$/ FAILED/' -e 's/ notrun$/ skipped/')
	echo "test.sh: kernels tested (guest/<series>/suite, or native-quick-start):"
	for series in $listed; do
		if [ -n "${KBUFMAP_KERNELS:-}" ] &&
		   ! tr -s ', ' '\n' <<<"$KBUFMAP_KERNELS" | grep -qxF "$series"; then
			printf '  %-14s left out (KBUFMAP_KERNELS)\n' "$series"
			continue
		fi
		# a test kernel's suite, or a user's machine's native quick start
		line=$(awk -v s="guest/$series/suite" -v n="guest/$series/native-quick-start" \
			'$1 == s || $1 == n' <<<"$res")
		if [ -z "$line" ]; then
			printf '  %-14s NOT TESTED: no guest/%s/suite or native-quick-start ran\n' "$series" "$series"
			rc=1
		else
			read -r name secs result <<<"$line"
			printf '  %-14s %-7s %s %4.0fs\n' "$series" "$result" "${name##*/}" "$secs"
		fi
	done
	echo "test.sh: time per test group (all of its tests, as ctest ran them side by side):"
	awk '{ split($1, p, "/"); g = (p[1] == "guest") ? p[1] "/" p[2] : p[1]
	       n[g]++; s[g] += $2; c[g, $3]++ }
	     END { for (g in n) printf "  %-20s %3d tests %5.0fs%s%s\n", g, n[g], s[g],
	           c[g, "FAILED"] ? ", " c[g, "FAILED"] " FAILED" : "",
	           c[g, "skipped"] ? ", " c[g, "skipped"] " skipped" : "" }' <<<"$res" | sort -V
	return "$rc"
}
