/* SPDX-License-Identifier: MIT */
/*
 * test_fidelity.c - the fidelity actors of docs/model.md, step by step: read
 * faults, mmap writes, short copies and the write's error path, the three
 * write cleanup versions, drop_writes, hole punch / fallocate / truncate,
 * writeback's fdatawait, EOF zeroing, iomap_write_failed, stable pages and
 * the kernel presets.  Each test builds a small scenario, drives named steps
 * one at a time (checking every step's label and the world's invariants) and
 * pins the step's effect on the state.
 */
#include "tests/harness.h"

#define FULL 0xf /* every block of a 1 KiB-block folio uptodate */

/* ------------------------------------------------------------------ read fault */

/*
 * An absent page: created locked with a fault reference, read_folio reads
 * WRITTEN blocks inside i_size and zeroes the rest, all uptodate, unlocked.
 */
static void test_read_fault_absent_page(void **state)
{
	struct tc t;
	struct folio *f0, *f1;
	struct wb_fault *rf;
	const char *d;

	(void)state;
	tc_open(&t, "{'wbsim':1,'name':'t'," GEOM_1K ",'file':{'size':5120,'extents':["
		    "{'offset':0,'length':1024,'state':'written','data':'X'},"
		    "{'offset':1024,'length':1024,'state':'delalloc'},"
		    "{'offset':2048,'length':1024,'state':'unwritten'},"
		    "{'offset':4096,'length':2048,'state':'written','data':'Y'}]},'tasks':["
		    "{'name':'RF','op':'read_fault','page':0},"
		    "{'name':'RF1','op':'read_fault','page':1,'after':['RF']},"
		    "{'name':'RC','op':'reclaim','evictions':1}]}",
		SCENARIO_CHECK);
	f0 = tc_folio(&t, 0);
	f1 = tc_folio(&t, 1);
	rf = tc_ft(&t, "RF");
	assert_string_equal(tc_exts(&t), "WDUHWWHH");

	STEP(&t, "RF", "fault_begin");
	assert_int_equal(tc_ino(&t)->inval_shared, 1);
	assert_int_equal(tc_ino(&t)->inval_excl, 0);
	assert_int_equal(rf->holds, FT_SHARED);
	assert_int_equal(f0->flags, 0);

	STEP(&t, "RF", "folio_get");
	assert_int_equal(f0->flags, FOLIO_PRESENT | FOLIO_FREF_ONE);
	assert_int_equal(f0->locked, tc_task(&t, "RF") + 1);
	assert_int_equal(f0->uptodate, 0);
	assert_int_equal(rf->holds, FT_SHARED | FT_LOCK | FT_REF);
	assert_string_equal(tc_next(&t, "RF"), "read_folio");
	/* locked and referenced: reclaim has nothing to evict */
	assert_null(tc_next(&t, "RC"));

	memset(wb_cache(&t.m, t.w, 0), 'Q', t.m.gpp); /* whatever the new folio held */
	d = STEP(&t, "RF", "read_folio");
	assert_non_null(strstr(d, "block 0 WRITTEN: read"));
	assert_non_null(strstr(d, "block 1 DELALLOC: zeroed"));
	assert_non_null(strstr(d, "block 2 UNWRITTEN: zeroed"));
	assert_non_null(strstr(d, "block 3 HOLE: zeroed"));
	assert_string_equal(tc_cache(&t, 0), "X*1024 0*3072");
	assert_int_equal(f0->uptodate, FULL);
	assert_int_equal(f0->locked, 0);
	assert_int_equal(f0->flags, FOLIO_PRESENT); /* reference dropped, clean */
	assert_int_equal(rf->holds, FT_SHARED);
	assert_int_equal(tc_ino(&t)->inval_shared, 1);
	assert_string_equal(tc_next(&t, "RF"), "fault_end");
	/* nothing read changed the extent map or seq */
	assert_string_equal(tc_exts(&t), "WDUHWWHH");
	assert_int_equal(tc_seq(&t), 0);

	STEP(&t, "RF", "fault_end");
	assert_int_equal(tc_ino(&t)->inval_shared, 0);
	assert_int_equal(rf->holds, 0);
	assert_int_equal(f0->flags, FOLIO_PRESENT); /* a read fault maps it read-only */
	assert_true(tc_finished(&t, "RF"));
	assert_null(tc_next(&t, "RF"));

	/* page 1: block 4 WRITTEN inside i_size is read, block 5 WRITTEN past it is not */
	memset(wb_disk(&t.m, t.w) + 5 * t.m.gpb, 'Z', t.m.gpb);
	RUN_TO(&t, "RF1", "read_folio");
	assert_string_equal(t.trace, "fault_begin folio_get read_folio");
	assert_string_equal(tc_cache(&t, 1), "Y*1024 0*3072");
	assert_int_equal(f1->uptodate, FULL);
	STEP(&t, "RF1", "fault_end");
	assert_int_equal(tc_ino(&t)->inval_shared, 0);
	assert_true(tc_finished(&t, "RF1"));
	/* clean, unlocked, unreferenced: evictable now */
	STEP(&t, "RC", "evict");
	tc_close(&t);
}

/*
 * A cached folio: uptodate -> straight to fault_end, no reference; not
 * uptodate -> a reference (not evictable), folio_lock (waits for the lock),
 * read_folio of the missing blocks only.
 */
static void test_read_fault_cached_page(void **state)
{
	struct tc t;
	struct folio *f0;
	struct wb_fault *rf;

	(void)state;
	tc_open(&t, "{'wbsim':1,'name':'t'," GEOM_1K ",'file':{'size':4096},'tasks':["
		    "{'name':'W1','op':'write','offset':0,'length':1024,'data':'A'},"
		    "{'name':'WB','op':'writeback','after':['W1']},"
		    "{'name':'RF','op':'read_fault','page':0,'after':['WB']},"
		    "{'name':'WB2','op':'writeback','after':['RF']},"
		    "{'name':'RF2','op':'read_fault','page':0,'after':['WB2']},"
		    "{'name':'RC','op':'reclaim','evictions':1}]}",
		SCENARIO_CHECK);
	f0 = tc_folio(&t, 0);
	rf = tc_ft(&t, "RF");
	tc_run(&t, "W1");
	tc_run(&t, "WB");
	tc_run(&t, "WB/io0");
	/* block 0 written back; the folio is clean with only block 0 uptodate */
	assert_string_equal(tc_exts(&t), "WHHH");
	assert_int_equal(f0->flags, FOLIO_PRESENT);
	assert_int_equal(f0->uptodate, 0x1);
	assert_string_equal(tc_cache(&t, 0), "A*1024 0*3072");

	STEP(&t, "RF", "fault_begin");
	STEP(&t, "RF", "folio_get");
	assert_int_equal(f0->flags, FOLIO_PRESENT | FOLIO_FREF_ONE);
	assert_int_equal(f0->locked, 0);
	assert_int_equal(rf->holds, FT_SHARED | FT_REF);
	/* referenced (not locked): reclaim may not evict it */
	assert_null(tc_next(&t, "RC"));
	/* someone else holds the lock: folio_lock waits */
	f0->locked = (uint8_t)(tc_task(&t, "W1") + 1);
	assert_null(tc_next(&t, "RF"));
	assert_string_equal(tc_label(&t, "RF"), "folio_lock");
	f0->locked = 0;
	STEP(&t, "RF", "folio_lock");
	assert_int_equal(f0->locked, tc_task(&t, "RF") + 1);
	assert_int_equal(rf->holds, FT_SHARED | FT_REF | FT_LOCK);
	assert_null(tc_next(&t, "RC"));
	memset(wb_cache(&t.m, t.w, 0) + t.m.gpb, 'Q', 3 * t.m.gpb);
	STEP(&t, "RF", "read_folio");
	/* block 0 stays as cached; blocks 1-3 (HOLE) zeroed */
	assert_string_equal(tc_cache(&t, 0), "A*1024 0*3072");
	assert_int_equal(f0->uptodate, FULL);
	assert_int_equal(f0->flags, FOLIO_PRESENT);
	assert_int_equal(f0->locked, 0);
	STEP(&t, "RF", "fault_end");
	assert_true(tc_finished(&t, "RF"));

	/* now cached and uptodate: nothing to read, no reference, no lock */
	tc_run(&t, "WB2");
	STEP(&t, "RF2", "fault_begin");
	const char *d = STEP(&t, "RF2", "folio_get");
	assert_non_null(strstr(d, "nothing to read"));
	assert_int_equal(f0->flags, FOLIO_PRESENT);
	assert_int_equal(f0->locked, 0);
	assert_int_equal(tc_ft(&t, "RF2")->holds, FT_SHARED);
	assert_string_equal(tc_next(&t, "RF2"), "fault_end");
	STEP(&t, "RF2", "fault_end");
	assert_int_equal(tc_ino(&t)->inval_shared, 0);
	assert_true(tc_finished(&t, "RF2"));
	STEP(&t, "RC", "evict");
	tc_close(&t);
}

/* fault_begin waits while a punch holds the invalidate_lock exclusive, and vice versa. */
static void test_read_fault_and_invalidate_lock(void **state)
{
	struct tc t;

	(void)state;
	tc_open(&t, "{'wbsim':1,'name':'t'," GEOM_1K ",'file':{'size':8192},'tasks':["
		    "{'name':'RF','op':'read_fault','page':0},"
		    "{'name':'PU','op':'punch','offset':4096,'length':4096},"
		    "{'name':'RF2','op':'read_fault','page':1,'after':['PU']}]}",
		SCENARIO_CHECK);
	STEP(&t, "PU", "rwsem_lock");
	STEP(&t, "PU", "invalidate_lock");
	assert_int_equal(tc_ino(&t)->inval_excl, tc_task(&t, "PU") + 1);
	assert_null(tc_next(&t, "RF"));
	assert_string_equal(tc_label(&t, "RF"), "fault_begin");
	assert_non_null(strstr(tc_why(&t, "RF"), "invalidate_lock"));
	tc_run(&t, "PU");
	assert_string_equal(t.trace, "flush_unmap_range punch_range rwsem_unlock");
	assert_int_equal(tc_ino(&t)->inval_excl, 0);
	STEP(&t, "RF", "fault_begin");

	/* a fault holding it shared keeps an exclusive taker out */
	STEP(&t, "RF2", "fault_begin");
	assert_int_equal(tc_ino(&t)->inval_shared, 2);
	tc_run(&t, "RF");
	assert_int_equal(tc_ino(&t)->inval_shared, 1);
	tc_run(&t, "RF2");
	assert_int_equal(tc_ino(&t)->inval_shared, 0);
	tc_close(&t);

	tc_open(&t, "{'wbsim':1,'name':'t'," GEOM_1K ",'file':{'size':8192},'tasks':["
		    "{'name':'RF','op':'read_fault','page':0},"
		    "{'name':'PU','op':'punch','offset':4096,'length':4096}]}",
		SCENARIO_CHECK);
	STEP(&t, "RF", "fault_begin");
	STEP(&t, "PU", "rwsem_lock");
	assert_null(tc_next(&t, "PU"));
	assert_string_equal(tc_label(&t, "PU"), "invalidate_lock");
	tc_run(&t, "RF");
	STEP(&t, "PU", "invalidate_lock");
	tc_close(&t);
}

/* ------------------------------------------------------------------ mmap write */

static void test_mmap_write_fault_sequence(void **state)
{
	struct tc t;
	struct folio *f0, *f1;
	struct wb_fault *p;
	unsigned ip;

	(void)state;
	tc_open(&t, "{'wbsim':1,'name':'t'," GEOM_1K ",'file':{'size':6144,'extents':["
		    "{'offset':0,'length':1024,'state':'written','data':'X'},"
		    "{'offset':2048,'length':1024,'state':'unwritten'}]},'tasks':["
		    "{'name':'P','op':'mmap_write','offset':1024,'length':1024,'data':'P'},"
		    "{'name':'P2','op':'mmap_write','offset':4096,'length':1024,'data':'Q',"
		    "'after':['P']}]}",
		SCENARIO_CHECK);
	f0 = tc_folio(&t, 0);
	f1 = tc_folio(&t, 1);
	p = tc_ft(&t, "P");
	ip = tc_task(&t, "P");
	assert_false(t.m.cfg.mkwrite_iomap_end); /* 6.2 values */

	STEP(&t, "P", "fault_begin");
	assert_int_equal(tc_ino(&t)->inval_shared, 1);
	STEP(&t, "P", "folio_get");
	assert_int_equal(f0->flags, FOLIO_PRESENT | FOLIO_FREF_ONE);
	assert_int_equal(f0->locked, ip + 1);
	STEP(&t, "P", "read_folio");
	/* the lock and the reference stay with the write fault */
	assert_string_equal(tc_cache(&t, 0), "X*1024 0*3072");
	assert_int_equal(f0->uptodate, FULL);
	assert_int_equal(f0->flags, FOLIO_PRESENT | FOLIO_FREF_ONE);
	assert_int_equal(f0->locked, ip + 1);
	assert_int_equal(p->holds, FT_SHARED | FT_LOCK | FT_REF);
	assert_int_equal(tc_seq(&t), 0);

	STEP(&t, "P", "mkwrite_iomap_begin");
	/* HOLE blocks 1 and 3 of the page -> DELALLOC, one seq bump; W and U kept */
	assert_string_equal(tc_exts(&t), "WDUDHHHH");
	assert_int_equal(tc_seq(&t), 1);
	assert_int_equal(f0->flags, FOLIO_PRESENT | FOLIO_FREF_ONE | FOLIO_DIRTY);
	assert_int_equal(f0->locked, ip + 1);
	assert_string_equal(tc_next(&t, "P"), "fault_end");

	STEP(&t, "P", "fault_end");
	assert_int_equal(f0->flags, FOLIO_PRESENT | FOLIO_DIRTY | FOLIO_PTE_W);
	assert_int_equal(f0->locked, 0);
	assert_int_equal(tc_ino(&t)->inval_shared, 0);
	assert_int_equal(p->holds, 0);
	assert_int_equal(tc_ino(&t)->norder, 0);
	assert_string_equal(tc_next(&t, "P"), "store");

	STEP(&t, "P", "store");
	assert_string_equal(tc_cache(&t, 0), "X*1024 P*1024 0*2048");
	assert_int_equal(tc_ino(&t)->norder, 1);
	assert_int_equal(tc_ino(&t)->order[0], ip);
	assert_true(tc_finished(&t, "P"));
	assert_int_equal(f0->flags, FOLIO_PRESENT | FOLIO_DIRTY | FOLIO_PTE_W);

	/* page 1 straddles EOF (6144): only the blocks below i_size are reserved */
	RUN_TO(&t, "P2", "mkwrite_iomap_begin");
	assert_string_equal(tc_exts(&t), "WDUDDDHH");
	assert_int_equal(tc_seq(&t), 2);
	assert_true(f1->flags & FOLIO_DIRTY);
	tc_run(&t, "P2");
	assert_string_equal(t.trace, "fault_end store");
	assert_string_equal(tc_cache(&t, 1), "Q*1024 0*3072");
	assert_int_equal(tc_ino(&t)->order[1], tc_task(&t, "P2"));
	assert_int_equal(tc_ino(&t)->i_size, 6144);

	assert_string_equal(tc_expected(&t), "X*1024 P*1024 0*2048 Q*1024 0*1024");
	assert_int_equal(tc_verdict(&t, NULL), SIM_SAFE);
	tc_close(&t);
}

/* Writeback write-protects: the store point becomes write_fault, and the fault runs again. */
static void test_mmap_write_protect_refaults(void **state)
{
	struct tc t;
	struct folio *f0;
	struct wb_fault *p;
	uint32_t seq;

	(void)state;
	tc_open(&t, "{'wbsim':1,'name':'t'," GEOM_1K ",'file':{'size':4096},'tasks':["
		    "{'name':'P','op':'mmap_write','offset':0,'length':1024,'data':'P'},"
		    "{'name':'WB','op':'writeback'}]}",
		SCENARIO_CHECK);
	f0 = tc_folio(&t, 0);
	p = tc_ft(&t, "P");
	RUN_TO(&t, "P", "fault_end");
	assert_string_equal(t.trace, "fault_begin folio_get read_folio mkwrite_iomap_begin "
				     "fault_end");
	assert_string_equal(tc_label(&t, "P"), "store");
	STEP(&t, "WB", "wb_lock");
	STEP(&t, "WB", "clear_dirty");
	assert_int_equal(f0->flags & (FOLIO_DIRTY | FOLIO_PTE_W), 0);
	/* same program point, now write-protected */
	assert_int_equal(p->pc, FP_STORE);
	assert_string_equal(tc_next(&t, "P"), "write_fault");
	STEP(&t, "P", "write_fault");
	assert_int_equal(p->pc, FP_FAULT_BEGIN);
	assert_string_equal(tc_cache(&t, 0), "0*4096"); /* nothing stored */
	assert_int_equal(tc_ino(&t)->norder, 0);
	STEP(&t, "P", "fault_begin");
	/* cached and uptodate: an mmap write takes a reference and locks it */
	STEP(&t, "P", "folio_get");
	assert_true(f0->flags & FOLIO_FREF_ONE);
	assert_string_equal(tc_label(&t, "P"), "folio_lock");
	assert_null(tc_next(&t, "P")); /* writeback holds the lock */
	RUN_TO(&t, "WB", "start_writeback");
	seq = tc_seq(&t);
	STEP(&t, "P", "folio_lock");
	assert_string_equal(tc_next(&t, "P"), "mkwrite_iomap_begin");
	STEP(&t, "P", "mkwrite_iomap_begin");
	assert_int_equal(tc_seq(&t), seq); /* no hole left: no reservation */
	assert_true(f0->flags & FOLIO_DIRTY);
	STEP(&t, "P", "fault_end");
	assert_true(f0->flags & FOLIO_PTE_W);
	STEP(&t, "P", "store");
	assert_string_equal(tc_cache(&t, 0), "P*1024 0*3072");
	assert_int_equal(tc_ino(&t)->norder, 1);
	tc_run_all(&t);
	assert_int_equal(tc_verdict(&t, NULL), SIM_SAFE);
	tc_close(&t);
}

/* A punch removes the mapped folio: the store faults again and reserves anew. */
static void test_mmap_write_folio_gone(void **state)
{
	struct tc t;
	unsigned ip, ipu;

	(void)state;
	tc_open(&t, "{'wbsim':1,'name':'t'," GEOM_1K ",'file':{'size':4096},'tasks':["
		    "{'name':'P','op':'mmap_write','offset':1024,'length':1024,'data':'P'},"
		    "{'name':'PU','op':'punch','offset':0,'length':4096}]}",
		SCENARIO_CHECK);
	ip = tc_task(&t, "P");
	ipu = tc_task(&t, "PU");
	RUN_TO(&t, "P", "fault_end");
	assert_string_equal(tc_exts(&t), "DDDD");
	assert_int_equal(tc_seq(&t), 1);
	tc_run(&t, "PU");
	/*
	 * Dirty and mapped: xfs_flush_unmap_range() writes it back first (DELALLOC
	 * -> UNWRITTEN, seq 2; the IO's completion -> WRITTEN, seq 3), then drops
	 * it; xfs_free_file_space() frees the blocks (seq 4).
	 */
	assert_int_equal(tc_folio(&t, 0)->flags, 0);
	assert_string_equal(tc_exts(&t), "HHHH");
	assert_int_equal(tc_seq(&t), 4);
	assert_string_equal(tc_next(&t, "P"), "write_fault");
	STEP(&t, "P", "write_fault");
	tc_run(&t, "P");
	assert_string_equal(t.trace, "fault_begin folio_get read_folio mkwrite_iomap_begin "
				     "fault_end store");
	assert_string_equal(tc_exts(&t), "DDDD");
	assert_int_equal(tc_seq(&t), 5);
	assert_int_equal(tc_ino(&t)->norder, 2);
	assert_int_equal(tc_ino(&t)->order[0], ipu);
	assert_int_equal(tc_ino(&t)->order[1], ip);
	assert_string_equal(tc_expected(&t), "0*1024 P*1024 0*2048");
	assert_int_equal(tc_verdict(&t, NULL), SIM_SAFE);
	tc_close(&t);
}

/* A page past EOF: filemap_fault's SIGBUS, no folio, no reservation, no store. */
static void test_mmap_write_sigbus(void **state)
{
	struct tc t;
	struct folio *f1;

	(void)state;
	tc_open(&t, "{'wbsim':1,'name':'t'," GEOM_1K ",'file':{'size':8192},'tasks':["
		    "{'name':'TR','op':'truncate','size':4096},"
		    "{'name':'P','op':'mmap_write','offset':5120,'length':1024,'data':'P',"
		    "'after':['TR']}]}",
		SCENARIO_CHECK);
	f1 = tc_folio(&t, 1);
	tc_run(&t, "TR");
	assert_int_equal(tc_ino(&t)->i_size, 4096);
	assert_int_equal(tc_ino(&t)->norder, 1);
	uint32_t seq = tc_seq(&t);
	STEP(&t, "P", "fault_begin");
	const char *d = STEP(&t, "P", "folio_get");
	assert_non_null(strstr(d, "SIGBUS"));
	assert_int_equal(f1->flags, 0); /* no folio was created */
	assert_int_equal(tc_seq(&t), seq);
	assert_string_equal(tc_exts(&t), "HHHHHHHH");
	assert_int_equal(f1->flags & FOLIO_DIRTY, 0);
	STEP(&t, "P", "fault_end");
	assert_true(tc_finished(&t, "P"));
	assert_int_equal(f1->flags & FOLIO_PTE_W, 0);
	assert_int_equal(f1->locked, 0);
	assert_int_equal(f1->flags & FOLIO_FREF_MASK, 0);
	assert_int_equal(tc_ino(&t)->inval_shared, 0);
	assert_int_equal(tc_ino(&t)->norder, 1); /* only the truncate */
	assert_int_equal(tc_nenabled(&t), 0);
	assert_int_equal(tc_verdict(&t, NULL), SIM_SAFE);
	tc_close(&t);
}

