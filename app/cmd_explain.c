/* SPDX-License-Identifier: MIT */
/*
 * cmd_explain.c - wbsim explain: which orderings a failing trace needs.
 *
 * From the footprints of the trace's steps, the dependencies between steps of
 * two different tasks (viz/hb.h): reads-from (the later step read or waited
 * for a location the earlier one wrote last), from-read (the earlier step read
 * a location the later one overwrote while the reader's task could still use
 * it: a sample that goes stale) and write-write.  Those the scenario fixes whatever the interleaving (`after`, or
 * a step of an IO its own task started) are shown apart.  A pair of steps is
 * *necessary* when exploring the scenario with the pair forced into the
 * opposite order (the later step's task must take that step before the
 * earlier step's task takes its step) finds no failure at all.  One time
 * budget covers the whole command: cheap replays of the trace with the pair
 * reversed come first (a failing one decides every pair it reverses), then
 * explorations share what is left.  The race is named as the stale window
 * (sample, changes, use, lost bytes) and as the chain of necessary edges, in
 * kernel words; then the knobs a real reproducer would use.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "app/app.h"
#include "app/dot_out.h"
#include "sim/xmalloc.h"
#include "viz/hb.h"

/*
 * A step's identity across executions: the task (an IO activity by its parent
 * and page, since IO numbers depend on the order) and the step name; occ
 * counts the steps of that identity up to this one.
 */
struct ex_step {
	char actor[48];	/* a task's name, or the IO's parent */
	int io_page;	/* the IO's page, or -1 */
	const char *step;
	unsigned occ;
};

/* What orders an edge's two steps whatever the interleaving. */
enum ex_why { EX_RACE, EX_AFTER, EX_PROGRAM };

struct ex_edge {
	size_t from, to; /* step indexes, 0-based */
	enum viz_dep_kind kind;
	char locs[96];	 /* the resources, "extent map, folio 1" */
	enum ex_why why;
	char reason[64]; /* why == EX_AFTER or EX_PROGRAM: in words */
	int necessary;	 /* 1 yes, 0 no, -1 undecided; shared by the edges of one pair */
	bool forced;	 /* no execution at all has the opposite order */
	size_t pair;	 /* the first edge of the same (from, to) */
};

/* The whole command's time limit when --time-limit is not given. */
#define EXPLAIN_DEFAULT_SECONDS 50

static void explain_help(FILE *out)
{
	fprintf(out,
		"usage: wbsim explain TRACE [--time-limit SECONDS]\n"
		"\n"
		"For a failing trace: the race as a stale window (the step that sampled the\n"
		"extent map, the steps of other tasks that changed it or evicted the page, the\n"
		"step that used the stale copy, the bytes lost or exposed); the dependencies\n"
		"between tasks (reads-from, from-read, write-write), each with its resource and\n"
		"marked necessary when the scenario with the pair forced into the opposite order\n"
		"has no failing execution, those the scenario's after or program order fixes\n"
		"apart; the necessary ones as a chain in kernel words; and a sketch of a real\n"
		"reproducer for the trace's kernel version.\n"
		"\n"
		"  --time-limit SECONDS   for the whole command (default %d; 0: none): replays\n"
		"                         of the trace with a pair reversed first, then one\n"
		"                         exploration per pair left, each given an even share\n"
		"                         of the time left; pairs still open are undecided.\n"
		"                         A progress line on stderr when it is a terminal\n"
		"\n"
		"Exit: 0 explained, 2 bad input (or a trace that does not fail), 3 internal error.\n",
		EXPLAIN_DEFAULT_SECONDS);
}

/* The identity of the action about to apply to world w. */
static void explain_identity(struct wb_job *job, const void *w, uint32_t a, struct ex_step *out)
{
	struct sim_label lab;
	unsigned slot = WB_ACTION_SLOT(a);

	wb_sim_ops.label(&job->m, w, a, &lab);
	out->step = lab.step;
	out->io_page = -1;
	snprintf(out->actor, sizeof(out->actor), "%s", lab.actor);
	if (slot >= WB_IO_SLOT0) {
		char *slash = strchr(out->actor, '/');
		if (slash)
			*slash = 0;
		out->io_page = (int)(slot - WB_IO_SLOT0);
	}
}

static bool explain_same(const struct ex_step *a, const struct ex_step *b)
{
	return a->io_page == b->io_page && !strcmp(a->actor, b->actor) &&
	       a->step && b->step && !strcmp(a->step, b->step);
}

/* The identity and occurrence of every step, by replaying the choices. */
static struct ex_step *explain_actors(struct wb_job *job, const uint16_t *ch, size_t n)
{
	const struct sim_model *sm = &job->sm;
	struct ex_step *st = wb_xcalloc(n + 1, sizeof(*st));
	struct sim_action act[SIM_MAX_ENABLED];
	void *w = wb_xmalloc(sm->size);
	size_t i, j;

	memcpy(w, job->init, sm->size);
	for (i = 0; i < n; i++) {
		sm->ops->enabled(sm->ctx, w, act);
		explain_identity(job, w, act[ch[i]].id, &st[i]);
		st[i].occ = 1;
		for (j = 0; j < i; j++)
			if (explain_same(&st[j], &st[i]))
				st[i].occ++;
		sm->ops->apply(sm->ctx, w, act[ch[i]].id);
	}
	free(w);
	return st;
}

struct ex_match {
	struct wb_job *job;
	const struct ex_step *which[2];
};

static bool explain_match(void *mctx, const void *world, uint32_t action, int which)
{
	struct ex_match *x = mctx;
	struct ex_step id;

	explain_identity(x->job, world, action, &id);
	return explain_same(&id, x->which[which]);
}

/* Same task across executions: the same task, or an IO of the same parent and page. */
static size_t *explain_tasks(const struct ex_step *st, size_t n)
{
	size_t *task = wb_xcalloc(n + 1, sizeof(*task));

	for (size_t j = 0; j < n; j++) {
		task[j] = j;
		for (size_t i = 0; i < j; i++)
			if (st[i].io_page == st[j].io_page && !strcmp(st[i].actor, st[j].actor)) {
				task[j] = task[i];
				break;
			}
	}
	return task;
}

