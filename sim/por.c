/* SPDX-License-Identifier: MIT */
/*
 * por.c - persistent sets: which of a state's enabled actions to explore.
 *
 * The model describes each unfinished actor p by two footprints (sim.h):
 * now(p), what its enabled steps touch and what decides its enabledness, and
 * future(p), everything p (and the actors it will create) may still touch.
 * Two footprints conflict when one writes what the other reads or writes.
 *
 * A set T of actors is closed when no actor q outside T has a future that
 * conflicts with now(p) of an actor p inside T.  The enabled actions of a
 * closed T that holds at least one of them form a persistent set (Godefroid,
 * "Partial-Order Methods for the Verification of Concurrent Systems", 1996,
 * the conflicting-processes construction): along any path from the state
 * made only of steps outside the set, every step is an actor's outside T
 * (an actor in T can take no other step: whatever would enable a new one is in
 * its `now`, which no outsider writes), and each such step is independent of
 * every action in the set (disjoint footprints commute, and none enables or
 * disables the other, since what decides enabledness is part of the
 * footprints).  In an acyclic state graph, exploring a persistent set at every
 * state reaches every end state of the full graph (no cycle proviso is
 * needed), so verdicts, deadlocks and the census' outcomes are preserved; the
 * numbers of executions and transitions are those of the reduced graph.
 *
 * A part of a future gated by another actor (sim.h) counts only while the gate
 * (each of its gates, and one at least of its "any" gates) is outside T: a
 * gate inside T takes no step outside the set, so the actor cannot reach that
 * part along a path outside it.
 *
 * Among the closed sets grown from each actor with an enabled action, the one
 * with the fewest enabled actions is taken (the first on ties: the result is
 * deterministic).
 *
 * Two implementations grow the same sets: with up to 64 actors (bitsets, each
 * actor's conflicts with the others computed once per state) and beyond
 * (arrays, each pair tested as the closure meets it).  Debug builds run both
 * and compare.
 */
#include <string.h>
#if defined(WBSIM_CHECK_EVERY_STEP) || defined(SIM_POR_VERIFY)
#include <stdio.h>
#include <stdlib.h>
#endif

#include "sim/sim.h"

/*
 * Words [lo, hi) of the footprints: every conflict tested here is with some
 * actor's `now`, and outside the words some `now` uses there is none.
 */
struct sim_fp_words {
	unsigned lo, hi;
};

static bool sim_fp_conflict(const struct sim_fp *a, const struct sim_fp *b,
			    struct sim_fp_words ws)
{
	uint64_t x = 0;

	for (unsigned i = ws.lo; i < ws.hi; i++)
		x |= (a->w[i] & (b->r[i] | b->w[i])) | (a->r[i] & b->w[i]);
	/* commutative updates: against reads and writes, not against each other */
	if (ws.lo == 0)
		x |= ((a->r[0] | a->w[0]) & b->inc) | (a->inc & (b->r[0] | b->w[0]));
	return x != 0;
}

/* The index among pa[] of the actor with this key; SIM_MAX_ACTORS: none (or SIM_NO_GATE). */
static uint8_t sim_actor_index(const struct sim_por_actor *pa, unsigned na, uint32_t key)
{
	if (key == SIM_NO_GATE)
		return SIM_MAX_ACTORS;
	for (unsigned j = 0; j < na; j++)
		if (pa[j].actor == key)
			return (uint8_t)j;
	return SIM_MAX_ACTORS;
}

/*
 * Does actor q's future, given the actors in T (in[], which has a 0 at
 * SIM_MAX_ACTORS), conflict with `now`?
 */
static bool sim_future_conflict(const struct sim_por_actor *pa, const uint8_t *in, unsigned q,
				const struct sim_fp *now, struct sim_fp_words ws)
{
	const struct sim_por_actor *a = &pa[q];

	if (sim_fp_conflict(&a->future, now, ws))
		return true;
	for (unsigned g = 0; g < a->ngated; g++) {
		const struct sim_por_gate *pg = &a->gated[g];
		bool any_out = pg->nany == 0;
		for (unsigned i = 0; i < pg->nany && !any_out; i++)
			any_out = !in[pg->anyi[i]];
		if (any_out && !in[pg->gi] && !in[pg->gi2] && sim_fp_conflict(&pg->fp, now, ws))
			return true;
	}
	return false;
}

