/* SPDX-License-Identifier: MIT */
/*
 * cmd_explore.c - wbsim explore: every interleaving of a scenario, with exact
 * counts and a shortest counterexample.
 */
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "app/app.h"
#include "sim/xmalloc.h"


static void explore_help(FILE *out)
{
	char versions[64];

	wb_kernel_versions(versions, sizeof(versions), "", "|", "|");
	fprintf(out,
		"usage: wbsim explore SCENARIO [--check MODE] [--set KEY=VALUE]... [--max-states N]\n"
		"                     [--max-depth N] [--time-limit SECONDS] [--max-memory SIZE]\n"
		"                     [--trace-out FILE] [--order forward|reverse|shuffle]\n"
		"                     [--census] [--fewest-preemptions] [--preemption-bound K]\n"
		"                     [--all-failing N] [--kernel %s] [--dot FILE]\n"
		"                     [--svg FILE] [--reduce | --full] [--compress] [--first]\n"
		"                     [--threads N] [--json] [--quiet]\n"
		"\n"
		"Visit every interleaving of SCENARIO's steps (state caching) and report exact\n"
		"counts: distinct states, transitions, complete executions, failing executions,\n"
		"the longest execution; and a shortest failing execution, as a --schedule string\n"
		"for wbsim run and, with --trace-out, as a trace file.\n"
		"\n"
		"  --reduce               partial-order reduction: explore a persistent set of\n"
		"                         the steps at each state.  Every end state is still\n"
		"                         reached (the verdict, deadlocks, the census' outcomes,\n"
		"                         a replayable counterexample, not always the shortest);\n"
		"                         the counts are those of the reduced graph\n"
		"  --full                 every interleaving, exact counts (the default)\n"
		"  --compress             store each state as indexes of its distinct parts\n"
		"                         (about a third less memory, a little slower)\n"
		"  --first                stop at the first failure found (stopped by\n"
		"                         first-failure): its verdict and the shortest failing\n"
		"                         execution found so far, exit 1\n"
		"  --census               every distinct final file content with its number of\n"
		"                         executions and a shortest schedule reaching it, and the\n"
		"                         executions in which each event happens (stale_remap: a\n"
		"                         failed iomap_valid; stale_decision; eviction)\n"
		"  --fewest-preemptions   the counterexample with the fewest preemptions (a task\n"
		"                         switched away from while it could go on)\n"
		"  --preemption-bound K   only executions with at most K preemptions\n"
		"  --dot FILE, --svg FILE the counterexample's diagram (DOT; SVG through dot)\n"
		"  --all-failing N        write up to N failing traces with distinct end states\n"
		"                         (FILE-1.json ... from --trace-out FILE)\n"
		"  --threads N            search on N threads (default: the processors available);\n"
		"                         a complete search's results do not depend on N.\n"
		"                         --census, --all-failing, --first, --max-states,\n"
		"                         --max-depth and the preemption options use one thread\n"
		"  --max-states N, --max-depth N, --time-limit S   stop early (exit 4 if no\n"
		"                         failure was found); Ctrl-C stops with a partial report\n"
		"  --max-memory SIZE      stop the same way before the search holds more than SIZE\n"
		"                         bytes (K, M, G, T suffixes: powers of 1024); default 80%%\n"
		"                         of the memory available (physical, cgroup, ulimit -v/-d).\n"
		"                         A failed allocation also stops with a partial report\n"
		"\n"
		"Exit: 0 explored completely with no failure, 1 a failure found, 2 bad input,\n"
		"3 internal error, 4 stopped at a limit without a failure.\n",
		versions);
}

static void explore_progress(void *pctx, const char *line)
{
	(void)pctx;
	fprintf(stderr, "\rexplore: %s   ", line);
	fflush(stderr);
}

/*
 * A count of executions as JSON: always a decimal string, exact at any size
 * and in every JSON reader (many read numbers as doubles, exact only to 2^53).
 */
