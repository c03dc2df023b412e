#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# kbufmapctl's command line without the module: help at every level, option
# validation (exit 2 before the device is opened), the missing-device path
# (exit 3), JSON that stays JSON (errors too), completion words, and a failed
# write to stdout (exit 6). TAP output (tests/lib/tap.sh).
# usage: cli_usage.sh PATH/TO/kbufmapctl
set -u
. "$(dirname "$0")/../lib/tap.sh"

cli=${1:?usage: cli_usage.sh PATH/TO/kbufmapctl}
[ -x "$cli" ] || { echo "cli_usage: $cli is not executable" >&2; exit 2; }
nodev=/nonexistent/kbufmap	# a device path that cannot exist
tap_scratch

# --- help at every level -----------------------------------------------------
tap_expect "root --help" 0 "--device" "$cli" --help
for w in verify matrix version --json --device --quiet "Exit status"; do
	tap_ok "root --help mentions $w" grep -q -- "$w" "$tmp/out"
done
tap_expect "help command" 0 "Commands:" "$cli" help
tap_expect "verify --help" 0 "--pages" "$cli" verify --help
for w in --mode --backend --strategy --check --all --tap --list-checks --json --device; do
	tap_ok "verify --help mentions $w" grep -q -- "$w" "$tmp/out"
done
tap_ok "verify --help names its level" grep -q "^Usage: kbufmapctl verify" "$tmp/out"
tap_expect "help verify" 0 "--strategy" "$cli" help verify
tap_expect "help --help" 0 "^Usage: kbufmapctl help .*\\[COMMAND\\]" "$cli" help --help
tap_expect "help help" 0 "^Usage: kbufmapctl help " "$cli" help help
tap_expect "help with two commands" 2 "" "$cli" help verify map
tap_expect "help of an unknown command" 2 "" "$cli" help nosuch
tap_expect "matrix --help" 0 "^Usage: kbufmapctl matrix" "$cli" matrix --help
tap_ok "matrix --help mentions --json" grep -q -- "--json" "$tmp/out"
tap_expect "version --help" 0 "^Usage: kbufmapctl version" "$cli" version --help
tap_expect "--version" 0 "^kbufmapctl [0-9]" "$cli" --version

# --- completion words --------------------------------------------------------
tap_expect "--list-cmds" 0 "" "$cli" --list-cmds
for c in verify version matrix; do
	tap_ok "--list-cmds lists $c" grep -q -x "$c" "$tmp/out"
done
tap_expect "verify --list-opts" 0 "^--pages$" "$cli" verify --list-opts
for o in --mode --backend --strategy --check --json --device --help; do
	tap_ok "verify --list-opts lists $o" grep -q -x -- "$o" "$tmp/out"
done
tap_is "verify --list-opts has no duplicates" "$(sort "$tmp/out" | uniq -d)" ""
tap_expect "verify --list-checks" 0 "pagemap-alias" "$cli" verify --list-checks

# --- usage errors: exit 2, before the device is opened -----------------------
for p in 0 -1 99999999999999999999 1x 262145 "" 0x; do
	tap_expect "--pages '$p' refused" 2 "--pages.*allowed 1\.\.262144" "$cli" --device "$nodev" verify --pages "$p"
done
tap_expect "--pages 0x10 accepted (hex)" 3 "" "$cli" --device "$nodev" verify --pages 0x10
tap_expect "kmalloc --pages 1025 refused" 2 "--pages.*kmalloc.*allowed 1\.\.1024" "$cli" \
	--device "$nodev" verify --backend kmalloc --strategy pfn --pages 1025
tap_expect "unknown option (root)" 2 "unrecognized option" "$cli" --frobnicate
tap_expect "unknown option (verify)" 2 "unrecognized option" "$cli" --device "$nodev" verify --frobnicate
tap_expect "unknown command" 2 "unknown command 'frobnicate'.*verify" "$cli" frobnicate
tap_expect "missing command" 2 "missing command" "$cli" 
tap_expect "unknown backend" 2 "--backend.*'slab'.*vmalloc, pages, contig, kmalloc" "$cli" --device "$nodev" verify --backend slab
tap_expect "unknown strategy" 2 "--strategy.*'mmap'.*remap-unchecked" "$cli" --device "$nodev" verify --strategy mmap
tap_expect "unknown mode" 2 "--mode.*shared, private, all" "$cli" --device "$nodev" verify --mode both
tap_expect "unknown check" 2 "--check.*'nope'.*pagemap-alias" "$cli" --device "$nodev" verify --check nope
tap_expect "stray argument" 2 "unexpected argument" "$cli" --device "$nodev" verify extra
tap_expect "--tap with --json" 2 "mutually exclusive" "$cli" --device "$nodev" verify --tap --json
# Invalid combinations, with the matrix's own reason.
tap_expect "kmalloc x fault refused" 2 "kmalloc.*fault.*EOPNOTSUPP.*slab memory" "$cli" \
	--device "$nodev" verify --backend kmalloc --strategy fault
