// SPDX-License-Identifier: GPL-2.0
/* The model's arithmetic and choices, on plain structs and fixture trees. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>

#include "topo/accel.h"
#include "cli/args.h"
#include "model/model.h"
#include "lib/procfs.h"
#include "test.h"

#define CHECK_NEAR(actual, expected)                                                       \
	do {                                                                               \
		double a_ = (actual), e_ = (expected);                                     \
		if (!(fabs(a_ - e_) < 1e-9))                                               \
			np_test_fail(__FILE__, __LINE__, "%s is %g, expected %g", #actual, a_, e_); \
	} while (0)

TEST(remote_ratio_definition)
{
	__u64 cpu[NP_BPF_MAX_NODES] = { 0 }, pages[NP_BPF_MAX_NODES] = { 0 };

	/* threads on node 1, memory on node 0: all remote */
	cpu[1] = 1000;
	pages[0] = 500;
	CHECK_NEAR(np_remote_ratio(cpu, pages), 1.0);
	/* memory on the same node: nothing remote */
	pages[0] = 0;
	pages[1] = 500;
	CHECK_NEAR(np_remote_ratio(cpu, pages), 0.0);
	/* interleaved over two nodes: half */
	pages[0] = 500;
	CHECK_NEAR(np_remote_ratio(cpu, pages), 0.5);
	/* four nodes interleaved, threads on node 2: three quarters */
	pages[2] = pages[3] = 500;
	cpu[1] = 0;
	cpu[2] = 1000;
	CHECK_NEAR(np_remote_ratio(cpu, pages), 0.75);
	/* CPU split 3:1 over nodes 0 and 1, memory 1:3: 0.75*0.75 + 0.25*0.25 */
	memset(cpu, 0, sizeof(cpu));
	memset(pages, 0, sizeof(pages));
	cpu[0] = 300, cpu[1] = 100, pages[0] = 100, pages[1] = 300;
	CHECK_NEAR(np_remote_ratio(cpu, pages), 0.625);
	/* undefined without CPU time or pages */
	memset(pages, 0, sizeof(pages));
	CHECK(isnan(np_remote_ratio(cpu, pages)));
	CHECK_INT(np_busiest_node(cpu), 0);
	memset(cpu, 0, sizeof(cpu));
	CHECK_INT(np_busiest_node(cpu), NP_NO_NODE);
}

static struct np_thread_model thread_on(pid_t tid, int node, __u64 ns)
{
	struct np_thread_model t = { .tid = tid };

	t.stats.cpu_ns[node] = ns;
	return t;
}

TEST(model_process_ratios_and_samples)
{
	struct np_thread_model threads[3] = { thread_on(10, 0, 100), thread_on(11, 1, 1000),
					      thread_on(12, 1, 1000) };
	struct np_proc_model p = { .nthreads = 3, .threads = threads, .has_residency = true };
	/* the loader (tid 10, node 0) touched pages that stayed on node 0 */
	struct np_resolved_sample samples[] = {
		{ 10, 0, 0 }, { 10, 0, 0 }, { 10, 0, 0 }, { 11, 1, 1 }, { 11, 1, -EFAULT },
	};

	p.residency.pages[0] = 750;
	p.residency.pages[1] = 250;
	np_model_process(&p, samples, 5, false);
	CHECK_INT(p.totals.cpu_ns[1], 2000);
	CHECK_NEAR(p.remote_ratio, (100 * 0.25 + 2000 * 0.75) / 2100.0);
	CHECK_NEAR(threads[1].remote_ratio, 0.75);
	CHECK_INT(threads[0].busiest_node, 0);
	CHECK_INT(p.samples, 5);
	CHECK_INT(p.samples_resolved, 4);
	/* the process runs mostly on node 1: three of four resolved pages sit elsewhere */
	CHECK_NEAR(p.first_touch_remote, 0.75);
	/* AutoNUMA off and no hinting faults: nothing says what reads are remote */
	CHECK(isnan(p.remote_ratio_sampled));

	memset(&p.totals, 0, sizeof(p.totals));
	np_model_process(&p, samples, 5, true);
	CHECK_STR(p.sampled_source, "fault-samples");
	CHECK_NEAR(p.remote_ratio_sampled, 0.0); /* every sample's page was on its CPU's node */

	memset(&p.totals, 0, sizeof(p.totals));
	threads[2].stats.hint_local = 10;
	threads[2].stats.hint_remote = 30;
	np_model_process(&p, samples, 5, true);
	CHECK_STR(p.sampled_source, "hinting-faults");
	CHECK_NEAR(p.remote_ratio_sampled, 0.75);
}

