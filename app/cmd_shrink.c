/* SPDX-License-Identifier: MIT */
/*
 * cmd_shrink.c - wbsim shrink: delta debugging of a failing scenario.
 *
 * Starting from a scenario that fails under the given settings, try smaller
 * variants of it, one change at a time (drop a task, a page, an `after`
 * entry; fewer evictions and passes; shorter and aligned writes; simpler
 * extents; coarser geometry), and keep a variant when the same failure
 * persists: the same verdict and the same kind of provenance (wb_failure_kind()).
 * Greedy first-improvement to a fixpoint, as in Zeller and Hildebrandt's
 * ddmin with one-change complements: each accepted change restarts its pass.
 *
 * Candidates are built on the JSON (jansson) and re-validated by the scenario
 * loader; an invalid one is skipped.  Each is explored with partial-order
 * reduction (the same verdicts, fewer states) under a budget of states per
 * search order; a search that ends its budget without the failure counts as
 * not failing.  The search stops after a few failing end states (the model's
 * verdict hook is wrapped here: the engine is not changed) and the kind is
 * read from their recorded counterexamples.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "app/app.h"
#include "sim/xmalloc.h"

/* The size of a scenario, compared lexicographically: see shrink_measure(). */
#define SHRINK_MEASURES 8

static bool shrink_less(const uint64_t *a, const uint64_t *b)
{
	for (unsigned i = 0; i < SHRINK_MEASURES; i++)
		if (a[i] != b[i])
			return a[i] < b[i];
	return false;
}

/* Failing end states a candidate's search collects before it stops. */
#define SHRINK_FAILING 8

static volatile int shrink_interrupted;
static volatile int shrink_stop; /* stops the search: enough failures seen, or Ctrl-C */
static unsigned shrink_nfail;	/* failing end states seen by the current search */
static unsigned shrink_stop_after; /* stop after this many (0: never) */
static struct sim_ops shrink_ops; /* wb_sim_ops with shrink_verdict */

static void shrink_on_sigint(int sig)
{
	(void)sig;
	shrink_interrupted = 1;
	shrink_stop = 1;
}

/* The model's verdict, counting failing end states: stop the search after a few. */
static enum sim_verdict shrink_verdict(void *ctx, const void *world)
{
	enum sim_verdict v = wb_sim_ops.verdict(ctx, world);

	if (v != SIM_SAFE && ++shrink_nfail == shrink_stop_after)
		shrink_stop = 1;
	return v;
}

static void shrink_help(FILE *out)
{
	char versions[64];

	wb_kernel_versions(versions, sizeof(versions), "", "|", "|");
	fprintf(out,
		"usage: wbsim shrink SCENARIO -o FILE [--check MODE] [--kernel %s]\n"
		"                    [--set KEY=VALUE]... [--trace-out FILE] [--time-limit SECONDS]\n"
		"                    [--candidate-states N] [--quiet]\n"
		"\n"
		"Reduce a failing scenario to a smaller one with the same failure (delta\n"
		"debugging): drop tasks, pages and `after` entries, take fewer evictions and\n"
		"passes, shorter and block- or page-aligned writes, simpler extents and coarser\n"
		"geometry, keeping each change under which the same verdict with the same kind\n"
		"of provenance persists under the settings given: a stale decision in\n"
		"write_begin, in the EOF zeroing, in writeback, an exposure of uninitialised\n"
		"bytes, a deadlock, ...\n"
		"\n"
		"  -o FILE                the smallest scenario found, with an `expect` for the\n"
		"                         settings given (required)\n"
		"  --trace-out FILE       its counterexample's trace (the shortest, when the\n"
		"                         full search of the result finishes)\n"
		"  --candidate-states N   states each search of a candidate may visit, per\n"
		"                         search order (forward, reverse, shuffle; default\n"
		"                         300000): a candidate whose searches end without the\n"
		"                         failure counts as not failing\n"
		"  --time-limit SECONDS   for the whole command (default none): then the\n"
		"                         smallest scenario found so far is written\n"
		"  --quiet                no progress line on stderr\n"
		"\n"
		"The summary (tasks, pages, counterexample steps before and after) goes to stdout.\n"
		"Exit: 1 a failing scenario written, 0 SCENARIO does not fail (explored\n"
		"completely), 2 bad input, 3 internal error, 4 no failure found within the budget.\n",
		versions);
}

/* ---- the kind of a failure ---- */

/*
 * The kind of provenance of a failure, from its recorded counterexample: the
 * verdict and where the wrong bytes came from.  "write_begin": a buffered
 * write's __iomap_write_begin() zeroed through a stale mapping; "eof-zeroing":
 * the same step of an iomap_zero_range() iteration (a truncate or fallocate
 * up, or the EOF zeroing of a write past EOF); "writeback": the bytes come
 * from a writeback or IO step; "block-<STATE>": the block is not WRITTEN at
 * the end (a punch or an IO that was never converted); "exposure": the range
 * reads back uninitialised memory; "deadlock".  Anything else is named by the
 * step that put the bytes there.
 */
