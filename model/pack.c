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
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "model/actor.h"
#include "sim/xmalloc.h"

/* A little-endian bit writer with a 64-bit accumulator, flushed 32 bits at a time. */
struct wb_bits {
	uint8_t *out;
	uint64_t acc;
	unsigned nacc;
	/* wb_pack_init's sizing pass only: where the parts begin, in bits (else NULL) */
	uint8_t *base;
	size_t *marks;
};

/* Sizing pass: note where part i of the encoding begins. */
static inline void wb_mark(struct wb_bits *b, unsigned i)
{
	if (b->marks)
		b->marks[i] = (size_t)(b->out - b->base) * 8 + b->nacc;
}

/* Always inlined, so that the writer lives in registers across the whole packing. */
#define WB_HOT static inline __attribute__((always_inline))

/* Write out the accumulator's low 32 bits (little-endian). */
WB_HOT void wb_put_word(struct wb_bits *b)
{
	uint32_t lo = (uint32_t)b->acc;

	b->out[0] = (uint8_t)lo;
	b->out[1] = (uint8_t)(lo >> 8);
	b->out[2] = (uint8_t)(lo >> 16);
	b->out[3] = (uint8_t)(lo >> 24);
	b->out += 4;
	b->acc >>= 32;
	b->nacc -= 32;
}

WB_HOT void wb_put(struct wb_bits *b, uint32_t v, unsigned width)
{
	b->acc |= (uint64_t)(v & (uint32_t)((1ull << width) - 1)) << b->nacc;
	b->nacc += width;
	if (b->nacc >= 32)
		wb_put_word(b);
}

WB_HOT void wb_flush(struct wb_bits *b)
{
	while (b->nacc > 0) {
		*b->out++ = (uint8_t)b->acc;
		b->acc >>= 8;
		b->nacc = b->nacc > 8 ? b->nacc - 8 : 0;
	}
}

unsigned wb_bits_for(uint64_t maxval)
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

void wb_pack_field_add(struct wb_pack_fields *pf, const struct wb_model *m, unsigned t,
		       size_t off_in_slot, size_t size, unsigned width, uint32_t div)
{
	struct wb_pack_field *f;

	if (!width)
		return;
	/* divisors are block sizes and granules: powers of two (the granule divides the page) */
	assert(pf->n < pf->cap && (size == 1 || size == 2 || size == 4) && width <= 32);
	assert(div && !(div & (div - 1)));
	f = &pf->v[pf->n++];
	memset(f, 0, sizeof(*f));
	f->off = (uint32_t)(m->off_tasks + (size_t)t * WB_TASK_SLOT + off_in_slot);
	f->lmask = size == 4 ? ~0u : (1u << (8 * size)) - 1;
	f->max = ~0u;
	f->width = (uint8_t)width;
	f->wmask = (uint32_t)((1ull << width) - 1);
	while (div >>= 1)
		f->shift++;
}

void wb_pack_seq_add(struct wb_pack_fields *pf, const struct wb_model *m, unsigned t,
		     size_t off_in_slot)
{
	wb_pack_field_add(pf, m, t, off_in_slot, 4, WB_SEQ_BITS, 1);
	pf->v[pf->n - 1].max = (1u << WB_SEQ_BITS) - 1;
}

WB_HOT void wb_pack_bits(const struct wb_model *m, const void *w, struct wb_bits *b);

/*
 * wb_repack's parts, numbered: 0 the inode, 1 + t task t's slot, then the
 * extent map, each page's folio and IO, each page's contents (the cache's,
 * then the disk's), drop_writes' record.  Where each numbering begins:
 */
struct wb_parts {
	unsigned ext, page, chunk, drop;
};

static struct wb_parts wb_parts(const struct wb_model *m)
{
	struct wb_parts pn;

