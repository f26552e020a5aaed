/* SPDX-License-Identifier: MIT */
/*
 * rangeop.c - fallocate(PUNCH_HOLE), fallocate(0) and truncate, under i_rwsem
 * and the invalidate_lock, both exclusive (docs/model.md section 9).
 *
 * Models fs/xfs/xfs_file.c xfs_file_fallocate() with xfs_free_file_space()
 * and xfs_alloc_file_space() (fs/xfs/xfs_bmap_util.c), and xfs_vn_setattr()
 * -> xfs_setattr_size() (6.1, 6.3).  Simplified: ranges are block-aligned, so
 * no partial block is zeroed on disk.  Before a punch, xfs_file_fallocate()
 * calls xfs_flush_unmap_range(): the punch rounded out to whole pages is
 * written back, waited for and dropped from the page cache, in one step
 * (flush_unmap_range).  A truncate down's flush_range follows
 * xfs_setattr_size() (6.1, 6.2) in one step: the folio at the new size written
 * back and waited for (filemap_write_and_wait_range(newsize, newsize)), then
 * truncate_setsize(): i_size set, then [size, end) dropped from the page cache
 * and the tail of a partial folio zeroed (truncate_pagecache());
 * setsize then frees the blocks (xfs_itruncate_extents()); docs/kernel-map.md [X].
 *
 * A truncate up, and a fallocate past EOF (xfs_vn_setattr_size()), zero
 * [i_size, new size) first: xfs_setattr_size() -> xfs_zero_range() ->
 * iomap_zero_range(), the same iomap iteration, step by step, as a write's
 * EOF zeroing (model/iomap_iter.h, buffered_write.c), in the slot's z.
 *
 *   punch:     RWSEM_LOCK -rwsem_lock-> INVAL_LOCK -invalidate_lock->
 *              FLUSH -flush_unmap_range-> CHANGE -punch_range-> UNLOCK -rwsem_unlock-> DONE
 *   truncate:  ... INVAL_LOCK -invalidate_lock-> [ZERO (the zeroing's steps)]
 *              FLUSH -flush_range-> CHANGE -setsize-> UNLOCK ...   (down)
 *                               -> SETSIZE -setsize-> UNLOCK ...   (up, same size)
 *   fallocate: ... INVAL_LOCK -invalidate_lock-> CHANGE -alloc_range->
 *              [ZERO (the zeroing's steps) SETSIZE -setsize->] UNLOCK ...
 *
 * The zeroing's steps are the writer's, with its names: iomap_begin,
 * [iomap_valid,] folio_get, [folio_lock,] [iomap_valid,] write_begin, zero,
 * write_end per chunk, iomap_end per mapping ([punch_delalloc] with 6.1's
 * drop_writes); a HOLE or UNWRITTEN mapping goes from iomap_begin straight to
 * iomap_end.
 */
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "model/actor.h"
#include "model/iomap_iter.h"
#include "model/scenario_check.h"
#include "model/extent_map.h"
#include "model/locks.h"
#include "model/por.h"
#include "model/writeback.h"

_Static_assert(sizeof(struct wb_rangeop) <= WB_TASK_SLOT, "struct wb_rangeop fits its slot");

/*
 * The byte range whose page cache the operation drops: for a truncate
 * [size, end of the world); for a punch, the range xfs_flush_unmap_range()
 * (6.1, 6.2) flushes and drops, the punch rounded out to max(block size, page
 * size), which is the page size in the model (a block is never larger than a
 * page), up to the world's end.
 */
static void wb_rangeop_range(const struct wb_model *m, unsigned t, uint64_t *s, uint64_t *e)
{
	const struct wb_task_def *td = &m->sc->tasks[t];
	uint64_t r = m->bs > m->ps ? m->bs : m->ps, end = (uint64_t)m->npages * m->ps;

	if (td->op == WB_OP_TRUNCATE) {
		*s = td->size;
		*e = end;
		return;
	}
	*s = td->offset / r * r;
	*e = (td->offset + td->length + r - 1) / r * r;
	if (*e > end)
		*e = end;
}

/* The file's size after a truncate or fallocate (a punch: 0, it never grows the file). */
static uint32_t wb_rangeop_new_size(const struct wb_model *m, unsigned t)
{
	const struct wb_task_def *td = &m->sc->tasks[t];

	switch (td->op) {
	case WB_OP_TRUNCATE:
		return (uint32_t)td->size;
	case WB_OP_FALLOCATE:
		return (uint32_t)(td->offset + td->length);
	default:
		return 0;
	}
}

