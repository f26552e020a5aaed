/* SPDX-License-Identifier: MIT */
/*
 * test_oracle.c - the verdict of a finished execution (docs/model.md sections 11
 * and 13): the canonical race C1 under each validity_check placement with its
 * provenance, the final flush, deadlock, and the expected contents following
 * the order in which the writers took i_rwsem.
 */
#include "model/writeback.h"
#include "tests/harness.h"

/* ------------------------------------------------------------------ C1 */

#define C1_TASKS                                                                                   \
	"'tasks':[{'name':'W1','op':'write','offset':6144,'length':2048,'data':'A'},"              \
	"{'name':'W2','op':'write','offset':0,'length':6144,'data':'B','after':['W1']},"           \
	"{'name':'WB','op':'writeback'},"                                                          \
	"{'name':'RC','op':'reclaim','evictions':1,'pages':[1]}]"
#define C1 "{'wbsim':1,'name':'c1'," C1_FILE "," C1_TASKS "}"

static const char *const c1_sched[] = { "W1", "W2:write_end", "WB", "WB/io0", "WB/io1", "RC",
					"W2" };

static void test_safe_final_state(void **state)
{
	static const int modes[] = { WB_CHECK_OFF, WB_CHECK_AFTER_LOCK, WB_CHECK_BEFORE_LOCK };
	struct wb_report rep;

	(void)state;
	for (unsigned i = 0; i < 3; i++) {
		struct tc t;

		tc_open_prov(&t, C1, modes[i]);
		/* W1, W2, then writeback and its IOs, then reclaim: no race */
		tc_run_all(&t);
		assert_true(wb_task_finished(&t.m, t.w, tc_task(&t, "W2")));
		assert_true(wb_task_finished(&t.m, t.w, tc_task(&t, "RC")));
		assert_string_equal(tc_exts(&t), "WW");
		assert_int_equal(tc_oracle(&t, &rep), SIM_SAFE);
		assert_int_equal(rep.offset, 0);
		assert_int_equal(rep.length, 0);
		assert_string_equal(rep.deadlock, "");
		assert_string_equal(rep.provenance, "");
		assert_string_equal(tc_expected(&t), "B*6144 A*2048");
		assert_string_equal(tc_disk(&t, 0, 2), "B*6144 A*2048");
		assert_int_equal(t.prov.stale_decisions, 0);
		tc_close(&t);
	}
}

/* docs/model.md section 13 without the check: W1's A is lost, and the provenance says why. */
static void test_c1_off_corrupts(void **state)
{
	struct tc t;
	struct wb_report rep;
	size_t wb_step;

	(void)state;
	tc_open_prov(&t, C1, WB_CHECK_OFF);
	RUN(&t, "W1");
	assert_string_equal(tc_cache(&t, 1), "0*2048 A*2048");
	RUN(&t, "W2:write_end");
	assert_string_equal(t.trace, "rwsem_lock iomap_begin folio_get write_begin copy write_end");
	assert_int_equal(tc_wr(&t, "W2")->type, IOMAP_UNWRITTEN);
	assert_int_equal(tc_wr(&t, "W2")->cookie, 0);
	RUN(&t, "WB");
	assert_string_equal(t.trace, "wb_lock clear_dirty map_blocks start_writeback "
				     "wb_lock clear_dirty map_blocks start_writeback pass_end");
	RUN(&t, "WB/io0");
	RUN(&t, "WB/io1");
	assert_string_equal(tc_exts(&t), "WW");
	assert_int_equal(wb_inode(t.w)->seq, 2);
	assert_string_equal(tc_disk(&t, 0, 2), "B*4096 0*2048 A*2048");
	RUN(&t, "RC");
	assert_string_equal(t.trace, "evict");
	assert_int_equal(tc_folio(&t, 1)->flags, 0);
	STEP(&t, "W2", "folio_get");
	assert_int_equal(tc_folio(&t, 1)->locked, 2);
	const char *d = STEP(&t, "W2", "write_begin");
	wb_step = t.nsteps;
	assert_int_equal(wb_step, 30);
	assert_non_null(strstr(d, "UNWRITTEN mapping: zero [6144,8192)"));
	/* the stale decision is flagged at once */
	assert_int_equal(t.prov.stale_decisions, 1);
	assert_int_equal(t.prov.nwarnings, 1);
	assert_string_equal(t.prov.warnings[0],
			    "step 30: stale decision: W2 write_begin zeroed [6144,8192) of page 1 "
			    "using an UNWRITTEN mapping with cookie 0, seq is 2; "
			    "block 1 is WRITTEN");
	RUN(&t, "W2");
	assert_string_equal(t.trace, "copy write_end iomap_end rwsem_unlock");
	assert_string_equal(tc_cache(&t, 1), "B*2048 0*2048");
	assert_int_equal(tc_nenabled(&t), 0);

	assert_int_equal(tc_oracle(&t, &rep), SIM_CORRUPT);
	assert_int_equal(rep.offset, 6144);
	assert_int_equal(rep.length, 2048);
	assert_string_equal(rep.expected, "A*2048");
	assert_string_equal(rep.found, "0*2048");
	assert_int_equal(rep.origin_step, wb_step);
	assert_non_null(strstr(rep.provenance, "W2 write_begin zeroed [6144,8192)"));
	assert_non_null(strstr(rep.provenance, "cookie 0, seq was 2"));
	assert_string_equal(rep.provenance,
			    "step 30: W2 write_begin zeroed [6144,8192) of page 1 using an "
			    "UNWRITTEN mapping with cookie 0, seq was 2; block 1 is WRITTEN");
	assert_string_equal(rep.deadlock, "");
	/* the disk itself is still right: the zeroes are in the dirty folio */
	assert_string_equal(tc_disk(&t, 0, 2), "B*4096 0*2048 A*2048");
	tc_close(&t);
}

