// SPDX-License-Identifier: GPL-2.0
#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* asprintf; CMake defines it too */
#endif
/*
 * The buffer options (bufopt.h): their rows, their parser and the finish
 * step. A new option is a row of rows[], a case of parse_one() (or
 * parse_list()), a field of struct kbm_bufopt and, if it depends on
 * others, a line of kbm_bufopt_finish().
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bufopt.h"
#include "cmd.h"
#include "names.h"
#include "parse.h"
#include "procfs.h"
#include "values.h"

enum {
	OPT_TARGET = 0x500,
	OPT_NODE,
	OPT_SHARED,
	OPT_PRIVATE,
	OPT_TOUCH,
	OPT_CACHE,
	OPT_SET_MEMORY,
};

/* Row forms: for every command, or only with or without KBM_BUF_LISTS. */
enum { FORM_ANY, FORM_ONE, FORM_LISTS };

/*
 * {DEFAULT} in a doc is the command's default (row_default()), {NOTE} its
 * note, {CACHES} the cache modes' names.
 */
static const struct row {
	unsigned int offer;
	int form;
	struct argp_option opt;
} rows[] = {
	{ KBM_BUF_TARGET, FORM_ONE, { "target", OPT_TARGET, "SPEC", 0,
	  "Whose buffer: " KBM_TARGET_FORMS " (default kbufmap; the others are "
	  "real in-kernel drivers){NOTE}", 0 } },
	{ KBM_BUF_TARGET, FORM_LISTS, { "target", OPT_TARGET, "LIST", 0,
	  "Other drivers' buffers measured beside kbufmap's cases (repeatable, "
	  "or a comma list): " KBM_TARGET_FORMS "; the module's counters do not "
	  "apply to them, minor faults do", 0 } },
	{ KBM_BUF_BACKEND, FORM_ONE, { "backend", 'b', "NAME", 0,
	  "Where the memory comes from: {BACKENDS} (default {DEFAULT})", 0 } },
	{ KBM_BUF_BACKEND, FORM_LISTS, { "backend", 'b', "LIST", 0,
	  "Backends (comma list of {BACKENDS}; all: the default, or none)", 0 } },
	{ KBM_BUF_STRATEGY, FORM_ONE, { "strategy", 's', "NAME", 0,
	  "How it is mapped: {STRATEGIES} (default fault)", 0 } },
	{ KBM_BUF_STRATEGY, FORM_LISTS, { "strategy", 's', "LIST", 0,
	  "Strategies (comma list of {STRATEGIES}; all: the default, or none); "
	  "only the combinations the matrix allows are run", 0 } },
	{ KBM_BUF_PAGES, FORM_ONE, { "pages", 'n', "N", 0,
	  "Buffer size in pages: 1..{MAX_PAGES} (kmalloc 1..{KMALLOC_MAX_PAGES}); "
	  "default {DEFAULT}", 0 } },
	{ KBM_BUF_PAGES, FORM_LISTS, { "pages", 'n', "LIST", 0,
	  "Buffer sizes in pages: N, a list (1,16,256) or a geometric range "
	  "A-B[xF] (1-65536x16; F defaults to 2); 1..{MAX_PAGES}, default {DEFAULT}", 0 } },
	{ KBM_BUF_NODE, FORM_ANY, { "node", OPT_NODE, "N", 0,
	  "Allocate on NUMA node N (0.." KBM_STR(KBM_MAX_NODE) "; the pages, contig "
	  "and kmalloc backends); default: the allocator's policy{NOTE}", 0 } },
	{ KBM_BUF_SHARED, FORM_ANY, { "shared", OPT_SHARED, NULL, 0,
	  "MAP_SHARED (default)", 0 } },
	{ KBM_BUF_PRIVATE, FORM_ANY, { "private", OPT_PRIVATE, NULL, 0,
	  "MAP_PRIVATE (default MAP_SHARED)", 0 } },
	{ KBM_BUF_TOUCH, FORM_ANY, { "touch", OPT_TOUCH, "HOW", 0,
	  "How one byte of every page is touched first: read, write or none "
	  "(default {DEFAULT})", 0 } },
	{ KBM_BUF_CACHE, FORM_ONE, { "cache", OPT_CACHE, "MODE", 0,
	  "The cache attribute the mapping asks for: {CACHES} (default wb); "
	  "what it gets is reported", 0 } },
	{ KBM_BUF_CACHE, FORM_LISTS, { "cache", OPT_CACHE, "LIST", 0,
	  "Cache modes to run (comma list of {CACHES}, or all; default wb)", 0 } },
	{ KBM_BUF_CACHE, FORM_ANY, { "set-memory", OPT_SET_MEMORY, NULL, 0,
	  "Give the kernel's own mapping the --cache attribute first "
	  "(set_memory_wc/uc; pages, contig and dma-noncoherent; x86)", 0 } },
};
#define NR_ROWS (sizeof(rows) / sizeof(rows[0]))

