// SPDX-License-Identifier: GPL-2.0
#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* asprintf, strerrorname_np; CMake defines it too */
#endif
/*
 * kbufmapctl map: configure a buffer, map it the way a driver's user would,
 * touch it, and show what the kernel made of it (map_report.c); or hold it
 * for other tools. Every option is checked before the device is opened.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bufopt.h"
#include "clock.h"
#include "cmd.h"
#include "kbm_dev.h"
#include "kbm_hints.h"
#include "kbufmap_matrix.h"
#include "map.h"
#include "names.h"
#include "out.h"
#include "parse.h"
#include "values.h"

#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ	22
#define MADV_POPULATE_WRITE	23
#endif
#ifndef MADV_COLD
#define MADV_COLD		20
#define MADV_PAGEOUT		21
#endif

/* The advice --madvise accepts. */
static const struct { const char *name; int advice; } advices[] = {
	{ "normal", MADV_NORMAL }, { "random", MADV_RANDOM },
	{ "sequential", MADV_SEQUENTIAL }, { "willneed", MADV_WILLNEED },
	{ "dontneed", MADV_DONTNEED }, { "cold", MADV_COLD },
	{ "pageout", MADV_PAGEOUT }, { "populate-read", MADV_POPULATE_READ },
	{ "populate-write", MADV_POPULATE_WRITE }, { "hugepage", MADV_HUGEPAGE },
	{ "nohugepage", MADV_NOHUGEPAGE }, { "dontfork", MADV_DONTFORK },
	{ "dontdump", MADV_DONTDUMP },
};
#define NR_ADVICES (sizeof(advices) / sizeof(advices[0]))
#define ADVICE_NAMES "normal, random, sequential, willneed, dontneed, cold, " \
	"pageout, populate-read, populate-write, hugepage, nohugepage, dontfork, dontdump"

#define HOLD_MAX_S	86400

static const char *advice_value(unsigned int i)
{
	return i < NR_ADVICES ? advices[i].name : NULL;
}

/* The fixed values of map's options, for --list-values (the completions). */
static const struct kbm_values map_values[] = {
	{ 0, "prot", (const char *const[]){ "r", "rw", NULL }, NULL },
	{ 0, "madvise", NULL, advice_value },
	{ 0 }
};

enum {
	OPT_RDONLY = 0x300, OPT_PROT, OPT_OFFSET, OPT_LENGTH, OPT_POPULATE,
	OPT_MADVISE, OPT_STRIDE, OPT_FILL, OPT_DUMP, OPT_HOLD, OPT_HOLD_SECONDS,
	OPT_HOLD_BEFORE, OPT_NO_PIN, OPT_DIRECT_DIR,
	OPT_LIST_VALUES,
};

/* The buffer: one, kbufmap's by default; --strategy huge alone is contig. */
static const struct kbm_bufopt_cfg map_bufopt = {
	.offer = KBM_BUF_ONE | KBM_BUF_SHARED | KBM_BUF_PRIVATE | KBM_BUF_TOUCH |
		 KBM_BUF_CACHE,
	.pages = 4, .pages_doc = "4, huge 512", .touch = KBM_TOUCH_READ,
	.huge_contig = true,
};