void wb_failure_kind(const struct wb_job *job, const struct wb_exec *ex, char *out, size_t n)
{
	const struct wb_report *r = &ex->report;

	if (r->verdict == SIM_DEADLOCK) {
		snprintf(out, n, "deadlock");
		return;
	}
	if (r->verdict == SIM_SAFE) {
		snprintf(out, n, "safe");
		return;
	}
	if (r->exposed) {
		snprintf(out, n, "exposure");
		return;
	}
	if (!r->origin_step || r->origin_step > ex->nsteps) {
		const char *is = strstr(r->provenance, " is ");
		char state[16] = "";
		if (is)
			sscanf(is + 4, "%15[A-Z]", state);
		snprintf(out, n, "block-%s", state[0] ? state : "unknown");
		return;
	}
	const struct wb_step_rec *s = &ex->steps[r->origin_step - 1];
	char task[48];
	size_t len = strcspn(s->actor, "/");
	enum wb_op op = WB_OP_NOPS;

	snprintf(task, sizeof(task), "%.*s", (int)len, s->actor);
	for (size_t t = 0; t < job->sc->ntasks; t++)
		if (!strcmp(job->sc->tasks[t].name, task))
			op = job->sc->tasks[t].op;
	if (s->actor[len] == '/' || op == WB_OP_WRITEBACK) {
		snprintf(out, n, "writeback");
		return;
	}
	if (!strcmp(s->step, "write_begin") || !strcmp(s->step, "zero")) {
		bool zeroing = op != WB_OP_WRITE || !strcmp(s->step, "zero");
		/* a write's EOF zeroing: its next step is `zero`, not `copy` */
		for (size_t i = r->origin_step; i < ex->nsteps && !zeroing; i++)
			if (!strcmp(ex->steps[i].actor, s->actor)) {
				zeroing = !strcmp(ex->steps[i].step, "zero");
				break;
			}
		snprintf(out, n, "%s", zeroing ? "eof-zeroing" : "write_begin");
		return;
	}
	snprintf(out, n, "%s", s->step);
}

/* ---- the state of the command ---- */

struct shrink_hit {
	uint16_t *cex;
	size_t len;
	char kind[64];
	enum sim_verdict verdict;
	uint64_t evicted;	/* pages the counterexample evicts */
	bool complete;		/* the search that found it finished */
	bool shortest;		/* a shortest failing execution (a full search finished) */
};

struct shrink {
	const char *path;
	char settings[1024];	/* the command line's settings, "K=V,K=V" */
	char expect_key[160];
	json_t *cur;		/* the smallest failing scenario so far */
	struct shrink_hit best;	/* its failure */
	uint64_t cand_states;
	double time_limit;
	struct timespec start;
	bool progress;
	FILE *devnull;
	unsigned tried, accepted, invalid;
	const char *doing;	/* the change being tried, for the progress line */
	wb_failure_kind_fn kind; /* what a failure must keep (wb_failure_kind, or hunt's) */
};

static double shrink_elapsed(const struct shrink *s)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - s->start.tv_sec) + (now.tv_nsec - s->start.tv_nsec) / 1e9;
}

static bool shrink_out_of_time(const struct shrink *s)
{
	return shrink_interrupted || wb_interrupted || (s->time_limit > 0 && shrink_elapsed(s) >= s->time_limit);
}

static void shrink_hit_free(struct shrink_hit *h)
{
	free(h->cex);
	memset(h, 0, sizeof(*h));
}

