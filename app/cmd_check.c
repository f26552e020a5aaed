/* SPDX-License-Identifier: MIT */
/*
 * cmd_check.c - wbsim check: every `expect` entry of the given scenarios by
 * exhaustive exploration, and every `expect_schedule` entry by a run of the
 * scenario's schedule for that setting.
 */
#include <dirent.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "app/app.h"
#include "sim/xmalloc.h"

struct check_totals {
	unsigned passed, failed, undecided;
	json_t *results;
	bool json;
	double time_limit;
};

static void check_help(FILE *out)
{
	fprintf(out,
		"usage: wbsim check SCENARIO|DIR ... [--time-limit SECONDS] [--json]\n"
		"\n"
		"Check every `expect` entry (by exhaustive exploration) and every\n"
		"`expect_schedule` entry (by running the scenario's schedule) of each scenario;\n"
		"a directory means the *.json files directly in it. One PASS, FAIL or UNDECIDED\n"
		"line per scenario, setting and kind, then the totals. A corrupt or deadlock\n"
		"expectation is met as soon as a failure of that kind is found.\n"
		"\n"
		"Exit: 0 every expectation met, 1 some not met, 2 bad input, 4 some undecided.\n");
}

static void check_line(struct check_totals *t, const char *path, const char *key,
		       const char *kind, const char *expected, const char *got, double secs)
{
	const char *res = !strcmp(got, "unknown") ? "UNDECIDED" : strcmp(expected, got) ? "FAIL" : "PASS";

	if (!strcmp(res, "PASS"))
		t->passed++;
	else if (!strcmp(res, "FAIL"))
		t->failed++;
	else
		t->undecided++;
	if (t->json) {
		json_array_append_new(t->results,
				      json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:f}", "result", res,
						"scenario", path, "setting", key, "kind", kind,
						"expected", expected, "got", got, "seconds", secs));
		return;
	}
	if (!strcmp(res, "PASS"))
		printf("PASS %s [%s] %s: %s\n", path, key, kind, got);
	else
		printf("%s %s [%s] %s: expected %s, got %s\n", res, path, key, kind, expected, got);
	fflush(stdout);
}

