/* SPDX-License-Identifier: MIT */
/*
 * gen.h - the writer of the tests' seeded random scenarios (test_random.c,
 * test_reduce.c): JSON text appended to a buffer, choices from the engine's
 * PRNG.  Include after <cmocka.h>.
 */
#ifndef WBSIM_TESTS_GEN_H
#define WBSIM_TESTS_GEN_H

#include <stdarg.h>
#include <stdio.h>

#include "sim/sim.h"

struct gen {
	char buf[4096];
	size_t len;
	struct sim_rng rng;
};

static void gen_add(struct gen *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void gen_add(struct gen *g, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	g->len += (size_t)vsnprintf(g->buf + g->len, sizeof(g->buf) - g->len, fmt, ap);
	va_end(ap);
	assert_true(g->len < sizeof(g->buf));
}

/* Uniform in [0, n). */
static unsigned gen_below(struct gen *g, unsigned n)
{
	return sim_rng_below(&g->rng, n);
}

#endif
