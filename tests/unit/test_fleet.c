// SPDX-License-Identifier: GPL-2.0
/* The fleet policy of `numaplace run`, interval by interval, on hand-built topologies. */
#include <errno.h>
#include <math.h>

#include "model/model.h"
#include "policy/fleet.h"
#include "test.h"

#define GB  (256ull * 1024) /* pages */
#define SEC 1000000000ull

/* nnodes nodes of cpus CPUs each, 64 GB each with free_gb free. */
static void make_topo(struct np_topo *topo, int nnodes, int cpus, double free_gb)
{
	memset(topo, 0, sizeof(*topo));
	topo->nnodes = nnodes;
	for (int n = 0; n < nnodes; n++) {
		topo->nodes[n].id = n;
		for (int c = 0; c < cpus; c++)
			np_cpuset_set(&topo->nodes[n].cpus, n * cpus + c);
		topo->nodes[n].mem_total_kb = 64ull << 20;
		topo->nodes[n].mem_free_kb = (uint64_t)(free_gb * (1 << 20));
	}
}

static struct np_fleet_params params(void)
{
	struct np_fleet_params p;

	np_fleet_params_default(&p);
	p.reserve_mb = 0;
	return p;
}

/* A process with threads on cpu_node and gb of memory on mem_node; threshold 0.30, K 3. */
static struct np_fleet_proc proc(pid_t pid, int cpu_node, int mem_node, double gb)
{
	struct np_fleet_proc p = {
		.pid = pid,
		.start_time = 1000 + pid,
		.policy = { .fixed_node = NP_NO_NODE,
			    .remote_threshold = 0.30,
			    .sustain = 3,
			    .min_move_interval_s = 300 },
		.device_node = NP_NO_NODE,
		.busy_cpus = 1,
	};

	p.cpu_ns[cpu_node] = SEC;
	p.pages[mem_node] = (__u64)(gb * GB);
	return p;
}

/* Everything of p on node: what a successful PLACE leaves. */
static void settle(struct np_fleet_proc *p, int node)
{
	__u64 cpu = np_node_sum(p->cpu_ns), pages = np_node_sum(p->pages);

	memset(p->cpu_ns, 0, sizeof(p->cpu_ns));
	memset(p->pages, 0, sizeof(p->pages));
	p->cpu_ns[node] = cpu;
	p->pages[node] = pages;
}

static void step(struct np_fleet *fleet, const struct np_topo *topo, double now,
		 struct np_fleet_proc *procs, int n, struct np_fleet_decision *d)
{
	struct np_fleet_params pr = params();
	char msg[256] = "";
	int err = np_fleet_step(fleet, topo, &pr, now, procs, n, d, msg, sizeof(msg));

	if (err)
		np_test_fail(__FILE__, __LINE__, "np_fleet_step: %d %s", err, msg);
}

/* The fleet's entry for a process; a failure (and a blank entry) when it has none. */
#define ENTRY(fleet, pid, start) entry_of(fleet, pid, start, __LINE__)
static const struct np_fleet_entry *entry_of(const struct np_fleet *fleet, pid_t pid,
					     unsigned long long start, int line)
{
	static const struct np_fleet_entry blank;
	const struct np_fleet_entry *e = np_fleet_find(fleet, pid, start);

	if (!e)
		np_test_fail(__FILE__, line, "no entry for pid %d start %llu", (int)pid, start);
	return e ? e : &blank;
}

#define CHECK_HAS(text, part)                                                                      \
	do {                                                                                       \
		if (!strstr((text), (part)))                                                       \
			np_test_fail(__FILE__, __LINE__, "\"%s\" lacks \"%s\"", (text), (part));   \
	} while (0)

TEST(fleet_remote_ratio_to_a_node)
{
	__u64 cpu[NP_BPF_MAX_NODES] = {}, pages[NP_BPF_MAX_NODES] = {};

	CHECK(isnan(np_fleet_remote_ratio(cpu, pages, 0)));
	cpu[1] = 100;
	CHECK(isnan(np_fleet_remote_ratio(cpu, pages, 1))); /* no pages */
	pages[0] = 300;
	pages[1] = 100;
	/* threads on 1: to node 1 it is the model's ratio, to node 0 all of it is off */
	CHECK(fabs(np_fleet_remote_ratio(cpu, pages, 1) - 0.75) < 1e-12);
	CHECK(fabs(np_fleet_remote_ratio(cpu, pages, 1) - np_remote_ratio(cpu, pages)) < 1e-12);
	CHECK(np_fleet_remote_ratio(cpu, pages, 0) == 1.0);
	cpu[0] = 100; /* half the time on each node */
	CHECK(fabs(np_fleet_remote_ratio(cpu, pages, 0) - (1 - 0.5 * 0.75)) < 1e-12);
	CHECK(isnan(np_fleet_remote_ratio(cpu, pages, -1)));
	CHECK(isnan(np_fleet_remote_ratio(cpu, pages, NP_BPF_MAX_NODES)));
}

