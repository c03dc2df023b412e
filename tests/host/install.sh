#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `cmake --install` into a temporary prefix puts everything where its
# reader looks (man, bash-completion, fish, DKMS, udev), and writes
# nothing outside the prefix: every file system call that writes (open for
# writing, create, rename, remove, chmod, utime, ...) is traced with strace
# and its paths must lie in the prefix (or be the build tree's
# install_manifest.txt). Tracing the installer, rather than listing the
# file system before and after, is not fooled by the tests that run beside
# this one.
# TAP output (tests/lib/tap.sh).
# usage: install.sh BUILD_DIR
set -u
. "$(dirname "$0")/../lib/tap.sh"
build=${1:?usage: install.sh BUILD_DIR}
if ! command -v strace >/dev/null; then
	tap_result 1 "strace is installed" "scripts/setup-host.sh installs it"
	tap_done
fi
tap_scratch
prefix=$tmp/prefix

# The paths a trace wrote to, one a line; "?" for a path not absolute.
written_paths() {
	python3 - "$1" <<'PY'
import re, sys
call_re = re.compile(r'^\d+\s+(\w+)\((.*)\)\s+=\s+(-?\d+)')
writes = re.compile(r'(mkdir|rmdir|rename|unlink|symlink|link|chmod|fchmodat|'
                    r'utime|chown|lchown|fchownat|truncate|mknod|setxattr|removexattr)')
for line in open(sys.argv[1]):
    m = call_re.match(line)
    if not m or int(m.group(3)) < 0:
        continue
    call, args = m.group(1), m.group(2)
    if call in ('open', 'openat', 'openat2'):
        if not re.search(r'O_WRONLY|O_RDWR|O_CREAT|O_TRUNC', args):
            continue
    elif call != 'creat' and not writes.match(call):
        continue
    for path in re.findall(r'"((?:[^"\\]|\\.)*)"', args):
        print(path if path.startswith('/') else '?' + path)
PY
}

out=$(strace -f -qq -e trace=%file -o "$tmp/trace" \
	cmake --install "$build" --prefix "$prefix" 2>&1)
tap_is "cmake --install succeeds" "$?" 0
outside=$(written_paths "$tmp/trace" | grep -v -e "^$prefix/" -e "^$prefix\$" \
	-e "^$(realpath "$build")/install_manifest.txt\$" | sort -u | head -20)
tap_is "nothing outside the prefix was written" "$outside" ""
# The check can fail: a write elsewhere is seen, whichever call makes it.
strace -f -qq -e trace=%file -o "$tmp/self" sh -c \
	"echo x >'$tmp/elsewhere'; mv '$tmp/elsewhere' '$tmp/moved'; chmod 600 '$tmp/moved'"
tap_is "self-check: the trace sees writes outside a prefix" \
	"$(written_paths "$tmp/self" | sort -u | tr '\n' ' ')" "$tmp/elsewhere $tmp/moved "

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
	"src/kbufmap-$version/include/kbufmap_version.h" \
	share/doc/kbufmap/LICENSE "src/kbufmap-$version/LICENSE"; do
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
