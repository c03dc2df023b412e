#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The DKMS tree as `cmake --install --component dkms` lays it out holds what
# the module needs and nothing else: the module source (kmod/), the headers
# it compiles (include/), LICENSE and dkms.conf, each the source tree's own,
# with nothing built and no path of the build that installed it. Then
# dkms.conf's MAKE line, run as DKMS runs it (no dkms needed), builds the
# module from that tree alone against one kernel's headers. TAP output
# (tests/lib/tap.sh).
# usage: dkms_tree.sh BUILD_DIR SOURCE_DIR KDIR
set -u
. "$(dirname "$0")/../lib/tap.sh"
usage="usage: dkms_tree.sh BUILD_DIR SOURCE_DIR KDIR"
build=${1:?$usage} src=${2:?$usage} kdir=${3:?$usage}
tap_scratch

tap_ok "cmake --install --component dkms" \
	cmake --install "$build" --component dkms --prefix "$tmp/prefix"
version=$(sed -n 's/^#define KBUFMAP_VERSION_STRING "\(.*\)"$/\1/p' "$src/include/kbufmap_version.h")
tree=$tmp/prefix/src/kbufmap-$version
tap_ok "the tree is src/kbufmap-$version" test -d "$tree"
tap_is "the component installs the DKMS tree only" "$(ls "$tmp/prefix")" src

# What the module needs, from the source tree.
want=$( (cd "$src" && ls kmod/*.c kmod/*.h kmod/Kbuild kmod/Makefile \
	include/*.h include/uapi/*.h LICENSE; echo dkms.conf) | sort)
tap_is "its files: kmod/, include/, LICENSE, dkms.conf and nothing else" \
	"$(cd "$tree" && find . -type f | sed 's|^\./||' | sort)" "$want"
different=
for f in $want; do
	[ "$f" = dkms.conf ] || cmp -s "$src/$f" "$tree/$f" || different="$different $f"
done
tap_is "each is the source tree's file, unchanged" "$different" ""
tap_is "no path of the build or the source in it" \
	"$(grep -rlF -e "$(realpath "$build")" -e "$(realpath "$src")" "$tree")" ""
conf=$(cat "$tree/dkms.conf")
tap_like "dkms.conf: this version" "$conf" "^PACKAGE_VERSION=\"$version\"\$"
tap_is "dkms.conf: no kernel release written in" \
	"$(grep -E '[0-9]+\.[0-9]+\.[0-9]+-' "$tree/dkms.conf")" ""

# dkms.conf's MAKE[0], with the kernel DKMS would pass, from the tree.
make_line=$(sed -n 's/^MAKE\[0\]="\(.*\)"$/\1/p' "$tree/dkms.conf")
tap_like "dkms.conf has a MAKE line" "$make_line" "make "
# shellcheck disable=SC2016 # DKMS's own placeholder, literally
placeholder='${kernel_source_dir}'
make_cmd=${make_line//"$placeholder"/$kdir}
tap_ok "dkms.conf's MAKE builds from the tree alone: $make_cmd" \
	bash -c "cd '$tree' && MAKEFLAGS= $make_cmd -s"
ko=$tree/$(sed -n 's/^BUILT_MODULE_LOCATION\[0\]="\(.*\)"$/\1/p' "$tree/dkms.conf")kbufmap.ko
tap_is "the module's version is the tree's" "$(modinfo -F version "$ko" 2>&1)" "$version"
tap_is "it was built for the kernel of $kdir" \
	"$(modinfo -F vermagic "$ko" 2>&1 | awk '{ print $1 }')" \
	"$(sed -n 's/^#define UTS_RELEASE "\(.*\)"$/\1/p' "$kdir/include/generated/utsrelease.h")"
tap_done
