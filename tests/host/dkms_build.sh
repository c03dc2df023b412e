#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `dkms add` and `dkms build` of the module source as `cmake --install`
# lays it out, against one kernel's headers, in private DKMS trees (and a
# private signing key) so nothing of the machine's DKMS state changes. The
# module it builds is left in OUT_DIR/kbufmap.ko for the guest test that
# loads it. A kernel this machine cannot install has its headers in a build
# root (scripts/kernel-root): ROOT, where DKMS runs chrooted, with the
# release's own dkms and compiler. TAP output (tests/lib/tap.sh).
# usage: dkms_build.sh BUILD_DIR KERNEL_RELEASE OUT_DIR [ROOT]
set -u
. "$(dirname "$0")/../lib/tap.sh"
usage="usage: dkms_build.sh BUILD_DIR KERNEL_RELEASE OUT_DIR [ROOT]"
build=${1:?$usage} kver=${2:?$usage} outdir=${3:?$usage} root=${4:-/}
kernel_root=$(cd "$(dirname "$0")/../../scripts" && pwd)/kernel-root
if [ "$root" = / ] && ! command -v dkms >/dev/null; then
	tap_skip "dkms build for $kver" "no dkms on this machine: run scripts/setup-host.sh"
	tap_done
	exit $?
elif [ "$root" != / ] && [ ! -x "$root/usr/sbin/dkms" ]; then
	tap_skip "dkms build for $kver" "no dkms in the build root $root: run scripts/setup-host.sh"
	tap_done
	exit $?
fi
tap_scratch
rm -f "$outdir/kbufmap.ko"
mkdir -p "$outdir"

cmake --install "$build" --prefix "$tmp/prefix" >/dev/null
version=$("$tmp/prefix/bin/kbufmapctl" --version | awk '{ print $2 }')
trees=(--sourcetree "$tmp/prefix/src" --dkmstree "$tmp/dkms" --installtree "$tmp/modules")
mkdir -p "$tmp/dkms" "$tmp/modules/$kver"
# dkms 3.2 (sid) looks for the headers under the private install tree
# (--kernelsourcedir would make bullseye's dkms 2.8 "prepare" the tree).
ln -s "/lib/modules/$kver/build" "$tmp/modules/$kver/build"
keys=(mok_signing_key="$tmp/mok.key" mok_certificate="$tmp/mok.pub")
# dkms, here or chrooted in the build root with $tmp at the same path.
run_dkms() {
	if [ "$root" = / ]; then env "${keys[@]}" dkms "$@"
	else "$kernel_root" run "$root" "$tmp" -- env "${keys[@]}" dkms "$@"; fi
}

tap_ok "dkms add kbufmap/$version" run_dkms add -m kbufmap -v "$version" "${trees[@]}"
where=
[ "$root" = / ] || where=", chrooted in its build root"
tap_ok "dkms build against $kver's headers$where" \
	run_dkms build -m kbufmap -v "$version" -k "$kver" "${trees[@]}"
ko=$(find "$tmp/dkms/kbufmap/$version/$kver" -name 'kbufmap.ko*' | head -1)
tap_ok "dkms left a module" test -n "$ko"
case $ko in
*.xz) xz -dc "$ko" >"$outdir/kbufmap.ko" ;;
*.zst) zstd -qdc "$ko" >"$outdir/kbufmap.ko" ;;
*) cp "$ko" "$outdir/kbufmap.ko" ;;
esac
tap_is "its MODULE_VERSION is the tool's version" \
	"$(modinfo -F version "$outdir/kbufmap.ko" 2>&1)" "$version"
tap_is "it was built for $kver" \
	"$(modinfo -F vermagic "$outdir/kbufmap.ko" 2>&1 | awk '{ print $1 }')" "$kver"
tap_done
