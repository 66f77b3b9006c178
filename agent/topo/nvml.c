// SPDX-License-Identifier: GPL-2.0
/* NVML through dlopen (see nvml.h). The types below are nvml.h's, as its ABI documents them. */
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/clock.h"
#include "topo/nvml.h"
#include "topo/pci_addr.h"

typedef int nvmlReturn_t;
typedef struct nvmlDevice_st *nvmlDevice_t;

#define NVML_SUCCESS		     0
#define NVML_ERROR_INSUFFICIENT_SIZE 7
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

/* nvmlProcessInfo_t (== nvmlProcessInfo_v2_t), what the _v3 process calls fill */
typedef struct {
	unsigned int pid;
	unsigned long long usedGpuMemory;
	unsigned int gpuInstanceId;
	unsigned int computeInstanceId;
} nvmlProcessInfo_t;

typedef nvmlReturn_t procs_fn(nvmlDevice_t, unsigned int *, nvmlProcessInfo_t *);

static struct {
	bool tried, loaded, initialised;
	uint64_t init_failed_ns; /* when nvmlInit_v2 last failed: retried a minute later */
	nvmlReturn_t (*init)(void);
	nvmlReturn_t (*shutdown)(void);
	nvmlReturn_t (*count)(unsigned int *);
	nvmlReturn_t (*handle)(unsigned int, nvmlDevice_t *);
	nvmlReturn_t (*pci)(nvmlDevice_t, nvmlPciInfo_t *);
	nvmlReturn_t (*uuid)(nvmlDevice_t, char *, unsigned int);
	procs_fn *compute, *graphics;
	const char *(*error)(nvmlReturn_t);
} nvml;

#define NVML_RETRY_NS (60ULL * 1000000000ULL)

/* The library once per process: RTLD_LOCAL keeps its symbols out of everyone else's way. */
static bool nvml_load(void)
{
	void *lib;

	if (nvml.tried)
		return nvml.loaded;
	nvml.tried = true;
	lib = dlopen("libnvidia-ml.so.1", RTLD_NOW | RTLD_LOCAL);
	if (!lib)
		return false;
	*(void **)&nvml.init = dlsym(lib, "nvmlInit_v2");
	*(void **)&nvml.shutdown = dlsym(lib, "nvmlShutdown");
	*(void **)&nvml.count = dlsym(lib, "nvmlDeviceGetCount_v2");
	*(void **)&nvml.handle = dlsym(lib, "nvmlDeviceGetHandleByIndex_v2");
	*(void **)&nvml.pci = dlsym(lib, "nvmlDeviceGetPciInfo_v3");
	*(void **)&nvml.uuid = dlsym(lib, "nvmlDeviceGetUUID");
	*(void **)&nvml.compute = dlsym(lib, "nvmlDeviceGetComputeRunningProcesses_v3");
	*(void **)&nvml.graphics = dlsym(lib, "nvmlDeviceGetGraphicsRunningProcesses_v3");
	*(void **)&nvml.error = dlsym(lib, "nvmlErrorString");
	/* an older library without the _v3 calls: as if there were none */
	nvml.loaded = nvml.init && nvml.shutdown && nvml.count && nvml.handle && nvml.pci &&
		      nvml.uuid && nvml.compute && nvml.graphics && nvml.error;
	if (!nvml.loaded)
		dlclose(lib);
	return nvml.loaded;
}

/* Initialised once and kept: nvmlInit_v2 opens every GPU, too dear for every interval. */
static bool nvml_ready(void)
{
	uint64_t now;

	if (!nvml_load())
		return false;
	if (nvml.initialised)
		return true;
	now = np_mono_ns();
	if (nvml.init_failed_ns && now - nvml.init_failed_ns < NVML_RETRY_NS)
		return false;
	nvml.initialised = nvml.init() == NVML_SUCCESS; /* no driver: quietly not there */
	nvml.init_failed_ns = nvml.initialised ? 0 : now;
	return nvml.initialised;
}

