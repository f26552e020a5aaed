/* SPDX-License-Identifier: MIT */
/*
 * config.c - the switches and kernel presets (docs/model.md section 10) as
 * tables, and everything that reads KEY=VALUE settings or prints them.
 *
 * A new switch is one row of wb_switches[] (plus its field in struct
 * wb_config and the model code that obeys it); a new kernel version is one
 * row of wb_kernels[].
 *
 * Within one layer of settings (a scenario's config, a --set list, an expect
 * key) an explicit key beats the layer's kernel preset, whatever their order:
 * wb_config_apply_list() applies the presets first.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/config.h"
#include "sim/xmalloc.h"

static const char *const check_words[] = { "off", "after_lock", "before_lock", NULL };
static const char *const cleanup_words[] = { "truncate_punch", "locked_truncate_punch",
					     "scan_punch", NULL };
static const char *const zdu_words[] = { "skip", "flush", "flush_eof", "batch", NULL };
static const char *const wf_words[] = { "page", "large_no_order1", "large", NULL };
static const char *const wbm_words[] = { "per_block", "per_range", NULL };
static const char *const wft_words[] = { "always", "rejected_only", NULL };
/* a bool switch's values, indexed by the bool */
static const char *const bool_words[] = { "false", "true", NULL };

#define FIELD(f) offsetof(struct wb_config, f)

/*
 * In the order of docs/model.md section 10: the order of every list of keys and
 * of the JSON settings.  The settings text has an order of its own (text_pos,
 * kept for unchanged output): a new switch appends a row and takes the next
 * text_pos.
 */
