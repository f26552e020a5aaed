/* SPDX-License-Identifier: MIT */
/*
 * cmd_replay.c - wbsim replay: re-execute a trace file's choices through the
 * model and check every step against the record.  The first divergence is
 * reported (which step, what the trace says, what the model did) with exit 2;
 * a reproduced failure exits 1, a reproduced safe execution 0.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "app/app.h"


static void replay_help(FILE *out)
{
	fprintf(out, "usage: wbsim replay TRACE [--at N] [--json]\n"
		     "\n"
		     "Re-execute TRACE's choices and check each step against the record; print the\n"
		     "trace and the verdict.  --at N prints the whole world after step N.\n"
		     "\n"
		     "Exit: 0 safe, 1 the recorded corruption or deadlock reproduced, 2 a bad or\n"
		     "diverging trace, 3 internal error.\n");
}

int cmd_replay(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "at", required_argument, NULL, 'a' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long long at = 0;
	bool json = false;
	int c, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'a':
			if (wb_parse_u64(optarg, &at) || at == 0) {
				wb_usage_error("replay", "--at: expected a step number >= 1, got '%s'",
					       optarg);
				return EXIT_USAGE;
			}
			break;
		case 'j':
			json = true;
			break;
		case 'h':
			replay_help(stdout);
			return EXIT_OK;
		default:
			return wb_bad_option("replay", argv, longopts);
		}
	}
	if (optind != argc - 1) {
		wb_usage_error("replay", optind >= argc ? "missing TRACE" : "too many arguments");
		return EXIT_USAGE;
	}
	const char *path = argv[optind];
	struct wb_trace tr;
	struct wb_job job;
	if (wb_trace_open(path, &tr, &job))
		return EXIT_USAGE;
	if (at > tr.nchoices) {
		wb_usage_error("replay", "--at %llu: the trace has %zu steps", at, tr.nchoices);
		wb_job_close(&job);
		wb_trace_free(&tr);
		return EXIT_USAGE;
	}
	struct wb_exec ex;
	char err[256];
	rc = wb_exec_record(&job, tr.choices, tr.nchoices, at > 0, &ex, err, sizeof(err));
	if (rc) {
		fprintf(stderr, "%s: error: %s\n", path,
			rc == SIM_RUN_CHOICE ? err : "the model cannot replay this trace");
		if (rc != SIM_RUN_CHOICE)
			fprintf(stderr, "  %s\n", err);
		rc = rc == SIM_RUN_INVARIANT ? EXIT_INTERNAL : EXIT_USAGE;
		goto out;
	}
	/* wb_trace_open replayed and compared every recorded member: this run is for the output */
	enum sim_verdict v = ex.report.verdict;
	if (json) {
		json_t *o = json_pack("{s:s, s:s, s:i, s:o, s:i}", "trace", path, "verdict",
				      wb_verdict_name(v), "steps", (json_int_t)ex.nsteps,
				      "corruption", wb_report_json(&ex.report), "stale_decisions",
				      (json_int_t)ex.prov.stale_decisions);
		if (at) /* the world after step N, as --at prints it */
			json_object_set_new(o, "at", json_pack("{s:i, s:s, s:s, s:s}", "step",
							       (json_int_t)at, "task",
							       ex.steps[at - 1].actor, "name",
							       ex.steps[at - 1].step, "state",
							       ex.states + ex.state_off[at - 1]));
		json_dumpf(o, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		fputc('\n', stdout);
		json_decref(o);
	} else if (at) {
		const struct wb_step_rec *s = &ex.steps[at - 1];
		printf("after step %llu (%s %s):\n", at, s->actor, s->step);
		fputs(ex.states + ex.state_off[at - 1], stdout);
	} else {
		char settings[WB_SETTINGS_TEXT_MAX];
		wb_settings_text(&job.cfg, settings, sizeof(settings));
		printf("replay %s: scenario %s (%s), %zu steps reproduced\n", path, job.sc->name,
		       settings, ex.nsteps);
		for (size_t i = 0; i < ex.nsteps; i++)
			printf("%4zu %-8s %-15s %s\n", i + 1, ex.steps[i].actor, ex.steps[i].step,
			       ex.steps[i].desc);
		printf("verdict: %s\n", wb_verdict_name(v));
		if (v == SIM_CORRUPT && ex.report.exposed)
			printf("  exposed: [%u,%u) expected %s, found %s (never written by anyone)\n"
			       "  by:   %s\n",
			       ex.report.offset, ex.report.offset + ex.report.length,
			       ex.report.expected, ex.report.found, ex.report.provenance);
		else if (v == SIM_CORRUPT)
			printf("  lost: [%u,%u) expected %s (written by %s), found %s\n  by:   %s\n",
			       ex.report.offset, ex.report.offset + ex.report.length,
			       ex.report.expected, ex.report.lost_writer, ex.report.found,
			       ex.report.provenance);
		else if (v == SIM_DEADLOCK)
			printf("  stuck: %s\n", ex.report.deadlock);
	}
	rc = v == SIM_SAFE ? EXIT_OK : EXIT_FAILURE_FOUND;
out:
	wb_exec_free(&ex);
	wb_job_close(&job);
	wb_trace_free(&tr);
	return rc;
}
