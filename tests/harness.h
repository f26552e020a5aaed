/* SPDX-License-Identifier: MIT */
/*
 * harness.h - the step-by-step harness of test_model, test_oracle and
 * test_fidelity: load a scenario written with ' for ", take named steps of
 * named actors (checking each step's label and the world's invariants after
 * it), run actors or schedule entries, and read the world back as text (the
 * extent map, cache and disk contents, the oracle's expected contents and
 * verdict).  Static inline, so a file may use any part of it.
 */
#ifndef WBSIM_TESTS_HARNESS_H
#define WBSIM_TESTS_HARNESS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/oracle.h"
#include "model/scenario.h"
#include "model/world.h"
#include "sim/sim.h"
#include "sim/xmalloc.h"

#define SCENARIO_CHECK (-1) /* use the scenario's validity_check */

struct tc {
	struct wb_scenario *sc;
	struct wb_model m;
	void *w;
	struct wb_prov prov; /* recorded by tc_open_prov only; zero otherwise */
	size_t nsteps;
	char desc[4096];  /* the description of the last step */
	char trace[4096]; /* the steps taken by the last tc_run / RUN_TO / RUN */
	char ebuf[WB_MAX_PAGES * WB_MAX_BLOCKS_PER_PAGE + 1];
	char cbuf[1024], dbuf[1024], abuf[1024], xbuf[1024];
};

/*
 * Load a scenario written with ' for " (easier to read in C), with its own
 * config; `check`, unless SCENARIO_CHECK, overrides its validity_check.
 */
static inline void tc_open(struct tc *t, const char *text, int check)
{
	char *json = wb_xstrdup(text);
	struct wb_config cfg;
	char msg[256];

	for (char *p = json; *p; p++)
		if (*p == '\'')
			*p = '"';
	memset(t, 0, sizeof(*t));
	t->sc = wb_scenario_load_buffer("test.json", json, strlen(json), stderr);
	free(json);
	assert_non_null(t->sc);
	cfg = t->sc->config;
	if (check != SCENARIO_CHECK)
		cfg.validity_check = (enum wb_check)check;
	wb_model_init(&t->m, t->sc, &cfg);
	t->w = wb_world_new(&t->m);
	t->m.desc = t->desc;
	t->m.desc_len = sizeof(t->desc);
	assert_int_equal(wb_world_check(&t->m, t->w, msg, sizeof(msg)), 0);
}

/* tc_open, and record provenance (t->prov) from the start. */
static inline void tc_open_prov(struct tc *t, const char *text, int check)
{
	tc_open(t, text, check);
	wb_prov_init(&t->prov, &t->m);
	t->m.prov = &t->prov;
}

static inline void tc_close(struct tc *t)
{
	wb_prov_free(&t->prov); /* nothing to free without tc_open_prov */
	free(t->w);
	wb_scenario_free(t->sc);
}

static inline unsigned tc_task(const struct tc *t, const char *name)
{
	for (unsigned i = 0; i < t->m.ntasks; i++)
		if (!strcmp(t->sc->tasks[i].name, name))
			return i;
	fail_msg("no task %s", name);
	return 0;
}

static inline struct wb_writer *tc_wr(struct tc *t, const char *name)
{
	return &wb_task(&t->m, t->w, tc_task(t, name))->w;
}

static inline struct wb_writeback *tc_wb(struct tc *t, const char *name)
{
	return &wb_task(&t->m, t->w, tc_task(t, name))->b;
}

static inline struct wb_fault *tc_ft(struct tc *t, const char *name)
{
	return &wb_task(&t->m, t->w, tc_task(t, name))->f;
}

static inline struct folio *tc_folio(struct tc *t, unsigned page)
{
	return wb_folio(&t->m, t->w, page);
}

static inline struct wb_inode *tc_ino(struct tc *t)
{
	return wb_inode(t->w);
}

static inline bool tc_finished(struct tc *t, const char *name)
{
	return wb_task_finished(&t->m, t->w, tc_task(t, name));
}

/* The enabled action of `actor` (with arg `arg`, if >= 0: -1 is any): its index, or -1. */
static inline int tc_find(struct tc *t, const char *actor, int arg, uint32_t *a,
			  struct sim_label *l)
{
	struct sim_action acts[SIM_MAX_ENABLED];
	unsigned n = wb_sim_ops.enabled(&t->m, t->w, acts);

	for (unsigned i = 0; i < n; i++) {
		wb_sim_ops.label(&t->m, t->w, acts[i].id, l);
		if (strcmp(l->actor, actor) || (arg >= 0 && l->arg != arg))
			continue;
		*a = acts[i].id;
		return (int)i;
	}
	return -1;
}

/* The next step of an actor, or NULL when it has no enabled step. */
static inline const char *tc_next(struct tc *t, const char *actor)
{
	struct sim_label l;
	uint32_t a = 0;

	return tc_find(t, actor, -1, &a, &l) >= 0 ? l.step : NULL;
}

