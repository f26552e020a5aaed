/* SPDX-License-Identifier: MIT */
/*
 * cmd_run.c - wbsim run: one deterministic execution, printed step by step.
 *
 * The execution is settled first (schedule, then round-robin or --seed), so a
 * schedule that does not fit prints only the error; then its choice list is
 * re-executed with descriptions and provenance and printed.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "app/app.h"
#include "sim/xmalloc.h"

/* `head` then the words of `text`, wrapped at `width` columns under the first word. */
static void print_wrapped(FILE *out, const char *head, const char *text, size_t width)
{
	size_t indent = strlen(head), col = indent;

	fputs(head, out);
	for (const char *w = text; *w;) {
		size_t len = strcspn(w, " ");

		if (col > indent && col + 1 + len > width) {
			fprintf(out, "\n%*s", (int)indent, "");
			col = indent;
		} else if (col > indent) {
			fputc(' ', out);
			col++;
		}
		fwrite(w, 1, len, out);
		col += len;
		w += len + strspn(w + len, " ");
	}
	fputc('\n', out);
}

static void run_help(FILE *out)
{
	char versions[64], kversions[64], modes[80], keys[1024], text[1100];

	/* the versions, the modes and the switches from their tables */
	wb_kernel_versions(versions, sizeof(versions), "", "|", "|");
	wb_kernel_versions(kversions, sizeof(kversions), "", ", ", " or ");
	fprintf(out,
		"usage: wbsim run SCENARIO [--check MODE] [--set KEY=VALUE]... [--schedule LIST]\n"
		"                 [--seed N] [--state] [--trace-out FILE] [--dot FILE] [--svg FILE]\n"
		"                 [--kernel %s] [--json]\n"
		"\n"
		"Run one deterministic execution of SCENARIO: its schedule (or --schedule, entries\n"
		"TASK, TASK:STEP or TASK:STEP@PAGE, comma-separated), then round-robin over the\n"
		"tasks (or a seeded random walk with --seed N). Prints one line per step and the\n"
		"verdict.\n"
		"\n"
		"  --check MODE        validity_check: %s\n",
		versions,
		wb_switch_expected(wb_switch_find("validity_check"), modes, sizeof(modes)));
	snprintf(text, sizeof(text), "override a switch (%s)",
		 wb_config_keys_text(keys, sizeof(keys)));
	print_wrapped(out, "  --set KEY=VALUE     ", text, 84);
	fprintf(out,
		"  --schedule LIST     replace the scenario's schedule\n"
		"  --seed N            random choices after the schedule, from seed N\n"
		"  --state             print the whole world after every step\n"
		"  --kernel V          every switch as in kernel V, %s (--check/--set win)\n"
		"  --trace-out FILE    write the trace file (for wbsim replay)\n"
		"  --dot FILE          write the Graphviz diagram of the execution\n"
		"  --svg FILE          render it with dot -Tsvg\n"
		"  --json              one JSON object on stdout\n"
		"\n"
		"Exit: 0 safe, 1 corruption or deadlock, 2 bad input, 3 internal error.\n",
		kversions);
}

static void print_report(FILE *out, const struct wb_report *r)
{
	if (r->verdict == SIM_CORRUPT && r->exposed) {
		fprintf(out, "  exposed: [%u,%u) expected %s, found %s (never written by anyone)\n",
			r->offset, r->offset + r->length, r->expected, r->found);
		fprintf(out, "  by:   %s\n", r->provenance);
	} else if (r->verdict == SIM_CORRUPT) {
		fprintf(out, "  lost: [%u,%u) expected %s (written by %s), found %s\n", r->offset,
			r->offset + r->length, r->expected, r->lost_writer, r->found);
		fprintf(out, "  by:   %s\n", r->provenance);
	} else if (r->verdict == SIM_DEADLOCK) {
		fprintf(out, "  stuck: %s\n", r->deadlock);
	}
}

