/* SPDX-License-Identifier: MIT */
/*
 * buffered_write.c - a buffered write(), step by step.
 *
 * Models fs/xfs/xfs_file.c xfs_file_buffered_write() around
 * fs/iomap/buffered-io.c iomap_file_buffered_write(): the iomap_iter loop
 * (fs/iomap/iter.c), the chunk loop of iomap_write_iter(), and XFS's
 * ->iomap_begin/->iomap_end for buffered writes (fs/xfs/xfs_iomap.c).
 * Also modelled: the write checks' EOF zeroing, xfs_zero_range() ->
 * iomap_zero_range() -> iomap_zero_iter(), as iterations of the same steps
 * (the writer's position runs from i_size to the write's offset, with `zero`
 * in place of `copy`); short copies from a faulting user buffer; and the
 * write-failure cleanup of an unused delalloc reservation in its three kernel
 * versions (see write_fail_cleanup).  Left out: NOWAIT, large folios, and
 * balance_dirty_pages (the gap it opens is the gap between any two steps).
 *
 * The writer's program counter, one step per arrow:
 *
 *   RWSEM_LOCK -rwsem_lock-> IOMAP_BEGIN (at i_size when the write starts past it)
 *   IOMAP_BEGIN -iomap_begin-> [VALID_BEFORE -iomap_valid->] FOLIO_GET
 *   (zeroing: a HOLE or UNWRITTEN mapping goes straight to IOMAP_END)
 *   FOLIO_GET -folio_get-> (found) FOLIO_LOCK -folio_lock-> [VALID_AFTER -iomap_valid->]
 *             (created) -----------------------------------> [VALID_AFTER] -> WRITE_BEGIN
 *   WRITE_BEGIN -write_begin-> COPY -copy-> WRITE_END -write_end-> next chunk or IOMAP_END
 *   (zeroing: WRITE_BEGIN -write_begin-> ZERO -zero-> WRITE_END)
 *   IOMAP_END -iomap_end-> IOMAP_BEGIN (bytes left, the write after the zeroing, or STALE)
 *             or RWSEM_UNLOCK,
 *             or [PUNCH_DELALLOC -punch_delalloc->] first (6.1's cleanup)
 *   RWSEM_UNLOCK -rwsem_unlock-> DONE
 *
 * A failed iomap_valid goes straight to IOMAP_END with IOMAP_F_STALE set.  The
 * actor's row (wb_actor_write, at the end) holds the step table: each pc with
 * its step name and the kernel function it models.
 */
#include <inttypes.h>
#include <stddef.h>

#include <stdio.h>
#include <string.h>

#include "model/actor.h"
#include "model/iomap_iter.h"
#include "model/scenario_check.h"
#include "model/extent_map.h"
#include "model/locks.h"
#include "model/por.h"
#include "model/writeback.h"


static const char *wb_type_name(unsigned type)
{
	return wb_ext_state_name((enum wb_ext_state)type);
}

static uint32_t wb_round_up(uint32_t x, uint32_t a)
{
	return (x + a - 1) / a * a;
}

static uint32_t wb_round_down(uint32_t x, uint32_t a)
{
	return x / a * a;
}

static uint32_t wb_write_end_pos(const struct wb_model *m, unsigned t)
{
	return (uint32_t)(m->sc->tasks[t].offset + m->sc->tasks[t].length);
}

/*
 * Is the iteration zeroing [i_size, zero_end): the gap before a write
 * (xfs_file_write_checks()), or a truncate's or fallocate's new bytes?  Only
 * then is its position below zero_end.
 */
static bool wb_zeroing(const struct wb_iter_ref *r)
{
	const struct wb_writer *wr = r->it;

	return wr->pc != WP_RWSEM_LOCK && wr->pc != WP_DONE && wr->pos < r->zero_end;
}

/* Does the user buffer fault at this file position (short_copy_at)? */
static bool wb_faults_at(const struct wb_model *m, unsigned t, uint32_t pos)
{
	const struct wb_task_def *td = &m->sc->tasks[t];

	return td->has_short_copy && pos == td->short_copy_at;
}

/*
 * The chunk at the writer's position before it has a folio: never crosses a
 * page, nor the iteration's end; a retried short copy is cut at the copied
 * length.  With large folios (m->lf) the chunk is the largest folio's size
 * instead of a page (iomap_write_iter(), 6.6: chunk = the mapping's largest
 * folio, offset = pos & (chunk - 1)).
 */
static uint32_t wb_chunk_halved(const struct wb_writer *wr)
{
	return (uint32_t)(wr->flags & WR_HALVED_MASK) >> WR_HALVED_SHIFT;
}

/*
 * iomap_write_iter()'s chunk: a page, or with large folios the largest
 * folio's size halved once per rejected short copy of this iteration (6.6,
 * 6.12: "if (chunk > PAGE_SIZE) chunk /= 2"), never below a page.
 */
static uint32_t wb_chunk_size(const struct wb_model *m, const struct wb_writer *wr)
{
	return m->lf ? m->sc->max_folio_size >> wb_chunk_halved(wr) : m->ps;
}

static uint32_t wb_chunk_len_end(const struct wb_model *m, const struct wb_writer *wr, unsigned t)
{
	uint32_t csize = wb_chunk_size(m, wr);
	uint32_t page_end = wb_round_down(wr->pos, csize) + csize;
	uint32_t end = page_end < wr->iter_end ? page_end : wr->iter_end;
	const struct wb_task_def *td = &m->sc->tasks[t];

	if ((wr->wflags & WR_RETRY) && td->short_copy_at < end)
		end = (uint32_t)td->short_copy_at;
	return end;
}

/*
 * The chunk once the folio is found or created: cut at the folio's end
 * (iomap_write_begin(), 6.6: len cut to folio_pos + folio_size - pos), so one
 * chunk, one validity check, per folio.  Without large folios the same as
 * wb_chunk_len_end().
 */
static uint32_t wb_chunk_end(const struct wb_model *m, const void *w, const struct wb_writer *wr,
			     unsigned t)
{
	uint32_t end = wb_chunk_len_end(m, wr, t);
	unsigned page = wr->pos / m->ps;

	if (m->lf && page < m->npages && (wb_folio(m, WBC(w), page)->flags & FOLIO_PRESENT)) {
		uint32_t fend = (wb_fhead(m, w, page) + wb_fpages(m, w, page)) * m->ps;
		if (fend < end)
			end = fend;
	}
	return end;
}

/* Footprint entries for every page of the folio holding page p. */
static void wb_fp_folio_locs(struct wb_model *m, const void *w, unsigned page, unsigned kind)
{
	unsigned head = wb_fhead(m, w, page), np = wb_fpages(m, w, page);

	for (unsigned q = head; q < head + np; q++)
		wb_fp(m, WB_LOC_FOLIO(m, q), kind);
}

static uint8_t wb_after_folio_pc(const struct wb_model *m)
{
	return m->cfg.validity_check == WB_CHECK_AFTER_LOCK ? WP_VALID_AFTER : WP_WRITE_BEGIN;
}

/*
 * The start of a chunk (iomap_write_iter's loop): fault the user buffer in;
 * if it faults here the iteration ends in error, next iomap_end.
 */
static uint8_t wb_next_chunk(struct wb_model *m, struct wb_writer *wr, unsigned t)
{
	if (wb_faults_at(m, t, wr->pos)) {
		wr->wflags |= WR_ERR;
		wb_desc(m, "; the user buffer faults at %u", wr->pos);
		return WP_IOMAP_END;
	}
	return m->cfg.validity_check == WB_CHECK_BEFORE_LOCK ? WP_VALID_BEFORE : WP_FOLIO_GET;
}

/*
 * The write cleanup's range, if the iomap_end of this iteration has one:
 * a DELALLOC mapping this write reserved (NEW), and blocks past what it
 * wrote (6.1 and 6.2 compute it alike).  drop_writes (6.1 error injection)
 * treats every DELALLOC mapping as NEW with nothing written.
 */
static bool wb_cleanup_range(const struct wb_model *m, const struct wb_writer *wr,
			     uint32_t *start, uint32_t *end)
{
	uint32_t written = wr->pos - wr->iter_start, length = wr->iter_end - wr->iter_start;
	bool new = wr->flags & IOMAP_F_NEW;

	if (wr->type != WB_DELALLOC)
		return false;
	if (m->cfg.drop_writes) {
		new = true;
		written = 0;
	}
	if (!new)
		return false;
	*start = written ? wb_round_up(wr->iter_start + written, m->bs)
			 : wb_round_down(wr->iter_start, m->bs);
	*end = wb_round_up(wr->iter_start + length, m->bs);
	return *start < *end;
}

static bool wb_flush_enabled(const struct wb_model *m, const void *w, uint32_t pos, uint32_t end,
			     char *why, size_t n);

bool wb_iter_enabled(const struct wb_model *m, const void *w, unsigned t,
		     const struct wb_writer *wr, uint32_t zero_end, char *why, size_t n)
{
	void *cw = WBC(w);

	(void)t;
	switch (wr->pc) {
	case WP_FOLIO_LOCK: {
		const struct folio *f = wb_folio(m, cw, wr->pos / m->ps);
		if (!wb_folio_lock_available(m, cw, wr->pos / m->ps, why, n))
			return false;
		if (m->cfg.stable_pages && (f->flags & FOLIO_WRITEBACK)) {
			WB_WHY(why, n, "waits for writeback of page %u (stable pages)",
			       wr->pos / m->ps);
			return false;
		}
		return true;
	}
	case WP_IOMAP_END: {
		uint32_t s, e;
		if (!wb_cleanup_range(m, wr, &s, &e))
			return true;
		if (m->cfg.write_fail_cleanup != WB_CLEANUP_TRUNCATE_PUNCH &&
		    !wb_inval_available(m, cw, false, why, n))
			return false;
		if (m->cfg.write_fail_cleanup != WB_CLEANUP_SCAN_PUNCH &&
		    !wb_range_quiet(m, cw, s, e, true)) {
			WB_WHY(why, n, "waits to lock the folios of [%u,%u) to truncate them", s, e);
			return false;
		}
		/*
		 * The 6.2 scan locks each cached folio it examines (below i_size).
		 * The core model (docs/model.md section 4) keeps iomap_end always enabled: without page
		 * faults no folio over the write's unused reservation holds anyone's
		 * data, so the locks cannot change an outcome; with faults they do
		 * (a folio writeback has cleaned but not yet mapped), so they count.
		 */
		if (m->cfg.write_fail_cleanup == WB_CLEANUP_SCAN_PUNCH && m->has_faults &&
		    !wb_range_quiet(m, cw, s, e < wb_inode(cw)->i_size ? e : wb_inode(cw)->i_size,
				    false)) {
			WB_WHY(why, n, "waits to lock the folios of [%u,%u) to scan them", s, e);
			return false;
		}
		return true;
	}
	case WP_FLUSH:
		return wb_flush_enabled(m, w, wr->pos, zero_end, why, n);
	default:
		return true;
	}
}

