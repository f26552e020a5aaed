/* SPDX-License-Identifier: MIT */
/*
 * xmalloc.c - allocation outside the search: out of memory ends the program
 * with a message and exit 4 (no verdict), never an abort.  The search itself
 * never gets here: its allocations stop it with a partial report (explore.c).
 */
#include "sim/xmalloc.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void wb_oom(size_t n)
{
	if (n)
		fprintf(stderr, "wbsim: error: out of memory (allocating %zu bytes); no verdict\n", n);
	else
		fprintf(stderr, "wbsim: error: out of memory; no verdict\n");
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

void *wb_xgrow(void *p, size_t n, size_t size)
{
	if (n && (n < 4 || (n & (n - 1))))
		return p; /* room left below the power of two */
	size_t cap = n ? 2 * n : 4;
	if (cap > (size_t)-1 / size)
		wb_oom((size_t)-1);
	return wb_xrealloc(p, cap * size);
}

char *wb_xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = wb_xmalloc(n);
	memcpy(p, s, n);
	return p;
}

FILE *wb_xopen_memstream(char **buf, size_t *len)
{
	FILE *f = open_memstream(buf, len);

	if (!f)
		wb_oom(0);
	return f;
}

void wb_xclose_memstream(FILE *f)
{
	/* a write the stream could not grow for sets its error flag */
	bool failed = ferror(f) != 0;

	if (fclose(f) || failed)
		wb_oom(0);
}
