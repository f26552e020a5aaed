/* SPDX-License-Identifier: MIT */
/*
 * test_folios.c - large folios (write_folios, geometry max_folio_size).
 *
 * The order a write's new folio gets (fgf_set_order() and
 * __filemap_get_folio(): alignment to the index's lowest set bit, order 1
 * refused up to 6.8, one order lower while a page of the range is cached);
 * the validity check once per folio; reclaim of a whole folio; the split of
 * truncate (a clean folio split and its pages inside the range removed, a
 * dirty one kept whole); short copies (a rejected copy halves the chunk, an
 * accepted one dirties the copied blocks); faults on a page of a large folio
 * (the whole folio's reference, lock, read and dirtying, the one page's
 * PTE); and that with folios of a page
 * nothing of the world's layout or encoding changes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "model/actor.h"
#include "model/config.h"
#include "model/scenario.h"
#include "model/world.h"

/*
 * A 32 KiB file (8 pages) preallocated UNWRITTEN, folios up to 16 KiB; W1 writes its first
 * 16 KiB; W2 (not run) makes the granule 2 KiB.
 */
static const char *const text =
	"{ \"wbsim\": 1, \"name\": \"t\","
	"  \"geometry\": { \"block_size\": 4096, \"page_size\": 4096, \"max_folio_size\": 16384 },"
	"  \"file\": { \"size\": 32768, \"extents\": [ { \"offset\": 0, \"length\": 32768,"
	"    \"state\": \"unwritten\" } ] },"
	"  \"tasks\": [ { \"name\": \"W1\", \"op\": \"write\", \"offset\": 0, \"length\": 16384,"
	"    \"data\": \"A\" },"
	"    { \"name\": \"RC\", \"op\": \"reclaim\", \"evictions\": 1 },"
	"    { \"name\": \"W2\", \"op\": \"write\", \"offset\": 6144, \"length\": 2048,"
	"      \"data\": \"B\" } ] }";

struct fx {
	struct wb_scenario *sc;
	struct wb_model m;
	void *w;
};

static void fx_init(struct fx *x, const char *scenario, const char *setting)
{
	struct wb_config cfg;
	char err[256];

	x->sc = wb_scenario_load_buffer("t.json", scenario, strlen(scenario), stderr);
	assert_non_null(x->sc);
	cfg = x->sc->config;
	if (setting)
		assert_int_equal(wb_config_apply_list(&cfg, setting, err, sizeof(err)), 0);
	wb_model_init(&x->m, x->sc, &cfg);
	x->w = wb_world_new(&x->m);
}

static void fx_free(struct fx *x)
{
	free(x->w);
	wb_scenario_free(x->sc);
}

static void cache(struct fx *x, unsigned p)
{
	wb_folio(&x->m, x->w, p)->flags = FOLIO_PRESENT;
}

static void test_order_rules(void **state)
{
	struct fx x;

	(void)state;
	fx_init(&x, text, "kernel=6.12");
	assert_true(x.m.lf);
	assert_int_equal(x.m.max_order, 2);
	/* fgf_set_order(len): floor(log2(len)) - PAGE_SHIFT, clamped to the largest folio */
	assert_int_equal(wb_new_folio_order(&x.m, x.w, 0, 16384), 2);
	assert_int_equal(wb_new_folio_order(&x.m, x.w, 0, 14336), 1);
	assert_int_equal(wb_new_folio_order(&x.m, x.w, 0, 8192), 1);
	assert_int_equal(wb_new_folio_order(&x.m, x.w, 0, 8191), 0);
	assert_int_equal(wb_new_folio_order(&x.m, x.w, 0, 4097), 0);
	assert_int_equal(wb_new_folio_order(&x.m, x.w, 0, 4096), 0);
	assert_int_equal(wb_new_folio_order(&x.m, x.w, 0, 32768), 2);
	/* an index not aligned to the order: its lowest set bit */
	assert_int_equal(wb_new_folio_order(&x.m, x.w, 2, 16384), 1);
	assert_int_equal(wb_new_folio_order(&x.m, x.w, 1, 16384), 0);
	assert_int_equal(wb_new_folio_order(&x.m, x.w, 4, 16384), 2);
	assert_int_equal(wb_new_folio_order(&x.m, x.w, 6, 8192), 1);
	/* a cached page in the range: one order lower, until none is */
	cache(&x, 3);
	assert_int_equal(wb_new_folio_order(&x.m, x.w, 0, 16384), 1);
	cache(&x, 1);
	assert_int_equal(wb_new_folio_order(&x.m, x.w, 0, 16384), 0);
	fx_free(&x);

	/* 6.6 to 6.8: order 1 becomes 0, also on the way down */
	fx_init(&x, text, "kernel=6.6");
	assert_int_equal(x.m.cfg.write_folios, WB_WF_LARGE_NO_ORDER1);
	assert_int_equal(wb_new_folio_order(&x.m, x.w, 0, 16384), 2);
	assert_int_equal(wb_new_folio_order(&x.m, x.w, 0, 14336), 0);
	assert_int_equal(wb_new_folio_order(&x.m, x.w, 2, 16384), 0);
	cache(&x, 3);
	assert_int_equal(wb_new_folio_order(&x.m, x.w, 0, 16384), 0);
	fx_free(&x);

	/* folios of a page: order 0 whatever the length, no large-folio state */
	fx_init(&x, text, "kernel=6.2");
	assert_false(x.m.lf);
	assert_int_equal(wb_new_folio_order(&x.m, x.w, 0, 16384), 0);
	fx_free(&x);
}

