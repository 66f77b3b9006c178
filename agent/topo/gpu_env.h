/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The GPU a process's environment names: CUDA_VISIBLE_DEVICES inside NVIDIA_VISIBLE_DEVICES
 * (NVIDIA), HIP_VISIBLE_DEVICES inside ROCR_VISIBLE_DEVICES (AMD), each entry an index,
 * "GPU-<uuid>" or "MIG-..." (the GPU it is a slice of). An answer only when exactly one GPU is
 * left visible and every entry is understood. Indices count in a known order only: nvidia-smi's
 * (PCI) for NVIDIA_VISIBLE_DEVICES; for CUDA_VISIBLE_DEVICES when CUDA_DEVICE_ORDER=PCI_BUS_ID
 * or the GPUs it chooses from are all one model (CUDA's default "fastest first" order is then
 * PCI order); ROCm's KFD topology order for ROCR/HIP.
 */
#ifndef NP_GPU_ENV_H
#define NP_GPU_ENV_H

#include <stddef.h>
#include <sys/types.h>

/* A GPU as the environment can name it. */
struct np_env_gpu {
	char pci[24];
	char uuid[96];	   /* "GPU-..."; "" unknown */
	const char *model; /* NULL or "" unknown (then indices need CUDA_DEVICE_ORDER) */
};

struct np_env_gpus {
	const struct np_env_gpu *nvidia; /* PCI order */
	int nnvidia;
	const struct np_env_gpu *amd; /* KFD topology order */
	int namd;
};

/* The one GPU the environment env (len bytes, "K=V\0K=V\0...") names, or NULL when it names
 * none, several, or not for certain. Pure. */
const struct np_env_gpu *np_env_gpu_parse(const char *env, size_t len,
					  const struct np_env_gpus *gpus);

/* The same from /proc/PID/environ under root (its first NP_ENV_MAX bytes). */
#define NP_ENV_MAX (256 * 1024)
const struct np_env_gpu *np_env_gpu_read(const char *root, pid_t pid,
					 const struct np_env_gpus *gpus);

#endif
