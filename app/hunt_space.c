/* SPDX-License-Identifier: MIT */
/*
 * hunt_space.c - the space file of wbsim hunt (docs/json.md section 9) and
 * the draw of its scenarios.
 *
 * A space says which small scenarios to draw (geometry, pages, extent
 * states, writers and their lengths, alignments and short copies, `after`
 * density, writeback passes, reclaim evictions, one of the other actors) and
 * the settings to explore each under.  It is read like a scenario: jansson
 * parses, every member is checked at its JSON pointer and reported located
 * (json_diag.h), and a space with any error is not used.
 *
 * Scenario i of seed S is drawn from its own splitmix64 stream (sim/rng.c),
 * seeded from S and i alone, so any scenario can be drawn again without the
 * others, on any machine.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "app/app.h"
#include "app/hunt.h"
#include "sim/xmalloc.h"

#define HUNT_MAX_ERRORS 20

struct hs_ctx {
	struct wb_json_src src;
	FILE *diag;
	unsigned nerr;
};

static void hs_err(struct hs_ctx *c, const char *ptr, bool at_key, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void hs_err(struct hs_ctx *c, const char *ptr, bool at_key, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (c->nerr++ >= HUNT_MAX_ERRORS || !c->diag)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	wb_json_diag(&c->src, c->diag, ptr, at_key, "%s", msg);
}

static const char *hs_type(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: return "an object";
	case JSON_ARRAY: return "an array";
	case JSON_STRING: return "a string";
	case JSON_INTEGER: return "an integer";
	case JSON_REAL: return "a number with a fraction";
	case JSON_TRUE:
	case JSON_FALSE: return "a boolean";
	default: return "null";
	}
}

static const char *const top_keys[] = {
	"wbsim_hunt", "name", "description", "page_size", "block_sizes", "pages",
	"short_file_percent", "extent_states", "max_extents", "writers", "write_units",
	"short_copy_percent", "after_percent", "writeback", "passes", "sync_percent",
	"wait_percent", "reclaim", "evictions", "others", "other_ops", "settings", "max_states",
	"shrink_states", NULL
};
static const char *const state_words[] = { "hole", "delalloc", "unwritten", "written", NULL };
static const char *const other_words[] = { "read_fault", "mmap_write", "punch", "fallocate",
					   "truncate", NULL };

static int hs_word(const char *const *list, const char *s)
{
	for (int i = 0; list[i]; i++)
		if (!strcmp(list[i], s))
			return i;
	return -1;
}

/* An integer member in [lo, hi]; `dflt` when missing. */
static unsigned long long hs_int(struct hs_ctx *c, json_t *root, const char *key,
				 unsigned long long lo, unsigned long long hi,
				 unsigned long long dflt)
{
	json_t *v = json_object_get(root, key);
	char ptr[80];

	snprintf(ptr, sizeof(ptr), "/%s", key);
	if (!v)
		return dflt;
	if (!json_is_integer(v)) {
		hs_err(c, ptr, false, "expected an integer, got %s", hs_type(v));
		return dflt;
	}
	json_int_t x = json_integer_value(v);
	if (x < (json_int_t)lo || (unsigned long long)x > hi) {
		hs_err(c, ptr, false, "must be in [%llu, %llu] (got %lld)", lo, hi, (long long)x);
		return dflt;
	}
	return (unsigned long long)x;
}

/* A range [min, max] written as a two-integer array, within [lo, hi]. */
static void hs_range(struct hs_ctx *c, json_t *root, const char *key, unsigned lo, unsigned hi,
		     struct hunt_range *r)
{
	json_t *v = json_object_get(root, key);
	char ptr[80];

