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
	/*
	 * path = a cgroup as /proc/PID/cgroup shows it; id = which cpuset file (enum
	 * np_cpuset_file, act/act_cgroup.h); tgid = the process placed; old_value and
	 * new_value = CPU or node lists ("" is a v2 file left empty: the parent's)
	 */
	NP_CHANGE_CGROUP_CPUSET,
	NP_CHANGE_KINDS,
};

struct np_change {
	enum np_change_kind kind;
	int id;
	pid_t tgid;
	/* a thread is the same thread only with the same start time: tids get reused */
	unsigned long long start_time;
	char path[256];
	/*
	 * The values, whole (a cut CPU list is another set) and in the memory their text needs:
	 * a journal of 10,000 records loads in a few MB. Owned by the record once set through
	 * np_change_values() or np_journal_load(), and then never NULL ("" when empty); const, so
	 * that nothing writes into them in place (a sizeof of one is a pointer's, not a length).
	 * A record made up with string constants (NULL reads as "") may be appended, not released.
	 */
	const char *old_value;
	/* what numaplace wrote (thread masks: restore also resets threads that inherited it) */
	const char *new_value;
};

/* A value is shorter than this (any CPU list fits); a longer one is a damaged line. */
#define NP_CHANGE_VALUE_MAX NP_CPULIST_MAX

/*
 * Give c copies of old_value and new_value (NULL: ""), in place of its own (or NULL) ones.
 * Returns 0, -ENOSPC when one is NP_CHANGE_VALUE_MAX long or more (the journal could not load
 * it back), or -ENOMEM; on error c is as it was.
 */
int np_change_values(struct np_change *c, const char *old_value, const char *new_value);

/* Free c's values (set by np_change_values() or loaded); they are NULL after. */
void np_change_release(struct np_change *c);

/* Release each of n records and free the array (np_journal_load()'s list); NULL is fine. */
void np_changes_free(struct np_change *list, int n);

/*
 * Append changes to the journal at path as one durable step (the directory is created).
 * Returns 0 or -errno (-EPERM: path is not a journal; -EINVAL: a line of it is damaged;
 * -ENOSPC: a value is too long to load back); on error the journal is as it was.
 */
int np_journal_append(const char *path, const struct np_change *changes, int count);

/*
 * All recorded changes in order, to free with np_changes_free(). -ENOENT: no journal; -EPERM:
 * not a journal (or not a file numaplace may trust); -EINVAL: a line (in *bad_line) is not a
 * record; another -errno when reading fails (a read error is never the end of the journal).
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

/*
 * The command that undoes what journal holds, as one types it: "numaplace restore", or with
 * "--journal PATH" when it is not the default (quoted for a shell where it needs to be).
 */
void np_journal_undo_command(const char *journal, char *buf, size_t len);

#endif