/* With after_lock, the same schedule fails the check, remaps and reads block 1. */
static void test_c1_after_lock_remaps(void **state)
{
	struct tc t;
	struct wb_report rep;
	struct wb_writer *wr;

	(void)state;
	tc_open_prov(&t, C1, WB_CHECK_AFTER_LOCK);
	SCHED(&t, c1_sched);
	assert_string_equal(t.trace, "folio_get iomap_valid iomap_end iomap_begin folio_get "
				     "folio_lock iomap_valid write_begin copy write_end iomap_end "
				     "rwsem_unlock");
	assert_int_equal(tc_oracle(&t, &rep), SIM_SAFE);
	assert_int_equal(t.prov.stale_decisions, 0);
	tc_close(&t);

	/* the same, step by step */
	tc_open_prov(&t, C1, WB_CHECK_AFTER_LOCK);
	wr = tc_wr(&t, "W2");
	RUN(&t, "W1");
	RUN(&t, "W2:write_end");
	assert_string_equal(t.trace, "rwsem_lock iomap_begin folio_get iomap_valid write_begin "
				     "copy write_end");
	RUN(&t, "WB");
	RUN(&t, "WB/io0");
	RUN(&t, "WB/io1");
	RUN(&t, "RC");
	STEP(&t, "W2", "folio_get");
	const char *d = STEP(&t, "W2", "iomap_valid");
	assert_non_null(strstr(d, "cookie=0 seq=2 -> STALE"));
	assert_int_equal(wr->flags, IOMAP_F_STALE);
	/* page 1 stays cached, empty: clean, not uptodate, unlocked, unreferenced */
	assert_int_equal(tc_folio(&t, 1)->flags, FOLIO_PRESENT);
	assert_int_equal(tc_folio(&t, 1)->uptodate, 0);
	assert_int_equal(tc_folio(&t, 1)->locked, 0);
	STEP(&t, "W2", "iomap_end");
	assert_int_equal(wr->pos, 4096);
	STEP(&t, "W2", "iomap_begin");
	assert_int_equal(wr->type, IOMAP_MAPPED);
	assert_int_equal(wr->map_off, 0);
	assert_int_equal(wr->map_end, 8192);
	assert_int_equal(wr->cookie, 2);
	assert_int_equal(wr->iter_start, 4096);
	assert_int_equal(wr->iter_end, 6144);
	STEP(&t, "W2", "folio_get");
	STEP(&t, "W2", "folio_lock");
	STEP(&t, "W2", "iomap_valid");
	assert_int_equal(wr->flags, 0);
	d = STEP(&t, "W2", "write_begin");
	assert_non_null(strstr(d, "read [4096,8192) from disk"));
	assert_string_equal(tc_cache(&t, 1), "0*2048 A*2048");
	RUN(&t, "W2");
	assert_string_equal(tc_cache(&t, 1), "B*2048 A*2048");
	assert_int_equal(tc_nenabled(&t), 0);
	assert_int_equal(tc_oracle(&t, &rep), SIM_SAFE);
	assert_string_equal(tc_expected(&t), "B*6144 A*2048");
	tc_close(&t);
}

