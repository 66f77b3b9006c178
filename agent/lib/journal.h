/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The undo journal: before numaplace changes anything, the old value goes here, durably
 * (write to a temporary file, fsync, rename, fsync the directory), so `numaplace restore`
 * can put everything back even after a SIGKILL at any point. One JSON object per line.
 */
#ifndef NP_JOURNAL_H
#define NP_JOURNAL_H

#include <stdbool.h>
#include <sys/types.h>

#include "lib/cpulist.h"

#define NP_JOURNAL_DEFAULT "/run/numaplace/journal"

enum np_change_kind {
	NP_CHANGE_THREAD_AFFINITY, /* id = tid; old_value = CPU list */
	NP_CHANGE_IRQ_AFFINITY,	   /* id = irq; old_value = smp_affinity_list */
	NP_CHANGE_SETTING,	   /* path = sysctl or debugfs file; old_value = its content */
	NP_CHANGE_IRQBALANCE_BAN,  /* id = irq banned through irqbalance's socket */
	NP_CHANGE_PROCESS_PAUSED,  /* id = pid stopped (SIGSTOP) while its file pages move */
	NP_CHANGE_KINDS,
};

struct np_change {
	enum np_change_kind kind;
	int id;
	pid_t tgid;
	/* a thread is the same thread only with the same start time: tids get reused */
	unsigned long long start_time;
	char path[256];
	/* CPU lists of any mask the kernel allows fit whole: a cut list is another set */
	char old_value[NP_CPULIST_MAX];
	/* what numaplace wrote (thread masks: restore also resets threads that inherited it) */
	char new_value[NP_CPULIST_MAX];
};

/*
 * Append changes to the journal at path as one durable step (the directory is created).
 * Returns 0 or -errno; on error the journal is as it was.
 */
int np_journal_append(const char *path, const struct np_change *changes, int count);

/* All recorded changes in order. -ENOENT: no journal; -EINVAL: malformed (line in *bad_line). */
int np_journal_load(const char *path, struct np_change **changes, int *count, int *bad_line);

/* Whether a record is still needed; ctx is np_journal_compact()'s. */
typedef bool (*np_journal_keep_fn)(const struct np_change *change, void *ctx);

/*
 * Rewrite the journal without the records keep() refuses, the others in their order and byte
 * for byte, as durably as an append; the caller holds the lock (np_journal_lock). When keep()
 * refuses none the file is not written. *dropped: how many went. Returns 0 (also when there is
 * no journal) or -errno (-EINVAL: a line is not a record); on error the journal is as it was.
 */
int np_journal_compact(const char *path, np_journal_keep_fn keep, void *ctx, int *dropped);

/* Remove the journal (after a complete restore). Absent is fine. */
int np_journal_clear(const char *path);

/*
 * One numaplace at a time changes the system: an exclusive flock on "<journal>.lock", held
 * until the returned fd is closed (or the process dies). -EBUSY when another one holds it.
 */
int np_journal_lock(const char *path);

const char *np_change_kind_name(enum np_change_kind kind);

#endif
