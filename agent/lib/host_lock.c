// SPDX-License-Identifier: GPL-2.0
/* The host-wide lock of the commands that change the system (host_lock.h). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "lib/host_lock.h"
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
		snprintf(msg, msglen, "%s: %s", NP_HOST_LOCK, strerror(-err));
		close(fd);
		return err;
	}
	return fd;
}
