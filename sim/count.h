/* SPDX-License-Identifier: MIT */
/*
 * count.h - exact counts of any size.
 *
 * Exploration counts executions by adding the counts of a state's successors,
 * so a count is only ever added to, never multiplied, and it outgrows any
 * fixed width on large scenarios (more than 2^128 executions at 5 pages).  A
 * struct sim_count holds the value itself while it fits in 63 bits and
 * little-endian 64-bit limbs on the heap beyond.  Nothing here aborts: an
 * operation that cannot allocate returns -1 (or NULL) and leaves its
 * operand as it was.
 */
#ifndef WBSIM_COUNT_H
#define WBSIM_COUNT_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#define SIM_COUNT_SMALL_MAX ((UINT64_C(1) << 63) - 1)

struct sim_count {
	uint64_t small;		/* the value while n == 0 (at most SIM_COUNT_SMALL_MAX) */
	uint64_t *limbs;	/* the value when n > 0: n limbs, least significant first */
	uint32_t n, cap;
};

#define SIM_COUNT_ZERO ((struct sim_count){ 0, NULL, 0, 0 })

/* a += the n limbs l (least significant first); 0, or -1 if out of memory (a unchanged). */
int sim_count_add_limbs(struct sim_count *a, const uint64_t *l, uint32_t n);
/* a += b; 0, or -1 if out of memory (a unchanged). */
int sim_count_add(struct sim_count *a, const struct sim_count *b);
/* a += v; 0, or -1 if out of memory. */
int sim_count_add_u64(struct sim_count *a, uint64_t v);
/* The value as limbs: *n of them at the returned address (tmp holds a small value). */
const uint64_t *sim_count_limbs(const struct sim_count *c, uint64_t *tmp, uint32_t *n);
/* -1, 0, 1 as a <, ==, > b. */
int sim_count_cmp(const struct sim_count *a, const struct sim_count *b);
bool sim_count_is_zero(const struct sim_count *c);
/* The value if it fits in 64 bits (true), else false. */
bool sim_count_u64(const struct sim_count *c, uint64_t *v);
/* Decimal text, malloc'd; NULL if out of memory. */
char *sim_count_text(const struct sim_count *c);
void sim_count_free(struct sim_count *c);

#endif
