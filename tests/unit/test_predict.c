// SPDX-License-Identifier: GPL-2.0
/* Predictions (policy/predict.h) and the never-worse guard (policy/guard.h). */
#include <limits.h>
#include <math.h>

#include "policy/guard.h"
#include "policy/predict.h"
#include "test.h"

#define NEAR(a, b) (fabs((a) - (b)) < 1e-6)

/* n nodes of 4 CPUs each, local 10, every remote distance `remote`. */
static struct np_topo *topo_of(int n, int remote)
{
	static struct np_topo topo;

	memset(&topo, 0, sizeof(topo));
	topo.nnodes = n;
	for (int i = 0; i < n; i++) {
		topo.nodes[i].id = i;
		for (int c = 0; c < 4; c++)
			np_cpuset_set(&topo.nodes[i].cpus, i * 4 + c);
		topo.nodes[i].mem_total_kb = 8ULL << 20;
		topo.nodes[i].mem_free_kb = 4ULL << 20;
		for (int j = 0; j < n; j++)
			topo.nodes[i].distance[j] = i == j ? 10 : remote;
	}
	return &topo;
}

/* local 100 ns and 50 GB/s, remote 200 ns and 25 GB/s: a remote read costs twice as much */
static void matrix(const struct np_topo *topo, struct np_measure *m)
{
	memset(m, 0, sizeof(*m));
	m->valid = true;
	m->nnodes = topo->nnodes;
	for (int i = 0; i < topo->nnodes; i++) {
		m->node_ids[i] = topo->nodes[i].id;
		for (int j = 0; j < topo->nnodes; j++) {
			m->latency_ns[i][j] = i == j ? 100 : 200;
			m->read_gbps[i][j] = i == j ? 50 : 25;
		}
	}
}

static struct np_predict_plan single(int node, __u64 planned)
{
	return (struct np_predict_plan){
		.target_node = node, .threads = true, .memory = true, .pages_planned = planned
	};
}

TEST(predict_slit_21_all_remote_to_all_local)
{
	struct np_topo *topo = topo_of(2, 21);
	__u64 cpu[NP_BPF_MAX_NODES] = { 1000 }, pages[NP_BPF_MAX_NODES] = { 0, 1000 };
	struct np_predict_plan plan = single(0, 1000);
	struct np_expected e;
	char text[256];

	np_predict(topo, NULL, cpu, pages, NP_NO_NODE, &plan, &e);
	CHECK(e.valid);
	CHECK_STR(e.source, "slit");
	CHECK(NEAR(e.remote_share_before, 1));
	CHECK(NEAR(e.remote_share_after, 0));
	CHECK(NEAR(e.read_rate_change, 2.1));
	CHECK(isnan(e.accel_local_share_before) && isnan(e.accel_local_share_after));
	np_expected_text(&e, text, sizeof(text));
	CHECK_STR(text, "remote reads 100% -> 0%, read rate x2.1 (from SLIT distances)");
}

TEST(predict_slit_32_and_a_partial_move)
{
	struct np_topo *topo = topo_of(2, 32);
	__u64 cpu[NP_BPF_MAX_NODES] = { 1000 }, pages[NP_BPF_MAX_NODES] = { 0, 1000 };
	struct np_predict_plan plan = single(0, 1000);
	struct np_expected e;

	np_predict(topo, NULL, cpu, pages, NP_NO_NODE, &plan, &e);
	CHECK(NEAR(e.read_rate_change, 3.2));
	/* room for 250 of 1000 pages: 3/4 of the reads stay remote */
	plan.pages_planned = 250;
	np_predict(topo, NULL, cpu, pages, NP_NO_NODE, &plan, &e);
	CHECK(NEAR(e.remote_share_after, 0.75));
	CHECK(NEAR(e.read_rate_change, 3.2 / (0.25 + 0.75 * 3.2)));
}

