// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>

#include "pagemap_bits.h"

void pm_decode(uint64_t e, struct pm_entry *d)
{
	*d = (struct pm_entry){
		.present = e & PM_PRESENT,
		.swapped = e & PM_SWAPPED,
		.soft_dirty = e & PM_SOFT_DIRTY,
		.exclusive = e & PM_EXCLUSIVE,
		.file_shared = e & PM_FILE_SHARED,
		.uffd_wp = e & PM_UFFD_WP,
	};
	if (d->present) {
		d->pfn = pm_pfn(e);
		d->pfn_shown = d->pfn != 0;
	} else if (d->swapped) {
		d->swap_type = (unsigned int)(pm_pfn(e) &
					      ((1u << PM_SWAP_TYPE_BITS) - 1));
		d->swap_offset = pm_pfn(e) >> PM_SWAP_TYPE_BITS;
	}
}

const char *pm_bit_names(uint64_t e, char *buf, size_t len)
{
	static const struct { uint64_t bit; const char *name; } bits[] = {
		{ PM_PRESENT, "present" },
		{ PM_SWAPPED, "swap" },
		{ PM_FILE_SHARED, "file" },
		{ PM_EXCLUSIVE, "mmap_exclusive" },
		{ PM_UFFD_WP, "uffd_wp" },
		{ PM_SOFT_DIRTY, "soft_dirty" },
	};
	size_t n = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(bits) / sizeof(bits[0]) && n < len; i++)
		if (e & bits[i].bit)
			n += (size_t)snprintf(buf + n, len - n, "%s%s",
					      n ? "," : "", bits[i].name);
	return buf;
}

bool pm_is_hole(uint64_t e)
{
	return (e & ~PM_SOFT_DIRTY) == 0;
}
