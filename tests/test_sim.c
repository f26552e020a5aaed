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

/* ---- simulated time (SIM_POLICY_TIMED) on the toy model ---- */

/* Two independent tasks: the first step of task t takes exponential(mean[t]), the second none. */
struct toy_race {
	uint64_t mean[2];
	bool fixed; /* fixed durations mean[t] instead */
};

static uint64_t toy_race_duration(void *dctx, const void *world, uint32_t action,
				  struct sim_rng *rng)
{
	const struct toy_race *tr = dctx;
	const struct toy_world *w = world;
	struct sim_dist d = { tr->fixed ? SIM_DIST_FIXED : SIM_DIST_EXPONENTIAL, tr->mean[action],
			      0 };

	if (w->pc[action] % 2)
		return 0;
	return sim_dist_draw(&d, rng);
}

static struct toy_ctx toy_indep = { .ntasks = 2, .increments = 1, .independent = true };

/* The task that finished first in a timed run with this seed. */
static unsigned toy_race_once(struct toy_race *tr, uint64_t seed)
{
	struct sim_model sm = toy_model(&toy_indep);
	struct toy_world w;
	struct sim_run_opts o = { .policy = SIM_POLICY_TIMED, .seed = seed,
				  .duration = toy_race_duration, .dctx = tr };
	struct sim_run r;
	char err[128];
	unsigned first;

	toy_init(&w);
	assert_int_equal(sim_run_execute(&sm, &w, &o, &r, err, sizeof(err)), SIM_RUN_OK);
	assert_true(r.terminal);
	assert_int_equal(r.nsteps, 4);
	/* the times never go back */
	for (size_t i = 1; i < r.nsteps; i++)
		assert_true(r.times[i] >= r.times[i - 1]);
	first = ((struct toy_world *)r.world)->first - 1u;
	sim_run_free(&r);
	return first;
}

static uint64_t toy_seed(uint64_t s, uint64_t i)
{
	struct sim_rng r = { s + i * 0x9e3779b97f4a7c15ull };
	return sim_rng_next(&r);
}

/*
 * Two tasks racing with exponential delays of rates a and b: task 0 wins with
 * probability a / (a + b), here (1/3000) / (1/3000 + 1/1000) = 1/4.  The
 * answer lies in Wilson's 95% interval for every N, and the interval's width
 * halves when N is multiplied by four (1/sqrt(N)).
 */
static void test_timed_race_closed_form(void **state)
{
	struct toy_race tr = { .mean = { 3000, 1000 } };
	uint64_t ns[] = { 1000, 4000, 16000, 64000 };
	double width[4];

	(void)state;
	for (unsigned k = 0; k < 4; k++) {
		uint64_t wins = 0;
		double lo, hi;
		for (uint64_t i = 0; i < ns[k]; i++)
			wins += toy_race_once(&tr, toy_seed(7, i)) == 0;
		sim_wilson95(wins, ns[k], &lo, &hi);
		print_message("N %6llu: P(A first) %.4f, 95%% [%.4f, %.4f], width %.4f\n",
			      (unsigned long long)ns[k], (double)wins / (double)ns[k], lo, hi,
			      hi - lo);
		assert_true(lo <= 0.25 && 0.25 <= hi);
		width[k] = hi - lo;
	}
	for (unsigned k = 1; k < 4; k++) {
		double ratio = width[k - 1] / width[k];
		assert_true(ratio > 1.8 && ratio < 2.2);
	}
}

/* Fixed durations: the earlier step goes first, a tie to the smaller actor. */
static void test_timed_order_and_ties(void **state)
{
	struct toy_race later0 = { .mean = { 5, 3 }, .fixed = true };
	struct toy_race tie = { .mean = { 4, 4 }, .fixed = true };

	(void)state;
	for (uint64_t s = 0; s < 20; s++) {
		assert_int_equal(toy_race_once(&later0, s), 1);
		assert_int_equal(toy_race_once(&tie, s), 0);
	}
}

/* The integer distributions: means, medians and spread where they must be. */
static void test_integer_distributions(void **state)
{
	struct sim_rng r = { 42 };
	const unsigned n = 200000;
	struct sim_dist ex = { SIM_DIST_EXPONENTIAL, 1000000, 0 };
	struct sim_dist ln = { SIM_DIST_LOGNORMAL, 20000, (uint64_t)1 << 31 }; /* sigma 0.5 */
	struct sim_dist un = { SIM_DIST_UNIFORM, 100, 200 };
	double sum = 0, sum2 = 0;
	unsigned below = 0, lo = 0, hi = 0;

	(void)state;
	for (unsigned i = 0; i < n; i++)
		sum += (double)sim_dist_draw(&ex, &r);
	assert_true(sum / n > 990000 && sum / n < 1010000);
	for (unsigned i = 0; i < n; i++)
		below += sim_dist_draw(&ln, &r) < 20000;
	assert_true(below > n / 2 - n / 100 && below < n / 2 + n / 100);
	sum = 0;
	for (unsigned i = 0; i < n; i++) {
		double z = (double)sim_rng_normal_q32(&r) / 4294967296.0;
		sum += z;
		sum2 += z * z;
	}
	assert_true(sum / n > -0.01 && sum / n < 0.01);
	assert_true(sum2 / n > 0.98 && sum2 / n < 1.02);
	for (unsigned i = 0; i < n; i++) {
		uint64_t u = sim_dist_draw(&un, &r);
		assert_true(u >= 100 && u <= 200);
		lo += u == 100;
		hi += u == 200;
	}
	assert_true(lo > 0 && hi > 0);
	/* exp(0) is 1, e^1 and e^-1 to nine digits */
	assert_int_equal(sim_scale_exp_q32(1000000000, 0), 1000000000);
	uint64_t e1 = sim_scale_exp_q32(1000000000, (int64_t)1 << 32);
	assert_true(e1 >= 2718281820 && e1 <= 2718281836);
	uint64_t em1 = sim_scale_exp_q32(1000000000, -((int64_t)1 << 32));
	assert_true(em1 >= 367879437 && em1 <= 367879447);
	/* a fixed stream: these exact values on every machine and compiler */
	struct sim_rng f = { 1 };
	uint64_t x = sim_dist_draw(&ex, &f), y = sim_dist_draw(&ln, &f);
	assert_int_equal(x, 568169);
	assert_int_equal(y, 7654);
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
		cmocka_unit_test(test_timed_race_closed_form),
		cmocka_unit_test(test_timed_order_and_ties),
		cmocka_unit_test(test_integer_distributions),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
