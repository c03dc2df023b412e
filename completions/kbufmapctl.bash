# bash completion for kbufmapctl. Every word comes from the tool itself
# (--list-cmds, --list-opts, --list-checks, matrix), so it cannot go stale.
_kbufmapctl()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
	local tool=${COMP_WORDS[0]} cmd= i w

	for ((i = 1; i < COMP_CWORD; i++)); do
		w=${COMP_WORDS[i]}
		case $w in
		-d|--device) ((i++)) ;;
		-*) ;;
		*) cmd=$w; break ;;
		esac
	done

	case $prev in
	-d|--device)
		COMPREPLY=($(compgen -f -- "$cur")); return ;;
	-b|--backend)
		COMPREPLY=($(compgen -W "$("$tool" matrix 2>/dev/null | awk 'NR > 1 && NF == 0 { exit } NR > 1 { print $1 }' | sort -u)" -- "$cur")); return ;;
	-s|--strategy)
		COMPREPLY=($(compgen -W "$("$tool" matrix 2>/dev/null | awk 'NR > 1 && NF == 0 { exit } NR > 1 { print $2 }' | sort -u)" -- "$cur")); return ;;
	-m|--mode)
		COMPREPLY=($(compgen -W "shared private all" -- "$cur")); return ;;
	-c|--check)
		COMPREPLY=($(compgen -W "$("$tool" verify --list-checks 2>/dev/null | awk '{ print $1 }')" -- "$cur")); return ;;
	-n|--pages)
		return ;;
	esac

	if [ -z "$cmd" ]; then
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "$("$tool" --list-opts 2>/dev/null)" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "$("$tool" --list-cmds 2>/dev/null)" -- "$cur"))
		fi
	elif [ "$cmd" = help ]; then
		COMPREPLY=($(compgen -W "$("$tool" --list-cmds 2>/dev/null)" -- "$cur"))
	else
		COMPREPLY=($(compgen -W "$("$tool" "$cmd" --list-opts 2>/dev/null)" -- "$cur"))
	fi
}
complete -F _kbufmapctl kbufmapctl
