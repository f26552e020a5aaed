/* SPDX-License-Identifier: MIT */
/*
 * test_model.c - every step of the kernel model and its effect on the state
 * (docs/model.md sections 2 to 6): the buffered writer, write_begin's decision,
 * the extent map and seq, writeback passes and their IOs, reclaim, `after`
 * and the order of enabled actions.  Each test builds a small scenario,
 * drives named steps one at a time and inspects the world through the
 * accessors of model/world.h.
 */
#include "model/extent_map.h"
#include "tests/harness.h"

/* ------------------------------------------------------------------ writer */

static void test_rwsem_lock(void **state)
{
	struct tc t;
	struct wb_inode *ino;

	(void)state;
	tc_open(&t, "{'wbsim':1,'name':'t'," C1_FILE ",'tasks':["
		    "{'name':'W1','op':'write','offset':6144,'length':2048,'data':'A'},"
		    "{'name':'W2','op':'write','offset':0,'length':6144,'data':'B'}]}",
		SCENARIO_CHECK);
	ino = wb_inode(t.w);
	assert_string_equal(tc_enabled_text(&t), "W1:rwsem_lock W2:rwsem_lock");
	assert_int_equal(ino->rwsem_owner, 0);
	assert_int_equal(ino->norder, 0);

	/* W2 first: the order records who took i_rwsem, not the scenario order */
	STEP(&t, "W2", "rwsem_lock");
	assert_int_equal(ino->rwsem_owner, 2);
	assert_int_equal(ino->norder, 1);
	assert_int_equal(ino->order[0], 1);
	assert_int_equal(tc_wr(&t, "W2")->pos, 0);
	assert_int_equal(tc_wr(&t, "W2")->pc, WP_IOMAP_BEGIN);
	/* a second writer waits: not enabled at all */
	assert_null(tc_next(&t, "W1"));
	assert_string_equal(tc_enabled_text(&t), "W2:iomap_begin");

	tc_run(&t, "W2");
	assert_int_equal(tc_wr(&t, "W2")->pc, WP_DONE);
	assert_int_equal(ino->rwsem_owner, 0);
	assert_string_equal(tc_next(&t, "W1"), "rwsem_lock");
	STEP(&t, "W1", "rwsem_lock");
	assert_int_equal(ino->rwsem_owner, 1);
	assert_int_equal(ino->norder, 2);
	assert_int_equal(ino->order[0], 1);
	assert_int_equal(ino->order[1], 0);
	assert_int_equal(tc_wr(&t, "W1")->pos, 6144);
	tc_close(&t);
}

static void test_iomap_begin_existing_extent(void **state)
{
	struct tc t;
	struct wb_writer *wr;

	(void)state;
	tc_open(&t, "{'wbsim':1,'name':'t'," C1_FILE ",'tasks':["
		    "{'name':'W1','op':'write','offset':6144,'length':2048,'data':'A'}]}",
		SCENARIO_CHECK);
	wr = tc_wr(&t, "W1");
	STEP(&t, "W1", "rwsem_lock");
	wb_inode(t.w)->seq = 7; /* the cookie is whatever seq is */
	STEP(&t, "W1", "iomap_begin");
	/* the whole extent, not trimmed to the request; no NEW; nothing changed */
	assert_int_equal(wr->type, IOMAP_UNWRITTEN);
	assert_int_equal(wr->flags, 0);
	assert_int_equal(wr->map_off, 0);
	assert_int_equal(wr->map_end, 8192);
	assert_int_equal(wr->cookie, 7);
	assert_int_equal(wr->iter_start, 6144);
	assert_int_equal(wr->iter_end, 8192);
	assert_int_equal(wr->pos, 6144);
	assert_int_equal(tc_seq(&t), 7);
	assert_string_equal(tc_exts(&t), "UU");
	/* after_lock (the scenario default): folio_get comes next */
	assert_string_equal(tc_next(&t, "W1"), "folio_get");
	tc_close(&t);
}

/* Iteration length, iomap_end's advance and the canonical clearing of the mapping. */
static void test_iomap_begin_iteration_and_iomap_end(void **state)
{
	struct tc t;
	struct wb_writer *wr;

	(void)state;
	tc_open(&t, "{'wbsim':1,'name':'t','file':{'size':12288,'extents':["
		    "{'offset':0,'length':4096,'state':'unwritten'},"
		    "{'offset':4096,'length':8192,'state':'written','data':'X'}]},'tasks':["
		    "{'name':'W1','op':'write','offset':2048,'length':4096,'data':'A'}]}",
		SCENARIO_CHECK);
	wr = tc_wr(&t, "W1");
	STEP(&t, "W1", "rwsem_lock");
	STEP(&t, "W1", "iomap_begin");
	assert_int_equal(wr->type, IOMAP_UNWRITTEN);
	assert_int_equal(wr->map_off, 0);
	assert_int_equal(wr->map_end, 4096);
	/* min(remaining 4096, mapping end - pos 2048) */
	assert_int_equal(wr->iter_start, 2048);
	assert_int_equal(wr->iter_end, 4096);
	RUN_TO(&t, "W1", "write_end");
	assert_string_equal(t.trace, "folio_get iomap_valid write_begin copy write_end");
	assert_string_equal(tc_cache(&t, 0), "0*2048 A*2048");
	assert_int_equal(wr->pos, 4096);
	assert_string_equal(tc_next(&t, "W1"), "iomap_end");

	/* iomap_end: progress, bytes left: back to iomap_begin, the mapping cleared */
	STEP(&t, "W1", "iomap_end");
	assert_int_equal(wr->pc, WP_IOMAP_BEGIN);
	assert_int_equal(wr->pos, 4096);
	assert_int_equal(wr->type, 0);
	assert_int_equal(wr->flags, 0);
	assert_int_equal(wr->iter_start, 0);
	assert_int_equal(wr->iter_end, 0);
	assert_int_equal(wr->map_off, 0);
	assert_int_equal(wr->map_end, 0);
	assert_int_equal(wr->cookie, 0);

	STEP(&t, "W1", "iomap_begin");
	assert_int_equal(wr->type, IOMAP_MAPPED);
	assert_int_equal(wr->flags, 0);
	assert_int_equal(wr->map_off, 4096);
	assert_int_equal(wr->map_end, 12288); /* whole extent */
	assert_int_equal(wr->iter_start, 4096);
	assert_int_equal(wr->iter_end, 6144); /* min(remaining, mapping end - pos) */
	RUN_TO(&t, "W1", "write_end");
	/* WRITTEN inside EOF: block 1 read from disk, then A over the first half */
	assert_string_equal(tc_cache(&t, 1), "A*2048 X*2048");
	STEP(&t, "W1", "iomap_end");
	assert_int_equal(wr->pc, WP_RWSEM_UNLOCK);
	assert_int_equal(wr->type, 0);
	assert_int_equal(wr->map_end, 0);
	assert_int_equal(wr->iter_end, 0);
	STEP(&t, "W1", "rwsem_unlock");
	/* a finished task has no locals */
	union wb_task_state zero;
	memset(&zero, 0, sizeof(zero));
	zero.w.pc = WP_DONE;
	assert_memory_equal(wb_task(&t.m, t.w, 0), &zero, sizeof(zero));
	assert_int_equal(wb_inode(t.w)->rwsem_owner, 0);
	assert_int_equal(wb_inode(t.w)->i_size, 12288); /* never lowered */
	assert_int_equal(tc_seq(&t), 0);
	assert_null(tc_next(&t, "W1"));
	tc_close(&t);
}

static void test_iomap_begin_hole_to_request_end(void **state)
{
	struct tc t;
	struct wb_writer *wr;

	(void)state;
	tc_open(&t, "{'wbsim':1,'name':'t','file':{'size':16384},'tasks':["
		    "{'name':'W1','op':'write','offset':5000,'length':4000,'data':'A'}]}",
		SCENARIO_CHECK);
	wr = tc_wr(&t, "W1");
	assert_string_equal(tc_exts(&t), "HHHH");
	STEP(&t, "W1", "rwsem_lock");
	STEP(&t, "W1", "iomap_begin");
	/* from pos's block (1) to the request's end rounded up to a block (9000 -> 12288) */
	assert_string_equal(tc_exts(&t), "HDDH");
	assert_int_equal(tc_seq(&t), 1);
	assert_int_equal(wr->type, IOMAP_DELALLOC);
	assert_int_equal(wr->flags, IOMAP_F_NEW);
	assert_int_equal(wr->map_off, 4096);
	assert_int_equal(wr->map_end, 12288);
	assert_int_equal(wr->cookie, 1); /* seq after the reservation */
	assert_int_equal(wr->iter_start, 5000);
	assert_int_equal(wr->iter_end, 9000);
	/* the rest of the write uses this mapping: no more reservation, no more bump */
	tc_run(&t, "W1");
	assert_int_equal(wr->pc, WP_DONE);
	assert_string_equal(tc_exts(&t), "HDDH");
	assert_int_equal(tc_seq(&t), 1);
	assert_int_equal(wb_inode(t.w)->i_size, 16384);
	tc_close(&t);
}

