/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one libapi function page-types needs (for -X/-x hwpoison only), so
 * that it builds alone from linux-source's tools/vm/page-types.c.
 */
#ifndef KBM_PAGE_TYPES_FS_STUB_H
#define KBM_PAGE_TYPES_FS_STUB_H

static inline const char *debugfs__mount(void)
{
	return "/sys/kernel/debug";
}

#endif
