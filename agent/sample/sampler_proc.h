/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The sampler's maps brought up to date from /proc while its programs are detached (between
 * the daemon's sampling windows): see sampler_proc.c.
 */
#ifndef NP_SAMPLER_PROC_H
#define NP_SAMPLER_PROC_H

#include <sys/types.h>

#include "sample_shared.h"

struct np_sampler_maps {
	int threads_fd, exited_fd, traced_fd;
	struct running_slot *running; /* the per-CPU slots, NP_BPF_MAX_CPUS of them */
	const __u8 *cpu_node;	      /* cpu -> node, NP_BPF_NODE_NONE for none */
};

/*
 * Call only while the programs are detached: charges each thread of tgids what it ran since
 * last charged (to its CPU's node), folds the entries of threads gone. 0 or -ENOMEM.
 */
int np_sampler_proc_sync(const struct np_sampler_maps *m, const pid_t *tgids, int ntgids);

#endif
