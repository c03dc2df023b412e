/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KBM_HINTS_H
#define KBM_HINTS_H

/*
 * What to tell the user when KBUFMAP_IOC_CONFIGURE of a @backend buffer
 * failed with errno @err: this kernel's limit (kbm_configure_limit()); for
 * ENOMEM, the module's memory cap (read from sysfs) and how to raise it;
 * for E2BIG, the largest buffer one allocation can hold; NULL for other
 * errors. The sentence lives in a static buffer.
 */
const char *kbm_configure_hint(unsigned int backend, int err);

/*
 * Is CONFIGURE's failure with errno @err for @backend this kernel's limit
 * rather than a module bug (a DMA buffer larger than one allocation; the
 * dma-noncoherent backend on a kernel without dma_mmap_pages())? Its reason,
 * for a SKIP, or NULL.
 */
const char *kbm_configure_limit(unsigned int backend, int err);

#endif