static struct np_topo *fixture(const char *name)
{
	static struct np_topo topo;
	char root[PATH_MAX], msg[256];

	np_topo_free(&topo);
	snprintf(root, sizeof(root), "%s/%s", np_test_fixtures(), name);
	if (np_topo_discover(root, &topo, msg, sizeof(msg)))
		np_test_fail(__FILE__, __LINE__, "%s", msg);
	return &topo;
}

TEST(target_choice)
{
	struct np_topo *topo = fixture("epyc-2s-8gpu");
	struct np_target_opts opts = { .forced_device = -1, .forced_node = NP_NO_NODE,
				       .window_ns = 1000 };
	struct np_thread_model threads[2] = { thread_on(1, 0, 900), thread_on(2, 0, 900) };
	struct np_proc_model p = { .nthreads = 2, .threads = threads, .has_residency = true };

	/* CPU inference: the node with the memory */
	p.residency.pages[1] = 300;
	p.residency.pages[0] = 100;
	np_model_target(topo, &opts, &p);
	CHECK_INT(p.target_node, 1);
	CHECK_STR(p.target_reason, "holds 75% of its memory");

	/* an accelerator it has open wins over memory */
	p.accel.ndevices = 1;
	p.accel.devices[0] = np_topo_device_index(topo, "0000:21:00.0");
	np_model_target(topo, &opts, &p);
	CHECK_INT(p.target_node, 0);
	CHECK_STR(p.target_reason, "uses accelerator 0000:21:00.0 on node 0");

	/* GPUs on both nodes: back to memory */
	p.accel.devices[1] = np_topo_device_index(topo, "0000:81:00.0");
	p.accel.ndevices = 2;
	np_model_target(topo, &opts, &p);
	CHECK_INT(p.target_node, 1);

	/* --device and --node override */
	opts.forced_device = np_topo_device_index(topo, "0000:61:00.0");
	np_model_target(topo, &opts, &p);
	CHECK_INT(p.target_node, 0);
	opts.forced_node = 1;
	np_model_target(topo, &opts, &p);
	CHECK_INT(p.target_node, 1);

	/* an unidentified accelerator on a host whose accelerators share one node */
	topo = fixture("nps4-1s");
	opts = (struct np_target_opts){ .forced_device = -1, .forced_node = NP_NO_NODE };
	memset(&p.accel, 0, sizeof(p.accel));
	p.accel.unidentified = true;
	np_model_target(topo, &opts, &p); /* MI210s on 1 and 3, Gaudi on 2: memory decides */
	CHECK_INT(p.target_node, 1);
	CHECK(strstr(p.target_reason, "memory") != NULL);

	/* not enough CPUs on the memory's node for the busy threads */
	topo = fixture("laptop");
	memset(&p.residency, 0, sizeof(p.residency));
	p.residency.pages[0] = 10;
	p.accel.unidentified = false;
	opts.window_ns = 1000;
	{
		struct np_thread_model many[17];

		for (int i = 0; i < 17; i++)
			many[i] = thread_on(i + 1, 0, 800);
		p.threads = many;
		p.nthreads = 17;
		np_model_target(topo, &opts, &p);
		CHECK_INT(p.target_node, NP_NO_NODE);
		CHECK(strstr(p.target_reason, "16 CPUs for 17 busy threads") != NULL);
	}
}

