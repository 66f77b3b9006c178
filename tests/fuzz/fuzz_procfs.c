// SPDX-License-Identifier: GPL-2.0
/*
 * The /proc and /sys readers (lib/procfs.c) on a fixture root: the input holds, cut at
 * "\n@@\n", /proc/1/stat, /proc/1/cmdline, /proc/1/cgroup, the cgroup root's
 * cpuset.cpus.effective and /proc/1/comm (the main thread's too); they are written below a scratch
 * root and read the way the agent reads a live process (np_stat_read, np_proc_read,
 * np_proc_cpuset). Whatever the kernel (or a process naming itself) puts there, the readers return
 * an error or fields within bounds.
 */
#include "fuzz.h" /* first: it sets _GNU_SOURCE */

#include <sys/stat.h>

#include "lib/procfs.h"

static char root[96];

static void mkdirs(const char *rel)
{
	fuzz_mkdirs(root, rel);
}

static void put(const char *rel, const uint8_t *data, size_t size)
{
	fuzz_put(root, rel, data, size);
}

static void setup(void)
{
	snprintf(root, sizeof(root), "%s/root", fuzz_scratch_dir());
	mkdirs("/proc/1/task/1");
	mkdirs("/sys/fs/cgroup/a/b");
	put("/proc/1/comm", (const uint8_t *)"server\n", 7);
	put("/proc/1/task/1/comm", (const uint8_t *)"server\n", 7);
	/* np_proc_cpuset finds the hierarchy through the mount table (lib/cgroup.c) */
	mkdirs("/proc/self");
	put("/proc/self/mountinfo",
	    (const uint8_t *)"25 1 0:22 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n", 51);
}

static void check_info(const struct np_proc_info *info)
{
	FUZZ_CHECK(memchr(info->comm, '\0', sizeof(info->comm)), "comm unterminated");
	FUZZ_CHECK(memchr(info->cmdline, '\0', sizeof(info->cmdline)), "cmdline unterminated");
	for (const char *c = info->cmdline; *c; c++)
		FUZZ_CHECK((unsigned char)*c >= 0x20 && *c != 0x7f, "control character in cmdline");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const files[] = { "/proc/1/stat", "/proc/1/cmdline", "/proc/1/cgroup",
					     "/sys/fs/cgroup/cpuset.cpus.effective",
					     "/proc/1/comm" };
	struct np_proc_info info;
	char comm[NP_COMM_LEN];
	struct np_cpuset cpus;
	struct np_stat st;
	int err;

	if (!root[0])
		setup();
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		const uint8_t *piece;
		size_t len;

		fuzz_piece(data, size, (int)i, &piece, &len);
		put(files[i], piece, len);
		/* the thread's stat too: np_proc_read looks at it for a zombie leader */
		if (i == 0)
			put("/proc/1/task/1/stat", piece, len);
		if (i == 4)
			put("/proc/1/task/1/comm", piece, len);
	}

	err = np_stat_read(root, 1, 0, &st);
	FUZZ_CHECK(err == 0 || err == -EINVAL || err == -EFBIG, "stat: %d", err);
	err = np_proc_read(root, 1, &info);
	FUZZ_CHECK(err == 0 || err == -EINVAL || err == -EFBIG || err == -ESRCH, "proc: %d", err);
	if (!err)
		check_info(&info);
	err = np_comm_read(root, 1, 1, comm, sizeof(comm));
	FUZZ_CHECK(err == 0 && memchr(comm, '\0', sizeof(comm)), "comm: %d", err);
	err = np_proc_cpuset(root, 1, &cpus);
	/* "0::/../../x" walks out of the root: errors of any kind, but no crash */
	FUZZ_CHECK(err <= 0, "cpuset: %d", err);
	return 0;
}
