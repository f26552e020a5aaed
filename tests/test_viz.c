/* SPDX-License-Identifier: MIT */
/*
 * test_viz.c - the diagram module on small hand-made traces: edges derived
 * from footprints (last writer, other lane, merged, dropped when two-lane
 * program order implies them), the happens-before derivation they share with
 * wbsim explain (the caller's notion of a task, every location kept),
 * --steps-only folding, the stale window and the lost-bytes note, escaping,
 * determinism.  Every diagram drawn here goes through the real `dot -Tsvg`,
 * which must exit 0 and print nothing; a missing dot is a failure, not a skip.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "viz/hb.h"
#include "viz/viz.h"

#define FP(...)                                                                                    \
	(const struct viz_access[]){ __VA_ARGS__ },                                                \
		sizeof((const struct viz_access[]){ __VA_ARGS__ }) / sizeof(struct viz_access)
#define NOFP NULL, 0

static struct viz_step step(const char *task, const char *name, const struct viz_access *fp,
			    size_t nfp)
{
	struct viz_step s = { .task = task, .step = name, .page = -1, .changes = "",
			      .cookie = -1, .extents = "[0,8192) UNWRITTEN", .fp = fp,
			      .nfp = nfp };
	return s;
}

static struct viz_trace trace(const struct viz_step *s, size_t n)
{
	struct viz_trace t = { .scenario = "t", .settings = "validity_check=off",
			       .verdict = "safe", .extents0 = "[0,8192) UNWRITTEN",
			       .steps = s, .nsteps = n };
	return t;
}

/* Render DOT text with the real dot: exit 0, nothing on stderr. */
static void render_ok(const char *text)
{
	char in[] = "/tmp/test_viz-XXXXXX", cmd[256], err[4096] = "";
	int fd = mkstemp(in), rc;
	size_t len = strlen(text);
	FILE *f;

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	close(fd);
	snprintf(cmd, sizeof(cmd), "dot -Tsvg '%s' -o /dev/null 2>'%s.err'", in, in);
	rc = system(cmd);
	snprintf(cmd, sizeof(cmd), "%s.err", in);
	f = fopen(cmd, "r");
	if (f) {
		err[fread(err, 1, sizeof(err) - 1, f)] = 0;
		fclose(f);
	}
	unlink(cmd);
	unlink(in);
	if (rc != 0 || err[0])
		fail_msg("dot -Tsvg (Graphviz is required: install graphviz) exited %d: %s", rc,
			 err);
}

/* Draw a trace into a malloc'd string, and render it. */
static char *draw(const struct viz_trace *t, bool steps_only)
{
	struct viz_opts o = { .steps_only = steps_only };
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	assert_non_null(f);
	assert_int_equal(viz_write_dot(t, &o, f), 0);
	fclose(f);
	render_ok(text);
	return text;
}

static void assert_has(const char *text, const char *what)
{
	if (!strstr(text, what))
		fail_msg("the diagram lacks '%s':\n%s", what, text);
}

static void assert_edge(const struct viz_edge *e, size_t from, size_t to, const char *label)
{
	assert_int_equal(e->from, from);
	assert_int_equal(e->to, to);
	assert_string_equal(e->label, label);
}

/* An edge runs from the last writer of a location, in another lane, to its reader. */
static void test_last_writer(void **state)
{
	struct viz_step s[] = {
		step("A", "a0", FP({ "x", VIZ_WRITE })),
		step("B", "b0", FP({ "x", VIZ_WRITE })),
		step("C", "c0", FP({ "x", VIZ_READ })),
		step("A", "a1", FP({ "x", VIZ_READ })),
		step("A", "a2", FP({ "y", VIZ_WRITE })),
		step("A", "a3", FP({ "y", VIZ_READ })),
	};
	struct viz_trace t = trace(s, 6);
	size_t n;
	struct viz_edge *e = viz_edges(&t, &n);

	(void)state;
	assert_int_equal(n, 2);
	assert_edge(&e[0], 1, 2, "x");
	assert_edge(&e[1], 1, 3, "x"); /* not from a0: b0 overwrote it */
	free(e);
	free(draw(&t, false));
}

