/* SPDX-License-Identifier: MIT */
/* viz.c - Graphviz diagrams of traces (DOT text only; the dot program renders it). */
#include "model/world.h"
int wb_viz_placeholder(void);
int wb_viz_placeholder(void) { return 0; }