static void test_iomap_begin_hole_to_next_extent(void **state)
{
	struct tc t;
	struct wb_writer *wr;

	(void)state;
	tc_open(&t, "{'wbsim':1,'name':'t','file':{'size':12288,'extents':["
		    "{'offset':8192,'length':4096,'state':'unwritten'}]},'tasks':["
		    "{'name':'W1','op':'write','offset':1024,'length':9216,'data':'A'}]}",
		SCENARIO_CHECK);
	wr = tc_wr(&t, "W1");
	STEP(&t, "W1", "rwsem_lock");
	STEP(&t, "W1", "iomap_begin");
	/* the request ends in block 2, but the next extent starts there */
	assert_string_equal(tc_exts(&t), "DDU");
	assert_int_equal(tc_seq(&t), 1);
	assert_int_equal(wr->flags, IOMAP_F_NEW);
	assert_int_equal(wr->map_off, 0);
	assert_int_equal(wr->map_end, 8192);
	assert_int_equal(wr->iter_start, 1024);
	assert_int_equal(wr->iter_end, 8192);
	assert_int_equal(wr->cookie, 1);
	RUN_TO(&t, "W1", "iomap_end");
	assert_string_equal(t.trace, "folio_get iomap_valid write_begin copy write_end "
				     "folio_get iomap_valid write_begin copy write_end iomap_end");
	/* all of the reservation was used: nothing released */
	assert_string_equal(tc_exts(&t), "DDU");
	assert_int_equal(tc_seq(&t), 1);
	STEP(&t, "W1", "iomap_begin");
	assert_int_equal(wr->type, IOMAP_UNWRITTEN);
	assert_int_equal(wr->flags, 0);
	assert_int_equal(wr->map_off, 8192);
	assert_int_equal(wr->map_end, 12288);
	assert_int_equal(wr->iter_start, 8192);
	assert_int_equal(wr->iter_end, 10240);
	assert_int_equal(wr->cookie, 1);
	assert_int_equal(tc_seq(&t), 1);
	tc_close(&t);
}

static void test_folio_get_absent(void **state)
{
	static const int modes[] = { WB_CHECK_AFTER_LOCK, WB_CHECK_OFF };

	(void)state;
	for (unsigned i = 0; i < 2; i++) {
		struct tc t;
		struct folio *f;

		tc_open(&t, "{'wbsim':1,'name':'t'," C1_FILE ",'tasks':["
			    "{'name':'W1','op':'write','offset':6144,'length':2048,'data':'A'},"
			    "{'name':'RC','op':'reclaim'}]}",
			modes[i]);
		f = tc_folio(&t, 1);
		assert_int_equal(f->flags, 0);
		STEP(&t, "W1", "rwsem_lock");
		STEP(&t, "W1", "iomap_begin");
		STEP(&t, "W1", "folio_get");
		assert_int_equal(f->flags, FOLIO_PRESENT | FOLIO_REF);
		assert_int_equal(f->locked, 1);
		assert_int_equal(f->uptodate, 0);
		assert_int_equal(tc_folio(&t, 0)->flags, 0);
		assert_null(tc_next(&t, "RC")); /* locked and referenced: not evictable */
		if (modes[i] == WB_CHECK_AFTER_LOCK) {
			assert_int_equal(tc_wr(&t, "W1")->pc, WP_VALID_AFTER);
			STEP(&t, "W1", "iomap_valid");
			assert_int_equal(tc_wr(&t, "W1")->flags, 0);
		}
		/* a new folio is already locked: no folio_lock step */
		assert_int_equal(tc_wr(&t, "W1")->pc, WP_WRITE_BEGIN);
		STEP(&t, "W1", "write_begin");
		assert_int_equal(f->locked, 1);
		tc_close(&t);
	}
}

/* A found folio takes a reference; folio_lock waits while writeback holds the lock. */
static void test_folio_get_present_and_folio_lock(void **state)
{
	struct tc t;
	struct folio *f;

	(void)state;
	tc_open(&t, "{'wbsim':1,'name':'t'," C1_FILE ",'tasks':["
		    "{'name':'W1','op':'write','offset':0,'length':4096,'data':'A'},"
		    "{'name':'W2','op':'write','offset':0,'length':2048,'data':'B'},"
		    "{'name':'WB','op':'writeback'}]}",
		SCENARIO_CHECK);
	f = tc_folio(&t, 0);
	tc_run(&t, "W1");
	assert_int_equal(f->flags, FOLIO_PRESENT | FOLIO_DIRTY);
	STEP(&t, "WB", "wb_lock");
	assert_int_equal(f->locked, 3);
	STEP(&t, "W2", "rwsem_lock");
	STEP(&t, "W2", "iomap_begin");
	STEP(&t, "W2", "folio_get");
	assert_int_equal(f->flags, FOLIO_PRESENT | FOLIO_DIRTY | FOLIO_REF);
	assert_int_equal(f->locked, 3); /* still writeback's */
	assert_int_equal(tc_wr(&t, "W2")->pc, WP_FOLIO_LOCK);
	assert_null(tc_next(&t, "W2"));
	assert_string_equal(tc_enabled_text(&t), "WB:clear_dirty");
	STEP(&t, "WB", "clear_dirty");
	STEP(&t, "WB", "map_blocks");
	assert_null(tc_next(&t, "W2"));
	STEP(&t, "WB", "start_writeback");
	assert_int_equal(f->locked, 0);
	STEP(&t, "W2", "folio_lock");
	assert_int_equal(f->locked, 2);
	assert_int_equal(f->flags, FOLIO_PRESENT | FOLIO_WRITEBACK | FOLIO_REF);
	STEP(&t, "W2", "iomap_valid"); /* IO not complete: seq unchanged */
	assert_int_equal(tc_wr(&t, "W2")->flags, 0);
	STEP(&t, "W2", "write_begin");
	STEP(&t, "W2", "copy");
	STEP(&t, "W2", "write_end");
	assert_string_equal(tc_cache(&t, 0), "B*2048 A*2048");
	assert_int_equal(f->flags, FOLIO_PRESENT | FOLIO_WRITEBACK | FOLIO_DIRTY);
	assert_int_equal(f->locked, 0);
	tc_close(&t);
}

/* after_lock: a failed check marks STALE, releases the folio and remaps at the same pos. */
static void test_iomap_valid_after_lock_stale(void **state)
{
	struct tc t;
	struct wb_writer *wr;
	struct folio *f;

	(void)state;
	tc_open(&t, "{'wbsim':1,'name':'t'," C1_FILE ",'tasks':["
		    "{'name':'W1','op':'write','offset':0,'length':4096,'data':'A'},"
		    "{'name':'W2','op':'write','offset':4096,'length':2048,'data':'B'},"
		    "{'name':'WB','op':'writeback'},{'name':'RC','op':'reclaim','pages':[1]}]}",
		WB_CHECK_AFTER_LOCK);
	wr = tc_wr(&t, "W2");
	f = tc_folio(&t, 1);
	tc_run(&t, "W1");
	STEP(&t, "W2", "rwsem_lock");
	STEP(&t, "W2", "iomap_begin");
	assert_int_equal(wr->cookie, 0);
	tc_run(&t, "WB");
	assert_string_equal(t.trace, "wb_lock clear_dirty map_blocks start_writeback pass_end");
	STEP(&t, "WB/io0", "io_write");
	STEP(&t, "WB/io0", "io_complete");
	assert_string_equal(tc_exts(&t), "WU");
	assert_int_equal(tc_seq(&t), 1);

	STEP(&t, "W2", "folio_get");
	assert_int_equal(f->flags, FOLIO_PRESENT | FOLIO_REF);
	STEP(&t, "W2", "iomap_valid");
	assert_int_equal(wr->flags, IOMAP_F_STALE);
	assert_int_equal(wr->type, IOMAP_UNWRITTEN);
	/* the folio stays cached exactly as it was: clean, not uptodate, empty */
	assert_int_equal(f->flags, FOLIO_PRESENT);
	assert_int_equal(f->locked, 0);
	assert_int_equal(f->uptodate, 0);
	assert_string_equal(tc_cache(&t, 1), "0*4096");
	assert_int_equal(wr->pos, 4096);
	assert_string_equal(tc_next(&t, "W2"), "iomap_end");
	/* unreferenced, unlocked and clean: reclaim could take it now */
	assert_string_equal(tc_next(&t, "RC"), "evict");

	STEP(&t, "W2", "iomap_end"); /* no progress, but STALE: remap */
	assert_int_equal(wr->pc, WP_IOMAP_BEGIN);
	assert_int_equal(wr->pos, 4096);
	assert_int_equal(wr->flags, 0);
	assert_int_equal(tc_seq(&t), 1);
	STEP(&t, "W2", "iomap_begin");
	assert_int_equal(wr->type, IOMAP_UNWRITTEN);
	assert_int_equal(wr->map_off, 4096);
	assert_int_equal(wr->map_end, 8192);
	assert_int_equal(wr->cookie, 1);
	assert_int_equal(wr->iter_start, 4096);
	assert_int_equal(wr->iter_end, 6144);
	STEP(&t, "W2", "folio_get"); /* found this time */
	assert_int_equal(f->flags, FOLIO_PRESENT | FOLIO_REF);
	STEP(&t, "W2", "folio_lock");
	STEP(&t, "W2", "iomap_valid");
	assert_int_equal(wr->flags, 0);
	STEP(&t, "W2", "write_begin");
	assert_int_equal(f->uptodate, 1);
	tc_run(&t, "W2");
	assert_string_equal(t.trace, "copy write_end iomap_end rwsem_unlock");
	assert_string_equal(tc_cache(&t, 1), "B*2048 0*2048");
	tc_close(&t);
}

