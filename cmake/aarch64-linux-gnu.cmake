# SPDX-License-Identifier: GPL-2.0
# Cross-building kbufmap's user space for the arm64 guests with Debian's
# gcc-12-aarch64-linux-gnu, against an arm64 root (KBUFMAP_SYSROOT, made by
# scripts/kernel-root prepare-arm64) whose -dev packages are unpacked: its
# headers, libraries and pkg-config files. Programs (clang, bpftool) are the
# host's.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc-12)
# try_compile() reads this file again: it must see the root as well.
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES KBUFMAP_SYSROOT)
if(NOT KBUFMAP_SYSROOT)
	message(FATAL_ERROR "aarch64-linux-gnu.cmake: set KBUFMAP_SYSROOT to an arm64 root")
endif()
set(CMAKE_SYSROOT "${KBUFMAP_SYSROOT}")
set(CMAKE_FIND_ROOT_PATH "${KBUFMAP_SYSROOT}")
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
# pkg-config answers for the root, not for this host.
set(ENV{PKG_CONFIG_SYSROOT_DIR} "${KBUFMAP_SYSROOT}")
set(ENV{PKG_CONFIG_LIBDIR}
	"${KBUFMAP_SYSROOT}/usr/lib/aarch64-linux-gnu/pkgconfig:${KBUFMAP_SYSROOT}/usr/share/pkgconfig")
