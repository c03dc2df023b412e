/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KBM_HINTS_H
#define KBM_HINTS_H

/*
 * What to tell the user when KBUFMAP_IOC_CONFIGURE failed with errno @err:
 * for ENOMEM, the module's memory cap (read from sysfs) and how to raise
 * it; NULL for other errors. The sentence lives in a static buffer.
 */
const char *kbm_configure_hint(int err);

#endif