/* before_lock: iomap_valid precedes every folio_get, the first one's included. */
static void test_iomap_valid_before_lock(void **state)
{
	struct tc t;
	struct wb_writer *wr;

	(void)state;
	tc_open(&t, "{'wbsim':1,'name':'t'," C1_FILE ",'tasks':["
		    "{'name':'W1','op':'write','offset':0,'length':8192,'data':'A'}]}",
		WB_CHECK_BEFORE_LOCK);
	STEP(&t, "W1", "rwsem_lock");
	STEP(&t, "W1", "iomap_begin");
	assert_int_equal(tc_wr(&t, "W1")->pc, WP_VALID_BEFORE);
	tc_run(&t, "W1");
	assert_string_equal(t.trace, "iomap_valid folio_get write_begin copy write_end "
				     "iomap_valid folio_get write_begin copy write_end "
				     "iomap_end rwsem_unlock");
	tc_close(&t);

	/* a failed check: STALE, and no folio to release (none was taken) */
	tc_open(&t, "{'wbsim':1,'name':'t'," C1_FILE ",'tasks':["
		    "{'name':'W1','op':'write','offset':0,'length':4096,'data':'A'},"
		    "{'name':'W2','op':'write','offset':4096,'length':4096,'data':'B'},"
		    "{'name':'WB','op':'writeback'}]}",
		WB_CHECK_BEFORE_LOCK);
	wr = tc_wr(&t, "W2");
	tc_run(&t, "W1");
	STEP(&t, "W2", "rwsem_lock");
	STEP(&t, "W2", "iomap_begin");
	tc_run(&t, "WB");
	tc_run(&t, "WB/io0");
	assert_string_equal(t.trace, "io_write io_complete");
	assert_int_equal(tc_seq(&t), 1);
	STEP(&t, "W2", "iomap_valid");
	assert_int_equal(wr->flags, IOMAP_F_STALE);
	assert_int_equal(tc_folio(&t, 1)->flags, 0);
	assert_string_equal(tc_next(&t, "W2"), "iomap_end");
	STEP(&t, "W2", "iomap_end");
	STEP(&t, "W2", "iomap_begin");
	assert_int_equal(wr->type, IOMAP_UNWRITTEN);
	assert_int_equal(wr->map_off, 4096);
	assert_int_equal(wr->cookie, 1);
	STEP(&t, "W2", "iomap_valid");
	assert_int_equal(wr->flags, 0);
	STEP(&t, "W2", "folio_get");
	assert_int_equal(tc_folio(&t, 1)->locked, 2);
	assert_string_equal(tc_next(&t, "W2"), "write_begin");
	tc_close(&t);
}

static void test_write_end(void **state)
{
	struct tc t;
	struct folio *f;
	struct wb_writer *wr;

	(void)state;
	tc_open(&t, "{'wbsim':1,'name':'t'," GEOM_1K ",'file':{'size':0},'tasks':["
		    "{'name':'W1','op':'write','offset':1536,'length':1024,'data':'A'}]}",
		SCENARIO_CHECK);
	assert_int_equal(t.m.gran, 512);
	assert_int_equal(t.m.npages, 1);
	f = tc_folio(&t, 0);
	wr = tc_wr(&t, "W1");
	STEP(&t, "W1", "rwsem_lock");
	/* the write starts past EOF: the write checks zero the gap (a HOLE: skipped) */
	STEP(&t, "W1", "iomap_begin");
	assert_int_equal(wr->type, IOMAP_HOLE);
	assert_int_equal(wr->pos, 1536);
	STEP(&t, "W1", "iomap_end");
	assert_int_equal(wb_inode(t.w)->i_size, 0);
	STEP(&t, "W1", "iomap_begin");
	assert_string_equal(tc_exts(&t), "HDDH");
	assert_int_equal(wr->map_off, 1024);
	assert_int_equal(wr->map_end, 3072);
	STEP(&t, "W1", "folio_get");
	STEP(&t, "W1", "iomap_valid");
	STEP(&t, "W1", "write_begin");
	assert_int_equal(f->uptodate, 0x6);
	STEP(&t, "W1", "copy");
	assert_string_equal(tc_cache(&t, 0), "0*1536 A*1024 0*1536");
	assert_int_equal(wb_inode(t.w)->i_size, 0);
	assert_int_equal(f->flags, FOLIO_PRESENT | FOLIO_REF);
	assert_int_equal(f->locked, 1);
	STEP(&t, "W1", "write_end");
	assert_int_equal(f->uptodate, 0x6);
	assert_int_equal(f->flags, FOLIO_PRESENT | FOLIO_DIRTY);
	assert_int_equal(f->locked, 0);
	assert_int_equal(wb_inode(t.w)->i_size, 2560);
	assert_int_equal(wr->pos, 2560);
	assert_string_equal(tc_next(&t, "W1"), "iomap_end");
	tc_close(&t);
}

/* 6.2: a STALE DELALLOC NEW mapping gives back the blocks it did not use. */
static void test_iomap_end_delalloc_release(void **state)
{
	struct tc t;
	struct wb_writer *wr;

	(void)state;
	tc_open(&t, "{'wbsim':1,'name':'t','file':{'size':0},'tasks':["
		    "{'name':'W1','op':'write','offset':12288,'length':4096,'data':'A'},"
		    "{'name':'W2','op':'write','offset':0,'length':8192,'data':'B'},"
		    "{'name':'WB','op':'writeback','offset':12288,'length':4096}]}",
		WB_CHECK_AFTER_LOCK);
	wr = tc_wr(&t, "W2");
	tc_run(&t, "W1");
	assert_string_equal(tc_exts(&t), "HHHD");
	assert_int_equal(tc_seq(&t), 1);
	assert_int_equal(wb_inode(t.w)->i_size, 16384);
	STEP(&t, "W2", "rwsem_lock");
	STEP(&t, "W2", "iomap_begin");
	assert_string_equal(tc_exts(&t), "DDHD");
	assert_int_equal(tc_seq(&t), 2);
	assert_int_equal(wr->cookie, 2);
	assert_int_equal(wr->flags, IOMAP_F_NEW);
	assert_int_equal(wr->iter_end, 8192);
	RUN_TO(&t, "W2", "write_end");
	/* writeback of another region bumps seq mid-write */
	tc_run(&t, "WB");
	assert_string_equal(t.trace, "wb_lock clear_dirty map_blocks start_writeback pass_end");
	assert_string_equal(tc_exts(&t), "DDHU");
	assert_int_equal(tc_seq(&t), 3);
	STEP(&t, "W2", "folio_get");
	STEP(&t, "W2", "iomap_valid");
	assert_int_equal(wr->flags, IOMAP_F_NEW | IOMAP_F_STALE);
	const char *d = STEP(&t, "W2", "iomap_end");
	assert_non_null(strstr(d, "release unused reservation [4096,8192)"));
	/* block 1 was never used: punched to HOLE, one bump; block 0 holds data */
	assert_string_equal(tc_exts(&t), "DHHU");
	assert_int_equal(tc_seq(&t), 4);
	assert_int_equal(wr->pc, WP_IOMAP_BEGIN);
	assert_int_equal(wr->pos, 4096);
	STEP(&t, "W2", "iomap_begin");
	assert_string_equal(tc_exts(&t), "DDHU");
	assert_int_equal(tc_seq(&t), 5);
	assert_int_equal(wr->flags, IOMAP_F_NEW);
	assert_int_equal(wr->map_off, 4096);
	assert_int_equal(wr->map_end, 8192);
	assert_int_equal(wr->cookie, 5);
	tc_run(&t, "W2");
	assert_string_equal(t.trace, "folio_get folio_lock iomap_valid write_begin copy write_end "
				     "iomap_end rwsem_unlock");
	assert_int_equal(tc_seq(&t), 5);
	assert_string_equal(tc_exts(&t), "DDHU");
	tc_close(&t);
}

