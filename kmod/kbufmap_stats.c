// SPDX-License-Identifier: GPL-2.0
/*
 * kbufmap: event counters (per buffer and module-wide), allocation accounting
 * and the debugfs view of them.
 *
 * Module counters are totals since load. bytes_allocated and live_buffers
 * are the present state: they return to zero when every file and mapping is
 * gone, which is how tests prove that nothing leaked (Debian's kernels have
 * no kmemleak).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/debugfs.h>
#include <linux/percpu.h>
#include <linux/seq_file.h>

#include "kbufmap.h"

static DEFINE_PER_CPU(struct kbufmap_counter_set, kbufmap_module_counters);
static atomic64_t kbufmap_bytes_allocated[KBUFMAP_BACKEND_COUNT];
static atomic64_t kbufmap_live_buffers;
static struct dentry *kbufmap_debugfs_dir;

/* debugfs keys, shared with kbufmapctl through kbufmap_names.h. */
static const char *const kbufmap_counter_names[KBUFMAP_CNT_NR] = {
	KBUFMAP_COUNTERS(KBUFMAP_X_COUNTER_KEY)
};

static const char *const kbufmap_backend_names[KBUFMAP_BACKEND_COUNT] = {
	KBUFMAP_BACKENDS(KBUFMAP_X_BACKEND_NAME)
};

/* Where each counter goes in the GET_COUNTERS reply. */
#define KBUFMAP_X_CNT_OFFSET(id, field, key)				\
	[KBUFMAP_CNT_##id] = offsetof(struct kbufmap_counters, field),
static const size_t kbufmap_counter_offsets[KBUFMAP_CNT_NR] = {
	KBUFMAP_COUNTERS(KBUFMAP_X_CNT_OFFSET)
};

struct kbufmap_counter_set __percpu *kbufmap_counters_alloc(gfp_t gfp)
{
	return alloc_percpu_gfp(struct kbufmap_counter_set, gfp);
}

void kbufmap_counters_free(struct kbufmap_counter_set __percpu *set)
{
	free_percpu(set);
}

/* this_cpu_add() is preemption and interrupt safe: no lock, no atomic. */
void kbufmap_count(struct kbufmap_buffer *buf, enum kbufmap_counter c, u64 n)
{
	this_cpu_add(buf->counters->v[c], n);
	this_cpu_add(kbufmap_module_counters.v[c], n);
}

void kbufmap_stats_buffer_alloc(unsigned int backend, u64 bytes)
{
	atomic64_add(bytes, &kbufmap_bytes_allocated[backend]);
	atomic64_inc(&kbufmap_live_buffers);
}

void kbufmap_stats_buffer_free(unsigned int backend, u64 bytes)
{
	atomic64_sub(bytes, &kbufmap_bytes_allocated[backend]);
	atomic64_dec(&kbufmap_live_buffers);
}

u64 kbufmap_stats_live_buffers(void)
{
	return atomic64_read(&kbufmap_live_buffers);
}

/* A sum of per-CPU values: exact once the counting has stopped. */
static u64 kbufmap_counter_read(const struct kbufmap_counter_set __percpu *set,
				enum kbufmap_counter c)
{
	u64 sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += per_cpu_ptr(set, cpu)->v[c];
	return sum;
}

static void
kbufmap_fill_counters(const struct kbufmap_counter_set __percpu *set,
				  struct kbufmap_counters *out)
{
	unsigned int c;

	for (c = 0; c < KBUFMAP_CNT_NR; c++)
		*(u64 *)((char *)out + kbufmap_counter_offsets[c]) =
			kbufmap_counter_read(set, c);
}

/* @out is zeroed by the caller; only the counters are filled in. */
void kbufmap_stats_fill_buffer(const struct kbufmap_buffer *buf,
			       struct kbufmap_stats *out)
{
	kbufmap_fill_counters(buf->counters, &out->counters);
}

/* @out is zeroed by the caller. */
void kbufmap_stats_fill_module(struct kbufmap_stats *out)
{
	unsigned int b;

	kbufmap_fill_counters(&kbufmap_module_counters, &out->counters);
	for (b = 0; b < KBUFMAP_BACKEND_COUNT; b++)
		out->bytes_allocated[b] =
			atomic64_read(&kbufmap_bytes_allocated[b]);
	out->live_buffers = kbufmap_stats_live_buffers();
}

static int kbufmap_counters_show(struct seq_file *m, void *unused)
{
	unsigned int i;

	for (i = 0; i < KBUFMAP_CNT_NR; i++)
		seq_printf(m, "%s %llu\n", kbufmap_counter_names[i],
			   kbufmap_counter_read(&kbufmap_module_counters, i));
	for (i = 0; i < KBUFMAP_BACKEND_COUNT; i++)
		seq_printf(m, "bytes_allocated_%s %llu\n",
			   kbufmap_backend_names[i],
			   (u64)atomic64_read(&kbufmap_bytes_allocated[i]));
	seq_printf(m, "live_buffers %llu\n", kbufmap_stats_live_buffers());
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(kbufmap_counters);

/*
 * debugfs is a convenience: its functions are designed to be called without
 * checking their results, and the module works the same without them.
 */
void kbufmap_stats_init(void)
{
	kbufmap_debugfs_dir = debugfs_create_dir("kbufmap", NULL);
	debugfs_create_file("counters", 0444, kbufmap_debugfs_dir, NULL,
			    &kbufmap_counters_fops);
}

void kbufmap_stats_exit(void)
{
	debugfs_remove_recursive(kbufmap_debugfs_dir);
	kbufmap_debugfs_dir = NULL;
}
