/* SPDX-License-Identifier: MIT */
/*
 * cmd_dot.c - wbsim dot: a Graphviz swimlane diagram of a trace file.
 *
 * The trace (or, for --compare, the trace's schedule re-run under
 * validity_check=off and after_lock) is converted into viz's plain structs,
 * viz writes DOT, and --svg runs Graphviz's dot -Tsvg on it: dot must be on
 * PATH, exit 0 and print nothing, or the command fails with exit 2.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jansson.h>

#include "app/app.h"
#include "app/dot_out.h"
#include "sim/xmalloc.h"
#include "viz/viz.h"

extern char **environ;

/* ---- an arena for the strings and arrays behind a struct viz_trace ---- */

struct dot_mem {
	void **p;
	size_t n;
};

static void *dm_alloc(struct dot_mem *mm, size_t size)
{
	mm->p = wb_xrealloc(mm->p, (mm->n + 1) * sizeof(void *));
	mm->p[mm->n] = wb_xcalloc(1, size ? size : 1);
	return mm->p[mm->n++];
}

static char *dm_printf(struct dot_mem *mm, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static char *dm_printf(struct dot_mem *mm, const char *fmt, ...)
{
	va_list ap;
	int n;
	char *s;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	s = dm_alloc(mm, (size_t)(n < 0 ? 0 : n) + 1);
	va_start(ap, fmt);
	vsnprintf(s, (size_t)(n < 0 ? 0 : n) + 1, fmt, ap);
	va_end(ap);
	return s;
}

static void dm_free(struct dot_mem *mm)
{
	for (size_t i = 0; i < mm->n; i++)
		free(mm->p[i]);
	free(mm->p);
	memset(mm, 0, sizeof(*mm));
}

/* ---- what every trace shares: scenario, settings, initial state, lanes ---- */

static const char *task_desc(struct dot_mem *mm, const struct wb_model *m,
			     const struct wb_task_def *td)
{
	char pages[256] = "";
	size_t len = 0;

	switch (td->op) {
	case WB_OP_WRITE:
		return dm_printf(mm, "write [%llu,%llu) '%c'", (unsigned long long)td->offset,
				 (unsigned long long)(td->offset + td->length), td->data);
	case WB_OP_WRITEBACK:
		if (td->has_range)
			snprintf(pages, sizeof(pages), " of [%llu,%llu)",
				 (unsigned long long)td->offset,
				 (unsigned long long)(td->offset + td->length));
		return dm_printf(mm, "%s writeback%s%s", td->sync ? "sync" : "background", pages,
				 td->passes > 1 ? ", several passes" : "");
	case WB_OP_RECLAIM:
		if ((td->pages & m->all_pages) != m->all_pages)
			for (unsigned p = 0; p < m->npages && len + 8 < sizeof(pages); p++)
				if (td->pages & (1ull << p))
					len += (size_t)snprintf(pages + len, sizeof(pages) - len,
								"%s%u", len ? "," : " of page ", p);
		return dm_printf(mm, "reclaim: %u eviction%s%s", td->evictions,
				 td->evictions == 1 ? "" : "s", pages);
	default:
		return NULL; /* ops without a description: the lane shows the name only */
	}
}

/* Lanes: the scenario's tasks, then each IO activity named in the steps. */
static void conv_lanes(struct dot_mem *mm, const struct wb_job *job, struct viz_trace *vt)
{
	struct viz_lane *l = dm_alloc(mm, (job->sc->ntasks + vt->nsteps + 1) * sizeof(*l));
	size_t n = 0;

	for (size_t i = 0; i < job->sc->ntasks; i++) {
		l[n].task = job->sc->tasks[i].name;
		l[n++].desc = task_desc(mm, &job->m, &job->sc->tasks[i]);
	}
	for (size_t i = 0; i < vt->nsteps; i++) {
		const char *task = vt->steps[i].task, *slash = strchr(task, '/');
		size_t k;
		for (k = 0; k < n && strcmp(l[k].task, task); k++)
			;
		if (k < n || !slash)
			continue;
		l[n].task = task;
		l[n++].desc = dm_printf(mm, "IO issued by %.*s", (int)(slash - task), task);
	}
	vt->lanes = l;
	vt->nlanes = n;
}

static void conv_common(struct dot_mem *mm, struct wb_job *job, struct viz_trace *vt)
{
	char buf[2048];

	memset(vt, 0, sizeof(*vt));
	vt->scenario = job->sc->name;
	wb_settings_text(&job->cfg, buf, sizeof(buf));
	vt->settings = dm_printf(mm, "%s", buf);
	wb_extents_text(&job->m, job->init, buf, sizeof(buf));
	vt->extents0 = dm_printf(mm, "%s", buf);
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

static int conv_access(const char *path, size_t i, size_t k, const char *acc, unsigned *mode)
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
			return wb_trace_error(path,
				       "/steps/%zu/footprint/%zu/access: unknown access '%.*s'", i,
				       k, (int)n, acc);
		acc += n + (acc[n] == ',');
	}
	return 0;
}

