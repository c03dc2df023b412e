#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# bench/trace-overhead.sh: what tracing the fault path costs per fault,
# fault-trace's probes (bench --trace fentry|kprobe) beside bpftrace doing
# the same histogram, in one guest boot per kernel.
#
#   bench/trace-overhead.sh [--build build/h] [--kernels "5.10 6.1 6.12 7.2"]
#                           [--pages 4096] [--repeat 7] [--rounds 15]
#
# Strategy fault on vmalloc (one .fault call per page, so ns per page is ns
# per fault), first read touch, pinned to CPU 0. In each boot, ROUNDS
# rounds of, back to back:
#   plain     kbufmapctl bench, nothing attached
#   bpftrace  the same, with bpftrace attached first (kprobe + kretprobe on
#             kbufmap_vm_fault, hist() of the latency), stopped after
#   kprobe    bench --trace kprobe (its untraced and traced series)
#   fentry    bench --trace fentry, where the module has BTF
#             (/sys/kernel/btf/kbufmap: 5.11 and later)
#   empty     bench --trace fentry with KBUFMAP_TRACE_EMPTY=1: programs
#             that return at once, the cost of the fentry/fexit trampolines
#             alone, the floor under any fentry tracer (where fentry runs)
# Ratios of fentry, kprobe, empty: the traced median over the untraced
# median of the same run; bpftrace, its run's median over the plain run's just
# before. Each is the median over the rounds; the added cost of ours over
# bpftrace's is taken round by round and given as a median with its 95 %
# confidence interval (bench/trace-overhead.awk). The bpftrace histogram
# must count every fault of its run, or the script fails; a round whose
# bpftrace would not exit (killed after 60 s) has no bpftrace figure and
# is left out of the added costs, which the script says.
#
# Every round's bench JSON documents and bpftrace histogram go to
# bench/results/KERNEL-trace.json ({"rounds": [{"round", "plain",
# "bpftrace", "bpftrace_hist", "fentry", "kprobe", "empty"}]}), what the guest
# offers bpftrace to KERNEL-trace-env.txt; the rows go between the
# trace-overhead markers of bench/README.md, replacing those of the same
# kernels and keeping the others (and to standard output).
# The module used is the one with BTF (fentry needs it).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
build=$root/build/h kernels="5.10 6.1 6.12 7.2" pages=4096 repeat=7 rounds=15
usage() {
	echo "usage: $0 [--build DIR] [--kernels \"5.10 6.1 6.12 7.2\"] [--pages N] [--repeat N] [--rounds N]" >&2
	exit 2
}
while [ $# -gt 0 ]; do
	[ $# -ge 2 ] || usage
	case $1 in
	--build) build=$(realpath "$2") ;;
	--kernels) kernels=$2 ;;
	--pages) pages=$2 ;;
	--repeat) repeat=$2 ;;
	--rounds) rounds=$2 ;;
	*) usage ;;
	esac
	shift 2
done
for v in "$pages" "$repeat" "$rounds"; do
	[[ $v =~ ^[1-9][0-9]*$ ]] || { echo "$0: --pages, --repeat, --rounds: positive numbers" >&2; exit 2; }
done
command -v bpftrace >/dev/null || { echo "$0: bpftrace is not installed (scripts/setup-host.sh)" >&2; exit 1; }
ctl=$build/cli/kbufmapctl
out=$here/results
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
warmup=1

# The same histogram fault-trace keeps for kbufmap_vm_fault, in bpftrace.
# BEGIN runs once every probe is attached: the guest waits for "ready".
bt_prog='BEGIN { printf("ready\n"); }
kprobe:kbufmap_vm_fault { @start[tid] = nsecs; }
kretprobe:kbufmap_vm_fault /@start[tid]/ { @ns = hist(nsecs - @start[tid]); delete(@start[tid]); }'

bt_hung="bpftrace did not exit within 60 s of SIGINT: killed"

