/* SPDX-License-Identifier: MIT */
/*
 * test_scenario.c - the scenario loader: every invalid case against its
 * expected diagnostics, the JSON pointer walker, settings, and a valid load.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/scenario.h"
#include "sim/sim.h"
#include "sim/xmalloc.h"

#ifndef WBSIM_SOURCE_DIR
#error "WBSIM_SOURCE_DIR must name the source root"
#endif

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (!f)
		fail_msg("cannot open %s: %s", path, strerror(errno));
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n >= 0);
	rewind(f);
	buf = wb_xmalloc((size_t)n + 1);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return buf;
}

/* Load from a buffer; return the diagnostics (caller frees) and the scenario. */
static char *load_diag(const char *path, const char *text, size_t len, struct wb_scenario **out)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);
	struct wb_scenario *sc;

	assert_non_null(f);
	sc = wb_scenario_load_buffer(path, text, len, f);
	fclose(f);
	if (out)
		*out = sc;
	else
		wb_scenario_free(sc);
	return buf;
}

static struct wb_scenario *load_ok(const char *text)
{
	struct wb_scenario *sc;
	char *d = load_diag("ok.json", text, strlen(text), &sc);

	if (!sc)
		fail_msg("unexpected diagnostics:\n%s", d);
	assert_string_equal(d, "");
	free(d);
	return sc;
}

/* ------------------------------------------------------- invalid cases */

static void test_invalid_cases(void **state)
{
	glob_t g;
	size_t failures = 0;

	(void)state;
	assert_int_equal(glob(WBSIM_SOURCE_DIR "/scenarios/invalid/*.json", 0, NULL, &g), 0);
	assert_true(g.gl_pathc >= 25);
	for (size_t i = 0; i < g.gl_pathc; i++) {
		const char *full = g.gl_pathv[i], *base = strrchr(full, '/') + 1;
		char rel[512], errpath[1024];
		size_t len, elen;
		char *text = slurp(full, &len), *want, *got;
		struct wb_scenario *sc;

		snprintf(rel, sizeof(rel), "scenarios/invalid/%s", base);
		snprintf(errpath, sizeof(errpath), "%.*s.err", (int)(strlen(full) - 5), full);
		want = slurp(errpath, &elen);
		got = load_diag(rel, text, len, &sc);
		if (sc) {
			print_error("%s: loaded, but it is meant to be invalid\n", rel);
			wb_scenario_free(sc);
			failures++;
		} else if (strcmp(want, got) != 0) {
			print_error("%s: diagnostics differ\n--- expected\n%s--- got\n%s---\n", rel,
				    want, got);
			failures++;
		}
		free(text);
		free(want);
		free(got);
	}
	globfree(&g);
	assert_int_equal(failures, 0);
}

/* Every .err has its .json (a renamed case must not leave a stale file behind). */
static void test_invalid_pairs(void **state)
{
	glob_t g;

	(void)state;
	assert_int_equal(glob(WBSIM_SOURCE_DIR "/scenarios/invalid/*.err", 0, NULL, &g), 0);
	for (size_t i = 0; i < g.gl_pathc; i++) {
		char json[1024];
		FILE *f;

		snprintf(json, sizeof(json), "%.*s.json", (int)(strlen(g.gl_pathv[i]) - 4),
			 g.gl_pathv[i]);
		f = fopen(json, "rb");
		if (!f)
			fail_msg("%s has no .json", g.gl_pathv[i]);
		fclose(f);
	}
	globfree(&g);
}

/* ------------------------------------------------------- wb_json_locate */

static long at(const char *text, const char *needle)
{
	const char *p = strstr(text, needle);

	assert_non_null(p);
	return (long)(p - text);
}

static void test_locate(void **state)
{
	static const char t1[] =
		"{\"a\": {\"b/c\": [1, \"x\\\"]\", {\"~k\": true}], \"d\": -1.5e3}, \"e\": null}";
	static const char t2[] = "{\"\\u0041b\": 10, \"x\\ty\": 20, \"\\ud83d\\ude00\": 30, "
				 "\"q\\\"\\\\\\/\": 40}";
	static const char t3[] = "  \n\t{ \"k\" :\r\n [ ] ,\"m\":\t{}}";
	static const char t4[] = "{\"a\": \"]}\", \"b\": [[[]], {\"c\": \"}\"}], \"z\": 1}";
	size_t n1 = strlen(t1);
	char *cut;

	(void)state;
	assert_int_equal(wb_json_locate(t1, n1, "", false), 0);
	assert_int_equal(wb_json_locate(t1, n1, "", true), 0);
	assert_int_equal(wb_json_locate(t1, n1, "/a", false), at(t1, "{\"b/c\""));
	assert_int_equal(wb_json_locate(t1, n1, "/a", true), at(t1, "\"a\""));
	assert_int_equal(wb_json_locate(t1, n1, "/a/b~1c", false), at(t1, "[1,"));
	assert_int_equal(wb_json_locate(t1, n1, "/a/b~1c", true), at(t1, "\"b/c\""));
	assert_int_equal(wb_json_locate(t1, n1, "/a/b~1c/0", false), at(t1, "1,"));
	assert_int_equal(wb_json_locate(t1, n1, "/a/b~1c/1", false), at(t1, "\"x\\\""));
	/* at_key on an array element: there is no key, so the value */
	assert_int_equal(wb_json_locate(t1, n1, "/a/b~1c/1", true), at(t1, "\"x\\\""));
	assert_int_equal(wb_json_locate(t1, n1, "/a/b~1c/2", false), at(t1, "{\"~k\""));
	assert_int_equal(wb_json_locate(t1, n1, "/a/b~1c/2/~0k", false), at(t1, "true"));
	assert_int_equal(wb_json_locate(t1, n1, "/a/b~1c/2/~0k", true), at(t1, "\"~k\""));
	assert_int_equal(wb_json_locate(t1, n1, "/a/d", false), at(t1, "-1.5e3"));
	assert_int_equal(wb_json_locate(t1, n1, "/e", false), at(t1, "null"));
	assert_int_equal(wb_json_locate(t1, n1, "/e", true), at(t1, "\"e\""));

	assert_int_equal(wb_json_locate(t1, n1, "/a/b~1c/3", false), -1);
	assert_int_equal(wb_json_locate(t1, n1, "/a/b~1c/01", false), -1);
	assert_int_equal(wb_json_locate(t1, n1, "/a/b~1c/-", false), -1);
	assert_int_equal(wb_json_locate(t1, n1, "/a/b~1c/x", false), -1);
	assert_int_equal(wb_json_locate(t1, n1, "/a/b/c", false), -1);
	assert_int_equal(wb_json_locate(t1, n1, "/a/b~2c", false), -1);
	assert_int_equal(wb_json_locate(t1, n1, "/a/d/x", false), -1);
	assert_int_equal(wb_json_locate(t1, n1, "/zz", false), -1);
	assert_int_equal(wb_json_locate(t1, n1, "/", false), -1);
	assert_int_equal(wb_json_locate(t1, n1, "a", false), -1);
	assert_int_equal(wb_json_locate("", 0, "", false), -1);

	/* keys written with escapes match their decoded text */
	assert_int_equal(wb_json_locate(t2, strlen(t2), "/Ab", false), at(t2, "10"));
	assert_int_equal(wb_json_locate(t2, strlen(t2), "/x\ty", false), at(t2, "20"));
	assert_int_equal(wb_json_locate(t2, strlen(t2), "/\xf0\x9f\x98\x80", false), at(t2, "30"));
	assert_int_equal(wb_json_locate(t2, strlen(t2), "/q\"\\~1", false), at(t2, "40"));
	assert_int_equal(wb_json_locate(t2, strlen(t2), "/A", false), -1);
	assert_int_equal(wb_json_locate(t2, strlen(t2), "/Abc", false), -1);

	/* white space of every kind */
	assert_int_equal(wb_json_locate(t3, strlen(t3), "", false), at(t3, "{"));
	assert_int_equal(wb_json_locate(t3, strlen(t3), "/k", false), at(t3, "[ ]"));
	assert_int_equal(wb_json_locate(t3, strlen(t3), "/k/0", false), -1);
	assert_int_equal(wb_json_locate(t3, strlen(t3), "/m", false), at(t3, "{}"));

	/* brackets inside strings do not count */
	assert_int_equal(wb_json_locate(t4, strlen(t4), "/z", false), at(t4, "1}"));
	assert_int_equal(wb_json_locate(t4, strlen(t4), "/b/1/c", false), at(t4, "\"}\"}"));
	assert_int_equal(wb_json_locate(t4, strlen(t4), "/b/0/0", false), at(t4, "[]"));

	/* a text cut short is never read past its end */
	for (size_t n = 0; n < n1; n++) {
		long r;

		cut = wb_xmalloc(n ? n : 1);
		memcpy(cut, t1, n);
		r = wb_json_locate(cut, n, "/e", false);
		assert_true(r == -1 || (n > (size_t)at(t1, "null") && r == at(t1, "null")));
		r = wb_json_locate(cut, n, "/a/b~1c/2/~0k", true);
		assert_true(r < (long)n);
		free(cut);
	}
}