/* With folios of a page (write_folios=page, or max_folio_size = page) the world is as before. */
static void test_layout_unchanged(void **state)
{
	static const char *const plain =
		"{ \"wbsim\": 1, \"name\": \"t\","
		"  \"file\": { \"size\": 16384, \"extents\": [ { \"offset\": 0, \"length\": 16384,"
		"    \"state\": \"unwritten\" } ] },"
		"  \"tasks\": [ { \"name\": \"W1\", \"op\": \"write\", \"offset\": 0,"
		"    \"length\": 16384, \"data\": \"A\" } ] }";
	struct fx a, b, c;

	(void)state;
	fx_init(&a, plain, "kernel=6.2");
	fx_init(&b, plain, "kernel=6.12");
	fx_init(&c, text, "kernel=6.2");
	assert_false(b.m.lf);
	assert_int_equal(a.m.size, b.m.size);
	assert_int_equal(a.m.pack.bytes, b.m.pack.bytes);
	assert_int_equal(c.m.mfb, c.m.bpp);
	assert_int_equal(c.m.pack.w_forder, 0);
	fx_free(&a);
	fx_free(&b);
	fx_free(&c);
}

/* Run task t alone to its end; count its steps named `name`. */
static unsigned run_task(struct fx *x, unsigned t, const char *name)
{
	struct sim_action acts[256];
	unsigned count = 0;

	for (unsigned guard = 0; guard < 1000; guard++) {
		unsigned n = wb_sim_ops.enabled(&x->m, x->w, acts), i;
		for (i = 0; i < n && WB_ACTION_SLOT(acts[i].id) != t; i++)
			;
		if (i == n)
			return count;
		const struct wb_step_def *s = wb_task_step(&x->m, x->w, t);
		if (s && !strcmp(s->name, name))
			count++;
		wb_sim_ops.apply(&x->m, x->w, acts[i].id);
		char msg[256];
		assert_int_equal(wb_world_check(&x->m, x->w, msg, sizeof(msg)), 0);
	}
	fail_msg("task %u did not finish", t);
	return count;
}

static void test_once_per_folio(void **state)
{
	struct fx x;

	(void)state;
	/* one 16 KiB folio: one folio_get, one iomap_valid */
	fx_init(&x, text, "kernel=6.12");
	assert_int_equal(run_task(&x, 0, "iomap_valid"), 1);
	assert_int_equal(wb_forder(&x.m, x.w, 0), 2);
	assert_int_equal(wb_forder(&x.m, x.w, 3), 2);
	assert_int_equal(wb_fhead(&x.m, x.w, 3), 0);
	assert_true(wb_folio(&x.m, x.w, 3)->flags & FOLIO_DIRTY);
	assert_int_equal(wb_folio_dirty(&x.m, x.w, 2), 0xf);
	fx_free(&x);
	/* folios of a page: four */
	fx_init(&x, text, "kernel=6.2");
	assert_int_equal(run_task(&x, 0, "iomap_valid"), 4);
	fx_free(&x);
}

