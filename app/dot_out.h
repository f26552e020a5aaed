/* SPDX-License-Identifier: MIT */
/*
 * dot_out.h - Graphviz diagrams of trace files, for any command (wbsim dot,
 * run --dot, explore --dot).  docs/diagrams.md explains the picture.
 */
#ifndef WBSIM_DOT_OUT_H
#define WBSIM_DOT_OUT_H

#include <stdbool.h>

/*
 * Draw the trace file at trace_path: DOT to dot_path (written atomically), and
 * with svg_path the SVG rendered by Graphviz's dot -Tsvg (found on PATH).  With
 * neither path the DOT goes to stdout.  steps_only folds runs of steps that
 * share nothing with other lanes into one node.  Returns an exit code: 0, or 2
 * with the message printed (a bad trace, an unwritable file, dot missing, dot
 * failing or printing any warning).
 */
int wb_dot_from_trace(const char *trace_path, const char *dot_path, const char *svg_path,
		      bool steps_only);

/*
 * The same trace's schedule under validity_check=off and after_lock, side by
 * side in one graph (wbsim dot --compare).  Same outputs and exit codes.
 */
int wb_dot_compare_from_trace(const char *trace_path, const char *dot_path, const char *svg_path,
			      bool steps_only);

#endif
