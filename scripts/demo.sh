#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The demo: build kbufmap, boot a guest kernel with the module loaded and
# show what kbufmapctl finds. On a fresh Debian 12 machine, as root, this is
# the only command needed; it installs what it needs first. --native, as
# root, installs the build dependencies (apt-get or dnf) and nothing else.
#
#   scripts/demo.sh                 newest guest kernel
#   scripts/demo.sh --kernel 6.1    a chosen guest kernel
#   scripts/demo.sh --native        load the module into the running kernel
set -euo pipefail
cd "$(dirname "$0")/.."

kernel= native=0
while [ $# -gt 0 ]; do
	case "$1" in
	--kernel) kernel=${2?--kernel needs a value such as 6.1 or 6.12}; shift 2 ;;
	--native) native=1; shift ;;
	-h|--help) sed -n '3,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "demo.sh: unknown option '$1' (allowed: --kernel VERSION, --native)" >&2; exit 2 ;;
	esac
done

# What the demo runs, in the guest or natively.
demo_script() {
	local cli=$1
	cat <<SH
set -e
step() { printf '\n### %s\n' "\$*"; }
step "Bus error under MAP_PRIVATE of a driver that calls remap_pfn_range() per page: a pattern written by the kernel, read through such a mapping"
$cli map --strategy remap-unchecked --private --fill aabbccdd --dump 4 || echo "(exit \$?: the touch got SIGBUS, caught and explained above)"
step "The same through one remap_pfn_range() over contiguous memory: the pattern reads back"
$cli map --strategy remap --backend contig --private --fill aabbccdd --dump 4
step "kbufmapctl version"
$cli version
step "kbufmapctl matrix: which allocator x strategy x mapping kind is valid"
$cli matrix
step "A page mapped by a .fault handler, aliasing checked through pagemap: the buffer mapped twice shows the same pages"
$cli verify --mode shared --pages 8
step "The same Bus error, caught and explained by verify: per-page remap_pfn_range() under MAP_PRIVATE"
$cli verify --strategy remap-unchecked --mode private --check remap-unchecked-sigbus
step "Every allocator x strategy, shared and private: valid ones checked, refused ones shown with their errno"
$cli verify --all --mode all
step "phys of a contiguous buffer: one PFN run per chunk, pagemap and the driver's PFN list agree"
$cli phys --backend contig --strategy insert --pages 512
step "phys of a raw-PFN buffer: pagemap cannot see it, so the driver's own PFNs are shown"
$cli phys --backend contig --strategy remap --pages 512
step "fault-trace of a verify run: what each strategy's fault and populate paths did, and how long they took"
$cli fault-trace -- $cli verify --all --mode shared --check fault-accounting --quiet
step "Another driver's mmap: verify against the bochs framebuffer, which accepts MAP_PRIVATE and loses the writes made through it"
$cli verify --target fb || echo "(exit \$?: the driver's FAILs above are findings about fbdev, not errors of the tool)"
step "map of a vgem DRM dumb buffer: the VMA flags its driver chose"
$cli map --target drm-dumb:vgem --touch write || echo "(exit \$?: no vgem here)"
step "Which cache attribute do I get? What the kernel's code gives each strategy asked for write-combining"
$cli matrix --cache | head -20
step "vm_insert_pages() with pgprot_writecombine(): the PTE is WC while the kernel maps the page WB, a memory-type alias"
$cli map --backend pages --strategy insert-batch --cache wc --pages 4
step "The same after set_memory_wc() on the buffer's pages (--set-memory): WC on both sides, no alias"
$cli map --backend pages --strategy insert-batch --cache wc --set-memory --pages 4
step "One remap_pfn_range() over the VMA, asked WC: PAT forces write-back and says so in the kernel log"
$cli map --backend contig --strategy remap --cache wc --pages 4
step "dma_alloc_wc() + dma_mmap_wc(): on x86 every device is coherent, and the write-combining is dropped"
$cli map --backend dma-wc --strategy dma-mmap --pages 4
step "bench: what each way of mapping costs per page (a few strategies, small N; the full run and its figures: bench/README.md)"
$cli bench -s fault,fault-around,insert-batch,remap,huge -b contig --baseline anon,madv-populate-write --pages 1024 --warmup 1 --repeat 3 --cpu 0
SH
}

if [ "$native" = 1 ]; then
	# The build dependencies, installed with apt-get or dnf (as root), or
	# each missing one named with its package.
	./scripts/native-deps --install || {
		echo "demo.sh: the native demo needs what is listed above" >&2
		exit 1
	}
	cmake --preset native >/dev/null
	cmake --build --preset native
	cli=$PWD/build/native/cli/kbufmapctl
	ko=$PWD/build/native/kmod/native/kmod/kbufmap.ko
	lsmod | grep -q '^kbufmap ' || insmod "$ko"
	trap 'rmmod kbufmap' EXIT
	bash -c "$(demo_script "$cli")"
	exit
fi

./scripts/setup-host.sh
cmake --preset default >/dev/null
cmake --build --preset default
cli=$PWD/build/default/cli/kbufmapctl
# The newest kernel matching --kernel, as guest-run matches it: "6.1" means
# 6.1.x, never 6.12.
kver=
for v in $(./scripts/guest-run --list-kernels); do
	case "$v" in
	"$kernel"|"$kernel".*|"$kernel"-*|"$kernel"+*) kver=$v ;;
	*) [ -n "$kernel" ] || kver=$v ;;	# none asked for: the newest
	esac
done
[ -n "$kver" ] || { echo "demo.sh: no guest kernel matches '$kernel'" >&2; exit 2; }
# The copy with the kernel's BTF added, so fault-trace can use fentry.
ko=$PWD/build/default/kmod/$kver/btf/kbufmap.ko
# A bochs display and vgem, for the other drivers' steps (bochs's DRM module
# is bochs-drm before 5.11).
bochs=bochs
case $kver in 5.10*) bochs=bochs-drm ;; esac
exec ./scripts/guest-run --kernel "$kver" --display bochs --kmod vgem --kmod "$bochs" \
	--module "$ko" -- bash -c "$(demo_script "$cli")"
