/* SPDX-License-Identifier: MIT */
/* cmd_fstest.c - wbsim fstest: an fstests test from a trace (placeholder). */
#include "app/app.h"

int cmd_fstest(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "wbsim fstest: not yet\n");
	return EXIT_USAGE;
}
