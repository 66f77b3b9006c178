// SPDX-License-Identifier: GPL-2.0
/*
 * Which GPU a process uses, from the drivers: KFD on the rocm-2node fixture, the environment
 * (pure cases and the fixtures' driver lists), and the model's choice by GPU memory. NVML is
 * tested against its test double by tests/nvml.sh.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "model/model.h"
#include "topo/accel.h"
#include "test.h"

static struct np_topo *fixture_topo(const char *name, char *root, size_t len)
{
	static struct np_topo topo;
	char msg[256];

	np_topo_free(&topo);
	snprintf(root, len, "%s/%s", np_test_fixtures(), name);
	if (np_topo_discover(root, &topo, msg, sizeof(msg)))
		np_test_fail(__FILE__, __LINE__, "%s", msg);
	return &topo;
}

TEST(kfd_topology_and_vram)
{
	struct np_kfd_gpu gpus[NP_KFD_MAX_GPUS];
	struct np_gpu_mem mem[4];
	char root[PATH_MAX];
	int n;

	snprintf(root, sizeof(root), "%s/rocm-2node", np_test_fixtures());
	CHECK_INT(np_kfd_gpus(root, gpus, NP_KFD_MAX_GPUS, &n), 0);
	CHECK_INT(n, 2); /* the CPU nodes (gpu_id 0) are not GPUs */
	CHECK_INT(gpus[0].node, 2);
	CHECK_INT(gpus[0].gpu_id, 43981);
	CHECK_STR(gpus[0].pci, "0000:05:00.0");
	CHECK_STR(gpus[1].pci, "0000:85:00.0"); /* location_id 34048 = 0x85 << 8 */
	CHECK(gpus[1].unique_id == 0x123456789abcdef1ULL);
	CHECK_INT(np_kfd_proc_vram(root, 7001, gpus, n, mem, 4, &n), 0);
	CHECK_INT(n, 1); /* vram_43981 is 0: no memory there */
	CHECK_STR(mem[0].pci, "0000:85:00.0");
	CHECK(mem[0].bytes == 2147483648LL);
	CHECK_INT(np_kfd_proc_vram(root, 7002, gpus, 2, mem, 4, &n), 0);
	CHECK_INT(n, 0);
	CHECK_INT(np_kfd_gpus("/nonexistent", gpus, NP_KFD_MAX_GPUS, &n), 0);
	CHECK_INT(n, 0);
}

/* Every process has /dev/kfd and both render nodes open: the files alone name both GPUs. */
TEST(rocm_attribution_order)
{
	char root[PATH_MAX];
	struct np_topo *topo = fixture_topo("rocm-2node", root, sizeof(root));
	struct np_accel_snapshot *snap = calloc(1, sizeof(*snap));
	struct np_target_opts opts = { .forced_device = -1, .forced_node = NP_NO_NODE };
	struct np_proc_model p = { .target_node = NP_NO_NODE };
	char msg[128];

	CHECK_INT(np_accel_snapshot_take(root, snap, msg, sizeof(msg)), 0);
	CHECK(!snap->nvml.ok); /* NVML is never asked for a fixture root */
	CHECK_INT(np_proc_accel_attr(root, 7001, 0, topo, snap, &p.accel), 0);
	CHECK_STR(np_accel_source_name(p.accel.source), "kfd");
	CHECK_INT(p.accel.ndevices, 1);
	np_model_target(topo, &opts, &p);
	CHECK_INT(p.target_node, 1);
	CHECK_STR(p.target_reason, "uses accelerator 0000:85:00.0 on node 1 (kfd: 2.1 GB of GPU "
				   "memory)");

	CHECK_INT(np_proc_accel_attr(root, 7002, 0, topo, snap, &p.accel), 0);
	CHECK_STR(np_accel_source_name(p.accel.source), "env"); /* HIP index 1: KFD order */
	CHECK_STR(topo->devices[p.accel.devices[0]].pci, "0000:85:00.0");
	np_model_target(topo, &opts, &p);
	CHECK_STR(p.target_reason, "uses accelerator 0000:85:00.0 on node 1 (env)");

	CHECK_INT(np_proc_accel_attr(root, 7003, 0, topo, snap, &p.accel), 0);
	CHECK_STR(np_accel_source_name(p.accel.source), "env"); /* ROCR's UUID form */
	CHECK_STR(topo->devices[p.accel.devices[0]].pci, "0000:05:00.0");

	CHECK_INT(np_proc_accel_attr(root, 7004, 0, topo, snap, &p.accel), 0);
	CHECK_STR(np_accel_source_name(p.accel.source), "files"); /* HIP names both */
	CHECK_INT(p.accel.ndevices, 2);
	CHECK(p.accel.unidentified); /* /dev/kfd */
	np_model_target(topo, &opts, &p);
	CHECK_INT(p.target_node, NP_NO_NODE); /* GPUs on both nodes, no memory: undecided */
	np_accel_snapshot_free(snap);
	free(snap);
}