static void test_reclaim_whole_folio(void **state)
{
	struct fx x;
	struct sim_action acts[256];
	unsigned n, i, ev = 0;

	(void)state;
	fx_init(&x, text, "kernel=6.12");
	run_task(&x, 0, "");
	/* dirty: reclaim may not take it */
	n = wb_sim_ops.enabled(&x.m, x.w, acts);
	for (i = 0; i < n; i++)
		assert_int_not_equal(WB_ACTION_SLOT(acts[i].id), 1);
	/* cleaned (as writeback would): one candidate, the head page */
	wb_folio_flags(&x.m, x.w, 0, 0, FOLIO_DIRTY);
	for (unsigned p = 0; p < 4; p++)
		*wb_dirty(&x.m, x.w, p) = 0;
	n = wb_sim_ops.enabled(&x.m, x.w, acts);
	for (i = 0; i < n; i++)
		if (WB_ACTION_SLOT(acts[i].id) == 1) {
			assert_int_equal(WB_ACTION_ARG(acts[i].id), 0);
			ev++;
		}
	assert_int_equal(ev, 1);
	wb_sim_ops.apply(&x.m, x.w, WB_ACTION(1, 0));
	for (unsigned p = 0; p < 4; p++) {
		assert_false(wb_folio(&x.m, x.w, p)->flags & FOLIO_PRESENT);
		assert_int_equal(wb_forder(&x.m, x.w, p), 0);
	}
	char msg[256];
	assert_int_equal(wb_world_check(&x.m, x.w, msg, sizeof(msg)), 0);
	fx_free(&x);
}

static void test_truncate_split(void **state)
{
	struct fx x;
	char msg[256];

	(void)state;
	/* a clean order-2 folio: split, the pages wholly inside removed, the rest zeroed */
	fx_init(&x, text, "kernel=6.12");
	run_task(&x, 0, "");
	wb_folio_flags(&x.m, x.w, 0, 0, FOLIO_DIRTY);
	for (unsigned p = 0; p < 4; p++)
		*wb_dirty(&x.m, x.w, p) = 0;
	wb_truncate_pagecache(&x.m, x.w, 6144, 16384);
	assert_true(wb_folio(&x.m, x.w, 0)->flags & FOLIO_PRESENT);
	assert_true(wb_folio(&x.m, x.w, 1)->flags & FOLIO_PRESENT);
	assert_false(wb_folio(&x.m, x.w, 2)->flags & FOLIO_PRESENT);
	assert_false(wb_folio(&x.m, x.w, 3)->flags & FOLIO_PRESENT);
	for (unsigned p = 0; p < 4; p++)
		assert_int_equal(wb_forder(&x.m, x.w, p), 0);
	assert_int_equal(wb_cache(&x.m, x.w, 1)[(6144 - 4096) / x.m.gran], 0);
	assert_int_equal(wb_cache(&x.m, x.w, 1)[0], 'A');
	assert_int_equal(wb_world_check(&x.m, x.w, msg, sizeof(msg)), 0);
	fx_free(&x);

	/* a dirty one cannot be split (iomap_release_folio() refuses): kept whole, zeroed */
	fx_init(&x, text, "kernel=6.12");
	run_task(&x, 0, "");
	wb_truncate_pagecache(&x.m, x.w, 6144, 16384);
	for (unsigned p = 0; p < 4; p++) {
		assert_true(wb_folio(&x.m, x.w, p)->flags & FOLIO_PRESENT);
		assert_int_equal(wb_forder(&x.m, x.w, p), 2);
	}
	assert_int_equal(wb_cache(&x.m, x.w, 3)[0], 0);
	assert_int_equal(wb_world_check(&x.m, x.w, msg, sizeof(msg)), 0);
	/* and a range over all of it removes it whole */
	wb_truncate_pagecache(&x.m, x.w, 0, 16384);
	for (unsigned p = 0; p < 4; p++)
		assert_false(wb_folio(&x.m, x.w, p)->flags & FOLIO_PRESENT);
	fx_free(&x);
}

/*
 * Short copies with large folios.  A 16 KiB file over a hole, folios up to 16 KiB; W writes
 * the whole file with its user buffer faulting at AT.  The chunk [0,16384) makes one order-2
 * folio, so the copy is rejected (iomap_write_iter(), 6.6 and 6.12: the chunk halves while
 * above a page, the retry has bytes = copied).
 */