TEST(accelerators_in_use)
{
	struct np_topo *topo = fixture("epyc-2s-8gpu");
	char root[PATH_MAX];
	struct np_accel_use use;

	snprintf(root, sizeof(root), "%s/epyc-2s-8gpu", np_test_fixtures());
	CHECK_INT(np_proc_accel_use(root, 4242, 0, topo, &use), 0);
	CHECK_INT(use.ndevices, 1); /* /dev/nvidia5 -> minor 5 -> 0000:a1:00.0 */
	CHECK_STR(topo->devices[use.devices[0]].pci, "0000:a1:00.0");
	CHECK(use.unidentified); /* /dev/nvidiactl names no GPU */
	CHECK_INT(np_proc_accel_use(root, 4243, 0, topo, &use), 0);
	CHECK_INT(use.ndevices, 1); /* renderD134 -> 0000:c1:00.0 */
	CHECK_STR(topo->devices[use.devices[0]].pci, "0000:c1:00.0");
	CHECK_INT(np_proc_accel_use(root, 4244, 0, topo, &use), 0);
	CHECK_INT(use.ndevices, 0);
	CHECK(use.unidentified);
	CHECK_INT(np_proc_accel_use(root, 1, 0, topo, &use), -ESRCH); /* systemd has no fd dir */
}

TEST(numa_maps_residency)
{
	struct np_residency res;

	np_numa_maps_parse(
		"55d0 default file=/usr/bin/x mapped=3 N0=3 kernelpagesize_kB=4\n"
		"7f00 bind:0 anon=512 dirty=512 N0=500 N1=12 kernelpagesize_kB=4\n"
		"7f10 default file=/models/w.gguf mapped=100 N1=100 kernelpagesize_kB=4\n"
		"7f20 default file=/dev/hugepages/w huge dirty=4 N1=4 kernelpagesize_kB=2048\n"
		"7f30 interleave:0-1 anon=2 N0=1 N17=1 kernelpagesize_kB=4\n"
		"7ffc default stack anon=3 dirty=3 N0=3 kernelpagesize_kB=4",
		&res);
	CHECK_INT(res.pages[0], 3 + 500 + 1 + 3);
	CHECK_INT(res.pages[1], 12 + 100 + 4 * 512);
	CHECK_INT(res.file_pages[0], 3);
	CHECK_INT(res.file_pages[1], 100);
	CHECK_INT(res.huge_pages[1], 2048);
	CHECK_INT(res.beyond, 1);
}

