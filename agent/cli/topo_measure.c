// SPDX-License-Identifier: GPL-2.0
/* `numaplace topo --measure` (see topo_measure.h). */
#include <stdio.h>
#include <unistd.h>

#include "cli/topo_measure.h"
#include "lib/log.h"
#include "topo/measure_run.h"

/* One line redrawn in place on the terminal: which cell, and its share of the budget. */
static void progress(void *ctx, int cell, int ncells, int cpu_node, int mem_node, double cell_s)
{
	(void)ctx;
	fprintf(stderr, "\rmeasuring cpu node %d -> memory node %d (%d/%d, %.1f s)   ", cpu_node,
		mem_node, cell + 1, ncells, cell_s);
	fflush(stderr);
}

int np_cli_measure(const struct np_topo *topo, struct np_measure *m)
{
	struct np_measure_opts o = { .budget_s = np_measure_budget(topo->nnodes) };
	bool tty = isatty(STDERR_FILENO);
	char msg[256];
	int err;

	if (tty) {
		fprintf(stderr, "measuring %d x %d nodes, budget %g s\n", topo->nnodes,
			topo->nnodes, o.budget_s);
		o.progress = progress;
	}
	err = np_measure_run(topo, &o, m, msg, sizeof(msg));
	if (tty)
		fprintf(stderr, "\r%78s\r", "");
	if (err) {
		np_err("topo: --measure: %s", msg);
		return NP_EXIT_RUNTIME;
	}
	if (msg[0])
		np_log(NP_LOG_WARNING, "topo: --measure: some cells not measured: %s", msg);
	if (geteuid() != 0) {
		np_log(NP_LOG_WARNING, "topo: --measure: not root, so not kept in %s",
		       NP_MEASURE_CACHE_DIR);
		return NP_EXIT_OK;
	}
	err = np_measure_save_dir(topo, NP_MEASURE_CACHE_DIR, m, msg, sizeof(msg));
	if (err)
		np_log(NP_LOG_WARNING, "topo: --measure: not kept: %s", msg);
	return NP_EXIT_OK;
}
