/* SPDX-License-Identifier: MIT */
/*
 * scenario_timing.c - the "timing" section of a scenario, and a --timing
 * file (the same object alone): durations and distributions for wbsim
 * simulate (docs/json.md section 1.11), checked like every other section,
 * each error at its value with "did you mean" for misspelt keys and words.
 *
 * A duration is an integer of nanoseconds or a string with a unit ("20us",
 * "1.5 ms", "5s"), read into integer nanoseconds with no floating point.
 * Real numbers (a log-normal's sigma, a rate, a percentage) are converted
 * once, at load, by IEEE operations that round the same everywhere.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "model/scenario_check.h"
#include "model/timing.h"
#include "sim/xmalloc.h"


static const char *const timing_keys[] = {
	"device", "io_write", "io_read", "steps", "copy_per_kib", "zero_per_kib",
	"dirty_writeback_centisecs", "dirty_expire_centisecs", "dirty_age_centisecs",
	"reclaim_per_second", "page_fault", "delays", NULL,
};
static const char *const dist_keys[] = { "fixed", "uniform", "exponential", "lognormal", NULL };
static const char *const lognormal_keys[] = { "median", "sigma", NULL };
static const char *const fault_keys[] = { "percent", "delay", NULL };
static const char *const delay_keys[] = { "task", "step", "page", "delay", NULL };

#define DURATION_HINT "a duration: nanoseconds, or a string such as \"20us\", \"1.5ms\", \"5s\""
#define MAX_NS ((uint64_t)1000000000 * 3600 * 24 * 365) /* a year */

/* "1.5ms" -> 1500000; false if not a duration. */
static bool parse_duration(const char *s, uint64_t *out)
{
	static const struct {
		const char *unit;
		uint64_t ns;
	} units[] = { { "ns", 1 }, { "us", 1000 }, { "ms", 1000000 }, { "s", 1000000000 } };
	uint64_t whole = 0, frac = 0, scale = 1;
	const char *p = s;

	if (*p < '0' || *p > '9')
		return false;
	for (; *p >= '0' && *p <= '9'; p++) {
		whole = whole * 10 + (uint64_t)(*p - '0');
		if (whole > MAX_NS)
			return false;
	}
	if (*p == '.') {
		p++;
		if (*p < '0' || *p > '9')
			return false;
		for (; *p >= '0' && *p <= '9'; p++)
			if (scale < 1000000000ull) {
				frac = frac * 10 + (uint64_t)(*p - '0');
				scale *= 10;
			}
	}
	if (*p == ' ')
		p++;
	if (!*p)
		return frac == 0 && (*out = whole, true); /* no unit: nanoseconds */
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (!strcmp(p, units[i].unit)) {
			if (whole > MAX_NS / units[i].ns)
				return false;
			*out = whole * units[i].ns + frac * units[i].ns / scale;
			return *out <= MAX_NS;
		}
	return false;
}

/* A duration at the current pointer. */
static bool check_duration(struct sc_ctx *c, json_t *v, uint64_t *out)
{
	char q[SC_QUOTE_LEN];

	if (json_is_integer(v)) {
		if (json_integer_value(v) < 0 || (uint64_t)json_integer_value(v) > MAX_NS) {
			sc_err(c, "must be between 0 and %" PRIu64 " ns (got %lld)", MAX_NS,
			       (long long)json_integer_value(v));
			return false;
		}
		*out = (uint64_t)json_integer_value(v);
		return true;
	}
	if (json_is_string(v)) {
		if (parse_duration(json_string_value(v), out))
			return true;
		sc_err(c, "%s is not %s", sc_quote(q, json_string_value(v)), DURATION_HINT);
		return false;
	}
	sc_err(c, "expected %s, got %s", DURATION_HINT, sc_type_desc(v));
	return false;
}

static bool member_duration(struct sc_ctx *c, json_t *obj, const char *key, uint64_t *out)
{
	json_t *v = json_object_get(obj, key);
	size_t mark;
	bool ok;

	if (!v)
		return false;
	mark = wb_json_ptr_key(&c->p, key);
	ok = check_duration(c, v, out);
	wb_json_ptr_pop(&c->p, mark);
	return ok;
}

