/* SPDX-License-Identifier: GPL-2.0 */
/* The processes a command was asked about: --pid's and --match's, for report and top. */
#ifndef NP_PROC_CHOOSE_H
#define NP_PROC_CHOOSE_H

#include <sys/types.h>

/*
 * pid_arg's processes (they must exist) and those whose comm or command line matches match
 * (an extended regex; never numaplace itself), into *pids (caller frees). NP_EXIT_OK, or after
 * "COMMAND: ..." NP_EXIT_USAGE (a bad list, no such process, a bad regex, no match) or
 * NP_EXIT_RUNTIME.
 */
int np_cli_choose_processes(const char *command, const char *pid_arg, const char *match,
			    pid_t **pids, int *npids);

#endif
