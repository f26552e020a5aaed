/* SPDX-License-Identifier: MIT */
/*
 * cmd_simulate.c - wbsim simulate: the race in simulated time, and how
 * likely it is.
 *
 * N independent runs of the engine's timed policy (SIM_POLICY_TIMED), each
 * step's duration drawn from the timing model (model/timing.c).  Run i's
 * seed is a function of the seed S and i alone, and the runs go in blocks
 * whose results are combined in run order, so the report is the same for
 * any number of threads.  Every run is an ordinary list of choices: the
 * first failing one is written as a trace file that replay, dot and explain
 * read like any other.
 *
 * Statistics: the failure probability's 95% interval is Wilson's score
 * interval (Wilson 1927; Brown, Cai and DasGupta 2001 recommend it over the
 * normal approximation for small counts); with no failure, the rule of three
 * (P < 3/N at 95%, Hanley and Lippman-Hand 1983) says what the runs bound.
 * Only IEEE additions, multiplications, divisions and square roots, which
 * round the same on every machine and from every compiler.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jansson.h>

#include "app/app.h"
#include "model/timing.h"
#include "sim/xmalloc.h"

#define SIMULATE_BLOCK 8192u
#define SIMULATE_MAX_THREADS 64u
#define SIMULATE_MAX_VARY 64u

static void simulate_help(FILE *out)
{
	char versions[64];

	wb_kernel_versions(versions, sizeof(versions), "", "|", "|");
	fprintf(out,
		"usage: wbsim simulate SCENARIO [--runs N] [--seed S] [--threads N]\n"
		"                      [--timing FILE] [--vary KEY=V1,V2,...] [--svg FILE]\n"
		"                      [--trace-out FILE] [--check MODE] [--kernel %s]\n"
		"                      [--set KEY=VALUE]... [--json] [--quiet]\n"
		"\n"
		"Run SCENARIO N times in simulated time: each step takes a duration drawn from\n"
		"the timing model (the scenario's \"timing\" section, or --timing FILE, over\n"
		"the defaults of docs/model.md section 18), and the earliest step goes next.\n"
		"Reports the failing runs, the failure probability with its 95%% Wilson\n"
		"interval (with no failure, the rule of three's bound), the simulated time to\n"
		"the first failure and the length of the stale window (from a writer's\n"
		"mapping lookup to the stale decision it made from it).\n"
		"\n"
		"  --runs N          simulated runs (default 10000)\n"
		"  --seed S          run i depends only on S and i (default 1)\n"
		"  --threads N       split the runs over N threads (default 1); the report is\n"
		"                    the same for any N\n"
		"  --timing FILE     a timing object (docs/json.md section 1.11), instead of\n"
		"                    the scenario's \"timing\" section\n"
		"  --vary KEY=V1,V2,...  one simulation per value, with the same seed, and a\n"
		"                    table: KEY is a timing key, with dots into objects and\n"
		"                    arrays (reclaim_per_second, delays.0.delay, device), or a\n"
		"                    switch (check, kernel, or a --set key)\n"
		"  --svg FILE        with --vary: the probability against the value, drawn\n"
		"                    with gnuplot\n"
		"  --trace-out FILE  the first failing run as a trace file (with --vary: of\n"
		"                    the first value with a failing run)\n"
		"  --quiet           no progress line\n"
		"\n"
		"Exit: 0 no failing run, 1 a failing run, 2 bad input, 3 internal error,\n"
		"4 stopped (Ctrl-C) without a failing run.\n",
		versions);
}

/* ---------------------------------------------------------------- statistics */

/* ---------------------------------------------------------------- the runs */

/* What one run left: its verdict, when it ended and when it failed, its stale window. */
struct simulate_rec {
	uint8_t verdict;
	uint8_t has_window;
	uint8_t error;
	uint8_t remap;
	uint64_t end, fail_at, window;
};

struct simulate_result {
	uint64_t runs, failing, corrupt, deadlock;
	uint64_t remaps; /* runs in which iomap_valid found a mapping stale */
	bool complete;
	uint64_t first_fail;	  /* 0-based run index, UINT64_MAX: none */
	uint64_t first_fail_at;	  /* its failure's simulated time within the run */
	uint64_t time_to_first;	  /* simulated time over the runs before it, and up to its failure */
	uint64_t total_time;	  /* of every run (saturating) */
	uint64_t *windows;
	size_t nwindows, cap;
	char error[320];
};

/* One thread's share of a block: runs base + k, base + k + nthreads, ... */
struct simulate_worker {
	struct wb_job *job;
	const struct wb_timing *timing;
	struct wb_model m;
	struct sim_model sm;
	struct wb_clock clock;
	uint64_t seed, base, count;
	unsigned k, nthreads;
	struct simulate_rec *recs;
	char error[256];
};

/* Run i's seed: splitmix64's output at stream position i of seed S. */
static uint64_t simulate_run_seed(uint64_t s, uint64_t i)
{
	struct sim_rng r = { s + i * 0x9e3779b97f4a7c15ull };

	return sim_rng_next(&r);
}

