/* SPDX-License-Identifier: MIT */
/*
 * scenario_check.h - the scenario checker's insides, shared by its files
 * (not an interface of the model: only model/scenario*.c include it).
 *
 * The loader (scenario.c) parses with jansson and walks the document once,
 * section by section: scenario_sections.c (header, geometry, file and
 * extents, config), scenario_tasks.c (tasks: one function per op),
 * scenario_schedule.c (schedules) and scenario_expect.c (expectations).
 * They share one context, struct sc_ctx, and the reporting and typed getters
 * of scenario_check.c.  Every error goes to the JSON pointer the checker
 * stands at (c->p), printed through json_diag.h.
 */
#ifndef WBSIM_SCENARIO_CHECK_H
#define WBSIM_SCENARIO_CHECK_H

#include <jansson.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

#include "model/json_diag.h"
#include "model/scenario.h"

#define SC_MAX_ERRORS 20
#define SC_MAX_INT ((uint64_t)1 << 53) /* integers past 2^53 do not survive a double */
#define SC_QUOTE_LEN 80

struct sc_ctx {
	struct wb_scenario *sc;
	FILE *diag;
	unsigned nerr;
	struct wb_json_ptr p;

	bool geom_ok;	  /* block and page size are usable */
	uint64_t limit;	  /* bytes the world may span */
	uint64_t max_end; /* the furthest byte any value reaches */
	uint64_t granule; /* gcd of every offset, length and size so far */
	bool granule_err;
	unsigned npages;

	bool tasks_ok; /* the task list could be read: names resolve */
	size_t ntasks;
	json_t *task[WB_MAX_TASKS];
	const char *task_name[WB_MAX_TASKS]; /* any string name, NULL if none */
	int task_op[WB_MAX_TASKS];	     /* enum wb_op, or -1 */
	bool after_ok[WB_MAX_TASKS];
	bool range_ok[WB_MAX_TASKS]; /* a write or mmap store read whole */
};

/* The sections, in the order the loader checks them. */
void sc_check_header(struct sc_ctx *c, json_t *root);
void sc_check_geometry(struct sc_ctx *c, json_t *root);
void sc_check_file(struct sc_ctx *c, json_t *root);
void sc_check_config(struct sc_ctx *c, json_t *root);
void sc_check_tasks(struct sc_ctx *c, json_t *root);
void sc_check_page_ranges(struct sc_ctx *c); /* once the world's size is known */
void sc_check_schedules(struct sc_ctx *c, json_t *root);
void sc_check_timing(struct sc_ctx *c, json_t *root); /* scenario_timing.c */
void sc_check_expect(struct sc_ctx *c, json_t *root, const char *name, struct wb_expect *out,
		     size_t *nout);

/* The ops, for the sections that name them (scenario_tasks.c). */
const char *sc_op_name(int op);	   /* "write" */
const char *sc_op_article(int op); /* "a", or "an" for mmap_write */
bool sc_op_has_io(int op);	   /* writeback: activities TASK/io<k> */
/* The first task whose name is s[0..len); -1 if none. */
int sc_find_task(const struct sc_ctx *c, const char *s, size_t len);
/* "[what]page N is out of range (the world has ...)" at the current pointer. */
void sc_page_range_error(struct sc_ctx *c, uint64_t page, const char *what);
/* A byte count that must be a multiple of the block size; `what` says why. */
bool sc_block_aligned(struct sc_ctx *c, const char *member, uint64_t v, const char *what);
/* A page index at the current pointer, now that the world's size is known. */
void sc_check_page_index(struct sc_ctx *c, json_t *v);

/* ---- reporting (scenario_check.c) */

/* Errors past SC_MAX_ERRORS are counted no more; checkers stop early. */
bool sc_stop(const struct sc_ctx *c);
/* An error about the value at the current pointer. */
void sc_err(struct sc_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* An error about the key of the member at the current pointer. */
void sc_err_key(struct sc_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* An error about member `member` of the value at the current pointer. */
void sc_errm(struct sc_ctx *c, const char *member, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* s (or s[0..len)) in double quotes, escaped, shortened to fit SC_QUOTE_LEN; returns buf. */
const char *sc_quote(char *buf, const char *s);
const char *sc_quote_n(char *buf, const char *s, size_t len);
/* "an object", "a string", ... */
const char *sc_type_desc(const json_t *v);
/* Index of `s` in a NULL-terminated list, or -1. */
int sc_word_index(const char *const *list, const char *s);
/* " (did you mean \"WORD\"?)" for the closest word of the list, or "" if none is close. */
const char *sc_did_you_mean(char *buf, size_t n, const char *const *list, const char *s);
/* "a, b, c" and "a, b or c" for a NULL-terminated list. */
const char *sc_join(char *buf, size_t n, const char *const *list);
const char *sc_join_or(char *buf, size_t n, const char *const *list);
/* "off, after_lock or before_lock" */
const char *sc_check_modes(char *buf, size_t n);

/* ---- typed getters (scenario_check.c); SC_OK when the member is there and good */

enum { SC_MISSING, SC_BAD, SC_OK };

/* Report every key of `obj` not in `allowed`, at the key; `what` follows the key. */
void sc_check_keys(struct sc_ctx *c, json_t *obj, const char *const *allowed, const char *what);
/* The value at the current pointer as an integer in [lo, hi]. */
int sc_int_value(struct sc_ctx *c, const json_t *v, uint64_t lo, uint64_t hi, uint64_t *out);
int sc_get_int(struct sc_ctx *c, json_t *obj, const char *key, bool required, uint64_t lo,
	       uint64_t hi, uint64_t *out);
int sc_get_string(struct sc_ctx *c, json_t *obj, const char *key, bool required,
		  const char **out);
/* A string member that must be one of `words`; returns its index or -1. */
int sc_get_word(struct sc_ctx *c, json_t *obj, const char *key, bool required,
		const char *const *words, const char *what, const char *expected);
/* A fill byte: one printable ASCII character other than '0', '#' and '?'. */
bool sc_get_data(struct sc_ctx *c, json_t *obj, char *out);
/* A boolean member; true when given and good. */
bool sc_get_bool(struct sc_ctx *c, json_t *obj, const char *key, bool *out);
/* An object or array member, NULL if missing or (reported) of another type. */
json_t *sc_get_object(struct sc_ctx *c, json_t *obj, const char *key);
json_t *sc_get_array(struct sc_ctx *c, json_t *obj, const char *key);

/* ---- the world's extent (scenario_check.c) */

/* Fold a byte count into the granule (the gcd of every offset, length and size). */
void sc_fold_granule(struct sc_ctx *c, const char *member, uint64_t v);
/* A byte position the world must hold (a size). */
void sc_reach(struct sc_ctx *c, const char *member, uint64_t end);
/* A range [off, off + len) the world must hold; members "offset" and "length". */
void sc_reach_range(struct sc_ctx *c, uint64_t off, uint64_t len, const char *what);

#endif
