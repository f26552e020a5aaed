/* SPDX-License-Identifier: MIT */
/*
 * locks.c - the sleeping locks of the model, and why a task waits on them.
 *
 * i_rwsem (XFS's IOLOCK) and the invalidate_lock (XFS's MMAPLOCK) are
 * reader-writer semaphores: an exclusive owner or a count of shared holders.
 * A folio lock has one owner.  A step that takes a lock is enabled only when
 * the lock is free for it; the *_available() functions say so, and when the
 * caller asks (why != NULL) say on what the task waits, in the words every
 * actor uses.  Taking or dropping a sleeping lock records its footprint
 * (the taker waited for it, and changed it); folio locks leave the footprint
 * to the caller, whose step changes more of the folio than its lock.
 */
#include "model/locks.h"

#include <stdio.h>

static const char *wb_owner_name(const struct wb_model *m, uint8_t owner)
{
	return m->sc->tasks[owner - 1].name;
}

bool wb_rwsem_available(const struct wb_model *m, const void *w, bool shared, char *why, size_t n)
{
	const struct wb_inode *ino = wb_inode(WBC(w));

	if (ino->rwsem_owner) {
		WB_WHY(why, n, "waits for i_rwsem, held by %s", wb_owner_name(m, ino->rwsem_owner));
		return false;
	}
	if (!shared && ino->rwsem_shared) {
		WB_WHY(why, n, "waits for i_rwsem, held shared by %u task%s", ino->rwsem_shared,
		       ino->rwsem_shared == 1 ? "" : "s");
		return false;
	}
	return true;
}

void wb_rwsem_down(struct wb_model *m, void *w, unsigned t, bool shared)
{
	struct wb_inode *ino = wb_inode(w);

	if (shared)
		ino->rwsem_shared++;
	else
		ino->rwsem_owner = (uint8_t)(t + 1);
	wb_fp(m, WB_LOC_RWSEM, WB_FP_WAIT | WB_FP_WRITE);
}

void wb_rwsem_up(struct wb_model *m, void *w, bool shared)
{
	struct wb_inode *ino = wb_inode(w);

	if (shared)
		ino->rwsem_shared--;
	else
		ino->rwsem_owner = 0;
	wb_fp(m, WB_LOC_RWSEM, WB_FP_WRITE);
}

bool wb_inval_available(const struct wb_model *m, const void *w, bool shared, char *why, size_t n)
{
	const struct wb_inode *ino = wb_inode(WBC(w));

	if (ino->inval_excl) {
		WB_WHY(why, n, "waits for the invalidate_lock, held exclusive by %s",
		       wb_owner_name(m, ino->inval_excl));
		return false;
	}
	if (!shared && ino->inval_shared) {
		WB_WHY(why, n, "waits for the invalidate_lock, held shared by %u page fault%s",
		       ino->inval_shared, ino->inval_shared == 1 ? "" : "s");
		return false;
	}
	return true;
}

void wb_inval_down(struct wb_model *m, void *w, unsigned t, bool shared)
{
	struct wb_inode *ino = wb_inode(w);

	if (shared)
		ino->inval_shared++;
	else
		ino->inval_excl = (uint8_t)(t + 1);
	wb_fp(m, WB_LOC_INVAL(m), WB_FP_WAIT | WB_FP_WRITE);
}

void wb_inval_up(struct wb_model *m, void *w, bool shared)
{
	struct wb_inode *ino = wb_inode(w);

	if (shared)
		ino->inval_shared--;
	else
		ino->inval_excl = 0;
	wb_fp(m, WB_LOC_INVAL(m), WB_FP_WRITE);
}

bool wb_folio_lock_available(const struct wb_model *m, const void *w, unsigned page, char *why,
			     size_t n)
{
	const struct folio *f = wb_folio(m, WBC(w), page);

	if (!f->locked)
		return true;
	WB_WHY(why, n, "waits for the lock of page %u, held by %s", page,
	       wb_owner_name(m, f->locked));
	return false;
}

/* A large folio's lock is in every page slot of it (world.h). */
void wb_folio_lock_take(struct wb_model *m, void *w, unsigned t, unsigned page)
{
	unsigned head = wb_fhead(m, w, page), np = wb_fpages(m, w, page);

	for (unsigned q = head; q < head + np; q++)
		wb_folio(m, w, q)->locked = (uint8_t)(t + 1);
}

void wb_folio_unlock(struct wb_model *m, void *w, unsigned page)
{
	unsigned head = wb_fhead(m, w, page), np = wb_fpages(m, w, page);

	for (unsigned q = head; q < head + np; q++)
		wb_folio(m, w, q)->locked = 0;
}