/* 6.1's mkwrite_iomap_end: a no-op step, or (drop_writes) never enabled: deadlock. */
static void test_mmap_write_mkwrite_iomap_end(void **state)
{
	struct tc t;
	struct wb_report rep;
	uint8_t *before;

	(void)state;
	tc_open(&t, "{'wbsim':1,'name':'t'," GEOM_1K ",'config':{'kernel':'6.1'},"
		    "'file':{'size':4096},'tasks':["
		    "{'name':'P','op':'mmap_write','offset':1024,'length':1024,'data':'P'}]}",
		SCENARIO_CHECK);
	assert_true(t.m.cfg.mkwrite_iomap_end);
	RUN_TO(&t, "P", "mkwrite_iomap_begin");
	assert_string_equal(tc_exts(&t), "DDDD");
	assert_int_equal(tc_seq(&t), 1);
	assert_string_equal(tc_next(&t, "P"), "mkwrite_iomap_end");
	before = wb_xmalloc(t.m.size);
	memcpy(before, t.w, t.m.size);
	STEP(&t, "P", "mkwrite_iomap_end");
	/* only the program counter moved */
	assert_int_equal(tc_ft(&t, "P")->pc, FP_FAULT_END);
	tc_ft(&t, "P")->pc = FP_MKWRITE_END;
	assert_memory_equal(before, t.w, t.m.size);
	tc_ft(&t, "P")->pc = FP_FAULT_END;
	free(before);
	tc_run(&t, "P");
	assert_string_equal(t.trace, "fault_end store");
	assert_int_equal(tc_verdict(&t, NULL), SIM_SAFE);
	tc_close(&t);

	tc_open(&t, "{'wbsim':1,'name':'t'," GEOM_1K ",'config':{'kernel':'6.1',"
		    "'drop_writes':true},'file':{'size':4096},'tasks':["
		    "{'name':'P','op':'mmap_write','offset':1024,'length':1024,'data':'P'}]}",
		SCENARIO_CHECK);
	assert_true(t.m.cfg.drop_writes);
	RUN_TO(&t, "P", "mkwrite_iomap_begin");
	assert_string_equal(tc_label(&t, "P"), "mkwrite_iomap_end");
	assert_null(tc_next(&t, "P"));
	assert_non_null(strstr(tc_why(&t, "P"), "holds itself"));
	/* the fault still holds the folio lock and the invalidate_lock */
	assert_int_equal(tc_folio(&t, 0)->locked, tc_task(&t, "P") + 1);
	assert_int_equal(tc_ino(&t)->inval_shared, 1);
	assert_int_equal(tc_verdict(&t, &rep), SIM_DEADLOCK);
	assert_int_equal(rep.verdict, SIM_DEADLOCK);
	assert_non_null(strstr(rep.deadlock, "P "));
	tc_close(&t);
}

/* ------------------------------------------------------------------ short copy */

/* A short copy into a !uptodate folio: nothing committed, the chunk retried cut short. */
static void test_short_copy_not_uptodate(void **state)
{
	struct tc t;
	struct wb_writer *wr;
	struct folio *f0;
	const char *d;

	(void)state;
	tc_open(&t, "{'wbsim':1,'name':'t'," GEOM_1K ",'file':{'size':4096},'tasks':["
		    "{'name':'W','op':'write','offset':0,'length':4096,'data':'A',"
		    "'short_copy_at':2048}]}",
		SCENARIO_CHECK);
	wr = tc_wr(&t, "W");
	f0 = tc_folio(&t, 0);
	RUN_TO(&t, "W", "copy");
	assert_string_equal(t.trace, "rwsem_lock iomap_begin folio_get iomap_valid write_begin "
				     "copy");
	assert_string_equal(tc_exts(&t), "DDDD");
	assert_int_equal(tc_seq(&t), 1);
	assert_int_equal(f0->uptodate, 0); /* the whole page was to be overwritten */
	assert_string_equal(tc_cache(&t, 0), "A*2048 0*2048");
	assert_true(wr->wflags & WR_SHORT);

	d = STEP(&t, "W", "write_end");
	assert_non_null(strstr(d, "retry the chunk cut at 2048"));
	/* nothing marked: not dirty, not uptodate, the copied bytes discarded */
	assert_int_equal(f0->flags, FOLIO_PRESENT);
	assert_int_equal(f0->locked, 0);
	assert_int_equal(f0->uptodate, 0);
	assert_string_equal(tc_cache(&t, 0), "0*4096");
	assert_int_equal(wr->pos, 0);
	assert_int_equal(wr->wflags & WR_RETRY, WR_RETRY);
	assert_string_equal(tc_next(&t, "W"), "folio_get");

	d = STEP(&t, "W", "folio_get");
	assert_non_null(strstr(d, "chunk [0,2048)"));
	RUN_TO(&t, "W", "write_end");
	assert_string_equal(t.trace, "folio_lock iomap_valid write_begin copy write_end");
	assert_string_equal(tc_cache(&t, 0), "A*2048 0*2048");
	assert_true(f0->flags & FOLIO_DIRTY);
	assert_int_equal(wr->pos, 2048);
	assert_int_equal(wr->wflags & WR_RETRY, 0);
	/* the next chunk starts at the faulting byte: the iteration ends in error */
	assert_int_equal(wr->wflags & WR_ERR, WR_ERR);
	assert_string_equal(tc_next(&t, "W"), "iomap_end");
	d = STEP(&t, "W", "iomap_end");
	assert_non_null(strstr(d, "2048 of 4096 bytes written"));
	assert_non_null(strstr(d, "goes on with the rest"));
	/* blocks 2 and 3 were never uptodate: their reservation is released */
	assert_int_equal(f0->uptodate, 0x3);
	assert_string_equal(tc_exts(&t), "DDHH");
	assert_int_equal(tc_seq(&t), 2);
	/* the rest is mapped once more, then the write fails at once */
	STEP(&t, "W", "iomap_begin");
	assert_int_equal(wr->type, IOMAP_DELALLOC);
	assert_int_equal(wr->flags, IOMAP_F_NEW);
	assert_int_equal(wr->iter_start, 2048);
	assert_int_equal(wr->iter_end, 4096);
	assert_string_equal(tc_exts(&t), "DDDD");
	assert_int_equal(tc_seq(&t), 3);
	assert_string_equal(tc_next(&t, "W"), "iomap_end");
	d = STEP(&t, "W", "iomap_end");
	assert_non_null(strstr(d, "0 of 2048 bytes written"));
	assert_non_null(strstr(d, "fails here"));
	assert_string_equal(tc_exts(&t), "DDHH");
	assert_int_equal(tc_seq(&t), 4);
	assert_int_equal(wr->pos, 2048);
	STEP(&t, "W", "rwsem_unlock");
	assert_true(tc_finished(&t, "W"));
	assert_int_equal(tc_ino(&t)->i_size, 4096);
	/* the oracle expects only [offset, short_copy_at) written */
	assert_string_equal(tc_expected(&t), "A*2048 0*2048");
	assert_int_equal(tc_verdict(&t, NULL), SIM_SAFE);
	tc_close(&t);
}

/* A short copy into an uptodate folio: the copied bytes are committed at once. */
static void test_short_copy_uptodate(void **state)
{
	struct tc t;
	struct wb_writer *wr;
	struct folio *f0;

	(void)state;
	tc_open(&t, "{'wbsim':1,'name':'t'," GEOM_1K ",'file':{'size':4096,'extents':["
		    "{'offset':0,'length':4096,'state':'written','data':'X'}]},'tasks':["
		    "{'name':'RF','op':'read_fault','page':0},"
		    "{'name':'W','op':'write','offset':0,'length':4096,'data':'A',"
		    "'short_copy_at':1024,'after':['RF']}]}",
		SCENARIO_CHECK);
	wr = tc_wr(&t, "W");
	f0 = tc_folio(&t, 0);
	tc_run(&t, "RF");
	assert_int_equal(f0->uptodate, FULL);
	RUN_TO(&t, "W", "write_end");
	assert_string_equal(t.trace, "rwsem_lock iomap_begin folio_get folio_lock iomap_valid "
				     "write_begin copy write_end");
	assert_string_equal(tc_cache(&t, 0), "A*1024 X*3072");
	assert_int_equal(f0->flags, FOLIO_PRESENT | FOLIO_DIRTY);
	assert_int_equal(f0->locked, 0);
	assert_int_equal(wr->pos, 1024);
	assert_int_equal(wr->wflags & WR_RETRY, 0);
	assert_string_equal(tc_next(&t, "W"), "iomap_end");
	tc_run(&t, "W");
	assert_string_equal(t.trace, "iomap_end iomap_begin iomap_end rwsem_unlock");
	assert_string_equal(tc_expected(&t), "A*1024 X*3072");
	assert_int_equal(tc_verdict(&t, NULL), SIM_SAFE);
	tc_close(&t);
}

/* A fault at the write's first byte: iomap_begin then iomap_end with nothing written. */
static void test_short_copy_at_first_byte(void **state)
{
	struct tc t;
	const char *d;

	(void)state;
	tc_open(&t, "{'wbsim':1,'name':'t'," GEOM_1K ",'file':{'size':4096},'tasks':["
		    "{'name':'W','op':'write','offset':1024,'length':1024,'data':'A',"
		    "'short_copy_at':1024}]}",
		SCENARIO_CHECK);
	STEP(&t, "W", "rwsem_lock");
	STEP(&t, "W", "iomap_begin");
	assert_string_equal(tc_exts(&t), "HDHH");
	assert_int_equal(tc_seq(&t), 1);
	assert_string_equal(tc_next(&t, "W"), "iomap_end");
	d = STEP(&t, "W", "iomap_end");
	assert_non_null(strstr(d, "0 of 1024 bytes written"));
	/* 6.2: the unused reservation is punched in this step */
	assert_string_equal(tc_exts(&t), "HHHH");
	assert_int_equal(tc_seq(&t), 2);
	STEP(&t, "W", "rwsem_unlock");
	assert_int_equal(tc_folio(&t, 0)->flags, 0); /* never got a folio */
	assert_string_equal(tc_expected(&t), "0*4096");
	assert_int_equal(tc_verdict(&t, NULL), SIM_SAFE);
	tc_close(&t);
}

/* ------------------------------------------------------------------ write cleanup */

/*
 * 6.1 (truncate_punch): iomap_end truncates the page cache (a dirty folio
 * wholly inside is removed), then punch_delalloc punches with one seq bump.
 */
static void test_cleanup_truncate_punch(void **state)
{
	struct tc t;
	struct wb_writer *wr;
	struct folio *f0;
	const char *d;

	(void)state;
	/* 4 KiB blocks: W's cleanup range [0,4096) covers page 0, P stores beside W's bytes */
	tc_open(&t, "{'wbsim':1,'name':'t','config':{'kernel':'6.1'},"
		    "'file':{'size':8192},'tasks':["
		    "{'name':'W','op':'write','offset':1024,'length':2048,'data':'W',"
		    "'short_copy_at':1024},"
		    "{'name':'P','op':'mmap_write','offset':3072,'length':1024,'data':'P'}]}",
		SCENARIO_CHECK);
	wr = tc_wr(&t, "W");
	f0 = tc_folio(&t, 0);
	assert_int_equal(t.m.cfg.write_fail_cleanup, WB_CLEANUP_TRUNCATE_PUNCH);
	STEP(&t, "W", "rwsem_lock");
	STEP(&t, "W", "iomap_begin");
	assert_string_equal(tc_exts(&t), "DH");
	assert_int_equal(wr->flags, IOMAP_F_NEW);
	assert_int_equal(tc_seq(&t), 1);
	/* P faults the page in over W's DELALLOC: no new reservation */
	RUN_TO(&t, "P", "folio_get");
	/* the cleanup's truncate cannot lock P's folio */
	assert_string_equal(tc_label(&t, "W"), "iomap_end");
	assert_null(tc_next(&t, "W"));
	tc_run(&t, "P");
	assert_int_equal(tc_seq(&t), 1);
	assert_int_equal(f0->flags, FOLIO_PRESENT | FOLIO_DIRTY | FOLIO_PTE_W);
	assert_string_equal(tc_cache(&t, 0), "0*3072 P*1024");

	d = STEP(&t, "W", "iomap_end");
	assert_non_null(strstr(d, "0 of 2048 bytes written"));
	assert_non_null(strstr(d, "page 0 removed"));
	assert_int_equal(f0->flags, 0); /* dirty, removed all the same */
	assert_int_equal(f0->uptodate, 0);
	assert_string_equal(tc_exts(&t), "DH"); /* not punched yet */
	assert_int_equal(tc_seq(&t), 1);
	assert_int_equal(tc_ino(&t)->inval_excl, 0); /* 6.1: no invalidate_lock */
	assert_string_equal(tc_next(&t, "W"), "punch_delalloc");
	STEP(&t, "W", "punch_delalloc");
	assert_string_equal(tc_exts(&t), "HH");
	assert_int_equal(tc_seq(&t), 2);
	STEP(&t, "W", "rwsem_unlock");
	assert_true(tc_finished(&t, "W"));
	/* P's store is lost: the patch 5 race */
	assert_string_equal(tc_expected(&t), "0*3072 P*1024 0*4096");
	assert_int_equal(tc_verdict(&t, NULL), SIM_CORRUPT);
	tc_close(&t);
}

/* truncate_punch over part of a folio zeroes the overlap; the folio stays (dirty). */
static void test_cleanup_truncate_partial_folio(void **state)
{
	struct tc t;
	struct folio *f0;
	const char *d;

	(void)state;
	tc_open(&t, "{'wbsim':1,'name':'t'," GEOM_1K ",'config':{'kernel':'6.1'},"
		    "'file':{'size':4096},'tasks':["
		    "{'name':'W','op':'write','offset':512,'length':1024,'data':'W',"
		    "'short_copy_at':512},"
		    "{'name':'P','op':'mmap_write','offset':1536,'length':512,'data':'P'}]}",
		SCENARIO_CHECK);
	f0 = tc_folio(&t, 0);
	STEP(&t, "W", "rwsem_lock");
	STEP(&t, "W", "iomap_begin");
	assert_string_equal(tc_exts(&t), "DDHH");
	tc_run(&t, "P");
	assert_string_equal(tc_exts(&t), "DDDD"); /* P reserved blocks 2 and 3 */
	assert_int_equal(tc_seq(&t), 2);
	assert_string_equal(tc_cache(&t, 0), "0*1536 P*512 0*2048");
	d = STEP(&t, "W", "iomap_end");
	assert_non_null(strstr(d, "[0,2048) of page 0 zeroed"));
	assert_string_equal(tc_cache(&t, 0), "0*4096");
	/* the partial folio stays, unmapped first (truncate_pagecache_range) */
	assert_int_equal(f0->flags, FOLIO_PRESENT | FOLIO_DIRTY);
	assert_int_equal(f0->uptodate, FULL);
	assert_int_equal(tc_seq(&t), 2);
	STEP(&t, "W", "punch_delalloc");
	assert_string_equal(tc_exts(&t), "HHDD");
	assert_int_equal(tc_seq(&t), 3);
	STEP(&t, "W", "rwsem_unlock");
	assert_string_equal(tc_expected(&t), "0*1536 P*512 0*2048");
	assert_int_equal(tc_verdict(&t, NULL), SIM_CORRUPT);
	tc_close(&t);

	/* a folio of the range under writeback: iomap_end waits for it */
	tc_open(&t, "{'wbsim':1,'name':'t'," GEOM_1K ",'config':{'kernel':'6.1'},"
		    "'file':{'size':4096},'tasks':["
		    "{'name':'W','op':'write','offset':512,'length':1024,'data':'W',"
		    "'short_copy_at':512},"
		    "{'name':'P','op':'mmap_write','offset':1536,'length':512,'data':'P'},"
		    "{'name':'WB','op':'writeback'}]}",
		SCENARIO_CHECK);
	f0 = tc_folio(&t, 0);
	STEP(&t, "W", "rwsem_lock");
	STEP(&t, "W", "iomap_begin");
	tc_run(&t, "P");
	RUN_TO(&t, "WB", "wb_lock");
	assert_null(tc_next(&t, "W")); /* locked by writeback */
	RUN_TO(&t, "WB", "start_writeback");
	assert_true(f0->flags & FOLIO_WRITEBACK);
	assert_string_equal(tc_label(&t, "W"), "iomap_end");
	assert_null(tc_next(&t, "W"));
	STEP(&t, "WB/io0", "io_write");
	assert_null(tc_next(&t, "W"));
	STEP(&t, "WB/io0", "io_complete");
	assert_string_equal(tc_exts(&t), "WWWW"); /* writeback converted W's DELALLOC */
	uint32_t seq = tc_seq(&t);
	STEP(&t, "W", "iomap_end");
	assert_int_equal(f0->flags, FOLIO_PRESENT); /* partial: zeroed, kept */
	d = STEP(&t, "W", "punch_delalloc");
	assert_non_null(strstr(d, "nothing punched"));
	assert_int_equal(tc_seq(&t), seq);
	tc_close(&t);
}

/* locked_truncate_punch: the invalidate_lock is held from iomap_end to punch_delalloc. */
static void test_cleanup_locked_truncate_punch(void **state)
{
	struct tc t;
	struct wb_writer *wr;
	unsigned iw;

	(void)state;
	tc_open(&t, "{'wbsim':1,'name':'t'," GEOM_1K ",'config':{'kernel':'6.1',"
		    "'write_fail_cleanup':'locked_truncate_punch'},'file':{'size':8192},'tasks':["
		    "{'name':'W','op':'write','offset':0,'length':4096,'data':'W',"
		    "'short_copy_at':0},"
		    "{'name':'RF','op':'read_fault','page':1},"
		    "{'name':'RF0','op':'read_fault','page':0}]}",
		SCENARIO_CHECK);
	wr = tc_wr(&t, "W");
	iw = tc_task(&t, "W");
	assert_int_equal(t.m.cfg.write_fail_cleanup, WB_CLEANUP_LOCKED_TRUNCATE_PUNCH);
	assert_int_equal(t.m.cfg.validity_check, WB_CHECK_OFF);
	STEP(&t, "W", "rwsem_lock");
	STEP(&t, "W", "iomap_begin");
	STEP(&t, "RF", "fault_begin");
	/* a fault holds the invalidate_lock shared: the cleanup waits */
	assert_string_equal(tc_label(&t, "W"), "iomap_end");
	assert_null(tc_next(&t, "W"));
	tc_run(&t, "RF");
	STEP(&t, "W", "iomap_end");
	assert_int_equal(tc_ino(&t)->inval_excl, iw + 1);
	assert_int_equal(wr->wflags & WR_INVAL, WR_INVAL);
	assert_string_equal(tc_exts(&t), "DDDDHHHH");
	assert_int_equal(tc_seq(&t), 1);
	/* the window of patch 2 is closed: no fault can come in before the punch */
	assert_null(tc_next(&t, "RF0"));
	assert_string_equal(tc_next(&t, "W"), "punch_delalloc");
	STEP(&t, "W", "punch_delalloc");
	assert_string_equal(tc_exts(&t), "HHHHHHHH");
	assert_int_equal(tc_seq(&t), 2);
	assert_int_equal(tc_ino(&t)->inval_excl, 0);
	assert_int_equal(wr->wflags & WR_INVAL, 0);
	assert_string_equal(tc_next(&t, "RF0"), "fault_begin");
	STEP(&t, "W", "rwsem_unlock");
	tc_run_all(&t);
	assert_int_equal(tc_verdict(&t, NULL), SIM_SAFE);
	tc_close(&t);
}

/* scan_punch (6.2): one step, DELALLOC kept under a dirty cached folio, the rest punched. */
static void test_cleanup_scan_punch(void **state)
{
	struct tc t;
	struct folio *f0;
	const char *d;

	(void)state;
	/* 4 KiB blocks: W's cleanup range [0,8192) holds P's page 0 and RF's page 1 */
	tc_open(&t, "{'wbsim':1,'name':'t','file':{'size':8192},'tasks':["
		    "{'name':'W','op':'write','offset':1024,'length':7168,'data':'W',"
		    "'short_copy_at':1024},"
		    "{'name':'P','op':'mmap_write','offset':0,'length':1024,'data':'P'},"
		    "{'name':'RF','op':'read_fault','page':1}]}",
		SCENARIO_CHECK);
	f0 = tc_folio(&t, 0);
	assert_int_equal(t.m.cfg.write_fail_cleanup, WB_CLEANUP_SCAN_PUNCH);
	STEP(&t, "W", "rwsem_lock");
	STEP(&t, "W", "iomap_begin");
	assert_string_equal(tc_exts(&t), "DD");
	assert_int_equal(tc_seq(&t), 1);
	tc_run(&t, "P");
	assert_int_equal(tc_seq(&t), 1);
	STEP(&t, "RF", "fault_begin");
	assert_string_equal(tc_label(&t, "W"), "iomap_end");
	assert_null(tc_next(&t, "W")); /* needs the invalidate_lock */
	tc_run(&t, "RF");
	/* RF's page 1 is cached and uptodate, but clean: its DELALLOC goes */
	assert_int_equal(tc_folio(&t, 1)->flags, FOLIO_PRESENT);
	d = STEP(&t, "W", "iomap_end");
	assert_non_null(strstr(d, "release unused reservation [0,8192)"));
	assert_string_equal(tc_exts(&t), "DH");
	assert_int_equal(tc_seq(&t), 2);
	assert_int_equal(tc_ino(&t)->inval_excl, 0);
	assert_int_equal(f0->flags, FOLIO_PRESENT | FOLIO_DIRTY | FOLIO_PTE_W);
	assert_string_equal(tc_cache(&t, 0), "P*1024 0*3072");
	assert_int_equal(tc_folio(&t, 1)->flags, FOLIO_PRESENT); /* no truncation */
	assert_string_equal(tc_next(&t, "W"), "rwsem_unlock");
	STEP(&t, "W", "rwsem_unlock");
	assert_int_equal(tc_verdict(&t, NULL), SIM_SAFE);
	tc_close(&t);

	/* all of the range under a dirty folio: nothing punched, no seq bump */
	tc_open(&t, "{'wbsim':1,'name':'t','file':{'size':4096},'tasks':["
		    "{'name':'W','op':'write','offset':1024,'length':3072,'data':'W',"
		    "'short_copy_at':1024},"
		    "{'name':'P','op':'mmap_write','offset':0,'length':1024,'data':'P'}]}",
		SCENARIO_CHECK);
	STEP(&t, "W", "rwsem_lock");
	STEP(&t, "W", "iomap_begin");
	tc_run(&t, "P");
	d = STEP(&t, "W", "iomap_end");
	assert_non_null(strstr(d, "nothing punched"));
	assert_string_equal(tc_exts(&t), "D");
	assert_int_equal(tc_seq(&t), 1);
	tc_run(&t, "W");
	assert_string_equal(t.trace, "rwsem_unlock");
	assert_int_equal(tc_verdict(&t, NULL), SIM_SAFE);
	tc_close(&t);
}

