/* SPDX-License-Identifier: MIT */
/*
 * describe.c - the whole world in words (wbsim run --state, replay --at):
 * inode, extent map, page cache with flags, IOs in flight, disk, tasks.
 */
#include <stdio.h>
#include <string.h>

#include "model/actor.h"
#include "model/world.h"
#include "sim/xmalloc.h"

static const char *wb_ext_state_name_short(unsigned s)
{
	return wb_ext_state_name((enum wb_ext_state)s);
}

void wb_extents_text(const struct wb_model *m, const void *w, char *buf, size_t n)
{
	const uint8_t *ext = wb_ext(m, WBC(w));
	unsigned b = 0;
	size_t used = 0;

	buf[0] = 0;
	while (b < m->nblocks) {
		unsigned e = b;
		while (e < m->nblocks && ext[e] == ext[b])
			e++;
		int k = snprintf(buf + used, n - used, "%s[%u,%u) %s", used ? " " : "", b * m->bs,
				 e * m->bs, wb_ext_state_name_short(ext[b]));
		if (k < 0 || (size_t)k >= n - used)
			return;
		used += (size_t)k;
		b = e;
	}
}

static void wb_print_extents(const struct wb_model *m, void *w, FILE *out)
{
	char buf[WB_EXTENTS_TEXT_MAX];

	wb_extents_text(m, w, buf, sizeof(buf));
	fprintf(out, "  extents: %s\n", buf);
}

static void wb_print_folio(const struct wb_model *m, void *w, unsigned p, FILE *out)
{
	char buf[1024];

	wb_folio_text(m, w, p, buf, sizeof(buf));
	fprintf(out, "  %s\n", buf);
}

void wb_folio_text(const struct wb_model *m, const void *cw, unsigned p, char *buf, size_t n)
{
	FILE *out = fmemopen(buf, n, "w");
	void *w = WBC(cw);
	const struct folio *f = wb_folio(m, w, p);
	unsigned full = (1u << m->bpp) - 1, i;
	char txt[512];

	if (!out)
		wb_oom(0);
	if (!(f->flags & FOLIO_PRESENT)) {
		fprintf(out, "page %u: absent", p);
		fclose(out);
		return;
	}
	fprintf(out, "page %u: %s", p, (f->flags & FOLIO_DIRTY) ? "dirty" : "clean");
	/* large folios: the folio the page belongs to (its state is the folio's) */
	bool large = wb_fpages(m, w, p) > 1;
	if (large) {
		char ord[48];
		wb_folio_order_text(m, w, p, ord, sizeof(ord));
		fprintf(out, " (folio %s)", ord);
	}
	if (f->uptodate == full)
		fprintf(out, " uptodate");
	else if (!f->uptodate)
		fprintf(out, " !uptodate");
	else {
		fprintf(out, " uptodate blocks");
		for (i = 0; i < m->bpp; i++)
			if (f->uptodate & (1u << i))
				fprintf(out, " %u", p * m->bpp + i);
	}
	/* per_block_dirty: which blocks of a partly dirty folio are dirty */
	uint16_t dirty = m->pbd ? *wb_dirty(m, w, p) : 0;
	if (large && (f->flags & FOLIO_DIRTY) && !dirty)
		fprintf(out, " dirty blocks none");
	if (dirty && dirty != full) {
		fprintf(out, " dirty blocks");
		for (i = 0; i < m->bpp; i++)
			if (dirty & (1u << i))
				fprintf(out, " %u", p * m->bpp + i);
	}
	if (f->flags & FOLIO_WRITEBACK)
		fprintf(out, " writeback");
	if (f->locked)
		fprintf(out, " locked(%s)", m->sc->tasks[f->locked - 1].name);
	if (f->flags & FOLIO_REF)
		fprintf(out, " ref");
	if (f->flags & FOLIO_PTE_W)
		fprintf(out, " mapped-writable");
	wb_bytes_text(wb_cache(m, w, p), m->gpp, m->gran, txt, sizeof(txt));
	fprintf(out, "  %s", txt);
	fclose(out);
}

