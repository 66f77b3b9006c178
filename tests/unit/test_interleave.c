// SPDX-License-Identifier: GPL-2.0
/*
 * Interleave: the node list (numactl syntax), each node's share by the room it has above its
 * reserve, 2 MB granularity, the plan's CPUs, and how the mover gives 2 MB regions their node.
 */
#include <errno.h>
#include <stdlib.h>

#include "act/mover.h"
#include "lib/pages.h"
#include "policy/plan.h"
#include "test.h"

#define GB_KB (1024ULL * 1024)

/* Four nodes of 64 GB and 4 CPUs each; node 2 has no memory (a CPU-only node). */
static struct np_topo *four(void)
{
	static struct np_topo topo;

	memset(&topo, 0, sizeof(topo));
	topo.nnodes = 4;
	for (int i = 0; i < 4; i++) {
		topo.nodes[i].id = i;
		topo.nodes[i].mem_total_kb = i == 2 ? 0 : 64 * GB_KB;
		topo.nodes[i].mem_free_kb = i == 2 ? 0 : 32 * GB_KB;
		for (int c = 0; c < 4; c++)
			np_cpuset_set(&topo.nodes[i].cpus, i * 4 + c);
	}
	return &topo;
}

TEST(interleave_parses_numactl_node_lists)
{
	struct np_topo *topo = four();
	__u64 nodes;
	char msg[256];

	CHECK_INT(np_interleave_parse("0,1", topo, 0, &nodes, msg, sizeof(msg)), 0);
	CHECK_INT(nodes, 0x3);
	CHECK_INT(np_interleave_parse("0-1,3", topo, 0, &nodes, msg, sizeof(msg)), 0);
	CHECK_INT(nodes, 0xb);
	/* all: the nodes with memory, within the cpuset's mems when known */
	CHECK_INT(np_interleave_parse("all", topo, 0, &nodes, msg, sizeof(msg)), 0);
	CHECK_INT(nodes, 0xb);
	CHECK_INT(np_interleave_parse("all", topo, 0x6, &nodes, msg, sizeof(msg)), 0);
	CHECK_INT(nodes, 0x2);
	CHECK_INT(np_interleave_parse("all", topo, 0x4, &nodes, msg, sizeof(msg)), -EINVAL);
	/* bad lists */
	const char *bad[] = { "", "x", "0-", "1-0", "0,,1", "0-3:2", "0 1", "-1", ",0", "0," };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		msg[0] = '\0';
		CHECK_INT(np_interleave_parse(bad[i], topo, 0, &nodes, msg, sizeof(msg)), -EINVAL);
		CHECK(msg[0] != '\0');
	}
	CHECK_INT(np_interleave_parse("0-2", topo, 0, &nodes, msg, sizeof(msg)), -EINVAL);
	CHECK_STR(msg, "node 2 has no memory to interleave over");
	CHECK_INT(np_interleave_parse("4", topo, 0, &nodes, msg, sizeof(msg)), -EINVAL);
	CHECK_STR(msg, "node 4 is not an online node of this host");
	CHECK_INT(np_interleave_parse("0,3", topo, 0x1, &nodes, msg, sizeof(msg)), -EINVAL);
	CHECK_STR(msg, "node 3 is not a memory node of the process's cpuset");
}

