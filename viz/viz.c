/* SPDX-License-Identifier: MIT */
/*
 * viz.c - Graphviz swimlane diagrams of traces (DOT text only; the dot
 * program renders it, libgvc is never linked).
 *
 * The diagram is built in four passes over the steps, all in step order so
 * that the same trace always gives the same bytes:
 *
 *   lanes    one per task, in order of first appearance
 *   edges    reads-from (viz/hb.c, shared with wbsim explain): a step that
 *            reads or waits on a location gets an edge from the last step that
 *            wrote it, when that step is in another lane; merged per (source,
 *            target); an edge is dropped when another edge between the same
 *            two lanes leaves no earlier and arrives no later (program order
 *            on both sides implies it)
 *   nodes    one per step, or with --steps-only one per run of consecutive steps
 *            of one lane that no edge enters after its first step or leaves
 *            before its last
 *   windows  from a writer's last iomap_begin to the step that used its stale
 *            mapping: the corrupting step (red) or a failed iomap_valid (yellow)
 *
 * Time runs down: program order within a lane, the cross-lane edges, and an
 * invisible minlen=0 chain through all nodes in step order, so a node is never
 * drawn above one that ran before it.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sim/xmalloc.h"
#include "viz/hb.h"
#include "viz/viz.h"

#define VIZ_WRAP 38		/* text columns of a node */
#define VIZ_MAX_LOCS 32		/* locations listed on one edge's label */

#define COL_LANE_BG "#f4f4f4"
#define COL_LANE "#9a9a9a"
#define COL_PROGRAM "#8a8a8a"
#define COL_CROSS "#1f5fa8"
#define COL_META "#dbe9f6"	/* seq or extent map changed */
#define COL_CAUGHT "#fff1a8"	/* a failed iomap_valid */
#define COL_CAUGHT_BG "#fffbe0"
#define COL_BAD "#c62828"
#define COL_BAD_FILL "#f9d4d2"
#define COL_WINDOW_BG "#fde2e0"

enum win_kind { WIN_STALE, WIN_CAUGHT };

struct vnode {
	size_t first, last; /* step indexes, inclusive */
	size_t lane;
};

struct window {
	size_t start, end;
	enum win_kind kind;
};

struct viz {
	const struct viz_trace *t;
	bool steps_only;
	const char *pfx;	/* node id prefix: "" or "a_" / "b_" in a comparison */
	bool side;		/* one side of a comparison: the caller aligns the tops */
	const char **lanes;
	size_t nlanes;
	size_t *lane_of;	/* per step */
	struct viz_hb_edge *e;	/* the cross-lane edges, as found */
	size_t ne;
	bool *dropped;		/* per edge: implied by another one, not drawn */
	bool *is_src, *is_dst;	/* per step: an end of a drawn edge */
	struct vnode *nodes;
	size_t nnodes;
	size_t *node_of;	/* per step */
	struct window *win;
	size_t nwin;
	size_t bad;		/* the corrupting step (0-based), or SIZE_MAX */
	bool *in_cone;		/* --focus: per step, the failure depends on it; else NULL */
};

/* ---- text: a growable buffer, DOT escaping, wrapping ---- */

struct sbuf {
	char *s;
	size_t len, cap;
};

static void sb_put(struct sbuf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->s = wb_xrealloc(b->s, b->cap);
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = 0;
}