/* The release keeps DELALLOC under the cached data of dirty folios. */
static void test_iomap_end_delalloc_release_keeps_dirty(void **state)
{
	struct tc t;
	struct wb_writer *wr;
	struct folio *f2;

	(void)state;
	tc_open(&t, "{'wbsim':1,'name':'t','file':{'size':0},'tasks':["
		    "{'name':'W1','op':'write','offset':16384,'length':4096,'data':'A'},"
		    "{'name':'W2','op':'write','offset':0,'length':12288,'data':'B'},"
		    "{'name':'WB','op':'writeback','offset':16384,'length':4096}]}",
		WB_CHECK_AFTER_LOCK);
	wr = tc_wr(&t, "W2");
	f2 = tc_folio(&t, 2);
	tc_run(&t, "W1");
	STEP(&t, "W2", "rwsem_lock");
	STEP(&t, "W2", "iomap_begin");
	assert_string_equal(tc_exts(&t), "DDDHD");
	RUN_TO(&t, "W2", "write_end");
	tc_run(&t, "WB");
	assert_string_equal(tc_exts(&t), "DDDHU");
	assert_int_equal(tc_seq(&t), 3);
	STEP(&t, "W2", "folio_get");
	STEP(&t, "W2", "iomap_valid");
	assert_int_equal(wr->flags, IOMAP_F_NEW | IOMAP_F_STALE);
	/* dirty cached data over block 2 (made by hand: no core step can put it there) */
	f2->flags = FOLIO_PRESENT | FOLIO_DIRTY;
	f2->uptodate = 1;
	memset(wb_cache(&t.m, t.w, 2), 'Z', t.m.gpp);
	STEP(&t, "W2", "iomap_end");
	assert_string_equal(tc_exts(&t), "DHDHU");
	assert_int_equal(tc_seq(&t), 4);
	STEP(&t, "W2", "iomap_begin");
	assert_string_equal(tc_exts(&t), "DDDHU");
	assert_int_equal(wr->map_off, 4096);
	assert_int_equal(wr->map_end, 8192);
	assert_int_equal(tc_seq(&t), 5);
	tc_close(&t);

	/* nothing to punch at all: no bump */
	tc_open(&t, "{'wbsim':1,'name':'t','file':{'size':0},'tasks':["
		    "{'name':'W1','op':'write','offset':12288,'length':4096,'data':'A'},"
		    "{'name':'W2','op':'write','offset':0,'length':8192,'data':'B'},"
		    "{'name':'WB','op':'writeback','offset':12288,'length':4096}]}",
		WB_CHECK_AFTER_LOCK);
	tc_run(&t, "W1");
	STEP(&t, "W2", "rwsem_lock");
	STEP(&t, "W2", "iomap_begin");
	RUN_TO(&t, "W2", "write_end");
	tc_run(&t, "WB");
	STEP(&t, "W2", "folio_get");
	STEP(&t, "W2", "iomap_valid");
	tc_folio(&t, 1)->flags |= FOLIO_DIRTY;
	tc_folio(&t, 1)->uptodate = 1;
	const char *d = STEP(&t, "W2", "iomap_end");
	assert_non_null(strstr(d, "nothing punched"));
	assert_string_equal(tc_exts(&t), "DDHU");
	assert_int_equal(tc_seq(&t), 3);
	tc_close(&t);
}

/* ------------------------------------------------------------------ write_begin */

static void test_write_begin_uptodate_folio(void **state)
{
	struct tc t;

	(void)state;
	tc_open(&t, "{'wbsim':1,'name':'t'," GEOM_1K ",'file':{'size':4096,'extents':["
		    "{'offset':0,'length':4096,'state':'delalloc'}]},'tasks':["
		    "{'name':'W1','op':'write','offset':0,'length':4096,'data':'A'},"
		    "{'name':'W2','op':'write','offset':1536,'length':1024,'data':'B'}]}",
		SCENARIO_CHECK);
	tc_run(&t, "W1");
	assert_int_equal(tc_folio(&t, 0)->uptodate, 0xf);
	RUN_TO(&t, "W2", "iomap_valid");
	/* a DELALLOC mapping and a partial chunk, but the folio is uptodate */
	assert_int_equal(tc_wr(&t, "W2")->type, IOMAP_DELALLOC);
	const char *d = STEP(&t, "W2", "write_begin");
	assert_non_null(strstr(d, "uptodate: nothing to do"));
	assert_string_equal(tc_cache(&t, 0), "A*4096");
	assert_int_equal(tc_folio(&t, 0)->uptodate, 0xf);
	STEP(&t, "W2", "copy");
	assert_string_equal(tc_cache(&t, 0), "A*1536 B*1024 A*1536");
	tc_close(&t);
}

static void test_write_begin_covered_run_skipped(void **state)
{
	struct tc t;

	(void)state;
	tc_open(&t, "{'wbsim':1,'name':'t'," GEOM_1K ",'file':{'size':4096,'extents':["
		    "{'offset':0,'length':4096,'state':'written','data':'X'}]},'tasks':["
		    "{'name':'W1','op':'write','offset':1024,'length':2048,'data':'A'}]}",
		SCENARIO_CHECK);
	RUN_TO(&t, "W1", "iomap_valid");
	tc_poison(&t, 0);
	const char *d = STEP(&t, "W1", "write_begin");
	assert_non_null(strstr(d, "[1024,3072) covered by the chunk"));
	/* neither read nor zeroed, and not uptodate until write_end */
	assert_string_equal(tc_cache(&t, 0), "Q*4096");
	assert_int_equal(tc_folio(&t, 0)->uptodate, 0);
	STEP(&t, "W1", "copy");
	STEP(&t, "W1", "write_end");
	assert_int_equal(tc_folio(&t, 0)->uptodate, 0x6);
	assert_string_equal(tc_cache(&t, 0), "Q*1024 A*2048 Q*1024");
	tc_close(&t);
}

/* Partial runs are zeroed outside the chunk when the mapping holds no data. */
static void test_write_begin_zeroes(void **state)
{
	static const struct {
		const char *extents;
		int set_type, set_flags; /* edit the cached mapping; -1: leave it */
		uint8_t type, flags;
	} v[] = {
		{ "[{'offset':0,'length':4096,'state':'unwritten'}]", -1, -1, IOMAP_UNWRITTEN, 0 },
		{ "[{'offset':0,'length':4096,'state':'delalloc'}]", -1, -1, IOMAP_DELALLOC, 0 },
		{ "[]", -1, -1, IOMAP_DELALLOC, IOMAP_F_NEW },
		/* a HOLE mapping (iomap_begin never returns one: set by hand) */
		{ "[{'offset':0,'length':4096,'state':'written','data':'X'}]", IOMAP_HOLE, -1,
		  IOMAP_HOLE, 0 },
		/* WRITTEN with NEW: zeroed, not read */
		{ "[{'offset':0,'length':4096,'state':'written','data':'X'}]", -1, IOMAP_F_NEW,
		  IOMAP_MAPPED, IOMAP_F_NEW },
	};
	char json[1024];

	(void)state;
	for (unsigned i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		struct tc t;
		struct wb_writer *wr;

		snprintf(json, sizeof(json),
			 "{'wbsim':1,'name':'t'," GEOM_1K ",'file':{'size':4096,'extents':%s},"
			 "'tasks':[{'name':'W1','op':'write','offset':1536,'length':1024,"
			 "'data':'A'}]}",
			 v[i].extents);
		tc_open(&t, json, SCENARIO_CHECK);
		wr = tc_wr(&t, "W1");
		RUN_TO(&t, "W1", "iomap_valid");
		if (v[i].set_type >= 0)
			wr->type = (uint8_t)v[i].set_type;
		if (v[i].set_flags >= 0)
			wr->flags = (uint8_t)v[i].set_flags;
		assert_int_equal(wr->type, v[i].type);
		assert_int_equal(wr->flags, v[i].flags);
		tc_poison(&t, 0);
		const char *d = STEP(&t, "W1", "write_begin");
		assert_non_null(strstr(d, " zero [1024,1536) zero [2560,3072)"));
		/* the run is blocks 1-2; only their parts outside the chunk are zeroed */
		assert_string_equal(tc_cache(&t, 0), "Q*1024 0*512 Q*1024 0*512 Q*1024");
		assert_int_equal(tc_folio(&t, 0)->uptodate, 0x6);
		STEP(&t, "W1", "copy");
		assert_string_equal(tc_cache(&t, 0), "Q*1024 0*512 A*1024 0*512 Q*1024");
		tc_close(&t);
	}
}

static void test_write_begin_reads_written(void **state)
{
	struct tc t;

	(void)state;
	tc_open(&t, "{'wbsim':1,'name':'t'," GEOM_1K ",'file':{'size':4096,'extents':["
		    "{'offset':0,'length':4096,'state':'written','data':'X'}]},'tasks':["
		    "{'name':'W1','op':'write','offset':1536,'length':1024,'data':'A'}]}",
		SCENARIO_CHECK);
	RUN_TO(&t, "W1", "iomap_valid");
	assert_int_equal(tc_wr(&t, "W1")->type, IOMAP_MAPPED);
	const char *d = STEP(&t, "W1", "write_begin");
	assert_non_null(strstr(d, " read [1024,3072) from disk"));
	/* the whole run, the part the chunk will overwrite included; blocks 0 and 3 untouched */
	assert_string_equal(tc_cache(&t, 0), "0*1024 X*2048 0*1024");
	assert_int_equal(tc_folio(&t, 0)->uptodate, 0x6);
	STEP(&t, "W1", "copy");
	assert_string_equal(tc_cache(&t, 0), "0*1024 X*512 A*1024 X*512 0*1024");
	tc_close(&t);
}

static void test_write_begin_past_eof_zeroes_written(void **state)
{
	struct tc t;

	(void)state;
	tc_open(&t, "{'wbsim':1,'name':'t'," GEOM_1K ",'file':{'size':2048,'extents':["
		    "{'offset':0,'length':4096,'state':'written','data':'X'}]},'tasks':["
		    "{'name':'W1','op':'write','offset':2560,'length':1024,'data':'A'}]}",
		SCENARIO_CHECK);
	STEP(&t, "W1", "rwsem_lock");
	/*
	 * The write starts past EOF: the write checks zero the gap [2048,2560)
	 * through the page cache, block 2 being WRITTEN (its bytes past EOF read
	 * as zeroes), and raise i_size to 2560.
	 */
	RUN_TO(&t, "W1", "write_begin");
	const char *z = STEP(&t, "W1", "zero");
	assert_non_null(strstr(z, "zero [2048,2560) of page 0"));
	RUN_TO(&t, "W1", "iomap_end");
	assert_int_equal(wb_inode(t.w)->i_size, 2560);
	assert_int_equal(tc_folio(&t, 0)->uptodate, 0x4);
	assert_true(tc_folio(&t, 0)->flags & FOLIO_DIRTY);
	RUN_TO(&t, "W1", "iomap_valid");
	assert_int_equal(tc_wr(&t, "W1")->type, IOMAP_MAPPED);
	tc_poison(&t, 0);
	/* block 2 is uptodate; block 3 starts past i_size: zeroed outside the chunk */
	const char *d = STEP(&t, "W1", "write_begin");
	assert_non_null(strstr(d, " zero [3584,4096)"));
	assert_null(strstr(d, "read"));
	assert_string_equal(tc_cache(&t, 0), "Q*3584 0*512");
	assert_int_equal(tc_folio(&t, 0)->uptodate, 0xc);
	STEP(&t, "W1", "copy");
	STEP(&t, "W1", "write_end");
	assert_int_equal(wb_inode(t.w)->i_size, 3584);
	tc_close(&t);
}

