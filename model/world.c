/* SPDX-License-Identifier: MIT */
/*
 * world.c - building the initial world of a scenario, its invariants, and
 * printing it.  The layout is decided here once per scenario; see world.h.
 */
#include "model/world.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "model/actor.h"
#include "sim/xmalloc.h"

uint64_t wb_gcd(uint64_t a, uint64_t b)
{
	while (b) {
		uint64_t t = a % b;
		a = b;
		b = t;
	}
	return a;
}

static size_t wb_align8(size_t x)
{
	return (x + 7) & ~(size_t)7;
}

/* The granule: the largest size dividing every offset and length in the scenario. */
static unsigned wb_granule(const struct wb_scenario *sc)
{
	uint64_t g = sc->page_size, v[4];
	size_t i;

	g = wb_gcd(g, sc->block_size);
	g = wb_gcd(g, sc->file_size);
	for (i = 0; i < sc->nextents; i++) {
		g = wb_gcd(g, sc->extents[i].offset);
		g = wb_gcd(g, sc->extents[i].length);
	}
	for (i = 0; i < sc->ntasks; i++) {
		const struct wb_actor *a = wb_actors[sc->tasks[i].op];
		unsigned n = a->offsets ? a->offsets(&sc->tasks[i], v) : 0;
		for (unsigned j = 0; j < n; j++)
			g = wb_gcd(g, v[j]);
	}
	return (unsigned)g;
}

void wb_model_init(struct wb_model *m, const struct wb_scenario *sc, const struct wb_config *cfg)
{
	uint64_t end = sc->file_size;
	size_t i;

	memset(m, 0, sizeof(*m));
	m->sc = sc;
	m->cfg = *cfg;
	m->bs = sc->block_size;
	m->ps = sc->page_size;
	m->bpp = m->ps / m->bs;
	for (i = 0; i < sc->nextents; i++)
		if (sc->extents[i].offset + sc->extents[i].length > end)
			end = sc->extents[i].offset + sc->extents[i].length;
	for (i = 0; i < sc->ntasks; i++) {
		const struct wb_actor *a = wb_actors[sc->tasks[i].op];
		uint64_t v[4];
		m->done_pc[i] = a->done_pc;
		m->task_flags |= a->flags;
		m->actor[i] = a;
		m->op_tasks[sc->tasks[i].op] |= 1u << i;
		if (sc->tasks[i].op == WB_OP_WRITEBACK && sc->tasks[i].sync)
			m->sync_writebacks |= 1u << i;
		unsigned n = a->offsets ? a->offsets(&sc->tasks[i], v) : 0;
		for (unsigned j = 0; j < n; j++)
			if (v[j] > end)
				end = v[j];
		if (a->flags & WB_ACT_FAULT)
			m->has_faults = true;
		/*
		 * Uninitialised folio bytes can reach the file only through a short copy that
		 * stops inside a page (after copying something) into a run write_begin marked
		 * uptodate without filling it (partial_zero_uptodate: the chunk covers part of
		 * the run, which needs the write's start or end inside a block), in a folio
		 * whose memory was not zeroed at allocation (init_on_alloc).  Every other path
		 * fills a block (copy, zeroing, read) before marking it uptodate, and a fault's
		 * new folio is read whole under its lock: there the bytes stay zero.
		 */
		const struct wb_task_def *td = &sc->tasks[i];
		uint64_t wend = td->offset + td->length;
		if (td->has_short_copy && td->short_copy_at > td->offset &&
		    td->short_copy_at % m->ps && (td->offset % m->bs || wend % m->bs) &&
		    cfg->partial_zero_uptodate && !cfg->init_on_alloc)
			m->uninit = true;
	}
	m->npages = (unsigned)((end + m->ps - 1) / m->ps);
	m->nblocks = m->npages * m->bpp;
	m->all_pages = wb_page_range_mask(0, m->npages - 1);
	m->gran = wb_granule(sc);
	m->gpb = m->bs / m->gran;
	m->gpp = m->ps / m->gran;
	m->ntasks = (unsigned)sc->ntasks;

	m->off_tasks = sizeof(struct wb_inode);
	m->off_ext = m->off_tasks + (size_t)m->ntasks * WB_TASK_SLOT;
	m->off_folio = wb_align8(m->off_ext + m->nblocks);
	m->off_io = m->off_folio + (size_t)m->npages * sizeof(struct folio);
	m->off_cache = m->off_io + (size_t)m->npages * sizeof(struct wb_io);
	m->off_disk = m->off_cache + (size_t)m->npages * m->gpp;
	m->off_drop = m->off_disk + (size_t)m->nblocks * m->gpb;
	/* large folios: write_folios beyond page and a folio larger than a page */
	m->lf = cfg->write_folios != WB_WF_PAGE && sc->max_folio_size > m->ps;
	m->mfb = m->bpp;
	if (m->lf) {
		m->mfb = sc->max_folio_size / m->bs;
		while ((m->ps << m->max_order) < sc->max_folio_size)
			m->max_order++;
	}
	/* a large folio has several blocks even when a page has one */
	m->pbd = cfg->per_block_dirty && (m->bpp > 1 || m->lf);
	m->zflush = cfg->zero_dirty_unwritten != WB_ZDU_SKIP;
	m->off_dirty = m->off_drop + ((size_t)m->npages * m->gpp + 7) / 8;
	m->off_dirty += m->off_dirty & 1u;
	m->off_forder = m->off_dirty + (m->pbd ? (size_t)m->npages * sizeof(uint16_t) : 0);
	m->size = wb_align8(m->off_forder + (m->lf ? m->npages : 0));
	wb_pack_init(m);
}

