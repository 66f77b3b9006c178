/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the engine-shaped test workloads (np-vllm, np-ollama, np-llama) have in common: a clock,
 * a process title as setproctitle() sets one, device files held open, a model file mapped the
 * way llama.cpp maps GGUF, and reader threads streaming memory as token generation does.
 */
#ifndef NP_WORKLOAD_ENGINE_H
#define NP_WORKLOAD_ENGINE_H

#include <stddef.h>

double eng_now(void);

/*
 * The process's name as vLLM's setproctitle() leaves it: comm through prctl(PR_SET_NAME) (the
 * kernel keeps 15 characters) and the whole title in /proc/PID/cmdline (written over argv).
 */
void eng_set_title(int argc, char **argv, const char *title);

/* Open every path of a comma-separated list read-write (read-only when that is refused) and
 * keep it open for the process's life. The number opened; a path that fails is said. */
int eng_open_devices(const char *list);

/* Map PATH shared and read-only, as llama.cpp maps a model (MAP_SHARED, PROT_READ), and
 * touch every page; *size is its length. NULL (said) on error. */
void *eng_map_model(const char *path, size_t *size);

/* Start N threads reading [buf, buf + size) again and again until the deadline (eng_now()
 * seconds), pinned to nothing. 0, or -1 (said). */
int eng_start_readers(int n, const volatile char *buf, size_t size, double deadline);

/* Read [buf, buf + size) a cache line at a time, again and again, until the deadline. */
void eng_read(const volatile char *buf, size_t size, double deadline);

/* Create FILE (empty), the sign a scenario waits for. */
void eng_touch(const char *file);

/* Run on NODE's CPUs and take new memory from NODE first (numactl --cpunodebind=NODE
 * --preferred=NODE): a process started on a node of its own choosing. 0, or -1 (said). */
int eng_bind_node(int node);

#endif
