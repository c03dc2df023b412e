#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# bench/plot.sh: plots of bench/results/*.json (from bench/run.sh) with
# gnuplot, SVG and PNG side by side in bench/plots/. Reads the JSON (jq),
# never the text table. One set per kernel found:
#   KERNEL-phases    ns/page of each phase, per backend/strategy and baseline
#                    (4096 pages; log scale), and after them the other
#                    drivers' buffers of KERNEL-targets.json (bench --target)
#   KERNEL-targets.md  the table of those drivers beside kbufmap's fault and
#                    insert-batch: first-touch ns/page, ratios, minor faults
#   KERNEL-sweep     first read touch, ns/page against the size (log-log)
#   KERNEL-vs-pread  (mmap + first read + munmap) / pread against the size:
#                    below 1, mapping beats copying
#   KERNEL-threads   first touches by 1 and 2 threads: total and per thread
# The phases and their order are the tool's (bench --list-phases) from
# --build DIR (default build/h, as bench/run.sh), else kbufmapctl on PATH.
#
#   bench/plot.sh [--build build/h]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
res=$here/results plots=$here/plots
build=$root/build/h
while [ $# -gt 0 ]; do
	case $1 in
	--build) build=$(realpath "$2"); shift 2 ;;
	*) echo "usage: $0 [--build DIR]" >&2; exit 2 ;;
	esac
done
ctl=$build/cli/kbufmapctl
[ -x "$ctl" ] || ctl=$(command -v kbufmapctl) ||
	{ echo "plot.sh: no kbufmapctl in $build/cli or on PATH (--build DIR)" >&2; exit 1; }
phases=$("$ctl" bench --list-phases | tr '\n' ' ')
phases=${phases% }
nphases=$(wc -w <<<"$phases")
command -v gnuplot >/dev/null || { echo "plot.sh: no gnuplot (gnuplot-nox; scripts/setup-host.sh)" >&2; exit 1; }
mkdir -p "$plots"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# median ns/page of phase P of a result: the jq function the tables use;
# meds: the medians of every phase, in the tool's order
med='def med($p): ([.phases[] | select(.phase == $p) | .median] | first // "NaN");'
meds='def meds: ($phases | split(" "))[] as $p | med($p);'

# plot NAME SCRIPT: the gnuplot SCRIPT rendered to NAME.svg and NAME.png
plot() {
	gnuplot -e "set terminal svg size 1300,600 dynamic noenhanced font 'Sans,11' background '#ffffff'; set output '$plots/$1.svg'" "$2"
	gnuplot -e "set terminal pngcairo size 1300,600 noenhanced font 'Sans,10' background '#ffffff'; set output '$plots/$1.png'" "$2"
}

# targets_table JSON: a Markdown table of every result of a bench --target
# run: first-touch medians, their ratio to kbufmap's pages/fault, minor faults.
targets_table() {
	jq -r "$med"' ([.results[] | select(.id | test("^kbufmap/pages/fault/"))][0]
			| med("first-read")) as $f
		| "Kernel \(.context.kernel), \(.config.repeat) repeats, medians in ns/page (TCG guest: compare ratios).\n",
		  "| case | pages | mmap | first-read | first-write | first-read / kbufmap fault | minflt (first read) |",
		  "|---|--:|--:|--:|--:|--:|--:|",
		  (.results[] | select(.skipped == null)
		   | "| \(.id | sub("/shared/[0-9]+$"; "")) | \(.pages) | \(med("mmap") | floor) | \(med("first-read") | floor) | \(med("first-write") | floor) | \(med("first-read") / $f * 100 | round / 100) | \([.phases[] | select(.phase == "first-read") | .minflt][0]) |")' "$1"
}

