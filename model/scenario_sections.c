/* SPDX-License-Identifier: MIT */
/*
 * scenario_sections.c - the sections of a scenario before its tasks: the
 * header ("wbsim", "name", "description"), "geometry", "file" with its
 * extents, and "config" (read through the switch and kernel tables).
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "model/scenario_check.h"
#include "sim/xmalloc.h"

static const char *const state_names[] = { "HOLE", "DELALLOC", "UNWRITTEN", "WRITTEN" };
static const char *const state_words[] = { "hole", "delalloc", "unwritten", "written", NULL };
static const char *const geometry_keys[] = { "block_size", "page_size", "max_folio_size", NULL };
static const char *const file_keys[] = { "size", "extents", NULL };
static const char *const extent_keys[] = { "offset", "length", "state", "data", NULL };

const char *wb_ext_state_name(enum wb_ext_state s)
{
	return (unsigned)s <= WB_WRITTEN ? state_names[s] : "?";
}

void sc_check_header(struct sc_ctx *c, json_t *root)
{
	struct wb_scenario *sc = c->sc;
	json_t *v = json_object_get(root, "wbsim");
	const char *s;

	if (!v) {
		sc_err(c, "missing required key \"wbsim\" (the format version: \"wbsim\": 1)");
	} else if (!json_is_integer(v)) {
		sc_errm(c, "wbsim", "expected an integer, got %s", sc_type_desc(v));
	} else if (json_integer_value(v) != 1) {
		sc_errm(c, "wbsim", "unsupported format version %lld (this wbsim reads version 1)",
			(long long)json_integer_value(v));
	}

	if (sc_get_string(c, root, "name", true, &s) == SC_OK) {
		if (!*s)
			sc_errm(c, "name", "must not be empty");
		else if (strlen(s) >= sizeof(sc->name))
			sc_errm(c, "name", "is too long (%zu bytes; at most %zu)", strlen(s),
				sizeof(sc->name) - 1);
		else
			strcpy(sc->name, s);
	}
	if (sc_get_string(c, root, "description", false, &s) == SC_OK)
		sc->description = wb_xstrdup(s);
}

void sc_check_geometry(struct sc_ctx *c, json_t *root)
{
	struct wb_scenario *sc = c->sc;
	json_t *g = sc_get_object(c, root, "geometry");
	uint64_t bs = sc->block_size, ps = sc->page_size;
	int rb, rp;
	size_t mark;

	if (!g) {
		c->geom_ok = !json_object_get(root, "geometry");
		return;
	}
	mark = wb_json_ptr_key(&c->p, "geometry");
	sc_check_keys(c, g, geometry_keys, "");
	rb = sc_get_int(c, g, "block_size", false, 0, SC_MAX_INT, &bs);
	if (rb == SC_OK) {
		if (bs == 0 || (bs & (bs - 1))) {
			sc_errm(c, "block_size", "must be a power of two (got %" PRIu64 ")", bs);
			rb = SC_BAD;
		} else if (bs < WB_MIN_BLOCK_SIZE) {
			sc_errm(c, "block_size", "must be at least %u (got %" PRIu64 ")",
				WB_MIN_BLOCK_SIZE, bs);
			rb = SC_BAD;
		} else if (bs > WB_MAX_PAGE_SIZE) {
			sc_errm(c, "block_size",
				"must be at most %u, the largest page size (got %" PRIu64 ")",
				WB_MAX_PAGE_SIZE, bs);
			rb = SC_BAD;
		}
	}
	rp = sc_get_int(c, g, "page_size", false, 0, SC_MAX_INT, &ps);
	if (rp == SC_OK) {
		if (ps == 0 || (ps & (ps - 1))) {
			sc_errm(c, "page_size", "must be a power of two (got %" PRIu64 ")", ps);
			rp = SC_BAD;
		} else if (ps > WB_MAX_PAGE_SIZE) {
			sc_errm(c, "page_size", "must be at most %u (got %" PRIu64 ")",
				WB_MAX_PAGE_SIZE, ps);
			rp = SC_BAD;
		}
	}
	c->geom_ok = rb != SC_BAD && rp != SC_BAD;
	if (c->geom_ok) {
		/* Both powers of two: a multiple means at least as large. */
		const char *at = rp == SC_OK ? "page_size" : "block_size";

		if (ps < bs) {
			sc_errm(c, at,
				"the page size %" PRIu64 " is smaller than the block size %" PRIu64
				" (a page holds whole blocks)", ps, bs);
			c->geom_ok = false;
		} else if (ps / bs > WB_MAX_BLOCKS_PER_PAGE) {
			sc_errm(c, at,
				"a page of %" PRIu64 " holds %" PRIu64 " blocks of %" PRIu64
				" (at most %u blocks a page)",
				ps, ps / bs, bs, WB_MAX_BLOCKS_PER_PAGE);
			c->geom_ok = false;
		}
	}
	if (c->geom_ok) {
		sc->block_size = (unsigned)bs;
		sc->page_size = (unsigned)ps;
		sc->max_folio_size = (unsigned)ps;
	}
	/* large folios (write_folios): at least a page, at most 64 KiB and 16 blocks */
	uint64_t mf = ps;
	int rm = sc_get_int(c, g, "max_folio_size", false, 0, SC_MAX_INT, &mf);
	if (rm == SC_OK && c->geom_ok) {
		if (mf == 0 || (mf & (mf - 1)))
			sc_errm(c, "max_folio_size", "must be a power of two (got %" PRIu64 ")", mf);
		else if (mf < ps)
			sc_errm(c, "max_folio_size",
				"must be at least the page size %" PRIu64 " (got %" PRIu64 ")", ps, mf);
		else if (mf > WB_MAX_FOLIO_SIZE)
			sc_errm(c, "max_folio_size", "must be at most %u (got %" PRIu64 ")",
				WB_MAX_FOLIO_SIZE, mf);
		else if (mf / bs > WB_MAX_BLOCKS_PER_FOLIO)
			sc_errm(c, "max_folio_size",
				"a folio of %" PRIu64 " holds %" PRIu64 " blocks of %" PRIu64
				" (at most %u blocks a folio)",
				mf, mf / bs, bs, WB_MAX_BLOCKS_PER_FOLIO);
		else
			sc->max_folio_size = (unsigned)mf;
	}
	wb_json_ptr_pop(&c->p, mark);
}