	pn.ext = m->ntasks + 1;
	pn.page = pn.ext + 1;
	pn.chunk = pn.page + m->npages;
	pn.drop = pn.chunk + 2 * m->npages;
	return pn;
}

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
		unsigned fl = wb_actor_of(m, t)->flags;
		if ((fl & WB_ACT_DATA) && k->sym[(uint8_t)td->data] == 0xff)
			k->sym[(uint8_t)td->data] = (uint8_t)nsym++;
		if (fl & WB_ACT_ORDERED)
			k->kind_index[t] = (uint8_t)nordered++;
		if (fl & WB_ACT_IO) {
			k->kind_index[t] = (uint8_t)nwb++;
			maxio += td->passes * m->npages;
		}
		if (fl & WB_ACT_FAULT)
			nfaults++;
	}
	if (m->uninit)
		k->sym[(uint8_t)WB_UNINIT] = (uint8_t)nsym++;
	k->w_sym = wb_bits_for(nsym - 1);
	k->w_gpos = wb_bits_for((uint64_t)m->npages * m->gpp);
	k->w_blk = wb_bits_for(m->nblocks);
	k->w_page = wb_bits_for(m->npages);
	k->w_task = wb_bits_for(m->ntasks);
	k->w_io = wb_bits_for(maxio);
	k->w_blkidx = wb_bits_for(m->mfb); /* bpp without large folios */
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
	unsigned nshared = 0;
	for (t = 0; t < m->ntasks; t++) {
		nshared += wb_task_is(m, t, WB_ACT_RWSEM_SHARED);
		rangeops |= wb_task_is(m, t, WB_ACT_INVAL);
		shorts |= sc->tasks[t].has_short_copy;
	}
	bool locked = m->cfg.write_fail_cleanup == WB_CLEANUP_LOCKED_TRUNCATE_PUNCH;
	k->w_fflags = nfaults ? 8 : 4;
	k->w_wflags = shorts || locked ? 4 : 0;
	/*
	 * zero_dirty_unwritten=flush: WR_RANGE_DIRTY, where a task may zero past
	 * EOF (a write past the smallest size the file can have, a truncate or
	 * fallocate that may grow it); other scenarios keep their key_bytes
	 */
	if (m->zflush || m->cfg.zero_rework) {
		uint64_t min = sc->file_size;
		bool zeroes = false;
		for (t = 0; t < m->ntasks; t++)
			if (wb_task_is(m, t, WB_ACT_SHRINKS) && sc->tasks[t].size < min)
				min = sc->tasks[t].size;
		for (t = 0; t < m->ntasks; t++) {
			const struct wb_task_def *td = &sc->tasks[t];
			zeroes |= td->op == WB_OP_WRITE && td->offset > min;
			zeroes |= td->op == WB_OP_TRUNCATE && td->size > min;
			zeroes |= td->op == WB_OP_FALLOCATE && td->offset + td->length > min;
		}
		if (zeroes && m->zflush)
			k->w_wflags = m->cfg.zero_dirty_unwritten == WB_ZDU_FLUSH_EOF ? 6 : 5;
		/* zero_rework: WR_INVAL, a write's EOF zeroing holds the invalidate_lock */
		if (zeroes && m->cfg.zero_rework) {
			if (k->w_wflags < 4)
				k->w_wflags = 4;
			locked = true;
		}
	}
	k->w_inval = nfaults || rangeops || locked ? k->w_task : 0;
	k->w_rwsem_shared = wb_bits_for(nshared);
	/*
	 * The blocks an IO was mapped UNWRITTEN (struct wb_io's unwritten, and
	 * the writeback slot's io_unwritten while the folio is being mapped).
	 * Canonically a bit is set iff the block was mapped UNWRITTEN and is not
	 * WRITTEN.  It takes no bits unless writeback_revalidate is off and the
	 * scenario has a range operation (punch, truncate, fallocate), because
	 * otherwise it is a function of the rest of the state: it equals the
	 * IO's blocks that are UNWRITTEN now.
	 *  - With writeback_revalidate on, a cached mapping is used only while
	 *    seq is unchanged, and every change of the extent map bumps seq: the
	 *    type an IO's block is mapped with is its state at map_blocks.
	 *  - With it off but neither punch nor truncate, no step turns an
	 *    UNWRITTEN or WRITTEN block into another state but UNWRITTEN ->
	 *    WRITTEN (conversion), so a cached UNWRITTEN mapping covers blocks
	 *    now UNWRITTEN or WRITTEN, and a cached WRITTEN one blocks WRITTEN:
	 *    the canonical bit is again "UNWRITTEN now".
	 *  - From map_blocks to io_complete the block keeps its state: the folio
	 *    is locked, then under writeback, so punch and truncate wait; the
	 *    other steps change only HOLE and DELALLOC blocks; only this IO's
	 *    completion converts the block.
	 * So leaving it out merges no two different worlds: the encoding stays
	 * injective, and scenarios without the feature keep their key_bytes.
	 */
	k->w_iotype = !m->cfg.writeback_revalidate && rangeops ? m->mfb : 0;
	/* per-block dirty bits only where they exist (wb_dirty): other key sizes stay */
	k->w_dirty = m->pbd ? m->bpp : 0;
	/* large folios: writeback's dirty blocks of a folio, and each page's folio order */
	k->w_todo = m->pbd ? m->mfb : 0;
	k->w_forder = m->lf ? wb_bits_for(m->max_order) : 0;
	/* every task slot's fields, as its actor lays them out */
	struct wb_pack_fields pf = { .v = k->fields, .cap = WB_MAX_PACK_FIELDS };
	for (t = 0; t < m->ntasks; t++) {
		k->task_field[t] = (uint16_t)pf.n;
		wb_actor_of(m, t)->pack_fields(m, t, &pf);
	}
	k->task_field[m->ntasks] = (uint16_t)pf.n;
	k->nfields = pf.n;

	/* the size: pack a zero world into a buffer large enough for any widths */
	void *zero = wb_xcalloc(1, m->size);
	uint8_t *buf = wb_xcalloc(1, 8 * m->size + 64);
	size_t marks[3];
	struct wb_bits count = { .out = buf, .base = buf, .marks = marks };
	wb_pack_bits(m, zero, &count);
	k->bytes = (size_t)(count.out - buf) + (count.nacc + 7) / 8;
	/* each part's place (wb_repack), checked against the sizing pass */
	uint32_t bit = (uint32_t)marks[0];
	for (t = 0; t <= m->ntasks; t++) {
		k->bit_task[t] = bit;
		for (unsigned f = k->task_field[t]; t < m->ntasks && f < k->task_field[t + 1]; f++)
			bit += k->fields[f].width;
	}
	assert(k->bit_task[m->ntasks] == marks[1]);
	k->bit_pages = k->bit_task[m->ntasks] + 2 * m->nblocks;
	k->page_bits = k->w_fflags + k->w_task + 2 * m->bpp + k->w_dirty + 2 + k->w_wb_idx + k->w_io +
		       k->w_iotype;
	if (m->lf) /* the IO's blocks over a large folio, and the folio's order */
		k->page_bits += m->mfb - m->bpp + k->w_forder;
	k->bit_content = k->bit_pages + m->npages * k->page_bits;
	assert(k->bit_content == marks[2]);
	k->chunk_bits = m->gpp * k->w_sym;
	k->bit_drop = k->bit_content + 2 * m->npages * k->chunk_bits;
	k->bits = k->bit_drop + (m->cfg.drop_writes ? m->npages * m->gpp : 0);
	assert(k->bits == (size_t)(count.out - buf) * 8 + count.nacc);
	/*
	 * Where the parts of the encoding begin, in whole bytes: the extent map
	 * with the page cache and IOs, and the contents (the inode's header stays
	 * with the task slots: it takes few values).  The engine may store a
	 * state as the indexes of its parts (sim_model.key_splits).
	 */
	k->splits[0] = marks[1] / 8;
	k->splits[1] = marks[2] / 8;
	k->splits[2] = 0;
	/* wb_repack's part of each byte of the world, where they fit */
	const struct wb_parts pn = wb_parts(m);
	k->repack_bytes = m->size <= WB_REPACK_MAX_BYTES && pn.drop < WB_PART_NONE;
	if (k->repack_bytes) {
		memset(k->part_of, WB_PART_NONE, sizeof(k->part_of));
		memset(k->part_of, 0, sizeof(struct wb_inode));
		for (t = 0; t < m->ntasks; t++)
			memset(k->part_of + m->off_tasks + (size_t)t * WB_TASK_SLOT, (int)(1 + t),
			       WB_TASK_SLOT);
		memset(k->part_of + m->off_ext, (int)pn.ext, m->nblocks);
		for (unsigned p = 0; p < m->npages; p++) {
			memset(k->part_of + m->off_folio + p * sizeof(struct folio), (int)(pn.page + p),
			       sizeof(struct folio));
			memset(k->part_of + m->off_io + p * sizeof(struct wb_io), (int)(pn.page + p),
			       sizeof(struct wb_io));
			if (m->pbd)
				memset(k->part_of + m->off_dirty + p * sizeof(uint16_t),
				       (int)(pn.page + p), sizeof(uint16_t));
			if (m->lf)
				k->part_of[m->off_forder + p] = (uint8_t)(pn.page + p);
		}
		for (unsigned q = 0; q < 2 * m->npages; q++)
			memset(k->part_of + m->off_cache + (size_t)q * m->gpp, (int)(pn.chunk + q),
			       m->gpp);
		if (m->cfg.drop_writes)
			memset(k->part_of + m->off_drop, (int)pn.drop, (m->npages * m->gpp + 7) / 8);
		for (size_t i = WB_REPACK_MAX_BYTES; i-- > 0;) {
			bool more = i + 1 < WB_REPACK_MAX_BYTES && k->part_of[i + 1] == k->part_of[i];
			k->part_run[i] = (uint8_t)(more && k->part_run[i + 1] < 63 ? k->part_run[i + 1] + 1
									: 1);
		}
	}
	free(buf);
	free(zero);
}

