# SPDX-License-Identifier: GPL-2.0
# BPF programs with CO-RE: compile a .bpf.c with clang for the BPF target and
# turn the object into a libbpf skeleton with bpftool, in the manner of
# libbpf-bootstrap's FindBpfObject.cmake. The vmlinux.h they include is
# generated from the BTF of a TARGET kernel (a guest kernel), never from the
# build machine's running kernel: Debian's /boot/vmlinuz-V is a bzImage
# whose payload is an ELF vmlinux with a .BTF section, which
# probes/extract-vmlinux.sh unpacks.
#
#   kbufmap_vmlinux_elf(<kver> <out-var>)
#       the ELF vmlinux of /boot/vmlinuz-<kver>, extracted at build time to
#       <build>/btf/<kver>/vmlinux; also the target btf-vmlinux-<kver>
#   kbufmap_vmlinux_h(<vmlinux-elf-or-btf> <dir> <out-var>)
#       <dir>/vmlinux.h from that BTF (bpftool btf dump ... format c)
#   bpf_object(<name> <source.bpf.c> VMLINUX_H <path> [INCLUDES dirs...])
#       <build>/<name>.bpf.o and <name>.skel.h; an INTERFACE library
#       <name>_skel that exposes the skeleton's directory and libbpf
#   kbufmap_module_btf(NAME <target> MODULE_TARGET <target> KERNEL <kver>)
#       a copy of the module with split BTF against <kver>'s vmlinux, for
#       fentry/fexit (see probes/ko-add-btf.sh); the new target carries it
#       in its KBUFMAP_KO property

include_guard(GLOBAL)

find_package(PkgConfig REQUIRED)
pkg_check_modules(LIBBPF REQUIRED IMPORTED_TARGET libbpf>=1.0)

find_program(BPF_CLANG NAMES clang clang-14 clang-15 clang-16 REQUIRED)
find_program(BPF_LLVM_STRIP NAMES llvm-strip llvm-strip-14 llvm-strip-15 llvm-strip-16 REQUIRED)
# Debian installs bpftool in /usr/sbin, not on a user's PATH.
find_program(BPFTOOL NAMES bpftool HINTS /usr/sbin /sbin REQUIRED)
find_program(PAHOLE NAMES pahole)

set(KBUFMAP_PROBES_SCRIPTS "${CMAKE_CURRENT_LIST_DIR}/../probes")

if(CMAKE_SYSTEM_PROCESSOR MATCHES "x86_64|AMD64|amd64")
	set(BPF_TARGET_ARCH x86)
elseif(CMAKE_SYSTEM_PROCESSOR MATCHES "aarch64|arm64")
	set(BPF_TARGET_ARCH arm64)
else()
	message(FATAL_ERROR "BPF probes: no __TARGET_ARCH for ${CMAKE_SYSTEM_PROCESSOR}")
endif()

function(kbufmap_vmlinux_elf kver out)
	set(dir "${CMAKE_BINARY_DIR}/btf/${kver}")
	set(elf "${dir}/vmlinux")
	set(${out} "${elf}" PARENT_SCOPE)
	if(TARGET btf-vmlinux-${kver})
		return()
	endif()
	# A kernel of a build root (scripts/kernels.list) has its image there.
	set(image "/boot/vmlinuz-${kver}")
	if(COMMAND kbufmap_kernel_prefix)
		kbufmap_kernel_prefix("${kver}" prefix)
		set(image "${prefix}/boot/vmlinuz-${kver}")
		string(REGEX REPLACE "^//" "/" image "${image}")
	endif()
	if(NOT EXISTS "${image}")
		message(FATAL_ERROR "no ${image} to take the BTF of kernel ${kver} from")
	endif()
	add_custom_command(
		OUTPUT "${elf}"
		COMMAND ${CMAKE_COMMAND} -E make_directory "${dir}"
		COMMAND "${KBUFMAP_PROBES_SCRIPTS}/extract-vmlinux.sh" "${image}" "${elf}"
		DEPENDS "${image}" "${KBUFMAP_PROBES_SCRIPTS}/extract-vmlinux.sh"
		COMMENT "Extracting the vmlinux (with .BTF) of ${kver}"
		VERBATIM)
	# A target, so that other directories can depend on the file.
	add_custom_target(btf-vmlinux-${kver} DEPENDS "${elf}")
endfunction()

function(kbufmap_vmlinux_h btf dir out)
	set(h "${dir}/vmlinux.h")
	set(${out} "${h}" PARENT_SCOPE)
	add_custom_command(
		OUTPUT "${h}"
		COMMAND ${CMAKE_COMMAND} -E make_directory "${dir}"
		COMMAND sh -c "\"$1\" btf dump file \"$2\" format c > \"$3.tmp\" && mv \"$3.tmp\" \"$3\""
			sh "${BPFTOOL}" "${btf}" "${h}"
		DEPENDS "${btf}"
		COMMENT "Generating vmlinux.h from ${btf}"
		VERBATIM)
