/* SPDX-License-Identifier: MIT */
/*
 * cmd_matrix.c - wbsim matrix: a scenario's verdict under every kernel preset
 * and with each switch changed alone from each preset, the smallest sets of
 * fix switches that make it safe, and its `expect` entries matched against
 * what was explored.
 *
 * Every verdict is one exploration (by default with partial-order reduction
 * and stopping at the first failure: only the verdict is wanted), cached by
 * the switch values it ran with, so settings that coincide (6.3 has the 6.2
 * values) are explored once.  A cell the budget stops before a verdict is
 * "undecided", never safe.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "app/app.h"
#include "sim/xmalloc.h"

enum mx_verdict { MX_SAFE, MX_CORRUPT, MX_DEADLOCK, MX_UNKNOWN, MX_NA };

static const char *const mx_text[] = { "safe", "corrupt", "deadlock", "undecided", "n/a" };
static const char *const mx_json[] = { "safe", "corrupt", "deadlock", "unknown", "n/a" };

/* One exploration, under one config. */
struct mx_run {
	unsigned vals[WB_MAX_SWITCHES];
	enum mx_verdict verdict;
	const char *stopped_by; /* MX_UNKNOWN: why; MX_NA: the reason is in `why` */
	char why[600];
	uint64_t states;
	double seconds;
	char *schedule; /* a failing execution's --schedule, or NULL */
};

struct mx {
	struct wb_scenario *sc;
	struct sim_explore_opts eo;
	double total;	/* --total-time, 0: none */
	double used;	/* seconds explored so far */
	bool progress;
	struct mx_run **runs;
	size_t nruns;
	unsigned explorations;
};

#define MX_MAX_FIXES 8		/* candidates for the fix search: 2^8 subsets at most */
#define MX_MAX_BASES 8

/* The fix search from one base. */
struct mx_fixes {
	char base[256];
	struct mx_run *base_run;
	unsigned ncand;
	const struct wb_switch *cand[MX_MAX_FIXES];
	unsigned size;		/* of the smallest safe sets, 0: none (or the base is safe) */
	unsigned *safe, nsafe;	/* subsets as bit masks over cand */
	unsigned *undecided, nundecided; /* undecided subsets no larger than size */
};

static void matrix_help(FILE *out)
{
	fprintf(out,
		"usage: wbsim matrix SCENARIO [--base SETTINGS]... [--time-limit SECONDS]\n"
		"                    [--total-time SECONDS] [--max-states N] [--max-memory SIZE]\n"
		"                    [--reduce | --full] [--json | --md] [--quiet]\n"
		"\n"
		"The verdict of SCENARIO under every kernel preset, and with each switch changed\n"
		"alone from each preset; then, from each failing preset (or each --base, a\n"
		"settings list such as kernel=6.1,drop_writes=true), the smallest sets of fix\n"
		"switches that make it safe, searched by increasing size (a switch's fix value:\n"
		"its documented fix, else its value in the newest preset); then the scenario's\n"
		"expect entries whose settings were explored, against the verdict found.\n"
		"\n"
		"Each verdict is one exploration stopped at the first failure (explore --first),\n"
		"with partial-order reduction unless --full. A budget that stops one before a\n"
		"verdict leaves it undecided, never safe.\n"
		"\n"
		"  --time-limit S   limit each exploration      --total-time S  limit them all\n"
		"  --max-states N   limit each exploration's states\n"
		"  --json           one JSON object             --md            Markdown tables\n"
		"\n"
		"Exit: 0 every verdict decided and no expectation contradicted, 1 an expect entry\n"
		"contradicted, 2 bad input, 3 internal error, 4 some verdict undecided.\n");
}

static void mx_values(const struct wb_config *cfg, unsigned *vals)
{
	memset(vals, 0, WB_MAX_SWITCHES * sizeof(unsigned));
	for (size_t i = 0; i < wb_nswitches; i++)
		vals[i] = wb_switch_get(cfg, &wb_switches[i]);
}

static struct mx_run *mx_find(struct mx *mx, const unsigned *vals)
{
	for (size_t i = 0; i < mx->nruns; i++)
		if (!memcmp(mx->runs[i]->vals, vals, WB_MAX_SWITCHES * sizeof(unsigned)))
			return mx->runs[i];
	return NULL;
}

