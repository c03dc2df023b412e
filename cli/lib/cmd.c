// SPDX-License-Identifier: GPL-2.0
#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* asprintf; CMake defines it too */
#endif
/*
 * The command framework (cmd.h): argp with JSON-safe errors, the common
 * options, the needs checks, and the scan that decides on JSON before argp
 * runs.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/capability.h>

#include "bufopt.h"
#include "cmd.h"
#include "kbm_dev.h"
#include "names.h"
#include "out.h"
#include "parse.h"

/* ------------------------------------------------------------------ */
/* JSON-safe argp errors                                              */

/*
 * argp writes its errors ("unrecognized option", our argp_error()s, "Try
 * ...--help") to state->err_stream. The common options' parser, a child of
 * every level, points that stream at this memstream at ARGP_KEY_INIT;
 * once argp is done (or exits), the text goes to stderr, or in JSON mode
 * becomes {"error": ...} on stdout. Help and --version use out_stream
 * (stdout), untouched, so `--json COMMAND --help` prints the help text.
 * The decision is taken after parsing, so a --json anywhere counts.
 */
static struct {
	bool active;
	FILE *mem;
	char *buf;
	size_t len;
	struct kbm_ctx *ctx;	/* where the common options go */
} cap;

/* Stop capturing argp's messages; @failed: argp is exiting on an error. */
static void capture_end(bool failed)
{
	if (!cap.active)
		return;
	cap.active = false;
	fclose(cap.mem);
	cap.mem = NULL;
	if (cap.len) {
		if (failed && out_is_json()) {
			/* First line: "kbufmapctl verify: --pages: ..." */
			cap.buf[strcspn(cap.buf, "\n")] = '\0';
			kbm_err("%s", cap.buf);
		} else {
			fputs(cap.buf, stderr);
		}
	}
	free(cap.buf);
	cap.buf = NULL;
	cap.len = 0;
}

static void at_exit(void)
{
	/* Only argp exits while capturing: on an error or after --help. */
	capture_end(true);
	/* argp's own exit(0) after --help: check stdout all the same. */
	if (!kbm_finished() && kbm_finish(KBM_EXIT_OK) != KBM_EXIT_OK)
		_exit(KBM_EXIT_RUNTIME);
}

void kbm_cmd_init(void)
{
	argp_err_exit_status = KBM_EXIT_USAGE;
	atexit(at_exit);
}

void kbm_argp_parse(struct kbm_ctx *ctx, const struct argp *argp, int argc,
		    char **argv, unsigned int flags, int *arg_index, void *input)
{
	error_t err;

	cap.ctx = ctx;
	/* Without the memstream argp just writes to stderr: still usable. */
	cap.mem = open_memstream(&cap.buf, &cap.len);
	cap.active = cap.mem != NULL;
	err = argp_parse(argp, argc, argv, flags, arg_index, input);
	capture_end(err != 0);
	if (err) {
		if (err == ENOMEM)
			kbm_err("out of memory");
		exit(err == ENOMEM ? KBM_EXIT_RUNTIME : KBM_EXIT_USAGE);
	}
}

void kbm_argp_u64(struct argp_state *state, const char *what, const char *arg,
		  uint64_t min, uint64_t max, uint64_t *v)
{
	struct kbm_err e;

	if (parse_u64(what, arg, min, max, v, &e))
		argp_error(state, "%s", e.msg);
}

/* ------------------------------------------------------------------ */
/* What a command needs, checked once                                 */

#ifndef CAP_PERFMON
#define CAP_PERFMON 38
#endif
#ifndef CAP_BPF
#define CAP_BPF 39
#endif

/* Is capability @nr in this process's effective set? */
static bool cap_effective(unsigned int nr)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2] = { 0 };

	if (syscall(SYS_capget, &hdr, data) != 0 || nr >= 64)
		return false;
	return data[nr / 32].effective & (1u << (nr % 32));
}

int kbm_check_bpf(const char *what)
{
	if (cap_effective(CAP_SYS_ADMIN) ||
	    (cap_effective(CAP_BPF) && cap_effective(CAP_PERFMON)))
		return KBM_EXIT_OK;
	kbm_err("%s: BPF needs root (CAP_BPF/CAP_PERFMON, or CAP_SYS_ADMIN)", what);
	return KBM_EXIT_ACCESS;
}

/* 0 when the command may run, or print why not and return the exit status. */
static int check_needs(const struct kbm_ctx *ctx)
{
	const struct kbm_cmd *cmd = ctx->cmd;
	struct stat st;

	if ((cmd->needs & KBM_NEEDS_ROOT) && geteuid() != 0) {
		kbm_err("%s needs root", cmd->name);
		return KBM_EXIT_ACCESS;
	}
	if (cmd->needs & KBM_NEEDS_BPF) {
		int ret = kbm_check_bpf(cmd->name);

		if (ret)
			return ret;
	}
	if ((cmd->needs & KBM_NEEDS_DEVICE) && stat(ctx->device, &st) != 0)
		return kbm_dev_fail(ctx->device, errno);
	return KBM_EXIT_OK;
}

