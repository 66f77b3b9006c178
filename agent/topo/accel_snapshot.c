// SPDX-License-Identifier: GPL-2.0
/* What the GPU drivers say at one moment (see accel.h, np_accel_snapshot). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "topo/accel.h"

const char *np_accel_source_name(enum np_accel_source source)
{
	switch (source) {
	case NP_ACCEL_SOURCE_NVML:
		return "nvml";
	case NP_ACCEL_SOURCE_KFD:
		return "kfd";
	case NP_ACCEL_SOURCE_ENV:
		return "env";
	case NP_ACCEL_SOURCE_FILES:
		return "files";
	default:
		return NULL;
	}
}

/* The GPUs as *_VISIBLE_DEVICES can name them. NVIDIA's from the driver's list, else (a
 * container without /proc/driver/nvidia) from NVML's, whose order is also PCI order. */
static void env_lists(struct np_accel_snapshot *snap)
{
	int n = 0;

	for (int i = 0; i < snap->nnvidia; i++, n++) {
		memcpy(snap->env_nvidia[n].pci, snap->nvidia[i].pci,
		       sizeof(snap->env_nvidia[n].pci));
		snprintf(snap->env_nvidia[n].uuid, sizeof(snap->env_nvidia[n].uuid), "%s",
			 snap->nvidia[i].uuid);
		snap->env_nvidia[n].model = snap->nvidia[i].model;
	}
	for (int i = 0; !snap->nnvidia && i < snap->nvml.ngpus && n < NP_MAX_NVIDIA_GPUS;
	     i++, n++) {
		memcpy(snap->env_nvidia[n].pci, snap->nvml.gpus[i].pci,
		       sizeof(snap->env_nvidia[n].pci));
		memcpy(snap->env_nvidia[n].uuid, snap->nvml.gpus[i].uuid,
		       sizeof(snap->env_nvidia[n].uuid));
		snap->env_nvidia[n].model = NULL;
	}
	snap->env.nvidia = snap->env_nvidia;
	snap->env.nnvidia = n;
	for (int i = 0; i < snap->nkfd; i++) {
		memcpy(snap->env_amd[i].pci, snap->kfd[i].pci, sizeof(snap->env_amd[i].pci));
		/* ROCR_VISIBLE_DEVICES's UUID form */
		if (snap->kfd[i].unique_id)
			snprintf(snap->env_amd[i].uuid, sizeof(snap->env_amd[i].uuid),
				 "GPU-%016llx", snap->kfd[i].unique_id);
		else
			snap->env_amd[i].uuid[0] = '\0';
		snap->env_amd[i].model = NULL;
	}
	snap->env.amd = snap->env_amd;
	snap->env.namd = snap->nkfd;
}

int np_accel_snapshot_take(const char *root, struct np_accel_snapshot *snap, char *msg,
			   size_t msglen)
{
	int err = 0;

	/* NVML knows this host only: a fixture root has no NVML answer */
	if (!root || !strcmp(root, "/"))
		err = np_nvml_snapshot(&snap->nvml, msg, msglen);
	if (np_kfd_gpus(root, snap->kfd, NP_KFD_MAX_GPUS, &snap->nkfd))
		snap->nkfd = 0;
	/* -ENOSPC still gives the first ones */
	if (np_nvidia_gpus(root, snap->nvidia, NP_MAX_NVIDIA_GPUS, &snap->nnvidia) &&
	    snap->nnvidia <= 0)
		snap->nnvidia = 0;
	env_lists(snap);
	return err;
}

void np_accel_snapshot_free(struct np_accel_snapshot *snap)
{
	np_nvml_snap_free(&snap->nvml);
	memset(snap, 0, sizeof(*snap));
}
