/* SPDX-License-Identifier: MIT */
/*
 * dot_conv.c - converters into viz's plain structs (viz/viz.h): a trace file's
 * JSON (wbsim dot), or an execution recorded by wb_exec_record() (run and
 * explore --dot, dot --compare, explain).  Both give the same struct for the
 * same execution, so a diagram drawn from a recorded run has the bytes of one
 * drawn from its trace file.  Everything the structs point to is borrowed from
 * the source or allocated in a struct wb_dot_mem.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "app/dot_out.h"
#include "sim/xmalloc.h"

/* ---- an arena for the strings and arrays behind a struct viz_trace ---- */

void *wb_dot_mem_alloc(struct wb_dot_mem *mm, size_t size)
{
	mm->p = wb_xgrow(mm->p, mm->n, sizeof(void *));
	mm->p[mm->n] = wb_xcalloc(1, size ? size : 1);
	return mm->p[mm->n++];
}

char *wb_dot_mem_printf(struct wb_dot_mem *mm, const char *fmt, ...)
{
	va_list ap;
	int n;
	char *s;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	s = wb_dot_mem_alloc(mm, (size_t)(n < 0 ? 0 : n) + 1);
	va_start(ap, fmt);
	vsnprintf(s, (size_t)(n < 0 ? 0 : n) + 1, fmt, ap);
	va_end(ap);
	return s;
}

void wb_dot_mem_free(struct wb_dot_mem *mm)
{
	for (size_t i = 0; i < mm->n; i++)
		free(mm->p[i]);
	free(mm->p);
	memset(mm, 0, sizeof(*mm));
}

/* ---- what every trace shares: scenario, settings, initial state, lanes ---- */

/* The task in a few words for its lane, from its actor (NULL: the lane shows the name only). */
static const char *task_desc(struct wb_dot_mem *mm, const struct wb_model *m, unsigned t)
{
	char buf[512];

	return wb_task_summary(m, t, buf, sizeof(buf)) ? wb_dot_mem_printf(mm, "%s", buf) : NULL;
}

/* Lanes: the scenario's tasks, then each IO activity named in the steps. */
static void conv_lanes(struct wb_dot_mem *mm, const struct wb_job *job, struct viz_trace *vt)
{
	struct viz_lane *l = wb_dot_mem_alloc(mm, (job->sc->ntasks + vt->nsteps + 1) * sizeof(*l));
	size_t n = 0;

	for (size_t i = 0; i < job->sc->ntasks; i++) {
		l[n].task = job->sc->tasks[i].name;
		l[n++].desc = task_desc(mm, &job->m, (unsigned)i);
	}
	for (size_t i = 0; i < vt->nsteps; i++) {
		const char *task = vt->steps[i].task, *slash = strchr(task, '/');
		size_t k;
		for (k = 0; k < n && strcmp(l[k].task, task); k++)
			;
		if (k < n || !slash)
			continue;
		l[n].task = task;
		l[n++].desc = wb_dot_mem_printf(mm, "IO issued by %.*s", (int)(slash - task), task);
	}
	vt->lanes = l;
	vt->nlanes = n;
}

static void conv_common(struct wb_dot_mem *mm, struct wb_job *job, struct viz_trace *vt)
{
	char buf[WB_EXTENTS_TEXT_MAX];

	memset(vt, 0, sizeof(*vt));
	vt->scenario = job->sc->name;
	wb_settings_text(&job->cfg, buf, sizeof(buf));
	vt->settings = wb_dot_mem_printf(mm, "%s", buf);
	wb_extents_text(&job->m, job->init, buf, sizeof(buf));
	vt->extents0 = wb_dot_mem_printf(mm, "%s", buf);
	vt->seq0 = wb_inode(job->init)->seq;
}

/* The validity cookie in a mapping's text ("UNWRITTEN [0,8192) cookie 0"), or -1. */
static long mapping_cookie(const char *mapping)
{
	const char *c = mapping ? strstr(mapping, "cookie ") : NULL;

	return c ? strtol(c + 7, NULL, 10) : -1;
}

/* ---- from a trace file's JSON ---- */