static const struct argp_option map_options[] = {
	{ NULL, 0, NULL, 0, "The mapping:", 2 },
	{ "fill", OPT_FILL, "HEX", 0,
	  "Write this byte pattern (1..64 hex bytes, e.g. aabbccdd) over the "
	  "buffer with write() before mapping", 2 },
	{ "rdonly", OPT_RDONLY, NULL, 0, "Map through a read-only file of the buffer (configured O_RDWR, then reopened O_RDONLY)", 2 },
	{ "prot", OPT_PROT, "r|rw", 0, "PROT_READ or PROT_READ|PROT_WRITE (default rw; r with --rdonly)", 2 },
	{ "offset", OPT_OFFSET, "PAGES", 0, "Map from this page of the buffer (default 0)", 2 },
	{ "length", OPT_LENGTH, "PAGES", 0, "Map this many pages (default: to the end)", 2 },
	{ "populate", OPT_POPULATE, NULL, 0, "MAP_POPULATE", 2 },
	{ "madvise", OPT_MADVISE, "ADVICE", 0,
	  "madvise() the mapping before the touch: " ADVICE_NAMES, 2 },
	{ NULL, 0, NULL, 0, "The touch and the report:", 3 },
	{ "stride", OPT_STRIDE, "PAGES", 0, "Touch every PAGES-th page (default 1)", 3 },
	{ "dump", OPT_DUMP, "N", 0, "Show the first N bytes (0..4096) of the first and the last page", 3 },
	{ "no-pin", OPT_NO_PIN, NULL, 0, "Skip the pinnability probes (vmsplice, process_vm_readv, O_DIRECT)", 3 },
	{ "direct-dir", OPT_DIRECT_DIR, "DIR", 0,
	  "Directory for the O_DIRECT probe's scratch file (default: $TMPDIR, /var/tmp, /tmp)", 3 },
	{ "output", 'o', "FILE", 0, "Write the report to FILE instead of stdout", 3 },
	{ NULL, 0, NULL, 0, "Holding the mapping:", 4 },
	{ "hold", OPT_HOLD, NULL, 0,
	  "After the report, print \"pid PID addr 0xADDR pages N\" on stderr and "
	  "keep the mapping until SIGINT/SIGTERM (or --hold-seconds)", 4 },
	{ "hold-seconds", OPT_HOLD_SECONDS, "N", 0, "Hold for at most N seconds (1.." KBM_STR(HOLD_MAX_S) "); implies --hold", 4 },
	{ "hold-before-touch", OPT_HOLD_BEFORE, NULL, 0,
	  "Hold after mmap() and before the touch instead, until SIGUSR1, "
	  "SIGINT or SIGTERM (or --hold-seconds), then go on (for tracers)", 4 },
	{ "list-values", OPT_LIST_VALUES, "OPTION", OPTION_HIDDEN,
	  "List the values OPTION takes, one a line (for completion)", 4 },
	{ 0 }
};

static const struct argp_child map_children[] = {
	{ &kbm_bufopt_argp, 0, "The buffer:", 1 },
	{ &kbm_common_argp, 0, "Common options:", 5 },
	{ 0 }
};

static int parse_hex_pattern(const char *arg, uint8_t *out, size_t max)
{
	size_t n = strlen(arg);

	if (!strncmp(arg, "0x", 2))
		arg += 2, n -= 2;
	if (n == 0 || n % 2 || n / 2 > max || strspn(arg, "0123456789abcdefABCDEF") != n)
		return -1;
	for (size_t i = 0; i < n / 2; i++) {
		unsigned int b;

		sscanf(arg + 2 * i, "%2x", &b);
		out[i] = (uint8_t)b;
	}
	return (int)(n / 2);
}

/* --fill: the buffer's contents. */
static bool parse_buffer_opt(int key, char *arg, struct argp_state *state,
			     struct map_opts *o)
{
	int n;

	switch (key) {
	case OPT_FILL:
		n = parse_hex_pattern(arg, o->fill, sizeof(o->fill));
		if (n < 0)
			argp_error(state, "--fill: '%s' is not a byte pattern: allowed 1..64 "
				   "bytes as hex digits, two per byte (e.g. aabbccdd)", arg);
		o->req.fill = o->fill;
		o->req.fill_len = (size_t)n;
		return true;
	}
	return false;
}

static int advice_from_name(const char *name)
{
	for (size_t i = 0; i < NR_ADVICES; i++)
		if (!strcmp(advices[i].name, name))
			return advices[i].advice;
	return -1;
}

