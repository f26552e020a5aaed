/* SPDX-License-Identifier: MIT */
/*
 * hunt.h - wbsim hunt's space of scenarios (hunt_space.c): the file that
 * says which scenarios to draw and under which settings to explore them, and
 * the deterministic draw of scenario i from a seed.
 */
#ifndef WBSIM_APP_HUNT_H
#define WBSIM_APP_HUNT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define HUNT_MAX_CHOICES 8
#define HUNT_MAX_SETTINGS 16

/* An inclusive range [min, max] of counts. */
struct hunt_range {
	unsigned min, max;
};

/* The ops the "others" slot may draw (one bit each in hunt_space.others_ops). */
enum hunt_other { HUNT_READ_FAULT, HUNT_MMAP_WRITE, HUNT_PUNCH, HUNT_FALLOCATE, HUNT_TRUNCATE,
		  HUNT_NOTHERS };

struct hunt_space {
	char name[64];
	unsigned page_size;
	unsigned block_sizes[HUNT_MAX_CHOICES], nblock_sizes;
	struct hunt_range pages;
	unsigned short_file_percent;	/* i_size below the last page's end */
	unsigned extent_states;		/* bit per enum wb_ext_state */
	unsigned max_extents;
	struct hunt_range writers;
	unsigned write_units[HUNT_MAX_CHOICES], nwrite_units;
	unsigned short_copy_percent, after_percent;
	struct hunt_range writeback, passes;
	unsigned sync_percent, wait_percent;
	struct hunt_range reclaim, evictions;
	struct hunt_range others;
	unsigned others_ops;		/* bit per enum hunt_other */
	char settings[HUNT_MAX_SETTINGS][256];
	unsigned nsettings;
	uint64_t max_states;		/* per exploration */
	uint64_t shrink_states;		/* per candidate of a representative's shrink */
	char *canon;			/* the space as canonical JSON (sorted keys, compact) */
};

/*
 * Load a space from JSON text; every error is printed located (PATH:LINE:COL
 * with the line and a caret, as for scenarios), then the count.  0, or -1.
 */
int hunt_space_load(const char *path, const char *text, size_t len, FILE *diag,
		    struct hunt_space *sp);
int hunt_space_load_file(const char *path, FILE *diag, struct hunt_space *sp);
void hunt_space_free(struct hunt_space *sp);

/*
 * Scenario `index` of the hunt with `seed`: a scenario file's JSON text
 * (malloc'd), a function of (space, seed, index) alone.
 */
char *hunt_draw(const struct hunt_space *sp, uint64_t seed, uint64_t index);

#endif
