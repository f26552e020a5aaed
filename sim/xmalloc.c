/* SPDX-License-Identifier: MIT */
/*
 * xmalloc.c - allocation outside the search: out of memory ends the program
 * with a message and exit 4 (no verdict), never an abort.  The search itself
 * never gets here: its allocations stop it with a partial report (explore.c).
 */
#include "sim/xmalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void wb_oom(size_t n)
{
	fprintf(stderr, "wbsim: error: out of memory (allocating %zu bytes); no verdict\n", n);
	exit(4);
}

void *wb_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		wb_oom(n);
	return p;
}

void *wb_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		wb_oom(n * size);
	return p;
}

void *wb_xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		wb_oom(n);
	return q;
}

char *wb_xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = wb_xmalloc(n);
	memcpy(p, s, n);
	return p;
}