	snprintf(ptr, sizeof(ptr), "/%s", key);
	if (!v)
		return;
	if (!json_is_array(v) || json_array_size(v) != 2) {
		hs_err(c, ptr, false, "expected [MIN, MAX], two integers, got %s%s", hs_type(v),
		       json_is_array(v) ? " of another length" : "");
		return;
	}
	unsigned x[2];
	for (size_t i = 0; i < 2; i++) {
		json_t *e = json_array_get(v, i);
		snprintf(ptr, sizeof(ptr), "/%s/%zu", key, i);
		if (!json_is_integer(e)) {
			hs_err(c, ptr, false, "expected an integer, got %s", hs_type(e));
			return;
		}
		json_int_t n = json_integer_value(e);
		if (n < lo || n > hi) {
			hs_err(c, ptr, false, "must be in [%u, %u] (got %lld)", lo, hi, (long long)n);
			return;
		}
		x[i] = (unsigned)n;
	}
	if (x[0] > x[1]) {
		snprintf(ptr, sizeof(ptr), "/%s", key);
		hs_err(c, ptr, false, "MIN %u is larger than MAX %u", x[0], x[1]);
		return;
	}
	r->min = x[0];
	r->max = x[1];
}

/* A list of sizes: powers of two in [lo, hi]. */
static void hs_sizes(struct hs_ctx *c, json_t *root, const char *key, unsigned lo, unsigned hi,
		     unsigned *out, unsigned *n)
{
	json_t *v = json_object_get(root, key), *e;
	char ptr[80];
	size_t i;

	snprintf(ptr, sizeof(ptr), "/%s", key);
	if (!v)
		return;
	if (!json_is_array(v) || !json_array_size(v) || json_array_size(v) > HUNT_MAX_CHOICES) {
		hs_err(c, ptr, false, "expected an array of 1 to %d sizes, got %s", HUNT_MAX_CHOICES,
		       hs_type(v));
		return;
	}
	*n = 0;
	json_array_foreach(v, i, e) {
		snprintf(ptr, sizeof(ptr), "/%s/%zu", key, i);
		json_int_t x = json_is_integer(e) ? json_integer_value(e) : -1;
		if (!json_is_integer(e))
			hs_err(c, ptr, false, "expected an integer, got %s", hs_type(e));
		else if (x < lo || x > hi || (x & (x - 1)))
			hs_err(c, ptr, false, "must be a power of two in [%u, %u] (got %lld)", lo, hi,
			       (long long)x);
		else
			out[(*n)++] = (unsigned)x;
	}
}

/* A list of words, as a bit mask. */
static unsigned hs_words(struct hs_ctx *c, json_t *root, const char *key,
			 const char *const *words, unsigned dflt)
{
	json_t *v = json_object_get(root, key), *e;
	char ptr[80];
	unsigned mask = 0;
	size_t i;

	snprintf(ptr, sizeof(ptr), "/%s", key);
	if (!v)
		return dflt;
	if (!json_is_array(v) || !json_array_size(v)) {
		hs_err(c, ptr, false, "expected a non-empty array of strings, got %s", hs_type(v));
		return dflt;
	}
	json_array_foreach(v, i, e) {
		snprintf(ptr, sizeof(ptr), "/%s/%zu", key, i);
		int w = json_is_string(e) ? hs_word(words, json_string_value(e)) : -1;
		if (w < 0) {
			char list[160];
			size_t len = 0;
			for (int k = 0; words[k]; k++)
				len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%s",
							k ? ", " : "", words[k]);
			hs_err(c, ptr, false, "expected one of %s", list);
		} else {
			mask |= 1u << w;
		}
	}
	return mask;
}

