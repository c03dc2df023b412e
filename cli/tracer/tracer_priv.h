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

#endif /* KBM_TRACER_PRIV_H */
