// SPDX-License-Identifier: GPL-2.0
#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* asprintf, strerrorname_np; CMake defines it too */
#endif
/*
 * kbufmapctl map's report: one print call per field, so the table and the
 * JSON (-j) cannot drift apart.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "kbufmap_matrix.h"
#include "map.h"
#include "names.h"
#include "out.h"
#include "vmflags.h"

/* Whose buffer: "target": {kind, path, driver, size, ...}; a line for another driver. */
static void report_target(const struct map_opts *o, const struct map_result *r)
{
	const struct kbm_target *t = &r->target;
	enum print_type text = r->foreign ? PRINT_ANY : PRINT_JSON;

	open_json_object("target");
	print_string(text, "kind", "target     %s", kbm_target_kind_name(o->buf.target.kind));
	if (r->foreign) {
		print_string(PRINT_ANY, "path", " %s", t->path);
		print_string(PRINT_ANY, "driver", " (driver %s)", t->driver);
		print_uint(PRINT_ANY, "size", ", %llu bytes", t->size);
		print_uint(PRINT_ANY, "mmap_offset", ", mmap offset 0x%llx", (uint64_t)t->offset);
		print_string(PRINT_ANY, "kernel_view", ", kernel view %s", kbm_target_view_name(t));
		print_bool(PRINT_JSON, "dmabuf", NULL, t->dmabuf);
		print_text(t->dmabuf ? ", a dma-buf (touch inside DMA_BUF_IOCTL_SYNC)\n" : "\n");
	} else {
		print_string(PRINT_JSON, "path", NULL, o->req.device);
		print_string(PRINT_JSON, "driver", NULL, "kbufmap");
		print_uint(PRINT_JSON, "size", NULL, o->req.config.nr_pages * (uint64_t)sysconf(_SC_PAGESIZE));
	}
	close_json_object();
}

static void report_request(const struct map_opts *o, const struct kbm_mapping *m)
{
	const struct kbm_map_req *q = &o->req;
	char addr[32];

	if (map_foreign(o)) {
		print_uint(PRINT_ANY, "pages", "mapping    buffer of %llu pages", q->config.nr_pages);
	} else {
		print_string(PRINT_ANY, "backend", "mapping    %s", backend_name(q->config.backend));
		print_string(PRINT_ANY, "strategy", "/%s", strategy_name(q->config.strategy));
		print_uint(PRINT_ANY, "pages", ", buffer of %llu pages", q->config.nr_pages);
		print_int(PRINT_JSON, "node", NULL, q->config.node);
	}
	print_uint(PRINT_ANY, "offset", ", pages %llu", q->offset);
	print_uint(PRINT_ANY, "length", " +%llu", q->length);
	print_string(PRINT_ANY, "open", ", %s", q->rdonly ? "O_RDONLY" : "O_RDWR");
	print_string(PRINT_ANY, "mapping", " %s", q->private_map ? "MAP_PRIVATE" : "MAP_SHARED");
	print_string(PRINT_ANY, "prot", " %s", q->writable ? "PROT_READ|PROT_WRITE" : "PROT_READ");
	print_string(PRINT_JSON, "kind", NULL, map_kind_name(kbm_map_kind(q)));
	print_bool(PRINT_JSON, "populate", NULL, q->populate);
	if (q->populate)
		print_text(" MAP_POPULATE");
	if (q->fill) {
		char hex[2 * sizeof(o->fill) + 1];

		for (size_t i = 0; i < q->fill_len; i++)
			snprintf(hex + 2 * i, 3, "%02x", q->fill[i]);
		print_string(PRINT_ANY, "fill", ", filled with %s", hex);
	}
	print_text("\n");
	open_json_object("mmap");
	print_bool(PRINT_JSON, "ok", NULL, m->addr != NULL);
	if (m->addr) {
		snprintf(addr, sizeof(addr), "%p", (void *)m->addr);
		print_string(PRINT_ANY, "addr", "mmap       %s", addr);
		print_uint(PRINT_ANY, "ns", " in %llu ns\n", m->mmap_ns);
	}
	close_json_object();
}

static void report_refused(const struct map_result *r)
{
	open_json_object("mmap");
	print_bool(PRINT_JSON, "ok", NULL, false);
	print_string(PRINT_ANY, "errno", "mmap       refused: %s", errno_name(r->mmap_err));
	print_string(PRINT_ANY, "reason", " (%s)\n", r->mmap_reason);
	close_json_object();
}

static void print_counters(const char *key, const struct kbufmap_counters *a,
			   const struct kbufmap_counters *b)
{
	/* @a NULL: the totals in @b; else the deltas b - a. */
#define CNT(f) (unsigned long long)(b->f - (a ? a->f : 0))
	open_json_object(key);
	print_text("           %-8s", key);
	/* Keys and order from the one counter list (kbufmap_names.h). */
#define PRINT_COUNTER(id, field, name) \
	print_uint(PRINT_ANY, name, " " name " %llu", CNT(field));
	KBUFMAP_COUNTERS(PRINT_COUNTER)
#undef PRINT_COUNTER
	print_text("\n");
#undef CNT
	close_json_object();
}

