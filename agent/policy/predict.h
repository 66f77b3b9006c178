/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a plan buys, predicted from the model (README: "The model", predictions). Pure code:
 * CPU time and pages by node in, a few numbers out.
 *
 * The process's threads read all of its memory uniformly (the model's assumption: inference
 * streams its weights), each node's threads in proportion to their CPU time there.
 *  - remote share: the share of its reads that leave the reading CPU's node,
 *    sum_i w_i (1 - p_i), w the CPU-time shares by node, p the page shares.
 *  - accelerator-local share: p of its accelerator's node.
 *  - read rate change: a memory-bound process reads at a rate inversely proportional to its
 *    mean time per read T = sum_i w_i sum_j p_j t(i,j); the change is T_before / T_after
 *    (1.8: 80% faster). t(i,j) for CPUs of node i reading memory of node j:
 *      SLIT: distance(i,j) / 10 (the firmware's relative latency, local 10);
 *      measured: half latency, half bandwidth, each relative to the local mean:
 *        t = 0.5 latency_ns(i,j) / mean local latency + 0.5 mean local GB/s / read_gbps(i,j)
 *      (decoding streams weights, bandwidth-bound; attention and KV lookups are dependent
 *      loads, latency-bound; the model does not know the mix, so it weighs them equally).
 * Limits: compute-bound phases (prefill) gain nothing; caches, hot pages read more often than
 * cold ones, and contention between processes are not modelled; GPU memory is not host memory.
 */
#ifndef NP_PREDICT_H
#define NP_PREDICT_H

#include "model/model.h"
#include "topo/measure.h"

/* Where threads and memory go, as predict needs it. */
struct np_predict_plan {
	int target_node;	    /* single target: its id */
	__u64 interleave;	    /* node ids bit mask: an interleave over them (target unused) */
	double share[NP_MAX_NODES]; /* interleave: each node's share, in topo->nodes order */
	bool threads;		    /* the threads move (onto the target, or over the set's CPUs) */
	bool memory;		    /* the memory moves */
	__u64 pages_planned;	    /* single target: pages that move onto it */
};

struct np_expected {
	bool valid;		    /* false: no resident page, nothing to predict */
	double remote_share_before; /* NAN: no CPU time known */
	double remote_share_after;
	double accel_local_share_before; /* NAN: no accelerator node */
	double accel_local_share_after;
	double read_rate_change; /* NAN: no CPU time known */
	const char *source;	 /* "measured" or "slit" */
};

/*
 * Predict. cpu_ns and pages are indexed by node id (NP_BPF_MAX_NODES entries); accel_node is
 * NP_NO_NODE without one; m NULL or not valid (or of another layout): the SLIT distances.
 */
void np_predict(const struct np_topo *topo, const struct np_measure *m, const __u64 *cpu_ns,
		const __u64 *pages, int accel_node, const struct np_predict_plan *plan,
		struct np_expected *out);

/*
 * CPU weights by node id when no CPU time was sampled: the CPUs it may run on (allowed, NULL:
 * all), where the scheduler spreads it.
 */
void np_predict_cpu_guess(const struct np_topo *topo, const struct np_cpuset *allowed,
			  __u64 *cpu_ns);

/* "remote reads 100% -> 2%, read rate x1.8 (from SLIT distances)" */
void np_expected_text(const struct np_expected *e, char *buf, size_t len);

#endif
