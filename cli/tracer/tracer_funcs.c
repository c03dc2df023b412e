// SPDX-License-Identifier: GPL-2.0
/*
 * fault-trace --function NAME: is NAME a kernel function that can be
 * traced, in which module, and what does its BTF say (how many argument
 * slots precede fexit's return value, what the return value means)?
 *
 * Traceable means listed in tracefs' available_filter_functions: ftrace
 * can patch it, so fentry (with BTF) and kprobes both work. Functions that
 * were inlined, are notrace or exist only as a compiler clone (NAME.isra.0)
 * are not there. Without tracefs, /proc/kallsyms is the fallback: a text
 * symbol, which a kprobe may still refuse (then attaching says so).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <bpf/btf.h>

#include "tracer_priv.h"

static const char *const tracefs_dirs[] = {
	"/sys/kernel/tracing", "/sys/kernel/debug/tracing",
};

/* "name" or "name [module]": does the line name @fn? Then its module. */
static bool line_names(const char *line, const char *fn, char module[FT_MODULE_LEN])
{
	size_t n = strlen(fn);
	const char *mod;

	if (strncmp(line, fn, n) != 0 || (line[n] != '\0' && line[n] != ' ' &&
					  line[n] != '\t' && line[n] != '\n'))
		return false;
	module[0] = '\0';
	mod = strchr(line + n, '[');
	_Static_assert(FT_MODULE_LEN == 64, "the %63 below");
	if (mod && sscanf(mod, "[%63[^]]]", module) != 1)
		module[0] = '\0';
	return true;
}

/* Look @fn up in available_filter_functions: 1 found, 0 not, -errno unreadable. */
static int find_in_filter_functions(const char *fn, char module[FT_MODULE_LEN])
{
	char path[128], line[512];
	FILE *f = NULL;
	int found = 0;

	for (size_t i = 0; !f && i < sizeof(tracefs_dirs) / sizeof(tracefs_dirs[0]); i++) {
		snprintf(path, sizeof(path), "%s/available_filter_functions", tracefs_dirs[i]);
		f = fopen(path, "re");
	}
	if (!f)
		return -errno;
	while (!found && fgets(line, sizeof(line), f))
		found = line_names(line, fn, module);
	fclose(f);
	return found;
}

/* /proc/kallsyms: "addr t name [module]"; text symbols only. */
static int find_in_kallsyms(const char *fn, char module[FT_MODULE_LEN])
{
	char line[512];
	FILE *f = fopen("/proc/kallsyms", "re");
	int found = 0;

	if (!f)
		return -errno;
	while (!found && fgets(line, sizeof(line), f)) {
		char type;
		int off = 0;

		if (sscanf(line, "%*s %c %n", &type, &off) != 1 || off == 0)
			continue;
		if (type == 't' || type == 'T')
			found = line_names(line + off, fn, module);
	}
	fclose(f);
	return found;
}

/* Strip typedefs (but stop at vm_fault_t) and modifiers. */
static const struct btf_type *skip_mods(const struct btf *btf, __u32 id, bool *vm_fault)
{
	const struct btf_type *t = btf__type_by_id(btf, id);

	while (t && (btf_is_typedef(t) || btf_is_mod(t))) {
		if (btf_is_typedef(t) &&
		    strcmp(btf__name_by_offset(btf, t->name_off), "vm_fault_t") == 0)
			*vm_fault = true;
		t = btf__type_by_id(btf, t->type);
	}
	return t;
}

/* What a return value of type @id says about failure. */
static enum ft_ret_kind ret_kind(const struct btf *btf, __u32 id)
{
	const struct btf_type *t;
	bool vm_fault = false;

	if (id == 0)
		return FT_RET_VOID;
	t = skip_mods(btf, id, &vm_fault);
	if (vm_fault)
		return FT_RET_VM_FAULT;
	if (t && btf_is_ptr(t))
		return FT_RET_ERR_PTR;
	if (t && btf_is_int(t) && (btf_int_encoding(t) & BTF_INT_SIGNED))
		return t->size == 8 ? FT_RET_ERRNO_LONG :
		       t->size == 4 ? FT_RET_ERRNO_INT : FT_RET_UNKNOWN;
	return FT_RET_UNKNOWN;
}

/* Fill u's BTF facts from the prototype of FUNC @id in @btf. */
static void read_proto(const struct btf *btf, __s32 id, const char *fn,
		       struct ft_user_func *u)
{
	const struct btf_type *f = btf__type_by_id(btf, id);
	const struct btf_type *proto = f ? btf__type_by_id(btf, f->type) : NULL;
	const struct btf_param *p;

	if (!proto || !btf_is_func_proto(proto)) {
		snprintf(u->why, sizeof(u->why), "the BTF of %s is not a prototype", fn);
		return;
	}
	p = btf_params(proto);
	u->nargs = 0;
	for (unsigned int i = 0; i < btf_vlen(proto); i++) {
		__s64 size = btf__resolve_size(btf, p[i].type);

		if (size <= 0) {	/* a variadic "..." has type 0 */
			snprintf(u->why, sizeof(u->why), "%s: argument %u has no size in its BTF",
				 fn, i + 1);
			return;
		}
		u->nargs += (unsigned int)((size + 7) / 8);
	}
	u->ret = ret_kind(btf, proto->type);
	u->has_btf = true;
}

/* The function's BTF, in its module's BTF or in vmlinux's. */
static void find_btf(const char *fn, struct btf *vmlinux, struct ft_user_func *u)
{
	struct btf *mod = NULL, *btf = vmlinux;
	__s32 id;

	if (u->module[0]) {
		mod = btf__load_module_btf(u->module, vmlinux);
		if (!mod) {
			snprintf(u->why, sizeof(u->why), "module %s has no BTF", u->module);
			return;
		}
		btf = mod;
	}
	id = btf__find_by_name_kind(btf, fn, BTF_KIND_FUNC);
	if (id < 0)
		snprintf(u->why, sizeof(u->why), "no BTF for %s in %s", fn,
			 u->module[0] ? u->module : "vmlinux");
	else
		read_proto(btf, id, fn, u);
	btf__free(mod);
}

int ft_resolve_function(const char *fn, struct btf *vmlinux, struct ft_user_func *u,
			struct kbm_err *e)
{
	int found;

	memset(u, 0, sizeof(*u));
	found = find_in_filter_functions(fn, u->module);
	if (found < 0)
		found = find_in_kallsyms(fn, u->module);
	if (found < 0)
		return kbm_err_set(e, KBM_ERR_RUNTIME, found,
				   "--function %s: cannot read available_filter_functions nor /proc/kallsyms: %s",
				   fn, strerror(-found));
	if (!found) {
		kbm_err_set(e, KBM_ERR_INPUT, 0, "--function %s: not a traceable kernel function (not in available_filter_functions: no such function, or inlined, notrace or only a compiler clone such as %s.isra.0; is its module loaded?)",
			    fn, fn);
		return -ENOENT;
	}
	if (vmlinux)
		find_btf(fn, vmlinux, u);
	else
		snprintf(u->why, sizeof(u->why), "the kernel has no BTF");
	return 0;
}
