// SPDX-License-Identifier: GPL-2.0
#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* getline; CMake defines it too */
#endif
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "procfs.h"

/* ---- smaps -------------------------------------------------------------- */

/* "start-end perms offset dev inode   path": a VMA's first line. */
static bool smaps_is_header(const char *line)
{
	size_t n;

	/* Most lines are fields ("Rss:"): decided on the first character. */
	if (!(line[0] >= '0' && line[0] <= '9') && !(line[0] >= 'a' && line[0] <= 'f'))
		return false;
	n = strspn(line, "0123456789abcdef");

	return n && line[n] == '-';
}

/* The next blank-separated word of *@p: its length, *@p moved past it. */
static size_t next_word(const char **p, const char **word)
{
	size_t n;

	*p += strspn(*p, " ");
	*word = *p;
	n = strcspn(*p, " \n");
	*p += n;
	return n;
}

/* @len bytes of @s into @dst of @size, cut to fit. */
static void copy_cut(char *dst, size_t size, const char *s, size_t len)
{
	len = len < size ? len : size - 1;
	memcpy(dst, s, len);
	dst[len] = '\0';
}

/* Parsed by hand: sscanf() was most of a one-page `phys`'s own work. */
static void smaps_header(const char *line, struct vma_info *vi)
{
	const char *p, *w;
	char *end;
	size_t n;

	vi->start = strtoul(line, &end, 16);
	vi->end = *end == '-' ? strtoul(end + 1, &end, 16) : 0;
	p = end;
	n = next_word(&p, &w);
	copy_cut(vi->perms, sizeof(vi->perms), w, n);
	for (int i = 0; i < 3; i++)	/* offset, device, inode */
		next_word(&p, &w);
	p += strspn(p, " ");
	copy_cut(vi->path, sizeof(vi->path), p, strcspn(p, "\n"));
	copy_cut(vi->maps_line, sizeof(vi->maps_line), line, strcspn(line, "\n"));
}

/* "VmFlags: rd wr sh mr", without the leading and trailing blanks. */
static void smaps_vmflags(const char *line, struct vma_info *vi)
{
	const char *p = line + strlen("VmFlags:");
	size_t n;

	p += strspn(p, " ");
	snprintf(vi->vmflags, sizeof(vi->vmflags), "%s", p);
	n = strcspn(vi->vmflags, "\n");
	while (n && vi->vmflags[n - 1] == ' ')
		n--;
	vi->vmflags[n] = '\0';
}

static void smaps_field(const char *line, struct vma_info *vi)
{
	static const struct { const char *name; size_t off; } fields[] = {
		{ "Size:", offsetof(struct vma_info, size_kb) },
		{ "Rss:", offsetof(struct vma_info, rss_kb) },
		{ "Pss:", offsetof(struct vma_info, pss_kb) },
		{ "Referenced:", offsetof(struct vma_info, referenced_kb) },
		{ "Locked:", offsetof(struct vma_info, locked_kb) },
		{ "Anonymous:", offsetof(struct vma_info, anon_kb) },
		{ "AnonHugePages:", offsetof(struct vma_info, anon_huge_kb) },
		{ "FilePmdMapped:", offsetof(struct vma_info, file_pmd_kb) },
		{ "ShmemPmdMapped:", offsetof(struct vma_info, shmem_pmd_kb) },
	};

	if (!strncmp(line, "VmFlags:", 8)) {
		smaps_vmflags(line, vi);
		return;
	}
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		size_t n;

		/* Cheap first: phys reads every VMA's 25-odd lines. */
		if (line[0] != fields[i].name[0])
			continue;
		n = strlen(fields[i].name);
		if (!strncmp(line, fields[i].name, n)) {
			*(unsigned long *)((char *)vi + fields[i].off) =
				strtoul(line + n, NULL, 10);
			return;
		}
	}
}

void smaps_from(struct smaps_iter *it, FILE *f)
{
	*it = (struct smaps_iter){ .f = f };
}

#define SMAPS_BUF_SIZE	(64 << 10)

int smaps_open(struct smaps_iter *it, pid_t pid)
{
	char path[64];
	FILE *f;

	if (pid)
		snprintf(path, sizeof(path), "/proc/%d/smaps", (int)pid);
	else
		snprintf(path, sizeof(path), "/proc/self/smaps");
	f = fopen(path, "re");
	if (!f)
		return errno == ENOENT ? -ESRCH : -errno;
	smaps_from(it, f);
	it->own_file = true;
	/* stdio gives procfs files 1 KiB: a system call per VMA, or more. */
	it->buf = malloc(SMAPS_BUF_SIZE);
	if (it->buf)
		setvbuf(f, it->buf, _IOFBF, SMAPS_BUF_SIZE);
	return 0;
}

