#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# targets.sh: `map --target` and `phys --target` against real in-kernel
# drivers, in a guest booted with a bochs display, the edu PCI device and the
# guest kernel's own vgem, bochs and uio_pci_generic (tests/CMakeLists.txt).
#
#   targets.sh KBUFMAPCTL
#
# For each target this kernel has, what its source says its mmap does:
#   dma-heap system  eager remap_pfn_range per page: pf io; multi-page
#                    MAP_PRIVATE refused (EINVAL), a one-page one accepted
#   udmabuf          .fault + vmf_insert_pfn: pf, no io; MAP_PRIVATE refused
#   drm-dumb vgem    shmem GEM, vmf_insert_pfn: pf, no io; MAP_PRIVATE refused
#   drm-dumb bochs   TTM: pf io; MAP_PRIVATE refused
#   fb /dev/fb0      deferred I/O over vmalloc pages: no pf, pagemap sees the
#                    pages, MAP_PRIVATE accepted (copy-on-write)
#   uio (edu BAR)    one whole-VMA remap_pfn_range: pf io; MAP_PRIVATE accepted
#   device:/dev/zero an ordinary mapping
# and a target that is absent exits 3 naming what is missing. `fault-trace
# --function` counts udmabuf's fault handler a call per page, `--mapping`
# times the framebuffer's faults. Then one small
# `bench --target` run over the targets present: a result per target, with
# per-page figures and first-touch minor faults that fit each mechanism
# (about one per page, one per 16 for TTM fault-around, none where the
# driver maps it all at mmap). TAP output.
set -u
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/pages.sh"

tap_usage $# 1 "KBUFMAPCTL"
ctl=$(readlink -f "$1")
tap_require "targets" root
tap_scratch
tap_diag "kernel $(uname -r)"
# Before 6.1 (bullseye's 5.10): vgem's own .fault hands out its shmem pages
# and TTM maps VM_MIXEDMAP, so neither is VM_PFNMAP and both accept
# MAP_PRIVATE; fbdev's deferred I/O mapping is VM_IO; uio_pci_generic
# exports no memory map.
old_kernel=0
kernel_at_least 6.1 || old_kernel=1
uio_mapped() { [ -e /sys/class/uio/uio0/maps/map0 ]; }
# From 7.x (sid's 7.2): bochs is a GEM-shmem driver, not TTM (pf, no io, a
# fault per page), and udmabuf maps the whole buffer on its first fault.
new_kernel=0
[ "$(uname -r | cut -d. -f1)" -ge 7 ] && new_kernel=1

vmflags() { printf '%s\n' "$out" | sed -n 's/^VmFlags *//p'; }
# has_flags DESC WANT UNWANTED: VmFlags holds every flag of WANT, none of UNWANTED.
has_flags() {
	local f got=" $(vmflags) " bad=
	for f in $2; do [[ "$got" == *" $f "* ]] || bad+=" missing $f"; done
	for f in $3; do [[ "$got" != *" $f "* ]] || bad+=" unexpected $f"; done
	tap_is "$1: VmFlags [$(vmflags)]" "${bad:-ok}" ok
}
# refused DESC: exit 1, mmap refused with EINVAL.
refused() {
	tap_is "$1: exit 1" "$rc" 1
	tap_like "$1: refused with EINVAL" "$out" "mmap +refused: EINVAL"
}
# absent DESC TARGET NAME: a target that is not there exits 3 and names NAME.
absent() {
	tap_run -2 "$ctl" map --no-pin --target "$2"
	tap_is "$1: exit 3" "$rc" 3
	tap_like "$1: the message names $3" "$out" "$3"
}

# --- the generic device, usage errors and absent targets --------------------
# Two pages, given in KiB (8K with 4 KiB pages).
tap_run -2 "$ctl" map --no-pin --target "device:/dev/zero:$((2 * page_size / 1024))K" --touch write
tap_is "device:/dev/zero: mapped and touched" "$rc" 0
tap_like "device:/dev/zero: driver mem, $((2 * page_size)) bytes" "$out" "driver mem\), $((2 * page_size)) bytes"
tap_run -2 "$ctl" map --no-pin --target udmabuf --backend pages
tap_is "--backend with a foreign target: usage error" "$rc" 2
absent "an absent framebuffer" fb:/dev/fb9 "/dev/fb9"
absent "an absent DRM driver" drm-dumb:nosuchdrv "no DRM card of driver nosuchdrv"