static void simulate_opts(struct simulate_worker *wk, struct sim_run_opts *o, uint64_t i)
{
	memset(o, 0, sizeof(*o));
	o->policy = SIM_POLICY_TIMED;
	o->seed = simulate_run_seed(wk->seed, i);
	o->duration = wb_clock_duration;
	o->dctx = &wk->clock;
	o->cb = wb_clock_step;
	o->cbctx = &wk->clock;
#ifdef WBSIM_CHECK_EVERY_STEP
	o->check_every_step = true;
#endif
}

static int simulate_one(struct simulate_worker *wk, uint64_t i, struct simulate_rec *rec,
			struct sim_run *keep)
{
	struct sim_run_opts o;
	struct sim_run run;
	enum sim_run_error rc;

	simulate_opts(wk, &o, i);
	wb_clock_reset(&wk->clock, &run);
	rc = sim_run_execute(&wk->sm, wk->job->init, &o, &run, wk->error, sizeof(wk->error));
	memset(rec, 0, sizeof(*rec));
	if (rc == SIM_RUN_OK && !run.terminal) {
		snprintf(wk->error, sizeof(wk->error), "run %" PRIu64 " ended before its end", i + 1);
		rc = SIM_RUN_TOO_LONG;
	}
	if (rc != SIM_RUN_OK) {
		rec->error = 1;
		sim_run_free(&run);
		return -1;
	}
	rec->verdict = (uint8_t)run.verdict;
	rec->remap = wk->clock.remap;
	rec->end = run.now;
	if (run.verdict != SIM_SAFE) {
		rec->fail_at = wk->clock.stale ? wk->clock.stale_at : run.now;
		rec->has_window = wk->clock.stale;
		rec->window = wk->clock.stale_window;
	}
	if (keep)
		*keep = run;
	else
		sim_run_free(&run);
	return 0;
}

static void *simulate_thread(void *arg)
{
	struct simulate_worker *wk = arg;

	for (uint64_t j = wk->k; j < wk->count; j += wk->nthreads) {
		if (wb_interrupted)
			break;
		if (simulate_one(wk, wk->base + j, &wk->recs[j], NULL))
			break;
	}
	return NULL;
}

static void simulate_worker_init(struct simulate_worker *wk, struct wb_job *job,
				 const struct wb_timing *timing, uint64_t seed)
{
	memset(wk, 0, sizeof(*wk));
	wk->job = job;
	wk->timing = timing;
	/* a model of its own, as sim_ops.ctx_clone makes: apply() writes its events and scratch */
	wk->m = job->m;
	wk->m.fp = NULL;
	wk->m.prov = NULL;
	wk->m.desc = NULL;
	wk->sm = job->sm;
	wk->sm.ctx = &wk->m;
	wb_clock_init(&wk->clock, &wk->m, timing);
	wk->seed = seed;
}

static void simulate_progress(uint64_t done, uint64_t runs, uint64_t failing)
{
	fprintf(stderr, "\rsimulate: %" PRIu64 " of %" PRIu64 " runs, %" PRIu64 " failing   ", done,
		runs, failing);
	fflush(stderr);
}

