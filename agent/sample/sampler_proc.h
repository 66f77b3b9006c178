/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The sampler's maps brought up to date from /proc while its programs are detached (between
 * the daemon's sampling windows): see sampler_proc.c.
 */
#ifndef NP_SAMPLER_PROC_H
#define NP_SAMPLER_PROC_H

#include <stdbool.h>
#include <sys/types.h>

#include "sample_shared.h"

struct np_sampler_maps {
	int threads_fd, exited_fd, traced_fd;
	struct running_slot *running; /* the per-CPU slots, NP_BPF_MAX_CPUS of them */
	const __u8 *cpu_node;	      /* cpu -> node, NP_BPF_NODE_NONE for none */
};

/*
 * Call only while the programs are detached: charges each thread of tgids what it ran since
 * last charged (to its CPU's node), folds the entries of threads gone. attaching: the
 * programs attach next, each entry is marked on CPU (see sync_thread). 0 or -ENOMEM.
 */
int np_sampler_proc_sync(const struct np_sampler_maps *m, const pid_t *tgids, int ntgids,
			 bool attaching);

/*
 * While attached, a process traced from now on: an entry marked on CPU for each of its threads
 * the switch handler has none of yet, with its run time and node as of now. A thread running
 * while tracing starts is charged what it runs (by the snapshot's in-flight read or at its
 * next switch-in) though no switch-in was seen. -ESRCH when it is gone.
 */
int np_sampler_proc_seed(const struct np_sampler_maps *m, pid_t tgid);

/* A thread's sum_exec_runtime from /proc/TGID/task/TID/schedstat; -ESRCH when it is gone. */
int np_sampler_proc_runtime(pid_t tgid, pid_t tid, __u64 *runtime);

#endif
