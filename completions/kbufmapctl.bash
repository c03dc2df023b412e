# SPDX-License-Identifier: GPL-2.0
# bash completion for kbufmapctl, per command. Every name comes from the
# tool itself, so it cannot go stale: commands from --list-cmds, a level's
# options from `kbufmapctl [CMD] --list-opts`, backends, strategies and
# mapping kinds from the hidden --list-backends/--list-strategies/
# --list-kinds, verify's checks from --list-check-names,
# fault-trace's functions from --list-functions (when the tool has it) and
# phys's flag names from the hidden `phys --list-bits` and bench's
# baselines from bench --list-baselines, --target values from the hidden
# --list-targets (the kinds, and the nodes this machine has), and the fixed
# values of any other option (map --touch, verify --mode, fault-trace
# --mode, ...) from the hidden `kbufmapctl CMD --list-values OPTION`. No
# value is written here.

# _kbufmapctl_words TOOL ARGS...: the words `TOOL ARGS` prints, or none.
_kbufmapctl_words()
{
	"$@" 2>/dev/null
}

# The kernel's traceable functions starting with $cur (root only: tracefs).
_kbufmapctl_kernel_functions()
{
	local f

	for f in /sys/kernel/tracing/available_filter_functions \
		 /sys/kernel/debug/tracing/available_filter_functions; do
		[ -r "$f" ] || continue
		awk -v p="${cur:-}" 'index($1, p) == 1 { print $1 }' "$f" 2>/dev/null
		return
	done
}

# _kbufmapctl_value TOOL CMD OPTION: the values OPTION of CMD takes; returns
# 1 when OPTION takes no value this completion knows of.
_kbufmapctl_value()
{
	local tool=$1 cmd=$2 opt=$3

	case $cmd:$opt in
	bench:-b|bench:--backend)
		echo all; _kbufmapctl_words "$tool" --list-backends ;;
	bench:-s|bench:--strategy)
		echo all; _kbufmapctl_words "$tool" --list-strategies ;;
	bench:--baseline)
		echo all none; _kbufmapctl_words "$tool" bench --list-baselines ;;
	bench:-n|bench:--pages|bench:--node|bench:--cpu|bench:--warmup|bench:--repeat|\
	bench:--threads|bench:--cpu-node)
		;;	# a number: nothing to offer
	bench:--compare|bench:--from)
		compgen -f ;;
	*:-b|*:--backend)
		_kbufmapctl_words "$tool" --list-backends ;;
	*:-s|*:--strategy)
		_kbufmapctl_words "$tool" --list-strategies ;;
	verify:-c|verify:--check)
		_kbufmapctl_words "$tool" verify --list-check-names ;;
	map:--target|phys:--target|bench:--target|verify:--target)
		_kbufmapctl_words "$tool" --list-targets ;;
	phys:--bits)
		_kbufmapctl_words "$tool" phys --list-bits ;;
	fault-trace:--function)
		# the module's functions, and every traceable one when readable
		_kbufmapctl_words "$tool" fault-trace --list-functions
		_kbufmapctl_kernel_functions ;;
	fault-trace:--pid|phys:--pid)
		(cd /proc 2>/dev/null && compgen -G '[0-9]*') ;;
	verify:-n|verify:--pages|verify:--node|\
	fault-trace:--duration|fault-trace:--interval)
		;;	# a number: nothing to offer
	*)
		# the option's fixed values, if it has any
		[ -n "$cmd" ] && _kbufmapctl_words "$tool" "$cmd" --list-values "$opt"
		return ;;
	esac
	return 0
}

_kbufmapctl()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
	local tool=${COMP_WORDS[0]} cmd= i w words

	# The command is the first word that is not a root option (the root
	# takes its options before the command; only --device has a value).
	for ((i = 1; i < COMP_CWORD; i++)); do
		w=${COMP_WORDS[i]}
		case $w in
		-d|--device) ((i++)) ;;
		-*) ;;
		*) cmd=$w; break ;;
		esac
	done
	# fault-trace -- COMMAND...: the rest is another program's.
	if [ "$cmd" = fault-trace ]; then
		for ((i++; i < COMP_CWORD; i++)); do
			if [ "${COMP_WORDS[i]}" = -- ]; then
				COMPREPLY=($(compgen -c -- "$cur"))
				return
			fi
		done
	fi

	case $prev in
	-d|--device|--mapping)
		COMPREPLY=($(compgen -f -- "$cur")); return ;;
	esac
	if words=$(_kbufmapctl_value "$tool" "${cmd:-}" "$prev"); then
		# phys --bits a,~b: complete the name after the last ',' or '~'
		local pre=
		[ "$cmd:$prev" = phys:--bits ] && pre=${cur%"${cur##*[,~]}"}
		# bench's lists: the item after the last comma
		[ "$cmd" = bench ] && [[ $cur == *,* ]] && pre=${cur%,*},
		COMPREPLY=($(compgen -P "$pre" -W "$words" -- "${cur#"$pre"}"))
		return
	fi

	if [ -z "$cmd" ]; then
		if [[ $cur == -* ]]; then
			words=$(_kbufmapctl_words "$tool" --list-opts)
		else
			words=$(_kbufmapctl_words "$tool" --list-cmds)
		fi
	elif [ "$cmd" = help ]; then
		words=$(_kbufmapctl_words "$tool" --list-cmds)
	else
		words=$(_kbufmapctl_words "$tool" "$cmd" --list-opts)
	fi
	COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
complete -F _kbufmapctl kbufmapctl