# --- dma-buf heaps and udmabuf (configured on 6.12, not on 6.1) -------------
if [ -e /dev/dma_heap/system ]; then
	tap_run -2 "$ctl" map --no-pin --target dma-heap --touch write
	tap_is "dma-heap: mapped and touched" "$rc" 0
	has_flags "dma-heap" "pf io de dd" ""
	tap_run -2 "$ctl" map --no-pin --target dma-heap --private
	refused "dma-heap: 4-page MAP_PRIVATE"
	tap_run -2 "$ctl" map --no-pin --target dma-heap --pages 1 --private
	tap_is "dma-heap: 1-page MAP_PRIVATE accepted (one whole-VMA remap)" "$rc" 0
else
	absent "dma-heap on a kernel without heaps" dma-heap "CONFIG_DMABUF_HEAPS"
fi
if [ -e /dev/udmabuf ]; then
	tap_run -2 "$ctl" map --no-pin --target udmabuf --touch write
	tap_is "udmabuf: mapped and touched" "$rc" 0
	has_flags "udmabuf" "pf de dd" "io"
	tap_like "udmabuf: kernel view is the memfd" "$out" "kernel view memfd"
	tap_run -2 "$ctl" map --no-pin --target udmabuf --private
	refused "udmabuf: MAP_PRIVATE"
	tap_run -2 "$ctl" phys --target udmabuf --pages 8
	tap_like "phys udmabuf: a hole to pagemap" "$out" "present 0, not present 8"
else
	absent "udmabuf on a kernel without it" udmabuf "CONFIG_UDMABUF"
fi

# --- DRM dumb buffers: vgem and bochs -----------------------------------------
for drv in vgem bochs; do
	if [ ! -d "/sys/module/$drv" ] && [ ! -d "/sys/module/${drv}_drm" ]; then
		tap_skip "drm-dumb:$drv" "module $drv is not loaded (not in this kernel?)"
		continue
	fi
	tap_run -2 "$ctl" map --no-pin --target "drm-dumb:$drv" --touch write
	tap_is "drm-dumb:$drv: mapped and touched" "$rc" 0
	if [ $old_kernel = 1 ]; then
		if [ "$drv" = vgem ]; then has_flags "drm-dumb:vgem (5.10: pages)" "de dd" "pf io"
		else has_flags "drm-dumb:bochs (5.10: TTM mixed map)" "io de dd mm" "pf"; fi
		tap_run -2 "$ctl" map --no-pin --target "drm-dumb:$drv" --private
		tap_is "drm-dumb:$drv: MAP_PRIVATE accepted before 6.1" "$rc" 0
		continue
	fi
	if [ "$drv" = vgem ]; then has_flags "drm-dumb:vgem" "pf de dd" "io"
	elif [ $new_kernel = 1 ]; then has_flags "drm-dumb:bochs (7.x: GEM shmem)" "pf de dd" "io"
	else has_flags "drm-dumb:bochs (TTM)" "pf io de dd" ""; fi
	tap_run -2 "$ctl" map --no-pin --target "drm-dumb:$drv" --private
	refused "drm-dumb:$drv: MAP_PRIVATE"
done

# --- the bochs framebuffer ------------------------------------------------------
if grep -qs bochs /sys/class/graphics/fb0/name; then
	tap_run -2 "$ctl" map --no-pin --target fb --length 16 --touch write
	tap_is "fb0: mapped and touched" "$rc" 0
	if [ $old_kernel = 1 ]; then has_flags "fb0 (deferred I/O, 5.10: VM_IO)" "io de dd" "pf"
	else has_flags "fb0 (deferred I/O)" "de dd" "pf io"; fi
	tap_run -2 "$ctl" map --no-pin --target fb --length 16 --private --touch write
	tap_is "fb0: MAP_PRIVATE accepted (the writes stay private)" "$rc" 0
	has_flags "fb0 MAP_PRIVATE" "mw" "sh"
	tap_run -2 "$ctl" phys --target fb --touch read
	tap_like "phys fb0: pagemap sees every page" "$out" "pages +([0-9]+) \(present \1,"
