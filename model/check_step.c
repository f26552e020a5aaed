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
 *  - per program counter, what each task holds after the step: a writer
 *    between rwsem_lock and rwsem_unlock owns i_rwsem, and between its folio
 *    lock and write_end its folio, locked with a reference; a writeback pass
 *    between wb_lock and start_writeback holds b.cur locked (and from
 *    map_blocks on, not under writeback); a fault's FT_* bits say exactly
 *    which locks and references it holds; and conversely every lock and
 *    writer reference belongs to a task whose program counter says it holds it.
 *
 * Debug builds run this after every step (sim/explore.c, sim/run.c); it is
 * the model's check_step hook in wb_sim_ops.
 */
#include <stdio.h>
#include <string.h>

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

/* The page a fault works on. */
static unsigned wb_fault_page_of(const struct wb_model *m, unsigned t)
{
	return (unsigned)(m->sc->tasks[t].offset / m->ps);
}

static bool wb_is_fault(const struct wb_model *m, unsigned t)
{
	return m->sc->tasks[t].op == WB_OP_READ_FAULT || m->sc->tasks[t].op == WB_OP_MMAP_WRITE;
}

static bool wb_is_rangeop(const struct wb_model *m, unsigned t)
{
	enum wb_op op = m->sc->tasks[t].op;

	return op == WB_OP_PUNCH || op == WB_OP_FALLOCATE || op == WB_OP_TRUNCATE;
}

/* A writer's folio: locked by it, with its reference, between folio lock and write_end. */
static bool wb_writer_locks_folio(uint8_t pc)
{
	return pc == WP_VALID_AFTER || pc == WP_WRITE_BEGIN || pc == WP_COPY || pc == WP_ZERO ||
	       pc == WP_WRITE_END;
}

/* ... and referenced, not yet locked, at folio_lock. */
static bool wb_writer_refs_folio(uint8_t pc)
{
	return pc == WP_FOLIO_LOCK || wb_writer_locks_folio(pc);
}

static bool wb_writer_holds_rwsem(uint8_t pc)
{
	return pc != WP_RWSEM_LOCK && pc != WP_DONE;
}

static bool wb_rangeop_holds_rwsem(uint8_t pc)
{
	return pc >= RP_INVAL_LOCK && pc <= RP_UNLOCK;
}

static bool wb_rangeop_holds_inval(uint8_t pc)
{
	return pc >= RP_FLUSH && pc <= RP_UNLOCK;
}

static bool wb_writeback_locks_cur(uint8_t pc)
{
	return pc == BP_CLEAR_DIRTY || pc == BP_MAP_BLOCKS || pc == BP_START_WRITEBACK;
}

/* A lock word may change only to or from the acting task (owner + 1 encodings; 0 free). */
static bool wb_lock_moved_by(uint8_t before, uint8_t after, int actor)
{
	if (before == after)
		return true;
	return (before == 0 || before == actor + 1) && (after == 0 || after == actor + 1);
}

/* The inode and the extent map. */
static int wb_check_inode(const struct wb_model *m, const void *b, const void *a,
			  const struct wb_task_def *td, char *msg, size_t n)
{
	const struct wb_inode *ib = wb_inode(WBC(b)), *ia = wb_inode(WBC(a));
	bool ext_changed = memcmp(wb_ext(m, WBC(b)), wb_ext(m, WBC(a)), m->nblocks) != 0;

	if (ia->seq < ib->seq)
		FAIL("seq went back from %u to %u", ib->seq, ia->seq);
	if (ext_changed && ia->seq == ib->seq)
		FAIL("the extent map changed but seq stayed %u", ia->seq);
	if (!ext_changed && ia->seq != ib->seq)
		FAIL("seq moved %u->%u but the extent map did not change", ib->seq, ia->seq);
	if (ia->i_size < ib->i_size && (!td || td->op != WB_OP_TRUNCATE))
		FAIL("i_size shrank %u->%u outside a truncate", ib->i_size, ia->i_size);
	if (ia->norder < ib->norder || memcmp(ia->order, ib->order, ib->norder))
		FAIL("the content order lost or rewrote an entry");
	if (ia->norder > ib->norder + 1)
		FAIL("the content order grew by %u entries in one step", ia->norder - ib->norder);
	return 0;
}

