#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# What a traced session costs: whole-process wall time of `kbufmapctl
# fault-trace --mode M -- true` in fentry and kprobe mode, and of a short
# traced `map` (fault-trace in its default mode around a 16-page `map`), in
# one guest boot, RUNS rounds, every command once per round in turn
# (interleaved), medians and spread. For the first two also the start:
# the wall time less the session fault-trace reports (elapsed_ns: from
# attached to detached), so start-up, load and attach. Give several builds of kbufmapctl to
# compare them side by side (before and after a change); each must have
# its kbufmap-tracer.so beside it.
#
#   bench/attach.sh --module KO [--kernel SEL] [--runs N] [--modes "fentry kprobe"] [KBUFMAPCTL ...]
#
# KO: the module to load, with BTF for fentry mode (for 6.12:
# build/default/kmod/6.12.95+deb12-amd64/btf/kbufmap.ko).
# KBUFMAPCTL defaults to build/default/cli/kbufmapctl. A benchmark, not a
# test: it prints numbers and judges nothing.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")

usage() {
	echo "usage: $0 --module KO [--kernel SEL] [--runs N (3..999)] [--modes LIST] [KBUFMAPCTL ...]" >&2
	exit 2
}

# timed NAME CMD...: one run's wall time (us) appended to NAME's file.
timed() {
	local name=$1 t0 t1
	shift
	t0=${EPOCHREALTIME/./}
	"$@" >/dev/null 2>"$tmp/err" || { echo "$name failed: $(head -c 300 "$tmp/err")" >&2; }
	t1=${EPOCHREALTIME/./}
	echo $((t1 - t0)) >>"$tmp/$name.wall"
}

# stats FILE: median min max of the numbers in FILE.
stats() {
	sort -n "$1" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)], v[1], v[NR] }'
}

# timed_start NAME CMD...: timed, and the wall time less the session's
# elapsed_ns (the start) appended to the file of M-start.K (NAME: M.K).
timed_start() {
	local name=$1 t0 t1 el
	shift
	t0=${EPOCHREALTIME/./}
	"$@" >"$tmp/out" 2>"$tmp/err" || { echo "$name failed: $(head -c 300 "$tmp/err")" >&2; }
	t1=${EPOCHREALTIME/./}
	el=$(grep -o '"elapsed_ns": *[0-9]*' "$tmp/out" | tail -n 1 | grep -o '[0-9]*$' || echo 0)
	echo $((t1 - t0)) >>"$tmp/$name.wall"
	echo $((t1 - t0 - el / 1000)) >>"$tmp/${name%.*}-start.${name##*.}.wall"
}

ms() { awk -v us="$1" 'BEGIN { printf "%.0f", us / 1000 }'; }

# ratios A B: the median of the round-by-round wall ratio A/B (and min, max).
ratios() {
	paste "$tmp/$1.wall" "$tmp/$2.wall" | awk '{ printf "%.3f\n", $1 / $2 }' >"$tmp/r"
	stats "$tmp/r"
}

measure() {
	local runs=$1 modes=$2 i k c
	shift 2
	tmp=$(mktemp -d)
	cmds=()
	for m in $modes; do cmds+=("$m" "$m-start"); done
	cmds+=(map)
	echo "kernel $(uname -r), $(nproc) CPUs, $runs rounds"
	for ctl in "$@"; do "$ctl" fault-trace -- true >/dev/null 2>&1 || true; done	# warm
	for i in $(seq "$runs"); do
		k=0
		for ctl in "$@"; do
			for m in $modes; do
				timed_start "$m.$k" "$ctl" -j fault-trace --mode "$m" -- true
			done
			timed "map.$k" "$ctl" fault-trace -- "$ctl" -q map --no-pin \
				-o "$tmp/map.json" --pages 16
			k=$((k + 1))
		done
	done
	printf "%-4s %-8s %s\n" "#" "command" "wall ms: median min max"
	k=0
	for ctl in "$@"; do
		for c in "${cmds[@]}"; do
			read -r wm wn wx < <(stats "$tmp/$c.$k.wall")
			printf "%-4s %-8s %6s %6s %6s\n" "$k" "$c" "$(ms "$wm")" "$(ms "$wn")" "$(ms "$wx")"
		done
		k=$((k + 1))
	done
	k=0
	for ctl in "$@"; do echo "$k = $ctl"; k=$((k + 1)); done
	if [ $# -gt 1 ]; then
		echo "side by side, wall of #k / wall of #0, median of rounds (min max):"
		for k in $(seq 1 $(($# - 1))); do
			for c in "${cmds[@]}"; do
				read -r rm rn rx < <(ratios "$c.$k" "$c.0")
				printf "  #%s/#0 %-8s %.3f (%.3f %.3f)\n" "$k" "$c" "$rm" "$rn" "$rx"
			done
		done
	fi
	rm -rf "$tmp"
}

kernel= module= runs=7 modes="fentry kprobe"
if [ "${1:-}" = --in-guest ]; then
	shift
	runs=$1 modes=$2
	shift 2
	measure "$runs" "$modes" "$@"
	exit 0
fi
while [ $# -gt 0 ]; do
	case "$1" in
	--kernel) kernel=${2?}; shift 2 ;;
	--runs) runs=${2?}; shift 2 ;;
	--module) module=$(realpath "${2?}"); shift 2 ;;
	--modes) modes=${2?}; shift 2 ;;
	-*) usage ;;
	*) break ;;
	esac
done
[[ "$runs" =~ ^[0-9]+$ ]] && [ "$runs" -ge 3 ] && [ "$runs" -le 999 ] && [ -f "$module" ] || usage
ctls=()
for c in "$@"; do ctls+=("$(realpath "$c")"); done
[ ${#ctls[@]} -gt 0 ] || ctls=("$root/build/default/cli/kbufmapctl")
for f in "${ctls[@]}"; do
	[ -x "$f" ] || { echo "$0: no $f: build first" >&2; exit 1; }
done
exec "$root/scripts/guest-run" ${kernel:+--kernel "$kernel"} --module "$module" --timeout 3000 \
	-- bash "$here/attach.sh" --in-guest "$runs" "$modes" "${ctls[@]}"
