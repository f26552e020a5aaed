/* SPDX-License-Identifier: MIT */
/*
 * scenario_tasks.c - the "tasks" of a scenario: every task's name, op and
 * "after" list, then its op's own members, and the checks across tasks
 * ("after" cycles, unordered overlapping stores, pages past the world).
 *
 * What depends on the op is in its actor's row (model/actor.h): its name,
 * the members its tasks may have, the loader hook that checks them (in the
 * actor's own file) and its flags.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "model/actor.h"
#include "model/scenario_check.h"
#include "sim/xmalloc.h"

static const char *const any_task_keys[] = {
	"name", "op", "offset", "length", "data", "short_copy_at", "mode", "passes", "wait",
	"evictions", "pages", "page", "size", "after", NULL,
};

const char *sc_op_name(int op)
{
	return wb_actors[op]->name;
}

const char *sc_op_article(int op)
{
	return wb_actors[op]->article;
}

bool sc_op_has_io(int op)
{
	return (wb_actors[op]->flags & WB_ACT_IO) != 0;
}

/* The first task whose name is s[0..len); -1 if none. */
int sc_find_task(const struct sc_ctx *c, const char *s, size_t len)
{
	for (size_t i = 0; i < c->ntasks; i++) {
		const char *n = c->task_name[i];

		if (n && strlen(n) == len && memcmp(n, s, len) == 0)
			return (int)i;
	}
	return -1;
}

static void check_task_name(struct sc_ctx *c, json_t *t, size_t i)
{
	const char *s, *p;
	char q[SC_QUOTE_LEN], ch[16];
	size_t len;
	int first;

	if (sc_get_string(c, t, "name", true, &s) != SC_OK)
		return;
	len = strlen(s);
	for (p = s; *p; p++) {
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '_' || *p == '-'))
			break;
	}
	first = sc_find_task(c, s, len);
	if (len == 0) {
		sc_errm(c, "name", "must not be empty");
	} else if (len >= WB_MAX_NAME) {
		sc_errm(c, "name", "task name %s is too long (%zu bytes; at most %u)", sc_quote(q, s),
			len, WB_MAX_NAME - 1);
	} else if (*p == '/') {
		sc_errm(c, "name",
			"task name %s contains '/', which is reserved for the IO activities of a writeback task (as in \"WB/io0\"); use letters, digits, '_' and '-'",
			sc_quote(q, s));
	} else if (*p) {
		if (*p >= 0x20 && *p < 0x7f)
			snprintf(ch, sizeof(ch), "'%c'", *p);
		else
			snprintf(ch, sizeof(ch), "byte 0x%02x", (unsigned char)*p);
		sc_errm(c, "name",
			"task name %s contains %s, which is not allowed; use letters, digits, '_' and '-'",
			sc_quote(q, s), ch);
	} else if (first >= 0 && (size_t)first < i) {
		sc_errm(c, "name", "duplicate task name %s (first at /tasks/%d/name)", sc_quote(q, s),
			first);
	} else {
		memcpy(c->sc->tasks[i].name, s, len + 1);
	}
}

/* A byte count that must be a multiple of the block size; `what` says why. */
bool sc_block_aligned(struct sc_ctx *c, const char *member, uint64_t v, const char *what)
{
	if (!c->geom_ok || v % c->sc->block_size == 0)
		return true;
	sc_errm(c, member,
		"%" PRIu64 " is not a multiple of the block size %u (%s must be block-aligned)", v,
		c->sc->block_size, what);
	return false;
}

void sc_page_range_error(struct sc_ctx *c, uint64_t page, const char *what)
{
	if (c->npages == 0)
		sc_err(c, "%spage %" PRIu64 " is out of range (the world has no pages)", what, page);
	else if (c->npages == 1)
		sc_err(c, "%spage %" PRIu64 " is out of range (the world has 1 page, 0)", what, page);
	else
		sc_err(c, "%spage %" PRIu64 " is out of range (the world has %u pages, 0 to %u)", what,
		       page, c->npages, c->npages - 1);
}

