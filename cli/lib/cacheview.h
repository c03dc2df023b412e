/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Which cache attribute a mapping really got, from every place that says:
 * the page table (KBUFMAP_IOC_PGATTR, root only), x86 PAT's list of
 * non-RAM reservations (/sys/kernel/debug/x86/pat_memtype_list), the line
 * PAT logs when it overrides a request for RAM (/dev/kmsg), and the memtype
 * of RAM pages (/proc/kpageflags, kpf_memtype()). Every function returns
 * 0, a count or -errno and prints nothing; the parsers are pure.
 */
#ifndef KBM_CACHEVIEW_H
#define KBM_CACHEVIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "uapi/kbufmap.h"

/* ---- the page table (KBUFMAP_IOC_PGATTR) --------------------------------- */

/*
 * Merge neighbouring runs that agree in everything (a query cut by
 * max_runs splits a run in two); returns the new count.
 */
size_t kbm_pgattr_merge(struct kbufmap_pgattr_run *runs, size_t n);

/*
 * The runs of [@addr, @addr + @npages pages) of this process, asked in as
 * many calls as it takes, merged; *@runs is malloc()ed (free() it).
 * @fd: any open /dev/kbufmap. Returns the run count or -errno (-EPERM:
 * not CAP_SYS_ADMIN; -ENOTTY or -EINVAL: a module without PGATTR).
 */
int kbm_pgattr_range(int fd, uint64_t addr, uint64_t npages,
		     struct kbufmap_pgattr_run **runs);

/* What a set of runs amounts to, for the verdict. */
struct kbm_attr_summary {
	uint64_t present;		/* pages with a present entry */
	unsigned int pte_attr;		/* enum kbufmap_mem_attr; NONE: none present */
	bool pte_mixed;			/* present entries disagree */
	unsigned int kernel_attr;	/* of the RAM runs; NONE: no RAM */
	bool kernel_mixed;
	bool ram, special, pmd;		/* any run RAM / special / a PMD leaf */
};
void kbm_attr_summarize(const struct kbufmap_pgattr_run *runs, size_t n,
			struct kbm_attr_summary *s);

/* ---- x86 PAT's memtype list (non-RAM reservations) ------------------------ */

#define KBM_PAT_MEMTYPE_LIST	"/sys/kernel/debug/x86/pat_memtype_list"

struct kbm_pat_entry {
	uint64_t start, end;		/* [start, end) physical */
	unsigned int attr;		/* enum kbufmap_mem_attr */
};

/* "write-combining" (PAT's cattr_name()) -> KBUFMAP_ATTR_WC; -1 unknown. */
int kbm_pat_attr_from_name(const char *name, size_t len);

/*
 * One line of the list: "PAT: [mem 0x...-0x...] write-back" (5.5 and
 * later) or "write-back @ 0x...-0x..." (before). 0, or -EINVAL for the
 * header and anything else.
 */
int kbm_pat_entry_parse(const char *line, struct kbm_pat_entry *e);

/* The entries of @f overlapping [@start, @end), at most @max; a count. */
int kbm_pat_list_scan(FILE *f, uint64_t start, uint64_t end,
		      struct kbm_pat_entry *out, size_t max);

/*
 * The same from the running kernel's list. -ENODEV: debugfs is not
 * mounted on /sys/kernel/debug; -ENOENT: mounted, but no list (PAT
 * disabled, or not x86); -EACCES: root only.
 */
int kbm_pat_list_find(uint64_t start, uint64_t end,
		      struct kbm_pat_entry *out, size_t max);

/* ---- the PAT log line (/dev/kmsg) ---------------------------------------- */

/*
 * "x86/PAT: <comm>:<pid> map pfn RAM range req <type> for [mem A-B], got
 * <type>" (RAM: the request overridden) or "... map pfn expected mapping
 * type <type> for [mem A-B], got <type>" (non-RAM).
 */
struct kbm_pat_log {
	char comm[64];
	int pid;
	bool ram;
	unsigned int req, got;		/* enum kbufmap_mem_attr */
	uint64_t start, end;		/* [start, end] as printed (inclusive) */
	char line[320];			/* the message as the kernel printed it */
};

/* A kernel message (the text after /dev/kmsg's "prio,seq,ts,flags;"). */
int kbm_pat_log_parse(const char *msg, struct kbm_pat_log *out);

/*
 * /dev/kmsg opened non-blocking at its end: take it just before the
 * mmap() whose log line is wanted. The fd, or -errno (-EPERM: dmesg is
 * restricted to CAP_SYSLOG).
 */
int kbm_kmsg_open(void);
/*
 * The records since kbm_kmsg_open() (or the last call): the first PAT
 * line of process @pid into *@out. 1 found, 0 none, -errno.
 */
int kbm_kmsg_find_pat(int fd, int pid, struct kbm_pat_log *out);
/* One /dev/kmsg record ("prio,seq,ts,flags;message\n KEY=..."): process @pid's PAT line? */
bool kbm_kmsg_record_pat(const char *rec, int pid, struct kbm_pat_log *out);

/* ---- RAM pages' memtype (/proc/kpageflags) ------------------------------- */

/*
 * The memtype PAT recorded for frames @pfns[0..@n) (kpf_memtype()): the
 * pages' common one into *@attr, *@mixed when they differ. 0 or -errno
 * (-EACCES/-EPERM: kpageflags is root's; -ENOENT: a PFN past its end;
 * -ENODATA on an architecture other than x86, which records none).
 */
int kbm_kpf_memtype_of(const uint64_t *pfns, size_t n, unsigned int *attr,
		       bool *mixed);

/* ---- the verdict ---------------------------------------------------------- */

/* What was asked and what the kernel said, for kbm_cache_verdict(). */
struct kbm_cache_facts {
	int asked;			/* enum kbufmap_cache; -1: another driver's */
	bool set_memory;		/* KBUFMAP_CONFIG_SET_MEMORY */
	bool dma;			/* a DMA-API backend */
	bool dma_wc;			/* backend dma-wc: dma_mmap_wc() */
	bool dma_coherent;		/* GET_INFO's KBUFMAP_INFO_DMA_COHERENT */
	const struct kbm_attr_summary *pte;	/* NULL: the page table unknown */
	const struct kbm_pat_log *log;	/* NULL: no PAT line for this mapping */
};

/* Does PTE attribute @attr give what cache mode @cache asks for? */
bool kbm_cache_matches(unsigned int cache, unsigned int attr);

/*
 * One line that says what happened: "asked WC, got WB: PAT override
 * (x86/PAT: ...)", "PTE WC while the kernel maps it WB: memory-type
 * alias", ... into @buf. Returns @buf; *@alias (may be NULL) says whether
 * it is the alias.
 */
const char *kbm_cache_verdict(const struct kbm_cache_facts *f, bool *alias,
			      char *buf, size_t len);

#endif /* KBM_CACHEVIEW_H */