/*
 * The encoding, part by part.  Each part's bits depend on its own bytes of
 * the world only, and have a fixed place (struct wb_pack's bit_*), so that
 * wb_repack can rewrite the parts a step changed and copy the rest.
 */

/* The inode: seq, i_size, the locks, the content order. */
WB_HOT void wb_pack_header(const struct wb_model *m, void *cw, struct wb_bits *b)
{
	const struct wb_pack *k = &m->pack;
	const struct wb_inode *ino = wb_inode(cw);

	wb_put_seq(b, ino->seq);
	wb_put(b, ino->i_size / m->gran, k->w_gpos);
	wb_put(b, ino->rwsem_owner, k->w_task);
	wb_put(b, ino->rwsem_shared, k->w_rwsem_shared);
	wb_put(b, ino->inval_excl, k->w_inval);
	wb_put(b, ino->inval_shared, k->w_faults);
	/* the content order as order numbers, fixed width: unused entries are zero */
	wb_put(b, ino->norder, k->w_norder);
	for (unsigned i = 0; i < k->nordered; i++)
		wb_put(b, i < ino->norder ? k->kind_index[ino->order[i]] : 0, k->w_order_idx);
}

/*
 * Task slots: fields [first, end) of those their actors declared, flattened
 * once per scenario.  A field is read as four bytes and masked (task slots
 * are never the world's last bytes), so the loop has no branch but the limit
 * check.
 */