/* One edge per (source, target), its locations merged, numbered runs folded. */
static void test_merged_label(void **state)
{
	struct viz_step s[] = {
		step("IO", "io_complete",
		     FP({ "block 0", VIZ_WRITE }, { "block 1", VIZ_WRITE }, { "seq", VIZ_WRITE })),
		step("W", "iomap_begin",
		     FP({ "block 0", VIZ_READ }, { "block 1", VIZ_READ }, { "seq", VIZ_READ },
			{ "block 1", VIZ_READ }, { "folio 3", VIZ_READ })),
	};
	struct viz_trace t = trace(s, 2);
	size_t n;
	struct viz_edge *e = viz_edges(&t, &n);
	char *d;

	(void)state;
	assert_int_equal(n, 1);
	assert_edge(&e[0], 0, 1, "block 0-1, seq");
	free(e);
	d = draw(&t, false);
	assert_has(d, "s1 -> s2 [label=\"block 0-1, seq\"");
	free(d);
}

/* Waiting on a location counts like reading it; a step's own write does not. */
static void test_wait(void **state)
{
	struct viz_step s[] = {
		step("W1", "rwsem_unlock", FP({ "i_rwsem", VIZ_WRITE })),
		step("W2", "rwsem_lock", FP({ "i_rwsem", VIZ_WAIT | VIZ_WRITE })),
		step("W3", "write", FP({ "i_rwsem", VIZ_WRITE })),
	};
	struct viz_trace t = trace(s, 3);
	size_t n;
	struct viz_edge *e = viz_edges(&t, &n);

	(void)state;
	assert_int_equal(n, 1);
	assert_edge(&e[0], 0, 1, "i_rwsem");
	free(e);
}

/*
 * Between two lanes, an edge that leaves no later and arrives no earlier than
 * another is implied by program order and dropped; a path through a third lane
 * drops nothing (C1's seq edge from io_complete to the failing iomap_valid).
 */
static void test_dropped(void **state)
{
	struct viz_step s[] = {
		step("A", "a0", FP({ "x", VIZ_WRITE })),
		step("A", "a1", FP({ "y", VIZ_WRITE })),
		step("B", "b0", FP({ "y", VIZ_READ })),
		step("B", "b1", FP({ "x", VIZ_READ })),
	};
	struct viz_step c1[] = {
		step("IO", "io_complete", FP({ "seq", VIZ_WRITE }, { "folio 1", VIZ_WRITE })),
		step("RC", "evict", FP({ "folio 1", VIZ_READ | VIZ_WRITE })),
		step("W2", "folio_get", FP({ "folio 1", VIZ_READ | VIZ_WRITE })),
		step("W2", "iomap_valid", FP({ "seq", VIZ_READ })),
	};
	struct viz_trace t = trace(s, 4), t2 = trace(c1, 4);
	size_t n;
	struct viz_edge *e = viz_edges(&t, &n);

	(void)state;
	assert_int_equal(n, 1);
	assert_edge(&e[0], 1, 2, "y");
	free(e);
	e = viz_edges(&t2, &n);
	assert_int_equal(n, 3);
	assert_edge(&e[0], 0, 1, "folio 1");
	assert_edge(&e[1], 1, 2, "folio 1");
	assert_edge(&e[2], 0, 3, "seq");
	free(e);
	free(draw(&t2, false));
}

/*
 * The shared derivation (viz/hb.h): the caller says which steps are one task,
 * edges come in order of creation with every location once, uncapped (a
 * diagram's label lists 32 and "...").
 */
