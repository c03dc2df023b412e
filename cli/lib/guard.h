/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Run code that may fault on a mapping with SIGBUS and SIGSEGV caught: the
 * one signal guard. Guards nest: a fault returns to the innermost guarded
 * call, and its caller goes on under the outer guard.
 */
#ifndef KBM_GUARD_H
#define KBM_GUARD_H

/* A SIGBUS/SIGSEGV caught while running guarded code. */
struct kbm_fault {
	int sig;			/* 0: none */
	int code;			/* si_code */
	void *addr;			/* si_addr */
};

/*
 * Call @fn(@arg) with SIGBUS/SIGSEGV caught. Returns the signal (0: none)
 * with @f filled; a fault leaves @fn where it was, so @fn keeps what it
 * must report in @arg (volatile where it counts progress).
 */
int kbm_guard(void (*fn)(void *arg), void *arg, struct kbm_fault *f);
/* In a forked child: no guard is running there any more. */
void kbm_guard_forget(void);

/* "BUS_ADRERR", "SEGV_ACCERR", ... */
const char *kbm_sigcode_name(int sig, int code);

#endif /* KBM_GUARD_H */
