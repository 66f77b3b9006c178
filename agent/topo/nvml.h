/* SPDX-License-Identifier: GPL-2.0 */
/*
 * NVIDIA's management library, loaded at run time: which processes hold memory on which GPU.
 * libnvidia-ml.so.1 is dlopen()ed by its soname on first use (no build dependency); a host
 * without it, or without the driver, simply has no NVML answer (no message). The entry points
 * used are the versioned ones of nvml.h: nvmlInit_v2, nvmlDeviceGetCount_v2,
 * nvmlDeviceGetHandleByIndex_v2, nvmlDeviceGetPciInfo_v3, nvmlDeviceGetUUID,
 * nvmlDevice{Compute,Graphics}RunningProcesses_v3, nvmlErrorString, nvmlShutdown.
 */
#ifndef NP_NVML_H
#define NP_NVML_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define NP_GPU_BYTES_UNKNOWN -1LL

/* One process's memory on one GPU, as a driver (NVML, KFD) counts it. */
struct np_gpu_mem {
	pid_t pid;
	char pci[24];	 /* "0000:41:00.0", the sysfs form */
	long long bytes; /* NP_GPU_BYTES_UNKNOWN when the driver does not say */
};

#define NP_NVML_MAX_GPUS 64

struct np_nvml_gpu {
	char pci[24];
	char uuid[96]; /* "GPU-...", NVML_DEVICE_UUID_V2_BUFFER_SIZE */
};

/* Every GPU's compute and graphics processes at one moment. */
struct np_nvml_snap {
	bool ok; /* NVML answered; false: no library, no driver, or a failure */
	int ngpus;
	struct np_nvml_gpu gpus[NP_NVML_MAX_GPUS]; /* in NVML's order (PCI order) */
	int n, cap;
	struct np_gpu_mem *procs; /* a pid on a GPU once (the larger of compute and graphics) */
};

/*
 * Take a snapshot (freeing the previous one in snap). 0 with snap->ok false when NVML is not
 * there; -errno with msg when it is there and failed (snap->ok false then too).
 */
int np_nvml_snapshot(struct np_nvml_snap *snap, char *msg, size_t msglen);
void np_nvml_snap_free(struct np_nvml_snap *snap);

#endif
