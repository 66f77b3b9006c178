// SPDX-License-Identifier: GPL-2.0
/*
 * The cpuset conflict and its fix (policy/cpuset_fix.c), per runtime; whether numaplace may
 * rewrite a cpuset and to what; the plan's refusal with it; the journal's cgroup_cpuset
 * records and what restore accepts of them (act/act_cgroup.c).
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "act/act_cgroup.h"
#include "act/restore.h"
#include "policy/cpuset_fix.h"
#include "policy/plan.h"
#include "test.h"

#define ID  "4f1c6b1d2e3a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9a0b1c2d3e"
#define UID "0f7c3a52-9d1e-4b6a-8c2d-5e4f3a2b1c0d"

/* A v2 cgroup at path bound to CPUs 0-1 and node 0 of a 2-node box (node 1: CPUs 2-3). */
static struct np_cgroup bound(const char *path, bool inherited)
{
	struct np_cgroup cg = { .version = NP_CGROUP_V2,
				.cpuset_version = NP_CGROUP_V2,
				.inherited = inherited,
				.bounded = true,
				.mems = 0x1 };

	snprintf(cg.unified, sizeof(cg.unified), "%s", path);
	snprintf(cg.cpuset_dir, sizeof(cg.cpuset_dir), "/sys/fs/cgroup%s", path);
	np_cpulist_parse("0-1", &cg.cpus);
	return cg;
}

static const struct np_cpuset *node1(void)
{
	static struct np_cpuset cpus;

	np_cpulist_parse("2-3", &cpus);
	return &cpus;
}

static const char *fix_for(const char *path, bool inherited)
{
	static char buf[1024];
	struct np_cgroup cg = bound(path, inherited);
	struct np_cgroup_id id;

	np_cgroup_identify(path, &id);
	np_cpuset_fix(&cg, &id, node1(), 1, buf, sizeof(buf));
	return buf;
}

TEST(cpuset_mode_parse)
{
	enum np_cgroup_mode m = NP_CGROUP_KEEP;

	CHECK_INT(np_cgroup_mode_parse("move", &m), 0);
	CHECK_INT(m, NP_CGROUP_MOVE);
	CHECK_INT(np_cgroup_mode_parse("extend", &m), 0);
	CHECK_INT(m, NP_CGROUP_EXTEND);
	CHECK_INT(np_cgroup_mode_parse("keep", &m), 0);
	CHECK_INT(m, NP_CGROUP_KEEP);
	CHECK_INT(np_cgroup_mode_parse("Move", &m), -EINVAL);
	CHECK_INT(np_cgroup_mode_parse("", &m), -EINVAL);
	CHECK_INT(np_cgroup_mode_parse(NULL, &m), -EINVAL);
	CHECK_STR(np_cgroup_mode_name(NP_CGROUP_EXTEND), "extend");
}

TEST(cpuset_conflict_cpus_or_mems)
{
	struct np_cgroup cg = bound("/system.slice/docker-" ID ".scope", false);
	char text[512];

	CHECK(np_cpuset_conflict(&cg, node1(), 1));
	np_cpuset_conflict_text(&cg, node1(), 1, text, sizeof(text));
	CHECK_STR(text, "node 1 (CPUs 2-3) is outside the cpuset of cgroup /system.slice/docker-" ID
			".scope (CPUs 0-1, memory node 0)");
	np_cpulist_parse("0-3", &cg.cpus); /* the CPUs allowed, the node's memory not */
	CHECK(np_cpuset_conflict(&cg, node1(), 1));
	cg.mems = 0x3;
	CHECK(!np_cpuset_conflict(&cg, node1(), 1));
	np_cpulist_parse("0-2", &cg.cpus); /* part of the node: the plan warns, no conflict */
	CHECK(!np_cpuset_conflict(&cg, node1(), 1));
	cg.cpuset_err = -ENOENT; /* no cpuset read: none known */
	np_cpulist_parse("0", &cg.cpus);
	CHECK(!np_cpuset_conflict(&cg, node1(), 1));
}