static int add_proc(struct np_nvml_snap *snap, pid_t pid, const char *pci, unsigned long long used)
{
	long long bytes = used == NVML_VALUE_NOT_AVAILABLE ? NP_GPU_BYTES_UNKNOWN : (long long)used;
	struct np_gpu_mem *p;

	for (int i = 0; i < snap->n; i++) {
		p = &snap->procs[i];
		if (p->pid == pid && !strcmp(p->pci, pci)) {
			if (bytes > p->bytes)
				p->bytes = bytes;
			return 0;
		}
	}
	if (snap->n == snap->cap) {
		int cap = snap->cap ? snap->cap * 2 : 32;

		p = realloc(snap->procs, cap * sizeof(*p));
		if (!p)
			return -ENOMEM;
		snap->procs = p;
		snap->cap = cap;
	}
	p = &snap->procs[snap->n++];
	p->pid = pid;
	snprintf(p->pci, sizeof(p->pci), "%s", pci);
	p->bytes = bytes;
	return 0;
}

/* One list of one GPU, grown while NVML says the buffer is too small. */
static nvmlReturn_t gpu_procs(struct np_nvml_snap *snap, procs_fn *fn, nvmlDevice_t dev,
			      const char *pci)
{
	static nvmlProcessInfo_t *infos;
	static unsigned int cap;
	nvmlReturn_t ret;
	unsigned int n;

	for (int tries = 0; tries < 4; tries++) {
		n = cap;
		ret = fn(dev, &n, infos);
		if (ret != NVML_ERROR_INSUFFICIENT_SIZE)
			break;
		/* n is how many there are now; more may start before the next call */
		nvmlProcessInfo_t *grown = realloc(infos, (n + 16) * sizeof(*infos));

		if (!grown)
			return ret;
		infos = grown;
		cap = n + 16;
	}
	if (ret != NVML_SUCCESS)
		return ret;
	for (unsigned int i = 0; i < n && i < cap; i++)
		if (add_proc(snap, infos[i].pid, pci, infos[i].usedGpuMemory))
			return NVML_ERROR_INSUFFICIENT_SIZE;
	return NVML_SUCCESS;
}

static nvmlReturn_t snapshot_gpu(struct np_nvml_snap *snap, unsigned int index)
{
	struct np_pci_addr addr;
	nvmlPciInfo_t info;
	nvmlDevice_t dev;
	nvmlReturn_t ret;
	char pci[24];

	ret = nvml.handle(index, &dev);
	if (ret == NVML_SUCCESS)
		ret = nvml.pci(dev, &info);
	if (ret != NVML_SUCCESS)
		return ret;
	info.busId[sizeof(info.busId) - 1] = '\0';
	/* "00000000:41:00.0" upper case, as NVML has it -> "0000:41:00.0", as sysfs has it */
	if (np_pci_addr_parse(info.busId, &addr))
		return NVML_SUCCESS; /* not a bus id we can match to a device: skip it */
	np_pci_addr_format(&addr, pci, sizeof(pci));
	if (snap->ngpus < NP_NVML_MAX_GPUS) {
		struct np_nvml_gpu *gpu = &snap->gpus[snap->ngpus++];

		memcpy(gpu->pci, pci, sizeof(gpu->pci));
		if (nvml.uuid(dev, gpu->uuid, sizeof(gpu->uuid)) != NVML_SUCCESS)
			gpu->uuid[0] = '\0';
		gpu->uuid[sizeof(gpu->uuid) - 1] = '\0';
	}
	ret = gpu_procs(snap, nvml.compute, dev, pci);
	/* graphics lists are not supported everywhere: a compute answer is enough */
	if (ret == NVML_SUCCESS && gpu_procs(snap, nvml.graphics, dev, pci) != NVML_SUCCESS)
		ret = NVML_SUCCESS;
	return ret;
}

int np_nvml_snapshot(struct np_nvml_snap *snap, char *msg, size_t msglen)
{
	unsigned int count;
	nvmlReturn_t ret;

	snap->ok = false;
	snap->n = 0;
	snap->ngpus = 0;
	if (!nvml_ready())
		return 0;
	ret = nvml.count(&count);
	for (unsigned int i = 0; ret == NVML_SUCCESS && i < count; i++)
		ret = snapshot_gpu(snap, i);
	if (ret != NVML_SUCCESS) {
		const char *what = nvml.error(ret);

		snprintf(msg, msglen, "NVML: %s", what ? what : "error");
		/* a lost GPU or a driver reload: start afresh next time */
		nvml.shutdown();
		nvml.initialised = false;
		snap->n = 0;
		snap->ngpus = 0;
		return -EIO;
	}
	snap->ok = true;
	return 0;
}

void np_nvml_snap_free(struct np_nvml_snap *snap)
{
	free(snap->procs);
	memset(snap, 0, sizeof(*snap));
}
