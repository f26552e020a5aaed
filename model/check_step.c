/* SPDX-License-Identifier: MIT */
/*
 * check_step.c - invariants of one transition: what a step may change, given
 * the world before it, the world after it and the action that took it.
 *
 * wb_world_check() looks at one world; these look at two, and at who moved:
 *
 *  - seq only grows, and it grows exactly when the extent map changes (the
 *    validity cookie of a cached mapping relies on that);
 *  - i_size shrinks only in a truncate's setsize; the content order only grows;
 *  - a lock (a folio lock, i_rwsem, the invalidate_lock exclusive) is taken
 *    and released only by the task that takes the step, for itself;
 *  - no step removes a locked folio or one under writeback, and an eviction
 *    removes exactly its page, which was clean, unlocked, unreferenced and not
 *    under writeback;
 *  - an IO is created by its parent's start_writeback and advances only by its
 *    own steps; no step moves another task's program counter (except the one
 *    retry a fault takes when its folio goes) and a finished task stays so;
 *  - per program counter, what each task holds after the step, as its actor's
 *    holds hook says (a writer between rwsem_lock and rwsem_unlock owns
 *    i_rwsem, and between its folio lock and write_end its folio, locked with
 *    a reference; a writeback pass between wb_lock and start_writeback holds
 *    b.cur locked; a fault's FT_* bits say which locks and references it
 *    holds...), and conversely every lock and reference belongs to a task that
 *    says it holds it;
 *  - the step wrote only resources its actor's footprint for partial-order
 *    reduction says it writes (wb_check_footprint, ops.c);
 *  - and whatever the acting task's actor checks of its own step (its
 *    check_step hook: writeback creates an IO only at start_writeback).
 *
 * Nothing here knows an actor by name: the rows' flags and hooks (actor.h)
 * say who may shrink i_size, who evicts, who submits IO.  Debug builds run
 * this after every step (sim/explore.c, sim/run.c); it is the model's
 * check_step hook in wb_sim_ops.
 */
#include <stdio.h>
#include <string.h>

#include "model/actor.h"
#include "model/por.h"
#include "model/world.h"

#define FAIL(...)                                                                                  \
	do {                                                                                       \
		snprintf(msg, n, __VA_ARGS__);                                                     \
		return -1;                                                                         \
	} while (0)

static const char *wb_name(const struct wb_model *m, unsigned t)
{
	return m->sc->tasks[t].name;
}

/* A lock word may change only to or from the acting task (owner + 1 encodings; 0 free). */
static bool wb_lock_moved_by(uint8_t before, uint8_t after, int actor)
{
	if (before == after)
		return true;
	return (before == 0 || before == actor + 1) && (after == 0 || after == actor + 1);
}

/* The inode and the extent map. */
static int wb_check_inode(const struct wb_model *m, const void *b, const void *a, int actor,
			  char *msg, size_t n)
{
	const struct wb_inode *ib = wb_inode(WBC(b)), *ia = wb_inode(WBC(a));
	bool ext_changed = memcmp(wb_ext(m, WBC(b)), wb_ext(m, WBC(a)), m->nblocks) != 0;

	if (ia->seq < ib->seq)
		FAIL("seq went back from %u to %u", ib->seq, ia->seq);
	if (ext_changed && ia->seq == ib->seq)
		FAIL("the extent map changed but seq stayed %u", ia->seq);
	if (!ext_changed && ia->seq != ib->seq)
		FAIL("seq moved %u->%u but the extent map did not change", ib->seq, ia->seq);
	if (ia->i_size < ib->i_size && (actor < 0 || !wb_task_is(m, (unsigned)actor, WB_ACT_SHRINKS)))
		FAIL("i_size shrank %u->%u outside a truncate", ib->i_size, ia->i_size);
	if (ia->norder < ib->norder || memcmp(ia->order, ib->order, ib->norder))
		FAIL("the content order lost or rewrote an entry");
	if (ia->norder > ib->norder + 1)
		FAIL("the content order grew by %u entries in one step", ia->norder - ib->norder);
	return 0;
}

