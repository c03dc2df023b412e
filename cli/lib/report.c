// SPDX-License-Identifier: GPL-2.0
#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* asprintf, strerrorname_np; CMake defines it too */
#endif
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "out.h"
#include "procfs.h"
#include "prog.h"
#include "report.h"
#include "status.h"

static char *xstrdup_or_null(const char *s, bool *oom)
{
	char *d;

	if (!s)
		return NULL;
	d = strdup(s);
	if (!d)
		*oom = true;
	return d;
}

int report_add(struct kbm_report *r, const char *name, const char *mode,
	       const char *backend, const char *strategy,
	       enum kbm_status status, const char *reason, const char *detail)
{
	struct kbm_result *res;
	bool oom = false;

	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 32;
		struct kbm_result *v = realloc(r->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		r->v = v;
		r->cap = cap;
	}
	res = &r->v[r->n];
	res->name = xstrdup_or_null(name, &oom);
	res->mode = xstrdup_or_null(mode, &oom);
	res->backend = xstrdup_or_null(backend, &oom);
	res->strategy = xstrdup_or_null(strategy, &oom);
	res->status = status;
	res->reason = xstrdup_or_null(reason ? reason : "", &oom);
	res->detail = xstrdup_or_null(detail, &oom);
	res->explain = NULL;
	r->n++;	/* even on OOM, so report_free() frees what was copied */
	return oom ? -ENOMEM : 0;
}

int report_explain_last(struct kbm_report *r, const char *explain)
{
	bool oom = false;

	if (!r->n || !explain)
		return 0;
	free(r->v[r->n - 1].explain);
	r->v[r->n - 1].explain = xstrdup_or_null(explain, &oom);
	return oom ? -ENOMEM : 0;
}

void report_free(struct kbm_report *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->v[i].name);
		free(r->v[i].mode);
		free(r->v[i].backend);
		free(r->v[i].strategy);
		free(r->v[i].reason);
		free(r->v[i].detail);
		free(r->v[i].explain);
	}
	free(r->v);
	r->v = NULL;
	r->n = r->cap = 0;
}

void report_count(const struct kbm_report *r, size_t *passed, size_t *failed,
		  size_t *skipped)
{
	*passed = *failed = *skipped = 0;
	for (size_t i = 0; i < r->n; i++) {
		switch (r->v[i].status) {
		case KBM_PASS: (*passed)++; break;
		case KBM_FAIL: (*failed)++; break;
		case KBM_SKIP: (*skipped)++; break;
		}
	}
}

int report_exit_code(const struct kbm_report *r)
{
	size_t p, f, s;

	report_count(r, &p, &f, &s);
	if (f)
		return KBM_EXIT_FAIL;
	if (!p)
		return KBM_EXIT_SKIPPED;
	return KBM_EXIT_OK;
}

const char *status_text(enum kbm_status s)
{
	return s == KBM_PASS ? "PASS" : s == KBM_FAIL ? "FAIL" : "SKIP";
}

const char *status_json(enum kbm_status s)
{
	return s == KBM_PASS ? "pass" : s == KBM_FAIL ? "fail" : "skip";
}

static size_t name_width(const struct kbm_report *r)
{
	size_t w = strlen("CHECK");

	for (size_t i = 0; i < r->n; i++)
		if (strlen(r->v[i].name) > w)
			w = strlen(r->v[i].name);
	return w;
}

/* Each line of @text on its own line after @prefix (text output or TAP). */
static void print_lines(bool tap, const char *prefix, const char *text)
{
	const char *p = text;

	while (*p) {
		size_t n = strcspn(p, "\n");

		if (tap)
			printf("%s%.*s\n", prefix, (int)n, p);
		else
			print_text("%s%.*s\n", prefix, (int)n, p);
		p += n;
		if (*p == '\n')
			p++;
	}
}

/* @text in lines of at most about 76 columns after @prefix, split at spaces. */
static void print_wrapped(bool tap, const char *prefix, const char *text)
{
	const size_t width = 76 - strlen(prefix);
	const char *p = text;

	while (*p) {
		size_t n = strlen(p), cut = n;

		if (n > width) {
			cut = width;
			while (cut > 0 && p[cut] != ' ')
				cut--;
			if (!cut)	/* one long word: cut at the next space */
				cut = strcspn(p, " ");
		}
		if (tap)
			printf("%s%.*s\n", prefix, (int)cut, p);
		else
			print_text("%s%.*s\n", prefix, (int)cut, p);
		p += cut;
		while (*p == ' ')
			p++;
	}
}

void report_print_wrapped(const char *indent, const char *text)
{
	print_wrapped(false, indent, text);
}

/* The section header of the text table: a backend/strategy change. */
static void print_section(const struct kbm_report *r,
			  const struct kbm_result *c, bool first,
			  const char *name_fmt)
{
	if (r->all)
		print_text("\n%s / %s\n", c->backend, c->strategy);
	if (first || r->all) {
		print_string(PRINT_FP, NULL, name_fmt, "CHECK");
		print_text("%-8s %-6s %s\n", "MODE", "RESULT", "REASON");
	}
}

