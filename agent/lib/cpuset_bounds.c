// SPDX-License-Identifier: GPL-2.0
/* The effective CPUs and memory nodes of a process's cpuset (see cpuset_bounds.h). */
#include <errno.h>
#include <stdlib.h>

#include "lib/cgroup.h"
#include "lib/cpuset_bounds.h"

int np_cpuset_bounds_read(const char *root, pid_t pid, struct np_cpuset *cpus, __u64 *mems)
{
	struct np_cgroup *cg = malloc(sizeof(*cg)); /* paths of PATH_MAX: not on the stack */
	int err;

	if (!cg)
		return -ENOMEM;
	err = np_cgroup_read(root, pid, cg);
	if (!err && cg->cpuset_err)
		err = -ENOENT;
	if (!err) {
		*cpus = cg->cpus;
		*mems = cg->mems;
	}
	free(cg);
	return err;
}
