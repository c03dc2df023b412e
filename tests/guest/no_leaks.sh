#!/bin/sh
# Run by guest-run after every module test, before the unload: once every
# file and mapping is gone, the module must hold no buffer and no byte.
f=/sys/kernel/debug/kbufmap/counters
if [ ! -r "$f" ]; then
	echo "no-leaks: $f is missing (debugfs not mounted or the module has no counters)"
	exit 1
fi
bad=$(awk '($1 == "live_buffers" || $1 ~ /^bytes_allocated_/) && $2 != 0' "$f")
if [ -n "$bad" ]; then
	echo "no-leaks: FAIL: the module still holds memory after everything was closed:"
	echo "$bad"
	exit 1
fi
echo "no-leaks: $(awk '$1 == "mmaps" || $1 ~ /^vma_/ { printf "%s %s, ", $1, $2 }' "$f")no buffer and no byte left allocated"