/*
 * Can the task grow the file, and so run the EOF zeroing?  Only if its new
 * size exceeds the smallest i_size the file can have: the initial size, or a
 * truncate's (nothing else lowers i_size).  The zeroing's fields take bits in
 * the compact encoding only then, so that other scenarios keep their key_bytes.
 */
static bool wb_rangeop_may_grow(const struct wb_model *m, unsigned t)
{
	uint64_t min = m->sc->file_size;

	for (unsigned u = 0; u < m->ntasks; u++)
		if (wb_task_is(m, u, WB_ACT_SHRINKS) && m->sc->tasks[u].size < min)
			min = m->sc->tasks[u].size;
	return wb_rangeop_new_size(m, t) > min;
}

/* The zeroing iteration in the slot: it covers [i_size, new size), no write follows. */
static struct wb_iter_ref wb_rangeop_iter(const struct wb_model *m, void *w, unsigned t)
{
	struct wb_iter_ref r = { &wb_task(m, w, t)->o.z, wb_rangeop_new_size(m, t), false };

	return r;
}

/*
 * Models: fs/xfs/xfs_iops.c xfs_setattr_size() (6.1, 6.2) when the file grows
 * (newsize > oldsize): xfs_zero_range(oldsize, newsize - oldsize) ->
 * iomap_zero_range(), whose iteration starts at the old i_size.  The caller
 * holds i_rwsem and the invalidate_lock exclusive, so no write or fault runs
 * meanwhile; writeback, IO completion and reclaim do.
 */
static void wb_rangeop_zero_start(struct wb_model *m, void *w, unsigned t)
{
	struct wb_rangeop *o = &wb_task(m, w, t)->o;
	uint32_t i_size = wb_inode(w)->i_size;

	o->pc = RP_ZERO;
	o->z.pc = WP_IOMAP_BEGIN;
	o->z.pos = i_size;
	wb_desc(m, "; xfs_setattr_size: zero [%u,%u) first (iomap_zero_range)", i_size,
		wb_rangeop_new_size(m, t));
	wb_iter_zero_start(m, w, &o->z, wb_rangeop_new_size(m, t));
}

static bool wb_rangeop_enabled(const struct wb_model *m, const void *w, unsigned t, char *why,
			       size_t n)
{
	void *cw = WBC(w);
	uint64_t s, e;

	switch (wb_task(m, cw, t)->o.pc) {
	case RP_DONE:
		WB_WHY(why, n, "finished");
		return false;
	case RP_RWSEM_LOCK:
		return wb_rwsem_available(m, cw, false, why, n);
	case RP_INVAL_LOCK:
		return wb_inval_available(m, cw, false, why, n);
	case RP_FLUSH:
		wb_rangeop_range(m, t, &s, &e);
		if (!wb_range_quiet(m, cw, s, e, true)) {
			WB_WHY(why, n, "waits for the folios of [%llu,%llu) to be unlocked and out "
				       "of writeback", (unsigned long long)s, (unsigned long long)e);
			return false;
		}
		return true;
	case RP_ISIZE_EXT:
		return wb_folio_lock_available(m, cw, wb_task(m, cw, t)->o.z.pos / m->ps, why, n);
	case RP_ZERO:
		return wb_iter_enabled(m, w, t, &wb_task(m, cw, t)->o.z, wb_rangeop_new_size(m, t),
				       why, n);
	default:
		return true;
	}
}

/*
 * Models: fs/xfs/xfs_bmap_util.c xfs_flush_unmap_range() (6.1, 6.2), which
 * xfs_file_fallocate() calls for a hole punch before xfs_free_file_space():
 * over the punch rounded out to whole pages (wb_rangeop_range),
 * filemap_write_and_wait_range() writes back every dirty folio and waits for
 * its IO, then truncate_pagecache_range() removes every folio.  The step is
 * enabled once no folio of the rounded range is locked or under writeback
 * (the kernel waits for each in turn); then it acts at once, under i_rwsem and
 * the invalidate_lock, both exclusive, which keep writers and faults out, so
 * nothing can dirty a folio of the range again before it goes.
 */
