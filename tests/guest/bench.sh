#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# bench.sh: test `kbufmapctl bench` in a guest with the kbufmap module loaded.
#
#   bench.sh KBUFMAPCTL BENCH_TOUCH
#
# 1. The whole valid matrix at two PMDs' worth of pages (1024 with 4 KiB
#    pages, 4096 with 16 KiB), with the fault counts that
#    confirm each mechanism at the first read touch: about N .fault calls
#    for fault and pfn; fault-around maps the pages through .map_pages with
#    about one trap per window of 16 pages (N/16); no fault at all for the prefaulting strategies; one huge fault
#    per PMD (N/512 with 4 KiB pages) for huge from 6.12 on (5.10 and 6.1
#    map PTEs: about N .fault calls).
# 2. The JSON shape (jq), and samples that agree with the statistics.
# 3. An independent timing (BENCH_TOUCH, which shares no code with bench)
#    agrees with bench's median within a factor 3 in the same boot. The
#    tolerance is wide because the guests run under emulation (TCG) on a
#    shared host: a gross-error check, not a precision one.
# 4. A rerun against the first run is reported (its median against the
#    first run's CI, the phases --compare flags), not asserted: two guests
#    run side by side in the suite, so none is quiet. Against the
#    saved run halved (an injected 2x slowdown), --compare's verdicts are
#    the ones the two CIs give, and what it flags is SLOWER. --compare
#    exits 1 exactly when it flags something, and --from on the two saved
#    files gives the same verdicts.
# 5. Bad values exit 2 with a message saying what is allowed.
# TAP output (tests/lib/tap.sh). Small repeats: the size is not the point.
set -u
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/pages.sh"

tap_usage $# 2 "KBUFMAPCTL BENCH_TOUCH"
ctl=$(readlink -f "$1")
touch_prog=$(readlink -f "$2")
tap_require "bench" root module jq
tap_scratch
kver=$(uname -r)
# Two PMDs: the smallest size at which every mechanism shows (huge maps
# one PMD each), and a quarter of the time 4096 pages took on 4 KiB pages.
N=$((2 * pmd_pages))

# --- 1. the whole matrix ------------------------------------------------------
start=$(date +%s)
"$ctl" bench -q -j --pages $N --warmup 1 --repeat 3 --cpu 0 >"$tmp/all.json" 2>"$tmp/all.err"
tap_is "bench over the whole matrix exits 0" "$?" 0
tap_diag "whole matrix, 3 repeats: $(( $(date +%s) - start )) s"
want=$("$ctl" matrix -j | jq '[.combinations[] | select(.valid)] | length')
got=$(jq '[.results[] | select(.target == "kbufmap")] | length' "$tmp/all.json")
tap_is "one case per valid backend x strategy of the matrix" "$got" "$want"
tap_ok "every valid backend x strategy was run or skipped with a reason" \
	test "$(jq '[.results[] | select(.target == "kbufmap" and .skipped != null and (.skipped.why | length) == 0)] | length' "$tmp/all.json")" = 0

# fault counts of the first read touch, per case: "id strategy faults around huge minflt"
jq -r '.results[] | select(.target == "kbufmap" and .skipped == null) | . as $r
	| .phases[] | select(.phase == "first-read")
	| "\($r.id) \($r.strategy) \(.module.faults) \(.module.fault_around_pages) \(.module.huge_faults) \(.minflt)"' \
	"$tmp/all.json" >"$tmp/faults.txt"
tap_ok "some kbufmap cases ran" test -s "$tmp/faults.txt"
# The pages one fault-around maps: the module's own window,
# KBUFMAP_FAULT_AROUND_PAGES (kmod/kbufmap_map.c), whatever the page size.
fa_pages=16
while read -r id strategy faults around huge minflt; do
	case $strategy in
	fault|pfn)
		tap_ok "$id: about N .fault calls ($faults)" test "$faults" -ge $((N * 9 / 10)) -a "$faults" -le $((N + N / 10)) ;;
	fault-around)
		tap_ok "$id: .map_pages maps the pages ($faults .fault + $around around), traps about N/$fa_pages ($minflt)" \
			test $((faults + around)) -ge $((N * 9 / 10)) -a "$minflt" -le $((2 * N / fa_pages)) \
			-a "$faults" -le $((2 * N / fa_pages)) ;;
	huge)
		# PMDs only where the kernel marks huge PFN PMDs special
		# (pmd_special(), 6.12 on); a .fault call per page before.
		maj=${kver%%.*} min=$(echo "$kver" | cut -d. -f2)
		if [ "$maj" -gt 6 ] || { [ "$maj" -eq 6 ] && [ "$min" -ge 12 ]; }; then
			tap_is "$id: N/$pmd_pages huge faults" "$huge" $((N / pmd_pages))
		else
			tap_ok "$id: no PMD before 6.12, about N .fault calls ($huge huge, $faults .fault)" \
				test "$huge" -eq 0 -a "$faults" -ge $((N * 9 / 10)) -a "$faults" -le $((N + N / 10))
		fi ;;
	*)
		tap_ok "$id: prefaulted, no fault at touch ($faults .fault, $minflt minflt)" \
			test "$faults" = 0 -a "$minflt" -le $((N / 100)) ;;
	esac
