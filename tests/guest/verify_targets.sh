#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# verify_targets.sh: `verify --target` against real in-kernel drivers, in the
# guest of the targets test (bochs display, edu PCI device, vgem, bochs,
# uio_pci_generic; tests/CMakeLists.txt), one verify run per target.
#
#   verify_targets.sh KBUFMAPCTL
#
# For each target this kernel has, the status every check must have (what
# the driver does, from its source and README "What it found in other
# drivers"): P pass, F fail (a finding in the driver's semantics), S skip.
# A kbufmap run is unchanged by --target kbufmap. TAP output.
set -u
. "$(dirname "$0")/../lib/tap.sh"

tap_usage $# 1 "KBUFMAPCTL"
ctl=$(readlink -f "$1")
tap_require "verify targets" root
tap_scratch
tap_diag "kernel $(uname -r)"
# Before 6.1 (bullseye's 5.10) vgem and TTM map ordinary pages (vgem) or
# VM_MIXEDMAP (TTM): pagemap sees them and MAP_PRIVATE is accepted, with
# correct copy-on-write; uio_pci_generic exports no memory map.
old_kernel=0
kernel_at_least 6.1 || old_kernel=1

# The checks in the order a foreign run reports them (shared, then private).
checks="cross-mapping-write pagemap-alias user-write-kernel-read kernel-write-user-read
mmap-past-end-refused first-touch-no-sigbus fork-shared madv-dontneed-persists pinnable
vma-flags zeroed buffer-released fault-accounting vma-flags/private private-cow
private-writes-reach-device"

# statuses: "P S ..." for the checks above, from TAP output in $out.
statuses() {
	printf '%s\n' "$out" | awk '
		/^not ok [0-9]+ - / { printf "F "; next }
		/^ok [0-9]+ - .*# SKIP/ { printf "S "; next }
		/^ok [0-9]+ - / { printf "P " }' | sed 's/ $//'
}
# statuses_are TARGET EXIT "P S ...": one verify run and every check's status.
statuses_are() {
	tap_run -2 "$ctl" verify --target "$1" --tap
	tap_is "verify --target $1: exit $2" "$rc" "$2"
	tap_is "verify --target $1: statuses of [$(echo $checks)]" "$(statuses)" "$3"
	if [ "$(statuses)" = "$3" ]; then	# the findings, for the README
		tap_diag "$(printf '%s\n' "$out" | grep -A1 '^not ok' | grep '^# ')"
		tap_diag "$(printf '%s\n' "$out" | grep -E '^# .*(finding|VmFlags)')"
	else tap_diag "$out"; fi
}

# --- kbufmap: --target kbufmap is the default, unchanged ---------------------
a=$("$ctl" verify --tap 2>&1 | grep -c '^ok'); b=$("$ctl" verify --target kbufmap --tap 2>&1 | grep -c '^ok')
tap_ok "kbufmap: verify passes checks" test "$a" -gt 10
tap_is "kbufmap: --target kbufmap runs the same checks" "$b" "$a"
tap_run -2 "$ctl" verify --target udmabuf --strategy fault
tap_is "--strategy with a foreign target: usage error" "$rc" 2
tap_run -2 "$ctl" verify --target fb:/dev/fb9
tap_is "an absent framebuffer: exit 3" "$rc" 3

# --- dma-buf heaps and udmabuf (6.12 and later) ------------------------------
#                 cross pmap uwkr kwur past touch fork dontn pin vmaf zero rel acct vmafp cow dev
if [ -e /dev/dma_heap/system ]; then
	statuses_are dma-heap 0 "P S S S P P P P P P S S S S P S"
else tap_skip "dma-heap" "no /dev/dma_heap/system on $(uname -r)"; fi
if [ -e /dev/udmabuf ]; then
	statuses_are udmabuf 0 "P S P P P P P P P P S S S S P S"
else tap_skip "udmabuf" "no /dev/udmabuf on $(uname -r)"; fi

# --- DRM dumb buffers ---------------------------------------------------------
if [ ! -d /sys/module/vgem ]; then tap_skip "drm-dumb:vgem" "module vgem is not loaded"
elif [ $old_kernel = 1 ]; then statuses_are drm-dumb:vgem 0 "P P S S P P P P P P S S S P P S"
else statuses_are drm-dumb:vgem 0 "P S S S P P P P P P S S S S P S"; fi
if [ ! -d /sys/module/bochs ] && [ ! -d /sys/module/bochs_drm ]; then
	tap_skip "drm-dumb:bochs" "module bochs is not loaded"
elif [ $old_kernel = 1 ]; then statuses_are drm-dumb:bochs 0 "P P P P P P P P P P S S S P P S"
elif [ "$(uname -r | cut -d. -f1)" -ge 7 ]; then	# 7.x: GEM shmem, no vm_ops->access
	statuses_are drm-dumb:bochs 0 "P S S S P P P P P P S S S S P S"
else statuses_are drm-dumb:bochs 0 "P S P P P P P P P P S S S S P S"; fi

# --- fbdev: MAP_PRIVATE accepted, its writes never reach the screen; a mapping
# past the end accepted (fb_deferred_io_mmap checks no size) -------------------
if grep -qs bochs /sys/class/graphics/fb0/name; then
	statuses_are fb 1 "P P P P F P P P P P S S S P P F"
	tap_like "fb: the finding says the writes are lost" "$out" \
		"not ok .* private-writes-reach-device.*"$'\n'"# .*accepts MAP_PRIVATE, and writes through such a mapping are lost"
else tap_skip "fb" "no bochs framebuffer"; fi

# --- UIO: the edu device's BAR 0 (registers: no patterns written) -------------
new_id=/sys/bus/pci/drivers/uio_pci_generic/new_id
[ -e /dev/uio0 ] || { [ -w "$new_id" ] && echo "1234 11e8" >"$new_id"; } 2>/dev/null
if [ -e /sys/class/uio/uio0/maps/map0 ]; then
	statuses_are uio 1 "S S S S P P S S P P S S S P P F"
else tap_skip "uio" "no /dev/uio0 with a memory map on $(uname -r)"; fi
tap_done
