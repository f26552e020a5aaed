/* SPDX-License-Identifier: MIT */
/*
 * scenario_json.c - find where a JSON pointer (RFC 6901) points in a JSON text.
 *
 * jansson keeps no positions, so the loader keeps the file's text and walks it
 * again here to turn "/tasks/1/length" into a byte offset for a diagnostic.
 * The walker is small and forgiving: it assumes the text parsed already, never
 * reads past `len`, and answers -1 for anything it cannot follow.
 */
#include "model/scenario.h"

#include "sim/xmalloc.h"

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

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
