#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# bench/run.sh: `kbufmapctl bench` over the matrix in guests of both
# kernels, one boot per kernel; the JSON results go to bench/results/.
#
#   bench/run.sh [--build build/h] [--kernels "6.1 6.12"] [--repeat 5] [--runs "targets"]
#
# In each boot, one after the other (a JSON document each, taken from the
# guest's standard output between markers: the guest's root is read-only
# and its /tmp is a tmpfs that does not come back):
#   matrix   every valid backend x strategy and the baselines, 4096 pages
#   sweep    fault, insert-batch, remap (vmalloc, contig) and anon, 1..65536 pages x16
#   threads  fault (vmalloc), 4096 pages, 1 then 2 threads (one per CPU)
#   targets  other drivers' buffers (--target: each one this kernel has, in a
#            guest with a bochs display, the edu device, vgem and uio) beside
#            fault and insert-batch (pages) and anon, 4096 pages
# --runs picks some of them (matrix sweep threads-1 threads-2 targets).
# Then bench/plot.sh renders the plots.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
build=$root/build/h kernels="6.1 6.12" repeat=5 runs="matrix sweep threads-1 threads-2 targets"
while [ $# -gt 0 ]; do
	case $1 in
	--build) build=$(realpath "$2"); shift 2 ;;
	--kernels) kernels=$2; shift 2 ;;
	--repeat) repeat=$2; shift 2 ;;
	--runs) runs=$2; shift 2 ;;
	*) echo "usage: $0 [--build DIR] [--kernels \"6.1 6.12\"] [--repeat N] [--runs \"NAME...\"]" >&2; exit 2 ;;
	esac
done
ctl=$build/cli/kbufmapctl
out=$here/results
mkdir -p "$out"

# The guest's script: each run between "@@ NAME" and "@@ end" lines.
guest_script() {
	local b="$ctl bench -j --warmup 1 --repeat $repeat --cpu 0"
	cat <<SCRIPT
want=" $runs "
run() { name=\$1; shift; case \$want in *" \$name "*) ;; *) return ;; esac
	echo "@@ \$name"; "\$@" 2>/dev/null; echo; echo "@@ end \$?"; }
run matrix $b --pages 4096
run sweep $b -s fault,insert-batch,remap -b vmalloc,contig --baseline anon --pages 1-65536x16
run threads-1 $ctl bench -j --warmup 1 --repeat $repeat -s fault -b vmalloc --baseline none --pages 4096 --threads 1 --cpu 0
run threads-2 $ctl bench -j --warmup 1 --repeat $repeat -s fault -b vmalloc --baseline none --pages 4096 --threads 2
echo "1234 11e8" >/sys/bus/pci/drivers/uio_pci_generic/new_id 2>/dev/null	# edu for uio
t=
[ -e /dev/dma_heap/system ] && t+=,dma-heap
[ -e /dev/udmabuf ] && t+=,udmabuf
[ -d /sys/module/vgem ] && t+=,drm-dumb:vgem
ls /sys/module | grep -q '^bochs' && t+=,drm-dumb:bochs
[ -e /dev/fb0 ] && t+=,fb
[ -e /dev/uio0 ] && t+=,uio
run targets $b -s fault,insert-batch -b pages --baseline anon --pages 4096 --target \${t#,}
SCRIPT
}

for k in $kernels; do
	ko=$(ls "$build"/kmod/"$k"[.-]*/kmod/kbufmap.ko 2>/dev/null | head -1)
	[ -n "$ko" ] || { echo "run.sh: no module built for $k under $build/kmod" >&2; exit 1; }
	log=$(mktemp)
	start=$(date +%s)
	# the devices and drivers of --target, as tests/CMakeLists.txt's TARGET_GUEST_ARGS
	"$root/scripts/guest-run" --kernel "$k" --module "$ko" --mem 2G --timeout 1800 \
		--display bochs --qemu-device edu --kmod vgem --kmod bochs --kmod bochs-drm \
		--kmod uio_pci_generic -- bash -c "$(guest_script)" >"$log"
	echo "run.sh: $k: $(( $(date +%s) - start )) s" >&2
	for name in $runs; do
		awk -v n="$name" '$0 == "@@ " n { on = 1; next } /^@@ end/ { on = 0 } on' "$log" \
			>"$out/$k-$name.json"
		jq -e .shape "$out/$k-$name.json" >/dev/null ||
			{ echo "run.sh: $k $name: no JSON (see $log)" >&2; exit 1; }
	done
	grep '^@@ end' "$log" | tr '\n' ' ' >&2; echo >&2
	rm -f "$log"
done
"$here/plot.sh"
