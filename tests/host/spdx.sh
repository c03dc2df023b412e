#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Every source file carries an SPDX-License-Identifier line in its first
# three lines (after a #! or #compdef line), naming a license LICENSE
# covers: GPL-2.0, or GPL-2.0 WITH Linux-syscall-note for the uapi header.
# Source files: C and BPF, shell (any file starting with #!), CMake, awk,
# the completions, the mdoc pages, the packaging and build files. Data
# (JSON, plots, fixtures, Markdown) is not source. TAP output.
# usage: spdx.sh SOURCE_DIR
set -u
. "$(dirname "$0")/../lib/tap.sh"
src=${1:?usage: spdx.sh SOURCE_DIR}
cd "$src" || exit 2

source_name='\.(c|h|sh|cmake|awk|zsh|fish|bash|in|rules|sysusers|list)$|(^|/)(CMakeLists\.txt|Kbuild|Makefile|_kbufmapctl)$'
allowed='SPDX-License-Identifier: GPL-2\.0( WITH Linux-syscall-note)?( \*/)?$'

# The tracked files when this is a git tree, else every file but builds.
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	files=$(git ls-files)
else
	files=$(find . -path ./build -prune -o -path './build-*' -prune -o -path ./.git -prune \
		-o -type f -print | sed 's|^\./||')
fi

tap_ok "LICENSE holds the GPL version 2" grep -q "GNU GENERAL PUBLIC LICENSE" LICENSE
tap_ok "LICENSE is version 2" grep -q "Version 2, June 1991" LICENSE

# Source files, by name or by a #! first line.
sources=()
while IFS= read -r f; do
	[ -f "$f" ] || continue
	if [[ $f =~ $source_name ]]; then
		sources+=("$f")
	else
		IFS= read -r -n 2 head <"$f" && [ "$head" = "#!" ] && sources+=("$f")
	fi
done <<<"$files"
checked=${#sources[@]}
# One awk over all of them: each file's first SPDX line within 3 lines.
found=$(awk 'FNR <= 3 && /SPDX-License-Identifier/ { print FILENAME "\t" $0; nextfile }' "${sources[@]}")
missing=$(comm -23 <(printf '%s\n' "${sources[@]}" | sort) <(cut -f1 <<<"$found" | sort) | tr '\n' ' ')
wrong=$(grep -vE "$allowed" <<<"$found" | cut -f1 | tr '\n' ' ')
missing=${missing% } wrong=${wrong% }

tap_ok "source files found ($checked)" test "$checked" -gt 100
tap_is "every source file has an SPDX-License-Identifier line at its top" "${missing# }" ""
tap_is "every SPDX line names GPL-2.0 (the uapi header: WITH Linux-syscall-note)" "${wrong# }" ""
tap_done
