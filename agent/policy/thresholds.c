// SPDX-License-Identifier: GPL-2.0
/* The thresholds `run` and `report` share (thresholds.h). */
#include "policy/thresholds.h"

void np_thresholds_default(struct np_thresholds *t)
{
	t->min_rss_mb = NP_DEFAULT_MIN_RSS_MB;
	t->min_cpu = NP_DEFAULT_MIN_CPU;
	t->remote_threshold = NP_DEFAULT_REMOTE_THRESHOLD;
}

bool np_remote_above(double ratio, double threshold)
{
	return ratio > threshold; /* a comparison with NAN is false */
}
