// SPDX-License-Identifier: GPL-2.0
/*
 * kbufmapctl verify: configure a buffer, map it, and prove the mapping right
 * with the checks of verify_checks[] (checks_table.c).
 *
 * Every option is validated before the device is opened, so a bad option
 * is exit 2 even without the module; an invalid backend x strategy choice is
 * refused with the reason from kbufmap_matrix.h.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* asprintf, strerrorname_np; CMake defines it too */
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bufopt.h"
#include "cmd.h"
#include "kbm_dev.h"
#include "kbm_hints.h"
#include "names.h"
#include "out.h"
#include "parse.h"
#include "values.h"
#include "report.h"
#include "target.h"
#include "verify.h"
#include "verify_target.h"

struct vopts {
	const struct kbm_ctx *ctx;
	struct kbm_bufopt buf;		/* with --all, backend and strategy narrow it */
	unsigned int modes;		/* VMODE_* mask, 0 = default */
	bool *selected;			/* [verify_nr_checks] */
	bool *tselected;		/* [verify_nr_target_checks] */
	bool any_selected;
	bool all, tap;
	int list;			/* 0 or OPT_LIST_CHECKS/_CHECK_NAMES */
};

enum {
	OPT_LIST_CHECKS = 0x200,
	OPT_LIST_CHECK_NAMES,
	OPT_LIST_VALUES,
};

/* One buffer, or with --all the matrix --backend and --strategy narrow. */
static const struct kbm_bufopt_cfg verify_bufopt = {
	.offer = KBM_BUF_ONE | KBM_BUF_CACHE, .pages = 4,
	.target_note = ". Another driver than kbufmap gets the generic checks "
		       "(--list-checks with it lists them)",
	.node_note = "; adds the numa-placement check",
};

static const char cache_note[] =
	"a cache mode other than wb needs MAP_SHARED: only the cache family runs in private mode";

static const struct argp_option verify_options[] = {
	{ "mode", 'm', "MODE", 0,
	  "shared (default), private, or all (both); with --all the default is all", 0 },
	{ "check", 'c', "NAME", 0,
	  "Run only this check (repeatable); --list-checks lists them", 0 },
	{ "all", 'a', NULL, 0,
	  "Run across the whole matrix of kbufmap_matrix.h: every backend x "
	  "strategy (refused ones are checked for their errno), in each mode "
	  "where valid; --backend/--strategy narrow it", 0 },
	{ "tap", 't', NULL, 0, "Print TAP version 13 (KTAP style) output", 0 },
	{ "list-checks", OPT_LIST_CHECKS, NULL, 0,
	  "List the checks (name, modes, group, what a PASS proves, what a "
	  "FAIL means) and exit", 0 },
	{ "list-check-names", OPT_LIST_CHECK_NAMES, NULL, OPTION_HIDDEN,
	  "List the check names, one a line (for completion)", 0 },
	{ "list-values", OPT_LIST_VALUES, "OPTION", OPTION_HIDDEN,
	  "List the values OPTION takes, one a line (for completion)", 0 },
	{ 0 }
};

/* The fixed values of verify's options, for --list-values (the completions). */
static const struct kbm_values verify_values[] = {
	{ 'm', "mode", (const char *const[]){ "shared", "private", "all", NULL }, NULL },
	{ 0 }
};

static const struct argp_child verify_children[] = {
	{ &kbm_bufopt_argp, 0, NULL, 0 },
	{ &kbm_common_argp, 0, "Common options:", 1 },
	{ 0 }
};

/* Is @name one of kbufmap's checks? */
static bool kbufmap_check(const char *name)
{
	for (size_t i = 0; i < verify_nr_checks; i++)
		if (!strcmp(verify_checks[i].name, name))
			return true;
	return false;
}

static const char *check_names(void)
{
	static char *buf;
	size_t len = 0;
	FILE *f;

	if (buf)
		return buf;
	f = open_memstream(&buf, &len);
	if (!f)
		return "(out of memory)";
	for (size_t i = 0; i < verify_nr_checks; i++)
		fprintf(f, "%s%s", i ? ", " : "", verify_checks[i].name);
	for (size_t i = 0; i < verify_nr_target_checks; i++)
		if (!kbufmap_check(verify_target_checks[i].name))
			fprintf(f, ", %s", verify_target_checks[i].name);
	if (fclose(f) != 0)
		return "(out of memory)";
	return buf;
}

