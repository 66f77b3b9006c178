/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The cpuset conflict: a target node whose CPUs (or memory node) the process's cgroup cpuset
 * does not allow. Pure code: what the conflict is, the fix for the runtime that owns the
 * cgroup (docker, podman, systemd, Kubernetes, containerd or CRI-O outside it, a bare cgroup),
 * whether numaplace itself may rewrite the cpuset (`place --cgroup move|extend`) and to what.
 */
#ifndef NP_CPUSET_FIX_H
#define NP_CPUSET_FIX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/cgroup.h"
#include "lib/cgroup_id.h"

/* `place --cgroup`, config `cgroup_cpuset`: what to do with a cpuset that excludes the node. */
enum np_cgroup_mode {
	NP_CGROUP_KEEP,	  /* leave it: a conflict refuses the placement, with the fix */
	NP_CGROUP_MOVE,	  /* set it to the target node's CPUs and memory node */
	NP_CGROUP_EXTEND, /* add the target node's CPUs and memory node to it */
};

/* "keep", "move", "extend": 0, or -EINVAL for anything else. */
int np_cgroup_mode_parse(const char *text, enum np_cgroup_mode *mode);
const char *np_cgroup_mode_name(enum np_cgroup_mode mode);

/*
 * Whether cg's cpuset (when it was read) leaves node out: none of node_cpus in its CPUs, or
 * node not in its memory nodes. A node partly allowed is no conflict (the plan warns).
 */
bool np_cpuset_conflict(const struct np_cgroup *cg, const struct np_cpuset *node_cpus, int node);

/*
 * The conflict in words: "node 1 (CPUs 2-3) is outside the cpuset of cgroup
 * /system.slice/docker-4f1c6b1d2e3a.scope (CPUs 0-1, memory node 0)".
 */
void np_cpuset_conflict_text(const struct np_cgroup *cg, const struct np_cpuset *node_cpus,
			     int node, char *buf, size_t len);

/*
 * The fix for the runtime in use, one sentence starting with "fix: ", to bring node_cpus
 * and node into the cpuset (docker/podman update, systemctl set-property, the kubelet's
 * Topology Manager, nerdctl/crictl update, else the cgroup's own files), and, where numaplace
 * may do it itself, `numaplace place --cgroup move` beside it.
 */
void np_cpuset_fix(const struct np_cgroup *cg, const struct np_cgroup_id *id,
		   const struct np_cpuset *node_cpus, int node, char *buf, size_t len);

/*
 * Whether numaplace may rewrite cg's cpuset: 0, or -EPERM with why (a kubepods cgroup: the
 * kubelet owns it and would undo it; a cpuset inherited from an ancestor: writing that would
 * bound every other cgroup below it too; no cpuset read; a path too long for the journal).
 */
int np_cpuset_writable(const struct np_cgroup *cg, const struct np_cgroup_id *id, char *why,
		       size_t len);

/*
 * What the cpuset becomes: move, the node's CPUs and the node; extend, the effective cpuset
 * with them added (the effective one: a v2 cpuset.cpus may be empty, meaning the parent's).
 */
void np_cpuset_wanted(enum np_cgroup_mode mode, const struct np_cgroup *cg,
		      const struct np_cpuset *node_cpus, int node, struct np_cpuset *cpus,
		      uint64_t *mems);

#endif