/* A scenario's JSON, loaded with the command's settings: 0, or -1 if invalid. */
static int shrink_job(struct shrink *s, json_t *scen, const char *path, struct wb_job *job)
{
	char *text = json_dumps(scen, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	struct wb_scenario *sc;
	char err[256];

	if (!text)
		return -1;
	sc = wb_scenario_load_buffer(path, text, strlen(text), s->devnull);
	free(text);
	if (!sc)
		return -1;
	if (wb_job_from(job, sc, s->settings, err, sizeof(err))) {
		wb_scenario_free(sc);
		return -1;
	}
	job->sm.ops = &shrink_ops;
	return 0;
}

/* Record a failing path and, if its kind is `want` (or any, with want NULL), keep it. */
static void shrink_consider(struct shrink *s, struct wb_job *job, const uint16_t *ch, size_t len,
			    const char *want, struct shrink_hit *hit)
{
	struct wb_exec ex;
	char err[256], kind[64];

	if (hit->cex && hit->len <= len)
		return;
	if (wb_exec_record(job, ch, len, false, &ex, err, sizeof(err)) || !ex.terminal) {
		wb_exec_free(&ex);
		return;
	}
	s->kind(job, &ex, kind, sizeof(kind));
	if (ex.report.verdict != SIM_SAFE && (!want || !strcmp(kind, want))) {
		free(hit->cex);
		hit->cex = wb_xmalloc((len ? len : 1) * sizeof(*ch));
		memcpy(hit->cex, ch, len * sizeof(*ch));
		hit->len = len;
		hit->verdict = ex.report.verdict;
		snprintf(hit->kind, sizeof(hit->kind), "%s", kind);
		hit->evicted = 0;
		for (size_t i = 0; i < ex.nsteps; i++)
			if (!strcmp(ex.steps[i].step, "evict") && ex.steps[i].arg >= 0 &&
			    ex.steps[i].arg < 64)
				hit->evicted |= 1ull << ex.steps[i].arg;
	}
	wb_exec_free(&ex);
}

/*
 * Does the job fail with the kind `want` (any kind if NULL)?  Explores with
 * reduction in each order until a search finds it, or one finishes without
 * it.  1: failing (the hit filled), 0: not, -1: the search itself failed.
 */
static int shrink_search(struct shrink *s, struct wb_job *job, const char *want, bool reduce,
			 uint64_t states, struct shrink_hit *hit)
{
	static const enum sim_order orders[] = { SIM_ORDER_FORWARD, SIM_ORDER_REVERSE,
						 SIM_ORDER_SHUFFLE };
	int rc = 0;

	memset(hit, 0, sizeof(*hit));
	for (size_t k = 0; k < sizeof(orders) / sizeof(orders[0]) && !hit->cex; k++) {
		struct sim_explore_opts eo = {
			.max_states = states, .order = orders[k], .seed = 1, .reduce = reduce,
			.all_failing = SHRINK_FAILING, .stop = &shrink_stop,
			.max_memory = wb_default_max_memory(),
		};
		struct sim_explore_result res;

		if (s->time_limit > 0) {
			double left = s->time_limit - shrink_elapsed(s);
			if (left <= 0)
				break;
			eo.time_limit = left;
		}
		shrink_stop = shrink_interrupted || wb_interrupted;
		shrink_nfail = 0;
		shrink_stop_after = reduce ? SHRINK_FAILING : 0;
		if (sim_explore(&job->sm, job->init, &eo, &res)) {
			sim_explore_result_free(&res);
			return -1;
		}
		if (res.verdict != SIM_SAFE)
			shrink_consider(s, job, res.cex, res.cex_len, want, hit);
		hit->shortest = hit->cex && res.complete && !reduce;
		for (size_t i = 0; i < res.nfailing_paths; i++)
			shrink_consider(s, job, res.failing_paths[i].choices,
					res.failing_paths[i].len, want, hit);
		/* a finished search without the failure: no order can find it */
		bool done = res.complete;
		hit->complete = res.complete;
		sim_explore_result_free(&res);
		if (done || shrink_interrupted || wb_interrupted)
			break;
	}
	if (hit->cex)
		rc = 1;
	return rc;
}

static void shrink_progress(struct shrink *s, const char *state)
{
	if (!s->progress)
		return;
	fprintf(stderr, "\r\033[Kshrink: %.0f s, %u tried, %u kept: %s%s", shrink_elapsed(s),
		s->tried, s->accepted, s->doing ? s->doing : "", state);
	fflush(stderr);
}

static void shrink_measure(json_t *scen, uint64_t m[SHRINK_MEASURES]);

/* Test one candidate (taking it); on success it becomes the current scenario. */
static bool shrink_try(struct shrink *s, json_t *cand, const char *doing)
{
	struct wb_job job;
	struct shrink_hit hit;
	int rc;

	if (shrink_out_of_time(s)) {
		json_decref(cand);
		return false;
	}
	s->doing = doing;
	uint64_t mc[SHRINK_MEASURES], mo[SHRINK_MEASURES];
	shrink_measure(cand, mc);
	shrink_measure(s->cur, mo);
	if (!shrink_less(mc, mo)) {
		json_decref(cand); /* not smaller: the passes could cycle */
		return false;
	}
	if (shrink_job(s, cand, s->path, &job)) {
		s->invalid++;
		json_decref(cand);
		return false;
	}
	s->tried++;
	shrink_progress(s, " ...");
	rc = shrink_search(s, &job, s->best.kind, true, s->cand_states, &hit);
	wb_job_close(&job);
	if (rc == 1 && hit.verdict == s->best.verdict) {
		json_decref(s->cur);
		s->cur = cand;
		shrink_hit_free(&s->best);
		s->best = hit;
		s->accepted++;
		shrink_progress(s, ": kept");
		return true;
	}
	shrink_hit_free(&hit);
	json_decref(cand);
	return false;
}

/* ---- the scenario as JSON ---- */

static json_int_t jint(json_t *o, const char *key, json_int_t dflt)
{
	json_t *v = json_object_get(o, key);

	return json_is_integer(v) ? json_integer_value(v) : dflt;
}

static json_t *jtasks(json_t *scen)
{
	return json_object_get(scen, "tasks");
}

static unsigned shrink_page_size(json_t *scen)
{
	return (unsigned)jint(json_object_get(scen, "geometry"), "page_size", 4096);
}

static unsigned shrink_block_size(json_t *scen)
{
	return (unsigned)jint(json_object_get(scen, "geometry"), "block_size", 4096);
}

static const char *jstr(json_t *o, const char *key)
{
	const char *v = json_string_value(json_object_get(o, key));

	return v ? v : "";
}

/* Remove task i and every `after` entry naming it. */
static void shrink_drop_task(json_t *scen, size_t i)
{
	json_t *tasks = jtasks(scen);
	char name[64];
	size_t t, a;
	json_t *task;

	snprintf(name, sizeof(name), "%s", jstr(json_array_get(tasks, i), "name"));
	json_array_remove(tasks, i);
	json_array_foreach(tasks, t, task) {
		json_t *after = json_object_get(task, "after");
		json_t *e;
		if (!after)
			continue;
		for (a = json_array_size(after); a-- > 0;) {
			e = json_array_get(after, a);
			if (!strcmp(json_string_value(e) ? json_string_value(e) : "", name))
				json_array_remove(after, a);
		}
		if (!json_array_size(after))
			json_object_del(task, "after");
	}
}

/* The pages of the world: the file and every range a task names. */
static unsigned shrink_npages(json_t *scen)
{
	uint64_t ps = shrink_page_size(scen), end = (uint64_t)jint(json_object_get(scen, "file"),
								   "size", 0);
	size_t i;
	json_t *t, *e;

	json_array_foreach(json_object_get(json_object_get(scen, "file"), "extents"), i, e) {
		uint64_t x = (uint64_t)(jint(e, "offset", 0) + jint(e, "length", 0));
		end = x > end ? x : end;
	}
	json_array_foreach(jtasks(scen), i, t) {
		uint64_t x = (uint64_t)(jint(t, "offset", 0) + jint(t, "length", 0));
		end = x > end ? x : end;
		x = (uint64_t)jint(t, "size", 0);
		end = x > end ? x : end;
		x = ((uint64_t)jint(t, "page", 0) + 1) * ps;
		if (json_object_get(t, "page"))
			end = x > end ? x : end;
	}
	return (unsigned)((end + ps - 1) / ps);
}

/* An offset with page p cut out of the file. */
static json_int_t shrink_cut(json_int_t x, json_int_t p, json_int_t ps)
{
	if (x <= p * ps)
		return x;
	if (x >= (p + 1) * ps)
		return x - ps;
	return p * ps;
}

/* Cut [offset, offset+length) of an object; false if nothing is left. */
static bool shrink_cut_range(json_t *o, json_int_t p, json_int_t ps)
{
	json_int_t off = jint(o, "offset", 0), end = off + jint(o, "length", 0);
	json_int_t no = shrink_cut(off, p, ps), ne = shrink_cut(end, p, ps);

	if (ne <= no)
		return false;
	json_object_set_new(o, "offset", json_integer(no));
	json_object_set_new(o, "length", json_integer(ne - no));
	return true;
}

/* The scenario without page p: every offset past it moves down one page. */
static json_t *shrink_drop_page(json_t *cur, unsigned p)
{
	json_t *scen = json_deep_copy(cur);
	json_int_t ps = shrink_page_size(scen);
	json_t *file = json_object_get(scen, "file"), *ext, *t;
	size_t i;

	if (file) {
		json_object_set_new(file, "size",
				    json_integer(shrink_cut(jint(file, "size", 0), p, ps)));
		ext = json_object_get(file, "extents");
		for (i = json_array_size(ext); i-- > 0;)
			if (!shrink_cut_range(json_array_get(ext, i), p, ps))
				json_array_remove(ext, i);
	}
	for (i = json_array_size(jtasks(scen)); i-- > 0;) {
		bool keep = true;
		t = json_array_get(jtasks(scen), i);
		if (json_object_get(t, "length"))
			keep = shrink_cut_range(t, p, ps);
		if (json_object_get(t, "short_copy_at")) {
			json_int_t sc = shrink_cut(jint(t, "short_copy_at", 0), p, ps);
			if (sc >= jint(t, "offset", 0) + jint(t, "length", 0))
				json_object_del(t, "short_copy_at");
			else
				json_object_set_new(t, "short_copy_at", json_integer(sc));
		}
		if (json_object_get(t, "size"))
			json_object_set_new(t, "size",
					    json_integer(shrink_cut(jint(t, "size", 0), p, ps)));
		if (json_object_get(t, "page")) {
			json_int_t pg = jint(t, "page", 0);
			keep = keep && pg != p;
			json_object_set_new(t, "page", json_integer(pg > p ? pg - 1 : pg));
		}
		json_t *pages = json_object_get(t, "pages");
		if (pages) {
			for (size_t k = json_array_size(pages); k-- > 0;) {
				json_int_t pg = json_integer_value(json_array_get(pages, k));
				if (pg == p)
					json_array_remove(pages, k);
				else if (pg > p)
					json_array_set_new(pages, k, json_integer(pg - 1));
			}
			keep = keep && json_array_size(pages);
		}
		if (!keep)
			shrink_drop_task(scen, i);
	}
	return scen;
}

static uint64_t shrink_gcd(uint64_t a, uint64_t b)
{
	while (b) {
		uint64_t t = a % b;
		a = b;
		b = t;
	}
	return a;
}

/*
 * The size of a scenario, most significant first: tasks, pages, `after`
 * entries, evictions, passes and task options, extents, granules per page
 * (the page over the gcd of every offset and length), blocks per page, bytes
 * written.  A candidate is tried only if it is smaller, so the passes end.
 */
static void shrink_measure(json_t *scen, uint64_t m[SHRINK_MEASURES])
{
	uint64_t ps = shrink_page_size(scen), bs = shrink_block_size(scen), g = ps;
	json_t *file = json_object_get(scen, "file"), *t, *e;
	size_t i;

	memset(m, 0, SHRINK_MEASURES * sizeof(*m));
	m[0] = json_array_size(jtasks(scen));
	m[1] = shrink_npages(scen);
	g = shrink_gcd(g, (uint64_t)jint(file, "size", 0));
	json_array_foreach(json_object_get(file, "extents"), i, e) {
		m[4]++;
		g = shrink_gcd(g, (uint64_t)jint(e, "offset", 0));
		g = shrink_gcd(g, (uint64_t)jint(e, "length", 0));
	}
	json_array_foreach(jtasks(scen), i, t) {
		m[2] += json_array_size(json_object_get(t, "after"));
		m[3] += (uint64_t)jint(t, "evictions", 0) + (uint64_t)jint(t, "passes", 0);
		m[3] += json_object_get(t, "wait") != NULL;
		m[3] += json_object_get(t, "mode") != NULL;
		m[3] += json_object_get(t, "short_copy_at") != NULL;
		if (json_object_get(t, "pages"))
			m[3] += json_array_size(json_object_get(t, "pages"));
		else if (!strcmp(jstr(t, "op"), "reclaim"))
			m[3] += m[1];
		g = shrink_gcd(g, (uint64_t)jint(t, "offset", 0));
		g = shrink_gcd(g, (uint64_t)jint(t, "length", 0));
		g = shrink_gcd(g, (uint64_t)jint(t, "size", 0));
		g = shrink_gcd(g, (uint64_t)jint(t, "short_copy_at", 0));
		if (!strcmp(jstr(t, "op"), "write") || !strcmp(jstr(t, "op"), "mmap_write"))
			m[7] += (uint64_t)jint(t, "length", 0);
	}
	m[5] = ps / (g ? g : 1);
	m[6] = ps / (bs ? bs : 1);
}

/* ---- the passes: each tries its candidates until one is kept ---- */

static bool pass_tasks(struct shrink *s)
{
	for (size_t i = json_array_size(jtasks(s->cur)); i-- > 0;) {
		char what[96];
		json_t *c = json_deep_copy(s->cur);
		snprintf(what, sizeof(what), "drop task %s",
			 jstr(json_array_get(jtasks(s->cur), i), "name"));
		shrink_drop_task(c, i);
		if (!json_array_size(jtasks(c))) {
			json_decref(c); /* a scenario needs a task */
			continue;
		}
		if (shrink_try(s, c, what))
			return true;
	}
	return false;
}

static bool pass_pages(struct shrink *s)
{
	unsigned n = shrink_npages(s->cur);

	for (unsigned p = n; p-- > 0 && n > 1;) {
		char what[64];
		snprintf(what, sizeof(what), "drop page %u", p);
		if (shrink_try(s, shrink_drop_page(s->cur, p), what))
			return true;
	}
	return false;
}

static bool pass_after(struct shrink *s)
{
	size_t i, a;
	json_t *t;

	json_array_foreach(jtasks(s->cur), i, t) {
		json_t *after = json_object_get(t, "after");
		for (a = 0; a < json_array_size(after); a++) {
			char what[128];
			json_t *c = json_deep_copy(s->cur);
			json_t *ca = json_object_get(json_array_get(jtasks(c), i), "after");
			snprintf(what, sizeof(what), "drop %s after %s", jstr(t, "name"),
				 json_string_value(json_array_get(after, a)));
			json_array_remove(ca, a);
			if (!json_array_size(ca))
				json_object_del(json_array_get(jtasks(c), i), "after");
			if (shrink_try(s, c, what))
				return true;
		}
	}
	return false;
}

/* A copy of the scenario with task i's key set to v (NULL: removed). */
static json_t *shrink_with(json_t *cur, size_t i, const char *key, json_t *v)
{
	json_t *c = json_deep_copy(cur), *t = json_array_get(jtasks(c), i);

	if (v)
		json_object_set_new(t, key, v);
	else
		json_object_del(t, key);
	return c;
}

/* Fewer evictions and passes, a narrower choice of pages, no sync, no wait, no short copy. */
static bool pass_counts(struct shrink *s)
{
	size_t i;
	json_t *t;

	json_array_foreach(jtasks(s->cur), i, t) {
		const char *op = jstr(t, "op"), *name = jstr(t, "name");
		char what[96];
		if (!strcmp(op, "reclaim")) {
			json_int_t ev = jint(t, "evictions", 1);
			json_t *pages = json_object_get(t, "pages");
			snprintf(what, sizeof(what), "%s: %lld evictions", name, (long long)ev - 1);
			if (ev > 1 &&
			    shrink_try(s, shrink_with(s->cur, i, "evictions",
						       ev - 1 > 1 ? json_integer(ev - 1) : NULL),
				       what))
				return true;
			uint64_t m = s->best.evicted;
			if (m && (!pages || json_array_size(pages) > (size_t)__builtin_popcountll(m))) {
				json_t *pl = json_array();
				for (unsigned p = 0; p < 64; p++)
					if (m & (1ull << p))
						json_array_append_new(pl, json_integer(p));
				snprintf(what, sizeof(what), "%s: only the pages it evicts", name);
				if (shrink_try(s, shrink_with(s->cur, i, "pages", pl), what))
					return true;
			}
		} else if (!strcmp(op, "writeback")) {
			json_int_t np = jint(t, "passes", 1);
			snprintf(what, sizeof(what), "%s: %lld passes", name, (long long)np - 1);
			if (np > 1 &&
			    shrink_try(s, shrink_with(s->cur, i, "passes",
						       np - 1 > 1 ? json_integer(np - 1) : NULL),
				       what))
				return true;
			snprintf(what, sizeof(what), "%s: no wait", name);
			if (json_object_get(t, "wait") &&
			    shrink_try(s, shrink_with(s->cur, i, "wait", NULL), what))
				return true;
			snprintf(what, sizeof(what), "%s: background", name);
			if (json_object_get(t, "mode") &&
			    shrink_try(s, shrink_with(s->cur, i, "mode", NULL), what))
				return true;
		} else if (!strcmp(op, "write") && json_object_get(t, "short_copy_at")) {
			snprintf(what, sizeof(what), "%s: no short copy", name);
			if (shrink_try(s, shrink_with(s->cur, i, "short_copy_at", NULL), what))
				return true;
		}
	}
	return false;
}

/* A copy with task i's range set to [off, off+len). */
static json_t *shrink_range(json_t *cur, size_t i, json_int_t off, json_int_t len)
{
	json_t *c = json_deep_copy(cur), *t = json_array_get(jtasks(c), i);

	json_object_set_new(t, "offset", json_integer(off));
	json_object_set_new(t, "length", json_integer(len));
	return c;
}

/* Shorter writes (either half) and writes aligned to blocks or pages, inward or outward. */
static bool pass_writes(struct shrink *s)
{
	json_int_t bs = shrink_block_size(s->cur), ps = shrink_page_size(s->cur);
	size_t i;
	json_t *t;

	json_array_foreach(jtasks(s->cur), i, t) {
		const char *op = jstr(t, "op");
		if (strcmp(op, "write") && strcmp(op, "mmap_write"))
			continue;
		json_int_t off = jint(t, "offset", 0), len = jint(t, "length", 0), end = off + len;
		json_int_t cand[8][2];
		unsigned nc = 0;
		const json_int_t units[2] = { ps, bs };
		for (unsigned u = 0; u < 2; u++) {
			json_int_t a = units[u];
			json_int_t lo = off / a * a, hi = (end + a - 1) / a * a;
			json_int_t ilo = (off + a - 1) / a * a, ihi = end / a * a;
			cand[nc][0] = lo, cand[nc++][1] = hi;
			if (ihi > ilo)
				cand[nc][0] = ilo, cand[nc++][1] = ihi;
		}
		json_int_t g = bs;
		while (g > 512 && len / 2 < g)
			g /= 2;
		json_int_t half = len / 2 / g * g;
		if (half > 0) {
			cand[nc][0] = off, cand[nc++][1] = off + half;
			cand[nc][0] = off + half, cand[nc++][1] = end;
		}
		for (unsigned k = 0; k < nc; k++) {
			char what[96];
			if (cand[k][0] == off && cand[k][1] == end)
				continue;
			snprintf(what, sizeof(what), "%s: [%lld,%lld)", jstr(t, "name"),
				 (long long)cand[k][0], (long long)cand[k][1]);
			if (shrink_try(s, shrink_range(s->cur, i, cand[k][0], cand[k][1] - cand[k][0]),
				       what))
				return true;
		}
	}
	return false;
}

/* One extent over all of them, in each state they have; or one extent fewer. */
static bool pass_extents(struct shrink *s)
{
	json_t *ext = json_object_get(json_object_get(s->cur, "file"), "extents");
	size_t n = json_array_size(ext), i;
	json_t *e;

	if (n > 1) {
		json_int_t lo = -1, hi = 0;
		json_array_foreach(ext, i, e) {
			json_int_t o = jint(e, "offset", 0), x = o + jint(e, "length", 0);
			lo = lo < 0 || o < lo ? o : lo;
			hi = x > hi ? x : hi;
		}
		json_array_foreach(ext, i, e) {
			char what[96];
			json_t *c = json_deep_copy(s->cur);
			json_t *one = json_deep_copy(e);
			json_object_set_new(one, "offset", json_integer(lo));
			json_object_set_new(one, "length", json_integer(hi - lo));
			json_t *arr = json_array();
			json_array_append_new(arr, one);
			json_object_set_new(json_object_get(c, "file"), "extents", arr);
			snprintf(what, sizeof(what), "one %s extent", jstr(e, "state"));
			if (shrink_try(s, c, what))
				return true;
		}
	}
	for (i = n; i-- > 0;) {
		char what[64];
		json_t *c = json_deep_copy(s->cur);
		json_array_remove(json_object_get(json_object_get(c, "file"), "extents"), i);
		snprintf(what, sizeof(what), "drop extent %zu", i);
		if (shrink_try(s, c, what))
			return true;
	}
	return false;
}

/* Coarser geometry: blocks twice as large, up to the page. */
static bool pass_geometry(struct shrink *s)
{
	unsigned bs = shrink_block_size(s->cur), ps = shrink_page_size(s->cur);

	for (unsigned nb = ps; nb > bs; nb /= 2) {
		char what[64];
		json_t *c = json_deep_copy(s->cur), *g = json_object_get(c, "geometry");
		if (!g) {
			g = json_object();
			json_object_set_new(c, "geometry", g);
		}
		json_object_set_new(g, "block_size", json_integer(nb));
		json_object_set_new(g, "page_size", json_integer(ps));
		snprintf(what, sizeof(what), "block size %u", nb);
		if (shrink_try(s, c, what))
			return true;
	}
	return false;
}

/* ---- the command ---- */

static json_t *shrink_read(const char *path)
{
	json_error_t jerr;
	json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);

	if (!root)
		fprintf(stderr, "%s: error: %s\n", path, jerr.text);
	return root;
}

