// SPDX-License-Identifier: GPL-2.0
#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* asprintf, strerrorname_np; CMake defines it too */
#endif
/*
 * kbufmapctl version: the tool's version, the ABI compiled in, the build's
 * features and, when the device opens, the module's version, ABI, limits
 * and parameters. Works without the module (exit 0).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "kbm_dev.h"
#include "out.h"
#include "procfs.h"

static const struct argp version_argp = {
	/* No options of its own: NULL, not an empty array (glibc's argp
	 * help leaks a hol for an empty one). */
	.options = NULL,
	.parser = kbm_parse_no_args,
	.doc = "Print the tool's version, the kbufmap ABI it was built for and, "
	       "if the device can be opened, the module's ABI. Needs no module."
	       "\vExit status: 0 printed (with or without the module), 2 usage error, "
	       "6 output could not be written.",
	.children = kbm_common_children,
};

#define SYS_MODULE "/sys/module/" KBUFMAP_DEVICE_NAME

/* What this build can do: scripts and bug reports read it. */
static void print_features(void)
{
	open_json_array("features");
	print_text("features:");
	print_string(PRINT_ANY, NULL, " %s", "json");
	print_string(PRINT_ANY, NULL, " %s", "tap");
	print_string(PRINT_ANY, NULL, " %s", "numa");	/* move_pages(2), sysfs: always */
#ifdef KBUFMAP_HAVE_FAULT_TRACE
	print_string(PRINT_ANY, NULL, " %s", "bpf-fentry");
	print_string(PRINT_ANY, NULL, " %s", "bpf-kprobe");
#else
	print_string(PRINT_ANY, NULL, " %s", "no-bpf");
#endif
#if defined(__SANITIZE_ADDRESS__)
	print_string(PRINT_ANY, NULL, " %s", "asan");
#endif
	print_text("\n");
	close_json_array();
}

/* Every file of the module's parameters directory, as name=value. */
static void print_parameters(void)
{
	char path[PATH_MAX], value[256];
	struct dirent **names;
	int n = scandir(SYS_MODULE "/parameters", &names, NULL, alphasort);

	open_json_object("parameters");
	print_text("parameters:");
	for (int i = 0; i < n; i++) {
		if (names[i]->d_name[0] != '.') {
			snprintf(path, sizeof(path), SYS_MODULE "/parameters/%s",
				 names[i]->d_name);
			if (read_first_line(path, value, sizeof(value)) == 0) {
				print_text(" %s=", names[i]->d_name);
				print_string(PRINT_ANY, names[i]->d_name, "%s", value);
			}
		}
		free(names[i]);
	}
	if (n >= 0)
		free(names);
	print_text(n > 2 ? "\n" : " none\n");
	close_json_object();
}

/* The device could not be opened: say why, as "loaded" and "error". */
static void print_module_unreachable(int err)
{
	bool loaded = err == EACCES || err == EPERM;

	print_bool(PRINT_JSON, "loaded", NULL, loaded);
	if (err == ENOENT || err == ENXIO || err == ENODEV)
		print_string(PRINT_ANY, "error", "%s\n", "module not loaded");
	else if (loaded)
		print_string(PRINT_ANY, "error", "%s\n",
			     "loaded, but permission denied opening the device (run as root)");
	else
		print_string(PRINT_ANY, "error", "%s\n", strerror(err));
}

/* The loaded module: its version, its ABI, its limits. */
static void print_module_version(const struct kbufmap_version *ver)
{
	char mver[64] = "";
	bool same_major = ver->major == KBUFMAP_ABI_MAJOR;

	print_bool(PRINT_JSON, "loaded", NULL, true);
	if (read_first_line(SYS_MODULE "/version", mver, sizeof(mver)) == 0)
		print_string(PRINT_ANY, "version", "version %s, ", mver);
	else
		print_null(PRINT_JSON, "version", NULL, NULL);
	open_json_object("abi");
	print_uint(PRINT_ANY, "major", "ABI %llu", ver->major);
	print_uint(PRINT_ANY, "minor", ".%llu", ver->minor);
	close_json_object();
	print_uint(PRINT_ANY, "max_pages", ", max_pages %llu", ver->max_pages);
	print_uint(PRINT_ANY, "max_bytes", ", memory cap %llu bytes", ver->max_bytes);
	print_uint(PRINT_ANY, "bytes_in_use", " (%llu in use)", ver->bytes_in_use);
	print_bool(PRINT_JSON, "compatible", NULL, same_major);
	print_text("%s\n", same_major ? "" : " (INCOMPATIBLE: a different ABI major)");
	print_parameters();
	if (mver[0] && strcmp(mver, KBUFMAP_VERSION) != 0)
		kbm_warn("warning: module %s, tool %s: build both from one tree",
			 mver, KBUFMAP_VERSION);
}

static void print_module(const char *device)
{
	struct kbufmap_version ver;
	int fd, err;

	open_json_object("module");
	print_string(PRINT_ANY, "device", "module (%s): ", device);
	fd = kbm_dev_open_quiet(device, O_RDONLY);
	if (fd < 0) {
		print_module_unreachable(-fd);
	} else {
		err = kbm_get_version(fd, &ver);
		close(fd);
		if (err) {
			print_bool(PRINT_JSON, "loaded", NULL, true);
			print_string(PRINT_ANY, "error",
				     "not a kbufmap device (VERSION ioctl: %s)\n",
				     strerror(-err));
		} else {
			print_module_version(&ver);
		}
	}
	close_json_object();
}

static int version_run(struct kbm_ctx *ctx, int argc, char **argv)
{
	kbm_cmd_parse(ctx, argc, argv, 0, NULL, NULL);

	open_json_object(NULL);
	print_string(PRINT_ANY, "tool", "%s", KBM_PROG);
	print_string(PRINT_ANY, "version", " %s\n", KBUFMAP_VERSION);
	open_json_object("abi");
	print_uint(PRINT_ANY, "major", "ABI (built for): %llu", KBUFMAP_ABI_MAJOR);
	print_uint(PRINT_ANY, "minor", ".%llu\n", KBUFMAP_ABI_MINOR);
	close_json_object();
	print_string(PRINT_ANY, "kernel", "kernel: %s\n", kernel_release());
	print_module(ctx->device);
	print_features();
	close_json_object();
	return KBM_EXIT_OK;
}

const struct kbm_cmd kbm_cmd_version = {
	.name = "version",
	.summary = "print the tool's and the module's versions",
	.argp = &version_argp,
	.main = version_run,
};
