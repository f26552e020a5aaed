/* SPDX-License-Identifier: MIT */
/*
 * cmd_hunt.c - wbsim hunt: search a space of generated scenarios for
 * failures, classify them by signature, and report one shrunk
 * representative of each with its trace, diagram and fixes.
 *
 * A hunt is a directory (-o DIR): hunt.json says what is hunted (the space,
 * the seed, the count, the settings and the budget), results/NNNNNN.json
 * holds the verdicts of scenario NNNNNN under every setting, written
 * atomically once the scenario is done, and index.md and report.json are the
 * report.  Everything in the report is a function of hunt.json and the
 * result files, never of the order they were made in, the number of jobs or
 * the machine: so a hunt resumes by skipping the scenarios whose result file
 * is there, and shards (--shard I/N, run anywhere) merge (--merge) into the
 * report the whole run would have written.  Budgets are counts of states,
 * never seconds, for the same reason.
 *
 * Each scenario is explored under each setting as `explore --reduce --first`
 * does; a failure is classified by its signature KIND:CAUSE from the
 * oracle's provenance of its counterexample (hunt_signature()).
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "app/app.h"
#include "app/hunt.h"
#include "sim/xmalloc.h"

#define HUNT_MAX_JOBS 64
#define HUNT_MAX_MERGE 256
#define HUNT_LIST_MAX 20 /* scenario indexes listed per signature and setting */

struct hunt {
	struct hunt_space sp;
	uint64_t seed, count;
	char settings[HUNT_MAX_SETTINGS][256];
	unsigned nsettings;
	uint64_t max_states, shrink_states;
	const char *dir;
	unsigned shard_i, shard_n; /* 0: not a shard */
	unsigned jobs;
	bool progress, json;
	FILE *devnull;
	/* progress */
	struct timespec start;
	uint64_t todo, done, failing;
	char **sigs;
	size_t nsigs;
	double last_progress;
};

static void hunt_help(FILE *out)
{
	char versions[64];

	wb_kernel_versions(versions, sizeof(versions), "", "|", "|");
	fprintf(out,
		"usage: wbsim hunt SPACE --count N --seed S -o DIR [--kernel %s]...\n"
		"                  [--set KEY=VALUE]... [--max-states N] [--jobs N] [--shard I/N]\n"
		"                  [--json] [--quiet]\n"
		"       wbsim hunt --merge DIR... -o DIR [--json] [--quiet]\n"
		"       wbsim hunt SPACE --seed S --draw I\n"
		"\n"
		"Draw N scenarios from the space file SPACE (hunts/default.json; scenario I\n"
		"depends only on S and I), explore each under each setting with partial-order\n"
		"reduction, stopping at the first failure and at the budget of states, and\n"
		"classify every failure by its signature KIND:CAUSE (lost:stale_write_begin,\n"
		"exposed:uninitialised_folio, deadlock:...). One representative per signature is\n"
		"shrunk and written with its trace, diagram and the smallest sets of fix\n"
		"switches that close it; the report is DIR/index.md (and DIR/report.json).\n"
		"Scenarios the budget stops are listed as undecided, never as safe.\n"
		"\n"
		"  --count N        scenarios 0 to N-1 (required)\n"
		"  --seed S         the draw's seed (required)\n"
		"  -o DIR           the hunt's directory: results, report; an interrupted hunt\n"
		"                   run again with the same DIR resumes where it stopped\n"
		"  --kernel V       explore under this kernel preset (repeatable); default: the\n"
		"                   space's settings\n"
		"  --set KEY=VALUE  a switch, added to every setting (repeatable)\n"
		"  --max-states N   the budget of each exploration (default: the space's)\n"
		"  --jobs N         explore N scenarios at once (processes; default 1)\n"
		"  --shard I/N      only scenarios I-1, I-1+N, ...: their results, no report;\n"
		"                   merge the shards' directories with --merge\n"
		"  --merge DIR...   the report of the shards' directories, into -o DIR: the\n"
		"                   same as the unsharded run's\n"
		"  --draw I         print scenario I of the space and seed, and exit\n"
		"  --json           print the report as one JSON object on stdout\n"
		"  --quiet          no progress line on stderr\n"
		"\n"
		"Exit: 0 no failure and nothing undecided, 1 a failure found, 2 bad input,\n"
		"3 internal error, 4 something undecided (or interrupted) and no failure.\n",
		versions);
}

/* ---- signatures ---- */

/* The extent state named after `word` in a provenance text ("is WRITTEN"), or "". */
static void hunt_word_after(const char *text, const char *word, char *out, size_t n)
{
	const char *p = strstr(text, word);

	out[0] = '\0';
	if (p)
		sscanf(p + strlen(word), "%15[A-Z]", out);
	(void)n;
}

/*
 * The signature KIND:CAUSE of a recorded failure (docs/cli.md, "hunt"):
 * KIND is lost, exposed or deadlock; CAUSE is read from the oracle's
 * provenance of the wrong bytes (wb_failure_kind() and the origin's text).
 * A zeroing through a mapping whose type differs from the block's state at
 * that step is a decision on a stale mapping: its cause starts with stale_.
 */
static void hunt_signature(const struct wb_job *job, const struct wb_exec *ex, char *out,
			   size_t n)
{
	const struct wb_report *r = &ex->report;
	char kind[64], map[16], blk[16];
	const char *cause = NULL;

	if (r->verdict == SIM_SAFE) {
		snprintf(out, n, "safe");
		return;
	}
	if (r->verdict == SIM_DEADLOCK) {
		snprintf(out, n, "deadlock:%s",
			 strstr(r->deadlock, "whose lock it holds itself") ? "cleanup_self_lock"
									   : "stuck");
		return;
	}
	wb_failure_kind(job, ex, kind, sizeof(kind));
	if (r->exposed) {
		snprintf(out, n, "exposed:%s",
			 strstr(r->provenance, "uninitialised memory") ? "uninitialised_folio"
								       : "uninitialised");
		return;
	}
	if (!strcmp(kind, "write_begin") || !strcmp(kind, "eof-zeroing")) {
		const char *m = strstr(r->provenance, " mapping ");
		/* "... using a(n) [NEW] TYPE [NEW] mapping ...; block(s) B is STATE" */
		map[0] = '\0';
		if (m) {
			const char *p = m;
			while (p > r->provenance && p[-1] != ' ')
				p--;
			if (!strncmp(p, "NEW", 3) && p - 1 > r->provenance) {
				p--;
				while (p > r->provenance && p[-1] != ' ')
					p--;
			}
			sscanf(p, "%15[A-Z]", map);
		}
		hunt_word_after(r->provenance, " is ", blk, sizeof(blk));
		bool stale = map[0] && blk[0] && strcmp(map, blk);
		if (!strcmp(kind, "write_begin"))
			cause = stale ? "stale_write_begin" : "write_begin_zeroed";
		else
			cause = stale ? "stale_zeroing" : "eof_zeroing";
	} else if (!strcmp(kind, "writeback")) {
		cause = strstr(r->provenance, "garbage: blocks xfs_iomap_write_unwritten")
				? "stale_writeback"
				: "writeback";
	} else if (!strcmp(kind, "block-UNWRITTEN")) {
		cause = "stale_writeback_unwritten";
	} else if (!strcmp(kind, "block-HOLE")) {
		cause = "cleanup_truncated_dirty";
	} else if (!strcmp(kind, "block-DELALLOC")) {
		cause = "delalloc_never_allocated";
	} else if (!strcmp(kind, "store")) {
		cause = "mmap_store_kept";
	}
	if (cause) {
		snprintf(out, n, "lost:%s", cause);
		return;
	}
	for (char *p = kind; *p; p++)
		if (*p == '-')
			*p = '_';
	snprintf(out, n, "lost:%s", kind);
}

/* ---- files ---- */