tap_expect "vmalloc x huge refused" 2 "EOPNOTSUPP.*2 MiB.*contig" "$cli" \
	--device "$nodev" verify --strategy huge
tap_expect "dma-coherent x remap refused" 2 "EOPNOTSUPP.*virt_to_page\(\) on it is wrong" "$cli" \
	--device "$nodev" verify --backend dma-coherent --strategy remap
tap_expect "verify --all --set-memory without wc/uc refused" 2 "--set-memory: give --cache wc or uc" "$cli" \
	--device "$nodev" verify --all --set-memory
tap_expect "verify --set-memory on vmalloc refused" 2 "vmalloc.*EOPNOTSUPP.*direct map" "$cli" \
	--device "$nodev" verify --cache wc --set-memory --backend vmalloc
tap_expect "pages x dma-mmap refused" 2 "EOPNOTSUPP.*dma_mmap_\*\(\) maps only memory from the DMA API" "$cli" \
	--device "$nodev" verify --backend pages --strategy dma-mmap
tap_expect "pages x vmalloc-range refused" 2 "remap_vmalloc_range\(\) needs a VM_USERMAP vmalloc area" "$cli" \
	--device "$nodev" verify --backend pages --strategy vmalloc-range

# --- without the module -------------------------------------------------------
tap_expect "verify without the device" 3 "$nodev not found: is the kbufmap module loaded\?" "$cli" \
	--device "$nodev" verify
tap_expect "verify --all without the device" 3 "not found: is the kbufmap module loaded" "$cli" \
	--device "$nodev" verify --all
tap_expect "version without the device" 0 "module not loaded" "$cli" --device "$nodev" version
tap_expect "matrix needs no device" 0 "private-rw" "$cli" --device "$nodev" matrix
: >"$tmp/notdev"
tap_expect "a regular file is not the device" 6 "not a kbufmap device" "$cli" --device "$tmp/notdev" verify

# --- JSON stays JSON ------------------------------------------------------------
tap_run "$cli" --json matrix
tap_is "matrix --json exits 0" "$rc" 0
tap_ok "matrix --json is valid JSON" python3 -m json.tool "$tmp/out"
if python3 - "$tmp/out" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
combos = doc["combinations"]
assert len(combos) == 77, len(combos)
c = {(x["backend"], x["strategy"]): x for x in combos}
assert c[("kmalloc", "fault")]["valid"] is False and c[("kmalloc", "fault")]["errno"] == "EOPNOTSUPP"
assert c[("vmalloc", "pfn")]["private-rw"]["errno"] == "EINVAL"
assert c[("vmalloc", "remap-unchecked")]["private-ro"]["status"] == "sigbus"
assert c[("vmalloc", "fault")]["shared"]["status"] == "ok"
assert c[("dma-coherent", "dma-mmap")]["valid"] is True
assert c[("dma-noncoherent", "dma-mmap")]["private-rw"]["status"] == "ok"
assert c[("dma-wc", "remap")]["errno"] == "EOPNOTSUPP"
assert c[("pages", "dma-mmap")]["errno"] == "EOPNOTSUPP"
PY
then tap_pass "matrix --json content"; else tap_fail "matrix --json content" "see the assertion above"; fi
tap_run "$cli" --pretty matrix
tap_ok "matrix --pretty is valid JSON" python3 -m json.tool "$tmp/out"
# Addresses and frame numbers are "0x..." strings in JSON, numbers are
# numbers: phys of this shell's stack needs no module (PFNs need root, else
# null).
tap_run "$cli" --json phys --pid $$ --mapping '[stack]' --list-each
tap_is "phys --pid --json exits 0" "$rc" 0
if python3 - "$tmp/out" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
pages = [p for run in doc["pages"] for p in (run if isinstance(run, list) else [run])]
assert pages, "no pages"
hexa = lambda v: isinstance(v, str) and v.startswith("0x") and int(v, 16) >= 0
for p in pages:
    assert hexa(p["vaddr"]) and hexa(p["flags"]), p
    assert p["pfn"] is None or hexa(p["pfn"]), p
    assert isinstance(p["node"], int) and isinstance(p["mapcount"], int), p
PY
then tap_pass "phys --json: vaddr, pfn and flags as \"0x...\", node and mapcount numbers"
else tap_fail "phys --json: vaddr, pfn and flags as \"0x...\", node and mapcount numbers" "see the assertion above"; fi
tap_run "$cli" --json --device "$nodev" version
tap_ok "version --json is valid JSON" python3 -m json.tool "$tmp/out"
tap_run "$cli" --device "$nodev" verify --json --pages 0
tap_is "--json usage error exits 2" "$rc" 2
tap_ok "--json usage error is {\"error\"} JSON" python3 -m json.tool "$tmp/out"
tap_ok "--json usage error has an error key" grep -q '"error"' "$tmp/out"
tap_run "$cli" --json frobnicate
tap_ok "--json unknown command is JSON" python3 -m json.tool "$tmp/out"
tap_run "$cli" --json --device "$nodev" verify --frobnicate
tap_ok "--json unknown option is JSON" python3 -m json.tool "$tmp/out"
tap_run "$cli" --json --device "$nodev" verify
tap_is "--json without the device exits 3" "$rc" 3
tap_ok "--json without the device is JSON" python3 -m json.tool "$tmp/out"
tap_ok "--json without the device says why" grep -q "module loaded" "$tmp/out"
tap_run "$cli" --json --device "$nodev" verify --list-checks
tap_ok "verify --list-checks --json is JSON" python3 -m json.tool "$tmp/out"