static void shrink_counts(json_t *scen, size_t *tasks, unsigned *pages)
{
	*tasks = json_array_size(jtasks(scen));
	*pages = shrink_npages(scen);
}

/* Write the result: name, description, an expect for the settings; atomically. */
static int shrink_write(struct shrink *s, const char *out, const char *orig_name, size_t t0,
			unsigned p0)
{
	json_t *c = json_deep_copy(s->cur);
	char name[64], desc[2048];
	size_t t1;
	unsigned p1;
	json_t *exp = json_object();

	shrink_counts(c, &t1, &p1);
	snprintf(name, sizeof(name), "%.56s-shrunk", orig_name);
	json_object_set_new(c, "name", json_string(name));
	snprintf(desc, sizeof(desc),
		 "Shrunk by wbsim shrink from %.900s under %.600s: the same failure (%s, kind %s) with "
		 "%zu of its %zu tasks and %u of its %u pages.",
		 s->path, s->settings[0] ? s->settings : "the scenario's own config",
		 wb_verdict_name(s->best.verdict), s->best.kind, t1, t0, p1,
		 p0);
	json_object_set_new(c, "description", json_string(desc));
	json_object_set_new(exp, s->expect_key, json_string(wb_verdict_name(s->best.verdict)));
	json_object_set_new(c, "expect", exp);
	/* the whole text first: running out of memory then leaves no temporary file */
	char *text = json_dumps(c, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(c);
	if (!text)
		wb_oom(0);
	int rc = wb_write_text(out, text, strlen(text));
	free(text);
	if (rc) {
		fprintf(stderr, "wbsim shrink: error: cannot write %s: %s\n", out, strerror(errno));
		return -1;
	}
	return 0;
}

/* The settings as an expect key: the mode alone for --check, else the K=V list. */
static int shrink_expect_key(struct shrink *s, const struct wb_cli_settings *set,
			     const struct wb_config *cfg)
{
	size_t len = 0;

	s->settings[0] = 0;
	for (size_t i = 0; i < set->n; i++)
		len += (size_t)snprintf(s->settings + len, sizeof(s->settings) - len, "%s%s",
					i ? "," : "", set->kv[i]);
	if (set->n == 1 && !strncmp(set->kv[0], "validity_check=", 15))
		snprintf(s->expect_key, sizeof(s->expect_key), "%s", set->kv[0] + 15);
	else if (set->n)
		snprintf(s->expect_key, sizeof(s->expect_key), "%.159s", s->settings);
	else
	{
		const struct wb_switch *vc = wb_switch_find("validity_check");
		snprintf(s->expect_key, sizeof(s->expect_key), "%s",
			 wb_switch_value_name(vc, wb_switch_get(cfg, vc)));
	}
	if (len >= sizeof(s->expect_key)) {
		wb_usage_error("shrink", "the settings make an expect key longer than %zu bytes",
			       sizeof(s->expect_key) - 1);
		return -1;
	}
	return 0;
}

/*
 * Shrink s->cur, which must fail under s->settings with a failure of kind
 * `want` (any kind: NULL), to a fixpoint of the passes.  1: s->cur and
 * s->best hold the smallest failing scenario and its counterexample; 0:
 * s->cur does not fail (a search finished without a failure); 4: no failure
 * within the budget; -1: a search failed (the message printed).
 */
static int shrink_run(struct shrink *s, const char *want, size_t *steps0, bool *shortest0,
		      bool *shortest, bool *timed_out)
{
	struct wb_job job;
	int rc;

	*shortest0 = *shortest = *timed_out = false;
	*steps0 = 0;
	/* the original's failure: its kind is what every candidate must keep */
	if (shrink_job(s, s->cur, s->path, &job)) {
		fprintf(stderr, "wbsim shrink: internal error: the scenario does not reload\n");
		return -1;
	}
	s->doing = "the original";
	shrink_progress(s, " ...");
	rc = shrink_search(s, &job, want, true, s->cand_states * 4, &s->best);
	if (rc == 1) { /* its shortest counterexample of that kind, if a full search finishes */
		struct shrink_hit full;
		if (shrink_search(s, &job, s->best.kind, false, s->cand_states * 4, &full) == 1 &&
		    full.shortest) {
			shrink_hit_free(&s->best);
			s->best = full;
			*shortest0 = true;
		} else {
			shrink_hit_free(&full);
		}
	}
	wb_job_close(&job);
	if (rc <= 0) {
		if (s->progress)
			fprintf(stderr, "\r\033[K");
		if (rc < 0) {
			fprintf(stderr, "wbsim shrink: error: the search of %s failed\n", s->path);
			return -1;
		}
		return s->best.complete ? 0 : 4;
	}
	*steps0 = s->best.len;

	/* the passes, to a fixpoint */
	for (bool changed = true; changed && !shrink_out_of_time(s);) {
		changed = false;
		while (pass_tasks(s))
			changed = true;
		while (pass_pages(s))
			changed = true;
		while (pass_after(s))
			changed = true;
		while (pass_counts(s))
			changed = true;
		while (pass_writes(s))
			changed = true;
		while (pass_extents(s))
			changed = true;
		while (pass_geometry(s))
			changed = true;
	}
	*timed_out = shrink_out_of_time(s);

	/* the result's shortest counterexample of the same kind, when its full search finishes */
	if (shrink_job(s, s->cur, s->path, &job)) {
		fprintf(stderr, "wbsim shrink: internal error: the result does not reload\n");
		return -1;
	}
	struct shrink_hit full;
	s->doing = "the shortest counterexample";
	shrink_progress(s, " ...");
	memset(&full, 0, sizeof(full));
	if (!*timed_out &&
	    shrink_search(s, &job, s->best.kind, false, s->cand_states * 4, &full) == 1 &&
	    full.shortest && full.len <= s->best.len) {
		shrink_hit_free(&s->best);
		s->best = full;
		*shortest = true;
	} else {
		shrink_hit_free(&full);
	}
	wb_job_close(&job);
	if (s->progress)
		fprintf(stderr, "\r\033[K");
	return 1;
}

int wb_shrink_scenario(const char *path, const char *text, const char *settings,
		       wb_failure_kind_fn kind, const char *want, uint64_t cand_states,
		       struct wb_shrunk *out)
{
	struct shrink s = { .path = path, .cand_states = cand_states, .kind = kind };
	json_error_t jerr;
	size_t steps0;
	bool shortest0, shortest, timed_out;
	int rc;

	memset(out, 0, sizeof(*out));
	snprintf(s.settings, sizeof(s.settings), "%s", settings);
	s.cur = json_loadb(text, strlen(text), JSON_REJECT_DUPLICATES, &jerr);
	if (!s.cur)
		return -1;
	json_object_del(s.cur, "schedule");
	json_object_del(s.cur, "schedules");
	json_object_del(s.cur, "expect");
	json_object_del(s.cur, "expect_schedule");
	shrink_ops = wb_sim_ops;
	shrink_ops.verdict = shrink_verdict;
	s.devnull = fopen("/dev/null", "w");
	clock_gettime(CLOCK_MONOTONIC, &s.start);
	shrink_counts(s.cur, &out->tasks0, &out->pages0);
	rc = shrink_run(&s, want, &steps0, &shortest0, &shortest, &timed_out);
	if (rc == 1) {
		out->text = json_dumps(s.cur, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		out->cex = s.best.cex;
		out->len = s.best.len;
		s.best.cex = NULL;
		out->verdict = s.best.verdict;
		out->shortest = shortest;
		snprintf(out->kind, sizeof(out->kind), "%s", s.best.kind);
		shrink_counts(s.cur, &out->tasks, &out->pages);
		out->tried = s.tried;
		out->kept = s.accepted;
	}
	shrink_hit_free(&s.best);
	json_decref(s.cur);
	if (s.devnull)
		fclose(s.devnull);
	return rc;
}

void wb_shrunk_free(struct wb_shrunk *r)
{
	free(r->text);
	free(r->cex);
	memset(r, 0, sizeof(*r));
}

int cmd_shrink(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "check", required_argument, NULL, 'c' },
		{ "kernel", required_argument, NULL, 'k' },
		{ "set", required_argument, NULL, 'S' },
		{ "trace-out", required_argument, NULL, 'T' },
		{ "time-limit", required_argument, NULL, 't' },
		{ "candidate-states", required_argument, NULL, 'n' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct wb_cli_settings set = { .n = 0 };
	struct shrink s = { .cand_states = 300000 };
	const char *out = NULL, *trace_out = NULL;
	bool quiet = false;
	unsigned long long v;
	int c, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, "ho:q", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
		case 'k':
		case 'S':
			if (wb_cli_setting_add(&set, "shrink", c, optarg))
				return EXIT_USAGE;
			break;
		case 'o':
			out = optarg;
			break;
		case 'T':
			trace_out = optarg;
			break;
		case 't':
			if (wb_parse_seconds("shrink", optarg, &s.time_limit))
				return EXIT_USAGE;
			break;
		case 'n':
			if (wb_parse_u64(optarg, &v) || v == 0) {
				wb_usage_error("shrink", "--candidate-states: expected a positive "
							 "number, got '%s'", optarg);
				return EXIT_USAGE;
			}
			s.cand_states = v;
			break;
		case 'q':
			quiet = true;
			break;
		case 'h':
			shrink_help(stdout);
			return EXIT_OK;
		default:
			return wb_bad_option("shrink", argv, longopts);
		}
	}
	if (optind != argc - 1) {
		wb_usage_error("shrink", optind >= argc ? "missing SCENARIO" : "too many arguments");
		return EXIT_USAGE;
	}
	if (!out) {
		wb_usage_error("shrink", "-o FILE is required (where the smaller scenario goes)");
		return EXIT_USAGE;
	}
	s.path = argv[optind];

	/* the original, through the loader and the settings, as every command reads it */
	struct wb_job job;
	rc = wb_job_open(&job, s.path, &set);
	if (rc)
		return rc;
	if (shrink_expect_key(&s, &set, &job.cfg)) {
		wb_job_close(&job);
		return EXIT_USAGE;
	}
	char orig_name[64];
	snprintf(orig_name, sizeof(orig_name), "%s", job.sc->name);
	wb_job_close(&job);
	s.cur = shrink_read(s.path);
	if (!s.cur)
		return EXIT_USAGE;
	/* what a smaller scenario cannot keep: schedules name tasks, expects other settings */
	json_object_del(s.cur, "schedule");
	json_object_del(s.cur, "schedules");
	json_object_del(s.cur, "expect");
	json_object_del(s.cur, "expect_schedule");

	shrink_ops = wb_sim_ops;
	shrink_ops.verdict = shrink_verdict;
	s.devnull = fopen("/dev/null", "w");
	s.progress = !quiet && isatty(STDERR_FILENO);
	s.kind = wb_failure_kind;
	clock_gettime(CLOCK_MONOTONIC, &s.start);
	signal(SIGINT, shrink_on_sigint);

	size_t t0, t1;
	unsigned p0, p1;
	size_t steps0;
	bool shortest0, shortest, timed_out;
	shrink_counts(s.cur, &t0, &p0);
	rc = shrink_run(&s, NULL, &steps0, &shortest0, &shortest, &timed_out);
	if (rc != 1) {
		if (rc < 0) {
			rc = EXIT_INTERNAL;
		} else if (rc == 0) {
			printf("%s: safe under %s: nothing to shrink\n", s.path, s.expect_key);
			rc = EXIT_OK;
		} else {
			printf("%s: no failure found within %llu states per search order "
			       "(--candidate-states, x4 for the original)%s\n",
			       s.path, (unsigned long long)s.cand_states * 4,
			       shrink_out_of_time(&s) ? " and the time limit" : "");
			rc = EXIT_NO_VERDICT;
		}
		goto out;
	}

	if (shrink_write(&s, out, orig_name, t0, p0)) {
		rc = EXIT_USAGE;
		goto out;
	}
	/* the trace and the report, from the written file as any command reads it */
	struct wb_exec ex;
	char err[256];
	rc = wb_job_open(&job, out, &set);
	if (rc)
		goto out;
	if (wb_exec_record(&job, s.best.cex, s.best.len, false, &ex, err, sizeof(err))) {
		fprintf(stderr, "wbsim shrink: internal error: %s\n", err);
		rc = EXIT_INTERNAL;
	} else if (trace_out && wb_trace_write(trace_out, &job, s.best.cex, s.best.len, &ex)) {
		rc = EXIT_USAGE;
	} else {
		unsigned pre;
		char *sched = wb_choices_schedule(&job, s.best.cex, s.best.len, &pre);
		shrink_counts(s.cur, &t1, &p1);
		printf("shrink %s (%s): %s, kind %s\n", s.path, s.expect_key,
		       wb_verdict_name(s.best.verdict), s.best.kind);
		printf("  before: %zu task%s, %u page%s, %s counterexample of %zu steps\n", t0,
		       t0 == 1 ? "" : "s", p0, p0 == 1 ? "" : "s",
		       shortest0 ? "the shortest" : "a", steps0);
		printf("  after:  %zu task%s, %u page%s, %s counterexample of %zu steps\n", t1,
		       t1 == 1 ? "" : "s", p1, p1 == 1 ? "" : "s",
		       shortest ? "the shortest" : "a", s.best.len);
		printf("  candidates: %u tried, %u kept, %u invalid; %.1f s%s\n", s.tried,
		       s.accepted, s.invalid, shrink_elapsed(&s),
		       shrink_interrupted ? " (stopped by Ctrl-C)"
		       : timed_out	  ? " (stopped by the time limit)"
					  : "");
		printf("  scenario: %s\n", out);
		wb_print_reproduce(out, &set, sched);
		if (ex.report.verdict == SIM_DEADLOCK)
			printf("  stuck: %s\n", ex.report.deadlock);
		else if (ex.report.exposed)
			printf("  exposed: [%u,%u) expected %s, found %s\n", ex.report.offset,
			       ex.report.offset + ex.report.length, ex.report.expected,
			       ex.report.found);
		else
			printf("  lost: [%u,%u) expected %s (written by %s), found %s\n",
			       ex.report.offset, ex.report.offset + ex.report.length,
			       ex.report.expected, ex.report.lost_writer, ex.report.found);
		if (ex.report.verdict == SIM_CORRUPT)
			printf("  by:   %s\n", ex.report.provenance);
		if (trace_out)
			printf("  trace: %s\n", trace_out);
		free(sched);
		rc = EXIT_FAILURE_FOUND;
	}
	wb_exec_free(&ex);
	wb_job_close(&job);
out:
	signal(SIGINT, SIG_DFL);
	shrink_hit_free(&s.best);
	json_decref(s.cur);
	if (s.devnull)
		fclose(s.devnull);
	return rc;
}
