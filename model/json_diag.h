/* SPDX-License-Identifier: MIT */
/*
 * json_diag.h - diagnostics located in a JSON text: JSON pointers (RFC 6901)
 * built up while descending, found again in the text as a byte offset, and
 * printed as "PATH:LINE:COL: error: /pointer: message" with the source line
 * and a caret under the column.
 *
 * Independent of the JSON parser: it needs only the text as read.  The
 * scenario loader reports through it; any reader of a JSON file (the trace
 * reader) can too.
 */
#ifndef WBSIM_JSON_DIAG_H
#define WBSIM_JSON_DIAG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* A JSON text and the name it is reported under. */
struct wb_json_src {
	const char *path;
	const char *text;
	size_t len;
};

/* Locate a JSON pointer in a JSON text: byte offset of the value (or key), or -1. */
long wb_json_locate(const char *text, size_t len, const char *pointer, bool at_key);

/*
 * Print one error at the value (or, with `at_key`, the key) that `pointer`
 * names; a pointer that names nothing (a missing key) is reported at the
 * nearest enclosing value.  The message is printf-formatted.
 */
void wb_json_diag(const struct wb_json_src *src, FILE *out, const char *pointer, bool at_key,
		  const char *fmt, ...) __attribute__((format(printf, 5, 6)));
void wb_json_vdiag(const struct wb_json_src *src, FILE *out, const char *pointer, bool at_key,
		   const char *fmt, va_list ap) __attribute__((format(printf, 5, 0)));

/*
 * Print one error at a LINE:COL a parser reported (columns count characters,
 * not bytes), such as a syntax error, where no pointer applies.
 */
void wb_json_diag_line_col(const struct wb_json_src *src, FILE *out, int line, int col,
			   const char *msg);

/* A JSON pointer built up as a checker descends: "" is the whole document. */
struct wb_json_ptr {
	char *s; /* NUL-terminated, never NULL after wb_json_ptr_init */
	size_t len, cap;
};

void wb_json_ptr_init(struct wb_json_ptr *p);
void wb_json_ptr_free(struct wb_json_ptr *p);
/* Append "/key" (escaped) or "/index"; return the length to pop back to. */
size_t wb_json_ptr_key(struct wb_json_ptr *p, const char *key);
size_t wb_json_ptr_index(struct wb_json_ptr *p, size_t i);
void wb_json_ptr_pop(struct wb_json_ptr *p, size_t mark);

#endif
