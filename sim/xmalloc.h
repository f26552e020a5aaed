/* SPDX-License-Identifier: MIT */
/*
 * xmalloc.h - allocation outside the search that ends the program with a
 * message and exit 4 on out-of-memory (Redis' zmalloc habit), never an abort.
 */
#ifndef WBSIM_XMALLOC_H
#define WBSIM_XMALLOC_H
#include <stddef.h>
#include <stdio.h>
/* "wbsim: error: out of memory (allocating N bytes); no verdict", exit 4 (n 0: size unknown) */
void wb_oom(size_t n) __attribute__((noreturn));
void *wb_xmalloc(size_t n);
void *wb_xcalloc(size_t n, size_t size);
void *wb_xrealloc(void *p, size_t n);
char *wb_xstrdup(const char *s);
/*
 * Room for element n of an array of n elements of `size` bytes grown only by
 * this function: its capacity is the next power of two (at least 4), so the
 * array is reallocated only when n reaches one, and growing it to n elements
 * copies O(n) bytes in all, not O(n^2).
 */
void *wb_xgrow(void *p, size_t n, size_t size);
/* open_memstream(), and its fclose() with every write checked: out of memory is wb_oom */
FILE *wb_xopen_memstream(char **buf, size_t *len);
void wb_xclose_memstream(FILE *f);
#endif