/* A real number in [lo, hi] at member key of obj; false if missing or bad. */
static bool member_real(struct sc_ctx *c, json_t *obj, const char *key, double lo, double hi,
			double *out)
{
	json_t *v = json_object_get(obj, key);

	if (!v)
		return false;
	if (!json_is_number(v)) {
		sc_errm(c, key, "expected a number, got %s", sc_type_desc(v));
		return false;
	}
	*out = json_number_value(v);
	if (!(*out >= lo && *out <= hi)) {
		sc_errm(c, key, "must be between %g and %g (got %g)", lo, hi, *out);
		return false;
	}
	return true;
}

/*
 * A distribution at the current pointer: a duration (fixed), or an object
 * with one of "fixed", "uniform", "exponential", "lognormal".
 */
static void check_dist(struct sc_ctx *c, json_t *v, struct sim_dist *d)
{
	uint64_t a, b;
	const char *key;
	json_t *x;
	size_t mark;

	if (!json_is_object(v)) {
		if (json_is_integer(v) || json_is_string(v)) {
			if (check_duration(c, v, &a))
				*d = (struct sim_dist){ SIM_DIST_FIXED, a, 0 };
		} else {
			sc_err(c, "expected a duration or a distribution ({\"fixed\": D}, "
				  "{\"uniform\": [D, D]}, {\"exponential\": MEAN}, {\"lognormal\": "
				  "{\"median\": D, \"sigma\": S}}), got %s", sc_type_desc(v));
		}
		return;
	}
	sc_check_keys(c, v, dist_keys, " for a distribution");
	if (json_object_size(v) != 1) {
		sc_err(c, "a distribution has exactly one of fixed, uniform, exponential or "
			  "lognormal (got %zu members)", json_object_size(v));
		return;
	}
	key = json_object_iter_key(json_object_iter(v));
	x = json_object_iter_value(json_object_iter(v));
	mark = wb_json_ptr_key(&c->p, key);
	if (!strcmp(key, "fixed")) {
		if (check_duration(c, x, &a))
			*d = (struct sim_dist){ SIM_DIST_FIXED, a, 0 };
	} else if (!strcmp(key, "exponential")) {
		if (check_duration(c, x, &a))
			*d = (struct sim_dist){ SIM_DIST_EXPONENTIAL, a, 0 };
	} else if (!strcmp(key, "uniform")) {
		if (!json_is_array(x) || json_array_size(x) != 2) {
			sc_err(c, "expected [LOW, HIGH], two durations");
		} else {
			size_t m0 = wb_json_ptr_index(&c->p, 0);
			bool ok = check_duration(c, json_array_get(x, 0), &a);
			wb_json_ptr_pop(&c->p, m0);
			m0 = wb_json_ptr_index(&c->p, 1);
			ok = check_duration(c, json_array_get(x, 1), &b) && ok;
			if (ok && b < a)
				sc_err(c, "the high end is below the low end");
			else if (ok)
				*d = (struct sim_dist){ SIM_DIST_UNIFORM, a, b };
			wb_json_ptr_pop(&c->p, m0);
		}
	} else if (!strcmp(key, "lognormal")) {
		double sigma = 0;
		if (!json_is_object(x)) {
			sc_err(c, "expected {\"median\": DURATION, \"sigma\": NUMBER}, got %s",
			       sc_type_desc(x));
		} else {
			sc_check_keys(c, x, lognormal_keys, " for a log-normal distribution");
			if (!json_object_get(x, "median"))
				sc_err(c, "missing required key \"median\"");
			if (!json_object_get(x, "sigma"))
				sc_err(c, "missing required key \"sigma\"");
			bool ok = member_duration(c, x, "median", &a);
			ok = member_real(c, x, "sigma", 0, 8, &sigma) && ok;
			/* sigma * 2^32 is exact in a double; rounding it is the same everywhere */
			if (ok)
				*d = (struct sim_dist){ SIM_DIST_LOGNORMAL, a,
							(uint64_t)(sigma * 4294967296.0 + 0.5) };
		}
	}
	wb_json_ptr_pop(&c->p, mark);
}

