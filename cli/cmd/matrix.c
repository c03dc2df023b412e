// SPDX-License-Identifier: GPL-2.0
#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* asprintf, strerrorname_np; CMake defines it too */
#endif
/*
 * kbufmapctl matrix: the valid backend x strategy table for each mapping
 * kind, straight from kbufmap_matrix.h (the same code the module enforces),
 * with the errno and the reason of every refused cell. Needs no device.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cache_expect.h"
#include "cmd.h"
#include "kbufmap_matrix.h"
#include "names.h"
#include "out.h"

enum { OPT_CACHE = 'c' };

static const struct argp_option matrix_options[] = {
	{ "cache", OPT_CACHE, NULL, 0,
	  "Print instead which cache attribute each valid backend x strategy x "
	  "cache mode x --set-memory gets on this architecture and kernel: the "
	  "user PTE's, the kernel mapping's, whether PAT overrides the asked one "
	  "and logs it, and the kernel code that decides", 0 },
	{ 0 }
};

struct matrix_opts {
	bool cache;
};

static error_t matrix_parse(int key, char *arg, struct argp_state *state)
{
	struct matrix_opts *o = state->input;

	switch (key) {
	case OPT_CACHE:
		o->cache = true;
		return 0;
	case ARGP_KEY_ARG:
		argp_error(state, "unexpected argument '%s'", arg);
		return EINVAL;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static const struct argp matrix_argp = {
	.options = matrix_options,
	.parser = matrix_parse,
	.doc = "Print which backend x strategy combinations are valid, and how "
	       "each can be mapped: shared, private-ro (MAP_PRIVATE, never "
	       "writable) and private-rw (MAP_PRIVATE, copy-on-write). Refused "
	       "cells show the errno and, below the table, why. With --cache, "
	       "the cache attribute each valid combination gets. Needs no device."
	       "\vThe table is computed by kbufmap_matrix.h, the code the module "
	       "itself enforces, so the two cannot disagree. The --cache table is "
	       "the model verify's cache family asserts in the page table.\n\n"
	       "Exit status: 0 printed, 2 usage error, 6 output could not be "
	       "written or no cache model for this architecture.",
	.children = kbm_common_children,
};

/* Notes below the text table, numbered by first appearance. */
#define MAX_NOTES 32
static const char *notes[MAX_NOTES];
static int nr_notes;

static int note_index(const char *text)
{
	for (int i = 0; i < nr_notes; i++)
		if (strcmp(notes[i], text) == 0)
			return i + 1;
	if (nr_notes == MAX_NOTES)
		return 0;
	notes[nr_notes++] = text;
	return nr_notes;
}

static const char sigbus_note[] =
	"mmap() succeeds, the first touch gets SIGBUS: per-page remap_pfn_range() "
	"on a copy-on-write mapping fails with -EINVAL and the error is ignored "
	"(the \"Bus error\" of a driver that remaps per page; see verify --strategy remap-unchecked --mode private)";

static void print_cell(unsigned int b, unsigned int s, unsigned int kind)
{
	const char *why_scattered, *why_contig;
	int e_scattered = -kbufmap_map_kind_errno(b, s, kind, 0, &why_scattered);
	int e_contig = -kbufmap_map_kind_errno(b, s, kind, 1, &why_contig);
	char cell[48];

	open_json_object(map_kind_name(kind));
	if (e_scattered == 0 && e_contig == 0) {
		/* Any mapping of more than one page. */
		if (kbufmap_combo_sigbus(s, kind, 2)) {
			snprintf(cell, sizeof(cell), "SIGBUS[%d]",
				 note_index(sigbus_note));
			print_string(PRINT_JSON, "status", NULL, "sigbus");
			print_string(PRINT_JSON, "reason", NULL, sigbus_note);
		} else {
			snprintf(cell, sizeof(cell), "ok");
			print_string(PRINT_JSON, "status", NULL, "ok");
		}
	} else if (e_scattered && e_contig) {
		snprintf(cell, sizeof(cell), "%s[%d]", errno_name(e_scattered),
			 note_index(why_scattered));
		print_string(PRINT_JSON, "status", NULL, "refused");
		print_string(PRINT_JSON, "errno", NULL, errno_name(e_scattered));
		print_string(PRINT_JSON, "reason", NULL, why_scattered);
	} else {
		/* Depends on whether the buffer is one physical run. */
		int e = e_scattered ? e_scattered : e_contig;
		const char *why = e_scattered ? why_scattered : why_contig;

		snprintf(cell, sizeof(cell), "%s*[%d]", errno_name(e),
			 note_index(why));
		print_string(PRINT_JSON, "status", NULL,
			     e_scattered ? "refused-if-scattered" :
					   "refused-if-contiguous");
		print_string(PRINT_JSON, "errno", NULL, errno_name(e));
		print_string(PRINT_JSON, "reason", NULL, why);
	}
	/* No padding after the last column: no trailing blanks. */
	print_string(PRINT_FP, NULL,
		     kind + 1 < KBUFMAP_MAP_KIND_COUNT ? " %-16s" : " %s", cell);
	close_json_object();
}

