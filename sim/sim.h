/* SPDX-License-Identifier: MIT */
/*
 * sim.h - the deterministic engine.
 *
 * The engine knows nothing of kernels.  It holds worlds as opaque, flat byte
 * buffers of a fixed size (no pointers inside, so copy is memcpy and equality
 * is memcmp), and actions as small integers.  It talks to a model through one
 * ops table, the way iomap talks to a filesystem through iomap_ops.
 *
 * Every nondeterministic outcome is a choice among the actions the model
 * reports enabled; every choice goes through sim_choose(), so the list of
 * chosen indexes reproduces an execution exactly.
 */
#ifndef WBSIM_SIM_H
#define WBSIM_SIM_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include "sim/count.h"

#define SIM_MAX_ENABLED 256
#define SIM_KEY_PARTS 4

/* One enabled action.  `actor` orders actors for round-robin: smaller first. */
struct sim_action {
	uint32_t id;
	uint32_t actor;
};

/*
 * Is taking a step of `actor`, chosen among the n enabled acts, a preemption:
 * another actor steps while the previous step's actor could go on (it has an
 * action among acts)?  `last` is the previous step's actor + 1, or 0 before
 * the first step.  The one definition (sim/preempt.c) that preemption bounds
 * and every preemption count use.
 */
bool sim_is_preemption(uint32_t last, const struct sim_action *acts, unsigned n, uint32_t actor);

/* How an execution ended: the model's oracle classifies a terminal world. */
enum sim_verdict {
	SIM_SAFE = 0,
	SIM_CORRUPT = 1,
	SIM_DEADLOCK = 2,
};

/* What a model says about an actor named in a schedule entry. */
enum sim_actor_status {
	SIM_ACTOR_UNKNOWN = 0,	/* no such actor can ever exist */
	SIM_ACTOR_ABSENT,	/* may exist later (e.g. an IO not created yet) */
	SIM_ACTOR_RUNNABLE,	/* has an enabled action */
	SIM_ACTOR_BLOCKED,	/* exists, waits for something (reason given) */
	SIM_ACTOR_FINISHED,
};

/* A decoded action, for schedules and traces. */
struct sim_label {
	char actor[48];	/* "W2", "WB/io0" */
	const char *step; /* "write_end" */
	int arg;	/* the choice inside the step (a page for evict), or -1 */
};

/*
 * Partial-order reduction (sim/por.c).  A model that supports it names its
 * resources (at most 64 * SIM_FP_WORDS of them: a lock, a page's flags, a
 * page's bytes...) and describes every actor that is not finished by two
 * footprints over them: `now`, what its enabled steps read and write and what
 * decides whether a step of it is enabled at all (for a blocked actor, what it
 * waits on), and `future`, everything it, and every actor it will create, may
 * still read or write from here on, its next steps included.  Both may say
 * more than the truth, never less.
 *
 * `inc` marks commutative updates of the first word's resources: two steps
 * that only update a resource that way commute with each other (a counter
 * both bump; disjoint parts of a table both change, its version both bump),
 * so they do not conflict; an update conflicts with every read or write of
 * the resource.  A step may use it only if, with every other step that
 * updates the resource that way, the two orders end in the same world and
 * neither enables nor disables the other.
 */
#define SIM_FP_WORDS 7
struct sim_fp {
	uint64_t r[SIM_FP_WORDS], w[SIM_FP_WORDS];
	uint64_t inc; /* resources 0..63 (word 0) updated commutatively */
};
#define SIM_MAX_ACTORS 128
#define SIM_POR_GATES 12
/* gate2 of a part gated by one actor only */
#define SIM_NO_GATE UINT32_MAX
/*
 * A part of an actor's future that it can reach only after another actor (the
 * gate) has taken a step: while the gate is in the persistent set it cannot
 * move outside it, so the part does not count (e.g. writeback cannot write a
 * page again until the IO in flight on it completes).  A part may need steps
 * of two actors (gate2; SIM_NO_GATE if not): it does not count while either
 * is in the set (e.g. writeback cannot write a page locked by a writer, and
 * under writeback, until the writer unlocks it and the IO completes).
 */