/* Locks change hands only by the acting task; folios go only when nothing pins them. */
static int wb_check_locks(const struct wb_model *m, const void *b, const void *a, int actor,
			  const struct wb_task_def *td, uint32_t action, char *msg, size_t n)
{
	const struct wb_inode *ib = wb_inode(WBC(b)), *ia = wb_inode(WBC(a));
	bool reclaim = td && td->op == WB_OP_RECLAIM;
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
		if (!reclaim)
			continue;
		if (p != WB_ACTION_ARG(action))
			FAIL("evict of page %u removed page %u", WB_ACTION_ARG(action), p);
		if (fb->flags & (FOLIO_DIRTY | FOLIO_REF | FOLIO_FREF_MASK))
			FAIL("page %u evicted while %s", p,
			     (fb->flags & FOLIO_DIRTY) ? "dirty" : "referenced");
	}
	if (reclaim && removed != 1)
		FAIL("an evict removed %u folios", removed);
	return 0;
}

/* IOs: created by their parent's start_writeback, advanced only by their own steps. */
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
			const struct wb_writeback *wb;
			if (actor < 0 || ia->parent != (unsigned)actor ||
			    m->sc->tasks[actor].op != WB_OP_WRITEBACK)
				FAIL("page %u: an IO appeared, not by its parent", p);
			wb = &wb_task(m, WBC(b), (unsigned)actor)->b;
			if (ia->phase != IO_SUBMITTED || wb->pc != BP_START_WRITEBACK ||
			    wb->cur != p)
				FAIL("page %u: an IO appeared outside start_writeback", p);
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

/* No task moves another's program counter; a finished task never changes. */
static int wb_check_pcs(const struct wb_model *m, const void *b, const void *a, int actor,
			char *msg, size_t n)
{
	unsigned t;

	for (t = 0; t < m->ntasks; t++) {
		const union wb_task_state *tb = wb_task(m, WBC(b), t), *ta = wb_task(m, WBC(a), t);
		if (wb_task_finished(m, b, t) && memcmp(tb, ta, sizeof(*tb)))
			FAIL("%s changed after it finished", wb_name(m, t));
		if ((int)t == actor || tb->raw[0] == ta->raw[0])
			continue;
		/* a fault whose referenced folio was removed looks it up again */
		if (wb_is_fault(m, t) && tb->f.pc == FP_FOLIO_LOCK && ta->f.pc == FP_FOLIO_GET &&
		    !(wb_folio(m, WBC(a), wb_fault_page_of(m, t))->flags & FOLIO_PRESENT))
			continue;
		FAIL("%s moved from pc %u to %u on another task's step", wb_name(m, t), tb->raw[0],
		     ta->raw[0]);
	}
	return 0;
}

/* What a fault holds at its program counter (FT_* bits besides SIGBUS). */
static int wb_check_fault_holds(const struct wb_fault *f, const char *name, char *msg, size_t n)
{
	unsigned h = f->holds & (FT_SHARED | FT_LOCK | FT_REF), lr = f->holds & (FT_LOCK | FT_REF);

	switch (f->pc) {
	case FP_FAULT_BEGIN:
	case FP_STORE:
	case FP_DONE:
		if (f->holds)
			FAIL("%s holds 0x%x at pc %u", name, f->holds, f->pc);
		return 0;
	case FP_FOLIO_GET:
		if (h != FT_SHARED)
			FAIL("%s at folio_get holds 0x%x", name, f->holds);
		return 0;
	case FP_FOLIO_LOCK:
		if (h != (FT_SHARED | FT_REF))
			FAIL("%s at folio_lock holds 0x%x", name, f->holds);
		return 0;
	case FP_FAULT_END:
		if (!(h & FT_SHARED) || (lr && lr != (FT_LOCK | FT_REF)))
			FAIL("%s at fault_end holds 0x%x", name, f->holds);
		return 0;
	default: /* read_folio, mkwrite: the folio locked and referenced */
		if (h != (FT_SHARED | FT_LOCK | FT_REF))
			FAIL("%s at pc %u holds 0x%x", name, f->pc, f->holds);
		return 0;
	}
}