/* A run that starts before i_size ends at the block holding byte i_size - 1. */
static void test_write_begin_eof_split(void **state)
{
	struct tc t;

	(void)state;
	tc_open(&t, "{'wbsim':1,'name':'t'," GEOM_1K ",'file':{'size':2560,'extents':["
		    "{'offset':0,'length':4096,'state':'written','data':'X'}]},'tasks':["
		    "{'name':'W1','op':'write','offset':1536,'length':2048,'data':'A'}]}",
		SCENARIO_CHECK);
	assert_int_equal(t.m.gran, 512);
	RUN_TO(&t, "W1", "iomap_valid");
	tc_poison(&t, 0);
	const char *d = STEP(&t, "W1", "write_begin");
	/* [1024,3072) read (inside EOF); [3072,4096) is past EOF: zeroed outside the chunk */
	assert_non_null(strstr(d, " read [1024,3072) from disk zero [3584,4096)"));
	/* the disk bytes of a written block past EOF read as zeroes (world.c) */
	assert_string_equal(tc_cache(&t, 0), "Q*1024 X*1536 0*512 Q*512 0*512");
	assert_int_equal(tc_folio(&t, 0)->uptodate, 0xe);
	STEP(&t, "W1", "copy");
	assert_string_equal(tc_cache(&t, 0), "Q*1024 X*512 A*2048 0*512");
	tc_close(&t);

	/* the split makes the run before EOF fully covered: skipped, not read */
	tc_open(&t, "{'wbsim':1,'name':'t'," GEOM_1K ",'file':{'size':2560,'extents':["
		    "{'offset':0,'length':4096,'state':'written','data':'X'}]},'tasks':["
		    "{'name':'W1','op':'write','offset':1024,'length':2560,'data':'A'}]}",
		SCENARIO_CHECK);
	RUN_TO(&t, "W1", "iomap_valid");
	tc_poison(&t, 0);
	d = STEP(&t, "W1", "write_begin");
	assert_non_null(strstr(d, " [1024,3072) covered by the chunk zero [3584,4096)"));
	assert_string_equal(tc_cache(&t, 0), "Q*3584 0*512");
	assert_int_equal(tc_folio(&t, 0)->uptodate, 0x8);
	STEP(&t, "W1", "copy");
	STEP(&t, "W1", "write_end");
	assert_int_equal(tc_folio(&t, 0)->uptodate, 0xe);
	assert_int_equal(wb_inode(t.w)->i_size, 3584);
	tc_close(&t);
}

/* Uptodate blocks split runs; only the blocks the chunk touches count. */
static void test_write_begin_runs_split_by_uptodate(void **state)
{
	struct tc t;

	(void)state;
	tc_open(&t, "{'wbsim':1,'name':'t'," GEOM_1K ",'file':{'size':4096,'extents':["
		    "{'offset':0,'length':4096,'state':'written','data':'X'}]},'tasks':["
		    "{'name':'W1','op':'write','offset':2048,'length':1024,'data':'A'},"
		    "{'name':'W2','op':'write','offset':1536,'length':2048,'data':'B'}]}",
		SCENARIO_CHECK);
	tc_run(&t, "W1");
	assert_int_equal(tc_folio(&t, 0)->uptodate, 0x4);
	assert_string_equal(tc_cache(&t, 0), "0*2048 A*1024 0*1024");
	RUN_TO(&t, "W2", "iomap_valid");
	assert_string_equal(t.trace, "rwsem_lock iomap_begin folio_get folio_lock iomap_valid");
	const char *d = STEP(&t, "W2", "write_begin");
	assert_non_null(strstr(d, " read [1024,2048) from disk read [3072,4096) from disk"));
	assert_string_equal(tc_cache(&t, 0), "0*1024 X*1024 A*1024 X*1024");
	assert_int_equal(tc_folio(&t, 0)->uptodate, 0xe); /* block 0 not touched */
	STEP(&t, "W2", "copy");
	assert_string_equal(tc_cache(&t, 0), "0*1024 X*512 B*2048 X*512");
	tc_close(&t);
}

/* ------------------------------------------------------------------ extent map and seq */

static void test_extent_split_and_merge(void **state)
{
	struct tc t;
	struct wb_writer *wr;
	unsigned s, e;

	(void)state;
	tc_open(&t, "{'wbsim':1,'name':'t','file':{'size':12288,'extents':["
		    "{'offset':0,'length':12288,'state':'unwritten'}]},'tasks':["
		    "{'name':'W1','op':'write','offset':4096,'length':4096,'data':'A'},"
		    "{'name':'WB','op':'writeback'},"
		    "{'name':'W2','op':'write','offset':0,'length':12288,'data':'B'},"
		    "{'name':'WB2','op':'writeback'}]}",
		SCENARIO_CHECK);
	wr = tc_wr(&t, "W2");
	tc_run(&t, "W1");
	tc_run(&t, "WB");
	assert_int_equal(tc_seq(&t), 0);
	STEP(&t, "WB/io0", "io_write");
	assert_int_equal(tc_seq(&t), 0);
	STEP(&t, "WB/io0", "io_complete");
	/* one block in the middle converted: three extents, one bump */
	assert_string_equal(tc_exts(&t), "UWU");
	assert_int_equal(tc_seq(&t), 1);
	wb_extent_at(&t.m, t.w, 0, &s, &e);
	assert_int_equal(s, 0);
	assert_int_equal(e, 1);
	wb_extent_at(&t.m, t.w, 1, &s, &e);
	assert_int_equal(s, 1);
	assert_int_equal(e, 2);
	wb_extent_at(&t.m, t.w, 2, &s, &e);
	assert_int_equal(s, 2);
	assert_int_equal(e, 3);

	/* iomap_begin returns the pieces, and lookups change nothing */
	STEP(&t, "W2", "rwsem_lock");
	STEP(&t, "W2", "iomap_begin");
	assert_int_equal(wr->type, IOMAP_UNWRITTEN);
	assert_int_equal(wr->map_off, 0);
	assert_int_equal(wr->map_end, 4096);
	assert_int_equal(wr->iter_end, 4096);
	RUN_TO(&t, "W2", "iomap_end");
	STEP(&t, "W2", "iomap_begin");
	assert_int_equal(wr->type, IOMAP_MAPPED);
	assert_int_equal(wr->map_off, 4096);
	assert_int_equal(wr->map_end, 8192);
	RUN_TO(&t, "W2", "iomap_end");
	STEP(&t, "W2", "iomap_begin");
	assert_int_equal(wr->type, IOMAP_UNWRITTEN);
	assert_int_equal(wr->map_off, 8192);
	assert_int_equal(wr->map_end, 12288);
	assert_int_equal(wr->iter_end, 12288);
	assert_int_equal(wr->cookie, 1);
	tc_run(&t, "W2");
	assert_int_equal(tc_seq(&t), 1);

	tc_run(&t, "WB2");
	assert_string_equal(t.trace, "wb_lock clear_dirty map_blocks start_writeback "
				     "wb_lock clear_dirty map_blocks start_writeback "
				     "wb_lock clear_dirty map_blocks start_writeback pass_end");
	tc_run(&t, "WB2/io0");
	assert_string_equal(tc_exts(&t), "WWU");
	assert_int_equal(tc_seq(&t), 2);
	/* io_complete over already WRITTEN blocks changes nothing: no bump */
	tc_run(&t, "WB2/io1");
	assert_string_equal(t.trace, "io_write io_complete");
	assert_string_equal(tc_exts(&t), "WWU");
	assert_int_equal(tc_seq(&t), 2);
	assert_int_equal(tc_folio(&t, 1)->flags, FOLIO_PRESENT);
	tc_run(&t, "WB2/io2");
	assert_string_equal(tc_exts(&t), "WWW");
	assert_int_equal(tc_seq(&t), 3);
	/* merged again */
	wb_extent_at(&t.m, t.w, 1, &s, &e);
	assert_int_equal(s, 0);
	assert_int_equal(e, 3);
	assert_string_equal(tc_disk(&t, 0, 3), "B*12288");
	tc_close(&t);
}

