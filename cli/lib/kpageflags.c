// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/kpageflags names and decoding, in the shape of the kernel's
 * tools/mm/page-types.c so that the two can be compared line by line.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kpageflags.h"
#include "uapi/kbufmap.h"
#include "procfs.h"

/* Bits every kernel since 4.x names alike (page-types' page_flag_names[]). */
static const char *const common_names[KPF_NR_BITS] = {
	[0] = "L:locked",		[1] = "E:error",
	[2] = "R:referenced",		[3] = "U:uptodate",
	[4] = "D:dirty",		[5] = "l:lru",
	[6] = "A:active",		[7] = "S:slab",
	[8] = "W:writeback",		[9] = "I:reclaim",
	[10] = "B:buddy",		[11] = "M:mmap",
	[12] = "a:anonymous",		[13] = "s:swapcache",
	[14] = "b:swapbacked",		[15] = "H:compound_head",
	[16] = "T:compound_tail",	[17] = "G:huge",
	[18] = "u:unevictable",		[19] = "X:hwpoison",
	[20] = "n:nopage",		[21] = "x:ksm",
	[22] = "t:thp",			[23] = "o:offline",
	[24] = "z:zero_page",		[25] = "i:idle_page",
	[26] = "g:pgtable",
	[32] = "r:reserved",		[33] = "m:mlocked",
	[35] = "P:private",		[36] = "p:private_2",
	[37] = "O:owner_private",	[38] = "h:arch",
	[40] = "f:softdirty",		[41] = "H:arch_2",
	[47] = "d:anon_exclusive",	[48] = "I:readahead",
	[50] = "A:slub_frozen",		[51] = "E:slub_debug",
	[61] = "F:file",		[62] = "w:swap",
	[63] = "1:mmap_exclusive",
};

/* Where the kernels differ: 6.1's names, then 6.12's (NULL: unnamed). */
static const struct {
	unsigned int bit;
	const char *before, *since;
} drift[] = {
	{ KPFB_OWNER_2, "d:mappedtodisk", "d:owner_2" },
	{ 39, "c:uncached", NULL },		/* PG_uncached gone from the table */
	{ KPFB_SLOB_FREE, "P:slob_free", NULL },	/* SLOB removed */
};

static const char *names[KPF_NR_BITS];
static bool names_ready;

void kpf_set_kernel(int major, int minor)
{
	bool old;

	if (major == 0 && kernel_version(&major, &minor) != 0)
		major = 6, minor = 12;	/* unknown: the newer names */
	/* The rename to PG_owner_2 is in 6.10; Debian ships 6.1 and 6.12. */
	old = major < 6 || (major == 6 && minor < 10);
	memcpy(names, common_names, sizeof(names));
	for (size_t i = 0; i < sizeof(drift) / sizeof(drift[0]); i++)
		names[drift[i].bit] = old ? drift[i].before : drift[i].since;
	names_ready = true;
}

const char *kpf_bit_entry(unsigned int bit)
{
	if (!names_ready)
		kpf_set_kernel(0, 0);
	return bit < KPF_NR_BITS ? names[bit] : NULL;
}

#define B(n) (1ULL << (n))

/* page-types' expand_overloaded_flags(): the -r view. */
static uint64_t expand_overloaded(uint64_t f, uint64_t pme)
{
	if ((f & B(KPFB_ANON)) && (f & B(KPFB_OWNER_2)))
		f ^= B(KPFB_OWNER_2) | B(KPFB_ANON_EXCLUSIVE);
	if (f & B(KPFB_SLAB)) {
		if (f & B(KPFB_PRIVATE))
			f ^= B(KPFB_PRIVATE) | B(KPFB_SLOB_FREE);
		if (f & B(KPFB_ACTIVE))
			f ^= B(KPFB_ACTIVE) | B(KPFB_SLUB_FROZEN);
		if (f & B(KPFB_ERROR))
			f ^= B(KPFB_ERROR) | B(KPFB_SLUB_DEBUG);
	}
	if ((f & (B(KPFB_RECLAIM) | B(KPFB_WRITEBACK))) == B(KPFB_RECLAIM))
		f ^= B(KPFB_RECLAIM) | B(KPFB_READAHEAD);
	if (pme & B(55))
		f |= B(KPFB_SOFTDIRTY);
	if (pme & B(61))
		f |= B(KPFB_FILE);
	if (pme & B(62))
		f |= B(KPFB_SWAP);
	if (pme & B(56))
		f |= B(KPFB_MMAP_EXCLUSIVE);
	return f;
}

