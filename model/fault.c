/* SPDX-License-Identifier: MIT */
/*
 * fault.c - page faults on a shared file mapping: a read fault (or readahead)
 * that brings a page in with a fresh mapping, and a write fault followed by a
 * user store (docs/model.md sections 7 and 8).
 *
 * Models mm/filemap.c filemap_fault() and fs/iomap/buffered-io.c
 * iomap_read_folio() with fs/xfs/xfs_iomap.c xfs_read_iomap_begin(), and
 * fs/xfs/xfs_file.c xfs_filemap_page_mkwrite() -> iomap_page_mkwrite()
 * (6.1, 6.3).  Left out: large folios from readahead, the PTE itself beyond
 * "mapped writable", SIGBUS paths other than a page past EOF.
 *
 * Large folios (m->lf; 6.6 and later): a fault on a page of a cached large
 * folio takes a reference on, and the lock of, the whole folio
 * (filemap_fault(): filemap_get_folio(), lock_folio_maybe_drop_mmap());
 * reads it whole when it is not wholly uptodate (iomap_read_folio() over the
 * folio); page_mkwrite covers the folio up to EOF (iomap_page_mkwrite():
 * folio_mkwrite_check_truncate()) and dirties every block of it
 * (iomap_folio_mkwrite_iter() -> folio_mark_dirty() -> iomap_dirty_folio():
 * iomap_set_range_dirty(folio, 0, folio_size)); finish_fault() maps the one
 * faulting page (FOLIO_PTE_W in its slot only).  A miss creates an order-0
 * folio, as before: readahead's large folios (page_cache_ra_order()) are
 * not modelled.
 *
 *   FAULT_BEGIN -fault_begin-> FOLIO_GET -folio_get-> [FOLIO_LOCK -folio_lock->]
 *   [READ -read_folio->] (read fault) FAULT_END | (mmap write) MKWRITE_BEGIN
 *   MKWRITE_BEGIN -mkwrite_iomap_begin-> [MKWRITE_END -mkwrite_iomap_end->] FAULT_END
 *   FAULT_END -fault_end-> DONE (read) | STORE (write)
 *   STORE -store-> DONE, or -write_fault-> FAULT_BEGIN when not mapped writable
 */
#include <assert.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "model/actor.h"
#include "model/scenario_check.h"
#include "model/extent_map.h"
#include "model/locks.h"
#include "model/por.h"


static bool wb_is_mmap(const struct wb_model *m, unsigned t)
{
	return wb_task_is(m, t, WB_ACT_DATA);
}

static unsigned wb_fault_page(const struct wb_model *m, unsigned t)
{
	return (unsigned)(m->sc->tasks[t].offset / m->ps);
}

/*
 * Can the store land at or past EOF?  filemap_fault() maps the whole EOF page,
 * so a store may reach past i_size inside it; i_size never goes below the
 * file's initial size or a truncate's size.  Only then does the slot's
 * past_eof take bits in the state encoding.
 */
static bool wb_store_can_pass_eof(const struct wb_model *m, unsigned t)
{
	const struct wb_task_def *td = &m->sc->tasks[t];
	uint64_t low = m->sc->file_size;

	if (!wb_is_mmap(m, t))
		return false;
	for (unsigned i = 0; i < m->ntasks; i++)
		if (m->sc->tasks[i].op == WB_OP_TRUNCATE && m->sc->tasks[i].size < low)
			low = m->sc->tasks[i].size;
	return td->offset + td->length > low;
}

/* Footprint entries for every page of the folio holding page p. */
static void wb_fault_fp_folio(struct wb_model *m, const void *w, unsigned p, unsigned kind)
{
	unsigned head = wb_fhead(m, w, p), np = wb_fpages(m, w, p);

	for (unsigned q = head; q < head + np; q++)
		wb_fp(m, WB_LOC_FOLIO(m, q), kind);
}

/* Can the store go ahead without a fault: cached and mapped writable? */
static bool wb_store_ok(const struct wb_model *m, const void *w, unsigned t)
{
	const struct folio *f = wb_folio(m, WBC(w), wb_fault_page(m, t));

	return (f->flags & FOLIO_PRESENT) && (f->flags & FOLIO_PTE_W);
}


/*
 * The 6.1 mkwrite cleanup with drop_writes truncates the faulting folio's
 * range, and truncate_inode_pages_range() then locks that folio with
 * FGP_LOCK while this fault holds its lock: it can never proceed.  Without
 * drop_writes the mkwrite iteration writes its whole range and there is
 * nothing to clean up.
 */