/* Per program counter: each task holds what its pc says, and every lock has such a holder. */
static int wb_check_holds(const struct wb_model *m, const void *w, char *msg, size_t n)
{
	void *cw = WBC(w);
	const struct wb_inode *ino = wb_inode(cw);
	unsigned t, p, shared = 0;

	for (t = 0; t < m->ntasks; t++) {
		const union wb_task_state *ts = wb_task(m, cw, t);
		const char *name = wb_name(m, t);
		switch (m->sc->tasks[t].op) {
		case WB_OP_WRITE: {
			const struct wb_writer *wr = &ts->w;
			const struct folio *f = wb_folio(m, cw, wr->pos / m->ps);
			if (wb_writer_holds_rwsem(wr->pc) != (ino->rwsem_owner == t + 1))
				FAIL("%s at pc %u %s i_rwsem", name, wr->pc,
				     ino->rwsem_owner == t + 1 ? "holds" : "does not hold");
			if (wb_writer_refs_folio(wr->pc) &&
			    (!(f->flags & FOLIO_PRESENT) || !(f->flags & FOLIO_REF)))
				FAIL("%s at pc %u lacks its reference on page %u", name, wr->pc,
				     wr->pos / m->ps);
			if (wb_writer_locks_folio(wr->pc) && f->locked != t + 1)
				FAIL("%s at pc %u does not hold the lock of page %u", name, wr->pc,
				     wr->pos / m->ps);
			if (!!(wr->wflags & WR_INVAL) != (ino->inval_excl == t + 1))
				FAIL("%s: WR_INVAL and the invalidate_lock disagree", name);
			if (wr->cookie > ino->seq)
				FAIL("%s: cookie %u is ahead of seq %u", name, wr->cookie,
				     ino->seq);
			break;
		}
		case WB_OP_WRITEBACK: {
			const struct wb_writeback *b = &ts->b;
			if (b->cache_seq > ino->seq)
				FAIL("%s: cached seq %u is ahead of seq %u", name, b->cache_seq,
				     ino->seq);
			if (!wb_writeback_locks_cur(b->pc))
				break;
			const struct folio *f = wb_folio(m, cw, b->cur);
			if (!(f->flags & FOLIO_PRESENT) || f->locked != t + 1)
				FAIL("%s at pc %u does not hold the lock of page %u", name, b->pc,
				     b->cur);
			if (b->pc != BP_CLEAR_DIRTY && (f->flags & FOLIO_WRITEBACK))
				FAIL("%s at pc %u: page %u is already under writeback", name, b->pc,
				     b->cur);
			break;
		}
		case WB_OP_READ_FAULT:
		case WB_OP_MMAP_WRITE: {
			const struct wb_fault *ft = &ts->f;
			unsigned fp = wb_fault_page_of(m, t);
			if (wb_check_fault_holds(ft, name, msg, n))
				return -1;
			if (!!(ft->holds & FT_LOCK) != (wb_folio(m, cw, fp)->locked == t + 1))
				FAIL("%s: FT_LOCK and the lock of page %u disagree", name, fp);
			if (ft->holds & FT_SHARED)
				shared++;
			break;
		}
		case WB_OP_PUNCH:
		case WB_OP_FALLOCATE:
		case WB_OP_TRUNCATE:
			if (wb_rangeop_holds_rwsem(ts->o.pc) != (ino->rwsem_owner == t + 1))
				FAIL("%s at pc %u: i_rwsem disagrees", name, ts->o.pc);
			if (wb_rangeop_holds_inval(ts->o.pc) != (ino->inval_excl == t + 1))
				FAIL("%s at pc %u: the invalidate_lock disagrees", name, ts->o.pc);
			break;
		default:
			break;
		}
	}
	if (shared != ino->inval_shared)
		FAIL("invalidate_lock: %u shared holders, %u faults hold it", ino->inval_shared,
		     shared);
	if (ino->rwsem_owner) {
		t = ino->rwsem_owner - 1u;
		if (m->sc->tasks[t].op != WB_OP_WRITE && !wb_is_rangeop(m, t))
			FAIL("i_rwsem held by %s, which never takes it", wb_name(m, t));
	}
	for (p = 0; p < m->npages; p++) {
		const struct folio *f = wb_folio(m, cw, p);
		unsigned frefs = 0;
		for (t = 0; t < m->ntasks; t++)
			if (wb_is_fault(m, t) && wb_fault_page_of(m, t) == p &&
			    (wb_task(m, cw, t)->f.holds & FT_REF))
				frefs++;
		if ((unsigned)(f->flags & FOLIO_FREF_MASK) / FOLIO_FREF_ONE != frefs)
			FAIL("page %u: %u fault references, %u faults hold one", p,
			     (f->flags & FOLIO_FREF_MASK) / FOLIO_FREF_ONE, frefs);
		if (f->flags & FOLIO_REF) {
			for (t = 0; t < m->ntasks; t++) {
				const struct wb_writer *wr = &wb_task(m, cw, t)->w;
				if (m->sc->tasks[t].op == WB_OP_WRITE &&
				    wb_writer_refs_folio(wr->pc) && wr->pos / m->ps == p)
					break;
			}
			if (t == m->ntasks)
				FAIL("page %u: a writer reference no writer holds", p);
		}
		if (!f->locked)
			continue;
		t = f->locked - 1u;
		switch (m->sc->tasks[t].op) {
		case WB_OP_WRITE:
			if (!wb_writer_locks_folio(wb_task(m, cw, t)->w.pc) ||
			    wb_task(m, cw, t)->w.pos / m->ps != p)
				FAIL("page %u: locked by %s, which does not hold it", p,
				     wb_name(m, t));
			break;
		case WB_OP_WRITEBACK:
			if (!wb_writeback_locks_cur(wb_task(m, cw, t)->b.pc) ||
			    wb_task(m, cw, t)->b.cur != p)
				FAIL("page %u: locked by %s, which does not hold it", p,
				     wb_name(m, t));
			break;
		case WB_OP_READ_FAULT:
		case WB_OP_MMAP_WRITE:
			if (wb_fault_page_of(m, t) != p)
				FAIL("page %u: locked by %s, which faults on another", p,
				     wb_name(m, t));
			break;
		default:
			FAIL("page %u: locked by %s, which never locks folios", p, wb_name(m, t));
		}
	}
	return 0;
}

int wb_check_step(void *ctx, const void *before, const void *after, uint32_t action, char *msg,
		  size_t n)
{
	const struct wb_model *m = ctx;
	unsigned slot = WB_ACTION_SLOT(action);
	int actor = slot < WB_IO_SLOT0 ? (int)slot : -1; /* an IO step is no task's */
	const struct wb_task_def *td = actor >= 0 ? &m->sc->tasks[actor] : NULL;

	if (actor >= (int)m->ntasks)
		FAIL("action 0x%x names no task", action);
	if (wb_check_inode(m, before, after, td, msg, n) ||
	    wb_check_locks(m, before, after, actor, td, action, msg, n) ||
	    wb_check_ios(m, before, after, actor, action, msg, n) ||
	    wb_check_pcs(m, before, after, actor, msg, n) || wb_check_holds(m, after, msg, n))
		return -1;
	return 0;
}
