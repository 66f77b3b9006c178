/* SPDX-License-Identifier: GPL-2.0 */
/*
 * When and for how long at most a placement stops the process (pure): its mapped file pages
 * that move slowly while read move with it stopped (act/pacer.c decides on the spot, from a
 * timed probe). The plan states the bound; the pacer keeps to it.
 */
#ifndef NP_PAUSE_PLAN_H
#define NP_PAUSE_PLAN_H

#include <stdbool.h>
#include <linux/types.h>

/* Mapped file pages slower than this (MB/s) move with the process stopped. */
#define NP_PAUSE_BELOW_MBPS 20

struct np_pause_plan {
	bool may_pause;	   /* false: the process is never stopped */
	int slice_ms;	   /* each stop aims at this (--pause-ms) */
	int below_mbps;	   /* only when the file pages move slower than this while read */
	__u64 file_pages;  /* mapped file pages (4 KiB) planned to move */
	long max_total_ms; /* the stops add up to this at most: the pacer stops pausing there */
	const char *never; /* why it never pauses (may_pause false) */
};

/*
 * The bound for file_pages of mapped file pages to move, stopped pause_ms at a time when they
 * move slower than pause_below_mbps (0: NP_PAUSE_BELOW_MBPS): as long as moving them at
 * NP_PAUSE_BELOW_MBPS (or at pause_below_mbps, when lower) would take, in whole slices, one
 * slice at least. Stopped longer, the process would have waited about as long as the slow move
 * it was stopped to avoid; a higher --pause-below stops it sooner, not longer. pause_ms 0: never.
 */
void np_pause_plan_make(int pause_ms, int pause_below_mbps, __u64 file_pages,
			struct np_pause_plan *pp);

#endif