static void test_hb(void **state)
{
	char names[40][16];
	struct viz_access wr[40], rd[41];
	struct viz_step s[] = {
		step("WB/io0", "io_complete", FP({ "seq", VIZ_WRITE }, { "block 0", VIZ_WRITE })),
		step("WB/io2", "io_complete",
		     FP({ "block 0", VIZ_READ }, { "block 1", VIZ_WRITE })),
		step("W", "iomap_begin",
		     FP({ "block 1", VIZ_READ }, { "seq", VIZ_READ }, { "block 0", VIZ_READ })),
		step("X", "write", wr, 40),
		step("Y", "read", rd, 41),
	};
	size_t lanes[] = { 0, 1, 2, 3, 4 }, same_io[] = { 0, 0, 2, 3, 4 }, n;
	struct viz_trace t = trace(s, 5);
	struct viz_hb_edge *e;
	struct viz_edge *ve;

	(void)state;
	for (int i = 0; i < 40; i++) {
		snprintf(names[i], sizeof(names[i]), "disk %d", i);
		wr[i] = (struct viz_access){ names[i], VIZ_WRITE };
		rd[i] = (struct viz_access){ names[i], VIZ_READ };
	}
	rd[40] = (struct viz_access){ names[0], VIZ_READ };
	e = viz_hb_edges(s, 5, lanes, &n);
	assert_int_equal(n, 4);
	assert_int_equal(e[0].from, 0);
	assert_int_equal(e[0].to, 1);
	assert_int_equal(e[1].from, 1);
	assert_int_equal(e[1].to, 2);
	assert_int_equal(e[2].from, 0);
	assert_int_equal(e[2].to, 2);
	assert_int_equal(e[2].nlocs, 2);
	assert_string_equal(e[2].locs[0], "seq");
	assert_string_equal(e[2].locs[1], "block 0");
	assert_int_equal(e[3].nlocs, 40);
	viz_hb_free(e, n);
	/* the two IOs as one task (explain's view of IOs of one page): no edge between them */
	e = viz_hb_edges(s, 5, same_io, &n);
	assert_int_equal(n, 3);
	assert_int_equal(e[0].from, 1);
	assert_int_equal(e[0].to, 2);
	viz_hb_free(e, n);
	/* W in the IOs' task too: only X -> Y is left */
	same_io[2] = 0;
	e = viz_hb_edges(s, 5, same_io, &n);
	assert_int_equal(n, 1);
	assert_int_equal(e[0].from, 3);
	viz_hb_free(e, n);
	ve = viz_edges(&t, &n);
	assert_int_equal(n, 4);
	assert_edge(&ve[3], 3, 4, "disk 0-31, ...");
	free(ve);
}

/* The canonical shape: the stale window, the red step, the note with cookie vs seq. */
/*
 * The three kinds explain lists (viz_dep_edges): C1's window in miniature.
 * W samples block 1 and seq, IO converts block 1 (from-read), IO2 bumps seq
 * after it (write-write; and from-read from W's live sample), W re-reads seq
 * (reads-from), which closes the first sample's window for seq but not for
 * block 1: IO3's writes are from-read edges from both samples.
 */
static void test_dep_kinds(void **state)
{
	struct viz_step s[] = {
		step("W", "iomap_begin", FP({ "block 1", VIZ_READ }, { "seq", VIZ_READ })),
		step("IO", "io_complete", FP({ "block 1", VIZ_WRITE }, { "seq", VIZ_WRITE })),
		step("IO2", "io_complete", FP({ "seq", VIZ_WRITE })),
		step("W", "iomap_valid", FP({ "seq", VIZ_READ })),
		step("IO3", "io_complete", FP({ "seq", VIZ_WRITE }, { "block 1", VIZ_WRITE })),
		step("W", "end", NOFP),
	};
	size_t task[] = { 0, 1, 2, 0, 3, 0 }, n;
	struct viz_dep_edge *e;

	(void)state;
	e = viz_dep_edges(s, 6, task, &n);
	/* sorted by to, then from, then kind */
	assert_int_equal(n, 8);
	assert_int_equal(e[0].e.from, 0);
	assert_int_equal(e[0].e.to, 1);
	assert_int_equal(e[0].kind, VIZ_DEP_FR);
	assert_int_equal(e[0].e.nlocs, 2);
	assert_string_equal(e[0].e.locs[0], "block 1");
	assert_int_equal(e[1].e.from, 0);
	assert_int_equal(e[1].e.to, 2);
	assert_int_equal(e[1].kind, VIZ_DEP_FR);
	assert_int_equal(e[2].e.from, 1);
	assert_int_equal(e[2].e.to, 2);
	assert_int_equal(e[2].kind, VIZ_DEP_WW);
	assert_int_equal(e[3].e.from, 2);
	assert_int_equal(e[3].e.to, 3);
	assert_int_equal(e[3].kind, VIZ_DEP_RF);
	/* block 1 is still W's sample at step 4 (W re-read only seq) */
	assert_int_equal(e[4].e.from, 0);
	assert_int_equal(e[4].e.to, 4);
	assert_int_equal(e[4].kind, VIZ_DEP_FR);
	assert_int_equal(e[4].e.nlocs, 1);
	assert_string_equal(e[4].e.locs[0], "block 1");
	/* IO3 writes over IO's block 1 and IO2's seq, and over W's re-read of seq */
	assert_int_equal(e[5].e.from, 1);
	assert_int_equal(e[5].e.to, 4);
	assert_int_equal(e[5].kind, VIZ_DEP_WW);
	assert_string_equal(e[5].e.locs[0], "block 1");
	assert_int_equal(e[6].e.from, 2);
	assert_int_equal(e[6].e.to, 4);
	assert_int_equal(e[6].kind, VIZ_DEP_WW);
	assert_int_equal(e[7].e.from, 3);
	assert_int_equal(e[7].e.to, 4);
	assert_int_equal(e[7].kind, VIZ_DEP_FR);
	viz_dep_free(e, n);
}