/* ------------------------------------------------------------------ drop_writes */

static void test_drop_writes(void **state)
{
	struct tc t;
	struct wb_report rep;
	struct folio *f0;
	const uint8_t *drop;
	const char *d;
	char out[256];

	(void)state;
	tc_open(&t, "{'wbsim':1,'name':'t'," GEOM_1K ",'config':{'kernel':'6.1',"
		    "'drop_writes':true},'file':{'size':4096},'tasks':["
		    "{'name':'W','op':'write','offset':0,'length':2048,'data':'A'}]}",
		SCENARIO_CHECK);
	f0 = tc_folio(&t, 0);
	drop = wb_drop(&t.m, t.w);
	assert_int_equal(t.m.gran, 1024);
	RUN_TO(&t, "W", "write_end");
	assert_string_equal(t.trace, "rwsem_lock iomap_begin folio_get write_begin copy write_end");
	assert_string_equal(tc_cache(&t, 0), "A*2048 0*2048");
	assert_int_equal(drop[0], 0);
	d = STEP(&t, "W", "iomap_end");
	assert_non_null(strstr(d, "drop_writes: [0,2048) dropped"));
	assert_int_equal(drop[0], 0x03); /* granules 0 and 1 */
	/* the cleanup as if nothing was written: truncate (the overlap zeroed), then punch */
	assert_string_equal(tc_cache(&t, 0), "0*4096");
	assert_true(f0->flags & FOLIO_PRESENT);
	assert_string_equal(tc_exts(&t), "DDHH");
	assert_int_equal(tc_seq(&t), 1);
	STEP(&t, "W", "punch_delalloc");
	assert_string_equal(tc_exts(&t), "HHHH");
	assert_int_equal(tc_seq(&t), 2);
	STEP(&t, "W", "rwsem_unlock");
	assert_int_equal(drop[0], 0x03);
	/* the write's bytes are expected lost, not corruption */
	assert_string_equal(tc_expected(&t), "A*2048 0*2048");
	assert_int_equal(tc_verdict(&t, &rep), SIM_SAFE);
	assert_true(wb_oracle_outcome(&t.m, t.w, out, sizeof(out)));
	assert_string_equal(out, "0*4096");
	tc_close(&t);
}

/* ------------------------------------------------------------------ punch, fallocate, truncate */

static void test_punch(void **state)
{
	struct tc t;
	struct folio *f0, *f1;
	unsigned iw, ip;

	(void)state;
	tc_open(&t, "{'wbsim':1,'name':'t'," GEOM_1K ",'file':{'size':12288,'extents':["
		    "{'offset':0,'length':12288,'state':'written','data':'X'}]},'tasks':["
		    "{'name':'RF','op':'read_fault','page':0},"
		    "{'name':'W','op':'write','offset':4096,'length':1024,'data':'A',"
		    "'after':['RF']},"
		    "{'name':'WB','op':'writeback','after':['W']},"
		    "{'name':'PU','op':'punch','offset':2048,'length':6144,'after':['W']},"
		    "{'name':'PU2','op':'punch','offset':2048,'length':2048,'after':['PU']}]}",
		SCENARIO_CHECK);
	f0 = tc_folio(&t, 0);
	f1 = tc_folio(&t, 1);
	iw = tc_task(&t, "W");
	ip = tc_task(&t, "PU");
	tc_run(&t, "RF");
	tc_run(&t, "W");
	/* block 4 wholly overwritten; blocks 5-7 not read (not uptodate) */
	assert_string_equal(tc_cache(&t, 1), "A*1024 0*3072");
	assert_int_equal(f1->uptodate, 0x1);
	STEP(&t, "WB", "wb_lock");
	STEP(&t, "PU", "rwsem_lock");
	assert_int_equal(tc_ino(&t)->rwsem_owner, ip + 1);
	/* the punch joins the content order when the range's page cache goes */
	assert_int_equal(tc_ino(&t)->norder, 1);
	assert_int_equal(tc_ino(&t)->order[0], iw);
	STEP(&t, "PU", "invalidate_lock");
	assert_int_equal(tc_ino(&t)->inval_excl, ip + 1);
	/* page 1 locked by writeback, then under writeback: flush_unmap_range waits */
	assert_string_equal(tc_label(&t, "PU"), "flush_unmap_range");
	assert_null(tc_next(&t, "PU"));
	RUN_TO(&t, "WB", "start_writeback");
	assert_true(f1->flags & FOLIO_WRITEBACK);
	assert_null(tc_next(&t, "PU"));
	STEP(&t, "WB/io0", "io_write");
	assert_null(tc_next(&t, "PU"));
	STEP(&t, "WB/io0", "io_complete");
	uint32_t seq = tc_seq(&t);
	/*
	 * xfs_flush_unmap_range() rounds [2048,8192) out to whole pages: the clean
	 * page 0 goes whole too, with the bytes outside the punch (on disk).
	 */
	const char *d = STEP(&t, "PU", "flush_unmap_range");
	assert_non_null(strstr(d, "[2048,8192) rounded out to [0,8192): page 0 removed; "
				  "page 1 removed;"));
	assert_int_equal(tc_ino(&t)->norder, 2);
	assert_int_equal(tc_ino(&t)->order[1], ip);
	assert_int_equal(f0->flags, 0);
	assert_int_equal(f1->flags, 0);
	assert_string_equal(tc_exts(&t), "WWWWWWWWWWWW"); /* not yet */
	assert_int_equal(tc_seq(&t), seq);
	STEP(&t, "PU", "punch_range");
	assert_string_equal(tc_exts(&t), "WWHHHHHHWWWW");
	assert_int_equal(tc_seq(&t), seq + 1);
	assert_int_equal(tc_ino(&t)->i_size, 12288);
	STEP(&t, "PU", "rwsem_unlock");
	assert_int_equal(tc_ino(&t)->rwsem_owner, 0);
	assert_int_equal(tc_ino(&t)->inval_excl, 0);
	assert_true(tc_finished(&t, "PU"));
	/* a punch of holes changes nothing: no seq bump */
	tc_run(&t, "PU2");
	assert_string_equal(t.trace, "rwsem_lock invalidate_lock flush_unmap_range punch_range "
				     "rwsem_unlock");
	assert_int_equal(tc_seq(&t), seq + 1);
	assert_int_equal(tc_ino(&t)->norder, 3);
	tc_run_all(&t);
	/* W's A at 4096 is punched after it was written: expected zero */
	assert_string_equal(tc_expected(&t), "X*2048 0*6144 X*4096");
	assert_int_equal(tc_verdict(&t, NULL), SIM_SAFE);
	tc_close(&t);
}

static void test_fallocate(void **state)
{
	struct tc t;
	unsigned ia;

	(void)state;
	tc_open(&t, "{'wbsim':1,'name':'t'," GEOM_1K ",'file':{'size':4096,'extents':["
		    "{'offset':0,'length':1024,'state':'written','data':'X'},"
		    "{'offset':1024,'length':1024,'state':'delalloc'},"
		    "{'offset':3072,'length':1024,'state':'unwritten'},"
		    "{'offset':4096,'length':2048,'state':'unwritten'}]},'tasks':["
		    "{'name':'FA','op':'fallocate','offset':0,'length':8192},"
		    "{'name':'FA2','op':'fallocate','offset':0,'length':4096,'after':['FA']},"
		    "{'name':'W','op':'write','offset':0,'length':1024,'data':'A'}]}",
		SCENARIO_CHECK);
	ia = tc_task(&t, "FA");
	assert_string_equal(tc_exts(&t), "WDHUUUHH");
	STEP(&t, "FA", "rwsem_lock");
	assert_int_equal(tc_ino(&t)->rwsem_owner, ia + 1);
	assert_int_equal(tc_ino(&t)->norder, 0); /* fallocate is no content operation */
	assert_null(tc_next(&t, "W"));
	STEP(&t, "FA", "invalidate_lock");
	assert_int_equal(tc_ino(&t)->inval_excl, ia + 1);
	assert_string_equal(tc_next(&t, "FA"), "alloc_range"); /* no flush */
	STEP(&t, "FA", "alloc_range");
	assert_string_equal(tc_exts(&t), "WUUUUUUU");
	assert_int_equal(tc_seq(&t), 1);
	/* past EOF: xfs_setattr_size zeroes [4096,8192), all UNWRITTEN now: skipped */
	assert_int_equal(tc_ino(&t)->i_size, 4096);
	const char *d = STEP(&t, "FA", "iomap_begin");
	assert_non_null(strstr(d, "UNWRITTEN [1024,8192): nothing to zero in [4096,8192)"));
	STEP(&t, "FA", "iomap_end");
	assert_int_equal(tc_ino(&t)->i_size, 4096);
	STEP(&t, "FA", "setsize");
	assert_int_equal(tc_ino(&t)->i_size, 8192);
	STEP(&t, "FA", "rwsem_unlock");
	assert_int_equal(tc_ino(&t)->rwsem_owner, 0);
	assert_int_equal(tc_ino(&t)->inval_excl, 0);
	assert_true(tc_finished(&t, "FA"));
	/* nothing to allocate, nothing to extend: no seq bump, i_size kept */
	tc_run(&t, "FA2");
	assert_string_equal(t.trace, "rwsem_lock invalidate_lock alloc_range rwsem_unlock");
	assert_int_equal(tc_seq(&t), 1);
	assert_int_equal(tc_ino(&t)->i_size, 8192);
	assert_int_equal(tc_ino(&t)->norder, 0);
	tc_run_all(&t);
	assert_string_equal(tc_expected(&t), "A*1024 0*7168");
	assert_int_equal(tc_verdict(&t, NULL), SIM_SAFE);
	tc_close(&t);
}

static void test_truncate(void **state)
{
	struct tc t;
	struct folio *f1, *f2;
	unsigned it;

	(void)state;
	tc_open(&t, "{'wbsim':1,'name':'t'," GEOM_1K ",'file':{'size':12288,'extents':["
		    "{'offset':0,'length':12288,'state':'written','data':'X'}]},'tasks':["
		    "{'name':'RF1','op':'read_fault','page':1},"
		    "{'name':'RF2','op':'read_fault','page':2},"
		    "{'name':'TR','op':'truncate','size':5120,'after':['RF1']},"
		    "{'name':'TR2','op':'truncate','size':8192,'after':['TR']}]}",
		SCENARIO_CHECK);
	f1 = tc_folio(&t, 1);
	f2 = tc_folio(&t, 2);
	it = tc_task(&t, "TR");
	tc_run(&t, "RF1");
	RUN_TO(&t, "RF2", "folio_get");
	STEP(&t, "TR", "rwsem_lock");
	assert_int_equal(tc_ino(&t)->norder, 0); /* joins the order at flush_range */
	/* RF2 holds the invalidate_lock shared */
	assert_null(tc_next(&t, "TR"));
	STEP(&t, "RF2", "read_folio");
	STEP(&t, "RF2", "fault_end");
	STEP(&t, "TR", "invalidate_lock");
	const char *d = STEP(&t, "TR", "flush_range");
	assert_int_equal(tc_ino(&t)->norder, 1);
	assert_int_equal(tc_ino(&t)->order[0], it);
	assert_non_null(strstr(d, "[5120,8192) of page 1 zeroed"));
	assert_non_null(strstr(d, "page 2 removed"));
	assert_string_equal(tc_cache(&t, 1), "X*1024 0*3072");
	assert_int_equal(f1->flags, FOLIO_PRESENT);
	assert_int_equal(f2->flags, 0);
	/* truncate_setsize(): i_size first, then the page cache; page 1 was clean */
	assert_non_null(strstr(d, "i_size 12288->5120; page cache of [5120,12288)"));
	assert_null(strstr(d, "written back"));
	assert_int_equal(tc_ino(&t)->i_size, 5120);
	d = STEP(&t, "TR", "setsize");
	assert_non_null(strstr(d, "blocks from 5 -> HOLE"));
	assert_int_equal(tc_ino(&t)->i_size, 5120);
	assert_string_equal(tc_exts(&t), "WWWWWHHHHHHH");
	assert_int_equal(tc_seq(&t), 1);
	STEP(&t, "TR", "rwsem_unlock");
	assert_true(tc_finished(&t, "TR"));
	assert_string_equal(tc_expected(&t), "X*5120");

	/* up: i_size set, no block changes, no seq bump; the new bytes read as zero */
	tc_run(&t, "TR2");
	/* the EOF zeroing of [5120,8192): one HOLE mapping, skipped */
	assert_string_equal(t.trace, "rwsem_lock invalidate_lock iomap_begin iomap_end flush_range "
				     "setsize rwsem_unlock");
	assert_int_equal(tc_ino(&t)->i_size, 8192);
	assert_int_equal(tc_seq(&t), 1);
	assert_int_equal(tc_ino(&t)->norder, 2);
	assert_string_equal(tc_expected(&t), "X*5120 0*3072");
	assert_int_equal(tc_verdict(&t, NULL), SIM_SAFE);
	tc_close(&t);
}

/* The oracle applies truncates and writes in their i_rwsem order. */
static void test_truncate_order_in_oracle(void **state)
{
	struct tc t;

	(void)state;
	tc_open(&t, "{'wbsim':1,'name':'t'," GEOM_1K ",'file':{'size':8192,'extents':["
		    "{'offset':0,'length':8192,'state':'written','data':'X'}]},'tasks':["
		    "{'name':'W','op':'write','offset':4096,'length':2048,'data':'A'},"
		    "{'name':'TR','op':'truncate','size':2048},"
		    "{'name':'TR2','op':'truncate','size':8192,'after':['TR','W']}]}",
		SCENARIO_CHECK);
	tc_run(&t, "TR");
	tc_run(&t, "W"); /* past the truncated EOF: the EOF zeroing first */
	tc_run(&t, "TR2");
	assert_int_equal(tc_ino(&t)->order[0], tc_task(&t, "TR"));
	assert_int_equal(tc_ino(&t)->order[1], tc_task(&t, "W"));
	assert_string_equal(tc_expected(&t), "X*2048 0*2048 A*2048 0*2048");
	tc_run_all(&t);
	assert_int_equal(tc_verdict(&t, NULL), SIM_SAFE);
	tc_close(&t);

	/* the other order: the truncate clears what the write put past its size */
	tc_open(&t, "{'wbsim':1,'name':'t'," GEOM_1K ",'file':{'size':8192,'extents':["
		    "{'offset':0,'length':8192,'state':'written','data':'X'}]},'tasks':["
		    "{'name':'W','op':'write','offset':4096,'length':2048,'data':'A'},"
		    "{'name':'TR','op':'truncate','size':2048,'after':['W']},"
		    "{'name':'TR2','op':'truncate','size':8192,'after':['TR']}]}",
		SCENARIO_CHECK);
	tc_run_all(&t);
	assert_string_equal(tc_expected(&t), "X*2048 0*6144");
	assert_int_equal(tc_verdict(&t, NULL), SIM_SAFE);
	tc_close(&t);
}

/* ------------------------------------------------------------------ fdatawait */

static void test_writeback_fdatawait(void **state)
{
	struct tc t;
	const char *d;

	(void)state;
	tc_open(&t, "{'wbsim':1,'name':'t'," GEOM_1K ",'file':{'size':4096},'tasks':["
		    "{'name':'W','op':'write','offset':0,'length':4096,'data':'A'},"
		    "{'name':'FS','op':'writeback','mode':'sync','wait':true,'after':['W']},"
		    "{'name':'BG','op':'writeback','after':['FS']}]}",
		SCENARIO_CHECK);
	tc_run(&t, "W");
	RUN_TO(&t, "FS", "pass_end");
	assert_string_equal(t.trace, "tag_towrite wb_lock clear_dirty map_blocks map_blocks "
				     "map_blocks map_blocks start_writeback pass_end");
	assert_false(tc_finished(&t, "FS"));
	assert_int_equal(tc_task(&t, "FS"), 1);
	assert_int_equal(wb_task(&t.m, t.w, 1)->b.pc, BP_FDATAWAIT);
	assert_string_equal(tc_label(&t, "FS"), "fdatawait");
	assert_null(tc_next(&t, "FS"));
	assert_non_null(strstr(tc_why(&t, "FS"), "fdatawait"));
	STEP(&t, "FS/io0", "io_write");
	assert_null(tc_next(&t, "FS"));
	STEP(&t, "FS/io0", "io_complete");
	d = STEP(&t, "FS", "fdatawait");
	assert_non_null(strstr(d, "finished"));
	assert_true(tc_finished(&t, "FS"));
	assert_null(tc_next(&t, "FS"));
	/* without wait the last pass_end finishes the task */
	STEP(&t, "BG", "pass_end");
	assert_true(tc_finished(&t, "BG"));
	assert_int_equal(tc_verdict(&t, NULL), SIM_SAFE);
	tc_close(&t);
}

/* ------------------------------------------------------------------ EOF zeroing */

/*
 * xfs_file_write_checks() zeroing [i_size, offset) through iomap_zero_range(): one
 * iteration per mapping (issue 15 item 1), HOLE and UNWRITTEN skipped, the others through
 * folio_get, write_begin, zero and write_end, each raising i_size.
 */
static void test_write_zeroing(void **state)
{
	struct tc t;
	struct folio *f0, *f1;
	struct wb_writer *wr;
	const char *d;

	(void)state;
	tc_open(&t, "{'wbsim':1,'name':'t'," GEOM_1K ",'file':{'size':1536,'extents':["
		    "{'offset':0,'length':2048,'state':'written','data':'X'},"
		    "{'offset':2048,'length':1024,'state':'unwritten'},"
		    "{'offset':4096,'length':1024,'state':'delalloc'}]},'tasks':["
		    "{'name':'W','op':'write','offset':6144,'length':1024,'data':'A'}]}",
		SCENARIO_CHECK);
	f0 = tc_folio(&t, 0);
	f1 = tc_folio(&t, 1);
	wr = tc_wr(&t, "W");
	assert_string_equal(tc_exts(&t), "WWUHDHHH");
	d = STEP(&t, "W", "rwsem_lock");
	assert_non_null(strstr(d, "zero [1536,6144) first"));
	assert_int_equal(wr->pos, 1536);
	/* block 1 WRITTEN: the iteration [1536,2048), read first, then zeroed */
	d = STEP(&t, "W", "iomap_begin");
	assert_non_null(strstr(d, "zeroing pos=1536 -> WRITTEN [0,2048)"));
	assert_int_equal(wr->iter_end, 2048);
	RUN_TO(&t, "W", "write_begin");
	assert_string_equal(t.trace, "folio_get iomap_valid write_begin");
	assert_string_equal(tc_next(&t, "W"), "zero");
	d = STEP(&t, "W", "zero");
	assert_non_null(strstr(d, "zero [1536,2048) of page 0"));
	STEP(&t, "W", "write_end");
	assert_int_equal(f0->flags, FOLIO_PRESENT | FOLIO_DIRTY);
	assert_int_equal(f0->uptodate, 0x2);
	assert_string_equal(tc_cache(&t, 0), "0*1024 X*512 0*2560");
	assert_int_equal(tc_ino(&t)->i_size, 2048);
	d = STEP(&t, "W", "iomap_end");
	assert_non_null(strstr(d, "zeroing goes on at 2048"));
	/* block 2 UNWRITTEN and block 3 HOLE: skipped, no folio */
	d = STEP(&t, "W", "iomap_begin");
	assert_non_null(strstr(d, "UNWRITTEN [2048,3072): nothing to zero"));
	STEP(&t, "W", "iomap_end");
	d = STEP(&t, "W", "iomap_begin");
	assert_non_null(strstr(d, "HOLE [3072,4096): nothing to zero"));
	STEP(&t, "W", "iomap_end");
	assert_int_equal(tc_ino(&t)->i_size, 2048);
	/* block 4 DELALLOC: covered by the chunk, zeroed */
	d = STEP(&t, "W", "iomap_begin");
	assert_non_null(strstr(d, "DELALLOC [4096,5120)"));
	RUN_TO(&t, "W", "iomap_end");
	assert_int_equal(f1->flags, FOLIO_PRESENT | FOLIO_DIRTY);
	assert_int_equal(f1->uptodate, 0x1);
	assert_string_equal(tc_cache(&t, 1), "0*4096");
	assert_int_equal(tc_ino(&t)->i_size, 5120);
	/* block 5 a HOLE up to the write: the zeroing ends, the write starts */
	STEP(&t, "W", "iomap_begin");
	d = STEP(&t, "W", "iomap_end");
	assert_non_null(strstr(d, "zeroing done, the write starts at 6144"));
	assert_int_equal(wr->pos, 6144);
	assert_string_equal(tc_exts(&t), "WWUHDHHH");
	assert_int_equal(tc_seq(&t), 0);
	tc_run(&t, "W");
	assert_int_equal(tc_ino(&t)->i_size, 7168);
	assert_string_equal(tc_expected(&t), "X*1536 0*4608 A*1024");
	assert_int_equal(tc_verdict(&t, NULL), SIM_SAFE);
	tc_close(&t);

	/* a write at i_size has no gap */
	tc_open(&t, "{'wbsim':1,'name':'t'," GEOM_1K ",'file':{'size':1024},'tasks':["
		    "{'name':'W','op':'write','offset':1024,'length':1024,'data':'A'}]}",
		SCENARIO_CHECK);
	STEP(&t, "W", "rwsem_lock");
	assert_int_equal(tc_wr(&t, "W")->pos, 1024);
	assert_string_equal(tc_next(&t, "W"), "iomap_begin");
	tc_close(&t);
}

