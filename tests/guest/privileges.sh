#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# kbufmapctl as an unprivileged user (uid/gid 65534, no groups, no
# capabilities): refused with exit 5 and a message that says why while the
# device is root's alone; with the device opened to everyone, `verify --mode
# shared` runs and the checks that need physical addresses SKIP with their
# reason instead of failing. TAP (tests/lib/tap.sh).
# usage: privileges.sh PATH/TO/kbufmapctl
set -u
. "$(dirname "$0")/../lib/tap.sh"

cli=${1:?usage: privileges.sh PATH/TO/kbufmapctl}
dev=/dev/kbufmap
exit_access=5
# The same drop of privileges a login shell of "nobody" would have, in a
# cgroup of its own (tests/lib/tap.sh).
nobody() { tap_as_nobody "$@"; }

if ! command -v setpriv >/dev/null; then
	tap_skip "unprivileged kbufmapctl" "setpriv (util-linux) is not installed"
	tap_done
fi
mode=$(stat -c %a "$dev") || { tap_result 1 "$dev exists"; tap_done; }
tap_scratch 'chmod "$mode" "$dev"'
chmod 0755 "$tmp"

# 0. Who the unprivileged user is: nobody, no groups, no capabilities, in a
# cgroup of its own beside the test's (guest-run names the test's scope).
tap_is "unprivileged: uid, gid and groups" "$(nobody id -u) $(nobody id -g) $(nobody id -G)" \
	"65534 65534 65534"
tap_is "unprivileged: no capabilities" "$(nobody grep -E '^Cap(Inh|Prm|Eff|Bnd|Amb):' /proc/self/status |
	awk '$2 !~ /^0+$/')" ""
if [ -n "${KBUFMAP_CGROUP:-}" ]; then
	tap_is "unprivileged: in the cgroup nobody/ beside the test's" "$(nobody cat /proc/self/cgroup)" \
		"0::${KBUFMAP_CGROUP#/sys/fs/cgroup}/nobody"
else
	tap_skip "unprivileged: in a cgroup of its own" "not run by guest-run (no KBUFMAP_CGROUP)"
fi

# 1. The device is root's: refused, exit 5, and the message says so.
chmod 0600 "$dev"
nobody "$cli" verify --mode shared >"$tmp/out" 2>"$tmp/err"
tap_is "no access to $dev: exit status $exit_access" "$?" "$exit_access"
tap_like "no access: the message names the device and the refusal" \
	"$(cat "$tmp/err")" "$dev.*(permission denied|Permission denied)"
nobody "$cli" -j verify --mode shared >"$tmp/out" 2>"$tmp/err"
tap_is "no access, JSON: exit status $exit_access" "$?" "$exit_access"
tap_ok "no access, JSON: stdout is still JSON" jq -se 'length == 1' "$tmp/out"

# 2. Access granted: the run passes, and the PFN checks skip with a reason.
chmod 0666 "$dev"
nobody "$cli" verify --mode shared --tap >"$tmp/out" 2>"$tmp/err"
rc=$?
tap_ok "with access: verify --mode shared passes or skips (exit $rc)" test "$rc" -eq 0 -o "$rc" -eq 4
tap_is "with access: no check fails" "$(grep -c '^not ok' "$tmp/out")" 0
skips=$(grep -E '^ok .*# SKIP' "$tmp/out")
tap_like "with access: a PFN check skips, saying it needs CAP_SYS_ADMIN" "$skips" "CAP_SYS_ADMIN"
tap_like "with access: the cache family skips, saying KBUFMAP_IOC_PGATTR needs CAP_SYS_ADMIN" \
	"$(printf '%s\n' "$skips" | grep -E 'cache-(attribute|no-alias)')" \
	"KBUFMAP_IOC_PGATTR needs CAP_SYS_ADMIN"
tap_like "with access: some check really ran and passed" "$(grep -E '^ok ' "$tmp/out" | grep -v '# SKIP')" '^ok '
printf '%s\n' "$skips" | sed 's/^/#   /'

chmod "$mode" "$dev"
tap_is "the device's mode is restored" "$(stat -c %a "$dev")" "$mode"
rm -rf "$tmp"
tap_done
