/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Which accelerators a process uses, from the first of these that knows (the source is named):
 *   nvml   NVIDIA's library: the GPUs it holds memory on, and how much (topo/nvml.h)
 *   kfd    AMD's KFD: the same from sysfs (topo/kfd.h)
 *   env    *_VISIBLE_DEVICES naming one GPU, for a process with accelerator files open
 *          (topo/gpu_env.h)
 *   files  its open files: /dev/nvidiaN (minor -> BDF through /proc/driver/nvidia/gpus),
 *          files in /dev/dri and /dev/accel (sysfs class device -> BDF), and device files that
 *          say "an accelerator" without saying which (/dev/nvidiactl, /dev/nvidia-uvm, /dev/kfd)
 * The files alone do not say which GPU: CUDA opens every visible GPU's file, ROCm every render
 * node, so a tensor-parallel worker has them all open and computes on one.
 */
#ifndef NP_ACCEL_H
#define NP_ACCEL_H

#include <sys/types.h>

#include "topo/gpu_env.h"
#include "topo/kfd.h"
#include "topo/nvidia_info.h"
#include "topo/nvml.h"
#include "topo/topo.h"

#define NP_MAX_PROC_ACCELS 16

enum np_accel_source {
	NP_ACCEL_SOURCE_NONE,
	NP_ACCEL_SOURCE_NVML,
	NP_ACCEL_SOURCE_KFD,
	NP_ACCEL_SOURCE_ENV,
	NP_ACCEL_SOURCE_FILES,
};

struct np_accel_use {
	int ndevices;
	int devices[NP_MAX_PROC_ACCELS];     /* indices into topo->devices */
	long long bytes[NP_MAX_PROC_ACCELS]; /* its GPU memory there, NP_GPU_BYTES_UNKNOWN */
	bool unidentified;		     /* uses an accelerator whose identity is not known */
	enum np_accel_source source;	     /* of devices (NONE when there are none) */
};

/* "nvml", "kfd", "env", "files"; NULL for NONE. */
const char *np_accel_source_name(enum np_accel_source source);

/* What the drivers say at one moment: taken once (per report, per run interval) and shared
 * by every process looked at then, so NVML is asked once, not once per process. */
struct np_accel_snapshot {
	struct np_nvml_snap nvml; /* only for root "/": NVML knows this host only */
	struct np_kfd_gpu kfd[NP_KFD_MAX_GPUS];
	int nkfd;
	struct np_nvidia_gpu nvidia[NP_MAX_NVIDIA_GPUS];
	int nnvidia;
	struct np_env_gpu env_nvidia[NP_MAX_NVIDIA_GPUS], env_amd[NP_KFD_MAX_GPUS];
	struct np_env_gpus env;
};

/* Refresh snap (zeroed the first time). An NVML failure is -EIO with msg; the other sources
 * are taken all the same. Free with np_accel_snapshot_free. */
int np_accel_snapshot_take(const char *root, struct np_accel_snapshot *snap, char *msg,
			   size_t msglen);
void np_accel_snapshot_free(struct np_accel_snapshot *snap);

/* The sources in the order above. -ESRCH when the process is gone (as far as its files say);
 * other unreadable fds are skipped. tid as for numa_maps. */
int np_proc_accel_attr(const char *root, pid_t pid, pid_t tid, const struct np_topo *topo,
		       const struct np_accel_snapshot *snap, struct np_accel_use *use);

/* Its open files only (the "files" source). */
int np_proc_accel_use(const char *root, pid_t pid, pid_t tid, const struct np_topo *topo,
		      struct np_accel_use *use);

/* Index of the device with this PCI address (any kind), or -1. */
int np_topo_device_index(const struct np_topo *topo, const char *pci);

#endif