/* before_lock: safe on C1's schedule, corrupt when the check passes before the race. */
static void test_c1_before_lock(void **state)
{
	static const char *const late[] = { "W1", "W2:write_end", "W2:iomap_valid", "WB",
					    "WB/io0", "WB/io1", "RC", "W2" };
	struct tc t;
	struct wb_report rep;

	(void)state;
	tc_open_prov(&t, C1, WB_CHECK_BEFORE_LOCK);
	SCHED(&t, c1_sched);
	assert_string_equal(t.trace, "iomap_valid iomap_end iomap_begin iomap_valid folio_get "
				     "write_begin copy write_end iomap_end rwsem_unlock");
	assert_int_equal(tc_nenabled(&t), 0);
	assert_int_equal(tc_oracle(&t, &rep), SIM_SAFE);
	tc_close(&t);

	tc_open_prov(&t, C1, WB_CHECK_BEFORE_LOCK);
	SCHED(&t, late);
	assert_string_equal(t.trace, "folio_get write_begin copy write_end iomap_end rwsem_unlock");
	assert_int_equal(tc_nenabled(&t), 0);
	assert_int_equal(tc_oracle(&t, &rep), SIM_CORRUPT);
	assert_int_equal(rep.offset, 6144);
	assert_int_equal(rep.length, 2048);
	assert_string_equal(rep.expected, "A*2048");
	assert_string_equal(rep.found, "0*2048");
	assert_int_equal(rep.origin_step, 33);
	assert_string_equal(rep.provenance,
			    "step 33: W2 write_begin zeroed [6144,8192) of page 1 using an "
			    "UNWRITTEN mapping with cookie 0, seq was 2; block 1 is WRITTEN");
	tc_close(&t);
}

/* The DELALLOC version of C1: a hole file, W2's second mapping goes stale. */
static void test_c1_delalloc_corrupts(void **state)
{
	static const char *const sched[] = { "W2:iomap_end", "W2:iomap_begin", "WB", "WB/io0",
					     "WB/io1", "RC", "W2" };
	struct tc t;
	struct wb_report rep;

	(void)state;
	tc_open_prov(&t, "{'wbsim':1,'name':'c1d','file':{'size':8192}," C1_TASKS "}",
		     WB_CHECK_OFF);
	RUN(&t, "W1");
	assert_string_equal(tc_exts(&t), "HD");
	SCHED(&t, sched);
	assert_int_equal(tc_nenabled(&t), 0);
	assert_int_equal(tc_oracle(&t, &rep), SIM_CORRUPT);
	assert_int_equal(rep.offset, 6144);
	assert_int_equal(rep.length, 2048);
	assert_string_equal(rep.expected, "A*2048");
	assert_string_equal(rep.found, "0*2048");
	assert_non_null(strstr(rep.provenance, "W2 write_begin zeroed [6144,8192) of page 1 using "
					       "a DELALLOC mapping with cookie 2, seq was 5; "
					       "block 1 is WRITTEN"));
	tc_close(&t);

	tc_open_prov(&t, "{'wbsim':1,'name':'c1d','file':{'size':8192}," C1_TASKS "}",
		     WB_CHECK_AFTER_LOCK);
	RUN(&t, "W1");
	SCHED(&t, sched);
	assert_int_equal(tc_oracle(&t, &rep), SIM_SAFE);
	tc_close(&t);
}

/* ------------------------------------------------------------------ the final flush */