#define SIM_POR_ANY 4
struct sim_por_gate {
	uint32_t gate;	/* the gate's actor key */
	uint32_t gate2;	/* a second gate's, or SIM_NO_GATE */
	/*
	 * And, when nany > 0, a step of one of these actors (e.g. writeback
	 * cannot lock a clean folio before a writer dirties it): the part does
	 * not count while all of them are in the set.
	 */
	uint32_t any[SIM_POR_ANY];
	unsigned nany;
	/* the engine's: the gates' indexes among the state's actors (sim/por.c) */
	uint8_t gi, gi2, anyi[SIM_POR_ANY];
	struct sim_fp fp;
};
/*
 * A model fills actor, ngated, now and future (the engine does not clear the
 * rest between states); gated[0..ngated) are set where they are created.
 */
struct sim_por_actor {
	uint32_t actor;	/* the actor key of its actions (struct sim_action) */
	unsigned ngated;
	struct sim_fp now, future;
	struct sim_por_gate gated[SIM_POR_GATES];
};

struct sim_ops {
	/* Fill `out` with the enabled actions, in actor order; return their count. */
	unsigned (*enabled)(void *ctx, const void *world, struct sim_action *out);
	/* Apply one enabled action; returns a mask of the named events it caused. */
	uint32_t (*apply)(void *ctx, void *world, uint32_t action);
	/* Names of the event bits apply() reports (NULL-terminated; may be NULL). */
	const char *const *event_names;
	/*
	 * Optional, for the outcome census: describe a terminal world's outcome
	 * (the final file contents) in `buf`; returns whether it is an expected one.
	 */
	bool (*outcome)(void *ctx, const void *world, char *buf, size_t n);
	/* Representation invariants; 0 if they hold, else write a message. */
	int (*check)(void *ctx, const void *world, char *msg, size_t n);
	/*
	 * Optional: invariants of one transition, `action` taking `before` to
	 * `after`; 0 if they hold, else write a message.  Run wherever check runs,
	 * after check has passed on `after`.
	 */
	int (*check_step)(void *ctx, const void *before, const void *after, uint32_t action,
			  char *msg, size_t n);
	/* Classify a world with no enabled action. */
	enum sim_verdict (*verdict)(void *ctx, const void *world);
	/* Name an action. */
	void (*label)(void *ctx, const void *world, uint32_t action, struct sim_label *out);
	/*
	 * Optional: write the world's compact, injective encoding into `out`
	 * (exactly key_size bytes).  Without it the visited table
	 * keys on the world's bytes.
	 */
	void (*pack)(void *ctx, const void *world, uint8_t *out);
	/*
	 * Optional, with pack: the same encoding of `world`, given `parent`, a
	 * world one action before it, and parent_key, its encoding (a model can
	 * rewrite only what the action changed).
	 */
	void (*repack)(void *ctx, const void *parent, const uint8_t *parent_key, const void *world,
		       uint8_t *out);
	/* Status of an actor by name; `why` says on what it waits when blocked. */
	enum sim_actor_status (*actor_status)(void *ctx, const void *world, const char *actor,
					      char *why, size_t n);
	/*
	 * Optional, for partial-order reduction: every actor that is not
	 * finished, in any order, with its footprints; returns the count (at
	 * most SIM_MAX_ACTORS).  An actor with enabled actions must be listed.
	 */
	unsigned (*por_actors)(void *ctx, const void *world, struct sim_por_actor *out);
	/* Is `step` a step name this actor can ever take? */
	bool (*step_known)(void *ctx, const char *actor, const char *step);
	/*
	 * Optional, for a search on several threads: a copy of the context
	 * that a thread may use while others use theirs (models keep per-step
	 * scratch in it), and its release.  Without them the search runs on
	 * one thread.
	 */
	void *(*ctx_clone)(void *ctx);
	void (*ctx_free)(void *ctx);
};

/* A model instance: its ops, its context, and the size of its worlds. */
struct sim_model {
	const struct sim_ops *ops;
	void *ctx;
	size_t size;
	size_t key_size; /* with ops->pack: the encoding's size */
	/*
	 * Optional (all 0: none): increasing byte offsets splitting the encoding
	 * into up to SIM_KEY_PARTS parts that vary rather independently (a
	 * model's tasks, its page cache, its contents), for the compressed
	 * visited table (sim_explore_opts.compress).  Zeros are ignored.
	 */
	size_t key_splits[3];
};

/* ---- choices and policies ---- */

