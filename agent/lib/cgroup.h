/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A process's cgroups and the cpuset that bounds it, for cgroup v1, v2 and hybrid hierarchies:
 * the paths from /proc/PID/cgroup, the hierarchies' mount points from /proc/self/mountinfo
 * (never assumed to be /sys/fs/cgroup), and the effective CPUs and memory nodes. Everything is
 * read below a root directory ("/" live, a fixture tree in tests) and bounded.
 */
#ifndef NP_CGROUP_H
#define NP_CGROUP_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "lib/cpulist.h"

enum np_cgroup_version {
	NP_CGROUP_NONE,	  /* no cgroup line at all (no cgroup support, or an empty file) */
	NP_CGROUP_V1,	  /* only "N:controllers:/path" lines */
	NP_CGROUP_V2,	  /* only the unified "0::/path" */
	NP_CGROUP_HYBRID, /* both: v1 controllers beside a unified hierarchy */
};

/* Room for a cgroup path; a longer one in /proc/PID/cgroup is refused (-ENAMETOOLONG). */
#define NP_CGROUP_PATH_MAX 2048

struct np_cgroup {
	enum np_cgroup_version version;
	/* paths as /proc/PID/cgroup shows them, "" when there is no such line */
	char unified[NP_CGROUP_PATH_MAX];    /* "0::" */
	char v1_cpuset[NP_CGROUP_PATH_MAX];  /* the v1 hierarchy with the cpuset controller */
	char v1_systemd[NP_CGROUP_PATH_MAX]; /* v1 "name=systemd" (the unit's path there) */

	/*
	 * The cpuset: 0 when cpus and mems below hold; -ENOENT when no cpuset controller covers
	 * the process (or its files are gone); -EXDEV when its cgroup is not reachable through a
	 * mount here (another cgroup namespace shows "/../.."; no mount of that hierarchy);
	 * -EINVAL when a cpuset file does not parse.
	 */
	int cpuset_err;
	enum np_cgroup_version cpuset_version; /* NP_CGROUP_V1 or NP_CGROUP_V2: which was read */
	/*
	 * The cgroup directory the cpuset was read in, absolute in this mount namespace (a writer
	 * prefixes the root as readers do). v2: the process's cgroup or the nearest ancestor with
	 * the cpuset controller enabled (inherited = true for an ancestor).
	 */
	char cpuset_dir[PATH_MAX];
	bool inherited;
	/*
	 * The cpuset restricts the process: its CPUs or nodes are fewer than those of the top of
	 * the hierarchy (a v1 or v2 root cgroup allows all and does not bound).
	 */
	bool bounded;
	struct np_cpuset cpus; /* effective CPUs */
	uint64_t mems;	       /* effective memory nodes, bit n for node n (ids >= 64 dropped) */
};

/*
 * Parse /proc/PID/cgroup text (pure): version and paths. -EINVAL when a line is malformed or a
 * hierarchy appears twice (a cgroup name holding a newline could forge a line); -ENAMETOOLONG
 * for a path longer than NP_CGROUP_PATH_MAX - 1. The cpuset fields are left as -ENOENT.
 */
int np_cgroup_parse(const char *text, struct np_cgroup *cg);

/* A hierarchy's mount as /proc/self/mountinfo gives it, escapes (\040) decoded. */
struct np_cgroup_mount {
	char root[PATH_MAX];  /* the cgroup the mount shows at its top, "/" for the whole tree */
	char point[PATH_MAX]; /* where it is mounted */
	bool noprefix;	      /* v1 "noprefix": files are "cpus", not "cpuset.cpus" */
};

/*
 * The mount through which the cgroup at path is reachable: of the unified hierarchy (v1 false)
 * or of the v1 cpuset controller (v1 true); its root holds path by whole components.
 * Lines longer than 8 KiB are skipped. -ENOENT when there is none, or -errno of the read.
 */
int np_cgroup_mount_find(const char *root, bool v1, const char *path,
			 struct np_cgroup_mount *mount);

/*
 * Everything about pid's cgroups: np_cgroup_parse of /proc/PID/cgroup, then the cpuset
 * (cg->cpuset_err says whether it was found). Returns 0, -ESRCH when the process is gone, or
 * np_cgroup_parse's errors.
 */
int np_cgroup_read(const char *root, pid_t pid, struct np_cgroup *cg);

/* The path that names the process's unit or container: unified, else v1 systemd, else cpuset. */
const char *np_cgroup_id_path(const struct np_cgroup *cg);

#endif
