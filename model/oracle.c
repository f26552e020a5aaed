/* SPDX-License-Identifier: MIT */
/*
 * oracle.c - is the file right at the end?
 *
 * An execution ends when no step is enabled.  The oracle then makes the state
 * quiescent by the actors' own rules (complete every IO in flight, write back
 * every dirty folio, drop the page cache), reads the file back through the
 * extent map (HOLE, DELALLOC and UNWRITTEN read as zeroes) and compares it
 * with the initial contents with every write applied in the order the writers
 * took i_rwsem.  Any difference is corruption: bytes lost, or bytes exposed
 * (uninitialised folio memory, never written by anyone, read back from the file).
 *
 * With per_block_dirty (6.6 on, folios of several blocks) writeback writes
 * dirty blocks only, so an uptodate but clean block can hold bytes that never
 * reach the disk (a short copy's tail, a zeroed run whose copy was rejected):
 * read() returns them from the page cache while the folio stays cached.  The
 * oracle then also reads the file through the page cache after the flush
 * (uptodate blocks of cached folios from the cache, the rest from disk) and
 * compares that view too.  Without per_block_dirty it does not: see
 * docs/kernel-map.md ("The oracle's two views").
 */
#include "model/oracle.h"

#include <stdlib.h>
#include <string.h>

#include "model/actor.h"
#include "model/writeback.h"
#include "sim/xmalloc.h"

/* Never a contents symbol: marks the granule wb_expected_probe() watches. */
#define WB_PROBE 0xffu

/*
 * The expected contents of every granule of the world's pages (malloc'd): the
 * initial contents, then each ordered task's effect in the order they
 * happened.  With who != NULL, *who is the position in that order of the last
 * task whose effect covers granule `probe` (-1: none, the initial contents).
 */
static uint8_t *wb_expected_probe(const struct wb_model *m, const void *w, size_t probe, int *who)
{
	const struct wb_inode *ino = wb_inode(WBC(w));
	const struct wb_scenario *sc = m->sc;
	size_t i, g, all = (size_t)m->npages * m->gpp;
	uint8_t *e = wb_xcalloc(all + 1, 1);

	for (i = 0; i < sc->nextents; i++) {
		const struct wb_extent_def *ext = &sc->extents[i];
		if (ext->state != WB_WRITTEN)
			continue;
		for (g = ext->offset / m->gran; g < (ext->offset + ext->length) / m->gran; g++)
			if (g < all && g * m->gran < sc->file_size)
				e[g] = (uint8_t)ext->data;
	}
	if (who)
		*who = -1;
	/* writes, mmap stores, punches and truncates, in the order they happened */
	for (i = 0; i < ino->norder; i++) {
		uint8_t saved = e[probe];
		if (who)
			e[probe] = WB_PROBE;
		wb_actor_of(m, ino->order[i])->expected(m, w, ino->order[i], e, all);
		if (!who)
			continue;
		if (e[probe] != WB_PROBE)
			*who = (int)i;
		else
			e[probe] = saved;
	}
	return e;
}

void wb_expected(const struct wb_model *m, const void *w, uint8_t *out, size_t ngran)
{
	size_t all = (size_t)m->npages * m->gpp;
	uint8_t *e = wb_expected_probe(m, w, 0, NULL);

	memset(out, 0, ngran);
	memcpy(out, e, ngran < all ? ngran : all);
	free(e);
}

static enum sim_verdict wb_deadlock(const struct wb_model *m, const void *w, struct wb_report *rep)
{
	size_t used = 0;
	unsigned t;
	bool stuck = false;

	for (t = 0; t < m->ntasks; t++) {
		char why[160];
		if (wb_task_is(m, t, WB_ACT_OPTIONAL) || wb_task_finished(m, w, t))
			continue;
		stuck = true;
		if (!rep)
			break;
		why[0] = 0;
		wb_sim_ops.actor_status(WBC(m), w, m->sc->tasks[t].name, why, sizeof(why));
		int k = snprintf(rep->deadlock + used, sizeof(rep->deadlock) - used, "%s%s %s",
				 used ? "; " : "", m->sc->tasks[t].name, why);
		if (k > 0 && (size_t)k < sizeof(rep->deadlock) - used)
			used += (size_t)k;
	}
	return stuck ? SIM_DEADLOCK : SIM_SAFE;
}

