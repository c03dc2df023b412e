#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Every command of the ASan/UBSan build once against the real module: the
# other guest tests start the plain build (tests/CMakeLists.txt says why),
# so this is where the sanitizers see each command's paths through the
# device, pagemap, BPF and the benchmark loop. A sanitizer report makes the
# command exit non-zero (UBSan does not recover) and is also looked for in
# its output.
# Usage: asan_commands.sh KBUFMAPCTL (the ASan build). TAP output.
set -u
. "$(dirname "$0")/../lib/tap.sh"
tap_usage $# 1 "KBUFMAPCTL"
ctl=$1
tap_scratch
nm "$ctl" 2>/dev/null | grep -q __asan_init ||
	tap_result 1 "$ctl is the ASan build" "no __asan_init symbol"

# run DESC CMD...: exit 0 and no sanitizer report.
run() {
	local desc=$1 rc
	shift
	"$@" >"$tmp/out" 2>&1
	rc=$?
	if [ $rc = 0 ] && ! grep -qE 'AddressSanitizer|LeakSanitizer|runtime error:' "$tmp/out"; then
		tap_result 0 "$desc"
	else
		tap_result 1 "$desc" "exit $rc: $*" "$(grep -m3 -E 'Sanitizer|runtime error' "$tmp/out" || tail -n 5 "$tmp/out")"
	fi
}

run "version" "$ctl" version
run "matrix --json" "$ctl" -j matrix
run "verify --mode all, every valid combination" "$ctl" -q verify --all --mode all
run "map: shared, touched, pinned, dumped" "$ctl" map --strategy insert --pages 64 --touch write --dump 16
run "map --private --json" "$ctl" -j map --private --backend contig --strategy remap --pages 16
run "phys of a buffer, listed" "$ctl" phys --backend pages --pages 64 --list
run "phys --pid of this shell, summary" "$ctl" phys --pid $$ --summary
run "phys --pfn, raw, CSV" "$ctl" phys --pfn 0x1000+256 --raw --summary --csv
run "bench, two strategies, small" "$ctl" -q -j bench --pages 256 --strategy fault,insert-batch \
	--backend vmalloc,pages --warmup 0 --repeat 2
if "$ctl" --list-cmds | grep -qx fault-trace; then
	run "fault-trace -- map (kprobe)" "$ctl" -q fault-trace --mode kprobe -- \
		"$ctl" -q map --pages 64 --no-pin
else
	tap_skip "fault-trace" "this build has no BPF probes"
fi
tap_done
