/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The buffer a command maps, as options: one argp child, kbm_bufopt_argp,
 * that map, phys, verify and bench embed the way they embed the common
 * options. --target, --backend, --strategy, --pages, --node, --shared,
 * --private, --touch, --cache, --set-memory: parsed, range-checked and finished here only, so a
 * new buffer option is one row, one field and one case in bufopt.c/.h.
 *
 * A command names the options it takes and their defaults in a struct
 * kbm_bufopt_cfg (its descriptor's .bufopt); the framework offers exactly
 * those before parsing (kbm_bufopt_offer), so --help and --list-opts show
 * no option the command does not take.
 */
#ifndef KBM_BUFOPT_H
#define KBM_BUFOPT_H

#include <argp.h>
#include <errno.h>	/* kbufmap_matrix.h wants the errno constants */
#include <stdbool.h>
#include <stdint.h>

#include "kbufmap_matrix.h"
#include "target.h"

/* The highest NUMA node an option accepts (MAX_NUMNODES is at most 1024). */
#define KBM_MAX_NODE	1023

#define KBM_BUF_MAX_SIZES	32	/* --pages LIST */
#define KBM_BUF_MAX_TARGETS	16	/* --target LIST */

/* How every page is touched before it is looked at (--touch). */
enum kbm_touch { KBM_TOUCH_READ, KBM_TOUCH_WRITE, KBM_TOUCH_NONE };

/* The options a command takes (struct kbm_bufopt_cfg.offer). */
enum kbm_buf_offer {
	KBM_BUF_TARGET = 1u << 0,
	KBM_BUF_BACKEND = 1u << 1,
	KBM_BUF_STRATEGY = 1u << 2,
	KBM_BUF_PAGES = 1u << 3,
	KBM_BUF_NODE = 1u << 4,
	KBM_BUF_SHARED = 1u << 5,
	KBM_BUF_PRIVATE = 1u << 6,
	KBM_BUF_TOUCH = 1u << 7,
	/* --target, --backend, --strategy, --pages take lists (bench) */
	KBM_BUF_LISTS = 1u << 8,
	KBM_BUF_CACHE = 1u << 9,	/* --cache and --set-memory */
};

/* One buffer, the options every command that configures one takes. */
#define KBM_BUF_ONE	(KBM_BUF_TARGET | KBM_BUF_BACKEND | KBM_BUF_STRATEGY | \
			 KBM_BUF_PAGES | KBM_BUF_NODE)

/* A command's choice of options and its defaults. */
struct kbm_bufopt_cfg {
	unsigned int offer;		/* enum kbm_buf_offer */
	uint64_t pages;			/* --pages default */
	const char *pages_doc;		/* --pages default in help, if not just @pages */
	enum kbm_touch touch;		/* --touch default */
	bool huge_contig;		/* --strategy huge alone: contig, 512 pages */
	const char *target_note;	/* appended to --target's help */
	const char *node_note;		/* appended to --node's help */
};

struct kbm_bufopt {
	const struct kbm_bufopt_cfg *cfg;
	/* one buffer */
	struct kbm_target_spec target;	/* kind KBUFMAP unless --target */
	const char *target_text;	/* NULL: no --target */
	int backend, strategy;		/* -1: not given (after finish: chosen) */
	uint64_t pages;
	const char *pages_arg;		/* NULL: no --pages */
	int node;			/* KBUFMAP_NODE_ANY: no --node */
	bool private_map;
	enum kbm_touch touch;
	unsigned int cache;		/* enum kbufmap_cache; WB unless --cache */
	bool cache_given;		/* --cache was given */
	bool set_memory;		/* --set-memory: KBUFMAP_CONFIG_SET_MEMORY */
	/* KBM_BUF_LISTS: all backends and strategies unless narrowed */
	bool backends[KBUFMAP_BACKEND_COUNT];
	bool strategies[KBUFMAP_STRATEGY_COUNT];
	bool caches[KBUFMAP_CACHE_COUNT];	/* wb only unless --cache LIST */
	uint64_t sizes[KBM_BUF_MAX_SIZES];
	size_t nsizes;
	struct kbm_target_spec targets[KBM_BUF_MAX_TARGETS];	/* not kbufmap */
	size_t ntargets;
	/* verify --all: backend and strategy narrow a matrix, no defaults */
	bool matrix;
};

/* The child every command with buffer options lists among its children. */
extern const struct argp kbm_bufopt_argp;

/* Offer @cfg's options in kbm_bufopt_argp; before any parse or scan. */
void kbm_bufopt_offer(const struct kbm_bufopt_cfg *cfg);

/* Defaults from @cfg; before parsing, with @b as the child's input. */
void kbm_bufopt_init(struct kbm_bufopt *b, const struct kbm_bufopt_cfg *cfg);

/*
 * Once every option is in: the defaults that depend on other options,
 * then the checks across them (another driver's buffer takes no backend,
 * a backend's size limit, the matrix's valid combinations); argp_error()
 * says what was wrong and what is allowed.
 */
void kbm_bufopt_finish(struct kbm_bufopt *b, struct argp_state *state);

/* Was any option of the buffer given (for commands with other targets)? */
bool kbm_bufopt_given(const struct kbm_bufopt *b);

/* Is the buffer another driver's (--target other than kbufmap)? */
static inline bool kbm_bufopt_foreign(const struct kbm_bufopt *b)
{
	return b->target.kind != KBM_TARGET_KBUFMAP;
}

/* The CONFIGURE request for the buffer (after the finish). */
void kbm_bufopt_config(const struct kbm_bufopt *b, struct kbufmap_config *cfg);

/*
 * The fixed values of the buffer options (--touch, --cache), which
 * kbm_print_values() offers to every command after its own.
 */
#include "values.h"
extern const struct kbm_values kbm_bufopt_values[];

/* "read", "write", "none". */
const char *kbm_touch_name(enum kbm_touch touch);
/* The i-th --touch word, NULL after the last: for --list-values tables. */
const char *kbm_touch_value(unsigned int i);

#endif /* KBM_BUFOPT_H */
