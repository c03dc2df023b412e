#!/usr/bin/env bash
# Kernel style for kmod/: checkpatch.pl from Debian's linux-source tarball,
# extracted once into the build tree. Any error or warning fails.
# usage: checkpatch.sh LINUX_SOURCE_TARBALL WORKDIR REPO
set -euo pipefail
tarball=$1 work=$2 repo=$3
top=$(basename "$tarball" .tar.xz)
cp_pl="$work/$top/scripts/checkpatch.pl"
if [ ! -f "$cp_pl" ]; then
	mkdir -p "$work"
	tar -xJf "$tarball" -C "$work" "$top/scripts/checkpatch.pl" \
		"$top/scripts/spelling.txt" "$top/scripts/const_structs.checkpatch"
fi
files=("$repo"/kmod/*.c "$repo"/kmod/*.h "$repo"/include/*.h "$repo"/include/uapi/*.h)
out=$(perl "$cp_pl" --no-tree --terse --show-types --ignore SPDX_LICENSE_TAG,FILE_PATH_CHANGES -f "${files[@]}" 2>&1 || true)
bad=$(grep -E ': (ERROR|WARNING):' <<<"$out" || true)
# An X-macro list, `#define LIST(X) X(a, "a") X(b, "b")`, is a sequence of
# calls, not an expression to parenthesize: COMPLEX_MACRO on the line of such
# a definition is dropped, and only there.
xlist_def() {	# xlist_def FILE LINE: is that line `#define NAME(X)` + calls?
	sed -n "${2}p" "$1" | grep -qE '^#define [A-Z0-9_]+\(X\)[[:space:]]*\\$'
}
kept=""
while IFS= read -r l; do
	[ -n "$l" ] || continue
	if [[ $l =~ ^([^:]+):([0-9]+):\ ERROR:COMPLEX_MACRO: ]] &&
	   xlist_def "${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}"; then
		continue
	fi
	kept+="$l"$'\n'
done <<<"$bad"
bad=${kept%$'\n'}
n=$(grep -c . <<<"$bad" || true)
if [ -n "$bad" ]; then
	echo "$bad"
	echo "0 passed, 1 failed"
	exit 1
fi
echo "checkpatch: ${#files[@]} files clean"
echo "1 passed, 0 failed"