/* One row: a JSON object, and in text (unless @show is false) a table row. */
static void print_row(const struct kbm_result *c, bool show,
		      const char *name_fmt)
{
	enum print_type t = show ? PRINT_ANY : PRINT_JSON;

	open_json_object(NULL);
	print_string(t, "name", name_fmt, c->name);
	print_string(t, "mode", "%-8s ", c->mode);
	print_string(PRINT_JSON, "backend", NULL, c->backend);
	print_string(PRINT_JSON, "strategy", NULL, c->strategy);
	print_string(PRINT_JSON, "status", NULL, status_json(c->status));
	if (show)
		print_string(PRINT_FP, NULL, "%-6s ", status_text(c->status));
	print_string(t, "reason", "%s\n", c->reason);
	if (c->detail) {
		print_string(PRINT_JSON, "detail", NULL, c->detail);
		if (show)
			print_lines(false, "    ", c->detail);
	}
	if (c->explain && c->status == KBM_FAIL) {
		print_string(PRINT_JSON, "explain", NULL, c->explain);
		if (show)
			print_wrapped(false, "    ", c->explain);
	}
	close_json_object();
}

static void render_table(const struct kbm_report *r, bool quiet)
{
	const char *cur_b = NULL, *cur_s = NULL;
	char fmt[32];

	snprintf(fmt, sizeof(fmt), "%%-%zus ", name_width(r));

	open_json_array("checks");
	for (size_t i = 0; i < r->n; i++) {
		const struct kbm_result *c = &r->v[i];
		bool show = !quiet || c->status == KBM_FAIL;

		if (show && (!cur_b || strcmp(cur_b, c->backend) ||
			     strcmp(cur_s, c->strategy))) {
			print_section(r, c, !cur_b, fmt);
			cur_b = c->backend;
			cur_s = c->strategy;
		}
		print_row(c, show, fmt);
	}
	close_json_array();
}

static void render_tap(const struct kbm_report *r)
{
	size_t p, f, s;

	report_count(r, &p, &f, &s);
	printf("TAP version 13\n1..%zu\n", r->n);
	if (r->target)
		printf("# " KBM_PROG " " KBUFMAP_VERSION " kernel %s target %s driver %s pages %llu mode %s\n",
		       kernel_release(), r->target, r->driver, r->pages, r->mode);
	else
		printf("# " KBM_PROG " " KBUFMAP_VERSION " kernel %s backend %s strategy %s pages %llu mode %s\n",
		       kernel_release(), r->backend, r->strategy, r->pages, r->mode);
	for (size_t i = 0; i < r->n; i++) {
		const struct kbm_result *c = &r->v[i];

		printf("%s %zu - %s [%s/%s %s]", c->status == KBM_FAIL ? "not ok" : "ok",
		       i + 1, c->name, c->backend, c->strategy, c->mode);
		if (c->status == KBM_SKIP)
			printf(" # SKIP %s\n", c->reason);
		else
			printf("\n# %s\n", c->reason);
		if (c->detail)
			print_lines(true, "#   ", c->detail);
		if (c->explain && c->status == KBM_FAIL)
			print_wrapped(true, "#   ", c->explain);
	}
	printf("# %zu passed, %zu failed, %zu skipped\n", p, f, s);
}

void report_render(const struct kbm_report *r, enum report_format fmt,
		   bool quiet)
{
	size_t p, f, s;

	if (fmt == REPORT_TAP) {
		render_tap(r);
		return;
	}
	report_count(r, &p, &f, &s);

	open_json_object(NULL);
	print_string(PRINT_JSON, "tool", NULL, KBM_PROG);
	print_string(PRINT_JSON, "version", NULL, KBUFMAP_VERSION);
	print_string(PRINT_JSON, "kernel", NULL, kernel_release());
	open_json_object("config");
	if (r->target) {
		print_string(PRINT_ANY, "target", "target %s", r->target);
		print_string(PRINT_ANY, "driver", ", driver %s", r->driver);
	} else {
		print_string(PRINT_ANY, "backend", "backend %s", r->backend);
		print_string(PRINT_ANY, "strategy", ", strategy %s", r->strategy);
	}
	print_uint(PRINT_ANY, "pages", ", %llu pages", r->pages);
	print_string(PRINT_ANY, "mode", ", mode %s", r->mode);
	print_text(", kernel %s\n", kernel_release());
	close_json_object();
	if (!r->all)
		print_text("\n");

	render_table(r, quiet);

	open_json_object("summary");
	print_uint(PRINT_ANY, "passed", "\n%llu passed, ", p);
	print_uint(PRINT_ANY, "failed", "%llu failed, ", f);
	print_uint(PRINT_ANY, "skipped", "%llu skipped\n", s);
	close_json_object();
	close_json_object();
}