static json_t *wb_count_json(const struct sim_count *v)
{
	char *text = wb_count_text(v);
	json_t *j = json_string(text);

	free(text);
	return j;
}

/* Say on stderr why a search stopped for memory: the report that follows is partial. */
static void explore_memory_note(const struct sim_explore_opts *eo,
				const struct sim_explore_result *res, bool given)
{
	const char *by = res->stopped_by ? res->stopped_by : "";

	if (!strcmp(by, "max-memory"))
		fprintf(stderr,
			"wbsim explore: stopped at the memory limit of %.1f MiB (%s) after %llu "
			"states; the report is partial\n",
			(double)eo->max_memory / (1 << 20),
			given ? "--max-memory"
			      : "the default: 80% of the memory available; --max-memory sets it",
			(unsigned long long)res->states);
	else if (!strcmp(by, "out-of-memory"))
		fprintf(stderr,
			"wbsim explore: out of memory: an allocation failed after %llu states "
			"(%.1f MiB held); the report is partial\n",
			(unsigned long long)res->states, (double)res->memory_bytes / (1 << 20));
	else
		return;
	/* what would make the same question fit, where it is not in use already */
	if (!eo->reduce && !eo->bound_preemptions && !eo->constrain)
		fprintf(stderr, "wbsim explore: hint: --reduce answers \"can data be lost?\" "
				"from fewer states (the counts are then the reduced graph's)\n");
	if (!eo->compress)
		fprintf(stderr, "wbsim explore: hint: --compress stores each state in about a "
				"third less memory, for some time\n");
}

/*
 * The counterexample with the fewest preemptions: bounded searches with bound
 * 0, 1, ... up to the shortest counterexample's count; the first that fails
 * gives it (and, within that bound, the shortest such execution).
 */
static void explore_fewest_preemptions(struct wb_job *job, const struct sim_explore_opts *eo,
				       struct sim_explore_result *res)
{
	struct sim_explore_opts bo = *eo;
	unsigned pre = 0;
	char *sched = wb_choices_schedule(job, res->cex, res->cex_len, &pre);

	free(sched);
	bo.census = false;
	bo.all_failing = 0;
	bo.bound_preemptions = true;
	for (unsigned k = 0; k < pre; k++) {
		struct sim_explore_result b;
		bo.preemption_bound = k;
		if (sim_explore(&job->sm, job->init, &bo, &b)) {
			fprintf(stderr, "wbsim: %s\n", b.error);
			exit(EXIT_INTERNAL);
		}
		if (b.verdict != SIM_SAFE) {
			free(res->cex);
			res->cex = b.cex;
			res->cex_len = b.cex_len;
			res->verdict = b.verdict;
			b.cex = NULL;
			sim_explore_result_free(&b);
			return;
		}
		sim_explore_result_free(&b);
		if (wb_interrupted)
			return;
	}
}

/*
 * --all-failing: one trace per failing end state, FILE-1.json, FILE-2.json,
 * ...; the number goes before a ".trace.json" or ".json" suffix, so that
 * x.trace.json gives x-1.trace.json (matched by *.trace.json, as the file is).
 */
static int explore_write_failing(struct wb_job *job, const struct sim_explore_result *res,
				 const char *trace_out)
{
	size_t base = strlen(trace_out);
	const char *suffix = "";
	char err[256];

	if (base > 11 && !strcmp(trace_out + base - 11, ".trace.json")) {
		base -= 11;
		suffix = ".trace";
	} else if (base > 5 && !strcmp(trace_out + base - 5, ".json")) {
		base -= 5;
	}
	for (size_t i = 0; i < res->nfailing_paths; i++) {
		const struct sim_path *p = &res->failing_paths[i];
		char path[4096];
		struct wb_exec ex;
		snprintf(path, sizeof(path), "%.*s-%zu%s.json", (int)base, trace_out, i + 1, suffix);
		if (wb_exec_record(job, p->choices, p->len, false, &ex, err, sizeof(err))) {
			fprintf(stderr, "wbsim explore: internal error: %s\n", err);
			wb_exec_free(&ex);
			return -1;
		}
		int rc = wb_trace_write(path, job, p->choices, p->len, &ex);
		wb_exec_free(&ex);
		if (rc)
			return -1;
	}
	return 0;
}

