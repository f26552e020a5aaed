/* SPDX-License-Identifier: MIT */
/*
 * viz.h - Graphviz swimlane diagrams of traces.
 *
 * The caller describes a finished execution with the plain structs below (no
 * jansson, no model types): its steps in order, each with the locations it
 * read, wrote or waited on, and the verdict.  viz_write_dot() turns that into
 * DOT text: one lane (cluster) per task, the steps as nodes in program order,
 * and cross-lane edges derived from the footprints (docs/diagrams.md states
 * the rule).  It never renders: the dot program does that.
 *
 * Every string is borrowed; the structs only need to live during the call.
 * Output depends on nothing but the input: same trace, same bytes.
 */
#ifndef WBSIM_VIZ_H
#define WBSIM_VIZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* How a step touched a location (the trace's "access" words). */
#define VIZ_READ 0x1u
#define VIZ_WRITE 0x2u
#define VIZ_WAIT 0x4u

/* One footprint entry: "folio 1", "block 0", "disk 1", "seq", "i_rwsem". */
struct viz_access {
	const char *loc;
	unsigned mode; /* VIZ_READ | VIZ_WRITE | VIZ_WAIT */
};

struct viz_step {
	const char *task;	/* the lane: "W1", "WB", "WB/io0", "RC" */
	const char *step;	/* the model's step name (docs/model.md): "write_begin" */
	int page;		/* the choice inside the step (evict's page), or -1 */
	const char *changes;	/* what changed, in words */
	const char *mapping;	/* a writer's cached mapping, or NULL */
	long cookie;		/* that mapping's validity cookie, or -1 */
	unsigned long seq;	/* seq after the step */
	const char *extents;	/* the extent map after the step */
	const char *folios;	/* the pages it wrote, after it, or NULL */
	const struct viz_access *fp;
	size_t nfp;
	const char *const *events; /* "eviction", "stale_remap", "stale_decision" */
	size_t nevents;
};

struct viz_corruption {
	unsigned long offset, length;
	const char *expected, *found;
	const char *lost_writer;	/* "W1", or "initial contents" */
	const char *provenance;
	size_t step;	/* 1-based: the step that put the wrong bytes there; 0 if none */
};

/* An optional description under a lane's name ("write [6144,8192) 'A'"). */
struct viz_lane {
	const char *task;
	const char *desc;
};

struct viz_trace {
	const char *scenario;	/* its name */
	const char *settings;	/* "validity_check=off, writeback_revalidate=true" */
	const char *verdict;	/* "corrupt", "safe", "deadlock" */
	const char *title;	/* NULL: "SCENARIO (SETTINGS): VERDICT" */
	const char *note;	/* NULL, or a line printed under the title */
	unsigned long seq0;	/* before the first step */
	const char *extents0;	/* before the first step, or NULL */
	const struct viz_step *steps;
	size_t nsteps;
	const struct viz_corruption *corruption; /* NULL unless corrupt */
	const char *deadlock;	/* who is stuck on what, or NULL */
	const struct viz_lane *lanes;
	size_t nlanes;
};

struct viz_opts {
	bool steps_only; /* fold runs of steps that share nothing into one node */
	/*
	 * Draw only the failure's happens-before cone: the steps the corrupting
	 * step (else the last step) depends on through program order and the
	 * cross-lane edges; each lane's other steps are folded into one node
	 * per run, and edges into them are not drawn.
	 */
	bool focus;
};

/* A cross-lane edge as drawn: step indexes (0-based) and its label. */
struct viz_edge {
	size_t from, to;
	char label[120]; /* the locations, "folio 1, seq" */
};

/*
 * The cross-lane edges of a trace after merging and dropping (docs/diagrams.md):
 * a malloc'd array sorted by (to, from), its length in *n.
 */
struct viz_edge *viz_edges(const struct viz_trace *t, size_t *n);

/* Write the diagram; returns 0, or -1 if the output failed. */
int viz_write_dot(const struct viz_trace *t, const struct viz_opts *o, FILE *out);

/* Two traces side by side in one graph (a, b), under a common title. */
int viz_write_compare(const struct viz_trace *a, const struct viz_trace *b, const char *title,
		      const struct viz_opts *o, FILE *out);

#endif
