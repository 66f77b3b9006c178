// SPDX-License-Identifier: GPL-2.0
/* Which processes a [match] section takes (see config.h): pure, from what /proc said. */
#include <string.h>

#include "config/config.h"

/* Under a cgroup prefix by whole components: /a/b holds /a/b and /a/b/c, not /a/bc. */
static bool cgroup_under(const char *cgroup, const char *prefix)
{
	size_t n = strlen(prefix);

	if (!cgroup || cgroup[0] != '/')
		return false;
	if (!strcmp(prefix, "/"))
		return true;
	return !strncmp(cgroup, prefix, n) && (cgroup[n] == '\0' || cgroup[n] == '/');
}

static bool matches(const regex_t *re, const char *text)
{
	return !regexec(re, text, 0, NULL, 0);
}

bool np_match_process(const struct np_match *m, const char *comm, const char *cmdline,
		      const char *cgroup, bool has_accel)
{
	comm = comm ? comm : "";
	cmdline = cmdline ? cmdline : "";
	if (m->process[0] && !matches(&m->process_re, comm) && !matches(&m->process_re, cmdline))
		return false;
	if (m->comm[0] && !matches(&m->comm_re, comm))
		return false;
	if (m->cmdline[0] && !matches(&m->cmdline_re, cmdline))
		return false;
	if (m->cgroup[0] && !cgroup_under(cgroup, m->cgroup))
		return false;
	if (m->accelerator && !has_accel)
		return false;
	return true;
}

bool np_match_big_enough(const struct np_match *m, double rss_mb, double busy_cpus)
{
	return rss_mb >= (double)m->min_rss_mb && busy_cpus >= m->min_cpu;
}
