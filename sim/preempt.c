/* SPDX-License-Identifier: MIT */
/*
 * preempt.c - what a preemption is, defined once: the preemption-bounded
 * search, the preemptions of its counterexample and the app's schedules all
 * count with sim_is_preemption().
 */
#include "sim/sim.h"

bool sim_is_preemption(uint32_t last, const struct sim_action *acts, unsigned n, uint32_t actor)
{
	if (!last || last == actor + 1)
		return false;
	for (unsigned j = 0; j < n; j++)
		if (acts[j].actor + 1 == last)
			return true; /* the last actor could have gone on */
	return false;
}