static char *short_text(unsigned at)
{
	static char buf[1024];

	snprintf(buf, sizeof(buf),
		 "{ \"wbsim\": 1, \"name\": \"t\","
		 "  \"geometry\": { \"block_size\": 4096, \"page_size\": 4096,"
		 "    \"max_folio_size\": 16384 },"
		 "  \"file\": { \"size\": 16384 },"
		 "  \"tasks\": [ { \"name\": \"W\", \"op\": \"write\", \"offset\": 0,"
		 "    \"length\": 16384, \"data\": \"B\", \"short_copy_at\": %u } ] }",
		 at);
	return buf;
}

/*
 * Run task 0 alone to its end; record each folio_get's chunk [pos, end) as the
 * chunk's byte count (the step's description) and the largest halving count.
 */
static unsigned run_short(struct fx *x, unsigned *gets, unsigned *max_halved)
{
	struct sim_action acts[256];
	char msg[256];
	unsigned ngets = 0;

	*max_halved = 0;
	for (unsigned guard = 0; guard < 1000; guard++) {
		unsigned n = wb_sim_ops.enabled(&x->m, x->w, acts);
		if (!n)
			return ngets;
		const struct wb_step_def *s = wb_task_step(&x->m, x->w, 0);
		const struct wb_writer *wr = &wb_task(&x->m, x->w, 0)->w;
		if (s && !strcmp(s->name, "folio_get") && ngets < 16)
			gets[ngets++] = wr->pos;
		wb_sim_ops.apply(&x->m, x->w, acts[0].id);
		unsigned h = (wr->flags & WR_HALVED_MASK) >> WR_HALVED_SHIFT;
		if (h > *max_halved)
			*max_halved = h;
		assert_int_equal(wb_world_check(&x->m, x->w, msg, sizeof(msg)), 0);
	}
	fail_msg("the writer did not finish");
	return ngets;
}

static void test_short_copy_halves_chunk(void **state)
{
	struct fx x;
	unsigned gets[16], h;

	(void)state;
	/*
	 * At 12288: [0,16384) rejected, chunk 8192; [0,8192) accepted; [8192,16384) rejected,
	 * chunk 4096; [8192,12288) accepted; the buffer faults at 12288.
	 */
	fx_init(&x, short_text(12288), "kernel=6.12");
	assert_true(x.m.lf);
	assert_int_equal(run_short(&x, gets, &h), 4);
	assert_int_equal(gets[0], 0);
	assert_int_equal(gets[1], 0);
	assert_int_equal(gets[2], 8192);
	assert_int_equal(gets[3], 8192);
	assert_int_equal(h, 2);
	/* the halvings die with the iteration */
	assert_int_equal(wb_task(&x.m, x.w, 0)->w.flags, 0);
	assert_int_equal(wb_forder(&x.m, x.w, 0), 2);
	assert_int_equal(wb_folio_uptodate(&x.m, x.w, 0), 0x7);
	assert_int_equal(wb_folio_dirty(&x.m, x.w, 0), 0x7);
	for (unsigned p = 0; p < 4; p++)
		assert_true(wb_folio(&x.m, x.w, p)->flags & FOLIO_DIRTY);
	assert_int_equal(wb_cache(&x.m, x.w, 2)[0], 'B');
	assert_int_equal(wb_cache(&x.m, x.w, 3)[0], 0);
	fx_free(&x);

	/*
	 * At 14336: a third rejection, of [12288,16384), leaves the chunk at a page (never below);
	 * the retry [12288,14336) covers block 3 in part.
	 */
	fx_init(&x, short_text(14336), "kernel=6.12");
	assert_int_equal(run_short(&x, gets, &h), 6);
	assert_int_equal(gets[4], 12288);
	assert_int_equal(gets[5], 12288);
	assert_int_equal(h, 2);
	assert_int_equal(wb_folio_dirty(&x.m, x.w, 0), 0xf);
	fx_free(&x);

	/* 6.6: the same halvings; the retry [0,8192) asks for order 1, which 6.6 refuses */
	fx_init(&x, short_text(12288), "kernel=6.6");
	assert_int_equal(run_short(&x, gets, &h), 4);
	assert_int_equal(h, 2);
	fx_free(&x);

	/* folios of a page: one rejection-free page chunk after another, no halving */
	fx_init(&x, short_text(12288), "kernel=6.2");
	assert_false(x.m.lf);
	run_short(&x, gets, &h);
	assert_int_equal(h, 0);
	fx_free(&x);
}

