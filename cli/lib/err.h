/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The error currency below the commands, one for all of cli/lib,
 * cli/tracer and a command's helper files:
 *
 *  - A helper returns 0 (or a count, an fd, a pid) on success and a
 *    negative errno on failure. It prints nothing and picks no exit status.
 *  - Where the caller needs words beyond the errno (a parser naming what it
 *    refused, the tracer naming the function it could not attach), the
 *    helper also takes a struct kbm_err *, which may be NULL, and fills it
 *    with kbm_err_set(): the message, the errno it shows, and what kind of
 *    failure it was.
 *  - The command prints it with kbm_fail_err() (out.h), which maps it to
 *    the exit status in the one place that does, kbm_exit_for_err()
 *    (status.h). An argp parser passes e.msg to argp_error() instead.
 */
#ifndef KBM_ERR_H
#define KBM_ERR_H

/*
 * What a failure was, for the exit status: most are told by their errno
 * alone; these are the ones whose errno says something else.
 */
enum kbm_err_kind {
	KBM_ERR_ERRNO = 0,	/* the errno tells: kbm_exit_for_errno() */
	KBM_ERR_INPUT,		/* the user's words were wrong: USAGE */
	KBM_ERR_NO_MODULE,	/* the kbufmap module is not loaded: NODEV */
	/*
	 * Not about the device (tracing the kernel): no privilege is ACCESS,
	 * anything else RUNTIME; a missing symbol is not a missing module.
	 */
	KBM_ERR_NOT_DEVICE,
	KBM_ERR_RUNTIME,	/* RUNTIME: the errno only explains */
};

struct kbm_err {
	int err;		/* the errno shown with msg (> 0); 0: none */
	enum kbm_err_kind kind;
	char msg[512];
};

/*
 * Fill @e (if not NULL) with @kind, @err (either sign; 0: none to show)
 * and the message. Returns -@err, or -EINVAL when @err is 0, for the
 * helper to return.
 */
int kbm_err_set(struct kbm_err *e, enum kbm_err_kind kind, int err,
		const char *fmt, ...) __attribute__((format(printf, 4, 5)));

#endif /* KBM_ERR_H */
