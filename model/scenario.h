/* SPDX-License-Identifier: MIT */
/*
 * scenario.h - a scenario file (INTERFACE.md), loaded and validated.
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

/* Limits: anything past them is a content error, never an allocation failure. */
#define WB_MIN_BLOCK_SIZE 512u
#define WB_MAX_PAGE_SIZE 65536u
#define WB_MAX_BLOCKS_PER_PAGE 16u
#define WB_MAX_PAGES 64u
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

enum wb_op {
	WB_OP_WRITE,
	WB_OP_WRITEBACK,
	WB_OP_RECLAIM,
	WB_OP_READ_FAULT,
	WB_OP_MMAP_WRITE,
	WB_OP_PUNCH,
	WB_OP_FALLOCATE,
	WB_OP_TRUNCATE,
	WB_OP_NOPS,
};

enum wb_check {
	WB_CHECK_OFF,
	WB_CHECK_AFTER_LOCK,
	WB_CHECK_BEFORE_LOCK,
	WB_CHECK_NMODES,
};

enum wb_cleanup {
	WB_CLEANUP_TRUNCATE_PUNCH,	  /* 6.1 */
	WB_CLEANUP_LOCKED_TRUNCATE_PUNCH, /* after 198dd8aedee6, before f43dc4dc3eff */
	WB_CLEANUP_SCAN_PUNCH,		  /* 6.2 */
};

/* The switches of MODEL.md section 4 and docs/model.md section 3. */
struct wb_config {
	enum wb_check validity_check;
	bool writeback_revalidate;
	enum wb_cleanup write_fail_cleanup;
	bool mkwrite_iomap_end;
	bool drop_writes;
	bool stable_pages;
	unsigned kernel; /* the preset last applied: 0 none, 61 or 62 */
};

/* The 6.2 values (every unset key), and the presets. */
void wb_config_defaults(struct wb_config *cfg);
void wb_config_preset(struct wb_config *cfg, unsigned kernel);

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

struct wb_scenario {
	char *path;	/* as given on the command line */
	char *text;	/* the whole file, NUL-terminated */
	size_t text_len;

	char name[64];
	char *description;
	unsigned block_size, page_size;
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
 * Print one diagnostic located at the value (or, with `at_key`, the key) that
 * a JSON pointer names in the scenario's text.  Used by the loader and by
 * callers reporting later errors (a schedule entry that does not fit).
 */
void wb_scenario_diag(const struct wb_scenario *sc, FILE *out, const char *pointer, bool at_key,
		      const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Locate a JSON pointer in a JSON text: byte offset of the value (or key), or -1. */
long wb_json_locate(const char *text, size_t len, const char *pointer, bool at_key);

/* The greatest common divisor (the granule is the gcd of every offset and size). */
uint64_t wb_gcd(uint64_t a, uint64_t b);

const char *wb_check_name(enum wb_check c);
int wb_check_parse(const char *s, enum wb_check *out);
const char *wb_ext_state_name(enum wb_ext_state s); /* "HOLE", "DELALLOC", ... */
const char *wb_verdict_word_name(enum wb_verdict_word v);

/*
 * Apply one "KEY=VALUE" setting to a config (`--set`, and expect keys).
 * Returns 0, or -1 with a message naming the key or value.
 */
int wb_config_set(struct wb_config *cfg, const char *kv, char *err, size_t n);
/*
 * Apply "KEY=VALUE,KEY=VALUE" (a bare mode "off" means validity_check=off),
 * the kernel presets first, then check the result (drop_writes needs 6.1).
 */
int wb_config_apply_list(struct wb_config *cfg, const char *list, char *err, size_t n);
int wb_config_check(const struct wb_config *cfg, char *err, size_t n);
const char *wb_cleanup_name(enum wb_cleanup c);

#endif