/* Locks change hands only by the acting task; folios go only when nothing pins them. */
static int wb_check_locks(const struct wb_model *m, const void *b, const void *a, int actor,
			  uint32_t action, char *msg, size_t n)
{
	const struct wb_inode *ib = wb_inode(WBC(b)), *ia = wb_inode(WBC(a));
	bool evicts = actor >= 0 && wb_task_is(m, (unsigned)actor, WB_ACT_EVICTS);
	unsigned p, removed = 0;

	if (!wb_lock_moved_by(ib->rwsem_owner, ia->rwsem_owner, actor))
		FAIL("i_rwsem changed hands %u->%u, not by the stepping task", ib->rwsem_owner,
		     ia->rwsem_owner);
	if (!wb_lock_moved_by(ib->inval_excl, ia->inval_excl, actor))
		FAIL("the invalidate_lock changed hands %u->%u, not by the stepping task",
		     ib->inval_excl, ia->inval_excl);
	for (p = 0; p < m->npages; p++) {
		const struct folio *fb = wb_folio(m, WBC(b), p), *fa = wb_folio(m, WBC(a), p);
		bool gone = (fb->flags & FOLIO_PRESENT) && !(fa->flags & FOLIO_PRESENT);
		/*
		 * The stepping task may drop its own lock and then remove the folio: a writer's
		 * failed iomap_valid unlocks its folio and iomap_write_failed() truncates it.
		 */
		if (gone && ((fb->locked && fb->locked != actor + 1) ||
			     (fb->flags & FOLIO_WRITEBACK)))
			FAIL("page %u removed while %s", p,
			     fb->locked ? "locked" : "under writeback");
		if (!wb_lock_moved_by(fb->locked, fa->locked, actor))
			FAIL("page %u: lock changed hands %u->%u, not by the stepping task", p,
			     fb->locked, fa->locked);
		if (!gone)
			continue;
		removed++;
		if (!evicts)
			continue;
		/* a large folio goes whole, named by its head page */
		if (wb_fhead(m, b, p) != WB_ACTION_ARG(action))
			FAIL("evict of page %u removed page %u", WB_ACTION_ARG(action), p);
		if (fb->flags & (FOLIO_DIRTY | FOLIO_REF | FOLIO_FREF_MASK))
			FAIL("page %u evicted while %s", p,
			     (fb->flags & FOLIO_DIRTY) ? "dirty" : "referenced");
	}
	if (evicts && removed != wb_fpages(m, b, WB_ACTION_ARG(action))) {
		if (wb_fpages(m, b, WB_ACTION_ARG(action)) == 1)
			FAIL("an evict removed %u folios", removed);
		FAIL("an evict removed %u pages of a %u-page folio", removed,
		     wb_fpages(m, b, WB_ACTION_ARG(action)));
	}
	return 0;
}

/* IOs: created by a task that submits IO, as their parent; advanced only by their own steps. */
static int wb_check_ios(const struct wb_model *m, const void *b, const void *a, int actor,
			uint32_t action, char *msg, size_t n)
{
	unsigned p;

	for (p = 0; p < m->npages; p++) {
		const struct wb_io *ib = wb_io(m, WBC(b), p), *ia = wb_io(m, WBC(a), p);
		bool own = WB_ACTION_SLOT(action) == WB_IO_SLOT0 + p;
		if (!ib->phase && !ia->phase)
			continue;
		if (!ib->phase) {
			if (actor < 0 || ia->parent != (unsigned)actor ||
			    !wb_task_is(m, (unsigned)actor, WB_ACT_IO))
				FAIL("page %u: an IO appeared, not by its parent", p);
			continue;
		}
		if (!own && memcmp(ib, ia, sizeof(*ib)))
			FAIL("page %u: the IO changed, not by its own step", p);
		if (own && !((ib->phase == IO_SUBMITTED && ia->phase == IO_WRITTEN) ||
			     (ib->phase == IO_WRITTEN && !ia->phase)))
			FAIL("page %u: IO phase %u->%u", p, ib->phase, ia->phase);
	}
	return 0;
}

/*
 * No task moves another's program counter and a finished task never changes,
 * except that a folio's removal may send a task that held on to it back (its
 * actor's folio_removed hook: a fault looks the folio up again).
 */
static int wb_check_pcs(const struct wb_model *m, const void *b, const void *a, int actor,
			char *msg, size_t n)
{
	bool removed = false;
	unsigned t, p;

	for (p = 0; p < m->npages; p++)
		removed |= (wb_folio(m, WBC(b), p)->flags & FOLIO_PRESENT) &&
			   !(wb_folio(m, WBC(a), p)->flags & FOLIO_PRESENT);
	for (t = 0; t < m->ntasks; t++) {
		const union wb_task_state *tb = wb_task(m, WBC(b), t), *ta = wb_task(m, WBC(a), t);
		if (wb_task_finished(m, b, t) && memcmp(tb, ta, sizeof(*tb)))
			FAIL("%s changed after it finished", wb_name(m, t));
		if ((int)t == actor || tb->raw[0] == ta->raw[0])
			continue;
		if (removed && wb_actor_of(m, t)->folio_removed)
			continue;
		FAIL("%s moved from pc %u to %u on another task's step", wb_name(m, t), tb->raw[0],
		     ta->raw[0]);
	}
	return 0;
}

