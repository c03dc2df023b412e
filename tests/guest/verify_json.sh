#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# verify --json must be one valid JSON document whose checks all passed and
# whose summary agrees with its own list; a check's explanation ("explain")
# is only on a FAIL row, and --list-checks --json gives every check one
# (inject.sh proves a FAIL carries it).
# usage: verify_json.sh KBUFMAPCTL
set -u
cli=$1
. "$(dirname "$0")/../lib/tap.sh"
tap_scratch
json=$tmp/json list=$tmp/list

"$cli" --json verify --mode shared --pages 8 >"$json"
rc=$?
cut -c1-2000 "$json" | sed "s/^/# /"

# q FILE EXPR: print EXPR over the document in FILE (doc; checks = doc["checks"]).
q() {
	python3 -c '
import json, sys
doc = json.load(open(sys.argv[1]))
checks = doc.get("checks") if isinstance(doc, dict) else doc
print(eval(sys.argv[2]))
' "$1" "$2" 2>&1 | tail -n 1
}
count='tuple(sum(c["status"] == s for c in checks) for s in ("pass", "fail", "skip"))'

tap_ok "the report is one JSON document" jq -se 'length == 1' "$json"
tap_is "the report has checks" "$(q "$json" 'len(checks) > 0')" True
tap_is "the summary agrees with the checks" \
	"$(q "$json" '(doc["summary"]["passed"], doc["summary"]["failed"], doc["summary"]["skipped"])')" \
	"$(q "$json" "$count")"
tap_is "no check failed" "$(q "$json" '[c["name"] for c in checks if c["status"] == "fail"]')" "[]"
tap_is "exit status with no failed check" "$rc" 0
tap_is "config: pages" "$(q "$json" 'doc["config"]["pages"]')" 8
tap_is "config: mode" "$(q "$json" 'doc["config"]["mode"]')" shared
tap_is "no explanation on a row that did not FAIL" \
	"$(q "$json" '[c["name"] for c in checks if c["status"] != "fail" and "explain" in c]')" "[]"

"$cli" --json verify --list-checks >"$list"
tap_ok "--list-checks --json is JSON" jq -se 'length == 1' "$list"
tap_is "--list-checks: every check explains what its FAIL means" \
	"$(q "$list" '[c["name"] for c in checks if not c.get("explain")]')" "[]"
tap_is "--list-check-names lists the same checks, one a line" \
	"$("$cli" verify --list-check-names | tr '\n' ' ')" \
	"$(q "$list" '" ".join(c["name"] for c in checks) + " "')"

# version, with the module loaded: its version, ABI and parameters.
"$cli" --json version >"$list"
tap_is "version: the loaded module's version is the tool's" \
	"$(q "$list" 'doc["module"]["loaded"] and doc["module"]["version"] == doc["version"]')" True
tap_is "version: the module's ABI major is the tool's" \
	"$(q "$list" 'doc["module"]["abi"]["major"] == doc["abi"]["major"]')" True
tap_is "version: the module's parameters include its memory cap" \
	"$(q "$list" 'int(doc["module"]["parameters"]["max_bytes"]) == doc["module"]["max_bytes"]')" True
tap_done
