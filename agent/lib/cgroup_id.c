// SPDX-License-Identifier: GPL-2.0
/*
 * A process's identity from its cgroup path (see cgroup_id.h). The shapes recognised, and where
 * they come from:
 *
 * Containers, one path component each (the id is always 64 lowercase hex digits):
 * - runc's systemd driver makes the transient unit "<prefix>-<id>.scope" (runc docs/systemd.md):
 *   docker "system.slice/docker-<id>.scope" (moby cmd/dockerd/daemon_systemd_unix.go: cgroup
 *   parent "system.slice:docker:"), containerd under the kubelet "cri-containerd-<id>.scope"
 *   and CRI-O "crio-<id>.scope" (kubelet SystemdPathPrefixOfRuntime), podman
 *   "machine.slice/libpod-<id>.scope", nerdctl "nerdctl-<id>.scope".
 * - the runtimes' monitors: podman's "libpod-conmon-<id>.scope" and CRI-O's
 *   "crio-conmon-<id>.scope" hold conmon, not the container (monitor = true).
 * - cgroupfs drivers: docker "/docker/<id>" (moby: cgroup parent "docker"), podman
 *   "/libpod_parent/libpod-<id>", CRI-O "crio-<id>", and below a pod of the kubelet's cgroupfs
 *   driver a bare "<id>" (runtime not named: NP_RUNTIME_CRI).
 * Nested containers (kind: a kubelet inside a docker container) give the innermost.
 *
 * Kubernetes, the kubelet's CgroupName {"kubepods", qos, "pod" + uid} (pkg/kubelet/cm
 * cgroup_manager_linux.go, qos_container_manager_linux.go), Guaranteed pods directly under
 * kubepods:
 * - cgroupfs driver (ToCgroupfs): "/kubepods/burstable/pod<uid>/<id>", "/kubepods/pod<uid>/..".
 * - systemd driver (ToSystemd: '-' in a part becomes '_', parts joined by '-' into nested
 *   slices): "kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod<uid_>.slice/...",
 *   "kubepods.slice/kubepods-pod<uid_>.slice/...". A --cgroup-root adds parts in front
 *   ("kubelet.slice/kubelet-kubepods.slice/..." in kind), which the slice prefix follows.
 * Pod UIDs are UUIDs, or 32 hex digits for static pods (kubelet pkg/kubelet/config/common.go
 * applyDefaults: the md5 of the manifest).
 *
 * The systemd unit: the last component ending in ".service" or ".scope" before any container
 * ("system.slice/vllm.service", "user.slice/user-1000.slice/session-3.scope").
 */
#include <stdio.h>
#include <string.h>

#include "lib/cgroup_id.h"

#define COMP_MAX 255 /* a cgroup directory name is at most NAME_MAX */

static const struct {
	const char *prefix, *suffix;
	enum np_runtime runtime;
	bool monitor;
} shapes[] = {
	{ "docker-", ".scope", NP_RUNTIME_DOCKER, false },
	{ "cri-containerd-", ".scope", NP_RUNTIME_CONTAINERD, false },
	{ "nerdctl-", ".scope", NP_RUNTIME_CONTAINERD, false },
	{ "crio-", ".scope", NP_RUNTIME_CRIO, false },
	{ "crio-conmon-", ".scope", NP_RUNTIME_CRIO, true },
	{ "crio-", "", NP_RUNTIME_CRIO, false },
	{ "libpod-", ".scope", NP_RUNTIME_PODMAN, false },
	{ "libpod-conmon-", ".scope", NP_RUNTIME_PODMAN, true },
	{ "libpod-", "", NP_RUNTIME_PODMAN, false },
};

/* Where the walk is in a kubepods path. */
enum kube_stage { KUBE_LOOK, KUBE_QOS, KUBE_POD, KUBE_CONTAINER, KUBE_DONE };

struct walk {
	enum kube_stage stage;
	bool systemd;		 /* the kubelet's systemd driver: slices named by prefix */
	char base[COMP_MAX + 1]; /* systemd: the slice name so far, "kubepods-burstable" */
	bool in_container;
	char parent[COMP_MAX + 1];
};

static bool is_hex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

static bool is_container_id(const char *s, size_t n)
{
	return n == NP_CONTAINER_ID_LEN && is_hex(s, n);
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcmp(s + n - m, suffix);
}

/* s is prefix + an id + suffix: the id's length, or 0 when s is not. */
static size_t strip(const char *s, const char *prefix, const char *suffix, const char **idp)
{
	size_t n = strlen(s), p = strlen(prefix), q = strlen(suffix);

	if (n <= p + q || strncmp(s, prefix, p) || !ends_with(s, suffix))
		return 0;
	*idp = s + p;
	return n - p - q;
}

/* 8-4-4-4-12 lowercase hex with dashes, or 32 hex digits; sep is '-' or the systemd '_'. */
static bool pod_uid(const char *s, size_t n, char sep, char *out)
{
	char uid[NP_POD_UID_MAX + 1];

	if (n == 32 && is_hex(s, n)) {
		memcpy(out, s, n);
		out[n] = '\0';
		return true;
	}
	if (n != NP_POD_UID_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;

		if (dash ? s[i] != sep : !is_hex(s + i, 1))
			return false;
		uid[i] = dash ? '-' : s[i];
	}
	uid[n] = '\0';
	memcpy(out, uid, n + 1);
	return true;
}

