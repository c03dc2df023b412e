#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# completions/kbufmapctl.bash driven in real bash, the way readline calls
# it: COMP_WORDS/COMP_CWORD set, the function called, COMPREPLY checked.
# Each answer must be what the tool itself lists, for the right command.
# TAP output (tests/lib/tap.sh).
# usage: completion.sh PATH/TO/kbufmapctl PATH/TO/kbufmapctl.bash
set -u
. "$(dirname "$0")/../lib/tap.sh"
cli=${1:?usage: completion.sh KBUFMAPCTL COMPLETION}
comp=${2:?usage: completion.sh KBUFMAPCTL COMPLETION}

# bash-completion's helpers, as an interactive shell would have them; the
# script must also work without (it uses only compgen).
bc=/usr/share/bash-completion/bash_completion
if [ -r "$bc" ]; then
	# shellcheck disable=SC1090
	. "$bc"
else
	tap_diag "no $bc: completing with plain bash"
fi
# shellcheck disable=SC1090
. "$comp"

# complete WORD...: complete the last word of "kbufmapctl WORD..." and
# print COMPREPLY, one a line, sorted.
complete_words() {
	COMP_WORDS=("$cli" "$@")
	COMP_CWORD=$(($# ))
	COMP_LINE="${COMP_WORDS[*]}"
	COMP_POINT=${#COMP_LINE}
	COMPREPLY=()
	_kbufmapctl
	printf '%s\n' "${COMPREPLY[@]}" | sort
}
sorted() { "$@" 2>/dev/null | sort; }
has_line() { grep -qxF -- "$2" <<<"$1"; }

# moretool: the tool, but fault-trace --mode has one more value.
tap_scratch
moretool=$tmp/kbufmapctl
printf '#!/bin/sh\n"%s" "$@"\n[ "$*" != "fault-trace --list-values --mode" ] || echo only-the-tool-knows\n' \
	"$cli" >"$moretool"
chmod +x "$moretool"

tap_ok "the completion is registered for kbufmapctl" \
	bash -c ". '$comp' && complete -p kbufmapctl | grep -q _kbufmapctl"

got=$(complete_words "")
tap_is "a command: every command, from --list-cmds" "$got" "$(sorted "$cli" --list-cmds)"
tap_is "a command: 'veri' completes to verify" "$(complete_words veri)" verify
tap_is "a command after a root option with a value" \
	"$(complete_words --device /dev/kbufmap matr)" matrix

got=$(complete_words verify --)
tap_is "an option of verify: verify --list-opts" "$got" "$(sorted "$cli" verify --list-opts)"
tap_ok "an option of verify: --backend is offered" has_line "$got" --backend
tap_is "an option of verify: '--pa' completes to --pages" "$(complete_words verify --pa)" --pages

got=$(complete_words verify --backend "")
tap_is "a value of verify --backend: --list-backends" "$got" "$(sorted "$cli" --list-backends)"
tap_ok "a value of verify --backend: not read from the matrix table" \
	test -z "$(grep -xF BACKEND <<<"$got")"
tap_is "a value of verify -s: --list-strategies" \
	"$(complete_words verify -s "")" "$(sorted "$cli" --list-strategies)"
tap_is "a value of verify --check: --list-check-names" \
	"$(complete_words verify --check "")" "$(sorted "$cli" verify --list-check-names)"
tap_is "a value of phys --backend: --list-backends" \
	"$(complete_words phys --backend "")" "$(sorted "$cli" --list-backends)"
tap_is "a value of map --target: --list-targets" \
	"$(complete_words map --target "")" "$(sorted "$cli" --list-targets)"
tap_ok "--list-targets lists dma-heap" has_line "$(sorted "$cli" --list-targets)" dma-heap
tap_is "a value of phys --bits: phys --list-bits" \
	"$(complete_words phys --bits "")" "$(sorted "$cli" phys --list-bits)"
tap_ok "a value of phys --bits: the list has flag names (anonymous)" \
	has_line "$(complete_words phys --bits "")" anonymous
tap_is "a value of phys --bits after a comma: 'anonymous,~th'" \
	"$(complete_words phys --bits "anonymous,~th")" "anonymous,~thp"
tap_is "a value of verify --mode" "$(complete_words verify --mode "")" \
	"$(printf '%s\n' all private shared)"

# bench's options take lists: all (and none), then the tool's names; after
# a comma, the next item, the typed ones kept.
tap_is "a value of bench --baseline: all, none, bench --list-baselines" \
	"$(complete_words bench --baseline "")" \
	"$(sorted bash -c 'printf "%s\n" all none; "$1" bench --list-baselines' sh "$cli")"
tap_ok "bench --list-baselines lists anon" has_line "$(sorted "$cli" bench --list-baselines)" anon
tap_is "a value of bench --strategy: all and --list-strategies" \
	"$(complete_words bench --strategy "")" \
	"$(sorted bash -c 'echo all; "$1" --list-strategies' sh "$cli")"
tap_is "a value of bench -b: all and --list-backends" "$(complete_words bench -b "")" \
	"$(sorted bash -c 'echo all; "$1" --list-backends' sh "$cli")"
tap_is "a value of bench -s after a comma: the next strategy, the first kept" \
	"$(complete_words bench -s fault,insert-)" fault,insert-batch
tap_is "a value of bench --baseline after a comma" \
	"$(complete_words bench --baseline anon,madv-populate-w)" anon,madv-populate-write
tap_is "a value of bench --trace: fentry, kprobe" "$(complete_words bench --trace "")" \
	"$(printf '%s\n' fentry kprobe)"
# map's fixed values, asked of the tool (map --list-values OPTION)
tap_is "a value of map --touch: read, write, none" "$(complete_words map --touch "")" \
	"$(printf '%s\n' none read write)"
tap_is "a value of map --prot: r, rw" "$(complete_words map --prot "")" "$(printf '%s\n' r rw)"
got=$(complete_words map --madvise "")
tap_is "a value of map --madvise: map --list-values --madvise" "$got" \
	"$(sorted "$cli" map --list-values --madvise)"
tap_ok "a value of map --madvise: hugepage is offered" has_line "$got" hugepage
tap_is "a value of map --madvise, partial: 'populate-w'" \
	"$(complete_words map --madvise populate-w)" populate-write
tap_is "an option after a flag that takes no value: 'map --populate --stri'" \
	"$(complete_words map --populate --stri)" --stride

if "$cli" --list-cmds | grep -qx fault-trace; then
	got=$(complete_words fault-trace --mode "")
	tap_is "a value of fault-trace --mode: its own modes" "$got" \
		"$(printf '%s\n' auto fentry kprobe)"
	tap_ok "a value of fault-trace --mode: not verify's" \
		test -z "$(grep -x shared <<<"$got")"
	# Asked of the tool, not written down: a tool with one more mode gets
	# it offered.
	got=$(cli=$moretool complete_words fault-trace --mode "")
	tap_is "a value of fault-trace --mode: fault-trace --list-values --mode" "$got" \
		"$(printf '%s\n' auto fentry kprobe only-the-tool-knows)"
	tap_is "an option of fault-trace: fault-trace --list-opts" \
		"$(complete_words fault-trace --)" "$(sorted "$cli" fault-trace --list-opts)"
else
	tap_skip "a value of fault-trace --mode" "this kbufmapctl was built without fault-trace"
fi
tap_done
