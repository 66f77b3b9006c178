/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The undo journal: before numaplace changes anything, the old value goes here, durably
 * (write to a temporary file, fsync, rename, fsync the directory), so `numaplace restore`
 * can put everything back even after a SIGKILL at any point. One JSON object per line.
 *
 * A journal is recognisable from its content: its first line is a numaplace record (a JSON
 * object whose "kind" is one of kind_names, with an "old_value") or, once compaction has
 * dropped every record, the header NP_JOURNAL_HEADER alone. Anything else (an empty file,
 * another program's file, a device) is not a journal: it is never written over, truncated or
 * removed. Every file is opened through safe_open.h: a regular file of root's with one link,
 * in a directory only root may change.
 */
#ifndef NP_JOURNAL_H
#define NP_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "lib/cpulist.h"

#define NP_JOURNAL_DEFAULT "/run/numaplace/journal"
#define NP_JOURNAL_HEADER  "{\"numaplace_journal\":1}"

enum np_change_kind {
	NP_CHANGE_THREAD_AFFINITY, /* id = tid; old_value = CPU list */
	NP_CHANGE_IRQ_AFFINITY,	   /* id = irq; old_value = smp_affinity_list */
	NP_CHANGE_SETTING,	   /* path = sysctl or debugfs file; old_value = its content */
	NP_CHANGE_IRQBALANCE_BAN,  /* id = irq banned through irqbalance's socket */
	NP_CHANGE_PROCESS_PAUSED,  /* id = pid held (ptrace stop) while file pages move */
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
 * Returns 0 or -errno (-EPERM: path is not a journal; -EINVAL: a line of it is damaged); on
 * error the journal is as it was.
 */
int np_journal_append(const char *path, const struct np_change *changes, int count);

/*
 * All recorded changes in order. -ENOENT: no journal; -EPERM: not a journal (or not a file
 * numaplace may trust); -EINVAL: a line (in *bad_line) is not a record; another -errno when
 * reading fails (a read error is never the end of the journal).
 */
int np_journal_load(const char *path, struct np_change **changes, int *count, int *bad_line);

/*
 * Whether numaplace may use path as its journal, before any change: 0 when it is one, or
 * there is none yet; -EPERM when it is not (or its directory or the file could be changed by
 * another user), -EINVAL when a line is damaged, another -errno when it cannot be read; msg
 * says why, with the path.
 */
int np_journal_check(const char *path, char *msg, size_t msglen);

/* Whether a record is still needed; ctx is np_journal_compact()'s. */
typedef bool (*np_journal_keep_fn)(const struct np_change *change, void *ctx);

/*
 * Rewrite the journal without the records keep() refuses, the others in their order and byte
 * for byte, as durably as an append; the caller holds the host lock (host_lock.h). When keep()
 * refuses none the file is not written; when it refuses all, the header alone stays (the file
 * stays recognisably a journal). *dropped: how many went. Returns 0 (also when there is
 * no journal) or -errno (-EINVAL: a line is not a record); on error the journal is as it was.
 */
int np_journal_compact(const char *path, np_journal_keep_fn keep, void *ctx, int *dropped);

/* Remove the journal (after a complete restore). Absent is fine; not a journal: -EPERM. */
int np_journal_clear(const char *path);

const char *np_change_kind_name(enum np_change_kind kind);

#endif