static void member_dist(struct sc_ctx *c, json_t *obj, const char *key, struct sim_dist *d)
{
	json_t *v = json_object_get(obj, key);
	size_t mark;

	if (!v)
		return;
	mark = wb_json_ptr_key(&c->p, key);
	check_dist(c, v, d);
	wb_json_ptr_pop(&c->p, mark);
}

static void check_steps(struct sc_ctx *c, json_t *steps, struct wb_timing *t)
{
	const char *key;
	json_t *v;
	char q[SC_QUOTE_LEN], hint[96];

	json_object_foreach(steps, key, v) {
		unsigned i;
		size_t mark = wb_json_ptr_key(&c->p, key);

		for (i = 0; i < t->nsteps && strcmp(t->step_name[i], key); i++)
			;
		if (i == t->nsteps) {
			sc_err_key(c, "unknown step %s%s (a step name of docs/model.md section 3)",
				   sc_quote(q, key),
				   sc_did_you_mean(hint, sizeof(hint), t->step_name, key));
		} else {
			check_dist(c, v, &t->step[i]);
		}
		wb_json_ptr_pop(&c->p, mark);
		if (sc_stop(c))
			return;
	}
}

static void check_delay(struct sc_ctx *c, json_t *e, struct wb_delay *d)
{
	const char *name = NULL, *step = NULL;
	char q[SC_QUOTE_LEN], hint[96];
	uint64_t page;
	int task = -1;

	if (!json_is_object(e)) {
		sc_err(c, "expected an object {\"task\", \"step\", \"delay\"[, \"page\"]}, got %s",
		       sc_type_desc(e));
		return;
	}
	sc_check_keys(c, e, delay_keys, " for a delay");
	d->page = -1;
	if (sc_get_string(c, e, "task", true, &name) == SC_OK) {
		task = sc_find_task(c, name, strlen(name));
		if (task < 0) {
			sc_errm(c, "task", "no task named %s", sc_quote(q, name));
		}
	}
	d->task = task;
	if (sc_get_string(c, e, "step", true, &step) == SC_OK) {
		if (strlen(step) >= sizeof(d->step)) {
			sc_errm(c, "step", "is too long");
		} else if (task >= 0 && c->task_op[task] >= 0) {
			const char *const *v = wb_steps_of((enum wb_op)c->task_op[task]);
			if (sc_word_index(v, step) < 0 && sc_word_index(wb_io_steps_vocab(), step) < 0)
				sc_errm(c, "step", "%s never takes a step named %s%s", name,
					sc_quote(q, step), sc_did_you_mean(hint, sizeof(hint), v, step));
		}
		snprintf(d->step, sizeof(d->step), "%s", step);
	}
	if (sc_get_int(c, e, "page", false, 0, WB_MAX_PAGES - 1, &page) == SC_OK)
		d->page = (int)page;
	if (!json_object_get(e, "delay"))
		sc_err(c, "missing required key \"delay\"");
	member_dist(c, e, "delay", &d->d);
}

