// SPDX-License-Identifier: GPL-2.0
/* Target choice of the fleet policy (see fleet_targets.h): pure, over plain structs. */
#include <stdio.h>
#include <stdlib.h>

#include "lib/pages.h"
#include "policy/fleet_targets.h"
#include "policy/plan.h"

#define PAGES_PER_GB (NP_PAGES_PER_MB * 1024.0)

static struct np_fleet_room *room_of(struct np_fleet_pass *pass, int node)
{
	for (int i = 0; i < pass->nrooms; i++)
		if (pass->rooms[i].id == node)
			return &pass->rooms[i];
	return NULL;
}

/* Destinations: nodes with CPUs whose id the per-node arrays can index. */
void np_fleet_rooms_init(struct np_fleet_pass *pass, const struct np_topo *topo)
{
	pass->nrooms = 0;
	for (int i = 0; i < topo->nnodes; i++) {
		const struct np_node *node = &topo->nodes[i];
		long reserve_mb = pass->params->reserve_mb >= 0 ? pass->params->reserve_mb
								: np_plan_default_reserve_mb(node);
		int cpus = np_cpuset_count(&node->cpus);

		if (node->id < 0 || node->id >= NP_BPF_MAX_NODES || !cpus)
			continue;
		pass->rooms[pass->nrooms++] = (struct np_fleet_room){
			.id = node->id,
			.pages = (long long)np_kb_pages(node->mem_free_kb) -
				 (long long)np_mb_pages((uint64_t)reserve_mb),
			.cpus = cpus,
		};
	}
}

/* Pages it would bring to node: its own pages there need no free memory. */
static long long need(const struct np_fleet_work *w, int node)
{
	return (long long)(w->resident - w->proc->pages[node]);
}

/* Whether its cgroup cpuset lets it run and allocate on node (a CPU-only target only). */
static bool allowed(const struct np_fleet_work *w, int node)
{
	return !w->proc->allowed_nodes || (w->proc->allowed_nodes >> node & 1);
}

static bool fits(const struct np_fleet_work *w, const struct np_fleet_room *r)
{
	return allowed(w, r->id) && need(w, r->id) <= r->pages &&
	       w->proc->busy_cpus <= r->cpus + 1e-9;
}

static void promise(struct np_fleet_pass *pass, const struct np_fleet_work *w, int node,
		    bool cpu_only)
{
	struct np_fleet_room *r = room_of(pass, node);

	if (!r)
		return;
	r->pages -= need(w, node);
	r->cpus -= w->proc->busy_cpus;
	r->cpu_only += cpu_only;
}

static int memory_percent(const struct np_fleet_work *w, int node)
{
	return w->resident ? (int)(100 * w->proc->pages[node] / w->resident) : 0;
}

/* Set a target and promise room where it will actually be (kept: its assigned node). */
static void target(struct np_fleet_pass *pass, struct np_fleet_work *w, int node, bool cpu_only)
{
	const struct np_fleet_entry *e = w->entry;

	w->target = node;
	w->kept = e->placed && node != e->assigned_node && (e->left_nodes >> node & 1);
	promise(pass, w, w->kept ? e->assigned_node : node, cpu_only);
}

/* Larger first (resident pages, then busy CPUs), then by pid: a deterministic order. */
static int larger_first(const void *a, const void *b)
{
	const struct np_fleet_work *x = *(const struct np_fleet_work *const *)a,
				   *y = *(const struct np_fleet_work *const *)b;

	if (x->resident != y->resident)
		return x->resident > y->resident ? -1 : 1;
	if (x->proc->busy_cpus != y->proc->busy_cpus)
		return x->proc->busy_cpus > y->proc->busy_cpus ? -1 : 1;
	return x->proc->pid < y->proc->pid ? -1 : x->proc->pid > y->proc->pid;
}

/* Policy node or accelerator node: settled, whatever the others do. */
static void target_settled(struct np_fleet_pass *pass, struct np_fleet_work *w)
{
	const struct np_fleet_proc *p = w->proc;
	int node = p->policy.fixed_node != NP_NO_NODE ? p->policy.fixed_node : p->device_node;

	if (!room_of(pass, node)) {
		snprintf(w->why, sizeof(w->why),
			 "node %d (%s) is not a node of this host with CPUs", node,
			 p->policy.fixed_node != NP_NO_NODE ? "its policy" : "its accelerator");
		return;
	}
	if (p->policy.fixed_node != NP_NO_NODE)
		snprintf(w->why, sizeof(w->why), "its policy names node %d", node);
	else
		snprintf(w->why, sizeof(w->why), "its accelerator is on node %d", node);
	target(pass, w, node, false);
}

/*
 * A placed CPU-only process stays where it is, unless most of its memory has gone to another
 * node (its own node full, say) and that node has room for the rest of it.
 */
static void target_placed(struct np_fleet_pass *pass, struct np_fleet_work *w, bool drifted)
{
	int assigned = w->entry->assigned_node, m = w->memory_node;
	struct np_fleet_room *r = room_of(pass, m);

	if (!drifted) {
		snprintf(w->why, sizeof(w->why), "placed on node %d", assigned);
		target(pass, w, assigned, true);
	} else if (r && (fits(w, r) || (allowed(w, m) && (w->entry->left_nodes >> m & 1)))) {
		snprintf(w->why, sizeof(w->why), "node %d now holds %d%% of its memory", m,
			 memory_percent(w, m));
		target(pass, w, m, true);
	} else {
		snprintf(w->why, sizeof(w->why),
			 "placed on node %d; node %d holds %d%% of its memory but has no room for "
			 "it",
			 assigned, m, memory_percent(w, m));
		target(pass, w, assigned, true);
	}
}

