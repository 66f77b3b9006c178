/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Interleave plan: a process too big for one node (or whose GPUs sit on several) spread over
 * a set of nodes, as `numactl --interleave` would have spread it from the start. Pure code:
 * the node list parsed against the topology, each node's share of the process's resident
 * memory by the room it has, the threads' CPUs. The act layer moves pages by 2 MB region so
 * that each node ends with its share (agent/act/mover_pages.c).
 */
#ifndef NP_INTERLEAVE_H
#define NP_INTERLEAVE_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/cpulist.h"
#include "model/model.h"
#include "topo/topo.h"

/* How a run section places its processes (placement = node|interleave|auto). */
enum np_placement {
	NP_PLACEMENT_NODE,	 /* on one node (the default) */
	NP_PLACEMENT_INTERLEAVE, /* over every node with CPUs and memory it may use */
	NP_PLACEMENT_AUTO,	 /* interleaved when no one node suits it (see fleet.h) */
};

/* "node", "interleave", "auto" into *p; -EINVAL for anything else. */
int np_placement_parse(const char *text, enum np_placement *p);
const char *np_placement_name(enum np_placement p);

/* Pages are planned and moved by 2 MB region, so a transparent huge page stays whole. */
#define NP_INTERLEAVE_GRAIN_PAGES 512 /* 4 KiB pages of 2 MB */

struct np_interleave {
	bool on;
	__u64 nodes; /* bit n: node id n */
	int nnodes;
	/* in topo->nodes order; 0 for nodes not in the set */
	double share[NP_MAX_NODES];	   /* of the process's resident memory, summing to 1 */
	__u64 pages_before[NP_MAX_NODES];  /* resident 4 KiB pages on each node now */
	__u64 pages_target[NP_MAX_NODES];  /* the node's share, in whole 2 MB regions */
	__u64 reserve_pages[NP_MAX_NODES]; /* free memory each node keeps */
	__u64 pages_total;		   /* resident pages of the process */
	__u64 pages_short;		   /* pages no node of the set has room for: they stay */
};

/*
 * NODES in numactl's syntax ("0,1", "0-2", "all") into a node mask. Every node must be online
 * and have memory; with a known cpuset (allowed_mems != 0) a memory node of it, and "all" is
 * the online nodes with memory within it. 0, or -EINVAL with msg.
 */
int np_interleave_parse(const char *text, const struct np_topo *topo, __u64 allowed_mems,
			__u64 *nodes, char *msg, size_t msglen);

/*
 * Each node's share of res's resident pages: proportional to its room (MemFree and the
 * process's own pages on it, less its reserve), at 2 MB granularity. reserve_mb < 0:
 * np_plan_default_reserve_mb of each node. Nodes absent from the topology are skipped.
 */
void np_interleave_shares(const struct np_topo *topo, const struct np_residency *res, __u64 nodes,
			  long reserve_mb, struct np_interleave *il);

/* Resident pages not on the node the plan gives them: what the mover has to move. */
__u64 np_interleave_pages_to_move(const struct np_topo *topo, const struct np_interleave *il);

/* The CPUs of the set's nodes within allowed (NULL: any). */
void np_interleave_cpus(const struct np_topo *topo, __u64 nodes, const struct np_cpuset *allowed,
			struct np_cpuset *cpus);

/* "0-1,3" */
void np_interleave_format(__u64 nodes, char *buf, size_t len);

#endif
