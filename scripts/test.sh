#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The whole test suite, from a fresh Debian 12 machine, as root:
# install what is needed, build the module for both guest kernels and the
# CLI (under ASan/UBSan), then run every host and guest test.
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/setup-host.sh
start=$(date +%s)
status=0
cmake --workflow --preset ci || status=$?
echo "test.sh: whole suite took $(( $(date +%s) - start ))s"
# Whoever reads only the end of the log still sees what failed: the failing
# tests, and each failing (sub)test line of the suites with its diagnostics.
log=build/ci/Testing/Temporary/LastTest.log
if [ "$status" != 0 ] && [ -s "$log" ]; then
	echo "test.sh: FAILED; the failing tests and subtests:"
	sed 's/^[0-9]*:/  failed test:/' "$(dirname "$log")/LastTestsFailed.log" 2>/dev/null
	awk '/^ *not ok [0-9]+ / { n = 8; print; next }
	     n > 0 && /^ *#/ && !/# Subtest:/ { n--; print; next }
	     { n = 0 }' "$log" | head -n 80
fi
exit "$status"