int cmd_run(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "check", required_argument, NULL, 'c' },  { "set", required_argument, NULL, 'S' },
		{ "kernel", required_argument, NULL, 'k' },
		{ "dot", required_argument, NULL, 'd' },    { "svg", required_argument, NULL, 'v' },
		{ "schedule", required_argument, NULL, 's' }, { "seed", required_argument, NULL, 'r' },
		{ "state", no_argument, NULL, 'w' },	  { "trace-out", required_argument, NULL, 'o' },
		{ "json", no_argument, NULL, 'j' },	  { "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct wb_cli_settings set = { .n = 0 };
	const char *sched_arg = NULL, *trace_out = NULL, *dot = NULL, *svg = NULL;
	bool state = false, json = false, seeded = false;
	unsigned long long seed = 0;
	int c, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
		case 'k':
		case 'S':
			if (wb_cli_setting_add(&set, "run", c, optarg))
				return EXIT_USAGE;
			break;
		case 's':
			sched_arg = optarg;
			break;
		case 'r':
			if (wb_parse_u64(optarg, &seed)) {
				wb_usage_error("run", "--seed: expected a number, got '%s'", optarg);
				return EXIT_USAGE;
			}
			seeded = true;
			break;
		case 'w':
			state = true;
			break;
		case 'o':
			trace_out = optarg;
			break;
		case 'd':
			dot = optarg;
			break;
		case 'v':
			svg = optarg;
			break;
		case 'j':
			json = true;
			break;
		case 'h':
			run_help(stdout);
			return EXIT_OK;
		default:
			return wb_bad_option("run", argv, longopts);
		}
	}
	if (optind != argc - 1) {
		wb_usage_error("run", optind >= argc ? "missing SCENARIO" : "too many arguments");
		return EXIT_USAGE;
	}

	struct wb_job job;
	if ((trace_out && wb_output_check("run", "--trace-out", trace_out)) ||
	    (dot && wb_output_check("run", "--dot", dot)) ||
	    (svg && wb_output_check("run", "--svg", svg)))
		return EXIT_USAGE;
	rc = wb_job_open(&job, argv[optind], &set);
	if (rc)
		return rc;

	/* the schedule */
	char **texts = NULL, err[512];
	size_t ntexts = 0;
	const char *pointer = NULL;
	struct sim_sched_entry *entries = NULL;
	if (sched_arg) {
		texts = wb_split_list(sched_arg, &ntexts);
	} else if (job.schedule) {
		texts = job.schedule->entries;
		ntexts = job.schedule->n;
		pointer = job.schedule->pointer;
	}
	if (wb_schedule_entries(texts, ntexts, pointer, &entries, err, sizeof(err))) {
		fprintf(stderr, "wbsim run: error: --schedule: %s\n", err);
		rc = EXIT_USAGE;
		goto out;
	}

	/* settle the execution */
	struct sim_run_opts o = { .sched = entries,
				  .nsched = ntexts,
				  .policy = seeded ? SIM_POLICY_RANDOM : SIM_POLICY_ROUND_ROBIN,
				  .seed = seed };
	struct sim_run run;
	enum sim_run_error e = sim_run_execute(&job.sm, job.init, &o, &run, err, sizeof(err));
	if (e == SIM_RUN_SCHEDULE) {
		if (pointer) {
			char ptr[64];
			snprintf(ptr, sizeof(ptr), "%s/%zu", pointer, run.bad_entry);
			wb_scenario_diag(job.sc, stderr, ptr, false, "%s", err);
		} else {
			char hint[96];
			wb_schedule_hint(job.sc, texts[run.bad_entry], hint, sizeof(hint));
			fprintf(stderr, "wbsim run: error: --schedule: %s%s\n", err, hint);
		}
		rc = EXIT_USAGE;
		sim_run_free(&run);
		goto out;
	}
	if (e) {
		fprintf(stderr, "wbsim run: %s: %s\n",
			e == SIM_RUN_INVARIANT ? "internal error" : "error", err);
		rc = e == SIM_RUN_INVARIANT ? EXIT_INTERNAL : EXIT_USAGE;
		sim_run_free(&run);
		goto out;
	}
	uint16_t *choices = wb_xcalloc(run.nsteps + 1, sizeof(uint16_t));
	size_t nchoices = run.nsteps;
	for (size_t i = 0; i < run.nsteps; i++)
		choices[i] = run.steps[i].choice;
	sim_run_free(&run);

	/* re-execute it with descriptions and provenance */
	struct wb_exec ex;
	if (wb_exec_record(&job, choices, nchoices, state, &ex, err, sizeof(err))) {
		fprintf(stderr, "wbsim run: internal error: %s\n", err);
		rc = EXIT_INTERNAL;
		goto out_ex;
	}
	char settings[WB_SETTINGS_TEXT_MAX];
	wb_settings_text(&job.cfg, settings, sizeof(settings));
	enum sim_verdict v = ex.report.verdict;
	if (json) {
		json_t *o2 = json_pack("{s:s, s:o, s:s, s:i, s:o, s:i}", "scenario",
				       job.sc->name, "settings", wb_config_json(&job.cfg),
				       "verdict", wb_verdict_name(v),
				       "steps", (json_int_t)ex.nsteps, "corruption",
				       wb_report_json(&ex.report), "stale_decisions",
				       (json_int_t)ex.prov.stale_decisions);
		if (v == SIM_DEADLOCK)
			json_object_set_new(o2, "deadlock", json_string(ex.report.deadlock));
		json_dumpf(o2, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		fputc('\n', stdout);
		json_decref(o2);
	} else {
		printf("scenario %s (%s)\n", job.sc->name, settings);
		for (size_t i = 0; i < ex.nsteps; i++) {
			const struct wb_step_rec *s = &ex.steps[i];
			printf("%4zu %-8s %-15s %s\n", i + 1, s->actor, s->step, s->desc);
			if (state)
				fputs(ex.states + ex.state_off[i], stdout);
		}
		/* on stderr, after the steps so far (stdout flushed first, so the order holds) */
		for (size_t i = 0; i < ex.prov.nwarnings; i++) {
			fflush(stdout);
			fprintf(stderr, "wbsim run: warning: %s\n", ex.prov.warnings[i]);
		}
		printf("verdict: %s\n", wb_verdict_name(v));
		print_report(stdout, &ex.report);
	}
	rc = v == SIM_SAFE ? EXIT_OK : EXIT_FAILURE_FOUND;
	if (trace_out && wb_trace_write(trace_out, &job, choices, nchoices, &ex))
		rc = EXIT_USAGE;
	else if (wb_dot_outputs(&job, &ex, dot, svg))
		rc = EXIT_USAGE;
out_ex:
	wb_exec_free(&ex);
	free(choices);
out:
	free(entries);
	if (sched_arg)
		wb_free_list(texts, ntexts);
	wb_job_close(&job);
	return rc;
}