const struct wb_switch wb_switches[] = {
	{ .name = "validity_check", .kind = WB_SWITCH_WORD, .words = check_words,
	  .offset = FIELD(validity_check), .text_pos = 0, .text_always = true,
	  .help = "revalidate a write's mapping against the extent sequence: off (6.1), "
		  "after_lock (6.2: after locking the folio) or before_lock (too early)" },
	{ .name = "write_fail_cleanup", .kind = WB_SWITCH_WORD, .words = cleanup_words,
	  .offset = FIELD(write_fail_cleanup), .text_pos = 2,
	  .help = "a short write's delalloc cleanup: truncate_punch (6.1), locked_truncate_punch "
		  "(the same under invalidate_lock) or scan_punch (6.2: keep delalloc under "
		  "dirty folios)" },
	{ .name = "mkwrite_iomap_end", .kind = WB_SWITCH_BOOL, .offset = FIELD(mkwrite_iomap_end),
	  .text_pos = 3, .help = "page_mkwrite ends with the write's iomap_end cleanup (6.1)" },
	{ .name = "drop_writes", .kind = WB_SWITCH_BOOL, .offset = FIELD(drop_writes),
	  .text_pos = 4,
	  .help = "the drop_writes error injection: every write fails after copying (6.1 only)" },
	{ .name = "writeback_revalidate", .kind = WB_SWITCH_BOOL,
	  .offset = FIELD(writeback_revalidate), .text_pos = 1,
	  .help = "writeback revalidates its cached mapping against the extent sequence" },
	{ .name = "stable_pages", .kind = WB_SWITCH_BOOL, .offset = FIELD(stable_pages),
	  .text_pos = 5,
	  .help = "writers wait for writeback of the folio (a device that needs stable pages)" },
	{ .name = "init_on_alloc", .kind = WB_SWITCH_BOOL, .offset = FIELD(init_on_alloc),
	  .text_pos = 6,
	  .help = "new folios are zeroed when allocated (the init_on_alloc=1 boot option); "
		  "otherwise their bytes are uninitialised memory, shown as '?'",
	  .fix = "true" },
	{ .name = "partial_zero_uptodate", .kind = WB_SWITCH_BOOL,
	  .offset = FIELD(partial_zero_uptodate), .text_pos = 7,
	  .help = "write_begin marks a partly covered run uptodate after zeroing only its parts "
		  "outside the write, so a short copy leaves uninitialised bytes in an uptodate "
		  "folio (6.1 to 6.3; false: Zhang Yi's 2024 fix \"iomap: don't mark blocks "
		  "uptodate after partial zeroing\")",
	  .fix = "false" },
	{ .name = "per_block_dirty", .kind = WB_SWITCH_BOOL, .offset = FIELD(per_block_dirty),
	  .text_pos = 8, .feature = true,
	  .help = "a folio of several blocks keeps a dirty bit per block (iomap_folio_state, "
		  "6.6): write_end dirties the blocks the copy covered, writeback writes dirty "
		  "blocks only, the write-failure punch keeps delalloc under dirty blocks only, "
		  "page_mkwrite dirties the whole folio" },
	{ .name = "zero_dirty_unwritten", .kind = WB_SWITCH_WORD, .words = zdu_words,
	  .offset = FIELD(zero_dirty_unwritten), .text_pos = 9, .feature = true,
	  .help = "the EOF zeroing (iomap_zero_range) over a HOLE or UNWRITTEN mapping: skip "
		  "it as already zero (6.1 to 6.11); flush (6.12, c5c810b94cfd and "
		  "7d9b474ee4cc: if the range had dirty or writeback page cache when the zeroing "
		  "began, write back and wait on [position, end), then remap); flush_eof (6.18: "
		  "a dirty partial EOF block is first zeroed through the page cache); batch "
		  "(7.1: the dirty folio of an UNWRITTEN EOF block is zeroed from a folio batch, "
		  "and only UNWRITTEN mappings flush)" },
	{ .name = "isize_extended_zero", .kind = WB_SWITCH_BOOL,
	  .offset = FIELD(isize_extended_zero), .text_pos = 10, .feature = true,
	  .help = "pagecache_isize_extended() zeroes [old size, new size) of a dirty EOF folio "
		  "when blocks are smaller than pages (6.13, 52aecaee1c26); before, it only "
		  "write-protects it" },
	{ .name = "write_folios", .kind = WB_SWITCH_WORD, .words = wf_words,
	  .offset = FIELD(write_folios), .text_pos = 11, .feature = true,
	  .help = "the folios a buffered write creates (iomap_get_folio() with fgf_set_order(), "
		  "6.6): page (6.1 to 6.3, one page each), large_no_order1 (6.6 to 6.8: up to the "
		  "geometry's max_folio_size, order 1 refused) or large (6.9 and later); the check "
		  "then runs once per folio" },
	{ .name = "writeback_map", .kind = WB_SWITCH_WORD, .words = wbm_words,
	  .offset = FIELD(writeback_map), .text_pos = 12, .feature = true,
	  .help = "how writeback maps the blocks of a folio it writes (iomap_writepage_map()): "
		  "per_block (6.1 to 6.8: one ->map_blocks() call, and its revalidation, per "
		  "block) or per_range (6.9 and later: one per contiguous run of blocks to "
		  "write, the run added to the IO as far as the mapping reaches)" },
	{ .name = "write_failed_truncate", .kind = WB_SWITCH_WORD, .words = wft_words,
	  .offset = FIELD(write_failed_truncate), .text_pos = 13, .feature = true,
	  .help = "when iomap_write_failed() truncates the page cache a write chunk "
		  "instantiated past EOF: always (up to 6.10: after a STALE mapping, after any "
		  "short copy, after a failed write_begin) or rejected_only (6.11, Zhang Yi's "
		  "zeroing rework: only after a failed write_begin and a rejected copy)" },
	{ .name = "zero_rework", .kind = WB_SWITCH_BOOL, .offset = FIELD(zero_rework),
	  .text_pos = 14, .feature = true,
	  .help = "6.11's EOF zeroing rework (Zhang Yi): the zeroing no longer raises i_size "
		  "(iomap_write_iter() does, not iomap_write_end()), and its iomap_begin converts "
		  "a DELALLOC extent at or past the EOF block to UNWRITTEN after truncating the "
		  "page cache from the zeroing's position" },
};
const size_t wb_nswitches = sizeof(wb_switches) / sizeof(wb_switches[0]);

#define NO_DROP_WRITES                                                                       \
	.lacks = "drop_writes",                                                              \
	.lacks_why = "the error injection was removed by 6e8af15ccdc4 (\"xfs: drop write error " \
		     "injection is unfixable, remove it\")"

