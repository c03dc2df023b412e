#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# verify's cache family on every valid backend x strategy, against the model
# (matrix --cache), for each cache mode (wb, wc, uc; wc and uc again with
# --set-memory), shared and private: every cache-attribute row passes (the
# page table and the x86/PAT log line are what the model says; private
# mappings with wc/uc refused), cache-no-alias fails exactly on the model's
# alias rows (skips on arm64, which keeps them by design), and no other row
# fails. verify exits 1 exactly when an alias
# is expected. Then the DMA rows on a borrowed device (dma_device=, a PCI
# device virtio-pci drives: coherent, on arm64's virt machine too), where
# dma_mmap_coherent() and dma_mmap_wc() keep write-back even on arm64.
# usage: verify_cache.sh KBUFMAPCTL
set -u
cli=$1
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/dma_device.sh"
tap_scratch

"$cli" --json matrix --cache >"$tmp/model.json"
tap_is "matrix --cache --json exits 0" "$?" 0

cat >"$tmp/check.py" <<'PY'
import json, sys
model, report, cache, set_memory, rc, arch = sys.argv[1:7]
# arm64 keeps its aliases by design: cache-no-alias skips there
arm64 = arch == "aarch64"
set_memory = set_memory == "yes"
rows = {(r["backend"], r["strategy"]): r for r in json.load(open(model))["rows"]
        if r["cache"] == cache and r["set_memory"] == set_memory}
checks = json.load(open(report))["checks"]
bad = []
seen = set()
refused_fail = False
for c in checks:
    key = (c["backend"], c["strategy"])
    row = rows.get(key)
    where = "%s %s/%s %s: %s" % (c["name"], key[0], key[1], c["mode"], c["reason"])
    if c["name"] == "cache-attribute":
        by_design = c["status"] == "skip" and "SIGBUS at first touch by design" in c["reason"]
        if c["status"] != "pass" and not by_design:
            bad.append("not a pass: " + where)
        if c["mode"] == "shared":
            seen.add(key)
    elif c["name"] == "cache-no-alias":
        want = "skip" if arm64 else "fail" if row and row["alias"] else "pass"
        if c["status"] != want:
            bad.append("want %s: %s" % (want, where))
    elif c["name"] == "configure" and row and row.get("kernel_refuses"):
        print("# refused by this kernel, as the model says: " + where)
        seen.add(key)
        refused_fail |= c["status"] == "fail"
    elif c["status"] == "fail":
        bad.append("failed: " + where)
missing = sorted(set(rows) - seen)
if missing:
    bad.append("model rows no cache-attribute row asserted: %s" % missing)
aliases = not arm64 and any(r["alias"] and not r.get("kernel_refuses") for r in rows.values())
want_rc = 1 if aliases or refused_fail else 0
if int(rc) != want_rc:
    bad.append("verify exit status %s, want %d" % (rc, want_rc))
for b in bad:
    print(b)
print("# %d rows of the model, %d verify rows" % (len(rows), len(checks)))
sys.exit(1 if bad else 0)
PY

# one CACHE [--set-memory]: the family over the matrix in one cache mode.
one() {
	local cache=$1 sm=no name
	shift
	[ $# -gt 0 ] && sm=yes
	name="cache $cache${*:+ $*}"
	"$cli" --json verify --all --mode all --cache "$cache" "$@" \
		--check cache-attribute --check cache-no-alias >"$tmp/report.json" 2>"$tmp/err"
	rc=$?
	tap_ok "$name: every model row asserted, aliases exactly where the model has them" \
		python3 "$tmp/check.py" "$tmp/model.json" "$tmp/report.json" "$cache" "$sm" "$rc" "$(uname -m)"
}

one wb
one wc
one uc
one wc --set-memory
one uc --set-memory

if spec=$(borrow_virtio_pci); then
	tap_is "dma_device=$spec" "$(cat "$dma_device_param")" "$spec"
	for backend in dma-coherent dma-wc; do
		out=$("$cli" verify --backend "$backend" --strategy dma-mmap --cache wb \
			--check cache-attribute 2>&1)
		tap_is "$backend on $spec: verify exits 0" "$?" 0
		tap_like "$backend on $spec: the PTE is write-back, as the model says for a coherent device" \
			"$out" "PASS.*PTE WB, kernel mapping WB"
	done
	dma_device_own
else
	tap_fail "a PCI device driven by virtio-pci, to borrow (every guest has them)"
fi
tap_done
