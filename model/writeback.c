/* SPDX-License-Identifier: MIT */
/*
 * writeback.c - background and sync writeback passes, and the IO they submit.
 *
 * Models mm/page-writeback.c write_cache_pages() driving
 * fs/iomap/buffered-io.c iomap_do_writepage()/iomap_writepage_map() with XFS's
 * xfs_map_blocks() (fs/xfs/xfs_aops.c), and IO completion through
 * xfs_end_ioend() and iomap_finish_ioends() (6.1, 6.3).
 * Simplifications (each adds interleavings): folios are looked up one at a
 * time, not in batches; each folio is an IO of its own (no ioend merging);
 * of the EOF handling of iomap_do_writepage() only the zeroing of a straddling
 * folio past i_size is modelled (blocks past EOF are still mapped and written).
 *
 * A pass, one step per arrow:
 *
 *   [TAG -tag_towrite->] SCAN -wb_lock-> CLEAR_DIRTY -clear_dirty-> MAP_BLOCKS
 *   MAP_BLOCKS -map_blocks (one per uptodate block; per_block_dirty: per dirty
 *   block)-> START_WRITEBACK
 *   START_WRITEBACK -start_writeback-> SCAN;  SCAN -pass_end-> next pass or DONE
 *
 * An IO activity <task>/io<k>: SUBMITTED -io_write-> WRITTEN -io_complete-> gone.
 */
#include "model/writeback.h"

#include <inttypes.h>
#include <string.h>

#include "model/actor.h"
#include "model/scenario_check.h"
#include "model/extent_map.h"
#include "model/locks.h"
#include "model/por.h"


_Static_assert(sizeof(struct wb_writeback) <= WB_TASK_SLOT, "struct wb_writeback fits its slot");

static uint64_t wb_snapshot(const struct wb_writeback *b)
{
	return ((uint64_t)b->snap_hi << 32) | b->snap_lo;
}

static void wb_set_snapshot(struct wb_writeback *b, uint64_t s)
{
	b->snap_lo = (uint32_t)s;
	b->snap_hi = (uint32_t)(s >> 32);
}

static void wb_range_pages(const struct wb_model *m, unsigned t, unsigned *first, unsigned *last)
{
	const struct wb_task_def *td = &m->sc->tasks[t];

	if (!td->has_range) {
		*first = 0;
		*last = m->npages - 1;
		return;
	}
	*first = (unsigned)(td->offset / m->ps);
	*last = (unsigned)((td->offset + td->length - 1) / m->ps);
}

/* The next folio this pass would lock, or -1: the lowest dirty one at or after the position. */
static int wb_candidate(const struct wb_model *m, void *w, unsigned t)
{
	const struct wb_writeback *b = &wb_task(m, w, t)->b;
	bool sync = m->sc->tasks[t].sync;
	uint64_t snap = wb_snapshot(b);
	unsigned first, last, p;

	wb_range_pages(m, t, &first, &last);
	for (p = b->pos; p <= last; p++) {
		const struct folio *f = wb_folio(m, w, p);
		if (!(f->flags & FOLIO_PRESENT) || !(f->flags & FOLIO_DIRTY))
			continue;
		if (sync ? !(snap & (1ull << p)) : (f->flags & FOLIO_WRITEBACK) != 0)
			continue;
		/* a large folio is found by any of its pages, and locked as a whole */
		return (int)wb_fhead(m, w, p);
	}
	return -1;
}


static bool wb_writeback_enabled(const struct wb_model *m, const void *w, unsigned t, char *why,
				 size_t n)
{
	void *cw = WBC(w);
	const struct wb_writeback *b = &wb_task(m, cw, t)->b;

	switch (b->pc) {
	case BP_DONE:
		WB_WHY(why, n, "finished");
		return false;
	case BP_SCAN: {
		int p = wb_candidate(m, cw, t);
		if (p < 0)
			return true;
		return wb_folio_lock_available(m, cw, (unsigned)p, why, n);
	}
	case BP_CLEAR_DIRTY:
		if (wb_folio(m, cw, b->cur)->flags & FOLIO_WRITEBACK) {
			WB_WHY(why, n, "waits for writeback of page %u to end (holding its lock)",
				 b->cur);
			return false;
		}
		return true;
	case BP_FDATAWAIT: {
		unsigned first, last, p;
		wb_range_pages(m, t, &first, &last);
		for (p = first; p <= last; p++) {
			if (wb_folio(m, cw, p)->flags & FOLIO_WRITEBACK) {
				WB_WHY(why, n, "waits for writeback of page %u to end (fdatawait)", p);
				return false;
			}
		}
		return true;
	}
	default:
		return true;
	}
}

/* Models: mm/page-writeback.c tag_pages_for_writeback() (6.1, 6.3), WB_SYNC_ALL only. */
static void tag_pages_for_writeback(struct wb_model *m, void *w, unsigned t)
{
	struct wb_writeback *b = &wb_task(m, w, t)->b;
	unsigned first, last, p;
	uint64_t snap = 0;

	wb_range_pages(m, t, &first, &last);
	wb_desc(m, "TOWRITE:");
	for (p = first; p <= last; p++) {
		const struct folio *f = wb_folio(m, w, p);
		wb_fp(m, WB_LOC_FOLIO(m, p), WB_FP_READ);
		if ((f->flags & FOLIO_PRESENT) && (f->flags & FOLIO_DIRTY)) {
			snap |= 1ull << p;
			wb_desc(m, " %u", p);
		}
	}
	if (!snap)
		wb_desc(m, " none");
	wb_set_snapshot(b, snap);
	b->pc = BP_SCAN;
}

/*
 * The blocks of folio `page` that writeback writes: its uptodate ones (6.1 to
 * 6.3: iomap_writepage_map() skips blocks the iomap_page says are not
 * uptodate), or with per_block_dirty its dirty ones (6.6: it skips blocks
 * iomap_folio_state says are clean; a dirty block is uptodate).
 */
static uint16_t wb_blocks_to_write(const struct wb_model *m, const void *w, unsigned page)
{
	return m->pbd ? wb_folio_dirty(m, w, page) : wb_folio_uptodate(m, w, page);
}

/* The blocks of the folio at page (a large folio's head: all its pages). */
static unsigned wb_folio_nblocks(const struct wb_model *m, const void *w, unsigned page)
{
	return wb_fpages(m, w, page) * m->bpp;
}

