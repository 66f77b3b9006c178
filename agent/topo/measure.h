/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The measured latency and bandwidth matrix of this host (`topo --measure`), as the pure stages
 * see it: struct np_measure (lib/measure_cache.h) and the cached copy for this topology,
 * kernel and CPU. Measuring itself is topo/measure_run.h.
 */
#ifndef NP_MEASURE_H
#define NP_MEASURE_H

#include <stddef.h>

#include "lib/measure_cache.h"
#include "topo/topo.h"

#define NP_MEASURE_CACHE_DIR "/var/cache/numaplace"
/* Room for a key; a topology whose key is longer gets "" (never cached). */
#define NP_MEASURE_KEY_MAX 16384

/*
 * Pure: the cache key, what the figures depend on: every node's id and CPU list, the kernel
 * release and the CPU model, as one line ("nodes=0:0-3,1:4-7 kernel=6.1.0 cpu=...").
 */
void np_measure_key(const struct np_topo *topo, const char *cpu_model, char *key, size_t len);

/* Pure: the cache file's name for key, "measure-<16 hex digits of its hash>.json". */
void np_measure_file_name(const char *key, char *name, size_t len);

/* The CPU model below root ("model name" of /proc/cpuinfo, else its first "CPU part"), or "". */
void np_cpu_model(const char *root, char *buf, size_t len);

/* The cached matrix for this topology and kernel, if any (no measuring). 0 or -ENOENT. */
int np_measure_load(const struct np_topo *topo, struct np_measure *m);

/*
 * The same from dir (NP_MEASURE_CACHE_DIR for np_measure_load): 0, -ENOENT when there is no
 * cache file for this key, or when it is bad (then msg says why: the caller warns).
 */
int np_measure_load_dir(const struct np_topo *topo, const char *dir, struct np_measure *m,
			char *msg, size_t msglen);

/* Keep m as the cached matrix for this topology in dir. 0 or -errno, msg. */
int np_measure_save_dir(const struct np_topo *topo, const char *dir, const struct np_measure *m,
			char *msg, size_t msglen);

#endif
