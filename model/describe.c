/* SPDX-License-Identifier: MIT */
/*
 * describe.c - the whole world in words (wbsim run --state, replay --at):
 * inode, extent map, page cache with flags, IOs in flight, disk, tasks.
 */
#include <stdio.h>
#include <string.h>

#include "model/buffered_write.h"
#include "model/fault.h"
#include "model/rangeop.h"
#include "model/world.h"
#include "model/writeback.h"

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
	char buf[2048];

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

	if (!out) {
		snprintf(buf, n, "page %u", p);
		return;
	}
	if (!(f->flags & FOLIO_PRESENT)) {
		fprintf(out, "page %u: absent", p);
		fclose(out);
		return;
	}
	fprintf(out, "page %u: %s", p, (f->flags & FOLIO_DIRTY) ? "dirty" : "clean");
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
	const struct wb_writer *wr = &wb_task(m, WBC(w), t)->w;

	buf[0] = 0;
	if (m->sc->tasks[t].op != WB_OP_WRITE || !wr->iter_end)
		return;
	snprintf(buf, n, "%s%s%s [%u,%u) cookie %u", wb_ext_state_name_short(wr->type),
		 (wr->flags & IOMAP_F_NEW) ? " NEW" : "", (wr->flags & IOMAP_F_STALE) ? " STALE" : "",
		 wr->map_off, wr->map_end, wr->cookie);
}

static void wb_print_task(const struct wb_model *m, void *w, unsigned t, FILE *out)
{
	const struct wb_task_def *td = &m->sc->tasks[t];
	const union wb_task_state *ts = wb_task(m, w, t);

	fprintf(out, "  task %s: ", td->name);
	if (wb_task_finished(m, w, t)) {
		fprintf(out, "finished\n");
		return;
	}
	switch (td->op) {
	case WB_OP_WRITE: {
		const struct wb_writer *wr = &ts->w;
		fprintf(out, "next %s", wb_writer_step(m, w, t));
		if (wr->pc != WP_RWSEM_LOCK)
			fprintf(out, ", pos %u", wr->pos);
		if (wr->iter_end)
			fprintf(out, ", mapping %s%s%s [%u,%u) cookie %u, iteration [%u,%u)",
				wb_ext_state_name_short(wr->type),
				(wr->flags & IOMAP_F_NEW) ? " NEW" : "",
				(wr->flags & IOMAP_F_STALE) ? " STALE" : "", wr->map_off, wr->map_end,
				wr->cookie, wr->iter_start, wr->iter_end);
		break;
	}
	case WB_OP_WRITEBACK: {
		const struct wb_writeback *b = &ts->b;
		fprintf(out, "next %s, pass %u of %u, position page %u",
			wb_writeback_step(m, w, t), b->passes_done + 1u, td->passes, b->pos);
		if (b->pc >= BP_CLEAR_DIRTY && b->pc <= BP_START_WRITEBACK)
			fprintf(out, ", holds page %u", b->cur);
		if (b->cache_valid)
			fprintf(out, ", cached %s [%u,%u) seq %u",
				wb_ext_state_name_short(b->cache_type), b->cache_start * m->bs,
				b->cache_end * m->bs, b->cache_seq);
		if (td->sync) {
			uint64_t snap = (uint64_t)b->snap_hi << 32 | b->snap_lo;
			fprintf(out, ", TOWRITE {");
			for (unsigned p = 0, first = 1; p < m->npages; p++)
				if (snap & (1ull << p)) {
					fprintf(out, first ? "%u" : ",%u", p);
					first = 0;
				}
			fprintf(out, "}");
		}
		break;
	}
	case WB_OP_RECLAIM:
		fprintf(out, "%u of %u evictions done", ts->r.evicted, td->evictions);
		break;
	case WB_OP_READ_FAULT:
	case WB_OP_MMAP_WRITE:
		fprintf(out, "next %s%s%s%s", wb_fault_step(m, w, t),
			(ts->f.holds & FT_SHARED) ? ", holds the invalidate_lock shared" : "",
			(ts->f.holds & FT_LOCK) ? ", holds the folio lock" : "",
			(ts->f.holds & FT_REF) ? ", holds a folio reference" : "");
		break;
	case WB_OP_PUNCH:
	case WB_OP_FALLOCATE:
	case WB_OP_TRUNCATE:
		fprintf(out, "next %s", wb_rangeop_step(m, w, t));
		break;
	case WB_OP_NOPS:
		break;
	}
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
		for (i = 0; i < m->bpp; i++)
			if (io->blocks & (1u << i))
				fprintf(out, " %u", p * m->bpp + i);
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
