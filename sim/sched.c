/* SPDX-License-Identifier: MIT */
/* sched.c - schedule entries: "TASK", "TASK:STEP", "TASK:STEP@PAGE". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/sim.h"

int sim_sched_parse(const char *text, struct sim_sched_entry *e, char *err, size_t n)
{
	const char *colon = strchr(text, ':'), *at = strchr(text, '@');
	size_t alen = colon ? (size_t)(colon - text) : strlen(text);

	memset(e, 0, sizeof(*e));
	e->arg = -1;
	e->text = text;
	if (alen == 0 || alen >= sizeof(e->actor)) {
		snprintf(err, n, "\"%s\": expected TASK, TASK:STEP or TASK:STEP@PAGE", text);
		return -1;
	}
	memcpy(e->actor, text, alen);
	if (!colon) {
		if (at) {
			snprintf(err, n, "\"%s\": @PAGE needs a step (TASK:STEP@PAGE)", text);
			return -1;
		}
		return 0;
	}
	size_t slen = at ? (size_t)(at - colon - 1) : strlen(colon + 1);
	if (at && at < colon) {
		snprintf(err, n, "\"%s\": expected TASK:STEP@PAGE", text);
		return -1;
	}
	if (slen == 0 || slen >= sizeof(e->step)) {
		snprintf(err, n, "\"%s\": missing step name after ':'", text);
		return -1;
	}
	memcpy(e->step, colon + 1, slen);
	if (at) {
		char *end;
		unsigned long v = strtoul(at + 1, &end, 10);
		if (!at[1] || *end || v > 0xffff) {
			snprintf(err, n, "\"%s\": PAGE after '@' must be a page index", text);
			return -1;
		}
		e->arg = (int)v;
	}
	return 0;
}
