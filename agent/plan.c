// SPDX-License-Identifier: GPL-2.0
/* Placement policy (see plan.h): decisions only, from plain structs. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "plan.h"

long np_plan_default_reserve_mb(const struct np_node *node)
{
	long five_percent = (long)(node->mem_total_kb / 1024 / 20);

	return five_percent > 256 ? five_percent : 256;
}

static void warn(struct np_plan *plan, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void warn(struct np_plan *plan, const char *fmt, ...)
{
	va_list ap;

	if (plan->nwarnings == NP_PLAN_MAX_WARNINGS)
		return;
	va_start(ap, fmt);
	vsnprintf(plan->warnings[plan->nwarnings++], sizeof(plan->warnings[0]), fmt, ap);
	va_end(ap);
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
			warn(plan, "node %d offers %d CPUs for %d busy threads: they will share",
			     node->id, np_cpuset_count(&plan->cpus), busy);
		if (opts->allowed && np_cpuset_count(&plan->cpus) < np_cpuset_count(&node->cpus))
			warn(plan, "the process is bound by a cpuset: %d of node %d's %d CPUs are "
				   "allowed",
			     np_cpuset_count(&plan->cpus), node->id, np_cpuset_count(&node->cpus));
	}

	/* memory: everything off the target, as far as the reserve allows */
	if ((opts->only & NP_PLAN_ONLY_MEMORY) && proc->has_residency) {
		long reserve_mb = opts->reserve_mb >= 0 ? opts->reserve_mb
							: np_plan_default_reserve_mb(node);

		for (int n = 0; n < NP_BPF_MAX_NODES; n++)
			if (n != node->id)
				plan->pages_to_move += proc->residency.pages[n];
		plan->reserve_pages = (__u64)reserve_mb * 256;
		free_pages = node->mem_free_kb / 4;
		plan->pages_planned = free_pages > plan->reserve_pages
					      ? free_pages - plan->reserve_pages
					      : 0;
		if (plan->pages_planned > plan->pages_to_move)
			plan->pages_planned = plan->pages_to_move;
		if (plan->pages_planned < plan->pages_to_move)
			warn(plan, "node %d has %llu MB free and keeps %ld MB in reserve: %llu of "
				   "%llu MB can move",
			     node->id, (unsigned long long)node->mem_free_kb / 1024, reserve_mb,
			     (unsigned long long)plan->pages_planned / 256,
			     (unsigned long long)plan->pages_to_move / 256);
		if (opts->max_rate_mbps > 0)
			plan->est_seconds = plan->pages_planned / 256.0 / opts->max_rate_mbps;
	}

	/* irqs: steered to the same CPUs; irqbalance would undo it unless told */
	if (opts->only & NP_PLAN_ONLY_IRQS) {
		for (int i = 0; i < opts->nirqs && plan->nirqs < NP_PLAN_MAX_IRQS; i++)
			plan->irqs[plan->nirqs++] = opts->irqs[i];
		if (plan->nirqs && opts->irqbalance_running)
			warn(plan, "irqbalance runs: its ban list will hold these %d IRQs",
			     plan->nirqs);
	}

	/* balancing: AutoNUMA scanning fights pinning and stalls serving latency */
	if (opts->only & NP_PLAN_ONLY_BALANCING)
		plan->balancing = opts->balancing;
	if (plan->balancing.choice == NP_BALANCING_KEEP && topo->kernel.numa_balancing > 0 &&
	    (opts->only & NP_PLAN_ONLY_THREADS))
		warn(plan, "numa_balancing is on: with the process pinned, its scanning only "
			   "costs latency; --balancing off is advised");
	return 0;
}

int np_plan_parse_only(const char *text, unsigned int *only)
{
	static const char *const names[] = { "threads", "memory", "irqs", "balancing" };
	char copy[128], *save = NULL;

	*only = 0;
	if (snprintf(copy, sizeof(copy), "%s", text) >= (int)sizeof(copy))
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
