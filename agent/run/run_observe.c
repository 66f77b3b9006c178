// SPDX-License-Identifier: GPL-2.0
/*
 * One interval of a managed process, as the fleet policy needs it: CPU time by node (the
 * difference of two sampler snapshots, so a process placed an hour ago is judged by what
 * it does now), resident pages by node (numa_maps: the kernel sums them), the node of the
 * accelerators it has open, and how many of its threads run off its assigned node.
 *
 * Costs are kept per interval and small, as the daemon runs for days beside the servers:
 * accelerators (an fd walk; the GPU drivers once per interval for all) and a placed server's
 * pages are looked at every RECHECK intervals; a thread found on its
 * node's CPUs is not asked again until the next full check every RECHECK intervals, so a
 * 1000-thread server costs a directory listing per interval, not 1000 system calls.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "act/act.h"
#include "lib/cpulist.h"
#include "lib/log.h"
#include "policy/plan.h"
#include "lib/cpuset_bounds.h"
#include "lib/procfs.h"
#include "run/run.h"

#define RECHECK 10 /* intervals between full checks of accelerators and thread masks */

static void cpu_by_node(const struct np_sample_data *snap, pid_t pid,
			__u64 total[NP_BPF_MAX_NODES])
{
	memset(total, 0, sizeof(__u64) * NP_BPF_MAX_NODES);
	for (int i = 0; i < snap->nthreads; i++)
		if (snap->threads[i].stats.tgid == (__u32)pid)
			for (int n = 0; n < NP_BPF_MAX_NODES; n++)
				total[n] += snap->threads[i].stats.cpu_ns[n];
	/* exited threads, folded per process (the tid field holds the tgid) */
	for (int i = 0; i < snap->nexited; i++)
		if (snap->exited[i].tid == pid)
			for (int n = 0; n < NP_BPF_MAX_NODES; n++)
				total[n] += snap->exited[i].stats.cpu_ns[n];
}

static int cmp_tid(const void *a, const void *b)
{
	return np_int_cmp(a, b);
}

/*
 * Threads whose CPUs reach outside the assigned node's. Those found inside are remembered
 * (sorted, as np_proc_threads lists them) and not asked again until a full check.
 */
static int count_unpinned(const struct np_run *r, struct np_managed *mp, bool full)
{
	int idx = np_topo_node_index(r->topo, mp->assigned_node), ntids, npinned = 0, unpinned = 0;
	pid_t *tids, *pinned;

	if (idx < 0 || np_proc_threads("/", mp->pid, &tids, &ntids))
		return 0;
	pinned = calloc(ntids + 1, sizeof(*pinned));
	if (!pinned) {
		free(tids);
		return 0;
	}
	for (int i = 0; i < ntids; i++) {
		struct np_cpuset mask;

		if (!full && mp->npinned &&
		    bsearch(&tids[i], mp->pinned, mp->npinned, sizeof(pid_t), cmp_tid)) {
			pinned[npinned++] = tids[i];
			continue;
		}
		if (np_thread_affinity(tids[i], &mask))
			continue; /* gone */
		if (np_cpuset_subset(&mask, &r->topo->nodes[idx].cpus))
			pinned[npinned++] = tids[i];
		else
			unpinned++;
	}
	free(tids);
	free(mp->pinned);
	mp->pinned = pinned; /* threads that exited drop out here */
	mp->npinned = npinned;
	return unpinned;
}

const struct np_accel_snapshot *np_run_accel(struct np_run *r)
{
	char msg[256];

	if (!r->accel && !(r->accel = calloc(1, sizeof(*r->accel))))
		return NULL;
	if (r->accel_at != r->interval_no + 1) {
		if (np_accel_snapshot_take("/", r->accel, msg, sizeof(msg)))
			np_log_ratelimited("nvml", NP_LOG_WARNING, "%s", msg);
		r->accel_at = r->interval_no + 1;
	}
	return r->accel;
}

static bool from_driver(const struct np_accel_use *use)
{
	return use->source == NP_ACCEL_SOURCE_NVML || use->source == NP_ACCEL_SOURCE_KFD;
}

