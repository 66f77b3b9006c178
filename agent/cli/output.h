/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The end of a command's output: what it printed must have reached its file (a full disk, a
 * closed pipe, /dev/full), else the command fails with a message instead of exiting 0 with
 * its output lost.
 */
#ifndef NP_CLI_OUTPUT_H
#define NP_CLI_OUTPUT_H

#include <stdio.h>

/*
 * Flush out (closed too unless it is stdout) and check that no write to it failed. 0, or
 * NP_EXIT_RUNTIME after "CMD: writing NAME: why" (command NULL: "writing NAME: why"); stdout's
 * error is then cleared, so that what was told is not told again.
 */
int np_cli_output_done(const char *command, FILE *out, const char *name);

#endif
