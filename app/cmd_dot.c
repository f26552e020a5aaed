/* SPDX-License-Identifier: MIT */
/*
 * cmd_dot.c - wbsim dot: a Graphviz swimlane diagram of a trace file.
 *
 * This file is the command: its options, and --compare, which re-runs the
 * trace's schedule under two settings, by default validity_check=off and
 * after_lock (falling back to the scenario's own schedule where the trace's
 * does not fit).  The
 * conversions into viz's structs are in dot_conv.c, the DOT and SVG output in
 * dot_render.c.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "app/app.h"
#include "app/dot_out.h"
#include "sim/xmalloc.h"
#include "viz/viz.h"

/* ---- wbsim dot TRACE ---- */

static int dot_from_trace(const char *trace_path, const char *dot_path, const char *svg_path,
			  const struct viz_opts *vo)
{
	struct wb_dot_mem mm = { 0 };
	struct wb_trace tr;
	struct wb_job job;
	struct viz_trace vt;
	int rc = wb_trace_open(trace_path, &tr, &job);

	if (rc)
		return rc;
	if (wb_viz_from_trace(&mm, &tr, &job, &vt))
		rc = EXIT_USAGE;
	else
		rc = wb_dot_draw(&vt, vo, dot_path, svg_path);
	wb_dot_mem_free(&mm);
	wb_job_close(&job);
	wb_trace_free(&tr);
	return rc;
}

/* ---- wbsim dot --compare TRACE ---- */

struct side {
	struct wb_job job;
	struct wb_exec ex;
	bool have_ex;
	const char *settings; /* what the side changes: "validity_check=off", "kernel=6.2" */
	char note[640];
};

/* The sides of a plain --compare: the fix off and on. */
static const char *const compare_default[2] = { "validity_check=off", "validity_check=after_lock" };

/* Settle an execution from schedule entries (then round-robin); 0 or a sim_run_error. */
static int side_settle(struct side *sd, char **texts, size_t n, uint16_t **choices,
		       size_t *nchoices, char *err, size_t errn)
{
	struct sim_sched_entry *e = NULL;
	struct sim_run run;
	int rc;

	if (wb_schedule_entries(texts, n, NULL, &e, err, errn))
		return SIM_RUN_SCHEDULE;
	struct sim_run_opts o = { .sched = e, .nsched = n, .policy = SIM_POLICY_ROUND_ROBIN };
	rc = (int)sim_run_execute(&sd->job.sm, sd->job.init, &o, &run, err, errn);
	free(e);
	if (!rc) {
		*choices = wb_xcalloc(run.nsteps + 1, sizeof(uint16_t));
		*nchoices = run.nsteps;
		for (size_t i = 0; i < run.nsteps; i++)
			(*choices)[i] = run.steps[i].choice;
	}
	sim_run_free(&run);
	return rc;
}

/* The trace's schedule under `mode`, or the scenario's own schedule for it. */
static int side_choices(struct side *sd, const char *sched, uint16_t **choices, size_t *n)
{
	const struct wb_schedule *own = sd->job.schedule;
	const char *mode = sd->settings;
	char err[512], err2[512];
	size_t nt;
	char **texts = wb_split_list(sched, &nt);
	int rc = side_settle(sd, texts, nt, choices, n, err, sizeof(err));

	wb_free_list(texts, nt);
	if (rc && rc != SIM_RUN_SCHEDULE)
		fprintf(stderr, "wbsim dot: error: --compare: under %s: %s\n", mode, err);
	if (rc != SIM_RUN_SCHEDULE)
		return rc;
	if (!own) {
		fprintf(stderr, "wbsim dot: error: --compare: the trace's schedule does not fit "
				"under %s (%s), and the scenario has no schedule "
				"of its own\n", mode, err);
		return rc;
	}
	rc = side_settle(sd, own->entries, own->n, choices, n, err2, sizeof(err2));
	if (rc == SIM_RUN_SCHEDULE)
		fprintf(stderr, "wbsim dot: error: --compare: neither the trace's schedule (%s) "
				"nor the scenario's %s (%s) fits under %s\n",
			err, own->pointer, err2, mode);
	else if (!rc)
		snprintf(sd->note, sizeof(sd->note),
			 "the trace's schedule does not fit here (%s);\n"
			 "the scenario's %s instead",
			 err, own->pointer);
	return rc;
}

