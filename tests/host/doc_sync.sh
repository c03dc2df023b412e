#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The tool, its manual and its completions must agree, like bpftool's
# test_bpftool_synctypes.py: every command, option and value the tool
# lists (--list-cmds, a level's --list-opts, --help, --list-*) is in the
# manual and offered by each completion, and the manual documents nothing
# the tool does not have. TAP output (tests/lib/tap.sh).
# kbufmap(4) must give the header's ioctl magic, ABI, limits and ioctls
# (each with its errors), the module's parameters and their files, and every
# errno of the module's ioctl, mmap and allocation code.
# usage: doc_sync.sh PATH/TO/kbufmapctl BUILD_MAN_DIR COMPLETIONS_DIR INCLUDE_DIR
# (the module's source is INCLUDE_DIR/../kmod)
set -u
. "$(dirname "$0")/../lib/tap.sh"
usage="usage: doc_sync.sh KBUFMAPCTL BUILD_MAN_DIR COMPLETIONS_DIR INCLUDE_DIR"
cli=${1:?$usage} mandir=${2:?$usage} compdir=${3:?$usage} incdir=${4:?$usage}

# Commands that exist (or are about to land) without a page yet. A listed
# command that has a page fails (take it off the list); one that is a
# command without a page is skipped, and says so.
pending_pages=""

lines() { "$@" 2>/dev/null | sort -u; }
# set_is DESC GOT WANT: two sets of lines, with what is missing each way.
set_is() {
	local extra missing
	extra=$(comm -23 <(sort -u <<<"$2") <(sort -u <<<"$3") | grep . | tr '\n' ' ')
	missing=$(comm -13 <(sort -u <<<"$2") <(sort -u <<<"$3") | grep . | tr '\n' ' ')
	if [ -z "$extra$missing" ]; then
		tap_result 0 "$1"
	else
		tap_result 1 "$1" "only in the first: ${extra:-none}" "only in the second: ${missing:-none}"
	fi
}
# page_opts PAGE: the options its option lists document (.It Fl lines),
# long ones as --name, short ones as -x.
page_opts() {
	awk '/^\.It Fl / {
		fl = 0
		for (i = 2; i <= NF; i++) {
			if ($i == "Fl") { fl = 1; continue }
			if ($i == ",") continue
			if ($i ~ /^[A-Z][a-z]$/) { fl = 0; continue }
			if (fl) print "-" $i
		}
	}' "$1" | sort -u
}
# page_items PAGE MACRO: the words of its ".It MACRO word" items.
page_items() { awk -v m="$2" '$1 == ".It" && $2 == m { print $3 }' "$1" | sort -u; }
# help_pairs HELP: "-x --long" for each option with a short name.
help_pairs() { sed -nE 's/^ +-(.), --([a-z0-9-]+).*/-\1 --\2/p' <<<"$1" | sort -u; }
# page_pairs PAGE: the same, from ".It Fl x , -long" lines.
page_pairs() { sed -nE 's/^\.It Fl (.) , -([a-z0-9-]+).*/-\1 --\2/p' "$1" | sort -u; }
# page_item_cm PAGE OPTION: the .Cm words of the item that documents OPTION.
page_item_cm() {
	awk -v o="${2#--}" '
		/^\.It / { inside = ($0 ~ ("Fl (. , )?-" o "( |$)")) ; next }
		/^\.El/ { inside = 0 }
		inside && $1 == ".Cm" { for (i = 2; i <= NF; i++) if ($i !~ /^[[:punct:]]+$/) print $i }' "$1" | sort -u
}

main=$mandir/man8/kbufmapctl.8
tap_ok "kbufmapctl(8) is built" test -r "$main"

# --- commands ---------------------------------------------------------------
cmds=$(lines "$cli" --list-cmds)
tap_ok "the tool lists its commands" test -n "$cmds"
set_is "kbufmapctl(8) COMMANDS: every command, and only those" \
	"$(page_items "$main" Cm)" "$cmds"
tap_is "kbufmapctl(8) COMMANDS: in the order of --help (the command table)" \
	"$(awk '$1 == ".It" && $2 == "Cm" { print $3 }' "$main" | tr '\n' ' ')" \
	"$("$cli" --list-cmds | tr '\n' ' ')"