/* The guest case: a GPU server whose GPU's node has room for a fifth of its memory. */
TEST(predict_gpu_node_with_room_for_a_fifth)
{
	struct np_topo *topo = topo_of(2, 21);
	__u64 cpu[NP_BPF_MAX_NODES] = { 1000 }, pages[NP_BPF_MAX_NODES] = { 1000 };
	struct np_predict_plan plan = single(1, 200);
	struct np_expected e;
	char text[256];

	np_predict(topo, NULL, cpu, pages, 1, &plan, &e);
	CHECK(NEAR(e.remote_share_before, 0));
	CHECK(NEAR(e.remote_share_after, 0.8));
	CHECK(NEAR(e.accel_local_share_before, 0));
	CHECK(NEAR(e.accel_local_share_after, 0.2));
	CHECK(NEAR(e.read_rate_change, 1 / (0.2 + 0.8 * 2.1))); /* slower: 0.53 */
	np_expected_text(&e, text, sizeof(text));
	CHECK_STR(text, "remote reads 0% -> 80%, memory on its accelerator's node 0% -> 20%, "
			"read rate x0.5 (from SLIT distances)");
}

TEST(predict_measured_matrix)
{
	struct np_topo *topo = topo_of(2, 21);
	__u64 cpu[NP_BPF_MAX_NODES] = { 1000 }, pages[NP_BPF_MAX_NODES] = { 0, 1000 };
	struct np_predict_plan plan = single(0, 1000);
	struct np_measure m;
	struct np_expected e;
	char text[256];

	matrix(topo, &m);
	np_predict(topo, &m, cpu, pages, NP_NO_NODE, &plan, &e);
	CHECK_STR(e.source, "measured");
	CHECK(NEAR(e.read_rate_change, 2.0)); /* half latency x2, half bandwidth x2 */
	np_expected_text(&e, text, sizeof(text));
	CHECK(strstr(text, "(from the measured matrix)") != NULL);
	/* bandwidth alone halved: 0.5 * 1 + 0.5 * 2 */
	m.latency_ns[0][1] = m.latency_ns[1][0] = 100;
	np_predict(topo, &m, cpu, pages, NP_NO_NODE, &plan, &e);
	CHECK(NEAR(e.read_rate_change, 1.5));
	/* a matrix of other nodes, invalid, or with a zero: the SLIT distances */
	m.node_ids[1] = 5;
	np_predict(topo, &m, cpu, pages, NP_NO_NODE, &plan, &e);
	CHECK_STR(e.source, "slit");
	CHECK(NEAR(e.read_rate_change, 2.1));
	matrix(topo, &m);
	m.read_gbps[1][0] = 0;
	np_predict(topo, &m, cpu, pages, NP_NO_NODE, &plan, &e);
	CHECK_STR(e.source, "slit");
	matrix(topo, &m);
	m.valid = false;
	np_predict(topo, &m, cpu, pages, NP_NO_NODE, &plan, &e);
	CHECK_STR(e.source, "slit");
}

TEST(predict_four_nodes_measured_and_slit)
{
	struct np_topo *topo = topo_of(4, 32);
	__u64 cpu[NP_BPF_MAX_NODES] = { 0, 0, 500, 500 },
	      pages[NP_BPF_MAX_NODES] = { 0, 0, 0, 1000 };
	struct np_predict_plan plan = single(3, 1000);
	struct np_measure m;
	struct np_expected e;

	/* half its CPU time on node 2 reads node 3: remote half the time */
	np_predict(topo, NULL, cpu, pages, 3, &plan, &e);
	CHECK(NEAR(e.remote_share_before, 0.5));
	CHECK(NEAR(e.remote_share_after, 0));
	CHECK(NEAR(e.accel_local_share_before, 1));
	CHECK(NEAR(e.accel_local_share_after, 1));
	CHECK(NEAR(e.read_rate_change, (0.5 * 3.2 + 0.5) / 1.0));
	matrix(topo, &m);
	np_predict(topo, &m, cpu, pages, 3, &plan, &e);
	CHECK(NEAR(e.read_rate_change, 1.5));
	/* node ids need not be 0..n-1: a node 3 alone */
	topo->nnodes = 1;
	topo->nodes[0].id = 3;
	np_predict(topo, NULL, cpu, pages, 3, &plan, &e);
	CHECK(NEAR(e.remote_share_before, 0));
	CHECK(NEAR(e.read_rate_change, 1));
}