else
	tap_skip "fb0" "no bochs framebuffer ($(cat /sys/class/graphics/fb0/name 2>/dev/null || echo none))"
fi

# --- UIO: the edu device's BAR 0 through uio_pci_generic ---------------------
new_id=/sys/bus/pci/drivers/uio_pci_generic/new_id
[ -e /dev/uio0 ] || { [ -w "$new_id" ] && echo "1234 11e8" >"$new_id"; } 2>/dev/null
if [ -e /dev/uio0 ] && ! uio_mapped; then
	tap_run -2 "$ctl" map --no-pin --target uio
	tap_is "uio without a memory map ($(uname -r)): exit 3" "$rc" 3
	tap_like "uio without a memory map: the message says so" "$out" "no memory map 0"
elif [ -e /dev/uio0 ]; then
	tap_run -2 "$ctl" map --no-pin --target uio --touch write
	tap_is "uio: mapped and touched" "$rc" 0
	has_flags "uio (whole-VMA remap_pfn_range)" "pf io de dd" ""
	tap_run -2 "$ctl" map --no-pin --target uio --private
	tap_is "uio: MAP_PRIVATE accepted (one whole-VMA remap)" "$rc" 0
else
	absent "uio without a device" uio "/dev/uio0"
fi

# --- fault-trace on foreign drivers -------------------------------------------
# --function on udmabuf's own fault handler: one call per page touched (7.x
# maps the whole buffer on the first fault: one call). --mapping on the
# framebuffer: whole faults on that one VMA, a page a fault on first read.
# trace JSON FAULT-TRACE-OPTION...: trace `map` of the remaining arguments
# after "--"; rc, the trace in JSON and map's report in $tmp/map.json.
trace() {
	local json=$1 ft=()
	shift
	while [ $# -gt 0 ] && [ "$1" != -- ]; do ft+=("$1"); shift; done
	shift
	rm -f "$tmp/map.json"
	"$ctl" -q -j fault-trace "${ft[@]}" -- "$ctl" -j map --no-pin -o "$tmp/map.json" "$@" \
		>"$json" 2>"$tmp/err"
	rc=$?
	[ -s "$tmp/map.json" ] || rc=99
}
# fn_field JSON NAME HANDLER FIELD: one traced function's field (HANDLER
# "" for any: a module's name, or vmlinux where the driver is built in).
fn_field() {
	jq -r --arg n "$2" --arg h "$3" \
		"[.functions[] | select(.name == \$n and (\$h == \"\" or .handler == \$h)) | $4][0] // \"none\"" "$1"
}
if [ ! -e /dev/udmabuf ]; then
	tap_skip "fault-trace --function udmabuf_vm_fault" "no /dev/udmabuf on this kernel"
elif ! grep -qw udmabuf_vm_fault /proc/kallsyms; then
	tap_ok "fault-trace: udmabuf's fault handler udmabuf_vm_fault is in /proc/kallsyms" false
else
	trace "$tmp/ft.json" --function udmabuf_vm_fault -- --target udmabuf --pages 64 --touch read
	tap_is "fault-trace --function udmabuf_vm_fault -- map --target udmabuf: exit 0" "$rc" 0
	calls=$(fn_field "$tmp/ft.json" udmabuf_vm_fault "" .calls)
	want_calls=64
	[ $new_kernel = 1 ] && want_calls=1
	tap_is "fault-trace: udmabuf_vm_fault calls for 64 pages read" "$calls" "$want_calls"
	tap_is "fault-trace: udmabuf_vm_fault histogram sums to its calls" \
		"$(fn_field "$tmp/ft.json" udmabuf_vm_fault "" '[.histogram[].count] | add')" "$calls"
	tap_is "fault-trace: no event missed" "$(jq -r .missed.total "$tmp/ft.json")" 0
fi
if grep -qs bochs /sys/class/graphics/fb0/name; then
	trace "$tmp/ft.json" --mapping /dev/fb0 -- --target fb --length 16 --touch read
	tap_is "fault-trace --mapping /dev/fb0 -- map --target fb: exit 0" "$rc" 0
	faults=$(fn_field "$tmp/ft.json" handle_mm_fault "page fault" .calls)
	tap_is "fault-trace --mapping /dev/fb0: a fault a page for 16 pages read" "$faults" 16
	tap_is "fault-trace --mapping /dev/fb0: the latency histogram sums to the faults" \
		"$(fn_field "$tmp/ft.json" handle_mm_fault "page fault" '[.histogram[].count] | add')" "$faults"
	tap_is "fault-trace --mapping /dev/fb0: the VMA is the 16 pages mapped" \
		"$(( ($(jq -r .mapping.vm_end "$tmp/ft.json") - $(jq -r .mapping.vm_start "$tmp/ft.json")) / page_size ))" 16
fi

# --- bench --target: per-page figures beside kbufmap's -------------------------
# want KIND: the first-read minor faults bench must see for PAGES pages,
# as "lo hi" (what each driver's fault mechanism gives; see the header).
want() {
	case $1 in
	dma-heap|uio) echo "0 0" ;;			# all mapped at mmap time
	drm-dumb:bochs)					# TTM fault-around, 16 a fault;
		[ $new_kernel = 1 ] && echo "$2 $2" ||		# 7.x GEM shmem: a page a fault
			echo "1 $(( $2 / 8 ))" ;;
	udmabuf) [ $new_kernel = 1 ] && echo "1 $2" || echo "$2 $2" ;;	# 7.x: all at the first fault
	fb) echo "$2 $2" ;;				# deferred I/O: a page a fault
	*) echo "$2 $2" ;;				# udmabuf, vgem, kbufmap fault
	esac
}
targets=
[ -e /dev/dma_heap/system ] && targets+=,dma-heap
[ -e /dev/udmabuf ] && targets+=,udmabuf
for drv in vgem bochs; do
	[ -d "/sys/module/$drv" ] || [ -d "/sys/module/${drv}_drm" ] && targets+=,drm-dumb:$drv