WB_HOT void wb_pack_tasks(const struct wb_model *m, const uint8_t *w, unsigned first,
			  unsigned end, struct wb_bits *b)
{
	const struct wb_pack_field *f = m->pack.fields + first, *fend = m->pack.fields + end;

	for (; f < fend; f++) {
		uint32_t v;
		memcpy(&v, w + f->off, 4);
		v = (v & f->lmask) >> f->shift;
		if (__builtin_expect(v > f->max, 0))
			wb_seq_overflow(v);
		b->acc |= (uint64_t)(v & f->wmask) << b->nacc;
		b->nacc += f->width;
		if (b->nacc >= 32)
			wb_put_word(b);
	}
}

/* The extent map: a state per block. */
WB_HOT void wb_pack_ext(const struct wb_model *m, void *cw, struct wb_bits *b)
{
	const uint8_t *ext = wb_ext(m, cw);

	for (unsigned i = 0; i < m->nblocks; i++)
		wb_put(b, ext[i], 2);
}

/* Page p's folio and its IO. */
WB_HOT void wb_pack_page(const struct wb_model *m, void *cw, unsigned p, struct wb_bits *b)
{
	const struct wb_pack *k = &m->pack;
	const struct folio *f = wb_folio(m, cw, p);
	const struct wb_io *io = wb_io(m, cw, p);

	wb_put(b, f->flags, k->w_fflags);
	wb_put(b, f->locked, k->w_task);
	wb_put(b, f->uptodate, m->bpp);
	if (k->w_dirty) /* per_block_dirty (wb_dirty): in the page's part */
		wb_put(b, *wb_dirty(m, cw, p), k->w_dirty);
	wb_put(b, io->phase, 2);
	wb_put(b, io->phase ? k->kind_index[io->parent] : 0, k->w_wb_idx);
	wb_put(b, io->k, k->w_io);
	wb_put(b, io->blocks, m->mfb);
	wb_put(b, io->unwritten, k->w_iotype);
	if (k->w_forder)
		wb_put(b, *wb_forder_p(m, cw, p), k->w_forder);
}