TEST(fleet_sustain_counts_and_a_dip_resets)
{
	struct np_topo topo;
	struct np_fleet fleet = {};
	struct np_fleet_proc p = proc(100, 0, 0, 8);
	struct np_fleet_decision d;

	make_topo(&topo, 2, 16, 32);
	p.device_node = 1; /* runs and lives on node 0, its GPU is on node 1 */
	step(&fleet, &topo, 0, &p, 1, &d);
	CHECK_INT(d.action, NP_FLEET_NONE);
	CHECK_INT(d.node, 1);
	CHECK_STR(d.reason, "waiting: 1 of 3 intervals above 0.30 (remote ratio 1.00 to node 1; "
			    "its accelerator is on node 1)");
	step(&fleet, &topo, 10, &p, 1, &d);
	CHECK_INT(d.action, NP_FLEET_NONE);
	CHECK_HAS(d.reason, "waiting: 2 of 3");

	/* a dip: threads on node 1 and 80% of the pages there, ratio 0.20 */
	p.cpu_ns[0] = 0;
	p.cpu_ns[1] = SEC;
	p.pages[0] = 2 * GB;
	p.pages[1] = 8 * GB;
	step(&fleet, &topo, 20, &p, 1, &d);
	CHECK_INT(d.action, NP_FLEET_NONE);
	CHECK_STR(d.reason, "remote ratio 0.20 to node 1, at or below 0.30 (its accelerator is "
			    "on node 1)");
	CHECK_INT(ENTRY(&fleet, 100, 1100)->above, 0);

	/* the count starts over: three more intervals above */
	p = proc(100, 0, 0, 8);
	p.device_node = 1;
	step(&fleet, &topo, 30, &p, 1, &d);
	CHECK_HAS(d.reason, "waiting: 1 of 3");
	step(&fleet, &topo, 40, &p, 1, &d);
	CHECK_HAS(d.reason, "waiting: 2 of 3");
	step(&fleet, &topo, 50, &p, 1, &d);
	CHECK_INT(d.action, NP_FLEET_PLACE);
	CHECK_INT(d.node, 1);
	CHECK_STR(d.reason, "remote ratio 1.00 to node 1 above 0.30 for 3 of 3 intervals; its "
			    "accelerator is on node 1");
	CHECK(d.remote_ratio == 1.0);
	CHECK(ENTRY(&fleet, 100, 1100)->placed);
	CHECK_INT(ENTRY(&fleet, 100, 1100)->assigned_node, 1);

	/* placed and settled: nothing more to do, however long it runs */
	settle(&p, 1);
	for (int t = 60; t < 600; t += 10) {
		step(&fleet, &topo, t, &p, 1, &d);
		CHECK_INT(d.action, NP_FLEET_NONE);
	}
	CHECK_STR(d.reason, "its accelerator is on node 1; nothing to follow up");
	CHECK_INT(d.node, 1);
	np_fleet_free(&fleet);
}

TEST(fleet_threshold_equality_is_not_above)
{
	struct np_topo topo;
	struct np_fleet fleet = {};
	struct np_fleet_proc p = proc(100, 1, 0, 4);
	struct np_fleet_decision d;

	make_topo(&topo, 2, 16, 32);
	p.pages[1] = 4 * GB; /* threads on node 1, half the pages there: 0.5 exactly */
	p.device_node = 1;
	p.policy.remote_threshold = 0.5;
	for (int t = 0; t < 20; t++) {
		step(&fleet, &topo, t, &p, 1, &d);
		CHECK_INT(d.action, NP_FLEET_NONE);
		CHECK(d.remote_ratio == 0.5);
	}
	CHECK_HAS(d.reason, "remote ratio 0.50 to node 1, at or below 0.50");

	/* just below it is above: placed after three intervals (a policy change, count anew) */
	p.policy.remote_threshold = 0.4999;
	step(&fleet, &topo, 20, &p, 1, &d);
	step(&fleet, &topo, 21, &p, 1, &d);
	CHECK_INT(d.action, NP_FLEET_NONE);
	step(&fleet, &topo, 22, &p, 1, &d);
	CHECK_INT(d.action, NP_FLEET_PLACE);
	np_fleet_free(&fleet);
}

TEST(fleet_no_cpu_time_resets_and_sustain_one_places_at_once)
{
	struct np_topo topo;
	struct np_fleet fleet = {};
	struct np_fleet_proc p = proc(100, 0, 0, 4);
	struct np_fleet_decision d;

	make_topo(&topo, 2, 16, 32);
	p.device_node = 1;
	step(&fleet, &topo, 0, &p, 1, &d);
	step(&fleet, &topo, 1, &p, 1, &d);
	CHECK_HAS(d.reason, "waiting: 2 of 3");
	memset(p.cpu_ns, 0, sizeof(p.cpu_ns)); /* idle for an interval: nothing measured */
	step(&fleet, &topo, 2, &p, 1, &d);
	CHECK_INT(d.action, NP_FLEET_NONE);
	CHECK_HAS(d.reason, "no CPU time or no resident memory this interval");
	CHECK(isnan(d.remote_ratio));
	CHECK_INT(ENTRY(&fleet, 100, 1100)->above, 0);

	p = proc(100, 0, 0, 4);
	p.device_node = 1;
	p.policy.sustain = 1;
	step(&fleet, &topo, 3, &p, 1, &d);
	CHECK_INT(d.action, NP_FLEET_PLACE);
	CHECK_HAS(d.reason, "for 1 of 1 intervals");
	np_fleet_free(&fleet);
}

