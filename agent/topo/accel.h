/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Which accelerators a process uses, from its open files: /dev/nvidiaN (minor -> BDF through
 * /proc/driver/nvidia/gpus/<BDF>/information), files in /dev/dri and /dev/accel (sysfs class
 * device -> BDF), and device files that say "an accelerator" without saying which
 * (/dev/nvidiactl, /dev/nvidia-uvm, /dev/kfd).
 */
#ifndef NP_ACCEL_H
#define NP_ACCEL_H

#include <sys/types.h>

#include "topo/topo.h"

#define NP_MAX_PROC_ACCELS 16

struct np_accel_use {
	int ndevices;
	int devices[NP_MAX_PROC_ACCELS]; /* indices into topo->devices */
	bool unidentified;		  /* uses an accelerator whose identity is not known */
};

/* -ESRCH when the process is gone; other unreadable fds are skipped. tid as for numa_maps. */
int np_proc_accel_use(const char *root, pid_t pid, pid_t tid, const struct np_topo *topo,
		      struct np_accel_use *use);

/* Index of the device with this PCI address (any kind), or -1. */
int np_topo_device_index(const struct np_topo *topo, const char *pci);

#endif