static json_t *explore_census_json(struct wb_job *job, const struct sim_explore_result *res)
{
	json_t *oc = json_array(), *ev = json_object();
	const char *const *names = job->sm.ops->event_names;

	for (size_t i = 0; i < res->noutcomes; i++) {
		const struct sim_outcome *o = &res->outcomes[i];
		unsigned pre;
		char *sched = wb_choices_schedule(job, o->path, o->path_len, &pre);
		json_array_append_new(
			oc, json_pack("{s:s, s:b, s:b, s:o, s:s, s:i}", "contents", o->text,
				      "expected", o->expected, "failing", o->failing, "executions",
				      wb_count_json(&o->executions), "schedule", sched, "steps",
				      (json_int_t)o->path_len));
		free(sched);
	}
	for (unsigned k = 0; k < res->nevents; k++)
		json_object_set_new(ev, names[k], wb_count_json(&res->event_executions[k]));
	return json_pack("{s:o, s:o}", "outcomes", oc, "events", ev);
}

static void explore_census_print(struct wb_job *job, const struct sim_explore_result *res)
{
	const char *const *names = job->sm.ops->event_names;
	char *num;

	printf("census: %zu distinct outcomes\n", res->noutcomes);
	for (size_t i = 0; i < res->noutcomes; i++) {
		const struct sim_outcome *o = &res->outcomes[i];
		unsigned pre;
		char *sched = wb_choices_schedule(job, o->path, o->path_len, &pre);
		num = wb_count_text(&o->executions);
		printf("  %s executions end in: %s (%s%s)\n", num, o->text,
		       o->expected ? "expected" : "not expected",
		       o->failing && o->expected ? ", failing" : "");
		free(num);
		printf("    shortest (%zu steps): --schedule %s\n", o->path_len, sched);
		free(sched);
	}
	printf("events (executions in which each happens at least once):\n");
	for (unsigned k = 0; k < res->nevents; k++) {
		num = wb_count_text(&res->event_executions[k]);
		printf("  %-15s %s\n", names[k], num);
		free(num);
	}
}