done <"$tmp/faults.txt"

# --- 2. the JSON shape --------------------------------------------------------
tap_is "shape marker" "$(jq -r .shape "$tmp/all.json")" kbufmapctl-bench/1
tap_is "context keys" "$(jq -c '.context | keys' "$tmp/all.json")" \
	'["aslr","buffer_node","command_line","cpu_asked","cpu_model","cpu_node","cpus_applied","emulated","fault_around_bytes","governor","hypervisor","kernel","module","numa_nodes","pinned","running_node","thp","threads","tool","trace"]'
tap_is "pinning asked and applied are recorded" "$(jq -c '[.context.cpu_asked, .context.cpus_applied, .context.pinned]' "$tmp/all.json")" '[0,"0",true]'
tap_is "phase keys" "$(jq -c '[.results[] | select(.skipped == null) | .phases[] | keys] | unique' "$tmp/all.json")" \
	'[["ci_high","ci_low","gib_per_s","id","max","mean","median","min","minflt","module","outliers","p90","phase","samples_ns","sd"]]'
tap_is "every phase has --repeat samples" \
	"$(jq '[.results[].phases[] | .samples_ns | length] | unique' -c "$tmp/all.json")" '[3]'
tap_is "min <= ci_low <= median <= ci_high <= max, and min is the smallest sample" \
	"$(jq '[.results[] | . as $r | .phases[] | select(.min <= .ci_low and .ci_low <= .median and .median <= .ci_high and .ci_high <= .max and ((.samples_ns | min) / $r.pages - .min | fabs) < 0.01)] | length' "$tmp/all.json")" \
	"$(jq '[.results[].phases[]] | length' "$tmp/all.json")"
tap_ok "the baselines are there: anon, MAP_POPULATE, MADV_POPULATE_*, memfd" \
	test "$(jq -r '[.results[].target] | unique | join(" ")' "$tmp/all.json" | grep -c 'anon anon-populate kbufmap madv-populate-read madv-populate-write memfd')" = 1
tap_ok "pread is measured for the module" \
	test "$(jq '[.results[] | select(.target == "kbufmap" and .skipped == null) | .phases[] | select(.phase == "pread")] | length' "$tmp/all.json")" -gt 0

# --- 3. an independent timing in the same boot --------------------------------
# vmalloc (0) x fault (0): the per-page fault path, the one bench exists for.
# The two run one after the other, so a burst of host load (load average
# 7 on 2 cores while this was written) can land on one only: up to three
# attempts, each printed; the check is for a gross error.
agree=1
for attempt in 1 2 3; do
	indep=$("$touch_prog" /dev/kbufmap 0 0 $N 15) || break
	"$ctl" bench -q -j -s fault -b vmalloc --baseline none --pages $N --warmup 1 --repeat 15 --cpu 0 >"$tmp/one.json" 2>/dev/null
	ours=$(jq '.results[0].phases[] | select(.phase == "first-read") | .median' "$tmp/one.json")
	tap_diag "attempt $attempt, first read touch, vmalloc/fault: bench median $ours ns/page, independent $indep ns/page"
	awk -v a="$ours" -v b="$indep" 'BEGIN { exit !(a > 0 && b > 0 && a / b < 3 && b / a < 3) }' && { agree=0; break; }
done
tap_ok "bench_touch ran" test -n "$indep"
tap_is "bench agrees with the independent timing within 3x (in one of three attempts)" "$agree" 0

# --- 4. reruns and --compare --------------------------------------------------
"$ctl" bench -q -j -s fault -b vmalloc --baseline none --pages $N --warmup 1 --repeat 15 --cpu 0 \
	--compare "$tmp/one.json" >"$tmp/two.json" 2>/dev/null
rc=$?
# --compare exits 1 exactly when it flags a figure, 0 otherwise.
want_rc() { [ "$(jq '[.compare[] | select(.exceeds_noise)] | length' "$1")" -gt 0 ] && echo 1 || echo 0; }
tap_is "bench --compare on a rerun: exit 1 if and only if a figure is flagged" "$rc" "$(want_rc "$tmp/two.json")"
tap_is "compare_flagged counts the flagged figures" "$(jq .compare_flagged "$tmp/two.json")" \
	"$(jq '[.compare[] | select(.exceeds_noise)] | length' "$tmp/two.json")"
