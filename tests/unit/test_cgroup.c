// SPDX-License-Identifier: GPL-2.0
/*
 * A process's cgroups (lib/cgroup.c) on the fixture trees of mkfixtures.sh (cgroup-*): v2, v1,
 * hybrid, the kubelet's two drivers, an escaped mount point; np_proc_cpuset through it; the
 * parser of /proc/PID/cgroup on its own; and this host's real /proc, whatever it has.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/cgroup.h"
#include "lib/cgroup_id.h"
#include "lib/procfs.h"
#include "lib/sysfs.h"
#include "test.h"

#define DOCKER_ID "4f1c6b1d2e3a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9a0b1c2d3e"
#define CTR_ID	  "a1b2c3d4e5f60718293a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e"
#define POD_UID	  "0f7c3a52-9d1e-4b6a-8c2d-5e4f3a2b1c0d"

static struct np_cgroup cg;

static int read_in(const char *tree, pid_t pid)
{
	char root[PATH_MAX];

	snprintf(root, sizeof(root), "%s/%s", np_test_fixtures(), tree);
	return np_cgroup_read(root, pid, &cg);
}

static const char *cpus_text(const struct np_cpuset *set)
{
	static char buf[NP_CPULIST_MAX];

	return np_cpulist_format(set, buf, sizeof(buf)) < 0 ? "?" : buf;
}

TEST(cgroup_v2_docker_scope_bound_to_node_0)
{
	CHECK_INT(read_in("cgroup-v2", 100), 0);
	CHECK_INT(cg.version, NP_CGROUP_V2);
	CHECK_STR(cg.unified, "/system.slice/docker-" DOCKER_ID ".scope");
	CHECK_STR(cg.v1_cpuset, "");
	CHECK_INT(cg.cpuset_err, 0);
	CHECK_INT(cg.cpuset_version, NP_CGROUP_V2);
	CHECK_STR(cg.cpuset_dir, "/sys/fs/cgroup/system.slice/docker-" DOCKER_ID ".scope");
	CHECK(!cg.inherited);
	CHECK(cg.bounded);
	CHECK_STR(cpus_text(&cg.cpus), "0-1");
	CHECK_INT(cg.mems, 0x1);
	CHECK_STR(np_cgroup_id_path(&cg), cg.unified);
}

TEST(cgroup_v2_inherited_and_root_do_not_bound)
{
	/* vllm.service has no cpuset files: system.slice's decide, the same as the root's */
	CHECK_INT(read_in("cgroup-v2", 101), 0);
	CHECK_INT(cg.cpuset_err, 0);
	CHECK_STR(cg.cpuset_dir, "/sys/fs/cgroup/system.slice");
	CHECK(cg.inherited);
	CHECK(!cg.bounded);
	CHECK_STR(cpus_text(&cg.cpus), "0-3");
	CHECK_INT(cg.mems, 0x3);
	CHECK_INT(read_in("cgroup-v2", 102), 0);
	CHECK_INT(cg.cpuset_err, 0);
	CHECK_STR(cg.cpuset_dir, "/sys/fs/cgroup");
	CHECK(!cg.bounded && !cg.inherited);
}

TEST(cgroup_v2_other_namespace_is_not_walked_into)
{
	CHECK_INT(read_in("cgroup-v2", 103), 0);
	CHECK_STR(cg.unified, "/../../system.slice/other.service");
	CHECK_INT(cg.cpuset_err, -EXDEV);
	CHECK_STR(cg.cpuset_dir, "");
	CHECK_INT(read_in("cgroup-v2", 999), -ESRCH);
}

TEST(cgroup_v1_cpuset_confined_to_one_cpu)
{
	CHECK_INT(read_in("cgroup-v1", 200), 0);
	CHECK_INT(cg.version, NP_CGROUP_V1);
	CHECK_STR(cg.unified, "");
	CHECK_STR(cg.v1_cpuset, "/pinned");
	CHECK_STR(cg.v1_systemd, "/system.slice/llm.service");
	CHECK_STR(np_cgroup_id_path(&cg), "/system.slice/llm.service");
	CHECK_INT(cg.cpuset_err, 0);
	CHECK_INT(cg.cpuset_version, NP_CGROUP_V1);
	CHECK_STR(cg.cpuset_dir, "/sys/fs/cgroup/cpuset/pinned");
	CHECK(cg.bounded);
	CHECK_STR(cpus_text(&cg.cpus), "0");
	CHECK_INT(cg.mems, 0x1);
}

