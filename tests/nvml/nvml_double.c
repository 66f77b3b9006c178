// SPDX-License-Identifier: GPL-2.0
/*
 * A test double of NVIDIA's libnvidia-ml.so.1 for hosts without NVIDIA hardware (this one, the
 * VM test bed). Built as build/tests/nvml/libnvidia-ml.so.1 with that soname, never installed;
 * numaplace finds it exactly as it finds the real one, by dlopen("libnvidia-ml.so.1"), when a
 * test puts its directory on LD_LIBRARY_PATH.
 *
 * It exports the versioned entry points numaplace calls, with nvml.h's structures and return
 * codes, and answers them from the state file named by NP_TEST_NVML_STATE ('#' comments):
 *
 *   gpu <index> <busId as NVML gives it: 00000000:41:00.0> <uuid GPU-...> <name, rest of line>
 *   proc <gpu index> <pid> <used GPU memory in bytes, or "-": not available> compute|graphics
 *
 * No variable or no file: nvmlInit_v2 says NVML_ERROR_DRIVER_NOT_LOADED. The file is read again
 * on every nvmlInit_v2 and every process-list call, so a test rewrites it (a temporary file
 * moved into place) to change the answer; unreadable then, the previous answer stands.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* nvml.h's ABI */
typedef int nvmlReturn_t;
#define NVML_SUCCESS		     0
#define NVML_ERROR_UNINITIALIZED     1
#define NVML_ERROR_INVALID_ARGUMENT  2
#define NVML_ERROR_INSUFFICIENT_SIZE 7
#define NVML_ERROR_DRIVER_NOT_LOADED 9
#define NVML_ERROR_GPU_IS_LOST	     15
#define NVML_ERROR_UNKNOWN	     999
#define NVML_VALUE_NOT_AVAILABLE     (~0ULL)

typedef struct {
	char busIdLegacy[16];
	unsigned int domain;
	unsigned int bus;
	unsigned int device;
	unsigned int pciDeviceId;
	unsigned int pciSubSystemId;
	char busId[32];
} nvmlPciInfo_t;

typedef struct {
	unsigned int pid;
	unsigned long long usedGpuMemory;
	unsigned int gpuInstanceId;
	unsigned int computeInstanceId;
} nvmlProcessInfo_t;

#define MAX_GPUS  64
#define MAX_PROCS 1024

/* A handle is the address of its index's slot: stable across rereads of the file. */
typedef struct nvmlDevice_st {
	bool present;
	char bus_id[32];
	char uuid[96];
	char name[96];
} * nvmlDevice_t;

static struct nvmlDevice_st gpus[MAX_GPUS];
static struct {
	unsigned int gpu, pid;
	unsigned long long bytes;
	bool graphics;
} procs[MAX_PROCS];
static int nprocs, inits;

#define EXPORT __attribute__((visibility("default")))

static void parse_line(char *line)
{
	char bus[32], uuid[96], kind[16], bytes[32];
	unsigned int index, pid;
	int name_at = 0;

	if (sscanf(line, "gpu %u %31s %95s %n", &index, bus, uuid, &name_at) == 3 &&
	    index < MAX_GPUS) {
		struct nvmlDevice_st *g = &gpus[index];

		g->present = true;
		snprintf(g->bus_id, sizeof(g->bus_id), "%s", bus);
		snprintf(g->uuid, sizeof(g->uuid), "%s", uuid);
		snprintf(g->name, sizeof(g->name), "%s", name_at ? line + name_at : "");
		g->name[strcspn(g->name, "\n")] = '\0';
	} else if (sscanf(line, "proc %u %u %31s %15s", &index, &pid, bytes, kind) == 4 &&
		   nprocs < MAX_PROCS) {
		procs[nprocs].gpu = index;
		procs[nprocs].pid = pid;
		procs[nprocs].bytes =
			strcmp(bytes, "-") ? strtoull(bytes, NULL, 10) : NVML_VALUE_NOT_AVAILABLE;
		procs[nprocs++].graphics = !strcmp(kind, "graphics");
	}
}

/* -1: no state file (no driver). */
static int load_state(void)
{
	const char *path = getenv("NP_TEST_NVML_STATE");
	char line[512];
	FILE *f;

	if (!path || !(f = fopen(path, "re")))
		return -1;
	memset(gpus, 0, sizeof(gpus));
	nprocs = 0;
	while (fgets(line, sizeof(line), f))
		if (line[0] != '#')
			parse_line(line);
	fclose(f);
	return 0;
}

EXPORT nvmlReturn_t nvmlInit_v2(void)
{
	if (load_state())
		return NVML_ERROR_DRIVER_NOT_LOADED;
	inits++;
	return NVML_SUCCESS;
}

EXPORT nvmlReturn_t nvmlShutdown(void)
{
	if (!inits)
		return NVML_ERROR_UNINITIALIZED;
	inits--;
	return NVML_SUCCESS;
}

