// SPDX-License-Identifier: GPL-2.0
/* The GPU a process's environment names (see gpu_env.h). */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "lib/sysfs.h"
#include "topo/gpu_env.h"

#define MAX_SET 64

/* GPUs still visible: indices into a list. */
struct gpu_set {
	int n;
	int idx[MAX_SET];
};

/* The value of key, NUL-terminated inside env; NULL when absent (or cut off at the end). */
static const char *env_get(const char *env, size_t len, const char *key)
{
	size_t klen = strlen(key);

	for (size_t off = 0; off < len;) {
		const char *var = env + off;
		size_t vlen = strnlen(var, len - off);

		if (vlen == len - off)
			return NULL; /* the bounded read cut it */
		if (vlen > klen && !strncmp(var, key, klen) && var[klen] == '=')
			return var + klen + 1;
		off += vlen + 1;
	}
	return NULL;
}

static void set_add(struct gpu_set *set, int index)
{
	for (int i = 0; i < set->n; i++)
		if (set->idx[i] == index)
			return;
	if (set->n < MAX_SET)
		set->idx[set->n++] = index;
}

/*
 * The GPU of in that a UUID entry names: "GPU-<uuid>" or a prefix of it that only one has (as
 * CUDA accepts), "MIG-GPU-<uuid>/gi/ci" (the GPU it slices); a "MIG-<uuid>" of today's drivers
 * says nothing about its GPU: only when in has just one. -1 when none or not certain.
 */
static int find_uuid(const struct np_env_gpu *list, const struct gpu_set *in, const char *e)
{
	size_t len = strlen(e);
	int found = -1;

	if (!strncmp(e, "MIG-GPU-", 8)) {
		e += 4;
		len = strcspn(e, "/");
	} else if (!strncmp(e, "MIG-", 4)) {
		return in->n == 1 ? in->idx[0] : -1;
	} else if (strncmp(e, "GPU-", 4)) {
		return -1;
	}
	if (len <= 4)
		return -1;
	for (int i = 0; i < in->n; i++) {
		if (strncasecmp(list[in->idx[i]].uuid, e, len))
			continue;
		if (found >= 0)
			return -1;
		found = in->idx[i];
	}
	return found;
}

/* Whether every GPU of in is one model, so that CUDA's default order is PCI order. */
static bool one_model(const struct np_env_gpu *list, const struct gpu_set *in)
{
	for (int i = 0; i < in->n; i++)
		if (!list[in->idx[i]].model || !list[in->idx[i]].model[0] ||
		    strcmp(list[in->idx[i]].model, list[in->idx[0]].model))
			return false;
	return true;
}

/* The GPUs of in that value (a *_VISIBLE_DEVICES list) leaves visible; -1 when it is not
 * understood in full (then the environment says nothing certain). */
static int select_gpus(const struct np_env_gpu *list, const struct gpu_set *in, const char *value,
		       bool index_ok, struct gpu_set *out)
{
	char buf[1024], *save, *tok;

	out->n = 0;
	if (!strcmp(value, "all")) {
		*out = *in;
		return 0;
	}
	if (!strcmp(value, "none") || !strcmp(value, "void"))
		return 0;
	if (strlen(value) >= sizeof(buf))
		return -1;
	strcpy(buf, value);
	for (tok = strtok_r(buf, ", \t", &save); tok; tok = strtok_r(NULL, ", \t", &save)) {
		char *end;
		long k = strtol(tok, &end, 10);

		if (isdigit((unsigned char)tok[0]) && !*end) {
			if (!index_ok || k >= in->n)
				return -1;
			set_add(out, in->idx[k]);
		} else if ((k = find_uuid(list, in, tok)) >= 0) {
			set_add(out, k);
		} else {
			return -1;
		}
	}
	return 0;
}

/* One vendor: inner (CUDA_/HIP_) inside outer (NVIDIA_/ROCR_). -1 unless exactly one GPU. */
static int vendor_gpu(const struct np_env_gpu *list, int n, const char *outer, const char *inner,
		      bool pci_order)
{
	struct gpu_set all = { 0 }, visible, chosen;

	if ((!outer && !inner) || n <= 0)
		return -1;
	for (int i = 0; i < n; i++)
		set_add(&all, i);
	if (select_gpus(list, &all, outer ? outer : "all", true, &visible))
		return -1;
	if (inner &&
	    select_gpus(list, &visible, inner, pci_order || one_model(list, &visible), &chosen))
		return -1;
	if (!inner)
		chosen = visible;
	return chosen.n == 1 ? chosen.idx[0] : -1;
}

const struct np_env_gpu *np_env_gpu_parse(const char *env, size_t len,
					  const struct np_env_gpus *gpus)
{
	const char *order = env_get(env, len, "CUDA_DEVICE_ORDER");
	const char *hip = env_get(env, len, "HIP_VISIBLE_DEVICES");
	const char *cuda = env_get(env, len, "CUDA_VISIBLE_DEVICES");
	int nv, amd;

	nv = vendor_gpu(gpus->nvidia, gpus->nnvidia, env_get(env, len, "NVIDIA_VISIBLE_DEVICES"),
			cuda, order && !strcmp(order, "PCI_BUS_ID"));
	/* HIP takes CUDA_VISIBLE_DEVICES too, when there is no NVIDIA GPU it could mean */
	amd = vendor_gpu(gpus->amd, gpus->namd, env_get(env, len, "ROCR_VISIBLE_DEVICES"),
			 hip		 ? hip
			 : gpus->nnvidia ? NULL
					 : cuda,
			 true);
	if (nv >= 0 && amd >= 0)
		return NULL; /* one of each: which one it computes on is not said */
	return nv >= 0 ? &gpus->nvidia[nv] : amd >= 0 ? &gpus->amd[amd] : NULL;
}

const struct np_env_gpu *np_env_gpu_read(const char *root, pid_t pid,
					 const struct np_env_gpus *gpus)
{
	const struct np_env_gpu *gpu;
	char path[PATH_MAX], *buf;
	size_t len = 0;
	ssize_t n;
	int fd;

	if (gpus->nnvidia <= 0 && gpus->namd <= 0)
		return NULL; /* nothing it could name: do not read */
	if (np_path(path, sizeof(path), root, "/proc/%d/environ", pid))
		return NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	buf = malloc(NP_ENV_MAX);
	while (buf && len < NP_ENV_MAX && (n = read(fd, buf + len, NP_ENV_MAX - len)) > 0)
		len += n;
	close(fd);
	gpu = buf ? np_env_gpu_parse(buf, len, gpus) : NULL;
	free(buf);
	return gpu;
}