/* --rdonly, --prot, --offset, --length, --populate, --madvise. */
static bool parse_mapping_opt(int key, char *arg, struct argp_state *state,
			      struct map_opts *o)
{
	switch (key) {
	case OPT_RDONLY:
		o->req.rdonly = true;
		return true;
	case OPT_PROT:
		if (strcmp(arg, "r") && strcmp(arg, "rw"))
			argp_error(state, "--prot: '%s': allowed r, rw (PROT_EXEC is never allowed)", arg);
		o->req.writable = !strcmp(arg, "rw");
		o->prot_set = true;
		return true;
	case OPT_OFFSET:
		kbm_argp_u64(state, "--offset", arg, 0, KBUFMAP_MAX_PAGES - 1, &o->req.offset);
		return true;
	case OPT_LENGTH:
		kbm_argp_u64(state, "--length", arg, 1, KBUFMAP_MAX_PAGES, &o->req.length);
		o->length_set = true;
		return true;
	case OPT_POPULATE:
		o->req.populate = true;
		return true;
	case OPT_MADVISE:
		o->madvise = advice_from_name(arg);
		if (o->madvise < 0)
			argp_error(state, "--madvise: unknown advice '%s': allowed %s",
				   arg, ADVICE_NAMES);
		o->madvise_name = arg;
		return true;
	}
	return false;
}

/* --stride, --dump, --hold*, --output, --no-pin, --direct-dir. */
static bool parse_report_opt(int key, char *arg, struct argp_state *state,
			     struct map_opts *o)
{
	switch (key) {
	case OPT_STRIDE:
		kbm_argp_u64(state, "--stride", arg, 1, KBUFMAP_MAX_PAGES, &o->stride);
		return true;
	case OPT_DUMP:
		kbm_argp_u64(state, "--dump", arg, 0, 4096, &o->dump);
		return true;
	case OPT_HOLD:
		o->hold = true;
		return true;
	case OPT_HOLD_SECONDS:
		kbm_argp_u64(state, "--hold-seconds", arg, 1, HOLD_MAX_S, &o->hold_seconds);
		return true;
	case OPT_HOLD_BEFORE:
		o->hold_before_touch = true;
		return true;
	case 'o':
		if (!*arg)
			argp_error(state, "--output: empty file name");
		o->output = arg;
		return true;
	case OPT_NO_PIN:
		o->no_pin = true;
		return true;
	case OPT_DIRECT_DIR:
		if (!*arg)
			argp_error(state, "--direct-dir: empty directory name");
		o->direct_dir = arg;
		return true;
	}
	return false;
}

/* --offset, --length, --stride against the buffer's size; 0 or -1 and @msg. */
static int extent_error(struct map_opts *o, char *msg, size_t len)
{
	struct kbm_map_req *q = &o->req;
	unsigned long long pages = q->config.nr_pages, off = q->offset;

	if (!o->length_set && off < pages)
		q->length = pages - off;
	if (off >= pages)
		snprintf(msg, len, "--offset: page %llu is past the buffer: allowed 0..%llu",
			 off, pages - 1);
	else if (q->length > pages - off)
		snprintf(msg, len, "--length: %llu pages from page %llu run past the %llu-page "
			 "buffer: allowed 1..%llu", (unsigned long long)q->length, off, pages,
			 pages - off);
	else if (o->stride > q->length)
		snprintf(msg, len, "--stride: %llu pages is longer than the mapping: allowed 1..%llu",
			 (unsigned long long)o->stride, (unsigned long long)q->length);
	else
		return 0;
	return -1;
}

/* The buffer's choices into the request (kbm_bufopt_finish() chose them). */
static void take_buffer(struct map_opts *o)
{
	struct kbm_map_req *q = &o->req;

	if (map_foreign(o))
		q->config = (struct kbufmap_config){ .nr_pages = o->buf.pages,
						     .node = KBUFMAP_NODE_ANY };
	else
		kbm_bufopt_config(&o->buf, &q->config);
	q->private_map = o->buf.private_map;
}

/* Defaults that depend on other options, then the checks across options. */
static void finish_opts(struct argp_state *state, struct map_opts *o)
{
	struct kbm_map_req *q = &o->req;
	char msg[300];

	kbm_bufopt_finish(&o->buf, state);
	take_buffer(o);
	if (!o->prot_set)
		q->writable = !q->rdonly;
	if (o->hold_seconds && !o->hold_before_touch)
		o->hold = true;
	if (o->hold && o->hold_before_touch)
		argp_error(state, "--hold and --hold-before-touch exclude each other");
	if (o->command && !o->hold)
		argp_error(state, "a COMMAND runs while the mapping is held: add --hold");
	/* A target of its own size is checked once it is open. */
	if (!kbm_target_fixed_size(&o->buf.target) && extent_error(o, msg, sizeof(msg)))
		argp_error(state, "%s", msg);
	if (o->buf.touch == KBM_TOUCH_WRITE && !q->writable)
		argp_error(state, "--touch write needs a writable mapping (--prot rw)");
	if (q->fill && q->rdonly)
		argp_error(state, "--fill writes with write(), which needs a read-write open: drop --rdonly");
}

