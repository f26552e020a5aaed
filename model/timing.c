/* SPDX-License-Identifier: MIT */
/*
 * timing.c - the duration of each step in simulated time (wbsim simulate).
 *
 * The engine's SIM_POLICY_TIMED asks, whenever a task becomes able to take
 * a step, how long that step takes; this file answers from a struct
 * wb_timing: a duration per step name, copy and zeroing proportional to the
 * bytes, the device's write latency for io_write, the device's read latency
 * for a write_begin that reads its block, an exponential time between
 * evictions (reclaim as a Poisson process), the flusher's periodic wakeup
 * before a background writeback pass, page faults on the user buffer during
 * copy, and delays injected before named steps.
 *
 * The defaults (docs/model.md section 18 gives the same table):
 *
 *  - dirty_writeback_centisecs 500 and dirty_expire_centisecs 3000: the
 *    kernel's defaults, dirty_writeback_interval = 5 * 100 and
 *    dirty_expire_interval = 30 * 100 in mm/page-writeback.c.  A background
 *    writeback task models wb_workfn()'s periodic (kupdate) pass: its first
 *    pass starts at a uniform phase of the 5 s period (the scenario's time 0
 *    is no particular moment of it), plus what remains of the 30 s expiry if
 *    the inode has been dirty for less (dirty_age_centisecs; default 3000:
 *    already expired, so the pass writes it); each later pass one period
 *    after the previous one ended.  A sync task (fsync) starts at once.
 *  - Device latencies of a 4 KiB IO at queue depth 1, log-normal with the
 *    given median: NVMe 20 us write and 80 us read, SATA SSD 60 us write and
 *    100 us read, HDD 8 ms both.  These are assumptions of typical values,
 *    not measurements of this machine: NVMe and SATA figures of the order
 *    vendors' datasheets give; the HDD figure is a 7200 rpm disk's average
 *    rotational latency, 60 s / 7200 / 2 = 4.17 ms, plus a few ms of seek.
 *  - CPU steps: tens of nanoseconds for an uncontended lock, a microsecond
 *    for ->iomap_begin and map_blocks (an extent lookup under the ILOCK),
 *    100 ns per KiB copied (about 10 GB/s, a memcpy's order of magnitude) and
 *    50 ns per KiB zeroed.  Orders of magnitude, not measurements: what
 *    matters for the race is that they are tiny beside IO and writeback.
 *  - Reclaim: 10 evictions a second while a folio is evictable.  There is no
 *    kernel default for memory pressure: it is the knob to vary.
 *  - Page faults: none (a resident user buffer); with "page_fault", a copy
 *    faults with the given probability and waits the device's read latency
 *    (a major fault) unless a delay is given.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "model/actor.h"
#include "model/iomap_iter.h"
#include "model/timing.h"
#include "model/writeback.h"

const char *const wb_device_names[] = { "nvme", "sata_ssd", "hdd", NULL };

#define US ((uint64_t)1000)
#define MS ((uint64_t)1000000)
#define SIGMA_Q32(num, den) ((uint64_t)(((uint64_t)(num) << 32) / (den)))

static const struct wb_device_profile {
	struct sim_dist write, read;
} wb_devices[WB_DEV_N] = {
	[WB_DEV_NVME] = { { SIM_DIST_LOGNORMAL, 20 * US, SIGMA_Q32(1, 2) },
			  { SIM_DIST_LOGNORMAL, 80 * US, SIGMA_Q32(1, 2) } },
	[WB_DEV_SATA_SSD] = { { SIM_DIST_LOGNORMAL, 60 * US, SIGMA_Q32(1, 2) },
			      { SIM_DIST_LOGNORMAL, 100 * US, SIGMA_Q32(1, 2) } },
	[WB_DEV_HDD] = { { SIM_DIST_LOGNORMAL, 8 * MS, SIGMA_Q32(1, 2) },
			 { SIM_DIST_LOGNORMAL, 8 * MS, SIGMA_Q32(1, 2) } },
};

/* CPU steps, in ns; any step not named here takes 200 ns. */
static const struct {
	const char *step;
	uint64_t ns;
} wb_step_defaults[] = {
	{ "rwsem_lock", 50 },	 { "rwsem_unlock", 50 }, { "iomap_begin", 1000 },
	{ "iomap_valid", 20 },	 { "folio_get", 300 },	 { "folio_lock", 50 },
	{ "write_begin", 200 },	 { "copy", 200 },	 { "write_end", 200 },
	{ "iomap_end", 500 },	 { "wb_lock", 100 },	 { "clear_dirty", 100 },
	{ "map_blocks", 1000 },	 { "start_writeback", 2000 }, { "pass_end", 100 },
	{ "io_write", 0 },	 { "io_complete", 10000 }, { "tag_towrite", 500 },
};
#define WB_STEP_DEFAULT_NS 200

