#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# bench --compare OLD --from NEW: two saved runs compared without measuring,
# so every verdict is exact. The runs are a real saved result (a guest's
# matrix in bench/results) and copies of it with every figure scaled by jq
# or reformatted by it (sorted keys, tabs: the same rows must come out);
# the expected verdicts are computed here from the two files' CIs and the
# threshold, not read from bench. No module and no guest: nothing runs.
# TAP output (tests/lib/tap.sh).
# usage: bench_compare.sh PATH/TO/kbufmapctl SAVED.json
set -u
. "$(dirname "$0")/../lib/tap.sh"
tap_usage $# 2 "PATH/TO/kbufmapctl SAVED.json"
cli=$1 run=$2
tap_scratch

# Every figure of a saved run multiplied by $1 (pretty, as jq prints it).
scaled() {
	jq --argjson f "$1" '(.results[].phases[] | (.min, .median, .p90, .max, .mean, .sd, .ci_low, .ci_high)) |= . * $f' "$run"
}
# compare OLD NEW [bench options]: the JSON in $tmp/out.json, the exit status in $rc.
compare() {
	local old=$1 new=$2
	shift 2
	"$cli" bench -j --compare "$old" --from "$new" "$@" >"$tmp/out.json" 2>"$tmp/err"
	rc=$?
}
# The flags expected for OLD against NEW at threshold $3 (percent), one
# word per phase of NEW in its order: CIs apart and the change at least
# the threshold.
expected_flags() {
	jq -r --slurpfile old "$1" --argjson th "$3" '
	([$old[0].results[].phases[] | {key: .id, value: .}] | from_entries) as $o
	| .results[].phases[] | $o[.id] as $s
	| ((.ci_high < $s.ci_low or .ci_low > $s.ci_high)
	   and (((.median / $s.median) - 1 | fabs) * 100 >= $th)) | tostring' "$2" | tr '\n' ' '
}
flags() { jq -r '.compare[] | .exceeds_noise | tostring' "$tmp/out.json" | tr '\n' ' '; }
nphases=$(jq '[.results[].phases[]] | length' "$run")
tap_ok "the saved run has phases to compare ($nphases)" test "$nphases" -gt 0

# 1. A run against itself: every figure the same, nothing flagged.
compare "$run" "$run"
tap_is "a run against itself: exit 0" "$rc" 0
tap_is "a run against itself: a row per phase" "$(jq '.compare | length' "$tmp/out.json")" "$nphases"
tap_is "a run against itself: every ratio is 1" \
	"$(jq '[.compare[] | select(.ratio != 1)] | length' "$tmp/out.json")" 0
tap_is "a run against itself: compare_flagged 0" "$(jq .compare_flagged "$tmp/out.json")" 0
tap_is "the default threshold of an emulated run is 25 %" "$(jq .compare_threshold_pct "$tmp/out.json")" 25

# 2. Against the run made twice as fast (a 2x slowdown), written compactly.
scaled 0.5 | jq -c . >"$tmp/half.json"
compare "$tmp/half.json" "$run"
tap_is "a 2x slowdown: exit 1" "$rc" 1
tap_is "a 2x slowdown: the flagged phases are those whose CIs are apart" \
	"$(flags)" "$(expected_flags "$tmp/half.json" "$run" 25)"
tap_is "a 2x slowdown: every ratio is 2" \
	"$(jq '[.compare[] | select(.ratio < 1.999999 or .ratio > 2.000001)] | length' "$tmp/out.json")" 0
tap_is "a 2x slowdown: every flagged phase is SLOWER" \
	"$(jq '[.compare[] | select(.exceeds_noise and (.verdict | startswith("SLOWER") | not))] | length' "$tmp/out.json")" 0
tap_is "a 2x slowdown: compare_flagged counts them" "$(jq .compare_flagged "$tmp/out.json")" \
	"$(jq '[.compare[] | select(.exceeds_noise)] | length' "$tmp/out.json")"
tap_ok "a 2x slowdown: at least one phase is flagged" test "$(jq .compare_flagged "$tmp/out.json")" -gt 0

# 3. Against the run made twice as slow: what is flagged is FASTER.
scaled 2 >"$tmp/double.json"
compare "$tmp/double.json" "$run"
tap_is "a 2x speed-up: exit 1" "$rc" 1
tap_is "a 2x speed-up: the flagged phases are those whose CIs are apart" \
	"$(flags)" "$(expected_flags "$tmp/double.json" "$run" 25)"
tap_is "a 2x speed-up: every flagged phase is FASTER" \
	"$(jq '[.compare[] | select(.exceeds_noise and (.verdict | startswith("FASTER") | not))] | length' "$tmp/out.json")" 0

# 4. A 10 % slowdown is under the default threshold, over --threshold 5.
scaled 0.9 >"$tmp/ninety.json"
compare "$tmp/ninety.json" "$run"
tap_is "a 10 % slowdown under the 25 % threshold: exit 0, nothing flagged" \
	"$rc $(jq .compare_flagged "$tmp/out.json")" "0 0"
tap_ok "a 10 % slowdown: some CIs are apart, within the threshold" \
	test "$(jq '[.compare[] | select(.verdict | startswith("within threshold"))] | length' "$tmp/out.json")" -gt 0
compare "$tmp/ninety.json" "$run" --threshold 5
tap_is "a 10 % slowdown with --threshold 5: the phases whose CIs are apart" \
	"$(flags)" "$(expected_flags "$tmp/ninety.json" "$run" 5)"
