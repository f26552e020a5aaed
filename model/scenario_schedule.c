/* SPDX-License-Identifier: MIT */
/*
 * scenario_schedule.c - "schedule" and "schedules": each entry
 * TASK[:STEP[@PAGE]] read and checked against the tasks and their steps.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "model/scenario_check.h"
#include "model/world.h" /* wb_steps_of, wb_io_steps_vocab: the step vocabularies */
#include "sim/xmalloc.h"

/*
 * The "TASK[:STEP[@PAGE]]" at the current pointer, split as sim_sched_split()
 * reads it, checked more strictly than sim_sched_parse() does: one ':' at
 * most, a decimal page, and every name known.
 */
static void check_entry(struct sc_ctx *c, const char *e)
{
	static const char syntax[] = "(expected TASK, TASK:STEP or TASK:STEP@PAGE)";
	struct sim_sched_parts parts;
	const char *step, *page, *slash;
	const char *const *steps;
	size_t tlen, slen;
	char qe[SC_QUOTE_LEN], q[SC_QUOTE_LEN], list[512];
	uint64_t pageno = 0;
	int j;

	sim_sched_split(e, &parts);
	tlen = parts.task_len;
	step = parts.step;
	slen = parts.step_len;
	page = parts.page;
	sc_quote(qe, e);
	if (!*e) {
		sc_err(c, "bad entry \"\": it is empty %s", syntax);
		return;
	} else if (tlen == 0) {
		sc_err(c, "bad entry %s: the task before ':' is empty %s", qe, syntax);
		return;
	} else if (!step && parts.at_in_task) {
		sc_err(c, "bad entry %s: a page comes after a step, as in \"RC:evict@0\" %s", qe,
		       syntax);
		return;
	} else if (parts.extra_colon) {
		sc_err(c, "bad entry %s: more than one ':' %s", qe, syntax);
		return;
	} else if (step && slen == 0) {
		sc_err(c, "bad entry %s: the step after ':' is empty %s", qe, syntax);
		return;
	}
	if (page) {
		size_t n = strlen(page);

		if (n == 0 || strspn(page, "0123456789") != n) {
			sc_err(c, "bad entry %s: the page after '@' must be a decimal page index %s",
			       qe, syntax);
			return;
		}
		if (n > 9) {
			sc_err(c, "%s: page %s is out of range", qe, page);
			return;
		}
		pageno = strtoull(page, NULL, 10);
	}
	if (!c->tasks_ok)
		return;

	slash = memchr(e, '/', tlen);
	if (slash) {
		const char *act = slash + 1;
		size_t blen = (size_t)(slash - e), alen = tlen - blen - 1;

		j = sc_find_task(c, e, blen);
		if (j < 0) {
			sc_err(c, "%s: no task named %s", qe, sc_quote_n(q, e, blen));
			return;
		}
		if (c->task_op[j] < 0)
			return;
		if (!sc_op_has_io(c->task_op[j])) {
			sc_err(c, "%s: only a writeback task has IO activities (%s is %s %s task)", qe,
			       sc_quote_n(q, e, blen), sc_op_article(c->task_op[j]), sc_op_name(c->task_op[j]));
			return;
		}
		if (alen < 3 || alen > 11 || memcmp(act, "io", 2) != 0 ||
		    strspn(act + 2, "0123456789") < alen - 2 || (act[2] == '0' && alen > 3)) {
			sc_err(c, "%s: bad IO activity %s (expected %.*s/io<k>, k a decimal number)",
			       qe, sc_quote_n(q, act, alen), (int)blen, e);
			return;
		}
		steps = wb_io_steps_vocab();
		snprintf(list, sizeof(list), "an IO activity");
	} else {
		j = sc_find_task(c, e, tlen);
		if (j < 0) {
			size_t len = 0;

			for (size_t i = 0; i < c->ntasks && len < sizeof(list); i++) {
				const char *sep = len ? ", " : "";

				if (c->task_name[i])
					len += (size_t)snprintf(list + len, sizeof(list) - len,
								"%s%s", sep, c->task_name[i]);
			}
			sc_err(c, "%s: no task named %s (the tasks are %s)", qe, sc_quote_n(q, e, tlen),
			       list);
			return;
		}
		if (c->task_op[j] < 0)
			return;
		steps = wb_steps_of((enum wb_op)c->task_op[j]);
		snprintf(list, sizeof(list), "%s %s task", sc_op_article(c->task_op[j]),
			 sc_op_name(c->task_op[j]));
	}
	if (!step)
		return;
	if (!steps) {
		sc_err(c, "%s: the model has no steps for %s", qe, list);
		return;
	}
	for (j = 0; steps[j]; j++) {
		if (strlen(steps[j]) == slen && memcmp(steps[j], step, slen) == 0)
			break;
	}
	if (!steps[j]) {
		char names[512], word[64], hint[96];

		snprintf(word, sizeof(word), "%.*s", (int)(slen < 63 ? slen : 63), step);
		sc_err(c, "%s: %s has no step %s%s (its steps: %s)", qe, list,
		       sc_quote_n(q, step, slen), sc_did_you_mean(hint, sizeof(hint), steps, word),
		       sc_join(names, sizeof(names), steps));
	} else if (page && strcmp(steps[j], "evict") != 0) {
		sc_err(c, "%s: only the evict step takes a page (@PAGE)", qe);
	} else if (page && c->geom_ok && pageno >= c->npages) {
		snprintf(list, sizeof(list), "%s: ", qe);
		sc_page_range_error(c, pageno, list);
	}
}

