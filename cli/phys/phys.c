// SPDX-License-Identifier: GPL-2.0
/*
 * kbufmapctl phys: where every page of a mapping lives. Targets: a
 * kbufmap buffer configured and mapped here (the default, cross-checked
 * with the driver's own PFN list), another process (--pid, --range,
 * --mapping), or physical frames (--pfn).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cmd.h"
#include "kbm_dev.h"
#include "kbufmap_matrix.h"
#include "names.h"
#include "out.h"
#include "parse.h"
#include "phys.h"
#include "procfs.h"
#include "values.h"

enum {
	OPT_PID = 0x300, OPT_RANGE, OPT_MAPPING, OPT_PFN, OPT_BITS, OPT_RAW,
	OPT_LIST, OPT_EACH, OPT_SUMMARY, OPT_CSV, OPT_ALL_PAGES, OPT_LIST_BITS,
	OPT_LIST_VALUES,
};

/* One buffer, mapped shared unless --private, written to unless --touch. */
static const struct kbm_bufopt_cfg phys_bufopt = {
	.offer = KBM_BUF_ONE | KBM_BUF_PRIVATE | KBM_BUF_TOUCH | KBM_BUF_CACHE,
	.pages = 64, .touch = KBM_TOUCH_WRITE,
};

static const struct argp_option phys_options[] = {
	{ NULL, 0, NULL, 0, "Other targets:", 2 },
	{ "pid", OPT_PID, "PID", 0, "Another process: all its mappings, or --range/--mapping", 2 },
	{ "range", OPT_RANGE, "START[-END|+LEN]", 0,
	  "With --pid: addresses (0x...) or page numbers; END exclusive, LEN in pages", 2 },
	{ "mapping", OPT_MAPPING, "NAME", 0,
	  "With --pid: the mappings of that /proc/PID/maps path (/dev/kbufmap, [heap], ...)", 2 },
	{ "pfn", OPT_PFN, "START[-END|+LEN]", 0, "Physical frames, as page-types -a without -p", 2 },
	{ NULL, 0, NULL, 0, "Output:", 3 },
	{ "summary", OPT_SUMMARY, NULL, 0, "The summary only (the default)", 3 },
	{ "list", OPT_LIST, NULL, 0, "Runs of pages with equal flags, as page-types -l", 3 },
	{ "list-each", OPT_EACH, NULL, 0, "A line per page, as page-types -L", 3 },
	{ "bits", OPT_BITS, "SPEC", 0, "Only pages whose flags match, as page-types -b: "
	  "a,b (any), a,~b or a,b=a (masked), =a,b (exact); repeatable", 3 },
	{ "raw", OPT_RAW, NULL, 0, "page-types -r flags: kernel-hacker bits and pagemap's", 3 },
	{ "all-pages", OPT_ALL_PAGES, NULL, 0, "--list, --list-each: every page, also those "
	  "page-types leaves out (not present, no PFN, past the end of RAM)", 3 },
	{ "csv", OPT_CSV, NULL, 0, "CSV on stdout, a header row then rows: the list, or the "
	  "flag table; notes go to stderr", 3 },
	{ "list-bits", OPT_LIST_BITS, NULL, OPTION_HIDDEN,
	  "List the flag names --bits accepts, one a line (for completion)", 3 },
	{ "list-values", OPT_LIST_VALUES, "OPTION", OPTION_HIDDEN,
	  "List the values OPTION takes, one a line (for completion)", 3 },
	{ 0 }
};

/* The fixed values of phys's options, for --list-values (the completions). */
static const struct kbm_values phys_values[] = {
	{ 0 }
};

static const struct argp_child phys_children[] = {
	{ &kbm_bufopt_argp, 0, "The buffer (no --pid, no --pfn):", 1 },
	{ &kbm_common_argp, 0, "Common options:", 4 },
	{ 0 }
};

/* START[-END|+LEN]: numbers in page units unless 0x-prefixed addresses
 * (@addrs) ... both forms are accepted, and a 0x number is an address. */