static const char *const touch_names[] = {
	[KBM_TOUCH_READ] = "read",
	[KBM_TOUCH_WRITE] = "write",
	[KBM_TOUCH_NONE] = "none",
};
#define NR_TOUCH (sizeof(touch_names) / sizeof(touch_names[0]))

const char *kbm_touch_value(unsigned int i)
{
	return i < NR_TOUCH ? touch_names[i] : NULL;
}

static const char *cache_value(unsigned int i)
{
	return i < KBUFMAP_CACHE_COUNT ? cache_name(i) : NULL;
}

const struct kbm_values kbm_bufopt_values[] = {
	{ 0, "touch", NULL, kbm_touch_value },
	{ 0, "cache", NULL, cache_value },
	{ 0 }
};

const char *kbm_touch_name(enum kbm_touch touch)
{
	return (size_t)touch < NR_TOUCH ? touch_names[touch] : "?";
}

/* The offered rows, with their defaults filled in; the child's options. */
static struct argp_option offered[NR_ROWS + 1];

/* What {DEFAULT} stands for in @key's doc, for @cfg. */
static const char *row_default(int key, const struct kbm_bufopt_cfg *cfg,
			       char *buf, size_t len)
{
	switch (key) {
	case 'b':
		return cfg->huge_contig ? "vmalloc; contig for --strategy huge" : "vmalloc";
	case 'n':
		if (cfg->pages_doc)
			return cfg->pages_doc;
		snprintf(buf, len, "%llu", (unsigned long long)cfg->pages);
		return buf;
	case OPT_TOUCH:
		return kbm_touch_name(cfg->touch);
	}
	return "";
}

/* What {NOTE} stands for in @key's doc, for @cfg. */
static const char *row_note(int key, const struct kbm_bufopt_cfg *cfg)
{
	const char *note = key == OPT_TARGET ? cfg->target_note :
			   key == OPT_NODE ? cfg->node_note : NULL;

	return note ? note : "";
}

static bool row_offered(const struct row *r, unsigned int offer)
{
	bool lists = offer & KBM_BUF_LISTS;

	if (!(offer & r->offer))
		return false;
	return r->form == FORM_ANY || (r->form == FORM_LISTS) == lists;
}

/* @doc into @out with {NOTE} and {DEFAULT} replaced by @note and @dflt. */
static const char *fill_doc(char *out, size_t len, const char *doc,
			    const char *note, const char *dflt)
{
	size_t n = 0;

	for (const char *d = doc; *d && n + 1 < len;) {
		/* Every command start fills every row: compare only at a '{'. */
		const char *put = *d != '{' ? NULL :
				  !strncmp(d, "{NOTE}", 6) ? note :
				  !strncmp(d, "{DEFAULT}", 9) ? dflt :
				  !strncmp(d, "{CACHES}", 8) ? cache_names_list() : NULL;

		if (put) {
			n += (size_t)snprintf(out + n, len - n, "%s", put);
			d = strchr(d, '}') + 1;
		} else {
			out[n++] = *d++;
		}
	}
	if (n >= len)	/* cut short: the row's text as written */
		return doc;
	out[n] = '\0';
	return out;
}

