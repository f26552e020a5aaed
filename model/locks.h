/* SPDX-License-Identifier: MIT */
/* locks.h - i_rwsem, the invalidate_lock and folio locks: availability with wait reasons. */
#ifndef WBSIM_LOCKS_H
#define WBSIM_LOCKS_H

#include "model/world.h"

/* i_rwsem (IOLOCK): exclusive owner or shared holders. */
bool wb_rwsem_available(const struct wb_model *m, const void *w, bool shared, char *why, size_t n);
void wb_rwsem_down(struct wb_model *m, void *w, unsigned t, bool shared);
void wb_rwsem_up(struct wb_model *m, void *w, bool shared);

/* The invalidate_lock (MMAPLOCK): page faults hold it shared. */
bool wb_inval_available(const struct wb_model *m, const void *w, bool shared, char *why, size_t n);
void wb_inval_down(struct wb_model *m, void *w, unsigned t, bool shared);
void wb_inval_up(struct wb_model *m, void *w, bool shared);

/* A folio lock (the caller records the folio's footprint). */
bool wb_folio_lock_available(const struct wb_model *m, const void *w, unsigned page, char *why,
			     size_t n);
void wb_folio_lock_take(struct wb_model *m, void *w, unsigned t, unsigned page);
void wb_folio_unlock(struct wb_model *m, void *w, unsigned page);

#endif
