// SPDX-License-Identifier: GPL-2.0
/* The cgroup cpuset of a placement (see place_cgroup.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "act/act_cgroup.h"
#include "act/place_cgroup.h"

int np_place_cgroup_decide(struct np_place_cgroup *pc, pid_t pid, const struct np_node *node,
			   char *msg, size_t msglen)
{
	char conflict[512], fix[512], why[256];
	int err;

	pc->conflict = pc->write = false;
	pc->conflict_text[0] = '\0';
	err = np_cgroup_read("/", pid, &pc->cg);
	if (err) {
		memset(&pc->cg, 0, sizeof(pc->cg));
		pc->cg.cpuset_err = err;
	}
	np_cgroup_identify(np_cgroup_id_path(&pc->cg), &pc->id);
	if (!pc->id.kubepods && pc->cg.v1_cpuset[0]) {
		/* hybrid: the unified path may be systemd's while the kubelet's is the cpuset's */
		struct np_cgroup_id v1;

		np_cgroup_identify(pc->cg.v1_cpuset, &v1);
		if (v1.kubepods)
			pc->id = v1;
	}
	np_cpuset_fix(&pc->cg, &pc->id, &node->cpus, node->id, fix, sizeof(fix));
	pc->conflict = np_cpuset_conflict(&pc->cg, &node->cpus, node->id);
	np_cpuset_conflict_text(&pc->cg, &node->cpus, node->id, conflict, sizeof(conflict));
	if (pc->mode == NP_CGROUP_KEEP) {
		if (pc->conflict)
			snprintf(pc->conflict_text, sizeof(pc->conflict_text), "%s; %s", conflict,
				 fix);
		return 0;
	}
	if (np_cpuset_writable(&pc->cg, &pc->id, why, sizeof(why))) {
		snprintf(msg, msglen, "--cgroup %s: %s; %s", np_cgroup_mode_name(pc->mode), why,
			 pc->id.kubepods ? fix
			 : pc->conflict	 ? conflict
					 : "the cpuset stays");
		return -EPERM;
	}
	pc->write = true;
	np_cpuset_wanted(pc->mode, &pc->cg, &node->cpus, node->id, &pc->cpus, &pc->mems);
	pc->allowed = pc->cpus;
	return 0;
}

char *np_place_cgroup_conflict(pid_t pid, const struct np_node *node)
{
	struct np_place_cgroup *pc = calloc(1, sizeof(*pc));
	char msg[8], *text = NULL;

	if (pc && !np_place_cgroup_decide(pc, pid, node, msg, sizeof(msg)) && pc->conflict_text[0])
		text = strdup(pc->conflict_text);
	free(pc);
	return text;
}

void np_place_cgroup_describe(const struct np_place_cgroup *pc, char *buf, size_t len)
{
	struct np_cpuset old_nodes = { .bits = { pc->cg.mems } }, nodes = { .bits = { pc->mems } };
	char cpus[128], mems[64], old_cpus[128], old_mems[64];

	buf[0] = '\0';
	if (!pc->write)
		return;
	np_cpulist_format(&pc->cg.cpus, old_cpus, sizeof(old_cpus));
	np_cpulist_format(&old_nodes, old_mems, sizeof(old_mems));
	np_cpulist_format(&pc->cpus, cpus, sizeof(cpus));
	np_cpulist_format(&nodes, mems, sizeof(mems));
	snprintf(buf, len,
		 "--cgroup %s: the cpuset of cgroup %s goes from CPUs %s, memory nodes %s to CPUs "
		 "%s, memory nodes %s (journaled: 'numaplace restore' puts it back)",
		 np_cgroup_mode_name(pc->mode),
		 pc->cg.cpuset_version == NP_CGROUP_V1 ? pc->cg.v1_cpuset : pc->cg.unified,
		 old_cpus, old_mems, cpus, mems);
}

int np_place_cgroup_act(struct np_place_cgroup *pc, const char *journal, pid_t pid, bool after)
{
	struct np_cpuset cpus = pc->cpus;
	uint64_t mems = pc->mems;

	if (!pc->write || (after && pc->mode != NP_CGROUP_MOVE) || (after && pc->res.failed))
		return 0;
	if (!after && pc->mode == NP_CGROUP_MOVE) {
		/* widened first: the paced mover moves the pages, not the kernel's cpuset code */
		for (size_t w = 0; w < NP_MAX_CPUS / 64; w++)
			cpus.bits[w] |= pc->cg.cpus.bits[w];
		mems |= pc->cg.mems;
	}
	if (after) /* the cpuset is the widened one now: narrowing goes CPUs first */
		pc->cg.mems |= pc->mems;
	return np_act_cgroup_cpuset(journal, pid, &pc->cg, &cpus, mems, &pc->res);
}

void np_place_cgroup_plan_bounds(const struct np_place_cgroup *pc, int node,
				 struct np_plan_opts *popts)
{
	if (!pc->write)
		return;
	popts->allowed = &pc->allowed;
	if (popts->allowed_mems && node >= 0 && node < 64)
		popts->allowed_mems |= 1ULL << node; /* the rewritten cpuset has it */
}
