// SPDX-License-Identifier: GPL-2.0
#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* vmsplice, process_vm_readv, O_DIRECT */
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "clock.h"
#include "kbm_dev.h"
#include "kbufmap_matrix.h"
#include "mapping.h"
#include "pagemap.h"

/* ---- set-up and mmap ---------------------------------------------------- */

/* Write the pattern over the whole buffer, 64 KiB at a time. */
int kbm_fill_fd(int fd, uint64_t size, const uint8_t *pat, size_t plen)
{
	size_t chunk = 65536 / plen * plen;
	uint8_t *buf = malloc(chunk);
	int err = 0;

	if (!buf)
		return -ENOMEM;
	for (size_t i = 0; i < chunk; i++)
		buf[i] = pat[i % plen];
	for (uint64_t off = 0; off < size && !err; off += chunk) {
		size_t n = size - off < chunk ? (size_t)(size - off) : chunk;

		err = kbm_pwrite_all(fd, buf, n, off);
	}
	free(buf);
	return err;
}

int kbm_map_setup(const struct kbm_map_req *req, struct kbm_mapping *m,
		  enum kbm_map_stage *stage)
{
	int err;

	memset(m, 0, sizeof(*m));
	m->ps = (size_t)sysconf(_SC_PAGESIZE);
	*stage = KBM_STAGE_OPEN;
	/* CONFIGURE needs O_RDWR: --rdonly reopens the buffer read-only after. */
	m->fd = kbm_dev_open(req->device, O_RDWR, NULL);
	if (m->fd < 0)
		return m->fd;
	*stage = KBM_STAGE_CONFIGURE;
	err = kbm_configure_cfg(m->fd, &req->config);
	if (!err)
		err = kbm_get_info(m->fd, &m->info);
	if (!err && req->fill) {
		*stage = KBM_STAGE_FILL;
		err = kbm_fill_fd(m->fd, req->config.nr_pages * m->ps, req->fill,
				  req->fill_len);
	}
	if (!err && req->rdonly) {
		int ro = kbm_reopen_rdonly(m->fd);

		close(m->fd);
		m->fd = ro;
		err = ro < 0 ? ro : 0;
	}
	if (err) {
		if (m->fd >= 0)
			close(m->fd);
		m->fd = -1;
	}
	return err;
}

int kbm_map_mmap(const struct kbm_map_req *req, struct kbm_mapping *m)
{
	int prot = PROT_READ | (req->writable ? PROT_WRITE : 0);
	int flags = (req->private_map ? MAP_PRIVATE : MAP_SHARED) |
		    (req->populate ? MAP_POPULATE : 0);
	uint64_t t0 = now_ns();
	void *p;

	m->len = (size_t)req->length * m->ps;
	p = mmap(NULL, m->len, prot, flags, m->fd, m->base + (off_t)(req->offset * m->ps));
	m->mmap_ns = now_ns() - t0;
	if (p == MAP_FAILED)
		return -errno;
	m->addr = p;
	return 0;
}

void kbm_map_release(struct kbm_mapping *m)
{
	if (m->addr)
		munmap(m->addr, m->len);
	m->addr = NULL;
	if (m->fd >= 0 && !m->borrowed_fd)
		close(m->fd);
	m->fd = -1;
}

unsigned int kbm_map_kind(const struct kbm_map_req *req)
{
	if (!req->private_map)
		return KBUFMAP_MAP_SHARED;
	return req->writable ? KBUFMAP_MAP_PRIVATE_RW : KBUFMAP_MAP_PRIVATE_RO;
}

/* ---- touching, with SIGBUS/SIGSEGV caught -------------------------------- */

struct guarded_job {
	uint8_t *addr;
	const void *src;
	size_t len, ps, stride;
	unsigned int how;		/* KBM_TOUCH_* */
	volatile size_t done;		/* pages touched so far */
};

static void touch_job(void *arg)
{
	struct guarded_job *j = arg;
	bool write = j->how & KBM_TOUCH_WRITES;

	for (size_t off = 0; off < j->len; off += j->stride * j->ps) {
		if (j->how & KBM_TOUCH_WORDS) {
			volatile uint32_t *w = (volatile uint32_t *)(j->addr + off);

			if (write)
				*w = *w + 1;
			else
				(void)*w;
		} else {
			volatile uint8_t *b = j->addr + off;

			if (write)
				*b = (uint8_t)(*b + 1);
			else
				(void)*b;
		}
		j->done++;
	}
}

static void copy_job(void *arg)
{
	struct guarded_job *j = arg;

	memcpy(j->addr, j->src, j->len);
}

