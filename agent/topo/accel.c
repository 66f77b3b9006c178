// SPDX-License-Identifier: GPL-2.0
/* Accelerators in use by a process (see accel.h). */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "topo/accel.h"
#include "lib/sysfs.h"

int np_topo_device_index(const struct np_topo *topo, const char *pci)
{
	for (int i = 0; i < topo->ndevices; i++)
		if (!strcasecmp(topo->devices[i].pci, pci))
			return i;
	return -1;
}

/* Adds index once; bytes add up (a pid on one GPU in two lists: its largest). */
static void add_device(struct np_accel_use *use, int index, long long bytes)
{
	for (int i = 0; i < use->ndevices; i++) {
		if (use->devices[i] != index)
			continue;
		if (bytes > use->bytes[i])
			use->bytes[i] = bytes;
		return;
	}
	if (use->ndevices < NP_MAX_PROC_ACCELS) {
		use->bytes[use->ndevices] = bytes;
		use->devices[use->ndevices++] = index;
	}
}

/* The NVIDIA GPUs (for minors), read when the first /dev/nvidiaN is seen unless given. */
struct files_ctx {
	const char *root;
	const struct np_topo *topo;
	const struct np_nvidia_gpu *nvidia;
	int nnvidia; /* -1: not read yet */
	struct np_nvidia_gpu *own;
};

/* NVIDIA: the driver's GPU list has each GPU's "Device Minor:". */
static int nvidia_minor_to_device(struct files_ctx *c, long minor)
{
	if (c->nnvidia < 0) {
		c->own = calloc(NP_MAX_NVIDIA_GPUS, sizeof(*c->own));
		c->nnvidia = 0;
		/* -ENOSPC still gives the first ones */
		if (c->own)
			np_nvidia_gpus(c->root, c->own, NP_MAX_NVIDIA_GPUS, &c->nnvidia);
		c->nvidia = c->own;
	}
	for (int i = 0; i < c->nnvidia; i++)
		if (c->nvidia[i].minor == minor)
			return np_topo_device_index(c->topo, c->nvidia[i].pci);
	return -1;
}

/* DRM and accel class devices: /sys/class/<class>/<name>/device is the PCI function. */
static int class_device(const char *root, const struct np_topo *topo, const char *class,
			const char *name)
{
	char path[PATH_MAX], bdf[64];

	if (snprintf(path, sizeof(path), "/sys/class/%s/%s/device", class, name) >=
	    (int)sizeof(path))
		return -1;
	if (np_read_link_name(root, path, bdf, sizeof(bdf)))
		return -1;
	return np_topo_device_index(topo, bdf);
}

static void classify_fd(struct files_ctx *c, const char *target, struct np_accel_use *use)
{
	const struct np_topo *topo = c->topo;
	const char *root = c->root;
	int index = -2; /* -2: not an accelerator file; -1: one we cannot identify */

	if (!strncmp(target, "/dev/nvidia", 11)) {
		char *end;
		long minor = strtol(target + 11, &end, 10);

		index = end != target + 11 && !*end ? nvidia_minor_to_device(c, minor) : -1;
	} else if (!strcmp(target, "/dev/kfd")) {
		index = -1;
	} else if (!strncmp(target, "/dev/dri/", 9)) {
		index = class_device(root, topo, "drm", target + 9);
	} else if (!strncmp(target, "/dev/accel/", 11)) {
		index = class_device(root, topo, "accel", target + 11);
	}
	if (index >= 0 && topo->devices[index].kind == NP_DEV_ACCEL)
		add_device(use, index, NP_GPU_BYTES_UNKNOWN);
	else if (index != -2)
		use->unidentified = true;
}

