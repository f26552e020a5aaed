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
#include <inttypes.h>
#include <string.h>

#include "model/actor.h"
#include "model/scenario_check.h"
#include "model/por.h"
#include "model/writeback.h"

/* The folios it may evict now: present, unlocked, clean, not under writeback, unreferenced. */
static uint64_t wb_reclaim_candidates(const struct wb_model *m, const void *w, unsigned t)
{
	void *cw = WBC(w);
	uint64_t allowed = m->sc->tasks[t].pages & m->all_pages, out = 0;
	unsigned p;

	if (wb_task(m, cw, t)->r.pc)
		return 0;
	for (p = 0; p < m->npages; p++) {
		const struct folio *f = wb_folio(m, cw, p);
		/* a large folio goes whole: it is named by its head page (wb_evict) */
		if (!(allowed & (1ull << p)) || wb_fhead(m, cw, p) != p)
			continue;
		if ((f->flags & FOLIO_PRESENT) && !f->locked &&
		    !(f->flags & (FOLIO_DIRTY | FOLIO_WRITEBACK | FOLIO_REF | FOLIO_FREF_MASK)))
			out |= 1ull << p;
	}
	return out;
}

/* Models: mm/vmscan.c __remove_mapping() of one folio (6.1, 6.3). */
static void wb_evict(struct wb_model *m, void *w, unsigned t, unsigned page)
{
	struct wb_reclaim *r = &wb_task(m, w, t)->r;
	unsigned np = wb_fpages(m, w, page);

	wb_folio_remove(m, w, page);
	r->evicted++;
	m->events |= WB_EV_EVICTION;
	if (np > 1)
		wb_desc(m, "folio of pages %u-%u evicted (%u of %u)", page, page + np - 1,
			r->evicted, m->sc->tasks[t].evictions);
	else
		wb_desc(m, "page %u evicted (%u of %u)", page, r->evicted,
			m->sc->tasks[t].evictions);
	if (r->evicted >= m->sc->tasks[t].evictions) {
		r->evicted = 0; /* canonical: a finished task has no locals */
		r->pc = 1;
		wb_desc(m, "; %s finished", m->sc->tasks[t].name);
	}
}

/* ---- the scenario loader: the task's own members ---- */

static const char *const reclaim_keys[] = { "name", "op", "evictions", "pages", "after", NULL };

static void load_reclaim(struct sc_ctx *c, json_t *t, struct wb_task_def *d, size_t i)
{
	json_t *pages = sc_get_array(c, t, "pages");
	size_t first[64], mark, plen;
	uint64_t v;

	(void)i;
	d->evictions = 1;
	if (sc_get_int(c, t, "evictions", false, 1, WB_MAX_EVICTIONS, &v) == SC_OK)
		d->evictions = (unsigned)v;
	d->pages = ~0ull;
	if (!pages)
		return;
	mark = wb_json_ptr_key(&c->p, "pages");
	plen = c->p.len;
	d->pages = 0;
	if (json_array_size(pages) == 0)
		sc_err(c, "must not be empty (leave \"pages\" out to allow every page)");
	for (size_t k = 0; k < json_array_size(pages) && !sc_stop(c); k++) {
		size_t m = wb_json_ptr_index(&c->p, k);

		/* Out-of-range indexes are reported once the world's size is known. */
		if (sc_int_value(c, json_array_get(pages, k), 0, SC_MAX_INT, &v) == SC_OK && v < 64) {
			if (d->pages & (1ull << v)) {
				sc_err(c, "page %" PRIu64 " is listed twice (first at %.*s/%zu)", v,
				       (int)plen, c->p.s, first[v]);
			} else {
				d->pages |= 1ull << v;
				first[v] = k;
			}
		}
		wb_json_ptr_pop(&c->p, m);
	}
	wb_json_ptr_pop(&c->p, mark);
}

/* The pages listed, now that the world's size is known. */
static void load_reclaim_pages(struct sc_ctx *c, json_t *t)
{
	json_t *pages = json_object_get(t, "pages");
	size_t m;

	if (!json_is_array(pages))
		return;
	m = wb_json_ptr_key(&c->p, "pages");
	for (size_t k = 0; k < json_array_size(pages) && !sc_stop(c); k++) {
		size_t mk = wb_json_ptr_index(&c->p, k);

		sc_check_page_index(c, json_array_get(pages, k));
		wb_json_ptr_pop(&c->p, mk);
	}
	wb_json_ptr_pop(&c->p, m);
}


/* ---- the actor ---- */

static bool wb_reclaim_enabled(const struct wb_model *m, const void *w, unsigned t, char *why,
			       size_t n)
{
	if (wb_reclaim_candidates(m, w, t))
		return true;
	WB_WHY(why, n, "waits for a folio it may evict (present, unlocked, clean, "
			 "not under writeback, unreferenced)");
	return false;
}

