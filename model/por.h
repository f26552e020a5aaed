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
 *   FLAGS(p) page p's folio: FOLIO(p), DIRTY(p) and WBACK(p) together:
 *   FOLIO(p) presence, lock, references, uptodate bits, per-block dirty bits
 *            (per_block_dirty: wb_dirty), the write-protection
 *   DIRTY(p) whether it is present and dirty, and the TOWRITE tag sync
 *            writeback keeps for it: what writeback's scan looks for
 *   WBACK(p) whether it is under writeback
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

#include <assert.h>
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
	WB_R_DONE0, /* DONE(t) per task */
	/*
	 * Then 6 per page: FOLIO, DATA, DISK, IO, DIRTY, WBACK.  A few pages'
	 * resources all lie in the first word of a footprint: sim/por.c tests
	 * only the words some actor's `now` uses.
	 */
	WB_R_PAGES = WB_R_DONE0 + WB_MAX_TASKS,
};
#define WB_R_FOLIO(p) (WB_R_PAGES + 6u * (p))
/* Not a resource of its own: wb_fp_add() sets FOLIO(p), DIRTY(p) and WBACK(p) for it */
#define WB_R_FLAGS0 (64u * SIM_FP_WORDS)
#define WB_R_FLAGS(p) (WB_R_FLAGS0 + (p))
#define WB_R_DATA(p) (WB_R_PAGES + 6u * (p) + 1u)
#define WB_R_DISK(p) (WB_R_PAGES + 6u * (p) + 2u)
#define WB_R_IO(p) (WB_R_PAGES + 6u * (p) + 3u)
#define WB_R_DIRTY(p) (WB_R_PAGES + 6u * (p) + 4u)
#define WB_R_WBACK(p) (WB_R_PAGES + 6u * (p) + 5u)
#define WB_R_DONE(t) (WB_R_DONE0 + (t))
_Static_assert(WB_R_PAGES + 6 * WB_MAX_PAGES <= 64 * SIM_FP_WORDS,
	       "the model's resources fit a footprint");

#define WB_RD 1u
#define WB_WR 2u
#define WB_RW 3u

/*
 * The empty footprint: `*f = wb_fp_empty` clears f with a few vector stores
 * where a memset() of this size compiles to a slow-starting `rep stos`.
 */
static const struct sim_fp wb_fp_empty;

static inline void wb_fp_bit(struct sim_fp *f, unsigned r, unsigned how)
{
	assert(r < WB_R_FLAGS0); /* a resource: WB_R_FLAGS(p) goes through wb_fp_add() */
	if (how & WB_RD)
		f->r[r / 64] |= 1ull << (r % 64);
	if (how & WB_WR)
		f->w[r / 64] |= 1ull << (r % 64);
}

/* Resource r; FLAGS(p) is FOLIO(p), DIRTY(p) and WBACK(p). */
static inline void wb_fp_add(struct sim_fp *f, unsigned r, unsigned how)
{
	if (r >= WB_R_FLAGS0) {
		wb_fp_bit(f, WB_R_FOLIO(r - WB_R_FLAGS0), how);
		wb_fp_bit(f, WB_R_DIRTY(r - WB_R_FLAGS0), how);
		wb_fp_bit(f, WB_R_WBACK(r - WB_R_FLAGS0), how);
	} else {
		wb_fp_bit(f, r, how);
	}
}

/* FOLIO(p) alone: a step that leaves what writeback's scan reads alone. */
static inline void wb_fp_folio(struct sim_fp *f, unsigned p, unsigned how)
{
	wb_fp_bit(f, WB_R_FOLIO(p), how);
}

/* DIRTY(p) alone */
static inline void wb_fp_dirty(struct sim_fp *f, unsigned p, unsigned how)
{
	wb_fp_bit(f, WB_R_DIRTY(p), how);
}

/* WBACK(p) alone */
static inline void wb_fp_wback(struct sim_fp *f, unsigned p, unsigned how)
{
	wb_fp_bit(f, WB_R_WBACK(p), how);
}

/*
 * Several resources at once: each `|=` on a footprint word waits for the one
 * before it on the same word, so a hook that sets its bits one at a time
 * spends its time in that chain.
 *
 * Page p's resources as a mask of 6 bits, in their order from WB_R_FOLIO(p):
 */
#define WB_KM_FOLIO 0x01u
#define WB_KM_DATA 0x02u
#define WB_KM_DISK 0x04u
#define WB_KM_IO 0x08u
#define WB_KM_DIRTY 0x10u
#define WB_KM_WBACK 0x20u
#define WB_KM_FLAGS (WB_KM_FOLIO | WB_KM_DIRTY | WB_KM_WBACK)
#define WB_KM_ALL 0x3fu