done
grep -qs bochs /sys/class/graphics/fb0/name && targets+=,fb
uio_mapped && targets+=,uio
json=$("$ctl" bench -j -q -s fault -b pages --baseline none --pages 64 --warmup 1 \
	--repeat 3 --target "${targets#,}" 2>/dev/null); rc=$?
tap_is "bench --target ${targets#,}: exit 0" "$rc" 0
# One line a result: KIND DRIVER PAGES FIRST-READ-MINFLT MEDIAN-NS/PAGE PHASES MODULE
table=$(printf '%s\n' "$json" | jq -r '.results[] | [.target, .driver, .pages,
	(.phases[] | select(.phase == "first-read") | .minflt, .median),
	([.phases[].phase] | join(",")), (.phases[0].module != null)] | @tsv')
tap_diag "$(printf '%s\n' "$table" | awk -F'\t' '{ printf "%s %s: %s pages, first-read %s minflt, %.0f ns/page; ", $1, $2, $3, $4, $5 }')"
for t in kbufmap ${targets//,/ }; do
	kind=${t%%:*} drv=${t#*:}
	row=$(printf '%s\n' "$table" | awk -F'\t' -v k="$kind" -v d="$drv" \
		'$1 == k && (k == d || index($2, d) == 1)')
	if [ -z "$row" ]; then tap_ok "bench: a result for $t" false; continue; fi
	IFS=$'\t' read -r _ driver pages minflt median phases module <<<"$row"
	read -r lo hi <<<"$(want "$t" "$pages")"
	tap_ok "bench $t ($driver): a per-page median ($median ns/page)" \
		awk -v m="$median" 'BEGIN { exit !(m > 0) }'
	tap_ok "bench $t: first-read minor faults $minflt in [$lo, $hi] for $pages pages" \
		test "$minflt" -ge "$lo" -a "$minflt" -le "$hi"
	[ "$kind" = kbufmap ] && continue
	tap_is "bench $t: no module counters for a foreign buffer" "$module" false
	# Every word written only of memory: a UIO map may be registers.
	wbw=write-bandwidth,
	[ "$kind" = uio ] && wbw=
	tap_like "bench $t: the phases measured ($phases)" "$phases" \
		"^mmap,first-read,first-write,second-touch,bandwidth,${wbw}munmap"
done
tap_run -2 "$ctl" bench --target drm-dumb:nosuchdrv -s none --baseline none --pages 4 --repeat 1
tap_is "bench an absent target: exit 3" "$rc" 3
tap_like "bench an absent target: the message names it" "$out" "no DRM card of driver nosuchdrv"
tap_done