int smaps_next(struct smaps_iter *it, struct vma_info *vi)
{
	memset(vi, 0, sizeof(*vi));
	while (!it->pending) {
		if (getline(&it->line, &it->cap, it->f) <= 0)
			return 0;
		it->pending = smaps_is_header(it->line);
	}
	smaps_header(it->line, vi);
	it->pending = false;
	while (getline(&it->line, &it->cap, it->f) > 0) {
		if (smaps_is_header(it->line)) {
			it->pending = true;
			break;
		}
		smaps_field(it->line, vi);
	}
	return 1;
}

void smaps_close(struct smaps_iter *it)
{
	free(it->line);
	if (it->own_file && it->f)
		fclose(it->f);
	free(it->buf);
	*it = (struct smaps_iter){ 0 };
}

/* The VMA of @it that contains @addr; 0 or -ENOENT, @vi zeroed then. */
static int smaps_seek(struct smaps_iter *it, const void *addr, struct vma_info *vi)
{
	uintptr_t a = (uintptr_t)addr;

	while (smaps_next(it, vi) > 0)
		if (a >= vi->start && a < vi->end)
			return 0;
	memset(vi, 0, sizeof(*vi));
	return -ENOENT;
}

int smaps_parse(FILE *f, const void *addr, struct vma_info *vi)
{
	struct smaps_iter it;
	int ret;

	smaps_from(&it, f);
	ret = smaps_seek(&it, addr, vi);
	smaps_close(&it);
	return ret;
}

int smaps_find(const void *addr, struct vma_info *vi)
{
	struct smaps_iter it;
	int ret = smaps_open(&it, 0);

	if (ret) {
		memset(vi, 0, sizeof(*vi));
		return ret;
	}
	ret = smaps_seek(&it, addr, vi);
	smaps_close(&it);
	return ret;
}

int pid_vmas(pid_t pid, struct vma_info **out, size_t *n)
{
	struct vma_info *v = NULL, cur;
	struct smaps_iter it;
	size_t nv = 0, cap = 0;
	int err = smaps_open(&it, pid);

	if (err)
		return err;
	while (!err && smaps_next(&it, &cur) > 0) {
		if (nv == cap) {
			struct vma_info *t = realloc(v, (cap = cap ? 2 * cap : 64) * sizeof(*v));

			if (!t) {
				err = -ENOMEM;
				break;
			}
			v = t;
		}
		v[nv++] = cur;
	}
	smaps_close(&it);
	if (err) {
		free(v);
		return err;
	}
	*out = v;
	*n = nv;
	return 0;
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

/* ---- sysfs -------------------------------------------------------------- */

int read_first_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");
	int err = 0;
	size_t n;

	buf[0] = '\0';
	if (!f)
		return -errno;
	if (!fgets(buf, (int)len, f)) {
		buf[0] = '\0';
		err = -EIO;
	}
	fclose(f);
	n = strlen(buf);
	while (n && isspace((unsigned char)buf[n - 1]))
		buf[--n] = '\0';
	return err;
}

const char *sysfs_choice(const char *path, char *buf, size_t len)
{
	char line[256];
	char *l, *r;

	if (read_first_line(path, line, sizeof(line)))
		return NULL;
	l = strchr(line, '[');
	r = l ? strchr(l, ']') : NULL;
	if (!l || !r)
		return NULL;
	*r = '\0';
	snprintf(buf, len, "%s", l + 1);
	return buf;
}

const char *thp_enabled(char *buf, size_t len)
{
	return sysfs_choice("/sys/kernel/mm/transparent_hugepage/enabled", buf, len);
}

size_t pmd_size_from(const char *path, size_t page_size)
{
	unsigned long long v;
	char line[32], end;

	if (path && !read_first_line(path, line, sizeof(line)) &&
	    sscanf(line, "%llu%c", &v, &end) == 1 && v >= page_size && !(v & (v - 1)))
		return (size_t)v;
	return page_size * (page_size / 8);
}

size_t pmd_size(void)
{
	static size_t cached;

	if (!cached)
		cached = pmd_size_from("/sys/kernel/mm/transparent_hugepage/hpage_pmd_size",
				       (size_t)sysconf(_SC_PAGESIZE));
	return cached;
}

/* ---- the kernel ----------------------------------------------------------- */

static const struct utsname *uts(void)
{
	static struct utsname u;
	static bool done;

	if (!done) {
		if (uname(&u) != 0) {
			snprintf(u.release, sizeof(u.release), "unknown");
			snprintf(u.machine, sizeof(u.machine), "unknown");
		}
		done = true;
	}
	return &u;
}

const char *kernel_release(void)
{
	return uts()->release;
}

const char *kernel_machine(void)
{
	return uts()->machine;
}

int kernel_version(int *major, int *minor)
{
	return sscanf(kernel_release(), "%d.%d", major, minor) == 2 ? 0 : -1;
}