/* Oldest first: the order of every list of versions. */
const struct wb_kernel wb_kernels[] = {
	{ .version = "6.1",
	  .values = "validity_check=off, writeback_revalidate=true, "
		    "write_fail_cleanup=truncate_punch, mkwrite_iomap_end=true, drop_writes=false, "
		    "stable_pages=false, init_on_alloc=false, partial_zero_uptodate=true, "
		    "per_block_dirty=false, "
		    "zero_dirty_unwritten=skip, isize_extended_zero=false, "
		    "write_folios=page, writeback_map=per_block, "
		    "write_failed_truncate=always, zero_rework=false" },
	{ .version = "6.2",
	  .values = "validity_check=after_lock, writeback_revalidate=true, "
		    "write_fail_cleanup=scan_punch, mkwrite_iomap_end=false, drop_writes=false, "
		    "stable_pages=false, init_on_alloc=false, partial_zero_uptodate=true, "
		    "per_block_dirty=false, "
		    "zero_dirty_unwritten=skip, isize_extended_zero=false, "
		    "write_folios=page, writeback_map=per_block, "
		    "write_failed_truncate=always, zero_rework=false",
	  .defaults = true, NO_DROP_WRITES },
	/*
	 * 6.3 differs from 6.2 in none of the switches: its iomap_valid hook moved
	 * from iomap_page_ops to iomap_folio_ops and behaves the same, and the
	 * mkwrite, write-failure cleanup and drop_writes changes all landed in 6.2.
	 * partial_zero_uptodate: __iomap_write_begin() of 6.1, 6.2 and 6.3 marks the
	 * whole run uptodate after zeroing around the write; the 2024 fix came much later.
	 * init_on_alloc is a boot option, off by default in every version.
	 */
	{ .version = "6.3",
	  .values = "validity_check=after_lock, writeback_revalidate=true, "
		    "write_fail_cleanup=scan_punch, mkwrite_iomap_end=false, drop_writes=false, "
		    "stable_pages=false, init_on_alloc=false, partial_zero_uptodate=true, "
		    "per_block_dirty=false, "
		    "zero_dirty_unwritten=skip, isize_extended_zero=false, "
		    "write_folios=page, writeback_map=per_block, "
		    "write_failed_truncate=always, zero_rework=false",
	  NO_DROP_WRITES },
	/*
	 * 6.6, 6.12, 6.18 and 7.1 (7.1.5, the newest release whose source was
	 * read; docs/research/kernels-6.6-to-7.1.md section 6.1, docs/kernel-map.md
	 * section 8): the check stays after the folio lock in
	 * iomap_write_begin() (folio_ops->iomap_valid in 6.6 and 6.12,
	 * write_ops->iomap_valid from 6.17), xfs_map_blocks() still revalidates
	 * with xfs_imap_valid(), the write-failure cleanup is still
	 * iomap_write_delalloc_release()'s scan, page faults run no iomap_end
	 * cleanup (no ->iomap_end in xfs_page_mkwrite_iomap_ops; from 6.17
	 * xfs_buffered_write_iomap_end() returns at once for IOMAP_FAULT), and
	 * __iomap_write_begin() still marks a partly zeroed run uptodate.  New:
	 * iomap_folio_state's per-block dirty bits (6.6, 4ce02c679722 "iomap:
	 * Add per-block dirty state tracking to improve performance"), large folios
	 * in the write path (6.6, order 1 from 6.9: write_folios), writeback's
	 * mapping per run of dirty blocks (6.9, iomap_writepage_map_blocks():
	 * writeback_map).  From 6.12: 6.11's zeroing and failure rework (Zhang
	 * Yi's series "iomap: fix non-atomic clone operation and don't update
	 * size when zeroing range post eof"; absent in 6.9.0, present in
	 * 6.12.19): iomap_write_failed() only for a failed iomap_write_begin()
	 * and a rejected copy (write_failed_truncate), the zeroing leaves i_size
	 * alone and converts post-EOF DELALLOC to UNWRITTEN (zero_rework).  What
	 * these rows do not model yet (the writeback bit set before mapping, the
	 * later zeroing reworks' details) is listed in docs/kernel-map.md.
	 */
	{ .version = "6.6",
	  .values = "validity_check=after_lock, writeback_revalidate=true, "
		    "write_fail_cleanup=scan_punch, mkwrite_iomap_end=false, drop_writes=false, "
		    "stable_pages=false, init_on_alloc=false, partial_zero_uptodate=true, "
		    "per_block_dirty=true, "
		    "zero_dirty_unwritten=skip, isize_extended_zero=false, "
		    "write_folios=large_no_order1, writeback_map=per_block, "
		    "write_failed_truncate=always, zero_rework=false",
	  NO_DROP_WRITES },
	{ .version = "6.12",
	  .values = "validity_check=after_lock, writeback_revalidate=true, "
		    "write_fail_cleanup=scan_punch, mkwrite_iomap_end=false, drop_writes=false, "
		    "stable_pages=false, init_on_alloc=false, partial_zero_uptodate=true, "
		    "per_block_dirty=true, "
		    "zero_dirty_unwritten=flush, isize_extended_zero=false, "
		    "write_folios=large, writeback_map=per_range, "
		    "write_failed_truncate=rejected_only, zero_rework=true",
	  NO_DROP_WRITES },
	{ .version = "6.18",
	  .values = "validity_check=after_lock, writeback_revalidate=true, "
		    "write_fail_cleanup=scan_punch, mkwrite_iomap_end=false, drop_writes=false, "
		    "stable_pages=false, init_on_alloc=false, partial_zero_uptodate=true, "
		    "per_block_dirty=true, "
		    "zero_dirty_unwritten=flush_eof, isize_extended_zero=true, "
		    "write_folios=large, writeback_map=per_range, "
		    "write_failed_truncate=rejected_only, zero_rework=true",
	  NO_DROP_WRITES },
	{ .version = "7.1",
	  .values = "validity_check=after_lock, writeback_revalidate=true, "
		    "write_fail_cleanup=scan_punch, mkwrite_iomap_end=false, drop_writes=false, "
		    "stable_pages=false, init_on_alloc=false, partial_zero_uptodate=true, "
		    "per_block_dirty=true, "
		    "zero_dirty_unwritten=batch, isize_extended_zero=true, "
		    "write_folios=large, writeback_map=per_range, "
		    "write_failed_truncate=rejected_only, zero_rework=true",
	  NO_DROP_WRITES },
};
const size_t wb_nkernels = sizeof(wb_kernels) / sizeof(wb_kernels[0]);

