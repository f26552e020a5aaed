/* SPDX-License-Identifier: MIT */
/*
 * pack.c - the compact encoding of a world for the visited-state table.
 *
 * Every field is written with just the bits its range needs for this
 * scenario (a page index in log2(pages) bits, contents as symbols of the
 * scenario's small alphabet: zero, garbage and the data characters).  The
 * encoding is injective on reachable worlds, so comparing encodings is
 * comparing worlds: no false merging.  Its size is found by packing once in
 * counting mode, so the widths are written down in one place only.  Sequence
 * numbers get WB_SEQ_BITS; a world past that (never seen in an explorable
 * scenario) stops the program with a message rather than merging states.
 */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/world.h"

#define WB_SEQ_BITS 12

/* A little-endian bit writer with a 64-bit accumulator, flushed 32 bits at a time. */
struct wb_bits {
	uint8_t *out;
	uint64_t acc;
	unsigned nacc;
};

/* Always inlined, so that the writer lives in registers across the whole packing. */
#define WB_HOT static inline __attribute__((always_inline))

WB_HOT void wb_put(struct wb_bits *b, uint32_t v, unsigned width)
{
	b->acc |= (uint64_t)(v & (uint32_t)((1ull << width) - 1)) << b->nacc;
	b->nacc += width;
	if (b->nacc >= 32) {
		uint32_t lo = (uint32_t)b->acc;
		b->out[0] = (uint8_t)lo;
		b->out[1] = (uint8_t)(lo >> 8);
		b->out[2] = (uint8_t)(lo >> 16);
		b->out[3] = (uint8_t)(lo >> 24);
		b->out += 4;
		b->acc >>= 32;
		b->nacc -= 32;
	}
}

WB_HOT void wb_flush(struct wb_bits *b)
{
	while (b->nacc > 0) {
		*b->out++ = (uint8_t)b->acc;
		b->acc >>= 8;
		b->nacc = b->nacc > 8 ? b->nacc - 8 : 0;
	}
}

static unsigned wb_bits_for(uint64_t maxval)
{
	unsigned n = 0;

	while (maxval) {
		n++;
		maxval >>= 1;
	}
	return n;
}

static void wb_seq_overflow(uint32_t v)
{
	fprintf(stderr,
		"wbsim: internal limit: seq reached %u, past the %u values the state encoding "
		"holds\n",
		v, 1u << WB_SEQ_BITS);
	exit(3);
}

WB_HOT void wb_put_seq(struct wb_bits *b, uint32_t v)
{
	if (v >> WB_SEQ_BITS)
		wb_seq_overflow(v);
	wb_put(b, v, WB_SEQ_BITS);
}

/* Content operations the oracle orders: writers, mmap stores, punches, truncates. */
static bool wb_ordered(enum wb_op op)
{
	return op == WB_OP_WRITE || op == WB_OP_MMAP_WRITE || op == WB_OP_PUNCH ||
	       op == WB_OP_TRUNCATE;
}

WB_HOT void wb_pack_bits(const struct wb_model *m, const void *w, struct wb_bits *b);

