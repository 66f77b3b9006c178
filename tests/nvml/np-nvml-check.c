// SPDX-License-Identifier: GPL-2.0
/*
 * numaplace's NVML code against whatever libnvidia-ml.so.1 the dynamic linker finds (tests/nvml.sh
 * runs it without one, with the test double and no state file, and with the double and a state
 * file), and the attribution order on the epyc-2s-8gpu fixture with NVML's answer in it.
 *
 *   np-nvml-check absent            NVML is not there: no answer, no error, nothing printed
 *   np-nvml-check present FIXTURES  the double with tests/nvml.sh's state file
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/model.h"
#include "topo/accel.h"
#include "topo/nvml.h"

static int passed, failed;

#define CHECK(what, cond)                                                                          \
	do {                                                                                       \
		if (cond) {                                                                        \
			printf("PASS: %s\n", what);                                                \
			passed++;                                                                  \
		} else {                                                                           \
			printf("FAIL: %s (%s:%d)\n", what, __FILE__, __LINE__);                    \
			failed++;                                                                  \
		}                                                                                  \
	} while (0)

static const struct np_gpu_mem *find(const struct np_nvml_snap *s, pid_t pid, const char *pci)
{
	for (int i = 0; i < s->n; i++)
		if (s->procs[i].pid == pid && !strcmp(s->procs[i].pci, pci))
			return &s->procs[i];
	return NULL;
}

static void absent(void)
{
	struct np_nvml_snap snap = { 0 };
	char msg[256] = "";

	CHECK("no NVML: the snapshot is no error", np_nvml_snapshot(&snap, msg, sizeof(msg)) == 0);
	CHECK("no NVML: no answer", !snap.ok && snap.n == 0);
	CHECK("no NVML: no message", !msg[0]);
	np_nvml_snap_free(&snap);
}

/* The state file of tests/nvml.sh: pid 4242 holds 1 GB on GPU 0 (0000:21:00.0, node 0) and
 * 3 GB on GPU 1 (0000:81:00.0, node 1); 4243 an unknown amount on GPU 0; 40 others on GPU 0. */
static void snapshot(struct np_nvml_snap *snap)
{
	const struct np_gpu_mem *p;
	char msg[256] = "";
	int others = 0;

	CHECK("double: snapshot", np_nvml_snapshot(snap, msg, sizeof(msg)) == 0 && snap->ok);
	CHECK("double: two GPUs", snap->ngpus == 2);
	CHECK("double: busId 00000000:21:00.0 as sysfs has it",
	      !strcmp(snap->gpus[0].pci, "0000:21:00.0"));
	CHECK("double: UUID",
	      !strcmp(snap->gpus[1].uuid, "GPU-bbbbbbbb-0000-0000-0000-000000000001"));
	p = find(snap, 4242, "0000:81:00.0");
	CHECK("double: compute and graphics of one pid: the larger", p && p->bytes == 3000000000LL);
	p = find(snap, 4242, "0000:21:00.0");
	CHECK("double: 1 GB on GPU 0", p && p->bytes == 1000000000LL);
	p = find(snap, 4243, "0000:21:00.0");
	CHECK("double: NVML_VALUE_NOT_AVAILABLE is unknown", p && p->bytes == NP_GPU_BYTES_UNKNOWN);
	for (int i = 0; i < snap->n; i++)
		others += snap->procs[i].pid >= 5000 && snap->procs[i].pid < 5040;
	CHECK("double: 40 more processes (INSUFFICIENT_SIZE: the buffer grew)", others == 40);
}

