// SPDX-License-Identifier: GPL-2.0
/* Whole-file writes (see file_write.h). */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/file_write.h"
#include "lib/safe_open.h"

int np_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int np_fill_buf(int fd, const void *arg)
{
	const struct np_buf *b = arg;

	return np_write_all(fd, b->data, b->len);
}

int np_fsync_dir(const char *path)
{
	char copy[PATH_MAX];
	int fd, err = 0;

	snprintf(copy, sizeof(copy), "%s", path);
	fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fsync(fd))
		err = -errno;
	close(fd);
	return err;
}

int np_file_replace_at(int dirfd, const char *name, const char *tmp, mode_t mode, bool sync_dir,
		       int (*fill)(int fd, const void *arg), const void *arg)
{
	char msg[128];
	int fd, err;

	fd = np_safe_create(dirfd, tmp, mode, true, msg, sizeof(msg));
	if (fd < 0)
		return fd;
	err = fill(fd, arg);
	if (!err && fsync(fd))
		err = -errno;
	if (close(fd) && !err)
		err = -errno;
	if (!err && renameat(dirfd, tmp, dirfd, name))
		err = -errno;
	if (!err && sync_dir && fsync(dirfd))
		err = -errno;
	if (err)
		unlinkat(dirfd, tmp, 0);
	return err;
}

int np_file_replace(const char *path, const char *tmp, mode_t mode, bool sync_dir,
		    int (*fill)(int fd, const void *arg), const void *arg)
{
	const char *slash = strrchr(tmp, '/');
	char name[NAME_MAX + 1], msg[128];
	int dirfd, err;

	dirfd = np_safe_dir(path, false, name, sizeof(name), msg, sizeof(msg));
	if (dirfd < 0)
		return dirfd;
	err = np_file_replace_at(dirfd, name, slash ? slash + 1 : tmp, mode, sync_dir, fill, arg);
	close(dirfd);
	return err;
}
