/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Target choice of the fleet policy (fleet.h), shared by fleet.c and fleet_targets.c only.
 * Targets are chosen for all managed processes at once, since CPU-only instances compete for
 * the same nodes: first the processes whose node is settled (policy, accelerator, placed),
 * then the unplaced CPU-only ones, grouped by the node holding most of their memory, in the
 * room the others leave.
 */
#ifndef NP_FLEET_TARGETS_H
#define NP_FLEET_TARGETS_H

#include "policy/fleet.h"

/* A reason or error line into buf, cut to len (fleet.c). */
void np_fleet_put(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* A node as a destination: what the processes heading there may still take. */
struct np_fleet_room {
	int id;
	long long pages; /* free pages above the reserve not yet promised */
	double cpus;	 /* CPUs not yet promised */
	int cpu_only;	 /* CPU-only instances heading there */
};

/* One observed process during a step. */
struct np_fleet_work {
	const struct np_fleet_proc *proc;
	struct np_fleet_entry *entry;
	__u64 resident;
	int memory_node; /* holds most of its pages; NP_NO_NODE without pages */
	int target;	 /* NP_NO_NODE: none */
	bool kept;	 /* the target is a node it left: it stays on its assigned node */
	__u64 interleave; /* to be interleaved over these nodes: no one target (fleet_interleave.c)
			   */
	char why[192];	 /* why the target */
};

struct np_fleet_pass {
	const struct np_fleet_params *params;
	double now_s;
	int nrooms;
	struct np_fleet_room rooms[NP_MAX_NODES];
	int nwork;
	struct np_fleet_work *work;
};

/* Destinations: the nodes with CPUs, their free pages above the reserve and their CPUs. */
void np_fleet_rooms_init(struct np_fleet_pass *pass, const struct np_topo *topo);

/*
 * (fleet_interleave.c) Which processes are to be interleaved, and over which nodes: sets
 * interleave and why of those (before np_fleet_choose_targets, which skips them).
 */
void np_fleet_choose_interleave(struct np_fleet_pass *pass, const struct np_topo *topo);

/* (fleet_interleave.c) The decision for a process to be interleaved. */
void np_fleet_decide_interleave(struct np_fleet_pass *pass, struct np_fleet_work *w,
				struct np_fleet_decision *d);

/* Set target and why of every work item; order has room for 2 * nwork pointers. */
void np_fleet_choose_targets(struct np_fleet_pass *pass, struct np_fleet_work **order);

#endif
