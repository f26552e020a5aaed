/* SPDX-License-Identifier: MIT */
/*
 * iomap_iter.h - the iomap iteration of buffered_write.c, for every actor
 * that runs one: a buffered write (with the EOF zeroing of its write checks
 * first), and the EOF zeroing alone of a truncate or fallocate that grows
 * the file (xfs_setattr_size() -> xfs_zero_range() -> iomap_zero_range()).
 *
 * The iteration's state is a struct wb_writer in the task's slot, with the
 * writer's program counters (WP_*) and step names; the actor hands it over
 * with where its zeroing ends.  The zeroing alone ends with the iteration's
 * pc at WP_DONE.
 */
#ifndef WBSIM_IOMAP_ITER_H
#define WBSIM_IOMAP_ITER_H

#include "model/actor.h"

struct wb_iter_ref {
	struct wb_writer *it;	/* the iteration's state, in the task's slot */
	uint32_t zero_end;	/* the EOF zeroing covers [i_size, zero_end) */
	bool write;		/* a buffered write from zero_end follows the zeroing */
};

/* Can the iteration take its next step (not at WP_RWSEM_LOCK, WP_RWSEM_UNLOCK nor WP_DONE)? */
bool wb_iter_enabled(const struct wb_model *m, const void *w, unsigned t,
		     const struct wb_writer *it, uint32_t zero_end, char *why, size_t n);
/*
 * The zeroing of [it->pos, zero_end) begins: with zero_dirty_unwritten=flush,
 * sample range_dirty (iomap_zero_range(), 6.12) into WR_RANGE_DIRTY.
 */
void wb_iter_zero_start(struct wb_model *m, void *w, struct wb_writer *it, uint32_t zero_end);
/* Take the iteration's next step. */
void wb_iter_apply(struct wb_model *m, void *w, unsigned t, const struct wb_iter_ref *r);
/* The writer's step at the iteration's pc (its name and kernel function). */
const struct wb_step_def *wb_iter_step(const struct wb_writer *it);
/* What the iteration holds (its folio's lock and reference); 0, or -1 with a message. */
int wb_iter_holds(const struct wb_model *m, const void *w, unsigned t,
		  const struct wb_writer *it, struct wb_held *h, char *msg, size_t n);
/* The iteration's fields in the compact encoding, at off in the slot. */
void wb_iter_pack_fields(const struct wb_model *m, unsigned t, size_t off,
			 struct wb_pack_fields *pf);
/* ", pos P, mapping ..." for --state. */
void wb_iter_describe(const struct wb_writer *it, FILE *out);
/* The cached mapping in words, "" if none. */
void wb_iter_mapping_text(const struct wb_writer *it, char *buf, size_t n);
/* For simulated time: the bytes of the chunk at the position; does write_begin read from disk? */
uint32_t wb_iter_chunk_bytes(const struct wb_model *m, const struct wb_writer *it, unsigned t);
bool wb_iter_reads(const struct wb_model *m, const void *w, const struct wb_writer *it, unsigned t);

#endif
