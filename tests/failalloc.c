/* SPDX-License-Identifier: MIT */
/*
 * failalloc.c - an LD_PRELOAD library that makes allocations fail, for
 * tests/oom.sh (issue 18, D5: every allocation failure outside the search
 * ends the command cleanly).
 *
 * WBSIM_FAIL_ALLOC=N: the Nth call of malloc, calloc or realloc (counted from
 * the library's load, so after the dynamic loader's own) and every later one
 * return NULL with errno ENOMEM, as when memory is exhausted.
 * WBSIM_FAIL_ALLOC=count: nothing fails; at exit the number of calls, of
 * reallocs of an existing block and the bytes those blocks held are written
 * to standard error as "failalloc: N calls, R reallocs of B bytes".  B is
 * what reallocs may have copied: an array grown one element at a time makes
 * it grow with the square of the array's length, doubling linearly.
 *
 * The real allocator is glibc's, reached by its __libc_ names (no dlsym,
 * which allocates).  free() is glibc's own.  Not for sanitizer builds, whose
 * runtime owns malloc.
 */
#include <errno.h>
#include <malloc.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void *__libc_malloc(size_t n);
void *__libc_calloc(size_t n, size_t size);
void *__libc_realloc(void *p, size_t n);

static unsigned long calls, grows, moved, fail_at;
static int counting;

static void report(void)
{
	char buf[128];
	int len = snprintf(buf, sizeof(buf), "failalloc: %lu calls, %lu reallocs of %lu bytes\n",
			   calls, grows, moved);

	if (write(2, buf, (size_t)len) < 0)
		return;
}

__attribute__((constructor)) static void failalloc_init(void)
{
	const char *v = getenv("WBSIM_FAIL_ALLOC");

	if (!v)
		return;
	if (!strcmp(v, "count")) {
		counting = 1;
		atexit(report);
	} else {
		fail_at = strtoul(v, NULL, 10);
	}
	calls = 0;
}

static int fail(void)
{
	calls++;
	if (fail_at && calls >= fail_at) {
		errno = ENOMEM;
		return 1;
	}
	return 0;
}

void *malloc(size_t n)
{
	return fail() ? NULL : __libc_malloc(n);
}

void *calloc(size_t n, size_t size)
{
	return fail() ? NULL : __libc_calloc(n, size);
}

void *realloc(void *p, size_t n)
{
	if (p && !n)
		return __libc_realloc(p, n); /* a free */
	if (p) {
		grows++;
		moved += malloc_usable_size(p);
	}
	return fail() ? NULL : __libc_realloc(p, n);
}