static int parse_range(const char *what, const char *arg, bool addrs,
		       uint64_t *start, uint64_t *count, struct kbm_err *e)
{
	uint64_t ps = (uint64_t)sysconf(_SC_PAGESIZE), a, b;
	char first[64];
	size_t n = strcspn(arg, "-+");
	bool is_addr = addrs && !strncmp(arg, "0x", 2);

	int err;

	if (n >= sizeof(first) || n == 0)
		return kbm_err_set(e, KBM_ERR_INPUT, EINVAL,
				   "%s: '%s' is not START[-END|+LEN]", what, arg);
	memcpy(first, arg, n);
	first[n] = '\0';
	err = parse_u64(what, first, 0, UINT64_MAX, &a, e);
	if (err)
		return err;
	if (is_addr)
		a /= ps;
	if (!arg[n]) {
		b = 1;
	} else if ((err = parse_u64(what, arg + n + 1, 1, UINT64_MAX, &b, e))) {
		return err;
	} else if (arg[n] == '-') {
		if (is_addr)
			b = (b + ps - 1) / ps;
		if (b <= a)
			return kbm_err_set(e, KBM_ERR_INPUT, EINVAL,
					   "%s: '%s': END must be above START", what, arg);
		b -= a;
	}
	if (b > (1ULL << 40) || a > (1ULL << 52))
		return kbm_err_set(e, KBM_ERR_INPUT, ERANGE,
				   "%s: '%s' is out of range: at most 2^40 pages below 2^52",
				   what, arg);
	*start = a;
	*count = b;
	return 0;
}

static error_t check_end(struct phys_opts *o, struct argp_state *state)
{
	if (o->csv && o->ctx->json)
		argp_error(state, "--csv and --json are mutually exclusive");
	if (o->all_pages && o->shape == SHAPE_SUMMARY)
		argp_error(state, "--all-pages is for --list and --list-each: "
			   "the summary counts every page already");
	if ((o->range || o->mapping) && !o->pid)
		argp_error(state, "--range and --mapping need --pid");
	if (o->range && o->mapping)
		argp_error(state, "--range and --mapping are mutually exclusive");
	if (o->pid && o->pfn)
		argp_error(state, "--pid and --pfn are mutually exclusive");
	if (o->pid || o->pfn) {
		if (kbm_bufopt_given(&o->buf))
			argp_error(state, "--target, --backend, --strategy, --pages, --node, "
				   "--private, --cache and --set-memory configure a buffer: "
				   "not with --pid or --pfn");
		return 0;
	}
	kbm_bufopt_finish(&o->buf, state);
	return 0;
}

/* --list-bits: the names --bits takes; text one a line, JSON an array. */
static void list_bits(void)
{
	const char *name;

	open_json_array(NULL);
	for (unsigned int i = 0; (name = kpf_filter_name(i)); i++)
		print_string(PRINT_ANY, NULL, "%s\n", name);
	close_json_array();
	exit(kbm_finish(KBM_EXIT_OK));
}

/* --pid, --range, --mapping, --pfn; ARGP_ERR_UNKNOWN for any other. */
static error_t parse_target_opt(int key, char *arg, struct phys_opts *o,
				struct argp_state *state)
{
	uint64_t v, c;
	struct kbm_err e;

	switch (key) {
	case OPT_PID:
		if (parse_u64("--pid", arg, 1, 4194304, &v, &e))
			argp_error(state, "%s", e.msg);
		o->pid = (pid_t)v;
		return 0;
	case OPT_RANGE:
		if (parse_range("--range", arg, true, &v, &c, &e))
			argp_error(state, "%s", e.msg);
		o->range = arg;
		return 0;
	case OPT_MAPPING:
		o->mapping = arg;
		return 0;
	case OPT_PFN:
		if (parse_range("--pfn", arg, false, &v, &c, &e))
			argp_error(state, "%s", e.msg);
		o->pfn = arg;
		return 0;
	}
	return ARGP_ERR_UNKNOWN;
}

/* The output options; ARGP_ERR_UNKNOWN for any other. */
static error_t parse_output_opt(int key, char *arg, struct phys_opts *o,
				struct argp_state *state)
{
	struct kbm_err e;

	switch (key) {
	case OPT_BITS:
		if (o->nfilter == PHYS_MAX_FILTERS)
			argp_error(state, "--bits: at most %d filters", PHYS_MAX_FILTERS);
		if (kpf_parse_filter(arg, &o->filter[o->nfilter], &e))
			argp_error(state, "%s", e.msg);
		o->nfilter++;
		return 0;
	case OPT_RAW:
		o->raw = true;
		return 0;
	case OPT_SUMMARY:
		o->shape = SHAPE_SUMMARY;
		return 0;
	case OPT_LIST:
		o->shape = SHAPE_LIST;
		return 0;
	case OPT_EACH:
		o->shape = SHAPE_EACH;
		return 0;
	case OPT_CSV:
		o->csv = true;
		return 0;
	case OPT_ALL_PAGES:
		o->all_pages = true;
		return 0;
	case OPT_LIST_BITS:
		list_bits();
		return 0;
	case OPT_LIST_VALUES:
		if (kbm_print_values(phys_values, arg))
			argp_error(state, "--list-values: %s takes no fixed values", arg);
		exit(kbm_finish(KBM_EXIT_OK));
	}
	return ARGP_ERR_UNKNOWN;
}