/* A footprint location as the resource it is in kernel words. */
static void explain_resource(const char *loc, char *buf, size_t n)
{
	if (!strncmp(loc, "block ", 6) || !strcmp(loc, "seq"))
		snprintf(buf, n, "extent map");
	else if (!strncmp(loc, "disk ", 5))
		snprintf(buf, n, "disk block %s", loc + 5);
	else
		snprintf(buf, n, "%s", loc);
}

static const char *const explain_kind_name[] = {
	[VIZ_DEP_RF] = "reads-from",
	[VIZ_DEP_FR] = "from-read",
	[VIZ_DEP_WW] = "write-write",
};

/* The scenario's task named name (not an IO), or -1. */
static int explain_task_index(const struct wb_scenario *sc, const char *name)
{
	for (size_t i = 0; i < sc->ntasks; i++)
		if (!strcmp(sc->tasks[i].name, name))
			return (int)i;
	return -1;
}

/* Does task t run after task a, directly or through others? */
static bool explain_runs_after(const struct wb_scenario *sc, int t, int a)
{
	uint32_t seen = 0, todo = 1u << t;

	while (todo) {
		int i = __builtin_ctz(todo);
		todo &= todo - 1;
		seen |= 1u << i;
		if (sc->tasks[i].after & (1u << a))
			return true;
		todo |= sc->tasks[i].after & ~seen;
	}
	return false;
}

/*
 * Is the edge ordered whatever the interleaving, by the scenario's `after`
 * (the later step's task runs after the earlier step's task has finished) or by
 * program order (the later step belongs to an IO the earlier step's task
 * started at or after that step)?  Says why in buf.
 */
static enum ex_why explain_static(const struct wb_job *job, const struct wb_exec *ex,
				  const struct ex_step *st, const struct ex_edge *e, char *buf,
				  size_t n)
{
	const struct wb_step_rec *a = &ex->steps[e->from], *b = &ex->steps[e->to];
	int ta = explain_task_index(job->sc, a->actor), tb = explain_task_index(job->sc, st[e->to].actor);

	if (st[e->to].io_page >= 0 && !strcmp(a->actor, st[e->to].actor)) {
		char io[64];
		snprintf(io, sizeof(io), "%s ", b->actor);
		for (size_t k = e->to; k-- > e->from;)
			if (!strcmp(ex->steps[k].actor, a->actor) && strstr(ex->steps[k].desc, io)) {
				snprintf(buf, n, "step %zu starts %s", k + 1, b->actor);
				return EX_PROGRAM;
			}
	}
	if (ta >= 0 && tb >= 0 && ta != tb && explain_runs_after(job->sc, tb, ta)) {
		snprintf(buf, n, "%s runs after %s", job->sc->tasks[tb].name, a->actor);
		return EX_AFTER;
	}
	return EX_RACE;
}

/*
 * The dependencies between the execution's tasks (viz/hb.h: reads-from,
 * from-read, write-write), derived from its footprints, between tasks as
 * explain_tasks() tells them apart; their resources listed in one short line.
 */
static struct ex_edge *explain_edges(struct wb_job *job, const struct wb_exec *ex,
				     const struct ex_step *st, size_t *nedges)
{
	struct wb_dot_mem mm = { 0 };
	struct viz_trace vt;
	struct viz_dep_edge *h;
	struct ex_edge *e;
	size_t *task = explain_tasks(st, ex->nsteps), n;
	char res[64];

	wb_viz_from_exec(&mm, job, ex, &vt);
	h = viz_dep_edges(vt.steps, vt.nsteps, task, &n);
	e = wb_xcalloc(n + 1, sizeof(*e));
	for (size_t x = 0; x < n; x++) {
		e[x].from = h[x].e.from;
		e[x].to = h[x].e.to;
		e[x].kind = h[x].kind;
		e[x].necessary = -1;
		e[x].pair = x;
		for (size_t y = 0; y < x; y++)
			if (e[y].from == e[x].from && e[y].to == e[x].to) {
				e[x].pair = y;
				break;
			}
		for (size_t k = 0; k < h[x].e.nlocs; k++) {
			size_t len = strlen(e[x].locs);
			explain_resource(h[x].e.locs[k], res, sizeof(res));
			if (!strstr(e[x].locs, res) && len + strlen(res) + 3 < sizeof(e[x].locs))
				snprintf(e[x].locs + len, sizeof(e[x].locs) - len, "%s%s",
					 len ? ", " : "", res);
		}
		e[x].why = explain_static(job, ex, st, &e[x], e[x].reason, sizeof(e[x].reason));
	}
	viz_dep_free(h, n);
	wb_dot_mem_free(&mm);
	free(task);
	*nedges = n;
	return e;
}

/* ---- necessity, against one budget ---- */

struct ex_budget {
	struct timespec start;
	double limit;		/* seconds for the whole command; 0: none */
	bool progress;		/* a progress line on stderr (a terminal) */
	size_t decided, total;
	unsigned explorations, witnesses;
	/* an exploration stopped by memory ("max-memory", "out-of-memory"), not the clock */
	const char *nomem;
};

static double explain_elapsed(const struct ex_budget *b)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - b->start.tv_sec) + (now.tv_nsec - b->start.tv_nsec) / 1e9;
}

/* Seconds left, or -1 for no limit (and 0 when spent). */
static double explain_left(const struct ex_budget *b)
{
	double left;

	if (b->limit <= 0)
		return -1;
	left = b->limit - explain_elapsed(b);
	return left > 0 ? left : 0;
}

static void explain_progress_line(const struct ex_budget *b, const char *what)
{
	if (!b->progress)
		return;
	fprintf(stderr, "\rexplain: %zu of %zu orderings decided, %.0f s; %s   ", b->decided,
		b->total, explain_elapsed(b), what);
	fflush(stderr);
}

static void explain_explore_progress(void *pctx, const char *line)
{
	explain_progress_line(pctx, line);
}

/*
 * The steps of an execution as identities (explain_identity), by replaying
 * its choices; returns how many of n replayed (fewer if a choice is out of
 * range).
 */
static size_t explain_path_ids(struct wb_job *job, const uint16_t *ch, size_t n,
			       struct ex_step *out)
{
	const struct sim_model *sm = &job->sm;
	struct sim_action act[SIM_MAX_ENABLED];
	void *w = wb_xmalloc(sm->size);
	size_t i;

