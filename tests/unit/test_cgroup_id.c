// SPDX-License-Identifier: GPL-2.0
/*
 * Identity from a cgroup path (lib/cgroup_id.c), table-driven: every shape cgroup_id.c names,
 * the near misses that must give "none", and bounds.
 */
#include <stdlib.h>
#include <string.h>

#include "lib/cgroup_id.h"
#include "test.h"

#define ID	   "4f1c6b1d2e3a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9a0b1c2d3e"
#define ID2	   "a1b2c3d4e5f60718293a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e"
#define UID	   "0f7c3a52-9d1e-4b6a-8c2d-5e4f3a2b1c0d"
#define UID_	   "0f7c3a52_9d1e_4b6a_8c2d_5e4f3a2b1c0d"
#define STATIC_UID "6d0c1e4b8f2a9c3d7e5f1a0b2c4d6e8f" /* a static pod: md5 hex */

static const struct {
	const char *path;
	enum np_runtime runtime;
	const char *id;
	bool monitor, kubepods;
	const char *pod;
	enum np_qos qos;
	const char *unit;
} cases[] = {
	/* not containers */
	{ "/", NP_RUNTIME_NONE, "", false, false, "", NP_QOS_NONE, "" },
	{ "", NP_RUNTIME_NONE, "", false, false, "", NP_QOS_NONE, "" },
	{ "system.slice/x.service", NP_RUNTIME_NONE, "", false, false, "", NP_QOS_NONE, "" },
	{ "/system.slice/vllm.service", 0, "", false, false, "", 0, "vllm.service" },
	{ "/system.slice/vllm.service/workers", 0, "", false, false, "", 0, "vllm.service" },
	{ "/init.scope", 0, "", false, false, "", 0, "init.scope" },
	{ "/user.slice/user-1000.slice/session-3.scope", 0, "", false, false, "", 0,
	  "session-3.scope" },
	{ "/user.slice/user-1000.slice/user@1000.service/app.slice/ollama.service", 0, "", false,
	  false, "", 0, "ollama.service" },
	{ "/machine.slice/machine-qemu\\x2d1\\x2dvm.scope", 0, "", false, false, "", 0,
	  "machine-qemu\\x2d1\\x2dvm.scope" },
	{ "/system.slice/docker.service", 0, "", false, false, "", 0, "docker.service" },
	{ "/system.slice/bad name.service", 0, "", false, false, "", 0, "" },
	{ "/system.slice/.service", 0, "", false, false, "", 0, "" },
	{ "/system.slice", 0, "", false, false, "", 0, "" },
	/* docker: systemd driver, cgroupfs driver, rootless */
	{ "/system.slice/docker-" ID ".scope", NP_RUNTIME_DOCKER, ID, false, false, "", 0, "" },
	{ "/docker/" ID, NP_RUNTIME_DOCKER, ID, false, false, "", 0, "" },
	{ "/user.slice/user-1000.slice/user@1000.service/user.slice/docker-" ID ".scope",
	  NP_RUNTIME_DOCKER, ID, false, false, "", 0, "user@1000.service" },
	/* systemd inside the container: its units are not the process's unit */
	{ "/system.slice/docker-" ID ".scope/system.slice/nginx.service", NP_RUNTIME_DOCKER, ID,
	  false, false, "", 0, "" },
	/* near misses: long, upper case (still systemd scopes), no .scope, not below "docker" */
	{ "/system.slice/docker-" ID "0.scope", 0, "", false, false, "", 0,
	  "docker-" ID "0.scope" },
	{ "/system.slice/"
	  "docker-4F1C6B1D2E3A4B5C6D7E8F90A1B2C3D4E5F60718293A4B5C6D7E8F9A0B1C2D3E.scope",
	  0, "", false, false, "", 0,
	  "docker-4F1C6B1D2E3A4B5C6D7E8F90A1B2C3D4E5F60718293A4B5C6D7E8F9A0B1C2D3E.scope" },
	{ "/system.slice/docker-" ID, 0, "", false, false, "", 0, "" },
	{ "/system.slice/docker-" ID ".mount", 0, "", false, false, "", 0, "" },
	{ "/" ID, 0, "", false, false, "", 0, "" },
	{ "/docker/buildkit", 0, "", false, false, "", 0, "" },
	/* podman, CRI-O, containerd, nerdctl */
	{ "/machine.slice/libpod-" ID ".scope", NP_RUNTIME_PODMAN, ID, false, false, "", 0, "" },
	{ "/machine.slice/libpod-" ID ".scope/container", NP_RUNTIME_PODMAN, ID, false, false, "",
	  0, "" },
	{ "/machine.slice/libpod-conmon-" ID ".scope", NP_RUNTIME_PODMAN, ID, true, false, "", 0,
	  "" },
	{ "/libpod_parent/libpod-" ID, NP_RUNTIME_PODMAN, ID, false, false, "", 0, "" },
	{ "/libpod_parent/conmon", 0, "", false, false, "", 0, "" },
	{ "/system.slice/crio-" ID ".scope", NP_RUNTIME_CRIO, ID, false, false, "", 0, "" },
	{ "/system.slice/crio-conmon-" ID ".scope", NP_RUNTIME_CRIO, ID, true, false, "", 0, "" },
	{ "/system.slice/cri-containerd-" ID ".scope", NP_RUNTIME_CONTAINERD, ID, false, false, "",
	  0, "" },
	{ "/nerdctl.slice/nerdctl-" ID ".scope", NP_RUNTIME_CONTAINERD, ID, false, false, "", 0,
	  "" },
	/* Kubernetes, systemd driver */
	{ "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" UID_
	  ".slice/cri-containerd-" ID ".scope",
	  NP_RUNTIME_CONTAINERD, ID, false, true, UID, NP_QOS_BURSTABLE, "" },
	{ "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" UID_ ".slice/crio-" ID
	  ".scope",
	  NP_RUNTIME_CRIO, ID, false, true, UID, NP_QOS_BESTEFFORT, "" },
	{ "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" UID_ ".slice/crio-" ID
	  ".scope/container",
	  NP_RUNTIME_CRIO, ID, false, true, UID, NP_QOS_BESTEFFORT, "" },
	{ "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" UID_
	  ".slice/crio-conmon-" ID ".scope",
	  NP_RUNTIME_CRIO, ID, true, true, UID, NP_QOS_BESTEFFORT, "" },
	{ "/kubepods.slice/kubepods-pod" UID_ ".slice/cri-containerd-" ID ".scope",
	  NP_RUNTIME_CONTAINERD, ID, false, true, UID, NP_QOS_GUARANTEED, "" },
	{ "/kubepods.slice/kubepods-pod" STATIC_UID ".slice/cri-containerd-" ID ".scope",
	  NP_RUNTIME_CONTAINERD, ID, false, true, STATIC_UID, NP_QOS_GUARANTEED, "" },
	{ "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" UID_ ".slice", 0, "",
	  false, true, UID, NP_QOS_BURSTABLE, "" },
	{ "/kubepods.slice/kubepods-burstable.slice", 0, "", false, true, "", NP_QOS_BURSTABLE,
	  "" },
	{ "/kubepods.slice", 0, "", false, true, "", NP_QOS_NONE, "" },
	/* --cgroup-root /kubelet (kind), inside the kind node's own docker container */
	{ "/system.slice/docker-" ID2 ".scope/kubelet.slice/kubelet-kubepods.slice/"
	  "kubelet-kubepods-burstable.slice/kubelet-kubepods-burstable-pod" UID_
	  ".slice/cri-containerd-" ID ".scope",
	  NP_RUNTIME_CONTAINERD, ID, false, true, UID, NP_QOS_BURSTABLE, "" },
	/* systemd driver near misses: a dash in the uid, the QoS slice of another prefix */
	{ "/kubepods.slice/kubepods-pod" UID ".slice/cri-containerd-" ID ".scope",
	  NP_RUNTIME_CONTAINERD, ID, false, true, "", NP_QOS_NONE, "" },
	{ "/kubepods.slice/other-burstable.slice/kubepods-burstable-pod" UID_ ".slice", 0, "",
	  false, true, "", NP_QOS_NONE, "" },
	{ "/mykubepods.slice/mykubepods-pod" UID_ ".slice", 0, "", false, false, "", 0, "" },
	/* Kubernetes, cgroupfs driver */
	{ "/kubepods/burstable/pod" UID "/" ID, NP_RUNTIME_CRI, ID, false, true, UID,
	  NP_QOS_BURSTABLE, "" },
	{ "/kubepods/besteffort/pod" UID "/" ID, NP_RUNTIME_CRI, ID, false, true, UID,
	  NP_QOS_BESTEFFORT, "" },
	{ "/kubepods/pod" UID "/" ID, NP_RUNTIME_CRI, ID, false, true, UID, NP_QOS_GUARANTEED, "" },
	{ "/kubepods/pod" UID "/crio-" ID, NP_RUNTIME_CRIO, ID, false, true, UID, NP_QOS_GUARANTEED,
	  "" },
	{ "/kubelet/kubepods/burstable/pod" UID "/" ID, NP_RUNTIME_CRI, ID, false, true, UID,
	  NP_QOS_BURSTABLE, "" },
	{ "/kubepods/burstable/pod" UID, 0, "", false, true, UID, NP_QOS_BURSTABLE, "" },
	/* a bare id is a container only right below the pod */
	{ "/kubepods/burstable/pod" UID "/x/" ID, 0, "", false, true, UID, NP_QOS_BURSTABLE, "" },
	{ "/kubepods/burstable/pod" UID_ "/" ID, 0, "", false, true, "", NP_QOS_BURSTABLE, "" },
	{ "/kubepods/guaranteed/pod" UID "/" ID, 0, "", false, true, "", NP_QOS_NONE, "" },
	{ "/kubepods/podnot-a-uid/" ID, 0, "", false, true, "", NP_QOS_NONE, "" },
	{ "/kubepods/pod0F7C3A52-9D1E-4B6A-8C2D-5E4F3A2B1C0D/" ID, 0, "", false, true, "",
	  NP_QOS_NONE, "" },
	{ "/kubepods/pod" UID "0/" ID, 0, "", false, true, "", NP_QOS_NONE, "" },
	/* seen from another cgroup namespace */
	{ "/../../system.slice/docker-" ID ".scope", NP_RUNTIME_DOCKER, ID, false, false, "", 0,
	  "" },
	/* empty components do not join others */
	{ "/kubepods//pod" UID "/" ID, 0, "", false, true, "", NP_QOS_NONE, "" },
};

