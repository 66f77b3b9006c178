// SPDX-License-Identifier: GPL-2.0
/* top's rows and detail pane from a process model. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "output/top_rows.h"
#include "test.h"

TEST(top_row_and_detail_of_a_model)
{
	struct np_thread_model threads[2] = {
		{ .tid = 101, .comm = "idle", .busiest_node = NP_NO_NODE },
		{ .tid = 102, .comm = "reader", .busiest_node = 1 },
	};
	struct np_proc_model p = { .info = { .pid = 100, .comm = "srv\x1b", .nthreads = 2 },
				   .nthreads = 2,
				   .threads = threads,
				   .has_residency = true,
				   .remote_ratio = 0.75,
				   .remote_ratio_sampled = NAN,
				   .target_node = 0 };
	struct np_fault_sample samples[4] = {
		{ .tgid = 100, .address = 0x7f0000200000 + 5 },
		{ .tgid = 100, .address = 0x7f0000200000 + 4096 },
		{ .tgid = 100, .address = 0x40000000 },
		{ .tgid = 999, .address = 0x40000000 },
	};
	struct np_topo topo = { .nnodes = 2, .nodes = { { .id = 0 }, { .id = 1 } } };
	struct np_top_detail_in in = { .proc = &p,
				       .topo = &topo,
				       .window_ns = 1000000000,
				       .cpuset = "cpus 0-3 mems 0-1",
				       .samples = samples,
				       .nsamples = 4 };
	char *lines[20];
	struct np_top_row row;
	int n;

	threads[1].stats.cpu_ns[1] = 500000000;
	p.totals.cpu_ns[1] = 500000000;
	p.residency.pages[0] = 256;
	snprintf(p.target_reason, sizeof(p.target_reason), "holds 100%% of its memory");
	np_top_row_from(&p, 1000000000, &row);
	CHECK_STR(row.name, "srv\\x1b");
	CHECK(row.cpus[1] == 0.5 && row.mem_mb[0] == 1);
	CHECK_STR(row.run, "-");
	n = np_top_detail(&in, lines, 20);
	CHECK_INT(n, 10);
	CHECK_STR(lines[0], "target: node 0: holds 100% of its memory");
	CHECK_STR(lines[1], "remote: 75% expected; no sampled faults");
	CHECK_STR(lines[2], "memory: n0 1 MB, n1 0 MB; policy default");
	CHECK_STR(lines[3], "cpuset: cpus 0-3 mems 0-1");
	CHECK_STR(lines[4], "hot regions (2 MB, share of 3 fault samples): 0x7f0000200000 66%, "
			    "0x40000000 33%");
	CHECK_STR(lines[5], "accelerators: none");
	CHECK_STR(lines[6], "numaplace run: not managed");
	CHECK_STR(lines[7], "threads: 2, busiest first");
	CHECK(!strncmp(lines[8], "  tid 102      reader           node 1   cpu  0.50", 50));
	CHECK(!strncmp(lines[9], "  tid 101      idle             node -   cpu  0.00", 50));
	for (int i = 0; i < n; i++)
		free(lines[i]);
}