/* An environment block as /proc/PID/environ has it, from "K=V;K=V". */
static size_t env_block(char *buf, size_t len, const char *vars)
{
	size_t n = snprintf(buf, len, "%s;", vars);

	for (size_t i = 0; i < n; i++)
		if (buf[i] == ';')
			buf[i] = '\0';
	return n;
}

static const struct np_env_gpu nv_mixed[] = {
	{ "0000:01:00.0", "GPU-aaaa1111-0000", "NVIDIA H100" },
	{ "0000:41:00.0", "GPU-aaaa2222-0000", "NVIDIA L4" },
	{ "0000:81:00.0", "GPU-bbbb3333-0000", "NVIDIA H100" },
};

static int env_pick(const struct np_env_gpus *gpus, const char *vars)
{
	char buf[512];
	size_t n = env_block(buf, sizeof(buf), vars);
	const struct np_env_gpu *g = np_env_gpu_parse(buf, n, gpus);

	if (!g)
		return -1;
	if (g >= gpus->nvidia && g < gpus->nvidia + gpus->nnvidia)
		return g - gpus->nvidia;
	return 100 + (g - gpus->amd);
}

TEST(env_names_one_gpu)
{
	struct np_env_gpus g = { .nvidia = nv_mixed, .nnvidia = 3 };
	char buf[64];

	CHECK_INT(env_pick(&g, "HOME=/root"), -1);
	/* CUDA's default order puts the fastest first: with two models an index is not certain */
	CHECK_INT(env_pick(&g, "CUDA_VISIBLE_DEVICES=1"), -1);
	CHECK_INT(env_pick(&g, "CUDA_VISIBLE_DEVICES=1;CUDA_DEVICE_ORDER=PCI_BUS_ID"), 1);
	CHECK_INT(env_pick(&g, "CUDA_VISIBLE_DEVICES=0,2;CUDA_DEVICE_ORDER=PCI_BUS_ID"), -1);
	CHECK_INT(env_pick(&g, "CUDA_VISIBLE_DEVICES=7;CUDA_DEVICE_ORDER=PCI_BUS_ID"), -1);
	CHECK_INT(env_pick(&g, "CUDA_VISIBLE_DEVICES="), -1);
	/* UUIDs, whole or a prefix only one has; MIG slices by their GPU */
	CHECK_INT(env_pick(&g, "CUDA_VISIBLE_DEVICES=GPU-bbbb3333-0000"), 2);
	CHECK_INT(env_pick(&g, "CUDA_VISIBLE_DEVICES=GPU-aaaa2"), 1);
	CHECK_INT(env_pick(&g, "CUDA_VISIBLE_DEVICES=GPU-aaaa"), -1);
	CHECK_INT(env_pick(&g, "CUDA_VISIBLE_DEVICES=MIG-GPU-aaaa1111-0000/1/0"), 0);
	CHECK_INT(env_pick(&g, "CUDA_VISIBLE_DEVICES=MIG-5c2a9d1e-7b3f-4e8a-9c1d-2b3e4f5a6b7c"),
		  -1);
	CHECK_INT(env_pick(&g, "NVIDIA_VISIBLE_DEVICES=2;"
			       "CUDA_VISIBLE_DEVICES=MIG-5c2a9d1e-7b3f-4e8a-9c1d-2b3e4f5a6b7c"),
		  2);
	/* NVIDIA_VISIBLE_DEVICES counts in nvidia-smi's order (PCI); CUDA's inside it */
	CHECK_INT(env_pick(&g, "NVIDIA_VISIBLE_DEVICES=1"), 1);
	CHECK_INT(env_pick(&g, "NVIDIA_VISIBLE_DEVICES=0,2;CUDA_VISIBLE_DEVICES=1"), 2);
	CHECK_INT(env_pick(&g, "NVIDIA_VISIBLE_DEVICES=all"), -1);
	CHECK_INT(env_pick(&g, "NVIDIA_VISIBLE_DEVICES=none;CUDA_VISIBLE_DEVICES=0"), -1);
	CHECK_INT(env_pick(&g, "NVIDIA_VISIBLE_DEVICES=1,x"), -1);
	/* a variable the bounded read cut off says nothing */
	memcpy(buf, "CUDA_VISIBLE_DEVICES=GPU-bbbb3333", 33);
	CHECK(np_env_gpu_parse(buf, 33, &g) == NULL);

	/* AMD: KFD order; CUDA_VISIBLE_DEVICES too when no NVIDIA GPU could be meant */
	{
		static const struct np_env_gpu amd[] = {
			{ "0000:05:00.0", "GPU-00000000000000aa", NULL },
			{ "0000:85:00.0", "GPU-00000000000000bb", NULL }
		};
		struct np_env_gpus a = { .amd = amd, .namd = 2 };

		CHECK_INT(env_pick(&a, "HIP_VISIBLE_DEVICES=1"), 101);
		CHECK_INT(env_pick(&a, "ROCR_VISIBLE_DEVICES=GPU-00000000000000bb,0;"
				       "HIP_VISIBLE_DEVICES=1"),
			  100);
		CHECK_INT(env_pick(&a, "CUDA_VISIBLE_DEVICES=0"), 100);
		a.nvidia = nv_mixed;
		a.nnvidia = 3;
		CHECK_INT(env_pick(&a, "CUDA_VISIBLE_DEVICES=0"), -1);
		/* one of each vendor: which one it computes on is not said */
		CHECK_INT(env_pick(&a, "CUDA_VISIBLE_DEVICES=GPU-aaaa1111;HIP_VISIBLE_DEVICES=0"),
			  -1);
	}
}

