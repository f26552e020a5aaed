/* SPDX-License-Identifier: MIT */
/*
 * test_sim.c - the engine on the toy lost-update model: policies, schedules,
 * replay of choices, and exhaustive exploration against naive enumeration.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tests/naive.h"
#include "tests/toy_model.h"

static struct toy_ctx toy2 = { .ntasks = 2, .increments = 1 };

static struct sim_model toy_model(struct toy_ctx *c)
{
	struct sim_model sm = { .ops = &toy_ops, .ctx = c, .size = sizeof(struct toy_world) };
	return sm;
}

static void test_round_robin_finds_lost_update(void **state)
{
	struct sim_model sm = toy_model(&toy2);
	struct toy_world w;
	struct sim_run_opts o = { .policy = SIM_POLICY_ROUND_ROBIN, .check_every_step = true };
	struct sim_run r;
	char err[128];

	(void)state;
	toy_init(&w);
	assert_int_equal(sim_run_execute(&sm, &w, &o, &r, err, sizeof(err)), SIM_RUN_OK);
	/* T0 load, T1 load, T0 store, T1 store: the lost update */
	assert_int_equal(r.nsteps, 4);
	assert_int_equal(r.steps[0].action, 0);
	assert_int_equal(r.steps[1].action, 1);
	assert_int_equal(r.steps[2].action, 0);
	assert_int_equal(r.steps[3].action, 1);
	assert_true(r.terminal);
	assert_int_equal(r.verdict, SIM_CORRUPT);
	assert_int_equal(((struct toy_world *)r.world)->counter, 1);
	sim_run_free(&r);
}

static void test_schedule_then_policy(void **state)
{
	struct sim_model sm = toy_model(&toy2);
	struct toy_world w;
	struct sim_sched_entry e[1];
	char err[128];
	struct sim_run r;

	(void)state;
	toy_init(&w);
	assert_int_equal(sim_sched_parse("T0", &e[0], err, sizeof(err)), 0);
	struct sim_run_opts o = { .sched = e, .nsched = 1 };
	assert_int_equal(sim_run_execute(&sm, &w, &o, &r, err, sizeof(err)), SIM_RUN_OK);
	assert_int_equal(r.verdict, SIM_SAFE); /* T0 runs to the end first */
	assert_int_equal(r.steps[0].action, 0);
	assert_int_equal(r.steps[1].action, 0);
	sim_run_free(&r);
}

static void test_schedule_errors(void **state)
{
	struct sim_model sm = toy_model(&toy2);
	struct toy_world w;
	struct sim_sched_entry e[2];
	char err[256];
	struct sim_run r;

	(void)state;
	toy_init(&w);
	/* unknown task */
	assert_int_equal(sim_sched_parse("T7", &e[0], err, sizeof(err)), 0);
	struct sim_run_opts o = { .sched = e, .nsched = 1 };
	assert_int_equal(sim_run_execute(&sm, &w, &o, &r, err, sizeof(err)), SIM_RUN_SCHEDULE);
	assert_non_null(strstr(err, "no task named T7"));
	assert_int_equal(r.bad_entry, 0);
	sim_run_free(&r);
	/* unknown step */
	assert_int_equal(sim_sched_parse("T0:fly", &e[0], err, sizeof(err)), 0);
	assert_int_equal(sim_run_execute(&sm, &w, &o, &r, err, sizeof(err)), SIM_RUN_SCHEDULE);
	assert_non_null(strstr(err, "never takes a step named fly"));
	sim_run_free(&r);
	/* a task entry for a finished task */
	assert_int_equal(sim_sched_parse("T0", &e[0], err, sizeof(err)), 0);
	assert_int_equal(sim_sched_parse("T0", &e[1], err, sizeof(err)), 0);
	o.nsched = 2;
	assert_int_equal(sim_run_execute(&sm, &w, &o, &r, err, sizeof(err)), SIM_RUN_SCHEDULE);
	assert_non_null(strstr(err, "cannot take a single step"));
	assert_int_equal(r.bad_entry, 1);
	sim_run_free(&r);
	/* TASK:STEP that the task finishes before reaching */
	assert_int_equal(sim_sched_parse("T0:store", &e[0], err, sizeof(err)), 0);
	assert_int_equal(sim_sched_parse("T0:load", &e[1], err, sizeof(err)), 0);
	assert_int_equal(sim_run_execute(&sm, &w, &o, &r, err, sizeof(err)), SIM_RUN_SCHEDULE);
	assert_non_null(strstr(err, "has finished before reaching load"));
	sim_run_free(&r);
	/* syntax */
	assert_int_equal(sim_sched_parse(":x", &e[0], err, sizeof(err)), -1);
	assert_int_equal(sim_sched_parse("T0:", &e[0], err, sizeof(err)), -1);
	assert_int_equal(sim_sched_parse("T0:evict@x", &e[0], err, sizeof(err)), -1);
	assert_int_equal(sim_sched_parse("RC:evict@3", &e[0], err, sizeof(err)), 0);
	assert_int_equal(e[0].arg, 3);
	assert_string_equal(e[0].step, "evict");
}

