// SPDX-License-Identifier: GPL-2.0
/*
 * Between sampling windows (issue 18) the sampler's programs are detached and its maps are
 * kept up to date from /proc instead: each traced thread's run time (schedstat, the same
 * sum_exec_runtime the switch handler reads) is charged to the node of the CPU it last ran on
 * (stat field 39), new threads get a baseline as a switch-in would give them, and threads gone
 * meanwhile are folded into their process's exited totals as the exit handler would. So the
 * daemon's cumulative figures go on growing the same way, attached or not.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>

#include "lib/np_common.h"
#include "lib/procfs.h"
#include "sample/map_read.h"
#include "sample/sampler_proc.h"

static int read_runtime(pid_t tgid, pid_t tid, __u64 *runtime)
{
	unsigned long long ns;
	char path[96];
	FILE *f;
	int n;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/schedstat", tgid, tid);
	f = fopen(path, "re");
	if (!f)
		return -ESRCH;
	n = fscanf(f, "%llu", &ns);
	fclose(f);
	if (n != 1)
		return -EINVAL;
	*runtime = ns;
	return 0;
}

static __u32 cpu_node_of(const struct np_sampler_maps *m, int cpu)
{
	return cpu >= 0 && cpu < NP_BPF_MAX_CPUS ? m->cpu_node[cpu] : NP_BPF_NODE_NONE;
}

/* Faults of threads running when the programs were detached wait in their CPU's slot. */
static void flush_slots(const struct np_sampler_maps *m)
{
	for (int cpu = 0; cpu < NP_BPF_MAX_CPUS; cpu++) {
		struct running_slot *slot = &m->running[cpu];
		struct np_thread_stats st;
		__u32 tid = slot->tid;

		if (!tid)
			continue;
		if (slot->faults && !bpf_map_lookup_elem(m->threads_fd, &tid, &st) &&
		    st.last_node < NP_BPF_MAX_NODES) {
			st.faults[st.last_node] += slot->faults;
			bpf_map_update_elem(m->threads_fd, &tid, &st, BPF_EXIST);
		}
		slot->tid = 0;
		slot->faults = 0;
	}
}

/* One live thread: what it ran since last charged, to the node it ran on; or its baseline. */
static void sync_thread(const struct np_sampler_maps *m, pid_t tgid, pid_t tid)
{
	struct np_thread_stats st;
	__u32 key = (__u32)tid, node;
	struct np_stat stat;
	__u64 runtime;
	bool known;

	if (read_runtime(tgid, tid, &runtime))
		return; /* gone meanwhile: folded below */
	known = !bpf_map_lookup_elem(m->threads_fd, &key, &st) && st.tgid == (__u32)tgid;
	if (known && runtime == st.runtime_seen && !st.on_cpu)
		return; /* idle since: no need to ask where it ran */
	node = np_stat_read("/", tgid, tid, &stat) ? NP_BPF_NODE_NONE
						   : cpu_node_of(m, stat.processor);
	if (!known) {
		memset(&st, 0, sizeof(st));
		st.tgid = (__u32)tgid;
	} else if (runtime > st.runtime_seen) {
		/* on CPU at the detach: it ran where the switch handler last saw it */
		__u32 to = st.on_cpu ? st.last_node : node;

		if (to < NP_BPF_MAX_NODES)
			st.cpu_ns[to] += runtime - st.runtime_seen;
	}
	st.last_node = node;
	st.runtime_seen = runtime;
	st.on_cpu = 0;
	bpf_map_update_elem(m->threads_fd, &key, &st, BPF_ANY);
}

static int cmp_u32(const void *a, const void *b)
{
	__u32 x = *(const __u32 *)a, y = *(const __u32 *)b;

	return x < y ? -1 : x > y;
}

/* A thread entry no live thread answers: folded into its process's totals, as at its exit. */
static void fold_gone(const struct np_sampler_maps *m, __u32 tid, const struct np_thread_stats *st)
{
	struct np_thread_stats total;
	__u32 tgid = st->tgid;
	__u8 traced;

	if (!bpf_map_lookup_elem(m->traced_fd, &tgid, &traced)) {
		if (bpf_map_lookup_elem(m->exited_fd, &tgid, &total)) {
			memset(&total, 0, sizeof(total));
			total.tgid = tgid;
			total.last_node = NP_BPF_NODE_NONE;
		}
		np_stats_fold(&total, st);
		bpf_map_update_elem(m->exited_fd, &tgid, &total, BPF_ANY);
	}
	bpf_map_delete_elem(m->threads_fd, &tid);
}

/* The threads of the traced processes, sorted: those the map may keep. */
static int live_threads(const pid_t *tgids, int ntgids, const struct np_sampler_maps *m,
			__u32 **out, int *count)
{
	__u32 *live = NULL;
	int n = 0, cap = 0;

	for (int i = 0; i < ntgids; i++) {
		pid_t *tids;
		int ntids;

		if (np_proc_threads("/", tgids[i], &tids, &ntids))
			continue; /* gone: its threads fold below */
		if (n + ntids > cap) {
			__u32 *grown = realloc(live, sizeof(*live) * (cap = 2 * (n + ntids)));

			if (!grown) {
				free(tids);
				free(live);
				return -ENOMEM;
			}
			live = grown;
		}
		for (int t = 0; t < ntids; t++) {
			sync_thread(m, tgids[i], tids[t]);
			live[n++] = (__u32)tids[t];
		}
		free(tids);
	}
	if (n)
		qsort(live, n, sizeof(*live), cmp_u32);
	*out = live;
	*count = n;
	return 0;
}

int np_sampler_proc_sync(const struct np_sampler_maps *m, const pid_t *tgids, int ntgids)
{
	struct np_map_entries e;
	__u32 *live;
	int nlive, err;

	flush_slots(m);
	err = live_threads(tgids, ntgids, m, &live, &nlive);
	if (err)
		return err;
	err = np_map_read_u32(m->threads_fd, sizeof(struct np_thread_stats), &e);
	for (int i = 0; !err && i < e.n; i++) {
		const struct np_thread_stats *st =
			(const struct np_thread_stats *)((char *)e.values + i * sizeof(*st));

		if (!nlive || !bsearch(&e.keys[i], live, nlive, sizeof(*live), cmp_u32))
			fold_gone(m, e.keys[i], st);
	}
	if (!err)
		np_map_entries_free(&e);
	free(live);
	return err;
}
