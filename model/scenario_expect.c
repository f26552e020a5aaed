/* SPDX-License-Identifier: MIT */
/*
 * scenario_expect.c - "expect" and "expect_schedule": the verdict each
 * set of settings must give, keyed by a validity_check value or KEY=VALUE,...
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "model/scenario_check.h"
#include "sim/xmalloc.h"

static const char *const verdict_words[] = { "safe", "corrupt", "deadlock", NULL };

const char *wb_verdict_word_name(enum wb_verdict_word v)
{
	return (unsigned)v <= WB_V_DEADLOCK ? verdict_words[v] : "?";
}

/*
 * An expect key at the current pointer: a validity_check value or
 * KEY=VALUE,... as wb_config_apply_list() reads it (the kernel presets first,
 * then the explicit keys, then wb_config_check()), tried on the defaults.
 */
static bool check_expect_key(struct sc_ctx *c, const char *key)
{
	struct wb_config scratch;
	char q[SC_QUOTE_LEN], msg[512], modes[80];
	enum wb_check mode;

	if (strlen(key) >= sizeof(((struct wb_expect *)0)->key)) {
		sc_err_key(c, "key %s is too long (%zu bytes; at most %zu)", sc_quote(q, key),
			   strlen(key), sizeof(((struct wb_expect *)0)->key) - 1);
		return false;
	}
	if (!wb_check_parse(key, &mode))
		return true;
	if (!strchr(key, '=')) {
		sc_err_key(c,
			   "bad key %s: expected a validity_check value (%s) or KEY=VALUE settings separated by ','",
			   sc_quote(q, key), sc_check_modes(modes, sizeof(modes)));
		return false;
	}
	wb_config_defaults(&scratch);
	if (wb_config_apply_list(&scratch, key, msg, sizeof(msg))) {
		sc_err_key(c, "bad key %s: %s", sc_quote(q, key), msg);
		return false;
	}
	return true;
}

void sc_check_expect(struct sc_ctx *c, json_t *root, const char *name, struct wb_expect *out,
			 size_t *nout)
{
	json_t *o = sc_get_object(c, root, name), *v;
	const char *key;
	char q[SC_QUOTE_LEN];
	size_t mark;

	if (!o)
		return;
	mark = wb_json_ptr_key(&c->p, name);
	if (json_object_size(o) > WB_MAX_EXPECT) {
		sc_err(c, "too many entries (%zu; at most %u)", json_object_size(o), WB_MAX_EXPECT);
		wb_json_ptr_pop(&c->p, mark);
		return;
	}
	json_object_foreach(o, key, v) {
		size_t m;
		bool ok;
		int w = -1;

		if (sc_stop(c))
			break;
		m = wb_json_ptr_key(&c->p, key);
		ok = check_expect_key(c, key);
		if (!json_is_string(v))
			sc_err(c, "expected a verdict (corrupt, deadlock or safe), got %s",
			       sc_type_desc(v));
		else if ((w = sc_word_index(verdict_words, json_string_value(v))) < 0)
			sc_err(c, "unknown verdict %s (expected corrupt, deadlock or safe)",
			       sc_quote(q, json_string_value(v)));
		if (ok && w >= 0) {
			snprintf(out[*nout].key, sizeof(out[*nout].key), "%s", key);
			out[*nout].verdict = (enum wb_verdict_word)w;
			(*nout)++;
		}
		wb_json_ptr_pop(&c->p, m);
	}
	wb_json_ptr_pop(&c->p, mark);
}

