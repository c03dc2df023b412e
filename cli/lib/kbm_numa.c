// SPDX-License-Identifier: GPL-2.0
/* NUMA facts from sysfs, on demand (kbm_numa.h). */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "kbm_numa.h"

#define NODE_DIR	"/sys/devices/system/node"

/* The number N of a "<prefix>N" directory entry; -1 for any other name. */
static int entry_number(const char *name, const char *prefix)
{
	size_t n = strlen(prefix);
	char *end;
	long v;

	if (strncmp(name, prefix, n) != 0 || name[n] < '0' || name[n] > '9')
		return -1;
	v = strtol(name + n, &end, 10);
	return *end || v > 0xffff ? -1 : (int)v;
}

int kbm_numa_max_node(void)
{
	DIR *d = opendir(NODE_DIR);
	struct dirent *de;
	int max = 0;

	if (!d)
		return 0;
	while ((de = readdir(d))) {
		int nd = entry_number(de->d_name, "node");

		if (nd > max)
			max = nd;
	}
	closedir(d);
	return max;
}

/*
 * Each element of a sysfs list ("0-3,8,10-11") within [0, CPU_SETSIZE),
 * into @set (NULL: only counted); the count, or -errno.
 */
static int read_list(const char *path, cpu_set_t *set)
{
	char buf[4096], *p = buf, *end;
	FILE *f = fopen(path, "re");
	int count = 0;

	if (!f)
		return -errno;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = '\0';
	fclose(f);
	if (set)
		CPU_ZERO(set);
	while (*p >= '0' && *p <= '9') {
		long lo = strtol(p, &end, 10), hi = lo;

		if (*end == '-')
			hi = strtol(end + 1, &end, 10);
		for (long i = lo; i <= hi && i < CPU_SETSIZE; i++, count++)
			if (set)
				CPU_SET((int)i, set);
		p = *end == ',' ? end + 1 : end;
	}
	return count;
}

int kbm_numa_memory_nodes(void)
{
	int n = read_list(NODE_DIR "/has_memory", NULL);

	return n > 0 ? n : 1;
}

int kbm_numa_node_of_cpu(int cpu)
{
	char path[64];
	struct dirent *de;
	int node = -1;
	DIR *d;

	snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%d", cpu);
	d = opendir(path);
	if (!d)
		return -1;
	while (node < 0 && (de = readdir(d)))
		node = entry_number(de->d_name, "node");
	closedir(d);
	return node;
}

int kbm_numa_node_cpus(int node, cpu_set_t *set)
{
	char path[64];
	int n;

	if (node < 0)
		return -ENOENT;
	snprintf(path, sizeof(path), NODE_DIR "/node%d/cpulist", node);
	n = read_list(path, set);
	return n < 0 ? n : 0;
}

long kbm_move_pages(pid_t pid, unsigned long count, void **pages, const int *nodes,
		    int *status, int flags)
{
	return syscall(SYS_move_pages, pid, count, pages, nodes, status, flags);
}