/*
 * Whose bytes should be at `off`: the last task, in the order their effects
 * happened, whose effect on the expected contents covers it (the writers'
 * effects end where their copy stopped, an mmap store's at the EOF of its
 * moment), or the initial contents.
 */
static void wb_lost_writer(const struct wb_model *m, const void *w, uint32_t off,
			   struct wb_report *rep)
{
	const struct wb_inode *ino = wb_inode(WBC(w));
	int who;

	free(wb_expected_probe(m, w, off / m->gran, &who));
	snprintf(rep->lost_writer, sizeof(rep->lost_writer), "%s",
		 who < 0 ? "initial contents" : m->sc->tasks[ino->order[who]].name);
}

/* Is granule g of the file in an uptodate block of a cached folio? */
static bool wb_cached(const struct wb_model *m, const void *w, size_t g)
{
	const struct folio *f = wb_folio(m, WBC(w), (unsigned)(g / m->gpp));
	unsigned i = (unsigned)((g % m->gpp) / m->gpb);

	return (f->flags & FOLIO_PRESENT) && (f->uptodate & (1u << i));
}

/* Where did the byte at granule g of the read-back come from? */
static void wb_provenance(struct wb_model *m, const void *flushed, size_t g, bool cache,
			  struct wb_report *rep)
{
	unsigned blk = (unsigned)(g / m->gpb);
	uint8_t state = wb_ext(m, WBC(flushed))[blk];

	if (cache) {
		const struct wb_origin *o = m->prov ? &m->prov->origins[m->prov->cache[g]] : NULL;
		int k = snprintf(rep->provenance, sizeof(rep->provenance),
				 "block %u is uptodate but clean in the page cache, which read() "
				 "returns and writeback never writes (per-block dirty)", blk);
		if (o && k > 0 && (size_t)k < sizeof(rep->provenance)) {
			rep->origin_step = o->step;
			if (o->step)
				snprintf(rep->provenance + k, sizeof(rep->provenance) - (size_t)k,
					 ": step %zu: %s", o->step, o->what);
			else
				snprintf(rep->provenance + k, sizeof(rep->provenance) - (size_t)k,
					 ": %s", o->what);
		}
		return;
	}

	if (state != WB_WRITTEN) {
		snprintf(rep->provenance, sizeof(rep->provenance),
			 "block %u is %s at the end and reads as zeroes", blk,
			 wb_ext_state_name((enum wb_ext_state)state));
		return;
	}
	if (!m->prov) {
		snprintf(rep->provenance, sizeof(rep->provenance), "block %u on disk", blk);
		return;
	}
	const struct wb_origin *o = &m->prov->origins[m->prov->disk[g]];
	rep->origin_step = o->step;
	if (o->step)
		snprintf(rep->provenance, sizeof(rep->provenance), "step %zu: %s", o->step,
			 o->what);
	else
		snprintf(rep->provenance, sizeof(rep->provenance), "%s", o->what);
}

/*
 * Make a copy of the world quiescent by the actors' own rules (complete every
 * IO in flight, write back every dirty folio), then read the file back and
 * compute the expected contents.  The caller frees *flushed, *exp and *got.
 */