/* n granules of contents, as symbols of the scenario's alphabet. */
WB_HOT void wb_pack_syms(const struct wb_model *m, const uint8_t *c, size_t n, struct wb_bits *b)
{
	/* in locals: the output's byte stores could otherwise alias them */
	const unsigned wsym = m->pack.w_sym;
	const uint8_t *sym = m->pack.sym;

	for (size_t i = 0; i < n; i++)
		wb_put(b, sym[c[i]], wsym);
}

/* drop_writes' record: a bit per granule of the file. */
WB_HOT void wb_pack_drop(const struct wb_model *m, void *cw, struct wb_bits *b)
{
	const uint8_t *d = wb_drop(m, cw);

	for (unsigned i = 0; i < m->npages * m->gpp; i++)
		wb_put(b, (d[i / 8] >> (i % 8)) & 1u, 1);
}

WB_HOT void wb_pack_bits(const struct wb_model *m, const void *w, struct wb_bits *b)
{
	void *cw = WBC(w);

	wb_pack_header(m, cw, b);
	wb_mark(b, 0);
	wb_pack_tasks(m, (const uint8_t *)cw, 0, (unsigned)m->pack.nfields, b);
	wb_mark(b, 1);
	wb_pack_ext(m, cw, b);
	for (unsigned p = 0; p < m->npages; p++)
		wb_pack_page(m, cw, p, b);
	wb_mark(b, 2);
	/* cache and disk are contiguous in the world */
	wb_pack_syms(m, (const uint8_t *)cw + m->off_cache,
		     (size_t)m->npages * m->gpp + (size_t)m->nblocks * m->gpb, b);
	if (m->cfg.drop_writes)
		wb_pack_drop(m, cw, b);
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

/* Rewrite the encoding from bit `bit` of key on: keep the bits before it in its byte. */
WB_HOT void wb_at(struct wb_bits *b, uint8_t *key, uint32_t bit)
{
	b->out = key + bit / 8;
	b->nacc = bit % 8;
	b->acc = b->out[0] & ((1u << b->nacc) - 1);
}

/* End a rewrite: keep the bits after it in its last byte. */
WB_HOT void wb_close(struct wb_bits *b)
{
	while (b->nacc >= 8) {
		*b->out++ = (uint8_t)b->acc;
		b->acc >>= 8;
		b->nacc -= 8;
	}
	if (b->nacc) {
		uint8_t keep = (uint8_t)(0xffu << b->nacc);
		*b->out = (uint8_t)((*b->out & keep) | ((uint8_t)b->acc & ~keep));
	}
}

/* Do n bytes at a and b differ?  Inlined: most regions are a few bytes. */
WB_HOT bool wb_differs(const uint8_t *a, const uint8_t *b, size_t n)
{
	uint64_t x = 0, u, v;

	for (; n >= 8; n -= 8, a += 8, b += 8) {
		memcpy(&u, a, 8);
		memcpy(&v, b, 8);
		x |= u ^ v;
	}
	/* the tail in at most three loads a side, not a byte at a time */
	if (n >= 4) {
		uint32_t s, t;
		memcpy(&s, a, 4);
		memcpy(&t, b, 4);
		x |= s ^ t;
		n -= 4, a += 4, b += 4;
	}
	if (n >= 2) {
		uint16_t s, t;
		memcpy(&s, a, 2);
		memcpy(&t, b, 2);
		x |= (uint64_t)(s ^ t);
		n -= 2, a += 2, b += 2;
	}
	if (n)
		x |= (uint64_t)(*a ^ *b);
	return x != 0;
}

/*
 * wb_repack's first pass, for worlds of WB_REPACK_MAX_BYTES bytes at most:
 * which bytes a step changed, as a bitmap (bit i % 64 of word i / 64 for
 * byte i), then the parts of the encoding those bytes are packed in.
 */

/* The bytes of 8 that differ between u and v: bit j for byte j. */
WB_HOT uint64_t wb_byte_diffs8(uint64_t u, uint64_t v)
{
	uint64_t x = u ^ v;

	x |= x >> 4;
	x |= x >> 2;
	x |= x >> 1;
	x &= 0x0101010101010101ull; /* bit 0 of each byte: the byte differs */
	return (x * 0x0102040810204080ull) >> 56; /* gathered into the top byte */
}

/* The parts whose bytes differ between worlds a and b (size: a multiple of 8), as a mask. */
WB_HOT uint64_t wb_changed_parts(const struct wb_pack *k, const uint8_t *a, const uint8_t *b,
				 size_t size)
{
	const uint8_t *part_of = k->part_of, *part_run = k->part_run;
	uint64_t parts = 0, d;
	size_t i = 0;

#ifdef __SSE2__
	for (; i + 64 <= size; i += 64) {
		uint64_t e = 0;
		for (unsigned q = 0; q < 4; q++) {
			__m128i x = _mm_loadu_si128((const __m128i *)(const void *)(a + i + 16 * q));
			__m128i y = _mm_loadu_si128((const __m128i *)(const void *)(b + i + 16 * q));
			e |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, y)) << (16 * q);
		}
		/* a changed byte's part, then past the rest of that part's bytes in the word */
		for (d = ~e; d;) {
			unsigned j = (unsigned)__builtin_ctzll(d);
			parts |= 1ull << part_of[i + j];
			d &= ~(((1ull << part_run[i + j]) - 1) << j);
		}
	}
