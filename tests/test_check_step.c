/* SPDX-License-Identifier: MIT */
/*
 * test_check_step.c - the model's transition invariants (model/check_step.c):
 * real steps pass, and transitions made bad by hand (seq going back, an
 * extent change without a seq bump, evicting a dirty, locked, referenced or
 * under-writeback folio, a writer or a writeback pass losing the folio lock
 * its program counter says it holds, a lock taken by a task that does not
 * step, an IO out of nowhere, a task moved by another's step, a step writing
 * outside its reduction footprint) are rejected with a message saying what
 * broke.
 */
#include "tests/harness.h"

/* One page, clean or dirty, a writer, a writeback task and reclaim over it. */
#define ONE_PAGE                                                                                   \
	"{'wbsim':1,'name':'t','file':{'size':4096,'extents':["                                    \
	"{'offset':0,'length':4096,'state':'written','data':'O'}]},'tasks':["                      \
	"{'name':'W1','op':'write','offset':0,'length':2048,'data':'A'},"                          \
	"{'name':'WB','op':'writeback'},{'name':'RC','op':'reclaim'}]}"

/* Take `actor`'s next step, which must be `step` (at page `arg`, if >= 0), keeping the world
 * before it in `before`; the real transition passes the hook.  Returns the action. */
static uint32_t take(struct tc *t, const char *actor, const char *step, int arg, void *before)
{
	struct sim_label l;
	uint32_t a = 0;
	char msg[256] = "";

	assert_true(tc_find(t, actor, arg, &a, &l) >= 0);
	assert_string_equal(l.step, step);
	memcpy(before, t->w, t->m.size);
	wb_sim_ops.apply(&t->m, t->w, a);
	if (wb_check_step(&t->m, before, t->w, a, msg, sizeof(msg)))
		fail_msg("%s:%s rejected: %s", actor, step, msg);
	return a;
}

/* The hook rejects before -> after by `a`, with a message containing `want`. */
static void rejects(struct tc *t, const void *before, const void *after, uint32_t a,
		    const char *want)
{
	char msg[256] = "";

	assert_int_equal(wb_check_step(&t->m, before, after, a, msg, sizeof(msg)), -1);
	if (!strstr(msg, want))
		fail_msg("rejected with \"%s\", wanted \"%s\"", msg, want);
}

/* The wb_sim_ops table carries the hook. */
static void test_hook_installed(void **state)
{
	(void)state;
	assert_true(wb_sim_ops.check_step == wb_check_step);
}

static void test_seq_and_extent_map(void **state)
{
	struct tc t;
	uint8_t *before, *bad;
	uint32_t a;

	(void)state;
	tc_open(&t,
		"{'wbsim':1,'name':'t','file':{'size':0},'tasks':["
		"{'name':'W1','op':'write','offset':0,'length':4096,'data':'A'}]}",
		SCENARIO_CHECK);
	before = wb_xmalloc(t.m.size);
	bad = wb_xmalloc(t.m.size);
	take(&t, "W1", "rwsem_lock", -1, before);
	/* seq only grows */
	memcpy(bad, t.w, t.m.size);
	wb_inode(before)->seq = 3;
	wb_inode(bad)->seq = 2;
	rejects(&t, before, bad, WB_ACTION(0, 0), "seq went back from 3 to 2");
	/* iomap_begin over a hole reserves DELALLOC and bumps seq: fine */
	a = take(&t, "W1", "iomap_begin", -1, before);
	assert_int_equal(wb_inode(before)->seq + 1, wb_inode(t.w)->seq);
	/* the same reservation without the bump */
	memcpy(bad, t.w, t.m.size);
	wb_inode(bad)->seq = wb_inode(before)->seq;
	rejects(&t, before, bad, a, "the extent map changed but seq stayed 0");
	/* a bump without a change */
	memcpy(bad, before, t.m.size);
	wb_inode(bad)->seq++;
	rejects(&t, before, bad, a, "seq moved 0->1 but the extent map did not change");
	/* i_size shrinks only in a truncate */
	memcpy(bad, before, t.m.size);
	wb_inode(before)->i_size = 4096;
	rejects(&t, before, bad, a, "i_size shrank 4096->0 outside a truncate");
	free(before);
	free(bad);
	tc_close(&t);
}