/* An accepted short copy into a wholly uptodate large folio: the copied blocks dirty only. */
static void test_short_copy_accepted(void **state)
{
	static const char *const acc =
		"{ \"wbsim\": 1, \"name\": \"t\","
		"  \"geometry\": { \"block_size\": 4096, \"page_size\": 4096,"
		"    \"max_folio_size\": 16384 },"
		"  \"file\": { \"size\": 16384 },"
		"  \"tasks\": [ { \"name\": \"W1\", \"op\": \"write\", \"offset\": 0,"
		"    \"length\": 16384, \"data\": \"A\" },"
		"    { \"name\": \"W2\", \"op\": \"write\", \"offset\": 2048, \"length\": 8192,"
		"      \"data\": \"B\", \"short_copy_at\": 4096, \"after\": [ \"W1\" ] } ] }";
	struct fx x;
	char msg[256];

	(void)state;
	fx_init(&x, acc, "kernel=6.12");
	run_task(&x, 0, "");
	/* cleaned, as writeback would */
	wb_folio_flags(&x.m, x.w, 0, 0, FOLIO_DIRTY);
	for (unsigned p = 0; p < 4; p++)
		*wb_dirty(&x.m, x.w, p) = 0;
	/* one chunk [2048,10240) in the order-2 folio, no retry */
	assert_int_equal(run_task(&x, 1, "folio_get"), 1);
	assert_int_equal(wb_folio_dirty(&x.m, x.w, 0), 0x1);
	for (unsigned p = 0; p < 4; p++)
		assert_true(wb_folio(&x.m, x.w, p)->flags & FOLIO_DIRTY);
	assert_int_equal(wb_cache(&x.m, x.w, 0)[2048 / x.m.gran], 'B');
	assert_int_equal(wb_cache(&x.m, x.w, 1)[0], 'A');
	assert_int_equal(wb_inode(x.w)->i_size, 16384);
	assert_int_equal(wb_world_check(&x.m, x.w, msg, sizeof(msg)), 0);
	fx_free(&x);
}

/*
 * The halvings take encoding bits only in the flags field of a writer with a short copy in
 * a scenario with large folios; without the short copy the key is as before.
 */
static void test_short_copy_encoding(void **state)
{
	static const char *const plain =
		"{ \"wbsim\": 1, \"name\": \"t\","
		"  \"geometry\": { \"block_size\": 4096, \"page_size\": 4096,"
		"    \"max_folio_size\": 16384 },"
		"  \"file\": { \"size\": 16384 },"
		"  \"tasks\": [ { \"name\": \"W\", \"op\": \"write\", \"offset\": 0,"
		"    \"length\": 16384, \"data\": \"B\" } ] }";
	struct fx a, b;
	unsigned wa = 0, wb = 0;

	(void)state;
	fx_init(&a, plain, "kernel=6.12");
	fx_init(&b, short_text(12288), "kernel=6.12");
	for (size_t f = 0; f < a.m.pack.nfields; f++)
		if (a.m.pack.fields[f].off == a.m.off_tasks + offsetof(struct wb_writer, flags))
			wa = a.m.pack.fields[f].width;
	for (size_t f = 0; f < b.m.pack.nfields; f++)
		if (b.m.pack.fields[f].off == b.m.off_tasks + offsetof(struct wb_writer, flags))
			wb = b.m.pack.fields[f].width;
	assert_int_equal(wa, 2);
	assert_int_equal(wb, 2 + 2); /* max_order 2: 0, 1 or 2 halvings */
	assert_int_equal(a.m.size, b.m.size);
	fx_free(&a);
	fx_free(&b);
}

/*
 * Faults on a page of a large folio.  A 16 KiB file preallocated UNWRITTEN, folios up to
 * 16 KiB; W1 writes all of it (one order-2 folio); MW stores into page 2 after W1; RF reads
 * page 3.
 */
static const char *const fault_text =
	"{ \"wbsim\": 1, \"name\": \"t\","
	"  \"geometry\": { \"block_size\": 4096, \"page_size\": 4096, \"max_folio_size\": 16384 },"
	"  \"file\": { \"size\": 16384, \"extents\": [ { \"offset\": 0, \"length\": 16384,"
	"    \"state\": \"unwritten\" } ] },"
	"  \"tasks\": [ { \"name\": \"W1\", \"op\": \"write\", \"offset\": 0, \"length\": 16384,"
	"    \"data\": \"A\" },"
	"    { \"name\": \"MW\", \"op\": \"mmap_write\", \"offset\": 8192, \"length\": 1024,"
	"      \"data\": \"M\", \"after\": [ \"W1\" ] },"
	"    { \"name\": \"RF\", \"op\": \"read_fault\", \"page\": 3 } ] }";