#endif
	for (; i < size; i += 8) {
		uint64_t u, v;
		memcpy(&u, a + i, 8);
		memcpy(&v, b + i, 8);
		if (u == v)
			continue;
		for (d = wb_byte_diffs8(u, v); d; d &= d - 1)
			parts |= 1ull << part_of[i + (unsigned)__builtin_ctzll(d)];
	}
	return parts;
}

/* Rewrite part `part` of the encoding out from world w (the parts of wb_pack_init's part_of). */
WB_HOT void wb_repack_part(const struct wb_model *m, const uint8_t *c, unsigned part, uint8_t *out)
{
	const struct wb_pack *k = &m->pack;
	void *cw = WBC(c);
	const struct wb_parts pn = wb_parts(m);
	struct wb_bits b;

	if (part == 0) {
		wb_at(&b, out, 0);
		wb_pack_header(m, cw, &b);
	} else if (part < pn.ext) {
		unsigned t = part - 1;
		wb_at(&b, out, k->bit_task[t]);
		wb_pack_tasks(m, c, k->task_field[t], k->task_field[t + 1], &b);
	} else if (part == pn.ext) {
		wb_at(&b, out, k->bit_task[m->ntasks]);
		wb_pack_ext(m, cw, &b);
	} else if (part < pn.chunk) {
		unsigned p = part - pn.page;
		wb_at(&b, out, k->bit_pages + p * k->page_bits);
		wb_pack_page(m, cw, p, &b);
	} else if (part < pn.drop) {
		unsigned q = part - pn.chunk;
		wb_at(&b, out, k->bit_content + q * k->chunk_bits);
		wb_pack_syms(m, c + m->off_cache + (size_t)q * m->gpp, m->gpp, &b);
	} else {
		assert(part == pn.drop);
		wb_at(&b, out, k->bit_drop);
		wb_pack_drop(m, cw, &b);
	}
	wb_close(&b);
}