TEST(predict_only_threads_or_only_memory)
{
	struct np_topo *topo = topo_of(2, 21);
	__u64 cpu[NP_BPF_MAX_NODES] = { 1000 }, pages[NP_BPF_MAX_NODES] = { 1000 };
	struct np_predict_plan plan = single(1, 1000);
	struct np_expected e;

	plan.memory = false; /* --only threads: the threads leave their memory */
	np_predict(topo, NULL, cpu, pages, NP_NO_NODE, &plan, &e);
	CHECK(NEAR(e.remote_share_after, 1));
	CHECK(NEAR(e.read_rate_change, 1 / 2.1));
	plan.memory = true; /* --only memory: the memory leaves its threads */
	plan.threads = false;
	np_predict(topo, NULL, cpu, pages, NP_NO_NODE, &plan, &e);
	CHECK(NEAR(e.remote_share_after, 1));
	plan.memory = false; /* --only irqs: nothing changes */
	np_predict(topo, NULL, cpu, pages, NP_NO_NODE, &plan, &e);
	CHECK(NEAR(e.remote_share_after, 0));
	CHECK(NEAR(e.read_rate_change, 1));
}

TEST(predict_interleave)
{
	struct np_topo *topo = topo_of(4, 21);
	__u64 cpu[NP_BPF_MAX_NODES] = { 1000 }, pages[NP_BPF_MAX_NODES] = { 1000 };
	struct np_predict_plan plan = { .interleave = 0x3, .threads = true, .memory = true };
	struct np_expected e;

	plan.share[0] = plan.share[1] = 0.5;
	np_predict(topo, NULL, cpu, pages, NP_NO_NODE, &plan, &e);
	CHECK(NEAR(e.remote_share_before, 0));
	CHECK(NEAR(e.remote_share_after, 0.5));
	CHECK(NEAR(e.read_rate_change, 1 / (0.5 + 0.5 * 2.1)));
	/* a process whose GPUs sit on nodes 1 and 2, its memory on node 0: over 0-2 by 1/3 */
	plan.interleave = 0x7;
	plan.share[0] = plan.share[1] = plan.share[2] = 1.0 / 3;
	np_predict(topo, NULL, cpu, pages, 1, &plan, &e);
	CHECK(NEAR(e.remote_share_after, 2.0 / 3));
	CHECK(NEAR(e.accel_local_share_before, 0));
	CHECK(NEAR(e.accel_local_share_after, 1.0 / 3));
	/* threads already on both nodes, memory on one: interleave halves the remote share */
	cpu[0] = cpu[1] = 500;
	pages[0] = 1000;
	plan.interleave = 0x3;
	plan.share[0] = plan.share[1] = 0.5;
	plan.share[2] = 0;
	np_predict(topo, NULL, cpu, pages, NP_NO_NODE, &plan, &e);
	CHECK(NEAR(e.remote_share_before, 0.5));
	CHECK(NEAR(e.remote_share_after, 0.5));
	CHECK(NEAR(e.read_rate_change, 1));
}

TEST(predict_unknowns)
{
	struct np_topo *topo = topo_of(2, 21);
	__u64 cpu[NP_BPF_MAX_NODES] = { 0 }, pages[NP_BPF_MAX_NODES] = { 0, 1000 };
	struct np_predict_plan plan = single(0, 1000);
	struct np_expected e;
	struct np_cpuset allowed;
	char text[256];

	/* no CPU time: the before side is unknown, the after side where the threads go */
	np_predict(topo, NULL, cpu, pages, NP_NO_NODE, &plan, &e);
	CHECK(e.valid);
	CHECK(isnan(e.remote_share_before));
	CHECK(NEAR(e.remote_share_after, 0));
	CHECK(isnan(e.read_rate_change));
	np_expected_text(&e, text, sizeof(text));
	CHECK_STR(text, "remote reads ? -> 0%, read rate unknown (from SLIT distances)");
	/* the guess: its cpuset's CPUs, 3 on node 0 and 1 on node 1 */
	np_cpulist_parse("1-4", &allowed);
	np_predict_cpu_guess(topo, &allowed, cpu);
	CHECK_INT(cpu[0], 3);
	CHECK_INT(cpu[1], 1);
	np_predict_cpu_guess(topo, NULL, cpu);
	CHECK_INT(cpu[0], 4);
	np_predict(topo, NULL, cpu, pages, NP_NO_NODE, &plan, &e);
	CHECK(NEAR(e.remote_share_before, 0.5));
	/* no resident page: nothing to predict */
	pages[1] = 0;
	np_predict(topo, NULL, cpu, pages, 0, &plan, &e);
	CHECK(!e.valid);
	CHECK(isnan(e.remote_share_after) && isnan(e.read_rate_change));
	np_expected_text(&e, text, sizeof(text));
	CHECK_STR(text, "nothing to predict (no resident memory)");
}