TEST(cpuset_fix_per_runtime)
{
	CHECK_STR(fix_for("/system.slice/docker-" ID ".scope", false),
		  "fix: docker update --cpuset-cpus 2-3 --cpuset-mems 1 4f1c6b1d2e3a; or let "
		  "numaplace do it: numaplace place --cgroup move");
	CHECK_STR(fix_for("/machine.slice/libpod-" ID ".scope/container", false),
		  "fix: podman update --cpuset-cpus 2-3 --cpuset-mems 1 4f1c6b1d2e3a; or let "
		  "numaplace do it: numaplace place --cgroup move");
	CHECK_STR(fix_for("/system.slice/vllm.service", false),
		  "fix: systemctl set-property vllm.service AllowedCPUs=2-3 AllowedMemoryNodes=1; "
		  "or let numaplace do it: numaplace place --cgroup move");
	/* inherited from system.slice: numaplace will not rewrite it, the unit's fix stays */
	CHECK_STR(fix_for("/system.slice/vllm.service", true),
		  "fix: systemctl set-property vllm.service AllowedCPUs=2-3 AllowedMemoryNodes=1");
	CHECK_STR(fix_for("/system.slice/crio-" ID ".scope", false),
		  "fix: crictl update --cpuset-cpus 2-3 --cpuset-mems 1 4f1c6b1d2e3a; or let "
		  "numaplace do it: numaplace place --cgroup move");
	CHECK_STR(fix_for("/system.slice/containerd.service/default-" ID ".scope", false) + 0,
		  fix_for("/system.slice/containerd.service/default-" ID ".scope", false));
	CHECK_STR(fix_for("/llm", false),
		  "fix: write 2-3 to /sys/fs/cgroup/llm/cpuset.cpus and 1 to "
		  "/sys/fs/cgroup/llm/cpuset.mems; or let numaplace do it: numaplace place "
		  "--cgroup move");
}

TEST(cpuset_fix_kubernetes_is_the_kubelets)
{
	const char *path = "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod"
			   "0f7c3a52_9d1e_4b6a_8c2d_5e4f3a2b1c0d.slice/cri-containerd-" ID ".scope";
	const char *fix = fix_for(path, false);
	struct np_cgroup cg = bound(path, false);
	struct np_cgroup_id id;
	char why[256];

	CHECK(strstr(fix, "kubelet owns this cgroup (pod " UID ")") != NULL);
	CHECK(strstr(fix, "--topology-manager-policy=single-numa-node") != NULL);
	CHECK(strstr(fix, "--cpu-manager-policy=static") != NULL);
	CHECK(strstr(fix, "Guaranteed") != NULL);
	CHECK(strstr(fix, "--cgroup move") == NULL);
	np_cgroup_identify(path, &id);
	CHECK_INT(np_cpuset_writable(&cg, &id, why, sizeof(why)), -EPERM);
	CHECK(strstr(why, "kubelet") != NULL);
	/* the cgroupfs driver's shape too */
	np_cgroup_identify("/kubepods/burstable/pod" UID "/" ID, &id);
	CHECK_INT(np_cpuset_writable(&cg, &id, why, sizeof(why)), -EPERM);
}

TEST(cpuset_writable_only_the_process_own)
{
	struct np_cgroup cg = bound("/system.slice/docker-" ID ".scope", false);
	struct np_cgroup_id id;
	char why[256];

	np_cgroup_identify(cg.unified, &id);
	CHECK_INT(np_cpuset_writable(&cg, &id, why, sizeof(why)), 0);
	cg.inherited = true; /* an ancestor's cpuset bounds its siblings too */
	CHECK_INT(np_cpuset_writable(&cg, &id, why, sizeof(why)), -EPERM);
	CHECK(strstr(why, "bounds every cgroup below it") != NULL);
	cg = bound("/", false);
	CHECK_INT(np_cpuset_writable(&cg, &id, why, sizeof(why)), -EPERM);
	cg = bound("/x", false);
	cg.cpuset_err = -EXDEV;
	CHECK_INT(np_cpuset_writable(&cg, &id, why, sizeof(why)), -EPERM);
}

TEST(cpuset_wanted_move_and_extend)
{
	struct np_cgroup cg = bound("/system.slice/docker-" ID ".scope", false);
	struct np_cpuset cpus;
	uint64_t mems;
	char text[64];

	np_cpuset_wanted(NP_CGROUP_MOVE, &cg, node1(), 1, &cpus, &mems);
	np_cpulist_format(&cpus, text, sizeof(text));
	CHECK_STR(text, "2-3");
	CHECK_INT(mems, 0x2);
	np_cpuset_wanted(NP_CGROUP_EXTEND, &cg, node1(), 1, &cpus, &mems);
	np_cpulist_format(&cpus, text, sizeof(text));
	CHECK_STR(text, "0-3");
	CHECK_INT(mems, 0x3);
}

