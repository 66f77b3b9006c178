/* SPDX-License-Identifier: GPL-2.0 */
/* A sampling window shared by `report` and `place`: drain samples until time or a stop. */
#ifndef NP_WINDOW_H
#define NP_WINDOW_H

#include <signal.h>

#include "sample/sampler.h"

/*
 * Sample for duration seconds, with a countdown on stderr when it is a terminal, or until
 * *stop is set (the command's signal handler sets it: the window installs none). Returns the
 * fault samples consumed.
 */
int np_sample_window(struct np_sampler *sampler, double duration,
		     const volatile sig_atomic_t *stop);

#endif
