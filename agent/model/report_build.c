// SPDX-License-Identifier: GPL-2.0
/*
 * From a closed sampling window to per-process models: group threads by process, read each
 * process's identity, residency and open accelerators, resolve its fault samples to page
 * nodes, then let the pure model compute ratios and the target.
 */
#include <errno.h>
#include <numaif.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/log.h"
#include "lib/pages.h"
#include "model/report.h"

#define MOVE_PAGES_BATCH 1024

static bool in_list(const pid_t *pids, int n, pid_t pid)
{
	for (int i = 0; i < n; i++)
		if (pids[i] == pid)
			return true;
	return false;
}

/* The node of each sampled address (page-aligned), in batches; negative errno if none. */
static struct np_resolved_sample *resolve_samples(const struct np_sample_data *data, pid_t tgid,
						  int *count)
{
	struct np_resolved_sample *out;
	void *pages[MOVE_PAGES_BATCH];
	int status[MOVE_PAGES_BATCH], idx[MOVE_PAGES_BATCH];
	long page_size = np_base_page_kb() * 1024;
	int n = 0, batch = 0;

	for (int i = 0; i < data->nsamples; i++)
		n += data->samples[i].tgid == (__u32)tgid;
	*count = 0;
	if (!n)
		return NULL;
	out = calloc(n, sizeof(*out));
	if (!out)
		return NULL;
	n = 0;
	for (int i = 0; i <= data->nsamples; i++) {
		if (i < data->nsamples && data->samples[i].tgid == (__u32)tgid) {
			const struct np_fault_sample *s = &data->samples[i];

			out[n].tid = s->tid;
			out[n].cpu_node = s->node == NP_BPF_NODE_NONE ? NP_NO_NODE : s->node;
			pages[batch] = (void *)(uintptr_t)(s->address & ~(__u64)(page_size - 1));
			idx[batch++] = n++;
		}
		if (batch == MOVE_PAGES_BATCH || (i == data->nsamples && batch)) {
			/* nodes == NULL: only ask where the pages are, move nothing */
			if (move_pages(tgid, batch, pages, NULL, status, 0))
				for (int j = 0; j < batch; j++)
					status[j] = -errno;
			for (int j = 0; j < batch; j++)
				out[idx[j]].page_node = status[j];
			batch = 0;
		}
	}
	*count = n;
	return out;
}

static int cmp_pid(const void *a, const void *b)
{
	return np_int_cmp(&((const struct np_proc_model *)a)->info.pid,
			  &((const struct np_proc_model *)b)->info.pid);
}

static struct np_proc_model *add_proc(struct np_report *report, pid_t pid, int *cap)
{
	struct np_proc_model *proc;

	for (int i = 0; i < report->nprocs; i++)
		if (report->procs[i].info.pid == pid)
			return &report->procs[i];
	if (report->nprocs == *cap) {
		struct np_proc_model *grown;

		*cap = *cap ? *cap * 2 : 32;
		grown = realloc(report->procs, sizeof(*grown) * *cap);
		if (!grown)
			return NULL;
		report->procs = grown;
	}
	proc = &report->procs[report->nprocs++];
	memset(proc, 0, sizeof(*proc));
	proc->info.pid = pid;
	proc->target_node = NP_NO_NODE;
	return proc;
}

static int add_thread(struct np_proc_model *proc, const struct np_thread_sample *t)
{
	struct np_thread_model *grown = realloc(proc->threads, sizeof(*grown) * (proc->nthreads + 1));

	if (!grown)
		return -ENOMEM;
	proc->threads = grown;
	memset(&grown[proc->nthreads], 0, sizeof(*grown));
	grown[proc->nthreads].tid = t->tid;
	grown[proc->nthreads++].stats = t->stats;
	return 0;
}

/* Threads that never ran in the window (a loader waiting in join) are listed too. */
static void add_idle_threads(struct np_proc_model *proc)
{
	pid_t *tids;
	int n;

	if (np_proc_threads("/", proc->info.pid, &tids, &n))
		return;
	for (int i = 0; i < n; i++) {
		struct np_thread_sample idle = { .tid = tids[i] };
		bool known = false;

		for (int t = 0; t < proc->nthreads && !known; t++)
			known = proc->threads[t].tid == tids[i];
		idle.stats.tgid = (__u32)proc->info.pid;
		idle.stats.last_node = NP_BPF_NODE_NONE;
		if (!known && add_thread(proc, &idle))
			break;
	}
	free(tids);
}

