#!/usr/bin/env zsh
# Complete a partial command line in a real interactive zsh, with compinit
# and completions/_kbufmapctl on its fpath, and print the candidates one a
# line. zsh only completes inside a line editor, so the line is typed into
# a pseudo-terminal (zsh/zpty) followed by a Tab; a wrapper around compadd
# writes what the completion offers to a file.
# usage: zsh_complete.zsh COMPLETION_DIR TOOL_DIR 'kbufmapctl verify --ba'
emulate -L zsh
zmodload zsh/zpty || exit 2
compdir=$1 tooldir=$2 line=$3
out=$(mktemp) zdot=$(mktemp -d)
trap 'rm -rf $out $zdot; zpty -d z 2>/dev/null' EXIT

cat >$zdot/.zshrc <<RC
PS1='> '
fpath=($compdir \$fpath)
path=($tooldir \$path)
autoload -Uz compinit && compinit -u -d $zdot/.zcompdump
compadd() {
	local -a __hits
	builtin compadd -A __hits "\$@"
	print -rl -- \$__hits >>$out
	builtin compadd "\$@"
}
zstyle ':completion:*' list-prompt ''
zstyle ':completion:*' menu no
bindkey '^I' complete-word
RC
export ZDOTDIR=$zdot
zpty z zsh -i
zpty -w -n z "$line"$'\t'
# Wait for the completion to finish writing, then for one more quiet spell.
for i in {1..50}; do
	sleep 0.1
	[[ -s $out ]] && break
done
sleep 0.3
zpty -w z $'\C-u'
sort -u $out
