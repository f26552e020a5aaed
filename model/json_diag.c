/* SPDX-License-Identifier: MIT */
/*
 * json_diag.c - diagnostics located in a JSON text (json_diag.h).
 *
 * jansson keeps no positions, so a reader keeps the file's text, and this
 * walks it again to turn "/tasks/1/length" into a byte offset, then into a
 * line, a column and a caret.  The walker is small and forgiving: it assumes
 * the text parsed already, never reads past `len`, and answers -1 for anything
 * it cannot follow.
 */
#include "model/json_diag.h"

#include "sim/xmalloc.h"

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------- locating a pointer */

struct walk {
	const char *s;
	size_t len;
};

static size_t skip_ws(const struct walk *w, size_t i)
{
	while (i < w->len && (w->s[i] == ' ' || w->s[i] == '\t' || w->s[i] == '\n' ||
			      w->s[i] == '\r'))
		i++;
	return i;
}

/* `i` is at the opening quote; return the index just past the closing quote, or SIZE_MAX. */
static size_t skip_string(const struct walk *w, size_t i)
{
	for (i++; i < w->len; i++) {
		if (w->s[i] == '\\')
			i++;
		else if (w->s[i] == '"')
			return i + 1;
	}
	return SIZE_MAX;
}

static bool is_scalar_char(char c)
{
	return c && strchr("-+.0123456789eEtruefalsn", c);
}

/*
 * Skip one value starting at `i` (no leading white space); return the index
 * just past it, or SIZE_MAX.  Containers are skipped by counting brackets
 * outside strings, so nesting depth costs nothing.
 */
