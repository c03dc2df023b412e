#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# phys against the fault-injection build in a two-node guest: pages asked
# for on node 1 are on node 1; the wrong_page bug makes phys exit 1 naming
# the page; the wrong_node bug makes it exit 1 too. Usage: phys_inject.sh CLI
. "$(dirname "$0")/../lib/tap.sh"
cli=$1
param=/sys/module/kbufmap/parameters/inject

echo none >"$param"
out=$("$cli" -j phys --backend pages --node 1 --pages 64); rc=$?
tap_is "pages --node 1 exits 0" "$rc" 0
tap_like "pages --node 1: every page on node 1" "$out" '"nodes":\[\{"node":1,"pages":64\}\]'

echo wrong_page >"$param"
out=$("$cli" phys --pages 16 2>&1); rc=$?
tap_is "wrong_page: phys exits 1" "$rc" 1
tap_like "wrong_page: the page is named" "$out" "MISMATCH +page 0: pagemap pfn 0x[0-9a-f]+, kernel pfn"

echo wrong_node >"$param"
"$cli" phys --backend pages --node 1 --pages 16 >/dev/null 2>&1
tap_is "wrong_node: phys exits 1" "$?" 1
echo none >"$param"
tap_done
