/* SPDX-License-Identifier: MIT */
/*
 * hb.h - happens-before edges between the tasks of an execution, derived from
 * its steps' footprints.  The one derivation behind both the diagrams' cross-
 * lane edges (viz.c) and wbsim explain's candidate orderings.
 *
 * The rule: for every step j, and every location j reads or waits on (in
 * footprint order), the last step before j that wrote that location, i, gives
 * the edge i -> j, unless i and j belong to the same task.  Edges are merged
 * per (i, j), each listing its locations once, in the order they were first
 * found; the edges come in the order they were first found too (by j, then by
 * j's footprint).  What "the same task" means is the caller's: task[i] ==
 * task[j] (the diagrams compare lanes, explain the identity of a task across
 * executions).
 */
#ifndef WBSIM_VIZ_HB_H
#define WBSIM_VIZ_HB_H

#include <stddef.h>

#include "viz/viz.h"

struct viz_hb_edge {
	size_t from, to;   /* step indexes, 0-based, from < to */
	const char **locs; /* the steps' location strings (borrowed) */
	size_t nlocs;
};

/*
 * The edges of steps[0..nsteps) (only their footprints are read), task[k]
 * being step k's task; a malloc'd array, its length in *n.  Free with
 * viz_hb_free().
 */
struct viz_hb_edge *viz_hb_edges(const struct viz_step *steps, size_t nsteps, const size_t *task,
				 size_t *n);
void viz_hb_free(struct viz_hb_edge *e, size_t n);

/*
 * The dependencies between the tasks of an execution, of three kinds (wbsim
 * explain; the diagrams draw only the first):
 *
 *  - reads-from (VIZ_DEP_RF): the edges above, i -> j where j read or waited
 *    on a location i wrote last;
 *  - from-read (VIZ_DEP_FR): i -> j where i read a location (without writing
 *    it) and j, a step of another task, writes it while i's sample is live:
 *    after i, before i's task's last step and before i's task touches the
 *    location again.  i sampled a value j overwrote: the stale copy i's task
 *    may go on using;
 *  - write-write (VIZ_DEP_WW): i -> j where j wrote, without reading or
 *    waiting on it, a location i wrote last.
 *
 * Edges are merged per (i, j, kind), each listing its locations once; they
 * come sorted by j, then i, then kind.  Free with viz_dep_free().
 */
enum viz_dep_kind { VIZ_DEP_RF, VIZ_DEP_FR, VIZ_DEP_WW };
struct viz_dep_edge {
	struct viz_hb_edge e;
	enum viz_dep_kind kind;
};
struct viz_dep_edge *viz_dep_edges(const struct viz_step *steps, size_t nsteps, const size_t *task,
				   size_t *n);
void viz_dep_free(struct viz_dep_edge *e, size_t n);

#endif
