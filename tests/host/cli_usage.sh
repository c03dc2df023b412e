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

ok()  { tap_result 0 "$1"; }
bad() { local desc=$1; shift; tap_result 1 "$desc" "$@"; }
# has DESC GREP-ARGS...: a case that passes when grep finds it in $tmp/out.
has() {
	local desc=$1
	shift
	if grep -q "$@" "$tmp/out"; then ok "$desc"; else bad "$desc" "grep $* found nothing in: $(tr '\n' ' ' <"$tmp/out" | head -c 300)"; fi
}

# run ARGS...: sets $rc, $out (stdout) and $err (stderr)
run() {
	"$cli" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	out=$(cat "$tmp/out")
	err=$(cat "$tmp/err")
}

# expect NAME RC PATTERN ARGS...: exit status RC and PATTERN (grep -E) in
# stdout+stderr ("" for no pattern)
expect() {
	local name=$1 want=$2 pat=$3
	shift 3
	run "$@"
	if [ "$rc" -ne "$want" ]; then
		bad "$name" "kbufmapctl $*" "exit status $rc, expected $want" \
			"stderr: $(head -c 400 "$tmp/err")"
	elif [ -n "$pat" ] && ! grep -qE -- "$pat" "$tmp/out" "$tmp/err"; then
		bad "$name" "kbufmapctl $*" "output does not match /$pat/" \
			"stdout: $(head -c 400 "$tmp/out")" "stderr: $(head -c 400 "$tmp/err")"
	else
		ok "$name"
	fi
}

valid_json() {	# valid_json NAME FILE
	if python3 -m json.tool "$2" >/dev/null 2>"$tmp/jerr"; then
		ok "$1"
	else
		bad "$1" "not valid JSON: $(cat "$tmp/jerr")" "$(head -c 400 "$2")"
	fi
}

# --- help at every level -----------------------------------------------------
expect "root --help" 0 "--device" --help
for w in verify matrix version --json --device --quiet "Exit status"; do
	has "root --help mentions $w" -- "$w"
done
expect "help command" 0 "Commands:" help
expect "verify --help" 0 "--pages" verify --help
for w in --mode --backend --strategy --check --all --tap --list-checks --json --device; do
	has "verify --help mentions $w" -- "$w"
done
has "verify --help names its level" "^Usage: kbufmapctl verify"
expect "help verify" 0 "--strategy" help verify
expect "help --help" 0 "^Usage: kbufmapctl help .*\\[COMMAND\\]" help --help
expect "help help" 0 "^Usage: kbufmapctl help " help help
expect "help with two commands" 2 "" help verify map
expect "help of an unknown command" 2 "" help nosuch
expect "matrix --help" 0 "^Usage: kbufmapctl matrix" matrix --help
has "matrix --help mentions --json" -- "--json"
expect "version --help" 0 "^Usage: kbufmapctl version" version --help
expect "--version" 0 "^kbufmapctl [0-9]" --version

# --- completion words --------------------------------------------------------
expect "--list-cmds" 0 "" --list-cmds
for c in verify version matrix; do
	has "--list-cmds lists $c" -x "$c"
done
expect "verify --list-opts" 0 "^--pages$" verify --list-opts
for o in --mode --backend --strategy --check --json --device --help; do
	has "verify --list-opts lists $o" -x -- "$o"
done
tap_is "verify --list-opts has no duplicates" "$(sort "$tmp/out" | uniq -d)" ""
expect "verify --list-checks" 0 "pagemap-alias" verify --list-checks

# --- usage errors: exit 2, before the device is opened -----------------------
for p in 0 -1 99999999999999999999 1x 262145 "" 0x; do
	expect "--pages '$p' refused" 2 "--pages.*allowed 1\.\.262144" --device "$nodev" verify --pages "$p"
done
expect "--pages 0x10 accepted (hex)" 3 "" --device "$nodev" verify --pages 0x10
expect "kmalloc --pages 1025 refused" 2 "--pages.*kmalloc.*allowed 1\.\.1024" \
	--device "$nodev" verify --backend kmalloc --strategy pfn --pages 1025
expect "unknown option (root)" 2 "unrecognized option" --frobnicate
expect "unknown option (verify)" 2 "unrecognized option" --device "$nodev" verify --frobnicate
expect "unknown command" 2 "unknown command 'frobnicate'.*verify" frobnicate
expect "missing command" 2 "missing command" 
expect "unknown backend" 2 "--backend.*'slab'.*vmalloc, pages, contig, kmalloc" --device "$nodev" verify --backend slab
expect "unknown strategy" 2 "--strategy.*'mmap'.*remap-unchecked" --device "$nodev" verify --strategy mmap
expect "unknown mode" 2 "--mode.*shared, private, all" --device "$nodev" verify --mode both
expect "unknown check" 2 "--check.*'nope'.*pagemap-alias" --device "$nodev" verify --check nope
expect "stray argument" 2 "unexpected argument" --device "$nodev" verify extra
expect "--tap with --json" 2 "mutually exclusive" --device "$nodev" verify --tap --json
# Invalid combinations, with the matrix's own reason.
expect "kmalloc x fault refused" 2 "kmalloc.*fault.*EOPNOTSUPP.*slab memory" \
	--device "$nodev" verify --backend kmalloc --strategy fault
expect "vmalloc x huge refused" 2 "EOPNOTSUPP.*2 MiB.*contig" \
	--device "$nodev" verify --strategy huge
expect "pages x vmalloc-range refused" 2 "remap_vmalloc_range\(\) needs a VM_USERMAP vmalloc area" \
	--device "$nodev" verify --backend pages --strategy vmalloc-range