static bool wb_mkwrite_cleanup_blocks(const struct wb_model *m, const void *w, unsigned t)
{
	const uint8_t *ext = wb_ext(m, WBC(w));
	unsigned p = wb_fault_page(m, t);

	if (!m->cfg.drop_writes)
		return false;
	for (unsigned i = 0; i < m->bpp; i++)
		if (ext[p * m->bpp + i] == WB_DELALLOC)
			return true;
	return false;
}

static bool wb_fault_enabled(const struct wb_model *m, const void *w, unsigned t, char *why,
			     size_t n)
{
	void *cw = WBC(w);
	const struct wb_fault *ft = &wb_task(m, cw, t)->f;
	unsigned p = wb_fault_page(m, t);

	switch (ft->pc) {
	case FP_DONE:
		WB_WHY(why, n, "finished");
		return false;
	case FP_FAULT_BEGIN:
		return wb_inval_available(m, cw, true, why, n);
	case FP_FOLIO_LOCK: {
		return wb_folio_lock_available(m, cw, p, why, n);
	}
	case FP_MKWRITE_END:
		if (wb_mkwrite_cleanup_blocks(m, w, t)) {
			WB_WHY(why, n, "waits forever: its cleanup truncates page %u, whose lock it "
				       "holds itself (truncate_inode_pages_range locks it with "
				       "FGP_LOCK)", p);
			return false;
		}
		return true;
	default:
		return true;
	}
}

/* Models: the invalidate_lock shared of filemap_fault() / xfs_filemap_page_mkwrite(). */
static void wb_fault_begin(struct wb_model *m, void *w, unsigned t)
{
	struct wb_fault *ft = &wb_task(m, w, t)->f;

	wb_inval_down(m, w, t, true);
	ft->holds |= FT_SHARED;
	wb_fp(m, WB_LOC_INVAL(m), WB_FP_WAIT | WB_FP_WRITE);
	ft->pc = FP_FOLIO_GET;
	wb_desc(m, "invalidate_lock shared; fault on page %u", wb_fault_page(m, t));
}

/* Models: filemap_fault() finding the folio, or __filemap_get_folio(FGP_CREAT). */
static void wb_fault_folio_get(struct wb_model *m, void *w, unsigned t)
{
	struct wb_fault *ft = &wb_task(m, w, t)->f;
	unsigned p = wb_fault_page(m, t);
	struct folio *f = wb_folio(m, w, p);

	wb_fault_fp_folio(m, w, p, WB_FP_READ | WB_FP_WRITE);
	if (p * m->ps >= wb_inode(w)->i_size) {
		/* filemap_fault: a page at or past EOF is a SIGBUS */
		ft->holds |= FT_SIGBUS;
		ft->pc = FP_FAULT_END;
		wb_desc(m, "page %u is past EOF: SIGBUS", p);
		return;
	}
	if (!(f->flags & FOLIO_PRESENT)) {
		/* order 0 (wb_forder stays 0): readahead's large folios are not modelled */
		f->flags = FOLIO_PRESENT | FOLIO_FREF_ONE;
		wb_folio_lock_take(m, w, t, p);
		f->uptodate = 0;
		wb_prov_new_folio(m, p);
		ft->holds |= FT_LOCK | FT_REF;
		ft->pc = FP_READ;
		wb_desc(m, "page %u absent -> new folio, locked", p);
		return;
	}
	if (wb_folio_full(m, w, p) && !wb_is_mmap(m, t)) {
		ft->pc = FP_FAULT_END;
		wb_desc(m, "page %u cached and uptodate: nothing to read", p);
		return;
	}
	wb_folio_fref(m, w, p, 1);
	ft->holds |= FT_REF;
	ft->pc = FP_FOLIO_LOCK;
	if (wb_fpages(m, w, p) > 1)
		wb_desc(m, "page %u found, reference taken on the folio of pages %u-%u", p,
			wb_fhead(m, w, p), wb_fhead(m, w, p) + wb_fpages(m, w, p) - 1);
	else
		wb_desc(m, "page %u found, reference taken", p);
}