/* A page index at the current pointer, now that the world's size is known. */
void sc_check_page_index(struct sc_ctx *c, json_t *v)
{
	long long x = json_integer_value(v);

	if (json_is_integer(v) && x >= 0 && (uint64_t)x <= SC_MAX_INT && (uint64_t)x >= c->npages)
		sc_page_range_error(c, (uint64_t)x, "");
}

/* ---------------------------------------------------------------- the ops */

/* The op named s, or -1. */
static int op_index(const char *s)
{
	for (int op = 0; op < WB_OP_NOPS; op++)
		if (!strcmp(wb_actors[op]->name, s))
			return op;
	return -1;
}

/* ------------------------------------------------------- every task */

static void check_after(struct sc_ctx *c, json_t *t, size_t i)
{
	json_t *a = sc_get_array(c, t, "after");
	char q[SC_QUOTE_LEN];
	size_t mark, plen, first[WB_MAX_TASKS];
	uint32_t mask = 0;

	if (!a)
		return;
	mark = wb_json_ptr_key(&c->p, "after");
	plen = c->p.len;
	for (size_t k = 0; k < json_array_size(a) && !sc_stop(c); k++) {
		json_t *v = json_array_get(a, k);
		size_t m = wb_json_ptr_index(&c->p, k);
		const char *s;
		int j;

		if (!json_is_string(v)) {
			sc_err(c, "expected a task name (a string), got %s", sc_type_desc(v));
			wb_json_ptr_pop(&c->p, m);
			continue;
		}
		s = json_string_value(v);
		j = sc_find_task(c, s, strlen(s));
		if (j < 0) {
			sc_err(c, "no task named %s", sc_quote(q, s));
		} else if ((size_t)j == i) {
			sc_err(c, "a task cannot come after itself");
		} else if (c->task_op[j] >= 0 && (wb_actors[c->task_op[j]]->flags & WB_ACT_OPTIONAL)) {
			sc_err(c, "%s is a reclaim task, and a reclaim task may never finish",
			       sc_quote(q, s));
		} else if (mask & (1u << j)) {
			sc_err(c, "%s is listed twice (first at %.*s/%zu)", sc_quote(q, s), (int)plen,
			       c->p.s, first[j]);
		} else {
			mask |= 1u << j;
			first[j] = k;
		}
		wb_json_ptr_pop(&c->p, m);
	}
	c->sc->tasks[i].after = mask;
	wb_json_ptr_pop(&c->p, mark);
}

static void check_task(struct sc_ctx *c, size_t i)
{
	json_t *t = c->task[i];
	struct wb_task_def *d = &c->sc->tasks[i];
	const char *names[WB_OP_NOPS + 1];
	char what[32], ops[128];
	int op;

	if (!json_is_object(t)) {
		sc_err(c, "expected an object, got %s", sc_type_desc(t));
		return;
	}
	check_task_name(c, t, i);
	for (op = 0; op < WB_OP_NOPS; op++)
		names[op] = wb_actors[op]->name;
	names[op] = NULL;
	op = sc_get_word(c, t, "op", true, names, "op", sc_join_or(ops, sizeof(ops), names));
	if (op < 0) {
		sc_check_keys(c, t, any_task_keys, "");
		check_after(c, t, i);
		return;
	}
	d->op = (enum wb_op)op;
	snprintf(what, sizeof(what), " for %s %s task", wb_actors[op]->article, wb_actors[op]->name);
	sc_check_keys(c, t, wb_actors[op]->keys, what);
	wb_actors[op]->load(c, t, d, i);
	check_after(c, t, i);
}

enum { WHITE, GRAY, BLACK };

