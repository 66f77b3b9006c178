// SPDX-License-Identifier: GPL-2.0
/* Opening the files numaplace writes as root (see safe_open.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/safe_open.h"

/* The directory part of path ("." for a bare name) and its last component. */
static int split_path(const char *path, char *dir, size_t dirlen, char *name, size_t namelen)
{
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;

	if (!*base || !strcmp(base, ".") || !strcmp(base, ".."))
		return -EISDIR;
	if ((size_t)snprintf(name, namelen, "%s", base) >= namelen)
		return -ENAMETOOLONG;
	if (!slash)
		return snprintf(dir, dirlen, ".") >= (int)dirlen ? -ENAMETOOLONG : 0;
	if (slash == path) /* "/name" */
		return snprintf(dir, dirlen, "/") >= (int)dirlen ? -ENAMETOOLONG : 0;
	if ((size_t)(slash - path) >= dirlen)
		return -ENAMETOOLONG;
	memcpy(dir, path, slash - path);
	dir[slash - path] = '\0';
	return 0;
}

/* Owned by us (root) and writable only by us, or sticky: nobody else can swap our names. */
static int check_dir(int fd, const char *dir, char *msg, size_t msglen)
{
	struct stat st;

	if (fstat(fd, &st))
		return -errno;
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	if (st.st_uid != geteuid()) {
		snprintf(msg, msglen, "directory %s is owned by uid %u, not by uid %u", dir,
			 (unsigned int)st.st_uid, (unsigned int)geteuid());
		return -EPERM;
	}
	if ((st.st_mode & (S_IWGRP | S_IWOTH)) && !(st.st_mode & S_ISVTX)) {
		snprintf(msg, msglen, "directory %s is writable by group or others (mode %04o)",
			 dir, (unsigned int)(st.st_mode & 07777));
		return -EPERM;
	}
	return 0;
}

int np_safe_dir(const char *path, bool create, char *name, size_t namelen, char *msg, size_t msglen)
{
	char dir[PATH_MAX];
	int fd, err = split_path(path, dir, sizeof(dir), name, namelen);

	if (err) {
		snprintf(msg, msglen, "%s: %s", path, strerror(-err));
		return err;
	}
	if (create && mkdir(dir, 0700) && errno != EEXIST) {
		err = -errno;
		snprintf(msg, msglen, "creating %s: %s", dir, strerror(-err));
		return err;
	}
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		snprintf(msg, msglen, "%s: %s", dir, strerror(-err));
		return err;
	}
	err = check_dir(fd, dir, msg, msglen);
	if (err) {
		close(fd);
		return err;
	}
	return fd;
}

/* A regular file of ours that only we may change, under one name. */
static int check_file(const struct stat *st, char *msg, size_t msglen)
{
	const char *why = NULL;

	if (!S_ISREG(st->st_mode))
		why = "not a regular file";
	else if (st->st_uid != geteuid())
		why = "not owned by the user numaplace runs as";
	else if (st->st_mode & (S_IWGRP | S_IWOTH))
		why = "writable by group or others";
	else if (st->st_nlink != 1)
		why = "more than one name (hard links)";
	if (!why)
		return 0;
	snprintf(msg, msglen, "%s", why);
	return -EPERM;
}

int np_safe_open(int dirfd, const char *name, int flags, char *msg, size_t msglen)
{
	struct stat st, again;
	int path, fd, err;

	/* looked at before it is opened: opening a device or a FIFO can itself do things */
	path = openat(dirfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (path < 0 || fstat(path, &st)) {
		err = -errno;
		if (path >= 0)
			close(path);
		snprintf(msg, msglen, "%s", strerror(-err));
		return err;
	}
	close(path);
	if (S_ISLNK(st.st_mode)) {
		snprintf(msg, msglen, "a symlink");
		return -ELOOP;
	}
	err = check_file(&st, msg, msglen);
	if (err)
		return err;
	fd = openat(dirfd, name, flags | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		err = -errno;
	else if (fstat(fd, &again))
		err = -errno;
	else if (again.st_ino != st.st_ino || again.st_dev != st.st_dev)
		err = -EAGAIN; /* replaced since it was looked at */
	else if (fcntl(fd, F_SETFL, flags & ~O_NONBLOCK))
		err = -errno;
	if (!err)
		return fd;
	if (fd >= 0)
		close(fd);
	snprintf(msg, msglen, "%s", strerror(-err));
	return err;
}

/* What sits at name, refused (or, stale_ok, a crash's leftover removed: 0, try again). */
static int existing(int dirfd, const char *name, bool stale_ok, char *msg, size_t msglen)
{
	struct stat st;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW))
		return errno == ENOENT ? 0 : -errno; /* gone meanwhile: try again */
	if (S_ISLNK(st.st_mode)) {
		snprintf(msg, msglen, "%s is a symlink", name);
		return -ELOOP;
	}
	if (S_ISDIR(st.st_mode)) {
		snprintf(msg, msglen, "%s is a directory", name);
		return -EISDIR;
	}
	if (stale_ok && !check_file(&st, msg, msglen))
		return unlinkat(dirfd, name, 0) ? -errno : 0;
	snprintf(msg, msglen, "%s exists and is not a file numaplace left", name);
	return -EEXIST;
}

int np_safe_create(int dirfd, const char *name, mode_t mode, bool stale_ok, char *msg,
		   size_t msglen)
{
	const int flags = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC;
	int fd = -1, err = 0;

	for (int tries = 0; fd < 0 && tries < 2; tries++) {
		fd = openat(dirfd, name, flags, mode);
		if (fd >= 0)
			break;
		err = -errno;
		if (err != -EEXIST)
			break;
		err = existing(dirfd, name, stale_ok, msg, msglen);
		if (err)
			return err;
		err = -EEXIST;
	}
	if (fd < 0) {
		snprintf(msg, msglen, "%s: %s", name, strerror(-err));
		return err;
	}
	/* the caller's mode, not the umask's: the metrics file is read by another user */
	if (fchmod(fd, mode) || fcntl(fd, F_SETFL, O_WRONLY)) {
		err = -errno;
		close(fd);
		unlinkat(dirfd, name, 0);
		snprintf(msg, msglen, "%s: %s", name, strerror(-err));
		return err;
	}
	return fd;
}