static void hs_check(struct hs_ctx *c, json_t *root, struct hunt_space *sp)
{
	const char *key;
	json_t *v;
	char ptr[300];

	if (!json_is_object(root)) {
		hs_err(c, "", false, "expected an object (a hunt space), got %s", hs_type(root));
		return;
	}
	json_object_foreach(root, key, v) {
		if (hs_word(top_keys, key) < 0) {
			snprintf(ptr, sizeof(ptr), "/%.250s", key);
			hs_err(c, ptr, true, "unknown key (a hunt space has: wbsim_hunt, name, "
					     "description, page_size, block_sizes, pages, ...; see "
					     "docs/json.md)");
		}
	}
	v = json_object_get(root, "wbsim_hunt");
	if (!v)
		hs_err(c, "", false, "missing required key \"wbsim_hunt\" (the format version: "
				     "\"wbsim_hunt\": 1)");
	else if (!json_is_integer(v) || json_integer_value(v) != 1)
		hs_err(c, "/wbsim_hunt", false, "unsupported format version (this wbsim reads 1)");
	v = json_object_get(root, "name");
	if (!json_is_string(v) || !*json_string_value(v) ||
	    strlen(json_string_value(v)) >= sizeof(sp->name))
		hs_err(c, v ? "/name" : "", false, "%s", v ? "expected a string of 1 to 63 bytes"
							  : "missing required key \"name\"");
	else
		snprintf(sp->name, sizeof(sp->name), "%s", json_string_value(v));
	v = json_object_get(root, "description");
	if (v && !json_is_string(v))
		hs_err(c, "/description", false, "expected a string, got %s", hs_type(v));

	sp->page_size = (unsigned)hs_int(c, root, "page_size", 512, WB_MAX_PAGE_SIZE, 4096);
	if (sp->page_size & (sp->page_size - 1))
		hs_err(c, "/page_size", false, "must be a power of two");
	hs_sizes(c, root, "block_sizes", WB_MIN_BLOCK_SIZE, WB_MAX_PAGE_SIZE, sp->block_sizes,
		 &sp->nblock_sizes);
	for (unsigned i = 0; i < sp->nblock_sizes; i++) {
		snprintf(ptr, sizeof(ptr), "/block_sizes/%u", i);
		if (sp->block_sizes[i] > sp->page_size || sp->page_size / sp->block_sizes[i] > 16)
			hs_err(c, ptr, false, "must be at most the page size %u and at least 1/16 "
					      "of it", sp->page_size);
	}
	hs_range(c, root, "pages", 1, 8, &sp->pages);
	sp->short_file_percent = (unsigned)hs_int(c, root, "short_file_percent", 0, 100, 0);
	sp->extent_states = hs_words(c, root, "extent_states", state_words, sp->extent_states);
	sp->max_extents = (unsigned)hs_int(c, root, "max_extents", 0, 64, 3);
	hs_range(c, root, "writers", 0, 8, &sp->writers);
	hs_sizes(c, root, "write_units", 512, WB_MAX_PAGE_SIZE, sp->write_units,
		 &sp->nwrite_units);
	sp->short_copy_percent = (unsigned)hs_int(c, root, "short_copy_percent", 0, 100, 0);
	sp->after_percent = (unsigned)hs_int(c, root, "after_percent", 0, 100, 0);
	hs_range(c, root, "writeback", 0, 2, &sp->writeback);
	hs_range(c, root, "passes", 1, 4, &sp->passes);
	sp->sync_percent = (unsigned)hs_int(c, root, "sync_percent", 0, 100, 0);
	sp->wait_percent = (unsigned)hs_int(c, root, "wait_percent", 0, 100, 0);
	hs_range(c, root, "reclaim", 0, 2, &sp->reclaim);
	hs_range(c, root, "evictions", 1, 8, &sp->evictions);
	hs_range(c, root, "others", 0, 4, &sp->others);
	sp->others_ops = hs_words(c, root, "other_ops", other_words, sp->others_ops);
	sp->max_states = hs_int(c, root, "max_states", 1, 1ull << 40, 100000);
	sp->shrink_states = hs_int(c, root, "shrink_states", 1, 1ull << 40, 20000);
	if (sp->writers.max + sp->writeback.max + sp->reclaim.max + sp->others.max > WB_MAX_TASKS)
		hs_err(c, "", false, "writers, writeback, reclaim and others may add up to %u "
				     "tasks, more than a scenario's %d", sp->writers.max +
				     sp->writeback.max + sp->reclaim.max + sp->others.max,
			WB_MAX_TASKS);
	if (sp->others.max && !sp->others_ops)
		hs_err(c, "/other_ops", false, "must name an op when \"others\" allows some");

	v = json_object_get(root, "settings");
	if (v) {
		json_t *e;
		size_t i;
		if (!json_is_array(v) || !json_array_size(v) ||
		    json_array_size(v) > HUNT_MAX_SETTINGS) {
			hs_err(c, "/settings", false, "expected an array of 1 to %d settings lists "
						      "such as \"kernel=6.1\"", HUNT_MAX_SETTINGS);
			return;
		}
		sp->nsettings = 0;
		json_array_foreach(v, i, e) {
			struct wb_config cfg;
			char err[600];
			snprintf(ptr, sizeof(ptr), "/settings/%zu", i);
			wb_config_defaults(&cfg);
			if (!json_is_string(e) || !*json_string_value(e) ||
			    strlen(json_string_value(e)) >= sizeof(sp->settings[0])) {
				hs_err(c, ptr, false, "expected a settings list such as "
						      "\"kernel=6.1,writeback_revalidate=false\"");
				continue;
			}
			if (wb_config_apply_list(&cfg, json_string_value(e), err, sizeof(err))) {
				hs_err(c, ptr, false, "%s", err);
				continue;
			}
			snprintf(sp->settings[sp->nsettings++], sizeof(sp->settings[0]), "%s",
				 json_string_value(e));
		}
	}
}