/* -------------------------------------------------------- wb_config_set */

#define KNOWN_SETTINGS                                                                     \
	"known: kernel, validity_check, write_fail_cleanup, mkwrite_iomap_end, drop_writes, " \
	"writeback_revalidate, stable_pages, init_on_alloc, partial_zero_uptodate, per_block_dirty, " \
	"zero_dirty_unwritten, isize_extended_zero, write_folios, writeback_map, "            \
	"write_failed_truncate, zero_rework"

static void test_config_set(void **state)
{
	struct wb_config cfg;
	char err[512];

	(void)state;
	wb_config_defaults(&cfg);
	assert_int_equal(wb_config_set(&cfg, "validity_check=off", err, sizeof(err)), 0);
	assert_int_equal(cfg.validity_check, WB_CHECK_OFF);
	assert_int_equal(wb_config_set(&cfg, "validity_check=before_lock", err, sizeof(err)), 0);
	assert_int_equal(cfg.validity_check, WB_CHECK_BEFORE_LOCK);
	assert_int_equal(wb_config_set(&cfg, "writeback_revalidate=false", err, sizeof(err)), 0);
	assert_false(cfg.writeback_revalidate);
	assert_int_equal(wb_config_set(&cfg, "writeback_revalidate=true", err, sizeof(err)), 0);
	assert_true(cfg.writeback_revalidate);

	assert_int_equal(wb_config_set(&cfg, "revalidate=true", err, sizeof(err)), -1);
	assert_string_equal(err, "unknown setting 'revalidate' (" KNOWN_SETTINGS ")");
	assert_int_equal(wb_config_set(&cfg, "validity_check=on", err, sizeof(err)), -1);
	assert_string_equal(err,
			    "bad value 'on' for validity_check (expected off, after_lock or "
			    "before_lock)");
	assert_int_equal(wb_config_set(&cfg, "validity_check=", err, sizeof(err)), -1);
	assert_string_equal(err,
			    "bad value '' for validity_check (expected off, after_lock or "
			    "before_lock)");
	assert_int_equal(wb_config_set(&cfg, "writeback_revalidate=1", err, sizeof(err)), -1);
	assert_string_equal(err, "bad value '1' for writeback_revalidate (expected true or false)");
	assert_int_equal(wb_config_set(&cfg, "validity_check", err, sizeof(err)), -1);
	assert_string_equal(err, "expected KEY=VALUE, got 'validity_check'");
	assert_int_equal(wb_config_set(&cfg, "validity_checkx=off", err, sizeof(err)), -1);
	assert_int_equal(wb_config_set(&cfg, "=off", err, sizeof(err)), -1);
	assert_string_equal(err, "unknown setting '' (" KNOWN_SETTINGS ")");
	/* failures leave the config alone; a small or missing buffer is fine */
	assert_int_equal(cfg.validity_check, WB_CHECK_BEFORE_LOCK);
	assert_true(cfg.writeback_revalidate);
	assert_int_equal(wb_config_set(&cfg, "x=y", err, 4), -1);
	assert_string_equal(err, "unk");
	assert_int_equal(wb_config_set(&cfg, "x=y", NULL, 0), -1);
}

/* ------------------------------------------------- the switch and kernel tables */

/* The value a preset's "KEY=VALUE, ..." gives `sw`; -1 if it names it not exactly once. */
static int preset_value(const struct wb_kernel *k, const struct wb_switch *sw)
{
	const char *p = k->values;
	int found = -1, times = 0;

	while (*p) {
		size_t len = strcspn(p, ","), skip = strspn(p, " ");
		size_t klen = strcspn(p + skip, "=");
		unsigned v;
		char val[64];

		assert_true(klen < len - skip);
		if (klen == strlen(sw->name) && !memcmp(p + skip, sw->name, klen)) {
			snprintf(val, sizeof(val), "%.*s", (int)(len - skip - klen - 1),
				 p + skip + klen + 1);
			assert_int_equal(wb_switch_parse(sw, val, &v), 0);
			found = (int)v;
			times++;
		}
		p += len + (p[len] == ',');
	}
	return times == 1 ? found : -1;
}

