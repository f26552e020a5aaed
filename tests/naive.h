/* SPDX-License-Identifier: MIT */
/*
 * naive.h - the reference the cached search is checked against: enumerate
 * every interleaving one path at a time, without caching, counting complete
 * executions, failing ones, the longest, and the distinct states seen (in a
 * plain hash set of world bytes).  Exponential; only for small scenarios.
 */
#ifndef WBSIM_TESTS_NAIVE_H
#define WBSIM_TESTS_NAIVE_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sim/sim.h"

struct naive_counts {
	uint64_t executions, failing, states;
	unsigned max_depth;
	/* the set of distinct worlds */
	uint8_t *keys;
	uint8_t *used;
	size_t cap, size;
};

/* An engine count equals a naive one. */
static inline bool count_is(const struct sim_count *c, uint64_t v)
{
	uint64_t x;

	return sim_count_u64(c, &x) && x == v;
}

static inline bool count_at_most(const struct sim_count *c, uint64_t v)
{
	uint64_t x;

	return sim_count_u64(c, &x) && x <= v;
}

static uint64_t naive_hash(const uint8_t *p, size_t n)
{
	uint64_t h = 1469598103934665603ull;

	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 1099511628211ull;
	return h;
}

static void naive_insert(struct naive_counts *c, const void *w);

static void naive_grow(struct naive_counts *c)
{
	uint8_t *keys = c->keys, *used = c->used;
	size_t cap = c->cap;

	c->cap = cap ? cap * 2 : 1024;
	c->keys = calloc(c->cap, c->size);
	c->used = calloc(c->cap, 1);
	c->states = 0;
	for (size_t i = 0; i < cap; i++)
		if (used[i])
			naive_insert(c, keys + i * c->size);
	free(keys);
	free(used);
}

static void naive_insert(struct naive_counts *c, const void *w)
{
	if ((c->states + 1) * 2 > c->cap)
		naive_grow(c);
	size_t i = naive_hash(w, c->size) & (c->cap - 1);
	while (c->used[i]) {
		if (!memcmp(c->keys + i * c->size, w, c->size))
			return;
		i = (i + 1) & (c->cap - 1);
	}
	c->used[i] = 1;
	memcpy(c->keys + i * c->size, w, c->size);
	c->states++;
}

static void naive_walk(const struct sim_model *sm, const void *w, unsigned depth,
		       struct naive_counts *c)
{
	struct sim_action acts[SIM_MAX_ENABLED];
	unsigned n = sm->ops->enabled(sm->ctx, w, acts);
	void *child = malloc(sm->size);

	naive_insert(c, w);
	if (n == 0) {
		c->executions++;
		if (sm->ops->verdict(sm->ctx, w) != SIM_SAFE)
			c->failing++;
		if (depth > c->max_depth)
			c->max_depth = depth;
	}
	for (unsigned i = 0; i < n; i++) {
		memcpy(child, w, sm->size);
		sm->ops->apply(sm->ctx, child, acts[i].id);
		naive_walk(sm, child, depth + 1, c);
	}
	free(child);
}

static inline void naive_count(const struct sim_model *sm, const void *init,
			       struct naive_counts *c)
{
	memset(c, 0, sizeof(*c));
	c->size = sm->size;
	naive_walk(sm, init, 0, c);
	free(c->keys);
	free(c->used);
	c->keys = c->used = NULL;
}

#endif
