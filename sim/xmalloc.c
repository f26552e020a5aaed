/* SPDX-License-Identifier: MIT */
/* xmalloc.c - allocation that aborts with a message on out-of-memory. */
#include "sim/xmalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void wb_oom(size_t n)
{
	fprintf(stderr, "wbsim: out of memory allocating %zu bytes\n", n);
	abort();
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
