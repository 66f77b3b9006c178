/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Never worse without saying so: a plan that would leave more than half of the process's
 * resident memory off its target node (the node cannot hold it above its reserve, the
 * cpuset's mems keep it off, pages shared with processes placed elsewhere or pinned stay) puts
 * its threads away from most of their memory. place does not carry it out without --force,
 * run leaves the process alone; both say why and what would do better. Pure.
 */
#ifndef NP_GUARD_H
#define NP_GUARD_H

#include "policy/plan.h"

#define NP_GUARD_MAX_ALTERNATIVES 3

struct np_guard {
	bool declined;
	__u64 resident;	  /* its resident pages */
	__u64 on_target;  /* of those, on the target node after the plan */
	__u64 holding;	  /* nodes holding its memory and the target, bit per node id */
	__u64 free_pages; /* to free on the target so that it holds all it can; 0: would not do */
	char why[192];
	int nalternatives;
	char alternatives[NP_GUARD_MAX_ALTERNATIVES][160];
};

/*
 * Decide for plan (made with only). stay_pages: pages off the target known to stay whatever
 * the move does (shared files in conflict, pages found pinned).
 */
void np_guard_check(const struct np_proc_model *proc, const struct np_plan *plan, unsigned int only,
		    __u64 stay_pages, struct np_guard *g);

#endif
