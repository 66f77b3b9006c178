// SPDX-License-Identifier: GPL-2.0
/*
 * The daemon's metrics each interval: one snapshot of the managed processes and of the agent
 * itself, rendered once, written to the textfile (atomic rename, for node_exporter) and kept
 * as the body the listener serves until the next interval.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"
#include "output/identity_text.h"
#include "run/run.h"

/* New processes take the lowest slot free in their group, kept in r for their lifetime. */
static void assign_slots(struct np_run *r, struct np_metrics_proc *procs)
{
	for (int i = 0; i < r->nmanaged; i++) {
		if (procs[i].slot >= 0)
			continue;
		procs[i].slot = np_metrics_slot_pick(procs, r->nmanaged, &procs[i]);
		r->managed[i].slot = procs[i].slot;
	}
}

void np_run_count_placement(struct np_run *r, const struct np_managed *mp)
{
	if (!np_metrics_count_add(r->placements, &r->nplacements, NP_METRICS_MATCHES_MAX,
				  mp->match))
		np_log_ratelimited("placements", NP_LOG_WARNING,
				   "metrics: more than %d sections counted; placements of [match "
				   "%s] go uncounted",
				   NP_METRICS_MATCHES_MAX, mp->match);
}

void np_run_metrics(struct np_run *r, const struct np_sample_data *snap)
{
	struct np_metrics_proc *procs = calloc(r->nmanaged + 1, sizeof(*procs));
	struct np_metrics_bpf_prog progs[] = {
		{ "sched_switch", snap->counters[NP_CNT_SWITCH_EVENTS] },
		{ "page_fault_user", snap->counters[NP_CNT_FAULT_EVENTS] },
		{ "fault_samples", snap->counters[NP_CNT_SAMPLES] },
		{ "sched_process_fork", snap->counters[NP_CNT_FORKS_FOLLOWED] },
		{ "sched_process_exit", snap->counters[NP_CNT_EXITS] },
		{ "mm_migrate_pages", snap->counters[NP_CNT_MIGRATE_NUMA] +
					      snap->counters[NP_CNT_MIGRATE_SYSCALL] +
					      snap->counters[NP_CNT_MIGRATE_OTHER] },
	};
	struct np_metrics m = {
		.procs = procs,
		.nprocs = r->nmanaged,
		.bpf_progs = progs,
		.nbpf_progs = NP_ARRAY_SIZE(progs),
		.bpf_ringbuf_drops = snap->counters[NP_CNT_SAMPLE_DROPS],
		.bpf_map_drops = snap->counters[NP_CNT_THREAD_DROPS],
		.sampler_attached = np_sampler_attached(r->sampler),
		.sampling_windows = r->duty.windows,
		.placements = r->placements,
		.nplacements = r->nplacements,
		.actions_failed = r->actions_failed,
		.shared_file_conflicts = r->shared_file_conflicts,
		.cpuset_conflicts = r->cpuset_conflicts,
		.intervals = r->intervals,
		.last_interval_seconds = r->last_interval_s,
	};
	char *text = NULL;
	size_t len = 0;
	int err;

	if (!procs)
		return;
	for (int i = 0; i < r->topo->nnodes && i < NP_MAX_NODES; i++)
		m.node_ids[m.nnodes++] = r->topo->nodes[i].id;
	for (int i = 0; i < r->nmanaged; i++) {
		const struct np_managed *mp = &r->managed[i];
		struct np_metrics_proc *p = &procs[i];

		p->pid = mp->pid;
		memcpy(p->comm, mp->comm, sizeof(p->comm));
		snprintf(p->match, sizeof(p->match), "%s", mp->match);
		np_container_short(&mp->id, p->container, sizeof(p->container));
		snprintf(p->unit, sizeof(p->unit), "%s", mp->id.unit);
		p->slot = mp->slot;
		p->remote_ratio = mp->remote_ratio;
		p->target_node = mp->assigned_node;
		for (int n = 0; n < NP_BPF_MAX_NODES; n++)
			p->pages[n] = mp->residency.pages[n];
		p->pages_moved = mp->pages_moved;
		p->pages_pinned = mp->pages_pinned;
		memcpy(p->actions, mp->actions, sizeof(p->actions));
	}
	assign_slots(r, procs);
	np_metrics_self(&m);
	err = np_metrics_format(&m, &text, &len);
	free(procs);
	if (err) {
		np_log_ratelimited("metrics", NP_LOG_WARNING, "metrics: %s", strerror(-err));
		return;
	}
	if (r->cfg.metrics_file[0]) {
		err = np_metrics_write_textfile(r->cfg.metrics_file, text, len);
		if (err)
			np_log_ratelimited("metrics-file", NP_LOG_WARNING, "metrics file %s: %s",
					   r->cfg.metrics_file, strerror(-err));
	}
	free(r->metrics_text);
	r->metrics_text = text;
	r->metrics_len = len;
}

/*
 * Answer the scrapes waiting now, without blocking: called by the memory movers' wait, so a
 * long move (a 40 GB model at 1 GB/s) does not leave Prometheus without an answer for its
 * duration. The figures are those of the last interval.
 */
void np_run_serve_metrics(void *ctx)
{
	struct np_run *r = ctx;
	struct pollfd pfd;

	if (!r->http)
		return;
	pfd = (struct pollfd){ .fd = np_metrics_http_fd(r->http), .events = POLLIN };
	if (poll(&pfd, 1, 0) == 1 && (pfd.revents & POLLIN))
		np_metrics_http_serve(r->http, r->metrics_text ? r->metrics_text : "",
				      r->metrics_len);
}