static bool wb_writer_enabled(const struct wb_model *m, const void *w, unsigned t, char *why, size_t n)
{
	void *cw = WBC(w);
	const struct wb_writer *wr = &wb_task(m, cw, t)->w;

	switch (wr->pc) {
	case WP_DONE:
		WB_WHY(why, n, "finished");
		return false;
	case WP_RWSEM_LOCK:
		if (!wb_rwsem_available(m, cw, false, why, n))
			return false;
		/* zero_rework: a write past EOF zeroes under the invalidate_lock (wb_rwsem_lock) */
		if (m->cfg.zero_rework && m->sc->tasks[t].offset > wb_inode(cw)->i_size)
			return wb_inval_available(m, cw, false, why, n);
		return true;
	default:
		return wb_iter_enabled(m, w, t, wr, (uint32_t)m->sc->tasks[t].offset, why, n);
	}
}

/* Models: fs/xfs/xfs_file.c xfs_file_buffered_write() taking IOLOCK_EXCL (6.1, 6.3). */
static void wb_rwsem_lock(struct wb_model *m, void *w, unsigned t)
{
	struct wb_inode *ino = wb_inode(w);
	struct wb_writer *wr = &wb_task(m, w, t)->w;

	wb_rwsem_down(m, w, t, false);
	wb_order_append(w, t);
	wr->pos = (uint32_t)m->sc->tasks[t].offset;
	wr->pc = WP_IOMAP_BEGIN;
	wb_desc(m, "i_rwsem taken exclusive; write [%u,%u)", wr->pos, wb_write_end_pos(m, t));
	/*
	 * Models: fs/xfs/xfs_file.c xfs_file_write_checks() (6.1, 6.2): a write starting past
	 * i_size first zeroes [i_size, pos) with xfs_zero_range() -> iomap_zero_range(), an
	 * iomap iteration of its own through the steps below (the writer's position runs from
	 * i_size to the write's offset; wb_zeroing()).
	 */
	if (wr->pos > ino->i_size) {
		uint32_t zend = wr->pos;
		wb_desc(m, "; past i_size %u: zero [%u,%u) first (iomap_zero_range)", ino->i_size,
			ino->i_size, wr->pos);
		wr->pos = ino->i_size;
		/*
		 * zero_rework: xfs_file_write_checks() (6.11+, verified in 6.12.19)
		 * takes XFS_MMAPLOCK_EXCL (the invalidate_lock) around
		 * xfs_zero_range(), released when the zeroing is done
		 * (wb_iomap_advance).  Folded into this step: between the two locks
		 * only tasks that take neither could run, and i_size changes only
		 * under i_rwsem.
		 */
		if (m->cfg.zero_rework) {
			wb_inval_down(m, w, t, false);
			wr->wflags |= WR_INVAL;
			wb_desc(m, "; invalidate_lock taken");
		}
		wb_iter_zero_start(m, w, wr, zend);
	}
}

/*
 * Models: include/linux/pagemap.h filemap_range_needs_writeback() (6.12):
 * false if no folio of the file is tagged dirty or writeback; otherwise,
 * is a folio of the pages of [start, end) dirty, locked or under writeback
 * (mm/filemap.c filemap_range_has_writeback())?
 */
static bool wb_range_needs_writeback(struct wb_model *m, void *w, uint32_t start, uint32_t end)
{
	bool tagged = false;
	unsigned p;

	for (p = 0; p < m->npages; p++) {
		const struct folio *f = wb_folio(m, w, p);
		wb_fp(m, WB_LOC_FOLIO(m, p), WB_FP_READ);
		tagged |= (f->flags & FOLIO_PRESENT) && (f->flags & (FOLIO_DIRTY | FOLIO_WRITEBACK));
	}
	if (!tagged || end <= start)
		return false;
	for (p = start / m->ps; p < m->npages && p * m->ps < end; p++) {
		const struct folio *f = wb_folio(m, w, p);
		if ((f->flags & FOLIO_PRESENT) &&
		    (f->locked || (f->flags & (FOLIO_DIRTY | FOLIO_WRITEBACK))))
			return true;
	}
	return false;
}

void wb_iter_zero_start(struct wb_model *m, void *w, struct wb_writer *it, uint32_t zero_end)
{
	if (!m->zflush)
		return;
	/*
	 * zero_dirty_unwritten=flush_eof: fs/iomap/buffered-io.c iomap_zero_range()
	 * (6.18): a start inside a block whose rest [pos, block end) needs
	 * writeback is zeroed through the page cache first, whatever the mapping
	 * (WR_EOF_ZERO); range_dirty is sampled after it (wb_iomap_advance).
	 */
	if (m->cfg.zero_dirty_unwritten == WB_ZDU_FLUSH_EOF && it->pos % m->bs) {
		uint32_t pend = wb_round_up(it->pos, m->bs);
		if (pend > zero_end)
			pend = zero_end;
		if (wb_range_needs_writeback(m, w, it->pos, pend)) {
			it->wflags |= WR_EOF_ZERO;
			wb_desc(m, "; the partial EOF block [%u,%u) needs writeback: zero it in the cache",
				it->pos, pend);
			return;
		}
	}
	/*
	 * Models: fs/iomap/buffered-io.c iomap_zero_range() (6.12, 7d9b474ee4cc):
	 * range_dirty = filemap_range_needs_writeback() over the whole zeroing
	 * range, once, before the first mapping.
	 */
	if (wb_range_needs_writeback(m, w, it->pos, zero_end)) {
		it->wflags |= WR_RANGE_DIRTY;
		wb_desc(m, "; range_dirty");
	}
}

/* The first dirty folio of [pos, end)'s pages, or -1 (the flush's next folio). */
static int wb_flush_next(const struct wb_model *m, const void *w, uint32_t pos, uint32_t end)
{
	for (unsigned p = pos / m->ps; p < m->npages && p * m->ps < end; p++) {
		const struct folio *f = wb_folio(m, WBC(w), p);
		if ((f->flags & FOLIO_PRESENT) && (f->flags & FOLIO_DIRTY))
			return (int)p;
	}
	return -1;
}

/*
 * Can the flush take its next step?  The next dirty folio's write waits for
 * its lock and for writeback of it to end (WB_SYNC_ALL); the final wait, for
 * writeback of every folio of the range to end.
 */
static bool wb_flush_enabled(const struct wb_model *m, const void *w, uint32_t pos, uint32_t end,
			     char *why, size_t n)
{
	int p = wb_flush_next(m, w, pos, end);

	if (p >= 0) {
		const struct folio *f = wb_folio(m, WBC(w), (unsigned)p);
		if (!wb_folio_lock_available(m, WBC(w), (unsigned)p, why, n))
			return false;
		if (f->flags & FOLIO_WRITEBACK) {
			WB_WHY(why, n, "flush: waits for writeback of page %u to end", p);
			return false;
		}
		return true;
	}
	for (unsigned q = pos / m->ps; q < m->npages && q * m->ps < end; q++)
		if (wb_folio(m, WBC(w), q)->flags & FOLIO_WRITEBACK) {
			WB_WHY(why, n, "flush: waits for writeback of page %u to end", q);
			return false;
		}
	return true;
}

/*
 * Models: fs/iomap/buffered-io.c iomap_zero_iter_flush_and_stale() (6.12,
 * c5c810b94cfd) -> mm/filemap.c filemap_write_and_wait_range(pos, zeroing
 * end - 1), one step per dirty folio of the range and one for the wait:
 * __filemap_fdatawrite_range() (WB_SYNC_ALL) writes each dirty folio by
 * writeback's rules (its bytes past i_size zeroed, its blocks below i_size
 * mapped afresh, DELALLOC converted), and its IO and completion (UNWRITTEN
 * converted, xfs_end_ioend()) are folded into the same step; then
 * __filemap_fdatawait_range() waits for every folio of the range under
 * writeback (other tasks' IOs).  The mapping is STALE: iomap_end, then the
 * remap at the same position.
 */
static void wb_zero_flush(struct wb_model *m, void *w, unsigned t, const struct wb_iter_ref *r)
{
	struct wb_writer *wr = r->it;
	int p = wb_flush_next(m, w, wr->pos, r->zero_end);

	(void)t;
	if (p >= 0) {
		wb_desc(m, "page %u written back (", p);
		wb_write_and_wait_folio(m, w, (unsigned)p);
		wb_desc(m, ")");
		return;
	}
	for (unsigned q = wr->pos / m->ps; q < m->npages && q * m->ps < r->zero_end; q++)
		wb_fp(m, WB_LOC_FOLIO(m, q), WB_FP_WAIT);
	wb_desc(m, "no dirty folio and no writeback left in [%u,%u): the mapping is STALE",
		wr->pos, r->zero_end);
	wr->pc = WP_IOMAP_END;
}

/*
 * Models: fs/xfs/xfs_iomap.c xfs_buffered_write_iomap_begin() with IOMAP_ZERO (6.1, 6.2)
 * as called by iomap_zero_range() -> iomap_iter(), and the first test of
 * fs/iomap/buffered-io.c iomap_zero_iter() (6.1, 6.2).  Over a hole nothing is reserved:
 * a HOLE mapping up to the next extent; an existing extent is returned whole, with the
 * cookie (6.2).  iomap_zero_iter() skips HOLE and UNWRITTEN mappings (its source map is
 * the mapping itself without COW): the whole iteration counts as done, next iomap_end.
 */
