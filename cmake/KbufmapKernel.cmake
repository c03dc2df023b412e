# SPDX-License-Identifier: GPL-2.0
# Building the kbufmap module with Kbuild, once per target kernel.
#
# Kbuild writes its objects next to the sources, so each kernel gets its own
# copy of kmod/ and include/ under the build tree; the source tree stays clean
# and two kernels never share an object file.

# Guest kernels: those scripts/kernels.list names, as scripts/kernel-root
# lists them (a host kernel: /boot/vmlinuz-V with /lib/modules/V/build; a
# root kernel: the same inside its build root). A listed kernel that is not
# ready here stops the configure with the reason: the build never quietly
# tests fewer kernels. Fewer is the user's explicit choice, made with
# KBUFMAP_KERNELS="6.1 6.12" in the environment when CMake configures. The
# first call records each kernel's prefix ("/" or its root) for
# kbufmap_kernel_prefix().
# kbufmap_ready_entries(SUBCOMMAND WHAT out): scripts/kernel-root list (the
# test kernels) or systems (the users' machines), one element "series
# release kver prefix" per ready entry. A listed entry that is not ready
# stops the configure with kernel-root's reason: the build never quietly
# tests fewer.
function(kbufmap_ready_entries sub what out)
	execute_process(COMMAND "${PROJECT_SOURCE_DIR}/scripts/kernel-root" ${sub}
		OUTPUT_VARIABLE lines ERROR_VARIABLE missing RESULT_VARIABLE rc)
	string(STRIP "${missing}" missing)
	if(NOT rc EQUAL 0)
		message(FATAL_ERROR "scripts/kernel-root ${sub} failed: ${missing}")
	elseif(missing)
		message(FATAL_ERROR "kbufmap: scripts/kernels.list names ${what} that are not "
			"prepared here:\n${missing}\nRun scripts/setup-host.sh (as root), or "
			"test fewer kernels explicitly: KBUFMAP_KERNELS=\"6.1 6.12\" in the "
			"environment of the configure (scripts/test.sh passes it on).")
	endif()
	string(STRIP "${lines}" lines)
	string(REPLACE "\n" ";" lines "${lines}")
	set(${out} "${lines}" PARENT_SCOPE)
endfunction()

function(kbufmap_find_guest_kernels out)
	get_property(done GLOBAL PROPERTY KBUFMAP_GUEST_KERNELS SET)
	if(NOT done)
		kbufmap_ready_entries(list kernels lines)
		set(found "")
		foreach(line IN LISTS lines)
			string(REPLACE " " ";" f "${line}")
			list(GET f 2 kver)
			list(GET f 3 prefix)
			list(APPEND found "${kver}")
			set_property(GLOBAL PROPERTY KBUFMAP_KERNEL_PREFIX_${kver} "${prefix}")
		endforeach()
		list(SORT found COMPARE NATURAL)
		if(NOT "$ENV{KBUFMAP_KERNELS}" STREQUAL "")
			message(STATUS "kbufmap: KBUFMAP_KERNELS=\"$ENV{KBUFMAP_KERNELS}\": "
				"only these kernels of scripts/kernels.list are built and tested")
		endif()
		set_property(GLOBAL PROPERTY KBUFMAP_GUEST_KERNELS "${found}")
	endif()
	get_property(found GLOBAL PROPERTY KBUFMAP_GUEST_KERNELS)
	set(${out} "${found}" PARENT_SCOPE)
endfunction()

# Where a guest kernel lives: "/" for the host's own /boot and /lib/modules,
# else the build root whose boot/ and lib/modules/ hold it.
function(kbufmap_kernel_prefix kver out)
	get_property(prefix GLOBAL PROPERTY KBUFMAP_KERNEL_PREFIX_${kver})
	if(NOT prefix)
		set(prefix "/")
	endif()
	set(${out} "${prefix}" PARENT_SCOPE)
endfunction()

# "6.12.95+deb12-amd64" -> "6.12": the series name used in test names (and
# in scripts/kernels.list). An arm64 kernel's names its flavour too:
# "6.1.0-50-arm64" -> "6.1-arm64", "6.12.95+deb12-arm64-16k" -> "6.12-arm64-16k".
function(kbufmap_kernel_series kver out)
	string(REGEX MATCH "^[0-9]+\\.[0-9]+" series "${kver}")
	if(kver MATCHES "-(arm64(-16k)?)$")
		string(APPEND series "-${CMAKE_MATCH_1}")
	endif()
	set(${out} "${series}" PARENT_SCOPE)
