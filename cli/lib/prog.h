/* SPDX-License-Identifier: GPL-2.0 */
/* The tool's name and version, as messages and reports print them. */
#ifndef KBM_PROG_H
#define KBM_PROG_H

#ifndef KBUFMAP_VERSION
#define KBUFMAP_VERSION "0.1.0"
#endif

#define KBM_PROG "kbufmapctl"

/* A number's digits, for help texts that name a limit (KBM_STR(KBM_MAX_NODE)). */
#define KBM_STR_(x)	#x
#define KBM_STR(x)	KBM_STR_(x)

#endif /* KBM_PROG_H */
