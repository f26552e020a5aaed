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
 */
#include <string.h>

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

unsigned sim_por_select(const struct sim_model *sm, const void *world, struct sim_action *acts,
			unsigned n, struct sim_por_actor *pa)
{
	unsigned na, i, j, k, best = n, nacts[SIM_MAX_ACTORS];
	unsigned nbest = 0;
	uint8_t in[SIM_MAX_ACTORS + 1], best_set[SIM_MAX_ACTORS], queue[SIM_MAX_ACTORS];
	uint8_t of[SIM_MAX_ENABLED];
	bool found = false;

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
