/* SPDX-License-Identifier: MIT */
/*
 * test_random.c - random small scenarios over every actor and switch, from a
 * fixed seed: each loads, explores completely without breaking an invariant
 * (debug builds check wb_world_check after every step of the search), gives
 * the same counts in reverse order, replays its counterexample to the same
 * verdict, and, when small enough, agrees with naive enumeration of every
 * interleaving.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "model/world.h"
#include "tests/gen.h"
#include "tests/naive.h"

#define NSCENARIOS 24
#define NAIVE_LIMIT 20000

/* One random scenario: a small file, one or two writes, and two or three other actors. */
static void gen_scenario(struct gen *g, unsigned i)
{
	static const char *const states[] = { "hole", "unwritten", "written" };
	unsigned bs = gen_below(g, 2) ? 4096 : 1024, pages = 1 + gen_below(g, 2);
	unsigned size = pages * 4096, nblocks = size / bs, nw = 1 + gen_below(g, 2), b = 0;
	const char *sep = "";

	g->len = 0;
	gen_add(g, "{\"wbsim\":1,\"name\":\"random-%u\",\"geometry\":{\"block_size\":%u,"
		   "\"page_size\":4096},\"file\":{\"size\":%u,\"extents\":[",
		i, bs, size);
	while (b < nblocks) {
		unsigned run = 1 + gen_below(g, nblocks - b), s = gen_below(g, 3);
		if (s) {
			gen_add(g, "%s{\"offset\":%u,\"length\":%u,\"state\":\"%s\"%s}", sep, b * bs,
				run * bs, states[s], s == 2 ? ",\"data\":\"X\"" : "");
			sep = ",";
		}
		b += run;
	}
	gen_add(g, "]},\"tasks\":[");
	for (unsigned w = 0; w < nw; w++) {
		unsigned off = gen_below(g, size / 512) * 512;
		unsigned len = 512 * (1 + gen_below(g, (size - off) / 512));
		gen_add(g, "%s{\"name\":\"W%u\",\"op\":\"write\",\"offset\":%u,\"length\":%u,"
			   "\"data\":\"%c\"",
			w ? "," : "", w + 1, off, len, 'A' + w);
		if (len > 512 && gen_below(g, 4) == 0)
			gen_add(g, ",\"short_copy_at\":%u", off + 512 * gen_below(g, len / 512));
		gen_add(g, "}");
	}
	const char *after = nw == 2 ? "[\"W1\",\"W2\"]" : "[\"W1\"]";
	switch (gen_below(g, 6)) {
	case 0:
		gen_add(g, ",{\"name\":\"RF\",\"op\":\"read_fault\",\"page\":%u}",
			gen_below(g, pages));
		break;
	case 1:
		gen_add(g, ",{\"name\":\"P\",\"op\":\"mmap_write\",\"offset\":%u,\"length\":512,"
			   "\"data\":\"P\",\"after\":%s}",
			gen_below(g, size / 512) * 512, after);
		break;
	case 2:
		gen_add(g, ",{\"name\":\"PH\",\"op\":\"punch\",\"offset\":%u,\"length\":%u}",
			gen_below(g, nblocks) * bs, bs);
		break;
	case 3:
		gen_add(g, ",{\"name\":\"FA\",\"op\":\"fallocate\",\"offset\":0,\"length\":%u}",
			size);
		break;
	case 4:
		gen_add(g, ",{\"name\":\"TR\",\"op\":\"truncate\",\"size\":%u}",
			gen_below(g, nblocks) * bs);
		break;
	default:
		break;
	}
	gen_add(g, ",{\"name\":\"WB\",\"op\":\"writeback\"%s%s}",
		gen_below(g, 2) ? ",\"mode\":\"sync\"" : "", gen_below(g, 3) ? "" : ",\"wait\":true");
	if (gen_below(g, 3))
		gen_add(g, ",{\"name\":\"RC\",\"op\":\"reclaim\",\"evictions\":1}");
	gen_add(g, "]}");
}

