#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Lint every built manual page with tools that must say nothing: mandoc -T
# lint (warnings and errors), groff -ww and man --warnings (both exit 0 on
# warnings, so their standard error is what counts), and lexgrog (the NAME
# line whatis and apropos index). Then `man -l` and MANPATH from the build
# tree. TAP output (tests/lib/tap.sh).
# usage: man_lint.sh BUILD_MAN_DIR
set -u
. "$(dirname "$0")/../lib/tap.sh"
mandir=${1:?usage: man_lint.sh BUILD_MAN_DIR}
export LC_ALL=C.UTF-8 MANWIDTH=80

pages=("$mandir"/man[0-9]/*.[0-9])
tap_ok "the build made manual pages" test -e "${pages[0]}"
tap_ok "kbufmapctl(8) and kbufmap(4) are among them" \
	test -e "$mandir/man8/kbufmapctl.8" -a -e "$mandir/man4/kbufmap.4"

# quiet DESC CMD...: ok when CMD succeeds and prints nothing at all.
quiet() {
	local desc=$1 out st
	shift
	out=$("$@" 2>&1 >/dev/null)
	st=$?
	if [ "$st" -eq 0 ] && [ -z "$out" ]; then
		tap_result 0 "$desc"
	else
		tap_result 1 "$desc" "command: $* (exit $st)" "$(printf '%s' "$out" | head -c 800)"
	fi
}

for p in "${pages[@]}"; do
	n=$(basename "$p")
	if command -v mandoc >/dev/null; then
		quiet "$n: mandoc -T lint -W warning" mandoc -T lint -W warning "$p"
	else
		tap_result 1 "$n: mandoc -T lint" "no mandoc: run scripts/setup-host.sh"
	fi
	quiet "$n: groff -ww" groff -ww -z -mandoc -Tutf8 "$p"
	quiet "$n: man --warnings" man --warnings -l "$p"
	tap_like "$n: lexgrog finds its NAME line" "$(lexgrog "$p" 2>&1)" \
		"^$p: \"${n%.*} - .+\"$"
	tap_is "$n: no placeholder left unfilled" "$(grep -c '@[A-Z_]*@' "$p")" 0
done

tap_like "man -l from the build tree renders kbufmapctl(8)" \
	"$(man -l "$mandir/man8/kbufmapctl.8" 2>&1)" "EXIT STATUS"
tap_is "MANPATH=build/man finds kbufmapctl-verify(8)" \
	"$(MANPATH=$mandir man -w kbufmapctl-verify 2>&1)" "$mandir/man8/kbufmapctl-verify.8"
tap_done
