/* SPDX-License-Identifier: MIT */
/*
 * rng.c - the engine's PRNG: splitmix64 (Steele, Lea, Flood 2014).  Pure
 * 64-bit integer arithmetic, so the same seed gives the same stream on every
 * machine; bounded draws reject the biased tail instead of taking a modulo.
 */
#include "sim/sim.h"

void sim_rng_seed(struct sim_rng *r, uint64_t seed)
{
	r->state = seed;
}

uint64_t sim_rng_next(struct sim_rng *r)
{
	uint64_t z = (r->state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

uint32_t sim_rng_below(struct sim_rng *r, uint32_t n)
{
	uint64_t limit = UINT64_MAX - (UINT64_MAX % n), x;

	do
		x = sim_rng_next(r);
	while (x >= limit);
	return (uint32_t)(x % n);
}
