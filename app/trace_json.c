/* SPDX-License-Identifier: MIT */
/*
 * trace_json.c - the trace file (docs/json.md), written and read.
 *
 * A trace embeds the scenario (with a checksum, so an edited scenario is
 * caught), the config, the choice list that reproduces the execution, every
 * step with what it changed (words, seq, i_size, extent map, the writer's
 * mapping, the folios it wrote, its footprint and events), and the verdict
 * with provenance.  Written to a temporary file and renamed, so an
 * interrupted run never leaves half a trace.
 *
 * Also the JSON pieces the commands' --json output shares with the trace (the
 * config, the corruption report).  This file uses the shared helpers of
 * output.c and the model, never a command (cmd_*.c).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <xxhash.h>

#include "app/app.h"
#include "sim/xmalloc.h"

/* The config as a JSON object: strings for words, booleans for switches. */
json_t *wb_config_json(const struct wb_config *cfg)
{
	const char *k[WB_MAX_SWITCHES + 1], *v[WB_MAX_SWITCHES + 1];
	size_t n;
	json_t *o = json_object();

	wb_config_json_pairs(cfg, k, v, &n);
	for (size_t i = 0; i < n; i++) {
		if (!strcmp(v[i], "true") || !strcmp(v[i], "false"))
			json_object_set_new(o, k[i], json_boolean(!strcmp(v[i], "true")));
		else
			json_object_set_new(o, k[i], json_string(v[i]));
	}
	return o;
}

/* The corruption report as a JSON object, or null when the execution did not corrupt. */
json_t *wb_report_json(const struct wb_report *r)
{
	json_t *o;

	if (r->verdict != SIM_CORRUPT)
		return json_null();
	o = json_pack("{s:i, s:i, s:s, s:s, s:s, s:s, s:i}", "offset", (json_int_t)r->offset,
		      "length", (json_int_t)r->length, "expected", r->expected, "found", r->found,
		      "lost_writer", r->lost_writer, "provenance", r->provenance, "step",
		      (json_int_t)r->origin_step);
	/* only when the range reads back bytes nobody wrote: other reports keep their keys */
	if (r->exposed)
		json_object_set_new(o, "exposed", json_true());
	return o;
}

/* The checksum of a scenario object: xxh64 of its compact, key-sorted dump. */
static void wb_scenario_checksum(json_t *scen, char out[17])
{
	char *dump = json_dumps(scen, JSON_COMPACT | JSON_SORT_KEYS);

	snprintf(out, 17, "%016llx",
		 (unsigned long long)XXH64(dump ? dump : "", dump ? strlen(dump) : 0, 0));
	free(dump);
}

static json_t *wb_footprint_json(const struct wb_model *m, const struct wb_footprint *fp)
{
	json_t *a = json_array();

	for (unsigned i = 0; i < fp->n; i++) {
		char loc[32], acc[32] = "";
		wb_loc_name(m, fp->v[i].loc, loc, sizeof(loc));
		if (fp->v[i].kind & WB_FP_READ)
			strcat(acc, "read");
		if (fp->v[i].kind & WB_FP_WAIT)
			strcat(acc, acc[0] ? ",wait" : "wait");
		if (fp->v[i].kind & WB_FP_WRITE)
			strcat(acc, acc[0] ? ",write" : "write");
		json_array_append_new(a, json_pack("{s:s, s:s}", "loc", loc, "access", acc));
	}
	return a;
}

static json_t *wb_events_json(const struct sim_ops *ops, uint32_t ev)
{
	json_t *a = json_array();

	for (unsigned k = 0; ops->event_names && ops->event_names[k]; k++)
		if (ev & (1u << k))
			json_array_append_new(a, json_string(ops->event_names[k]));
	return a;
}

