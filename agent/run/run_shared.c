// SPDX-License-Identifier: GPL-2.0
/*
 * The files a process being placed shares with others (a model two replicas map), decided
 * for `run`: a managed sharer is where the fleet assigned it (placed in this interval or
 * before), any other where its threads are bound. When they all meet on the node this one
 * goes to, the pages move along; when not, the log says who shares which file on which nodes
 * and what fixes it, and numaplace_shared_file_conflicts_total counts it. Read once per
 * placement (a walk of every process's maps), never every interval.
 */
#include <stdlib.h>

#include "lib/log.h"
#include "run/run.h"

/* The managed processes the fleet has placed: where they are headed. */
static int fleet_nodes(const struct np_run *r, struct np_shared_placed *placed)
{
	int n = 0;

	for (int i = 0; i < r->nmanaged; i++) {
		const struct np_managed *o = &r->managed[i];
		const struct np_fleet_entry *e = np_fleet_find(&r->fleet, o->pid, o->start_time);

		if (e && e->placed)
			placed[n++] = (struct np_shared_placed){ o->pid, o->start_time,
								 e->assigned_node };
	}
	return n;
}

int np_run_shared_files(struct np_run *r, const struct np_managed *mp, int node,
			struct np_shared_files *sf)
{
	struct np_shared_placed *placed = calloc(r->nmanaged + 1, sizeof(*placed));
	char line[1024];
	int err;

	if (!placed)
		return -1;
	err = np_shared_files_read("/", r->topo, mp->pid, sf);
	if (!err)
		np_shared_decide(sf, node, placed, fleet_nodes(r, placed));
	free(placed);
	for (int i = 0; !err && i < sf->nfiles; i++) {
		np_shared_file_text(&sf->files[i], mp->pid, mp->comm, node, line, sizeof(line));
		if (sf->files[i].conflict) {
			r->shared_file_conflicts++;
			np_log(NP_LOG_WARNING, "%s", line);
		} else {
			np_log(NP_LOG_INFO, "%s", line);
		}
	}
	return err;
}
