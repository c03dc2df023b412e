/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The release version of kbufmap, written once. The top-level
 * CMakeLists.txt reads it into project(VERSION), so kbufmapctl's
 * KBUFMAP_VERSION, the installed DKMS tree's name and the manual pages
 * carry it; the module reports it as MODULE_VERSION (modinfo, and
 * /sys/module/kbufmap/version). A header because Kbuild already reaches
 * include/ from kmod/, alone, from the build tree and from the DKMS tree.
 */
#ifndef KBUFMAP_VERSION_H
#define KBUFMAP_VERSION_H

#define KBUFMAP_VERSION_STRING "0.1.0"

#endif /* KBUFMAP_VERSION_H */
