/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The NUMA facts the commands need, read from sysfs when asked, and
 * move_pages(2) itself. libnuma did this before, but its constructor reads
 * /proc/self/status (twice) and sysfs at every start of every command,
 * which costs milliseconds per start under emulation.
 */
#ifndef KBM_NUMA_H
#define KBM_NUMA_H

#include <sched.h>
#include <sys/types.h>

/* The highest node number the kernel shows (nodeN in sysfs); 0 without NUMA. */
int kbm_numa_max_node(void);
/* How many nodes have memory (sysfs has_memory); 1 when unknown. */
int kbm_numa_memory_nodes(void);
/* The node of CPU @cpu; -1 when unknown. */
int kbm_numa_node_of_cpu(int cpu);
/* The CPUs of node @node into @set; 0 or -errno (-ENOENT: no such node). */
int kbm_numa_node_cpus(int node, cpu_set_t *set);
/* move_pages(2): the page nodes of @pid (0: this process) when @nodes is NULL. */
long kbm_move_pages(pid_t pid, unsigned long count, void **pages, const int *nodes,
		    int *status, int flags);

#endif /* KBM_NUMA_H */
