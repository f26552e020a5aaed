/* SPDX-License-Identifier: MIT */
/*
 * bigalloc.c - the fuzz build's cache of large freed blocks (see bigalloc.h).
 * Single-threaded, as the fuzz targets are.
 *
 * A request of n bytes takes the smallest cached block of n to 4n bytes.  The
 * part past n is poisoned by hand (ASan's manual poisoning interface), so an
 * access past the n bytes asked for is still reported as ASan would report
 * it past a fresh block.  Only what changes is poisoned or unpoisoned: a
 * block remembers where its poisoned tail begins.  A block in the cache is
 * not poisoned: a search's blocks are large (a 65,536-record chunk of 2 KB
 * keys is 128 MB) and touched only where its few hundred states lie, and
 * poisoning them whole on every free was again a third of the time.  So a use
 * after free of those blocks, between one input's search and the next, goes
 * unseen.
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
/* what the cache may hold (mostly untouched pages), well below the fuzzer's RSS limit */
#define MAX_BLOCK ((size_t)256 << 20)
#define MAX_CACHED ((size_t)1024 << 20)

struct block {
	void *p;
	size_t cap;  /* its size for ASan */
	size_t tail; /* [tail, cap) is poisoned by hand */
};

static struct block cache[NCACHE];
static unsigned ncache;
static size_t cached;
/* blocks handed out from the cache, with their tails (the others have none) */
static struct block live[NCACHE];
static unsigned nlive;

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
	struct block b = cache[best];
	memmove(cache + best, cache + best + 1, sizeof(cache[0]) * (ncache - best - 1));
	ncache--;
	cached -= b.cap;
	if (n > b.tail)
		ASAN_UNPOISON_MEMORY_REGION((char *)b.p + b.tail, n - b.tail);
	else if (n < b.tail)
		ASAN_POISON_MEMORY_REGION((char *)b.p + n, b.tail - n);
	b.tail = n;
	if (nlive == NCACHE) { /* never: at most NCACHE blocks come from the cache at once */
		ASAN_UNPOISON_MEMORY_REGION(live[0].p, live[0].cap);
		memmove(live, live + 1, sizeof(live[0]) * (NCACHE - 1));
		nlive--;
	}
	live[nlive++] = b;
	return b.p;
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

/* Forget a block handed out from the cache; its tail, or its size if it has none. */
static size_t wb_fuzz_unlive(void *p, size_t cap)
{
	for (unsigned i = 0; i < nlive; i++)
		if (live[i].p == p) {
			size_t tail = live[i].tail;
			live[i] = live[--nlive];
			return tail;
		}
	return cap;
}

void *wb_fuzz_realloc(void *p, size_t n)
{
	if (!p)
		return wb_fuzz_malloc(n);
	/* ASan's realloc copies the whole block, its poisoned tail included */
	size_t cap = malloc_usable_size(p), tail = wb_fuzz_unlive(p, cap);
	if (tail < cap)
		ASAN_UNPOISON_MEMORY_REGION((char *)p + tail, cap - tail);
	return realloc(p, n);
}

void wb_fuzz_free(void *p)
{
	/* ASan gives the size the block was allocated with, the cache's capacity */
	size_t cap = p ? malloc_usable_size(p) : 0;
	size_t tail = p ? wb_fuzz_unlive(p, cap) : 0;

	if (cap < BIG || cap > MAX_BLOCK) {
		if (tail < cap)
			ASAN_UNPOISON_MEMORY_REGION((char *)p + tail, cap - tail);
		free(p);
		return;
	}
	while (ncache == NCACHE || cached + cap > MAX_CACHED) { /* the oldest go */
		struct block *o = &cache[0];
		if (o->tail < o->cap)
			ASAN_UNPOISON_MEMORY_REGION((char *)o->p + o->tail, o->cap - o->tail);
		free(o->p);
		cached -= o->cap;
		memmove(cache, cache + 1, sizeof(cache[0]) * (NCACHE - 1));
		ncache--;
	}
	cache[ncache++] = (struct block){ .p = p, .cap = cap, .tail = tail };
	cached += cap;
}
