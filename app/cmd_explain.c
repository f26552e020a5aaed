/* SPDX-License-Identifier: MIT */
/*
 * cmd_explain.c - wbsim explain: which orderings a failing trace needs.
 *
 * From the footprints of the trace's steps, every pair of steps of two
 * different tasks where the later one read (or waited for) a location the
 * earlier one wrote last is a happens-before edge (viz/hb.h: the derivation
 * the diagrams use too).  An edge is *necessary* when
 * exploring the scenario with the pair forced into the opposite order (the
 * later step's task must take that step before the earlier step's task takes
 * its step) finds no failure at all.  The necessary edges, in trace order, are
 * the race in kernel words; then the knobs a real reproducer would use.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

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

struct ex_edge {
	size_t from, to; /* step indexes, 0-based */
	char locs[96];
	int necessary;	 /* 1 yes, 0 no, -1 undecided */
	bool forced;	 /* no execution at all has the opposite order */
};

static void explain_help(FILE *out)
{
	fprintf(out,
		"usage: wbsim explain TRACE [--time-limit SECONDS]\n"
		"\n"
		"For a failing trace: the happens-before edges between tasks (a step that read or\n"
		"waited for what another task's step wrote), each marked necessary when exploring\n"
		"the scenario with the pair forced into the opposite order finds no failure; the\n"
		"necessary ones as a chain in kernel words; and a sketch of a real reproducer for\n"
		"the trace's kernel version.\n"
		"\n"
		"Exit: 0 explained, 2 bad input (or a trace that does not fail), 3 internal error.\n");
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

/*
 * Candidate edges: the happens-before edges of the execution, derived from its
 * footprints as the diagrams derive theirs (viz/hb.h), between tasks as
 * explain_tasks() tells them apart; their locations listed in one short line.
 */
static struct ex_edge *explain_edges(struct wb_job *job, const struct wb_exec *ex,
				     const struct ex_step *st, size_t *nedges)
{
	struct wb_dot_mem mm = { 0 };
	struct viz_trace vt;
	struct viz_hb_edge *h;
	struct ex_edge *e;
	size_t *task = explain_tasks(st, ex->nsteps), n;

	wb_viz_from_exec(&mm, job, ex, &vt);
	h = viz_hb_edges(vt.steps, vt.nsteps, task, &n);
	e = wb_xcalloc(n + 1, sizeof(*e));
	for (size_t x = 0; x < n; x++) {
		e[x].from = h[x].from;
		e[x].to = h[x].to;
		for (size_t k = 0; k < h[x].nlocs; k++) {
			const char *name = h[x].locs[k];
			size_t len = strlen(e[x].locs);
			if (!strstr(e[x].locs, name) && len + strlen(name) + 3 < sizeof(e[x].locs))
				snprintf(e[x].locs + len, sizeof(e[x].locs) - len, "%s%s",
					 len ? ", " : "", name);
		}
	}
	viz_hb_free(h, n);
	wb_dot_mem_free(&mm);
	free(task);
	*nedges = n;
	return e;
}

/* Is the edge necessary: with `to` forced before `from`, does any failure remain? */
static int explain_necessary(struct wb_job *job, const struct ex_step *st, struct ex_edge *e,
			     double time_limit)
{
	struct ex_match x = { .job = job, .which = { &st[e->from], &st[e->to] } };
	struct sim_explore_opts o = { .constrain = true, .time_limit = time_limit,
				      .match = explain_match, .mctx = &x };
	struct sim_explore_result r;
	int rc;

	o.hold_n = st[e->from].occ;
	o.until_n = st[e->to].occ;
	if (sim_explore(&job->sm, job->init, &o, &r)) {
		fprintf(stderr, "wbsim: %s\n", r.error);
		exit(EXIT_INTERNAL);
	}
	rc = r.verdict != SIM_SAFE ? 0 : r.complete ? 1 : -1;
	e->forced = r.complete && r.executions == 0;
	sim_explore_result_free(&r);
	return rc;
}

static void explain_step_words(const struct wb_exec *ex, size_t i, char *buf, size_t n)
{
	const struct wb_step_rec *s = &ex->steps[i];

	snprintf(buf, n, "%s %s (%s)", s->actor, s->step, s->desc);
}

/* Pages written back and evicted before the corrupting step, as byte ranges. */
static void explain_reproducer(const struct wb_job *job, const struct wb_exec *ex)
{
	const struct wb_scenario *sc = job->sc;
	const struct wb_model *m = &job->m;
	size_t origin = ex->report.origin_step;
	const char *racer = origin ? ex->steps[origin - 1].actor : "?";
	bool fixed = job->cfg.validity_check != WB_CHECK_OFF;
	unsigned i;

	printf("\nreproducer sketch (%s; xfs_io, with $DEV, $MNT and the errortag directory "
	       "to adapt):\n",
	       fixed ? "6.2 and later: the check fires, watch the xfs_iomap_invalid tracepoint"
		     : "6.1");
	printf("  mkfs.xfs -f -b size=%u $DEV && mount $DEV $MNT\n", sc->block_size);
	printf("  xfs_io -f -c \"truncate %llu\" $MNT/f\n", (unsigned long long)sc->file_size);
	for (size_t k = 0; k < sc->nextents; k++) {
		const struct wb_extent_def *x = &sc->extents[k];
		if (x->state == WB_UNWRITTEN)
			printf("  xfs_io -c \"falloc -k %llu %llu\" $MNT/f\n",
			       (unsigned long long)x->offset, (unsigned long long)x->length);
		else if (x->state == WB_WRITTEN)
			printf("  xfs_io -c \"pwrite -S 0x%02x %llu %llu\" -c fsync $MNT/f\n",
			       (unsigned)x->data, (unsigned long long)x->offset,
			       (unsigned long long)x->length);
	}
	printf("  # drop the page cache (umount/mount) so the scenario starts with none\n");
	for (i = 0; i < m->ntasks; i++) {
		const struct wb_task_def *t = &sc->tasks[i];
		if (t->op == WB_OP_WRITE && strcmp(t->name, racer))
			printf("  xfs_io -c \"pwrite -S 0x%02x %llu %llu\" $MNT/f    # %s\n",
			       (unsigned)t->data, (unsigned long long)t->offset,
			       (unsigned long long)t->length, t->name);
	}
	for (i = 0; i < m->ntasks; i++) {
		const struct wb_task_def *t = &sc->tasks[i];
		if (t->op != WB_OP_WRITE || strcmp(t->name, racer))
			continue;
		if (fixed) {
			printf("  echo 500 > /sys/fs/xfs/$DEVNAME/errortag/write_delay_ms    # %s "
			       "sleeps after each folio's check\n", t->name);
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
	       ex->report.verdict == SIM_CORRUPT ? ex->report.expected : "the writes' bytes");
}

int cmd_explain(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "time-limit", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	double time_limit = 0;
	int c, rc = EXIT_OK;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 't':
			if (wb_parse_seconds("explain", optarg, &time_limit))
				return EXIT_USAGE;
			break;
		case 'h':
			explain_help(stdout);
			return EXIT_OK;
		default:
			fprintf(stderr, "Try 'wbsim explain --help'.\n");
			return EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		wb_usage_error("explain", optind >= argc ? "missing TRACE" : "too many arguments");
		return EXIT_USAGE;
	}
	const char *path = argv[optind];
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
	struct ex_step *st = explain_actors(&job, tr.choices, tr.nchoices);
	size_t ne, i;
	struct ex_edge *e = explain_edges(&job, &ex, st, &ne);
	char settings[200], a[400], b[400];

	wb_settings_text(&job.cfg, settings, sizeof(settings));
	printf("explain %s: scenario %s (%s), %s\n", path, job.sc->name, settings,
	       wb_verdict_name(ex.report.verdict));
	if (ex.report.verdict == SIM_CORRUPT)
		printf("  %s's %s at [%u,%u) lost: found %s\n  by %s\n", ex.report.lost_writer,
		       ex.report.expected, ex.report.offset, ex.report.offset + ex.report.length,
		       ex.report.found, ex.report.provenance);
	else
		printf("  stuck: %s\n", ex.report.deadlock);
	printf("\nhappens-before edges between tasks (necessary: with the two steps in the "
	       "opposite order,\nno execution of the scenario fails; -: the failure survives "
	       "the opposite order):\n");
	for (i = 0; i < ne; i++) {
		e[i].necessary = explain_necessary(&job, st, &e[i], time_limit);
		printf("  %-11s %3zu %s %s -> %3zu %s %s   [%s]%s\n",
		       e[i].necessary > 0 ? "necessary" : e[i].necessary ? "undecided" : "-",
		       e[i].from + 1, ex.steps[e[i].from].actor, ex.steps[e[i].from].step,
		       e[i].to + 1, ex.steps[e[i].to].actor, ex.steps[e[i].to].step, e[i].locs,
		       e[i].forced ? " (no execution has the opposite order)" : "");
	}
	printf("\nthe race, as the chain of necessary edges:\n");
	size_t last = (size_t)-1;
	unsigned chained = 0;
	for (i = 0; i < ne; i++) {
		if (e[i].necessary <= 0)
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
	if (!chained)
		printf("  (none: every single ordering can be reversed and the failure remains)\n");
	explain_reproducer(&job, &ex);
	free(e);
	free(st);
out:
	wb_exec_free(&ex);
	wb_job_close(&job);
	wb_trace_free(&tr);
	return rc;
}
