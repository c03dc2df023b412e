// SPDX-License-Identifier: GPL-2.0
/*
 * fault-trace: the report of a snapshot in text or JSON (one print call
 * per field, so the two cannot drift apart).
 */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "fault_trace_priv.h"
#include "out.h"

/* A count the kernel does not give: "?" in text, null in JSON. */
static void unknown_field(const char *key, const char *fmt)
{
	print_string(PRINT_FP, NULL, fmt, "unknown");
	print_string(PRINT_JSON, key, NULL, NULL);
}

static __u64 missed_of(const struct ft_snapshot *s, int i)
{
	return s->missed.probe[i] + s->missed.recursion[i];
}

/*
 * --function and --mapping: pages are not known; errors only when the
 * return type tells (then "returns" says how they were told).
 */
static const char *const ret_kind_names[] = {
	[FT_RET_UNKNOWN] = NULL,
	[FT_RET_VOID] = "void",
	[FT_RET_VM_FAULT] = "vm_fault_t",
	[FT_RET_ERRNO_INT] = "int -errno",
	[FT_RET_ERRNO_LONG] = "long -errno",
	[FT_RET_ERR_PTR] = "ERR_PTR",
};

static void print_counts(unsigned int slot, const struct ft_func_desc *d,
			 const struct ft_func_stats *f)
{
	bool builtin = slot < FT_NR_FUNCS;

	print_uint(PRINT_ANY, "calls", " %9llu", f->calls);
	if (builtin)
		print_uint(PRINT_ANY, "pages", " %9llu", f->pages);
	else
		unknown_field("pages", " %9s");
	if (!builtin)
		print_string(PRINT_JSON, "returns", NULL, ret_kind_names[d->ret]);
	if (builtin || d->ret != FT_RET_UNKNOWN)
		print_uint(PRINT_ANY, "errors", " %7llu", f->errors);
	else
		unknown_field("errors", " %7s");
	print_uint(PRINT_JSON, "fallbacks", NULL, f->fallbacks);
	print_uint(PRINT_JSON, "retries", NULL, f->retries);
	print_uint(PRINT_JSON, "already_mapped", NULL, f->already_mapped);
}

static void print_functions(const struct ft_report_ctx *ctx, const struct ft_snapshot *s)
{
	const struct ft_tracer *t = ctx->tracer;

	print_text("%-33s %-11s %9s %9s %7s %7s %10s\n", "FUNCTION", "HANDLER",
		   "CALLS", "PAGES", "ERRORS", "MISSED", "AVG_NS");
	open_json_array("functions");
	for (unsigned int n = 0; n < ft_tracer_nslots(t); n++) {
		unsigned int i = ft_tracer_slot(t, n);
		const struct ft_func_desc *d = ft_tracer_desc(t, i);
		const struct ft_func_stats *f = &s->funcs[i];
		__u64 lo, hi;

		open_json_object(NULL);
		print_string(PRINT_ANY, "name", "%-33s", d->symbol);
		print_string(PRINT_ANY, "handler", " %-11s", d->handler);
		print_string(PRINT_JSON, "strategies", NULL, d->strategies);
		print_counts(i, d, f);
		if (s->missed.probe_known && s->missed.recursion_known)
			print_uint(PRINT_ANY, "missed", " %7llu", missed_of(s, i));
		else
			unknown_field("missed", " %7s");
		print_uint(PRINT_JSON, "total_ns", NULL, f->total_ns);
		print_uint(PRINT_ANY, "avg_ns", " %10llu\n", f->calls ? f->total_ns / f->calls : 0);
		open_json_array("histogram");
		for (unsigned int k = 0; k < FT_HIST_SLOTS; k++) {
			if (!f->hist[k])
				continue;
			ft_hist_slot_range(k, &lo, &hi);
			open_json_object(NULL);
			print_uint(PRINT_JSON, "lo_ns", NULL, lo);
			print_uint(PRINT_JSON, "hi_ns", NULL, hi);
			print_uint(PRINT_JSON, "count", NULL, f->hist[k]);
			close_json_object();
		}
		close_json_array();
		close_json_object();
	}
	close_json_array();
	if (s->funcs[FT_SLOT_MAPPING].retries)
		print_text("handle_mm_fault: %llu tries returned VM_FAULT_RETRY and were taken again: each fault counts once, timed from its first try\n",
			   (unsigned long long)s->funcs[FT_SLOT_MAPPING].retries);
	if (s->funcs[FT_HUGE_FAULT].fallbacks)
		print_text("%s: %llu of its calls fell back (VM_FAULT_FALLBACK: no pages; the PTE path follows)\n",
			   ft_funcs[FT_HUGE_FAULT].symbol,
			   (unsigned long long)s->funcs[FT_HUGE_FAULT].fallbacks);
	if (s->funcs[FT_HUGE_FAULT].already_mapped)
		print_text("%s: %llu of its calls found the PMD already mapped (a write to a PMD a read mapped, or another thread's fault first): no pages\n",
			   ft_funcs[FT_HUGE_FAULT].symbol,
			   (unsigned long long)s->funcs[FT_HUGE_FAULT].already_mapped);
}