/* A container component: runtime and id filled in. */
static bool container(const char *comp, const struct walk *w, struct np_cgroup_id *id)
{
	const char *hex;
	size_t n;

	for (size_t i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++) {
		n = strip(comp, shapes[i].prefix, shapes[i].suffix, &hex);
		if (n && is_container_id(hex, n)) {
			id->runtime = shapes[i].runtime;
			id->monitor = shapes[i].monitor;
			memcpy(id->container_id, hex, n);
			id->container_id[n] = '\0';
			return true;
		}
	}
	n = strlen(comp);
	if (!is_container_id(comp, n))
		return false;
	if (w->stage == KUBE_CONTAINER)
		id->runtime = NP_RUNTIME_CRI;
	else if (!strcmp(w->parent, "docker"))
		id->runtime = NP_RUNTIME_DOCKER;
	else
		return false;
	id->monitor = false;
	memcpy(id->container_id, comp, n + 1);
	return true;
}

/* comp is base + "-" + part + ".slice" (systemd) or part itself (cgroupfs). */
static bool kube_part(const struct walk *w, const char *comp, const char *part)
{
	char want[2 * COMP_MAX + 16];

	if (!w->systemd)
		return !strcmp(comp, part);
	snprintf(want, sizeof(want), "%s-%s.slice", w->base, part);
	return !strcmp(comp, want);
}

/* The pod component: "pod<uid>" (cgroupfs) or "<base>-pod<uid_>.slice" (systemd). */
static bool kube_pod(const struct walk *w, const char *comp, struct np_cgroup_id *id)
{
	char prefix[COMP_MAX + 8];
	const char *uid;
	size_t n;

	if (!w->systemd) {
		n = strip(comp, "pod", "", &uid);
		return n && pod_uid(uid, n, '-', id->pod_uid);
	}
	snprintf(prefix, sizeof(prefix), "%s-pod", w->base);
	n = strip(comp, prefix, ".slice", &uid);
	return n && pod_uid(uid, n, '_', id->pod_uid);
}

static void kube_qos(struct walk *w, const char *comp, struct np_cgroup_id *id)
{
	static const struct {
		const char *name;
		enum np_qos qos;
	} classes[] = { { "burstable", NP_QOS_BURSTABLE }, { "besteffort", NP_QOS_BESTEFFORT } };

	for (size_t i = 0; i < sizeof(classes) / sizeof(classes[0]); i++) {
		if (kube_part(w, comp, classes[i].name)) {
			id->qos = classes[i].qos;
			if (w->systemd)
				snprintf(w->base + strlen(w->base),
					 sizeof(w->base) - strlen(w->base), "-%s", classes[i].name);
			w->stage = KUBE_POD;
			return;
		}
	}
	if (kube_pod(w, comp, id)) {
		id->qos = NP_QOS_GUARANTEED;
		w->stage = KUBE_CONTAINER;
		return;
	}
	w->stage = KUBE_DONE;
}

/* "kubepods" (cgroupfs) or "kubepods.slice", "<root>-kubepods.slice" (systemd). */
static bool kube_root(struct walk *w, const char *comp)
{
	size_t n = strlen(comp);

	if (!strcmp(comp, "kubepods")) {
		w->systemd = false;
		return true;
	}
	if (!ends_with(comp, "kubepods.slice") || (n > 14 && comp[n - 15] != '-'))
		return false;
	w->systemd = true;
	memcpy(w->base, comp, n - 6);
	w->base[n - 6] = '\0';
	return true;
}

static void kube_step(struct walk *w, const char *comp, struct np_cgroup_id *id)
{
	switch (w->stage) {
	case KUBE_LOOK:
		if (kube_root(w, comp)) {
			id->kubepods = true;
			w->stage = KUBE_QOS;
		}
		break;
	case KUBE_QOS:
		kube_qos(w, comp, id);
		break;
	case KUBE_POD:
		w->stage = kube_pod(w, comp, id) ? KUBE_CONTAINER : KUBE_DONE;
		break;
	case KUBE_CONTAINER: /* the container itself, or whatever lies below the pod */
	case KUBE_DONE:
		w->stage = KUBE_DONE;
		break;
	}
}

static bool unit_name(const char *comp)
{
	if (!ends_with(comp, ".service") && !ends_with(comp, ".scope"))
		return false;
	for (const char *c = comp; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		      (*c >= '0' && *c <= '9') || strchr(":-_.\\@", *c)))
			return false;
	return comp[0] != '.';
}

static void step(struct walk *w, const char *comp, struct np_cgroup_id *id)
{
	if (container(comp, w, id))
		w->in_container = true;
	else if (!w->in_container && unit_name(comp))
		snprintf(id->unit, sizeof(id->unit), "%s", comp);
	kube_step(w, comp, id);
	snprintf(w->parent, sizeof(w->parent), "%s", comp);
}

void np_cgroup_identify(const char *path, struct np_cgroup_id *id)
{
	struct walk w = { .stage = KUBE_LOOK };
	char comp[COMP_MAX + 1];

	memset(id, 0, sizeof(*id));
	if (!path || path[0] != '/')
		return;
	for (const char *p = path + 1; *p;) {
		size_t n = strcspn(p, "/");
		/* no shape is longer: such a component (or an empty one) is an unknown one */
		size_t keep = n > COMP_MAX ? 0 : n;

		memcpy(comp, p, keep);
		comp[keep] = '\0';
		step(&w, comp, id);
		p += n;
		if (*p == '/')
			p++;
	}
}

const char *np_runtime_name(enum np_runtime runtime)
{
	static const char *const names[] = { "none",  "docker", "containerd",
					     "cri-o", "podman", "cri" };

	return (unsigned)runtime < sizeof(names) / sizeof(names[0]) ? names[runtime] : "none";
}

const char *np_qos_name(enum np_qos qos)
{
	static const char *const names[] = { "none", "guaranteed", "burstable", "besteffort" };

	return (unsigned)qos < sizeof(names) / sizeof(names[0]) ? names[qos] : "none";
}
