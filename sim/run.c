/* SPDX-License-Identifier: MIT */
/*
 * run.c - one execution: a schedule, then a policy (round-robin or a seeded
 * random walk), or a replayed list of choices.
 *
 * Every step goes through sim_take(): the choice is an index into the list of
 * enabled actions, recorded with the action, so the recorded choices replay
 * the execution exactly.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/sim.h"
#include "sim/xmalloc.h"

#define SIM_DEFAULT_MAX_STEPS (1u << 20)

struct sim_exec {
	const struct sim_model *sm;
	const struct sim_run_opts *o;
	struct sim_run *out;
	void *world, *before;
	struct sim_action act[SIM_MAX_ENABLED];
	unsigned nact;
	bool have_last;
	uint32_t last_actor;
	char *err;
	size_t errn;
};

static void sim_refresh(struct sim_exec *x)
{
	x->nact = x->sm->ops->enabled(x->sm->ctx, x->world, x->act);
}

/* Take the choice-th enabled action: record, apply, check. */
static enum sim_run_error sim_take(struct sim_exec *x, unsigned choice)
{
	const struct sim_model *sm = x->sm;
	struct sim_run *r = x->out;
	uint32_t a = x->act[choice].id;

	if (r->nsteps == (x->o->max_steps ? x->o->max_steps : SIM_DEFAULT_MAX_STEPS)) {
		snprintf(x->err, x->errn, "the execution exceeds %zu steps", r->nsteps);
		return SIM_RUN_TOO_LONG;
	}
	if (r->nsteps == r->cap) {
		r->cap = r->cap ? 2 * r->cap : 64;
		r->steps = wb_xrealloc(r->steps, r->cap * sizeof(*r->steps));
		if (x->o->policy == SIM_POLICY_TIMED)
			r->times = wb_xrealloc(r->times, r->cap * sizeof(*r->times));
	}
	if (x->o->policy == SIM_POLICY_TIMED)
		r->times[r->nsteps] = r->now;
	r->steps[r->nsteps].action = a;
	r->steps[r->nsteps].choice = (uint16_t)choice;
	r->steps[r->nsteps].nenabled = (uint16_t)x->nact;
	r->nsteps++;
	x->have_last = true;
	x->last_actor = x->act[choice].actor;
	bool step_check = x->o->check_every_step && sm->ops->check_step;
	if (x->o->cb || step_check)
		memcpy(x->before, x->world, sm->size);
	sm->ops->apply(sm->ctx, x->world, a);
	if (x->o->cb)
		x->o->cb(x->o->cbctx, r->nsteps, x->before, x->world, a);
	if (x->o->check_every_step) {
		char msg[256];
		if (sm->ops->check(sm->ctx, x->world, msg, sizeof(msg))) {
			snprintf(x->err, x->errn, "invariant violated after step %zu: %s",
				 r->nsteps, msg);
			return SIM_RUN_INVARIANT;
		}
		if (step_check &&
		    sm->ops->check_step(sm->ctx, x->before, x->world, a, msg, sizeof(msg))) {
			snprintf(x->err, x->errn, "transition invariant violated by step %zu: %s",
				 r->nsteps, msg);
			return SIM_RUN_INVARIANT;
		}
	}
	sim_refresh(x);
	return SIM_RUN_OK;
}

/* The first enabled action of an actor (by name), or -1. */
static int sim_find(struct sim_exec *x, const char *actor, struct sim_label *lab)
{
	unsigned i;

	for (i = 0; i < x->nact; i++) {
		x->sm->ops->label(x->sm->ctx, x->world, x->act[i].id, lab);
		if (!strcmp(lab->actor, actor))
			return (int)i;
	}
	return -1;
}

static enum sim_run_error sim_misfit(struct sim_exec *x, const struct sim_sched_entry *e,
				     const char *fmt_reason)
{
	snprintf(x->err, x->errn, "schedule entry \"%s\": %s", e->text ? e->text : e->actor,
		 fmt_reason);
	return SIM_RUN_SCHEDULE;
}

/* Why can't the entry's actor step?  Fills `why`. */
static void sim_why(struct sim_exec *x, const char *actor, char *why, size_t n)
{
	char reason[200] = "";
	enum sim_actor_status s =
		x->sm->ops->actor_status(x->sm->ctx, x->world, actor, reason, sizeof(reason));

	switch (s) {
	case SIM_ACTOR_FINISHED:
		snprintf(why, n, "%s has finished", actor);
		break;
	case SIM_ACTOR_UNKNOWN:
		snprintf(why, n, "no task named %s", actor);
		break;
	default:
		snprintf(why, n, "%s %s", actor, reason);
		break;
	}
}

static enum sim_run_error sim_run_entry(struct sim_exec *x, const struct sim_sched_entry *e)
{
	const struct sim_ops *ops = x->sm->ops;
	struct sim_label lab;
	char why[300], msg[400];
	unsigned taken = 0;
	enum sim_run_error rc;
	int i;