# The guest's script: each document between "@@ NAME" and "@@ end RC".
guest_script() {
	local b="$ctl bench -j -q -s fault -b vmalloc --baseline none --pages $pages --warmup $warmup --repeat $repeat --cpu 0"
	cat <<SCRIPT
run() { name=\$1; shift; echo "@@ \$name"; "\$@" 2>/dev/null; rc=\$?; echo; echo "@@ end \$rc"; }
env_report() {
	for f in /sys/kernel/btf/vmlinux /sys/kernel/btf/kbufmap /sys/kernel/tracing/kprobe_events \
		/sys/kernel/debug/tracing/kprobe_events /lib/modules/\$(uname -r)/build; do
		[ -e "\$f" ] && echo "present: \$f" || echo "missing: \$f"
	done
	echo "kbufmap_vm_fault in available_filter_functions: \$(grep -c '^kbufmap_vm_fault' /sys/kernel/tracing/available_filter_functions)"
	bpftrace --version
}
echo "@@ env"; env_report; echo "@@ end 0"
for r in \$(seq $rounds); do
	run plain-\$r $b
	start=\$(date +%s)
	bpftrace -B line -e '$bt_prog' >/tmp/bt.out 2>/tmp/bt.err &
	bt=\$!
	for i in \$(seq 600); do grep -q ready /tmp/bt.out && break; kill -0 \$bt 2>/dev/null || break; sleep 0.5; done
	echo "@@ bpftrace-start-\$r"; echo "\$(( \$(date +%s) - start )) s to attach"; echo "@@ end 0"
	run bpftrace-\$r $b
	# bpftrace 0.17 sometimes never exits after SIGINT (seen on 5.10 and
	# 6.12, the guest idle): after 60 s it is killed and its round has no
	# bpftrace figure.
	kill -INT \$bt
	for i in \$(seq 120); do kill -0 \$bt 2>/dev/null || break; sleep 0.5; done
	echo "@@ bpftrace-hist-\$r"
	if kill -0 \$bt 2>/dev/null; then
		kill -KILL \$bt; wait \$bt
		echo "$bt_hung"; echo "@@ end 124"
	else
		wait \$bt; rc=\$?; cat /tmp/bt.out /tmp/bt.err; echo "@@ end \$rc"
	fi
	# No module BTF (before 5.11): no fentry on the module.
	run kprobe-\$r $b --trace kprobe
	if [ -e /sys/kernel/btf/kbufmap ]; then
		run fentry-\$r $b --trace fentry
		run empty-\$r env KBUFMAP_TRACE_EMPTY=1 $b --trace fentry
	fi
done
SCRIPT
}

