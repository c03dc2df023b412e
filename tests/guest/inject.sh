#!/bin/sh
# Every verify check must be able to fail. Against a test-only build of the
# module (KBUFMAP_FAULT_INJECT=1), each deliberate driver bug is switched on in
# turn through the `inject` parameter, and the check that guards that property
# must report FAIL (and verify exit 1). With inject=none the same build passes.
# Runs in a guest with two NUMA nodes; usage: inject.sh KBUFMAPCTL
cli=$1
param=/sys/module/kbufmap/parameters/inject
passed=0 failed=0

pass() { passed=$((passed + 1)); echo "ok: $*"; }
fail() { failed=$((failed + 1)); echo "FAIL: $*"; }

# expect_caught BUG CHECK [verify options]
expect_caught() {
	bug=$1 check=$2
	shift 2
	if ! echo "$bug" >"$param"; then
		fail "cannot set inject=$bug"
		return
	fi
	out=$("$cli" verify --check "$check" "$@" 2>&1)
	rc=$?
	line=$(echo "$out" | grep "^$check ")
	case "$line" in
	*FAIL*) [ "$rc" -eq 1 ] && pass "inject=$bug caught by $check $*" ||
		fail "inject=$bug: $check FAILed but verify exited $rc, not 1" ;;
	*) fail "inject=$bug NOT caught by $check $* (exit $rc): $line" ;;
	esac
}

# (Two mappings shifted alike still agree with each other: only checks that
# compare with the kernel's own view can see a wrong page.)
expect_caught wrong_page pagemap-alias
expect_caught wrong_page user-write-kernel-read
expect_caught wrong_page kernel-write-user-read --strategy pfn
expect_caught wrong_page user-write-kernel-read --backend pages --strategy insert
expect_caught wrong_page page-boundaries
expect_caught wrong_page partial-munmap
expect_caught wrong_page mapping-survives-close
expect_caught wrong_page private-reads-kernel-data --mode private
expect_caught wrong_page cow-kernel-writes-show-through --mode private
expect_caught wrong_page fork-private-cow --mode private
expect_caught no_bounds mmap-past-end-refused
expect_caught no_bounds mmap-past-end-refused --mode private
expect_caught no_dontexpand mremap-grow-refused
expect_caught no_dontexpand mremap-grow-refused --backend pages --strategy insert
expect_caught unzeroed zeroed
expect_caught unzeroed separate-opens
expect_caught unzeroed zeroed --backend pages --strategy insert
expect_caught unzeroed zeroed --backend contig --strategy remap --mode private
expect_caught private_writethrough cow-invisible-to-kernel --backend contig --strategy remap --mode private
expect_caught private_writethrough cow-first-write-copies --backend contig --strategy remap --mode private
expect_caught private_writethrough cow-invisible-to-other-mappings --backend kmalloc --strategy remap --mode private
expect_caught ignore_remap_error zeroed --backend vmalloc --strategy remap --mode private
expect_caught fresh_page cross-mapping-write
expect_caught fresh_page whole-buffer
expect_caught fresh_page dup-fd-alias
expect_caught allow_exec prot-exec-refused
expect_caught set_maywrite rdonly-no-mprotect-write
expect_caught dontcopy fork-shared
expect_caught dontcopy fork-private-cow --mode private
expect_caught no_refault madv-dontneed-persists --backend pages --strategy insert
expect_caught no_refault madv-dontneed-persists --backend vmalloc --strategy vmalloc-range
expect_caught no_refault private-dontneed-drops-copy --backend contig --strategy map-pages --mode private
expect_caught no_fault_count fault-accounting
# 6.1 never calls .huge_fault for a driver's VMA: huge-pmd SKIPs there.
if [ "$(uname -r | cut -d. -f1-2)" != 6.1 ]; then
	expect_caught no_huge huge-pmd --backend contig --strategy huge
fi
# (needs a guest with two NUMA nodes: guest-run --numa)
expect_caught wrong_node numa-placement --backend pages --node 1
expect_caught wrong_node numa-placement --backend contig --strategy remap --node 0
expect_caught wrong_node numa-placement --backend kmalloc --strategy pfn --node 1

# The same build without a bug passes: the checks fail for the bug, not for
# the build.
echo none >"$param"
if "$cli" verify --quiet >/dev/null 2>&1; then
	pass "inject=none: verify passes"
else
	fail "inject=none: verify does not pass"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