static error_t phys_parse(int key, char *arg, struct argp_state *state)
{
	struct phys_opts *o = state->input;
	error_t e;

	if (key == ARGP_KEY_ARG) {
		argp_error(state, "unexpected argument '%s'", arg);
		return EINVAL;
	}
	if (key == ARGP_KEY_INIT) {
		state->child_inputs[0] = &o->buf;
		return 0;
	}
	if (key == ARGP_KEY_END)
		return check_end(o, state);
	e = parse_target_opt(key, arg, o, state);
	if (e == ARGP_ERR_UNKNOWN)
		e = parse_output_opt(key, arg, o, state);
	return e;
}

static const struct argp phys_argp = {
	.help_filter = kbm_help_filter,
	.options = phys_options,
	.parser = phys_parse,
	.doc = "Where every page of a mapping lives: PFN and physical address, "
	       "pagemap's bits, /proc/kpageflags flags (page-types' names), "
	       "/proc/kpagecount and the NUMA node; for a kbufmap buffer, the "
	       "driver's own PFN list beside it. PFNs, flags and nodes need root."
	       "\vExamples:\n"
	       "  kbufmapctl phys --backend contig --strategy remap --pages 512\n"
	       "  kbufmapctl phys --backend pages --node 1 --list\n"
	       "  kbufmapctl phys --pid 1234 --mapping '[heap]' --bits anonymous,thp\n"
	       "  kbufmapctl phys --pfn 0x1000+4096 --json\n"
	       "  kbufmapctl phys --target fb:/dev/fb0 --list\n\n"
	       "Exit status: 0 done, 1 the user and kernel views disagree, "
	       "2 usage error, 3 module not loaded, 5 access denied, 6 other error.",
	.children = phys_children,
};

/* ------------------------------------------------------------------------- */

int phys_run_buffer(const struct phys_opts *o);
int phys_run_target(const struct phys_opts *o);

/* What a --pid or --pfn walk covers: pages [start, start + count) of a
 * --range or --pfn, or the selected mappings of the process. */
struct walk_target {
	struct vma_info *vma;
	size_t nvma;
	uint64_t start, count;	/* pages */
};

/* Is mapping @v part of the walk (for its smaps counts)? */
static bool vma_selected(const struct phys_opts *o, const struct vma_info *v)
{
	return !o->mapping || !strcmp(v->path, o->mapping);
}

/* Is mapping @v walked page by page? Not a raw-PFN hole, not [vsyscall]. */
static bool vma_walked(const struct vma_info *v)
{
	return !vma_has_flag(v, "pf") && strcmp(v->path, "[vsyscall]");
}

/*
 * Fill the range, or read the process's mappings; 0 or -errno. A --range
 * reads no mappings: their smaps figures would cover the whole of each
 * mapping the range touches, and smaps walks every page table of the
 * process to write them (15 ms for 1 GiB of anonymous memory here, ten
 * times a one-page walk).
 */
static int target_open(const struct phys_opts *o, size_t ps, struct walk_target *t)
{
	int err;

	*t = (struct walk_target){ 0 };
	/* Both were checked when parsed: no message wanted. */
	if (o->pfn)
		return parse_range("--pfn", o->pfn, false, &t->start, &t->count, NULL);
	if (o->range)
		return parse_range("--range", o->range, true, &t->start, &t->count, NULL);
	err = pid_vmas(o->pid, &t->vma, &t->nvma);
	if (err)
		return err;
	for (size_t i = 0; i < t->nvma; i++)
		if (vma_selected(o, &t->vma[i]) && vma_walked(&t->vma[i]))
			t->count += (t->vma[i].end - t->vma[i].start) / ps;
	return 0;
}

static int walk_vmas(const struct phys_opts *o, const struct walk_target *t,
		     struct phys_src *src, struct phys_out *po)
{
	size_t hits = 0;
	int err = 0;

