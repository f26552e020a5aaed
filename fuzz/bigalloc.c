/* SPDX-License-Identifier: MIT */
/*
 * bigalloc.c - the fuzz build's cache of large freed blocks (see bigalloc.h).
 * Single-threaded, as the fuzz targets are.
 *
 * A request of n bytes takes the smallest cached block of n to 4n bytes.  The
 * part past n is poisoned by hand (ASan's manual poisoning interface), so an
 * access past the n bytes asked for is still reported as ASan would report
 * it past a fresh block.  A block in the cache is poisoned whole: a use after
 * free of it is reported too, as a use of poisoned memory.
 */
#include <malloc.h>
#include <stdlib.h>
#include <string.h>

#include <sanitizer/asan_interface.h>

void *wb_fuzz_malloc(size_t n);
void *wb_fuzz_calloc(size_t n, size_t size);
void *wb_fuzz_realloc(void *p, size_t n);
void wb_fuzz_free(void *p);

/* ASan's size-class allocator serves up to 128 KB; larger blocks are mmaps */
#define BIG ((size_t)128 << 10)
#define NCACHE 16
/* what the cache may hold, so that it never nears the fuzzer's RSS limit */
#define MAX_BLOCK ((size_t)64 << 20)
#define MAX_CACHED ((size_t)256 << 20)

static struct {
	void *p;
	size_t cap;
} cache[NCACHE];
static unsigned ncache;
static size_t cached;

void *wb_fuzz_malloc(size_t n)
{
	unsigned best = NCACHE;

	if (n < BIG)
		return malloc(n);
	for (unsigned i = 0; i < ncache; i++)
		if (cache[i].cap >= n && cache[i].cap / 4 <= n &&
		    (best == NCACHE || cache[i].cap < cache[best].cap))
			best = i;
	if (best == NCACHE)
		return malloc(n);
	void *p = cache[best].p;
	size_t cap = cache[best].cap;
	memmove(cache + best, cache + best + 1, sizeof(cache[0]) * (ncache - best - 1));
	ncache--;
	cached -= cap;
	ASAN_UNPOISON_MEMORY_REGION(p, n);
	ASAN_POISON_MEMORY_REGION((char *)p + n, cap - n);
	return p;
}

void *wb_fuzz_calloc(size_t n, size_t size)
{
	if (size && n > (size_t)-1 / size)
		return NULL;
	if (n * size < BIG)
		return calloc(n, size);
	void *p = wb_fuzz_malloc(n * size);
	if (p)
		memset(p, 0, n * size);
	return p;
}

void *wb_fuzz_realloc(void *p, size_t n)
{
	if (!p)
		return wb_fuzz_malloc(n);
	/* a block from the cache: ASan's realloc copies all of it, poisoned tail included */
	ASAN_UNPOISON_MEMORY_REGION(p, malloc_usable_size(p));
	return realloc(p, n);
}

void wb_fuzz_free(void *p)
{
	/* ASan gives the size the block was allocated with, the cache's capacity */
	size_t cap = p ? malloc_usable_size(p) : 0;

	if (cap < BIG || cap > MAX_BLOCK) {
		free(p);
		return;
	}
	while (ncache == NCACHE || cached + cap > MAX_CACHED) { /* the oldest go */
		ASAN_UNPOISON_MEMORY_REGION(cache[0].p, cache[0].cap);
		free(cache[0].p);
		cached -= cache[0].cap;
		memmove(cache, cache + 1, sizeof(cache[0]) * (NCACHE - 1));
		ncache--;
	}
	ASAN_POISON_MEMORY_REGION(p, cap);
	cache[ncache].p = p;
	cache[ncache].cap = cap;
	ncache++;
	cached += cap;
}