void kbm_bufopt_offer(const struct kbm_bufopt_cfg *cfg)
{
	static char docs[NR_ROWS][640];
	size_t n = 0;
	char buf[32];

	for (size_t i = 0; i < NR_ROWS; i++) {
		const struct argp_option *o = &rows[i].opt;

		if (!row_offered(&rows[i], cfg->offer))
			continue;
		offered[n] = *o;
		offered[n].doc = fill_doc(docs[n], sizeof(docs[n]), o->doc,
					  row_note(o->key, cfg),
					  row_default(o->key, cfg, buf, sizeof(buf)));
		n++;
	}
	offered[n] = (struct argp_option){ 0 };
}

void kbm_bufopt_init(struct kbm_bufopt *b, const struct kbm_bufopt_cfg *cfg)
{
	*b = (struct kbm_bufopt){
		.cfg = cfg, .backend = -1, .strategy = -1, .pages = cfg->pages,
		.node = KBUFMAP_NODE_ANY, .touch = cfg->touch,
	};
	memset(b->backends, 1, sizeof(b->backends));
	memset(b->strategies, 1, sizeof(b->strategies));
	b->caches[KBUFMAP_CACHE_WB] = true;
}

/* ---- lists (bench) ------------------------------------------------------ */

/* One item of --pages: N, or A-B[xF] (A, A*F, ... up to B). */
static void parse_size_item(struct argp_state *state, char *item, struct kbm_bufopt *b)
{
	char *dash = strchr(item, '-'), *x = strchr(item, 'x');
	uint64_t lo, hi, f = 2;

	if (x && (!dash || x < dash))
		x = NULL;	/* "0x10": a hex number */
	if (x && dash)
		*x++ = 0;
	if (dash)
		*dash++ = 0;
	kbm_argp_u64(state, "--pages", item, 1, KBUFMAP_MAX_PAGES, &lo);
	hi = lo;
	if (dash)
		kbm_argp_u64(state, "--pages (range end)", dash, lo, KBUFMAP_MAX_PAGES, &hi);
	if (x)
		kbm_argp_u64(state, "--pages (range factor)", x, 2, 1024, &f);
	for (uint64_t v = lo; v <= hi; v *= f) {
		if (b->nsizes == KBM_BUF_MAX_SIZES)
			argp_error(state, "--pages: more than %d sizes", KBM_BUF_MAX_SIZES);
		b->sizes[b->nsizes++] = v;
	}
}

/* --backend or --strategy LIST into @set. */
static void parse_names(struct argp_state *state, const char *what, char *arg,
			bool *set, size_t count, int (*lookup)(const char *),
			const char *allowed)
{
	char msg[512];

	if (parse_name_set(what, arg, set, count, lookup, allowed, msg, sizeof(msg)))
		argp_error(state, "%s", msg);
}

/*
 * --target LIST: each foreign target once. "kbufmap" names the module's
 * cases, which --strategy and --backend choose: accepted, nothing added.
 */
