/* SPDX-License-Identifier: MIT */
/*
 * rangeop.c - fallocate(PUNCH_HOLE), fallocate(0) and truncate, under i_rwsem
 * and the invalidate_lock, both exclusive (docs/model.md section 7).
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
#include "model/rangeop.h"

#include <stdio.h>
#include <string.h>

#include "model/extent_map.h"

const char *wb_rangeop_step(const struct wb_model *m, const void *w, unsigned t)
{
	enum wb_op op = m->sc->tasks[t].op;

	switch (wb_task(m, WBC(w), t)->o.pc) {
	case RP_RWSEM_LOCK:
		return "rwsem_lock";
	case RP_INVAL_LOCK:
		return "invalidate_lock";
	case RP_FLUSH:
		return "flush_range";
	case RP_CHANGE:
		return op == WB_OP_PUNCH ? "punch_range" : op == WB_OP_FALLOCATE ? "alloc_range"
										  : "setsize";
	case RP_UNLOCK:
		return "rwsem_unlock";
	}
	return NULL;
}

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

bool wb_rangeop_enabled(const struct wb_model *m, const void *w, unsigned t, char *why, size_t n)
{
	void *cw = WBC(w);
	const struct wb_inode *ino = wb_inode(cw);
	uint64_t s, e;

	switch (wb_task(m, cw, t)->o.pc) {
	case RP_DONE:
		WB_WHY(why, n, "finished");
		return false;
	case RP_RWSEM_LOCK:
		if (ino->rwsem_owner) {
			WB_WHY(why, n, "waits for i_rwsem, held by %s",
			       m->sc->tasks[ino->rwsem_owner - 1].name);
			return false;
		}
		return true;
	case RP_INVAL_LOCK:
		if (!wb_inval_free(cw)) {
			WB_WHY(why, n, "waits for the invalidate_lock (held %s)",
			       ino->inval_excl ? "exclusive" : "shared by a page fault");
			return false;
		}
		return true;
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
	case WB_OP_FALLOCATE:
		/* Models: xfs_alloc_file_space() -> xfs_bmapi_write(XFS_BMAPI_PREALLOC) */
		b1 = (unsigned)((td->offset + td->length) / m->bs);
		for (b = b0; b < b1; b++)
			if (ext[b] == WB_HOLE || ext[b] == WB_DELALLOC) {
				ext[b] = WB_UNWRITTEN;
				wb_fp(m, WB_LOC_EXT(m, b), WB_FP_WRITE);
				changed++;
			}
		wb_desc(m, "holes and DELALLOC in blocks [%u,%u) -> UNWRITTEN", b0, b1);
		if (td->offset + td->length > ino->i_size) {
			wb_desc(m, ", i_size %u->%llu", ino->i_size,
				(unsigned long long)(td->offset + td->length));
			wb_isize_extended(m, w, ino->i_size, (uint32_t)(td->offset + td->length));
			ino->i_size = (uint32_t)(td->offset + td->length);
		}
		break;
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

void wb_rangeop_apply(struct wb_model *m, void *w, unsigned t)
{
	struct wb_rangeop *o = &wb_task(m, w, t)->o;
	struct wb_inode *ino = wb_inode(w);
	enum wb_op op = m->sc->tasks[t].op;
	uint64_t s, e;

	switch (o->pc) {
	case RP_RWSEM_LOCK:
		ino->rwsem_owner = (uint8_t)(t + 1);
		wb_fp(m, WB_LOC_RWSEM, WB_FP_WAIT | WB_FP_WRITE);
		o->pc = RP_INVAL_LOCK;
		wb_desc(m, "i_rwsem taken exclusive");
		break;
	case RP_INVAL_LOCK:
		ino->inval_excl = (uint8_t)(t + 1);
		wb_fp(m, WB_LOC_INVAL(m), WB_FP_WAIT | WB_FP_WRITE);
		o->pc = op == WB_OP_FALLOCATE ? RP_CHANGE : RP_FLUSH;
		wb_desc(m, "invalidate_lock taken exclusive");
		break;
	case RP_FLUSH:
		/* Models: xfs_flush_unmap_range() / truncate_pagecache() */
		wb_rangeop_range(m, t, &s, &e);
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
		ino->inval_excl = 0;
		ino->rwsem_owner = 0;
		wb_fp(m, WB_LOC_INVAL(m), WB_FP_WRITE);
		wb_fp(m, WB_LOC_RWSEM, WB_FP_WRITE);
		o->pc = RP_DONE;
		wb_desc(m, "invalidate_lock and i_rwsem released; %s finished", m->sc->tasks[t].name);
		break;
	}
}
