/* SPDX-License-Identifier: MIT */
/* buffered_write.h - the buffered writer's steps (fs/iomap/buffered-io.c, fs/xfs/xfs_iomap.c). */
#ifndef WBSIM_BUFFERED_WRITE_H
#define WBSIM_BUFFERED_WRITE_H

#include "model/world.h"

/* The writer's next step name, and whether it can take it now (why not, if not). */
const char *wb_writer_step(const struct wb_model *m, const void *w, unsigned t);
bool wb_writer_enabled(const struct wb_model *m, const void *w, unsigned t, char *why, size_t n);
void wb_writer_apply(struct wb_model *m, void *w, unsigned t);

#endif
