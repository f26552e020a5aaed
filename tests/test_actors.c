/* SPDX-License-Identifier: MIT */
/*
 * test_actors.c - the actor table (model/actor.h): every row is complete,
 * every program counter an actor can stop at has a named step with the
 * kernel function it models, and on random walks through every catalogue
 * scenario every enabled action is named by its actor's step table.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <glob.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/actor.h"
#include "model/scenario.h"
#include "model/world.h"
#include "sim/sim.h"

#ifndef WBSIM_SOURCE_DIR
#error "WBSIM_SOURCE_DIR must name the source root"
#endif

static void check_steps(const char *who, const struct wb_step_def *steps, unsigned nsteps,
			unsigned npc, int done_pc, uint32_t no_step)
{
	assert_true(nsteps > 0);
	for (unsigned i = 0; i < nsteps; i++) {
		const struct wb_step_def *s = &steps[i];
		if (!s->name || !s->name[0] || !s->kernel_fn || !s->kernel_fn[0])
			fail_msg("%s: step %u has no name or kernel function", who, i);
		if (s->pc >= npc || (int)s->pc == done_pc || (no_step & (1u << s->pc)))
			fail_msg("%s: step %s at pc %u, which takes no step", who, s->name, s->pc);
		for (unsigned j = 0; j < i; j++)
			if (steps[j].pc == s->pc && !strcmp(steps[j].name, s->name))
				fail_msg("%s: step %s twice at pc %u", who, s->name, s->pc);
	}
	for (unsigned pc = 0; pc < npc; pc++) {
		bool named = false;
		if ((int)pc == done_pc || (no_step & (1u << pc)))
			continue;
		for (unsigned i = 0; i < nsteps; i++)
			named |= steps[i].pc == pc;
		if (!named)
			fail_msg("%s: pc %u has no named step", who, pc);
	}
}

static void test_every_row_complete(void **state)
{
	(void)state;
	for (unsigned op = 0; op < WB_OP_NOPS; op++) {
		const struct wb_actor *a = wb_actors[op];
		assert_non_null(a);
		assert_non_null(a->name);
		for (unsigned o = 0; o < op; o++)
			assert_string_not_equal(wb_actors[o]->name, a->name);
		assert_true(a->done_pc < a->npc && a->npc <= 32);
		assert_non_null(a->load);
		assert_non_null(a->keys);
		assert_non_null(a->enabled);
		assert_non_null(a->apply);
		assert_non_null(a->pack_fields);
		assert_non_null(a->describe);
		if (a->flags & WB_ACT_ORDERED)
			assert_non_null(a->expected);
		check_steps(a->name, a->steps, a->nsteps, a->npc, a->done_pc, a->no_step);
		/* the vocabulary: each name once, in table order */
		const char *const *v = wb_steps_of((enum wb_op)op);
		assert_non_null(v);
		for (unsigned i = 0; v[i]; i++)
			for (unsigned j = 0; j < i; j++)
				assert_string_not_equal(v[i], v[j]);
	}
	check_steps("io", wb_io_step_defs, wb_io_nsteps, 3, 0, 0);
}

/* Every enabled action of a world is named by its actor's vocabulary. */
struct walk {
	struct wb_model *m;
	unsigned steps;
};

static bool in_vocab(const char *const *v, const char *step)
{
	for (; *v; v++)
		if (!strcmp(*v, step))
			return true;
	return false;
}

static void check_enabled(struct wb_model *m, const void *w)
{
	struct sim_action acts[SIM_MAX_ENABLED];
	unsigned n = wb_sim_ops.enabled(m, w, acts);

	for (unsigned i = 0; i < n; i++) {
		struct sim_label l;
		unsigned slot = WB_ACTION_SLOT(acts[i].id);
		wb_sim_ops.label(m, w, acts[i].id, &l);
		assert_non_null(l.step);
		assert_string_not_equal(wb_action_kernel_fn(m, w, acts[i].id), "?");
		if (slot >= WB_IO_SLOT0)
			assert_true(in_vocab(wb_io_steps_vocab(), l.step));
		else if (!in_vocab(wb_steps_of(m->sc->tasks[slot].op), l.step))
			fail_msg("%s: step %s not in %s's table", l.actor, l.step,
				 wb_actor_of(m, slot)->name);
	}
}

static void walk_cb(void *cbctx, size_t index, const void *before, const void *after,
		    uint32_t action)
{
	struct walk *wk = cbctx;

	(void)index;
	(void)action;
	check_enabled(wk->m, before);
	check_enabled(wk->m, after);
	wk->steps++;
}

static void test_walks_name_every_step(void **state)
{
	glob_t g;
	unsigned walked = 0;

	(void)state;
	assert_int_equal(glob(WBSIM_SOURCE_DIR "/scenarios/*.json", 0, NULL, &g), 0);
	for (size_t f = 0; f < g.gl_pathc; f++) {
		struct wb_scenario *sc = wb_scenario_load(g.gl_pathv[f], stderr);
		assert_non_null(sc);
		for (int mode = 0; mode < WB_CHECK_NMODES; mode++) {
			struct wb_config cfg = sc->config;
			struct wb_model m;
			cfg.validity_check = (enum wb_check)mode;
			wb_model_init(&m, sc, &cfg);
			void *init = wb_world_new(&m);
			struct sim_model sm = { .ops = &wb_sim_ops, .ctx = &m, .size = m.size,
						.key_size = m.pack.bytes };
			for (uint64_t seed = 1; seed <= 20; seed++) {
				struct walk wk = { &m, 0 };
				struct sim_run_opts o = { .policy = SIM_POLICY_RANDOM, .seed = seed,
							  .cb = walk_cb, .cbctx = &wk };
				struct sim_run r;
				char err[256];
				assert_int_equal(sim_run_execute(&sm, init, &o, &r, err, sizeof(err)),
						 SIM_RUN_OK);
				assert_true(wk.steps > 0);
				sim_run_free(&r);
				walked++;
			}
			free(init);
		}
		wb_scenario_free(sc);
	}
	globfree(&g);
	assert_true(walked >= 18 * 3 * 20);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_row_complete),
		cmocka_unit_test(test_walks_name_every_step),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