/*
 * The zeroing's stale-mapping race (scenarios/eof-zero-stale.json): W2's zeroing maps
 * W1's EOF block as DELALLOC; writeback, IO completion and reclaim run before its
 * folio_get.  6.1 zeroes W1's bytes from the stale mapping; 6.2's iomap_valid after the
 * folio lock marks the mapping STALE, iomap_zero_iter() breaks out and the remap reads.
 */
static void test_write_zeroing_stale(void **state)
{
	static const char *const text =
		"{'wbsim':1,'name':'t','file':{'size':0},'tasks':["
		"{'name':'W1','op':'write','offset':0,'length':2048,'data':'A'},"
		"{'name':'W2','op':'write','offset':8192,'length':4096,'data':'B','after':['W1']},"
		"{'name':'WB','op':'writeback'},"
		"{'name':'RC','op':'reclaim','evictions':1,'pages':[0]}]}";
	static const char *const window[] = {
		"W1", "W2:rwsem_lock", "W2:iomap_begin", "WB:wb_lock", "WB:clear_dirty",
		"WB:map_blocks", "WB:start_writeback", "WB/io0:io_write", "WB/io0:io_complete",
	};
	struct wb_report rep;
	struct tc t;
	const char *d;

	(void)state;
	for (int k = 0; k < 2; k++) {
		tc_open(&t, text, k ? WB_CHECK_AFTER_LOCK : WB_CHECK_OFF);
		SCHED(&t, window);
		EVICT(&t, "RC", 0);
		assert_int_equal(tc_wr(&t, "W2")->type, IOMAP_DELALLOC);
		assert_int_equal(tc_wr(&t, "W2")->cookie, 1);
		assert_int_equal(tc_seq(&t), 3);
		assert_string_equal(tc_exts(&t), "WHH");
		assert_int_equal(tc_folio(&t, 0)->flags, 0);
		d = STEP(&t, "W2", "folio_get");
		assert_non_null(strstr(d, "page 0 absent -> new folio"));
		if (!k) {
			/* 6.1: zero [0,2048) around the chunk from the stale DELALLOC mapping */
			d = STEP(&t, "W2", "write_begin");
			assert_non_null(strstr(d, "zero [0,2048)"));
			tc_run_all(&t);
			assert_int_equal(tc_verdict(&t, &rep), SIM_CORRUPT);
			assert_false(rep.exposed);
			assert_int_equal(rep.offset, 0);
			assert_string_equal(rep.found, "0*2048");
		} else {
			d = STEP(&t, "W2", "iomap_valid");
			assert_non_null(strstr(d, "STALE"));
			d = STEP(&t, "W2", "iomap_end");
			assert_non_null(strstr(d, "STALE: remap at 2048"));
			d = STEP(&t, "W2", "iomap_begin");
			assert_non_null(strstr(d, "zeroing pos=2048 -> WRITTEN [0,4096)"));
			RUN_TO(&t, "W2", "iomap_valid");
			d = STEP(&t, "W2", "write_begin");
			assert_non_null(strstr(d, "read [0,4096) from disk"));
			tc_run_all(&t);
			assert_int_equal(tc_verdict(&t, NULL), SIM_SAFE);
		}
		tc_close(&t);
	}
}

/* ------------------------------------------------------------------ iomap_write_failed */

static void test_iomap_write_failed(void **state)
{
	static const unsigned sizes[] = { 4096, 8192 };

	(void)state;
	for (unsigned i = 0; i < 2; i++) {
		struct tc t;
		char json[1024];
		struct folio *f1;
		struct wb_writer *wr;

		snprintf(json, sizeof(json),
			 "{'wbsim':1,'name':'t'," GEOM_1K ",'file':{'size':%u},'tasks':["
			 "{'name':'W','op':'write','offset':4096,'length':4096,'data':'A'},"
			 "{'name':'P','op':'mmap_write','offset':0,'length':1024,'data':'P'}]}",
			 sizes[i]);
		tc_open(&t, json, SCENARIO_CHECK);
		f1 = tc_folio(&t, 1);
		wr = tc_wr(&t, "W");
		assert_int_equal(t.m.cfg.validity_check, WB_CHECK_AFTER_LOCK);
		STEP(&t, "W", "rwsem_lock");
		STEP(&t, "W", "iomap_begin");
		assert_int_equal(wr->cookie, 1);
		STEP(&t, "W", "folio_get");
		assert_int_equal(f1->flags, FOLIO_PRESENT | FOLIO_REF);
		/* P's mkwrite reserves DELALLOC over page 0: seq moves on */
		tc_run(&t, "P");
		assert_int_equal(tc_seq(&t), 2);
		const char *d = STEP(&t, "W", "iomap_valid");
		assert_int_equal(wr->flags & IOMAP_F_STALE, IOMAP_F_STALE);
		assert_int_equal(wr->pc, WP_IOMAP_END);
		if (sizes[i] == 4096) {
			/* the chunk [4096,8192) extends the file: its page cache goes */
			assert_non_null(strstr(d, "iomap_write_failed: truncate [4096,8192)"));
			assert_non_null(strstr(d, "page 1 removed"));
			assert_int_equal(f1->flags, 0);
		} else {
			/* inside i_size: the folio stays cached, unlocked and released */
			assert_null(strstr(d, "iomap_write_failed"));
			assert_int_equal(f1->flags, FOLIO_PRESENT);
			assert_int_equal(f1->locked, 0);
		}
		tc_run_all(&t);
		assert_string_equal(tc_expected(&t), "P*1024 0*3072 A*4096");
		assert_int_equal(tc_verdict(&t, NULL), SIM_SAFE);
		tc_close(&t);
	}
}

/* ------------------------------------------------------------------ stable pages */

static void test_stable_pages(void **state)
{
	static const char *const cfgs[] = { "'config':{'stable_pages':true},",
					    "'config':{'stable_pages':false}," };

	(void)state;
	for (unsigned i = 0; i < 2; i++) {
		struct tc t;
		char json[1024];

		snprintf(json, sizeof(json),
			 "{'wbsim':1,'name':'t'," GEOM_1K ",%s'file':{'size':4096},'tasks':["
			 "{'name':'W1','op':'write','offset':0,'length':1024,'data':'A'},"
			 "{'name':'WB','op':'writeback','after':['W1']},"
			 "{'name':'W2','op':'write','offset':1024,'length':1024,'data':'B',"
			 "'after':['W1']}]}",
			 cfgs[i]);
		tc_open(&t, json, SCENARIO_CHECK);
		assert_int_equal(t.m.cfg.stable_pages, i == 0);
		tc_run(&t, "W1");
		tc_run(&t, "WB");
		assert_true(tc_folio(&t, 0)->flags & FOLIO_WRITEBACK);
		RUN_TO(&t, "W2", "folio_get");
		assert_string_equal(tc_label(&t, "W2"), "folio_lock");
		if (i == 0) {
			assert_null(tc_next(&t, "W2"));
			assert_non_null(strstr(tc_why(&t, "W2"), "stable pages"));
			STEP(&t, "WB/io0", "io_write");
			assert_null(tc_next(&t, "W2"));
			STEP(&t, "WB/io0", "io_complete");
		}
		STEP(&t, "W2", "folio_lock");
		tc_run_all(&t);
		assert_int_equal(tc_verdict(&t, NULL), SIM_SAFE);
		tc_close(&t);
	}
}

/* ------------------------------------------------------------------ config */

static void test_config_precedence(void **state)
{
	struct wb_config cfg, bad;
	char err[512], want[512];

	(void)state;
	/* the preset first, whatever the order: the explicit key wins */
	wb_config_defaults(&cfg);
	assert_int_equal(wb_config_apply_list(&cfg, "drop_writes=true,kernel=6.1", err,
					      sizeof(err)), 0);
	assert_true(cfg.drop_writes);
	assert_ptr_equal(cfg.kernel, wb_kernel_find("6.1"));
	assert_int_equal(cfg.validity_check, WB_CHECK_OFF);
	assert_int_equal(cfg.write_fail_cleanup, WB_CLEANUP_TRUNCATE_PUNCH);
	assert_true(cfg.mkwrite_iomap_end);

	wb_config_defaults(&cfg);
	assert_int_equal(wb_config_apply_list(&cfg, "write_fail_cleanup=locked_truncate_punch,"
						    "kernel=6.1", err, sizeof(err)), 0);
	assert_int_equal(cfg.write_fail_cleanup, WB_CLEANUP_LOCKED_TRUNCATE_PUNCH);

	/* drop_writes with the 6.2 preset: refused with wb_config_check's message */
	memset(&bad, 0, sizeof(bad));
	wb_config_preset(&bad, wb_kernel_find("6.2"));
	bad.drop_writes = true;
	assert_int_equal(wb_config_check(&bad, want, sizeof(want)), -1);
	assert_non_null(strstr(want, "drop_writes"));
	wb_config_defaults(&cfg);
	err[0] = 0;
	assert_int_equal(wb_config_apply_list(&cfg, "kernel=6.2,drop_writes=true", err,
					      sizeof(err)), -1);
	assert_string_equal(err, want);
	wb_config_defaults(&cfg);
	err[0] = 0;
	assert_int_equal(wb_config_apply_list(&cfg, "drop_writes=true,kernel=6.2", err,
					      sizeof(err)), -1);
	assert_string_equal(err, want);
}

/* Every switch is set by a preset, whatever it was before. */
static void test_config_presets(void **state)
{
	struct wb_config cfg, def;
	char err[256];

	(void)state;
	for (int k = 0; k < 2; k++) {
		memset(&cfg, 0, sizeof(cfg));
		cfg.validity_check = WB_CHECK_BEFORE_LOCK;
		cfg.writeback_revalidate = false;
		cfg.write_fail_cleanup = WB_CLEANUP_LOCKED_TRUNCATE_PUNCH;
		cfg.mkwrite_iomap_end = k == 1;
		cfg.drop_writes = true;
		cfg.stable_pages = true;
		assert_int_equal(wb_config_set(&cfg, k ? "kernel=6.2" : "kernel=6.1", err,
					       sizeof(err)), 0);
		assert_ptr_equal(cfg.kernel, wb_kernel_find(k ? "6.2" : "6.1"));
		assert_int_equal(cfg.validity_check, k ? WB_CHECK_AFTER_LOCK : WB_CHECK_OFF);
		assert_true(cfg.writeback_revalidate);
		assert_int_equal(cfg.write_fail_cleanup,
				 k ? WB_CLEANUP_SCAN_PUNCH : WB_CLEANUP_TRUNCATE_PUNCH);
		assert_int_equal(cfg.mkwrite_iomap_end, k == 0);
		assert_false(cfg.drop_writes);
		assert_false(cfg.stable_pages);
	}
	/* unset keys take the 6.2 values */
	wb_config_defaults(&def);
	memset(&cfg, 0, sizeof(cfg));
	wb_config_preset(&cfg, wb_kernel_find("6.2"));
	cfg.kernel = NULL;
	assert_memory_equal(&def, &cfg, sizeof(cfg));

	/* a scenario's config: an explicit key beats its own preset; 6.2 refuses drop_writes */
	struct wb_scenario *sc;
	const char *ok = "{\"wbsim\":1,\"name\":\"t\",\"config\":{\"drop_writes\":true,"
			 "\"kernel\":\"6.1\"},\"file\":{\"size\":4096},\"tasks\":[{\"name\":\"R\","
			 "\"op\":\"read_fault\",\"page\":0}]}";
	sc = wb_scenario_load_buffer("t.json", ok, strlen(ok), stderr);
	assert_non_null(sc);
	assert_true(sc->config.drop_writes);
	assert_int_equal(sc->config.write_fail_cleanup, WB_CLEANUP_TRUNCATE_PUNCH);
	wb_scenario_free(sc);

	const char *no = "{\"wbsim\":1,\"name\":\"t\",\"config\":{\"kernel\":\"6.2\","
			 "\"drop_writes\":true},\"file\":{\"size\":4096},\"tasks\":[{\"name\":\"R\","
			 "\"op\":\"read_fault\",\"page\":0}]}";
	FILE *diag = tmpfile();
	assert_non_null(diag);
	sc = wb_scenario_load_buffer("t.json", no, strlen(no), diag);
	assert_null(sc);
	char text[2048];
	size_t n;
	rewind(diag);
	n = fread(text, 1, sizeof(text) - 1, diag);
	text[n] = 0;
	fclose(diag);
	assert_non_null(strstr(text, "/config/drop_writes"));
	assert_non_null(strstr(text, "not available with kernel 6.2"));
}

/* The world holds every page a task can reach, not only the file's and the writes'. */
/* ---- issue 15, items 4 and 6: ioend types, CONVERT over a stale mapping, fallocate ---- */

/* written-stale: W1 rewrites two WRITTEN pages, a punch and a fallocate remake block 1. */
#define WRITTEN_STALE(cfg)                                                                        \
	"{'wbsim':1,'name':'t'," cfg "'file':{'size':8192,'extents':["                          \
	"{'offset':0,'length':8192,'state':'written','data':'O'}]},'tasks':["                     \
	"{'name':'W1','op':'write','offset':0,'length':8192,'data':'A'},"                          \
	"{'name':'WB','op':'writeback','after':['W1']},"                                           \
	"{'name':'PH','op':'punch','offset':4096,'length':4096,'after':['W1']},"                   \
	"{'name':'FA','op':'fallocate','offset':4096,'length':4096,'after':['PH']},"               \
	"{'name':'W2','op':'write','offset':4096,'length':4096,'data':'B','after':['FA']}]}"

/* Writeback maps page 0 (caching WRITTEN [0,8192)), then PH, FA and W2 run; page 1 next. */
static void ioend_stale_prefix(struct tc *t)
{
	tc_run(t, "W1");
	STEP(t, "WB", "wb_lock");
	STEP(t, "WB", "clear_dirty");
	assert_non_null(strstr(STEP(t, "WB", "map_blocks"), "lookup WRITTEN [0,8192)"));
	STEP(t, "WB", "start_writeback");
	assert_int_equal(wb_io(&t->m, t->w, 0)->unwritten, 0);
	STEP(t, "WB/io0", "io_write");
	assert_string_equal(STEP(t, "WB/io0", "io_complete"), "no conversion; page 0 writeback ends");
	tc_run(t, "PH");
	assert_string_equal(tc_exts(t), "WH");
	tc_run(t, "FA");
	assert_string_equal(tc_exts(t), "WU");
	tc_run(t, "W2");
	STEP(t, "WB", "wb_lock");
	STEP(t, "WB", "clear_dirty");
}

/* Models: xfs_end_ioend() converts only an ioend typed UNWRITTEN (6.1, 6.2). */
static void test_ioend_type_fixed_at_map(void **state)
{
	struct tc t;
	struct wb_report rep;
	const char *d;

	(void)state;
	/* without revalidation: the stale WRITTEN mapping types the IO, block 1 stays UNWRITTEN */
	tc_open(&t, WRITTEN_STALE("'config':{'writeback_revalidate':false},"), SCENARIO_CHECK);
	assert_int_equal(t.m.pack.w_iotype, 1); /* encoded: punch and no revalidation */
	ioend_stale_prefix(&t);
	d = STEP(&t, "WB", "map_blocks");
	assert_non_null(strstr(d, "cached WRITTEN [0,8192) reused, but block 1 is UNWRITTEN: "
				  "the IO is typed WRITTEN"));
	assert_int_equal(tc_wb(&t, "WB")->io_unwritten, 0);
	STEP(&t, "WB", "start_writeback");
	assert_int_equal(wb_io(&t.m, t.w, 1)->blocks, 1);
	assert_int_equal(wb_io(&t.m, t.w, 1)->unwritten, 0);
	STEP(&t, "WB/io1", "io_write");
	assert_string_equal(tc_disk(&t, 1, 1), "B*4096");
	uint32_t seq = tc_seq(&t);
	d = STEP(&t, "WB/io1", "io_complete");
	assert_string_equal(d, "block 1 UNWRITTEN, but the IO was mapped WRITTEN: not converted; "
			       "page 1 writeback ends");
	assert_string_equal(tc_exts(&t), "WU");
	assert_int_equal(tc_seq(&t), seq);
	tc_run_all(&t);
	assert_int_equal(tc_verdict(&t, &rep), SIM_CORRUPT);
	assert_int_equal(rep.offset, 4096);
	assert_string_equal(rep.found, "0*4096");
	tc_close(&t);

	/* with revalidation: seq moved, block 1 is looked up again and mapped UNWRITTEN */
	tc_open(&t, WRITTEN_STALE(""), SCENARIO_CHECK);
	assert_int_equal(t.m.pack.w_iotype, 0); /* determined by the rest of the state */
	ioend_stale_prefix(&t);
	assert_non_null(strstr(STEP(&t, "WB", "map_blocks"), "lookup UNWRITTEN [4096,8192)"));
	assert_int_equal(tc_wb(&t, "WB")->io_unwritten, 1);
	STEP(&t, "WB", "start_writeback");
	assert_int_equal(wb_io(&t.m, t.w, 1)->unwritten, 1);
	STEP(&t, "WB/io1", "io_write");
	assert_non_null(strstr(STEP(&t, "WB/io1", "io_complete"),
			       "block 1 UNWRITTEN -> WRITTEN"));
	assert_string_equal(tc_exts(&t), "WW");
	tc_run_all(&t);
	assert_int_equal(tc_verdict(&t, NULL), SIM_SAFE);
	tc_close(&t);
}

/*
 * Models: xfs_file_fallocate() -> xfs_flush_unmap_range() before
 * xfs_free_file_space() (6.1, 6.2): a punch of one block inside a page of
 * smaller blocks rounds out to the page, writes it back, waits and drops it,
 * so writeback finds nothing to map before the block is freed.  The model used
 * to zero the punched half and keep the folio dirty: writeback then mapped
 * (allocated) the block, the punch freed it, and IO completion allocated it
 * again with garbage (wbsim hunt's false lost:stale_writeback; catalogue
 * punch-subpage-writeback).  Both halves of the page, under both kernels.
 */
static void test_punch_subpage_flush(void **state)
{
	static const char *const kernels[] = { "6.1", "6.2" };

	(void)state;
	for (unsigned i = 0; i < 4; i++) {
		unsigned off = i & 1 ? 0 : 2048;
		struct tc t;
		char json[1024], want[64];

		snprintf(json, sizeof(json),
			 "{'wbsim':1,'name':'t','config':{'kernel':'%s'},"
			 "'geometry':{'block_size':2048,'page_size':4096},'file':{'size':4096},"
			 "'tasks':["
			 "{'name':'W1','op':'write','offset':%u,'length':2048,'data':'A'},"
			 "{'name':'PH','op':'punch','offset':%u,'length':2048,'after':['W1']},"
			 "{'name':'WB','op':'writeback','after':['W1']}]}",
			 kernels[i / 2], off, off);
		tc_open(&t, json, SCENARIO_CHECK);
		tc_run(&t, "W1");
		assert_string_equal(tc_exts(&t), off ? "HD" : "DH");
		assert_true(tc_folio(&t, 0)->flags & FOLIO_DIRTY);
		RUN_TO(&t, "PH", "invalidate_lock");
		const char *d = STEP(&t, "PH", "flush_unmap_range");
		snprintf(want, sizeof(want), "[%u,%u) rounded out to [0,4096): page 0 written back",
			 off, off + 2048);
		assert_non_null(strstr(d, want));
		assert_non_null(strstr(d, "page 0 removed;"));
		/* written back and converted, then dropped whole */
		assert_int_equal(tc_folio(&t, 0)->flags, 0);
		assert_string_equal(tc_exts(&t), off ? "HW" : "WH");
		assert_string_equal(tc_disk(&t, off / 2048, 1), "A*2048");
		/* no dirty folio left: writeback's pass ends without a page */
		assert_string_equal(tc_next(&t, "WB"), "pass_end");
		STEP(&t, "WB", "pass_end");
		STEP(&t, "PH", "punch_range");
		assert_string_equal(tc_exts(&t), "HH");
		tc_run_all(&t);
		assert_string_equal(tc_expected(&t), "0*4096");
		assert_int_equal(tc_verdict(&t, NULL), SIM_SAFE);
		tc_close(&t);
	}
}

/*
 * Models: xfs_setattr_size() (6.1, 6.2) for a truncate down: first
 * filemap_write_and_wait_range(newsize, newsize), then truncate_setsize() (i_size,
 * then truncate_pagecache()), then xfs_itruncate_extents().  1 KiB blocks, W1
 * writes block 3 of page 0, TR truncates to 2048: flush_range writes page 0
 * back (block 3 allocated and written, its IO complete) with i_size still
 * 4096, sets i_size to 2048 and zeroes the tail, leaving the folio clean, so
 * writeback finds nothing to map before setsize frees blocks 2 and 3.  The
 * model used to zero the tail with i_size still 4096 and the folio dirty:
 * writeback then allocated block 3, setsize freed it, and IO completion
 * allocated it again with garbage (wbsim hunt's false lost:stale_writeback;
 * catalogue truncate-subpage-writeback).  Under both kernels.
 */