static void report_touch(const struct map_opts *o, const struct kbm_mapping *m,
			 const struct map_result *r)
{
	if (o->madvise >= 0) {
		open_json_object("madvise");
		print_string(PRINT_ANY, "advice", "madvise    %s: ", o->madvise_name);
		print_bool(PRINT_JSON, "ok", NULL, r->madvise_err == 0);
		if (r->madvise_err) {
			print_string(PRINT_ANY, "errno", "refused, %s", errno_name(r->madvise_err));
			print_string(PRINT_ANY, "reason", " (%s)\n", strerror(r->madvise_err));
		} else {
			print_text("ok\n");
		}
		close_json_object();
	}
	open_json_object("touch");
	print_string(PRINT_ANY, "mode", "touch      %s", kbm_touch_name(o->buf.touch));
	print_uint(PRINT_ANY, "stride", ", stride %llu", o->stride);
	print_uint(PRINT_ANY, "pages", ": %llu pages", r->touched);
	print_uint(PRINT_ANY, "ns", " in %llu ns\n", r->touch_ns);
	if (r->fault.sig) {
		char addr[32], name[24];

		snprintf(addr, sizeof(addr), "%p", r->fault.addr);
		open_json_object("signal");
		snprintf(name, sizeof(name), "SIG%s", sigabbrev_np(r->fault.sig));
		print_string(PRINT_ANY, "name", "signal     %s", name);
		print_string(PRINT_ANY, "code", " (%s)", kbm_sigcode_name(r->fault.sig, r->fault.code));
		print_uint(PRINT_ANY, "page", " at page %llu",
			   (unsigned long long)(((uint8_t *)r->fault.addr - m->addr) / (long)m->ps));
		print_string(PRINT_ANY, "addr", " (%s), caught\n", addr);
		print_string(PRINT_ANY, "explanation", "           why: %s\n", r->fault_why);
		close_json_object();
	} else {
		print_string(PRINT_JSON, "signal", NULL, NULL);
	}
	close_json_object();
}

static void hex_bytes(char *out, const uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", b[i]);
	out[2 * n] = '\0';
}

static void report_dump(const struct map_opts *o, const struct map_result *r)
{
	static char hex[2 * 4096 + 1];

	if (!o->dump)
		return;
	open_json_object("dump");
	print_uint(PRINT_ANY, "bytes", "dump       %llu bytes", o->dump);
	if (r->fault.sig || r->dump_fault.sig) {
		print_string(PRINT_ANY, "skipped", ": %s\n",
			     r->fault.sig ? "not read: the touch faulted" :
					    "not read: reading it faulted");
		close_json_object();
		return;
	}
	hex_bytes(hex, r->dump_first, o->dump);
	print_string(PRINT_ANY, "first", "\n           first page [%s]\n", hex);
	hex_bytes(hex, r->dump_last, o->dump);
	print_string(PRINT_ANY, "last", "           last page  [%s]\n", hex);
	close_json_object();
}

static void report_vma(const struct map_result *r)
{
	struct vmflag_info flags[64];
	size_t n;

	if (!r->have_smaps) {
		print_string(PRINT_ANY, "maps", "maps       %s\n", "(no VMA found in /proc/self/smaps)");
		return;
	}
	print_string(PRINT_ANY, "maps", "maps       %s\n", r->smaps.maps_line);
	print_string(PRINT_ANY, "vmflags", "VmFlags    %s\n", r->smaps.vmflags);
	n = vmflags_decode(r->smaps.vmflags, flags, 64);
	open_json_array("vmflags_decoded");
	for (size_t i = 0; i < n && i < 64; i++) {
		open_json_object(NULL);
		print_string(PRINT_ANY, "flag", "  %-4s", flags[i].letters);
		print_string(PRINT_ANY, "name", "%-16s", flags[i].name ? flags[i].name : "(unknown)");
		print_string(PRINT_ANY, "meaning", " %s\n",
			     flags[i].meaning ? flags[i].meaning : "not in the 6.1/6.12 table: printed raw");
		print_string(PRINT_JSON, "since", NULL, flags[i].since);
		close_json_object();
	}
	close_json_array();
	open_json_object("smaps");
	print_uint(PRINT_ANY, "rss_kb", "smaps      Rss %llu kB", r->smaps.rss_kb);
	print_uint(PRINT_ANY, "pss_kb", ", Pss %llu kB", r->smaps.pss_kb);
	print_uint(PRINT_ANY, "referenced_kb", ", Referenced %llu kB", r->smaps.referenced_kb);
	print_uint(PRINT_ANY, "locked_kb", ", Locked %llu kB", r->smaps.locked_kb);
	print_uint(PRINT_ANY, "anonymous_kb", ", Anonymous %llu kB", r->smaps.anon_kb);
	print_uint(PRINT_ANY, "anon_huge_kb", ", AnonHugePages %llu kB", r->smaps.anon_huge_kb);
	print_uint(PRINT_ANY, "file_pmd_kb", ", FilePmdMapped %llu kB", r->smaps.file_pmd_kb);
	print_uint(PRINT_ANY, "shmem_pmd_kb", ", ShmemPmdMapped %llu kB\n", r->smaps.shmem_pmd_kb);
	close_json_object();
}

