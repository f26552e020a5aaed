/* SPDX-License-Identifier: MIT */
/*
 * toy_model.h - a tiny model for engine tests: N tasks each increment a
 * shared counter with a non-atomic load then store.  The lost update is the
 * failure the engine must find.  Or, for counts, N tasks that touch nothing
 * shared.
 */
#ifndef WBSIM_TOY_MODEL_H
#define WBSIM_TOY_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/sim.h"

#define TOY_MAX_TASKS 4

struct toy_world {
	uint8_t counter;
	uint8_t pc[TOY_MAX_TASKS]; /* 0: load next, 1: store next, 2: done */
	uint8_t tmp[TOY_MAX_TASKS];
	uint8_t first;	/* independent: 1 + the task that finished first; 0: none yet */
	uint8_t pad[2];
};

struct toy_ctx {
	unsigned ntasks;
	unsigned increments; /* per task */
	/*
	 * A transition invariant for the engine's check_step hook: the counter
	 * never goes down.  Lost updates break it once a task increments twice.
	 */
	bool monotonic;
	/*
	 * Independent tasks: a step only advances its task's pc (and the first
	 * task to finish is recorded), so every interleaving of the tasks' steps
	 * is an execution: (k*s)! / (s!)^k of them for k tasks of s steps.
	 */
	bool independent;
};

extern const struct sim_ops toy_ops;
void toy_init(struct toy_world *w);

#endif
