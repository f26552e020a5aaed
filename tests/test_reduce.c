/* SPDX-License-Identifier: MIT */
/*
 * test_reduce.c - partial-order reduction keeps every end state.
 *
 * The reduced search (sim_explore_opts.reduce) must reach exactly the end
 * states of the full one.  Compared on every scenario of the catalogue and of
 * the conformance set, under kernels 6.1 and 6.2 (and 6.6, with its per-block
 * dirty bits, where blocks are smaller than pages; and 6.6 and 6.12 with and
 * without the check where folios may be larger than pages), and on seeded random
 * scenarios over every actor (under 6.1, 6.2 and 6.12, and 6.6 where blocks are
 * smaller than pages), and random large-folio ones under 6.6 and 6.12:
 * the same verdict, the same number of distinct
 * end states, the same census outcomes (each final content, expected or not,
 * failing or not), and the reduced counterexample replays to the same verdict.
 * A two-task toy model shows an end state that a naive reduction (one enabled
 * task at a time) would miss and the persistent sets do not.
 *
 * Threads change nothing either: the same scenarios searched on 2 and 3
 * threads (helpers from the first state on) give the same states,
 * transitions, counts, depth, verdict and counterexample as one thread, full
 * and reduced, some with the compressed table.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "model/por.h"
#include "model/world.h"
#include "tests/gen.h"

#define MAX_STATES 50000

/*
 * Debug and sanitizer builds check every step (footprints included) at many
 * times the release cost: there the compressed and threaded comparisons run
 * half as often (the release build runs them all).
 */
#ifdef WBSIM_CHECK_EVERY_STEP
#define SPARSE 2
#else
#define SPARSE 1
#endif

static unsigned ncompared, nreduced_states, nfull_states, nfailing, nskipped, nthreaded;

/* A search on `threads` threads gives one thread's results, to the counterexample. */
static void same_on_threads(const struct sim_model *sm, const void *init, bool reduce,
			    bool compress, unsigned threads, const char *what)
{
	struct sim_explore_opts one = { .reduce = reduce, .compress = compress, .threads = 1 };
	struct sim_explore_opts par = { .reduce = reduce, .compress = compress, .threads = threads,
					.parallel_from = 1 };
	struct sim_explore_result a, b;

	assert_int_equal(sim_explore(sm, init, &one, &a), 0);
	assert_int_equal(sim_explore(sm, init, &par, &b), 0);
	if (!(a.complete && b.complete && a.states == b.states && a.transitions == b.transitions &&
	      a.end_states == b.end_states && a.max_depth == b.max_depth &&
	      a.verdict == b.verdict && a.cex_len == b.cex_len &&
	      !sim_count_cmp(&a.executions, &b.executions) &&
	      !sim_count_cmp(&a.failing, &b.failing) &&
	      (!a.cex_len || !memcmp(a.cex, b.cex, a.cex_len * sizeof(*a.cex)))))
		fail_msg("%s (%s%s, %u threads): 1 thread: %llu states, %llu transitions, verdict "
			 "%d, cex %zu; threaded: %llu states, %llu transitions, verdict %d, cex %zu",
			 what, reduce ? "reduced" : "full", compress ? ", compressed" : "", threads,
			 (unsigned long long)a.states,
			 (unsigned long long)a.transitions, a.verdict, a.cex_len,
			 (unsigned long long)b.states, (unsigned long long)b.transitions, b.verdict,
			 b.cex_len);
	assert_int_equal(a.threads, 1);
	assert_true(b.threads >= 1 && b.threads <= threads);
	nthreaded += b.threads > 1;
	sim_explore_result_free(&a);
	sim_explore_result_free(&b);
}

