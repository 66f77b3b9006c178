// SPDX-License-Identifier: GPL-2.0
/*
 * The agent's own footprint for its metrics: CPU time from getrusage() (what the kernel
 * charged, threads included) and resident memory now from /proc/self/statm (ru_maxrss would
 * be the peak, which never comes down).
 */
#include <errno.h>
#include <stdio.h>
#include <sys/resource.h>

#include "lib/pages.h"
#include "output/metrics.h"

int np_metrics_self(struct np_metrics *m)
{
	unsigned long long size, resident;
	struct rusage ru;
	FILE *f;
	int n;

	if (getrusage(RUSAGE_SELF, &ru))
		return -errno;
	m->agent_cpu_seconds = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec +
			       ru.ru_stime.tv_usec / 1e6;
	f = fopen("/proc/self/statm", "re");
	if (!f)
		return -errno;
	n = fscanf(f, "%llu %llu", &size, &resident);
	fclose(f);
	if (n != 2)
		return -EIO;
	m->agent_rss_bytes = resident * (unsigned long long)np_base_page_kb() * 1024;
	return 0;
}
