/* SPDX-License-Identifier: MIT */
/*
 * rangeop.c - fallocate(PUNCH_HOLE), fallocate(0) and truncate, under i_rwsem
 * and the invalidate_lock, both exclusive (docs/model.md section 9).
 *
 * Models fs/xfs/xfs_file.c xfs_file_fallocate() with xfs_free_file_space()
 * and xfs_alloc_file_space() (fs/xfs/xfs_bmap_util.c), and xfs_vn_setattr()
 * -> xfs_setattr_size() (6.1, 6.3).  Simplified: ranges are block-aligned, so
 * no partial block is zeroed on disk; the flush before the punch is folded
 * into flush_range (dirty data of a punched range is dropped anyway).
 *
 *   RWSEM_LOCK -rwsem_lock-> INVAL_LOCK -invalidate_lock-> [FLUSH -flush_range->]
 *   CHANGE -punch_range|alloc_range|setsize-> UNLOCK -rwsem_unlock-> DONE
 */
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "model/actor.h"
#include "model/scenario_check.h"
#include "model/extent_map.h"
#include "model/locks.h"


/* The byte range whose page cache the operation drops. */
static void wb_rangeop_range(const struct wb_model *m, unsigned t, uint64_t *s, uint64_t *e)
{
	const struct wb_task_def *td = &m->sc->tasks[t];

	if (td->op == WB_OP_TRUNCATE) {
		*s = td->size;
		*e = (uint64_t)m->npages * m->ps;
	} else {
		*s = td->offset;
		*e = td->offset + td->length;
	}
}

/* Does the EOF zeroing of [from, to) have anything to zero: a DELALLOC or WRITTEN block? */
static bool wb_zero_eof_blocks(const struct wb_model *m, const void *w, uint32_t from, uint32_t to)
{
	const uint8_t *ext = wb_ext(m, WBC(w));

	for (uint32_t b = from / m->bs; b < m->nblocks && b * m->bs < to; b++)
		if (ext[b] == WB_DELALLOC || ext[b] == WB_WRITTEN)
			return true;
	return false;
}

/* The file's new size if this step makes it grow (truncate's flush, fallocate's change), or 0. */
static uint32_t wb_rangeop_grows_to(const struct wb_model *m, const void *w, unsigned t)
{
	const struct wb_task_def *td = &m->sc->tasks[t];
	uint32_t i_size = wb_inode(WBC(w))->i_size;
	uint8_t pc = wb_task(m, WBC(w), t)->o.pc;
	uint64_t to = 0;

	if (td->op == WB_OP_TRUNCATE && pc == RP_FLUSH)
		to = td->size;
	else if (td->op == WB_OP_FALLOCATE && pc == RP_CHANGE)
		to = td->offset + td->length;
	return to > i_size ? (uint32_t)to : 0;
}

/*
 * Models: fs/xfs/xfs_iops.c xfs_setattr_size() zeroing [i_size, new size)
 * through xfs_zero_range() -> iomap_zero_range() when the file grows (6.1,
 * 6.2): a truncate up, and a fallocate past EOF (xfs_file_fallocate() ->
 * xfs_vn_setattr_size()).  One step under i_rwsem and the invalidate_lock,
 * with the current extent map: HOLE and UNWRITTEN blocks are skipped
 * (iomap_zero_iter()); over a DELALLOC or WRITTEN block the folio is created
 * if absent, the block made uptodate (read from disk if WRITTEN below i_size,
 * else zeroed), the range's bytes zeroed and the folio dirtied.  This is what
 * zeroes an mmap store's bytes past the old EOF.  Left out: the zeroing
 * iteration's own race with writeback (as for the write's zero_gap), and the
 * write-and-wait of the zeroed range that follows (the folios stay dirty).
 */