	memcpy(w, job->init, sm->size);
	for (i = 0; i < n; i++) {
		unsigned na = sm->ops->enabled(sm->ctx, w, act);
		if (ch[i] >= na)
			break;
		explain_identity(job, w, act[ch[i]].id, &out[i]);
		sm->ops->apply(sm->ctx, w, act[ch[i]].id);
	}
	free(w);
	return i;
}

/* Where the occ-th step of identity id is in path[0..n), or n. */
static size_t explain_find(const struct ex_step *path, size_t n, const struct ex_step *id)
{
	unsigned seen = 0;

	for (size_t i = 0; i < n; i++)
		if (explain_same(&path[i], id) && ++seen == id->occ)
			return i;
	return n;
}

/*
 * A failing execution decides every undecided pair it satisfies the opposite
 * order of (the constraint's meaning: `from` never comes, or comes after
 * `to`): those are not necessary.
 */
static void explain_refute(struct ex_edge *e, size_t ne, const struct ex_step *st,
			   const struct ex_step *path, size_t n, struct ex_budget *b)
{
	for (size_t x = 0; x < ne; x++) {
		if (e[x].pair != x || e[x].necessary >= 0 || e[x].why != EX_RACE)
			continue;
		size_t pf = explain_find(path, n, &st[e[x].from]);
		size_t pt = explain_find(path, n, &st[e[x].to]);
		if (pf == n || (pt < n && pt < pf)) {
			e[x].necessary = 0;
			b->decided++;
		}
	}
}

/*
 * A cheap witness for a pair (before any exploration): replay the trace
 * with `from` held until `to` has run, every other step taken in the trace's
 * order as far as the steps allow (the first enabled step of the earliest
 * identity not yet taken; the first enabled one when none is the trace's).
 * With `pull`, while `from` is held the steps of `to`'s task go first (`to`
 * moves up to `from` rather than `from` down to `to`).  Returns its length if
 * it ends failing (its identities in path), or 0.
 */
static size_t explain_witness(struct wb_job *job, const struct ex_step *st, size_t n,
			      const struct ex_edge *e, bool pull, struct ex_step *path, size_t cap)
{
	const struct sim_model *sm = &job->sm;
	struct sim_action act[SIM_MAX_ENABLED];
	void *w = wb_xmalloc(sm->size);
	bool *done = wb_xcalloc(n + 1, sizeof(*done));
	size_t len = 0, result = 0;

	memcpy(w, job->init, sm->size);
	for (;;) {
		unsigned na = sm->ops->enabled(sm->ctx, w, act);
		if (!na) {
			if (sm->ops->verdict(sm->ctx, w) != SIM_SAFE)
				result = len;
			break;
		}
		if (len == cap)
			break;
		size_t best = n;
		int pick = -1, any = -1, pulled = -1;
		bool held_now = false, holding = explain_find(path, len, &st[e->to]) == len;
		for (unsigned a = 0; a < na; a++) {
			struct ex_step id;
			explain_identity(job, w, act[a].id, &id);
			id.occ = 1;
			for (size_t k = 0; k < len; k++)
				if (explain_same(&path[k], &id))
					id.occ++;
			if (holding && explain_same(&id, &st[e->from]) && id.occ == st[e->from].occ) {
				held_now = true;
				continue; /* held */
			}
			if (any < 0)
				any = (int)a;
			if (pulled < 0 && id.io_page == st[e->to].io_page &&
			    !strcmp(id.actor, st[e->to].actor))
				pulled = (int)a;
			for (size_t k = 0; k < n && k < best; k++)
				if (!done[k] && explain_same(&st[k], &id) && st[k].occ == id.occ) {
					best = k;
					pick = (int)a;
				}
		}
		if (any < 0)
			break; /* only the held step is enabled: stuck */
		if (pull && held_now && pulled >= 0)
			pick = pulled;
		else if (pick < 0)
			pick = any;
		explain_identity(job, w, act[pick].id, &path[len]);
		path[len].occ = 1;
		for (size_t k = 0; k < len; k++)
			if (explain_same(&path[k], &path[len]))
				path[len].occ++;
		for (size_t k = 0; k < n; k++)
			if (!done[k] && explain_same(&st[k], &path[len]) &&
			    st[k].occ == path[len].occ) {
				done[k] = true;
				break;
			}
		len++;
		sm->ops->apply(sm->ctx, w, act[pick].id);
	}
	free(done);
	free(w);
	return result;
}

/*
 * The model's verdict, watched: the first failing end state a constrained
 * exploration reaches decides its pair (an end state is only reached along a
 * path that keeps the constraint), so the search stops there (its stop flag)
 * instead of exploring the rest.
 */
static enum sim_verdict (*explain_model_verdict)(void *ctx, const void *world);
static volatile int explain_failed;
/* the search's stop flag: a failure found, or a signal (wb_catch_signals) */
static volatile int explain_stop;

static enum sim_verdict explain_verdict(void *ctx, const void *world)
{
	enum sim_verdict v = explain_model_verdict(ctx, world);

	if (v != SIM_SAFE)
		explain_failed = explain_stop = 1;
	return v;
}

/* A failing path of choices decides the pairs it reverses. */
static void explain_refute_choices(struct wb_job *job, const struct ex_step *st, struct ex_edge *e,
				   size_t ne, const uint16_t *ch, size_t len, struct ex_budget *b)
{
	struct ex_step *path = wb_xcalloc(len + 1, sizeof(*path));
	size_t n = explain_path_ids(job, ch, len, path);

	for (size_t k = 0; k < n; k++) {
		path[k].occ = 1;
		for (size_t j = 0; j < k; j++)
			if (explain_same(&path[j], &path[k]))
				path[k].occ++;
	}
	explain_refute(e, ne, st, path, n, b);
	free(path);
}

/*
 * Is the pair necessary: with `to` forced before `from`, does any failure
 * remain?  An exploration of the scenario under that constraint, for at most
 * `seconds` (0: no limit), stopped at its first failing end state; the
 * failing paths it keeps decide other pairs too.
 */
