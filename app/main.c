/* SPDX-License-Identifier: MIT */
/* main.c - wbsim's command line: dispatch to the commands. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "app/app.h"
#include "sim/xmalloc.h"

static void main_help(FILE *out)
{
	char versions[64];

	wb_kernel_versions(versions, sizeof(versions), "", ", ", " or ");
	fprintf(out,
		"wbsim %s - a deterministic simulator of the stale-iomap race between buffered\n"
		"writes, writeback and reclaim in Linux's iomap and XFS (fixed in 6.2).\n"
		"\n"
		"usage:\n"
		"  wbsim run      SCENARIO [--check MODE] [--kernel V] [--set KEY=VALUE]...\n"
		"                          [--schedule LIST] [--seed N] [--state] [--trace-out FILE]\n"
		"                          [--dot FILE] [--svg FILE] [--json]\n"
		"  wbsim explore  SCENARIO [--check MODE] [--kernel V] [--set KEY=VALUE]...\n"
		"                          [--max-states N] [--max-depth N] [--time-limit SECONDS]\n"
		"                          [--max-memory SIZE] [--order forward|reverse|shuffle]\n"
		"                          [--census] [--fewest-preemptions] [--preemption-bound K]\n"
		"                          [--all-failing N] [--trace-out FILE] [--dot FILE]\n"
		"                          [--svg FILE] [--reduce | --full] [--compress] [--first]\n"
		"                          [--threads N] [--json] [--quiet]\n"
		"  wbsim replay   TRACE [--at N] [--json]\n"
		"  wbsim dot      TRACE [-o FILE.dot] [--svg FILE.svg] [--steps-only] [--focus]\n"
		"                       [--compare [SETTINGS SETTINGS]]\n"
		"  wbsim explain  TRACE [--time-limit SECONDS]\n"
		"  wbsim check    SCENARIO|DIR ... [--time-limit SECONDS] [--json]\n"
		"  wbsim matrix   SCENARIO [--base SETTINGS]... [--time-limit SECONDS]\n"
		"                          [--total-time SECONDS] [--max-states N] [--max-memory SIZE]\n"
		"                          [--reduce | --full] [--json | --md] [--quiet]\n"
		"  wbsim shrink   SCENARIO -o FILE [--check MODE] [--kernel V] [--set KEY=VALUE]...\n"
		"                          [--trace-out FILE] [--time-limit SECONDS]\n"
		"                          [--candidate-states N] [--quiet]\n"
		"  wbsim fstest   TRACE -o DIR [--number NNN]\n"
		"  wbsim hunt     SPACE --count N --seed S -o DIR [--kernel V]... [--set KEY=VALUE]...\n"
		"                       [--max-states N] [--jobs N] [--shard I/N] [--json] [--quiet]\n"
		"  wbsim hunt     --merge DIR... -o DIR [--json] [--quiet]\n"
		"  wbsim hunt     SPACE --seed S --draw I\n"
		"  wbsim simulate SCENARIO [--runs N] [--seed S] [--threads N] [--timing FILE]\n"
		"                          [--vary KEY=V1,V2,...] [--svg FILE] [--trace-out FILE]\n"
		"                          [--check MODE] [--kernel V] [--set KEY=VALUE]...\n"
		"                          [--json] [--quiet]\n"
		"  wbsim --help | -V | --version (and COMMAND --help)\n"
		"\n"
		"V is %s: every switch as in that kernel.\n"
		"MODE is off (6.1), after_lock (the 6.2 fix) or before_lock (a check placed too early).\n"
		"Exit: 0 no failure, 1 corruption or deadlock found, 2 bad input, 3 internal error,\n"
		"4 no verdict (a limit stopped exploration).\n",
		WBSIM_VERSION, versions);
}

static int main_dispatch(int argc, char **argv)
{
	if (argc < 2) {
		main_help(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		main_help(stdout);
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
		/* The project version; the commit when configured in a git checkout. */
		if (WBSIM_COMMIT[0])
			printf("wbsim %s (git %s)\n", WBSIM_VERSION, WBSIM_COMMIT);
		else
			printf("wbsim %s\n", WBSIM_VERSION);
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "run"))
		return cmd_run(argc - 1, argv + 1);
	if (!strcmp(argv[1], "explore"))
		return cmd_explore(argc - 1, argv + 1);
	if (!strcmp(argv[1], "replay"))
		return cmd_replay(argc - 1, argv + 1);
	if (!strcmp(argv[1], "explain"))
		return cmd_explain(argc - 1, argv + 1);
	if (!strcmp(argv[1], "check"))
		return cmd_check(argc - 1, argv + 1);
	if (!strcmp(argv[1], "dot"))
		return cmd_dot(argc - 1, argv + 1);
	if (!strcmp(argv[1], "matrix"))
		return cmd_matrix(argc - 1, argv + 1);
	if (!strcmp(argv[1], "shrink"))
		return cmd_shrink(argc - 1, argv + 1);
	if (!strcmp(argv[1], "fstest"))
		return cmd_fstest(argc - 1, argv + 1);
	if (!strcmp(argv[1], "hunt"))
		return cmd_hunt(argc - 1, argv + 1);
	if (!strcmp(argv[1], "simulate"))
		return cmd_simulate(argc - 1, argv + 1);
	fprintf(stderr, "wbsim: error: unknown command '%s'\nTry 'wbsim --help'.\n", argv[1]);
	return EXIT_USAGE;
}

int main(int argc, char **argv)
{
	opterr = 0; /* the commands say what is wrong in their own words (wb_bad_option) */
	/* the JSON library's allocations end cleanly too (exit 4), never a silently missing member */
	json_set_alloc_funcs(wb_xmalloc, free);
	return wb_finish_stdout(main_dispatch(argc, argv));
}
