// SPDX-License-Identifier: GPL-2.0
/* `numaplace top`'s frame at the sizes it must fit: lines fit the width, rows drop first. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output/top_frame.h"
#include "test.h"

#define NROWS 40

static struct np_top_node nodes[2] = {
	{ .id = 0,
	  .cpus_busy = 3.5,
	  .ncpus = 8,
	  .mem_free_mb = 1200,
	  .mem_total_mb = 16000,
	  .migrated_pages = 12,
	  .devices = "nic eth0 nvme 0000:01:00.0" },
	{ .id = 1,
	  .cpus_busy = 0.2,
	  .ncpus = 8,
	  .mem_free_mb = 14000,
	  .mem_total_mb = 16000,
	  .devices = "gpu 0000:41:00.0" },
};
static struct np_top_row rows[NROWS];
static const char *detail[] = { "threads 24: 20 on node 0, 4 on node 1", "policy default",
				"cpuset cpus 0-15 mems 0-1", "devices gpu 0000:41:00.0 (files)" };

/* Rows with different remote ratios, memory and CPU, a long reason each. */
static void fill_rows(void)
{
	for (int i = 0; i < NROWS; i++) {
		struct np_top_row *r = &rows[i];

		memset(r, 0, sizeof(*r));
		r->pid = 1000 + i;
		snprintf(r->name, sizeof(r->name), "server-%02d-long", i);
		snprintf(r->unit, sizeof(r->unit), "docker:abcdef%02d", i);
		r->nthreads = 10 + i;
		r->cpus[0] = i * 0.1;
		r->cpus[1] = 0.05;
		r->mem_mb[0] = 100;
		r->mem_mb[1] = 50.0 * ((i * 7) % NROWS);
		r->remote_ratio = i % 5 ? (i % 10) / 10.0 : NAN;
		r->target_node = i % 3 ? 1 : NP_NO_NODE;
		snprintf(r->why, sizeof(r->why),
			 "uses accelerator 0000:41:00.0 on node 1 (files: "
			 "/dev/nvidia0), and more words than fit in a row");
		snprintf(r->run, sizeof(r->run), i % 2 ? "node 1" : "-");
	}
}

static struct np_top_frame frame(void)
{
	struct np_top_frame f = { .host = "gpu-host-1",
				  .interval_s = 1,
				  .time_s = 0,
				  .nnodes = 2,
				  .nodes = nodes,
				  .nrows = NROWS,
				  .rows = rows,
				  .keys = true };
	return f;
}

static void check_fits(const struct np_top_lines *l, int width, int height)
{
	CHECK(l->nlines <= height);
	for (int i = 0; i < l->nlines; i++)
		if ((int)strlen(l->lines[i]) > width)
			np_test_fail(__FILE__, __LINE__,
				     "line %d is %zu columns, wider than %d: %s", i,
				     strlen(l->lines[i]), width, l->lines[i]);
}

static void check_size(int width, int height)
{
	struct np_top_frame f = frame();
	struct np_top_lines l;

	fill_rows();
	f.selected = 1030; /* far down: the rows scroll to it */
	f.ndetail = 4;
	f.detail = detail;
	f.message = "place pid 1030 on node 1? (y/n)";
	CHECK_INT(np_top_layout(&f, width, height, &l), 0);
	check_fits(&l, width, height);
	CHECK_INT(l.nlines, height); /* rows fill the screen */
	CHECK(!strncmp(l.lines[0], "numaplace top", 13));
	CHECK(!strncmp(l.lines[1], "node 0", 6));
	CHECK(!strncmp(l.lines[2], "node 1", 6));
	CHECK(strstr(l.lines[3], "PID") && strstr(l.lines[3], "REMOTE"));
	CHECK(l.selected_line > 3 && strstr(l.lines[l.selected_line], "1030"));
	CHECK(strstr(l.lines[l.nlines - 1], "q quit") != NULL);
	np_top_lines_free(&l);
}

TEST(top_frame_fits_80x24)
{
	check_size(80, 24);
}

TEST(top_frame_fits_200x50_with_the_reason)
{
	struct np_top_frame f = frame();
	struct np_top_lines l;

	check_size(200, 50);
	fill_rows();
	CHECK_INT(np_top_layout(&f, 200, 50, &l), 0);
	CHECK(strstr(l.lines[3], "UNIT") && strstr(l.lines[3], "WHY"));
	CHECK(strstr(l.lines[4], "docker:abcdef00") && strstr(l.lines[4], "uses accelerator"));
	np_top_lines_free(&l);
}

/* A short screen: the headers stay, the rows go. */
TEST(top_frame_rows_drop_before_the_header)
{
	struct np_top_frame f = frame();
	struct np_top_lines l;

	fill_rows();
	CHECK_INT(np_top_layout(&f, 80, 6, &l), 0);
	check_fits(&l, 80, 6);
	CHECK(!strncmp(l.lines[2], "node 1", 6));
	CHECK(strstr(l.lines[3], "PID") != NULL);
	CHECK(strstr(l.lines[4], "1000") != NULL); /* one row left */
	np_top_lines_free(&l);
	CHECK_INT(np_top_layout(&f, 80, 3, &l), 0);
	CHECK_INT(l.nlines, 3);
	CHECK(!strncmp(l.lines[2], "node 1", 6));
	np_top_lines_free(&l);
}

/* Batch mode: no height, every row, no keys line. */
TEST(top_frame_batch_has_every_row)
{
	struct np_top_frame f = frame();
	struct np_top_lines l;

	fill_rows();
	f.keys = false;
	CHECK_INT(np_top_layout(&f, 100, 0, &l), 0);
	CHECK_INT(l.nlines, 4 + NROWS);
	check_fits(&l, 100, 1000);
	np_top_lines_free(&l);
}

TEST(top_frame_sort_and_filter)
{
	struct np_top_frame f = frame();
	struct np_top_lines l;

	fill_rows();
	np_top_sort(rows, NROWS, NP_TOP_SORT_REMOTE);
	CHECK(rows[0].remote_ratio >= rows[1].remote_ratio);
	CHECK(isnan(rows[NROWS - 1].remote_ratio));
	np_top_sort(rows, NROWS, NP_TOP_SORT_CPU);
	CHECK_INT(rows[0].pid, 1000 + NROWS - 1);
	np_top_sort(rows, NROWS, NP_TOP_SORT_MEM);
	CHECK(rows[0].mem_mb[1] >= rows[1].mem_mb[1]);
	CHECK_STR(np_top_sort_name(NP_TOP_SORT_MEM), "mem");
	f.filter = "SERVER-1";
	f.keys = false;
	CHECK_INT(np_top_layout(&f, 120, 0, &l), 0);
	CHECK_INT(l.nlines, 4 + 10); /* server-10 .. server-19 */
	CHECK(strstr(l.lines[0], "10 of 40 processes") && strstr(l.lines[0], "filter"));
	np_top_lines_free(&l);
	CHECK(np_top_visible(&rows[0], "abcdef") && !np_top_visible(&rows[0], "nomatch"));
}

/* Two nodes at 80 columns: cells of 3 with '|' between; a bar reads as the share per node. */
TEST(top_frame_bars)
{
	struct np_top_frame f = frame();
	struct np_top_lines l;

	fill_rows();
	rows[0].cpus[0] = 0.75;
	rows[0].cpus[1] = 0.25;
	f.nrows = 1;
	CHECK_INT(np_top_layout(&f, 80, 0, &l), 0);
	CHECK(strstr(l.lines[4], " ##.|#..  ") != NULL);
	np_top_lines_free(&l);
}
