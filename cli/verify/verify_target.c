// SPDX-License-Identifier: GPL-2.0
/*
 * verify --target: the generic checks of verify_target_checks[] on a buffer
 * of another driver (target.h). Every check gets a freshly opened target, so
 * one check's writes or private copies cannot mislead the next; the report
 * names the driver and the kernel, so a FAIL reads in the driver's terms.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "out.h"
#include "procfs.h"
#include "status.h"
#include "target.h"
#include "verify.h"
#include "verify_target.h"

struct trun {
	const struct vtarget_opts *o;
	struct kbm_report rep;
	char who[160];
	bool oom;
};

static void tadd(struct trun *r, const struct vcheck *k, const struct vctx *c,
		 enum kbm_status st)
{
	if (report_add(&r->rep, k->name, c->mode_name, r->rep.target, r->rep.driver,
		       st, c->reason, c->detail) ||
	    report_explain_last(&r->rep, k->explain))
		r->oom = true;
}

/* Run check @k on a freshly opened target and add its row. */
static void run_tcheck(struct trun *r, struct vctx *c, const struct vcheck *k)
{
	struct kbm_target t;
	enum kbm_status st;
	int err;

	c->reason[0] = '\0';
	c->detail = NULL;
	err = kbm_target_open(&r->o->spec, r->o->pages, O_RDWR, &t);
	if (err) {
		snprintf(c->reason, sizeof(c->reason), "setup: opening the target again: %s",
			 t.why[0] ? t.why : strerror(-err));
		tadd(r, k, c, KBM_FAIL);
		return;
	}
	c->tgt = &t;
	st = vguard_run(c, k->fn);
	c->tgt = NULL;
	kbm_target_close(&t);
	tadd(r, k, c, st);
}

static void run_tmode(struct trun *r, struct vctx *c, enum vmode mode)
{
	c->mode = mode;
	c->mode_name = mode == VMODE_SHARED ? "shared" : "private";
	for (size_t i = 0; i < verify_nr_target_checks; i++) {
		const struct vcheck *k = &verify_target_checks[i];

		if (!(k->modes & mode))
			continue;
		if (r->o->any_selected && !r->o->selected[i])
			continue;
		run_tcheck(r, c, k);
	}
}

/* Open the target once to learn its size and driver. An exit status, or 0. */
static int probe_target(struct trun *r, struct vctx *c, struct kbm_target *t)
{
	const struct vtarget_opts *o = r->o;
	int err = kbm_target_open(&o->spec, o->pages, O_RDWR, t);

	if (err)
		return kbm_target_fail(t, o->text, err);
	c->ps = (size_t)sysconf(_SC_PAGESIZE);
	c->pages = t->size / c->ps;
	c->size = (size_t)c->pages * c->ps;
	if (!c->pages) {
		kbm_err("--target %s: the buffer has %llu bytes, less than a page",
			o->text, (unsigned long long)t->size);
		return KBM_EXIT_RUNTIME;
	}
	c->registers = o->spec.kind == KBM_TARGET_UIO;
	snprintf(r->who, sizeof(r->who), "%s (kernel %s)", t->driver,
		 kernel_release());
	c->who = r->who;
	return 0;
}

int verify_target_run(const struct vtarget_opts *o)
{
	struct trun r = { .o = o };
	struct vctx c = { .fd = -1, .node = -1 };
	struct kbm_target t;
	char driver[64];
	int ret;

	ret = probe_target(&r, &c, &t);
	if (ret)
		return ret;
	snprintf(driver, sizeof(driver), "%s", t.driver);
	kbm_target_close(&t);
	r.rep.target = o->text;
	r.rep.driver = driver;
	r.rep.backend = r.rep.strategy = "-";
	r.rep.pages = c.pages;
	r.rep.mode = o->modes == VMODE_SHARED ? "shared" :
		o->modes == VMODE_PRIVATE ? "private" : "all";
	if (o->modes & VMODE_SHARED)
		run_tmode(&r, &c, VMODE_SHARED);
	if (o->modes & VMODE_PRIVATE)
		run_tmode(&r, &c, VMODE_PRIVATE);
	if (r.oom)
		ret = kbm_fail(ENOMEM, "recording the results: %s", strerror(ENOMEM));
	else if (r.rep.n == 0) {
		kbm_err("no check applies to this selection");
		ret = KBM_EXIT_SKIPPED;
	} else {
		report_render(&r.rep, o->format, o->quiet);
		ret = report_exit_code(&r.rep);
	}
	report_free(&r.rep);
	return ret;
}