static void explain_necessary(struct wb_job *job, const struct ex_step *st, struct ex_edge *e,
			      size_t x, size_t ne, double seconds, struct ex_budget *b)
{
	struct ex_match m = { .job = job, .which = { &st[e[x].from], &st[e[x].to] } };
	struct sim_explore_opts o = { .constrain = true, .time_limit = seconds,
				      .match = explain_match, .mctx = &m, .all_failing = 1,
				      .stop = &explain_stop,
				      .max_memory = wb_default_max_memory() };
	struct sim_ops ops = *job->sm.ops;
	struct sim_model sm = job->sm;
	struct sim_explore_result r;

	explain_model_verdict = ops.verdict;
	ops.verdict = explain_verdict;
	sm.ops = &ops;
	explain_failed = 0;
	explain_stop = wb_interrupted != 0;
	if (b->progress) {
		o.progress = explain_explore_progress;
		o.pctx = b;
	}
	o.hold_n = st[e[x].from].occ;
	o.until_n = st[e[x].to].occ;
	b->explorations++;
	if (sim_explore(&sm, job->init, &o, &r)) {
		fprintf(stderr, "wbsim: %s\n", r.error);
		exit(EXIT_INTERNAL);
	}
	if (explain_failed) {
		e[x].necessary = 0;
		b->decided++;
		for (size_t k = 0; k < r.nfailing_paths; k++)
			explain_refute_choices(job, st, e, ne, r.failing_paths[k].choices,
					       r.failing_paths[k].len, b);
	} else if (r.complete) {
		e[x].necessary = 1;
		e[x].forced = sim_count_is_zero(&r.executions);
		b->decided++;
	} else if (r.stopped_by && strstr(r.stopped_by, "memory")) {
		b->nomem = r.stopped_by;
	}
	sim_explore_result_free(&r);
}

/*
 * Decide the pairs of the edges that may be the race (not those `after` or
 * program order fix): first the cheap witnesses, each failing one deciding
 * every pair it reverses; then one exploration per pair still open, each
 * given an even share of the time left (what one does not use goes to the
 * next).
 */
static void explain_decide(struct wb_job *job, const struct ex_step *st, size_t nsteps,
			   struct ex_edge *e, size_t ne, struct ex_budget *b)
{
	size_t cap = 4 * nsteps + 64;
	struct ex_step *path = wb_xcalloc(cap + 1, sizeof(*path));

	for (size_t x = 0; x < ne; x++)
		if (e[x].pair == x && e[x].why == EX_RACE)
			b->total++;
	for (size_t x = 0; x < ne; x++) {
		if (e[x].pair != x || e[x].why != EX_RACE || e[x].necessary >= 0)
			continue;
		if (explain_left(b) == 0 || wb_interrupted)
			break;
		explain_progress_line(b, "witnesses");
		for (int pull = 0; pull < 2 && e[x].necessary < 0; pull++) {
			b->witnesses++;
			size_t n = explain_witness(job, st, nsteps, &e[x], pull, path, cap);
			if (n)
				explain_refute(e, ne, st, path, n, b);
		}
	}
	free(path);
	for (size_t x = 0; x < ne; x++) {
		if (e[x].pair != x || e[x].why != EX_RACE || e[x].necessary >= 0)
			continue;
		double left = explain_left(b);
		if (left == 0 || wb_interrupted)
			break;
		size_t open = 0;
		for (size_t y = x; y < ne; y++)
			open += e[y].pair == y && e[y].why == EX_RACE && e[y].necessary < 0;
		explain_progress_line(b, "exploring");
		explain_necessary(job, st, e, x, ne, left < 0 ? 0 : left / (double)open, b);
	}
	for (size_t x = 0; x < ne; x++)
		if (e[x].pair != x) {
			e[x].necessary = e[e[x].pair].necessary;
			e[x].forced = e[e[x].pair].forced;
		}
	if (b->progress)
		fprintf(stderr, "\r%*s\r", 100, "");
}

static void explain_step_words(const struct wb_exec *ex, size_t i, char *buf, size_t n)
{
	const struct wb_step_rec *s = &ex->steps[i];

	snprintf(buf, n, "%s %s (%s)", s->actor, s->step, s->desc);
}

/*
 * The initial contents without changing the file's size: preallocation with
 * falloc -k; written data with pwrite, truncated back when it grows the file
 * (the truncate zeroes the EOF block's tail, as the model's initial contents
 * have it, and frees the blocks wholly past it: those are preallocated again).
 */
static void explain_initial_contents(const struct wb_scenario *sc)
{
	unsigned long long fsz = sc->file_size, bs = sc->block_size;

	printf("  xfs_io -f -c \"truncate %llu\" $MNT/f\n", fsz);
	for (size_t k = 0; k < sc->nextents; k++) {
		const struct wb_extent_def *x = &sc->extents[k];
		unsigned long long off = x->offset, end = x->offset + x->length;
		unsigned long long eob = (fsz + bs - 1) / bs * bs;
		if (x->state == WB_UNWRITTEN) {
			printf("  xfs_io -c \"falloc -k %llu %llu\" $MNT/f\n", off, end - off);
		} else if (x->state == WB_DELALLOC) {
			printf("  # [%llu,%llu) starts DELALLOC: no system call leaves a reservation "
			       "without cached data; left out\n", off, end);
		} else if (x->state == WB_WRITTEN && end <= fsz) {
			printf("  xfs_io -c \"pwrite -S 0x%02x %llu %llu\" -c fsync $MNT/f\n",
			       (unsigned)x->data, off, end - off);
		} else if (x->state == WB_WRITTEN) {
			unsigned long long wend = end < eob ? end : eob;
			if (off < wend)
				printf("  xfs_io -c \"pwrite -S 0x%02x %llu %llu\" -c fsync -c "
				       "\"truncate %llu\" $MNT/f    # back to i_size %llu: the tail "
				       "of the EOF block reads as zeroes\n",
				       (unsigned)x->data, off, wend - off, fsz, fsz);
			if (wend < end)
				printf("  xfs_io -c \"falloc -k %llu %llu\" $MNT/f    # blocks past "
				       "EOF cannot stay written: preallocated instead, they read as "
				       "zeroes alike\n",
				       off > wend ? off : wend, end - (off > wend ? off : wend));
		}
	}
}

/* A user buffer whose copy stops at the write's short_copy_at, in words. */
static void explain_short_copy(const struct wb_task_def *t)
{
	unsigned long long k = t->short_copy_at - t->offset;

	if (k)
		printf("  # %s's user buffer faults for good at byte %llu (file offset %llu): mmap "
		       "it so that\n  # buf + %llu starts a PROT_NONE page (mprotect), the %llu "
		       "bytes before it 0x%02x;\n  # the copy stops there (a short copy of %llu "
		       "bytes)\n",
		       t->name, k, (unsigned long long)t->short_copy_at, k, k, (unsigned)t->data,
		       k);
	else
		printf("  # %s's user buffer faults for good at once: buf is a PROT_NONE page "
		       "(mprotect);\n  # nothing is copied and the write fails with EFAULT\n",
		       t->name);
}