TEST(cgroup_identify_table)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct np_cgroup_id id;

		np_cgroup_identify(cases[i].path, &id);
		if (id.runtime != cases[i].runtime || strcmp(id.container_id, cases[i].id) ||
		    id.monitor != cases[i].monitor || id.kubepods != cases[i].kubepods ||
		    strcmp(id.pod_uid, cases[i].pod) || id.qos != cases[i].qos ||
		    strcmp(id.unit, cases[i].unit))
			np_test_fail(__FILE__, __LINE__,
				     "%zu \"%s\": runtime %s id \"%s\" monitor %d kubepods %d pod "
				     "\"%s\" qos %s unit \"%s\"",
				     i, cases[i].path, np_runtime_name(id.runtime), id.container_id,
				     id.monitor, id.kubepods, id.pod_uid, np_qos_name(id.qos),
				     id.unit);
	}
}

TEST(cgroup_identify_bounds)
{
	struct np_cgroup_id id;
	char *path = malloc(70000);

	np_cgroup_identify(NULL, &id);
	CHECK_INT(id.runtime, NP_RUNTIME_NONE);
	/* a component longer than NAME_MAX ending like a unit is no unit */
	path[0] = '/';
	memset(path + 1, 'a', 69990);
	strcpy(path + 69991, ".service");
	np_cgroup_identify(path, &id);
	CHECK_STR(id.unit, "");
	/* the longest unit name fits; one more character is no unit */
	memset(path + 1, 'a', 247);
	strcpy(path + 248, ".service");
	np_cgroup_identify(path, &id);
	CHECK_INT(strlen(id.unit), 255);
	memset(path + 1, 'a', 248);
	strcpy(path + 249, ".service");
	np_cgroup_identify(path, &id);
	CHECK_STR(id.unit, "");
	free(path);
	CHECK_STR(np_runtime_name(NP_RUNTIME_CRIO), "cri-o");
	CHECK_STR(np_runtime_name((enum np_runtime)99), "none");
	CHECK_STR(np_qos_name(NP_QOS_BESTEFFORT), "besteffort");
	CHECK_STR(np_qos_name((enum np_qos) - 1), "none");
}
