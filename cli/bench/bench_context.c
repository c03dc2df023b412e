// SPDX-License-Identifier: GPL-2.0
/*
 * What the results depend on, recorded with them (Google Benchmark's
 * context block), and the warnings hyperfine would give: a large spread,
 * outlier runs, ASLR on, a frequency governor other than performance, an
 * unpinned CPU, emulation.
 */
#include <sched.h>
#include <stdio.h>
#include <string.h>

#include "bench.h"
#include "kbm_numa.h"
#include "out.h"
#include "procfs.h"
#include "prog.h"

/* The value of the first "@key<tab>: value" line of /proc/cpuinfo. */
static bool cpuinfo_field(const char *key, char *buf, size_t len)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[4096];
	bool found = false;

	buf[0] = 0;
	while (f && !found && fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':');

		if (!colon || strncmp(line, key, strlen(key)))
			continue;
		snprintf(buf, len, "%s", colon + 2);
		buf[strcspn(buf, "\n")] = 0;
		found = true;
	}
	if (f)
		fclose(f);
	return found;
}

/*
 * arm64 under QEMU's virt machine, booted with a device tree, has no model
 * name and no DMI: the tree says "linux,dummy-virt", and TCG's CPUs carry
 * implementer 0x00, which the architecture reserves for software (no real
 * core has it, so a KVM guest, which sees the host's, does not either).
 */
static void detect_arm64_qemu(struct bench_env *e)
{
	char compat[256] = "", implementer[32];
	FILE *f = fopen("/proc/device-tree/compatible", "r");
	size_t n = f ? fread(compat, 1, sizeof(compat) - 1, f) : 0;

	if (f)
		fclose(f);
	compat[n] = '\0';	/* the first of its NUL-separated strings */
	if (strcmp(compat, "linux,dummy-virt"))
		return;
	snprintf(e->hypervisor, sizeof(e->hypervisor), "qemu");
	e->emulated = cpuinfo_field("CPU implementer", implementer, sizeof(implementer)) &&
		      !strcmp(implementer, "0x00");
}

/*
 * Emulation or a hypervisor: the CPUID hypervisor bit shows in cpuinfo's
 * flags; /sys/hypervisor/type (Xen); "QEMU" in DMI. No "vmx"/"svm" and a
 * "QEMU Virtual CPU"/"TCG" model means TCG, where times are not native.
 */
static void detect_hypervisor(struct bench_env *e)
{
	char flags[4096], vendor[128] = "", product[128] = "";
	bool hv_bit;

	cpuinfo_field("flags", flags, sizeof(flags));
	hv_bit = strstr(flags, " hypervisor") != NULL;
	read_first_line("/sys/class/dmi/id/sys_vendor", vendor, sizeof(vendor));
	read_first_line("/sys/class/dmi/id/product_name", product, sizeof(product));
	snprintf(e->hypervisor, sizeof(e->hypervisor), "none");
	if (!read_first_line("/sys/hypervisor/type", e->hypervisor, sizeof(e->hypervisor)))
		return;
	if (strstr(vendor, "QEMU") || strstr(product, "QEMU") ||
	    strstr(e->cpu_model, "QEMU"))
		snprintf(e->hypervisor, sizeof(e->hypervisor), "qemu");
	else if (hv_bit)
		snprintf(e->hypervisor, sizeof(e->hypervisor), "unknown hypervisor");
	e->emulated = strstr(e->cpu_model, "QEMU Virtual CPU") ||
		      strstr(e->cpu_model, "TCG");
	if (!e->emulated)
		detect_arm64_qemu(e);
}

static void read_pinning(struct bench_env *e)
{
	cpu_set_t set;
	size_t n = 0;
	int count;

	e->cpus_applied[0] = 0;
	if (sched_getaffinity(0, sizeof(set), &set))
		return;
	count = CPU_COUNT(&set);
	for (int cpu = 0; cpu < CPU_SETSIZE && n + 8 < sizeof(e->cpus_applied); cpu++)
		if (CPU_ISSET(cpu, &set))
			n += (size_t)snprintf(e->cpus_applied + n, sizeof(e->cpus_applied) - n,
					      "%s%d", n ? "," : "", cpu);
	e->pinned = count == 1;
}