const struct wb_switch *wb_switch_find(const char *name)
{
	for (size_t i = 0; i < wb_nswitches; i++)
		if (!strcmp(wb_switches[i].name, name))
			return &wb_switches[i];
	return NULL;
}

const struct wb_kernel *wb_kernel_find(const char *version)
{
	for (size_t i = 0; i < wb_nkernels; i++)
		if (!strcmp(wb_kernels[i].version, version))
			return &wb_kernels[i];
	return NULL;
}

_Static_assert(sizeof(enum wb_check) == sizeof(unsigned), "enum fields are unsigned-sized");
_Static_assert(sizeof(enum wb_cleanup) == sizeof(unsigned), "enum fields are unsigned-sized");
_Static_assert(sizeof(enum wb_zero_dirty) == sizeof(unsigned), "enum fields are unsigned-sized");
_Static_assert(sizeof(enum wb_write_folios) == sizeof(unsigned), "enum fields are unsigned-sized");
_Static_assert(sizeof(enum wb_write_failed) == sizeof(unsigned), "enum fields are unsigned-sized");

unsigned wb_switch_get(const struct wb_config *cfg, const struct wb_switch *sw)
{
	const char *p = (const char *)cfg + sw->offset;
	unsigned v;
	bool b;

	if (sw->kind == WB_SWITCH_BOOL) {
		memcpy(&b, p, sizeof(b));
		return b;
	}
	memcpy(&v, p, sizeof(v));
	return v;
}

void wb_switch_put(struct wb_config *cfg, const struct wb_switch *sw, unsigned v)
{
	char *p = (char *)cfg + sw->offset;
	bool b = v != 0;

	if (sw->kind == WB_SWITCH_BOOL)
		memcpy(p, &b, sizeof(b));
	else
		memcpy(p, &v, sizeof(v));
}

static const char *const *switch_words(const struct wb_switch *sw)
{
	return sw->kind == WB_SWITCH_BOOL ? bool_words : sw->words;
}

unsigned wb_switch_fix(const struct wb_switch *sw)
{
	struct wb_config cfg;
	unsigned v;

	if (sw->fix && !wb_switch_parse(sw, sw->fix, &v))
		return v;
	memset(&cfg, 0, sizeof(cfg));
	wb_config_preset(&cfg, &wb_kernels[wb_nkernels - 1]);
	return wb_switch_get(&cfg, sw);
}

