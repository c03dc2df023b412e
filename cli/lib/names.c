// SPDX-License-Identifier: GPL-2.0
#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* asprintf, strerrorname_np; CMake defines it too */
#endif
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "kbufmap_matrix.h"
#include "kbufmap_names.h"
#include "names.h"

/* The module's debugfs uses the same lists (kbufmap_names.h). */
static const char *const backends[KBUFMAP_BACKEND_COUNT] = {
	KBUFMAP_BACKENDS(KBUFMAP_X_BACKEND_NAME)
};

static const char *const strategies[KBUFMAP_STRATEGY_COUNT] = {
	KBUFMAP_STRATEGIES(KBUFMAP_X_STRATEGY_NAME)
};

static const char *const map_kinds[KBUFMAP_MAP_KIND_COUNT] = {
	KBUFMAP_MAP_KINDS(KBUFMAP_X_MAP_KIND_NAME)
};

static const char *const cache_modes[KBUFMAP_CACHE_COUNT] = {
	KBUFMAP_CACHE_MODES(KBUFMAP_X_CACHE_NAME)
};

static const char *const mem_attrs[KBUFMAP_ATTR_COUNT] = {
	KBUFMAP_MEM_ATTRS(KBUFMAP_X_MEM_ATTR_NAME)
};

static const char *const dma_dirs[KBUFMAP_DMA_DIR_COUNT] = {
	KBUFMAP_DMA_DIRS(KBUFMAP_X_DMA_DIR_NAME)
};

static const char *const counter_keys[] = {
	KBUFMAP_COUNTERS(KBUFMAP_X_COUNTER_KEY)
};

#define X_COUNTER_OFFSET(id, field, key) \
	offsetof(struct kbufmap_counters, field),
static const size_t counter_offsets[] = {
	KBUFMAP_COUNTERS(X_COUNTER_OFFSET)
};

const char *backend_name(unsigned int b)
{
	return b < KBUFMAP_BACKEND_COUNT && backends[b] ? backends[b] : "?";
}

const char *strategy_name(unsigned int s)
{
	return s < KBUFMAP_STRATEGY_COUNT && strategies[s] ? strategies[s] : "?";
}

const char *map_kind_name(unsigned int k)
{
	return k < KBUFMAP_MAP_KIND_COUNT ? map_kinds[k] : "?";
}

const char *cache_name(unsigned int c)
{
	return c < KBUFMAP_CACHE_COUNT ? cache_modes[c] : "?";
}

const char *mem_attr_name(unsigned int a)
{
	return a < KBUFMAP_ATTR_COUNT ? mem_attrs[a] : "?";
}

const char *dma_dir_name(unsigned int d)
{
	return d < KBUFMAP_DMA_DIR_COUNT ? dma_dirs[d] : "?";
}

size_t counter_count(void)
{
	return sizeof(counter_keys) / sizeof(counter_keys[0]);
}

const char *counter_key(size_t i)
{
	return i < counter_count() ? counter_keys[i] : "?";
}

uint64_t counter_value(const struct kbufmap_counters *c, size_t i)
{
	uint64_t v = 0;

	if (i < counter_count())
		memcpy(&v, (const char *)c + counter_offsets[i], sizeof(v));
	return v;
}

static int lookup(const char *const *names, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (names[i] && strcmp(names[i], name) == 0)
			return i;
	return -1;
}

int backend_from_name(const char *name)
{
	return lookup(backends, KBUFMAP_BACKEND_COUNT, name);
}

int strategy_from_name(const char *name)
{
	return lookup(strategies, KBUFMAP_STRATEGY_COUNT, name);
}

int cache_from_name(const char *name)
{
	return lookup(cache_modes, KBUFMAP_CACHE_COUNT, name);
}

int dma_dir_from_name(const char *name)
{
	return lookup(dma_dirs, KBUFMAP_DMA_DIR_COUNT, name);
}

static const char *join(char *buf, size_t len, const char *const *names, int n)
{
	size_t off = 0;

	buf[0] = '\0';
	for (int i = 0; i < n && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s%s",
					i ? ", " : "", names[i]);
	return buf;
}

const char *backend_names_list(void)
{
	static char buf[128];

	return buf[0] ? buf : join(buf, sizeof(buf), backends,
				   KBUFMAP_BACKEND_COUNT);
}

const char *strategy_names_list(void)
{
	static char buf[256];

	return buf[0] ? buf : join(buf, sizeof(buf), strategies,
				   KBUFMAP_STRATEGY_COUNT);
}

const char *cache_names_list(void)
{
	static char buf[64];

	return buf[0] ? buf : join(buf, sizeof(buf), cache_modes,
				   KBUFMAP_CACHE_COUNT);
}

const char *dma_dir_names_list(void)
{
	static char buf[64];

	return buf[0] ? buf : join(buf, sizeof(buf), dma_dirs,
				   KBUFMAP_DMA_DIR_COUNT);
}

uint64_t backend_max_pages(unsigned int backend)
{
	if (backend == KBUFMAP_BACKEND_KMALLOC)
		return KBUFMAP_KMALLOC_MAX_PAGES;
	return KBUFMAP_MAX_PAGES;
}

const char *errno_name(int err)
{
	static __thread char buf[32];
	const char *name;

	if (err == EOPNOTSUPP)	/* same value as ENOTSUP: say what the header says */
		return "EOPNOTSUPP";
	name = strerrorname_np(err);
	if (name)
		return name;
	snprintf(buf, sizeof(buf), "errno %d", err);
	return buf;
}
