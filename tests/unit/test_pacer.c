// SPDX-License-Identifier: GPL-2.0
/* The mover's pacer: the rate budget and the pause policy, driven with made-up times. */
#include "act/pacer.h"
#include "test.h"

#define CHECK_NEAR(actual, expected)                                                               \
	do {                                                                                       \
		double a_ = (actual), e_ = (expected);                                             \
		if (a_ - e_ > 1e-9 || e_ - a_ > 1e-9)                                              \
			np_test_fail(__FILE__, __LINE__, "%s is %g, expected %g", #actual, a_,     \
				     e_);                                                          \
	} while (0)

/* 4 KiB base pages: 256 a MB, a batch of 16 MB is 4096 */
static struct np_pacer pacer(double rate_mbps, int pause_ms, int pause_below_mbps)
{
	struct np_pacer p;

	np_pacer_init(&p, rate_mbps, pause_ms, pause_below_mbps, 4);
	return p;
}

TEST(pacer_units_are_base_pages)
{
	struct np_pacer p;

	CHECK_INT(np_base_to_pages(3, 4), 3);
	CHECK_INT(np_base_to_pages(3, 64), 48);
	CHECK_INT(np_pages_to_base(48, 64), 3);
	CHECK_INT(np_pages_to_base(47, 64), 2); /* a budget rounds down */
	CHECK_INT(pacer(0, 50, 0).batch_pages, 4096);
	np_pacer_init(&p, 0, 50, 0, 64);
	CHECK_INT(p.batch_pages, 256); /* still 16 MB a batch */
}

TEST(pacer_rate_zero_never_waits)
{
	struct np_pacer p = pacer(0, 50, 0);

	CHECK_NEAR(np_pacer_wait_s(&p, 1000000, 0), 0);
	CHECK_NEAR(np_pacer_wait_s(&p, ~0ULL >> 20, 0.001), 0);
}

TEST(pacer_waits_when_ahead_of_the_rate)
{
	struct np_pacer p = pacer(100, 50, 0); /* 100 MB/s: 16 MB take 0.16 s */

	/* one batch of burst: the first two start at once */
	CHECK_NEAR(np_pacer_wait_s(&p, 0, 0), 0);
	CHECK_NEAR(np_pacer_wait_s(&p, 4096, 0), 0);
	/* the third waits for the first to be paid for */
	CHECK_NEAR(np_pacer_wait_s(&p, 2 * 4096, 0), 0.16);
	CHECK_NEAR(np_pacer_wait_s(&p, 2 * 4096, 0.1), 0.06);
	/* 64 MB booked (48 beyond the burst) at 0.2 s: 0.28 s to go */
	CHECK_NEAR(np_pacer_wait_s(&p, np_mb_pages(64), 0.2), 0.28);
}

TEST(pacer_no_wait_when_behind_the_rate)
{
	struct np_pacer p = pacer(100, 50, 0);

	CHECK_NEAR(np_pacer_wait_s(&p, 2 * 4096, 0.16), 0);
	CHECK_NEAR(np_pacer_wait_s(&p, 2 * 4096, 5), 0);
	CHECK_NEAR(np_pacer_wait_s(&p, np_mb_pages(64), 10), 0);
}

TEST(pacer_rate_counts_base_pages)
{
	struct np_pacer p;

	/* 64 KiB pages: 16 a MB, so 3 batches of 256 are 48 MB, the third waits 0.16 s */
	np_pacer_init(&p, 100, 50, 0, 64);
	CHECK_NEAR(np_pacer_wait_s(&p, 2 * 256, 0), 0.16);
}

TEST(pacer_batch_limits)
{
	struct np_pacer p = pacer(0, 50, 0);

	CHECK_INT(np_pacer_batch_limit(&p, false), 4096);
	CHECK_INT(np_pacer_batch_limit(&p, true), NP_PACER_PROBE_PAGES); /* the probe first */
	/* too small to tell */
	np_pacer_file_moved(&p, NP_PACER_PROBE_PAGES - 1, 1);
	CHECK(!p.probed);
	CHECK_INT(np_pacer_batch_limit(&p, true), NP_PACER_PROBE_PAGES);
	np_pacer_file_moved(&p, 64, 0.001); /* 0.25 MB in 1 ms: 250 MB/s, fast */
	CHECK(p.probed);
	CHECK(!p.pausing);
	CHECK_INT(np_pacer_batch_limit(&p, true), 4096);
	CHECK_INT(np_pacer_batch_limit(&p, false), 4096);
}

/* Whether a probe of 64 pages (0.25 MB) at mbps makes the pacer stop the process. */
static bool pauses_at(int pause_ms, int pause_below_mbps, double mbps)
{
	struct np_pacer p = pacer(0, pause_ms, pause_below_mbps);

	np_pacer_file_moved(&p, 64, 0.25 / mbps);
	return p.pausing;
}