static void wb_fault_folio_lock(struct wb_model *m, void *w, unsigned t)
{
	struct wb_fault *ft = &wb_task(m, w, t)->f;
	unsigned p = wb_fault_page(m, t);
	bool uptodate = wb_folio_full(m, w, p);

	wb_folio_lock_take(m, w, t, p);
	ft->holds |= FT_LOCK;
	wb_fault_fp_folio(m, w, p, WB_FP_WAIT | WB_FP_WRITE);
	ft->pc = !uptodate ? FP_READ : wb_is_mmap(m, t) ? FP_MKWRITE_BEGIN : FP_FAULT_END;
	wb_desc(m, "page %u locked%s", p, uptodate ? ", uptodate" : "");
}

/*
 * Models: fs/iomap/buffered-io.c iomap_read_folio() with xfs_read_iomap_begin()
 * (6.1, 6.3): a fresh mapping per block; a WRITTEN block inside i_size is read,
 * anything else is zeroed; every block becomes uptodate.
 */
static void iomap_read_folio(struct wb_model *m, void *w, unsigned t)
{
	struct wb_fault *ft = &wb_task(m, w, t)->f;
	unsigned p = wb_fault_page(m, t), i;
	unsigned head = wb_fhead(m, w, p), np = wb_fpages(m, w, p);
	const uint8_t *ext = wb_ext(m, w);
	uint32_t i_size = wb_inode(w)->i_size;

	if (np > 1)
		wb_desc(m, "folio of pages %u-%u:", head, head + np - 1);
	else
		wb_desc(m, "page %u:", p);
	/* large folios: iomap_read_folio() reads the whole folio (6.6, 6.12) */
	for (unsigned q = head; q < head + np; q++) {
		struct folio *f = wb_folio(m, w, q);
		uint8_t *c = wb_cache(m, w, q);
		for (i = 0; i < m->bpp; i++) {
			unsigned b = q * m->bpp + i;
			uint32_t bs = b * m->bs;
			if (f->uptodate & (1u << i))
				continue;
			wb_fp(m, WB_LOC_EXT(m, b), WB_FP_READ);
			if (ext[b] == WB_WRITTEN && bs < i_size) {
				memcpy(c + (size_t)i * m->gpb, wb_disk(m, w) + (size_t)b * m->gpb,
				       m->gpb);
				wb_fp(m, WB_LOC_DISK(m, b), WB_FP_READ);
				if (m->prov)
					memcpy(m->prov->cache + (size_t)q * m->gpp + (size_t)i * m->gpb,
					       m->prov->disk + (size_t)b * m->gpb,
					       m->gpb * sizeof(uint32_t));
				wb_desc(m, " block %u WRITTEN: read", b);
			} else {
				memset(c + (size_t)i * m->gpb, 0, m->gpb);
				if (m->prov) {
					uint32_t o = wb_origin_new(
						m, "%s read_folio zeroed block %u (%s)",
						m->sc->tasks[t].name, b,
						wb_ext_state_name((enum wb_ext_state)ext[b]));
					for (unsigned g = 0; g < m->gpb; g++)
						m->prov->cache[(size_t)q * m->gpp + i * m->gpb + g] = o;
				}
				wb_desc(m, " block %u %s: zeroed", b,
					wb_ext_state_name((enum wb_ext_state)ext[b]));
			}
		}
		f->uptodate = (uint16_t)((1u << m->bpp) - 1);
		wb_fp(m, WB_LOC_FOLIO(m, q), WB_FP_WRITE);
	}
	if (wb_is_mmap(m, t)) {
		ft->pc = FP_MKWRITE_BEGIN;
		return;
	}
	wb_folio_unlock(m, w, p);
	wb_folio_fref(m, w, p, -1);
	ft->holds &= (uint8_t)~(FT_LOCK | FT_REF);
	ft->pc = FP_FAULT_END;
	wb_desc(m, "; uptodate, unlocked");
}

/*
 * Models: fs/iomap/buffered-io.c iomap_page_mkwrite() with
 * xfs_buffered_write_iomap_begin() and iomap_folio_mkwrite_iter() (6.1, 6.3),
 * all mappings of the folio's range in one step: HOLE blocks get a DELALLOC
 * reservation (one seq bump), the folio is marked dirty.  A page past EOF is
 * a SIGBUS: the fault ends without a store.
 */
