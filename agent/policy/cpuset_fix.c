// SPDX-License-Identifier: GPL-2.0
/*
 * The cpuset conflict and its fix (see cpuset_fix.h). The commands are those each runtime
 * documents for a running container: `docker update` and `podman update` (--cpuset-cpus,
 * --cpuset-mems), `systemctl set-property` (AllowedCPUs=, AllowedMemoryNodes=, systemd 244+),
 * `nerdctl update` for containerd, `crictl update` for CRI-O. Under Kubernetes the kubelet
 * owns the cgroup and rewrites it: only its own CPU and Topology Managers can place a pod.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "policy/cpuset_fix.h"

static const char *const mode_names[] = {
	[NP_CGROUP_KEEP] = "keep",
	[NP_CGROUP_MOVE] = "move",
	[NP_CGROUP_EXTEND] = "extend",
};

int np_cgroup_mode_parse(const char *text, enum np_cgroup_mode *mode)
{
	for (size_t i = 0; i < sizeof(mode_names) / sizeof(mode_names[0]); i++)
		if (text && !strcmp(text, mode_names[i])) {
			*mode = (enum np_cgroup_mode)i;
			return 0;
		}
	return -EINVAL;
}

const char *np_cgroup_mode_name(enum np_cgroup_mode mode)
{
	return mode <= NP_CGROUP_EXTEND ? mode_names[mode] : "?";
}

bool np_cpuset_conflict(const struct np_cgroup *cg, const struct np_cpuset *node_cpus, int node)
{
	bool any_cpu = false;

	if (cg->cpuset_err || node < 0 || node >= 64)
		return false;
	for (size_t w = 0; w < NP_MAX_CPUS / 64; w++)
		any_cpu |= (node_cpus->bits[w] & cg->cpus.bits[w]) != 0;
	return !any_cpu || !(cg->mems & (1ULL << node));
}

/* The hierarchy's path of the cgroup the cpuset was read in ("" when none was). */
static const char *cpuset_path(const struct np_cgroup *cg)
{
	return cg->cpuset_version == NP_CGROUP_V1   ? cg->v1_cpuset
	       : cg->cpuset_version == NP_CGROUP_V2 ? cg->unified
						    : "";
}

static void list_text(const struct np_cpuset *set, char *buf, size_t len)
{
	if (np_cpulist_format(set, buf, len) < 0 || !buf[0])
		snprintf(buf, len, "none");
}

static void nodes_text(uint64_t nodes, char *buf, size_t len)
{
	struct np_cpuset set = { .bits = { nodes } };

	list_text(&set, buf, len);
}

void np_cpuset_conflict_text(const struct np_cgroup *cg, const struct np_cpuset *node_cpus,
			     int node, char *buf, size_t len)
{
	char want[128], cpus[128], mems[64];

	list_text(node_cpus, want, sizeof(want));
	list_text(&cg->cpus, cpus, sizeof(cpus));
	nodes_text(cg->mems, mems, sizeof(mems));
	snprintf(buf, len,
		 "node %d (CPUs %s) is outside the cpuset of cgroup %s%s (CPUs %s, memory "
		 "node%s %s)",
		 node, want, cpuset_path(cg), cg->inherited ? ", set by an ancestor" : "", cpus,
		 __builtin_popcountll(cg->mems) > 1 ? "s" : "", mems);
}

/* The runtime's own command, for a container or unit numaplace knows; false when none. */
static bool runtime_fix(const struct np_cgroup_id *id, const char *cpus, int node, char *buf,
			size_t len)
{
	static const char *const tools[] = {
		[NP_RUNTIME_DOCKER] = "docker",	     [NP_RUNTIME_PODMAN] = "podman",
		[NP_RUNTIME_CONTAINERD] = "nerdctl", [NP_RUNTIME_CRIO] = "crictl",
		[NP_RUNTIME_CRI] = "crictl",
	};

	if (id->container_id[0] && id->runtime != NP_RUNTIME_NONE &&
	    id->runtime < sizeof(tools) / sizeof(tools[0])) {
		snprintf(buf, len, "fix: %s update --cpuset-cpus %s --cpuset-mems %d %.12s",
			 tools[id->runtime], cpus, node, id->container_id);
		return true;
	}
	if (id->unit[0]) {
		snprintf(buf, len,
			 "fix: systemctl set-property %s AllowedCPUs=%s AllowedMemoryNodes=%d",
			 id->unit, cpus, node);
		return true;
	}
	return false;
}

