/* SPDX-License-Identifier: MIT */
/*
 * scenario.c - load a scenario file and validate it strictly.
 *
 * jansson parses; everything else is checked here, and every error is
 * reported at the line and column of the value it is about (found again in
 * the kept text by wb_json_locate()), with the source line and a caret.
 * Validation goes on after an error where that makes sense, up to a cap, and
 * a scenario with any error is never returned half-loaded.
 */
#include "model/scenario.h"
#include "model/world.h" /* wb_steps_of, wb_io_steps: the step vocabularies */
#include "sim/xmalloc.h"

#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ERRORS 20
#define MAX_INT ((uint64_t)1 << 53) /* integers past 2^53 do not survive a double */
#define QUOTE_LEN 80

/* ---------------------------------------------------------------- names */

static const char *const state_names[] = { "HOLE", "DELALLOC", "UNWRITTEN", "WRITTEN" };
static const char *const state_words[] = { "hole", "delalloc", "unwritten", "written", NULL };
static const char *const verdict_words[] = { "safe", "corrupt", "deadlock", NULL };
static const char *const op_words[] = {
	"write", "writeback", "reclaim", "read_fault", "mmap_write", "punch", "fallocate",
	"truncate", NULL,
};

static const char *const top_keys[] = {
	"wbsim", "name", "description", "geometry", "file", "config", "tasks", "schedule",
	"schedules", "expect", "expect_schedule", NULL,
};
static const char *const geometry_keys[] = { "block_size", "page_size", NULL };
static const char *const file_keys[] = { "size", "extents", NULL };
static const char *const extent_keys[] = { "offset", "length", "state", "data", NULL };
static const char *const write_keys[] = {
	"name", "op", "offset", "length", "data", "short_copy_at", "after", NULL,
};
static const char *const writeback_keys[] = {
	"name", "op", "mode", "passes", "offset", "length", "wait", "after", NULL,
};
static const char *const reclaim_keys[] = { "name", "op", "evictions", "pages", "after", NULL };
static const char *const read_fault_keys[] = { "name", "op", "page", "after", NULL };
static const char *const mmap_write_keys[] = {
	"name", "op", "offset", "length", "data", "after", NULL,
};
static const char *const range_keys[] = { "name", "op", "offset", "length", "after", NULL };
static const char *const truncate_keys[] = { "name", "op", "size", "after", NULL };
static const char *const any_task_keys[] = {
	"name", "op", "offset", "length", "data", "short_copy_at", "mode", "passes", "wait",
	"evictions", "pages", "page", "size", "after", NULL,
};
/* indexed by enum wb_op */
static const char *const *const op_keys[] = {
	write_keys, writeback_keys, reclaim_keys, read_fault_keys,
	mmap_write_keys, range_keys, range_keys, truncate_keys,
};
_Static_assert(sizeof(op_words) / sizeof(op_words[0]) == WB_OP_NOPS + 1, "op_words");
_Static_assert(sizeof(op_keys) / sizeof(op_keys[0]) == WB_OP_NOPS, "op_keys");

/* "a write task", "an mmap_write task" */
static const char *article(int op)
{
	return op == WB_OP_MMAP_WRITE ? "an" : "a";
}

const char *wb_ext_state_name(enum wb_ext_state s)
{
	return (unsigned)s <= WB_WRITTEN ? state_names[s] : "?";
}

const char *wb_verdict_word_name(enum wb_verdict_word v)
{
	return (unsigned)v <= WB_V_DEADLOCK ? verdict_words[v] : "?";
}

/* "off, after_lock or before_lock" */
static const char *check_modes(char *buf, size_t n)
{
	return wb_switch_expected(wb_switch_find("validity_check"), buf, n);
}

/* Index of `s` in a NULL-terminated list, or -1. */
static int word_index(const char *const *list, const char *s)
{
	for (int i = 0; list[i]; i++) {
		if (strcmp(list[i], s) == 0)
			return i;
	}
	return -1;
}

/* "a, b, c" for a NULL-terminated list. */
static const char *join(char *buf, size_t n, const char *const *list)
{
	size_t len = 0;

	buf[0] = '\0';
	for (size_t i = 0; list[i] && len < n; i++)
		len += (size_t)snprintf(buf + len, n - len, "%s%s", i ? ", " : "", list[i]);
	return buf;
}

/* "a, b or c" for a NULL-terminated list. */
static const char *join_or(char *buf, size_t n, const char *const *list)
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

/* ------------------------------------------------------------- diagnostics */

/* Print the source line that starts at `start`, then a caret under byte `at`. */
static void print_source(FILE *out, const char *text, size_t len, size_t start, size_t at)
{
	size_t end = start;

	while (end < len && text[end] != '\n')
		end++;
	if (at > end)
		at = end;
	fwrite(text + start, 1, (end > start && text[end - 1] == '\r') ? end - 1 - start :
									   end - start, out);
	fputc('\n', out);
	/* One column per character: UTF-8 continuation bytes take none. */
	for (size_t i = start; i < at; i++) {
		unsigned char ch = (unsigned char)text[i];

		if (ch == '\t')
			fputc('\t', out);
		else if ((ch & 0xc0) != 0x80)
			fputc(' ', out);
	}
	fputs("^\n", out);
}

/* Print "PATH:LINE:COL: error: [POINTER: ]MESSAGE" at byte `off` of the text. */
static void print_at(const struct wb_scenario *sc, FILE *out, size_t off, const char *pointer,
		     const char *msg)
{
	size_t line = 1, start = 0;

	if (off > sc->text_len)
		off = sc->text_len;
	for (size_t i = 0; i < off; i++) {
		if (sc->text[i] == '\n') {
			line++;
			start = i + 1;
		}
	}
	fprintf(out, "%s:%zu:%zu: error: %s%s%s\n", sc->path, line, off - start + 1, pointer,
		*pointer ? ": " : "", msg);
	print_source(out, sc->text, sc->text_len, start, off);
}

static char *vformat(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

static char *vformat(const char *fmt, va_list ap)
{
	va_list aq;
	int n;
	char *s;

	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n < 0)
		n = 0;
	s = wb_xmalloc((size_t)n + 1);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	return s;
}

static void diag_msg(const struct wb_scenario *sc, FILE *out, const char *pointer, bool at_key,
		     const char *msg)
{
	long off = wb_json_locate(sc->text, sc->text_len, pointer, at_key);
	char *parent = NULL;

	/* Not there (a missing key): report at the nearest enclosing value. */
	if (off < 0 && *pointer) {
		parent = wb_xstrdup(pointer);
		while (off < 0 && *parent) {
			*strrchr(parent, '/') = '\0';
			off = wb_json_locate(sc->text, sc->text_len, parent, false);
		}
		free(parent);
	}
	print_at(sc, out, off < 0 ? 0 : (size_t)off, pointer, msg);
}

void wb_scenario_diag(const struct wb_scenario *sc, FILE *out, const char *pointer, bool at_key,
		      const char *fmt, ...)
{
	va_list ap;
	char *msg;

	if (!out)
		return;
	va_start(ap, fmt);
	msg = vformat(fmt, ap);
	va_end(ap);
	diag_msg(sc, out, pointer ? pointer : "", at_key, msg);
	free(msg);
}

