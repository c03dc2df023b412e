#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Every function and variable of the module has a name of its own: kallsyms,
# kprobes and BPF programs find them by name, and a name two files both use
# for a static (two kbufmap_read(), say) leaves a tracer guessing which one
# it attached to.
# usage: unique_symbols.sh KO...
set -euo pipefail
fail=0
for ko in "$@"; do
	# Names with a dot (__key.0, __func__.1) are the compiler's own local
	# statics, and __UNIQUE_ID_* are .modinfo strings (7.2 numbers them per
	# file): never a name anyone traces by.
	dups=$(nm "$ko" | awk '$2 ~ /^[tTdDbBrR]$/ && $3 !~ /\./ && $3 !~ /^__UNIQUE_ID_/ { print $3 }' |
		sort | uniq -d)
	if [ -n "$dups" ]; then
		echo "FAIL - $ko defines these names more than once:" $dups
		fail=1
	else
		echo "ok   - $ko: $(nm "$ko" | grep -c ' [tT] ') function symbols, no name twice"
	fi
done
if [ "$fail" -ne 0 ]; then
	echo "0 passed, 1 failed"
	exit 1
fi
echo "1 passed, 0 failed"