static bool same_outcomes(const struct sim_explore_result *a, const struct sim_explore_result *b)
{
	if (a->noutcomes != b->noutcomes)
		return false;
	for (size_t i = 0; i < a->noutcomes; i++) {
		size_t j;
		for (j = 0; j < b->noutcomes; j++)
			if (!strcmp(a->outcomes[i].text, b->outcomes[j].text) &&
			    a->outcomes[i].expected == b->outcomes[j].expected &&
			    a->outcomes[i].failing == b->outcomes[j].failing)
				break;
		if (j == b->noutcomes)
			return false;
	}
	return true;
}

/* Full and reduced searches of one scenario under one setting; false if too big to compare. */
static void compare(struct wb_scenario *sc, const char *setting, const char *what)
{
	struct wb_config cfg = sc->config;
	struct wb_model m;
	struct sim_model sm;
	struct sim_explore_opts eo = { .max_states = MAX_STATES, .census = true };
	struct sim_explore_result full, red;
	char err[256];
	void *init;

	if (setting)
		assert_int_equal(wb_config_apply_list(&cfg, setting, err, sizeof(err)), 0);
	wb_model_init(&m, sc, &cfg);
	sm = (struct sim_model){ .ops = &wb_sim_ops, .ctx = &m, .size = m.size,
				 .key_size = m.pack.bytes };
	memcpy(sm.key_splits, m.pack.splits, sizeof(sm.key_splits));
	init = wb_world_new(&m);
	assert_int_equal(sim_explore(&sm, init, &eo, &full), 0);
	if (!full.complete) {
		nskipped++;
		sim_explore_result_free(&full);
		free(init);
		return;
	}
	/* the compressed table stores the same states: every count equal (every other one) */
	struct sim_explore_result zip;
	eo.compress = true;
	if (ncompared % (2 * SPARSE) == 0) {
		assert_int_equal(sim_explore(&sm, init, &eo, &zip), 0);
		assert_true(zip.complete && zip.states == full.states &&
			    zip.end_states == full.end_states &&
			    zip.transitions == full.transitions && zip.verdict == full.verdict &&
			    zip.max_depth == full.max_depth && zip.cex_len == full.cex_len);
		assert_int_equal(sim_count_cmp(&zip.executions, &full.executions), 0);
		assert_int_equal(sim_count_cmp(&zip.failing, &full.failing), 0);
		assert_true(same_outcomes(&full, &zip));
		sim_explore_result_free(&zip);
	}
	/*
	 * threads: every count and the counterexample as on one thread; on every
	 * third comparison (four searches each: the suite's time), alternating
	 * 2 and 3 threads, full and reduced, plain and compressed
	 */
	if (ncompared % (3 * SPARSE) == 0) {
		same_on_threads(&sm, init, false, false, 2 + ncompared / 3 % 2, what);
		same_on_threads(&sm, init, true, ncompared / 3 % 3 == 0, 2, what);
	}
	eo.compress = false;
	eo.reduce = true;
	assert_int_equal(sim_explore(&sm, init, &eo, &red), 0);
	assert_true(red.complete && red.reduced);
	if (red.verdict != full.verdict || red.end_states != full.end_states ||
	    !same_outcomes(&full, &red))
		fail_msg("%s [%s]: full: verdict %d, %llu end states, %zu outcomes; reduced: "
			 "verdict %d, %llu end states, %zu outcomes",
			 what, setting ? setting : "its config", full.verdict,
			 (unsigned long long)full.end_states, full.noutcomes, red.verdict,
			 (unsigned long long)red.end_states, red.noutcomes);
	assert_true(red.states <= full.states);
	if (red.verdict != SIM_SAFE) {
		struct sim_run run;
		struct sim_run_opts o = { .choices = red.cex, .nchoices = red.cex_len,
					  .check_every_step = true };
		assert_int_equal(sim_run_execute(&sm, init, &o, &run, err, sizeof(err)),
				 SIM_RUN_OK);
		assert_true(run.terminal);
		assert_int_equal(run.verdict, red.verdict);
		sim_run_free(&run);
		nfailing++;
	}
	ncompared++;
	nfull_states += (unsigned)full.states;
	nreduced_states += (unsigned)red.states;
	sim_explore_result_free(&full);
	sim_explore_result_free(&red);
	free(init);
}