void wb_pack_init(struct wb_model *m)
{
	struct wb_pack *k = &m->pack;
	const struct wb_scenario *sc = m->sc;
	unsigned nordered = 0, nwb = 0, nfaults = 0, maxio = 0, nsym = 2, t;

	memset(k, 0, sizeof(*k));
	memset(k->sym, 0xff, sizeof(k->sym));
	k->sym[0] = 0;
	k->sym[(uint8_t)WB_GARBAGE] = 1;
	for (size_t i = 0; i < sc->nextents; i++)
		if (sc->extents[i].state == WB_WRITTEN && k->sym[(uint8_t)sc->extents[i].data] == 0xff)
			k->sym[(uint8_t)sc->extents[i].data] = (uint8_t)nsym++;
	for (t = 0; t < m->ntasks; t++) {
		const struct wb_task_def *td = &sc->tasks[t];
		if ((td->op == WB_OP_WRITE || td->op == WB_OP_MMAP_WRITE) &&
		    k->sym[(uint8_t)td->data] == 0xff)
			k->sym[(uint8_t)td->data] = (uint8_t)nsym++;
		if (wb_ordered(td->op))
			k->kind_index[t] = (uint8_t)nordered++;
		if (td->op == WB_OP_WRITEBACK) {
			k->kind_index[t] = (uint8_t)nwb++;
			maxio += td->passes * m->npages;
		}
		if (td->op == WB_OP_READ_FAULT || td->op == WB_OP_MMAP_WRITE)
			nfaults++;
		k->w_passes[t] = wb_bits_for(td->passes);
		k->w_evicted[t] = wb_bits_for(td->evictions);
	}
	k->w_sym = wb_bits_for(nsym - 1);
	k->w_gpos = wb_bits_for((uint64_t)m->npages * m->gpp);
	k->w_blk = wb_bits_for(m->nblocks);
	k->w_page = wb_bits_for(m->npages);
	k->w_task = wb_bits_for(m->ntasks);
	k->w_io = wb_bits_for(maxio);
	k->w_blkidx = wb_bits_for(m->bpp);
	k->nordered = nordered;
	k->w_norder = wb_bits_for(nordered);
	k->w_order_idx = wb_bits_for(nordered ? nordered - 1 : 0);
	k->w_wb_idx = wb_bits_for(nwb ? nwb - 1 : 0);
	k->w_faults = wb_bits_for(nfaults);
	/*
	 * Fields only some scenarios use: the folio's fault bits (mapped
	 * writable, fault references), a writer's own flags (short copies, the
	 * locked cleanup), the invalidate_lock's exclusive owner.
	 */
	bool rangeops = false, shorts = false;
	for (t = 0; t < m->ntasks; t++) {
		enum wb_op op = sc->tasks[t].op;
		rangeops |= op == WB_OP_PUNCH || op == WB_OP_FALLOCATE || op == WB_OP_TRUNCATE;
		shorts |= sc->tasks[t].has_short_copy;
	}
	bool locked = m->cfg.write_fail_cleanup == WB_CLEANUP_LOCKED_TRUNCATE_PUNCH;
	k->w_fflags = nfaults ? 8 : 4;
	k->w_wflags = shorts || locked ? 4 : 0;
	k->w_inval = nfaults || rangeops || locked ? k->w_task : 0;

	/* the size: pack a zero world into a buffer large enough for any widths */
	void *zero = calloc(1, m->size);
	uint8_t *buf = calloc(1, 8 * m->size + 64);
	struct wb_bits count = { .out = buf };
	wb_pack_bits(m, zero, &count);
	k->bytes = (size_t)(count.out - buf) + (count.nacc + 7) / 8;
	free(buf);
	free(zero);
}