TEST(fleet_target_change_restarts_the_count)
{
	struct np_topo topo;
	struct np_fleet fleet = {};
	struct np_fleet_proc p = proc(100, 2, 2, 4);
	struct np_fleet_decision d;

	make_topo(&topo, 3, 16, 32);
	p.device_node = 0;
	step(&fleet, &topo, 0, &p, 1, &d);
	step(&fleet, &topo, 1, &p, 1, &d);
	CHECK_HAS(d.reason, "waiting: 2 of 3");
	p.device_node = 1; /* now its accelerator is elsewhere: two intervals do not count */
	step(&fleet, &topo, 2, &p, 1, &d);
	CHECK_HAS(d.reason, "waiting: 1 of 3");
	CHECK_INT(d.node, 1);
	step(&fleet, &topo, 3, &p, 1, &d);
	step(&fleet, &topo, 4, &p, 1, &d);
	CHECK_INT(d.action, NP_FLEET_PLACE);
	CHECK_INT(d.node, 1);
	np_fleet_free(&fleet);
}

TEST(fleet_min_move_interval_holds_a_second_move)
{
	struct np_topo topo;
	struct np_fleet fleet = {};
	struct np_fleet_proc p = proc(100, 0, 1, 8); /* threads on 0, memory on 1 */
	struct np_fleet_decision d;
	int t;

	make_topo(&topo, 3, 16, 32);
	p.policy.sustain = 2;
	step(&fleet, &topo, 0, &p, 1, &d);
	CHECK_INT(d.action, NP_FLEET_NONE);
	step(&fleet, &topo, 10, &p, 1, &d);
	CHECK_INT(d.action, NP_FLEET_PLACE);
	CHECK_INT(d.node, 1);
	CHECK_STR(d.reason, "remote ratio 1.00 to node 1 above 0.30 for 2 of 2 intervals; node 1 "
			    "holds 100% of its memory");

	/* pinned to node 1, its memory went to node 2 (node 1 full): a move, but not yet */
	settle(&p, 1);
	p.pages[2] = p.pages[1];
	p.pages[1] = 0;
	step(&fleet, &topo, 20, &p, 1, &d);
	CHECK_INT(d.action, NP_FLEET_FOLLOW_UP); /* meanwhile the stray pages are followed */
	CHECK_INT(d.node, 1);
	CHECK_HAS(d.reason, "follow-up on node 1: 2097152 pages (8192 MB) off node 1; waiting: "
			    "1 of 2 intervals");
	for (t = 30; t < 310; t += 10) {
		step(&fleet, &topo, t, &p, 1, &d);
		CHECK_INT(d.action, NP_FLEET_FOLLOW_UP);
		CHECK_INT(d.node, 1);
	}
	CHECK_HAS(d.reason, "held: last move 290 s ago, minimum 300 s (remote ratio 1.00 to "
			    "node 2; node 2 now holds 100% of its memory)");
	step(&fleet, &topo, 310, &p, 1, &d);
	CHECK_INT(d.action, NP_FLEET_PLACE);
	CHECK_INT(d.node, 2);
	CHECK_HAS(d.reason, "; from node 1");
	CHECK_INT(ENTRY(&fleet, 100, 1100)->moves, 2);
	np_fleet_free(&fleet);
}

/* Observations that pull a placed process to node `to`: its accelerator and pages there. */
static void pull_to(struct np_fleet_proc *p, int at, int to)
{
	memset(p->cpu_ns, 0, sizeof(p->cpu_ns));
	memset(p->pages, 0, sizeof(p->pages));
	p->cpu_ns[at] = SEC;
	p->pages[to] = 6 * GB;
	p->pages[at] = 2 * GB;
	p->device_node = to;
}

TEST(fleet_never_back_and_forth_gpu)
{
	struct np_topo topo;
	struct np_fleet fleet = {};
	struct np_fleet_proc p = proc(100, 0, 0, 8);
	struct np_fleet_decision d;
	int places = 0, kept = 0, at = 0;

	make_topo(&topo, 2, 16, 32);
	p.policy.min_move_interval_s = 30; /* short: only the history can stop it */
	/* 600 intervals; every 7 the accelerator it uses and most of its pages swap nodes */
	for (int i = 0; i < 600; i++) {
		pull_to(&p, at, (i / 7) % 2 ? 0 : 1);
		step(&fleet, &topo, 10.0 * i, &p, 1, &d);
		places += d.action == NP_FLEET_PLACE;
		kept += !!strstr(d.reason, "kept on node 1: moving it to node 0 would undo the "
					   "move at t=20 s");
		if (d.action == NP_FLEET_PLACE)
			at = d.node;
		CHECK(d.action != NP_FLEET_PLACE || d.node == 1);
	}
	CHECK_INT(places, 1);
	CHECK_INT(at, 1);
	CHECK(kept > 100); /* it wanted to go back, and was kept */
	CHECK_INT(ENTRY(&fleet, 100, 1100)->left_nodes, 1u << 0);
	np_fleet_free(&fleet);
}