void *wb_world_new(const struct wb_model *m)
{
	void *w = wb_xcalloc(1, m->size);
	struct wb_inode *ino = wb_inode(w);
	uint8_t *ext = wb_ext(m, w), *disk = wb_disk(m, w);
	size_t i;

	ino->i_size = (uint32_t)m->sc->file_size;
	memset(disk, WB_GARBAGE, (size_t)m->nblocks * m->gpb);
	for (i = 0; i < m->sc->nextents; i++) {
		const struct wb_extent_def *e = &m->sc->extents[i];
		unsigned b0 = (unsigned)(e->offset / m->bs), b1 = (unsigned)((e->offset + e->length) / m->bs);
		memset(ext + b0, e->state, b1 - b0);
		if (e->state != WB_WRITTEN)
			continue;
		/*
		 * Initial data lies below i_size; a written block's bytes past EOF
		 * read as zeroes, as the kernel's EOF zeroing (writeback's tail
		 * zeroing, the write checks' iomap_zero_range) would leave them.
		 */
		for (size_t g = (size_t)b0 * m->gpb; g < (size_t)b1 * m->gpb; g++)
			disk[g] = g * m->gran < m->sc->file_size ? (uint8_t)e->data : 0;
	}
	for (i = 0; i < m->ntasks; i++)
		if (wb_actor_of(m, (unsigned)i)->init)
			wb_actor_of(m, (unsigned)i)->init(m, w, (unsigned)i);
	return w;
}

static void wb_page_remove(struct wb_model *m, void *w, unsigned page);

void wb_folio_remove(struct wb_model *m, void *w, unsigned page)
{
	unsigned head = wb_fhead(m, w, page), np = wb_fpages(m, w, page);

	/* a large folio goes whole: every page slot of it */
	for (unsigned q = head; q < head + np; q++)
		wb_page_remove(m, w, q);
}

static void wb_page_remove(struct wb_model *m, void *w, unsigned page)
{
	unsigned i;

	memset(wb_folio(m, w, page), 0, sizeof(struct folio));
	if (m->lf)
		*wb_forder_p(m, w, page) = 0;
	if (m->pbd)
		*wb_dirty(m, w, page) = 0;
	memset(wb_cache(m, w, page), 0, m->gpp);
	wb_fp(m, WB_LOC_FOLIO(m, page), WB_FP_READ | WB_FP_WRITE);
	/* what tasks held of it goes with it: fault references, TOWRITE tags */
	for (i = 0; i < m->ntasks; i++)
		if (wb_actor_of(m, i)->folio_removed)
			wb_actor_of(m, i)->folio_removed(m, w, i, page);
}

/*
 * Models: mm/truncate.c truncate_inode_pages_range() and
 * truncate_inode_partial_folio() for large folios (6.6 to 7.1): a folio wholly
 * inside goes; a folio partly inside has the overlap zeroed and is split into
 * order-0 folios, and of those the pages wholly inside go.  The split
 * (split_folio()) fails for a dirty folio, since it first releases the
 * folio's private state and iomap_release_folio() refuses a dirty folio; it
 * also fails while someone else holds a reference or the folio is locked or
 * under writeback by another task.  A folio that cannot be split stays whole,
 * zeroed over the range (truncate_inode_partial_folio() returns false, and
 * the dirty folio is kept).
 */
