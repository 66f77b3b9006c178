// SPDX-License-Identifier: GPL-2.0
/*
 * Stopping the process while its slow file pages move (the pacer decides when, pacer.c), and
 * continuing it. The stop is journaled before the first SIGSTOP, so a SIGKILL of ours in the
 * middle of a batch cannot leave it stopped: `restore` continues it (np_restore_process).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "act/act.h"
#include "act/mover.h"
#include "lib/procfs.h"

char np_proc_state(pid_t pid, unsigned long *vsize)
{
	struct np_stat st;

	if (np_stat_read("/", pid, 0, &st))
		return 0;
	if (vsize)
		*vsize = st.vsize;
	return st.state;
}

static int journal_pause(struct np_mover *m)
{
	struct np_change c = { .kind = NP_CHANGE_PROCESS_PAUSED, .id = m->pid, .tgid = m->pid };
	int err;

	if (np_thread_start_time("/", m->pid, m->pid, &c.start_time))
		return -ESRCH;
	snprintf(c.old_value, sizeof(c.old_value), "running");
	err = np_journal_append(m->opts->journal, &c, 1);
	if (!err)
		m->pause_journaled = true;
	return err;
}

int np_mover_stop_process(struct np_mover *m)
{
	int err = m->pause_journaled ? 0 : journal_pause(m);

	if (err)
		return err;
	if (kill(m->pid, SIGSTOP))
		return -errno;
	/* the move is what should find it stopped, not a thread still on its way there */
	for (int i = 0; i < 50 && np_proc_state(m->pid, NULL) != 'T'; i++)
		usleep(1000);
	return 0;
}

void np_mover_continue_process(struct np_mover *m, double ms)
{
	kill(m->pid, SIGCONT);
	m->pauses++;
	m->paused_seconds += ms / 1000;
}

void np_restore_process(const struct np_change *c, struct np_act_result *res)
{
	unsigned long long start;

	/* the same process (start time), and still stopped: our SIGSTOP outlived us */
	if (np_thread_start_time("/", c->tgid, c->id, &start) || start != c->start_time) {
		res->vanished++;
		return;
	}
	if (np_proc_state(c->id, NULL) != 'T') {
		res->unchanged++;
		return;
	}
	if (kill(c->id, SIGCONT))
		np_act_fail(res, "pid %d: SIGCONT: %s", c->id, strerror(errno));
	else
		res->changed++;
}
