/* SPDX-License-Identifier: MIT */
/*
 * ops.c - the model seen by the engine: which steps are enabled, applying
 * one, naming it, and the verdict of a finished execution.
 *
 * An action is (slot << 8 | arg): slots below WB_MAX_TASKS are the scenario's
 * tasks (arg: the page for evict), slot WB_IO_SLOT0 + p is the IO activity on
 * page p.  Actions are listed in round-robin order: the tasks in scenario
 * order, each followed by its IO activities in creation order.  The actor key
 * (task << 16 | k + 1) keeps that order after an IO is gone.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/actor.h"
#include "model/oracle.h"
#include "model/por.h"
#include "model/world.h"
#include "model/writeback.h"

static uint32_t wb_actor_key(unsigned task, int k)
{
	return ((uint32_t)task << 16) | (uint32_t)(k + 1);
}

static bool wb_task_can_step(const struct wb_model *m, const void *w, unsigned t, char *why,
			     size_t n)
{
	const struct wb_task_def *td = &m->sc->tasks[t];

	if (wb_task_finished(m, w, t)) {
		WB_WHY(why, n, "finished");
		return false;
	}
	if (!wb_task_after_done(m, w, t)) {
		unsigned i;
		for (i = 0; i < m->ntasks; i++)
			if ((td->after & (1u << i)) && !wb_task_finished(m, w, i))
				break;
		WB_WHY(why, n, "runs after %s, which has not finished", m->sc->tasks[i].name);
		return false;
	}
	return wb_actor_of(m, t)->enabled(m, w, t, why, n);
}

static unsigned wb_ops_enabled(void *ctx, const void *w, struct sim_action *out)
{
	const struct wb_model *m = ctx;
	unsigned n = 0, t, p;

	for (t = 0; t < m->ntasks; t++) {
		const struct wb_actor *act = wb_actor_of(m, t);
		if (wb_task_can_step(m, w, t, NULL, 0)) {
			if (act->choices) {
				uint64_t c = act->choices(m, w, t);
				for (p = 0; p < m->npages; p++)
					if (c & (1ull << p)) {
						out[n].id = WB_ACTION(t, p);
						out[n++].actor = wb_actor_key(t, -1);
					}
			} else {
				out[n].id = WB_ACTION(t, 0);
				out[n++].actor = wb_actor_key(t, -1);
			}
		}
		if (!(act->flags & WB_ACT_IO))
			continue;
		/* this task's IOs, in creation order */
		unsigned first = n;
		for (p = 0; p < m->npages; p++) {
			const struct wb_io *io = wb_io(m, WBC(w), p);
			if (!io->phase || io->parent != t)
				continue;
			unsigned j = n++;
			while (j > first && out[j - 1].actor > wb_actor_key(t, io->k)) {
				out[j] = out[j - 1];
				j--;
			}
			out[j].id = WB_ACTION(WB_IO_SLOT0 + p, 0);
			out[j].actor = wb_actor_key(t, io->k);
		}
	}
	return n;
}

static void wb_ops_dispatch(struct wb_model *m, void *w, unsigned slot, uint32_t a)
{
	if (m->prov) {
		m->prov->step++;
		m->prov->task = slot >= WB_IO_SLOT0 ? -1 : (int)slot;
	}
	if (m->desc)
		m->desc[0] = 0;
	if (slot >= WB_IO_SLOT0) {
		wb_io_apply(m, w, slot - WB_IO_SLOT0);
		return;
	}
	wb_actor_of(m, slot)->apply(m, w, slot, WB_ACTION_ARG(a));
}

static uint32_t wb_ops_apply(void *ctx, void *w, uint32_t a)
{
	struct wb_model *m = ctx;
	unsigned slot = WB_ACTION_SLOT(a);

	m->events = 0;
	if (m->fp)
		m->fp->n = 0;
	wb_ops_dispatch(m, w, slot, a);
	return m->events;
}


/*
 * Partial-order reduction: every unfinished actor's footprints (model/por.h),
 * from its actor's hook (a task without one touches everything), with the
 * "after" ordering: a task's steps may finish it (DONE(t)), and a task waits
 * for the tasks it runs after.
 */
struct sim_fp *wb_por_gate(const struct wb_model *m, const void *w, unsigned p,
			   struct sim_por_actor *a)
{
	const struct wb_io *io = wb_io(m, WBC(w), p);
	uint32_t key;
	unsigned g;

