// SPDX-License-Identifier: GPL-2.0
/*
 * The ioctl ABI must not change by accident: every struct has a fixed size,
 * a multiple of 8 (no implicit tail padding differing between 32- and 64-bit
 * callers), and its fields at fixed offsets. This file includes only the
 * uapi header, so it also proves the header stands on its own in user space.
 */
#include "uapi/kbufmap.h"

#include <stddef.h>
#include <stdio.h>

#define CHECK_SIZE(type, size) \
	_Static_assert(sizeof(type) == (size), #type " changed size"); \
	_Static_assert(sizeof(type) % 8 == 0, #type " is not a multiple of 8 bytes")
#define CHECK_OFF(type, field, off) \
	_Static_assert(offsetof(type, field) == (off), #type "." #field " moved")

CHECK_SIZE(struct kbufmap_version, 32);
CHECK_SIZE(struct kbufmap_config, 56);
CHECK_OFF(struct kbufmap_config, backend, 8);
CHECK_OFF(struct kbufmap_config, node, 16);
CHECK_OFF(struct kbufmap_config, reserved, 24);
CHECK_SIZE(struct kbufmap_info, 64);
CHECK_OFF(struct kbufmap_info, nr_chunks, 24);
CHECK_SIZE(struct kbufmap_pfns, 40);
CHECK_OFF(struct kbufmap_pfns, pfns, 16);
CHECK_SIZE(struct kbufmap_counters, 128);
CHECK_SIZE(struct kbufmap_stats, 8 + 128 + 8 * KBUFMAP_BACKEND_COUNT + 8 + 24);
CHECK_OFF(struct kbufmap_stats, counters, 8);

int main(void)
{
	/* The ioctl numbers encode the struct sizes: print them for the log. */
	printf("VERSION=%#lx CONFIGURE=%#lx GET_INFO=%#lx GET_PFNS=%#lx GET_COUNTERS=%#lx\n",
	       (unsigned long)KBUFMAP_IOC_VERSION, (unsigned long)KBUFMAP_IOC_CONFIGURE,
	       (unsigned long)KBUFMAP_IOC_GET_INFO, (unsigned long)KBUFMAP_IOC_GET_PFNS,
	       (unsigned long)KBUFMAP_IOC_GET_COUNTERS);
	if (_IOC_SIZE(KBUFMAP_IOC_CONFIGURE) != sizeof(struct kbufmap_config) ||
	    _IOC_TYPE(KBUFMAP_IOC_GET_COUNTERS) != KBUFMAP_IOC_MAGIC) {
		fprintf(stderr, "ioctl numbers do not encode their structs\n");
		return 1;
	}
	puts("1 passed, 0 failed");
	return 0;
}