static void cycle_dfs(struct sc_ctx *c, size_t u, int *color, size_t *stack, size_t depth)
{
	const struct wb_scenario *sc = c->sc;

	color[u] = GRAY;
	stack[depth] = u;
	for (size_t v = 0; v < sc->ntasks && !sc_stop(c); v++) {
		char msg[2048];
		size_t len = 0, pos = 0, m;

		if (!(sc->tasks[u].after & (1u << v)))
			continue;
		if (color[v] == WHITE) {
			cycle_dfs(c, v, color, stack, depth + 1);
			continue;
		}
		if (color[v] != GRAY)
			continue;
		while (stack[pos] != v)
			pos++;
		for (size_t k = pos; k <= depth && len < sizeof(msg); k++) {
			len += (size_t)snprintf(msg + len, sizeof(msg) - len, "%s%s waits for %s",
						k > pos ? ", " : "", c->task_name[stack[k]],
						c->task_name[k < depth ? stack[k + 1] : v]);
		}
		m = wb_json_ptr_index(&c->p, v);
		sc_errm(c, "after", "a cycle: %s, so none of them can ever run", msg);
		wb_json_ptr_pop(&c->p, m);
	}
	color[u] = BLACK;
}

/*
 * docs/model.md section 3 and docs/json.md section 1.6: an mmap store and a write, or two mmap stores,
 * touching the same bytes must be ordered by "after" (directly or through
 * other tasks); otherwise their order would be a race of user space.
 */
static void check_store_order(struct sc_ctx *c)
{
	const struct wb_scenario *sc = c->sc;
	uint32_t before[WB_MAX_TASKS];
	size_t n = sc->ntasks;

	for (size_t i = 0; i < n; i++)
		before[i] = sc->tasks[i].after;
	for (size_t k = 0; k < n; k++) {
		for (size_t i = 0; i < n; i++) {
			if (before[i] & (1u << k))
				before[i] |= before[k];
		}
	}
	for (size_t j = 0; j < n && !sc_stop(c); j++) {
		const struct wb_task_def *b = &sc->tasks[j];

		if (!c->range_ok[j])
			continue;
		for (size_t i = 0; i < j && !sc_stop(c); i++) {
			const struct wb_task_def *a = &sc->tasks[i];
			char name[32];
			size_t m;

			if (!c->range_ok[i] ||
			    (!(wb_actors[a->op]->flags & WB_ACT_RACY) && !(wb_actors[b->op]->flags & WB_ACT_RACY)))
				continue;
			if (a->offset >= b->offset + b->length || b->offset >= a->offset + a->length)
				continue;
			if ((before[i] & (1u << j)) || (before[j] & (1u << i)))
				continue;
			if (c->task_name[i])
				snprintf(name, sizeof(name), "%s", c->task_name[i]);
			else
				snprintf(name, sizeof(name), "/tasks/%zu", i);
			m = wb_json_ptr_index(&c->p, j);
			sc_errm(c, "offset",
				"%s [%" PRIu64 ",%" PRIu64 ") overlaps %s %s [%" PRIu64 ",%" PRIu64
				") with no \"after\" ordering them; their order would be a race of "
				"user space",
				wb_actors[b->op]->store, b->offset, b->offset + b->length, wb_actors[a->op]->store,
				name, a->offset, a->offset + a->length);
			wb_json_ptr_pop(&c->p, m);
		}
	}
}

