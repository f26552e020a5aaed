/* SPDX-License-Identifier: MIT */
/*
 * fuzz_settings.c - libFuzzer target: the schedule-entry parser and the
 * settings lists of --set, --check, --kernel and the expect keys.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/config.h"
#include "sim/sim.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1), err[256];
	struct sim_sched_entry e;
	struct wb_config cfg;

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = 0; /* command-line strings end at the first NUL */
	sim_sched_parse(s, &e, err, sizeof(err));
	memset(&cfg, 0, sizeof(cfg));
	wb_config_apply_list(&cfg, s, err, sizeof(err));
	free(s);
	return 0;
}
