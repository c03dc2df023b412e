#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# What a command loads at start: a command that does not trace loads
# neither the tracing stack (libbpf, libelf, zlib) nor libnuma, whose
# loading and constructor every start paid for; fault-trace loads the
# tracer library (kbufmap-tracer.so) when it traces, from beside the
# binary, and a missing library is an error that says so.
# TAP output (tests/lib/tap.sh).
# usage: startup_libs.sh KBUFMAPCTL
set -u
. "$(dirname "$0")/../lib/tap.sh"
ctl=${1:?usage: startup_libs.sh KBUFMAPCTL}
tap_scratch
stack='libbpf|libelf|libz\.|libnuma|kbufmap-tracer'

# The objects a run loaded (the dynamic loader's own account), one a line.
loaded() { LD_DEBUG=files "$@" 2>&1 >/dev/null | sed -n 's/.*file=\([^ ]*\) .*\[0\];  *\(generating link map\|dynamically loaded by\).*/\1/p' | sort -u; }

tap_is "ldd: none of the tracing stack nor libnuma" "$(ldd "$ctl" | grep -E "$stack")" ""
# Nor libm (loaded and relocated at every start, for three functions);
# the tool's own list, as the sanitizers' runtime brings libm in the ci build.
tap_is "the tool itself needs no libm (DT_NEEDED)" \
	"$(readelf -d "$(readlink -f "$ctl")" | grep NEEDED | grep -c 'libm\.')" 0
for args in "version" "--list-strategies" "fault-trace --list-functions" \
	    "fault-trace --mode fexit" "phys --help"; do
	# shellcheck disable=SC2086
	tap_is "kbufmapctl $args loads none of them" "$(loaded "$ctl" $args | grep -E "$stack")" ""
done
# The self-check: the same grep sees a library that is loaded.
tap_like "self-check: the loader's account names libc" "$(loaded "$ctl" version)" 'libc\.so'

# fault-trace when it traces: the library from beside the binary, and
# libbpf with it; whatever the tracer then says (here: no module, or no
# privilege), not that it could not be loaded.
"$ctl" fault-trace --duration 1 >/dev/null 2>"$tmp/err"
libs=$(LD_DEBUG=files "$ctl" fault-trace --duration 1 2>&1 >/dev/null | grep -E 'file=.*(kbufmap-tracer|libbpf)' | head -3)
tap_like "fault-trace loads kbufmap-tracer.so from beside the binary" "$libs" \
	"file=$(dirname "$(readlink -f "$ctl")")/kbufmap-tracer[-a-z]*\.so"
tap_like "fault-trace loads libbpf with it" "$libs" 'libbpf'
tap_is "fault-trace got past loading it" "$(grep -c 'cannot load the tracer library' "$tmp/err")" 0

# Without the library: a clear error, exit 6, and nothing traced.
mkdir "$tmp/bin"
cp "$(readlink -f "$ctl")" "$tmp/bin/"
"$tmp/bin/$(basename "$ctl")" fault-trace --duration 1 >/dev/null 2>"$tmp/err"
tap_is "no library: exit status 6" "$?" 6
tap_like "no library: says which file it looked for and where" "$(cat "$tmp/err")" \
	"cannot load the tracer library: no kbufmap-tracer[-a-z]*\.so \(looked for $tmp/bin/"
tap_done
