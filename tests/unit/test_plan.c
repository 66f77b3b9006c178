// SPDX-License-Identifier: GPL-2.0
/* Placement policy on fixture topologies. */
#include <errno.h>
#include <limits.h>

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

/* The warning about the process's memory policy, if the plan has one; else NULL. */
static const char *policy_warning(const struct np_plan *plan)
{
	for (int i = 0; i < plan->nwarnings; i++)
		if (strstr(plan->warnings[i], "memory policy"))
			return plan->warnings[i];
	return NULL;
}

/* 512 MB on node 0 under one policy (a numactl one: every page), planned for node 1 */
static const char *plan_under(enum np_mpol kind, __u64 nodes, unsigned int only,
			      struct np_plan *plan)
{
	struct np_thread_model threads[1] = {};
	struct np_proc_model proc = { .nthreads = 1, .threads = threads, .has_residency = true };
	struct np_plan_opts opts = { .target_node = 1, .only = only, .reserve_mb = -1 };
	char msg[256];

	proc.residency.pages[0] = 256 * 512;
	proc.residency.policy_kind = kind;
	proc.residency.policy_nodes = nodes;
	proc.residency.policy_pages = 256 * 512;
	CHECK_INT(np_plan_make(epyc(), &proc, &opts, plan, msg, sizeof(msg)), 0);
	return policy_warning(plan);
}

TEST(plan_warns_of_a_memory_policy_elsewhere)
{
	struct np_plan plan;
	const char *w;

	w = plan_under(NP_MPOL_BIND, 0x1, NP_PLAN_ALL, &plan);
	CHECK_STR(w, "its memory policy is bind:0 (numactl --membind): pages moved to node 1 "
		     "stay there, but new ones still come only from node 0; restart it with "
		     "numactl --membind=1 to keep them local");
	w = plan_under(NP_MPOL_PREFER, 0x1, NP_PLAN_ALL, &plan);
	CHECK_STR(w, "its memory policy is prefer:0 (numactl --preferred): pages moved to node 1 "
		     "stay there, but new ones still come from node 0 while it has room; restart "
		     "it with numactl --preferred=1 to keep them local");
	w = plan_under(NP_MPOL_PREFER_MANY, 0xd, NP_PLAN_ALL, &plan);
	CHECK(w && strstr(w, "is prefer (many):0,2-3 (numactl --preferred-many)"));
	CHECK(w && strstr(w, "still come from nodes 0,2-3 while they have room"));
	/* interleave: spreads new pages even when the target is one of its nodes */
	w = plan_under(NP_MPOL_INTERLEAVE, 0x3, NP_PLAN_ALL, &plan);
	CHECK_STR(w, "its memory policy is interleave:0-1 (numactl --interleave): pages moved to "
		     "node 1 stay there, but new ones are still spread over nodes 0-1, 1 in 2 off "
		     "node 1; restart it with numactl --preferred=1 to keep them local");
	w = plan_under(NP_MPOL_INTERLEAVE, 0x5, NP_PLAN_ALL, &plan);
	CHECK(w && strstr(w, "are still spread over nodes 0,2;"));
	w = plan_under(NP_MPOL_WEIGHTED_INTERLEAVE, 0x3, NP_PLAN_ALL, &plan);
	CHECK(w && strstr(w, "are still spread over nodes 0-1 by weight"));
	/* only the threads move: the policy still keeps new pages off their node */
	w = plan_under(NP_MPOL_BIND, 0x1, NP_PLAN_ONLY_THREADS, &plan);
	CHECK(w && strstr(w, ": with its threads on node 1, new pages still come only from "
			     "node 0;"));
	/* the longest: every part at its widest, cut nowhere */
	w = plan_under(NP_MPOL_PREFER_MANY, 0x5555, NP_PLAN_ALL, &plan);
	CHECK(w && strlen(w) < sizeof(plan.warnings[0]) - 1 && strstr(w, "keep them local"));
}

