// SPDX-License-Identifier: GPL-2.0
/* The daemon's sampling windows (run/run_duty.h): the pure duty-cycle decision. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/procfs.h"
#include "run/run_duty.h"
#include "test.h"

static enum np_duty_reason step(struct np_duty *d, double now, __u64 no, int newcomers, int moving,
				bool acting)
{
	struct np_duty_need need = { .newcomers = newcomers, .moving = moving, .acting = acting };

	return np_duty_step(d, now, no, 10, 6, &need);
}

/* A day in the life at interval 5 s, window 10 s, a check every 6 intervals. */
TEST(duty_timeline)
{
	struct np_duty d = { 0 };

	/* the first interval is a check: a window at the start, whatever runs */
	CHECK_INT(step(&d, 0, 0, 0, 0, false), NP_DUTY_CHECK);
	CHECK_INT(d.windows, 1);
	CHECK_INT(step(&d, 5, 1, 0, 0, false), NP_DUTY_CHECK);
	CHECK_INT(step(&d, 10, 2, 0, 0, false), NP_DUTY_NONE); /* 10 s: closed */
	CHECK_INT(step(&d, 15, 3, 0, 0, false), NP_DUTY_NONE);
	/* a new process opens a window and keeps it open while it is new */
	CHECK_INT(step(&d, 20, 4, 1, 0, false), NP_DUTY_NEW);
	CHECK_INT(d.windows, 2);
	CHECK(d.opened_s == 20);
	CHECK_INT(step(&d, 25, 5, 1, 0, false), NP_DUTY_NEW);
	/* then the fleet counts toward its placement: the same window */
	CHECK_INT(step(&d, 30, 6, 0, 1, false), NP_DUTY_MOVING);
	CHECK_INT(d.windows, 2);
	/* the placement: open for one window after it */
	CHECK_INT(step(&d, 35, 7, 0, 0, true), NP_DUTY_ACTING);
	CHECK_INT(step(&d, 40, 8, 0, 0, false), NP_DUTY_ACTING);
	/* the check of interval 6 (until 40) is over, so is the action's window (until 45) */
	CHECK_INT(step(&d, 45, 9, 0, 0, false), NP_DUTY_NONE);
	CHECK_INT(step(&d, 50, 10, 0, 0, false), NP_DUTY_NONE);
	CHECK_INT(step(&d, 55, 11, 0, 0, false), NP_DUTY_NONE);
	/* the next check */
	CHECK_INT(step(&d, 60, 12, 0, 0, false), NP_DUTY_CHECK);
	CHECK_INT(d.windows, 3);
	CHECK(d.opened_s == 60);
	CHECK_INT(step(&d, 65, 13, 0, 0, false), NP_DUTY_CHECK);
	CHECK_INT(step(&d, 70, 14, 0, 0, false), NP_DUTY_NONE);
	CHECK_INT(d.windows, 3);
}

/*
 * Every combination of what is asked, from a closed and from an open window, at a check
 * interval and between: the reason follows the order new, moving, acting, check; a window is
 * counted exactly when one opens; every = 0 always traces.
 */
TEST(duty_every_combination)
{
	for (int mask = 0; mask < 64; mask++) {
		bool newcomer = mask & 1, moving = mask & 2, acting = mask & 4, open = mask & 8;
		bool check_interval = mask & 16, always = mask & 32;
		struct np_duty_need need = { .newcomers = newcomer ? 3 : 0,
					     .moving = moving ? 2 : 0,
					     .acting = acting };
		struct np_duty d = { .reason = open ? NP_DUTY_CHECK : NP_DUTY_NONE,
				     .opened_s = open ? 95 : 0,
				     .windows = 7 };
		enum np_duty_reason want = always	    ? NP_DUTY_ALWAYS
					   : newcomer	    ? NP_DUTY_NEW
					   : moving	    ? NP_DUTY_MOVING
					   : acting	    ? NP_DUTY_ACTING
					   : check_interval ? NP_DUTY_CHECK
							    : NP_DUTY_NONE;
		enum np_duty_reason got =
			np_duty_step(&d, 100, check_interval ? 40 : 41, 2.5, always ? 0 : 4, &need);

		CHECK_INT(got, want);
		CHECK_INT(d.reason, want);
		CHECK_INT(d.windows, 7 + (!open && want != NP_DUTY_NONE));
		CHECK(d.opened_s == (!open && want != NP_DUTY_NONE ? 100 : open ? 95 : 0));
		CHECK(d.acting_until_s == (acting ? 102.5 : 0));
		/* the check only where the interval number is a multiple of every */
		CHECK(d.check_until_s == (check_interval && !always ? 102.5 : 0));
	}
}

/* A window shorter than the interval still lasts one interval; a long one spans several. */
TEST(duty_window_lengths)
{
	struct np_duty d = { 0 };
	struct np_duty_need none = { 0 };

	CHECK_INT(np_duty_step(&d, 0, 0, 0.5, 3, &none), NP_DUTY_CHECK);
	CHECK_INT(np_duty_step(&d, 1, 1, 0.5, 3, &none), NP_DUTY_NONE);
	CHECK_INT(np_duty_step(&d, 2, 2, 0.5, 3, &none), NP_DUTY_NONE);
	CHECK_INT(np_duty_step(&d, 3, 3, 0.5, 3, &none), NP_DUTY_CHECK);
	CHECK_INT(d.windows, 2);
	memset(&d, 0, sizeof(d));
	for (int i = 0; i < 30; i++)
		CHECK_INT(np_duty_step(&d, i, i, 100, 1000, &none),
			  i < 100 ? NP_DUTY_CHECK : NP_DUTY_NONE);
	CHECK_INT(d.windows, 1);
	/* trace_every 1: every interval is a check, one window for ever */
	memset(&d, 0, sizeof(d));
	for (int i = 0; i < 10; i++)
		CHECK_INT(np_duty_step(&d, i * 5, i, 1, 1, &none), NP_DUTY_CHECK);
	CHECK_INT(d.windows, 1);
}

TEST(duty_newcomer_judged)
{
	CHECK(np_duty_newcomer(false, 0, 100, 10));   /* never traced yet */
	CHECK(np_duty_newcomer(false, 95, 100, 10));  /* traced 5 s of 10 */
	CHECK(!np_duty_newcomer(false, 90, 100, 10)); /* a whole window: judged */
	CHECK(!np_duty_newcomer(true, 0, 100, 10));   /* placed */
	CHECK(!np_duty_newcomer(true, 99, 100, 10));
	CHECK_STR(np_duty_reason_words(NP_DUTY_NEW), "a new managed process");
	CHECK_STR(np_duty_reason_words(NP_DUTY_NONE), "none");
}

/* The stat reader's processor field: the CPU this thread runs on. */
TEST(stat_processor_field)
{
	struct np_stat st;
	long ncpus = sysconf(_SC_NPROCESSORS_CONF);

	CHECK_INT(np_stat_read("/", getpid(), getpid(), &st), 0);
	CHECK(st.processor >= 0 && st.processor < ncpus);
}