/* IOs in flight are completed: their UNWRITTEN blocks read back as data. */
static void test_flush_completes_ios(void **state)
{
	struct tc t;
	struct wb_report rep;

	(void)state;
	tc_open_prov(&t, "{'wbsim':1,'name':'t','file':{'size':8192,'extents':["
			 "{'offset':0,'length':8192,'state':'unwritten'}]},'tasks':["
			 "{'name':'W1','op':'write','offset':0,'length':8192,'data':'A'},"
			 "{'name':'WB','op':'writeback'}]}",
		     SCENARIO_CHECK);
	RUN(&t, "W1");
	RUN(&t, "WB");
	STEP(&t, "WB/io1", "io_write");
	/* io0 submitted, io1 written: neither complete, both blocks still UNWRITTEN */
	assert_string_equal(tc_exts(&t), "UU");
	assert_string_equal(tc_disk(&t, 0, 2), "#*4096 A*4096");
	assert_int_equal(tc_oracle(&t, &rep), SIM_SAFE);
	assert_string_equal(tc_exts(&t), "UU"); /* on a copy */

	/* a folio dirtied again under writeback: the IO, then the flush, both land */
	tc_close(&t);
	tc_open_prov(&t, "{'wbsim':1,'name':'t','file':{'size':4096,'extents':["
			 "{'offset':0,'length':4096,'state':'unwritten'}]},'tasks':["
			 "{'name':'W1','op':'write','offset':0,'length':4096,'data':'A'},"
			 "{'name':'WB','op':'writeback'},"
			 "{'name':'W2','op':'write','offset':0,'length':2048,'data':'B',"
			 "'after':['WB']}]}",
		     SCENARIO_CHECK);
	RUN(&t, "W1");
	RUN(&t, "WB");
	RUN(&t, "W2");
	assert_int_equal(tc_folio(&t, 0)->flags, FOLIO_PRESENT | FOLIO_DIRTY | FOLIO_WRITEBACK);
	assert_int_equal(tc_oracle(&t, &rep), SIM_SAFE);
	tc_close(&t);
}

/* Only uptodate blocks are written: the others keep the disk's data. */
static void test_flush_uptodate_blocks_only(void **state)
{
	struct tc t;
	struct wb_report rep;
	void *saved;

	(void)state;
	tc_open_prov(&t, "{'wbsim':1,'name':'t','geometry':{'block_size':1024,'page_size':4096},"
			 "'file':{'size':4096,'extents':["
			 "{'offset':0,'length':4096,'state':'written','data':'X'}]},'tasks':["
			 "{'name':'W1','op':'write','offset':1024,'length':1024,'data':'A'}]}",
		     SCENARIO_CHECK);
	RUN(&t, "W1");
	assert_int_equal(tc_folio(&t, 0)->uptodate, 0x2);
	assert_string_equal(tc_cache(&t, 0), "0*1024 A*1024 0*2048");
	assert_int_equal(tc_oracle(&t, &rep), SIM_SAFE);
	assert_string_equal(tc_expected(&t), "X*1024 A*1024 X*2048");

	saved = wb_xmalloc(t.m.size);
	memcpy(saved, t.w, t.m.size);
	wb_flush_folio(&t.m, t.w, 0);
	assert_string_equal(tc_disk(&t, 0, 4), "X*1024 A*1024 X*2048");
	assert_int_equal(tc_folio(&t, 0)->flags, FOLIO_PRESENT);
	assert_int_equal(wb_io(&t.m, t.w, 0)->phase, IO_NONE);
	assert_int_equal(wb_inode(t.w)->seq, 0); /* WRITTEN already: nothing converted */

	/* writing the whole folio would have put zeroes on disk: that is corruption */
	memcpy(t.w, saved, t.m.size);
	tc_folio(&t, 0)->uptodate = 0xf;
	assert_int_equal(tc_oracle(&t, &rep), SIM_CORRUPT);
	assert_int_equal(rep.offset, 0);
	assert_int_equal(rep.length, 1024);
	assert_string_equal(rep.expected, "X*1024");
	assert_string_equal(rep.found, "0*1024");
	free(saved);
	tc_close(&t);
}

