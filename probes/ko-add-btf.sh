#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# ko-add-btf.sh VMLINUX IN.ko OUT.ko
#
# Write OUT.ko: a copy of IN.ko with a .BTF section, split BTF on top of the
# BTF of VMLINUX (an ELF vmlinux with .BTF, see extract-vmlinux.sh, or raw
# BTF). fentry/fexit on the module's functions need it. Kbuild would do this
# itself, but Debian's headers packages carry no vmlinux, so it prints
# "Skipping BTF generation" and the module has none.
#
# The base must be the BTF of the very kernel the module will be loaded
# into: with another base the kernel drops the module's BTF (or keeps
# nonsense) without failing the load. So the kernel release the module was
# built for (its vermagic) must be the one the vmlinux announces, and the
# result must describe kbufmap_vm_fault; anything else is an error here.
set -euo pipefail

me=ko-add-btf
die() { echo "$me: $*" >&2; exit 1; }

[ $# -eq 3 ] || { echo "usage: $me VMLINUX IN.ko OUT.ko" >&2; exit 2; }
vmlinux=$1 in=$2 out=$3
pahole=${PAHOLE:-pahole}
bpftool=${BPFTOOL:-$(command -v bpftool || echo /usr/sbin/bpftool)}
for f in "$vmlinux" "$in"; do [ -r "$f" ] || die "cannot read $f"; done
command -v "$pahole" >/dev/null || die "pahole not found (Debian package dwarves)"
command -v objcopy >/dev/null || die "objcopy not found (binutils)"

# The release the module was built for, and the one the vmlinux is.
mod_rel=$(modinfo -F vermagic "$in" 2>/dev/null | awk '{ print $1 }') ||
	die "cannot read the vermagic of $in"
[ -n "$mod_rel" ] || die "$in has no vermagic: not a kernel module?"
if od -An -c -N 4 "$vmlinux" | tr -d ' \n' | grep '^177ELF$' >/dev/null; then
	vm_rel=$(LC_ALL=C grep -a -o -m 1 'Linux version [^ ]*' "$vmlinux" | awk '{ print $3 }' || true)
	[ -n "$vm_rel" ] || die "$vmlinux: no 'Linux version' string: not a vmlinux?"
	[ "$vm_rel" = "$mod_rel" ] ||
		die "$in was built for $mod_rel but $vmlinux is $vm_rel: its BTF would not match"
fi

mkdir -p "$(dirname "$out")"

# Kernels since 6.11 whose headers ship a vmlinux (Debian's 7.x) let Kbuild
# write the module's BTF itself, with a distilled base (.BTF.base) that the
# kernel relocates onto its own BTF at load: nothing to add, and pahole must
# not run again over it. Only check that it describes the module.
if readelf -S -W "$in" | grep ' \.BTF\.base ' >/dev/null; then
	"$bpftool" btf dump file "$in" format raw 2>/dev/null |
		grep "FUNC 'kbufmap_vm_fault'" >/dev/null ||
		die "$in: Kbuild's distilled BTF does not describe kbufmap_vm_fault"
	cp "$in" "$out"
	exit 0
fi

tmp=$(mktemp "${out}.XXXXXX")
trap 'rm -f "$tmp"' EXIT
cp "$in" "$tmp"
# pahole writes the section with $LLVM_OBJCOPY (default llvm-objcopy); this
# host's objcopy reads x86 objects only, so an arm64 module takes the cross
# binutils' one.
objcopy=objcopy
readelf -h "$in" | grep -q 'Machine: *AArch64' && objcopy=aarch64-linux-gnu-objcopy
LLVM_OBJCOPY=${LLVM_OBJCOPY:-$objcopy} "$pahole" -J --btf_base "$vmlinux" "$tmp" ||
	die "pahole -J --btf_base $vmlinux failed"
readelf -S -W "$tmp" | grep ' \.BTF ' >/dev/null || die "pahole left no .BTF section in the module"
if [ -x "$bpftool" ]; then
	"$bpftool" -B "$vmlinux" btf dump file "$tmp" format raw 2>/dev/null |
		grep "FUNC 'kbufmap_vm_fault'" >/dev/null ||
		die "the module's BTF does not describe kbufmap_vm_fault"
fi
chmod 0644 "$tmp"
mv "$tmp" "$out"
trap - EXIT