static int conv_footprint(struct dot_mem *mm, const char *path, size_t i, json_t *st,
			  struct viz_step *s)
{
	json_t *fp = json_object_get(st, "footprint"), *e;
	struct viz_access *a;
	size_t k;

	if (!fp)
		return 0;
	if (!json_is_array(fp))
		return wb_trace_error(path, "/steps/%zu/footprint: expected an array", i);
	a = dm_alloc(mm, (json_array_size(fp) + 1) * sizeof(*a));
	json_array_foreach(fp, k, e) {
		a[k].loc = jstr(e, "loc");
		if (!a[k].loc || !jstr(e, "access"))
			return wb_trace_error(path, "/steps/%zu/footprint/%zu: expected an object "
					     "with \"loc\" and \"access\" strings", i, k);
		if (conv_access(path, i, k, jstr(e, "access"), &a[k].mode))
			return -1;
	}
	s->fp = a;
	s->nfp = json_array_size(fp);
	return 0;
}

static int conv_events(struct dot_mem *mm, const char *path, size_t i, json_t *st,
		       struct viz_step *s)
{
	json_t *ev = json_object_get(st, "events"), *e;
	const char **names;
	size_t k;

	if (!ev)
		return 0;
	if (!json_is_array(ev))
		return wb_trace_error(path, "/steps/%zu/events: expected an array", i);
	names = dm_alloc(mm, (json_array_size(ev) + 1) * sizeof(*names));
	json_array_foreach(ev, k, e) {
		if (!json_is_string(e))
			return wb_trace_error(path, "/steps/%zu/events/%zu: expected a string", i, k);
		names[k] = json_string_value(e);
	}
	s->events = names;
	s->nevents = json_array_size(ev);
	return 0;
}

static int conv_json_steps(struct dot_mem *mm, const char *path, const struct wb_trace *tr,
			   struct viz_trace *vt)
{
	size_t n = json_array_size(tr->steps);
	struct viz_step *steps = dm_alloc(mm, (n + 1) * sizeof(*steps));

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
		if (conv_footprint(mm, path, i, st, s) || conv_events(mm, path, i, st, s))
			return -1;
	}
	vt->steps = steps;
	vt->nsteps = n;
	return 0;
}