static void iomap_page_mkwrite(struct wb_model *m, void *w, unsigned t)
{
	struct wb_fault *ft = &wb_task(m, w, t)->f;
	unsigned p = wb_fault_page(m, t), i, r0 = 0, nres = 0;
	/* large folios: the whole folio (iomap_page_mkwrite(): iter.pos = folio_pos) */
	unsigned head = wb_fhead(m, w, p), np = wb_fpages(m, w, p), b0 = head * m->bpp;
	uint8_t *ext = wb_ext(m, w);
	uint32_t i_size = wb_inode(w)->i_size, fs = head * m->ps;

	/* folio_mkwrite_check_truncate(): the folio starts at or past EOF */
	if (fs >= i_size) {
		wb_desc(m, "page %u is past EOF: SIGBUS", p);
		ft->pc = FP_FAULT_END;
		ft->holds |= FT_SIGBUS; /* no store */
		return;
	}
	wb_fp_blocks(m, b0, b0 + np * m->bpp, false, WB_FP_READ);
	/* iter.len: the folio up to EOF */
	for (i = 0; i < np * m->bpp && fs + i * m->bs < i_size; i++) {
		if (ext[b0 + i] != WB_HOLE)
			continue;
		if (!nres++)
			r0 = b0 + i;
		ext[b0 + i] = WB_DELALLOC;
		wb_fp(m, WB_LOC_EXT(m, b0 + i), WB_FP_WRITE);
	}
	if (nres) {
		wb_desc(m, "reserve DELALLOC over the holes from block %u", r0);
		wb_seq_bump(m, w);
		wb_desc(m, "; ");
	}
	wb_folio_flags(m, w, p, FOLIO_DIRTY, 0);
	/*
	 * per_block_dirty: iomap_folio_mkwrite_iter() -> folio_mark_dirty() ->
	 * iomap_dirty_folio() (6.6 to 7.1) marks every block of the folio dirty
	 * (iomap_set_range_dirty(folio, 0, folio_size)), past EOF too (writeback
	 * stops at EOF), every page of a large folio
	 */
	for (unsigned q = head; q < head + np && m->pbd; q++)
		*wb_dirty(m, w, q) = (uint16_t)((1u << m->bpp) - 1);
	wb_fault_fp_folio(m, w, p, WB_FP_WRITE);
	ft->pc = m->cfg.mkwrite_iomap_end ? FP_MKWRITE_END : FP_FAULT_END;
	if (np > 1)
		wb_desc(m, "folio of pages %u-%u dirty", head, head + np - 1);
	else
		wb_desc(m, "page %u dirty", p);
}

/* Models: 6.1's xfs_buffered_write_iomap_end() run by iomap_page_mkwrite() (patch 1 removed it). */
static void wb_mkwrite_iomap_end(struct wb_model *m, void *w, unsigned t)
{
	struct wb_fault *ft = &wb_task(m, w, t)->f;

	/* enabled only when there is nothing to clean up (see wb_fault_enabled) */
	ft->pc = FP_FAULT_END;
	wb_desc(m, "the whole range was written: no cleanup");
}

/* Models: the end of the fault: finish_fault() maps the page, the locks go. */
static void wb_fault_end(struct wb_model *m, void *w, unsigned t)
{
	struct wb_fault *ft = &wb_task(m, w, t)->f;
	unsigned p = wb_fault_page(m, t);
	struct folio *f = wb_folio(m, w, p);
	bool sigbus = ft->holds & FT_SIGBUS;

	if (ft->holds & FT_LOCK)
		wb_folio_unlock(m, w, p);
	if (ft->holds & FT_REF)
		wb_folio_fref(m, w, p, -1);
	/* finish_fault(): this page's PTE only, also in a large folio (world.h) */
	if (wb_is_mmap(m, t) && !sigbus && (f->flags & FOLIO_PRESENT))
		f->flags |= FOLIO_PTE_W;
	wb_fault_fp_folio(m, w, p, WB_FP_WRITE);
	wb_inval_up(m, w, true);
	ft->holds = 0;
	ft->pc = wb_is_mmap(m, t) && !sigbus ? FP_STORE : FP_DONE;
	wb_desc(m, "page %u %s; invalidate_lock released%s", p,
		wb_is_mmap(m, t) && !sigbus ? "mapped writable" : "mapped",
		ft->pc == FP_DONE ? "; finished" : "");
}