static void wb_truncate_pagecache_lf(struct wb_model *m, void *w, uint64_t start, uint64_t end)
{
	unsigned p = (unsigned)(start / m->ps);

	while (p < m->npages && (uint64_t)p * m->ps < end) {
		struct folio *f = wb_folio(m, w, p);
		unsigned head = wb_fhead(m, w, p), np = wb_fpages(m, w, p);
		uint64_t fs = (uint64_t)head * m->ps, fe = fs + (uint64_t)np * m->ps;
		if (!(f->flags & FOLIO_PRESENT)) {
			p++;
			continue;
		}
		if (start <= fs && end >= fe && !f->locked && !(f->flags & FOLIO_WRITEBACK)) {
			wb_folio_remove(m, w, head);
			wb_desc(m, np > 1 ? " folio of pages %u-%u removed;" : " page %u removed;",
				head, head + np - 1);
			p = head + np;
			continue;
		}
		uint64_t zs = start > fs ? start : fs, ze = end < fe ? end : fe;
		wb_folio_flags(m, w, head, 0, FOLIO_PTE_W);
		for (unsigned q = (unsigned)(zs / m->ps); (uint64_t)q * m->ps < ze; q++) {
			uint64_t qs = (uint64_t)q * m->ps, qe = qs + m->ps;
			wb_cache_zero(m, w, (uint32_t)(zs > qs ? zs : qs), (uint32_t)(ze < qe ? ze : qe),
				      "%s truncate_pagecache", wb_prov_task(m));
		}
		for (unsigned q = head; q < head + np; q++)
			wb_fp(m, WB_LOC_FOLIO(m, q), WB_FP_WRITE);
		if (np > 1)
			wb_desc(m, " [%llu,%llu) of the folio of pages %u-%u zeroed;",
				(unsigned long long)zs, (unsigned long long)ze, head, head + np - 1);
		else
			wb_desc(m, " [%llu,%llu) of page %u zeroed;", (unsigned long long)zs,
				(unsigned long long)ze, head);
		if (np > 1) {
			if (f->locked || (f->flags & (FOLIO_WRITEBACK | FOLIO_DIRTY | FOLIO_REF |
						      FOLIO_FREF_MASK))) {
				wb_desc(m, " the %s folio of pages %u-%u is not split, kept whole;",
					(f->flags & FOLIO_DIRTY) ? "dirty" : "busy", head, head + np - 1);
			} else {
				wb_folio_split(m, w, head);
				wb_desc(m, " folio of pages %u-%u split;", head, head + np - 1);
				for (unsigned q = head; q < head + np; q++) {
					uint64_t qs = (uint64_t)q * m->ps;
					if (start <= qs && end >= qs + m->ps) {
						wb_folio_remove(m, w, q);
						wb_desc(m, " page %u removed;", q);
					}
				}
			}
		}
		p = head + np;
	}
}

void wb_truncate_pagecache(struct wb_model *m, void *w, uint64_t start, uint64_t end)
{
	unsigned p;

	if (m->lf) {
		wb_truncate_pagecache_lf(m, w, start, end);
		return;
	}

	for (p = (unsigned)(start / m->ps); p < m->npages && (uint64_t)p * m->ps < end; p++) {
		struct folio *f = wb_folio(m, w, p);
		uint64_t fs = (uint64_t)p * m->ps, fe = fs + m->ps;
		if (!(f->flags & FOLIO_PRESENT))
			continue;
		if (start <= fs && end >= fe && !f->locked && !(f->flags & FOLIO_WRITEBACK)) {
			wb_folio_remove(m, w, p);
			wb_desc(m, " page %u removed;", p);
			continue;
		}
		uint64_t zs = start > fs ? start : fs, ze = end < fe ? end : fe;
		f->flags &= (uint8_t)~FOLIO_PTE_W; /* unmap_mapping_range() first */
		/* Models: mm/truncate.c truncate_inode_partial_folio() (6.1, 6.2) */
		wb_cache_zero(m, w, (uint32_t)zs, (uint32_t)ze, "%s truncate_pagecache",
			      wb_prov_task(m));
		wb_fp(m, WB_LOC_FOLIO(m, p), WB_FP_WRITE);
		wb_desc(m, " [%llu,%llu) of page %u zeroed;", (unsigned long long)zs,
			(unsigned long long)ze, p);
	}
}

