#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# cache_map.sh: what `map` and `phys` report about the cache attribute, in a
# guest with the kbufmap module, a bochs display and the edu device.
#
#   cache_map.sh KBUFMAPCTL
#
# map --cache wc over vm_insert_page() reports the memory-type alias (PTE WC,
# the kernel's mapping WB); with --set-memory it does not, and kpageflags
# shows WC; a whole-VMA remap_pfn_range() of RAM reports PAT's override
# with the kernel's log line, and so does dma_mmap_coherent() asked WC (x86
# devices are DMA-coherent: the DMA API passes the request on); dma_mmap_wc()
# maps WB and the verdict says why; --target fb reports its PTEs and the
# pat_memtype_list entry of the framebuffer's BAR (and, for a shadow buffer,
# that the PTEs map RAM instead); phys --list shows the pte and memtype
# columns. TAP output (tests/lib/tap.sh).
set -u
. "$(dirname "$0")/../lib/tap.sh"

tap_usage $# 1 "KBUFMAPCTL"
ctl=$(readlink -f "$1")
tap_require "cache" root module
tap_diag "kernel $(uname -r), PAT: $(grep -qw pat /proc/cpuinfo && echo yes || echo no)"

tap_scratch
# The verdict line of the last text run.
verdict() { sed -n 's/^verdict    //p' <<<"$out"; }

tap_run -2 "$ctl" map -b pages -s insert --cache wc --no-pin
if [ "$rc" != 0 ] && grep -q 'EOPNOTSUPP\|not supported' <<<"$out"; then
	tap_skip "cache modes" "this module refuses --cache (the module side is not built yet)"
	tap_done
fi
tap_is "insert --cache wc: mapped" "$rc" 0
tap_like "insert --cache wc: the PTE is WC, the kernel's mapping WB" "$out" \
	"PTE  0x[0-9a-f]+ \+4: present, RAM, WC \(bits 0x[0-9a-f]+\), kernel WB"
tap_is "insert --cache wc: the verdict is the alias" "$(verdict)" \
	"PTE WC while the kernel maps it WB: memory-type alias"

tap_run -2 "$ctl" map -b pages -s insert --cache wc --set-memory --no-pin
tap_is "insert --cache wc --set-memory: mapped" "$rc" 0
tap_is "--set-memory: no alias" "$(verdict)" \
	"asked WC, got WC (the kernel's mapping WC too: --set-memory)"
tap_like "--set-memory: kpageflags records WC" "$out" "kpageflags memtype WC"

tap_run -2 "$ctl" map -b pages -s insert --cache uc --set-memory --no-pin
tap_like "--cache uc --set-memory: kpageflags records UC- (bit 39 or 41 by kernel)" "$out" \
	"kpageflags memtype UC-"

tap_run -2 "$ctl" map -b contig -s remap --cache wc --no-pin
tap_is "remap --cache wc: mapped" "$rc" 0
tap_like "remap --cache wc: PAT's override, with the log line" "$(verdict)" \
	"^asked WC, got WB: PAT override \(x86/PAT: kbufmapctl[-a-z]*:[0-9]+ map pfn RAM range req write-combining for \[mem 0x[0-9a-f]+-0x[0-9a-f]+\], got write-back\)$"

tap_run -2 "$ctl" map -b pages -s pfn --cache wc --no-pin
tap_like "pfn --cache wc: the silent override" "$(verdict)" "^asked WC, got WB: PAT override, silent"

# dma_mmap_coherent() on x86's DMA-coherent device passes the asked WC on
# to its whole-VMA remap_pfn_range(), where PAT overrides it with its line.
tap_run -2 "$ctl" map -b dma-coherent -s dma-mmap --cache wc --no-pin
tap_like "dma-coherent dma-mmap --cache wc: PAT's override, with the log line" "$(verdict)" \
	"^asked WC, got WB: PAT override \(x86/PAT: kbufmapctl[-a-z]*:[0-9]+ map pfn RAM range req write-combining for "
