// SPDX-License-Identifier: GPL-2.0
/* top's interval: the difference of two cumulative sampler snapshots. */
#include <stdlib.h>

#include "model/top_interval.h"
#include "test.h"

static struct np_thread_sample thread(pid_t tid, pid_t tgid, __u64 ns0, __u64 ns1)
{
	struct np_thread_sample t = { .tid = tid };

	t.stats.tgid = (__u32)tgid;
	t.stats.cpu_ns[0] = ns0;
	t.stats.cpu_ns[1] = ns1;
	t.stats.numa_migrated = ns0 / 10;
	return t;
}

TEST(top_interval_is_the_difference_of_two_snapshots)
{
	struct np_thread_sample prev_live[] = { thread(11, 10, 100, 0), thread(12, 10, 30, 5) };
	struct np_thread_sample prev_exited[] = { thread(10, 10, 7, 0) };
	struct np_thread_sample cur_live[] = { thread(13, 10, 50, 0), thread(11, 10, 250, 20) };
	/* 12 exited: its 30+5 from before and what it ran since are folded in, with the 7 */
	struct np_thread_sample cur_exited[] = { thread(10, 10, 7 + 30 + 4, 5 + 1) };
	struct np_sample_data prev = { .nthreads = 2,
				       .threads = prev_live,
				       .nexited = 1,
				       .exited = prev_exited,
				       .window_ns = 1000 };
	struct np_sample_data cur = { .nthreads = 2,
				      .threads = cur_live,
				      .nexited = 1,
				      .exited = cur_exited,
				      .window_ns = 3000 };
	struct np_sample_data out;

	cur.samples = calloc(1, sizeof(*cur.samples));
	cur.nsamples = 1;
	CHECK_INT(np_top_interval(&prev, &cur, &out), 0);
	CHECK_INT(out.window_ns, 2000);
	CHECK_INT(out.nthreads, 2);
	CHECK_INT(out.threads[0].tid, 13);
	CHECK_INT(out.threads[0].stats.cpu_ns[0], 50); /* new: whole */
	CHECK_INT(out.threads[1].stats.cpu_ns[0], 150);
	CHECK_INT(out.threads[1].stats.cpu_ns[1], 20);
	CHECK_INT(out.threads[1].stats.numa_migrated, 25 - 10);
	CHECK_INT(out.exited[0].stats.cpu_ns[0], 4); /* only what 12 ran since */
	CHECK_INT(out.exited[0].stats.cpu_ns[1], 1);
	CHECK_INT(out.nsamples, 1); /* the samples move over */
	CHECK(cur.samples == NULL);
	np_sample_data_free(&out);
}

TEST(top_interval_first_is_the_snapshot)
{
	struct np_thread_sample cur_live[] = { thread(11, 10, 100, 0) };
	struct np_sample_data cur = { .nthreads = 1, .threads = cur_live, .window_ns = 500 };
	struct np_sample_data out;

	CHECK_INT(np_top_interval(NULL, &cur, &out), 0);
	CHECK_INT(out.window_ns, 500);
	CHECK_INT(out.threads[0].stats.cpu_ns[0], 100);
	np_sample_data_free(&out);
}
