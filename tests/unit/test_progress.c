// SPDX-License-Identifier: GPL-2.0
/* The memory move's progress line: what a terminal and a log get. */
#include <stdlib.h>

#include "lib/pages.h"
#include "output/progress.h"
#include "test.h"

static void step(struct np_progress_out *po, __u64 moved, double s, bool final)
{
	struct np_move_progress p = { .pages_moved = moved,
				      .pages_expected = np_mb_pages(512),
				      .target_node = 1,
				      .seconds = s,
				      .mbps = s > 0 ? np_pages_mb(moved) / s : 0,
				      .final = final };

	np_progress_memory(po, &p);
}

static char *drive(bool tty, double last)
{
	struct np_progress_out po;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	po = np_progress_out(f, tty);
	step(&po, 0, 0.1, false);
	step(&po, np_mb_pages(10), 0.15, false); /* too soon for either */
	step(&po, np_mb_pages(100), 0.5, false); /* a terminal only */
	step(&po, np_mb_pages(300), 1.5, false); /* both */
	step(&po, np_mb_pages(512), last, true);
	fclose(f);
	return buf;
}

TEST(progress_terminal_redraws_one_line)
{
	char *out = drive(true, 2);

	CHECK_STR(out, "\r  memory: 0 of 512 MB moved to node 1, 0 MB/s  "
		       "\r  memory: 100 of 512 MB moved to node 1, 200 MB/s  "
		       "\r  memory: 300 of 512 MB moved to node 1, 200 MB/s  "
		       "\r\033[K");
	free(out);
}

TEST(progress_log_a_line_a_second_and_the_last)
{
	char *out = drive(false, 2);

	CHECK_STR(out, "  memory: 0 of 512 MB moved to node 1, 0 MB/s\n"
		       "  memory: 300 of 512 MB moved to node 1, 200 MB/s\n"
		       "  memory: 512 of 512 MB moved to node 1, 256 MB/s\n");
	free(out);
}

TEST(progress_quiet_move_prints_no_last_line)
{
	struct np_progress_out po;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	/* a log, a move that ended before its first tick: nothing; the next move starts afresh */
	po = np_progress_out(f, false);
	step(&po, np_mb_pages(512), 0.05, true);
	step(&po, 0, 0.1, false);
	fclose(f);
	CHECK_STR(buf, "  memory: 0 of 512 MB moved to node 1, 0 MB/s\n");
	free(buf);
}
