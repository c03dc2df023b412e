// SPDX-License-Identifier: GPL-2.0
/*
 * kbufmapctl must refuse a module that speaks another ABI major version, and
 * one older in minor, and accept its own version and later minors of it
 * (which only add). No module is needed: this program
 * defines ioctl() itself, so kbm_dev_open() (cli/lib/kbm_dev.c, linked in
 * unchanged) gets the VERSION reply the test chooses, on /dev/null.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "kbm_dev.h"
#include "tap.h"

static struct kbufmap_version reply;

int ioctl(int fd, unsigned long req, ...)
{
	va_list ap;
	void *arg;

	(void)fd;
	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (req != KBUFMAP_IOC_VERSION)
		return -1;
	memcpy(arg, &reply, sizeof(reply));
	return 0;
}

/* Open /dev/null as if it were a module of ABI major.minor. */
static void expect(unsigned int major, unsigned int minor, bool accept)
{
	int fd;

	reply.major = major;
	reply.minor = minor;
	fd = kbm_dev_open("/dev/null", O_RDWR, NULL);
	if (accept)
		tap_ok(fd >= 0, "module ABI %u.%u accepted by ours %u.%u (got %d)",
		       major, minor, KBUFMAP_ABI_MAJOR, KBUFMAP_ABI_MINOR, fd);
	else
		tap_ok(fd == -EPROTO, "module ABI %u.%u refused with EPROTO by ours %u.%u (got %d)",
		       major, minor, KBUFMAP_ABI_MAJOR, KBUFMAP_ABI_MINOR, fd);
	if (fd >= 0)
		close(fd);
}

int main(void)
{
	expect(KBUFMAP_ABI_MAJOR, KBUFMAP_ABI_MINOR, true);
	expect(KBUFMAP_ABI_MAJOR, KBUFMAP_ABI_MINOR + 1, true);
	/* An older minor lacks what this CLI was built to use. */
#if KBUFMAP_ABI_MINOR > 0
	expect(KBUFMAP_ABI_MAJOR, KBUFMAP_ABI_MINOR - 1, false);
#endif
	expect(KBUFMAP_ABI_MAJOR + 1, 0, false);
	expect(KBUFMAP_ABI_MAJOR - 1, KBUFMAP_ABI_MINOR, false);
	return tap_done();
}