static int conv_json_verdict(struct dot_mem *mm, const char *path, const struct wb_trace *tr,
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
		return wb_trace_error(path, "/corruption: expected null or an object with offset, length");
	for (const char *const *k = need; *k; k++)
		if (!jstr(c, *k))
			return wb_trace_error(path, "/corruption/%s: missing or not a string", *k);
	vc = dm_alloc(mm, sizeof(*vc));
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

/* ---- from a recorded execution (--compare) ---- */

static void conv_exec_step(struct dot_mem *mm, struct wb_job *job, const struct wb_step_rec *r,
			   struct viz_step *s)
{
	const char *const *evn = job->sm.ops->event_names;
	struct viz_access *a = dm_alloc(mm, (r->fp.n + 1) * sizeof(*a));
	const char **ev = dm_alloc(mm, 33 * sizeof(*ev));
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
		a[k].loc = dm_printf(mm, "%s", loc);
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

static void conv_exec(struct dot_mem *mm, struct wb_job *job, const struct wb_exec *ex,
		      struct viz_trace *vt)
{
	struct viz_step *steps = dm_alloc(mm, (ex->nsteps + 1) * sizeof(*steps));
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
		struct viz_corruption *vc = dm_alloc(mm, sizeof(*vc));
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

/* ---- output: the DOT file, and dot -Tsvg ---- */

static int write_file(const char *path, const char *text, size_t len)
{
	char tmp[4200];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid());
	f = fopen(tmp, "w");
	if (!f || fwrite(text, 1, len, f) != len || fclose(f) != 0 || rename(tmp, path) != 0) {
		fprintf(stderr, "wbsim dot: error: cannot write %s: %s\n", path, strerror(errno));
		if (f)
			unlink(tmp);
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

/* Read a pipe to its end. */
static char *read_all(int fd)
{
	size_t len = 0, cap = 256;
	char *s = wb_xmalloc(cap);
	ssize_t k;

	for (;;) {
		if (len + 1 == cap)
			s = wb_xrealloc(s, cap *= 2);
		k = read(fd, s + len, cap - len - 1);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		len += (size_t)k;
	}
	s[len] = 0;
	return s;
}

/* Run `dot -Tsvg -o OUT IN`, its stdout and stderr into a pipe; fills *msg, returns status. */
static int spawn_dot(const char *in, const char *out, char **msg, int *status)
{
	char *argv[] = { "dot", "-Tsvg", "-o", (char *)out, (char *)in, NULL };
	posix_spawn_file_actions_t fa;
	int p[2], rc;
	pid_t pid;

	if (pipe(p))
		return errno;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, p[1], 1);
	posix_spawn_file_actions_adddup2(&fa, p[1], 2);
	posix_spawn_file_actions_addclose(&fa, p[0]);
	posix_spawn_file_actions_addclose(&fa, p[1]);
	rc = posix_spawnp(&pid, "dot", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(p[1]);
	if (rc) {
		close(p[0]);
		return rc;
	}
	*msg = read_all(p[0]);
	close(p[0]);
	while (waitpid(pid, status, 0) < 0)
		if (errno != EINTR)
			return errno;
	return 0;
}

static int dot_failed(const char *svg, const char *what, const char *msg)
{
	fprintf(stderr, "wbsim dot: error: dot -Tsvg for %s %s%s%s", svg, what, msg[0] ? ":\n" : "",
		msg);
	if (msg[0] && msg[strlen(msg) - 1] != '\n')
		fputc('\n', stderr);
	if (!msg[0])
		fputc('\n', stderr);
	return EXIT_USAGE;
}

/* Render DOT (already in the file `in`) to svg_path via a temporary file. */
static int render_svg(const char *in, const char *svg_path)
{
	char tmp[4200], what[64], *msg = NULL;
	int status = 0, rc;

	snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", svg_path, (long)getpid());
	rc = spawn_dot(in, tmp, &msg, &status);
	if (rc == ENOENT) {
		fprintf(stderr, "wbsim dot: error: --svg needs Graphviz's dot program, and "
				"there is no 'dot' on PATH (install graphviz, or write DOT "
				"with -o)\n");
		return EXIT_USAGE;
	}
	if (rc) {
		fprintf(stderr, "wbsim dot: error: cannot run dot: %s\n", strerror(rc));
		return EXIT_USAGE;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		if (WIFEXITED(status))
			snprintf(what, sizeof(what), "failed (exit %d)", WEXITSTATUS(status));
		else
			snprintf(what, sizeof(what), "died (signal %d)", WTERMSIG(status));
		rc = dot_failed(svg_path, what, msg);
	} else if (msg[0]) {
		rc = dot_failed(svg_path, "printed warnings (a wbsim bug: please report)", msg);
	} else if (rename(tmp, svg_path) != 0) {
		fprintf(stderr, "wbsim dot: error: cannot write %s: %s\n", svg_path,
			strerror(errno));
		rc = EXIT_USAGE;
	}
	if (rc)
		unlink(tmp);
	free(msg);
	return rc;
}

/* Render DOT text held in memory: through dot_path if written, else a temporary file. */
static int render_text(const char *text, size_t len, const char *dot_path, const char *svg_path)
{
	const char *dir = getenv("TMPDIR");
	char in[4200];
	int fd, rc;

	if (dot_path)
		return render_svg(dot_path, svg_path);
	snprintf(in, sizeof(in), "%s/wbsim-dot-XXXXXX", dir && dir[0] ? dir : "/tmp");
	fd = mkstemp(in);
	if (fd < 0 || write(fd, text, len) != (ssize_t)len) {
		fprintf(stderr, "wbsim dot: error: cannot write a temporary file %s: %s\n", in,
			strerror(errno));
		if (fd >= 0) {
			close(fd);
			unlink(in);
		}
		return EXIT_USAGE;
	}
	close(fd);
	rc = render_svg(in, svg_path);
	unlink(in);
	return rc;
}

/* Write the DOT that gen() produces where asked; render it with --svg. */
static int dot_output(int (*gen)(const void *ctx, FILE *out), const void *ctx,
		      const char *dot_path, const char *svg_path)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	int rc = EXIT_OK;

	if (!f || gen(ctx, f) || fclose(f)) {
		fprintf(stderr, "wbsim dot: internal error: cannot build the diagram\n");
		free(text);
		return EXIT_INTERNAL;
	}
	if (dot_path)
		rc = write_file(dot_path, text, len);
	else if (!svg_path && (fwrite(text, 1, len, stdout) != len || fflush(stdout)))
		rc = EXIT_USAGE;
	if (!rc && svg_path)
		rc = render_text(text, len, dot_path, svg_path);
	free(text);
	return rc;
}

/* ---- wbsim dot TRACE ---- */

struct single_ctx {
	const struct viz_trace *vt;
	struct viz_opts opts;
};

static int gen_single(const void *ctx, FILE *out)
{
	const struct single_ctx *c = ctx;

	return viz_write_dot(c->vt, &c->opts, out);
}

int wb_dot_from_trace(const char *trace_path, const char *dot_path, const char *svg_path,
		      bool steps_only)
{
	struct dot_mem mm = { 0 };
	struct wb_trace tr;
	struct wb_job job;
	struct viz_trace vt;
	struct single_ctx c = { .vt = &vt, .opts = { .steps_only = steps_only } };
	int rc = wb_trace_open(trace_path, &tr, &job);

	if (rc)
		return rc;
	conv_common(&mm, &job, &vt);
	if (conv_json_steps(&mm, trace_path, &tr, &vt) ||
	    conv_json_verdict(&mm, trace_path, &tr, &vt)) {
		rc = EXIT_USAGE;
		goto out;
	}
	conv_lanes(&mm, &job, &vt);
	rc = dot_output(gen_single, &c, dot_path, svg_path);
out:
	dm_free(&mm);
	wb_job_close(&job);
	wb_trace_free(&tr);
	return rc;
}

/* ---- wbsim dot --compare TRACE ---- */

struct side {
	struct wb_job job;
	struct wb_exec ex;
	bool have_ex;
	char note[640];
};

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
	const char *mode = wb_check_name(sd->job.cfg.validity_check);
	char err[512], err2[512];
	size_t nt;
	char **texts = wb_split_list(sched, &nt);
	int rc = side_settle(sd, texts, nt, choices, n, err, sizeof(err));

	wb_free_list(texts, nt);
	if (rc && rc != SIM_RUN_SCHEDULE)
		fprintf(stderr, "wbsim dot: error: --compare: under validity_check=%s: %s\n", mode,
			err);
	if (rc != SIM_RUN_SCHEDULE)
		return rc;
	if (!own) {
		fprintf(stderr, "wbsim dot: error: --compare: the trace's schedule does not fit "
				"under validity_check=%s (%s), and the scenario has no schedule "
				"of its own\n", mode, err);
		return rc;
	}
	rc = side_settle(sd, own->entries, own->n, choices, n, err2, sizeof(err2));
	if (rc == SIM_RUN_SCHEDULE)
		fprintf(stderr, "wbsim dot: error: --compare: neither the trace's schedule (%s) "
				"nor the scenario's %s (%s) fits under validity_check=%s\n",
			err, own->pointer, err2, mode);
	else if (!rc)
		snprintf(sd->note, sizeof(sd->note),
			 "the trace's schedule does not fit here (%s);\n"
			 "the scenario's %s instead",
			 err, own->pointer);
	return rc;
}

static int side_open(struct side *sd, const struct wb_job *job0, enum wb_check mode,
		     const char *sched)
{
	struct wb_config cfg = job0->cfg;
	struct wb_scenario *sc;
	uint16_t *choices = NULL;
	size_t n = 0;
	char err[512];
	int rc;

	memset(sd, 0, sizeof(*sd));
	sc = wb_scenario_load_buffer(job0->sc->path, job0->sc->text, job0->sc->text_len, stderr);
	if (!sc)
		return EXIT_INTERNAL;
	cfg.validity_check = mode;
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
static char *compare_title(struct dot_mem *mm, const struct wb_job *job0, const char *sched)
{
	size_t len = strlen(sched), col = 0;
	char *s = dm_alloc(mm, 2 * len + 256), *p;

	p = s + sprintf(s, "%s: the trace's schedule under validity_check=off and after_lock\n"
			   "schedule (recorded under validity_check=%s): ",
			job0->sc->name, wb_check_name(job0->cfg.validity_check));
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

static void side_title(struct dot_mem *mm, const struct side *sd, struct viz_trace *vt)
{
	vt->title = dm_printf(mm, "validity_check=%s: %s",
			      wb_check_name(sd->job.cfg.validity_check), vt->verdict);
	if (sd->note[0])
		vt->note = sd->note;
}

int wb_dot_compare_from_trace(const char *trace_path, const char *dot_path, const char *svg_path,
			      bool steps_only)
{
	struct dot_mem mm = { 0 };
	struct side sd[2];
	struct viz_trace vt[2];
	struct compare_ctx c = { .a = &vt[0], .b = &vt[1], .opts = { .steps_only = steps_only } };
	struct wb_trace tr;
	struct wb_job job0;
	unsigned pre;
	int rc = wb_trace_open(trace_path, &tr, &job0), opened;
	char *sched;

	if (rc)
		return rc;
	sched = wb_choices_schedule(&job0, tr.choices, tr.nchoices, &pre);
	for (opened = 0; opened < 2 && !rc; opened++) {
		rc = side_open(&sd[opened], &job0, opened ? WB_CHECK_AFTER_LOCK : WB_CHECK_OFF,
			       sched);
		if (rc)
			continue;
		conv_exec(&mm, &sd[opened].job, &sd[opened].ex, &vt[opened]);
		side_title(&mm, &sd[opened], &vt[opened]);
	}
	if (!rc) {
		c.title = compare_title(&mm, &job0, sched);
		rc = dot_output(gen_compare, &c, dot_path, svg_path);
	}
	while (opened-- > 0)
		side_close(&sd[opened]);
	free(sched);
	dm_free(&mm);
	wb_job_close(&job0);
	wb_trace_free(&tr);
	return rc;
}

/* ---- the command ---- */

static void dot_help(FILE *out)
{
	fprintf(out,
		"usage: wbsim dot TRACE [-o FILE.dot] [--svg FILE.svg] [--steps-only] [--compare]\n"
		"\n"
		"Draw TRACE as a Graphviz swimlane diagram: one lane per task, steps in program\n"
		"order, edges for what one step caused in another lane (derived from the\n"
		"footprints), the stale window shaded, the lost bytes in red.\n"
		"\n"
		"  -o FILE.dot      write DOT to FILE.dot (default: stdout, unless --svg)\n"
		"  --svg FILE.svg   also render it with Graphviz's dot -Tsvg (on PATH)\n"
		"  --steps-only     compact: fold runs of steps that share nothing into one node\n"
		"  --compare        the trace's schedule under validity_check=off and after_lock,\n"
		"                   side by side\n"
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
		{ NULL, 0, NULL, 0 },
	};
	const char *dot_path = NULL, *svg_path = NULL;
	bool steps_only = false, compare = false;
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
			steps_only = true;
			break;
		case 'c':
			compare = true;
			break;
		case 'h':
			dot_help(stdout);
			return EXIT_OK;
		default:
			fprintf(stderr, "Try 'wbsim dot --help'.\n");
			return EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		wb_usage_error("dot", optind >= argc ? "missing TRACE" : "too many arguments");
		return EXIT_USAGE;
	}
	if (compare)
		return wb_dot_compare_from_trace(argv[optind], dot_path, svg_path, steps_only);
	return wb_dot_from_trace(argv[optind], dot_path, svg_path, steps_only);
}