void bench_env_read(struct bench_env *e, int cpu_asked, int cpu_node)
{
	char line[64];

	memset(e, 0, sizeof(*e));
	snprintf(e->kernel, sizeof(e->kernel), "%s %s", kernel_release(), kernel_machine());
	if (!cpuinfo_field("model name", e->cpu_model, sizeof(e->cpu_model)))
		snprintf(e->cpu_model, sizeof(e->cpu_model), "unknown");
	detect_hypervisor(e);
	if (!thp_enabled(e->thp, sizeof(e->thp)))
		snprintf(e->thp, sizeof(e->thp), "unknown");
	if (read_first_line("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor",
		       e->governor, sizeof(e->governor)))
		snprintf(e->governor, sizeof(e->governor), "none");
	if (read_first_line("/sys/module/kbufmap/version", e->module_version,
		       sizeof(e->module_version)))
		snprintf(e->module_version, sizeof(e->module_version), "ABI %d.%d",
			 KBUFMAP_ABI_MAJOR, KBUFMAP_ABI_MINOR);
	e->fault_around_bytes = -1;
	if (!read_first_line("/sys/kernel/debug/fault_around_bytes", line, sizeof(line)))
		sscanf(line, "%ld", &e->fault_around_bytes);
	e->aslr = -1;
	if (!read_first_line("/proc/sys/kernel/randomize_va_space", line, sizeof(line)))
		sscanf(line, "%d", &e->aslr);
	e->cpu_asked = cpu_asked;
	read_pinning(e);
	e->nodes = kbm_numa_memory_nodes();
	e->cpu_node = cpu_node;
	e->cpus_node = kbm_numa_node_of_cpu(sched_getcpu());
}

void bench_env_print(const struct bench_env *e, const struct bench_opts *o)
{
	open_json_object("context");
	print_string(PRINT_ANY, "tool", "# kbufmapctl %s", KBUFMAP_VERSION);
	print_string(PRINT_ANY, "module", ", module %s", e->module_version);
	print_string(PRINT_ANY, "kernel", ", kernel %s\n", e->kernel);
	print_string(PRINT_ANY, "cpu_model", "# cpu %s", e->cpu_model);
	print_string(PRINT_ANY, "hypervisor", ", hypervisor %s", e->hypervisor);
	print_bool(PRINT_ANY, "emulated", ", emulated (TCG) %s\n", e->emulated);
	print_string(PRINT_ANY, "thp", "# THP %s", e->thp);
	if (e->fault_around_bytes >= 0)
		print_int(PRINT_ANY, "fault_around_bytes", ", fault_around_bytes %lld",
			  e->fault_around_bytes);
	else
		print_null(PRINT_ANY, "fault_around_bytes", ", fault_around_bytes %s", "unknown");
	print_int(PRINT_ANY, "aslr", ", ASLR %lld", e->aslr);
	print_string(PRINT_ANY, "governor", ", governor %s\n", e->governor);
	if (e->cpu_asked >= 0)
		print_int(PRINT_ANY, "cpu_asked", "# --cpu %lld", e->cpu_asked);
	else
		print_null(PRINT_ANY, "cpu_asked", "# --cpu %s", "none");
	print_string(PRINT_ANY, "cpus_applied", ", running on CPUs %s", e->cpus_applied);
	print_bool(PRINT_ANY, "pinned", ", pinned %s", e->pinned);
	print_int(PRINT_ANY, "numa_nodes", ", NUMA nodes %lld", e->nodes);
	if (o->buf.node >= 0)
		print_int(PRINT_ANY, "buffer_node", ", buffer node %lld\n", o->buf.node);
	else
		print_null(PRINT_ANY, "buffer_node", ", buffer node %s\n", "any");
	print_uint(PRINT_ANY, "threads", "# threads %llu", o->threads);
	if (e->cpu_node >= 0)
		print_int(PRINT_ANY, "cpu_node", ", --cpu-node %lld", e->cpu_node);
	else
		print_null(PRINT_ANY, "cpu_node", ", --cpu-node %s", "none");
	print_int(PRINT_ANY, "running_node", ", running on node %lld\n", e->cpus_node);
	if (o->trace)
		print_string(PRINT_ANY, "trace", "# --trace %s: the first touches of each "
			     "kbufmap case again with fault-trace's probes attached\n",
			     bench_trace_name(o->trace));
	else
		print_null(PRINT_JSON, "trace", NULL, NULL);
	print_string(PRINT_ANY, "command_line", "# %s\n", o->cmdline);
	close_json_object();
}