	if (ops->actor_status(x->sm->ctx, x->world, e->actor, why, sizeof(why)) ==
	    SIM_ACTOR_UNKNOWN) {
		snprintf(msg, sizeof(msg), "no task named %s", e->actor);
		return sim_misfit(x, e, msg);
	}
	if (e->step[0] && !ops->step_known(x->sm->ctx, e->actor, e->step)) {
		snprintf(msg, sizeof(msg), "%s never takes a step named %s", e->actor, e->step);
		return sim_misfit(x, e, msg);
	}
	for (;;) {
		i = sim_find(x, e->actor, &lab);
		if (i < 0)
			break;
		bool last = e->step[0] && !strcmp(lab.step, e->step);
		if (last && e->arg >= 0) {
			/* TASK:STEP@PAGE: the action of that step with that choice */
			unsigned j;
			for (j = (unsigned)i; j < x->nact; j++) {
				struct sim_label l2;
				ops->label(x->sm->ctx, x->world, x->act[j].id, &l2);
				if (!strcmp(l2.actor, e->actor) && l2.arg == e->arg)
					break;
			}
			if (j == x->nact) {
				snprintf(msg, sizeof(msg), "%s cannot %s page %d now", e->actor,
					 e->step, e->arg);
				return sim_misfit(x, e, msg);
			}
			i = (int)j;
		}
		rc = sim_take(x, (unsigned)i);
		if (rc)
			return rc;
		taken++;
		if (last)
			return SIM_RUN_OK;
	}
	sim_why(x, e->actor, why, sizeof(why));
	if (e->step[0]) {
		snprintf(msg, sizeof(msg), "%s before reaching %s", why, e->step);
		return sim_misfit(x, e, msg);
	}
	if (!taken) {
		snprintf(msg, sizeof(msg), "cannot take a single step: %s", why);
		return sim_misfit(x, e, msg);
	}
	return SIM_RUN_OK;
}

/* The default policy: round-robin over actors, one step at a time. */
static unsigned sim_round_robin(const struct sim_exec *x)
{
	unsigned i;

	if (x->have_last)
		for (i = 0; i < x->nact; i++)
			if (x->act[i].actor > x->last_actor)
				return i;
	return 0;
}

/* An actor able to step, and when its step happens (SIM_POLICY_TIMED). */
struct sim_due {
	uint32_t actor;
	uint64_t at;
	unsigned first, n; /* its actions in x->act */
};

static uint64_t sim_add_sat(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

/*
 * Simulated time: the earliest of the actors' next steps, each drawn when
 * its actor became able to take it (sim.h, SIM_POLICY_TIMED).  Both lists
 * are in actor order (ops->enabled lists actions so), so carrying the draws
 * over is a merge.
 */
static enum sim_run_error sim_timed(struct sim_exec *x, struct sim_rng *rng)
{
	struct sim_due due[2][SIM_MAX_ENABLED];
	struct sim_due *old = due[0], *cur = due[1], *t;
	unsigned nold = 0;
	enum sim_run_error rc;

	while (x->nact) {
		unsigned n = 0, best = 0, i = 0, k = 0;

		while (i < x->nact) {
			uint32_t a = x->act[i].actor;
			unsigned j = i + 1;

			while (j < x->nact && x->act[j].actor == a)
				j++;
			while (k < nold && old[k].actor < a)
				k++;
			cur[n].actor = a;
			cur[n].first = i;
			cur[n].n = j - i;
			if (k < nold && old[k].actor == a)
				cur[n].at = old[k].at;
			else
				cur[n].at = sim_add_sat(x->out->now,
							x->o->duration(x->o->dctx, x->world,
								       x->act[i].id, rng));
			if (cur[n].at < cur[best].at)
				best = n;
			n++;
			i = j;
		}
		unsigned choice = cur[best].first;
		if (cur[best].n > 1)
			choice += sim_rng_below(rng, cur[best].n);
		x->out->now = cur[best].at;
		/* the actor that steps draws again */
		memmove(&cur[best], &cur[best + 1], (n - best - 1) * sizeof(*cur));
		nold = n - 1;
		t = old;
		old = cur;
		cur = t;
		if ((rc = sim_take(x, choice)))
			return rc;
	}
	return SIM_RUN_OK;
}

enum sim_run_error sim_run_execute(const struct sim_model *sm, const void *init,
				   const struct sim_run_opts *o, struct sim_run *out, char *err,
				   size_t errn)
{
	struct sim_exec x = { .sm = sm, .o = o, .out = out, .err = err, .errn = errn };
	struct sim_rng rng;
	enum sim_run_error rc = SIM_RUN_OK;
	size_t i;

	memset(out, 0, sizeof(*out));
	x.world = wb_xmalloc(sm->size);
	x.before = wb_xmalloc(sm->size);
	memcpy(x.world, init, sm->size);
	out->world = x.world;
	sim_rng_seed(&rng, o->seed);
	sim_refresh(&x);

	if (o->choices) {
		for (i = 0; i < o->nchoices; i++) {
			if (o->choices[i] >= x.nact) {
				snprintf(err, errn,
					 "choice %zu is %u, but only %u steps are enabled there", i + 1,
					 o->choices[i], x.nact);
				rc = SIM_RUN_CHOICE;
				goto out;
			}
			if ((rc = sim_take(&x, o->choices[i])))
				goto out;
		}
		goto out;
	}
	for (i = 0; i < o->nsched; i++) {
		if ((rc = sim_run_entry(&x, &o->sched[i]))) {
			out->bad_entry = i;
			goto out;
		}
	}
	if (o->policy == SIM_POLICY_TIMED) {
		rc = sim_timed(&x, &rng);
		goto out;
	}
	while (x.nact) {
		unsigned c = o->policy == SIM_POLICY_RANDOM ? sim_rng_below(&rng, x.nact)
							    : sim_round_robin(&x);
		if ((rc = sim_take(&x, c)))
			goto out;
	}
out:
	free(x.before);
	out->terminal = x.nact == 0;
	if (rc == SIM_RUN_OK && x.nact == 0)
		out->verdict = sm->ops->verdict(sm->ctx, x.world);
	return rc;
}

void sim_run_free(struct sim_run *r)
{
	free(r->steps);
	free(r->times);
	free(r->world);
	memset(r, 0, sizeof(*r));
}
