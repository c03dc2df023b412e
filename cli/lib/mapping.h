/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Map a kbufmap buffer the way a driver's user would, touch it with every
 * fault caught, and look at what the kernel made of it: smaps, pagemap,
 * pinnability. Shared by `map` and `bench`. Every function returns 0 or a
 * negative errno and prints nothing.
 */
#ifndef KBM_MAPPING_H
#define KBM_MAPPING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "guard.h"
#include "uapi/kbufmap.h"

/* What to configure and how to map it. */
struct kbm_map_req {
	const char *device;
	/*
	 * CONFIGURE as it stands (kbm_bufopt_config() fills it): every
	 * buffer option reaches the module with no field copied here.
	 * nr_pages is the buffer's size also for another driver's buffer.
	 */
	struct kbufmap_config config;
	bool rdonly;			/* open O_RDONLY */
	bool private_map;		/* MAP_PRIVATE (else MAP_SHARED) */
	bool writable;			/* PROT_READ|PROT_WRITE (else PROT_READ) */
	bool populate;			/* MAP_POPULATE */
	uint64_t offset, length;	/* in pages, within the buffer */
	const uint8_t *fill;		/* pattern written with write(), or NULL */
	size_t fill_len;
};

/* A configured buffer and, once mmap() succeeded, its mapping. */
struct kbm_mapping {
	int fd;
	size_t ps;			/* page size */
	uint8_t *addr;			/* NULL until mapped */
	size_t len;			/* bytes mapped */
	uint64_t mmap_ns;
	off_t base;			/* added to the mmap offset (a target's) */
	bool borrowed_fd;		/* fd belongs to a target: not closed here */
	struct kbufmap_info info;	/* GET_INFO after CONFIGURE */
};

/* Where kbm_map_setup() failed, for the message. */
enum kbm_map_stage { KBM_STAGE_OPEN, KBM_STAGE_CONFIGURE, KBM_STAGE_FILL };

/*
 * Open the device, configure the buffer and write the fill pattern over
 * all of it. On failure *@stage says which step; m->fd is closed.
 */
int kbm_map_setup(const struct kbm_map_req *req, struct kbm_mapping *m,
		  enum kbm_map_stage *stage);
/* mmap() as @req says; -errno when the kernel refuses. */
int kbm_map_mmap(const struct kbm_map_req *req, struct kbm_mapping *m);
/* Write @pat over [0, @size) of @fd with pwrite(); 0 or -errno. */
int kbm_fill_fd(int fd, uint64_t size, const uint8_t *pat, size_t plen);
/* munmap() and close; safe to call twice. */
void kbm_map_release(struct kbm_mapping *m);

/* The kernel's MAP_* kind of @req (enum kbufmap_map_kind). */
unsigned int kbm_map_kind(const struct kbm_map_req *req);

/* kbm_touch()'s @how: */
#define KBM_TOUCH_WRITES	(1u << 0)	/* write, not only read */
/*
 * A register block (uio, a device node): aligned 32-bit accesses, which
 * devices accept where a byte access may be refused (QEMU's edu device
 * answers one with an external abort on arm64).
 */
#define KBM_TOUCH_WORDS		(1u << 1)

/*
 * Touch every @stride-th page of [@addr, @addr + @len), reading or writing
 * its first byte (or word) as @how says, with SIGBUS/SIGSEGV caught.
 * *@touched: the pages touched before a fault. Returns the signal (0:
 * none), @f filled.
 */
int kbm_touch(uint8_t *addr, size_t len, size_t ps, size_t stride,
	      unsigned int how, size_t *touched, struct kbm_fault *f);
/* memcpy() from a mapping, faults caught the same way. */
int kbm_guarded_copy(void *dst, const void *src, size_t len,
		     struct kbm_fault *f);

/* What pagemap (and move_pages) see of a mapping. */
struct kbm_residency {
	size_t pages, present;
	size_t pfn_runs;		/* physically contiguous runs of present pages */
	bool pfns_visible;		/* PFNs not zeroed (CAP_SYS_ADMIN) */
	int nodes[8];			/* present pages per node 0..7 */
	size_t other_node;		/* on nodes >= 8, or unknown */
};
int kbm_residency(const uint8_t *addr, size_t npages, size_t ps,
		  struct kbm_residency *r);
/* Runs in the kernel's PFN list of pages [first, first + count). */
int kbm_kernel_pfn_runs(int fd, uint64_t first, uint64_t count, size_t *runs);

/* One pinnability probe: a GUP user tried on the mapping. */
struct kbm_pin_result {
	const char *method;		/* "vmsplice", "process_vm_readv", "o_direct" */
	bool tried;
	int err;			/* 0 = pinned fine, else positive errno */
	char note[256];			/* why not tried, or what was done */
};
enum { KBM_PIN_VMSPLICE, KBM_PIN_PROCESS_VM_READV, KBM_PIN_O_DIRECT, KBM_PIN_COUNT };

/*
 * Try each GUP user on the first page of the mapping. @writable: the
 * O_DIRECT probe reads into the mapping (else writes from it). @dirs: a
 * NULL-terminated list of directories to put its scratch file in.
 */
void kbm_pin_probe(uint8_t *addr, size_t ps, bool writable,
		   const char *const *dirs, struct kbm_pin_result out[KBM_PIN_COUNT]);

#endif /* KBM_MAPPING_H */