static void list_checks(const struct vcheck *table, size_t n);
static void list_check_names(bool foreign);

/* Each returns 0, or EINVAL after argp_error() (should that ever return). */
static error_t parse_mode(struct vopts *o, const char *arg,
			  struct argp_state *state)
{
	if (!strcmp(arg, "shared"))
		o->modes = VMODE_SHARED;
	else if (!strcmp(arg, "private"))
		o->modes = VMODE_PRIVATE;
	else if (!strcmp(arg, "all"))
		o->modes = VMODE_SHARED | VMODE_PRIVATE;
	else {
		argp_error(state, "--mode: unknown mode '%s': allowed shared, private, all",
			   arg);
		return EINVAL;
	}
	return 0;
}

static error_t parse_check(struct vopts *o, const char *arg,
			   struct argp_state *state)
{
	bool found = false;

	for (size_t i = 0; i < verify_nr_checks; i++)
		if (!strcmp(verify_checks[i].name, arg))
			found = o->selected[i] = true;
	for (size_t i = 0; i < verify_nr_target_checks; i++)
		if (!strcmp(verify_target_checks[i].name, arg))
			found = o->tselected[i] = true;
	o->any_selected |= found;
	if (found)
		return 0;
	argp_error(state, "--check: unknown check '%s': valid checks are %s",
		   arg, check_names());
	return EINVAL;
}

/* The choices that depend on each other, once all options are in. */
static error_t parse_end(struct vopts *o, struct argp_state *state)
{
	bool foreign = kbm_bufopt_foreign(&o->buf);

	if (o->tap && o->ctx->json) {
		argp_error(state, "--tap and --json are mutually exclusive");
		return EINVAL;
	}
	if (o->all && foreign) {
		argp_error(state, "--all runs kbufmap's matrix: not with --target %s "
			   "(its driver decides)", o->buf.target_text);
		return EINVAL;
	}
	o->buf.matrix = o->all;
	kbm_bufopt_finish(&o->buf, state);
	if (o->all && o->buf.set_memory && o->buf.cache == KBUFMAP_CACHE_WB) {
		argp_error(state, "--set-memory: give --cache wc or uc (the kernel's "
			   "mapping is write-back already)");
		return EINVAL;
	}
	if (!o->modes)
		o->modes = o->all || foreign ? VMODE_SHARED | VMODE_PRIVATE : VMODE_SHARED;
	return 0;
}

/* --list-checks or --list-check-names: print, then exit 0. */
static void list_and_exit(const struct vopts *o)
{
	if (o->list != OPT_LIST_CHECKS)
		list_check_names(kbm_bufopt_foreign(&o->buf));
	else if (kbm_bufopt_foreign(&o->buf))
		list_checks(verify_target_checks, verify_nr_target_checks);
	else
		list_checks(verify_checks, verify_nr_checks);
	exit(kbm_finish(KBM_EXIT_OK));
}

