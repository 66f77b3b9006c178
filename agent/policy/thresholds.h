/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one set of thresholds that makes a process worth placing. `run` manages a process of a
 * [match] section that holds at least min_rss_mb and keeps at least min_cpu CPUs busy, and
 * places it when its remote ratio to its target node stays strictly above remote_threshold
 * (the section's keys of the same names override them). `report` shows by default the
 * processes that pass either size threshold (or use an accelerator) and recommends a move by
 * the same remote threshold, so what report recommends is what run would do. Pure.
 */
#ifndef NP_THRESHOLDS_H
#define NP_THRESHOLDS_H

#include <stdbool.h>

#define NP_DEFAULT_MIN_RSS_MB	    256	 /* MB resident */
#define NP_DEFAULT_MIN_CPU	    0.5	 /* CPUs kept busy */
#define NP_DEFAULT_REMOTE_THRESHOLD 0.30 /* share of reads that are remote, 0..1 */

struct np_thresholds {
	long min_rss_mb;
	double min_cpu;
	double remote_threshold;
};

/* The defaults above. */
void np_thresholds_default(struct np_thresholds *t);

/* Worth moving for its reads: ratio strictly above threshold (false for NAN, unknown). */
bool np_remote_above(double ratio, double threshold);

#endif
