#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# map.sh: test `kbufmapctl map` in a guest with the kbufmap module loaded.
#
#   map.sh KBUFMAPCTL
#
# For every valid backend x strategy (from `matrix -j`) and every mapping
# kind: refused kinds exit 1 with the matrix's errno; mapped ones report
# VmFlags that match the strategy (pf exactly for the raw-PFN strategies,
# mm for fault-around, de and dd always), the fault deltas of the mechanism
# (N .fault for fault, nothing at touch for the prefaulting ones, one huge
# fault per PMD for huge on 6.12), and pinnable "no" exactly for VM_PFNMAP/
# VM_IO. The O_DIRECT probe really runs (on the runner's ext4) for a
# page-backed and a raw-PFN strategy. Then the MAP_PRIVATE Bus error both
# ways, --hold with a COMMAND and
# with signals, `phys --pid` against held mappings, --hold-before-touch under
# `fault-trace --pid`, refused mappings (exit 1) and bad values
# (exit 2). TAP output (tests/lib/tap.sh).
set -u
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/pages.sh"

tap_usage $# 1 "KBUFMAPCTL"
ctl=$(readlink -f "$1")
tap_require "map" root module
tap_scratch
kver=$(uname -r)
thp=$(sed 's/.*\[\(.*\)\].*/\1/' /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null)
tap_diag "kernel $kver, THP $thp"

# --- the matrix: one run per backend x strategy x kind ----------------------
pages=16
# The text table (awk, not python3: it takes seconds to start in TCG):
# "BACKEND STRATEGY CELL CELL CELL" with cells ok, SIGBUS[n], ERRNO[n] and
# ERRNO*[n] (refused only if scattered/contiguous); refused rows say so.
"$ctl" matrix >"$tmp/matrix.txt" || tap_result 1 "matrix"
awk 'NR == 1 { for (i = 3; i <= NF; i++) kind[i] = $i; next }
     NF == 0 { exit }
     NF < 5 || /refused at CONFIGURE/ { next }
     { for (i = 3; i <= 5; i++) {
	c = $i; sub(/\[.*/, "", c)
	if (c == "ok") st = "ok"; else if (c == "SIGBUS") st = "sigbus"
	else if (c ~ /\*$/) { st = "refused-if"; sub(/\*$/, "", c) } else st = "refused"
	print $1, $2, kind[i], st, (st == "ok" || st == "sigbus") ? "-" : c } }' \
	"$tmp/matrix.txt" >"$tmp/combos"
: >"$tmp/runs"
while read -r b s k status errno; do
	case $k in
	shared) flags="--shared" ;;
	private-ro) flags="--private --prot r" ;;
	private-rw) flags="--private --prot rw" ;;
	esac
	np=$pages
	[ "$s" = huge ] && np=$((2 * pmd_pages))	# two PMDs
	# shellcheck disable=SC2086
	out=$("$ctl" -j map --backend "$b" --strategy "$s" --pages "$np" $flags 2>/dev/null)
	rc=$?
	printf '{"b":"%s","s":"%s","k":"%s","want":"%s","want_errno":"%s","rc":%d,"r":%s}\n' \
		"$b" "$s" "$k" "$status" "$errno" "$rc" "${out:-null}" >>"$tmp/runs"
done <"$tmp/combos"

# One python3 for every check (it is slow to start in a TCG guest):
# "description<TAB>got<TAB>want" lines.
python3 - "$tmp/runs" "$kver" "$thp" "$pmd_pages" >"$tmp/checks" <<'PY'
import json, sys
raw = {"pfn", "remap", "huge", "remap-unchecked", "dma-mmap"}
prefault = {"remap", "insert", "insert-batch", "map-pages", "vmalloc-range", "remap-unchecked", "dma-mmap"}
# PMDs only where they are special (pmd_special(), 6.12 on); PTEs before.
six12 = tuple(int(v) for v in sys.argv[2].split("-")[0].split(".")[:2]) >= (6, 12)
thp = sys.argv[3]
pmd_pages = int(sys.argv[4])
def out(desc, got, want):
    print(f"{desc}\t{got}\t{want}")