static void wb_timing_add_vocab(struct wb_timing *t, const char *const *v)
{
	for (; v && *v; v++) {
		unsigned i;
		for (i = 0; i < t->nsteps && strcmp(t->step_name[i], *v); i++)
			;
		if (i < t->nsteps || t->nsteps == WB_TIMING_MAX_STEPS)
			continue;
		t->step_name[i] = *v;
		t->step[i] = (struct sim_dist){ SIM_DIST_FIXED, WB_STEP_DEFAULT_NS, 0 };
		for (size_t k = 0; k < sizeof(wb_step_defaults) / sizeof(wb_step_defaults[0]); k++)
			if (!strcmp(wb_step_defaults[k].step, *v))
				t->step[i].a = wb_step_defaults[k].ns;
		t->nsteps++;
	}
}

void wb_timing_defaults(struct wb_timing *t)
{
	memset(t, 0, sizeof(*t));
	t->device = WB_DEV_NVME;
	t->io_write = wb_devices[WB_DEV_NVME].write;
	t->io_read = wb_devices[WB_DEV_NVME].read;
	for (unsigned op = 0; op < WB_OP_NOPS; op++)
		wb_timing_add_vocab(t, wb_steps_of((enum wb_op)op));
	wb_timing_add_vocab(t, wb_io_steps_vocab());
	t->copy_per_kib = 100;
	t->zero_per_kib = 50;
	t->dirty_writeback_cs = 500;
	t->dirty_expire_cs = 3000;
	t->dirty_age_cs = 3000;
	t->reclaim_mean_ns = 100 * MS;
	t->fault_ppm = 0;
	t->fault_delay = t->io_read;
}

void wb_timing_device(struct wb_timing *t, enum wb_device d)
{
	t->device = d;
	t->io_write = wb_devices[d].write;
	t->io_read = wb_devices[d].read;
	t->fault_delay = t->io_read;
}

void wb_duration_text(uint64_t ns, char *buf, size_t n)
{
	static const struct {
		uint64_t unit;
		const char *name;
	} units[] = { { (uint64_t)1000000000, "s" }, { MS, "ms" }, { US, "us" } };

	for (size_t i = 0; i < 3; i++)
		if (ns >= units[i].unit) {
			uint64_t whole = ns / units[i].unit, rest = ns % units[i].unit;
			/* three decimals, rounded down, trailing zeros dropped */
			uint64_t milli = rest * 1000 / units[i].unit;
			if (milli) {
				char d[4] = { (char)('0' + milli / 100), (char)('0' + milli / 10 % 10),
					      (char)('0' + milli % 10), 0 };
				for (int k = 2; k > 0 && d[k] == '0'; k--)
					d[k] = 0;
				snprintf(buf, n, "%" PRIu64 ".%.3s %s", whole, d, units[i].name);
			} else {
				snprintf(buf, n, "%" PRIu64 " %s", whole, units[i].name);
			}
			return;
		}
	snprintf(buf, n, "%" PRIu64 " ns", ns);
}

void wb_dist_text(const struct sim_dist *d, char *buf, size_t n)
{
	char a[32], b[32];

	wb_duration_text(d->a, a, sizeof(a));
	switch (d->kind) {
	case SIM_DIST_UNIFORM:
		wb_duration_text(d->b, b, sizeof(b));
		snprintf(buf, n, "uniform(%s, %s)", a, b);
		break;
	case SIM_DIST_EXPONENTIAL:
		snprintf(buf, n, "exponential(mean %s)", a);
		break;
	case SIM_DIST_LOGNORMAL: {
		/* sigma with two decimals, from its Q32 value in integers */
		uint64_t centi = (d->b * 100 + ((uint64_t)1 << 31)) >> 32;
		snprintf(buf, n, "lognormal(median %s, sigma %u.%02u)", a, (unsigned)(centi / 100),
			 (unsigned)(centi % 100));
		break;
	}
	default:
		snprintf(buf, n, "%s", a);
		break;
	}
}

/* ---------------------------------------------------------------- the clock */

void wb_clock_init(struct wb_clock *c, struct wb_model *m, const struct wb_timing *t)
{
	memset(c, 0, sizeof(*c));
	c->m = m;
	c->t = t;
}

void wb_clock_reset(struct wb_clock *c, const struct sim_run *run)
{
	c->run = run;
	memset(c->sample_at, 0, sizeof(c->sample_at));
	c->stale = false;
	c->remap = false;
	c->stale_at = c->stale_window = 0;
}

/* The index of a step name in t->step, through the clock's cache of name pointers. */
static unsigned wb_clock_step_index(struct wb_clock *c, const char *name)
{
	const struct wb_timing *t = c->t;
	unsigned i;

	for (i = 0; i < c->ncache; i++)
		if (c->cache_name[i] == name)
			return c->cache_idx[i];
	for (i = 0; i < t->nsteps && strcmp(t->step_name[i], name); i++)
		;
	if (c->ncache < WB_TIMING_MAX_STEPS && i < t->nsteps) {
		c->cache_name[c->ncache] = name;
		c->cache_idx[c->ncache++] = (uint8_t)i;
	}
	return i;
}

