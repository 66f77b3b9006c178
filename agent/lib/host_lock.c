// SPDX-License-Identifier: GPL-2.0
/* The host-wide lock of the commands that change the system (host_lock.h). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "lib/host_lock.h"
#include "lib/procfs.h"
#include "lib/safe_open.h"

/* The lock file, made when missing; never removed, so everyone locks the same inode. */
static int open_lock(int dirfd, const char *name, char *msg, size_t msglen)
{
	int fd = -ENOENT;

	/* two first users at once: the one that loses the O_EXCL race opens the other's file */
	for (int tries = 0; tries < 3 && (fd == -ENOENT || fd == -EEXIST); tries++) {
		fd = np_safe_open(dirfd, name, O_RDONLY, msg, msglen);
		if (fd == -ENOENT)
			fd = np_safe_create(dirfd, name, 0600, false, msg, msglen);
	}
	return fd;
}

/*
 * The pid holding a flock on the file dev:ino, from /proc/locks: a flock carries the pid that
 * took it there (F_GETLK sees POSIX locks only, F_OFD_GETLK gives no pid). 0 when it cannot be
 * told: not held, released meanwhile, or /proc/locks hidden.
 */
static pid_t flock_holder(dev_t dev, ino_t ino)
{
	unsigned int major_nr, minor_nr;
	unsigned long line_ino;
	char line[256], kind[16];
	pid_t pid = 0;
	int holder;
	FILE *f;

	f = fopen("/proc/locks", "re");
	if (!f)
		return 0;
	/* "1: FLOCK  ADVISORY  WRITE 1234 00:1a:5678 0 EOF"; a waiter's line has "->" for kind */
	while (!pid && fgets(line, sizeof(line), f))
		if (sscanf(line, "%*d: %15s %*s %*s %d %x:%x:%lu", kind, &holder, &major_nr,
			   &minor_nr, &line_ino) == 5 &&
		    !strcmp(kind, "FLOCK") && line_ino == ino &&
		    makedev(major_nr, minor_nr) == dev && holder > 0)
			pid = holder;
	fclose(f);
	return pid;
}

static pid_t lock_holder(int fd)
{
	struct stat st;

	return fstat(fd, &st) ? 0 : flock_holder(st.st_dev, st.st_ino);
}

pid_t np_host_lock_holder(void)
{
	struct stat st;

	return stat(NP_HOST_LOCK, &st) ? 0 : flock_holder(st.st_dev, st.st_ino);
}

/* "pid 1234 (numaplace run --match llama)" into msg, or "" when the holder is unknown. */
static void describe_holder(int fd, char *msg, size_t msglen)
{
	struct np_proc_info info;
	pid_t pid = lock_holder(fd);
	const char *cmd;

	msg[0] = '\0';
	if (!pid)
		return;
	if (np_proc_read("/", pid, &info)) {
		snprintf(msg, msglen, "pid %d", pid);
		return;
	}
	/* its program by name, not path, and a few words of its arguments: a line of a message */
	cmd = info.cmdline[0] ? info.cmdline : info.comm;
	if (cmd[0] == '/')
		for (const char *c = cmd; *c && *c != ' '; c++)
			if (*c == '/')
				cmd = c + 1;
	snprintf(msg, msglen, "pid %d (%.48s%s)", pid, cmd, strlen(cmd) > 48 ? "..." : "");
}

int np_host_lock(char *msg, size_t msglen)
{
	char name[NAME_MAX + 1], why[128] = "";
	int dirfd, fd, err;

	dirfd = np_safe_dir(NP_HOST_LOCK, true, name, sizeof(name), why, sizeof(why));
	if (dirfd < 0) {
		snprintf(msg, msglen, "%s", why);
		return dirfd;
	}
	fd = open_lock(dirfd, name, why, sizeof(why));
	close(dirfd);
	if (fd < 0) {
		snprintf(msg, msglen, "%s: %s", NP_HOST_LOCK, why);
		return fd;
	}
	if (flock(fd, LOCK_EX | LOCK_NB)) {
		err = errno == EWOULDBLOCK ? -EBUSY : -errno;
		if (err == -EBUSY)
			describe_holder(fd, msg, msglen);
		else
			snprintf(msg, msglen, "%s: %s", NP_HOST_LOCK, strerror(-err));
		close(fd);
		return err;
	}
	return fd;
}
