// SPDX-License-Identifier: GPL-2.0
/*
 * The metrics textfile for node_exporter's textfile collector, which reads every *.prom file
 * of its directory at each scrape: written beside the target as PATH.tmp.<pid> (not *.prom,
 * so never read half-written), fsync'ed, then renamed over PATH in one step.
 *
 * The directory is not fsync'ed: a rename lost in a crash leaves the previous snapshot, and
 * the daemon's next interval replaces it; metrics are not worth a second flush every interval.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "output/metrics.h"

int np_metrics_write_textfile(const char *path, const char *text, size_t len)
{
	char tmp[PATH_MAX];
	size_t off = 0;
	int fd, err = 0;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp.%d", path, (int)getpid()) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0)
		return -errno;
	/* the umask must not hide the file from node_exporter, which runs as another user */
	if (fchmod(fd, 0644))
		err = -errno;
	while (!err && off < len) {
		ssize_t w = write(fd, text + off, len - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			err = -errno;
		else
			off += w;
	}
	if (!err && fsync(fd))
		err = -errno;
	if (close(fd) && !err)
		err = -errno;
	if (!err && rename(tmp, path))
		err = -errno;
	if (err)
		unlink(tmp);
	return err;
}