static void hs_defaults(struct hunt_space *sp)
{
	memset(sp, 0, sizeof(*sp));
	sp->page_size = 4096;
	sp->block_sizes[0] = 4096;
	sp->nblock_sizes = 1;
	sp->pages = (struct hunt_range){ 1, 2 };
	sp->extent_states = 1u << WB_UNWRITTEN;
	sp->writers = (struct hunt_range){ 2, 2 };
	sp->write_units[0] = 512;
	sp->nwrite_units = 1;
	sp->writeback = (struct hunt_range){ 1, 1 };
	sp->passes = (struct hunt_range){ 1, 1 };
	sp->reclaim = (struct hunt_range){ 1, 1 };
	sp->evictions = (struct hunt_range){ 1, 1 };
	sp->others_ops = (1u << HUNT_NOTHERS) - 1;
	snprintf(sp->settings[0], sizeof(sp->settings[0]), "kernel=6.1");
	snprintf(sp->settings[1], sizeof(sp->settings[1]), "kernel=6.2");
	sp->nsettings = 2;
}

int hunt_space_load(const char *path, const char *text, size_t len, FILE *diag,
		    struct hunt_space *sp)
{
	struct hs_ctx c = { .src = { path, text, len }, .diag = diag };
	json_error_t jerr;
	json_t *root;

	hs_defaults(sp);
	root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		if (diag) {
			wb_json_diag_line_col(&c.src, diag, jerr.line, jerr.column, jerr.text);
			fprintf(diag, "1 error\n");
		}
		return -1;
	}
	hs_check(&c, root, sp);
	if (c.nerr) {
		if (diag) {
			if (c.nerr > HUNT_MAX_ERRORS)
				fprintf(diag, "%s: note: stopped reporting after %u errors\n", path,
					HUNT_MAX_ERRORS);
			fprintf(diag, "%u error%s\n", c.nerr, c.nerr == 1 ? "" : "s");
		}
		json_decref(root);
		return -1;
	}
	sp->canon = json_dumps(root, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(root);
	return 0;
}

int hunt_space_load_file(const char *path, FILE *diag, struct hunt_space *sp)
{
	FILE *f = fopen(path, "rb");
	char *text = NULL;
	size_t len = 0, cap = 0, got;

	if (!f) {
		fprintf(diag, "%s: error: cannot read: %s\n1 error\n", path, strerror(errno));
		return -1;
	}
	do {
		if (len + 4096 > cap) {
			cap = cap ? cap * 2 : 8192;
			text = wb_xrealloc(text, cap + 1);
		}
		got = fread(text + len, 1, cap - len, f);
		len += got;
	} while (got);
	fclose(f);
	text[len] = '\0';
	int rc = hunt_space_load(path, text, len, diag, sp);
	free(text);
	return rc;
}

void hunt_space_free(struct hunt_space *sp)
{
	free(sp->canon);
	sp->canon = NULL;
}

/* ---- the draw ---- */

static unsigned hd_below(struct sim_rng *r, unsigned n)
{
	return n > 1 ? sim_rng_below(r, n) : 0;
}