/* Page p's resources rk read and wk written (WB_KM_* masks). */
static inline void wb_fp_page(struct sim_fp *f, unsigned p, unsigned rk, unsigned wk)
{
	unsigned r = WB_R_FOLIO(p), i = r / 64, s = r % 64;

	f->r[i] |= (uint64_t)rk << s;
	f->w[i] |= (uint64_t)wk << s;
	if (s > 64 - 6) { /* they go on in the next word */
		f->r[i + 1] |= (uint64_t)rk >> (64 - s);
		f->w[i + 1] |= (uint64_t)wk >> (64 - s);
	}
}

/* The same resources rk read and wk written of every page in [first, last]. */
static inline void wb_fp_page_range(struct sim_fp *f, unsigned first, unsigned last, unsigned rk,
				    unsigned wk)
{
	uint64_t accr = 0, accw = 0;
	unsigned cur = WB_R_FOLIO(first) / 64;

	for (unsigned p = first; p <= last; p++) {
		unsigned r = WB_R_FOLIO(p), i = r / 64, s = r % 64;
		if (i != cur) {
			f->r[cur] |= accr;
			f->w[cur] |= accw;
			accr = accw = 0;
			cur = i;
		}
		accr |= (uint64_t)rk << s;
		accw |= (uint64_t)wk << s;
		if (s > 64 - 6) {
			f->r[cur] |= accr;
			f->w[cur] |= accw;
			accr = (uint64_t)rk >> (64 - s);
			accw = (uint64_t)wk >> (64 - s);
			cur = i + 1;
		}
	}
	if (first <= last) {
		f->r[cur] |= accr;
		f->w[cur] |= accw;
	}
}

/* The inode's resources and DONE(t), all in the first word: masks of WB_M(r). */
#define WB_M(r) (1ull << (r))
_Static_assert(WB_R_PAGES <= 64, "the inode's resources and DONE(t) lie in the first word");
static inline void wb_fp_inode(struct sim_fp *f, uint64_t rd, uint64_t wr)
{
	f->r[0] |= rd;
	f->w[0] |= wr;
}

#define WB_K_FLAGS 0u
#define WB_K_DATA 1u
#define WB_K_DISK 2u
#define WB_K_IO 3u
/* Resource kind k (0 flags, then WB_R_FOLIO(p) + k: 1 data, 2 disk, 3 IO) of pages [first, last]. */
static inline void wb_fp_pages(struct sim_fp *f, unsigned k, unsigned first, unsigned last,
			       unsigned how)
{
	unsigned km = k == WB_K_FLAGS ? WB_KM_FLAGS : 1u << k;

	wb_fp_page_range(f, first, last, how & WB_RD ? km : 0, how & WB_WR ? km : 0);
}

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
	a->inc |= b->inc;
}

/* a |= b | c, in one pass over the words */
static inline void wb_fp_or2(struct sim_fp *a, const struct sim_fp *b, const struct sim_fp *c)
{
	for (unsigned i = 0; i < SIM_FP_WORDS; i++) {
		a->r[i] |= b->r[i] | c->r[i];
		a->w[i] |= b->w[i] | c->w[i];
	}
	a->inc |= b->inc | c->inc;
}

/*
 * What a part of task self's future that touches page p's folio waits for
 * (wb_por_gates), and that part (wb_por_part_of):
 *  - with io, the completion of the IO in flight on it;
 *  - the task holding its lock (pins false), or its lock or a writer's
 *    reference (pins true: reclaim), other than self;
 *  - kind WB_ANY_DIRTIER: a step of one of the tasks that may still make it
 *    dirty or bring it into the page cache (struct wb_actor's may_dirty);
 *    WB_ANY_CLEANER: of one that may still clean or remove it (may_clean).
 *    When no task may, the part is unreachable and what is written there
 *    counts nowhere.
 */
enum wb_any_gate { WB_ANY_NONE, WB_ANY_DIRTIER, WB_ANY_CLEANER };
struct wb_gates {
	uint32_t io, holder;	/* actor keys, or SIM_NO_GATE */
	uint32_t any[SIM_POR_ANY];
	unsigned nany;
	bool unreachable;
};

/* The actor key of task t's actions (k < 0), or of its IO number k (struct sim_action) */
static inline uint32_t wb_actor_key(unsigned task, int k)
{
	return ((uint32_t)task << 16) | (uint32_t)(k + 1);
}

/*
 * Facts of the state the hooks share (ops.c), computed once per state:
 * wb_por_actors() sets the finished tasks and forgets the rest at its start.
 * tasks[kind - 1][p]: the tasks that may still dirty page p (WB_ANY_DIRTIER,
 * may_dirty) or clean or remove it (WB_ANY_CLEANER, may_clean), a finished
 * task in neither, each kind computed on its first use (valid: 1u << kind).
 */
