/* SPDX-License-Identifier: MIT */
/*
 * config.h - the switches and the kernel presets, as two tables.
 *
 * Every switch is one row of wb_switches[] (its name, its values, where it
 * lives in struct wb_config, its help), and every kernel version is one row of
 * wb_kernels[] (its version string and each switch's value).  Parsing (a
 * scenario's "config", --set, --kernel, expect keys), the settings text and
 * JSON, validation and the help texts all iterate the two tables.
 */
#ifndef WBSIM_CONFIG_H
#define WBSIM_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

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

/* What the EOF zeroing does with dirty page cache over HOLE and UNWRITTEN mappings. */
enum wb_zero_dirty {
	WB_ZDU_SKIP,  /* 6.1 to 6.11: skipped as already zero, whatever the cache holds */
	WB_ZDU_FLUSH, /* 6.12 (c5c810b94cfd, 7d9b474ee4cc): flush the range, then remap */
	WB_ZDU_FLUSH_EOF, /* 6.18: flush, but a dirty partial EOF block is zeroed in the cache first */
	WB_ZDU_BATCH, /* 7.1.5: the EOF block's dirty folio zeroed from a folio batch; flush UNWRITTEN only */
};

/* Which folios a buffered write creates (iomap_get_folio() with fgf_set_order(), 6.6). */
enum wb_write_folios {
	WB_WF_PAGE,	       /* 6.1 to 6.3: order 0, one page */
	WB_WF_LARGE_NO_ORDER1, /* 6.6 to 6.8: large folios, but __filemap_get_folio() refuses order 1 */
	WB_WF_LARGE,	       /* 6.9 and later: any order up to the geometry's max_folio_size */
};

/* How writeback maps a folio's blocks (iomap_writepage_map()). */
enum wb_writeback_map {
	WB_WBM_PER_BLOCK, /* 6.1 to 6.8: one ->map_blocks() per block to write */
	WB_WBM_PER_RANGE, /* 6.9 and later: one per contiguous run of blocks to write */
};

/* Which failures truncate the page cache a write instantiated past EOF (iomap_write_failed()). */
enum wb_write_failed {
	WB_WFT_ALWAYS,	      /* up to 6.10: a STALE mapping, any short copy, a failed write_begin */
	WB_WFT_REJECTED_ONLY, /* 6.11+: a failed write_begin and a rejected copy only */
};

/* A buffer that holds any settings text (wb_config_text): every switch at its longest value. */
#define WB_SETTINGS_TEXT_MAX 1024

struct wb_kernel;

/* The switches (docs/model.md section 10); wb_switches[] says which is which. */
struct wb_config {
	enum wb_check validity_check;
	bool writeback_revalidate;
	enum wb_cleanup write_fail_cleanup;
	bool mkwrite_iomap_end;
	bool drop_writes;
	bool stable_pages;
	bool init_on_alloc;
	bool partial_zero_uptodate;
	bool per_block_dirty;
	enum wb_zero_dirty zero_dirty_unwritten;
	bool isize_extended_zero;
	enum wb_write_folios write_folios;
	enum wb_writeback_map writeback_map;
	enum wb_write_failed write_failed_truncate;
	bool zero_rework;
	const struct wb_kernel *kernel; /* the preset last applied, NULL for none */
};

enum wb_switch_kind {
	WB_SWITCH_BOOL, /* a bool field: "true" or "false" */
	WB_SWITCH_WORD, /* an enum field: the index of a word in `words` */
};

/* One switch: a key of "config", of --set and of expect keys. */
struct wb_switch {
	const char *name;
	enum wb_switch_kind kind;
	const char *const *words; /* WB_SWITCH_WORD: the values in enum order, NULL-terminated */
	size_t offset;		  /* of its field in struct wb_config */
	unsigned text_pos;	  /* its place in the settings text (wb_config_text), 0.. */
	bool text_always;	  /* in the settings text even at its default value */
	const char *help;
	const char *fix;	  /* its fixed value where the newest preset lacks it, or NULL */
	bool feature;		  /* a kernel feature, not a fix: never a candidate of a fix search */
};

/* One kernel version: "kernel": "6.1" in a config, --kernel 6.1, kernel=6.1. */
struct wb_kernel {
	const char *version;
	const char *values; /* every switch as "KEY=VALUE, ..." */
	bool defaults;	    /* a key no layer sets takes this kernel's value (exactly one row) */
	const char *lacks;  /* a bool switch this kernel does not have (true is refused), or NULL */
	const char *lacks_why;
};

/* At most this many switches (the size of arrays of them). */
#define WB_MAX_SWITCHES 16

extern const struct wb_switch wb_switches[];
extern const size_t wb_nswitches;
extern const struct wb_kernel wb_kernels[];
extern const size_t wb_nkernels;

/* The row named `name` or `version`; NULL if none. */
const struct wb_switch *wb_switch_find(const char *name);
const struct wb_kernel *wb_kernel_find(const char *version);

/* A switch's value in a config: a bool as 0/1, a word as its index. */
unsigned wb_switch_get(const struct wb_config *cfg, const struct wb_switch *sw);
void wb_switch_put(struct wb_config *cfg, const struct wb_switch *sw, unsigned v);
/*
 * The switch's "fix" value (wbsim matrix): its documented fix (`fix`) if the
 * row names one, else its value in the newest kernel preset.
 */
unsigned wb_switch_fix(const struct wb_switch *sw);
/* "true", "false" or the word; "?" if out of range. */
const char *wb_switch_value_name(const struct wb_switch *sw, unsigned v);
/* Parse a value's text: 0, or -1 if it is not one of the switch's values. */
int wb_switch_parse(const struct wb_switch *sw, const char *text, unsigned *out);
/* The values for messages: "true or false", "off, after_lock or before_lock". */
const char *wb_switch_expected(const struct wb_switch *sw, char *buf, size_t n);

/*
 * The known versions joined for messages and help: each wrapped in `quote`
 * (e.g. "\"" or ""), separated by `sep` and, before the last, by `last`:
 * ("", ", ", " or ") gives "6.1, 6.2 or 6.3"; ("", "|", "|") gives "6.1|6.2|6.3".
 */
const char *wb_kernel_versions(char *buf, size_t n, const char *quote, const char *sep,
			       const char *last);
/* "kernel" and every switch name, NULL-terminated (the keys of "config"). */
const char *const *wb_config_keys(void);
/* The same joined by ", ". */
const char *wb_config_keys_text(char *buf, size_t n);

/* The defaults (the defaults row, with no kernel), and a preset. */
void wb_config_defaults(struct wb_config *cfg);
void wb_config_preset(struct wb_config *cfg, const struct wb_kernel *kernel);

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
/* A switch the kernel lacks turned on is refused; 0 or -1 with the reason. */
int wb_config_check(const struct wb_config *cfg, char *err, size_t n);

/* The settings as one line, "kernel=6.2, validity_check=after_lock, ..." */
void wb_config_text(const struct wb_config *cfg, char *buf, size_t n);

const char *wb_check_name(enum wb_check c);
int wb_check_parse(const char *s, enum wb_check *out);
const char *wb_cleanup_name(enum wb_cleanup c);

#endif