/* The trace of an execution as JSON (docs/json.md), or NULL (message printed). */
static json_t *wb_trace_json(struct wb_job *job, const uint16_t *choices, size_t n,
			     const struct wb_exec *ex)
{
	json_error_t jerr;
	json_t *scen = json_loadb(job->sc->text, job->sc->text_len, 0, &jerr);
	json_t *root, *ch, *steps;
	char sum[17];

	if (!scen) {
		fprintf(stderr, "wbsim: internal error: the scenario no longer parses\n");
		return NULL;
	}
	wb_scenario_checksum(scen, sum);
	root = json_object();
	json_object_set_new(root, "wbsim_trace", json_integer(1));
	json_object_set_new(root, "wbsim_version", json_string(WBSIM_VERSION));
	json_object_set_new(root, "scenario", scen);
	json_object_set_new(root, "scenario_checksum", json_string(sum));
	json_object_set_new(root, "config",
			    wb_config_json(&job->cfg));
	ch = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(ch, json_integer(choices[i]));
	json_object_set_new(root, "choices", ch);
	steps = json_array();
	for (size_t i = 0; i < ex->nsteps; i++) {
		const struct wb_step_rec *s = &ex->steps[i];
		json_t *st = json_pack("{s:i, s:s, s:s, s:s, s:s}", "index", (json_int_t)(i + 1),
				       "task", s->actor, "step", s->step, "models",
				       s->models, "changes", s->desc);
		if (s->arg >= 0)
			json_object_set_new(st, "page", json_integer(s->arg));
		if (s->mapping)
			json_object_set_new(st, "mapping", json_string(s->mapping));
		json_object_set_new(st, "seq", json_integer(s->seq_after));
		json_object_set_new(st, "i_size", json_integer(s->i_size_after));
		json_object_set_new(st, "extents", json_string(s->extents));
		if (s->folios && s->folios[0])
			json_object_set_new(st, "folios", json_string(s->folios));
		json_object_set_new(st, "footprint", wb_footprint_json(&job->m, &s->fp));
		if (s->events)
			json_object_set_new(st, "events", wb_events_json(job->sm.ops, s->events));
		json_array_append_new(steps, st);
	}
	json_object_set_new(root, "steps", steps);
	json_object_set_new(root, "verdict", json_string(wb_verdict_name(ex->report.verdict)));
	json_object_set_new(root, "corruption", wb_report_json(&ex->report));
	if (ex->report.verdict == SIM_DEADLOCK)
		json_object_set_new(root, "deadlock", json_string(ex->report.deadlock));
	json_t *warn = json_array();
	for (size_t i = 0; i < ex->prov.nwarnings; i++)
		json_array_append_new(warn, json_string(ex->prov.warnings[i]));
	json_object_set_new(root, "warnings", warn);
	return root;
}

