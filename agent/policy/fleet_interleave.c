// SPDX-License-Identifier: GPL-2.0
/*
 * Placement across nodes in the fleet policy (fleet.h rule 6): which processes are
 * interleaved rather than placed on one node, and when. A process that fits on no node
 * within the reserve would get only part of its memory onto any one node and read the rest
 * remotely from its threads there; one whose GPUs sit on several nodes reads from all of them.
 * Spread over the nodes, its reads are remote on average as much, but they use every node's
 * memory bandwidth and no node runs out. Once interleaved it is left so: its pages stay where
 * they were put, and the node rules (hysteresis, follow-ups) do not apply to it.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "lib/pages.h"
#include "policy/fleet_targets.h"
#include "policy/interleave.h"

#define PAGES_PER_GB (NP_PAGES_PER_MB * 1024.0)

/* Nodes with CPUs and memory, within its cpuset (allowed_nodes already means both). */
static __u64 spread_nodes(const struct np_topo *topo, const struct np_fleet_proc *p)
{
	__u64 nodes = 0;

	for (int i = 0; i < topo->nnodes; i++) {
		const struct np_node *n = &topo->nodes[i];

		if (n->id >= 0 && n->id < NP_BPF_MAX_NODES && n->mem_total_kb &&
		    np_cpuset_count(&n->cpus) &&
		    (!p->allowed_nodes || (p->allowed_nodes >> n->id & 1)))
			nodes |= 1ULL << n->id;
	}
	return nodes;
}

/* The most a node could take of it (its own pages there and the room above the reserve). */
static long long best_room(const struct np_fleet_pass *pass, const struct np_fleet_work *w)
{
	long long best = 0;

	for (int i = 0; i < pass->nrooms; i++) {
		const struct np_fleet_room *r = &pass->rooms[i];
		long long room = r->pages + (long long)w->proc->pages[r->id];

		if ((!w->proc->allowed_nodes || (w->proc->allowed_nodes >> r->id & 1)) &&
		    room > best)
			best = room;
	}
	return best;
}

/* Why it is to be interleaved under its placement; false: it is placed on one node. */
static bool wants(const struct np_fleet_pass *pass, const struct np_fleet_work *w, __u64 nodes,
		  char *why, size_t len)
{
	const struct np_fleet_proc *p = w->proc;
	long long room;

	if (p->policy.placement == NP_PLACEMENT_INTERLEAVE) {
		snprintf(why, len, "its placement is interleave");
		return true;
	}
	if (p->policy.placement != NP_PLACEMENT_AUTO || __builtin_popcountll(nodes) < 2)
		return false;
	if (p->accel_nodes > 1) {
		snprintf(why, len, "placement auto: its GPUs span %d nodes", p->accel_nodes);
		return true;
	}
	if (p->device_node != NP_NO_NODE || p->policy.fixed_node != NP_NO_NODE || !w->resident)
		return false;
	room = best_room(pass, w);
	if ((long long)w->resident <= room)
		return false;
	snprintf(why, len,
		 "placement auto: its %.1f GB fit on no single node (at most %.1f GB there within "
		 "the reserve)",
		 w->resident / PAGES_PER_GB, (room > 0 ? room : 0) / PAGES_PER_GB);
	return true;
}

void np_fleet_choose_interleave(struct np_fleet_pass *pass, const struct np_topo *topo)
{
	for (int i = 0; i < pass->nwork; i++) {
		struct np_fleet_work *w = &pass->work[i];
		__u64 nodes = spread_nodes(topo, w->proc);

		if (w->entry->interleaved) { /* sticky while its policy is the same */
			w->interleave = w->entry->interleaved;
			snprintf(w->why, sizeof(w->why), "interleaved");
		} else if (nodes && wants(pass, w, nodes, w->why, sizeof(w->why))) {
			w->interleave = nodes;
		}
	}
}

void np_fleet_decide_interleave(struct np_fleet_pass *pass, struct np_fleet_work *w,
				struct np_fleet_decision *d)
{
	struct np_fleet_entry *e = w->entry;
	int sustain = w->proc->policy.sustain;
	char nodes[64];

	memset(d, 0, sizeof(*d));
	d->node = __builtin_ctzll(w->interleave);
	d->remote_ratio = NAN;
	np_interleave_format(w->interleave, nodes, sizeof(nodes));
	e->candidate_node = NP_NO_NODE;
	if (e->interleaved) {
		np_fleet_put(d->reason, sizeof(d->reason), "interleaved over nodes %s", nodes);
		return;
	}
	if (!np_node_sum(w->proc->cpu_ns) || !w->resident) {
		e->above = 0;
		np_fleet_put(d->reason, sizeof(d->reason),
			     "no CPU time or no resident memory this interval (%s)", w->why);
		return;
	}
	e->above = e->above < sustain ? e->above + 1 : sustain;
	if (e->above < sustain) {
		np_fleet_put(d->reason, sizeof(d->reason),
			     "waiting: %d of %d intervals with CPU time to interleave over nodes "
			     "%s (%s)",
			     e->above, sustain, nodes, w->why);
		return;
	}
	d->action = NP_FLEET_PLACE;
	d->interleave = w->interleave;
	e->interleaved = w->interleave;
	e->last_move_s = pass->now_s;
	e->moves++;
	e->above = 0;
	np_fleet_put(d->reason, sizeof(d->reason), "interleave over nodes %s: %s", nodes, w->why);
}