/*
 * The node of its accelerators: the pick's; files on several nodes: the first one's, unless a
 * driver (NVML, KFD) is there to say which one it computes on once it holds memory (a
 * tensor-parallel worker has every GPU's file open): then none until it does.
 */
static int accel_node(const struct np_topo *topo, const struct np_accel_use *use,
		      const struct np_accel_pick *pick, bool driver)
{
	if (pick->node != NP_NO_NODE || driver)
		return pick->node;
	for (int i = 0; i < use->ndevices; i++)
		if (topo->devices[use->devices[i]].node >= 0)
			return topo->devices[use->devices[i]].node;
	return NP_NO_NODE;
}

/* Logged when the GPU or the source changes, not when its memory there does. */
static void note_accel(struct np_run *r, struct np_managed *mp, const struct np_accel_pick *old,
		       bool driver)
{
	const char *source = np_accel_source_name(mp->accel.source);
	struct np_accel_pick pick;
	char why[192], bytes[32];

	np_accel_pick(r->topo, &mp->accel, &pick);
	mp->device_node = accel_node(r->topo, &mp->accel, &pick, driver);
	mp->accel_nodes = pick.nnodes;
	mp->accel_note[0] = '\0';
	if (pick.device < 0)
		return;
	np_gpu_bytes_text(pick.node_bytes, bytes, sizeof(bytes));
	snprintf(mp->accel_note, sizeof(mp->accel_note), "%s: %s%s%s", source ? source : "files",
		 r->topo->devices[pick.device].pci, pick.node_bytes > 0 ? ", " : "",
		 pick.node_bytes > 0 ? bytes : "");
	if (old && old->device == pick.device && old->node == pick.node)
		return;
	np_accel_reason(r->topo, &mp->accel, &pick, why, sizeof(why));
	np_log(NP_LOG_INFO, "pid %d (%s) %s%s", mp->pid, mp->comm, why,
	       from_driver(&mp->accel) || source == NULL ? "" : " (from its open files)");
}

/*
 * Accelerators: on a full check, and until it is placed also every interval while only its
 * files or environment tie it to a GPU on a host where a driver (NVML, KFD) can say more: the
 * driver sees its memory once it allocates some. The drivers' snapshot is the interval's one.
 */
static void refresh_accel(struct np_run *r, struct np_managed *mp, bool full)
{
	const struct np_accel_snapshot *snap;
	struct np_accel_pick old;
	bool had = mp->accel_read;

	if (!full && had && (mp->assigned_node >= 0 || from_driver(&mp->accel)))
		return;
	snap = np_run_accel(r);
	if (!snap || (!full && had && !snap->nvml.ok && !snap->nkfd))
		return;
	if (had)
		np_accel_pick(r->topo, &mp->accel, &old);
	mp->accel_read = !np_proc_accel_attr("/", mp->pid, 0, r->topo, snap, &mp->accel);
	if (mp->accel_read)
		note_accel(r, mp, had ? &old : NULL, snap->nvml.ok || snap->nkfd);
}

/* The nodes its cgroup cpuset has CPUs and memory on (0: none bounds it), for the fleet. */
static __u64 allowed_nodes(const struct np_topo *topo, pid_t pid)
{
	struct np_cpuset cpus;
	__u64 mems = 0, nodes = 0;

	if (np_cpuset_bounds_read("/", pid, &cpus, &mems))
		return 0;
	for (int i = 0; i < topo->nnodes; i++) {
		int id = topo->nodes[i].id;

		if (id < 64 && (mems >> id & 1) &&
		    np_cpuset_intersects(&cpus, &topo->nodes[i].cpus))
			nodes |= 1ULL << id;
	}
	return nodes;
}

