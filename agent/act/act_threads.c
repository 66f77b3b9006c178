// SPDX-License-Identifier: GPL-2.0
/*
 * Thread placement: every thread of a process gets the target CPUs. Old masks are journaled
 * with each thread's start time, a batch per pass, before any of that pass is written.
 *
 * A thread created while we work inherits the mask of the thread that created it, which may
 * not be pinned yet; so the task list is walked again until a pass finds nothing left to pin.
 * Once the creators are pinned, threads created later inherit the target mask by themselves.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "act/act.h"
#include "lib/procfs.h"

#define MAX_PASSES 64

static int set_mask(pid_t tid, const struct np_cpuset *set)
{
	size_t size = CPU_ALLOC_SIZE(NP_MAX_CPUS);
	cpu_set_t *mask = CPU_ALLOC(NP_MAX_CPUS);
	int err = 0;

	if (!mask)
		return -ENOMEM;
	CPU_ZERO_S(size, mask);
	for (int cpu = 0; cpu < NP_MAX_CPUS; cpu++)
		if (np_cpuset_has(set, cpu))
			CPU_SET_S(cpu, size, mask);
	if (sched_setaffinity(tid, size, mask))
		err = -errno;
	CPU_FREE(mask);
	return err;
}

static bool same_set(const struct np_cpuset *a, const struct np_cpuset *b)
{
	return !memcmp(a, b, sizeof(*a));
}

/* ": the cgroup cpuset allows 2" when the thread's cpuset does not hold all of asked, else "". */
static void cpuset_reason(pid_t tid, const struct np_cpuset *asked, char *buf, size_t len)
{
	struct np_cpuset allowed;
	char list[NP_CPULIST_MAX];

	buf[0] = '\0';
	/* /proc/TID/cgroup: a v1 cpuset can hold one thread of a process and not the others */
	if (np_proc_cpuset("/", tid, &allowed) || np_cpuset_subset(asked, &allowed) ||
	    np_cpulist_format(&allowed, list, sizeof(list)) < 0)
		return;
	snprintf(buf, len, ": the cgroup cpuset allows %s", list);
}

/*
 * Set the mask and read it back. A cpuset narrows what sched_setaffinity asks for and the call
 * still succeeds (v1 and v2 alike), so only the mask the kernel shows afterwards tells whether
 * the thread was pinned as asked; a narrowed one is a failure with its reason, never a change.
 */
static void pin_checked(pid_t tid, const struct np_cpuset *cpus, const char *wanted,
			struct np_act_result *res)
{
	char why[NP_CPULIST_MAX + 32], kept[NP_CPULIST_MAX];
	struct np_cpuset got;
	int err = set_mask(tid, cpus);

	if (!err)
		err = np_thread_affinity(tid, &got);
	if (err == -ESRCH) {
		res->vanished++;
		return;
	}
	if (!err && same_set(&got, cpus)) {
		res->changed++;
		return;
	}
	cpuset_reason(tid, cpus, why, sizeof(why));
	if (err) {
		np_act_fail(res, "thread %d: sched_setaffinity(%s): %s%s", tid, wanted,
			    strerror(-err), why);
		return;
	}
	np_cpulist_format(&got, kept, sizeof(kept)); /* fits: NP_CPULIST_MAX */
	if (np_cpuset_subset(&got, cpus))
		np_act_fail(res, "thread %d: the kernel kept CPU%s %s only, not %s%s", tid,
			    np_cpuset_count(&got) > 1 ? "s" : "", kept, wanted, why);
	else
		np_act_fail(res, "thread %d: the kernel set CPUs %s, not %s%s", tid, kept, wanted,
			    why);
}

static bool seen(const pid_t *done, int ndone, pid_t tid)
{
	for (int i = 0; i < ndone; i++)
		if (done[i] == tid)
			return true;
	return false;
}

/* One pass: journal and pin the threads not handled yet. Returns how many were new. */
static int pin_pass(const char *journal, pid_t pid, const struct np_cpuset *cpus,
		    const char *wanted, bool differing_only, int pass, char *main_old,
		    pid_t **done, int *ndone, struct np_act_result *res)
{
	struct np_change *batch = NULL;
	char old[NP_CHANGE_VALUE_MAX];
	struct np_cpuset now;
	pid_t *tids, *grown;
	int ntids, nbatch = 0, fresh = 0, err;

	err = np_proc_threads("/", pid, &tids, &ntids);
	if (err)
		return err;
	grown = realloc(*done, sizeof(**done) * (*ndone + ntids + 1));
	if (grown)
		*done = grown;
	batch = calloc(ntids + 1, sizeof(*batch));
	if (!grown || !batch) {
		free(batch);
		free(tids);
		return -ENOMEM;
	}
	for (int i = 0; i < ntids && !err; i++) {
		struct np_change *c = &batch[nbatch];

		if (seen(*done, *ndone, tids[i]))
			continue;
		(*done)[(*ndone)++] = tids[i];
		fresh++;
		if (np_thread_start_time("/", pid, tids[i], &c->start_time) ||
		    np_thread_affinity(tids[i], &now)) {
			res->vanished++;
			continue;
		}
		/*
		 * Threads already there are journaled too: restore then knows every thread
		 * that existed at placement, and treats only later ones as inheriting our mask.
		 */
		c->kind = NP_CHANGE_THREAD_AFFINITY;
		c->id = tids[i];
		c->tgid = pid;
		/* cannot fail (NP_CPULIST_MAX); were it to, the thread is not touched */
		if (np_cpulist_format(&now, old, sizeof(old)) < 0) {
			np_act_fail(res, "thread %d: its CPU list does not fit the journal",
				    tids[i]);
			memset(c, 0, sizeof(*c));
			continue;
		}
		/*
		 * A thread born during the placement (a later pass) with our mask inherited it
		 * from a thread we pinned: its old mask is the process's, as for threads born
		 * after the placement.
		 */
		if (tids[i] == pid)
			snprintf(main_old, NP_CHANGE_VALUE_MAX, "%s", old);
		else if (pass > 0 && main_old[0] && !differing_only && !strcmp(old, wanted))
			snprintf(old, sizeof(old), "%s", main_old);
		/*
		 * A follow-up journals only what it changes (the placement recorded the rest),
		 * and leaves a thread the program pinned to some of the node's CPUs alone.
		 */
		if (differing_only && np_cpuset_subset(&now, cpus)) {
			res->unchanged++;
			memset(c, 0, sizeof(*c));
			continue;
		}
		err = np_change_values(c, old, wanted);
		nbatch += !err;
	}
	free(tids);
	if (!err && nbatch)
		err = np_journal_append(journal, batch, nbatch);
	for (int i = 0; i < nbatch && !err; i++) {
		if (!strcmp(batch[i].old_value, batch[i].new_value)) {
			res->unchanged++;
			continue;
		}
		pin_checked(batch[i].id, cpus, wanted, res);
	}
	np_changes_free(batch, nbatch);
	return err ? err : fresh;
}

