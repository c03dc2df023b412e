#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# scripts/native-deps names what a native build lacks, with its package, and
# the native configure and `demo.sh --native` stop with that list: each
# dependency is taken away in turn (PATH, pkg-config's search path, a made-up
# kernel tree), never by changing the machine. --install runs a stand-in
# apt-get/dnf from PATH. TAP output (tests/lib/tap.sh).
# usage: native_deps.sh SOURCE_DIR KDIR   (KDIR: a kernel build tree here)
set -u
. "$(dirname "$0")/../lib/tap.sh"
src=${1:?usage: native_deps.sh SOURCE_DIR KDIR} kdir=${2:?usage: native_deps.sh SOURCE_DIR KDIR}
deps=$src/scripts/native-deps
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
btf=/sys/kernel/btf/vmlinux
[ -r "$btf" ] || btf=$kdir/vmlinux

# run CMD...: CMD's output (both streams) in got, as one line (so one
# regular expression spans it), its status in rc.
got='' rc=0
run() { got=$("$@" 2>&1); rc=$?; got=${got//$'\n'/ }; }

run "$deps" --kdir "$kdir" --btf "$btf"
tap_is "nothing missing for $kdir (this machine is set up)" "$rc" 0 || true
[ "$rc" = 0 ] || echo "# $got"

run "$deps" --kdir "$tmp/no-such-tree" --btf "$btf"
tap_is "no kernel tree: exit 1" "$rc" 1
tap_like "no kernel tree: named, with the way to give one" "$got" \
	"missing: the kernel's build tree $tmp/no-such-tree.*KBUFMAP_KDIR=DIR"

mkdir "$tmp/pc"
run env PKG_CONFIG_LIBDIR="$tmp/pc" "$deps" --kdir "$kdir" --btf "$btf"
tap_like "no libbpf, libelf, zlib: each named with its packages" "$got" \
	"libbpf-dev \(Debian, Ubuntu\), libbpf-devel \(Fedora\).*libelf-dev.*zlib1g-dev \(Debian, Ubuntu\), zlib-devel"
tap_like "one install command for all of them" "$got" \
	"To install them: sudo (apt-get install -y --no-install-recommends|dnf install -y) .*zlib"

# PATH without clang and llvm-strip (CMake's other names for them too).
mkdir "$tmp/bin"
for f in /usr/local/bin/* /usr/bin/* /bin/*; do
	case ${f##*/} in clang*|llvm-strip*|pahole) continue ;; esac
	[ -e "$tmp/bin/${f##*/}" ] || ln -s "$f" "$tmp/bin/${f##*/}"
done
run env PATH="$tmp/bin" "$deps" --kdir "$kdir" --btf "$btf"
tap_like "no clang, no llvm-strip: both named" "$got" \
	"missing: clang .*package: clang .*missing: llvm-strip .*package: llvm "

run "$deps" --kdir "$kdir" --btf "$tmp/no-btf"
tap_like "no BTF: named, with KBUFMAP_VMLINUX_BTF" "$got" \
	"missing: the kernel's BTF \($tmp/no-btf\).*CONFIG_DEBUG_INFO_BTF=y.*KBUFMAP_VMLINUX_BTF=FILE"

# pahole: needed when the tree wants module BTF and ships the vmlinux.
mkdir "$tmp/tree"
touch "$tmp/tree/Makefile" "$tmp/tree/vmlinux"
echo CONFIG_DEBUG_INFO_BTF_MODULES=y >"$tmp/tree/.config"
run env PATH="$tmp/bin" "$deps" --kdir "$tmp/tree" --btf "$btf"
tap_like "module BTF without pahole: dwarves named" "$got" \
	"missing: pahole .*package: dwarves"
rm "$tmp/tree/vmlinux"
run env PATH="$tmp/bin" "$deps" --kdir "$tmp/tree" --btf "$btf"
case $got in
*pahole*) tap_result 1 "headers without vmlinux: pahole not asked for" "$got" ;;
*) tap_result 0 "headers without vmlinux: pahole not asked for" ;;
esac

# --install: the package manager is a stand-in that records its arguments.
mkdir "$tmp/pm"
for pm in apt-get dnf; do
	printf '#!/bin/sh\necho "$*" >>"%s/pm.log"\n' "$tmp" >"$tmp/pm/$pm"
	chmod +x "$tmp/pm/$pm"
done
run env PATH="$tmp/pm:$PATH" PKG_CONFIG_LIBDIR="$tmp/pc" "$deps" --install --kdir "$kdir" --btf "$btf"
tap_is "--install, still missing after it: exit 1" "$rc" 1
if [ "$(id -u)" != 0 ]; then
	tap_like "--install as a user: says root is needed" "$got" "installing needs root: sudo "
elif grep -qsE '^ID(_LIKE)?=.*(debian|ubuntu|fedora|rhel)' /etc/os-release; then
	tap_like "--install ran the package manager for the missing packages" \
		"$(cat "$tmp/pm.log" 2>&1)" "install -y .*(libbpf-dev|libbpf-devel)"
	tap_like "--install lists what is still missing" "$got" "still missing after the install:.*missing: libbpf"
else
	tap_skip "--install with the package manager" "neither a Debian nor a Fedora family system"
fi

run env PATH="$tmp/pm:$PATH" PKG_CONFIG_LIBDIR="$tmp/pc" "$src/scripts/demo.sh" --native
tap_is "demo.sh --native stops before building when something is missing" "$rc" 1
tap_like "demo.sh --native says what is missing" "$got" \
	"missing: libbpf.*demo.sh: the native demo needs what is listed above"

run cmake -S "$src" -B "$tmp/build" -DKBUFMAP_KDIR="$tmp/no-such-tree"
tap_like "native configure: stops and names the missing kernel tree" "$got" \
	"the native build needs what this machine lacks:.*missing: the kernel's build tree"
tap_done