static void test_truncate_subpage_flush(void **state)
{
	static const char *const kernels[] = { "6.1", "6.2" };

	(void)state;
	for (unsigned i = 0; i < 2; i++) {
		struct tc t;
		char json[1024];

		snprintf(json, sizeof(json),
			 "{'wbsim':1,'name':'t','config':{'kernel':'%s'},"
			 "'geometry':{'block_size':1024,'page_size':4096},'file':{'size':4096},"
			 "'tasks':["
			 "{'name':'W1','op':'write','offset':3072,'length':512,'data':'A'},"
			 "{'name':'TR','op':'truncate','size':2048,'after':['W1']},"
			 "{'name':'WB','op':'writeback','after':['W1']}]}",
			 kernels[i]);
		tc_open(&t, json, SCENARIO_CHECK);
		tc_run(&t, "W1");
		assert_string_equal(tc_exts(&t), "HHHD");
		assert_true(tc_folio(&t, 0)->flags & FOLIO_DIRTY);
		RUN_TO(&t, "TR", "invalidate_lock");
		const char *d = STEP(&t, "TR", "flush_range");
		/* written back with the old i_size, then i_size, then the page cache */
		assert_non_null(strstr(d, "page 0 written back ("));
		assert_non_null(strstr(d, "); i_size 4096->2048; page cache of [2048,4096):"));
		assert_int_equal(tc_ino(&t)->i_size, 2048);
		assert_true(tc_folio(&t, 0)->flags & FOLIO_PRESENT);
		assert_false(tc_folio(&t, 0)->flags & (FOLIO_DIRTY | FOLIO_WRITEBACK));
		assert_string_equal(tc_exts(&t), "HHHW");
		assert_string_equal(tc_disk(&t, 3, 1), "A*512 0*512");
		/* no dirty folio left: writeback's pass ends without a page */
		assert_string_equal(tc_next(&t, "WB"), "pass_end");
		STEP(&t, "WB", "pass_end");
		d = STEP(&t, "TR", "setsize");
		assert_non_null(strstr(d, "blocks from 2 -> HOLE"));
		assert_string_equal(tc_exts(&t), "HHHH");
		tc_run_all(&t);
		assert_int_equal(tc_verdict(&t, NULL), SIM_SAFE);
		tc_close(&t);
	}
}

/*
 * The write-back is of the folio at the new size only, and only going down: a
 * truncate to a page boundary writes back the folio that starts there (it is
 * still inside the old i_size) before dropping it, leaves a dirty folio below
 * the new size dirty; a truncate up writes back nothing and sets i_size in
 * setsize (RP_SETSIZE), after flush_range.
 */
static void test_truncate_flush_folio_at_size(void **state)
{
	struct tc t;
	const char *d;

	(void)state;
	tc_open(&t, "{'wbsim':1,'name':'t','config':{'kernel':'6.2'},"
		    "'geometry':{'block_size':4096,'page_size':4096},'file':{'size':8192},"
		    "'tasks':["
		    "{'name':'W1','op':'write','offset':0,'length':8192,'data':'A'},"
		    "{'name':'TR','op':'truncate','size':4096,'after':['W1']},"
		    "{'name':'TU','op':'truncate','size':12288,'after':['TR']}]}",
		SCENARIO_CHECK);
	tc_run(&t, "W1");
	RUN_TO(&t, "TR", "invalidate_lock");
	d = STEP(&t, "TR", "flush_range");
	assert_non_null(strstr(d, "page 1 written back ("));
	assert_null(strstr(d, "page 0 written back"));
	assert_string_equal(tc_disk(&t, 1, 1), "A*4096");
	assert_true(tc_folio(&t, 0)->flags & FOLIO_DIRTY);
	assert_int_equal(tc_folio(&t, 1)->flags, 0);
	assert_int_equal(tc_ino(&t)->i_size, 4096);
	STEP(&t, "TR", "setsize");
	STEP(&t, "TR", "rwsem_unlock");
	RUN_TO(&t, "TU", "flush_range");
	assert_true(tc_folio(&t, 0)->flags & FOLIO_DIRTY);
	assert_int_equal(tc_ino(&t)->i_size, 4096);
	assert_string_equal(tc_label(&t, "TU"), "setsize");
	d = STEP(&t, "TU", "setsize");
	assert_non_null(strstr(d, "i_size 4096->12288"));
	tc_run_all(&t);
	assert_int_equal(tc_verdict(&t, NULL), SIM_SAFE);
	tc_close(&t);
}

/*
 * 6.12 removed xfs_setattr_size()'s write-back of the folio at the new size
 * (c5c810b94cfd): the same truncate as above under kernel 6.12 writes nothing
 * back, drops page 1 dirty, and frees its block (DELALLOC) at setsize.
 */
static void test_truncate_no_flush_612(void **state)
{
	struct tc t;
	const char *d;

	(void)state;
	tc_open(&t, "{'wbsim':1,'name':'t','config':{'kernel':'6.12'},"
		    "'geometry':{'block_size':4096,'page_size':4096},'file':{'size':8192},"
		    "'tasks':["
		    "{'name':'W1','op':'write','offset':0,'length':8192,'data':'A'},"
		    "{'name':'TR','op':'truncate','size':4096,'after':['W1']}]}",
		SCENARIO_CHECK);
	tc_run(&t, "W1");
	RUN_TO(&t, "TR", "invalidate_lock");
	d = STEP(&t, "TR", "flush_range");
	assert_null(strstr(d, "written back"));
	assert_string_equal(tc_disk(&t, 1, 1), "#*4096"); /* nothing written to block 1 */
	assert_true(tc_folio(&t, 0)->flags & FOLIO_DIRTY);
	assert_int_equal(tc_folio(&t, 1)->flags, 0);
	assert_int_equal(tc_ino(&t)->i_size, 4096);
	assert_int_equal(tc_exts(&t)[1], 'D');
	STEP(&t, "TR", "setsize");
	assert_int_equal(tc_exts(&t)[1], 'H');
	tc_run_all(&t);
	assert_int_equal(tc_verdict(&t, NULL), SIM_SAFE);
	tc_close(&t);
}

/*
 * The writeback bit's place: 6.9's iomap_writepage_map() sets it before the
 * mapping (writeback_map=per_range, kernel 6.12), so a sync pass's fdatawait
 * waits for a folio another pass is still mapping.  6.6 sets it after: with
 * per_block the model's fdatawait passes the folio, clean and not yet under
 * writeback.  (The 6.6 kernel's sync pass would find the folio by its DIRTY
 * mark, wait for its lock and then wait for its IO: a known difference of the
 * model, docs/kernel-map.md 4.12.)
 */
static void test_writeback_bit_before_map(void **state)
{
	static const char *const kernels[] = { "6.6", "6.12" };

	(void)state;
	for (int k = 0; k < 2; k++) {
		char text[512];
		struct tc t;
		const char *d;

		snprintf(text, sizeof(text),
			 "{'wbsim':1,'name':'t','config':{'kernel':'%s'},"
			 "'geometry':{'block_size':4096,'page_size':4096},'file':{'size':4096},"
			 "'tasks':["
			 "{'name':'W','op':'write','offset':0,'length':4096,'data':'A'},"
			 "{'name':'BG','op':'writeback','after':['W']},"
			 "{'name':'FS','op':'writeback','mode':'sync','wait':true,'after':['W']}]}",
			 kernels[k]);
		tc_open(&t, text, SCENARIO_CHECK);
		tc_run(&t, "W");
		STEP(&t, "BG", "wb_lock");
		d = STEP(&t, "BG", "clear_dirty");
		assert_true(!strstr(d, "under writeback") == !k);
		/* FS finds nothing dirty: its pass ends, then it waits, or not */
		RUN_TO(&t, "FS", "pass_end");
		assert_string_equal(t.trace, "tag_towrite pass_end");
		assert_string_equal(tc_label(&t, "FS"), "fdatawait");
		if (k) {
			assert_true(tc_folio(&t, 0)->flags & FOLIO_WRITEBACK);
			assert_int_equal(wb_io(&t.m, t.w, 0)->phase, 0);
			assert_null(tc_next(&t, "FS"));
			assert_non_null(strstr(tc_why(&t, "FS"), "fdatawait"));
			STEP(&t, "BG", "map_blocks");
			STEP(&t, "BG", "start_writeback");
			assert_int_equal(wb_io(&t.m, t.w, 0)->phase, IO_SUBMITTED);
			assert_null(tc_next(&t, "FS"));
			tc_run(&t, "BG/io0");
		} else {
			assert_false(tc_folio(&t, 0)->flags & FOLIO_WRITEBACK);
		}
		STEP(&t, "FS", "fdatawait");
		assert_true(tc_finished(&t, "FS"));
		tc_run_all(&t);
		assert_int_equal(tc_verdict(&t, NULL), SIM_SAFE);
		tc_close(&t);
	}
}

/*
 * The punch waits for writeback of any folio of its rounded range, and writes
 * back with it the bytes of the page outside the punch: 2 KiB blocks, W1 fills
 * page 0, the punch frees its second block; the first reaches the disk.
 */
static void test_punch_subpage_waits(void **state)
{
	struct tc t;

	(void)state;
	tc_open(&t, "{'wbsim':1,'name':'t','config':{'kernel':'6.2'},"
		    "'geometry':{'block_size':2048,'page_size':4096},'file':{'size':4096},"
		    "'tasks':["
		    "{'name':'W1','op':'write','offset':0,'length':4096,'data':'A'},"
		    "{'name':'WB','op':'writeback','after':['W1']},"
		    "{'name':'PH','op':'punch','offset':2048,'length':2048,'after':['W1']}]}",
		SCENARIO_CHECK);
	tc_run(&t, "W1");
	STEP(&t, "WB", "wb_lock");
	RUN_TO(&t, "PH", "invalidate_lock");
	/* page 0 locked by writeback, then under writeback: flush_unmap_range waits */
	assert_string_equal(tc_label(&t, "PH"), "flush_unmap_range");
	assert_null(tc_next(&t, "PH"));
	assert_non_null(strstr(tc_why(&t, "PH"), "[0,4096)"));
	RUN_TO(&t, "WB", "start_writeback");
	assert_null(tc_next(&t, "PH"));
	STEP(&t, "WB/io0", "io_write");
	assert_null(tc_next(&t, "PH"));
	STEP(&t, "WB/io0", "io_complete");
	/* clean now: nothing to write back, the page goes */
	const char *d = STEP(&t, "PH", "flush_unmap_range");
	assert_null(strstr(d, "written back"));
	assert_non_null(strstr(d, "page 0 removed;"));
	STEP(&t, "PH", "punch_range");
	assert_string_equal(tc_exts(&t), "WH");
	assert_string_equal(tc_disk(&t, 0, 1), "A*2048");
	tc_run_all(&t);
	assert_string_equal(tc_expected(&t), "A*2048 0*2048");
	assert_int_equal(tc_verdict(&t, NULL), SIM_SAFE);
	tc_close(&t);

	/* the same punch with page 0 still dirty: the punch writes both blocks itself */
	tc_open(&t, "{'wbsim':1,'name':'t','config':{'kernel':'6.1'},"
		    "'geometry':{'block_size':2048,'page_size':4096},'file':{'size':4096},"
		    "'tasks':["
		    "{'name':'W1','op':'write','offset':0,'length':4096,'data':'A'},"
		    "{'name':'PH','op':'punch','offset':2048,'length':2048,'after':['W1']}]}",
		SCENARIO_CHECK);
	tc_run(&t, "W1");
	tc_run(&t, "PH");
	assert_string_equal(t.trace, "rwsem_lock invalidate_lock flush_unmap_range punch_range "
				     "rwsem_unlock");
	assert_int_equal(tc_folio(&t, 0)->flags, 0);
	assert_string_equal(tc_exts(&t), "WH");
	assert_string_equal(tc_disk(&t, 0, 1), "A*2048");
	assert_int_equal(tc_verdict(&t, NULL), SIM_SAFE);
	tc_close(&t);
}

/*
 * Models: xfs_iomap_write_unwritten() -> xfs_bmapi_write(XFS_BMAPI_CONVERT) over
 * a DELALLOC record allocates it whole, WRITTEN, at blocks the IO did not write
 * (6.1, 6.2): wb-revalidate without revalidation.
 */
static void test_ioend_convert_allocates_delalloc(void **state)
{
	struct tc t;
	struct wb_report rep;

	(void)state;
	tc_open(&t, "{'wbsim':1,'name':'t','config':{'writeback_revalidate':false}," C1_FILE
		    ",'tasks':["
		    "{'name':'W1','op':'write','offset':0,'length':8192,'data':'A'},"
		    "{'name':'WB','op':'writeback','after':['W1']},"
		    "{'name':'PH','op':'punch','offset':4096,'length':4096,'after':['W1']},"
		    "{'name':'W2','op':'write','offset':4096,'length':4096,'data':'B',"
		    "'after':['PH']}]}",
		SCENARIO_CHECK);
	tc_run(&t, "W1");
	RUN_TO(&t, "WB", "start_writeback");
	assert_int_equal(wb_io(&t.m, t.w, 0)->unwritten, 1);
	tc_run(&t, "WB/io0");
	/* the punch writes W1's dirty page 1 back (block 1 -> WRITTEN, seq 3), drops it, frees block 1 */
	RUN_TO(&t, "PH", "invalidate_lock");
	assert_non_null(strstr(STEP(&t, "PH", "flush_unmap_range"), "page 1 written back"));
	tc_run(&t, "PH");
	tc_run(&t, "W2");
	assert_string_equal(tc_exts(&t), "WD");
	STEP(&t, "WB", "wb_lock");
	STEP(&t, "WB", "clear_dirty");
	assert_non_null(strstr(STEP(&t, "WB", "map_blocks"),
			       "but block 1 is DELALLOC: the IO is typed UNWRITTEN"));
	STEP(&t, "WB", "start_writeback");
	assert_int_equal(wb_io(&t.m, t.w, 1)->unwritten, 1);
	STEP(&t, "WB/io1", "io_write");
	assert_string_equal(tc_disk(&t, 1, 1), "B*4096");
	assert_string_equal(STEP(&t, "WB/io1", "io_complete"),
			    "DELALLOC [4096,8192) allocated WRITTEN (new blocks: garbage), seq 4->5; "
			    "page 1 writeback ends");
	assert_string_equal(tc_exts(&t), "WW");
	assert_string_equal(tc_disk(&t, 1, 1), "#*4096");
	tc_run_all(&t);
	assert_int_equal(tc_verdict(&t, &rep), SIM_CORRUPT);
	assert_string_equal(rep.found, "#*4096");
	tc_close(&t);
}

/* Models: xfs_alloc_file_space() -> xfs_bmapi_write(XFS_BMAPI_PREALLOC) (6.1, 6.2). */
static void test_fallocate_delalloc_record_whole(void **state)
{
	struct tc t;

	(void)state;
	tc_open(&t, "{'wbsim':1,'name':'t'," GEOM_1K ",'file':{'size':8192,'extents':["
		    "{'offset':0,'length':3072,'state':'delalloc'},"
		    "{'offset':4096,'length':1024,'state':'written','data':'X'},"
		    "{'offset':6144,'length':2048,'state':'delalloc'}]},'tasks':["
		    "{'name':'FA','op':'fallocate','offset':2048,'length':4096}]}",
		SCENARIO_CHECK);
	assert_string_equal(tc_exts(&t), "DDDHWHDD");
	RUN_TO(&t, "FA", "alloc_range");
	assert_non_null(strstr(t.desc, "(delalloc records whole: blocks [0,6))"));
	/* the record [0,3) whole, the hole 3 and 5; 6-7 lie outside and are not reached */
	assert_string_equal(tc_exts(&t), "UUUUWUDD");
	assert_int_equal(tc_seq(&t), 1);
	tc_close(&t);
}

static void test_world_covers_every_task(void **state)
{
	static const char *const texts[] = {
		"{'wbsim':1,'name':'t','file':{'size':4096},'tasks':[{'name':'P','op':'mmap_write',"
		"'offset':4096,'length':1024,'data':'P'},{'name':'W','op':'writeback'}]}",
		"{'wbsim':1,'name':'t','file':{'size':4096},'tasks':[{'name':'FA',"
		"'op':'fallocate','offset':4096,'length':4096}]}",
		"{'wbsim':1,'name':'t','file':{'size':4096},'tasks':[{'name':'PH','op':'punch',"
		"'offset':4096,'length':4096},{'name':'RF','op':'read_fault','page':1}]}",
		"{'wbsim':1,'name':'t','file':{'size':4096},'tasks':[{'name':'T','op':'truncate',"
		"'size':8192}]}",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		struct tc t;
		tc_open(&t, texts[i], SCENARIO_CHECK);
		assert_int_equal(t.m.npages, 2);
		assert_int_equal(t.m.nblocks, 2);
		tc_close(&t);
	}
}

/* ------------------------------------------- issue 15: uninitialised folio memory */

/*
 * A short copy into a new folio whose run write_begin marked uptodate after zeroing only
 * around the chunk (6.1 to 6.3): the uncopied bytes are uninitialised memory ('?') in an
 * uptodate folio.  With 1k blocks the copy is rejected, but the fully covered blocks stay
 * uptodate; after the retry [1536,3072) is exposed.
 */
static void test_short_copy_exposes_uninit(void **state)
{
	static const char *const text =
		"{'wbsim':1,'name':'t'," GEOM_1K ",'file':{'size':4096},'tasks':["
		"{'name':'W','op':'write','offset':512,'length':2560,'data':'A',"
		"'short_copy_at':1536}]}";
	struct tc t;
	struct wb_report rep;
	struct folio *f0;
	const char *d;

	(void)state;
	tc_open(&t, text, SCENARIO_CHECK);
	assert_true(t.m.uninit);
	f0 = tc_folio(&t, 0);
	RUN_TO(&t, "W", "folio_get");
	assert_string_equal(tc_cache(&t, 0), "?*4096");
	RUN_TO(&t, "W", "write_begin");
	/* blocks 0..2 marked uptodate, [512,3072) still uninitialised */
	assert_int_equal(f0->uptodate, 0x7);
	assert_string_equal(tc_cache(&t, 0), "0*512 ?*3584");
	STEP(&t, "W", "copy");
	d = STEP(&t, "W", "write_end");
	assert_non_null(strstr(d, "retry the chunk cut at 1536"));
	/* rejected: block 3 not uptodate, but blocks 0..2 stay uptodate with what they hold */
	assert_int_equal(f0->uptodate, 0x7);
	assert_string_equal(tc_cache(&t, 0), "0*512 A*1024 ?*2560");
	tc_run(&t, "W");
	assert_int_equal(tc_verdict(&t, &rep), SIM_CORRUPT);
	assert_true(rep.exposed);
	assert_int_equal(rep.offset, 1536);
	assert_int_equal(rep.length, 1536); /* 6.2's cleanup keeps the dirty folio whole */
	assert_string_equal(rep.found, "?*1536");
	tc_close(&t);

	/* the fix: write_begin leaves the zeroed run !uptodate, the retry zeroes the rest */
	tc_open(&t, "{'wbsim':1,'name':'t'," GEOM_1K ",'config':{'partial_zero_uptodate':false},"
		    "'file':{'size':4096},'tasks':[{'name':'W','op':'write','offset':512,"
		    "'length':2560,'data':'A','short_copy_at':1536}]}",
		SCENARIO_CHECK);
	assert_false(t.m.uninit);
	f0 = tc_folio(&t, 0);
	RUN_TO(&t, "W", "copy");
	assert_int_equal(f0->uptodate, 0);
	tc_run(&t, "W");
	assert_int_equal(tc_verdict(&t, NULL), SIM_SAFE);
	tc_close(&t);

	/* init_on_alloc: the same steps as 6.1, but the new folio's bytes are zeroes */
	tc_open(&t, "{'wbsim':1,'name':'t'," GEOM_1K ",'config':{'init_on_alloc':true},"
		    "'file':{'size':4096},'tasks':[{'name':'W','op':'write','offset':512,"
		    "'length':2560,'data':'A','short_copy_at':1536}]}",
		SCENARIO_CHECK);
	assert_false(t.m.uninit);
	tc_run(&t, "W");
	assert_int_equal(tc_verdict(&t, NULL), SIM_SAFE);
	tc_close(&t);

	/* one block per page: the short copy is accepted into the uptodate folio */
	tc_open(&t, "{'wbsim':1,'name':'t','file':{'size':8192},'tasks':[{'name':'W',"
		    "'op':'write','offset':1024,'length':2048,'data':'A','short_copy_at':2048}]}",
		SCENARIO_CHECK);
	RUN_TO(&t, "W", "copy");
	d = STEP(&t, "W", "write_end");
	assert_non_null(strstr(d, "page 0 dirty, uptodate"));
	assert_string_equal(tc_cache(&t, 0), "0*1024 A*1024 ?*1024 0*1024");
	tc_run(&t, "W");
	assert_int_equal(tc_verdict(&t, &rep), SIM_CORRUPT);
	assert_true(rep.exposed);
	tc_close(&t);
}

/*
 * After a STALE remap the chunk is computed afresh (iomap_write_iter()'s bytes is a local):
 * the retry's cut at the short copy is forgotten.
 */