/* More than 64 actors: T as an array, each pair tested as the closure meets it. */
static unsigned sim_por_select_wide(struct sim_action *acts, unsigned n, struct sim_por_actor *pa,
				    unsigned na)
{
	unsigned i, j, k, best = n, nacts[SIM_MAX_ACTORS];
	unsigned nbest = 0;
	uint8_t in[SIM_MAX_ACTORS + 1], best_set[SIM_MAX_ACTORS], queue[SIM_MAX_ACTORS];
	uint8_t of[SIM_MAX_ENABLED];
	bool found = false;

	/*
	 * The words the actors' `now` use; the gates' indexes.  (Small arrays
	 * are cleared by hand here: a memset() of a variable size is a
	 * slow-starting `rep stos`.)
	 */
	uint64_t used[SIM_FP_WORDS] = { 0 };
	struct sim_fp_words ws;
	for (j = 0; j < na; j++) {
		nacts[j] = 0;
		in[j] = 0;
		for (i = 0; i < SIM_FP_WORDS; i++)
			used[i] |= pa[j].now.r[i] | pa[j].now.w[i];
		used[0] |= pa[j].now.inc;
		for (unsigned g = 0; g < pa[j].ngated; g++) {
			struct sim_por_gate *pg = &pa[j].gated[g];
			pg->gi = sim_actor_index(pa, na, pg->gate);
			pg->gi2 = sim_actor_index(pa, na, pg->gate2);
			for (unsigned x = 0; x < pg->nany; x++)
				pg->anyi[x] = sim_actor_index(pa, na, pg->any[x]);
		}
	}
	in[SIM_MAX_ACTORS] = 0;
	for (ws.lo = 0; ws.lo < SIM_FP_WORDS && !used[ws.lo]; ws.lo++)
		;
	for (ws.hi = SIM_FP_WORDS; ws.hi > ws.lo && !used[ws.hi - 1]; ws.hi--)
		;
	/* each action's actor among pa[], and how many actions each actor has */
	for (i = 0; i < n; i++) {
		for (j = 0; j < na && pa[j].actor != acts[i].actor; j++)
			;
		if (j == na)
			return n; /* an enabled actor the model did not describe */
		of[i] = (uint8_t)j;
		nacts[j]++;
	}
	/* T is in[] (queue[0..tail) lists its members) */
	for (k = 0; k < na; k++) {
		unsigned head = 0, tail = 0, count;
		if (!nacts[k])
			continue;
		in[k] = 1;
		queue[tail++] = (uint8_t)k;
		count = nacts[k];
		while (head < tail && count < best) {
			const struct sim_fp *now = &pa[queue[head++]].now;
			for (j = 0; j < na; j++) {
				if (in[j] || !sim_future_conflict(pa, in, j, now, ws))
					continue;
				in[j] = 1;
				queue[tail++] = (uint8_t)j;
				count += nacts[j];
			}
		}
		if (count < best) {
			best = count;
			for (nbest = 0; nbest < tail; nbest++)
				best_set[nbest] = queue[nbest];
			found = true;
		}
		for (i = 0; i < tail; i++)
			in[queue[i]] = 0;
		if (best == 1)
			break;
	}
	if (!found)
		return n;
	for (i = 0; i < nbest; i++)
		in[best_set[i]] = 1;
	/* the chosen actions first, in their order; the others after them */
	struct sim_action rest[SIM_MAX_ENABLED];
	unsigned nk = 0, nr = 0;
	for (i = 0; i < n; i++) {
		if (in[of[i]])
			acts[nk++] = acts[i];
		else
			rest[nr++] = acts[i];
	}
	memcpy(acts + nk, rest, nr * sizeof(*acts));
	return nk;
}

/*
 * Up to 64 actors (every state of the model's scenarios): T and the rows as
 * bitsets.  Actor p's row, computed the first time the closure takes p out of
 * its queue, says which actors' futures conflict with now(p): fut, by their
 * ungated part; gated, by gated parts only (gm[p][q] lists those parts of q),
 * which count only while their gates are outside T when the closure tests
 * them, as in sim_future_conflict().
 */
#define SIM_POR_NARROW 64
_Static_assert(SIM_POR_GATES <= 16, "a gated part's bit in a uint16_t");

/*
 * The test of a footprint against now(p): when now(p) uses one word L, with
 * masks of what conflicts with it there (most often word 0 alone); else the
 * general test over the words it uses, [ws.lo, ws.hi).
 */
struct sim_now_test {
	const struct sim_fp *now;
	struct sim_fp_words ws;
	unsigned L;
	uint64_t mw, mr, minc;
};

/* (one: now(p) uses word t->L alone; a constant where sim_por_scan is specialized) */
static inline bool sim_now_conflict(const struct sim_fp *f, const struct sim_now_test *t, bool one)
{
	if (!one)
		return sim_fp_conflict(f, t->now, t->ws);
	return ((f->w[t->L] & t->mw) | (f->r[t->L] & t->mr) | (f->inc & t->minc)) != 0;
}

