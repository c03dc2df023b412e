# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# debian_uri [APT_DIR]: the URI of the machine's own Debian bookworm source,
# printed once, or nothing. APT_DIR (default /etc/apt) holds sources.list
# and sources.list.d/; the tests point it at fixtures. deb822 files come
# first (the stanza whose Suites name plain "bookworm", Types include deb),
# then one-line sources.list entries ("deb [opts] URI bookworm ...").
debian_uri() {
	local dir=${1:-/etc/apt} f uri
	for f in "$dir"/sources.list.d/*.sources; do
		[ -e "$f" ] || continue
		uri=$(awk '
			function stanza_end() {
				if (found && deb && u != "") { print u; printed = 1; exit }
				u = ""; found = 0; deb = 0
			}
			/^[ \t]*#/ { next }
			/^[ \t]*$/ { stanza_end(); next }
			tolower($1) == "types:" { for (i = 2; i <= NF; i++) if ($i == "deb") deb = 1 }
			tolower($1) == "uris:"  { u = $2 }
			tolower($1) == "suites:" { for (i = 2; i <= NF; i++) if ($i == "bookworm") found = 1 }
			END { if (!printed && found && deb && u != "") print u }' "$f")
		[ -n "$uri" ] && { echo "$uri"; return 0; }
	done
	for f in "$dir"/sources.list "$dir"/sources.list.d/*.list; do
		[ -f "$f" ] || continue
		uri=$(awk '
			$1 != "deb" { next }
			{ i = 2; if ($i ~ /^\[/) { while (i <= NF && $i !~ /\]$/) i++; i++ } }
			$(i + 1) == "bookworm" { print $i; exit }' "$f")
		[ -n "$uri" ] && { echo "$uri"; return 0; }
	done
	return 0
}