static void xfs_zero_iomap_begin(struct wb_model *m, void *w, unsigned t,
				 const struct wb_iter_ref *r)
{
	struct wb_writer *wr = r->it;
	const uint8_t *ext = wb_ext(m, w);
	uint32_t zend = r->zero_end;
	unsigned b = wr->pos / m->bs, s, e;

	wb_desc(m, "zeroing pos=%u -> ", wr->pos);
	if (ext[b] == WB_HOLE) {
		/* the hole up to the next extent, or to the request's end past the last one */
		unsigned req_end = wb_round_up(zend, m->bs) / m->bs;
		s = b;
		e = wb_next_extent(m, w, b);
		if (e >= m->nblocks && req_end < e)
			e = req_end;
	} else {
		wb_extent_at(m, w, b, &s, &e);
	}
	if (m->cfg.zero_rework && ext[b] == WB_DELALLOC) {
		/*
		 * zero_rework: fs/xfs/xfs_iomap.c xfs_buffered_write_iomap_begin()
		 * with IOMAP_ZERO (6.11+, verified in 6.12.19): a DELALLOC extent
		 * starting at or past the EOF block (offset_fsb >= eof_fsb) is
		 * converted (convert_delay: truncate_pagecache(inode, offset), then
		 * xfs_bmapi_convert_delalloc(), which allocates the whole delalloc
		 * extent as UNWRITTEN and returns it with a cookie); one that
		 * reaches past the EOF block is trimmed to it.
		 */
		unsigned eofb = wb_round_up(wb_inode(w)->i_size, m->bs) / m->bs;
		if (b >= eofb) {
			wb_desc(m, "DELALLOC at or past the EOF block: truncate_pagecache from %u:",
				wr->pos);
			wb_truncate_pagecache(m, w, wr->pos, (uint64_t)m->npages * m->ps);
			wb_desc(m, " ");
			xfs_bmapi_convert_delalloc(m, w, b, &s, &e); /* describes ", seq a->b" */
			wb_desc(m, "; ");
		} else if (e > eofb) {
			e = eofb;
		}
	}
	wr->type = ext[b];
	wr->flags = 0;
	wr->map_off = s * m->bs;
	wr->map_end = e * m->bs;
	wb_fp_blocks(m, s, e, false, WB_FP_READ);
	wr->iter_start = wr->pos;
	wr->iter_end = zend < wr->map_end ? zend : wr->map_end;
	if (wr->wflags & WR_EOF_ZERO) {
		/* flush_eof (6.18): the iteration of the partial EOF block, whatever the type */
		uint32_t pend = wb_round_up(wr->pos, m->bs);
		if (wr->iter_end > pend)
			wr->iter_end = pend;
		wr->cookie = wb_inode(w)->seq;
		wb_fp(m, WB_LOC_SEQ, WB_FP_READ);
		wb_desc(m, "%s [%u,%u) cookie=%u, partial EOF block: iteration [%u,%u)",
			wb_type_name(wr->type), wr->map_off, wr->map_end, wr->cookie, wr->iter_start,
			wr->iter_end);
		wr->pc = wb_next_chunk(m, wr, t);
		return;
	}
	if (wr->type == WB_UNWRITTEN && m->cfg.zero_dirty_unwritten == WB_ZDU_BATCH &&
	    b < wb_round_up(wb_inode(w)->i_size, m->bs) / m->bs) {
		/*
		 * batch (6.19, 7.1.5): fs/xfs/xfs_iomap.c xfs_buffered_write_iomap_begin()
		 * with IOMAP_ZERO, an UNWRITTEN mapping starting below the EOF block
		 * (offset_fsb < eof_fsb): trimmed to the EOF block, and
		 * iomap_fill_dirty_folios() -> filemap_get_folios_dirty() batches its
		 * folios that are dirty, under writeback or locked.  A block is never
		 * larger than a page here, so the batch is the EOF folio or nothing; its
		 * folio is zeroed like a WRITTEN range (folio_lock, iomap_valid), an empty
		 * batch skips the mapping, and neither flushes.
		 */
		uint32_t eofb = wb_round_up(wb_inode(w)->i_size, m->bs);
		const struct folio *f = wb_folio(m, w, wr->pos / m->ps);
		if (wr->iter_end > eofb)
			wr->iter_end = eofb;
		wb_fp(m, WB_LOC_FOLIO(m, wr->pos / m->ps), WB_FP_READ);
		if ((f->flags & FOLIO_PRESENT) &&
		    (f->locked || (f->flags & (FOLIO_DIRTY | FOLIO_WRITEBACK)))) {
			wr->cookie = wb_inode(w)->seq;
			wb_fp(m, WB_LOC_SEQ, WB_FP_READ);
			wb_desc(m, "UNWRITTEN [%u,%u) cookie=%u, folio batch: page %u, iteration [%u,%u)",
				wr->map_off, wr->map_end, wr->cookie, wr->pos / m->ps, wr->iter_start,
				wr->iter_end);
			wr->pc = wb_next_chunk(m, wr, t);
			return;
		}
		wr->cookie = 0;
		wb_desc(m, "UNWRITTEN [%u,%u), empty folio batch: nothing to zero in [%u,%u)",
			wr->map_off, wr->map_end, wr->iter_start, wr->iter_end);
		wr->pos = wr->iter_end;
		wr->pc = WP_IOMAP_END;
		return;
	}
	if (wr->type == WB_HOLE || wr->type == WB_UNWRITTEN) {
		/* canonical: the skipped iteration's cookie is never read */
		wr->cookie = 0;
		/* batch (7.1.5): iomap_zero_range() flushes for UNWRITTEN only */
		if ((wr->wflags & WR_RANGE_DIRTY) &&
		    (wr->type == WB_UNWRITTEN || m->cfg.zero_dirty_unwritten != WB_ZDU_BATCH)) {
			/*
			 * iomap_zero_iter() (6.12): range_dirty over a HOLE or
			 * UNWRITTEN mapping: clear it, mark the mapping STALE,
			 * flush [pos, end) (wb_zero_flush); nothing processed
			 */
			wr->wflags &= (uint8_t)~WR_RANGE_DIRTY;
			wr->flags |= IOMAP_F_STALE;
			wb_desc(m, "%s [%u,%u), range_dirty: STALE, flush [%u,%u) first",
				wb_type_name(wr->type), wr->map_off, wr->map_end, wr->pos, zend);
			wr->pc = WP_FLUSH;
			return;
		}
		wb_desc(m, "%s [%u,%u): nothing to zero in [%u,%u)", wb_type_name(wr->type),
			wr->map_off, wr->map_end, wr->iter_start, wr->iter_end);
		wr->pos = wr->iter_end;
		wr->pc = WP_IOMAP_END;
		return;
	}
	wr->cookie = wb_inode(w)->seq;
	wb_fp(m, WB_LOC_SEQ, WB_FP_READ);
	wb_desc(m, "%s [%u,%u) cookie=%u, iteration [%u,%u)", wb_type_name(wr->type),
		wr->map_off, wr->map_end, wr->cookie, wr->iter_start, wr->iter_end);
	wr->pc = wb_next_chunk(m, wr, t);
}

/*
 * Models: fs/xfs/xfs_iomap.c xfs_buffered_write_iomap_begin() (6.1, 6.3) for a
 * non-reflink inode without extent size hint; omits speculative preallocation.
 * An existing extent is returned whole; over a hole, DELALLOC is reserved up
 * to the end of the request or the next extent and returned with IOMAP_F_NEW.
 * The cookie is seq after the lookup (xfs_iomap_inode_sequence(), 6.2+).
 */
static void xfs_buffered_write_iomap_begin(struct wb_model *m, void *w, unsigned t,
					   const struct wb_iter_ref *r)
{
	struct wb_writer *wr = r->it;
	uint8_t *ext = wb_ext(m, w);
	uint32_t wend = wb_write_end_pos(m, t);
	unsigned b = wr->pos / m->bs, s, e;

	if (wb_zeroing(r)) {
		xfs_zero_iomap_begin(m, w, t, r);
		return;
	}
	wb_desc(m, "pos=%u -> ", wr->pos);
	if (ext[b] != WB_HOLE) {
		wb_extent_at(m, w, b, &s, &e);
		wr->type = ext[b];
		wr->flags = 0;
	} else {
		unsigned req_end = wb_round_up(wend, m->bs) / m->bs;
		unsigned next = wb_next_extent(m, w, b);
		s = b;
		e = req_end < next ? req_end : next;
		wb_desc(m, "reserve DELALLOC [%u,%u)", s * m->bs, e * m->bs);
		xfs_bmapi_reserve_delalloc(m, w, s, e); /* describes ", seq a->b" */
		wb_desc(m, "; ");
		wr->type = WB_DELALLOC;
		wr->flags = IOMAP_F_NEW;
	}
	wr->map_off = s * m->bs;
	wr->map_end = e * m->bs;
	wr->cookie = wb_inode(w)->seq;
	wb_fp_blocks(m, s, e, false, WB_FP_READ);
	wb_fp(m, WB_LOC_SEQ, WB_FP_READ);
	wr->iter_start = wr->pos;
	wr->iter_end = wend < wr->map_end ? wend : wr->map_end;
	wb_desc(m, "%s [%u,%u)%s cookie=%u, iteration [%u,%u)", wb_type_name(wr->type),
		wr->map_off, wr->map_end, (wr->flags & IOMAP_F_NEW) ? " NEW" : "", wr->cookie,
		wr->iter_start, wr->iter_end);
	wr->pc = wb_next_chunk(m, wr, t);
}

/*
 * Models: fs/iomap/buffered-io.c iomap_write_failed() (6.2+): a chunk that
 * extended the file and failed leaves no page cache past i_size.
 */
static void iomap_write_failed_range(struct wb_model *m, void *w, uint32_t pos, uint32_t end)
{
	uint32_t i_size = wb_inode(w)->i_size;

	if (end <= i_size)
		return;
	wb_desc(m, "; iomap_write_failed: truncate [%u,%u):", pos > i_size ? pos : i_size, end);
	wb_truncate_pagecache(m, w, pos > i_size ? pos : i_size, end);
}

static void iomap_write_failed(struct wb_model *m, void *w, const struct wb_writer *wr,
			       unsigned t)
{
	/* iomap_write_begin(): on a STALE mapping, the chunk's len before the folio's cut */
	iomap_write_failed_range(m, w, wr->pos, wb_chunk_len_end(m, wr, t));
}

/* Mark the cached mapping stale (the failed half of xfs_iomap_valid()). */
static void wb_mark_stale(struct wb_model *m, void *w, struct wb_writer *wr)
{
	wr->flags |= IOMAP_F_STALE;
	m->events |= WB_EV_STALE_REMAP;
	wb_desc(m, "cookie=%u seq=%u -> STALE", wr->cookie, wb_inode(w)->seq);
	wr->pc = WP_IOMAP_END;
}

/*
 * Models: fs/xfs/xfs_iomap.c xfs_iomap_valid() (6.2+) as called from
 * fs/iomap/buffered-io.c iomap_write_begin().  With after_lock (the fix) the
 * call follows the folio lock; a mismatch unlocks and releases the folio,
 * which stays cached exactly as it was.  With before_lock (a deliberately
 * wrong placement) it precedes every folio_get and there is no folio yet.
 */
static void xfs_iomap_valid(struct wb_model *m, void *w, unsigned t, const struct wb_iter_ref *r)
{
	struct wb_writer *wr = r->it;
	bool before = wr->pc == WP_VALID_BEFORE;

	wb_fp(m, WB_LOC_SEQ, WB_FP_READ);
	if (wr->cookie == wb_inode(w)->seq) {
		wb_desc(m, "cookie=%u seq=%u valid", wr->cookie, wb_inode(w)->seq);
		wr->pc = before ? WP_FOLIO_GET : WP_WRITE_BEGIN;
		return;
	}
	wb_mark_stale(m, w, wr);
	if (!before) {
		unsigned page = wr->pos / m->ps;
		struct folio *f = wb_folio(m, w, page);
		wb_folio_unlock(m, w, page);
		wb_folio_flags(m, w, page, 0, FOLIO_REF);
		wb_fp_folio_locs(m, w, page, WB_FP_WRITE);
		wb_desc(m, "; page %u unlocked and released, stays cached (%s, %s)", page,
			(f->flags & FOLIO_DIRTY) ? "dirty" : "clean",
			wb_folio_full(m, w, page) ? "uptodate" : "!uptodate");
		/*
		 * write_failed_truncate=rejected_only: from 6.11 (verified absent in
		 * 6.9.0, present in 6.12.19) a STALE mapping is not a failure:
		 * iomap_write_begin() sets IOMAP_F_STALE, puts the folio and returns 0,
		 * and iomap_write_iter() leaves its loop without iomap_write_failed().
		 */
		if (m->cfg.write_failed_truncate == WB_WFT_ALWAYS)
			iomap_write_failed(m, w, wr, t);
	}
}

/*
 * Models: mm/filemap.c __filemap_get_folio(FGP_LOCK|FGP_WRITE|FGP_CREAT) as
 * called by iomap_write_begin() (6.1, 6.3), up to the lock: find the folio and
 * take a reference, or create an order-0 folio, locked, with a reference.
 */