read -r lo hi < <(jq -r '.results[0].phases[] | select(.phase == "first-read") | "\(.ci_low) \(.ci_high)"' "$tmp/one.json")
again=$(jq '.results[0].phases[] | select(.phase == "first-read") | .median' "$tmp/two.json")
tap_diag "first-read: run 1 CI [$lo, $hi], run 2 median $again"
# Reported, not asserted: the suite runs two kernels' guests side by side on
# a 2-core host, so no guest is quiet and the noise is not stationary; a
# statistical property is no pass/fail test there (bench/README.md has runs
# made for measuring).
if awk -v m="$again" -v lo="$lo" -v hi="$hi" 'BEGIN { exit !(m >= lo / 1.25 && m <= hi * 1.25) }'; then
	tap_diag "the rerun's median lies in the first run's CI (widened 25 % for TCG)"
else
	tap_diag "the rerun's median lies outside the first run's CI (widened 25 %): a noisy guest"
fi
tap_diag "phases flagged on a rerun: $(jq -c '[.compare[] | select(.exceeds_noise) | .id]' "$tmp/two.json")"
# The saved run made twice as fast: the new run is then a 2x slowdown.
jq '(.results[].phases[] | .samples_ns) |= map(. / 2)
    | (.results[].phases[] | (.min, .median, .p90, .max, .mean, .sd, .ci_low, .ci_high)) |= . / 2' \
	"$tmp/one.json" >"$tmp/half.json"
"$ctl" bench -q -j -s fault -b vmalloc --baseline none --pages $N --warmup 1 --repeat 15 --cpu 0 \
	--compare "$tmp/half.json" >"$tmp/slow.json" 2>/dev/null
rc=$?
tap_is "bench --compare against the halved run: exit 1 if and only if a figure is flagged" \
	"$rc" "$(want_rc "$tmp/slow.json")"
# Whether a 2x change exceeds the noise depends on the boot (under TCG on a
# shared host a CI can span more than 2x), so the test checks that every
# verdict is the one the saved and the new CIs and the default threshold
# give, and that the flagged phases are SLOWER.
verdicts=$(jq -r --slurpfile old "$tmp/half.json" --argjson th "$(jq .compare_threshold_pct "$tmp/slow.json")" '
	($old[0].results[0].phases | map({key: .id, value: .}) | from_entries) as $o
	| .results[0].phases[] | . as $n | $o[.id] as $p
	| ((($n.ci_low > $p.ci_high) or ($n.ci_high < $p.ci_low))
	   and ((($n.median / $p.median) - 1 | fabs) * 100 >= $th) | tostring)' "$tmp/slow.json" | tr '\n' ' ')
tap_is "--compare's verdicts are the CIs' and the threshold's (saved vs new)" \
	"$(jq -r '.compare[] | .exceeds_noise | tostring' "$tmp/slow.json" | tr '\n' ' ')" "$verdicts"
tap_diag "phases flagged against the halved run: $(jq -c '[.compare[] | select(.exceeds_noise) | .id]' "$tmp/slow.json")"
tap_is "a flagged phase against the halved run is SLOWER" \
	"$(jq '[.compare[] | select(.exceeds_noise and (.verdict | startswith("SLOWER") | not))] | length' "$tmp/slow.json")" 0
tap_diag "first read touch against the halved run: ratio $(jq '.compare[] | select(.id | endswith("/first-read")) | .ratio' "$tmp/slow.json")"
# The same two runs compared again from the files (--from, nothing
# measured): the same rows, verdicts and exit status as the live --compare.
"$ctl" bench -j --compare "$tmp/half.json" --from "$tmp/slow.json" >"$tmp/from.json" 2>/dev/null
tap_is "--compare --from on the saved runs exits as the live --compare did" "$?" "$rc"
tap_is "--compare --from gives the live --compare's verdicts" \
	"$(jq -c '[.compare[] | {id, verdict}]' "$tmp/from.json")" \
	"$(jq -c '[.compare[] | {id, verdict}]' "$tmp/slow.json")"

# --- 5. bad values ------------------------------------------------------------
bad() {
	local desc=$1 regex=$2; shift 2
	out=$("$ctl" bench "$@" 2>&1)
	tap_is "$desc: exit 2" "$?" 2
	tap_like "$desc: the message says why" "$out" "$regex"
}
bad "--pages 0" "out of range: allowed 1\.\.262144" --pages 0
bad "an unknown strategy in a list" "unknown name 'nope': allowed all, fault" -s fault,nope
bad "--cpu beyond the online CPUs" "--cpu: .* out of range" --cpu 4096
"$ctl" matrix -j >"$tmp/matrix.json"
bad "--compare with a file of another shape" "is not a bench result of shape" --compare "$tmp/matrix.json"
bad "--repeat 0" "out of range: allowed 1\.\.10000" --repeat 0
tap_done