unsigned wb_cache_zero(struct wb_model *m, void *w, uint32_t zs, uint32_t ze, const char *fmt, ...)
{
	unsigned page = zs / m->ps, changed = 0;
	uint8_t *c = wb_cache(m, w, page);
	uint32_t g0 = (zs % m->ps) / m->gran, g1 = g0 + (ze - zs) / m->gran, o;

	if (zs >= ze)
		return 0;
	for (uint32_t g = g0; g < g1; g++) {
		changed += c[g] != 0;
		c[g] = 0;
	}
	if (m->prov) {
		char what[160];
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(what, sizeof(what), fmt, ap);
		va_end(ap);
		o = wb_origin_new(m, "%s zeroed [%u,%u) of page %u", what, zs, ze, page);
		for (uint32_t g = g0; g < g1; g++)
			m->prov->cache[(size_t)page * m->gpp + g] = o;
	}
	return changed;
}

void wb_zero_past_eof(struct wb_model *m, void *w, unsigned page)
{
	uint32_t i_size = wb_inode(w)->i_size, fs = page * m->ps, fe = fs + m->ps;

	if (m->lf && wb_fpages(m, w, page) > 1) {
		/* a large folio: [i_size, folio end), a page at a time */
		fs = wb_fhead(m, w, page) * m->ps;
		fe = fs + wb_fpages(m, w, page) * m->ps;
		if (i_size <= fs || i_size >= fe)
			return;
		unsigned changed = 0;
		for (uint32_t q = i_size / m->ps * m->ps; q < fe; q += m->ps)
			changed += wb_cache_zero(m, w, q > i_size ? q : i_size, q + m->ps,
						 "%s writeback (past EOF %u)", wb_prov_task(m), i_size);
		if (changed)
			wb_desc(m, "; [%u,%u) past EOF zeroed", i_size, fe);
		return;
	}

	/* a folio wholly past EOF is the truncate's to remove; the model's are gone */
	if (i_size <= fs || i_size >= fe)
		return;
	if (wb_cache_zero(m, w, i_size, fe, "%s writeback (past EOF %u)", wb_prov_task(m),
			  i_size))
		wb_desc(m, "; [%u,%u) past EOF zeroed", i_size, fe);
}

bool wb_isize_extended_applies(const struct wb_model *m, uint32_t from, uint32_t to)
{
	uint32_t rounded = (from + m->bs - 1) / m->bs * m->bs;

	return m->bs < m->ps && to > rounded && rounded % m->ps;
}

/*
 * Models: mm/truncate.c pagecache_isize_extended() (6.1, 6.3): when i_size
 * grows past a page whose blocks beyond the old EOF are not backed, that page
 * is write-protected so that the next store faults and reserves them.  With
 * isize_extended_zero (6.13, 52aecaee1c26 "mm: zero range of eof folio
 * exposed by inode size extension"), a dirty folio also has [from, min(to,
 * folio end)) zeroed (folio_zero_segment()), under its lock: the caller
 * makes sure no other task holds it (the truncate's and fallocate's
 * isize_extended step waits for it; a write's is folded into its write_end).
 */
void wb_isize_extended(struct wb_model *m, void *w, uint32_t from, uint32_t to)
{
	unsigned page = from / m->ps;
	uint32_t fe = (page + 1) * m->ps;
	struct folio *f;

	if (!wb_isize_extended_applies(m, from, to))
		return;
	/* a large folio: zeroed up to its end (folio_zero_segment() to folio_size) */
	if (m->lf)
		fe = (wb_fhead(m, w, page) + wb_fpages(m, w, page)) * m->ps;
	f = wb_folio(m, w, page);
	/* folio_mkclean(): every page of the folio (large folios: any may be mapped writable) */
	if (wb_folio_pte_w(m, w, page)) {
		wb_folio_flags(m, w, page, 0, FOLIO_PTE_W);
		wb_fp(m, WB_LOC_FOLIO(m, page), WB_FP_WRITE);
		wb_desc(m, "; page %u write-protected (i_size extended)", page);
	}
	if (m->cfg.isize_extended_zero && (f->flags & FOLIO_PRESENT) && (f->flags & FOLIO_DIRTY)) {
		uint32_t ze = to < fe ? to : fe;
		wb_fp(m, WB_LOC_FOLIO(m, page), WB_FP_READ | WB_FP_WRITE);
		if (wb_cache_zero(m, w, from, ze, "%s pagecache_isize_extended (%u->%u)",
				  wb_prov_task(m), from, to))
			wb_desc(m, "; [%u,%u) of dirty page %u zeroed (i_size extended)", from, ze,
				page);
	}
}

