// SPDX-License-Identifier: GPL-2.0
/*
 * act/act_cgroup.c against this host's kernel: a v1 cpuset cgroup made here (when the host
 * has a v1 cpuset hierarchy and two CPUs), its cpuset widened through the journal, a value
 * the kernel refuses counted as failed, and restore putting the old text back exactly.
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

#include "act/act_cgroup.h"
#include "act/restore.h"
#include "lib/sysfs.h"
#include "test.h"

static void put(const char *dir, const char *name, const char *value)
{
	char path[PATH_MAX + 64];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	CHECK_INT(np_write_str("/", path, value), 0);
}

static char *get(const char *dir, const char *name)
{
	static char buf[NP_CPULIST_MAX];
	char path[PATH_MAX + 64];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (np_read_str("/", path, buf, sizeof(buf)))
		snprintf(buf, sizeof(buf), "?");
	return buf;
}

/* In dir (cpus "first", mems "node"), the child's cpuset set to all CPUs, refused, restored. */
static void widen_and_restore(const char *dir, pid_t child, const char *first, const char *all,
			      const char *node, uint64_t root_mems)
{
	char jdir[] = "/tmp/np-actcg-XXXXXX", journal[64], msg[256];
	struct np_cgroup *cg = malloc(sizeof(*cg));
	struct np_restore_summary sum;
	struct np_act_result res = { 0 };
	struct np_cpuset cpus = { 0 };

	CHECK(mkdtemp(jdir) != NULL);
	snprintf(journal, sizeof(journal), "%s/journal", jdir);
	CHECK_INT(np_cgroup_read("/", child, cg), 0);
	CHECK_INT(cg->cpuset_version, NP_CGROUP_V1);
	np_cpulist_parse(all, &cpus);
	CHECK_INT(np_act_cgroup_cpuset(journal, child, cg, &cpus, cg->mems, &res), 0);
	CHECK_INT(res.changed, 1);   /* cpus */
	CHECK_INT(res.unchanged, 1); /* mems already so */
	CHECK_INT(res.failed, 0);
	CHECK_STR(get(dir, "cpuset.cpus"), all);

	/*
	 * a node the parent lacks (the root's mems plus the next node): v1 refuses it, counted
	 * and survived, and the CPUs that come after it are not written
	 */
	memset(&res, 0, sizeof(res));
	CHECK_INT(np_act_cgroup_cpuset(journal, child, cg, &cpus, cg->mems | root_mems << 1, &res),
		  0);
	CHECK_INT(res.failed, 1);
	CHECK(strstr(res.first_error, "cpuset.mems") != NULL);
	CHECK_STR(get(dir, "cpuset.mems"), node);

	CHECK_INT(np_restore_all(journal, &sum, msg, sizeof(msg)), 0);
	CHECK_INT(sum.cgroups.changed, 1);
	CHECK_INT(sum.cgroups.failed, 0);
	CHECK_STR(get(dir, "cpuset.cpus"), first);
	CHECK_STR(get(dir, "cpuset.mems"), node);
	CHECK(access(journal, F_OK) != 0); /* all put back: the journal is gone */
	rmdir(jdir);
	free(cg);
}

TEST(act_cgroup_v1_cpuset_widened_refused_and_restored)
{
	struct np_cgroup_mount m;
	char dir[PATH_MAX], all[NP_CPULIST_MAX], first[16], node[16], pid[16];
	struct np_cpuset set = { 0 }, mems = { 0 };
	pid_t child;

	if (geteuid() || np_cgroup_mount_find("/", true, "/", &m) || m.noprefix ||
	    np_read_str("/", strcat(strcpy(dir, m.point), "/cpuset.cpus"), all, sizeof(all)) ||
	    np_cpulist_parse(all, &set) || np_cpuset_count(&set) < 2 ||
	    snprintf(dir, sizeof(dir), "%s/np-unit-act-%d", m.point, getpid()) >=
		    (int)sizeof(dir) ||
	    mkdir(dir, 0755)) {
		printf("    (no v1 cpuset hierarchy with 2 CPUs to write here; skipped)\n");
		return;
	}
	for (int c = 0; c < NP_MAX_CPUS; c++)
		if (np_cpuset_has(&set, c)) {
			snprintf(first, sizeof(first), "%d", c);
			break;
		}
	snprintf(node, sizeof(node), "%.15s", get(m.point, "cpuset.mems"));
	np_cpulist_parse(node, &mems);
	node[strcspn(node, ",-")] = '\0';
	put(dir, "cpuset.cpus", first);
	put(dir, "cpuset.mems", node);
	child = np_test_paused_child();
	CHECK(child > 0);
	if (child > 0) {
		snprintf(pid, sizeof(pid), "%d", child);
		put(dir, "tasks", pid);
		widen_and_restore(dir, child, first, all, node, mems.bits[0]);
		kill(child, SIGKILL);
		waitpid(child, NULL, 0);
	}
	CHECK_INT(rmdir(dir), 0);
}

/*
 * A cgroup path longer than the journal's path field: refused before anything is read or
 * written, never journaled cut (a cut path names another cgroup, which restore would write).
 */
TEST(act_cgroup_path_too_long_to_journal_refused)
{
	char jdir[] = "/tmp/np-actcg-XXXXXX", journal[64];
	struct np_cgroup *cg = calloc(1, sizeof(*cg));
	struct np_act_result res = { 0 };
	struct np_cpuset cpus = { 0 };
	size_t n;

	CHECK(mkdtemp(jdir) != NULL);
	snprintf(journal, sizeof(journal), "%s/journal", jdir);
	cg->cpuset_version = NP_CGROUP_V2;
	n = (size_t)snprintf(cg->unified, sizeof(cg->unified), "/system.slice");
	while (n < 300)
		n += (size_t)snprintf(cg->unified + n, sizeof(cg->unified) - n, "/abcdefghij");
	cg->mems = 1;
	np_cpuset_set(&cpus, 0);
	CHECK_INT(np_act_cgroup_cpuset(journal, getpid(), cg, &cpus, 1, &res), 0);
	CHECK_INT(res.failed, 1);
	CHECK_INT(res.changed, 0);
	CHECK(strstr(res.first_error, "too long to journal") != NULL);
	CHECK(access(journal, F_OK) != 0); /* nothing journaled */
	rmdir(jdir);
	free(cg);
}