# --- which words ask for JSON (decided before argp parses) -------------------
# Combined short options count; the value of an option never does, even
# when it looks like -p. Each of these failed before json_wanted() knew
# which options take a value.
tap_run "$cli" --device "$nodev" verify --pages 0 -qj
tap_is "'verify --pages 0 -qj' exits 2" "$rc" 2
tap_ok "'-qj' after the bad value still gives JSON" python3 -m json.tool "$tmp/out"
tap_run "$cli" -jq --device "$nodev" verify --frobnicate
tap_ok "'-jq' at the root gives JSON errors" python3 -m json.tool "$tmp/out"
for dev in "-d -p" "--device -p" "-d-p" "-qd -p"; do
	# shellcheck disable=SC2086 # split on purpose
	tap_run "$cli" $dev verify
	tap_is "'$dev verify': -p is the device path, exit 3" "$rc" 3
	tap_is "'$dev verify': no JSON on stdout" "$out" ""
	tap_like "'$dev verify': says the path -p is missing" "$err" "-p not found"
done
tap_run "$cli" --device "$nodev" verify --check -p
tap_is "'verify --check -p': exit 2" "$rc" 2
tap_is "'verify --check -p': text, not JSON" "$out" ""
tap_like "'verify --check -p': -p is the check name" "$err" "unknown check '-p'"
tap_run "$cli" --device "$nodev" verify --check=-p
tap_like "'verify --check=-p': -p is the check name" "$err" "unknown check '-p'"
tap_run "$cli" --device "$nodev" verify extra --json
tap_ok "'verify extra --json': an option after a stray argument still counts" python3 -m json.tool "$tmp/out"
tap_run "$cli" --json --device "$nodev" verify --help
tap_is "'--json verify --help' exits 0" "$rc" 0
tap_like "'--json verify --help' prints the help text" "$out" "^Usage: kbufmapctl verify"
tap_run "$cli" --device "$nodev" verify --frobnicate
tap_like "text mode: argp's error reaches stderr" "$err" "unrecognized option.*frobnicate"
tap_like "text mode: with argp's hint" "$err" "Try .kbufmapctl verify --help"

# --- hidden lists for scripts and completion ----------------------------------
# Compared with the names matrix --json uses, a different path through the code.
tap_run "$cli" --json matrix
python3 - "$tmp/out" "$tmp" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
c = doc["combinations"]
for name, vals in (("backends", [x["backend"] for x in c]),
                   ("strategies", [x["strategy"] for x in c]),
                   ("kinds", doc["kinds"])):
    seen = []
    for v in vals:
        if v not in seen:
            seen.append(v)
    open(sys.argv[2] + "/want-" + name, "w").write("\n".join(seen) + "\n")
PY
for what in backends strategies kinds; do
	tap_run "$cli" --list-$what
	tap_is "--list-$what exits 0" "$rc" 0
	tap_is "--list-$what: the names matrix uses, one a line" "$out" "$(cat "$tmp/want-$what")"
done
tap_run "$cli" --help
tap_ok "--help does not show the hidden --list-* options" test -z "$(grep -- '--list-' "$tmp/out")"

# --- stdout is checked before exit 0 -------------------------------------------
if [ -w /dev/full ]; then
	"$cli" matrix >/dev/full 2>"$tmp/err"
	rc=$?
	if [ "$rc" -eq 6 ] && grep -q "standard output" "$tmp/err"; then
		tap_pass "a full stdout is exit 6"
	else
		tap_fail "a full stdout is exit 6" "exit $rc" "$(cat "$tmp/err")"
	fi
	"$cli" --help >/dev/full 2>/dev/null
	rc=$?
	tap_ok "--help into a full stdout fails" test "$rc" -ne 0
else
	tap_skip "a full stdout is exit 6" "no writable /dev/full"
fi

# --- limits in help texts come from the constants, none left as a token ------
for c in $("$cli" --list-cmds); do
	help=$("$cli" "$c" --help 2>&1)
	tap_is "$c --help: no unfilled {LIMIT} token" "$(grep -o '{[A-Z_]*}' <<<"$help")" ""
done
tap_like "verify --help: the page limit is KBUFMAP_MAX_PAGES (1 GiB of 4 KiB pages)" \
	"$("$cli" verify --help)" "1\.\.$((1 << 18)) \(kmalloc"
tap_done
