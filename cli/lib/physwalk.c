// SPDX-License-Identifier: GPL-2.0
/*
 * Batched reads of pagemap, kpageflags, kpagecount and nodes. page-types
 * reads kpageflags once per page when walking a process; here a batch of
 * pagemap entries is read in one pread, its frames are sorted and read in
 * spans of nearby PFNs, and nodes come in one move_pages() per batch.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/capability.h>

#include "kbm_numa.h"
#include "pagemap.h"
#include "physwalk.h"

#define SPAN_MAX	4096	/* frames per kpageflags pread */
/*
 * Frames worth reading over instead of starting a new read: each costs the
 * kernel as much as a frame we want (a 1 GiB touched range read with a gap
 * of 32 made the kernel describe 2.4 times as many frames as pages).
 */
#define SPAN_GAP	4

static bool have_sys_admin(void)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2] = { 0 };

	if (syscall(SYS_capget, &hdr, data) != 0)
		return false;
	return data[CAP_SYS_ADMIN / 32].effective & (1u << (CAP_SYS_ADMIN % 32));
}

/* /sys/devices/system/node/nodeN/memoryM: the node of memory block M. */
static void load_block_nodes(struct phys_src *s)
{
	char path[96];
	unsigned long long bytes = 0;
	FILE *f = fopen("/sys/devices/system/memory/block_size_bytes", "r");

	if (!f)
		return;
	if (fscanf(f, "%llx", &bytes) != 1 || bytes < s->ps) {
		fclose(f);
		return;
	}
	fclose(f);
	s->block_pages = bytes / s->ps;
	for (int n = 0; n < PHYS_MAX_NODES; n++) {
		struct dirent *d;
		DIR *dir;

		snprintf(path, sizeof(path), "/sys/devices/system/node/node%d", n);
		dir = opendir(path);
		if (!dir)
			continue;
		while ((d = readdir(dir))) {
			unsigned long id;
			char *end;

			if (strncmp(d->d_name, "memory", 6) ||
			    d->d_name[6] < '0' || d->d_name[6] > '9')
				continue;
			id = strtoul(d->d_name + 6, &end, 10);
			if (*end || id > (1UL << 24))
				continue;
			if (id >= s->nr_blocks) {
				size_t nb = id + 1024;
				signed char *p = realloc(s->block_node, nb);

				if (!p)
					break;
				memset(p + s->nr_blocks, PHYS_NO_NODE, nb - s->nr_blocks);
				s->block_node = p;
				s->nr_blocks = nb;
			}
			s->block_node[id] = (signed char)n;
		}
		closedir(dir);
	}
}

int phys_src_open(struct phys_src *s, pid_t pid)
{
	char path[64];

	*s = (struct phys_src){ .pid = pid, .pagemap_fd = -1, .kpf_fd = -1,
				.kpc_fd = -1, .want_mapcount = true,
				.ps = (size_t)sysconf(_SC_PAGESIZE) };
	if (pid) {
		snprintf(path, sizeof(path), "/proc/%d/pagemap", (int)pid);
		s->pagemap_fd = open(path, O_RDONLY | O_CLOEXEC);
		if (s->pagemap_fd < 0)
			return errno == ENOENT ? -ESRCH : -errno;
	}
	s->pfns_hidden = !have_sys_admin();
	s->kpf_fd = open("/proc/kpageflags", O_RDONLY | O_CLOEXEC);
	if (s->kpf_fd < 0)
		s->kpf_errno = errno;
	else
		s->kpc_fd = open("/proc/kpagecount", O_RDONLY | O_CLOEXEC);
	if (s->kpc_fd < 0 && s->kpf_fd >= 0) {
		s->kpf_errno = errno;
		close(s->kpf_fd);
		s->kpf_fd = -1;
	}
	s->nr_nodes = kbm_numa_max_node() + 1;
	if (s->nr_nodes > 1)	/* one node: every frame is on node 0 */
		load_block_nodes(s);
	return 0;
}

void phys_src_close(struct phys_src *s)
{
	if (s->pagemap_fd >= 0)
		close(s->pagemap_fd);
	if (s->kpf_fd >= 0)
		close(s->kpf_fd);
	if (s->kpc_fd >= 0)
		close(s->kpc_fd);
	free(s->block_node);
	s->block_node = NULL;
	s->pagemap_fd = s->kpf_fd = s->kpc_fd = -1;
}

