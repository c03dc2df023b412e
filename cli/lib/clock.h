/* SPDX-License-Identifier: GPL-2.0 */
/* The one clock the tool times with. */
#ifndef KBM_CLOCK_H
#define KBM_CLOCK_H

#include <stdint.h>
#include <time.h>

/* CLOCK_MONOTONIC in nanoseconds. */
static inline uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

#endif /* KBM_CLOCK_H */