static void wb_folio_get(struct wb_model *m, void *w, unsigned t, const struct wb_iter_ref *r)
{
	struct wb_writer *wr = r->it;
	unsigned page = wr->pos / m->ps;
	struct folio *f = wb_folio(m, w, page);

	wb_desc(m, "chunk [%u,%u): ", wr->pos, wb_chunk_end(m, w, wr, t));
	wb_fp(m, WB_LOC_FOLIO(m, page), WB_FP_READ | WB_FP_WRITE);
	if (f->flags & FOLIO_PRESENT) {
		wb_folio_flags(m, w, page, FOLIO_REF, 0);
		wb_fp_folio_locs(m, w, page, WB_FP_READ | WB_FP_WRITE);
		wr->pc = WP_FOLIO_LOCK;
		wb_desc(m, "page %u found, reference taken", page);
		if (wb_fpages(m, w, page) > 1) {
			char txt[48];
			wb_folio_order_text(m, w, page, txt, sizeof(txt));
			wb_desc(m, " (folio of %s; the chunk ends at %u)", txt,
				wb_chunk_end(m, w, wr, t));
		}
		return;
	}
	if (m->lf) {
		/*
		 * Large folios (6.6): iomap_get_folio() asks __filemap_get_folio()
		 * for fgf_set_order(len) of the chunk's length; the new folio starts
		 * at the page holding the position (wb_new_folio_order()).
		 */
		uint32_t len = wb_chunk_len_end(m, wr, t) - wr->pos;
		unsigned k = wb_new_folio_order(m, w, page, len);
		for (unsigned q = page; q < page + (1u << k); q++) {
			*wb_forder_p(m, w, q) = (uint8_t)k;
			wb_folio(m, w, q)->flags = FOLIO_PRESENT | FOLIO_REF;
			wb_folio(m, w, q)->uptodate = 0;
			wb_fp(m, WB_LOC_FOLIO(m, q), WB_FP_READ | WB_FP_WRITE);
			if (q != page)
				wb_prov_new_folio(m, q);
		}
		if (k)
			wb_desc(m, "fgf_set_order(%u): order %u folio of pages %u-%u; ", len, k,
				page, page + (1u << k) - 1);
	}
	f->flags = FOLIO_PRESENT | FOLIO_REF;
	wb_folio_lock_take(m, w, t, page);
	f->uptodate = 0;
	wb_prov_new_folio(m, page);
	wr->pc = wb_after_folio_pc(m);
	wb_desc(m, "page %u absent -> new folio, locked", page);
	if (m->uninit) {
		/* Models: mm/filemap.c filemap_alloc_folio() without __GFP_ZERO (6.1, 6.2) */
		memset(wb_cache(m, w, page), WB_UNINIT, m->gpp);
		wb_desc(m, ", its bytes uninitialised");
		if (m->prov) {
			uint32_t o = wb_origin_new(m, "%s folio_get allocated page %u: uninitialised "
						   "memory, never written by anyone",
						   m->sc->tasks[t].name, page);
			for (uint32_t g = 0; g < m->gpp; g++)
				m->prov->cache[(size_t)page * m->gpp + g] = o;
		}
	}
}

/* Models: mm/filemap.c __filemap_get_folio()'s folio_lock() (6.1, 6.3). */
static void wb_folio_lock(struct wb_model *m, void *w, unsigned t, const struct wb_iter_ref *r)
{
	struct wb_writer *wr = r->it;
	unsigned page = wr->pos / m->ps;

	wb_folio_lock_take(m, w, t, page);
	wb_fp_folio_locs(m, w, page, WB_FP_WAIT | WB_FP_WRITE);
	wr->pc = wb_after_folio_pc(m);
	wb_desc(m, "page %u locked", page);
}

/* A stale decision: zeroes where the block is WRITTEN but the mapping said otherwise. */
static void wb_note_stale_zeroing(struct wb_model *m, void *w, unsigned t,
				  const struct wb_writer *wr, unsigned b0, unsigned b1,
				  uint32_t zs, uint32_t ze)
{
	const uint8_t *ext = wb_ext(m, w);
	unsigned b;

	for (b = b0; b < b1; b++) {
		if (ext[b] != WB_WRITTEN || wr->type == WB_WRITTEN)
			continue;
		m->events |= WB_EV_STALE_DECISION;
		if (!m->prov)
			return;
		m->prov->stale_decisions++;
		wb_warn(m,
			"step %zu: stale decision: %s write_begin zeroed [%u,%u) of page %u using "
			"a%s %s mapping with cookie %u, seq is %u; block %u is WRITTEN",
			m->prov->step, m->sc->tasks[t].name, zs, ze, zs / m->ps,
			wr->type == WB_UNWRITTEN ? "n" : "", wb_type_name(wr->type), wr->cookie, wb_inode(w)->seq, b);
		return;
	}
}

/* Zero [zs, ze) (file bytes) in the writer's folio, recording where the zeroes came from. */
static void wb_zero_segment(struct wb_model *m, void *w, unsigned t, const struct wb_writer *wr,
			    uint32_t zs, uint32_t ze)
{
	unsigned page = zs / m->ps;
	uint8_t *c = wb_cache(m, w, page);
	uint32_t g0 = (zs % m->ps) / m->gran, g1 = g0 + (ze - zs) / m->gran;

	if (zs >= ze)
		return;
	memset(c + g0, 0, g1 - g0);
	wb_desc(m, " zero [%u,%u)", zs, ze);
	wb_note_stale_zeroing(m, w, t, wr, zs / m->bs, (ze + m->bs - 1) / m->bs, zs, ze);
	if (m->prov) {
		uint32_t o = wb_origin_new(
			m, "%s write_begin zeroed [%u,%u) of page %u using a%s %s%s mapping with "
			   "cookie %u, seq was %u; block%s %u%s is %s",
			m->sc->tasks[t].name, zs, ze, page,
			wr->type == WB_UNWRITTEN ? "n" : "", wb_type_name(wr->type),
			(wr->flags & IOMAP_F_NEW) ? " NEW" : "", wr->cookie, wb_inode(w)->seq,
			(ze - 1) / m->bs != zs / m->bs ? "s" : "", zs / m->bs,
			(ze - 1) / m->bs != zs / m->bs ? "..." : "",
			wb_type_name(wb_ext(m, w)[zs / m->bs]));
		for (uint32_t g = g0; g < g1; g++)
			m->prov->cache[(size_t)page * m->gpp + g] = o;
	}
}

/*
 * Models: fs/iomap/buffered-io.c __iomap_write_begin() with
 * iomap_adjust_read_range() and iomap_block_needs_zeroing() (6.1, 6.3).
 * The decision uses the cached mapping, never the current extent map.
 */
static void __iomap_write_begin(struct wb_model *m, void *w, unsigned t,
				const struct wb_iter_ref *r)
{
	struct wb_writer *wr = r->it;
	/* large folios: the folio from its head page; its blocks' bits are in each page's slot */
	unsigned page = wb_fhead(m, w, wr->pos / m->ps);
	uint32_t fpos = page * m->ps, from = wr->pos, to = wb_chunk_end(m, w, wr, t);
	uint32_t i_size = wb_inode(w)->i_size;
	uint32_t bstart = wb_round_down(from, m->bs), bend = wb_round_up(to, m->bs);
	bool acted = false;

	wr->pc = wb_zeroing(r) ? WP_ZERO : WP_COPY;
	wb_fp_folio_locs(m, w, page, WB_FP_READ);
	if (wb_folio_full(m, w, page)) {
		wb_desc(m, "page %u uptodate: nothing to do", page);
		return;
	}
	wb_desc(m, "page %u, %s%s mapping:", page, wb_type_name(wr->type),
		(wr->flags & IOMAP_F_NEW) ? " NEW" : "");
	while (bstart < bend) {
		/* a run of consecutive not-uptodate blocks */
		uint32_t poff, pend;
		if (wb_block_uptodate(m, w, bstart / m->bs)) {
			bstart += m->bs;
			continue;
		}
		poff = bstart;
		pend = bstart;
		while (pend < bend && !wb_block_uptodate(m, w, pend / m->bs))
			pend += m->bs;
		/* the EOF split: the run ends at the block holding byte i_size - 1 */
		if (i_size > 0 && poff < i_size && pend > i_size) {
			uint32_t eof_end = wb_round_up(i_size, m->bs);
			if (eof_end < pend)
				pend = eof_end;
		}
		bstart = pend;
		if (!(from > poff && from < pend) && !(to > poff && to < pend)) {
			wb_desc(m, " [%u,%u) covered by the chunk", poff, pend);
			acted = true;
			continue;
		}
		if (wr->type != IOMAP_MAPPED || (wr->flags & IOMAP_F_NEW) || poff >= i_size) {
			wb_zero_segment(m, w, t, wr, poff, from > poff ? from : poff);
			wb_zero_segment(m, w, t, wr, to < pend ? to : pend, pend);
			/*
			 * 6.1 to 6.3 mark the whole run uptodate here, although [from, to) is
			 * still to be copied; the 2024 fix ("iomap: don't mark blocks uptodate
			 * after partial zeroing", Zhang Yi) leaves that to write_end.
			 */
			if (!m->cfg.partial_zero_uptodate) {
				wb_desc(m, " (not uptodate yet)");
				wb_fp_folio_locs(m, w, page, WB_FP_WRITE);
				acted = true;
				continue;
			}
		} else {
			/* Models: iomap_read_folio_sync(): the whole run, from disk */
			uint8_t *c = wb_cache(m, w, page);
			const uint8_t *d = wb_disk(m, w);
			uint32_t g0 = (poff - fpos) / m->gran, n = (pend - poff) / m->gran;
			memcpy(c + g0, d + poff / m->gran, n);
			wb_fp_blocks(m, poff / m->bs, pend / m->bs, true, WB_FP_READ);
			if (m->prov)
				memcpy(m->prov->cache + (size_t)page * m->gpp + g0,
				       m->prov->disk + poff / m->gran, n * sizeof(uint32_t));
			wb_desc(m, " read [%u,%u) from disk", poff, pend);
		}
		for (uint32_t x = poff; x < pend; x += m->bs)
			wb_block_set_uptodate(m, w, x / m->bs);
		wb_fp_folio_locs(m, w, page, WB_FP_WRITE);
		acted = true;
	}
	if (!acted)
		wb_desc(m, " nothing to do");
}

/* Models: the copy_page_from_iter_atomic() call of iomap_write_iter() (6.1, 6.3). */
static void wb_copy(struct wb_model *m, void *w, unsigned t, const struct wb_iter_ref *r)
{
	struct wb_writer *wr = r->it;
	unsigned page = wr->pos / m->ps;
	uint32_t end = wb_chunk_end(m, w, wr, t);
	const struct wb_task_def *td = &m->sc->tasks[t];
	char data = td->data;

	if (td->has_short_copy && td->short_copy_at > wr->pos && td->short_copy_at < end) {
		end = (uint32_t)td->short_copy_at; /* the user buffer faults here */
		wr->wflags |= WR_SHORT;
		wb_desc(m, "short copy: ");
	}
	uint32_t g0 = (wr->pos % m->ps) / m->gran, g1 = g0 + (end - wr->pos) / m->gran;

	/* the cache is contiguous: a chunk of a large folio runs on into its next pages */
	memset(wb_cache(m, w, page) + g0, data, g1 - g0);
	wb_fp_folio_locs(m, w, page, WB_FP_WRITE);
	if (m->prov) {
		uint32_t o = wb_origin_new(m, "%s copy of '%c' into [%u,%u)", m->sc->tasks[t].name,
					   data, wr->pos, end);
		for (uint32_t g = g0; g < g1; g++)
			m->prov->cache[(size_t)page * m->gpp + g] = o;
	}
	wr->pc = WP_WRITE_END;
	if (wb_fpages(m, w, page) > 1)
		wb_desc(m, "'%c' x %u -> [%u,%u) of the folio of pages %u-%u", data, end - wr->pos,
			wr->pos, end, wb_fhead(m, w, page),
			wb_fhead(m, w, page) + wb_fpages(m, w, page) - 1);
	else
		wb_desc(m, "'%c' x %u -> [%u,%u) of page %u", data, end - wr->pos, wr->pos, end,
			page);
}