/* numa_maps lines as kernels print them (6.1 and 6.18; the flags by set_mempolicy(2)) */
TEST(numa_maps_policy_of_numactl)
{
	/* the mode flags, dropped whatever their spelling (6.18 joins them with '|') */
	static const char *const binds[] = {
		"bind=static:0-1", "bind=relative:0-1", "bind=balancing:0-1",
		"bind=static|balancing:0-1",
	};
	struct np_residency res;

	/* numactl --membind=0: the task policy, shown on every mapping without its own */
	np_numa_maps_parse("55e61f5c0000 bind:0 file=/usr/bin/cat mapped=2 N0=2 "
			   "kernelpagesize_kB=4\n"
			   "55e61f5c2000 bind:0 file=/usr/bin/cat mapped=4 N0=4 "
			   "kernelpagesize_kB=4\n"
			   "7f00 bind:0 anon=512 dirty=512 N0=500 N1=12 kernelpagesize_kB=4\n",
			   &res);
	CHECK_INT(res.policy_kind, NP_MPOL_BIND);
	CHECK_INT(res.policy_nodes, 0x1);
	CHECK_INT(res.policy_pages, 2 + 4 + 512);
	CHECK_INT(res.pages[0], 2 + 4 + 500);
	CHECK_INT(res.file_pages[0], 6);

	for (size_t i = 0; i < NP_ARRAY_SIZE(binds); i++) {
		char text[160];

		snprintf(text, sizeof(text), "7f00 %s anon=3 N0=1 N1=2 kernelpagesize_kB=4",
			 binds[i]);
		np_numa_maps_parse(text, &res);
		CHECK_INT(res.policy_kind, NP_MPOL_BIND);
		CHECK_INT(res.policy_nodes, 0x3);
		CHECK_INT(res.policy_pages, 3);
		CHECK_INT(res.pages[1], 2);
	}

	np_numa_maps_parse("7f00 prefer=static:1 anon=4 N1=4 kernelpagesize_kB=4", &res);
	CHECK_INT(res.policy_kind, NP_MPOL_PREFER);
	CHECK_INT(res.policy_nodes, 0x2);
	/* a mode with a space in its name, then the fields that follow it */
	np_numa_maps_parse("560c prefer (many):0,2-3 file=/usr/bin/cat mapped=2 N2=2 "
			   "kernelpagesize_kB=4",
			   &res);
	CHECK_INT(res.policy_kind, NP_MPOL_PREFER_MANY);
	CHECK_INT(res.policy_nodes, 0xd);
	CHECK_INT(res.pages[2], 2);
	CHECK_INT(res.file_pages[2], 2);
	np_numa_maps_parse("7f00 weighted interleave=relative:0-1 anon=2 N0=1 N1=1 "
			   "kernelpagesize_kB=4",
			   &res);
	CHECK_INT(res.policy_kind, NP_MPOL_WEIGHTED_INTERLEAVE);
	CHECK_INT(res.policy_nodes, 0x3);
	CHECK_INT(res.pages[0] + res.pages[1], 2);
	/* huge pages weigh as their base pages */
	np_numa_maps_parse("7f00 interleave:0-1 file=/dev/hugepages/w huge dirty=2 N0=1 N1=1 "
			   "kernelpagesize_kB=2048",
			   &res);
	CHECK_INT(res.policy_kind, NP_MPOL_INTERLEAVE);
	CHECK_INT(res.policy_pages, 1024);
	/* node ids past 63 do not fit the mask */
	np_numa_maps_parse("7f00 bind:0,70-71 anon=1 N0=1 kernelpagesize_kB=4", &res);
	CHECK_INT(res.policy_nodes, 0x1);
}

TEST(numa_maps_policy_mixed)
{
	struct np_residency res;

	/* no policy: default and local are the same to the plan; an unknown mode is skipped */
	np_numa_maps_parse("55ff local file=/usr/bin/cat mapped=2 N0=2 kernelpagesize_kB=4\n"
			   "7f00 default anon=3 N1=3 kernelpagesize_kB=4\n"
			   "7f10 unknown anon=5 N1=5 kernelpagesize_kB=4\n",
			   &res);
	CHECK_INT(res.policy_kind, NP_MPOL_DEFAULT);
	CHECK_INT(res.policy_nodes, 0);
	CHECK_INT(res.policy_pages, 0);
	CHECK_INT(res.pages[1], 3 + 5);

	/* mbind regions: the policy over the most resident pages, summed over its mappings */
	np_numa_maps_parse("55d0 default file=/usr/bin/x mapped=3 N0=3 kernelpagesize_kB=4\n"
			   "7f00 bind:1 anon=60 N1=60 kernelpagesize_kB=4\n"
			   "7f10 interleave:0-1 anon=50 N0=25 N1=25 kernelpagesize_kB=4\n"
			   "7f20 interleave:0-1 anon=20 N0=10 N1=10 kernelpagesize_kB=4\n"
			   "7f30 default anon=1000 N0=1000 kernelpagesize_kB=4\n",
			   &res);
	CHECK_INT(res.policy_kind, NP_MPOL_INTERLEAVE);
	CHECK_INT(res.policy_nodes, 0x3);
	CHECK_INT(res.policy_pages, 70);
	/* the same mode over other nodes is another policy */
	np_numa_maps_parse("7f00 bind:0 anon=60 N0=60 kernelpagesize_kB=4\n"
			   "7f10 bind:1 anon=50 N1=50 kernelpagesize_kB=4\n"
			   "7f20 bind:1 anon=20 N1=20 kernelpagesize_kB=4\n",
			   &res);
	CHECK_INT(res.policy_nodes, 0x2);
	CHECK_INT(res.policy_pages, 70);
	/* nothing resident: the policy of more mappings */
	np_numa_maps_parse("7f00 prefer:1 anon=0 kernelpagesize_kB=4\n"
			   "7f10 bind:0\n"
			   "7f20 bind:0\n",
			   &res);
	CHECK_INT(res.policy_kind, NP_MPOL_BIND);
	CHECK_INT(res.policy_nodes, 0x1);
	CHECK_INT(res.policy_pages, 0);
}