void sc_check_tasks(struct sc_ctx *c, json_t *root)
{
	json_t *arr = json_object_get(root, "tasks");
	size_t n, mark;
	int color[WB_MAX_TASKS] = { WHITE };
	size_t stack[WB_MAX_TASKS];

	if (!arr) {
		sc_err(c, "missing required key \"tasks\"");
		return;
	}
	mark = wb_json_ptr_key(&c->p, "tasks");
	n = json_array_size(arr);
	if (!json_is_array(arr)) {
		sc_err(c, "expected an array, got %s", sc_type_desc(arr));
	} else if (n == 0) {
		sc_err(c, "must not be empty (a scenario runs at least one task)");
	} else if (n > WB_MAX_TASKS) {
		sc_err(c, "too many tasks (%zu; at most %u)", n, WB_MAX_TASKS);
	} else {
		c->tasks_ok = true;
		c->ntasks = c->sc->ntasks = n;
		/* Names and ops first, quietly, so that references resolve in any order. */
		for (size_t i = 0; i < n; i++) {
			json_t *t = json_array_get(arr, i), *v;

			c->task[i] = t;
			c->task_op[i] = -1;
			v = json_object_get(t, "name");
			if (json_is_string(v))
				c->task_name[i] = json_string_value(v);
			v = json_object_get(t, "op");
			if (json_is_string(v))
				c->task_op[i] = op_index(json_string_value(v));
		}
		for (size_t i = 0; i < n && !sc_stop(c); i++) {
			size_t m = wb_json_ptr_index(&c->p, i);

			check_task(c, i);
			wb_json_ptr_pop(&c->p, m);
		}
		for (size_t i = 0; i < n; i++) {
			if (color[i] == WHITE)
				cycle_dfs(c, i, color, stack, 0);
		}
		check_store_order(c);
	}
	wb_json_ptr_pop(&c->p, mark);
}

/*
 * A folio counts the faults holding a reference to it in 3 bits of its flags
 * (FOLIO_FREF_MASK, model/world.h): the faults of one page must fit, or the
 * count would wrap and reclaim could evict a folio a fault holds.  With large
 * folios (max_folio_size above the page size) the count is the folio's: the
 * faults of one aligned group of max_folio_size, the largest folio a page can
 * be in, must fit.
 */
#define SC_MAX_FAULTS_PER_PAGE (FOLIO_FREF_MASK / FOLIO_FREF_ONE)
static void check_fault_refs(struct sc_ctx *c)
{
	unsigned nfaults[WB_MAX_PAGES] = { 0 };

	for (size_t i = 0; i < c->ntasks && !sc_stop(c); i++) {
		const struct wb_task_def *d = &c->sc->tasks[i];
		int op = c->task_op[i];
		uint64_t page = d->offset / c->sc->page_size;
		uint64_t group = c->sc->max_folio_size > c->sc->page_size
					 ? d->offset / c->sc->max_folio_size *
						   (c->sc->max_folio_size / c->sc->page_size)
					 : page;

		if (op < 0 || !(wb_actors[op]->flags & WB_ACT_FAULT) || !d->length ||
		    page >= WB_MAX_PAGES)
			continue;
		if (++nfaults[group] == SC_MAX_FAULTS_PER_PAGE + 1) {
			size_t m = wb_json_ptr_index(&c->p, i);
			if (group != page)
				sc_err(c, "more than %u faults (read faults and mmap stores) on pages "
					  "%" PRIu64 "-%" PRIu64 ", which one large folio may hold: a "
					  "folio counts the faults holding it in 3 bits",
				       SC_MAX_FAULTS_PER_PAGE, group,
				       group + c->sc->max_folio_size / c->sc->page_size - 1);
			else
				sc_err(c, "more than %u faults (read faults and mmap stores) on page "
					  "%" PRIu64 ": a folio counts the faults holding it in 3 bits",
				       SC_MAX_FAULTS_PER_PAGE, page);
			wb_json_ptr_pop(&c->p, m);
		}
	}
}

/* The pages tasks name (reclaim lists, read faults), now that the world's size is known. */
void sc_check_page_ranges(struct sc_ctx *c)
{
	size_t mark = wb_json_ptr_key(&c->p, "tasks");

	for (size_t i = 0; i < c->ntasks && !sc_stop(c); i++) {
		int op = c->task_op[i];
		size_t m = wb_json_ptr_index(&c->p, i);

		if (op >= 0 && wb_actors[op]->load_pages)
			wb_actors[op]->load_pages(c, c->task[i]);
		wb_json_ptr_pop(&c->p, m);
	}
	check_fault_refs(c);
	wb_json_ptr_pop(&c->p, mark);
}
