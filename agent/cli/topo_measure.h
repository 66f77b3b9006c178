/* SPDX-License-Identifier: GPL-2.0 */
/* `topo --measure`: measuring with progress on a terminal, and keeping the result. */
#ifndef NP_CLI_TOPO_MEASURE_H
#define NP_CLI_TOPO_MEASURE_H

#include "topo/measure.h"

/*
 * Measure this host into m (progress on stderr when it is a terminal), then replace the
 * cached matrix as root, or say that it is not kept. NP_EXIT_OK, or NP_EXIT_RUNTIME after a
 * message when nothing could be measured.
 */
int np_cli_measure(const struct np_topo *topo, struct np_measure *m);

#endif
