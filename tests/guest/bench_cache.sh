#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# bench --cache: a case per cache mode, each with the read and write
# bandwidth phases, ids that say the mode, and the warnings that say what
# the modes can mean (under emulation they cannot differ; the native
# ratios to expect). --set-memory with wb is a usage error.
# usage: bench_cache.sh KBUFMAPCTL
set -u
. "$(dirname "$0")/../lib/tap.sh"
ctl=$1
tap_require "bench --cache" jq
tap_scratch

"$ctl" bench -q -j --pages 64 --warmup 0 --repeat 3 -b pages -s insert,pfn \
	--cache all --baseline none >"$tmp/out.json" 2>"$tmp/err"
tap_is "bench --cache all exits 0" "$?" 0
tap_is "a case per strategy x cache mode, none skipped" \
	"$(jq -c '[.results[] | select(.skipped == null) | "\(.strategy)+\(.cache)"] | sort' "$tmp/out.json")" \
	'["insert+uc","insert+wb","insert+wc","pfn+uc","pfn+wb","pfn+wc"]'
tap_is "ids say the mode (wb keeps the old id)" \
	"$(jq -c '[.results[].id] | sort' "$tmp/out.json")" \
	'["kbufmap/pages/insert+uc/shared/64","kbufmap/pages/insert+wc/shared/64","kbufmap/pages/insert/shared/64","kbufmap/pages/pfn+uc/shared/64","kbufmap/pages/pfn+wc/shared/64","kbufmap/pages/pfn/shared/64"]'
tap_is "every case has the read and the write bandwidth phase" \
	"$(jq '[.results[] | [.phases[].phase] | select(index("bandwidth") and index("write-bandwidth"))] | length' "$tmp/out.json")" 6
tap_ok "the native ratios are stated, with their sources" \
	jq -e '[.warnings[] | select(test("5x to 28x") and test("#38") and test("#120"))] | length == 1' "$tmp/out.json"
if jq -e '.context.emulated' "$tmp/out.json" >/dev/null; then
	tap_ok "under emulation: says the modes cannot differ" \
		jq -e '[.warnings[] | select(test("models no caches"))] | length == 1' "$tmp/out.json"
else
	tap_skip "under emulation: says the modes cannot differ" "not emulated"
fi
"$ctl" bench --cache wb --set-memory -b pages -s insert >/dev/null 2>"$tmp/err"
tap_is "--set-memory with wb: usage error" "$?" 2
tap_done
