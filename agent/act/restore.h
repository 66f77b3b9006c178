/* SPDX-License-Identifier: GPL-2.0 */
/* Putting back everything the journal recorded (`numaplace restore`, and `run` on exit). */
#ifndef NP_RESTORE_H
#define NP_RESTORE_H

#include <stddef.h>

#include "act/act.h"

struct np_restore_summary {
	int records;
	struct np_act_result threads, irqs, irqbalance, settings, processes, cgroups;
};

/*
 * Returns 0 (also when there is no journal), -EAGAIN when some value could not be put back
 * (the journal is kept), -EPERM when the journal is refused (not a journal numaplace may
 * trust, or a record numaplace could not have written: nothing is put back), or another
 * -errno (-EINVAL: a damaged line; a read error); msg says why.
 */
int np_restore_all(const char *journal, struct np_restore_summary *sum, char *msg, size_t msglen);

/*
 * Every record one numaplace could have written (ids, CPU lists within the possible CPUs,
 * settings it changes with values they take): 0, or -EPERM naming the first that is not.
 * k: this kernel's settings (np_kstate_discover), for the knobs' files.
 */
int np_restore_check(const struct np_change *changes, int count, const struct np_kstate *k,
		     char *msg, size_t msglen);

/*
 * Drop from the journal the thread and pause records of processes that have ended (pid gone,
 * or reused by a later process): no restore can act on them any more. Every other record
 * stays, in order; the journal is rewritten only when something goes. 0 or -errno (see
 * np_journal_compact); on error the journal is as it was.
 */
int np_restore_compact(const char *journal, int *dropped);

#endif
