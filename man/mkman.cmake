# SPDX-License-Identifier: GPL-2.0
# Build one manual page from its mdoc source (cmake -P), filling in what
# is written elsewhere so that it cannot be copied wrong:
#   @VERSION@      the project's version (include/kbufmap_version.h)
#   @EXIT_STATUS@  an mdoc list from KBM_EXIT_STATUSES in cli/lib/status.h,
#                  only of the statuses the page's line `.\" exit: 0 2 6`
#                  names (required with the placeholder); a line
#                  `.\" exit 0: meaning` replaces the table's meaning
#   @SEE_ALSO@     every other page of this manual, and the page's own
#                  extras from a line `.\" see-also: name(sec) ...`,
#                  sorted by section then name as mdoc wants
#
# cmake -DIN=src -DOUT=page -DSTATUS_H=status.h -DVERSION=x.y.z
#       -DPAGES="kbufmapctl.8;kbufmap.4;..." -P mkman.cmake

cmake_minimum_required(VERSION 3.25)

foreach(v IN ITEMS IN OUT STATUS_H VERSION PAGES)
	if(NOT DEFINED ${v})
		message(FATAL_ERROR "mkman.cmake: -D${v}= is missing")
	endif()
endforeach()

file(READ "${IN}" page)
get_filename_component(self "${OUT}" NAME)

# EXIT STATUS: X(NAME, value, "meaning") lines of KBM_EXIT_STATUSES.
file(READ "${STATUS_H}" status_src)
string(REGEX MATCHALL "X\\([A-Z_]+, *[0-9]+, *\"[^\"]*\"\\)" rows "${status_src}")
if(NOT rows)
	message(FATAL_ERROR "${STATUS_H}: no X(NAME, value, \"meaning\") rows")
endif()
# The statuses this page's command can return, and its own meanings.
set(status "")
if(page MATCHES "@EXIT_STATUS@")
	if(NOT page MATCHES "\n\\.\\\\\" exit:([ 0-9]+)\n")
		message(FATAL_ERROR "${IN}: @EXIT_STATUS@ needs a line '.\\\" exit: N ...'")
	endif()
	string(REGEX MATCHALL "[0-9]+" wanted "${CMAKE_MATCH_1}")
	set(known "")
	set(status ".Bl -tag -width Ds")
	foreach(row IN LISTS rows)
		string(REGEX REPLACE "^X\\([A-Z_]+, *([0-9]+), *\"(.*)\"\\)$" "\\1" value "${row}")
		string(REGEX REPLACE "^X\\([A-Z_]+, *([0-9]+), *\"(.*)\"\\)$" "\\2" meaning "${row}")
		list(APPEND known "${value}")
		if(NOT value IN_LIST wanted)
			continue()
		endif()
		if(page MATCHES "\n\\.\\\\\" exit ${value}: ([^\n]+)")
			set(meaning "${CMAKE_MATCH_1}")
		endif()
		string(APPEND status "\n.It ${value}\n${meaning}")
	endforeach()
	string(APPEND status "\n.El")
	foreach(value IN LISTS wanted)
		if(NOT value IN_LIST known)
			message(FATAL_ERROR "${IN}: exit status ${value} is not in ${STATUS_H}")
		endif()
	endforeach()
	string(REGEX MATCHALL "\n\\.\\\\\" exit [0-9]+:" overrides "${page}")
	foreach(o IN LISTS overrides)
		string(REGEX MATCH "[0-9]+" value "${o}")
		if(NOT value IN_LIST wanted)
			message(FATAL_ERROR "${IN}: a meaning for exit ${value}, which its exit: line leaves out")
		endif()
	endforeach()
endif()

# SEE ALSO: "name(sec)" items, sorted by section, then name.
set(refs "")
foreach(p IN LISTS PAGES)
	if(NOT p STREQUAL self)
		string(REGEX REPLACE "^(.*)\\.([0-9])$" "\\2 \\1" key "${p}")
		list(APPEND refs "${key}")
	endif()
endforeach()
string(REGEX MATCH "\n\\.\\\\\" see-also:([^\n]*)" extra "${page}")
if(extra)
	string(REGEX MATCHALL "[A-Za-z0-9_.-]+\\([0-9]\\)" extras "${CMAKE_MATCH_1}")
	foreach(x IN LISTS extras)
		string(REGEX REPLACE "^(.*)\\(([0-9])\\)$" "\\2 \\1" key "${x}")
		list(APPEND refs "${key}")
	endforeach()
endif()
list(REMOVE_DUPLICATES refs)
list(SORT refs)
set(see "")
list(LENGTH refs n)
set(i 0)
foreach(key IN LISTS refs)
	math(EXPR i "${i} + 1")
	string(REGEX REPLACE "^([0-9]) (.*)$" "\\2 \\1" xr "${key}")
	if(i LESS n)
		string(APPEND see ".Xr ${xr} ,\n")
	else()
		string(APPEND see ".Xr ${xr}")
	endif()
endforeach()

string(REPLACE "@VERSION@" "${VERSION}" page "${page}")
string(REPLACE "@EXIT_STATUS@" "${status}" page "${page}")
string(REPLACE "@SEE_ALSO@" "${see}" page "${page}")
if(page MATCHES "@[A-Z_]+@")
	message(FATAL_ERROR "${IN}: unknown placeholder ${CMAKE_MATCH_0}")
endif()
file(WRITE "${OUT}.tmp" "${page}")
file(RENAME "${OUT}.tmp" "${OUT}")