static void test_switch_table(void **state)
{
	bool pos_used[WB_MAX_SWITCHES] = { false };
	char buf[256];
	unsigned v;

	(void)state;
	assert_true(wb_nswitches > 0 && wb_nswitches <= WB_MAX_SWITCHES);
	assert_string_equal(wb_config_keys()[0], "kernel");
	for (size_t i = 0; i < wb_nswitches; i++) {
		const struct wb_switch *sw = &wb_switches[i];

		assert_ptr_equal(wb_switch_find(sw->name), sw);
		assert_string_equal(wb_config_keys()[i + 1], sw->name);
		assert_true(sw->help && *sw->help);
		assert_true(sw->text_pos < wb_nswitches && !pos_used[sw->text_pos]);
		pos_used[sw->text_pos] = true;
		assert_true(sw->kind == WB_SWITCH_BOOL || (sw->words && sw->words[0]));
		/* every value names itself, parses back and survives a put and a get */
		for (v = 0; strcmp(wb_switch_value_name(sw, v), "?"); v++) {
			struct wb_config cfg;
			unsigned back;

			wb_config_defaults(&cfg);
			assert_int_equal(wb_switch_parse(sw, wb_switch_value_name(sw, v), &back), 0);
			assert_int_equal(back, v);
			wb_switch_put(&cfg, sw, v);
			assert_int_equal(wb_switch_get(&cfg, sw), v);
			snprintf(buf, sizeof(buf), "%s=%s", sw->name, wb_switch_value_name(sw, v));
			assert_int_equal(wb_config_set(&cfg, buf, NULL, 0), 0);
			assert_int_equal(wb_switch_get(&cfg, sw), v);
			assert_non_null(strstr(wb_switch_expected(sw, buf, sizeof(buf)),
					       wb_switch_value_name(sw, v)));
		}
		assert_true(v >= 2);
		assert_int_equal(wb_switch_parse(sw, "no such value", &v), -1);
	}
	assert_null(wb_switch_find("kernel"));
	assert_null(wb_switch_find("no_such_switch"));
}

/* Every preset sets every switch, whatever the switch held before. */
static void test_kernel_table(void **state)
{
	size_t ndefaults = 0;

	(void)state;
	assert_true(wb_nkernels > 0);
	for (size_t i = 0; i < wb_nkernels; i++) {
		const struct wb_kernel *k = &wb_kernels[i];

		assert_ptr_equal(wb_kernel_find(k->version), k);
		ndefaults += k->defaults;
		if (k->lacks) {
			assert_non_null(wb_switch_find(k->lacks));
			assert_int_equal(wb_switch_find(k->lacks)->kind, WB_SWITCH_BOOL);
			assert_true(k->lacks_why && *k->lacks_why);
		}
		for (size_t s = 0; s < wb_nswitches; s++) {
			const struct wb_switch *sw = &wb_switches[s];
			int want = preset_value(k, sw);

			if (want < 0)
				fail_msg("kernel %s: switch %s not set exactly once", k->version,
					 sw->name);
			for (unsigned before = 0; strcmp(wb_switch_value_name(sw, before), "?");
			     before++) {
				struct wb_config cfg;

				wb_config_defaults(&cfg);
				wb_switch_put(&cfg, sw, before);
				wb_config_preset(&cfg, k);
				assert_int_equal(wb_switch_get(&cfg, sw), (unsigned)want);
				assert_ptr_equal(cfg.kernel, k);
			}
		}
		/* and names nothing else */
		size_t pieces = 1;
		for (const char *p = k->values; *p; p++)
			pieces += *p == ',';
		assert_int_equal(pieces, wb_nswitches);
	}
	assert_int_equal(ndefaults, 1);
	assert_null(wb_kernel_find("5.15"));
	assert_null(wb_kernel_find(""));
}

/* An unknown version is refused with a message naming every known one. */
static void test_kernel_unknown(void **state)
{
	struct wb_config cfg;
	char err[256], want[256], list[128] = "";
	size_t len = 0;

	(void)state;
	for (size_t i = 0; i < wb_nkernels; i++)
		len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%s",
					i == 0 ? "" : i + 1 == wb_nkernels ? " or " : ", ",
					wb_kernels[i].version);
	snprintf(want, sizeof(want), "bad value '5.9' for kernel (expected %s)", list);
	wb_config_defaults(&cfg);
	assert_int_equal(wb_config_set(&cfg, "kernel=5.9", err, sizeof(err)), -1);
	assert_string_equal(err, want);
	assert_null(cfg.kernel);
	assert_int_equal(wb_config_apply_list(&cfg, "off,kernel=5.9", err, sizeof(err)), -1);
	assert_string_equal(err, want);
}

static bool same_config(const struct wb_config *a, const struct wb_config *b)
{
	for (size_t s = 0; s < wb_nswitches; s++)
		if (wb_switch_get(a, &wb_switches[s]) != wb_switch_get(b, &wb_switches[s]))
			return false;
	return a->kernel == b->kernel;
}

/*
 * The settings text read back as a settings list gives the same config: for
 * no kernel and every preset, with each switch at each of its values.  The
 * one exception is kept by the unchanged format: the text leaves out a switch
 * at its default value, so a preset overridden back to the default (kernel
 * 6.1 with mkwrite_iomap_end=false) reads back as the preset's value.
 */
static void test_settings_round_trip(void **state)
{
	struct wb_config def, cfg, back;
	char text[512], err[256];

	(void)state;
	wb_config_defaults(&def);
	for (size_t i = 0; i <= wb_nkernels; i++) {
		const struct wb_kernel *k = i < wb_nkernels ? &wb_kernels[i] : NULL;

		for (size_t s = 0; s < wb_nswitches; s++) {
			const struct wb_switch *sw = &wb_switches[s];

			for (unsigned v = 0; strcmp(wb_switch_value_name(sw, v), "?"); v++) {
				wb_config_defaults(&cfg);
				if (k)
					wb_config_preset(&cfg, k);
				if (k && v == wb_switch_get(&def, sw) && v != wb_switch_get(&cfg, sw) &&
				    !sw->text_always)
					continue; /* the exception above */
				wb_switch_put(&cfg, sw, v);
				if (wb_config_check(&cfg, NULL, 0))
					continue;
				wb_config_text(&cfg, text, sizeof(text));
				wb_config_defaults(&back);
				assert_int_equal(wb_config_apply_list(&back, text, err, sizeof(err)), 0);
				if (!same_config(&cfg, &back))
					fail_msg("'%s' does not read back", text);
			}
		}
	}
	/* today's spelling */
	wb_config_defaults(&cfg);
	wb_config_text(&cfg, text, sizeof(text));
	assert_string_equal(text, "validity_check=after_lock");
	wb_config_preset(&cfg, wb_kernel_find("6.1"));
	cfg.writeback_revalidate = false;
	wb_config_text(&cfg, text, sizeof(text));
	assert_string_equal(text, "kernel=6.1, validity_check=off, writeback_revalidate=false, "
				  "write_fail_cleanup=truncate_punch, mkwrite_iomap_end=true");
}