/* A deterministic PRNG of the engine (splitmix64): same seed, same stream everywhere. */
struct sim_rng {
	uint64_t state;
};
void sim_rng_seed(struct sim_rng *r, uint64_t seed);
uint64_t sim_rng_next(struct sim_rng *r);
/* Uniform in [0, n), without modulo bias. */
uint32_t sim_rng_below(struct sim_rng *r, uint32_t n);

/*
 * Random durations for simulated time (sim/dist.c), in integer arithmetic
 * only: the same draws from every machine and compiler.
 */
enum sim_dist_kind {
	SIM_DIST_FIXED = 0,	/* a */
	SIM_DIST_UNIFORM,	/* uniform in [a, b] */
	SIM_DIST_EXPONENTIAL,	/* mean a */
	SIM_DIST_LOGNORMAL,	/* median a, sigma b / 2^32 (of the underlying normal) */
};
struct sim_dist {
	uint32_t kind;
	uint64_t a, b;
};
uint64_t sim_dist_draw(const struct sim_dist *d, struct sim_rng *r);
/* Uniform in [0, n), n > 0, without modulo bias; n == 0: any 64-bit value. */
uint64_t sim_rng_below64(struct sim_rng *r, uint64_t n);
/* -ln U for U uniform in (0, 1], times 2^32 (a standard exponential deviate). */
uint64_t sim_rng_exp_q32(struct sim_rng *r);
/* A standard normal deviate times 2^32 (Marsaglia's polar method). */
int64_t sim_rng_normal_q32(struct sim_rng *r);
/* base * e^(y / 2^32), saturating. */
uint64_t sim_scale_exp_q32(uint64_t base, int64_t y);

/*
 * Wilson's score interval at 95% for k successes in n trials (0 <= k <= n),
 * from IEEE +, -, *, / and sqrt alone: the same bits everywhere.
 */
void sim_wilson95(uint64_t k, uint64_t n, double *lo, double *hi);

/* One schedule entry: "TASK", "TASK:STEP" or "TASK:STEP@PAGE". */
struct sim_sched_entry {
	char actor[48];
	char step[32];	/* empty: run the actor until it finishes or blocks */
	int arg;	/* -1: none */
	const char *where; /* caller's locator for errors (a JSON pointer), may be NULL */
	const char *text;  /* the entry as written */
};

/* Parse "TASK[:STEP[@PAGE]]"; returns 0, or -1 with a message. */
int sim_sched_parse(const char *text, struct sim_sched_entry *e, char *err, size_t n);

/*
 * The parts of "TASK[:STEP[@PAGE]]" as written, unchecked: the one reading of
 * the syntax, under sim_sched_parse() and the scenario loader's stricter
 * checks.  TASK runs to the first ':' (or the end); STEP from there to the
 * first '@' after it; PAGE is the rest.
 */
struct sim_sched_parts {
	size_t task_len;
	const char *step; /* NULL without ':' */
	size_t step_len;
	const char *page; /* NULL without an '@' after the ':' */
	bool extra_colon; /* a second ':' after the first */
	bool at_in_task;  /* an '@' in TASK (none of it is a page) */
};
void sim_sched_split(const char *text, struct sim_sched_parts *p);

/*
 * SIM_POLICY_TIMED: simulated time.  Each actor's next step happens at a
 * simulated time, in integer nanoseconds: when an actor becomes able to step
 * (it has an enabled action and had none, or it has just stepped), the
 * model's duration hook draws how long that step takes from now, and the
 * step happens then, unless the actor stops being able to step first (it
 * blocks: its draw is forgotten, and a new one is made when it can step
 * again).  The engine takes the earliest step; ties go to the smaller actor
 * key; an actor with several enabled actions (a choice inside its step)
 * takes one of them uniformly.  Every draw comes from the run's seeded
 * stream, so a timed run is an ordinary list of choices.
 */
enum sim_policy_kind { SIM_POLICY_ROUND_ROBIN, SIM_POLICY_RANDOM, SIM_POLICY_TIMED };

/*
 * The duration hook: how many nanoseconds the step `action`, enabled in
 * `world`, takes from the moment its actor can take it.  Draws from `rng`.
 */
typedef uint64_t (*sim_duration_fn)(void *dctx, const void *world, uint32_t action,
				    struct sim_rng *rng);

