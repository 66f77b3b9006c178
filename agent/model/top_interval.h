/* SPDX-License-Identifier: GPL-2.0 */
/*
 * `numaplace top`'s interval: the sampler stays attached for top's whole life and its
 * snapshots are cumulative since the start (sampler.h), so an interval is the difference of
 * two snapshots, shaped as a closed window for np_report_build. Pure.
 */
#ifndef NP_TOP_INTERVAL_H
#define NP_TOP_INTERVAL_H

#include "sample/sampler.h"

/*
 * out = cur - prev (prev NULL: cur as it is). Threads new in cur count whole; a thread of
 * prev gone from cur was folded into its process's exited totals, so its prev figures are
 * taken off that process's difference. cur's fault samples (those since prev) move to out.
 * 0 or -ENOMEM; out is freed with np_sample_data_free.
 */
int np_top_interval(const struct np_sample_data *prev, struct np_sample_data *cur,
		    struct np_sample_data *out);

#endif
