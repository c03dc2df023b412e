// SPDX-License-Identifier: GPL-2.0
#include <setjmp.h>
#include <signal.h>
#include <string.h>

#include "guard.h"

/* One running kbm_guard() call; the innermost is guard_top. */
struct guard_frame {
	sigjmp_buf env;
	struct kbm_fault fault;
	struct guard_frame *outer;
};

static struct guard_frame *volatile guard_top;

static void guard_handler(int sig, siginfo_t *si, void *uc)
{
	struct guard_frame *g = guard_top;

	(void)uc;
	if (!g) {
		/* Not ours: die of it as we would have without the guard. */
		signal(sig, SIG_DFL);
		raise(sig);
		return;
	}
	g->fault.sig = sig;
	g->fault.code = si->si_code;
	g->fault.addr = si->si_addr;
	guard_top = g->outer;	/* this call is over: the next fault is the outer's */
	siglongjmp(g->env, 1);
}

int kbm_guard(void (*fn)(void *arg), void *arg, struct kbm_fault *f)
{
	struct sigaction sa, old_bus, old_segv;
	struct guard_frame g = { .outer = guard_top };

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = guard_handler;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGBUS, &sa, &old_bus);
	sigaction(SIGSEGV, &sa, &old_segv);
	if (sigsetjmp(g.env, 1) == 0) {
		guard_top = &g;
		fn(arg);
		guard_top = g.outer;
	}
	sigaction(SIGBUS, &old_bus, NULL);
	sigaction(SIGSEGV, &old_segv, NULL);
	*f = g.fault;
	return f->sig;
}

void kbm_guard_forget(void)
{
	guard_top = NULL;
}

const char *kbm_sigcode_name(int sig, int code)
{
	if (sig == SIGBUS) {
		switch (code) {
		case BUS_ADRALN: return "BUS_ADRALN";
		case BUS_ADRERR: return "BUS_ADRERR";
		case BUS_OBJERR: return "BUS_OBJERR";
		}
	} else if (sig == SIGSEGV) {
		switch (code) {
		case SEGV_MAPERR: return "SEGV_MAPERR";
		case SEGV_ACCERR: return "SEGV_ACCERR";
		}
	}
	return "si_code ?";
}
