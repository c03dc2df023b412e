#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
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
# shellcheck source=scripts/lib/test-summary.sh
. scripts/lib/test-summary.sh
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

# What ran, from ctest's own record (scripts/lib/test-summary.sh).
test_summary "$junit" "$listed" || status=1
selection
exit "$status"