endfunction()

# True in <out> for a kernel of another architecture than the host's: an
# arm64 kernel (Debian's arm64 and arm64-16k flavours). Its module is
# cross-built (kbufmap_add_module ARCH arm64), and its guest runs the
# cross-built user space of <build>/arm64.
function(kbufmap_kernel_is_arm64 kver out)
	if(kver MATCHES "-arm64(-16k)?$")
		set(${out} TRUE PARENT_SCOPE)
	else()
		set(${out} FALSE PARENT_SCOPE)
	endif()
endfunction()

file(GLOB KBUFMAP_KMOD_SOURCES CONFIGURE_DEPENDS
	"${PROJECT_SOURCE_DIR}/kmod/*.c" "${PROJECT_SOURCE_DIR}/kmod/*.h")
file(GLOB KBUFMAP_SHARED_HEADERS CONFIGURE_DEPENDS
	"${PROJECT_SOURCE_DIR}/include/*.h" "${PROJECT_SOURCE_DIR}/include/uapi/*.h")

# kbufmap_add_module(NAME <target> KDIR <dir> OUT <dir> [ROOT <dir>] [ARCH arm64] [MAKE_ARGS ...])
# Builds <OUT>/kmod/kbufmap.ko against <KDIR>, warnings are errors. With a
# ROOT other than "/", Kbuild runs chrooted in that build root (its own
# compiler, glibc and kbuild tools, which this host cannot run), KDIR is a
# path inside it, and OUT is bind-mounted at the same path (scripts/kernel-root run).
# With ARCH arm64, Kbuild runs here with the cross compiler, and KDIR is
# the headers' directory in the arm64 root (whose Kbuild host tools are
# amd64: scripts/kernel-root prepare-arm64).
function(kbufmap_add_module)
	cmake_parse_arguments(M "" "NAME;KDIR;OUT;ROOT;ARCH" "MAKE_ARGS" ${ARGN})
	set(in_root "")
	if(M_ARCH STREQUAL "arm64")
		list(APPEND M_MAKE_ARGS ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-)
	elseif(M_ROOT AND NOT M_ROOT STREQUAL "/")
		set(in_root "${PROJECT_SOURCE_DIR}/scripts/kernel-root" run "${M_ROOT}" "${M_OUT}" --)
	endif()
	set(ko "${M_OUT}/kmod/kbufmap.ko")
	set(copy_cmds "")
	foreach(f IN LISTS KBUFMAP_KMOD_SOURCES ITEMS
			"${PROJECT_SOURCE_DIR}/kmod/Kbuild" "${PROJECT_SOURCE_DIR}/kmod/Makefile")
		list(APPEND copy_cmds COMMAND ${CMAKE_COMMAND} -E copy_if_different "${f}" "${M_OUT}/kmod/")
	endforeach()
	foreach(f IN LISTS KBUFMAP_SHARED_HEADERS)
		file(RELATIVE_PATH rel "${PROJECT_SOURCE_DIR}" "${f}")
		get_filename_component(reldir "${rel}" DIRECTORY)
		list(APPEND copy_cmds COMMAND ${CMAKE_COMMAND} -E copy_if_different "${f}" "${M_OUT}/${reldir}/")
	endforeach()
	set(werror "")
	if(KBUFMAP_WERROR)
		set(werror "KCFLAGS=-Werror")
	endif()
	add_custom_command(
		OUTPUT "${ko}"
		COMMAND ${CMAKE_COMMAND} -E make_directory "${M_OUT}/kmod" "${M_OUT}/include/uapi"
		${copy_cmds}
		COMMAND ${in_root} env MAKEFLAGS= make -s -C "${M_KDIR}" "M=${M_OUT}/kmod" W=1 ${werror} ${M_MAKE_ARGS} modules
		DEPENDS ${KBUFMAP_KMOD_SOURCES} ${KBUFMAP_SHARED_HEADERS}
			"${PROJECT_SOURCE_DIR}/kmod/Kbuild" "${PROJECT_SOURCE_DIR}/kmod/Makefile"
		COMMENT "Building kbufmap.ko against ${M_KDIR}"
		VERBATIM)
	add_custom_target(${M_NAME} ALL DEPENDS "${ko}")
	set_target_properties(${M_NAME} PROPERTIES KBUFMAP_KO "${ko}")
endfunction()
