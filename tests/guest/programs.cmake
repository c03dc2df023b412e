# SPDX-License-Identifier: GPL-2.0
# The programs the guest tests run, included by tests/CMakeLists.txt, and
# alone by the arm64 user-space build (KBUFMAP_USERSPACE_ONLY), whose guests
# run the same programs cross-built. CMAKE_CURRENT_SOURCE_DIR is tests/.

# Every program below that a guest test runs, for kbufmap_guest_programs().
set(KBUFMAP_GUEST_PROGRAMS harden_mem harden_regress ioctl_abuse pgattr hold_anon
	ft_faults bench_touch dma fuzz pinning races)

add_executable(harden_mem guest/harden_mem.c)
target_include_directories(harden_mem PRIVATE "${PROJECT_SOURCE_DIR}/include")
add_executable(harden_regress guest/harden_regress.c)
target_include_directories(harden_regress PRIVATE "${PROJECT_SOURCE_DIR}/include")
target_link_libraries(harden_regress PRIVATE pthread)

add_executable(ioctl_abuse guest/ioctl_abuse.c)
# KBUFMAP_IOC_PGATTR against what the kernel's code says each mapping gets.
add_executable(pgattr guest/pgattr.c)
target_include_directories(pgattr PRIVATE "${PROJECT_SOURCE_DIR}/include")

# A process holding touched anonymous memory, for phys --pid and page-types -p.
add_executable(hold_anon guest/hold_anon.c)
# Never sanitized: ASan's shadow reserves terabytes of address space, and
# the "whole process" comparison walks every mapping of this process.
target_compile_options(hold_anon PRIVATE -fno-sanitize=all)
target_link_options(hold_anon PRIVATE -fno-sanitize=all)

# page-types, the kernel's own tool (tools/vm/page-types.c in Debian's
# linux-source-6.1, which scripts/setup-host.sh installs): the reference phys's
# flag table must agree with. Built from the installed package into the build
# tree, never copied into the repository; libapi is replaced by a stub header.
set(ksrc61 /usr/src/linux-source-6.1.tar.xz)
if(EXISTS "${ksrc61}")
	set(ptdir "${CMAKE_CURRENT_BINARY_DIR}/page-types")
	set(ptsysroot "")	# a custom command gets no CMAKE_SYSROOT of its own
	if(CMAKE_SYSROOT)
		set(ptsysroot "--sysroot=${CMAKE_SYSROOT}")
	endif()
	set(ptsrc linux-source-6.1/tools/vm/page-types.c
		linux-source-6.1/include/uapi/linux/magic.h
		linux-source-6.1/include/uapi/linux/kernel-page-flags.h)
	add_custom_command(OUTPUT "${ptdir}/page-types"
		COMMAND ${CMAKE_COMMAND} -E make_directory "${ptdir}/src"
		COMMAND tar -xJf "${ksrc61}" -C "${ptdir}/src" --strip-components=1 ${ptsrc}
		COMMAND ${CMAKE_C_COMPILER} ${ptsysroot} -O2 -w -I "${CMAKE_CURRENT_SOURCE_DIR}/page-types-stub"
			-o "${ptdir}/page-types" "${ptdir}/src/tools/vm/page-types.c"
		DEPENDS "${ksrc61}" "${CMAKE_CURRENT_SOURCE_DIR}/page-types-stub/api/fs/fs.h"
		COMMENT "Building page-types from ${ksrc61}")
	add_custom_target(page_types ALL DEPENDS "${ptdir}/page-types")
	set(PAGE_TYPES "${ptdir}/page-types")
endif()
# Faults `map` cannot make (a PMD read then written, a fault abandoned after
# VM_FAULT_RETRY), for tests/guest/fault_trace.sh. Not sanitized: it jumps
# out of a signal handler that interrupted a fault.
add_executable(ft_faults guest/ft_faults.c)
target_include_directories(ft_faults PRIVATE "${PROJECT_SOURCE_DIR}/include")
target_compile_options(ft_faults PRIVATE -fno-sanitize=all)
target_link_options(ft_faults PRIVATE -fno-sanitize=all)
# The independent timing tests/guest/bench.sh checks `bench` against.
add_executable(bench_touch guest/bench_touch.c)
target_include_directories(bench_touch PRIVATE "${PROJECT_SOURCE_DIR}/include")
target_include_directories(ioctl_abuse PRIVATE "${PROJECT_SOURCE_DIR}/include")

add_executable(dma guest/dma.c)
target_include_directories(dma PRIVATE "${PROJECT_SOURCE_DIR}/include")

add_executable(fuzz guest/fuzz.c)
target_include_directories(fuzz PRIVATE "${PROJECT_SOURCE_DIR}/include")
target_link_libraries(fuzz PRIVATE pthread)
# Not sanitized, as ft_faults: it jumps out of its SIGSEGV handler about
# 12,000 times a run, beside a racing thread, which ASan's stack
# bookkeeping does not follow ("ignoring requested __asan_handle_no_return",
# google/sanitizers#189). (A worker that died of SIGSEGV on 5.10 and 7.2
# was the fuzzer's own bug, not ASan's: see sub_range() in fuzz.c.)
target_compile_options(fuzz PRIVATE -fno-sanitize=all)
target_link_options(fuzz PRIVATE -fno-sanitize=all)
add_executable(pinning guest/pinning.c)
target_include_directories(pinning PRIVATE "${PROJECT_SOURCE_DIR}/include")
add_executable(races guest/races.c)
target_include_directories(races PRIVATE "${PROJECT_SOURCE_DIR}/include")
target_link_libraries(races PRIVATE pthread)