static void test_stale_window(void **state)
{
	const char *map = "UNWRITTEN [0,8192) cookie 0";
	struct viz_step s[] = {
		step("W2", "iomap_begin", FP({ "seq", VIZ_READ })),
		step("W2", "folio_get", FP({ "folio 1", VIZ_READ | VIZ_WRITE })),
		step("WB/io1", "io_complete", FP({ "seq", VIZ_WRITE }, { "block 1", VIZ_WRITE })),
		step("W2", "write_begin", FP({ "folio 1", VIZ_READ | VIZ_WRITE })),
	};
	const char *ev[] = { "stale_decision" };
	struct viz_corruption c = { .offset = 6144, .length = 2048, .expected = "A*2048",
				    .found = "0*2048", .lost_writer = "W1", .step = 4,
				    .provenance = "step 4: W2 write_begin zeroed [6144,8192)" };
	struct viz_trace t = trace(s, 4);
	char *d;

	(void)state;
	for (int i = 0; i < 4; i++)
		if (i != 2) {
			s[i].mapping = map;
			s[i].cookie = 0;
		}
	s[2].seq = s[3].seq = 2;
	s[2].extents = s[3].extents = "[0,4096) UNWRITTEN [4096,8192) WRITTEN";
	s[3].events = ev;
	s[3].nevents = 1;
	t.corruption = &c;
	t.verdict = "corrupt";
	d = draw(&t, false);
	assert_has(d, "subgraph cluster_win1 {");
	assert_has(d, "used at step 4: cookie 0 vs seq 2");
	assert_has(d, "STALE: cookie 0 vs seq 2\\l");
	assert_has(d, "W1's A*2048 at [6144,8192) lost: found 0*2048\\l");
	assert_has(d, "step 4 W2 write_begin: cookie 0 vs seq 2\\l");
	assert_has(d, "seq 0->2\\l");
	assert_has(d, "extents: [0,4096) UNWRITTEN\\l         [4096,8192) WRITTEN\\l");
	assert_has(d, "s4 -> lost");
	free(d);
	d = draw(&t, true);
	assert_has(d, "STALE: cookie 0 vs seq 2\\l");
	free(d);
}

/* A failed iomap_valid: the window shaded as caught, no note. */
static void test_caught(void **state)
{
	const char *ev[] = { "stale_remap" };
	struct viz_step s[] = {
		step("W2", "iomap_begin", NOFP),
		step("IO", "io_complete", FP({ "seq", VIZ_WRITE })),
		step("W2", "iomap_valid", FP({ "seq", VIZ_READ })),
	};
	struct viz_trace t = trace(s, 3);
	char *d;

	(void)state;
	s[0].mapping = s[2].mapping = "UNWRITTEN [0,8192) cookie 0";
	s[0].cookie = s[2].cookie = 0;
	s[1].seq = s[2].seq = 1;
	s[2].events = ev;
	s[2].nevents = 1;
	d = draw(&t, false);
	assert_has(d, "stale mapping caught: step 1's");
	assert_has(d, "s2 -> s3 [label=\"seq\"");
	assert_null(strstr(d, "lost ["));
	free(d);
}

