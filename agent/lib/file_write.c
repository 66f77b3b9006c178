// SPDX-License-Identifier: GPL-2.0
/* Whole-file writes (see file_write.h). */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/file_write.h"

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

int np_file_replace(const char *path, const char *tmp, mode_t mode, bool sync_dir,
		    int (*fill)(int fd, const void *arg), const void *arg)
{
	int fd, err;

	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode);
	if (fd < 0)
		return -errno;
	/* the caller's mode, not the umask's: the metrics file is read by another user */
	err = fchmod(fd, mode) ? -errno : 0;
	if (!err)
		err = fill(fd, arg);
	if (!err && fsync(fd))
		err = -errno;
	if (close(fd) && !err)
		err = -errno;
	if (!err && rename(tmp, path))
		err = -errno;
	if (!err && sync_dir)
		err = np_fsync_dir(path);
	if (err)
		unlink(tmp);
	return err;
}
