// SPDX-License-Identifier: GPL-2.0
/*
 * Stopping the process while its slow file pages move (the pacer decides when, pacer.c), and
 * letting it go again.
 *
 * The stop is a ptrace stop, not SIGSTOP: the mover seizes every thread (PTRACE_SEIZE) and
 * interrupts it (PTRACE_INTERRUPT), then detaches. A ptrace stop belongs to its tracer: when
 * the tracing thread exits for whatever reason (numaplace killed with SIGKILL, by the OOM
 * killer, a crash, or just the mover thread ending), the kernel detaches its tracees and
 * they run on. A SIGSTOP outlived its sender until someone sent SIGCONT. Also, a ptrace stop
 * is not a job-control stop: the process's parent (a supervisor, a shell) is not told, and a
 * SIGSTOP someone else sends meanwhile stays pending and takes effect once we let go, where
 * our SIGCONT used to cancel it.
 *
 * Threads born meanwhile: the task list is read again after the threads held so far have
 * stopped, until no new one turns up (a stopped thread creates none). A thread that cannot be
 * seized (traced already, by a debugger or a sandbox, Yama's ptrace_scope 3, an LSM, a seccomp
 * filter without ptrace) runs on; when not one can be seized the move does without stopping
 * the process, slower, as it does when the pause cannot be journaled. No SIGSTOP fallback: it
 * is what could leave the process stopped.
 *
 * The pause is still journaled before the first stop, and `restore` continues a process it
 * finds stopped with that record (np_restore_process): the belt to these braces, and what
 * undoes the SIGSTOP of a journal an older numaplace left behind.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ptrace.h>
#include <sys/wait.h>

#include "act/act.h"
#include "act/mover.h"
#include "lib/procfs.h"

#define HOLD_ROUNDS  4	/* task list reads: threads born while the others stop */
#define STOP_WAIT_MS 50 /* per round: the move is what should find them stopped */

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
	err = np_change_values(&c, "running", NULL);
	if (!err)
		err = np_journal_append(m->opts->journal, &c, 1);
	np_change_release(&c);
	if (!err)
		m->pause_journaled = true;
	return err;
}

static bool held(const struct np_pause *p, pid_t tid)
{
	for (int i = 0; i < p->n; i++)
		if (p->held[i].tid == tid)
			return true;
	return false;
}

/* Seize a thread and ask it to stop; its stop is reported later (poll_stop). */
static int hold_thread(struct np_pause *p, pid_t tid)
{
	if (p->n == p->cap) {
		int cap = p->cap ? p->cap * 2 : 64;
		struct np_held *more = realloc(p->held, cap * sizeof(*more));

		if (!more)
			return -ENOMEM;
		p->held = more;
		p->cap = cap;
	}
	if (ptrace(PTRACE_SEIZE, tid, NULL, NULL))
		return -errno;
	/* fails only when the thread is gone: then its exit is what poll_stop reports */
	ptrace(PTRACE_INTERRUPT, tid, NULL, NULL);
	p->held[p->n++] = (struct np_held){ .tid = tid };
	return 0;
}

/* Seize the threads not held yet: how many; *refused: why one could not be (-errno). */
static int hold_new_threads(struct np_pause *p, pid_t pid, int *refused)
{
	int count, added = 0, err;
	pid_t *tids;

	err = np_proc_threads("/", pid, &tids, &count);
	if (err)
		return err == -ENOENT ? -ESRCH : err;
	for (int i = 0; i < count; i++) {
		if (held(p, tids[i]))
			continue;
		err = hold_thread(p, tids[i]);
		if (!err)
			added++;
		else if (err != -ESRCH)
			*refused = err;
	}
	free(tids);
	return added;
}

/* Whether a held thread has stopped: 1 yes, 0 not yet, -1 it is gone (reaped). */
static int poll_stop(struct np_held *h)
{
	int status;
	pid_t r = waitpid(h->tid, &status, __WALL | WNOHANG);

	if (r == 0)
		return 0;
	if (r < 0 || !WIFSTOPPED(status))
		return -1;
	h->stopped = true;
	/* a signal-delivery stop (no event in the high bits) took the signal: handed back later */
	h->sig = (status >> 16) ? 0 : WSTOPSIG(status);
	return 1;
}

/* Forget the held threads that are gone. */
static void drop_gone(struct np_pause *p, const bool *gone)
{
	int k = 0;

	for (int i = 0; i < p->n; i++)
		if (!gone[i])
			p->held[k++] = p->held[i];
	p->n = k;
}

/* Wait up to ms for every held thread's stop. */
static void wait_stops(struct np_pause *p, int ms)
{
	for (int waited = 0;; waited++) {
		bool gone[p->n ? p->n : 1];
		int pending = 0;

		for (int i = 0; i < p->n; i++) {
			int st = p->held[i].stopped ? 1 : poll_stop(&p->held[i]);

			gone[i] = st < 0;
			pending += st == 0;
		}
		drop_gone(p, gone);
		if (!pending || waited >= ms)
			return;
		usleep(1000);
	}
}

/*
 * Let the stopped threads go, a signal their stop took handed back. A thread still on its way
 * to its stop (an uninterruptible wait) cannot be detached yet: it stays held until the next
 * release, or until this mover thread ends and the kernel lets it go.
 */
static void release(struct np_pause *p)
{
	bool gone[p->n ? p->n : 1];

	for (int i = 0; i < p->n; i++) {
		struct np_held *h = &p->held[i];
		int st = h->stopped ? 1 : poll_stop(h);

		gone[i] = st != 0;
		if (st <= 0)
			continue;
		/* ESRCH: a SIGKILL ended its stop; its exit is ours to reap (poll_stop), later */
		if (ptrace(PTRACE_DETACH, h->tid, NULL, (void *)(long)h->sig) && errno == ESRCH)
			gone[i] = h->stopped = false;
	}
	drop_gone(p, gone);
}

/* Hold every thread of the process, those born meanwhile too. */
static int hold_process(struct np_pause *p, pid_t pid)
{
	int refused = 0, added;

	for (int round = 0; round < HOLD_ROUNDS; round++) {
		added = hold_new_threads(p, pid, &refused);
		if (added < 0) {
			release(p);
			return added;
		}
		if (round && !added)
			break;
		wait_stops(p, STOP_WAIT_MS);
	}
	if (p->n)
		return 0;
	return refused ? refused : -ESRCH;
}

int np_mover_stop_process(struct np_mover_worker *wk)
{
	struct np_mover *m = wk->m;
	int err = m->pause_journaled ? 0 : journal_pause(m);

	if (err)
		return err;
	return hold_process(&wk->pause, m->pid);
}

void np_mover_continue_process(struct np_mover_worker *wk, double ms)
{
	release(&wk->pause);
	wk->m->pauses++;
	wk->m->paused_seconds += ms / 1000;
}

void np_mover_pause_end(struct np_mover_worker *wk)
{
	release(&wk->pause);
	free(wk->pause.held);
	wk->pause = (struct np_pause){ 0 };
}

void np_restore_process(const struct np_change *c, struct np_act_result *res)
{
	unsigned long long start;

	/* the same process (start time), and still stopped: a SIGSTOP outlived its sender */
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
