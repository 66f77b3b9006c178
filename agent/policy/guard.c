// SPDX-License-Identifier: GPL-2.0
/* The never-worse guard (see guard.h): a decision and its words, from plain structs. */
#include <stdio.h>
#include <string.h>

#include "lib/pages.h"
#include "policy/guard.h"

/* Its memory's nodes worth naming (1% of it or more), and the target. */
static __u64 holding_nodes(const struct np_residency *res, __u64 resident, int target)
{
	__u64 nodes = target < 64 ? 1ULL << target : 0;

	for (int n = 0; n < NP_BPF_MAX_NODES; n++)
		if (res->pages[n] && res->pages[n] * 100 >= resident)
			nodes |= 1ULL << n;
	return nodes;
}

static void alternatives(struct np_guard *g, const struct np_proc_model *proc,
			 const struct np_plan *plan)
{
	struct np_cpuset set = { .bits = { g->holding } };
	char nodes[64];

	np_cpulist_format(&set, nodes, sizeof(nodes));
	if (__builtin_popcountll(g->holding) > 1)
		snprintf(g->alternatives[g->nalternatives++], sizeof(g->alternatives[0]),
			 "interleave it over the nodes that hold it: numaplace place --pid %d "
			 "--interleave %s",
			 proc->info.pid, nodes);
	if (g->free_pages)
		snprintf(g->alternatives[g->nalternatives++], sizeof(g->alternatives[0]),
			 "free %.0f MB on node %d, then place it there (all of it fits)",
			 np_pages_mb(g->free_pages) + 0.5, plan->target_node);
	snprintf(g->alternatives[g->nalternatives++], sizeof(g->alternatives[0]),
		 "carry out this plan all the same: numaplace place --pid %d --node %d --force",
		 proc->info.pid, plan->target_node);
}

void np_guard_check(const struct np_proc_model *proc, const struct np_plan *plan, unsigned int only,
		    __u64 stay_pages, struct np_guard *g)
{
	int t = plan->target_node;
	__u64 movable, moved = 0;

	memset(g, 0, sizeof(*g));
	if (!proc->has_residency || t < 0 || t >= NP_BPF_MAX_NODES ||
	    !(only & (NP_PLAN_ONLY_THREADS | NP_PLAN_ONLY_MEMORY)))
		return;
	g->resident = np_node_sum(proc->residency.pages);
	movable = plan->pages_to_move > stay_pages ? plan->pages_to_move - stay_pages : 0;
	if ((only & NP_PLAN_ONLY_MEMORY) && !plan->memory_refused[0])
		moved = plan->pages_planned < movable ? plan->pages_planned : movable;
	g->on_target = proc->residency.pages[t] + moved;
	if (!g->resident || g->on_target * 2 >= g->resident)
		return;
	g->declined = true;
	if ((only & NP_PLAN_ONLY_MEMORY) && !plan->memory_refused[0] && movable > moved &&
	    (proc->residency.pages[t] + movable) * 2 >= g->resident)
		g->free_pages = movable - moved;
	g->holding = holding_nodes(&proc->residency, g->resident, t);
	snprintf(g->why, sizeof(g->why),
		 "the plan would leave %.0f of its %.0f MB (%.0f%%) off node %d: most of its "
		 "reads would stay remote",
		 np_pages_mb(g->resident - g->on_target), np_pages_mb(g->resident),
		 100.0 * (double)(g->resident - g->on_target) / (double)g->resident, t);
	alternatives(g, proc, plan);
}