EXPORT const char *nvmlErrorString(nvmlReturn_t result)
{
	switch (result) {
	case NVML_SUCCESS:
		return "Success";
	case NVML_ERROR_UNINITIALIZED:
		return "Uninitialized";
	case NVML_ERROR_INVALID_ARGUMENT:
		return "Invalid Argument";
	case NVML_ERROR_INSUFFICIENT_SIZE:
		return "Insufficient Size";
	case NVML_ERROR_DRIVER_NOT_LOADED:
		return "Driver Not Loaded";
	case NVML_ERROR_GPU_IS_LOST:
		return "GPU is lost";
	default:
		return "Unknown Error";
	}
}

EXPORT nvmlReturn_t nvmlDeviceGetCount_v2(unsigned int *count)
{
	if (!inits)
		return NVML_ERROR_UNINITIALIZED;
	if (!count)
		return NVML_ERROR_INVALID_ARGUMENT;
	*count = 0;
	while (*count < MAX_GPUS && gpus[*count].present)
		(*count)++;
	return NVML_SUCCESS;
}

EXPORT nvmlReturn_t nvmlDeviceGetHandleByIndex_v2(unsigned int index, nvmlDevice_t *device)
{
	if (!inits)
		return NVML_ERROR_UNINITIALIZED;
	if (!device || index >= MAX_GPUS || !gpus[index].present)
		return NVML_ERROR_INVALID_ARGUMENT;
	*device = &gpus[index];
	return NVML_SUCCESS;
}

static nvmlReturn_t check(nvmlDevice_t device)
{
	if (!inits)
		return NVML_ERROR_UNINITIALIZED;
	if (device < gpus || device >= gpus + MAX_GPUS)
		return NVML_ERROR_INVALID_ARGUMENT;
	return device->present ? NVML_SUCCESS : NVML_ERROR_GPU_IS_LOST;
}

EXPORT nvmlReturn_t nvmlDeviceGetPciInfo_v3(nvmlDevice_t device, nvmlPciInfo_t *pci)
{
	unsigned int domain = 0, bus = 0, dev = 0, fn = 0;
	nvmlReturn_t ret = check(device);

	if (ret != NVML_SUCCESS)
		return ret;
	if (!pci)
		return NVML_ERROR_INVALID_ARGUMENT;
	memset(pci, 0, sizeof(*pci));
	sscanf(device->bus_id, "%x:%x:%x.%x", &domain, &bus, &dev, &fn);
	snprintf(pci->busId, sizeof(pci->busId), "%s", device->bus_id);
	snprintf(pci->busIdLegacy, sizeof(pci->busIdLegacy), "%04X:%02X:%02X.%X", domain & 0xffff,
		 bus & 0xff, dev & 0x1f, fn & 7);
	pci->domain = domain;
	pci->bus = bus;
	pci->device = dev;
	pci->pciDeviceId = 0x233010de; /* device << 16 | vendor */
	return NVML_SUCCESS;
}

EXPORT nvmlReturn_t nvmlDeviceGetUUID(nvmlDevice_t device, char *uuid, unsigned int length)
{
	nvmlReturn_t ret = check(device);

	if (ret != NVML_SUCCESS)
		return ret;
	if (!uuid)
		return NVML_ERROR_INVALID_ARGUMENT;
	if (strlen(device->uuid) >= length)
		return NVML_ERROR_INSUFFICIENT_SIZE;
	strcpy(uuid, device->uuid);
	return NVML_SUCCESS;
}

/* As NVML: *count too small (or infos NULL with processes running): INSUFFICIENT_SIZE and
 * *count the number needed. */
static nvmlReturn_t running(nvmlDevice_t device, unsigned int *count, nvmlProcessInfo_t *infos,
			    bool graphics)
{
	unsigned int index = device - gpus, n = 0;
	nvmlReturn_t ret = check(device);

	if (ret != NVML_SUCCESS)
		return ret;
	if (!count)
		return NVML_ERROR_INVALID_ARGUMENT;
	load_state();
	if (!device->present)
		return NVML_ERROR_GPU_IS_LOST;
	for (int i = 0; i < nprocs; i++)
		n += procs[i].gpu == index && procs[i].graphics == graphics;
	if (n > *count || (n && !infos)) {
		*count = n;
		return NVML_ERROR_INSUFFICIENT_SIZE;
	}
	n = 0;
	for (int i = 0; i < nprocs; i++) {
		if (procs[i].gpu != index || procs[i].graphics != graphics)
			continue;
		infos[n].pid = procs[i].pid;
		infos[n].usedGpuMemory = procs[i].bytes;
		infos[n].gpuInstanceId = 0xFFFFFFFF; /* not a MIG device */
		infos[n++].computeInstanceId = 0xFFFFFFFF;
	}
	*count = n;
	return NVML_SUCCESS;
}

EXPORT nvmlReturn_t nvmlDeviceGetComputeRunningProcesses_v3(nvmlDevice_t device,
							    unsigned int *infoCount,
							    nvmlProcessInfo_t *infos)
{
	return running(device, infoCount, infos, false);
}

EXPORT nvmlReturn_t nvmlDeviceGetGraphicsRunningProcesses_v3(nvmlDevice_t device,
							     unsigned int *infoCount,
							     nvmlProcessInfo_t *infos)
{
	return running(device, infoCount, infos, true);
}
