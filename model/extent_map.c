/* SPDX-License-Identifier: MIT */
/*
 * extent_map.c - the extent map operations that bump seq.
 *
 * Models the parts of fs/xfs/libxfs/xfs_bmap.c and fs/xfs/xfs_iomap.c that
 * change the data fork under ILOCK_EXCL, each as one atomic step:
 *
 *   HOLE --reserve_delalloc--> DELALLOC --convert_delalloc--> UNWRITTEN
 *   UNWRITTEN --write_unwritten (IO completion)--> WRITTEN
 *   DELALLOC --punch_delalloc--> HOLE
 *
 * Disk addressing is the identity (file block b is disk block b), so
 * allocation never moves data.
 */
#include "model/extent_map.h"

#include <string.h>

void wb_extent_at(const struct wb_model *m, void *w, unsigned b, unsigned *start, unsigned *end)
{
	const uint8_t *ext = wb_ext(m, w);
	unsigned s = b, e = b + 1;

	while (s > 0 && ext[s - 1] == ext[b])
		s--;
	while (e < m->nblocks && ext[e] == ext[b])
		e++;
	*start = s;
	*end = e;
}

unsigned wb_next_extent(const struct wb_model *m, void *w, unsigned b)
{
	const uint8_t *ext = wb_ext(m, w);

	while (b < m->nblocks && ext[b] == WB_HOLE)
		b++;
	return b;
}

void wb_seq_bump(struct wb_model *m, void *w)
{
	struct wb_inode *ino = wb_inode(w);

	wb_desc(m, ", seq %u->%u", ino->seq, ino->seq + 1);
	ino->seq++;
	wb_fp(m, WB_LOC_SEQ, WB_FP_WRITE);
}

/*
 * Models: fs/xfs/libxfs/xfs_bmap.c xfs_bmapi_reserve_delalloc() (6.1, 6.3);
 * omits quota, speculative preallocation and the 1024-page cap.
 * Reserve DELALLOC over the holes [b0, b1); the caller trims b1 at the next extent.
 */
unsigned xfs_bmapi_reserve_delalloc(struct wb_model *m, void *w, unsigned b0, unsigned b1)
{
	uint8_t *ext = wb_ext(m, w);
	unsigned b;

	for (b = b0; b < b1; b++)
		ext[b] = WB_DELALLOC;
	wb_fp_blocks(m, b0, b1, false, WB_FP_WRITE);
	wb_seq_bump(m, w);
	return b1 - b0;
}

/*
 * Models: fs/xfs/libxfs/xfs_bmap.c xfs_bmapi_convert_delalloc() (6.1, 6.3)
 * with XFS_BMAPI_PREALLOC; omits short allocations (fragmented free space).
 * Allocate the whole DELALLOC extent around block b as UNWRITTEN and return
 * the UNWRITTEN extent it now belongs to (merged with its neighbours).
 */
void xfs_bmapi_convert_delalloc(struct wb_model *m, void *w, unsigned b, unsigned *start,
				unsigned *end)
{
	uint8_t *ext = wb_ext(m, w);
	unsigned s, e, i;

	wb_extent_at(m, w, b, &s, &e);
	for (i = s; i < e; i++)
		ext[i] = WB_UNWRITTEN;
	wb_fp_blocks(m, s, e, false, WB_FP_WRITE);
	wb_desc(m, "DELALLOC [%u,%u) -> UNWRITTEN", s * m->bs, e * m->bs);
	wb_seq_bump(m, w);
	wb_extent_at(m, w, b, start, end);
}

/*
 * A block xfs_bmapi_write() allocates at IO completion (below): the extent now
 * points at blocks the IO did not write (its bio went to the stale mapping's
 * address, before this allocation), so they hold whatever was on the disk.
 * Disk addressing is the identity elsewhere; here the model makes the new
 * block's contents garbage.  A bit of another IO in flight over the block is
 * cleared: the block is WRITTEN now (the canonical form of struct wb_io).
 */
static void wb_alloc_written(struct wb_model *m, void *w, unsigned b, uint32_t origin)
{
	uint8_t *ext = wb_ext(m, w);
	struct wb_io *io = wb_io(m, w, b / m->bpp);

	ext[b] = WB_WRITTEN;
	wb_fp(m, WB_LOC_EXT(m, b), WB_FP_WRITE);
	wb_fp(m, WB_LOC_DISK(m, b), WB_FP_WRITE);
	memset(wb_disk(m, w) + (size_t)b * m->gpb, WB_GARBAGE, m->gpb);
	if (m->prov)
		for (unsigned g = 0; g < m->gpb; g++)
			m->prov->disk[(size_t)b * m->gpb + g] = origin;
	io->unwritten &= (uint16_t) ~(1u << (b % m->bpp));
}