/* DELALLOC is converted before the write; HOLE blocks are not written. */
static void test_flush_delalloc_and_holes(void **state)
{
	struct tc t;
	struct wb_report rep;

	(void)state;
	tc_open_prov(&t, "{'wbsim':1,'name':'t','geometry':{'block_size':1024,'page_size':4096},"
			 "'file':{'size':0},'tasks':["
			 "{'name':'W1','op':'write','offset':1536,'length':1024,'data':'A'}]}",
		     SCENARIO_CHECK);
	RUN(&t, "W1");
	assert_string_equal(tc_exts(&t), "HDDH");
	assert_int_equal(wb_inode(t.w)->seq, 1);
	assert_int_equal(tc_oracle(&t, &rep), SIM_SAFE);
	assert_string_equal(tc_expected(&t), "0*1536 A*1024");
	wb_flush_folio(&t.m, t.w, 0);
	assert_string_equal(tc_exts(&t), "HWWH");
	assert_int_equal(wb_inode(t.w)->seq, 3); /* one conversion, one completion */
	assert_string_equal(tc_disk(&t, 0, 4), "#*1024 0*512 A*1024 0*512 #*1024");
	assert_int_equal(tc_folio(&t, 0)->flags, FOLIO_PRESENT);
	assert_int_equal(wb_io(&t.m, t.w, 0)->phase, IO_NONE);
	tc_close(&t);

	/* uptodate dirty blocks over a HOLE (made by hand) are not written */
	tc_open_prov(&t, "{'wbsim':1,'name':'t','geometry':{'block_size':1024,'page_size':4096},"
			 "'file':{'size':8192,'extents':["
			 "{'offset':1024,'length':3072,'state':'unwritten'}]},'tasks':["
			 "{'name':'WB','op':'writeback'}]}",
		     SCENARIO_CHECK);
	for (unsigned p = 0; p < 2; p++) {
		tc_folio(&t, p)->flags = FOLIO_PRESENT | FOLIO_DIRTY;
		tc_folio(&t, p)->uptodate = 0xf;
		memset(wb_cache(&t.m, t.w, p), p ? 'Y' : 'Z', t.m.gpp);
	}
	wb_flush_folio(&t.m, t.w, 0);
	assert_string_equal(tc_exts(&t), "HWWWHHHH");
	assert_string_equal(tc_disk(&t, 0, 4), "#*1024 Z*3072");
	assert_int_equal(wb_inode(t.w)->seq, 1);
	wb_flush_folio(&t.m, t.w, 1); /* only holes: clean, no IO, nothing changes */
	assert_string_equal(tc_exts(&t), "HWWWHHHH");
	assert_string_equal(tc_disk(&t, 4, 4), "#*4096");
	assert_int_equal(tc_folio(&t, 1)->flags, FOLIO_PRESENT);
	assert_int_equal(wb_io(&t.m, t.w, 1)->phase, IO_NONE);
	assert_int_equal(wb_inode(t.w)->seq, 1);
	tc_close(&t);
}

/* A write past EOF over a WRITTEN block: the part before it is zeroed, and expected so. */
static void test_flush_past_eof(void **state)
{
	struct tc t;
	struct wb_report rep;

	(void)state;
	tc_open_prov(&t, "{'wbsim':1,'name':'t','geometry':{'block_size':1024,'page_size':4096},"
			 "'file':{'size':2048,'extents':["
			 "{'offset':0,'length':4096,'state':'written','data':'X'}]},'tasks':["
			 "{'name':'W1','op':'write','offset':2560,'length':1024,'data':'A'}]}",
		     SCENARIO_CHECK);
	RUN(&t, "W1");
	assert_int_equal(wb_inode(t.w)->i_size, 3584);
	assert_string_equal(tc_expected(&t), "X*2048 0*512 A*1024");
	assert_int_equal(tc_oracle(&t, &rep), SIM_SAFE);
	tc_close(&t);
}

/* ------------------------------------------------------------------ deadlock */

