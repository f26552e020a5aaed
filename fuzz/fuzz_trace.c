/* SPDX-License-Identifier: MIT */
/*
 * fuzz_trace.c - libFuzzer target: the trace reader and its replay check.
 *
 * The input is a trace file.  So that mutations get past the scenario's
 * checksum, the harness recomputes it when the input is a JSON object with a
 * "scenario" object, then reads the trace as `replay`, `dot` and `explain`
 * do (wb_trace_open_text, what wb_trace_open does after reading the file:
 * parse, check, load the embedded scenario, replay and compare every
 * recorded member).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <xxhash.h>

#include "app/app.h"

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
	json_error_t jerr;
	json_t *root = json_loadb((const char *)data, size, 0, &jerr);
	char *text = NULL;
	size_t len = size;

	if (json_is_object(root) && json_is_object(json_object_get(root, "scenario"))) {
		/* the trace writer's checksum: xxh64 of the compact, key-sorted dump */
		char *dump = json_dumps(json_object_get(root, "scenario"),
					JSON_COMPACT | JSON_SORT_KEYS);
		char sum[17];
		snprintf(sum, sizeof(sum), "%016llx",
			 (unsigned long long)XXH64(dump ? dump : "", dump ? strlen(dump) : 0, 0));
		free(dump);
		json_object_set_new(root, "scenario_checksum", json_string(sum));
		text = json_dumps(root, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
		len = text ? strlen(text) : 0;
	}
	json_decref(root);
	if (!text) {
		text = malloc(size + 1);
		if (!text)
			abort();
		memcpy(text, data, size);
		text[size] = 0;
		len = size;
	}

	struct wb_trace tr;
	struct wb_job job;
	/* the trace owns text from here */
	if (wb_trace_open_text("fuzz.trace.json", text, len, &tr, &job) == EXIT_OK) {
		wb_job_close(&job);
		wb_trace_free(&tr);
	}
	return 0;
}