int cmd_explore(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "check", required_argument, NULL, 'c' },
		{ "kernel", required_argument, NULL, 'k' },
		{ "dot", required_argument, NULL, 'D' },
		{ "svg", required_argument, NULL, 'V' },
		{ "set", required_argument, NULL, 'S' },
		{ "max-states", required_argument, NULL, 'm' },
		{ "max-depth", required_argument, NULL, 'd' },
		{ "time-limit", required_argument, NULL, 't' },
		{ "max-memory", required_argument, NULL, 'M' },
		{ "trace-out", required_argument, NULL, 'o' },
		{ "order", required_argument, NULL, 'O' },
		{ "census", no_argument, NULL, 'C' },
		{ "fewest-preemptions", no_argument, NULL, 'F' },
		{ "preemption-bound", required_argument, NULL, 'P' },
		{ "all-failing", required_argument, NULL, 'A' },
		{ "reduce", no_argument, NULL, 'R' },
		{ "compress", no_argument, NULL, 'Z' },
		{ "full", no_argument, NULL, 'U' },
		{ "first", no_argument, NULL, 'f' },
		{ "threads", required_argument, NULL, 'T' },
		{ "json", no_argument, NULL, 'j' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct wb_cli_settings set = { .n = 0 };
	struct sim_explore_opts eo = { .order = SIM_ORDER_FORWARD, .seed = 1,
				       .max_memory = wb_default_max_memory(),
				       .threads = wb_default_threads() };
	const char *trace_out = NULL, *dot = NULL, *svg = NULL;
	bool json = false, quiet = false, fewest = false, mem_given = false;
	unsigned long long v;
	int c, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, "hq", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
		case 'k':
		case 'S':
			if (wb_cli_setting_add(&set, "explore", c, optarg))
				return EXIT_USAGE;
			break;
		case 'm':
		case 'd':
			if (wb_parse_u64(optarg, &v) || v == 0) {
				wb_usage_error("explore", "--%s: expected a positive number, got '%s'",
					       c == 'm' ? "max-states" : "max-depth", optarg);
				return EXIT_USAGE;
			}
			if (c == 'm')
				eo.max_states = v;
			else
				eo.max_depth = v > 4000 ? 4000 : (unsigned)v;
			break;
		case 't':
			if (wb_parse_seconds("explore", optarg, &eo.time_limit))
				return EXIT_USAGE;
			break;
		case 'T':
			if (wb_parse_threads("explore", optarg, &eo.threads))
				return EXIT_USAGE;
			break;
		case 'M':
			if (wb_parse_size(optarg, &eo.max_memory) || eo.max_memory == 0) {
				wb_usage_error("explore", "--max-memory: expected a size such as "
							  "512M or 4G, got '%s'", optarg);
				return EXIT_USAGE;
			}
			mem_given = true;
			break;
		case 'o':
			trace_out = optarg;
			break;
		case 'D':
			dot = optarg;
			break;
		case 'V':
			svg = optarg;
			break;
		case 'O':
			if (!strcmp(optarg, "forward"))
				eo.order = SIM_ORDER_FORWARD;
			else if (!strcmp(optarg, "reverse"))
				eo.order = SIM_ORDER_REVERSE;
			else if (!strcmp(optarg, "shuffle"))
				eo.order = SIM_ORDER_SHUFFLE;
			else {
				wb_usage_error("explore", "--order: expected forward, reverse or "
							  "shuffle, got '%s'", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'C':
			eo.census = true;
			break;
		case 'F':
			fewest = true;
			break;
		case 'P':
		case 'A':
			if (wb_parse_u64(optarg, &v) || v > (c == 'P' ? 255u : 100000u) ||
			    (c == 'A' && v == 0)) {
				wb_usage_error("explore", "--%s: expected a number %s, got '%s'",
					       c == 'P' ? "preemption-bound" : "all-failing",
					       c == 'P' ? "0..255" : "1..100000", optarg);
				return EXIT_USAGE;
			}
			if (c == 'P') {
				eo.bound_preemptions = true;
				eo.preemption_bound = (unsigned)v;
			} else {
				eo.all_failing = (unsigned)v;
			}
			break;
		case 'Z':
			eo.compress = true;
			break;
		case 'R':
		case 'U':
			eo.reduce = c == 'R';
			break;
		case 'f':
			eo.first = (1u << SIM_CORRUPT) | (1u << SIM_DEADLOCK);
			break;
		case 'j':
			json = true;
			break;
		case 'q':
			quiet = true;
			break;
		case 'h':
			explore_help(stdout);
			return EXIT_OK;
		default:
			return wb_bad_option("explore", argv, longopts);
		}
	}
	if (optind != argc - 1) {
		wb_usage_error("explore", optind >= argc ? "missing SCENARIO" : "too many arguments");
		return EXIT_USAGE;
	}

	if (eo.reduce && (eo.bound_preemptions || fewest)) {
		wb_usage_error("explore", "--reduce does not go with %s (use --full)",
			       fewest ? "--fewest-preemptions" : "--preemption-bound");
		return EXIT_USAGE;
	}
	if (eo.all_failing && !trace_out) {
		wb_usage_error("explore", "--all-failing needs --trace-out FILE (traces go to "
					  "FILE-1.json, FILE-2.json, ...)");
		return EXIT_USAGE;
	}
	/* outputs that cannot be written are known before the search, not after it */
	if ((trace_out && wb_output_check("explore", "--trace-out", trace_out)) ||
	    (dot && wb_output_check("explore", "--dot", dot)) ||
	    (svg && wb_output_check("explore", "--svg", svg)))
		return EXIT_USAGE;
	struct wb_job job;
	rc = wb_job_open(&job, argv[optind], &set);
	if (rc)
		return rc;
	if (!quiet && isatty(STDERR_FILENO))
		eo.progress = explore_progress;
	eo.stop = &wb_interrupted;
	wb_catch_signals();

	struct sim_explore_result res;
	if (sim_explore(&job.sm, job.init, &eo, &res)) {
		fprintf(stderr, "wbsim: %s\n", res.error);
		exit(EXIT_INTERNAL);
	}
	if (fewest && res.verdict != SIM_SAFE && !wb_interrupted)
		explore_fewest_preemptions(&job, &eo, &res);
	if (eo.progress)
		fprintf(stderr, "\r\033[K");
	explore_memory_note(&eo, &res, mem_given);
	if (eo.all_failing && explore_write_failing(&job, &res, trace_out)) {
		rc = EXIT_USAGE;
		sim_explore_result_free(&res);
		wb_job_close(&job);
		return rc;
	}

	/* the counterexample, re-executed with provenance */
	struct wb_exec ex;
	char err[256], *schedule = NULL, *ex_txt = NULL, *fail_txt = NULL;
	unsigned preemptions = 0;
	bool have_cex = res.verdict != SIM_SAFE, output_failed = false;
	memset(&ex, 0, sizeof(ex));
	if (have_cex) {
		schedule = wb_choices_schedule(&job, res.cex, res.cex_len, &preemptions);
		if (wb_exec_record(&job, res.cex, res.cex_len, false, &ex, err, sizeof(err))) {
			fprintf(stderr, "wbsim explore: internal error: %s\n", err);
			rc = EXIT_INTERNAL;
			goto out;
		}
		/* an output that fails (message printed) still leaves the report */
		if (trace_out && wb_trace_write(trace_out, &job, res.cex, res.cex_len, &ex))
			output_failed = true;
		if (wb_dot_outputs(&job, &ex, dot, svg))
			output_failed = true;
	}
	if (!have_cex && (dot || svg || trace_out))
		fprintf(stderr, "wbsim explore: no failing execution: %s not written\n",
			trace_out ? "--trace-out" : dot ? "--dot" : "--svg");
	const char *verdict = have_cex ? wb_verdict_name(res.verdict)
			      : res.complete ? "safe" : "unknown";
	char settings[WB_SETTINGS_TEXT_MAX];
	wb_settings_text(&job.cfg, settings, sizeof(settings));
	ex_txt = wb_count_text(&res.executions);
	fail_txt = wb_count_text(&res.failing);
	if (json) {
		json_t *o = json_object();
		json_object_set_new(o, "scenario", json_string(job.sc->name));
		json_object_set_new(o, "settings",
				    wb_config_json(&job.cfg));
		json_object_set_new(o, "verdict", json_string(verdict));
		json_object_set_new(o, "complete", json_boolean(res.complete));
		if (!res.complete)
			json_object_set_new(o, "stopped_by", json_string(res.stopped_by));
		json_object_set_new(o, "reduced", json_boolean(res.reduced));
		json_object_set_new(o, "states", json_integer((json_int_t)res.states));
		json_object_set_new(o, "transitions", json_integer((json_int_t)res.transitions));
		json_object_set_new(o, "executions", wb_count_json(&res.executions));
		json_object_set_new(o, "failing_executions", wb_count_json(&res.failing));
		json_object_set_new(o, "max_depth", json_integer(res.max_depth));
		json_object_set_new(o, "end_states", json_integer((json_int_t)res.end_states));
		json_object_set_new(o, "seconds", json_real(res.seconds));
		json_object_set_new(o, "key_bytes", json_integer((json_int_t)res.key_bytes));
		json_object_set_new(o, "table_bytes", json_integer((json_int_t)res.table_bytes));
		json_object_set_new(o, "counter_bytes", json_integer((json_int_t)res.counter_bytes));
		json_object_set_new(o, "memory_bytes", json_integer((json_int_t)res.memory_bytes));
		json_object_set_new(o, "threads", json_integer(res.threads));
		if (eo.bound_preemptions)
			json_object_set_new(o, "preemption_bound", json_integer(eo.preemption_bound));
		if (eo.census)
			json_object_set_new(o, "census", explore_census_json(&job, &res));
		if (eo.all_failing)
			json_object_set_new(o, "failing_traces",
					    json_integer((json_int_t)res.nfailing_paths));
		if (have_cex) {
			json_t *cx = json_pack("{s:s?, s:s, s:i, s:i, s:o}", "trace", trace_out,
					       "schedule", schedule, "steps", (json_int_t)res.cex_len,
					       "preemptions", (json_int_t)preemptions, "corruption",
					       wb_report_json(&ex.report));
			/* only a complete search knows no failing execution is shorter */
			if (!res.complete)
				json_object_set_new(cx, "shortest_found", json_true());
			if (res.verdict == SIM_DEADLOCK)
				json_object_set_new(cx, "deadlock",
						    json_string(ex.report.deadlock));
			json_object_set_new(o, "counterexample", cx);
		} else {
			json_object_set_new(o, "counterexample", json_null());
		}
		json_dumpf(o, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		fputc('\n', stdout);
		json_decref(o);
	} else {
		printf("scenario %s (%s)\n", job.sc->name, settings);
		printf("verdict: %s%s\n", verdict,
		       res.complete ? "" : " (exploration incomplete)");
		if (!res.complete)
			printf("stopped by: %s\n", res.stopped_by);
		printf("states %llu, transitions %llu, executions %s, failing %s, max depth %u, "
		       "end states %llu, %.2f s\n",
		       (unsigned long long)res.states, (unsigned long long)res.transitions, ex_txt,
		       fail_txt, res.max_depth,
		       (unsigned long long)res.end_states, res.seconds);
		if (res.threads > 1)
			printf("threads: %u\n", res.threads);
		if (res.reduced)
			printf("reduced: persistent sets; the counts are of the reduced graph, every "
			       "end state is kept\n");
		if (have_cex) {
			printf("%s counterexample: %zu steps, %u preemption%s\n",
			       fewest		? "fewest-preemption"
			       : res.reduced	? "a"
			       : res.complete	? "shortest"
						: "shortest found",
			       res.cex_len, preemptions, preemptions == 1 ? "" : "s");
			wb_print_reproduce(argv[optind], &set, schedule);
			if (ex.report.verdict == SIM_CORRUPT && ex.report.exposed) {
				printf("  exposed: [%u,%u) expected %s, found %s (never written by "
				       "anyone)\n", ex.report.offset,
				       ex.report.offset + ex.report.length, ex.report.expected,
				       ex.report.found);
				printf("  by:   %s\n", ex.report.provenance);
			} else if (ex.report.verdict == SIM_CORRUPT) {
				printf("  lost: [%u,%u) expected %s (written by %s), found %s\n",
				       ex.report.offset, ex.report.offset + ex.report.length,
				       ex.report.expected, ex.report.lost_writer, ex.report.found);
				printf("  by:   %s\n", ex.report.provenance);
			} else {
				printf("  stuck: %s\n", ex.report.deadlock);
			}
			if (trace_out)
				printf("  trace: %s\n", trace_out);
		}
		if (eo.census)
			explore_census_print(&job, &res);
		if (eo.all_failing)
			printf("%zu failing traces with distinct end states written\n",
			       res.nfailing_paths);
	}
	rc = output_failed ? EXIT_USAGE
	     : have_cex ? EXIT_FAILURE_FOUND : res.complete ? EXIT_OK : EXIT_NO_VERDICT;
out:
	free(schedule);
	free(ex_txt);
	free(fail_txt);
	wb_exec_free(&ex);
	sim_explore_result_free(&res);
	wb_job_close(&job);
	return rc;
}