/* One side: the trace's config with `settings` applied on top, as one layer. */
static int side_open(struct side *sd, const struct wb_job *job0, const char *settings,
		     const char *sched)
{
	struct wb_config cfg = job0->cfg;
	struct wb_scenario *sc;
	uint16_t *choices = NULL;
	size_t n = 0;
	char err[512];
	int rc;

	memset(sd, 0, sizeof(*sd));
	sd->settings = settings;
	if (wb_config_apply_list(&cfg, settings, err, sizeof(err))) {
		fprintf(stderr, "wbsim dot: error: --compare %s: %s\n", settings, err);
		return EXIT_USAGE;
	}
	sc = wb_scenario_load_buffer(job0->sc->path, job0->sc->text, job0->sc->text_len, stderr);
	if (!sc)
		return EXIT_INTERNAL;
	wb_job_with_config(&sd->job, sc, &cfg);
	rc = side_choices(sd, sched, &choices, &n);
	if (rc) {
		free(choices);
		return rc == SIM_RUN_INVARIANT ? EXIT_INTERNAL : EXIT_USAGE;
	}
	rc = wb_exec_record(&sd->job, choices, n, false, &sd->ex, err, sizeof(err));
	sd->have_ex = true;
	free(choices);
	if (rc) {
		fprintf(stderr, "wbsim dot: internal error: %s\n", err);
		return EXIT_INTERNAL;
	}
	return EXIT_OK;
}

static void side_close(struct side *sd)
{
	if (sd->have_ex)
		wb_exec_free(&sd->ex);
	wb_job_close(&sd->job);
}

struct compare_ctx {
	const struct viz_trace *a, *b;
	const char *title;
	struct viz_opts opts;
};

static int gen_compare(const void *ctx, FILE *out)
{
	const struct compare_ctx *c = ctx;

	return viz_write_compare(c->a, c->b, c->title, &c->opts, out);
}

/* "NAME: one schedule under ...\nschedule: A,B,C" with the schedule wrapped at commas. */
static char *compare_title(struct wb_dot_mem *mm, const struct wb_job *job0, const char *sched,
			   const char *const *sides)
{
	size_t len = strlen(sched), col = 0;
	char *s = wb_dot_mem_alloc(mm, 2 * len + strlen(sides[0]) + strlen(sides[1]) + 456), *p;

	if (!strcmp(sides[0], compare_default[0]) && !strcmp(sides[1], compare_default[1])) {
		p = s + sprintf(s, "%s: the trace's schedule under validity_check=off and after_lock\n"
				   "schedule (recorded under validity_check=%s): ",
				job0->sc->name, wb_check_name(job0->cfg.validity_check));
	} else {
		char rec[WB_SETTINGS_TEXT_MAX];
		wb_config_text(&job0->cfg, rec, sizeof(rec));
		p = s + sprintf(s, "%s: the trace's schedule under %s and under %s\n"
				   "schedule (recorded under %s): ",
				job0->sc->name, sides[0], sides[1], rec);
	}
	for (size_t i = 0; i < len; i++, col++) {
		*p++ = sched[i];
		if (sched[i] == ',' && col > 70) {
			*p++ = '\n';
			col = 0;
		}
	}
	*p = 0;
	return s;
}

static void side_title(struct wb_dot_mem *mm, const struct side *sd, struct viz_trace *vt)
{
	vt->title = wb_dot_mem_printf(mm, "%s: %s", sd->settings, vt->verdict);
	if (sd->note[0])
		vt->note = sd->note;
}

/* The trace's schedule under two settings, side by side. */
static int dot_compare_from_trace(const char *trace_path, const char *const *sides,
				  const char *dot_path, const char *svg_path, const struct viz_opts *vo)
{
	struct wb_dot_mem mm = { 0 };
	struct side sd[2];
	struct viz_trace vt[2];
	struct compare_ctx c = { .a = &vt[0], .b = &vt[1], .opts = *vo };
	struct wb_trace tr;
	struct wb_job job0;
	unsigned pre;
	int rc = wb_trace_open(trace_path, &tr, &job0), opened;
	char *sched;

	if (rc)
		return rc;
	sched = wb_choices_schedule(&job0, tr.choices, tr.nchoices, &pre);
	for (opened = 0; opened < 2 && !rc; opened++) {
		rc = side_open(&sd[opened], &job0, sides[opened], sched);
		if (rc)
			continue;
		wb_viz_from_exec(&mm, &sd[opened].job, &sd[opened].ex, &vt[opened]);
		side_title(&mm, &sd[opened], &vt[opened]);
	}
	if (!rc) {
		c.title = compare_title(&mm, &job0, sched, sides);
		rc = wb_dot_write(gen_compare, &c, dot_path, svg_path);
	}
	while (opened-- > 0)
		side_close(&sd[opened]);
	free(sched);
	wb_dot_mem_free(&mm);
	wb_job_close(&job0);
	wb_trace_free(&tr);
	return rc;
}

