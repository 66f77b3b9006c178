/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The process's signal handling, set up here and nowhere else. A sampling window is ended by
 * SIGINT or SIGTERM through a flag it polls (window.h); `run` reads its signals from a
 * signalfd between intervals.
 */
#ifndef NP_CLI_SIGNALS_H
#define NP_CLI_SIGNALS_H

#include <signal.h>

/*
 * From now on SIGINT and SIGTERM only set the flag returned (cleared first), until
 * np_cli_release_stop(). Returns the flag.
 */
const volatile sig_atomic_t *np_cli_catch_stop(void);

/*
 * SIGINT and SIGTERM as they were before np_cli_catch_stop() (to kill, by default). Returns
 * the signal that came meanwhile, 0 if none.
 */
int np_cli_release_stop(void);

/* SIGINT, SIGTERM and SIGHUP blocked and readable from the fd returned, or -errno. */
int np_cli_signalfd(void);

#endif
