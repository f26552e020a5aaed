/* SPDX-License-Identifier: MIT */
/*
 * actor.h - the actor seam: one row per kind of task.
 *
 * Every kind of task a scenario can run (a buffered write, writeback, reclaim,
 * a page fault, a hole punch...) is one struct wb_actor in the table
 * wb_actors[] (model/actors.c), indexed by its enum wb_op.  The row holds the
 * actor's name in scenario files, what it does to shared state (flags), its
 * step table (the only list of its steps and the kernel functions they model)
 * and its hooks.  The rest of the model - enabling and applying steps, the
 * world's layout, the state encoding, the oracle, descriptions - iterates
 * the table instead of switching on the op, so a new actor is one new file
 * and one row (docs/hacking.md).
 *
 * The first byte of every task slot is the actor's program counter; a task
 * is finished when it equals the row's done_pc.
 */
#ifndef WBSIM_ACTOR_H
#define WBSIM_ACTOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "model/world.h"

/*
 * One step of an actor: the program counter it is taken at, its name (in
 * traces and schedules) and the kernel function it models.  Several entries
 * may share a pc when the step taken there depends on the state (writeback's
 * scan is wb_lock or pass_end); a name may appear at several pcs (the writer's
 * iomap_valid before or after the folio lock).
 */
struct wb_step_def {
	uint8_t pc;
	const char *name;
	const char *kernel_fn;
};

/* What an actor does to shared state: the flags of its row. */
#define WB_ACT_RWSEM 0x001u   /* takes i_rwsem exclusive */
#define WB_ACT_INVAL 0x002u   /* takes the invalidate_lock exclusive */
#define WB_ACT_FAULT 0x004u   /* a page fault: the invalidate_lock shared, folio references */
#define WB_ACT_DATA 0x008u    /* stores its data character over [offset, offset + length) */
#define WB_ACT_ORDERED 0x010u /* changes contents: the oracle applies it in i_rwsem order */
#define WB_ACT_IO 0x020u      /* submits IO activities (<task>/io<k>) */
#define WB_ACT_OPTIONAL 0x040u /* may be left unfinished at the end (no task runs after it) */
#define WB_ACT_RWSEM_SHARED 0x100u /* takes i_rwsem shared (none yet: readers, direct IO) */
#define WB_ACT_RACY 0x080u     /* its store must be ordered by "after" against overlapping stores */
#define WB_ACT_EVICTS 0x200u   /* its choice is a folio it evicts (clean, unlocked, unpinned) */
#define WB_ACT_SHRINKS 0x400u  /* may lower i_size */

struct sc_ctx;
struct json_t;

/*
 * What a task holds, as its program counter and locals say: the invariants
 * compare it with the locks and references in the world (check_step.c,
 * wb_world_check).
 */
struct wb_held {
	bool rwsem;	   /* i_rwsem exclusive */
	bool rwsem_shared; /* i_rwsem shared */
	bool inval;	   /* the invalidate_lock exclusive */
	bool inval_shared; /* the invalidate_lock shared */
	int folio_lock;	   /* the page whose folio lock it holds, or -1 */
	int writer_ref;	   /* the page it holds a writer's reference on (FOLIO_REF), or -1 */
	int fault_ref;	   /* the page it holds a fault's reference on (FOLIO_FREF_*), or -1 */
};

/* The task slots' fields of the compact encoding (struct wb_pack_field, world.h). */
struct wb_pack_fields {
	struct wb_pack_field *v;
	size_t n, cap;
};

/* Append a field of task t's slot (pack_fields hooks); width 0 adds nothing. */
void wb_pack_field_add(struct wb_pack_fields *pf, const struct wb_model *m, unsigned t,
		       size_t off_in_slot, size_t size, unsigned width, uint32_t div);
#define WB_PACK(pf, m, t, type, field, width, div)                                                 \
	wb_pack_field_add(pf, m, t, offsetof(type, field), sizeof(((type *)0)->field), width, div)
/* A sequence number field: WB_SEQ_BITS wide, checked. */
void wb_pack_seq_add(struct wb_pack_fields *pf, const struct wb_model *m, unsigned t,
		     size_t off_in_slot);
unsigned wb_bits_for(uint64_t maxval);

struct wb_actor {
	const char *name;	/* the scenario's "op" */
	const char *article;	/* "a" or "an", for messages: "an mmap_write task" */
	unsigned flags;		/* WB_ACT_* */
	const struct wb_step_def *steps; /* in the order schedules' errors list them */
	unsigned nsteps;
	uint8_t npc;		/* program counters 0 .. npc-1 */
	uint8_t done_pc;	/* the pc of a finished task (no step there) */
	uint32_t no_step;	/* pcs this actor never reaches (shared pc enums) */

	/* ---- the scenario loader (model/scenario_tasks.c) ---- */
	const char *const *keys; /* the members its tasks may have */
	/* Check the task's own members into d (the loader's pointer is at /tasks/i). */
	void (*load)(struct sc_ctx *c, struct json_t *t, struct wb_task_def *d, size_t i);
	/* Check the pages it names, once the world's size is known (optional). */
	void (*load_pages)(struct sc_ctx *c, struct json_t *t);
	const char *store;	/* a task storing data, in messages: "write", "mmap store" */