/* The label of an actor's next step, enabled or not (the program point). */
static inline const char *tc_label(struct tc *t, const char *actor)
{
	struct sim_label l;

	wb_sim_ops.label(&t->m, t->w, WB_ACTION(tc_task(t, actor), 0), &l);
	return l.step;
}

/* Why the actor is blocked (its status text). */
static inline const char *tc_why(struct tc *t, const char *actor)
{
	t->xbuf[0] = 0;
	wb_sim_ops.actor_status(&t->m, t->w, actor, t->xbuf, sizeof(t->xbuf));
	return t->xbuf;
}

static inline unsigned tc_nenabled(struct tc *t)
{
	struct sim_action acts[SIM_MAX_ENABLED];

	return wb_sim_ops.enabled(&t->m, t->w, acts);
}

/* The enabled actions as "W1:rwsem_lock WB:pass_end RC:evict@2". */
static inline const char *tc_enabled_text(struct tc *t)
{
	struct sim_action acts[SIM_MAX_ENABLED];
	unsigned n = wb_sim_ops.enabled(&t->m, t->w, acts);
	size_t used = 0;

	t->abuf[0] = 0;
	for (unsigned i = 0; i < n; i++) {
		struct sim_label l;
		wb_sim_ops.label(&t->m, t->w, acts[i].id, &l);
		if (i)
			assert_true(acts[i - 1].actor < acts[i].actor ||
				    (acts[i - 1].actor == acts[i].actor && l.arg >= 0));
		used += (size_t)snprintf(t->abuf + used, sizeof(t->abuf) - used, "%s%s:%s",
					 i ? " " : "", l.actor, l.step);
		if (l.arg >= 0)
			used += (size_t)snprintf(t->abuf + used, sizeof(t->abuf) - used, "@%d",
						 l.arg);
	}
	return t->abuf;
}

static inline void tc_apply(struct tc *t, uint32_t a, const struct sim_label *l,
			    const char *file, int line)
{
	char msg[256];
	size_t used = strlen(t->trace);

	snprintf(t->trace + used, sizeof(t->trace) - used, "%s%s", used ? " " : "", l->step);
	wb_sim_ops.apply(&t->m, t->w, a);
	t->nsteps++;
	if (wb_world_check(&t->m, t->w, msg, sizeof(msg))) {
		print_error("after %s:%s: invariant broken: %s\n", l->actor, l->step, msg);
		_fail(file, line);
	}
}

/*
 * Take the next step of `actor` (with arg `arg`, if >= 0), which must be
 * enabled and named `step`.
 */
static inline const char *tc_step_at(struct tc *t, const char *actor, const char *step, int arg,
				     const char *file, int line)
{
	struct sim_label l = { .step = NULL };
	uint32_t a = 0;

	if (tc_find(t, actor, arg, &a, &l) < 0) {
		print_error("%s has no enabled step (wanted %s)\n", actor, step);
		_fail(file, line);
	}
	if (!l.step || strcmp(l.step, step)) {
		print_error("%s: next step is %s, wanted %s\n", actor, l.step ? l.step : "?", step);
		_fail(file, line);
	}
	t->trace[0] = 0;
	tc_apply(t, a, &l, file, line);
	return t->desc;
}
#define STEP(t, actor, step) tc_step_at(t, actor, step, -1, __FILE__, __LINE__)
#define EVICT(t, actor, page) tc_step_at(t, actor, "evict", page, __FILE__, __LINE__)

/* Run `actor` while it has an enabled step; the steps taken are in t->trace. */
static inline void tc_run(struct tc *t, const char *actor)
{
	struct sim_label l;
	uint32_t a = 0;

	t->trace[0] = 0;
	while (tc_find(t, actor, -1, &a, &l) >= 0)
		tc_apply(t, a, &l, __FILE__, __LINE__);
}

/* Run `actor` up to and including its next step named `step`. */
static inline void tc_run_to_at(struct tc *t, const char *actor, const char *step,
				const char *file, int line)
{
	struct sim_label l;
	uint32_t a = 0;

	t->trace[0] = 0;
	for (;;) {
		if (tc_find(t, actor, -1, &a, &l) < 0) {
			print_error("%s stopped before %s (took: %s)\n", actor, step, t->trace);
			_fail(file, line);
		}
		bool last = !strcmp(l.step, step);
		tc_apply(t, a, &l, file, line);
		if (last)
			return;
	}
}
#define RUN_TO(t, actor, step) tc_run_to_at(t, actor, step, __FILE__, __LINE__)

/*
 * One schedule entry, as in a scenario file: "TASK" runs the actor while it
 * has an enabled step (it must have one); "TASK:STEP" runs it up to and
 * including STEP.
 */
