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

#include "act.h"
#include "restore.h"

int np_restore_all(const char *journal, struct np_restore_summary *sum, char *msg, size_t msglen)
{
	struct np_change *changes;
	int count, bad_line = 0, err;

	memset(sum, 0, sizeof(*sum));
	err = np_journal_load(journal, &changes, &count, &bad_line);
	if (err == -ENOENT)
		return 0;
	if (err == -EINVAL) {
		snprintf(msg, msglen, "%s: line %d is not a journal record; nothing restored",
			 journal, bad_line);
		return err;
	}
	if (err) {
		snprintf(msg, msglen, "%s: %s", journal, strerror(-err));
		return err;
	}
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
			np_restore_setting(c, &sum->settings);
			break;
		case NP_CHANGE_PROCESS_PAUSED:
			np_restore_process(c, &sum->processes);
			break;
		default:
			break;
		}
	}
	np_restore_inherited(changes, count, &sum->threads);
	/* last: IRQ masks went back while irqbalance still left them alone */
	np_restore_irqbalance_bans(changes, count, &sum->irqbalance);
	free(changes);
	if (sum->threads.failed || sum->irqs.failed || sum->irqbalance.failed ||
	    sum->settings.failed || sum->processes.failed) {
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
