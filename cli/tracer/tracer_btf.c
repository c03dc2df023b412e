// SPDX-License-Identifier: GPL-2.0
/*
 * fentry/fexit attach targets of the module's functions, resolved once per
 * session from the module's own split BTF and handed to libbpf by ID.
 *
 * libbpf 1.1 resolves a SEC("fentry/NAME") target by name at load, for
 * every program: a linear search of the vmlinux BTF (about 130,000 types
 * on 6.12), then of every loaded module's BTF, base types included, until
 * it reaches the module's. Under emulation that is 0.2 s per program.
 * bpf_program__set_attach_target() searches the same way, and libbpf 1.1
 * has no call that takes a BTF ID: a section handler of our own
 * (libbpf_register_prog_handler(), one per program's section, matched
 * before libbpf's own) passes the ID and the module BTF's fd at load.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "tracer_priv.h"

/* Read by the section handlers at load: the session's targets. */
static struct ft_btf_targets *load_targets;

void ft_btf_targets_init(struct ft_btf_targets *tg)
{
	memset(tg, 0, sizeof(*tg));
	tg->obj_fd = -1;
}

void ft_btf_targets_release(struct ft_btf_targets *tg)
{
	if (tg->obj_fd >= 0)
		close(tg->obj_fd);
	tg->obj_fd = -1;
	if (load_targets == tg)
		load_targets = NULL;
}

void ft_btf_find_funcs(const struct btf *vmlinux, const struct btf *mod,
		       struct ft_btf_targets *tg)
{
	__u32 n = btf__type_cnt(mod);

	memset(tg->id, 0, sizeof(tg->id));
	for (__u32 id = btf__type_cnt(vmlinux); id < n; id++) {
		const struct btf_type *t = btf__type_by_id(mod, id);
		const char *name;

		if (!btf_is_func(t))
			continue;
		name = btf__name_by_offset(mod, t->name_off);
		for (int i = 0; name && i < FT_NR_FUNCS; i++)
			if (!tg->id[i] && strcmp(name, ft_funcs[i].symbol) == 0)
				tg->id[i] = (__s32)id;
	}
}

/* The fd of the kernel's BTF object named @name (a module's), or -errno. */
static int kernel_btf_fd(const char *name)
{
	char got[64];
	__u32 id = 0;

	while (bpf_btf_get_next_id(id, &id) == 0) {
		struct bpf_btf_info info;
		__u32 len = sizeof(info);
		int fd = bpf_btf_get_fd_by_id(id);

		if (fd < 0) {
			if (errno == ENOENT)	/* freed meanwhile */
				continue;
			return -errno;
		}
		memset(&info, 0, sizeof(info));
		info.name = (__u64)(unsigned long)got;
		info.name_len = sizeof(got);
		if (bpf_obj_get_info_by_fd(fd, &info, &len) == 0 && info.kernel_btf &&
		    strcmp(got, name) == 0)
			return fd;
		close(fd);
	}
	return errno == ENOENT ? -ESRCH : -errno;
}

/*
 * Without the fd (no privilege to list BTF objects) the load fails with
 * this error; after the maps' creation, which fails the same way first.
 */
void ft_btf_targets_open(struct ft_btf_targets *tg, const char *module)
{
	int fd = tg->obj_fd >= 0 ? tg->obj_fd : kernel_btf_fd(module);

	tg->err = fd < 0 ? fd : 0;
	tg->obj_fd = fd < 0 ? -1 : fd;
	load_targets = tg;
}

/* At load: the target of the program of function @cookie, by ID. */
static int prepare_load(struct bpf_program *prog, struct bpf_prog_load_opts *opts,
			long cookie)
{
	const struct ft_btf_targets *tg = load_targets;

	(void)prog;
	if (tg && tg->err)
		return tg->err;
	if (!tg || cookie < 0 || cookie >= FT_NR_FUNCS || !tg->id[cookie])
		return -ESRCH;
	opts->attach_btf_obj_fd = (__u32)tg->obj_fd;
	opts->attach_btf_id = (__u32)tg->id[cookie];
	return 0;
}

static int attach_trace(const struct bpf_program *prog, long cookie, struct bpf_link **link)
{
	(void)cookie;
	*link = bpf_program__attach_trace(prog);
	return *link ? 0 : -errno;
}

static int register_section(const char *kind, enum bpf_attach_type type, int func)
{
	LIBBPF_OPTS(libbpf_prog_handler_opts, o, .cookie = func,
		    .prog_prepare_load_fn = prepare_load, .prog_attach_fn = attach_trace);
	char sec[128];
	int id;

	snprintf(sec, sizeof(sec), "%s/%s", kind, ft_funcs[func].symbol);
	id = libbpf_register_prog_handler(sec, BPF_PROG_TYPE_TRACING, type, &o);
	return id < 0 ? id : 0;
}

/*
 * Once per process, before the first open: the programs keep pointers to
 * their section handlers, so these stay registered.
 */
int ft_btf_register_sections(void)
{
	static int done;
	int err = 0;

	if (done)
		return done < 0 ? done : 0;
	for (int i = 0; i < FT_NR_FUNCS && !err; i++) {
		err = register_section("fentry", BPF_TRACE_FENTRY, i);
		if (!err)
			err = register_section("fexit", BPF_TRACE_FEXIT, i);
	}
	done = err ? err : 1;
	return err;
}