static size_t wb_final_contents(struct wb_model *m, const void *w, void **flushed, uint8_t **exp,
				uint8_t **got, uint8_t **cgot)
{
	char *saved_desc = m->desc;
	void *f = wb_xmalloc(m->size);
	size_t ngran, g, p;

	memcpy(f, w, m->size);
	m->desc = NULL;
	for (p = 0; p < m->npages; p++) {
		struct wb_io *io = wb_io(m, f, (unsigned)p);
		if (io->phase == IO_SUBMITTED)
			wb_io_write(m, f, (unsigned)p);
		if (io->phase == IO_WRITTEN)
			xfs_end_ioend(m, f, (unsigned)p);
	}
	for (p = 0; p < m->npages; p++)
		if (wb_folio(m, f, (unsigned)p)->flags & FOLIO_DIRTY)
			wb_flush_folio(m, f, (unsigned)p);
	m->desc = saved_desc;

	ngran = wb_inode(f)->i_size / m->gran;
	*exp = wb_xmalloc(ngran + 1);
	*got = wb_xmalloc(ngran + 1);
	wb_expected(m, f, *exp, ngran);
	for (g = 0; g < ngran; g++)
		(*got)[g] = wb_ext(m, f)[g / m->gpb] == WB_WRITTEN ? wb_disk(m, f)[g] : 0;
	/* per_block_dirty: the file as read() sees it with the page cache still there */
	*cgot = NULL;
	if (m->pbd) {
		*cgot = wb_xmalloc(ngran + 1);
		for (g = 0; g < ngran; g++)
			(*cgot)[g] = wb_cached(m, f, g) ? wb_cache(m, f, 0)[g] : (*got)[g];
	}
	*flushed = f;
	return ngran;
}

/* Does granule g read back as expected?  Bytes drop_writes discarded may read as anything. */
static bool wb_same(const struct wb_model *m, const void *w, const uint8_t *exp,
		    const uint8_t *got, size_t g)
{
	if (exp[g] == got[g])
		return true;
	return m->cfg.drop_writes && (wb_drop(m, WBC(w))[g / 8] & (1u << (g % 8)));
}

enum sim_verdict wb_oracle(struct wb_model *m, const void *w, struct wb_report *rep)
{
	enum sim_verdict v;
	void *f;
	uint8_t *exp, *got, *cgot;
	size_t ngran, g;
	bool cache = false;

	if (rep)
		memset(rep, 0, sizeof(*rep));
	v = wb_deadlock(m, w, rep);
	if (v != SIM_SAFE)
		goto out;
	ngran = wb_final_contents(m, w, &f, &exp, &got, &cgot);
	for (g = 0; g < ngran && wb_same(m, w, exp, got, g); g++)
		;
	if (g == ngran && cgot) {
		/* the disk is right: is the page cache's view of it too? */
		for (g = 0; g < ngran && wb_same(m, w, exp, cgot, g); g++)
			;
		if (g < ngran) {
			free(got);
			got = cgot;
			cgot = NULL;
			cache = true;
		}
	}
	free(cgot);
	if (g < ngran) {
		v = SIM_CORRUPT;
		if (rep) {
			size_t e = g;
			/* exposed bytes (never written by anyone) make a range of their own */
			rep->exposed = got[g] == WB_UNINIT && m->uninit;
			while (e < ngran && !wb_same(m, w, exp, got, e) &&
			       (got[e] == WB_UNINIT && m->uninit) == rep->exposed)
				e++;
			rep->offset = (uint32_t)(g * m->gran);
			rep->length = (uint32_t)((e - g) * m->gran);
			wb_bytes_text(exp + g, e - g, m->gran, rep->expected, sizeof(rep->expected));
			wb_bytes_text(got + g, e - g, m->gran, rep->found, sizeof(rep->found));
			wb_provenance(m, f, g, cache, rep);
			wb_lost_writer(m, f, rep->offset, rep);
		}
	}
	free(exp);
	free(got);
	free(f);
out:
	if (rep)
		rep->verdict = v;
	return v;
}

bool wb_oracle_outcome(struct wb_model *m, const void *w, char *buf, size_t n)
{
	struct wb_prov *saved_prov = m->prov;
	bool expected;
	void *f;
	uint8_t *exp, *got, *cgot;
	size_t ngran;

	if (wb_deadlock(m, w, NULL) != SIM_SAFE) {
		snprintf(buf, n, "deadlock");
		return false;
	}
	m->prov = NULL;
	ngran = wb_final_contents(m, w, &f, &exp, &got, &cgot);
	m->prov = saved_prov;
	expected = true;
	for (size_t g = 0; g < ngran; g++)
		expected = expected && wb_same(m, w, exp, got, g) &&
			   (!cgot || wb_same(m, w, exp, cgot, g));
	free(cgot);
	wb_bytes_text(got, ngran, m->gran, buf, n);
	free(exp);
	free(got);
	free(f);
	return expected;
}