/*
 * The next block of `set` (blocks of folio `page`) at or after block index i
 * that writeback maps, or bpp: one that starts below i_size.  The set is the
 * folio's uptodate blocks, or with per_block_dirty the dirty blocks the pass
 * took at clear_dirty (wb_blocks_to_write).
 * iomap_writepage_map() (6.1, 6.2) maps blocks while pos < end_pos, end_pos
 * being i_size for the folio that straddles it: a block wholly past EOF is
 * neither mapped nor written (nor converted).  The kernel samples i_size once
 * per folio; the model reads it at each step (another task can only raise it,
 * through a folio other than this locked one).
 */
static uint16_t wb_next_uptodate(const struct wb_model *m, const void *w, unsigned page,
				 uint16_t set, unsigned i)
{
	uint32_t i_size = wb_inode(WBC(w))->i_size;
	unsigned nb = wb_folio_nblocks(m, w, page);

	while (i < nb &&
	       (!(set & (1u << i)) || (uint64_t)page * m->ps + (uint64_t)i * m->bs >= i_size))
		i++;
	return (uint16_t)i;
}

/* The blocks pass b writes of the folio it holds: see wb_blocks_to_write(). */
static uint16_t wb_set_of(const struct wb_model *m, const void *w, const struct wb_writeback *b)
{
	return m->pbd ? b->todo : wb_folio_uptodate(m, w, b->cur);
}

/*
 * Models: write_cache_pages() picking the next dirty (or TOWRITE) folio and
 * folio_lock() on it (6.1, 6.3).  Background passes skip folios under
 * writeback; the pass position moves past the folio.
 */
static void wb_lock(struct wb_model *m, void *w, unsigned t)
{
	struct wb_writeback *b = &wb_task(m, w, t)->b;
	unsigned p = (unsigned)wb_candidate(m, w, t);

	unsigned np = wb_fpages(m, w, p), e = p + np; /* a large folio: the pass moves past it */

	wb_folio_lock_take(m, w, t, p);
	for (unsigned q = p; q < e; q++)
		wb_fp(m, WB_LOC_FOLIO(m, q), WB_FP_READ | WB_FP_WAIT | WB_FP_WRITE);
	b->cur = (uint8_t)p;
	b->pos = (uint8_t)e;
	/* canonical: snapshot entries behind the position can no longer be read */
	wb_set_snapshot(b, wb_snapshot(b) & ~((e >= 64) ? ~0ull : ((1ull << e) - 1)));
	b->pc = BP_CLEAR_DIRTY;
	if (np > 1)
		wb_desc(m, "folio of pages %u-%u locked", p, e - 1);
	else
		wb_desc(m, "page %u locked", p);
}

/*
 * Models: mm/page-writeback.c folio_start_writeback() -> __folio_start_writeback()
 * (6.1, 6.12): the folio's writeback flag set, and its TOWRITE mark cleared,
 * which in the model is its bit in every sync pass's snapshot.
 */
static void wb_folio_start_writeback(struct wb_model *m, void *w, unsigned p)
{
	unsigned np = wb_fpages(m, w, p);

	wb_folio_flags(m, w, p, FOLIO_WRITEBACK, 0);
	for (unsigned i = 0; i < m->ntasks; i++) {
		struct wb_writeback *o = &wb_task(m, w, i)->b;
		if (m->sc->tasks[i].op == WB_OP_WRITEBACK && m->sc->tasks[i].sync)
			for (unsigned q = p; q < p + np; q++)
				wb_set_snapshot(o, wb_snapshot(o) & ~(1ull << q));
	}
}

/*
 * Models: fs/iomap/buffered-io.c iomap_writepage_map() from 6.9 (read in
 * 6.12.19): once iomap_writepage_handle_eof() found the folio inside EOF, it
 * calls folio_start_writeback() before it maps any block ("set the writeback
 * bit ASAP"), and with nothing added to an ioend ends the writeback itself
 * after the unlock.  The folio is locked by the pass throughout, so only
 * what reads the flag without the lock sees the difference: the waits of
 * filemap_fdatawait_range() and of the zeroing's flush.
 */
static void wb_start_writeback_early(struct wb_model *m, void *w, unsigned t)
{
	struct wb_writeback *b = &wb_task(m, w, t)->b;

	wb_folio_start_writeback(m, w, b->cur);
	wb_desc(m, "; under writeback");
}

/* Models: mm/page-writeback.c folio_clear_dirty_for_io() (6.1, 6.3). */
static void folio_clear_dirty_for_io(struct wb_model *m, void *w, unsigned t)
{
	struct wb_writeback *b = &wb_task(m, w, t)->b;
	unsigned np = wb_fpages(m, w, b->cur);

	wb_folio_flags(m, w, b->cur, 0, FOLIO_DIRTY | FOLIO_PTE_W); /* and write-protect */
	for (unsigned q = b->cur; q < b->cur + np; q++)
		wb_fp(m, WB_LOC_FOLIO(m, q), WB_FP_WAIT | WB_FP_WRITE);
	if (m->pbd && np > 1) {
		/* a large folio: its dirty blocks across its pages */
		b->todo = wb_folio_dirty(m, w, b->cur);
		for (unsigned q = b->cur; q < b->cur + np; q++)
			*wb_dirty(m, w, q) = 0;
	} else if (m->pbd) {
		/*
		 * Models: iomap_writepage_map() (6.6) maps the blocks
		 * ifs_block_is_dirty() says are dirty, then
		 * iomap_clear_range_dirty() clears them all, before
		 * folio_start_writeback(); the folio stays locked, so taking
		 * them here is the same to every other task.
		 */
		b->todo = *wb_dirty(m, w, b->cur);
		*wb_dirty(m, w, b->cur) = 0;
	}
	b->blk = wb_next_uptodate(m, w, b->cur, wb_set_of(m, w, b), 0);
	b->io_blocks = 0;
	b->io_unwritten = 0;
	b->pc = b->blk < wb_folio_nblocks(m, w, b->cur) ? BP_MAP_BLOCKS : BP_START_WRITEBACK;
	if (np > 1)
		wb_desc(m, "folio of pages %u-%u clean", b->cur, b->cur + np - 1);
	else
		wb_desc(m, "page %u clean", b->cur);
	wb_zero_past_eof(m, w, b->cur); /* iomap_do_writepage(), right after */
	if (m->cfg.writeback_map == WB_WBM_PER_RANGE &&
	    wb_fhead(m, w, b->cur) * m->ps < wb_inode(w)->i_size)
		wb_start_writeback_early(m, w, t);
}

