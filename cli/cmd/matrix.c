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
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "kbufmap_matrix.h"
#include "names.h"
#include "out.h"

static const struct argp matrix_argp = {
	/* No options of its own: NULL, not an empty array (glibc's argp
	 * help leaks a hol for an empty one). */
	.options = NULL,
	.parser = kbm_parse_no_args,
	.doc = "Print which backend x strategy combinations are valid, and how "
	       "each can be mapped: shared, private-ro (MAP_PRIVATE, never "
	       "writable) and private-rw (MAP_PRIVATE, copy-on-write). Refused "
	       "cells show the errno and, below the table, why. Needs no device."
	       "\vThe table is computed by kbufmap_matrix.h, the code the module "
	       "itself enforces, so the two cannot disagree.\n\n"
	       "Exit status: 0 printed, 2 usage error, 6 output could not be written.",
	.children = kbm_common_children,
};

/* Notes below the text table, numbered by first appearance. */
#define MAX_NOTES 16
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

static int matrix_run(struct kbm_ctx *ctx, int argc, char **argv)
{
	kbm_cmd_parse(ctx, argc, argv, 0, NULL, NULL);

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
		for (int i = 0; i < nr_notes; i++)
			printf("[%d] %s\n", i + 1, notes[i]);
	}
	return KBM_EXIT_OK;
}

const struct kbm_cmd kbm_cmd_matrix = {
	.name = "matrix",
	.summary = "print the valid backend x strategy x mapping table",
	.argp = &matrix_argp,
	.main = matrix_run,
};
