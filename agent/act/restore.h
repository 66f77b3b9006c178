/* SPDX-License-Identifier: GPL-2.0 */
/* Putting back everything the journal recorded (`numaplace restore`, and `run` on exit). */
#ifndef NP_RESTORE_H
#define NP_RESTORE_H

#include <stddef.h>

#include "act/act.h"

struct np_restore_summary {
	int records;
	struct np_act_result threads, irqs, irqbalance, settings, processes;
};

/*
 * Returns 0 (also when there is no journal), -EAGAIN when some value could not be put back
 * (the journal is kept), or another -errno; msg says why.
 */
int np_restore_all(const char *journal, struct np_restore_summary *sum, char *msg, size_t msglen);

/*
 * Drop from the journal the thread and pause records of processes that have ended (pid gone,
 * or reused by a later process): no restore can act on them any more. Every other record
 * stays, in order; the journal is rewritten only when something goes. 0 or -errno (see
 * np_journal_compact); on error the journal is as it was.
 */
int np_restore_compact(const char *journal, int *dropped);

#endif