uint64_t kpf_page_flags(uint64_t kpf, uint64_t pme, bool raw)
{
	const uint64_t compound = B(KPFB_COMPOUND_HEAD) | B(KPFB_COMPOUND_TAIL);

	if (raw)
		return expand_overloaded(kpf, pme);
	kpf &= ~KPF_HACKERS_BITS;
	if ((kpf & compound) && !(kpf & B(KPFB_HUGE)))
		kpf &= ~compound;
	return kpf;
}

const char *kpf_symbolic(uint64_t flags, char *buf, size_t len)
{
	size_t j = 0;

	for (unsigned int i = 0; i < KPF_NR_BITS && j + 1 < len; i++) {
		const char *e = kpf_bit_entry(i);

		if (e)
			buf[j++] = (flags & B(i)) ? e[0] : '_';
	}
	buf[j] = '\0';
	return buf;
}

const char *kpf_longname(uint64_t flags, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	for (unsigned int i = 0; i < KPF_NR_BITS && n < len; i++) {
		const char *e = kpf_bit_entry(i);

		if (!(flags & B(i)))
			continue;
		if (e)
			n += (size_t)snprintf(buf + n, len - n, "%s%s",
					      n ? "," : "", e + 2);
		else	/* a bit this table does not know: never hide it */
			n += (size_t)snprintf(buf + n, len - n, "%sbit%u",
					      n ? "," : "", i);
	}
	return buf;
}

/* One name (a prefix allowed), "compound", or a number: 0, or -EINVAL. */
static int parse_name(const char *s, size_t len, uint64_t *out)
{
	char tmp[64], *end;

	if (!len || len >= sizeof(tmp))
		return -EINVAL;
	if (len <= 8 && !strncmp(s, "compound", len)) {
		*out = B(KPFB_COMPOUND_HEAD) | B(KPFB_COMPOUND_TAIL);
		return 0;
	}
	for (unsigned int i = 0; i < KPF_NR_BITS; i++) {
		const char *e = kpf_bit_entry(i);

		if (e && !strncmp(s, e + 2, len)) {
			*out = B(i);
			return 0;
		}
	}
	memcpy(tmp, s, len);
	tmp[len] = '\0';
	if (tmp[0] < '0' || tmp[0] > '9')
		return -EINVAL;
	*out = strtoull(tmp, &end, 0);
	return *end ? -EINVAL : 0;
}

const char *kpf_filter_name(unsigned int i)
{
	for (unsigned int bit = 0; bit < KPF_NR_BITS; bit++) {
		const char *e = kpf_bit_entry(bit);

		if (e && i-- == 0)
			return e + 2;
	}
	return i == 0 ? "compound" : NULL;	/* parse_name()'s head|tail */
}

/*
 * The names of @s up to '=' or its end; @negated: include "~name" ones
 * (they are in the mask, not in the bits).
 */
static int parse_names(const char *s, bool negated, uint64_t *out,
		       struct kbm_err *e)
{
	*out = 0;
	for (;;) {
		size_t len = strcspn(s, ",=");
		bool neg = s[0] == '~';
		uint64_t bits;

		if (neg && negated) {
			s++;
			len--;
		}
		if (!neg || negated) {
			if (parse_name(s, len, &bits))
				return kbm_err_set(e, KBM_ERR_INPUT, EINVAL,
						   "--bits: unknown flag '%.*s': "
						   "use page-types names such as anonymous, "
						   "lru, thp, compound, or a number", (int)len, s);
			*out |= bits;
		}
		if (s[len] != ',')
			return 0;
		s += len + 1;
	}
}