static void print_procs(const struct ft_report_ctx *ctx, const struct ft_snapshot *s)
{
	if (s->nprocs)
		print_text("\nPer process:\n%7s %-16s %-33s %9s %9s %7s %10s\n", "PID",
			   "COMM", "FUNCTION", "CALLS", "PAGES", "ERRORS", "AVG_NS");
	open_json_array("processes");
	for (size_t i = 0; i < s->nprocs; i++) {
		const struct ft_proc_entry *p = &s->procs[i];
		const char *fn = p->key.func < FT_NR_SLOTS ?
			ft_tracer_desc(ctx->tracer, p->key.func)->symbol : NULL;

		fn = fn ? fn : "?";

		open_json_object(NULL);
		print_uint(PRINT_ANY, "pid", "%7llu", p->key.tgid);
		print_string(PRINT_ANY, "comm", " %-16s", p->st.comm);
		print_string(PRINT_ANY, "function", " %-33s", fn);
		print_uint(PRINT_ANY, "calls", " %9llu", p->st.calls);
		if (p->key.func < FT_NR_FUNCS)
			print_uint(PRINT_ANY, "pages", " %9llu", p->st.pages);
		else
			unknown_field("pages", " %9s");
		print_uint(PRINT_ANY, "errors", " %7llu", p->st.errors);
		print_uint(PRINT_JSON, "total_ns", NULL, p->st.total_ns);
		print_uint(PRINT_ANY, "avg_ns", " %10llu\n",
			   p->st.calls ? p->st.total_ns / p->st.calls : 0);
		close_json_object();
	}
	close_json_array();
}

/* libbpf-tools' print_log2_hist, in nanoseconds, text only. */
static void print_hists(const struct ft_report_ctx *ctx, const struct ft_snapshot *s)
{
	for (unsigned int n = 0; n < ft_tracer_nslots(ctx->tracer); n++) {
		unsigned int i = ft_tracer_slot(ctx->tracer, n);
		const struct ft_func_desc *d = ft_tracer_desc(ctx->tracer, i);
		const struct ft_func_stats *f = &s->funcs[i];
		int first = -1, last = -1;
		__u64 max = 0, lo, hi;

		for (int k = 0; k < FT_HIST_SLOTS; k++) {
			if (!f->hist[k])
				continue;
			if (first < 0)
				first = k;
			last = k;
			if (f->hist[k] > max)
				max = f->hist[k];
		}
		if (first < 0)
			continue;
		print_text("\nLatency of %s (%s), %llu calls:\n", d->symbol,
			   d->handler, (unsigned long long)f->calls);
		print_text("%25s : %-10s %s\n", "ns", "count", "distribution");
		for (int k = first; k <= last; k++) {
			int stars = (int)(f->hist[k] * 40 / max);
			char bar[41];
			char range[48];

			ft_hist_slot_range((unsigned int)k, &lo, &hi);
			if (hi == UINT64_MAX)
				snprintf(range, sizeof(range), "%llu -> ...",
					 (unsigned long long)lo);
			else
				snprintf(range, sizeof(range), "%llu -> %llu",
					 (unsigned long long)lo, (unsigned long long)hi);
			memset(bar, '*', (size_t)stars);
			bar[stars] = '\0';
			print_text("%25s : %-10llu |%-40s|\n", range,
				   (unsigned long long)f->hist[k], bar);
		}
	}
}