for m in "$res"/*-matrix.json; do
	[ -e "$m" ] || { echo "plot.sh: no results in $res (run bench/run.sh)" >&2; exit 1; }
	k=$(basename "$m" -matrix.json)
	kernel=$(jq -r .context.kernel "$m")

	# phases: one row per case, one column per phase
	jq -r --arg phases "$phases" "$med$meds"' .results[] | select(.skipped == null)
		| [(.id | sub("/shared/[0-9]+$"; "") | sub("^kbufmap/"; "")), meds] | @tsv' \
		"$m" >"$tmp/phases.tsv"
	t=$res/$k-targets.json
	if [ -e "$t" ]; then
		# the drivers (a --target result has a driver other than kbufmap)
		jq -r --arg phases "$phases" "$med$meds"' .results[] | select(.skipped == null
			and .driver != null and .driver != "kbufmap")
			| [(.id | sub("/shared/[0-9]+$"; "")), meds] | @tsv' "$t" >>"$tmp/phases.tsv"
		targets_table "$t" >"$plots/$k-targets.md"
	fi
	cat >"$tmp/phases.gp" <<GP
set title "bench, 4096 pages, kernel $kernel (TCG guest: compare ratios, not absolute times)"
set style data histogram; set style histogram cluster gap 1; set style fill solid 0.9 border -1
set boxwidth 0.9; set logscale y; set ylabel "ns per page (median, log)"; set grid ytics
set xtics rotate by -45 font ",8" nomirror; set key outside top center horizontal font ",9"; set datafile missing "NaN"
set bmargin 9; set rmargin 8
plot for [c=2:$((nphases + 1))] "$tmp/phases.tsv" using c:xtic(1) title word("$phases", c-1)
GP
	plot "$k-phases" "$tmp/phases.gp"

	s=$res/$k-sweep.json
	if [ -e "$s" ]; then
		# sweep: one block per case (without the size), pages and first-read
		jq -r "$med"' [.results[] | select(.skipped == null)]
			| group_by(.id | sub("/[0-9]+$"; ""))[]
			| (.[0].id | sub("/shared/[0-9]+$"; "") | sub("^kbufmap/"; "")) as $n
			| "# \($n)", (.[] | [.pages, med("first-read"),
			  (if med("pread") == "NaN" then "NaN" else
			   (med("mmap") + med("first-read") + med("munmap")) / med("pread") end)] | @tsv),
			  "", ""' "$s" >"$tmp/sweep.tsv"
		jq -r '[.results[] | select(.skipped == null)] | group_by(.id | sub("/[0-9]+$"; ""))[]
			| .[0].id | sub("/shared/[0-9]+$"; "") | sub("^kbufmap/"; "")' "$s" >"$tmp/names"
		n=$(wc -l <"$tmp/names")
		names=$(tr '\n' ' ' <"$tmp/names")
		cat >"$tmp/sweep.gp" <<GP
set title "first read touch against the size, kernel $kernel (TCG guest)"
set logscale xy; set xlabel "buffer size (pages, log)"; set ylabel "ns per page (median, log)"
set grid; set key outside right font ",9"; set datafile missing "NaN"
plot for [i=0:$((n - 1))] "$tmp/sweep.tsv" index i using 1:2 with linespoints title word("$names", i+1)
GP
		plot "$k-sweep" "$tmp/sweep.gp"
		cat >"$tmp/pread.gp" <<GP
set title "mapping (mmap + first read + munmap) / pread, kernel $kernel (TCG guest)"
set logscale x; set logscale y; set xlabel "buffer size (pages, log)"
set ylabel "ratio (below 1: mapping is cheaper than copying)"
set grid; set key outside right font ",9"; set datafile missing "NaN"
plot for [i=0:$((n - 1))] "$tmp/sweep.tsv" index i using 1:3 with linespoints title word("$names", i+1), 1 with lines dt 2 lc "black" title "1"
GP
		plot "$k-vs-pread" "$tmp/pread.gp"
	fi

	if [ -e "$res/$k-threads-1.json" ] && [ -e "$res/$k-threads-2.json" ]; then
		: >"$tmp/threads.tsv"
		for t in 1 2; do
			jq -r --arg t "$t" "$med"' .results[0] as $r
				| ($r.phases[] | select(.phase == "first-read") | [.per_thread[]?.median]) as $pr
				| ($r.phases[] | select(.phase == "first-write") | [.per_thread[]?.median]) as $pw
				| ["\($t) thread(s)", ($r | med("first-read")), ($r | med("first-write")),
				   ($pr | if length > 0 then add / length else "NaN" end),
				   ($pw | if length > 0 then add / length else "NaN" end)] | @tsv' \
				"$res/$k-threads-$t.json" >>"$tmp/threads.tsv"
		done
		cat >"$tmp/threads.gp" <<GP
set title "first touches of one 4096-page buffer (vmalloc/fault) by 1 and 2 threads, kernel $kernel (TCG guest)"
set style data histogram; set style histogram cluster gap 1; set style fill solid 0.9 border -1
set ylabel "ns per page (median)"; set grid ytics; set yrange [0:*]; set key top left font ",9"
set datafile missing "NaN"; set datafile separator "\t"
plot "$tmp/threads.tsv" using 2:xtic(1) title "first-read, total (wall / buffer)", \
     "" using 3 title "first-write, total", \
     "" using 4 title "first-read, per thread (own slice, mean of threads)", \
     "" using 5 title "first-write, per thread"
GP
		plot "$k-threads" "$tmp/threads.gp"
	fi
done
ls "$plots"
