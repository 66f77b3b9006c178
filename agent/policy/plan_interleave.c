// SPDX-License-Identifier: GPL-2.0
/*
 * The plan of an interleave (see plan.h): what np_plan_make decides for IRQs and balancing,
 * with the threads on the CPUs of every node of the set and the memory by each node's share
 * (interleave.c).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "lib/pages.h"
#include "policy/plan.h"

/* Threads: every CPU of the nodes within the cpuset. */
static int plan_threads(const struct np_topo *topo, const struct np_proc_model *proc,
			const struct np_plan_opts *opts, __u64 nodes, struct np_plan *plan,
			char *msg, size_t msglen)
{
	char list[128];
	int busy, ncpus;

	np_interleave_cpus(topo, nodes, opts->allowed, &plan->cpus);
	ncpus = np_cpuset_count(&plan->cpus);
	if (!(opts->only & NP_PLAN_ONLY_THREADS))
		return 0;
	np_interleave_format(nodes, list, sizeof(list));
	if (!ncpus) {
		snprintf(msg, msglen, "no CPU of nodes %s is in the process's cpuset", list);
		return -EINVAL;
	}
	plan->nthreads = proc->nthreads;
	busy = np_busy_threads(proc, opts->window_ns);
	if (busy > ncpus)
		np_plan_warn(plan, "nodes %s offer %d CPUs for %d busy threads: they will share",
			     list, ncpus, busy);
	if (topo->kernel.numa_balancing > 0 && plan->balancing.choice == NP_BALANCING_KEEP)
		np_plan_warn(plan,
			     "numa_balancing is on: it moves interleaved pages back to the node "
			     "reading them most; --balancing off is advised");
	return 0;
}

/* Memory: each node of the set its share; what no node has room for stays. */
static void plan_memory(const struct np_topo *topo, const struct np_proc_model *proc,
			const struct np_plan_opts *opts, struct np_plan *plan)
{
	struct np_interleave *il = &plan->interleave;

	if (!(opts->only & NP_PLAN_ONLY_MEMORY) || !proc->has_residency)
		return;
	np_interleave_shares(topo, &proc->residency, il->nodes, opts->reserve_mb, il);
	plan->pages_to_move = np_interleave_pages_to_move(topo, il);
	plan->pages_planned = plan->pages_to_move;
	for (int i = 0; i < topo->nnodes; i++)
		plan->reserve_pages += il->reserve_pages[i];
	if (il->pages_short)
		np_plan_warn(
			plan,
			"the nodes keep their reserves: %llu of its %llu MB find no room there "
			"and stay",
			(unsigned long long)np_pages_mb_floor(il->pages_short),
			(unsigned long long)np_pages_mb_floor(il->pages_total));
	if (opts->max_rate_mbps > 0)
		plan->est_seconds = np_pages_mb(plan->pages_planned) / opts->max_rate_mbps;
}

int np_plan_interleave(const struct np_topo *topo, const struct np_proc_model *proc,
		       const struct np_plan_opts *opts, __u64 nodes, struct np_plan *plan,
		       char *msg, size_t msglen)
{
	struct np_plan_opts rest = *opts;
	int err;

	if (!nodes) {
		snprintf(msg, msglen, "no node to interleave over");
		return -EINVAL;
	}
	/* IRQs and balancing as for one node; the lowest node stands for the set there */
	rest.target_node = __builtin_ctzll(nodes);
	rest.only = opts->only & (NP_PLAN_ONLY_IRQS | NP_PLAN_ONLY_BALANCING);
	err = np_plan_make(topo, proc, &rest, plan, msg, msglen);
	if (err)
		return err;
	plan->interleave.on = true;
	plan->interleave.nodes = nodes;
	plan->interleave.nnodes = __builtin_popcountll(nodes);
	err = plan_threads(topo, proc, opts, nodes, plan, msg, msglen);
	if (!err) {
		plan_memory(topo, proc, opts, plan);
		np_plan_pause(proc, opts, plan);
		np_plan_expect(topo, proc, opts, plan); /* what spreading it buys */
	}
	return err;
}