/* Explore under cfg (or find it done). */
static struct mx_run *mx_explore(struct mx *mx, const struct wb_config *cfg, const char *what)
{
	struct mx_run *r;
	unsigned vals[WB_MAX_SWITCHES];

	mx_values(cfg, vals);
	if ((r = mx_find(mx, vals)))
		return r;
	r = wb_xcalloc(1, sizeof(*r));
	memcpy(r->vals, vals, sizeof(vals));
	mx->runs = wb_xrealloc(mx->runs, (mx->nruns + 1) * sizeof(*mx->runs));
	mx->runs[mx->nruns++] = r;

	struct sim_explore_opts eo = mx->eo;
	if (wb_interrupted) {
		r->verdict = MX_UNKNOWN;
		r->stopped_by = "interrupt";
		return r;
	}
	if (mx->total > 0) {
		double left = mx->total - mx->used;
		if (left <= 0) {
			r->verdict = MX_UNKNOWN;
			r->stopped_by = "total-time";
			return r;
		}
		if (!eo.time_limit || eo.time_limit > left)
			eo.time_limit = left;
	}
	if (mx->progress)
		fprintf(stderr, "\rmatrix: %u: %-60.60s\033[K", mx->explorations + 1, what);

	struct wb_job job;
	struct sim_explore_result res;
	wb_job_with_config(&job, mx->sc, cfg);
	if (sim_explore(&job.sm, job.init, &eo, &res)) {
		fprintf(stderr, "wbsim: %s\n", res.error);
		exit(EXIT_INTERNAL);
	}
	mx->explorations++;
	mx->used += res.seconds;
	r->states = res.states;
	r->seconds = res.seconds;
	if (res.verdict != SIM_SAFE) {
		unsigned pre;
		r->verdict = res.verdict == SIM_DEADLOCK ? MX_DEADLOCK : MX_CORRUPT;
		r->schedule = wb_choices_schedule(&job, res.cex, res.cex_len, &pre);
	} else if (res.complete) {
		r->verdict = MX_SAFE;
	} else {
		r->verdict = MX_UNKNOWN;
		r->stopped_by = res.stopped_by;
	}
	sim_explore_result_free(&res);
	job.sc = NULL;
	wb_job_close(&job);
	return r;
}

/*
 * The verdict under the scenario's config with `list` applied as one layer
 * (an expect key's way); a refused combination is MX_NA with the reason.
 */
static struct mx_run *mx_eval(struct mx *mx, const char *list)
{
	struct wb_config cfg = mx->sc->config;
	char err[600];

	if (wb_config_apply_list(&cfg, list, err, sizeof(err))) {
		struct mx_run *r = wb_xcalloc(1, sizeof(*r));
		r->verdict = MX_NA;
		snprintf(r->why, sizeof(r->why), "%s", err);
		/* kept apart from the cache: it matches no config */
		mx->runs = wb_xrealloc(mx->runs, (mx->nruns + 1) * sizeof(*mx->runs));
		mx->runs[mx->nruns++] = r;
		memset(r->vals, 0xff, sizeof(r->vals));
		return r;
	}
	return mx_explore(mx, &cfg, list);
}

/* ---- the table: presets by columns, one changed switch value per row ---- */

struct mx_row {
	const struct wb_switch *sw; /* NULL: the preset itself */
	unsigned value;
	struct mx_run *cell[32];    /* NULL: the preset has that value already */
};