void np_run_observe(struct np_run *r, const struct np_sample_data *snap, double interval_s)
{
	bool full = r->interval_no % RECHECK == 0;

	for (int i = r->nmanaged - 1; i >= 0; i--) {
		struct np_managed *mp = &r->managed[i];
		const struct np_fleet_entry *entry;
		unsigned long long start;
		__u64 total[NP_BPF_MAX_NODES], sum = 0;
		__u64 every;
		int node;

		/* the same process, or its pid now names another one: never act on that */
		if (np_thread_start_time("/", mp->pid, mp->pid, &start)) {
			np_run_forget(r, i, "exited");
			continue;
		}
		if (start != mp->start_time) {
			np_run_forget(r, i, "exited; its pid now belongs to another process");
			continue;
		}
		cpu_by_node(snap, mp->pid, total);
		for (int n = 0; n < NP_BPF_MAX_NODES; n++) {
			/* a total can shrink when a thread's entry was lost: count nothing then */
			mp->cpu_ns[n] = mp->has_prev && total[n] > mp->cpu_total[n]
						? total[n] - mp->cpu_total[n]
						: 0;
			mp->cpu_total[n] = total[n];
			sum += mp->cpu_ns[n];
		}
		mp->has_prev = true;
		mp->busy_cpus = interval_s > 0 ? sum / (interval_s * 1e9) : 0;
		/*
		 * numa_maps walks the page tables (tens of ms for a 40 GB model in 4 KiB pages,
		 * 40% of the agent's time on the footprint bench when read every interval):
		 * every interval while the remote ratio is above the threshold (the hysteresis
		 * counts), every RECHECK / 2 while it is local (its CPU time, read every
		 * interval, still shows a move of its threads at once), every RECHECK once placed.
		 */
		every = mp->assigned_node >= 0				  ? RECHECK
			: !(mp->remote_ratio > mp->policy->remote_threshold) ? RECHECK / 2
									      : 1;
		if (!mp->residency_read || r->interval_no - mp->residency_at >= every) {
			mp->residency_read =
				!np_numa_maps_read("/", mp->pid, 0, &mp->residency);
			mp->residency_at = r->interval_no;
		}
		refresh_accel(r, mp, full);
		if (full || !mp->allowed_read) {
			mp->allowed_nodes = allowed_nodes(r->topo, mp->pid);
			mp->allowed_read = true;
		}
		if (full)
			mp->unmovable = 0; /* busy pages may move now */
		entry = np_fleet_find(&r->fleet, mp->pid, mp->start_time);
		mp->assigned_node = entry && entry->placed ? entry->assigned_node : NP_NO_NODE;
		mp->unpinned = mp->assigned_node >= 0 && (mp->policy->only & NP_PLAN_ONLY_THREADS)
				       ? count_unpinned(r, mp, full)
				       : 0;
		node = mp->assigned_node >= 0	 ? mp->assigned_node
		       : mp->fixed_node >= 0	 ? mp->fixed_node
		       : mp->device_node >= 0	 ? mp->device_node
						 : np_fullest_node(mp->residency.pages);
		mp->remote_ratio = node >= 0 ? np_fleet_remote_ratio(mp->cpu_ns,
								     mp->residency.pages, node)
					     : NAN;
	}
}

void np_run_fleet_input(const struct np_run *r, struct np_fleet_proc *procs)
{
	for (int i = 0; i < r->nmanaged; i++) {
		const struct np_managed *mp = &r->managed[i];
		struct np_fleet_proc *p = &procs[i];

		memset(p, 0, sizeof(*p));
		p->pid = mp->pid;
		p->start_time = mp->start_time;
		p->policy.fixed_node = mp->fixed_node;
		p->policy.remote_threshold = mp->policy->remote_threshold;
		/* --once acts on what it sees now: there is no second interval to wait for */
		p->policy.sustain = r->once ? 1 : mp->policy->sustain;
		p->policy.min_move_interval_s = mp->policy->min_move_interval_s;
		p->device_node = mp->device_node;
		p->allowed_nodes = mp->allowed_nodes;
		p->policy.placement = (int)mp->policy->placement;
		p->accel_nodes = mp->accel_nodes;
		memcpy(p->cpu_ns, mp->cpu_ns, sizeof(p->cpu_ns));
		memcpy(p->pages, mp->residency.pages, sizeof(p->pages));
		p->busy_cpus = mp->busy_cpus;
		p->unpinned_threads = mp->unpinned;
	}
}
