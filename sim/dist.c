/* SPDX-License-Identifier: MIT */
/*
 * dist.c - random durations for simulated time, in integers only.
 *
 * Every draw comes from the engine's splitmix64 stream (rng.c) and every
 * operation on it is integer arithmetic (64 and 128 bits), so a seed gives
 * the same durations on every machine and from every compiler: no libm, no
 * floating point, nothing a compiler may contract or a libm may round
 * differently.
 *
 * The logarithm is the bit-by-bit binary logarithm (square the mantissa, a
 * bit of the result each time it passes 2), the exponential 2^f as a product
 * of the constants 2^(2^-j) for the bits of f, and the normal deviate
 * Marsaglia's polar method (Marsaglia and Bray, 1964), which needs only a
 * logarithm, a division and a square root.  32 fractional bits throughout:
 * far finer than any duration that matters here.
 */
#include <math.h>

#include "sim/sim.h"

__extension__ typedef unsigned __int128 sim_u128;
__extension__ typedef __int128 sim_i128;

#define SIM_LN2_Q32 2977044472ull   /* ln 2 * 2^32, rounded */
#define SIM_LOG2E_Q32 6196328019ull /* log2 e * 2^32, rounded */

/*
 * 2^(2^-j) * 2^62, j = 1..32, rounded down: each the integer square root of
 * the one before shifted by 62 bits, from 2 * 2^62 (computed with exact
 * integers; the same table on every machine).
 */
static const uint64_t sim_exp2_q62[32] = {
	0x5a827999fcef3242ull, 0x4c1bf828c6dc54b7ull, 0x45cae0f1f545eb73ull, 0x42d561b3e6243d8aull,
	0x4166c34c5615d0ebull, 0x40b268f9de0183b9ull, 0x4058f6a7ecccd5b5ull, 0x402c6be96af2fb57ull,
	0x4016321b687027a7ull, 0x400b18178ba33b13ull, 0x40058bce410147e7ull, 0x4002c5d7bff71dadull,
	0x400162e807ee7e5aull, 0x4000b1730df6a523ull, 0x400058b9497b8151ull, 0x40002c5c955dd700ull,
	0x4000162e46d6f26bull, 0x40000b1722757b1aull, 0x4000058b90fd3e0bull, 0x400002c5c86f3f25ull,
	0x40000162e433c79aull, 0x400000b17218edcfull, 0x40000058b90c3968ull, 0x4000002c5c860d54ull,
	0x400000162e4302d2ull, 0x4000000b17218073ull, 0x400000058b90bffcull, 0x40000002c5c85feeull,
	0x4000000162e42ff3ull, 0x40000000b17217f8ull, 0x4000000058b90bfbull, 0x400000002c5c85fdull,
};

uint64_t sim_rng_below64(struct sim_rng *r, uint64_t n)
{
	uint64_t limit, x;

	if (n == 0)
		return sim_rng_next(r);
	limit = UINT64_MAX - (UINT64_MAX % n);
	do
		x = sim_rng_next(r);
	while (x >= limit);
	return x % n;
}

/* log2(x) * 2^32 for x > 0. */
static uint64_t sim_log2_q32(uint64_t x)
{
	unsigned k = 63u - (unsigned)__builtin_clzll(x);
	/* the mantissa x / 2^k in [1, 2), as Q62 */
	uint64_t m = k <= 62 ? x << (62 - k) : x >> 1;
	uint64_t r = (uint64_t)k << 32;

	for (int i = 31; i >= 0; i--) {
		m = (uint64_t)(((sim_u128)m * m) >> 62);
		if (m >= (2ull << 62)) {
			m >>= 1;
			r += 1ull << i;
		}
	}
	return r;
}

/* -ln(u / 2^bits) * 2^32, for 0 < u <= 2^bits (bits <= 63). */
static uint64_t sim_neg_ln_q32(uint64_t u, unsigned bits)
{
	uint64_t l2 = ((uint64_t)bits << 32) - sim_log2_q32(u);

	return (uint64_t)(((sim_u128)l2 * SIM_LN2_Q32) >> 32);
}

uint64_t sim_rng_exp_q32(struct sim_rng *r)
{
	/* U uniform in (0, 1]: 53 bits, plus one */
	uint64_t u = (sim_rng_next(r) >> 11) + 1;

	return sim_neg_ln_q32(u, 53);
}

