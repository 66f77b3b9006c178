/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Who a process belongs to, from one read of /proc/PID/cgroup: the path that names its unit or
 * container (np_cgroup_id_path: the unified one, else v1 name=systemd, else v1 cpuset) and the
 * identity np_cgroup_identify reads from it. No cpuset file is read: callers that only want to
 * match or show a process pay one small read (np_cgroup_read is for the cpuset).
 */
#ifndef NP_CGROUP_PROC_H
#define NP_CGROUP_PROC_H

#include <sys/types.h>

#include "lib/cgroup.h"
#include "lib/cgroup_id.h"

struct np_proc_cgroup {
	char path[NP_CGROUP_PATH_MAX]; /* "" when unknown (no cgroup line, unreadable) */
	struct np_cgroup_id id;	       /* all empty when path is */
};

/*
 * pid's cgroup path and identity. 0; -ESRCH when the process is gone; np_cgroup_parse's
 * -EINVAL / -ENAMETOOLONG. On error *out is empty (path "", identity none).
 */
int np_proc_cgroup_read(const char *root, pid_t pid, struct np_proc_cgroup *out);

#endif
