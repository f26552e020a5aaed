/* SPDX-License-Identifier: MIT */
/*
 * dot_out.h - Graphviz diagrams for any command (wbsim dot, run --dot,
 * explore --dot) and the step data wbsim explain shares with them.
 * docs/diagrams.md explains the picture.
 *
 * Two halves, neither of them a command:
 *
 *   dot_conv.c    converters: a trace file's JSON, or an execution recorded by
 *                 wb_exec_record(), into viz's plain structs (struct viz_trace)
 *   dot_render.c  output: the DOT text written atomically or to stdout, and
 *                 Graphviz's dot -Tsvg run on it
 *
 * cmd_dot.c holds the dot command's options and its --compare.
 */
#ifndef WBSIM_DOT_OUT_H
#define WBSIM_DOT_OUT_H

#include <stdbool.h>
#include <stdio.h>

#include "app/app.h"
#include "viz/viz.h"

/* ---- dot_conv.c ---- */

/* An arena: every string and array a converted struct viz_trace points to. */
struct wb_dot_mem {
	void **p;
	size_t n;
};

/* Zeroed memory that lives until wb_dot_mem_free(). */
void *wb_dot_mem_alloc(struct wb_dot_mem *mm, size_t size);
char *wb_dot_mem_printf(struct wb_dot_mem *mm, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void wb_dot_mem_free(struct wb_dot_mem *mm);

/*
 * A trace file (read by wb_trace_open into tr and job) as a viz_trace; the
 * trace's strings are borrowed from tr.  Returns 0, or -1 with the error (path
 * and JSON pointer) printed.
 */
int wb_viz_from_trace(struct wb_dot_mem *mm, const struct wb_trace *tr,
		      struct wb_job *job, struct viz_trace *vt);

/* A recorded execution of job as a viz_trace; strings are borrowed from ex. */
void wb_viz_from_exec(struct wb_dot_mem *mm, struct wb_job *job, const struct wb_exec *ex,
		      struct viz_trace *vt);

/* ---- dot_render.c ---- */

/*
 * Write the DOT that gen() produces: to dot_path (atomically) if given, and
 * with svg_path rendered by Graphviz's dot -Tsvg (found on PATH) into it; with
 * neither path the DOT goes to stdout.  Returns an exit code: 0, or 2 with the
 * message printed (an unwritable file, dot missing, dot failing or printing any
 * warning), 3 if gen() fails.
 */
int wb_dot_write(int (*gen)(const void *ctx, FILE *out), const void *ctx, const char *dot_path,
		 const char *svg_path);

/* wb_dot_write() of one trace's diagram, with the options (NULL: none). */
int wb_dot_draw(const struct viz_trace *vt, const struct viz_opts *vo, const char *dot_path,
		const char *svg_path);

#endif
