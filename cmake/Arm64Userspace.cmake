# SPDX-License-Identifier: GPL-2.0
# The arm64 guests' user space: this source tree configured again in
# <build>/arm64 with the cross toolchain (cmake/aarch64-linux-gnu.cmake) and
# KBUFMAP_USERSPACE_ONLY: kbufmapctl, its tracer, the BPF probes (vmlinux.h
# from the arm64 kernel's BTF, __TARGET_ARCH_arm64) and the guest test
# programs, warnings as errors. The guests chroot into the arm64 root, where
# the libraries it links are. tests/CMakeLists.txt runs these programs there
# (KBUFMAP_ARM64_BIN).
include(ExternalProject)
include(cmake/BpfObject.cmake)

kbufmap_vmlinux_elf("${KBUFMAP_ARM64_BTF_KERNEL}" arm64_btf)
set(KBUFMAP_ARM64_BIN "${CMAKE_BINARY_DIR}/arm64")
ExternalProject_Add(arm64-userspace
	SOURCE_DIR "${PROJECT_SOURCE_DIR}"
	BINARY_DIR "${KBUFMAP_ARM64_BIN}"
	CMAKE_ARGS
		"-DCMAKE_TOOLCHAIN_FILE=${PROJECT_SOURCE_DIR}/cmake/aarch64-linux-gnu.cmake"
		"-DKBUFMAP_SYSROOT=${KBUFMAP_ARM64_ROOT}"
		-DKBUFMAP_USERSPACE_ONLY=ON
		"-DKBUFMAP_VMLINUX_BTF=${arm64_btf}"
		-DCMAKE_BUILD_TYPE=RelWithDebInfo
		-DKBUFMAP_SANITIZE=OFF
		-DCMAKE_C_FLAGS=-Werror
	BUILD_ALWAYS ON
	INSTALL_COMMAND ""
	DEPENDS btf-vmlinux-${KBUFMAP_ARM64_BTF_KERNEL})