/* Default scope: keep what an operator would look at; --all keeps whatever ran. */
static bool keep(const struct np_report *report, const struct np_proc_model *proc,
		 const pid_t *pids, int npids)
{
	switch (report->scope) {
	case NP_SCOPE_PIDS:
		return true; /* only traced processes (and their children) are in the data */
	case NP_SCOPE_ALL:
		/* kernel threads have no memory of their own to place: not the operator's */
		if (proc->info.kthread)
			return false;
		return np_node_sum(proc->totals.cpu_ns) > 0 || in_list(pids, npids, proc->info.pid);
	default:
		if (proc->info.pid == getpid())
			return false;
		return proc->info.rss_kb >= report->min_rss_mb * 1024L ||
		       np_node_sum(proc->totals.cpu_ns) >=
			       report->min_cpu * (double)report->data.window_ns ||
		       proc->accel.ndevices || proc->accel.unidentified;
	}
}

int np_report_build(struct np_report *report, const pid_t *pids, int npids,
		    const struct np_target_opts *target)
{
	const struct np_sample_data *data = &report->data;
	bool balancing = report->topo->kernel.numa_balancing > 0;
	struct np_accel_snapshot *accel = calloc(1, sizeof(*accel));
	int cap = 0, kept = 0;
	char msg[256];

	/* processes named on the command line appear even when they never ran */
	if (!accel)
		return -ENOMEM;
	/* the drivers once for every process: NVML is not asked per process */
	if (np_accel_snapshot_take("/", accel, msg, sizeof(msg)))
		np_log(NP_LOG_WARNING, "%s; accelerators from the other sources", msg);
	for (int i = 0; i < npids; i++)
		if (!add_proc(report, pids[i], &cap))
			goto nomem;
	for (int i = 0; i < data->nthreads; i++) {
		struct np_proc_model *proc = add_proc(report, data->threads[i].stats.tgid, &cap);

		if (!proc || add_thread(proc, &data->threads[i]))
			goto nomem;
	}
	/* exited threads arrive folded per process: straight into the totals */
	for (int i = 0; i < data->nexited; i++) {
		struct np_proc_model *proc = add_proc(report, data->exited[i].tid, &cap);

		if (!proc)
			goto nomem;
		proc->totals = data->exited[i].stats;
		memcpy(proc->info.comm, data->exited[i].stats.comm, sizeof(proc->info.comm) - 1);
	}

	for (int i = 0; i < report->nprocs; i++) {
		struct np_proc_model *proc = &report->procs[i];
		struct np_resolved_sample *resolved;
		struct np_proc_info info;
		int nresolved;

		if (np_proc_read("/", proc->info.pid, &info)) {
			proc->exited = true; /* keeps the comm the exit handler recorded */
			proc->info.nthreads = proc->nthreads;
		} else {
			proc->info = info;
			add_idle_threads(proc);
			proc->has_residency =
				np_numa_maps_read("/", proc->info.pid, proc->info.live_tid,
						  &proc->residency) == 0;
			np_proc_accel_attr("/", proc->info.pid, proc->info.live_tid, report->topo,
					   accel, &proc->accel);
			/* unreadable: shown as unknown, the rest of the report stands */
			np_proc_cgroup_read("/", proc->info.pid, &proc->cgroup);
		}
		for (int t = 0; t < proc->nthreads; t++)
			np_thread_comm("/", proc->info.pid, proc->threads[t].tid,
				       proc->threads[t].comm, sizeof(proc->threads[t].comm));
		resolved = resolve_samples(data, proc->info.pid, &nresolved);
		np_model_process(proc, resolved, nresolved, balancing);
		free(resolved);
		np_model_target(report->topo, target, proc);
	}

	/* keep the interesting ones, in pid order */
	for (int i = 0; i < report->nprocs; i++) {
		if (keep(report, &report->procs[i], pids, npids))
			report->procs[kept++] = report->procs[i];
		else
			free(report->procs[i].threads);
	}
	report->nprocs = kept;
	qsort(report->procs, kept, sizeof(*report->procs), cmp_pid);
	np_accel_snapshot_free(accel);
	free(accel);
	return 0;
nomem:
	np_accel_snapshot_free(accel);
	free(accel);
	return -ENOMEM;
}

void np_report_free(struct np_report *report)
{
	for (int i = 0; i < report->nprocs; i++)
		free(report->procs[i].threads);
	free(report->procs);
	report->procs = NULL;
	free(report->shared);
	report->shared = NULL;
	for (int i = 0; report->cpuset_conflicts && i < report->nprocs; i++)
		free(report->cpuset_conflicts[i]);
	free(report->cpuset_conflicts);
	report->cpuset_conflicts = NULL;
	report->nprocs = 0;
	np_sample_data_free(&report->data);
}
