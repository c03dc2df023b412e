#!/usr/bin/env bash
# `cmake --install` into a temporary prefix puts everything where its
# reader looks (man, bash-completion, fish, DKMS, udev), and touches
# nothing outside the prefix: the file system is listed before and after
# (paths, sizes, times; volatile trees left out) and must not change.
# TAP output (tests/lib/tap.sh).
# usage: install.sh BUILD_DIR
set -u
. "$(dirname "$0")/../lib/tap.sh"
build=${1:?usage: install.sh BUILD_DIR}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
prefix=$tmp/prefix

# Everything but kernel views, temporary and volatile trees, and /work,
# where the build tree (install_manifest.txt) and other builds live.
fs_listing() {
	find / -xdev \( -path /proc -o -path /sys -o -path /dev -o -path /run \
		-o -path /tmp -o -path /var/tmp -o -path /var/log -o -path /var/cache \
		-o -path /work -o -path /root/.cache -o -path "$tmp" \) -prune \
		-o -printf '%p %s %T@\n' 2>/dev/null | sort
}

fs_listing >"$tmp/before"
out=$(cmake --install "$build" --prefix "$prefix" 2>&1)
tap_is "cmake --install succeeds" "$?" 0
fs_listing >"$tmp/after"
changed=$(diff "$tmp/before" "$tmp/after" | grep '^[<>]' | head -20)
tap_is "nothing outside the prefix changed" "$changed" ""

version=$("$prefix/bin/kbufmapctl" --version | awk '{ print $2 }')
tap_like "the installed kbufmapctl runs and has a version" "$version" '^[0-9]+\.[0-9]+\.[0-9]+$'
for f in bin/kbufmapctl \
	share/man/man8/kbufmapctl.8 share/man/man4/kbufmap.4 \
	share/bash-completion/completions/kbufmapctl \
	share/zsh/vendor-completions/_kbufmapctl \
	share/fish/vendor_completions.d/kbufmapctl.fish \
	include/kbufmap/kbufmap.h \
	lib/udev/rules.d/60-kbufmap.rules lib/sysusers.d/kbufmap.conf \
	"src/kbufmap-$version/dkms.conf" "src/kbufmap-$version/kmod/Kbuild" \
	"src/kbufmap-$version/kmod/Makefile" "src/kbufmap-$version/include/uapi/kbufmap.h" \
	"src/kbufmap-$version/include/kbufmap_version.h"; do
	tap_ok "installed: $f" test -s "$prefix/$f"
done
for c in $("$prefix/bin/kbufmapctl" --list-cmds); do
	[ "$c" = help ] && continue
	tap_ok "installed: the page of $c" test -s "$prefix/share/man/man8/kbufmapctl-$c.8"
done
tap_ok "every module source is in the DKMS tree" \
	diff -r -x .gitignore "$(dirname "$0")/../../kmod" "$prefix/src/kbufmap-$version/kmod"
tap_like "dkms.conf names this version" "$(cat "$prefix/src/kbufmap-$version/dkms.conf")" \
	"PACKAGE_VERSION=\"$version\""
tap_like "the module's version header is the tool's version" \
	"$(cat "$prefix/src/kbufmap-$version/include/kbufmap_version.h")" \
	"KBUFMAP_VERSION_STRING \"$version\""
tap_like "the udev rule: group kbufmap, mode 0660" \
	"$(cat "$prefix/lib/udev/rules.d/60-kbufmap.rules")" \
	'KERNEL=="kbufmap".*GROUP="kbufmap".*MODE="0660"'

# Found where each reader looks, with only the prefix's bin on PATH (man
# derives its search path from PATH) or share in XDG_DATA_DIRS.
tap_is "man finds kbufmapctl(8) from PATH" \
	"$(PATH=$prefix/bin:/usr/bin:/bin MANPATH= man -w kbufmapctl 2>&1)" \
	"$prefix/share/man/man8/kbufmapctl.8"
tap_like "man kbufmapctl renders it" \
	"$(PATH=$prefix/bin:/usr/bin:/bin MANPATH= MANWIDTH=80 man kbufmapctl 2>&1)" "EXIT STATUS"
if [ -r /usr/share/bash-completion/bash_completion ]; then
	tap_like "bash-completion loads it on demand from XDG_DATA_DIRS" \
		"$(XDG_DATA_DIRS=$prefix/share bash -c '. /usr/share/bash-completion/bash_completion;
			_completion_loader kbufmapctl; complete -p kbufmapctl' 2>&1)" "_kbufmapctl kbufmapctl"
fi
if command -v fish >/dev/null; then
	tap_is "fish finds it in its vendor directory from XDG_DATA_DIRS" \
		"$(HOME=$tmp XDG_CONFIG_HOME=$tmp XDG_DATA_DIRS=$prefix/share PATH=$prefix/bin:$PATH fish -c \
			'complete -C "kbufmapctl veri"' | cut -f1)" verify
fi
tap_done
