#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# bench_scaling.sh: `kbufmapctl bench --threads` and `--cpu-node` in a guest
# with two NUMA nodes of one CPU each (guest-run --numa).
#
#   bench_scaling.sh KBUFMAPCTL
#
# 1. --threads 2: the first touches of one buffer split between CPUs 0
#    and 1, each thread's slice and median reported (will-it-scale's
#    per-task figures) beside the total; the module still sees about N
#    faults and the process about N minor faults. --threads beyond the
#    online CPUs is refused (exit 2).
# 2. --cpu-node 1 with the buffer on node 1 (local) and on node 0
#    (remote): the run happens on node 1's CPU, the nodes are recorded;
#    the remote/local ratio is reported, not checked (TCG emulates no NUMA
#    distance). A node that does not exist is refused (exit 2).
# TAP output (tests/lib/tap.sh).
set -u
. "$(dirname "$0")/../lib/tap.sh"

tap_usage $# 1 "KBUFMAPCTL"
ctl=$(readlink -f "$1")
tap_require "bench scaling" root module jq
nodes=$(ls -d /sys/devices/system/node/node[0-9]* 2>/dev/null | wc -l)
[ "$nodes" -ge 2 ] || { tap_skip "bench scaling" "needs two NUMA nodes (guest-run --numa), has $nodes"; tap_done; }
tap_scratch
N=1024
run() { "$ctl" bench -q -j -s fault -b vmalloc --baseline none --pages $N --warmup 1 --repeat 5 "$@"; }
phase() { jq -c --arg p "$2" '.results[0].phases[] | select(.phase == $p)' "$1"; }

# --- 1. threads ---------------------------------------------------------------
run --threads 2 >"$tmp/t2.json" 2>/dev/null
tap_is "--threads 2 exits 0" "$?" 0
tap_is "the context records 2 threads" "$(jq .context.threads "$tmp/t2.json")" 2
for p in first-read first-write; do
	ph=$(phase "$tmp/t2.json" $p)
	tap_is "$p: one entry per thread, on CPUs 0 and 1" \
		"$(jq -c '[.per_thread[].cpu]' <<<"$ph")" '[0,1]'
	tap_is "$p: the slices cover the buffer" "$(jq '[.per_thread[].pages] | add' <<<"$ph")" $N
	tap_ok "$p: each thread has a median" \
		test "$(jq '[.per_thread[] | select(.median > 0)] | length' <<<"$ph")" = 2
	faults=$(jq .module.faults <<<"$ph") minflt=$(jq .minflt <<<"$ph")
	tap_ok "$p: about N .fault calls over both threads ($faults)" \
		test "$faults" -ge $((N * 9 / 10)) -a "$faults" -le $((N + N / 10))
	tap_ok "$p: about N minor faults of the process ($minflt)" \
		test "$minflt" -ge $((N * 9 / 10)) -a "$minflt" -le $((N * 2))
	tap_diag "$p with 2 threads: total $(jq .median <<<"$ph") ns/page, per thread $(jq -c '[.per_thread[].median]' <<<"$ph")"
done
tap_is "a phase not split has no per_thread" "$(phase "$tmp/t2.json" second-touch | jq 'has("per_thread")')" false
run >"$tmp/t1.json" 2>/dev/null
tap_is "without --threads: no per_thread" "$(phase "$tmp/t1.json" first-read | jq 'has("per_thread")')" false
tap_diag "first-read, 1 thread: $(phase "$tmp/t1.json" first-read | jq .median) ns/page"
out=$("$ctl" bench --threads $(($(nproc) + 1)) 2>&1)
tap_is "--threads beyond the online CPUs: exit 2" "$?" 2
tap_like "--threads beyond the online CPUs: says why" "$out" "beyond the [0-9]+ online CPUs"

# --- 2. --cpu-node, local and remote --------------------------------------------
for node in 1 0; do
	"$ctl" bench -q -j -s fault --baseline none --pages $N --warmup 1 --repeat 5 \
		--cpu-node 1 --node $node >"$tmp/n$node.json" 2>/dev/null
	tap_is "--cpu-node 1 --node $node exits 0" "$?" 0
	tap_is "--cpu-node 1 --node $node: recorded (cpu_node, running_node, cpus, buffer_node)" \
		"$(jq -c '.context | [.cpu_node, .running_node, .cpus_applied, .buffer_node]' "$tmp/n$node.json")" \
		"[1,1,\"1\",$node]"
	tap_ok "--cpu-node 1 --node $node: some case ran" \
		test "$(jq '[.results[] | select(.skipped == null)] | length' "$tmp/n$node.json")" -gt 0
done
ratio=$(jq -n --slurpfile l "$tmp/n1.json" --slurpfile r "$tmp/n0.json" '
	[$l[0].results[], $r[0].results[]] | map(select(.skipped == null)) | group_by(.backend)
	| map(select(length == 2) | "\(.[0].backend) \((.[1].phases[] | select(.phase == "first-read") | .median) / (.[0].phases[] | select(.phase == "first-read") | .median) * 100 | round / 100)")
	| join(", ")')
tap_diag "first read touch, remote/local (node 0 / node 1 memory, CPU on node 1): $ratio"
out=$("$ctl" bench --cpu-node 7 2>&1)
tap_is "--cpu-node of a node that does not exist: exit 2" "$?" 2
tap_like "--cpu-node of a node that does not exist: says why" "$out" "no such NUMA node"
tap_done