static unsigned hd_in(struct sim_rng *r, struct hunt_range x)
{
	return x.min + hd_below(r, x.max - x.min + 1);
}

static bool hd_percent(struct sim_rng *r, unsigned p)
{
	return p && hd_below(r, 100) < p;
}

static void hd_task(json_t *tasks, const char *name, const char *op, json_t *o)
{
	json_t *t = json_object();

	json_object_set_new(t, "name", json_string(name));
	json_object_set_new(t, "op", json_string(op));
	json_object_update(t, o);
	json_decref(o);
	json_array_append_new(tasks, t);
}

char *hunt_draw(const struct hunt_space *sp, uint64_t seed, uint64_t index)
{
	static const char *const other_names[] = { "RF", "P", "PH", "FA", "TR" };
	struct sim_rng r, mix;
	char name[96], tname[16];

	/*
	 * The stream of scenario i: splitmix64 seeded with a mix of the seed and
	 * the index (each through splitmix64's output function, so streams of
	 * neighbouring indexes are unrelated, not shifted copies of one another).
	 */
	sim_rng_seed(&mix, seed);
	uint64_t a = sim_rng_next(&mix);
	sim_rng_seed(&mix, index ^ 0x6a09e667f3bcc909ull);
	sim_rng_seed(&r, a ^ sim_rng_next(&mix));

	unsigned bs = sp->block_sizes[hd_below(&r, sp->nblock_sizes)], ps = sp->page_size;
	unsigned pages = hd_in(&r, sp->pages), span = pages * ps, nblocks = span / bs;
	unsigned size = span;
	if (hd_percent(&r, sp->short_file_percent))
		size = bs * hd_below(&r, nblocks);
	json_t *root = json_object(), *ext = json_array(), *tasks = json_array();

	snprintf(name, sizeof(name), "%s-%llu-%llu", sp->name, (unsigned long long)seed,
		 (unsigned long long)index);
	json_object_set_new(root, "wbsim", json_integer(1));
	json_object_set_new(root, "name", json_string(name));
	json_object_set_new(root, "geometry", json_pack("{s:I,s:I}", "block_size", (json_int_t)bs,
							"page_size", (json_int_t)ps));
	/* extents: runs of blocks, each in a state the space allows */
	unsigned nstates = 0, states[4];
	for (unsigned s = 0; s < 4; s++)
		if (sp->extent_states & (1u << s))
			states[nstates++] = s;
	for (unsigned b = 0; b < nblocks;) {
		unsigned run = 1 + hd_below(&r, nblocks - b), st = states[hd_below(&r, nstates)];
		if (st != WB_HOLE && json_array_size(ext) < sp->max_extents) {
			json_t *e = json_pack("{s:I,s:I,s:s}", "offset", (json_int_t)(b * bs),
					      "length", (json_int_t)(run * bs), "state",
					      state_words[st]);
			if (st == WB_WRITTEN)
				json_object_set_new(e, "data", json_string("X"));
			json_array_append_new(ext, e);
		}
		b += run;
	}
	json_object_set_new(root, "file", json_pack("{s:I,s:o}", "size", (json_int_t)size,
						    "extents", ext));

	unsigned nw = hd_in(&r, sp->writers);
	for (unsigned w = 0; w < nw; w++) {
		unsigned unit = sp->write_units[hd_below(&r, sp->nwrite_units)];
		if (unit > span)
			unit = span;
		unsigned off = hd_below(&r, span / unit) * unit;
		unsigned len = unit * (1 + hd_below(&r, (span - off) / unit));
		char data[2] = { (char)('A' + w), 0 };
		json_t *o = json_pack("{s:I,s:I,s:s}", "offset", (json_int_t)off, "length",
				      (json_int_t)len, "data", data);
		if (len > 512 && hd_percent(&r, sp->short_copy_percent))
			json_object_set_new(o, "short_copy_at",
					    json_integer(off + 512 * hd_below(&r, len / 512)));
		if (w && hd_percent(&r, sp->after_percent)) {
			snprintf(tname, sizeof(tname), "W%u", 1 + hd_below(&r, w));
			json_object_set_new(o, "after", json_pack("[s]", tname));
		}
		snprintf(tname, sizeof(tname), "W%u", w + 1);
		hd_task(tasks, tname, "write", o);
	}

	unsigned nops = 0, ops[HUNT_NOTHERS], used[HUNT_NOTHERS] = { 0 };
	for (unsigned k = 0; k < HUNT_NOTHERS; k++)
		if (sp->others_ops & (1u << k))
			ops[nops++] = k;
	unsigned no = nops ? hd_in(&r, sp->others) : 0;
	for (unsigned k = 0; k < no; k++) {
		unsigned op = ops[hd_below(&r, nops)], b = hd_below(&r, nblocks);
		json_t *o = NULL;
		if (used[op]++)
			snprintf(tname, sizeof(tname), "%s%u", other_names[op], used[op]);
		else
			snprintf(tname, sizeof(tname), "%s", other_names[op]);
		switch (op) {
		case HUNT_READ_FAULT:
			hd_task(tasks, tname, "read_fault",
				json_pack("{s:I}", "page", (json_int_t)hd_below(&r, pages)));
			break;
		case HUNT_MMAP_WRITE: {
			/* after every write it overlaps: their order would be user space's race */
			unsigned moff = hd_below(&r, span / 512) * 512;
			json_t *after = json_array(), *t;
			size_t k2;
			o = json_pack("{s:I,s:I,s:s}", "offset", (json_int_t)moff, "length",
				      (json_int_t)512, "data", "P");
			json_array_foreach(tasks, k2, t) {
				json_int_t wo = json_integer_value(json_object_get(t, "offset"));
				json_int_t wl = json_integer_value(json_object_get(t, "length"));
				if (!strcmp(json_string_value(json_object_get(t, "op")), "write") &&
				    wo < moff + 512 && moff < wo + wl)
					json_array_append(after, json_object_get(t, "name"));
			}
			if (json_array_size(after))
				json_object_set_new(o, "after", after);
			else
				json_decref(after);
			hd_task(tasks, tname, "mmap_write", o);
			break;
		}
		case HUNT_PUNCH:
			hd_task(tasks, tname, "punch",
				json_pack("{s:I,s:I}", "offset", (json_int_t)(b * bs), "length",
					  (json_int_t)((1 + hd_below(&r, nblocks - b)) * bs)));
			break;
		case HUNT_FALLOCATE:
			hd_task(tasks, tname, "fallocate",
				json_pack("{s:I,s:I}", "offset", (json_int_t)(b * bs), "length",
					  (json_int_t)((1 + hd_below(&r, nblocks - b)) * bs)));
			break;
		default:
			hd_task(tasks, tname, "truncate",
				json_pack("{s:I}", "size", (json_int_t)(hd_below(&r, nblocks + 1) * bs)));
			break;
		}
	}

	unsigned nwb = hd_in(&r, sp->writeback);
	for (unsigned k = 0; k < nwb; k++) {
		json_t *o = json_object();
		unsigned passes = hd_in(&r, sp->passes);
		if (passes > 1)
			json_object_set_new(o, "passes", json_integer(passes));
		if (hd_percent(&r, sp->sync_percent))
			json_object_set_new(o, "mode", json_string("sync"));
		if (hd_percent(&r, sp->wait_percent))
			json_object_set_new(o, "wait", json_true());
		snprintf(tname, sizeof(tname), k ? "WB%u" : "WB", k + 1);
		hd_task(tasks, tname, "writeback", o);
	}
	unsigned nrc = hd_in(&r, sp->reclaim);
	for (unsigned k = 0; k < nrc; k++) {
		snprintf(tname, sizeof(tname), k ? "RC%u" : "RC", k + 1);
		hd_task(tasks, tname, "reclaim",
			json_pack("{s:I}", "evictions", (json_int_t)hd_in(&r, sp->evictions)));
	}
	json_object_set_new(root, "tasks", tasks);
	char *text = json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(root);
	return text;
}
