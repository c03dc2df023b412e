/* SPDX-License-Identifier: GPL-2.0 */
/* Another process's VMAs, from /proc/PID/smaps. */
#ifndef KBM_PIDMAPS_H
#define KBM_PIDMAPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct pid_vma {
	uint64_t start, end;
	uint64_t anon_huge_kb, file_pmd_kb;
	char perms[8];
	char path[256];		/* "" for anonymous, "[heap]", "/dev/kbufmap" */
	char vmflags[128];
	bool pfnmap;		/* VM_PFNMAP ("pf"): a hole to pagemap */
};

/* All VMAs of @pid (malloc'd, free()). 0 or -errno (-ESRCH). */
int pid_vmas(pid_t pid, struct pid_vma **out, size_t *n);

#endif /* KBM_PIDMAPS_H */