static const char *const settings[] = {
	"kernel=6.2",
	"kernel=6.1",
	"validity_check=before_lock",
	"kernel=6.1,write_fail_cleanup=locked_truncate_punch",
	"kernel=6.1,drop_writes=true",
	"kernel=6.2,writeback_revalidate=false,stable_pages=true",
	"kernel=6.6",
};

static unsigned ncomplete, nnaive, nfailing;

static void check_one(struct wb_scenario *sc, const char *setting)
{
	struct wb_config cfg = sc->config;
	struct wb_model m;
	struct sim_model sm;
	struct sim_explore_opts eo = { .max_states = 100000 };
	struct sim_explore_result a, r;
	char err[256];
	void *init;

	assert_int_equal(wb_config_apply_list(&cfg, setting, err, sizeof(err)), 0);
	wb_model_init(&m, sc, &cfg);
	sm = (struct sim_model){ .ops = &wb_sim_ops, .ctx = &m, .size = m.size,
				 .key_size = m.pack.bytes };
	init = wb_world_new(&m);
	assert_int_equal(wb_world_check(&m, init, err, sizeof(err)), 0);
	assert_int_equal(sim_explore(&sm, init, &eo, &a), 0);
	if (!a.complete) { /* too large for a unit test: nothing more to compare */
		sim_explore_result_free(&a);
		free(init);
		return;
	}
	ncomplete++;
	nfailing += a.verdict != SIM_SAFE;
	eo.order = SIM_ORDER_REVERSE;
	assert_int_equal(sim_explore(&sm, init, &eo, &r), 0);
	assert_int_equal(r.states, a.states);
	assert_true(sim_count_cmp(&r.executions, &a.executions) == 0);
	assert_true(sim_count_cmp(&r.failing, &a.failing) == 0);
	assert_int_equal(r.verdict, a.verdict);
	sim_explore_result_free(&r);
	if (a.verdict != SIM_SAFE) {
		struct sim_run run;
		struct sim_run_opts o = { .choices = a.cex, .nchoices = a.cex_len,
					  .check_every_step = true };
		assert_int_equal(sim_run_execute(&sm, init, &o, &run, err, sizeof(err)),
				 SIM_RUN_OK);
		assert_true(run.terminal);
		assert_int_equal(run.verdict, a.verdict);
		sim_run_free(&run);
	}
	if (count_at_most(&a.executions, NAIVE_LIMIT)) {
		struct naive_counts nc;
		naive_count(&sm, init, &nc);
		nnaive++;
		assert_true(count_is(&a.executions, nc.executions));
		assert_true(count_is(&a.failing, nc.failing));
		assert_int_equal(nc.states, a.states);
		assert_int_equal(nc.max_depth, a.max_depth);
	}
	sim_explore_result_free(&a);
	free(init);
}

static void test_random_scenarios(void **state)
{
	struct gen g;
	unsigned loaded = 0;

	(void)state;
	sim_rng_seed(&g.rng, 20261126);
	for (unsigned i = 0; i < NSCENARIOS; i++) {
		gen_scenario(&g, i);
		struct wb_scenario *sc = wb_scenario_load_buffer("random.json", g.buf, g.len, NULL);
		if (!sc)
			continue; /* e.g. a read fault past the truncated size: not every draw is valid */
		loaded++;
		for (size_t k = 0; k < sizeof(settings) / sizeof(settings[0]); k++)
			check_one(sc, settings[k]);
		wb_scenario_free(sc);
	}
	print_message("%u scenarios x %zu settings: %u explored completely (%u failing), %u also "
		      "enumerated naively\n",
		      loaded, sizeof(settings) / sizeof(settings[0]), ncomplete, nfailing, nnaive);
	assert_true(loaded >= NSCENARIOS / 2);
	assert_true(ncomplete >= 100 && nnaive >= 20);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_random_scenarios),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