/* Models: the folio_zero_range() call of fs/iomap/buffered-io.c iomap_zero_iter() (6.1, 6.2). */
static void wb_zero(struct wb_model *m, void *w, unsigned t, const struct wb_iter_ref *r)
{
	struct wb_writer *wr = r->it;
	unsigned page = wr->pos / m->ps;
	uint32_t end = wb_chunk_end(m, w, wr, t);
	uint32_t g0 = (wr->pos % m->ps) / m->gran, g1 = g0 + (end - wr->pos) / m->gran;

	memset(wb_cache(m, w, page) + g0, 0, g1 - g0);
	wb_fp_folio_locs(m, w, page, WB_FP_WRITE);
	if (m->prov) {
		uint32_t o = wb_origin_new(m, "%s zeroing of [%u,%u) past EOF (iomap_zero_iter)",
					   m->sc->tasks[t].name, wr->pos, end);
		for (uint32_t g = g0; g < g1; g++)
			m->prov->cache[(size_t)page * m->gpp + g] = o;
	}
	wr->pc = WP_WRITE_END;
	wb_desc(m, "zero [%u,%u) of page %u", wr->pos, end, page);
}

/*
 * Models: fs/iomap/buffered-io.c iomap_write_end() and __iomap_write_end()
 * (6.1, 6.3) for a full copy: the touched blocks uptodate, the folio dirty,
 * i_size raised, then unlock and put.
 */
static void iomap_write_end(struct wb_model *m, void *w, unsigned t, const struct wb_iter_ref *r)
{
	struct wb_writer *wr = r->it;
	struct wb_inode *ino = wb_inode(w);
	unsigned page = wr->pos / m->ps;
	struct folio *f = wb_folio(m, w, page);
	uint32_t end = wb_chunk_end(m, w, wr, t), fpos = page * m->ps;
	uint32_t len_end = end; /* pos + len: the chunk's end, whatever was copied */
	unsigned full = (1u << m->bpp) - 1;
	bool short_copy = wr->wflags & WR_SHORT;

	if (wr->wflags & WR_SHORT) {
		wr->wflags &= (uint8_t)~WR_SHORT;
		end = (uint32_t)m->sc->tasks[t].short_copy_at;
		/* folio_test_uptodate(): every block of the folio (of every page, large folios) */
		if (m->lf ? !wb_folio_full(m, w, page) : f->uptodate != full) {
			unsigned head = wb_fhead(m, w, page), np = wb_fpages(m, w, page);
			/*
			 * __iomap_write_end: a short copy into a !uptodate folio counts 0.
			 * The bytes of its !uptodate blocks stay as they are; no step reads
			 * them (canonical: zero) unless they may be uninitialised memory that
			 * a later partial zeroing marks uptodate (m->uninit).
			 */
			for (unsigned q = head; q < head + np && !m->uninit; q++)
				for (unsigned i = 0; i < m->bpp; i++)
					if (!(wb_folio(m, w, q)->uptodate & (1u << i)))
						memset(wb_cache(m, w, q) + (size_t)i * m->gpb, 0, m->gpb);
			wb_folio_flags(m, w, page, 0, FOLIO_REF);
			wb_folio_unlock(m, w, page);
			wb_fp_folio_locs(m, w, page, WB_FP_WRITE);
			if (np > 1)
				wb_desc(m, "short copy into a !uptodate folio: 0 bytes, folio of pages "
					   "%u-%u unlocked", head, head + np - 1);
			else
				wb_desc(m, "short copy into a !uptodate folio: 0 bytes, page %u unlocked",
					page);
			/*
			 * iomap_write_end() (up to 6.10): ret 0 < len, so
			 * iomap_write_failed(pos, len); iomap_write_iter() (6.11+, 6.12.19):
			 * written 0, so iomap_write_failed(pos, bytes): the same range (len
			 * and bytes both cut at the folio's end).
			 */
			iomap_write_failed_range(m, w, wr->pos, len_end);
			/*
			 * iomap_write_iter() (6.6, 6.12): a rejected copy halves the chunk
			 * while it is above a page, and retries at the same position with
			 * bytes = copied, offset = pos & (chunk - 1): the retry ends at the
			 * first of the halved chunk's end and the short copy's position
			 * (wb_chunk_len_end).  The halving lasts for the iteration.
			 */
			if (wb_chunk_size(m, wr) > m->ps) {
				wr->flags = (uint8_t)(wr->flags + (1u << WR_HALVED_SHIFT));
				wb_desc(m, "; chunk halved to %u", wb_chunk_size(m, wr));
			}
			wr->wflags |= WR_RETRY;
			wr->pc = wb_next_chunk(m, wr, t);
			wb_desc(m, "; retry the chunk cut at %u", wb_chunk_len_end(m, wr, t));
			return;
		}
	}
	wr->wflags &= (uint8_t)~WR_RETRY;
	(void)fpos;
	for (uint32_t x = wb_round_down(wr->pos, m->bs); x < end; x += m->bs) {
		wb_block_set_uptodate(m, w, x / m->bs);
		/*
		 * per_block_dirty: __iomap_write_end() (6.6) ->
		 * iomap_set_range_dirty(folio, offset, copied): the blocks the copy
		 * touched, not the whole chunk
		 */
		wb_block_set_dirty(m, w, x / m->bs);
	}
	wb_folio_flags(m, w, page, FOLIO_DIRTY, FOLIO_REF);
	wb_folio_unlock(m, w, page);
	wb_fp_folio_locs(m, w, page, WB_FP_WRITE);
	if (wb_fpages(m, w, page) > 1)
		wb_desc(m, "folio of pages %u-%u dirty%s", wb_fhead(m, w, page),
			wb_fhead(m, w, page) + wb_fpages(m, w, page) - 1,
			wb_folio_full(m, w, page) ? ", uptodate" : "");
	else
		wb_desc(m, "page %u dirty%s", page,
			f->uptodate == (1u << m->bpp) - 1 ? ", uptodate" : "");
	uint32_t old_size = ino->i_size;
	if (wb_zeroing(r) && m->cfg.zero_rework) {
		/*
		 * zero_rework: from 6.11 (verified in 6.12.19) iomap_write_end() no
		 * longer raises i_size nor calls pagecache_isize_extended(); the
		 * write's iomap_write_iter() does both, iomap_zero_iter() neither.
		 */
		wb_desc(m, ", unlocked (the zeroing leaves i_size %u)", ino->i_size);
		wr->pos = end;
		wr->pc = end < wr->iter_end ? wb_next_chunk(m, wr, t) : WP_IOMAP_END;
		return;
	}
	if (end > ino->i_size) {
		wb_desc(m, ", i_size %u->%u", ino->i_size, end);
		ino->i_size = end;
	}
	wb_desc(m, ", unlocked");
	if (old_size < wr->pos)
		wb_isize_extended(m, w, old_size, wr->pos);
	/*
	 * iomap_write_end() (6.1, 6.2): a short copy (ret < len) truncates what
	 * the chunk instantiated past the new i_size: iomap_write_failed(pos +
	 * ret, len - ret) drops or zeroes [max(pos + ret, i_size), pos + len).
	 * write_failed_truncate=rejected_only: not from 6.11 (6.12.19's
	 * iomap_write_iter() calls iomap_write_failed() only when written is 0),
	 * so an accepted short copy leaves the folio's bytes past the new EOF.
	 */
	if (short_copy && m->cfg.write_failed_truncate == WB_WFT_ALWAYS)
		iomap_write_failed_range(m, w, end, len_end);
	wr->pos = end;
	wr->pc = end < wr->iter_end ? wb_next_chunk(m, wr, t) : WP_IOMAP_END;
}

/* Is block b data for SEEK_DATA in the page cache: an uptodate block of a cached folio? */
static bool wb_block_is_data(struct wb_model *m, void *w, unsigned b)
{
	const struct folio *f = wb_folio(m, w, b / m->bpp);

	wb_fp(m, WB_LOC_FOLIO(m, b / m->bpp), WB_FP_READ);
	return (f->flags & FOLIO_PRESENT) && (f->uptodate & (1u << (b % m->bpp)));
}

/* Models: mm/filemap.c mapping_seek_hole_data() (6.2+), at block granularity. */
static uint32_t wb_seek(struct wb_model *m, void *w, uint32_t s, uint32_t end, bool data)
{
	while (s < end) {
		if (wb_block_is_data(m, w, s / m->bs) == data)
			return s;
		s = wb_round_down(s, m->bs) + m->bs;
	}
	return end;
}

/*
 * Models: fs/iomap/buffered-io.c iomap_write_delalloc_ifs_punch() (6.6), with
 * per_block_dirty: in a dirty folio of the scan, punch the blocks of
 * [start, end) (the part of the data range inside the folio) that are not
 * dirty, one block at a time: uptodate but clean blocks would otherwise keep
 * a reservation no writeback will ever use.  Returns the blocks punched.
 */
static unsigned iomap_write_delalloc_ifs_punch(struct wb_model *m, void *w, unsigned page,
					       uint32_t start, uint32_t end)
{
	uint16_t dirty = *wb_dirty(m, w, page);
	unsigned changed = 0;

	for (uint32_t x = wb_round_down(start, m->bs); x < end; x += m->bs)
		if (!(dirty & (1u << ((x % m->ps) / m->bs))))
			changed += xfs_bmap_punch_delalloc_range(m, w, x, x + m->bs);
	return changed;
}

/*
 * Models: fs/iomap/buffered-io.c iomap_write_delalloc_release() and
 * iomap_write_delalloc_scan() (6.2+, f43dc4dc3eff): punch DELALLOC over
 * [start, end) except under the cached data of dirty folios, scanning only
 * below i_size; with per_block_dirty (6.6) only under the dirty blocks of
 * dirty folios (iomap_write_delalloc_punch()).  Returns the number of blocks
 * punched.
 */
static unsigned iomap_write_delalloc_release(struct wb_model *m, void *w, uint32_t start,
					     uint32_t end)
{
	uint32_t punch_start = start, i_size = wb_inode(w)->i_size;
	uint32_t scan_end = i_size < end ? i_size : end;
	unsigned changed = 0;

	while (start < scan_end) {
		uint32_t data_end;
		start = wb_seek(m, w, start, scan_end, true);
		if (start >= scan_end)
			break;
		data_end = wb_seek(m, w, start, scan_end, false);
		while (start < data_end) {
			unsigned page = start / m->ps;
			uint32_t next = (page + 1) * m->ps;
			const struct folio *f = wb_folio(m, w, page);
			if ((f->flags & FOLIO_PRESENT) && (f->flags & FOLIO_DIRTY)) {
				uint32_t stop = data_end < next ? data_end : next;
				if (start > punch_start)
					changed += xfs_bmap_punch_delalloc_range(m, w, punch_start,
										 start);
				if (m->pbd)
					changed += iomap_write_delalloc_ifs_punch(m, w, page, start,
										  stop);
				punch_start = stop;
			}
			start = next;
		}
		start = data_end;
	}
	if (punch_start < end)
		changed += xfs_bmap_punch_delalloc_range(m, w, punch_start, end);
	return changed;
}

