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
	/* wb_task_can_step(), with the finished tasks found once */
	uint32_t finished = wb_tasks_finished(m, w);

	for (t = 0; t < m->ntasks; t++) {
		const struct wb_actor *act = wb_actor_of(m, t);
		if (!((finished >> t) & 1u) && !(m->sc->tasks[t].after & ~finished) &&
		    act->enabled(m, w, t, NULL, 0)) {
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
 * A task other than self whose step must come before page p's folio is free
 * (wb_por_gates): the lock's owner, or with pins one holding a writer's
 * reference (any one will do: every holder must let go).  Only a task's own
 * step lets go of these: no task removes a locked folio, and a writer's
 * reference is taken under i_rwsem, which every task that removes folios but
 * reclaim holds.  A fault's reference is not one of them: a truncate may
 * remove its folio.  Here the one holding a writer's reference of a folio that
 * has one; -1: none.
 */
int wb_por_ref_holder(const struct wb_model *m, const void *w, unsigned p, unsigned self)
{
	struct wb_held h;

	for (unsigned t = 0; t < m->ntasks; t++)
		if (t != self && wb_task_holds(m, w, t, &h, NULL, 0) == 0 && h.writer_ref == (int)p)
			return (int)t;
	return -1;
}

/* A mask of pages widened to whole groups of 2^max_order (large folios; see below). */
static uint64_t wb_por_widen_mask(const struct wb_model *m, uint64_t mask)
{
	unsigned g = 1u << m->max_order;
	uint64_t out = 0, group = wb_page_range_mask(0, g - 1);

	for (unsigned first = 0; first < m->npages; first += g)
		if (mask & (group << first))
			out |= group << first;
	return out;
}

/* The reduction's facts of the state (model/por.h) */
_Thread_local struct wb_por_state wb_por_state;

const uint32_t *wb_por_tasks_fill(const struct wb_model *m, const void *w, enum wb_any_gate kind)
{
	uint32_t *tasks = wb_por_state.tasks[kind - 1];
	uint64_t pages = wb_page_range_mask(0, m->npages - 1);

	for (unsigned p = 0; p < m->npages; p++)
		tasks[p] = 0;
	for (unsigned t = 0; t < m->ntasks; t++) {
		const struct wb_actor *act = wb_actor_of(m, t);
		if ((wb_por_state.finished >> t) & 1u)
			continue;
		uint64_t (*may)(const struct wb_model *, const void *, unsigned) =
			kind == WB_ANY_DIRTIER ? act->may_dirty : act->may_clean;
		if (may == wb_never_dirties)
			continue; /* no page */
		uint64_t mask = may ? may(m, w, t) : ~0ull;
		/* a large folio is dirtied, cleaned, brought in or removed whole */
		if (m->lf)
			mask = wb_por_widen_mask(m, mask);
		for (mask &= pages; mask; mask &= mask - 1)
			tasks[__builtin_ctzll(mask)] |= 1u << t;
	}
	wb_por_state.valid |= 1u << kind;
	return tasks;
}

_Thread_local struct sim_fp wb_por_unreachable;

/*
 * Large folios (m->lf): a step on a folio touches every page of it, and a
 * folio lies within one aligned group of 2^max_order pages (folios are
 * naturally aligned, at most that large).  So each page resource an actor
 * names stands for its whole group: sound whatever the folios are now or
 * will be, and without a change to any actor's hook.
 */
/* Page p's resource of kind k: FOLIO (0), DATA, DISK, IO, then DIRTY (4) and WBACK (5). */
static unsigned wb_page_resource(unsigned p, unsigned k)
{
	return WB_R_PAGES + 6u * p + k;
}

static void wb_por_widen_fp(const struct wb_model *m, struct sim_fp *f)
{
	unsigned g = 1u << m->max_order;

	for (unsigned p = 0; p < m->npages; p++)
		for (unsigned k = 0; k < 6; k++) {
			unsigned r = wb_page_resource(p, k);
			unsigned how = ((f->r[r / 64] >> (r % 64)) & 1u ? WB_RD : 0) |
				       ((f->w[r / 64] >> (r % 64)) & 1u ? WB_WR : 0);
			if (!how)
				continue;
			unsigned first = p & ~(g - 1u), last = first + g - 1u;
			if (last >= m->npages)
				last = m->npages - 1;
			for (unsigned q = first; q <= last; q++)
				wb_fp_bit(f, wb_page_resource(q, k), how);
		}
}

static void wb_por_widen(const struct wb_model *m, struct sim_por_actor *a)
{
	wb_por_widen_fp(m, &a->now);
	wb_por_widen_fp(m, &a->future);
	for (unsigned g = 0; g < a->ngated; g++)
		wb_por_widen_fp(m, &a->gated[g].fp);
}

/*
 * Partial-order reduction: every unfinished actor's footprints (model/por.h),
 * from its actor's hook (a task without one touches everything), with the
 * "after" ordering: a task's steps may finish it (DONE(t)), and a task waits
 * for the tasks it runs after.
 */
unsigned wb_por_actors(void *ctx, const void *w, struct sim_por_actor *out)
{
	const struct wb_model *m = ctx;
	unsigned n = 0, t, p;

	wb_por_state.valid = 0;
	wb_por_state.finished = wb_tasks_finished(m, w);
	for (t = 0; t < m->ntasks; t++) {
		const struct wb_actor *act = wb_actor_of(m, t);
		if (!((wb_por_state.finished >> t) & 1u)) {
			struct sim_por_actor *a = &out[n++];
			/* its own DONE(t), and those of the unfinished tasks it runs after */
			uint64_t done = WB_M(WB_R_DONE(t)),
				 waits = (uint64_t)(m->sc->tasks[t].after & ~wb_por_state.finished)
					 << WB_R_DONE(0);
			wb_por_start(a, wb_actor_key(t, -1));
			if (act->por) {
				act->por(m, w, t, a);
			} else {
				wb_fp_all(&a->now);
				wb_fp_all(&a->future);
			}
			wb_fp_inode(&a->now, waits, done);
			wb_fp_inode(&a->future, waits, done);
		}
		if (!(act->flags & WB_ACT_IO))
			continue;
		for (p = 0; p < m->npages; p++) {
			const struct wb_io *io = wb_io(m, WBC(w), p);
			if (!io->phase || io->parent != t)
				continue;
			struct sim_por_actor *a = &out[n++];
			wb_por_start(a, wb_actor_key(t, io->k));
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

/*
 * A transition invariant for the reduction (check_step.c, debug builds):
 * every resource the step wrote is in its actor's `now` write set, taken on
 * the world before it.  The reads a footprint declares are not checked (a
 * read leaves no trace in the worlds); the task slots of other tasks are
 * not either (a folio's removal and start_writeback clear other tasks'
 * references and TOWRITE tags; their footprints cover it through FLAGS).
 */
static bool wb_fp_has_w(const struct sim_fp *f, unsigned r)
{
	return (f->w[r / 64] >> (r % 64)) & 1u;
}

static void wb_written(const struct wb_model *m, const uint8_t *b, const uint8_t *a,
		       struct sim_fp *out)
{
	const struct wb_inode *ib = (const void *)b, *ia = (const void *)a;
	size_t i;

	memset(out, 0, sizeof(*out));
	if (ib->seq != ia->seq)
		wb_fp_bit(out, WB_R_MAP, WB_WR);
	if (ib->i_size != ia->i_size)
		wb_fp_bit(out, WB_R_ISIZE, WB_WR);
	if (ib->rwsem_owner != ia->rwsem_owner || ib->rwsem_shared != ia->rwsem_shared)
		wb_fp_bit(out, WB_R_RWSEM, WB_WR);
	if (ib->norder != ia->norder || memcmp(ib->order, ia->order, sizeof(ib->order)))
		wb_fp_bit(out, WB_R_ORDER, WB_WR);
	if (ib->inval_excl != ia->inval_excl || ib->inval_shared != ia->inval_shared)
		wb_fp_bit(out, WB_R_INVAL, WB_WR);
	for (i = 0; i < m->nblocks; i++)
		if (b[m->off_ext + i] != a[m->off_ext + i])
			wb_fp_bit(out, WB_R_MAP, WB_WR);
	for (unsigned p = 0; p < m->npages; p++) {
		const struct folio *fb = wb_folio(m, WBC(b), p), *fa = wb_folio(m, WBC(a), p);
		uint8_t x = fb->flags ^ fa->flags;
		bool dirty_b = (fb->flags & (FOLIO_PRESENT | FOLIO_DIRTY)) ==
			       (FOLIO_PRESENT | FOLIO_DIRTY);
		bool dirty_a = (fa->flags & (FOLIO_PRESENT | FOLIO_DIRTY)) ==
			       (FOLIO_PRESENT | FOLIO_DIRTY);
		if (dirty_b != dirty_a)
			wb_fp_bit(out, WB_R_DIRTY(p), WB_WR);
		if (x & FOLIO_WRITEBACK)
			wb_fp_bit(out, WB_R_WBACK(p), WB_WR);
		if ((x & ~(FOLIO_DIRTY | FOLIO_WRITEBACK)) || fb->locked != fa->locked ||
		    fb->uptodate != fa->uptodate)
			wb_fp_bit(out, WB_R_FOLIO(p), WB_WR);
		if (m->pbd && *wb_dirty(m, WBC(b), p) != *wb_dirty(m, WBC(a), p))
			wb_fp_bit(out, WB_R_FOLIO(p), WB_WR);
		if (memcmp(wb_io(m, WBC(b), p), wb_io(m, WBC(a), p), sizeof(struct wb_io)))
			wb_fp_bit(out, WB_R_IO(p), WB_WR);
		if (memcmp(wb_cache(m, WBC(b), p), wb_cache(m, WBC(a), p), m->gpp))
			wb_fp_bit(out, WB_R_DATA(p), WB_WR);
	}
	for (i = 0; i < (size_t)m->nblocks * m->gpb; i++)
		if (b[m->off_disk + i] != a[m->off_disk + i])
			wb_fp_bit(out, WB_R_DISK(i / m->gpb / m->bpp), WB_WR);
	if (memcmp(b + m->off_drop, a + m->off_drop, ((size_t)m->npages * m->gpp + 7) / 8))
		wb_fp_bit(out, WB_R_DROP, WB_WR);
}

int wb_check_footprint(const struct wb_model *m, const void *before, const void *after,
		       uint32_t action, char *msg, size_t n)
{
	/* at most one actor per task and per page's IO (wb_por_actors) */
	struct sim_por_actor *pa = malloc((m->ntasks + m->npages) * sizeof(*pa));
	unsigned slot = WB_ACTION_SLOT(action), na, i, r;
	uint32_t key;
	struct sim_fp wrote;
	int ret = 0;

	if (!pa)
		return 0; /* no memory for the check: skip it */
	if (slot < WB_IO_SLOT0) {
		key = wb_actor_key(slot, -1);
	} else {
		const struct wb_io *io = wb_io(m, WBC(before), slot - WB_IO_SLOT0);
		key = wb_actor_key(io->parent, io->k);
	}
	na = wb_por_actors(WBC(m), before, pa);
	for (i = 0; i < na && pa[i].actor != key; i++)
		;
	if (i == na) {
		snprintf(msg, n, "the step's actor has no footprint");
		ret = -1;
	} else {
		wb_written(m, before, after, &wrote);
		pa[i].now.w[0] |= pa[i].now.inc; /* a commutative update writes too */
		for (r = 0; r < 64 * SIM_FP_WORDS && !ret; r++)
			if (wb_fp_has_w(&wrote, r) && !wb_fp_has_w(&pa[i].now, r)) {
				snprintf(msg, n, "it wrote resource %u (model/por.h), which its "
					 "footprint does not say", r);
				ret = -1;
			}
	}
	free(pa);
	return ret;
}