	open_json_array("invisible");
	for (size_t i = 0; i < t->nvma && !err; i++) {
		const struct vma_info *v = &t->vma[i];

		if (!vma_selected(o, v))
			continue;
		hits++;
		if (vma_has_flag(v, "pf")) {	/* a hole to pagemap: say so, do not count */
			open_json_object(NULL);
			print_string(PRINT_ANY, "mapping", "raw-PFN mapping %s", v->path);
			print_hex(PRINT_ANY, "start", " %s", v->start);
			print_hex(PRINT_ANY, "end", "-%s: pagemap cannot see it (VM_PFNMAP)\n", v->end);
			close_json_object();
			continue;
		}
		if (vma_walked(v))
			err = phys_walk_vrange(src, v->start, (v->end - v->start) / src->ps,
					       phys_out_batch, po);
	}
	close_json_array();
	if (!err && o->mapping && !hits) {
		kbm_err("--mapping: no mapping named '%s' in /proc/%d/maps", o->mapping, (int)o->pid);
		return -EINVAL;
	}
	return err;
}

/* The walk itself, between the header and the summary. */
static int walk_target(const struct phys_opts *o, const struct walk_target *t,
		       struct phys_src *src, struct phys_out *po)
{
	for (size_t i = 0; i < t->nvma; i++)
		if (vma_selected(o, &t->vma[i]))
			phys_out_smaps(po, t->vma[i].anon_huge_kb, t->vma[i].file_pmd_kb);
	if (o->pfn)
		return phys_walk_pfn_range(src, t->start, t->count, phys_out_batch, po);
	if (o->range)
		return phys_walk_vrange(src, t->start * src->ps, t->count, phys_out_batch, po);
	return walk_vmas(o, t, src, po);
}

static int run_walk(const struct phys_opts *o)
{
	struct walk_target t;
	struct phys_src src;
	struct phys_out po;
	int err = phys_src_open(&src, o->pid);

	if (err == -ESRCH)
		return kbm_fail(err, "--pid %d: no such process", (int)o->pid);
	if (err)
		return kbm_fail(err, "/proc/%d/pagemap: %s", (int)o->pid, strerror(-err));
	if (o->pfn && src.kpf_fd < 0) {
		phys_src_close(&src);
		return kbm_fail(src.kpf_errno, "--pfn: /proc/kpageflags: %s (it needs root)",
				strerror(src.kpf_errno));
	}
	err = target_open(o, src.ps, &t);
	if (err) {
		phys_src_close(&src);
		return kbm_fail(err, "/proc/%d/smaps: %s", (int)o->pid, strerror(-err));
	}
	src.want_mapcount = o->shape != SHAPE_SUMMARY;
	open_json_object(NULL);
	if (o->pid)
		print_int(PRINT_ANY, "pid", "pid          %lld\n", o->pid);
	phys_note_privileges(&src);
	phys_out_begin(&po, o, &src, false, t.count);
	err = walk_target(o, &t, &src, &po);
	progress_end(&po.progress);
	if (!err)
		phys_out_end(&po);
	phys_summary_free(&po.sum);
	phys_src_close(&src);
	free(t.vma);
	close_json_object();
	if (err == -EINVAL && o->mapping)
		return KBM_EXIT_USAGE;
	if (err == -EFAULT || err == -EIO)
		return kbm_fail(err, "%s: part of the range is not mapped in process %d",
				o->range ? o->range : "range", (int)o->pid);
	return err ? kbm_fail(err, "phys: %s", strerror(-err)) : KBM_EXIT_OK;
}

static int phys_run(struct kbm_ctx *ctx, int argc, char **argv)
{
	struct phys_opts o = { .ctx = ctx };

	kbm_bufopt_init(&o.buf, &phys_bufopt);
	kbm_cmd_parse(ctx, argc, argv, 0, NULL, &o);
	if (o.csv)	/* stdout is the CSV table alone: notes to stderr */
		out_set_text_stream(stderr);
	if (o.pid || o.pfn)
		return run_walk(&o);
	if (kbm_bufopt_foreign(&o.buf))
		return phys_run_target(&o);
	return phys_run_buffer(&o);
}

const struct kbm_cmd kbm_cmd_phys = {
	.name = "phys",
	.summary = "where every page of a mapping lives: PFNs, flags, nodes",
	.argp = &phys_argp,
	.main = phys_run,
	.bufopt = &phys_bufopt,
};
