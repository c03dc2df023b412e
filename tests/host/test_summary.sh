#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The end of scripts/test.sh (scripts/lib/test-summary.sh): from ctest's
# JUnit record it names every listed kernel with its suite's result and
# time, and fails the run when a kernel's suite never ran, unless
# KBUFMAP_KERNELS left that kernel out. TAP output (tests/lib/tap.sh).
# usage: test_summary.sh PATH/TO/test-summary.sh
set -u
. "$(dirname "$0")/../lib/tap.sh"
lib=${1:?usage: test_summary.sh PATH/TO/test-summary.sh}
# shellcheck source=../../scripts/lib/test-summary.sh
. "$lib"
tap_scratch
listed="5.10 6.1 6.12 7.2 7.3"

testcase() { printf '\t<testcase name="%s" classname="%s" time="%s" status="%s">\n\t</testcase>\n' "$1" "$1" "$2" "$3"; }

{
	echo '<testsuite name="kbufmap" tests="7">'
	testcase host/matrix 0.5 run
	testcase host/dkms-build-6.1 15.2 run
	testcase guest/5.10/suite 401.7 run
	testcase guest/6.1/suite 330.1 run
	testcase guest/6.1/runner 75.3 run
	testcase guest/6.12/suite 357.1 fail
	testcase guest/6.12/phys-vs-page-types 0.0 notrun
	testcase guest/7.3/native-quick-start 612.4 run
	echo '</testsuite>'
} >"$tmp/no72.xml"

KBUFMAP_KERNELS= tap_run test_summary "$tmp/no72.xml" "$listed"
tap_is "a listed kernel whose suite never ran fails the run" "$rc" 1
tap_like "and is named NOT TESTED" "$out" '^  7\.2 +NOT TESTED: no guest/7\.2/suite or native-quick-start ran$'
tap_like "a system: its native quick start's result and time" "$out" '^  7\.3 +passed +native-quick-start +612s$'
tap_like "a passed suite: its result and time" "$out" '^  6\.1 +passed +suite +330s$'
tap_like "a failed suite: its result and time" "$out" '^  6\.12 +FAILED +suite +357s$'
tap_like "a group's tests and time" "$out" '^  guest/6\.1 +2 tests +405s$'
tap_like "a group's failed and skipped tests" "$out" '^  guest/6\.12 +2 tests +357s, 1 FAILED, 1 skipped$'
tap_like "the host group" "$out" '^  host +2 tests +16s$'

KBUFMAP_KERNELS="5.10,6.1 6.12 7.3" tap_run test_summary "$tmp/no72.xml" "$listed"
tap_is "KBUFMAP_KERNELS leaving 7.2 out: the summary passes" "$rc" 0
tap_like "and says 7.2 was left out" "$out" '^  7\.2 +left out \(KBUFMAP_KERNELS\)$'

KBUFMAP_KERNELS= tap_run test_summary "$tmp/none.xml" "$listed"
tap_is "no record at all (nothing ran): fails" "$rc" 1
tap_like "and says so" "$out" 'no test ran'
tap_done
