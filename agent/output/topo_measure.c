// SPDX-License-Identifier: GPL-2.0
/*
 * `numaplace topo`: the measured latency and bandwidth matrix (topo --measure), as two tables
 * of at most 8 memory nodes across (so that a line stays within 100 columns), and as the JSON
 * "measure" object.
 */
#include <math.h>
#include <stdio.h>
#include <time.h>

#include "output/json_doc.h"
#include "output/topo_output.h"

#define COLS 8 /* 12 + 8 * 10 columns */

static void print_matrix(const struct np_measure *m, const char *title, const char *fmt,
			 const double cells[NP_MAX_NODES][NP_MAX_NODES], FILE *out)
{
	for (int j0 = 0; j0 < m->nnodes; j0 += COLS) {
		int j1 = j0 + COLS < m->nnodes ? j0 + COLS : m->nnodes;

		fprintf(out, "%-12s", title);
		for (int j = j0; j < j1; j++) {
			char head[16];

			snprintf(head, sizeof(head), "mem %d", m->node_ids[j]);
			fprintf(out, "%10s", head);
		}
		fputc('\n', out);
		for (int i = 0; i < m->nnodes; i++) {
			fprintf(out, "  cpu %-6d", m->node_ids[i]);
			for (int j = j0; j < j1; j++) {
				if (isfinite(cells[i][j]))
					fprintf(out, fmt, cells[i][j]);
				else
					fprintf(out, "%10s", "-");
			}
			fputc('\n', out);
		}
	}
}

void np_measure_print_text(const struct np_measure *m, FILE *out)
{
	time_t at = (time_t)m->measured_at;
	char when[32] = "?";
	struct tm tm;

	fputc('\n', out);
	if (!m->valid) {
		fprintf(out, "measured         none (numaplace topo --measure)\n");
		return;
	}
	if (gmtime_r(&at, &tm))
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M UTC", &tm);
	fprintf(out, "measured         %s (%s), %.1f s, %.0f MB buffer per node\n", when, m->source,
		m->seconds, m->buffer_mb);
	print_matrix(m, "latency ns", "%10.1f", m->latency_ns, out);
	print_matrix(m, "read GB/s", "%10.2f", m->read_gbps, out);
}

struct json_object *np_measure_to_json(const struct np_measure *m)
{
	struct json_object *o = json_object_new_object();
	char when[32];

	if (!m->valid || !np_json_time((time_t)m->measured_at, when, sizeof(when))) {
		static const char *const keys[] = { "source",	 "measured_at", "duration_s",
						    "buffer_mb", "latency_ns",	"read_gbps" };

		for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
			json_object_object_add(o, keys[k], NULL);
		return o;
	}
	json_object_object_add(o, "source", json_object_new_string(m->source));
	json_object_object_add(o, "measured_at", json_object_new_string(when));
	json_object_object_add(o, "duration_s", json_object_new_double(m->seconds));
	json_object_object_add(o, "buffer_mb", json_object_new_double(m->buffer_mb));
	json_object_object_add(o, "latency_ns", np_measure_matrix_json(m, m->latency_ns));
	json_object_object_add(o, "read_gbps", np_measure_matrix_json(m, m->read_gbps));
	return o;
}
