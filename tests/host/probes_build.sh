#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# probes_build.sh BUILD_DIR SOURCE_DIR: check, on the host, what the build
# made for `kbufmapctl fault-trace`:
#  - each guest kernel's vmlinux was extracted from its bzImage with .BTF;
#  - vmlinux.h came from a guest kernel's BTF (not the running kernel's);
#  - the BPF object kept its BTF and CO-RE relocations and lost its DWARF;
#  - each module copy in kmod/<kver>/btf/ has BTF that describes the traced
#    functions (`kbufmapctl fault-trace --list-functions`) against that
#    kernel's vmlinux;
#  - ko-add-btf.sh refuses a module built for another kernel, and
#    extract-vmlinux.sh refuses a file that is no kernel image.
# Output: TAP (tests/lib/tap.sh); exit 1 on a failure.
set -uo pipefail

[ $# -eq 2 ] || { echo "usage: $0 BUILD_DIR SOURCE_DIR" >&2; exit 2; }
build=$(readlink -f "$1") src=$(readlink -f "$2")
. "$src/tests/lib/tap.sh"
bpftool=$(command -v bpftool || echo /usr/sbin/bpftool)
tap_scratch

kvers=()
for d in "$build"/btf/*/; do
	[ -f "$d/vmlinux" ] && kvers+=("$(basename "$d")")
done
[ ${#kvers[@]} -gt 0 ] || tap_fail "no extracted vmlinux under $build/btf/"

# The traced functions, from the one list (probes/fault_trace.h) through
# the tool built from it.
fns=$("$build/cli/kbufmapctl" fault-trace --list-functions)
nfns=$(printf '%s\n' "$fns" | grep -c .)
tap_ok "fault-trace --list-functions lists the traced functions ($nfns)" test "$nfns" -gt 0

for k in "${kvers[@]}"; do
	vm=$build/btf/$k/vmlinux
	if [[ "$k" =~ -arm64(-16k)?$ ]]; then
		# an arm64 Image holds no ELF: the raw BTF is cut out of it
		tap_is "$k: vmlinux is raw BTF (magic 0xeb9f)" "$(od -An -t x1 -N 2 "$vm" | tr -d ' ')" 9feb
		tap_ok "$k: bpftool reads its types" bash -c "'$bpftool' btf dump file '$vm' format raw | grep -q \"STRUCT 'vm_fault'\""
	else
		tap_ok "$k: vmlinux has a .BTF section" bash -c "readelf -S -W '$vm' | grep ' \.BTF ' >/dev/null"
		tap_ok "$k: vmlinux is the $k kernel" bash -c "grep -a -o -m 1 'Linux version $k ' '$vm' >/dev/null"
	fi
	ko=$build/kmod/$k/btf/kbufmap.ko
	if [ -f "$ko" ]; then
		"$bpftool" -B "$vm" btf dump file "$ko" format raw >"$tmp/raw" 2>/dev/null
		missing=
		for f in $fns; do
			grep "FUNC '$f'" "$tmp/raw" >/dev/null || missing="$missing $f"
		done
		if [ -z "$missing" ]; then tap_pass "$k: module BTF describes the $nfns traced functions"
		else tap_fail "$k: module BTF lacks:$missing"; fi
		# The first parameter of .fault must resolve to struct vm_fault in
		# the base: a wrong base would make it something else.
		"$bpftool" btf dump file "$vm" format raw >"$tmp/all" 2>/dev/null
		cat "$tmp/raw" >>"$tmp/all"
		arg=$(awk -v fn=kbufmap_vm_fault '
			/^\[/ { id = substr($1, 2, length($1) - 2); kind[id] = $2; name[id] = $3
				 for (i = 4; i <= NF; i++) if ($i ~ /^type_id=/) ref[id] = substr($i, 9)
				 cur = id; np[id] = 0; next }
			/^\t/ { for (i = 1; i <= NF; i++) if ($i ~ /^type_id=/) { np[cur]++; param[cur, np[cur]] = substr($i, 9) } }
			END {
				for (id in name) if (kind[id] == "FUNC" && name[id] == "\047" fn "\047") f = id
				if (f == "") exit
				p = param[ref[f], 1]
				while (kind[p] == "TYPEDEF" || kind[p] == "CONST" || kind[p] == "VOLATILE") p = ref[p]
				if (kind[p] != "PTR") { print kind[p]; exit }
				p = ref[p]
				print kind[p], name[p]
			}' "$tmp/all")
		check_arg() { [ "$arg" = "STRUCT 'vm_fault'" ]; }
		tap_ok "$k: module BTF: kbufmap_vm_fault takes a struct vm_fault * (${arg:-nothing})" check_arg
	else
		tap_fail "$k: no module with BTF at $ko"
	fi
done

# vmlinux.h: from one of the guest kernels' BTF.
vh=$build/probes/vmlinux/vmlinux.h
tap_ok "vmlinux.h generated" test -s "$vh"
tap_ok "vmlinux.h has struct vm_area_struct" grep -q '^struct vm_area_struct {' "$vh"

obj=$build/probes/fault_trace.bpf.o
tap_ok "BPF object keeps .BTF and .BTF.ext" bash -c "readelf -S -W '$obj' | grep ' \.BTF\.ext ' >/dev/null"
tap_not "BPF object has no DWARF" bash -c "readelf -S -W '$obj' | grep ' \.debug_info ' >/dev/null"
tap_ok "skeleton generated" test -s "$build/probes/skel/fault_trace.skel.h"

# Refusals.
if [ ${#kvers[@]} -ge 2 ] && [ -f "$build/kmod/${kvers[1]}/kmod/kbufmap.ko" ]; then
	tap_not "ko-add-btf.sh refuses a ${kvers[1]} module with ${kvers[0]}'s vmlinux" \
		"$src/probes/ko-add-btf.sh" "$build/btf/${kvers[0]}/vmlinux" \
		"$build/kmod/${kvers[1]}/kmod/kbufmap.ko" "$tmp/x.ko"
	tap_ok "  ... and writes nothing" test ! -e "$tmp/x.ko"
fi
tap_not "extract-vmlinux.sh refuses a file that is no kernel image" \
	"$src/probes/extract-vmlinux.sh" /etc/os-release "$tmp/vmlinux"

tap_done
