#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# kbufmapctl phys in a guest: each backend shows what it promises, the
# user/kernel cross-check passes for every valid strategy, raw-PFN maps are
# reported invisible to pagemap with the kernel's PFNs shown (rows labelled
# as the kernel's view), --csv is CSV alone on stdout, --list leaves out what
# page-types leaves out unless --all-pages, --pid reports smaps' huge page
# counts, an unprivileged run prints the note and exits 0, bad input exits 2/6.
# Usage: phys.sh KBUFMAPCTL
. "$(dirname "$0")/../lib/tap.sh"
cli=$1
tap_scratch

json() { "$cli" -j phys "$@"; }
# field JQ-FILTER: one value of the JSON on stdin (jq starts faster than
# python3 under emulation).
field() { jq -r "$1"; }

# contig: one PFN run per chunk, and the kernel agrees.
out=$(json --backend contig --strategy remap --pages 512); rc=$?
tap_is "contig/remap exits 0" "$rc" 0
tap_is "contig/remap: raw-PFN map is invisible" "$(echo "$out" | field '.view[:7]')" "raw-PFN"
tap_is "contig/remap: kernel runs <= chunks" \
	"$(echo "$out" | field '.kernel_view.kernel_pfn_runs <= .kernel_view.chunks')" true
tap_is "contig/remap: kernel PFNs shown (512 present)" "$(echo "$out" | field .summary.present)" 512

out=$(json --backend contig --strategy insert --pages 512); rc=$?
tap_is "contig/insert exits 0" "$rc" 0
tap_is "contig/insert: pagemap runs = kernel runs" \
	"$(echo "$out" | field '.kernel_view.user_pfn_runs == .kernel_view.kernel_pfn_runs')" true
tap_is "contig/insert: every page compared" "$(echo "$out" | field .kernel_view.pages_compared)" 512

for b in vmalloc pages; do
	[ $b = vmalloc ] && s=vmalloc-range || s=insert
	out=$(json --backend $b --strategy $s --pages 256); rc=$?
	tap_is "$b/$s exits 0" "$rc" 0
	tap_is "$b/$s: scattered (more than one run)" "$(echo "$out" | field '.summary.pfn_runs.count > 1')" true
done

# The cross-check passes for every valid strategy (the matrix decides).
for b in vmalloc pages contig kmalloc; do
	for s in fault fault-around pfn remap insert insert-batch map-pages vmalloc-range huge; do
		"$cli" phys --backend $b --strategy $s --pages 16 >"$tmp/phys.out" 2>&1; rc=$?
		[ $rc -eq 2 ] && continue	# not a valid combination
		tap_is "cross-check $b/$s" "$rc" 0 || sed 's/^/#   /' "$tmp/phys.out"
	done
done

# --csv: stdout is the table alone, a header row then rows of as many
# fields, as python's csv module reads it; prints the rows' VIEW column
# values (sorted, unique), or fails.
# csv_check HEADER [COLUMN]
csv_check() {
	python3 -c '
import csv, sys
want = sys.argv[1].split(",")
rows = list(csv.reader(sys.stdin))
if not rows or rows[0] != want:
	sys.exit("header %r, want %r" % (rows[:1], want))
bad = [r for r in rows[1:] if len(r) != len(want)]
if bad:
	sys.exit("rows of %d fields: %r" % (len(want), bad[:2]))
col = sys.argv[2] if len(sys.argv) > 2 else None
print(" ".join(sorted({r[want.index(col)] for r in rows[1:]})) if col else len(rows) - 1)
' "$@"
}
list_hdr=vaddr,pfn,view,pages,node,mapcount,flags,flag_names,pte,memtype
each_hdr=vaddr,pfn,view,node,mapcount,pagemap,flags,flag_names,pte,memtype
sleep 600 & spid=$!
sleep 0.5	# let it exec
for shape in list list-each; do
	[ $shape = list ] && hdr=$list_hdr || hdr=$each_hdr
	got=$("$cli" phys --pid $spid --$shape --csv 2>/dev/null | csv_check $hdr); rc=$?
	tap_is "--pid --$shape --csv: CSV alone on stdout" "$rc" 0
	tap_ok "--pid --$shape --csv: has rows ($got)" test "${got:-0}" -gt 0
done
got=$("$cli" phys --pid $spid --csv 2>/dev/null | csv_check flags,page_count,mb,symbolic_flags,long_symbolic_flags)
tap_ok "--pid --csv (the flag table): CSV alone on stdout ($got rows)" test "${got:-0}" -gt 0
# CSV's pfn is a decimal number; JSON's the same frame as a "0x..." string.
csv_pfns=$("$cli" phys --pid $spid --mapping '[stack]' --list-each --csv 2>/dev/null |
	awk -F, 'NR > 1 && $2 != "" { print $2 }')
