// SPDX-License-Identifier: GPL-2.0
/* The sampling window (window.h). */
#include <stdbool.h>
#include <stdio.h>
#include <unistd.h>

#include "lib/clock.h"
#include "sample/window.h"

int np_sample_window(struct np_sampler *sampler, double duration, const volatile sig_atomic_t *stop)
{
	bool tty = isatty(STDERR_FILENO);
	double end = np_now_s() + duration, left;
	int consumed = 0;

	/* a poll of at most 200 ms: a stop is seen that soon even when no signal interrupts it */
	while (!*stop && (left = end - np_now_s()) > 0) {
		int n = np_sampler_poll(sampler, left < 0.2 ? (int)(left * 1000) + 1 : 200);

		if (n > 0)
			consumed += n;
		if (tty)
			fprintf(stderr, "\r  sampling: %4.1f s left, %d fault samples (Ctrl-C ends early) ",
				left > 0 ? left : 0, consumed);
	}
	if (tty)
		fprintf(stderr, "\r\033[K");
	return consumed;
}
