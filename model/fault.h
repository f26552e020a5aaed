/* SPDX-License-Identifier: MIT */
/* fault.h - page faults through mmap: read faults and writes (docs/model.md sections 5, 6). */
#ifndef WBSIM_FAULT_H
#define WBSIM_FAULT_H

#include "model/world.h"

const char *wb_fault_step(const struct wb_model *m, const void *w, unsigned t);
bool wb_fault_enabled(const struct wb_model *m, const void *w, unsigned t, char *why, size_t n);
void wb_fault_apply(struct wb_model *m, void *w, unsigned t);

#endif