tap_run -2 "$ctl" map -b dma-wc -s dma-mmap --no-pin
tap_is "dma-wc dma-mmap: write-combining dropped, said" "$(verdict)" \
	"asked WB, got WB (dma_mmap_wc() dropped write-combining: a DMA-coherent device keeps the VMA's attribute)"

tap_run -2 "$ctl" map -b pages -s insert --no-pin
tap_is "insert, default wb: asked WB, got WB" "$(verdict)" "asked WB, got WB"

tap_run -2 "$ctl" map -b pages -s insert --cache wc --no-pin -j
tap_like "JSON: the cache object's alias" "$out" '"alias":true'
tap_like "JSON: run addresses as 0x strings" "$out" '"runs":\[\{"addr":"0x[0-9a-f]+"'

# --- another driver: the bochs framebuffer ----------------------------------
if grep -qs bochs /sys/class/graphics/fb0/name; then
	tap_run -2 "$ctl" map --target fb --length 16 --no-pin
	tap_is "fb: mapped" "$rc" 0
	tap_like "fb: its PTEs reported" "$out" "PTE  0x[0-9a-f]+ \+16: present"
	tap_like "fb: the framebuffer BAR's pat_memtype_list entry" "$out" \
		"pat_memtype_list \[mem 0x[0-9a-f]+-0x[0-9a-f]+\] (WC|UC-|UC|WB)"
	tap_like "fb: a verdict of the driver's choice" "$(verdict)" "^PTE [A-Z-]+: the driver's choice"
	# fbdev emulation over a shadow buffer maps RAM: then the BAR is not behind the PTEs
	if grep -q 'present, RAM' <<<"$out"; then
		tap_like "fb: RAM PTEs: the BAR is said not to be behind them" "$out" \
			"device memory 0x[0-9a-f]+-0x[0-9a-f]+ \(not behind these PTEs: they map RAM"
	else
		case $out in *"not behind these PTEs"*) said=yes ;; *) said=no ;; esac
		tap_is "fb: PTEs not RAM: the BAR is not said to be elsewhere" "$said" no
	fi
else
	tap_skip "fb" "no bochs framebuffer"
fi
if [ -e /sys/class/uio/uio0/maps/map0 ] || { echo "1234 11e8" >/sys/bus/pci/drivers/uio_pci_generic/new_id; } 2>/dev/null &&
   [ -e /sys/class/uio/uio0/maps/map0 ]; then
	tap_run -2 "$ctl" map --target uio --no-pin
	tap_like "uio: the BAR's PTEs are not RAM" "$out" "PTE  0x[0-9a-f]+ \+[0-9]+: present, special, not RAM, UC-"
	tap_like "uio: the BAR's pat_memtype_list entry while mapped" "$out" \
		"pat_memtype_list \[mem 0x[0-9a-f]+-0x[0-9a-f]+\] UC-"
elif [ -e /dev/uio0 ]; then
	tap_skip "uio" "uio_pci_generic of $(uname -r) exports no memory map"
else
	tap_skip "uio" "no /dev/uio0: uio_pci_generic did not take the edu device"
fi

# --- phys: the memtype columns -------------------------------------------------
tap_run -2 "$ctl" phys -b pages -s insert --cache wc --pages 4 --list --csv
tap_is "phys --csv: exit 0" "$rc" 0
tap_like "phys --csv: the two columns at the end" "$out" \
	"vaddr,pfn,view,pages,node,mapcount,flags,flag_names,pte,memtype"
tap_like "phys --csv: pte WC, memtype WB (the alias, page by page)" "$out" ",WC,WB"
tap_run -2 "$ctl" phys -b pages -s insert --cache wc --set-memory --pages 4 --list
tap_like "phys --list --set-memory: pte WC memtype WC" "$out" "pte WC memtype WC"
tap_done
