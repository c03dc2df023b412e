# SPDX-License-Identifier: GPL-2.0
# fish completion for kbufmapctl, per command. As in the bash and zsh
# completions, every name comes from the tool itself (--list-cmds, a
# level's --list-opts, --list-backends, --list-strategies, verify's
# --list-check-names, fault-trace's --list-functions, phys's hidden
# --list-bits, bench's --list-baselines, --list-targets, any other
# option's fixed values from `CMD --list-values OPTION`); no value is
# written here.

# __kbufmapctl_values TOOL CMD OPTION: the values OPTION of CMD takes;
# status 1 when OPTION takes no value this completion knows of.
function __kbufmapctl_values
    set -l tool $argv[1]
    switch "$argv[2]:$argv[3]"
        case bench:-b bench:--backend
            echo all
            $tool --list-backends 2>/dev/null
        case bench:-s bench:--strategy
            echo all
            $tool --list-strategies 2>/dev/null
        case bench:--baseline
            printf '%s\n' all none
            $tool bench --list-baselines 2>/dev/null
        case '*:-b' '*:--backend'
            $tool --list-backends 2>/dev/null
        case '*:-s' '*:--strategy'
            $tool --list-strategies 2>/dev/null
        case verify:-c verify:--check
            $tool verify --list-check-names 2>/dev/null
        case map:--target phys:--target bench:--target verify:--target
            $tool --list-targets 2>/dev/null
        case phys:--bits
            $tool phys --list-bits 2>/dev/null
        case fault-trace:--function
            $tool fault-trace --list-functions 2>/dev/null
            awk '{ print $1 }' /sys/kernel/tracing/available_filter_functions 2>/dev/null
        case fault-trace:--pid phys:--pid
            __fish_complete_pids
        case '*'
            # the option's fixed values, if it has any
            test -n "$argv[2]"; or return 1
            set -l vals ($tool $argv[2] --list-values $argv[3] 2>/dev/null); or return 1
            printf '%s\n' $vals
    end
end

# Everything the current word may become, from the words before it.
function __kbufmapctl_complete
    set -l words (commandline -opc)
    set -l cur (commandline -ct)
    set -l tool $words[1]
    set -l cmd
    set -l i 2
    # The command: the first word that is not a root option (only
    # --device takes a value there).
    while test $i -le (count $words)
        switch $words[$i]
            case -d --device
                set i (math $i + 1)
            case '-*'
            case '*'
                set cmd $words[$i]
                break
        end
        set i (math $i + 1)
    end
    # fault-trace -- COMMAND...: the rest is another program's.
    if test "$cmd" = fault-trace; and contains -- -- $words[$i..-1]
        set -l rest $words[(math (contains -i -- -- $words) + 1)..-1]
        complete -C "$rest $cur"
        return
    end

    switch $words[-1]
        case -d --device --mapping
            __fish_complete_path $cur
            return
    end
    # phys --bits a,~b: the name after the last ',' or '~', the rest kept
    set -l pre
    if string match -q -- '--*=*' $cur
        set -l opt (string split -m1 = -- $cur)[1]
        set pre "$opt="
        test $opt = --bits; and set pre (string match -r -- '^.*[=,~]' $cur)
        # bench's lists: the item after the last comma, the rest kept
        test "$cmd" = bench; and set pre (string match -r -- '^.*[=,]' $cur)
        for v in (__kbufmapctl_values $tool "$cmd" $opt)
            echo "$pre$v"
        end
        return
    end
    if test "$words[-1]" = --bits
        set pre (string match -r -- '^.*[,~]' $cur)
    end
    if test "$cmd" = bench; and string match -q -- '*,*' $cur
        set pre (string match -r -- '^.*,' $cur)
    end
    set -l vals (__kbufmapctl_values $tool "$cmd" $words[-1])
    if test $status -eq 0
        for v in $vals
            echo "$pre$v"
        end
        return
    end

    if test -z "$cmd"
        if string match -q -- '-*' $cur
            $tool --list-opts 2>/dev/null
        else
            $tool --list-cmds 2>/dev/null
        end
    else if test "$cmd" = help
        $tool --list-cmds 2>/dev/null
    else
        $tool $cmd --list-opts 2>/dev/null
    end
end

complete -c kbufmapctl -f -a '(__kbufmapctl_complete)'