/* A jansson error: its line, column (characters) and text. */
static void syntax_error(const struct wb_scenario *sc, FILE *out, const json_error_t *e)
{
	int line = e->line, col = e->column;
	size_t start = 0, at;

	if (line < 1 || col < 0) {
		line = 1;
		col = 1;
	}
	if (col < 1)
		col = 1;
	for (int l = 1; l < line && start < sc->text_len; start++) {
		if (sc->text[start] == '\n')
			l++;
	}
	/* Walk col - 1 characters into the line to put the caret under the col'th. */
	at = start;
	for (int k = 1; k < col && at < sc->text_len && sc->text[at] != '\n'; k++) {
		at++;
		while (at < sc->text_len && ((unsigned char)sc->text[at] & 0xc0) == 0x80)
			at++;
	}
	fprintf(out, "%s:%d:%d: error: %s\n", sc->path, line, col, e->text);
	print_source(out, sc->text, sc->text_len, start, at);
}

/* --------------------------------------------------------- the checker */

/* A JSON pointer built up as the checker descends. */
struct ptr {
	char *s;
	size_t len, cap;
};

struct ctx {
	struct wb_scenario *sc;
	FILE *diag;
	unsigned nerr;
	struct ptr p;

	bool geom_ok;		/* block and page size are usable */
	uint64_t limit;		/* bytes the world may span */
	uint64_t max_end;	/* the furthest byte any value reaches */
	uint64_t granule;	/* gcd of every offset, length and size so far */
	bool granule_err;
	unsigned npages;

	bool tasks_ok;		/* the task list could be read: names resolve */
	size_t ntasks;
	json_t *task[WB_MAX_TASKS];
	const char *task_name[WB_MAX_TASKS];	/* any string name, NULL if none */
	int task_op[WB_MAX_TASKS];		/* enum wb_op, or -1 */
	bool after_ok[WB_MAX_TASKS];
	bool range_ok[WB_MAX_TASKS];		/* a write or mmap store read whole */
};

static void ptr_grow(struct ptr *p, size_t more)
{
	if (p->len + more + 1 > p->cap) {
		p->cap = (p->len + more + 1) * 2;
		p->s = wb_xrealloc(p->s, p->cap);
	}
}

/* Append "/key" (escaped) to the pointer; return the length to pop back to. */
static size_t ptr_key(struct ptr *p, const char *key)
{
	size_t mark = p->len;

	ptr_grow(p, 2 * strlen(key) + 1);
	p->s[p->len++] = '/';
	for (const char *k = key; *k; k++) {
		if (*k == '~' || *k == '/') {
			p->s[p->len++] = '~';
			p->s[p->len++] = *k == '~' ? '0' : '1';
		} else {
			p->s[p->len++] = *k;
		}
	}
	p->s[p->len] = '\0';
	return mark;
}

static size_t ptr_index(struct ptr *p, size_t i)
{
	size_t mark = p->len;

	ptr_grow(p, 24);
	p->len += (size_t)snprintf(p->s + p->len, 24, "/%zu", i);
	return mark;
}

static void ptr_pop(struct ptr *p, size_t mark)
{
	p->len = mark;
	p->s[mark] = '\0';
}

static bool stop(const struct ctx *c)
{
	return c->nerr >= MAX_ERRORS;
}

static void vreport(struct ctx *c, const char *member, bool at_key, const char *fmt, va_list ap)
	__attribute__((format(printf, 4, 0)));

static void vreport(struct ctx *c, const char *member, bool at_key, const char *fmt, va_list ap)
{
	size_t mark = c->p.len;
	char *msg;

	if (stop(c))
		return;
	c->nerr++;
	if (!c->diag)
		return;
	if (member)
		ptr_key(&c->p, member);
	msg = vformat(fmt, ap);
	diag_msg(c->sc, c->diag, c->p.s, at_key, msg);
	free(msg);
	ptr_pop(&c->p, mark);
}