	if (!io->phase)
		return &a->future;
	key = wb_actor_key(io->parent, io->k);
	for (g = 0; g < a->ngated && a->gated[g].gate != key; g++)
		;
	if (g == a->ngated) {
		if (g == SIM_POR_GATES)
			return &a->future; /* no room: say it without the gate */
		a->ngated++;
		memset(&a->gated[g], 0, sizeof(a->gated[g]));
		a->gated[g].gate = key;
	}
	return &a->gated[g].fp;
}

/*
 * Large folios (m->lf): a step on a folio touches every page of it, and a
 * folio lies within one aligned group of 2^max_order pages (folios are
 * naturally aligned, at most that large).  So each page resource an actor
 * names stands for its whole group: sound whatever the folios are now or
 * will be, and without a change to any actor's hook.
 */
static void wb_por_widen_fp(const struct wb_model *m, struct sim_fp *f)
{
	unsigned g = 1u << m->max_order;

	for (unsigned p = 0; p < m->npages; p++)
		for (unsigned k = 0; k < 4; k++) {
			unsigned r = WB_R_PAGES + 4u * p + k;
			unsigned how = ((f->r[r / 64] >> (r % 64)) & 1u ? WB_RD : 0) |
				       ((f->w[r / 64] >> (r % 64)) & 1u ? WB_WR : 0);
			if (!how)
				continue;
			unsigned first = p & ~(g - 1u), last = first + g - 1u;
			if (last >= m->npages)
				last = m->npages - 1;
			wb_fp_pages(f, k, first, last, how);
		}
}

static void wb_por_widen(const struct wb_model *m, struct sim_por_actor *a)
{
	wb_por_widen_fp(m, &a->now);
	wb_por_widen_fp(m, &a->future);
	for (unsigned g = 0; g < a->ngated; g++)
		wb_por_widen_fp(m, &a->gated[g].fp);
}

unsigned wb_por_actors(void *ctx, const void *w, struct sim_por_actor *out)
{
	const struct wb_model *m = ctx;
	unsigned n = 0, t, p;

	for (t = 0; t < m->ntasks; t++) {
		const struct wb_actor *act = wb_actor_of(m, t);
		if (!wb_task_finished(m, w, t)) {
			struct sim_por_actor *a = &out[n++];
			uint32_t after = m->sc->tasks[t].after;
			memset(a, 0, sizeof(*a));
			a->actor = wb_actor_key(t, -1);
			if (act->por) {
				act->por(m, w, t, a);
			} else {
				wb_fp_all(&a->now);
				wb_fp_all(&a->future);
			}
			wb_fp_add(&a->now, WB_R_DONE(t), WB_WR);
			wb_fp_add(&a->future, WB_R_DONE(t), WB_WR);
			for (unsigned i = 0; after; i++, after >>= 1)
				if ((after & 1) && !wb_task_finished(m, w, i)) {
					wb_fp_add(&a->now, WB_R_DONE(i), WB_RD);
					wb_fp_add(&a->future, WB_R_DONE(i), WB_RD);
				}
		}
		if (!(act->flags & WB_ACT_IO))
			continue;
		for (p = 0; p < m->npages; p++) {
			const struct wb_io *io = wb_io(m, WBC(w), p);
			if (!io->phase || io->parent != t)
				continue;
			struct sim_por_actor *a = &out[n++];
			memset(a, 0, sizeof(*a));
			a->actor = wb_actor_key(t, io->k);
			wb_io_por(m, w, p, &a->now, &a->future);
		}
	}
	if (m->lf)
		for (unsigned i = 0; i < n; i++)
			wb_por_widen(m, &out[i]);
	return n;
}

static const char *const wb_event_names[] = { "stale_remap", "stale_decision", "eviction",
					      NULL };

static bool wb_ops_outcome(void *ctx, const void *w, char *buf, size_t n)
{
	return wb_oracle_outcome(ctx, w, buf, n);
}

static int wb_ops_check(void *ctx, const void *w, char *msg, size_t n)
{
	return wb_world_check(ctx, w, msg, n);
}

static enum sim_verdict wb_ops_verdict(void *ctx, const void *w)
{
	return wb_oracle(ctx, w, NULL);
}

static void wb_ops_label(void *ctx, const void *w, uint32_t a, struct sim_label *out)
{
	const struct wb_model *m = ctx;
	unsigned slot = WB_ACTION_SLOT(a);

	out->arg = -1;
	if (slot >= WB_IO_SLOT0) {
		unsigned p = slot - WB_IO_SLOT0;
		const struct wb_io *io = wb_io(m, WBC(w), p);
		snprintf(out->actor, sizeof(out->actor), "%s/io%u", m->sc->tasks[io->parent].name,
			 io->k);
		out->step = wb_io_step(m, w, p)->name;
		return;
	}
	snprintf(out->actor, sizeof(out->actor), "%s", m->sc->tasks[slot].name);
	out->step = wb_task_step(m, w, slot)->name;
	if (wb_actor_of(m, slot)->choices)
		out->arg = (int)WB_ACTION_ARG(a);
}

