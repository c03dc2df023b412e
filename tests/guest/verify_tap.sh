#!/usr/bin/env bash
# verify --tap must be well-formed TAP 13 that a CI harness can read: the
# version line, a plan that matches the number of test lines, numbers in
# order, a reason on every SKIP, and no "not ok".
# usage: verify_tap.sh KBUFMAPCTL [verify options]
set -u
cli=$1
shift
tap=$("$cli" verify --tap "$@")
rc=$?
printf '%s\n' "$tap" | head -n 5
python3 - "$rc" <(printf '%s\n' "$tap") <<'PY'
import re, sys
rc = int(sys.argv[1])
lines = open(sys.argv[2]).read().splitlines()
assert lines[0] == "TAP version 13", f"first line is {lines[0]!r}"
plan = re.fullmatch(r"1\.\.(\d+)", lines[1])
assert plan, f"no plan on line 2: {lines[1]!r}"
tests = [l for l in lines if re.match(r"(not )?ok \d+ ", l)]
assert len(tests) == int(plan.group(1)) > 0, f"plan says {plan.group(1)}, {len(tests)} test lines"
for i, l in enumerate(tests, 1):
    assert re.match(rf"(not )?ok {i} - ", l), f"test {i} is numbered wrong: {l!r}"
    assert not l.startswith("not ok"), f"failed: {l}"
    if "# SKIP" in l:
        assert l.split("# SKIP", 1)[1].strip(), f"SKIP without a reason: {l}"
assert rc == 0, f"exit status {rc} with every test ok"
print(f"{len(tests)} passed, 0 failed")
PY
