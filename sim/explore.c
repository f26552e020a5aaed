/* SPDX-License-Identifier: MIT */
/*
 * explore.c - every interleaving, with state caching.
 *
 * A depth-first search over the choices, with a visited table keyed by the
 * world's bytes (xxh3 hash, then a full comparison: no false merging).  The
 * state graph is a DAG, so the number of complete executions from a state is
 * the sum over its transitions of the executions from the successor (1 for a
 * terminal state): counted through the cached graph in 128 bits, never by
 * enumerating paths.  Each state also keeps the length of the longest
 * execution from it and of the shortest failing one, which yields max_depth
 * and a shortest counterexample without a second search.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <xxhash.h>

#include "sim/sim.h"
#include "sim/xmalloc.h"

#define SIM_NO_FAIL 0xffffu
#define SIM_IN_PROGRESS 0xfffeu

struct sim_rec {
	sim_u128 exec, fail;
	uint16_t depth;	/* longest execution from here */
	uint16_t dist;	/* shortest failing execution from here, or SIM_NO_FAIL */
	uint8_t verdict; /* of the failing execution dist leads to */
	uint8_t pad[3];
	uint32_t pad2;
};

struct sim_table {
	uint32_t *slots;	/* record index + 1; 0: empty */
	uint64_t *hashes;	/* per record */
	size_t nslots, nrec, caprec;
	uint8_t *keys;		/* nrec x size */
	struct sim_rec *recs;
	size_t size;
};

struct sim_search {
	const struct sim_model *sm;
	const struct sim_explore_opts *o;
	struct sim_explore_result *res;
	struct sim_table t;
	uint8_t *stack;	/* one world per depth */
	size_t stack_depth;
	struct sim_action *acts; /* one action list per depth */
	struct sim_rng rng;
	struct timespec start;
	double next_progress;
	unsigned depth_now;
	bool stop;
};

static double sim_now(const struct timespec *start)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - start->tv_sec) + (double)(t.tv_nsec - start->tv_nsec) * 1e-9;
}

static sim_u128 sim_add(sim_u128 a, sim_u128 b, bool *overflow)
{
	sim_u128 c = a + b;

	if (c < a) {
		*overflow = true;
		return ~(sim_u128)0;
	}
	return c;
}

void sim_u128_text(sim_u128 v, char *buf, size_t n)
{
	char tmp[48];
	size_t i = sizeof(tmp);

	tmp[--i] = 0;
	do {
		tmp[--i] = (char)('0' + (int)(v % 10));
		v /= 10;
	} while (v);
	snprintf(buf, n, "%s", tmp + i);
}

/* ---- the visited table ---- */

static void sim_table_init(struct sim_table *t, size_t size)
{
	memset(t, 0, sizeof(*t));
	t->size = size;
	t->nslots = 1u << 16;
	t->slots = wb_xcalloc(t->nslots, sizeof(uint32_t));
	t->caprec = 1u << 14;
	t->keys = wb_xmalloc(t->caprec * size);
	t->recs = wb_xmalloc(t->caprec * sizeof(struct sim_rec));
	t->hashes = wb_xmalloc(t->caprec * sizeof(uint64_t));
}

static void sim_table_free(struct sim_table *t)
{
	free(t->slots);
	free(t->keys);
	free(t->recs);
	free(t->hashes);
}

static void sim_table_grow(struct sim_table *t)
{
	size_t i, mask;

	free(t->slots);
	t->nslots *= 2;
	t->slots = wb_xcalloc(t->nslots, sizeof(uint32_t));
	mask = t->nslots - 1;
	for (i = 0; i < t->nrec; i++) {
		size_t s = (size_t)t->hashes[i] & mask;
		while (t->slots[s])
			s = (s + 1) & mask;
		t->slots[s] = (uint32_t)(i + 1);
	}
}

/* Find a world; returns its record index or -1, and the slot where it would go. */
static long sim_table_find(struct sim_table *t, const void *w, uint64_t h, size_t *slot)
{
	size_t mask = t->nslots - 1, s = (size_t)h & mask;

	while (t->slots[s]) {
		size_t r = t->slots[s] - 1;
		if (t->hashes[r] == h && !memcmp(t->keys + r * t->size, w, t->size))
			return (long)r;
		s = (s + 1) & mask;
	}
	*slot = s;
	return -1;
}