TEST(plan_keeps_quiet_about_a_policy_that_fits)
{
	struct np_plan plan;

	/* the target is among the nodes: new pages come from the node of the CPU asking */
	CHECK(!plan_under(NP_MPOL_BIND, 0x3, NP_PLAN_ALL, &plan));
	CHECK(!plan_under(NP_MPOL_PREFER, 0x2, NP_PLAN_ALL, &plan));
	CHECK(!plan_under(NP_MPOL_PREFER_MANY, 0x6, NP_PLAN_ALL, &plan));
	CHECK(!plan_under(NP_MPOL_INTERLEAVE, 0x2, NP_PLAN_ALL, &plan));
	CHECK(!plan_under(NP_MPOL_DEFAULT, 0, NP_PLAN_ALL, &plan));
	/* neither threads nor memory placed: no new page is the plan's business */
	CHECK(!plan_under(NP_MPOL_BIND, 0x1, NP_PLAN_ONLY_IRQS | NP_PLAN_ONLY_BALANCING, &plan));
}

TEST(plan_warns_of_an_mbind_region)
{
	struct np_thread_model threads[1] = {};
	struct np_proc_model proc = { .nthreads = 1, .threads = threads, .has_residency = true };
	struct np_plan_opts opts = { .target_node = 1, .only = NP_PLAN_ALL, .reserve_mb = -1 };
	struct np_plan plan;
	char msg[256];

	/* 40 of 512 MB bound to node 0 by the program itself: no numactl to restart under */
	proc.residency.pages[0] = 256 * 512;
	proc.residency.policy_kind = NP_MPOL_BIND;
	proc.residency.policy_nodes = 0x1;
	proc.residency.policy_pages = 256 * 40;
	CHECK_INT(np_plan_make(epyc(), &proc, &opts, &plan, msg, sizeof(msg)), 0);
	CHECK_STR(policy_warning(&plan),
		  "the memory policy of 40 of its 512 MB is bind:0: pages moved to node 1 stay "
		  "there, but new ones still come only from node 0; the mappings carry it "
		  "(mbind, a tmpfs mpol=)");
	/* residency unreadable: nothing known of the policy either */
	proc.has_residency = false;
	CHECK_INT(np_plan_make(epyc(), &proc, &opts, &plan, msg, sizeof(msg)), 0);
	CHECK(!policy_warning(&plan));
}

/* --only and only =: names from the list, once each, no empty item (strtok skipped them). */
TEST(plan_only_lists_have_no_empty_item)
{
	unsigned int only;

	CHECK_INT(np_plan_parse_only("threads,memory", &only), 0);
	CHECK_INT(only, NP_PLAN_ONLY_THREADS | NP_PLAN_ONLY_MEMORY);
	CHECK_INT(np_plan_parse_only("threads,", &only), -EINVAL);
	CHECK_INT(np_plan_parse_only(",memory", &only), -EINVAL);
	CHECK_INT(np_plan_parse_only("threads,,irqs", &only), -EINVAL);
	CHECK_INT(np_plan_parse_only("", &only), -EINVAL);
}

/* What a balancing choice writes must exist: the sysctl for on/off, each knob for tune:. */
TEST(balancing_check_host_names_what_is_missing)
{
	struct np_kstate k = { .numa_balancing = -1 };
	struct np_balancing b = { .choice = NP_BALANCING_OFF };
	char msg[192] = "";

	CHECK_INT(np_balancing_check_host(&b, &k, msg, sizeof(msg)), -EINVAL);
	CHECK_STR(msg, "this kernel has no kernel.numa_balancing");
	k.numa_balancing = 1;
	CHECK_INT(np_balancing_check_host(&b, &k, msg, sizeof(msg)), 0);
	b = (struct np_balancing){ .choice = NP_BALANCING_TUNE };
	b.set[NP_KNOB_SCAN_DELAY_MS] = true;
	CHECK_INT(np_balancing_check_host(&b, &k, msg, sizeof(msg)), -EINVAL);
	CHECK_STR(msg, "this kernel has no scan_delay_ms knob (is debugfs mounted?)");
	b.choice = NP_BALANCING_KEEP;
	CHECK_INT(np_balancing_check_host(&b, &k, msg, sizeof(msg)), 0);
}
