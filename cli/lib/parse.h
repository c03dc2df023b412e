/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Careful number parsing: strtoull with an end pointer, no sign, no
 * leading blanks, no trailing junk, range-checked; the message says what
 * was wrong and what is allowed.
 */
#ifndef KBM_PARSE_H
#define KBM_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

/*
 * Parse @arg (decimal, or hex with 0x) as an unsigned number in
 * [@min, @max]. On success returns 0 and sets *@out. On error returns
 * -EINVAL or -ERANGE, and @e (may be NULL) gets a usage error naming @what
 * (e.g. "--pages"): "--pages: '0' is out of range: allowed 1..262144".
 */
int parse_u64(const char *what, const char *arg, uint64_t min, uint64_t max,
	      uint64_t *out, struct kbm_err *e);

/*
 * A size: bytes as N, NK/NKiB, NM/NMiB, NG/NGiB (powers of 1024), or pages
 * of @ps bytes as Np / Npages. The result in bytes is in [@min, @max].
 * Returns 0, or -EINVAL/-ERANGE with @e naming @what and the forms allowed.
 */
int parse_size(const char *what, const char *arg, uint64_t ps, uint64_t min,
	       uint64_t max, uint64_t *bytes, struct kbm_err *e);

/*
 * A comma list of names into @set[0..@count-1]: "all", "none", or names
 * @lookup knows (it returns the index, or -1). Returns 0, or -EINVAL with
 * a message naming @what and the names @allowed in @msg (bufopt.c's
 * buffer; a struct kbm_err when bufopt.c next changes). Cuts @arg up.
 */
int parse_name_set(const char *what, char *arg, bool *set, size_t count,
		   int (*lookup)(const char *), const char *allowed,
		   char *msg, size_t msglen);

#endif /* KBM_PARSE_H */
