// SPDX-License-Identifier: GPL-2.0
/* The error currency (err.h) and the one mapping of errors to exit statuses. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

#include "err.h"
#include "status.h"

int kbm_err_set(struct kbm_err *e, enum kbm_err_kind kind, int err,
		const char *fmt, ...)
{
	va_list ap;

	err = err < 0 ? -err : err;
	if (e) {
		e->err = err;
		e->kind = kind;
		va_start(ap, fmt);
		vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
		va_end(ap);
	}
	return err ? -err : -EINVAL;
}

int kbm_exit_for_errno(int err)
{
	switch (err < 0 ? -err : err) {
	case EPERM:
	case EACCES:
		return KBM_EXIT_ACCESS;
	case ENOENT:
	case ENXIO:
	case ENODEV:
		return KBM_EXIT_NODEV;
	default:
		return KBM_EXIT_RUNTIME;
	}
}

int kbm_exit_for_err(const struct kbm_err *e)
{
	switch (e->kind) {
	case KBM_ERR_INPUT:
		return KBM_EXIT_USAGE;
	case KBM_ERR_NO_MODULE:
		return KBM_EXIT_NODEV;
	case KBM_ERR_NOT_DEVICE:
		return e->err == EPERM || e->err == EACCES ? KBM_EXIT_ACCESS :
							     KBM_EXIT_RUNTIME;
	case KBM_ERR_RUNTIME:
		return KBM_EXIT_RUNTIME;
	default:
		return kbm_exit_for_errno(e->err);
	}
}
