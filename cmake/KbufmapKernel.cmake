# Building the kbufmap module with Kbuild, once per target kernel.
#
# Kbuild writes its objects next to the sources, so each kernel gets its own
# copy of kmod/ and include/ under the build tree; the source tree stays clean
# and two kernels never share an object file.

# Guest kernels: every /boot/vmlinuz-V that has headers in /lib/modules/V/build.
function(kbufmap_find_guest_kernels out)
	file(GLOB dirs LIST_DIRECTORIES true /lib/modules/*)
	set(found "")
	foreach(d IN LISTS dirs)
		get_filename_component(v "${d}" NAME)
		if(EXISTS "/boot/vmlinuz-${v}" AND EXISTS "${d}/build/Makefile")
			list(APPEND found "${v}")
		endif()
	endforeach()
	list(SORT found COMPARE NATURAL)
	set(${out} "${found}" PARENT_SCOPE)
endfunction()

# "6.12.95+deb12-amd64" -> "6.12": the series name used in test names.
function(kbufmap_kernel_series kver out)
	string(REGEX MATCH "^[0-9]+\\.[0-9]+" series "${kver}")
	set(${out} "${series}" PARENT_SCOPE)
endfunction()

file(GLOB KBUFMAP_KMOD_SOURCES CONFIGURE_DEPENDS
	"${PROJECT_SOURCE_DIR}/kmod/*.c" "${PROJECT_SOURCE_DIR}/kmod/*.h")
file(GLOB KBUFMAP_SHARED_HEADERS CONFIGURE_DEPENDS
	"${PROJECT_SOURCE_DIR}/include/*.h" "${PROJECT_SOURCE_DIR}/include/uapi/*.h")

# kbufmap_add_module(NAME <target> KDIR <dir> OUT <dir> [MAKE_ARGS ...])
# Builds <OUT>/kmod/kbufmap.ko against <KDIR>, warnings are errors.
function(kbufmap_add_module)
	cmake_parse_arguments(M "" "NAME;KDIR;OUT" "MAKE_ARGS" ${ARGN})
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
	add_custom_command(
		OUTPUT "${ko}"
		COMMAND ${CMAKE_COMMAND} -E make_directory "${M_OUT}/kmod" "${M_OUT}/include/uapi"
		${copy_cmds}
		COMMAND ${CMAKE_COMMAND} -E env MAKEFLAGS= make -s -C "${M_KDIR}" "M=${M_OUT}/kmod" W=1 "KCFLAGS=-Werror" ${M_MAKE_ARGS} modules
		DEPENDS ${KBUFMAP_KMOD_SOURCES} ${KBUFMAP_SHARED_HEADERS}
			"${PROJECT_SOURCE_DIR}/kmod/Kbuild" "${PROJECT_SOURCE_DIR}/kmod/Makefile"
		COMMENT "Building kbufmap.ko against ${M_KDIR}"
		VERBATIM)
	add_custom_target(${M_NAME} ALL DEPENDS "${ko}")
	set_target_properties(${M_NAME} PROPERTIES KBUFMAP_KO "${ko}")
endfunction()
