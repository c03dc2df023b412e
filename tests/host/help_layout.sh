#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# One --help layout for every command, checked as rules, not text (commands
# gain options while this holds):
#   - the first line is "Usage: kbufmapctl [CMD] [OPTION...]", operands
#     spelled ARG... (never ARGS...);
#   - no line over 79 columns, none with trailing blanks, never two blank
#     lines in a row;
#   - a command's options, then " Common options:", then "Examples:" (where
#     there are examples: each a "  kbufmapctl CMD" line or its indented
#     continuation), then "Exit status:" last;
#   - the commands in one order everywhere: `kbufmapctl --help`,
#     --list-cmds, kbufmapctl(8) COMMANDS and the README's table.
# TAP output (tests/lib/tap.sh).
# usage: help_layout.sh KBUFMAPCTL BUILD_MAN_DIR README
set -u
. "$(dirname "$0")/../lib/tap.sh"
usage="usage: help_layout.sh KBUFMAPCTL BUILD_MAN_DIR README"
cli=${1:?$usage} mandir=${2:?$usage} readme=${3:?$usage}

# rule_lines DESC TEXT AWK-CONDITION: ok when no line meets the condition.
rule_lines() {
	local bad
	bad=$(awk "$3 { printf \"%d: %s\\n\", NR, \$0 }" <<<"$2" | head -5)
	if [ -z "$bad" ]; then tap_result 0 "$1"; else tap_result 1 "$1" "$bad"; fi
}

# heading_order TEXT: the headings this layout knows, in the order given.
heading_order() {
	awk '/^ Common options:$/ { print "common" } /^Examples:$/ { print "examples" }
		/^Exit status:/ { print "exit" }' <<<"$1" | tr '\n' ' '
}

# Commands whose option groups argp still separates with two blank lines
# (their own options' files, which other work is changing): skipped, and a
# listed command without the fault fails, so the list only shrinks.
double_blank_pending="map bench phys"

check_help() {
	local name=$1 text=$2 want=$3 cmd=${4:-} doubled
	tap_like "$name: usage line" "$(head -1 <<<"$text")" "$want"
	rule_lines "$name: operands spelled ARG..." "$text" 'NR == 1 && /ARGS/'
	rule_lines "$name: no line over 79 columns" "$text" 'length($0) > 79'
	rule_lines "$name: no trailing blanks" "$text" '/[ \t]$/'
	doubled='/^$/ && prev == "" && NR > 1 { bad = 1 } { prev = $0 } bad'
	if [ -n "$cmd" ] && grep -qw -- "$cmd" <<<"$double_blank_pending"; then
		if [ -n "$(awk "$doubled" <<<"$text")" ]; then
			tap_skip "$name: never two blank lines in a row" "pending: argp's group separators in $cmd's options"
		else
			tap_result 1 "$name: no longer doubles a blank line: take $cmd off double_blank_pending"
		fi
		return
	fi
	rule_lines "$name: never two blank lines in a row" "$text" "$doubled"
}

cmds=$("$cli" --list-cmds)
top=$("$cli" --help)
check_help "kbufmapctl --help" "$top" '^Usage: kbufmapctl \[OPTION\.\.\.\] COMMAND \[ARG\.\.\.\]$'
tap_like "kbufmapctl --help: Exit status last" "$(heading_order "$top")" '^exit $'
for c in $cmds; do
	text=$("$cli" "$c" --help)
	check_help "$c --help" "$text" "^Usage: kbufmapctl $c \\[OPTION\\.\\.\\.\\]( |\$)" "$c"
	order=$(heading_order "$text")
	tap_like "$c --help: its options, Common options, [Examples,] Exit status last" \
		"$order" '^common (examples )?exit $'
	# Examples: "  kbufmapctl CMD ..." lines and their continuations.
	rule_lines "$c --help: every example runs kbufmapctl $c" "$text" \
		"/^Examples:\$/ { on = 1; next } on && /^\$/ { on = 0 }
		 on && !/^  kbufmapctl (-[a-z] )*$c( |\$)/ && !/^      /"
done

# One command order: --help's Commands list, --list-cmds, the manual, the README.
tap_is "--help lists the commands in --list-cmds' order" \
	"$(awk '/^Commands:$/ { on = 1; next } on && /^$/ { on = 0 } on { print $1 }' <<<"$top" | tr '\n' ' ')" \
	"$(tr '\n' ' ' <<<"$cmds")"
tap_is "kbufmapctl(8) COMMANDS: the same order" \
	"$(awk '/^\.Sh / { on = ($2 == "COMMANDS") } on && $1 == ".It" && $2 == "Cm" { print $3 }' \
		"$mandir/man8/kbufmapctl.8" | tr '\n' ' ')" \
	"$(tr '\n' ' ' <<<"$cmds")"
tap_is "README's command table: the same order" \
	"$(sed -n 's/^| `\([a-z-]*\)` | .*/\1/p' "$readme" | tr '\n' ' ')" \
	"$(grep -vx help <<<"$cmds" | tr '\n' ' ')"
tap_done
