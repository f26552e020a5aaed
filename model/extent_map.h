/* SPDX-License-Identifier: MIT */
/*
 * extent_map.h - the XFS in-core data fork, per block, and its sequence number.
 *
 * Contiguous blocks of one state form an extent, so extents split and merge
 * as blocks change state.  Every operation that changes the map bumps seq by
 * exactly one, whatever the number of blocks it changes (the kernel bumps
 * if_seq once per record update; only equality is ever tested).
 */
#ifndef WBSIM_EXTENT_MAP_H
#define WBSIM_EXTENT_MAP_H

#include "model/world.h"

/* The extent (maximal run of one state) around block b: [*start, *end). */
void wb_extent_at(const struct wb_model *m, void *w, unsigned b, unsigned *start, unsigned *end);
/* The first block at or after b that is not a hole, or nblocks. */
unsigned wb_next_extent(const struct wb_model *m, void *w, unsigned b);

/* One bump of seq, described in the step's text. */
void wb_seq_bump(struct wb_model *m, void *w);

unsigned xfs_bmapi_reserve_delalloc(struct wb_model *m, void *w, unsigned b0, unsigned b1);
void xfs_bmapi_convert_delalloc(struct wb_model *m, void *w, unsigned b, unsigned *start,
				unsigned *end);
unsigned xfs_iomap_write_unwritten(struct wb_model *m, void *w, unsigned b0, uint16_t mask);
unsigned xfs_bmap_punch_delalloc_range(struct wb_model *m, void *w, uint64_t start, uint64_t end);

#endif
