/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Capture what a function writes to stdout (the output layer and the report
 * renderer write there): fd 1 goes to a temporary file while @fn runs,
 * then comes back, and the text is returned (malloc'd, NUL-terminated).
 */
#ifndef KBM_TEST_CAPTURE_H
#define KBM_TEST_CAPTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static char *capture_stdout(void (*fn)(void *), void *arg)
{
	FILE *tmp = tmpfile();
	int saved;
	long len;
	char *buf;

	fflush(stdout);
	saved = dup(STDOUT_FILENO);
	if (!tmp || saved < 0 || dup2(fileno(tmp), STDOUT_FILENO) < 0)
		abort();	/* the test cannot run at all */
	fn(arg);
	fflush(stdout);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	len = lseek(fileno(tmp), 0, SEEK_END);
	buf = malloc(len > 0 ? (size_t)len + 1 : 1);
	if (!buf || len < 0)
		abort();
	if (len > 0 && pread(fileno(tmp), buf, (size_t)len, 0) != len)
		abort();
	buf[len > 0 ? len : 0] = '\0';
	fclose(tmp);
	return buf;
}

#endif /* KBM_TEST_CAPTURE_H */