/* One scenario file; returns EXIT_USAGE on bad input. */
static int check_file(struct check_totals *t, const char *path)
{
	struct wb_scenario *sc = wb_scenario_load(path, stderr);
	char err[512];

	if (!sc)
		return EXIT_USAGE;
	if (!sc->nexpect && !sc->nexpect_schedule) {
		/* nothing to confirm is not a pass */
		fprintf(stderr, "%s: error: no \"expect\" or \"expect_schedule\" to check\n", path);
		wb_scenario_free(sc);
		return EXIT_USAGE;
	}
	for (size_t i = 0; i < sc->nexpect; i++) {
		const struct wb_expect *e = &sc->expect[i];
		struct wb_job job;
		struct sim_explore_opts eo = { .order = SIM_ORDER_FORWARD,
					       .time_limit = t->time_limit,
					       .max_memory = wb_default_max_memory(),
					       .threads = wb_default_threads(),
					       .stop = &wb_interrupted };
		struct sim_explore_result res;
		/* a failure of the expected kind confirms it: stop there (explore --first) */
		if (e->verdict == WB_V_CORRUPT)
			eo.first = 1u << SIM_CORRUPT;
		else if (e->verdict == WB_V_DEADLOCK)
			eo.first = 1u << SIM_DEADLOCK;
		if (wb_job_from(&job, sc, e->key, err, sizeof(err))) {
			fprintf(stderr, "%s: error: expect key \"%s\": %s\n", path, e->key, err);
			wb_scenario_free(sc);
			return EXIT_USAGE;
		}
		if (sim_explore(&job.sm, job.init, &eo, &res)) {
			fprintf(stderr, "wbsim: %s\n", res.error);
			exit(EXIT_INTERNAL);
		}
		enum sim_verdict v = res.first_verdict != SIM_SAFE ? res.first_verdict : res.verdict;
		const char *got = v != SIM_SAFE ? wb_verdict_name(v) : res.complete ? "safe" : "unknown";
		check_line(t, path, e->key, "explore", wb_verdict_word_name(e->verdict), got,
			   res.seconds);
		/* a failure nobody expected: how to reproduce it */
		if (v != SIM_SAFE && strcmp(got, wb_verdict_word_name(e->verdict)) && res.cex_len) {
			unsigned pre = 0;
			char *sched = wb_choices_schedule(&job, res.cex, res.cex_len, &pre);
			if (t->json) {
				json_object_set_new(json_array_get(t->results,
								   json_array_size(t->results) - 1),
						    "schedule", json_string(sched));
			} else if (!strchr(e->key, '=')) {
				printf("  reproduce: wbsim run %s --check %s --schedule %s\n", path,
				       e->key, sched);
			} else { /* one --set per setting of the key */
				printf("  reproduce: wbsim run %s", path);
				for (const char *k = e->key; *k;) {
					size_t l = strcspn(k, ",");
					printf(" --set %.*s", (int)l, k);
					k += l + (k[l] == ',');
				}
				printf(" --schedule %s\n", sched);
			}
			free(sched);
		}
		sim_explore_result_free(&res);
		job.sc = NULL;
		wb_job_close(&job);
	}
	for (size_t i = 0; i < sc->nexpect_schedule; i++) {
		const struct wb_expect *e = &sc->expect_schedule[i];
		struct wb_job job;
		struct sim_sched_entry *ent = NULL;
		struct sim_run run;
		if (wb_job_from(&job, sc, e->key, err, sizeof(err))) {
			fprintf(stderr, "%s: error: expect_schedule key \"%s\": %s\n", path, e->key,
				err);
			wb_scenario_free(sc);
			return EXIT_USAGE;
		}
		const struct wb_schedule *s = job.schedule;
		if (!s) {
			fprintf(stderr, "%s: error: expect_schedule \"%s\": the scenario has no "
					"schedule for this setting\n", path, e->key);
			job.sc = NULL;
			wb_job_close(&job);
			wb_scenario_free(sc);
			return EXIT_USAGE;
		}
		wb_schedule_entries(s->entries, s->n, s->pointer, &ent, err, sizeof(err));
		struct sim_run_opts o = { .sched = ent, .nsched = s->n };
		enum sim_run_error rc = sim_run_execute(&job.sm, job.init, &o, &run, err,
							sizeof(err));
		if (rc) {
			char ptr[64];
			snprintf(ptr, sizeof(ptr), "%s/%zu", s->pointer, run.bad_entry);
			if (rc == SIM_RUN_SCHEDULE)
				wb_scenario_diag(sc, stderr, ptr, false, "%s", err);
			else
				fprintf(stderr, "%s: error: %s\n", path, err);
			sim_run_free(&run);
			free(ent);
			job.sc = NULL;
			wb_job_close(&job);
			wb_scenario_free(sc);
			return rc == SIM_RUN_INVARIANT ? EXIT_INTERNAL : EXIT_USAGE;
		}
		check_line(t, path, e->key, "schedule", wb_verdict_word_name(e->verdict),
			   wb_verdict_name(run.verdict), 0);
		sim_run_free(&run);
		free(ent);
		job.sc = NULL;
		wb_job_close(&job);
	}
	wb_scenario_free(sc);
	return EXIT_OK;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int check_path(struct check_totals *t, const char *path)
{
	struct stat st;
	int rc = EXIT_OK;

	if (stat(path, &st) != 0) {
		fprintf(stderr, "wbsim check: error: %s: no such file or directory\n", path);
		return EXIT_USAGE;
	}
	if (!S_ISDIR(st.st_mode))
		return check_file(t, path);
	DIR *d = opendir(path);
	struct dirent *de;
	char **names = NULL;
	size_t n = 0;
	if (!d) {
		fprintf(stderr, "wbsim check: error: cannot open %s\n", path);
		return EXIT_USAGE;
	}
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);
		if (len > 5 && !strcmp(de->d_name + len - 5, ".json")) {
			names = wb_xgrow(names, n, sizeof(char *));
			size_t plen = strlen(path) + len + 2;
			names[n] = wb_xmalloc(plen);
			snprintf(names[n], plen, "%s%s%s", path,
				 path[strlen(path) - 1] == '/' ? "" : "/", de->d_name);
			n++;
		}
	}
	closedir(d);
	if (!n) {
		fprintf(stderr, "wbsim check: error: %s holds no scenario (*.json)\n", path);
		return EXIT_USAGE;
	}
	qsort(names, n, sizeof(char *), cmp_str);
	for (size_t i = 0; i < n; i++) {
		int r = check_file(t, names[i]);
		if (r && !rc)
			rc = r;
		free(names[i]);
	}
	free(names);
	return rc;
}

int cmd_check(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "time-limit", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct check_totals t = { 0 };
	int c, rc = EXIT_OK;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			t.json = true;
			break;
		case 't':
			if (wb_parse_seconds("check", optarg, &t.time_limit))
				return EXIT_USAGE;
			break;
		case 'h':
			check_help(stdout);
			return EXIT_OK;
		default:
			return wb_bad_option("check", argv, longopts);
		}
	}
	if (optind >= argc) {
		wb_usage_error("check", "missing SCENARIO or DIR");
		return EXIT_USAGE;
	}
	wb_catch_signals(); /* a signal leaves the rest undecided, and the summary */
	if (t.json)
		t.results = json_array();
	for (int i = optind; i < argc; i++) {
		int r = check_path(&t, argv[i]);
		if (r && !rc)
			rc = r;
	}
	if (t.json) {
		json_t *o = json_pack("{s:o, s:i, s:i, s:i}", "results", t.results, "passed",
				      (json_int_t)t.passed, "failed", (json_int_t)t.failed,
				      "undecided", (json_int_t)t.undecided);
		json_dumpf(o, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		fputc('\n', stdout);
		json_decref(o);
	} else {
		printf("%u passed, %u failed", t.passed, t.failed);
		if (t.undecided)
			printf(", %u undecided", t.undecided);
		printf("\n");
	}
	if (rc)
		return rc;
	return t.failed ? EXIT_FAILURE_FOUND : t.undecided ? EXIT_NO_VERDICT : EXIT_OK;
}