/*
 * Models: fs/iomap/iter.c iomap_iter() / iomap_iter_advance() after
 * ->iomap_end: a STALE mapping is remapped even without progress (6.2+); an
 * iteration that ended in error stops the write unless it made progress (then
 * the rest is mapped once more, and fails at once); any other iteration without
 * progress ends the write.
 */
static void wb_iomap_advance(struct wb_model *m, void *w, const struct wb_iter_ref *r, unsigned t)
{
	struct wb_writer *wr = r->it;
	uint32_t written = wr->pos - wr->iter_start;
	uint32_t offset = r->zero_end;

	if (wr->flags & IOMAP_F_STALE) {
		wr->pc = WP_IOMAP_BEGIN;
		wb_desc(m, "; STALE: remap at %u", wr->pos);
	} else if (wr->iter_start < offset) {
		/* iomap_zero_range(): the next mapping of the gap, or the write itself */
		wr->pc = WP_IOMAP_BEGIN;
		if ((wr->wflags & WR_EOF_ZERO) && wr->pos % m->bs == 0) {
			/* flush_eof (6.18): the partial EOF block is done; range_dirty for the rest */
			wr->wflags &= (uint8_t)~WR_EOF_ZERO;
			if (wr->pos < offset)
				wb_iter_zero_start(m, w, wr, offset);
		}
		if (wr->pos < offset && written) {
			wb_desc(m, "; zeroing goes on at %u", wr->pos);
		} else if (r->write) {
			wr->pos = offset;
			wb_desc(m, "; zeroing done, the write starts at %u", wr->pos);
			if (wr->wflags & WR_INVAL) {
				/* zero_rework: xfs_file_write_checks() drops MMAPLOCK_EXCL */
				wb_inval_up(m, w, false);
				wr->wflags &= (uint8_t)~WR_INVAL;
				wb_desc(m, "; invalidate_lock released");
			}
		} else {
			wr->pc = WP_DONE;
			wb_desc(m, "; zeroing done");
		}
	} else if (wr->wflags & WR_ERR) {
		wr->pc = written ? WP_IOMAP_BEGIN : WP_RWSEM_UNLOCK;
		wb_desc(m, "; the write %s", written ? "goes on with the rest" : "fails here");
	} else if (written == 0 || wr->pos >= wb_write_end_pos(m, t)) {
		wr->pc = WP_RWSEM_UNLOCK;
	} else {
		wr->pc = WP_IOMAP_BEGIN;
		wb_desc(m, "; next mapping at %u", wr->pos);
	}
	/*
	 * canonical: the mapping is dead.  A retry's cut chunk dies with it: the next
	 * iomap_write_iter() computes the chunk afresh (6.2, after a STALE remap).
	 */
	wr->type = 0;
	wr->flags = 0;
	/* zero_rework: the write's zeroing keeps the invalidate_lock until it is done (above) */
	if (!(wr->pc == WP_IOMAP_BEGIN && wr->pos < offset && r->write))
		wr->wflags &= (uint8_t)~WR_INVAL;
	wr->wflags &= (uint8_t)~(WR_ERR | WR_RETRY);
	wr->iter_start = wr->iter_end = 0;
	wr->map_off = wr->map_end = 0;
	wr->cookie = 0;
}

/* drop_writes: the iteration's bytes are discarded; the oracle expects them lost. */
static void wb_drop_iteration(struct wb_model *m, void *w, const struct wb_writer *wr)
{
	uint8_t *drop = wb_drop(m, w);

	for (uint32_t g = wr->iter_start / m->gran; g < wr->iter_end / m->gran; g++)
		drop[g / 8] |= (uint8_t)(1u << (g % 8));
	wb_desc(m, "; drop_writes: [%u,%u) dropped", wr->iter_start, wr->iter_end);
}

/*
 * Models: fs/xfs/xfs_iomap.c xfs_buffered_write_iomap_end() (6.1, 6.3) and
 * the write cleanup in its three versions (write_fail_cleanup):
 * truncate_punch (6.1): truncate_pagecache_range() here, the punch as a step
 * of its own; locked_truncate_punch (198dd8aedee6): the same under the
 * invalidate_lock taken here; scan_punch (6.2, f43dc4dc3eff):
 * iomap_file_buffered_write_punch_delalloc() under the invalidate_lock, in
 * this one step.  6.1's drop_writes injection forces NEW and written = 0.
 */
static void xfs_buffered_write_iomap_end(struct wb_model *m, void *w, unsigned t,
					 const struct wb_iter_ref *r)
{
	struct wb_writer *wr = r->it;
	uint32_t written = wr->pos - wr->iter_start, length = wr->iter_end - wr->iter_start;
	uint32_t start, end;

	wb_desc(m, "%s [%u,%u): %u of %u bytes written", wb_type_name(wr->type), wr->map_off,
		wr->map_end, written, length);
	/* drop_writes drops write data; a zeroing iteration's cleanup below has no data to drop */
	if (m->cfg.drop_writes && wr->type == WB_DELALLOC && r->write &&
	    wr->iter_start >= r->zero_end)
		wb_drop_iteration(m, w, wr);
	if (wb_cleanup_range(m, wr, &start, &end)) {
		wb_desc(m, "; release unused reservation [%u,%u):", start, end);
		switch (m->cfg.write_fail_cleanup) {
		case WB_CLEANUP_SCAN_PUNCH:
			wb_fp(m, WB_LOC_INVAL(m), WB_FP_WAIT);
			if (iomap_write_delalloc_release(m, w, start, end))
				wb_seq_bump(m, w);
			else
				wb_desc(m, " nothing punched");
			break;
		case WB_CLEANUP_LOCKED_TRUNCATE_PUNCH:
			wb_inval_down(m, w, t, false);
			wr->wflags |= WR_INVAL;
			wb_desc(m, " invalidate_lock taken;");
			/* fall through */
		case WB_CLEANUP_TRUNCATE_PUNCH:
			wb_desc(m, " truncate_pagecache_range:");
			wb_truncate_pagecache(m, w, start, end);
			wr->pc = WP_PUNCH_DELALLOC;
			return;
		}
	}
	wb_iomap_advance(m, w, r, t);
}

/* Models: the xfs_bmap_punch_delalloc_range() call of 6.1's xfs_buffered_write_iomap_end(). */
static void wb_punch_delalloc(struct wb_model *m, void *w, unsigned t, const struct wb_iter_ref *r)
{
	struct wb_writer *wr = r->it;
	uint32_t start = 0, end = 0;

	wb_cleanup_range(m, wr, &start, &end);
	wb_desc(m, "[%u,%u):", start, end);
	if (xfs_bmap_punch_delalloc_range(m, w, start, end))
		wb_seq_bump(m, w);
	else
		wb_desc(m, " nothing punched");
	if (wr->wflags & WR_INVAL) {
		wb_inval_up(m, w, false);
		wb_desc(m, "; invalidate_lock released");
	}
	wb_iomap_advance(m, w, r, t);
}

/* Models: xfs_file_buffered_write() dropping IOLOCK_EXCL (6.1, 6.3). */
static void wb_rwsem_unlock(struct wb_model *m, void *w, unsigned t)
{
	union wb_task_state *ts = wb_task(m, w, t);

	wb_rwsem_up(m, w, false);
	memset(ts, 0, sizeof(*ts));
	ts->w.pc = WP_DONE;
	wb_desc(m, "i_rwsem released; %s finished", m->sc->tasks[t].name);
}

void wb_iter_apply(struct wb_model *m, void *w, unsigned t, const struct wb_iter_ref *r)
{
	switch (r->it->pc) {
	case WP_IOMAP_BEGIN:
		xfs_buffered_write_iomap_begin(m, w, t, r);
		break;
	case WP_VALID_BEFORE:
	case WP_VALID_AFTER:
		xfs_iomap_valid(m, w, t, r);
		break;
	case WP_FOLIO_GET:
		wb_folio_get(m, w, t, r);
		break;
	case WP_FOLIO_LOCK:
		wb_folio_lock(m, w, t, r);
		break;
	case WP_WRITE_BEGIN:
		__iomap_write_begin(m, w, t, r);
		break;
	case WP_COPY:
		wb_copy(m, w, t, r);
		break;
	case WP_WRITE_END:
		iomap_write_end(m, w, t, r);
		break;
	case WP_IOMAP_END:
		xfs_buffered_write_iomap_end(m, w, t, r);
		break;
	case WP_ZERO:
		wb_zero(m, w, t, r);
		break;
	case WP_PUNCH_DELALLOC:
		wb_punch_delalloc(m, w, t, r);
		break;
	case WP_FLUSH:
		wb_zero_flush(m, w, t, r);
		break;
	}
}

static void wb_writer_apply(struct wb_model *m, void *w, unsigned t, unsigned arg)
{
	struct wb_iter_ref r = { &wb_task(m, w, t)->w, (uint32_t)m->sc->tasks[t].offset, true };

	(void)arg;
	switch (r.it->pc) {
	case WP_RWSEM_LOCK:
		wb_rwsem_lock(m, w, t);
		break;
	case WP_RWSEM_UNLOCK:
		wb_rwsem_unlock(m, w, t);
		break;
	default:
		wb_iter_apply(m, w, t, &r);
		break;
	}
}

/* ---- the scenario loader: the task's own members ---- */

static const char *const write_keys[] = {
	"name", "op", "offset", "length", "data", "short_copy_at", "after", NULL,
};

static void load_write(struct sc_ctx *c, json_t *t, struct wb_task_def *d, size_t i)
{
	int ro = sc_get_int(c, t, "offset", true, 0, SC_MAX_INT, &d->offset);
	int rl = sc_get_int(c, t, "length", true, 1, SC_MAX_INT, &d->length);
	int rs = sc_get_int(c, t, "short_copy_at", false, 0, SC_MAX_INT, &d->short_copy_at);
	bool ok = ro == SC_OK && rl == SC_OK;

	if (ok)
		sc_reach_range(c, d->offset, d->length, "write");
	if (rs == SC_OK && ok) {
		if (d->short_copy_at < d->offset || d->short_copy_at >= d->offset + d->length) {
			sc_errm(c, "short_copy_at",
				"must lie inside the write [%" PRIu64 ",%" PRIu64 "), between %" PRIu64
				" and %" PRIu64 " (got %" PRIu64 ")",
				d->offset, d->offset + d->length, d->offset,
				d->offset + d->length - 1, d->short_copy_at);
		} else {
			d->has_short_copy = true;
			/* the copy stops there: a granule boundary */
			sc_fold_granule(c, "short_copy_at", d->short_copy_at);
		}
	}
	if (sc_get_data(c, t, &d->data) && ok)
		c->range_ok[i] = true;
}


/* ---- the actor ---- */

static unsigned wb_writer_offsets(const struct wb_task_def *td, uint64_t out[4])
{
	unsigned n = 0;

	out[n++] = td->offset;
	out[n++] = td->offset + td->length;
	if (td->has_short_copy)
		out[n++] = td->short_copy_at;
	return n;
}

