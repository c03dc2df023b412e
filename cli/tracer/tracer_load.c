// SPDX-License-Identifier: GPL-2.0
/*
 * kbufmapctl's side of the tracer library (tracer_api.h): the tracer.h
 * functions that need libbpf, each a stub that loads the library on first
 * use. A command that never traces never loads it, nor libbpf, libelf
 * and zlib, which cost start-up time on every run (most under emulation).
 *
 * The library is looked for beside the tool's own binary, not on the
 * loader's search path: installed, in KBUFMAP_TRACER_RELDIR from the
 * binary's directory (lib/kbufmap/ of the prefix); in the build tree, in
 * the binary's directory itself (the guests run the tool from there).
 */
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "out.h"
#include "tracer_api.h"

#ifndef KBUFMAP_TRACER_FILE
#define KBUFMAP_TRACER_FILE	"kbufmap-tracer.so"
#endif
#ifndef KBUFMAP_TRACER_RELDIR
#define KBUFMAP_TRACER_RELDIR	"../lib/kbufmap"
#endif

static const struct kbm_tracer_api *api;

/* The directory of the running binary, with its trailing '/'. */
static int exe_dir(char *dir, size_t len)
{
	ssize_t n = readlink("/proc/self/exe", dir, len - 1);
	char *slash;

	if (n < 0)
		return -errno;
	dir[n] = '\0';
	slash = strrchr(dir, '/');
	if (!slash)
		return -ENOENT;
	slash[1] = '\0';
	return 0;
}

/* dlopen() the first candidate that exists; NULL with @why filled in. */
static void *open_library(char *why, size_t len)
{
	static const char *const subdirs[] = { KBUFMAP_TRACER_RELDIR "/", "" };
	char dir[PATH_MAX], path[PATH_MAX + 64], tried[2 * sizeof(path)] = "";
	int err = exe_dir(dir, sizeof(dir));
	void *h;

	if (err) {
		snprintf(why, len, "cannot find the tool's own binary (/proc/self/exe): %s",
			 strerror(-err));
		return NULL;
	}
	for (size_t i = 0; i < sizeof(subdirs) / sizeof(subdirs[0]); i++) {
		snprintf(path, sizeof(path), "%s%s%s", dir, subdirs[i], KBUFMAP_TRACER_FILE);
		if (access(path, F_OK) != 0) {
			snprintf(tried + strlen(tried), sizeof(tried) - strlen(tried), "%s%s",
				 *tried ? ", " : "", path);
			continue;
		}
		h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
		if (!h)
			snprintf(why, len, "%s", dlerror());
		return h;
	}
	snprintf(why, len, "no %s (looked for %s)", KBUFMAP_TRACER_FILE, tried);
	return NULL;
}

/* The library's table, loaded once: 0, or -errno with @e saying why not. */
static int tracer_api(struct kbm_err *e)
{
	char why[3 * PATH_MAX];
	const struct kbm_tracer_api *a;
	void *h;

	if (api)
		return 0;
	h = open_library(why, sizeof(why));
	if (!h)
		return kbm_err_set(e, KBM_ERR_RUNTIME, ELIBACC,
				   "cannot load the tracer library: %s", why);
	a = dlsym(h, KBM_TRACER_API_SYMBOL);
	if (!a || a->size != sizeof(*a) || strcmp(a->version, KBUFMAP_VERSION) != 0) {
		kbm_err_set(e, KBM_ERR_RUNTIME, ELIBBAD,
			    "the tracer library %s is not this kbufmapctl's (%s %s): reinstall both",
			    KBUFMAP_TRACER_FILE, a ? "version" : "no symbol",
			    a ? a->version : KBM_TRACER_API_SYMBOL);
		dlclose(h);
		return -ELIBBAD;
	}
	api = a;
	return 0;
}

int ft_tracer_start(const struct ft_tracer_opts *opts, struct ft_tracer **out,
		    struct kbm_err *e)
{
	int err = tracer_api(e);

	return err ? err : api->start(opts, out, e);
}

/* A failure to load the library has no libbpf log to add. */
int ft_tracer_fail(const struct kbm_err *e)
{
	return api ? api->fail(e) : kbm_fail_err(e);
}

/*
 * With a tracer, the library is loaded: the rest call straight through.
 * Without one (a start that failed), destroy and detach do nothing, as
 * the library's own do.
 */
void ft_tracer_detach(struct ft_tracer *t)
{
	if (t)
		api->detach(t);
}

void ft_tracer_destroy(struct ft_tracer *t)
{
	if (t)
		api->destroy(t);
}

enum ft_mode ft_tracer_mode(const struct ft_tracer *t)
{
	return api->mode(t);
}

const char *ft_tracer_mode_reason(const struct ft_tracer *t)
{
	return api->mode_reason(t);
}

unsigned int ft_tracer_nslots(const struct ft_tracer *t)
{
	return api->nslots(t);
}

unsigned int ft_tracer_slot(const struct ft_tracer *t, unsigned int i)
{
	return api->slot(t, i);
}

const struct ft_func_desc *ft_tracer_desc(const struct ft_tracer *t, unsigned int slot)
{
	return api->desc(t, slot);
}

const struct ft_tracer_opts *ft_tracer_opts(const struct ft_tracer *t)
{
	return api->opts(t);
}

bool ft_tracer_mapping_range(const struct ft_tracer *t, __u64 *start, __u64 *end)
{
	return api->mapping_range(t, start, end);
}

int ft_tracer_snapshot(struct ft_tracer *t, struct ft_snapshot *s, struct kbm_err *e)
{
	return api->snapshot(t, s, e);
}