static size_t skip_value(const struct walk *w, size_t i)
{
	size_t depth = 0;

	if (i >= w->len)
		return SIZE_MAX;
	switch (w->s[i]) {
	case '"':
		return skip_string(w, i);
	case '{':
	case '[':
		for (; i < w->len; i++) {
			char c = w->s[i];

			if (c == '"') {
				i = skip_string(w, i);
				if (i == SIZE_MAX)
					return SIZE_MAX;
				i--;
			} else if (c == '{' || c == '[') {
				depth++;
			} else if (c == '}' || c == ']') {
				if (--depth == 0)
					return i + 1;
			}
		}
		return SIZE_MAX;
	default:
		/* numbers and literals: a run of the characters they are made of */
		if (!is_scalar_char(w->s[i]))
			return SIZE_MAX;
		while (i < w->len && is_scalar_char(w->s[i]))
			i++;
		return i;
	}
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Read four hex digits at s[i]; -1 if they are not there. */
static long hex4(const struct walk *w, size_t i)
{
	long v = 0;

	if (i + 4 > w->len)
		return -1;
	for (size_t k = 0; k < 4; k++) {
		int h = hexval(w->s[i + k]);

		if (h < 0)
			return -1;
		v = v * 16 + h;
	}
	return v;
}

/* Append code point `cp` as UTF-8 to out[*n..cap); false when it does not fit. */
static bool put_utf8(char *out, size_t cap, size_t *n, unsigned long cp)
{
	unsigned char b[4];
	size_t k;

	if (cp < 0x80) {
		b[0] = (unsigned char)cp;
		k = 1;
	} else if (cp < 0x800) {
		b[0] = (unsigned char)(0xc0 | (cp >> 6));
		b[1] = (unsigned char)(0x80 | (cp & 0x3f));
		k = 2;
	} else if (cp < 0x10000) {
		b[0] = (unsigned char)(0xe0 | (cp >> 12));
		b[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		b[2] = (unsigned char)(0x80 | (cp & 0x3f));
		k = 3;
	} else {
		b[0] = (unsigned char)(0xf0 | (cp >> 18));
		b[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
		b[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		b[3] = (unsigned char)(0x80 | (cp & 0x3f));
		k = 4;
	}
	if (*n + k > cap)
		return false;
	memcpy(out + *n, b, k);
	*n += k;
	return true;
}

/*
 * Does the JSON string at s[i] (the opening quote) decode to exactly
 * tok[0..toklen)?  Escapes, \uXXXX and surrogate pairs are decoded.
 */
static const char simple_esc[] = "\"\\/bfnrt";
static const char simple_val[] = "\"\\/\b\f\n\r\t";

static bool string_equals(const struct walk *w, size_t i, const char *tok, size_t toklen)
{
	size_t n = 0;

	for (i++; i < w->len; i++) {
		char c = w->s[i];
		char buf[4];
		size_t k = 0;

		if (c == '"')
			return n == toklen;
		if (c != '\\') {
			if (n >= toklen || tok[n] != c)
				return false;
			n++;
			continue;
		}
		if (++i >= w->len)
			return false;
		c = w->s[i];
		if (c && strchr(simple_esc, c)) {
			buf[k++] = simple_val[strchr(simple_esc, c) - simple_esc];
		} else if (c == 'u') {
			long cp = hex4(w, i + 1);

			if (cp < 0)
				return false;
			i += 4;
			if (cp >= 0xd800 && cp < 0xdc00 && i + 2 < w->len && w->s[i + 1] == '\\' &&
			    w->s[i + 2] == 'u') {
				long lo = hex4(w, i + 3);

				if (lo >= 0xdc00 && lo < 0xe000) {
					cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
					i += 6;
				}
			}
			if (!put_utf8(buf, sizeof(buf), &k, (unsigned long)cp))
				return false;
		} else {
			return false;
		}
		if (n + k > toklen || memcmp(tok + n, buf, k) != 0)
			return false;
		n += k;
	}
	return false;
}

/*
 * Decode the next reference token of `ptr` (which starts at '/') into `tok`
 * (room for strlen(ptr) bytes); return its length, or SIZE_MAX when it is
 * badly escaped.  *next is set past the token.
 */
static size_t next_token(const char *ptr, const char **next, char *tok)
{
	const char *p = ptr + 1;
	size_t n = 0;

	for (; *p && *p != '/'; p++) {
		char c = *p;

		if (c == '~') {
			if (p[1] == '0')
				c = '~';
			else if (p[1] == '1')
				c = '/';
			else
				return SIZE_MAX;
			p++;
		}
		tok[n++] = c;
	}
	*next = p;
	return n;
}

/* An array index token: "0" or a decimal without leading zeros. */
static bool parse_index(const char *tok, size_t n, size_t *out)
{
	size_t v = 0;

	if (n == 0 || (n > 1 && tok[0] == '0') || n > 9)
		return false;
	for (size_t k = 0; k < n; k++) {
		if (tok[k] < '0' || tok[k] > '9')
			return false;
		v = v * 10 + (size_t)(tok[k] - '0');
	}
	*out = v;
	return true;
}

/* Find member `tok` of the object at s[i]; set *key and return the value's index, or SIZE_MAX. */
static size_t find_member(const struct walk *w, size_t i, const char *tok, size_t n, size_t *key)
{
	i = skip_ws(w, i + 1);
	if (i < w->len && w->s[i] == '}')
		return SIZE_MAX;
	while (i < w->len && w->s[i] == '"') {
		size_t k = i;
		bool match = string_equals(w, i, tok, n);

		i = skip_string(w, i);
		if (i == SIZE_MAX)
			return SIZE_MAX;
		i = skip_ws(w, i);
		if (i >= w->len || w->s[i] != ':')
			return SIZE_MAX;
		i = skip_ws(w, i + 1);
		if (match) {
			*key = k;
			return i;
		}
		i = skip_value(w, i);
		if (i == SIZE_MAX)
			return SIZE_MAX;
		i = skip_ws(w, i);
		if (i >= w->len || w->s[i] != ',')
			return SIZE_MAX;
		i = skip_ws(w, i + 1);
	}
	return SIZE_MAX;
}

/* Find element `idx` of the array at s[i]; return its index, or SIZE_MAX. */
static size_t find_element(const struct walk *w, size_t i, size_t idx)
{
	i = skip_ws(w, i + 1);
	if (i < w->len && w->s[i] == ']')
		return SIZE_MAX;
	for (size_t k = 0; i < w->len; k++) {
		if (k == idx)
			return i;
		i = skip_value(w, i);
		if (i == SIZE_MAX)
			return SIZE_MAX;
		i = skip_ws(w, i);
		if (i >= w->len || w->s[i] != ',')
			return SIZE_MAX;
		i = skip_ws(w, i + 1);
	}
	return SIZE_MAX;
}

long wb_json_locate(const char *text, size_t len, const char *pointer, bool at_key)
{
	struct walk w = { text, len };
	size_t i = skip_ws(&w, 0), key = SIZE_MAX;
	const char *p = pointer;
	char *tok;

	if (!text || !pointer || i >= len || (*p && *p != '/'))
		return -1;
	tok = wb_xmalloc(strlen(pointer) + 1);
	while (*p) {
		size_t n = next_token(p, &p, tok), idx;

		key = SIZE_MAX;
		if (n == SIZE_MAX)
			i = SIZE_MAX;
		else if (w.s[i] == '{')
			i = find_member(&w, i, tok, n, &key);
		else if (w.s[i] == '[' && parse_index(tok, n, &idx))
			i = find_element(&w, i, idx);
		else
			i = SIZE_MAX;
		if (i >= len)
			break;
	}
	free(tok);
	if (i >= len || i > LONG_MAX)
		return -1;
	if (at_key && key != SIZE_MAX)
		return (long)key;
	return (long)i;
}

/* ------------------------------------------------------------ printing */

/* Bytes of a long source line shown around an error's column. */
#define WB_EXCERPT 120

/*
 * Print the source line that starts at `start` (a window of WB_EXCERPT bytes
 * around `at` when it is longer, cut where marked "..."), then a caret under
 * byte `at`; each line in one write.
 */
static void print_source(FILE *out, const char *text, size_t len, size_t start, size_t at)
{
	size_t end = start, from = start, to, n = 0;
	char caret[WB_EXCERPT + 8];

	while (end < len && text[end] != '\n')
		end++;
	if (end > start && text[end - 1] == '\r')
		end--;
	if (at > end)
		at = end;
	to = end;
	if (end - start > WB_EXCERPT) {
		if (at > start + WB_EXCERPT / 2)
			from = at - WB_EXCERPT / 2;
		while (from > start && ((unsigned char)text[from] & 0xc0) == 0x80)
			from--;
		to = end - from > WB_EXCERPT ? from + WB_EXCERPT : end;
		while (to < end && ((unsigned char)text[to] & 0xc0) == 0x80)
			to++;
	}
	fprintf(out, "%s%.*s%s\n", from > start ? "..." : "", (int)(to - from), text + from,
		to < end ? "..." : "");
	if (from > start)
		n = (size_t)snprintf(caret, sizeof(caret), "   ");
	/* One column per character: UTF-8 continuation bytes take none. */
	for (size_t i = from; i < at && n < sizeof(caret) - 3; i++) {
		unsigned char ch = (unsigned char)text[i];

		if (ch == '\t')
			caret[n++] = '\t';
		else if ((ch & 0xc0) != 0x80)
			caret[n++] = ' ';
	}
	caret[n++] = '^';
	caret[n++] = '\n';
	caret[n] = 0;
	fputs(caret, out);
}

/* Print "PATH:LINE:COL: error: [POINTER: ]MESSAGE" at byte `off` of the text. */
static void print_at(const struct wb_json_src *src, FILE *out, size_t off, const char *pointer,
		     const char *msg)
{
	size_t line = 1, start = 0;

	if (off > src->len)
		off = src->len;
	for (size_t i = 0; i < off; i++) {
		if (src->text[i] == '\n') {
			line++;
			start = i + 1;
		}
	}
	fprintf(out, "%s:%zu:%zu: error: %s%s%s\n", src->path, line, off - start + 1, pointer,
		*pointer ? ": " : "", msg);
	print_source(out, src->text, src->len, start, off);
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

void wb_json_vdiag(const struct wb_json_src *src, FILE *out, const char *pointer, bool at_key,
		   const char *fmt, va_list ap)
{
	long off;
	char *msg, *parent;

	if (!out)
		return;
	if (!pointer)
		pointer = "";
	msg = vformat(fmt, ap);
	off = wb_json_locate(src->text, src->len, pointer, at_key);
	/* Not there (a missing key): report at the nearest enclosing value. */
	if (off < 0 && *pointer) {
		parent = wb_xstrdup(pointer);
		while (off < 0 && *parent) {
			*strrchr(parent, '/') = '\0';
			off = wb_json_locate(src->text, src->len, parent, false);
		}
		free(parent);
	}
	print_at(src, out, off < 0 ? 0 : (size_t)off, pointer, msg);
	free(msg);
}

void wb_json_diag(const struct wb_json_src *src, FILE *out, const char *pointer, bool at_key,
		  const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	wb_json_vdiag(src, out, pointer, at_key, fmt, ap);
	va_end(ap);
}

void wb_json_diag_line_col(const struct wb_json_src *src, FILE *out, int line, int col,
			   const char *msg)
{
	size_t start = 0, at;

	if (line < 1 || col < 0) {
		line = 1;
		col = 1;
	}
	if (col < 1)
		col = 1;
	for (int l = 1; l < line && start < src->len; start++) {
		if (src->text[start] == '\n')
			l++;
	}
	/* Walk col - 1 characters into the line to put the caret under the col'th. */
	at = start;
	for (int k = 1; k < col && at < src->len && src->text[at] != '\n'; k++) {
		at++;
		while (at < src->len && ((unsigned char)src->text[at] & 0xc0) == 0x80)
			at++;
	}
	fprintf(out, "%s:%d:%d: error: %s\n", src->path, line, col, msg);
	print_source(out, src->text, src->len, start, at);
}

/* ------------------------------------------------------------ pointers */

void wb_json_ptr_init(struct wb_json_ptr *p)
{
	p->s = wb_xstrdup("");
	p->len = 0;
	p->cap = 1;
}

void wb_json_ptr_free(struct wb_json_ptr *p)
{
	free(p->s);
	p->s = NULL;
	p->len = p->cap = 0;
}

static void ptr_grow(struct wb_json_ptr *p, size_t more)
{
	if (p->len + more + 1 > p->cap) {
		p->cap = (p->len + more + 1) * 2;
		p->s = wb_xrealloc(p->s, p->cap);
	}
}

size_t wb_json_ptr_key(struct wb_json_ptr *p, const char *key)
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

size_t wb_json_ptr_index(struct wb_json_ptr *p, size_t i)
{
	size_t mark = p->len;

	ptr_grow(p, 24);
	p->len += (size_t)snprintf(p->s + p->len, 24, "/%zu", i);
	return mark;
}

void wb_json_ptr_pop(struct wb_json_ptr *p, size_t mark)
{
	p->len = mark;
	p->s[mark] = '\0';
}