void wb_iter_pack_fields(const struct wb_model *m, unsigned t, size_t off,
			 struct wb_pack_fields *pf)
{
	const struct wb_pack *k = &m->pack;

#define WB_ITER_PACK(field, width, div)                                                            \
	wb_pack_field_add(pf, m, t, off + offsetof(struct wb_writer, field),                       \
			  sizeof(((struct wb_writer *)0)->field), width, div)
	WB_ITER_PACK(pc, 4, 1);
	WB_ITER_PACK(type, 2, 1);
	/* with large folios, a writer with a short copy: its chunk's halvings (WR_HALVED_MASK) */
	WB_ITER_PACK(flags,
		     2 + (m->lf && m->sc->tasks[t].has_short_copy ? wb_bits_for(m->max_order) : 0),
		     1);
	WB_ITER_PACK(wflags, k->w_wflags, 1);
	WB_ITER_PACK(pos, k->w_gpos, m->gran);
	WB_ITER_PACK(iter_start, k->w_gpos, m->gran);
	WB_ITER_PACK(iter_end, k->w_gpos, m->gran);
	WB_ITER_PACK(map_off, k->w_blk, m->bs);
	WB_ITER_PACK(map_end, k->w_blk, m->bs);
#undef WB_ITER_PACK
	wb_pack_seq_add(pf, m, t, off + offsetof(struct wb_writer, cookie));
}

static void wb_writer_pack_fields(const struct wb_model *m, unsigned t, struct wb_pack_fields *pf)
{
	wb_iter_pack_fields(m, t, 0, pf);
}

void wb_iter_mapping_text(const struct wb_writer *wr, char *buf, size_t n)
{
	buf[0] = 0;
	if (!wr->iter_end)
		return;
	snprintf(buf, n, "%s%s%s [%u,%u) cookie %u", wb_type_name(wr->type),
		 (wr->flags & IOMAP_F_NEW) ? " NEW" : "", (wr->flags & IOMAP_F_STALE) ? " STALE" : "",
		 wr->map_off, wr->map_end, wr->cookie);
}

static void wb_writer_mapping_text(const struct wb_model *m, const void *w, unsigned t, char *buf,
				   size_t n)
{
	wb_iter_mapping_text(&wb_task(m, WBC(w), t)->w, buf, n);
}

void wb_iter_describe(const struct wb_writer *wr, FILE *out)
{
	fprintf(out, ", pos %u", wr->pos);
	if (wr->iter_end)
		fprintf(out, ", mapping %s%s%s [%u,%u) cookie %u, iteration [%u,%u)",
			wb_type_name(wr->type), (wr->flags & IOMAP_F_NEW) ? " NEW" : "",
			(wr->flags & IOMAP_F_STALE) ? " STALE" : "", wr->map_off, wr->map_end,
			wr->cookie, wr->iter_start, wr->iter_end);
}

static void wb_writer_describe(const struct wb_model *m, const void *w, unsigned t, FILE *out)
{
	const struct wb_writer *wr = &wb_task(m, WBC(w), t)->w;

	fprintf(out, "next %s", wb_task_step(m, w, t)->name);
	if (wr->pc != WP_RWSEM_LOCK)
		wb_iter_describe(wr, out);
}

/* The bytes the write reported written: up to where its user buffer faulted. */
static void wb_writer_expected(const struct wb_model *m, const void *w, unsigned t, uint8_t *e,
			       size_t ngran)
{
	const struct wb_task_def *td = &m->sc->tasks[t];
	uint64_t end = td->has_short_copy ? td->short_copy_at : td->offset + td->length;
	size_t g0 = td->offset / m->gran, g1 = end / m->gran;

	(void)w;
	(void)ngran;
	memset(e + g0, td->data, g1 - g0);
}

static void wb_writer_summary(const struct wb_model *m, unsigned t, char *buf, size_t n)
{
	const struct wb_task_def *td = &m->sc->tasks[t];

	snprintf(buf, n, "write [%llu,%llu) '%c'", (unsigned long long)td->offset,
		 (unsigned long long)(td->offset + td->length), td->data);
}

#define HOLDS_FAIL(...)                                                                            \
	do {                                                                                       \
		snprintf(msg, n, __VA_ARGS__);                                                     \
		return -1;                                                                         \
	} while (0)

/*
 * What a writer holds: i_rwsem from rwsem_lock to rwsem_unlock; its folio
 * referenced from folio_lock (found) and locked too from the lock (or the
 * creation) to write_end; the invalidate_lock during the locked cleanup.
 */
int wb_iter_holds(const struct wb_model *m, const void *w, unsigned t,
		  const struct wb_writer *wr, struct wb_held *h, char *msg, size_t n)
{
	int page = (int)(wr->pos / m->ps);

	h->inval |= (wr->wflags & WR_INVAL) != 0;
	switch (wr->pc) {
	case WP_VALID_AFTER:
	case WP_WRITE_BEGIN:
	case WP_COPY:
	case WP_ZERO:
	case WP_WRITE_END:
		h->folio_lock = page;
		/* fall through */
	case WP_FOLIO_LOCK:
		h->writer_ref = page;
		break;
	default:
		break;
	}
	if (wr->cookie > wb_inode(WBC(w))->seq)
		HOLDS_FAIL("%s: cookie %u is ahead of seq %u", m->sc->tasks[t].name, wr->cookie,
			   wb_inode(WBC(w))->seq);
	return 0;
}

static int wb_writer_holds(const struct wb_model *m, const void *w, unsigned t,
			   struct wb_held *h, char *msg, size_t n)
{
	const struct wb_writer *wr = &wb_task(m, WBC(w), t)->w;

	h->rwsem = wr->pc != WP_RWSEM_LOCK && wr->pc != WP_DONE;
	return wb_iter_holds(m, w, t, wr, h, msg, n);
}

/* ---- partial-order reduction: the writer's footprints (model/por.h) ---- */

/*
 * The lowest page the writer can still reach: its position, its offset, or
 * i_size, where the EOF zeroing starts (i_size only grows unless a task may
 * shrink the file, then page 0).
 */
static unsigned wb_writer_first_page(const struct wb_model *m, const void *w, unsigned t)
{
	const struct wb_writer *wr = &wb_task(m, WBC(w), t)->w;
	uint32_t lo, i_size = wb_inode(WBC(w))->i_size;

	if (wb_any_task_is(m, WB_ACT_SHRINKS))
		return 0;
	if (wr->pc == WP_RWSEM_LOCK) {
		/* the write, or the EOF zeroing from i_size */
		lo = (uint32_t)m->sc->tasks[t].offset;
	} else {
		/*
		 * From its position on; the live mapping's start (its cleanup);
		 * i_size (pagecache_isize_extended() of a chunk past EOF).
		 */
		lo = wr->pos;
		if (wr->iter_end && wr->iter_start < lo)
			lo = wr->iter_start;
	}
	if (i_size < lo)
		lo = i_size;
	/* lo / m->ps, without a division: the page size is a power of two */
	lo >>= __builtin_ctz(m->ps);
	return lo < m->npages ? lo : m->npages - 1;
}

/*
 * zero_rework: may the writer's EOF zeroing still run an iomap_begin, which
 * converts DELALLOC at or past the EOF block after truncating the page cache
 * from its position to the end?
 */
static bool wb_writer_may_zero_rework(const struct wb_model *m, const void *w, unsigned t)
{
	const struct wb_writer *wr = &wb_task(m, WBC(w), t)->w;

	if (!m->cfg.zero_rework || wr->pc == WP_DONE)
		return false;
	return wr->pc == WP_RWSEM_LOCK || wr->pos < (uint32_t)m->sc->tasks[t].offset;
}

/*
 * Can the writer still change the extent map?  Only by reserving DELALLOC over
 * a hole (iomap_begin) and punching what it reserved and did not use (the
 * cleanup, or drop_writes' forced one).  Holes appear only through a punch or
 * a truncate; the write reaches from its first page to its end.
 */
static bool wb_writer_may_change_map(const struct wb_model *m, const void *w, unsigned t,
				     unsigned first)
{
	const struct wb_writer *wr = &wb_task(m, WBC(w), t)->w;
	const uint8_t *ext = wb_ext(m, WBC(w));
	uint64_t end = m->sc->tasks[t].offset + m->sc->tasks[t].length;

	if (m->cfg.drop_writes || (wr->flags & IOMAP_F_NEW) || wr->pc == WP_PUNCH_DELALLOC)
		return true;
	/* zero_rework: the EOF zeroing's iomap_begin converts post-EOF DELALLOC */
	if (wb_writer_may_zero_rework(m, w, t))
		return true;
	for (uint32_t u = m->op_tasks[WB_OP_PUNCH] | m->op_tasks[WB_OP_TRUNCATE]; u; u &= u - 1)
		if (!wb_task_finished(m, w, (unsigned)__builtin_ctz(u)))
			return true;
	for (uint64_t b = (uint64_t)first * m->bpp; b < m->nblocks && b * m->bs < end; b++)
		if (ext[b] == WB_HOLE)
			return true;
	return false;
}

/*
 * What write_end, iomap_end and the punch may touch: the extent map, i_size,
 * the cleanup's invalidate_lock and drop record, and the page cache from the
 * first page the writer can reach to the end (a short copy's and the
 * cleanup's truncation, pagecache_isize_extended()).
 */
static void wb_writer_wide(const struct wb_model *m, const void *w, unsigned t, struct sim_fp *f)
{
	unsigned first = wb_writer_first_page(m, w, t);

	uint64_t both = WB_M(WB_R_ISIZE) | WB_M(WB_R_INVAL) | WB_M(WB_R_DROP);

	wb_fp_inode(f, both | WB_M(WB_R_MAP) | WB_M(WB_R_RWSEM),
		    both | (wb_writer_may_change_map(m, w, t, first) ? WB_M(WB_R_MAP) : 0));
	/* zero_dirty_unwritten=flush: the zeroing's flush writes and converts (wb_zero_flush) */
	wb_fp_page_range(f, first, m->npages - 1, WB_KM_FLAGS | WB_KM_DATA | WB_KM_DISK,
			 WB_KM_FLAGS | WB_KM_DATA | (m->zflush ? WB_KM_DISK : 0));
	if (m->zflush) {
		wb_fp_inode(f, WB_M(WB_R_MAP), WB_M(WB_R_MAP));
		/* range_dirty's tag test reads every folio */
		wb_fp_page_range(f, 0, m->npages - 1, WB_KM_FLAGS, 0);
	}
}

/*
 * The pages the writer may still dirty: write_end's, from the first page it
 * can reach (its EOF zeroing's included) to the write's last.
 */
static uint64_t wb_writer_may_dirty(const struct wb_model *m, const void *w, unsigned t)
{
	const struct wb_task_def *td = &m->sc->tasks[t];
	unsigned first, last;

	if (wb_task(m, WBC(w), t)->w.pc == WP_DONE)
		return 0;
	first = wb_writer_first_page(m, w, t);
	last = (unsigned)((td->offset + td->length - 1) / m->ps);
	if (last >= m->npages)
		last = m->npages - 1;
	if (first > last)
		return 0;
	return wb_page_range_mask(first, last);
}

/*
 * The pages whose folio the writer may still clean or remove: the zeroing's
 * flush (zero_dirty_unwritten), the 6.1 cleanup's truncate, and
 * iomap_write_failed() of a chunk that ends past EOF (a STALE mapping, a
 * short copy); none of these can happen to a write that ends inside the file
 * and a cleanup that only punches, unless a task may shrink the file.
 */