static void xfs_zero_eof(struct wb_model *m, void *w, unsigned t, uint32_t to)
{
	const uint8_t *ext = wb_ext(m, w);
	uint32_t from = wb_inode(w)->i_size;

	for (uint32_t x = from / m->bs * m->bs; x < to; x += m->bs) {
		unsigned b = x / m->bs, page = x / m->ps, bi = b % m->bpp;
		struct folio *f = wb_folio(m, w, page);
		uint32_t zs = x > from ? x : from, ze = x + m->bs < to ? x + m->bs : to;
		if (ext[b] != WB_DELALLOC && ext[b] != WB_WRITTEN)
			continue;
		wb_fp(m, WB_LOC_EXT(m, b), WB_FP_READ);
		if (!(f->flags & FOLIO_PRESENT)) {
			f->flags = FOLIO_PRESENT;
			f->uptodate = 0;
			wb_prov_new_folio(m, page);
		}
		if (!(f->uptodate & (1u << bi))) {
			size_t g0 = (size_t)(x % m->ps) / m->gran;
			if (ext[b] == WB_WRITTEN && x < from) {
				memcpy(wb_cache(m, w, page) + g0, wb_disk(m, w) + (size_t)x / m->gran,
				       m->gpb);
				wb_fp(m, WB_LOC_DISK(m, b), WB_FP_READ);
				if (m->prov)
					memcpy(m->prov->cache + (size_t)page * m->gpp + g0,
					       m->prov->disk + (size_t)x / m->gran,
					       m->gpb * sizeof(uint32_t));
			} else {
				wb_cache_zero(m, w, x, x + m->bs, "%s EOF zeroing (new block)",
					      m->sc->tasks[t].name);
			}
			f->uptodate |= (uint16_t)(1u << bi);
		}
		wb_cache_zero(m, w, zs, ze, "%s EOF zeroing (iomap_zero_range)",
			      m->sc->tasks[t].name);
		f->flags |= FOLIO_DIRTY;
		wb_fp(m, WB_LOC_FOLIO(m, page), WB_FP_WRITE);
		wb_desc(m, " zero [%u,%u) of page %u;", zs, ze, page);
	}
}

static bool wb_rangeop_enabled(const struct wb_model *m, const void *w, unsigned t, char *why,
			       size_t n)
{
	void *cw = WBC(w);
	uint64_t s, e;

	uint32_t to = wb_rangeop_grows_to(m, cw, t), from = wb_inode(cw)->i_size;

	/* the EOF zeroing locks each folio it zeroes (iomap_write_begin) */
	if (to && wb_zero_eof_blocks(m, cw, from, to) && !wb_range_quiet(m, cw, from, to, false)) {
		WB_WHY(why, n, "waits for the folios of [%u,%u) to be unlocked to zero them", from,
		       to);
		return false;
	}
	switch (wb_task(m, cw, t)->o.pc) {
	case RP_DONE:
		WB_WHY(why, n, "finished");
		return false;
	case RP_RWSEM_LOCK:
		return wb_rwsem_available(m, cw, false, why, n);
	case RP_INVAL_LOCK:
		return wb_inval_available(m, cw, false, why, n);
	case RP_FLUSH:
		wb_rangeop_range(m, t, &s, &e);
		if (!wb_range_quiet(m, cw, s, e, true)) {
			WB_WHY(why, n, "waits for the folios of [%llu,%llu) to be unlocked and out "
				       "of writeback", (unsigned long long)s, (unsigned long long)e);
			return false;
		}
		return true;
	default:
		return true;
	}
}