	/* ---- the model ---- */
	/* Byte offsets of the file the task names (granule, the world's reach); optional. */
	unsigned (*offsets)(const struct wb_task_def *td, uint64_t out[4]);
	/* The initial task slot (the world is zeroed before); optional. */
	void (*init)(const struct wb_model *m, void *w, unsigned t);
	/* Can the task take its next step now?  If not, say why when why != NULL. */
	bool (*enabled)(const struct wb_model *m, const void *w, unsigned t, char *why, size_t n);
	/* The choices of an enabled step as a mask of args (evict: pages); optional: one, arg 0. */
	uint64_t (*choices)(const struct wb_model *m, const void *w, unsigned t);
	/* Take the next step (arg: the choice). */
	void (*apply)(struct wb_model *m, void *w, unsigned t, unsigned arg);
	/* The next step, when its pc alone does not say (optional). */
	const struct wb_step_def *(*step)(const struct wb_model *m, const void *w, unsigned t);
	/* The task slot's fields in the compact encoding, in order. */
	void (*pack_fields)(const struct wb_model *m, unsigned t, struct wb_pack_fields *pf);
	/* The state of an unfinished task in words, after "task NAME: " (--state). */
	void (*describe)(const struct wb_model *m, const void *w, unsigned t, FILE *out);
	/* Apply the task's effect to the expected contents (ordered actors); w: the final world. */
	void (*expected)(const struct wb_model *m, const void *w, unsigned t, uint8_t *e,
			 size_t ngran);
	/* A folio left the page cache: drop what the task held of it (optional). */
	void (*folio_removed)(struct wb_model *m, void *w, unsigned t, unsigned page);
	/*
	 * What the task holds now (h starts as nothing held), and invariants of
	 * its own state: 0, or -1 with a message.  Optional: holds nothing.
	 */
	int (*holds)(const struct wb_model *m, const void *w, unsigned t, struct wb_held *h,
		     char *msg, size_t n);
	/* Invariants of a step this task took, from before and after (optional). */
	int (*check_step)(const struct wb_model *m, const void *before, const void *after,
			  unsigned t, char *msg, size_t n);
	/*
	 * Partial-order reduction (model/por.h): what the task's next step reads
	 * and writes, with what decides whether it is enabled (now), and all the
	 * task may still touch, the actors it will create included (future).
	 * Both start empty; say more than the truth, never less; a part of the
	 * future reachable only after an IO in flight completes may go in a->gated
	 * (wb_por_gates, wb_por_part_of).  Optional: a task without it touches everything.
	 */
	void (*por)(const struct wb_model *m, const void *w, unsigned t, struct sim_por_actor *a);
	/*
	 * Partial-order reduction: the pages whose folio the task may still make
	 * dirty or bring into the page cache (may_dirty), or clean or remove
	 * from it other than by eviction (may_clean), from here on (masks; say
	 * more than the truth, never less).  Optional: a task without them may
	 * do so to every page.
	 */
	uint64_t (*may_dirty)(const struct wb_model *m, const void *w, unsigned t);
	uint64_t (*may_clean)(const struct wb_model *m, const void *w, unsigned t);
	/* The task in a few words for diagrams ("write [0,4096) 'A'"); optional. */
	void (*summary)(const struct wb_model *m, unsigned t, char *buf, size_t n);
	/* The task's cached mapping in words ("" if none); optional. */
	void (*mapping_text)(const struct wb_model *m, const void *w, unsigned t, char *buf,
			     size_t n);
};

extern const struct wb_actor *const wb_actors[WB_OP_NOPS];

static inline const struct wb_actor *wb_actor_of(const struct wb_model *m, unsigned t)
{
	return m->actor[t]; /* wb_actors[m->sc->tasks[t].op], kept by wb_model_init */
}

static inline bool wb_task_is(const struct wb_model *m, unsigned t, unsigned flag)
{
	return (wb_actor_of(m, t)->flags & flag) != 0;
}

/* Is some task of the scenario of an actor with this flag (WB_ACT_*)? */
static inline bool wb_any_task_is(const struct wb_model *m, unsigned flag)
{
	return (m->task_flags & flag) != 0;
}

/* may_dirty of a task that never dirties a folio (writeback, reclaim) */
uint64_t wb_never_dirties(const struct wb_model *m, const void *w, unsigned t);

/* What task t holds in w (its actor's holds hook); 0, or -1 with a message. */
int wb_task_holds(const struct wb_model *m, const void *w, unsigned t, struct wb_held *h,
		  char *msg, size_t n);

/* The step an unfinished task takes next (NULL when finished). */
const struct wb_step_def *wb_task_step(const struct wb_model *m, const void *w, unsigned t);
/* The first step def of an actor at a program counter. */
const struct wb_step_def *wb_step_at(const struct wb_actor *a, unsigned pc);

/* The IO activity of writeback: its two steps (writeback.c). */
extern const struct wb_step_def wb_io_step_defs[];
extern const unsigned wb_io_nsteps;

/* The actors' rows (one file each), from model/actors.def. */
#define WB_ACTOR(op, row) extern const struct wb_actor row;
#include "model/actors.def"
#undef WB_ACTOR

#endif
