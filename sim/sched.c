/* SPDX-License-Identifier: MIT */
/*
 * sched.c - schedule entries: "TASK", "TASK:STEP", "TASK:STEP@PAGE".
 *
 * sim_sched_split() is the one reading of the syntax; sim_sched_parse() and
 * the scenario loader check its parts, each with its own messages.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/sim.h"

void sim_sched_split(const char *text, struct sim_sched_parts *p)
{
	const char *colon = strchr(text, ':'), *at;

	memset(p, 0, sizeof(*p));
	p->task_len = colon ? (size_t)(colon - text) : strlen(text);
	p->at_in_task = memchr(text, '@', p->task_len) != NULL;
	if (!colon)
		return;
	p->step = colon + 1;
	at = strchr(p->step, '@');
	p->step_len = at ? (size_t)(at - p->step) : strlen(p->step);
	p->page = at ? at + 1 : NULL;
	p->extra_colon = strchr(p->step, ':') != NULL;
}

int sim_sched_parse(const char *text, struct sim_sched_entry *e, char *err, size_t n)
{
	struct sim_sched_parts p;

	sim_sched_split(text, &p);
	memset(e, 0, sizeof(*e));
	e->arg = -1;
	e->text = text;
	if (p.task_len == 0 || p.task_len >= sizeof(e->actor)) {
		snprintf(err, n, "\"%s\": expected TASK, TASK:STEP or TASK:STEP@PAGE", text);
		return -1;
	}
	memcpy(e->actor, text, p.task_len);
	if (!p.step) {
		if (p.at_in_task) {
			snprintf(err, n, "\"%s\": @PAGE needs a step (TASK:STEP@PAGE)", text);
			return -1;
		}
		return 0;
	}
	if (p.at_in_task) {
		snprintf(err, n, "\"%s\": expected TASK:STEP@PAGE", text);
		return -1;
	}
	/* a second ':' is part of the step's name here (the run finds no such step) */
	if (p.step_len == 0 || p.step_len >= sizeof(e->step)) {
		snprintf(err, n, "\"%s\": missing step name after ':'", text);
		return -1;
	}
	memcpy(e->step, p.step, p.step_len);
	if (p.page) {
		char *end;
		unsigned long v = strtoul(p.page, &end, 10);
		if (!*p.page || *end || v > 0xffff) {
			snprintf(err, n, "\"%s\": PAGE after '@' must be a page index", text);
			return -1;
		}
		e->arg = (int)v;
	}
	return 0;
}