TEST(mpol_format)
{
	char buf[64];

	np_mpol_format(NP_MPOL_BIND, 0x1, buf, sizeof(buf));
	CHECK_STR(buf, "bind:0");
	np_mpol_format(NP_MPOL_INTERLEAVE, 0x3, buf, sizeof(buf));
	CHECK_STR(buf, "interleave:0-1");
	np_mpol_format(NP_MPOL_PREFER_MANY, 0xd, buf, sizeof(buf));
	CHECK_STR(buf, "prefer (many):0,2-3");
	np_mpol_format(NP_MPOL_WEIGHTED_INTERLEAVE, 0x5, buf, sizeof(buf));
	CHECK_STR(buf, "weighted interleave:0,2");
	np_mpol_format(NP_MPOL_DEFAULT, 0, buf, sizeof(buf));
	CHECK_STR(buf, "default");
	np_mpol_format(NP_MPOL_BIND, 0xff, buf, 8); /* truncated, still terminated */
	CHECK(strlen(buf) == 7 && !strncmp(buf, "bind:0", 6));
}

TEST(argument_parsing)
{
	unsigned long v;
	double s;
	pid_t *pids;
	int n;

	CHECK_INT(np_parse_ulong("64", 1, 100, &v), 0);
	CHECK_INT(v, 64);
	CHECK_INT(np_parse_ulong("0", 1, 100, &v), -ERANGE);
	CHECK_INT(np_parse_ulong("-1", 0, 100, &v), -EINVAL);
	CHECK_INT(np_parse_ulong("12x", 0, 100, &v), -EINVAL);
	CHECK_INT(np_parse_seconds("2.5", 60, &s), 0);
	CHECK_NEAR(s, 2.5);
	CHECK_INT(np_parse_seconds("0", 60, &s), -ERANGE);
	CHECK_INT(np_parse_seconds("nan", 60, &s), -EINVAL);
	CHECK_INT(np_parse_pid_list("12,34", &pids, &n), 0);
	CHECK_INT(n, 2);
	CHECK_INT(pids[1], 34);
	free(pids);
	CHECK_INT(np_parse_pid_list("12,12", &pids, &n), -EINVAL);
	CHECK_INT(np_parse_pid_list("12,", &pids, &n), -EINVAL);
	CHECK_INT(np_parse_pid_list("", &pids, &n), -EINVAL);
	CHECK_INT(np_parse_pid_list("0", &pids, &n), -ERANGE);
}

TEST(command_lines_are_shell_quoted)
{
	static const char args[] = "llama-server\0-m\0/models/w.gguf\0--alias\0it's; rm -rf /\0\x1b[2J";
	char out[256];

	np_quote_args(args, sizeof(args) - 1, out, sizeof(out));
	CHECK_STR(out, "llama-server -m /models/w.gguf --alias 'it'\\''s; rm -rf /' '?[2J'");
	np_quote_args("a\0b", 3, out, 4); /* truncation keeps the string terminated */
	CHECK(strlen(out) < 4);
}
