/* SPDX-License-Identifier: MIT */
/* reclaim.h - page-cache eviction (mm/vmscan.c, mm/truncate.c). */
#ifndef WBSIM_RECLAIM_H
#define WBSIM_RECLAIM_H

#include "model/world.h"

/* The pages this reclaim task may evict now, as a mask. */
uint64_t wb_reclaim_candidates(const struct wb_model *m, const void *w, unsigned t);
void wb_evict(struct wb_model *m, void *w, unsigned t, unsigned page);

#endif
