/* SPDX-License-Identifier: MIT */
/*
 * actors.c - the table of actors and what is common to all of them: the
 * step a task takes next, the step vocabularies, and the kernel function a
 * step models.  Each actor's row lives in its own file (buffered_write.c,
 * writeback.c, reclaim.c, fault.c, rangeop.c); this table only lists them.
 */
#include <string.h>

#include "model/actor.h"
#include "model/writeback.h"

/* Indexed by enum wb_op (model/actors.def): the scenario's "op" names the row. */
const struct wb_actor *const wb_actors[WB_OP_NOPS] = {
#define WB_ACTOR(op, row) [WB_OP_##op] = &row,
#include "model/actors.def"
#undef WB_ACTOR
};

const struct wb_step_def *wb_step_at(const struct wb_actor *a, unsigned pc)
{
	for (unsigned i = 0; i < a->nsteps; i++)
		if (a->steps[i].pc == pc)
			return &a->steps[i];
	return NULL;
}

const struct wb_step_def *wb_task_step(const struct wb_model *m, const void *w, unsigned t)
{
	const struct wb_actor *a = wb_actor_of(m, t);
	uint8_t pc = wb_task(m, WBC(w), t)->raw[0];

	if (pc == a->done_pc)
		return NULL;
	if (a->step)
		return a->step(m, w, t);
	return wb_step_at(a, pc);
}

int wb_task_holds(const struct wb_model *m, const void *w, unsigned t, struct wb_held *h,
		  char *msg, size_t n)
{
	const struct wb_actor *a = wb_actor_of(m, t);

	memset(h, 0, sizeof(*h));
	h->folio_lock = h->writer_ref = h->fault_ref = -1;
	return a->holds ? a->holds(m, w, t, h, msg, n) : 0;
}

uint64_t wb_never_dirties(const struct wb_model *m, const void *w, unsigned t)
{
	(void)m;
	(void)w;
	(void)t;
	return 0;
}

/*
 * The step names of an actor, each once, in table order: the vocabulary
 * schedules are checked against.  Built once per actor on first use.
 */
#define WB_MAX_STEPS 24
static const char *wb_vocab[WB_OP_NOPS][WB_MAX_STEPS + 1];
static const char *wb_io_vocab[WB_MAX_STEPS + 1];

static void wb_vocab_fill(const char **out, const struct wb_step_def *steps, unsigned nsteps)
{
	unsigned n = 0;

	for (unsigned i = 0; i < nsteps && n < WB_MAX_STEPS; i++) {
		unsigned j;
		for (j = 0; j < n && strcmp(out[j], steps[i].name); j++)
			;
		if (j == n)
			out[n++] = steps[i].name;
	}
	out[n] = NULL;
}

const char *const *wb_steps_of(enum wb_op op)
{
	if ((unsigned)op >= WB_OP_NOPS)
		return NULL;
	if (!wb_vocab[op][0])
		wb_vocab_fill(wb_vocab[op], wb_actors[op]->steps, wb_actors[op]->nsteps);
	return wb_vocab[op];
}

const char *const *wb_io_steps_vocab(void)
{
	if (!wb_io_vocab[0])
		wb_vocab_fill(wb_io_vocab, wb_io_step_defs, wb_io_nsteps);
	return wb_io_vocab;
}

const char *wb_action_kernel_fn(const struct wb_model *m, const void *w, uint32_t action)
{
	unsigned slot = WB_ACTION_SLOT(action);
	const struct wb_step_def *s = slot >= WB_IO_SLOT0 ? wb_io_step(m, w, slot - WB_IO_SLOT0)
							   : wb_task_step(m, w, slot);

	return s ? s->kernel_fn : "?";
}