static size_t mx_table(struct mx *mx, struct mx_row **out)
{
	struct mx_row *rows = NULL;
	size_t n = 0;
	char list[256];

	rows = wb_xcalloc(1, sizeof(*rows));
	for (size_t k = 0; k < wb_nkernels; k++) {
		snprintf(list, sizeof(list), "kernel=%s", wb_kernels[k].version);
		rows[0].cell[k] = mx_eval(mx, list);
	}
	n = 1;
	for (size_t s = 0; s < wb_nswitches; s++) {
		const struct wb_switch *sw = &wb_switches[s];
		for (unsigned v = 0;; v++) {
			const char *name = wb_switch_value_name(sw, v);
			bool any = false;
			struct mx_row row = { .sw = sw, .value = v };
			if (!strcmp(name, "?"))
				break;
			for (size_t k = 0; k < wb_nkernels; k++) {
				struct wb_config pc;
				memset(&pc, 0, sizeof(pc));
				wb_config_preset(&pc, &wb_kernels[k]);
				if (wb_switch_get(&pc, sw) == v)
					continue;
				snprintf(list, sizeof(list), "kernel=%s,%s=%s", wb_kernels[k].version,
					 sw->name, name);
				row.cell[k] = mx_eval(mx, list);
				any = true;
			}
			if (!any)
				continue;
			rows = wb_xrealloc(rows, (n + 1) * sizeof(*rows));
			rows[n++] = row;
		}
	}
	*out = rows;
	return n;
}

/* ---- the smallest sets of fixes ---- */

static void mx_subset_list(const struct mx_fixes *f, unsigned mask, char *buf, size_t n,
			   const char *sep)
{
	size_t len = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < f->ncand && len < n; i++)
		if (mask & (1u << i))
			len += (size_t)snprintf(buf + len, n - len, "%s%s=%s", len ? sep : "",
						f->cand[i]->name,
						wb_switch_value_name(f->cand[i],
								     wb_switch_fix(f->cand[i])));
}

static void mx_fix_search(struct mx *mx, struct mx_fixes *f)
{
	struct wb_config base = mx->sc->config;
	char err[600], list[700], sub[400];

	if (wb_config_apply_list(&base, f->base, err, sizeof(err)))
		return; /* checked by the caller */
	f->base_run = mx_eval(mx, f->base);
	for (size_t s = 0; s < wb_nswitches && f->ncand < MX_MAX_FIXES; s++)
		if (!wb_switches[s].feature &&
		    wb_switch_get(&base, &wb_switches[s]) != wb_switch_fix(&wb_switches[s]))
			f->cand[f->ncand++] = &wb_switches[s];
	if (f->base_run->verdict == MX_SAFE)
		return;
	for (unsigned size = 1; size <= f->ncand && !f->nsafe; size++) {
		for (unsigned mask = 1; mask < (1u << f->ncand); mask++) {
			if ((unsigned)__builtin_popcount(mask) != size)
				continue;
			mx_subset_list(f, mask, sub, sizeof(sub), ",");
			snprintf(list, sizeof(list), "%.255s,%.399s", f->base, sub);
			struct mx_run *r = mx_eval(mx, list);
			if (r->verdict == MX_SAFE) {
				f->safe = wb_xrealloc(f->safe, (f->nsafe + 1) * sizeof(unsigned));
				f->safe[f->nsafe++] = mask;
			} else if (r->verdict == MX_UNKNOWN) {
				f->undecided = wb_xrealloc(f->undecided,
							   (f->nundecided + 1) * sizeof(unsigned));
				f->undecided[f->nundecided++] = mask;
			}
		}
		if (f->nsafe)
			f->size = size;
	}
}

/* ---- the expectations ---- */

struct mx_expect {
	const struct wb_expect *e;
	struct mx_run *run;	/* NULL: its settings were not explored */
	const char *result;	/* "agrees", "contradicts", "undecided", "bad key" */
	bool extra;		/* its settings are in no cell of the table or fix search */
};

static void mx_expects(struct mx *mx, struct mx_expect *out)
{
	for (size_t i = 0; i < mx->sc->nexpect; i++) {
		const struct wb_expect *e = &mx->sc->expect[i];
		struct wb_config cfg = mx->sc->config;
		unsigned vals[WB_MAX_SWITCHES];
		char err[600];

		out[i].e = e;
		out[i].run = NULL;
		if (wb_config_apply_list(&cfg, e->key, err, sizeof(err))) {
			out[i].result = "bad key";
			continue;
		}
		mx_values(&cfg, vals);
		out[i].run = mx_find(mx, vals);
		if (!out[i].run) {
			/* settings of no cell: explored for this line alone */
			out[i].extra = true;
			out[i].run = mx_explore(mx, &cfg, e->key);
		}
		if (out[i].run->verdict == MX_UNKNOWN)
			out[i].result = "undecided";
		else if (!strcmp(mx_json[out[i].run->verdict], wb_verdict_word_name(e->verdict)))
			out[i].result = "agrees";
		else
			out[i].result = "contradicts";
	}
}

