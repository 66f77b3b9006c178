/* SPDX-License-Identifier: GPL-2.0 */
/* Putting back everything the journal recorded (`numaplace restore`, and `run` on exit). */
#ifndef NP_RESTORE_H
#define NP_RESTORE_H

#include <stddef.h>

#include "act.h"

struct np_restore_summary {
	int records;
	struct np_act_result threads, irqs, irqbalance, settings, processes;
};

/*
 * Returns 0 (also when there is no journal), -EAGAIN when some value could not be put back
 * (the journal is kept), or another -errno; msg says why.
 */
int np_restore_all(const char *journal, struct np_restore_summary *sum, char *msg, size_t msglen);

#endif