static void print_notes(void)
{
	for (int i = 0; i < nr_notes; i++)
		printf("[%d] %s\n", i + 1, notes[i]);
}

/* One row of the --cache table: text columns, and the JSON object. */
static void print_cache_row(unsigned int b, unsigned int s, unsigned int c,
			    bool sm, const struct kbm_cache_expect *e)
{
	char path[96];

	open_json_object(NULL);
	print_string(PRINT_ANY, "backend", "%-15s", backend_name(b));
	print_string(PRINT_ANY, "strategy", " %-15s", strategy_name(s));
	print_string(PRINT_ANY, "cache", " %-5s", cache_name(c));
	print_bool(PRINT_ANY, "set_memory", " %-7s", sm);
	print_string(PRINT_ANY, "asked", " %-5s", mem_attr_name(e->asked));
	print_string(PRINT_ANY, "user", " %-4s", mem_attr_name(e->user));
	print_string(PRINT_ANY, "kernel", " %-6s", mem_attr_name(e->kernel));
	print_bool(PRINT_ANY, "alias", " %-5s", e->alias);
	print_bool(PRINT_ANY, "pat_override", " %-8s", e->pat_override);
	print_string(PRINT_ANY, "pat_log", " %-10s", kbm_expect_log_name(e->pat_log));
	print_string(PRINT_JSON, "path", NULL, e->path);
	print_string(PRINT_JSON, "reason", NULL, e->reason);
	snprintf(path, sizeof(path), "%s [%d]", e->path, note_index(e->reason));
	print_string(PRINT_FP, NULL, " %s", path);
	if (e->kernel_refuses) {
		print_string(PRINT_JSON, "kernel_refuses", NULL, e->kernel_refuses);
		print_text(" [%d]", note_index(e->kernel_refuses));
	}
	print_text("\n");
	close_json_object();
}

/* Every valid backend x strategy x cache x set-memory of the model. */
static void print_cache_rows(enum kbm_arch arch, const struct kbm_cache_kernel *k)
{
	for (unsigned int b = 0; b < KBUFMAP_BACKEND_COUNT; b++)
		for (unsigned int s = 0; s < KBUFMAP_STRATEGY_COUNT; s++)
			for (unsigned int c = 0; c < KBUFMAP_CACHE_COUNT; c++)
				for (int sm = 0; sm < 2; sm++) {
					struct kbm_cache_expect e;

					if (!kbm_cache_expect(arch, k, b, s, c, sm, &e, NULL))
						print_cache_row(b, s, c, sm, &e);
				}
}

