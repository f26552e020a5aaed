/* SPDX-License-Identifier: MIT */
/* writeback.h - writeback passes and their IOs (mm/page-writeback.c, fs/iomap, fs/xfs). */
#ifndef WBSIM_WRITEBACK_H
#define WBSIM_WRITEBACK_H

#include "model/world.h"

struct wb_step_def;

/* An IO activity: its next step (io_write, io_complete), and taking it. */
const struct wb_step_def *wb_io_step(const struct wb_model *m, const void *w, unsigned page);
void wb_io_apply(struct wb_model *m, void *w, unsigned page);

/* The oracle's flush: the same rules, with no interleaving. */
void wb_io_write(struct wb_model *m, void *w, unsigned page);
void xfs_end_ioend(struct wb_model *m, void *w, unsigned page);
void wb_flush_folio(struct wb_model *m, void *w, unsigned page);
/*
 * For simulated time: is writeback task t at the start of a pass (its first
 * step, or the first after a pass_end), and which pass (0-based)?
 */
bool wb_writeback_pass_start(const struct wb_model *m, const void *w, unsigned t, unsigned *pass);
/* The page a writeback step is about: the folio it holds, else its position. */
unsigned wb_writeback_page(const struct wb_model *m, const void *w, unsigned t);
/* A punch's write-and-wait of one dirty folio (xfs_flush_unmap_range()), by the same rules. */
void wb_write_and_wait_folio(struct wb_model *m, void *w, unsigned page);
/*
 * Partial-order reduction: the pages a sync writeback task has a TOWRITE tag
 * on now (a folio's removal clears it); may one still tag any page?
 */
uint64_t wb_towrite_pages(const struct wb_model *m, const void *w);
bool wb_sync_writeback_left(const struct wb_model *m, const void *w);

#endif