/* Evicting a folio that is dirty, locked, referenced or under writeback is rejected. */
static void test_evict_only_clean_idle_folios(void **state)
{
	struct tc t;
	uint8_t *before, *bad;
	unsigned rc;
	uint32_t evict;

	(void)state;
	tc_open(&t, ONE_PAGE, SCENARIO_CHECK);
	before = wb_xmalloc(t.m.size);
	bad = wb_xmalloc(t.m.size);
	rc = tc_task(&t, "RC");
	evict = WB_ACTION(rc, 0);

	/* W1 created the folio locked, with its reference: unlocked, it is still referenced */
	RUN_TO(&t, "W1", "iomap_begin");
	take(&t, "W1", "folio_get", -1, before);
	memcpy(bad, t.w, t.m.size);
	wb_folio_remove(&t.m, bad, 0);
	wb_folio(&t.m, t.w, 0)->locked = 0;
	rejects(&t, t.w, bad, evict, "page 0 evicted while referenced");
	wb_folio(&t.m, t.w, 0)->locked = 1;
	/* ... and locked: removed while locked */
	rejects(&t, t.w, bad, evict, "page 0 removed while locked");

	/* dirty after W1 */
	tc_run(&t, "W1");
	assert_true(tc_folio(&t, 0)->flags & FOLIO_DIRTY);
	memcpy(bad, t.w, t.m.size);
	wb_folio_remove(&t.m, bad, 0);
	rejects(&t, t.w, bad, evict, "page 0 evicted while dirty");

	/* under writeback, clean */
	RUN_TO(&t, "WB", "start_writeback");
	assert_true(tc_folio(&t, 0)->flags & FOLIO_WRITEBACK);
	memcpy(bad, t.w, t.m.size);
	wb_folio_remove(&t.m, bad, 0);
	memset(wb_io(&t.m, bad, 0), 0, sizeof(struct wb_io));
	rejects(&t, t.w, bad, evict, "page 0 removed while under writeback");

	/* written and clean: the real evict passes; evicting another page is wrong */
	tc_run(&t, "WB");
	tc_run(&t, "WB/io0");
	take(&t, "RC", "evict", 0, before);
	rejects(&t, before, t.w, WB_ACTION(rc, 1), "evict of page 1 removed page 0");
	/* an evict that removes nothing */
	rejects(&t, before, before, evict, "an evict removed 0 folios");
	free(before);
	free(bad);
	tc_close(&t);
}

/* Per program counter: a writer in write_begin..write_end holds its folio locked, referenced. */
static void test_writer_holds_its_folio(void **state)
{
	struct tc t;
	uint8_t *before, *bad;
	uint32_t a;

	(void)state;
	tc_open(&t, ONE_PAGE, WB_CHECK_AFTER_LOCK);
	before = wb_xmalloc(t.m.size);
	bad = wb_xmalloc(t.m.size);
	RUN_TO(&t, "W1", "iomap_valid");
	a = take(&t, "W1", "write_begin", -1, before);
	assert_int_equal(tc_wr(&t, "W1")->pc, WP_COPY);
	/* write_begin that dropped the lock */
	memcpy(bad, t.w, t.m.size);
	wb_folio(&t.m, bad, 0)->locked = 0;
	rejects(&t, before, bad, a, "W1 at pc 7 does not hold the lock of page 0");
	/* ... or the reference */
	memcpy(bad, t.w, t.m.size);
	wb_folio(&t.m, bad, 0)->flags &= (uint8_t)~FOLIO_REF;
	rejects(&t, before, bad, a, "W1 at pc 7 lacks its reference on page 0");
	/* ... or i_rwsem */
	memcpy(bad, t.w, t.m.size);
	wb_inode(bad)->rwsem_owner = 0;
	rejects(&t, before, bad, a, "W1 at pc 7 does not hold i_rwsem");
	/* write_end, then the folio still locked: nobody holds that lock */
	a = take(&t, "W1", "copy", -1, before);
	a = take(&t, "W1", "write_end", -1, before);
	memcpy(bad, t.w, t.m.size);
	wb_folio(&t.m, bad, 0)->locked = 1;
	rejects(&t, before, bad, a, "page 0: locked by W1, which does not hold it");
	free(before);
	free(bad);
	tc_close(&t);
}