/* The record of one execution: the choices and the actions they picked. */
struct sim_step {
	uint32_t action;
	uint16_t choice;	/* index into the enabled list */
	uint16_t nenabled;
};

struct sim_run {
	struct sim_step *steps;
	size_t nsteps, cap;
	void *world;	/* the final world */
	bool terminal;	/* no step is enabled in it */
	size_t bad_entry; /* SIM_RUN_SCHEDULE: index of the entry that does not fit */
	enum sim_verdict verdict; /* when terminal */
	/* SIM_POLICY_TIMED: the simulated time of each step, and of the latest (ns) */
	uint64_t *times;
	uint64_t now;
};

/* Called after every applied step (for traces); may be NULL. */
typedef void (*sim_step_cb)(void *cbctx, size_t index, const void *before, const void *after,
			    uint32_t action);

struct sim_run_opts {
	const struct sim_sched_entry *sched;
	size_t nsched;
	enum sim_policy_kind policy;
	uint64_t seed;
	const uint16_t *choices;	/* replay a choice list instead of policies */
	size_t nchoices;
	size_t max_steps;	/* 0: default bound */
	bool check_every_step;	/* run ops->check (and ops->check_step) after every step */
	sim_step_cb cb;
	void *cbctx;
	/* SIM_POLICY_TIMED: the duration of each step (required there) */
	sim_duration_fn duration;
	void *dctx;
};

/* Errors of sim_run_execute. */
enum sim_run_error {
	SIM_RUN_OK = 0,
	SIM_RUN_SCHEDULE,	/* a schedule entry does not fit: message in err */
	SIM_RUN_CHOICE,		/* a replayed choice is out of range */
	SIM_RUN_INVARIANT,	/* ops->check or ops->check_step failed: a bug in the model */
	SIM_RUN_TOO_LONG,
};

/*
 * Execute one execution from `init`: the schedule, then the policy (or the
 * choice list).  The caller frees with sim_run_free().
 */
enum sim_run_error sim_run_execute(const struct sim_model *sm, const void *init,
				   const struct sim_run_opts *o, struct sim_run *out, char *err,
				   size_t errn);
void sim_run_free(struct sim_run *r);

/* ---- exhaustive exploration ---- */

enum sim_order { SIM_ORDER_FORWARD, SIM_ORDER_REVERSE, SIM_ORDER_SHUFFLE };

struct sim_explore_opts {
	uint64_t max_states;	/* 0: no limit */
	unsigned max_depth;	/* 0: no limit */
	double time_limit;	/* seconds; 0: none */
	enum sim_order order;	/* the order children are visited in (counts never change) */
	uint64_t seed;		/* for SIM_ORDER_SHUFFLE */
	/* called about once a second with a progress line; may be NULL */
	void (*progress)(void *pctx, const char *line);
	void *pctx;
	volatile int *stop;	/* set asynchronously (Ctrl-C) to stop cleanly */
	/*
	 * A preemption bound (CHESS): at most this many preemptions per
	 * execution, a preemption being a step by another actor while the
	 * previous step's actor could go on.  The counts are then
	 * of the bounded graph, and the search is complete only if nothing was cut.
	 * Used when bound_preemptions is set.
	 */
	bool bound_preemptions;
	unsigned preemption_bound;
	bool census;		/* count executions per outcome and per event */
	/*
	 * An order constraint (wbsim explain): the hold_n-th action (1-based)
	 * that match(..., 0) accepts may not run until match(..., 1) has accepted
	 * until_n actions.  match() sees the world the action applies to.
	 * Executions the constraint leaves stuck are not executions at all: they
	 * count neither as complete nor as failing.
	 */
	bool constrain;
	bool (*match)(void *mctx, const void *world, uint32_t action, int which);
	void *mctx;
	unsigned hold_n, until_n;
	unsigned all_failing;	/* keep the paths to up to this many failing end states */
	/*
	 * Partial-order reduction (needs ops->por_actors): at each state explore
	 * only a persistent set of the enabled actions.  Every end state is still
	 * reached (verdicts, deadlocks, the census' outcomes), but the counts are
	 * those of the reduced graph.  Not with bound_preemptions or constrain.
	 */
	bool reduce;
	/*
	 * The bytes the search may hold (0: no limit).  An allocation that would
	 * pass it stops the search (stopped_by "max-memory"), as one malloc
	 * refuses does ("out-of-memory"): a partial report, never an abort.
	 */
	size_t max_memory;
	/*
	 * Stop at the first failing end state whose verdict v has bit (1u << v)
	 * set (0: never), as SPIN does by default: stopped_by "first-failure",
	 * the verdict that stopped it in first_verdict.
	 */
	unsigned first;
	/*
	 * Store each state as 4-byte indexes into tables of the distinct parts
	 * of its encoding (split at sm->key_splits, or in halves), in the
	 * way of SPIN's COLLAPSE: exact, less memory when few parts combine into
	 * many states, some time for the second lookup.  Not in bounded searches.
	 */
	bool compress;
	/*
	 * Threads (1 or 0: one).  The results of a complete search do not
	 * depend on them: every state is visited once, by the thread that
	 * claims it, and folds its children in the model's order.  Searches
	 * whose results depend on the order of the visit run on one thread:
	 * census, all_failing, bounds and the constraint, first, max_states,
	 * max_depth.  Helpers start once the search holds
	 * parallel_from states (0: SIM_PARALLEL_FROM), so small searches pay
	 * nothing for them.
	 */
	unsigned threads;
	uint64_t parallel_from;
};

