/* SPDX-License-Identifier: MIT */
/*
 * reclaim.c - eviction of a clean folio from the page cache.
 *
 * Models mm/vmscan.c shrink_folio_list() -> __remove_mapping() with
 * fs/iomap/buffered-io.c iomap_release_folio() (6.1, 6.3), and equally
 * fadvise(DONTNEED)/drop_caches through mm/truncate.c
 * invalidate_mapping_pages(): a folio goes only if it is unlocked (trylock),
 * clean, not under writeback and unreferenced.  XFS has no ->writepage, so
 * reclaim never cleans a dirty folio itself.  Which folio goes, among several,
 * is the engine's choice.
 */
#include "model/reclaim.h"

#include <string.h>

uint64_t wb_reclaim_candidates(const struct wb_model *m, const void *w, unsigned t)
{
	void *cw = WBC(w);
	uint64_t allowed = m->sc->tasks[t].pages & m->all_pages, out = 0;
	unsigned p;

	if (wb_task(m, cw, t)->r.pc)
		return 0;
	for (p = 0; p < m->npages; p++) {
		const struct folio *f = wb_folio(m, cw, p);
		if (!(allowed & (1ull << p)))
			continue;
		if ((f->flags & FOLIO_PRESENT) && !f->locked &&
		    !(f->flags & (FOLIO_DIRTY | FOLIO_WRITEBACK | FOLIO_REF)))
			out |= 1ull << p;
	}
	return out;
}

/* Models: mm/vmscan.c __remove_mapping() of one folio (6.1, 6.3). */
void wb_evict(struct wb_model *m, void *w, unsigned t, unsigned page)
{
	struct wb_reclaim *r = &wb_task(m, w, t)->r;
	unsigned i;

	memset(wb_folio(m, w, page), 0, sizeof(struct folio));
	wb_fp(m, WB_LOC_FOLIO(m, page), WB_FP_READ | WB_FP_WRITE);
	memset(wb_cache(m, w, page), 0, m->gpp);
	/* the folio is gone, and with it any TOWRITE tag a sync pass had on it */
	for (i = 0; i < m->ntasks; i++) {
		struct wb_writeback *b = &wb_task(m, w, i)->b;
		if (m->sc->tasks[i].op == WB_OP_WRITEBACK && m->sc->tasks[i].sync) {
			uint64_t s = ((uint64_t)b->snap_hi << 32 | b->snap_lo) & ~(1ull << page);
			b->snap_lo = (uint32_t)s;
			b->snap_hi = (uint32_t)(s >> 32);
		}
	}
	r->evicted++;
	m->events |= WB_EV_EVICTION;
	wb_desc(m, "page %u evicted (%u of %u)", page, r->evicted, m->sc->tasks[t].evictions);
	if (r->evicted >= m->sc->tasks[t].evictions) {
		r->evicted = 0; /* canonical: a finished task has no locals */
		r->pc = 1;
		wb_desc(m, "; %s finished", m->sc->tasks[t].name);
	}
}
