/* SPDX-License-Identifier: MIT */
/*
 * timing.h - how long the model's steps take in simulated time (wbsim
 * simulate): a scenario's "timing" section or a --timing file, loaded and
 * checked like the rest of a scenario (docs/json.md section 1.11), and the
 * duration hook the engine's SIM_POLICY_TIMED calls.
 *
 * The defaults and where each number comes from are in timing.c and
 * docs/model.md section 18.
 */
#ifndef WBSIM_TIMING_H
#define WBSIM_TIMING_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "model/world.h"
#include "sim/sim.h"

#define WB_TIMING_MAX_STEPS 96
#define WB_TIMING_MAX_DELAYS 16

enum wb_device { WB_DEV_NVME, WB_DEV_SATA_SSD, WB_DEV_HDD, WB_DEV_N };

/* A delay injected before a named step of a task (the shape of XFS's error-tag delays). */
struct wb_delay {
	int task;		/* task index */
	char step[32];
	int page;		/* -1: at any page */
	struct sim_dist d;
};

struct wb_timing {
	enum wb_device device;
	struct sim_dist io_write, io_read; /* the device's, unless given */
	/* per step name (the union of every actor's vocabulary and the IOs') */
	unsigned nsteps;
	const char *step_name[WB_TIMING_MAX_STEPS + 1]; /* NULL-terminated */
	struct sim_dist step[WB_TIMING_MAX_STEPS];
	uint64_t copy_per_kib, zero_per_kib; /* ns per KiB copied or zeroed */
	/* writeback wakeups (mm/page-writeback.c), in centiseconds */
	uint64_t dirty_writeback_cs, dirty_expire_cs, dirty_age_cs;
	uint64_t reclaim_mean_ns; /* the mean time between evictions: 1 / rate */
	uint32_t fault_ppm;	  /* a copy faults on the user buffer, per million */
	struct sim_dist fault_delay;
	unsigned ndelays;
	struct wb_delay delays[WB_TIMING_MAX_DELAYS];
};

/* The defaults (device NVMe). */
void wb_timing_defaults(struct wb_timing *t);
/* Select a device: its write and read latencies (and a page fault's delay). */
void wb_timing_device(struct wb_timing *t, enum wb_device d);
/* "nvme", "sata_ssd", "hdd" (NULL-terminated). */
extern const char *const wb_device_names[];
/* A duration in words: "20 us", "1.5 ms", "0 ns". */
void wb_duration_text(uint64_t ns, char *buf, size_t n);
/* A distribution in words: "lognormal(median 20 us, sigma 0.50)". */
void wb_dist_text(const struct sim_dist *d, char *buf, size_t n);

/*
 * Load a timing object from a file's text (--timing FILE), for scenario sc
 * (its task names), over the defaults; errors as the scenario loader's (every
 * one located, "N errors").  0, or -1.
 */
int wb_timing_load_buffer(const char *path, const char *text, size_t len,
			  const struct wb_scenario *sc, FILE *diag, struct wb_timing *out);

/*
 * A run's clock: the duration hook's context.  One per thread (it points at
 * that thread's model), reset before each run.
 */
struct wb_clock {
	struct wb_model *m;
	const struct wb_timing *t;
	const struct sim_run *run; /* for the time of the step just taken */
	/* step-name cache: name pointer -> index in t->step */
	const char *cache_name[WB_TIMING_MAX_STEPS];
	uint8_t cache_idx[WB_TIMING_MAX_STEPS];
	unsigned ncache;
	/* per run: the stale window */
	uint64_t sample_at[WB_MAX_TASKS]; /* when each writer last looked up its mapping */
	bool stale;			  /* a stale decision was made */
	bool remap;			  /* iomap_valid found a mapping stale (the fix fired) */
	uint64_t stale_at, stale_window;  /* when, and how long after its mapping's lookup */
};

void wb_clock_init(struct wb_clock *c, struct wb_model *m, const struct wb_timing *t);
/* Before each run. */
void wb_clock_reset(struct wb_clock *c, const struct sim_run *run);
/* The sim_duration_fn (dctx: the clock). */
uint64_t wb_clock_duration(void *dctx, const void *w, uint32_t action, struct sim_rng *rng);
/* The sim_step_cb (cbctx: the clock): notes lookups and the first stale decision. */
void wb_clock_step(void *cbctx, size_t index, const void *before, const void *after,
		   uint32_t action);

#endif
