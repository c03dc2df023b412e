// SPDX-License-Identifier: GPL-2.0
/*
 * `verify --target`, part three: MAP_PRIVATE on another driver's buffer.
 * Refusing it (EINVAL) is a legitimate choice and a finding; accepting it
 * must give correct copy-on-write. For a device whose buffer is what the
 * device shows or does (a framebuffer, a UIO BAR), accepting it at all
 * means writes through it are lost: that is the driver's FAIL.
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "checks.h"
#include "kbm_dev.h"
#include "mapping.h"
#include "pagemap.h"
#include "names.h"
#include "procfs.h"
#include "target.h"

/* mmap(MAP_PRIVATE, rw): the mapping, or NULL with *st its PASS/FAIL. */
static uint8_t *map_private(struct vctx *c, enum kbm_status *st)
{
	uint8_t *a = tmap(c, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	int err = errno;

	if (a != MAP_FAILED)
		return a;
	if (err == EINVAL)
		*st = vpass(c, "MAP_PRIVATE refused with EINVAL: a finding, not a fault: %s "
			    "offers only shared mappings, so no write can go astray in a "
			    "private copy", c->who);
	else
		*st = vfail(c, "MAP_PRIVATE mmap failed with %s (%s), not EINVAL: %s should "
			    "refuse a mapping it cannot copy on write with EINVAL",
			    errno_name(err), strerror(err), c->who);
	return NULL;
}

/* Did pattern @salt reach the kernel-side view? 1 yes, 0 no, -errno. */
static int view_has(struct vctx *c, uint8_t *a, uint32_t salt)
{
	uint8_t *buf = vzalloc(c, c->size);
	int err;

	if (!buf)
		return -ENOMEM;
	if (c->tgt->view == KBM_VIEW_FD)
		err = kbm_pread_all(c->tgt->view_fd, buf, c->size, c->tgt->view_offset);
	else
		return -ENOTSUP;	/* /proc/self/mem at @a would read the private copy */
	(void)a;
	if (err)
		return err;
	return pat_find_mismatch(buf, c->size, 0, salt) < 0;
}

/* Private writes of 0x72 over shared data 0x71: FAIL if they leaked, else PASS. */
static enum kbm_status cow_leaks(struct vctx *c, uint8_t *a, uint8_t *s)
{
	int seen;

	pat_fill(a, c->size, 0, 0x72);
	if (pat_find_mismatch(a, c->size, 0, 0x72) >= 0)
		return vfail(c, "writes through the MAP_PRIVATE mapping of %s do not read back", c->who);
	kbm_target_sync(c->tgt, true, false);
	seen = pat_find_mismatch(s, c->size, 0, 0x71) >= 0;
	kbm_target_sync(c->tgt, false, false);
	if (seen)
		return vfail(c, "writes through a MAP_PRIVATE mapping of %s show through a "
			     "MAP_SHARED one: the driver maps its buffer writable in a private "
			     "VMA instead of letting the write fault copy it", c->who);
	seen = view_has(c, a, 0x72);
	if (seen == 1)
		return vfail(c, "writes through a MAP_PRIVATE mapping of %s reached the kernel-side "
			     "view (%s)", c->who, kbm_target_view_name(c->tgt));
	return vpass(c, "MAP_PRIVATE accepted, and copy-on-write is correct: private writes "
		     "reach neither a MAP_SHARED mapping nor %s",
		     seen == 0 ? "the kernel-side view" : "(no kernel-side view to read)");
}

enum kbm_status tcheck_private_cow(struct vctx *c)
{
	enum kbm_status st;
	uint8_t *a, *s;
	void *addr;
	int code;

	a = map_private(c, &st);
	if (!a)
		return st;
	if (c->registers) {
		if (vtry_touch(c, a, c->ps, true, &addr, &code))
			return vfail(c, "the first write to a MAP_PRIVATE mapping of %s got a signal "
				     "(%s)", c->who, kbm_sigcode_name(SIGBUS, code));
		return vpass(c, "MAP_PRIVATE accepted; a write makes a private copy (device "
			     "registers: not compared with the device)");
	}
	s = tmap(c, PROT_READ | PROT_WRITE, MAP_SHARED);
	if (s == MAP_FAILED)
		return vfail(c, "mmap MAP_SHARED: %s", strerror(errno));
	kbm_target_sync(c->tgt, true, true);
	pat_fill(s, c->size, 0, 0x71);
	kbm_target_sync(c->tgt, false, true);
	if (pat_find_mismatch(a, c->size, 0, 0x71) >= 0)
		return vfail(c, "a MAP_PRIVATE mapping of %s does not show the buffer's data "
			     "before any private write", c->who);
	return cow_leaks(c, a, s);
}

enum kbm_status tcheck_private_writes_lost(struct vctx *c)
{
	enum kbm_status st;
	struct vma_info vi;
	uint8_t *a;
	void *addr;
	int code, seen = -ENOTSUP;
	enum kbm_target_kind k = c->tgt->spec.kind;

	if (k != KBM_TARGET_FB && k != KBM_TARGET_UIO)
		return vskip(c, "a memory buffer, not a device's screen or registers: a private "
			     "copy-on-write mapping is ordinary file semantics (private-cow checks it)");
	a = map_private(c, &st);
	if (!a)
		return st;
	if (c->registers)
		vtry_touch(c, a, c->ps, true, &addr, &code);
	else {
		pat_fill(a, c->size, 0, 0x82);
		seen = view_has(c, a, 0x82);
	}
	if (smaps_find(a, &vi))
		vi.anon_kb = 0;
	if (seen == 1)
		return vpass(c, "MAP_PRIVATE accepted, but the writes reached the device (see private-cow)");
	return vfail(c, "%s accepts MAP_PRIVATE, and writes through such a mapping are lost: "
		     "they land in %lu kB of the process's own anonymous copies and never reach "
		     "the %s%s", c->who, vi.anon_kb, k == KBM_TARGET_FB ? "screen" : "device",
		     seen == 0 ? " (read() of the device does not show them)" : "");
}