/* The user store (not under the folio lock), or the fault it takes when not mapped writable. */
static void wb_store(struct wb_model *m, void *w, unsigned t)
{
	struct wb_fault *ft = &wb_task(m, w, t)->f;
	const struct wb_task_def *td = &m->sc->tasks[t];
	unsigned p = wb_fault_page(m, t);
	uint32_t g0 = (uint32_t)(td->offset % m->ps) / m->gran;
	uint32_t g1 = g0 + (uint32_t)td->length / m->gran;

	if (!wb_store_ok(m, w, t)) {
		ft->pc = FP_FAULT_BEGIN;
		wb_fp(m, WB_LOC_FOLIO(m, p), WB_FP_READ);
		wb_desc(m, "page %u not mapped writable: fault again", p);
		return;
	}
	memset(wb_cache(m, w, p) + g0, td->data, g1 - g0);
	wb_fp(m, WB_LOC_FOLIO(m, p), WB_FP_READ | WB_FP_WRITE);
	if (m->prov) {
		uint32_t o = wb_origin_new(m, "%s store of '%c' into [%llu,%llu)", td->name,
					   td->data, (unsigned long long)td->offset,
					   (unsigned long long)(td->offset + td->length));
		for (uint32_t g = g0; g < g1; g++)
			m->prov->cache[(size_t)p * m->gpp + g] = o;
	}
	wb_order_append(w, t);
	ft->pc = FP_DONE;
	wb_desc(m, "'%c' x %llu -> [%llu,%llu) of page %u", td->data,
		(unsigned long long)td->length, (unsigned long long)td->offset,
		(unsigned long long)(td->offset + td->length), p);
	/* the bytes at or past EOF are not file data: the oracle does not expect them */
	uint64_t end = td->offset + td->length, i_size = wb_inode(w)->i_size;
	if (i_size < end) {
		uint64_t cut = i_size > td->offset ? i_size : td->offset;
		assert(wb_store_can_pass_eof(m, t));
		ft->past_eof = (uint32_t)((end - cut) / m->gran);
		wb_desc(m, ", [%llu,%llu) past EOF (i_size %u)", (unsigned long long)cut,
			(unsigned long long)end, wb_inode(w)->i_size);
	}
	wb_desc(m, "; %s finished", td->name);
}

static void wb_fault_apply(struct wb_model *m, void *w, unsigned t, unsigned arg)
{
	(void)arg;
	switch (wb_task(m, w, t)->f.pc) {
	case FP_FAULT_BEGIN:
		wb_fault_begin(m, w, t);
		break;
	case FP_FOLIO_GET:
		wb_fault_folio_get(m, w, t);
		break;
	case FP_FOLIO_LOCK:
		wb_fault_folio_lock(m, w, t);
		break;
	case FP_READ:
		iomap_read_folio(m, w, t);
		break;
	case FP_MKWRITE_BEGIN:
		iomap_page_mkwrite(m, w, t);
		break;
	case FP_MKWRITE_END:
		wb_mkwrite_iomap_end(m, w, t);
		break;
	case FP_FAULT_END:
		wb_fault_end(m, w, t);
		break;
	case FP_STORE:
		wb_store(m, w, t);
		break;
	}
}

/* ---- the scenario loader: the task's own members ---- */

static const char *const read_fault_keys[] = { "name", "op", "page", "after", NULL };

static void load_read_fault(struct sc_ctx *c, json_t *t, struct wb_task_def *d, size_t i)
{
	uint64_t v;

	(void)i;
	/* Out-of-range pages are reported once the world's size is known. */
	if (sc_get_int(c, t, "page", true, 0, SC_MAX_INT, &v) != SC_OK || v >= WB_MAX_PAGES)
		return;
	d->page = (unsigned)v;
	d->offset = v * c->sc->page_size;
	d->length = c->sc->page_size;
}

/* The page, now that the world's size is known. */
static void load_read_fault_pages(struct sc_ctx *c, json_t *t)
{
	size_t m = wb_json_ptr_key(&c->p, "page");

	sc_check_page_index(c, json_object_get(t, "page"));
	wb_json_ptr_pop(&c->p, m);
}

static const char *const mmap_write_keys[] = {
	"name", "op", "offset", "length", "data", "after", NULL,
};

static void load_mmap_write(struct sc_ctx *c, json_t *t, struct wb_task_def *d, size_t i)
{
	int ro = sc_get_int(c, t, "offset", true, 0, SC_MAX_INT, &d->offset);
	int rl = sc_get_int(c, t, "length", true, 1, SC_MAX_INT, &d->length);
	bool ok = ro == SC_OK && rl == SC_OK;
	unsigned ps = c->sc->page_size;

	if (ok && c->geom_ok && d->offset / ps != (d->offset + d->length - 1) / ps) {
		uint64_t edge = (d->offset / ps + 1) * ps;

		sc_errm(c, "length",
			"an mmap store stays within one page: [%" PRIu64 ",%" PRIu64
			") crosses the page boundary at %" PRIu64 " (pages of %u)",
			d->offset, d->offset + d->length, edge, ps);
		ok = false;
	}
	if (ok)
		sc_reach_range(c, d->offset, d->length, "mmap store");
	if (sc_get_data(c, t, &d->data) && ok)
		c->range_ok[i] = true;
}


