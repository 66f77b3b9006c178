// SPDX-License-Identifier: GPL-2.0
/*
 * Opening the files numaplace writes as root (issue #11, items 2 and 4): directories others
 * may change are refused (sticky ones like /tmp are not), nothing is followed through a
 * symlink or written over when planted, a FIFO never blocks, a crash's leftover is replaced,
 * and the host lock is exclusive.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/file_write.h"
#include "lib/host_lock.h"
#include "lib/safe_open.h"
#include "lib/sysfs.h"
#include "output/metrics.h"
#include "test.h"

static void put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	CHECK(f != NULL);
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static void remove_tree(const char *dir)
{
	char cmd[PATH_MAX + 16];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	CHECK_INT(system(cmd), 0);
}

TEST(safe_dir_refuses_what_others_may_change)
{
	char dir[] = "/tmp/np-safe-XXXXXX", path[PATH_MAX], name[NAME_MAX + 1], msg[256];
	int fd;

	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/journal", dir);
	fd = np_safe_dir(path, false, name, sizeof(name), msg, sizeof(msg));
	CHECK(fd >= 0);
	CHECK_STR(name, "journal");
	close(fd);
	CHECK_INT(chmod(dir, 0777), 0);
	CHECK_INT(np_safe_dir(path, false, name, sizeof(name), msg, sizeof(msg)), -EPERM);
	CHECK(strstr(msg, "writable by group or others") != NULL);
	CHECK_INT(chmod(dir, 0770), 0);
	CHECK_INT(np_safe_dir(path, false, name, sizeof(name), msg, sizeof(msg)), -EPERM);
	/* sticky, as /tmp: others may add names, never replace or remove ours */
	CHECK_INT(chmod(dir, 01777), 0);
	fd = np_safe_dir(path, false, name, sizeof(name), msg, sizeof(msg));
	CHECK(fd >= 0);
	close(fd);
	CHECK_INT(chmod(dir, 0700), 0);
	if (geteuid() == 0) {
		CHECK_INT(chown(dir, 65534, 65534), 0);
		CHECK_INT(np_safe_dir(path, false, name, sizeof(name), msg, sizeof(msg)), -EPERM);
		CHECK(strstr(msg, "owned by uid 65534") != NULL);
		CHECK_INT(chown(dir, 0, 0), 0);
	}
	/* a missing directory is made 0700 when asked */
	snprintf(path, sizeof(path), "%s/sub/journal", dir);
	CHECK_INT(np_safe_dir(path, false, name, sizeof(name), msg, sizeof(msg)), -ENOENT);
	fd = np_safe_dir(path, true, name, sizeof(name), msg, sizeof(msg));
	CHECK(fd >= 0);
	close(fd);
	remove_tree(dir);
}

TEST(safe_open_refuses_links_devices_fifos_and_shared_files)
{
	char dir[] = "/tmp/np-safe-XXXXXX", path[PATH_MAX], other[PATH_MAX], msg[256];
	int dirfd, fd;

	CHECK(mkdtemp(dir) != NULL);
	dirfd = open(dir, O_RDONLY | O_DIRECTORY);
	snprintf(path, sizeof(path), "%s/file", dir);
	snprintf(other, sizeof(other), "%s/other", dir);
	put(path, "x\n");
	CHECK_INT(chmod(path, 0600), 0);
	fd = np_safe_open(dirfd, "file", O_RDONLY, msg, sizeof(msg));
	CHECK(fd >= 0);
	close(fd);
	CHECK_INT(np_safe_open(dirfd, "none", O_RDONLY, msg, sizeof(msg)), -ENOENT);
	CHECK_INT(chmod(path, 0602), 0);
	CHECK_INT(np_safe_open(dirfd, "file", O_RDONLY, msg, sizeof(msg)), -EPERM);
	CHECK_INT(chmod(path, 0600), 0);
	CHECK_INT(link(path, other), 0); /* a second name: a write would land in both */
	CHECK_INT(np_safe_open(dirfd, "file", O_RDONLY, msg, sizeof(msg)), -EPERM);
	CHECK_INT(unlink(other), 0);
	CHECK_INT(symlink(path, other), 0);
	CHECK_INT(np_safe_open(dirfd, "other", O_RDONLY, msg, sizeof(msg)), -ELOOP);
	CHECK_INT(unlink(other), 0);
	/* a FIFO nobody writes: refused at once, never waited on */
	CHECK_INT(mkfifo(other, 0600), 0);
	CHECK_INT(np_safe_open(dirfd, "other", O_RDONLY, msg, sizeof(msg)), -EPERM);
	CHECK_STR(msg, "not a regular file");
	CHECK_INT(unlink(other), 0);
	CHECK_INT(mknod(other, S_IFCHR | 0600, makedev(1, 3)) == 0 || geteuid() != 0, 1);
	if (!access(other, F_OK))
		CHECK_INT(np_safe_open(dirfd, "other", O_RDWR, msg, sizeof(msg)), -EPERM);
	close(dirfd);
	remove_tree(dir);
}

