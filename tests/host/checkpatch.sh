#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Kernel style for kmod/: checkpatch.pl from Debian's linux-source tarball,
# extracted once into the build tree. Any error or warning fails; one TAP
# case per file (tests/lib/tap.sh).
# usage: checkpatch.sh LINUX_SOURCE_TARBALL WORKDIR REPO
set -uo pipefail
. "$(dirname "$0")/../lib/tap.sh"
tarball=$1 work=$2 repo=$3
top=$(basename "$tarball" .tar.xz)
cp_pl="$work/$top/scripts/checkpatch.pl"
if [ ! -f "$cp_pl" ]; then
	mkdir -p "$work"
	tar -xJf "$tarball" -C "$work" "$top/scripts/checkpatch.pl" \
		"$top/scripts/spelling.txt" "$top/scripts/const_structs.checkpatch"
fi
tap_ok "checkpatch.pl is there" test -f "$cp_pl" || tap_done
files=("$repo"/kmod/*.c "$repo"/kmod/*.h "$repo"/include/*.h "$repo"/include/uapi/*.h)
out=$(perl "$cp_pl" --no-tree --terse --show-types --ignore SPDX_LICENSE_TAG,FILE_PATH_CHANGES -f "${files[@]}" 2>&1)
rc=$?
# checkpatch exits 1 on findings; anything else means it did not run.
tap_ok "checkpatch.pl ran (exit $rc)" test "$rc" -le 1
# An X-macro list, `#define LIST(X) X(a, "a") X(b, "b")`, is a sequence of
# calls, not an expression to parenthesize: COMPLEX_MACRO on the line of such
# a definition is dropped, and only there.
xlist_def() {	# xlist_def FILE LINE: is that line `#define NAME(X)` + calls?
	sed -n "${2}p" "$1" | grep -qE '^#define [A-Z0-9_]+\(X\)[[:space:]]*\\$'
}
bad=""
while IFS= read -r l; do
	if [[ $l =~ ^([^:]+):([0-9]+):\ ERROR:COMPLEX_MACRO: ]] &&
	   xlist_def "${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}"; then
		continue
	fi
	bad+="$l"$'\n'
done < <(grep -E ': (ERROR|WARNING):' <<<"$out")
for f in "${files[@]}"; do
	[ -e "$f" ] || continue	# a glob that matched nothing
	tap_is "${f#"$repo"/} has no checkpatch error or warning" \
		"$(grep -F -- "$f:" <<<"$bad")" ""
done
tap_is "no finding outside the files checked" \
	"$(grep -vF -- "$repo/" <<<"$bad" | grep .)" ""
tap_done