static uint64_t wb_writer_may_clean(const struct wb_model *m, const void *w, unsigned t)
{
	const struct wb_task_def *td = &m->sc->tasks[t];
	bool may = m->zflush || m->cfg.drop_writes ||
		   m->cfg.write_fail_cleanup != WB_CLEANUP_SCAN_PUNCH ||
		   td->offset + td->length > wb_inode(WBC(w))->i_size ||
		   wb_any_task_is(m, WB_ACT_SHRINKS);

	/* zero_rework: the zeroing's conversion truncates from its position to the end */
	if (wb_writer_may_zero_rework(m, w, t))
		return wb_page_range_mask(wb_writer_first_page(m, w, t), m->npages - 1);
	return may ? wb_writer_may_dirty(m, w, t) : 0;
}

static void wb_writer_por(const struct wb_model *m, const void *w, unsigned t,
			  struct sim_por_actor *a)
{
	struct sim_fp *now = &a->now, *future = &a->future;
	const struct wb_writer *wr = &wb_task(m, WBC(w), t)->w;
	unsigned page = wr->pos / m->ps;

	if (wr->pc == WP_DONE)
		return;
	wb_writer_wide(m, w, t, future);
	wb_fp_inode(future, WB_M(WB_R_RWSEM) | WB_M(WB_R_ORDER), WB_M(WB_R_RWSEM) | WB_M(WB_R_ORDER));
	switch (wr->pc) {
	case WP_RWSEM_LOCK: /* the lock, the content order, i_size for the EOF zeroing */
		wb_fp_add(now, WB_R_RWSEM, WB_RW);
		wb_fp_add(now, WB_R_ORDER, WB_RW);
		wb_fp_add(now, WB_R_ISIZE, WB_RD);
		/* zero_rework: the invalidate_lock around the EOF zeroing */
		if (m->cfg.zero_rework)
			wb_fp_add(now, WB_R_INVAL, WB_RW);
		/* zero_dirty_unwritten=flush: range_dirty reads every folio's flags */
		if (m->zflush)
			wb_fp_pages(now, WB_K_FLAGS, 0, m->npages - 1, WB_RD);
		break;
	case WP_VALID_BEFORE: /* seq; a STALE mapping goes to iomap_end */
		wb_fp_add(now, WB_R_MAP, WB_RD);
		break;
	/*
	 * Up to write_end the writer changes nothing writeback's scan reads
	 * (DIRTY, WBACK): a new folio is clean, and a lock or a reference is
	 * FOLIO's.
	 */
	case WP_VALID_AFTER:
		/*
		 * seq; STALE: unlock and put the folio, and when the chunk ends
		 * past EOF, iomap_write_failed() truncates it (a removal or a
		 * partial zeroing).
		 */
		wb_fp_add(now, WB_R_MAP, WB_RD);
		wb_fp_add(now, WB_R_ISIZE, WB_RD);
		wb_fp_folio(now, page, WB_RW);
		if (m->cfg.write_failed_truncate == WB_WFT_ALWAYS &&
		    wb_chunk_end(m, w, wr, t) > wb_inode(WBC(w))->i_size) {
			wb_fp_add(now, WB_R_FLAGS(page), WB_RW);
			wb_fp_add(now, WB_R_DATA(page), WB_RW);
		}
		break;
	case WP_FOLIO_GET: /* look up or create: a new folio's bytes */
		wb_fp_folio(now, page, WB_RW);
		wb_fp_add(now, WB_R_DATA(page), WB_RW);
		break;
	case WP_FOLIO_LOCK: /* waits for the lock (and writeback with stable pages) */
		wb_fp_folio(now, page, WB_RW);
		if (m->cfg.stable_pages)
			wb_fp_wback(now, page, WB_RD);
		break;
	case WP_WRITE_BEGIN:
		/*
		 * Uptodate bits, the zeroing, the EOF split; the disk only when the
		 * cached mapping says read.  The decision is the cached mapping's:
		 * the live extent map is read only to count a stale decision (an
		 * event, which a reduced search does not promise to count).
		 */
		wb_fp_folio(now, page, WB_RW);
		wb_fp_add(now, WB_R_DATA(page), WB_RW);
		if (wr->type == IOMAP_MAPPED && !(wr->flags & IOMAP_F_NEW))
			wb_fp_add(now, WB_R_DISK(page), WB_RD);
		wb_fp_add(now, WB_R_ISIZE, WB_RD);
		break;
	case WP_WRITE_END:
		/*
		 * A full copy: the folio's uptodate and dirty bits, its lock and
		 * reference; i_size (written only when the chunk ends past it); the
		 * old EOF page's pagecache_isize_extended().  A short copy may
		 * truncate the page cache past EOF (iomap_write_failed): wide.
		 */
		if (wr->wflags & WR_SHORT) {
			wb_writer_wide(m, w, t, now);
			break;
		}
		wb_fp_folio(now, page, WB_RW);
		wb_fp_dirty(now, page, WB_RW);
		wb_fp_add(now, WB_R_ISIZE,
			  wb_chunk_end(m, w, wr, t) > wb_inode(WBC(w))->i_size ? WB_RW : WB_RD);
		if (wb_inode(WBC(w))->i_size < wr->pos) {
			unsigned eof = wb_inode(WBC(w))->i_size / m->ps;
			wb_fp_add(now, WB_R_FLAGS(eof), WB_RW);
			wb_fp_add(now, WB_R_DATA(eof), WB_RW);
		}
		break;
	case WP_IOMAP_END: {
		/*
		 * Without a cleanup range and drop_writes it only advances the
		 * iterator (the task's own slot); the zeroing switches' range_dirty
		 * sample reads every folio.
		 */
		uint32_t cs, ce;
		if (m->cfg.drop_writes || wb_cleanup_range(m, wr, &cs, &ce)) {
			wb_writer_wide(m, w, t, now);
			break;
		}
		/* zero_rework: the end of the zeroing releases the invalidate_lock */
		if (wr->wflags & WR_INVAL)
			wb_fp_add(now, WB_R_INVAL, WB_RW);
		if (m->zflush)
			wb_fp_pages(now, WB_K_FLAGS, 0, m->npages - 1, WB_RD);
		break;
	}
	case WP_COPY:
	case WP_ZERO: /* the locked folio's bytes only */
		wb_fp_add(now, WB_R_DATA(page), WB_RW);
		break;
	case WP_RWSEM_UNLOCK:
		wb_fp_add(now, WB_R_RWSEM, WB_RW);
		break;
	case WP_FLUSH: /* writes back and converts, from its position on (wb_writer_wide) */
		wb_writer_wide(m, w, t, now);
		wb_fp_pages(now, WB_K_IO, page, m->npages - 1, WB_RD);
		break;
	case WP_IOMAP_BEGIN: /* the mapping at the position (a reservation over a hole), i_size */
		wb_fp_add(now, WB_R_MAP,
			  wb_writer_may_change_map(m, w, t, wb_writer_first_page(m, w, t)) ? WB_RW
											    : WB_RD);
		wb_fp_add(now, WB_R_ISIZE, WB_RD);
		/* zero_dirty_unwritten=batch: the folio batch looks at the EOF folio */
		if (m->zflush)
			wb_fp_add(now, WB_R_FLAGS(page), WB_RD);
		/*
		 * zero_rework: a zeroing's DELALLOC at or past the EOF block is
		 * converted after truncate_pagecache() from the position on.
		 */
		if (m->cfg.zero_rework && wr->pos < (uint32_t)m->sc->tasks[t].offset) {
			wb_fp_add(now, WB_R_MAP, WB_RW);
			wb_fp_pages(now, WB_K_FLAGS, page, m->npages - 1, WB_RW);
			wb_fp_pages(now, WB_K_DATA, page, m->npages - 1, WB_RW);
		}
		break;
	default:
		wb_writer_wide(m, w, t, now);
		break;
	}
}

static const struct wb_step_def wb_writer_steps[] = {
	{ WP_RWSEM_LOCK, "rwsem_lock", "xfs_file_buffered_write: xfs_ilock(IOLOCK_EXCL)" },
	{ WP_IOMAP_BEGIN, "iomap_begin", "xfs_buffered_write_iomap_begin" },
	{ WP_VALID_BEFORE, "iomap_valid", "xfs_iomap_valid" },
	{ WP_FOLIO_GET, "folio_get", "__filemap_get_folio" },
	{ WP_FOLIO_LOCK, "folio_lock", "folio_lock" },
	{ WP_VALID_AFTER, "iomap_valid", "xfs_iomap_valid" },
	{ WP_WRITE_BEGIN, "write_begin", "__iomap_write_begin" },
	{ WP_COPY, "copy", "copy_page_from_iter_atomic" },
	{ WP_ZERO, "zero", "iomap_zero_iter: folio_zero_range" },
	{ WP_WRITE_END, "write_end", "iomap_write_end" },
	{ WP_IOMAP_END, "iomap_end", "xfs_buffered_write_iomap_end" },
	{ WP_PUNCH_DELALLOC, "punch_delalloc", "xfs_bmap_punch_delalloc_range" },
	{ WP_FLUSH, "zero_flush", "iomap_zero_iter_flush_and_stale: filemap_write_and_wait_range" },
	{ WP_RWSEM_UNLOCK, "rwsem_unlock", "xfs_file_buffered_write: xfs_iunlock(IOLOCK_EXCL)" },
};

const struct wb_step_def *wb_iter_step(const struct wb_writer *it)
{
	for (unsigned i = 0; i < sizeof(wb_writer_steps) / sizeof(wb_writer_steps[0]); i++)
		if (wb_writer_steps[i].pc == it->pc)
			return &wb_writer_steps[i];
	return NULL;
}

const struct wb_actor wb_actor_write = {
	.name = "write",
	.article = "a",
	.keys = write_keys,
	.load = load_write,
	.store = "write",
	.flags = WB_ACT_RWSEM | WB_ACT_DATA | WB_ACT_ORDERED,
	.steps = wb_writer_steps,
	.nsteps = sizeof(wb_writer_steps) / sizeof(wb_writer_steps[0]),
	.npc = WP_FLUSH + 1,
	.done_pc = WP_DONE,
	.offsets = wb_writer_offsets,
	.enabled = wb_writer_enabled,
	.apply = wb_writer_apply,
	.pack_fields = wb_writer_pack_fields,
	.describe = wb_writer_describe,
	.expected = wb_writer_expected,
	.summary = wb_writer_summary,
	.mapping_text = wb_writer_mapping_text,
	.holds = wb_writer_holds,
	.por = wb_writer_por,
	.may_dirty = wb_writer_may_dirty,
	.may_clean = wb_writer_may_clean,
};

/*
 * For simulated time (timing.c): the bytes the chunk at the iteration's
 * position covers (what copy copies, zero zeroes), and whether write_begin
 * there reads the folio's blocks from disk (__iomap_write_begin() on a
 * WRITTEN mapping, a folio not uptodate and a chunk not covering its blocks).
 */
uint32_t wb_iter_chunk_bytes(const struct wb_model *m, const struct wb_writer *it, unsigned t)
{
	/* large folios: the chunk before the folio's cut (no world here) */
	uint32_t end = wb_chunk_len_end(m, it, t);

	return end > it->pos ? end - it->pos : 0;
}

bool wb_iter_reads(const struct wb_model *m, const void *w, const struct wb_writer *it, unsigned t)
{
	uint32_t page = it->pos / m->ps, end = wb_chunk_end(m, w, it, t);
	const struct folio *f = wb_folio(m, WBC(w), page);
	uint16_t all = (uint16_t)((1u << m->bpp) - 1);

	if (it->type != IOMAP_MAPPED || (f->uptodate & all) == all)
		return false;
	return it->pos % m->bs != 0 || (end % m->bs != 0 && end < m->sc->file_size);
}