const char *wb_switch_value_name(const struct wb_switch *sw, unsigned v)
{
	const char *const *w = switch_words(sw);

	for (unsigned i = 0; w[i]; i++)
		if (i == v)
			return w[i];
	return "?";
}

int wb_switch_parse(const struct wb_switch *sw, const char *text, unsigned *out)
{
	const char *const *w = switch_words(sw);

	for (unsigned i = 0; w[i]; i++) {
		if (!strcmp(w[i], text)) {
			*out = i;
			return 0;
		}
	}
	return -1;
}

/* Join list[0..k) as quote s quote, with `sep` between and `last` before the last. */
static const char *join(char *buf, size_t n, const char *const *list, size_t k,
			const char *quote, const char *sep, const char *last)
{
	size_t len = 0;

	if (n)
		buf[0] = '\0';
	for (size_t i = 0; i < k && len < n; i++)
		len += (size_t)snprintf(buf + len, n - len, "%s%s%s%s",
					i == 0 ? "" : i + 1 == k ? last : sep, quote, list[i], quote);
	return buf;
}

const char *wb_switch_expected(const struct wb_switch *sw, char *buf, size_t n)
{
	static const char *const true_false[] = { "true", "false" };
	size_t k = 0;

	if (sw->kind == WB_SWITCH_BOOL)
		return join(buf, n, true_false, 2, "", ", ", " or ");
	while (sw->words[k])
		k++;
	return join(buf, n, sw->words, k, "", ", ", " or ");
}

#define MAX_KERNELS 32
_Static_assert(sizeof(wb_kernels) / sizeof(wb_kernels[0]) <= MAX_KERNELS, "MAX_KERNELS");

const char *wb_kernel_versions(char *buf, size_t n, const char *quote, const char *sep,
			       const char *last)
{
	const char *v[MAX_KERNELS];

	for (size_t i = 0; i < wb_nkernels; i++)
		v[i] = wb_kernels[i].version;
	return join(buf, n, v, wb_nkernels, quote, sep, last);
}

_Static_assert(sizeof(wb_switches) / sizeof(wb_switches[0]) <= WB_MAX_SWITCHES, "WB_MAX_SWITCHES");

/* Filled on first use, which is while loading a scenario (before any thread). */
const char *const *wb_config_keys(void)
{
	static const char *keys[WB_MAX_SWITCHES + 2];

	if (!keys[0]) {
		for (size_t i = 0; i < wb_nswitches; i++)
			keys[i + 1] = wb_switches[i].name;
		keys[0] = "kernel";
	}
	return keys;
}

const char *wb_config_keys_text(char *buf, size_t n)
{
	return join(buf, n, wb_config_keys(), wb_nswitches + 1, "", ", ", ", ");
}

const char *wb_check_name(enum wb_check c)
{
	return (unsigned)c < WB_CHECK_NMODES ? check_words[c] : "?";
}

int wb_check_parse(const char *s, enum wb_check *out)
{
	for (unsigned i = 0; i < WB_CHECK_NMODES; i++) {
		if (s && strcmp(s, check_words[i]) == 0) {
			*out = (enum wb_check)i;
			return 0;
		}
	}
	return -1;
}

const char *wb_cleanup_name(enum wb_cleanup c)
{
	return (unsigned)c <= WB_CLEANUP_SCAN_PUNCH ? cleanup_words[c] : "?";
}