TEST(fleet_never_back_and_forth_cpu_only)
{
	struct np_topo topo;
	struct np_fleet fleet = {};
	struct np_fleet_proc p = proc(100, 0, 0, 8);
	struct np_fleet_decision d;
	int places = 0, kept = 0, at = 0, visited[3] = {};

	/* three nodes: it may go on to a node it never was on, never back */
	make_topo(&topo, 3, 16, 32);
	p.policy.min_move_interval_s = 0;
	p.policy.sustain = 2;
	for (int i = 0; i < 900; i++) {
		/* most of its memory hops 1, 2, 0, 1, 2, 0... every 5 intervals */
		pull_to(&p, at, (i / 5 + 1) % 3);
		p.device_node = NP_NO_NODE;
		step(&fleet, &topo, i, &p, 1, &d);
		if (d.action == NP_FLEET_PLACE) {
			places++;
			CHECK(!visited[d.node]);
			visited[at] = 1;
			at = d.node;
		}
		kept += !!strstr(d.reason, "kept on node 2: moving it to node");
	}
	CHECK_INT(places, 2); /* 0 -> 1 -> 2, then kept on 2 */
	CHECK_INT(at, 2);
	CHECK(kept > 100);
	np_fleet_free(&fleet);
}

TEST(fleet_two_gpu_servers_each_to_its_gpu)
{
	struct np_topo topo;
	struct np_fleet fleet = {};
	/* each runs and lives on the node of the other's GPU */
	struct np_fleet_proc p[2] = { proc(100, 1, 1, 20), proc(200, 0, 0, 20) };
	struct np_fleet_decision d[2];

	make_topo(&topo, 2, 16, 32);
	p[0].device_node = 0;
	p[1].device_node = 1;
	for (int t = 0; t < 2; t++) {
		step(&fleet, &topo, t, p, 2, d);
		CHECK_INT(d[0].action, NP_FLEET_NONE);
		CHECK_INT(d[1].action, NP_FLEET_NONE);
	}
	step(&fleet, &topo, 2, p, 2, d);
	CHECK_INT(d[0].action, NP_FLEET_PLACE);
	CHECK_INT(d[0].node, 0);
	CHECK_INT(d[1].action, NP_FLEET_PLACE);
	CHECK_INT(d[1].node, 1);
	CHECK_HAS(d[1].reason, "its accelerator is on node 1");
	np_fleet_free(&fleet);
}

TEST(fleet_cpu_only_instances_that_fit_stay_together)
{
	struct np_topo topo;
	struct np_fleet fleet = {};
	struct np_fleet_proc p[2] = { proc(100, 0, 0, 10), proc(200, 0, 0, 8) };
	struct np_fleet_decision d[2];

	make_topo(&topo, 2, 16, 32);
	for (int i = 0; i < 2; i++) {
		p[i].cpu_ns[1] = SEC; /* the scheduler spreads their threads: ratio 0.5 */
		p[i].busy_cpus = 6;
	}
	for (int t = 0; t < 3; t++)
		step(&fleet, &topo, t, p, 2, d);
	for (int i = 0; i < 2; i++) {
		CHECK_INT(d[i].action, NP_FLEET_PLACE);
		CHECK_INT(d[i].node, 0);
		CHECK_HAS(d[i].reason, "node 0 holds 100% of its memory; the 2 CPU-only instances "
				       "there fit together");
	}
	np_fleet_free(&fleet);
}

TEST(fleet_cpu_only_instances_spread_by_cpus)
{
	struct np_topo topo;
	struct np_fleet_decision d[2];

	make_topo(&topo, 2, 16, 32);
	/* both on node 0 and local there, but 2 x 12 busy CPUs on a 16-CPU node */
	for (int order = 0; order < 2; order++) {
		struct np_fleet fleet = {};
		struct np_fleet_proc p[2] = { proc(100, 0, 0, 10), proc(200, 0, 0, 12) };
		int big = order ? 0 : 1, small = 1 - big;

		if (order) { /* same processes, other input order: same answer */
			struct np_fleet_proc tmp = p[0];

			p[0] = p[1];
			p[1] = tmp;
		}
		p[0].busy_cpus = p[1].busy_cpus = 12;
		for (int t = 0; t < 3; t++)
			step(&fleet, &topo, t, p, 2, d);
		/* the larger keeps node 0 (its memory), the other goes to node 1 */
		CHECK_INT(p[big].pid, 200);
		CHECK_INT(d[big].action, NP_FLEET_NONE);
		CHECK_INT(d[big].node, 0);
		CHECK_HAS(d[big].reason, "remote ratio 0.00 to node 0, at or below 0.30 (spread: "
					 "the 2 CPU-only instances with memory on node 0 do not "
					 "fit there together (24.0 busy CPUs for 16, 0.0 GB to "
					 "bring for 32.0 GB free))");
		CHECK_INT(d[small].action, NP_FLEET_PLACE);
		CHECK_INT(d[small].node, 1);

		/* once it is there, both stay: no ping-pong between the two */
		settle(&p[small], 1);
		topo.nodes[1].mem_free_kb -= 10 << 20;
		for (int t = 3; t < 50; t++) {
			step(&fleet, &topo, t, p, 2, d);
			CHECK_INT(d[big].action, NP_FLEET_NONE);
			CHECK_INT(d[big].node, 0);
			CHECK_INT(d[small].action, NP_FLEET_NONE);
			CHECK_INT(d[small].node, 1);
		}
		topo.nodes[1].mem_free_kb += 10 << 20;
		np_fleet_free(&fleet);
	}
}