static void print_missed(const struct ft_snapshot *s)
{
	const struct ft_missed *m = &s->missed;
	__u64 probe = 0, recursion = 0, total;
	bool known = m->probe_known && m->recursion_known;

	for (int i = 0; i < FT_NR_SLOTS; i++) {
		probe += m->probe[i];
		recursion += m->recursion[i];
	}
	total = probe + recursion + s->drops[FT_DROP_START_FULL] +
		s->drops[FT_DROP_UNMATCHED] + s->drops[FT_DROP_CHILD_FULL];

	open_json_object("missed");
	if (known && total == 0 && !s->drops[FT_DROP_PROC_FULL]) {
		print_text("\nMissed events: none\n");
	} else {
		print_text("\nMissed events: ");
		if (known)
			print_text("%llu\n", (unsigned long long)total);
		else
			print_text("at least %llu; %s\n", (unsigned long long)total,
				   m->unknown_why ? m->unknown_why : "some not countable");
	}
	if (known)
		print_uint(PRINT_JSON, "total", NULL, total);
	else
		print_string(PRINT_JSON, "total", NULL, NULL);
	if (m->probe_known)
		print_uint(PRINT_ANY, "probe", "  kprobe/kretprobe misses:          %llu\n", probe);
	else
		unknown_field("probe", "  kprobe/kretprobe misses:          %s\n");
	if (m->recursion_known)
		print_uint(PRINT_ANY, "recursion", "  BPF program recursion misses:     %llu\n", recursion);
	else
		unknown_field("recursion", "  BPF program recursion misses:     %s\n");
	print_uint(PRINT_ANY, "no_start_slot", "  calls with no start slot:         %llu\n",
		   s->drops[FT_DROP_START_FULL]);
	print_uint(PRINT_ANY, "unmatched_returns", "  returns without their entry:      %llu\n",
		   s->drops[FT_DROP_UNMATCHED]);
	print_uint(PRINT_ANY, "children_table_full", "  children not followed:            %llu\n",
		   s->drops[FT_DROP_CHILD_FULL]);
	print_uint(PRINT_ANY, "process_table_full",
		   "  calls left out per process only:  %llu\n",
		   s->drops[FT_DROP_PROC_FULL]);
	/*
	 * Not in the total: a stale start is a return lost to a miss counted
	 * above, or a fault abandoned after VM_FAULT_RETRY, which is no loss.
	 */
	print_uint(PRINT_ANY, "stale_starts",
		   "  starts whose return never came:   %llu (dropped, not timed)\n",
		   s->drops[FT_DROP_STALE_START]);
	print_string(PRINT_JSON, "unknown_reason", NULL, known ? NULL : m->unknown_why);
	close_json_object();
}

/*
 * Modules unloaded while traced: their calls while they were gone were not
 * seen, and with perf kprobes none after the unload.
 */
static void print_unloaded(const struct ft_snapshot *s)
{
	open_json_array("modules_unloaded");
	for (unsigned int k = 0; k < s->nunloaded; k++) {
		const struct ft_unloaded *u = &s->unloaded[k];

		open_json_object(NULL);
		print_string(PRINT_ANY, "module", "\nModule %s was unloaded while traced", u->module);
		print_bool(PRINT_JSON, "loaded_now", NULL, u->loaded_now);
		print_bool(PRINT_JSON, "probes_back", NULL, u->probes_back);
		if (u->loaded_now)
			print_text(", and loaded again");
		if (u->probes_back)
			print_text(": its calls while it was gone were not seen; its kprobes fire again once it is loaded\n");
		else
			print_text(": its kprobes died with it (perf kprobes): none of its calls after the unload was seen\n");
		close_json_object();
	}
	close_json_array();
}

static void print_command(const struct ft_command *cmd)
{
	open_json_object("command");
	open_json_array("argv");
	for (char **a = cmd->argv; *a; a++)
		print_string(PRINT_JSON, NULL, NULL, *a);
	close_json_array();
	print_uint(PRINT_JSON, "pid", NULL, (unsigned long long)cmd->pid);
	print_text("\nCommand (pid %d):", (int)cmd->pid);
	for (char **a = cmd->argv; *a; a++)
		print_text(" %s", *a);
	if (!cmd->exited) {
		print_text(" still running\n");
		print_string(PRINT_JSON, "exit_status", NULL, NULL);
		print_string(PRINT_JSON, "signal", NULL, NULL);
	} else if (WIFEXITED(cmd->status)) {
		print_int(PRINT_ANY, "exit_status", " exited with status %lld\n",
			  WEXITSTATUS(cmd->status));
		print_string(PRINT_JSON, "signal", NULL, NULL);
	} else {
		int sig = WTERMSIG(cmd->status);

		print_string(PRINT_JSON, "exit_status", NULL, NULL);
		print_int(PRINT_JSON, "signal", NULL, sig);
		print_text(" killed by signal %d (%s)\n", sig, strsignal(sig));
	}
	close_json_object();
}

