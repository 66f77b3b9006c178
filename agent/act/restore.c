// SPDX-License-Identifier: GPL-2.0
/*
 * Undo: every journaled change put back, newest first (a value changed twice ends at the
 * oldest), then threads born after `place` that inherited its mask. Idempotent: a value
 * already as it was is left alone, a thread gone or its tid reused is skipped. The journal is
 * cleared only when nothing failed, so a refused write can be retried.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "act/act.h"
#include "act/act_cgroup.h"
#include "lib/procfs.h"
#include "act/restore.h"
#include "topo/topo.h"

/* The journal's records, each checked before any is acted on; 0 or -errno with msg. */
static int load_checked(const char *journal, struct np_kstate *k, struct np_change **changes,
			int *count, char *msg, size_t msglen)
{
	int bad_line = 0, err = np_journal_load(journal, changes, count, &bad_line);

	if (err == -EINVAL)
		snprintf(msg, msglen, "%s: line %d is not a journal record; nothing restored",
			 journal, bad_line);
	else if (err == -EPERM && bad_line)
		snprintf(msg, msglen, "%s: not a numaplace journal (line %d is no journal record)",
			 journal, bad_line);
	else if (err == -EPERM)
		snprintf(msg, msglen, "%s: not a journal numaplace may trust; nothing restored",
			 journal);
	else if (err && err != -ENOENT)
		snprintf(msg, msglen, "%s: %s; nothing restored", journal, strerror(-err));
	if (err)
		return err;
	for (int i = 0; i < *count; i++)
		if ((*changes)[i].kind == NP_CHANGE_SETTING) {
			np_kstate_discover("/", k); /* where this kernel keeps its scan knobs */
			break;
		}
	err = np_restore_check(*changes, *count, k, msg, msglen);
	if (err) {
		np_changes_free(*changes, *count);
		*changes = NULL;
	}
	return err;
}

int np_restore_all(const char *journal, struct np_restore_summary *sum, char *msg, size_t msglen)
{
	struct np_kstate k = { 0 };
	struct np_change *changes;
	int count, err;

	memset(sum, 0, sizeof(*sum));
	err = load_checked(journal, &k, &changes, &count, msg, msglen);
	if (err == -ENOENT)
		return 0;
	if (err)
		return err;
	sum->records = count;
	for (int i = count - 1; i >= 0; i--) {
		const struct np_change *c = &changes[i];

		switch (c->kind) {
		case NP_CHANGE_THREAD_AFFINITY:
			np_restore_thread(c, &sum->threads);
			break;
		case NP_CHANGE_IRQ_AFFINITY:
			np_restore_irq(c, &sum->irqs);
			break;
		case NP_CHANGE_SETTING:
			np_restore_setting(c, &k, &sum->settings);
			break;
		case NP_CHANGE_PROCESS_PAUSED:
			np_restore_process(c, &sum->processes);
			break;
		case NP_CHANGE_CGROUP_CPUSET:
			np_restore_cgroup(c, &sum->cgroups);
			break;
		default:
			break;
		}
	}
	np_restore_inherited(changes, count, &sum->threads);
	/* last: IRQ masks went back while irqbalance still left them alone */
	np_restore_irqbalance_bans(changes, count, &sum->irqbalance);
	np_changes_free(changes, count);
	if (sum->threads.failed || sum->irqs.failed || sum->irqbalance.failed ||
	    sum->settings.failed || sum->processes.failed || sum->cgroups.failed) {
		snprintf(msg, msglen, "some values could not be put back; %s is kept for another "
				      "try",
			 journal);
		return -EAGAIN;
	}
	err = np_journal_clear(journal);
	if (err)
		snprintf(msg, msglen, "%s: removing it: %s", journal, strerror(-err));
	return err;
}

/*
 * The start time of the process at pid: what its main thread's stat says, also when that
 * thread is a zombie leading live threads (pthread_exit). -ESRCH: no process has that pid (an
 * exited one waiting for its parent counts as none: all its threads have ended).
 */
static int process_start(pid_t pid, unsigned long long *start)
{
	struct np_proc_info info;
	int err = np_thread_start_time("/", pid, pid, start);

	if (err != -ESRCH)
		return err;
	err = np_proc_read("/", pid, &info);
	if (!err)
		*start = info.start_time;
	return err;
}

/*
 * Whether the thread of a record still runs (same tid, same start time). A server that starts
 * and ends threads all day would otherwise grow the journal for as long as it lives; the
 * record of an ended thread is as inert for restore as that of an ended process (restore and
 * np_restore_inherited() match tid and start time). Unsure: kept.
 */
static bool thread_lives(const struct np_change *c)
{
	unsigned long long start;
	int err = np_thread_start_time("/", c->tgid, c->id, &start);

	return err == -ESRCH ? false : err ? true : start == c->start_time;
}

/* The last process looked up: the records of one placement come one after another. */
struct compact_cache {
	pid_t pid;
	int err;
	unsigned long long start;
};

/*
 * Whether restore could still act on a record. Thread and pause records name a thread of the
 * process at tgid, born at start_time; restore acts on one only while that thread lives (same
 * tid, same start time), and, with np_restore_inherited() matching start times too, a record
 * of an ended thread changes nothing it does. Once the whole process has ended (its pid gone,
 * or given to a process started after the record's thread was born: the same process would
 * have started before it), none of its threads can live again, so its records are inert for
 * every later restore. Of a process that still runs, the records of its ended threads go
 * too (one stat read each), never its main thread's: np_restore_inherited() finds the placed
 * process by it. Every other kind stays (IRQs, settings, irqbalance bans: not tied to a
 * process).
 */
static bool still_needed(const struct np_change *c, void *ctx)
{
	struct compact_cache *cache = ctx;

	if ((c->kind != NP_CHANGE_THREAD_AFFINITY && c->kind != NP_CHANGE_PROCESS_PAUSED) ||
	    c->tgid <= 0)
		return true;
	if (cache->pid != c->tgid) {
		cache->pid = c->tgid;
		cache->err = process_start(c->tgid, &cache->start);
	}
	if (cache->err == -ESRCH)
		return false;
	if (cache->err)
		return true; /* cannot tell: kept */
	if (cache->start > c->start_time)
		return false;
	return c->kind != NP_CHANGE_THREAD_AFFINITY || c->id == c->tgid || thread_lives(c);
}

int np_restore_compact(const char *journal, int *dropped)
{
	struct compact_cache cache = { 0 };

	return np_journal_compact(journal, still_needed, &cache, dropped);
}