/* A schedule array at the current pointer, stored in `s`. */
static void check_schedule(struct sc_ctx *c, json_t *arr, struct wb_schedule *s)
{
	size_t n = json_array_size(arr);

	s->present = true;
	snprintf(s->pointer, sizeof(s->pointer), "%s", c->p.s);
	if (n > WB_MAX_SCHED) {
		sc_err(c, "too many entries (%zu; at most %u)", n, WB_MAX_SCHED);
		return;
	}
	s->entries = wb_xcalloc(n, sizeof(*s->entries));
	for (size_t i = 0; i < n && !sc_stop(c); i++) {
		json_t *v = json_array_get(arr, i);
		size_t m = wb_json_ptr_index(&c->p, i);

		if (!json_is_string(v)) {
			sc_err(c, "expected a string (TASK, TASK:STEP or TASK:STEP@PAGE), got %s",
			       sc_type_desc(v));
		} else {
			check_entry(c, json_string_value(v));
			s->entries[s->n++] = wb_xstrdup(json_string_value(v));
		}
		wb_json_ptr_pop(&c->p, m);
	}
}

void sc_check_schedules(struct sc_ctx *c, json_t *root)
{
	json_t *arr = sc_get_array(c, root, "schedule"), *o, *v;
	const char *key;
	char q[SC_QUOTE_LEN], modes[80];
	size_t mark;

	if (arr) {
		mark = wb_json_ptr_key(&c->p, "schedule");
		check_schedule(c, arr, &c->sc->schedule);
		wb_json_ptr_pop(&c->p, mark);
	}
	o = sc_get_object(c, root, "schedules");
	if (!o)
		return;
	mark = wb_json_ptr_key(&c->p, "schedules");
	json_object_foreach(o, key, v) {
		size_t m;
		enum wb_check mode;
		bool known = !wb_check_parse(key, &mode);

		if (sc_stop(c))
			break;
		m = wb_json_ptr_key(&c->p, key);
		if (!known)
			sc_err_key(c, "unknown key %s (expected a validity_check value: %s)",
				   sc_quote(q, key), sc_check_modes(modes, sizeof(modes)));
		else if (!json_is_array(v))
			sc_err(c, "expected an array, got %s", sc_type_desc(v));
		else
			check_schedule(c, v, &c->sc->schedules[mode]);
		wb_json_ptr_pop(&c->p, m);
	}
	wb_json_ptr_pop(&c->p, mark);
}


const char *wb_schedule_hint(const struct wb_scenario *sc, const char *entry, char *buf, size_t n)
{
	const char *names[WB_MAX_TASKS + 1];
	const char *const *steps;
	struct sim_sched_parts parts;
	char word[64];
	size_t i;

	buf[0] = '\0';
	sim_sched_split(entry, &parts);
	if (!parts.task_len || memchr(entry, '/', parts.task_len))
		return buf; /* IO activities are not typed names of the scenario */
	for (i = 0; i < sc->ntasks && i < WB_MAX_TASKS; i++) {
		names[i] = sc->tasks[i].name;
		if (strlen(names[i]) == parts.task_len && !memcmp(names[i], entry, parts.task_len))
			break;
	}
	if (i == sc->ntasks || i == WB_MAX_TASKS) {
		names[i] = NULL;
		snprintf(word, sizeof(word), "%.*s", (int)(parts.task_len < 63 ? parts.task_len : 63),
			 entry);
		/* a name differing only in case ("w1"), then the closest, else the list */
		for (i = 0; names[i]; i++)
			if (!strcasecmp(names[i], word)) {
				snprintf(buf, n, " (did you mean \"%s\"?)", names[i]);
				return buf;
			}
		if (!*sc_did_you_mean(buf, n, names, word)) {
			char list[256];
			snprintf(buf, n, " (the tasks are %s)", sc_join(list, sizeof(list), names));
		}
		return buf;
	}
	if (!parts.step || !(steps = wb_steps_of(sc->tasks[i].op)))
		return buf;
	for (size_t j = 0; steps[j]; j++)
		if (strlen(steps[j]) == parts.step_len && !memcmp(steps[j], parts.step, parts.step_len))
			return buf;
	snprintf(word, sizeof(word), "%.*s", (int)(parts.step_len < 63 ? parts.step_len : 63),
		 parts.step);
	return sc_did_you_mean(buf, n, steps, word);
}