/* ---- the guard ---- */

static void guard_case(struct np_proc_model *proc, struct np_plan *plan, __u64 on0, __u64 on1,
		       int target, __u64 planned)
{
	memset(proc, 0, sizeof(*proc));
	memset(plan, 0, sizeof(*plan));
	proc->info.pid = 4242;
	proc->has_residency = true;
	proc->residency.pages[0] = on0;
	proc->residency.pages[1] = on1;
	plan->target_node = target;
	plan->pages_to_move = target ? on0 : on1;
	plan->pages_planned = planned;
}

TEST(guard_declines_room_for_a_fifth)
{
	struct np_proc_model proc;
	struct np_plan plan;
	struct np_guard g;

	guard_case(&proc, &plan, 256 * 1000, 0, 1, 256 * 200);
	np_guard_check(&proc, &plan, NP_PLAN_ALL, 0, &g);
	CHECK(g.declined);
	CHECK_INT(g.on_target, 256 * 200);
	CHECK_INT(g.free_pages, 256 * 800);
	CHECK_INT(g.holding, 0x3);
	CHECK_STR(g.why, "the plan would leave 800 of its 1000 MB (80%) off node 1: most of its "
			 "reads would stay remote");
	CHECK_INT(g.nalternatives, 3);
	CHECK_STR(g.alternatives[0], "interleave it over the nodes that hold it: numaplace place "
				     "--pid 4242 --interleave 0-1");
	CHECK_STR(g.alternatives[1], "free 800 MB on node 1, then place it there (all of it fits)");
	CHECK(strstr(g.alternatives[2], "--force") != NULL);
}

TEST(guard_passes_half_and_more)
{
	struct np_proc_model proc;
	struct np_plan plan;
	struct np_guard g;

	guard_case(&proc, &plan, 1000, 0, 1, 600);
	np_guard_check(&proc, &plan, NP_PLAN_ALL, 0, &g);
	CHECK(!g.declined);
	/* exactly half is not more than half off */
	guard_case(&proc, &plan, 800, 200, 1, 300);
	np_guard_check(&proc, &plan, NP_PLAN_ALL, 0, &g);
	CHECK(!g.declined);
	CHECK_INT(g.on_target, 500);
	/* one page less and it is */
	plan.pages_planned = 299;
	np_guard_check(&proc, &plan, NP_PLAN_ALL, 0, &g);
	CHECK(g.declined);
	/* all on the target already (one node hosts): never */
	guard_case(&proc, &plan, 1000, 0, 0, 0);
	np_guard_check(&proc, &plan, NP_PLAN_ALL, 0, &g);
	CHECK(!g.declined);
	/* nothing resident, or residency unknown: nothing to guard */
	guard_case(&proc, &plan, 0, 0, 1, 0);
	np_guard_check(&proc, &plan, NP_PLAN_ALL, 0, &g);
	CHECK(!g.declined);
	guard_case(&proc, &plan, 1000, 0, 1, 0);
	proc.has_residency = false;
	np_guard_check(&proc, &plan, NP_PLAN_ALL, 0, &g);
	CHECK(!g.declined);
}

