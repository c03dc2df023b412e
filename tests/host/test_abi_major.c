// SPDX-License-Identifier: GPL-2.0
/*
 * kbufmapctl must refuse a module that speaks another ABI major version, and
 * accept its own version and later minors of it (which only add). No module is needed: this program
 * defines ioctl() itself, so kbm_dev_open() (cli/lib/kbm_dev.c, linked in
 * unchanged) gets the VERSION reply the test chooses, on /dev/null.
 */
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "kbm_dev.h"
#include "kbufmapctl.h"

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

static int failed;

/* Open /dev/null as if it were a module of ABI major.minor. */
static void expect(unsigned int major, unsigned int minor, int want)
{
	int fd = -1, got;

	reply.major = major;
	reply.minor = minor;
	got = kbm_dev_open("/dev/null", O_RDWR, &fd, NULL);
	if (got != want) {
		printf("FAIL - module ABI %u.%u: kbm_dev_open() returned %d, expected %d\n",
		       major, minor, got, want);
		failed++;
	} else {
		printf("ok   - module ABI %u.%u (ours %u.%u): %s\n", major, minor,
		       KBUFMAP_ABI_MAJOR, KBUFMAP_ABI_MINOR,
		       want == KBM_EXIT_OK ? "accepted" : "refused");
	}
	if (fd >= 0 && want != KBM_EXIT_OK) {
		printf("FAIL - a refused open handed out fd %d\n", fd);
		failed++;
	}
	if (fd >= 0)
		close(fd);
}

int main(void)
{
	expect(KBUFMAP_ABI_MAJOR, KBUFMAP_ABI_MINOR, KBM_EXIT_OK);
	expect(KBUFMAP_ABI_MAJOR, KBUFMAP_ABI_MINOR + 1, KBM_EXIT_OK);
	expect(KBUFMAP_ABI_MAJOR + 1, 0, KBM_EXIT_RUNTIME);
	expect(KBUFMAP_ABI_MAJOR - 1, KBUFMAP_ABI_MINOR, KBM_EXIT_RUNTIME);
	printf("%d passed, %d failed\n", failed ? 0 : 1, failed ? 1 : 0);
	return failed ? 1 : 0;
}
