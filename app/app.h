/* SPDX-License-Identifier: MIT */
/* app.h - the command line's shared pieces: loading a job, options, output helpers. */
#ifndef WBSIM_APP_H
#define WBSIM_APP_H

#include <stdbool.h>
#include <stdio.h>

#include "model/oracle.h"
#include "model/scenario.h"
#include "model/json_diag.h"
#include "model/world.h"
#include "sim/sim.h"

/* Exit codes (docs/cli.md). */
enum {
	EXIT_OK = 0,
	EXIT_FAILURE_FOUND = 1,
	EXIT_USAGE = 2,
	EXIT_INTERNAL = 3,
	EXIT_NO_VERDICT = 4,
};

#define WB_MAX_SETTINGS 32

/* Settings from the command line, applied in the order given (--check, --set). */
struct wb_cli_settings {
	const char *kv[WB_MAX_SETTINGS];
	char buf[WB_MAX_SETTINGS][64];
	size_t n;
	const char *cmd; /* the command, for its usage errors (set by wb_cli_setting_add) */
};

/* Add --check MODE (key 'c'), --kernel V ('k') or --set KEY=VALUE ('S'); an exit code. */
int wb_cli_setting_add(struct wb_cli_settings *set, const char *cmd, int key, const char *arg);
/*
 * A settings list ("K=V,K=V") whose pieces are all KEY=VALUE or a bare
 * validity_check mode ("off", the shorthand of expect keys): 0, or -1 with
 * "expected KEY=VALUE, got 'WORD' ..." in err.
 */
int wb_settings_words_check(const char *list, char *err, size_t n);
/*
 * "  reproduce: wbsim run PATH [--kernel V] [--check MODE] [--set K=V]...
 * --schedule LIST": the command line's settings in their order, each word
 * quoted for the shell where needed.
 */
void wb_print_reproduce(const char *path, const struct wb_cli_settings *set, const char *schedule);
/* "wbsim run PATH [options] --schedule LIST\n" to f, for a settings list "K=V,K=V". */
void wb_fprint_run(FILE *f, const char *path, const char *settings, const char *schedule);

/* A scenario with its resolved config, its model and initial world. */
struct wb_job {
	struct wb_scenario *sc;
	struct wb_config cfg;
	struct wb_model m;
	struct sim_model sm;
	void *init;
	const struct wb_schedule *schedule; /* the one for this mode, or NULL */
};

/* Load a scenario and apply settings; prints diagnostics and returns an exit code. */
int wb_job_open(struct wb_job *job, const char *path, const struct wb_cli_settings *set);
/* The same for an already loaded scenario (check), settings as one "K=V,K=V" key. */
int wb_job_from(struct wb_job *job, struct wb_scenario *sc, const char *settings, char *err,
		size_t n);
/* A job for a loaded scenario with a given config (the job then owns sc). */
void wb_job_with_config(struct wb_job *job, struct wb_scenario *sc, const struct wb_config *cfg);
void wb_job_close(struct wb_job *job);
/* "validity_check=off, writeback_revalidate=true" */
void wb_settings_text(const struct wb_config *cfg, char *buf, size_t n);
/* The config as key/value strings (at most WB_MAX_SWITCHES + 1 pairs), for JSON and traces. */
void wb_config_json_pairs(const struct wb_config *cfg, const char **k, const char **v, size_t *n);

/* Parse a schedule (strings) into entries; entry errors go to err. */
int wb_schedule_entries(char **texts, size_t n, const char *pointer,
			struct sim_sched_entry **out, char *err, size_t errn);
/* Split "A,B:c,D" into strings (malloc'd array of malloc'd strings). */
char **wb_split_list(const char *s, size_t *n);
void wb_free_list(char **v, size_t n);

/* The decimal text of a count (malloc'd). */
char *wb_count_text(const struct sim_count *c);

/* A choice list as a --schedule string that reproduces it step for step. */
char *wb_choices_schedule(struct wb_job *job, const uint16_t *choices, size_t n,
			  unsigned *preemptions);

