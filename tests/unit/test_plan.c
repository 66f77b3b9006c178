// SPDX-License-Identifier: GPL-2.0
/* Placement policy on fixture topologies. */
#include <errno.h>
#include <limits.h>

#include "plan.h"
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

TEST(plan_moves_everything_off_the_target)
{
	struct np_topo *topo = epyc();
	struct np_thread_model threads[2] = {};
	struct np_proc_model proc = { .nthreads = 2, .threads = threads, .has_residency = true };
	struct np_plan_opts opts = { .target_node = 1, .only = NP_PLAN_ALL, .max_rate_mbps = 1000,
				     .reserve_mb = -1 };
	int irqs[] = { 210, 211 };
	struct np_plan plan;
	char msg[256];

	threads[0].stats.cpu_ns[0] = threads[1].stats.cpu_ns[0] = 1000;
	proc.residency.pages[0] = 256 * 4000; /* 4000 MB on node 0 */
	proc.residency.pages[1] = 256 * 100;
	opts.irqs = irqs;
	opts.nirqs = 2;
	opts.irqbalance_running = true;
	CHECK_INT(np_plan_make(topo, &proc, &opts, &plan, msg, sizeof(msg)), 0);
	CHECK_INT(np_cpuset_count(&plan.cpus), 192);
	CHECK_INT(plan.pages_to_move, 256 * 4000);
	CHECK_INT(plan.pages_planned, 256 * 4000);
	CHECK(plan.est_seconds > 3.99 && plan.est_seconds < 4.01);
	/* the default reserve: 5% of a 774 GB node, more than 256 MB */
	CHECK_INT(plan.reserve_pages, np_plan_default_reserve_mb(&topo->nodes[1]) * 256);
	CHECK_INT(np_plan_default_reserve_mb(&topo->nodes[1]), 38701);
	CHECK_INT(plan.nirqs, 2);
	CHECK_INT(plan.nwarnings, 2); /* irqbalance running, numa_balancing on */
}

TEST(plan_respects_reserve_and_cpuset)
{
	struct np_topo *topo = epyc();
	struct np_thread_model threads[3] = {};
	struct np_proc_model proc = { .nthreads = 3, .threads = threads, .has_residency = true };
	struct np_plan_opts opts = { .target_node = 1, .only = NP_PLAN_ONLY_THREADS |
							       NP_PLAN_ONLY_MEMORY,
				     .reserve_mb = 761000, .window_ns = 1000 };
	struct np_cpuset allowed;
	struct np_plan plan;
	char msg[256];

	for (int i = 0; i < 3; i++)
		threads[i].stats.cpu_ns[1] = 1000;
	proc.residency.pages[0] = 256 * 4000;
	/* node 1 has 761718 MB free; keeping 761000 leaves 718 MB to fill */
	CHECK_INT(np_plan_make(topo, &proc, &opts, &plan, msg, sizeof(msg)), 0);
	CHECK_INT(plan.pages_planned / 256, 718);
	CHECK(plan.nwarnings >= 1 && strstr(plan.warnings[0], "can move") != NULL);

	/* a cpuset with two of node 1's CPUs: three busy threads will share them */
	np_cpulist_parse("0-3,100-101", &allowed);
	opts.allowed = &allowed;
	CHECK_INT(np_plan_make(topo, &proc, &opts, &plan, msg, sizeof(msg)), 0);
	CHECK_INT(np_cpuset_count(&plan.cpus), 2);
	/* sharing CPUs, the cpuset, the reserve, and numa_balancing on in this fixture */
	CHECK_INT(plan.nwarnings, 4);
	CHECK(strstr(plan.warnings[0], "2 CPUs for 3 busy threads") != NULL);

	/* a cpuset with none of node 1's CPUs: refused before any change */
	np_cpulist_parse("0-3", &allowed);
	CHECK_INT(np_plan_make(topo, &proc, &opts, &plan, msg, sizeof(msg)), -EINVAL);
	CHECK(strstr(msg, "cpuset") != NULL);
	opts.target_node = 7;
	CHECK_INT(np_plan_make(topo, &proc, &opts, &plan, msg, sizeof(msg)), -EINVAL);
	CHECK(strstr(msg, "node 7") != NULL);
}
