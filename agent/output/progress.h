/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The memory move's progress line on stderr (`place`): on a terminal one line redrawn in place
 * and wiped at the end; in a log a line a second and the last figures at the end.
 */
#ifndef NP_PROGRESS_H
#define NP_PROGRESS_H

#include <stdbool.h>
#include <stdio.h>

#include "act/act.h"

struct np_progress_out {
	FILE *out;
	bool tty;      /* out is a terminal: one line, redrawn */
	bool printed;  /* a line of this move was printed */
	double last_s; /* when, in the move's seconds */
};

/* Progress lines to out (a terminal when tty), none printed yet. */
struct np_progress_out np_progress_out(FILE *out, bool tty);

/* An np_move_opts.progress callback; ctx is a struct np_progress_out. */
void np_progress_memory(void *ctx, const struct np_move_progress *p);

#endif
