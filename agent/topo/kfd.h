/* SPDX-License-Identifier: GPL-2.0 */
/*
 * AMD's KFD (the ROCm kernel driver): its GPUs and the memory each process holds on them.
 *   /sys/class/kfd/kfd/topology/nodes/N/gpu_id       0 for a CPU node
 *   /sys/class/kfd/kfd/topology/nodes/N/properties   "domain D", "location_id L" (bus << 8 |
 *                                                    devfn), "unique_id U", one per line
 *   /sys/class/kfd/kfd/proc/<pid>/vram_<gpu_id>      bytes of VRAM the process holds there
 */
#ifndef NP_KFD_H
#define NP_KFD_H

#include <sys/types.h>

#include "topo/nvml.h"

#define NP_KFD_MAX_GPUS 32

struct np_kfd_gpu {
	unsigned int gpu_id;
	int node;		      /* KFD topology node number: ROCm's device order */
	char pci[24];		      /* "0000:43:00.0" */
	unsigned long long unique_id; /* ROCR's UUID is "GPU-" and it in 16 hex digits; 0: none */
};

/* The GPU nodes in KFD topology order. 0 with *count 0 without KFD; -errno else. */
int np_kfd_gpus(const char *root, struct np_kfd_gpu *gpus, int max, int *count);

/* The VRAM pid holds on each GPU (bytes > 0 only); *count 0 when none or no KFD entry. */
int np_kfd_proc_vram(const char *root, pid_t pid, const struct np_kfd_gpu *gpus, int ngpus,
		     struct np_gpu_mem *out, int max, int *count);

#endif