bool wb_range_quiet(const struct wb_model *m, const void *w, uint64_t start, uint64_t end,
		    bool writeback_too)
{
	unsigned p;

	for (p = (unsigned)(start / m->ps); p < m->npages && (uint64_t)p * m->ps < end; p++) {
		const struct folio *f = wb_folio(m, WBC(w), p);
		if (!(f->flags & FOLIO_PRESENT))
			continue;
		if (f->locked || (writeback_too && (f->flags & FOLIO_WRITEBACK)))
			return false;
	}
	return true;
}

void wb_order_append(void *w, unsigned t)
{
	struct wb_inode *ino = wb_inode(w);

	ino->order[ino->norder++] = (uint8_t)t;
}

bool wb_task_after_done(const struct wb_model *m, const void *w, unsigned t)
{
	uint32_t after = m->sc->tasks[t].after;
	unsigned i;

	for (i = 0; after; i++, after >>= 1)
		if ((after & 1) && !wb_task_finished(m, w, i))
			return false;
	return true;
}


/* ---- large folios (m->lf; see world.h) ---- */

void wb_folio_fref(struct wb_model *m, void *w, unsigned page, int delta)
{
	unsigned head = wb_fhead(m, w, page), np = wb_fpages(m, w, page);

	for (unsigned q = head; q < head + np; q++) {
		struct folio *f = wb_folio(m, w, q);
		f->flags = (uint8_t)(f->flags + delta * FOLIO_FREF_ONE);
	}
}

bool wb_folio_pte_w(const struct wb_model *m, const void *w, unsigned page)
{
	unsigned head = wb_fhead(m, w, page), np = wb_fpages(m, w, page);

	for (unsigned q = head; q < head + np; q++)
		if (wb_folio(m, WBC(w), q)->flags & FOLIO_PTE_W)
			return true;
	return false;
}

void wb_folio_flags(struct wb_model *m, void *w, unsigned page, uint8_t set, uint8_t clear)
{
	unsigned head = wb_fhead(m, w, page), np = wb_fpages(m, w, page);

	for (unsigned q = head; q < head + np; q++) {
		struct folio *f = wb_folio(m, w, q);
		f->flags = (uint8_t)((f->flags & ~clear) | set);
	}
}

static uint16_t wb_folio_bits(const struct wb_model *m, const void *w, unsigned page, bool dirty)
{
	void *cw = WBC(w);
	unsigned head = wb_fhead(m, w, page), np = wb_fpages(m, w, page);
	uint32_t mask = 0;

	for (unsigned j = 0; j < np; j++) {
		uint16_t v = dirty ? (m->pbd ? *wb_dirty(m, cw, head + j) : 0)
				   : wb_folio(m, cw, head + j)->uptodate;
		mask |= (uint32_t)v << (j * m->bpp);
	}
	return (uint16_t)mask;
}

uint16_t wb_folio_uptodate(const struct wb_model *m, const void *w, unsigned page)
{
	return wb_folio_bits(m, w, page, false);
}

uint16_t wb_folio_dirty(const struct wb_model *m, const void *w, unsigned page)
{
	return wb_folio_bits(m, w, page, true);
}

bool wb_folio_full(const struct wb_model *m, const void *w, unsigned page)
{
	unsigned nb = wb_fpages(m, w, page) * m->bpp;

	return wb_folio_uptodate(m, w, page) == (uint16_t)((1u << nb) - 1);
}

void wb_block_set_uptodate(struct wb_model *m, void *w, unsigned b)
{
	wb_folio(m, w, b / m->bpp)->uptodate |= (uint16_t)(1u << (b % m->bpp));
}

void wb_block_set_dirty(struct wb_model *m, void *w, unsigned b)
{
	if (m->pbd)
		*wb_dirty(m, w, b / m->bpp) |= (uint16_t)(1u << (b % m->bpp));
}

bool wb_block_uptodate(const struct wb_model *m, const void *w, unsigned b)
{
	return wb_folio(m, WBC(w), b / m->bpp)->uptodate & (1u << (b % m->bpp));
}