endfunction()

function(bpf_object name src)
	cmake_parse_arguments(B "" "VMLINUX_H" "INCLUDES;DEPENDS" ${ARGN})
	get_filename_component(src "${src}" ABSOLUTE)
	get_filename_component(vmlinux_dir "${B_VMLINUX_H}" DIRECTORY)
	set(obj "${CMAKE_CURRENT_BINARY_DIR}/${name}.bpf.o")
	set(skel_dir "${CMAKE_CURRENT_BINARY_DIR}/skel")
	set(skel "${skel_dir}/${name}.skel.h")

	set(incs -I${vmlinux_dir})
	foreach(d IN LISTS B_INCLUDES LIBBPF_INCLUDE_DIRS)
		list(APPEND incs -I${d})
	endforeach()
	# Dependencies on the headers the program includes.
	get_filename_component(src_dir "${src}" DIRECTORY)
	file(GLOB local_headers CONFIGURE_DEPENDS "${src_dir}/*.h")

	set(werror "")
	if(KBUFMAP_WERROR)
		set(werror -Werror)
	endif()
	add_custom_command(
		OUTPUT "${obj}"
		# -fms-extensions: kernels since 6.19 build with it and embed
		# tagged structs anonymously ("struct foo;" as a member), which
		# bpftool's vmlinux.h reproduces; older vmlinux.h never has it.
		COMMAND "${BPF_CLANG}" -g -O2 -target bpf -D__TARGET_ARCH_${BPF_TARGET_ARCH}
			-fms-extensions -Wno-microsoft-anon-tag
			-Wall ${werror} ${incs} -c "${src}" -o "${obj}"
		# Keep BTF (.BTF, .BTF.ext) for CO-RE, drop the DWARF.
		COMMAND "${BPF_LLVM_STRIP}" -g "${obj}"
		DEPENDS "${src}" "${B_VMLINUX_H}" ${local_headers} ${B_DEPENDS}
		COMMENT "Compiling BPF object ${name}.bpf.o"
		VERBATIM)
	add_custom_command(
		OUTPUT "${skel}"
		COMMAND ${CMAKE_COMMAND} -E make_directory "${skel_dir}"
		COMMAND sh -c "\"$1\" gen skeleton \"$2\" name \"$3\" > \"$4.tmp\" && mv \"$4.tmp\" \"$4\""
			sh "${BPFTOOL}" "${obj}" "${name}_bpf" "${skel}"
		DEPENDS "${obj}"
		COMMENT "Generating BPF skeleton ${name}.skel.h"
		VERBATIM)

	add_library(${name}_skel INTERFACE "${skel}")
	target_include_directories(${name}_skel INTERFACE "${skel_dir}" ${B_INCLUDES})
	target_link_libraries(${name}_skel INTERFACE PkgConfig::LIBBPF)
endfunction()

function(kbufmap_module_btf)
	cmake_parse_arguments(M "" "NAME;MODULE_TARGET;KERNEL" "" ${ARGN})
	if(NOT PAHOLE)
		message(FATAL_ERROR "pahole (Debian package dwarves) is needed to add BTF to the module")
	endif()
	get_target_property(ko ${M_MODULE_TARGET} KBUFMAP_KO)
	get_filename_component(kodir "${ko}" DIRECTORY)
	get_filename_component(base "${kodir}" DIRECTORY)
	set(out "${base}/btf/kbufmap.ko")
	kbufmap_vmlinux_elf("${M_KERNEL}" vmlinux)
	add_custom_command(
		OUTPUT "${out}"
		COMMAND ${CMAKE_COMMAND} -E env "PAHOLE=${PAHOLE}" "BPFTOOL=${BPFTOOL}"
			"${KBUFMAP_PROBES_SCRIPTS}/ko-add-btf.sh" "${vmlinux}" "${ko}" "${out}"
		DEPENDS "${ko}" "${vmlinux}" btf-vmlinux-${M_KERNEL} ${M_MODULE_TARGET}
			"${KBUFMAP_PROBES_SCRIPTS}/ko-add-btf.sh"
		COMMENT "Adding BTF of ${M_KERNEL} to a copy of kbufmap.ko"
		VERBATIM)
	add_custom_target(${M_NAME} ALL DEPENDS "${out}")
	set_target_properties(${M_NAME} PROPERTIES KBUFMAP_KO "${out}")
endfunction()