static void cfg_err(char *err, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void cfg_err(char *err, size_t n, const char *fmt, ...)
{
	va_list ap;

	if (!err || !n)
		return;
	va_start(ap, fmt);
	vsnprintf(err, n, fmt, ap);
	va_end(ap);
}

/* One switch's KEY=VALUE (not kernel=). */
static int set_switch(struct wb_config *cfg, const char *key, const char *val, char *err,
		      size_t n)
{
	const struct wb_switch *sw = wb_switch_find(key);
	char expected[160], keys[1024];
	unsigned v;

	if (!sw) {
		cfg_err(err, n, "unknown setting '%s' (known: %s)", key,
			wb_config_keys_text(keys, sizeof(keys)));
		return -1;
	}
	if (wb_switch_parse(sw, val, &v)) {
		cfg_err(err, n, "bad value '%s' for %s (expected %s)", val, key,
			wb_switch_expected(sw, expected, sizeof(expected)));
		return -1;
	}
	wb_switch_put(cfg, sw, v);
	return 0;
}

void wb_config_preset(struct wb_config *cfg, const struct wb_kernel *kernel)
{
	const char *p = kernel->values;

	while (*p) {
		size_t len = strcspn(p, ",");
		char piece[96], *eq;

		snprintf(piece, sizeof(piece), "%.*s", (int)len, p);
		eq = strchr(piece, '=');
		if (eq)
			*eq = '\0';
		if (!eq || set_switch(cfg, piece + strspn(piece, " "), eq + 1, NULL, 0)) {
			/* a bad row of wb_kernels[]: the unit tests catch it first */
			fprintf(stderr, "wbsim: internal error: kernel %s: bad preset '%.*s'\n",
				kernel->version, (int)len, p);
			abort();
		}
		p += len + (p[len] == ',');
	}
	cfg->kernel = kernel;
}

void wb_config_defaults(struct wb_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	for (size_t i = 0; i < wb_nkernels; i++)
		if (wb_kernels[i].defaults)
			wb_config_preset(cfg, &wb_kernels[i]);
	cfg->kernel = NULL;
}

int wb_config_set(struct wb_config *cfg, const char *kv, char *err, size_t n)
{
	const char *eq = strchr(kv, '=');
	char key[40], versions[64];
	const struct wb_kernel *k;

	if (!eq) {
		cfg_err(err, n, "expected KEY=VALUE, got '%s'", kv);
		return -1;
	}
	snprintf(key, sizeof(key), "%.*s", (int)(eq - kv), kv);
	if (strcmp(key, "kernel"))
		return set_switch(cfg, key, eq + 1, err, n);
	k = wb_kernel_find(eq + 1);
	if (!k) {
		cfg_err(err, n, "bad value '%s' for kernel (expected %s)", eq + 1,
			wb_kernel_versions(versions, sizeof(versions), "", ", ", " or "));
		return -1;
	}
	wb_config_preset(cfg, k);
	return 0;
}

int wb_config_check(const struct wb_config *cfg, char *err, size_t n)
{
	const struct wb_kernel *k = cfg->kernel;
	const struct wb_switch *sw = k && k->lacks ? wb_switch_find(k->lacks) : NULL;

	if (sw && wb_switch_get(cfg, sw)) {
		cfg_err(err, n, "%s is not available with kernel %s: %s", sw->name, k->version,
			k->lacks_why);
		return -1;
	}
	return 0;
}

int wb_config_apply_list(struct wb_config *cfg, const char *list, char *err, size_t n)
{
	char *copy = wb_xstrdup(list), *piece, *next;
	int rc = 0;

	/* the presets first: explicit keys of the same layer beat them */
	for (int pass = 0; pass < 2 && !rc; pass++) {
		strcpy(copy, list);
		for (piece = copy; piece && *piece; piece = next) {
			next = strchr(piece, ',');
			if (next)
				*next++ = '\0';
			while (*piece == ' ')
				piece++;
			bool preset = !strncmp(piece, "kernel=", 7);
			if (preset != (pass == 0))
				continue;
			char buf[96];
			if (!strchr(piece, '=')) {
				/* a bare mode: "off" means validity_check=off */
				snprintf(buf, sizeof(buf), "validity_check=%s", piece);
				piece = buf;
			}
			if ((rc = wb_config_set(cfg, piece, err, n)))
				break;
		}
	}
	free(copy);
	return rc ? rc : wb_config_check(cfg, err, n);
}

void wb_config_text(const struct wb_config *cfg, char *buf, size_t n)
{
	struct wb_config def;
	size_t len = 0;

	wb_config_defaults(&def);
	if (n)
		buf[0] = '\0';
	if (cfg->kernel)
		len += (size_t)snprintf(buf, n, "kernel=%s", cfg->kernel->version);
	/* the switches in their text order: some always, the others where not at the default */
	for (unsigned pos = 0; pos < wb_nswitches; pos++) {
		for (size_t i = 0; i < wb_nswitches && len < n; i++) {
			const struct wb_switch *sw = &wb_switches[i];
			unsigned v = wb_switch_get(cfg, sw);

			if (sw->text_pos != pos || (!sw->text_always && v == wb_switch_get(&def, sw)))
				continue;
			len += (size_t)snprintf(buf + len, n - len, "%s%s=%s", len ? ", " : "",
						sw->name, wb_switch_value_name(sw, v));
		}
	}
}
