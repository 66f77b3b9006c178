// SPDX-License-Identifier: GPL-2.0
/*
 * The environment parser (topo/gpu_env.c) on whatever a process's /proc/PID/environ holds:
 * NUL-separated or not, cut anywhere. It answers one of the GPUs it was given, or none.
 */
#include "fuzz.h" /* first: it sets _GNU_SOURCE */

#include "topo/gpu_env.h"

static const struct np_env_gpu nvidia[] = {
	{ "0000:01:00.0", "GPU-aaaa1111-0000", "NVIDIA H100" },
	{ "0000:41:00.0", "GPU-aaaa2222-0000", "NVIDIA L4" },
};
static const struct np_env_gpu amd[] = { { "0000:05:00.0", "GPU-00000000000000aa", NULL } };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct np_env_gpus gpus = { nvidia, 2, amd, 1 };
	char *copy = malloc(size ? size : 1);
	const struct np_env_gpu *g;

	if (!copy)
		return 0;
	memcpy(copy, data, size); /* exactly size bytes: a read past them is ASan's to catch */
	g = np_env_gpu_parse(copy, size, &gpus);
	FUZZ_CHECK(!g || g == &nvidia[0] || g == &nvidia[1] || g == &amd[0], "a GPU not given");
	free(copy);
	return 0;
}