static void xfs_flush_unmap_range(struct wb_model *m, void *w, unsigned t)
{
	const struct wb_task_def *td = &m->sc->tasks[t];
	uint64_t s, e;
	unsigned p;

	wb_rangeop_range(m, t, &s, &e);
	wb_desc(m, "[%llu,%llu)", (unsigned long long)td->offset,
		(unsigned long long)(td->offset + td->length));
	if (s != td->offset || e != td->offset + td->length)
		wb_desc(m, " rounded out to [%llu,%llu)", (unsigned long long)s,
			(unsigned long long)e);
	wb_desc(m, ":");
	for (p = (unsigned)(s / m->ps); (uint64_t)p * m->ps < e; p++) {
		const struct folio *f = wb_folio(m, w, p);
		if (!(f->flags & FOLIO_PRESENT) || !(f->flags & FOLIO_DIRTY))
			continue;
		wb_desc(m, " page %u written back (", p);
		wb_write_and_wait_folio(m, w, p);
		wb_desc(m, ");");
	}
	wb_truncate_pagecache(m, w, s, e);
}

/*
 * Models: fs/xfs/xfs_iops.c xfs_setattr_size() (6.1, 6.2) for a truncate down
 * (newsize < oldsize), up to its extent change, in one step:
 *  - filemap_write_and_wait_range(mapping, newsize, newsize): the folio holding
 *    the byte at the new size, if dirty, written back by writeback's rules with
 *    the old i_size still in place, and its IO completed (6.1 to 6.11 only:
 *    6.12.19's xfs_setattr_size() has no such call, see below);
 *  - xfs_truncate_page(): zeroes the rest of the block at the new size through
 *    the cache, nothing here (truncate sizes are block-aligned);
 *  - truncate_setsize(): i_size_write(newsize) first, then truncate_pagecache()
 *    -> truncate_inode_pages(): the whole folios past the new size removed, the
 *    tail of a partial folio zeroed by truncate_inode_partial_folio(), which
 *    leaves its dirty state alone.
 * The step is enabled once no folio of [size, end) is locked or under
 * writeback (wb_range_quiet).  Between the kernel's calls only writeback, IO
 * completion and reclaim can run (i_rwsem and the invalidate_lock are held
 * exclusive): the folding is argued in docs/kernel-map.md [X].  A truncate to
 * the current size (newsize == oldsize) also writes back the folio at the new
 * size in the kernel; the model skips that flush (it only cleans the folio: no
 * block past i_size can be mapped either way) and truncates the page cache.
 * A truncate up (after its zeroing) only truncates the page cache here; its
 * i_size is set by setsize.
 */
static void xfs_setattr_size_flush(struct wb_model *m, void *w, unsigned t)
{
	struct wb_inode *ino = wb_inode(w);
	uint32_t new_size = wb_rangeop_new_size(m, t);
	uint64_t s, e;

	wb_rangeop_range(m, t, &s, &e);
	if (new_size < ino->i_size) {
		unsigned p = new_size / m->ps;
		const struct folio *f = p < m->npages ? wb_folio(m, w, p) : NULL;

		/*
		 * 6.1 to 6.11 write back the folio at the new size first, because
		 * iomap_zero_range() would skip a dirty folio over an UNWRITTEN
		 * block.  6.12 (c5c810b94cfd, the zeroing's own flush) removed that
		 * write-back: xfs_setattr_size() goes straight to
		 * xfs_truncate_page(), which has nothing to zero at a
		 * block-aligned size.  The flush is tied to the same switch.
		 */
		bool flush = m->cfg.zero_dirty_unwritten == WB_ZDU_SKIP;

		if (flush && f && (f->flags & FOLIO_PRESENT) && (f->flags & FOLIO_DIRTY)) {
			wb_desc(m, "page %u written back (", p);
			wb_write_and_wait_folio(m, w, p);
			wb_desc(m, "); ");
		}
		wb_desc(m, "i_size %u->%u; ", ino->i_size, new_size);
		ino->i_size = new_size;
	}
	wb_desc(m, "page cache of [%llu,%llu):", (unsigned long long)s, (unsigned long long)e);
	wb_truncate_pagecache(m, w, s, e);
}

