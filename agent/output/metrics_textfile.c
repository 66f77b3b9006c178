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
#include <limits.h>
#include <stdio.h>
#include <unistd.h>

#include "lib/file_write.h"
#include "output/metrics.h"

int np_metrics_write_textfile(const char *path, const char *text, size_t len)
{
	struct np_buf buf = { text, len };
	char tmp[PATH_MAX];

	if (snprintf(tmp, sizeof(tmp), "%s.tmp.%d", path, (int)getpid()) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	/* 0644: node_exporter runs as another user */
	return np_file_replace(path, tmp, 0644, false, np_fill_buf, &buf);
}