TEST(cpuset_conflict_refuses_the_plan)
{
	static struct np_topo topo;
	struct np_proc_model proc = { .nthreads = 1 };
	struct np_plan_opts opts = { .target_node = 1,
				     .only = NP_PLAN_ALL,
				     .reserve_mb = -1,
				     .cpuset_conflict = "node 1 is outside; fix: docker update" };
	struct np_plan plan;
	char root[PATH_MAX], msg[256];

	snprintf(root, sizeof(root), "%s/epyc-2s-8gpu", np_test_fixtures());
	CHECK_INT(np_topo_discover(root, &topo, msg, sizeof(msg)), 0);
	CHECK_INT(np_plan_make(&topo, &proc, &opts, &plan, msg, sizeof(msg)), -EXDEV);
	CHECK_STR(msg, "node 1 is outside; fix: docker update");
	opts.only = NP_PLAN_ONLY_IRQS; /* neither threads nor pages move: no conflict */
	CHECK_INT(np_plan_make(&topo, &proc, &opts, &plan, msg, sizeof(msg)), 0);
	np_topo_free(&topo);
}

TEST(cpuset_journal_records_round_trip_and_check)
{
	char dir[] = "/tmp/np-cgjournal-XXXXXX", path[PATH_MAX], msg[256];
	struct np_change recs[3] = {
		{ .kind = NP_CHANGE_CGROUP_CPUSET,
		  .id = NP_CPUSET_V2_MEMS,
		  .tgid = 42,
		  .path = "/system.slice/docker-" ID ".scope",
		  .old_value = "0",
		  .new_value = "0-1" },
		{ .kind = NP_CHANGE_CGROUP_CPUSET,
		  .id = NP_CPUSET_V2_CPUS,
		  .tgid = 42,
		  .path = "/system.slice/docker-" ID ".scope",
		  .old_value = "",
		  .new_value = "0-1" },
		{ .kind = NP_CHANGE_CGROUP_CPUSET,
		  .id = NP_CPUSET_V1_CPUS,
		  .tgid = 42,
		  .path = "/pinned",
		  .old_value = "0",
		  .new_value = "0-1" },
	};
	struct np_change *c;
	int n, bad;

	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/journal", dir);
	CHECK_INT(np_journal_append(path, recs, 3), 0);
	CHECK_INT(np_journal_load(path, &c, &n, &bad), 0);
	CHECK_INT(n, 3);
	if (n == 3) {
		CHECK_INT(c[0].kind, NP_CHANGE_CGROUP_CPUSET);
		CHECK_STR(np_change_kind_name(c[0].kind), "cgroup_cpuset");
		CHECK_INT(c[0].id, NP_CPUSET_V2_MEMS);
		CHECK_STR(c[0].path, "/system.slice/docker-" ID ".scope");
		CHECK_STR(c[0].old_value, "0");
		CHECK_STR(c[0].new_value, "0-1");
		CHECK_STR(c[1].old_value, ""); /* a v2 file left empty: the parent's */
		CHECK_INT(np_restore_check(c, n, NULL, msg, sizeof(msg)), 0);
	}
	np_changes_free(c, n);
	unlink(path);
	rmdir(dir);
}

TEST(cpuset_journal_records_restore_refuses)
{
	static const struct {
		int id;
		const char *path, *old_value;
	} bad[] = {
		{ 4, "/x", "0" }, /* no such file */
		{ -1, "/x", "0" },
		{ NP_CPUSET_V2_CPUS, "x", "0" }, /* relative */
		{ NP_CPUSET_V2_CPUS, "/", "0" }, /* the root cgroup */
		{ NP_CPUSET_V2_CPUS, "/a/../b", "0" },
		{ NP_CPUSET_V2_CPUS, "/a//b", "0" },
		{ NP_CPUSET_V2_CPUS, "/a/", "0" },
		{ NP_CPUSET_V2_CPUS, "/kubepods.slice/x", "0" },
		{ NP_CPUSET_V2_CPUS, "/x", "zero" },
		{ NP_CPUSET_V1_CPUS, "/x", "" },     /* v1 cpus are never empty */
		{ NP_CPUSET_V2_MEMS, "/x", "64" },   /* no node 64 */
		{ NP_CPUSET_V2_CPUS, "/x", "5000" }, /* beyond any CPU */
	};
	char msg[256];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct np_change c = { .kind = NP_CHANGE_CGROUP_CPUSET,
				       .id = bad[i].id,
				       .tgid = 1,
				       .old_value = bad[i].old_value,
				       .new_value = "" };

		snprintf(c.path, sizeof(c.path), "%s", bad[i].path);
		msg[0] = '\0';
		if (np_restore_check(&c, 1, NULL, msg, sizeof(msg)) != -EPERM)
			np_test_fail(__FILE__, __LINE__, "case %zu passed", i);
		CHECK(strstr(msg, "cgroup_cpuset") != NULL);
	}
}