static void wb_rangeop_change(struct wb_model *m, void *w, unsigned t)
{
	const struct wb_task_def *td = &m->sc->tasks[t];
	struct wb_inode *ino = wb_inode(w);
	uint8_t *ext = wb_ext(m, w);
	unsigned b, b0 = (unsigned)(td->offset / m->bs), b1, changed = 0;

	switch (td->op) {
	case WB_OP_PUNCH:
		/* Models: xfs_free_file_space() -> xfs_bunmapi() */
		b1 = (unsigned)((td->offset + td->length) / m->bs);
		for (b = b0; b < b1; b++)
			if (ext[b] != WB_HOLE) {
				ext[b] = WB_HOLE;
				wb_fp(m, WB_LOC_EXT(m, b), WB_FP_WRITE);
				changed++;
			}
		wb_desc(m, "blocks [%u,%u) -> HOLE", b0, b1);
		break;
	case WB_OP_FALLOCATE: {
		/*
		 * Models: xfs_alloc_file_space() -> xfs_bmapi_write(XFS_BMAPI_PREALLOC)
		 * (fs/xfs/xfs_bmap_util.c, fs/xfs/libxfs/xfs_bmap.c, 6.1, 6.3): holes
		 * are allocated UNWRITTEN; a delalloc record is allocated whole
		 * (xfs_bmapi_allocate() with wasdel takes the record's own start and
		 * length), UNWRITTEN too, even where it reaches outside the range.
		 */
		unsigned lo = UINT_MAX, hi = 0, s, e;
		b1 = (unsigned)((td->offset + td->length) / m->bs);
		for (b = b0; b < b1; b++) {
			s = b;
			e = b + 1;
			if (ext[b] == WB_DELALLOC)
				wb_extent_at(m, w, b, &s, &e);
			else if (ext[b] != WB_HOLE)
				continue;
			for (unsigned j = s; j < e; j++) {
				ext[j] = WB_UNWRITTEN;
				wb_fp(m, WB_LOC_EXT(m, j), WB_FP_WRITE);
				changed++;
			}
			lo = s < lo ? s : lo;
			hi = e > hi ? e : hi;
		}
		wb_desc(m, "holes and DELALLOC in blocks [%u,%u) -> UNWRITTEN", b0, b1);
		if (lo < b0 || hi > b1)
			wb_desc(m, " (delalloc records whole: blocks [%u,%u))", lo, hi);
		break;
	}
	default:
		/*
		 * Models: xfs_setattr_size() -> xfs_itruncate_extents() (6.1, 6.2),
		 * under ILOCK in a transaction, for a truncate down: every block from
		 * the new size freed.  flush_range has set i_size already
		 * (truncate_setsize()); a truncate up or to the same size goes to
		 * RP_SETSIZE instead.
		 */
		for (b = (unsigned)(td->size / m->bs); b < m->nblocks; b++)
			if (ext[b] != WB_HOLE) {
				ext[b] = WB_HOLE;
				wb_fp(m, WB_LOC_EXT(m, b), WB_FP_WRITE);
				changed++;
			}
		wb_desc(m, "i_size %u; blocks from %llu -> HOLE", ino->i_size,
			(unsigned long long)(td->size / m->bs));
		break;
	}
	if (changed)
		wb_seq_bump(m, w);
}

static void wb_rangeop_apply(struct wb_model *m, void *w, unsigned t, unsigned arg)
{
	struct wb_rangeop *o = &wb_task(m, w, t)->o;
	struct wb_inode *ino = wb_inode(w);
	enum wb_op op = m->sc->tasks[t].op;
	uint32_t new_size = wb_rangeop_new_size(m, t);

	(void)arg;
	switch (o->pc) {
	case RP_RWSEM_LOCK:
		wb_rwsem_down(m, w, t, false);
		o->pc = RP_INVAL_LOCK;
		wb_desc(m, "i_rwsem taken exclusive");
		break;
	case RP_INVAL_LOCK:
		wb_inval_down(m, w, t, false);
		o->pc = op == WB_OP_FALLOCATE ? RP_CHANGE : RP_FLUSH;
		wb_desc(m, "invalidate_lock taken exclusive");
		/* a truncate up zeroes before truncate_setsize() */
		if (op == WB_OP_TRUNCATE && new_size > ino->i_size)
			wb_rangeop_zero_start(m, w, t);
		break;
	case RP_ZERO: {
		struct wb_iter_ref r = wb_rangeop_iter(m, w, t);
		wb_iter_apply(m, w, t, &r);
		if (o->z.pc != WP_DONE)
			break;
		/* canonical: the iteration is over */
		memset(&o->z, 0, sizeof(o->z));
		o->pc = op == WB_OP_FALLOCATE ? RP_SETSIZE : RP_FLUSH;
		break;
	}
	case RP_SETSIZE:
		/*
		 * Models: the truncate_setsize() of xfs_setattr_size() (6.1, 6.2) after a
		 * fallocate's zeroing, or a truncate up's (or to the same size) after
		 * flush_range: i_size to the new size (the zeroing's write_end may have
		 * raised it part of the way), pagecache_isize_extended().
		 */
		wb_desc(m, "i_size %u->%u", ino->i_size, new_size);
		o->pc = RP_UNLOCK;
		/*
		 * isize_extended_zero: truncate_setsize() writes i_size first, then
		 * pagecache_isize_extended() locks the old EOF folio (waiting for
		 * it): a step of its own, the old size kept in z.pos
		 */
		if (m->cfg.isize_extended_zero && new_size > ino->i_size &&
		    wb_isize_extended_applies(m, ino->i_size, new_size)) {
			o->z.pos = ino->i_size;
			o->pc = RP_ISIZE_EXT;
		} else if (new_size > ino->i_size) {
			wb_isize_extended(m, w, ino->i_size, new_size);
		}
		ino->i_size = new_size;
		break;
	case RP_ISIZE_EXT:
		wb_desc(m, "page %u locked", o->z.pos / m->ps);
		wb_isize_extended(m, w, o->z.pos, new_size);
		wb_desc(m, "; unlocked");
		o->z.pos = 0;
		o->pc = RP_UNLOCK;
		break;
	case RP_FLUSH:
		o->pc = RP_CHANGE;
		if (op == WB_OP_PUNCH) {
			xfs_flush_unmap_range(m, w, t);
		} else {
			/* down: RP_CHANGE frees the blocks; up or the same size: RP_SETSIZE */
			if (new_size >= ino->i_size)
				o->pc = RP_SETSIZE;
			xfs_setattr_size_flush(m, w, t);
		}
		/* a store before this point lands before the range goes; one after faults
		 * on the invalidate_lock until the range is gone: this is the content order */
		wb_order_append(w, t);
		break;
	case RP_CHANGE:
		wb_rangeop_change(m, w, t);
		o->pc = RP_UNLOCK;
		/* Models: xfs_file_fallocate() -> xfs_vn_setattr_size() past EOF (6.1, 6.2) */
		if (op == WB_OP_FALLOCATE && new_size > ino->i_size)
			wb_rangeop_zero_start(m, w, t);
		break;
	case RP_UNLOCK:
		wb_inval_up(m, w, false);
		wb_rwsem_up(m, w, false);
		o->pc = RP_DONE;
		wb_desc(m, "invalidate_lock and i_rwsem released; %s finished", m->sc->tasks[t].name);
		break;
	}
}