static void test_seed_is_deterministic_and_choices_replay(void **state)
{
	struct toy_ctx c = { .ntasks = 3, .increments = 2 };
	struct sim_model sm = toy_model(&c);
	struct toy_world w;
	char err[128];

	(void)state;
	toy_init(&w);
	for (uint64_t seed = 0; seed < 20; seed++) {
		struct sim_run a, b, re;
		struct sim_run_opts o = { .policy = SIM_POLICY_RANDOM, .seed = seed };
		assert_int_equal(sim_run_execute(&sm, &w, &o, &a, err, sizeof(err)), SIM_RUN_OK);
		assert_int_equal(sim_run_execute(&sm, &w, &o, &b, err, sizeof(err)), SIM_RUN_OK);
		assert_int_equal(a.nsteps, b.nsteps);
		uint16_t ch[64];
		for (size_t i = 0; i < a.nsteps; i++) {
			assert_int_equal(a.steps[i].action, b.steps[i].action);
			ch[i] = a.steps[i].choice;
		}
		struct sim_run_opts ro = { .choices = ch, .nchoices = a.nsteps };
		assert_int_equal(sim_run_execute(&sm, &w, &ro, &re, err, sizeof(err)), SIM_RUN_OK);
		assert_memory_equal(re.world, a.world, sizeof(struct toy_world));
		assert_int_equal(re.verdict, a.verdict);
		sim_run_free(&a);
		sim_run_free(&b);
		sim_run_free(&re);
	}
	/* the stream itself is fixed: splitmix64 from seed 0 */
	struct sim_rng r;
	sim_rng_seed(&r, 0);
	assert_true(sim_rng_next(&r) == 0xe220a8397b1dcdafull);
}

static void test_choice_out_of_range(void **state)
{
	struct sim_model sm = toy_model(&toy2);
	struct toy_world w;
	uint16_t ch[] = { 0, 5 };
	struct sim_run_opts o = { .choices = ch, .nchoices = 2 };
	struct sim_run r;
	char err[128];

	(void)state;
	toy_init(&w);
	assert_int_equal(sim_run_execute(&sm, &w, &o, &r, err, sizeof(err)), SIM_RUN_CHOICE);
	sim_run_free(&r);
}

static void check_against_naive(struct toy_ctx *c)
{
	struct sim_model sm = toy_model(c);
	struct toy_world w;
	struct naive_counts nc;
	struct sim_explore_opts eo = { .order = SIM_ORDER_FORWARD };
	struct sim_explore_result res;

	toy_init(&w);
	naive_count(&sm, &w, &nc);
	for (int order = 0; order < 3; order++) {
		eo.order = (enum sim_order)order;
		eo.seed = 42;
		assert_int_equal(sim_explore(&sm, &w, &eo, &res), 0);
		assert_true(res.complete);
		assert_true(count_is(&res.executions, nc.executions));
		assert_true(count_is(&res.failing, nc.failing));
		assert_int_equal(res.states, nc.states);
		assert_int_equal(res.max_depth, nc.max_depth);
		assert_int_equal(res.verdict, nc.failing ? SIM_CORRUPT : SIM_SAFE);
		sim_explore_result_free(&res);
	}
}

