#!/bin/bash
# kbufmapctl phys in a guest: each backend shows what it promises, the
# user/kernel cross-check passes for every valid strategy, raw-PFN maps are
# reported invisible to pagemap with the kernel's PFNs shown, an unprivileged
# run prints the note and exits 0, bad input exits 2/6.
# Usage: phys.sh KBUFMAPCTL
. "$(dirname "$0")/../lib/tap.sh"
cli=$1

json() { "$cli" -j phys "$@"; }
field() { python3 -c "import json,sys; d=json.load(sys.stdin); print(eval('d' + sys.argv[1]))" "$1"; }

# contig: one PFN run per chunk, and the kernel agrees.
out=$(json --backend contig --strategy remap --pages 512); rc=$?
tap_is "contig/remap exits 0" "$rc" 0
tap_is "contig/remap: raw-PFN map is invisible" "$(echo "$out" | field "['view'][:7]")" "raw-PFN"
tap_is "contig/remap: kernel runs <= chunks" \
	"$(echo "$out" | field "['kernel_view']['kernel_pfn_runs'] <= d['kernel_view']['chunks']")" True
tap_is "contig/remap: kernel PFNs shown (512 present)" "$(echo "$out" | field "['summary']['present']")" 512

out=$(json --backend contig --strategy insert --pages 512); rc=$?
tap_is "contig/insert exits 0" "$rc" 0
tap_is "contig/insert: pagemap runs = kernel runs" \
	"$(echo "$out" | field "['kernel_view']['user_pfn_runs'] == d['kernel_view']['kernel_pfn_runs']")" True
tap_is "contig/insert: every page compared" "$(echo "$out" | field "['kernel_view']['pages_compared']")" 512

for b in vmalloc pages; do
	[ $b = vmalloc ] && s=vmalloc-range || s=insert
	out=$(json --backend $b --strategy $s --pages 256); rc=$?
	tap_is "$b/$s exits 0" "$rc" 0
	tap_is "$b/$s: scattered (more than one run)" "$(echo "$out" | field "['summary']['pfn_runs']['count'] > 1")" True
done

# The cross-check passes for every valid strategy (the matrix decides).
for b in vmalloc pages contig kmalloc; do
	for s in fault fault-around pfn remap insert insert-batch map-pages vmalloc-range huge; do
		"$cli" phys --backend $b --strategy $s --pages 16 >/tmp/phys.$$ 2>&1; rc=$?
		[ $rc -eq 2 ] && continue	# not a valid combination
		tap_is "cross-check $b/$s" "$rc" 0 || cat /tmp/phys.$$
	done
done
rm -f /tmp/phys.$$

# Unprivileged: the note, exit 0, no PFNs.
out=$(setpriv --reuid=65534 --regid=65534 --clear-groups sh -c "exec $cli phys --pid \$\$ --mapping '[stack]'" 2>&1); rc=$?
tap_is "unprivileged exits 0" "$rc" 0
tap_like "unprivileged prints the note" "$out" "need root"

# Bad input.
"$cli" phys --pid 4194303 >/dev/null 2>&1; tap_is "unknown pid exits 6" $? 6
"$cli" phys --bits nosuchflag >/dev/null 2>&1; tap_is "unknown flag exits 2" $? 2
"$cli" phys --pid 1 --range 10-5 >/dev/null 2>&1; tap_is "backwards range exits 2" $? 2
"$cli" phys --pfn 0x10+0 >/dev/null 2>&1; tap_is "empty PFN range exits 2" $? 2
"$cli" phys --pid 1 --mapping nosuch >/dev/null 2>&1; tap_is "unknown mapping exits 2" $? 2
tap_done
