/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The NVIDIA driver's own list of its GPUs: /proc/driver/nvidia/gpus/<BDF>/information, one
 * file per GPU ("Model:", "GPU UUID:", "Bus Location:", "Device Minor:", ...). It ties what
 * operators and the CUDA runtime name a GPU by (UUID, minor, nvidia-smi index) to its PCI
 * address, without the driver's library. The text is the driver's, read as untrusted input.
 */
#ifndef NP_NVIDIA_INFO_H
#define NP_NVIDIA_INFO_H

#include <stdbool.h>

#define NP_MAX_NVIDIA_GPUS 64

struct np_nvidia_gpu {
	char pci[24];	/* "0000:41:00.0", as sysfs and topo->devices[].pci have it */
	char uuid[80];	/* "GPU-8c2e...", from "GPU UUID:"; "" when absent or malformed */
	long minor;	/* "Device Minor:", -1 when absent */
	char model[96]; /* "Model:" (cut to fit) */
};

/* "GPU-" and 8-4-4-4-12 hex digits (any case), as nvidia-smi -L and the driver print it. */
bool np_gpu_uuid_valid(const char *s);

/*
 * The GPUs of /proc/driver/nvidia/gpus/<BDF>/information, sorted by PCI address (the
 * nvidia-smi / PCI_BUS_ID order). 0 with *count 0 when the driver is absent; -errno else.
 * More GPUs than max: the first max in that order and -ENOSPC.
 */
int np_nvidia_gpus(const char *root, struct np_nvidia_gpu *gpus, int max, int *count);

/*
 * Parse one information file (pure, for tests and the fuzzer). dir_bdf is the directory's
 * name, the PCI address when "Bus Location:" is missing. -EINVAL when neither is a PCI
 * address; other fields that are absent or malformed are left empty (minor -1).
 */
int np_nvidia_info_parse(const char *text, const char *dir_bdf, struct np_nvidia_gpu *gpu);

#endif