/* ---- the scenario loader: the task's own members ---- */

/* punch and fallocate: a block-aligned range */
static const char *const range_keys[] = { "name", "op", "offset", "length", "after", NULL };

static void range_op(struct sc_ctx *c, json_t *t, struct wb_task_def *d, const char *what)
{
	int ro = sc_get_int(c, t, "offset", true, 0, SC_MAX_INT, &d->offset);
	int rl = sc_get_int(c, t, "length", true, 1, SC_MAX_INT, &d->length);
	bool ok = ro == SC_OK && rl == SC_OK;
	char why[48];

	snprintf(why, sizeof(why), "a %s", what);
	if (ro == SC_OK && !sc_block_aligned(c, "offset", d->offset, why))
		ok = false;
	if (rl == SC_OK && !sc_block_aligned(c, "length", d->length, why))
		ok = false;
	if (ok)
		sc_reach_range(c, d->offset, d->length, what);
}

static void load_punch(struct sc_ctx *c, json_t *t, struct wb_task_def *d, size_t i)
{
	(void)i;
	range_op(c, t, d, "punch range");
}

static void load_fallocate(struct sc_ctx *c, json_t *t, struct wb_task_def *d, size_t i)
{
	(void)i;
	range_op(c, t, d, "fallocate range");
}

static const char *const truncate_keys[] = { "name", "op", "size", "after", NULL };

static void load_truncate(struct sc_ctx *c, json_t *t, struct wb_task_def *d, size_t i)
{
	(void)i;
	if (sc_get_int(c, t, "size", true, 0, SC_MAX_INT, &d->size) == SC_OK &&
	    sc_block_aligned(c, "size", d->size, "a truncate size"))
		sc_reach(c, "size", d->size);
}


/* ---- the actors: punch, fallocate, truncate ---- */

static unsigned wb_range_offsets(const struct wb_task_def *td, uint64_t out[4])
{
	out[0] = td->offset;
	out[1] = td->offset + td->length;
	return 2;
}

static unsigned wb_truncate_offsets(const struct wb_task_def *td, uint64_t out[4])
{
	out[0] = td->size;
	return 1;
}

static void wb_rangeop_pack_fields(const struct wb_model *m, unsigned t, struct wb_pack_fields *pf)
{
	/* isize_extended_zero adds RP_ISIZE_EXT */
	WB_PACK(pf, m, t, struct wb_rangeop, pc, m->cfg.isize_extended_zero ? 4 : 3, 1);
	if (wb_rangeop_may_grow(m, t))
		wb_iter_pack_fields(m, t, offsetof(struct wb_rangeop, z), pf);
}