/* A DELALLOC extent is converted whole, with one bump; the merged extent is cached. */
static void test_delalloc_conversion(void **state)
{
	struct tc t;
	struct wb_writeback *b;

	(void)state;
	tc_open(&t, "{'wbsim':1,'name':'t','file':{'size':12288,'extents':["
		    "{'offset':8192,'length':4096,'state':'unwritten'}]},'tasks':["
		    "{'name':'W1','op':'write','offset':0,'length':8192,'data':'A'},"
		    "{'name':'WB','op':'writeback'}]}",
		SCENARIO_CHECK);
	b = tc_wb(&t, "WB");
	tc_run(&t, "W1");
	assert_string_equal(tc_exts(&t), "DDU");
	assert_int_equal(tc_seq(&t), 1);
	STEP(&t, "WB", "wb_lock");
	STEP(&t, "WB", "clear_dirty");
	const char *d = STEP(&t, "WB", "map_blocks");
	assert_non_null(strstr(d, "DELALLOC [0,8192) -> UNWRITTEN"));
	assert_string_equal(tc_exts(&t), "UUU");
	assert_int_equal(tc_seq(&t), 2);
	assert_int_equal(b->cache_valid, 1);
	assert_int_equal(b->cache_type, WB_UNWRITTEN);
	assert_int_equal(b->cache_start, 0);
	assert_int_equal(b->cache_end, 3);
	assert_int_equal(b->cache_seq, 2);
	STEP(&t, "WB", "start_writeback");
	STEP(&t, "WB", "wb_lock");
	STEP(&t, "WB", "clear_dirty");
	d = STEP(&t, "WB", "map_blocks");
	assert_non_null(strstr(d, "reused"));
	assert_int_equal(tc_seq(&t), 2);
	STEP(&t, "WB", "start_writeback");
	STEP(&t, "WB", "pass_end");
	/* the pass's mapping is dead once it ends */
	assert_int_equal(b->pc, BP_DONE);
	assert_int_equal(b->cache_valid, 0);
	assert_int_equal(b->cache_end, 0);
	assert_int_equal(b->cache_seq, 0);
	tc_run(&t, "WB/io0");
	tc_run(&t, "WB/io1");
	assert_string_equal(tc_exts(&t), "WWU");
	assert_int_equal(tc_seq(&t), 4);
	tc_close(&t);
}

/* ------------------------------------------------------------------ writeback */

static void test_wb_background_pass(void **state)
{
	struct tc t;
	struct wb_writeback *b;

	(void)state;
	tc_open(&t, "{'wbsim':1,'name':'t','file':{'size':12288,'extents':["
		    "{'offset':0,'length':12288,'state':'unwritten'}]},'tasks':["
		    "{'name':'W1','op':'write','offset':0,'length':4096,'data':'A'},"
		    "{'name':'WB1','op':'writeback'},"
		    "{'name':'W2','op':'write','offset':0,'length':12288,'data':'B'},"
		    "{'name':'WB2','op':'writeback'}]}",
		SCENARIO_CHECK);
	b = tc_wb(&t, "WB2");
	tc_run(&t, "W1");
	tc_run(&t, "WB1");
	assert_int_equal(tc_folio(&t, 0)->flags, FOLIO_PRESENT | FOLIO_WRITEBACK);
	tc_run(&t, "W2");
	assert_int_equal(tc_folio(&t, 0)->flags, FOLIO_PRESENT | FOLIO_WRITEBACK | FOLIO_DIRTY);
	assert_int_equal(tc_folio(&t, 1)->flags, FOLIO_PRESENT | FOLIO_DIRTY);
	/* page 0 is dirty but under writeback: skipped */
	STEP(&t, "WB2", "wb_lock");
	assert_int_equal(b->cur, 1);
	assert_int_equal(b->pos, 2);
	assert_int_equal(tc_folio(&t, 1)->locked, 4);
	assert_int_equal(tc_folio(&t, 0)->locked, 0);
	/* page 0 stops being under writeback, but it is behind the pass position */
	tc_run(&t, "WB1/io0");
	assert_int_equal(tc_folio(&t, 0)->flags, FOLIO_PRESENT | FOLIO_DIRTY);
	STEP(&t, "WB2", "clear_dirty");
	assert_int_equal(tc_folio(&t, 1)->flags, FOLIO_PRESENT);
	STEP(&t, "WB2", "map_blocks");
	STEP(&t, "WB2", "start_writeback");
	STEP(&t, "WB2", "wb_lock");
	assert_int_equal(b->cur, 2);
	assert_int_equal(b->pos, 3);
	RUN_TO(&t, "WB2", "start_writeback");
	STEP(&t, "WB2", "pass_end");
	assert_int_equal(b->pc, BP_DONE);
	assert_int_equal(tc_folio(&t, 0)->flags, FOLIO_PRESENT | FOLIO_DIRTY);
	assert_string_equal(tc_enabled_text(&t), "WB2/io0:io_write WB2/io1:io_write");
	tc_close(&t);

	/* nothing dirty: a background pass is a single pass_end */
	tc_open(&t, "{'wbsim':1,'name':'t'," C1_FILE ",'tasks':[{'name':'WB','op':'writeback'}]}",
		SCENARIO_CHECK);
	tc_run(&t, "WB");
	assert_string_equal(t.trace, "pass_end");
	assert_true(wb_task_finished(&t.m, t.w, 0));
	tc_close(&t);
}

static void test_wb_sync_pass(void **state)
{
	struct tc t;
	struct wb_writeback *s;

	(void)state;
	tc_open(&t, "{'wbsim':1,'name':'t','file':{'size':12288,'extents':["
		    "{'offset':0,'length':12288,'state':'unwritten'}]},'tasks':["
		    "{'name':'W1','op':'write','offset':0,'length':4096,'data':'A'},"
		    "{'name':'WB1','op':'writeback'},"
		    "{'name':'W2','op':'write','offset':0,'length':8192,'data':'B'},"
		    "{'name':'WS','op':'writeback','mode':'sync'},"
		    "{'name':'W3','op':'write','offset':8192,'length':4096,'data':'C'},"
		    "{'name':'WB3','op':'writeback'}]}",
		SCENARIO_CHECK);
	s = tc_wb(&t, "WS");
	tc_run(&t, "W1");
	tc_run(&t, "WB1");
	tc_run(&t, "W2");
	/* page 0 dirty and under writeback, page 1 dirty */
	assert_string_equal(tc_next(&t, "WS"), "tag_towrite");
	const char *d = STEP(&t, "WS", "tag_towrite");
	assert_string_equal(d, "TOWRITE: 0 1");
	assert_int_equal(s->snap_lo, 0x3);
	assert_int_equal(s->snap_hi, 0);
	/* folios dirtied after the tag are not this pass's */
	tc_run(&t, "W3");
	assert_int_equal(tc_folio(&t, 2)->flags, FOLIO_PRESENT | FOLIO_DIRTY);
	/* setting writeback takes a folio out of every sync snapshot */
	RUN_TO(&t, "WB3", "start_writeback");
	assert_string_equal(t.trace, "wb_lock clear_dirty map_blocks start_writeback");
	assert_int_equal(tc_wb(&t, "WB3")->pos, 2); /* it took page 1 (0 under writeback) */
	assert_int_equal(s->snap_lo, 0x1);
	/* a sync pass takes its snapshot's folio even under writeback, and waits holding it */
	STEP(&t, "WS", "wb_lock");
	assert_int_equal(s->cur, 0);
	assert_int_equal(tc_folio(&t, 0)->locked, 4);
	assert_int_equal(s->snap_lo, 0); /* entries behind the position are cleared */
	assert_null(tc_next(&t, "WS"));
	assert_int_equal(s->pc, BP_CLEAR_DIRTY);
	STEP(&t, "WB1/io0", "io_write");
	assert_null(tc_next(&t, "WS"));
	STEP(&t, "WB1/io0", "io_complete");
	STEP(&t, "WS", "clear_dirty");
	assert_int_equal(tc_folio(&t, 0)->flags, FOLIO_PRESENT);
	STEP(&t, "WS", "map_blocks");
	STEP(&t, "WS", "start_writeback");
	assert_int_equal(tc_folio(&t, 0)->flags, FOLIO_PRESENT | FOLIO_WRITEBACK);
	assert_int_equal(wb_io(&t.m, t.w, 0)->parent, tc_task(&t, "WS"));
	assert_int_equal(wb_io(&t.m, t.w, 0)->k, 0);
	/* not taken: page 1 (under WB3's writeback, out of the snapshot), 2 (dirtied later) */
	STEP(&t, "WS", "pass_end");
	assert_int_equal(s->pc, BP_DONE);
	assert_int_equal(tc_folio(&t, 2)->flags, FOLIO_PRESENT | FOLIO_DIRTY);
	tc_close(&t);

	/* nothing dirty: a sync pass is tag_towrite, pass_end */
	tc_open(&t, "{'wbsim':1,'name':'t'," C1_FILE ",'tasks':["
		    "{'name':'WS','op':'writeback','mode':'sync'}]}",
		SCENARIO_CHECK);
	tc_run(&t, "WS");
	assert_string_equal(t.trace, "tag_towrite pass_end");
	tc_close(&t);
}