/* ---- the actors: read_fault and mmap_write ---- */

static unsigned wb_fault_offsets(const struct wb_task_def *td, uint64_t out[4])
{
	out[0] = td->offset;
	out[1] = td->offset + td->length;
	return 2;
}

/* A store that finds the page not mapped writable faults instead. */
static const struct wb_step_def *wb_fault_step(const struct wb_model *m, const void *w, unsigned t)
{
	const struct wb_actor *a = wb_actor_of(m, t);
	const struct wb_step_def *s = wb_step_at(a, wb_task(m, WBC(w), t)->f.pc);

	if (s && s->pc == FP_STORE && !wb_store_ok(m, w, t))
		s++; /* the entry after store's: write_fault */
	return s;
}

static void wb_fault_pack_fields(const struct wb_model *m, unsigned t, struct wb_pack_fields *pf)
{
	WB_PACK(pf, m, t, struct wb_fault, pc, 4, 1);
	WB_PACK(pf, m, t, struct wb_fault, holds, 4, 1);
	if (wb_store_can_pass_eof(m, t))
		WB_PACK(pf, m, t, struct wb_fault, past_eof,
			wb_bits_for(m->sc->tasks[t].length / m->gran), 1);
}

static void wb_fault_describe(const struct wb_model *m, const void *w, unsigned t, FILE *out)
{
	const struct wb_fault *ft = &wb_task(m, WBC(w), t)->f;

	fprintf(out, "next %s%s%s%s", wb_task_step(m, w, t)->name,
		(ft->holds & FT_SHARED) ? ", holds the invalidate_lock shared" : "",
		(ft->holds & FT_LOCK) ? ", holds the folio lock" : "",
		(ft->holds & FT_REF) ? ", holds a folio reference" : "");
}

/*
 * A fault that found this folio and holds a reference but not yet the lock
 * will, once it locks it, see it gone from the mapping and look it up again
 * (filemap_fault's retry): its reference goes with the folio.
 */
static void wb_fault_folio_removed(struct wb_model *m, void *w, unsigned t, unsigned page)
{
	struct wb_fault *ft = &wb_task(m, w, t)->f;

	if (wb_fault_page(m, t) != page || !(ft->holds & FT_REF))
		return;
	ft->holds &= (uint8_t)~FT_REF;
	if (ft->pc == FP_FOLIO_LOCK)
		ft->pc = FP_FOLIO_GET;
}

/*
 * The store's bytes below the i_size of its moment.  Those at or past it are
 * not file data: writeback zeroes them (iomap_do_writepage), and so does the
 * EOF zeroing when the file grows (xfs_file_write_checks, xfs_setattr_size):
 * the file keeps what it had there.
 */
static void wb_mmap_write_expected(const struct wb_model *m, const void *w, unsigned t,
				   uint8_t *e, size_t ngran)
{
	const struct wb_task_def *td = &m->sc->tasks[t];
	const struct wb_fault *ft = &wb_task(m, WBC(w), t)->f;

	(void)ngran;
	memset(e + td->offset / m->gran, td->data, td->length / m->gran - ft->past_eof);
}

#define HOLDS_FAIL(...)                                                                            \
	do {                                                                                       \
		snprintf(msg, n, __VA_ARGS__);                                                     \
		return -1;                                                                         \
	} while (0)

/*
 * What a fault holds is what its FT_* bits say, and they must agree with its
 * program counter: nothing before fault_begin or after fault_end; the
 * invalidate_lock shared from fault_begin to fault_end; a reference from
 * folio_get (found) and the lock too from folio_lock (or the creation) until
 * the read or the mkwrite is done.
 */