pages=$(cd "$mandir/man8" && ls kbufmapctl-*.8 2>/dev/null | sed 's/^kbufmapctl-//; s/\.8$//')
documented=""
for c in $cmds; do
	[ "$c" = help ] && continue	# kbufmapctl(8) documents it
	has_page=no
	grep -qx -- "$c" <<<"$pages" && has_page=yes
	if [[ " $pending_pages " == *" $c "* ]]; then
		if [ $has_page = yes ]; then
			tap_result 1 "$c: listed as pending but has a page: take it off pending_pages"
		else
			tap_skip "$c has its page kbufmapctl-$c(8)" "pending: no page yet (pending_pages)"
		fi
		continue
	fi
	tap_is "$c has its page kbufmapctl-$c(8)" "$has_page" yes
	# one a line: the checks below ask grep -qx whether a command is here
	documented="$documented$c"$'\n'
done
for p in $pages; do
	tap_ok "kbufmapctl-$p(8) documents a command the tool has" grep -qx -- "$p" <<<"$cmds"
done
for c in $pending_pages; do
	grep -qx -- "$c" <<<"$cmds" ||
		tap_diag "pending $c is not a command of this build (yet)"
done

# --- options ----------------------------------------------------------------
root_opts=$(lines "$cli" --list-opts)
set_is "kbufmapctl(8): the root options, and only those" \
	"$(page_opts "$main" | grep -- '^--')" "$root_opts"
set_is "kbufmapctl(8): short and long names paired as --help pairs them" \
	"$(page_pairs "$main")" "$(help_pairs "$("$cli" --help)")"
for c in $documented; do
	page=$mandir/man8/kbufmapctl-$c.8
	own=$(comm -23 <(lines "$cli" "$c" --list-opts) <(echo "$root_opts"))
	set_is "kbufmapctl-$c(8): the options of $c, and only those (common ones in kbufmapctl(8))" \
		"$(page_opts "$page" | grep -- '^--')" "$own"
	set_is "kbufmapctl-$c(8): short names as '$c --help' has them" \
		"$(page_pairs "$page")" \
		"$(help_pairs "$("$cli" "$c" --help)" | grep -vF -f <(help_pairs "$("$cli" --help)"))"
done

# --- exit statuses --------------------------------------------------------------
# page_exits PAGE: the statuses its EXIT STATUS section lists.
page_exits() {
	awk '/^\.Sh EXIT STATUS/ { on = 1; next } /^\.Sh / { on = 0 }
		on && $1 == ".It" && $2 ~ /^[0-9]+$/ { print $2 }' "$1" | sort -n | tr '\n' ' '
}
# help_exits TEXT: the statuses of its "Exit status:" paragraph, each a
# number that opens a clause ("0 done, 1 ...; 127 COMMAND ...").
help_exits() {
	awk '/Exit status:/ { on = 1 } on && /^$/ { on = 0 } on' <<<"$1" |
		sed -E 's/^ +([0-9]+) /; \1 /' | tr '\n' ' ' |
		grep -oE '(status:|[,;.]) [0-9]{1,3} ' | grep -oE '[0-9]+' | sort -n | tr '\n' ' '
}
tap_is "kbufmapctl(8) EXIT STATUS: every status of --help" \
	"$(page_exits "$main")" "$(help_exits "$("$cli" --help)")"
for c in $documented; do
	tap_is "kbufmapctl-$c(8) EXIT STATUS: the statuses '$c --help' gives" \
		"$(page_exits "$mandir/man8/kbufmapctl-$c.8")" "$(help_exits "$("$cli" "$c" --help)")"
done

# --- values -----------------------------------------------------------------
backends=$(lines "$cli" --list-backends)
strategies=$(lines "$cli" --list-strategies)
k4=$mandir/man4/kbufmap.4
set_is "kbufmap(4) BACKENDS: every backend, and only those" \
	"$(awk '/^\.Sh BACKENDS/,/^\.Sh STRATEGIES/' "$k4" | awk '$1==".It" && $2=="Cm" {print $3}')" "$backends"
set_is "kbufmap(4) STRATEGIES: every strategy, and only those" \
	"$(awk '/^\.Sh STRATEGIES/,/^\.Sh COUNTERS/' "$k4" | awk '$1==".It" && $2=="Cm" {print $3}')" "$strategies"
counters=$(sed -nE 's/.*X\([A-Z_]+, *[a-z_]+, *"([a-z_]+)"\).*/\1/p' "$incdir/kbufmap_names.h")
set_is "kbufmap(4) COUNTERS: every counter of kbufmap_names.h, and only those" \
	"$(awk '/^\.Sh COUNTERS/,/^\.Sh MODULE/' "$k4" | awk '$1==".It" && $2=="Sy" {print $3}')" "$counters"