/* Each task holds what its actor says it holds, and every lock and reference has such a holder. */
static int wb_check_holds(const struct wb_model *m, const void *w, char *msg, size_t n)
{
	void *cw = WBC(w);
	const struct wb_inode *ino = wb_inode(cw);
	struct wb_held h[WB_MAX_TASKS];
	unsigned t, p, inval_shared = 0, rwsem_shared = 0;

	for (t = 0; t < m->ntasks; t++) {
		const char *name = wb_name(m, t);
		unsigned pc = wb_task(m, cw, t)->raw[0];
		if (wb_task_holds(m, w, t, &h[t], msg, n))
			return -1;
		if (h[t].rwsem != (ino->rwsem_owner == t + 1))
			FAIL("%s at pc %u %s i_rwsem", name, pc,
			     ino->rwsem_owner == t + 1 ? "holds" : "does not hold");
		if (h[t].inval != (ino->inval_excl == t + 1))
			FAIL("%s at pc %u: the invalidate_lock disagrees", name, pc);
		inval_shared += h[t].inval_shared;
		rwsem_shared += h[t].rwsem_shared;
		if (h[t].writer_ref >= 0) {
			const struct folio *f = wb_folio(m, cw, (unsigned)h[t].writer_ref);
			if (!(f->flags & FOLIO_PRESENT) || !(f->flags & FOLIO_REF))
				FAIL("%s at pc %u lacks its reference on page %d", name, pc,
				     h[t].writer_ref);
		}
		if (h[t].folio_lock >= 0) {
			const struct folio *f = wb_folio(m, cw, (unsigned)h[t].folio_lock);
			if (!(f->flags & FOLIO_PRESENT) || f->locked != t + 1)
				FAIL("%s at pc %u does not hold the lock of page %d", name, pc,
				     h[t].folio_lock);
		}
	}
	if (inval_shared != ino->inval_shared)
		FAIL("invalidate_lock: %u shared holders, %u tasks hold it", ino->inval_shared,
		     inval_shared);
	if (rwsem_shared != ino->rwsem_shared)
		FAIL("i_rwsem: %u shared holders, %u tasks hold it", ino->rwsem_shared, rwsem_shared);
	for (p = 0; p < m->npages; p++) {
		const struct folio *f = wb_folio(m, cw, p);
		unsigned frefs = 0, wrefs = 0;
		/* large folios: a task holds the folio through any page of it */
		unsigned head = wb_fhead(m, w, p);
		for (t = 0; t < m->ntasks; t++) {
			/* a fault's reference is on its folio, counted in every slot of it */
			frefs += h[t].fault_ref >= 0 && wb_fhead(m, w, (unsigned)h[t].fault_ref) == head;
			wrefs += h[t].writer_ref >= 0 && wb_fhead(m, w, (unsigned)h[t].writer_ref) == head;
		}
		if ((unsigned)(f->flags & FOLIO_FREF_MASK) / FOLIO_FREF_ONE != frefs)
			FAIL("page %u: %u fault references, %u faults hold one", p,
			     (f->flags & FOLIO_FREF_MASK) / FOLIO_FREF_ONE, frefs);
		if ((f->flags & FOLIO_REF) && !wrefs)
			FAIL("page %u: a writer reference no writer holds", p);
		if (f->locked && (h[f->locked - 1u].folio_lock < 0 ||
				  wb_fhead(m, w, (unsigned)h[f->locked - 1u].folio_lock) != head))
			FAIL("page %u: locked by %s, which does not hold it", p,
			     wb_name(m, f->locked - 1u));
	}
	return 0;
}

int wb_check_step(void *ctx, const void *before, const void *after, uint32_t action, char *msg,
		  size_t n)
{
	const struct wb_model *m = ctx;
	unsigned slot = WB_ACTION_SLOT(action);
	int actor = slot < WB_IO_SLOT0 ? (int)slot : -1; /* an IO step is no task's */

	if (actor >= (int)m->ntasks)
		FAIL("action 0x%x names no task", action);
	if (wb_check_inode(m, before, after, actor, msg, n) ||
	    wb_check_locks(m, before, after, actor, action, msg, n) ||
	    wb_check_ios(m, before, after, actor, action, msg, n) ||
	    wb_check_pcs(m, before, after, actor, msg, n))
		return -1;
	if (actor >= 0 && wb_actor_of(m, (unsigned)actor)->check_step &&
	    wb_actor_of(m, (unsigned)actor)->check_step(m, before, after, (unsigned)actor, msg, n))
		return -1;
	if (wb_check_holds(m, after, msg, n))
		return -1;
	return wb_check_footprint(m, before, after, action, msg, n);
}