static void test_wb_map_blocks_per_uptodate_block(void **state)
{
	struct tc t;
	struct wb_writeback *b;
	struct wb_io *io;

	(void)state;
	tc_open(&t, "{'wbsim':1,'name':'t'," GEOM_1K ",'file':{'size':4096,'extents':["
		    "{'offset':0,'length':4096,'state':'unwritten'}]},'tasks':["
		    "{'name':'W1','op':'write','offset':1536,'length':1024,'data':'A'},"
		    "{'name':'WB','op':'writeback'}]}",
		SCENARIO_CHECK);
	b = tc_wb(&t, "WB");
	io = wb_io(&t.m, t.w, 0);
	tc_run(&t, "W1");
	assert_int_equal(tc_folio(&t, 0)->uptodate, 0x6);
	STEP(&t, "WB", "wb_lock");
	STEP(&t, "WB", "clear_dirty");
	assert_int_equal(b->blk, 1); /* the first uptodate block */
	const char *d = STEP(&t, "WB", "map_blocks");
	assert_string_equal(d, "block 1: lookup UNWRITTEN [0,4096)");
	assert_int_equal(b->blk, 2);
	d = STEP(&t, "WB", "map_blocks");
	assert_string_equal(d, "block 2: cached UNWRITTEN [0,4096) reused");
	assert_int_equal(b->io_blocks, 0x6);
	/* blocks 0 and 3 are not uptodate: no step for them */
	assert_string_equal(tc_next(&t, "WB"), "start_writeback");
	STEP(&t, "WB", "start_writeback");
	assert_int_equal(io->phase, IO_SUBMITTED);
	assert_int_equal(io->blocks, 0x6);
	assert_int_equal(io->k, 0);
	assert_int_equal(io->parent, 1);
	assert_int_equal(tc_folio(&t, 0)->flags, FOLIO_PRESENT | FOLIO_WRITEBACK);
	assert_int_equal(tc_folio(&t, 0)->locked, 0);
	assert_int_equal(b->nextio, 1);
	tc_close(&t);
}

static void test_wb_revalidate(void **state)
{
	(void)state;
	for (int reval = 1; reval >= 0; reval--) {
		struct tc t;
		struct wb_writeback *b;

		tc_open(&t, "{'wbsim':1,'name':'t'," C1_FILE ",'tasks':["
			    "{'name':'W1','op':'write','offset':0,'length':8192,'data':'A'},"
			    "{'name':'WB','op':'writeback'}]}",
			SCENARIO_CHECK);
		t.m.cfg.writeback_revalidate = reval;
		b = tc_wb(&t, "WB");
		tc_run(&t, "W1");
		RUN_TO(&t, "WB", "start_writeback");
		assert_int_equal(b->cache_start, 0);
		assert_int_equal(b->cache_end, 2);
		assert_int_equal(b->cache_seq, 0);
		tc_run(&t, "WB/io0");
		assert_int_equal(tc_seq(&t), 1);
		STEP(&t, "WB", "wb_lock");
		STEP(&t, "WB", "clear_dirty");
		const char *d = STEP(&t, "WB", "map_blocks");
		if (reval) {
			/* seq moved: a fresh lookup */
			assert_string_equal(d, "block 1: lookup UNWRITTEN [4096,8192)");
			assert_int_equal(b->cache_start, 1);
			assert_int_equal(b->cache_end, 2);
			assert_int_equal(b->cache_seq, 1);
		} else {
			assert_string_equal(d, "block 1: cached UNWRITTEN [0,8192) reused");
			assert_int_equal(b->cache_start, 0);
			assert_int_equal(b->cache_end, 2);
			assert_int_equal(b->cache_seq, 0);
		}
		assert_int_equal(b->cache_type, WB_UNWRITTEN);
		tc_close(&t);
	}
}

/* IO numbers count from 0 within the task, across passes; each pass restarts at the range. */
static void test_wb_passes_and_io_numbers(void **state)
{
	struct tc t;
	struct wb_writeback *b;
	struct sim_label l;
	uint32_t a = 0;

	(void)state;
	tc_open(&t, "{'wbsim':1,'name':'t'," C1_FILE ",'tasks':["
		    "{'name':'W1','op':'write','offset':0,'length':4096,'data':'A'},"
		    "{'name':'WB','op':'writeback','passes':2},"
		    "{'name':'W2','op':'write','offset':0,'length':4096,'data':'B'}]}",
		SCENARIO_CHECK);
	b = tc_wb(&t, "WB");
	tc_run(&t, "W1");
	RUN_TO(&t, "WB", "start_writeback");
	assert_int_equal(wb_io(&t.m, t.w, 0)->k, 0);
	assert_true(tc_find(&t, "WB/io0", -1, &a, &l) >= 0);
	STEP(&t, "WB", "pass_end");
	assert_int_equal(b->passes_done, 1);
	assert_int_equal(b->pc, BP_SCAN);
	assert_int_equal(b->pos, 0);
	assert_int_equal(b->cache_valid, 0);
	assert_int_equal(b->nextio, 1);
	tc_run(&t, "WB/io0");
	tc_run(&t, "W2");
	STEP(&t, "WB", "wb_lock");
	assert_int_equal(b->cur, 0); /* the second pass starts over at page 0 */
	RUN_TO(&t, "WB", "start_writeback");
	assert_int_equal(wb_io(&t.m, t.w, 0)->k, 1);
	assert_true(tc_find(&t, "WB/io1", -1, &a, &l) >= 0);
	assert_string_equal(l.step, "io_write");
	STEP(&t, "WB", "pass_end");
	assert_int_equal(b->pc, BP_DONE);
	/*
	 * A finished task keeps no locals but its IO counter: wb_pass_end() keeps
	 * it on purpose, although docs/model.md section 2.9 would clear a finished task's locals.
	 */
	assert_int_equal(b->passes_done, 0);
	assert_int_equal(b->nextio, 2);
	assert_string_equal(tc_enabled_text(&t), "WB/io1:io_write");
	tc_close(&t);
}

/* start_writeback with no block to write: clean, unlocked, no IO number used. */
static void test_wb_start_writeback_no_blocks(void **state)
{
	struct tc t;
	struct folio *f0, *f1;

	(void)state;
	tc_open(&t, "{'wbsim':1,'name':'t','file':{'size':8192,'extents':["
		    "{'offset':4096,'length':4096,'state':'unwritten'}]},'tasks':["
		    "{'name':'WB','op':'writeback'}]}",
		SCENARIO_CHECK);
	/* dirty uptodate folios, page 0 over a HOLE (made by hand) */
	f0 = tc_folio(&t, 0);
	f1 = tc_folio(&t, 1);
	f0->flags = f1->flags = FOLIO_PRESENT | FOLIO_DIRTY;
	f0->uptodate = f1->uptodate = 1;
	memset(wb_cache(&t.m, t.w, 0), 'Z', t.m.gpp);
	memset(wb_cache(&t.m, t.w, 1), 'Y', t.m.gpp);
	STEP(&t, "WB", "wb_lock");
	STEP(&t, "WB", "clear_dirty");
	const char *d = STEP(&t, "WB", "map_blocks");
	assert_non_null(strstr(d, "HOLE: not written"));
	assert_int_equal(tc_wb(&t, "WB")->io_blocks, 0);
	d = STEP(&t, "WB", "start_writeback");
	assert_non_null(strstr(d, "no block to write"));
	assert_int_equal(f0->flags, FOLIO_PRESENT);
	assert_int_equal(f0->locked, 0);
	assert_int_equal(wb_io(&t.m, t.w, 0)->phase, IO_NONE);
	assert_int_equal(tc_wb(&t, "WB")->nextio, 0);
	assert_string_equal(tc_enabled_text(&t), "WB:wb_lock");
	RUN_TO(&t, "WB", "start_writeback");
	assert_int_equal(wb_io(&t.m, t.w, 1)->k, 0); /* the first IO is still io0 */
	assert_string_equal(tc_enabled_text(&t), "WB:pass_end WB/io0:io_write");
	tc_run(&t, "WB/io0");
	assert_string_equal(tc_disk(&t, 0, 2), "#*4096 Y*4096");
	assert_string_equal(tc_exts(&t), "HW");
	tc_close(&t);
}

static void test_io_write_copies_current_bytes(void **state)
{
	struct tc t;

	(void)state;
	tc_open(&t, "{'wbsim':1,'name':'t','file':{'size':4096,'extents':["
		    "{'offset':0,'length':4096,'state':'unwritten'}]},'tasks':["
		    "{'name':'W1','op':'write','offset':0,'length':4096,'data':'A'},"
		    "{'name':'WB','op':'writeback'},"
		    "{'name':'W2','op':'write','offset':0,'length':2048,'data':'B'}]}",
		SCENARIO_CHECK);
	assert_int_equal(t.m.gran, 2048);
	tc_run(&t, "W1");
	tc_run(&t, "WB");
	assert_string_equal(tc_disk(&t, 0, 1), "#*4096");
	/* no stable pages: W2 changes the folio under writeback */
	tc_run(&t, "W2");
	assert_int_equal(tc_folio(&t, 0)->flags, FOLIO_PRESENT | FOLIO_WRITEBACK | FOLIO_DIRTY);
	STEP(&t, "WB/io0", "io_write");
	assert_string_equal(tc_disk(&t, 0, 1), "B*2048 A*2048");
	assert_int_equal(wb_io(&t.m, t.w, 0)->phase, IO_WRITTEN);
	assert_string_equal(tc_exts(&t), "U");
	assert_int_equal(tc_seq(&t), 0);
	STEP(&t, "WB/io0", "io_complete");
	assert_string_equal(tc_exts(&t), "W");
	assert_int_equal(tc_folio(&t, 0)->flags, FOLIO_PRESENT | FOLIO_DIRTY);
	tc_close(&t);
}