static void test_explore_matches_naive(void **state)
{
	struct toy_ctx a = { .ntasks = 2, .increments = 1 };
	struct toy_ctx b = { .ntasks = 3, .increments = 2 };
	struct toy_ctx c = { .ntasks = 4, .increments = 1 };
	struct sim_model sm = toy_model(&a);
	struct toy_world w;
	struct sim_explore_opts eo = { .order = SIM_ORDER_FORWARD };
	struct sim_explore_result res;

	(void)state;
	/* two tasks: 6 interleavings, 4 lose an update, shortest failure 4 steps */
	toy_init(&w);
	assert_int_equal(sim_explore(&sm, &w, &eo, &res), 0);
	assert_true(count_is(&res.executions, 6));
	assert_true(count_is(&res.failing, 4));
	assert_int_equal(res.cex_len, 4);
	sim_explore_result_free(&res);
	check_against_naive(&a);
	check_against_naive(&b);
	check_against_naive(&c);
}

/* The check_step hook sees each transition: a run with check_every_step stops at the bad one. */
static void test_check_step_in_run(void **state)
{
	struct toy_ctx c = { .ntasks = 2, .increments = 2, .monotonic = true };
	struct sim_model sm = toy_model(&c);
	struct toy_world w;
	/* T0 loads 0; T1 increments twice; T0 stores 1 over 2 */
	uint16_t ch[] = { 0, 1, 1, 1, 1, 0 };
	struct sim_run_opts o = { .choices = ch, .nchoices = 6, .check_every_step = true };
	struct sim_run r;
	char err[256];

	(void)state;
	toy_init(&w);
	assert_int_equal(sim_run_execute(&sm, &w, &o, &r, err, sizeof(err)), SIM_RUN_INVARIANT);
	assert_string_equal(err, "transition invariant violated by step 6: T0 lowered the counter "
				 "2 -> 1");
	sim_run_free(&r);
	/* the same execution without checks, and five steps of it with them, are fine */
	o.check_every_step = false;
	assert_int_equal(sim_run_execute(&sm, &w, &o, &r, err, sizeof(err)), SIM_RUN_OK);
	sim_run_free(&r);
	o.check_every_step = true;
	o.nchoices = 5;
	assert_int_equal(sim_run_execute(&sm, &w, &o, &r, err, sizeof(err)), SIM_RUN_OK);
	sim_run_free(&r);
}

/*
 * Exploration reports a broken transition invariant through its result (debug
 * builds check every transition; release builds never call the hook).
 */
static void test_check_step_in_explore(void **state)
{
	struct toy_ctx ok = { .ntasks = 2, .increments = 1, .monotonic = true };
	struct toy_ctx bad = { .ntasks = 2, .increments = 2, .monotonic = true };
	struct sim_model sm = toy_model(&ok);
	struct toy_world w;
	struct sim_explore_opts eo = { .order = SIM_ORDER_FORWARD };
	struct sim_explore_result res;

	(void)state;
	toy_init(&w);
	/* one increment each: the counter never goes down, the counts are the usual ones */
	assert_int_equal(sim_explore(&sm, &w, &eo, &res), 0);
	assert_string_equal(res.error, "");
	assert_true(count_is(&res.executions, 6));
	sim_explore_result_free(&res);
	sm = toy_model(&bad);
#ifdef WBSIM_CHECK_EVERY_STEP
	assert_int_equal(sim_explore(&sm, &w, &eo, &res), -1);
	assert_non_null(strstr(res.error, "internal error: transition invariant violated by T0:"
					  "store: T0 lowered the counter"));
	assert_string_equal(res.stopped_by, "error");
	assert_false(res.complete);
#else
	assert_int_equal(sim_explore(&sm, &w, &eo, &res), 0);
	assert_string_equal(res.error, "");
#endif
	sim_explore_result_free(&res);
}

/* Decimal text of a count, checked against the expected digits. */
static void assert_count_text(const struct sim_count *c, const char *want)
{
	char *t = sim_count_text(c);

	assert_non_null(t);
	assert_string_equal(t, want);
	free(t);
}

