/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The measured latency and bandwidth matrix (`topo --measure`, helper h14-measure). Until that
 * lands, this header holds only the shared struct and a loader that finds no cache, so the
 * predictions (policy/predict.h) fall back on the SLIT distances.
 */
#ifndef NP_MEASURE_H
#define NP_MEASURE_H

#include <stdbool.h>

#include "topo/topo.h"

struct np_measure {
	int nnodes; /* in topo->nodes order */
	int node_ids[NP_MAX_NODES];
	double latency_ns[NP_MAX_NODES][NP_MAX_NODES]; /* [cpu node i][memory node j] */
	double read_gbps[NP_MAX_NODES][NP_MAX_NODES];
	bool valid;
};

/* The cached matrix for this topology and kernel, if any (no measuring). 0 or -ENOENT. */
int np_measure_load(const struct np_topo *topo, struct np_measure *m);

#endif
