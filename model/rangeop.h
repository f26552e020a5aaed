/* SPDX-License-Identifier: MIT */
/* rangeop.h - hole punch, fallocate and truncate (docs/model.md section 7). */
#ifndef WBSIM_RANGEOP_H
#define WBSIM_RANGEOP_H

#include "model/world.h"

const char *wb_rangeop_step(const struct wb_model *m, const void *w, unsigned t);
bool wb_rangeop_enabled(const struct wb_model *m, const void *w, unsigned t, char *why, size_t n);
void wb_rangeop_apply(struct wb_model *m, void *w, unsigned t);

#endif