static void wb_rangeop_describe(const struct wb_model *m, const void *w, unsigned t, FILE *out)
{
	const struct wb_rangeop *o = &wb_task(m, WBC(w), t)->o;

	fprintf(out, "next %s", wb_task_step(m, w, t)->name);
	if (o->pc == RP_ZERO)
		wb_iter_describe(&o->z, out);
}

/* The zeroing's cached mapping in words, "" when not zeroing. */
static void wb_rangeop_mapping_text(const struct wb_model *m, const void *w, unsigned t, char *buf,
				    size_t n)
{
	wb_iter_mapping_text(&wb_task(m, WBC(w), t)->o.z, buf, n);
}

/*
 * The next step: by the pc, or, in the zeroing, the step of this actor's table
 * named as the iteration's (the writer's step at its pc).
 */
static const struct wb_step_def *wb_rangeop_step(const struct wb_model *m, const void *w,
						 unsigned t)
{
	const struct wb_actor *a = wb_actor_of(m, t);
	const struct wb_rangeop *o = &wb_task(m, WBC(w), t)->o;
	const struct wb_step_def *it;

	if (o->pc != RP_ZERO)
		return wb_step_at(a, o->pc);
	it = wb_iter_step(&o->z);
	for (unsigned i = 0; it && i < a->nsteps; i++)
		if (a->steps[i].pc == RP_ZERO && !strcmp(a->steps[i].name, it->name))
			return &a->steps[i];
	return NULL;
}

static void wb_punch_expected(const struct wb_model *m, const void *w, unsigned t, uint8_t *e,
			      size_t ngran)
{
	const struct wb_task_def *td = &m->sc->tasks[t];

	(void)w;
	(void)ngran;
	memset(e + td->offset / m->gran, 0, td->length / m->gran);
}

static void wb_truncate_expected(const struct wb_model *m, const void *w, unsigned t, uint8_t *e,
				 size_t ngran)
{
	size_t g0 = m->sc->tasks[t].size / m->gran;

	(void)w;
	if (g0 < ngran)
		memset(e + g0, 0, ngran - g0);
}

static const struct wb_step_def wb_punch_steps[] = {
	{ RP_RWSEM_LOCK, "rwsem_lock", "xfs_file_fallocate: xfs_ilock(IOLOCK_EXCL)" },
	{ RP_INVAL_LOCK, "invalidate_lock", "xfs_ilock(XFS_MMAPLOCK_EXCL)" },
	{ RP_FLUSH, "flush_unmap_range",
	  "xfs_flush_unmap_range: filemap_write_and_wait_range, truncate_pagecache_range" },
	{ RP_CHANGE, "punch_range", "xfs_free_file_space" },
	{ RP_UNLOCK, "rwsem_unlock", "xfs_file_fallocate: xfs_iunlock(IOLOCK_EXCL | MMAPLOCK_EXCL)" },
};

/*
 * The EOF zeroing's steps (xfs_setattr_size() -> xfs_zero_range() ->
 * iomap_zero_range()): the writer's names and functions, all at RP_ZERO
 * (wb_rangeop_step picks the one the iteration is at).
 */
#define WB_ZERO_STEPS                                                                              \
	{ RP_ZERO, "iomap_begin", "iomap_zero_range: xfs_buffered_write_iomap_begin" },           \
	{ RP_ZERO, "iomap_valid", "xfs_iomap_valid" },                                             \
	{ RP_ZERO, "folio_get", "__filemap_get_folio" },                                           \
	{ RP_ZERO, "folio_lock", "folio_lock" },                                                   \
	{ RP_ZERO, "write_begin", "__iomap_write_begin" },                                         \
	{ RP_ZERO, "zero", "iomap_zero_iter: folio_zero_range" },                                  \
	{ RP_ZERO, "write_end", "iomap_write_end" },                                               \
	{ RP_ZERO, "iomap_end", "xfs_buffered_write_iomap_end" },                                  \
	{ RP_ZERO, "punch_delalloc", "xfs_bmap_punch_delalloc_range" },                           \
	{ RP_ZERO, "zero_flush", "iomap_zero_iter_flush_and_stale: filemap_write_and_wait_range" }

