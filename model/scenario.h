/* SPDX-License-Identifier: MIT */
/*
 * scenario.h - a scenario file (docs/json.md section 1), loaded and validated.
 *
 * The loader is the only part of the model that sees jansson.  It keeps the
 * file's text so that any later error (a schedule that does not fit, say) can
 * be reported at the line and column of the value a JSON pointer names.
 */
#ifndef WBSIM_SCENARIO_H
#define WBSIM_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "model/config.h"
#include "model/json_diag.h"

/* Limits: anything past them is a content error, never an allocation failure. */
#define WB_MIN_BLOCK_SIZE 512u
#define WB_MAX_PAGE_SIZE 65536u
#define WB_MAX_BLOCKS_PER_PAGE 16u
#define WB_MAX_PAGES 64u
/* the largest max_folio_size, and its blocks (a folio's block masks are 16 bits) */
#define WB_MAX_FOLIO_SIZE 65536u
#define WB_MAX_BLOCKS_PER_FOLIO 16u
#define WB_MAX_TASKS 16u
#define WB_MAX_PASSES 16u
#define WB_MAX_EVICTIONS 64u
#define WB_MAX_EXTENTS 1024u
#define WB_MAX_SCHED 1024u
#define WB_MAX_GRANULES_PER_PAGE 4096u
#define WB_MAX_NAME 32u
#define WB_MAX_FILE_BYTES (16u << 20) /* 16 MiB: also bounded by pages x page size */
#define WB_MAX_EXPECT 32u

/* Extent states, in the kernel's iomap type words. */
enum wb_ext_state {
	WB_HOLE = 0,
	WB_DELALLOC = 1,
	WB_UNWRITTEN = 2,
	WB_WRITTEN = 3,
};

/* The kinds of task: one per row of model/actors.def. */
enum wb_op {
#define WB_ACTOR(op, row) WB_OP_##op,
#include "model/actors.def"
#undef WB_ACTOR
	WB_OP_NOPS,
};

struct wb_extent_def {
	uint64_t offset, length;
	enum wb_ext_state state;
	char data; /* written extents only */
};

struct wb_task_def {
	char name[WB_MAX_NAME];
	enum wb_op op;
	/* write: the range and fill byte; writeback: the range (default whole file) */
	uint64_t offset, length;
	bool has_range;
	char data;
	/* writeback */
	bool sync;
	unsigned passes;
	/* reclaim */
	unsigned evictions;
	uint64_t pages; /* bit mask of allowed page indexes; all ones when not given */
	/* write: the user buffer faults at this file offset (has_short_copy) */
	bool has_short_copy;
	uint64_t short_copy_at;
	/* writeback: wait for its range's writeback after the last pass (fsync) */
	bool wait;
	/* read_fault: the page; truncate: the new size (read_fault uses offset = page * PS) */
	unsigned page;
	uint64_t size;
	/* tasks (indexes) that must finish before this one takes a step */
	uint32_t after;
};

struct wb_schedule {
	bool present;
	size_t n;
	char **entries;
	char pointer[32]; /* "/schedule" or "/schedules/before_lock" */
};

enum wb_verdict_word { WB_V_SAFE, WB_V_CORRUPT, WB_V_DEADLOCK };

struct wb_expect {
	char key[160];		/* "off" or "KEY=VALUE,..." as written */
	enum wb_verdict_word verdict;
};

struct wb_timing;

struct wb_scenario {
	char *path;	/* as given on the command line */
	char *text;	/* the whole file, NUL-terminated */
	size_t text_len;

	char name[64];
	char *description;
	unsigned block_size, page_size;
	/*
	 * The largest folio a buffered write may create (geometry max_folio_size;
	 * the page size when not given).  Only write_folios other than page uses it.
	 */
	unsigned max_folio_size;
	uint64_t file_size;
	size_t nextents;
	struct wb_extent_def *extents;

	struct wb_config config;
	bool config_has_check; /* validity_check given explicitly */

	size_t ntasks;
	struct wb_task_def tasks[WB_MAX_TASKS];

	struct wb_schedule schedule;
	struct wb_schedule schedules[WB_CHECK_NMODES];

	size_t nexpect, nexpect_schedule;
	struct wb_expect expect[WB_MAX_EXPECT];
	struct wb_expect expect_schedule[WB_MAX_EXPECT];

	/* "timing" (wbsim simulate; model/timing.h), NULL when absent */
	struct wb_timing *timing;
};

/*
 * Load and validate a scenario.  On error, print every diagnostic (up to a
 * cap) to `diag` in the form "FILE:LINE:COL: error: /pointer: message", with
 * the source line and a caret, then "N errors", and return NULL.
 */
struct wb_scenario *wb_scenario_load(const char *path, FILE *diag);
/* The same from a buffer (tests); `path` is used in messages only. */
struct wb_scenario *wb_scenario_load_buffer(const char *path, const char *text, size_t len,
					    FILE *diag);
void wb_scenario_free(struct wb_scenario *sc);
/*
 * For a schedule entry given on the command line: " (did you mean \"W2\"?)" when
 * it names no task of the scenario, or a step its task never takes, and a name
 * is close to it (edit distance, as the loader's hints); else "".  Returns buf.
 */
const char *wb_schedule_hint(const struct wb_scenario *sc, const char *entry, char *buf, size_t n);

/*
 * Print one diagnostic located at the value (or, with `at_key`, the key) that
 * a JSON pointer names in the scenario's text.  Used by the loader and by
 * callers reporting later errors (a schedule entry that does not fit).
 */
void wb_scenario_diag(const struct wb_scenario *sc, FILE *out, const char *pointer, bool at_key,
		      const char *fmt, ...) __attribute__((format(printf, 5, 6)));


/* The greatest common divisor (the granule is the gcd of every offset and size). */
uint64_t wb_gcd(uint64_t a, uint64_t b);

const char *wb_ext_state_name(enum wb_ext_state s); /* "HOLE", "DELALLOC", ... */
const char *wb_verdict_word_name(enum wb_verdict_word v);

#endif