static void test_count_arith(void **state)
{
	struct sim_count a = SIM_COUNT_ZERO, b = SIM_COUNT_ZERO;
	const uint64_t max64 = UINT64_MAX, two[2] = { 0, 1 };

	(void)state;
	assert_count_text(&a, "0");
	assert_true(sim_count_is_zero(&a));
	/* 2^63 - 1 stays inline; one more goes to limbs */
	assert_int_equal(sim_count_add_u64(&a, SIM_COUNT_SMALL_MAX), 0);
	assert_int_equal(a.n, 0);
	assert_int_equal(sim_count_add_u64(&a, 1), 0);
	assert_int_equal(a.n, 1);
	assert_count_text(&a, "9223372036854775808");
	/* 2^63 + 2^64 - 1, a carry into a second limb */
	assert_int_equal(sim_count_add_limbs(&a, &max64, 1), 0);
	assert_count_text(&a, "27670116110564327423");
	/* 2^128 - 1 + 1 = 2^128: carries through every limb */
	sim_count_free(&a);
	assert_int_equal(sim_count_add_u64(&a, max64), 0);
	assert_int_equal(sim_count_add_limbs(&a, (const uint64_t[]){ 0, max64 }, 2), 0);
	assert_count_text(&a, "340282366920938463463374607431768211455");
	assert_int_equal(sim_count_add_u64(&a, 1), 0);
	assert_count_text(&a, "340282366920938463463374607431768211456");
	assert_int_equal(a.n, 3);
	/* 10 * 2^64 + 5 */
	for (int i = 0; i < 10; i++)
		assert_int_equal(sim_count_add_limbs(&b, two, 2), 0);
	assert_int_equal(sim_count_add_u64(&b, 5), 0);
	assert_count_text(&b, "184467440737095516165");
	assert_int_equal(sim_count_cmp(&a, &b), 1);
	assert_int_equal(sim_count_cmp(&b, &a), -1);
	assert_false(sim_count_is_zero(&b));
	/* a group of 19 digits with leading zeros in the middle: 10^19 * 2^64 */
	sim_count_free(&b);
	for (int i = 0; i < 1000; i++)
		assert_int_equal(sim_count_add_limbs(&b, (const uint64_t[]){ 0, 10000000000000000u },
						     2), 0);
	assert_count_text(&b, "184467440737095516160000000000000000000");
	sim_count_free(&a);
	sim_count_free(&b);
}

/*
 * Three independent tasks of 30 steps: 90! / (30!)^3 executions, more than
 * 2^128, counted exactly; by symmetry each task finishes first in a third of
 * them, and the census' outcomes and its event add up to the total.
 */
static void test_counts_past_2_128(void **state)
{
	struct toy_ctx c = { .ntasks = 3, .increments = 15, .independent = true };
	struct sim_model sm = toy_model(&c);
	struct sim_explore_opts eo = { .census = true };
	struct sim_explore_result res;
	struct sim_count sum = SIM_COUNT_ZERO;
	struct toy_world w;

	(void)state;
	toy_init(&w);
	assert_int_equal(sim_explore(&sm, &w, &eo, &res), 0);
	assert_true(res.complete);
	/* 31^3 pcs; with two tasks done, which finished first (3 * 30 more); all three: 2 more */
	assert_int_equal(res.states, 31 * 31 * 31 + 3 * 30 + 2);
	assert_count_text(&res.executions, "79607789567531236214574346454361782651136");
	assert_count_text(&res.failing, "0");
	assert_int_equal(res.noutcomes, 3);
	for (size_t i = 0; i < res.noutcomes; i++) {
		assert_count_text(&res.outcomes[i].executions,
				  "26535929855843745404858115484787260883712");
		assert_int_equal(sim_count_add(&sum, &res.outcomes[i].executions), 0);
	}
	assert_int_equal(sim_count_cmp(&sum, &res.executions), 0);
	assert_int_equal(res.nevents, 1);
	assert_int_equal(sim_count_cmp(&res.event_executions[0], &res.executions), 0);
	sim_count_free(&sum);
	sim_explore_result_free(&res);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_robin_finds_lost_update),
		cmocka_unit_test(test_schedule_then_policy),
		cmocka_unit_test(test_schedule_errors),
		cmocka_unit_test(test_seed_is_deterministic_and_choices_replay),
		cmocka_unit_test(test_choice_out_of_range),
		cmocka_unit_test(test_explore_matches_naive),
		cmocka_unit_test(test_check_step_in_run),
		cmocka_unit_test(test_check_step_in_explore),
		cmocka_unit_test(test_count_arith),
		cmocka_unit_test(test_counts_past_2_128),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
