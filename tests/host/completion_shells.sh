#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The zsh and fish completions driven in the real shells on partial command
# lines: zsh with compinit, through a pseudo-terminal (zsh_complete.zsh);
# fish with `complete -C`. Each answer must be what the tool itself lists,
# for the right command. TAP output (tests/lib/tap.sh).
# usage: completion_shells.sh zsh|fish PATH/TO/kbufmapctl COMPLETIONS_DIR
set -u
. "$(dirname "$0")/../lib/tap.sh"
shell=${1:?usage: completion_shells.sh zsh|fish KBUFMAPCTL COMPLETIONS_DIR}
cli=${2:?usage: completion_shells.sh zsh|fish KBUFMAPCTL COMPLETIONS_DIR}
compdir=${3:?usage: completion_shells.sh zsh|fish KBUFMAPCTL COMPLETIONS_DIR}
here=$(cd "$(dirname "$0")" && pwd)
tooldir=$(cd "$(dirname "$cli")" && pwd)

if ! command -v "$shell" >/dev/null; then
	tap_skip "$shell completion" "no $shell on this machine: run scripts/setup-host.sh"
	tap_done
	exit $?
fi

# complete LINE: the candidates for the end of "kbufmapctl LINE", sorted.
complete_line() {
	case $shell in
	zsh)
		zsh "$here/zsh_complete.zsh" "$compdir" "$tooldir" "kbufmapctl $1" "$tmp/zcompdump" ;;
	fish)
		PATH=$tooldir:$PATH fish --no-config -c \
			"source '$compdir/kbufmapctl.fish'; complete -C 'kbufmapctl $1'" |
			cut -f1 | sort -u ;;
	esac
}
sorted() { "$@" 2>/dev/null | sort -u; }

# moretool: the tool, but fault-trace --mode has one more value.
tap_scratch
printf '#!/bin/sh\n"%s" "$@"\n[ "$*" != "fault-trace --list-values --mode" ] || echo only-the-tool-knows\n' \
	"$cli" >"$tmp/kbufmapctl"
chmod +x "$tmp/kbufmapctl"

tap_is "a command: every command, from --list-cmds" "$(complete_line "")" \
	"$(sorted "$cli" --list-cmds)"
tap_is "a command: 'veri' completes to verify" "$(complete_line veri)" verify
tap_is "a command after a root option with a value" \
	"$(complete_line "--device /dev/kbufmap matr")" matrix
tap_is "a root option: --list-opts" "$(complete_line "--")" "$(sorted "$cli" --list-opts)"
tap_is "an option of verify: verify --list-opts" "$(complete_line "verify --")" \
	"$(sorted "$cli" verify --list-opts)"
tap_is "an option of verify: '--pa' completes to --pages" "$(complete_line "verify --pa")" --pages
tap_is "an option of phys: phys --list-opts" "$(complete_line "phys --")" \
	"$(sorted "$cli" phys --list-opts)"
tap_is "a value of verify --backend: --list-backends" "$(complete_line "verify --backend ")" \
	"$(sorted "$cli" --list-backends)"
tap_is "a value of verify -s: --list-strategies" "$(complete_line "verify -s ")" \
	"$(sorted "$cli" --list-strategies)"
tap_is "a value of verify --strategy, partial: 'insert-' " \
	"$(complete_line "verify --strategy insert-")" insert-batch
tap_is "a value of verify --check: --list-check-names" "$(complete_line "verify --check ")" \
	"$(sorted "$cli" verify --list-check-names)"
tap_is "a value of verify --mode" "$(complete_line "verify --mode ")" \
	"$(printf '%s\n' all private shared)"
# fish offers "--mode=all"; zsh offers "all" after the prefix it keeps.
tap_is "a value in --opt=value form: verify --mode=" \
	"$(complete_line "verify --mode=" | sed 's/^--mode=//')" "$(printf '%s\n' all private shared)"
tap_is "a value of phys --backend: --list-backends" "$(complete_line "phys --backend ")" \
	"$(sorted "$cli" --list-backends)"
tap_is "a value of phys --touch" "$(complete_line "phys --touch ")" \
	"$(printf '%s\n' none read write)"
tap_is "a value of phys --bits: phys --list-bits" "$(complete_line "phys --bits ")" \
	"$(sorted "$cli" phys --list-bits)"
tap_ok "a value of phys --bits: the list has flag names (anonymous)" \
	grep -qx anonymous <<<"$(complete_line "phys --bits ")"
# fish offers the whole word; zsh the name after the prefix it keeps.
tap_is "a value of phys --bits after a comma: 'anonymous,th'" \
	"$(complete_line "phys --bits anonymous,th" | sed 's/^anonymous,//')" thp
tap_is "a value of bench --baseline: all, none, bench --list-baselines" \
	"$(complete_line "bench --baseline ")" \
	"$(sorted bash -c 'printf "%s\n" all none; "$1" bench --list-baselines' sh "$cli")"
tap_is "a value of bench -s: all and --list-strategies" "$(complete_line "bench -s ")" \
	"$(sorted bash -c 'echo all; "$1" --list-strategies' sh "$cli")"
tap_is "a value of bench --backend: all and --list-backends" "$(complete_line "bench --backend ")" \
	"$(sorted bash -c 'echo all; "$1" --list-backends' sh "$cli")"
# After a comma, the next item: fish offers the whole word, zsh the item
# after the prefix it keeps.
tap_is "a value of bench -s after a comma: the next strategy" \
	"$(complete_line "bench -s fault,insert-" | sed 's/^fault,//')" insert-batch
tap_is "a value of bench --baseline= after a comma" \
	"$(complete_line "bench --baseline=anon,madv-populate-w" | sed 's/^--baseline=anon,//')" \
	madv-populate-write
tap_is "a value of bench --trace: fentry, kprobe" "$(complete_line "bench --trace ")" \
	"$(printf '%s\n' fentry kprobe)"
# map's fixed values, asked of the tool (map --list-values OPTION)
tap_is "a value of map --touch: read, write, none" "$(complete_line "map --touch ")" \
	"$(printf '%s\n' none read write)"
tap_is "a value of map --prot: r, rw" "$(complete_line "map --prot ")" "$(printf '%s\n' r rw)"
tap_is "a value of map --madvise: map --list-values --madvise" \
	"$(complete_line "map --madvise ")" "$(sorted "$cli" map --list-values --madvise)"
tap_is "a value in --opt=value form: map --touch=" \
	"$(complete_line "map --touch=" | sed 's/^--touch=//')" "$(printf '%s\n' none read write)"
if "$cli" --list-cmds | grep -qx fault-trace; then
	# Asked of the tool, not written down: a tool with one more mode gets
	# it offered.
	got=$(tooldir=$tmp complete_line "fault-trace --mode ")
	tap_is "a value of fault-trace --mode: fault-trace --list-values --mode" "$got" \
		"$(printf '%s\n' auto fentry kprobe only-the-tool-knows)"
	tap_is "an option of fault-trace: fault-trace --list-opts" \
		"$(complete_line "fault-trace --")" "$(sorted "$cli" fault-trace --list-opts)"
else
	tap_skip "fault-trace --mode" "this kbufmapctl was built without fault-trace"
fi
tap_done
