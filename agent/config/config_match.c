// SPDX-License-Identifier: GPL-2.0
/*
 * Which processes a [match] section takes (see config.h): from what /proc said, pure but for
 * the warning about a regex that ran out of its budget.
 */
#include <errno.h>
#include <stdio.h>
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

/*
 * A match that runs out of its budget (a pattern that backtracks without end on this text)
 * counts as no match: the process is left alone, and said so. Discovery examines a process
 * once (again only when its comm changes), so this is one line per process, rate-limited.
 */
static bool matches(const struct np_match *m, const struct np_pattern *re, const char *text)
{
	int rc = np_pattern_match(re, text);

	if (rc < 0)
		np_log_ratelimited("match budget", NP_LOG_WARNING,
				   "[match %s]: %s matching \"%.80s\": not managed", m->name,
				   rc == -ERANGE ? "the regex ran out of its budget" : "no memory",
				   text);
	return rc > 0;
}

/* The container rule: the full id or the short form; a monitor is not the container. */
static bool container_matches(const struct np_match *m, const struct np_cgroup_id *id)
{
	char short_id[13];

	if (!id || !id->container_id[0] || id->monitor)
		return false;
	snprintf(short_id, sizeof(short_id), "%.12s", id->container_id);
	return matches(m, &m->container_re, id->container_id) ||
	       matches(m, &m->container_re, short_id);
}

bool np_match_process(const struct np_match *m, const char *comm, const char *cmdline,
		      const char *cgroup, bool has_accel)
{
	return np_match_process_id(m, comm, cmdline, cgroup, NULL, has_accel);
}

bool np_match_process_id(const struct np_match *m, const char *comm, const char *cmdline,
			 const char *cgroup, const struct np_cgroup_id *id, bool has_accel)
{
	comm = comm ? comm : "";
	cmdline = cmdline ? cmdline : "";
	if (m->process[0] && !matches(m, &m->process_re, comm) &&
	    !matches(m, &m->process_re, cmdline))
		return false;
	if (m->comm[0] && !matches(m, &m->comm_re, comm))
		return false;
	if (m->cmdline[0] && !matches(m, &m->cmdline_re, cmdline))
		return false;
	if (m->cgroup[0] && !cgroup_under(cgroup, m->cgroup))
		return false;
	if (m->container[0] && !container_matches(m, id))
		return false;
	if (m->unit[0] && !(id && id->unit[0] && matches(m, &m->unit_re, id->unit)))
		return false;
	if (m->accelerator && !has_accel)
		return false;
	return true;
}

int np_match_below(const struct np_match *m, double rss_mb, double busy_cpus)
{
	return (rss_mb < (double)m->min_rss_mb ? NP_BELOW_RSS : 0) |
	       (busy_cpus < m->min_cpu ? NP_BELOW_CPU : 0);
}

bool np_match_big_enough(const struct np_match *m, double rss_mb, double busy_cpus)
{
	return !np_match_below(m, rss_mb, busy_cpus);
}