# --- kbufmap(4) against the header and the module -----------------------------
# hdr_value NAME: a #define of the uapi header, evaluated ("(1ULL << 18)").
hdr_value() {
	local v
	v=$(sed -nE "s/^#define[[:space:]]+$1[[:space:]]+(.*)$/\1/p" "$uapi" |
		sed -E 's#/\*.*##; s/([0-9])U?L*L*/\1/g')
	[ -n "$v" ] && echo $((v))
}
# k4_section NAME: the source lines of kbufmap(4)'s section NAME.
k4_section() { awk -v s=".Sh $1" '$0 == s { on = 1; next } /^\.Sh / { on = 0 } on' "$k4"; }
uapi=$incdir/uapi/kbufmap.h
kmod=$incdir/../kmod
magic=$(sed -nE 's/^#define[[:space:]]+KBUFMAP_IOC_MAGIC[[:space:]]+(0x[0-9A-Fa-f]+).*/\1/p' "$uapi")
tap_ok "the uapi header gives the ioctl magic" test -n "$magic"
tap_is "kbufmap(4): the ioctl magic is the header's ($magic)" \
	"$(sed -nE 's/^The ioctl magic is (0x[0-9A-Fa-f]+)\.$/\1/p' "$k4" | tr a-f A-F)" \
	"$(tr a-f A-F <<<"${magic#0x}" | sed 's/^/0x/')"
abi="$(hdr_value KBUFMAP_ABI_MAJOR).$(hdr_value KBUFMAP_ABI_MINOR)"
tap_is "kbufmap(4): the ABI is the header's ($abi)" \
	"$(sed -nE 's/^The ABI is ([0-9]+\.[0-9]+)$/\1/p' "$k4")" "$abi"
for lim in KBUFMAP_MAX_PAGES KBUFMAP_KMALLOC_MAX_PAGES KBUFMAP_PFN_BATCH_MAX; do
	n=$(hdr_value $lim)
	tap_ok "kbufmap(4) gives $lim as the header does ($n)" grep -qw -- "$n" "$k4"
done
# Module parameters: every module_param*(NAME, ...) of the module's source.
params=$(cat "$kmod"/*.c | sed -nE 's/^[[:space:]]*module_param[a-z_]*\(([a-z0-9_]+),.*/\1/p')
tap_ok "the module's source has module parameters to compare" test -n "$params"
set_is "kbufmap(4) MODULE PARAMETERS: every module parameter, and only those" \
	"$(k4_section 'MODULE PARAMETERS' | awk '$1 == ".It" && $2 == "Sy" { print $3 }')" "$params"
# The parameters of every build (outside #ifdef KBUFMAP_FAULT_INJECT, at
# any depth of #if) have their files.
normal_build_code() {
	awk 'FNR == 1 { d = 0; t = 0 }
		/^#[[:space:]]*if/ { d++; if (!t && /^#ifdef KBUFMAP_FAULT_INJECT/) t = d }
		!t { print }
		/^#[[:space:]]*endif/ { if (t == d) t = 0; d-- }' "$@"
}
files=$(k4_section FILES)
for p in $(normal_build_code "$kmod"/*.c |
		sed -nE 's/^[[:space:]]*module_param[a-z_]*\(([a-z0-9_]+),.*/\1/p'); do
	tap_like "kbufmap(4) FILES: the file of module parameter $p" "$files" \
		"^\.It Pa /sys/module/kbufmap/parameters/$p\$"
done
# Every ioctl of the header is in IOCTLS, and only those, each with its errors.
ioctls=$(sed -nE 's/^#define[[:space:]]+(KBUFMAP_IOC_[A-Z_]+)[[:space:]]+_IO.*/\1/p' "$uapi")
tap_ok "the uapi header has ioctls to compare" test -n "$ioctls"
set_is "kbufmap(4) IOCTLS: every ioctl of the header, and only those" \
	"$(k4_section IOCTLS | awk '$1 == ".It" && $2 == "Dv" { print $3 }')" "$ioctls"
errors=$(k4_section ERRORS)
for i in $ioctls; do
	tap_like "kbufmap(4) ERRORS: the errors of $i" "$errors" "^\.Dv $i\$"
done
# Every errno the ioctl, read, write and mmap paths and the allocators
# return, and the matrix's refusals at CONFIGURE and mmap.
for src in "$kmod"/kbufmap_main.c "$kmod"/kbufmap_map.c "$kmod"/kbufmap_buffer.c \
		"$incdir/kbufmap_matrix.h"; do
	name=$(basename "$(dirname "$src")")/$(basename "$src")
	for e in $(grep -oE -- '-E[A-Z0-9]+' "$src" | sort -u | tr -d -); do
		tap_like "kbufmap(4) ERRORS: $e (returned in $name)" "$errors" "Er $e( |$)"
	done
done

# --- version's sample output --------------------------------------------------
# Each line 'version' prints here (no module on the host) must open a line
# of the page's example, by its label (up to the first colon, or the first
# word); the ABI shown must be the header's.
if grep -qx version <<<"$documented"; then
	page=$mandir/man8/kbufmapctl-version.8
	while IFS= read -r line; do
		case $line in *:*) label=${line%%:*}: ;; *) label=${line%% *} ;; esac
		tap_ok "kbufmapctl-version(8) shows the line '$label'" \
			awk -v l="$label" 'index($0, l) == 1 { f = 1 } END { exit !f }' "$page"
	done < <("$cli" version)
	tap_ok "kbufmapctl-version(8): the ABI built for is the header's ($abi)" \
		grep -qx "ABI (built for): $abi" "$page"
	tap_ok "kbufmapctl-version(8): the module's ABI is the header's ($abi)" \
		grep -q "ABI $abi," "$page"
fi

# --- matrix's sample output -------------------------------------------------------
# matrix needs no module: every line of the page's example is a line of
# its real output (the page leaves some out, marked "...").
if grep -qx matrix <<<"$documented"; then
	sample=$(sed -n '/^\.Sh EXAMPLES/,/^\.Sh /p' "$mandir/man8/kbufmapctl-matrix.8" |
		sed -n '/^\.Bd -literal/,/^\.Ed/p' | grep -v '^\.\|^# \|^\\&\.\.\.$')
	tap_ok "kbufmapctl-matrix(8) shows sample output" test -n "$sample"
	tap_is "kbufmapctl-matrix(8): every line of the example is the tool's" \
		"$(grep -vxF -f <("$cli" matrix; "$cli" matrix --cache) <<<"$sample")" ""
fi

for c in verify phys; do
	grep -qx "$c" <<<"$documented" || continue
	page=$mandir/man8/kbufmapctl-$c.8
	set_is "kbufmapctl-$c(8) --backend: every backend" "$(page_item_cm "$page" --backend)" "$backends"
	set_is "kbufmapctl-$c(8) --strategy: every strategy" "$(page_item_cm "$page" --strategy)" "$strategies"
done
if grep -qx verify <<<"$documented"; then
	set_is "kbufmapctl-verify(8) CHECKS: every check, and only those" \
		"$(page_items "$mandir/man8/kbufmapctl-verify.8" Sy)" "$(lines "$cli" verify --list-check-names)"
fi
if grep -qx bench <<<"$documented"; then
	# the first tag list of DESCRIPTION: the phases, in the tool's order
	tap_is "kbufmapctl-bench(8): the phases of bench --list-phases, in order" \
		"$(awk '/^\.Sh DESCRIPTION/ { d = 1 } d && /^\.Bl -tag/ { l = 1 } l && /^\.El/ { exit }
			l && $1 == ".It" && $2 == "Sy" { print $3 }' "$mandir/man8/kbufmapctl-bench.8" | tr '\n' ' ')" \
		"$("$cli" bench --list-phases | tr '\n' ' ')"
fi
if grep -qx fault-trace <<<"$documented"; then
	set_is "kbufmapctl-fault-trace(8): every traced function, and only those" \
		"$(page_items "$mandir/man8/kbufmapctl-fault-trace.8" Sy)" "$(lines "$cli" fault-trace --list-functions)"
fi

# The fixed values of each option: what `CMD --list-values OPTION` lists.
# Each must be
# in the option's --help text, the manual's item for the option must name
# exactly them, and bash, zsh and fish must offer exactly them.
# shellcheck disable=SC1091
. "$compdir/kbufmapctl.bash"
# value_opts: "CMD:OPTION" for every option with fixed values.
value_opts() {
	local c o v
	for c in $cmds; do
		for o in $(lines "$cli" "$c" --list-opts); do
			v=$("$cli" "$c" --list-values "$o" 2>/dev/null) && [ -n "$v" ] && echo "$c:$o"
		done
	done
}
listed=$(value_opts)
for co in map:--touch map:--prot map:--madvise phys:--touch verify:--mode bench:--trace \
	fault-trace:--mode; do
	c=${co%%:*}
	grep -qx "$c" <<<"$cmds" || continue
	tap_ok "$co lists its values (--list-values)" grep -qx -- "$co" <<<"$listed"
done
for co in $listed; do
	c=${co%%:*} o=${co#*:}
	want=$(lines "$cli" "$c" --list-values "$o")
	help=$("$cli" "$c" --help | awk -v o="$o" '
		index($0, o "=") { on = 1; print; next }
		on && /^ +-/ { on = 0 }
		on { print }')
	for v in $want; do
		tap_like "$c $o: '$v' is in '$c --help'" "$help" "(^|[^a-z-])$v([^a-z-]|$)"
	done
	if grep -qx "$c" <<<"$documented"; then
		set_is "kbufmapctl-$c(8) $o: the values the tool lists" \
			"$(page_item_cm "$mandir/man8/kbufmapctl-$c.8" "$o")" "$want"
	fi
	set_is "bash completion, $c $o: the values the tool lists" \
		"$(_kbufmapctl_value "$cli" "$c" "$o" | tr ' ' '\n' | sort -u)" "$want"
	if command -v zsh >/dev/null; then
		set_is "zsh completion, $c $o: the values the tool lists" "$(zsh -fc \
			"source '$compdir/_kbufmapctl' 2>/dev/null; _kbufmapctl_values '$cli' $c $o" | sort -u)" "$want"
	fi
	if command -v fish >/dev/null; then
		set_is "fish completion, $c $o: the values the tool lists" "$(fish --no-config -c \
			"source '$compdir/kbufmapctl.fish'; __kbufmapctl_values '$cli' $c $o" | sort -u)" "$want"
	fi
done
# kbufmap-findings(7): its strategies and, per memory row, the strategies it
# says map shared and writable private, as `matrix --json` has them.
findings=$mandir/man7/kbufmap-findings.7
matrix=$("$cli" matrix --json)
# findings_section NAME: the .Cm items of the section's first tag list.
findings_strategies() {
	awk '/^\.Sh / { on = ($2 == "STRATEGIES") } on && $1 == ".It" && $2 == "Cm" { print $3 }' "$findings"
}
set_is "kbufmap-findings(7) STRATEGIES: every strategy, and only those" \
	"$(findings_strategies | sort -u)" \
	"$(jq -r '.combinations[].strategy' <<<"$matrix" | sort -u)"
# Rows: "BACKEND KIND strategy..." from `.It Sy ... Pq backend Cm B` and
# the `.It shared` / `.It private-rw` lines, each followed by a .Cm list.
findings_rows() {
	awk '/^\.Sh / { on = ($0 ~ /WHICH PRIMITIVE/) }
		on && /^\.It Sy .*Pq backend Cm / { split($0, w, "Cm "); split(w[2], b, " "); backend = b[1] }
		on && backend != "" && ($0 == ".It shared" || $0 == ".It private-rw") { kind = $2; next }
		on && kind != "" && $1 == ".Cm" {
			line = $0; sub(/^\.Cm /, "", line); gsub(/ ,/, "", line)
			n = split(line, st, " "); out = ""
			for (i = 1; i <= n; i++) out = out " " st[i]
			print backend, kind out; kind = "" }' "$findings"
}
matrix_rows() {
	jq -r '.combinations | group_by(.backend)[] |
		"\(.[0].backend) shared \([.[] | select(.shared.status == "ok" and .strategy != "remap-unchecked") | .strategy] | join(" "))",
		"\(.[0].backend) private-rw \([.[] | select(.["private-rw"].status == "ok" and .strategy != "remap-unchecked") | .strategy] | join(" "))"' <<<"$matrix"
}
rows=$(findings_rows)
tap_ok "kbufmap-findings(7) names strategies per memory kind" test -n "$rows"
for backend in $(jq -r '.combinations[].backend' <<<"$matrix" | sort -u); do
	set_is "kbufmap-findings(7): what maps $backend memory shared and writable private, as matrix --json" \
		"$(grep "^$backend " <<<"$rows" | sed 's/ *$//' | tr -s ' ' | sort)" \
		"$(matrix_rows | grep "^$backend " | sed 's/ *$//' | tr -s ' ' | sort)"
done
tap_done
