// SPDX-License-Identifier: GPL-2.0
/* Placement policy (see plan.h): decisions only, from plain structs. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "lib/pages.h"
#include "policy/plan.h"

long np_plan_default_reserve_mb(const struct np_node *node)
{
	long five_percent = (long)(node->mem_total_kb / 1024 / 20);

	return five_percent > 256 ? five_percent : 256;
}

void np_plan_warn(struct np_plan *plan, const char *fmt, ...)
{
	va_list ap;

	if (plan->nwarnings == NP_PLAN_MAX_WARNINGS)
		return;
	va_start(ap, fmt);
	vsnprintf(plan->warnings[plan->nwarnings++], sizeof(plan->warnings[0]), fmt, ap);
	va_end(ap);
}

/* "node 0" or "nodes 0-1,3" */
static void format_nodes(__u64 nodes, char *buf, size_t len)
{
	struct np_cpuset set = { .bits = { nodes } };
	int n = snprintf(buf, len, "node%s ", __builtin_popcountll(nodes) > 1 ? "s" : "");

	if (n >= 0 && (size_t)n < len)
		np_cpulist_format(&set, buf + n, len - n);
}

/*
 * A memory policy that takes new pages off the target node. move_pages(2) does not consult
 * the policy, only the cpuset's mems: in the place-policy-2node scenario (6.1 guest) 98% of
 * a bind:0 process's 65 MB moved to node 1, the rest being pages shared with other
 * processes. The moved pages stay: AutoNUMA moves pages under a policy only when it carries
 * the balancing flag, and for bind then only to a node of the policy (mpol_misplaced()).
 * But the policy still decides where new pages come from, wherever the threads run: 32 MB
 * touched after place by a thread on node 1 landed on node 0. Bind and prefer take them from
 * their nodes, interleave spreads them over all of its nodes, the target among them or not.
 */
static void warn_policy(struct np_plan *plan, const struct np_residency *res, unsigned int only)
{
	static const char *const options[] = {
		[NP_MPOL_PREFER] = "--preferred",
		[NP_MPOL_PREFER_MANY] = "--preferred-many",
		[NP_MPOL_BIND] = "--membind",
		[NP_MPOL_INTERLEAVE] = "--interleave",
		[NP_MPOL_WEIGHTED_INTERLEAVE] = "--weighted-interleave",
	};
	__u64 target = 1ULL << plan->target_node, nodes = res->policy_nodes;
	__u64 total = np_node_sum(res->pages) + res->beyond;
	bool spread = res->policy_kind == NP_MPOL_INTERLEAVE ||
		      res->policy_kind == NP_MPOL_WEIGHTED_INTERLEAVE;
	char policy[64], where[64], lead[160], fate[160], advice[96];

	if (res->policy_kind == NP_MPOL_DEFAULT || !nodes ||
	    (spread ? nodes == target : (nodes & target) != 0))
		return;
	np_mpol_format(res->policy_kind, nodes, policy, sizeof(policy));
	format_nodes(nodes, where, sizeof(where));

	if (res->policy_pages >= total)
		snprintf(lead, sizeof(lead), "its memory policy is %s (numactl %s)", policy,
			 options[res->policy_kind]);
	else
		snprintf(lead, sizeof(lead), "the memory policy of %llu of its %llu MB is %s",
			 (unsigned long long)np_pages_mb_floor(res->policy_pages),
			 (unsigned long long)np_pages_mb_floor(total), policy);

	if (res->policy_kind == NP_MPOL_BIND)
		snprintf(fate, sizeof(fate), "still come only from %s", where);
	else if (!spread)
		snprintf(fate, sizeof(fate), "still come from %s while %s room", where,
			 __builtin_popcountll(nodes) > 1 ? "they have" : "it has");
	else if (res->policy_kind == NP_MPOL_WEIGHTED_INTERLEAVE)
		snprintf(fate, sizeof(fate), "are still spread over %s by weight", where);
	else if (nodes & target)
		snprintf(fate, sizeof(fate), "are still spread over %s, %d in %d off node %d",
			 where, __builtin_popcountll(nodes) - 1, __builtin_popcountll(nodes),
			 plan->target_node);
	else
		snprintf(fate, sizeof(fate), "are still spread over %s", where);

	if (res->policy_pages < total)
		snprintf(advice, sizeof(advice), "the mappings carry it (mbind, a tmpfs mpol=)");
	else
		snprintf(advice, sizeof(advice), "restart it with numactl %s=%d to keep them local",
			 res->policy_kind == NP_MPOL_BIND ? "--membind" : "--preferred",
			 plan->target_node);
	if (only & NP_PLAN_ONLY_MEMORY)
		np_plan_warn(plan, "%s: pages moved to node %d stay there, but new ones %s; %s",
			     lead, plan->target_node, fate, advice);
	else
		np_plan_warn(plan, "%s: with its threads on node %d, new pages %s; %s", lead,
			     plan->target_node, fate, advice);
}

