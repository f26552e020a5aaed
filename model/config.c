/* SPDX-License-Identifier: MIT */
/*
 * config.c - the switches (MODEL.md section 4, docs/model.md section 3):
 * defaults, the 6.1 and 6.2 presets, and KEY=VALUE settings.
 *
 * Within one layer of settings (a scenario's config, a --set list, an expect
 * key) an explicit key beats the layer's kernel preset, whatever their order:
 * wb_config_apply_list() applies the presets first.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/scenario.h"
#include "sim/xmalloc.h"

static const char *const cleanup_words[] = { "truncate_punch", "locked_truncate_punch",
					     "scan_punch", NULL };

void wb_config_defaults(struct wb_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	wb_config_preset(cfg, 62);
	cfg->kernel = 0;
}

void wb_config_preset(struct wb_config *cfg, unsigned kernel)
{
	bool old = kernel == 61;

	cfg->validity_check = old ? WB_CHECK_OFF : WB_CHECK_AFTER_LOCK;
	cfg->writeback_revalidate = true;
	cfg->write_fail_cleanup = old ? WB_CLEANUP_TRUNCATE_PUNCH : WB_CLEANUP_SCAN_PUNCH;
	cfg->mkwrite_iomap_end = old;
	cfg->drop_writes = false;
	cfg->stable_pages = false;
	cfg->kernel = kernel;
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

static int cfg_bool(const char *key, const char *val, bool *out, char *err, size_t n)
{
	if (!strcmp(val, "true")) {
		*out = true;
		return 0;
	}
	if (!strcmp(val, "false")) {
		*out = false;
		return 0;
	}
	cfg_err(err, n, "bad value '%s' for %s (expected true or false)", val, key);
	return -1;
}

int wb_config_set(struct wb_config *cfg, const char *kv, char *err, size_t n)
{
	const char *eq = strchr(kv, '=');
	char key[40];
	const char *val;

	if (!eq) {
		cfg_err(err, n, "expected KEY=VALUE, got '%s'", kv);
		return -1;
	}
	snprintf(key, sizeof(key), "%.*s", (int)(eq - kv), kv);
	val = eq + 1;
	if (!strcmp(key, "validity_check")) {
		enum wb_check c;
		if (wb_check_parse(val, &c)) {
			cfg_err(err, n,
				"bad value '%s' for validity_check (expected off, after_lock or before_lock)",
				val);
			return -1;
		}
		cfg->validity_check = c;
		return 0;
	}
	if (!strcmp(key, "kernel")) {
		if (!strcmp(val, "6.1"))
			wb_config_preset(cfg, 61);
		else if (!strcmp(val, "6.2") || !strcmp(val, "6.3"))
			wb_config_preset(cfg, 62);
		else {
			cfg_err(err, n, "bad value '%s' for kernel (expected 6.1 or 6.2)", val);
			return -1;
		}
		return 0;
	}
	if (!strcmp(key, "write_fail_cleanup")) {
		for (int i = 0; cleanup_words[i]; i++) {
			if (!strcmp(val, cleanup_words[i])) {
				cfg->write_fail_cleanup = (enum wb_cleanup)i;
				return 0;
			}
		}
		cfg_err(err, n,
			"bad value '%s' for write_fail_cleanup (expected truncate_punch, "
			"locked_truncate_punch or scan_punch)",
			val);
		return -1;
	}
	if (!strcmp(key, "writeback_revalidate"))
		return cfg_bool(key, val, &cfg->writeback_revalidate, err, n);
	if (!strcmp(key, "mkwrite_iomap_end"))
		return cfg_bool(key, val, &cfg->mkwrite_iomap_end, err, n);
	if (!strcmp(key, "drop_writes"))
		return cfg_bool(key, val, &cfg->drop_writes, err, n);
	if (!strcmp(key, "stable_pages"))
		return cfg_bool(key, val, &cfg->stable_pages, err, n);
	cfg_err(err, n,
		"unknown setting '%s' (known: kernel, validity_check, write_fail_cleanup, "
		"mkwrite_iomap_end, drop_writes, writeback_revalidate, stable_pages)",
		key);
	return -1;
}

int wb_config_check(const struct wb_config *cfg, char *err, size_t n)
{
	if (cfg->drop_writes && cfg->kernel == 62) {
		cfg_err(err, n, "drop_writes is not available with kernel 6.2: the error injection "
				"was removed by 6e8af15ccdc4 (\"xfs: drop write error injection is "
				"unfixable, remove it\")");
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
