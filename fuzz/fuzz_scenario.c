/* SPDX-License-Identifier: MIT */
/*
 * fuzz_scenario.c - libFuzzer target: the scenario loader, and the model on
 * whatever it accepts.
 *
 * Every input goes through wb_scenario_load_buffer(); an accepted scenario is
 * then run once under a seeded random policy with the invariants checked
 * after every step, and explored for at most 300 states (the fuzz build
 * checks the invariants on every transition of the search).  A crash, a
 * sanitizer report or a broken invariant is a finding.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <xxhash.h>

#include "model/world.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wb_scenario *sc = wb_scenario_load_buffer("fuzz.json", (const char *)data, size,
							 NULL);
	struct wb_model m;
	struct sim_model sm;
	struct sim_run run;
	struct sim_explore_result res;
	char err[256];

	if (!sc)
		return 0;
	wb_model_init(&m, sc, &sc->config);
	sm = (struct sim_model){ .ops = &wb_sim_ops, .ctx = &m, .size = m.size,
				 .key_size = m.pack.bytes };
	void *init = wb_world_new(&m);
	if (wb_world_check(&m, init, err, sizeof(err)))
		abort(); /* the initial world breaks an invariant */
	struct sim_run_opts o = { .policy = SIM_POLICY_RANDOM, .seed = XXH64(data, size, 0),
				  .max_steps = 4096, .check_every_step = true };
	enum sim_run_error rc = sim_run_execute(&sm, init, &o, &run, err, sizeof(err));
	if (rc == SIM_RUN_INVARIANT)
		abort();
	sim_run_free(&run);
	struct sim_explore_opts eo = { .max_states = 300, .max_memory = (size_t)256 << 20,
				       .reduce = (size & 1) != 0 };
	if (sim_explore(&sm, init, &eo, &res))
		abort(); /* an internal error: a model bug the search caught */
	sim_explore_result_free(&res);
	free(init);
	wb_scenario_free(sc);
	return 0;
}