static uint64_t wb_sat_add(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

/* The iomap iteration a task runs now, or NULL (a buffered write; a growing truncate's zeroing). */
static const struct wb_writer *wb_clock_iter(const struct wb_model *m, const void *w, unsigned t)
{
	const union wb_task_state *s = wb_task(m, WBC(w), t);

	switch (m->sc->tasks[t].op) {
	case WB_OP_WRITE:
		return &s->w;
	case WB_OP_TRUNCATE:
	case WB_OP_FALLOCATE:
		return s->o.pc == RP_ZERO ? &s->o.z : NULL;
	default:
		return NULL;
	}
}

/*
 * Models nothing in the kernel: the simulated duration of the step `a`
 * enabled in w, drawn from the clock's timing (the header comment).
 */
uint64_t wb_clock_duration(void *dctx, const void *w, uint32_t a, struct sim_rng *rng)
{
	struct wb_clock *c = dctx;
	const struct wb_timing *tm = c->t;
	const struct wb_model *m = c->m;
	unsigned slot = WB_ACTION_SLOT(a), t;
	const struct wb_step_def *sd;
	int page = -1;
	uint64_t d;

	if (slot >= WB_IO_SLOT0) {
		unsigned p = slot - WB_IO_SLOT0;
		sd = wb_io_step(m, w, p);
		t = wb_io(m, WBC(w), p)->parent;
		page = (int)p;
		d = !strcmp(sd->name, "io_write") ? sim_dist_draw(&tm->io_write, rng)
						   : sim_dist_draw(&tm->step[wb_clock_step_index(c, sd->name)], rng);
		goto delays;
	}
	t = slot;
	sd = wb_task_step(m, w, t);
	if (wb_actor_of(m, t)->flags & WB_ACT_EVICTS) {
		/* reclaim: a Poisson process of evictions, memoryless while blocked */
		struct sim_dist e = { SIM_DIST_EXPONENTIAL, tm->reclaim_mean_ns, 0 };
		page = (int)WB_ACTION_ARG(a);
		d = sim_dist_draw(&e, rng);
		goto delays;
	}
	d = sim_dist_draw(&tm->step[wb_clock_step_index(c, sd->name)], rng);
	const struct wb_writer *it = wb_clock_iter(m, w, t);
	if (it) {
		page = (int)(it->pos / m->ps);
		if (!strcmp(sd->name, "copy")) {
			d = wb_sat_add(d, (uint64_t)wb_iter_chunk_bytes(m, it, t) * tm->copy_per_kib / 1024);
			if (tm->fault_ppm && sim_rng_below(rng, 1000000) < tm->fault_ppm)
				d = wb_sat_add(d, sim_dist_draw(&tm->fault_delay, rng));
		} else if (!strcmp(sd->name, "zero")) {
			d = wb_sat_add(d, (uint64_t)wb_iter_chunk_bytes(m, it, t) * tm->zero_per_kib / 1024);
		} else if (!strcmp(sd->name, "write_begin")) {
			if (wb_iter_reads(m, w, it, t))
				d = wb_sat_add(d, sim_dist_draw(&tm->io_read, rng));
			else
				d = wb_sat_add(d, (uint64_t)(m->ps - wb_iter_chunk_bytes(m, it, t)) *
							  tm->zero_per_kib / 1024);
		}
	} else if (m->sc->tasks[t].op == WB_OP_WRITEBACK) {
		unsigned pass;
		page = (int)wb_writeback_page(m, w, t);
		if (wb_writeback_pass_start(m, w, t, &pass) && !m->sc->tasks[t].sync) {
			/* wb_workfn(): the periodic pass, every dirty_writeback_centisecs */
			uint64_t period = tm->dirty_writeback_cs * 10 * MS;
			if (pass == 0) {
				d = wb_sat_add(d, period ? sim_rng_below64(rng, period) : 0);
				if (tm->dirty_age_cs < tm->dirty_expire_cs)
					d = wb_sat_add(d, (tm->dirty_expire_cs - tm->dirty_age_cs) * 10 * MS);
			} else {
				d = wb_sat_add(d, period);
			}
		}
	}
delays:
	for (unsigned i = 0; i < tm->ndelays; i++) {
		const struct wb_delay *dl = &tm->delays[i];
		if (dl->task == (int)t && !strcmp(dl->step, sd->name) &&
		    (dl->page < 0 || dl->page == page))
			d = wb_sat_add(d, sim_dist_draw(&dl->d, rng));
	}
	return d;
}

void wb_clock_step(void *cbctx, size_t index, const void *before, const void *after,
		   uint32_t action)
{
	struct wb_clock *c = cbctx;
	unsigned slot = WB_ACTION_SLOT(action);

	(void)index;
	(void)after;
	if (slot >= WB_IO_SLOT0 || slot >= WB_MAX_TASKS)
		return;
	if (!strcmp(wb_task_step(c->m, before, slot)->name, "iomap_begin"))
		c->sample_at[slot] = c->run->now;
	if (c->m->events & WB_EV_STALE_REMAP)
		c->remap = true;
	if ((c->m->events & WB_EV_STALE_DECISION) && !c->stale) {
		c->stale = true;
		c->stale_at = c->run->now;
		c->stale_window = c->run->now - c->sample_at[slot];
	}
}