TEST(guard_what_stays)
{
	struct np_proc_model proc;
	struct np_plan plan;
	struct np_guard g;

	/* room for all, but 700 of 1000 pages are shared with processes placed elsewhere */
	guard_case(&proc, &plan, 1000, 0, 1, 1000);
	np_guard_check(&proc, &plan, NP_PLAN_ALL, 700, &g);
	CHECK(g.declined);
	CHECK_INT(g.on_target, 300);
	CHECK_INT(g.free_pages, 0); /* freeing memory would not help */
	CHECK_INT(g.nalternatives, 2);
	/* the cpuset's mems keep it off the target */
	guard_case(&proc, &plan, 1000, 0, 1, 0);
	snprintf(plan.memory_refused, sizeof(plan.memory_refused), "not a memory node");
	np_guard_check(&proc, &plan, NP_PLAN_ALL, 0, &g);
	CHECK(g.declined);
	CHECK_INT(g.free_pages, 0);
	/* --only threads: the threads would leave their memory */
	guard_case(&proc, &plan, 1000, 0, 1, 1000);
	np_guard_check(&proc, &plan, NP_PLAN_ONLY_THREADS, 0, &g);
	CHECK(g.declined);
	CHECK_INT(g.free_pages, 0);
	/* --only irqs or balancing: no thread and no page moves */
	np_guard_check(&proc, &plan, NP_PLAN_ONLY_IRQS | NP_PLAN_ONLY_BALANCING, 0, &g);
	CHECK(!g.declined);
	/* crumbs on other nodes (under 1%) are not worth interleaving over */
	guard_case(&proc, &plan, 10000, 0, 1, 1000);
	proc.residency.pages[2] = 50;
	np_guard_check(&proc, &plan, NP_PLAN_ALL, 0, &g);
	CHECK(g.declined);
	CHECK_INT(g.holding, 0x3);
}

/* Four nodes, memory on three: the interleave names them all. */
TEST(guard_four_nodes)
{
	struct np_proc_model proc;
	struct np_plan plan;
	struct np_guard g;

	guard_case(&proc, &plan, 400, 0, 3, 100);
	proc.residency.pages[1] = 300;
	proc.residency.pages[2] = 300;
	plan.pages_to_move = 1000;
	np_guard_check(&proc, &plan, NP_PLAN_ALL, 0, &g);
	CHECK(g.declined);
	CHECK_INT(g.holding, 0xf);
	CHECK(strstr(g.alternatives[0], "--interleave 0-3") != NULL);
}

/* np_plan_make fills the prediction: the epyc fixture's SLIT (10/32), no CPU time sampled. */
TEST(plan_carries_its_prediction)
{
	static struct np_topo topo;
	struct np_thread_model threads[1] = {};
	struct np_proc_model proc = { .nthreads = 1, .threads = threads, .has_residency = true };
	struct np_plan_opts opts = { .target_node = 1, .only = NP_PLAN_ALL, .reserve_mb = -1 };
	struct np_plan plan;
	char root[PATH_MAX], msg[256];

	snprintf(root, sizeof(root), "%s/epyc-2s-8gpu", np_test_fixtures());
	if (np_topo_discover(root, &topo, msg, sizeof(msg)))
		np_test_fail(__FILE__, __LINE__, "%s", msg);
	proc.residency.pages[0] = 256 * 4000;
	proc.totals.cpu_ns[0] = 1000;
	CHECK_INT(np_plan_make(&topo, &proc, &opts, &plan, msg, sizeof(msg)), 0);
	CHECK(plan.expected.valid);
	CHECK_STR(plan.expected.source, "slit");
	CHECK(NEAR(plan.expected.remote_share_before, 0));
	CHECK(NEAR(plan.expected.remote_share_after, 0));
	CHECK(NEAR(plan.expected.read_rate_change, 1));
	/* no CPU time: the threads count as spread over both nodes' CPUs */
	proc.totals.cpu_ns[0] = 0;
	CHECK_INT(np_plan_make(&topo, &proc, &opts, &plan, msg, sizeof(msg)), 0);
	CHECK(NEAR(plan.expected.remote_share_before, 0.5));
	CHECK(plan.expected.read_rate_change > 1.1);
	/* ... unless its affinity says where: node 0, with its memory */
	opts.affinity = &topo.nodes[0].cpus;
	CHECK_INT(np_plan_make(&topo, &proc, &opts, &plan, msg, sizeof(msg)), 0);
	CHECK(NEAR(plan.expected.remote_share_before, 0));
	CHECK(NEAR(plan.expected.remote_share_after, 0));
	np_topo_free(&topo);
}
