/* SPDX-License-Identifier: MIT */
/*
 * scenario_check.c - the scenario checker's reporting and typed getters:
 * every error is counted and printed at the JSON pointer the checker stands
 * at; the getters read a member of a given type and report a bad one.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "model/scenario_check.h"
#include "sim/xmalloc.h"

/* "off, after_lock or before_lock" */
const char *sc_check_modes(char *buf, size_t n)
{
	return wb_switch_expected(wb_switch_find("validity_check"), buf, n);
}

/* Index of `s` in a NULL-terminated list, or -1. */
int sc_word_index(const char *const *list, const char *s)
{
	for (int i = 0; list[i]; i++) {
		if (strcmp(list[i], s) == 0)
			return i;
	}
	return -1;
}

/*
 * The edit distance of a and b (insertions, deletions, substitutions and
 * transpositions of neighbours: "sheduel" is 2 from "schedule"), up to 64
 * bytes each.
 */
static unsigned sc_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	unsigned d[65][65];

	if (la > 64 || lb > 64)
		return 64;
	for (size_t i = 0; i <= la; i++)
		d[i][0] = (unsigned)i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = (unsigned)j;
	for (size_t i = 1; i <= la; i++)
		for (size_t j = 1; j <= lb; j++) {
			unsigned best = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
			if (d[i - 1][j] + 1 < best)
				best = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < best)
				best = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    d[i - 2][j - 2] + 1 < best)
				best = d[i - 2][j - 2] + 1;
			d[i][j] = best;
		}
	return d[la][lb];
}

const char *sc_did_you_mean(char *buf, size_t n, const char *const *list, const char *s)
{
	const char *best = NULL;
	unsigned bd = ~0u;
	size_t ls = strlen(s);

	buf[0] = '\0';
	if (!ls)
		return buf;
	for (size_t i = 0; list[i]; i++) {
		/* a word it is part of counts as close: "revalidate", "writeback_revalidate" */
		unsigned d = strstr(list[i], s) && ls >= 3 ? 1 : sc_distance(s, list[i]);
		if (d < bd) {
			bd = d;
			best = list[i];
		}
	}
	if (best && bd <= (ls < 3 ? 0u : (unsigned)(ls / 3)))
		snprintf(buf, n, " (did you mean \"%s\"?)", best);
	return buf;
}

/* "a, b, c" for a NULL-terminated list. */
const char *sc_join(char *buf, size_t n, const char *const *list)
{
	size_t len = 0;

	buf[0] = '\0';
	for (size_t i = 0; list[i] && len < n; i++)
		len += (size_t)snprintf(buf + len, n - len, "%s%s", i ? ", " : "", list[i]);
	return buf;
}

/* "a, b or c" for a NULL-terminated list. */
const char *sc_join_or(char *buf, size_t n, const char *const *list)
{
	size_t len = 0, k = 0;

	while (list[k])
		k++;
	buf[0] = '\0';
	for (size_t i = 0; i < k && len < n; i++)
		len += (size_t)snprintf(buf + len, n - len, "%s%s",
					i == 0 ? "" : i + 1 == k ? " or " : ", ", list[i]);
	return buf;
}

bool sc_stop(const struct sc_ctx *c)
{
	return c->nerr >= SC_MAX_ERRORS;
}

static void vreport(struct sc_ctx *c, const char *member, bool at_key, const char *fmt,
		    va_list ap) __attribute__((format(printf, 4, 0)));

static void vreport(struct sc_ctx *c, const char *member, bool at_key, const char *fmt,
		    va_list ap)
{
	struct wb_json_src src = { c->sc->path, c->sc->text, c->sc->text_len };
	size_t mark = c->p.len;

	if (sc_stop(c))
		return;
	c->nerr++;
	if (!c->diag)
		return;
	if (member)
		wb_json_ptr_key(&c->p, member);
	wb_json_vdiag(&src, c->diag, c->p.s, at_key, fmt, ap);
	wb_json_ptr_pop(&c->p, mark);
}

void sc_err(struct sc_ctx *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(c, NULL, false, fmt, ap);
	va_end(ap);
}

void sc_err_key(struct sc_ctx *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(c, NULL, true, fmt, ap);
	va_end(ap);
}

void sc_errm(struct sc_ctx *c, const char *member, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(c, member, false, fmt, ap);
	va_end(ap);
}

