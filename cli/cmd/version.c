// SPDX-License-Identifier: GPL-2.0
#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* asprintf, strerrorname_np; CMake defines it too */
#endif
/*
 * kbufmapctl version: the tool's version, the ABI compiled in and, when the
 * device opens, the module's ABI. Works without the module (exit 0).
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "kbm_dev.h"
#include "kbufmapctl.h"
#include "out.h"
#include "procfs.h"

static const struct argp_child version_children[] = {
	{ &kbm_common_argp, 0, "Common options:", 1 },
	{ 0 }
};

static error_t version_parse(int key, char *arg, struct argp_state *state)
{
	(void)arg;
	if (key == ARGP_KEY_ARG)
		argp_error(state, "unexpected argument '%s'", arg);
	return ARGP_ERR_UNKNOWN;
}

static const struct argp version_argp = {
	/* No options of its own: NULL, not an empty array (glibc's argp
	 * help leaks a hol for an empty one). */
	.options = NULL,
	.parser = version_parse,
	.doc = "Print the tool's version, the kbufmap ABI it was built for and, "
	       "if the device can be opened, the module's ABI. Needs no module.",
	.children = version_children,
};

static void print_features(void)
{
	open_json_array("features");
	print_text("features:");
	print_string(PRINT_ANY, NULL, " %s", "json");
	print_string(PRINT_ANY, NULL, " %s", "tap");
#if defined(__SANITIZE_ADDRESS__)
	print_string(PRINT_ANY, NULL, " %s", "asan");
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
	print_string(PRINT_ANY, NULL, " %s", "asan");
#endif
#endif
	print_text("\n");
	close_json_array();
}

static int version_run(int argc, char **argv)
{
	struct kbufmap_version ver;
	int fd, err;

	kbm_cmd_parse(argc, argv, 0, NULL, NULL);

	open_json_object(NULL);
	print_string(PRINT_ANY, "tool", "%s", KBM_PROG);
	print_string(PRINT_ANY, "version", " %s\n", KBUFMAP_VERSION);
	open_json_object("abi");
	print_uint(PRINT_ANY, "major", "ABI (built for): %llu", KBUFMAP_ABI_MAJOR);
	print_uint(PRINT_ANY, "minor", ".%llu\n", KBUFMAP_ABI_MINOR);
	close_json_object();
	print_string(PRINT_ANY, "kernel", "kernel: %s\n", kernel_release());

	open_json_object("module");
	print_string(PRINT_ANY, "device", "module (%s): ", g_opt.device);
	fd = kbm_dev_open_quiet(g_opt.device, O_RDONLY);
	if (fd < 0) {
		const char *why;

		err = -fd;
		print_bool(PRINT_JSON, "loaded", NULL,
			   err == EACCES || err == EPERM);
		switch (err) {
		case ENOENT:
		case ENXIO:
		case ENODEV:
			why = "module not loaded";
			break;
		case EACCES:
		case EPERM:
			why = "loaded, but permission denied opening the device (run as root)";
			break;
		default:
			why = strerror(err);
			break;
		}
		print_string(PRINT_ANY, "error", "%s\n", why);
	} else {
		err = kbm_get_version(fd, &ver);
		close(fd);
		print_bool(PRINT_JSON, "loaded", NULL, true);
		if (err) {
			print_string(PRINT_ANY, "error",
				     "not a kbufmap device (VERSION ioctl: %s)\n",
				     strerror(-err));
		} else {
			open_json_object("abi");
			print_uint(PRINT_ANY, "major", "ABI %llu", ver.major);
			print_uint(PRINT_ANY, "minor", ".%llu", ver.minor);
			close_json_object();
			print_uint(PRINT_ANY, "max_pages", ", max_pages %llu",
				   ver.max_pages);
			print_uint(PRINT_ANY, "max_bytes",
				   ", memory cap %llu bytes", ver.max_bytes);
			print_uint(PRINT_ANY, "bytes_in_use", " (%llu in use)",
				   ver.bytes_in_use);
			print_bool(PRINT_JSON, "compatible", NULL,
				   ver.major == KBUFMAP_ABI_MAJOR);
			print_text("%s\n", ver.major == KBUFMAP_ABI_MAJOR ? "" :
				   " (INCOMPATIBLE: a different ABI major)");
		}
	}
	close_json_object();
	print_features();
	close_json_object();
	return KBM_EXIT_OK;
}

const struct kbm_cmd kbm_cmd_version = {
	.name = "version",
	.summary = "print the tool's and the module's versions",
	.argp = &version_argp,
	.run = version_run,
};