/* The one reading of TASK[:STEP[@PAGE]] under both the loader and --schedule. */
static void test_sched_split(void **state)
{
	static const struct {
		const char *text, *step, *page;
		size_t task_len, step_len;
		bool extra_colon, at_in_task;
	} cases[] = {
		{ "W1", NULL, NULL, 2, 0, false, false },
		{ "W1:copy", "copy", NULL, 2, 4, false, false },
		{ "RC:evict@3", "evict@3", "3", 2, 5, false, false },
		{ "W1:a:b", "a:b", NULL, 2, 3, true, false },
		{ "RC:evict@0:x", "evict@0:x", "0:x", 2, 5, true, false },
		{ "W1@0", NULL, NULL, 4, 0, false, true },
		{ "W1@0:copy", "copy", NULL, 4, 4, false, true },
		{ "W1:", "", NULL, 2, 0, false, false },
		{ ":x", "x", NULL, 0, 1, false, false },
		{ "", NULL, NULL, 0, 0, false, false },
		{ "WB/io0:io_write", "io_write", NULL, 6, 8, false, false },
	};
	struct sim_sched_parts p;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		sim_sched_split(cases[i].text, &p);
		assert_int_equal(p.task_len, cases[i].task_len);
		if (cases[i].step)
			assert_string_equal(p.step, cases[i].step);
		else
			assert_null(p.step);
		assert_int_equal(p.step_len, cases[i].step_len);
		if (cases[i].page)
			assert_string_equal(p.page, cases[i].page);
		else
			assert_null(p.page);
		assert_int_equal(p.extra_colon, cases[i].extra_colon);
		assert_int_equal(p.at_in_task, cases[i].at_in_task);
	}
}

static void test_names(void **state)
{
	enum wb_check c;

	(void)state;
	assert_string_equal(wb_check_name(WB_CHECK_OFF), "off");
	assert_string_equal(wb_check_name(WB_CHECK_AFTER_LOCK), "after_lock");
	assert_string_equal(wb_check_name(WB_CHECK_BEFORE_LOCK), "before_lock");
	assert_int_equal(wb_check_parse("before_lock", &c), 0);
	assert_int_equal(c, WB_CHECK_BEFORE_LOCK);
	assert_int_equal(wb_check_parse("Before_lock", &c), -1);
	assert_string_equal(wb_ext_state_name(WB_HOLE), "HOLE");
	assert_string_equal(wb_ext_state_name(WB_DELALLOC), "DELALLOC");
	assert_string_equal(wb_ext_state_name(WB_UNWRITTEN), "UNWRITTEN");
	assert_string_equal(wb_ext_state_name(WB_WRITTEN), "WRITTEN");
	assert_string_equal(wb_verdict_word_name(WB_V_SAFE), "safe");
	assert_string_equal(wb_verdict_word_name(WB_V_CORRUPT), "corrupt");
	assert_string_equal(wb_verdict_word_name(WB_V_DEADLOCK), "deadlock");
}

/* ---------------------------------------------------------- valid loads */

static const char example[] =
	"{\n"
	"  \"wbsim\": 1,\n"
	"  \"name\": \"c1-unwritten-prealloc\",\n"
	"  \"description\": \"free text\",\n"
	"  \"geometry\": { \"block_size\": 4096, \"page_size\": 4096 },\n"
	"  \"file\": { \"size\": 8192, \"extents\": [ { \"offset\": 0, \"length\": 8192, "
	"\"state\": \"unwritten\" } ] },\n"
	"  \"config\": { \"validity_check\": \"after_lock\" },\n"
	"  \"tasks\": [\n"
	"    { \"name\": \"W1\", \"op\": \"write\", \"offset\": 6144, \"length\": 2048, "
	"\"data\": \"A\" },\n"
	"    { \"name\": \"W2\", \"op\": \"write\", \"offset\": 0, \"length\": 6144, \"data\": "
	"\"B\", \"after\": [\"W1\"] },\n"
	"    { \"name\": \"WB\", \"op\": \"writeback\" },\n"
	"    { \"name\": \"RC\", \"op\": \"reclaim\", \"evictions\": 1, \"pages\": [1] }\n"
	"  ],\n"
	"  \"schedule\": [ \"W1\", \"W2:write_end\", \"WB\", \"WB/io0\", \"WB/io1\", \"RC\", "
	"\"W2\" ],\n"
	"  \"schedules\": { \"before_lock\": [ \"W1\", \"W2:write_end\", \"W2:iomap_valid\", "
	"\"WB\", \"WB/io0\", \"WB/io1\", \"RC\", \"W2\" ] },\n"
	"  \"expect\": { \"off\": \"corrupt\", \"after_lock\": \"safe\", \"before_lock\": "
	"\"corrupt\" },\n"
	"  \"expect_schedule\": { \"off\": \"corrupt\", \"after_lock\": \"safe\", "
	"\"before_lock\": \"corrupt\" }\n"
	"}\n";

static void test_valid_example(void **state)
{
	struct wb_scenario *sc = load_ok(example);
	const struct wb_task_def *t = sc->tasks;

	(void)state;
	assert_string_equal(sc->path, "ok.json");
	assert_int_equal(sc->text_len, strlen(example));
	assert_string_equal(sc->text, example);
	assert_string_equal(sc->name, "c1-unwritten-prealloc");
	assert_string_equal(sc->description, "free text");
	assert_int_equal(sc->block_size, 4096);
	assert_int_equal(sc->page_size, 4096);
	assert_int_equal(sc->file_size, 8192);
	assert_int_equal(sc->nextents, 1);
	assert_int_equal(sc->extents[0].offset, 0);
	assert_int_equal(sc->extents[0].length, 8192);
	assert_int_equal(sc->extents[0].state, WB_UNWRITTEN);
	assert_int_equal(sc->config.validity_check, WB_CHECK_AFTER_LOCK);
	assert_true(sc->config_has_check);
	assert_true(sc->config.writeback_revalidate);

	assert_int_equal(sc->ntasks, 4);
	assert_string_equal(t[0].name, "W1");
	assert_int_equal(t[0].op, WB_OP_WRITE);
	assert_int_equal(t[0].offset, 6144);
	assert_int_equal(t[0].length, 2048);
	assert_int_equal(t[0].data, 'A');
	assert_int_equal(t[0].after, 0);
	assert_string_equal(t[1].name, "W2");
	assert_int_equal(t[1].offset, 0);
	assert_int_equal(t[1].length, 6144);
	assert_int_equal(t[1].data, 'B');
	assert_int_equal(t[1].after, 1u << 0);
	assert_string_equal(t[2].name, "WB");
	assert_int_equal(t[2].op, WB_OP_WRITEBACK);
	assert_false(t[2].sync);
	assert_int_equal(t[2].passes, 1);
	assert_false(t[2].has_range);
	assert_string_equal(t[3].name, "RC");
	assert_int_equal(t[3].op, WB_OP_RECLAIM);
	assert_int_equal(t[3].evictions, 1);
	assert_int_equal(t[3].pages, 1u << 1);

	assert_true(sc->schedule.present);
	assert_string_equal(sc->schedule.pointer, "/schedule");
	assert_int_equal(sc->schedule.n, 7);
	assert_string_equal(sc->schedule.entries[0], "W1");
	assert_string_equal(sc->schedule.entries[1], "W2:write_end");
	assert_string_equal(sc->schedule.entries[4], "WB/io1");
	assert_string_equal(sc->schedule.entries[6], "W2");
	assert_false(sc->schedules[WB_CHECK_OFF].present);
	assert_false(sc->schedules[WB_CHECK_AFTER_LOCK].present);
	assert_true(sc->schedules[WB_CHECK_BEFORE_LOCK].present);
	assert_string_equal(sc->schedules[WB_CHECK_BEFORE_LOCK].pointer, "/schedules/before_lock");
	assert_int_equal(sc->schedules[WB_CHECK_BEFORE_LOCK].n, 8);
	assert_string_equal(sc->schedules[WB_CHECK_BEFORE_LOCK].entries[2], "W2:iomap_valid");

	assert_int_equal(sc->nexpect, 3);
	assert_string_equal(sc->expect[0].key, "off");
	assert_int_equal(sc->expect[0].verdict, WB_V_CORRUPT);
	assert_string_equal(sc->expect[1].key, "after_lock");
	assert_int_equal(sc->expect[1].verdict, WB_V_SAFE);
	assert_string_equal(sc->expect[2].key, "before_lock");
	assert_int_equal(sc->expect[2].verdict, WB_V_CORRUPT);
	assert_int_equal(sc->nexpect_schedule, 3);
	assert_string_equal(sc->expect_schedule[1].key, "after_lock");
	assert_int_equal(sc->expect_schedule[1].verdict, WB_V_SAFE);
	wb_scenario_free(sc);
}

