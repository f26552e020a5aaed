/* SPDX-License-Identifier: MIT */
/* xmalloc.h - allocation that aborts with a message on out-of-memory (Redis' zmalloc habit). */
#ifndef WBSIM_XMALLOC_H
#define WBSIM_XMALLOC_H
#include <stddef.h>
void *wb_xmalloc(size_t n);
void *wb_xcalloc(size_t n, size_t size);
void *wb_xrealloc(void *p, size_t n);
char *wb_xstrdup(const char *s);
#endif
