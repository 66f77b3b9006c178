// SPDX-License-Identifier: GPL-2.0
/* What a single-target plan buys: the plan described to predict.h. Pure. */
#include <stdlib.h>
#include <string.h>

#include "policy/plan.h"

void np_plan_expect(const struct np_topo *topo, const struct np_proc_model *proc,
		    const struct np_plan_opts *opts, struct np_plan *plan)
{
	struct np_predict_plan pp = {
		.target_node = plan->target_node,
		.threads = opts->only & NP_PLAN_ONLY_THREADS,
		.memory = (opts->only & NP_PLAN_ONLY_MEMORY) && !plan->memory_refused[0],
		.pages_planned = plan->pages_planned,
	};
	__u64 guess[NP_BPF_MAX_NODES];
	const __u64 *cpu = proc->totals.cpu_ns;
	struct np_accel_pick pick;

	/* place --sample 0 (or auto on a short move) samples no CPU time */
	if (!np_node_sum(cpu)) {
		np_predict_cpu_guess(topo, opts->affinity ? opts->affinity : opts->allowed, guess);
		cpu = guess;
	}
	/* an interleave: over its nodes, each holding its share */
	if (plan->interleave.on) {
		pp.interleave = plan->interleave.nodes;
		memcpy(pp.share, plan->interleave.share, sizeof(pp.share));
	}
	np_accel_pick(topo, &proc->accel, &pick);
	np_predict(topo, opts->measure, cpu, proc->residency.pages,
		   proc->accel.ndevices ? pick.node : NP_NO_NODE, &pp, &plan->expected);
	if (!proc->has_residency)
		plan->expected.valid = false;
}

void np_plan_expect_recommended(const struct np_topo *topo, const struct np_measure *m,
				const struct np_proc_model *proc, struct np_expected *e)
{
	struct np_plan_opts opts = { .target_node = proc->target_node,
				     .only = NP_PLAN_ONLY_THREADS | NP_PLAN_ONLY_MEMORY,
				     .reserve_mb = -1,
				     .measure = m };
	struct np_plan *plan = calloc(1, sizeof(*plan));
	char msg[160];

	e->valid = false;
	e->source = "slit";
	if (plan && !np_plan_make(topo, proc, &opts, plan, msg, sizeof(msg)))
		*e = plan->expected;
	free(plan);
}