/* One per node: where it fits, among the fewest CPU-only instances, with most room left. */
static struct np_fleet_room *spread_choice(struct np_fleet_pass *pass,
					   const struct np_fleet_work *w)
{
	struct np_fleet_room *best = NULL;

	for (int i = 0; i < pass->nrooms; i++) {
		struct np_fleet_room *r = &pass->rooms[i];
		long long left, best_left;

		if (!fits(w, r))
			continue;
		if (!best || r->cpu_only < best->cpu_only) {
			best = r;
			continue;
		}
		if (r->cpu_only > best->cpu_only)
			continue;
		left = r->pages - need(w, r->id);
		best_left = best->pages - need(w, best->id);
		if (left > best_left ||
		    (left == best_left && w->proc->pages[r->id] > w->proc->pages[best->id]))
			best = r;
	}
	return best;
}

/* The unplaced CPU-only processes whose memory is mostly on node m: together, or spread. */
static void target_group(struct np_fleet_pass *pass, struct np_fleet_work **group, int n, int m)
{
	struct np_fleet_room *home = room_of(pass, m);
	long long bring = 0;
	double busy = 0;
	char spread[128] = "";

	for (int i = 0; i < n; i++) {
		bring += need(group[i], m);
		busy += group[i]->proc->busy_cpus;
		if (!allowed(group[i], m))
			home = NULL; /* a cpuset keeps one of them off it: each where it fits */
	}
	if (home && bring <= home->pages && busy <= home->cpus + 1e-9) {
		for (int i = 0; i < n; i++) {
			int len = snprintf(group[i]->why, sizeof(group[i]->why),
					   "node %d holds %d%% of its memory", m,
					   memory_percent(group[i], m));

			if (n > 1)
				snprintf(group[i]->why + len, sizeof(group[i]->why) - len,
					 "; the %d CPU-only instances there fit together", n);
			target(pass, group[i], m, true);
		}
		return;
	}
	if (room_of(pass, m) && !home)
		snprintf(spread, sizeof(spread), "a cgroup cpuset keeps one of them off node %d",
			 m);
	else if (home)
		snprintf(spread, sizeof(spread),
			 "%.1f busy CPUs for %.0f, %.1f GB to bring for %.1f GB free", busy,
			 home->cpus, bring / PAGES_PER_GB,
			 (home->pages > 0 ? home->pages : 0) / PAGES_PER_GB);
	else
		snprintf(spread, sizeof(spread), "it has no CPUs");
	qsort(group, n, sizeof(*group), larger_first);
	for (int i = 0; i < n; i++) {
		struct np_fleet_work *w = group[i];
		struct np_fleet_room *r = spread_choice(pass, w);

		if (!r) {
			snprintf(w->why, sizeof(w->why),
				 "needs %.1f busy CPUs and %.1f GB on one node: no node has room",
				 w->proc->busy_cpus, w->resident / PAGES_PER_GB);
			continue;
		}
		if (n > 1)
			snprintf(w->why, sizeof(w->why),
				 "spread: the %d CPU-only instances with memory on node %d do not "
				 "fit there together (%s)",
				 n, m, spread);
		else
			snprintf(w->why, sizeof(w->why),
				 "node %d holds %d%% of its memory but does not fit it (%s)", m,
				 memory_percent(w, m), spread);
		target(pass, w, r->id, true);
	}
}

void np_fleet_choose_targets(struct np_fleet_pass *pass, struct np_fleet_work **order)
{
	int n = 0;

	/* settled nodes and placed processes staying put promise their room first */
	for (int i = 0; i < pass->nwork; i++) {
		struct np_fleet_work *w = &pass->work[i];
		const struct np_fleet_proc *p = w->proc;

		if (w->interleave) /* spread over nodes: it takes no one node's room */
			continue;
		if (p->policy.fixed_node != NP_NO_NODE || p->device_node != NP_NO_NODE)
			target_settled(pass, w);
		else if (w->entry->placed && (w->memory_node == NP_NO_NODE ||
					      w->memory_node == w->entry->assigned_node))
			target_placed(pass, w, false);
		else if (w->entry->placed || w->memory_node != NP_NO_NODE)
			order[n++] = w;
		else
			snprintf(w->why, sizeof(w->why),
				 "no resident memory and no accelerator: nothing to decide on");
	}
	qsort(order, n, sizeof(*order), larger_first);

	/* placed processes whose memory went elsewhere, larger first */
	for (int i = 0; i < n; i++)
		if (order[i]->entry->placed)
			target_placed(pass, order[i], true);

	/* unplaced CPU-only processes, grouped by the node holding most of their memory */
	for (int m = 0; m < NP_BPF_MAX_NODES; m++) {
		int count = 0;

		for (int i = 0; i < n; i++)
			if (!order[i]->entry->placed && order[i]->memory_node == m)
				order[count++ + n] = order[i];
		if (count)
			target_group(pass, order + n, count, m);
	}
}
