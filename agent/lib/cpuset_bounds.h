/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The bounds a placement works within: the effective CPUs and memory nodes of a process's
 * cgroup cpuset (v1, v2 or hybrid, through lib/cgroup.h), read once for the plan.
 */
#ifndef NP_CPUSET_BOUNDS_H
#define NP_CPUSET_BOUNDS_H

#include <linux/types.h>
#include <sys/types.h>

#include "lib/cpulist.h"

/*
 * cpus and mems (bit n: node n) of pid's cpuset. 0, or -ENOENT when no cpuset covers the
 * process or it cannot be read (then cpus and mems are left alone), -ESRCH when it is gone.
 */
int np_cpuset_bounds_read(const char *root, pid_t pid, struct np_cpuset *cpus, __u64 *mems);

#endif