/* One extent; true when it is good enough to take part in the overlap check. */
static bool check_extent(struct sc_ctx *c, json_t *e, struct wb_extent_def *d)
{
	struct wb_scenario *sc = c->sc;
	int ro, rl, st;
	bool ok = true;

	if (!json_is_object(e)) {
		sc_err(c, "expected an object, got %s", sc_type_desc(e));
		return false;
	}
	sc_check_keys(c, e, extent_keys, "");
	ro = sc_get_int(c, e, "offset", true, 0, SC_MAX_INT, &d->offset);
	if (ro == SC_OK && c->geom_ok && d->offset % sc->block_size) {
		sc_errm(c, "offset", "%" PRIu64 " is not a multiple of the block size %u", d->offset,
			sc->block_size);
		ro = SC_BAD;
	}
	rl = sc_get_int(c, e, "length", true, 1, SC_MAX_INT, &d->length);
	if (rl == SC_OK && c->geom_ok && d->length % sc->block_size) {
		sc_errm(c, "length", "%" PRIu64 " is not a multiple of the block size %u", d->length,
			sc->block_size);
		rl = SC_BAD;
	}
	if (ro == SC_OK && rl == SC_OK)
		sc_reach_range(c, d->offset, d->length, "extent");
	else
		ok = false;

	st = sc_get_word(c, e, "state", true, state_words, "extent state",
			 "hole, delalloc, unwritten or written");
	if (st < 0)
		return false;
	d->state = (enum wb_ext_state)st;
	if (d->state == WB_WRITTEN) {
		if (!json_object_get(e, "data")) {
			sc_err(c,
			       "missing required key \"data\" (a written extent gives the byte its blocks hold)");
			ok = false;
		} else if (!sc_get_data(c, e, &d->data)) {
			ok = false;
		}
	} else if (json_object_get(e, "data")) {
		size_t mark = wb_json_ptr_key(&c->p, "data");

		sc_err_key(c, "\"data\" is only allowed on a written extent (this one is %s)",
			   state_words[st]);
		wb_json_ptr_pop(&c->p, mark);
	}
	return ok;
}

struct ext_ref {
	struct wb_extent_def d;
	size_t idx;
	bool ok;
};