# section LOG NAME: the lines of document NAME.
section() { awk -v n="$2" '$0 == "@@ " n { on = 1; next } /^@@ end/ { on = 0 } on' "$1"; }
# first_read FILE FIELD: a figure of the first read phase (jq path after it).
first_read() { jq -r ".results[0].phases[] | select(.phase == \"first-read\") | $2" "$1"; }
median() { sort -g | awk '{ v[NR] = $1 } END { print NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
# hist_count FILE: the calls a bpftrace histogram counted.
hist_count() { awk '/^\[/ { n += $3 } END { print n + 0 }' "$1"; }

# combine K: the rounds' documents of kernel K, one file in results/.
combine() {
	for r in $(seq "$rounds"); do
		jq -n --argjson r "$r" --slurpfile p "$work/$1-plain-$r.json" \
			--slurpfile b "$work/$1-bpftrace-$r.json" --rawfile h "$work/$1-bpftrace-$r.txt" \
			--slurpfile f "$work/$1-fentry-$r.json" --slurpfile k "$work/$1-kprobe-$r.json" \
			--slurpfile e "$work/$1-empty-$r.json" \
			'{round: $r, plain: $p[0], bpftrace: $b[0], bpftrace_hist: $h, fentry: $f[0], kprobe: $k[0], empty: $e[0]}'
	done | jq -c -s '{rounds: .}' >"$out/$1-trace.json"
}

rows=""
for k in $kernels; do
	ko=$(ls "$build"/kmod/"$k"[.-]*/btf/kbufmap.ko 2>/dev/null | head -1)
	[ -n "$ko" ] || { echo "$0: no module with BTF built for $k under $build/kmod" >&2; exit 1; }
	log=$(mktemp)
	start=$(date +%s)
	# A round takes 10 to 30 s under TCG; a boot that stops making
	# progress (seen twice, not understood: bench/README.md) fails early.
	"$root/scripts/guest-run" --kernel "$k" --module "$ko" --mem 2G --timeout $((300 + rounds * 90)) \
		-- bash -c "$(guest_script)" >"$log"
	echo "trace-overhead.sh: $k: $(( $(date +%s) - start )) s" >&2
	kver=$(jq -r .context.kernel <(section "$log" plain-1) | cut -d' ' -f1)
	section "$log" env >"$out/$k-trace-env.txt"
	fentry=() kprobe=() bpft=() untraced=() empty=()
	for r in $(seq "$rounds"); do
		for name in plain bpftrace fentry kprobe empty; do
			f=$work/$k-$name-$r.json
			section "$log" "$name-$r" >"$f"
			# fentry is left out where the module has no BTF.
			case $name in fentry | empty) ;; *) false ;; esac && [ ! -s "$f" ] && ! grep -q '^present: /sys/kernel/btf/kbufmap$' \
				"$out/$k-trace-env.txt" && continue
			jq -e .shape "$f" >/dev/null || { echo "$0: $k $name-$r: no JSON (see $log)" >&2; exit 1; }
		done
		section "$log" "bpftrace-hist-$r" >"$work/$k-bpftrace-$r.txt"
		p=$(first_read "$work/$k-plain-$r.json" .median)
		untraced+=("$p")
		if grep -qx "$bt_hung" "$work/$k-bpftrace-$r.txt"; then
			echo "$0: $k round $r: $bt_hung; the round has no bpftrace figure" >&2
			bpft+=(-)
		else
			want=$(( (warmup + repeat) * 2 * pages ))	# read and write runs fault every page
			got=$(hist_count "$work/$k-bpftrace-$r.txt")
			[ "$got" = "$want" ] ||
				{ echo "$0: $k round $r: bpftrace counted $got faults, the run made $want (see $log)" >&2; exit 1; }
			bpft+=("$(awk -v a="$(first_read "$work/$k-bpftrace-$r.json" .median)" -v b="$p" 'BEGIN { print a / b }')")
		fi
		if [ -s "$work/$k-fentry-$r.json" ]; then
			fentry+=("$(first_read "$work/$k-fentry-$r.json" .traced.ratio)")
		else
			fentry+=(-)
		fi
		kprobe+=("$(first_read "$work/$k-kprobe-$r.json" .traced.ratio)")
		if [ -s "$work/$k-empty-$r.json" ]; then
			empty+=("$(first_read "$work/$k-empty-$r.json" .traced.ratio)")
		else
			empty+=(-)
		fi
	done
	m_u=$(printf '%s\n' "${untraced[@]}" | median)
	echo "$k: rounds fentry ${fentry[*]}; kprobe ${kprobe[*]}; bpftrace ${bpft[*]}; empty ${empty[*]}" >&2
	grep '^@@ end' "$log" | sort | uniq -c | tr '\n' ' ' >&2; echo >&2
	# Per round; the medians, ranges and intervals are the awk's.
	for r in $(seq "$rounds"); do
		i=$((r - 1))
		echo "${fentry[$i]} ${kprobe[$i]} ${bpft[$i]} ${empty[$i]}"
	done >"$work/$k-ratios.txt"
	rows+=$(awk -v k="$kver" -v u="$m_u" -f "$here/trace-overhead.awk" "$work/$k-ratios.txt")$'\n'
	combine "$k"
	rm -f "$log"
done

head="| kernel | untraced first read, ns/fault (TCG) | fentry / untraced | kprobe / untraced | bpftrace / untraced | added cost: fentry / bpftrace, median [95 % CI] | added cost: kprobe / bpftrace, median [95 % CI] | added cost: empty fentry programs / bpftrace, median [95 % CI] |
|---|--:|--:|--:|--:|--:|--:|--:|"
printf '%s\n%s' "$head" "$rows"
# Into bench/README.md, between the markers: these kernels' rows replace
# their old ones, the other kernels' rows stay, in version order.
readme=$here/README.md
if grep -q '^<!-- trace-overhead:begin -->$' "$readme"; then
	kept=$(awk '/^<!-- trace-overhead:begin -->$/ { on = 1; next } /^<!-- trace-overhead:end -->$/ { on = 0 }
		on && /^\| [0-9]/' "$readme" | while IFS= read -r row; do
			v=$(echo "$row" | cut -d'|' -f2 | tr -d ' ')
			printf '%s' "$rows" | grep -q "^| $v |" || printf '%s\n' "$row"
		done)
	body=$(printf '%s\n%s' "$kept" "$rows" | grep '^|' | sort -t'|' -k2,2V)
	awk -v t="$head"$'\n'"$body"$'\n' '
		/^<!-- trace-overhead:begin -->$/ { print; printf "%s", t; skip = 1; next }
		/^<!-- trace-overhead:end -->$/ { skip = 0 }
		!skip' "$readme" >"$readme.new" && mv "$readme.new" "$readme"
fi
