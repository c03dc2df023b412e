/* SPDX-License-Identifier: GPL-2.0 */
/* The tracer's insides: what tracer.c asks of tracer_funcs.c. */
#ifndef KBM_TRACER_PRIV_H
#define KBM_TRACER_PRIV_H

#include "tracer.h"

struct btf;

#define FT_MODULE_LEN	64	/* MODULE_NAME_LEN */

/* A --function, resolved (tracer_funcs.c). */
struct ft_user_func {
	char module[FT_MODULE_LEN];	/* "": vmlinux */
	bool has_btf;		/* a FUNC with a usable prototype */
	unsigned int nargs;	/* 8-byte argument slots before the return value */
	enum ft_ret_kind ret;
	char why[200];		/* !has_btf: why not */
};

/*
 * Is @fn traceable, where, and what does its BTF (from @vmlinux, or its
 * module's; @vmlinux NULL: none) say? 0; or -ENOENT for a name that is not
 * a traceable function (a usage error), -errno when nothing can be read;
 * @e says which.
 */
int ft_resolve_function(const char *fn, struct btf *vmlinux, struct ft_user_func *u,
			struct kbm_err *e);

/*
 * The module's functions as fentry/fexit targets, by BTF ID in the
 * module's BTF object (tracer_btf.c).
 */
struct ft_btf_targets {
	__s32 id[FT_NR_FUNCS];	/* 0: not in the module's BTF */
	int obj_fd;		/* the module's BTF object; -1: not open */
	int err;		/* why it could not be opened */
};

void ft_btf_targets_init(struct ft_btf_targets *tg);
void ft_btf_targets_release(struct ft_btf_targets *tg);
/* Find each function's FUNC among the module's own types, in one pass. */
void ft_btf_find_funcs(const struct btf *vmlinux, const struct btf *mod,
		       struct ft_btf_targets *tg);
/* Open the BTF object of @module; the next load takes its targets from @tg. */
void ft_btf_targets_open(struct ft_btf_targets *tg, const char *module);
/* Our handlers of the module's fentry/fexit sections: 0 or -errno. */
int ft_btf_register_sections(void);

#endif /* KBM_TRACER_PRIV_H */
