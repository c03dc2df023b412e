// SPDX-License-Identifier: GPL-2.0
/*
 * What the tracer traces and its modes, by name: plain data, in the tool
 * itself, so that fault-trace can list functions and parse --mode without
 * loading the tracer library (and libbpf with it).
 */
#include "tracer.h"
#include "uapi/kbufmap.h"	/* KBUFMAP_DEVICE_NAME: the module's name */

const struct ft_func_desc ft_funcs[FT_NR_FUNCS] = {
#define FT_FUNC_DESC(id, fn, handler, strategies, pages_rule, shape)	\
	[FT_##id] = { FT_SYMBOL_PREFIX #fn, #fn, handler, strategies,	\
		      pages_rule, FT_SHAPE_ARG_##shape, FT_SHAPE_STRUCT_##shape, \
		      FT_RET_UNKNOWN, KBUFMAP_DEVICE_NAME },
	FT_FUNCS(FT_FUNC_DESC)
#undef FT_FUNC_DESC
};

static const char *const mode_names[FT_NR_MODES] = {
	[FT_MODE_AUTO] = "auto",
	[FT_MODE_FENTRY] = "fentry",
	[FT_MODE_KPROBE] = "kprobe",
};

const char *ft_mode_name(enum ft_mode mode)
{
	return (unsigned int)mode < FT_NR_MODES ? mode_names[mode] : NULL;
}
