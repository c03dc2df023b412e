#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# bench_trace.sh: test `kbufmapctl bench --trace` in a guest with the
# kbufmap module (with BTF, for fentry) loaded.
#
#   bench_trace.sh KBUFMAPCTL
#
# For fentry and kprobe: bench runs with the probes attached and exits 0;
# the JSON records the mode (context, each kbufmap case, each traced
# phase); the traced first touches fault exactly as the untraced ones (the
# module's counters, per phase); the probes counted every .fault call the
# module counted over the traced runs, and there were some; the traced
# phases are the first touches only, each with a ratio. Then: without the
# privilege for BPF, exit 5 with the reason; an unknown mode, exit 2.
# TAP output (tests/lib/tap.sh). Small runs: the counts are the point.
set -u
. "$(dirname "$0")/../lib/tap.sh"

tap_usage $# 1 "KBUFMAPCTL"
ctl=$(readlink -f "$1")
tap_require "bench --trace" root module jq
"$ctl" --list-cmds | grep -qx fault-trace ||
	{ tap_skip "bench --trace" "this kbufmapctl was built without BPF"; tap_done; }
tap_scratch
N=512 W=1 R=3

# fentry needs the module's BTF; kernels before 5.11 have no module BTF at
# all (/sys/kernel/btf holds only vmlinux), so there only kprobe can run.
modes=(kprobe)
if [ "$(uname -m)" = aarch64 ] && ! kernel_at_least 6.4; then
	tap_skip "fentry mode" "arm64 before 6.4 has no ftrace direct calls for BPF trampolines: kprobe mode only"
elif [ -e /sys/kernel/btf/kbufmap ]; then
	modes=(fentry kprobe)
elif [ -z "$(ls /sys/kernel/btf | grep -vx vmlinux)" ]; then
	tap_skip "fentry mode" "kernel $(uname -r) has no module BTF (/sys/kernel/btf/<module> came in 5.11): kprobe mode only"
else
	tap_result 1 "fentry mode: the loaded module has no BTF (/sys/kernel/btf/kbufmap): load the BTF build"
fi

for mode in "${modes[@]}"; do
	j=$tmp/$mode.json
	"$ctl" bench -q -j -s fault,fault-around,remap -b vmalloc --baseline none \
		--pages $N --warmup $W --repeat $R --cpu 0 --trace $mode >"$j" 2>"$tmp/$mode.err"
	tap_is "$mode: bench --trace exits 0" "$?" 0
	tap_is "$mode: the context records the mode" "$(jq -r .context.trace "$j")" $mode
	tap_is "$mode: every kbufmap case was traced in that mode" \
		"$(jq -c '[.results[] | select(.target == "kbufmap") | .trace.mode] | unique' "$j")" "[\"$mode\"]"
	tap_is "$mode: the traced phases are the first touches, each in that mode" \
		"$(jq -c '[.results[].phases[] | select(.traced) | "\(.phase) \(.traced.mode)"] | unique' "$j")" \
		"[\"first-read $mode\",\"first-write $mode\"]"
	# Per case and first touch: "id phase untraced-faults traced-faults ratio".
	jq -r '.results[] | .id as $id | .phases[] | select(.traced)
		| "\($id) \(.phase) \(.module.faults) \(.traced.module.faults) \(.traced.ratio)"' \
		"$j" >"$tmp/$mode.faults"
	tap_is "$mode: 3 cases x 2 first touches traced" "$(wc -l <"$tmp/$mode.faults")" 6
	while read -r id phase untraced traced ratio; do
		tap_is "$mode: $id $phase: traced faults = untraced ($untraced)" "$traced" "$untraced"
		tap_ok "$mode: $id $phase: a ratio ($ratio)" \
			awk -v r="$ratio" 'BEGIN { exit !(r > 0) }'
	done <"$tmp/$mode.faults"
	jq -r '.results[] | select(.trace) | "\(.id) \(.strategy) \(.trace.probe_faults) \(.trace.module_faults)"' \
		"$j" >"$tmp/$mode.probes"
	while read -r id strategy probe module; do
		tap_is "$mode: $id: the probes counted the module's .fault calls ($module)" "$probe" "$module"
		if [ "$strategy" = fault ]; then
			# Every traced run, warm-up included, faults each page twice
			# (a read mapping and a write mapping).
			tap_is "$mode: $id: every page's faults were seen" "$probe" $(((W + R) * 2 * N))
		fi
	done <"$tmp/$mode.probes"
	tap_diag "$mode: traced/untraced first-read, fault: $(jq '.results[] | select(.strategy == "fault") | .phases[] | select(.phase == "first-read") | .traced.ratio' "$j")"
done

# Without the privilege for BPF: exit 5 and the reason.
if command -v setpriv >/dev/null; then
	out=$(tap_as_nobody "$ctl" bench -s fault -b vmalloc --baseline none --pages 16 --trace fentry 2>&1)
	tap_is "--trace without the privilege for BPF: exit 5" "$?" 5
	tap_like "--trace without the privilege: the message says why" "$out" "bench --trace: BPF needs root"
else
	tap_skip "--trace without the privilege for BPF" "setpriv (util-linux) is not installed"
fi
out=$("$ctl" bench --trace nope 2>&1)
tap_is "--trace nope: exit 2" "$?" 2
tap_like "--trace nope: the message says what is allowed" "$out" "allowed fentry, kprobe"
tap_done
