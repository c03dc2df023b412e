#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The installed udev rule's effect: a user in its group may use the device
# without root, a user outside gets "access denied" and exit 5. Run as root
# in a guest with the module loaded. The guest runs no udevd, so the rule's
# GROUP and MODE are applied as udev would apply them, with chgrp and chmod
# on the device, read from the rule file itself.
# usage: udev_group.sh KBUFMAPCTL RULE_FILE
set -u
. "$(dirname "$0")/../lib/tap.sh"
cli=${1:?usage: udev_group.sh KBUFMAPCTL RULE_FILE}
rule=${2:?usage: udev_group.sh KBUFMAPCTL RULE_FILE}
dev=/dev/kbufmap

group=$(sed -nE 's/.*GROUP="([^"]+)".*/\1/p' "$rule")
mode=$(sed -nE 's/.*MODE="([0-7]+)".*/\1/p' "$rule")
tap_ok "the rule names a group and a mode" test -n "$group" -a -n "$mode"
tap_is "the module creates $dev for root alone" "$(stat -c '%a %U' "$dev")" "600 root"

if pidof systemd-udevd udevd >/dev/null 2>&1; then
	tap_diag "udevd runs here, but the rule is applied by hand all the same"
else
	tap_diag "no udevd in this guest: applying the rule's GROUP=$group MODE=$mode with chgrp/chmod"
fi
# The root file system is read-only here: a missing group cannot be added,
# so a free gid stands in for it.
gid=$(getent group "$group" | cut -d: -f3)
if [ -z "$gid" ]; then
	gid=4242
	tap_diag "no group $group on this root file system: gid $gid stands in for it"
fi
chgrp "$gid" "$dev" && chmod "$mode" "$dev"
tap_is "$dev is now group $gid, mode $mode" "$(stat -c '%a %g' "$dev")" "${mode#0} $gid"

# as_user GROUPS CMD...: run CMD as nobody with supplementary GROUPS
# ("" for none) and no capabilities (tests/lib/tap.sh).
as_user() {
	local groups=$1
	shift
	tap_as_nobody ${groups:+--groups "$groups"} "$@"
}

out=$(as_user "$gid" "$cli" verify --mode shared 2>&1)
rc=$?
printf '%s\n' "$out" | sed 's/^/# /' | tail -n 8
tap_is "a user in the group runs verify without root: exit 0" "$rc" 0
tap_like "and its checks passed" "$out" '[1-9][0-9]* passed, 0 failed'

out=$(as_user "" "$cli" verify --mode shared 2>&1)
rc=$?
printf '%s\n' "$out" | sed 's/^/# /'
tap_is "a user outside the group: exit 5" "$rc" 5
tap_like "a user outside the group: told access is denied" "$out" '[Aa]ccess denied|[Pp]ermission denied'
tap_done