TEST(fleet_cpu_only_instances_spread_by_memory)
{
	struct np_topo topo;
	struct np_fleet fleet = {};
	struct np_fleet_proc p[2] = { proc(100, 1, 0, 30), proc(200, 1, 0, 25) };
	struct np_fleet_decision d[2];

	make_topo(&topo, 2, 16, 32);
	/* A: 30 GB on 0, 20 on 1; B: 25 on 0, 15 on 1. Node 0 has 32 GB for 35 to bring. */
	p[0].pages[1] = 20 * GB;
	p[1].pages[1] = 15 * GB;
	for (int t = 0; t < 3; t++)
		step(&fleet, &topo, t, p, 2, d);
	CHECK_INT(d[0].action, NP_FLEET_PLACE);
	CHECK_INT(d[0].node, 0); /* 20 GB to bring to node 0, 30 to node 1 */
	CHECK_INT(d[1].action, NP_FLEET_PLACE);
	CHECK_INT(d[1].node, 1); /* node 0 has 12 GB left for its 15 */
	CHECK_HAS(d[1].reason, "35.0 GB to bring for 32.0 GB free");
	np_fleet_free(&fleet);

	/* with 40 GB free they fit together */
	make_topo(&topo, 2, 16, 40);
	for (int t = 0; t < 3; t++)
		step(&fleet, &topo, t, p, 2, d);
	CHECK_INT(d[0].node, 0);
	CHECK_INT(d[1].node, 0);
	CHECK_HAS(d[1].reason, "fit together");
	np_fleet_free(&fleet);
}

TEST(fleet_reserve_counts_against_room)
{
	struct np_topo topo;
	struct np_fleet fleet = {};
	struct np_fleet_proc p[2] = { proc(100, 1, 0, 30), proc(200, 1, 0, 25) };
	struct np_fleet_params pr;
	struct np_fleet_decision d[2];
	char msg[128];

	/* 37 GB free fits their 35 GB, but not with the default reserve (5% of 64 GB) */
	make_topo(&topo, 2, 16, 37);
	p[0].pages[1] = 20 * GB;
	p[1].pages[1] = 15 * GB;
	np_fleet_params_default(&pr);
	for (int t = 0; t < 3; t++)
		CHECK_INT(np_fleet_step(&fleet, &topo, &pr, t, p, 2, d, msg, sizeof(msg)), 0);
	CHECK_INT(d[0].node, 0);
	CHECK_INT(d[1].node, 1);
	CHECK_HAS(d[1].reason, "35.0 GB to bring for 33.8 GB free");
	np_fleet_free(&fleet);

	/* 39 GB free: a 4 GB reserve leaves exactly the 35 GB to bring, 1 MB more does not */
	make_topo(&topo, 2, 16, 39);
	pr.reserve_mb = 4 * 1024;
	for (int t = 0; t < 3; t++)
		CHECK_INT(np_fleet_step(&fleet, &topo, &pr, t, p, 2, d, msg, sizeof(msg)), 0);
	CHECK_INT(d[1].node, 0);
	np_fleet_free(&fleet);
	pr.reserve_mb++;
	for (int t = 0; t < 3; t++)
		CHECK_INT(np_fleet_step(&fleet, &topo, &pr, t, p, 2, d, msg, sizeof(msg)), 0);
	CHECK_INT(d[1].node, 1);
	np_fleet_free(&fleet);
}

TEST(fleet_three_instances_on_two_nodes)
{
	struct np_topo topo;
	/* permutations of the same three: the answer does not depend on input order */
	static const int perms[6][3] = { { 0, 1, 2 }, { 0, 2, 1 }, { 1, 0, 2 },
					 { 1, 2, 0 }, { 2, 0, 1 }, { 2, 1, 0 } };

	make_topo(&topo, 2, 16, 32);
	for (int k = 0; k < 6; k++) {
		struct np_fleet fleet = {};
		struct np_fleet_proc all[3] = { proc(100, 0, 0, 12), proc(200, 0, 0, 10),
						proc(300, 0, 0, 8) };
		struct np_fleet_proc p[3];
		struct np_fleet_decision d[3];
		int node_of[4] = { -9, -9, -9, -9 };

		for (int i = 0; i < 3; i++) {
			p[i] = all[perms[k][i]];
			p[i].busy_cpus = 8; /* three need 24 CPUs of 16 */
		}
		for (int t = 0; t < 3; t++)
			step(&fleet, &topo, t, p, 3, d);
		for (int i = 0; i < 3; i++)
			node_of[p[i].pid / 100] = d[i].node;
		/* largest on its memory's node, the second on the empty node, the third where
		 * most room is left once the others are counted: node 0 (its own memory) */
		CHECK_INT(node_of[1], 0);
		CHECK_INT(node_of[2], 1);
		CHECK_INT(node_of[3], 0);
		for (int i = 0; i < 3; i++)
			CHECK_INT(d[i].action, p[i].pid == 200 ? NP_FLEET_PLACE : NP_FLEET_NONE);
		np_fleet_free(&fleet);
	}
}

