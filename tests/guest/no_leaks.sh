#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Run by guest-run after every module test, before the unload: once every
# file and mapping is gone, the module must hold no buffer and no byte.
# TAP (tests/lib/tap.sh); any failure fails the run.
. "$(dirname "$0")/../lib/tap.sh"
f=/sys/kernel/debug/kbufmap/counters
if ! tap_ok "no-leaks: $f is readable (debugfs mounted, module has counters)" test -r "$f"; then
	tap_done
fi
bad=$(awk '($1 == "live_buffers" || $1 ~ /^bytes_allocated_/) && $2 != 0' "$f")
tap_is "no-leaks: no buffer and no byte left allocated after everything was closed" "$bad" ""
tap_ok "no-leaks: the counters list live_buffers" grep -q '^live_buffers ' "$f"
tap_diag "no-leaks: $(awk '$1 == "mmaps" || $1 ~ /^vma_/ { printf "%s %s, ", $1, $2 }' "$f")"
tap_done
