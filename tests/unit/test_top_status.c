// SPDX-License-Identifier: GPL-2.0
/* top's words on the processes `numaplace run` manages, from a parsed status. */
#include "cli/top.h"
#include "test.h"

TEST(top_status_words_of_a_parsed_status)
{
	struct np_status_proc procs[2] = {
		{ .pid = 100,
		  .node = 1,
		  .state = NP_STATE_PLACED,
		  .placed_at_s = 1796161259, /* 2026-12-01T21:40:59Z */
		  .result = NP_RESULT_CHANGED },
		{ .pid = 200, .node = -1, .state = NP_STATE_WATCHING },
	};
	struct np_status st = { .pid = 1, .nprocs = 2, .procs = procs };
	char run[16], detail[128];

	np_top_status_words(&st, 100, run, sizeof(run), detail, sizeof(detail));
	CHECK_STR(run, "n1 21:40");
	CHECK_STR(detail, "managed, placed, last placed at 21:40");
	np_top_status_words(&st, 200, run, sizeof(run), detail, sizeof(detail));
	CHECK_STR(run, "managed");
	CHECK_STR(detail, "managed, watching");
	/* not managed, or no daemon: nothing (top shows "-") */
	np_top_status_words(&st, 300, run, sizeof(run), detail, sizeof(detail));
	CHECK_STR(run, "");
	CHECK_STR(detail, "");
	np_top_status_words(NULL, 100, run, sizeof(run), detail, sizeof(detail));
	CHECK_STR(run, "");
	CHECK_STR(detail, "");
}