static const char *jstr(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

static int conv_access(const struct wb_trace *tr, size_t i, size_t k, const char *acc,
		       unsigned *mode)
{
	*mode = 0;
	while (*acc) {
		size_t n = strcspn(acc, ",");
		if (n == 4 && !strncmp(acc, "read", 4))
			*mode |= VIZ_READ;
		else if (n == 5 && !strncmp(acc, "write", 5))
			*mode |= VIZ_WRITE;
		else if (n == 4 && !strncmp(acc, "wait", 4))
			*mode |= VIZ_WAIT;
		else
			return wb_trace_error(tr,
				       "/steps/%zu/footprint/%zu/access: unknown access '%.*s'", i,
				       k, (int)n, acc);
		acc += n + (acc[n] == ',');
	}
	return 0;
}

static int conv_footprint(struct wb_dot_mem *mm, const struct wb_trace *tr, size_t i, json_t *st,
			  struct viz_step *s)
{
	json_t *fp = json_object_get(st, "footprint"), *e;
	struct viz_access *a;
	size_t k;

	if (!fp)
		return 0;
	if (!json_is_array(fp))
		return wb_trace_error(tr, "/steps/%zu/footprint: expected an array", i);
	a = wb_dot_mem_alloc(mm, (json_array_size(fp) + 1) * sizeof(*a));
	json_array_foreach(fp, k, e) {
		a[k].loc = jstr(e, "loc");
		if (!a[k].loc || !jstr(e, "access"))
			return wb_trace_error(tr, "/steps/%zu/footprint/%zu: expected an object "
					     "with \"loc\" and \"access\" strings", i, k);
		if (conv_access(tr, i, k, jstr(e, "access"), &a[k].mode))
			return -1;
	}
	s->fp = a;
	s->nfp = json_array_size(fp);
	return 0;
}

static int conv_events(struct wb_dot_mem *mm, const struct wb_trace *tr, size_t i, json_t *st,
		       struct viz_step *s)
{
	json_t *ev = json_object_get(st, "events"), *e;
	const char **names;
	size_t k;

	if (!ev)
		return 0;
	if (!json_is_array(ev))
		return wb_trace_error(tr, "/steps/%zu/events: expected an array", i);
	names = wb_dot_mem_alloc(mm, (json_array_size(ev) + 1) * sizeof(*names));
	json_array_foreach(ev, k, e) {
		if (!json_is_string(e))
			return wb_trace_error(tr, "/steps/%zu/events/%zu: expected a string", i,
					      k);
		names[k] = json_string_value(e);
	}
	s->events = names;
	s->nevents = json_array_size(ev);
	return 0;
}

static int conv_json_steps(struct wb_dot_mem *mm, const struct wb_trace *tr,
			   struct viz_trace *vt)
{
	size_t n = json_array_size(tr->steps);
	struct viz_step *steps = wb_dot_mem_alloc(mm, (n + 1) * sizeof(*steps));

	for (size_t i = 0; i < n; i++) {
		json_t *st = json_array_get(tr->steps, i), *page = json_object_get(st, "page");
		struct viz_step *s = &steps[i];

		s->task = jstr(st, "task");
		s->step = jstr(st, "step");
		s->changes = jstr(st, "changes");
		s->extents = jstr(st, "extents");
		s->mapping = jstr(st, "mapping");
		s->folios = jstr(st, "folios");
		s->cookie = mapping_cookie(s->mapping);
		s->seq = (unsigned long)json_integer_value(json_object_get(st, "seq"));
		s->page = json_is_integer(page) ? (int)json_integer_value(page) : -1;
		if (conv_footprint(mm, tr, i, st, s) || conv_events(mm, tr, i, st, s))
			return -1;
	}
	vt->steps = steps;
	vt->nsteps = n;
	return 0;
}

static int conv_json_verdict(struct wb_dot_mem *mm, const struct wb_trace *tr,
			     struct viz_trace *vt)
{
	json_t *c = json_object_get(tr->root, "corruption");
	struct viz_corruption *vc;
	static const char *const need[] = { "expected", "found", "lost_writer", "provenance",
					    NULL };

	vt->verdict = tr->verdict;
	vt->deadlock = jstr(tr->root, "deadlock");
	if (!c || json_is_null(c))
		return 0;
	if (!json_is_object(c) || !json_is_integer(json_object_get(c, "offset")) ||
	    !json_is_integer(json_object_get(c, "length")))
		return wb_trace_error(tr,
				      "/corruption: expected null or an object with offset, length");
	for (const char *const *k = need; *k; k++)
		if (!jstr(c, *k))
			return wb_trace_error(tr, "/corruption/%s: missing or not a string", *k);
	vc = wb_dot_mem_alloc(mm, sizeof(*vc));
	vc->offset = (unsigned long)json_integer_value(json_object_get(c, "offset"));
	vc->length = (unsigned long)json_integer_value(json_object_get(c, "length"));
	vc->expected = jstr(c, "expected");
	vc->found = jstr(c, "found");
	vc->lost_writer = jstr(c, "lost_writer");
	vc->provenance = jstr(c, "provenance");
	if (json_is_integer(json_object_get(c, "step")))
		vc->step = (size_t)json_integer_value(json_object_get(c, "step"));
	vt->corruption = vc;
	return 0;
}

int wb_viz_from_trace(struct wb_dot_mem *mm, const struct wb_trace *tr,
		      struct wb_job *job, struct viz_trace *vt)
{
	conv_common(mm, job, vt);
	if (conv_json_steps(mm, tr, vt) || conv_json_verdict(mm, tr, vt))
		return -1;
	conv_lanes(mm, job, vt);
	return 0;
}

/* ---- from a recorded execution (run/explore --dot, dot --compare, explain) ---- */

static void conv_exec_step(struct wb_dot_mem *mm, struct wb_job *job, const struct wb_step_rec *r,
			   struct viz_step *s)
{
	const char *const *evn = job->sm.ops->event_names;
	struct viz_access *a = wb_dot_mem_alloc(mm, (r->fp.n + 1) * sizeof(*a));
	const char **ev = wb_dot_mem_alloc(mm, 33 * sizeof(*ev));
	char loc[64];

	s->task = r->actor;
	s->step = r->step;
	s->page = r->arg;
	s->changes = r->desc;
	s->mapping = r->mapping;
	s->cookie = mapping_cookie(r->mapping);
	s->seq = r->seq_after;
	s->extents = r->extents;
	s->folios = r->folios && r->folios[0] ? r->folios : NULL;
	for (unsigned k = 0; k < r->fp.n; k++) {
		wb_loc_name(&job->m, r->fp.v[k].loc, loc, sizeof(loc));
		a[k].loc = wb_dot_mem_printf(mm, "%s", loc);
		a[k].mode = ((r->fp.v[k].kind & WB_FP_READ) ? VIZ_READ : 0) |
			    ((r->fp.v[k].kind & WB_FP_WRITE) ? VIZ_WRITE : 0) |
			    ((r->fp.v[k].kind & WB_FP_WAIT) ? VIZ_WAIT : 0);
	}
	s->fp = a;
	s->nfp = r->fp.n;
	for (unsigned k = 0; evn && evn[k] && k < 32; k++)
		if (r->events & (1u << k))
			ev[s->nevents++] = evn[k];
	s->events = ev;
}

void wb_viz_from_exec(struct wb_dot_mem *mm, struct wb_job *job, const struct wb_exec *ex,
		      struct viz_trace *vt)
{
	struct viz_step *steps = wb_dot_mem_alloc(mm, (ex->nsteps + 1) * sizeof(*steps));
	const struct wb_report *r = &ex->report;

	conv_common(mm, job, vt);
	for (size_t i = 0; i < ex->nsteps; i++)
		conv_exec_step(mm, job, &ex->steps[i], &steps[i]);
	vt->steps = steps;
	vt->nsteps = ex->nsteps;
	vt->verdict = wb_verdict_name(r->verdict);
	if (r->verdict == SIM_DEADLOCK)
		vt->deadlock = r->deadlock;
	if (r->verdict == SIM_CORRUPT) {
		struct viz_corruption *vc = wb_dot_mem_alloc(mm, sizeof(*vc));
		vc->offset = r->offset;
		vc->length = r->length;
		vc->expected = r->expected;
		vc->found = r->found;
		vc->lost_writer = r->lost_writer;
		vc->provenance = r->provenance;
		vc->step = r->origin_step;
		vt->corruption = vc;
	}
	conv_lanes(mm, job, vt);
}
