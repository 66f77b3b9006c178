// SPDX-License-Identifier: GPL-2.0
/* The model's arithmetic (see model.h): pure functions over plain structs. */
#include <stdio.h>
#include <string.h>

#include "model/model.h"

double np_remote_ratio(const __u64 *cpu_ns, const __u64 *pages)
{
	double total_pages = 0, total_cpu = 0, remote = 0;

	for (int n = 0; n < NP_BPF_MAX_NODES; n++) {
		total_pages += (double)pages[n];
		total_cpu += (double)cpu_ns[n];
	}
	if (total_pages <= 0 || total_cpu <= 0)
		return NAN;
	for (int n = 0; n < NP_BPF_MAX_NODES; n++)
		remote += (double)cpu_ns[n] * (1.0 - (double)pages[n] / total_pages);
	return remote / total_cpu;
}

static int argmax(const __u64 *values)
{
	int best = NP_NO_NODE;

	for (int n = 0; n < NP_BPF_MAX_NODES; n++)
		if (values[n] && (best == NP_NO_NODE || values[n] > values[best]))
			best = n;
	return best;
}

int np_busiest_node(const __u64 *cpu_ns)
{
	return argmax(cpu_ns);
}

int np_fullest_node(const __u64 *pages)
{
	return argmax(pages);
}

void np_model_process(struct np_proc_model *proc, const struct np_resolved_sample *samples,
		      int nsamples, bool numa_balancing_on)
{
	const __u64 *pages = proc->has_residency ? proc->residency.pages : NULL;
	int first_touch_remote = 0, sampled_remote = 0, home;

	/* totals already hold the exited threads' share (folded by the sampler) */
	for (int i = 0; i < proc->nthreads; i++) {
		struct np_thread_model *t = &proc->threads[i];

		np_stats_fold(&proc->totals, &t->stats);
		t->busiest_node = np_busiest_node(t->stats.cpu_ns);
		t->remote_ratio = pages ? np_remote_ratio(t->stats.cpu_ns, pages) : NAN;
	}
	proc->remote_ratio = pages ? np_remote_ratio(proc->totals.cpu_ns, pages) : NAN;

	/*
	 * First touch is judged against where the process mostly runs, not the faulting
	 * thread: a loader on node 0 filling memory that workers on node 1 read is the case.
	 */
	home = np_busiest_node(proc->totals.cpu_ns);
	proc->samples = nsamples;
	proc->samples_resolved = 0;
	for (int i = 0; i < nsamples; i++) {
		const struct np_resolved_sample *s = &samples[i];

		if (s->page_node < 0)
			continue;
		proc->samples_resolved++;
		first_touch_remote += s->page_node != (home != NP_NO_NODE ? home : s->cpu_node);
		sampled_remote += s->page_node != s->cpu_node;
	}
	proc->first_touch_remote =
		proc->samples_resolved ? (double)first_touch_remote / proc->samples_resolved : NAN;

	/* The kernel's own verdict first; fault samples stand for reads only under AutoNUMA. */
	proc->remote_ratio_sampled = NAN;
	proc->sampled_source = NULL;
	if (proc->totals.hint_local + proc->totals.hint_remote) {
		proc->remote_ratio_sampled =
			(double)proc->totals.hint_remote /
			(double)(proc->totals.hint_local + proc->totals.hint_remote);
		proc->sampled_source = "hinting-faults";
	} else if (numa_balancing_on && proc->samples_resolved) {
		proc->remote_ratio_sampled = (double)sampled_remote / proc->samples_resolved;
		proc->sampled_source = "fault-samples";
	}
}

int np_busy_threads(const struct np_proc_model *proc, __u64 window_ns)
{
	int busy = 0;

	for (int i = 0; i < proc->nthreads; i++)
		busy += window_ns && np_node_sum(proc->threads[i].stats.cpu_ns) * 2 >= window_ns;
	return busy;
}

void np_model_target(const struct np_topo *topo, const struct np_target_opts *opts,
		     struct np_proc_model *proc)
{
	char *reason = proc->target_reason;
	size_t len = sizeof(proc->target_reason);
	int node = NP_NO_NODE, accel_nodes;
	struct np_accel_pick pick;

	proc->target_node = NP_NO_NODE;
	if (opts->forced_node != NP_NO_NODE) {
		proc->target_node = opts->forced_node;
		snprintf(reason, len, "--node %d", opts->forced_node);
		return;
	}
	if (opts->forced_device >= 0) {
		const struct np_device *dev = &topo->devices[opts->forced_device];

		proc->target_node = dev->node;
		if (dev->node == NP_NODE_UNKNOWN)
			snprintf(reason, len, "--device %s: its node is unknown (numa_node -1)",
				 dev->pci);
		else
			snprintf(reason, len, "--device %s is on node %d", dev->pci, dev->node);
		return;
	}

	/* Its accelerators: their node (by its GPU memory where the driver counts it). */
	np_accel_pick(topo, &proc->accel, &pick);
	accel_nodes = pick.nnodes;
	if (pick.node != NP_NO_NODE) {
		proc->target_node = pick.node;
		np_accel_reason(topo, &proc->accel, &pick, reason, len);
		return;
	}
	if (accel_nodes == 0 && (proc->accel.unidentified || proc->accel.ndevices)) {
		/* It uses one we cannot name: if every accelerator is on one node, that node. */
		int all_node = NP_NO_NODE;
		bool one_node = true;

		for (int i = 0; i < topo->ndevices && one_node; i++) {
			const struct np_device *dev = &topo->devices[i];

			if (dev->kind != NP_DEV_ACCEL)
				continue;
			if (dev->node == NP_NODE_UNKNOWN ||
			    (all_node != NP_NO_NODE && dev->node != all_node))
				one_node = false;
			else
				all_node = dev->node;
		}
		if (one_node && all_node != NP_NO_NODE) {
			proc->target_node = all_node;
			snprintf(reason, len, "uses an accelerator; all accelerators are on node %d",
				 all_node);
			return;
		}
	}

	/* CPU inference: the node holding most of its memory, if it has CPUs enough. */
	if (proc->has_residency)
		node = np_fullest_node(proc->residency.pages);
	if (node != NP_NO_NODE) {
		int index = np_topo_node_index(topo, node);
		int cpus = index >= 0 ? np_cpuset_count(&topo->nodes[index].cpus) : 0;
		int busy = np_busy_threads(proc, opts->window_ns);
		__u64 total = np_node_sum(proc->residency.pages);

		if (cpus > 0 && cpus >= busy) {
			proc->target_node = node;
			snprintf(reason, len, "holds %.0f%% of its memory%s",
				 100.0 * proc->residency.pages[node] / total,
				 accel_nodes > 1 ? " (its accelerators span nodes)" : "");
			return;
		}
		snprintf(reason, len, "node %d holds most of its memory but has %d CPUs for %d busy "
				      "threads; no single node fits",
			 node, cpus, busy);
		return;
	}
	snprintf(reason, len, "no resident memory and no accelerator: nothing to decide on");
}
