// SPDX-License-Identifier: GPL-2.0
/*
 * Read-back of what the act layer writes, against this host's real kernel where it can be
 * arranged: a child in a v1 cpuset of one CPU, pinned to two CPUs. sched_setaffinity succeeds
 * and the kernel keeps the one CPU: a failure with the cpuset named, never "pinned". Skipped
 * (and said so) without root, a v1 cpuset hierarchy or two CPUs.
 */
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "act/act.h"
#include "lib/cgroup.h"
#include "lib/procfs.h"
#include "lib/sysfs.h"
#include "test.h"

static int first_two(const struct np_cpuset *set, int *a, int *b)
{
	*a = *b = -1;
	for (int cpu = 0; cpu < NP_MAX_CPUS; cpu++) {
		if (!np_cpuset_has(set, cpu))
			continue;
		if (*a < 0)
			*a = cpu;
		else if (*b < 0)
			*b = cpu;
	}
	return *b >= 0 ? 0 : -1;
}

/* dir: a fresh v1 cpuset of CPU cpu and the first memory node; child moved into it. */
static int confine(const char *dir, const struct np_cgroup_mount *m, int cpu, pid_t child)
{
	const char *prefix = m->noprefix ? "" : "cpuset.";
	char path[PATH_MAX + 16], value[NP_CPULIST_MAX];
	struct np_cpuset nodes;

	snprintf(path, sizeof(path), "%s/%smems", m->point, prefix);
	if (np_read_str("/", path, value, sizeof(value)) || np_cpulist_parse(value, &nodes))
		return -1;
	for (int n = 0; n < NP_MAX_CPUS; n++)
		if (np_cpuset_has(&nodes, n)) {
			snprintf(value, sizeof(value), "%d", n);
			break;
		}
	snprintf(path, sizeof(path), "%s/%smems", dir, prefix);
	if (np_write_str("/", path, value))
		return -1;
	snprintf(path, sizeof(path), "%s/%scpus", dir, prefix);
	snprintf(value, sizeof(value), "%d", cpu);
	if (np_write_str("/", path, value))
		return -1;
	snprintf(path, sizeof(path), "%s/tasks", dir);
	snprintf(value, sizeof(value), "%d", child);
	return np_write_str("/", path, value);
}

static void pin_narrowed(pid_t child, int a, int b, const char *journal)
{
	struct np_act_result res = { 0 };
	struct np_cpuset two = { 0 }, now;
	char want[64], words[256];

	np_cpuset_set(&two, a);
	np_cpuset_set(&two, b);
	snprintf(want, sizeof(want), "%d,%d", a, b);
	if (b == a + 1)
		snprintf(want, sizeof(want), "%d-%d", a, b);
	CHECK_INT(np_act_threads(journal, child, &two, &res), 0);
	/* before the read-back: changed 1, failed 0, while the kernel kept CPU a */
	CHECK_INT(res.changed, 0);
	CHECK_INT(res.failed, 1);
	snprintf(words, sizeof(words),
		 "thread %d: the kernel kept CPU %d only, not %s: the cgroup cpuset allows %d",
		 child, a, want, a);
	CHECK_STR(res.first_error, words);
	CHECK_INT(np_thread_affinity(child, &now), 0);
	CHECK_INT(np_cpuset_count(&now), 1);
	CHECK(np_cpuset_has(&now, a));
	printf("    this host: %s\n", res.first_error);
}

TEST(readback_thread_narrowed_by_a_v1_cpuset_fails)
{
	char dir[PATH_MAX], journal[] = "/tmp/np-readback-XXXXXX", path[PATH_MAX + 16];
	struct np_cgroup_mount m;
	struct np_cpuset mine;
	int a, b;
	pid_t child;

	if (geteuid() || np_thread_affinity(getpid(), &mine) || first_two(&mine, &a, &b) ||
	    np_cgroup_mount_find("/", true, "/", &m) ||
	    snprintf(dir, sizeof(dir), "%s/np-readback-%d", m.point, getpid()) >=
		    (int)sizeof(dir) ||
	    !mkdtemp(journal) || mkdir(dir, 0755)) {
		printf("    (no v1 cpuset hierarchy, root or two CPUs here; skipped)\n");
		return;
	}
	child = np_test_paused_child();
	CHECK(child > 0);
	if (child > 0) {
		snprintf(path, sizeof(path), "%s/journal", journal);
		if (confine(dir, &m, a, child) == 0)
			pin_narrowed(child, a, b, path);
		else
			np_test_fail(__FILE__, __LINE__, "cannot confine pid %d to %s", child, dir);
		kill(child, SIGKILL);
		waitpid(child, NULL, 0);
		unlink(path);
	}
	rmdir(journal);
	CHECK_INT(rmdir(dir), 0);
}