int kpf_parse_filter(const char *spec, struct kpf_filter *f, struct kbm_err *e)
{
	const char *eq = strchr(spec, '=');
	int err;

	if (!*spec)
		return kbm_err_set(e, KBM_ERR_INPUT, EINVAL, "--bits: empty flag list");
	if (eq == spec) {			/* =a,b: exact */
		f->mask = KPF_ALL_BITS;
		return parse_names(eq + 1, false, &f->bits, e);
	}
	if (eq) {				/* a,b=a: masked */
		err = parse_names(spec, false, &f->mask, e);
		if (err)
			return err;
		return parse_names(eq + 1, false, &f->bits, e);
	}
	if (strchr(spec, '~')) {		/* a,~b: masked */
		err = parse_names(spec, true, &f->mask, e);
		if (err)
			return err;
		return parse_names(spec, false, &f->bits, e);
	}
	f->bits = KPF_ALL_BITS;			/* a,b: any of */
	return parse_names(spec, false, &f->mask, e);
}

bool kpf_filter_ok(const struct kpf_filter *f, size_t n, uint64_t flags)
{
	for (size_t i = 0; i < n; i++) {
		if (f[i].bits == KPF_ALL_BITS) {
			if (!(flags & f[i].mask))
				return false;
		} else if ((flags & f[i].mask) != f[i].bits) {
			return false;
		}
	}
	return true;
}

/* ---- the PAT memtype of RAM pages ---------------------------------------- */

#define KPFB_ARCH		38	/* PG_arch_1: x86 PAT's WC bit */
#define KPFB_UNCACHED		39	/* PG_uncached: the UC- bit before 6.12 */
#define KPFB_ARCH_2		41	/* PG_arch_2: the UC- bit since 6.12 */

static unsigned int memtype_uc_bit;	/* 0: not decided yet */

/* The config option the running kernel was built with, from /boot. */
static unsigned int uc_bit_from_config(void)
{
	char path[320], line[256];
	unsigned int bit = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/boot/config-%s", kernel_release());
	f = fopen(path, "re");
	if (!f)
		return 0;
	while (!bit && fgets(line, sizeof(line), f)) {
		if (!strcmp(line, "CONFIG_ARCH_USES_PG_ARCH_2=y\n"))
			bit = KPFB_ARCH_2;
		else if (!strcmp(line, "CONFIG_ARCH_USES_PG_UNCACHED=y\n"))
			bit = KPFB_UNCACHED;
	}
	fclose(f);
	return bit;
}

void kpf_set_memtype_kernel(int major, int minor)
{
	if (major == 0) {
		/*
		 * Probe first: the option that exports the bit is what counts
		 * (a distribution may backport the removal); the version only
		 * when /boot has no config (the guests' 7.2 root, say).
		 */
		memtype_uc_bit = uc_bit_from_config();
		if (memtype_uc_bit)
			return;
		if (kernel_version(&major, &minor) != 0)
			major = 6, minor = 12;
	}
	memtype_uc_bit = major > 6 || (major == 6 && minor >= 12) ?
			 KPFB_ARCH_2 : KPFB_UNCACHED;
}

unsigned int kpf_memtype_uc_bit(void)
{
	if (!memtype_uc_bit)
		kpf_set_memtype_kernel(0, 0);
	return memtype_uc_bit;
}

unsigned int kpf_memtype(uint64_t kpf)
{
#ifdef __x86_64__
	bool wc = kpf & B(KPFB_ARCH), uc = kpf & B(kpf_memtype_uc_bit());

	/* arch/x86/mm/pat/memtype.c: _PGMT_WB 0, _PGMT_WC, _PGMT_UC_MINUS, _PGMT_WT both */
	if (wc && uc)
		return KBUFMAP_ATTR_WT;
	return wc ? KBUFMAP_ATTR_WC : uc ? KBUFMAP_ATTR_UC_MINUS : KBUFMAP_ATTR_WB;
#else
	/*
	 * Only x86's PAT keeps a memtype per page; elsewhere these bits are
	 * other flags (arm64: PG_arch_1 is "D-cache clean", PG_arch_2 MTE's
	 * tags), so there is no memtype to report.
	 */
	(void)kpf;
	return KBUFMAP_ATTR_NONE;
#endif
}