/* The step index at which task `name` first appears in the trace, or ex->nsteps. */
static size_t explain_first_step(const struct wb_exec *ex, const char *name)
{
	size_t k;

	for (k = 0; k < ex->nsteps; k++)
		if (!strcmp(ex->steps[k].actor, name))
			break;
	return k;
}

/* The step index at which task `name` last appears in the trace. */
static size_t explain_last_step(const struct wb_exec *ex, const char *name)
{
	size_t k, last = 0;

	for (k = 0; k < ex->nsteps; k++)
		if (!strcmp(ex->steps[k].actor, name))
			last = k;
	return last;
}

/*
 * One task other than the racer: the command doing what it does; `bg` when
 * its steps interleave with those of tasks started after it (it runs in the
 * background).
 */
static void explain_task(const struct wb_job *job, const struct wb_exec *ex, unsigned i, bool bg)
{
	const struct wb_scenario *sc = job->sc;
	const struct wb_model *m = &job->m;
	const struct wb_task_def *t = &sc->tasks[i];
	unsigned long long off = t->offset, len = t->length, pg = off / m->ps * m->ps;

	switch (t->op) {
	case WB_OP_WRITE:
		if (t->has_short_copy) {
			explain_short_copy(t);
			printf("  # then pwrite(fd, buf, %llu, %llu)%s    # %s\n", len, off,
			       bg ? " in the background" : "", t->name);
		} else {
			printf("  xfs_io -c \"pwrite -S 0x%02x %llu %llu\" $MNT/f%s    # %s\n",
			       (unsigned)t->data, off, len, bg ? " &" : "", t->name);
		}
		break;
	case WB_OP_MMAP_WRITE: {
		printf("  xfs_io -c \"mmap -w %llu %u\" -c \"mwrite -S 0x%02x %llu %llu\" $MNT/f%s"
		       "    # %s: a store through a shared mapping\n",
		       pg, m->ps, (unsigned)t->data, off, len, bg ? " &" : "", t->name);
		/* the store's step: where the task finished */
		size_t k = ex->nsteps;
		for (size_t j = 0; j < ex->nsteps; j++)
			if (!strcmp(ex->steps[j].actor, t->name) && !strcmp(ex->steps[j].step, "store"))
				k = j;
		uint32_t isz = k < ex->nsteps ? (k ? ex->steps[k - 1].i_size_after
						   : (uint32_t)sc->file_size) : 0;
		if (k < ex->nsteps && isz < off + len)
			printf("  # %s's bytes [%llu,%llu) land past EOF (i_size %u): not file data, "
			       "they must read back as zeroes\n",
			       t->name, off > isz ? off : (unsigned long long)isz, off + len, isz);
		break;
	}
	case WB_OP_READ_FAULT:
		printf("  xfs_io -c \"mmap -r %llu %u\" -c \"mread %llu %u\" $MNT/f    # %s\n", off,
		       m->ps, off, m->ps, t->name);
		break;
	case WB_OP_PUNCH:
		printf("  xfs_io -c \"fpunch %llu %llu\" $MNT/f    # %s\n", off, len, t->name);
		break;
	case WB_OP_FALLOCATE:
		printf("  xfs_io -c \"falloc %llu %llu\" $MNT/f    # %s\n", off, len, t->name);
		break;
	case WB_OP_TRUNCATE:
		printf("  xfs_io -c \"truncate %llu\" $MNT/f    # %s\n",
		       (unsigned long long)t->size, t->name);
		break;
	default: /* writeback and reclaim: the write-back-and-drop lines below */
		break;
	}
}

/* The racing writer: held in the window the trace needs. */
static void explain_racer(const struct wb_job *job, const struct wb_task_def *t)
{
	bool fixed = job->cfg.validity_check != WB_CHECK_OFF;

	if (t->has_short_copy)
		explain_short_copy(t);
	if (fixed) {
		printf("  echo 500 > /sys/fs/xfs/$DEVNAME/errortag/write_delay_ms    # %s "
		       "sleeps after each folio's check\n", t->name);
		if (t->has_short_copy)
			printf("  # then pwrite(fd, buf, %llu, %llu) in the background    # %s\n",
			       (unsigned long long)t->length, (unsigned long long)t->offset,
			       t->name);
		else
			printf("  xfs_io -c \"pwrite -S 0x%02x %llu %llu\" $MNT/f &    # %s\n",
			       (unsigned)t->data, (unsigned long long)t->offset,
			       (unsigned long long)t->length, t->name);
	} else {
		printf("  # 6.1 has no write_delay_ms/wb_delay_ms: hold %s in the gap before "
		       "folio_get with a\n  # user buffer that faults slowly: mmap the source "
		       "buffer, register its pages with\n  # userfaultfd (UFFDIO_REGISTER), "
		       "pwrite(fd, buf, %llu, %llu) from one thread, and\n  # resolve the "
		       "fault (UFFDIO_COPY) only after the steps below\n",
		       t->name, (unsigned long long)t->length, (unsigned long long)t->offset);
	}
}

/*
 * A racing truncate up or fallocate past EOF: its EOF zeroing (xfs_setattr_size()
 * -> iomap_zero_range()) held between its iomap_begin and its folio lookup.
 */
static void explain_zeroing_racer(const struct wb_job *job, const struct wb_task_def *t)
{
	if (job->cfg.validity_check != WB_CHECK_OFF)
		printf("  echo 500 > /sys/fs/xfs/$DEVNAME/errortag/write_delay_ms    # %s's EOF "
		       "zeroing sleeps after each folio's check\n", t->name);
	else
		printf("  # 6.1 has no write_delay_ms, and the EOF zeroing copies no user memory: "
		       "hold %s\n  # between the zeroing's iomap_begin and folio_get with a delay "
		       "in the kernel\n  # (a debugging msleep() in iomap_zero_iter() before "
		       "iomap_write_begin())\n", t->name);
	if (t->op == WB_OP_TRUNCATE)
		printf("  xfs_io -c \"truncate %llu\" $MNT/f &    # %s\n",
		       (unsigned long long)t->size, t->name);
	else
		printf("  xfs_io -c \"falloc %llu %llu\" $MNT/f &    # %s\n",
		       (unsigned long long)t->offset, (unsigned long long)t->length, t->name);
}

