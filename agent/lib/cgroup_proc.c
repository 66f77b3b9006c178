// SPDX-License-Identifier: GPL-2.0
/* A process's cgroup path and identity from one read of /proc/PID/cgroup (cgroup_proc.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/cgroup_proc.h"
#include "lib/sysfs.h"

int np_proc_cgroup_read(const char *root, pid_t pid, struct np_proc_cgroup *out)
{
	struct np_cgroup *cg = malloc(sizeof(*cg));
	char path[64], *text = malloc(32768);
	int err = -ENOMEM;

	memset(out, 0, sizeof(*out));
	if (!cg || !text)
		goto out;
	snprintf(path, sizeof(path), "/proc/%d/cgroup", pid);
	err = np_read_str(root, path, text, 32768);
	if (err) {
		err = err == -ENOENT ? -ESRCH : err;
		goto out;
	}
	err = np_cgroup_parse(text, cg);
	if (err)
		goto out;
	/* both arrays are NP_CGROUP_PATH_MAX: the copy always fits */
	snprintf(out->path, sizeof(out->path), "%s", np_cgroup_id_path(cg));
	np_cgroup_identify(out->path, &out->id);
out:
	free(cg);
	free(text);
	return err;
}