TEST(cgroup_v1_effective_files_win_and_root_is_all)
{
	/* cpuset.cpus says 0-3, cpuset.effective_cpus 2-3: the effective ones are used */
	CHECK_INT(read_in("cgroup-v1", 201), 0);
	CHECK_STR(cpus_text(&cg.cpus), "2-3");
	CHECK_INT(cg.mems, 0x2);
	CHECK(cg.bounded);
	CHECK_INT(read_in("cgroup-v1", 202), 0);
	CHECK_STR(cg.cpuset_dir, "/sys/fs/cgroup/cpuset");
	CHECK_STR(cpus_text(&cg.cpus), "0-3");
	CHECK_INT(cg.mems, 0x3);
	CHECK(!cg.bounded);
}

TEST(cgroup_hybrid_reads_the_v1_cpuset)
{
	CHECK_INT(read_in("cgroup-hybrid", 300), 0);
	CHECK_INT(cg.version, NP_CGROUP_HYBRID);
	CHECK_STR(cg.unified, "/docker/" DOCKER_ID);
	CHECK_STR(cg.v1_cpuset, "/docker/" DOCKER_ID);
	CHECK_INT(cg.cpuset_version, NP_CGROUP_V1);
	CHECK_STR(cg.cpuset_dir, "/sys/fs/cgroup/cpuset/docker/" DOCKER_ID);
	CHECK_STR(cpus_text(&cg.cpus), "2-3");
	CHECK_INT(cg.mems, 0x2);
	CHECK(cg.bounded);
}

TEST(cgroup_kubepods_drivers)
{
	CHECK_INT(read_in("cgroup-kube-systemd", 400), 0);
	CHECK_INT(cg.cpuset_err, 0);
	CHECK(cg.inherited && cg.bounded);
	CHECK_STR(cg.cpuset_dir, "/sys/fs/cgroup/kubepods.slice/kubepods-pod"
				 "0f7c3a52_9d1e_4b6a_8c2d_5e4f3a2b1c0d.slice");
	CHECK_STR(cpus_text(&cg.cpus), "2-3");
	/* the burstable pod's slice does not exist: the root decides */
	CHECK_INT(read_in("cgroup-kube-systemd", 401), 0);
	CHECK_STR(cg.cpuset_dir, "/sys/fs/cgroup");
	CHECK(!cg.bounded);
	CHECK_INT(read_in("cgroup-kube-cgroupfs", 500), 0);
	CHECK_INT(cg.version, NP_CGROUP_V1);
	CHECK_STR(cg.cpuset_dir,
		  "/sys/fs/cgroup/cpuset/kubepods/besteffort/pod" POD_UID "/" CTR_ID);
	CHECK(!cg.bounded); /* the same CPUs and nodes as the root */
}

TEST(cgroup_mount_point_escaped_and_long_lines_skipped)
{
	char root[PATH_MAX];
	struct np_cgroup_mount m;

	CHECK_INT(read_in("cgroup-escaped", 600), 0);
	CHECK_INT(cg.cpuset_err, 0);
	CHECK_STR(cg.cpuset_dir, "/run/cg v2/app.slice/a.service");
	CHECK_STR(cpus_text(&cg.cpus), "1");
	CHECK(cg.bounded);
	snprintf(root, sizeof(root), "%s/cgroup-escaped", np_test_fixtures());
	CHECK_INT(np_cgroup_mount_find(root, false, "/other/x", &m), 0);
	CHECK_STR(m.point, "/mnt/other");
	CHECK_INT(np_cgroup_mount_find(root, true, "/", &m), -ENOENT);
}

TEST(cgroup_proc_cpuset_reads_v1_too)
{
	char root[PATH_MAX];
	struct np_cpuset cpus = { { 0 } };

	/* before lib/cgroup.c, np_proc_cpuset read only "0::/" files: v1 gave -ENOENT */
	snprintf(root, sizeof(root), "%s/cgroup-v1", np_test_fixtures());
	CHECK_INT(np_proc_cpuset(root, 200, &cpus), 0);
	CHECK_STR(cpus_text(&cpus), "0");
	snprintf(root, sizeof(root), "%s/cgroup-hybrid", np_test_fixtures());
	CHECK_INT(np_proc_cpuset(root, 300, &cpus), 0);
	CHECK_STR(cpus_text(&cpus), "2-3");
	snprintf(root, sizeof(root), "%s/cgroup-v2", np_test_fixtures());
	CHECK_INT(np_proc_cpuset(root, 100, &cpus), 0);
	CHECK_STR(cpus_text(&cpus), "0-1");
	/* "/../../x" (another cgroup namespace): before, read below the root's parent */
	CHECK_INT(np_proc_cpuset(root, 103, &cpus), -ENOENT);
	CHECK_INT(np_proc_cpuset(root, 999, &cpus), -ESRCH);
}

