// SPDX-License-Identifier: GPL-2.0
/* /proc/PID/stat's flags: kernel threads are told apart (lib/procfs.c, report --all). */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "lib/procfs.h"
#include "test.h"

/* A /proc tree in TMPDIR with pid 7 whose stat is stat. */
static void stat_root(char *root, size_t len, const char *stat)
{
	char path[PATH_MAX + 32];
	FILE *f;

	snprintf(root, len, "%s/np-stat.XXXXXX", getenv("TMPDIR") ?: "/tmp");
	CHECK(mkdtemp(root) != NULL);
	snprintf(path, sizeof(path), "%s/proc", root);
	CHECK_INT(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/proc/7", root);
	CHECK_INT(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/proc/7/comm", root);
	f = fopen(path, "w");
	CHECK(f && fputs("x\n", f) >= 0 && !fclose(f));
	snprintf(path, sizeof(path), "%s/proc/7/stat", root);
	f = fopen(path, "w");
	CHECK(f && fputs(stat, f) >= 0 && !fclose(f));
}

static void remove_root(const char *root)
{
	char cmd[PATH_MAX + 16];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	CHECK_INT(system(cmd), 0);
}

/* Whether pid 7 with this stat line reads as a kernel thread. */
static int kthread(const char *stat, unsigned int *flags)
{
	char root[PATH_MAX];
	struct np_proc_info info;
	struct np_stat st;
	int kt = -1;

	stat_root(root, sizeof(root), stat);
	if (!np_stat_read(root, 7, 0, &st) && !np_proc_read(root, 7, &info)) {
		*flags = st.flags;
		kt = info.kthread;
	}
	remove_root(root);
	return kt;
}

TEST(stat_flags_tell_kernel_threads)
{
	unsigned int flags = 0;

	/* kworker: PF_KTHREAD | PF_WQ_WORKER | ..., child of kthreadd */
	CHECK_INT(kthread("7 (kworker/0:1-events) I 2 0 0 0 -1 69238880 0 0 0 0 0 0 0 0 20 0 1 0 "
			  "40 0 0 18446744073709551615\n",
			  &flags),
		  1);
	CHECK_INT(flags, 69238880);
	/* a kernel thread whose ppid reads 0 (kthreadd itself in another namespace): the flag */
	CHECK_INT(kthread("7 (kthreadd) S 0 0 0 0 -1 2129984 0 0 0 0 0 0 0 0 20 0 1 0 2 0 0 0\n",
			  &flags),
		  1);
	/* a user process, even one named like a kernel thread */
	CHECK_INT(kthread("7 (kworker/0:1) S 1 7 7 0 -1 4194560 120 0 0 0 3 1 0 0 20 0 2 0 99 "
			  "1048576 300 18446744073709551615\n",
			  &flags),
		  0);
	CHECK_INT(flags, 4194560);
}