/* floor(sqrt(x)) */
static uint64_t sim_isqrt128(sim_u128 x)
{
	sim_u128 res = 0, bit = (sim_u128)1 << 126;

	while (bit > x)
		bit >>= 2;
	while (bit) {
		if (x >= res + bit) {
			x -= res + bit;
			res = (res >> 1) + bit;
		} else {
			res >>= 1;
		}
		bit >>= 2;
	}
	return (uint64_t)res;
}

int64_t sim_rng_normal_q32(struct sim_rng *r)
{
	for (;;) {
		/* u, v uniform in [-1, 1) as Q31 */
		int64_t u = (int64_t)(sim_rng_next(r) >> 32) - (1ll << 31);
		int64_t v = (int64_t)(sim_rng_next(r) >> 32) - (1ll << 31);
		uint64_t s = (uint64_t)(u * u) + (uint64_t)(v * v); /* Q62 */

		/*
		 * Inside the unit circle; also away from its centre by 2^-32 (a
		 * bias below 10^-9, and it bounds the factor below).
		 */
		if (s >= (1ull << 62) || s < (1ull << 30))
			continue;
		/* sqrt(-2 ln s / s): -ln s as Q32, the quotient Q32, its root Q16 */
		uint64_t nl = sim_neg_ln_q32(s, 62);
		sim_u128 q = ((sim_u128)nl << 63) / s;
		uint64_t f = sim_isqrt128(q);
		sim_i128 z = ((sim_i128)u * (sim_i128)f) >> 15; /* Q31 * Q16 -> Q32 */
		return (int64_t)z;
	}
}

uint64_t sim_scale_exp_q32(uint64_t base, int64_t y)
{
	/* e^y = 2^(y log2 e): an integer part n and a fraction f in [0, 1) */
	sim_i128 z = ((sim_i128)y * (sim_i128)SIM_LOG2E_Q32) >> 32;
	int64_t n = (int64_t)(z >> 32);
	uint64_t f = (uint64_t)(z & 0xffffffff);
	uint64_t p = 1ull << 62; /* 2^f as Q62 */
	sim_u128 v;

	for (unsigned j = 0; j < 32; j++)
		if (f & (1ull << (31 - j)))
			p = (uint64_t)(((sim_u128)p * sim_exp2_q62[j]) >> 62);
	v = (sim_u128)base * p;
	if (n >= 0) {
		if (n > 60)
			return UINT64_MAX;
		v >>= 62 - n;
	} else {
		if (n < -64)
			return 0;
		v >>= 62 + (unsigned)-n > 127 ? 127 : 62 + (unsigned)-n;
	}
	return v > UINT64_MAX ? UINT64_MAX : (uint64_t)v;
}

uint64_t sim_dist_draw(const struct sim_dist *d, struct sim_rng *r)
{
	switch (d->kind) {
	case SIM_DIST_UNIFORM:
		return d->a + sim_rng_below64(r, d->b - d->a + 1);
	case SIM_DIST_EXPONENTIAL:
		return (uint64_t)(((sim_u128)d->a * sim_rng_exp_q32(r)) >> 32);
	case SIM_DIST_LOGNORMAL: {
		int64_t z = sim_rng_normal_q32(r);
		/* sigma (Q32) times z (Q32), as Q32 */
		int64_t y = (int64_t)(((sim_i128)(int64_t)d->b * z) >> 32);
		return sim_scale_exp_q32(d->a, y);
	}
	case SIM_DIST_FIXED:
	default:
		return d->a;
	}
}

/*
 * Wilson's score interval (Wilson 1927), which Brown, Cai and DasGupta
 * (2001) recommend over the normal approximation for small counts and
 * probabilities near 0 or 1.  Only IEEE-754 basic operations and sqrt, all
 * correctly rounded, so the same bits from every compiler on every machine
 * that computes in double precision (x86-64's SSE2, arm64).
 */
void sim_wilson95(uint64_t k, uint64_t n, double *lo, double *hi)
{
	const double z = 1.959963984540054; /* the 97.5% quantile of the standard normal */
	double z2 = z * z, nn = (double)n, p, denom, centre, half;

	if (!n) {
		*lo = 0;
		*hi = 1;
		return;
	}
	p = (double)k / nn;
	denom = 1 + z2 / nn;
	centre = (p + z2 / (2 * nn)) / denom;
	half = z * sqrt(p * (1 - p) / nn + z2 / (4 * nn * nn)) / denom;
	*lo = k == 0 ? 0 : centre - half;
	*hi = k == n ? 1 : centre + half;
	if (*lo < 0)
		*lo = 0;
	if (*hi > 1)
		*hi = 1;
}