/*
 * Models: fs/xfs/xfs_aops.c xfs_map_blocks() with xfs_imap_valid() and
 * xfs_convert_blocks() (6.1, 6.3), for one uptodate block, as called from
 * iomap_writepage_map().  The pass's cached mapping is reused while it covers
 * the block and its seq sample equals seq (writeback_revalidate); a fresh
 * lookup converts a DELALLOC extent whole to UNWRITTEN.  HOLE blocks are not
 * written.
 */
static void xfs_map_blocks(struct wb_model *m, void *w, unsigned t)
{
	struct wb_writeback *b = &wb_task(m, w, t)->b;
	const uint8_t *ext = wb_ext(m, w);
	unsigned blk = b->cur * m->bpp + b->blk, s, e;
	uint32_t seq = wb_inode(w)->seq;

	wb_desc(m, "block %u: ", blk);
	wb_fp(m, WB_LOC_EXT(m, blk), WB_FP_READ);
	wb_fp(m, WB_LOC_SEQ, WB_FP_READ);
	if (b->cache_valid && blk >= b->cache_start && blk < b->cache_end &&
	    (!m->cfg.writeback_revalidate || b->cache_seq == seq)) {
		wb_desc(m, "cached %s [%u,%u) reused", wb_ext_state_name(b->cache_type),
			b->cache_start * m->bs, b->cache_end * m->bs);
	} else {
		if (ext[blk] == WB_DELALLOC) {
			xfs_bmapi_convert_delalloc(m, w, blk, &s, &e);
		} else {
			wb_extent_at(m, w, blk, &s, &e);
			wb_desc(m, "lookup %s [%u,%u)", wb_ext_state_name(ext[blk]), s * m->bs,
				e * m->bs);
		}
		b->cache_valid = 1;
		b->cache_type = ext[blk];
		b->cache_start = (uint16_t)s;
		b->cache_end = (uint16_t)e;
		b->cache_seq = wb_inode(w)->seq;
	}
	/*
	 * The blocks this call adds: the one block (per_block), or with
	 * writeback_map=per_range (6.9, iomap_writepage_map_blocks()) the run of
	 * blocks to write from it, below EOF, as far as the mapping reaches: the
	 * rest of the run, if any, is the next call's.
	 */
	unsigned last = b->blk;
	if (m->cfg.writeback_map == WB_WBM_PER_RANGE) {
		uint16_t set = wb_set_of(m, w, b);
		unsigned nb = wb_folio_nblocks(m, w, b->cur);
		while (last + 1u < nb && wb_next_uptodate(m, w, b->cur, set, last + 1u) == last + 1u &&
		       b->cur * m->bpp + last + 1u < b->cache_end)
			last++;
		if (last > b->blk)
			wb_desc(m, "; blocks %u-%u", blk, b->cur * m->bpp + last);
	}
	if (b->cache_type == WB_HOLE) {
		wb_desc(m, ", HOLE: not written");
	} else {
		for (unsigned i = b->blk; i <= last; i++) {
			unsigned bi = b->cur * m->bpp + i;
			wb_fp(m, WB_LOC_EXT(m, bi), WB_FP_READ);
			b->io_blocks |= (uint16_t)(1u << i);
			/*
			 * The ioend's type is the mapping's (iomap_add_to_ioend()):
			 * the block is converted at completion only if it was mapped
			 * UNWRITTEN.  Canonical: a block WRITTEN now stays WRITTEN
			 * until the IO completes (punch and truncate wait for the
			 * folio), and converting it would change nothing, so its bit
			 * stays clear.
			 */
			if (b->cache_type == WB_UNWRITTEN && ext[bi] != WB_WRITTEN)
				b->io_unwritten |= (uint16_t)(1u << i);
			if (ext[bi] != WB_WRITTEN && b->cache_type != ext[bi])
				wb_desc(m, ", but block %u is %s: the IO is typed %s", bi,
					wb_ext_state_name(ext[bi]),
					wb_ext_state_name(b->cache_type));
		}
	}
	b->blk = wb_next_uptodate(m, w, b->cur, wb_set_of(m, w, b), last + 1u);
	if (b->blk >= wb_folio_nblocks(m, w, b->cur)) {
		b->blk = 0;
		b->pc = BP_START_WRITEBACK;
	}
}

/*
 * Models: iomap_writepage_map()'s folio_start_writeback() and folio_unlock()
 * (6.1, 6.3), and the ioend submission: IO activity <task>/io<k>.  Setting
 * writeback clears the folio's TOWRITE tag in every sync pass.
 */
static void wb_start_writeback(struct wb_model *m, void *w, unsigned t)
{
	struct wb_writeback *b = &wb_task(m, w, t)->b;
	unsigned p = b->cur, i, np = wb_fpages(m, w, p);

	bool early = wb_folio(m, w, p)->flags & FOLIO_WRITEBACK; /* 6.9 on: set before mapping */

	wb_folio_unlock(m, w, p);
	for (unsigned q = p; q < p + np; q++)
		wb_fp(m, WB_LOC_FOLIO(m, q), WB_FP_WRITE);
	if (b->io_blocks) {
		struct wb_io *io = wb_io(m, w, p);
		if (!early)
			wb_folio_start_writeback(m, w, p);
		io->phase = IO_SUBMITTED;
		io->parent = (uint8_t)t;
		io->k = b->nextio++;
		io->blocks = b->io_blocks;
		io->unwritten = b->io_unwritten;
		if (np > 1)
			wb_desc(m, "folio of pages %u-%u under writeback, unlocked; %s/io%u writes "
				   "block", p, p + np - 1, m->sc->tasks[t].name, io->k);
		else
			wb_desc(m, "page %u under writeback, unlocked; %s/io%u writes block", p,
				m->sc->tasks[t].name, io->k);
		for (i = 0; i < np * m->bpp; i++)
			if (io->blocks & (1u << i))
				wb_desc(m, " %u", p * m->bpp + i);
	} else if (early) {
		/* iomap_writepage_map() (6.9 on): nothing added, folio_end_writeback() */
		wb_folio_flags(m, w, p, 0, FOLIO_WRITEBACK);
		wb_desc(m, "no block to write: page %u clean, unlocked, writeback ended", p);
	} else {
		wb_desc(m, "no block to write: page %u clean, unlocked", p);
	}
	b->cur = 0;
	b->blk = 0;
	b->io_blocks = 0;
	b->io_unwritten = 0;
	b->todo = 0;
	b->pc = BP_SCAN;
}

