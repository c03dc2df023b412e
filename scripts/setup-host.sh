#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Install everything kbufmap needs on a Debian 12 host, as root:
# build tools, QEMU, busybox for the guest's initramfs, BPF tooling, and the
# guest kernels scripts/kernels.list names: those this host can install with
# their headers (bookworm's 6.1, bookworm-backports' 6.12), and for the others
# (bullseye's 5.10, sid's 7.2) a debootstrap build root of their release with
# the kernel image unpacked in it (scripts/kernel-root), and a whole Debian
# system for the native quick-start test (trixie-backports' 7.3, the
# newest kernel Debian ships, with the README's build dependencies). A listed kernel that
# cannot be prepared fails the set-up with the reason, unless the user names
# fewer kernels explicitly (KBUFMAP_KERNELS="6.1 6.12", which kernel-root and
# the build honour too).
#
# Idempotent: a second run only checks. The backports source reuses the URI of
# the machine's own Debian source, so no mirror is named here.
set -euo pipefail

log() { printf 'setup-host: %s\n' "$*" >&2; }

if [ "$(id -u)" -ne 0 ]; then
	log "must run as root (it installs Debian packages)"
	exit 2
fi

export DEBIAN_FRONTEND=noninteractive
stamp=/var/lib/kbufmap-setup.done
want_rev=12	# bump when the package list below changes

here=$(cd "$(dirname "$0")" && pwd)

# The URI of the machine's own Debian source (never a name written here).
# shellcheck source=lib/debian-uri.sh
. "$here/lib/debian-uri.sh"


# The build roots of the kernels this host cannot install (kernels.list,
# where = root) and the user's machines (where = system), then the check
# that every selected kernel is ready: one that is not fails the set-up,
# with kernel-root's reason, never left out.
prepare_roots() {
	local series release where extra uri entries missing ready
	uri=$(debian_uri)
	entries=$("$here/kernel-root" entries) || exit 1
	while read -r series release where extra; do
		[ "$where" != host ] || continue
		if [ -z "$uri" ]; then
			log "kernel $series ($release): no Debian bookworm source in /etc/apt to debootstrap it from"
			continue
		fi
		case "$where" in
		system) "$here/kernel-root" prepare-system "$release" "$uri" "$extra" ;;
		arm64*) "$here/kernel-root" prepare-arm64 "$release" "$uri" "$where" "$extra" ;;
		*) "$here/kernel-root" prepare "$release" "$uri" "$extra" ;;
		esac ||
			log "kernel $series ($release): its $where root could not be prepared (above)"
	done <<<"$entries"
	missing=$({ "$here/kernel-root" list && "$here/kernel-root" systems; } 2>&1 >/dev/null) || true
	if [ -n "$missing" ]; then
		printf '%s\n' "$missing" >&2
		ready=$({ "$here/kernel-root" list; "$here/kernel-root" systems; } 2>/dev/null | awk '{ printf "%s%s", sep, $1; sep = " " }')
		log "FAILED: scripts/kernels.list names kernels this machine could not prepare" \
			"(above). Fix that, or test fewer kernels explicitly, e.g." \
			"KBUFMAP_KERNELS=\"${ready:-6.1 6.12}\" scripts/test.sh"
		exit 1
	fi
	[ -z "${KBUFMAP_KERNELS:-}" ] ||
		log "KBUFMAP_KERNELS=\"$KBUFMAP_KERNELS\": only these kernels of kernels.list are prepared"
}

if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want_rev" ] &&
   ls /lib/modules/*/build >/dev/null 2>&1; then
	log "packages already set up (remove $stamp to force)"
	prepare_roots
	exit 0
fi

# --- bookworm-backports, reusing the machine's own Debian URI -------------
bp=/etc/apt/sources.list.d/kbufmap-bookworm-backports.sources
if ! grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
	uri=$(debian_uri)
	if [ -z "$uri" ]; then
		log "cannot find this machine's Debian bookworm source to reuse for backports"
		exit 1
	fi
	log "adding bookworm-backports from the machine's Debian source"
	cat >"$bp" <<SRC
Types: deb
URIs: $uri
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
fi

log "apt-get update"
apt-get update -qq

pkgs=(
	build-essential cmake pkg-config git ca-certificates
	libbpf-dev libelf-dev zlib1g-dev
	clang llvm bpftool dwarves
	qemu-system-x86 busybox-static cpio kmod zstd xz-utils e2fsprogs
	python3 jq
	gojq	# tests/lib/tap.sh: jq in the tests, 12 times faster to start under emulation
	stress-ng	# tests/guest/stress_ng.sh: stress-ng --dev on the device
	debootstrap	# the build roots of kernels.list's "root" kernels
	bash-completion	# tests/host/completion.sh drives the completion in real bash
	zsh fish	# tests/host/completion_shells.sh: the zsh and fish completions, in those shells
	mandoc groff man-db	# tests/host/man_lint.sh: mandoc -T lint, groff -ww, man --warnings, lexgrog
	dkms	# tests/host/dkms_build.sh: dkms add/build of the installed module source
	gnuplot-nox	# bench/plot.sh: the bench plots (svg and pngcairo terminals)
	bpftrace	# bench/trace-overhead.sh: the same histogram, bpftrace's cost beside ours
	strace	# tests/host/install.sh: every file cmake --install writes
	linux-source-6.1	# for scripts/checkpatch.pl (kernel style of kmod/)
	linux-image-amd64 linux-headers-amd64
	qemu-system-arm gcc-12-aarch64-linux-gnu	# the arm64 guests, the cross-built module and tool
)
log "installing build tools, QEMU and the bookworm kernel"
apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >/dev/null

# The backports kernel: follow what its metapackages point at, so no version
# number is written down here.
bp_dep() {	# $1 = metapackage; prints the versioned package it depends on
	apt-cache show "$1/bookworm-backports" 2>/dev/null |
		awk -F': ' '/^Depends:/ { print $2; exit }' |
		tr ',' '\n' | sed -E 's/^ *//; s/ .*//' | grep -E '^linux-' | head -n 1
}
img=$(bp_dep linux-image-amd64)
hdr=$(bp_dep linux-headers-amd64)
if [ -z "$img" ] || [ -z "$hdr" ]; then
	log "bookworm-backports offers no linux-image-amd64/linux-headers-amd64"
	exit 1
fi
# Prefer the unsigned image when the signed one is not offered.
if ! apt-cache show "$img" >/dev/null 2>&1; then
	img="${img}-unsigned"
fi
log "installing the backports kernel: $img $hdr"
apt-get install -y -qq --no-install-recommends -t bookworm-backports "$img" "$hdr" >/dev/null

n=0
for b in /lib/modules/*/build; do
	v=$(basename "$(dirname "$b")")
	[ -f "/boot/vmlinuz-$v" ] && n=$((n + 1)) && log "guest kernel ready: $v"
done
if [ "$n" -lt 2 ]; then
	log "expected two kernels with headers, found $n"
	exit 1
fi
echo "$want_rev" >"$stamp"
prepare_roots
log "done"