static void wb_rangeop_change(struct wb_model *m, void *w, unsigned t)
{
	const struct wb_task_def *td = &m->sc->tasks[t];
	struct wb_inode *ino = wb_inode(w);
	uint8_t *ext = wb_ext(m, w);
	unsigned b, b0 = (unsigned)(td->offset / m->bs), b1, changed = 0;

	switch (td->op) {
	case WB_OP_PUNCH:
		/* Models: xfs_free_file_space() -> xfs_bunmapi() */
		b1 = (unsigned)((td->offset + td->length) / m->bs);
		for (b = b0; b < b1; b++)
			if (ext[b] != WB_HOLE) {
				ext[b] = WB_HOLE;
				wb_fp(m, WB_LOC_EXT(m, b), WB_FP_WRITE);
				changed++;
			}
		wb_desc(m, "blocks [%u,%u) -> HOLE", b0, b1);
		break;
	case WB_OP_FALLOCATE: {
		/*
		 * Models: xfs_alloc_file_space() -> xfs_bmapi_write(XFS_BMAPI_PREALLOC)
		 * (fs/xfs/xfs_bmap_util.c, fs/xfs/libxfs/xfs_bmap.c, 6.1, 6.3): holes
		 * are allocated UNWRITTEN; a delalloc record is allocated whole
		 * (xfs_bmapi_allocate() with wasdel takes the record's own start and
		 * length), UNWRITTEN too, even where it reaches outside the range.
		 */
		unsigned lo = UINT_MAX, hi = 0, s, e;
		b1 = (unsigned)((td->offset + td->length) / m->bs);
		for (b = b0; b < b1; b++) {
			s = b;
			e = b + 1;
			if (ext[b] == WB_DELALLOC)
				wb_extent_at(m, w, b, &s, &e);
			else if (ext[b] != WB_HOLE)
				continue;
			for (unsigned j = s; j < e; j++) {
				ext[j] = WB_UNWRITTEN;
				wb_fp(m, WB_LOC_EXT(m, j), WB_FP_WRITE);
				changed++;
			}
			lo = s < lo ? s : lo;
			hi = e > hi ? e : hi;
		}
		wb_desc(m, "holes and DELALLOC in blocks [%u,%u) -> UNWRITTEN", b0, b1);
		if (lo < b0 || hi > b1)
			wb_desc(m, " (delalloc records whole: blocks [%u,%u))", lo, hi);
		if (td->offset + td->length > ino->i_size &&
		    wb_zero_eof_blocks(m, w, ino->i_size, (uint32_t)(td->offset + td->length))) {
			wb_desc(m, "; xfs_setattr_size:");
			xfs_zero_eof(m, w, t, (uint32_t)(td->offset + td->length));
		}
		if (td->offset + td->length > ino->i_size) {
			wb_desc(m, ", i_size %u->%llu", ino->i_size,
				(unsigned long long)(td->offset + td->length));
			wb_isize_extended(m, w, ino->i_size, (uint32_t)(td->offset + td->length));
			ino->i_size = (uint32_t)(td->offset + td->length);
		}
		break;
	}
	default:
		/* Models: truncate_setsize() and xfs_itruncate_extents() */
		wb_desc(m, "i_size %u->%llu", ino->i_size, (unsigned long long)td->size);
		if (td->size < ino->i_size) {
			for (b = (unsigned)(td->size / m->bs); b < m->nblocks; b++)
				if (ext[b] != WB_HOLE) {
					ext[b] = WB_HOLE;
					wb_fp(m, WB_LOC_EXT(m, b), WB_FP_WRITE);
					changed++;
				}
			wb_desc(m, ", blocks from %llu -> HOLE", (unsigned long long)(td->size / m->bs));
		}
		if (td->size > ino->i_size)
			wb_isize_extended(m, w, ino->i_size, (uint32_t)td->size);
		ino->i_size = (uint32_t)td->size;
		break;
	}
	if (changed)
		wb_seq_bump(m, w);
}

static void wb_rangeop_apply(struct wb_model *m, void *w, unsigned t, unsigned arg)
{
	struct wb_rangeop *o = &wb_task(m, w, t)->o;
	enum wb_op op = m->sc->tasks[t].op;
	uint64_t s, e;

	(void)arg;
	switch (o->pc) {
	case RP_RWSEM_LOCK:
		wb_rwsem_down(m, w, t, false);
		o->pc = RP_INVAL_LOCK;
		wb_desc(m, "i_rwsem taken exclusive");
		break;
	case RP_INVAL_LOCK:
		wb_inval_down(m, w, t, false);
		o->pc = op == WB_OP_FALLOCATE ? RP_CHANGE : RP_FLUSH;
		wb_desc(m, "invalidate_lock taken exclusive");
		break;
	case RP_FLUSH:
		/* Models: xfs_flush_unmap_range() / truncate_pagecache() */
		wb_rangeop_range(m, t, &s, &e);
		if (wb_rangeop_grows_to(m, w, t) &&
		    wb_zero_eof_blocks(m, w, wb_inode(w)->i_size, wb_rangeop_grows_to(m, w, t))) {
			wb_desc(m, "xfs_setattr_size:");
			xfs_zero_eof(m, w, t, wb_rangeop_grows_to(m, w, t));
			wb_desc(m, " ");
		}
		wb_desc(m, "page cache of [%llu,%llu):", (unsigned long long)s,
			(unsigned long long)e);
		wb_truncate_pagecache(m, w, s, e);
		/* a store before this point lands before the range goes; one after faults
		 * on the invalidate_lock until the range is gone: this is the content order */
		wb_order_append(w, t);
		o->pc = RP_CHANGE;
		break;
	case RP_CHANGE:
		wb_rangeop_change(m, w, t);
		o->pc = RP_UNLOCK;
		break;
	case RP_UNLOCK:
		wb_inval_up(m, w, false);
		wb_rwsem_up(m, w, false);
		o->pc = RP_DONE;
		wb_desc(m, "invalidate_lock and i_rwsem released; %s finished", m->sc->tasks[t].name);
		break;
	}
}