# --- without the module -------------------------------------------------------
expect "verify without the device" 3 "$nodev not found: is the kbufmap module loaded\?" \
	--device "$nodev" verify
expect "verify --all without the device" 3 "not found: is the kbufmap module loaded" \
	--device "$nodev" verify --all
expect "version without the device" 0 "module not loaded" --device "$nodev" version
expect "matrix needs no device" 0 "private-rw" --device "$nodev" matrix
: >"$tmp/notdev"
expect "a regular file is not the device" 6 "not a kbufmap device" --device "$tmp/notdev" verify

# --- JSON stays JSON ------------------------------------------------------------
run --json matrix
tap_is "matrix --json exits 0" "$rc" 0
valid_json "matrix --json is valid JSON" "$tmp/out"
if python3 - "$tmp/out" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
combos = doc["combinations"]
assert len(combos) == 40, len(combos)
c = {(x["backend"], x["strategy"]): x for x in combos}
assert c[("kmalloc", "fault")]["valid"] is False and c[("kmalloc", "fault")]["errno"] == "EOPNOTSUPP"
assert c[("vmalloc", "pfn")]["private-rw"]["errno"] == "EINVAL"
assert c[("vmalloc", "remap-unchecked")]["private-ro"]["status"] == "sigbus"
assert c[("vmalloc", "fault")]["shared"]["status"] == "ok"
PY
then ok "matrix --json content"; else bad "matrix --json content" "see the assertion above"; fi
run --pretty matrix
valid_json "matrix --pretty is valid JSON" "$tmp/out"
# Addresses and frame numbers are "0x..." strings in JSON, numbers are
# numbers: phys of this shell's stack needs no module (PFNs need root, else
# null).
run --json phys --pid $$ --mapping '[stack]' --list-each
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
then ok "phys --json: vaddr, pfn and flags as \"0x...\", node and mapcount numbers"
else bad "phys --json: vaddr, pfn and flags as \"0x...\", node and mapcount numbers" "see the assertion above"; fi
run --json --device "$nodev" version
valid_json "version --json is valid JSON" "$tmp/out"
run --device "$nodev" verify --json --pages 0
tap_is "--json usage error exits 2" "$rc" 2
valid_json "--json usage error is {\"error\"} JSON" "$tmp/out"
has "--json usage error has an error key" '"error"'
run --json frobnicate
valid_json "--json unknown command is JSON" "$tmp/out"
run --json --device "$nodev" verify --frobnicate
valid_json "--json unknown option is JSON" "$tmp/out"
run --json --device "$nodev" verify
tap_is "--json without the device exits 3" "$rc" 3
valid_json "--json without the device is JSON" "$tmp/out"
has "--json without the device says why" "module loaded"
run --json --device "$nodev" verify --list-checks
valid_json "verify --list-checks --json is JSON" "$tmp/out"

# --- which words ask for JSON (decided before argp parses) -------------------
# Combined short options count; the value of an option never does, even
# when it looks like -p. Each of these failed before json_wanted() knew
# which options take a value.
run --device "$nodev" verify --pages 0 -qj
tap_is "'verify --pages 0 -qj' exits 2" "$rc" 2
valid_json "'-qj' after the bad value still gives JSON" "$tmp/out"
run -jq --device "$nodev" verify --frobnicate
valid_json "'-jq' at the root gives JSON errors" "$tmp/out"
for dev in "-d -p" "--device -p" "-d-p" "-qd -p"; do
	# shellcheck disable=SC2086 # split on purpose
	run $dev verify
	tap_is "'$dev verify': -p is the device path, exit 3" "$rc" 3
	tap_is "'$dev verify': no JSON on stdout" "$out" ""
	tap_like "'$dev verify': says the path -p is missing" "$err" "-p not found"
done
run --device "$nodev" verify --check -p
tap_is "'verify --check -p': exit 2" "$rc" 2
tap_is "'verify --check -p': text, not JSON" "$out" ""
tap_like "'verify --check -p': -p is the check name" "$err" "unknown check '-p'"
run --device "$nodev" verify --check=-p
tap_like "'verify --check=-p': -p is the check name" "$err" "unknown check '-p'"
run --device "$nodev" verify extra --json
valid_json "'verify extra --json': an option after a stray argument still counts" "$tmp/out"
run --json --device "$nodev" verify --help
tap_is "'--json verify --help' exits 0" "$rc" 0
tap_like "'--json verify --help' prints the help text" "$out" "^Usage: kbufmapctl verify"
run --device "$nodev" verify --frobnicate
tap_like "text mode: argp's error reaches stderr" "$err" "unrecognized option.*frobnicate"
tap_like "text mode: with argp's hint" "$err" "Try .kbufmapctl verify --help"

# --- hidden lists for scripts and completion ----------------------------------
# Compared with the names matrix --json uses, a different path through the code.
run --json matrix
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
	run --list-$what
	tap_is "--list-$what exits 0" "$rc" 0
	tap_is "--list-$what: the names matrix uses, one a line" "$out" "$(cat "$tmp/want-$what")"
done
run --help
tap_ok "--help does not show the hidden --list-* options" test -z "$(grep -- '--list-' "$tmp/out")"

# --- stdout is checked before exit 0 -------------------------------------------
if [ -w /dev/full ]; then
	"$cli" matrix >/dev/full 2>"$tmp/err"
	rc=$?
	if [ "$rc" -eq 6 ] && grep -q "standard output" "$tmp/err"; then
		ok "a full stdout is exit 6"
	else
		bad "a full stdout is exit 6" "exit $rc" "$(cat "$tmp/err")"
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