int kbm_touch(uint8_t *addr, size_t len, size_t ps, size_t stride,
	      unsigned int how, size_t *touched, struct kbm_fault *f)
{
	struct guarded_job j = {
		.addr = addr, .len = len, .ps = ps, .stride = stride ? stride : 1,
		.how = how,
	};
	int sig = kbm_guard(touch_job, &j, f);

	*touched = j.done;
	return sig;
}

int kbm_guarded_copy(void *dst, const void *src, size_t len,
		     struct kbm_fault *f)
{
	struct guarded_job j = { .addr = dst, .src = src, .len = len };

	return kbm_guard(copy_job, &j, f);
}

/* ---- residency: pagemap and move_pages --------------------------------- */

static void count_nodes(const uint8_t *addr, size_t npages, size_t ps,
			const uint64_t *pm, struct kbm_residency *r)
{
	void **pages = calloc(npages, sizeof(*pages));
	int *status = calloc(npages, sizeof(*status));
	size_t n = 0;

	if (pages && status) {
		for (size_t i = 0; i < npages; i++)
			if (pm_present(pm[i]))
				pages[n++] = (void *)(addr + i * ps);
		/* nodes == NULL: only report where each page is. */
		if (n && syscall(SYS_move_pages, 0, n, pages, NULL, status, 0) == 0) {
			for (size_t i = 0; i < n; i++) {
				if (status[i] >= 0 && status[i] < 8)
					r->nodes[status[i]]++;
				else
					r->other_node++;
			}
		} else {
			r->other_node = n;
		}
	}
	free(pages);
	free(status);
}

int kbm_residency(const uint8_t *addr, size_t npages, size_t ps,
		  struct kbm_residency *r)
{
	uint64_t *pm = calloc(npages ? npages : 1, sizeof(*pm));
	uint64_t prev = 0;
	int err;

	memset(r, 0, sizeof(*r));
	r->pages = npages;
	if (!pm)
		return -ENOMEM;
	err = pagemap_read(addr, npages, pm);
	for (size_t i = 0; !err && i < npages; i++) {
		if (!pm_present(pm[i])) {
			prev = 0;
			continue;
		}
		r->present++;
		if (pm_pfn(pm[i]))
			r->pfns_visible = true;
		if (!prev || pm_pfn(pm[i]) != prev + 1)
			r->pfn_runs++;
		prev = pm_pfn(pm[i]);
	}
	if (!err)
		count_nodes(addr, npages, ps, pm, r);
	free(pm);
	return err;
}

int kbm_kernel_pfn_runs(int fd, uint64_t first, uint64_t count, size_t *runs)
{
	uint64_t *pfns = calloc(count ? count : 1, sizeof(*pfns));
	int err;

	*runs = 0;
	if (!pfns)
		return -ENOMEM;
	err = kbm_get_pfns(fd, first, count, pfns);
	for (uint64_t i = 0; !err && i < count; i++)
		if (i == 0 || pfns[i] != pfns[i - 1] + 1)
			(*runs)++;
	free(pfns);
	return err;
}

/* ---- pinnability: the GUP users ---------------------------------------- */

static void pin_vmsplice(uint8_t *addr, size_t ps, struct kbm_pin_result *r)
{
	struct iovec iov = { .iov_base = addr, .iov_len = ps };
	int p[2];

	r->method = "vmsplice";
	if (pipe2(p, O_NONBLOCK | O_CLOEXEC)) {
		r->err = errno;
		snprintf(r->note, sizeof(r->note), "not tried: pipe2: %s", strerror(errno));
		return;
	}
	r->tried = true;
	/* Without SPLICE_F_GIFT the pages are taken by GUP into the pipe. */
	r->err = vmsplice(p[1], &iov, 1, SPLICE_F_NONBLOCK) < 0 ? errno : 0;
	snprintf(r->note, sizeof(r->note), "one page into a pipe");
	close(p[0]);
	close(p[1]);
}

static void pin_process_vm_readv(uint8_t *addr, size_t ps,
				 struct kbm_pin_result *r)
{
	void *buf = malloc(ps);
	struct iovec local = { .iov_base = buf, .iov_len = ps };
	struct iovec remote = { .iov_base = addr, .iov_len = ps };

	r->method = "process_vm_readv";
	if (!buf) {
		r->err = ENOMEM;
		snprintf(r->note, sizeof(r->note), "not tried: out of memory");
		return;
	}
	r->tried = true;
	/* Pins the "remote" pages (our own) with pin_user_pages_remote(). */
	r->err = process_vm_readv(getpid(), &local, 1, &remote, 1, 0) < 0 ? errno : 0;
	snprintf(r->note, sizeof(r->note), "one page from this process's own mapping");
	free(buf);
}

