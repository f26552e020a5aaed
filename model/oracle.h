/* SPDX-License-Identifier: MIT */
/* oracle.h - the verdict of a finished execution (docs/model.md section 11). */
#ifndef WBSIM_ORACLE_H
#define WBSIM_ORACLE_H

#include "model/world.h"

struct wb_report {
	enum sim_verdict verdict;
	/* corruption: the first differing range, in bytes */
	uint32_t offset, length;
	char expected[256], found[256];
	char provenance[512]; /* the step that put the wrong bytes there */
	size_t origin_step;   /* its 1-based index, 0 if none */
	char lost_writer[WB_MAX_NAME + 8]; /* whose bytes were lost: a writer, or "initial contents" */
	bool exposed; /* the range reads back uninitialised memory (WB_UNINIT) */
	/* deadlock: who is stuck, on what */
	char deadlock[512];
};

/*
 * Classify a world in which no step is enabled: deadlock if a writer or
 * writeback task has not finished; otherwise flush by the writeback rules,
 * read the file back and compare with the writes applied in i_rwsem order.
 * `rep` may be NULL; provenance needs m->prov.
 */
enum sim_verdict wb_oracle(struct wb_model *m, const void *w, struct wb_report *rep);

/*
 * The outcome of a terminal world for the census: the final file contents in
 * text form ("B*6144 A*2048"), or "deadlock"; returns whether it is the
 * expected contents.
 */
bool wb_oracle_outcome(struct wb_model *m, const void *w, char *buf, size_t n);

/* The expected file contents (symbols per granule, up to i_size) for an i_rwsem order. */
void wb_expected(const struct wb_model *m, const void *w, uint8_t *out, size_t ngran);

#endif
