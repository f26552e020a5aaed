/* SPDX-License-Identifier: MIT */
/*
 * hb.c - happens-before (reads-from) edges from step footprints; viz/hb.h
 * states the rule.  One pass in step order: a step's reads and waits are
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
		*e = wb_xrealloc(*e, (*n + 1) * sizeof(**e));
		x = &(*e)[(*n)++];
		memset(x, 0, sizeof(*x));
		x->from = from;
		x->to = to;
	}
	for (size_t i = 0; i < x->nlocs; i++)
		if (!strcmp(x->locs[i], loc))
			return;
	x->locs = wb_xrealloc(x->locs, (x->nlocs + 1) * sizeof(*x->locs));
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
				w = wb_xrealloc(w, (nw + 1) * sizeof(*w));
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