static int hunt_mkdir(const char *path)
{
	if (mkdir(path, 0777) && errno != EEXIST) {
		fprintf(stderr, "wbsim hunt: error: cannot create %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* Write text to path atomically (a temporary file renamed over it). */
static int hunt_write_file(const char *path, const char *text)
{
	char tmp[4200];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.tmp%ld", path, (long)getpid());
	f = fopen(tmp, "w");
	if (!f || fputs(text, f) < 0 || fclose(f) || rename(tmp, path)) {
		fprintf(stderr, "wbsim hunt: error: cannot write %s: %s\n", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

static int hunt_write_json(const char *path, json_t *o)
{
	char *text = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	int rc;

	if (!text)
		return -1;
	size_t len = strlen(text);
	text = wb_xrealloc(text, len + 2);
	text[len] = '\n';
	text[len + 1] = '\0';
	rc = hunt_write_file(path, text);
	free(text);
	return rc;
}

static void hunt_result_path(const char *dir, uint64_t i, char *buf, size_t n)
{
	snprintf(buf, n, "%s/results/%06llu.json", dir, (unsigned long long)i);
}

/* The header: what is hunted.  Shards of one hunt have the same one. */
static json_t *hunt_header(const struct hunt *h)
{
	json_error_t jerr;
	json_t *o = json_object(), *set = json_array();
	char seed[32];

	for (unsigned s = 0; s < h->nsettings; s++)
		json_array_append_new(set, json_string(h->settings[s]));
	snprintf(seed, sizeof(seed), "%llu", (unsigned long long)h->seed);
	json_object_set_new(o, "wbsim_hunt_run", json_integer(1));
	json_object_set_new(o, "space", json_loads(h->sp.canon, 0, &jerr));
	json_object_set_new(o, "seed", json_string(seed));
	json_object_set_new(o, "count", json_integer((json_int_t)h->count));
	json_object_set_new(o, "settings", set);
	json_object_set_new(o, "max_states", json_integer((json_int_t)h->max_states));
	json_object_set_new(o, "shrink_states", json_integer((json_int_t)h->shrink_states));
	return o;
}

/* Write DIR/hunt.json, or check that the one there is the same hunt. */
static int hunt_open_dir(const struct hunt *h)
{
	char path[4200], rdir[4200];
	json_t *hd = hunt_header(h);
	char *want = json_dumps(hd, JSON_INDENT(2) | JSON_SORT_KEYS);
	json_error_t jerr;
	int rc = 0;

	json_decref(hd);
	snprintf(rdir, sizeof(rdir), "%s/results", h->dir);
	if (hunt_mkdir(h->dir) || hunt_mkdir(rdir)) {
		free(want);
		return EXIT_USAGE;
	}
	snprintf(path, sizeof(path), "%s/hunt.json", h->dir);
	json_t *old = json_load_file(path, 0, &jerr);
	if (old) {
		char *have = json_dumps(old, JSON_INDENT(2) | JSON_SORT_KEYS);
		if (strcmp(have, want)) {
			fprintf(stderr, "wbsim hunt: error: %s holds another hunt (its space, seed, "
					"count, settings or budget differ): use another -o DIR\n",
				h->dir);
			rc = EXIT_USAGE;
		}
		free(have);
		json_decref(old);
	} else if (access(path, F_OK) == 0) {
		fprintf(stderr, "%s: error: %s\n", path, jerr.text);
		rc = EXIT_USAGE;
	} else {
		size_t len = strlen(want);
		want = wb_xrealloc(want, len + 2);
		strcpy(want + len, "\n");
		if (hunt_write_file(path, want))
			rc = EXIT_USAGE;
	}
	free(want);
	return rc;
}

/* A result file, read back: NULL if absent or not one (then it is redone). */
static json_t *hunt_read_result(const char *dir, uint64_t i)
{
	char path[4200];
	json_error_t jerr;
	json_t *o;

	hunt_result_path(dir, i, path, sizeof(path));
	o = json_load_file(path, 0, &jerr);
	if (o && (json_integer_value(json_object_get(o, "index")) != (json_int_t)i ||
		  !json_is_array(json_object_get(o, "results")))) {
		json_decref(o);
		o = NULL;
	}
	return o;
}

/* ---- one scenario ---- */

static struct sim_explore_opts hunt_eo(uint64_t max_states)
{
	struct sim_explore_opts eo = {
		.max_states = max_states, .order = SIM_ORDER_FORWARD, .reduce = true,
		.first = (1u << SIM_CORRUPT) | (1u << SIM_DEADLOCK), .stop = &wb_interrupted,
		.max_memory = wb_default_max_memory(),
	};
	return eo;
}

/*
 * Explore scenario i under every setting: its result object, or NULL when
 * interrupted (nothing is kept of a scenario not finished).
 */
static json_t *hunt_one(struct hunt *h, uint64_t i)
{
	char *text = hunt_draw(&h->sp, h->seed, i);
	char path[64];
	json_t *res = json_object(), *arr = json_array();

	snprintf(path, sizeof(path), "scenario-%llu", (unsigned long long)i);
	struct wb_scenario *sc = wb_scenario_load_buffer(path, text, strlen(text), h->devnull);
	json_object_set_new(res, "index", json_integer((json_int_t)i));
	json_object_set_new(res, "results", arr);
	if (!sc) {
		/* a space that draws an invalid scenario: a bug here, shown, never hidden */
		json_object_set_new(res, "invalid", json_true());
		free(text);
		return res;
	}
	json_object_set_new(res, "tasks", json_integer((json_int_t)sc->ntasks));
	for (unsigned s = 0; s < h->nsettings; s++) {
		struct wb_job job;
		struct sim_explore_result er;
		struct sim_explore_opts eo = hunt_eo(h->max_states);
		char err[256];
		json_t *r = json_object();

		json_object_set_new(r, "setting", json_string(h->settings[s]));
		if (wb_job_from(&job, sc, h->settings[s], err, sizeof(err))) {
			json_object_set_new(r, "verdict", json_string("invalid"));
			json_object_set_new(r, "error", json_string(err));
			json_array_append_new(arr, r);
			job.sc = NULL;
			wb_job_close(&job);
			continue;
		}
		if (!json_object_get(res, "pages"))
			json_object_set_new(res, "pages", json_integer(job.m.npages));
		if (sim_explore(&job.sm, job.init, &eo, &er)) {
			fprintf(stderr, "wbsim hunt: scenario %llu, %s: %s\n", (unsigned long long)i,
				h->settings[s], er.error);
			exit(EXIT_INTERNAL);
		}
		if (er.stopped_by && !strcmp(er.stopped_by, "interrupt") && er.verdict == SIM_SAFE) {
			sim_explore_result_free(&er);
			job.sc = NULL;
			wb_job_close(&job);
			json_decref(r);
			json_decref(res);
			wb_scenario_free(sc);
			free(text);
			return NULL;
		}
		json_object_set_new(r, "states", json_integer((json_int_t)er.states));
		if (er.verdict != SIM_SAFE) {
			struct wb_exec ex;
			char sig[64];
			unsigned pre;
			if (wb_exec_record(&job, er.cex, er.cex_len, false, &ex, err, sizeof(err))) {
				fprintf(stderr, "wbsim hunt: internal error: scenario %llu: %s\n",
					(unsigned long long)i, err);
				exit(EXIT_INTERNAL);
			}
			hunt_signature(&job, &ex, sig, sizeof(sig));
			char *sched = wb_choices_schedule(&job, er.cex, er.cex_len, &pre);
			json_object_set_new(r, "verdict", json_string(wb_verdict_name(er.verdict)));
			json_object_set_new(r, "signature", json_string(sig));
			json_object_set_new(r, "steps", json_integer((json_int_t)er.cex_len));
			json_object_set_new(r, "schedule", json_string(sched));
			free(sched);
			wb_exec_free(&ex);
		} else if (er.complete) {
			json_object_set_new(r, "verdict", json_string("safe"));
		} else {
			json_object_set_new(r, "verdict", json_string("undecided"));
			json_object_set_new(r, "stopped_by", json_string(er.stopped_by));
		}
		json_array_append_new(arr, r);
		sim_explore_result_free(&er);
		job.sc = NULL;
		wb_job_close(&job);
	}
	wb_scenario_free(sc);
	free(text);
	return res;
}

/* ---- progress ---- */

static double hunt_elapsed(const struct hunt *h)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - h->start.tv_sec) + (now.tv_nsec - h->start.tv_nsec) / 1e9;
}

/* Count a finished scenario's result in the progress line's figures. */
static void hunt_note(struct hunt *h, json_t *res)
{
	json_t *r;
	size_t k;
	bool failing = false;

	h->done++;
	json_array_foreach(json_object_get(res, "results"), k, r) {
		const char *sig = json_string_value(json_object_get(r, "signature"));
		if (!sig)
			continue;
		failing = true;
		size_t j;
		for (j = 0; j < h->nsigs && strcmp(h->sigs[j], sig); j++)
			;
		if (j == h->nsigs) {
			h->sigs = wb_xrealloc(h->sigs, (h->nsigs + 1) * sizeof(char *));
			h->sigs[h->nsigs++] = wb_xstrdup(sig);
		}
	}
	h->failing += failing;
}

static void hunt_show(struct hunt *h, bool force)
{
	double t = hunt_elapsed(h);

	if (!h->progress || (!force && t - h->last_progress < 0.5))
		return;
	h->last_progress = t;
	fprintf(stderr, "\rhunt: %llu/%llu scenarios, %llu failing, %zu signature%s, %.1f/s\033[K",
		(unsigned long long)h->done, (unsigned long long)h->todo,
		(unsigned long long)h->failing, h->nsigs, h->nsigs == 1 ? "" : "s",
		t > 0 ? (double)h->done / t : 0.0);
	fflush(stderr);
}

/* Explore the scenarios of `work` (indexes), writing each one's result file. */
static int hunt_work(struct hunt *h, const uint64_t *work, size_t n, unsigned w, unsigned nw,
		     bool note)
{
	char path[4200];

	for (size_t k = w; k < n; k += nw) {
		if (wb_interrupted)
			return EXIT_NO_VERDICT;
		json_t *res = hunt_one(h, work[k]);
		if (!res)
			return EXIT_NO_VERDICT;
		hunt_result_path(h->dir, work[k], path, sizeof(path));
		if (hunt_write_json(path, res)) {
			json_decref(res);
			return EXIT_USAGE;
		}
		if (note) {
			hunt_note(h, res);
			hunt_show(h, false);
		}
		json_decref(res);
	}
	return EXIT_OK;
}

/* --jobs N: N processes, each taking every N-th scenario; the parent shows progress. */
static int hunt_fork(struct hunt *h, const uint64_t *work, size_t n)
{
	pid_t pids[HUNT_MAX_JOBS];
	bool *seen = wb_xcalloc(n + 1, 1);
	unsigned nw = h->jobs, running = 0;
	int rc = EXIT_OK;

	fflush(NULL);
	for (unsigned w = 0; w < nw; w++) {
		pids[w] = fork();
		if (pids[w] < 0) {
			fprintf(stderr, "wbsim hunt: error: fork: %s\n", strerror(errno));
			pids[w] = 0;
			rc = EXIT_INTERNAL;
			continue;
		}
		if (pids[w] == 0)
			_exit(hunt_work(h, work, n, w, nw, false));
		running++;
	}
	size_t next = 0; /* results before `next` are all seen */
	for (bool last = false;; last = !running) {
		int status;
		pid_t p = running ? waitpid(-1, &status, WNOHANG) : 0;
		if (p > 0) {
			for (unsigned w = 0; w < nw; w++)
				if (pids[w] == p) {
					pids[w] = 0;
					running--;
					int c = WIFEXITED(status) ? WEXITSTATUS(status) : EXIT_INTERNAL;
					if (c > rc)
						rc = c;
				}
			continue;
		}
		if (p < 0 && errno != EINTR)
			running = 0;
		if (wb_interrupted) /* pass the signal on (a terminal's Ctrl-C reached them already) */
			for (unsigned w = 0; w < nw; w++)
				if (pids[w] > 0)
					kill(pids[w], SIGTERM);
		/* the progress line: result files that appeared */
		for (size_t k = next; k < n; k++) {
			char path[4200];
			if (seen[k])
				continue;
			hunt_result_path(h->dir, work[k], path, sizeof(path));
			if (access(path, F_OK))
				continue;
			json_t *res = hunt_read_result(h->dir, work[k]);
			if (res) {
				seen[k] = true;
				hunt_note(h, res);
				json_decref(res);
			}
		}
		while (next < n && seen[next])
			next++;
		hunt_show(h, false);
		if (last) /* the workers are gone and their last results counted */
			break;
		struct timespec ts = { 0, 100 * 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
	free(seen);
	return wb_interrupted && rc < EXIT_NO_VERDICT ? EXIT_NO_VERDICT : rc;
}

/* ---- the report ---- */

struct hunt_occ {
	uint64_t index;
	unsigned setting;
	unsigned tasks, pages, steps;
};

struct hunt_sig {
	char name[64];
	unsigned count[HUNT_MAX_SETTINGS];	/* scenarios showing it, per setting */
	uint64_t scenarios;			/* under any setting */
	struct hunt_occ *occ;
	size_t nocc;
	struct hunt_occ rep;
};

struct hunt_undecided {
	uint64_t index;
	unsigned setting;
	char why[32];
	uint64_t states;
};

struct hunt_report {
	unsigned safe[HUNT_MAX_SETTINGS], failing[HUNT_MAX_SETTINGS],
		undecided[HUNT_MAX_SETTINGS], invalid[HUNT_MAX_SETTINGS];
	uint64_t scen_failing, scen_undecided, scen_invalid;
	struct hunt_sig *sigs;
	size_t nsigs;
	struct hunt_undecided *und;
	size_t nund;
};

static bool hunt_occ_less(const struct hunt_occ *a, const struct hunt_occ *b)
{
	if (a->tasks != b->tasks)
		return a->tasks < b->tasks;
	if (a->pages != b->pages)
		return a->pages < b->pages;
	if (a->steps != b->steps)
		return a->steps < b->steps;
	if (a->index != b->index)
		return a->index < b->index;
	return a->setting < b->setting;
}

static int hunt_sig_cmp(const void *a, const void *b)
{
	return strcmp(((const struct hunt_sig *)a)->name, ((const struct hunt_sig *)b)->name);
}

static int hunt_setting_index(const struct hunt *h, const char *s)
{
	for (unsigned k = 0; k < h->nsettings; k++)
		if (!strcmp(h->settings[k], s))
			return (int)k;
	return -1;
}

/* Gather every scenario's result; an exit code (a missing one is an error). */
static int hunt_gather(struct hunt *h, struct hunt_report *rp)
{
	uint64_t missing = 0, first_missing = 0;

	memset(rp, 0, sizeof(*rp));
	for (uint64_t i = 0; i < h->count; i++) {
		json_t *res = hunt_read_result(h->dir, i), *r;
		size_t k;
		bool any_fail = false, any_und = false;

		if (!res) {
			if (!missing++)
				first_missing = i;
			continue;
		}
		unsigned tasks = (unsigned)json_integer_value(json_object_get(res, "tasks"));
		unsigned pages = (unsigned)json_integer_value(json_object_get(res, "pages"));
		if (json_is_true(json_object_get(res, "invalid"))) {
			rp->scen_invalid++;
			for (unsigned s = 0; s < h->nsettings; s++)
				rp->invalid[s]++;
		}
		json_array_foreach(json_object_get(res, "results"), k, r) {
			int s = hunt_setting_index(h, json_string_value(json_object_get(r, "setting")));
			const char *v = json_string_value(json_object_get(r, "verdict"));
			if (s < 0 || !v)
				continue;
			if (!strcmp(v, "safe")) {
				rp->safe[s]++;
			} else if (!strcmp(v, "undecided")) {
				rp->undecided[s]++;
				any_und = true;
				rp->und = wb_xrealloc(rp->und, (rp->nund + 1) * sizeof(*rp->und));
				struct hunt_undecided *u = &rp->und[rp->nund++];
				u->index = i;
				u->setting = (unsigned)s;
				snprintf(u->why, sizeof(u->why), "%s",
					 json_string_value(json_object_get(r, "stopped_by")));
				u->states = (uint64_t)json_integer_value(json_object_get(r, "states"));
			} else if (!strcmp(v, "invalid")) {
				rp->invalid[s]++;
			} else {
				const char *name = json_string_value(json_object_get(r, "signature"));
				rp->failing[s]++;
				any_fail = true;
				size_t j;
				for (j = 0; j < rp->nsigs && strcmp(rp->sigs[j].name, name); j++)
					;
				if (j == rp->nsigs) {
					rp->sigs = wb_xrealloc(rp->sigs, (j + 1) * sizeof(*rp->sigs));
					memset(&rp->sigs[j], 0, sizeof(rp->sigs[j]));
					snprintf(rp->sigs[j].name, sizeof(rp->sigs[j].name), "%s", name);
					rp->nsigs++;
				}
				struct hunt_sig *g = &rp->sigs[j];
				struct hunt_occ o = {
					.index = i, .setting = (unsigned)s, .tasks = tasks,
					.pages = pages,
					.steps = (unsigned)json_integer_value(json_object_get(r, "steps")),
				};
				g->count[s]++;
				if (!g->nocc || g->occ[g->nocc - 1].index != i)
					g->scenarios++;
				if (!g->nocc || hunt_occ_less(&o, &g->rep))
					g->rep = o;
				g->occ = wb_xrealloc(g->occ, (g->nocc + 1) * sizeof(*g->occ));
				g->occ[g->nocc++] = o;
			}
		}
		rp->scen_failing += any_fail;
		rp->scen_undecided += any_und && !any_fail;
		json_decref(res);
	}
	if (missing) {
		fprintf(stderr, "wbsim hunt: error: %s: %llu of the %llu scenarios have no result "
				"(the first: %llu): a shard missing or not finished\n",
			h->dir, (unsigned long long)missing, (unsigned long long)h->count,
			(unsigned long long)first_missing);
		return EXIT_USAGE;
	}
	qsort(rp->sigs, rp->nsigs, sizeof(*rp->sigs), hunt_sig_cmp);
	return EXIT_OK;
}

/* What the report says of one signature's representative. */
struct hunt_rep {
	bool shrunk;
	size_t tasks0, tasks;
	unsigned pages0, pages;
	size_t steps;
	bool shortest;
	char *schedule;
	char dir[96];		/* signatures/KIND-CAUSE */
	struct wb_report report;
	struct wb_fixes fixes;
	bool fixes_ok;
	bool diagram;
};

/* signatures/lost-stale_write_begin */
static void hunt_sig_dir(const char *sig, char *out, size_t n)
{
	snprintf(out, n, "signatures/%s", sig);
	for (char *p = out; *p; p++)
		if (*p == ':')
			*p = '-';
}

/* Shrink one signature's representative and write its files. */
static int hunt_represent(struct hunt *h, const struct hunt_sig *g, struct hunt_rep *rep)
{
	const char *setting = h->settings[g->rep.setting];
	char *text = hunt_draw(&h->sp, h->seed, g->rep.index);
	char path[4200], name[128], err[256];
	struct wb_shrunk sh;
	json_error_t jerr;
	int rc;

	memset(rep, 0, sizeof(*rep));
	hunt_sig_dir(g->name, rep->dir, sizeof(rep->dir));
	snprintf(name, sizeof(name), "scenario-%llu", (unsigned long long)g->rep.index);
	rc = wb_shrink_scenario(name, text, setting, hunt_signature, g->name, h->shrink_states,
				&sh);
	if (rc < 0) {
		free(text);
		return EXIT_INTERNAL;
	}
	json_t *scen;
	if (rc == 1) {
		rep->shrunk = true;
		rep->tasks0 = sh.tasks0;
		rep->pages0 = sh.pages0;
		rep->tasks = sh.tasks;
		rep->pages = sh.pages;
		scen = json_loads(sh.text, 0, &jerr);
	} else {
		scen = json_loads(text, 0, &jerr);
	}
	free(text);
	/* the representative as a catalogue scenario: named, described, its expect */
	char sname[64], desc[600];
	snprintf(sname, sizeof(sname), "%.40s-%llu-%llu%s", h->sp.name,
		 (unsigned long long)h->seed, (unsigned long long)g->rep.index,
		 rep->shrunk ? "-shrunk" : "");
	snprintf(desc, sizeof(desc),
		 "Found by wbsim hunt: scenario %llu of space %.60s with seed %llu, %s under %.200s%s.",
		 (unsigned long long)g->rep.index, h->sp.name, (unsigned long long)h->seed,
		 g->name, setting, rep->shrunk ? ", shrunk with the same signature" : "");
	json_object_set_new(scen, "name", json_string(sname));
	json_object_set_new(scen, "description", json_string(desc));
	json_t *exp = json_object();
	json_object_set_new(exp, setting,
			    json_string(!strncmp(g->name, "deadlock:", 9) ? "deadlock" : "corrupt"));
	json_object_set_new(scen, "expect", exp);
	char *stext = json_dumps(scen, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(scen);

	snprintf(path, sizeof(path), "%s/signatures", h->dir);
	if (hunt_mkdir(path))
		goto fail;
	snprintf(path, sizeof(path), "%s/%s", h->dir, rep->dir);
	if (hunt_mkdir(path))
		goto fail;
	snprintf(path, sizeof(path), "%s/%s/scenario.json", h->dir, rep->dir);
	size_t len = strlen(stext);
	stext = wb_xrealloc(stext, len + 2);
	strcpy(stext + len, "\n");
	if (hunt_write_file(path, stext))
		goto fail;

	/* its counterexample: the shrunk one, or the first failure of an exploration */
	struct wb_scenario *sc = wb_scenario_load_buffer(path, stext, strlen(stext), stderr);
	struct wb_job job;
	uint16_t *cex = NULL;
	size_t clen = 0;
	if (!sc || wb_job_from(&job, sc, setting, err, sizeof(err))) {
		fprintf(stderr, "wbsim hunt: internal error: the representative of %s does not "
				"load\n", g->name);
		goto fail;
	}
	if (rep->shrunk) {
		cex = sh.cex;
		clen = sh.len;
		rep->shortest = sh.shortest;
	} else {
		struct sim_explore_opts eo = hunt_eo(h->max_states);
		struct sim_explore_result er;
		if (sim_explore(&job.sm, job.init, &eo, &er) || er.verdict == SIM_SAFE) {
			sim_explore_result_free(&er);
			fprintf(stderr, "wbsim hunt: internal error: the representative of %s does "
					"not fail again\n", g->name);
			wb_job_close(&job);
			goto fail;
		}
		cex = wb_xmalloc((er.cex_len + 1) * sizeof(*cex));
		memcpy(cex, er.cex, er.cex_len * sizeof(*cex));
		clen = er.cex_len;
		sim_explore_result_free(&er);
		sh.cex = cex;
	}
	struct wb_exec ex;
	unsigned pre;
	if (wb_exec_record(&job, cex, clen, false, &ex, err, sizeof(err))) {
		fprintf(stderr, "wbsim hunt: internal error: %s\n", err);
		wb_job_close(&job);
		goto fail;
	}
	rep->steps = clen;
	rep->report = ex.report;
	rep->schedule = wb_choices_schedule(&job, cex, clen, &pre);
	snprintf(path, sizeof(path), "%s/%s/trace.json", h->dir, rep->dir);
	if (wb_trace_write(path, &job, cex, clen, &ex)) {
		wb_exec_free(&ex);
		wb_job_close(&job);
		goto fail;
	}
	char dot[4200], svg[4200];
	snprintf(dot, sizeof(dot), "%s/%s/diagram.dot", h->dir, rep->dir);
	snprintf(svg, sizeof(svg), "%s/%s/diagram.svg", h->dir, rep->dir);
	rep->diagram = !wb_dot_outputs(&job, &ex, dot, svg);
	wb_exec_free(&ex);

	/* the smallest sets of fixes, from the setting it appeared under (wbsim matrix) */
	struct sim_explore_opts eo = hunt_eo(h->max_states);
	rep->fixes_ok = !wb_matrix_fixes(job.sc, setting, &eo, &rep->fixes, err, sizeof(err));
	wb_job_close(&job);
	free(stext);
	wb_shrunk_free(&sh);
	return EXIT_OK;
fail:
	free(stext);
	wb_shrunk_free(&sh);
	return EXIT_USAGE;
}

static void hunt_rep_free(struct hunt_rep *rep)
{
	free(rep->schedule);
	wb_fixes_free(&rep->fixes);
}

static json_t *hunt_counts_json(const struct hunt *h, const unsigned *c)
{
	json_t *o = json_object();

	for (unsigned s = 0; s < h->nsettings; s++)
		json_object_set_new(o, h->settings[s], json_integer(c[s]));
	return o;
}

static json_t *hunt_report_json(const struct hunt *h, const struct hunt_report *rp,
				const struct hunt_rep *reps)
{
	json_t *o = json_object(), *set = json_array(), *sigs = json_array(), *und = json_array();
	char seed[32];

	snprintf(seed, sizeof(seed), "%llu", (unsigned long long)h->seed);
	for (unsigned s = 0; s < h->nsettings; s++)
		json_array_append_new(set, json_string(h->settings[s]));
	json_object_set_new(o, "space", json_string(h->sp.name));
	json_object_set_new(o, "seed", json_string(seed));
	json_object_set_new(o, "count", json_integer((json_int_t)h->count));
	json_object_set_new(o, "settings", set);
	json_object_set_new(o, "max_states", json_integer((json_int_t)h->max_states));
	json_object_set_new(o, "shrink_states", json_integer((json_int_t)h->shrink_states));
	json_object_set_new(o, "safe", hunt_counts_json(h, rp->safe));
	json_object_set_new(o, "failing", hunt_counts_json(h, rp->failing));
	json_object_set_new(o, "undecided", hunt_counts_json(h, rp->undecided));
	json_object_set_new(o, "invalid", hunt_counts_json(h, rp->invalid));
	json_object_set_new(o, "failing_scenarios", json_integer((json_int_t)rp->scen_failing));
	json_object_set_new(o, "undecided_scenarios",
			    json_integer((json_int_t)rp->scen_undecided));
	for (size_t j = 0; j < rp->nsigs; j++) {
		const struct hunt_sig *g = &rp->sigs[j];
		const struct hunt_rep *rep = &reps[j];
		const char *colon = strchr(g->name, ':');
		json_t *js = json_object(), *per = json_object(), *r = json_object();
		for (unsigned s = 0; s < h->nsettings; s++) {
			json_t *idx = json_array();
			for (size_t k = 0; k < g->nocc; k++)
				if (g->occ[k].setting == s)
					json_array_append_new(idx, json_integer(
									   (json_int_t)g->occ[k].index));
			if (g->count[s])
				json_object_set_new(per, h->settings[s], idx);
			else
				json_decref(idx);
		}
		json_object_set_new(js, "signature", json_string(g->name));
		json_object_set_new(js, "kind", json_stringn(g->name, (size_t)(colon - g->name)));
		json_object_set_new(js, "cause", json_string(colon + 1));
		json_object_set_new(js, "scenarios", json_integer((json_int_t)g->scenarios));
		json_object_set_new(js, "counts", hunt_counts_json(h, g->count));
		json_object_set_new(js, "indexes", per);
		json_object_set_new(r, "index", json_integer((json_int_t)g->rep.index));
		json_object_set_new(r, "setting", json_string(h->settings[g->rep.setting]));
		json_object_set_new(r, "shrunk", json_boolean(rep->shrunk));
		json_object_set_new(r, "tasks_before", json_integer(g->rep.tasks));
		json_object_set_new(r, "pages_before", json_integer(g->rep.pages));
		json_object_set_new(r, "tasks", json_integer((json_int_t)(rep->shrunk ? rep->tasks
										: g->rep.tasks)));
		json_object_set_new(r, "pages", json_integer(rep->shrunk ? rep->pages
									: g->rep.pages));
		json_object_set_new(r, "steps", json_integer((json_int_t)rep->steps));
		json_object_set_new(r, "shortest", json_boolean(rep->shortest));
		json_object_set_new(r, "schedule", json_string(rep->schedule ? rep->schedule : ""));
		json_object_set_new(r, "report", wb_report_json(&rep->report));
		char p[160];
		snprintf(p, sizeof(p), "%s/scenario.json", rep->dir);
		json_object_set_new(r, "scenario", json_string(p));
		snprintf(p, sizeof(p), "%s/trace.json", rep->dir);
		json_object_set_new(r, "trace", json_string(p));
		snprintf(p, sizeof(p), "%s/diagram.svg", rep->dir);
		json_object_set_new(r, "svg", rep->diagram ? json_string(p) : json_null());
		snprintf(p, sizeof(p), "%s/diagram.dot", rep->dir);
		json_object_set_new(r, "dot", rep->diagram ? json_string(p) : json_null());
		json_object_set_new(js, "representative", r);
		if (rep->fixes_ok) {
			json_t *f = json_object(), *sets = json_array();
			for (size_t k = 0; k < rep->fixes.nsets; k++)
				json_array_append_new(sets, json_string(rep->fixes.sets[k]));
			json_object_set_new(f, "base", json_string(h->settings[g->rep.setting]));
			json_object_set_new(f, "verdict", json_string(rep->fixes.base_verdict));
			json_object_set_new(f, "size", json_integer(rep->fixes.size));
			json_object_set_new(f, "smallest", sets);
			json_object_set_new(f, "undecided",
					    json_integer((json_int_t)rep->fixes.nundecided));
			json_object_set_new(f, "searched", json_string(rep->fixes.searched));
			json_object_set_new(js, "fixes", f);
		} else {
			json_object_set_new(js, "fixes", json_null());
		}
		json_array_append_new(sigs, js);
	}
	json_object_set_new(o, "signatures", sigs);
	for (size_t k = 0; k < rp->nund; k++)
		json_array_append_new(und, json_pack("{s:I,s:s,s:s,s:I}", "index",
						     (json_int_t)rp->und[k].index, "setting",
						     h->settings[rp->und[k].setting], "stopped_by",
						     rp->und[k].why, "states",
						     (json_int_t)rp->und[k].states));
	json_object_set_new(o, "undecided_list", und);
	return o;
}

static void hunt_md(FILE *f, const struct hunt *h, const struct hunt_report *rp,
		    const struct hunt_rep *reps)
{
	fprintf(f, "# wbsim hunt: %s, seed %llu, %llu scenarios\n\n", h->sp.name,
		(unsigned long long)h->seed, (unsigned long long)h->count);
	fprintf(f, "Scenarios 0 to %llu of the space `%s`, each explored under every setting "
		   "with partial-order reduction, stopped at its first failure or after %llu "
		   "states (undecided: never counted as safe). Failures are grouped by signature "
		   "`KIND:CAUSE`; one representative of each is shrunk with the same signature.\n\n",
		(unsigned long long)(h->count ? h->count - 1 : 0), h->sp.name,
		(unsigned long long)h->max_states);
	fprintf(f, "| setting | safe | failing | undecided | invalid |\n|---|---:|---:|---:|---:|\n");
	for (unsigned s = 0; s < h->nsettings; s++)
		fprintf(f, "| `%s` | %u | %u | %u | %u |\n", h->settings[s], rp->safe[s],
			rp->failing[s], rp->undecided[s], rp->invalid[s]);
	fprintf(f, "\n%llu scenarios fail under some setting; %llu more have an undecided "
		   "setting.\n\n", (unsigned long long)rp->scen_failing,
		(unsigned long long)rp->scen_undecided);

	fprintf(f, "## Signatures\n\n");
	if (!rp->nsigs)
		fprintf(f, "No failure found.\n\n");
	else {
		fprintf(f, "| signature |");
		for (unsigned s = 0; s < h->nsettings; s++)
			fprintf(f, " `%s` |", h->settings[s]);
		fprintf(f, " representative | fixed by |\n|---|");
		for (unsigned s = 0; s < h->nsettings; s++)
			fprintf(f, "---:|");
		fprintf(f, "---|---|\n");
		for (size_t j = 0; j < rp->nsigs; j++) {
			const struct hunt_sig *g = &rp->sigs[j];
			const struct hunt_rep *rep = &reps[j];
			fprintf(f, "| [`%s`](#", g->name);
			for (const char *p = g->name; *p; p++)
				if (*p != ':')
					fputc(*p, f);
			fprintf(f, ") |");
			for (unsigned s = 0; s < h->nsettings; s++)
				fprintf(f, " %u |", g->count[s]);
			size_t nt = rep->shrunk ? rep->tasks : g->rep.tasks;
			unsigned np = rep->shrunk ? rep->pages : g->rep.pages;
			fprintf(f, " %zu task%s, %u page%s, %zu steps |", nt, nt == 1 ? "" : "s", np,
				np == 1 ? "" : "s", rep->steps);
			if (!rep->fixes_ok)
				fprintf(f, " ? |\n");
			else if (!rep->fixes.nsets)
				fprintf(f, " none found |\n");
			else
				fprintf(f, " `%s`%s |\n", rep->fixes.sets[0],
					rep->fixes.nsets > 1 ? " (or another)" : "");
		}
		fprintf(f, "\n");
	}
	for (size_t j = 0; j < rp->nsigs; j++) {
		const struct hunt_sig *g = &rp->sigs[j];
		const struct hunt_rep *rep = &reps[j];
		const struct wb_report *r = &rep->report;
		fprintf(f, "### %s\n\n", g->name);
		fprintf(f, "Seen in %llu scenario%s:", (unsigned long long)g->scenarios,
			g->scenarios == 1 ? "" : "s");
		for (unsigned s = 0; s < h->nsettings; s++) {
			if (!g->count[s])
				continue;
			fprintf(f, "\n- under `%s`: %u:", h->settings[s], g->count[s]);
			unsigned listed = 0;
			for (size_t k = 0; k < g->nocc && listed < HUNT_LIST_MAX; k++)
				if (g->occ[k].setting == s)
					fprintf(f, "%s %llu", listed++ ? "," : "",
						(unsigned long long)g->occ[k].index);
			if (g->count[s] > listed)
				fprintf(f, ", ...");
		}
		fprintf(f, "\n\nRepresentative: scenario %llu under `%s` (%u task%s, %u page%s)",
			(unsigned long long)g->rep.index, h->settings[g->rep.setting], g->rep.tasks,
			g->rep.tasks == 1 ? "" : "s", g->rep.pages, g->rep.pages == 1 ? "" : "s");
		if (rep->shrunk)
			fprintf(f, ", shrunk to %zu task%s and %u page%s", rep->tasks,
				rep->tasks == 1 ? "" : "s", rep->pages, rep->pages == 1 ? "" : "s");
		fprintf(f, ": [scenario](%s/scenario.json), [trace](%s/trace.json)", rep->dir,
			rep->dir);
		if (rep->diagram)
			fprintf(f, ", [diagram](%s/diagram.svg) ([dot](%s/diagram.dot))", rep->dir,
				rep->dir);
		fprintf(f, ". %s counterexample of %zu steps:\n\n", rep->shortest ? "The shortest"
										 : "A",
			rep->steps);
		char rpath[128];
		snprintf(rpath, sizeof(rpath), "%s/scenario.json", rep->dir);
		fputs("```\n", f);
		wb_fprint_run(f, rpath, h->settings[g->rep.setting], rep->schedule ? rep->schedule : "");
		if (r->verdict == SIM_DEADLOCK)
			fprintf(f, "stuck: %s\n", r->deadlock);
		else if (r->exposed)
			fprintf(f, "exposed: [%u,%u) expected %s, found %s\n", r->offset,
				r->offset + r->length, r->expected, r->found);
		else
			fprintf(f, "lost: [%u,%u) expected %s (written by %s), found %s\n", r->offset,
				r->offset + r->length, r->expected, r->lost_writer, r->found);
		if (r->verdict == SIM_CORRUPT)
			fprintf(f, "by:   %s\n", r->provenance);
		fprintf(f, "```\n\n");
		if (rep->diagram)
			fprintf(f, "![%s](%s/diagram.svg)\n\n", g->name, rep->dir);
		if (!rep->fixes_ok) {
			fprintf(f, "Fixes: not searched.\n\n");
		} else if (!strcmp(rep->fixes.base_verdict, "safe")) {
			fprintf(f, "Fixes: the representative explored again under `%s` within the "
				   "budget came out safe: none searched.\n\n",
				h->settings[g->rep.setting]);
		} else {
			fprintf(f, "Smallest sets of fix switches that make the representative safe "
				   "from `%s` (`wbsim matrix`):", h->settings[g->rep.setting]);
			if (!rep->fixes.nsets)
				fprintf(f, " none of the candidates%s.",
					rep->fixes.nundecided ? " (some undecided)" : "");
			for (size_t k = 0; k < rep->fixes.nsets; k++)
				fprintf(f, "%s `%s`", k ? "," : "", rep->fixes.sets[k]);
			fprintf(f, " (searched: %s)\n\n",
				rep->fixes.searched[0] ? rep->fixes.searched : "no candidates");
		}
	}
	fprintf(f, "## Undecided\n\n");
	if (!rp->nund)
		fprintf(f, "None: every exploration ended with a verdict.\n");
	else {
		fprintf(f, "Explorations the budget stopped before a verdict (not safe: not "
			   "known):\n\n| scenario | setting | stopped by | states |\n|---:|---|---|---:|\n");
		for (size_t k = 0; k < rp->nund; k++)
			fprintf(f, "| %llu | `%s` | %s | %llu |\n",
				(unsigned long long)rp->und[k].index,
				h->settings[rp->und[k].setting], rp->und[k].why,
				(unsigned long long)rp->und[k].states);
	}
	fprintf(f, "\n## Reproduce\n\nWith the space `%s` as SPACE and the settings above (the "
		   "space's, or given with `--kernel` and `--set`), with a budget of %llu states per "
		   "exploration (`--max-states`):\n\n```\n"
		   "wbsim hunt SPACE --seed %llu --count %llu -o DIR\n"
		   "wbsim hunt SPACE --seed %llu --draw INDEX     # one scenario\n```\n",
		h->sp.name, (unsigned long long)h->max_states, (unsigned long long)h->seed,
		(unsigned long long)h->count, (unsigned long long)h->seed);
}

/* The report of a complete hunt directory: index.md, report.json, --json. */
static int hunt_report(struct hunt *h)
{
	struct hunt_report rp;
	int rc = hunt_gather(h, &rp);

	if (rc) {
		for (size_t j = 0; j < rp.nsigs; j++)
			free(rp.sigs[j].occ);
		free(rp.sigs);
		free(rp.und);
		return rc;
	}
	struct hunt_rep *reps = wb_xcalloc(rp.nsigs + 1, sizeof(*reps));
	for (size_t j = 0; j < rp.nsigs && !rc; j++) {
		if (h->progress) {
			fprintf(stderr, "\rhunt: shrinking %zu/%zu: %s\033[K", j + 1, rp.nsigs,
				rp.sigs[j].name);
			fflush(stderr);
		}
		rc = hunt_represent(h, &rp.sigs[j], &reps[j]);
		if (wb_interrupted && !rc)
			rc = EXIT_NO_VERDICT;
	}
	if (h->progress)
		fprintf(stderr, "\r\033[K");
	if (!rc) {
		char path[4200];
		json_t *o = hunt_report_json(h, &rp, reps);
		snprintf(path, sizeof(path), "%s/report.json", h->dir);
		if (hunt_write_json(path, o))
			rc = EXIT_USAGE;
		if (!rc && h->json) {
			json_dumpf(o, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
			fputc('\n', stdout);
		}
		json_decref(o);
		char *md = NULL;
		size_t mdlen = 0;
		FILE *mf = open_memstream(&md, &mdlen);
		hunt_md(mf, h, &rp, reps);
		fclose(mf);
		snprintf(path, sizeof(path), "%s/index.md", h->dir);
		if (!rc && hunt_write_file(path, md))
			rc = EXIT_USAGE;
		free(md);
		if (!rc && !h->json)
			printf("hunt %s: %llu scenarios, %llu failing, %zu signature%s, %llu "
			       "undecided: %s/index.md\n",
			       h->sp.name, (unsigned long long)h->count,
			       (unsigned long long)rp.scen_failing, rp.nsigs,
			       rp.nsigs == 1 ? "" : "s", (unsigned long long)rp.scen_undecided,
			       h->dir);
		if (!rc)
			rc = rp.nsigs ? EXIT_FAILURE_FOUND
			     : rp.nund || rp.scen_invalid ? EXIT_NO_VERDICT : EXIT_OK;
	}
	for (size_t j = 0; j < rp.nsigs; j++) {
		hunt_rep_free(&reps[j]);
		free(rp.sigs[j].occ);
	}
	free(reps);
	free(rp.sigs);
	free(rp.und);
	return rc;
}

/* ---- merge ---- */

/* The hunt a directory holds, from its hunt.json; an exit code. */
static int hunt_load_header(const char *dir, struct hunt *h, char **canon)
{
	char path[4200];
	json_error_t jerr;
	json_t *o, *v;
	size_t k;

	snprintf(path, sizeof(path), "%s/hunt.json", dir);
	o = json_load_file(path, 0, &jerr);
	if (!o) {
		fprintf(stderr, "%s: error: %s\n", path, jerr.text);
		return EXIT_USAGE;
	}
	*canon = json_dumps(o, JSON_INDENT(2) | JSON_SORT_KEYS);
	char *stext = json_dumps(json_object_get(o, "space"), JSON_INDENT(2) | JSON_SORT_KEYS);
	const char *seed = json_string_value(json_object_get(o, "seed"));
	unsigned long long sv;
	if (!stext || !seed || wb_parse_u64(seed, &sv) ||
	    hunt_space_load(path, stext, strlen(stext), stderr, &h->sp)) {
		fprintf(stderr, "%s: error: not a hunt's header\n", path);
		free(stext);
		json_decref(o);
		return EXIT_USAGE;
	}
	free(stext);
	h->seed = sv;
	h->count = (uint64_t)json_integer_value(json_object_get(o, "count"));
	h->max_states = (uint64_t)json_integer_value(json_object_get(o, "max_states"));
	h->shrink_states = (uint64_t)json_integer_value(json_object_get(o, "shrink_states"));
	h->nsettings = 0;
	json_array_foreach(json_object_get(o, "settings"), k, v)
		if (h->nsettings < HUNT_MAX_SETTINGS && json_is_string(v))
			snprintf(h->settings[h->nsettings++], sizeof(h->settings[0]), "%s",
				 json_string_value(v));
	json_decref(o);
	return EXIT_OK;
}

static int hunt_merge(struct hunt *h, char **dirs, size_t n)
{
	char *first = NULL;
	int rc = EXIT_OK;

	for (size_t d = 0; d < n && !rc; d++) {
		char *canon = NULL;
		struct hunt hd = { 0 };
		rc = hunt_load_header(dirs[d], &hd, &canon);
		if (rc)
			break;
		if (!d) {
			first = canon;
			h->sp = hd.sp;
			h->seed = hd.seed;
			h->count = hd.count;
			h->max_states = hd.max_states;
			h->shrink_states = hd.shrink_states;
			h->nsettings = hd.nsettings;
			memcpy(h->settings, hd.settings, sizeof(h->settings));
			continue;
		}
		if (strcmp(first, canon)) {
			fprintf(stderr, "wbsim hunt: error: --merge: %s and %s hold different hunts "
					"(space, seed, count, settings or budget)\n",
				dirs[0], dirs[d]);
			rc = EXIT_USAGE;
		}
		free(canon);
		hunt_space_free(&hd.sp);
	}
	free(first);
	if (rc)
		return rc;
	rc = hunt_open_dir(h);
	if (rc)
		return rc;
	/* every result, from whichever shard has it, into -o DIR */
	for (uint64_t i = 0; i < h->count; i++) {
		char path[4200];
		hunt_result_path(h->dir, i, path, sizeof(path));
		json_t *res = NULL;
		for (size_t d = 0; d < n && !res; d++)
			res = hunt_read_result(dirs[d], i);
		if (!res)
			continue; /* reported by hunt_gather */
		json_t *have = hunt_read_result(h->dir, i);
		if (!have || !json_equal(have, res))
			rc = hunt_write_json(path, res) ? EXIT_USAGE : EXIT_OK;
		json_decref(have);
		json_decref(res);
		if (rc)
			return rc;
	}
	return hunt_report(h);
}

/* ---- the command ---- */

static int hunt_parse_shard(const char *s, unsigned *i, unsigned *n)
{
	char *end;
	unsigned long a, b;

	if (*s < '0' || *s > '9')
		return -1;
	a = strtoul(s, &end, 10);
	if (*end != '/' || end[1] < '0' || end[1] > '9')
		return -1;
	b = strtoul(end + 1, &end, 10);
	if (*end || b == 0 || b > 1000000 || a == 0 || a > b)
		return -1;
	*i = (unsigned)a;
	*n = (unsigned)b;
	return 0;
}

int cmd_hunt(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "count", required_argument, NULL, 'n' },
		{ "seed", required_argument, NULL, 's' },
		{ "kernel", required_argument, NULL, 'k' },
		{ "set", required_argument, NULL, 'S' },
		{ "max-states", required_argument, NULL, 'm' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "shard", required_argument, NULL, 'd' },
		{ "merge", no_argument, NULL, 'M' },
		{ "draw", required_argument, NULL, 'D' },
		{ "json", no_argument, NULL, 'J' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct hunt h = { .jobs = 1 };
	const char *kernels[HUNT_MAX_SETTINGS], *sets[WB_MAX_SETTINGS];
	size_t nkernels = 0, nsets = 0;
	bool have_count = false, have_seed = false, merge = false, quiet = false;
	bool have_draw = false;
	unsigned long long v, draw = 0, max_states = 0;
	int c, rc;
	char werr[200];

	optind = 1;
	while ((c = getopt_long(argc, argv, "ho:q", longopts, NULL)) != -1) {
		switch (c) {
		case 'n':
		case 's':
		case 'm':
		case 'j':
		case 'D':
			if (wb_parse_u64(optarg, &v) || (c != 's' && c != 'D' && v == 0) ||
			    (c == 'j' && v > HUNT_MAX_JOBS) || (c == 'n' && v > 1000000000ull)) {
				wb_usage_error("hunt", "--%s: expected a %snumber%s, got '%s'",
					       c == 'n' ? "count" : c == 's' ? "seed" : c == 'm'
					       ? "max-states" : c == 'j' ? "jobs" : "draw",
					       c == 's' || c == 'D' ? "" : "positive ",
					       c == 'j' ? " up to 64" : "", optarg);
				return EXIT_USAGE;
			}
			if (c == 'n')
				h.count = v, have_count = true;
			else if (c == 's')
				h.seed = v, have_seed = true;
			else if (c == 'm')
				max_states = v;
			else if (c == 'j')
				h.jobs = (unsigned)v;
			else
				draw = v, have_draw = true;
			break;
		case 'k':
			if (nkernels == HUNT_MAX_SETTINGS) {
				wb_usage_error("hunt", "at most %d --kernel", HUNT_MAX_SETTINGS);
				return EXIT_USAGE;
			}
			kernels[nkernels++] = optarg;
			break;
		case 'S':
			if (nsets == WB_MAX_SETTINGS) {
				wb_usage_error("hunt", "at most %d --set", WB_MAX_SETTINGS);
				return EXIT_USAGE;
			}
			if (wb_settings_words_check(optarg, werr, sizeof(werr))) {
				wb_usage_error("hunt", "--set: %s", werr);
				return EXIT_USAGE;
			}
			sets[nsets++] = optarg;
			break;
		case 'd':
			if (hunt_parse_shard(optarg, &h.shard_i, &h.shard_n)) {
				wb_usage_error("hunt", "--shard: expected I/N with 1 <= I <= N, got '%s'",
					       optarg);
				return EXIT_USAGE;
			}
			break;
		case 'M':
			merge = true;
			break;
		case 'o':
			h.dir = optarg;
			break;
		case 'J':
			h.json = true;
			break;
		case 'q':
			quiet = true;
			break;
		case 'h':
			hunt_help(stdout);
			return EXIT_OK;
		default:
			return wb_bad_option("hunt", argv, longopts);
		}
	}
	h.progress = !quiet && isatty(STDERR_FILENO);
	if (merge) {
		if (optind >= argc) {
			wb_usage_error("hunt", "--merge needs the shards' directories");
			return EXIT_USAGE;
		}
		if (!h.dir) {
			wb_usage_error("hunt", "-o DIR is required (where the merged report goes)");
			return EXIT_USAGE;
		}
		if (have_count || have_seed || nkernels || nsets || max_states || h.shard_n ||
		    have_draw) {
			wb_usage_error("hunt", "--merge takes the hunt from the shards' directories: "
					       "no --count, --seed, --kernel, --set, --max-states, "
					       "--shard or --draw");
			return EXIT_USAGE;
		}
		wb_catch_signals();
		h.devnull = fopen("/dev/null", "w");
		rc = hunt_merge(&h, argv + optind, (size_t)(argc - optind));
		hunt_space_free(&h.sp);
		if (h.devnull)
			fclose(h.devnull);
		return rc;
	}
	if (optind != argc - 1) {
		wb_usage_error("hunt", optind >= argc ? "missing SPACE" : "too many arguments");
		return EXIT_USAGE;
	}
	if (!have_seed) {
		wb_usage_error("hunt", "--seed S is required (the draw's seed)");
		return EXIT_USAGE;
	}
	if (hunt_space_load_file(argv[optind], stderr, &h.sp))
		return EXIT_USAGE;
	if (have_draw) {
		char *text = hunt_draw(&h.sp, h.seed, draw);
		printf("%s\n", text);
		free(text);
		hunt_space_free(&h.sp);
		return EXIT_OK;
	}
	rc = EXIT_USAGE;
	if (!have_count) {
		wb_usage_error("hunt", "--count N is required (how many scenarios to draw)");
		goto out;
	}
	if (!h.dir) {
		wb_usage_error("hunt", "-o DIR is required (results and report)");
		goto out;
	}
	/* the settings: the --kernel presets, or the space's; each with every --set */
	h.nsettings = nkernels ? (unsigned)nkernels : h.sp.nsettings;
	for (unsigned s = 0; s < h.nsettings; s++) {
		size_t len;
		if (nkernels)
			len = (size_t)snprintf(h.settings[s], sizeof(h.settings[s]), "kernel=%s",
					       kernels[s]);
		else
			len = strlen(strcpy(h.settings[s], h.sp.settings[s]));
		for (size_t k = 0; k < nsets && len < sizeof(h.settings[s]); k++)
			len += (size_t)snprintf(h.settings[s] + len, sizeof(h.settings[s]) - len,
						",%s", sets[k]);
		struct wb_config cfg;
		char err[600];
		wb_config_defaults(&cfg);
		if (len >= sizeof(h.settings[s]) ||
		    wb_config_apply_list(&cfg, h.settings[s], err, sizeof(err))) {
			wb_usage_error("hunt", "setting '%s': %s", h.settings[s],
				       len >= sizeof(h.settings[s]) ? "too long" : err);
			goto out;
		}
		for (unsigned t = 0; t < s; t++)
			if (!strcmp(h.settings[t], h.settings[s])) {
				wb_usage_error("hunt", "setting '%s' given twice", h.settings[s]);
				goto out;
			}
	}
	h.max_states = max_states ? max_states : h.sp.max_states;
	h.shrink_states = h.sp.shrink_states;
	rc = hunt_open_dir(&h);
	if (rc)
		goto out;
	h.devnull = fopen("/dev/null", "w");
	wb_catch_signals();
	clock_gettime(CLOCK_MONOTONIC, &h.start);

	/* this run's scenarios: the shard's, less those with a result already */
	uint64_t *work = wb_xmalloc((h.count + 1) * sizeof(uint64_t));
	size_t nwork = 0;
	uint64_t resumed = 0;
	for (uint64_t i = 0; i < h.count; i++) {
		if (h.shard_n && i % h.shard_n != h.shard_i - 1)
			continue;
		h.todo++;
		json_t *res = hunt_read_result(h.dir, i);
		if (res) {
			resumed++;
			hunt_note(&h, res);
			json_decref(res);
			continue;
		}
		work[nwork++] = i;
	}
	if (resumed && !quiet)
		fprintf(stderr, "hunt: resuming %s: %llu of %llu scenarios done already\n", h.dir,
			(unsigned long long)resumed, (unsigned long long)h.todo);
	if (h.jobs > 1 && nwork > 1)
		rc = hunt_fork(&h, work, nwork);
	else
		rc = hunt_work(&h, work, nwork, 0, 1, true);
	free(work);
	if (h.progress)
		fprintf(stderr, "\r\033[K");
	if (wb_interrupted || rc == EXIT_NO_VERDICT) {
		fprintf(stderr, "hunt: interrupted after %llu of %llu scenarios; run the same "
				"command again to resume\n",
			(unsigned long long)h.done, (unsigned long long)h.todo);
		rc = EXIT_NO_VERDICT;
		goto out;
	}
	if (rc)
		goto out;
	if (!quiet)
		fprintf(stderr, "hunt: %llu scenarios explored in %.1f s (%llu resumed)\n",
			(unsigned long long)(h.done - resumed), hunt_elapsed(&h),
			(unsigned long long)resumed);
	if (h.shard_n) {
		if (!h.json)
			printf("hunt %s: shard %u/%u: %llu scenarios, %llu failing, %zu signature%s: "
			       "merge the shards with wbsim hunt --merge\n",
			       h.sp.name, h.shard_i, h.shard_n, (unsigned long long)h.todo,
			       (unsigned long long)h.failing, h.nsigs, h.nsigs == 1 ? "" : "s");
		else
			printf("{\"shard\": \"%u/%u\", \"scenarios\": %llu, \"failing\": %llu}\n",
			       h.shard_i, h.shard_n, (unsigned long long)h.todo,
			       (unsigned long long)h.failing);
		rc = h.failing ? EXIT_FAILURE_FOUND : EXIT_OK;
		goto out;
	}
	rc = hunt_report(&h);
out:
	for (size_t k = 0; k < h.nsigs; k++)
		free(h.sigs[k]);
	free(h.sigs);
	hunt_space_free(&h.sp);
	if (h.devnull)
		fclose(h.devnull);
	return rc;
}
