// SPDX-License-Identifier: GPL-2.0
/* The memory move's progress line (progress.h). */
#include "output/progress.h"
#include "lib/pages.h"

struct np_progress_out np_progress_out(FILE *out, bool tty)
{
	return (struct np_progress_out){ .out = out, .tty = tty };
}

void np_progress_memory(void *ctx, const struct np_move_progress *p)
{
	struct np_progress_out *po = ctx;

	/* a terminal gets one line redrawn 5 times a second, a log one line a second */
	if (!p->final && po->printed && p->seconds - po->last_s < (po->tty ? 0.2 : 1.0))
		return;
	if (p->final && po->tty) {
		fprintf(po->out, "\r\033[K");
	} else if (!p->final || po->printed) {
		fprintf(po->out, "%s  memory: %.0f of %.0f MB moved to node %d, %.0f MB/s%s",
			po->tty ? "\r" : "", np_pages_mb(p->pages_moved),
			np_pages_mb(p->pages_expected), p->target_node, p->mbps,
			po->tty ? "  " : "\n");
	}
	/* the next move starts afresh */
	po->printed = !p->final;
	po->last_s = p->seconds;
	fflush(po->out);
}