/* "WB/io3" -> writeback task index and k; -1 if not of that form. */
static int wb_parse_io_name(const struct wb_model *m, const char *name, unsigned *k)
{
	const char *slash = strchr(name, '/');
	char *end;
	unsigned t;

	if (!slash || strncmp(slash + 1, "io", 2) != 0 || !slash[3])
		return -1;
	unsigned long v = strtoul(slash + 3, &end, 10);
	if (*end || v > 65535)
		return -1;
	for (t = 0; t < m->ntasks; t++)
		if (strlen(m->sc->tasks[t].name) == (size_t)(slash - name) &&
		    !strncmp(m->sc->tasks[t].name, name, (size_t)(slash - name)) &&
		    wb_task_is(m, t, WB_ACT_IO)) {
			*k = (unsigned)v;
			return (int)t;
		}
	return -1;
}

static int wb_task_by_name(const struct wb_model *m, const char *name)
{
	unsigned t;

	for (t = 0; t < m->ntasks; t++)
		if (!strcmp(m->sc->tasks[t].name, name))
			return (int)t;
	return -1;
}

static enum sim_actor_status wb_ops_actor_status(void *ctx, const void *w, const char *name,
						 char *why, size_t n)
{
	const struct wb_model *m = ctx;
	int t = wb_task_by_name(m, name);
	unsigned k, p;

	if (t >= 0) {
		if (wb_task_finished(m, w, (unsigned)t))
			return SIM_ACTOR_FINISHED;
		return wb_task_can_step(m, w, (unsigned)t, why, n) ? SIM_ACTOR_RUNNABLE
								   : SIM_ACTOR_BLOCKED;
	}
	t = wb_parse_io_name(m, name, &k);
	if (t < 0)
		return SIM_ACTOR_UNKNOWN;
	for (p = 0; p < m->npages; p++) {
		const struct wb_io *io = wb_io(m, WBC(w), p);
		if (io->phase && io->parent == (unsigned)t && io->k == k)
			return SIM_ACTOR_RUNNABLE;
	}
	WB_WHY(why, n, "is not in flight (not submitted yet, or already complete)");
	return SIM_ACTOR_ABSENT;
}

static bool wb_ops_step_known(void *ctx, const char *actor, const char *step)
{
	const struct wb_model *m = ctx;
	const char *const *v;
	unsigned k;
	int t = wb_task_by_name(m, actor);

	if (t >= 0)
		v = wb_steps_of(m->sc->tasks[t].op);
	else if (wb_parse_io_name(m, actor, &k) >= 0)
		v = wb_io_steps_vocab();
	else
		return false;
	for (; *v; v++)
		if (!strcmp(*v, step))
			return true;
	return false;
}

static void wb_ops_pack(void *ctx, const void *w, uint8_t *out)
{
	wb_pack(ctx, w, out);
}

static void wb_ops_repack(void *ctx, const void *parent, const uint8_t *parent_key, const void *w,
			  uint8_t *out)
{
	wb_repack(ctx, parent, parent_key, w, out);
}

/*
 * A context for another thread of the search: the model is read-only but for
 * the scratch of the step being applied (events; footprint, provenance and
 * description stay off in a search), so a copy is all a thread needs.
 */
static void *wb_ops_ctx_clone(void *ctx)
{
	const struct wb_model *m = ctx;
	struct wb_model *c = malloc(sizeof(*c));

	if (c) {
		*c = *m;
		c->fp = NULL;
		c->prov = NULL;
		c->desc = NULL;
	}
	return c;
}

static void wb_ops_ctx_free(void *ctx)
{
	free(ctx);
}

const struct sim_ops wb_sim_ops = {
	.pack = wb_ops_pack,
	.repack = wb_ops_repack,
	.enabled = wb_ops_enabled,
	.apply = wb_ops_apply,
	.event_names = wb_event_names,
	.outcome = wb_ops_outcome,
	.check = wb_ops_check,
	.check_step = wb_check_step,
	.verdict = wb_ops_verdict,
	.label = wb_ops_label,
	.actor_status = wb_ops_actor_status,
	.step_known = wb_ops_step_known,
	.por_actors = wb_por_actors,
	.ctx_clone = wb_ops_ctx_clone,
	.ctx_free = wb_ops_ctx_free,
};