/* Models: the end of write_cache_pages() for one pass (6.1, 6.3). */
static void wb_pass_end(struct wb_model *m, void *w, unsigned t)
{
	struct wb_writeback *b = &wb_task(m, w, t)->b;
	const struct wb_task_def *td = &m->sc->tasks[t];
	unsigned first, last;

	wb_range_pages(m, t, &first, &last);
	b->passes_done++;
	b->cache_valid = 0;
	b->cache_type = 0;
	b->cache_start = b->cache_end = 0;
	b->cache_seq = 0;
	wb_set_snapshot(b, 0);
	wb_desc(m, "pass %u of %u ends", b->passes_done, td->passes);
	if (b->passes_done < td->passes) {
		b->pos = (uint8_t)first;
		b->pc = td->sync ? BP_TAG : BP_SCAN;
		return;
	}
	/*
	 * Canonical: a finished task has no locals, except the IO counter, which
	 * names IO activities that may outlive the task (kept as the independent
	 * implementation of the model keeps it; see docs/kernel-map.md).
	 */
	uint16_t nextio = b->nextio;
	memset(b, 0, sizeof(*b));
	b->nextio = nextio;
	if (td->wait) {
		b->pc = BP_FDATAWAIT;
		wb_desc(m, "; then waits for its writeback (fdatawait)");
		return;
	}
	b->pc = BP_DONE;
	wb_desc(m, "; %s finished", td->name);
}

static void wb_writeback_apply(struct wb_model *m, void *w, unsigned t, unsigned arg)
{
	struct wb_writeback *b = &wb_task(m, w, t)->b;

	(void)arg;
	switch (b->pc) {
	case BP_TAG:
		tag_pages_for_writeback(m, w, t);
		break;
	case BP_SCAN:
		if (wb_candidate(m, w, t) >= 0)
			wb_lock(m, w, t);
		else
			wb_pass_end(m, w, t);
		break;
	case BP_CLEAR_DIRTY:
		folio_clear_dirty_for_io(m, w, t);
		break;
	case BP_MAP_BLOCKS:
		xfs_map_blocks(m, w, t);
		break;
	case BP_START_WRITEBACK:
		wb_start_writeback(m, w, t);
		break;
	case BP_FDATAWAIT:
		/* Models: mm/filemap.c filemap_fdatawait_range() (6.1, 6.3) */
		b->pc = BP_DONE;
		for (unsigned p = 0; p < m->npages; p++)
			wb_fp(m, WB_LOC_FOLIO(m, p), WB_FP_WAIT);
		wb_desc(m, "no writeback left in range; %s finished", m->sc->tasks[t].name);
		break;
	}
}

/* ---- IO activities ---- */

const struct wb_step_def wb_io_step_defs[] = {
	{ IO_SUBMITTED, "io_write", "submit_bio: device write" },
	{ IO_WRITTEN, "io_complete", "xfs_end_ioend" },
};
const unsigned wb_io_nsteps = sizeof(wb_io_step_defs) / sizeof(wb_io_step_defs[0]);

const struct wb_step_def *wb_io_step(const struct wb_model *m, const void *w, unsigned page)
{
	uint8_t phase = wb_io(m, WBC(w), page)->phase;

	for (unsigned i = 0; i < wb_io_nsteps; i++)
		if (wb_io_step_defs[i].pc == phase)
			return &wb_io_step_defs[i];
	return NULL;
}

/*
 * Models: the device write of the ioend's bio (block/, no stable pages): the
 * folio's current bytes of the IO's blocks go to disk.
 */
void wb_io_write(struct wb_model *m, void *w, unsigned page)
{
	struct wb_io *io = wb_io(m, w, page);
	const uint8_t *c = wb_cache(m, w, page);
	uint8_t *d = wb_disk(m, w);
	unsigned i;

	unsigned nb = wb_folio_nblocks(m, w, page);

	for (unsigned q = page; q < page + nb / m->bpp; q++)
		wb_fp(m, WB_LOC_FOLIO(m, q), WB_FP_READ);
	for (i = 0; i < nb; i++) {
		if (!(io->blocks & (1u << i)))
			continue;
		unsigned blk = page * m->bpp + i;
		wb_fp(m, WB_LOC_DISK(m, blk), WB_FP_WRITE);
		memcpy(d + (size_t)blk * m->gpb, c + (size_t)i * m->gpb, m->gpb);
		if (m->prov)
			memcpy(m->prov->disk + (size_t)blk * m->gpb,
			       m->prov->cache + (size_t)page * m->gpp + (size_t)i * m->gpb,
			       m->gpb * sizeof(uint32_t));
		if (m->desc) {
			char txt[128];
			wb_bytes_text(c + (size_t)i * m->gpb, m->gpb, m->gran, txt, sizeof(txt));
			wb_desc(m, "%sdisk block %u <- %s",
				i && (io->blocks & ((1u << i) - 1)) ? "; " : "", blk, txt);
		}
	}
	io->phase = IO_WRITTEN;
}

/*
 * Models: fs/xfs/xfs_aops.c xfs_end_ioend() then iomap_finish_ioends() ->
 * folio_end_writeback() (6.1, 6.3): the UNWRITTEN conversion happens before
 * the folio stops being under writeback.  Only an ioend of type
 * IOMAP_UNWRITTEN is converted (xfs_end_ioend() tests ioend->io_type, set by
 * iomap_add_to_ioend() from the writepage context's mapping): a block the IO
 * was mapped WRITTEN is left as it is, even if it says UNWRITTEN now.
 */
void xfs_end_ioend(struct wb_model *m, void *w, unsigned page)
{
	struct wb_io *io = wb_io(m, w, page);
	const uint8_t *ext = wb_ext(m, w);
	unsigned i, stale = 0, changed;

	unsigned np = wb_fpages(m, w, page);

	changed = xfs_iomap_write_unwritten(m, w, page * m->bpp, io->unwritten);
	for (i = 0; i < np * m->bpp; i++)
		if ((io->blocks & ~io->unwritten & (1u << i)) &&
		    ext[page * m->bpp + i] == WB_UNWRITTEN) {
			wb_desc(m, "%s%u", stale ? ", " : changed ? "; block " : "block ",
				page * m->bpp + i);
			stale++;
		}
	if (stale)
		wb_desc(m, " UNWRITTEN, but the IO was mapped WRITTEN: not converted");
	else if (!changed)
		wb_desc(m, "no conversion");
	wb_folio_flags(m, w, page, 0, FOLIO_WRITEBACK);
	for (unsigned q = page; q < page + np; q++)
		wb_fp(m, WB_LOC_FOLIO(m, q), WB_FP_WRITE);
	if (np > 1)
		wb_desc(m, "; folio of pages %u-%u writeback ends", page, page + np - 1);
	else
		wb_desc(m, "; page %u writeback ends", page);
	memset(io, 0, sizeof(*io));
}

