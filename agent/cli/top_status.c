// SPDX-License-Identifier: GPL-2.0
/*
 * What `numaplace run` says it manages, from its status file, loaded as `numaplace status`
 * loads it (status_load.h). A missing or malformed file is shown as "-", never an error: top
 * works without a daemon.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli/status_load.h"
#include "cli/top.h"

bool np_top_status_load(struct np_status *st)
{
	char msg[256];

	np_status_free(st);
	memset(st, 0, sizeof(*st));
	if (!np_cli_status_load(st, msg, sizeof(msg)))
		return true;
	np_status_free(st);
	return false;
}

static const struct np_status_proc *find_pid(const struct np_status *st, pid_t pid)
{
	for (int i = 0; i < st->nprocs; i++)
		if (st->procs[i].pid == pid)
			return &st->procs[i];
	return NULL;
}

/* The placement's time as "21:40" (UTC, as the file has it); "" when there is none. */
static void placement_time(const struct np_status_proc *p, char *buf, size_t len)
{
	time_t s = (time_t)p->placed_at_s;
	struct tm tm;

	buf[0] = '\0';
	if (p->placed_at_s > 0 && gmtime_r(&s, &tm) && !strftime(buf, len, "%H:%M", &tm))
		buf[0] = '\0';
}

void np_top_status_words(const struct np_status *status, pid_t pid, char *run, size_t runlen,
			 char *detail, size_t detaillen)
{
	const struct np_status_proc *p = status ? find_pid(status, pid) : NULL;
	char when[8];

	run[0] = detail[0] = '\0';
	if (!p)
		return;
	placement_time(p, when, sizeof(when));
	if (p->node >= 0)
		snprintf(run, runlen, "n%d %s", p->node, when);
	else
		snprintf(run, runlen, "managed");
	snprintf(detail, detaillen, "managed, %s%s%s", np_status_state_name(p->state),
		 when[0] ? ", last placed at " : "", when);
}
