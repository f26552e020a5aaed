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
				      .match = explain_match, .mctx = &x,
				      .max_memory = wb_default_max_memory(),
				      .stop = &wb_interrupted };
	struct sim_explore_result r;
	int rc;

	o.hold_n = st[e->from].occ;
	o.until_n = st[e->to].occ;
	if (sim_explore(&job->sm, job->init, &o, &r)) {
		fprintf(stderr, "wbsim: %s\n", r.error);
		exit(EXIT_INTERNAL);
	}
	rc = r.verdict != SIM_SAFE ? 0 : r.complete ? 1 : -1;
	e->forced = r.complete && sim_count_is_zero(&r.executions);
	sim_explore_result_free(&r);
	return rc;
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
	wb_catch_signals(); /* a signal leaves the edges not yet decided undecided */
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