/* wb_repack for worlds without part_of: compare each part's bytes. */
static void wb_repack_cmp(const struct wb_model *m, const void *parent, const void *w,
			  uint8_t *out)
{
	const struct wb_pack *k = &m->pack;
	const uint8_t *a = parent, *c = w;
	void *cw = WBC(w);
	struct wb_bits b;
	unsigned t, p;

	if (wb_differs(a, c, sizeof(struct wb_inode))) {
		wb_at(&b, out, 0);
		wb_pack_header(m, cw, &b);
		wb_close(&b);
	}
	for (t = 0; t < m->ntasks; t++) {
		size_t off = m->off_tasks + (size_t)t * WB_TASK_SLOT;
		if (!wb_differs(a + off, c + off, WB_TASK_SLOT))
			continue;
		wb_at(&b, out, k->bit_task[t]);
		wb_pack_tasks(m, c, k->task_field[t], k->task_field[t + 1], &b);
		wb_close(&b);
	}
	if (wb_differs(a + m->off_ext, c + m->off_ext, m->nblocks)) {
		wb_at(&b, out, k->bit_task[m->ntasks]);
		wb_pack_ext(m, cw, &b);
		wb_close(&b);
	}
	/* most steps change no folio and no IO: one comparison of each array first */
	bool pages = wb_differs(a + m->off_folio, c + m->off_folio,
				m->npages * sizeof(struct folio)) ||
		     wb_differs(a + m->off_io, c + m->off_io, m->npages * sizeof(struct wb_io)) ||
		     (m->pbd && wb_differs(a + m->off_dirty, c + m->off_dirty,
					   m->npages * sizeof(uint16_t))) ||
		     (m->lf && wb_differs(a + m->off_forder, c + m->off_forder, m->npages));
	for (p = 0; pages && p < m->npages; p++) {
		size_t fo = m->off_folio + p * sizeof(struct folio);
		size_t io = m->off_io + p * sizeof(struct wb_io);
		/* per_block_dirty: the page's dirty bits live in a region of their own */
		size_t dof = m->off_dirty + p * sizeof(uint16_t);
		if (!wb_differs(a + fo, c + fo, sizeof(struct folio)) &&
		    !wb_differs(a + io, c + io, sizeof(struct wb_io)) &&
		    !(m->pbd && wb_differs(a + dof, c + dof, sizeof(uint16_t))) &&
		    !(m->lf && a[m->off_forder + p] != c[m->off_forder + p]))
			continue;
		wb_at(&b, out, k->bit_pages + p * k->page_bits);
		wb_pack_page(m, cw, p, &b);
		wb_close(&b);
	}
	/* the cache then the disk, a page's granules at a time */
	size_t nc = 2 * (size_t)m->npages * m->gpp;
	if (!wb_differs(a + m->off_cache, c + m->off_cache, nc))
		nc = 0; /* most steps leave every byte as it was */
	for (p = 0; nc && p < 2 * m->npages; p++) {
		size_t off = m->off_cache + (size_t)p * m->gpp;
		if (!wb_differs(a + off, c + off, m->gpp))
			continue;
		wb_at(&b, out, k->bit_content + p * k->chunk_bits);
		wb_pack_syms(m, c + off, m->gpp, &b);
		wb_close(&b);
	}
	if (m->cfg.drop_writes &&
	    wb_differs(a + m->off_drop, c + m->off_drop, (m->npages * m->gpp + 7) / 8)) {
		wb_at(&b, out, k->bit_drop);
		wb_pack_drop(m, cw, &b);
		wb_close(&b);
	}
}

/*
 * The encoding of world w, given the encoding of `parent`, a world one step
 * before it: a step changes few parts (one task's slot, a folio or two, the
 * bytes of a page), so the parts whose bytes are unchanged are copied and
 * only the others written again.  The result is wb_pack's, bit for bit.
 */
void wb_repack(const struct wb_model *m, const void *parent, const uint8_t *parent_key,
	       const void *w, uint8_t *out)
{
	const struct wb_pack *k = &m->pack;

	memcpy(out, parent_key, k->bytes);
	if (k->repack_bytes) {
		const uint8_t *a = parent, *c = w;
		uint64_t parts = wb_changed_parts(k, a, c, m->size) & ~(1ull << WB_PART_NONE);
		for (; parts; parts &= parts - 1)
			wb_repack_part(m, c, (unsigned)__builtin_ctzll(parts), out);
	} else {
		wb_repack_cmp(m, parent, w, out); /* larger worlds: compare each part's bytes */
	}
#ifdef WBSIM_CHECK_EVERY_STEP
	{
		/* (a check only: skipped where memory is refused) */
		uint8_t *full = malloc(k->bytes);
		if (full)
			wb_pack(m, w, full);
		if (full && memcmp(full, out, k->bytes)) {
			fprintf(stderr, "wbsim: internal error: the incremental encoding differs\n");
			abort();
		}
		free(full);
	}
#endif
}