static int matrix_cache(void)
{
	enum kbm_arch arch = kbm_cache_arch();
	struct kbm_cache_kernel k;
	struct kbm_cache_expect e;
	const char *why;

	kbm_cache_kernel_detect(&k);
	if (kbm_cache_expect(arch, &k, KBUFMAP_BACKEND_PAGES, KBUFMAP_STRATEGY_FAULT,
			     KBUFMAP_CACHE_WB, false, &e, &why) == -EOPNOTSUPP)
		return kbm_fail(EOPNOTSUPP, "matrix --cache: %s", why);

	open_json_object(NULL);
	print_string(PRINT_JSON, "arch", NULL, kbm_arch_name(arch));
	print_uint(PRINT_JSON, "kernel_major", NULL, k.major);
	print_uint(PRINT_JSON, "kernel_minor", NULL, k.minor);
	print_bool(PRINT_JSON, "pfnmap_track", NULL, k.pfnmap_track);
	print_bool(PRINT_JSON, "dma_mmap_pages", NULL, k.dma_mmap_pages);
	print_text("Cache attributes on %s, kernel %u.%u: MAP_SHARED of RAM, more "
		   "than one page\n\n", kbm_arch_name(arch), k.major, k.minor);
	print_text("%-15s %-15s %-5s %-7s %-5s %-4s %-6s %-5s %-8s %-10s %s\n",
		   "BACKEND", "STRATEGY", "CACHE", "SET-MEM", "ASKED", "USER",
		   "KERNEL", "ALIAS", "OVERRIDE", "PAT-LOG", "PATH [REASON]");
	open_json_array("rows");
	print_cache_rows(arch, &k);
	close_json_array();
	close_json_object();
	if (!out_is_json()) {
		printf("\nUSER: the user PTE's attribute; KERNEL: the kernel's direct mapping "
		       "of the same RAM; ALIAS: the two differ (a memory-type alias); "
		       "OVERRIDE: PAT replaced the asked attribute; PAT-LOG: the kernel "
		       "logs \"x86/PAT: ... map pfn RAM range req ..., got ...\" (if one "
		       "run: when one remap_pfn_range() call covers the whole VMA). A cache "
		       "mode other than wb is refused for MAP_PRIVATE (EINVAL).\n");
		print_notes();
	}
	return KBM_EXIT_OK;
}

static int matrix_run(struct kbm_ctx *ctx, int argc, char **argv)
{
	struct matrix_opts o = { 0 };

	kbm_cmd_parse(ctx, argc, argv, 0, NULL, &o);
	if (o.cache)
		return matrix_cache();

	open_json_object(NULL);
	open_json_array("kinds");
	for (unsigned int k = 0; k < KBUFMAP_MAP_KIND_COUNT; k++)
		print_string(PRINT_JSON, NULL, NULL, map_kind_name(k));
	close_json_array();

	print_text("%-8s %-16s", "BACKEND", "STRATEGY");
	for (unsigned int k = 0; k < KBUFMAP_MAP_KIND_COUNT; k++)
		print_text(k + 1 < KBUFMAP_MAP_KIND_COUNT ? " %-16s" : " %s",
			   map_kind_name(k));
	print_text("\n");

	open_json_array("combinations");
	for (unsigned int b = 0; b < KBUFMAP_BACKEND_COUNT; b++) {
		for (unsigned int s = 0; s < KBUFMAP_STRATEGY_COUNT; s++) {
			const char *why;
			int e = -kbufmap_combo_errno(b, s, KBUFMAP_NODE_ANY, &why);

			open_json_object(NULL);
			print_string(PRINT_ANY, "backend", "%-8s", backend_name(b));
			print_string(PRINT_ANY, "strategy", " %-16s",
				     strategy_name(s));
			print_bool(PRINT_JSON, "valid", NULL, e == 0);
			if (e) {
				char cell[48];

				print_string(PRINT_JSON, "errno", NULL,
					     errno_name(e));
				print_string(PRINT_JSON, "reason", NULL, why);
				snprintf(cell, sizeof(cell), "%s[%d]",
					 errno_name(e), note_index(why));
				print_string(PRINT_FP, NULL,
					     " %s (refused at CONFIGURE, every kind)",
					     cell);
			} else {
				for (unsigned int k = 0;
				     k < KBUFMAP_MAP_KIND_COUNT; k++)
					print_cell(b, s, k);
			}
			print_text("\n");
			close_json_object();
		}
	}
	close_json_array();
	close_json_object();

	if (!out_is_json()) {
		printf("\n* only when the buffer is not one physical run "
		       "(GET_INFO: KBUFMAP_INFO_CONTIGUOUS unset)\n");
		print_notes();
	}
	return KBM_EXIT_OK;
}

const struct kbm_cmd kbm_cmd_matrix = {
	.name = "matrix",
	.summary = "print the valid backend x strategy x mapping table",
	.argp = &matrix_argp,
	.main = matrix_run,
};
