#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# How far reruns of one bench case move, and what --compare makes of it: in
# one guest boot, RUNS runs of `bench -s fault -b vmalloc --pages 4096`
# (21 repeats, pinned to CPU 0), one after the other; then each rerun
# compared with the first and with the run before it (bench --compare
# --from, nothing measured again). Prints, per phase, the ratio of every
# rerun's median to the first run's, and how many comparisons --compare
# flagged. A benchmark, not a test: it prints numbers and judges nothing.
# A rerun moves with the host's load as much as with bench's noise (this
# host is itself a virtual machine), which is why no test asserts it.
#
#   bench/reruns.sh --module KO [--kernel SEL] [--runs N] [KBUFMAPCTL]
#
# KO: the module to load (for 6.12: build/default/kmod/6.12.95+deb12-amd64/kmod/kbufmap.ko).
# KBUFMAPCTL defaults to build/default/cli/kbufmapctl.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")

usage() {
	echo "usage: $0 --module KO [--kernel SEL] [--runs N (2..99)] [KBUFMAPCTL]" >&2
	exit 2
}

phases="first-read first-write second-touch bandwidth"

measure() {
	local runs=$1 ctl=$2 i ph flagged=0 pairs=0
	tmp=$(mktemp -d)
	echo "kernel $(uname -r), $(nproc) CPUs, $runs runs of one case"
	for i in $(seq "$runs"); do
		"$ctl" bench -q -j -s fault -b vmalloc --baseline none --pages 4096 \
			--warmup 2 --repeat 21 --cpu 0 >"$tmp/$i.json" 2>"$tmp/warnings.$i"
	done
	sort -u "$tmp"/warnings.* | sed 's/^/  /'
	printf "%-13s %s\n" "phase" "median of run k / median of run 1, k = 2..$runs"
	for ph in $phases; do
		printf "%-13s" "$ph"
		for i in $(seq 2 "$runs"); do
			jq -r --arg ph "$ph" --slurpfile one "$tmp/1.json" '
			($one[0].results[0].phases[] | select(.phase == $ph) | .median) as $m1
			| .results[0].phases[] | select(.phase == $ph) | .median / $m1' "$tmp/$i.json" |
				xargs printf " %.3f"
		done
		echo
	done
	for i in $(seq 2 "$runs"); do
		# against run 1, and (from the third run on) against run i-1
		for old in $(printf '%s\n' 1 $((i - 1)) | sort -u); do
			"$ctl" bench -j --compare "$tmp/$old.json" --from "$tmp/$i.json" >"$tmp/cmp.json" || true
			[ "$(jq .compare_flagged "$tmp/cmp.json")" = 0 ] || flagged=$((flagged + 1))
			pairs=$((pairs + 1))
		done
	done
	echo "--compare flagged $flagged of $pairs comparisons (each rerun against run 1 and against the run before it; threshold $(jq .compare_threshold_pct "$tmp/cmp.json") %)"
	rm -rf "$tmp"
}

kernel= module= runs=5
if [ "${1:-}" = --in-guest ]; then
	measure "$2" "$3"
	exit 0
fi
while [ $# -gt 0 ]; do
	case "$1" in
	--kernel) kernel=${2?}; shift 2 ;;
	--runs) runs=${2?}; shift 2 ;;
	--module) module=$(realpath "${2?}"); shift 2 ;;
	-*) usage ;;
	*) break ;;
	esac
done
[[ "$runs" =~ ^[0-9]+$ ]] && [ "$runs" -ge 2 ] && [ "$runs" -le 99 ] && [ -f "$module" ] || usage
ctl=$(realpath "${1:-$root/build/default/cli/kbufmapctl}")
[ -x "$ctl" ] || { echo "$0: no $ctl: build first" >&2; exit 1; }
exec "$root/scripts/guest-run" ${kernel:+--kernel "$kernel"} --module "$module" --timeout 3000 \
	-- bash "$here/reruns.sh" --in-guest "$runs" "$ctl"