/* The driver's own list feeds the environment: one model, so CUDA's order is PCI order. */
TEST(env_from_nvidia_driver_list)
{
	char root[PATH_MAX], msg[128], buf[256];
	struct np_accel_snapshot *snap = calloc(1, sizeof(*snap));
	const struct np_env_gpu *g;
	size_t n;

	snprintf(root, sizeof(root), "%s/epyc-2s-8gpu", np_test_fixtures());
	np_accel_snapshot_take(root, snap, msg, sizeof(msg));
	CHECK_INT(snap->env.nnvidia, 8);
	n = env_block(buf, sizeof(buf), "CUDA_VISIBLE_DEVICES=3");
	g = np_env_gpu_parse(buf, n, &snap->env);
	CHECK(g && !strcmp(g->pci, "0000:61:00.0"));
	n = env_block(buf, sizeof(buf),
		      "CUDA_VISIBLE_DEVICES=GPU-5c2e1f3a-5b6d-7e8f-9a0b-1c2d3e4f5a6b");
	g = np_env_gpu_parse(buf, n, &snap->env);
	CHECK(g && !strcmp(g->pci, "0000:a1:00.0"));
	np_accel_snapshot_free(snap);
	free(snap);
}

TEST(model_gpu_memory_choice)
{
	char root[PATH_MAX];
	struct np_topo *topo = fixture_topo("epyc-2s-8gpu", root, sizeof(root));
	struct np_proc_model p = { .target_node = NP_NO_NODE };
	struct np_target_opts opts = { .forced_device = -1, .forced_node = NP_NO_NODE };
	struct np_accel_use *u = &p.accel;
	struct np_accel_pick pick;

	/* one process on 0000:01 (node 0) 1 GB, 0000:81 and 0000:a1 (node 1) 0.8 GB each */
	u->source = NP_ACCEL_SOURCE_NVML;
	u->ndevices = 3;
	u->devices[0] = np_topo_device_index(topo, "0000:01:00.0");
	u->bytes[0] = 1000000000;
	u->devices[1] = np_topo_device_index(topo, "0000:81:00.0");
	u->bytes[1] = 800000000;
	u->devices[2] = np_topo_device_index(topo, "0000:a1:00.0");
	u->bytes[2] = 800000000;
	np_accel_pick(topo, u, &pick);
	CHECK_INT(pick.nnodes, 2);
	CHECK_INT(pick.node, 1); /* the node with most of its GPU memory, not the largest GPU's */
	CHECK(pick.node_bytes == 1600000000LL && pick.total_bytes == 2600000000LL);
	np_model_target(topo, &opts, &p);
	CHECK_INT(p.target_node, 1);
	CHECK(strstr(p.target_reason, "node 1 holds 1.6 GB of its 2.6 GB") != NULL);
	CHECK(strstr(p.target_reason, "warning: its GPUs span 2 nodes") != NULL);

	/* on one node: its GPU is the one where it holds most */
	u->ndevices = 2;
	u->devices[0] = np_topo_device_index(topo, "0000:41:00.0");
	u->bytes[0] = 100000000;
	u->devices[1] = np_topo_device_index(topo, "0000:61:00.0");
	u->bytes[1] = 300000000;
	np_model_target(topo, &opts, &p);
	CHECK_INT(p.target_node, 0);
	CHECK_STR(p.target_reason,
		  "uses accelerator 0000:61:00.0 on node 0 (nvml: 400 MB of GPU memory)");
}