WB_HOT void wb_pack_task(const struct wb_model *m, const void *cw, unsigned t, struct wb_bits *b)
{
	const struct wb_pack *k = &m->pack;
	const union wb_task_state *ts = wb_task(m, WBC(cw), t);
	const struct wb_task_def *td = &m->sc->tasks[t];

	switch (td->op) {
	case WB_OP_WRITE:
		wb_put(b, ts->w.pc, 4);
		wb_put(b, ts->w.type, 2);
		wb_put(b, ts->w.flags, 2);
		wb_put(b, ts->w.wflags, k->w_wflags);
		wb_put(b, ts->w.pos / m->gran, k->w_gpos);
		wb_put(b, ts->w.iter_start / m->gran, k->w_gpos);
		wb_put(b, ts->w.iter_end / m->gran, k->w_gpos);
		wb_put(b, ts->w.map_off / m->bs, k->w_blk);
		wb_put(b, ts->w.map_end / m->bs, k->w_blk);
		wb_put_seq(b, ts->w.cookie);
		break;
	case WB_OP_WRITEBACK:
		wb_put(b, ts->b.pc, 3);
		wb_put(b, ts->b.passes_done, k->w_passes[t]);
		wb_put(b, ts->b.pos, k->w_page);
		wb_put(b, ts->b.cur, k->w_page);
		wb_put(b, ts->b.nextio, k->w_io);
		wb_put(b, ts->b.blk, k->w_blkidx);
		wb_put(b, ts->b.io_blocks, m->bpp);
		wb_put(b, ts->b.cache_valid, 1);
		wb_put(b, ts->b.cache_type, 2);
		wb_put(b, ts->b.cache_start, k->w_blk);
		wb_put(b, ts->b.cache_end, k->w_blk);
		wb_put_seq(b, ts->b.cache_seq);
		if (td->sync) {
			wb_put(b, ts->b.snap_lo, m->npages < 32 ? m->npages : 32);
			if (m->npages > 32)
				wb_put(b, ts->b.snap_hi, m->npages - 32);
		}
		break;
	case WB_OP_RECLAIM:
		wb_put(b, ts->r.pc, 1);
		wb_put(b, ts->r.evicted, k->w_evicted[t]);
		break;
	case WB_OP_READ_FAULT:
	case WB_OP_MMAP_WRITE:
		wb_put(b, ts->f.pc, 4);
		wb_put(b, ts->f.holds, 4);
		break;
	case WB_OP_PUNCH:
	case WB_OP_FALLOCATE:
	case WB_OP_TRUNCATE:
		wb_put(b, ts->o.pc, 3);
		break;
	case WB_OP_NOPS:
		break;
	}
}

WB_HOT void wb_pack_bits(const struct wb_model *m, const void *w, struct wb_bits *b)
{
	const struct wb_pack *k = &m->pack;
	void *cw = WBC(w);
	const struct wb_inode *ino = wb_inode(cw);
	unsigned t, p, i;

	wb_put_seq(b, ino->seq);
	wb_put(b, ino->i_size / m->gran, k->w_gpos);
	wb_put(b, ino->rwsem_owner, k->w_task);
	wb_put(b, ino->inval_excl, k->w_inval);
	wb_put(b, ino->inval_shared, k->w_faults);
	/* the content order as order numbers, fixed width: unused entries are zero */
	wb_put(b, ino->norder, k->w_norder);
	for (i = 0; i < k->nordered; i++)
		wb_put(b, i < ino->norder ? k->kind_index[ino->order[i]] : 0, k->w_order_idx);
	for (t = 0; t < m->ntasks; t++)
		wb_pack_task(m, cw, t, b);
	const uint8_t *ext = wb_ext(m, cw);
	for (i = 0; i < m->nblocks; i++)
		wb_put(b, ext[i], 2);
	for (p = 0; p < m->npages; p++) {
		const struct folio *f = wb_folio(m, cw, p);
		const struct wb_io *io = wb_io(m, cw, p);
		wb_put(b, f->flags, k->w_fflags);
		wb_put(b, f->locked, k->w_task);
		wb_put(b, f->uptodate, m->bpp);
		wb_put(b, io->phase, 2);
		wb_put(b, io->phase ? k->kind_index[io->parent] : 0, k->w_wb_idx);
		wb_put(b, io->k, k->w_io);
		wb_put(b, io->blocks, m->bpp);
	}
	/* cache and disk are contiguous in the world */
	const uint8_t *c = (const uint8_t *)cw + m->off_cache;
	size_t n = (size_t)m->npages * m->gpp + (size_t)m->nblocks * m->gpb;
	for (i = 0; i < n; i++)
		wb_put(b, k->sym[c[i]], k->w_sym);
	if (m->cfg.drop_writes) {
		const uint8_t *d = wb_drop(m, cw);
		for (i = 0; i < (unsigned)(m->npages * m->gpp); i++)
			wb_put(b, (d[i / 8] >> (i % 8)) & 1u, 1);
	}
}

/* Pack a world into m->pack.bytes bytes. */
void wb_pack(const struct wb_model *m, const void *w, uint8_t *out)
{
	struct wb_bits b = { .out = out };
	uint8_t *start = out;

	wb_pack_bits(m, w, &b);
	wb_flush(&b);
	assert((size_t)(b.out - start) == m->pack.bytes);
	(void)start;
}
