// SPDX-License-Identifier: GPL-2.0
/*
 * Hints for errors whose cause the errno alone does not tell.
 */
#include <errno.h>
#include <stdio.h>
#include <sys/utsname.h>

#include "kbm_hints.h"
#include "kbufmap_matrix.h"

#define KBM_E2BIG_HINT \
	"too large for one allocation: a DMA backend's buffer is one physically " \
	"contiguous block, at most 1024 pages (4 MiB with 4 KiB pages) on a kernel " \
	"without CMA (such as Debian's amd64 kernels); kmalloc's at most 1024 pages"

#define KBM_PARAMS "/sys/module/kbufmap/parameters/"
#define KBM_MAX_BYTES_PARAM KBM_PARAMS "max_bytes"

/* A byte count parameter of the module, or 0 when it cannot be read. */
static unsigned long long read_param(const char *path)
{
	unsigned long long bytes = 0;
	FILE *f = fopen(path, "r");

	if (!f)
		return 0;
	if (fscanf(f, "%llu", &bytes) != 1)
		bytes = 0;
	fclose(f);
	return bytes;
}

const char *kbm_configure_hint(unsigned int backend, int err)
{
	static char hint[512];
	unsigned long long cap, share;

	if (kbm_configure_limit(backend, err))
		return kbm_configure_limit(backend, err);
	if (err < 0)
		err = -err;
	if (err == E2BIG)
		return KBM_E2BIG_HINT;
	if (err != ENOMEM)
		return NULL;
	cap = read_param(KBM_MAX_BYTES_PARAM);
	share = read_param(KBM_PARAMS "user_max_bytes");
	if (!cap)
		return "out of memory: the buffer does not fit in free memory, or in the "
		       "module's cap on all buffers together (" KBM_MAX_BYTES_PARAM ")";
	snprintf(hint, sizeof(hint),
		 "out of memory: all buffers together may hold %llu bytes (%llu MiB), "
		 "counting the ones open now, one user's buffers %llu MiB (user_max_bytes; "
		 "CAP_SYS_ADMIN is exempt), or less if free memory runs short; "
		 "root can raise the cap with 'echo 2G > %s' "
		 "(or load the module with max_bytes=2G)",
		 cap, cap >> 20, share >> 20, KBM_MAX_BYTES_PARAM);
	return hint;
}

/* Does the running kernel predate @major.@minor? */
static int kernel_before(int major, int minor)
{
	struct utsname u;
	int ma, mi;

	if (uname(&u) || sscanf(u.release, "%d.%d", &ma, &mi) != 2)
		return 0;
	return ma < major || (ma == major && mi < minor);
}

const char *kbm_configure_limit(unsigned int backend, int err)
{
	if (err < 0)
		err = -err;
	if (!kbufmap_backend_is_dma(backend))
		return NULL;
	if (err == E2BIG)
		return KBM_E2BIG_HINT;
	/* the module probes its headers for dma_mmap_pages(), 5.13 and later */
	if (err == EOPNOTSUPP && backend == KBUFMAP_BACKEND_DMA_NONCOHERENT &&
	    kernel_before(5, 13))
		return "this kernel has no dma_mmap_pages() (Linux 5.13 and later), the only "
		       "DMA-API call that maps dma_alloc_pages() memory: the module refuses "
		       "dma-noncoherent here";
	return NULL;
}
