// SPDX-License-Identifier: GPL-2.0
/*
 * The measure cache file (lib/measure_cache.c, `topo --measure`): a file under /var/cache that
 * someone else may have written. Whatever it holds, the parser stays in bounds; a file it takes
 * has 1..NP_MAX_NODES distinct nodes and cells that are null or within the sanity bounds, and
 * formats back to text that parses to the same matrix.
 */
#include "fuzz.h" /* first: it sets _GNU_SOURCE */

#include <math.h>

#include "lib/measure_cache.h"

static bool same_cell(double a, double b)
{
	return (isnan(a) && isnan(b)) || a == b;
}

static void check_cells(const struct np_measure *m)
{
	for (int i = 0; i < m->nnodes; i++)
		for (int j = 0; j < m->nnodes; j++) {
			double l = m->latency_ns[i][j], r = m->read_gbps[i][j];

			FUZZ_CHECK(isnan(l) || (l > 0 && l <= NP_MEASURE_MAX_NS), "latency %g", l);
			FUZZ_CHECK(isnan(r) || (r > 0 && r <= NP_MEASURE_MAX_GBPS), "gbps %g", r);
		}
}

static void round_trip(const struct np_measure *m)
{
	struct np_measure back;
	char msg[256], *text = np_measure_format(m, "k");

	FUZZ_CHECK(text, "format: no text");
	FUZZ_CHECK(!np_measure_parse(text, strlen(text), "k", &back, msg, sizeof(msg)),
		   "own output refused: %s", msg);
	FUZZ_CHECK(back.nnodes == m->nnodes, "nodes %d -> %d", m->nnodes, back.nnodes);
	for (int i = 0; i < m->nnodes; i++) {
		FUZZ_CHECK(back.node_ids[i] == m->node_ids[i], "node %d", i);
		for (int j = 0; j < m->nnodes; j++)
			FUZZ_CHECK(same_cell(back.latency_ns[i][j], m->latency_ns[i][j]) &&
					   same_cell(back.read_gbps[i][j], m->read_gbps[i][j]),
				   "cell %d,%d changed", i, j);
	}
	free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct np_measure m;
	char msg[256];

	if (np_measure_parse((const char *)data, size, "k", &m, msg, sizeof(msg))) {
		FUZZ_CHECK(!m.valid && msg[0], "refused without a reason");
		return 0;
	}
	FUZZ_CHECK(m.valid && m.nnodes >= 1 && m.nnodes <= NP_MAX_NODES, "nodes %d", m.nnodes);
	for (int i = 0; i < m.nnodes; i++)
		for (int k = 0; k < i; k++)
			FUZZ_CHECK(m.node_ids[i] != m.node_ids[k], "node %d twice", m.node_ids[i]);
	check_cells(&m);
	round_trip(&m);
	return 0;
}