static size_t sim_table_insert(struct sim_table *t, const void *w, uint64_t h, size_t slot)
{
	size_t r = t->nrec++;

	if (r == t->caprec) {
		t->caprec *= 2;
		t->keys = wb_xrealloc(t->keys, t->caprec * t->size);
		t->recs = wb_xrealloc(t->recs, t->caprec * sizeof(struct sim_rec));
		t->hashes = wb_xrealloc(t->hashes, t->caprec * sizeof(uint64_t));
	}
	memcpy(t->keys + r * t->size, w, t->size);
	t->hashes[r] = h;
	memset(&t->recs[r], 0, sizeof(t->recs[r]));
	t->slots[slot] = (uint32_t)(r + 1);
	if (t->nrec * 4 > t->nslots * 3)
		sim_table_grow(t);
	return r;
}

/* ---- the search ---- */

static void sim_progress(struct sim_search *s)
{
	double now = sim_now(&s->start);
	char line[200];

	if (s->o->time_limit > 0 && now > s->o->time_limit) {
		s->stop = true;
		s->res->stopped_by = "time-limit";
	}
	if (s->o->stop && *s->o->stop) {
		s->stop = true;
		s->res->stopped_by = "interrupt";
	}
	if (!s->o->progress || now < s->next_progress)
		return;
	s->next_progress = now + 1.0;
	snprintf(line, sizeof(line), "%llu states, %.0f states/s, depth %u, %.1f MiB",
		 (unsigned long long)s->t.nrec, now > 0 ? (double)s->t.nrec / now : 0.0,
		 s->depth_now,
		 (double)(s->t.caprec * (s->t.size + sizeof(struct sim_rec) + 8) +
			  s->t.nslots * 4) / (1 << 20));
	s->o->progress(s->o->pctx, line);
}

static void sim_order_children(struct sim_search *s, struct sim_action *a, unsigned n)
{
	unsigned i;

	if (s->o->order == SIM_ORDER_REVERSE) {
		for (i = 0; i < n / 2; i++) {
			struct sim_action t = a[i];
			a[i] = a[n - 1 - i];
			a[n - 1 - i] = t;
		}
	} else if (s->o->order == SIM_ORDER_SHUFFLE) {
		for (i = n; i > 1; i--) {
			unsigned j = sim_rng_below(&s->rng, i);
			struct sim_action t = a[i - 1];
			a[i - 1] = a[j];
			a[j] = t;
		}
	}
}

/* Visit the world at stack level `d`; returns its record index. */
static size_t sim_visit(struct sim_search *s, unsigned d)
{
	const struct sim_model *sm = s->sm;
	struct sim_table *t = &s->t;
	void *w = s->stack + (size_t)d * sm->size;
	uint64_t h = XXH3_64bits(w, sm->size);
	size_t slot, r, i;
	long found = sim_table_find(t, w, h, &slot);
	struct sim_action *acts = s->acts + (size_t)d * SIM_MAX_ENABLED;
	unsigned n;
	sim_u128 exec = 0, fail = 0;
	unsigned depth = 0, dist = SIM_NO_FAIL, verdict = SIM_SAFE;

	if (found >= 0) {
		if (t->recs[found].dist == SIM_IN_PROGRESS) {
			fprintf(stderr, "wbsim: internal error: the state graph has a cycle\n");
			abort();
		}
		return (size_t)found;
	}
	r = sim_table_insert(t, w, h, slot);
	t->recs[r].dist = SIM_IN_PROGRESS;
	if ((t->nrec & 1023) == 0)
		sim_progress(s);
	if (s->o->max_states && t->nrec >= s->o->max_states && !s->stop) {
		s->stop = true;
		s->res->stopped_by = "max-states";
	}

	n = sm->ops->enabled(sm->ctx, w, acts);
	if (n == 0) {
		enum sim_verdict v = sm->ops->verdict(sm->ctx, w);
		exec = 1;
		fail = v != SIM_SAFE;
		dist = v != SIM_SAFE ? 0 : SIM_NO_FAIL;
		verdict = v;
		s->res->end_states++;
	} else if (s->stop || (s->o->max_depth && d >= s->o->max_depth)) {
		if (!s->res->stopped_by)
			s->res->stopped_by = "max-depth";
		s->res->complete = false;
	} else {
		sim_order_children(s, acts, n);
		if (d + 1 >= s->stack_depth) {
			fprintf(stderr, "wbsim: internal error: exploration deeper than %zu steps\n",
				s->stack_depth);
			abort();
		}
		for (i = 0; i < n; i++) {
			void *c = s->stack + (size_t)(d + 1) * sm->size;
			memcpy(c, w, sm->size);
			sm->ops->apply(sm->ctx, c, acts[i].id);
			s->depth_now = d + 1;
			size_t cr = sim_visit(s, d + 1);
			const struct sim_rec *cc = &t->recs[cr];
			s->res->transitions++;
			exec = sim_add(exec, cc->exec, &s->res->overflow);
			fail = sim_add(fail, cc->fail, &s->res->overflow);
			if (cc->depth + 1u > depth)
				depth = cc->depth + 1u;
			if (cc->dist != SIM_NO_FAIL && cc->dist + 1u < dist) {
				dist = cc->dist + 1u;
				verdict = cc->verdict;
			}
		}
	}
	t->recs[r].exec = exec;
	t->recs[r].fail = fail;
	t->recs[r].depth = (uint16_t)depth;
	t->recs[r].dist = (uint16_t)dist;
	t->recs[r].verdict = (uint8_t)verdict;
	return r;
}