static void test_valid_defaults(void **state)
{
	static const char text[] =
		"{ \"wbsim\": 1, \"name\": \"d\",\n"
		"  \"tasks\": [ { \"name\": \"W_1-x\", \"op\": \"write\", \"offset\": 0, "
		"\"length\": 1, \"data\": \"~\" },\n"
		"    { \"name\": \"WB\", \"op\": \"writeback\" }, { \"name\": \"RC\", \"op\": "
		"\"reclaim\" } ] }";
	struct wb_scenario *sc = load_ok(text);

	(void)state;
	assert_null(sc->description);
	assert_int_equal(sc->block_size, 4096);
	assert_int_equal(sc->page_size, 4096);
	assert_int_equal(sc->file_size, 0);
	assert_int_equal(sc->nextents, 0);
	assert_int_equal(sc->config.validity_check, WB_CHECK_AFTER_LOCK);
	assert_false(sc->config_has_check);
	assert_true(sc->config.writeback_revalidate);
	assert_string_equal(sc->tasks[0].name, "W_1-x");
	assert_int_equal(sc->tasks[0].data, '~');
	assert_false(sc->tasks[1].sync);
	assert_int_equal(sc->tasks[1].passes, 1);
	assert_false(sc->tasks[1].has_range);
	assert_int_equal(sc->tasks[2].evictions, 1);
	assert_true(sc->tasks[2].pages == ~0ull);
	assert_false(sc->schedule.present);
	assert_int_equal(sc->schedule.n, 0);
	assert_int_equal(sc->nexpect, 0);
	wb_scenario_free(sc);
}

static void test_valid_everything(void **state)
{
	static const char text[] =
		"{ \"wbsim\": 1, \"name\": \"e\",\n"
		"  \"geometry\": { \"block_size\": 1024, \"page_size\": 16384 },\n"
		"  \"file\": { \"size\": 40000, \"extents\": [\n"
		"    { \"offset\": 32768, \"length\": 1024, \"state\": \"written\", \"data\": "
		"\"W\" },\n"
		"    { \"offset\": 0, \"length\": 2048, \"state\": \"delalloc\" },\n"
		"    { \"offset\": 2048, \"length\": 1024, \"state\": \"hole\" } ] },\n"
		"  \"config\": { \"validity_check\": \"before_lock\", \"writeback_revalidate\": "
		"false },\n"
		"  \"tasks\": [\n"
		"    { \"name\": \"WB\", \"op\": \"writeback\", \"mode\": \"sync\", \"passes\": "
		"16,\n"
		"      \"offset\": 4, \"length\": 16380, \"after\": [ \"W\" ] },\n"
		"    { \"name\": \"W\", \"op\": \"write\", \"offset\": 65532, \"length\": 4, "
		"\"data\": \"!\" },\n"
		"    { \"name\": \"RC\", \"op\": \"reclaim\", \"evictions\": 64, \"pages\": [ "
		"3, 0 ],\n"
		"      \"after\": [ \"W\", \"WB\" ] } ],\n"
		"  \"schedule\": [ \"W:copy\", \"WB/io12:io_complete\", \"RC:evict@3\", "
		"\"RC:evict\" ],\n"
		"  \"schedules\": { \"off\": [], \"after_lock\": [ \"WB:pass_end\" ] },\n"
		"  \"expect\": { \"validity_check=off,writeback_revalidate=true\": \"deadlock\" }\n"
		"}\n";
	struct wb_scenario *sc = load_ok(text);

	(void)state;
	assert_int_equal(sc->block_size, 1024);
	assert_int_equal(sc->page_size, 16384);
	assert_int_equal(sc->file_size, 40000);
	/* sorted by offset, whatever the input order */
	assert_int_equal(sc->nextents, 3);
	assert_int_equal(sc->extents[0].offset, 0);
	assert_int_equal(sc->extents[0].state, WB_DELALLOC);
	assert_int_equal(sc->extents[1].offset, 2048);
	assert_int_equal(sc->extents[1].state, WB_HOLE);
	assert_int_equal(sc->extents[2].offset, 32768);
	assert_int_equal(sc->extents[2].state, WB_WRITTEN);
	assert_int_equal(sc->extents[2].data, 'W');
	assert_int_equal(sc->config.validity_check, WB_CHECK_BEFORE_LOCK);
	assert_true(sc->config_has_check);
	assert_false(sc->config.writeback_revalidate);
	assert_true(sc->tasks[0].sync);
	assert_int_equal(sc->tasks[0].passes, 16);
	assert_true(sc->tasks[0].has_range);
	assert_int_equal(sc->tasks[0].offset, 4);
	assert_int_equal(sc->tasks[0].length, 16380);
	assert_int_equal(sc->tasks[0].after, 1u << 1);
	assert_int_equal(sc->tasks[2].evictions, 64);
	assert_true(sc->tasks[2].pages == ((1ull << 3) | 1));
	assert_int_equal(sc->tasks[2].after, 3);
	assert_int_equal(sc->schedule.n, 4);
	assert_true(sc->schedules[WB_CHECK_OFF].present);
	assert_int_equal(sc->schedules[WB_CHECK_OFF].n, 0);
	assert_string_equal(sc->schedules[WB_CHECK_OFF].pointer, "/schedules/off");
	assert_int_equal(sc->schedules[WB_CHECK_AFTER_LOCK].n, 1);
	assert_false(sc->schedules[WB_CHECK_BEFORE_LOCK].present);
	assert_int_equal(sc->nexpect, 1);
	assert_string_equal(sc->expect[0].key, "validity_check=off,writeback_revalidate=true");
	assert_int_equal(sc->expect[0].verdict, WB_V_DEADLOCK);
	wb_scenario_free(sc);
}

