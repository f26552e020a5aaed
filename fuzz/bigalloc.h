/* SPDX-License-Identifier: MIT */
/*
 * bigalloc.h - forced into sim/explore.c in the fuzz build only (-include):
 * its large blocks go through a small cache of freed blocks (bigalloc.c).
 *
 * Every search allocates the same few large blocks (the action lists of 4096
 * levels, 8 MB; a 65,536-record chunk of keys, counts and meta).  Under ASan
 * each is a fresh mmap whose shadow is poisoned on malloc and again on free,
 * and with a 300-state search per input that was 70% of fuzz_scenario's time.
 * Reusing a freed block of the same size keeps ASan's bounds checks (the block
 * is still an ASan allocation of exactly that size); what it gives up is the
 * use-after-free check on those few blocks between two searches.
 */
#ifndef WBSIM_FUZZ_BIGALLOC_H
#define WBSIM_FUZZ_BIGALLOC_H
#include <stdlib.h>
#include <string.h>

void *wb_fuzz_malloc(size_t n);
void *wb_fuzz_calloc(size_t n, size_t size);
void *wb_fuzz_realloc(void *p, size_t n);
void wb_fuzz_free(void *p);

#define malloc(n) wb_fuzz_malloc(n)
#define calloc(n, size) wb_fuzz_calloc(n, size)
#define realloc(p, n) wb_fuzz_realloc(p, n)
#define free(p) wb_fuzz_free(p)
#endif