/* Follow the shortest failing distance down from the initial state. */
static void sim_counterexample(struct sim_search *s, size_t r0)
{
	const struct sim_model *sm = s->sm;
	struct sim_table *t = &s->t;
	unsigned d = t->recs[r0].dist, k;
	void *w = wb_xmalloc(sm->size), *c = wb_xmalloc(sm->size);
	struct sim_action acts[SIM_MAX_ENABLED];

	s->res->cex = wb_xcalloc(d + 1u, sizeof(uint16_t));
	memcpy(w, t->keys + r0 * t->size, sm->size);
	for (k = 0; k < d; k++) {
		unsigned n = sm->ops->enabled(sm->ctx, w, acts), i;
		for (i = 0; i < n; i++) {
			size_t slot;
			memcpy(c, w, sm->size);
			sm->ops->apply(sm->ctx, c, acts[i].id);
			long cr = sim_table_find(t, c, XXH3_64bits(c, sm->size), &slot);
			if (cr >= 0 && t->recs[cr].dist == d - k - 1)
				break;
		}
		if (i == n)
			break;
		s->res->cex[s->res->cex_len++] = (uint16_t)i;
		memcpy(w, c, sm->size);
	}
	free(w);
	free(c);
}

int sim_explore(const struct sim_model *sm, const void *init, const struct sim_explore_opts *o,
		struct sim_explore_result *res)
{
	struct sim_search s = { .sm = sm, .o = o, .res = res };
	size_t r0;

	memset(res, 0, sizeof(*res));
	res->complete = true;
	clock_gettime(CLOCK_MONOTONIC, &s.start);
	sim_rng_seed(&s.rng, o->seed);
	sim_table_init(&s.t, sm->size);
	s.stack_depth = 4096;
	s.stack = wb_xmalloc(s.stack_depth * sm->size);
	s.acts = wb_xmalloc(s.stack_depth * SIM_MAX_ENABLED * sizeof(struct sim_action));
	memcpy(s.stack, init, sm->size);

	r0 = sim_visit(&s, 0);
	if (s.stop || res->stopped_by)
		res->complete = false;
	res->states = s.t.nrec;
	res->executions = s.t.recs[r0].exec;
	res->failing = s.t.recs[r0].fail;
	res->max_depth = s.t.recs[r0].depth;
	res->verdict = s.t.recs[r0].dist != SIM_NO_FAIL ? s.t.recs[r0].verdict : SIM_SAFE;
	if (res->verdict != SIM_SAFE)
		sim_counterexample(&s, r0);
	res->table_bytes = s.t.caprec * (s.t.size + sizeof(struct sim_rec) + 8) + s.t.nslots * 4;
	res->seconds = sim_now(&s.start);
	free(s.stack);
	free(s.acts);
	sim_table_free(&s.t);
	return 0;
}

void sim_explore_result_free(struct sim_explore_result *res)
{
	free(res->cex);
	res->cex = NULL;
}
