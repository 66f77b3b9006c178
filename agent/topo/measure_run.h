/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Measuring the latency and bandwidth matrix (`topo --measure`), like Intel MLC's: for every
 * CPU node i and memory node j, the idle latency of a dependent-load chase through a random
 * cycle of cache lines in a buffer allocated on node j (much larger than the last-level cache),
 * from a thread pinned to a CPU of node i; and the read bandwidth of one thread per CPU of node
 * i, pinned, streaming its slice of that buffer. Touches memory and runs threads of its own, so
 * it is not in policy/; changes nothing outside this process.
 */
#ifndef NP_MEASURE_RUN_H
#define NP_MEASURE_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "topo/measure.h"

/*
 * The whole run's time budget (setting up every buffer and measuring every cell) for two nodes
 * or more; one node's single cell gets a quarter of it, as each of two nodes' four cells does.
 */
#define NP_MEASURE_BUDGET_S 30.0
/* The buffer: at least 4x the LLC and at least this, within half the node's free memory */
#define NP_MEASURE_MIN_BUFFER (256ULL << 20)
/* A node with less room than this for the buffer is not measured (its column is null). */
#define NP_MEASURE_TINY_BUFFER (16ULL << 20)

struct np_measure_opts {
	double budget_s; /* 0: np_measure_budget() */
	/* before each cell, cell of ncells (0-based), the node ids; may be NULL */
	void (*progress)(void *ctx, int cell, int ncells, int cpu_node, int mem_node,
			 double cell_s);
	void *ctx;
};

/*
 * Measure every cell into m (source "measured", measured_at now). 0 when at least one cell was
 * measured (the others NAN, msg says why), else -errno and msg.
 */
int np_measure_run(const struct np_topo *topo, const struct np_measure_opts *o,
		   struct np_measure *m, char *msg, size_t msglen);

/* The largest cache size under root's cpu0/cache/index<N>/size ("32768K", "32M"), 0 if none. */
uint64_t np_llc_bytes(const char *root);

/* Pure: the buffer for a node: max(4 * llc, NP_MEASURE_MIN_BUFFER), within free / 2, 2 MB units. */
uint64_t np_measure_buffer_bytes(uint64_t llc, uint64_t free_bytes);

/* Pure: the default budget for nnodes nodes, in seconds. */
double np_measure_budget(int nnodes);

/* Pure: a cell's seconds from what is left of the budget and the cells still to measure. */
double np_measure_cell_budget(double left_s, int cells_left);

/* The kernels (measure_kernels.c), on a buffer of n cache lines already on its node. */
/* Link the lines into one random cycle (Sattolo); 0 or -ENOMEM. */
int np_chase_build(void *buf, size_t nlines, uint64_t seed);
/* ns per dependent load, from a thread pinned to cpu, for about seconds; NAN on error. */
double np_chase_ns(void *buf, int cpu, double seconds);
/* GB/s read by one pinned thread per CPU of cpus (ncpus), for about seconds; NAN on error. */
double np_stream_gbps(const void *buf, size_t len, const int *cpus, int ncpus, double seconds);

#endif