/* ---- output ---- */

static const char *mx_cell_text(const struct mx_run *r)
{
	return r ? mx_text[r->verdict] : "-";
}

static void mx_change_text(const struct mx_row *row, char *buf, size_t n)
{
	if (!row->sw)
		snprintf(buf, n, "preset");
	else
		snprintf(buf, n, "%s=%s", row->sw->name, wb_switch_value_name(row->sw, row->value));
}

static void mx_print_text(struct mx *mx, const struct mx_row *rows, size_t nrows,
			  const struct mx_fixes *fx, size_t nfx, const struct mx_expect *ex,
			  bool md)
{
	char change[96], list[400];
	int w = 6;

	for (size_t i = 0; i < nrows; i++) {
		mx_change_text(&rows[i], change, sizeof(change));
		if ((int)strlen(change) > w)
			w = (int)strlen(change);
	}
	if (md) {
		printf("### %s\n\n| change |", mx->sc->name);
		for (size_t k = 0; k < wb_nkernels; k++)
			printf(" %s |", wb_kernels[k].version);
		printf("\n|---|");
		for (size_t k = 0; k < wb_nkernels; k++)
			printf("---|");
		printf("\n");
	} else {
		printf("scenario %s: the verdict per kernel preset, and with one switch changed\n",
		       mx->sc->name);
		printf("%-*s", w, "change");
		for (size_t k = 0; k < wb_nkernels; k++)
			printf("  %-*s", k + 1 < wb_nkernels ? 9 : 0, wb_kernels[k].version);
		printf("\n");
	}
	for (size_t i = 0; i < nrows; i++) {
		mx_change_text(&rows[i], change, sizeof(change));
		if (md) {
			printf("| %s%s%s |", rows[i].sw ? "`" : "", change, rows[i].sw ? "`" : "");
			for (size_t k = 0; k < wb_nkernels; k++) {
				const struct mx_run *r = rows[i].cell[k];
				bool bad = r && (r->verdict == MX_CORRUPT || r->verdict == MX_DEADLOCK);
				printf(" %s%s%s |", bad ? "**" : "", mx_cell_text(r), bad ? "**" : "");
			}
			printf("\n");
			continue;
		}
		printf("%-*s", w, change);
		for (size_t k = 0; k < wb_nkernels; k++)
			printf("  %-*s", k + 1 < wb_nkernels ? 9 : 0, mx_cell_text(rows[i].cell[k]));
		printf("\n");
	}
	printf("%s(-: the preset's own value; n/a: that kernel lacks it; undecided: a limit stopped "
	       "the exploration)\n", md ? "\n" : "");

	printf("\n%s", md ? "Smallest sets of fixes:\n\n" : "smallest sets of fixes:\n");
	if (!nfx)
		printf("%s no preset fails: nothing to fix\n", md ? "-" : " ");
	for (size_t i = 0; i < nfx; i++) {
		const struct mx_fixes *f = &fx[i];
		const char *bv = f->base_run ? mx_text[f->base_run->verdict] : "?";
		printf("%s from %s%s%s (%s): ", md ? "-" : " ", md ? "`" : "", f->base,
		       md ? "`" : "", bv);
		if (f->base_run && f->base_run->verdict == MX_SAFE) {
			printf("none needed\n");
			continue;
		}
		if (!f->nsafe)
			printf("no set of the %u fix switches makes it safe%s\n", f->ncand,
			       f->nundecided ? " (some undecided)" : "");
		else
			printf("%u of size %u\n", f->nsafe, f->size);
		for (unsigned j = 0; j < f->nsafe; j++) {
			mx_subset_list(f, f->safe[j], list, sizeof(list), ", ");
			printf("    %s%s%s\n", md ? "- `" : "", list, md ? "`" : "");
		}
		for (unsigned j = 0; j < f->nundecided; j++) {
			mx_subset_list(f, f->undecided[j], list, sizeof(list), ", ");
			printf("    %sundecided: %s%s\n", md ? "- " : "", list, "");
		}
		mx_subset_list(f, (1u << f->ncand) - 1, list, sizeof(list), ", ");
		printf("    %s(searched: %s)\n", md ? "- " : "", f->ncand ? list : "no candidates");
	}

	if (mx->sc->nexpect) {
		printf("\n%s", md ? "The scenario's expect entries:\n\n" : "expect:\n");
		for (size_t i = 0; i < mx->sc->nexpect; i++) {
			printf("%s [%s] %s: %s", md ? "-" : " ", ex[i].e->key,
			       wb_verdict_word_name(ex[i].e->verdict), ex[i].result);
			if (ex[i].run && strcmp(ex[i].result, "agrees"))
				printf(" (got %s)", mx_text[ex[i].run->verdict]);
			if (ex[i].extra)
				printf(" (settings of no cell above)");
			printf("\n");
		}
	}
	printf("\n%u explorations%s, each stopped at its first failure\n", mx->explorations,
	       mx->eo.reduce ? " with partial-order reduction" : "");
}