static int wb_fault_holds(const struct wb_model *m, const void *w, unsigned t, struct wb_held *h,
			  char *msg, size_t n)
{
	const struct wb_fault *f = &wb_task(m, WBC(w), t)->f;
	const char *name = m->sc->tasks[t].name;
	unsigned have = f->holds & (FT_SHARED | FT_LOCK | FT_REF), lr = f->holds & (FT_LOCK | FT_REF);
	int page = (int)wb_fault_page(m, t);

	switch (f->pc) {
	case FP_FAULT_BEGIN:
	case FP_STORE:
	case FP_DONE:
		if (f->holds)
			HOLDS_FAIL("%s holds 0x%x at pc %u", name, f->holds, f->pc);
		break;
	case FP_FOLIO_GET:
		if (have != FT_SHARED)
			HOLDS_FAIL("%s at folio_get holds 0x%x", name, f->holds);
		break;
	case FP_FOLIO_LOCK:
		if (have != (FT_SHARED | FT_REF))
			HOLDS_FAIL("%s at folio_lock holds 0x%x", name, f->holds);
		break;
	case FP_FAULT_END:
		if (!(have & FT_SHARED) || (lr && lr != (FT_LOCK | FT_REF)))
			HOLDS_FAIL("%s at fault_end holds 0x%x", name, f->holds);
		break;
	default: /* read_folio, mkwrite: the folio locked and referenced */
		if (have != (FT_SHARED | FT_LOCK | FT_REF))
			HOLDS_FAIL("%s at pc %u holds 0x%x", name, f->pc, f->holds);
		break;
	}
	h->inval_shared = (f->holds & FT_SHARED) != 0;
	if (f->holds & FT_LOCK)
		h->folio_lock = page;
	if (f->holds & FT_REF)
		h->fault_ref = page;
	return 0;
}

/*
 * Partial-order reduction (model/por.h).  A fault touches one page's folio
 * (the engine widens it to the largest folio that may hold the page), the
 * invalidate_lock, i_size and the extent map; an mmap store also the content
 * order.  Its future: every step it may still take, also the refault after a
 * store that finds the page write-protected.
 */
static void wb_fault_por(const struct wb_model *m, const void *w, unsigned t,
			 struct sim_por_actor *a)
{
	const struct wb_fault *ft = &wb_task(m, WBC(w), t)->f;
	struct sim_fp *now = &a->now, *future = &a->future;
	unsigned p = wb_fault_page(m, t);
	bool mmap = wb_is_mmap(m, t);

	if (ft->pc == FP_DONE)
		return;
	/* page_mkwrite reserves (the map), a store joins the content order */
	uint64_t own = mmap ? WB_M(WB_R_MAP) | WB_M(WB_R_ORDER) : 0;
	wb_fp_inode(future, WB_M(WB_R_INVAL) | WB_M(WB_R_ISIZE) | WB_M(WB_R_MAP) | own,
		    WB_M(WB_R_INVAL) | own);
	wb_fp_page(future, p, WB_KM_FLAGS | WB_KM_DATA | WB_KM_DISK, WB_KM_FLAGS | WB_KM_DATA);
	switch (ft->pc) {
	case FP_FAULT_BEGIN: /* waits for, then takes, the invalidate_lock shared */
		wb_fp_inode(now, WB_M(WB_R_INVAL), WB_M(WB_R_INVAL));
		break;
	case FP_FOLIO_GET: /* EOF (SIGBUS); find (a reference) or create (locked) */
		wb_fp_inode(now, WB_M(WB_R_ISIZE), 0);
		wb_fp_page(now, p, WB_KM_FOLIO | WB_KM_DATA, WB_KM_FOLIO | WB_KM_DATA);
		break;
	case FP_FOLIO_LOCK: /* waits for the lock; reads the uptodate bits */
		wb_fp_page(now, p, WB_KM_FOLIO, WB_KM_FOLIO);
		break;
	case FP_READ: /* the blocks' states and bytes into the folio; a read fault unlocks */
		wb_fp_inode(now, WB_M(WB_R_MAP) | WB_M(WB_R_ISIZE), 0);
		wb_fp_page(now, p, WB_KM_FOLIO | WB_KM_DATA | WB_KM_DISK, WB_KM_FOLIO | WB_KM_DATA);
		break;
	case FP_MKWRITE_BEGIN: /* EOF; DELALLOC over holes (seq); the folio dirty */
		wb_fp_inode(now, WB_M(WB_R_ISIZE) | WB_M(WB_R_MAP), WB_M(WB_R_MAP));
		wb_fp_page(now, p, WB_KM_FLAGS, WB_KM_FLAGS);
		break;
	case FP_MKWRITE_END: /* enabled unless its cleanup would truncate its own folio */
		wb_fp_inode(now, WB_M(WB_R_MAP), 0);
		break;
	case FP_FAULT_END: /* unlock, put, map the page (writable), the invalidate_lock */
		wb_fp_page(now, p, WB_KM_FOLIO, WB_KM_FOLIO);
		wb_fp_inode(now, WB_M(WB_R_INVAL), WB_M(WB_R_INVAL));
		break;
	case FP_STORE: /* mapped writable? then the bytes, the order, past EOF? */
		wb_fp_page(now, p, WB_KM_FOLIO | WB_KM_DATA, WB_KM_DATA);
		wb_fp_inode(now, WB_M(WB_R_ORDER) | WB_M(WB_R_ISIZE), WB_M(WB_R_ORDER));
		break;
	default:
		wb_fp_all(now);
		break;
	}
}

