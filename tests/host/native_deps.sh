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
tap_scratch
btf=/sys/kernel/btf/vmlinux
[ -r "$btf" ] || btf=$kdir/vmlinux

# Each run: both streams in $out; a regular expression that spans its lines
# is matched against "${out//$'\n'/ }", the output as one line.

tap_run -2 "$deps" --kdir "$kdir" --btf "$btf"
tap_is "nothing missing for $kdir (this machine is set up)" "$rc" 0 || true
[ "$rc" = 0 ] || tap_diag "$out"

tap_run -2 "$deps" --kdir "$tmp/no-such-tree" --btf "$btf"
tap_is "no kernel tree: exit 1" "$rc" 1
tap_like "no kernel tree: named, with the way to give one" "${out//$'\n'/ }" \
	"missing: the kernel's build tree $tmp/no-such-tree.*KBUFMAP_KDIR=DIR"

mkdir "$tmp/pc"
tap_run -2 env PKG_CONFIG_LIBDIR="$tmp/pc" "$deps" --kdir "$kdir" --btf "$btf"
tap_like "no libbpf, libelf, zlib: each named with its packages" "${out//$'\n'/ }" \
	"libbpf-dev \(Debian, Ubuntu\), libbpf-devel \(Fedora\).*libelf-dev.*zlib1g-dev \(Debian, Ubuntu\), zlib-devel"
tap_like "one install command for all of them" "${out//$'\n'/ }" \
	"To install them: sudo (apt-get install -y --no-install-recommends|dnf install -y) .*zlib"

# PATH without clang and llvm-strip (CMake's other names for them too).
mkdir "$tmp/bin"
for f in /usr/local/bin/* /usr/bin/* /bin/*; do
	case ${f##*/} in clang*|llvm-strip*|pahole) continue ;; esac
	[ -e "$tmp/bin/${f##*/}" ] || ln -s "$f" "$tmp/bin/${f##*/}"
done
tap_run -2 env PATH="$tmp/bin" "$deps" --kdir "$kdir" --btf "$btf"
tap_like "no clang, no llvm-strip: both named" "${out//$'\n'/ }" \
	"missing: clang .*package: clang .*missing: llvm-strip .*package: llvm "

tap_run -2 "$deps" --kdir "$kdir" --btf "$tmp/no-btf"
tap_like "no BTF: named, with KBUFMAP_VMLINUX_BTF" "${out//$'\n'/ }" \
	"missing: the kernel's BTF \($tmp/no-btf\).*CONFIG_DEBUG_INFO_BTF=y.*KBUFMAP_VMLINUX_BTF=FILE"

# pahole: needed when the tree wants module BTF and ships the vmlinux.
mkdir "$tmp/tree"
touch "$tmp/tree/Makefile" "$tmp/tree/vmlinux"
echo CONFIG_DEBUG_INFO_BTF_MODULES=y >"$tmp/tree/.config"
tap_run -2 env PATH="$tmp/bin" "$deps" --kdir "$tmp/tree" --btf "$btf"
tap_like "module BTF without pahole: dwarves named" "${out//$'\n'/ }" \
	"missing: pahole .*package: dwarves"
rm "$tmp/tree/vmlinux"
tap_run -2 env PATH="$tmp/bin" "$deps" --kdir "$tmp/tree" --btf "$btf"
case $out in
*pahole*) tap_result 1 "headers without vmlinux: pahole not asked for" "$out" ;;
*) tap_result 0 "headers without vmlinux: pahole not asked for" ;;
esac

# --install: the package manager is a stand-in that records its arguments.
mkdir "$tmp/pm"
for pm in apt-get dnf; do
	printf '#!/bin/sh\necho "$*" >>"%s/pm.log"\n' "$tmp" >"$tmp/pm/$pm"
	chmod +x "$tmp/pm/$pm"
done
tap_run -2 env PATH="$tmp/pm:$PATH" PKG_CONFIG_LIBDIR="$tmp/pc" "$deps" --install --kdir "$kdir" --btf "$btf"
tap_is "--install, still missing after it: exit 1" "$rc" 1
if [ "$(id -u)" != 0 ]; then
	tap_like "--install as a user: says root is needed" "${out//$'\n'/ }" "installing needs root: sudo "
elif grep -qsE '^ID(_LIKE)?=.*(debian|ubuntu|fedora|rhel)' /etc/os-release; then
	tap_like "--install ran the package manager for the missing packages" \
		"$(cat "$tmp/pm.log" 2>&1)" "install -y .*(libbpf-dev|libbpf-devel)"
	tap_like "--install lists what is still missing" "${out//$'\n'/ }" "still missing after the install:.*missing: libbpf"
else
	tap_skip "--install with the package manager" "neither a Debian nor a Fedora family system"
fi

tap_run -2 env PATH="$tmp/pm:$PATH" PKG_CONFIG_LIBDIR="$tmp/pc" "$src/scripts/demo.sh" --native
tap_is "demo.sh --native stops before building when something is missing" "$rc" 1
tap_like "demo.sh --native says what is missing" "${out//$'\n'/ }" \
	"missing: libbpf.*demo.sh: the native demo needs what is listed above"

tap_run -2 cmake -S "$src" -B "$tmp/build" -DKBUFMAP_KDIR="$tmp/no-such-tree"
tap_like "native configure: stops and names the missing kernel tree" "${out//$'\n'/ }" \
	"the native build needs what this machine lacks:.*missing: the kernel's build tree"
tap_done