static void compare_dir(const char *dir)
{
	char path[4096];
	struct dirent *de;
	DIR *d = opendir(dir);
	unsigned files = 0;

	assert_non_null(d);
	while ((de = readdir(d)) != NULL) {
		size_t len = strlen(de->d_name);
		if (len < 6 || strcmp(de->d_name + len - 5, ".json"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		struct wb_scenario *sc = wb_scenario_load(path, NULL);
		if (!sc)
			continue; /* not a scenario (a census file) */
		files++;
		compare(sc, NULL, path);
		compare(sc, "kernel=6.1", path);
		compare(sc, "kernel=6.2", path);
		/* per-block dirty bits exist only with blocks smaller than pages */
		if (sc->block_size < sc->page_size)
			compare(sc, "kernel=6.6", path);
		/* large folios: 6.6's (no order 1) and 6.12's, with and without the check */
		if (sc->max_folio_size > sc->page_size) {
			compare(sc, "kernel=6.6", path);
			compare(sc, "kernel=6.12", path);
			compare(sc, "kernel=6.12,validity_check=off", path);
			compare(sc, "kernel=6.12,validity_check=before_lock", path);
		}
		wb_scenario_free(sc);
	}
	closedir(d);
	assert_true(files > 0);
}

static void test_catalogue(void **state)
{
	(void)state;
	ncompared = nskipped = nfailing = nfull_states = nreduced_states = nthreaded = 0;
	compare_dir(WBSIM_SOURCE_DIR "/scenarios");
	compare_dir(WBSIM_SOURCE_DIR "/tests/conformance");
	print_message("catalogue and conformance: %u compared (%u failing), %u too big; states "
		      "%u full, %u reduced; %u threaded searches equal to one thread's\n",
		      ncompared, nfailing, nskipped, nfull_states, nreduced_states, nthreaded);
	assert_true(ncompared >= 60);
}

/* ---- random scenarios over every actor ---- */

/*
 * A small file (1-3 pages, 1 or 4 KiB blocks, holes, delalloc, unwritten and
 * written extents), one to three writes (some after others, some with short
 * copies, some past EOF), writeback (1-2 passes, background or sync, ranged,
 * waiting), reclaim, and maybe a read fault, an mmap store, a punch, a
 * fallocate or a truncate.
 */
/*
 * A random scenario; with lf, of at least two pages with folios of up to
 * 8 KiB (large folios: their presets are 6.6 and later).
 */
static void gen_scenario_lf(struct gen *g, unsigned i, bool lf)
{
	static const char *const states[] = { "hole", "unwritten", "written", "delalloc" };
	unsigned bs = gen_below(g, 2) ? 4096 : 1024, pages = (lf ? 2 : 1) + gen_below(g, lf ? 2 : 3);
	unsigned world = pages * 4096, nblocks = world / bs, b = 0;
	unsigned size = gen_below(g, 4) ? world : bs * gen_below(g, nblocks);
	unsigned nw = 1 + gen_below(g, pages > 1 ? 3 : 2);
	const char *sep = "";

	g->len = 0;
	gen_add(g, "{\"wbsim\":1,\"name\":\"rand-%u\",\"geometry\":{\"block_size\":%u,"
		   "\"page_size\":4096%s},\"file\":{\"size\":%u,\"extents\":[",
		i, bs, lf ? ",\"max_folio_size\":8192" : "", size);
	while (b < nblocks) {
		unsigned run = 1 + gen_below(g, nblocks - b), s = gen_below(g, 4);
		if (s) {
			gen_add(g, "%s{\"offset\":%u,\"length\":%u,\"state\":\"%s\"%s}", sep, b * bs,
				run * bs, states[s], s == 2 ? ",\"data\":\"X\"" : "");
			sep = ",";
		}
		b += run;
	}
	gen_add(g, "]},\"tasks\":[");
	for (unsigned w = 0; w < nw; w++) {
		unsigned off = gen_below(g, world / 512) * 512;
		unsigned len = 512 * (1 + gen_below(g, (world - off) / 512));
		gen_add(g, "%s{\"name\":\"W%u\",\"op\":\"write\",\"offset\":%u,\"length\":%u,"
			   "\"data\":\"%c\"",
			w ? "," : "", w + 1, off, len, 'A' + w);
		if (len > 512 && gen_below(g, 4) == 0)
			gen_add(g, ",\"short_copy_at\":%u", off + 512 * gen_below(g, len / 512));
		if (w && gen_below(g, 2))
			gen_add(g, ",\"after\":[\"W%u\"]", w);
		gen_add(g, "}");
	}
	const char *after = nw == 1 ? "[\"W1\"]" : nw == 2 ? "[\"W1\",\"W2\"]"
							   : "[\"W1\",\"W2\",\"W3\"]";
	switch (gen_below(g, 7)) {
	case 0:
		gen_add(g, ",{\"name\":\"RF\",\"op\":\"read_fault\",\"page\":%u}", gen_below(g, pages));
		break;
	case 1:
		gen_add(g, ",{\"name\":\"M\",\"op\":\"mmap_write\",\"offset\":%u,\"length\":512,"
			   "\"data\":\"M\",\"after\":%s}",
			gen_below(g, world / 512) * 512, after);
		break;
	case 2:
		gen_add(g, ",{\"name\":\"PH\",\"op\":\"punch\",\"offset\":%u,\"length\":%u}",
			gen_below(g, nblocks) * bs, bs);
		break;
	case 3:
		gen_add(g, ",{\"name\":\"FA\",\"op\":\"fallocate\",\"offset\":0,\"length\":%u}",
			world);
		break;
	case 4:
		gen_add(g, ",{\"name\":\"TR\",\"op\":\"truncate\",\"size\":%u}",
			gen_below(g, nblocks + 1) * bs);
		break;
	default:
		break;
	}
	gen_add(g, ",{\"name\":\"WB\",\"op\":\"writeback\",\"passes\":%u%s%s", 1 + gen_below(g, 2),
		gen_below(g, 2) ? ",\"mode\":\"sync\"" : "", gen_below(g, 3) ? "" : ",\"wait\":true");
	if (pages > 1 && gen_below(g, 3) == 0)
		gen_add(g, ",\"offset\":%u,\"length\":4096", 4096 * gen_below(g, pages));
	gen_add(g, "}");
	if (gen_below(g, 4))
		gen_add(g, ",{\"name\":\"RC\",\"op\":\"reclaim\",\"evictions\":%u}",
			1 + gen_below(g, 2));
	gen_add(g, "]}");
}

/* The comparisons of one random scenario (the tests below). */
static void compare_random(struct wb_scenario *sc, const char *json)
{
	compare(sc, "kernel=6.1", json);
	compare(sc, "kernel=6.2", json);
	if (sc->block_size < sc->page_size)
		compare(sc, "kernel=6.6", json);
	/*
	 * 6.12: the zeroing's flush, 6.11's rework, and a writeback bit set
	 * before the mapping (writeback_map=per_range), which fdatawait and the
	 * flush read without the folio's lock.
	 */
	compare(sc, "kernel=6.12", json);
}

static void compare_random_lf(struct wb_scenario *sc, const char *json)
{
	compare(sc, "kernel=6.6", json);
	compare(sc, "kernel=6.12", json);
	compare(sc, "kernel=6.12,validity_check=off", json);
}

/*
 * Generate `want` valid random scenarios from `seed` (large-folio ones with
 * lf) and compare each; the counters start from zero.  Returns how many
 * loaded.
 */
static unsigned random_campaign(uint64_t seed, unsigned want, bool lf,
				void (*each)(struct wb_scenario *, const char *))
{
	struct gen g;
	unsigned loaded = 0;

	ncompared = nskipped = nfailing = nfull_states = nreduced_states = nthreaded = 0;
	sim_rng_seed(&g.rng, seed);
	for (unsigned i = 0; loaded < want && i < 10 * want; i++) {
		gen_scenario_lf(&g, i, lf);
		struct wb_scenario *sc = wb_scenario_load_buffer("random.json", g.buf, g.len, NULL);
		if (!sc)
			continue; /* not every draw is valid */
		loaded++;
		each(sc, g.buf);
		wb_scenario_free(sc);
	}
	return loaded;
}

static void test_random(void **state)
{
#ifdef WBSIM_CHECK_EVERY_STEP
	/*
	 * Debug and sanitizer builds check every step (the footprints too), at
	 * many times the cost: a third of the random scenarios there; the
	 * release build compares all 210.
	 */
	unsigned want = 70;
#else
	unsigned want = 210;
#endif
	const char *env;
	uint64_t seed;

	(void)state;
	/*
	 * A longer campaign: WBSIM_REDUCE_RANDOM=N scenarios, from seed
	 * WBSIM_REDUCE_SEED (docs/hacking.md).
	 */
	seed = (env = getenv("WBSIM_REDUCE_SEED")) ? strtoull(env, NULL, 0) : 20261207;
	if ((env = getenv("WBSIM_REDUCE_RANDOM")) && atoi(env) > 0)
		want = (unsigned)atoi(env);
	unsigned loaded = random_campaign(seed, want, false, compare_random);
	print_message("random: %u scenarios, %u compared (%u failing), %u too big; states %u "
		      "full, %u reduced; %u threaded searches equal to one thread's\n",
		      loaded, ncompared, nfailing, nskipped, nfull_states, nreduced_states,
		      nthreaded);
	assert_true(loaded >= (want < 200 ? want : 200) && ncompared >= (want < 200 ? want : 300));
}

/*
 * Large folios: random scenarios of two or three pages with folios of up to
 * 8 KiB, under 6.6 (no order-1 folios: order 0 only at this size) and 6.12
 * (order 1), with the check after the lock and off.
 */
static void test_random_large_folios(void **state)
{
#ifdef WBSIM_CHECK_EVERY_STEP
	unsigned want = 6;
#else
	unsigned want = 40;
#endif

	(void)state;
	unsigned loaded = random_campaign(20261208, want, true, compare_random_lf);
	print_message("random, large folios: %u scenarios, %u compared (%u failing), %u too big; "
		      "states %u full, %u reduced\n",
		      loaded, ncompared, nfailing, nskipped, nfull_states, nreduced_states);
	assert_true(loaded == want && ncompared >= want);
}

/* ---- a toy model: two tasks, one step each ---- */

/*
 * Task i writes value i + 1 to variable var[i].  With var = {0, 0} the two
 * writes race on one variable: both orders give different end states.  With
 * var = {0, 1} they are independent: one order suffices.  With `add`, task i
 * adds i + 1 instead, which its footprint says is a commutative update (inc)
 * when `inc[i]`, a write otherwise.
 */
struct two {
	unsigned var[2];
	bool add;
	bool inc[2];
};
struct two_world {
	uint8_t done[2];
	uint8_t x[2];
};

static unsigned two_enabled(void *ctx, const void *world, struct sim_action *out)
{
	const struct two_world *w = world;
	unsigned n = 0;

	(void)ctx;
	for (unsigned i = 0; i < 2; i++)
		if (!w->done[i])
			out[n++] = (struct sim_action){ .id = i, .actor = i };
	return n;
}

static uint32_t two_apply(void *ctx, void *world, uint32_t a)
{
	const struct two *c = ctx;
	struct two_world *w = world;

	w->done[a] = 1;
	if (c->add)
		w->x[c->var[a]] = (uint8_t)(w->x[c->var[a]] + a + 1);
	else
		w->x[c->var[a]] = (uint8_t)(a + 1);
	return 0;
}

static enum sim_verdict two_verdict(void *ctx, const void *world)
{
	(void)ctx;
	(void)world;
	return SIM_SAFE;
}

static bool two_outcome(void *ctx, const void *world, char *buf, size_t n)
{
	const struct two_world *w = world;

	(void)ctx;
	snprintf(buf, n, "%u %u", w->x[0], w->x[1]);
	return true;
}

static int two_check(void *ctx, const void *world, char *msg, size_t n)
{
	(void)ctx;
	(void)world;
	(void)msg;
	(void)n;
	return 0;
}

static void two_label(void *ctx, const void *world, uint32_t a, struct sim_label *out)
{
	(void)ctx;
	(void)world;
	snprintf(out->actor, sizeof(out->actor), "T%u", a);
	out->step = "write";
	out->arg = -1;
}

static unsigned two_por(void *ctx, const void *world, struct sim_por_actor *out)
{
	const struct two *c = ctx;
	const struct two_world *w = world;
	unsigned n = 0;

	for (unsigned i = 0; i < 2; i++) {
		if (w->done[i])
			continue;
		memset(&out[n], 0, sizeof(out[n]));
		out[n].actor = i;
		if (c->add && c->inc[i])
			out[n].now.inc = 1ull << c->var[i];
		else
			out[n].now.w[0] = 1ull << c->var[i];
		out[n].future = out[n].now;
		n++;
	}
	return n;
}

/* A naive reduction: only the first enabled task's actions. */
static unsigned one_task_only(const struct sim_action *acts, unsigned n)
{
	unsigned k = 0;

	while (k < n && acts[k].actor == acts[0].actor)
		k++;
	return k;
}

static unsigned two_end_states_naive(const struct sim_model *sm, struct two_world w)
{
	struct sim_action acts[SIM_MAX_ENABLED];
	unsigned n = sm->ops->enabled(sm->ctx, &w, acts), ends = 0;

	if (!n)
		return 1;
	n = one_task_only(acts, n);
	for (unsigned i = 0; i < n; i++) {
		struct two_world c = w;
		sm->ops->apply(sm->ctx, &c, acts[i].id);
		ends += two_end_states_naive(sm, c);
	}
	return ends;
}

static void test_toy(void **state)
{
	static const struct sim_ops ops = { .enabled = two_enabled,
					    .apply = two_apply,
					    .verdict = two_verdict,
					    .outcome = two_outcome,
					    .check = two_check,
					    .label = two_label,
					    .por_actors = two_por };
	struct two racing = { { 0, 0 }, false, { false, false } };
	struct two apart = { { 0, 1 }, false, { false, false } };
	struct two_world init = { { 0, 0 }, { 0, 0 } };
	struct sim_model sm = { .ops = &ops, .ctx = &racing, .size = sizeof(init) };
	struct sim_explore_opts eo = { .census = true };
	struct sim_explore_result full, red;

	(void)state;
	/* racing writes: two end states ("2 0" and "1 0"); one task at a time finds one */
	assert_int_equal(sim_explore(&sm, &init, &eo, &full), 0);
	assert_int_equal(full.end_states, 2);
	assert_int_equal(two_end_states_naive(&sm, init), 1);
	eo.reduce = true;
	assert_int_equal(sim_explore(&sm, &init, &eo, &red), 0);
	assert_true(red.reduced);
	assert_int_equal(red.end_states, 2);
	assert_true(same_outcomes(&full, &red));
	assert_int_equal(red.states, full.states);
	sim_explore_result_free(&full);
	sim_explore_result_free(&red);

	/* independent writes: one end state, and the reduced search visits one order only */
	sm.ctx = &apart;
	eo.reduce = false;
	assert_int_equal(sim_explore(&sm, &init, &eo, &full), 0);
	eo.reduce = true;
	assert_int_equal(sim_explore(&sm, &init, &eo, &red), 0);
	assert_int_equal(full.end_states, 1);
	assert_int_equal(red.end_states, 1);
	assert_int_equal(full.states, 4);
	assert_int_equal(red.states, 3);
	uint64_t re = 0, fe = 0;
	assert_true(sim_count_u64(&red.executions, &re) && sim_count_u64(&full.executions, &fe));
	assert_true(re == 1 && fe == 2);
	sim_explore_result_free(&full);
	sim_explore_result_free(&red);

	/*
	 * Two additions to one variable: one end state ("3 0") in either order.
	 * Said to be commutative updates (inc), one order is explored; said to
	 * be a write by either, both.
	 */
	struct two adding = { { 0, 0 }, true, { true, true } };
	sm.ctx = &adding;
	eo.reduce = false;
	assert_int_equal(sim_explore(&sm, &init, &eo, &full), 0);
	assert_int_equal(full.end_states, 1);
	assert_int_equal(full.states, 4);
	eo.reduce = true;
	assert_int_equal(sim_explore(&sm, &init, &eo, &red), 0);
	assert_int_equal(red.end_states, 1);
	assert_true(same_outcomes(&full, &red));
	assert_int_equal(red.states, 3);
	sim_explore_result_free(&red);
	adding.inc[1] = false;
	assert_int_equal(sim_explore(&sm, &init, &eo, &red), 0);
	assert_int_equal(red.states, 4);
	sim_explore_result_free(&full);
	sim_explore_result_free(&red);
}

/* The helpers that set several footprint bits at once set those wb_fp_bit() would. */
static void test_footprint_masks(void **state)
{
	(void)state;
	for (unsigned p = 0; p < WB_MAX_PAGES; p++)
		for (unsigned rk = 0; rk <= WB_KM_ALL; rk++) {
			unsigned wk = rk ^ 0x2a;
			struct sim_fp a = wb_fp_empty, b = wb_fp_empty;
			wb_fp_page(&a, p, rk, wk);
			for (unsigned k = 0; k < 6; k++) {
				if (rk & (1u << k))
					wb_fp_bit(&b, WB_R_FOLIO(p) + k, WB_RD);
				if (wk & (1u << k))
					wb_fp_bit(&b, WB_R_FOLIO(p) + k, WB_WR);
			}
			assert_memory_equal(&a, &b, sizeof(a));
		}
	for (unsigned first = 0; first < WB_MAX_PAGES; first++)
		for (unsigned last = 0; last < WB_MAX_PAGES; last++) {
			struct sim_fp a = wb_fp_empty, b = wb_fp_empty;
			wb_fp_page_range(&a, first, last, WB_KM_FLAGS, WB_KM_DATA | WB_KM_IO);
			for (unsigned p = first; p <= last; p++)
				wb_fp_page(&b, p, WB_KM_FLAGS, WB_KM_DATA | WB_KM_IO);
			assert_memory_equal(&a, &b, sizeof(a));
		}
	for (unsigned k = WB_K_FLAGS; k <= WB_K_IO; k++)
		for (unsigned how = WB_RD; how <= WB_RW; how++) {
			struct sim_fp a = wb_fp_empty, b = wb_fp_empty;
			wb_fp_pages(&a, k, 3, WB_MAX_PAGES - 1, how);
			for (unsigned p = 3; p < WB_MAX_PAGES; p++)
				wb_fp_add(&b, k == WB_K_FLAGS ? WB_R_FLAGS(p) : WB_R_FOLIO(p) + k, how);
			assert_memory_equal(&a, &b, sizeof(a));
		}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_footprint_masks),
		cmocka_unit_test(test_toy),
		cmocka_unit_test(test_catalogue),
		cmocka_unit_test(test_random),
		cmocka_unit_test(test_random_large_folios),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
