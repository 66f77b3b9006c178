/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The command line of every command, read one way: the same words for the same mistake and
 * exit 2 (an unknown option, an option without its value, a value that is not what it should
 * be, a stray argument), --help from the command's usage. Values are parsed strictly.
 */
#ifndef NP_ARGS_H
#define NP_ARGS_H

#include <getopt.h>
#include <stdio.h>
#include <sys/types.h>

/* One command's options being read. */
struct np_args {
	const char *command; /* "place": the first word of every message */
	int argc;
	char **argv; /* argv[0] is the command's name */
	const struct option *options;
	const char *shortopts;	  /* getopt's, "h" at least: -h is --help */
	void (*usage)(FILE *out); /* --help */
	int opt;		  /* the option being read: its val */
	int exit_code;		  /* after NP_ARGS_STOP: 0 after --help, 2 after a message */
};

#define NP_ARGS_STOP (-1)

/*
 * The next option's val (optarg holds its value), 0 when every option was read, or
 * NP_ARGS_STOP: --help was printed, or a mistake was (exit_code says which). The first call
 * starts at argv[1].
 */
int np_args_next(struct np_args *a);

/* Stop reading with this exit code (after the caller's own message): NP_ARGS_STOP. */
int np_args_stop(struct np_args *a, int exit_code);

/* "CMD: --OPTION 'VALUE': why", NP_ARGS_STOP with exit_code 2. printf-like why. */
int np_args_bad(struct np_args *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * The value of the option being read as a decimal integer in [min, max]; else "CMD: --OPTION
 * 'VALUE': expected WHAT (MIN to MAX)" and NP_ARGS_STOP.
 */
int np_args_ulong(struct np_args *a, unsigned long min, unsigned long max, const char *what,
		  unsigned long *out);

/* ... as a file name: not empty (which would name files like ".lock" in the working directory). */
int np_args_file(struct np_args *a, const char **out);

/* ... as seconds ("10", "2.5"), > 0 and <= max; else "... expected WHAT (at most MAX)". */
int np_args_seconds(struct np_args *a, double max, const char *what, double *out);

/* A decimal integer in [min, max]. Returns 0 or -EINVAL / -ERANGE. */
int np_parse_ulong(const char *text, unsigned long min, unsigned long max, unsigned long *out);

/* Seconds as "10" or "2.5" (decimal digits, one '.'), > 0 and <= max. */
int np_parse_seconds(const char *text, double max, double *out);

/* "123,456": positive pids, no duplicates. Caller frees *pids. */
int np_parse_pid_list(const char *text, pid_t **pids, int *count);

#endif