TEST(fleet_instance_that_fits_nowhere_is_left_alone)
{
	struct np_topo topo;
	struct np_fleet fleet = {};
	/* a GPU server takes 12 of node 1's CPUs; two CPU-only servers want 10 each */
	struct np_fleet_proc p[3] = { proc(100, 1, 1, 8), proc(200, 1, 0, 10), proc(300, 1, 0, 9) };
	struct np_fleet_decision d[3];

	make_topo(&topo, 2, 16, 32);
	p[0].device_node = 1;
	p[0].busy_cpus = 12;
	p[1].busy_cpus = p[2].busy_cpus = 10;
	for (int t = 0; t < 3; t++)
		step(&fleet, &topo, t, p, 3, d);
	CHECK_INT(d[0].action, NP_FLEET_NONE); /* already on its GPU's node */
	CHECK_INT(d[1].action, NP_FLEET_PLACE);
	CHECK_INT(d[1].node, 0);
	CHECK_INT(d[2].action, NP_FLEET_NONE);
	CHECK_INT(d[2].node, NP_NO_NODE);
	CHECK_STR(d[2].reason, "needs 10.0 busy CPUs and 9.0 GB on one node: no node has room");
	np_fleet_free(&fleet);
}

TEST(fleet_pid_reuse_starts_fresh)
{
	struct np_topo topo;
	struct np_fleet fleet = {};
	struct np_fleet_proc p = proc(100, 0, 0, 8);
	struct np_fleet_decision d;

	make_topo(&topo, 2, 16, 32);
	p.device_node = 1;
	for (int t = 0; t < 3; t++)
		step(&fleet, &topo, t, &p, 1, &d);
	CHECK_INT(d.action, NP_FLEET_PLACE);
	CHECK(ENTRY(&fleet, 100, 1100)->placed);

	/* pid 100 again, another start time: another process, unplaced, no history */
	p.start_time = 5000;
	p.unpinned_threads = 4;
	step(&fleet, &topo, 3, &p, 1, &d);
	CHECK_INT(d.action, NP_FLEET_NONE); /* no follow-up: it was never placed */
	CHECK_HAS(d.reason, "waiting: 1 of 3");
	CHECK(np_fleet_find(&fleet, 100, 1100) == NULL);
	CHECK(!ENTRY(&fleet, 100, 5000)->placed);
	CHECK_INT(ENTRY(&fleet, 100, 5000)->left_nodes, 0);
	CHECK_INT(fleet.nentries, 1);
	np_fleet_free(&fleet);
}

TEST(fleet_vanished_processes_are_forgotten)
{
	struct np_topo topo;
	struct np_fleet fleet = {};
	struct np_fleet_proc p[3] = { proc(100, 0, 0, 1), proc(200, 0, 0, 1), proc(300, 0, 0, 1) };
	struct np_fleet_decision d[3];

	make_topo(&topo, 2, 16, 32);
	for (int i = 0; i < 3; i++)
		p[i].device_node = 1;
	step(&fleet, &topo, 0, p, 3, d);
	step(&fleet, &topo, 1, p, 3, d);
	CHECK_INT(fleet.nentries, 3);
	step(&fleet, &topo, 2, &p[1], 1, d); /* 100 and 300 exited */
	CHECK_INT(d[0].action, NP_FLEET_PLACE);
	CHECK_INT(fleet.nentries, 1);
	CHECK(np_fleet_find(&fleet, 100, 1100) == NULL);
	CHECK(np_fleet_find(&fleet, 300, 1300) == NULL);
	step(&fleet, &topo, 3, NULL, 0, d);
	CHECK_INT(fleet.nentries, 0);
	/* 300 seen again (a restarted agent view, say): counted from zero */
	step(&fleet, &topo, 4, &p[2], 1, d);
	CHECK_HAS(d[0].reason, "waiting: 1 of 3");
	np_fleet_free(&fleet);
}

