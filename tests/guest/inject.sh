#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Every verify check must be able to fail. Against a test-only build of the
# module (KBUFMAP_FAULT_INJECT=1), each deliberate driver bug is switched on in
# turn through the `inject` parameter, and the check that guards that property
# must report FAIL (and verify exit 1), with the check's explanation of what
# the FAIL means (the "explain" column of the check table). With inject=none
# the same build passes.
# Runs in a guest with two NUMA nodes; usage: inject.sh KBUFMAPCTL
cli=$1
param=/sys/module/kbufmap/parameters/inject
. "$(dirname "$0")/../lib/tap.sh"

tap_scratch
out=$tmp/out checks=$tmp/checks
# The check table, read once (each CLI and interpreter start is slow under
# emulation).
"$cli" --json verify --list-checks >"$checks"

# row_of CHECK < verify --json: "STATUS<TAB>EXPLAIN" of the check's row
# ("missing" when the report has no row for it, "none" for no explanation).
row_of() {
	jq -r --arg c "$1" '[.checks[] | select(.name == $c)]
		| if length == 0 then "missing\tnone"
		  else .[0] | "\(.status)\t\(.explain // "none")" end'
}

# explain_of CHECK: the check's explanation, as verify --list-checks gives it.
explain_of() {
	jq -r --arg c "$1" '.[] | select(.name == $c) | .explain' "$checks"
}

# expect_caught BUG "CHECK..." [verify options]: one verify run with the
# bug switched on and every CHECK selected; each must FAIL with its
# explanation, and verify exit 1.
expect_caught() {
	bug=$1 checks_wanted=$2
	shift 2
	what="inject=$bug${*:+ $*}"
	if ! echo "$bug" >"$param"; then
		tap_result 1 "$what: set the inject parameter" "cannot write $param"
		return
	fi
	for check in $checks_wanted; do set -- "$@" --check "$check"; done
	"$cli" --json verify "$@" >"$out" 2>/dev/null
	tap_is "$what: verify exits 1" "$?" 1
	for check in $checks_wanted; do
		row=$(row_of "$check" <"$out")
		tap_is "$what, $check: FAIL" "$(printf '%s' "$row" | cut -f1)" fail
		tap_is "$what, $check: the FAIL carries the check's explanation" \
			"$(printf '%s' "$row" | cut -f2-)" "$(explain_of "$check")"
	done
}

# (Two mappings shifted alike still agree with each other: only checks that
# compare with the kernel's own view can see a wrong page.)
expect_caught wrong_page "pagemap-alias user-write-kernel-read page-boundaries partial-munmap mapping-survives-close"
expect_caught wrong_page kernel-write-user-read --strategy pfn
expect_caught wrong_page user-write-kernel-read --backend pages --strategy insert
expect_caught wrong_page "private-reads-kernel-data cow-kernel-writes-show-through fork-private-cow" --mode private
expect_caught no_bounds mmap-past-end-refused
expect_caught no_bounds mmap-past-end-refused --mode private
expect_caught no_dontexpand mremap-grow-refused
expect_caught no_dontexpand mremap-grow-refused --backend pages --strategy insert
expect_caught unzeroed "zeroed separate-opens"
expect_caught unzeroed zeroed --backend pages --strategy insert
expect_caught unzeroed zeroed --backend contig --strategy remap --mode private
expect_caught private_writethrough "cow-invisible-to-kernel cow-first-write-copies" --backend contig --strategy remap --mode private
expect_caught private_writethrough cow-invisible-to-other-mappings --backend kmalloc --strategy remap --mode private
expect_caught ignore_remap_error zeroed --backend vmalloc --strategy remap --mode private
expect_caught fresh_page "cross-mapping-write whole-buffer dup-fd-alias"
expect_caught allow_exec prot-exec-refused
expect_caught set_maywrite rdonly-no-mprotect-write
expect_caught dontcopy fork-shared
expect_caught dontcopy fork-private-cow --mode private
expect_caught no_refault madv-dontneed-persists --backend pages --strategy insert
expect_caught no_refault madv-dontneed-persists --backend vmalloc --strategy vmalloc-range
expect_caught no_refault private-dontneed-drops-copy --backend contig --strategy map-pages --mode private
expect_caught no_fault_count fault-accounting
# Another cache attribute in the page table than the kernel's code gives:
# the cache family reads it back (PGATTR) and holds it to matrix --cache.
if [ "$(uname -m)" = aarch64 ]; then
	# arm64: cache-no-alias skips (the kernel keeps such aliases), and
	# --set-memory is x86's
	expect_caught wrong_cache cache-attribute --backend pages --strategy insert
	expect_caught wrong_cache cache-attribute --backend contig --strategy remap --cache wc
else
	expect_caught wrong_cache "cache-attribute cache-no-alias" --backend pages --strategy insert
	expect_caught wrong_cache cache-attribute --backend contig --strategy remap --cache wc --set-memory
fi
# Before 6.12 the module maps no PMD (no pmd_special()): huge-pmd SKIPs there.
if kernel_at_least 6.12; then
	expect_caught no_huge huge-pmd --backend contig --strategy huge
fi
# (needs a guest with two NUMA nodes: guest-run --numa)
expect_caught wrong_node numa-placement --backend pages --node 1
expect_caught wrong_node numa-placement --backend contig --strategy remap --node 0
expect_caught wrong_node numa-placement --backend kmalloc --strategy pfn --node 1

# The same build without a bug passes: the checks fail for the bug, not for
# the build.
echo none >"$param"
tap_ok "inject=none: verify passes" "$cli" verify --quiet

# The text and TAP reports show the explanation under a FAIL too: the line
# after the FAIL row (text), after the reason diagnostic (TAP).
echo unzeroed >"$param"
want=$(explain_of zeroed | cut -c1-30)
text=$("$cli" verify --check zeroed 2>&1)
tap_like "text report: zeroed FAILs" "$text" '^zeroed +shared +FAIL '
tap_is "text report: the explanation follows the FAIL row" \
	"$(printf '%s\n' "$text" | grep -A1 '^zeroed ' | tail -n 1 | cut -c1-34)" \
	"    $want"
tap=$("$cli" verify --tap --check zeroed 2>&1)
tap_like "TAP report: zeroed is not ok" "$tap" '^not ok 1 - zeroed '
tap_is "TAP report: the explanation is a diagnostic after the reason" \
	"$(printf '%s\n' "$tap" | grep -A2 '^not ok 1 - zeroed' | tail -n 1 | cut -c1-34)" \
	"#   $want"
echo none >"$param"
tap_done