void np_cpuset_fix(const struct np_cgroup *cg, const struct np_cgroup_id *id,
		   const struct np_cpuset *node_cpus, int node, char *buf, size_t len)
{
	char cpus[128], why[160];
	size_t n;

	list_text(node_cpus, cpus, sizeof(cpus));
	if (id->kubepods) {
		char pod[64] = "";

		if (id->pod_uid[0])
			snprintf(pod, sizeof(pod), " (pod %s)", id->pod_uid);
		snprintf(
			buf, len,
			"fix: the kubelet owns this cgroup%s: give the pod Guaranteed QoS (integer "
			"CPU requests equal to limits) and run the kubelet with "
			"--cpu-manager-policy=static and "
			"--topology-manager-policy=single-numa-node, "
			"so that it places the pod on the node of its device; numaplace never "
			"rewrites a kubepods cgroup",
			pod);
		return;
	}
	if (!runtime_fix(id, cpus, node, buf, len))
		snprintf(buf, len, "fix: write %s to %s/cpuset.cpus and %d to %s/cpuset.mems", cpus,
			 cg->cpuset_dir, node, cg->cpuset_dir);
	n = strlen(buf);
	if (!np_cpuset_writable(cg, id, why, sizeof(why)))
		snprintf(buf + n, len - n,
			 "; or let numaplace do it: numaplace place --cgroup move");
}

int np_cpuset_writable(const struct np_cgroup *cg, const struct np_cgroup_id *id, char *why,
		       size_t len)
{
	if (id->kubepods || strstr(cpuset_path(cg), "kubepods")) {
		snprintf(why, len, "the kubelet owns the kubepods cgroup %s and would undo it",
			 cpuset_path(cg)[0] ? cpuset_path(cg) : np_cgroup_id_path(cg));
		return -EPERM;
	}
	if (cg->cpuset_err) {
		snprintf(why, len, "its cpuset could not be read (%s)", strerror(-cg->cpuset_err));
		return -EPERM;
	}
	if (cg->inherited || !strcmp(cpuset_path(cg), "/") || !cpuset_path(cg)[0]) {
		/*
		 * an ancestor's cpuset (or the root's) bounds every other cgroup below it too:
		 * rewriting it would move them all. The process's own cgroup gets a cpuset of its
		 * own only once its parent enables the controller for its children, which moves
		 * every sibling into cpuset accounting: the operator's decision, not numaplace's.
		 */
		snprintf(why, len,
			 "its cpuset is %s's, which bounds every cgroup below it: numaplace "
			 "rewrites "
			 "only the process's own cgroup",
			 cg->cpuset_dir);
		return -EPERM;
	}
	if (strlen(cpuset_path(cg)) >= 256) { /* struct np_change.path */
		snprintf(why, len, "its cgroup path is too long for the journal");
		return -EPERM;
	}
	return 0;
}

void np_cpuset_wanted(enum np_cgroup_mode mode, const struct np_cgroup *cg,
		      const struct np_cpuset *node_cpus, int node, struct np_cpuset *cpus,
		      uint64_t *mems)
{
	*cpus = *node_cpus;
	*mems = node >= 0 && node < 64 ? 1ULL << node : 0;
	if (mode != NP_CGROUP_EXTEND)
		return;
	for (size_t w = 0; w < NP_MAX_CPUS / 64; w++)
		cpus->bits[w] |= cg->cpus.bits[w];
	*mems |= cg->mems;
}
