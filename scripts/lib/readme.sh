# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# readme_block FILE START: the lines inside the first fenced code block
# after the first line of FILE that begins with START. The README is what
# set-up installs from (kernel-root) and what the quick-start test runs
# (tests/guest/native_quick_start.sh): both read its blocks with this.
readme_block() {
	awk -v start="$2" '!found && index($0, start) == 1 { found = 1; next }
		found && /^```/ { if (inside) exit; inside = 1; next }
		inside { print }' "$1"
}
