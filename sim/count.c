/* SPDX-License-Identifier: MIT */
/*
 * count.c - exact counts of any size: addition over 64-bit limbs and
 * decimal text by repeated division by 10^19.
 */
#include "sim/count.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

__extension__ typedef unsigned __int128 sim_u128;

/* Significant limbs of l[0..n) (at least one). */
static uint32_t sim_count_trim(const uint64_t *l, uint32_t n)
{
	while (n > 1 && l[n - 1] == 0)
		n--;
	return n;
}

const uint64_t *sim_count_limbs(const struct sim_count *c, uint64_t *tmp, uint32_t *n)
{
	if (c->n) {
		*n = c->n;
		return c->limbs;
	}
	*tmp = c->small;
	*n = 1;
	return tmp;
}

int sim_count_add_limbs(struct sim_count *a, const uint64_t *l, uint32_t n)
{
	uint32_t an, m, i;
	uint64_t carry = 0;

	n = sim_count_trim(l, n);
	if (!a->n && n == 1 && l[0] <= SIM_COUNT_SMALL_MAX) {
		uint64_t t = a->small + l[0];
		if (t <= SIM_COUNT_SMALL_MAX) {
			a->small = t;
			return 0;
		}
	}
	an = a->n ? a->n : 1;
	m = (an > n ? an : n) + 1;
	if (m > a->cap) {
		uint64_t *p = realloc(a->limbs, (size_t)m * sizeof(uint64_t));
		if (!p)
			return -1;
		a->limbs = p;
		a->cap = m;
	}
	if (!a->n)
		a->limbs[0] = a->small;
	for (i = an; i < m; i++)
		a->limbs[i] = 0;
	for (i = 0; i < m; i++) {
		uint64_t x = a->limbs[i], y = i < n ? l[i] : 0;
		uint64_t s = x + y;
		uint64_t c1 = s < x;
		a->limbs[i] = s + carry;
		carry = c1 | (a->limbs[i] < s);
	}
	a->n = sim_count_trim(a->limbs, m);
	a->small = 0;
	return 0;
}

int sim_count_add(struct sim_count *a, const struct sim_count *b)
{
	uint64_t tmp;
	uint32_t n;
	const uint64_t *l = sim_count_limbs(b, &tmp, &n);

	return sim_count_add_limbs(a, l, n);
}

int sim_count_add_u64(struct sim_count *a, uint64_t v)
{
	return sim_count_add_limbs(a, &v, 1);
}

int sim_count_cmp(const struct sim_count *a, const struct sim_count *b)
{
	uint64_t ta, tb;
	uint32_t na, nb;
	const uint64_t *la = sim_count_limbs(a, &ta, &na), *lb = sim_count_limbs(b, &tb, &nb);

	na = sim_count_trim(la, na);
	nb = sim_count_trim(lb, nb);
	if (na != nb)
		return na < nb ? -1 : 1;
	while (na--)
		if (la[na] != lb[na])
			return la[na] < lb[na] ? -1 : 1;
	return 0;
}

bool sim_count_is_zero(const struct sim_count *c)
{
	uint64_t v;

	return sim_count_u64(c, &v) && v == 0;
}

bool sim_count_u64(const struct sim_count *c, uint64_t *v)
{
	uint64_t tmp;
	uint32_t n;
	const uint64_t *l = sim_count_limbs(c, &tmp, &n);

	if (sim_count_trim(l, n) > 1)
		return false;
	*v = l[0];
	return true;
}

char *sim_count_text(const struct sim_count *c)
{
	const uint64_t e19 = UINT64_C(10000000000000000000);
	uint64_t tmp, *q;
	uint32_t n, i;
	const uint64_t *l = sim_count_limbs(c, &tmp, &n);
	size_t ngroups = 0, len;
	uint64_t *groups;
	char *out, *p;

	n = sim_count_trim(l, n);
	if (n == 1) {
		out = malloc(24);
		if (out)
			snprintf(out, 24, "%llu", (unsigned long long)l[0]);
		return out;
	}
	/* 64 bits hold less than 20 decimal digits: at most n * 64 / 63 + 1 groups of 19 */
	q = malloc((size_t)n * sizeof(uint64_t));
	groups = malloc(((size_t)n * 2 + 1) * sizeof(uint64_t));
	out = malloc((size_t)n * 40 + 1);
	if (!q || !groups || !out) {
		free(q);
		free(groups);
		free(out);
		return NULL;
	}
	memcpy(q, l, (size_t)n * sizeof(uint64_t));
	while (n > 1 || q[0]) {
		sim_u128 rem = 0;
		for (i = n; i-- > 0;) {
			sim_u128 cur = (rem << 64) | q[i];
			q[i] = (uint64_t)(cur / e19);
			rem = cur % e19;
		}
		groups[ngroups++] = (uint64_t)rem;
		n = sim_count_trim(q, n);
	}
	p = out;
	len = (size_t)sprintf(p, "%llu", (unsigned long long)groups[ngroups - 1]);
	p += len;
	for (i = (uint32_t)ngroups - 1; i-- > 0;)
		p += sprintf(p, "%019llu", (unsigned long long)groups[i]);
	free(q);
	free(groups);
	return out;
}

void sim_count_free(struct sim_count *c)
{
	free(c->limbs);
	*c = SIM_COUNT_ZERO;
}
