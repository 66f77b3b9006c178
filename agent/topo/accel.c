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

static void add_device(struct np_accel_use *use, int index)
{
	for (int i = 0; i < use->ndevices; i++)
		if (use->devices[i] == index)
			return;
	if (use->ndevices < NP_MAX_PROC_ACCELS)
		use->devices[use->ndevices++] = index;
}

/* NVIDIA: /proc/driver/nvidia/gpus/<BDF>/information has "Device Minor:  N". */
static int nvidia_minor_to_device(const char *root, const struct np_topo *topo, long minor)
{
	char full[PATH_MAX], path[PATH_MAX], info[4096];
	struct dirent *ent;
	int found = -1;
	DIR *dir;

	if (np_path(full, sizeof(full), root, "/proc/driver/nvidia/gpus") || !(dir = opendir(full)))
		return -1;
	while (found < 0 && (ent = readdir(dir))) {
		const char *line;

		if (ent->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/driver/nvidia/gpus/%s/information", ent->d_name);
		if (np_read_str(root, path, info, sizeof(info)))
			continue;
		line = strstr(info, "Device Minor:");
		if (line && strtol(line + 13, NULL, 10) == minor)
			found = np_topo_device_index(topo, ent->d_name);
	}
	closedir(dir);
	return found;
}

/* DRM and accel class devices: /sys/class/<class>/<name>/device is the PCI function. */
static int class_device(const char *root, const struct np_topo *topo, const char *class,
			const char *name)
{
	char path[PATH_MAX], bdf[64];

	snprintf(path, sizeof(path), "/sys/class/%s/%s/device", class, name);
	if (np_read_link_name(root, path, bdf, sizeof(bdf)))
		return -1;
	return np_topo_device_index(topo, bdf);
}

static void classify_fd(const char *root, const struct np_topo *topo, const char *target,
			struct np_accel_use *use)
{
	int index = -2; /* -2: not an accelerator file; -1: one we cannot identify */

	if (!strncmp(target, "/dev/nvidia", 11)) {
		char *end;
		long minor = strtol(target + 11, &end, 10);

		index = end != target + 11 && !*end ? nvidia_minor_to_device(root, topo, minor) : -1;
	} else if (!strcmp(target, "/dev/kfd")) {
		index = -1;
	} else if (!strncmp(target, "/dev/dri/", 9)) {
		index = class_device(root, topo, "drm", target + 9);
	} else if (!strncmp(target, "/dev/accel/", 11)) {
		index = class_device(root, topo, "accel", target + 11);
	}
	if (index >= 0 && topo->devices[index].kind == NP_DEV_ACCEL)
		add_device(use, index);
	else if (index != -2)
		use->unidentified = true;
}

int np_proc_accel_use(const char *root, pid_t pid, pid_t tid, const struct np_topo *topo,
		      struct np_accel_use *use)
{
	char full[PATH_MAX], link[PATH_MAX], target[PATH_MAX];
	struct dirent *ent;
	DIR *dir;

	memset(use, 0, sizeof(*use));
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
		classify_fd(root, topo, target, use);
	}
	closedir(dir);
	return 0;
}