/*
 * File systems whose O_DIRECT pins the user pages (iomap or blockdev DIO).
 * tmpfs accepts O_DIRECT since 6.6 but copies through the page cache, and
 * overlayfs passes it to its upper layer, often tmpfs: neither proves a pin.
 */
static const char *pinning_fs_name(long type)
{
	switch ((unsigned long)type) {
	case 0xEF53: return "ext4";
	case 0x58465342: return "xfs";
	case 0x9123683E: return "btrfs";
	case 0xF2F52010: return "f2fs";
	}
	return NULL;
}

static bool write_zeroes(int fd, size_t ps)
{
	void *zero = calloc(1, ps);
	bool ok = zero && pwrite(fd, zero, ps, 0) == (ssize_t)ps;

	free(zero);
	return ok;
}

/*
 * A scratch file in @dir on a file system whose O_DIRECT really pins.
 * Returns an O_DIRECT fd (already unlinked) holding one page: a copy of
 * the mapping's first page, so reading it back changes nothing; or -errno.
 * @why says which file system was used, or why none.
 */
static int direct_file(const char *dir, const uint8_t *addr, size_t ps,
		       char *why, size_t whylen)
{
	char path[4096];
	struct statfs sfs = { 0 };
	int fd, dfd;

	snprintf(path, sizeof(path), "%s/kbufmap-odirect-XXXXXX", dir);
	fd = mkstemp(path);
	if (fd < 0) {
		dfd = -errno;
		snprintf(why, whylen, "%s: %s", dir, strerror(-dfd));
		return dfd;
	}
	if (fstatfs(fd, &sfs) != 0 || !pinning_fs_name((long)sfs.f_type)) {
		snprintf(why, whylen, "%s: file system 0x%lx, whose O_DIRECT may copy "
			 "instead of pinning (ext4, xfs, btrfs or f2fs wanted)",
			 dir, (unsigned long)sfs.f_type);
		dfd = -EOPNOTSUPP;
	} else {
		/*
		 * copy_from_user(), no pin. Where the mapping cannot be read,
		 * zeroes: never a hole, whose O_DIRECT read zeroes the user
		 * range by copying, so it would "succeed" without a pin.
		 */
		if (write(fd, addr, ps) != (ssize_t)ps && !write_zeroes(fd, ps)) {
			dfd = -errno;
			snprintf(why, whylen, "%s: %s", dir, strerror(-dfd));
		} else {
			fsync(fd);
			dfd = open(path, O_RDWR | O_DIRECT | O_CLOEXEC);
			if (dfd < 0)
				dfd = -errno;
			snprintf(why, whylen, "%s, %s", dir, pinning_fs_name((long)sfs.f_type));
			if (dfd < 0)
				snprintf(why, whylen, "%s: O_DIRECT refused: %s",
					 dir, strerror(-dfd));
		}
	}
	unlink(path);
	close(fd);
	return dfd;
}

static int short_errno(ssize_t n, size_t want)
{
	return n == (ssize_t)want ? 0 : n < 0 ? errno : EFAULT;
}

static void pin_o_direct(uint8_t *addr, size_t ps, bool writable,
			 const char *const *dirs, struct kbm_pin_result *r)
{
	char why[512] = "no directory given";
	int dfd = -1;

	r->method = "o_direct";
	for (; dirs && *dirs && dfd < 0; dirs++)
		dfd = direct_file(*dirs, addr, ps, why, sizeof(why));
	if (dfd < 0) {
		snprintf(r->note, sizeof(r->note), "not tried: no file system that does O_DIRECT (%.180s)",
			 why);
		return;
	}
	r->tried = true;
	/* A short transfer moved no page: count it as the fault it hides. */
	if (writable) {
		r->err = short_errno(pread(dfd, addr, ps, 0), ps);
		snprintf(r->note, sizeof(r->note), "O_DIRECT read of one page into the mapping, file in %.150s",
			 why);
	} else {
		r->err = short_errno(pwrite(dfd, addr, ps, 0), ps);
		snprintf(r->note, sizeof(r->note),
			 "O_DIRECT write of one page from the read-only mapping, file in %.150s", why);
	}
	close(dfd);
}

void kbm_pin_probe(uint8_t *addr, size_t ps, bool writable,
		   const char *const *dirs, struct kbm_pin_result out[KBM_PIN_COUNT])
{
	memset(out, 0, sizeof(out[0]) * KBM_PIN_COUNT);
	pin_vmsplice(addr, ps, &out[KBM_PIN_VMSPLICE]);
	pin_process_vm_readv(addr, ps, &out[KBM_PIN_PROCESS_VM_READV]);
	pin_o_direct(addr, ps, writable, dirs, &out[KBM_PIN_O_DIRECT]);
}
