/* SPDX-License-Identifier: MIT */
/*
 * por.h - the model's resources for partial-order reduction (sim.h,
 * sim/por.c), and helpers to build footprints over them.
 *
 * A resource is a part of the world that steps read or write:
 *   RWSEM   i_rwsem (owner, shared count)
 *   INVAL   the invalidate_lock
 *   MAP     the extent map and its sequence number (seq)
 *   ISIZE   i_size
 *   ORDER   the content order (the oracle's order of stores)
 *   DROP    drop_writes' record of discarded bytes
 *   FLAGS(p) page p's folio: presence, flags, lock, references, uptodate
 *            bits, per-block dirty bits (per_block_dirty: wb_dirty), and the
 *            TOWRITE tag that sync writeback keeps for it
 *   DATA(p)  page p's cached bytes
 *   DISK(p)  the disk bytes of page p's blocks
 *   IO(p)    the IO in flight on page p
 *   DONE(t)  whether task t has finished ("after")
 * A task's own slot is its own: only its steps touch it, except where a
 * folio's removal changes what a task holds of it, which every footprint
 * covers through FLAGS(p) of a page the task holds something of.
 */
#ifndef WBSIM_POR_H
#define WBSIM_POR_H

#include <string.h>

#include "model/world.h"
#include "sim/sim.h"

enum {
	WB_R_RWSEM,
	WB_R_INVAL,
	WB_R_MAP,
	WB_R_ISIZE,
	WB_R_ORDER,
	WB_R_DROP,
	WB_R_PAGES, /* then 4 per page */
};
#define WB_R_FLAGS(p) (WB_R_PAGES + 4u * (p))
#define WB_R_DATA(p) (WB_R_PAGES + 4u * (p) + 1u)
#define WB_R_DISK(p) (WB_R_PAGES + 4u * (p) + 2u)
#define WB_R_IO(p) (WB_R_PAGES + 4u * (p) + 3u)
#define WB_R_DONE(t) (WB_R_PAGES + 4u * 64u + (t))
_Static_assert(WB_R_PAGES + 4 * 64 + WB_MAX_TASKS <= 64 * SIM_FP_WORDS,
	       "the model's resources fit a footprint");

#define WB_RD 1u
#define WB_WR 2u
#define WB_RW 3u

static inline void wb_fp_add(struct sim_fp *f, unsigned r, unsigned how)
{
	if (how & WB_RD)
		f->r[r / 64] |= 1ull << (r % 64);
	if (how & WB_WR)
		f->w[r / 64] |= 1ull << (r % 64);
}

/* Resource kind k (WB_R_FLAGS(0) + k: 0 flags, 1 data, 2 disk, 3 IO) of pages [first, last]. */
static inline void wb_fp_pages(struct sim_fp *f, unsigned k, unsigned first, unsigned last,
			       unsigned how)
{
	for (unsigned p = first; p <= last; p++)
		wb_fp_add(f, WB_R_PAGES + 4u * p + k, how);
}
#define WB_K_FLAGS 0u
#define WB_K_DATA 1u
#define WB_K_DISK 2u
#define WB_K_IO 3u

/* Everything: a step or a future the model does not describe more closely. */
static inline void wb_fp_all(struct sim_fp *f)
{
	memset(f->r, 0xff, sizeof(f->r));
	memset(f->w, 0xff, sizeof(f->w));
}

static inline void wb_fp_or(struct sim_fp *a, const struct sim_fp *b)
{
	for (unsigned i = 0; i < SIM_FP_WORDS; i++) {
		a->r[i] |= b->r[i];
		a->w[i] |= b->w[i];
	}
}

/*
 * Where a part of task a's future that touches page p goes: the future itself,
 * or, when an IO is in flight on page p, the part gated by that IO (ops.c).
 */
struct sim_fp *wb_por_gate(const struct wb_model *m, const void *w, unsigned p,
			   struct sim_por_actor *a);

/* The reduction hook of the engine (ops.c): every unfinished actor's footprints. */
unsigned wb_por_actors(void *ctx, const void *w, struct sim_por_actor *out);
/* An IO activity's footprints (writeback.c). */
void wb_io_por(const struct wb_model *m, const void *w, unsigned page, struct sim_fp *now,
	       struct sim_fp *future);

#endif
