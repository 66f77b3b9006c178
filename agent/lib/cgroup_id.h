/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Who a process belongs to, read from its cgroup path alone (pure: no file, no syscall): the
 * container runtime and container id, the Kubernetes pod and its QoS class, the systemd unit.
 * Only the path shapes the runtimes really create are recognised (cgroup_id.c names them and
 * where they come from); anything else leaves a field empty ("none"), never a guess.
 */
#ifndef NP_CGROUP_ID_H
#define NP_CGROUP_ID_H

#include <stdbool.h>

enum np_runtime {
	NP_RUNTIME_NONE,
	NP_RUNTIME_DOCKER,
	NP_RUNTIME_CONTAINERD,
	NP_RUNTIME_CRIO,
	NP_RUNTIME_PODMAN,
	/*
	 * The kubelet's cgroupfs driver: a bare container id below the pod's cgroup. The path
	 * does not name the runtime (containerd and cri-dockerd both do this).
	 */
	NP_RUNTIME_CRI,
};

enum np_qos {
	NP_QOS_NONE, /* not a pod, or a kubepods path of a shape not known */
	NP_QOS_GUARANTEED,
	NP_QOS_BURSTABLE,
	NP_QOS_BESTEFFORT,
};

#define NP_CONTAINER_ID_LEN 64	/* the hex ids docker, containerd (CRI), CRI-O and podman use */
#define NP_POD_UID_MAX	    36	/* a UUID with dashes; static pods have 32 hex digits */
#define NP_UNIT_NAME_MAX    255 /* systemd's UNIT_NAME_MAX less its NUL */

struct np_cgroup_id {
	enum np_runtime runtime;
	char container_id[NP_CONTAINER_ID_LEN + 1]; /* "" when not in a container */
	/* the runtime's monitor of that container (conmon), not a process inside it */
	bool monitor;
	/* below a kubepods cgroup: the kubelet owns it, even when the pod is not recognised */
	bool kubepods;
	char pod_uid[NP_POD_UID_MAX + 1]; /* with dashes, as the API shows it; "" when none */
	enum np_qos qos;
	/* the innermost systemd service or scope outside any container; "" when none */
	char unit[NP_UNIT_NAME_MAX + 1];
};

/*
 * Identify a cgroup path as /proc/PID/cgroup shows it ("/system.slice/docker-<id>.scope").
 * Every field is bounded; NULL, "" or a relative path gives all fields empty.
 */
void np_cgroup_identify(const char *path, struct np_cgroup_id *id);

/* "none", "docker", "containerd", "cri-o", "podman", "cri" */
const char *np_runtime_name(enum np_runtime runtime);

/* "none", "guaranteed", "burstable", "besteffort" (the kubelet's spelling) */
const char *np_qos_name(enum np_qos qos);

#endif