TEST(cgroup_parse_lines)
{
	static const struct {
		const char *text;
		int err;
		enum np_cgroup_version version;
	} cases[] = {
		{ "", 0, NP_CGROUP_NONE },
		{ "0::/\n", 0, NP_CGROUP_V2 },
		{ "0::/a:b\n", 0, NP_CGROUP_V2 }, /* a ':' in a cgroup name */
		{ "3:cpuset:/x\n1:name=systemd:/y\n", 0, NP_CGROUP_V1 },
		{ "3:cpu,cpuset,memory:/x\n0::/y", 0, NP_CGROUP_HYBRID },
		{ "0::/a\n0::/b\n", -EINVAL, 0 }, /* a forged second line */
		{ "3:cpuset:/a\n4:cpuset:/b\n", -EINVAL, 0 },
		{ "0:cpuset:/a\n", -EINVAL, 0 },
		{ "0::a\n", -EINVAL, 0 },
		{ "0::\n", -EINVAL, 0 },
		{ "x::/\n", -EINVAL, 0 },
		{ "::/\n", -EINVAL, 0 },
		{ "12345678901::/\n", -EINVAL, 0 },
		{ "0::/\n\n0::/", -EINVAL, 0 },
		{ "0:/\n", -EINVAL, 0 },
	};
	struct np_cgroup *c = malloc(sizeof(*c));
	char *longpath = malloc(NP_CGROUP_PATH_MAX + 8);

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int err = np_cgroup_parse(cases[i].text, c);

		if (err != cases[i].err)
			np_test_fail(__FILE__, __LINE__, "\"%s\": %d, expected %d", cases[i].text,
				     err, cases[i].err);
		else if (!err && c->version != cases[i].version)
			np_test_fail(__FILE__, __LINE__, "\"%s\": version %d", cases[i].text,
				     c->version);
	}
	CHECK_INT(np_cgroup_parse("3:cpu,cpuset,memory:/x\n0::/y", c), 0);
	CHECK_STR(c->v1_cpuset, "/x");
	CHECK_STR(c->unified, "/y");
	snprintf(longpath, NP_CGROUP_PATH_MAX + 8, "0::/%0*d", NP_CGROUP_PATH_MAX, 0);
	CHECK_INT(np_cgroup_parse(longpath, c), -ENAMETOOLONG);
	free(longpath);
	free(c);
}

/*
 * This host, through the real /proc, against the file read here directly (the same as `cat
 * /proc/self/cgroup`): the paths agree, and when a cpuset is found it is a subset of the
 * CPUs this process may run on or equal to what the directory's file says.
 */
TEST(cgroup_this_host)
{
	char text[32768];
	FILE *f = fopen("/proc/self/cgroup", "re");
	size_t n = f ? fread(text, 1, sizeof(text) - 1, f) : 0;
	struct np_cgroup *c = malloc(sizeof(*c));
	struct np_cgroup_id id;

	if (f)
		fclose(f);
	text[n] = '\0';
	CHECK(n > 0);
	CHECK_INT(np_cgroup_read("/", getpid(), &cg), 0);
	CHECK_INT(np_cgroup_parse(text, c), 0);
	CHECK_INT(cg.version, c->version);
	CHECK_STR(cg.unified, c->unified);
	CHECK_STR(cg.v1_cpuset, c->v1_cpuset);
	if (c->version == NP_CGROUP_V2 || c->version == NP_CGROUP_HYBRID)
		CHECK(strstr(text, "0::") != NULL);
	if (c->v1_cpuset[0])
		CHECK(strstr(text, ":cpuset") != NULL || strstr(text, ",cpuset") != NULL);
	printf("    this host: %s, cgroup %s, cpuset %s (%d) CPUs %s mems %#llx%s\n",
	       cg.version == NP_CGROUP_HYBRID ? "hybrid"
	       : cg.version == NP_CGROUP_V1   ? "v1"
	       : cg.version == NP_CGROUP_V2   ? "v2"
					      : "none",
	       np_cgroup_id_path(&cg), cg.cpuset_dir, cg.cpuset_err, cpus_text(&cg.cpus),
	       (unsigned long long)cg.mems, cg.bounded ? ", bounded" : "");
	if (!cg.cpuset_err) {
		struct np_cpuset mine;

		CHECK_INT(np_thread_affinity(getpid(), &mine), 0);
		/* the kernel keeps every task's affinity within its cpuset */
		CHECK(np_cpuset_subset(&mine, &cg.cpus));
		CHECK(cg.mems != 0);
	}
	np_cgroup_identify(np_cgroup_id_path(&cg), &id); /* bounded whatever the host has */
	CHECK(strlen(id.unit) <= NP_UNIT_NAME_MAX);
	free(c);
}

