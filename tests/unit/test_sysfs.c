// SPDX-License-Identifier: GPL-2.0
/*
 * The one /proc and /sys writer, on regular files of a temporary root: the whole value in one
 * write, nothing created, no symlink followed, and a short write (made real by RLIMIT_FSIZE,
 * which cuts a write at the limit) an error rather than a success.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <unistd.h>

#include "lib/sysfs.h"
#include "test.h"

static void make_file(const char *root, const char *name, const char *content)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, name);
	f = fopen(path, "w");
	CHECK(f != NULL);
	if (f) {
		fputs(content, f);
		fclose(f);
	}
}

static void remove_root(const char *root)
{
	char cmd[PATH_MAX + 16];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	CHECK_INT(system(cmd), 0);
}

TEST(write_str_writes_the_whole_value)
{
	char root[] = "/tmp/np-sysfs-XXXXXX", back[64];

	CHECK(mkdtemp(root) != NULL);
	make_file(root, "smp_affinity_list", "");
	CHECK_INT(np_write_str(root, "/smp_affinity_list", "0-3,8"), 0);
	CHECK_INT(np_read_str(root, "/smp_affinity_list", back, sizeof(back)), 0);
	CHECK_STR(back, "0-3,8");
	remove_root(root);
}

TEST(write_str_creates_nothing_and_follows_no_link)
{
	char root[] = "/tmp/np-sysfs-XXXXXX", link[PATH_MAX], back[64];

	CHECK(mkdtemp(root) != NULL);
	CHECK_INT(np_write_str(root, "/numa_balancing", "1"), -ENOENT);
	CHECK(!np_exists(root, "/numa_balancing"));
	make_file(root, "target", "0");
	snprintf(link, sizeof(link), "%s/link", root);
	CHECK_INT(symlink("target", link), 0);
	CHECK_INT(np_write_str(root, "/link", "1"), -ELOOP);
	CHECK_INT(np_read_str(root, "/target", back, sizeof(back)), 0);
	CHECK_STR(back, "0");
	remove_root(root);
}

TEST(write_str_short_write_is_an_error)
{
	char root[] = "/tmp/np-sysfs-XXXXXX", back[64];
	struct rlimit saved, small;

	CHECK(mkdtemp(root) != NULL);
	make_file(root, "knob", "");
	CHECK_INT(getrlimit(RLIMIT_FSIZE, &saved), 0);
	small = saved;
	small.rlim_cur = 4; /* the kernel writes 4 bytes of 10 and returns 4 */
	CHECK_INT(setrlimit(RLIMIT_FSIZE, &small), 0);
	CHECK_INT(np_write_str(root, "/knob", "0123456789"), -EIO);
	CHECK_INT(setrlimit(RLIMIT_FSIZE, &saved), 0);
	CHECK_INT(np_read_str(root, "/knob", back, sizeof(back)), 0);
	CHECK_STR(back, "0123");
	remove_root(root);
}