/* Every new op and key (docs/json.md section 1). */
static const char fidelity[] =
	"{ \"wbsim\": 1, \"name\": \"f\",\n"
	"  \"geometry\": { \"block_size\": 1024, \"page_size\": 4096 },\n"
	"  \"file\": { \"size\": 8192 },\n"
	"  \"config\": { \"write_fail_cleanup\": \"locked_truncate_punch\", \"kernel\": \"6.1\",\n"
	"    \"drop_writes\": true, \"stable_pages\": true, \"mkwrite_iomap_end\": false,\n"
	"    \"writeback_revalidate\": false },\n"
	"  \"tasks\": [\n"
	"    { \"name\": \"W1\", \"op\": \"write\", \"offset\": 0, \"length\": 4096, \"data\": "
	"\"A\", \"short_copy_at\": 1500 },\n"
	"    { \"name\": \"WB\", \"op\": \"writeback\", \"mode\": \"sync\", \"wait\": true },\n"
	"    { \"name\": \"RF\", \"op\": \"read_fault\", \"page\": 1, \"after\": [ \"M1\" ] },\n"
	"    { \"name\": \"M1\", \"op\": \"mmap_write\", \"offset\": 1000, \"length\": 8, "
	"\"data\": \"M\", \"after\": [ \"W1\" ] },\n"
	"    { \"name\": \"M2\", \"op\": \"mmap_write\", \"offset\": 1004, \"length\": 4, "
	"\"data\": \"N\", \"after\": [ \"RF\" ] },\n"
	"    { \"name\": \"W2\", \"op\": \"write\", \"offset\": 1006, \"length\": 10, \"data\": "
	"\"B\", \"after\": [ \"M2\" ] },\n"
	"    { \"name\": \"P1\", \"op\": \"punch\", \"offset\": 8192, \"length\": 2048, "
	"\"after\": [ \"RF\" ] },\n"
	"    { \"name\": \"F1\", \"op\": \"fallocate\", \"offset\": 10240, \"length\": 1024 },\n"
	"    { \"name\": \"T1\", \"op\": \"truncate\", \"size\": 13312, \"after\": [ \"P1\", "
	"\"F1\" ] },\n"
	"    { \"name\": \"RF3\", \"op\": \"read_fault\", \"page\": 3, \"after\": [ \"T1\" ] },\n"
	"    { \"name\": \"WB2\", \"op\": \"writeback\", \"wait\": false } ],\n"
	"  \"schedule\": [ \"W1:zero\", \"W1:punch_delalloc\", \"WB:fdatawait\", "
	"\"RF:fault_begin\", \"RF:read_folio\", \"M1:mkwrite_iomap_begin\", "
	"\"M1:mkwrite_iomap_end\", \"M1:store\", \"M2:write_fault\", \"P1:invalidate_lock\", "
	"\"P1:flush_unmap_range\", \"P1:punch_range\", \"F1:alloc_range\", \"T1:setsize\", "
	"\"T1:rwsem_unlock\" ],\n"
	"  \"expect\": { \"kernel=6.1,drop_writes=true\": \"deadlock\", \"drop_writes=true\": "
	"\"safe\",\n"
	"    \"kernel=6.1,write_fail_cleanup=scan_punch,stable_pages=true\": \"safe\",\n"
	"    \"kernel=6.3,before_lock\": \"safe\", \"stable_pages=true\": \"safe\" },\n"
	"  \"expect_schedule\": { \"write_fail_cleanup=truncate_punch\": \"corrupt\" }\n"
	"}\n";

static void test_valid_fidelity(void **state)
{
	struct wb_scenario *sc = load_ok(fidelity);
	const struct wb_task_def *t = sc->tasks;

	(void)state;
	/* explicit keys beat the kernel preset, whatever their order */
	assert_ptr_equal(sc->config.kernel, wb_kernel_find("6.1"));
	assert_int_equal(sc->config.validity_check, WB_CHECK_OFF);
	assert_false(sc->config_has_check);
	assert_int_equal(sc->config.write_fail_cleanup, WB_CLEANUP_LOCKED_TRUNCATE_PUNCH);
	assert_true(sc->config.drop_writes);
	assert_true(sc->config.stable_pages);
	assert_false(sc->config.mkwrite_iomap_end);
	assert_false(sc->config.writeback_revalidate);

	assert_int_equal(sc->ntasks, 11);
	assert_int_equal(t[0].op, WB_OP_WRITE);
	assert_true(t[0].has_short_copy);
	assert_int_equal(t[0].short_copy_at, 1500);
	assert_int_equal(t[1].op, WB_OP_WRITEBACK);
	assert_true(t[1].sync);
	assert_true(t[1].wait);
	assert_false(t[1].has_range);
	assert_int_equal(t[2].op, WB_OP_READ_FAULT);
	assert_int_equal(t[2].page, 1);
	assert_int_equal(t[2].offset, 4096);
	assert_int_equal(t[2].length, 4096);
	assert_int_equal(t[2].after, 1u << 3);
	assert_int_equal(t[3].op, WB_OP_MMAP_WRITE);
	assert_int_equal(t[3].offset, 1000);
	assert_int_equal(t[3].length, 8);
	assert_int_equal(t[3].data, 'M');
	assert_int_equal(t[3].after, 1u << 0);
	assert_int_equal(t[4].op, WB_OP_MMAP_WRITE);
	assert_int_equal(t[4].data, 'N');
	assert_int_equal(t[5].op, WB_OP_WRITE);
	assert_false(t[5].has_short_copy);
	assert_int_equal(t[6].op, WB_OP_PUNCH);
	assert_int_equal(t[6].offset, 8192);
	assert_int_equal(t[6].length, 2048);
	assert_int_equal(t[7].op, WB_OP_FALLOCATE);
	assert_int_equal(t[7].offset, 10240);
	assert_int_equal(t[7].length, 1024);
	assert_int_equal(t[7].after, 0);
	assert_int_equal(t[8].op, WB_OP_TRUNCATE);
	assert_int_equal(t[8].size, 13312);
	assert_int_equal(t[8].after, (1u << 6) | (1u << 7));
	/* page 3 exists because the truncate size reaches into it */
	assert_int_equal(t[9].op, WB_OP_READ_FAULT);
	assert_int_equal(t[9].page, 3);
	assert_int_equal(t[9].offset, 3 * 4096);
	assert_false(t[10].wait);

	assert_int_equal(sc->schedule.n, 15);
	assert_int_equal(sc->nexpect, 5);
	assert_string_equal(sc->expect[0].key, "kernel=6.1,drop_writes=true");
	assert_int_equal(sc->expect[0].verdict, WB_V_DEADLOCK);
	assert_string_equal(sc->expect[3].key, "kernel=6.3,before_lock");
	assert_int_equal(sc->nexpect_schedule, 1);
	wb_scenario_free(sc);
}