/* ---- the scenario loader: the task's own members ---- */

/* punch and fallocate: a block-aligned range */
static const char *const range_keys[] = { "name", "op", "offset", "length", "after", NULL };

static void range_op(struct sc_ctx *c, json_t *t, struct wb_task_def *d, const char *what)
{
	int ro = sc_get_int(c, t, "offset", true, 0, SC_MAX_INT, &d->offset);
	int rl = sc_get_int(c, t, "length", true, 1, SC_MAX_INT, &d->length);
	bool ok = ro == SC_OK && rl == SC_OK;
	char why[48];

	snprintf(why, sizeof(why), "a %s", what);
	if (ro == SC_OK && !sc_block_aligned(c, "offset", d->offset, why))
		ok = false;
	if (rl == SC_OK && !sc_block_aligned(c, "length", d->length, why))
		ok = false;
	if (ok)
		sc_reach_range(c, d->offset, d->length, what);
}

static void load_punch(struct sc_ctx *c, json_t *t, struct wb_task_def *d, size_t i)
{
	(void)i;
	range_op(c, t, d, "punch range");
}

static void load_fallocate(struct sc_ctx *c, json_t *t, struct wb_task_def *d, size_t i)
{
	(void)i;
	range_op(c, t, d, "fallocate range");
}

static const char *const truncate_keys[] = { "name", "op", "size", "after", NULL };

static void load_truncate(struct sc_ctx *c, json_t *t, struct wb_task_def *d, size_t i)
{
	(void)i;
	if (sc_get_int(c, t, "size", true, 0, SC_MAX_INT, &d->size) == SC_OK &&
	    sc_block_aligned(c, "size", d->size, "a truncate size"))
		sc_reach(c, "size", d->size);
}


/* ---- the actors: punch, fallocate, truncate ---- */

static unsigned wb_range_offsets(const struct wb_task_def *td, uint64_t out[4])
{
	out[0] = td->offset;
	out[1] = td->offset + td->length;
	return 2;
}

static unsigned wb_truncate_offsets(const struct wb_task_def *td, uint64_t out[4])
{
	out[0] = td->size;
	return 1;
}

static void wb_rangeop_pack_fields(const struct wb_model *m, unsigned t, struct wb_pack_fields *pf)
{
	WB_PACK(pf, m, t, struct wb_rangeop, pc, 3, 1);
}

static void wb_rangeop_describe(const struct wb_model *m, const void *w, unsigned t, FILE *out)
{
	fprintf(out, "next %s", wb_task_step(m, w, t)->name);
}

static void wb_punch_expected(const struct wb_model *m, const void *w, unsigned t, uint8_t *e,
			      size_t ngran)
{
	const struct wb_task_def *td = &m->sc->tasks[t];

	(void)w;
	(void)ngran;
	memset(e + td->offset / m->gran, 0, td->length / m->gran);
}

static void wb_truncate_expected(const struct wb_model *m, const void *w, unsigned t, uint8_t *e,
				 size_t ngran)
{
	size_t g0 = m->sc->tasks[t].size / m->gran;

	(void)w;
	if (g0 < ngran)
		memset(e + g0, 0, ngran - g0);
}