void wb_mapping_text(const struct wb_model *m, const void *w, unsigned t, char *buf, size_t n)
{
	const struct wb_actor *a = wb_actor_of(m, t);

	buf[0] = 0;
	if (a->mapping_text)
		a->mapping_text(m, w, t, buf, n);
}

bool wb_task_summary(const struct wb_model *m, unsigned t, char *buf, size_t n)
{
	const struct wb_actor *a = wb_actor_of(m, t);

	buf[0] = 0;
	if (!a->summary)
		return false;
	a->summary(m, t, buf, n);
	return true;
}

static void wb_print_task(const struct wb_model *m, const void *w, unsigned t, FILE *out)
{
	fprintf(out, "  task %s: ", m->sc->tasks[t].name);
	if (wb_task_finished(m, w, t)) {
		fprintf(out, "finished\n");
		return;
	}
	wb_actor_of(m, t)->describe(m, w, t, out);
	fprintf(out, "\n");
}

void wb_world_print(const struct wb_model *m, const void *w, FILE *out)
{
	void *cw = WBC(w);
	const struct wb_inode *ino = wb_inode(cw);
	unsigned p, b, i;
	char txt[512];

	fprintf(out, "  i_size %u, seq %u, i_rwsem %s", ino->i_size, ino->seq,
		ino->rwsem_owner ? m->sc->tasks[ino->rwsem_owner - 1].name : "free");
	if (ino->inval_excl)
		fprintf(out, ", invalidate_lock %s", m->sc->tasks[ino->inval_excl - 1].name);
	else if (ino->inval_shared)
		fprintf(out, ", invalidate_lock shared by %u", ino->inval_shared);
	if (ino->norder) {
		fprintf(out, " (taken by");
		for (i = 0; i < ino->norder; i++)
			fprintf(out, " %s", m->sc->tasks[ino->order[i]].name);
		fprintf(out, ")");
	}
	fprintf(out, "\n");
	wb_print_extents(m, cw, out);
	for (p = 0; p < m->npages; p++)
		wb_print_folio(m, cw, p, out);
	for (p = 0; p < m->npages; p++) {
		const struct wb_io *io = wb_io(m, cw, p);
		if (!io->phase)
			continue;
		fprintf(out, "  io %s/io%u: page %u, blocks", m->sc->tasks[io->parent].name, io->k,
			p);
		uint16_t now_unwritten = 0;
		for (i = 0; i < m->bpp; i++) {
			if (!(io->blocks & (1u << i)))
				continue;
			fprintf(out, " %u", p * m->bpp + i);
			if (wb_ext(m, cw)[p * m->bpp + i] == WB_UNWRITTEN)
				now_unwritten |= (uint16_t)(1u << i);
		}
		/* the ioend's type, shown where it is not what the blocks say now (a stale mapping) */
		if (io->unwritten != now_unwritten) {
			fprintf(out, io->unwritten ? " (mapped UNWRITTEN:" : " (mapped WRITTEN");
			for (i = 0; i < m->bpp; i++)
				if (io->unwritten & (1u << i))
					fprintf(out, " %u", p * m->bpp + i);
			fprintf(out, ")");
		}
		fprintf(out, ", %s\n", io->phase == IO_SUBMITTED ? "submitted" : "written");
	}
	fprintf(out, "  disk:");
	for (b = 0; b < m->nblocks; b++) {
		wb_bytes_text(wb_disk(m, cw) + (size_t)b * m->gpb, m->gpb, m->gran, txt, sizeof(txt));
		fprintf(out, "%s %u: %s", b ? " |" : "", b, txt);
	}
	fprintf(out, "\n");
	for (i = 0; i < m->ntasks; i++)
		wb_print_task(m, cw, i, out);
}