unsigned wb_new_folio_order(const struct wb_model *m, const void *w, unsigned index, uint32_t len)
{
	unsigned order = 0;

	if (!m->lf)
		return 0;
	/* fgf_set_order(len): floor(log2(len)) - PAGE_SHIFT, 0 for a page or less */
	if (len > m->ps)
		while (((uint64_t)m->ps << (order + 1)) <= len)
			order++;
	/* __filemap_get_folio(): clamped to the mapping's largest order */
	if (order > m->max_order)
		order = m->max_order;
	/* not aligned: the index's lowest set bit (__ffs(index)) */
	if (index & ((1u << order) - 1u))
		order = (unsigned)__builtin_ctz(index);
	/*
	 * The allocation loop: order 1 becomes 0 up to 6.8 (large_no_order1);
	 * filemap_add_folio() fails (-EEXIST) where any page of the range is
	 * cached, and the loop tries one order lower, down to 0.
	 */
	for (;;) {
		if (order == 1 && m->cfg.write_folios == WB_WF_LARGE_NO_ORDER1)
			order = 0;
		bool busy = false;
		for (unsigned q = index; q < index + (1u << order); q++)
			busy |= q >= m->npages || (wb_folio(m, WBC(w), q)->flags & FOLIO_PRESENT);
		if (!busy || order == 0)
			return order;
		order--;
	}
}

void wb_folio_split(struct wb_model *m, void *w, unsigned page)
{
	unsigned head = wb_fhead(m, w, page), np = wb_fpages(m, w, page);

	/* every slot already holds the folio's flags, lock and its own per-block bits */
	for (unsigned q = head; q < head + np; q++) {
		*wb_forder_p(m, w, q) = 0;
		wb_fp(m, WB_LOC_FOLIO(m, q), WB_FP_WRITE);
	}
}

void wb_folio_order_text(const struct wb_model *m, const void *w, unsigned page, char *buf,
			 size_t n)
{
	unsigned k = wb_forder(m, w, page), head = wb_fhead(m, w, page);

	if (!k)
		snprintf(buf, n, "%s", "");
	else
		snprintf(buf, n, "order %u, pages %u-%u", k, head, head + (1u << k) - 1u);
}

/* ---- invariants ---- */

#define FAIL(...)                                                                                  \
	do {                                                                                       \
		snprintf(msg, n, __VA_ARGS__);                                                     \
		return -1;                                                                         \
	} while (0)

