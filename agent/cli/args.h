/* SPDX-License-Identifier: GPL-2.0 */
/* Parsing of command-line values: strict, with the reason in the message buffer. */
#ifndef NP_ARGS_H
#define NP_ARGS_H

#include <sys/types.h>

/* A decimal integer in [min, max]. Returns 0 or -EINVAL / -ERANGE. */
int np_parse_ulong(const char *text, unsigned long min, unsigned long max, unsigned long *out);

/* Seconds as "10" or "2.5", > 0 and <= max. */
int np_parse_seconds(const char *text, double max, double *out);

/* "123,456": positive pids, no duplicates. Caller frees *pids. */
int np_parse_pid_list(const char *text, pid_t **pids, int *count);

#endif