static void test_stale_remap_full_chunk(void **state)
{
	struct tc t;
	const char *d;

	(void)state;
	tc_open(&t, "{'wbsim':1,'name':'t'," GEOM_1K ",'file':{'size':8192},'tasks':["
		    "{'name':'W1','op':'write','offset':4096,'length':4096,'data':'B'},"
		    "{'name':'W','op':'write','offset':0,'length':4096,'data':'A',"
		    "'short_copy_at':2048,'after':['W1']},"
		    "{'name':'WB','op':'writeback'}]}",
		SCENARIO_CHECK);
	tc_run(&t, "W1");
	RUN_TO(&t, "W", "write_end");
	assert_true(tc_wr(&t, "W")->wflags & WR_RETRY);
	/* writeback converts the merged DELALLOC extent: seq moves */
	RUN(&t, "WB:start_writeback");
	d = STEP(&t, "W", "folio_get");
	assert_non_null(strstr(d, "chunk [0,2048)"));
	STEP(&t, "W", "folio_lock");
	d = STEP(&t, "W", "iomap_valid");
	assert_non_null(strstr(d, "STALE"));
	STEP(&t, "W", "iomap_end");
	assert_int_equal(tc_wr(&t, "W")->wflags & WR_RETRY, 0);
	STEP(&t, "W", "iomap_begin");
	d = STEP(&t, "W", "folio_get");
	assert_non_null(strstr(d, "chunk [0,4096)"));
	tc_run_all(&t);
	assert_int_equal(tc_verdict(&t, NULL), SIM_SAFE);
	tc_close(&t);
}

/* ---- issue 15 items 3 and 5: stores past EOF, EOF zeroing, provenance (wt-prov) ---- */

/* The origin words of cached granule g of page p. */
static const char *tc_cache_origin(struct tc *t, unsigned p, unsigned g)
{
	return t->prov.origins[t->prov.cache[(size_t)p * t->m.gpp + g]].what;
}

#define EOF_FILE                                                                                   \
	"'file':{'size':2048,'extents':[{'offset':0,'length':4096,'state':'written','data':'I'}]}"

/*
 * filemap_fault maps the whole EOF page: M's store of [1024,3072) lands half
 * past i_size 2048.  The slot records it; the oracle expects only the bytes
 * below; writeback zeroes the folio past EOF (iomap_do_writepage); the
 * extending write's checks zero the rest of the gap.
 */
static void test_mmap_store_past_eof(void **state)
{
	struct tc t;
	const char *d;

	(void)state;
	tc_open_prov(&t, "{'wbsim':1,'name':'t'," EOF_FILE ",'tasks':["
			 "{'name':'M','op':'mmap_write','offset':1024,'length':2048,'data':'M'},"
			 "{'name':'W','op':'write','offset':6144,'length':2048,'data':'W',"
			 "'after':['M']},{'name':'WB','op':'writeback'}]}",
		     SCENARIO_CHECK);
	RUN_TO(&t, "M", "fault_end");
	d = STEP(&t, "M", "store");
	assert_non_null(strstr(d, "[2048,3072) past EOF (i_size 2048); M finished"));
	assert_int_equal(tc_ft(&t, "M")->past_eof, 1); /* one granule of 1024 */
	assert_string_equal(tc_cache(&t, 0), "I*1024 M*2048 0*1024");
	/* the file: I below the store, M up to the EOF of the store's moment */
	assert_string_equal(tc_expected(&t), "I*1024 M*1024");
	RUN_TO(&t, "WB", "clear_dirty");
	assert_non_null(strstr(t.desc, "page 0 clean; [2048,4096) past EOF zeroed"));
	assert_string_equal(tc_cache(&t, 0), "I*1024 M*1024 0*2048");
	assert_string_equal(tc_cache_origin(&t, 0, 2),
			    "WB writeback (past EOF 2048) zeroed [2048,4096) of page 0");
	assert_string_equal(tc_cache_origin(&t, 0, 1), "M store of 'M' into [1024,3072)");
	tc_run(&t, "WB");
	RUN(&t, "WB/io0");
	assert_string_equal(tc_disk(&t, 0, 1), "I*1024 M*1024 0*2048");
	/* a folio inside i_size: nothing to zero, nothing said */
	tc_run(&t, "W");
	assert_int_equal(tc_ino(&t)->i_size, 8192);
	assert_string_equal(tc_expected(&t), "I*1024 M*1024 0*4096 W*2048");
	assert_int_equal(tc_verdict(&t, NULL), SIM_SAFE);
	tc_close(&t);

	/* the write first: the whole store lands inside the file, all of it is data */
	tc_open(&t, "{'wbsim':1,'name':'t'," EOF_FILE ",'tasks':["
		    "{'name':'W','op':'write','offset':6144,'length':2048,'data':'W'},"
		    "{'name':'M','op':'mmap_write','offset':1024,'length':2048,'data':'M',"
		    "'after':['W']}]}",
		SCENARIO_CHECK);
	tc_run(&t, "W");
	tc_run(&t, "M");
	assert_int_equal(tc_ft(&t, "M")->past_eof, 0);
	assert_string_equal(tc_expected(&t), "I*1024 M*2048 0*3072 W*2048");
	assert_int_equal(tc_verdict(&t, NULL), SIM_SAFE);
	tc_close(&t);
}

/*
 * A truncate up zeroes [i_size, size) through the page cache before
 * truncate_setsize (xfs_setattr_size -> xfs_zero_range -> iomap_zero_range),
 * with the iteration of a write's EOF zeroing: DELALLOC and WRITTEN mappings
 * are zeroed chunk by chunk under the folio lock, HOLE and UNWRITTEN skipped;
 * a fallocate past EOF does the same through xfs_vn_setattr_size.
 */
static void test_truncate_up_zeroes_past_eof(void **state)
{
	struct tc t;
	const char *d;

	(void)state;
	tc_open_prov(&t, "{'wbsim':1,'name':'t'," EOF_FILE ",'tasks':["
			 "{'name':'M','op':'mmap_write','offset':1024,'length':2048,'data':'M'},"
			 "{'name':'TR','op':'truncate','size':8192,'after':['M']},"
			 "{'name':'WB','op':'writeback'}]}",
		     SCENARIO_CHECK);
	tc_run(&t, "M");
	RUN_TO(&t, "WB", "wb_lock");
	STEP(&t, "TR", "rwsem_lock");
	d = STEP(&t, "TR", "invalidate_lock");
	assert_non_null(strstr(d, "xfs_setattr_size: zero [2048,8192) first (iomap_zero_range)"));
	d = STEP(&t, "TR", "iomap_begin");
	assert_non_null(strstr(d, "zeroing pos=2048 -> WRITTEN [0,4096) cookie=0, iteration "
				  "[2048,4096)"));
	STEP(&t, "TR", "folio_get");
	/* the zeroing locks the EOF folio: it waits for writeback to unlock it */
	assert_null(tc_next(&t, "TR"));
	assert_string_equal(tc_label(&t, "TR"), "folio_lock");
	RUN_TO(&t, "WB", "clear_dirty");
	/* undo writeback's own zeroing, to see the truncate's */
	memset(wb_cache(&t.m, t.w, 0) + 2, 'M', 1);
	tc_run(&t, "WB");
	STEP(&t, "TR", "folio_lock");
	RUN_TO(&t, "TR", "write_begin");
	d = STEP(&t, "TR", "zero");
	assert_non_null(strstr(d, "zero [2048,4096) of page 0"));
	assert_string_equal(tc_cache(&t, 0), "I*1024 M*1024 0*2048");
	assert_string_equal(tc_cache_origin(&t, 0, 2),
			    "TR zeroing of [2048,4096) past EOF (iomap_zero_iter)");
	d = STEP(&t, "TR", "write_end");
	assert_non_null(strstr(d, "i_size 2048->4096"));
	assert_true(tc_folio(&t, 0)->flags & FOLIO_DIRTY);
	d = STEP(&t, "TR", "iomap_end");
	assert_non_null(strstr(d, "zeroing goes on at 4096"));
	/* the HOLE is skipped, no folio for it */
	d = STEP(&t, "TR", "iomap_begin");
	assert_non_null(strstr(d, "HOLE [4096,8192): nothing to zero"));
	d = STEP(&t, "TR", "iomap_end");
	assert_non_null(strstr(d, "zeroing done"));
	assert_string_equal(tc_next(&t, "TR"), "flush_range");
	assert_string_equal(tc_exts(&t), "WH");
	assert_int_equal(tc_folio(&t, 1)->flags, 0);
	tc_run_all(&t);
	assert_int_equal(tc_ino(&t)->i_size, 8192);
	assert_string_equal(tc_expected(&t), "I*1024 M*1024 0*6144");
	assert_int_equal(tc_verdict(&t, NULL), SIM_SAFE);
	tc_close(&t);

	/* fallocate past EOF: block 1 becomes UNWRITTEN, then block 0 (WRITTEN) is zeroed */
	tc_open(&t, "{'wbsim':1,'name':'t'," EOF_FILE ",'tasks':["
		    "{'name':'M','op':'mmap_write','offset':1024,'length':2048,'data':'M'},"
		    "{'name':'FA','op':'fallocate','offset':4096,'length':4096,'after':['M']}]}",
		SCENARIO_CHECK);
	tc_run(&t, "M");
	RUN_TO(&t, "FA", "alloc_range");
	assert_non_null(strstr(t.desc, "xfs_setattr_size: zero [2048,8192) first"));
	assert_string_equal(tc_exts(&t), "WU");
	RUN_TO(&t, "FA", "zero");
	assert_string_equal(tc_cache(&t, 0), "I*1024 M*1024 0*2048");
	RUN_TO(&t, "FA", "setsize");
	assert_string_equal(t.trace, "write_end iomap_end iomap_begin iomap_end setsize");
	assert_int_equal(tc_ino(&t)->i_size, 8192);
	tc_run_all(&t);
	assert_int_equal(tc_verdict(&t, NULL), SIM_SAFE);
	tc_close(&t);

	/* nothing but a HOLE past EOF: one mapping, skipped; no folio */
	tc_open(&t, "{'wbsim':1,'name':'t','file':{'size':4096},'tasks':["
		    "{'name':'TR','op':'truncate','size':8192}]}",
		SCENARIO_CHECK);
	RUN_TO(&t, "TR", "flush_range");
	assert_string_equal(t.trace, "rwsem_lock invalidate_lock iomap_begin iomap_end flush_range");
	assert_int_equal(tc_folio(&t, 0)->flags, 0);
	assert_int_equal(tc_folio(&t, 1)->flags, 0);
	tc_close(&t);
}

/*
 * issue 15 (fidelity 2): the truncate's and fallocate's EOF zeroing race.  W1
 * leaves a dirty folio over a DELALLOC block at EOF; the zeroing maps it
 * DELALLOC, then writeback converts and writes it, the IO completes and reclaim
 * evicts the page before the zeroing looks it up.  6.1 zeroes W1's bytes of the
 * re-created folio from the stale mapping; 6.2's iomap_valid after the lock
 * sees the seq change and the remap reads the block as WRITTEN.
 */
static void test_setattr_zero_stale(void **state)
{
	static const char *const texts[] = {
		"{'wbsim':1,'name':'t','file':{'size':0},'tasks':["
		"{'name':'W1','op':'write','offset':0,'length':2048,'data':'A'},"
		"{'name':'TR','op':'truncate','size':8192,'after':['W1']},"
		"{'name':'WB','op':'writeback'},"
		"{'name':'RC','op':'reclaim','evictions':1,'pages':[0]}]}",
		"{'wbsim':1,'name':'t','file':{'size':0},'tasks':["
		"{'name':'W1','op':'write','offset':0,'length':2048,'data':'A'},"
		"{'name':'TR','op':'fallocate','offset':4096,'length':4096,'after':['W1']},"
		"{'name':'WB','op':'writeback'},"
		"{'name':'RC','op':'reclaim','evictions':1,'pages':[0]}]}",
	};
	static const char *const window[] = {
		"W1", "TR:rwsem_lock", "TR:invalidate_lock",
	};
	static const char *const wb[] = {
		"WB:wb_lock", "WB:clear_dirty", "WB:map_blocks", "WB:start_writeback",
		"WB/io0:io_write", "WB/io0:io_complete",
	};
	struct wb_report rep;
	struct tc t;
	const char *d;

	(void)state;
	for (int fa = 0; fa < 2; fa++) {
		for (int k = 0; k < 2; k++) {
			tc_open(&t, texts[fa], k ? WB_CHECK_AFTER_LOCK : WB_CHECK_OFF);
			struct wb_rangeop *o = &wb_task(&t.m, t.w, tc_task(&t, "TR"))->o;
			SCHED(&t, window);
			if (fa)
				STEP(&t, "TR", "alloc_range");
			assert_int_equal(o->pc, RP_ZERO);
			d = STEP(&t, "TR", "iomap_begin");
			assert_non_null(strstr(d, "zeroing pos=2048 -> DELALLOC [0,4096)"));
			assert_int_equal(o->z.type, IOMAP_DELALLOC);
			uint32_t cookie = o->z.cookie;
			SCHED(&t, wb);
			EVICT(&t, "RC", 0);
			assert_int_equal(tc_seq(&t), cookie + 2);
			assert_int_equal(tc_exts(&t)[0], 'W');
			assert_int_equal(tc_folio(&t, 0)->flags, 0);
			d = STEP(&t, "TR", "folio_get");
			assert_non_null(strstr(d, "page 0 absent -> new folio"));
			if (!k) {
				/* 6.1: zero [0,2048) around the chunk from the stale mapping */
				d = STEP(&t, "TR", "write_begin");
				assert_non_null(strstr(d, "zero [0,2048)"));
				tc_run_all(&t);
				assert_int_equal(tc_verdict(&t, &rep), SIM_CORRUPT);
				assert_false(rep.exposed);
				assert_int_equal(rep.offset, 0);
				assert_string_equal(rep.found, "0*2048");
			} else {
				d = STEP(&t, "TR", "iomap_valid");
				assert_non_null(strstr(d, "STALE"));
				d = STEP(&t, "TR", "iomap_end");
				assert_non_null(strstr(d, "STALE: remap at 2048"));
				d = STEP(&t, "TR", "iomap_begin");
				assert_non_null(strstr(d, "zeroing pos=2048 -> WRITTEN [0,4096)"));
				RUN_TO(&t, "TR", "iomap_valid");
				d = STEP(&t, "TR", "write_begin");
				assert_non_null(strstr(d, "read [0,4096) from disk"));
				tc_run_all(&t);
				assert_int_equal(tc_verdict(&t, NULL), SIM_SAFE);
			}
			/* the iteration is over: its state cleared */
			assert_int_equal(o->pc, RP_DONE);
			assert_int_equal(o->z.pc, 0);
			assert_int_equal(tc_ino(&t)->i_size, 8192);
			tc_close(&t);
		}
	}
}

/* Origins: a new folio's bytes are its own, truncate_pagecache's zeroes are the truncate's. */
static void test_new_folio_and_truncate_provenance(void **state)
{
	struct tc t;

	(void)state;
	tc_open_prov(&t, "{'wbsim':1,'name':'t'," GEOM_1K ",'file':{'size':4096},'tasks':["
			 "{'name':'W','op':'write','offset':0,'length':1024,'data':'A'},"
			 "{'name':'TR','op':'truncate','size':2048,'after':['W']}]}",
		     SCENARIO_CHECK);
	tc_run(&t, "W");
	/* the chunk covered block 0 only: blocks 1-3 are the new folio's, not the file's */
	assert_int_equal(tc_folio(&t, 0)->uptodate, 0x1);
	assert_string_equal(tc_cache_origin(&t, 0, 0), "W copy of 'A' into [0,1024)");
	assert_string_equal(tc_cache_origin(&t, 0, 1),
			    "a new folio of page 0, created by W (bytes never read, zeroed or "
			    "written since)");
	memset(wb_cache(&t.m, t.w, 0) + 2, 'Q', 1); /* something for the truncate to zero */
	tc_run(&t, "TR");
	assert_string_equal(tc_cache(&t, 0), "A*1024 0*3072");
	assert_string_equal(tc_cache_origin(&t, 0, 2),
			    "TR truncate_pagecache zeroed [2048,4096) of page 0");
	tc_close(&t);
}

/*
 * D1 of the hardening review (issue 18): a folio counts the faults holding it
 * in 3 bits (FOLIO_FREF_MASK).  Seven faults on one page, the most the loader
 * accepts, all hold the folio and reclaim may not evict it; an eighth is
 * refused at load, where it used to wrap the count to 0 and let reclaim evict
 * a folio eight faults held.
 */
static void test_fault_refs_limit(void **state)
{
	static const char *const r[] = { "R1", "R2", "R3", "R4", "R5", "R6", "R7" };
	char text[1024], *p = text;
	struct tc t;
	uint32_t a;
	struct sim_label l;

	(void)state;
	p += sprintf(p, "{'wbsim':1,'name':'refs','file':{'size':4096},'tasks':[");
	for (unsigned i = 0; i < 7; i++)
		p += sprintf(p, "{'name':'%s','op':'read_fault','page':0},", r[i]);
	sprintf(p, "{'name':'RC','op':'reclaim','pages':[0]}]}");
	tc_open(&t, text, SCENARIO_CHECK);
	for (unsigned i = 0; i < 7; i++) {
		STEP(&t, r[i], "fault_begin");
		STEP(&t, r[i], "folio_get");
	}
	assert_int_equal(tc_folio(&t, 0)->flags & FOLIO_FREF_MASK, 7 * FOLIO_FREF_ONE);
	assert_true(tc_find(&t, "RC", 0, &a, &l) < 0); /* held: reclaim cannot evict it */
	tc_run_all(&t);
	assert_int_equal(tc_folio(&t, 0)->flags & FOLIO_FREF_MASK, 0);
	assert_int_equal(tc_verdict(&t, NULL), SIM_SAFE);
	tc_close(&t);

	/* an eighth fault on the page does not load */
	for (char *q = text; *q; q++)
		if (*q == '\'')
			*q = '"';
	static const char r8[] = "{\"name\":\"R8\",\"op\":\"read_fault\",\"page\":0},";
	p = strstr(text, "{\"name\":\"RC\"");
	memmove(p + strlen(r8), p, strlen(p) + 1);
	memcpy(p, r8, strlen(r8));
	assert_null(wb_scenario_load_buffer("refs.json", text, strlen(text), NULL));
}

/* ------------------------------------------------------------------ the zeroing (issue 20) */

/* eof-mmap-store-unwritten's shape: M's bytes past EOF in a dirty page 0, blocks 2-3 UNWRITTEN. */
#define G363(kernel, more)                                                                         \
	"{'wbsim':1,'name':'t'," GEOM_1K ",'config':{'kernel':'" kernel "'" more "},"              \
	"'file':{'size':2048,'extents':[{'offset':0,'length':2048,'state':'written','data':'I'},"   \
	"{'offset':2048,'length':2048,'state':'unwritten'}]},'tasks':["                            \
	"{'name':'M','op':'mmap_write','offset':1024,'length':2048,'data':'M'},"                    \
	"{'name':'TR','op':'truncate','size':8192,'after':['M']},"                                  \
	"{'name':'WB','op':'writeback'}]}"

static struct wb_writer *tc_z(struct tc *t, const char *name)
{
	return &wb_task(&t->m, t->w, tc_task(t, name))->o.z;
}

/*
 * zero_dirty_unwritten=flush (6.12): range_dirty sampled as the zeroing
 * begins; the UNWRITTEN mapping flushes page 0 (zeroed past the old EOF,
 * blocks 0-1 written), the wait, STALE, and the remap skips the clean range.
 */
static void test_zero_flush_steps(void **state)
{
	struct tc t;

	(void)state;
	tc_open(&t, G363("6.12", ""), SCENARIO_CHECK);
	assert_true(t.m.zflush);
	assert_int_equal(t.m.pack.w_wflags, 5);
	tc_run(&t, "M");
	assert_string_equal(tc_cache(&t, 0), "I*1024 M*2048 0*1024");
	STEP(&t, "TR", "rwsem_lock");
	STEP(&t, "TR", "invalidate_lock");
	assert_true(tc_z(&t, "TR")->wflags & WR_RANGE_DIRTY);
	STEP(&t, "TR", "iomap_begin");
	assert_int_equal(tc_z(&t, "TR")->pc, WP_FLUSH);
	assert_true(tc_z(&t, "TR")->flags & IOMAP_F_STALE);
	assert_false(tc_z(&t, "TR")->wflags & WR_RANGE_DIRTY);
	STEP(&t, "TR", "zero_flush"); /* page 0 written back and its IO completed */
	assert_false(tc_folio(&t, 0)->flags & (FOLIO_DIRTY | FOLIO_WRITEBACK));
	assert_string_equal(tc_cache(&t, 0), "I*1024 M*1024 0*2048");
	assert_string_equal(tc_disk(&t, 0, 2), "I*1024 M*1024");
	assert_string_equal(tc_exts(&t), "WWUUHHHH"); /* blocks past EOF neither written nor converted */
	assert_int_equal(tc_z(&t, "TR")->pc, WP_FLUSH);
	STEP(&t, "TR", "zero_flush"); /* the wait: nothing under writeback */
	assert_int_equal(tc_z(&t, "TR")->pc, WP_IOMAP_END);
	STEP(&t, "TR", "iomap_end");
	assert_int_equal(tc_z(&t, "TR")->pos, 2048); /* STALE: remap at the same position */
	STEP(&t, "TR", "iomap_begin"); /* range_dirty is spent: skipped */
	assert_int_equal(tc_z(&t, "TR")->pc, WP_IOMAP_END);
	tc_run_all(&t);
	assert_int_equal(tc_verdict(&t, NULL), SIM_SAFE);
	tc_close(&t);
	/* 6.6 skips the mapping: M's bytes become file data */
	tc_open(&t, G363("6.6", ""), SCENARIO_CHECK);
	assert_false(t.m.zflush);
	assert_int_equal(t.m.pack.w_wflags, 0);
	tc_run(&t, "M");
	tc_run(&t, "TR");
	tc_run_all(&t);
	assert_int_equal(tc_verdict(&t, NULL), SIM_CORRUPT);
	tc_close(&t);
}

