#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Start-up cost of kbufmapctl: whole-process wall and CPU time of
# `kbufmapctl version` and of a one-page `kbufmapctl phys --summary --pid P
# --range S+1`, beside the kernel's `page-types -p P -a S+1` on the same
# page, in one guest boot, RUNS rounds, every command once per round in
# turn (interleaved), medians and spread. Give several builds of
# kbufmapctl to compare them side by side (before and after a change).
#
#   bench/startup.sh [--kernel SEL] [--build DIR] [--runs N] [KBUFMAPCTL ...]
#
# KBUFMAPCTL defaults to DIR/cli/kbufmapctl (DIR: build/default). Needs
# DIR/tests/hold_anon and DIR/tests/page-types/page-types (built from
# linux-source-6.1). With --host it runs here instead of in a guest.
# A benchmark, not a test: it prints numbers and judges nothing.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")

usage() {
	echo "usage: $0 [--kernel SEL | --host] [--build DIR] [--runs N (3..999)] [KBUFMAPCTL ...]" >&2
	exit 2
}

# --- where it runs ------------------------------------------------------------
# cpu_ms FILE: the children's CPU time in ms from the output of `times` in FILE.
cpu_ms() {
	awk 'function ms(x, m) { split(x, m, /[ms]/); return (m[1] * 60 + m[2]) * 1000 }
		NR == 2 { printf "%.0f\n", ms($1) + ms($2) }' "$1"
}

# timed NAME CMD...: one run, its wall (us) and CPU (ms) appended to NAME's files.
timed() {
	local name=$1 t0 t1
	shift
	# Nothing but the command between the two `times`: no fork.
	times >"$tmp/c0"
	t0=${EPOCHREALTIME/./}
	"$@" >/dev/null 2>&1 || true
	t1=${EPOCHREALTIME/./}
	times >"$tmp/c1"
	echo $((t1 - t0)) >>"$tmp/$name.wall"
	echo $(($(cpu_ms "$tmp/c1") - $(cpu_ms "$tmp/c0"))) >>"$tmp/$name.cpu"
}

# stats FILE: median min max of the numbers in FILE.
stats() {
	sort -n "$1" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)], v[1], v[NR] }'
}

ms() { awk -v us="$1" 'BEGIN { printf "%.1f", us / 1000 }'; }

# ratios A B: the median of the round-by-round wall ratio A/B (and min, max).
ratios() {
	paste "$tmp/$1.wall" "$tmp/$2.wall" | awk '{ printf "%.3f\n", $1 / $2 }' >"$tmp/r"
	stats "$tmp/r"
}

measure() {
	local runs=$1 i k pid start pages
	shift
	tmp=$(mktemp -d)
	"$hold" 16 nohuge >"$tmp/hold" &
	for _ in $(seq 600); do [ -s "$tmp/hold" ] && break; sleep 0.1; done
	read -r pid start pages <"$tmp/hold"
	echo "kernel $(uname -r), $(nproc) CPUs, $runs rounds, one page of a held process (THP off)"
	for k in "$@"; do "$k" version >/dev/null; done	# warm the page cache
	for i in $(seq "$runs"); do
		k=0
		for ctl in "$@"; do
			timed "version.$k" "$ctl" version
			timed "phys1.$k" "$ctl" phys --summary --pid "$pid" --range "$start+1"
			k=$((k + 1))
		done
		timed pt1 "$pt" -p "$pid" -a "$start+1"
	done
	kill "$pid"
	printf "%-4s %-8s %-24s %-24s %s\n" "#" "command" "wall ms: median min max" \
		"cpu ms: median min max" "wall / page-types: median of rounds (min max)"
	k=0
	for ctl in "$@"; do
		for c in version phys1; do
			read -r wm wn wx < <(stats "$tmp/$c.$k.wall")
			read -r cm cn cx < <(stats "$tmp/$c.$k.cpu")
			read -r rm rn rx < <(ratios "$c.$k" pt1)
			printf "%-4s %-8s %6.1f %6.1f %8.1f      %5d %5d %5d          %.2f (%.2f %.2f)\n" "$k" "$c" \
				"$(ms "$wm")" "$(ms "$wn")" "$(ms "$wx")" \
				"$cm" "$cn" "$cx" "$rm" "$rn" "$rx"
		done
		k=$((k + 1))
	done
	read -r wm wn wx < <(stats "$tmp/pt1.wall")
	read -r cm cn cx < <(stats "$tmp/pt1.cpu")
	printf "%-4s %-8s %6.1f %6.1f %8.1f      %5d %5d %5d\n" "pt" "pt1" \
		"$(ms "$wm")" "$(ms "$wn")" "$(ms "$wx")" "$cm" "$cn" "$cx"
	k=0
	for ctl in "$@"; do echo "$k = $ctl"; k=$((k + 1)); done
	echo "pt = $pt -p PID -a PAGE+1"
	if [ $# -gt 1 ]; then
		echo "side by side, wall of #k / wall of #0, median of rounds (min max):"
		for k in $(seq 1 $(($# - 1))); do
			for c in version phys1; do
				read -r rm rn rx < <(ratios "$c.$k" "$c.0")
				printf "  #%s/#0 %-8s %.3f (%.3f %.3f)\n" "$k" "$c" "$rm" "$rn" "$rx"
			done
		done
	fi
	rm -rf "$tmp"
}

# --- on the host ------------------------------------------------------------
kernel= build=$root/build/default runs=31 where=guest
if [ "${1:-}" = --in-guest ]; then
	shift
	hold=$1 pt=$2 runs=$3
	shift 3
	measure "$runs" "$@"
	exit 0
fi
while [ $# -gt 0 ]; do
	case "$1" in
	--kernel) kernel=${2?}; shift 2 ;;
	--host) where=host; shift ;;
	--build) build=$(realpath "${2?}"); shift 2 ;;
	--runs) runs=${2?}; shift 2 ;;
	-*) usage ;;
	*) break ;;
	esac
done
[[ "$runs" =~ ^[0-9]+$ ]] && [ "$runs" -ge 3 ] && [ "$runs" -le 999 ] || usage
ctls=()
for c in "$@"; do ctls+=("$(realpath "$c")"); done
[ ${#ctls[@]} -gt 0 ] || ctls=("$build/cli/kbufmapctl")
for f in "${ctls[@]}" "$build/tests/hold_anon" "$build/tests/page-types/page-types"; do
	[ -x "$f" ] || { echo "$0: no $f: build first (page-types needs linux-source-6.1)" >&2; exit 1; }
done
args=("$build/tests/hold_anon" "$build/tests/page-types/page-types" "$runs" "${ctls[@]}")
if [ $where = host ]; then
	exec bash "$here/startup.sh" --in-guest "${args[@]}"
fi
exec "$root/scripts/guest-run" ${kernel:+--kernel "$kernel"} --timeout 3000 \
	-- bash "$here/startup.sh" --in-guest "${args[@]}"
