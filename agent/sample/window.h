/* SPDX-License-Identifier: GPL-2.0 */
/* A sampling window shared by `report` and `place`: drain samples until time or a signal. */
#ifndef NP_WINDOW_H
#define NP_WINDOW_H

#include "sample/sampler.h"

/*
 * Sample for duration seconds, with a countdown on stderr when it is a terminal. SIGINT and
 * SIGTERM end the window early (the caller still reports); they are reset afterwards.
 * Returns the fault samples consumed.
 */
int np_sample_window(struct np_sampler *sampler, double duration);

#endif