static const struct wb_step_def wb_fallocate_steps[] = {
	{ RP_RWSEM_LOCK, "rwsem_lock", "xfs_file_fallocate: xfs_ilock(IOLOCK_EXCL)" },
	{ RP_INVAL_LOCK, "invalidate_lock", "xfs_ilock(XFS_MMAPLOCK_EXCL)" },
	{ RP_CHANGE, "alloc_range", "xfs_alloc_file_space" },
	WB_ZERO_STEPS,
	{ RP_SETSIZE, "setsize", "xfs_vn_setattr_size: xfs_setattr_size: truncate_setsize" },
	{ RP_ISIZE_EXT, "isize_extended", "truncate_setsize: pagecache_isize_extended" },
	{ RP_UNLOCK, "rwsem_unlock", "xfs_file_fallocate: xfs_iunlock(IOLOCK_EXCL | MMAPLOCK_EXCL)" },
};

static const struct wb_step_def wb_truncate_steps[] = {
	{ RP_RWSEM_LOCK, "rwsem_lock", "do_truncate: inode_lock" },
	{ RP_INVAL_LOCK, "invalidate_lock", "xfs_ilock(XFS_MMAPLOCK_EXCL)" },
	WB_ZERO_STEPS,
	{ RP_FLUSH, "flush_range",
	  "xfs_setattr_size: filemap_write_and_wait_range(newsize, newsize) (down), "
	  "truncate_setsize: i_size_write (down), truncate_pagecache" },
	{ RP_CHANGE, "setsize", "xfs_setattr_size: xfs_itruncate_extents (down)" },
	{ RP_SETSIZE, "setsize", "xfs_setattr_size: truncate_setsize: i_size_write (up)" },
	{ RP_ISIZE_EXT, "isize_extended", "truncate_setsize: pagecache_isize_extended" },
	{ RP_UNLOCK, "rwsem_unlock", "xfs_vn_setattr: xfs_iunlock(MMAPLOCK_EXCL); do_truncate: inode_unlock" },
};

/*
 * i_rwsem from rwsem_lock on, the invalidate_lock from invalidate_lock on,
 * both to the end; in the zeroing, what its iteration holds (a folio's lock and
 * reference).  Outside it the iteration's state is all zero.
 */
static int wb_rangeop_holds(const struct wb_model *m, const void *w, unsigned t,
			    struct wb_held *h, char *msg, size_t n)
{
	const struct wb_rangeop *o = &wb_task(m, WBC(w), t)->o;
	static const struct wb_writer none;

	h->rwsem = o->pc != RP_RWSEM_LOCK && o->pc != RP_DONE;
	h->inval = h->rwsem && o->pc != RP_INVAL_LOCK;
	if (o->pc == RP_ISIZE_EXT) {
		struct wb_writer z = o->z;
		z.pos = 0;
		if (memcmp(&z, &none, sizeof(none))) {
			snprintf(msg, n, "%s: a zeroing iteration outside the zeroing",
				 m->sc->tasks[t].name);
			return -1;
		}
		return 0;
	}
	if (o->pc != RP_ZERO) {
		if (memcmp(&o->z, &none, sizeof(none))) {
			snprintf(msg, n, "%s: a zeroing iteration outside the zeroing",
				 m->sc->tasks[t].name);
			return -1;
		}
		return 0;
	}
	if (!wb_rangeop_may_grow(m, t)) {
		snprintf(msg, n, "%s: zeroing, which the state encoding does not hold",
			 m->sc->tasks[t].name);
		return -1;
	}
	return wb_iter_holds(m, w, t, &o->z, h, msg, n);
}

/*
 * Partial-order reduction (model/por.h): the pages a range operation may
 * still touch, [*first, *last].  A punch: its range rounded out.  A truncate
 * or a fallocate: from the lowest of the new size, i_size (the EOF zeroing
 * and pagecache_isize_extended() start there) and the zeroing's position, to
 * the end of the file; from page 0 when another task may shrink the file
 * first.
 */
static void wb_rangeop_pages(const struct wb_model *m, const void *w, unsigned t,
			     unsigned *first, unsigned *last)
{
	const struct wb_rangeop *o = &wb_task(m, WBC(w), t)->o;
	uint64_t s, e, lo;

	wb_rangeop_range(m, t, &s, &e);
	if (m->sc->tasks[t].op == WB_OP_PUNCH) {
		*first = (unsigned)(s / m->ps);
		*last = e > s ? (unsigned)((e - 1) / m->ps) : *first;
		if (*last >= m->npages)
			*last = m->npages - 1;
		return;
	}
	*last = m->npages - 1;
	for (unsigned i = 0; i < m->ntasks; i++)
		if (i != t && wb_task_is(m, i, WB_ACT_SHRINKS) && !wb_task_finished(m, w, i)) {
			*first = 0;
			return;
		}
	lo = wb_rangeop_new_size(m, t);
	if (wb_inode(WBC(w))->i_size < lo)
		lo = wb_inode(WBC(w))->i_size;
	if (o->pc == RP_ZERO && o->z.pos < lo)
		lo = o->z.pos;
	if (o->pc == RP_ZERO && o->z.iter_end && o->z.iter_start < lo)
		lo = o->z.iter_start;
	if (o->pc == RP_ISIZE_EXT && o->z.pos < lo)
		lo = o->z.pos;
	*first = lo / m->ps < m->npages ? (unsigned)(lo / m->ps) : m->npages - 1;
}