/*
 * writeback_map (6.9's iomap_writepage_map_blocks()): with per_range one
 * map_blocks step maps a run of blocks to write as far as the mapping reaches,
 * and a run that crosses two extents takes two; per_block (6.6) takes one step
 * per block.  The IO writes the same blocks, typed by their mappings.
 */
#define WBM_SCENARIO(kernel)                                                                      \
	"{'wbsim':1,'name':'wbm','geometry':{'block_size':1024,'page_size':4096},"              \
	"'config':{'kernel':'" kernel "'},"                                                       \
	"'file':{'size':4096,'extents':[{'offset':0,'length':2048,'state':'unwritten'},"       \
	"{'offset':2048,'length':2048,'state':'written','data':'O'}]},'tasks':["                 \
	"{'name':'W1','op':'write','offset':0,'length':4096,'data':'A'},"                        \
	"{'name':'WB','op':'writeback','after':['W1']}]}"

static void test_writeback_map(void **state)
{
	struct tc t;
	const struct wb_io *io;

	(void)state;
	tc_open(&t, WBM_SCENARIO("6.12"), SCENARIO_CHECK);
	assert_int_equal(t.m.cfg.writeback_map, WB_WBM_PER_RANGE);
	tc_run(&t, "W1");
	STEP(&t, "WB", "wb_lock");
	STEP(&t, "WB", "clear_dirty");
	STEP(&t, "WB", "map_blocks"); /* blocks 0-1: the UNWRITTEN extent */
	assert_int_equal(wb_task(&t.m, t.w, 1)->b.io_blocks, 0x3);
	assert_int_equal(wb_task(&t.m, t.w, 1)->b.io_unwritten, 0x3);
	STEP(&t, "WB", "map_blocks"); /* blocks 2-3: the WRITTEN one */
	STEP(&t, "WB", "start_writeback");
	io = wb_io(&t.m, t.w, 0);
	assert_int_equal(io->blocks, 0xf);
	assert_int_equal(io->unwritten, 0x3);
	tc_run_all(&t);
	assert_int_equal(tc_verdict(&t, NULL), SIM_SAFE);
	tc_close(&t);

	tc_open(&t, WBM_SCENARIO("6.6"), SCENARIO_CHECK);
	assert_int_equal(t.m.cfg.writeback_map, WB_WBM_PER_BLOCK);
	tc_run(&t, "W1");
	STEP(&t, "WB", "wb_lock");
	STEP(&t, "WB", "clear_dirty");
	for (unsigned i = 0; i < 4; i++)
		STEP(&t, "WB", "map_blocks");
	STEP(&t, "WB", "start_writeback");
	io = wb_io(&t.m, t.w, 0);
	assert_int_equal(io->blocks, 0xf);
	assert_int_equal(io->unwritten, 0x3);
	tc_run_all(&t);
	assert_int_equal(tc_verdict(&t, NULL), SIM_SAFE);
	tc_close(&t);
}

/*
 * The flush waits: for the lock of a dirty folio another task holds, and at
 * the end for writeback of the range's folios; a folio writeback has locked
 * and cleaned is neither written nor waited for (its own writeback zeroes it).
 */
static void test_zero_flush_waits(void **state)
{
	struct tc t;

	(void)state;
	tc_open(&t, G363("6.12", ""), SCENARIO_CHECK);
	tc_run(&t, "M");
	STEP(&t, "TR", "rwsem_lock");
	STEP(&t, "TR", "invalidate_lock");
	STEP(&t, "TR", "iomap_begin");
	STEP(&t, "WB", "wb_lock");
	assert_null(tc_next(&t, "TR"));
	assert_non_null(strstr(tc_why(&t, "TR"), "waits for the lock of page 0"));
	STEP(&t, "WB", "clear_dirty"); /* clean, zeroed past EOF, still locked */
	STEP(&t, "WB", "map_blocks");	/* 6.12 maps the run of its two dirty blocks at once */
	STEP(&t, "WB", "start_writeback");
	assert_null(tc_next(&t, "TR")); /* page 0 under writeback: the wait waits */
	assert_non_null(strstr(tc_why(&t, "TR"), "writeback of page 0"));
	tc_run_all(&t);
	assert_int_equal(tc_verdict(&t, NULL), SIM_SAFE);
	tc_close(&t);
}

/* No dirty, locked or writeback folio in the range: range_dirty is false and nothing is flushed. */
static void test_zero_flush_clean_range(void **state)
{
	struct tc t;

	(void)state;
	tc_open(&t, "{'wbsim':1,'name':'t'," GEOM_1K ",'config':{'kernel':'6.12'},"
		    "'file':{'size':2048,'extents':[{'offset':0,'length':4096,'state':'unwritten'}]},"
		    "'tasks':[{'name':'TR','op':'truncate','size':8192}]}",
		SCENARIO_CHECK);
	STEP(&t, "TR", "rwsem_lock");
	STEP(&t, "TR", "invalidate_lock");
	assert_false(tc_z(&t, "TR")->wflags & WR_RANGE_DIRTY);
	STEP(&t, "TR", "iomap_begin");
	assert_int_equal(tc_z(&t, "TR")->pc, WP_IOMAP_END);
	tc_run_all(&t);
	assert_int_equal(tc_verdict(&t, NULL), SIM_SAFE);
	tc_close(&t);
}

/*
 * A write's EOF zeroing flushes too (g363-write-extend): the writer samples
 * range_dirty at rwsem_lock and runs zero_flush in its own slot.
 */
static void test_zero_flush_write(void **state)
{
	struct tc t;

	(void)state;
	tc_open(&t, "{'wbsim':1,'name':'t'," GEOM_1K ",'config':{'kernel':'6.12'},"
		    "'file':{'size':2048,'extents':[{'offset':0,'length':2048,'state':'written',"
		    "'data':'I'},{'offset':2048,'length':2048,'state':'unwritten'}]},'tasks':["
		    "{'name':'M','op':'mmap_write','offset':1024,'length':2048,'data':'M'},"
		    "{'name':'W','op':'write','offset':8192,'length':1024,'data':'W','after':['M']}]}",
		SCENARIO_CHECK);
	tc_run(&t, "M");
	STEP(&t, "W", "rwsem_lock");
	assert_true(tc_wr(&t, "W")->wflags & WR_RANGE_DIRTY);
	assert_int_equal(tc_wr(&t, "W")->pos, 2048);
	STEP(&t, "W", "iomap_begin");
	STEP(&t, "W", "zero_flush");
	assert_string_equal(tc_cache(&t, 0), "I*1024 M*1024 0*2048");
	tc_run_all(&t);
	assert_int_equal(tc_verdict(&t, NULL), SIM_SAFE);
	tc_close(&t);
}

/*
 * isize_extended_zero (6.13): a growing truncate's pagecache_isize_extended()
 * is a step after setsize, which waits for the folio lock and zeroes a dirty
 * EOF folio; a writeback that locked it in between writes it with the new
 * i_size (the window of eof-mmap-store-unwritten under 6.18 with skip).
 */
static void test_isize_extended_zero(void **state)
{
	struct tc t;

	(void)state;
	tc_open(&t, G363("6.18", ",'zero_dirty_unwritten':'skip'"), SCENARIO_CHECK);
	tc_run(&t, "M");
	RUN_TO(&t, "TR", "setsize");
	assert_int_equal(tc_ino(&t)->i_size, 8192);
	assert_int_equal(tc_z(&t, "TR")->pos, 2048); /* the old size, for isize_extended */
	assert_string_equal(tc_label(&t, "TR"), "isize_extended");
	STEP(&t, "TR", "isize_extended");
	assert_string_equal(tc_cache(&t, 0), "I*1024 M*1024 0*2048");
	assert_true(tc_folio(&t, 0)->flags & FOLIO_DIRTY);
	assert_int_equal(tc_z(&t, "TR")->pos, 0);
	tc_run_all(&t);
	assert_int_equal(tc_verdict(&t, NULL), SIM_SAFE);
	tc_close(&t);
	/* the window: writeback locks page 0 between setsize and isize_extended */
	tc_open(&t, G363("6.18", ",'zero_dirty_unwritten':'skip'"), SCENARIO_CHECK);
	tc_run(&t, "M");
	RUN_TO(&t, "TR", "setsize");
	STEP(&t, "WB", "wb_lock");
	assert_null(tc_next(&t, "TR"));
	STEP(&t, "WB", "clear_dirty"); /* i_size 8192: nothing past EOF to zero */
	assert_string_equal(tc_cache(&t, 0), "I*1024 M*2048 0*1024");
	tc_run(&t, "WB");
	STEP(&t, "TR", "isize_extended"); /* clean now: nothing zeroed */
	assert_string_equal(tc_cache(&t, 0), "I*1024 M*2048 0*1024");
	tc_run_all(&t);
	assert_int_equal(tc_verdict(&t, NULL), SIM_CORRUPT);
	tc_close(&t);
	/* without the switch there is no such step */
	tc_open(&t, G363("6.12", ",'zero_dirty_unwritten':'skip'"), SCENARIO_CHECK);
	tc_run(&t, "M");
	RUN_TO(&t, "TR", "setsize");
	assert_string_equal(tc_label(&t, "TR"), "rwsem_unlock");
	tc_close(&t);
}

/* A write past EOF: its pagecache_isize_extended() zeroes the dirty EOF folio in write_end. */
static void test_isize_extended_zero_write(void **state)
{
	struct tc t;

	(void)state;
	tc_open(&t, "{'wbsim':1,'name':'t'," GEOM_1K ",'config':{'kernel':'7.1',"
		    "'zero_dirty_unwritten':'skip'},"
		    "'file':{'size':2048,'extents':[{'offset':0,'length':2048,'state':'written',"
		    "'data':'I'},{'offset':2048,'length':2048,'state':'unwritten'}]},'tasks':["
		    "{'name':'M','op':'mmap_write','offset':1024,'length':2048,'data':'M'},"
		    "{'name':'W','op':'write','offset':8192,'length':1024,'data':'W','after':['M']}]}",
		SCENARIO_CHECK);
	tc_run(&t, "M");
	RUN_TO(&t, "W", "copy");
	assert_string_equal(tc_cache(&t, 0), "I*1024 M*2048 0*1024");
	STEP(&t, "W", "write_end");
	assert_string_equal(tc_cache(&t, 0), "I*1024 M*1024 0*2048");
	tc_close(&t);
}

/* g363-eof-block-4k's shape: 4 KiB blocks, size 2048, block 0 UNWRITTEN, M's store past EOF. */
#define G363_4K(kernel, store)                                                                     \
	"{'wbsim':1,'name':'t','geometry':{'block_size':4096,'page_size':4096},"                   \
	"'config':{'kernel':'" kernel "'},"                                                          \
	"'file':{'size':2048,'extents':[{'offset':0,'length':4096,'state':'unwritten'}]},'tasks':[" \
	store "{'name':'TR','op':'truncate','size':8192}]}"
#define G363_M "{'name':'M','op':'mmap_write','offset':1024,'length':2048,'data':'M'},"

/*
 * flush_eof (6.18): the dirty partial EOF block is zeroed through the page
 * cache over its UNWRITTEN mapping, with no flush; range_dirty is sampled for
 * the rest afterwards.
 */
static void test_zero_flush_eof(void **state)
{
	struct tc t;

	(void)state;
	tc_open(&t, G363_4K("6.18", G363_M), SCENARIO_CHECK);
	assert_int_equal(t.m.pack.w_wflags, 6);
	tc_run(&t, "M");
	STEP(&t, "TR", "rwsem_lock");
	STEP(&t, "TR", "invalidate_lock");
	assert_true(tc_z(&t, "TR")->wflags & WR_EOF_ZERO);
	assert_false(tc_z(&t, "TR")->wflags & WR_RANGE_DIRTY);
	STEP(&t, "TR", "iomap_begin");
	assert_int_equal(tc_z(&t, "TR")->iter_end, 4096);
	assert_int_equal(tc_z(&t, "TR")->type, WB_UNWRITTEN);
	RUN_TO(&t, "TR", "zero");
	assert_string_equal(tc_cache(&t, 0), "0*1024 M*1024 0*2048");
	RUN_TO(&t, "TR", "iomap_end");
	assert_false(tc_z(&t, "TR")->wflags & WR_EOF_ZERO);
	assert_false(tc_z(&t, "TR")->wflags & WR_RANGE_DIRTY); /* [4096,8192) has no folio */
	assert_string_equal(tc_exts(&t), "UH"); /* no flush, no conversion */
	tc_run_all(&t);
	assert_int_equal(tc_verdict(&t, NULL), SIM_SAFE);
	tc_close(&t);
	/* a clean cache: no partial-block zeroing, and range_dirty as in 6.12 */
	tc_open(&t, G363_4K("6.18", ""), SCENARIO_CHECK);
	STEP(&t, "TR", "rwsem_lock");
	STEP(&t, "TR", "invalidate_lock");
	assert_int_equal(tc_z(&t, "TR")->wflags, 0);
	tc_close(&t);
}

/*
 * batch (7.1.5): an UNWRITTEN mapping below the EOF block is trimmed to it and
 * its dirty folio zeroed from the batch, without a flush; an empty batch skips
 * it; a HOLE is skipped even with range_dirty (no HOLE flush).
 */
static void test_zero_batch(void **state)
{
	struct tc t;

	(void)state;
	tc_open(&t, G363_4K("7.1", G363_M), SCENARIO_CHECK);
	tc_run(&t, "M");
	STEP(&t, "TR", "rwsem_lock");
	STEP(&t, "TR", "invalidate_lock");
	assert_true(tc_z(&t, "TR")->wflags & WR_RANGE_DIRTY);
	STEP(&t, "TR", "iomap_begin");
	assert_int_equal(tc_z(&t, "TR")->iter_end, 4096);
	assert_int_equal(tc_z(&t, "TR")->pc, WP_FOLIO_GET);
	RUN_TO(&t, "TR", "zero");
	assert_string_equal(tc_cache(&t, 0), "0*1024 M*1024 0*2048");
	assert_string_equal(tc_exts(&t), "UH");
	tc_run_all(&t);
	assert_int_equal(tc_verdict(&t, NULL), SIM_SAFE);
	tc_close(&t);
	/* no cached folio: an empty batch, nothing zeroed, no flush */
	tc_open(&t, G363_4K("7.1", ""), SCENARIO_CHECK);
	STEP(&t, "TR", "rwsem_lock");
	STEP(&t, "TR", "invalidate_lock");
	STEP(&t, "TR", "iomap_begin");
	assert_int_equal(tc_z(&t, "TR")->pc, WP_IOMAP_END);
	tc_close(&t);
	/* g363-hole-post-eof: the HOLE is skipped though range_dirty is set */
	tc_open(&t, "{'wbsim':1,'name':'t'," GEOM_1K ",'config':{'kernel':'7.1'},"
		    "'file':{'size':2048,'extents':[{'offset':0,'length':2048,'state':'written',"
		    "'data':'I'}]},'tasks':["
		    "{'name':'M','op':'mmap_write','offset':1024,'length':2048,'data':'M'},"
		    "{'name':'TR','op':'truncate','size':8192,'after':['M']}]}",
		SCENARIO_CHECK);
	tc_run(&t, "M");
	STEP(&t, "TR", "rwsem_lock");
	STEP(&t, "TR", "invalidate_lock");
	STEP(&t, "TR", "iomap_begin");
	assert_int_equal(tc_z(&t, "TR")->pc, WP_IOMAP_END);
	assert_true(tc_z(&t, "TR")->wflags & WR_RANGE_DIRTY);
	tc_close(&t);
}

/* A fallocate past EOF zeroes through the same iteration: range_dirty at alloc_range, then the flush. */
static void test_zero_flush_fallocate(void **state)
{
	struct tc t;

	(void)state;
	tc_open(&t, "{'wbsim':1,'name':'t'," GEOM_1K ",'config':{'kernel':'6.12'},"
		    "'file':{'size':2048,'extents':[{'offset':0,'length':2048,'state':'written',"
		    "'data':'I'},{'offset':2048,'length':2048,'state':'unwritten'}]},'tasks':["
		    "{'name':'M','op':'mmap_write','offset':1024,'length':2048,'data':'M'},"
		    "{'name':'FA','op':'fallocate','offset':4096,'length':4096,'after':['M']}]}",
		SCENARIO_CHECK);
	tc_run(&t, "M");
	STEP(&t, "FA", "rwsem_lock");
	STEP(&t, "FA", "invalidate_lock");
	STEP(&t, "FA", "alloc_range");
	assert_true(tc_z(&t, "FA")->wflags & WR_RANGE_DIRTY);
	STEP(&t, "FA", "iomap_begin");
	STEP(&t, "FA", "zero_flush");
	assert_string_equal(tc_cache(&t, 0), "I*1024 M*1024 0*2048");
	tc_run_all(&t);
	assert_int_equal(tc_verdict(&t, NULL), SIM_SAFE);
	tc_close(&t);
}

/* ------------------------------------------------------------------ per-block dirty (issue 20) */

static uint16_t tc_dirty(struct tc *t, unsigned page)
{
	return *wb_dirty(&t->m, t->w, page);
}

/* The bits exist only with the switch and blocks smaller than pages; key sizes otherwise stay. */
static void test_pbd_layout(void **state)
{
	struct tc a, b;

	(void)state;
	tc_open(&a, "{'wbsim':1,'name':'t'," GEOM_1K ",'file':{'size':8192},'tasks':["
		    "{'name':'W','op':'write','offset':0,'length':1024,'data':'A'}]}",
		SCENARIO_CHECK);
	tc_open(&b, "{'wbsim':1,'name':'t'," GEOM_1K ",'config':{'kernel':'6.6'},"
		    "'file':{'size':8192},'tasks':["
		    "{'name':'W','op':'write','offset':0,'length':1024,'data':'A'}]}",
		SCENARIO_CHECK);
	assert_false(a.m.pbd);
	assert_true(b.m.pbd);
	assert_int_equal(a.m.pack.w_dirty, 0);
	assert_int_equal(b.m.pack.w_dirty, 4);
	assert_true(b.m.pack.bytes > a.m.pack.bytes);
	assert_true(b.m.size >= a.m.size);
	/* the encoding tells worlds apart by their dirty bits, and by a pass's copy of them */
	tc_run(&b, "W");
	uint8_t *k1 = wb_xcalloc(1, b.m.pack.bytes), *k2 = wb_xcalloc(1, b.m.pack.bytes);
	wb_pack(&b.m, b.w, k1);
	*wb_dirty(&b.m, b.w, 1) ^= 0x8;
	wb_pack(&b.m, b.w, k2);
	assert_memory_not_equal(k1, k2, b.m.pack.bytes);
	*wb_dirty(&b.m, b.w, 1) ^= 0x8;
	wb_pack(&b.m, b.w, k2);
	assert_memory_equal(k1, k2, b.m.pack.bytes);
	free(k1);
	free(k2);
	tc_close(&a);
	tc_close(&b);
	tc_open(&b, "{'wbsim':1,'name':'t'," GEOM_1K ",'config':{'kernel':'6.6'},"
		    "'file':{'size':4096},'tasks':["
		    "{'name':'W','op':'write','offset':0,'length':1024,'data':'A'},"
		    "{'name':'WB','op':'writeback','after':['W']}]}",
		SCENARIO_CHECK);
	tc_run(&b, "W");
	STEP(&b, "WB", "wb_lock");
	STEP(&b, "WB", "clear_dirty");
	assert_int_equal(tc_wb(&b, "WB")->todo, 0x1);
	k1 = wb_xcalloc(1, b.m.pack.bytes);
	k2 = wb_xcalloc(1, b.m.pack.bytes);
	wb_pack(&b.m, b.w, k1);
	tc_wb(&b, "WB")->todo = 0x3;
	wb_pack(&b.m, b.w, k2);
	assert_memory_not_equal(k1, k2, b.m.pack.bytes);
	free(k1);
	free(k2);
	tc_close(&b);
	/* one block per page: no bits, the same world and key as 6.2 */
	tc_open(&a, "{'wbsim':1,'name':'t'," C1_FILE ",'tasks':["
		    "{'name':'W','op':'write','offset':0,'length':1024,'data':'A'}]}",
		SCENARIO_CHECK);
	tc_open(&b, "{'wbsim':1,'name':'t','config':{'kernel':'7.1'}," C1_FILE ",'tasks':["
		    "{'name':'W','op':'write','offset':0,'length':1024,'data':'A'}]}",
		SCENARIO_CHECK);
	assert_true(b.sc->config.per_block_dirty);
	assert_false(b.m.pbd);
	assert_int_equal(a.m.pack.bytes, b.m.pack.bytes);
	assert_int_equal(a.m.size, b.m.size);
	tc_close(&a);
	tc_close(&b);
}

/*
 * __iomap_write_end() (6.6): the blocks the copy covered are dirty, not the
 * whole folio; iomap_writepage_map() writes those only, where 6.2 writes every
 * uptodate block of the dirty folio.
 */