/* An error about the value at the current pointer. */
static void err(struct ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* An error about the key of the member at the current pointer. */
static void err_key(struct ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* An error about member `member` of the value at the current pointer. */
static void errm(struct ctx *c, const char *member, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void err(struct ctx *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(c, NULL, false, fmt, ap);
	va_end(ap);
}

static void err_key(struct ctx *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(c, NULL, true, fmt, ap);
	va_end(ap);
}

static void errm(struct ctx *c, const char *member, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(c, member, false, fmt, ap);
	va_end(ap);
}

/* s[0..len) in double quotes, escaped, shortened to fit QUOTE_LEN; returns buf. */
static const char *quote_n(char *buf, const char *s, size_t len)
{
	size_t n = 0;

	buf[n++] = '"';
	for (const char *e = s + len; s < e; s++) {
		unsigned char ch = (unsigned char)*s;

		if (n + 10 > QUOTE_LEN && (ch & 0xc0) != 0x80) {
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

static const char *quote(char *buf, const char *s)
{
	return quote_n(buf, s, strlen(s));
}

static const char *type_desc(const json_t *v)
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

enum { F_MISSING, F_BAD, F_OK };

/* Report every key of `obj` not in `allowed`, at the key. */
static void check_keys(struct ctx *c, json_t *obj, const char *const *allowed, const char *what)
{
	const char *key;
	json_t *v;
	char list[256], q[QUOTE_LEN];

	json_object_foreach(obj, key, v) {
		size_t mark;

		if (stop(c))
			return;
		if (word_index(allowed, key) >= 0)
			continue;
		mark = ptr_key(&c->p, key);
		err_key(c, "unknown key %s%s (allowed: %s)", quote(q, key), what,
			join(list, sizeof(list), allowed));
		ptr_pop(&c->p, mark);
	}
}

/* The value at the current pointer as an integer in [lo, hi]. */
static int int_value(struct ctx *c, const json_t *v, uint64_t lo, uint64_t hi, uint64_t *out)
{
	long long x;

	if (!json_is_integer(v)) {
		err(c, "expected an integer, got %s", type_desc(v));
		return F_BAD;
	}
	x = json_integer_value(v);
	if (x >= 0 && (uint64_t)x >= lo && (uint64_t)x <= hi) {
		*out = (uint64_t)x;
		return F_OK;
	}
	if (x >= 0 && (uint64_t)x > MAX_INT)
		err(c, "%lld is too large (integers in a scenario are at most 2^53)", x);
	else if (hi < MAX_INT)
		err(c, "must be between %" PRIu64 " and %" PRIu64 " (got %lld)", lo, hi, x);
	else if (lo == 1)
		err(c, "must be > 0 (got %lld)", x);
	else
		err(c, "must be >= %" PRIu64 " (got %lld)", lo, x);
	return F_BAD;
}

static int get_int(struct ctx *c, json_t *obj, const char *key, bool required, uint64_t lo,
		   uint64_t hi, uint64_t *out)
{
	json_t *v = json_object_get(obj, key);
	size_t mark;
	int r;

	if (!v) {
		if (required)
			err(c, "missing required key \"%s\"", key);
		return F_MISSING;
	}
	mark = ptr_key(&c->p, key);
	r = int_value(c, v, lo, hi, out);
	ptr_pop(&c->p, mark);
	return r;
}

static int get_string(struct ctx *c, json_t *obj, const char *key, bool required,
		      const char **out)
{
	json_t *v = json_object_get(obj, key);

	if (!v) {
		if (required)
			err(c, "missing required key \"%s\"", key);
		return F_MISSING;
	}
	if (!json_is_string(v)) {
		errm(c, key, "expected a string, got %s", type_desc(v));
		return F_BAD;
	}
	*out = json_string_value(v);
	return F_OK;
}

/* A string member that must be one of `words`; returns its index or -1. */
static int get_word(struct ctx *c, json_t *obj, const char *key, bool required,
		    const char *const *words, const char *what, const char *expected)
{
	const char *s;
	char q[QUOTE_LEN];
	int i;

	if (get_string(c, obj, key, required, &s) != F_OK)
		return -1;
	i = word_index(words, s);
	if (i < 0)
		errm(c, key, "unknown %s %s (expected %s)", what, quote(q, s), expected);
	return i;
}

/* A fill byte: one printable ASCII character other than '0' and '#'. */
static bool get_data(struct ctx *c, json_t *obj, char *out)
{
	const char *s;
	char q[QUOTE_LEN];

	if (get_string(c, obj, "data", true, &s) != F_OK)
		return false;
	if (strlen(s) != 1 || s[0] < 0x21 || s[0] > 0x7e || s[0] == '0' || s[0] == '#') {
		errm(c, "data",
		     "must be one printable ASCII character other than '0' and '#' (got %s)",
		     quote(q, s));
		return false;
	}
	*out = s[0];
	return true;
}

static json_t *get_object(struct ctx *c, json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);

	if (v && !json_is_object(v)) {
		errm(c, key, "expected an object, got %s", type_desc(v));
		return NULL;
	}
	return v;
}

static json_t *get_array(struct ctx *c, json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);

	if (v && !json_is_array(v)) {
		errm(c, key, "expected an array, got %s", type_desc(v));
		return NULL;
	}
	return v;
}


/*
 * Fold a byte count into the granule, the largest size dividing every offset,
 * length and size: a page may hold at most WB_MAX_GRANULES_PER_PAGE of them.
 */
static void fold_granule(struct ctx *c, const char *member, uint64_t v)
{
	uint64_t g;

	if (!c->geom_ok || c->granule_err || v == 0)
		return;
	g = wb_gcd(c->granule, v);
	if (c->sc->page_size / g > WB_MAX_GRANULES_PER_PAGE) {
		errm(c, member,
		     "%" PRIu64 " makes the granule (the largest size dividing every offset, length and size) %" PRIu64 " byte%s: %" PRIu64 " granules a page of %u, more than %u",
		     v, g, g == 1 ? "" : "s", c->sc->page_size / g, c->sc->page_size,
		     WB_MAX_GRANULES_PER_PAGE);
		c->granule_err = true;
		return;
	}
	c->granule = g;
}

/* "V is past the limit", or with `what`, "the WHAT ends at V, past the limit". */
static void past_limit(struct ctx *c, const char *member, const char *what, uint64_t v)
{
	unsigned ps = c->sc->page_size, np = (unsigned)(c->limit / ps);

	if (what)
		errm(c, member, "the %s ends at %" PRIu64 ", past the limit of %" PRIu64
		     " bytes (%u pages of %u)", what, v, c->limit, np, ps);
	else
		errm(c, member,
		     "%" PRIu64 " is past the limit of %" PRIu64 " bytes (%u pages of %u)", v,
		     c->limit, np, ps);
}

/* A byte position the world must hold (the file size). */
static void reach(struct ctx *c, const char *member, uint64_t end)
{
	if (!c->geom_ok)
		return;
	if (end > c->limit) {
		past_limit(c, member, NULL, end);
		return;
	}
	if (end > c->max_end)
		c->max_end = end;
	fold_granule(c, member, end);
}

/* A range [off, off + len) the world must hold; members "offset" and "length". */
static void reach_range(struct ctx *c, uint64_t off, uint64_t len, const char *what)
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
	fold_granule(c, "offset", off);
	fold_granule(c, "length", len);
}

/* ------------------------------------------------------------ sections */

static void check_header(struct ctx *c, json_t *root)
{
	struct wb_scenario *sc = c->sc;
	json_t *v = json_object_get(root, "wbsim");
	const char *s;

	if (!v) {
		err(c, "missing required key \"wbsim\" (the format version: \"wbsim\": 1)");
	} else if (!json_is_integer(v)) {
		errm(c, "wbsim", "expected an integer, got %s", type_desc(v));
	} else if (json_integer_value(v) != 1) {
		errm(c, "wbsim", "unsupported format version %lld (this wbsim reads version 1)",
		     (long long)json_integer_value(v));
	}

	if (get_string(c, root, "name", true, &s) == F_OK) {
		if (!*s)
			errm(c, "name", "must not be empty");
		else if (strlen(s) >= sizeof(sc->name))
			errm(c, "name", "is too long (%zu bytes; at most %zu)", strlen(s),
			     sizeof(sc->name) - 1);
		else
			strcpy(sc->name, s);
	}
	if (get_string(c, root, "description", false, &s) == F_OK)
		sc->description = wb_xstrdup(s);
}

static void check_geometry(struct ctx *c, json_t *root)
{
	struct wb_scenario *sc = c->sc;
	json_t *g = get_object(c, root, "geometry");
	uint64_t bs = sc->block_size, ps = sc->page_size;
	int rb, rp;
	size_t mark;

	if (!g) {
		c->geom_ok = !json_object_get(root, "geometry");
		return;
	}
	mark = ptr_key(&c->p, "geometry");
	check_keys(c, g, geometry_keys, "");
	rb = get_int(c, g, "block_size", false, 0, MAX_INT, &bs);
	if (rb == F_OK) {
		if (bs == 0 || (bs & (bs - 1))) {
			errm(c, "block_size", "must be a power of two (got %" PRIu64 ")", bs);
			rb = F_BAD;
		} else if (bs < WB_MIN_BLOCK_SIZE) {
			errm(c, "block_size", "must be at least %u (got %" PRIu64 ")",
			     WB_MIN_BLOCK_SIZE, bs);
			rb = F_BAD;
		} else if (bs > WB_MAX_PAGE_SIZE) {
			errm(c, "block_size",
			     "must be at most %u, the largest page size (got %" PRIu64 ")",
			     WB_MAX_PAGE_SIZE, bs);
			rb = F_BAD;
		}
	}
	rp = get_int(c, g, "page_size", false, 0, MAX_INT, &ps);
	if (rp == F_OK) {
		if (ps == 0 || (ps & (ps - 1))) {
			errm(c, "page_size", "must be a power of two (got %" PRIu64 ")", ps);
			rp = F_BAD;
		} else if (ps > WB_MAX_PAGE_SIZE) {
			errm(c, "page_size", "must be at most %u (got %" PRIu64 ")",
			     WB_MAX_PAGE_SIZE, ps);
			rp = F_BAD;
		}
	}
	c->geom_ok = rb != F_BAD && rp != F_BAD;
	if (c->geom_ok) {
		/* Both powers of two: a multiple means at least as large. */
		const char *at = rp == F_OK ? "page_size" : "block_size";

		if (ps < bs) {
			errm(c, at,
			     "the page size %" PRIu64 " is smaller than the block size %" PRIu64
			     " (a page holds whole blocks)", ps, bs);
			c->geom_ok = false;
		} else if (ps / bs > WB_MAX_BLOCKS_PER_PAGE) {
			errm(c, at,
			     "a page of %" PRIu64 " holds %" PRIu64 " blocks of %" PRIu64
			     " (at most %u blocks a page)",
			     ps, ps / bs, bs, WB_MAX_BLOCKS_PER_PAGE);
			c->geom_ok = false;
		}
	}
	if (c->geom_ok) {
		sc->block_size = (unsigned)bs;
		sc->page_size = (unsigned)ps;
	}
	ptr_pop(&c->p, mark);
}

/* One extent; true when it is good enough to take part in the overlap check. */
static bool check_extent(struct ctx *c, json_t *e, struct wb_extent_def *d)
{
	struct wb_scenario *sc = c->sc;
	int ro, rl, st;
	bool ok = true;

	if (!json_is_object(e)) {
		err(c, "expected an object, got %s", type_desc(e));
		return false;
	}
	check_keys(c, e, extent_keys, "");
	ro = get_int(c, e, "offset", true, 0, MAX_INT, &d->offset);
	if (ro == F_OK && c->geom_ok && d->offset % sc->block_size) {
		errm(c, "offset", "%" PRIu64 " is not a multiple of the block size %u", d->offset,
		     sc->block_size);
		ro = F_BAD;
	}
	rl = get_int(c, e, "length", true, 1, MAX_INT, &d->length);
	if (rl == F_OK && c->geom_ok && d->length % sc->block_size) {
		errm(c, "length", "%" PRIu64 " is not a multiple of the block size %u", d->length,
		     sc->block_size);
		rl = F_BAD;
	}
	if (ro == F_OK && rl == F_OK)
		reach_range(c, d->offset, d->length, "extent");
	else
		ok = false;

	st = get_word(c, e, "state", true, state_words, "extent state",
		      "hole, delalloc, unwritten or written");
	if (st < 0)
		return false;
	d->state = (enum wb_ext_state)st;
	if (d->state == WB_WRITTEN) {
		if (!json_object_get(e, "data")) {
			err(c,
			    "missing required key \"data\" (a written extent gives the byte its blocks hold)");
			ok = false;
		} else if (!get_data(c, e, &d->data)) {
			ok = false;
		}
	} else if (json_object_get(e, "data")) {
		size_t mark = ptr_key(&c->p, "data");

		err_key(c, "\"data\" is only allowed on a written extent (this one is %s)",
			state_words[st]);
		ptr_pop(&c->p, mark);
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

static void check_extents(struct ctx *c, json_t *arr)
{
	struct wb_scenario *sc = c->sc;
	size_t n = json_array_size(arr), mark, prev = SIZE_MAX;
	struct ext_ref *ex;

	mark = ptr_key(&c->p, "extents");
	if (n > WB_MAX_EXTENTS) {
		err(c, "too many extents (%zu; at most %u)", n, WB_MAX_EXTENTS);
		ptr_pop(&c->p, mark);
		return;
	}
	ex = wb_xcalloc(n, sizeof(*ex));
	for (size_t i = 0; i < n && !stop(c); i++) {
		size_t m = ptr_index(&c->p, i);

		ex[i].idx = i;
		ex[i].ok = check_extent(c, json_array_get(arr, i), &ex[i].d);
		ptr_pop(&c->p, m);
	}
	qsort(ex, n, sizeof(*ex), ext_cmp);
	/* Each against the one reaching furthest among those before it. */
	for (size_t i = 0; i < n && !stop(c); i++) {
		if (!ex[i].ok)
			continue;
		if (prev != SIZE_MAX && ex[i].d.offset < ex[prev].d.offset + ex[prev].d.length) {
			const struct ext_ref *a = &ex[i], *b = &ex[prev];
			size_t m;

			if (a->idx < b->idx) {
				a = &ex[prev];
				b = &ex[i];
			}
			m = ptr_index(&c->p, a->idx);
			err(c, "overlaps /file/extents/%zu ([%" PRIu64 ",%" PRIu64 "))", b->idx,
			    b->d.offset, b->d.offset + b->d.length);
			ptr_pop(&c->p, m);
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
	ptr_pop(&c->p, mark);
}

static void check_file(struct ctx *c, json_t *root)
{
	json_t *f = get_object(c, root, "file"), *arr;
	size_t mark;

	if (!f)
		return;
	mark = ptr_key(&c->p, "file");
	check_keys(c, f, file_keys, "");
	if (get_int(c, f, "size", false, 0, MAX_INT, &c->sc->file_size) == F_OK)
		reach(c, "size", c->sc->file_size);
	arr = get_array(c, f, "extents");
	if (arr)
		check_extents(c, arr);
	ptr_pop(&c->p, mark);
}

/* A boolean member of the config, or of a task; true when given and good. */
static bool get_bool(struct ctx *c, json_t *obj, const char *key, bool *out)
{
	json_t *v = json_object_get(obj, key);

	if (!v)
		return false;
	if (!json_is_boolean(v)) {
		errm(c, key, "expected true or false, got %s", type_desc(v));
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
static void check_config(struct ctx *c, json_t *root)
{
	struct wb_scenario *sc = c->sc;
	json_t *cfg = get_object(c, root, "config"), *v;
	struct wb_config out;
	char q[QUOTE_LEN], expected[160], msg[512];
	unsigned nerr;
	size_t mark;

	if (!cfg)
		return;
	mark = ptr_key(&c->p, "config");
	check_keys(c, cfg, wb_config_keys(), "");
	nerr = c->nerr; /* unknown keys do not spoil the values */
	wb_config_defaults(&out);

	v = json_object_get(cfg, "kernel");
	wb_kernel_versions(expected, sizeof(expected), "\"", ", ", " or ");
	if (v && !json_is_string(v)) {
		errm(c, "kernel", "expected a string (%s), got %s", expected, type_desc(v));
	} else if (v) {
		const char *s = json_string_value(v);
		const struct wb_kernel *k = strlen(s) == json_string_length(v) ? wb_kernel_find(s)
									       : NULL;

		if (k)
			wb_config_preset(&out, k);
		else
			errm(c, "kernel", "unknown kernel version %s (expected %s)", quote(q, s),
			     expected);
	}

	for (size_t i = 0; i < wb_nswitches; i++) {
		const struct wb_switch *sw = &wb_switches[i];
		bool b;

		if (sw->kind == WB_SWITCH_BOOL) {
			if (get_bool(c, cfg, sw->name, &b))
				wb_switch_put(&out, sw, b);
			continue;
		}
		snprintf(msg, sizeof(msg), "%s value", sw->name);
		int w = get_word(c, cfg, sw->name, false, sw->words, msg,
				 wb_switch_expected(sw, expected, sizeof(expected)));
		if (w < 0)
			continue;
		wb_switch_put(&out, sw, (unsigned)w);
		if (sw->offset == offsetof(struct wb_config, validity_check))
			sc->config_has_check = true;
	}

	if (c->nerr == nerr && wb_config_check(&out, msg, sizeof(msg))) {
		if (json_object_get(cfg, out.kernel->lacks))
			errm(c, out.kernel->lacks, "%s", msg);
		else
			err(c, "%s", msg);
	}
	sc->config = out;
	ptr_pop(&c->p, mark);
}

/* The first task whose name is s[0..len); -1 if none. */
static int find_task(const struct ctx *c, const char *s, size_t len)
{
	for (size_t i = 0; i < c->ntasks; i++) {
		const char *n = c->task_name[i];

		if (n && strlen(n) == len && memcmp(n, s, len) == 0)
			return (int)i;
	}
	return -1;
}

static void check_task_name(struct ctx *c, json_t *t, size_t i)
{
	const char *s, *p;
	char q[QUOTE_LEN], ch[16];
	size_t len;
	int first;

	if (get_string(c, t, "name", true, &s) != F_OK)
		return;
	len = strlen(s);
	for (p = s; *p; p++) {
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '_' || *p == '-'))
			break;
	}
	first = find_task(c, s, len);
	if (len == 0) {
		errm(c, "name", "must not be empty");
	} else if (len >= WB_MAX_NAME) {
		errm(c, "name", "task name %s is too long (%zu bytes; at most %u)", quote(q, s),
		     len, WB_MAX_NAME - 1);
	} else if (*p == '/') {
		errm(c, "name",
		     "task name %s contains '/', which is reserved for the IO activities of a writeback task (as in \"WB/io0\"); use letters, digits, '_' and '-'",
		     quote(q, s));
	} else if (*p) {
		if (*p >= 0x20 && *p < 0x7f)
			snprintf(ch, sizeof(ch), "'%c'", *p);
		else
			snprintf(ch, sizeof(ch), "byte 0x%02x", (unsigned char)*p);
		errm(c, "name",
		     "task name %s contains %s, which is not allowed; use letters, digits, '_' and '-'",
		     quote(q, s), ch);
	} else if (first >= 0 && (size_t)first < i) {
		errm(c, "name", "duplicate task name %s (first at /tasks/%d/name)", quote(q, s),
		     first);
	} else {
		memcpy(c->sc->tasks[i].name, s, len + 1);
	}
}

static void check_write(struct ctx *c, json_t *t, struct wb_task_def *d, size_t i)
{
	int ro = get_int(c, t, "offset", true, 0, MAX_INT, &d->offset);
	int rl = get_int(c, t, "length", true, 1, MAX_INT, &d->length);
	int rs = get_int(c, t, "short_copy_at", false, 0, MAX_INT, &d->short_copy_at);
	bool ok = ro == F_OK && rl == F_OK;

	if (ok)
		reach_range(c, d->offset, d->length, "write");
	if (rs == F_OK && ok) {
		if (d->short_copy_at < d->offset || d->short_copy_at >= d->offset + d->length) {
			errm(c, "short_copy_at",
			     "must lie inside the write [%" PRIu64 ",%" PRIu64 "), between %" PRIu64
			     " and %" PRIu64 " (got %" PRIu64 ")",
			     d->offset, d->offset + d->length, d->offset,
			     d->offset + d->length - 1, d->short_copy_at);
		} else {
			d->has_short_copy = true;
			/* the copy stops there: a granule boundary */
			fold_granule(c, "short_copy_at", d->short_copy_at);
		}
	}
	if (get_data(c, t, &d->data) && ok)
		c->range_ok[i] = true;
}

/* A byte count that must be a multiple of the block size; `what` says why. */
static bool block_aligned(struct ctx *c, const char *member, uint64_t v, const char *what)
{
	if (!c->geom_ok || v % c->sc->block_size == 0)
		return true;
	errm(c, member,
	     "%" PRIu64 " is not a multiple of the block size %u (%s must be block-aligned)", v,
	     c->sc->block_size, what);
	return false;
}

static void check_read_fault(struct ctx *c, json_t *t, struct wb_task_def *d)
{
	uint64_t v;

	/* Out-of-range pages are reported once the world's size is known. */
	if (get_int(c, t, "page", true, 0, MAX_INT, &v) != F_OK || v >= WB_MAX_PAGES)
		return;
	d->page = (unsigned)v;
	d->offset = v * c->sc->page_size;
	d->length = c->sc->page_size;
}

static void check_mmap_write(struct ctx *c, json_t *t, struct wb_task_def *d, size_t i)
{
	int ro = get_int(c, t, "offset", true, 0, MAX_INT, &d->offset);
	int rl = get_int(c, t, "length", true, 1, MAX_INT, &d->length);
	bool ok = ro == F_OK && rl == F_OK;
	unsigned ps = c->sc->page_size;

	if (ok && c->geom_ok && d->offset / ps != (d->offset + d->length - 1) / ps) {
		uint64_t edge = (d->offset / ps + 1) * ps;

		errm(c, "length",
		     "an mmap store stays within one page: [%" PRIu64 ",%" PRIu64
		     ") crosses the page boundary at %" PRIu64 " (pages of %u)",
		     d->offset, d->offset + d->length, edge, ps);
		ok = false;
	}
	if (ok)
		reach_range(c, d->offset, d->length, "mmap store");
	if (get_data(c, t, &d->data) && ok)
		c->range_ok[i] = true;
}

/* punch and fallocate: a block-aligned range */
static void check_range_op(struct ctx *c, json_t *t, struct wb_task_def *d, const char *what)
{
	int ro = get_int(c, t, "offset", true, 0, MAX_INT, &d->offset);
	int rl = get_int(c, t, "length", true, 1, MAX_INT, &d->length);
	bool ok = ro == F_OK && rl == F_OK;
	char why[48];

	snprintf(why, sizeof(why), "a %s", what);
	if (ro == F_OK && !block_aligned(c, "offset", d->offset, why))
		ok = false;
	if (rl == F_OK && !block_aligned(c, "length", d->length, why))
		ok = false;
	if (ok)
		reach_range(c, d->offset, d->length, what);
}

static void check_truncate(struct ctx *c, json_t *t, struct wb_task_def *d)
{
	if (get_int(c, t, "size", true, 0, MAX_INT, &d->size) == F_OK &&
	    block_aligned(c, "size", d->size, "a truncate size"))
		reach(c, "size", d->size);
}

static void check_writeback(struct ctx *c, json_t *t, struct wb_task_def *d)
{
	static const char *const modes[] = { "background", "sync", NULL };
	uint64_t v;
	int ro, rl;

	d->sync = get_word(c, t, "mode", false, modes, "mode", "background or sync") == 1;
	d->passes = 1;
	if (get_int(c, t, "passes", false, 1, WB_MAX_PASSES, &v) == F_OK)
		d->passes = (unsigned)v;
	get_bool(c, t, "wait", &d->wait);
	ro = get_int(c, t, "offset", false, 0, MAX_INT, &d->offset);
	rl = get_int(c, t, "length", false, 1, MAX_INT, &d->length);
	if ((ro == F_MISSING) != (rl == F_MISSING)) {
		errm(c, ro == F_MISSING ? "length" : "offset",
		     "a writeback range gives both \"offset\" and \"length\" (\"%s\" is missing)",
		     ro == F_MISSING ? "offset" : "length");
	} else if (ro == F_OK && rl == F_OK) {
		d->has_range = true;
		reach_range(c, d->offset, d->length, "writeback range");
	}
}

static void check_reclaim(struct ctx *c, json_t *t, struct wb_task_def *d)
{
	json_t *pages = get_array(c, t, "pages");
	size_t first[64], mark, plen;
	uint64_t v;

	d->evictions = 1;
	if (get_int(c, t, "evictions", false, 1, WB_MAX_EVICTIONS, &v) == F_OK)
		d->evictions = (unsigned)v;
	d->pages = ~0ull;
	if (!pages)
		return;
	mark = ptr_key(&c->p, "pages");
	plen = c->p.len;
	d->pages = 0;
	if (json_array_size(pages) == 0)
		err(c, "must not be empty (leave \"pages\" out to allow every page)");
	for (size_t k = 0; k < json_array_size(pages) && !stop(c); k++) {
		size_t m = ptr_index(&c->p, k);

		/* Out-of-range indexes are reported once the world's size is known. */
		if (int_value(c, json_array_get(pages, k), 0, MAX_INT, &v) == F_OK && v < 64) {
			if (d->pages & (1ull << v)) {
				err(c, "page %" PRIu64 " is listed twice (first at %.*s/%zu)", v,
				    (int)plen, c->p.s, first[v]);
			} else {
				d->pages |= 1ull << v;
				first[v] = k;
			}
		}
		ptr_pop(&c->p, m);
	}
	ptr_pop(&c->p, mark);
}

static void check_after(struct ctx *c, json_t *t, size_t i)
{
	json_t *a = get_array(c, t, "after");
	char q[QUOTE_LEN];
	size_t mark, plen, first[WB_MAX_TASKS];
	uint32_t mask = 0;

	if (!a)
		return;
	mark = ptr_key(&c->p, "after");
	plen = c->p.len;
	for (size_t k = 0; k < json_array_size(a) && !stop(c); k++) {
		json_t *v = json_array_get(a, k);
		size_t m = ptr_index(&c->p, k);
		const char *s;
		int j;

		if (!json_is_string(v)) {
			err(c, "expected a task name (a string), got %s", type_desc(v));
			ptr_pop(&c->p, m);
			continue;
		}
		s = json_string_value(v);
		j = find_task(c, s, strlen(s));
		if (j < 0) {
			err(c, "no task named %s", quote(q, s));
		} else if ((size_t)j == i) {
			err(c, "a task cannot come after itself");
		} else if (c->task_op[j] == WB_OP_RECLAIM) {
			err(c, "%s is a reclaim task, and a reclaim task may never finish",
			    quote(q, s));
		} else if (mask & (1u << j)) {
			err(c, "%s is listed twice (first at %.*s/%zu)", quote(q, s), (int)plen,
			    c->p.s, first[j]);
		} else {
			mask |= 1u << j;
			first[j] = k;
		}
		ptr_pop(&c->p, m);
	}
	c->sc->tasks[i].after = mask;
	ptr_pop(&c->p, mark);
}

static void check_task(struct ctx *c, size_t i)
{
	json_t *t = c->task[i];
	struct wb_task_def *d = &c->sc->tasks[i];
	char what[32], ops[128];
	int op;

	if (!json_is_object(t)) {
		err(c, "expected an object, got %s", type_desc(t));
		return;
	}
	check_task_name(c, t, i);
	op = get_word(c, t, "op", true, op_words, "op", join_or(ops, sizeof(ops), op_words));
	if (op < 0) {
		check_keys(c, t, any_task_keys, "");
		check_after(c, t, i);
		return;
	}
	d->op = (enum wb_op)op;
	snprintf(what, sizeof(what), " for %s %s task", article(op), op_words[op]);
	check_keys(c, t, op_keys[op], what);
	switch (d->op) {
	case WB_OP_WRITE:
		check_write(c, t, d, i);
		break;
	case WB_OP_WRITEBACK:
		check_writeback(c, t, d);
		break;
	case WB_OP_RECLAIM:
		check_reclaim(c, t, d);
		break;
	case WB_OP_READ_FAULT:
		check_read_fault(c, t, d);
		break;
	case WB_OP_MMAP_WRITE:
		check_mmap_write(c, t, d, i);
		break;
	case WB_OP_PUNCH:
		check_range_op(c, t, d, "punch range");
		break;
	case WB_OP_FALLOCATE:
		check_range_op(c, t, d, "fallocate range");
		break;
	case WB_OP_TRUNCATE:
		check_truncate(c, t, d);
		break;
	case WB_OP_NOPS:
		break;
	}
	check_after(c, t, i);
}

enum { WHITE, GRAY, BLACK };

static void cycle_dfs(struct ctx *c, size_t u, int *color, size_t *stack, size_t depth)
{
	const struct wb_scenario *sc = c->sc;

	color[u] = GRAY;
	stack[depth] = u;
	for (size_t v = 0; v < sc->ntasks && !stop(c); v++) {
		char msg[2048];
		size_t len = 0, pos = 0, m;

		if (!(sc->tasks[u].after & (1u << v)))
			continue;
		if (color[v] == WHITE) {
			cycle_dfs(c, v, color, stack, depth + 1);
			continue;
		}
		if (color[v] != GRAY)
			continue;
		while (stack[pos] != v)
			pos++;
		for (size_t k = pos; k <= depth && len < sizeof(msg); k++) {
			len += (size_t)snprintf(msg + len, sizeof(msg) - len, "%s%s waits for %s",
						k > pos ? ", " : "", c->task_name[stack[k]],
						c->task_name[k < depth ? stack[k + 1] : v]);
		}
		m = ptr_index(&c->p, v);
		errm(c, "after", "a cycle: %s, so none of them can ever run", msg);
		ptr_pop(&c->p, m);
	}
	color[u] = BLACK;
}

static const char *store_kind(enum wb_op op)
{
	return op == WB_OP_MMAP_WRITE ? "mmap store" : "write";
}

/*
 * docs/model.md section 2: an mmap store and a write, or two mmap stores,
 * touching the same bytes must be ordered by "after" (directly or through
 * other tasks); otherwise their order would be a race of user space.
 */
static void check_store_order(struct ctx *c)
{
	const struct wb_scenario *sc = c->sc;
	uint32_t before[WB_MAX_TASKS];
	size_t n = sc->ntasks;

	for (size_t i = 0; i < n; i++)
		before[i] = sc->tasks[i].after;
	for (size_t k = 0; k < n; k++) {
		for (size_t i = 0; i < n; i++) {
			if (before[i] & (1u << k))
				before[i] |= before[k];
		}
	}
	for (size_t j = 0; j < n && !stop(c); j++) {
		const struct wb_task_def *b = &sc->tasks[j];

		if (!c->range_ok[j])
			continue;
		for (size_t i = 0; i < j && !stop(c); i++) {
			const struct wb_task_def *a = &sc->tasks[i];
			char name[32];
			size_t m;

			if (!c->range_ok[i] ||
			    (a->op != WB_OP_MMAP_WRITE && b->op != WB_OP_MMAP_WRITE))
				continue;
			if (a->offset >= b->offset + b->length || b->offset >= a->offset + a->length)
				continue;
			if ((before[i] & (1u << j)) || (before[j] & (1u << i)))
				continue;
			if (c->task_name[i])
				snprintf(name, sizeof(name), "%s", c->task_name[i]);
			else
				snprintf(name, sizeof(name), "/tasks/%zu", i);
			m = ptr_index(&c->p, j);
			errm(c, "offset",
			     "%s [%" PRIu64 ",%" PRIu64 ") overlaps %s %s [%" PRIu64 ",%" PRIu64
			     ") with no \"after\" ordering them; their order would be a race of "
			     "user space",
			     store_kind(b->op), b->offset, b->offset + b->length, store_kind(a->op),
			     name, a->offset, a->offset + a->length);
			ptr_pop(&c->p, m);
		}
	}
}

static void check_tasks(struct ctx *c, json_t *root)
{
	json_t *arr = json_object_get(root, "tasks");
	size_t n, mark;
	int color[WB_MAX_TASKS] = { WHITE };
	size_t stack[WB_MAX_TASKS];

	if (!arr) {
		err(c, "missing required key \"tasks\"");
		return;
	}
	mark = ptr_key(&c->p, "tasks");
	n = json_array_size(arr);
	if (!json_is_array(arr)) {
		err(c, "expected an array, got %s", type_desc(arr));
	} else if (n == 0) {
		err(c, "must not be empty (a scenario runs at least one task)");
	} else if (n > WB_MAX_TASKS) {
		err(c, "too many tasks (%zu; at most %u)", n, WB_MAX_TASKS);
	} else {
		c->tasks_ok = true;
		c->ntasks = c->sc->ntasks = n;
		/* Names and ops first, quietly, so that references resolve in any order. */
		for (size_t i = 0; i < n; i++) {
			json_t *t = json_array_get(arr, i), *v;

			c->task[i] = t;
			c->task_op[i] = -1;
			v = json_object_get(t, "name");
			if (json_is_string(v))
				c->task_name[i] = json_string_value(v);
			v = json_object_get(t, "op");
			if (json_is_string(v))
				c->task_op[i] = word_index(op_words, json_string_value(v));
		}
		for (size_t i = 0; i < n && !stop(c); i++) {
			size_t m = ptr_index(&c->p, i);

			check_task(c, i);
			ptr_pop(&c->p, m);
		}
		for (size_t i = 0; i < n; i++) {
			if (color[i] == WHITE)
				cycle_dfs(c, i, color, stack, 0);
		}
		check_store_order(c);
	}
	ptr_pop(&c->p, mark);
}

static void page_range_error(struct ctx *c, uint64_t page, const char *what)
{
	if (c->npages == 0)
		err(c, "%spage %" PRIu64 " is out of range (the world has no pages)", what, page);
	else if (c->npages == 1)
		err(c, "%spage %" PRIu64 " is out of range (the world has 1 page, 0)", what, page);
	else
		err(c, "%spage %" PRIu64 " is out of range (the world has %u pages, 0 to %u)", what,
		    page, c->npages, c->npages - 1);
}

/* A page index at the current pointer, now that the world's size is known. */
static void check_page_index(struct ctx *c, json_t *v)
{
	long long x = json_integer_value(v);

	if (json_is_integer(v) && x >= 0 && (uint64_t)x <= MAX_INT && (uint64_t)x >= c->npages)
		page_range_error(c, (uint64_t)x, "");
}

/* Reclaim page lists and read fault pages, now that the world's size is known. */
static void check_page_ranges(struct ctx *c)
{
	size_t mark = ptr_key(&c->p, "tasks");

	for (size_t i = 0; i < c->ntasks && !stop(c); i++) {
		json_t *pages = json_object_get(c->task[i], "pages");
		size_t m = ptr_index(&c->p, i);

		if (c->task_op[i] == WB_OP_READ_FAULT) {
			ptr_key(&c->p, "page");
			check_page_index(c, json_object_get(c->task[i], "page"));
		} else if (c->task_op[i] == WB_OP_RECLAIM && json_is_array(pages)) {
			ptr_key(&c->p, "pages");
			for (size_t k = 0; k < json_array_size(pages) && !stop(c); k++) {
				size_t mk = ptr_index(&c->p, k);

				check_page_index(c, json_array_get(pages, k));
				ptr_pop(&c->p, mk);
			}
		}
		ptr_pop(&c->p, m);
	}
	ptr_pop(&c->p, mark);
}

/* The "TASK[:STEP[@PAGE]]" at the current pointer. */
static void check_entry(struct ctx *c, const char *e)
{
	static const char syntax[] = "(expected TASK, TASK:STEP or TASK:STEP@PAGE)";
	const char *colon = strchr(e, ':'), *step = NULL, *at = NULL, *slash;
	const char *const *steps;
	size_t tlen = colon ? (size_t)(colon - e) : strlen(e), slen = 0;
	char qe[QUOTE_LEN], q[QUOTE_LEN], list[512];
	uint64_t page = 0;
	int j;

	if (colon) {
		step = colon + 1;
		at = strchr(step, '@');
		slen = at ? (size_t)(at - step) : strlen(step);
	}
	quote(qe, e);
	if (!*e) {
		err(c, "bad entry \"\": it is empty %s", syntax);
		return;
	} else if (tlen == 0) {
		err(c, "bad entry %s: the task before ':' is empty %s", qe, syntax);
		return;
	} else if (!colon && strchr(e, '@')) {
		err(c, "bad entry %s: a page comes after a step, as in \"RC:evict@0\" %s", qe,
		    syntax);
		return;
	} else if (colon && strchr(step, ':')) {
		err(c, "bad entry %s: more than one ':' %s", qe, syntax);
		return;
	} else if (colon && slen == 0) {
		err(c, "bad entry %s: the step after ':' is empty %s", qe, syntax);
		return;
	}
	if (at) {
		size_t n = strlen(at + 1);

		if (n == 0 || strspn(at + 1, "0123456789") != n) {
			err(c, "bad entry %s: the page after '@' must be a decimal page index %s",
			    qe, syntax);
			return;
		}
		if (n > 9) {
			err(c, "%s: page %s is out of range", qe, at + 1);
			return;
		}
		page = strtoull(at + 1, NULL, 10);
	}
	if (!c->tasks_ok)
		return;

	slash = memchr(e, '/', tlen);
	if (slash) {
		const char *act = slash + 1;
		size_t blen = (size_t)(slash - e), alen = tlen - blen - 1;

		j = find_task(c, e, blen);
		if (j < 0) {
			err(c, "%s: no task named %s", qe, quote_n(q, e, blen));
			return;
		}
		if (c->task_op[j] < 0)
			return;
		if (c->task_op[j] != WB_OP_WRITEBACK) {
			err(c, "%s: only a writeback task has IO activities (%s is %s %s task)", qe,
			    quote_n(q, e, blen), article(c->task_op[j]), op_words[c->task_op[j]]);
			return;
		}
		if (alen < 3 || alen > 11 || memcmp(act, "io", 2) != 0 ||
		    strspn(act + 2, "0123456789") < alen - 2 || (act[2] == '0' && alen > 3)) {
			err(c, "%s: bad IO activity %s (expected %.*s/io<k>, k a decimal number)",
			    qe, quote_n(q, act, alen), (int)blen, e);
			return;
		}
		steps = wb_io_steps;
		snprintf(list, sizeof(list), "an IO activity");
	} else {
		j = find_task(c, e, tlen);
		if (j < 0) {
			size_t len = 0;

			for (size_t i = 0; i < c->ntasks && len < sizeof(list); i++) {
				const char *sep = len ? ", " : "";

				if (c->task_name[i])
					len += (size_t)snprintf(list + len, sizeof(list) - len,
								"%s%s", sep, c->task_name[i]);
			}
			err(c, "%s: no task named %s (the tasks are %s)", qe, quote_n(q, e, tlen),
			    list);
			return;
		}
		if (c->task_op[j] < 0)
			return;
		steps = wb_steps_of((enum wb_op)c->task_op[j]);
		snprintf(list, sizeof(list), "%s %s task", article(c->task_op[j]),
			 op_words[c->task_op[j]]);
	}
	if (!step)
		return;
	if (!steps) {
		err(c, "%s: the model has no steps for %s", qe, list);
		return;
	}
	for (j = 0; steps[j]; j++) {
		if (strlen(steps[j]) == slen && memcmp(steps[j], step, slen) == 0)
			break;
	}
	if (!steps[j]) {
		char names[512];

		err(c, "%s: %s has no step %s (its steps: %s)", qe, list, quote_n(q, step, slen),
		    join(names, sizeof(names), steps));
	} else if (at && strcmp(steps[j], "evict") != 0) {
		err(c, "%s: only the evict step takes a page (@PAGE)", qe);
	} else if (at && c->geom_ok && page >= c->npages) {
		snprintf(list, sizeof(list), "%s: ", qe);
		page_range_error(c, page, list);
	}
}

/* A schedule array at the current pointer, stored in `s`. */
static void check_schedule(struct ctx *c, json_t *arr, struct wb_schedule *s)
{
	size_t n = json_array_size(arr);

	s->present = true;
	snprintf(s->pointer, sizeof(s->pointer), "%s", c->p.s);
	if (n > WB_MAX_SCHED) {
		err(c, "too many entries (%zu; at most %u)", n, WB_MAX_SCHED);
		return;
	}
	s->entries = wb_xcalloc(n, sizeof(*s->entries));
	for (size_t i = 0; i < n && !stop(c); i++) {
		json_t *v = json_array_get(arr, i);
		size_t m = ptr_index(&c->p, i);

		if (!json_is_string(v)) {
			err(c, "expected a string (TASK, TASK:STEP or TASK:STEP@PAGE), got %s",
			    type_desc(v));
		} else {
			check_entry(c, json_string_value(v));
			s->entries[s->n++] = wb_xstrdup(json_string_value(v));
		}
		ptr_pop(&c->p, m);
	}
}

static void check_schedules(struct ctx *c, json_t *root)
{
	json_t *arr = get_array(c, root, "schedule"), *o, *v;
	const char *key;
	char q[QUOTE_LEN], modes[80];
	size_t mark;

	if (arr) {
		mark = ptr_key(&c->p, "schedule");
		check_schedule(c, arr, &c->sc->schedule);
		ptr_pop(&c->p, mark);
	}
	o = get_object(c, root, "schedules");
	if (!o)
		return;
	mark = ptr_key(&c->p, "schedules");
	json_object_foreach(o, key, v) {
		size_t m;
		enum wb_check mode;
		bool known = !wb_check_parse(key, &mode);

		if (stop(c))
			break;
		m = ptr_key(&c->p, key);
		if (!known)
			err_key(c, "unknown key %s (expected a validity_check value: %s)",
				quote(q, key), check_modes(modes, sizeof(modes)));
		else if (!json_is_array(v))
			err(c, "expected an array, got %s", type_desc(v));
		else
			check_schedule(c, v, &c->sc->schedules[mode]);
		ptr_pop(&c->p, m);
	}
	ptr_pop(&c->p, mark);
}

/*
 * An expect key at the current pointer: a validity_check value or
 * KEY=VALUE,... as wb_config_apply_list() reads it (the kernel presets first,
 * then the explicit keys, then wb_config_check()), tried on the defaults.
 */
static bool check_expect_key(struct ctx *c, const char *key)
{
	struct wb_config scratch;
	char q[QUOTE_LEN], msg[512], modes[80];
	enum wb_check mode;

	if (strlen(key) >= sizeof(((struct wb_expect *)0)->key)) {
		err_key(c, "key %s is too long (%zu bytes; at most %zu)", quote(q, key),
			strlen(key), sizeof(((struct wb_expect *)0)->key) - 1);
		return false;
	}
	if (!wb_check_parse(key, &mode))
		return true;
	if (!strchr(key, '=')) {
		err_key(c,
			"bad key %s: expected a validity_check value (%s) or KEY=VALUE settings separated by ','",
			quote(q, key), check_modes(modes, sizeof(modes)));
		return false;
	}
	wb_config_defaults(&scratch);
	if (wb_config_apply_list(&scratch, key, msg, sizeof(msg))) {
		err_key(c, "bad key %s: %s", quote(q, key), msg);
		return false;
	}
	return true;
}

static void check_expect(struct ctx *c, json_t *root, const char *name, struct wb_expect *out,
			 size_t *nout)
{
	json_t *o = get_object(c, root, name), *v;
	const char *key;
	char q[QUOTE_LEN];
	size_t mark;

	if (!o)
		return;
	mark = ptr_key(&c->p, name);
	if (json_object_size(o) > WB_MAX_EXPECT) {
		err(c, "too many entries (%zu; at most %u)", json_object_size(o), WB_MAX_EXPECT);
		ptr_pop(&c->p, mark);
		return;
	}
	json_object_foreach(o, key, v) {
		size_t m;
		bool ok;
		int w = -1;

		if (stop(c))
			break;
		m = ptr_key(&c->p, key);
		ok = check_expect_key(c, key);
		if (!json_is_string(v))
			err(c, "expected a verdict (corrupt, deadlock or safe), got %s",
			    type_desc(v));
		else if ((w = word_index(verdict_words, json_string_value(v))) < 0)
			err(c, "unknown verdict %s (expected corrupt, deadlock or safe)",
			    quote(q, json_string_value(v)));
		if (ok && w >= 0) {
			snprintf(out[*nout].key, sizeof(out[*nout].key), "%s", key);
			out[*nout].verdict = (enum wb_verdict_word)w;
			(*nout)++;
		}
		ptr_pop(&c->p, m);
	}
	ptr_pop(&c->p, mark);
}

static void validate(struct ctx *c, json_t *root)
{
	struct wb_scenario *sc = c->sc;

	if (!json_is_object(root)) {
		err(c, "expected an object at the top level, got %s", type_desc(root));
		return;
	}
	check_keys(c, root, top_keys, "");
	check_header(c, root);
	check_geometry(c, root);
	c->limit = (uint64_t)WB_MAX_PAGES * sc->page_size;
	if (c->limit > WB_MAX_FILE_BYTES)
		c->limit = WB_MAX_FILE_BYTES;
	c->granule = sc->block_size;
	if (!stop(c))
		check_file(c, root);
	if (!stop(c))
		check_config(c, root);
	if (!stop(c))
		check_tasks(c, root);
	if (c->geom_ok)
		c->npages = (unsigned)((c->max_end + sc->page_size - 1) / sc->page_size);
	if (!stop(c) && c->geom_ok)
		check_page_ranges(c);
	if (!stop(c))
		check_schedules(c, root);
	if (!stop(c))
		check_expect(c, root, "expect", sc->expect, &sc->nexpect);
	if (!stop(c))
		check_expect(c, root, "expect_schedule", sc->expect_schedule,
			     &sc->nexpect_schedule);
}

/* ---------------------------------------------------------------- loading */

static void free_schedule(struct wb_schedule *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->entries[i]);
	free(s->entries);
}

void wb_scenario_free(struct wb_scenario *sc)
{
	if (!sc)
		return;
	free(sc->path);
	free(sc->text);
	free(sc->description);
	free(sc->extents);
	free_schedule(&sc->schedule);
	for (unsigned m = 0; m < WB_CHECK_NMODES; m++)
		free_schedule(&sc->schedules[m]);
	free(sc);
}

static void error_count(FILE *diag, const char *path, unsigned n)
{
	if (!diag)
		return;
	if (n >= MAX_ERRORS)
		fprintf(diag, "%s: note: stopped checking after %u errors\n", path, n);
	fprintf(diag, "%u error%s\n", n, n == 1 ? "" : "s");
}

struct wb_scenario *wb_scenario_load_buffer(const char *path, const char *text, size_t len,
					    FILE *diag)
{
	struct wb_scenario *sc = wb_xcalloc(1, sizeof(*sc));
	struct ctx c = { .sc = sc, .diag = diag, .geom_ok = true };
	json_error_t jerr;
	json_t *root;

	sc->path = wb_xstrdup(path);
	sc->text = wb_xmalloc(len + 1);
	if (len)
		memcpy(sc->text, text, len);
	sc->text[len] = '\0';
	sc->text_len = len;
	sc->block_size = 4096;
	sc->page_size = 4096;
	wb_config_defaults(&sc->config);

	root = json_loadb(sc->text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		if (diag)
			syntax_error(sc, diag, &jerr);
		error_count(diag, path, 1);
		wb_scenario_free(sc);
		return NULL;
	}
	c.p.s = wb_xstrdup("");
	c.p.cap = 1;
	validate(&c, root);
	json_decref(root);
	free(c.p.s);
	if (c.nerr) {
		error_count(diag, path, c.nerr);
		wb_scenario_free(sc);
		return NULL;
	}
	return sc;
}

struct wb_scenario *wb_scenario_load(const char *path, FILE *diag)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t len = 0, cap = 0;
	struct wb_scenario *sc;
	int e;

	if (!f)
		goto fail;
	for (;;) {
		size_t got;

		if (len == cap) {
			cap = cap ? 2 * cap : 65536;
			buf = wb_xrealloc(buf, cap);
		}
		got = fread(buf + len, 1, cap - len, f);
		len += got;
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		e = errno;
		fclose(f);
		free(buf);
		errno = e;
		goto fail;
	}
	fclose(f);
	sc = wb_scenario_load_buffer(path, buf, len, diag);
	free(buf);
	return sc;
fail:
	e = errno;
	if (diag)
		fprintf(diag, "%s: error: cannot read: %s\n", path, strerror(e));
	error_count(diag, path, 1);
	return NULL;
}