/* s[0..len) in double quotes, escaped, shortened to fit SC_QUOTE_LEN; returns buf. */
const char *sc_quote_n(char *buf, const char *s, size_t len)
{
	size_t n = 0;

	buf[n++] = '"';
	for (const char *e = s + len; s < e; s++) {
		unsigned char ch = (unsigned char)*s;

		if (n + 10 > SC_QUOTE_LEN && (ch & 0xc0) != 0x80) {
			memcpy(buf + n, "...", 3);
			n += 3;
			break;
		}
		if (ch == '"' || ch == '\\') {
			buf[n++] = '\\';
			buf[n++] = (char)ch;
		} else if (ch < 0x20 || ch == 0x7f) {
			n += (size_t)snprintf(buf + n, 5, "\\x%02x", ch);
		} else {
			buf[n++] = (char)ch;
		}
	}
	buf[n++] = '"';
	buf[n] = '\0';
	return buf;
}

const char *sc_quote(char *buf, const char *s)
{
	return sc_quote_n(buf, s, strlen(s));
}

const char *sc_type_desc(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return "an object";
	case JSON_ARRAY:
		return "an array";
	case JSON_STRING:
		return "a string";
	case JSON_INTEGER:
		return "an integer";
	case JSON_REAL:
		return "a real number";
	case JSON_TRUE:
		return "true";
	case JSON_FALSE:
		return "false";
	default:
		return "null";
	}
}


/* Report every key of `obj` not in `allowed`, at the key. */
void sc_check_keys(struct sc_ctx *c, json_t *obj, const char *const *allowed, const char *what)
{
	const char *key;
	json_t *v;
	char list[1024], q[SC_QUOTE_LEN], hint[96];

	json_object_foreach(obj, key, v) {
		size_t mark;

		if (sc_stop(c))
			return;
		if (sc_word_index(allowed, key) >= 0)
			continue;
		mark = wb_json_ptr_key(&c->p, key);
		sc_err_key(c, "unknown key %s%s%s (allowed: %s)", sc_quote(q, key), what,
			   sc_did_you_mean(hint, sizeof(hint), allowed, key),
			   sc_join(list, sizeof(list), allowed));
		wb_json_ptr_pop(&c->p, mark);
	}
}

/* The value at the current pointer as an integer in [lo, hi]. */
int sc_int_value(struct sc_ctx *c, const json_t *v, uint64_t lo, uint64_t hi, uint64_t *out)
{
	long long x;

	if (!json_is_integer(v)) {
		sc_err(c, "expected an integer, got %s", sc_type_desc(v));
		return SC_BAD;
	}
	x = json_integer_value(v);
	if (x >= 0 && (uint64_t)x >= lo && (uint64_t)x <= hi) {
		*out = (uint64_t)x;
		return SC_OK;
	}
	if (x >= 0 && (uint64_t)x > SC_MAX_INT)
		sc_err(c, "%lld is too large (integers in a scenario are at most 2^53)", x);
	else if (hi < SC_MAX_INT)
		sc_err(c, "must be between %" PRIu64 " and %" PRIu64 " (got %lld)", lo, hi, x);
	else if (lo == 1)
		sc_err(c, "must be > 0 (got %lld)", x);
	else
		sc_err(c, "must be >= %" PRIu64 " (got %lld)", lo, x);
	return SC_BAD;
}

int sc_get_int(struct sc_ctx *c, json_t *obj, const char *key, bool required, uint64_t lo,
		   uint64_t hi, uint64_t *out)
{
	json_t *v = json_object_get(obj, key);
	size_t mark;
	int r;

	if (!v) {
		if (required)
			sc_err(c, "missing required key \"%s\"", key);
		return SC_MISSING;
	}
	mark = wb_json_ptr_key(&c->p, key);
	r = sc_int_value(c, v, lo, hi, out);
	wb_json_ptr_pop(&c->p, mark);
	return r;
}

int sc_get_string(struct sc_ctx *c, json_t *obj, const char *key, bool required,
		      const char **out)
{
	json_t *v = json_object_get(obj, key);

	if (!v) {
		if (required)
			sc_err(c, "missing required key \"%s\"", key);
		return SC_MISSING;
	}
	if (!json_is_string(v)) {
		sc_errm(c, key, "expected a string, got %s", sc_type_desc(v));
		return SC_BAD;
	}
	*out = json_string_value(v);
	return SC_OK;
}