/* A gated part's gates as masks of actors */
struct sim_gate_mask {
	uint64_t gates; /* gate and gate2 */
	uint64_t any;	/* the "any" gates */
	bool any_out;	/* no "any" gate, or one that is not an actor: always out of T */
};

struct sim_por_narrow {
	const struct sim_por_actor *pa;
	unsigned na;
	uint64_t rows;	/* actors whose row is computed */
	uint64_t masks; /* actors whose gates' masks are computed */
	uint64_t fut[SIM_POR_NARROW], gated[SIM_POR_NARROW];
	uint16_t gm[SIM_POR_NARROW][SIM_POR_NARROW];
	struct sim_gate_mask gmask[SIM_POR_NARROW][SIM_POR_GATES];
};

/*
 * Actor p's row: the actors whose future (fut), or only some gated parts of
 * it (gated, with c->gm[p][q]), conflict with now(p).  Written once, made
 * twice by the compiler: for a `now` in one word and for the general case.
 */
static inline __attribute__((always_inline)) void
sim_por_scan(struct sim_por_narrow *c, unsigned p, const struct sim_now_test *nt, bool one)
{
	const struct sim_por_actor *pa = c->pa;
	uint64_t fut = 0, gated = 0;

	for (unsigned q = 0; q < c->na; q++) {
		if (q == p)
			continue;
		if (sim_now_conflict(&pa[q].future, nt, one)) {
			fut |= 1ull << q;
			continue;
		}
		unsigned gm = 0;
		for (unsigned g = 0; g < pa[q].ngated; g++)
			if (sim_now_conflict(&pa[q].gated[g].fp, nt, one))
				gm |= 1u << g;
		if (gm) {
			gated |= 1ull << q;
			c->gm[p][q] = (uint16_t)gm;
		}
	}
	c->fut[p] = fut;
	c->gated[p] = gated;
}

/*
 * A conflict with now(p) lies in a word now(p) uses (inc: word 0), so only
 * those words are tested; when they are one, word L, with masks.
 */
static void sim_por_row(struct sim_por_narrow *c, unsigned p)
{
	const struct sim_por_actor *pa = c->pa;
	const struct sim_fp *now = &pa[p].now;
	struct sim_fp_words ws = { 0, 0 };
	uint64_t above = 0;

	/* most often word 0 alone */
	for (unsigned i = 1; i < SIM_FP_WORDS; i++)
		above |= now->r[i] | now->w[i];
	if (!above) {
		ws.hi = (now->r[0] | now->w[0] | now->inc) != 0;
	} else {
		for (unsigned i = 0; i < SIM_FP_WORDS; i++)
			if (now->r[i] | now->w[i]) {
				if (!ws.hi)
					ws.lo = i;
				ws.hi = i + 1;
			}
		if (now->inc)
			ws.lo = 0;
	}
	struct sim_now_test nt = { now, ws, ws.lo, 0, 0, 0 };
	if (ws.hi - ws.lo == 1) {
		uint64_t rw = now->r[nt.L] | now->w[nt.L], inc = nt.L == 0 ? now->inc : 0;
		nt.mw = rw | inc;
		nt.mr = now->w[nt.L] | inc;
		nt.minc = nt.L == 0 ? rw : 0;
		sim_por_scan(c, p, &nt, true);
	} else if (ws.hi > ws.lo) {
		sim_por_scan(c, p, &nt, false);
	} else { /* an empty `now`: no conflict */
		c->fut[p] = 0;
		c->gated[p] = 0;
	}
	c->rows |= 1ull << p;
}

/* The actor with this key as a mask: 0 for none (or SIM_NO_GATE). */
static uint64_t sim_actor_bit(const struct sim_por_actor *pa, unsigned na, uint32_t key)
{
	unsigned j = sim_actor_index(pa, na, key);

	return j < na ? 1ull << j : 0;
}

static void sim_por_gate_masks(struct sim_por_narrow *c, unsigned q)
{
	const struct sim_por_actor *a = &c->pa[q];

	for (unsigned g = 0; g < a->ngated; g++) {
		const struct sim_por_gate *pg = &a->gated[g];
		struct sim_gate_mask *gk = &c->gmask[q][g];
		gk->gates = sim_actor_bit(c->pa, c->na, pg->gate) |
			    sim_actor_bit(c->pa, c->na, pg->gate2);
		gk->any = 0;
		gk->any_out = pg->nany == 0;
		for (unsigned i = 0; i < pg->nany; i++) {
			uint64_t b = sim_actor_bit(c->pa, c->na, pg->any[i]);
			gk->any |= b;
			if (!b)
				gk->any_out = true;
		}
	}
	c->masks |= 1ull << q;
}