int kbm_dev_fail(const char *path, int err)
{
	return kbm_fail(err, "%s %s", path, kbm_dev_strerror(err));
}

void kbm_cmd_parse(struct kbm_ctx *ctx, int argc, char **argv,
		   unsigned int flags, int *arg_index, void *input)
{
	int ret;

	kbm_argp_parse(ctx, ctx->cmd->argp, argc, argv, flags, arg_index, input);
	ret = check_needs(ctx);
	if (ret)
		exit(kbm_finish(ret));
}

void kbm_cmd_offer(const struct kbm_cmd *cmd)
{
	if (cmd->bufopt)
		kbm_bufopt_offer(cmd->bufopt);
}

int kbm_cmd_run(struct kbm_ctx *ctx, const struct kbm_cmd *cmd, int argc,
		char **argv)
{
	char *saved = argv[0], *sub_argv0;
	int ret;

	if (asprintf(&sub_argv0, KBM_PROG " %s", cmd->name) < 0) {
		kbm_err("out of memory");
		return KBM_EXIT_RUNTIME;
	}
	argv[0] = sub_argv0;
	ctx->cmd = cmd;
	kbm_cmd_offer(cmd);
	ret = cmd->main(ctx, argc, argv);
	argv[0] = saved;
	free(sub_argv0);
	return ret;
}

/* ------------------------------------------------------------------ */
/* Limits and lists in help texts, from the headers                   */

/* Replace every @token in *@out by @value; false when out of memory. */
static bool fill_token(char **out, const char *token, const char *value)
{
	size_t len = strlen(token);
	char *t, *tmp;

	while ((t = strstr(*out, token))) {
		if (asprintf(&tmp, "%.*s%s%s", (int)(t - *out), *out, value,
			     t + len) < 0)
			return false;
		free(*out);
		*out = tmp;
	}
	return true;
}

char *kbm_help_filter(int key, const char *text, void *input)
{
	char max_pages[24], kmalloc_max_pages[24];
	const struct { const char *token, *value; } fills[] = {
		{ "{MAX_PAGES}", max_pages },
		{ "{KMALLOC_MAX_PAGES}", kmalloc_max_pages },
		{ "{BACKENDS}", backend_names_list() },
		{ "{STRATEGIES}", strategy_names_list() },
	};
	char *out;

	(void)key;
	(void)input;
	if (!text || !strchr(text, '{'))
		return (char *)text;
	snprintf(max_pages, sizeof(max_pages), "%llu",
		 (unsigned long long)KBUFMAP_MAX_PAGES);
	snprintf(kmalloc_max_pages, sizeof(kmalloc_max_pages), "%llu",
		 (unsigned long long)KBUFMAP_KMALLOC_MAX_PAGES);
	out = strdup(text);
	for (size_t i = 0; out && i < sizeof(fills) / sizeof(fills[0]); i++) {
		if (!fill_token(&out, fills[i].token, fills[i].value)) {
			free(out);
			out = NULL;
		}
	}
	return out ? out : (char *)text;
}

/* ------------------------------------------------------------------ */
/* Options every level accepts                                        */

enum {
	OPT_LIST_OPTS = 0x100,
};

static const struct argp_option common_options[] = {
	{ "json", 'j', NULL, 0,
	  "Print JSON on stdout (errors too, as {\"error\": ...})", 0 },
	{ "pretty", 'p', NULL, 0, "Print indented JSON (implies --json)", 0 },
	{ "quiet", 'q', NULL, 0,
	  "Print only failures and the summary (text output)", 0 },
	{ "device", 'd', "PATH", 0,
	  "The kbufmap device (default " KBUFMAP_DEVICE_PATH ")", 0 },
	{ "list-opts", OPT_LIST_OPTS, NULL, OPTION_HIDDEN,
	  "List this level's long options, one a line (for completion)", 0 },
	{ 0 }
};

static void list_opts(const struct argp *argp)
{
	const struct argp_option *o;

	for (o = argp->options; o && (o->name || o->key || o->doc); o++) {
		if (!o->name || (o->flags & (OPTION_HIDDEN | OPTION_DOC)))
			continue;
		printf("--%s\n", o->name);
	}
	for (const struct argp_child *c = argp->children; c && c->argp; c++)
		list_opts(c->argp);
}

