#!/usr/bin/env bash
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
# and a target that is absent exits 3 naming what is missing. TAP output.
set -u
. "$(dirname "$0")/../lib/tap.sh"

[ $# -eq 1 ] || { echo "usage: $0 KBUFMAPCTL" >&2; exit 2; }
ctl=$(readlink -f "$1")
[ "$(id -u)" = 0 ] || { tap_skip "targets" "needs root"; tap_done; }
tap_diag "kernel $(uname -r)"

# run NAME ARGS...: $out and $rc of one map/phys run (stderr into $out too).
run() { out=$("$ctl" "$@" --no-pin 2>&1); rc=$?; }
runp() { out=$("$ctl" "$@" 2>&1); rc=$?; }
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
	run map --target "$2"
	tap_is "$1: exit 3" "$rc" 3
	tap_like "$1: the message names $3" "$out" "$3"
}

# --- the generic device, usage errors and absent targets --------------------
run map --target device:/dev/zero:8K --touch write
tap_is "device:/dev/zero: mapped and touched" "$rc" 0
tap_like "device:/dev/zero: driver mem, 8192 bytes" "$out" "driver mem\), 8192 bytes"
run map --target udmabuf --backend pages
tap_is "--backend with a foreign target: usage error" "$rc" 2
absent "an absent framebuffer" fb:/dev/fb9 "/dev/fb9"
absent "an absent DRM driver" drm-dumb:nosuchdrv "no DRM card of driver nosuchdrv"

# --- dma-buf heaps and udmabuf (configured on 6.12, not on 6.1) -------------
if [ -e /dev/dma_heap/system ]; then
	run map --target dma-heap --touch write
	tap_is "dma-heap: mapped and touched" "$rc" 0
	has_flags "dma-heap" "pf io de dd" ""
	run map --target dma-heap --private
	refused "dma-heap: 4-page MAP_PRIVATE"
	run map --target dma-heap --pages 1 --private
	tap_is "dma-heap: 1-page MAP_PRIVATE accepted (one whole-VMA remap)" "$rc" 0
else
	absent "dma-heap on a kernel without heaps" dma-heap "CONFIG_DMABUF_HEAPS"
fi
if [ -e /dev/udmabuf ]; then
	run map --target udmabuf --touch write
	tap_is "udmabuf: mapped and touched" "$rc" 0
	has_flags "udmabuf" "pf de dd" "io"
	tap_like "udmabuf: kernel view is the memfd" "$out" "kernel view memfd"
	run map --target udmabuf --private
	refused "udmabuf: MAP_PRIVATE"
	runp phys --target udmabuf --pages 8
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
	run map --target "drm-dumb:$drv" --touch write
	tap_is "drm-dumb:$drv: mapped and touched" "$rc" 0
	if [ "$drv" = vgem ]; then has_flags "drm-dumb:vgem" "pf de dd" "io"
	else has_flags "drm-dumb:bochs (TTM)" "pf io de dd" ""; fi
	run map --target "drm-dumb:$drv" --private
	refused "drm-dumb:$drv: MAP_PRIVATE"
done

# --- the bochs framebuffer ------------------------------------------------------
if grep -qs bochs /sys/class/graphics/fb0/name; then
	run map --target fb --length 16 --touch write
	tap_is "fb0: mapped and touched" "$rc" 0
	has_flags "fb0 (deferred I/O)" "de dd" "pf io"
	run map --target fb --length 16 --private --touch write
	tap_is "fb0: MAP_PRIVATE accepted (the writes stay private)" "$rc" 0
	has_flags "fb0 MAP_PRIVATE" "mw" "sh"
	runp phys --target fb --touch read
	tap_like "phys fb0: pagemap sees every page" "$out" "pages +([0-9]+) \(present \1,"
else
	tap_skip "fb0" "no bochs framebuffer ($(cat /sys/class/graphics/fb0/name 2>/dev/null || echo none))"
fi

# --- UIO: the edu device's BAR 0 through uio_pci_generic ---------------------
new_id=/sys/bus/pci/drivers/uio_pci_generic/new_id
[ -e /dev/uio0 ] || { [ -w "$new_id" ] && echo "1234 11e8" >"$new_id"; } 2>/dev/null
if [ -e /dev/uio0 ]; then
	run map --target uio --touch write
	tap_is "uio: mapped and touched" "$rc" 0
	has_flags "uio (whole-VMA remap_pfn_range)" "pf io de dd" ""
	run map --target uio --private
	tap_is "uio: MAP_PRIVATE accepted (one whole-VMA remap)" "$rc" 0
else
	absent "uio without a device" uio "/dev/uio0"
fi
tap_done
