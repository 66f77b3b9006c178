// SPDX-License-Identifier: GPL-2.0
/* Root-relative reads and writes of /sys and /proc (see sysfs.h). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/sysfs.h"

int np_path(char *out, size_t len, const char *root, const char *fmt, ...)
{
	char rel[PATH_MAX];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(rel, sizeof(rel), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(rel))
		return -ENAMETOOLONG;
	n = snprintf(out, len, "%s%s", np_root_prefix(root), rel);
	if (n < 0 || (size_t)n >= len)
		return -ENAMETOOLONG;
	return 0;
}

int np_read_str(const char *root, const char *path, char *buf, size_t len)
{
	char full[PATH_MAX];
	ssize_t n, total = 0;
	int fd, err;

	err = np_path(full, sizeof(full), root, "%s", path);
	if (err)
		return err;
	fd = open(full, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	/* sysfs files may return short reads; loop until EOF. */
	while ((size_t)total < len - 1) {
		n = read(fd, buf + total, len - 1 - total);
		if (n < 0) {
			err = -errno;
			close(fd);
			return err;
		}
		if (n == 0)
			break;
		total += n;
	}
	if ((size_t)total == len - 1) {
		char extra;

		if (read(fd, &extra, 1) == 1) {
			close(fd);
			return -EFBIG;
		}
	}
	close(fd);
	buf[total] = '\0';
	while (total > 0 && (buf[total - 1] == '\n' || buf[total - 1] == ' '))
		buf[--total] = '\0';
	return 0;
}

int np_read_long(const char *root, const char *path, long *value)
{
	char buf[64], *end;
	int err;

	err = np_read_str(root, path, buf, sizeof(buf));
	if (err)
		return err;
	errno = 0;
	*value = strtol(buf, &end, 0);
	if (errno || end == buf || *end)
		return -EINVAL;
	return 0;
}

int np_write_str(const char *root, const char *path, const char *value)
{
	char full[PATH_MAX];
	size_t len = strlen(value);
	ssize_t n;
	int fd, err;

	err = np_path(full, sizeof(full), root, "%s", path);
	if (err)
		return err;
	fd = open(full, O_WRONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	n = write(fd, value, len);
	if (n < 0)
		err = -errno;
	else if ((size_t)n != len)
		err = -EIO;
	if (close(fd) && !err)
		err = -errno;
	return err;
}

bool np_exists(const char *root, const char *path)
{
	char full[PATH_MAX];

	return !np_path(full, sizeof(full), root, "%s", path) && access(full, F_OK) == 0;
}

int np_read_link_name(const char *root, const char *path, char *buf, size_t len)
{
	char full[PATH_MAX], target[PATH_MAX];
	const char *base;
	ssize_t n;
	int err;

	err = np_path(full, sizeof(full), root, "%s", path);
	if (err)
		return err;
	n = readlink(full, target, sizeof(target) - 1);
	if (n < 0)
		return -errno;
	target[n] = '\0';
	base = strrchr(target, '/');
	base = base ? base + 1 : target;
	if (strlen(base) >= len)
		return -ENAMETOOLONG;
	strcpy(buf, base);
	return 0;
}