static int pin_threads(const char *journal, pid_t pid, const struct np_cpuset *cpus,
		       bool differing_only, struct np_act_result *res)
{
	char wanted[NP_CHANGE_VALUE_MAX], main_old[NP_CHANGE_VALUE_MAX] = ""; /* any list fits */
	pid_t *done = NULL;
	int ndone = 0, fresh = 1, pass;

	if (np_cpulist_format(cpus, wanted, sizeof(wanted)) < 0)
		return -ENOSPC;
	for (pass = 0; pass < MAX_PASSES && fresh > 0; pass++)
		fresh = pin_pass(journal, pid, cpus, wanted, differing_only, pass, main_old, &done,
				 &ndone, res);
	free(done);
	if (fresh == -ESRCH && pass > 1)
		fresh = 0; /* the process left after we began: counted, not an error */
	if (fresh > 0)
		np_act_fail(res, "threads kept appearing after %d passes", MAX_PASSES);
	return fresh < 0 ? fresh : 0;
}

int np_act_threads(const char *journal, pid_t pid, const struct np_cpuset *cpus,
		   struct np_act_result *res)
{
	return pin_threads(journal, pid, cpus, false, res);
}

int np_act_threads_followup(const char *journal, pid_t pid, const struct np_cpuset *cpus,
			    struct np_act_result *res)
{
	return pin_threads(journal, pid, cpus, true, res);
}

void np_restore_thread(const struct np_change *c, struct np_act_result *res)
{
	unsigned long long start;
	struct np_cpuset old, now;

	/* gone, or its tid reused by a newer thread: nothing of ours to put back */
	if (np_thread_start_time("/", c->tgid, c->id, &start) || start != c->start_time ||
	    np_thread_affinity(c->id, &now)) {
		res->vanished++;
		return;
	}
	if (np_cpulist_parse(c->old_value, &old)) {
		np_act_fail(res, "thread %d: journaled mask '%s' is not a CPU list", c->id,
			    c->old_value);
		return;
	}
	if (same_set(&now, &old)) {
		res->unchanged++;
		return;
	}
	pin_checked(c->id, &old, c->old_value, res);
}

/*
 * Whether the journal has a record of this very thread (tid and start time). A record of the
 * same tid born at another time was of a thread that has ended: the one now under that tid was
 * born after it, as any thread np_restore_inherited() is for. (Matching the tid alone would
 * leave such a thread with our mask, and make records of ended threads matter to restore.)
 */
static bool journaled(const struct np_change *changes, int n, pid_t tgid, pid_t tid,
		      unsigned long long start)
{
	for (int j = 0; j < n; j++)
		if (changes[j].kind == NP_CHANGE_THREAD_AFFINITY && changes[j].tgid == tgid &&
		    changes[j].id == tid && changes[j].start_time == start)
			return true;
	return false;
}

/*
 * Threads created after `place` inherited the mask we set and are in no journal entry. For
 * each placed process (its main thread's entry, same start time), such a thread whose mask
 * is still ours gets the main thread's old mask back.
 */
void np_restore_inherited(const struct np_change *changes, int n, struct np_act_result *res)
{
	for (int i = 0; i < n; i++) {
		const struct np_change *main_thread = &changes[i];
		unsigned long long start;
		struct np_change inherited;
		pid_t *tids;
		int ntids;

		if (main_thread->kind != NP_CHANGE_THREAD_AFFINITY ||
		    main_thread->id != main_thread->tgid || !main_thread->new_value[0] ||
		    np_thread_start_time("/", main_thread->tgid, main_thread->id, &start) ||
		    start != main_thread->start_time ||
		    np_proc_threads("/", main_thread->tgid, &tids, &ntids))
			continue;
		for (int t = 0; t < ntids; t++) {
			struct np_cpuset now, ours;

			inherited = *main_thread;
			inherited.id = tids[t];
			if (np_thread_start_time("/", main_thread->tgid, tids[t],
						 &inherited.start_time) ||
			    journaled(changes, n, main_thread->tgid, tids[t],
				      inherited.start_time) ||
			    np_thread_affinity(tids[t], &now) ||
			    np_cpulist_parse(main_thread->new_value, &ours) ||
			    !same_set(&now, &ours))
				continue;
			np_restore_thread(&inherited, res);
		}
		free(tids);
	}
}