/* A one-write scenario with the given config object (text) and extra tasks. */
static char *with_config(const char *config, const char *tasks)
{
	char *text = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&text, &n);

	assert_non_null(f);
	fprintf(f,
		"{ \"wbsim\": 1, \"name\": \"c\", \"config\": %s,\n"
		"  \"tasks\": [ { \"name\": \"W1\", \"op\": \"write\", \"offset\": 0, \"length\": "
		"4096, \"data\": \"A\" }%s ] }\n",
		config, tasks);
	fclose(f);
	return text;
}

static struct wb_scenario *load_config(const char *config)
{
	char *text = with_config(config, "");
	struct wb_scenario *sc = load_ok(text);

	free(text);
	return sc;
}

static void test_config_precedence(void **state)
{
	static const char *const orders[] = {
		"{ \"kernel\": \"6.1\", \"write_fail_cleanup\": \"scan_punch\" }",
		"{ \"write_fail_cleanup\": \"scan_punch\", \"kernel\": \"6.1\" }",
	};
	struct wb_scenario *sc;

	(void)state;
	for (size_t i = 0; i < 2; i++) {
		sc = load_config(orders[i]);
		assert_ptr_equal(sc->config.kernel, wb_kernel_find("6.1"));
		assert_int_equal(sc->config.validity_check, WB_CHECK_OFF);
		assert_false(sc->config_has_check);
		assert_true(sc->config.mkwrite_iomap_end);
		assert_int_equal(sc->config.write_fail_cleanup, WB_CLEANUP_SCAN_PUNCH);
		assert_false(sc->config.drop_writes);
		assert_true(sc->config.writeback_revalidate);
		assert_false(sc->config.stable_pages);
		wb_scenario_free(sc);
	}

	/* an explicit validity_check beats the preset, and counts as given */
	sc = load_config("{ \"validity_check\": \"after_lock\", \"kernel\": \"6.1\" }");
	assert_int_equal(sc->config.validity_check, WB_CHECK_AFTER_LOCK);
	assert_true(sc->config_has_check);
	assert_true(sc->config.mkwrite_iomap_end);
	wb_scenario_free(sc);

	/* the 6.3 preset: a row of its own, with the 6.2 values */
	sc = load_config("{ \"kernel\": \"6.3\", \"drop_writes\": false }");
	assert_ptr_equal(sc->config.kernel, wb_kernel_find("6.3"));
	assert_string_equal(sc->config.kernel->version, "6.3");
	assert_int_equal(sc->config.validity_check, WB_CHECK_AFTER_LOCK);
	assert_int_equal(sc->config.write_fail_cleanup, WB_CLEANUP_SCAN_PUNCH);
	assert_false(sc->config.mkwrite_iomap_end);
	wb_scenario_free(sc);

	/* no kernel key: the 6.2 values, kernel 0, and drop_writes may be set */
	sc = load_config("{ \"drop_writes\": true }");
	assert_null(sc->config.kernel);
	assert_true(sc->config.drop_writes);
	assert_int_equal(sc->config.validity_check, WB_CHECK_AFTER_LOCK);
	assert_int_equal(sc->config.write_fail_cleanup, WB_CLEANUP_SCAN_PUNCH);
	wb_scenario_free(sc);

	sc = load_config("{}");
	assert_null(sc->config.kernel);
	assert_false(sc->config_has_check);
	assert_false(sc->config.mkwrite_iomap_end);
	wb_scenario_free(sc);
}

/* The first error line of a text that must not load (caller frees). */
static char *first_error(const char *text)
{
	struct wb_scenario *sc;
	char *d = load_diag("x.json", text, strlen(text), &sc);

	if (sc)
		fail_msg("loaded, but it is meant to be invalid:\n%s", text);
	d[strcspn(d, "\n")] = '\0';
	return d;
}

static void test_new_ranges(void **state)
{
	char *text, *d;

	(void)state;
	/* the copy stops at short_copy_at: it folds into the granule */
	d = first_error("{ \"wbsim\": 1, \"name\": \"g\", \"geometry\": { \"page_size\": 65536 },\n"
			"  \"tasks\": [ { \"name\": \"W\", \"op\": \"write\", \"offset\": 0, "
			"\"length\": 65536, \"data\": \"A\", \"short_copy_at\": 8 } ] }");
	assert_string_equal(d, "x.json:2:104: error: /tasks/0/short_copy_at: 8 makes the granule "
			       "(the largest size dividing every offset, length and size) 8 "
			       "bytes: 8192 granules a page of 65536, more than 4096");
	free(d);
	/* a truncate size counts towards the limit */
	text = with_config("{}", ", { \"name\": \"T\", \"op\": \"truncate\", \"size\": 268435456 }");
	d = first_error(text);
	assert_string_equal(d, "x.json:2:130: error: /tasks/1/size: 268435456 is past the limit "
			       "of 262144 bytes (64 pages of 4096)");
	free(d);
	free(text);
	/* so do punch and fallocate ranges */
	text = with_config("{}", ", { \"name\": \"F\", \"op\": \"fallocate\", \"offset\": 258048, "
				 "\"length\": 8192 }");
	d = first_error(text);
	assert_non_null(strstr(d, "/tasks/1/length: the fallocate range ends at 266240, past the "
				  "limit of 262144 bytes (64 pages of 4096)"));
	free(d);
	free(text);
	/* an mmap store may end exactly at a page boundary */
	text = with_config("{}", ", { \"name\": \"M\", \"op\": \"mmap_write\", \"offset\": 4092, "
				 "\"length\": 4, \"data\": \"M\", \"after\": [ \"W1\" ] }");
	wb_scenario_free(load_ok(text));
	free(text);
	/* ordered the other way round, through a read fault */
	text = with_config("{}", ", { \"name\": \"M\", \"op\": \"mmap_write\", \"offset\": 0, "
				 "\"length\": 4, \"data\": \"M\" }, { \"name\": \"R\", \"op\": "
				 "\"read_fault\", \"page\": 0, \"after\": [ \"M\" ] }");
	d = first_error(text);
	assert_non_null(strstr(d, "/tasks/1/offset: mmap store [0,4) overlaps write W1 [0,4096) "
				  "with no \"after\" ordering them; their order would be a race of "
				  "user space"));
	free(d);
	free(text);
	text = with_config("{}", ", { \"name\": \"M\", \"op\": \"mmap_write\", \"offset\": 0, "
				 "\"length\": 4, \"data\": \"M\" }, { \"name\": \"R\", \"op\": "
				 "\"read_fault\", \"page\": 0, \"after\": [ \"M\" ] }, { \"name\": "
				 "\"W2\", \"op\": \"write\", \"offset\": 2, \"length\": 1, \"data\": "
				 "\"B\", \"after\": [ \"R\", \"W1\" ] }");
	d = load_diag("x.json", text, strlen(text), NULL);
	/* W2 comes after M through R, and after W1: only M against W1 is reported */
	assert_non_null(strstr(d, "/tasks/1/offset: mmap store [0,4) overlaps write W1"));
	assert_non_null(strstr(d, "^\n1 error\n"));
	free(d);
	free(text);
}

