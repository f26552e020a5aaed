/* SPDX-License-Identifier: MIT */
/*
 * test_explore.c - exhaustive exploration of the kernel model:
 *  - every figure of tests/conformance/counts.txt (an independent
 *    implementation's results) to the last digit;
 *  - the cached counts against naive enumeration of every interleaving;
 *  - the exploration order changes no count.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "model/world.h"
#include "tests/naive.h"

#define CONF WBSIM_SOURCE_DIR "/tests/conformance/"

struct job {
	struct wb_scenario *sc;
	struct wb_model m;
	struct sim_model sm;
	void *init;
};

static void job_open(struct job *j, const char *name, const char *mode)
{
	char path[512], err[128], kv[64];
	struct wb_config cfg;

	snprintf(path, sizeof(path), CONF "%s.json", name);
	j->sc = wb_scenario_load(path, stderr);
	assert_non_null(j->sc);
	cfg = j->sc->config;
	snprintf(kv, sizeof(kv), "validity_check=%s", mode);
	assert_int_equal(wb_config_set(&cfg, kv, err, sizeof(err)), 0);
	wb_model_init(&j->m, j->sc, &cfg);
	j->sm.ops = &wb_sim_ops;
	j->sm.ctx = &j->m;
	j->sm.size = j->m.size;
	j->sm.key_size = j->m.pack.bytes;
	memcpy(j->sm.key_splits, j->m.pack.splits, sizeof(j->sm.key_splits));
	j->init = wb_world_new(&j->m);
}

static void job_close(struct job *j)
{
	free(j->init);
	wb_scenario_free(j->sc);
}

static const char *verdict_word(enum sim_verdict v)
{
	return v == SIM_SAFE ? "safe" : v == SIM_CORRUPT ? "corrupt" : "deadlock";
}

static void test_conformance_counts(void **state)
{
	FILE *f = fopen(CONF "counts.txt", "r");
	char name[64], mode[32], verdict[16], states[32], execs[48], failing[48], depth[16];
	unsigned rows = 0;

	(void)state;
	assert_non_null(f);
	while (fscanf(f, "%63s %31s %15s %31s %47s %47s %15s", name, mode, verdict, states, execs,
		      failing, depth) == 7) {
		struct job j;
		struct sim_explore_opts eo = { .order = SIM_ORDER_FORWARD };
		struct sim_explore_result res;
		char got_states[32], *got_exec, *got_fail, got_depth[16];

		job_open(&j, name, mode);
		assert_int_equal(sim_explore(&j.sm, j.init, &eo, &res), 0);
		assert_true(res.complete);
		snprintf(got_states, sizeof(got_states), "%llu", (unsigned long long)res.states);
		got_exec = sim_count_text(&res.executions);
		got_fail = sim_count_text(&res.failing);
		snprintf(got_depth, sizeof(got_depth), "%u", res.max_depth);
		if (strcmp(verdict, verdict_word(res.verdict)) || strcmp(states, got_states) ||
		    strcmp(execs, got_exec) || strcmp(failing, got_fail) || strcmp(depth, got_depth))
			fail_msg("%s %s: expected %s %s %s %s %s, got %s %s %s %s %s", name, mode,
				 verdict, states, execs, failing, depth, verdict_word(res.verdict),
				 got_states, got_exec, got_fail, got_depth);
		free(got_exec);
		free(got_fail);
		sim_explore_result_free(&res);
		job_close(&j);
		rows++;
	}
	fclose(f);
	assert_int_equal(rows, 45);
}

static void test_cached_matches_naive(void **state)
{
	static const char *const cases[][2] = {
		{ "random-03", "off" },
		{ "random-03", "before_lock" },
		{ "random-08", "off" },
		{ "random-09", "off" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct job j;
		struct naive_counts nc;
		struct sim_explore_opts eo = { .order = SIM_ORDER_FORWARD };
		struct sim_explore_result res;

		job_open(&j, cases[i][0], cases[i][1]);
		naive_count(&j.sm, j.init, &nc);
		assert_int_equal(sim_explore(&j.sm, j.init, &eo, &res), 0);
		assert_true(count_is(&res.executions, nc.executions));
		assert_true(count_is(&res.failing, nc.failing));
		assert_int_equal(res.states, nc.states);
		assert_int_equal(res.max_depth, nc.max_depth);
		sim_explore_result_free(&res);
		job_close(&j);
	}
}

static void test_order_changes_no_count(void **state)
{
	static const char *const cases[][2] = {
		{ "c1-unwritten-prealloc", "off" },
		{ "c1-unwritten-prealloc", "before_lock" },
		{ "delalloc-sync", "after_lock" },
		{ "1k-blocks-ranged-writeback", "off" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct job j;
		struct sim_explore_result ref, res;
		struct sim_explore_opts eo = { .order = SIM_ORDER_FORWARD };

		job_open(&j, cases[i][0], cases[i][1]);
		assert_int_equal(sim_explore(&j.sm, j.init, &eo, &ref), 0);
		for (int order = 1; order < 3; order++) {
			for (uint64_t seed = 1; seed <= (order == 2 ? 3u : 1u); seed++) {
				eo.order = (enum sim_order)order;
				eo.seed = seed;
				assert_int_equal(sim_explore(&j.sm, j.init, &eo, &res), 0);
				assert_int_equal(res.states, ref.states);
				assert_int_equal(res.transitions, ref.transitions);
				assert_int_equal(res.end_states, ref.end_states);
				assert_true(sim_count_cmp(&res.executions, &ref.executions) == 0);
				assert_true(sim_count_cmp(&res.failing, &ref.failing) == 0);
				assert_int_equal(res.max_depth, ref.max_depth);
				assert_int_equal(res.verdict, ref.verdict);
				assert_int_equal(res.cex_len, ref.cex_len);
				sim_explore_result_free(&res);
			}
		}
		sim_explore_result_free(&ref);
		job_close(&j);
	}
}

static void test_census_adds_up(void **state)
{
	static const char *const modes[] = { "off", "after_lock", "before_lock" };

	(void)state;
	for (size_t i = 0; i < 3; i++) {
		struct job j;
		struct sim_explore_opts eo = { .census = true };
		struct sim_explore_result res;
		struct sim_count all = SIM_COUNT_ZERO, failing = SIM_COUNT_ZERO;

		job_open(&j, "c1-unwritten-prealloc", modes[i]);
		assert_int_equal(sim_explore(&j.sm, j.init, &eo, &res), 0);
		assert_true(res.noutcomes >= 1);
		for (size_t k = 0; k < res.noutcomes; k++) {
			assert_int_equal(sim_count_add(&all, &res.outcomes[k].executions), 0);
			if (!res.outcomes[k].expected)
				assert_int_equal(
					sim_count_add(&failing, &res.outcomes[k].executions), 0);
			assert_true(res.outcomes[k].path_len > 0);
		}
		assert_int_equal(sim_count_cmp(&all, &res.executions), 0);
		assert_int_equal(sim_count_cmp(&failing, &res.failing), 0);
		sim_count_free(&all);
		sim_count_free(&failing);
		assert_int_equal(res.nevents, 3);
		/* the fix fires (stale_remap) only with a check; no stale decision with after_lock */
		if (i == 0)
			assert_true(sim_count_is_zero(&res.event_executions[0]));
		else
			assert_false(sim_count_is_zero(&res.event_executions[0]));
		if (i == 1)
			assert_true(sim_count_is_zero(&res.event_executions[1]));
		else
			assert_true(sim_count_cmp(&res.event_executions[1], &res.failing) >= 0);
		sim_explore_result_free(&res);
		job_close(&j);
	}
}