TEST(safe_create_never_reuses_what_is_planted)
{
	char dir[] = "/tmp/np-safe-XXXXXX", path[PATH_MAX], target[PATH_MAX], msg[256], back[64];
	struct stat st;
	int dirfd, fd;

	CHECK(mkdtemp(dir) != NULL);
	dirfd = open(dir, O_RDONLY | O_DIRECTORY);
	snprintf(path, sizeof(path), "%s/new", dir);
	snprintf(target, sizeof(target), "%s/target", dir);
	put(target, "mine\n");
	CHECK_INT(symlink(target, path), 0);
	CHECK_INT(np_safe_create(dirfd, "new", 0600, true, msg, sizeof(msg)), -ELOOP);
	CHECK_INT(np_read_str(dir, "/target", back, sizeof(back)), 0);
	CHECK_STR(back, "mine");
	CHECK_INT(unlink(path), 0);
	CHECK_INT(mkfifo(path, 0600), 0);
	CHECK_INT(np_safe_create(dirfd, "new", 0600, true, msg, sizeof(msg)), -EEXIST);
	CHECK_INT(unlink(path), 0);
	/* a regular file of ours left by a crash: replaced when that is allowed, never else */
	put(path, "stale\n");
	CHECK_INT(chmod(path, 0600), 0);
	CHECK_INT(np_safe_create(dirfd, "new", 0600, false, msg, sizeof(msg)), -EEXIST);
	fd = np_safe_create(dirfd, "new", 0644, true, msg, sizeof(msg));
	CHECK(fd >= 0);
	CHECK_INT(fstat(fd, &st), 0);
	CHECK_INT(st.st_size, 0);
	CHECK_INT(st.st_mode & 0777, 0644);
	close(fd);
	close(dirfd);
	remove_tree(dir);
}

/* A FIFO planted at the textfile's temporary name: an error, at once (it blocked in open). */
TEST(metrics_textfile_never_blocks_on_a_fifo)
{
	char dir[] = "/tmp/np-safe-XXXXXX", path[PATH_MAX], tmp[PATH_MAX + 32];
	pid_t child;
	int status = -1;

	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/np.prom", dir);
	fflush(stdout);
	child = fork();
	if (child == 0) {
		/* the child's pid names the temporary file: plant the FIFO there first */
		snprintf(tmp, sizeof(tmp), "%s.tmp.%d", path, (int)getpid());
		if (mkfifo(tmp, 0600))
			_exit(3);
		alarm(5); /* blocked: killed by SIGALRM */
		_exit(np_metrics_write_textfile(path, "a 1\n", 4) == -EEXIST ? 0 : 1);
	}
	CHECK(waitpid(child, &status, 0) == child);
	CHECK(WIFEXITED(status));
	CHECK_INT(WEXITSTATUS(status), 0);
	CHECK(access(path, F_OK) != 0);
	remove_tree(dir);
}

/* Every replacement in a directory others may write is refused: they could swap names. */
TEST(file_replace_refuses_an_open_directory)
{
	char dir[] = "/tmp/np-safe-XXXXXX", path[PATH_MAX], tmp[PATH_MAX], victim[PATH_MAX],
	     back[64];
	struct np_buf text = { "new\n", 4 };

	CHECK(mkdtemp(dir) != NULL);
	CHECK_INT(chmod(dir, 0777), 0);
	snprintf(path, sizeof(path), "%s/journal", dir);
	snprintf(tmp, sizeof(tmp), "%s/journal.tmp", dir);
	snprintf(victim, sizeof(victim), "%s/victim", dir);
	put(victim, "mine\n");
	CHECK_INT(symlink(victim, tmp), 0);
	CHECK_INT(np_file_replace(path, tmp, 0600, true, np_fill_buf, &text), -EPERM);
	CHECK_INT(np_read_str(dir, "/victim", back, sizeof(back)), 0);
	CHECK_STR(back, "mine");
	CHECK(access(path, F_OK) != 0);
	remove_tree(dir);
}

TEST(host_lock_is_exclusive)
{
	char msg[256];
	int first, second;

	if (geteuid() != 0) {
		printf("    (not root: /run/numaplace is root's; skipped)\n");
		return;
	}
	first = np_host_lock(msg, sizeof(msg));
	if (first == -EBUSY) {
		printf("    (a numaplace holds the host lock now; skipped)\n");
		return;
	}
	CHECK(first >= 0);
	/* flock is per open file: a second open, even here, finds it taken */
	second = np_host_lock(msg, sizeof(msg));
	CHECK_INT(second, -EBUSY);
	close(first);
	second = np_host_lock(msg, sizeof(msg));
	CHECK(second >= 0);
	close(second);
}