static error_t common_parse(int key, char *arg, struct argp_state *state)
{
	struct kbm_ctx *ctx = cap.ctx;

	switch (key) {
	case ARGP_KEY_INIT:
		if (cap.active)
			state->err_stream = cap.mem;
		return ARGP_ERR_UNKNOWN;	/* nothing else to do here */
	case 'j':
		ctx->json = true;
		out_set_json(true, ctx->pretty);
		break;
	case 'p':
		ctx->pretty = true;
		ctx->json = true;
		out_set_json(true, true);
		break;
	case 'q':
		ctx->quiet = true;
		break;
	case 'd':
		if (!*arg)
			argp_error(state, "--device: empty path");
		ctx->device = arg;
		break;
	case OPT_LIST_OPTS:
		/* argp's root holds --help, --usage, --version as children. */
		list_opts(state->root_argp);
		exit(kbm_finish(KBM_EXIT_OK));
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

const struct argp kbm_common_argp = {
	.options = common_options,
	.parser = common_parse,
};

const struct argp_child kbm_common_children[] = {
	{ &kbm_common_argp, 0, "Common options:", 1 },
	{ 0 }
};

error_t kbm_parse_no_args(int key, char *arg, struct argp_state *state)
{
	if (key == ARGP_KEY_ARG)
		argp_error(state, "unexpected argument '%s'", arg);
	return ARGP_ERR_UNKNOWN;
}

/* ------------------------------------------------------------------ */
/* JSON before parsing                                                */

/* Long options of @argp and its children that @name (@len chars) names. */
struct opt_match {
	const struct argp_option *exact, *prefix;
	int prefixes;	/* options @name abbreviates */
};

/* An alias (OPTION_ALIAS) stands for the option before it. */
static void match_long(const struct argp *argp, const char *name, size_t len,
		       struct opt_match *m)
{
	const struct argp_option *o, *real = NULL;

	for (o = argp->options; o && (o->name || o->key || o->doc); o++) {
		if (!(o->flags & OPTION_ALIAS))
			real = o;
		if (!real || !o->name || (o->flags & OPTION_DOC) ||
		    strncmp(o->name, name, len) != 0)
			continue;
		if (o->name[len] == '\0') {
			m->exact = real;
		} else if (m->prefix != real) {
			m->prefix = real;
			m->prefixes++;
		}
	}
	for (const struct argp_child *c = argp->children; c && c->argp; c++)
		match_long(c->argp, name, len, m);
}

/* "--name" or, as getopt_long takes it, an unambiguous abbreviation. */
static const struct argp_option *find_long(const struct argp *argp,
					   const char *name, size_t len)
{
	struct opt_match m = { 0 };

	match_long(argp, name, len, &m);
	if (m.exact)
		return m.exact;
	return m.prefixes == 1 ? m.prefix : NULL;
}

static const struct argp_option *find_short(const struct argp *argp, int key)
{
	const struct argp_option *o, *real = NULL, *r;

	for (o = argp->options; o && (o->name || o->key || o->doc); o++) {
		if (!(o->flags & OPTION_ALIAS))
			real = o;
		if (real && o->key == key && !(o->flags & OPTION_DOC))
			return real;
	}
	for (const struct argp_child *c = argp->children; c && c->argp; c++)
		if ((r = find_short(c->argp, key)) != NULL)
			return r;
	return NULL;
}

/* Is @o -j or -p? Does it take the next word as its value? */
static bool note_option(const struct argp_option *o, bool *json, bool *pretty)
{
	if (!o)
		return false;	/* unknown (or --help, --usage): no value */
	if (o->key == 'j')
		*json = true;
	if (o->key == 'p')
		*json = *pretty = true;
	return o->arg && !(o->flags & OPTION_ARG_OPTIONAL);
}

/*
 * As getopt would: combined short options "-jq", values "-dPATH",
 * "-d PATH", "--device=P", "--device P", abbreviations.
 */
int kbm_scan_level(const struct argp *argp, int argc, char **argv, int i,
		   bool *json, bool *pretty)
{
	for (; i < argc; i++) {
		const char *a = argv[i];

		if (a[0] != '-' || a[1] == '\0' || strcmp(a, "--") == 0)
			return i;
		if (a[1] == '-') {
			size_t len = strcspn(a + 2, "=");
			const struct argp_option *o = find_long(argp, a + 2, len);

			if (note_option(o, json, pretty) && a[2 + len] != '=')
				i++;
			continue;
		}
		for (const char *p = a + 1; *p; p++) {
			const struct argp_option *o =
				find_short(argp, (unsigned char)*p);

			if (note_option(o, json, pretty)) {
				if (p[1] == '\0')
					i++;	/* "-d PATH" */
				break;		/* "-dPATH": the rest is the value */
			}
		}
	}
	return i;
}