/*
 * A target outside the cpuset's memory nodes: move_pages(2) would refuse every page (-EACCES),
 * so nothing is planned to move and the plan says why, before any page is touched.
 */
static void plan_mems(struct np_plan *plan, const struct np_plan_opts *opts)
{
	char mems[64];

	if (!opts->allowed_mems || plan->target_node >= 64 ||
	    (opts->allowed_mems >> plan->target_node & 1) || !plan->pages_to_move)
		return;
	format_nodes(opts->allowed_mems, mems, sizeof(mems));
	snprintf(plan->memory_refused, sizeof(plan->memory_refused),
		 "node %d is not a memory node of the process's cpuset (%s): the kernel would "
		 "refuse every page",
		 plan->target_node, mems);
	plan->pages_planned = 0;
	np_plan_warn(plan, "memory stays: %s", plan->memory_refused);
}

int np_plan_make(const struct np_topo *topo, const struct np_proc_model *proc,
		 const struct np_plan_opts *opts, struct np_plan *plan, char *msg, size_t msglen)
{
	int index = np_topo_node_index(topo, opts->target_node), busy;
	const struct np_node *node;
	__u64 free_pages;

	memset(plan, 0, sizeof(*plan));
	plan->target_node = opts->target_node;
	if (index < 0 || opts->target_node >= NP_BPF_MAX_NODES) {
		snprintf(msg, msglen, "node %d is not an online node of this host", opts->target_node);
		return -EINVAL;
	}
	node = &topo->nodes[index];
	if (opts->cpuset_conflict && (opts->only & (NP_PLAN_ONLY_THREADS | NP_PLAN_ONLY_MEMORY))) {
		snprintf(msg, msglen, "%s", opts->cpuset_conflict);
		return -EXDEV;
	}

	/* threads: the node's CPUs, within the cpuset the process may use */
	for (size_t w = 0; w < NP_ARRAY_SIZE(plan->cpus.bits); w++)
		plan->cpus.bits[w] = node->cpus.bits[w] &
				     (opts->allowed ? opts->allowed->bits[w] : ~0ULL);
	if ((opts->only & NP_PLAN_ONLY_THREADS) && !np_cpuset_count(&plan->cpus)) {
		snprintf(msg, msglen, "no CPU of node %d is in the process's cpuset", node->id);
		return -EINVAL;
	}
	if (opts->only & NP_PLAN_ONLY_THREADS) {
		plan->nthreads = proc->nthreads;
		busy = np_busy_threads(proc, opts->window_ns);
		if (busy > np_cpuset_count(&plan->cpus))
			np_plan_warn(plan,
				     "node %d offers %d CPUs for %d busy threads: they will share",
				     node->id, np_cpuset_count(&plan->cpus), busy);
		if (opts->allowed && np_cpuset_count(&plan->cpus) < np_cpuset_count(&node->cpus))
			np_plan_warn(
				plan,
				"the process is bound by a cpuset: %d of node %d's %d CPUs are "
				"allowed",
				np_cpuset_count(&plan->cpus), node->id,
				np_cpuset_count(&node->cpus));
	}

	/* memory: everything off the target, as far as the reserve allows */
	if ((opts->only & NP_PLAN_ONLY_MEMORY) && proc->has_residency) {
		long reserve_mb = opts->reserve_mb >= 0 ? opts->reserve_mb
							: np_plan_default_reserve_mb(node);

		for (int n = 0; n < NP_BPF_MAX_NODES; n++)
			if (n != node->id)
				plan->pages_to_move += proc->residency.pages[n];
		plan->reserve_pages = np_mb_pages((__u64)reserve_mb);
		free_pages = np_kb_pages(node->mem_free_kb);
		plan->pages_planned = free_pages > plan->reserve_pages
					      ? free_pages - plan->reserve_pages
					      : 0;
		if (plan->pages_planned > plan->pages_to_move)
			plan->pages_planned = plan->pages_to_move;
		plan_mems(plan, opts);
		if (plan->pages_planned < plan->pages_to_move && !plan->memory_refused[0])
			np_plan_warn(
				plan,
				"node %d has %llu MB free and keeps %ld MB in reserve: %llu of "
				"%llu MB can move",
				node->id, (unsigned long long)node->mem_free_kb / 1024, reserve_mb,
				(unsigned long long)np_pages_mb_floor(plan->pages_planned),
				(unsigned long long)np_pages_mb_floor(plan->pages_to_move));
		if (opts->max_rate_mbps > 0 && !plan->memory_refused[0])
			plan->est_seconds = np_pages_mb(plan->pages_planned) / opts->max_rate_mbps;
	}

	/* new memory: a policy naming other nodes outlasts both the move and the pinning */
	if ((opts->only & (NP_PLAN_ONLY_MEMORY | NP_PLAN_ONLY_THREADS)) && proc->has_residency &&
	    !plan->memory_refused[0]) /* the cpuset's mems, not the policy, keep pages off */
		warn_policy(plan, &proc->residency, opts->only);

	/* irqs: steered to the same CPUs; irqbalance would undo it unless told */
	if (opts->only & NP_PLAN_ONLY_IRQS) {
		for (int i = 0; i < opts->nirqs && plan->nirqs < NP_PLAN_MAX_IRQS; i++)
			plan->irqs[plan->nirqs++] = opts->irqs[i];
		if (plan->nirqs && opts->irqbalance_running)
			np_plan_warn(plan, "irqbalance runs: its ban list will hold these %d IRQs",
				     plan->nirqs);
	}

	/* balancing: AutoNUMA scanning fights pinning and stalls serving latency */
	if (opts->only & NP_PLAN_ONLY_BALANCING)
		plan->balancing = opts->balancing;
	if (plan->balancing.choice == NP_BALANCING_KEEP && topo->kernel.numa_balancing > 0 &&
	    (opts->only & NP_PLAN_ONLY_THREADS))
		np_plan_warn(plan,
			     "numa_balancing is on: with the process pinned, its scanning only "
			     "costs latency; --balancing off is advised");
	np_plan_pause(proc, opts, plan);
	np_plan_expect(topo, proc, opts, plan);
	return 0;
}

int np_plan_parse_only(const char *text, unsigned int *only)
{
	static const char *const names[] = { "threads", "memory", "irqs", "balancing" };
	char copy[128], *save = NULL;

	*only = 0;
	/* strtok_r would skip an empty item ("threads,", ",memory"): a list has none */
	if (snprintf(copy, sizeof(copy), "%s", text) >= (int)sizeof(copy) || !text[0] ||
	    text[0] == ',' || text[strlen(text) - 1] == ',' || strstr(text, ",,"))
		return -EINVAL;
	for (char *w = strtok_r(copy, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		unsigned int bit = 0;

		for (size_t i = 0; i < NP_ARRAY_SIZE(names); i++)
			if (!strcmp(w, names[i]))
				bit = 1u << i;
		if (!bit || (*only & bit))
			return -EINVAL;
		*only |= bit;
	}
	return *only ? 0 : -EINVAL;
}
