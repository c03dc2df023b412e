// SPDX-License-Identifier: GPL-2.0
#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* asprintf, strerrorname_np; CMake defines it too */
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "pagemap.h"

int pagemap_read(const void *addr, size_t npages, uint64_t *out)
{
	long ps = sysconf(_SC_PAGESIZE);
	off_t off = (off_t)((uintptr_t)addr / (uintptr_t)ps * sizeof(uint64_t));
	size_t want = npages * sizeof(uint64_t), got = 0;
	int fd, err = 0;

	fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	/* One pread for the range; loop only if the kernel returns less. */
	while (got < want) {
		ssize_t n = pread(fd, (char *)out + got, want - got,
				  off + (off_t)got);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			err = -errno;
			break;
		}
		if (n == 0) {
			err = -EIO;
			break;
		}
		got += (size_t)n;
	}
	close(fd);
	return err;
}

const char *pagemap_describe(uint64_t e, char *buf, size_t len)
{
	if (!pm_present(e)) {
		snprintf(buf, len, "%s", pm_swapped(e) ? "swapped" : "not present");
		return buf;
	}
	snprintf(buf, len, "present pfn 0x%llx%s%s",
		 (unsigned long long)pm_pfn(e),
		 pm_file_shared(e) ? " file/shared" : " anon",
		 pm_exclusive(e) ? " exclusive" : "");
	return buf;
}