/* One step of task t (which must be enabled); the world's invariants after it. */
static void step_task(struct fx *x, unsigned t)
{
	struct sim_action acts[256];
	char msg[256];
	unsigned n = wb_sim_ops.enabled(&x->m, x->w, acts), i;

	for (i = 0; i < n && WB_ACTION_SLOT(acts[i].id) != t; i++)
		;
	assert_true(i < n);
	wb_sim_ops.apply(&x->m, x->w, acts[i].id);
	assert_int_equal(wb_world_check(&x->m, x->w, msg, sizeof(msg)), 0);
}

/* W1 run, then its folio cleaned as writeback would (the extent left UNWRITTEN). */
static void fault_fixture(struct fx *x)
{
	fx_init(x, fault_text, "kernel=6.12");
	run_task(x, 0, "");
	assert_int_equal(wb_forder(&x->m, x->w, 0), 2);
	wb_folio_flags(&x->m, x->w, 0, 0, FOLIO_DIRTY);
	for (unsigned p = 0; p < 4; p++)
		*wb_dirty(&x->m, x->w, p) = 0;
}

static void test_mmap_store_whole_folio(void **state)
{
	struct fx x;
	unsigned p;

	(void)state;
	fault_fixture(&x);
	step_task(&x, 1); /* fault_begin */
	step_task(&x, 1); /* folio_get: a reference on the whole folio */
	for (p = 0; p < 4; p++)
		assert_int_equal(wb_folio(&x.m, x.w, p)->flags & FOLIO_FREF_MASK, FOLIO_FREF_ONE);
	step_task(&x, 1); /* folio_lock: the folio's lock, in every slot */
	for (p = 0; p < 4; p++)
		assert_int_equal(wb_folio(&x.m, x.w, p)->locked, 2);
	step_task(&x, 1); /* mkwrite_iomap_begin: every block of every page dirty */
	assert_int_equal(wb_folio_dirty(&x.m, x.w, 0), 0xf);
	for (p = 0; p < 4; p++)
		assert_true(wb_folio(&x.m, x.w, p)->flags & FOLIO_DIRTY);
	step_task(&x, 1); /* fault_end: the lock and reference go; page 2 alone mapped writable */
	for (p = 0; p < 4; p++) {
		const struct folio *f = wb_folio(&x.m, x.w, p);
		assert_int_equal(f->locked, 0);
		assert_int_equal(f->flags & FOLIO_FREF_MASK, 0);
		assert_int_equal(!!(f->flags & FOLIO_PTE_W), p == 2);
	}
	assert_true(wb_folio_pte_w(&x.m, x.w, 0));
	step_task(&x, 1); /* store */
	assert_int_equal(wb_cache(&x.m, x.w, 2)[0], 'M');
	assert_true(wb_task_finished(&x.m, x.w, 1));
	/* writeback's folio_mkclean() write-protects the folio: every slot */
	wb_folio_flags(&x.m, x.w, 1, 0, FOLIO_PTE_W);
	assert_false(wb_folio_pte_w(&x.m, x.w, 3));
	fx_free(&x);
}