_Static_assert(WB_MAX_TASKS <= 32, "a set of tasks in a uint32_t");
struct wb_por_state {
	unsigned valid;
	uint32_t finished;
	uint32_t tasks[2][WB_MAX_PAGES];
};
extern _Thread_local struct wb_por_state wb_por_state;
const uint32_t *wb_por_tasks_fill(const struct wb_model *m, const void *w, enum wb_any_gate kind);
int wb_por_ref_holder(const struct wb_model *m, const void *w, unsigned p, unsigned self);

static inline void wb_por_gates(const struct wb_model *m, const void *w, unsigned p, unsigned self,
				bool pins, enum wb_any_gate kind, struct wb_gates *g)
{
	const struct folio *f = wb_folio(m, WBC(w), p);
	const struct wb_io *io = wb_io(m, WBC(w), p);
	int holder = -1;

	/* the holder: its lock's owner, or (pins) a writer's reference's (ops.c) */
	if (f->locked && f->locked - 1u != self)
		holder = f->locked - 1;
	else if (pins && (f->flags & FOLIO_REF))
		holder = wb_por_ref_holder(m, w, p, self);
	g->holder = holder < 0 ? SIM_NO_GATE : wb_actor_key((unsigned)holder, -1);
	g->io = io->phase ? wb_actor_key(io->parent, io->k) : SIM_NO_GATE;
	g->nany = 0;
	g->unreachable = false;
	if (kind != WB_ANY_NONE) {
		/* the others that may, in task order */
		uint32_t tasks = (wb_por_state.valid >> kind) & 1u
					 ? wb_por_state.tasks[kind - 1][p]
					 : wb_por_tasks_fill(m, w, kind)[p];
		tasks &= ~(1u << self);
		if (!tasks)
			g->unreachable = true; /* nobody can any more */
		for (; tasks && g->nany < SIM_POR_ANY; tasks &= tasks - 1)
			g->any[g->nany++] = wb_actor_key((unsigned)__builtin_ctz(tasks), -1);
		if (tasks)
			g->nany = 0; /* too many to say: without this gate */
	}
}
/*
 * The gated part of a's future for gates (g1, g2) and any[0..nany), made if
 * new; the future itself if no room.
 */
static inline struct sim_fp *wb_por_part(struct sim_por_actor *a, uint32_t g1, uint32_t g2,
					 const uint32_t any[SIM_POR_ANY], unsigned nany)
{
	unsigned g;

	if (g1 == SIM_NO_GATE) {
		g1 = g2;
		g2 = SIM_NO_GATE;
	}
	if (g1 == SIM_NO_GATE && !nany)
		return &a->future;
	for (g = 0; g < a->ngated; g++) {
		const struct sim_por_gate *pg = &a->gated[g];
		unsigned i;
		if (pg->gate != g1 || pg->gate2 != g2 || pg->nany != nany)
			continue;
		for (i = 0; i < nany && pg->any[i] == any[i]; i++)
			;
		if (i == nany)
			break;
	}
	if (g == a->ngated) {
		if (g == SIM_POR_GATES)
			return &a->future; /* no room: say it without the gate */
		a->ngated++;
		/* what the engine reads of it (any[] up to nany: the rest is copied unread) */
		a->gated[g].fp = wb_fp_empty;
		a->gated[g].gate = g1;
		a->gated[g].gate2 = g2;
		a->gated[g].nany = nany;
		memcpy(a->gated[g].any, any, sizeof(a->gated[g].any));
	}
	return &a->gated[g].fp;
}

/* What is written to an unreachable part counts nowhere (ops.c). */
extern _Thread_local struct sim_fp wb_por_unreachable;

static inline struct sim_fp *wb_por_part_of(struct sim_por_actor *a, const struct wb_gates *g,
					    bool io)
{
	if (g->unreachable)
		return &wb_por_unreachable;
	return wb_por_part(a, io ? g->io : SIM_NO_GATE, g->holder, g->any, g->nany);
}

/* Start actor a's footprints for actor key `key` (gated parts are set as they are created). */
static inline void wb_por_start(struct sim_por_actor *a, uint32_t key)
{
	a->actor = key;
	a->ngated = 0;
	a->now = wb_fp_empty;
	a->future = wb_fp_empty;
}

/* The reduction hook of the engine (ops.c): every unfinished actor's footprints. */
unsigned wb_por_actors(void *ctx, const void *w, struct sim_por_actor *out);
/*
 * Debug builds' transition invariant (check_step.c): the step wrote only what
 * its actor's footprint says; 0, or -1 with a message.
 */
int wb_check_footprint(const struct wb_model *m, const void *before, const void *after,
		       uint32_t action, char *msg, size_t n);
/* An IO activity's footprints (writeback.c). */
void wb_io_por(const struct wb_model *m, const void *w, unsigned page, struct sim_fp *now,
	       struct sim_fp *future);

#endif