/* A finished execution, re-executed with descriptions and provenance. */
struct wb_step_rec {
	char actor[48];
	const char *step;
	const char *models;	/* the kernel function the step models (its actor's step table) */
	int arg;
	uint16_t choice;
	char *desc;		/* what changed, in words */
	uint32_t seq_after, i_size_after;
	char *extents;		/* the extent map after the step */
	char *mapping;		/* a writer's cached mapping during the step, or NULL */
	char *folios;		/* the pages the step touched, after it ("page 1: ...\n") */
	struct wb_footprint fp;
	uint32_t events;
};
struct wb_exec {
	struct wb_step_rec *steps;
	size_t nsteps, cap;
	bool terminal;
	struct wb_report report;
	struct wb_prov prov;
	char *states; /* --state text after every step, NUL-separated per step (or NULL) */
	size_t *state_off;
};
/* Replay choices with full recording; returns 0 or an error code with err set. */
int wb_exec_record(struct wb_job *job, const uint16_t *choices, size_t n, bool with_state,
		   struct wb_exec *ex, char *err, size_t errn);
void wb_exec_free(struct wb_exec *ex);

const char *wb_verdict_name(enum sim_verdict v);

/* Write the trace file (docs/json.md) atomically; returns 0 or -1 (message printed). */
int wb_trace_write(const char *path, struct wb_job *job, const uint16_t *choices, size_t n,
		   const struct wb_exec *ex);

/* A trace file, read and checked (jansson types stay opaque here). */
struct json_t;
struct wb_trace {
	struct wb_json_src src;	/* the file's text, for located errors */
	struct json_t *root;
	struct wb_scenario *sc; /* the embedded scenario, loaded */
	struct wb_config cfg;
	uint16_t *choices;
	size_t nchoices;
	struct json_t *steps;
	const char *verdict;
};
/* JSON pieces shared by the commands' --json output and the trace file. */
struct json_t *wb_report_json(const struct wb_report *r);
struct json_t *wb_config_json(const struct wb_config *cfg);

/* Read a trace; prints the error (path and JSON pointer) and returns -1 if bad. */
int wb_trace_read(const char *path, struct wb_trace *tr);
/* The same from a text already read (malloc'd, NUL-terminated; the trace owns it): PATH names it. */
int wb_trace_read_text(const char *path, char *text, size_t len, struct wb_trace *tr);
/* Read a trace and build its job (owning the scenario); an exit code, the error printed. */
int wb_trace_open(const char *path, struct wb_trace *tr, struct wb_job *job);
int wb_trace_open_text(const char *path, char *text, size_t len, struct wb_trace *tr,
		       struct wb_job *job);
/* "PATH: error: ..." on stderr; returns -1. */
/*
 * Report an error in a trace file: a message "/pointer: what" is located at the
 * value the pointer names (PATH:LINE:COL, the line and a caret), like a
 * scenario's; any other message is reported against the file.  Returns -1.
 */