static inline void tc_entry_at(struct tc *t, const char *entry, const char *file, int line)
{
	char actor[48];
	const char *colon = strchr(entry, ':'), *step = colon ? colon + 1 : NULL;
	struct sim_label l;
	uint32_t a = 0;

	snprintf(actor, sizeof(actor), "%.*s", colon ? (int)(colon - entry) : (int)strlen(entry),
		 entry);
	t->trace[0] = 0;
	if (tc_find(t, actor, -1, &a, &l) < 0) {
		print_error("entry %s: %s has no enabled step\n", entry, actor);
		_fail(file, line);
	}
	for (;;) {
		bool last = step && !strcmp(l.step, step);
		tc_apply(t, a, &l, file, line);
		if (last)
			return;
		if (tc_find(t, actor, -1, &a, &l) < 0) {
			if (!step)
				return;
			print_error("entry %s: %s stopped before %s (took: %s)\n", entry, actor,
				    step, t->trace);
			_fail(file, line);
		}
	}
}
#define RUN(t, entry) tc_entry_at(t, entry, __FILE__, __LINE__)

static inline void tc_sched_at(struct tc *t, const char *const *entries, size_t n,
			       const char *file, int line)
{
	for (size_t i = 0; i < n; i++)
		tc_entry_at(t, entries[i], file, line);
}
#define SCHED(t, e) tc_sched_at(t, e, sizeof(e) / sizeof(e[0]), __FILE__, __LINE__)

/* Run the first (lowest) enabled action until none is left (a terminal state). */
static inline void tc_run_all(struct tc *t)
{
	struct sim_action acts[SIM_MAX_ENABLED];
	struct sim_label l;
	unsigned n, guard = 0;

	while ((n = wb_sim_ops.enabled(&t->m, t->w, acts)) > 0) {
		wb_sim_ops.label(&t->m, t->w, acts[0].id, &l);
		tc_apply(t, acts[0].id, &l, __FILE__, __LINE__);
		assert_true(++guard < 10000);
	}
}

/* The extent map, one letter per block: H D U W. */
static inline const char *tc_exts(struct tc *t)
{
	static const char letter[] = "HDUW";
	const uint8_t *ext = wb_ext(&t->m, t->w);
	unsigned b;

	for (b = 0; b < t->m.nblocks; b++)
		t->ebuf[b] = letter[ext[b]];
	t->ebuf[b] = 0;
	return t->ebuf;
}

/* A page's cached contents, as "0*1024 A*2048 ...". */
static inline const char *tc_cache(struct tc *t, unsigned page)
{
	wb_bytes_text(wb_cache(&t->m, t->w, page), t->m.gpp, t->m.gran, t->cbuf, sizeof(t->cbuf));
	return t->cbuf;
}

/* Disk contents of blocks [b0, b0 + n). */
static inline const char *tc_disk(struct tc *t, unsigned b0, unsigned n)
{
	wb_bytes_text(wb_disk(&t->m, t->w) + (size_t)b0 * t->m.gpb, (size_t)n * t->m.gpb,
		      t->m.gran, t->dbuf, sizeof(t->dbuf));
	return t->dbuf;
}

static inline void tc_poison(struct tc *t, unsigned page)
{
	memset(wb_cache(&t->m, t->w, page), 'Q', t->m.gpp);
}

static inline uint32_t tc_seq(struct tc *t)
{
	return tc_ino(t)->seq;
}

/* The oracle's expected contents up to i_size, for the i_rwsem order so far. */
static inline const char *tc_expected(struct tc *t)
{
	size_t ngran = tc_ino(t)->i_size / t->m.gran;
	uint8_t *e = wb_xmalloc(ngran + 1);

	wb_expected(&t->m, t->w, e, ngran);
	wb_bytes_text(e, ngran, t->m.gran, t->xbuf, sizeof(t->xbuf));
	free(e);
	return t->xbuf;
}

/* The oracle's verdict, checking it leaves the world alone and agrees with the ops table. */
static inline enum sim_verdict tc_oracle(struct tc *t, struct wb_report *rep)
{
	void *before = wb_xmalloc(t->m.size);
	enum sim_verdict v;

	memcpy(before, t->w, t->m.size);
	v = wb_oracle(&t->m, t->w, rep);
	assert_memory_equal(before, t->w, t->m.size);
	assert_int_equal(rep->verdict, v);
	assert_int_equal(wb_sim_ops.verdict(&t->m, t->w), v);
	free(before);
	return v;
}

/* The verdict of a terminal world (nothing enabled), as tc_oracle; `rep` may be NULL. */
static inline enum sim_verdict tc_verdict(struct tc *t, struct wb_report *rep)
{
	struct wb_report own;

	assert_int_equal(tc_nenabled(t), 0);
	return tc_oracle(t, rep ? rep : &own);
}

/* ------------------------------------------------------------------ scenarios */

/* C1: 4 KiB blocks and pages, 8 KiB preallocated UNWRITTEN. */
#define C1_FILE "'file':{'size':8192,'extents':[{'offset':0,'length':8192,'state':'unwritten'}]}"
#define GEOM_1K "'geometry':{'block_size':1024,'page_size':4096}"

#endif /* WBSIM_TESTS_HARNESS_H */