static int files_use(struct files_ctx *c, pid_t pid, pid_t tid, struct np_accel_use *use)
{
	const char *root = c->root;
	char full[PATH_MAX], link[PATH_MAX], target[PATH_MAX];
	struct dirent *ent;
	DIR *dir;

	if ((tid ? np_path(full, sizeof(full), root, "/proc/%d/task/%d/fd", pid, tid)
		 : np_path(full, sizeof(full), root, "/proc/%d/fd", pid)))
		return -ENAMETOOLONG;
	dir = opendir(full);
	if (!dir)
		return errno == ENOENT ? -ESRCH : -errno;
	while ((ent = readdir(dir))) {
		ssize_t n;

		if (ent->d_name[0] == '.')
			continue;
		if (snprintf(link, sizeof(link), "%s/%s", full, ent->d_name) >= (int)sizeof(link))
			continue;
		n = readlink(link, target, sizeof(target) - 1);
		if (n <= 0)
			continue;
		target[n] = '\0';
		classify_fd(c, target, use);
	}
	closedir(dir);
	if (use->ndevices)
		use->source = NP_ACCEL_SOURCE_FILES;
	return 0;
}

int np_proc_accel_use(const char *root, pid_t pid, pid_t tid, const struct np_topo *topo,
		      struct np_accel_use *use)
{
	struct files_ctx c = { root, topo, NULL, -1, NULL };
	int err;

	memset(use, 0, sizeof(*use));
	err = files_use(&c, pid, tid, use);
	free(c.own);
	return err;
}

/* NVML's snapshot: the GPUs pid holds memory on. */
static bool nvml_use(const struct np_topo *topo, const struct np_nvml_snap *nvml, pid_t pid,
		     struct np_accel_use *use)
{
	for (int i = 0; nvml->ok && i < nvml->n; i++) {
		int index;

		if (nvml->procs[i].pid != pid)
			continue;
		index = np_topo_device_index(topo, nvml->procs[i].pci);
		if (index >= 0)
			add_device(use, index, nvml->procs[i].bytes);
		else
			use->unidentified = true; /* a GPU this topology does not list */
	}
	if (use->ndevices)
		use->source = NP_ACCEL_SOURCE_NVML;
	return use->ndevices;
}

static bool kfd_use(const char *root, const struct np_topo *topo,
		    const struct np_accel_snapshot *snap, pid_t pid, struct np_accel_use *use)
{
	struct np_gpu_mem mem[NP_KFD_MAX_GPUS];
	int n;

	if (!snap->nkfd)
		return false;
	np_kfd_proc_vram(root, pid, snap->kfd, snap->nkfd, mem, NP_KFD_MAX_GPUS, &n);
	for (int i = 0; i < n; i++) {
		int index = np_topo_device_index(topo, mem[i].pci);

		if (index >= 0)
			add_device(use, index, mem[i].bytes);
		else
			use->unidentified = true;
	}
	if (use->ndevices)
		use->source = NP_ACCEL_SOURCE_KFD;
	return use->ndevices;
}

/* A process with accelerator files open whose environment names one GPU: that one. */
static void env_use(const char *root, const struct np_topo *topo,
		    const struct np_accel_snapshot *snap, pid_t pid, struct np_accel_use *use)
{
	const struct np_env_gpu *gpu = np_env_gpu_read(root, pid, &snap->env);
	int index = gpu ? np_topo_device_index(topo, gpu->pci) : -1;

	if (index < 0 || topo->devices[index].kind != NP_DEV_ACCEL)
		return;
	use->ndevices = 1;
	use->devices[0] = index;
	use->bytes[0] = NP_GPU_BYTES_UNKNOWN;
	use->unidentified = false;
	use->source = NP_ACCEL_SOURCE_ENV;
}

int np_proc_accel_attr(const char *root, pid_t pid, pid_t tid, const struct np_topo *topo,
		       const struct np_accel_snapshot *snap, struct np_accel_use *use)
{
	struct files_ctx c = { root, topo, snap->nvidia, snap->nnvidia, NULL };
	int err;

	memset(use, 0, sizeof(*use));
	if (nvml_use(topo, &snap->nvml, pid, use) || kfd_use(root, topo, snap, pid, use))
		return 0;
	err = files_use(&c, pid, tid, use);
	if (!err && (use->ndevices || use->unidentified))
		env_use(root, topo, snap, pid, use);
	return err;
}