tap_is "--threshold 5 is the threshold used" "$(jq .compare_threshold_pct "$tmp/out.json")" 5

# 5. A native run's default threshold is 10 %.
jq '(.. | objects | select(has("emulated")) | .emulated) = false' "$run" >"$tmp/native.json"
compare "$run" "$tmp/native.json"
tap_is "the default threshold of a native run is 10 %" "$(jq .compare_threshold_pct "$tmp/out.json")" 10

# 6. A phase missing from OLD is shown, not flagged; NEW's own --compare
# rows are not phases of NEW.
first=$(jq -r '.results[0].id' "$run")
jq --arg id "$first" 'del(.results[] | select(.id == $id))' "$run" >"$tmp/fewer.json"
compare "$tmp/fewer.json" "$run"
tap_is "a case missing from OLD: its phases say so" \
	"$(jq --arg id "$first/" '[.compare[] | select(.id | startswith($id)) | .verdict] | unique' -c "$tmp/out.json")" \
	'["not in the saved run"]'
tap_is "a case missing from OLD: exit 0" "$rc" 0
jq '.compare = [{id: (.results[0].phases[0].id), old_median: 1, new_median: 2, ratio: 2}]' \
	"$run" >"$tmp/compared.json"
compare "$run" "$tmp/compared.json"
tap_is "NEW's own --compare rows are not compared" "$(jq '.compare | length' "$tmp/out.json")" "$nphases"

# 7. Reformatted runs (sorted keys, tabs) give the same rows and status:
# neither key order nor layout matters.
rows() {
	compare "$@"
	jq -c 'del(.old, .new)' "$tmp/out.json"
	echo "exit $rc"
}
self=$(rows "$run" "$run")
slower=$(rows "$tmp/half.json" "$run")
for fmt in -S --tab; do
	jq "$fmt" . "$run" >"$tmp/run$fmt.json"
	jq "$fmt" . "$tmp/half.json" >"$tmp/half$fmt.json"
	tap_is "OLD by jq $fmt: the same rows" "$(rows "$tmp/run$fmt.json" "$run")" "$self"
	tap_is "NEW by jq $fmt: the same rows" "$(rows "$run" "$tmp/run$fmt.json")" "$self"
	tap_is "a 2x slowdown, both by jq $fmt: the same rows" \
		"$(rows "$tmp/half$fmt.json" "$tmp/run$fmt.json")" "$slower"
done
tap_is "a 2x slowdown, OLD by jq -S, NEW by jq --tab: the same rows" \
	"$(rows "$tmp/half-S.json" "$tmp/run--tab.json")" "$slower"
tap_is "OLD and NEW through pipes, each read once: the same rows" \
	"$(rows <(jq -S . "$run") <(jq --tab . "$run"))" "$self"
# NEW's own --compare rows before its results (jq -S puts them there),
# shaped like phases ten times slower: still not phases of NEW.
jq '.compare = [.results[0].phases[0] | (.median, .ci_low, .ci_high) *= 10]' "$run" |
	jq -S . >"$tmp/compared-S.json"
tap_is "NEW's own --compare rows before its results are not compared" \
	"$(rows "$run" "$tmp/compared-S.json")" "$self"
jq '{shape, compare: [.results[0].phases[0] | (.median, .ci_low, .ci_high) *= 10]} + .' \
	"$run" >"$tmp/compared-first.json"
tap_is "... nor when only the compare array comes first" \
	"$(rows "$run" "$tmp/compared-first.json")" "$self"

# 8. The text output, and bad values.
"$cli" bench --compare "$tmp/half.json" --from "$run" >"$tmp/out.txt" 2>&1
tap_like "text: a line per phase, then the count" "$(tail -1 "$tmp/out.txt")" \
	"figure\(s\) differ beyond the noise"
tap_expect "--from without --compare" 2 "give --compare too" "$cli" bench --from "$run"
tap_expect "--from a file that does not exist" 2 "--from: cannot read" \
	"$cli" bench --compare "$run" --from "$tmp/none.json"
echo '{"shape": "something-else"}' >"$tmp/other.json"
tap_expect "--from a file of another shape" 2 "is not a bench result of shape" \
	"$cli" bench --compare "$run" --from "$tmp/other.json"
head -c 5000 "$run" >"$tmp/truncated.json"
tap_expect "--from a truncated file: not valid JSON, at its end" 2 \
	"--from: '.*truncated.json' is not valid JSON: byte 5000: expected" \
	"$cli" bench --compare "$run" --from "$tmp/truncated.json"
tap_expect "--compare a truncated file: not valid JSON" 2 \
	"--compare: '.*truncated.json' is not valid JSON: byte 5000: expected" \
	"$cli" bench --compare "$tmp/truncated.json" --from "$run"
{ cat "$run"; echo '{}'; } >"$tmp/trailing.json"
tap_expect "--from a run with a second value after it: not valid JSON" 2 \
	"is not valid JSON: byte [0-9]+: expected the end" \
	"$cli" bench --compare "$run" --from "$tmp/trailing.json"
jq '{rounds: [{plain: .}]}' "$run" >"$tmp/wrapped.json"
tap_expect "--from a file with a bench result inside, not at its top" 2 \
	"is not a bench result of shape" "$cli" bench --compare "$run" --from "$tmp/wrapped.json"
echo '{"shape": "kbufmapctl-bench/1", "results": []}' >"$tmp/empty.json"
tap_expect "--from a run without phases" 6 "has no measured phase" \
	"$cli" bench --compare "$run" --from "$tmp/empty.json"
tap_done