void wb_io_apply(struct wb_model *m, void *w, unsigned page)
{
	if (wb_io(m, w, page)->phase == IO_SUBMITTED)
		wb_io_write(m, w, page);
	else
		xfs_end_ioend(m, w, page);
}

/*
 * Write one dirty folio and complete its IO at once, by writeback's rules
 * with no interleaving: every uptodate block (with per_block_dirty: every
 * dirty block, wb_blocks_to_write) not over a hole is written,
 * DELALLOC is converted first, and the mapping is fresh (so the IO's type is
 * the block's state).  With to_eof, as iomap_do_writepage() and
 * iomap_writepage_map() do: the folio is write-protected, its bytes past
 * i_size are zeroed, and blocks wholly past i_size are neither mapped nor
 * written (wb_next_uptodate).  The caller makes sure that the folio is not
 * locked by another task or under writeback.
 */
static void wb_write_folio_now(struct wb_model *m, void *w, unsigned page, bool to_eof)
{
	page = wb_fhead(m, w, page); /* a large folio: written whole, from its head */
	struct folio *f = wb_folio(m, w, page);
	struct wb_io *io = wb_io(m, w, page);
	const uint8_t *ext = wb_ext(m, w);
	unsigned i, s, e, said = 0, np = wb_fpages(m, w, page);
	uint16_t set = wb_blocks_to_write(m, w, page);

	wb_folio_flags(m, w, page, 0, FOLIO_DIRTY);
	if (m->pbd)
		for (unsigned q = page; q < page + np; q++)
			*wb_dirty(m, w, q) = 0;
	if (to_eof) {
		wb_folio_flags(m, w, page, 0, FOLIO_PTE_W);
		for (unsigned q = page; q < page + np; q++)
			wb_fp(m, WB_LOC_FOLIO(m, q), WB_FP_WRITE);
		wb_zero_past_eof(m, w, page);
	}
	io->blocks = 0;
	io->unwritten = 0;
	for (i = to_eof ? wb_next_uptodate(m, w, page, set, 0) : 0; i < np * m->bpp;
	     i = to_eof ? wb_next_uptodate(m, w, page, set, i + 1) : i + 1) {
		unsigned blk = page * m->bpp + i;
		if (!(set & (1u << i)) || ext[blk] == WB_HOLE)
			continue;
		if (ext[blk] == WB_DELALLOC) {
			wb_desc(m, "%s", said ? "; " : "");
			said++;
			xfs_bmapi_convert_delalloc(m, w, blk, &s, &e);
		}
		io->blocks |= (uint16_t)(1u << i);
		if (ext[blk] == WB_UNWRITTEN)
			io->unwritten |= (uint16_t)(1u << i);
	}
	if (!io->blocks) {
		wb_desc(m, "%sno block to write", said ? "; " : "");
		return;
	}
	io->phase = IO_SUBMITTED;
	wb_folio_flags(m, w, page, FOLIO_WRITEBACK, 0);
	(void)f;
	wb_desc(m, "%s", said ? "; " : "");
	wb_io_write(m, w, page);
	wb_desc(m, "; ");
	xfs_end_ioend(m, w, page);
}

/* The oracle's writeback of one dirty folio (blocks past EOF included: it compares below i_size). */
void wb_flush_folio(struct wb_model *m, void *w, unsigned page)
{
	wb_write_folio_now(m, w, page, false);
}

/*
 * Models: mm/filemap.c filemap_write_and_wait_range() (6.1, 6.2) for one dirty
 * folio: __filemap_fdatawrite_range() (WB_SYNC_ALL) -> iomap_writepages() ->
 * iomap_do_writepage(): folio_clear_dirty_for_io(), the zeroing past EOF,
 * xfs_map_blocks() for each uptodate block below i_size (a fresh lookup), the
 * IO, then __filemap_fdatawait_range() waits for its completion
 * (xfs_end_ioend(), then folio_end_writeback()).  One step: the caller holds
 * i_rwsem and the invalidate_lock exclusive and the folio is quiet, so no
 * writer or fault can touch the folio meanwhile (docs/kernel-map.md [X]).
 */
void wb_write_and_wait_folio(struct wb_model *m, void *w, unsigned page)
{
	wb_write_folio_now(m, w, page, true);
}

/* ---- the scenario loader: the task's own members ---- */

static const char *const writeback_keys[] = {
	"name", "op", "mode", "passes", "offset", "length", "wait", "after", NULL,
};

static void load_writeback(struct sc_ctx *c, json_t *t, struct wb_task_def *d, size_t i)
{
	static const char *const modes[] = { "background", "sync", NULL };
	uint64_t v;
	int ro, rl;

	(void)i;
	d->sync = sc_get_word(c, t, "mode", false, modes, "mode", "background or sync") == 1;
	d->passes = 1;
	if (sc_get_int(c, t, "passes", false, 1, WB_MAX_PASSES, &v) == SC_OK)
		d->passes = (unsigned)v;
	sc_get_bool(c, t, "wait", &d->wait);
	ro = sc_get_int(c, t, "offset", false, 0, SC_MAX_INT, &d->offset);
	rl = sc_get_int(c, t, "length", false, 1, SC_MAX_INT, &d->length);
	if ((ro == SC_MISSING) != (rl == SC_MISSING)) {
		sc_errm(c, ro == SC_MISSING ? "length" : "offset",
			"a writeback range gives both \"offset\" and \"length\" (\"%s\" is missing)",
			ro == SC_MISSING ? "offset" : "length");
	} else if (ro == SC_OK && rl == SC_OK) {
		d->has_range = true;
		sc_reach_range(c, d->offset, d->length, "writeback range");
	}
}

/*
 * Once the world's size is known: a writeback of the whole file needs a file
 * with a page (its passes walk pages first to last; found by fuzz_scenario, a
 * lone writeback of an empty file read past the world).
 */
static void load_writeback_pages(struct sc_ctx *c, json_t *t)
{
	(void)t;
	if (c->npages == 0)
		sc_err(c, "a writeback of an empty file: the world has no pages (give the file a "
			  "size, or a task that writes)");
}


/* ---- the actor ---- */

static unsigned wb_writeback_offsets(const struct wb_task_def *td, uint64_t out[4])
{
	if (!td->has_range)
		return 0;
	out[0] = td->offset;
	out[1] = td->offset + td->length;
	return 2;
}

