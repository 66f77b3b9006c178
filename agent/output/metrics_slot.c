// SPDX-License-Identifier: GPL-2.0
/*
 * The labels of per-process series that survive a restart (metrics.h): the slot a process
 * takes among the live ones of its match, container and unit, and counters by section. Pure,
 * so a test can drive a thousand restarts through it in a blink.
 */
#include <stdio.h>
#include <string.h>

#include "output/metrics.h"

static bool same_group(const struct np_metrics_proc *a, const struct np_metrics_proc *b)
{
	return !strncmp(a->match, b->match, sizeof(a->match)) &&
	       !strncmp(a->container, b->container, sizeof(a->container)) &&
	       !strncmp(a->unit, b->unit, sizeof(a->unit));
}

int np_metrics_slot_pick(const struct np_metrics_proc *live, int n, const struct np_metrics_proc *p)
{
	/* n processes hold at most n slots: one of 0..n is free */
	for (int slot = 0;; slot++) {
		bool taken = false;

		for (int i = 0; i < n && !taken; i++)
			taken = &live[i] != p && live[i].slot == slot && same_group(&live[i], p);
		if (!taken)
			return slot;
	}
}

bool np_metrics_count_add(struct np_metrics_count *counts, int *n, int max, const char *match)
{
	for (int i = 0; i < *n; i++) {
		if (!strncmp(counts[i].match, match, sizeof(counts[i].match) - 1)) {
			counts[i].n++;
			return true;
		}
	}
	if (*n >= max)
		return false;
	snprintf(counts[*n].match, sizeof(counts[*n].match), "%s", match);
	counts[(*n)++].n = 1;
	return true;
}