static void test_deadlock(void **state)
{
	struct tc t;
	struct wb_report rep;

	(void)state;
	tc_open_prov(&t, "{'wbsim':1,'name':'t'," C1_FILE ",'tasks':["
			 "{'name':'W1','op':'write','offset':0,'length':4096,'data':'A'},"
			 "{'name':'W2','op':'write','offset':0,'length':2048,'data':'B'},"
			 "{'name':'WB','op':'writeback'},"
			 "{'name':'W3','op':'write','offset':4096,'length':2048,'data':'C',"
			 "'after':['W2']},"
			 "{'name':'RC','op':'reclaim'}]}",
		     SCENARIO_CHECK);
	RUN(&t, "W1");
	/* a folio left locked by a finished task (made by hand) */
	tc_folio(&t, 0)->locked = 1;
	RUN(&t, "W2");
	assert_string_equal(t.trace, "rwsem_lock iomap_begin folio_get");
	assert_null(tc_next(&t, "W2"));
	assert_null(tc_next(&t, "WB"));
	assert_null(tc_next(&t, "W3"));
	assert_int_equal(tc_nenabled(&t), 0);
	assert_int_equal(tc_oracle(&t, &rep), SIM_DEADLOCK);
	assert_string_equal(rep.deadlock, "W2 waits for the lock of page 0, held by W1; "
					  "WB waits for the lock of page 0, held by W1; "
					  "W3 runs after W2, which has not finished");
	assert_string_equal(rep.expected, "");
	tc_close(&t);
}

/* A reclaim task still waiting at the end is not a deadlock. */
static void test_waiting_reclaim_is_not_deadlock(void **state)
{
	struct tc t;
	struct wb_report rep;

	(void)state;
	tc_open_prov(&t, "{'wbsim':1,'name':'t'," C1_FILE ",'tasks':["
			 "{'name':'W1','op':'write','offset':0,'length':4096,'data':'A'},"
			 "{'name':'RC','op':'reclaim','pages':[1]}]}",
		     SCENARIO_CHECK);
	tc_run_all(&t);
	assert_false(wb_task_finished(&t.m, t.w, tc_task(&t, "RC")));
	assert_int_equal(tc_oracle(&t, &rep), SIM_SAFE);
	assert_string_equal(rep.deadlock, "");
	tc_close(&t);
}

/* ------------------------------------------------------------------ expected contents */

static void test_expected_follows_rwsem_order(void **state)
{
	static const char *const order[2][2] = { { "W1", "W2" }, { "W2", "W1" } };
	static const char *const after_first[2] = { "A*6144 0*2048", "X*2048 B*6144" };
	static const char *const after_both[2] = { "A*2048 B*6144", "A*6144 B*2048" };

	(void)state;
	for (unsigned i = 0; i < 2; i++) {
		struct tc t;
		struct wb_report rep;

		tc_open_prov(&t, "{'wbsim':1,'name':'t',"
				 "'file':{'size':8192,'extents':["
				 "{'offset':0,'length':4096,'state':'written','data':'X'},"
				 "{'offset':4096,'length':4096,'state':'unwritten'}]},'tasks':["
				 "{'name':'W1','op':'write','offset':0,'length':6144,'data':'A'},"
				 "{'name':'W2','op':'write','offset':2048,'length':6144,'data':'B'},"
				 "{'name':'WB','op':'writeback','after':['W1','W2']}]}",
			     SCENARIO_CHECK);
		assert_string_equal(tc_expected(&t), "X*4096 0*4096");
		/* rwsem_lock alone fixes the order */
		STEP(&t, order[i][0], "rwsem_lock");
		assert_int_equal(wb_inode(t.w)->order[0], tc_task(&t, order[i][0]));
		assert_string_equal(tc_expected(&t), after_first[i]);
		RUN(&t, order[i][0]);
		RUN(&t, order[i][1]);
		assert_string_equal(tc_expected(&t), after_both[i]);
		tc_run_all(&t);
		assert_string_equal(tc_disk(&t, 0, 2), after_both[i]);
		assert_int_equal(tc_oracle(&t, &rep), SIM_SAFE);
		tc_close(&t);
	}
}

/* The file grows with the writes; expected contents go up to i_size. */
static void test_expected_up_to_i_size(void **state)
{
	struct tc t;
	struct wb_report rep;

	(void)state;
	tc_open_prov(&t, "{'wbsim':1,'name':'t','file':{'size':0},'tasks':["
			 "{'name':'W1','op':'write','offset':4096,'length':2048,'data':'A'},"
			 "{'name':'WB','op':'writeback','after':['W1']}]}",
		     SCENARIO_CHECK);
	assert_string_equal(tc_expected(&t), "");
	RUN(&t, "W1");
	assert_int_equal(wb_inode(t.w)->i_size, 6144);
	assert_string_equal(tc_expected(&t), "0*4096 A*2048");
	tc_run_all(&t);
	assert_string_equal(tc_exts(&t), "HW");
	assert_int_equal(tc_oracle(&t, &rep), SIM_SAFE);
	tc_close(&t);
}

