/* SPDX-License-Identifier: MIT */
/* toy_model.c - the lost-update model of toy_model.h. */
#include "tests/toy_model.h"

#include <stdio.h>
#include <string.h>

static const char *const toy_steps[] = { "load", "store" };

void toy_init(struct toy_world *w)
{
	memset(w, 0, sizeof(*w));
}

static unsigned toy_enabled(void *ctx, const void *w, struct sim_action *out)
{
	const struct toy_ctx *c = ctx;
	const struct toy_world *tw = w;
	unsigned n = 0, t;

	for (t = 0; t < c->ntasks; t++) {
		if (tw->pc[t] >= 2 * c->increments)
			continue;
		out[n].id = t;
		out[n++].actor = t;
	}
	return n;
}

static const char *const toy_events[] = { "first_done", NULL };

static uint32_t toy_apply(void *ctx, void *w, uint32_t a)
{
	const struct toy_ctx *c = ctx;
	struct toy_world *tw = w;

	if (c->independent) {
		tw->pc[a]++;
		if (tw->pc[a] == 2 * c->increments && !tw->first) {
			tw->first = (uint8_t)(a + 1);
			return 1;
		}
		return 0;
	}
	if (tw->pc[a] % 2 == 0)
		tw->tmp[a] = tw->counter;
	else
		tw->counter = (uint8_t)(tw->tmp[a] + 1);
	tw->pc[a]++;
	return 0;
}

static int toy_check(void *ctx, const void *w, char *msg, size_t n)
{
	const struct toy_ctx *c = ctx;
	const struct toy_world *tw = w;

	if (tw->counter > c->ntasks * c->increments) {
		snprintf(msg, n, "counter %u too large", tw->counter);
		return -1;
	}
	return 0;
}

static int toy_check_step(void *ctx, const void *before, const void *after, uint32_t a,
			  char *msg, size_t n)
{
	const struct toy_ctx *c = ctx;
	const struct toy_world *b = before, *w = after;

	if (c->monotonic && w->counter < b->counter) {
		snprintf(msg, n, "T%u lowered the counter %u -> %u", a, b->counter, w->counter);
		return -1;
	}
	return 0;
}

static enum sim_verdict toy_verdict(void *ctx, const void *w)
{
	const struct toy_ctx *c = ctx;
	const struct toy_world *tw = w;

	if (c->independent)
		return SIM_SAFE;
	return tw->counter == c->ntasks * c->increments ? SIM_SAFE : SIM_CORRUPT;
}

static bool toy_outcome(void *ctx, const void *w, char *buf, size_t n)
{
	const struct toy_ctx *c = ctx;
	const struct toy_world *tw = w;

	if (c->independent)
		snprintf(buf, n, "T%u finished first", tw->first - 1u);
	else
		snprintf(buf, n, "counter %u", tw->counter);
	return true;
}

static void toy_label(void *ctx, const void *w, uint32_t a, struct sim_label *out)
{
	const struct toy_world *tw = w;

	(void)ctx;
	snprintf(out->actor, sizeof(out->actor), "T%u", a);
	out->step = toy_steps[tw->pc[a] % 2];
	out->arg = -1;
}

static enum sim_actor_status toy_status(void *ctx, const void *w, const char *actor, char *why,
					size_t n)
{
	const struct toy_ctx *c = ctx;
	const struct toy_world *tw = w;
	unsigned t;

	(void)why;
	(void)n;
	if (actor[0] != 'T' || actor[1] < '0' || actor[1] > '9' || actor[2])
		return SIM_ACTOR_UNKNOWN;
	t = (unsigned)(actor[1] - '0');
	if (t >= c->ntasks)
		return SIM_ACTOR_UNKNOWN;
	return tw->pc[t] >= 2 * c->increments ? SIM_ACTOR_FINISHED : SIM_ACTOR_RUNNABLE;
}

static bool toy_step_known(void *ctx, const char *actor, const char *step)
{
	(void)ctx;
	(void)actor;
	return !strcmp(step, "load") || !strcmp(step, "store");
}

const struct sim_ops toy_ops = {
	.enabled = toy_enabled,
	.apply = toy_apply,
	.event_names = toy_events,
	.outcome = toy_outcome,
	.check = toy_check,
	.check_step = toy_check_step,
	.verdict = toy_verdict,
	.label = toy_label,
	.actor_status = toy_status,
	.step_known = toy_step_known,
};