#define SIM_MAX_THREADS 64
#define SIM_PARALLEL_FROM 65536

/* One distinct outcome of the census. */
struct sim_outcome {
	char *text;
	bool expected;
	bool failing;
	struct sim_count executions;
	uint16_t *path;		/* the choices of one shortest execution reaching it */
	size_t path_len;
};

/* A path as choice indexes. */
struct sim_path {
	uint16_t *choices;
	size_t len;
	uint32_t *ids;	/* internal: the action ids, before they become choices */
};

struct sim_explore_result {
	/*
	 * Non-empty when the search failed (sim_explore returned -1): a limit of
	 * the engine ("internal limit: ...") or a model bug it caught ("internal
	 * error: ...").  The counts are then meaningless.
	 */
	char error[256];
	bool complete;		/* the whole space was explored */
	/* why not: "max-states", "max-depth", "time-limit", "interrupt", "preemption-bound",
	 * "max-memory", "out-of-memory", "first-failure", "error" */
	const char *stopped_by;
	uint64_t states, transitions, end_states;
	struct sim_count executions, failing; /* exact, of any size */
	bool reduced;		/* the counts are of the reduced graph (opts.reduce) */
	unsigned max_depth;
	enum sim_verdict verdict; /* of the shortest failing execution, or SAFE */
	enum sim_verdict first_verdict; /* opts.first: of the failure that stopped it, or SAFE */
	uint16_t *cex;		/* its choices */
	size_t cex_len;
	double seconds;
	size_t key_bytes;	/* bytes of one state's key */
	size_t table_bytes;	/* the visited table besides the path counters */
	size_t counter_bytes;	/* the path counters: two 64-bit words per state, and the
				 * arena of the counts that do not fit in 63 bits */
	size_t memory_bytes;	/* the most the search held at once (its own accounting) */
	unsigned threads;	/* how many threads searched */
	unsigned cex_preemptions; /* of the counterexample (bounded search) */
	bool pruned;		/* the preemption bound cut some execution */
	/* census */
	struct sim_outcome *outcomes;
	size_t noutcomes;
	struct sim_count event_executions[32]; /* executions in which event bit i happens */
	unsigned nevents;
	/* all_failing */
	struct sim_path *failing_paths;
	size_t nfailing_paths;
};

/*
 * Explore every execution from `init`.  Returns 0, or -1 when the search
 * failed (res->error says why).  Either way the caller frees with
 * sim_explore_result_free().  Debug builds (WBSIM_CHECK_EVERY_STEP) run
 * ops->check and ops->check_step on every transition.
 */
int sim_explore(const struct sim_model *sm, const void *init, const struct sim_explore_opts *o,
		struct sim_explore_result *res);
void sim_explore_result_free(struct sim_explore_result *res);
/*
 * The persistent set of a state (sim/por.c): reorder acts so that the actions
 * to explore come first, keeping their order; returns how many.  `scratch`
 * holds SIM_MAX_ACTORS entries.  Returns n (no reduction) when the model
 * cannot describe the state.
 */
unsigned sim_por_select(const struct sim_model *sm, const void *world, struct sim_action *acts,
			unsigned n, struct sim_por_actor *scratch);


#endif