static uint64_t simulate_sat_add(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

/* Fold a finished block into the result, in run order. */
static void simulate_fold(struct simulate_result *r, const struct simulate_rec *recs, uint64_t base,
			  uint64_t n)
{
	for (uint64_t j = 0; j < n; j++) {
		const struct simulate_rec *x = &recs[j];
		r->runs++;
		r->remaps += x->remap;
		if (x->verdict != SIM_SAFE) {
			r->failing++;
			if (x->verdict == SIM_CORRUPT)
				r->corrupt++;
			else
				r->deadlock++;
			if (r->first_fail == UINT64_MAX) {
				r->first_fail = base + j;
				r->first_fail_at = x->fail_at;
				r->time_to_first = simulate_sat_add(r->total_time, x->fail_at);
			}
			if (x->has_window) {
				if (r->nwindows == r->cap) {
					r->cap = r->cap ? 2 * r->cap : 256;
					r->windows = wb_xrealloc(r->windows,
								 r->cap * sizeof(*r->windows));
				}
				r->windows[r->nwindows++] = x->window;
			}
		}
		r->total_time = simulate_sat_add(r->total_time, x->end);
	}
}

/* N runs of one job and timing; 0, or -1 with r->error set (an internal error). */
static int simulate_runs(struct wb_job *job, const struct wb_timing *timing, uint64_t runs,
			 uint64_t seed, unsigned nthreads, bool progress, struct simulate_result *r)
{
	struct simulate_worker *wk = wb_xcalloc(nthreads, sizeof(*wk));
	struct simulate_rec *recs = wb_xcalloc(SIMULATE_BLOCK, sizeof(*recs));
	pthread_t tid[SIMULATE_MAX_THREADS];
	time_t last = time(NULL);
	int rc = 0;

	memset(r, 0, sizeof(*r));
	r->first_fail = UINT64_MAX;
	for (unsigned k = 0; k < nthreads; k++)
		simulate_worker_init(&wk[k], job, timing, seed);
	for (uint64_t base = 0; base < runs && !wb_interrupted; base += SIMULATE_BLOCK) {
		uint64_t n = runs - base < SIMULATE_BLOCK ? runs - base : SIMULATE_BLOCK;
		for (unsigned k = 0; k < nthreads; k++) {
			wk[k].base = base;
			wk[k].count = n;
			wk[k].k = k;
			wk[k].nthreads = nthreads;
			wk[k].recs = recs;
			wk[k].error[0] = 0;
		}
		if (nthreads == 1) {
			simulate_thread(&wk[0]);
		} else {
			for (unsigned k = 0; k < nthreads; k++)
				if (pthread_create(&tid[k], NULL, simulate_thread, &wk[k])) {
					fprintf(stderr, "wbsim simulate: cannot start a thread\n");
					exit(EXIT_INTERNAL);
				}
			for (unsigned k = 0; k < nthreads; k++)
				pthread_join(tid[k], NULL);
		}
		for (unsigned k = 0; k < nthreads; k++)
			if (wk[k].error[0]) {
				snprintf(r->error, sizeof(r->error), "%s", wk[k].error);
				rc = -1;
			}
		if (rc || wb_interrupted)
			break;
		simulate_fold(r, recs, base, n);
		if (progress && time(NULL) != last) {
			last = time(NULL);
			simulate_progress(r->runs, runs, r->failing);
		}
	}
	r->complete = r->runs == runs;
	free(recs);
	free(wk);
	return rc;
}

/* The choices of run i, run again on the job's own model. */
static uint16_t *simulate_choices(struct wb_job *job, const struct wb_timing *timing,
				  uint64_t seed, uint64_t i, size_t *n)
{
	struct simulate_worker wk;
	struct simulate_rec rec;
	struct sim_run run;
	uint16_t *c;

	simulate_worker_init(&wk, job, timing, seed);
	if (simulate_one(&wk, i, &rec, &run))
		return NULL;
	c = wb_xmalloc((run.nsteps ? run.nsteps : 1) * sizeof(*c));
	for (size_t k = 0; k < run.nsteps; k++)
		c[k] = run.steps[k].choice;
	*n = run.nsteps;
	sim_run_free(&run);
	return c;
}

/* ---------------------------------------------------------------- timing and variants */

/* Where the timing comes from, for the report. */
struct simulate_variant {
	char value[64];		/* --vary's value, or "" */
	struct wb_cli_settings set;
	struct wb_timing timing;
	struct wb_job job;
	bool job_open;
	struct simulate_result res;
};

static int simulate_read_file(const char *path, char **text, size_t *len)
{
	FILE *f = fopen(path, "rb");
	size_t cap = 0;

	*text = NULL;
	*len = 0;
	if (!f) {
		fprintf(stderr, "%s: error: cannot read: %s\n", path, strerror(errno));
		return -1;
	}
	for (;;) {
		if (*len + 1 >= cap) {
			cap = cap ? 2 * cap : 4096;
			*text = wb_xrealloc(*text, cap);
		}
		size_t got = fread(*text + *len, 1, cap - *len - 1, f);
		*len += got;
		if (!got)
			break;
	}
	(*text)[*len] = 0;
	if (ferror(f)) {
		fprintf(stderr, "%s: error: cannot read: %s\n", path, strerror(errno));
		fclose(f);
		free(*text);
		return -1;
	}
	fclose(f);
	return 0;
}

/* The base timing object: --timing FILE's, the scenario's "timing", or {} (new reference). */
static json_t *simulate_timing_json(const struct wb_job *job, const char *text)
{
	json_t *root, *t;

	if (text)
		return json_loads(text, JSON_REJECT_DUPLICATES, NULL);
	root = json_loadb(job->sc->text, job->sc->text_len, 0, NULL);
	t = root ? json_object_get(root, "timing") : NULL;
	t = t ? json_incref(t) : json_object();
	json_decref(root);
	return t;
}

/* A --vary value as JSON: an integer or a number if it reads as one, else a string. */
static json_t *simulate_value_json(const char *v)
{
	json_t *j = json_loads(v, JSON_DECODE_ANY, NULL);

	if (j && (json_is_number(j) || json_is_string(j)))
		return j;
	json_decref(j);
	return json_string(v);
}

/* Set KEY (dots into objects, numbers into arrays) of o to v; -1 with a message. */
static int simulate_set_path(json_t *o, const char *key, json_t *v, char *err, size_t n)
{
	char part[128];
	const char *p = key;

	for (;;) {
		const char *dot = strchr(p, '.');
		size_t len = dot ? (size_t)(dot - p) : strlen(p);
		if (!len || len >= sizeof(part)) {
			snprintf(err, n, "--vary %s: an empty or too long part", key);
			json_decref(v);
			return -1;
		}
		memcpy(part, p, len);
		part[len] = 0;
		if (json_is_array(o)) {
			char *end;
			unsigned long i = strtoul(part, &end, 10);
			if (*end || i >= json_array_size(o)) {
				snprintf(err, n, "--vary %s: \"%s\" is not an index of the array (%zu "
						 "entries)", key, part, json_array_size(o));
				json_decref(v);
				return -1;
			}
			if (!dot)
				return json_array_set_new(o, i, v);
			o = json_array_get(o, i);
		} else if (json_is_object(o)) {
			if (!dot)
				return json_object_set_new(o, part, v);
			json_t *next = json_object_get(o, part);
			if (!next) {
				next = json_object();
				json_object_set_new(o, part, next);
			}
			o = next;
		} else {
			snprintf(err, n, "--vary %s: \"%s\" is inside a value that is neither an "
					 "object nor an array", key, part);
			json_decref(v);
			return -1;
		}
		p = dot + 1;
	}
}

/* A switch --vary sets through the settings ("check", "kernel", or a --set key); 0 if none. */
static int simulate_switch_key(const char *key)
{
	if (!strcmp(key, "check") || !strcmp(key, "validity_check"))
		return 'c';
	if (!strcmp(key, "kernel"))
		return 'k';
	for (size_t i = 0; i < wb_nswitches; i++)
		if (!strcmp(key, wb_switches[i].name))
			return 'S';
	return 0;
}

/* ---------------------------------------------------------------- reports */

static int simulate_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

struct simulate_windows {
	size_t n;
	uint64_t min, median, p90, max, mean;
};

static void simulate_window_stats(struct simulate_result *r, struct simulate_windows *s)
{
	uint64_t sum_hi = 0, sum = 0;

	memset(s, 0, sizeof(*s));
	s->n = r->nwindows;
	if (!s->n)
		return;
	qsort(r->windows, r->nwindows, sizeof(*r->windows), simulate_cmp);
	s->min = r->windows[0];
	s->max = r->windows[s->n - 1];
	s->median = r->windows[(s->n - 1) / 2];
	s->p90 = r->windows[(s->n * 9 + 9) / 10 - 1]; /* nearest rank: ceil(0.9 n) */
	/* the mean in integers: a 128-bit sum as two words, divided */
	for (size_t i = 0; i < s->n; i++) {
		sum += r->windows[i];
		if (sum < r->windows[i])
			sum_hi++;
	}
	s->mean = sum_hi ? UINT64_MAX : sum / s->n;
}

static void simulate_dur(uint64_t ns, char *buf, size_t n)
{
	wb_duration_text(ns, buf, n);
}

static void simulate_describe_timing(const struct wb_job *job, const struct wb_timing *t,
				     const char *source)
{
	char a[96], b[96];

	wb_dist_text(&t->io_write, a, sizeof(a));
	printf("timing: %s; device %s, io_write %s", source, wb_device_names[t->device], a);
	simulate_dur(t->reclaim_mean_ns, b, sizeof(b));
	printf("; reclaim %s between evictions (mean)", b);
	printf("; flusher every %" PRIu64 ".%02" PRIu64 " s\n", t->dirty_writeback_cs / 100,
	       t->dirty_writeback_cs % 100);
	for (unsigned i = 0; i < t->ndelays; i++) {
		const struct wb_delay *d = &t->delays[i];
		wb_dist_text(&d->d, a, sizeof(a));
		if (d->page >= 0)
			printf("  delay: %s before %s of page %d: %s\n", job->sc->tasks[d->task].name,
			       d->step, d->page, a);
		else
			printf("  delay: %s before %s: %s\n", job->sc->tasks[d->task].name, d->step, a);
	}
}

static void simulate_print(const struct wb_job *job, struct simulate_variant *v, uint64_t seed,
			   const char *source, const char *trace_out, bool trace_written)
{
	struct simulate_result *r = &v->res;
	struct simulate_windows w;
	char settings[WB_SETTINGS_TEXT_MAX], a[32], b[32], c[32], d[32], e[32];
	double lo, hi;

	wb_settings_text(&job->cfg, settings, sizeof(settings));
	printf("scenario %s (%s)\n", job->sc->name, settings);
	simulate_describe_timing(job, &v->timing, source);
	sim_wilson95(r->failing, r->runs, &lo, &hi);
	printf("runs %" PRIu64 " (seed %" PRIu64 ")%s, failing %" PRIu64 " (corrupt %" PRIu64
	       ", deadlock %" PRIu64 ")\n",
	       r->runs, seed, r->complete ? "" : " (stopped by interrupt)", r->failing, r->corrupt,
	       r->deadlock);
	if (r->failing) {
		printf("probability %.4g, 95%% interval [%.4g, %.4g] (Wilson)\n",
		       (double)r->failing / (double)r->runs, lo, hi);
		simulate_dur(r->first_fail_at, a, sizeof(a));
		simulate_dur(r->time_to_first, b, sizeof(b));
		printf("first failure: run %" PRIu64 ", at %s of its simulated time (%s of simulated "
		       "time over runs 1..%" PRIu64 ")\n",
		       r->first_fail + 1, a, b, r->first_fail + 1);
	} else if (r->runs) {
		printf("probability 0: by the rule of three, below 3/%" PRIu64 " = %.3g at 95%% "
		       "confidence (Wilson interval [0, %.3g])\n",
		       r->runs, 3.0 / (double)r->runs, hi);
	}
	if (r->remaps)
		printf("the validity check found a stale mapping (and remapped) in %" PRIu64
		       " runs\n", r->remaps);
	simulate_window_stats(r, &w);
	if (w.n) {
		simulate_dur(w.min, a, sizeof(a));
		simulate_dur(w.median, b, sizeof(b));
		simulate_dur(w.p90, c, sizeof(c));
		simulate_dur(w.max, d, sizeof(d));
		simulate_dur(w.mean, e, sizeof(e));
		printf("stale window (mapping lookup to stale decision), %zu runs: min %s, median %s, "
		       "p90 %s, max %s, mean %s\n", w.n, a, b, c, d, e);
	}
	if (r->runs) {
		simulate_dur(r->total_time / r->runs, a, sizeof(a));
		printf("simulated time per run: %s on average\n", a);
	}
	if (trace_written)
		printf("trace: %s (run %" PRIu64 ")\n", trace_out, r->first_fail + 1);
}

static json_t *simulate_json(const struct wb_job *job, struct simulate_variant *v, uint64_t seed,
			     const char *source, const char *trace_out, bool trace_written)
{
	struct simulate_result *r = &v->res;
	struct simulate_windows w;
	json_t *o = json_object();
	char num[32];
	double lo, hi;

	sim_wilson95(r->failing, r->runs, &lo, &hi);
	json_object_set_new(o, "scenario", json_string(job->sc->name));
	json_object_set_new(o, "settings", wb_config_json(&job->cfg));
	json_object_set_new(o, "timing", json_string(source));
	json_object_set_new(o, "seed", json_integer((json_int_t)seed));
	json_object_set_new(o, "complete", json_boolean(r->complete));
	snprintf(num, sizeof(num), "%" PRIu64, r->runs);
	json_object_set_new(o, "runs", json_string(num));
	snprintf(num, sizeof(num), "%" PRIu64, r->failing);
	json_object_set_new(o, "failing_runs", json_string(num));
	snprintf(num, sizeof(num), "%" PRIu64, r->corrupt);
	json_object_set_new(o, "corrupt_runs", json_string(num));
	snprintf(num, sizeof(num), "%" PRIu64, r->deadlock);
	json_object_set_new(o, "deadlock_runs", json_string(num));
	json_object_set_new(o, "probability",
			    json_real(r->runs ? (double)r->failing / (double)r->runs : 0));
	json_object_set_new(o, "ci_low", json_real(lo));
	json_object_set_new(o, "ci_high", json_real(hi));
	snprintf(num, sizeof(num), "%" PRIu64, r->remaps);
	json_object_set_new(o, "stale_remap_runs", json_string(num));
	if (!r->failing && r->runs)
		json_object_set_new(o, "rule_of_three", json_real(3.0 / (double)r->runs));
	if (r->failing)
		json_object_set_new(o, "first_failure",
				    json_pack("{s:I, s:I, s:I}", "run", (json_int_t)(r->first_fail + 1),
					      "at_ns", (json_int_t)r->first_fail_at,
					      "simulated_ns_to_it", (json_int_t)r->time_to_first));
	else
		json_object_set_new(o, "first_failure", json_null());
	simulate_window_stats(r, &w);
	if (w.n)
		json_object_set_new(o, "stale_window_ns",
				    json_pack("{s:I, s:I, s:I, s:I, s:I, s:I}", "runs", (json_int_t)w.n,
					      "min", (json_int_t)w.min, "median", (json_int_t)w.median,
					      "p90", (json_int_t)w.p90, "max", (json_int_t)w.max,
					      "mean", (json_int_t)w.mean));
	else
		json_object_set_new(o, "stale_window_ns", json_null());
	json_object_set_new(o, "mean_run_ns",
			    json_integer(r->runs ? (json_int_t)(r->total_time / r->runs) : 0));
	json_object_set_new(o, "trace", trace_written ? json_string(trace_out) : json_null());
	return o;
}

/* ---------------------------------------------------------------- the plot */

/* gnuplot's single-quoted string: a quote is doubled. */
static void simulate_gp_quote(FILE *f, const char *s)
{
	fputc('\'', f);
	for (; *s; s++) {
		if (*s == '\'')
			fputc('\'', f);
		fputc(*s, f);
	}
	fputc('\'', f);
}

/*
 * --svg: the probability with its interval against the --vary values, drawn
 * by gnuplot (the values as labels, evenly spaced); an exit code.
 */
static int simulate_svg(const char *svg, const struct wb_job *job, const char *key,
			struct simulate_variant *v, size_t nv)
{
	const char *dir = getenv("TMPDIR");
	char data[4200], out[4200], cmd[64];
	FILE *f, *gp;
	int fd, rc;

	snprintf(data, sizeof(data), "%s/wbsim-plot-XXXXXX", dir && dir[0] ? dir : "/tmp");
	fd = mkstemp(data);
	if (fd < 0 || !(f = fdopen(fd, "w"))) {
		fprintf(stderr, "wbsim simulate: error: cannot write a temporary file: %s\n",
			strerror(errno));
		if (fd >= 0)
			close(fd);
		return EXIT_USAGE;
	}
	for (size_t i = 0; i < nv; i++) {
		double lo, hi, p = v[i].res.runs ? (double)v[i].res.failing / (double)v[i].res.runs : 0;
		sim_wilson95(v[i].res.failing, v[i].res.runs, &lo, &hi);
		fprintf(f, "\"%s\" %.6g %.6g %.6g\n", v[i].value, p, lo, hi);
	}
	fclose(f);
	snprintf(out, sizeof(out), "%s.tmp%ld", svg, (long)getpid());
	snprintf(cmd, sizeof(cmd), "gnuplot");
	gp = popen(cmd, "w");
	if (!gp) {
		fprintf(stderr, "wbsim simulate: error: cannot run gnuplot: %s\n", strerror(errno));
		unlink(data);
		return EXIT_USAGE;
	}
	fprintf(gp, "set terminal svg size 720,420 dynamic font 'sans,12' background '#ffffff'\n");
	fprintf(gp, "set output ");
	simulate_gp_quote(gp, out);
	fprintf(gp, "\nset title ");
	char title[200];
	snprintf(title, sizeof(title), "%s: failure probability against %s (95%% Wilson interval)",
		 job->sc->name, key);
	simulate_gp_quote(gp, title);
	fprintf(gp, " noenhanced\nset xlabel ");
	simulate_gp_quote(gp, key);
	fprintf(gp, " noenhanced\nset ylabel 'P(failure)'\nset key off\nset grid\n"
		    "set yrange [0:*]\nset offsets 0.3, 0.3, 0, 0\n"
		    "set style line 1 lc rgb '#b22222' lw 2 pt 7 ps 0.8\n"
		    "plot ");
	simulate_gp_quote(gp, data);
	fprintf(gp, " using 0:2:3:4:xticlabels(1) with yerrorlines ls 1\n");
	rc = pclose(gp);
	unlink(data);
	if (rc != 0) {
		fprintf(stderr, "wbsim simulate: error: gnuplot failed (exit %d)%s\n",
			WIFEXITED(rc) ? WEXITSTATUS(rc) : -1,
			WIFEXITED(rc) && WEXITSTATUS(rc) == 127 ? ": is gnuplot installed?" : "");
		unlink(out);
		return EXIT_USAGE;
	}
	if (wb_commit_output(out, svg)) {
		fprintf(stderr, "wbsim simulate: error: cannot write %s: %s\n", svg, strerror(errno));
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

/* Is there a gnuplot on PATH? */
static bool simulate_have_gnuplot(void)
{
	const char *path = getenv("PATH");
	char buf[4200];

	if (!path)
		return false;
	while (*path) {
		size_t len = strcspn(path, ":");
		snprintf(buf, sizeof(buf), "%.*s/gnuplot", (int)(len ? len : 1), len ? path : ".");
		if (access(buf, X_OK) == 0)
			return true;
		path += len + (path[len] == ':');
	}
	return false;
}

/* ---------------------------------------------------------------- the command */

struct simulate_args {
	uint64_t runs, seed;
	unsigned threads;
	const char *timing_path, *vary, *svg, *trace_out;
	bool json, quiet;
	struct wb_cli_settings set;
};

/* Build the variants: one without --vary, else one per value.  An exit code. */
static int simulate_variants(const struct simulate_args *a, const char *scenario,
			     const char *timing_text, struct simulate_variant **out, size_t *nout,
			     char *vary_key, size_t keyn)
{
	char **values = NULL;
	size_t nv = 1;
	int sw = 0, rc = EXIT_OK;
	struct simulate_variant *v;

	vary_key[0] = 0;
	if (a->vary) {
		const char *eq = strchr(a->vary, '=');
		if (!eq || eq == a->vary || !eq[1] || (size_t)(eq - a->vary) >= keyn) {
			wb_usage_error("simulate", "--vary: expected KEY=V1,V2,..., got '%s'", a->vary);
			return EXIT_USAGE;
		}
		memcpy(vary_key, a->vary, (size_t)(eq - a->vary));
		vary_key[eq - a->vary] = 0;
		values = wb_split_list(eq + 1, &nv);
		if (nv == 0 || nv > SIMULATE_MAX_VARY) {
			wb_usage_error("simulate", "--vary: 1 to %u values", SIMULATE_MAX_VARY);
			wb_free_list(values, nv);
			return EXIT_USAGE;
		}
		sw = simulate_switch_key(vary_key);
	}
	v = wb_xcalloc(nv, sizeof(*v));
	*out = v;
	*nout = nv;
	for (size_t i = 0; i < nv && rc == EXIT_OK; i++) {
		v[i].set = a->set;
		if (values)
			snprintf(v[i].value, sizeof(v[i].value), "%s", values[i]);
		if (sw) {
			/* the settings keep the pointer: the text lives in the variant */
			char *kv = v[i].set.buf[WB_MAX_SETTINGS - 1];
			int k = sw == 'S' ? snprintf(kv, sizeof(v[i].set.buf[0]), "%s=%s", vary_key,
						     values[i])
					  : snprintf(kv, sizeof(v[i].set.buf[0]), "%s", values[i]);
			if (k < 0 || (size_t)k >= sizeof(v[i].set.buf[0])) {
				wb_usage_error("simulate", "--vary: '%s' is too long", values[i]);
				rc = EXIT_USAGE;
				break;
			}
			if (wb_cli_setting_add(&v[i].set, "simulate", sw,
					       v[i].set.buf[WB_MAX_SETTINGS - 1])) {
				rc = EXIT_USAGE;
				break;
			}
		}
		rc = wb_job_open(&v[i].job, scenario, &v[i].set);
		if (rc)
			break;
		v[i].job_open = true;
		if (!sw && values) {
			char err[256] = "", name[200];
			json_t *t = simulate_timing_json(&v[i].job, timing_text);
			if (!t || simulate_set_path(t, vary_key, simulate_value_json(values[i]), err,
						    sizeof(err))) {
				wb_usage_error("simulate", "%s", err[0] ? err : "--vary: bad timing");
				json_decref(t);
				rc = EXIT_USAGE;
				break;
			}
			char *text = json_dumps(t, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
			json_decref(t);
			snprintf(name, sizeof(name), "--vary %s=%s", vary_key, values[i]);
			if (wb_timing_load_buffer(name, text, strlen(text), v[i].job.sc, stderr,
						  &v[i].timing))
				rc = EXIT_USAGE;
			free(text);
		} else if (timing_text) {
			if (wb_timing_load_buffer(a->timing_path, timing_text, strlen(timing_text),
						  v[i].job.sc, stderr, &v[i].timing))
				rc = EXIT_USAGE;
		} else if (v[i].job.sc->timing) {
			v[i].timing = *v[i].job.sc->timing;
		} else {
			wb_timing_defaults(&v[i].timing);
		}
	}
	wb_free_list(values, values ? nv : 0);
	return rc;
}

static int simulate_parse(int argc, char **argv, struct simulate_args *a)
{
	static const struct option longopts[] = {
		{ "runs", required_argument, NULL, 'n' },
		{ "seed", required_argument, NULL, 'r' },
		{ "threads", required_argument, NULL, 'T' },
		{ "timing", required_argument, NULL, 'g' },
		{ "vary", required_argument, NULL, 'v' },
		{ "svg", required_argument, NULL, 'V' },
		{ "trace-out", required_argument, NULL, 'o' },
		{ "check", required_argument, NULL, 'c' },
		{ "kernel", required_argument, NULL, 'k' },
		{ "set", required_argument, NULL, 'S' },
		{ "json", no_argument, NULL, 'j' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long long x;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "hq", longopts, NULL)) != -1) {
		switch (c) {
		case 'n':
		case 'T':
			if (wb_parse_u64(optarg, &x) || x == 0 ||
			    (c == 'T' && x > SIMULATE_MAX_THREADS) ||
			    (c == 'n' && x > 1000000000000ull)) {
				wb_usage_error("simulate", "--%s: expected a number 1..%llu, got '%s'",
					       c == 'n' ? "runs" : "threads",
					       c == 'n' ? 1000000000000ull
							: (unsigned long long)SIMULATE_MAX_THREADS,
					       optarg);
				return EXIT_USAGE;
			}
			if (c == 'n')
				a->runs = x;
			else
				a->threads = (unsigned)x;
			break;
		case 'r':
			if (wb_parse_u64(optarg, &x)) {
				wb_usage_error("simulate", "--seed: expected a number, got '%s'", optarg);
				return EXIT_USAGE;
			}
			a->seed = x;
			break;
		case 'g':
			a->timing_path = optarg;
			break;
		case 'v':
			a->vary = optarg;
			break;
		case 'V':
			a->svg = optarg;
			break;
		case 'o':
			a->trace_out = optarg;
			break;
		case 'c':
		case 'k':
		case 'S':
			if (wb_cli_setting_add(&a->set, "simulate", c, optarg))
				return EXIT_USAGE;
			break;
		case 'j':
			a->json = true;
			break;
		case 'q':
			a->quiet = true;
			break;
		case 'h':
			simulate_help(stdout);
			return -1;
		default:
			return wb_bad_option("simulate", argv, longopts);
		}
	}
	if (optind != argc - 1) {
		wb_usage_error("simulate", optind >= argc ? "missing SCENARIO" : "too many arguments");
		return EXIT_USAGE;
	}
	if (a->vary && !strcmp(argv[optind], "-")) {
		wb_usage_error("simulate", "--vary reads SCENARIO once per value: give a file, not -");
		return EXIT_USAGE;
	}
	if (a->svg && !a->vary) {
		wb_usage_error("simulate", "--svg plots a --vary sweep: give --vary KEY=V1,V2,...");
		return EXIT_USAGE;
	}
	if ((a->trace_out && wb_output_check("simulate", "--trace-out", a->trace_out)) ||
	    (a->svg && wb_output_check("simulate", "--svg", a->svg)))
		return EXIT_USAGE;
	if (a->svg && !simulate_have_gnuplot()) {
		fprintf(stderr, "wbsim simulate: error: --svg needs gnuplot (Debian: gnuplot-nox; "
				"scripts/deps.sh installs it)\n");
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

/* The first failing run's trace; whether it was written (-1: an output error). */
static int simulate_trace(struct simulate_variant *v, uint64_t seed, const char *trace_out)
{
	struct wb_exec ex;
	char err[256];
	size_t n = 0;
	uint16_t *c = simulate_choices(&v->job, &v->timing, seed, v->res.first_fail, &n);
	int rc;

	if (!c) {
		fprintf(stderr, "wbsim simulate: internal error: the failing run did not run again\n");
		return -1;
	}
	if (wb_exec_record(&v->job, c, n, false, &ex, err, sizeof(err))) {
		fprintf(stderr, "wbsim simulate: internal error: %s\n", err);
		wb_exec_free(&ex);
		free(c);
		return -1;
	}
	rc = wb_trace_write(trace_out, &v->job, c, n, &ex);
	wb_exec_free(&ex);
	free(c);
	return rc ? -1 : 1;
}

int cmd_simulate(int argc, char **argv)
{
	struct simulate_args a = { .runs = 10000, .seed = 1, .threads = 1 };
	struct simulate_variant *v = NULL;
	char *timing_text = NULL, vary_key[64], source[4200];
	size_t nv = 0, tlen;
	int rc;
	bool failed = false, interrupted = false, output_failed = false;
	int written = 0;
	size_t traced = (size_t)-1;

	rc = simulate_parse(argc, argv, &a);
	if (rc)
		return rc < 0 ? EXIT_OK : rc;
	if (a.timing_path && simulate_read_file(a.timing_path, &timing_text, &tlen))
		return EXIT_USAGE;
	rc = simulate_variants(&a, argv[optind], timing_text, &v, &nv, vary_key, sizeof(vary_key));
	if (rc)
		goto out;
	if (a.timing_path)
		snprintf(source, sizeof(source), "%s", a.timing_path);
	else
		snprintf(source, sizeof(source), "%s",
			 v[0].job.sc->timing ? "the scenario's" : "the defaults");

	wb_catch_signals();
	bool progress = !a.quiet && isatty(STDERR_FILENO);
	for (size_t i = 0; i < nv && !wb_interrupted; i++) {
		if (simulate_runs(&v[i].job, &v[i].timing, a.runs, a.seed, a.threads, progress,
				  &v[i].res)) {
			if (progress)
				fprintf(stderr, "\r\033[K");
			fprintf(stderr, "wbsim simulate: internal error: %s\n", v[i].res.error);
			rc = EXIT_INTERNAL;
			goto out;
		}
		failed |= v[i].res.failing != 0;
		interrupted |= !v[i].res.complete;
		if (a.trace_out && traced == (size_t)-1 && v[i].res.failing) {
			traced = i;
			written = simulate_trace(&v[i], a.seed, a.trace_out);
			if (written < 0)
				output_failed = true;
		}
	}
	if (progress)
		fprintf(stderr, "\r\033[K");
	if (a.trace_out && traced == (size_t)-1)
		fprintf(stderr, "wbsim simulate: no failing run: --trace-out not written\n");
	if (a.svg && !wb_interrupted && simulate_svg(a.svg, &v[0].job, vary_key, v, nv))
		output_failed = true;

	if (!a.vary) {
		if (a.json) {
			json_t *o = simulate_json(&v[0].job, &v[0], a.seed, source, a.trace_out,
						  written > 0);
			json_dumpf(o, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
			fputc('\n', stdout);
			json_decref(o);
		} else {
			simulate_print(&v[0].job, &v[0], a.seed, source, a.trace_out, written > 0);
		}
	} else if (a.json) {
		json_t *o = json_object(), *rows = json_array();
		json_object_set_new(o, "scenario", json_string(v[0].job.sc->name));
		json_object_set_new(o, "vary", json_string(vary_key));
		for (size_t i = 0; i < nv; i++) {
			json_t *row = simulate_json(&v[i].job, &v[i], a.seed, source, a.trace_out,
						    written > 0 && traced == i);
			json_object_set_new(row, "value", json_string(v[i].value));
			json_array_append_new(rows, row);
		}
		json_object_set_new(o, "rows", rows);
		json_dumpf(o, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		fputc('\n', stdout);
		json_decref(o);
	} else {
		char settings[WB_SETTINGS_TEXT_MAX];
		int w = (int)strlen(vary_key);
		for (size_t i = 0; i < nv; i++)
			if ((int)strlen(v[i].value) > w)
				w = (int)strlen(v[i].value);
		wb_settings_text(&v[0].job.cfg, settings, sizeof(settings));
		printf("scenario %s (%s), seed %" PRIu64 ", %" PRIu64 " runs each\n",
		       v[0].job.sc->name, settings, a.seed, a.runs);
		printf("timing: %s, varying %s\n", source, vary_key);
		printf("%-*s  %10s  %9s  %-11s  %-25s  %s\n", w, vary_key, "runs", "failing",
		       "probability", "95% interval (Wilson)", "median stale window");
		for (size_t i = 0; i < nv; i++) {
			struct simulate_result *r = &v[i].res;
			struct simulate_windows sw;
			char iv[64], med[32] = "-";
			double lo, hi;
			if (!r->runs)
				continue;
			sim_wilson95(r->failing, r->runs, &lo, &hi);
			snprintf(iv, sizeof(iv), "[%.4g, %.4g]", lo, hi);
			simulate_window_stats(r, &sw);
			if (sw.n)
				simulate_dur(sw.median, med, sizeof(med));
			printf("%-*s  %10" PRIu64 "  %9" PRIu64 "  %-11.4g  %-25s  %s\n", w, v[i].value,
			       r->runs, r->failing, (double)r->failing / (double)r->runs, iv, med);
		}
		if (interrupted)
			printf("stopped by interrupt\n");
		if (written > 0)
			printf("trace: %s (%s=%s, run %" PRIu64 ")\n", a.trace_out, vary_key,
			       v[traced].value, v[traced].res.first_fail + 1);
		if (a.svg && !output_failed)
			printf("plot: %s\n", a.svg);
	}
	rc = output_failed ? EXIT_USAGE
	     : failed	   ? EXIT_FAILURE_FOUND
	     : interrupted ? EXIT_NO_VERDICT
			   : EXIT_OK;
out:
	for (size_t i = 0; i < nv; i++) {
		if (v[i].job_open)
			wb_job_close(&v[i].job);
		free(v[i].res.windows);
	}
	free(v);
	free(timing_text);
	return rc;
}