static error_t map_parse(int key, char *arg, struct argp_state *state)
{
	struct map_opts *o = state->input;

	if (parse_buffer_opt(key, arg, state, o) ||
	    parse_mapping_opt(key, arg, state, o) ||
	    parse_report_opt(key, arg, state, o))
		return 0;
	switch (key) {
	case OPT_LIST_VALUES:
		if (kbm_print_values(map_values, arg))
			argp_error(state, "--list-values: %s takes no fixed values", arg);
		exit(kbm_finish(KBM_EXIT_OK));
	case ARGP_KEY_INIT:
		state->child_inputs[0] = &o->buf;
		return 0;
	case ARGP_KEY_ARG:
		/* The command: this and everything after it. */
		o->command = &state->argv[state->next - 1];
		state->next = state->argc;
		return 0;
	case ARGP_KEY_END:
		finish_opts(state, o);
		return 0;
	}
	return ARGP_ERR_UNKNOWN;
}

static const struct argp map_argp = {
	.help_filter = kbm_help_filter,
	.options = map_options,
	.parser = map_parse,
	.args_doc = "[-- COMMAND [ARG...]]",
	.doc = "Configure a buffer, map it the way a driver's user would, touch it, "
	       "and show what the kernel made of it: the mmap() result (or errno "
	       "and why), a SIGBUS/SIGSEGV caught and explained, the maps line, "
	       "VmFlags decoded, Rss/Pss, the faults (getrusage and the module's "
	       "counters), residency, and whether the mapping can be pinned (GUP)."
	       "\vExamples:\n"
	       "  kbufmapctl map --strategy remap-unchecked --private --fill aabbccdd --dump 4\n"
	       "  kbufmapctl map -s remap -b contig --private --fill aabbccdd --dump 4\n"
	       "  kbufmapctl map --strategy pfn --hold -- sh -c 'pmap -X $KBUFMAP_PID'\n\n"
	       "Exit status: 0 mapped and reported; 1 mmap() refused or the touch "
	       "faulted; 2 usage error; 3 module not loaded; 5 access denied; 6 other "
	       "error; 127 --hold: COMMAND cannot be run. With --hold and a COMMAND "
	       "that runs: the command's status (it gets KBUFMAP_PID, KBUFMAP_ADDR, "
	       "KBUFMAP_PAGES).",
	.children = map_children,
};

/* ---- explanations ------------------------------------------------------- */

static const char sigbus_per_page_remap_why[] =
	"remap_pfn_range() on a copy-on-write mapping (MAP_PRIVATE keeps VM_MAYWRITE, "
	"even on an O_RDONLY file) must cover the whole VMA in one call, because it "
	"records the first PFN in vm_pgoff for vm_normal_page(). Called once per page it "
	"returns -EINVAL every time; this driver ignores the error, so mmap() succeeds "
	"with nothing mapped and the first access finds no PTE and no .fault: SIGBUS "
	"(the \"Bus error\" of a driver that remaps per page). Ways out: MAP_SHARED; one "
	"remap_pfn_range() over physically contiguous memory (--strategy remap "
	"--backend contig); clearing VM_MAYWRITE for read-only private maps; and "
	"always checking what remap_pfn_range() returns";

static const char *fault_explanation(const struct map_opts *o, int sig)
{
	if (sig == SIGBUS && !map_foreign(o) && kbufmap_combo_sigbus(o->req.config.strategy,
						   kbm_map_kind(&o->req),
						   o->req.length))
		return sigbus_per_page_remap_why;
	if (sig == SIGBUS)
		return "the kernel could not resolve the fault: a fault handler returned "
		       "VM_FAULT_SIGBUS (e.g. past the buffer), or a prefaulting mmap() "
		       "mapped nothing and the VMA has no .fault";
	return "the access was not allowed or nothing is mapped there (SEGV_ACCERR: "
	       "protection; SEGV_MAPERR: no VMA)";
}