static void wb_writeback_init(const struct wb_model *m, void *w, unsigned t)
{
	const struct wb_task_def *td = &m->sc->tasks[t];
	struct wb_writeback *b = &wb_task(m, w, t)->b;

	b->pc = td->sync ? BP_TAG : BP_SCAN;
	b->pos = (uint8_t)(td->has_range ? td->offset / m->ps : 0);
}

static void wb_writeback_pack_fields(const struct wb_model *m, unsigned t,
				     struct wb_pack_fields *pf)
{
	const struct wb_pack *k = &m->pack;
	const struct wb_task_def *td = &m->sc->tasks[t];

	WB_PACK(pf, m, t, struct wb_writeback, pc, 3, 1);
	WB_PACK(pf, m, t, struct wb_writeback, passes_done, wb_bits_for(td->passes), 1);
	WB_PACK(pf, m, t, struct wb_writeback, pos, k->w_page, 1);
	WB_PACK(pf, m, t, struct wb_writeback, cur, k->w_page, 1);
	WB_PACK(pf, m, t, struct wb_writeback, nextio, k->w_io, 1);
	WB_PACK(pf, m, t, struct wb_writeback, blk, k->w_blkidx, 1);
	/* large folios: a folio's blocks, up to m->mfb (bpp otherwise) */
	WB_PACK(pf, m, t, struct wb_writeback, io_blocks, m->mfb, 1);
	WB_PACK(pf, m, t, struct wb_writeback, io_unwritten, k->w_iotype, 1);
	WB_PACK(pf, m, t, struct wb_writeback, todo, k->w_todo, 1);
	WB_PACK(pf, m, t, struct wb_writeback, cache_valid, 1, 1);
	WB_PACK(pf, m, t, struct wb_writeback, cache_type, 2, 1);
	WB_PACK(pf, m, t, struct wb_writeback, cache_start, k->w_blk, 1);
	WB_PACK(pf, m, t, struct wb_writeback, cache_end, k->w_blk, 1);
	wb_pack_seq_add(pf, m, t, offsetof(struct wb_writeback, cache_seq));
	if (td->sync) {
		WB_PACK(pf, m, t, struct wb_writeback, snap_lo, m->npages < 32 ? m->npages : 32, 1);
		if (m->npages > 32)
			WB_PACK(pf, m, t, struct wb_writeback, snap_hi, m->npages - 32, 1);
	}
}

static void wb_writeback_describe(const struct wb_model *m, const void *w, unsigned t, FILE *out)
{
	const struct wb_task_def *td = &m->sc->tasks[t];
	const struct wb_writeback *b = &wb_task(m, WBC(w), t)->b;

	fprintf(out, "next %s, pass %u of %u, position page %u", wb_task_step(m, w, t)->name,
		b->passes_done + 1u, td->passes, b->pos);
	if (b->pc >= BP_CLEAR_DIRTY && b->pc <= BP_START_WRITEBACK)
		fprintf(out, ", holds page %u", b->cur);
	if (b->todo) {
		fprintf(out, ", dirty blocks to map");
		for (unsigned i = 0; i < m->mfb; i++)
			if (b->todo & (1u << i))
				fprintf(out, " %u", b->cur * m->bpp + i);
	}
	if (b->cache_valid)
		fprintf(out, ", cached %s [%u,%u) seq %u",
			wb_ext_state_name((enum wb_ext_state)b->cache_type), b->cache_start * m->bs,
			b->cache_end * m->bs, b->cache_seq);
	if (td->sync) {
		uint64_t snap = wb_snapshot(b);
		fprintf(out, ", TOWRITE {");
		for (unsigned p = 0, first = 1; p < m->npages; p++)
			if (snap & (1ull << p)) {
				fprintf(out, first ? "%u" : ",%u", p);
				first = 0;
			}
		fprintf(out, "}");
	}
}

/* The folio is gone, and with it any TOWRITE tag a sync pass had on it. */
static void wb_writeback_folio_removed(struct wb_model *m, void *w, unsigned t, unsigned page)
{
	struct wb_writeback *b = &wb_task(m, w, t)->b;

	if (m->sc->tasks[t].sync)
		wb_set_snapshot(b, wb_snapshot(b) & ~(1ull << page));
}

#define HOLDS_FAIL(...)                                                                            \
	do {                                                                                       \
		snprintf(msg, n, __VA_ARGS__);                                                     \
		return -1;                                                                         \
	} while (0)

/*
 * Between wb_lock and start_writeback a pass holds the lock of the folio it
 * works on, and from map_blocks on that folio is under writeback exactly when
 * writeback_map=per_range set the flag early (and then without an IO yet).
 */
static int wb_writeback_holds(const struct wb_model *m, const void *w, unsigned t,
			      struct wb_held *h, char *msg, size_t n)
{
	const struct wb_writeback *b = &wb_task(m, WBC(w), t)->b;
	const char *name = m->sc->tasks[t].name;

	if (b->cache_seq > wb_inode(WBC(w))->seq)
		HOLDS_FAIL("%s: cached seq %u is ahead of seq %u", name, b->cache_seq,
			   wb_inode(WBC(w))->seq);
	if (b->pc < BP_CLEAR_DIRTY || b->pc > BP_START_WRITEBACK)
		return 0;
	h->folio_lock = b->cur;
	if (b->pc == BP_CLEAR_DIRTY)
		return 0;
	bool wback = wb_folio(m, WBC(w), b->cur)->flags & FOLIO_WRITEBACK;
	if (m->cfg.writeback_map != WB_WBM_PER_RANGE && wback)
		HOLDS_FAIL("%s at pc %u: page %u is already under writeback", name, b->pc, b->cur);
	/* per_range: a block to map starts below EOF, so clear_dirty set the flag */
	if (m->cfg.writeback_map == WB_WBM_PER_RANGE && b->pc == BP_MAP_BLOCKS && !wback)
		HOLDS_FAIL("%s at map_blocks: page %u is not under writeback", name, b->cur);
	if (wback && wb_io(m, WBC(w), b->cur)->phase)
		HOLDS_FAIL("%s at pc %u: page %u has an IO before start_writeback", name, b->pc,
			   b->cur);
	return 0;
}

/* A pass creates an IO only at start_writeback, for the folio it holds. */
static int wb_writeback_check_step(const struct wb_model *m, const void *before, const void *after,
				   unsigned t, char *msg, size_t n)
{
	const struct wb_writeback *b = &wb_task(m, WBC(before), t)->b;

	for (unsigned p = 0; p < m->npages; p++) {
		if (wb_io(m, WBC(before), p)->phase || !wb_io(m, WBC(after), p)->phase)
			continue;
		if (wb_io(m, WBC(after), p)->phase != IO_SUBMITTED || b->pc != BP_START_WRITEBACK ||
		    b->cur != p)
			HOLDS_FAIL("page %u: an IO appeared outside start_writeback", p);
	}
	return 0;
}