/*
 * Whose bytes were lost: the last effect in the content order covering the
 * first wrong byte.  A writer whose copy stopped before it is not named, nor
 * a store that reached it past the EOF of its moment; a punch is.
 */
static void test_lost_writer(void **state)
{
	struct tc t;
	struct wb_report rep;

	(void)state;
	/* W1's copy stops at 1024: [2048,3072) is still the initial contents */
	tc_open_prov(&t, "{'wbsim':1,'name':'t','file':{'size':4096,'extents':["
			 "{'offset':0,'length':4096,'state':'written','data':'I'}]},'tasks':["
			 "{'name':'W1','op':'write','offset':0,'length':4096,'data':'A',"
			 "'short_copy_at':1024}]}",
		     SCENARIO_CHECK);
	tc_run_all(&t);
	assert_string_equal(tc_expected(&t), "A*1024 I*3072");
	memset(wb_cache(&t.m, t.w, 0) + 2, 'Q', 1);
	assert_int_equal(tc_oracle(&t, &rep), SIM_CORRUPT);
	assert_int_equal(rep.offset, 2048);
	assert_string_equal(rep.lost_writer, "initial contents");
	memset(wb_cache(&t.m, t.w, 0), 'Q', 1);
	assert_int_equal(tc_oracle(&t, &rep), SIM_CORRUPT);
	assert_int_equal(rep.offset, 0);
	assert_string_equal(rep.lost_writer, "W1");
	tc_close(&t);

	/* M stored [2048,3072) past EOF: not M's bytes; a punch's zeroes are the punch's */
	tc_open_prov(&t, "{'wbsim':1,'name':'t','file':{'size':2048,'extents':["
			 "{'offset':0,'length':4096,'state':'written','data':'I'}]},'tasks':["
			 "{'name':'M','op':'mmap_write','offset':1024,'length':2048,'data':'M'},"
			 "{'name':'TR','op':'truncate','size':8192,'after':['M']},"
			 "{'name':'P','op':'punch','offset':4096,'length':4096,'after':['TR']}]}",
		     SCENARIO_CHECK);
	tc_run_all(&t);
	assert_string_equal(tc_expected(&t), "I*1024 M*1024 0*6144");
	wb_ext(&t.m, t.w)[1] = WB_WRITTEN; /* as if the punch had not happened */
	memset(wb_disk(&t.m, t.w) + 4, 'Q', 4);
	assert_int_equal(tc_oracle(&t, &rep), SIM_CORRUPT);
	assert_int_equal(rep.offset, 4096);
	assert_string_equal(rep.lost_writer, "P");
	wb_ext(&t.m, t.w)[1] = WB_HOLE;
	memset(wb_cache(&t.m, t.w, 0) + 2, 'Q', 1);
	assert_int_equal(tc_oracle(&t, &rep), SIM_CORRUPT);
	assert_int_equal(rep.offset, 2048);
	assert_string_equal(rep.lost_writer, "initial contents");
	memset(wb_cache(&t.m, t.w, 0) + 1, 'Q', 1);
	assert_int_equal(tc_oracle(&t, &rep), SIM_CORRUPT);
	assert_string_equal(rep.lost_writer, "M");
	tc_close(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_safe_final_state),
		cmocka_unit_test(test_c1_off_corrupts),
		cmocka_unit_test(test_c1_after_lock_remaps),
		cmocka_unit_test(test_c1_before_lock),
		cmocka_unit_test(test_c1_delalloc_corrupts),
		cmocka_unit_test(test_flush_completes_ios),
		cmocka_unit_test(test_flush_uptodate_blocks_only),
		cmocka_unit_test(test_flush_delalloc_and_holes),
		cmocka_unit_test(test_flush_past_eof),
		cmocka_unit_test(test_deadlock),
		cmocka_unit_test(test_waiting_reclaim_is_not_deadlock),
		cmocka_unit_test(test_expected_follows_rwsem_order),
		cmocka_unit_test(test_expected_up_to_i_size),
		cmocka_unit_test(test_lost_writer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
