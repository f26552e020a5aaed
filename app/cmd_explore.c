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

json_t *wb_report_json(const struct wb_report *r);

static volatile int wb_interrupted;

static void wb_on_sigint(int sig)
{
	(void)sig;
	wb_interrupted = 1;
}

static void explore_help(FILE *out)
{
	fprintf(out,
		"usage: wbsim explore SCENARIO [--check MODE] [--set KEY=VALUE]... [--max-states N]\n"
		"                     [--max-depth N] [--time-limit SECONDS] [--trace-out FILE]\n"
		"                     [--order forward|reverse|shuffle] [--json] [--quiet]\n"
		"\n"
		"Visit every interleaving of SCENARIO's steps (state caching, no reduction) and\n"
		"report exact counts: distinct states, transitions, complete executions, failing\n"
		"executions, the longest execution; and a shortest failing execution, as a\n"
		"--schedule string for wbsim run and, with --trace-out, as a trace file.\n"
		"\n"
		"Exit: 0 explored completely with no failure, 1 a failure found, 2 bad input,\n"
		"3 internal error, 4 stopped at a limit without a failure.\n");
}

static void explore_progress(void *pctx, const char *line)
{
	(void)pctx;
	fprintf(stderr, "\rexplore: %s   ", line);
	fflush(stderr);
}

/* A count as JSON: an integer up to 2^63-1, a decimal string beyond. */
static json_t *wb_count_json(sim_u128 v)
{
	char buf[48];

	if (v <= (sim_u128)INT64_MAX)
		return json_integer((json_int_t)v);
	sim_u128_text(v, buf, sizeof(buf));
	return json_string(buf);
}