/* A string member that must be one of `words`; returns its index or -1. */
int sc_get_word(struct sc_ctx *c, json_t *obj, const char *key, bool required,
		    const char *const *words, const char *what, const char *expected)
{
	const char *s;
	char q[SC_QUOTE_LEN], hint[96];
	int i;

	if (sc_get_string(c, obj, key, required, &s) != SC_OK)
		return -1;
	i = sc_word_index(words, s);
	if (i < 0)
		sc_errm(c, key, "unknown %s %s%s (expected %s)", what, sc_quote(q, s),
			sc_did_you_mean(hint, sizeof(hint), words, s), expected);
	return i;
}

/*
 * A fill byte: one printable ASCII character other than '0', '#' (never-written disk) and
 * '?' (uninitialised folio memory).
 */
bool sc_get_data(struct sc_ctx *c, json_t *obj, char *out)
{
	const char *s;
	char q[SC_QUOTE_LEN];

	if (sc_get_string(c, obj, "data", true, &s) != SC_OK)
		return false;
	if (strlen(s) != 1 || s[0] < 0x21 || s[0] > 0x7e || s[0] == '0' || s[0] == '#' ||
	    s[0] == '?') {
		sc_errm(c, "data",
			"must be one printable ASCII character other than '0', '#' and '?' (got %s)",
			sc_quote(q, s));
		return false;
	}
	*out = s[0];
	return true;
}

json_t *sc_get_object(struct sc_ctx *c, json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);

	if (v && !json_is_object(v)) {
		sc_errm(c, key, "expected an object, got %s", sc_type_desc(v));
		return NULL;
	}
	return v;
}

json_t *sc_get_array(struct sc_ctx *c, json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);

	if (v && !json_is_array(v)) {
		sc_errm(c, key, "expected an array, got %s", sc_type_desc(v));
		return NULL;
	}
	return v;
}


/*
 * Fold a byte count into the granule, the largest size dividing every offset,
 * length and size: a page may hold at most WB_MAX_GRANULES_PER_PAGE of them.
 */
void sc_fold_granule(struct sc_ctx *c, const char *member, uint64_t v)
{
	uint64_t g;

	if (!c->geom_ok || c->granule_err || v == 0)
		return;
	g = wb_gcd(c->granule, v);
	if (c->sc->page_size / g > WB_MAX_GRANULES_PER_PAGE) {
		sc_errm(c, member,
			"%" PRIu64 " makes the granule (the largest size dividing every offset, length and size) %" PRIu64 " byte%s: %" PRIu64 " granules a page of %u, more than %u",
			v, g, g == 1 ? "" : "s", c->sc->page_size / g, c->sc->page_size,
			WB_MAX_GRANULES_PER_PAGE);
		c->granule_err = true;
		return;
	}
	c->granule = g;
}

/* "V is past the limit", or with `what`, "the WHAT ends at V, past the limit". */
static void past_limit(struct sc_ctx *c, const char *member, const char *what, uint64_t v)
{
	unsigned ps = c->sc->page_size, np = (unsigned)(c->limit / ps);

	if (what)
		sc_errm(c, member, "the %s ends at %" PRIu64 ", past the limit of %" PRIu64
			" bytes (%u pages of %u)", what, v, c->limit, np, ps);
	else
		sc_errm(c, member,
			"%" PRIu64 " is past the limit of %" PRIu64 " bytes (%u pages of %u)", v,
			c->limit, np, ps);
}

/* A byte position the world must hold (the file size). */
void sc_reach(struct sc_ctx *c, const char *member, uint64_t end)
{
	if (!c->geom_ok)
		return;
	if (end > c->limit) {
		past_limit(c, member, NULL, end);
		return;
	}
	if (end > c->max_end)
		c->max_end = end;
	sc_fold_granule(c, member, end);
}

/* A range [off, off + len) the world must hold; members "offset" and "length". */
void sc_reach_range(struct sc_ctx *c, uint64_t off, uint64_t len, const char *what)
{
	if (!c->geom_ok)
		return;
	if (off > c->limit) {
		past_limit(c, "offset", NULL, off);
		return;
	}
	if (off + len > c->limit) {
		past_limit(c, "length", what, off + len);
		return;
	}
	if (off + len > c->max_end)
		c->max_end = off + len;
	sc_fold_granule(c, "offset", off);
	sc_fold_granule(c, "length", len);
}

