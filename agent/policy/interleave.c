// SPDX-License-Identifier: GPL-2.0
/* Interleave plan (see interleave.h): decisions only, from plain structs. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "lib/pages.h"
#include "policy/interleave.h"
#include "policy/plan.h"

void np_interleave_format(__u64 nodes, char *buf, size_t len)
{
	struct np_cpuset set = { .bits = { nodes } };

	if (np_cpulist_format(&set, buf, len) < 0 && len)
		buf[0] = '\0';
}

static const char *const placement_names[] = { "node", "interleave", "auto" };

int np_placement_parse(const char *text, enum np_placement *p)
{
	for (size_t i = 0; i < NP_ARRAY_SIZE(placement_names); i++)
		if (!strcmp(text, placement_names[i])) {
			*p = (enum np_placement)i;
			return 0;
		}
	return -EINVAL;
}

const char *np_placement_name(enum np_placement p)
{
	return (unsigned int)p < NP_ARRAY_SIZE(placement_names) ? placement_names[p] : "?";
}

/* The online nodes with memory (within allowed_mems when known). */
static __u64 memory_nodes(const struct np_topo *topo, __u64 allowed_mems)
{
	__u64 nodes = 0;

	for (int i = 0; i < topo->nnodes; i++) {
		int id = topo->nodes[i].id;

		if (id < 64 && topo->nodes[i].mem_total_kb &&
		    (!allowed_mems || (allowed_mems >> id & 1)))
			nodes |= 1ULL << id;
	}
	return nodes;
}

int np_interleave_parse(const char *text, const struct np_topo *topo, __u64 allowed_mems,
			__u64 *nodes, char *msg, size_t msglen)
{
	struct np_cpuset set;

	*nodes = 0;
	if (!strcmp(text, "all")) {
		*nodes = memory_nodes(topo, allowed_mems);
		if (!*nodes)
			snprintf(msg, msglen, "no node with memory is allowed to the process");
		return *nodes ? 0 : -EINVAL;
	}
	/* the list syntax of numactl and the kernel; a stride or a space is not a node list */
	if (!text[0] || strpbrk(text, ": \n") || np_cpulist_parse(text, &set) ||
	    !np_cpuset_count(&set)) {
		snprintf(msg, msglen, "expected a node list like 0,1 or 0-2, or all");
		return -EINVAL;
	}
	for (int id = 0; id < NP_MAX_CPUS; id++) {
		int index;

		if (!np_cpuset_has(&set, id))
			continue;
		index = id < 64 ? np_topo_node_index(topo, id) : -1;
		if (index < 0) {
			snprintf(msg, msglen, "node %d is not an online node of this host", id);
			return -EINVAL;
		}
		if (!topo->nodes[index].mem_total_kb) {
			snprintf(msg, msglen, "node %d has no memory to interleave over", id);
			return -EINVAL;
		}
		if (allowed_mems && !(allowed_mems >> id & 1)) {
			snprintf(msg, msglen,
				 "node %d is not a memory node of the process's cpuset", id);
			return -EINVAL;
		}
		*nodes |= 1ULL << id;
	}
	return 0;
}

/* The page count of node id in res (0 for ids numa_maps does not count). */
static __u64 pages_on(const struct np_residency *res, int id)
{
	return id >= 0 && id < NP_BPF_MAX_NODES ? res->pages[id] : 0;
}

/*
 * Whole 2 MB regions of each ideal[i], then the regions left over (and the last, partial one)
 * to the largest remainders: the targets sum to the ideals' sum rounded to pages.
 */
static void round_to_grain(const double *ideal, int n, __u64 *target)
{
	double want = 0, rest[NP_MAX_NODES];
	__u64 given = 0, left;

	for (int i = 0; i < n; i++) {
		__u64 whole = (__u64)(ideal[i] / NP_INTERLEAVE_GRAIN_PAGES);

		target[i] = whole * NP_INTERLEAVE_GRAIN_PAGES;
		rest[i] = ideal[i] - (double)target[i];
		given += target[i];
		want += ideal[i];
	}
	left = (__u64)(want + 0.5) > given ? (__u64)(want + 0.5) - given : 0;
	while (left) {
		int best = -1;

		for (int i = 0; i < n; i++)
			if (rest[i] > 0 && (best < 0 || rest[i] > rest[best]))
				best = i;
		if (best < 0)
			break;
		target[best] += left < NP_INTERLEAVE_GRAIN_PAGES ? left : NP_INTERLEAVE_GRAIN_PAGES;
		left -= left < NP_INTERLEAVE_GRAIN_PAGES ? left : NP_INTERLEAVE_GRAIN_PAGES;
		rest[best] = 0;
	}
}

void np_interleave_shares(const struct np_topo *topo, const struct np_residency *res, __u64 nodes,
			  long reserve_mb, struct np_interleave *il)
{
	double room[NP_MAX_NODES] = { 0 }, ideal[NP_MAX_NODES] = { 0 }, all_room = 0;
	__u64 placed = 0;

	memset(il, 0, sizeof(*il));
	il->on = true;
	il->nodes = nodes;
	il->pages_total = np_node_sum(res->pages);
	for (int i = 0; i < topo->nnodes; i++) {
		const struct np_node *node = &topo->nodes[i];
		__u64 free_pages = np_kb_pages(node->mem_free_kb);
		long mb = reserve_mb >= 0 ? reserve_mb : np_plan_default_reserve_mb(node);

		il->pages_before[i] = pages_on(res, node->id);
		if (node->id >= 64 || !(nodes >> node->id & 1))
			continue;
		il->nnodes++;
		il->reserve_pages[i] = np_mb_pages((__u64)mb);
		/*
		 * its own pages there are room it has already; what it may hold in all leaves
		 * the reserve free once the moves are done (a node it filled below its reserve
		 * gives some back)
		 */
		room[i] = (double)free_pages + (double)il->pages_before[i] -
			  (double)il->reserve_pages[i];
		if (room[i] < 0)
			room[i] = 0;
		all_room += room[i];
	}
	for (int i = 0; i < topo->nnodes && all_room > 0; i++) {
		ideal[i] = (double)il->pages_total * room[i] / all_room;
		if (ideal[i] > room[i]) /* more than all the room there is: each node full */
			ideal[i] = room[i];
	}
	round_to_grain(ideal, topo->nnodes, il->pages_target);
	for (int i = 0; i < topo->nnodes; i++)
		placed += il->pages_target[i];
	for (int i = 0; i < topo->nnodes && placed; i++)
		il->share[i] = (double)il->pages_target[i] / (double)placed;
	il->pages_short = il->pages_total > placed ? il->pages_total - placed : 0;
}

__u64 np_interleave_pages_to_move(const struct np_topo *topo, const struct np_interleave *il)
{
	__u64 pages = 0;

	for (int i = 0; i < topo->nnodes; i++)
		if (il->pages_target[i] > il->pages_before[i])
			pages += il->pages_target[i] - il->pages_before[i];
	return pages;
}

void np_interleave_cpus(const struct np_topo *topo, __u64 nodes, const struct np_cpuset *allowed,
			struct np_cpuset *cpus)
{
	memset(cpus, 0, sizeof(*cpus));
	for (int i = 0; i < topo->nnodes; i++) {
		if (topo->nodes[i].id >= 64 || !(nodes >> topo->nodes[i].id & 1))
			continue;
		for (size_t w = 0; w < NP_ARRAY_SIZE(cpus->bits); w++)
			cpus->bits[w] |=
				topo->nodes[i].cpus.bits[w] & (allowed ? allowed->bits[w] : ~0ULL);
	}
}