static void test_preemption_bound(void **state)
{
	struct job j;
	struct sim_explore_opts eo = { 0 };
	struct sim_explore_result full, b;

	(void)state;
	job_open(&j, "c1-unwritten-prealloc", "off");
	assert_int_equal(sim_explore(&j.sm, j.init, &eo, &full), 0);
	eo.bound_preemptions = true;
	/* without preemptions every task runs until it blocks or ends: safe here */
	eo.preemption_bound = 0;
	assert_int_equal(sim_explore(&j.sm, j.init, &eo, &b), 0);
	assert_int_equal(b.verdict, SIM_SAFE);
	assert_false(b.complete);
	assert_true(sim_count_cmp(&b.executions, &full.executions) < 0);
	sim_explore_result_free(&b);
	/* one preemption is enough for the race */
	eo.preemption_bound = 1;
	assert_int_equal(sim_explore(&j.sm, j.init, &eo, &b), 0);
	assert_int_equal(b.verdict, SIM_CORRUPT);
	sim_explore_result_free(&b);
	/* a bound no execution reaches gives the full counts */
	eo.preemption_bound = 200;
	assert_int_equal(sim_explore(&j.sm, j.init, &eo, &b), 0);
	assert_true(b.complete);
	assert_true(sim_count_cmp(&b.executions, &full.executions) == 0);
	assert_true(sim_count_cmp(&b.failing, &full.failing) == 0);
	assert_int_equal(b.max_depth, full.max_depth);
	sim_explore_result_free(&b);
	sim_explore_result_free(&full);
	job_close(&j);
}

static void test_all_failing_paths(void **state)
{
	struct job j;
	struct sim_explore_opts eo = { .all_failing = 50 };
	struct sim_explore_result res;
	char err[128];

	(void)state;
	job_open(&j, "random-08", "before_lock");
	assert_int_equal(sim_explore(&j.sm, j.init, &eo, &res), 0);
	assert_true(res.nfailing_paths >= 1);
	void **ends = calloc(res.nfailing_paths, sizeof(void *));
	for (size_t i = 0; i < res.nfailing_paths; i++) {
		struct sim_run r;
		struct sim_run_opts o = { .choices = res.failing_paths[i].choices,
					  .nchoices = res.failing_paths[i].len };
		assert_int_equal(sim_run_execute(&j.sm, j.init, &o, &r, err, sizeof(err)),
				 SIM_RUN_OK);
		assert_true(r.terminal);
		assert_int_equal(r.verdict, SIM_CORRUPT);
		/* distinct end states */
		for (size_t k = 0; k < i; k++)
			assert_true(memcmp(ends[k], r.world, j.sm.size) != 0);
		ends[i] = r.world;
		r.world = NULL;
		sim_run_free(&r);
	}
	for (size_t i = 0; i < res.nfailing_paths; i++)
		free(ends[i]);
	free(ends);
	sim_explore_result_free(&res);
	job_close(&j);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_conformance_counts),
		cmocka_unit_test(test_cached_matches_naive),
		cmocka_unit_test(test_order_changes_no_count),
		cmocka_unit_test(test_census_adds_up),
		cmocka_unit_test(test_preemption_bound),
		cmocka_unit_test(test_all_failing_paths),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