static void wb_reclaim_pack_fields(const struct wb_model *m, unsigned t, struct wb_pack_fields *pf)
{
	WB_PACK(pf, m, t, struct wb_reclaim, pc, 1, 1);
	WB_PACK(pf, m, t, struct wb_reclaim, evicted, wb_bits_for(m->sc->tasks[t].evictions), 1);
}

static void wb_reclaim_describe(const struct wb_model *m, const void *w, unsigned t, FILE *out)
{
	fprintf(out, "%u of %u evictions done", wb_task(m, WBC(w), t)->r.evicted,
		m->sc->tasks[t].evictions);
}

static void wb_reclaim_summary(const struct wb_model *m, unsigned t, char *buf, size_t n)
{
	const struct wb_task_def *td = &m->sc->tasks[t];
	char pages[256] = "";
	size_t len = 0;

	if ((td->pages & m->all_pages) != m->all_pages)
		for (unsigned p = 0; p < m->npages && len + 8 < sizeof(pages); p++)
			if (td->pages & (1ull << p))
				len += (size_t)snprintf(pages + len, sizeof(pages) - len, "%s%u",
							len ? "," : " of page ", p);
	snprintf(buf, n, "reclaim: %u eviction%s%s", td->evictions, td->evictions == 1 ? "" : "s",
		 pages);
}


/*
 * Partial-order reduction (model/por.h): which folios it may evict, and their
 * removal.  Each eviction reads only its own folio: whether it is present,
 * unlocked, unreferenced, clean and not under writeback.  So the eviction of
 * a folio locked or referenced by a writer waits for that writer's step, and
 * of a folio under writeback for the IO's completion: those parts of the
 * future are gated; so is the eviction of a folio that must first be cleaned
 * (or removed and brought in again) or brought in, by one of the tasks that
 * may still do so.  The removal clears a sync writeback's TOWRITE tag on it
 * (DIRTY), which a clean folio can still have when its pass wrote nothing.
 */
static void wb_reclaim_por(const struct wb_model *m, const void *w, unsigned t,
			   struct sim_por_actor *a)
{
	uint64_t allowed = m->sc->tasks[t].pages & m->all_pages;
	uint64_t cand = wb_reclaim_candidates(m, w, t);
	bool tags = wb_sync_writeback_left(m, w);
	uint64_t towrite;

	if (wb_task(m, WBC(w), t)->r.pc)
		return;
	towrite = wb_towrite_pages(m, w);
	for (unsigned p = 0; p < m->npages; p++) {
		if (!(allowed & (1ull << p)))
			continue;
		bool tagged = (towrite >> p) & 1u, c = (cand >> p) & 1u;
		/* FOLIO and DIRTY read, written with DATA by an eviction (DIRTY: a tag) */
		wb_fp_page(&a->now, p, WB_KM_FLAGS,
			   c ? WB_KM_FOLIO | WB_KM_DATA | (tagged ? WB_KM_DIRTY : 0) : 0);
		/*
		 * A dirty folio must first be cleaned or removed (and a new one
		 * brought in), an absent one brought in: by whom may still.
		 */
		const struct folio *f = wb_folio(m, WBC(w), p);
		enum wb_any_gate any = !(f->flags & FOLIO_PRESENT) ? WB_ANY_DIRTIER
				       : (f->flags & FOLIO_DIRTY)  ? WB_ANY_CLEANER
								   : WB_ANY_NONE;
		struct wb_gates gates;
		wb_por_gates(m, w, p, t, true, any, &gates);
		struct sim_fp *evict = wb_por_part_of(a, &gates, true);
		wb_fp_page(evict, p, WB_KM_FLAGS,
			   WB_KM_FOLIO | WB_KM_DATA | (tags || tagged ? WB_KM_DIRTY : 0));
	}
}

static const struct wb_step_def wb_reclaim_steps[] = {
	{ 0, "evict", "__remove_mapping" },
};

/* Reclaim evicts what it can: left unfinished at the end is no deadlock. */
const struct wb_actor wb_actor_reclaim = {
	.name = "reclaim",
	.article = "a",
	.keys = reclaim_keys,
	.load = load_reclaim,
	.load_pages = load_reclaim_pages,
	.flags = WB_ACT_OPTIONAL | WB_ACT_EVICTS,
	.steps = wb_reclaim_steps,
	.nsteps = 1,
	.npc = 2,
	.done_pc = 1,
	.enabled = wb_reclaim_enabled,
	.choices = wb_reclaim_candidates,
	.apply = wb_evict,
	.pack_fields = wb_reclaim_pack_fields,
	.describe = wb_reclaim_describe,
	.summary = wb_reclaim_summary,
	.por = wb_reclaim_por,
	.may_dirty = wb_never_dirties,
	.may_clean = wb_never_dirties,
};
