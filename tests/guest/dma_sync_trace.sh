#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The DMA sync calls traced. `bench` brackets each mapping of a
# dma-noncoherent buffer by DMA_SYNC for the CPU and for the device; under
# `fault-trace --function`, the kernel's cache maintenance for them,
# arch_sync_dma_for_cpu() and arch_sync_dma_for_device(), must run once per
# DMA_SYNC the module counted on the module's own device (arm64: not
# coherent), and never on a borrowed coherent one (dma_device=, a PCI device
# virtio-pci drives), where the module still counts every DMA_SYNC. x86 has
# no such functions (every device is coherent): the test says so and checks
# that they are absent.
# usage: dma_sync_trace.sh KBUFMAPCTL
set -uo pipefail
ctl=$1
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/dma_device.sh"
tap_require "dma-sync-trace" root jq module
tap_scratch

funcs=(arch_sync_dma_for_cpu arch_sync_dma_for_device)
if [ "$(uname -m)" != aarch64 ]; then
	tap_is "no ${funcs[0]}() in this $(uname -m) kernel" \
		"$(grep -c " ${funcs[0]}\$" /proc/kallsyms)" 0
	tap_skip "the sync calls traced" "$(uname -m) has no cache maintenance for DMA: every device is coherent"
	tap_done
fi

# The module's DMA_SYNC counters since load, every buffer (debugfs).
syncs() { awk -v k="dma_syncs_$1" '$1 == k { print $2 }' /sys/kernel/debug/kbufmap/counters; }

# One bench of dma-noncoherent (2 runs: a read and a write mapping each,
# each bracketed by one sync per side) under fault-trace.
traced() {	# traced NAME: $tmp/NAME.json, the fault-trace report
	"$ctl" -q -j fault-trace --function "${funcs[0]}" --function "${funcs[1]}" -- \
		sh -c '"$0" -q bench -b dma-noncoherent -s dma-mmap --baseline none --pages 8 \
			--warmup 0 --repeat 2 >/dev/null' "$ctl" >"$tmp/$1.json" 2>"$tmp/$1.err"
	tap_is "$1: fault-trace of the bench exits 0" "$?" 0 || sed 's/^/# /' "$tmp/$1.err"
}
calls() { jq -r --arg f "$2" '[.functions[] | select(.name == $f) | .calls] | add // 0' "$tmp/$1.json"; }

check() {	# check NAME WANT_CALLS: the kernel's calls against the module's count
	local name=$1 coherent=$2 cpu0 dev0 cpu1 dev1
	cpu0=$(syncs for_cpu) dev0=$(syncs for_device)
	[ -n "$cpu0" ] || { tap_fail "$name: no DMA_SYNC counters in /sys/kernel/debug/kbufmap/counters"; return; }
	traced "$name"
	cpu1=$(syncs for_cpu) dev1=$(syncs for_device)
	tap_diag "$name: the module counted $((cpu1 - cpu0)) for the CPU, $((dev1 - dev0)) for the" \
		"device; the kernel called ${funcs[0]}() $(calls "$name" "${funcs[0]}") times," \
		"${funcs[1]}() $(calls "$name" "${funcs[1]}")"
	tap_ok "$name: the module counted DMA_SYNCs for both sides" \
		test "$((cpu1 - cpu0))" -gt 0 -a "$((dev1 - dev0))" -gt 0
	if [ "$coherent" = yes ]; then
		tap_is "$name: ${funcs[0]}() never called on a coherent device" "$(calls "$name" "${funcs[0]}")" 0
		tap_is "$name: ${funcs[1]}() never called on a coherent device" "$(calls "$name" "${funcs[1]}")" 0
	else
		tap_is "$name: ${funcs[0]}() once per DMA_SYNC for the CPU" \
			"$(calls "$name" "${funcs[0]}")" "$((cpu1 - cpu0))"
		tap_is "$name: ${funcs[1]}() once per DMA_SYNC for the device" \
			"$(calls "$name" "${funcs[1]}")" "$((dev1 - dev0))"
	fi
}

for f in "${funcs[@]}"; do
	tap_ok "$f() is traceable" "$ctl" fault-trace --function "$f" -- true
done
check "the module's own device" no

if spec=$(borrow_virtio_pci); then
	check "$spec (coherent)" yes
	dma_device_own
else
	tap_fail "a PCI device driven by virtio-pci, to borrow (every guest has them)"
fi
tap_done