/*
 * A sketch of a real reproducer: the initial contents, the tasks in the order
 * they start in the trace (the racer held in its window), the pages written
 * back and evicted before the corrupting step, and what a wrong result looks
 * like.
 */
static void explain_reproducer(const struct wb_job *job, const struct wb_exec *ex)
{
	const struct wb_scenario *sc = job->sc;
	const struct wb_model *m = &job->m;
	const struct wb_report *r = &ex->report;
	size_t origin = r->origin_step;
	const char *racer = origin ? ex->steps[origin - 1].actor : "?";
	bool fixed = job->cfg.validity_check != WB_CHECK_OFF;
	size_t first[WB_MAX_TASKS];
	unsigned i, j, order[WB_MAX_TASKS];

	printf("\nreproducer sketch (%s; xfs_io, with $DEV, $MNT and the errortag directory "
	       "to adapt):\n",
	       fixed ? "6.2 and later: the check fires, watch the xfs_iomap_invalid tracepoint"
		     : "6.1");
	printf("  mkfs.xfs -f -b size=%u $DEV && mount $DEV $MNT\n", sc->block_size);
	explain_initial_contents(sc);
	printf("  # drop the page cache (umount/mount) so the scenario starts with none\n");
	if (job->cfg.drop_writes)
		printf("  echo 1 > /sys/fs/xfs/$DEVNAME/errortag/drop_writes    # every buffered "
		       "write fails after\n  # its copy (XFS_ERRTAG_DROP_WRITES in "
		       "xfs_buffered_write_iomap_end; CONFIG_XFS_DEBUG)\n");
	/* the tasks in the order of their first step (stable: scenario order on ties) */
	for (i = 0; i < m->ntasks; i++) {
		first[i] = explain_first_step(ex, sc->tasks[i].name);
		for (j = i; j > 0 && first[order[j - 1]] > first[i]; j--)
			order[j] = order[j - 1];
		order[j] = i;
	}
	for (j = 0; j < m->ntasks; j++) {
		const struct wb_task_def *t = &sc->tasks[order[j]];
		if (first[order[j]] == ex->nsteps)
			continue; /* never stepped */
		/* in the background if a later command starts before it ends */
		bool bg = false;
		for (unsigned l = j + 1; l < m->ntasks; l++) {
			enum wb_op op = sc->tasks[order[l]].op;
			if (op == WB_OP_WRITEBACK || op == WB_OP_RECLAIM || first[order[l]] == ex->nsteps)
				continue; /* no command of their own */
			bg = explain_last_step(ex, t->name) > first[order[l]];
			break;
		}
		if (t->op == WB_OP_WRITE && !strcmp(t->name, racer))
			explain_racer(job, t);
		else if ((t->op == WB_OP_TRUNCATE || t->op == WB_OP_FALLOCATE) &&
			 !strcmp(t->name, racer))
			explain_zeroing_racer(job, t);
		else
			explain_task(job, ex, order[j], bg);
	}
	for (size_t k = 0; k < origin && k < ex->nsteps; k++) {
		const struct wb_step_rec *s = &ex->steps[k];
		if (!strcmp(s->step, "io_complete") && strchr(s->actor, '/'))
			printf("  # %s completes: block conversion bumps seq\n", s->actor);
		if (!strcmp(s->step, "evict"))
			printf("  xfs_io -c \"sync_range -a -w %u %u\" -c \"fadvise -d %u %u\" $MNT/f"
			       "    # write back and drop page %d (%s)\n",
			       s->arg * m->ps, m->ps, s->arg * m->ps, m->ps, s->arg, s->actor);
	}
	if (fixed)
		printf("  # wb_delay_ms (errortag) widens writeback's map_blocks window the same way\n");
	printf("  wait; umount $MNT; mount $DEV $MNT; od -A d -c $MNT/f    # expect: %s\n",
	       r->verdict == SIM_CORRUPT ? r->expected : "the writes' bytes");
	if (r->verdict == SIM_CORRUPT && !strcmp(r->lost_writer, "initial contents"))
		printf("  # wrong: bytes [%u,%u) read %s where the initial contents' %s belong\n",
		       r->offset, r->offset + r->length, r->found, r->expected);
	else if (r->verdict == SIM_CORRUPT)
		printf("  # wrong: bytes [%u,%u) read %s where %s's %s belong\n", r->offset,
		       r->offset + r->length, r->found, r->lost_writer, r->expected);
	else
		printf("  # wrong: a task never returns (%s)\n", r->deadlock);
}

/* Does step s read (or write) the extent map: a block's state, or seq too unless blocks_only? */
static bool explain_map_access(const struct wb_model *m, const struct wb_step_rec *s, bool write,
			       bool blocks_only)
{
	for (unsigned k = 0; k < s->fp.n; k++) {
		unsigned loc = s->fp.v[k].loc;
		bool map = (loc == WB_LOC_SEQ && !blocks_only) ||
			   (loc >= WB_LOC_EXT(m, 0) && loc < WB_LOC_DISK(m, 0));
		if (map && (s->fp.v[k].kind & (write ? WB_FP_WRITE : WB_FP_READ)))
			return true;
	}
	return false;
}

/* Does step c write a location step u touches (the folio the use acts on)? */
static bool explain_touches(const struct wb_step_rec *c, const struct wb_step_rec *u)
{
	for (unsigned k = 0; k < c->fp.n; k++)
		for (unsigned l = 0; l < u->fp.n; l++)
			if (c->fp.v[k].loc == u->fp.v[l].loc && (c->fp.v[k].kind & WB_FP_WRITE) &&
			    c->fp.v[k].loc != WB_LOC_RWSEM)
				return true;
	return false;
}

static bool explain_same_family(const char *a, const char *b);

/*
 * Does step c of another task invalidate what the use u relies on: change the
 * extent map, or evict the folio u acts on?
 */
static bool explain_changes(const struct wb_model *m, const struct wb_step_rec *c,
			    const struct wb_step_rec *u)
{
	if (explain_same_family(c->actor, u->actor))
		return false;
	return explain_map_access(m, c, true, false) ||
	       ((c->events & WB_EV_EVICTION) && explain_touches(c, u));
}