/* The timing object at the current pointer, over out's present values. */
static void check_timing_object(struct sc_ctx *c, json_t *o, struct wb_timing *t)
{
	json_t *v;
	uint64_t x;
	double r;
	int dev;

	if (!json_is_object(o)) {
		sc_err(c, "expected an object, got %s", sc_type_desc(o));
		return;
	}
	sc_check_keys(c, o, timing_keys, " for timing");
	dev = sc_get_word(c, o, "device", false, wb_device_names, "device",
			  "nvme, sata_ssd or hdd");
	if (dev >= 0)
		wb_timing_device(t, (enum wb_device)dev);
	member_dist(c, o, "io_write", &t->io_write);
	member_dist(c, o, "io_read", &t->io_read);
	t->fault_delay = t->io_read;
	if ((v = sc_get_object(c, o, "steps"))) {
		size_t mark = wb_json_ptr_key(&c->p, "steps");
		check_steps(c, v, t);
		wb_json_ptr_pop(&c->p, mark);
	}
	member_duration(c, o, "copy_per_kib", &t->copy_per_kib);
	member_duration(c, o, "zero_per_kib", &t->zero_per_kib);
	if (sc_get_int(c, o, "dirty_writeback_centisecs", false, 0, 8640000, &x) == SC_OK)
		t->dirty_writeback_cs = x;
	if (sc_get_int(c, o, "dirty_expire_centisecs", false, 0, 8640000, &x) == SC_OK)
		t->dirty_expire_cs = x;
	if (sc_get_int(c, o, "dirty_age_centisecs", false, 0, 8640000, &x) == SC_OK)
		t->dirty_age_cs = x;
	if (member_real(c, o, "reclaim_per_second", 1e-6, 1e9, &r))
		/* one IEEE division, rounded: the same everywhere */
		t->reclaim_mean_ns = (uint64_t)(1e9 / r + 0.5);
	if ((v = sc_get_object(c, o, "page_fault"))) {
		size_t mark = wb_json_ptr_key(&c->p, "page_fault");
		sc_check_keys(c, v, fault_keys, " for page_fault");
		if (member_real(c, v, "percent", 0, 100, &r))
			t->fault_ppm = (uint32_t)(r * 10000 + 0.5);
		member_dist(c, v, "delay", &t->fault_delay);
		wb_json_ptr_pop(&c->p, mark);
	}
	if ((v = sc_get_array(c, o, "delays"))) {
		size_t mark = wb_json_ptr_key(&c->p, "delays"), i;
		json_t *e;
		if (json_array_size(v) > WB_TIMING_MAX_DELAYS)
			sc_err(c, "at most %u delays (got %zu)", WB_TIMING_MAX_DELAYS,
			       json_array_size(v));
		else
			json_array_foreach(v, i, e) {
				size_t m2 = wb_json_ptr_index(&c->p, i);
				check_delay(c, e, &t->delays[i]);
				wb_json_ptr_pop(&c->p, m2);
			}
		t->ndelays = (unsigned)(json_array_size(v) > WB_TIMING_MAX_DELAYS
						? 0 : json_array_size(v));
		wb_json_ptr_pop(&c->p, mark);
	}
}

void sc_check_timing(struct sc_ctx *c, json_t *root)
{
	json_t *o = json_object_get(root, "timing");
	size_t mark;

	if (!o)
		return;
	c->sc->timing = wb_xmalloc(sizeof(*c->sc->timing));
	wb_timing_defaults(c->sc->timing);
	mark = wb_json_ptr_key(&c->p, "timing");
	check_timing_object(c, o, c->sc->timing);
	wb_json_ptr_pop(&c->p, mark);
}

int wb_timing_load_buffer(const char *path, const char *text, size_t len,
			  const struct wb_scenario *sc, FILE *diag, struct wb_timing *out)
{
	struct wb_scenario tmp = *sc;
	struct sc_ctx c = { .sc = &tmp, .diag = diag, .geom_ok = true };
	json_error_t jerr;
	json_t *root;

	tmp.path = (char *)path;
	tmp.text = (char *)text;
	tmp.text_len = len;
	wb_timing_defaults(out);
	root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		struct wb_json_src src = { path, text, len };
		if (diag) {
			wb_json_diag_line_col(&src, diag, jerr.line, jerr.column, jerr.text);
			fprintf(diag, "1 error\n");
		}
		return -1;
	}
	c.ntasks = sc->ntasks;
	for (size_t i = 0; i < sc->ntasks; i++) {
		c.task_name[i] = sc->tasks[i].name;
		c.task_op[i] = (int)sc->tasks[i].op;
	}
	wb_json_ptr_init(&c.p);
	check_timing_object(&c, root, out);
	json_decref(root);
	wb_json_ptr_free(&c.p);
	if (c.nerr && diag) {
		if (c.nerr >= SC_MAX_ERRORS)
			fprintf(diag, "%s: note: stopped checking after %u errors\n", path, c.nerr);
		fprintf(diag, "%u error%s\n", c.nerr, c.nerr == 1 ? "" : "s");
	}
	return c.nerr ? -1 : 0;
}
