#!/usr/bin/env bash
# The whole test suite, from a fresh Debian 12 machine, as root:
# install what is needed, build the module for both guest kernels and the
# CLI (under ASan/UBSan), then run every host and guest test.
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/setup-host.sh
start=$(date +%s)
cmake --workflow --preset ci
echo "test.sh: whole suite took $(( $(date +%s) - start ))s"