TEST(interleave_shares_follow_free_memory_above_the_reserve)
{
	struct np_topo *topo = four();
	struct np_residency res = {};
	struct np_interleave il;

	/* 8 GB, all on node 0; node 0 has 10 GB free, node 1 30 GB; no reserve */
	topo->nodes[0].mem_free_kb = 10 * GB_KB;
	topo->nodes[1].mem_free_kb = 30 * GB_KB;
	res.pages[0] = np_mb_pages(8192);
	np_interleave_shares(topo, &res, 0x3, 0, &il);
	/* room: node 0 10 + its own 8 GB, node 1 30 GB: 18/48 and 30/48 */
	CHECK(il.share[0] > 0.3749 && il.share[0] < 0.3751);
	CHECK(il.share[1] > 0.6249 && il.share[1] < 0.6251);
	CHECK_INT(il.pages_target[0], np_mb_pages(3072));
	CHECK_INT(il.pages_target[1], np_mb_pages(5120));
	CHECK_INT(il.pages_target[3], 0);
	CHECK_INT(np_interleave_pages_to_move(topo, &il), np_mb_pages(5120));
	CHECK_INT(il.pages_short, 0);

	/* a 10 GB reserve on each: node 0 keeps only its own pages as room, node 1 20 GB */
	np_interleave_shares(topo, &res, 0x3, 10240, &il);
	CHECK_INT(il.reserve_pages[0], np_mb_pages(10240));
	CHECK(il.share[0] > 0.2856 && il.share[0] < 0.2858); /* 8/28 */

	/* a node the process filled below its reserve gives some back: 12 GB reserve, node 0
	 * 10 + 8 - 12 = 6 GB of room, node 1 30 - 12 = 18 */
	np_interleave_shares(topo, &res, 0x3, 12 * 1024, &il);
	CHECK(il.share[0] > 0.2499 && il.share[0] < 0.2501);
	CHECK_INT(il.pages_target[0], np_mb_pages(2048));

	/* equal nodes, default reserve (5% of 64 GB): half and half */
	topo->nodes[0].mem_free_kb = topo->nodes[1].mem_free_kb = 32 * GB_KB;
	res.pages[0] = res.pages[1] = np_mb_pages(2048);
	np_interleave_shares(topo, &res, 0x3, -1, &il);
	CHECK_INT(il.reserve_pages[1], np_mb_pages(np_plan_default_reserve_mb(&topo->nodes[1])));
	CHECK_INT(il.pages_target[0], np_mb_pages(2048));
	CHECK_INT(il.pages_target[1], np_mb_pages(2048));
	CHECK_INT(np_interleave_pages_to_move(topo, &il), 0);
}

TEST(interleave_keeps_the_reserves_when_memory_is_short)
{
	struct np_topo *topo = four();
	struct np_residency res = {};
	struct np_interleave il;

	/* 40 GB on node 3 (not in the set); nodes 0 and 1 have 32 GB free, keep 16 GB each */
	res.pages[3] = np_mb_pages(40 * 1024);
	np_interleave_shares(topo, &res, 0x3, 16 * 1024, &il);
	CHECK_INT(il.pages_target[0], np_mb_pages(16 * 1024));
	CHECK_INT(il.pages_target[1], np_mb_pages(16 * 1024));
	CHECK_INT(il.pages_short, np_mb_pages(8 * 1024));
	CHECK_INT(np_interleave_pages_to_move(topo, &il), np_mb_pages(32 * 1024));
	CHECK(il.share[0] > 0.4999 && il.share[0] < 0.5001);
}

TEST(interleave_shares_are_whole_2mb_regions)
{
	struct np_topo *topo = four();
	struct np_residency res = {};
	struct np_interleave il;
	__u64 sum = 0;
	int partial = 0;

	/* 1001 pages over three equal nodes: whole regions, the odd pages on one node */
	res.pages[0] = 3 * 512 * 7 + 1001;
	np_interleave_shares(topo, &res, 0xb, 0, &il);
	for (int i = 0; i < 4; i++) {
		sum += il.pages_target[i];
		partial += il.pages_target[i] % NP_INTERLEAVE_GRAIN_PAGES != 0;
	}
	CHECK_INT(sum, res.pages[0]);
	CHECK(partial <= 1);
	CHECK_INT(il.pages_target[2], 0);
	CHECK(il.pages_target[0] >= 7 * 512 && il.pages_target[1] >= 7 * 512 &&
	      il.pages_target[3] >= 7 * 512);
}

