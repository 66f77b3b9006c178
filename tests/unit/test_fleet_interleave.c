// SPDX-License-Identifier: GPL-2.0
/* The fleet's placement across nodes (placement = node|interleave|auto), interval by interval. */
#include <math.h>

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "config/config.h"
#include "policy/fleet.h"
#include "policy/interleave.h"
#include "test.h"

#define GB  (256ull * 1024) /* pages */
#define SEC 1000000000ull

/* nnodes nodes of 4 CPUs and 64 GB each, free_gb free. */
static void topo_of(struct np_topo *topo, int nnodes, double free_gb)
{
	memset(topo, 0, sizeof(*topo));
	topo->nnodes = nnodes;
	for (int n = 0; n < nnodes; n++) {
		topo->nodes[n].id = n;
		for (int c = 0; c < 4; c++)
			np_cpuset_set(&topo->nodes[n].cpus, n * 4 + c);
		topo->nodes[n].mem_total_kb = 64ull << 20;
		topo->nodes[n].mem_free_kb = (uint64_t)(free_gb * (1 << 20));
	}
}

/* CPU-only, gb on node 0, threads there; sustain 2. */
static struct np_fleet_proc server(int placement, double gb)
{
	struct np_fleet_proc p = {
		.pid = 100,
		.start_time = 5,
		.policy = { .fixed_node = NP_NO_NODE,
			    .remote_threshold = 0.30,
			    .sustain = 2,
			    .min_move_interval_s = 300,
			    .placement = placement },
		.device_node = NP_NO_NODE,
		.busy_cpus = 1,
	};

	p.cpu_ns[0] = SEC;
	p.pages[0] = (__u64)(gb * GB);
	return p;
}

static struct np_fleet_decision step(struct np_fleet *fleet, const struct np_topo *topo, double now,
				     struct np_fleet_proc *p)
{
	struct np_fleet_params pr;
	struct np_fleet_decision d;
	char msg[256] = "";

	np_fleet_params_default(&pr);
	pr.reserve_mb = 1024;
	if (np_fleet_step(fleet, topo, &pr, now, p, 1, &d, msg, sizeof(msg)))
		np_test_fail(__FILE__, __LINE__, "np_fleet_step: %s", msg);
	return d;
}

TEST(fleet_placement_parses)
{
	enum np_placement p;

	CHECK_INT(np_placement_parse("node", &p), 0);
	CHECK_INT(p, NP_PLACEMENT_NODE);
	CHECK_INT(np_placement_parse("interleave", &p), 0);
	CHECK_INT(p, NP_PLACEMENT_INTERLEAVE);
	CHECK_INT(np_placement_parse("auto", &p), 0);
	CHECK_INT(p, NP_PLACEMENT_AUTO);
	CHECK(np_placement_parse("Auto", &p) < 0);
	CHECK(np_placement_parse("", &p) < 0);
	CHECK_STR(np_placement_name(NP_PLACEMENT_INTERLEAVE), "interleave");
}

TEST(fleet_auto_interleaves_a_cpu_only_server_no_node_holds)
{
	struct np_topo topo;
	struct np_fleet fleet;
	struct np_fleet_proc p = server(NP_PLACEMENT_AUTO, 12);
	struct np_fleet_decision d;

	/*
	 * 12 GB, 6 on each node; 4 GB free a node and 1 GB reserve: a node could hold its own
	 * 6 GB and 3 more, 9 GB (its own pages there count as room)
	 */
	p.pages[0] = 6 * GB;
	p.pages[1] = 6 * GB;
	topo_of(&topo, 2, 4);
	np_fleet_init(&fleet);
	d = step(&fleet, &topo, 0, &p);
	CHECK_INT(d.action, NP_FLEET_NONE);
	CHECK(strstr(d.reason, "waiting: 1 of 2 intervals") != NULL);
	CHECK(strstr(d.reason, "its 12.0 GB fit on no single node (at most 9.0 GB there") != NULL);
	d = step(&fleet, &topo, 5, &p);
	CHECK_INT(d.action, NP_FLEET_PLACE);
	CHECK_INT(d.interleave, 0x3);
	CHECK_INT(d.node, 0);
	CHECK(strstr(d.reason, "interleave over nodes 0-1") != NULL);
	/* then left alone */
	d = step(&fleet, &topo, 10, &p);
	CHECK_INT(d.action, NP_FLEET_NONE);
	CHECK_STR(d.reason, "interleaved over nodes 0-1");
	np_fleet_free(&fleet);
}