tap_ok "--csv: rows with a pfn" test -n "$csv_pfns"
tap_is "--csv: every pfn in decimal" "$(printf '%s\n' "$csv_pfns" | grep -vE '^[0-9]+$')" ""
tap_is "--csv: the pfns JSON gives" "$(echo "$csv_pfns" | head -3)" \
	"$(json --pid $spid --mapping '[stack]' --list-each |
		jq -r '[.pages | flatten | .[].pfn | select(. != null)][:3][] | ltrimstr("0x")' |
		while read -r h; do echo $((16#$h)); done)"
err=$("$cli" phys --pid $spid --list --csv 2>&1 >/dev/null)
tap_like "--csv: the notes go to stderr" "$err" "^pid +$spid"
out=$("$cli" phys --backend contig --strategy remap --pages 16 --list-each --csv 2>/dev/null)
tap_is "raw-PFN buffer --list-each --csv: every row is the kernel's view" \
	"$(echo "$out" | csv_check $each_hdr view)" kernel
tap_is "raw-PFN buffer --list-each --csv: 16 rows" "$(echo "$out" | csv_check $each_hdr)" 16
tap_is "raw-PFN buffer --list --csv: the kernel's view" "$("$cli" phys --backend contig \
	--strategy remap --pages 16 --list --csv 2>/dev/null | csv_check $list_hdr view)" kernel
tap_is "raw-PFN buffer --list -j: the kernel's view" "$(json --backend contig --strategy remap \
	--pages 16 --list | field '.ranges[0].view')" kernel
tap_like "raw-PFN buffer --list: the text rows say kernel" "$("$cli" phys --backend contig \
	--strategy remap --pages 16 --list)" "^[0-9a-f]{16} +[0-9a-f]+ kernel "
tap_is "insert buffer --list --csv: pagemap's view" "$("$cli" phys --backend contig \
	--strategy insert --pages 16 --list --csv 2>/dev/null | csv_check $list_hdr view)" pagemap

# --list as page-types -l: no rows for pages not present, unless --all-pages.
tap_is "--touch none --list: no rows for the holes" "$("$cli" phys --touch none --pages 64 \
	--list --csv 2>/dev/null | csv_check $list_hdr)" 0
tap_is "--touch none --list --all-pages: all 64 pages" "$("$cli" phys --touch none --pages 64 \
	--list --all-pages --csv 2>/dev/null |
	awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "pages") c = i; next } { s += $c } END { print s + 0 }')" 64
"$cli" phys --all-pages >/dev/null 2>&1; tap_is "--all-pages without a list exits 2" $? 2

# smaps for --pid: the huge page counts of the mappings walked, as smaps says.
out=$(json --pid $spid)
tap_is "--pid: smaps mappings counted" "$(echo "$out" | field .summary.smaps.mappings)" \
	"$(grep -c '^[0-9a-f]*-[0-9a-f]* ' /proc/$spid/smaps)"
tap_is "--pid: AnonHugePages as smaps sums it" \
	"$(echo "$out" | field .summary.smaps.anon_huge_kb)" \
	"$(awk '/^AnonHugePages:/ { s += $2 } END { print s + 0 }' /proc/$spid/smaps)"
tap_like "--pid: the smaps line in text" "$("$cli" phys --pid $spid --mapping '[stack]')" \
	"smaps +AnonHugePages [0-9]+ kB, FilePmdMapped [0-9]+ kB \\(1 mappings\\)"
# A --range reads no smaps: its figures would be the whole mappings', and
# smaps walks every page table of the process to write them.
first=$(( 0x$(sed -n '1s/-.*//p' /proc/$spid/maps) / $(getconf PAGESIZE) ))	# a page number, as page-types -a
tap_is "--range: no smaps figures" "$(json --pid $spid --range "$first+1" | field '.summary.smaps')" null
kill $spid

# Unprivileged: the note, exit 0, no PFNs. The tool inspects its own
# process (sh execs it), from a copy in a directory anyone may enter: the
# checkout may sit in a 0700 directory, which the guest's 9p mount enforces.
udir=$tmp/u
mkdir "$udir" && chmod 755 "$tmp"
cp "$cli" "$udir/kbufmapctl" && chmod 755 "$udir" "$udir/kbufmapctl"
out=$(tap_as_nobody sh -c "exec $udir/kbufmapctl phys --pid \$\$ --mapping '[stack]'" 2>&1); rc=$?
tap_is "unprivileged exits 0" "$rc" 0
tap_like "unprivileged prints the note" "$out" "need root"

# Bad input.
"$cli" phys --pid 4194303 >/dev/null 2>&1; tap_is "unknown pid exits 6" $? 6
"$cli" phys --bits nosuchflag >/dev/null 2>&1; tap_is "unknown flag exits 2" $? 2
"$cli" phys --pid 1 --range 10-5 >/dev/null 2>&1; tap_is "backwards range exits 2" $? 2
"$cli" phys --pfn 0x10+0 >/dev/null 2>&1; tap_is "empty PFN range exits 2" $? 2
"$cli" phys --pid 1 --mapping nosuch >/dev/null 2>&1; tap_is "unknown mapping exits 2" $? 2
tap_done