/* The task a step's actor belongs to: an IO's parent ("WB" for "WB/io1"). */
static size_t explain_family_len(const char *actor)
{
	const char *slash = strchr(actor, '/');

	return slash ? (size_t)(slash - actor) : strlen(actor);
}

static bool explain_same_family(const char *a, const char *b)
{
	size_t la = explain_family_len(a);

	return la == explain_family_len(b) && !strncmp(a, b, la);
}

static void explain_race_step(const char *what, const struct wb_exec *ex, size_t k)
{
	const struct wb_step_rec *s = &ex->steps[k];

	printf("  %-8s step %zu %s %s (%s): %s\n", what, k + 1, s->actor, s->step,
	       s->models ? s->models : "?", s->desc);
}

/*
 * The stale window, in kernel words: the step that sampled the extent map
 * (the last step of the failing step's task, or of the task that started its
 * IO, to read it), the steps of other tasks that changed what it sampled
 * (extent conversions, seq bumps) or the page the failing step acts on
 * (eviction, writeback) in between, the use (the failing step), and the bytes
 * lost or exposed.
 */
static void explain_lost(const struct wb_report *r, const char *whose)
{
	if (r->exposed)
		printf("  %-8s [%u,%u): found %s, never written by anyone, where %s %s belong\n",
		       "exposed", r->offset, r->offset + r->length, r->found, whose, r->expected);
	else
		printf("  %-8s %s %s at [%u,%u): found %s\n", "lost", whose, r->expected,
		       r->offset, r->offset + r->length, r->found);
}

/*
 * No step put the wrong bytes there (they are what the end state reads back,
 * a hole for instance): the stale windows are the necessary from-read edges,
 * each a sample and the change of another task that made it stale.
 */
static void explain_race_samples(const struct wb_exec *ex, const struct ex_edge *e, size_t ne,
				 const char *whose)
{
	const struct wb_report *r = &ex->report;
	unsigned n = 0;

	for (size_t i = 0; i < ne; i++)
		n += e[i].kind == VIZ_DEP_FR && e[i].why == EX_RACE && e[i].necessary > 0;
	if (!n) {
		printf(": no step to blame (%s)\n", r->provenance);
		return;
	}
	printf(": no step wrote the wrong bytes (%s); samples of the extent map another task "
	       "changed while they were in use (the necessary from-read edges):\n", r->provenance);
	for (size_t i = 0; i < ne; i++)
		if (e[i].kind == VIZ_DEP_FR && e[i].why == EX_RACE && e[i].necessary > 0) {
			explain_race_step("sample", ex, e[i].from);
			explain_race_step("changed", ex, e[i].to);
		}
	explain_lost(r, whose);
}

static void explain_race(const struct wb_job *job, const struct wb_exec *ex,
			 const struct ex_edge *e, size_t ne, const char *whose)
{
	const struct wb_report *r = &ex->report;
	const struct wb_model *m = &job->m;

	printf("\nthe race");
	if (r->verdict != SIM_CORRUPT) {
		printf(": no stale window; a task never returns: %s\n", r->deadlock);
		return;
	}
	if (!r->origin_step || r->origin_step > ex->nsteps) {
		explain_race_samples(ex, e, ne, whose);
		return;
	}
	size_t use = r->origin_step - 1, sample = use;
	const struct wb_step_rec *u = &ex->steps[use];
	/*
	 * The mapping: the last read of a block's state (iomap_begin, map_blocks),
	 * else of seq, that another task changed before the use; else the last
	 * read at all.
	 */
	for (int pass = 0; pass < 4 && sample == use; pass++) {
		bool blocks = !(pass & 1), changed = pass < 2;
		for (size_t k = use + 1; k-- > 0 && sample == use;) {
			if (!explain_same_family(ex->steps[k].actor, u->actor) ||
			    !explain_map_access(m, &ex->steps[k], false, blocks))
				continue;
			bool any = !changed;
			for (size_t c = k + 1; c < use && !any; c++)
				any = explain_changes(m, &ex->steps[c], u);
			if (any)
				sample = k;
		}
	}
	if (sample == use && !explain_map_access(m, u, false, false)) {
		printf(": step %zu needs no stale mapping (%s)\n", use + 1, r->provenance);
		return;
	}
	unsigned nchanges = 0;
	for (size_t k = sample + 1; k < use; k++) {
		const struct wb_step_rec *c = &ex->steps[k];
		if (explain_changes(m, c, u))
			nchanges++;
	}
	if (!nchanges) {
		printf(": no other task changed the extent map or the page step %zu relies on\n",
		       use + 1);
		explain_race_step("step", ex, use);
		explain_lost(r, whose);
		return;
	}
	const char *sampler = ex->steps[sample].actor;
	printf(": %s acts at step %zu on the extent map %s sampled at step %zu, "
	       "changed since by %u step%s of other tasks\n",
	       u->actor, use + 1, strcmp(sampler, u->actor) ? sampler : "it", sample + 1,
	       nchanges, nchanges == 1 ? "" : "s");
	explain_race_step("sample", ex, sample);
	for (size_t k = sample + 1; k < use; k++) {
		const struct wb_step_rec *c = &ex->steps[k];
		if (explain_changes(m, c, u))
			explain_race_step("changed", ex, k);
		else if (explain_same_family(c->actor, u->actor) &&
			 explain_map_access(m, c, false, false))
			explain_race_step("trusted", ex, k); /* a check that passed, a reuse */
	}
	if (sample != use)
		explain_race_step("use", ex, use);
	explain_lost(r, whose);
}

