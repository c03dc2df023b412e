#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Every function and variable of the module has a name of its own: kallsyms,
# kprobes and BPF programs find them by name, and a name two files both use
# for a static (two kbufmap_read(), say) leaves a tracer guessing which one
# it attached to.
# usage: unique_symbols.sh KO...
set -uo pipefail
. "$(dirname "$0")/../lib/tap.sh"

for ko in "$@"; do
	# Names with a dot (__key.0, __func__.1) are the compiler's own local
	# statics, __UNIQUE_ID_* are .modinfo strings (7.2 numbers them per
	# file), and $x, $d are AArch64's mapping symbols (code, data): never
	# a name anyone traces by.
	if ! syms=$(nm "$ko"); then
		tap_result 1 "$ko: nm reads it"
		continue
	fi
	dups=$(awk '$2 ~ /^[tTdDbBrR]$/ && $3 !~ /\./ && $3 !~ /^__UNIQUE_ID_/ && $3 !~ /^\$/ { print $3 }' <<<"$syms" |
		sort | uniq -d | tr '\n' ' ')
	tap_is "$ko: no name defined twice ($(grep -c ' [tT] ' <<<"$syms") function symbols)" "$dups" ""
done
tap_done