static void report_faults(const struct map_result *r)
{
	open_json_object("faults");
	print_uint(PRINT_ANY, "minor", "faults     touch: %llu minor",
		   (unsigned long long)(r->ru_after.ru_minflt - r->ru_before.ru_minflt));
	print_uint(PRINT_ANY, "major", ", %llu major (getrusage)\n",
		   (unsigned long long)(r->ru_after.ru_majflt - r->ru_before.ru_majflt));
	close_json_object();
	if (!r->have_counters)
		return;
	print_text("module     the buffer's counters, deltas of each step:\n");
	open_json_object("counter_deltas");
	print_counters("mmap", &r->c_start, &r->c_mmap);
	print_counters("madvise", &r->c_mmap, &r->c_madvise);
	print_counters("touch", &r->c_madvise, &r->c_touch);
	close_json_object();
	print_counters("counters", NULL, &r->c_end);
}

static void report_residency(const struct map_result *r, bool pfnmap)
{
	const struct kbm_residency *s = &r->res;

	open_json_object("residency");
	print_uint(PRINT_ANY, "present", "residency  %llu", s->present);
	print_uint(PRINT_ANY, "pages", "/%llu pages present in pagemap", s->pages);
	if (pfnmap) {
		print_string(PRINT_ANY, "note", "\n           %s",
			     "pagemap cannot see a raw-PFN mapping: VM_PFNMAP VMAs are holes to the page walker");
	} else if (s->pfns_visible) {
		print_uint(PRINT_ANY, "pfn_runs", ", %llu PFN runs", s->pfn_runs);
	} else {
		print_string(PRINT_JSON, "pfn_runs", NULL, NULL);
		print_text(", PFN runs unknown (PFNs read as 0 without CAP_SYS_ADMIN)");
	}
	open_json_object("nodes");
	for (int n = 0; n < 8; n++) {
		char key[8];

		if (!s->nodes[n])
			continue;
		snprintf(key, sizeof(key), "%d", n);
		print_text(", node %d:", n);
		print_uint(PRINT_ANY, key, " %llu", (unsigned long long)s->nodes[n]);
	}
	close_json_object();
	if (r->kernel_runs_err == 0)
		print_uint(PRINT_ANY, "kernel_pfn_runs", "\n           the kernel's PFN list (GET_PFNS): %llu runs",
			   r->kernel_runs);
	print_text("\n");
	close_json_object();
}

/* Why a GUP user failed, for a driver author. */
static const char *pin_reason(int err, bool pfnmap, bool faulted)
{
	if (!err)
		return "pinned: the pages have struct pages GUP can take";
	if (err == EFAULT && pfnmap)
		return "VM_PFNMAP/VM_IO: no struct page to pin";
	if (err == EFAULT && faulted)
		return "nothing is mapped there and the VMA cannot fault it in";
	return strerror(err);
}

static void report_pin(const struct map_result *r, bool pfnmap)
{
	int tried = 0, failed = 0;

	if (!r->pin_tried)
		return;
	open_json_array("pin");
	for (int i = 0; i < KBM_PIN_COUNT; i++) {
		const struct kbm_pin_result *p = &r->pin[i];

		open_json_object(NULL);
		print_string(PRINT_ANY, "method", "pin        %-17s", p->method);
		print_bool(PRINT_JSON, "tried", NULL, p->tried);
		if (p->tried) {
			tried++;
			failed += p->err != 0;
			print_bool(PRINT_JSON, "ok", NULL, !p->err);
			print_string(PRINT_ANY, "errno", "%s", p->err ? errno_name(p->err) : NULL);
			print_text(p->err ? ": " : "ok: ");
			print_string(PRINT_ANY, "reason", "%s",
				     pin_reason(p->err, pfnmap, r->fault.sig != 0));
			print_string(PRINT_ANY, "note", " (%s)\n", p->note);
		} else {
			print_string(PRINT_ANY, "note", "%s\n", p->note);
		}
		close_json_object();
	}
	close_json_array();
	if (tried)
		print_bool(PRINT_ANY, "pinnable", "pinnable   %s\n", !failed);
	else
		print_string(PRINT_ANY, "pinnable", "pinnable   %s\n", NULL);
}

void map_report(const struct map_opts *o, const struct kbm_mapping *m,
		const struct map_result *r)
{
	bool pfnmap;

	open_json_object(NULL);
	report_target(o, r);
	report_request(o, m);
	if (r->mmap_err) {
		report_refused(r);
		close_json_object();
		return;
	}
	report_touch(o, m, r);
	report_dump(o, r);
	report_vma(r);
	report_faults(r);
	pfnmap = r->have_smaps && (strstr(r->smaps.vmflags, "pf") ||
				   strstr(r->smaps.vmflags, "io"));
	if (r->have_residency)
		report_residency(r, pfnmap);
	report_pin(r, pfnmap);
	map_cache_report(o, r);
	close_json_object();
}