TEST(pacer_pause_threshold)
{
	CHECK_INT(np_pacer_pause_below(&(struct np_pacer){ .pause_below_mbps = 0 }),
		  NP_PAUSE_BELOW_MBPS);
	CHECK_INT(np_pacer_pause_below(&(struct np_pacer){ .pause_below_mbps = 7 }), 7);
	/* the default threshold, NP_PAUSE_BELOW_MBPS (20 MB/s) */
	CHECK(pauses_at(50, 0, NP_PAUSE_BELOW_MBPS - 1));
	CHECK(!pauses_at(50, 0, NP_PAUSE_BELOW_MBPS + 1));
	CHECK(pauses_at(50, 0, 0.05)); /* 5 ms a page, as in the TCG guest */
	/* a threshold of the caller's */
	CHECK(pauses_at(50, 100, 99));
	CHECK(!pauses_at(50, 100, 101));
	CHECK(!pauses_at(50, 5, 10));
	/* a probe that took no measurable time is fast */
	CHECK(!pauses_at(50, 0, 1e12));
}

TEST(pacer_pause_ms_zero_never_pauses)
{
	CHECK(!pauses_at(0, 0, 0.01));
	CHECK(!pauses_at(0, 1000000, 1));
}

TEST(pacer_already_stopped_never_pauses)
{
	struct np_pacer p = pacer(0, 50, 0);

	p.already_stopped = true;
	np_pacer_file_moved(&p, 64, 10);
	CHECK(p.probed);
	CHECK(!p.pausing);
}

TEST(pacer_paused_batches_aim_at_pause_ms)
{
	struct np_pacer p = pacer(0, 50, 0);

	np_pacer_file_moved(&p, 64, 1); /* 0.25 MB/s: slow */
	CHECK(p.pausing);
	CHECK_INT(np_pacer_batch_limit(&p, true), NP_PACER_PAUSE_FIRST);
	CHECK_INT(np_pacer_batch_limit(&p, false), 4096); /* anonymous memory is not paced so */
	/* twice the budget: half as many */
	np_pacer_paused(&p, 256, 100);
	CHECK_INT(np_pacer_batch_limit(&p, true), 128);
	np_pacer_paused(&p, 128, 10);
	CHECK_INT(np_pacer_batch_limit(&p, true), 640);
	np_pacer_paused(&p, 640, 0.01); /* under a ms counts as one */
	CHECK_INT(np_pacer_batch_limit(&p, true), 4096);
	np_pacer_paused(&p, 16, 1000);
	CHECK_INT(np_pacer_batch_limit(&p, true), NP_PACER_PAUSE_MIN);
	/* the pause could not be journaled: full batches, the process running */
	np_pacer_no_pause(&p);
	CHECK_INT(np_pacer_batch_limit(&p, true), 4096);
	np_pacer_file_moved(&p, 4096, 100); /* decided once only */
	CHECK(!p.pausing);
}

TEST(pacer_stops_pausing_at_the_plans_total)
{
	struct np_pacer p = pacer(0, 50, 0);

	p.pause_total_ms = 200; /* the plan's bound: four stops of 50 ms */
	np_pacer_file_moved(&p, 64, 1);
	CHECK(p.pausing);
	np_pacer_paused(&p, 256, 50);
	np_pacer_paused(&p, 256, 50);
	np_pacer_paused(&p, 256, 50);
	CHECK(p.pausing); /* 150 ms so far: one more fits */
	np_pacer_paused(&p, 256, 50);
	CHECK(!p.pausing); /* 200 ms: another could pass it, the rest moves with it running */
	CHECK_INT(np_pacer_batch_limit(&p, true), 4096);
	/* a stop longer than aimed at counts in full */
	p = pacer(0, 50, 0);
	p.pause_total_ms = 200;
	np_pacer_file_moved(&p, 64, 1);
	np_pacer_paused(&p, 256, 160);
	CHECK(!p.pausing);
	/* no bound given: it pauses on */
	p = pacer(0, 50, 0);
	np_pacer_file_moved(&p, 64, 1);
	for (int i = 0; i < 1000; i++)
		np_pacer_paused(&p, 256, 50);
	CHECK(p.pausing);
}

TEST(pacer_lets_the_process_run_between_stops)
{
	struct np_pacer p = pacer(0, 50, 0);

	CHECK_NEAR(np_pacer_stop_wait_s(&p, 100), 0); /* the first stop at once */
	np_pacer_released(&p, 100, 50);
	CHECK_NEAR(np_pacer_stop_wait_s(&p, 100), 0.05); /* as long as the stop was */
	CHECK_NEAR(np_pacer_stop_wait_s(&p, 100.03), 0.02);
	CHECK_NEAR(np_pacer_stop_wait_s(&p, 100.05), 0);
	CHECK_NEAR(np_pacer_stop_wait_s(&p, 200), 0);
}

TEST(pacer_a_fast_probe_does_not_decide_for_good)
{
	struct np_pacer p = pacer(0, 50, 0);

	np_pacer_file_moved(&p, 64, 0.001); /* the probe: 250 MB/s */
	CHECK(p.probed);
	CHECK(!p.pausing);
	np_pacer_file_moved(&p, 4096, 4); /* then 16 MB in 4 s: 4 MB/s, slow */
	CHECK(p.pausing);
}