/*
 * Its footprint: both locks, the map, i_size, the content order, and every
 * resource of the pages it may touch (the flush writes back and truncates,
 * the zeroing reads, writes, flushes); the zeroing's range_dirty sample reads
 * every folio.  Taking i_rwsem is its own step: then only i_rwsem.
 */
static void wb_rangeop_por(const struct wb_model *m, const void *w, unsigned t,
			   struct sim_por_actor *a)
{
	const struct wb_rangeop *o = &wb_task(m, WBC(w), t)->o;
	struct sim_fp *future = &a->future;
	unsigned first, last;

	if (o->pc == RP_DONE)
		return;
	wb_rangeop_pages(m, w, t, &first, &last);
	uint64_t inode = WB_M(WB_R_RWSEM) | WB_M(WB_R_INVAL) | WB_M(WB_R_MAP) | WB_M(WB_R_ISIZE) |
			 WB_M(WB_R_ORDER) | WB_M(WB_R_DROP);
	wb_fp_inode(future, inode, inode);
	wb_fp_page_range(future, first, last, WB_KM_ALL, WB_KM_ALL);
	if (m->zflush)
		wb_fp_page_range(future, 0, m->npages - 1, WB_KM_FLAGS, 0);
	if (o->pc == RP_RWSEM_LOCK)
		wb_fp_inode(&a->now, WB_M(WB_R_RWSEM), WB_M(WB_R_RWSEM));
	else
		a->now = *future;
}

/* It may bring in, dirty (the EOF zeroing), clean or remove (the flush) the pages it touches. */
static uint64_t wb_rangeop_may(const struct wb_model *m, const void *w, unsigned t)
{
	unsigned first, last;

	if (wb_task(m, WBC(w), t)->o.pc == RP_DONE)
		return 0;
	wb_rangeop_pages(m, w, t, &first, &last);
	return wb_page_range_mask(first, last);
}

#define WB_RANGEOP_ROW(steps_)                                                                     \
	.steps = steps_, .nsteps = sizeof(steps_) / sizeof(steps_[0]), .npc = RP_ISIZE_EXT + 1,     \
	.done_pc = RP_DONE, .enabled = wb_rangeop_enabled, .apply = wb_rangeop_apply,              \
	.step = wb_rangeop_step, .pack_fields = wb_rangeop_pack_fields,                            \
	.describe = wb_rangeop_describe, .mapping_text = wb_rangeop_mapping_text,                  \
	.holds = wb_rangeop_holds, .por = wb_rangeop_por, .may_dirty = wb_rangeop_may,        \
	.may_clean = wb_rangeop_may

const struct wb_actor wb_actor_punch = {
	.name = "punch",
	.article = "a",
	.keys = range_keys,
	.load = load_punch,
	.flags = WB_ACT_RWSEM | WB_ACT_INVAL | WB_ACT_ORDERED,
	WB_RANGEOP_ROW(wb_punch_steps),
	.no_step = 1u << RP_ZERO | 1u << RP_SETSIZE | 1u << RP_ISIZE_EXT,
	.offsets = wb_range_offsets,
	.expected = wb_punch_expected,
};

const struct wb_actor wb_actor_fallocate = {
	.name = "fallocate",
	.article = "a",
	.keys = range_keys,
	.load = load_fallocate,
	.flags = WB_ACT_RWSEM | WB_ACT_INVAL,
	WB_RANGEOP_ROW(wb_fallocate_steps),
	.no_step = 1u << RP_FLUSH,
	.offsets = wb_range_offsets,
};

const struct wb_actor wb_actor_truncate = {
	.name = "truncate",
	.article = "a",
	.keys = truncate_keys,
	.load = load_truncate,
	.flags = WB_ACT_RWSEM | WB_ACT_INVAL | WB_ACT_ORDERED | WB_ACT_SHRINKS,
	WB_RANGEOP_ROW(wb_truncate_steps),
	.offsets = wb_truncate_offsets,
	.expected = wb_truncate_expected,
};