static void parse_targets(struct argp_state *state, char *arg, struct kbm_bufopt *b)
{
	char *save = NULL, why[512];

	for (char *t = strtok_r(arg, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		struct kbm_target_spec spec;

		if (kbm_target_parse(t, &spec, why, sizeof(why)))
			argp_error(state, "%s", why);
		if (spec.kind == KBM_TARGET_KBUFMAP)
			continue;
		for (size_t i = 0; i < b->ntargets; i++)
			if (b->targets[i].kind == spec.kind && !strcmp(b->targets[i].arg, spec.arg) &&
			    b->targets[i].size == spec.size)
				argp_error(state, "--target %s: given twice", t);
		if (b->ntargets == KBM_BUF_MAX_TARGETS)
			argp_error(state, "--target: more than %d targets", KBM_BUF_MAX_TARGETS);
		b->targets[b->ntargets++] = spec;
	}
}

/* --target, --backend, --strategy, --pages as lists; false for another key. */
static bool parse_list(int key, char *arg, struct argp_state *state,
		       struct kbm_bufopt *b)
{
	char *save = NULL;

	switch (key) {
	case OPT_TARGET:
		parse_targets(state, arg, b);
		return true;
	case 'b':
		parse_names(state, "--backend", arg, b->backends, KBUFMAP_BACKEND_COUNT,
			    backend_from_name, backend_names_list());
		return true;
	case 's':
		parse_names(state, "--strategy", arg, b->strategies, KBUFMAP_STRATEGY_COUNT,
			    strategy_from_name, strategy_names_list());
		return true;
	case 'n':
		for (char *t = strtok_r(arg, ",", &save); t; t = strtok_r(NULL, ",", &save))
			parse_size_item(state, t, b);
		return true;
	case OPT_CACHE:
		parse_names(state, "--cache", arg, b->caches, KBUFMAP_CACHE_COUNT,
			    cache_from_name, cache_names_list());
		b->cache_given = true;
		return true;
	}
	return false;
}

/* ---- one buffer ---------------------------------------------------------- */

static int touch_from_name(const char *name)
{
	for (size_t i = 0; i < NR_TOUCH; i++)
		if (!strcmp(touch_names[i], name))
			return (int)i;
	return -1;
}

/* The options of one buffer; false for another key. */
static bool parse_one(int key, char *arg, struct argp_state *state,
		      struct kbm_bufopt *b)
{
	char msg[512];

	switch (key) {
	case OPT_TARGET:
		if (kbm_target_parse(arg, &b->target, msg, sizeof(msg)))
			argp_error(state, "%s", msg);
		b->target_text = arg;
		return true;
	case 'b':
		b->backend = backend_from_name(arg);
		if (b->backend < 0)
			argp_error(state, "--backend: unknown backend '%s': allowed %s",
				   arg, backend_names_list());
		return true;
	case 's':
		b->strategy = strategy_from_name(arg);
		if (b->strategy < 0)
			argp_error(state, "--strategy: unknown strategy '%s': allowed %s",
				   arg, strategy_names_list());
		return true;
	case 'n':
		kbm_argp_u64(state, "--pages", arg, 1, KBUFMAP_MAX_PAGES, &b->pages);
		b->pages_arg = arg;
		return true;
	case OPT_CACHE:
		if (cache_from_name(arg) < 0)
			argp_error(state, "--cache: unknown mode '%s': allowed %s",
				   arg, cache_names_list());
		b->cache = (unsigned int)cache_from_name(arg);
		b->cache_given = true;
		return true;
	}
	return false;
}

/* The options alike in both forms; false for another key. */
static bool parse_common(int key, char *arg, struct argp_state *state,
			 struct kbm_bufopt *b)
{
	uint64_t v;
	int n;

	switch (key) {
	case OPT_NODE:
		kbm_argp_u64(state, "--node", arg, 0, KBM_MAX_NODE, &v);
		b->node = (int)v;
		return true;
	case OPT_SHARED:
	case OPT_PRIVATE:
		b->private_map = key == OPT_PRIVATE;
		return true;
	case OPT_TOUCH:
		n = touch_from_name(arg);
		if (n < 0)
			argp_error(state, "--touch: unknown '%s': allowed read, write, none", arg);
		b->touch = (enum kbm_touch)n;
		return true;
	case OPT_SET_MEMORY:
		b->set_memory = true;
		return true;
	}
	return false;
}

static error_t bufopt_parse(int key, char *arg, struct argp_state *state)
{
	struct kbm_bufopt *b = state->input;

	if (!b)	/* the command set no child input: nothing to fill */
		return ARGP_ERR_UNKNOWN;
	if ((b->cfg->offer & KBM_BUF_LISTS) ? parse_list(key, arg, state, b) :
	    parse_one(key, arg, state, b))
		return 0;
	return parse_common(key, arg, state, b) ? 0 : ARGP_ERR_UNKNOWN;
}

const struct argp kbm_bufopt_argp = {
	.options = offered,
	.parser = bufopt_parse,
	.help_filter = kbm_help_filter,
};

/* ---- the finish ---------------------------------------------------------- */

bool kbm_bufopt_given(const struct kbm_bufopt *b)
{
	return b->target_text || b->backend >= 0 || b->strategy >= 0 || b->pages_arg ||
	       b->node != KBUFMAP_NODE_ANY || b->private_map || b->cache_given ||
	       b->set_memory;
}

/* Another driver's buffer: what only kbufmap has is refused. */
static void finish_foreign(const struct kbm_bufopt *b, struct argp_state *state)
{
	if (b->backend >= 0 || b->strategy >= 0 || b->node != KBUFMAP_NODE_ANY)
		argp_error(state, "--backend, --strategy and --node configure a kbufmap buffer: "
			   "not with --target %s (its driver decides)", b->target_text);
	if (b->cache_given || b->set_memory)
		argp_error(state, "--cache and --set-memory configure a kbufmap buffer: "
			   "not with --target %s (its driver decides; the attribute it "
			   "got is reported)", b->target_text);
	if (b->pages_arg && kbm_target_fixed_size(&b->target))
		argp_error(state, "--pages: --target %s has a size of its own: drop --pages",
			   b->target_text);
}

/* --cache and --set-memory against the backend and the mapping kind. */
static void finish_cache(const struct kbm_bufopt *b, struct argp_state *state)
{
	unsigned int flags = b->set_memory ? KBUFMAP_CONFIG_SET_MEMORY : 0;
	unsigned int kind = b->private_map ? KBUFMAP_MAP_PRIVATE_RW : KBUFMAP_MAP_SHARED;
	const char *why;
	int e;

	e = -kbufmap_cache_errno((unsigned int)b->backend, b->cache, flags, &why);
	if (e == EINVAL)	/* the modes themselves, whatever the backend */
		argp_error(state, "--set-memory with --cache %s (%s): %s",
			   cache_name(b->cache), errno_name(e), why);
	if (e)
		argp_error(state, "--cache %s --set-memory with backend %s (%s): %s",
			   cache_name(b->cache), backend_name((unsigned int)b->backend),
			   errno_name(e), why);
	e = -kbufmap_cache_kind_errno(b->cache, kind, &why);
	if (e)
		argp_error(state, "--cache %s with --private (%s): %s", cache_name(b->cache),
			   errno_name(e), why);
}

/* kbufmap's buffer: the defaults, its backend's limit, a valid combination. */
static void finish_kbufmap(struct kbm_bufopt *b, struct argp_state *state)
{
	bool huge = b->strategy == KBUFMAP_STRATEGY_HUGE && b->cfg->huge_contig;
	const char *why;
	unsigned int be, st;
	int e;

	if (b->backend < 0)
		b->backend = huge ? KBUFMAP_BACKEND_CONTIG : KBUFMAP_BACKEND_VMALLOC;
	if (b->strategy < 0)
		b->strategy = KBUFMAP_STRATEGY_FAULT;
	if (!b->pages_arg && huge)	/* one PMD: 512 pages of 4 KiB */
		b->pages = pmd_size() / (size_t)sysconf(_SC_PAGESIZE);
	be = (unsigned int)b->backend;
	st = (unsigned int)b->strategy;
	if (b->pages > backend_max_pages(be))
		argp_error(state, "--pages: '%s' is out of range for backend %s: allowed 1..%llu",
			   b->pages_arg ? b->pages_arg : "(default)", backend_name(be),
			   (unsigned long long)backend_max_pages(be));
	e = -kbufmap_combo_errno(be, st, b->node, &why);
	if (e)
		argp_error(state, "backend %s with strategy %s is not a valid combination (%s): %s; "
			   "see '" KBM_PROG " matrix'", backend_name(be),
			   strategy_name(st), errno_name(e), why);
	finish_cache(b, state);
}

void kbm_bufopt_config(const struct kbm_bufopt *b, struct kbufmap_config *cfg)
{
	*cfg = (struct kbufmap_config){
		.nr_pages = b->pages, .backend = (unsigned int)b->backend,
		.strategy = (unsigned int)b->strategy, .node = b->node,
		.cache = b->cache,
		.flags = b->set_memory ? KBUFMAP_CONFIG_SET_MEMORY : 0,
	};
}

void kbm_bufopt_finish(struct kbm_bufopt *b, struct argp_state *state)
{
	if (b->cfg->offer & KBM_BUF_LISTS) {
		if (!b->nsizes)
			b->sizes[b->nsizes++] = b->cfg->pages;
		if (b->set_memory && b->caches[KBUFMAP_CACHE_WB])
			argp_error(state, "--set-memory: not with cache mode wb (the kernel's "
				   "mapping is write-back already): give --cache wc, uc or wc,uc");
		return;
	}
	if (kbm_bufopt_foreign(b))
		finish_foreign(b, state);
	else if (!b->matrix)
		finish_kbufmap(b, state);
}
