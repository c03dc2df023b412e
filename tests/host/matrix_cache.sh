#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# matrix --cache: its shape (text and JSON), and its rows against the
# matrix's own validity (matrix --json): every valid backend x strategy has
# a row per cache mode, --set-memory rows exactly where the backend allows
# it, and no invalid combination has a row. TAP output (tests/lib/tap.sh).
# usage: matrix_cache.sh PATH/TO/kbufmapctl
set -u
. "$(dirname "$0")/../lib/tap.sh"

cli=${1:?usage: matrix_cache.sh PATH/TO/kbufmapctl}
tap_scratch

if [ "$(uname -m)" != x86_64 ]; then
	"$cli" matrix --cache >"$tmp/out" 2>"$tmp/err"
	tap_is "no model for $(uname -m): exit 6" "$?" 6
	tap_done
	exit
fi

"$cli" --json matrix >"$tmp/matrix.json"
tap_is "matrix --json exits 0" "$?" 0
"$cli" --json matrix --cache >"$tmp/cache.json"
tap_is "matrix --cache --json exits 0" "$?" 0
"$cli" matrix --cache >"$tmp/cache.txt"
tap_is "matrix --cache exits 0" "$?" 0

cat >"$tmp/check.py" <<'PY'
import json, sys
matrix = json.load(open(sys.argv[1]))
doc = json.load(open(sys.argv[2]))
text = open(sys.argv[3]).read()
assert doc["arch"] == "x86_64", doc["arch"]
for k in ("kernel_major", "kernel_minor", "pfnmap_track", "dma_mmap_pages", "rows"):
    assert k in doc, k
valid = {(c["backend"], c["strategy"]) for c in matrix["combinations"] if c["valid"]}
set_memory_ok = {"pages", "contig", "dma-noncoherent"}
want = set()
for b, s in valid:
    for c in ("wb", "wc", "uc"):
        want.add((b, s, c, False))
        if c != "wb" and b in set_memory_ok:
            want.add((b, s, c, True))
got = [(r["backend"], r["strategy"], r["cache"], r["set_memory"]) for r in doc["rows"]]
assert len(got) == len(set(got)), "a row twice"
missing, extra = want - set(got), set(got) - want
assert not missing, "valid without a row: %s" % sorted(missing)[:5]
assert not extra, "a row for an invalid combination: %s" % sorted(extra)[:5]
attrs = {"WB", "WC", "UC-", "UC"}
for r in doc["rows"]:
    name = "%s/%s/%s" % (r["backend"], r["strategy"], r["cache"])
    assert r["user"] in attrs and r["kernel"] in attrs and r["asked"] in attrs, name
    assert r["alias"] == (r["user"] != r["kernel"]), name
    assert r["pat_override"] == (r["user"] != r["asked"]), name
    assert r["pat_log"] in ("no", "yes", "if one run"), name
    assert r["path"] and ".c " in r["reason"], name
    if r["set_memory"]:
        assert not r["alias"] and not r["pat_override"], name
# the text table: a header, one line per row, the reasons below
lines = text.splitlines()
assert lines[0].startswith("Cache attributes on x86_64, kernel "), lines[0]
assert lines[2].split()[:4] == ["BACKEND", "STRATEGY", "CACHE", "SET-MEM"], lines[2]
rows = [l for l in lines[3:] if l and not l.startswith(("[", "USER:"))]
assert len(rows) == len(got), (len(rows), len(got))
assert any(l.startswith("[1] ") for l in lines)
print("# %d rows, %d valid combinations" % (len(got), len(valid)))
PY
tap_ok "matrix --cache: a row per valid combination x cache x set-memory, none for an invalid one, rows consistent" \
	python3 "$tmp/check.py" "$tmp/matrix.json" "$tmp/cache.json" "$tmp/cache.txt"
"$cli" matrix --cache extra >/dev/null 2>&1
tap_is "matrix --cache with an argument: usage error" "$?" 2
tap_done
