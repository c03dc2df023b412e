#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# stress-ng's device stressor on /dev/kbufmap: open, ioctls of random
# numbers, mmap, lseek, read and poll from several workers at once, bounded in
# time. The kernel log and the leak check are the runner's (guest-run,
# no_leaks.sh). TAP (tests/lib/tap.sh).
# usage: stress_ng.sh [SECONDS]
set -u
. "$(dirname "$0")/../lib/tap.sh"

secs=${1:-10}
dev=/dev/kbufmap
if ! command -v stress-ng >/dev/null; then
	tap_skip "stress-ng --dev on $dev" "stress-ng is not installed (scripts/setup-host.sh installs it)"
	tap_done
fi
if ! stress-ng --help 2>/dev/null | grep -q -- '--dev-file'; then
	tap_skip "stress-ng --dev on $dev" "this stress-ng has no --dev-file to aim --dev at one device"
	tap_done
fi
tap_scratch
out=$tmp/out tmpd=$tmp/work	# stress-ng wants a writable working directory
mkdir "$tmpd"
cd "$tmpd" && stress-ng --temp-path "$tmpd" --dev 4 --dev-file "$dev" --timeout "${secs}s" \
	--metrics-brief --verify >"$out" 2>&1
rc=$?
tap_is "stress-ng --dev 4 --dev-file $dev for ${secs}s: exit status" "$rc" 0
tap_like "stress-ng opened and exercised $dev" "$(cat "$out")" '1 of 1 devices opened and exercised'
tap_like "stress-ng ran the dev stressor and counted bogo ops" "$(cat "$out")" 'dev +[1-9][0-9]* '
sed 's/^/#   /' "$out" | tail -15
tap_done