static const struct wb_step_def wb_punch_steps[] = {
	{ RP_RWSEM_LOCK, "rwsem_lock", "xfs_file_fallocate: xfs_ilock(IOLOCK_EXCL)" },
	{ RP_INVAL_LOCK, "invalidate_lock", "xfs_ilock(XFS_MMAPLOCK_EXCL)" },
	{ RP_FLUSH, "flush_range", "xfs_flush_unmap_range / truncate_pagecache" },
	{ RP_CHANGE, "punch_range", "xfs_free_file_space" },
	{ RP_UNLOCK, "rwsem_unlock", "xfs_file_fallocate: xfs_iunlock(IOLOCK_EXCL | MMAPLOCK_EXCL)" },
};

static const struct wb_step_def wb_fallocate_steps[] = {
	{ RP_RWSEM_LOCK, "rwsem_lock", "xfs_file_fallocate: xfs_ilock(IOLOCK_EXCL)" },
	{ RP_INVAL_LOCK, "invalidate_lock", "xfs_ilock(XFS_MMAPLOCK_EXCL)" },
	{ RP_CHANGE, "alloc_range", "xfs_alloc_file_space" },
	{ RP_UNLOCK, "rwsem_unlock", "xfs_file_fallocate: xfs_iunlock(IOLOCK_EXCL | MMAPLOCK_EXCL)" },
};

static const struct wb_step_def wb_truncate_steps[] = {
	{ RP_RWSEM_LOCK, "rwsem_lock", "do_truncate: inode_lock" },
	{ RP_INVAL_LOCK, "invalidate_lock", "xfs_ilock(XFS_MMAPLOCK_EXCL)" },
	{ RP_FLUSH, "flush_range", "xfs_flush_unmap_range / truncate_pagecache" },
	{ RP_CHANGE, "setsize", "truncate_setsize / xfs_itruncate_extents" },
	{ RP_UNLOCK, "rwsem_unlock", "xfs_vn_setattr: xfs_iunlock(MMAPLOCK_EXCL); do_truncate: inode_unlock" },
};

/* i_rwsem from rwsem_lock on, the invalidate_lock from invalidate_lock on, both to the end. */
static int wb_rangeop_holds(const struct wb_model *m, const void *w, unsigned t,
			    struct wb_held *h, char *msg, size_t n)
{
	uint8_t pc = wb_task(m, WBC(w), t)->o.pc;

	(void)msg, (void)n;
	h->rwsem = pc >= RP_INVAL_LOCK && pc <= RP_UNLOCK;
	h->inval = pc >= RP_FLUSH && pc <= RP_UNLOCK;
	return 0;
}

#define WB_RANGEOP_ROW(steps_)                                                                     \
	.steps = steps_, .nsteps = sizeof(steps_) / sizeof(steps_[0]), .npc = RP_DONE + 1,        \
	.done_pc = RP_DONE, .enabled = wb_rangeop_enabled, .apply = wb_rangeop_apply,              \
	.pack_fields = wb_rangeop_pack_fields, .describe = wb_rangeop_describe,                    \
	.holds = wb_rangeop_holds

const struct wb_actor wb_actor_punch = {
	.name = "punch",
	.article = "a",
	.keys = range_keys,
	.load = load_punch,
	.flags = WB_ACT_RWSEM | WB_ACT_INVAL | WB_ACT_ORDERED,
	WB_RANGEOP_ROW(wb_punch_steps),
	.offsets = wb_range_offsets,
	.expected = wb_punch_expected,
};

const struct wb_actor wb_actor_fallocate = {
	.name = "fallocate",
	.article = "a",
	.keys = range_keys,
	.load = load_fallocate,
	.flags = WB_ACT_RWSEM | WB_ACT_INVAL,
	WB_RANGEOP_ROW(wb_fallocate_steps),
	.no_step = 1u << RP_FLUSH,
	.offsets = wb_range_offsets,
};

const struct wb_actor wb_actor_truncate = {
	.name = "truncate",
	.article = "a",
	.keys = truncate_keys,
	.load = load_truncate,
	.flags = WB_ACT_RWSEM | WB_ACT_INVAL | WB_ACT_ORDERED | WB_ACT_SHRINKS,
	WB_RANGEOP_ROW(wb_truncate_steps),
	.offsets = wb_truncate_offsets,
	.expected = wb_truncate_expected,
};
