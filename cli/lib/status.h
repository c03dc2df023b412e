/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The exit statuses of kbufmapctl, written once: the enum, the help text
 * (`kbufmapctl --help`, generated from this list) and the manual come from
 * KBM_EXIT_STATUSES. A library helper never picks one: it returns -errno
 * (err.h), and the command maps that through kbm_fail() or kbm_fail_err(),
 * which ask the two functions below: the one place errors become statuses.
 */
#ifndef KBM_STATUS_H
#define KBM_STATUS_H

/* X(NAME, value, meaning) */
#define KBM_EXIT_STATUSES(X)						\
	X(OK,      0, "success: every check passed")			\
	X(FAIL,    1, "a check failed, or the kernel refused the mapping") \
	X(USAGE,   2, "usage error: bad option or value, unknown command") \
	X(NODEV,   3, "device missing: the kbufmap module is not loaded") \
	X(SKIPPED, 4, "every check skipped: nothing ran")		\
	X(ACCESS,  5, "access denied")					\
	X(RUNTIME, 6, "any other runtime error")			\
	X(NOEXEC, 127, "the COMMAND of fault-trace or map --hold could not be run")

enum kbm_exit {
#define KBM_EXIT_ENUM(name, value, doc) KBM_EXIT_##name = value,
	KBM_EXIT_STATUSES(KBM_EXIT_ENUM)
#undef KBM_EXIT_ENUM
};

/*
 * The exit status for a failure with errno @err (positive or negative):
 * EPERM/EACCES -> ACCESS; ENOENT/ENXIO/ENODEV (on the device) -> NODEV;
 * anything else -> RUNTIME.
 */
int kbm_exit_for_errno(int err);

struct kbm_err;
/* The exit status for @e: its kind (err.h), else kbm_exit_for_errno(). */
int kbm_exit_for_err(const struct kbm_err *e);

#endif /* KBM_STATUS_H */
