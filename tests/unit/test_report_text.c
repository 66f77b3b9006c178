// SPDX-License-Identifier: GPL-2.0
/*
 * report's table fits 100 columns (output/report_text.c): by-node cells while they fit, totals
 * and a "by node:" line when eight nodes leave no room; a long escaped name is cut.
 */
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "lib/pages.h"
#include "output/report_output.h"
#include "output/text_wrap.h"
#include "test.h"

/* The text report of one process spread over nnodes nodes, in a buffer the caller frees. */
static char *report_text(int nnodes, const char *comm)
{
	static struct np_topo topo;
	static struct np_proc_model proc;
	struct np_report r = { .topo = &topo, .nprocs = 1, .procs = &proc, .sample_every = 64 };
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	memset(&topo, 0, sizeof(topo));
	memset(&proc, 0, sizeof(proc));
	topo.nnodes = nnodes;
	r.data.window_ns = 1000000000ull;
	for (int i = 0; i < nnodes; i++) {
		topo.nodes[i].id = i;
		proc.totals.cpu_ns[i] = 990000000ull;	  /* 99% of a CPU */
		proc.residency.pages[i] = np_mb_pages(40000); /* 40 GB */
	}
	proc.has_residency = true;
	proc.info.pid = 4194304;
	proc.info.nthreads = 128;
	snprintf(proc.info.comm, sizeof(proc.info.comm), "%s", comm);
	proc.remote_ratio = proc.remote_ratio_sampled = proc.first_touch_remote = NAN;
	proc.target_node = -1; /* no recommendation: the table alone */
	snprintf(proc.target_reason, sizeof(proc.target_reason), "no accelerator");
	np_report_print_text(&r, f);
	fclose(f);
	return buf;
}

TEST(report_table_by_node_while_it_fits)
{
	char *s = report_text(2, "llama-server");

	CHECK(np_test_lines_fit(s));
	CHECK(strstr(s, "CPU% BY NODE") != NULL);
	CHECK(strstr(s, " 0:99 1:99 ") != NULL);
	CHECK(strstr(s, "0:40000 1:40000") != NULL);
	CHECK(strstr(s, "by node:") == NULL);
	free(s);
}

TEST(report_table_totals_when_nodes_do_not_fit)
{
	char *s = report_text(8, "np\x1b[31mx\ny");

	CHECK(np_test_lines_fit(s));
	CHECK(strstr(s, "CPU% BY NODE") == NULL);
	CHECK(strstr(s, " 792 ") != NULL);    /* 8 x 99% */
	CHECK(strstr(s, " 320000 ") != NULL); /* 8 x 40000 MB */
	CHECK(strstr(s, "by node: CPU% 0:99 1:99") != NULL);
	CHECK(strstr(s, "np\\x1b[31mx\\...") != NULL); /* the row's name, cut */
	CHECK(strstr(s, "name: np\\x1b[31mx\\x0ay\n") != NULL);
	free(s);
}