/* Why another driver's mmap() said no, as far as the errno tells. */
static const char *foreign_mmap_explanation(const struct map_opts *o, int err)
{
	if (err == EINVAL && o->req.private_map)
		return "the driver refuses MAP_PRIVATE: it checks for a shared mapping "
		       "(VM_SHARED), or remap_pfn_range() refused a copy-on-write range "
		       "that is not the whole VMA";
	if (err == EINVAL)
		return "the driver refused the range or the flags (offset or length past "
		       "its buffer?)";
	if (err == ENODEV)
		return "the driver has no mmap";
	return strerror(err);
}

static const char *mmap_explanation(const struct map_opts *o,
				    const struct kbm_mapping *m, int err)
{
	const char *why;

	if (err == EACCES && o->req.rdonly && !o->req.private_map && o->req.writable)
		return "the device is open read-only: MAP_SHARED with PROT_WRITE needs "
		       "O_RDWR (core mm refuses it before the driver sees it)";
	if (map_foreign(o))
		return foreign_mmap_explanation(o, err);
	if (kbufmap_map_kind_errno(o->req.config.backend, o->req.config.strategy,
				   kbm_map_kind(&o->req),
				   !!(m->info.flags & KBUFMAP_INFO_CONTIGUOUS), &why))
		return why;
	if (err == EINVAL && o->req.config.strategy == KBUFMAP_STRATEGY_REMAP_UNCHECKED)
		return "remap_pfn_range() refused the mapping";
	return strerror(err);
}

/* ---- the steps ------------------------------------------------------------ */

/* The module's counters; never asked of another driver's fd. */
static void read_counters(const struct kbm_mapping *m, struct map_result *r,
			  struct kbufmap_counters *c)
{
	struct kbufmap_stats st;

	if (!r->have_counters)
		return;
	if (kbm_get_counters(m->fd, KBUFMAP_SCOPE_BUFFER, &st) == 0)
		*c = st.counters;
	else
		r->have_counters = false;
}

static void do_touch(const struct map_opts *o, struct kbm_mapping *m,
		     struct map_result *r)
{
	uint64_t t0;

	getrusage(RUSAGE_SELF, &r->ru_before);
	/* A dma-buf's CPU access goes between SYNC_START and SYNC_END. */
	kbm_target_sync(&r->target, true, o->buf.touch == KBM_TOUCH_WRITE);
	t0 = now_ns();
	if (o->buf.touch != KBM_TOUCH_NONE)
		kbm_touch(m->addr, m->len, m->ps, o->stride,
			  kbm_target_touch(r->target.spec.kind, o->buf.touch == KBM_TOUCH_WRITE),
			  &r->touched, &r->fault);
	r->touch_ns = now_ns() - t0;
	kbm_target_sync(&r->target, false, o->buf.touch == KBM_TOUCH_WRITE);
	getrusage(RUSAGE_SELF, &r->ru_after);
	read_counters(m, r, &r->c_touch);
	if (r->fault.sig)
		r->fault_why = fault_explanation(o, r->fault.sig);
}

static void do_inspect(const struct map_opts *o, struct kbm_mapping *m,
		       struct map_result *r)
{
	const char *tmpdir = getenv("TMPDIR");
	const char *dirs[] = { o->direct_dir, NULL, NULL, NULL, NULL };
	size_t nd = o->direct_dir ? 1 : 0, npages = m->len / m->ps;

	if (o->dump && !r->fault.sig) {
		kbm_guarded_copy(r->dump_first, m->addr, o->dump, &r->dump_fault);
		if (!r->dump_fault.sig)
			kbm_guarded_copy(r->dump_last, m->addr + m->len - m->ps,
					 o->dump, &r->dump_fault);
	}
	r->have_smaps = smaps_find(m->addr, &r->smaps) == 0;
	r->have_residency = kbm_residency(m->addr, npages, m->ps, &r->res) == 0;
	r->kernel_runs_err = r->foreign ? -ENOTTY :
		kbm_kernel_pfn_runs(m->fd, o->req.offset, npages, &r->kernel_runs);
	if (o->no_pin)
		return;
	if (!o->direct_dir) {
		if (tmpdir && *tmpdir)
			dirs[nd++] = tmpdir;
		dirs[nd++] = "/var/tmp";
		dirs[nd++] = "/tmp";
	}
	kbm_pin_probe(m->addr, m->ps, o->req.writable, dirs, r->pin);
	r->pin_tried = true;
}

