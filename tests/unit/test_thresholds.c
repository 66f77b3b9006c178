// SPDX-License-Identifier: GPL-2.0
/*
 * report and run take their thresholds from the same defaults (policy/thresholds.h): a [match]
 * section without keys gets them, and report recommends a move exactly when run would place
 * the process for its remote reads.
 */
#include <math.h>

#include "config/config.h"
#include "output/report_output.h"
#include "policy/thresholds.h"
#include "test.h"

TEST(thresholds_config_defaults_are_run_and_report_ones)
{
	struct np_thresholds t;
	struct np_config cfg;
	char msg[256];

	np_thresholds_default(&t);
	np_config_defaults(&cfg);
	CHECK_INT(np_config_add_cli_match(&cfg, "x", NULL, NP_NO_NODE, msg, sizeof(msg)), 0);
	CHECK_INT(cfg.nmatches, 1);
	CHECK_INT(cfg.matches[0].min_rss_mb, t.min_rss_mb);
	CHECK(cfg.matches[0].min_cpu == t.min_cpu);
	CHECK(cfg.matches[0].remote_threshold == t.remote_threshold);
	np_config_free(&cfg);
}

/*
 * All its CPU time on its target node 0 and the share ratio of its memory on node 1: run's
 * remote ratio to node 0 (np_fleet_remote_ratio) is ratio. NAN: no CPU time, no ratio.
 */
static bool misplaced_at(double ratio)
{
	struct np_proc_model p = { .target_node = 0, .has_residency = true };

	p.totals.cpu_ns[0] = isnan(ratio) ? 0 : 1000000;
	p.residency.pages[0] = isnan(ratio) ? 1000 : (__u64)((1 - ratio) * 10000 + 0.5);
	p.residency.pages[1] = isnan(ratio) ? 0 : (__u64)(ratio * 10000 + 0.5);
	p.remote_ratio = ratio;
	return np_report_misplaced(&p);
}

TEST(thresholds_report_recommends_what_run_places)
{
	struct np_thresholds t;

	np_thresholds_default(&t);
	/* before: report recommended from 0.10 on, run placed above 0.30 */
	CHECK(!misplaced_at(0.20));
	/* run: strictly above (0.30 itself does not come out exact from page counts) */
	CHECK(!misplaced_at(t.remote_threshold - 0.001));
	CHECK(!np_remote_above(t.remote_threshold, t.remote_threshold));
	CHECK(misplaced_at(t.remote_threshold + 0.01));
	CHECK(!misplaced_at(NAN));
	CHECK(np_remote_above(t.remote_threshold + 0.01, t.remote_threshold));
	CHECK(!np_remote_above(NAN, t.remote_threshold));
}
