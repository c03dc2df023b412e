#!/usr/bin/env zsh
# SPDX-License-Identifier: GPL-2.0
# Complete a partial command line in a real interactive zsh, with compinit
# and completions/_kbufmapctl on its fpath, and print the candidates one a
# line. zsh only completes inside a line editor, so the line is typed into
# a pseudo-terminal (zsh/zpty) followed by a Tab; a wrapper around compadd
# writes what the completion offers to a file.
# usage: zsh_complete.zsh COMPLETION_DIR TOOL_DIR 'kbufmapctl verify --ba' [DUMP]
# DUMP: compinit's .zcompdump to reuse from one call to the next (making it
# costs a second of the machine's time per call; reading it, hundredths).
emulate -L zsh
zmodload zsh/zpty || exit 2
compdir=$1 tooldir=$2 line=$3
out=$(mktemp) zdot=$(mktemp -d)
dump=${4:-$zdot/.zcompdump}
trap 'rm -rf $out $zdot; zpty -d z 2>/dev/null' EXIT

cat >$zdot/.zshrc <<RC
PS1='> '
fpath=($compdir \$fpath)
path=($tooldir \$path)
autoload -Uz compinit && compinit -u -d $dump
compadd() {
	local -a __hits
	builtin compadd -A __hits "\$@"
	print -rl -- \$__hits >>$out
	builtin compadd "\$@"
}
zstyle ':completion:*' list-prompt ''
zstyle ':completion:*' menu no
# Tab completes, then marks the end, so the wait below needs no guess.
_kbm_complete_then_mark() { zle complete-word; print -r -- __KBM_DONE__ >>$out }
zle -N _kbm_complete_then_mark
bindkey '^I' _kbm_complete_then_mark
RC
export ZDOTDIR=$zdot
zpty z zsh -i
zpty -w -n z "$line"$'\t'
# Wait for the end mark (up to 60 s: a loaded machine, a sanitized tool).
for i in {1..600}; do
	grep -qx __KBM_DONE__ $out 2>/dev/null && break
	sleep 0.1
done
grep -qx __KBM_DONE__ $out || { print -u2 "zsh_complete: no completion within 60 s"; exit 3 }
zpty -w z $'\C-u'
grep -vx __KBM_DONE__ $out | sort -u