/* ------------------------------------------------------------ diagnostics */

static char *diag_of(const struct wb_scenario *sc, const char *pointer, bool at_key)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);

	assert_non_null(f);
	wb_scenario_diag(sc, f, pointer, at_key, "message %d", 42);
	fclose(f);
	return buf;
}

static void test_diag(void **state)
{
	static const char text[] =
		"{ \"wbsim\": 1,\n"
		"\t\"name\": \"d\", \"description\": \"d\xc3\xa9j\xc3\xa0\", \"tasks\": [\n"
		"\t\t{ \"name\": \"W\", \"op\": \"write\", \"offset\": 0, \"length\": 1, "
		"\"data\": \"A\" } ],\n"
		"  \"schedule\": [ \"W\" ] }\n";
	struct wb_scenario *sc = load_ok(text);
	char *d;

	(void)state;
	d = diag_of(sc, "/tasks/0/length", false);
	assert_string_equal(d, "ok.json:3:56: error: /tasks/0/length: message 42\n"
			       "\t\t{ \"name\": \"W\", \"op\": \"write\", \"offset\": 0, "
			       "\"length\": 1, "
			       "\"data\": \"A\" } ],\n"
			       "\t\t                                                     ^\n");
	free(d);
	/* at the key; a missing member falls back to the enclosing value */
	d = diag_of(sc, "/schedule", true);
	assert_string_equal(d, "ok.json:4:3: error: /schedule: message 42\n"
			       "  \"schedule\": [ \"W\" ] }\n"
			       "  ^\n");
	free(d);
	d = diag_of(sc, "/schedule/1", false);
	assert_string_equal(d, "ok.json:4:15: error: /schedule/1: message 42\n"
			       "  \"schedule\": [ \"W\" ] }\n"
			       "              ^\n");
	free(d);
	/* columns count bytes, the caret one space a character */
	d = diag_of(sc, "/tasks", false);
	assert_string_equal(d, "ok.json:2:49: error: /tasks: message 42\n"
			       "\t\"name\": \"d\", \"description\": \"d\xc3\xa9j\xc3\xa0\", "
			       "\"tasks\": [\n"
			       "\t                                             ^\n");
	free(d);
	d = diag_of(sc, "", false);
	assert_string_equal(d, "ok.json:1:1: error: message 42\n{ \"wbsim\": 1,\n^\n");
	free(d);
	wb_scenario_free(sc);
}

static void test_diag_syntax(void **state)
{
	static const char crlf[] = "{\r\n  \"wbsim\": 1,\r\n  \"name\": x\r\n}\r\n";
	static const char dup[] = "{\"\xc3\xa9\": 1, \"\xc3\xa9\": 2}";
	char *d;

	(void)state;
	d = load_diag("s.json", crlf, strlen(crlf), NULL);
	assert_string_equal(d, "s.json:3:11: error: invalid token near 'x'\n"
			       "  \"name\": x\n"
			       "          ^\n"
			       "1 error\n");
	free(d);
	d = load_diag("s.json", "", 0, NULL);
	assert_string_equal(d, "s.json:1:1: error: '[' or '{' expected near end of file\n"
			       "\n^\n1 error\n");
	free(d);
	d = load_diag("s.json", "{\n", 2, NULL);
	assert_string_equal(d, "s.json:2:1: error: string or '}' expected near end of file\n"
			       "\n^\n1 error\n");
	free(d);
	/* the caret counts jansson's columns in characters */
	d = load_diag("s.json", dup, strlen(dup), NULL);
	assert_string_equal(d, "s.json:1:12: error: duplicate object key near '\"\xc3\xa9\"'\n"
			       "{\"\xc3\xa9\": 1, \"\xc3\xa9\": 2}\n"
			       "           ^\n"
			       "1 error\n");
	free(d);
}

static void test_cap(void **state)
{
	char text[4096];
	size_t len;
	char *d, *p;
	int lines = 0;

	(void)state;
	len = (size_t)snprintf(text, sizeof(text),
			       "{ \"wbsim\": 1, \"name\": \"cap\", \"tasks\": [ { \"name\": \"W\", "
			       "\"op\": \"write\", \"offset\": 0, \"length\": 1, \"data\": "
			       "\"A\" } ],\n"
			       "  \"schedule\": [");
	for (int i = 0; i < 30; i++)
		len += (size_t)snprintf(text + len, sizeof(text) - len, "%s\n\"X%d\"", i ? "," : "",
					i);
	len += (size_t)snprintf(text + len, sizeof(text) - len, " ] }\n");
	d = load_diag("cap.json", text, len, NULL);
	for (p = d; (p = strstr(p, ": error: ")); p++)
		lines++;
	assert_int_equal(lines, 20);
	assert_non_null(strstr(d, "/schedule/19: \"X19\": no task named \"X19\" (the tasks are "
				  "W)"));
	assert_null(strstr(d, "/schedule/20"));
	p = strstr(d, "cap.json: note: stopped checking after 20 errors\n20 errors\n");
	assert_non_null(p);
	assert_string_equal(p, "cap.json: note: stopped checking after 20 errors\n20 errors\n");
	free(d);
}

static void test_load_file(void **state)
{
	const char *missing = WBSIM_SOURCE_DIR "/scenarios/invalid/no-such-case.json";
	char *buf = NULL, want[1024];
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);
	struct wb_scenario *sc;

	(void)state;
	assert_null(wb_scenario_load(missing, f));
	fclose(f);
	snprintf(want, sizeof(want), "%s: error: cannot read: %s\n1 error\n", missing,
		 strerror(ENOENT));
	assert_string_equal(buf, want);
	free(buf);

	/* a real file, and no diagnostics stream at all */
	sc = wb_scenario_load(WBSIM_SOURCE_DIR "/scenarios/invalid/wrong-version.json", NULL);
	assert_null(sc);
	assert_null(wb_scenario_load_buffer("x", example, strlen(example) - 3, NULL));
	sc = wb_scenario_load_buffer("x", example, strlen(example), NULL);
	assert_non_null(sc);
	wb_scenario_free(sc);
	wb_scenario_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_invalid_cases),
		cmocka_unit_test(test_invalid_pairs),
		cmocka_unit_test(test_locate),
		cmocka_unit_test(test_config_set),
		cmocka_unit_test(test_switch_table),
		cmocka_unit_test(test_kernel_table),
		cmocka_unit_test(test_kernel_unknown),
		cmocka_unit_test(test_settings_round_trip),
		cmocka_unit_test(test_sched_split),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_valid_example),
		cmocka_unit_test(test_valid_defaults),
		cmocka_unit_test(test_valid_everything),
		cmocka_unit_test(test_valid_fidelity),
		cmocka_unit_test(test_config_precedence),
		cmocka_unit_test(test_new_ranges),
		cmocka_unit_test(test_diag),
		cmocka_unit_test(test_diag_syntax),
		cmocka_unit_test(test_cap),
		cmocka_unit_test(test_load_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