int wb_trace_write(const char *path, struct wb_job *job, const uint16_t *choices, size_t n,
		   const struct wb_exec *ex)
{
	json_t *root = wb_trace_json(job, choices, n, ex);
	char *text;
	int rc = 0;

	if (!root)
		return -1;
	/* the whole text first: running out of memory then leaves no temporary file */
	text = json_dumps(root, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
	json_decref(root);
	if (!text)
		wb_oom(0);
	if (wb_write_text(path, text, strlen(text)) != 0) {
		fprintf(stderr, "wbsim: error: cannot write trace %s: %s\n", path, strerror(errno));
		rc = -1;
	}
	free(text);
	return rc;
}

/* ---- reading ---- */

int wb_trace_error(const struct wb_trace *tr, const char *fmt, ...)
{
	char msg[1024];
	const char *colon;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	colon = msg[0] == '/' ? strstr(msg, ": ") : NULL;
	if (!colon || !tr->src.text) {
		fprintf(stderr, "%s: error: %s\n", tr->src.path, msg);
		return -1;
	}
	char pointer[512];
	snprintf(pointer, sizeof(pointer), "%.*s", (int)(colon - msg), msg);
	wb_json_diag(&tr->src, stderr, pointer, false, "%s", colon + 2);
	return -1;
}

/* The whole file as text (NUL-terminated), or NULL with errno set. */
static char *wb_read_text(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t n = 0, cap = 0, got;

	if (!f)
		return NULL;
	do {
		/* grow only when full: a trace under 64 KB is read into one buffer */
		if (n == cap) {
			cap = cap ? 2 * cap : 65536;
			buf = wb_xrealloc(buf, cap + 1);
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
	} while (got > 0);
	if (ferror(f)) {
		int e = errno;
		fclose(f);
		free(buf);
		errno = e;
		return NULL;
	}
	fclose(f);
	buf[n] = 0;
	*len = n;
	return buf;
}

int wb_trace_read(const char *path, struct wb_trace *tr)
{
	size_t len;
	char *text = wb_read_text(path, &len);

	if (!text) {
		memset(tr, 0, sizeof(*tr));
		tr->src.path = path;
		return wb_trace_error(tr, "cannot read: %s", strerror(errno));
	}
	return wb_trace_read_text(path, text, len, tr);
}

int wb_trace_read_text(const char *path, char *text, size_t len, struct wb_trace *tr)
{
	json_error_t jerr;
	json_t *v, *scen;
	char sum[17];
	size_t i;

	memset(tr, 0, sizeof(*tr));
	tr->src.path = path;
	tr->src.text = text;
	tr->src.len = len;
	tr->root = json_loadb(text, tr->src.len, JSON_REJECT_DUPLICATES, &jerr);
	if (!tr->root) {
		char msg[300];
		snprintf(msg, sizeof(msg), "not a valid trace (truncated or invalid JSON): %s",
			 jerr.text);
		wb_json_diag_line_col(&tr->src, stderr, jerr.line, jerr.column, msg);
		return -1;
	}
	if (!json_is_object(tr->root))
		return wb_trace_error(tr, "not a trace: expected a JSON object");
	v = json_object_get(tr->root, "wbsim_trace");
	if (!v && json_object_get(tr->root, "wbsim") && json_object_get(tr->root, "tasks"))
		return wb_trace_error(tr, "this is a scenario file, not a trace: a trace is "
					  "what wbsim run or explore writes with --trace-out FILE");
	if (!json_is_integer(v) || json_integer_value(v) != 1)
		return wb_trace_error(tr, "/wbsim_trace: missing or not 1 (not a wbsim trace, or "
					    "a version this wbsim does not read)");
	scen = json_object_get(tr->root, "scenario");
	if (!json_is_object(scen))
		return wb_trace_error(tr, "/scenario: missing or not an object");
	v = json_object_get(tr->root, "scenario_checksum");
	if (!json_is_string(v))
		return wb_trace_error(tr, "/scenario_checksum: missing or not a string");
	wb_scenario_checksum(scen, sum);
	if (strcmp(sum, json_string_value(v)))
		return wb_trace_error(tr, "/scenario: the scenario inside the trace was changed "
					    "after the trace was written (checksum %s, recorded %s); "
					    "its choices no longer describe this scenario",
				      sum, json_string_value(v));
	char *stext = json_dumps(scen, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	char where[4200];
	snprintf(where, sizeof(where), "%s#/scenario", path);
	tr->sc = wb_scenario_load_buffer(where, stext, strlen(stext), stderr);
	free(stext);
	if (!tr->sc)
		return -1;
	tr->cfg = tr->sc->config;
	v = json_object_get(tr->root, "config");
	if (!json_is_object(v))
		return wb_trace_error(tr, "/config: missing or not an object");
	const char *key;
	json_t *val;
	json_object_foreach(v, key, val) {
		char kv[160], err[600];
		if (json_is_string(val))
			snprintf(kv, sizeof(kv), "%s=%s", key, json_string_value(val));
		else if (json_is_boolean(val))
			snprintf(kv, sizeof(kv), "%s=%s", key, json_is_true(val) ? "true" : "false");
		else
			return wb_trace_error(tr, "/config/%s: expected a string or a boolean", key);
		if (wb_config_set(&tr->cfg, kv, err, sizeof(err)))
			return wb_trace_error(tr, "/config/%s: %s", key, err);
	}
	v = json_object_get(tr->root, "choices");
	if (!json_is_array(v))
		return wb_trace_error(tr, "/choices: missing or not an array");
	tr->nchoices = json_array_size(v);
	tr->choices = wb_xcalloc(tr->nchoices + 1, sizeof(uint16_t));
	for (i = 0; i < tr->nchoices; i++) {
		json_t *c = json_array_get(v, i);
		if (!json_is_integer(c) || json_integer_value(c) < 0 ||
		    json_integer_value(c) >= SIM_MAX_ENABLED)
			return wb_trace_error(tr, "/choices/%zu: expected a choice index 0..%d", i,
					      SIM_MAX_ENABLED - 1);
		tr->choices[i] = (uint16_t)json_integer_value(c);
	}
	tr->steps = json_object_get(tr->root, "steps");
	if (!json_is_array(tr->steps))
		return wb_trace_error(tr, "/steps: missing or not an array");
	if (json_array_size(tr->steps) != tr->nchoices)
		return wb_trace_error(tr, "/steps: %zu steps recorded for %zu choices",
				      json_array_size(tr->steps), tr->nchoices);
	for (i = 0; i < tr->nchoices; i++) {
		json_t *s = json_array_get(tr->steps, i);
		static const char *const need[] = { "task", "step", "changes", "extents", NULL };
		if (!json_is_object(s))
			return wb_trace_error(tr, "/steps/%zu: expected an object", i);
		for (const char *const *k = need; *k; k++)
			if (!json_is_string(json_object_get(s, *k)))
				return wb_trace_error(tr, "/steps/%zu/%s: missing or not a string",
						      i, *k);
		if (!json_is_integer(json_object_get(s, "seq")))
			return wb_trace_error(tr, "/steps/%zu/seq: missing or not an integer", i);
	}
	v = json_object_get(tr->root, "verdict");
	if (!json_is_string(v))
		return wb_trace_error(tr, "/verdict: missing or not a string");
	tr->verdict = json_string_value(v);
	return 0;
}

/* A member's value in a message: its compact dump, cut to 160 bytes. */
static void wb_json_brief(json_t *v, char *buf, size_t n)
{
	char *d = v ? json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;

	snprintf(buf, n, "%s", d ? d : "(absent)");
	if (d && strlen(d) >= n && n > 4)
		memcpy(buf + n - 4, "...", 4);
	free(d);
}

/* The first member of two objects that differs (either may lack it), or NULL. */
static const char *wb_json_first_diff(json_t *a, json_t *b)
{
	const char *k;
	json_t *v;

	json_object_foreach(a, k, v)
		if (!json_equal(v, json_object_get(b, k)))
			return k;
	json_object_foreach(b, k, v)
		if (!json_object_get(a, k))
			return k;
	return NULL;
}

/*
 * Replay the trace's choices and compare every recorded member with what the
 * model does now: each step's (task, step, page, description, mapping,
 * extents, seq, i_size, folios, footprint, events) and the outcome
 * (verdict, corruption, deadlock, warnings).  Only the version of wbsim that
 * wrote it may differ.  An exit code (message printed).
 */
static int wb_trace_verify(const char *path, struct wb_trace *tr, struct wb_job *job)
{
	static const char *const outcome[] = { "verdict", "corruption", "deadlock", "warnings",
					       NULL };
	struct wb_exec ex;
	char err[256], a[176], b[176];
	json_t *re = NULL, *rsteps;
	int rc = EXIT_USAGE;

	memset(&ex, 0, sizeof(ex));
	int r = wb_exec_record(job, tr->choices, tr->nchoices, false, &ex, err, sizeof(err));
	if (r) {
		fprintf(stderr, "%s: error: %s\n", path,
			r == SIM_RUN_CHOICE ? err : "the model cannot replay this trace");
		if (r != SIM_RUN_CHOICE)
			fprintf(stderr, "  %s\n", err);
		rc = r == SIM_RUN_INVARIANT ? EXIT_INTERNAL : EXIT_USAGE;
		goto out;
	}
	re = wb_trace_json(job, tr->choices, tr->nchoices, &ex);
	if (!re) {
		rc = EXIT_INTERNAL;
		goto out;
	}
	rsteps = json_object_get(re, "steps");
	for (size_t i = 0; i < ex.nsteps; i++) {
		json_t *fs = json_array_get(tr->steps, i), *ms = json_array_get(rsteps, i);
		const char *k = wb_json_first_diff(fs, ms);
		if (!k)
			continue;
		wb_json_brief(json_object_get(fs, k), a, sizeof(a));
		wb_json_brief(json_object_get(ms, k), b, sizeof(b));
		fprintf(stderr, "%s: error: the model diverges from the trace at step %zu (%s)\n",
			path, i + 1, k);
		fprintf(stderr, "  trace: %s %s: %s\n  model: %s %s: %s\n",
			json_string_value(json_object_get(fs, "task")),
			json_string_value(json_object_get(fs, "step")), a,
			ex.steps[i].actor, ex.steps[i].step, b);
		goto out;
	}
	if (!ex.terminal) {
		fprintf(stderr, "%s: error: the trace ends while steps are still enabled\n", path);
		goto out;
	}
	for (const char *const *k = outcome; *k; k++) {
		json_t *fv = json_object_get(tr->root, *k), *mv = json_object_get(re, *k);
		if ((fv || mv) && !json_equal(fv, mv)) {
			wb_json_brief(fv, a, sizeof(a));
			wb_json_brief(mv, b, sizeof(b));
			if (!strcmp(*k, "verdict"))
				fprintf(stderr, "%s: error: the trace records verdict %s, the replay "
						"gives %s\n", path, tr->verdict, b);
			else
				fprintf(stderr, "%s: error: the trace records %s %s, the replay gives "
						"%s\n", path, *k, a, b);
			goto out;
		}
	}
	{
		const char *k;
		json_t *v;
		json_object_foreach(tr->root, k, v)
			if (!json_object_get(re, k)) {
				fprintf(stderr, "%s: error: unknown member \"%s\" in the trace\n", path,
					k);
				goto out;
			}
	}
	rc = EXIT_OK;
out:
	json_decref(re);
	wb_exec_free(&ex);
	return rc;
}

int wb_trace_open(const char *path, struct wb_trace *tr, struct wb_job *job)
{
	size_t len;
	char *text = wb_read_text(path, &len);

	if (!text) {
		memset(tr, 0, sizeof(*tr));
		tr->src.path = path;
		wb_trace_error(tr, "cannot read: %s", strerror(errno));
		return EXIT_USAGE;
	}
	return wb_trace_open_text(path, text, len, tr, job);
}

int wb_trace_open_text(const char *path, char *text, size_t len, struct wb_trace *tr,
		       struct wb_job *job)
{
	int rc;

	if (wb_trace_read_text(path, text, len, tr)) {
		if (tr->sc)
			wb_scenario_free(tr->sc);
		wb_trace_free(tr);
		return EXIT_USAGE;
	}
	wb_job_with_config(job, tr->sc, &tr->cfg);
	/* every command that reads a trace trusts it only as far as it replays */
	rc = wb_trace_verify(path, tr, job);
	if (rc) {
		wb_job_close(job);
		wb_trace_free(tr);
	}
	return rc;
}

void wb_trace_free(struct wb_trace *tr)
{
	free((char *)tr->src.text);
	json_decref(tr->root);
	free(tr->choices);
	memset(tr, 0, sizeof(*tr));
}