/* It brings its page into the page cache, and an mmap write dirties it. */
static uint64_t wb_fault_may_dirty(const struct wb_model *m, const void *w, unsigned t)
{
	if (wb_task(m, WBC(w), t)->f.pc == FP_DONE)
		return 0;
	return 1ull << wb_fault_page(m, t);
}

static const struct wb_step_def wb_read_fault_steps[] = {
	{ FP_FAULT_BEGIN, "fault_begin",
	  "filemap_fault / xfs_filemap_page_mkwrite: invalidate_lock shared" },
	{ FP_FOLIO_GET, "folio_get", "__filemap_get_folio" },
	{ FP_FOLIO_LOCK, "folio_lock", "folio_lock" },
	{ FP_READ, "read_folio", "iomap_read_folio" },
	{ FP_FAULT_END, "fault_end", "finish_fault" },
};

static const struct wb_step_def wb_mmap_write_steps[] = {
	{ FP_FAULT_BEGIN, "fault_begin",
	  "filemap_fault / xfs_filemap_page_mkwrite: invalidate_lock shared" },
	{ FP_FOLIO_GET, "folio_get", "__filemap_get_folio" },
	{ FP_FOLIO_LOCK, "folio_lock", "folio_lock" },
	{ FP_READ, "read_folio", "iomap_read_folio" },
	{ FP_MKWRITE_BEGIN, "mkwrite_iomap_begin", "iomap_page_mkwrite: xfs_buffered_write_iomap_begin" },
	{ FP_MKWRITE_END, "mkwrite_iomap_end",
	  "iomap_page_mkwrite: xfs_buffered_write_iomap_end (6.1)" },
	{ FP_FAULT_END, "fault_end", "finish_fault" },
	{ FP_STORE, "store", "user store" },
	{ FP_STORE, "write_fault", "do_shared_fault" }, /* right after store */
};

const struct wb_actor wb_actor_read_fault = {
	.name = "read_fault",
	.article = "a",
	.keys = read_fault_keys,
	.load = load_read_fault,
	.load_pages = load_read_fault_pages,
	.flags = WB_ACT_FAULT,
	.steps = wb_read_fault_steps,
	.nsteps = sizeof(wb_read_fault_steps) / sizeof(wb_read_fault_steps[0]),
	.npc = FP_DONE + 1,
	.done_pc = FP_DONE,
	.no_step = 1u << FP_MKWRITE_BEGIN | 1u << FP_MKWRITE_END | 1u << FP_STORE,
	.offsets = wb_fault_offsets,
	.enabled = wb_fault_enabled,
	.apply = wb_fault_apply,
	.pack_fields = wb_fault_pack_fields,
	.describe = wb_fault_describe,
	.folio_removed = wb_fault_folio_removed,
	.holds = wb_fault_holds,
	.por = wb_fault_por,
	.may_dirty = wb_fault_may_dirty,
	.may_clean = wb_never_dirties,
};

const struct wb_actor wb_actor_mmap_write = {
	.name = "mmap_write",
	.article = "an",
	.keys = mmap_write_keys,
	.load = load_mmap_write,
	.store = "mmap store",
	.flags = WB_ACT_FAULT | WB_ACT_DATA | WB_ACT_ORDERED | WB_ACT_RACY,
	.steps = wb_mmap_write_steps,
	.nsteps = sizeof(wb_mmap_write_steps) / sizeof(wb_mmap_write_steps[0]),
	.npc = FP_DONE + 1,
	.done_pc = FP_DONE,
	.offsets = wb_fault_offsets,
	.enabled = wb_fault_enabled,
	.apply = wb_fault_apply,
	.step = wb_fault_step,
	.pack_fields = wb_fault_pack_fields,
	.describe = wb_fault_describe,
	.expected = wb_mmap_write_expected,
	.folio_removed = wb_fault_folio_removed,
	.holds = wb_fault_holds,
	.por = wb_fault_por,
	.may_dirty = wb_fault_may_dirty,
	.may_clean = wb_never_dirties,
};