TEST(fleet_policy_change_after_reload_clears_history)
{
	struct np_topo topo;
	struct np_fleet fleet = {};
	struct np_fleet_proc p = proc(100, 0, 0, 8);
	struct np_fleet_decision d;
	int t = 0;

	make_topo(&topo, 2, 16, 32);
	p.policy.fixed_node = 1;
	for (; t < 3; t++)
		step(&fleet, &topo, t, &p, 1, &d);
	CHECK_INT(d.action, NP_FLEET_PLACE);
	CHECK_HAS(d.reason, "its policy names node 1");
	settle(&p, 1);

	/* its accelerator shows up on node 0, but the policy still says node 1: it stays */
	p.device_node = 0;
	for (; t < 10; t++) {
		step(&fleet, &topo, t, &p, 1, &d);
		CHECK_INT(d.action, NP_FLEET_NONE);
		CHECK_INT(d.node, 1);
	}

	/*
	 * A reload drops the node. Node 0, its accelerator's, is one it left, but the policy
	 * changed: history cleared, node 0 allowed, even within the minimum interval.
	 */
	p.policy.fixed_node = NP_NO_NODE;
	step(&fleet, &topo, t++, &p, 1, &d);
	CHECK_INT(ENTRY(&fleet, 100, 1100)->left_nodes, 0);
	step(&fleet, &topo, t++, &p, 1, &d);
	step(&fleet, &topo, t++, &p, 1, &d);
	CHECK_INT(d.action, NP_FLEET_PLACE);
	CHECK_INT(d.node, 0);
	CHECK_HAS(d.reason, "its accelerator is on node 0; from node 1");
	settle(&p, 0);

	/* back to node 1 would undo that move: kept while the policy stays the same, until a
	 * reload says node 1 again */
	p.device_node = 1;
	for (int i = 0; i < 5; i++)
		step(&fleet, &topo, t++, &p, 1, &d);
	CHECK_INT(d.action, NP_FLEET_NONE);
	CHECK_INT(d.node, 0);
	CHECK_HAS(d.reason, "kept on node 0: moving it to node 1 would undo the move at t=12 s");
	p.policy.fixed_node = 1;
	for (int i = 0; i < 3; i++)
		step(&fleet, &topo, t++, &p, 1, &d);
	CHECK_INT(d.action, NP_FLEET_PLACE);
	CHECK_INT(d.node, 1);

	np_fleet_free(&fleet);
}

TEST(fleet_follow_up_on_new_threads_and_stray_pages)
{
	struct np_topo topo;
	struct np_fleet fleet = {};
	struct np_fleet_proc p = proc(100, 0, 0, 100);
	struct np_fleet_decision d;
	int t = 0;

	make_topo(&topo, 2, 16, 200);
	p.device_node = 1;
	for (; t < 3; t++)
		step(&fleet, &topo, t, &p, 1, &d);
	CHECK_INT(d.action, NP_FLEET_PLACE);
	settle(&p, 1);
	step(&fleet, &topo, t++, &p, 1, &d);
	CHECK_INT(d.action, NP_FLEET_NONE);

	p.unpinned_threads = 2;
	step(&fleet, &topo, t++, &p, 1, &d);
	CHECK_INT(d.action, NP_FLEET_FOLLOW_UP);
	CHECK_INT(d.node, 1);
	CHECK_STR(d.reason, "follow-up on node 1: 2 threads not pinned");
	CHECK_INT(ENTRY(&fleet, 100, 1100)->moves, 1); /* not a move */
	p.unpinned_threads = 0;

	/* 100 GB resident: 1% is 1 GB, so 64 MB is the limit */
	p.pages[1] -= 16384;
	p.pages[0] += 16384;
	step(&fleet, &topo, t++, &p, 1, &d);
	CHECK_INT(d.action, NP_FLEET_NONE);
	p.pages[1]--;
	p.pages[0]++;
	p.unpinned_threads = 1;
	step(&fleet, &topo, t++, &p, 1, &d);
	CHECK_INT(d.action, NP_FLEET_FOLLOW_UP);
	CHECK_STR(d.reason, "follow-up on node 1: 1 thread not pinned, 16385 pages (64 MB) off "
			    "node 1");

	/* 1 GB resident: 1% (2621 pages) is the limit */
	p = proc(100, 1, 1, 1);
	p.device_node = 1;
	p.pages[1] -= 2621;
	p.pages[0] = 2621;
	step(&fleet, &topo, t++, &p, 1, &d);
	CHECK_INT(d.action, NP_FLEET_NONE);
	p.pages[1]--;
	p.pages[0]++;
	step(&fleet, &topo, t++, &p, 1, &d);
	CHECK_INT(d.action, NP_FLEET_FOLLOW_UP);
	CHECK_STR(d.reason, "follow-up on node 1: 2622 pages (10 MB) off node 1");
	np_fleet_free(&fleet);
}

TEST(fleet_nothing_to_decide_on)
{
	struct np_topo topo;
	struct np_fleet fleet = {};
	struct np_fleet_proc p[2] = { proc(100, 0, 0, 0), proc(200, 0, 0, 1) };
	struct np_fleet_decision d[2];

	make_topo(&topo, 2, 16, 32);
	p[1].policy.fixed_node = 5;
	step(&fleet, &topo, 0, p, 2, d);
	CHECK_INT(d[0].action, NP_FLEET_NONE);
	CHECK_INT(d[0].node, NP_NO_NODE);
	CHECK_STR(d[0].reason, "no resident memory and no accelerator: nothing to decide on");
	CHECK_INT(d[1].action, NP_FLEET_NONE);
	CHECK_STR(d[1].reason, "node 5 (its policy) is not a node of this host with CPUs");
	np_fleet_free(&fleet);
}

