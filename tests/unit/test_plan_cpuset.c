// SPDX-License-Identifier: GPL-2.0
/*
 * The plan within a process's cpuset, read the way place and run read it
 * (np_cpuset_bounds_read on the cgroup fixture trees): its CPUs bound the threads, its memory
 * nodes decide whether any page may move, before one is touched.
 */
#include <errno.h>
#include <limits.h>
#include <string.h>

#include "lib/cpuset_bounds.h"
#include "policy/plan.h"
#include "test.h"

static struct np_topo *epyc(void)
{
	static struct np_topo topo;
	char root[PATH_MAX], msg[256];

	np_topo_free(&topo);
	snprintf(root, sizeof(root), "%s/epyc-2s-8gpu", np_test_fixtures());
	if (np_topo_discover(root, &topo, msg, sizeof(msg)))
		np_test_fail(__FILE__, __LINE__, "%s", msg);
	return &topo;
}

static int bounds_in(const char *tree, pid_t pid, struct np_cpuset *cpus, __u64 *mems)
{
	char root[PATH_MAX];

	snprintf(root, sizeof(root), "%s/%s", np_test_fixtures(), tree);
	return np_cpuset_bounds_read(root, pid, cpus, mems);
}

static const char *text(const struct np_cpuset *set)
{
	static char buf[NP_CPULIST_MAX];

	return np_cpulist_format(set, buf, sizeof(buf)) < 0 ? "?" : buf;
}

static bool warned(const struct np_plan *plan, const char *words)
{
	for (int i = 0; i < plan->nwarnings; i++)
		if (strstr(plan->warnings[i], words))
			return true;
	return false;
}

TEST(plan_within_a_v1_cpuset_of_one_cpu)
{
	struct np_topo *topo = epyc();
	struct np_thread_model threads[2] = {};
	struct np_proc_model proc = { .nthreads = 2, .threads = threads, .has_residency = true };
	struct np_plan_opts opts = { .target_node = 0, .only = NP_PLAN_ALL, .reserve_mb = -1 };
	struct np_cpuset allowed;
	struct np_plan plan;
	char msg[256];

	/* v1: /pinned allows CPU 0 and node 0 */
	CHECK_INT(bounds_in("cgroup-v1", 200, &allowed, &opts.allowed_mems), 0);
	CHECK_STR(text(&allowed), "0");
	CHECK_INT(opts.allowed_mems, 0x1);
	opts.allowed = &allowed;
	proc.residency.pages[1] = 256 * 100;
	CHECK_INT(np_plan_make(topo, &proc, &opts, &plan, msg, sizeof(msg)), 0);
	CHECK_STR(text(&plan.cpus), "0");
	CHECK_STR(plan.memory_refused, "");
	CHECK_INT(plan.pages_planned, 256 * 100);
	/* no cpuset at all: the node's CPUs, no memory node check */
	CHECK_INT(bounds_in("cgroup-v1", 999, &allowed, &opts.allowed_mems), -ESRCH);
}

TEST(plan_refuses_memory_outside_the_cpuset_mems)
{
	struct np_topo *topo = epyc();
	struct np_thread_model threads[1] = {};
	struct np_proc_model proc = { .nthreads = 1, .threads = threads, .has_residency = true };
	struct np_plan_opts opts = {
		.target_node = 0, .only = NP_PLAN_ALL, .reserve_mb = -1, .max_rate_mbps = 1000
	};
	struct np_cpuset allowed;
	struct np_plan plan;
	char msg[256];

	/* v1: CPUs 2-3 (node 0's) but memory node 1 only; the memory sits on node 1 */
	CHECK_INT(bounds_in("cgroup-v1", 201, &allowed, &opts.allowed_mems), 0);
	CHECK_INT(opts.allowed_mems, 0x2);
	opts.allowed = &allowed;
	proc.residency.pages[1] = 256 * 300;
	proc.residency.policy_kind = NP_MPOL_PREFER; /* numactl --preferred=1 */
	proc.residency.policy_nodes = 0x2;
	proc.residency.policy_pages = 256 * 300;
	CHECK_INT(np_plan_make(topo, &proc, &opts, &plan, msg, sizeof(msg)), 0);
	CHECK_STR(text(&plan.cpus), "2-3");
	CHECK_INT(plan.pages_to_move, 256 * 300);
	CHECK_INT(plan.pages_planned, 0);
	CHECK(plan.est_seconds == 0);
	CHECK_STR(plan.memory_refused, "node 0 is not a memory node of the process's cpuset "
				       "(node 1): the kernel would refuse every page");
	CHECK(warned(&plan, "memory stays: node 0 is not a memory node"));
	/* that, the cpuset's 2 CPUs, numa_balancing on; not the policy: the mems decide */
	CHECK_INT(plan.nwarnings, 3);
	CHECK(!warned(&plan, "memory policy"));
	/* threads only: nothing to say about memory */
	opts.only = NP_PLAN_ONLY_THREADS;
	CHECK_INT(np_plan_make(topo, &proc, &opts, &plan, msg, sizeof(msg)), 0);
	CHECK_STR(plan.memory_refused, "");
	/* the target among the mems, or the mems unknown (0): the memory moves */
	opts.only = NP_PLAN_ALL;
	opts.allowed_mems = 0x3;
	CHECK_INT(np_plan_make(topo, &proc, &opts, &plan, msg, sizeof(msg)), 0);
	CHECK_STR(plan.memory_refused, "");
	CHECK_INT(plan.pages_planned, 256 * 300);
	CHECK(warned(&plan, "memory policy")); /* movable: the policy matters again */
	opts.allowed_mems = 0;
	CHECK_INT(np_plan_make(topo, &proc, &opts, &plan, msg, sizeof(msg)), 0);
	CHECK_STR(plan.memory_refused, "");
	/* nothing off the target: nothing refused either */
	opts.allowed_mems = 0x2;
	opts.target_node = 1;
	np_cpulist_parse("0-383", &allowed);
	CHECK_INT(np_plan_make(topo, &proc, &opts, &plan, msg, sizeof(msg)), 0);
	CHECK_STR(plan.memory_refused, "");
}
