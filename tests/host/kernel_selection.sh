#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# No run quietly tests fewer kernels than scripts/kernels.list names: a
# listed kernel that is not prepared stops CMake's configure with the
# reason, unless KBUFMAP_KERNELS names fewer (kernel-root's entries and list
# then see only those; a series the list does not name is an error).
# The build roots are pointed at an empty directory, so the listed root
# kernels are "not prepared". TAP output (tests/lib/tap.sh).
# usage: kernel_selection.sh SOURCE_DIR
set -u
. "$(dirname "$0")/../lib/tap.sh"
src=${1:?usage: kernel_selection.sh SOURCE_DIR}
kr=$src/scripts/kernel-root
tap_scratch
export KBUFMAP_ROOTS=$tmp/no-roots

listed() { sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$src/scripts/kernels.list" | awk -v w="${1:-}" 'w == "" || $3 == w { print $1 }'; }
series_of() { awk '{ print $1 }' | xargs; }
all=$(listed | xargs)
host=$(listed host | xargs)
roots=$(listed root | xargs)

tap_is "no KBUFMAP_KERNELS: every listed kernel is an entry" \
	"$(KBUFMAP_KERNELS= "$kr" entries | series_of)" "$all"
tap_is "KBUFMAP_KERNELS names the host kernels: only those" \
	"$(KBUFMAP_KERNELS="$host" "$kr" entries | series_of)" "$host"
first=${all%% *} last=$(listed | tail -n 1)
tap_is "KBUFMAP_KERNELS with commas and repeated separators" \
	"$(KBUFMAP_KERNELS="$first,, $last" "$kr" entries | series_of)" "$first $last"

out=$(KBUFMAP_KERNELS="$first 0.99" "$kr" list 2>&1)
tap_is "a series kernels.list does not name: exit 2" "$?" 2
tap_like "and it is named" "$out" "no series '0.99' in kernels.list"

if [ -z "$roots" ]; then
	tap_skip "unprepared kernels stop the configure" "kernels.list has no root kernel to leave unprepared"
	tap_done
fi
err=$(KBUFMAP_KERNELS= "$kr" list 2>&1 >/dev/null)
for s in $roots; do
	tap_like "kernel $s without its build root: reported" "$err" "not prepared: $s "
done

out=$(KBUFMAP_KERNELS= cmake -S "$src" -B "$tmp/all" 2>&1)
tap_ok "configure with unprepared listed kernels fails" test $? -ne 0
for s in $roots; do
	tap_like "and names kernel $s" "$out" "not prepared: $s "
done
tap_like "and says how to test fewer" "$out" 'KBUFMAP_KERNELS="6.1 6.12"'

out=$(KBUFMAP_KERNELS="$host" cmake -S "$src" -B "$tmp/fewer" 2>&1)
tap_is "configure with KBUFMAP_KERNELS=\"$host\": exit 0" "$?" 0
tap_like "and says only those are built and tested" "$out" \
	"KBUFMAP_KERNELS=\"$host\": only these kernels"
tap_done