int wb_trace_error(const struct wb_trace *tr, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void wb_trace_free(struct wb_trace *tr);

/*
 * run/explore --dot FILE and --svg FILE: the diagram of a recorded execution,
 * drawn from it directly (dot_render.c); nothing to do when both are NULL.
 * An exit code, the error printed.
 */
int wb_dot_outputs(struct wb_job *job, const struct wb_exec *ex, const char *dot, const char *svg);

int cmd_run(int argc, char **argv);
int cmd_replay(int argc, char **argv);
int cmd_explain(int argc, char **argv);
int cmd_explore(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_dot(int argc, char **argv);
int cmd_matrix(int argc, char **argv);
/*
 * The kind of a recorded failure (cmd_shrink.c): "write_begin", "eof-zeroing",
 * "writeback", "block-<STATE>", "exposure", "deadlock", or the name of the
 * step that put the wrong bytes there.
 */
void wb_failure_kind(const struct wb_job *job, const struct wb_exec *ex, char *out, size_t n);
typedef void (*wb_failure_kind_fn)(const struct wb_job *job, const struct wb_exec *ex, char *out,
				   size_t n);

/* A scenario shrunk by wb_shrink_scenario(). */
struct wb_shrunk {
	char *text;		/* the smallest failing scenario found (JSON, malloc'd) */
	uint16_t *cex;		/* its counterexample's choices */
	size_t len;
	enum sim_verdict verdict;
	char kind[64];
	bool shortest;		/* a shortest counterexample of its kind (a full search ended) */
	size_t tasks0, tasks;	/* before and after */
	unsigned pages0, pages;
	unsigned tried, kept;	/* candidates */
};
/*
 * wbsim shrink as a function (cmd_shrink.c): shrink the scenario `text`
 * (reported as `path`) under `settings` ("K=V,K=V", or "") keeping a failure
 * whose kind(), `kind` being wb_failure_kind or a caller's finer one, is
 * `want` (any: NULL), each candidate searched with `cand_states` states per
 * search order.  Deterministic: no clock decides anything.  1: shrunk (out
 * filled; wb_shrunk_free), 0: the scenario does not fail, 4: no such failure
 * within the budget, -1: error (printed).
 */
int wb_shrink_scenario(const char *path, const char *text, const char *settings,
		       wb_failure_kind_fn kind, const char *want, uint64_t cand_states,
		       struct wb_shrunk *out);
void wb_shrunk_free(struct wb_shrunk *r);

/* The smallest sets of fix switches that make a scenario safe from a base (cmd_matrix.c). */
struct wb_fixes {
	const char *base_verdict; /* "safe", "corrupt", "deadlock", "unknown" */
	unsigned size;		/* of the smallest safe sets; 0: none found */
	char **sets;		/* each "k=v, k=v" (malloc'd) */
	size_t nsets;
	size_t nundecided;	/* subsets no larger whose exploration a budget stopped */
	char searched[400];	/* the candidate switches, "k=v, k=v" */
};
/*
 * From the scenario's config with `base` ("K=V,K=V") applied, search the
 * smallest sets of fix switches that make `sc` safe, each verdict one
 * exploration with the options `eo` (as wbsim matrix does).  0, or -1 when
 * base does not apply (err set).
 */
int wb_matrix_fixes(struct wb_scenario *sc, const char *base, const struct sim_explore_opts *eo,
		    struct wb_fixes *out, char *err, size_t n);
void wb_fixes_free(struct wb_fixes *f);

int cmd_shrink(int argc, char **argv);
int cmd_fstest(int argc, char **argv);
int cmd_hunt(int argc, char **argv);
int cmd_simulate(int argc, char **argv);

/* Option parsing helpers. */
int wb_parse_u64(const char *s, unsigned long long *out);
/*
 * getopt's '?' for a command (main sets opterr = 0): "wbsim CMD: error:
 * unknown option '--x'" or "option '--seed' needs a value", and the Try line.
 * Returns EXIT_USAGE.
 */
struct option;
int wb_bad_option(const char *cmd, char **argv, const struct option *longopts);
/*
 * Put a finished temporary output file in place: rename it over `path`, or,
 * when `path` exists and is not a regular file (a device, a FIFO, a symlink),
 * copy it into `path` in place, never replacing it.  0, or -1 with errno; the
 * temporary file is gone either way.
 */
int wb_commit_output(const char *tmp, const char *path);
/* Write text to PATH.tmp.PID and commit it over path; 0, or -1 with errno and no file left. */
int wb_write_text(const char *path, const char *text, size_t len);
/*
 * SIGINT, SIGTERM and SIGHUP set wb_interrupted (the signal) instead of
 * killing: exploring commands pass it as their search's stop flag and end
 * with a partial report, and no temporary file is left half written.
 */
extern volatile int wb_interrupted;
/* A command's own stop flag that a signal sets too (NULL: none). */
extern volatile int *wb_stop_also;
void wb_catch_signals(void);
/* Can an output file be written at `path` (checked before a long search)?  An exit code. */
int wb_output_check(const char *cmd, const char *opt, const char *path);
/* Flush and close stdout: a command's exit code, or EXIT_USAGE (2) if its output was lost. */
int wb_finish_stdout(int rc);
/* --time-limit SECONDS: an exit code, the usage error printed. */
int wb_parse_seconds(const char *cmd, const char *s, double *out);
void wb_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* SIZE: bytes, or with a K, M, G or T suffix (powers of 1024); 0, or -1 if not a size. */
int wb_parse_size(const char *s, size_t *out);
/*
 * The memory an exploration may hold by default: 80% of the least of the
 * physical memory, the cgroup's memory.max and the address-space and data
 * rlimits, whichever are set.
 */
size_t wb_default_max_memory(void);
/* The default of --threads: the processors this process may run on. */
unsigned wb_default_threads(void);
/* Parse --threads N (1 to SIM_MAX_THREADS); an exit code, the error printed. */
int wb_parse_threads(const char *cmd, const char *arg, unsigned *out);

#endif
