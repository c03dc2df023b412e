#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# extract-vmlinux.sh VMLINUZ OUT
#
# Unpack the ELF vmlinux from an x86 bzImage (Debian's /boot/vmlinuz-V) and
# check that it carries a .BTF section: the BTF that vmlinux.h and the module's
# split BTF are generated from. The kernel headers packages ship no
# extract-vmlinux script, hence this one.
#
# Debian's arm64 vmlinuz is a plain Image, no ELF inside: OUT is then the
# raw BTF (the .BTF section's bytes, which the Image holds as they are),
# which bpftool and pahole read as well as an ELF.
#
# The compressed payload is located from the boot protocol header
# (setup_sects at 0x1f1, payload_offset/payload_length at 0x248/0x24c,
# protocol >= 2.08); its first bytes tell the compression. When the header is
# unusable, the image is scanned for the known magics, as the kernel's own
# scripts/extract-vmlinux does.
set -euo pipefail

me=extract-vmlinux
die() { echo "$me: $*" >&2; exit 1; }

[ $# -eq 2 ] || { echo "usage: $me VMLINUZ OUT" >&2; exit 2; }
img=$1 out=$2
[ -r "$img" ] || die "cannot read $img"
for t in od readelf; do command -v "$t" >/dev/null || die "$t not found"; done

tmp=$(mktemp "${out}.XXXXXX")
trap 'rm -f "$tmp"' EXIT

# u32/u16/u8 little endian at a byte offset.
rd() { od -An -t "u$2" -j "$1" -N "$2" --endian=little "$img" | tr -d ' '; }

# An arm64 Image ("ARM\x64" at 0x38): the raw BTF is the first BTF header
# in it (magic 0xeb9f, version 1, header length 24), whose string section
# ends the blob: header + str_off + str_len bytes.
if [ "$(od -An -t x1 -j 56 -N 4 "$img" | tr -d ' \n')" = 41524d64 ]; then
	off=$(LC_ALL=C grep -obUaP '\x9f\xeb\x01\x00\x18\x00\x00\x00' "$img" | head -n 1 | cut -d: -f1)
	[ -n "$off" ] || die "the arm64 kernel in $img has no BTF (built without CONFIG_DEBUG_INFO_BTF?)"
	len=$(( 24 + $(rd $((off + 16)) 4) + $(rd $((off + 20)) 4) ))
	dd if="$img" of="$tmp" bs=64K iflag=skip_bytes,count_bytes skip="$off" count="$len" status=none
	[ "$(stat -c %s "$tmp")" = "$len" ] || die "$img: the BTF at offset $off is cut short"
	echo "$me: arm64 Image: raw BTF at offset $off, $len bytes" >&2
	chmod 0644 "$tmp"
	mv "$tmp" "$out"
	trap - EXIT
	exit 0
fi

# Which tool decompresses data starting with these hex bytes.
tool_for() {
	case "$1" in
	28b52ffd*) echo "zstd -qdc" ;;
	fd377a585a00*) echo "xz -qdc" ;;
	1f8b08*|1f8b09*) echo "gzip -qdc" ;;
	425a68*) echo "bzip2 -qdc" ;;
	5d000000*) echo "xz -qdc --format=lzma" ;;
	894c5a4f*) echo "lzop -qdc" ;;
	02214c18*) echo "lz4 -qdc" ;;
	*) return 1 ;;
	esac
}

# Decompress from byte offset $1 (length $2, or to the end) and accept the
# result only if it is an ELF with a .BTF section. Decompressors complain
# about the bytes that follow the stream (the appended size, padding): their
# status is not trusted, the ELF check decides.
try_at() {
	local off=$1 len=$2 magic tool
	magic=$(od -An -t x1 -j "$off" -N 6 "$img" | tr -d ' \n')
	tool=$(tool_for "$magic") || return 1
	command -v "${tool%% *}" >/dev/null || { echo "$me: ${tool%% *} not installed" >&2; return 1; }
	if [ -n "$len" ]; then
		tail -c +"$((off + 1))" "$img" | head -c "$len" | $tool >"$tmp" 2>/dev/null || true
	else
		tail -c +"$((off + 1))" "$img" | $tool >"$tmp" 2>/dev/null || true
	fi
	[ "$(od -An -t x1 -N 4 "$tmp" | tr -d ' \n')" = 7f454c46 ] || return 1
	echo "$me: payload at offset $off, decompressed with ${tool%% *}" >&2
	return 0
}

found=0
if [ "$(od -An -c -j 514 -N 4 "$img" | tr -d ' ')" = HdrS ] &&
   [ "$(rd 518 2)" -ge $((0x208)) ]; then
	setup_sects=$(rd $((0x1f1)) 1)
	[ "$setup_sects" -eq 0 ] && setup_sects=4
	poff=$(rd $((0x248)) 4)
	plen=$(rd $((0x24c)) 4)
	try_at $(( (setup_sects + 1) * 512 + poff )) "$plen" && found=1
fi
if [ "$found" = 0 ]; then
	# Fallback: every offset where a known magic appears.
	for m in '\x28\xb5\x2f\xfd' '\xfd\x37\x7a\x58\x5a\x00' '\x1f\x8b\x08'; do
		for off in $(LC_ALL=C grep -obUaP "$m" "$img" | cut -d: -f1); do
			try_at "$off" "" && { found=1; break 2; }
		done
	done
fi
[ "$found" = 1 ] || die "no compressed ELF kernel found in $img"

readelf -S -W "$tmp" | grep ' \.BTF ' >/dev/null ||
	die "the kernel in $img has no .BTF section (built without CONFIG_DEBUG_INFO_BTF?)"
chmod 0644 "$tmp"
mv "$tmp" "$out"
trap - EXIT
