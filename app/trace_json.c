/* SPDX-License-Identifier: MIT */
/*
 * trace_json.c - the trace file (INTERFACE.md): the scenario as loaded, the
 * config, the choice list, every step with what it changed, and the verdict
 * with provenance.  Written to a temporary file and renamed, so an
 * interrupted run never leaves half a trace.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "app/app.h"

json_t *wb_report_json(const struct wb_report *r);

int wb_trace_write(const char *path, struct wb_job *job, const uint16_t *choices, size_t n,
		   const struct wb_exec *ex)
{
	json_error_t jerr;
	json_t *scen = json_loadb(job->sc->text, job->sc->text_len, 0, &jerr);
	json_t *root, *ch, *steps;
	char tmp[4096];
	int rc = 0;

	if (!scen)
		scen = json_null();
	root = json_object();
	json_object_set_new(root, "wbsim_trace", json_integer(1));
	json_object_set_new(root, "wbsim_version", json_string(WBSIM_VERSION));
	json_object_set_new(root, "scenario", scen);
	json_object_set_new(root, "config",
			    json_pack("{s:s, s:b}", "validity_check",
				      wb_check_name(job->cfg.validity_check),
				      "writeback_revalidate", job->cfg.writeback_revalidate));
	ch = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(ch, json_integer(choices[i]));
	json_object_set_new(root, "choices", ch);
	steps = json_array();
	for (size_t i = 0; i < ex->nsteps; i++) {
		const struct wb_step_rec *s = &ex->steps[i];
		json_t *st = json_pack("{s:i, s:s, s:s, s:s, s:s, s:i}", "index", (json_int_t)(i + 1),
				       "task", s->actor, "step", s->step, "models",
				       wb_step_kernel_fn(s->step), "changes", s->desc, "seq",
				       (json_int_t)s->seq_after);
		if (s->arg >= 0)
			json_object_set_new(st, "page", json_integer(s->arg));
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

	snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid());
	if (json_dump_file(root, tmp, JSON_INDENT(1) | JSON_PRESERVE_ORDER) != 0 ||
	    rename(tmp, path) != 0) {
		fprintf(stderr, "wbsim: error: cannot write trace %s: %s\n", path, strerror(errno));
		unlink(tmp);
		rc = -1;
	}
	json_decref(root);
	return rc;
}
