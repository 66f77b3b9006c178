// SPDX-License-Identifier: GPL-2.0
/* The plan's pause bound: when and for how long at most a placement stops the process. */
#include <string.h>

#include "lib/pages.h"
#include "output/pause_output.h"
#include "policy/plan.h"
#include "test.h"

TEST(pause_plan_bound_is_the_move_at_the_threshold_in_whole_slices)
{
	struct np_pause_plan pp;

	/* 256 MB at 20 MB/s: 12.8 s, 256 slices of 50 ms */
	np_pause_plan_make(50, 0, np_mb_pages(256), &pp);
	CHECK(pp.may_pause);
	CHECK_INT(pp.slice_ms, 50);
	CHECK_INT(pp.below_mbps, NP_PAUSE_BELOW_MBPS);
	CHECK_INT(pp.max_total_ms, 12800);
	/* 1 MB at 20 MB/s is 50 ms: one slice; 1 page still one whole slice */
	np_pause_plan_make(50, 20, np_mb_pages(1), &pp);
	CHECK_INT(pp.max_total_ms, 50);
	np_pause_plan_make(50, 20, 1, &pp);
	CHECK_INT(pp.max_total_ms, 50);
	/* rounded up to whole slices: 256 MB at 15 MB/s is 17067 ms, 171 slices of 100 ms */
	np_pause_plan_make(100, 15, np_mb_pages(256), &pp);
	CHECK_INT(pp.max_total_ms, 17100);
	/* a higher threshold stops it sooner, not longer: still at 20 MB/s */
	np_pause_plan_make(50, 1000000, np_mb_pages(256), &pp);
	CHECK_INT(pp.max_total_ms, 12800);
	CHECK_INT(pp.below_mbps, 1000000);
}

TEST(pause_plan_never)
{
	struct np_pause_plan pp;

	np_pause_plan_make(0, 0, np_mb_pages(256), &pp);
	CHECK(!pp.may_pause);
	CHECK_INT(pp.max_total_ms, 0);
	CHECK_STR(pp.never, "its pause is 0 ms");
	np_pause_plan_make(50, 0, 0, &pp);
	CHECK(!pp.may_pause);
	CHECK_STR(pp.never, "no mapped file pages to move");
}

/* a process with 200 MB of file pages and 100 MB anonymous on node 0, 10 MB of file on 1 */
static void filed_proc(struct np_proc_model *proc)
{
	memset(proc, 0, sizeof(*proc));
	proc->has_residency = true;
	proc->residency.pages[0] = np_mb_pages(300);
	proc->residency.file_pages[0] = np_mb_pages(200);
	proc->residency.pages[1] = np_mb_pages(10);
	proc->residency.file_pages[1] = np_mb_pages(10);
}

TEST(pause_plan_counts_the_file_pages_that_move)
{
	struct np_plan_opts opts = { .only = NP_PLAN_ALL, .pause_ms = 50 };
	static struct np_plan plan = { .target_node = 1 };
	struct np_proc_model proc;

	filed_proc(&proc);
	plan.pages_to_move = plan.pages_planned = np_mb_pages(300);
	np_plan_pause(&proc, &opts, &plan);
	CHECK_INT(plan.pause.file_pages, np_mb_pages(200)); /* node 1's 10 MB stay */
	CHECK_INT(plan.pause.max_total_ms, 10000);
	/* the reserve lets 150 MB move: at most 150 MB of it file pages */
	plan.pages_planned = np_mb_pages(150);
	np_plan_pause(&proc, &opts, &plan);
	CHECK_INT(plan.pause.file_pages, np_mb_pages(150));
	/* an interleave moves file pages by their share: 210 of 310 MB, of 155 MB moving */
	plan.interleave.on = true;
	plan.pages_planned = np_mb_pages(155);
	np_plan_pause(&proc, &opts, &plan);
	CHECK_INT(plan.pause.file_pages, np_mb_pages(105));
	/* no memory moving: never */
	opts.only = NP_PLAN_ONLY_THREADS;
	np_plan_pause(&proc, &opts, &plan);
	CHECK(!plan.pause.may_pause);
	CHECK_STR(plan.pause.never, "no memory moves");
}

TEST(pause_plan_plan_make_fills_it)
{
	struct np_plan_opts opts = {
		.target_node = 1, .only = NP_PLAN_ONLY_MEMORY, .reserve_mb = 0, .pause_ms = 50
	};
	static struct np_topo topo = { .nnodes = 2 };
	struct np_proc_model proc;
	static struct np_plan plan;
	char msg[256];

	filed_proc(&proc);
	for (int i = 0; i < 2; i++) {
		topo.nodes[i].id = i;
		topo.nodes[i].mem_free_kb = 1 << 30;
	}
	CHECK_INT(np_plan_make(&topo, &proc, &opts, &plan, msg, sizeof(msg)), 0);
	CHECK(plan.pause.may_pause);
	CHECK_INT(plan.pause.file_pages, np_mb_pages(200));
	opts.pause_ms = 0;
	CHECK_INT(np_plan_make(&topo, &proc, &opts, &plan, msg, sizeof(msg)), 0);
	CHECK(!plan.pause.may_pause);
}

/* every line of the text fits 100 columns, with large figures too */
static void check_width(const char *text)
{
	for (const char *l = text; *l;) {
		const char *nl = strchr(l, '\n');
		size_t n = nl ? (size_t)(nl - l) : strlen(l);

		if (n > 100)
			np_test_fail(__FILE__, __LINE__, "%zu columns: %.*s", n, (int)n, l);
		l += n + (nl != NULL);
	}
}

TEST(pause_plan_text)
{
	struct np_pause_plan pp;
	char text[256];

	np_pause_plan_make(50, 0, np_mb_pages(256), &pp);
	np_pause_text(&pp, text, sizeof(text));
	CHECK_STR(text,
		  "  pauses     the process for at most 50 ms at a time and 12.8 s in all\n"
		  "             while 256 MB of mapped file pages move, if slower than 20 MB/s "
		  "while read\n");
	check_width(text);
	np_pause_plan_make(100000, 100000, np_mb_pages(9999999), &pp);
	np_pause_text(&pp, text, sizeof(text));
	check_width(text);
	np_pause_plan_make(0, 0, 1, &pp);
	np_pause_text(&pp, text, sizeof(text));
	CHECK_STR(text, "  pauses     never stops the process (its pause is 0 ms)\n");
	CHECK(np_pause_json(&pp) == NULL);
}
