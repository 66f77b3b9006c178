// SPDX-License-Identifier: GPL-2.0
/* AMD KFD GPUs and per-process VRAM (see kfd.h). */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/sysfs.h"
#include "topo/kfd.h"

#define KFD_NODES "/sys/class/kfd/kfd/topology/nodes"

/* "key value" lines: the value of key, or -ENOENT. */
static int property(const char *props, const char *key, unsigned long long *value)
{
	size_t klen = strlen(key);

	for (const char *line = props; line && *line; line = strchr(line, '\n'), line += !!line) {
		if (!strncmp(line, key, klen) && line[klen] == ' ') {
			*value = strtoull(line + klen + 1, NULL, 10);
			return 0;
		}
	}
	return -ENOENT;
}

static int read_gpu(const char *root, int node, struct np_kfd_gpu *gpu)
{
	unsigned long long domain, location;
	char path[PATH_MAX], props[8192];
	long gpu_id;

	snprintf(path, sizeof(path), KFD_NODES "/%d/gpu_id", node);
	if (np_read_long(root, path, &gpu_id) || gpu_id <= 0)
		return -ENOENT; /* a CPU node */
	snprintf(path, sizeof(path), KFD_NODES "/%d/properties", node);
	if (np_read_str(root, path, props, sizeof(props)) || property(props, "domain", &domain) ||
	    property(props, "location_id", &location))
		return -ENOENT;
	gpu->gpu_id = gpu_id;
	gpu->node = node;
	snprintf(gpu->pci, sizeof(gpu->pci), "%04x:%02x:%02x.%x", (unsigned int)domain & 0xffff,
		 (unsigned int)(location >> 8) & 0xff, (unsigned int)(location >> 3) & 0x1f,
		 (unsigned int)location & 7);
	if (property(props, "unique_id", &gpu->unique_id))
		gpu->unique_id = 0;
	return 0;
}

static int cmp_node(const void *a, const void *b)
{
	return ((const struct np_kfd_gpu *)a)->node - ((const struct np_kfd_gpu *)b)->node;
}

int np_kfd_gpus(const char *root, struct np_kfd_gpu *gpus, int max, int *count)
{
	char full[PATH_MAX];
	struct dirent *ent;
	DIR *dir;

	*count = 0;
	if (np_path(full, sizeof(full), root, KFD_NODES))
		return -ENAMETOOLONG;
	dir = opendir(full);
	if (!dir)
		return errno == ENOENT ? 0 : -errno;
	while ((ent = readdir(dir)) && *count < max) {
		char *end;
		long node = strtol(ent->d_name, &end, 10);

		if (end == ent->d_name || *end || node < 0 || node > INT_MAX)
			continue;
		if (!read_gpu(root, node, &gpus[*count]))
			(*count)++;
	}
	closedir(dir);
	qsort(gpus, *count, sizeof(*gpus), cmp_node);
	return 0;
}

int np_kfd_proc_vram(const char *root, pid_t pid, const struct np_kfd_gpu *gpus, int ngpus,
		     struct np_gpu_mem *out, int max, int *count)
{
	*count = 0;
	for (int i = 0; i < ngpus && *count < max; i++) {
		char path[PATH_MAX], value[32];
		unsigned long long bytes;
		char *end;

		snprintf(path, sizeof(path), "/sys/class/kfd/kfd/proc/%d/vram_%u", pid,
			 gpus[i].gpu_id);
		if (np_read_str(root, path, value, sizeof(value)))
			continue;
		bytes = strtoull(value, &end, 10);
		if (end == value || !bytes)
			continue;
		out[*count].pid = pid;
		memcpy(out[*count].pci, gpus[i].pci, sizeof(out[*count].pci));
		out[*count].bytes = bytes > LLONG_MAX ? LLONG_MAX : (long long)bytes;
		(*count)++;
	}
	return 0;
}
