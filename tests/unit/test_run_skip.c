// SPDX-License-Identifier: GPL-2.0
/*
 * run's word on a process that matches a section but is too small or too idle: which
 * thresholds it falls below, the figures, and whether it is news (said once per change).
 */
#include "run/run.h"
#include "test.h"

TEST(match_below_thresholds)
{
	struct np_match m = { .min_rss_mb = 256, .min_cpu = 0.5 };

	CHECK_INT(np_match_below(&m, 150, 1.0), NP_BELOW_RSS);
	CHECK_INT(np_match_below(&m, 300, 0.1), NP_BELOW_CPU);
	CHECK_INT(np_match_below(&m, 150, 0.1), NP_BELOW_RSS | NP_BELOW_CPU);
	CHECK_INT(np_match_below(&m, 256, 0.5), 0); /* the threshold itself is enough */
	CHECK(np_match_big_enough(&m, 256, 0.5));
	CHECK(!np_match_big_enough(&m, 255.9, 0.5));
}

TEST(run_skip_words)
{
	struct np_match m = { .min_rss_mb = 256, .min_cpu = 0.5 };
	char buf[160];

	np_run_skip_words(&m, NP_BELOW_RSS, 150.4, 1, buf, sizeof(buf));
	CHECK_STR(buf, "holds 150 MB, below min_rss_mb 256");
	np_run_skip_words(&m, NP_BELOW_CPU, 300, 0.123, buf, sizeof(buf));
	CHECK_STR(buf, "keeps 0.12 CPUs busy, below min_cpu 0.5");
	np_run_skip_words(&m, NP_BELOW_RSS | NP_BELOW_CPU, 150, 0, buf, sizeof(buf));
	CHECK_STR(buf, "holds 150 MB, below min_rss_mb 256, and keeps 0.00 CPUs busy, below "
		       "min_cpu 0.5");
	np_run_skip_words(&m, NP_BELOW_RSS | NP_BELOW_CPU, 150, 0, buf, 10); /* cut, terminated */
	CHECK_STR(buf, "holds 150");
}

/* Said once; again when the shortfall or the section changes, or after it stopped matching. */
TEST(run_skip_news_once_per_change)
{
	struct np_match a = { .min_rss_mb = 256 }, b = { .min_rss_mb = 512 };
	struct np_skip_note note = { 0 };

	CHECK(np_run_skip_news(&note, &a, NP_BELOW_RSS | NP_BELOW_CPU));
	CHECK(!np_run_skip_news(&note, &a, NP_BELOW_RSS | NP_BELOW_CPU)); /* next interval */
	CHECK(!np_run_skip_news(&note, &a, NP_BELOW_RSS | NP_BELOW_CPU));
	CHECK(np_run_skip_news(&note, &a, NP_BELOW_CPU)); /* grew past min_rss_mb */
	CHECK(!np_run_skip_news(&note, &a, NP_BELOW_CPU));
	CHECK(np_run_skip_news(&note, &b, NP_BELOW_CPU)); /* another section takes it */
	CHECK(!np_run_skip_news(&note, &a, 0));		  /* big enough: managed, nothing to say */
	CHECK(np_run_skip_news(&note, &a, NP_BELOW_CPU)); /* ... and short again later */
	CHECK(!np_run_skip_news(&note, NULL, NP_BELOW_CPU)); /* matches nothing: no word */
	CHECK(np_run_skip_news(&note, &a, NP_BELOW_CPU));
}