int wb_world_check(const struct wb_model *m, const void *w, char *msg, size_t n)
{
	void *cw = WBC(w);
	const struct wb_inode *ino = wb_inode(cw);
	unsigned p, t, i, j, refs = 0;

	for (i = 0; i < ino->norder; i++)
		for (j = i + 1; j < ino->norder; j++)
			if (ino->order[i] == ino->order[j])
				FAIL("i_rwsem order lists task %u twice", ino->order[i]);
	for (p = 0; p < m->npages; p++) {
		const struct folio *f = wb_folio(m, cw, p);
		const struct wb_io *io = wb_io(m, cw, p);
		uint16_t dirty = m->pbd ? *wb_dirty(m, cw, p) : 0;
		if (!(f->flags & FOLIO_PRESENT)) {
			if (f->flags || f->locked || f->uptodate || dirty ||
			    (m->lf && *wb_forder_p(m, cw, p)))
				FAIL("page %u: absent folio with state", p);
			if (io->phase)
				FAIL("page %u: IO in flight on an absent folio", p);
			continue;
		}
		/* that the owner holds it by its program counter is wb_check_step's */
		if (f->locked && f->locked - 1u >= m->ntasks)
			FAIL("page %u: locked by unknown task %u", p, f->locked - 1u);
		unsigned head = wb_fhead(m, cw, p), np = wb_fpages(m, cw, p);
		if (m->lf) {
			/* a large folio: aligned, inside the file, the same state in every slot */
			const struct folio *h = wb_folio(m, cw, head);
			if (wb_forder(m, cw, p) > m->max_order || head + np > m->npages)
				FAIL("page %u: folio of order %u past the limits", p,
				     wb_forder(m, cw, p));
			/* the PTE bit is the page's own (world.h) */
			if (wb_forder(m, cw, head) != wb_forder(m, cw, p) ||
			    ((h->flags ^ f->flags) & (uint8_t)~FOLIO_PTE_W) || h->locked != f->locked)
				FAIL("page %u: differs from its folio's head page %u", p, head);
			if (p != head && io->phase)
				FAIL("page %u: an IO on a tail page of the folio at page %u", p, head);
		}
		if ((f->flags & FOLIO_REF) && p == head)
			refs++;
		/*
		 * With writeback_map=per_range (6.9 on) a pass sets the flag before
		 * it maps the folio's blocks, so it may be set without an IO while
		 * a writeback task holds the folio's lock (its holds check says at
		 * which steps).
		 */
		if (p == head && !!(f->flags & FOLIO_WRITEBACK) != !!io->phase &&
		    !(m->cfg.writeback_map == WB_WBM_PER_RANGE && !io->phase && f->locked &&
		      wb_task_is(m, f->locked - 1u, WB_ACT_IO)))
			FAIL("page %u: writeback flag without exactly one IO in flight", p);
		if (io->unwritten & ~io->blocks)
			FAIL("page %u: IO mapped UNWRITTEN over blocks it does not write", p);
		if (io->blocks & ~(uint32_t)((1u << (np * m->bpp)) - 1u))
			FAIL("page %u: IO over blocks past its folio", p);
		for (i = 0; i < np * m->bpp; i++)
			if ((io->unwritten & (1u << i)) && wb_ext(m, cw)[p * m->bpp + i] == WB_WRITTEN)
				FAIL("page %u: IO's UNWRITTEN bit over WRITTEN block %u (not canonical)",
				     p, p * m->bpp + i);
		if (f->uptodate & ~((1u << m->bpp) - 1))
			FAIL("page %u: uptodate bits past the folio", p);
		if (dirty & ~f->uptodate)
			FAIL("page %u: dirty blocks that are not uptodate", p);
		if (m->lf)
			dirty = p == head ? wb_folio_dirty(m, cw, p) : !!(f->flags & FOLIO_DIRTY);
		if (m->pbd && !dirty != !(f->flags & FOLIO_DIRTY))
			FAIL("page %u: the folio is %s but %s of its blocks is dirty", p,
			     (f->flags & FOLIO_DIRTY) ? "dirty" : "clean", dirty ? "one" : "none");
	}
	if (refs > 1)
		FAIL("%u folios referenced by writers; only one writer runs at a time", refs);
	if (ino->rwsem_owner) {
		t = ino->rwsem_owner - 1u;
		if (t >= m->ntasks || !wb_task_is(m, t, WB_ACT_RWSEM))
			FAIL("i_rwsem held by a task that does not take it");
	}
	if (ino->rwsem_owner && ino->rwsem_shared)
		FAIL("i_rwsem held exclusive and shared at once");
	if (ino->inval_excl && ino->inval_shared)
		FAIL("invalidate_lock held exclusive and shared at once");
	return 0;
}

/* ---- text ---- */

void wb_bytes_text(const uint8_t *sym, size_t n, unsigned gran, char *buf, size_t len)
{
	size_t i = 0, used = 0;

	buf[0] = 0;
	while (i < n) {
		size_t j = i;
		while (j < n && sym[j] == sym[i])
			j++;
		int k = snprintf(buf + used, len - used, "%s%c*%zu", used ? " " : "",
				 sym[i] ? sym[i] : '0', (j - i) * gran);
		if (k < 0 || (size_t)k >= len - used)
			return;
		used += (size_t)k;
		i = j;
	}
}

void wb_desc_append(struct wb_model *m, const char *fmt, ...)
{
	va_list ap;

	if (!m->desc || m->desc_len == 0)
		return;
	size_t used = strlen(m->desc);
	if (used + 1 >= m->desc_len)
		return;
	va_start(ap, fmt);
	vsnprintf(m->desc + used, m->desc_len - used, fmt, ap);
	va_end(ap);
}