TEST(fleet_auto_keeps_a_server_that_fits_on_one_node)
{
	struct np_topo topo;
	struct np_fleet fleet;
	struct np_fleet_proc p = server(NP_PLACEMENT_AUTO, 4);
	struct np_fleet_decision d;

	/* 4 GB, half of it on node 1, threads on node 0: node 0 has room, one node it is */
	p.pages[0] = p.pages[1] = 2 * GB;
	topo_of(&topo, 2, 10);
	np_fleet_init(&fleet);
	d = step(&fleet, &topo, 0, &p);
	CHECK_INT(d.interleave, 0);
	d = step(&fleet, &topo, 5, &p);
	CHECK_INT(d.action, NP_FLEET_PLACE);
	CHECK_INT(d.interleave, 0);
	np_fleet_free(&fleet);
}

TEST(fleet_auto_interleaves_a_process_whose_gpus_span_nodes)
{
	struct np_topo topo;
	struct np_fleet fleet;
	struct np_fleet_proc p = server(NP_PLACEMENT_AUTO, 4);
	struct np_fleet_decision d;

	p.device_node = 1;
	p.accel_nodes = 2;
	p.policy.sustain = 1;
	topo_of(&topo, 2, 10);
	np_fleet_init(&fleet);
	d = step(&fleet, &topo, 0, &p);
	CHECK_INT(d.action, NP_FLEET_PLACE);
	CHECK_INT(d.interleave, 0x3);
	CHECK(strstr(d.reason, "its GPUs span 2 nodes") != NULL);
	/* placement node: the accelerator's node, as before */
	np_fleet_free(&fleet);
	p.policy.placement = NP_PLACEMENT_NODE;
	np_fleet_init(&fleet);
	d = step(&fleet, &topo, 0, &p);
	CHECK_INT(d.interleave, 0);
	np_fleet_free(&fleet);
}

TEST(fleet_interleave_uses_the_nodes_with_cpus_and_memory_in_the_cpuset)
{
	struct np_topo topo;
	struct np_fleet fleet;
	struct np_fleet_proc p = server(NP_PLACEMENT_INTERLEAVE, 1);
	struct np_fleet_decision d;

	topo_of(&topo, 4, 10);
	topo.nodes[2].mem_total_kb = 0;				    /* CPU-only node */
	memset(&topo.nodes[3].cpus, 0, sizeof(topo.nodes[3].cpus)); /* memory-only node */
	p.policy.sustain = 1;
	np_fleet_init(&fleet);
	d = step(&fleet, &topo, 0, &p);
	CHECK_INT(d.action, NP_FLEET_PLACE);
	CHECK_INT(d.interleave, 0x3);
	CHECK(strstr(d.reason, "its placement is interleave") != NULL);
	np_fleet_free(&fleet);
	/* bounded by a cpuset to nodes 1 and 3 (3 has no CPUs): node 1 alone */
	p.allowed_nodes = 0xa;
	np_fleet_init(&fleet);
	d = step(&fleet, &topo, 0, &p);
	CHECK_INT(d.interleave, 0x2);
	np_fleet_free(&fleet);
	/* a reload to placement node starts over: one node again */
	p.allowed_nodes = 0;
	np_fleet_init(&fleet);
	step(&fleet, &topo, 0, &p);
	p.policy.placement = NP_PLACEMENT_NODE;
	p.policy.sustain = 1;
	d = step(&fleet, &topo, 5, &p);
	CHECK_INT(d.interleave, 0);
	np_fleet_free(&fleet);
}

TEST(config_placement_key_loads_and_prints)
{
	char path[] = "/tmp/np-placement-XXXXXX", msg[512];
	struct np_config cfg;
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w"), *out = tmpfile();
	char printed[4096] = "";

	fputs("[match a]\ncomm = x\nplacement = auto\n[match b]\ncomm = y\n", f);
	fclose(f);
	CHECK_INT(np_config_load(path, &cfg, msg, sizeof(msg)), 0);
	CHECK_INT(cfg.matches[0].placement, NP_PLACEMENT_AUTO);
	CHECK_INT(cfg.matches[1].placement, NP_PLACEMENT_NODE); /* the default */
	np_config_print(out, &cfg);
	rewind(out);
	CHECK(fread(printed, 1, sizeof(printed) - 1, out) > 0);
	CHECK(strstr(printed, "min_move_interval = 300\nplacement = auto\n") != NULL);
	CHECK(strstr(printed, "placement = node\n") != NULL);
	fclose(out);
	np_config_free(&cfg);
	f = fopen(path, "w");
	fputs("[match a]\ncomm = x\nplacement = spread\n", f);
	fclose(f);
	CHECK_INT(np_config_load(path, &cfg, msg, sizeof(msg)), -EINVAL);
	CHECK(strstr(msg, ":3: [match a] placement: expected node, interleave or auto, got "
			  "\"spread\"") != NULL);
	np_config_free(&cfg);
	unlink(path);
}
