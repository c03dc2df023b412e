// SPDX-License-Identifier: GPL-2.0
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pidmaps.h"

/* "start-end perms offset dev inode   path" */
static bool parse_header(const char *line, struct pid_vma *v)
{
	unsigned long long s, e;
	int path_at = 0;

	if (sscanf(line, "%llx-%llx %7s %*s %*s %*s %n", &s, &e, v->perms,
		   &path_at) < 3 || !path_at)
		return false;
	v->start = s;
	v->end = e;
	snprintf(v->path, sizeof(v->path), "%s", line + path_at);
	v->path[strcspn(v->path, "\n")] = '\0';
	return true;
}

static void parse_field(const char *line, struct pid_vma *v)
{
	unsigned long long kb;

	if (sscanf(line, "AnonHugePages: %llu kB", &kb) == 1)
		v->anon_huge_kb = kb;
	else if (sscanf(line, "FilePmdMapped: %llu kB", &kb) == 1)
		v->file_pmd_kb = kb;
	else if (!strncmp(line, "VmFlags:", 8)) {
		snprintf(v->vmflags, sizeof(v->vmflags), "%s", line + 9);
		v->vmflags[strcspn(v->vmflags, "\n")] = '\0';
		v->pfnmap = strstr(line, " pf") != NULL;
	}
}

int pid_vmas(pid_t pid, struct pid_vma **out, size_t *n)
{
	struct pid_vma *v = NULL, cur;
	size_t nv = 0, cap = 0, lcap = 0;
	char path[64], *line = NULL;
	bool have = false;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/smaps", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return errno == ENOENT ? -ESRCH : -errno;
	for (;;) {
		bool eof = getline(&line, &lcap, f) <= 0;
		struct pid_vma next = { 0 };

		if (!eof && !parse_header(line, &next)) {
			if (have)
				parse_field(line, &cur);
			continue;
		}
		if (have) {
			if (nv == cap) {
				struct pid_vma *t = realloc(v, (cap = cap ? 2 * cap : 64) * sizeof(*v));

				if (!t) {
					free(v);
					free(line);
					fclose(f);
					return -ENOMEM;
				}
				v = t;
			}
			v[nv++] = cur;
		}
		if (eof)
			break;
		cur = next;
		have = true;
	}
	free(line);
	fclose(f);
	*out = v;
	*n = nv;
	return 0;
}