/* --mapping: the file, and the last VMA of it a traced fault hit. */
static void print_mapping(const struct ft_report_ctx *ctx)
{
	const struct ft_tracer_opts *o = ft_tracer_opts(ctx->tracer);
	__u64 start, end;
	char dev[48];

	if (!o->mapping)
		return;
	open_json_object("mapping");
	print_string(PRINT_ANY, "path", "Mapping: %s", o->mapping);
	snprintf(dev, sizeof(dev), "%llu:%llu", (unsigned long long)(o->map_dev >> 20),
		 (unsigned long long)(o->map_dev & 0xfffff));
	print_string(PRINT_ANY, "dev", " (device %s", dev);
	print_uint(PRINT_ANY, "inode", ", inode %llu)", o->map_ino);
	if (ft_tracer_mapping_range(ctx->tracer, &start, &end)) {
		print_hex(PRINT_ANY, "vm_start", ", faults in %s", start);
		print_hex(PRINT_ANY, "vm_end", "-%s\n", end);
	} else {
		print_string(PRINT_JSON, "vm_start", NULL, NULL);
		print_string(PRINT_JSON, "vm_end", NULL, NULL);
		print_text(", no fault on it yet\n");
	}
	close_json_object();
}

void ft_report(const struct ft_report_ctx *ctx, const struct ft_snapshot *s,
	       __u64 elapsed_ns, bool final, unsigned int seq)
{
	open_json_object(NULL);
	print_string(PRINT_JSON, "report", NULL, final ? "total" : "interval");
	if (final)
		print_text("Fault trace: total over %.3f s", elapsed_ns / 1e9);
	else
		print_uint(PRINT_ANY, "interval", "Fault trace: interval %llu", seq);
	if (!final)
		print_text(", last %.3f s", elapsed_ns / 1e9);
	print_uint(PRINT_JSON, "elapsed_ns", NULL, elapsed_ns);
	print_string(PRINT_ANY, "mode", ", mode %s", ft_mode_name(ft_tracer_mode(ctx->tracer)));
	print_string(PRINT_ANY, "mode_reason", " (%s)", ft_tracer_mode_reason(ctx->tracer));
	print_string(PRINT_ANY, "kernel", ", kernel %s\n", ctx->kernel);
	open_json_object("filter");
	if (ctx->cmd && ctx->cmd->argv) {
		print_uint(PRINT_ANY, "pid", "Traced: pid %llu and its children\n",
			   (unsigned long long)ctx->cmd->pid);
		print_bool(PRINT_JSON, "children", NULL, true);
	} else if (ctx->filter_pid) {
		print_uint(PRINT_ANY, "pid", "Traced: pid %llu\n",
			   (unsigned long long)ctx->filter_pid);
		print_bool(PRINT_JSON, "children", NULL, false);
	} else {
		print_string(PRINT_JSON, "pid", NULL, NULL);
		print_text("Traced: every process\n");
	}
	close_json_object();
	print_mapping(ctx);
	print_text("\n");

	print_functions(ctx, s);
	print_procs(ctx, s);
	print_hists(ctx, s);
	print_missed(s);
	print_unloaded(s);
	if (final && ft_tracer_slot(ctx->tracer, 0) < FT_NR_FUNCS)
		print_text("\nPages: .fault %s; fault-around (in .fault) %s;\n.huge_fault %s;\n"
			   "populate %s; mmap %s. .fault serves the fault, fault-around\n"
			   "and pfn strategies alike: they are not told apart.\n",
			   ft_funcs[FT_FAULT].pages_rule, ft_funcs[FT_MAP_PAGES].pages_rule,
			   ft_funcs[FT_HUGE_FAULT].pages_rule, ft_funcs[FT_POP_REMAP].pages_rule,
			   ft_funcs[FT_MMAP].pages_rule);
	if (final && ctx->cmd && ctx->cmd->argv)
		print_command(ctx->cmd);
	if (!final)
		print_text("\n");
	close_json_object();
	fflush(stdout);
}