/*
 * --compare A B with the trace among the three words, wherever it stands:
 * the one that is an existing file, else the one without '='.
 */
static int dot_compare_sides(char **w, const char *dot_path, const char *svg_path,
			     const struct viz_opts *vo)
{
	struct stat st;
	int trace = -1, nfile = 0, noeq = 0, t_noeq = -1;
	const char *sides[2];

	for (int i = 0; i < 3; i++) {
		if (!stat(w[i], &st) && S_ISREG(st.st_mode)) {
			nfile++;
			trace = i;
		}
		if (!strchr(w[i], '=')) {
			noeq++;
			t_noeq = i;
		}
	}
	if (nfile != 1)
		trace = noeq == 1 ? t_noeq : -1;
	if (trace < 0) {
		wb_usage_error("dot", "--compare SETTINGS SETTINGS: which of '%s', '%s', '%s' is "
				      "the TRACE?", w[0], w[1], w[2]);
		return EXIT_USAGE;
	}
	for (int i = 0, k = 0; i < 3; i++)
		if (i != trace)
			sides[k++] = w[i];
	return dot_compare_from_trace(w[trace], sides, dot_path, svg_path, vo);
}

/* ---- the command ---- */

static void dot_help(FILE *out)
{
	fprintf(out,
		"usage: wbsim dot TRACE [-o FILE.dot] [--svg FILE.svg] [--steps-only] [--focus]\n"
		"                 [--compare [SETTINGS SETTINGS]]\n"
		"\n"
		"Draw TRACE as a Graphviz swimlane diagram: one lane per task, steps in program\n"
		"order, edges for what one step caused in another lane (derived from the\n"
		"footprints), the stale window shaded, the lost bytes in red.\n"
		"\n"
		"  -o FILE.dot      write DOT to FILE.dot (default: stdout, unless --svg)\n"
		"  --svg FILE.svg   also render it with Graphviz's dot -Tsvg (on PATH)\n"
		"  --steps-only     compact: fold runs of steps that share nothing into one node\n"
		"  --focus          only the steps the failure depends on (the happens-before\n"
		"                   cone of the corrupting step, else of the last step); each\n"
		"                   lane's other steps folded into one node\n"
		"  --compare        the trace's schedule under validity_check=off and after_lock,\n"
		"                   side by side; or under two SETTINGS given after it, each a\n"
		"                   list applied to the trace's config (kernel=6.1 kernel=6.2;\n"
		"                   validity_check=off,drop_writes=true writeback_revalidate=false)\n"
		"\n"
		"docs/diagrams.md explains how to read the picture.\n"
		"Exit: 0 written, 2 bad trace or usage, dot missing or failing, 3 internal\n"
		"error.\n");
}

int cmd_dot(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "svg", required_argument, NULL, 's' },   { "steps-only", no_argument, NULL, 'f' },
		{ "compare", no_argument, NULL, 'c' },	   { "help", no_argument, NULL, 'h' },
		{ "focus", no_argument, NULL, 'F' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dot_path = NULL, *svg_path = NULL;
	struct viz_opts vo = { .steps_only = false };
	bool compare = false;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "ho:", longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			dot_path = optarg;
			break;
		case 's':
			svg_path = optarg;
			break;
		case 'f':
			vo.steps_only = true;
			break;
		case 'c':
			compare = true;
			break;
		case 'F':
			vo.focus = true;
			break;
		case 'h':
			dot_help(stdout);
			return EXIT_OK;
		default:
			return wb_bad_option("dot", argv, longopts);
		}
	}
	if (compare && argc - optind == 3)
		return dot_compare_sides(argv + optind, dot_path, svg_path, &vo);
	if (optind != argc - 1) {
		wb_usage_error("dot", optind >= argc	 ? "missing TRACE"
				      : compare	 ? "--compare takes two SETTINGS or none"
						 : "too many arguments");
		return EXIT_USAGE;
	}
	if (compare)
		return dot_compare_from_trace(argv[optind], compare_default, dot_path, svg_path,
					      &vo);
	return dot_from_trace(argv[optind], dot_path, svg_path, &vo);
}