TEST(fleet_bad_input_leaves_state_alone)
{
	struct np_topo topo;
	struct np_fleet fleet = {};
	struct np_fleet_proc p[2] = { proc(100, 0, 0, 1), proc(200, 0, 0, 1) };
	struct np_fleet_params pr = params();
	struct np_fleet_decision d[2];
	char msg[128];

	make_topo(&topo, 2, 16, 32);
	p[0].device_node = 1;
	CHECK_INT(np_fleet_step(&fleet, &topo, &pr, 0, p, 1, d, msg, sizeof(msg)), 0);
	CHECK_INT(ENTRY(&fleet, 100, 1100)->above, 1);

	p[1].pid = 100;
	CHECK_INT(np_fleet_step(&fleet, &topo, &pr, 1, p, 2, d, msg, sizeof(msg)), -EINVAL);
	CHECK_STR(msg, "pid 100 appears twice");
	p[1].pid = 200;
	p[1].policy.sustain = 0;
	CHECK_INT(np_fleet_step(&fleet, &topo, &pr, 1, p, 2, d, msg, sizeof(msg)), -EINVAL);
	CHECK_STR(msg, "pid 200: sustain 0 is below 1 interval");
	p[1].policy.sustain = 3;
	p[1].policy.remote_threshold = 1.5;
	CHECK_INT(np_fleet_step(&fleet, &topo, &pr, 1, p, 2, d, msg, sizeof(msg)), -EINVAL);
	CHECK_STR(msg, "pid 200: remote threshold 1.5 is not within 0..1");
	p[1].policy.remote_threshold = NAN;
	CHECK_INT(np_fleet_step(&fleet, &topo, &pr, 1, p, 2, d, msg, sizeof(msg)), -EINVAL);
	p[1].policy.remote_threshold = 0.3;
	p[1].policy.min_move_interval_s = -1;
	CHECK_INT(np_fleet_step(&fleet, &topo, &pr, 1, p, 2, d, msg, sizeof(msg)), -EINVAL);
	p[1].policy.min_move_interval_s = 0;
	p[1].device_node = -2;
	CHECK_INT(np_fleet_step(&fleet, &topo, &pr, 1, p, 2, d, msg, sizeof(msg)), -EINVAL);
	p[1].device_node = NP_NO_NODE;
	p[1].pid = 0;
	CHECK_INT(np_fleet_step(&fleet, &topo, &pr, 1, p, 2, d, msg, sizeof(msg)), -EINVAL);
	CHECK_INT(np_fleet_step(&fleet, &topo, &pr, NAN, p, 1, d, msg, sizeof(msg)), -EINVAL);

	/* nothing of the refused steps stuck: 100 is still at 1 of 3, and 200 unknown */
	CHECK_INT(fleet.nentries, 1);
	CHECK_INT(ENTRY(&fleet, 100, 1100)->above, 1);
	CHECK_STR(np_fleet_action_name(NP_FLEET_FOLLOW_UP), "follow-up");
	np_fleet_free(&fleet);
}

TEST(fleet_memory_on_a_node_without_cpus)
{
	struct np_topo topo;
	struct np_fleet fleet = {};
	struct np_fleet_proc p = proc(100, 0, 2, 8); /* its memory on a CPU-less node */
	struct np_fleet_decision d;

	make_topo(&topo, 3, 16, 32);
	memset(&topo.nodes[2].cpus, 0, sizeof(topo.nodes[2].cpus));
	topo.nodes[1].mem_free_kb += 1 << 20; /* node 1 has the most room */
	for (int t = 0; t < 3; t++)
		step(&fleet, &topo, t, &p, 1, &d);
	CHECK_INT(d.action, NP_FLEET_PLACE);
	CHECK_INT(d.node, 1);
	CHECK_HAS(d.reason, "node 2 holds 100% of its memory but does not fit it (it has no CPUs)");
	np_fleet_free(&fleet);
}

/*
 * Issue 13: a CPU-only server whose cgroup cpuset leaves it only node 1 (its memory on node 0)
 * goes to node 1, never to its memory's node; one whose cpuset allows no node with room stays.
 */
TEST(fleet_cpu_only_target_within_its_cpuset)
{
	struct np_topo topo;
	struct np_fleet fleet = {};
	struct np_fleet_proc p[2] = { proc(100, 1, 0, 10), proc(200, 0, 0, 40) };
	struct np_fleet_decision d[2];

	make_topo(&topo, 2, 16, 32);
	p[0].cpu_ns[0] = SEC;
	p[0].allowed_nodes = 1ULL << 1;
	p[1].cpu_ns[1] = SEC;
	p[1].allowed_nodes = 1ULL << 1; /* 40 GB: node 1 has 32 free */
	for (int t = 0; t < 3; t++)
		step(&fleet, &topo, t, p, 2, d);
	CHECK_INT(d[0].action, NP_FLEET_PLACE);
	CHECK_INT(d[0].node, 1);
	CHECK_HAS(d[0].reason, "a cgroup cpuset keeps one of them off node 0");
	CHECK_INT(d[1].action, NP_FLEET_NONE);
	CHECK_INT(d[1].node, NP_NO_NODE);
	np_fleet_free(&fleet);
}