static void test_pbd_write_end_and_writeback(void **state)
{
	static const char *const sc[] = {
		"{'wbsim':1,'name':'t'," GEOM_1K ",'config':{'kernel':'6.2'},"
		"'file':{'size':4096,'extents':[{'offset':0,'length':4096,'state':'written',"
		"'data':'X'}]},'tasks':[{'name':'R','op':'read_fault','page':0},"
		"{'name':'W','op':'write','offset':1024,'length':1536,'data':'A','after':['R']},"
		"{'name':'WB','op':'writeback','after':['W']}]}",
		"{'wbsim':1,'name':'t'," GEOM_1K ",'config':{'kernel':'6.6'},"
		"'file':{'size':4096,'extents':[{'offset':0,'length':4096,'state':'written',"
		"'data':'X'}]},'tasks':[{'name':'R','op':'read_fault','page':0},"
		"{'name':'W','op':'write','offset':1024,'length':1536,'data':'A','after':['R']},"
		"{'name':'WB','op':'writeback','after':['W']}]}",
	};

	(void)state;
	for (int k = 0; k < 2; k++) {
		struct tc t;
		struct folio *f;
		struct wb_io *io;

		tc_open(&t, sc[k], SCENARIO_CHECK);
		f = tc_folio(&t, 0);
		tc_run(&t, "R");
		assert_int_equal(f->uptodate, FULL);
		if (k)
			assert_int_equal(tc_dirty(&t, 0), 0);
		tc_run(&t, "W");
		assert_true(f->flags & FOLIO_DIRTY);
		if (k)
			assert_int_equal(tc_dirty(&t, 0), 0x6); /* blocks 1 and 2 */
		STEP(&t, "WB", "wb_lock");
		STEP(&t, "WB", "clear_dirty");
		assert_false(f->flags & FOLIO_DIRTY);
		if (k) {
			assert_int_equal(tc_dirty(&t, 0), 0);
			assert_int_equal(tc_wb(&t, "WB")->todo, 0x6);
		}
		/* one map_blocks per block to write: four in 6.2, two in 6.6 */
		for (int i = 0; i < (k ? 2 : 4); i++)
			STEP(&t, "WB", "map_blocks");
		STEP(&t, "WB", "start_writeback");
		io = wb_io(&t.m, t.w, 0);
		assert_int_equal(io->blocks, k ? 0x6 : FULL);
		assert_int_equal(tc_wb(&t, "WB")->todo, 0);
		tc_run_all(&t);
		assert_int_equal(tc_verdict(&t, NULL), SIM_SAFE);
		assert_string_equal(tc_disk(&t, 0, 4), "X*1024 A*1536 X*1536");
		tc_close(&t);
	}
}

/*
 * page_mkwrite: iomap_dirty_folio() marks every block of the folio dirty, past
 * EOF too; writeback still maps only the blocks below EOF.
 */
static void test_pbd_mkwrite_dirties_folio(void **state)
{
	struct tc t;

	(void)state;
	tc_open(&t, "{'wbsim':1,'name':'t'," GEOM_1K ",'config':{'kernel':'6.6'},"
		    "'file':{'size':2048},'tasks':["
		    "{'name':'P','op':'mmap_write','offset':0,'length':512,'data':'P'},"
		    "{'name':'WB','op':'writeback','after':['P']}]}",
		SCENARIO_CHECK);
	RUN_TO(&t, "P", "mkwrite_iomap_begin");
	assert_int_equal(tc_dirty(&t, 0), FULL);
	assert_string_equal(tc_exts(&t), "DDHH"); /* reserved below EOF only */
	tc_run(&t, "P");
	STEP(&t, "WB", "wb_lock");
	STEP(&t, "WB", "clear_dirty");
	assert_int_equal(tc_wb(&t, "WB")->todo, FULL);
	STEP(&t, "WB", "map_blocks");
	STEP(&t, "WB", "map_blocks");
	STEP(&t, "WB", "start_writeback");
	assert_int_equal(wb_io(&t.m, t.w, 0)->blocks, 0x3);
	tc_run_all(&t);
	assert_int_equal(tc_verdict(&t, NULL), SIM_SAFE);
	tc_close(&t);
}

/*
 * iomap_write_delalloc_ifs_punch() (6.6): the failure scan keeps DELALLOC
 * under the dirty blocks of a dirty folio only (scenarios/pbd-punch-clean-blocks).
 */
static void test_pbd_scan_punches_clean_blocks(void **state)
{
	static const char *const kernels[] = { "6.2", "6.6" };

	(void)state;
	for (int k = 0; k < 2; k++) {
		char text[1024];
		struct tc t;

		snprintf(text, sizeof(text),
			 "{'wbsim':1,'name':'t'," GEOM_1K ",'config':{'kernel':'%s'},"
			 "'file':{'size':4096},'tasks':[{'name':'R','op':'read_fault','page':0},"
			 "{'name':'W','op':'write','offset':0,'length':4096,'data':'A',"
			 "'short_copy_at':1024,'after':['R']}]}",
			 kernels[k]);
		tc_open(&t, text, SCENARIO_CHECK);
		tc_run(&t, "R");
		RUN_TO(&t, "W", "write_end");
		assert_string_equal(tc_exts(&t), "DDDD");
		if (k)
			assert_int_equal(tc_dirty(&t, 0), 0x1);
		const char *d = STEP(&t, "W", "iomap_end");
		assert_non_null(strstr(d, "release unused reservation [1024,4096)"));
		assert_string_equal(tc_exts(&t), k ? "DHHH" : "DDDD");
		tc_run_all(&t);
		assert_int_equal(tc_verdict(&t, NULL), SIM_SAFE);
		tc_close(&t);
	}
}

/*
 * The oracle's page-cache view: a rejected short copy leaves a zeroed run
 * uptodate and clean (scenarios/pbd-short-copy-clean-blocks).  From 6.6 the
 * disk is right and the exposure is in the cache; 6.2 writes it to disk.
 */
static void test_pbd_oracle_cache_view(void **state)
{
	static const char *const kernels[] = { "6.2", "6.6" };

	(void)state;
	for (int k = 0; k < 2; k++) {
		char text[1024];
		struct wb_report rep;
		struct tc t;

		snprintf(text, sizeof(text),
			 "{'wbsim':1,'name':'t'," GEOM_1K ",'config':{'kernel':'%s'},"
			 "'file':{'size':4096},'tasks':[{'name':'W','op':'write','offset':512,"
			 "'length':2048,'data':'A','short_copy_at':1024},"
			 "{'name':'WB','op':'writeback','after':['W']}]}",
			 kernels[k]);
		tc_open_prov(&t, text, SCENARIO_CHECK);
		assert_true(t.m.uninit);
		tc_run(&t, "W");
		assert_int_equal(tc_folio(&t, 0)->uptodate, 0x7);
		if (k)
			assert_int_equal(tc_dirty(&t, 0), 0x1);
		assert_string_equal(tc_exts(&t), k ? "DHHH" : "DDDH");
		tc_run_all(&t);
		assert_int_equal(tc_verdict(&t, &rep), SIM_CORRUPT);
		assert_true(rep.exposed);
		assert_int_equal(rep.offset, 1024);
		assert_int_equal(rep.length, 1536);
		if (k) {
			assert_string_equal(tc_disk(&t, 0, 1), "0*512 A*512");
			assert_string_equal(tc_exts(&t), "WHHH");
			assert_non_null(strstr(rep.provenance, "uptodate but clean in the page cache"));
		} else {
			assert_null(strstr(rep.provenance, "page cache"));
		}
		tc_close(&t);
	}
}

/* Invariants: a dirty block is uptodate, and the folio is dirty iff a block is. */
static void test_pbd_invariants(void **state)
{
	struct tc t;
	char msg[256];

	(void)state;
	tc_open(&t, "{'wbsim':1,'name':'t'," GEOM_1K ",'config':{'kernel':'6.6'},"
		    "'file':{'size':4096},'tasks':[{'name':'W','op':'write','offset':0,"
		    "'length':1024,'data':'A'}]}",
		SCENARIO_CHECK);
	tc_run(&t, "W");
	assert_int_equal(wb_world_check(&t.m, t.w, msg, sizeof(msg)), 0);
	*wb_dirty(&t.m, t.w, 0) |= 0x2; /* block 1 is not uptodate */
	assert_int_not_equal(wb_world_check(&t.m, t.w, msg, sizeof(msg)), 0);
	assert_non_null(strstr(msg, "not uptodate"));
	*wb_dirty(&t.m, t.w, 0) = 0; /* the folio says dirty */
	assert_int_not_equal(wb_world_check(&t.m, t.w, msg, sizeof(msg)), 0);
	tc_close(&t);
}

/* ------------------------------------------------------------------ 6.11's rework (issue 20) */

/*
 * write_failed_truncate: a STALE mapping of a chunk past EOF.  always (up to
 * 6.10): iomap_write_failed() truncates the new folio; rejected_only (6.11+):
 * iomap_write_begin() only puts it, and the remap finds it again.
 */
static void test_write_failed_truncate_stale(void **state)
{
	static const char *const vals[] = { "always", "rejected_only" };

	(void)state;
	for (unsigned i = 0; i < 2; i++) {
		struct tc t;
		char json[1024];
		struct folio *f1;
		struct wb_writer *wr;

		snprintf(json, sizeof(json),
			 "{'wbsim':1,'name':'t'," GEOM_1K ",'config':{'write_failed_truncate':'%s'},"
			 "'file':{'size':4096},'tasks':["
			 "{'name':'W','op':'write','offset':4096,'length':4096,'data':'A'},"
			 "{'name':'P','op':'mmap_write','offset':0,'length':1024,'data':'P'}]}",
			 vals[i]);
		tc_open(&t, json, SCENARIO_CHECK);
		assert_int_equal(t.m.cfg.write_failed_truncate, i);
		f1 = tc_folio(&t, 1);
		wr = tc_wr(&t, "W");
		STEP(&t, "W", "rwsem_lock");
		STEP(&t, "W", "iomap_begin");
		STEP(&t, "W", "folio_get");
		tc_run(&t, "P"); /* mkwrite reserves DELALLOC over page 0: seq moves on */
		const char *d = STEP(&t, "W", "iomap_valid");
		assert_true(wr->flags & IOMAP_F_STALE);
		if (i == 0) {
			assert_non_null(strstr(d, "iomap_write_failed: truncate [4096,8192)"));
			assert_int_equal(f1->flags, 0);
		} else {
			assert_null(strstr(d, "iomap_write_failed"));
			assert_int_equal(f1->flags, FOLIO_PRESENT); /* clean, !uptodate, cached */
			assert_int_equal(f1->uptodate, 0);
			assert_int_equal(f1->locked, 0);
			STEP(&t, "W", "iomap_end");
			STEP(&t, "W", "iomap_begin");
			d = STEP(&t, "W", "folio_get");
			assert_non_null(strstr(d, "page 1 found"));
		}
		tc_run_all(&t);
		assert_string_equal(tc_expected(&t), "P*1024 0*3072 A*4096");
		assert_int_equal(tc_verdict(&t, NULL), SIM_SAFE);
		tc_close(&t);
	}
}

/*
 * write_failed_truncate: short copies past EOF.  An accepted one truncates
 * [copy end, chunk end) only with always; a rejected one truncates
 * [position, chunk end) with both (iomap_write_iter() of 6.12 still calls
 * iomap_write_failed(pos, bytes) when written is 0).
 */
static void test_write_failed_truncate_short_copy(void **state)
{
	static const char *const vals[] = { "always", "rejected_only" };

	(void)state;
	for (unsigned i = 0; i < 2; i++) {
		struct tc t;
		char json[1024];

		/* accepted: one 4 KiB block, uptodate after write_begin (short-copy-extend) */
		snprintf(json, sizeof(json),
			 "{'wbsim':1,'name':'t','config':{'write_failed_truncate':'%s'},"
			 "'file':{'size':0,'extents':[{'offset':0,'length':4096,'state':'unwritten'}]},"
			 "'tasks':[{'name':'W','op':'write','offset':1024,'length':3072,'data':'A',"
			 "'short_copy_at':2048}]}",
			 vals[i]);
		tc_open(&t, json, SCENARIO_CHECK);
		RUN_TO(&t, "W", "copy");
		const char *d = STEP(&t, "W", "write_end");
		assert_int_equal(tc_ino(&t)->i_size, 2048);
		if (i == 0) {
			assert_non_null(strstr(d, "iomap_write_failed: truncate [2048,4096)"));
			assert_string_equal(tc_cache(&t, 0), "0*1024 A*1024 0*2048");
		} else {
			assert_null(strstr(d, "iomap_write_failed"));
			assert_string_equal(tc_cache(&t, 0), "0*1024 A*1024 ?*2048");
			assert_true(tc_folio(&t, 0)->flags & FOLIO_DIRTY);
		}
		tc_run_all(&t);
		assert_int_equal(tc_verdict(&t, NULL), SIM_SAFE); /* past EOF: not file data */
		tc_close(&t);

		/* rejected: block 3 of the folio stays !uptodate, so the copy counts 0 */
		snprintf(json, sizeof(json),
			 "{'wbsim':1,'name':'t'," GEOM_1K ",'config':{'write_failed_truncate':'%s'},"
			 "'file':{'size':0},'tasks':[{'name':'W','op':'write','offset':512,"
			 "'length':2048,'data':'A','short_copy_at':1024}]}",
			 vals[i]);
		tc_open(&t, json, SCENARIO_CHECK);
		RUN_TO(&t, "W", "copy");
		d = STEP(&t, "W", "write_end");
		assert_non_null(strstr(d, "0 bytes"));
		assert_non_null(strstr(d, "iomap_write_failed: truncate [512,2560)"));
		tc_run_all(&t);
		assert_int_equal(tc_ino(&t)->i_size, 1024);
		tc_close(&t);
	}
}

/*
 * zero_rework (6.11+): a write's EOF zeroing through the page cache leaves
 * i_size alone and holds the invalidate_lock, which a page fault waits for,
 * until the zeroing is done.
 */
static void test_zero_rework_write_zeroing(void **state)
{
	(void)state;
	for (unsigned rework = 0; rework < 2; rework++) {
		struct tc t;
		char json[1024];
		unsigned w2;

		snprintf(json, sizeof(json),
			 "{'wbsim':1,'name':'t','config':{'zero_rework':%s},'file':{'size':0},"
			 "'tasks':[{'name':'W1','op':'write','offset':0,'length':2048,'data':'A'},"
			 "{'name':'W2','op':'write','offset':8192,'length':4096,'data':'B',"
			 "'after':['W1']},"
			 "{'name':'R','op':'read_fault','page':0,'after':['W1']}]}",
			 rework ? "true" : "false");
		tc_open(&t, json, SCENARIO_CHECK);
		w2 = tc_task(&t, "W2");
		tc_run(&t, "W1");
		assert_int_equal(tc_ino(&t)->i_size, 2048);
		STEP(&t, "W2", "rwsem_lock");
		if (rework) {
			assert_int_equal(tc_ino(&t)->inval_excl, w2 + 1);
			assert_true(tc_wr(&t, "W2")->wflags & WR_INVAL);
			assert_null(tc_next(&t, "R"));
			assert_non_null(strstr(tc_why(&t, "R"), "invalidate_lock"));
		} else {
			assert_int_equal(tc_ino(&t)->inval_excl, 0);
		}
		/* block 0 is DELALLOC below the EOF block: zeroed through the cache */
		STEP(&t, "W2", "iomap_begin");
		assert_int_equal(tc_wr(&t, "W2")->type, WB_DELALLOC);
		RUN_TO(&t, "W2", "write_end");
		assert_string_equal(tc_cache(&t, 0), "A*2048 0*2048");
		assert_int_equal(tc_ino(&t)->i_size, rework ? 2048 : 4096);
		const char *d = STEP(&t, "W2", "iomap_end");
		assert_int_equal(tc_ino(&t)->inval_excl, rework ? w2 + 1 : 0); /* the HOLE is next */
		STEP(&t, "W2", "iomap_begin");
		d = STEP(&t, "W2", "iomap_end");
		assert_non_null(strstr(d, "zeroing done"));
		assert_int_equal(tc_ino(&t)->inval_excl, 0);
		assert_false(tc_wr(&t, "W2")->wflags & WR_INVAL);
		assert_int_equal(rework, strstr(d, "invalidate_lock released") != NULL);
		assert_non_null(tc_next(&t, "R"));
		tc_run_all(&t);
		assert_int_equal(tc_ino(&t)->i_size, 12288);
		assert_int_equal(tc_verdict(&t, NULL), SIM_SAFE);
		tc_close(&t);
	}
}

/*
 * zero_rework (6.11+): the zeroing's iomap_begin over DELALLOC at or past the
 * EOF block truncates the page cache from its position and converts the
 * extent to UNWRITTEN, which it then skips; without it the DELALLOC blocks are
 * zeroed through the page cache.
 */
static void test_zero_rework_convert_delalloc(void **state)
{
	(void)state;
	for (unsigned rework = 0; rework < 2; rework++) {
		struct tc t;
		char json[1024];

		snprintf(json, sizeof(json),
			 "{'wbsim':1,'name':'t'," GEOM_1K ",'config':{'zero_rework':%s},"
			 "'file':{'size':2048,'extents':[{'offset':0,'length':2048,'state':'written',"
			 "'data':'I'},{'offset':2048,'length':2048,'state':'delalloc'}]},"
			 "'tasks':[{'name':'TR','op':'truncate','size':8192}]}",
			 rework ? "true" : "false");
		tc_open(&t, json, SCENARIO_CHECK);
		uint32_t seq = tc_seq(&t);
		RUN_TO(&t, "TR", "invalidate_lock");
		const char *d = STEP(&t, "TR", "iomap_begin");
		if (rework) {
			assert_non_null(strstr(d, "DELALLOC at or past the EOF block"));
			assert_string_equal(tc_exts(&t), "WWUUHHHH");
			assert_int_equal(tc_seq(&t), seq + 1);
			assert_int_equal(tc_z(&t, "TR")->type, WB_UNWRITTEN);
			assert_int_equal(tc_z(&t, "TR")->pc, WP_IOMAP_END); /* skipped */
		} else {
			assert_string_equal(tc_exts(&t), "WWDDHHHH");
			assert_int_equal(tc_z(&t, "TR")->type, WB_DELALLOC);
			assert_int_not_equal(tc_z(&t, "TR")->pc, WP_IOMAP_END);
		}
		tc_run_all(&t);
		assert_int_equal(tc_ino(&t)->i_size, 8192);
		assert_int_equal(tc_verdict(&t, NULL), SIM_SAFE);
		tc_close(&t);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_world_covers_every_task),
		cmocka_unit_test(test_read_fault_absent_page),
		cmocka_unit_test(test_read_fault_cached_page),
		cmocka_unit_test(test_read_fault_and_invalidate_lock),
		cmocka_unit_test(test_mmap_write_fault_sequence),
		cmocka_unit_test(test_mmap_write_protect_refaults),
		cmocka_unit_test(test_mmap_write_folio_gone),
		cmocka_unit_test(test_mmap_write_sigbus),
		cmocka_unit_test(test_mmap_write_mkwrite_iomap_end),
		cmocka_unit_test(test_short_copy_not_uptodate),
		cmocka_unit_test(test_short_copy_uptodate),
		cmocka_unit_test(test_short_copy_at_first_byte),
		cmocka_unit_test(test_cleanup_truncate_punch),
		cmocka_unit_test(test_cleanup_truncate_partial_folio),
		cmocka_unit_test(test_cleanup_locked_truncate_punch),
		cmocka_unit_test(test_cleanup_scan_punch),
		cmocka_unit_test(test_drop_writes),
		cmocka_unit_test(test_punch),
		cmocka_unit_test(test_fallocate),
		cmocka_unit_test(test_truncate),
		cmocka_unit_test(test_truncate_order_in_oracle),
		cmocka_unit_test(test_writeback_fdatawait),
		cmocka_unit_test(test_write_zeroing),
		cmocka_unit_test(test_iomap_write_failed),
		cmocka_unit_test(test_stable_pages),
		cmocka_unit_test(test_config_precedence),
		cmocka_unit_test(test_config_presets),
		cmocka_unit_test(test_ioend_type_fixed_at_map),
		cmocka_unit_test(test_ioend_convert_allocates_delalloc),
		cmocka_unit_test(test_punch_subpage_flush),
		cmocka_unit_test(test_punch_subpage_waits),
		cmocka_unit_test(test_truncate_subpage_flush),
		cmocka_unit_test(test_truncate_flush_folio_at_size),
		cmocka_unit_test(test_fallocate_delalloc_record_whole),
		/* issue 15 */
		cmocka_unit_test(test_short_copy_exposes_uninit),
		cmocka_unit_test(test_write_zeroing_stale),
		cmocka_unit_test(test_stale_remap_full_chunk),
		cmocka_unit_test(test_mmap_store_past_eof),
		cmocka_unit_test(test_truncate_up_zeroes_past_eof),
		cmocka_unit_test(test_setattr_zero_stale),
		cmocka_unit_test(test_new_folio_and_truncate_provenance),
		cmocka_unit_test(test_fault_refs_limit),
		/* issue 20: per-block dirty */
		cmocka_unit_test(test_pbd_layout),
		cmocka_unit_test(test_pbd_write_end_and_writeback),
		cmocka_unit_test(test_pbd_mkwrite_dirties_folio),
		cmocka_unit_test(test_pbd_scan_punches_clean_blocks),
		cmocka_unit_test(test_pbd_oracle_cache_view),
		cmocka_unit_test(test_pbd_invariants),
		cmocka_unit_test(test_zero_flush_steps),
		cmocka_unit_test(test_zero_flush_waits),
		cmocka_unit_test(test_writeback_map),
		cmocka_unit_test(test_writeback_bit_before_map),
		cmocka_unit_test(test_truncate_no_flush_612),
		cmocka_unit_test(test_zero_flush_clean_range),
		cmocka_unit_test(test_zero_flush_write),
		cmocka_unit_test(test_isize_extended_zero),
		cmocka_unit_test(test_isize_extended_zero_write),
		cmocka_unit_test(test_zero_flush_eof),
		cmocka_unit_test(test_zero_batch),
		cmocka_unit_test(test_zero_flush_fallocate),
		cmocka_unit_test(test_write_failed_truncate_stale),
		cmocka_unit_test(test_write_failed_truncate_short_copy),
		cmocka_unit_test(test_zero_rework_write_zeroing),
		cmocka_unit_test(test_zero_rework_convert_delalloc),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
