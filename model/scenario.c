/* SPDX-License-Identifier: MIT */
/*
 * scenario.c - load a scenario file and validate it strictly.
 *
 * jansson parses; everything else is checked by the section files this one
 * calls in order (scenario_check.h lists them), and every error is reported
 * at the line and column of the value it is about (json_diag.h), with the
 * source line and a caret.  Validation goes on after an error where that
 * makes sense, up to a cap, and a scenario with any error is never returned
 * half-loaded.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "model/scenario_check.h"
#include "sim/xmalloc.h"

static const char *const top_keys[] = {
	"wbsim", "name", "description", "geometry", "file", "config", "tasks", "schedule",
	"schedules", "expect", "expect_schedule", "timing", NULL,
};

static void validate(struct sc_ctx *c, json_t *root)
{
	struct wb_scenario *sc = c->sc;

	if (!json_is_object(root)) {
		sc_err(c, "expected an object at the top level, got %s", sc_type_desc(root));
		return;
	}
	sc_check_keys(c, root, top_keys, "");
	sc_check_header(c, root);
	sc_check_geometry(c, root);
	c->limit = (uint64_t)WB_MAX_PAGES * sc->page_size;
	if (c->limit > WB_MAX_FILE_BYTES)
		c->limit = WB_MAX_FILE_BYTES;
	c->granule = sc->block_size;
	if (!sc_stop(c))
		sc_check_file(c, root);
	if (!sc_stop(c))
		sc_check_config(c, root);
	if (!sc_stop(c))
		sc_check_tasks(c, root);
	if (c->geom_ok)
		c->npages = (unsigned)((c->max_end + sc->page_size - 1) / sc->page_size);
	if (!sc_stop(c) && c->geom_ok)
		sc_check_page_ranges(c);
	if (!sc_stop(c))
		sc_check_schedules(c, root);
	if (!sc_stop(c) && c->tasks_ok)
		sc_check_timing(c, root);
	if (!sc_stop(c))
		sc_check_expect(c, root, "expect", sc->expect, &sc->nexpect);
	if (!sc_stop(c))
		sc_check_expect(c, root, "expect_schedule", sc->expect_schedule,
				&sc->nexpect_schedule);
}

/* ---------------------------------------------------------------- loading */

void wb_scenario_diag(const struct wb_scenario *sc, FILE *out, const char *pointer, bool at_key,
		      const char *fmt, ...)
{
	struct wb_json_src src = { sc->path, sc->text, sc->text_len };
	va_list ap;

	va_start(ap, fmt);
	wb_json_vdiag(&src, out, pointer, at_key, fmt, ap);
	va_end(ap);
}

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
	free(sc->timing);
	free_schedule(&sc->schedule);
	for (unsigned m = 0; m < WB_CHECK_NMODES; m++)
		free_schedule(&sc->schedules[m]);
	free(sc);
}

static void error_count(FILE *diag, const char *path, unsigned n)
{
	if (!diag)
		return;
	if (n >= SC_MAX_ERRORS)
		fprintf(diag, "%s: note: stopped checking after %u errors\n", path, n);
	fprintf(diag, "%u error%s\n", n, n == 1 ? "" : "s");
}

struct wb_scenario *wb_scenario_load_buffer(const char *path, const char *text, size_t len,
					    FILE *diag)
{
	struct wb_scenario *sc = wb_xcalloc(1, sizeof(*sc));
	struct sc_ctx c = { .sc = sc, .diag = diag, .geom_ok = true };
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
	sc->max_folio_size = 4096;
	wb_config_defaults(&sc->config);

	root = json_loadb(sc->text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		struct wb_json_src src = { sc->path, sc->text, sc->text_len };

		if (diag)
			wb_json_diag_line_col(&src, diag, jerr.line, jerr.column, jerr.text);
		error_count(diag, path, 1);
		wb_scenario_free(sc);
		return NULL;
	}
	wb_json_ptr_init(&c.p);
	validate(&c, root);
	json_decref(root);
	wb_json_ptr_free(&c.p);
	if (c.nerr) {
		error_count(diag, path, c.nerr);
		wb_scenario_free(sc);
		return NULL;
	}
	return sc;
}

struct wb_scenario *wb_scenario_load(const char *path, FILE *diag)
{
	/* "-" is standard input, named "<stdin>" in messages */
	bool in = !strcmp(path, "-");
	FILE *f = in ? stdin : fopen(path, "rb");
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
		if (!in)
			fclose(f);
		free(buf);
		errno = e;
		goto fail;
	}
	if (!in)
		fclose(f);
	sc = wb_scenario_load_buffer(in ? "<stdin>" : path, buf, len, diag);
	free(buf);
	return sc;
fail:
	e = errno;
	if (diag)
		fprintf(diag, "%s: error: cannot read: %s\n", path, strerror(e));
	error_count(diag, path, 1);
	return NULL;
}