/*
 * Models: fs/xfs/xfs_iomap.c xfs_iomap_write_unwritten() (6.1, 6.3), called
 * from xfs_end_ioend() for the blocks the IO was mapped UNWRITTEN (mask);
 * omits transactions and i_disk_size.  It runs xfs_bmapi_write() with
 * XFS_BMAPI_CONVERT (fs/xfs/libxfs/xfs_bmap.c, 6.1, 6.3) over the range:
 *   UNWRITTEN -> WRITTEN (xfs_bmapi_convert_unwritten());
 *   WRITTEN: left alone;
 *   HOLE -> allocated WRITTEN (xfs_bmapi_allocate(), no XFS_BMAPI_PREALLOC);
 *   DELALLOC -> the whole delalloc extent allocated WRITTEN (xfs_bmapi_allocate()
 *   with wasdel takes the delalloc record whole).
 * HOLE and DELALLOC are reached only from a stale mapping (writeback_revalidate
 * off, with a punch or truncate).  One seq bump if anything changed.  Returns
 * how many blocks changed.
 */
unsigned xfs_iomap_write_unwritten(struct wb_model *m, void *w, unsigned b0, uint16_t mask)
{
	uint8_t *ext = wb_ext(m, w);
	unsigned i, b, s, e, changed = 0, conv = 0;
	uint32_t origin = 0;

	/* mask: blocks of a folio from b0 (a large folio's run past one page: m->mfb) */
	unsigned nb = m->mfb;

	for (i = 0; i < nb && b0 + i < m->nblocks; i++) {
		b = b0 + i;
		if ((mask & (1u << i)) && ext[b] == WB_UNWRITTEN) {
			ext[b] = WB_WRITTEN;
			wb_fp(m, WB_LOC_EXT(m, b), WB_FP_WRITE);
			wb_desc(m, conv ? " %u" : "block %u", b);
			conv++;
		}
	}
	if (conv)
		wb_desc(m, " UNWRITTEN -> WRITTEN");
	changed = conv;
	/* the rest is HOLE or DELALLOC: reached from a stale mapping only */
	for (i = 0; i < nb && b0 + i < m->nblocks; i++) {
		b = b0 + i;
		if (!(mask & (1u << i)) || ext[b] == WB_WRITTEN)
			continue;
		if (m->prov && !origin)
			origin = wb_origin_new(m, "garbage: blocks xfs_iomap_write_unwritten "
						  "allocated at IO completion, not the ones the IO wrote");
		s = b;
		e = b + 1;
		if (ext[b] == WB_DELALLOC)
			wb_extent_at(m, w, b, &s, &e);
		wb_desc(m, "%s%s [%u,%u) allocated WRITTEN (new blocks: garbage)", changed ? "; " : "",
			wb_ext_state_name(ext[b]), s * m->bs, e * m->bs);
		for (unsigned j = s; j < e; j++)
			wb_alloc_written(m, w, j, origin);
		changed += e - s;
	}
	if (changed)
		wb_seq_bump(m, w);
	return changed;
}

/*
 * Models: fs/xfs/xfs_bmap_util.c xfs_bmap_punch_delalloc_range() (6.3, byte
 * range form of 7348b322332d): delete every DELALLOC block overlapping
 * [start, end) bytes, leave other states alone.  The caller bumps seq once
 * for its whole step if anything changed.
 */
unsigned xfs_bmap_punch_delalloc_range(struct wb_model *m, void *w, uint64_t start, uint64_t end)
{
	uint8_t *ext = wb_ext(m, w);
	unsigned b0 = (unsigned)(start / m->bs);
	unsigned b1 = (unsigned)((end + m->bs - 1) / m->bs);
	unsigned b, changed = 0;

	if (b1 > m->nblocks)
		b1 = m->nblocks;
	for (b = b0; b < b1; b++) {
		if (ext[b] == WB_DELALLOC) {
			ext[b] = WB_HOLE;
			wb_fp(m, WB_LOC_EXT(m, b), WB_FP_WRITE);
			changed++;
		}
	}
	if (changed)
		wb_desc(m, " punch DELALLOC in [%llu,%llu)", (unsigned long long)b0 * m->bs,
			(unsigned long long)b1 * m->bs);
	return changed;
}