int cmd_explain(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "time-limit", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	double time_limit = EXPLAIN_DEFAULT_SECONDS;
	int c, rc = EXIT_OK;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 't':
			if (!strcmp(optarg, "0"))
				time_limit = 0; /* none */
			else if (wb_parse_seconds("explain", optarg, &time_limit))
				return EXIT_USAGE;
			break;
		case 'h':
			explain_help(stdout);
			return EXIT_OK;
		default:
			return wb_bad_option("explain", argv, longopts);
		}
	}
	if (optind != argc - 1) {
		wb_usage_error("explain", optind >= argc ? "missing TRACE" : "too many arguments");
		return EXIT_USAGE;
	}
	const char *path = argv[optind];
	wb_stop_also = &explain_stop;
	wb_catch_signals(); /* a signal leaves the orderings not yet decided undecided */
	struct wb_trace tr;
	struct wb_job job;
	if (wb_trace_open(path, &tr, &job))
		return EXIT_USAGE;
	struct wb_exec ex;
	char err[256];
	if (wb_exec_record(&job, tr.choices, tr.nchoices, false, &ex, err, sizeof(err)) ||
	    !ex.terminal) {
		fprintf(stderr, "%s: error: the trace does not replay to its end: %s\n", path, err);
		rc = EXIT_USAGE;
		goto out;
	}
	if (ex.report.verdict == SIM_SAFE) {
		fprintf(stderr, "%s: error: the trace ends safe: there is no failure to explain\n",
			path);
		rc = EXIT_USAGE;
		goto out;
	}
	struct ex_budget budget = { .limit = time_limit, .progress = isatty(STDERR_FILENO) };
	clock_gettime(CLOCK_MONOTONIC, &budget.start);
	struct ex_step *st = explain_actors(&job, tr.choices, tr.nchoices);
	size_t ne, i;
	struct ex_edge *e = explain_edges(&job, &ex, st, &ne);
	char settings[WB_SETTINGS_TEXT_MAX], a[400], b[400];

	wb_settings_text(&job.cfg, settings, sizeof(settings));
	printf("explain %s: scenario %s (%s), %s\n", path, job.sc->name, settings,
	       wb_verdict_name(ex.report.verdict));
	/* whose bytes belong there: a task's, or the initial contents' */
	char whose[WB_MAX_NAME + 24];
	if (!strcmp(ex.report.lost_writer, "initial contents"))
		snprintf(whose, sizeof(whose), "the initial contents'");
	else
		snprintf(whose, sizeof(whose), "%s's", ex.report.lost_writer);
	if (ex.report.verdict == SIM_CORRUPT && ex.report.exposed)
		printf("  [%u,%u) exposed: found %s, never written by anyone, where %s %s "
		       "belong\n  by %s\n",
		       ex.report.offset, ex.report.offset + ex.report.length, ex.report.found, whose,
		       ex.report.expected, ex.report.provenance);
	else if (ex.report.verdict == SIM_CORRUPT)
		printf("  %s %s at [%u,%u) lost: found %s\n  by %s\n", whose, ex.report.expected,
		       ex.report.offset, ex.report.offset + ex.report.length, ex.report.found,
		       ex.report.provenance);
	else
		printf("  stuck: %s\n", ex.report.deadlock);
	explain_decide(&job, st, ex.nsteps, e, ne, &budget);
	explain_race(&job, &ex, e, ne, whose);
	printf("\ndependencies between tasks (reads-from: a step read or waited for what the "
	       "other wrote;\nfrom-read: a step read what the other overwrote later; "
	       "write-write: one overwrote\nthe other), with their necessity (necessary: with "
	       "the two steps in the opposite\norder no execution of the scenario fails; -: the "
	       "failure survives the opposite\norder; undecided: the time limit ran out first):\n");
	unsigned fixed = 0, undecided = 0;
	for (i = 0; i < ne; i++) {
		if (e[i].why != EX_RACE) {
			fixed++;
			continue;
		}
		undecided += e[i].pair == i && e[i].necessary < 0;
		printf("  %-11s %3zu %s %s -> %3zu %s %s   %s [%s]%s\n",
		       e[i].necessary > 0 ? "necessary" : e[i].necessary ? "undecided" : "-",
		       e[i].from + 1, ex.steps[e[i].from].actor, ex.steps[e[i].from].step,
		       e[i].to + 1, ex.steps[e[i].to].actor, ex.steps[e[i].to].step,
		       explain_kind_name[e[i].kind], e[i].locs,
		       e[i].forced ? " (no execution has the opposite order)" : "");
	}
	if (ne == fixed)
		printf("  (none)\n");
	if (undecided && wb_interrupted)
		printf("  (%u undecided: interrupted)\n", undecided);
	else if (undecided && budget.nomem && !strcmp(budget.nomem, "out-of-memory"))
		printf("  (%u undecided: an exploration ran out of memory)\n", undecided);
	else if (undecided && budget.nomem)
		printf("  (%u undecided: an exploration stopped at the memory limit)\n", undecided);
	else if (undecided && budget.limit > 0)
		printf("  (%u undecided: the time limit of %g s for the whole command ran out; "
		       "a longer --time-limit decides more)\n", undecided, budget.limit);
	else if (undecided)
		printf("  (%u undecided)\n", undecided);
	if (fixed) {
		printf("\nordered by the scenario's `after` or by a task's own program order "
		       "(not the race):\n");
		for (i = 0; i < ne; i++)
			if (e[i].why != EX_RACE)
				printf("  %3zu %s %s -> %3zu %s %s   %s [%s]: %s\n", e[i].from + 1,
				       ex.steps[e[i].from].actor, ex.steps[e[i].from].step,
				       e[i].to + 1, ex.steps[e[i].to].actor, ex.steps[e[i].to].step,
				       explain_kind_name[e[i].kind], e[i].locs, e[i].reason);
	}
	printf("\nthe race, as the chain of necessary edges (leaving out those no execution has the\nother way round):\n");
	size_t last = (size_t)-1;
	unsigned chained = 0;
	for (i = 0; i < ne; i++) {
		if (e[i].necessary <= 0 || e[i].forced || e[i].why != EX_RACE || e[i].pair != i)
			continue;
		explain_step_words(&ex, e[i].from, a, sizeof(a));
		explain_step_words(&ex, e[i].to, b, sizeof(b));
		if (last == e[i].from)
			printf("    before %s\n", b);
		else
			printf("  %s%s\n    before %s\n", chained ? "and " : "", a, b);
		last = e[i].to;
		chained++;
	}
	if (!chained && ne == fixed)
		printf("  (none: no ordering between tasks is free to change)\n");
	else if (!chained && undecided)
		printf("  (none decided: %u undecided)\n", undecided);
	else if (!chained)
		printf("  (none: every ordering that can be reversed can be so and the failure "
		       "remains)\n");
	explain_reproducer(&job, &ex);
	free(e);
	free(st);
out:
	wb_exec_free(&ex);
	wb_job_close(&job);
	wb_trace_free(&tr);
	return rc;
}