static void wb_writeback_summary(const struct wb_model *m, unsigned t, char *buf, size_t n)
{
	const struct wb_task_def *td = &m->sc->tasks[t];
	char range[96] = "";

	if (td->has_range)
		snprintf(range, sizeof(range), " of [%llu,%llu)", (unsigned long long)td->offset,
			 (unsigned long long)(td->offset + td->length));
	snprintf(buf, n, "%s writeback%s%s", td->sync ? "sync" : "background", range,
		 td->passes > 1 ? ", several passes" : "");
}


/* ---- partial-order reduction: footprints (model/por.h) ---- */

uint64_t wb_towrite_pages(const struct wb_model *m, const void *w)
{
	uint64_t pages = 0;

	for (uint32_t t = m->sync_writebacks; t; t &= t - 1)
		pages |= wb_snapshot(&wb_task(m, WBC(w), (unsigned)__builtin_ctz(t))->b);
	return pages;
}

bool wb_sync_writeback_left(const struct wb_model *m, const void *w)
{
	for (uint32_t t = m->sync_writebacks; t; t &= t - 1)
		if (!wb_task_finished(m, w, (unsigned)__builtin_ctz(t)))
			return true;
	return false;
}

/* What io_complete touches (wb_io_por); stale: a block it converts is now a HOLE or DELALLOC */
static void wb_io_complete_fp(const struct wb_model *m, unsigned page, unsigned unwritten,
			      bool stale, struct sim_fp *f)
{
	wb_fp_page(f, page, WB_KM_WBACK | WB_KM_IO, WB_KM_WBACK | WB_KM_IO);
	if (stale)
		wb_fp_pages(f, WB_K_DISK, 0, m->npages - 1, WB_WR);
	if (unwritten && stale)
		wb_fp_inode(f, WB_M(WB_R_MAP), WB_M(WB_R_MAP));
	else if (unwritten)
		f->inc |= WB_M(WB_R_MAP);
}

void wb_io_por(const struct wb_model *m, const void *w, unsigned page, struct sim_fp *now,
	       struct sim_fp *future)
{
	const struct wb_io *io = wb_io(m, WBC(w), page);
	const uint8_t *ext = wb_ext(m, WBC(w));

	/*
	 * io_complete: xfs_iomap_write_unwritten() over the blocks mapped
	 * UNWRITTEN (the map, if any), and from a stale mapping a HOLE or a
	 * DELALLOC extent whole allocated with garbage (any page's disk); then
	 * the folio's writeback flag (WBACK: folio_end_writeback() takes no lock
	 * and changes nothing else of the folio).  A block mapped UNWRITTEN
	 * cannot become a HOLE or DELALLOC while its folio is under writeback (a
	 * punch or a truncate waits for it).
	 *
	 * Without a stale block, the completion converts its own blocks
	 * UNWRITTEN -> WRITTEN and bumps seq: two such completions, of two
	 * folios' disjoint blocks, end in the same map and seq in either order
	 * and never disable each other, so the map is a commutative update
	 * (sim.h's inc) for them, and a read or write for every other step.
	 */
	bool stale = false;
	for (unsigned i = 0; i < m->mfb && page * m->bpp + i < m->nblocks; i++)
		if ((io->unwritten & (1u << i)) && ext[page * m->bpp + i] != WB_UNWRITTEN &&
		    ext[page * m->bpp + i] != WB_WRITTEN)
			stale = true;
	if (io->phase == IO_SUBMITTED) {
		/* io_write: the folio's bytes to disk */
		wb_fp_page(now, page, WB_KM_DATA | WB_KM_IO, WB_KM_DISK | WB_KM_IO);
	} else {
		wb_io_complete_fp(m, page, io->unwritten, stale, now);
	}
	wb_fp_or(future, now);
	wb_io_complete_fp(m, page, io->unwritten, stale, future);
}

/* It cleans the folios of its range. */
static uint64_t wb_writeback_may_clean(const struct wb_model *m, const void *w, unsigned t)
{
	unsigned first, last;

	if (wb_task_finished(m, w, t))
		return 0;
	wb_range_pages(m, t, &first, &last);
	return wb_page_range_mask(first, last);
}

static void wb_writeback_por(const struct wb_model *m, const void *w, unsigned t,
			     struct sim_por_actor *a)
{
	const struct wb_writeback *b = &wb_task(m, WBC(w), t)->b;
	struct sim_fp *now = &a->now, *future = &a->future;
	unsigned first, last;