static int ext_cmp(const void *a, const void *b)
{
	const struct ext_ref *x = a, *y = b;

	if (x->d.offset != y->d.offset)
		return x->d.offset < y->d.offset ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static void check_extents(struct sc_ctx *c, json_t *arr)
{
	struct wb_scenario *sc = c->sc;
	size_t n = json_array_size(arr), mark, prev = SIZE_MAX;
	struct ext_ref *ex;

	mark = wb_json_ptr_key(&c->p, "extents");
	if (n > WB_MAX_EXTENTS) {
		sc_err(c, "too many extents (%zu; at most %u)", n, WB_MAX_EXTENTS);
		wb_json_ptr_pop(&c->p, mark);
		return;
	}
	ex = wb_xcalloc(n, sizeof(*ex));
	for (size_t i = 0; i < n && !sc_stop(c); i++) {
		size_t m = wb_json_ptr_index(&c->p, i);

		ex[i].idx = i;
		ex[i].ok = check_extent(c, json_array_get(arr, i), &ex[i].d);
		wb_json_ptr_pop(&c->p, m);
	}
	qsort(ex, n, sizeof(*ex), ext_cmp);
	/* Each against the one reaching furthest among those before it. */
	for (size_t i = 0; i < n && !sc_stop(c); i++) {
		if (!ex[i].ok)
			continue;
		if (prev != SIZE_MAX && ex[i].d.offset < ex[prev].d.offset + ex[prev].d.length) {
			const struct ext_ref *a = &ex[i], *b = &ex[prev];
			size_t m;

			if (a->idx < b->idx) {
				a = &ex[prev];
				b = &ex[i];
			}
			m = wb_json_ptr_index(&c->p, a->idx);
			sc_err(c, "overlaps /file/extents/%zu ([%" PRIu64 ",%" PRIu64 "))", b->idx,
			    b->d.offset, b->d.offset + b->d.length);
			wb_json_ptr_pop(&c->p, m);
		}
		if (prev == SIZE_MAX ||
		    ex[i].d.offset + ex[i].d.length > ex[prev].d.offset + ex[prev].d.length)
			prev = i;
	}
	sc->nextents = n;
	sc->extents = wb_xcalloc(n, sizeof(*sc->extents));
	for (size_t i = 0; i < n; i++)
		sc->extents[i] = ex[i].d;
	free(ex);
	wb_json_ptr_pop(&c->p, mark);
}

void sc_check_file(struct sc_ctx *c, json_t *root)
{
	json_t *f = sc_get_object(c, root, "file"), *arr;
	size_t mark;

	if (!f)
		return;
	mark = wb_json_ptr_key(&c->p, "file");
	sc_check_keys(c, f, file_keys, "");
	if (sc_get_int(c, f, "size", false, 0, SC_MAX_INT, &c->sc->file_size) == SC_OK)
		sc_reach(c, "size", c->sc->file_size);
	arr = sc_get_array(c, f, "extents");
	if (arr)
		check_extents(c, arr);
	wb_json_ptr_pop(&c->p, mark);
}

/* A boolean member of the config, or of a task; true when given and good. */
bool sc_get_bool(struct sc_ctx *c, json_t *obj, const char *key, bool *out)
{
	json_t *v = json_object_get(obj, key);

	if (!v)
		return false;
	if (!json_is_boolean(v)) {
		sc_errm(c, key, "expected true or false, got %s", sc_type_desc(v));
		return false;
	}
	*out = json_is_true(v);
	return true;
}

/*
 * The switches.  An explicit key beats the object's own "kernel" preset
 * whatever their order: the preset is applied first (as wb_config_apply_list
 * does), then the explicit keys, then wb_config_check().
 */
void sc_check_config(struct sc_ctx *c, json_t *root)
{
	struct wb_scenario *sc = c->sc;
	json_t *cfg = sc_get_object(c, root, "config"), *v;
	struct wb_config out;
	char q[SC_QUOTE_LEN], expected[160], msg[512];
	unsigned nerr;
	size_t mark;

	if (!cfg)
		return;
	mark = wb_json_ptr_key(&c->p, "config");
	sc_check_keys(c, cfg, wb_config_keys(), "");
	nerr = c->nerr; /* unknown keys do not spoil the values */
	wb_config_defaults(&out);

	v = json_object_get(cfg, "kernel");
	wb_kernel_versions(expected, sizeof(expected), "\"", ", ", " or ");
	if (v && !json_is_string(v)) {
		sc_errm(c, "kernel", "expected a string (%s), got %s", expected, sc_type_desc(v));
	} else if (v) {
		const char *s = json_string_value(v);
		const struct wb_kernel *k = strlen(s) == json_string_length(v) ? wb_kernel_find(s)
									       : NULL;

		if (k)
			wb_config_preset(&out, k);
		else
			sc_errm(c, "kernel", "unknown kernel version %s (expected %s)", sc_quote(q, s),
				expected);
	}

	for (size_t i = 0; i < wb_nswitches; i++) {
		const struct wb_switch *sw = &wb_switches[i];
		bool b;

		if (sw->kind == WB_SWITCH_BOOL) {
			if (sc_get_bool(c, cfg, sw->name, &b))
				wb_switch_put(&out, sw, b);
			continue;
		}
		snprintf(msg, sizeof(msg), "%s value", sw->name);
		int w = sc_get_word(c, cfg, sw->name, false, sw->words, msg,
				    wb_switch_expected(sw, expected, sizeof(expected)));
		if (w < 0)
			continue;
		wb_switch_put(&out, sw, (unsigned)w);
		if (sw->offset == offsetof(struct wb_config, validity_check))
			sc->config_has_check = true;
	}

	if (c->nerr == nerr && wb_config_check(&out, msg, sizeof(msg))) {
		if (json_object_get(cfg, out.kernel->lacks))
			sc_errm(c, out.kernel->lacks, "%s", msg);
		else
			sc_err(c, "%s", msg);
	}
	sc->config = out;
	wb_json_ptr_pop(&c->p, mark);
}