for line in open(sys.argv[1]):
    x = json.loads(line)
    r, name = x["r"], f'{x["b"]}/{x["s"]}/{x["k"]}'
    if r is None:
        out(f"{name}: JSON report", "none", "a report")
        continue
    mm = r["mmap"]
    if x["want"] == "refused" or (x["want"].startswith("refused-if") and not mm["ok"]):
        out(f"{name}: refused, exit 1 with the matrix's errno",
            f'{x["rc"]} {mm.get("errno")}', f'1 {x["want_errno"]}')
        continue
    if x["want"] == "sigbus":
        out(f"{name}: SIGBUS caught, exit 1", f'{x["rc"]} {(r["touch"]["signal"] or {}).get("name")}', "1 SIGBUS")
        continue
    out(f"{name}: mapped and touched, exit 0", x["rc"], 0)
    flags = set(r.get("vmflags", "").split())
    out(f"{name}: VmFlags de and dd", "de" in flags and "dd" in flags, True)
    out(f"{name}: VmFlags pf exactly for raw-PFN strategies", "pf" in flags, x["s"] in raw)
    if x["s"] == "fault-around":
        out(f"{name}: VmFlags mm for fault-around", "mm" in flags, True)
    n, t = r["length"], r["counter_deltas"]["touch"]
    if x["s"] == "fault":
        out(f"{name}: one .fault per page touched", t["faults"], n)
    if x["s"] == "fault-around":
        out(f"{name}: .map_pages mapped every page", t["fault_around_pages"] + t["faults"] >= n, True)
    if x["s"] in prefault:
        out(f"{name}: prefaulted: no fault at touch",
            t["faults"] + t["fault_around_calls"] + t["huge_faults"], 0)
    if x["s"] == "huge" and six12 and thp != "never":
        out(f"{name}: N/{pmd_pages} huge faults from 6.12 on", t["huge_faults"], n // pmd_pages)
    pinnable = r.get("pinnable")
    out(f"{name}: pinnable no exactly for VM_PFNMAP/VM_IO", pinnable,
        not ("pf" in flags or "io" in flags))
PY
while IFS=$'\t' read -r desc got want; do
	tap_is "$desc" "$got" "$want"
done <"$tmp/checks"
tap_ok "the matrix gave runs to check" test -s "$tmp/checks"

# --- O_DIRECT really tried: the guest has an ext4 at /var/tmp ---------------
# The probe reads into a writable mapping and writes from a read-only one;
# page-backed memory pins, raw PFNs refuse with EFAULT.
while read -r want b s flags; do
	# shellcheck disable=SC2086
	got=$("$ctl" -j map --backend "$b" --strategy "$s" --pages 4 $flags 2>/dev/null |
		jq -r '.pin[] | select(.method == "o_direct") |
			"\(.tried) \(if .ok then "pinned" else .errno end) \(.note | test("/var/tmp, ext4"))"')
	tap_is "O_DIRECT probe of $b/$s ($flags) tried on the ext4: $want" "$got" "true $want true"
done <<'DIO'
pinned vmalloc fault --shared
pinned pages insert --private --prot r
EFAULT contig pfn --shared
EFAULT kmalloc remap --private --prot r
DIO

# --- the Bus error under MAP_PRIVATE, both ways -----------------------------
out=$("$ctl" map --strategy remap-unchecked --private --fill aabbccdd --dump 4)
tap_is "bus error: remap-unchecked MAP_PRIVATE exits 1" "$?" 1
tap_like "bus error: the SIGBUS is caught at page 0" "$out" "signal +SIGBUS \(BUS_ADRERR\) at page 0"
tap_like "bus error: and explained" "$out" "must cover the whole VMA in one call.*Bus error\" of a driver that remaps per page"
out=$("$ctl" map --strategy remap --backend contig --private --fill aabbccdd --dump 4)
tap_is "bus error: remap of contig MAP_PRIVATE exits 0" "$?" 0
tap_like "bus error: first page reads the pattern" "$out" "first page \[aabbccdd\]"
tap_like "bus error: last page too" "$out" "last page +\[aabbccdd\]"

# --- --hold: the line, the mapping alive, SIGTERM, a COMMAND -------------------
"$ctl" map --strategy pfn --pages 8 --hold --hold-seconds 60 >/dev/null 2>"$tmp/hold.err" &
hpid=$!
for _ in $(seq 100); do grep -q '^pid ' "$tmp/hold.err" && break; sleep 0.1; done
read -r _ pid _ addr _ np <"$tmp/hold.err"
tap_is "--hold: the line names this process and the pages" "$pid $np" "$hpid 8"
tap_like "--hold: the mapping is in /proc/PID/maps" "$(cat "/proc/$hpid/maps" 2>&1)" "^${addr#0x}-.*/dev/kbufmap"
tap_like "--hold: phys --pid says pagemap cannot see the held raw-PFN mapping" \
	"$("$ctl" phys --pid "$hpid" --mapping /dev/kbufmap 2>&1)" "pagemap cannot see it"
kill -TERM "$hpid"
wait "$hpid"
tap_is "--hold: SIGTERM ends it, exit 0" "$?" 0
# A held mapping of inserted pages: phys --pid finds every page present.
"$ctl" map --backend contig --strategy insert --pages 16 --hold --hold-seconds 60 \
	>/dev/null 2>"$tmp/hold2.err" &
hpid=$!
for _ in $(seq 100); do grep -q '^pid ' "$tmp/hold2.err" && break; sleep 0.1; done
present=$("$ctl" -j phys --pid "$hpid" --mapping /dev/kbufmap 2>"$tmp/phys.err" |
	jq '[.. | objects | .present? | numbers] | first')
tap_is "--hold: phys --pid sees the 16 inserted pages present" "$present" 16
kill -TERM "$hpid"
wait "$hpid"
# shellcheck disable=SC2016
"$ctl" map --strategy insert --pages 4 --hold -- sh -c \
	'grep -q "^${KBUFMAP_ADDR#0x}-" /proc/$KBUFMAP_PID/maps && [ "$KBUFMAP_PAGES" = 4 ] && exit 7' \
	>/dev/null 2>&1
tap_is "--hold -- COMMAND: sees the mapping in its environment, its status is ours" "$?" 7

# --- --hold-before-touch under fault-trace --pid -------------------------------
if "$ctl" help fault-trace >/dev/null 2>&1; then
	"$ctl" -j map --strategy fault --pages 64 --hold-before-touch --hold-seconds 120 \
		-o "$tmp/held.json" 2>"$tmp/held.err" &
	hpid=$!
	for _ in $(seq 100); do grep -q '^pid ' "$tmp/held.err" && break; sleep 0.1; done
	"$ctl" -j fault-trace --mode kprobe --pid "$hpid" >"$tmp/ft.json" 2>"$tmp/ft.err" &
	fpid=$!
	for _ in $(seq 600); do grep -q 'mode' "$tmp/ft.err" && break; sleep 0.1; done
	kill -USR1 "$hpid"
	wait "$hpid"
	tap_is "--hold-before-touch: SIGUSR1 lets it touch, exit 0" "$?" 0
	wait "$fpid"
	tap_is "fault-trace --pid of the held mapping: exit 0" "$?" 0
	got=$(python3 -c 'import json,sys
t = json.load(open(sys.argv[1])); m = json.load(open(sys.argv[2]))
f = [x["calls"] for x in t["functions"] if x["name"] == "kbufmap_vm_fault"]
print(f[0] if f else "none", m["counters"]["faults"], m["counter_deltas"]["touch"]["faults"])' \
		"$tmp/ft.json" "$tmp/held.json" 2>&1)
	tap_is "fault-trace --pid counts the held mapping's faults (trace, module, touch)" "$got" "64 64 64"
else
	tap_skip "--hold-before-touch under fault-trace --pid" "no fault-trace in this build"
fi

# --- refused mappings: exit 1 and why -------------------------------------------
out=$("$ctl" map --strategy pfn --private --prot rw 2>&1)
tap_is "refused: pfn MAP_PRIVATE writable exits 1" "$?" 1
tap_like "refused: with the errno and the matrix's reason" "$out" "refused: EINVAL \(raw PFN mappings cannot copy-on-write"
out=$("$ctl" map --rdonly --shared --prot rw 2>&1)
tap_is "refused: O_RDONLY MAP_SHARED PROT_WRITE exits 1" "$?" 1
tap_like "refused: EACCES explained" "$out" "EACCES \(the device is open read-only"

# --- bad values: exit 2 with a message -------------------------------------------
while IFS='|' read -r args msg; do
	# shellcheck disable=SC2086
	out=$("$ctl" map $args 2>&1 >/dev/null)
	tap_is "bad value: map $args exits 2" "$?" 2
	tap_like "bad value: map $args says why" "$out" "$msg"
done <<'BAD'
--pages 4 --offset 4|--offset: page 4 is past the buffer: allowed 0..3
--length 0|--length: '0' is out of range
--pages 4 --offset 2 --length 3|run past the 4-page buffer: allowed 1..2
--madvise bogus|--madvise: unknown advice 'bogus': allowed normal
--fill xyz|--fill: 'xyz' is not a byte pattern
--prot rwx|--prot: 'rwx': allowed r, rw
--prot r --touch write|--touch write needs a writable mapping
--stride 0|--stride: '0' is out of range
--dump 4097|--dump: '4097' is out of range
--backend kmalloc --strategy fault|not a valid combination \(EOPNOTSUPP\)
--rdonly --fill aa|--fill writes with write\(\), which needs a read-write open
--hold-seconds 0|--hold-seconds: '0' is out of range
-- true|a COMMAND runs while the mapping is held: add --hold
BAD

tap_done