TEST(interleave_plan_spreads_threads_over_the_nodes_cpus)
{
	struct np_topo *topo = four();
	struct np_thread_model threads[2] = {};
	struct np_proc_model proc = { .nthreads = 2, .threads = threads, .has_residency = true };
	struct np_plan_opts opts = { .only = NP_PLAN_ALL, .max_rate_mbps = 1024, .reserve_mb = 0 };
	struct np_cpuset allowed = {};
	struct np_plan plan;
	char msg[256];

	proc.residency.pages[0] = np_mb_pages(1024);
	topo->nodes[1].mem_free_kb = 33 * GB_KB; /* node 0's room counts its own 1 GB */
	CHECK_INT(np_plan_interleave(topo, &proc, &opts, 0x3, &plan, msg, sizeof(msg)), 0);
	CHECK(plan.interleave.on);
	CHECK_INT(plan.cpus.bits[0], 0xff);
	CHECK_INT(plan.nthreads, 2);
	CHECK_INT(plan.pages_to_move, np_mb_pages(512));
	CHECK(plan.est_seconds > 0.49 && plan.est_seconds < 0.51);
	/* within the cpuset: CPUs 1 and 5 */
	np_cpuset_set(&allowed, 1);
	np_cpuset_set(&allowed, 5);
	opts.allowed = &allowed;
	CHECK_INT(np_plan_interleave(topo, &proc, &opts, 0x3, &plan, msg, sizeof(msg)), 0);
	CHECK_INT(plan.cpus.bits[0], 0x22);
	CHECK_INT(np_plan_interleave(topo, &proc, &opts, 0x8, &plan, msg, sizeof(msg)), -EINVAL);
	CHECK_STR(msg, "no CPU of nodes 3 is in the process's cpuset");
}

TEST(interleave_mover_gives_away_every_other_region_of_a_full_node)
{
	struct np_move_spread spread = { .nodes = 0x3 };
	struct np_move_opts opts = { .target_node = 0, .spread = &spread };
	struct np_mover m = { .opts = &opts };
	struct np_mover_worker wk = { .m = &m };
	void *addrs[8], *busy[8];
	unsigned int weights[8], busy_weights[8];
	int status[8], nodes[8], dest[8];

	wk.addrs = addrs, wk.weights = weights, wk.status = status, wk.nodes = nodes;
	wk.busy = busy, wk.busy_weights = busy_weights, wk.dest = dest;
	pthread_mutex_init(&m.lock, NULL);
	/* four huge pages on node 0, one on node 1; node 0 is to keep two, node 1 to hold three */
	m.spread_before[0] = 4 * 512, m.spread_target[0] = 2 * 512;
	m.spread_before[1] = 512, m.spread_target[1] = 3 * 512;
	for (int i = 0; i < 5; i++) {
		addrs[i] = (void *)((i + 1) * NP_MEM_HUGE);
		weights[i] = 512;
		status[i] = i == 4 ? 1 : 0;
	}
	CHECK_INT(np_mover_spread_misplaced(&wk, 5), 2);
	/* regions 1 and 3 go, 2 and 4 stay: alternating; 5 is on node 1 already */
	CHECK(addrs[0] == (void *)(1 * NP_MEM_HUGE));
	CHECK(addrs[1] == (void *)(3 * NP_MEM_HUGE));
	CHECK_INT(dest[0], 1);
	CHECK_INT(dest[1], 1);
	CHECK_INT(m.given[0], 1024);
	CHECK_INT(m.received[1], 1024);
	CHECK_INT(m.received[0], 0);
	CHECK_INT(wk.res.pages_misplaced, 1024);

	/* base pages of one region follow its majority; the odd one out moves to it */
	memset(m.seen, 0, sizeof(m.seen));
	memset(m.given, 0, sizeof(m.given));
	memset(m.received, 0, sizeof(m.received));
	m.spread_before[0] = 1, m.spread_target[0] = 0;
	m.spread_before[1] = 2, m.spread_target[1] = 3;
	for (int i = 0; i < 3; i++) {
		addrs[i] = (void *)(NP_MEM_HUGE + i * 4096);
		weights[i] = 1;
		status[i] = i == 2 ? 0 : 1;
	}
	CHECK_INT(np_mover_spread_misplaced(&wk, 3), 1);
	CHECK_INT(dest[0], 1);
	CHECK(addrs[0] == (void *)(NP_MEM_HUGE + 2 * 4096));

	/* a region on a node off the set goes to the node short of its share by the most */
	spread.nodes = 0x6;
	m.spread_before[0] = 512, m.spread_target[0] = 0;
	m.spread_before[1] = 0, m.spread_target[1] = 0;
	m.spread_before[2] = 0, m.spread_target[2] = 512;
	addrs[0] = (void *)(4 * NP_MEM_HUGE);
	weights[0] = 512;
	status[0] = 0;
	CHECK_INT(np_mover_spread_misplaced(&wk, 1), 1);
	CHECK_INT(dest[0], 2);
	pthread_mutex_destroy(&m.lock);
}
