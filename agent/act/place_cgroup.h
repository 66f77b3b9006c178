/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The cgroup cpuset of a placement (`place --cgroup`, run's `cgroup_cpuset =`): read it,
 * decide what the mode asks (policy/cpuset_fix.h), and rewrite it through act_cgroup.h.
 *
 * Order, for the kernel's rules (act_cgroup.c): extend writes the grown cpuset (mems, then
 * CPUs) before the threads and pages follow. move does the same first, with the target
 * node's CPUs and node added to what the cpuset has, so the threads are pinned and the pages
 * moved by numaplace's paced mover as usual; then it narrows the cpuset to the node (CPUs,
 * then mems; in v2 the kernel itself migrates what pages are left off the node when the
 * mems shrink). Setting the node's cpuset at once would have v2 migrate all the memory in
 * one unpaced write, and v1 would leave it where it is.
 */
#ifndef NP_PLACE_CGROUP_H
#define NP_PLACE_CGROUP_H

#include "act/act.h"
#include "lib/cgroup.h"
#include "lib/cgroup_id.h"
#include "policy/cpuset_fix.h"
#include "policy/plan.h"
#include "topo/topo.h"

struct np_place_cgroup {
	enum np_cgroup_mode mode;
	struct np_cgroup cg;
	struct np_cgroup_id id;
	bool conflict;		  /* the cpuset leaves the target node out */
	char conflict_text[1100]; /* the conflict and its fix, for the plan's refusal */
	bool write;		  /* the cpuset is rewritten (move or extend) */
	struct np_cpuset cpus;	  /* what it becomes */
	uint64_t mems;
	struct np_cpuset allowed; /* the CPUs the plan may use once it is (write only) */
	struct np_act_result res;
};

/*
 * Read pid's cgroup and decide, for the target node: conflict and its words; with move or
 * extend, what the cpuset becomes. Returns 0, or -EPERM when the mode cannot be done (a
 * kubepods cgroup, an inherited cpuset, none read): msg says why, with the fix.
 */
int np_place_cgroup_decide(struct np_place_cgroup *pc, pid_t pid, const struct np_node *node,
			   char *msg, size_t msglen);

/*
 * For report: the conflict of pid's cpuset with node and its fix, malloc'ed; NULL when there
 * is none (or it cannot be told).
 */
char *np_place_cgroup_conflict(pid_t pid, const struct np_node *node);

/* A line for the plan: what the cpuset becomes ("" when it is not rewritten). */
/*
 * The plan's bounds once the cpuset is rewritten (move|extend): its CPUs, and the target among
 * its memory nodes. Nothing when the cpuset stays as it is.
 */
void np_place_cgroup_plan_bounds(const struct np_place_cgroup *pc, int node,
				 struct np_plan_opts *popts);

void np_place_cgroup_describe(const struct np_place_cgroup *pc, char *buf, size_t len);

/*
 * Before threads and pages: extend's cpuset, or move's widened one. After them (after true):
 * move's narrowing. 0, or -errno when the journal cannot be written; pc->res counts the
 * files and says what the kernel refused.
 */
int np_place_cgroup_act(struct np_place_cgroup *pc, const char *journal, pid_t pid, bool after);

#endif
