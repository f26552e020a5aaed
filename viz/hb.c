/* SPDX-License-Identifier: MIT */
/*
 * hb.c - happens-before (reads-from) edges from step footprints, and the
 * from-read and write-write dependencies explain adds; viz/hb.h states the
 * rules.  One pass in step order: a step's reads and waits are
 * matched against the last writers first, then its own writes become the
 * last writers, so a step never reads from itself.
 */
#include <stdlib.h>
#include <string.h>

#include "sim/xmalloc.h"
#include "viz/hb.h"

/* The last step that wrote a location. */
struct hb_writer {
	const char *loc;
	size_t step;
};

static struct hb_writer *hb_writer_find(struct hb_writer *w, size_t n, const char *loc)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(w[i].loc, loc))
			return &w[i];
	return NULL;
}

/* Add loc to the edge from -> to, creating the edge if it is new. */
static void hb_add(struct viz_hb_edge **e, size_t *n, size_t from, size_t to, const char *loc)
{
	struct viz_hb_edge *x = NULL;

	/* edges are created in order of `to`: the ones into `to` are at the end */
	for (size_t i = *n; i-- > 0 && (*e)[i].to == to;)
		if ((*e)[i].from == from)
			x = &(*e)[i];
	if (!x) {
		*e = wb_xgrow(*e, *n, sizeof(**e));
		x = &(*e)[(*n)++];
		memset(x, 0, sizeof(*x));
		x->from = from;
		x->to = to;
	}
	for (size_t i = 0; i < x->nlocs; i++)
		if (!strcmp(x->locs[i], loc))
			return;
	x->locs = wb_xgrow(x->locs, x->nlocs, sizeof(*x->locs));
	x->locs[x->nlocs++] = loc;
}

struct viz_hb_edge *viz_hb_edges(const struct viz_step *steps, size_t nsteps, const size_t *task,
				 size_t *n)
{
	struct viz_hb_edge *e = NULL;
	struct hb_writer *w = NULL;
	size_t nw = 0;

	*n = 0;
	for (size_t j = 0; j < nsteps; j++) {
		const struct viz_step *s = &steps[j];

		for (size_t k = 0; k < s->nfp; k++) {
			struct hb_writer *l = hb_writer_find(w, nw, s->fp[k].loc);
			if ((s->fp[k].mode & (VIZ_READ | VIZ_WAIT)) && l &&
			    task[l->step] != task[j])
				hb_add(&e, n, l->step, j, s->fp[k].loc);
		}
		for (size_t k = 0; k < s->nfp; k++) {
			struct hb_writer *l;
			if (!(s->fp[k].mode & VIZ_WRITE))
				continue;
			l = hb_writer_find(w, nw, s->fp[k].loc);
			if (!l) {
				w = wb_xgrow(w, nw, sizeof(*w));
				l = &w[nw++];
				l->loc = s->fp[k].loc;
			}
			l->step = j;
		}
	}
	free(w);
	return e;
}

void viz_hb_free(struct viz_hb_edge *e, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(e[i].locs);
	free(e);
}

/* ---- dependencies of three kinds (wbsim explain) ---- */

static unsigned hb_mode(const struct viz_step *s, const char *loc)
{
	unsigned mode = 0;

	for (size_t k = 0; k < s->nfp; k++)
		if (!strcmp(s->fp[k].loc, loc))
			mode |= s->fp[k].mode;
	return mode;
}

static void dep_add(struct viz_dep_edge **e, size_t *n, size_t from, size_t to,
		    enum viz_dep_kind kind, const char *loc)
{
	struct viz_dep_edge *x = NULL;

	for (size_t i = 0; i < *n && !x; i++)
		if ((*e)[i].e.from == from && (*e)[i].e.to == to && (*e)[i].kind == kind)
			x = &(*e)[i];
	if (!x) {
		*e = wb_xgrow(*e, *n, sizeof(**e));
		x = &(*e)[(*n)++];
		memset(x, 0, sizeof(*x));
		x->e.from = from;
		x->e.to = to;
		x->kind = kind;
	}
	for (size_t i = 0; i < x->e.nlocs; i++)
		if (!strcmp(x->e.locs[i], loc))
			return;
	x->e.locs = wb_xgrow(x->e.locs, x->e.nlocs, sizeof(*x->e.locs));
	x->e.locs[x->e.nlocs++] = loc;
}

static int dep_cmp(const void *pa, const void *pb)
{
	const struct viz_dep_edge *a = pa, *b = pb;

	if (a->e.to != b->e.to)
		return a->e.to < b->e.to ? -1 : 1;
	if (a->e.from != b->e.from)
		return a->e.from < b->e.from ? -1 : 1;
	return (int)a->kind - (int)b->kind;
}

struct viz_dep_edge *viz_dep_edges(const struct viz_step *steps, size_t nsteps, const size_t *task,
				   size_t *n)
{
	struct viz_dep_edge *e = NULL;
	struct viz_hb_edge *rf;
	size_t nrf;

	*n = 0;
	rf = viz_hb_edges(steps, nsteps, task, &nrf);
	for (size_t x = 0; x < nrf; x++)
		for (size_t k = 0; k < rf[x].nlocs; k++)
			dep_add(&e, n, rf[x].from, rf[x].to, VIZ_DEP_RF, rf[x].locs[k]);
	viz_hb_free(rf, nrf);
	for (size_t i = 0; i < nsteps; i++) {
		const struct viz_step *s = &steps[i];
		for (size_t k = 0; k < s->nfp; k++) {
			const char *loc = s->fp[k].loc;
			/* from-read: i only read loc; who overwrites it while it is live */
			if (!(s->fp[k].mode & VIZ_READ) || (hb_mode(s, loc) & VIZ_WRITE))
				continue;
			size_t end = i + 1; /* past i's task's last step */
			for (size_t j = i + 1; j < nsteps; j++)
				if (task[j] == task[i])
					end = j + 1;
			for (size_t j = i + 1; j < end; j++) {
				if (!hb_mode(&steps[j], loc))
					continue;
				if (task[j] == task[i])
					break; /* its task sampled or wrote loc again */
				if (hb_mode(&steps[j], loc) & VIZ_WRITE)
					dep_add(&e, n, i, j, VIZ_DEP_FR, loc);
			}
		}
		/* write-write: a blind write after another task's write */
		for (size_t k = 0; k < s->nfp; k++) {
			const char *loc = s->fp[k].loc;
			unsigned mi = hb_mode(s, loc);
			if (!(mi & VIZ_WRITE) || (mi & (VIZ_READ | VIZ_WAIT)))
				continue;
			for (size_t j = i; j-- > 0;) {
				if (!(hb_mode(&steps[j], loc) & VIZ_WRITE))
					continue;
				if (task[j] != task[i])
					dep_add(&e, n, j, i, VIZ_DEP_WW, loc);
				break;
			}
		}
	}
	if (*n)
		qsort(e, *n, sizeof(*e), dep_cmp);
	return e;
}

void viz_dep_free(struct viz_dep_edge *e, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(e[i].e.locs);
	free(e);
}