static void test_read_fault_whole_folio(void **state)
{
	struct fx x;
	unsigned p;

	(void)state;
	fault_fixture(&x);
	/* pages 2 and 3 not uptodate (clean): the folio is not wholly uptodate */
	wb_folio(&x.m, x.w, 2)->uptodate = 0;
	wb_folio(&x.m, x.w, 3)->uptodate = 0;
	step_task(&x, 2); /* fault_begin */
	step_task(&x, 2); /* folio_get: found, not uptodate: a reference */
	for (p = 0; p < 4; p++)
		assert_int_equal(wb_folio(&x.m, x.w, p)->flags & FOLIO_FREF_MASK, FOLIO_FREF_ONE);
	step_task(&x, 2); /* folio_lock */
	for (p = 0; p < 4; p++)
		assert_int_equal(wb_folio(&x.m, x.w, p)->locked, 3);
	step_task(&x, 2); /* read_folio: the whole folio, unlocked, the reference dropped */
	assert_true(wb_folio_full(&x.m, x.w, 3));
	assert_int_equal(wb_cache(&x.m, x.w, 0)[0], 'A'); /* uptodate blocks are not re-read */
	assert_int_equal(wb_cache(&x.m, x.w, 2)[0], 0);	   /* UNWRITTEN: zeroed */
	for (p = 0; p < 4; p++) {
		assert_int_equal(wb_folio(&x.m, x.w, p)->locked, 0);
		assert_int_equal(wb_folio(&x.m, x.w, p)->flags & FOLIO_FREF_MASK, 0);
		assert_false(wb_folio(&x.m, x.w, p)->flags & FOLIO_PTE_W);
	}
	fx_free(&x);

	/* a miss creates an order-0 folio (readahead's large folios are not modelled) */
	fx_init(&x, fault_text, "kernel=6.12");
	step_task(&x, 2);
	step_task(&x, 2);
	assert_true(wb_folio(&x.m, x.w, 3)->flags & FOLIO_PRESENT);
	assert_int_equal(wb_forder(&x.m, x.w, 3), 0);
	assert_false(wb_folio(&x.m, x.w, 2)->flags & FOLIO_PRESENT);
	fx_free(&x);
}

/* What large folios cannot hold is refused with a reason; what they model loads. */
static void test_refused(void **state)
{
	static const char *const fault =
		"{ \"wbsim\": 1, \"name\": \"t\","
		"  \"geometry\": { \"max_folio_size\": 16384 },"
		"  \"file\": { \"size\": 16384 },"
		"  \"tasks\": [ { \"name\": \"F\", \"op\": \"read_fault\", \"page\": 0 } ] }";
	/* eight faults over pages 0-3, one large folio's: its count of fault references is 3 bits */
	static const char *const many =
		"{ \"wbsim\": 1, \"name\": \"t\","
		"  \"geometry\": { \"max_folio_size\": 16384 },"
		"  \"file\": { \"size\": 16384 },"
		"  \"tasks\": [ { \"name\": \"F0\", \"op\": \"read_fault\", \"page\": 0 },"
		"    { \"name\": \"F1\", \"op\": \"read_fault\", \"page\": 1 },"
		"    { \"name\": \"F2\", \"op\": \"read_fault\", \"page\": 2 },"
		"    { \"name\": \"F3\", \"op\": \"read_fault\", \"page\": 3 },"
		"    { \"name\": \"F4\", \"op\": \"read_fault\", \"page\": 0 },"
		"    { \"name\": \"F5\", \"op\": \"read_fault\", \"page\": 1 },"
		"    { \"name\": \"F6\", \"op\": \"read_fault\", \"page\": 2 },"
		"    { \"name\": \"F7\", \"op\": \"read_fault\", \"page\": 3 } ] }";
	static const char *const bad =
		"{ \"wbsim\": 1, \"name\": \"t\","
		"  \"geometry\": { \"page_size\": 4096, \"max_folio_size\": 2048 },"
		"  \"file\": { \"size\": 16384 }, \"tasks\": [] }";

	(void)state;
	assert_null(wb_scenario_load_buffer("t.json", many, strlen(many), NULL));
	/* faults and short copies are modelled: loaded */
	struct wb_scenario *fsc = wb_scenario_load_buffer("t.json", fault, strlen(fault), NULL);
	assert_non_null(fsc);
	wb_scenario_free(fsc);
	struct wb_scenario *sc =
		wb_scenario_load_buffer("t.json", short_text(12288), strlen(short_text(12288)), NULL);
	assert_non_null(sc);
	wb_scenario_free(sc);
	assert_null(wb_scenario_load_buffer("t.json", bad, strlen(bad), NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order_rules),
		cmocka_unit_test(test_layout_unchanged),
		cmocka_unit_test(test_once_per_folio),
		cmocka_unit_test(test_reclaim_whole_folio),
		cmocka_unit_test(test_truncate_split),
		cmocka_unit_test(test_short_copy_halves_chunk),
		cmocka_unit_test(test_short_copy_accepted),
		cmocka_unit_test(test_short_copy_encoding),
		cmocka_unit_test(test_mmap_store_whole_folio),
		cmocka_unit_test(test_read_fault_whole_folio),
		cmocka_unit_test(test_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
