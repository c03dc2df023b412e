#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Pages per second of `kbufmapctl phys --summary --pid P --range R` against
# the kernel's `page-types -p P -a R` on the same 1 GiB of touched anonymous
# memory, with transparent huge pages off and on, in one guest boot: RUNS
# runs of each tool, interleaved, their medians and the ratio.
#
#   bench/phys-vs-page-types.sh [--kernel SEL] [--build DIR] [--runs N] [--pages N]
#
# On the host it boots one guest (scripts/guest-run) and runs itself there
# with --in-guest. Needs a build (default build/h) with kbufmapctl,
# tests/hold_anon and tests/page-types/page-types (built from linux-source-6.1).
# A benchmark, not a test: it prints numbers and judges nothing.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")

usage() {
	echo "usage: $0 [--kernel SEL] [--build DIR] [--runs N (1..99)] [--pages N (512..1048576)]" >&2
	exit 2
}

# --- in the guest -----------------------------------------------------------
now_ns() { date +%s%N; }

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
minimum() { sort -n | head -1; }

# run_mode THP_MODE: hold the memory, time both tools RUNS times each.
run_mode() {
	local mode=$1 pid start pages t0 t1 i out
	echo "$mode" >/sys/kernel/mm/transparent_hugepage/enabled
	out=$(mktemp)
	"$build/tests/hold_anon" "$npages" default >"$out" &
	for _ in $(seq 600); do [ -s "$out" ] && break; sleep 0.1; done
	read -r pid start pages <"$out"
	: >"$tmp/phys.$mode"
	: >"$tmp/pt.$mode"
	: >"$tmp/phys1.$mode"
	: >"$tmp/pt1.$mode"
	for i in $(seq "$runs"); do
		# The fixed cost (start-up, one page), then the whole range.
		t0=$(now_ns)
		"$build/cli/kbufmapctl" phys --summary --pid "$pid" --range "$start+1" >/dev/null
		t1=$(now_ns)
		echo $((t1 - t0)) >>"$tmp/phys1.$mode"
		t0=$(now_ns)
		"$build/tests/page-types/page-types" -p "$pid" -a "$start+1" >/dev/null
		t1=$(now_ns)
		echo $((t1 - t0)) >>"$tmp/pt1.$mode"
		t0=$(now_ns)
		"$build/cli/kbufmapctl" phys --summary --pid "$pid" --range "$start+$pages" >"$tmp/phys.out"
		t1=$(now_ns)
		echo $((t1 - t0)) >>"$tmp/phys.$mode"
		t0=$(now_ns)
		"$build/tests/page-types/page-types" -p "$pid" -a "$start+$pages" >"$tmp/pt.out"
		t1=$(now_ns)
		echo $((t1 - t0)) >>"$tmp/pt.$mode"
	done
	thp=$(awk '/^huge/ { print $3 }' "$tmp/phys.out")
	kill "$pid"
	wait "$pid" 2>/dev/null || true
	rm -f "$out"
	report "$mode" "$pages" "$thp"
}

# report MODE PAGES THP_PAGES: medians and minimums (ms), pages/s of the
# medians, the ratios, and the one-page (fixed) cost.
report() {
	local p t pm tm p1 t1
	p=$(median <"$tmp/phys.$1") pm=$(minimum <"$tmp/phys.$1")
	t=$(median <"$tmp/pt.$1") tm=$(minimum <"$tmp/pt.$1")
	p1=$(median <"$tmp/phys1.$1") t1=$(median <"$tmp/pt1.$1")
	awk -v m="$1" -v n="$2" -v thp="$3" -v r="$runs" -v p="$p" -v t="$t" \
		-v pm="$pm" -v tm="$tm" -v p1="$p1" -v t1="$t1" 'BEGIN {
		printf "%-6s %7d %7d %4d %8.0f %8.0f %8.0f %8.0f %9.0f %9.0f %6.2f %6.2f %7.0f %7.0f\n",
			m, n, thp, r, p / 1e6, pm / 1e6, t / 1e6, tm / 1e6,
			n / (p / 1e9), n / (t / 1e9), t / p, tm / pm, p1 / 1e6, t1 / 1e6 }'
}

in_guest() {
	build=$1 runs=$2 npages=$3
	tmp=$(mktemp -d)
	local saved
	saved=$(sed 's/.*\[\(.*\)\].*/\1/' /sys/kernel/mm/transparent_hugepage/enabled)
	echo "kernel $(uname -r), $(nproc) CPUs, $(awk '/MemTotal/ { print $2 / 1024 " MiB" }' /proc/meminfo)"
	printf "%-6s %7s %7s %4s %8s %8s %8s %8s %9s %9s %6s %6s %7s %7s\n" "thp" "pages" \
		"thp_pgs" "runs" "phys_md" "phys_mn" "pt_md" "pt_mn" "phys_pg/s" "pt_pg/s" \
		"ratio" "r_min" "phys1" "pt1"
	run_mode never
	run_mode always
	echo "$saved" >/sys/kernel/mm/transparent_hugepage/enabled
	echo "(times in ms: _md median, _mn minimum; pages/s of the medians; ratio = page-types"
	echo " median / phys median, r_min the same of the minimums: above 1, phys is faster;"
	echo " phys1/pt1: median ms of the same commands on one page, the start-up and fixed cost)"
	rm -rf "$tmp"
}

# --- on the host ------------------------------------------------------------
kernel= build=$root/build/h runs=11 npages=262144
if [ "${1:-}" = --in-guest ]; then
	in_guest "$2" "$3" "$4"
	exit 0
fi
while [ $# -gt 0 ]; do
	case "$1" in
	--kernel) kernel=${2?}; shift 2 ;;
	--build) build=$(realpath "${2?}"); shift 2 ;;
	--runs) runs=${2?}; shift 2 ;;
	--pages) npages=${2?}; shift 2 ;;
	*) usage ;;
	esac
done
[[ "$runs" =~ ^[0-9]+$ ]] && [ "$runs" -ge 1 ] && [ "$runs" -le 99 ] || usage
[[ "$npages" =~ ^[0-9]+$ ]] && [ "$npages" -ge 512 ] && [ "$npages" -le 1048576 ] || usage
for f in cli/kbufmapctl tests/hold_anon tests/page-types/page-types; do
	[ -x "$build/$f" ] || { echo "$0: no $build/$f: build first (page-types needs linux-source-6.1)" >&2; exit 1; }
done
# The held memory plus room for the guest itself.
mem=$((npages * 4 / 1024 + 1536))M
exec "$root/scripts/guest-run" ${kernel:+--kernel "$kernel"} --mem "$mem" --timeout 3000 \
	-- bash "$here/phys-vs-page-types.sh" --in-guest "$build" "$runs" "$npages"