	if (b->pc == BP_DONE)
		return;
	wb_range_pages(m, t, &first, &last);
	if (b->pc == BP_FDATAWAIT) { /* its range's writeback flags, nothing else from here on */
		wb_fp_page_range(now, first, last, WB_KM_WBACK, 0);
		*future = *now;
		return;
	}
	/*
	 * Its passes over the range, and the IOs they will submit.  The scan
	 * and the tagging read what DIRTY(p) covers (and a background scan
	 * WBACK(p)); whatever else the task does
	 * to a folio it does holding the folio's lock, so that part waits for
	 * the task holding the lock now to let it go.  Of a folio under
	 * writeback it can only take the lock (a sync pass, which then waits)
	 * until the IO completes: cleaning it (and zeroing past EOF) and a new
	 * IO of it wait for the IO too.
	 */
	bool holds = b->pc == BP_CLEAR_DIRTY || b->pc == BP_MAP_BLOCKS || b->pc == BP_START_WRITEBACK;
	for (unsigned p = first; p <= last; p++) {
		/*
		 * It locks only a dirty folio: a clean one waits for a task
		 * that may dirty it (not the one it holds: it goes on with it).
		 */
		const struct folio *f = wb_folio(m, WBC(w), p);
		bool dirtied = !(holds && p == b->cur) &&
			       (f->flags & (FOLIO_PRESENT | FOLIO_DIRTY)) !=
				       (FOLIO_PRESENT | FOLIO_DIRTY);
		struct wb_gates gates;
		wb_por_gates(m, w, p, t, false, dirtied ? WB_ANY_DIRTIER : WB_ANY_NONE, &gates);
		struct sim_fp *lock = wb_por_part_of(a, &gates, false);
		/*
		 * The scan reads DIRTY, and a background pass also WBACK (it skips
		 * a dirty folio under writeback), without the folio's lock: not
		 * gated by its holder, who may hold it while the IO completes.
		 */
		wb_fp_page(future, p, WB_KM_DIRTY | (m->sc->tasks[t].sync ? 0 : WB_KM_WBACK), 0);
		wb_fp_page(lock, p, WB_KM_FOLIO, WB_KM_FOLIO);
		/*
		 * Once locked: cleaning, zeroing past EOF, mapping (the extent
		 * map: DELALLOC converts), the IO and its completion.
		 */
		/* without an IO in flight, the same part as the lock's */
		struct sim_fp *g = gates.io == SIM_NO_GATE ? lock : wb_por_part_of(a, &gates, true);
		wb_fp_page(g, p, WB_KM_ALL, WB_KM_ALL);
		wb_fp_inode(g, WB_M(WB_R_MAP) | WB_M(WB_R_ISIZE), WB_M(WB_R_MAP));
		/*
		 * An IO of a stale mapping may allocate an extent beyond the range
		 * with garbage.  Only without writeback_revalidate: with it, a
		 * cached mapping is used only while seq, which every change of the
		 * map bumps, is unchanged, so an IO is typed by its blocks' states
		 * at map_blocks, which they keep until it completes (pack.c).
		 */
		if (m->sc->tasks[t].has_range && !m->cfg.writeback_revalidate)
			wb_fp_page_range(g, 0, m->npages - 1, 0, WB_KM_DISK);
	}
	if (holds)
		wb_fp_inode(future, WB_M(WB_R_MAP) | WB_M(WB_R_ISIZE), WB_M(WB_R_MAP));
	switch (b->pc) {
	case BP_TAG: /* the dirty folios of the range */
		wb_fp_page_range(now, first, last, WB_KM_DIRTY, 0);
		break;
	case BP_SCAN: { /* the next dirty (or TOWRITE) folio, and its lock; or pass_end */
		int c = wb_candidate(m, WBC(w), t);
		/*
		 * The choice reads the pages from the position to the first
		 * candidate (the first page of it at or past the position): what
		 * lies past it cannot change the step.  Without one, to the end.
		 */
		unsigned upto = c < 0 ? last : (unsigned)c > b->pos ? (unsigned)c : b->pos;
		wb_fp_page_range(now, b->pos, upto,
				 WB_KM_DIRTY | (m->sc->tasks[t].sync ? 0 : WB_KM_WBACK), 0);
		if (c >= 0)
			wb_fp_folio(now, (unsigned)c, WB_RW);
		break;
	}
	case BP_CLEAR_DIRTY: /* waits for writeback; clean, write-protect, zero past EOF */
		wb_fp_page(now, b->cur, WB_KM_FLAGS | WB_KM_DATA, WB_KM_FLAGS | WB_KM_DATA);
		wb_fp_inode(now, WB_M(WB_R_ISIZE), 0);
		break;
	case BP_MAP_BLOCKS: /* the extent map (a DELALLOC block converts), the uptodate bits */
		wb_fp_add(now, WB_R_MAP,
			  wb_ext(m, WBC(w))[b->cur * m->bpp + b->blk] == WB_DELALLOC ? WB_RW
										: WB_RD);
		wb_fp_folio(now, b->cur, WB_RD);
		wb_fp_add(now, WB_R_ISIZE, WB_RD);
		break;
	case BP_START_WRITEBACK: /* writeback flag, unlock, TOWRITE tags, the IO */
		wb_fp_page(now, b->cur, WB_KM_FLAGS | WB_KM_IO, WB_KM_FLAGS | WB_KM_IO);
		break;
	default:
		wb_fp_all(now);
		break;
	}
}

static const struct wb_step_def wb_writeback_steps[] = {
	{ BP_TAG, "tag_towrite", "tag_pages_for_writeback" },
	{ BP_SCAN, "wb_lock", "write_cache_pages: folio_lock" },
	{ BP_CLEAR_DIRTY, "clear_dirty", "folio_clear_dirty_for_io" },
	{ BP_MAP_BLOCKS, "map_blocks", "xfs_map_blocks" },
	{ BP_START_WRITEBACK, "start_writeback", "iomap_writepage_map: folio_start_writeback" },
#define WB_PASS_END_STEP 5
	{ BP_SCAN, "pass_end", "write_cache_pages: return" },
	{ BP_FDATAWAIT, "fdatawait", "filemap_fdatawait_range" },
};

/* The scan's step is wb_lock while a candidate is left, then pass_end. */
static const struct wb_step_def *wb_writeback_step(const struct wb_model *m, const void *w,
						   unsigned t)
{
	const struct wb_writeback *b = &wb_task(m, WBC(w), t)->b;

	if (b->pc == BP_SCAN && wb_candidate(m, WBC(w), t) < 0)
		return &wb_writeback_steps[WB_PASS_END_STEP];
	return wb_step_at(&wb_actor_writeback, b->pc);
}

const struct wb_actor wb_actor_writeback = {
	.name = "writeback",
	.article = "a",
	.keys = writeback_keys,
	.load = load_writeback,
	.load_pages = load_writeback_pages,
	.flags = WB_ACT_IO,
	.steps = wb_writeback_steps,
	.nsteps = sizeof(wb_writeback_steps) / sizeof(wb_writeback_steps[0]),
	.npc = BP_FDATAWAIT + 1,
	.done_pc = BP_DONE,
	.offsets = wb_writeback_offsets,
	.init = wb_writeback_init,
	.enabled = wb_writeback_enabled,
	.apply = wb_writeback_apply,
	.step = wb_writeback_step,
	.pack_fields = wb_writeback_pack_fields,
	.describe = wb_writeback_describe,
	.folio_removed = wb_writeback_folio_removed,
	.por = wb_writeback_por,
	.may_dirty = wb_never_dirties,
	.may_clean = wb_writeback_may_clean,
	.holds = wb_writeback_holds,
	.check_step = wb_writeback_check_step,
	.summary = wb_writeback_summary,
};

bool wb_writeback_pass_start(const struct wb_model *m, const void *w, unsigned t, unsigned *pass)
{
	const struct wb_writeback *b = &wb_task(m, WBC(w), t)->b;
	unsigned first, last;

	wb_range_pages(m, t, &first, &last);
	*pass = b->passes_done;
	return b->pc == BP_TAG || (b->pc == BP_SCAN && b->pos == first && !m->sc->tasks[t].sync);
}

unsigned wb_writeback_page(const struct wb_model *m, const void *w, unsigned t)
{
	const struct wb_writeback *b = &wb_task(m, WBC(w), t)->b;

	return b->pc == BP_SCAN || b->pc == BP_TAG ? b->pos : b->cur;
}
