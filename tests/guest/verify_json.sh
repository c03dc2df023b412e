#!/usr/bin/env bash
# verify --json must be one valid JSON document whose checks all passed and
# whose summary agrees with its own list.
# usage: verify_json.sh KBUFMAPCTL
set -u
cli=$1
json=$(mktemp)
trap 'rm -f "$json"' EXIT
"$cli" --json verify --mode shared --pages 8 >"$json"
rc=$?
cat "$json"
python3 - "$rc" "$json" <<'PY'
import json, sys
rc, path = int(sys.argv[1]), sys.argv[2]
with open(path) as f:
    doc = json.load(f)
checks = doc["checks"]
assert checks, "no checks in the report"
counts = {s: sum(c["status"] == s for c in checks) for s in ("pass", "fail", "skip")}
summ = doc["summary"]
assert (summ["passed"], summ["failed"], summ["skipped"]) == (counts["pass"], counts["fail"], counts["skip"]), \
    f"summary {summ} disagrees with checks {counts}"
assert counts["fail"] == 0, f"failed checks: {[c for c in checks if c['status'] == 'fail']}"
assert rc == 0, f"exit status {rc} with no failed check"
assert doc["config"]["pages"] == 8 and doc["config"]["mode"] == "shared", doc["config"]
print(f"{counts['pass']} passed, {counts['fail']} failed")
PY