void wb_prov_init(struct wb_prov *p, const struct wb_model *m)
{
	memset(p, 0, sizeof(*p));
	p->cache = wb_xcalloc((size_t)m->npages * m->gpp, sizeof(uint32_t));
	p->disk = wb_xcalloc((size_t)m->nblocks * m->gpb, sizeof(uint32_t));
	p->cap = 16;
	p->origins = wb_xcalloc(p->cap, sizeof(*p->origins));
	/* origin 0: initial contents; origin 1: never-written disk garbage */
	snprintf(p->origins[0].what, sizeof(p->origins[0].what), "the initial file contents");
	snprintf(p->origins[1].what, sizeof(p->origins[1].what),
		 "never-written disk blocks (garbage)");
	p->norigins = 2;
	p->task = (int)m->ntasks; /* no step yet */
	for (size_t b = 0; b < m->nblocks; b++) {
		bool written = false;
		for (size_t i = 0; i < m->sc->nextents; i++) {
			const struct wb_extent_def *e = &m->sc->extents[i];
			if (e->state == WB_WRITTEN && b * m->bs >= e->offset &&
			    b * m->bs < e->offset + e->length)
				written = true;
		}
		for (size_t g = 0; g < m->gpb; g++)
			p->disk[b * m->gpb + g] = written ? 0 : 1;
	}
}

const char *wb_prov_task(const struct wb_model *m)
{
	if (!m->prov || m->prov->task >= (int)m->ntasks)
		return "?";
	return m->prov->task < 0 ? "IO" : m->sc->tasks[m->prov->task].name;
}

void wb_prov_new_folio(struct wb_model *m, unsigned page)
{
	uint32_t o;

	if (!m->prov)
		return;
	o = wb_origin_new(m, "a new folio of page %u, created by %s (bytes never read, zeroed "
			     "or written since)", page, wb_prov_task(m));
	for (size_t g = 0; g < m->gpp; g++)
		m->prov->cache[(size_t)page * m->gpp + g] = o;
}

void wb_prov_free(struct wb_prov *p)
{
	free(p->cache);
	free(p->disk);
	free(p->origins);
	for (size_t i = 0; i < p->nwarnings; i++)
		free(p->warnings[i]);
	free(p->warnings);
	memset(p, 0, sizeof(*p));
}

uint32_t wb_origin_new(struct wb_model *m, const char *fmt, ...)
{
	struct wb_prov *p = m->prov;
	va_list ap;

	if (!p)
		return 0;
	if (p->norigins == p->cap) {
		p->cap *= 2;
		p->origins = wb_xrealloc(p->origins, p->cap * sizeof(*p->origins));
	}
	struct wb_origin *o = &p->origins[p->norigins];
	o->step = p->step;
	va_start(ap, fmt);
	vsnprintf(o->what, sizeof(o->what), fmt, ap);
	va_end(ap);
	return (uint32_t)p->norigins++;
}

void wb_warn(struct wb_model *m, const char *fmt, ...)
{
	struct wb_prov *p = m->prov;
	char buf[512];
	va_list ap;

	if (!p)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	p->warnings = wb_xgrow(p->warnings, p->nwarnings, sizeof(char *));
	p->warnings[p->nwarnings++] = wb_xstrdup(buf);
}

void wb_fp(struct wb_model *m, unsigned loc, unsigned kind)
{
	struct wb_footprint *fp = m->fp;

	if (!fp)
		return;
	for (unsigned i = 0; i < fp->n; i++) {
		if (fp->v[i].loc == loc) {
			fp->v[i].kind |= (uint8_t)kind;
			return;
		}
	}
	if (fp->n < WB_MAX_FP) {
		fp->v[fp->n].loc = (uint16_t)loc;
		fp->v[fp->n++].kind = (uint8_t)kind;
	}
}

void wb_fp_blocks(struct wb_model *m, unsigned b0, unsigned b1, bool disk, unsigned kind)
{
	if (!m->fp)
		return;
	for (unsigned b = b0; b < b1 && b < m->nblocks; b++)
		wb_fp(m, disk ? WB_LOC_DISK(m, b) : WB_LOC_EXT(m, b), kind);
}

void wb_loc_name(const struct wb_model *m, unsigned loc, char *buf, size_t n)
{
	if (loc == WB_LOC_RWSEM)
		snprintf(buf, n, "i_rwsem");
	else if (loc == WB_LOC_SEQ)
		snprintf(buf, n, "seq");
	else if (loc < WB_LOC_EXT(m, 0))
		snprintf(buf, n, "folio %u", loc - WB_LOC_FOLIO(m, 0));
	else if (loc < WB_LOC_DISK(m, 0))
		snprintf(buf, n, "block %u", loc - WB_LOC_EXT(m, 0));
	else if (loc < WB_LOC_INVAL(m))
		snprintf(buf, n, "disk %u", loc - WB_LOC_DISK(m, 0));
	else
		snprintf(buf, n, "invalidate_lock");
}