static error_t verify_parse(int key, char *arg, struct argp_state *state)
{
	struct vopts *o = state->input;

	switch (key) {
	case ARGP_KEY_INIT:
		state->child_inputs[0] = &o->buf;
		return 0;
	case 'm':
		return parse_mode(o, arg, state);
	case 'c':
		return parse_check(o, arg, state);
	case 'a':
		o->all = true;
		return 0;
	case 't':
		o->tap = true;
		return 0;
	case OPT_LIST_CHECKS:
	case OPT_LIST_CHECK_NAMES:
		o->list = key;
		return 0;
	case OPT_LIST_VALUES:
		if (kbm_print_values(verify_values, arg))
			argp_error(state, "--list-values: %s takes no fixed values", arg);
		exit(kbm_finish(KBM_EXIT_OK));
	case ARGP_KEY_ARG:
		argp_error(state, "unexpected argument '%s'", arg);
		return EINVAL;
	case ARGP_KEY_END:
		if (o->list)	/* before the device is looked for */
			list_and_exit(o);
		return parse_end(o, state);
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static const struct argp verify_argp = {
	.help_filter = kbm_help_filter,
	.options = verify_options,
	.parser = verify_parse,
	.doc = "Configure a buffer on the kbufmap device, map it, and prove the "
	       "mapping right: aliasing (pagemap PFNs against the kernel's own "
	       "list), coherence between mappings and with the kernel's "
	       "read()/write(), zeroing, bounds, permissions, copy-on-write, "
	       "fork, lifetime, huge mappings, and the MAP_PRIVATE + per-page "
	       "remap_pfn_range() \"Bus error\"."
	       "\vExamples:\n"
	       "  kbufmapctl verify\n"
	       "  kbufmapctl verify --backend pages --strategy insert --pages 64\n"
	       "  kbufmapctl verify --strategy remap-unchecked --mode private\n"
	       "  kbufmapctl verify --all --tap\n"
	       "  kbufmapctl verify --check pagemap-alias --json\n"
	       "  kbufmapctl verify --all --cache wc --check cache-attribute\n"
	       "  kbufmapctl verify --target fb --tap\n\n"
	       "Exit status: 0 every check that ran passed, 1 a check failed, 2 usage "
	       "error, 3 module not loaded, 4 every check skipped, 5 access denied, "
	       "6 other error.",
	.children = verify_children,
};

static void list_checks(const struct vcheck *table, size_t n)
{
	open_json_array(NULL);
	for (size_t i = 0; i < n; i++) {
		const struct vcheck *k = &table[i];
		const char *modes = k->modes == (VMODE_SHARED | VMODE_PRIVATE) ?
			"shared,private" : k->modes == VMODE_SHARED ?
			"shared" : "private";

		open_json_object(NULL);
		print_string(PRINT_ANY, "name", "%-32s", k->name);
		print_string(PRINT_ANY, "modes", " %-15s", modes);
		print_string(PRINT_ANY, "group", " %-12s", k->group);
		print_string(PRINT_ANY, "doc", " %s\n", k->doc);
		if (k->explain) {
			print_string(PRINT_JSON, "explain", NULL, k->explain);
			print_text("    on FAIL:\n");
			report_print_wrapped("      ", k->explain);
		}
		close_json_object();
	}
	close_json_array();
}

/* The names --list-checks shows for the same --target, one a line. */
static void list_check_names(bool foreign)
{
	const struct vcheck *table = foreign ? verify_target_checks : verify_checks;
	size_t n = foreign ? verify_nr_target_checks : verify_nr_checks;

	for (size_t i = 0; i < n; i++)
		printf("%s\n", table[i].name);
}

/* ------------------------------------------------------------------------- */

struct vrun {
	const struct vopts *o;
	struct kbm_report rep;
	int mon;		/* an open device file, also the probe */
	size_t ps;
	bool oom;
};

static void add(struct vrun *r, const char *name, const char *mode,
		const struct vctx *c, enum kbm_status st, const char *reason,
		const char *detail, const char *explain)
{
	if (report_add(&r->rep, name, mode, backend_name(c->backend),
		       strategy_name(c->strategy), st, reason, detail) ||
	    report_explain_last(&r->rep, explain))
		r->oom = true;
}

static void addf(struct vrun *r, const char *name, const struct vctx *c,
		 enum kbm_status st, const char *explain, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

static void addf(struct vrun *r, const char *name, const struct vctx *c,
		 enum kbm_status st, const char *explain, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	add(r, name, "any", c, st, buf, NULL, explain);
}

/* Explanations of the rows the runner makes itself (not in the table). */
static const char explain_refused[] =
	"The module's CONFIGURE must refuse exactly the combinations "
	"kbufmap_matrix.h refuses, with the same errno: both sides use "
	"kbufmap_combo_errno(), so a mismatch means the module stopped "
	"calling it or the header changed under a stale module.";
static const char explain_configure[] =
	"A combination kbufmap_matrix.h calls valid must configure: the "
	"module and the header disagree, or the allocation itself failed.";

/* Is check @k applicable to @c? If not, *why says why. */
static bool applicable(const struct vcheck *k, const struct vctx *c,
		       const char **why, char *buf, size_t len)
{
	if (k->flags & VCHK_SIGBUS) {
		if (c->mode != VMODE_PRIVATE || !c->sigbus) {
			*why = "only where a private mapping SIGBUSes at first touch (--strategy remap-unchecked --mode private)";
			return false;
		}
	} else if (c->mode == VMODE_PRIVATE && c->sigbus &&
		   !(k->flags & VCHK_NO_TOUCH)) {
		*why = "private mappings of this strategy SIGBUS at first touch by design (see remap-unchecked-sigbus)";
		return false;
	}
	if (c->mode == VMODE_PRIVATE && c->cache != KBUFMAP_CACHE_WB &&
	    strcmp(k->group, "cache")) {
		*why = cache_note;
		return false;
	}
	if (c->mode == VMODE_PRIVATE && (k->flags & VCHK_PRIVATE_RW) &&
	    c->rw_errno) {
		snprintf(buf, len, "private-rw mappings are refused for %s/%s (%s): %s",
			 backend_name(c->backend), strategy_name(c->strategy),
			 errno_name(c->rw_errno), c->rw_why);
		*why = buf;
		return false;
	}
	if (k->applies && !k->applies(c, why))
		return false;
	return true;
}

/*
 * Whether private-rw is allowed depends on this buffer being one physical
 * run, which varies from buffer to buffer (the pages backend).
 */
static void learn_buffer(struct vctx *c)
{
	struct kbufmap_info info;

	if (kbm_get_info(c->fd, &info))
		return;
	c->contiguous = info.flags & KBUFMAP_INFO_CONTIGUOUS;
	c->rw_errno = -kbufmap_map_kind_errno(c->backend, c->strategy,
					     KBUFMAP_MAP_PRIVATE_RW,
					     c->contiguous, &c->rw_why);
}

/* Run check @k on a fresh buffer and add its row (or none, if it does not apply). */
static void run_check(struct vrun *r, struct vctx *c, const struct vcheck *k)
{
	const char *why = NULL;
	char buf[256];
	enum kbm_status st;
	int fd;

	c->reason[0] = '\0';
	c->detail = NULL;
	c->fd = -1;
	fd = vopen_buffer(c, O_RDWR, c->pages);
	if (fd < 0) {
		snprintf(c->reason, sizeof(c->reason),
			 "setup: a fresh %llu-page buffer: %s",
			 (unsigned long long)c->pages, strerror(-fd));
		vctx_release(c);
		add(r, k->name, c->mode_name, c, KBM_FAIL, c->reason, NULL,
		    NULL);
		return;
	}
	c->fd = fd;
	learn_buffer(c);
	if (!applicable(k, c, &why, buf, sizeof(buf))) {
		vctx_release(c);
		if (r->o->any_selected)
			add(r, k->name, c->mode_name, c, KBM_SKIP, why, NULL,
			    NULL);
		return;
	}
	st = vguard_run(c, k->fn);
	add(r, k->name, c->mode_name, c, st, c->reason, c->detail, k->explain);
}

static void run_mode(struct vrun *r, struct vctx *c)
{
	const struct vopts *o = r->o;

	for (size_t i = 0; i < verify_nr_checks; i++) {
		const struct vcheck *k = &verify_checks[i];

		if (!(k->modes & c->mode))
			continue;
		if (o->any_selected && !o->selected[i])
			continue;
		run_check(r, c, k);
	}
}

/*
 * A combination the matrix refuses (only with --all): confirm the module
 * refuses it the same way, with a size the backend allows (or E2BIG would
 * come first).
 */
static void check_refused(struct vrun *r, const struct vctx *c, int e,
			  const char *why)
{
	uint64_t n = r->o->buf.pages < backend_max_pages(c->backend) ?
		r->o->buf.pages : backend_max_pages(c->backend);
	int err = kbm_configure(r->mon, n, c->backend, c->strategy, r->o->buf.node);

	if (err == -e)
		addf(r, "configure-refused", c, KBM_PASS, NULL,
		     "CONFIGURE refused with %s, as the matrix says: %s",
		     errno_name(e), why);
	else if (!err)
		addf(r, "configure-refused", c, KBM_FAIL, explain_refused,
		     "CONFIGURE accepted a combination the matrix refuses (%s: %s)",
		     errno_name(e), why);
	else
		addf(r, "configure-refused", c, KBM_FAIL, explain_refused,
		     "CONFIGURE refused with %s, but the matrix says %s (%s)",
		     errno_name(-err), errno_name(e), why);
}

/*
 * A cache mode (or --set-memory) the matrix refuses for this backend (only
 * with --all): the module must refuse it at CONFIGURE with the same errno.
 */
static void check_cache_refused(struct vrun *r, const struct vctx *c, int e,
				const char *why)
{
	struct kbufmap_config cfg;
	int err;

	vconfig(c, r->o->buf.pages < backend_max_pages(c->backend) ?
		r->o->buf.pages : backend_max_pages(c->backend), &cfg);
	err = kbm_configure_cfg(r->mon, &cfg);
	if (err == -e)
		addf(r, "configure-refused", c, KBM_PASS, NULL,
		     "CONFIGURE refused --cache %s%s with %s, as the matrix says: %s",
		     cache_name(c->cache), c->set_memory ? " --set-memory" : "",
		     errno_name(e), why);
	else
		addf(r, "configure-refused", c, KBM_FAIL, explain_refused,
		     "CONFIGURE answered --cache %s%s with %s, but the matrix says %s (%s)",
		     cache_name(c->cache), c->set_memory ? " --set-memory" : "",
		     err ? errno_name(-err) : "success", errno_name(e), why);
}

/*
 * The probe: does the combination configure, and is its memory one
 * physical run? Returns an exit status to stop with, 0 to go on, or -1 when
 * its row is added and the combination is done.
 */
static int probe_combo(struct vrun *r, struct vctx *c)
{
	const struct vopts *o = r->o;
	struct kbufmap_config cfg;
	struct kbufmap_info info;
	int err;

	vconfig(c, o->buf.pages, &cfg);
	err = kbm_configure_cfg(r->mon, &cfg);
	if (!err)
		err = kbm_get_info(r->mon, &info);
	if (!err) {
		c->contiguous = info.flags & KBUFMAP_INFO_CONTIGUOUS;
		c->rw_errno = -kbufmap_map_kind_errno(c->backend, c->strategy,
						     KBUFMAP_MAP_PRIVATE_RW,
						     c->contiguous, &c->rw_why);
		c->sigbus = kbufmap_combo_sigbus(c->strategy,
						 KBUFMAP_MAP_PRIVATE_RO, o->buf.pages);
		return 0;
	}
	if (kbm_configure_limit(c->backend, err)) {
		addf(r, "configure", c, KBM_SKIP, NULL, "CONFIGURE with %llu pages: %s: %s",
		     (unsigned long long)o->buf.pages, errno_name(-err),
		     kbm_configure_limit(c->backend, err));
		return -1;
	}
	if (!o->all)
		return kbm_fail(err, "CONFIGURE %s/%s/%s%s with %llu pages failed: %s "
				"(kbufmap_matrix.h says the combination is valid)%s%s",
				backend_name(c->backend), strategy_name(c->strategy),
				cache_name(c->cache), c->set_memory ? "/set-memory" : "",
				(unsigned long long)o->buf.pages, strerror(-err),
				kbm_configure_hint(c->backend, err) ? ". " : "",
				kbm_configure_hint(c->backend, err) ?: "");
	addf(r, "configure", c, KBM_FAIL, explain_configure,
	     "CONFIGURE with %llu pages failed: %s, though the matrix "
	     "says the combination is valid",
	     (unsigned long long)o->buf.pages, strerror(-err));
	return -1;
}

/* One backend x strategy. Returns an exit status to stop with, or 0. */
static int run_combo(struct vrun *r, unsigned int b, unsigned int s)
{
	const struct vopts *o = r->o;
	struct vctx c = {
		.dev = o->ctx->device, .ps = r->ps, .pages = o->buf.pages,
		.size = (size_t)o->buf.pages * r->ps, .backend = b, .strategy = s,
		.node = o->buf.node, .fd = -1, .cache = o->buf.cache,
		.set_memory = o->buf.set_memory,
	};
	const char *why;
	int e, ret;

	e = -kbufmap_combo_errno(b, s, o->buf.node, &why);
	if (e) {
		check_refused(r, &c, e, why);
		return 0;
	}
	e = -kbufmap_cache_errno(b, c.cache, c.set_memory ?
				 KBUFMAP_CONFIG_SET_MEMORY : 0, &why);
	if (e) {
		check_cache_refused(r, &c, e, why);
		return 0;
	}
	if (o->buf.pages > backend_max_pages(b)) {
		addf(r, "configure", &c, KBM_SKIP, NULL,
		     "--pages %llu is more than the %s backend allows (%llu)",
		     (unsigned long long)o->buf.pages, backend_name(b),
		     (unsigned long long)backend_max_pages(b));
		return 0;
	}
	ret = probe_combo(r, &c);
	if (ret)
		return ret < 0 ? 0 : ret;
	if (o->modes & VMODE_SHARED) {
		c.mode = VMODE_SHARED;
		c.mode_name = "shared";
		run_mode(r, &c);
	}
	if (o->modes & VMODE_PRIVATE) {
		c.mode = VMODE_PRIVATE;
		c.mode_name = "private";
		run_mode(r, &c);
	}
	return 0;
}

/* Every selected backend x strategy. An exit status to stop with, or 0. */
static int run_all(struct vrun *r)
{
	const struct vopts *o = r->o;
	int ret = 0;

	for (unsigned int b = 0; b < KBUFMAP_BACKEND_COUNT && !ret; b++) {
		if (o->buf.backend >= 0 && b != (unsigned int)o->buf.backend)
			continue;
		for (unsigned int s = 0; s < KBUFMAP_STRATEGY_COUNT && !ret; s++) {
			if (o->buf.strategy >= 0 && s != (unsigned int)o->buf.strategy)
				continue;
			ret = run_combo(r, b, s);
		}
	}
	return ret;
}

/* The report's header: the run's configuration. */
static void report_config(struct kbm_report *rep, const struct vopts *o)
{
	rep->backend = o->all && o->buf.backend < 0 ? "all" :
		backend_name((unsigned int)o->buf.backend);
	rep->strategy = o->all && o->buf.strategy < 0 ? "all" :
		strategy_name((unsigned int)o->buf.strategy);
	rep->mode = o->modes == VMODE_SHARED ? "shared" :
		o->modes == VMODE_PRIVATE ? "private" : "all";
	rep->pages = o->buf.pages;
	rep->all = o->all;
}

/* Render the results: the exit status of the run. */
static int finish_run(struct vrun *r)
{
	const struct vopts *o = r->o;

	if (r->oom)
		return kbm_fail(ENOMEM, "recording the results: %s",
				strerror(ENOMEM));
	if (r->rep.n == 0) {
		kbm_err("no check applies to this selection");
		return KBM_EXIT_SKIPPED;
	}
	report_render(&r->rep, o->tap ? REPORT_TAP :
		      o->ctx->json ? REPORT_JSON : REPORT_TEXT, o->ctx->quiet);
	return report_exit_code(&r->rep);
}

/* --target another driver: the generic checks (verify_target.c). */
static int run_foreign(const struct vopts *o)
{
	struct vtarget_opts t = {
		.spec = o->buf.target, .text = o->buf.target_text, .pages = o->buf.pages,
		.modes = o->modes, .selected = o->tselected,
		.any_selected = o->any_selected, .quiet = o->ctx->quiet,
		.format = o->tap ? REPORT_TAP : o->ctx->json ? REPORT_JSON : REPORT_TEXT,
	};

	return verify_target_run(&t);
}

static int verify_run(struct kbm_ctx *ctx, int argc, char **argv)
{
	struct vopts o = { .ctx = ctx };
	struct vrun r = { .o = &o };
	int ret;

	o.selected = calloc(verify_nr_checks, sizeof(*o.selected));
	o.tselected = calloc(verify_nr_target_checks, sizeof(*o.tselected));
	if (!o.selected || !o.tselected) {
		free(o.selected);
		free(o.tselected);
		return kbm_fail(ENOMEM, "the check selection: %s",
				strerror(ENOMEM));
	}
	kbm_bufopt_init(&o.buf, &verify_bufopt);
	kbm_cmd_parse(ctx, argc, argv, 0, NULL, &o);
	if (kbm_bufopt_foreign(&o.buf)) {
		ret = run_foreign(&o);
		free(o.selected);
		free(o.tselected);
		return ret;
	}

	r.ps = (size_t)sysconf(_SC_PAGESIZE);
	r.mon = kbm_dev_open(ctx->device, O_RDWR, NULL);
	if (r.mon < 0) {
		free(o.selected);
		free(o.tselected);
		return kbm_dev_fail(ctx->device, r.mon);
	}
	report_config(&r.rep, &o);
	ret = run_all(&r);
	close(r.mon);
	if (!ret)
		ret = finish_run(&r);
	report_free(&r.rep);
	free(o.selected);
	free(o.tselected);
	return ret;
}

const struct kbm_cmd kbm_cmd_verify = {
	.name = "verify",
	.summary = "map a buffer and prove the mapping right",
	.argp = &verify_argp,
	.main = verify_run,
	.bufopt = &verify_bufopt,
	/* No KBM_NEEDS_DEVICE: another --target needs no kbufmap; the open says. */
};
