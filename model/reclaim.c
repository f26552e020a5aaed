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
		    !(f->flags & (FOLIO_DIRTY | FOLIO_WRITEBACK | FOLIO_REF | FOLIO_FREF_MASK)))
			out |= 1ull << p;
	}
	return out;
}

/* Models: mm/vmscan.c __remove_mapping() of one folio (6.1, 6.3). */
void wb_evict(struct wb_model *m, void *w, unsigned t, unsigned page)
{
	struct wb_reclaim *r = &wb_task(m, w, t)->r;

	wb_folio_remove(m, w, page);
	r->evicted++;
	m->events |= WB_EV_EVICTION;
	wb_desc(m, "page %u evicted (%u of %u)", page, r->evicted, m->sc->tasks[t].evictions);
	if (r->evicted >= m->sc->tasks[t].evictions) {
		r->evicted = 0; /* canonical: a finished task has no locals */
		r->pc = 1;
		wb_desc(m, "; %s finished", m->sc->tasks[t].name);
	}
}
