// SPDX-License-Identifier: GPL-2.0
/*
 * The signal guard (guard.h): a SIGSEGV and a SIGBUS caught with their
 * address and code, work done before the fault kept, guards nested (an
 * inner fault returns to the inner call, the outer one goes on and catches
 * its own), and the process's handlers given back afterwards.
 */
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "guard.h"
#include "../lib/tap.h"

static size_t ps;

struct job {
	volatile uint8_t *at;		/* read here, NULL: read nothing */
	volatile int steps;		/* done before the fault */
	struct job *inner;		/* guarded from inside this job */
	int inner_sig;
	struct kbm_fault inner_fault;
};

static void job(void *arg)
{
	struct job *j = arg;

	j->steps++;
	if (j->inner) {
		j->inner_sig = kbm_guard(job, j->inner, &j->inner_fault);
		j->steps++;	/* the outer job goes on after the inner fault */
	}
	if (j->at)
		(void)*j->at;
	j->steps++;
}

static void no_fault(void)
{
	struct job j = { 0 };
	struct kbm_fault f;

	tap_is_u64(kbm_guard(job, &j, &f), 0, "no fault: 0");
	tap_is_u64(f.sig, 0, "... nothing in the fault");
	tap_is_u64(j.steps, 2, "... and the job ran to its end");
}

static void segv(uint8_t *none)
{
	struct job j = { .at = none };
	struct kbm_fault f;

	tap_is_u64(kbm_guard(job, &j, &f), SIGSEGV, "a PROT_NONE page: SIGSEGV");
	tap_is_u64(f.code, SEGV_ACCERR, "... SEGV_ACCERR (%s)", kbm_sigcode_name(f.sig, f.code));
	tap_ok(f.addr == none, "... at the page's address");
	tap_is_u64(j.steps, 1, "... the work before the fault is kept, none after it");
}

/* A shared mapping two pages long of a one-page memfd: page 1 SIGBUSes. */
static void bus(uint8_t *past_eof)
{
	struct job j = { .at = past_eof };
	struct kbm_fault f;

	tap_is_u64(kbm_guard(job, &j, &f), SIGBUS, "a page past the end of a file: SIGBUS");
	tap_ok(!strcmp(kbm_sigcode_name(f.sig, f.code), "BUS_ADRERR"), "... BUS_ADRERR");
	tap_ok(f.addr == past_eof, "... at that page");
}

static void nested(uint8_t *none, uint8_t *past_eof)
{
	struct job in = { .at = past_eof };
	struct job out = { .at = none, .inner = &in };
	struct kbm_fault f;

	tap_is_u64(kbm_guard(job, &out, &f), SIGSEGV, "nested: the outer call gets its own SIGSEGV");
	tap_ok(f.addr == none, "... at its own address");
	tap_is_u64(out.inner_sig, SIGBUS, "... the inner call got the SIGBUS");
	tap_ok(out.inner_fault.addr == past_eof, "... at the inner address");
	tap_is_u64(in.steps, 1, "... the inner job stopped at its fault");
	tap_is_u64(out.steps, 2, "... the outer job went on after it, to its own fault");
	in.at = NULL;
	out.at = NULL;
	tap_is_u64(kbm_guard(job, &out, &f), 0, "nested without a fault: 0");
	tap_is_u64(out.inner_sig, 0, "... the inner call too");
}

/* The handlers before the first guard (a sanitizer's, or SIG_DFL). */
static struct sigaction bus_before, segv_before;

static void handlers_given_back(void)
{
	struct sigaction bus, segv;

	sigaction(SIGBUS, NULL, &bus);
	sigaction(SIGSEGV, NULL, &segv);
	tap_ok(bus.sa_sigaction == bus_before.sa_sigaction &&
	       segv.sa_sigaction == segv_before.sa_sigaction,
	       "after the guards, SIGBUS and SIGSEGV have their handlers of before");
}

int main(void)
{
	uint8_t *none, *shared;
	int fd = memfd_create("guard-test", MFD_CLOEXEC);

	ps = (size_t)sysconf(_SC_PAGESIZE);
	none = mmap(NULL, ps, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (fd < 0 || ftruncate(fd, (off_t)ps) || none == MAP_FAILED)
		return tap_ok(false, "memfd and a PROT_NONE page"), tap_done();
	shared = mmap(NULL, 2 * ps, PROT_READ, MAP_SHARED, fd, 0);
	if (!tap_ok(shared != MAP_FAILED, "a two-page mapping of a one-page memfd"))
		return tap_done();
	sigaction(SIGBUS, NULL, &bus_before);
	sigaction(SIGSEGV, NULL, &segv_before);
	no_fault();
	segv(none);
	bus(shared + ps);
	nested(none, shared + ps);
	handlers_given_back();
	munmap(shared, 2 * ps);
	munmap(none, ps);
	close(fd);
	return tap_done();
}