static int first_of(const struct np_cpuset *set)
{
	for (int i = 0; i < NP_MAX_CPUS; i++)
		if (np_cpuset_has(set, i))
			return i;
	return -1;
}

/*
 * Where this host has a v1 cpuset hierarchy and we are root: a real cpuset of one CPU and one
 * node made for a child process, read back through the real /proc and mount table.
 */
static void confine_child(const char *dir, const struct np_cgroup_mount *m, pid_t child)
{
	const char *prefix = m->noprefix ? "" : "cpuset.";
	char path[PATH_MAX + 16], value[32], all[NP_CPULIST_MAX];
	struct np_cpuset mine, nodes;
	struct np_cgroup *c = malloc(sizeof(*c));

	CHECK_INT(np_thread_affinity(getpid(), &mine), 0);
	snprintf(path, sizeof(path), "%s/%smems", m->point, prefix);
	CHECK_INT(np_read_str("/", path, all, sizeof(all)), 0);
	CHECK_INT(np_cpulist_parse(all, &nodes), 0);
	snprintf(path, sizeof(path), "%s/%scpus", dir, prefix);
	snprintf(value, sizeof(value), "%d", first_of(&mine));
	CHECK_INT(np_write_str("/", path, value), 0);
	snprintf(path, sizeof(path), "%s/%smems", dir, prefix);
	snprintf(value, sizeof(value), "%d", first_of(&nodes));
	CHECK_INT(np_write_str("/", path, value), 0);
	snprintf(path, sizeof(path), "%s/tasks", dir);
	snprintf(value, sizeof(value), "%d", child);
	CHECK_INT(np_write_str("/", path, value), 0);

	CHECK_INT(np_cgroup_read("/", child, c), 0);
	CHECK_STR(c->v1_cpuset, dir + strlen(m->point));
	CHECK_INT(c->cpuset_err, 0);
	CHECK_STR(c->cpuset_dir, dir);
	CHECK_INT(np_cpuset_count(&c->cpus), 1);
	CHECK_INT(first_of(&c->cpus), first_of(&mine));
	CHECK_INT(c->mems, 1ULL << first_of(&nodes));
	CHECK(c->bounded == (np_cpuset_count(&mine) > 1 || np_cpuset_count(&nodes) > 1));
	/* and the kernel narrowed the child's affinity to it; np_proc_cpuset (place, run) sees it
	 */
	CHECK_INT(np_thread_affinity(child, &mine), 0);
	CHECK(np_cpuset_subset(&mine, &c->cpus));
	CHECK_INT(np_proc_cpuset("/", child, &nodes), 0);
	CHECK(!memcmp(&nodes, &c->cpus, sizeof(nodes)));
	printf("    this host: pid %d in %s: CPUs %s, mems %#llx%s\n", child, c->cpuset_dir,
	       cpus_text(&c->cpus), (unsigned long long)c->mems, c->bounded ? ", bounded" : "");
	free(c);
}

TEST(cgroup_this_host_v1_cpuset_of_one_cpu)
{
	struct np_cgroup_mount m;
	char dir[PATH_MAX];
	pid_t child;

	if (geteuid() || np_cgroup_mount_find("/", true, "/", &m) ||
	    snprintf(dir, sizeof(dir), "%s/np-unit-%d", m.point, getpid()) >= (int)sizeof(dir) ||
	    mkdir(dir, 0755)) {
		printf("    (no v1 cpuset hierarchy to write here; skipped)\n");
		return;
	}
	child = np_test_paused_child();
	CHECK(child > 0);
	if (child > 0) {
		confine_child(dir, &m, child);
		kill(child, SIGKILL);
		waitpid(child, NULL, 0);
	}
	CHECK_INT(rmdir(dir), 0);
}