static void warn(const char *msg)
{
	if (out_is_json())
		print_string(PRINT_JSON, NULL, NULL, msg);
	kbm_warn("%s", msg);
}

/* One warning per case: the phases with outlier runs or a large spread. */
static void case_warning(const struct bench_case *c)
{
	char out[128] = "", spread[128] = "", msg[512], id[160];

	for (unsigned int ph = 0; ph < PH_COUNT && !c->skip_err; ph++) {
		const struct bench_stats *st = &c->st[ph];
		char *dst = st->outliers ? out : spread;

		if (!st->n || (!st->outliers && !(st->mean > 0 && st->sd / st->mean > 0.25)))
			continue;
		snprintf(dst + strlen(dst), 128 - strlen(dst), "%s%s", *dst ? ", " : "",
			 bench_phase_name(ph));
	}
	if (!*out && !*spread)
		return;
	bench_case_id(c, id, sizeof(id));
	snprintf(msg, sizeof(msg), "%s:%s%s%s%s", id, *out ? " outlier runs in " : "", out,
		 *spread ? "; sd over 25 % of the mean in " : "", spread);
	warn(msg);
}

/*
 * With a cache mode other than wb: what the numbers can mean. The native
 * ratios are published ones (README "Which cache attribute do I get?"
 * lists the sources).
 */
static void cache_notes(const struct bench_env *e, const struct bench_case *cases, size_t n)
{
	bool other = false;

	for (size_t i = 0; i < n; i++)
		other |= cases[i].t->module && cases[i].cache != KBUFMAP_CACHE_WB;
	if (!other)
		return;
	if (e->emulated)
		warn("cache modes under emulation: QEMU's TCG models no caches, so wb, wc and uc "
		     "cannot differ in time here (the attribute is in the page table all the same: "
		     "verify's cache family proves it); time them on real hardware");
	warn("native expectations: reads from uncached or write-combining RAM 5x to 28x slower "
	     "than write-back (u-dma-buf README and ikwzm/udmabuf issues #38 (15x) and #120 "
	     "(5.5x); uvcvideo's coherent buffer 28x), whole-line wc writes near wb (u-dma-buf "
	     "memset: wc 0.87x, uncached 12.7x); on x86 a PFN mapping of RAM gets wb whatever "
	     "is asked (matrix --cache)");
}

void bench_warnings(const struct bench_env *e, struct bench_case *cases, size_t n)
{
	char msg[256];

	open_json_array("warnings");
	if (e->aslr > 0)
		warn("ASLR is on (randomize_va_space != 0): addresses, and so cache and TLB behaviour, vary between runs (setarch -R)");
	if (strcmp(e->governor, "none") && strcmp(e->governor, "performance")) {
		snprintf(msg, sizeof(msg), "the frequency governor is '%s', not performance", e->governor);
		warn(msg);
	}
	if (!e->pinned)
		warn("the CPU is not pinned (--cpu N): the scheduler may move the run between CPUs");
	if (e->emulated)
		warn("running under emulation (TCG): absolute times are not native; compare ratios");
	cache_notes(e, cases, n);
	for (size_t i = 0; i < n; i++)
		case_warning(&cases[i]);
	close_json_array();
}