/* --steps-only: runs of a lane fold, cut where an edge leaves or arrives. */
static void test_steps_only(void **state)
{
	struct viz_step s[] = {
		step("A", "a0", NOFP),
		step("A", "a1", FP({ "x", VIZ_WRITE })),
		step("A", "a2", NOFP),
		step("A", "a3", NOFP),
		step("B", "b0", FP({ "x", VIZ_READ })),
		step("B", "b1", NOFP),
		step("A", "a4", FP({ "y", VIZ_READ })),
	};
	struct viz_trace t = trace(s, 7);
	char *d;

	(void)state;
	d = draw(&t, true);
	assert_has(d, "s1 [label=\"1-2 A: a0..a1\\l\"");
	assert_has(d, "s3 [label=\"3-4 A: a2..a3\\l\"");
	assert_has(d, "s5 [label=\"5-6 B: b0..b1\\l\"");
	assert_has(d, "s1 -> s5 [label=\"x\"");
	assert_has(d, "s3 -> s7 [color=");
	assert_null(strstr(d, "s2 ["));
	free(d);
}

/* Quotes, backslashes, newlines and control characters are escaped. */
static void test_escape(void **state)
{
	struct viz_step s[] = {
		step("W\"1\\", "copy", FP({ "loc \"q\"", VIZ_WRITE })),
		step("W2", "copy", FP({ "loc \"q\"", VIZ_READ })),
	};
	struct viz_lane lanes[] = { { "W\"1\\", "desc \"d\"\nline\\2" } };
	struct viz_trace t = trace(s, 2);
	char *d;

	(void)state;
	s[0].changes = "a \"quoted\" back\\slash\nnext\tline";
	t.lanes = lanes;
	t.nlanes = 1;
	t.scenario = "sc\"n";
	t.deadlock = "W2 waits \"forever\"";
	d = draw(&t, false);
	assert_has(d, "label=\"W\\\"1\\\\\\ndesc \\\"d\\\"\\nline\\\\2\"");
	assert_has(d, "a \\\"quoted\\\" back\\\\slash\\lnext line\\l");
	assert_has(d, "label=\"loc \\\"q\\\"\"");
	assert_has(d, "deadlock: W2 waits \\\"forever\\\"\\l");
	assert_has(d, "label=\"sc\\\"n (");
	free(d);
}

/* Same trace, same bytes; an empty trace still draws. */
static void test_deterministic(void **state)
{
	struct viz_step s[] = {
		step("A", "a0", FP({ "x", VIZ_WRITE })),
		step("B", "b0", FP({ "x", VIZ_READ }, { "y", VIZ_WRITE })),
		step("A", "a1", FP({ "y", VIZ_READ })),
	};
	struct viz_trace t = trace(s, 3), empty = trace(NULL, 0);
	char *a = draw(&t, false), *b = draw(&t, false);

	(void)state;
	assert_string_equal(a, b);
	free(a);
	free(b);
	free(draw(&empty, false));
	free(draw(&empty, true));
}

/* Two traces side by side in one graph, node names kept apart. */
static void test_compare(void **state)
{
	struct viz_step s[] = {
		step("A", "a0", FP({ "x", VIZ_WRITE })),
		step("B", "b0", FP({ "x", VIZ_READ })),
	};
	struct viz_trace a = trace(s, 2), b = trace(s, 1);
	struct viz_opts o = { .steps_only = false };
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	(void)state;
	a.title = "validity_check=off: corrupt";
	b.title = "validity_check=after_lock: safe";
	b.note = "the trace's schedule does not fit here";
	assert_int_equal(viz_write_compare(&a, &b, "one \"schedule\"\ntwo lines", &o, f), 0);
	fclose(f);
	render_ok(text);
	assert_has(text, "subgraph cluster_a_side {");
	assert_has(text, "subgraph cluster_b_side {");
	assert_has(text, "a_s1 -> a_s2 [label=\"x\"");
	assert_has(text, "label=\"validity_check=after_lock: safe\\nthe trace's schedule");
	assert_has(text, "one \\\"schedule\\\"\\ntwo lines");
	assert_has(text, "a_top1 -> b_top0");
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_last_writer),  cmocka_unit_test(test_merged_label),
		cmocka_unit_test(test_wait),	     cmocka_unit_test(test_dropped),
		cmocka_unit_test(test_stale_window), cmocka_unit_test(test_caught),
		cmocka_unit_test(test_steps_only),   cmocka_unit_test(test_escape),
		cmocka_unit_test(test_deterministic), cmocka_unit_test(test_compare),
		cmocka_unit_test(test_hb),	     cmocka_unit_test(test_dep_kinds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