static void test_io_complete_converts_its_blocks(void **state)
{
	struct tc t;
	struct wb_io *io;

	(void)state;
	tc_open(&t, "{'wbsim':1,'name':'t'," GEOM_1K ",'file':{'size':4096,'extents':["
		    "{'offset':0,'length':4096,'state':'unwritten'}]},'tasks':["
		    "{'name':'W1','op':'write','offset':1536,'length':1024,'data':'A'},"
		    "{'name':'WB','op':'writeback'}]}",
		SCENARIO_CHECK);
	io = wb_io(&t.m, t.w, 0);
	tc_run(&t, "W1");
	tc_run(&t, "WB");
	STEP(&t, "WB/io0", "io_write");
	assert_string_equal(tc_disk(&t, 0, 4), "#*1024 0*512 A*1024 0*512 #*1024");
	assert_string_equal(tc_exts(&t), "UUUU");
	assert_int_equal(tc_folio(&t, 0)->flags, FOLIO_PRESENT | FOLIO_WRITEBACK);
	const char *d = STEP(&t, "WB/io0", "io_complete");
	assert_non_null(strstr(d, "block 1 2 UNWRITTEN -> WRITTEN, seq 0->1"));
	assert_string_equal(tc_exts(&t), "UWWU");
	assert_int_equal(tc_seq(&t), 1);
	assert_int_equal(tc_folio(&t, 0)->flags, FOLIO_PRESENT);
	assert_int_equal(io->phase, IO_NONE);
	assert_int_equal(io->blocks, 0);
	assert_int_equal(tc_nenabled(&t), 0);
	tc_close(&t);
}

/* ------------------------------------------------------------------ reclaim */

static void test_reclaim(void **state)
{
	struct tc t;
	struct folio *f0;
	void *saved;

	(void)state;
	tc_open(&t, "{'wbsim':1,'name':'t','file':{'size':12288,'extents':["
		    "{'offset':0,'length':12288,'state':'unwritten'}]},'tasks':["
		    "{'name':'W1','op':'write','offset':0,'length':12288,'data':'A'},"
		    "{'name':'WB','op':'writeback'},"
		    "{'name':'RC','op':'reclaim','evictions':2,'pages':[0,2]}]}",
		SCENARIO_CHECK);
	f0 = tc_folio(&t, 0);
	tc_run(&t, "W1");
	assert_null(tc_next(&t, "RC")); /* all dirty */
	tc_run(&t, "WB");
	assert_null(tc_next(&t, "RC")); /* all under writeback */
	tc_run(&t, "WB/io0");
	tc_run(&t, "WB/io1");
	tc_run(&t, "WB/io2");
	/* one action per allowed page, lowest first; page 1 is not allowed */
	assert_string_equal(tc_enabled_text(&t), "RC:evict@0 RC:evict@2");

	saved = wb_xmalloc(t.m.size);
	memcpy(saved, t.w, t.m.size);
	f0->flags |= FOLIO_DIRTY;
	assert_string_equal(tc_enabled_text(&t), "RC:evict@2");
	memcpy(t.w, saved, t.m.size);
	f0->locked = 1;
	assert_string_equal(tc_enabled_text(&t), "RC:evict@2");
	memcpy(t.w, saved, t.m.size);
	f0->flags |= FOLIO_REF;
	assert_string_equal(tc_enabled_text(&t), "RC:evict@2");
	memcpy(t.w, saved, t.m.size);
	f0->flags |= FOLIO_WRITEBACK;
	assert_string_equal(tc_enabled_text(&t), "RC:evict@2");
	memcpy(t.w, saved, t.m.size);
	free(saved);

	assert_int_equal(tc_folio(&t, 2)->uptodate, 1);
	assert_string_equal(tc_cache(&t, 2), "A*4096");
	EVICT(&t, "RC", 2);
	assert_int_equal(tc_folio(&t, 2)->flags, 0);
	assert_int_equal(tc_folio(&t, 2)->uptodate, 0);
	assert_string_equal(tc_cache(&t, 2), "0*4096");
	assert_int_equal(wb_task(&t.m, t.w, 2)->r.evicted, 1);
	assert_int_equal(wb_task(&t.m, t.w, 2)->r.pc, 0);
	assert_string_equal(tc_enabled_text(&t), "RC:evict@0");
	EVICT(&t, "RC", 0);
	assert_int_equal(f0->flags, 0);
	assert_true(wb_task_finished(&t.m, t.w, 2));
	assert_int_equal(wb_task(&t.m, t.w, 2)->r.evicted, 0);
	assert_int_equal(tc_nenabled(&t), 0);
	assert_int_equal(tc_folio(&t, 1)->flags, FOLIO_PRESENT);
	assert_string_equal(tc_disk(&t, 0, 3), "A*12288");
	tc_close(&t);
}

/* ------------------------------------------------------------------ ordering */

static void test_after_and_actor_order(void **state)
{
	struct tc t;
	struct sim_action acts[SIM_MAX_ENABLED];

	(void)state;
	tc_open(&t, "{'wbsim':1,'name':'t'," C1_FILE ",'tasks':["
		    "{'name':'W1','op':'write','offset':4096,'length':4096,'data':'A'},"
		    "{'name':'W2','op':'write','offset':0,'length':4096,'data':'B','after':['W1']},"
		    "{'name':'WB','op':'writeback','passes':2},"
		    "{'name':'RC','op':'reclaim'}]}",
		SCENARIO_CHECK);
	/* W2 waits for W1 to finish, though i_rwsem is free */
	assert_string_equal(tc_enabled_text(&t), "W1:rwsem_lock WB:pass_end");
	RUN_TO(&t, "W1", "iomap_end");
	assert_null(tc_next(&t, "W2"));
	STEP(&t, "W1", "rwsem_unlock");
	assert_string_equal(tc_enabled_text(&t), "W2:rwsem_lock WB:wb_lock");
	tc_run(&t, "WB");
	assert_string_equal(t.trace, "wb_lock clear_dirty map_blocks start_writeback pass_end "
				     "pass_end");
	tc_close(&t);

	tc_open(&t, "{'wbsim':1,'name':'t'," C1_FILE ",'tasks':["
		    "{'name':'W1','op':'write','offset':4096,'length':4096,'data':'A'},"
		    "{'name':'W2','op':'write','offset':0,'length':4096,'data':'B','after':['W1']},"
		    "{'name':'WB','op':'writeback','passes':2},"
		    "{'name':'RC','op':'reclaim'}]}",
		SCENARIO_CHECK);
	tc_run(&t, "W1");
	RUN_TO(&t, "WB", "pass_end"); /* io0 on page 1 */
	tc_run(&t, "W2");
	RUN_TO(&t, "WB", "start_writeback"); /* io1 on page 0 */
	assert_int_equal(wb_io(&t.m, t.w, 1)->k, 0);
	assert_int_equal(wb_io(&t.m, t.w, 0)->k, 1);
	/* IOs right after their parent, in creation order (not page order) */
	assert_string_equal(tc_enabled_text(&t), "WB:pass_end WB/io0:io_write WB/io1:io_write");
	assert_int_equal(wb_sim_ops.enabled(&t.m, t.w, acts), 3);
	assert_int_equal(WB_ACTION_SLOT(acts[1].id), WB_IO_SLOT0 + 1);
	assert_int_equal(WB_ACTION_SLOT(acts[2].id), WB_IO_SLOT0 + 0);
	tc_run(&t, "WB/io0");
	/* page 1 is clean again: RC comes after WB's IOs */
	assert_string_equal(tc_enabled_text(&t), "WB:pass_end WB/io1:io_write RC:evict@1");
	STEP(&t, "WB", "pass_end");
	/* IOs outlive their task */
	assert_string_equal(tc_enabled_text(&t), "WB/io1:io_write RC:evict@1");
	tc_close(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rwsem_lock),
		cmocka_unit_test(test_iomap_begin_existing_extent),
		cmocka_unit_test(test_iomap_begin_iteration_and_iomap_end),
		cmocka_unit_test(test_iomap_begin_hole_to_request_end),
		cmocka_unit_test(test_iomap_begin_hole_to_next_extent),
		cmocka_unit_test(test_folio_get_absent),
		cmocka_unit_test(test_folio_get_present_and_folio_lock),
		cmocka_unit_test(test_iomap_valid_after_lock_stale),
		cmocka_unit_test(test_iomap_valid_before_lock),
		cmocka_unit_test(test_write_end),
		cmocka_unit_test(test_iomap_end_delalloc_release),
		cmocka_unit_test(test_iomap_end_delalloc_release_keeps_dirty),
		cmocka_unit_test(test_write_begin_uptodate_folio),
		cmocka_unit_test(test_write_begin_covered_run_skipped),
		cmocka_unit_test(test_write_begin_zeroes),
		cmocka_unit_test(test_write_begin_reads_written),
		cmocka_unit_test(test_write_begin_past_eof_zeroes_written),
		cmocka_unit_test(test_write_begin_eof_split),
		cmocka_unit_test(test_write_begin_runs_split_by_uptodate),
		cmocka_unit_test(test_extent_split_and_merge),
		cmocka_unit_test(test_delalloc_conversion),
		cmocka_unit_test(test_wb_background_pass),
		cmocka_unit_test(test_wb_sync_pass),
		cmocka_unit_test(test_wb_map_blocks_per_uptodate_block),
		cmocka_unit_test(test_wb_revalidate),
		cmocka_unit_test(test_wb_passes_and_io_numbers),
		cmocka_unit_test(test_wb_start_writeback_no_blocks),
		cmocka_unit_test(test_io_write_copies_current_bytes),
		cmocka_unit_test(test_io_complete_converts_its_blocks),
		cmocka_unit_test(test_reclaim),
		cmocka_unit_test(test_after_and_actor_order),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