/* Writeback from wb_lock to start_writeback holds b.cur locked. */
static void test_writeback_holds_its_folio(void **state)
{
	struct tc t;
	uint8_t *before, *bad;
	uint32_t a;

	(void)state;
	tc_open(&t, ONE_PAGE, SCENARIO_CHECK);
	before = wb_xmalloc(t.m.size);
	bad = wb_xmalloc(t.m.size);
	tc_run(&t, "W1");
	RUN_TO(&t, "WB", "wb_lock");
	a = take(&t, "WB", "clear_dirty", -1, before);
	assert_int_equal(tc_wb(&t, "WB")->pc, BP_MAP_BLOCKS);
	memcpy(bad, t.w, t.m.size);
	wb_folio(&t.m, bad, 0)->locked = 0;
	rejects(&t, before, bad, a, "WB at pc 3 does not hold the lock of page 0");
	/* from map_blocks on, its folio is not under writeback yet */
	a = take(&t, "WB", "map_blocks", -1, before);
	memcpy(bad, t.w, t.m.size);
	wb_folio(&t.m, bad, 0)->flags |= FOLIO_WRITEBACK;
	rejects(&t, before, bad, a, "WB at pc 4: page 0 is already under writeback");
	/* and only start_writeback submits an IO */
	wb_io(&t.m, bad, 0)->phase = IO_SUBMITTED;
	wb_io(&t.m, bad, 0)->parent = (uint8_t)tc_task(&t, "WB");
	rejects(&t, before, bad, a, "page 0: an IO appeared outside start_writeback");
	free(before);
	free(bad);
	tc_close(&t);
}

/* Locks and program counters move only by the stepping task. */
/*
 * A step writes only what its partial-order reduction footprint says
 * (model/por.h): a copy that also changes another page's bytes is rejected.
 */
static void test_writes_within_footprint(void **state)
{
	struct tc t;
	uint8_t *before, *bad;
	uint32_t a;

	(void)state;
	tc_open(&t,
		"{'wbsim':1,'name':'t','file':{'size':8192,'extents':["
		"{'offset':0,'length':8192,'state':'written','data':'O'}]},'tasks':["
		"{'name':'W1','op':'write','offset':0,'length':4096,'data':'A'}]}",
		SCENARIO_CHECK);
	before = wb_xmalloc(t.m.size);
	bad = wb_xmalloc(t.m.size);
	take(&t, "W1", "rwsem_lock", -1, before);
	take(&t, "W1", "iomap_begin", -1, before);
	take(&t, "W1", "folio_get", -1, before);
	take(&t, "W1", "iomap_valid", -1, before);
	take(&t, "W1", "write_begin", -1, before);
	a = take(&t, "W1", "copy", -1, before);
	memcpy(bad, t.w, t.m.size);
	wb_cache(&t.m, bad, 1)[0] = 'Z';
	rejects(&t, before, bad, a, "which its footprint does not say");
	free(before);
	free(bad);
	tc_close(&t);
}

static void test_only_the_stepping_task_moves(void **state)
{
	struct tc t;
	uint8_t *before, *bad;
	uint32_t a;

	(void)state;
	tc_open(&t, ONE_PAGE, SCENARIO_CHECK);
	before = wb_xmalloc(t.m.size);
	bad = wb_xmalloc(t.m.size);
	/* WB's step takes i_rwsem for W1, and moves W1's pc */
	tc_run(&t, "W1");
	a = take(&t, "WB", "wb_lock", -1, before);
	memcpy(bad, t.w, t.m.size);
	wb_inode(bad)->rwsem_owner = 1;
	rejects(&t, before, bad, a, "i_rwsem changed hands 0->1, not by the stepping task");
	memcpy(bad, t.w, t.m.size);
	wb_folio(&t.m, bad, 0)->locked = 1;
	rejects(&t, before, bad, a, "page 0: lock changed hands 0->1, not by the stepping task");
	/* another task's program counter moves */
	memcpy(bad, t.w, t.m.size);
	wb_task(&t.m, bad, tc_task(&t, "RC"))->r.pc = 1;
	rejects(&t, before, bad, a, "RC moved from pc 0 to 1 on another task's step");
	/* a finished task changes */
	memcpy(bad, t.w, t.m.size);
	wb_task(&t.m, bad, 0)->w.pc = WP_RWSEM_UNLOCK;
	rejects(&t, before, bad, a, "W1 changed after it finished");
	free(before);
	free(bad);
	tc_close(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_hook_installed),
	    cmocka_unit_test(test_seq_and_extent_map),
	    cmocka_unit_test(test_evict_only_clean_idle_folios),
	    cmocka_unit_test(test_writer_holds_its_folio),
	    cmocka_unit_test(test_writeback_holds_its_folio),
	    cmocka_unit_test(test_writes_within_footprint),
	    cmocka_unit_test(test_only_the_stepping_task_moves),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
