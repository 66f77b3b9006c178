// SPDX-License-Identifier: GPL-2.0
/*
 * A process's cgroups (lib/cgroup.c) and identity (lib/cgroup_id.c) on a fixture root: the
 * input holds, cut at "\n@@\n", /proc/1/cgroup, /proc/self/mountinfo, the cpuset.cpus.effective
 * and cpuset.mems.effective of /sys/fs/cgroup/a (v2 names) and cpuset.cpus of
 * /sys/fs/cgroup/cpuset/a (v1), and a cgroup path of its own. Whatever the kernel shows (or a
 * cgroup name forges), the readers return an error or fields within bounds, and the identity
 * is one of the shapes or empty.
 */
#include "fuzz.h" /* first: it sets _GNU_SOURCE */

#include <sys/stat.h>

#include "lib/cgroup.h"
#include "lib/cgroup_id.h"

static char root[96];

static void mkdirs(const char *rel)
{
	fuzz_mkdirs(root, rel);
}

static void put(const char *rel, const uint8_t *data, size_t size)
{
	fuzz_put(root, rel, data, size);
}

static bool terminated(const char *s, size_t size)
{
	return memchr(s, '\0', size) != NULL;
}

static bool hex(const char *s)
{
	for (; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f') || *s == '-'))
			return false;
	return true;
}

static void check_id(const char *path)
{
	struct np_cgroup_id id;
	size_t n;

	np_cgroup_identify(path, &id);
	FUZZ_CHECK(terminated(id.container_id, sizeof(id.container_id)), "id unterminated");
	FUZZ_CHECK(terminated(id.pod_uid, sizeof(id.pod_uid)), "pod unterminated");
	FUZZ_CHECK(terminated(id.unit, sizeof(id.unit)), "unit unterminated");
	n = strlen(id.container_id);
	FUZZ_CHECK((n == 0) == (id.runtime == NP_RUNTIME_NONE), "runtime %d, id %zu", id.runtime,
		   n);
	FUZZ_CHECK(n == 0 || (n == NP_CONTAINER_ID_LEN && hex(id.container_id)), "id \"%s\"",
		   id.container_id);
	FUZZ_CHECK(!id.monitor || n, "a monitor without a container");
	n = strlen(id.pod_uid);
	FUZZ_CHECK((n == 0 || n == 32 || n == 36) && hex(id.pod_uid), "pod \"%s\"", id.pod_uid);
	FUZZ_CHECK(!n || id.kubepods, "a pod outside kubepods");
	FUZZ_CHECK(id.qos <= NP_QOS_BESTEFFORT && (id.qos == NP_QOS_NONE || id.kubepods), "qos %d",
		   id.qos);
	n = strlen(id.unit);
	FUZZ_CHECK(n == 0 ||
			   (n >= 6 && (strstr(id.unit, ".service") || strstr(id.unit, ".scope")) &&
			    !strchr(id.unit, '/')),
		   "unit \"%s\"", id.unit);
	FUZZ_CHECK(strcmp(np_runtime_name(id.runtime), "") && strcmp(np_qos_name(id.qos), ""),
		   "no name");
}

static void check_cgroup(const struct np_cgroup *cg)
{
	FUZZ_CHECK(cg->version <= NP_CGROUP_HYBRID, "version %d", cg->version);
	FUZZ_CHECK(terminated(cg->unified, sizeof(cg->unified)) &&
			   terminated(cg->v1_cpuset, sizeof(cg->v1_cpuset)) &&
			   terminated(cg->v1_systemd, sizeof(cg->v1_systemd)) &&
			   terminated(cg->cpuset_dir, sizeof(cg->cpuset_dir)),
		   "a path unterminated");
	FUZZ_CHECK(cg->cpuset_err <= 0, "cpuset_err %d", cg->cpuset_err);
	if (cg->cpuset_err) {
		FUZZ_CHECK(!cg->cpuset_dir[0] && !cg->bounded && !cg->mems, "error with a cpuset");
		return;
	}
	FUZZ_CHECK(cg->cpuset_version == NP_CGROUP_V1 || cg->cpuset_version == NP_CGROUP_V2,
		   "cpuset version %d", cg->cpuset_version);
	/* the path read came from the file and never walks up out of its mount */
	FUZZ_CHECK(!strstr(cg->cpuset_dir, "/../") && !strstr(cg->cpuset_dir, "//"), "dir \"%s\"",
		   cg->cpuset_dir);
	check_id(np_cgroup_id_path(cg));
}

static void setup(void)
{
	snprintf(root, sizeof(root), "%s/root", fuzz_scratch_dir());
	mkdirs("/proc/1");
	mkdirs("/proc/self");
	mkdirs("/sys/fs/cgroup/a/b");
	mkdirs("/sys/fs/cgroup/cpuset/a");
	put("/sys/fs/cgroup/cpuset/a/cpuset.mems", (const uint8_t *)"0\n", 2);
	put("/sys/fs/cgroup/cpuset/cpuset.cpus", (const uint8_t *)"0-3\n", 4);
	put("/sys/fs/cgroup/cpuset/cpuset.mems", (const uint8_t *)"0-1\n", 4);
	put("/sys/fs/cgroup/cpuset.cpus.effective", (const uint8_t *)"0-3\n", 4);
	put("/sys/fs/cgroup/cpuset.mems.effective", (const uint8_t *)"0-1\n", 4);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const files[] = { "/proc/1/cgroup", "/proc/self/mountinfo",
					     "/sys/fs/cgroup/a/cpuset.cpus.effective",
					     "/sys/fs/cgroup/a/cpuset.mems.effective",
					     "/sys/fs/cgroup/cpuset/a/cpuset.cpus" };
	struct np_cgroup *cg = malloc(sizeof(*cg));
	const uint8_t *piece;
	size_t len;
	char *path;
	int err;

	if (!root[0])
		setup();
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		fuzz_piece(data, size, (int)i, &piece, &len);
		put(files[i], piece, len);
	}
	err = np_cgroup_read(root, 1, cg);
	FUZZ_CHECK(err <= 0, "read: %d", err);
	if (!err) {
		check_cgroup(cg);
		check_id(cg->unified);
		check_id(cg->v1_cpuset);
	}
	fuzz_piece(data, size, 5, &piece, &len);
	path = fuzz_cstr(piece, len);
	check_id(path);
	free(path);
	free(cg);
	return 0;
}