int phys_pfn_node(const struct phys_src *s, uint64_t pfn)
{
	uint64_t b;

	if (s->nr_nodes == 1)
		return 0;
	if (!s->block_pages)
		return PHYS_NO_NODE;
	b = pfn / s->block_pages;
	return b < s->nr_blocks ? s->block_node[b] : PHYS_NO_NODE;
}

/* pread all of it; returns bytes read (short at EOF) or -errno. */
static ssize_t pread_full(int fd, void *buf, size_t len, off_t off)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = pread(fd, (char *)buf + got, len - got, off + (off_t)got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

struct pfn_ref {
	uint64_t pfn;
	uint32_t idx;
};

#define RADIX_BITS	11

/*
 * Sort @r by PFN (stable LSD radix sort through @tmp: qsort's indirect
 * compares were a tenth of a walk). Already sorted input (THP, fresh
 * contiguous memory) costs one pass.
 */
static void sort_refs(struct pfn_ref *r, struct pfn_ref *tmp, size_t n)
{
	uint64_t max = 0;
	bool sorted = true;

	for (size_t i = 0; i < n; i++) {
		if (i && r[i].pfn < r[i - 1].pfn)
			sorted = false;
		if (r[i].pfn > max)
			max = r[i].pfn;
	}
	for (unsigned int shift = 0; !sorted && (max >> shift); shift += RADIX_BITS) {
		size_t count[1 << RADIX_BITS] = { 0 }, sum = 0;

		for (size_t i = 0; i < n; i++)
			count[(r[i].pfn >> shift) & ((1 << RADIX_BITS) - 1)]++;
		for (size_t d = 0; d < (1 << RADIX_BITS); d++) {
			size_t c = count[d];

			count[d] = sum;
			sum += c;
		}
		for (size_t i = 0; i < n; i++)
			tmp[count[(r[i].pfn >> shift) & ((1 << RADIX_BITS) - 1)]++] = r[i];
		memcpy(r, tmp, n * sizeof(*r));
	}
}

struct batch {
	struct phys_page page[PHYS_BATCH];
	struct pfn_ref ref[PHYS_BATCH], ref_tmp[PHYS_BATCH];
	uint64_t pme[PHYS_BATCH];
	uint64_t kpf[SPAN_MAX], kpc[SPAN_MAX];
	void *addr[PHYS_BATCH];
	int status[PHYS_BATCH];
};

/* Read kpageflags (and kpagecount) of refs [i, j), all within SPAN_MAX. */
static int read_span(struct phys_src *s, struct batch *b, size_t i, size_t j)
{
	uint64_t lo = b->ref[i].pfn, n = b->ref[j - 1].pfn - lo + 1;
	ssize_t got = pread_full(s->kpf_fd, b->kpf, n * 8, (off_t)(lo * 8));
	ssize_t got2 = 0;

	if (got < 0)
		return (int)got;
	if (s->want_mapcount)
		got2 = pread_full(s->kpc_fd, b->kpc, (size_t)got, (off_t)(lo * 8));
	if (got2 < 0)
		return (int)got2;
	for (size_t k = i; k < j; k++) {
		struct phys_page *p = &b->page[b->ref[k].idx];
		uint64_t off = b->ref[k].pfn - lo;

		if ((off + 1) * 8 > (uint64_t)got) {
			p->beyond_ram = true;	/* past max_pfn: no struct page */
			continue;
		}
		p->kpf = b->kpf[off];
		p->mapcount = (off + 1) * 8 <= (uint64_t)got2 ? b->kpc[off] : 0;
		p->have_kpf = true;
	}
	return 0;
}

/* Flags and counts of the present frames of the batch, in sorted spans. */
static int read_flags(struct phys_src *s, struct batch *b, size_t n)
{
	size_t nref = 0;

	for (size_t i = 0; i < n; i++) {
		uint64_t e = b->page[i].pme;

		if (pm_present(e) && pm_pfn(e))
			b->ref[nref++] = (struct pfn_ref){ pm_pfn(e), (uint32_t)i };
	}
	if (s->kpf_fd < 0 || !nref)
		return 0;

	sort_refs(b->ref, b->ref_tmp, nref);
	for (size_t i = 0; i < nref;) {
		size_t j = i + 1;
		int err;

		while (j < nref && b->ref[j].pfn - b->ref[j - 1].pfn <= SPAN_GAP &&
		       b->ref[j].pfn - b->ref[i].pfn < SPAN_MAX)
			j++;
		err = read_span(s, b, i, j);
		if (err)
			return err;
		i = j;
	}
	return 0;
}

/* The process's view of the nodes: one move_pages() query per batch. */
static void read_nodes(struct phys_src *s, struct batch *b, size_t n)
{
	size_t m = 0;

	for (size_t i = 0; i < n; i++) {
		b->page[i].node = PHYS_NO_NODE;
		if (pm_present(b->page[i].pme))
			b->addr[m++] = (void *)(uintptr_t)b->page[i].vaddr;
	}
	if (!m)
		return;
	if (s->nr_nodes == 1) {	/* one node: nothing to ask */
		for (size_t i = 0; i < n; i++)
			if (pm_present(b->page[i].pme))
				b->page[i].node = 0;
		return;
	}
	if (kbm_move_pages(s->pid, (unsigned long)m, b->addr, NULL, b->status, 0) < 0)
		return;
	m = 0;
	for (size_t i = 0; i < n; i++)
		if (pm_present(b->page[i].pme)) {
			int st = b->status[m++];

			b->page[i].node = st >= 0 ? st : PHYS_NO_NODE;
		}
}

int phys_walk_vrange(struct phys_src *s, uint64_t start, uint64_t npages,
		     phys_batch_fn fn, void *arg)
{
	struct batch *b = malloc(sizeof(*b));
	int err = 0;

	if (!b)
		return -ENOMEM;
	for (uint64_t done = 0; done < npages && !err;) {
		size_t n = npages - done < PHYS_BATCH ? (size_t)(npages - done) : PHYS_BATCH;
		uint64_t va = start + done * s->ps;
		ssize_t got = pread_full(s->pagemap_fd, b->pme, n * 8,
					 (off_t)(va / s->ps * 8));

		if (got < 0 || (size_t)got != n * 8) {
			err = got < 0 ? (int)got : -EFAULT;
			break;
		}
		for (size_t i = 0; i < n; i++)
			b->page[i] = (struct phys_page){ .vaddr = va + i * s->ps,
							 .pme = b->pme[i] };
		err = read_flags(s, b, n);
		if (!err) {
			read_nodes(s, b, n);
			err = fn(b->page, n, arg);
		}
		done += n;
	}
	free(b);
	return err;
}

/* A batch of frames: flags and counts in spans, nodes from sysfs. */
static int walk_frames(struct phys_src *s, struct batch *b, size_t n,
		       phys_batch_fn fn, void *arg)
{
	int err = read_flags(s, b, n);

	if (err)
		return err;
	for (size_t i = 0; i < n; i++)
		b->page[i].node = b->page[i].beyond_ram ? PHYS_NO_NODE :
			phys_pfn_node(s, pm_pfn(b->page[i].pme));
	return fn(b->page, n, arg);
}

int phys_walk_pfn_range(struct phys_src *s, uint64_t pfn, uint64_t count,
			phys_batch_fn fn, void *arg)
{
	struct batch *b = malloc(sizeof(*b));
	int err = 0;

	if (!b)
		return -ENOMEM;
	for (uint64_t done = 0; done < count && !err;) {
		size_t n = count - done < PHYS_BATCH ? (size_t)(count - done) : PHYS_BATCH;

		for (size_t i = 0; i < n; i++)
			b->page[i] = (struct phys_page){
				.pme = PM_PRESENT | (pfn + done + i) };
		err = walk_frames(s, b, n, fn, arg);
		done += n;
	}
	free(b);
	return err;
}

int phys_walk_pfn_list(struct phys_src *s, const uint64_t *pfns, size_t count,
		       uint64_t vaddr, phys_batch_fn fn, void *arg)
{
	struct batch *b = malloc(sizeof(*b));
	int err = 0;

	if (!b)
		return -ENOMEM;
	for (size_t done = 0; done < count && !err;) {
		size_t n = count - done < PHYS_BATCH ? count - done : PHYS_BATCH;

		for (size_t i = 0; i < n; i++)
			b->page[i] = (struct phys_page){
				.vaddr = vaddr + (done + i) * s->ps,
				.pme = PM_PRESENT | (pfns[done + i] & PM_PFN_MASK) };
		err = walk_frames(s, b, n, fn, arg);
		done += n;
	}
	free(b);
	return err;
}