/* NVML first: 4242 has /dev/nvidia5 (0000:a1:00.0) open, NVML says 81 and 21. */
static void attribution(const char *fixtures, const struct np_nvml_snap *nvml)
{
	struct np_accel_snapshot *snap = calloc(1, sizeof(*snap));
	struct np_proc_model proc = { .target_node = NP_NO_NODE };
	struct np_target_opts opts = { .forced_device = -1, .forced_node = NP_NO_NODE };
	static struct np_topo topo;
	char root[PATH_MAX], msg[256];
	struct np_accel_use *use = &proc.accel;

	snprintf(root, sizeof(root), "%s/epyc-2s-8gpu", fixtures);
	if (!snap || np_topo_discover(root, &topo, msg, sizeof(msg))) {
		CHECK("fixture topology", false);
		return;
	}
	np_accel_snapshot_take(root, snap, msg, sizeof(msg)); /* a fixture root: no NVML */
	CHECK("a fixture root asks no NVML", !snap->nvml.ok);
	snap->nvml = *nvml; /* this host's NVML answer, as if it were the fixture's */
	CHECK("attr 4242", np_proc_accel_attr(root, 4242, 0, &topo, snap, use) == 0);
	CHECK("4242: source nvml, not its open files", use->source == NP_ACCEL_SOURCE_NVML);
	CHECK("4242: the two GPUs NVML names", use->ndevices == 2);
	np_model_target(&topo, &opts, &proc);
	CHECK("4242: target node 1, most of its GPU memory", proc.target_node == 1);
	printf("      reason: %s\n", proc.target_reason);
	CHECK("4242: the reason names nvml and warns of the split",
	      strstr(proc.target_reason,
		     "0000:81:00.0 on node 1 (nvml: node 1 holds 3.0 GB of its 4.0 GB") &&
		      strstr(proc.target_reason, "warning: its GPUs span 2 nodes"));
	CHECK("attr 4243", np_proc_accel_attr(root, 4243, 0, &topo, snap, use) == 0);
	np_model_target(&topo, &opts, &proc);
	CHECK("4243: memory unknown: the GPU NVML names",
	      !strcmp(proc.target_reason, "uses accelerator 0000:21:00.0 on node 0 (nvml)"));
	CHECK("attr 4244", np_proc_accel_attr(root, 4244, 0, &topo, snap, use) == 0);
	CHECK("4244: not in NVML: its files (nvidia-uvm: unidentified)",
	      use->source == NP_ACCEL_SOURCE_NONE && use->unidentified);
	snap->nvml = (struct np_nvml_snap){ 0 }; /* the caller's */
	np_accel_snapshot_free(snap);
	free(snap);
	np_topo_free(&topo);
}

/* The state file rewritten (a new file moved into place): the next snapshot sees it without
 * a new nvmlInit_v2, as a scenario changing which GPU a worker computes on needs. */
static void rewritten(void)
{
	const char *path = getenv("NP_TEST_NVML_STATE");
	struct np_nvml_snap snap = { 0 };
	char tmp[PATH_MAX], msg[256];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.new", path);
	f = fopen(tmp, "w");
	if (!f ||
	    fprintf(f, "gpu 0 00000000:21:00.0 GPU-a NVIDIA H100\n"
		       "gpu 1 00000000:81:00.0 GPU-bbbbbbbb-0000-0000-0000-000000000001 "
		       "NVIDIA H100\nproc 0 4242 5000000000 compute\n") < 0 ||
	    fclose(f) || rename(tmp, path)) {
		CHECK("rewriting the state file", false);
		return;
	}
	CHECK("rewritten: snapshot", !np_nvml_snapshot(&snap, msg, sizeof(msg)) && snap.ok);
	CHECK("rewritten: 4242 now on GPU 0 only",
	      find(&snap, 4242, "0000:21:00.0") && !find(&snap, 4242, "0000:81:00.0"));
	np_nvml_snap_free(&snap);
}

int main(int argc, char **argv)
{
	struct np_nvml_snap nvml = { 0 };

	if (argc == 2 && !strcmp(argv[1], "absent")) {
		absent();
	} else if (argc == 3 && !strcmp(argv[1], "present")) {
		snapshot(&nvml);
		attribution(argv[2], &nvml);
		np_nvml_snap_free(&nvml);
		rewritten();
	} else {
		fprintf(stderr, "usage: np-nvml-check absent | present FIXTURES\n");
		return 2;
	}
	printf("%d passed, %d failed\n", passed, failed);
	return failed != 0;
}