/* Does one of q's gated parts that conflict with now(p) count, given T? */
static bool sim_gated_counts(struct sim_por_narrow *c, unsigned p, unsigned q, uint64_t T)
{
	if (!((c->masks >> q) & 1u))
		sim_por_gate_masks(c, q);
	for (unsigned gm = c->gm[p][q]; gm; gm &= gm - 1) {
		const struct sim_gate_mask *gk = &c->gmask[q][__builtin_ctz(gm)];
		if ((gk->any_out || (gk->any & ~T)) && !(gk->gates & T))
			return true;
	}
	return false;
}

static unsigned sim_por_select_narrow(struct sim_action *acts, unsigned n,
				      const struct sim_por_actor *pa, unsigned na)
{
	unsigned i, j, best = n, nacts[SIM_POR_NARROW];
	uint8_t of[SIM_MAX_ENABLED];
	uint64_t enabled = 0, best_T = 0;
	struct sim_por_narrow c;

	for (j = 0; j < na; j++)
		nacts[j] = 0;
	c.pa = pa;
	c.na = na;
	c.rows = c.masks = 0;
	/* each action's actor among pa[] (those of one actor are consecutive), and their counts */
	for (i = 0, j = 0; i < n; i++) {
		if (j >= na || pa[j].actor != acts[i].actor)
			for (j = 0; j < na && pa[j].actor != acts[i].actor; j++)
				;
		if (j == na)
			return n; /* an enabled actor the model did not describe */
		of[i] = (uint8_t)j;
		nacts[j]++;
		enabled |= 1ull << j;
	}
	/* the closed set grown from each actor with actions, in their order */
	for (uint64_t ks = enabled; ks; ks &= ks - 1) {
		unsigned k = (unsigned)__builtin_ctzll(ks), head = 0, tail = 0, count = nacts[k];
		uint8_t queue[SIM_POR_NARROW];
		uint64_t T = 1ull << k;
		queue[tail++] = (uint8_t)k;
		while (head < tail && count < best) {
			unsigned p = queue[head++];
			if (!((c.rows >> p) & 1u))
				sim_por_row(&c, p);
			/* in increasing order, each tested with T as it is then */
			for (uint64_t cand = (c.fut[p] | c.gated[p]) & ~T; cand; cand &= cand - 1) {
				unsigned q = (unsigned)__builtin_ctzll(cand);
				if (!((c.fut[p] >> q) & 1u) && !sim_gated_counts(&c, p, q, T))
					continue;
				T |= 1ull << q;
				queue[tail++] = (uint8_t)q;
				count += nacts[q];
			}
		}
		if (count < best) {
			best = count;
			best_T = T;
		}
		if (best == 1)
			break;
	}
	if (!best_T)
		return n;
	/* the chosen actions first, in their order; the others after them */
	struct sim_action rest[SIM_MAX_ENABLED];
	unsigned nk = 0, nr = 0;
	for (i = 0; i < n && ((best_T >> of[i]) & 1u); i++) /* already in place */
		nk++;
	for (; i < n; i++) {
		if ((best_T >> of[i]) & 1u)
			acts[nk++] = acts[i];
		else
			rest[nr++] = acts[i];
	}
	memcpy(acts + nk, rest, nr * sizeof(*acts));
	return nk;
}

unsigned sim_por_select(const struct sim_model *sm, const void *world, struct sim_action *acts,
			unsigned n, struct sim_por_actor *pa)
{
	unsigned na, i;

	if (n <= 1 || !sm->ops->por_actors)
		return n;
	/* the actions of one actor: every closed set with one holds them all */
	for (i = 1; i < n && acts[i].actor == acts[0].actor; i++)
		;
	if (i == n)
		return n;
	na = sm->ops->por_actors(sm->ctx, world, pa);
	if (na > SIM_MAX_ACTORS)
		return n;
	if (na > SIM_POR_NARROW)
		return sim_por_select_wide(acts, n, pa, na);
#if defined(WBSIM_CHECK_EVERY_STEP) || defined(SIM_POR_VERIFY)
	/* debug builds (and -DSIM_POR_VERIFY): the bitsets choose what the pairwise tests do */
	struct sim_action ref[SIM_MAX_ENABLED];
	memcpy(ref, acts, n * sizeof(*acts));
	unsigned nref = sim_por_select_wide(ref, n, pa, na);
	unsigned nk = sim_por_select_narrow(acts, n, pa, na);
	if (nk != nref || memcmp(ref, acts, n * sizeof(*acts)) != 0) {
		fprintf(stderr, "sim_por_select: narrow %u != wide %u\n", nk, nref);
		abort();
	}
	return nk;
#else
	return sim_por_select_narrow(acts, n, pa, na);
#endif
}
