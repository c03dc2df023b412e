#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The README's "Quick start on your machine", followed the way a user on
# their own machine would: in a whole Debian system booted as that machine
# (scripts/kernels.list, where = system: its own kernel, headers and BTF,
# and exactly the Debian packages the README's apt line names), from a
# copy of the source tree, every line of the README's "Build, load, run,
# unload" block in one shell, in order. The kernel is one no test preset
# builds for. Each line must succeed, but `map` of the per-page remap under
# MAP_PRIVATE, which the README says reproduces the Bus error and exits 1.
# Run by guest-run --system ROOT --share SOURCE, from the share (/srv).
# TAP output (tests/lib/tap.sh).
set -u
. "$(dirname "$0")/../lib/tap.sh"
tap_scratch
src=$PWD
readme=$src/README.md

# shellcheck source=scripts/lib/readme.sh
. "$src/scripts/lib/readme.sh"

kver=$(uname -r)
series=$(echo "$kver" | grep -oE '^[0-9]+\.[0-9]+')
tested=$(sed -e 's/#.*//' "$src/scripts/kernels.list" | awk 'NF && $3 != "system" { print $1 }' | tr '\n' ' ')
tap_ok "the kernel ($kver) is not one the test presets build for ($tested)" \
	sh -c "! echo ' $tested' | grep -q ' $series '"
tap_ok "the kernel has its own BTF (/sys/kernel/btf/vmlinux)" test -r /sys/kernel/btf/vmlinux
tap_ok "its headers are installed (/lib/modules/$kver/build)" test -d "/lib/modules/$kver/build"

# A clone, as the user has one: the tree without build output or history.
work=/var/tmp/kbufmap
mkdir -p "$work"
tar -C "$src" --exclude=./build --exclude=./.git -cf - . | tar -C "$work" -xf -
cd "$work" || exit 1

tap_expect "scripts/native-deps: the README's apt line installed everything the build needs" \
	0 "" scripts/native-deps
readme_block "$readme" "Build, load, run, unload:" >"$tmp/steps"
tap_ok "the README has a build, load, run, unload block" test -s "$tmp/steps"

# Every line in this shell (a `cd` holds for the lines after it).
n=0
while IFS= read -r line <&3; do
	[ -n "$line" ] || continue
	n=$((n + 1))
	t0=$(date +%s)
	eval "$line" >"$tmp/step.$n" 2>&1
	rc=$?
	tap_diag "$line: $(( $(date +%s) - t0 )) s (under emulation)"
	want=0
	case "$line" in *remap-unchecked*--private*) want=1 ;; esac
	if [ "$rc" = "$want" ]; then
		tap_pass "README: $line (exit $rc)"
	else
		tap_fail "README: $line" "exit $rc, want $want" "$(tail -c 1500 "$tmp/step.$n")"
	fi
	case "$line" in
	"cmake --preset native"*)
		tap_like "the probes are built against this kernel's BTF" "$(cat "$tmp/step.$n")" \
			"vmlinux.h from /sys/kernel/btf/vmlinux" ;;
	*"verify --mode shared"*)
		tap_like "verify --mode shared: every check passed" "$(tail -n 1 "$tmp/step.$n")" \
			"^[1-9][0-9]* passed, 0 failed" ;;
	*remap-unchecked*--private*)
		tap_like "map reproduces the Bus error under MAP_PRIVATE" "$(cat "$tmp/step.$n")" "SIGBUS" ;;
	esac
done 3<"$tmp/steps"
tap_ok "the README's block ran its lines ($n)" test "$n" -ge 5
tap_ok "the module is unloaded at the end" sh -c '! grep -q "^kbufmap " /proc/modules'
tap_done