static json_t *mx_run_json(const struct mx_run *r)
{
	if (!r)
		return json_null();
	json_t *o = json_pack("{s:s}", "verdict", mx_json[r->verdict]);
	if (r->verdict == MX_NA) {
		json_object_set_new(o, "reason", json_string(r->why));
		return o;
	}
	if (r->stopped_by)
		json_object_set_new(o, "stopped_by", json_string(r->stopped_by));
	json_object_set_new(o, "states", json_integer((json_int_t)r->states));
	json_object_set_new(o, "seconds", json_real(r->seconds));
	if (r->schedule)
		json_object_set_new(o, "schedule", json_string(r->schedule));
	return o;
}

static void mx_print_json(struct mx *mx, const struct mx_row *rows, size_t nrows,
			  const struct mx_fixes *fx, size_t nfx, const struct mx_expect *ex)
{
	json_t *o = json_object(), *ks = json_array(), *jr = json_array(), *jf = json_array(),
	       *je = json_array();
	char change[96], list[400];

	for (size_t k = 0; k < wb_nkernels; k++)
		json_array_append_new(ks, json_string(wb_kernels[k].version));
	for (size_t i = 0; i < nrows; i++) {
		json_t *cells = json_object();
		mx_change_text(&rows[i], change, sizeof(change));
		for (size_t k = 0; k < wb_nkernels; k++)
			json_object_set_new(cells, wb_kernels[k].version, mx_run_json(rows[i].cell[k]));
		json_array_append_new(jr, json_pack("{s:o, s:o}", "change",
						    rows[i].sw ? json_string(change) : json_null(),
						    "cells", cells));
	}
	for (size_t i = 0; i < nfx; i++) {
		const struct mx_fixes *f = &fx[i];
		json_t *cand = json_array(), *safe = json_array(), *und = json_array();
		for (unsigned j = 0; j < f->ncand; j++) {
			mx_subset_list(f, 1u << j, list, sizeof(list), ",");
			json_array_append_new(cand, json_string(list));
		}
		for (unsigned j = 0; j < f->nsafe + f->nundecided; j++) {
			bool s = j < f->nsafe;
			unsigned mask = s ? f->safe[j] : f->undecided[j - f->nsafe];
			json_t *set = json_array();
			for (unsigned b = 0; b < f->ncand; b++)
				if (mask & (1u << b)) {
					mx_subset_list(f, 1u << b, list, sizeof(list), ",");
					json_array_append_new(set, json_string(list));
				}
			json_array_append_new(s ? safe : und, set);
		}
		json_array_append_new(jf, json_pack("{s:s, s:s, s:o, s:i, s:o, s:o}", "base",
						    f->base, "verdict",
						    mx_json[f->base_run->verdict], "candidates",
						    cand, "size", (json_int_t)f->size, "smallest",
						    safe, "undecided", und));
	}
	for (size_t i = 0; i < mx->sc->nexpect; i++)
		json_array_append_new(
			je, json_pack("{s:s, s:s, s:s?, s:s, s:b}", "setting", ex[i].e->key,
				      "expected", wb_verdict_word_name(ex[i].e->verdict), "got",
				      ex[i].run ? mx_json[ex[i].run->verdict] : NULL, "result",
				      ex[i].result, "extra", ex[i].extra));
	json_object_set_new(o, "scenario", json_string(mx->sc->name));
	json_object_set_new(o, "kernels", ks);
	json_object_set_new(o, "reduced", json_boolean(mx->eo.reduce));
	json_object_set_new(o, "rows", jr);
	json_object_set_new(o, "fixes", jf);
	json_object_set_new(o, "expect", je);
	double secs = 0;
	for (size_t i = 0; i < mx->nruns; i++)
		secs += mx->runs[i]->seconds;
	json_object_set_new(o, "explorations", json_integer(mx->explorations));
	json_object_set_new(o, "seconds", json_real(secs));
	json_dumpf(o, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fputc('\n', stdout);
	json_decref(o);
}

int wb_matrix_fixes(struct wb_scenario *sc, const char *base, const struct sim_explore_opts *eo,
		    struct wb_fixes *out, char *err, size_t n)
{
	struct mx mx = { .sc = sc, .eo = *eo };
	struct mx_fixes f;
	struct wb_config cfg = sc->config;
	char list[400];

	memset(out, 0, sizeof(*out));
	memset(&f, 0, sizeof(f));
	if (wb_config_apply_list(&cfg, base, err, n))
		return -1;
	snprintf(f.base, sizeof(f.base), "%s", base);
	mx_fix_search(&mx, &f);
	out->base_verdict = mx_json[f.base_run->verdict];
	out->size = f.size;
	out->nsets = f.nsafe;
	out->sets = wb_xcalloc(f.nsafe + 1, sizeof(char *));
	for (unsigned j = 0; j < f.nsafe; j++) {
		mx_subset_list(&f, f.safe[j], list, sizeof(list), ", ");
		out->sets[j] = wb_xstrdup(list);
	}
	out->nundecided = f.nundecided;
	mx_subset_list(&f, (1u << f.ncand) - 1, out->searched, sizeof(out->searched), ", ");
	free(f.safe);
	free(f.undecided);
	for (size_t i = 0; i < mx.nruns; i++) {
		free(mx.runs[i]->schedule);
		free(mx.runs[i]);
	}
	free(mx.runs);
	return 0;
}

void wb_fixes_free(struct wb_fixes *f)
{
	for (size_t i = 0; i < f->nsets; i++)
		free(f->sets[i]);
	free(f->sets);
	memset(f, 0, sizeof(*f));
}

int cmd_matrix(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "base", required_argument, NULL, 'b' },
		{ "time-limit", required_argument, NULL, 't' },
		{ "total-time", required_argument, NULL, 'T' },
		{ "max-states", required_argument, NULL, 'm' },
		{ "max-memory", required_argument, NULL, 'M' },
		{ "reduce", no_argument, NULL, 'R' },
		{ "full", no_argument, NULL, 'U' },
		{ "json", no_argument, NULL, 'j' },
		{ "md", no_argument, NULL, 'd' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct mx mx = { .eo = { .order = SIM_ORDER_FORWARD,
				 .max_memory = wb_default_max_memory(),
				 .reduce = true,
				 .first = (1u << SIM_CORRUPT) | (1u << SIM_DEADLOCK),
				 .stop = &wb_interrupted } };
	const char *bases[MX_MAX_BASES];
	size_t nbases = 0;
	bool json = false, md = false, quiet = false;
	unsigned long long v;
	int c, rc = EXIT_OK;

	optind = 1;
	while ((c = getopt_long(argc, argv, "hq", longopts, NULL)) != -1) {
		switch (c) {
		case 'b':
			if (nbases == MX_MAX_BASES) {
				wb_usage_error("matrix", "at most %d --base", MX_MAX_BASES);
				return EXIT_USAGE;
			}
			bases[nbases++] = optarg;
			break;
		case 't':
		case 'T':
			if (wb_parse_seconds("matrix", optarg,
					     c == 't' ? &mx.eo.time_limit : &mx.total))
				return EXIT_USAGE;
			break;
		case 'm':
			if (wb_parse_u64(optarg, &v) || v == 0) {
				wb_usage_error("matrix", "--max-states: expected a positive number, "
							 "got '%s'", optarg);
				return EXIT_USAGE;
			}
			mx.eo.max_states = v;
			break;
		case 'M':
			if (wb_parse_size(optarg, &mx.eo.max_memory) || mx.eo.max_memory == 0) {
				wb_usage_error("matrix", "--max-memory: expected a size such as "
							 "512M or 4G, got '%s'", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'R':
		case 'U':
			mx.eo.reduce = c == 'R';
			break;
		case 'j':
			json = true;
			break;
		case 'd':
			md = true;
			break;
		case 'q':
			quiet = true;
			break;
		case 'h':
			matrix_help(stdout);
			return EXIT_OK;
		default:
			return wb_bad_option("matrix", argv, longopts);
		}
	}
	if (optind != argc - 1) {
		wb_usage_error("matrix", optind >= argc ? "missing SCENARIO" : "too many arguments");
		return EXIT_USAGE;
	}
	if (json && md) {
		wb_usage_error("matrix", "--json and --md exclude each other");
		return EXIT_USAGE;
	}
	mx.sc = wb_scenario_load(argv[optind], stderr);
	if (!mx.sc)
		return EXIT_USAGE;
	for (size_t i = 0; i < nbases; i++) {
		struct wb_config cfg = mx.sc->config;
		char err[600];
		if (wb_settings_words_check(bases[i], err, sizeof(err)) ||
		    wb_config_apply_list(&cfg, bases[i], err, sizeof(err))) {
			wb_usage_error("matrix", "--base %s: %s", bases[i], err);
			wb_scenario_free(mx.sc);
			return EXIT_USAGE;
		}
	}
	mx.progress = !quiet && isatty(STDERR_FILENO);
	wb_catch_signals(); /* a signal leaves the cells not yet explored undecided */

	struct mx_row *rows;
	size_t nrows = mx_table(&mx, &rows);
	struct mx_fixes fx[MX_MAX_BASES + 32];
	size_t nfx = 0;
	memset(fx, 0, sizeof(fx));
	if (nbases) {
		for (size_t i = 0; i < nbases; i++)
			snprintf(fx[nfx++].base, sizeof(fx[0].base), "%s", bases[i]);
	} else {
		/* each preset that does not come out safe */
		for (size_t k = 0; k < wb_nkernels && nfx < 32; k++)
			if (rows[0].cell[k]->verdict != MX_SAFE)
				snprintf(fx[nfx++].base, sizeof(fx[0].base), "kernel=%s",
					 wb_kernels[k].version);
	}
	for (size_t i = 0; i < nfx; i++)
		mx_fix_search(&mx, &fx[i]);
	struct mx_expect *ex = wb_xcalloc(mx.sc->nexpect + 1, sizeof(*ex));
	mx_expects(&mx, ex);
	if (mx.progress)
		fprintf(stderr, "\r\033[K");

	if (json)
		mx_print_json(&mx, rows, nrows, fx, nfx, ex);
	else
		mx_print_text(&mx, rows, nrows, fx, nfx, ex, md);

	bool undecided = false, contradicted = false;
	for (size_t i = 0; i < mx.nruns; i++)
		undecided |= mx.runs[i]->verdict == MX_UNKNOWN;
	for (size_t i = 0; i < mx.sc->nexpect; i++)
		contradicted |= !strcmp(ex[i].result, "contradicts");
	rc = contradicted ? EXIT_FAILURE_FOUND : undecided ? EXIT_NO_VERDICT : EXIT_OK;

	for (size_t i = 0; i < nfx; i++) {
		free(fx[i].safe);
		free(fx[i].undecided);
	}
	for (size_t i = 0; i < mx.nruns; i++) {
		free(mx.runs[i]->schedule);
		free(mx.runs[i]);
	}
	free(mx.runs);
	free(rows);
	free(ex);
	wb_scenario_free(mx.sc);
	return rc;
}
