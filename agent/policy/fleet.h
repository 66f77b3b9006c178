/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The fleet policy of `numaplace run`: which managed processes to place, on which node, and
 * when. Pure code: the daemon gathers one np_fleet_proc per managed process each interval,
 * calls np_fleet_step() with the time, and acts on the decisions (np_plan_make() for PLACE
 * and FOLLOW_UP, with the decision's node as target). No system calls, no clock: unit tests
 * replay any sequence of intervals.
 *
 * The rules, per process:
 *  1. Hysteresis. A process is placed when its remote ratio to its target node is above its
 *     threshold (strictly) for `sustain` consecutive intervals; an interval at or below the
 *     threshold, without CPU time, or with another target resets the count.
 *     Target: the policy's fixed node, else its accelerator's node, else (CPU-only) the node
 *     holding most of its memory - unless the CPU-only instances heading for one node do not
 *     fit there together (memory they would bring above the node's free pages minus the
 *     reserve, or more busy CPUs than the node has): then they are spread, largest first,
 *     each to a node where it fits with the fewest CPU-only instances, then the most room
 *     left (which favours the node already holding its memory), then the lowest id.
 *  2. At least min_move_interval_s between two moves of one process.
 *  3. Never back and forth: a process is never moved to a node it was moved away from (at its
 *     first placement: the node its threads ran on most and the node holding most of its
 *     memory) while its policy is unchanged.
 *     A placed process stays on its assigned node; it moves on only when its policy names
 *     another node, its accelerator is on another node, or (CPU-only) most of its memory has
 *     gone to another node with room for it.
 *  4. Identity is pid + start time: a process gone from the input is forgotten, a pid seen
 *     with another start time is a new process.
 *  5. A placed process gets a FOLLOW_UP on its assigned node, at most one per interval, when
 *     threads appeared that are not pinned or its pages off that node exceed the smaller of
 *     followup_share of its resident pages and followup_pages.
 *
 *  6. Placement (fleet_interleave.c): `interleave` spreads a process over every node with
 *     CPUs and memory its cpuset allows, `auto` does so for a CPU-only process that fits on no
 *     single node within the reserve and for one whose accelerators span nodes; it is placed
 *     once, after `sustain` intervals with CPU time, and then left alone.
 *
 * A PLACE counts as done when decided: if acting fails, next interval's figures show the
 * threads or pages still off the node, and a FOLLOW_UP to the same node retries.
 */
#ifndef NP_FLEET_H
#define NP_FLEET_H

#include <sys/types.h>

#include "lib/np_common.h" /* NP_BPF_MAX_NODES: node ids that index the arrays below */
#include "topo/topo.h"

/* Per-process policy, from its match section. Any change of these values (a reload) clears
 * the process's move history and hold time: the operator asked for something new. */
struct np_fleet_policy {
	int fixed_node;		    /* node= or the node of device=; NP_NO_NODE: none */
	double remote_threshold;    /* 0..1 */
	int sustain;		    /* K >= 1 consecutive intervals above the threshold */
	double min_move_interval_s; /* >= 0 */
	int placement;		    /* enum np_placement (interleave.h) */
};

/*
 * One managed process, as observed over the last interval. From the model: cpu_ns is
 * totals.cpu_ns of the interval's window, pages residency.pages, busy_cpus the window's CPU
 * time over its length (or np_busy_threads()), device_node the accelerator node
 * np_model_target() finds without --node or --device.
 */
struct np_fleet_proc {
	pid_t pid;
	unsigned long long start_time; /* clock ticks after boot (np_proc_info.start_time) */
	struct np_fleet_policy policy;
	int device_node;		/* node of the accelerators it has open; NP_NO_NODE: none */
	__u64 cpu_ns[NP_BPF_MAX_NODES]; /* BPF: CPU time of its threads this interval, by node id */
	__u64 pages[NP_BPF_MAX_NODES];	/* resident 4 KiB pages, by node id (np_residency) */
	double busy_cpus;		/* CPUs it keeps busy (CPU time / interval) */
	int unpinned_threads;		/* threads (and children) not pinned to its assigned node */
	__u64 allowed_nodes; /* nodes its cgroup cpuset has CPUs and memory on; 0: not bounded */
	int accel_nodes;     /* distinct nodes of its accelerators (np_accel_pick's nnodes) */
};

/* Host-wide settings of the fleet policy. */
struct np_fleet_params {
	long reserve_mb;       /* free memory each node keeps; < 0: np_plan_default_reserve_mb */
	double followup_share; /* misplaced pages calling for a follow-up: this share of resident */
	__u64 followup_pages;  /* ... or this many pages, whichever is smaller */
};

/* reserve_mb -1 (the plan's default), followup_share 1%, followup_pages 64 MB. */
void np_fleet_params_default(struct np_fleet_params *params);

/* What the fleet remembers of one process between intervals. */
struct np_fleet_entry {
	pid_t pid;
	unsigned long long start_time;
	struct np_fleet_policy policy; /* the values its history was built under */
	bool placed;
	int assigned_node;  /* where it was placed (sticky); NP_NO_NODE before */
	int candidate_node; /* the target the count refers to */
	int above;	    /* consecutive intervals above the threshold toward candidate_node */
	double last_move_s; /* NAN: no move under this policy */
	/* by node id: moves only go to and from nodes the sampler counts (the fleet's rooms) */
	__u32 left_nodes;   /* bit n: it was moved away from node n, never to return */
	double left_at_s[NP_BPF_MAX_NODES];
	int moves; /* PLACE decisions under this policy */
	__u64 interleaved; /* the nodes it was interleaved over (then placed stays false) */
	bool seen; /* internal to np_fleet_step */
};

_Static_assert(NP_BPF_MAX_NODES <= 32, "left_nodes has a bit per node id");

/* Owned by the caller: zero it (or np_fleet_init) before the first step. */
struct np_fleet {
	int nentries, capacity;
	struct np_fleet_entry *entries;
};

enum np_fleet_action {
	NP_FLEET_NONE,
	NP_FLEET_PLACE,	    /* a full place on node: threads, memory, IRQs */
	NP_FLEET_FOLLOW_UP, /* already there: pin new threads, move misplaced pages */
};

struct np_fleet_decision {
	enum np_fleet_action action;
	/* PLACE, FOLLOW_UP: the node acted on; NONE: the node it waits to be placed on, else its
	 * assigned node, else NP_NO_NODE */
	int node;
	double remote_ratio; /* to that node (np_fleet_remote_ratio); NAN when unknown */
	__u64 interleave;    /* PLACE: interleave over these nodes (node: the lowest); 0: one node */
	char reason[256];    /* one line for the log */
};

void np_fleet_init(struct np_fleet *fleet);
void np_fleet_free(struct np_fleet *fleet);

/*
 * One interval: procs are every managed process alive now (those missing are forgotten);
 * decisions[i] answers procs[i]. topo gives each node's CPUs and memory, with mem_free_kb as
 * of this interval. now_s is a monotonic time in seconds.
 * Returns 0; -EINVAL with msg for bad input (a pid twice, a policy out of range), -ENOMEM;
 * on error the fleet's state is unchanged.
 */
int np_fleet_step(struct np_fleet *fleet, const struct np_topo *topo,
		  const struct np_fleet_params *params, double now_s,
		  const struct np_fleet_proc *procs, int nprocs,
		  struct np_fleet_decision *decisions, char *msg, size_t msglen);

/* The fleet's memory of a process; NULL when it has none. */
const struct np_fleet_entry *np_fleet_find(const struct np_fleet *fleet, pid_t pid,
					   unsigned long long start_time);

/*
 * Remote ratio to a node: the share of CPU-time-weighted reads of uniformly read memory that
 * are not a thread on node reading a page on node, 1 - cpu_share(node) * page_share(node).
 * With every thread on node it is the model's np_remote_ratio(). NAN without CPU time or
 * pages.
 */
double np_fleet_remote_ratio(const __u64 *cpu_ns, const __u64 *pages, int node);

const char *np_fleet_action_name(enum np_fleet_action action);

#endif