/* Wait for one of the signals blocked in @set, or @seconds (0: forever). */
static int wait_signal(const sigset_t *set, uint64_t seconds)
{
	struct timespec ts = { .tv_sec = (time_t)seconds };
	int sig;

	do
		sig = seconds ? sigtimedwait(set, NULL, &ts) : sigwaitinfo(set, NULL);
	while (sig < 0 && errno == EINTR);
	return sig < 0 ? 0 : sig;
}

static void hold_line(const struct kbm_mapping *m)
{
	fprintf(stderr, "pid %d addr %p pages %zu\n", (int)getpid(),
		(void *)m->addr, m->len / m->ps);
	fflush(stderr);
}

/* Run the COMMAND with the mapping's whereabouts; returns its exit status. */
static int run_command(const struct map_opts *o, const struct kbm_mapping *m,
		       const sigset_t *oldmask)
{
	char buf[64];
	int status;
	pid_t pid;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0)
		return kbm_fail(errno, "fork: %s", strerror(errno));
	if (pid == 0) {
		snprintf(buf, sizeof(buf), "%d", (int)getppid());
		setenv("KBUFMAP_PID", buf, 1);
		snprintf(buf, sizeof(buf), "%p", (void *)m->addr);
		setenv("KBUFMAP_ADDR", buf, 1);
		snprintf(buf, sizeof(buf), "%zu", m->len / m->ps);
		setenv("KBUFMAP_PAGES", buf, 1);
		sigprocmask(SIG_SETMASK, oldmask, NULL);
		execvp(o->command[0], o->command);
		fprintf(stderr, KBM_PROG " map: %s: %s\n", o->command[0], strerror(errno));
		_exit(KBM_EXIT_NOEXEC);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return kbm_fail(errno, "waitpid: %s", strerror(errno));
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

/* Open another driver's buffer, check the extent, fill it; exit status or 0. */
static int setup_foreign(struct map_opts *o, struct kbm_mapping *m,
			 struct map_result *r)
{
	struct kbm_map_req *q = &o->req;
	char msg[300];
	int err;

	r->foreign = true;
	err = kbm_target_open(&o->buf.target, q->config.nr_pages, q->rdonly ? O_RDONLY : O_RDWR, &r->target);
	if (err)
		return kbm_target_fail(&r->target, o->buf.target_text, err);
	*m = (struct kbm_mapping){ .fd = r->target.fd, .borrowed_fd = true,
				   .base = r->target.offset, .ps = (size_t)sysconf(_SC_PAGESIZE) };
	q->config.nr_pages = (r->target.size + m->ps - 1) / m->ps;
	if (kbm_target_fixed_size(&o->buf.target) && extent_error(o, msg, sizeof(msg))) {
		kbm_err("%s (--target %s: %llu bytes)", msg, o->buf.target_text,
			(unsigned long long)r->target.size);
		return KBM_EXIT_USAGE;
	}
	if (q->fill && r->target.view != KBM_VIEW_FD) {
		kbm_err("--fill: --target %s has no write() path to its buffer (kernel view: %s)",
			o->buf.target_text, kbm_target_view_name(&r->target));
		return KBM_EXIT_USAGE;
	}
	err = q->fill ? kbm_fill_fd(r->target.view_fd, r->target.size, q->fill, q->fill_len) : 0;
	return err ? kbm_fail(err, "--fill: write() to %s: %s", r->target.path, strerror(-err)) : 0;
}

/* Open and configure /dev/kbufmap; on a failure the exit status, else 0. */
static int setup_kbufmap(const struct map_opts *o, struct kbm_mapping *m,
			 struct map_result *r)
{
	enum kbm_map_stage stage;
	int err;

	err = kbm_map_setup(&o->req, m, &stage);
	if (err && stage == KBM_STAGE_OPEN)
		return kbm_dev_fail(o->req.device, -err);
	if (err)
		return kbm_fail(err, "%s: %s%s%s",
				stage == KBM_STAGE_FILL ? "--fill: write()" : "CONFIGURE",
				strerror(-err),
				stage == KBM_STAGE_CONFIGURE && kbm_configure_hint(o->req.config.backend, err) ? ". " : "",
				stage == KBM_STAGE_CONFIGURE ? kbm_configure_hint(o->req.config.backend, err) ?: "" : "");
	r->have_counters = true;
	return 0;
}

/* Set up and map; on a set-up failure the exit status, else 0. */
static int setup_and_map(struct map_opts *o, struct kbm_mapping *m,
			 struct map_result *r)
{
	int err;

	err = map_foreign(o) ? setup_foreign(o, m, r) : setup_kbufmap(o, m, r);
	if (err)
		return err;
	read_counters(m, r, &r->c_start);
	map_cache_begin(r);	/* PAT's log line for this mmap() comes after */
	err = kbm_map_mmap(&o->req, m);
	read_counters(m, r, &r->c_mmap);
	if (err) {
		r->mmap_err = -err;
		r->mmap_reason = mmap_explanation(o, m, -err);
		return 0;
	}
	if (o->madvise >= 0 && madvise(m->addr, m->len, o->madvise))
		r->madvise_err = errno;
	read_counters(m, r, &r->c_madvise);
	return 0;
}

static int map_run(struct kbm_ctx *ctx, int argc, char **argv)
{
	struct map_opts o = {
		.req = { .config.node = KBUFMAP_NODE_ANY, .device = ctx->device },
		.madvise = -1, .stride = 1,
	};
	struct kbm_mapping m = { .fd = -1 };
	struct map_result *r;
	sigset_t hold_set, oldmask;
	int ret;

	kbm_bufopt_init(&o.buf, &map_bufopt);
	kbm_cmd_parse(ctx, argc, argv, ARGP_IN_ORDER, NULL, &o);
	o.req.device = ctx->device;
	if (o.output && !freopen(o.output, "w", stdout))
		return kbm_fail(errno, "--output %s: %s", o.output, strerror(errno));
	r = calloc(1, sizeof(*r));
	if (!r)
		return kbm_fail(ENOMEM, "out of memory");
	r->target = (struct kbm_target){ .fd = -1, .view_fd = -1, .dev_fd = -1 };
	r->cache.kmsg_fd = -1;
	/* Blocked from the start: a signal right after the hold line waits for us. */
	sigemptyset(&hold_set);
	sigaddset(&hold_set, SIGINT);
	sigaddset(&hold_set, SIGTERM);
	if (o.hold_before_touch)
		sigaddset(&hold_set, SIGUSR1);
	sigprocmask(SIG_BLOCK, o.hold || o.hold_before_touch ? &hold_set : NULL,
		    &oldmask);

	ret = setup_and_map(&o, &m, r);
	if (ret || r->mmap_err) {
		if (!ret) {
			map_report(&o, &m, r);
			ret = KBM_EXIT_FAIL;
		}
		goto out;
	}
	if (o.hold_before_touch) {
		hold_line(&m);
		wait_signal(&hold_set, o.hold_seconds);
	}
	do_touch(&o, &m, r);
	do_inspect(&o, &m, r);
	map_cache_inspect(&o, &m, r);
	read_counters(&m, r, &r->c_end);
	map_report(&o, &m, r);
	ret = r->fault.sig ? KBM_EXIT_FAIL : KBM_EXIT_OK;
	if (o.hold) {
		fflush(stdout);	/* the report is out before the hold */
		hold_line(&m);
		if (o.command)
			ret = run_command(&o, &m, &oldmask);
		else
			wait_signal(&hold_set, o.hold_seconds);
	}
out:
	kbm_map_release(&m);
	kbm_target_close(&r->target);
	map_cache_free(r);
	free(r);
	return ret;
}

const struct kbm_cmd kbm_cmd_map = {
	.name = "map",
	.summary = "map a buffer and show what the kernel made of it",
	.argp = &map_argp,
	.main = map_run,
	.bufopt = &map_bufopt,
	/* No KBM_NEEDS_DEVICE: another --target needs no kbufmap; its open says. */
};
