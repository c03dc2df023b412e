// SPDX-License-Identifier: GPL-2.0
#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* asprintf, strerrorname_np; CMake defines it too */
#endif
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "procfs.h"

static void smaps_field(const char *line, const char *name, unsigned long *v)
{
	size_t n = strlen(name);

	if (strncmp(line, name, n) == 0 && line[n] == ':')
		*v = strtoul(line + n + 1, NULL, 10);
}

/* "start-end perms offset dev inode path": a VMA's first line. */
static bool smaps_header(const char *line, unsigned long *s, unsigned long *e)
{
	return line[strspn(line, "0123456789abcdef")] == '-' &&
	       sscanf(line, "%lx-%lx ", s, e) == 2;
}

/* "VmFlags: rd wr sh mr", without the leading and trailing blanks. */
static void smaps_vmflags(const char *line, struct vma_info *vi)
{
	const char *p = line + strlen("VmFlags:");

	while (*p == ' ')
		p++;
	snprintf(vi->vmflags, sizeof(vi->vmflags), "%s", p);
	vi->vmflags[strcspn(vi->vmflags, "\n")] = '\0';
	for (size_t n = strlen(vi->vmflags); n && vi->vmflags[n - 1] == ' '; n--)
		vi->vmflags[n - 1] = '\0';
}

int smaps_parse(FILE *f, const void *addr, struct vma_info *vi)
{
	uintptr_t a = (uintptr_t)addr;
	char *line = NULL;
	size_t cap = 0;
	bool in = false, found = false;

	memset(vi, 0, sizeof(*vi));
	while (getline(&line, &cap, f) > 0) {
		unsigned long s, e;

		if (smaps_header(line, &s, &e)) {
			if (found)
				break;
			in = a >= s && a < e;
			if (in) {
				found = true;
				vi->start = s;
				vi->end = e;
			}
			continue;
		}
		if (!in)
			continue;
		smaps_field(line, "Size", &vi->size_kb);
		smaps_field(line, "Rss", &vi->rss_kb);
		smaps_field(line, "Anonymous", &vi->anon_kb);
		smaps_field(line, "AnonHugePages", &vi->anon_huge_kb);
		smaps_field(line, "FilePmdMapped", &vi->file_pmd_kb);
		if (strncmp(line, "VmFlags:", 8) == 0)
			smaps_vmflags(line, vi);
	}
	free(line);
	return found ? 0 : -ENOENT;
}

int smaps_find(const void *addr, struct vma_info *vi)
{
	FILE *f = fopen("/proc/self/smaps", "re");
	int ret;

	if (!f)
		return -errno;
	ret = smaps_parse(f, addr, vi);
	fclose(f);
	return ret;
}

bool vma_has_flag(const struct vma_info *vi, const char *flag)
{
	const char *p = vi->vmflags;
	size_t n = strlen(flag);

	while ((p = strstr(p, flag)) != NULL) {
		if ((p == vi->vmflags || p[-1] == ' ') &&
		    (p[n] == ' ' || p[n] == '\0'))
			return true;
		p += n;
	}
	return false;
}

const char *kernel_release(void)
{
	static struct utsname u;
	static bool done;

	if (!done) {
		if (uname(&u) != 0)
			snprintf(u.release, sizeof(u.release), "unknown");
		done = true;
	}
	return u.release;
}

int kernel_version(int *major, int *minor)
{
	return sscanf(kernel_release(), "%d.%d", major, minor) == 2 ? 0 : -1;
}

const char *thp_enabled(char *buf, size_t len)
{
	char line[128];
	char *l, *r;
	FILE *f;

	f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "re");
	if (!f)
		return NULL;
	if (!fgets(line, sizeof(line), f)) {
		fclose(f);
		return NULL;
	}
	fclose(f);
	l = strchr(line, '[');
	r = l ? strchr(l, ']') : NULL;
	if (!l || !r)
		return NULL;
	*r = '\0';
	snprintf(buf, len, "%s", l + 1);
	return buf;
}