int cmd_explore(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "check", required_argument, NULL, 'c' },
		{ "set", required_argument, NULL, 'S' },
		{ "max-states", required_argument, NULL, 'm' },
		{ "max-depth", required_argument, NULL, 'd' },
		{ "time-limit", required_argument, NULL, 't' },
		{ "trace-out", required_argument, NULL, 'o' },
		{ "order", required_argument, NULL, 'O' },
		{ "json", no_argument, NULL, 'j' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct wb_cli_settings set = { .n = 0 };
	struct sim_explore_opts eo = { .order = SIM_ORDER_FORWARD, .seed = 1 };
	const char *trace_out = NULL;
	bool json = false, quiet = false;
	char checkbuf[WB_MAX_SETTINGS][64];
	unsigned long long v;
	int c, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, "hq", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
		case 'S':
			if (set.n == WB_MAX_SETTINGS) {
				wb_usage_error("explore", "too many settings");
				return EXIT_USAGE;
			}
			if (c == 'c') {
				snprintf(checkbuf[set.n], sizeof(checkbuf[0]), "validity_check=%s",
					 optarg);
				set.kv[set.n] = checkbuf[set.n];
			} else {
				set.kv[set.n] = optarg;
			}
			set.n++;
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
		case 't': {
			char *end;
			eo.time_limit = strtod(optarg, &end);
			if (*end || eo.time_limit <= 0) {
				wb_usage_error("explore", "--time-limit: expected seconds > 0, got '%s'",
					       optarg);
				return EXIT_USAGE;
			}
			break;
		}
		case 'o':
			trace_out = optarg;
			break;
		case 'O':
			if (!strcmp(optarg, "forward"))
				eo.order = SIM_ORDER_FORWARD;
			else if (!strcmp(optarg, "reverse"))
				eo.order = SIM_ORDER_REVERSE;
			else if (!strcmp(optarg, "shuffle"))
				eo.order = SIM_ORDER_SHUFFLE;
			else {
				wb_usage_error("explore", "--order: forward, reverse or shuffle");
				return EXIT_USAGE;
			}
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
			fprintf(stderr, "Try 'wbsim explore --help'.\n");
			return EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		wb_usage_error("explore", optind >= argc ? "missing SCENARIO" : "too many arguments");
		return EXIT_USAGE;
	}

	struct wb_job job;
	rc = wb_job_open(&job, argv[optind], &set);
	if (rc)
		return rc;
	if (!quiet && isatty(STDERR_FILENO))
		eo.progress = explore_progress;
	eo.stop = &wb_interrupted;
	signal(SIGINT, wb_on_sigint);

	struct sim_explore_result res;
	sim_explore(&job.sm, job.init, &eo, &res);
	signal(SIGINT, SIG_DFL);
	if (eo.progress)
		fprintf(stderr, "\r\033[K");

	/* the counterexample, re-executed with provenance */
	struct wb_exec ex;
	char err[256], *schedule = NULL;
	unsigned preemptions = 0;
	bool have_cex = res.verdict != SIM_SAFE;
	memset(&ex, 0, sizeof(ex));
	if (have_cex) {
		schedule = wb_choices_schedule(&job, res.cex, res.cex_len, &preemptions);
		if (wb_exec_record(&job, res.cex, res.cex_len, false, &ex, err, sizeof(err))) {
			fprintf(stderr, "wbsim explore: internal error: %s\n", err);
			rc = EXIT_INTERNAL;
			goto out;
		}
		if (trace_out && wb_trace_write(trace_out, &job, res.cex, res.cex_len, &ex)) {
			rc = EXIT_USAGE;
			goto out;
		}
	}
	const char *verdict = have_cex ? wb_verdict_name(res.verdict)
			      : res.complete ? "safe" : "unknown";
	char settings[160], ex_txt[48], fail_txt[48];
	wb_settings_text(&job.cfg, settings, sizeof(settings));
	sim_u128_text(res.executions, ex_txt, sizeof(ex_txt));
	sim_u128_text(res.failing, fail_txt, sizeof(fail_txt));
	if (json) {
		json_t *o = json_object();
		json_object_set_new(o, "scenario", json_string(job.sc->name));
		json_object_set_new(o, "settings",
				    json_pack("{s:s, s:b}", "validity_check",
					      wb_check_name(job.cfg.validity_check),
					      "writeback_revalidate", job.cfg.writeback_revalidate));
		json_object_set_new(o, "verdict", json_string(verdict));
		json_object_set_new(o, "complete", json_boolean(res.complete));
		if (!res.complete)
			json_object_set_new(o, "stopped_by", json_string(res.stopped_by));
		json_object_set_new(o, "reduced", json_false());
		json_object_set_new(o, "states", json_integer((json_int_t)res.states));
		json_object_set_new(o, "transitions", json_integer((json_int_t)res.transitions));
		json_object_set_new(o, "executions", wb_count_json(res.executions));
		json_object_set_new(o, "failing_executions", wb_count_json(res.failing));
		json_object_set_new(o, "overflow", json_boolean(res.overflow));
		json_object_set_new(o, "max_depth", json_integer(res.max_depth));
		json_object_set_new(o, "end_states", json_integer((json_int_t)res.end_states));
		json_object_set_new(o, "seconds", json_real(res.seconds));
		json_object_set_new(o, "key_bytes", json_integer((json_int_t)res.key_bytes));
		json_object_set_new(o, "table_bytes", json_integer((json_int_t)res.table_bytes));
		json_object_set_new(o, "counter_bytes", json_integer((json_int_t)res.counter_bytes));
		if (have_cex) {
			json_t *cx = json_pack("{s:s?, s:s, s:i, s:i, s:o}", "trace", trace_out,
					       "schedule", schedule, "steps", (json_int_t)res.cex_len,
					       "preemptions", (json_int_t)preemptions, "corruption",
					       wb_report_json(&ex.report));
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
		printf("states %llu, transitions %llu, executions %s%s, failing %s, max depth %u, "
		       "end states %llu, %.2f s\n",
		       (unsigned long long)res.states, (unsigned long long)res.transitions, ex_txt,
		       res.overflow ? " (saturated)" : "", fail_txt, res.max_depth,
		       (unsigned long long)res.end_states, res.seconds);
		if (have_cex) {
			printf("shortest counterexample: %zu steps, %u preemptions\n", res.cex_len,
			       preemptions);
			printf("  --schedule %s\n", schedule);
			if (ex.report.verdict == SIM_CORRUPT) {
				printf("  lost: [%u,%u) expected %s, found %s\n", ex.report.offset,
				       ex.report.offset + ex.report.length, ex.report.expected,
				       ex.report.found);
				printf("  by:   %s\n", ex.report.provenance);
			} else {
				printf("  stuck: %s\n", ex.report.deadlock);
			}
			if (trace_out)
				printf("  trace: %s\n", trace_out);
		}
	}
	rc = have_cex ? EXIT_FAILURE_FOUND : res.complete ? EXIT_OK : EXIT_NO_VERDICT;
out:
	free(schedule);
	wb_exec_free(&ex);
	sim_explore_result_free(&res);
	wb_job_close(&job);
	return rc;
}