static void sb_printf(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_printf(struct sbuf *b, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	sb_put(b, tmp, (size_t)n < sizeof(tmp) ? (size_t)n : sizeof(tmp) - 1);
}

/* Append n bytes of text escaped for a DOT string; a newline ends a line with `eol`. */
static void sb_esc(struct sbuf *b, const char *s, size_t n, const char *eol)
{
	for (size_t i = 0; i < n && s[i]; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\')
			sb_put(b, "\\", 1);
		if (c == '\n')
			sb_put(b, eol, strlen(eol));
		else if (c < 0x20 || c == 0x7f)
			sb_put(b, " ", 1);
		else
			sb_put(b, (const char *)&c, 1);
	}
}

/* One left-justified label line. */
static void lbl_line(struct sbuf *b, const char *s)
{
	sb_esc(b, s, strlen(s), "\\l");
	sb_put(b, "\\l", 2);
}

static void lbl_linef(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void lbl_linef(struct sbuf *b, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	lbl_line(b, tmp);
}

/* Lines of text wrapped at word boundaries to `width` columns, each ended by `eol`. */
static void wrap_eol(struct sbuf *b, const char *s, size_t width, const char *eol)
{
	while (*s == ' ')
		s++;
	while (*s) {
		size_t n = strcspn(s, "\n"), cut = n;

		if (n > width) {
			cut = width;
			while (cut > 0 && s[cut] != ' ')
				cut--;
			if (cut == 0)
				cut = strcspn(s, " \n");
		}
		sb_esc(b, s, cut, eol);
		s += cut;
		if (*s == '\n')
			s++;
		while (*s == ' ')
			s++;
		if (*s)
			sb_put(b, eol, strlen(eol));
	}
}

/* Left-justified label lines, wrapped. */
static void lbl_wrap(struct sbuf *b, const char *s, size_t width)
{
	wrap_eol(b, s, width, "\\l");
	sb_put(b, "\\l", 2);
}

/* ---- lanes ---- */

static size_t lane_index(struct viz *v, const char *task)
{
	for (size_t i = 0; i < v->nlanes; i++)
		if (!strcmp(v->lanes[i], task))
			return i;
	v->lanes[v->nlanes] = task;
	return v->nlanes++;
}

static void build_lanes(struct viz *v)
{
	const struct viz_trace *t = v->t;

	v->lanes = wb_xcalloc(t->nsteps + 1, sizeof(*v->lanes));
	v->lane_of = wb_xcalloc(t->nsteps + 1, sizeof(*v->lane_of));
	for (size_t i = 0; i < t->nsteps; i++)
		v->lane_of[i] = lane_index(v, t->steps[i].task);
}

static const char *lane_desc(const struct viz_trace *t, const char *task)
{
	for (size_t i = 0; i < t->nlanes; i++)
		if (!strcmp(t->lanes[i].task, task))
			return t->lanes[i].desc;
	return NULL;
}

/* ---- edges ---- */

/* Reads-from edges between lanes (viz/hb.h). */
static void build_raw_edges(struct viz *v)
{
	v->e = viz_hb_edges(v->t->steps, v->t->nsteps, v->lane_of, &v->ne);
	v->dropped = wb_xcalloc(v->ne + 1, sizeof(bool));
}

/* Does edge b make edge a redundant (same two lanes, leaves no earlier, arrives no later)? */
static bool edge_implies(const struct viz *v, const struct viz_hb_edge *b,
			 const struct viz_hb_edge *a)
{
	return b != a && v->lane_of[b->from] == v->lane_of[a->from] &&
	       v->lane_of[b->to] == v->lane_of[a->to] && b->from >= a->from && b->to <= a->to;
}

static void reduce_edges(struct viz *v)
{
	for (size_t i = 0; i < v->ne; i++)
		for (size_t k = 0; k < v->ne && !v->dropped[i]; k++)
			if (edge_implies(v, &v->e[k], &v->e[i]))
				v->dropped[i] = true;
	v->is_src = wb_xcalloc(v->t->nsteps + 1, sizeof(bool));
	v->is_dst = wb_xcalloc(v->t->nsteps + 1, sizeof(bool));
	for (size_t i = 0; i < v->ne; i++) {
		if (v->dropped[i])
			continue;
		v->is_src[v->e[i].from] = true;
		v->is_dst[v->e[i].to] = true;
	}
}

/* "block 0, block 1, block 2" -> "block 0-2": split "name N" into name and number. */
static bool loc_split(const char *loc, size_t *plen, unsigned long *num)
{
	const char *sp = strrchr(loc, ' ');
	char *end;

	if (!sp || sp[1] < '0' || sp[1] > '9')
		return false;
	*num = strtoul(sp + 1, &end, 10);
	*plen = (size_t)(sp - loc);
	return *end == 0;
}

static void edge_label(const struct viz_hb_edge *e, char *buf, size_t n)
{
	struct sbuf b = { 0 };
	size_t nlocs = e->nlocs < VIZ_MAX_LOCS ? e->nlocs : VIZ_MAX_LOCS;

	for (size_t i = 0; i < nlocs;) {
		size_t plen, plen2, j = i + 1;
		unsigned long a, z;

		if (b.len)
			sb_put(&b, ", ", 2);
		if (!loc_split(e->locs[i], &plen, &a)) {
			sb_printf(&b, "%s", e->locs[i]);
			i++;
			continue;
		}
		z = a;
		while (j < nlocs && loc_split(e->locs[j], &plen2, &z) && plen2 == plen &&
		       !strncmp(e->locs[i], e->locs[j], plen) && z == a + (j - i))
			j++;
		if (j - i > 1)
			sb_printf(&b, "%s-%lu", e->locs[i], a + (j - i - 1));
		else
			sb_printf(&b, "%s", e->locs[i]);
		i = j;
	}
	if (e->nlocs > nlocs)
		sb_put(&b, ", ...", 5);
	snprintf(buf, n, "%s", b.s ? b.s : "");
	if (b.len >= n && n > 4)
		memcpy(buf + n - 4, "...", 4);
	free(b.s);
}

static int edge_cmp(const void *pa, const void *pb)
{
	const struct viz_edge *a = pa, *b = pb;

	if (a->to != b->to)
		return a->to < b->to ? -1 : 1;
	return a->from < b->from ? -1 : a->from > b->from;
}

static void viz_build(struct viz *v, const struct viz_trace *t, const struct viz_opts *o);
static void viz_free(struct viz *v);

struct viz_edge *viz_edges(const struct viz_trace *t, size_t *n)
{
	struct viz v;
	struct viz_edge *out;

	viz_build(&v, t, NULL);
	out = wb_xcalloc(v.ne + 1, sizeof(*out));
	*n = 0;
	for (size_t i = 0; i < v.ne; i++) {
		if (v.dropped[i])
			continue;
		out[*n].from = v.e[i].from;
		out[*n].to = v.e[i].to;
		edge_label(&v.e[i], out[*n].label, sizeof(out[*n].label));
		(*n)++;
	}
	qsort(out, *n, sizeof(*out), edge_cmp);
	viz_free(&v);
	return out;
}

/* ---- what a step changed ---- */

static bool has_event(const struct viz_step *s, const char *ev)
{
	for (size_t i = 0; i < s->nevents; i++)
		if (!strcmp(s->events[i], ev))
			return true;
	return false;
}

static unsigned long seq_before(const struct viz_trace *t, size_t i)
{
	return i ? t->steps[i - 1].seq : t->seq0;
}

static const char *extents_before(const struct viz_trace *t, size_t i)
{
	return i ? t->steps[i - 1].extents : t->extents0;
}

static bool seq_changed(const struct viz_trace *t, size_t i)
{
	return t->steps[i].seq != seq_before(t, i);
}

static bool extents_changed(const struct viz_trace *t, size_t i)
{
	const char *a = extents_before(t, i), *b = t->steps[i].extents;

	return a && b && strcmp(a, b);
}

/* ---- stale windows ---- */

static void window_add(struct viz *v, size_t end, enum win_kind kind)
{
	size_t start = end;

	while (start-- > 0)
		if (v->lane_of[start] == v->lane_of[end] &&
		    !strcmp(v->t->steps[start].step, "iomap_begin"))
			break;
	if (start == SIZE_MAX)
		return;
	for (size_t i = 0; i < v->nwin; i++)
		if (start <= v->win[i].end && v->win[i].start <= end &&
		    v->lane_of[v->win[i].start] == v->lane_of[start])
			return; /* overlaps one already shaded */
	v->win = wb_xrealloc(v->win, (v->nwin + 1) * sizeof(*v->win));
	v->win[v->nwin++] = (struct window){ .start = start, .end = end, .kind = kind };
}

static void build_windows(struct viz *v)
{
	const struct viz_trace *t = v->t;

	v->bad = SIZE_MAX;
	if (t->corruption && t->corruption->step >= 1 && t->corruption->step <= t->nsteps) {
		v->bad = t->corruption->step - 1;
		window_add(v, v->bad, WIN_STALE);
	}
	for (size_t i = 0; i < t->nsteps; i++)
		if (has_event(&t->steps[i], "stale_remap"))
			window_add(v, i, WIN_CAUGHT);
}

static const struct window *window_at(const struct viz *v, size_t step, bool start)
{
	for (size_t i = 0; i < v->nwin; i++)
		if ((start ? v->win[i].start : v->win[i].end) == step)
			return &v->win[i];
	return NULL;
}

/* ---- nodes ---- */

/* A step that gets a node of its own in --steps-only (besides edge ends). */
static bool step_alone(const struct viz *v, size_t i)
{
	const struct viz_step *s = &v->t->steps[i];

	return i == v->bad || s->nevents || seq_changed(v->t, i) || extents_changed(v->t, i) ||
	       window_at(v, i, true) || window_at(v, i, false);
}

static void node_new(struct viz *v, size_t i)
{
	v->nodes[v->nnodes] = (struct vnode){ .first = i, .last = i, .lane = v->lane_of[i] };
	v->node_of[i] = v->nnodes++;
}

/*
 * --focus: the happens-before cone of the corrupting step (else the last
 * step), one pass backwards: a step is in it if a later step of the cone
 * follows it in its lane or reads from it across lanes.  Edges into steps
 * outside it are not drawn.
 */
static void build_cone(struct viz *v)
{
	size_t n = v->t->nsteps, target = v->bad != SIZE_MAX ? v->bad : n - 1;
	size_t *next = wb_xcalloc(v->nlanes + 1, sizeof(size_t));

	v->in_cone = wb_xcalloc(n + 1, sizeof(bool));
	if (!n) {
		free(next);
		return;
	}
	v->in_cone[target] = true;
	for (size_t i = target + 1; i-- > 0;) {
		size_t l = v->lane_of[i];
		if (next[l] && v->in_cone[next[l] - 1])
			v->in_cone[i] = true; /* program order */
		next[l] = i + 1;
		if (!v->in_cone[i])
			continue;
		for (size_t k = 0; k < v->ne; k++)
			if (v->e[k].to == i)
				v->in_cone[v->e[k].from] = true;
	}
	free(next);
	memset(v->is_src, 0, (n + 1) * sizeof(bool));
	memset(v->is_dst, 0, (n + 1) * sizeof(bool));
	for (size_t k = 0; k < v->ne; k++) {
		if (!v->in_cone[v->e[k].to])
			v->dropped[k] = true;
		if (v->dropped[k])
			continue;
		v->is_src[v->e[k].from] = true;
		v->is_dst[v->e[k].to] = true;
	}
}

/* --focus: are the steps between a and b (exclusive) all outside the cone? */
static bool cone_gap(const struct viz *v, size_t a, size_t b)
{
	for (size_t i = a + 1; i < b; i++)
		if (v->in_cone[i])
			return false;
	return true;
}

static void build_nodes(struct viz *v)
{
	size_t n = v->t->nsteps, *open = wb_xcalloc(v->nlanes + 1, sizeof(size_t));

	v->nodes = wb_xcalloc(n + 1, sizeof(*v->nodes));
	v->node_of = wb_xcalloc(n + 1, sizeof(size_t));
	for (size_t l = 0; l < v->nlanes; l++)
		open[l] = SIZE_MAX;
	for (size_t i = 0; i < n; i++) {
		size_t l = v->lane_of[i];
		bool alone = !v->steps_only || step_alone(v, i);
		bool next_to = open[l] != SIZE_MAX && v->nodes[open[l]].last == i - 1;

		if (v->in_cone && !v->in_cone[i]) {
			/* fold the steps outside the cone: in each lane they follow its last
			 * step in the cone (program order is part of the cone) */
			alone = i == v->bad || window_at(v, i, true) || window_at(v, i, false);
			next_to = open[l] != SIZE_MAX && !v->in_cone[v->nodes[open[l]].last] &&
				  cone_gap(v, v->nodes[open[l]].last, i);
		}
		if (!alone && next_to && !v->is_dst[i]) {
			v->nodes[open[l]].last = i;
			v->node_of[i] = open[l];
		} else {
			node_new(v, i);
			open[l] = v->node_of[i];
		}
		if (alone || v->is_src[i])
			open[l] = SIZE_MAX;
	}
	free(open);
}

static void viz_build(struct viz *v, const struct viz_trace *t, const struct viz_opts *o)
{
	memset(v, 0, sizeof(*v));
	v->t = t;
	v->steps_only = o && o->steps_only;
	v->pfx = "";
	build_lanes(v);
	build_raw_edges(v);
	reduce_edges(v);
	build_windows(v);
	if (o && o->focus)
		build_cone(v);
	build_nodes(v);
}

static void viz_free(struct viz *v)
{
	free(v->lanes);
	free(v->lane_of);
	viz_hb_free(v->e, v->ne);
	free(v->dropped);
	free(v->is_src);
	free(v->is_dst);
	free(v->nodes);
	free(v->node_of);
	free(v->win);
	free(v->in_cone);
}

/* ---- output ---- */

/* "cookie 0 vs seq 2": the corrupting step's mapping against the seq it ran under. */
static bool stale_words(const struct viz_trace *t, size_t i, char *buf, size_t n)
{
	if (t->steps[i].cookie < 0)
		return false;
	snprintf(buf, n, "cookie %ld vs seq %lu", t->steps[i].cookie, seq_before(t, i));
	return true;
}

static void node_id(const struct viz *v, const struct vnode *nd, char *buf, size_t n)
{
	snprintf(buf, n, "%ss%zu", v->pfx, nd->first + 1);
}

static void label_head(const struct viz *v, const struct vnode *nd, struct sbuf *b)
{
	const struct viz_step *f = &v->t->steps[nd->first], *l = &v->t->steps[nd->last];

	if (nd->first != nd->last)
		lbl_linef(b, "%zu-%zu %s: %s..%s", nd->first + 1, nd->last + 1, f->task, f->step,
			  l->step);
	else if (f->page >= 0)
		lbl_linef(b, "%zu %s@%d", nd->first + 1, f->step, f->page);
	else
		lbl_linef(b, "%zu %s", nd->first + 1, f->step);
}

static void label_extents(struct sbuf *b, const char *ext)
{
	const char *p = ext;
	bool first = true;

	/* one extent ("[a,b) STATE") per line */
	while (*p) {
		const char *q = strchr(p + 1, '[');
		size_t len = q ? (size_t)(q - p) : strlen(p);
		char line[160];

		while (len && p[len - 1] == ' ')
			len--;
		snprintf(line, sizeof(line), "%s%.*s", first ? "extents: " : "         ", (int)len,
			 p);
		lbl_line(b, line);
		first = false;
		p += q ? (size_t)(q - p) : strlen(p);
	}
}

static void node_label(const struct viz *v, const struct vnode *nd, struct sbuf *b)
{
	const struct viz_trace *t = v->t;
	size_t i = nd->first;
	char words[96];

	label_head(v, nd, b);
	if (nd->first != nd->last)
		return;
	if (!v->steps_only)
		lbl_wrap(b, t->steps[i].changes, VIZ_WRAP);
	if (i == v->bad && stale_words(t, i, words, sizeof(words)))
		lbl_linef(b, "STALE: %s", words);
	if (seq_changed(t, i))
		lbl_linef(b, "seq %lu->%lu", seq_before(t, i), t->steps[i].seq);
	if (!v->steps_only && extents_changed(t, i))
		label_extents(b, t->steps[i].extents);
}

static void node_tooltip(const struct viz *v, const struct vnode *nd, struct sbuf *b)
{
	for (size_t i = nd->first; i <= nd->last; i++) {
		const struct viz_step *s = &v->t->steps[i];

		if (v->lane_of[i] != nd->lane)
			continue;
		sb_printf(b, "%zu ", i + 1);
		sb_esc(b, s->task, strlen(s->task), "\\n");
		sb_put(b, " ", 1);
		sb_esc(b, s->step, strlen(s->step), "\\n");
		sb_put(b, ": ", 2);
		sb_esc(b, s->changes, strlen(s->changes), "\\n");
		if (s->mapping) {
			sb_put(b, "\\nmapping: ", 11);
			sb_esc(b, s->mapping, strlen(s->mapping), "\\n");
		}
		if (s->folios) {
			sb_put(b, "\\n", 2);
			sb_esc(b, s->folios, strlen(s->folios), "\\n");
		} else {
			sb_put(b, "\\n", 2);
		}
	}
}

static const char *node_style(const struct viz *v, const struct vnode *nd)
{
	size_t i = nd->first;

	if (nd->first != nd->last)
		return "fillcolor=white";
	if (i == v->bad)
		return "fillcolor=\"" COL_BAD_FILL "\", color=\"" COL_BAD "\", fontcolor=\"" COL_BAD
		       "\", penwidth=2.5";
	if (has_event(&v->t->steps[i], "stale_remap"))
		return "fillcolor=\"" COL_CAUGHT "\", penwidth=2";
	if (seq_changed(v->t, i) || extents_changed(v->t, i))
		return "fillcolor=\"" COL_META "\"";
	return "fillcolor=white";
}

static void emit_node(const struct viz *v, const struct vnode *nd, const char *ind, FILE *out)
{
	struct sbuf lab = { 0 }, tip = { 0 };
	char id[64];

	node_id(v, nd, id, sizeof(id));
	node_label(v, nd, &lab);
	node_tooltip(v, nd, &tip);
	fprintf(out, "%s%s [label=\"%s\", tooltip=\"%s\", %s];\n", ind, id, lab.s, tip.s,
		node_style(v, nd));
	free(lab.s);
	free(tip.s);
}

static void emit_window_open(const struct viz *v, const struct window *w, FILE *out)
{
	const struct viz_trace *t = v->t;
	const struct viz_step *s = &t->steps[w->start];
	struct sbuf lab = { 0 };
	char words[96];
	bool stale = w->kind == WIN_STALE;

	if (stale)
		sb_printf(&lab, "stale window: the mapping of step %zu\\n", w->start + 1);
	else
		sb_printf(&lab, "stale mapping caught: step %zu's\\n", w->start + 1);
	if (s->mapping) {
		sb_esc(&lab, s->mapping, strlen(s->mapping), "\\n");
		sb_put(&lab, "\\n", 2);
	}
	if (stale_words(t, w->end, words, sizeof(words)))
		sb_printf(&lab, "used at step %zu: %s", w->end + 1, words);
	fprintf(out,
		"\t\tsubgraph cluster_%swin%zu {\n"
		"\t\t\tlabel=\"%s\"; fontsize=11; style=\"filled,dashed\"; fillcolor=\"%s\";\n"
		"\t\t\tcolor=\"%s\"; fontcolor=\"%s\";\n",
		v->pfx, w->start + 1, lab.s, stale ? COL_WINDOW_BG : COL_CAUGHT_BG,
		stale ? COL_BAD : "#9a7d00", stale ? COL_BAD : "#6b5700");
	free(lab.s);
}

static void emit_lane(const struct viz *v, size_t l, FILE *out)
{
	const char *desc = lane_desc(v->t, v->lanes[l]);
	const struct window *w = NULL;
	struct sbuf lab = { 0 };

	sb_esc(&lab, v->lanes[l], strlen(v->lanes[l]), "\\n");
	if (desc) {
		sb_put(&lab, "\\n", 2);
		sb_esc(&lab, desc, strlen(desc), "\\n");
	}
	fprintf(out,
		"\tsubgraph cluster_%slane%zu {\n"
		"\t\tlabel=\"%s\"; fontsize=12; style=\"rounded,filled\"; fillcolor=\"%s\";\n"
		"\t\tcolor=\"%s\";\n",
		v->pfx, l, lab.s, COL_LANE_BG, COL_LANE);
	free(lab.s);
	for (size_t k = 0; k < v->nnodes; k++) {
		const struct vnode *nd = &v->nodes[k];
		if (nd->lane != l)
			continue;
		if (!w && (w = window_at(v, nd->first, true)))
			emit_window_open(v, w, out);
		emit_node(v, nd, w ? "\t\t\t" : "\t\t", out);
		if (w && nd->last >= w->end) {
			fputs("\t\t}\n", out);
			w = NULL;
		}
	}
	if (w)
		fputs("\t\t}\n", out);
	fputs("\t}\n", out);
}

/*
 * Lanes left to right in order of appearance: an invisible anchor per lane on
 * the first rank, chained left to right, above the lane's first node.
 */
static void emit_lane_tops(const struct viz *v, FILE *out)
{
	char b[64];

	fputs("\t/* lane order */\n", out);
	for (size_t l = 0; l < v->nlanes; l++)
		fprintf(out, "\t%stop%zu [style=invis, shape=point, width=0, height=0];\n", v->pfx,
			l);
	if (!v->side) {
		fputs("\t{rank=min;", out);
		for (size_t l = 0; l < v->nlanes; l++)
			fprintf(out, " %stop%zu;", v->pfx, l);
		fputs("}\n", out);
	}
	for (size_t l = 1; l < v->nlanes; l++)
		fprintf(out, "\t%stop%zu -> %stop%zu [style=invis];\n", v->pfx, l - 1, v->pfx, l);
	for (size_t l = 0; l < v->nlanes; l++) {
		for (size_t k = 0; k < v->nnodes; k++) {
			if (v->nodes[k].lane != l)
				continue;
			node_id(v, &v->nodes[k], b, sizeof(b));
			fprintf(out, "\t%stop%zu -> %s [style=invis];\n", v->pfx, l, b);
			break;
		}
	}
}

static void emit_program_order(const struct viz *v, FILE *out)
{
	size_t *prev = wb_xcalloc(v->nlanes + 1, sizeof(size_t));
	char a[64], b[64];

	for (size_t l = 0; l < v->nlanes; l++)
		prev[l] = SIZE_MAX;
	fputs("\t/* program order */\n", out);
	for (size_t k = 0; k < v->nnodes; k++) {
		size_t l = v->nodes[k].lane;
		if (prev[l] != SIZE_MAX) {
			node_id(v, &v->nodes[prev[l]], a, sizeof(a));
			node_id(v, &v->nodes[k], b, sizeof(b));
			fprintf(out, "\t%s -> %s [color=\"%s\", arrowsize=0.6, weight=8];\n", a, b,
				COL_PROGRAM);
		}
		prev[l] = k;
	}
	free(prev);
}

/* Is there a drawn cross-lane edge between two nodes? */
static bool cross_between(const struct viz *v, size_t na, size_t nb)
{
	for (size_t i = 0; i < v->ne; i++)
		if (!v->dropped[i] && v->node_of[v->e[i].from] == na &&
		    v->node_of[v->e[i].to] == nb)
			return true;
	return false;
}

static void emit_time_order(const struct viz *v, FILE *out)
{
	char a[64], b[64];

	fputs("\t/* time order: no node above one that ran before it */\n", out);
	for (size_t k = 1; k < v->nnodes; k++) {
		if (v->nodes[k].lane == v->nodes[k - 1].lane || cross_between(v, k - 1, k))
			continue;
		node_id(v, &v->nodes[k - 1], a, sizeof(a));
		node_id(v, &v->nodes[k], b, sizeof(b));
		fprintf(out, "\t%s -> %s [style=invis, minlen=0, weight=0];\n", a, b);
	}
}

static void emit_cross(const struct viz *v, FILE *out)
{
	char a[64], b[64], lab[120];
	struct sbuf esc = { 0 };

	fputs("\t/* what one step caused in another lane: reads-from, by location */\n", out);
	for (size_t i = 0; i < v->ne; i++) {
		const struct viz_hb_edge *e = &v->e[i];
		if (v->dropped[i])
			continue;
		node_id(v, &v->nodes[v->node_of[e->from]], a, sizeof(a));
		node_id(v, &v->nodes[v->node_of[e->to]], b, sizeof(b));
		edge_label(e, lab, sizeof(lab));
		esc.len = 0;
		sb_esc(&esc, lab, strlen(lab), "\\n");
		fprintf(out, "\t%s -> %s [label=\"%s\", color=\"%s\", fontcolor=\"%s\", "
			     "penwidth=1.4];\n",
			a, b, esc.s ? esc.s : "", COL_CROSS, COL_CROSS);
	}
	free(esc.s);
}

static void note_lost(const struct viz *v, struct sbuf *b)
{
	const struct viz_corruption *c = v->t->corruption;
	char words[96];

	if (!strcmp(c->lost_writer, "initial contents"))
		lbl_linef(b, "the initial %s at [%lu,%lu) lost: found %s", c->expected, c->offset,
			  c->offset + c->length, c->found);
	else
		lbl_linef(b, "%s's %s at [%lu,%lu) lost: found %s", c->lost_writer, c->expected,
			  c->offset, c->offset + c->length, c->found);
	if (v->bad != SIZE_MAX && stale_words(v->t, v->bad, words, sizeof(words)))
		lbl_linef(b, "step %zu %s %s: %s", v->bad + 1, v->t->steps[v->bad].task,
			  v->t->steps[v->bad].step, words);
	lbl_wrap(b, c->provenance, 2 * VIZ_WRAP);
}

static void emit_notes(const struct viz *v, FILE *out)
{
	struct sbuf b = { 0 };
	char id[64];

	if (v->t->corruption) {
		note_lost(v, &b);
		fprintf(out,
			"\t%slost [shape=note, style=filled, fillcolor=\"%s\", color=\"%s\", "
			"fontcolor=\"%s\", penwidth=2, label=\"%s\"];\n",
			v->pfx, COL_BAD_FILL, COL_BAD, COL_BAD, b.s);
		if (v->bad != SIZE_MAX) {
			node_id(v, &v->nodes[v->node_of[v->bad]], id, sizeof(id));
			fprintf(out, "\t%s -> %slost [color=\"%s\", style=dashed, "
				     "arrowhead=none];\n",
				id, v->pfx, COL_BAD);
		}
	}
	if (v->t->deadlock) {
		struct sbuf txt = { 0 };

		sb_put(&txt, "deadlock: ", 10);
		sb_put(&txt, v->t->deadlock, strlen(v->t->deadlock));
		b.len = 0;
		lbl_wrap(&b, txt.s, 2 * VIZ_WRAP);
		free(txt.s);
		fprintf(out,
			"\t%sstuck [shape=note, style=filled, fillcolor=\"%s\", color=\"%s\", "
			"label=\"%s\"];\n",
			v->pfx, COL_CAUGHT, COL_BAD, b.s);
	}
	free(b.s);
}

static void trace_title(const struct viz_trace *t, struct sbuf *b)
{
	if (t->title) {
		sb_esc(b, t->title, strlen(t->title), "\\n");
	} else {
		struct sbuf raw = { 0 };

		sb_put(&raw, t->scenario, strlen(t->scenario));
		sb_put(&raw, " (", 2);
		sb_put(&raw, t->settings, strlen(t->settings));
		sb_put(&raw, "): ", 3);
		sb_put(&raw, t->verdict, strlen(t->verdict));
		sb_esc(b, raw.s, raw.len, "\\n");
		free(raw.s);
	}
	if (t->note) {
		sb_put(b, "\\n", 2);
		wrap_eol(b, t->note, 2 * VIZ_WRAP, "\\n");
	}
}

static void emit_body(const struct viz *v, FILE *out)
{
	for (size_t l = 0; l < v->nlanes; l++)
		emit_lane(v, l, out);
	emit_lane_tops(v, out);
	emit_program_order(v, out);
	emit_cross(v, out);
	emit_time_order(v, out);
	emit_notes(v, out);
}

static void emit_header(const char *name, const char *title, FILE *out)
{
	fprintf(out,
		"digraph %s {\n"
		"\tgraph [newrank=true, rankdir=TB, labelloc=t, fontsize=16,\n"
		"\t       fontname=\"Helvetica,Arial,sans-serif\", nodesep=0.25, ranksep=0.3,\n"
		"\t       label=\"%s\"];\n"
		"\tnode [shape=box, style=\"rounded,filled\", fontsize=10, margin=\"0.08,0.04\",\n"
		"\t      fontname=\"Helvetica,Arial,sans-serif\"];\n"
		"\tedge [fontsize=9, fontname=\"Helvetica,Arial,sans-serif\"];\n",
		name, title);
}

static int finish(FILE *out)
{
	fputs("}\n", out);
	return fflush(out) || ferror(out) ? -1 : 0;
}

int viz_write_dot(const struct viz_trace *t, const struct viz_opts *o, FILE *out)
{
	struct sbuf title = { 0 };
	struct viz v;

	viz_build(&v, t, o);
	trace_title(t, &title);
	emit_header("wbsim", title.s, out);
	emit_body(&v, out);
	free(title.s);
	viz_free(&v);
	return finish(out);
}

/* One side of a comparison, as a cluster; returns its number of lanes. */
static size_t emit_side(const struct viz_trace *t, const struct viz_opts *o, const char *pfx,
			FILE *out)
{
	size_t nlanes;
	struct sbuf title = { 0 };
	struct viz v;

	viz_build(&v, t, o);
	v.pfx = pfx;
	v.side = true;
	trace_title(t, &title);
	fprintf(out,
		"subgraph cluster_%sside {\n"
		"\tlabel=\"%s\"; fontsize=14; style=rounded; color=\"#555555\";\n",
		pfx, title.s);
	emit_body(&v, out);
	fputs("}\n", out);
	nlanes = v.nlanes;
	free(title.s);
	viz_free(&v);
	return nlanes;
}

int viz_write_compare(const struct viz_trace *a, const struct viz_trace *b, const char *title,
		      const struct viz_opts *o, FILE *out)
{
	struct sbuf tb = { 0 };

	sb_esc(&tb, title ? title : "", title ? strlen(title) : 0, "\\n");
	emit_header("wbsim_compare", tb.s ? tb.s : "", out);
	size_t na = emit_side(a, o, "a_", out), nb = emit_side(b, o, "b_", out);

	/* both sides start on the first rank, a left of b */
	fputs("{rank=min;", out);
	for (size_t l = 0; l < na + nb; l++)
		fprintf(out, " %s_top%zu;", l < na ? "a" : "b", l < na ? l : l - na);
	fputs("}\n", out);
	if (na && nb)
		fprintf(out, "a_top%zu -> b_top0 [style=invis];\n", na - 1);
	free(tb.s);
	return finish(out);
}
